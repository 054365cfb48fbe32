/*
 * prefilter_bench.c - why identifiers with digits are found by the token
 * pass (src/lib/detectors/tokens.c) and not by Vectorscan.
 *
 *   make bench-prefilter && build/bench/prefilter_bench FILE...
 *
 * For each file, in 1 MiB blocks as the readers cut them:
 *   vectorscan  the precise regular expressions these detectors used to be
 *               (one block-mode database, matches counted, NOT validated)
 *   tokens      spillguard's detection of the same rules (sgi_detect: the
 *               token pass with its '@' and ':' stops, the pair pass, the
 *               names walker), every candidate validated (checksums,
 *               ranges, context)
 * and prints MB/s for both. spillguard's side does more (it validates,
 * and looks every capitalised word up in the name lists); at issue 9's
 * end it ran at about Vectorscan's speed on the dense staff CSV (126
 * against 133 MB/s) and 2.4x it on case notes (510 against 211 MB/s).
 */
#include "sg_private.h"

#include <hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const patterns[] = {
    "\\b[A-Za-z]{2} ?\\d{2} ?\\d{2} ?\\d{2} ?[A-Da-d]\\b",
    "\\b\\d{3}[ \\-]?\\d{3}[ \\-]?\\d{4}\\b",
    "\\b\\d(?:[ \\-]?\\d){12,18}\\b",
    "\\b[A-Za-z]{2}\\d{2}(?: ?[A-Za-z0-9]){11,30}\\b",
    "@[A-Za-z0-9][A-Za-z0-9\\-]*\\.[A-Za-z0-9]",
    "(?:\\+44|\\b0044|\\b0)[ \\-]?(?:\\(0\\)[ \\-]?)?\\(?\\d(?:[ \\-\\)]{0,2}\\d){8,10}\\b",
    "\\b[A-Za-z]{1,2}\\d[A-Za-z\\d]? ?\\d[A-Za-z]{2}\\b",
    "\\b(?:GIR ?0AA|BFPO ?\\d{1,4})\\b",
    "\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b",
    "[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:",
    "\\b\\d{1,2}[/.\\-]\\d{1,2}[/.\\-](?:\\d{4}|\\d{2})\\b",
    "\\b(?:19|20)\\d{2}-\\d{1,2}-\\d{1,2}\\b",
    "\\b\\d{2}[ \\-]\\d{2}[ \\-]\\d{2}\\b",
    "\\b\\d{6}\\b",
    "\\b\\d{8}\\b",
    "\\b\\d{9}\\b",
    "\\b[A-Z][A-Z9]{4} ?\\d{6} ?[A-Z][A-Z9]\\d[A-Z]{2}\\b",
    "\\b[A-Z]{2}\\d{2} ?[A-Z]{3}\\b",
    "\\b[A-Z]\\d{1,3} ?[A-Z]{3}\\b",
    "\\b[A-Z]{3} ?\\d{1,3}[A-Z]\\b",
};

static unsigned long long matches;

static int count(unsigned id, unsigned long long f, unsigned long long t, unsigned fl, void *c)
{
    (void)id, (void)f, (void)t, (void)fl, (void)c;
    matches++;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long sz = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)sz + 1);
    if (!b || fread(b, 1, (size_t)sz, fp) != (size_t)sz) {
        fclose(fp);
        free(b);
        return NULL;
    }
    fclose(fp);
    *n = (size_t)sz;
    return b;
}

/* Cut at the last newline before 1 MiB, as the text reader does. */
static size_t block_end(const char *b, size_t off, size_t n)
{
    size_t end = off + (1u << 20) < n ? off + (1u << 20) : n;
    if (end == n)
        return n;
    const char *nl = memrchr(b + off, '\n', end - off);
    return nl ? (size_t)(nl - b) + 1 : end;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }
    unsigned n = sizeof(patterns) / sizeof(patterns[0]);
    unsigned flags[32], ids[32];
    for (unsigned i = 0; i < n; i++) {
        flags[i] = 0;
        ids[i] = i;
    }
    hs_database_t *db;
    hs_compile_error_t *err;
    if (hs_compile_multi(patterns, flags, ids, n, HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
        fprintf(stderr, "compile: %s\n", err->message);
        return 1;
    }
    hs_scratch_t *scratch = NULL;
    hs_alloc_scratch(db, &scratch);
    sg_engine *eng;
    sg_scanner *sc;
    if (sg_engine_new(&eng, NULL) || sg_engine_compile(eng) || sg_scanner_new(eng, &sc))
        return 1;

    printf("%-28s %9s %14s %14s %12s\n", "file", "MB", "vectorscan MB/s", "tokens MB/s",
           "validated");
    for (int a = 1; a < argc; a++) {
        size_t len;
        char *b = slurp(argv[a], &len);
        if (!b) {
            perror(argv[a]);
            return 1;
        }
        double best_hs = 1e9, best_tok = 1e9;
        unsigned long long hits = 0;
        for (int rep = 0; rep < 3; rep++) {
            matches = 0;
            double t0 = now();
            for (size_t off = 0; off < len;) {
                size_t end = block_end(b, off, len);
                hs_scan(db, b + off, (unsigned)(end - off), 0, scratch, count, NULL);
                off = end;
            }
            double t1 = now();
            hits = 0;
            for (size_t off = 0; off < len;) {
                size_t end = block_end(b, off, len);
                sc->hits.n = 0;
                sc->locator = NULL;
                sgi_detect(sc, b, off, off, end);
                sgi_hits_settle(&sc->hits, &eng->mem);
                hits += sc->hits.n;
                off = end;
            }
            double t2 = now();
            if (t1 - t0 < best_hs)
                best_hs = t1 - t0;
            if (t2 - t1 < best_tok)
                best_tok = t2 - t1;
        }
        const char *base = strrchr(argv[a], '/');
        double mb = (double)len / 1048576.0;
        printf("%-28s %9.1f %14.0f %14.0f %12llu\n", base ? base + 1 : argv[a], mb, mb / best_hs,
               mb / best_tok, hits);
        free(b);
    }
    sg_scanner_free(sc);
    sg_engine_free(eng);
    hs_free_scratch(scratch);
    hs_free_database(db);
    return 0;
}
