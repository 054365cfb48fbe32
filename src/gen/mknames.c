/*
 * mknames.c - compiles the name lists of data/names/ into the table that
 * names.c uses in place (layout: src/lib/detectors/names_table.h). Run by
 * make on the build machine:
 *
 *   mknames FIRST.tsv SURNAMES.tsv COMMON.txt WORDS.txt OUT
 *
 * FIRST.tsv and SURNAMES.tsv: "name<TAB>number" lines (births; per
 * 100,000); COMMON.txt: "name<TAB>level" for names that are also words
 * (level 1 or 2); WORDS.txt: one English word a line. A name on both
 * lists is one record with both flags; case does not matter, the first
 * spelling listed is kept.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../lib/detectors/names_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct buf {
    char *p;
    size_t n;
} buf;

static buf slurp(const char *path)
{
    buf b = {0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    size_t cap = 1 << 20;
    b.p = malloc(cap);
    size_t r;
    while (b.p && (r = fread(b.p + b.n, 1, cap - b.n, f)) > 0) {
        b.n += r;
        if (b.n == cap)
            b.p = realloc(b.p, cap *= 2);
    }
    if (!b.p || ferror(f)) {
        fprintf(stderr, "mknames: cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    return b;
}

static size_t count_lines(buf b)
{
    size_t n = 0;
    for (size_t i = 0; i < b.n; i++)
        n += b.p[i] == '\n';
    return n + 1;
}

static sgi_name_rec *recs;
static uint32_t nrecs, cap, mask, *slots;
static char *pool;
static size_t pool_len, pool_cap;

static uint32_t pool_add(const char *s, size_t n, int with_len)
{
    if (pool_len + n + 1 > pool_cap) {
        pool_cap = (pool_len + n + 1) * 2;
        pool = realloc(pool, pool_cap);
        if (!pool) {
            fprintf(stderr, "mknames: out of memory\n");
            exit(1);
        }
    }
    uint32_t at = (uint32_t)pool_len;
    if (with_len)
        pool[pool_len++] = (char)n;
    memcpy(pool + pool_len, s, n);
    pool_len += n;
    return at;
}

static sgi_name_rec *find(const char *s, size_t n)
{
    for (uint32_t j = (uint32_t)sgi_names_hash(s, n) & mask; slots[j]; j = (j + 1) & mask) {
        sgi_name_rec *e = &recs[slots[j] - 1];
        if (e->len == n && strncasecmp(pool + e->s, s, n) == 0)
            return e;
    }
    return NULL;
}

static sgi_name_rec *add(const char *s, size_t n)
{
    sgi_name_rec *e = find(s, n);
    if (e || n == 0 || n > 64 || nrecs == cap)
        return e;
    e = &recs[nrecs++];
    memset(e, 0, sizeof(*e));
    e->s = pool_add(s, n, 0);
    e->len = (uint16_t)n;
    uint32_t j = (uint32_t)sgi_names_hash(s, n) & mask;
    while (slots[j])
        j = (j + 1) & mask;
    slots[j] = nrecs;
    return e;
}

enum { FIRST, LAST, WEAK };

static void each_line(buf b, int kind)
{
    for (char *p = b.p, *end = b.p + b.n; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        char *tab = memchr(p, '\t', (size_t)(e - p));
        if (tab && tab > p) {
            unsigned long v = 0;
            for (const char *q = tab + 1; q < e && *q >= '0' && *q <= '9'; q++)
                v = v * 10 + (unsigned long)(*q - '0');
            if (v > 0xFFFFFFFFul)
                v = 0xFFFFFFFFul;
            size_t n = (size_t)(tab - p);
            sgi_name_rec *r = kind == WEAK ? find(p, n) : add(p, n);
            if (r && kind == FIRST) {
                r->flags |= SGI_NAME_FIRST;
                r->births = (uint32_t)v;
            } else if (r && kind == LAST) {
                r->flags |= SGI_NAME_LAST;
                r->per100k = (uint32_t)v;
            } else if (r) {
                r->weak = (uint8_t)(v > 2 ? 2 : v);
            }
        }
        p = e + 1;
    }
}

static uint32_t pow2_over(size_t n)
{
    uint32_t s = 1;
    while (s < n)
        s <<= 1;
    return s;
}

static size_t align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: mknames FIRST.tsv SURNAMES.tsv COMMON.txt WORDS.txt OUT\n");
        return 2;
    }
    buf first = slurp(argv[1]), last = slurp(argv[2]), common = slurp(argv[3]),
        words = slurp(argv[4]);
    cap = (uint32_t)(count_lines(first) + count_lines(last));
    mask = pow2_over((size_t)cap * 2) - 1;
    recs = calloc(cap, sizeof(*recs));
    slots = calloc((size_t)mask + 1, sizeof(*slots));
    if (!recs || !slots)
        return 1;
    each_line(first, FIRST);
    each_line(last, LAST);
    each_line(common, WEAK);

    uint32_t wmask = pow2_over(count_lines(words) * 2 + 2) - 1;
    uint32_t *wslots = calloc((size_t)wmask + 1, sizeof(*wslots));
    if (!wslots)
        return 1;
    for (char *p = words.p, *end = words.p + words.n; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        size_t n = (size_t)(e - p);
        if (n > 0 && n < 256) {
            uint32_t j = (uint32_t)sgi_names_hash(p, n) & wmask;
            while (wslots[j])
                j = (j + 1) & wmask;
            wslots[j] = pool_add(p, n, 1) + 1;
        }
        p = e + 1;
    }

    /* the records in their slots */
    sgi_name_rec *table = calloc((size_t)mask + 1, sizeof(*table));
    if (!table)
        return 1;
    for (uint32_t j = 0; j <= mask; j++)
        if (slots[j])
            table[j] = recs[slots[j] - 1];

    sgi_names_blob h = {.magic = SGI_NAMES_MAGIC, .n = nrecs, .mask = mask, .wmask = wmask};
    size_t off = align4(sizeof(h));
    h.recs = (uint32_t)off;
    off = align4(off + ((size_t)mask + 1) * sizeof(*table));
    h.wslots = (uint32_t)off;
    off += ((size_t)wmask + 1) * sizeof(*wslots);
    h.pool = (uint32_t)off;
    h.pool_len = (uint32_t)pool_len;
    h.size = (uint32_t)align4(off + pool_len);

    char *out = calloc(1, h.size);
    if (!out)
        return 1;
    memcpy(out, &h, sizeof(h));
    memcpy(out + h.recs, table, ((size_t)mask + 1) * sizeof(*table));
    memcpy(out + h.wslots, wslots, ((size_t)wmask + 1) * sizeof(*wslots));
    memcpy(out + h.pool, pool, pool_len);

    /* written beside, then renamed: make never sees half a table */
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", argv[5]);
    FILE *f = fopen(tmp, "wb");
    if (!f || fwrite(out, 1, h.size, f) != h.size || fclose(f) != 0 || rename(tmp, argv[5]) != 0) {
        perror(argv[5]);
        return 1;
    }
    return 0;
}
