/*
 * engine.c - settings and the compiled detectors.
 *
 * Every detector family's matchers (detectors.def) are sorted by how they
 * find candidates: word shapes, digit windows, digit runs and stop bytes
 * go to the token pass, pairs to the pair pass (rules of the configuration
 * are PCRE2's, detect_custom.c); the tables built here are shared
 * read-only by all scanners (each scanner owns its hit buffer and match
 * data, as yara's compiled rules and per-thread scanner).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

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
    e->mem.acct = &e->acct;
    e->acct.cap = 256ULL << 20;
    e->opt_max_findings = 100;
    e->opt_max_record = 1u << 20;
    e->opt_table_min_rows = 10;
    e->opt_hash = 1;
    e->opt_max_depth = 256;
    e->opt_max_inflated = 4ULL << 30;
    e->opt_max_ratio = 1000;
    e->opt_max_members = 100000;
    e->opt_max_nesting = 4;
    e->opt_max_part = 256ULL << 20;
    e->opt_max_doc_memory = 1ULL << 30;
    e->opt_timeout = 120;
    e->opt_small_count = 4;
    e->opt_min_k = 5;
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
    case SG_OPT_MAX_INFLATED:
        if (v < 1024)
            return SG_E_INVALID;
        e->opt_max_inflated = v;
        return SG_OK;
    case SG_OPT_MAX_RATIO:
        if (v < 2)
            return SG_E_INVALID;
        e->opt_max_ratio = v;
        return SG_OK;
    case SG_OPT_MAX_MEMBERS:
        if (v < 1)
            return SG_E_INVALID;
        e->opt_max_members = v;
        return SG_OK;
    case SG_OPT_MAX_NESTING:
        e->opt_max_nesting = v;
        return SG_OK;
    case SG_OPT_MAX_PART_BYTES:
        if (v < 4096)
            return SG_E_INVALID;
        e->opt_max_part = v;
        return SG_OK;
    case SG_OPT_MAX_DOC_MEMORY:
        if (v < (16ULL << 20))
            return SG_E_INVALID;
        e->opt_max_doc_memory = v;
        return SG_OK;
    case SG_OPT_TIMEOUT:
        e->opt_timeout = v;
        return SG_OK;
    case SG_OPT_SMALL_COUNT:
        if (v > 1000)
            return SG_E_INVALID;
        e->opt_small_count = v;
        return SG_OK;
    case SG_OPT_MIN_K:
        if (v > 1000)
            return SG_E_INVALID;
        e->opt_min_k = v;
        return SG_OK;
    case SG_OPT_MAX_MEMORY:
        if (v && v < (16ULL << 20))
            return SG_E_INVALID;
        e->acct.cap = v;
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
    case SG_OPT_MAX_INFLATED:
        return e->opt_max_inflated;
    case SG_OPT_MAX_RATIO:
        return e->opt_max_ratio;
    case SG_OPT_MAX_MEMBERS:
        return e->opt_max_members;
    case SG_OPT_MAX_NESTING:
        return e->opt_max_nesting;
    case SG_OPT_MAX_PART_BYTES:
        return e->opt_max_part;
    case SG_OPT_MAX_DOC_MEMORY:
        return e->opt_max_doc_memory;
    case SG_OPT_TIMEOUT:
        return e->opt_timeout;
    case SG_OPT_SMALL_COUNT:
        return e->opt_small_count;
    case SG_OPT_MIN_K:
        return e->opt_min_k;
    case SG_OPT_MAX_MEMORY:
        return e->acct.cap;
    }
    return 0;
}

/* The lengths the first run of digits of text matching shape from p (its
 * first digit or the optional space before it) can have: the run ends
 * where the shape's digits do, or at an optional space between them. */
static uint32_t run_lens(const char *p)
{
    if (*p == '_')
        p++;
    unsigned n = 0;
    uint32_t lens = 0;
    for (;; p++) {
        if (*p == 'D' || (*p >= '0' && *p <= '9')) {
            n++;
            continue;
        }
        if (*p == 'Z' || *p == 'N')
            return UINT32_MAX; /* a letter or a digit: anything */
        lens |= 1u << SGI_MIN(n, 31u);
        if (*p != '_')
            return lens;
    }
}

/* Read off a shape how many letters lead to its first digit. A shape with
 * Z or N there (a 9 or a digit may come early), or parsed by code, fits
 * any word. */
