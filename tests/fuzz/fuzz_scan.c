/*
 * fuzz_scan.c - libFuzzer target for the whole scan path of one buffer:
 * sniffing, the text and CSV readers, every detector, and the three
 * report writers. The first byte picks the file name (and so the
 * extension hint). Small limits make the record-cutting paths reachable
 * with small inputs. Invariants are checked with abort(), so a fuzzer
 * stops on a wrong result as well as on a crash.
 *
 * Build with clang: make -C tests/fuzz (see README.md there). replay.c
 * runs the corpus through the same function in normal CI.
 */
#include "spillguard.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int discard(void *opaque, const char *d, size_t n)
{
    (void)opaque;
    (void)d;
    (void)n;
    return 0;
}

typedef struct fctx {
    size_t size;
} fctx;

static int check(void *opaque, const sg_file_result *r)
{
    const fctx *fc = opaque;
    if (r->nfindings > r->findings_total)
        abort();
    if (r->verdict != SG_VERDICT_ERROR && r->status != SG_OK)
        abort();
    if (r->size < 0 || (size_t)r->size != fc->size)
        abort();
    for (size_t i = 0; i < r->nfindings; i++) {
        const sg_finding *f = &r->findings[i];
        if (!f->rule || !f->match || !f->value || !sg_rule_find(f->rule))
            abort();
        /* an offset is into the file, or into the embedded file its part
         * names (which may be larger, once inflated) */
        if (!f->location.part && f->location.offset >= (long long)fc->size)
            abort();
        if (f->location.line < 0 || f->location.col < 0 || f->location.row < 0)
            abort();
        /* personal data is never shown as it is (descriptions of tables
         * and hidden content are, and hold no values) */
        if (strncmp(f->rule, "pii.", 4) == 0 && strcmp(f->match, f->value) == 0 &&
            strpbrk(f->value, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
            abort();
    }
    static const sg_report_format fmts[] = {SG_REPORT_TEXT, SG_REPORT_JSONL, SG_REPORT_SARIF};
    for (size_t k = 0; k < 3; k++) {
        sg_report *rep = NULL;
        if (sg_report_new(fmts[k], SG_REPORT_VERBOSE, discard, NULL, &rep) != SG_OK)
            abort();
        if (sg_report_file(rep, r) != 0)
            abort();
        sg_summary sum = {0};
        sum.files = 1;
        if (sg_report_finish(rep, &sum) != SG_OK)
            abort();
        sg_report_free(rep);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sg_engine *eng;
    static sg_scanner *sc;
    if (!eng) {
        if (sg_engine_new(&eng, NULL) != SG_OK ||
            sg_engine_set(eng, SG_OPT_MAX_RECORD_BYTES, 4096) != SG_OK ||
            sg_engine_set(eng, SG_OPT_TABLE_MIN_ROWS, 2) != SG_OK ||
            sg_engine_set(eng, SG_OPT_MAX_FINDINGS_PER_RULE, 8) != SG_OK ||
            sg_engine_compile(eng) != SG_OK || sg_scanner_new(eng, &sc) != SG_OK)
            abort();
    }
    static const char *const names[] = {"f.txt", "f.csv", "f.tsv", "f"};
    const char *name = names[size ? data[0] & 3 : 0];
    fctx fc = {size};
    if (sg_scan_memory(sc, data, size, name, check, &fc) != SG_OK)
        abort();
    return 0;
}
