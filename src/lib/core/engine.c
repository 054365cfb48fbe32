/*
 * engine.c - settings and the compiled pattern database.
 *
 * Every detector family's Vectorscan patterns (detectors.def) are compiled
 * into one block-mode database, shared read-only by all scanners; each
 * scanner owns a scratch (yara's compiled rules + per-thread scanner).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <hs.h>
#include <string.h>

static const sgi_matcher_set *const detector_sets[] = {
#define SGI_DETECTOR(name) &sgi_detector_##name,
#include "../detectors/detectors.def"
#undef SGI_DETECTOR
};

sg_status sg_engine_new(sg_engine **out, const sg_allocator *allocator)
{
    if (!out)
        return SG_E_INVALID;
    *out = NULL;
    sgi_mem mem;
    sgi_mem_init(&mem, allocator);
    sg_engine *e = sgi_calloc(&mem, 1, sizeof(*e));
    if (!e)
        return SG_E_NOMEM;
    e->mem = mem;
    e->opt_max_findings = 100;
    e->opt_max_record = 1u << 20;
    e->opt_table_min_rows = 10;
    e->opt_hash = 1;
    e->opt_max_depth = 256;
    *out = e;
    return SG_OK;
}

sg_status sg_engine_set(sg_engine *e, sg_option opt, unsigned long long v)
{
    if (!e || e->compiled)
        return SG_E_INVALID;
    switch (opt) {
    case SG_OPT_MAX_FINDINGS_PER_RULE:
        e->opt_max_findings = v;
        return SG_OK;
    case SG_OPT_MAX_RECORD_BYTES:
        if (v < 4096 || v > (1ULL << 30))
            return SG_E_INVALID;
        e->opt_max_record = v;
        return SG_OK;
    case SG_OPT_TABLE_MIN_ROWS:
        if (v < 1)
            return SG_E_INVALID;
        e->opt_table_min_rows = v;
        return SG_OK;
    case SG_OPT_HASH:
        e->opt_hash = v ? 1 : 0;
        return SG_OK;
    case SG_OPT_MAX_DEPTH:
        if (v < 1)
            return SG_E_INVALID;
        e->opt_max_depth = v;
        return SG_OK;
    }
    return SG_E_INVALID;
}

unsigned long long sg_engine_get(const sg_engine *e, sg_option opt)
{
    if (!e)
        return 0;
    switch (opt) {
    case SG_OPT_MAX_FINDINGS_PER_RULE:
        return e->opt_max_findings;
    case SG_OPT_MAX_RECORD_BYTES:
        return e->opt_max_record;
    case SG_OPT_TABLE_MIN_ROWS:
        return e->opt_table_min_rows;
    case SG_OPT_HASH:
        return e->opt_hash;
    case SG_OPT_MAX_DEPTH:
        return e->opt_max_depth;
    }
    return 0;
}

sg_status sg_engine_compile(sg_engine *e)
{
    if (!e)
        return SG_E_INVALID;
    if (e->compiled)
        return SG_OK;
    size_t n = 0;
    for (size_t i = 0; i < SGI_ARRAY_LEN(detector_sets); i++)
        n += detector_sets[i]->count;
    const char **exprs = sgi_calloc(&e->mem, n, sizeof(*exprs));
    unsigned *flags = sgi_calloc(&e->mem, n, sizeof(*flags));
    unsigned *ids = sgi_calloc(&e->mem, n, sizeof(*ids));
    e->matchers = sgi_calloc(&e->mem, n, sizeof(*e->matchers));
    if (!exprs || !flags || !ids || !e->matchers) {
        sgi_free(&e->mem, exprs);
        sgi_free(&e->mem, flags);
        sgi_free(&e->mem, ids);
        return SG_E_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < SGI_ARRAY_LEN(detector_sets); i++) {
        for (size_t j = 0; j < detector_sets[i]->count; j++) {
            const sgi_matcher *m = &detector_sets[i]->matchers[j];
            exprs[k] = m->regex;
            flags[k] = m->hs_flags | HS_FLAG_SOM_LEFTMOST;
            ids[k] = (unsigned)k;
            e->matchers[k] = m;
            k++;
        }
    }
    e->nmatchers = n;
    hs_compile_error_t *cerr = NULL;
    hs_database_t *db = NULL;
    hs_error_t err =
        hs_compile_multi(exprs, flags, ids, (unsigned)n, HS_MODE_BLOCK, NULL, &db, &cerr);
    sgi_free(&e->mem, exprs);
    sgi_free(&e->mem, flags);
    sgi_free(&e->mem, ids);
    if (err != HS_SUCCESS) {
        snprintf(e->error, sizeof(e->error), "pattern %d: %s", cerr ? cerr->expression : -1,
                 cerr ? cerr->message : "compile failed");
        hs_free_compile_error(cerr);
        return SG_E_ENGINE;
    }
    e->db = db;
    e->compiled = true;
    return SG_OK;
}

const char *sg_engine_error(const sg_engine *e)
{
    return e ? e->error : "";
}

void sg_engine_free(sg_engine *e)
{
    if (!e)
        return;
    if (e->db)
        hs_free_database(e->db);
    sgi_mem mem = e->mem;
    sgi_free(&mem, e->matchers);
    sgi_free(&mem, e);
}