static sgi_word_fit word_fit(const char *shape)
{
    sgi_word_fit f = {0, 9, true, true, UINT32_MAX};
    if (!shape)
        return f;
    unsigned char n = 0;
    for (const char *p = shape; *p; p++) {
        char c = *p;
        if (c == 'A' || (((c | 32) >= 'a' && (c | 32) <= 'z') && c != 'D' && c != 'Z' &&
                         c != 'N')) {
            n++;
            continue;
        }
        if (c == 'Z' || c == 'N')
            return (sgi_word_fit){n, 9, true, true, UINT32_MAX};
        bool space = c == '_';
        f.min = f.max = n;
        f.attached = true;
        f.spaced = space;
        f.run_lens = run_lens(p);
        return f;
    }
    return f;
}

/* Append m to a list of at most max matchers (the passes keep them in
 * registers, so the list is short), or say why not. */
static sg_status add_bounded(sg_engine *e, const sgi_matcher **list, size_t *n, size_t max,
                             const sgi_matcher *m, const char *what)
{
    if (*n == max) {
        snprintf(e->error, sizeof(e->error), "more than %zu %s", max, what);
        return SG_E_ENGINE;
    }
    list[(*n)++] = m;
    return SG_OK;
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
    e->words = sgi_calloc(&e->mem, n, sizeof(*e->words));
    e->runs = sgi_calloc(&e->mem, n, sizeof(*e->runs));
    e->fits = sgi_calloc(&e->mem, n, sizeof(*e->fits));
    e->wins = sgi_calloc(&e->mem, n * (SGI_WINDOW_MAX_DIGITS + 1), sizeof(*e->wins));
    sg_status st = SG_OK;
    if (!e->words || !e->runs || !e->fits || !e->wins) {
        st = SG_E_NOMEM;
        goto out;
    }
    /* each matcher finds candidates one way: sort them by it */
    for (size_t i = 0; i < SGI_ARRAY_LEN(detector_sets); i++) {
        for (size_t j = 0; j < detector_sets[i]->count; j++) {
            const sgi_matcher *m = &detector_sets[i]->matchers[j];
            if (m->shape || m->parse) {
                e->fits[e->nwords] = word_fit(m->shape);
                e->words[e->nwords++] = m;
            } else if (m->run) {
                e->runs[e->nruns++] = m;
            } else if (m->stop && m->at) {
                st = add_bounded(e, e->stops, &e->nstops, SGI_MAX_STOPS, m, "stop bytes");
            } else if (m->pair[0] && m->pair[1] && m->at) {
                st = add_bounded(e, e->pairs, &e->npairs, SGI_MAX_PAIRS, m, "pairs");
            }
            if (st != SG_OK)
                goto out;
        }
    }
    /* window matchers, by each number of digits they take */
    size_t nwin = 0;
    for (size_t d = 1; d <= SGI_WINDOW_MAX_DIGITS; d++) {
        e->winstart[d] = nwin;
        for (size_t i = 0; i < SGI_ARRAY_LEN(detector_sets); i++) {
            for (size_t j = 0; j < detector_sets[i]->count; j++) {
                const sgi_matcher *m = &detector_sets[i]->matchers[j];
                if (m->digits && d >= m->digits && d <= m->digits_max) {
                    e->wins[nwin++] = m;
                    e->win_max = SGI_MAX(e->win_max, d);
                }
            }
        }
        e->wincount[d] = nwin - e->winstart[d];
    }
    /* bucket the word matchers by what they can start with */
    e->wlist = sgi_calloc(&e->mem, 20 * (e->nwords + 1), sizeof(*e->wlist));
    if (!e->wlist) {
        st = SG_E_NOMEM;
        goto out;
    }
    size_t nw = 0;
    for (size_t l = 0; l < 10; l++) {
        for (int sp = 0; sp < 2; sp++) {
            e->wstart[l][sp] = nw;
            for (size_t i = 0; i < e->nwords; i++) {
                const sgi_word_fit *f = &e->fits[i];
                if (l >= f->min && l <= f->max && (sp ? f->spaced : f->attached))
                    e->wlist[nw++] = (unsigned short)i;
            }
            e->wcount[l][sp] = nw - e->wstart[l][sp];
        }
    }
    st = sgi_names_build(&e->mem, &e->names);
    if (st != SG_OK)
        goto out;
    e->compiled = true;
out:
    return st;
}

const char *sg_engine_error(const sg_engine *e)
{
    return e ? e->error : "";
}

void sg_engine_free(sg_engine *e)
{
    if (!e)
        return;
    sgi_mem mem = e->mem;
    sgi_names_free(&mem, e->names);
    sgi_config_free(e);
    sgi_custom_free(e);
    sgi_free(&mem, e->words);
    sgi_free(&mem, e->fits);
    sgi_free(&mem, e->wlist);
    sgi_free(&mem, e->wins);
    sgi_free(&mem, e->runs);
    mem.acct = NULL; /* the engine struct was allocated before its accounting */
    sgi_free(&mem, e);
}
