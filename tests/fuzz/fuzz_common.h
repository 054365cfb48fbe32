/*
 * fuzz_common.h - what every fuzz target shares: one engine with small
 * limits (so that cutting and capping are reached by small inputs), and the
 * invariants every result must keep, checked with abort() so that the
 * fuzzer stops on a wrong result as well as on a crash.
 */
#ifndef SG_FUZZ_COMMON_H
#define SG_FUZZ_COMMON_H

#include "spillguard.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fz_discard(void *opaque, const char *d, size_t n)
{
    (void)opaque;
    (void)d;
    (void)n;
    return 0;
}

typedef struct fz_ctx {
    size_t size;
} fz_ctx;

static int fz_check(void *opaque, const sg_file_result *r)
{
    const fz_ctx *fc = opaque;
    if (r->nfindings > r->findings_total)
        abort();
    if (r->verdict != SG_VERDICT_ERROR && r->status != SG_OK)
        abort();
    if (r->size < 0 || (size_t)r->size != fc->size)
        abort();
    for (size_t i = 0; i < r->nfindings; i++) {
        const sg_finding *f = &r->findings[i];
        bool custom = f->rule && strncmp(f->rule, "custom.", 7) == 0;
        if (!f->rule || !f->match || !f->value || (!custom && !sg_rule_find(f->rule)))
            abort();
        /* an offset is into the file, or into the embedded file its part
         * names (which may be larger, once inflated) */
        if (!f->location.part && f->location.offset >= (long long)fc->size)
            abort();
        if (f->location.line < 0 || f->location.col < 0 || f->location.row < 0)
            abort();
        /* personal data is never shown as it is (descriptions of tables
         * and hidden content are, and hold no values) */
        if ((strncmp(f->rule, "pii.", 4) == 0 || custom) && strcmp(f->match, f->value) == 0 &&
            strpbrk(f->value, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
            abort();
    }
    static const sg_report_format fmts[] = {SG_REPORT_TEXT, SG_REPORT_JSONL, SG_REPORT_SARIF};
    for (size_t k = 0; k < 3; k++) {
        sg_report *rep = NULL;
        if (sg_report_new(fmts[k], SG_REPORT_VERBOSE, fz_discard, NULL, &rep) != SG_OK)
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

/* Two rules of the configuration, so that their pass (PCRE2 over the
 * block, located like the built-in rules) meets every input too: one with
 * a check and context words, one that may match inside words. */
static const char *const fz_member_words[] = {"member", NULL};
static const sg_custom_rule fz_rules[] = {
    {"custom.member_no", "Member number", "[0-9]{8}", "luhn", fz_member_words,
     SG_SEV_MEDIUM, 1},
    {"custom.case_ref", "Case reference", "[A-Z]{2,4}-[0-9]{3,6}", NULL, NULL, SG_SEV_HIGH, 0},
};

static sg_scanner *fz_scanner(void)
{
    static sg_engine *eng;
    static sg_scanner *sc;
    if (!eng) {
        if (sg_engine_new(&eng, NULL) != SG_OK ||
            sg_engine_set(eng, SG_OPT_MAX_RECORD_BYTES, 4096) != SG_OK ||
            sg_engine_set(eng, SG_OPT_TABLE_MIN_ROWS, 2) != SG_OK ||
            sg_engine_set(eng, SG_OPT_MAX_FINDINGS_PER_RULE, 8) != SG_OK ||
            sg_engine_add_rule(eng, &fz_rules[0]) != SG_OK ||
            sg_engine_add_rule(eng, &fz_rules[1]) != SG_OK ||
            sg_engine_compile(eng) != SG_OK || sg_scanner_new(eng, &sc) != SG_OK)
            abort();
    }
    return sc;
}

/* Scan a buffer as a file of that name; the result is checked. */
static void fz_scan(const void *data, size_t size, const char *name)
{
    fz_ctx fc = {size};
    if (sg_scan_memory(fz_scanner(), data, size, name, fz_check, &fc) != SG_OK)
        abort();
}

#endif
