/*
 * detect.c - from Vectorscan matches to validated hits.
 *
 * One block-mode scan over a block of UTF-8 text finds candidates for every
 * rule at once. Each candidate goes to its rule's validator (a C function
 * that knows the checksum, the ranges and the context words), which accepts
 * it and says exactly where it starts and ends. Hits are then sorted and a
 * hit that lies inside another (an account number inside an IBAN) is
 * dropped.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <hs.h>
#include <stdlib.h>
#include <string.h>

typedef struct match_ctx {
    sg_scanner *sc;
    const char *buf;
    size_t ctx_lo, scan_lo, lo, hi; /* lo: start of the current hs_scan call */
    bool nomem;
} match_ctx;

bool sgi_hits_push(sgi_hits *h, const sgi_mem *mem, size_t start, size_t end, int rule,
                   uint32_t aux)
{
    if (!sgi_grow(mem, (void **)&h->v, &h->cap, h->n + 1, sizeof(sgi_hit)))
        return false;
    h->v[h->n++] = (sgi_hit){start, end, (uint32_t)rule, aux};
    return true;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *opaque)
{
    (void)flags;
    match_ctx *mc = opaque;
    sg_scanner *sc = mc->sc;
    const sgi_matcher *m = sc->eng->matchers[id];
    sgi_cand c = {
        .buf = mc->buf,
        .lo = mc->scan_lo,
        .hi = mc->hi,
        .ctx_lo = mc->ctx_lo,
        .from = mc->lo + (size_t)from,
        .to = mc->lo + (size_t)to,
    };
    if (sc->locator)
        sc->locator(sc->locator_opaque, c.from, &c);
    if (c.from < c.lo)
        c.from = c.lo;
    if (c.to > c.hi)
        c.to = c.hi;
    if (c.from >= c.to)
        return 0;
    size_t s = c.from, e = c.to;
    if (!m->validate(&c, &s, &e))
        return 0;
    if (s < c.lo || e > c.hi || s >= e)
        return 0;
    if (!sgi_hits_push(&sc->hits, &sc->eng->mem, s, e, m->rule, 0)) {
        mc->nomem = true;
        return 1; /* stop the scan */
    }
    return 0;
}

sg_status sgi_detect(sg_scanner *sc, const char *buf, size_t ctx_lo, size_t lo, size_t hi)
{
    if (hi <= lo)
        return SG_OK;
    match_ctx mc = {sc, buf, ctx_lo, lo, lo, hi, false};
    size_t off = lo;
    /* Vectorscan takes an unsigned int length */
    while (off < hi) {
        size_t len = SGI_MIN(hi - off, (size_t)1 << 30);
        mc.lo = off;
        hs_error_t err = hs_scan(sc->eng->db, buf + off, (unsigned)len, 0, sc->scratch, on_match,
                                 &mc);
        if (mc.nomem)
            return SG_E_NOMEM;
        if (err != HS_SUCCESS && err != HS_SCAN_TERMINATED)
            return SG_E_ENGINE;
        off += len;
    }
    return SG_OK;
}

static int hit_cmp(const void *a, const void *b)
{
    const sgi_hit *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1; /* longer first */
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    return 0;
}

void sgi_hits_settle(sgi_hits *h)
{
    if (h->n < 2)
        return;
    qsort(h->v, h->n, sizeof(sgi_hit), hit_cmp);
    size_t k = 0;
    size_t max_end = 0, max_start = 0;
    for (size_t i = 0; i < h->n; i++) {
        sgi_hit x = h->v[i];
        if (k) {
            const sgi_hit *prev = &h->v[k - 1];
            if (prev->start == x.start && prev->end == x.end && prev->rule == x.rule)
                continue; /* duplicate */
            if (x.end < max_end || (x.end == max_end && max_start < x.start))
                continue; /* inside an earlier, longer hit */
        }
        h->v[k++] = x;
        if (x.end > max_end) {
            max_end = x.end;
            max_start = x.start;
        }
    }
    h->n = k;
}

/* ----------------------------------------------------------- validators' helpers */

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static bool word_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool sgi_has_word(const char *text, size_t n, const char *word)
{
    size_t wl = strlen(word);
    if (wl == 0 || wl > n)
        return false;
    for (size_t i = 0; i + wl <= n; i++) {
        if (lower((unsigned char)text[i]) != (unsigned char)word[0])
            continue;
        size_t j = 1;
        while (j < wl && lower((unsigned char)text[i + j]) == (unsigned char)word[j])
            j++;
        if (j < wl)
            continue;
        bool left = i == 0 || !word_char((unsigned char)text[i - 1]) || !word_char((unsigned char)word[0]);
        bool right = i + wl == n || !word_char((unsigned char)text[i + wl]) ||
                     !word_char((unsigned char)word[wl - 1]);
        if (left && right)
            return true;
    }
    return false;
}

bool sgi_header_has(const sgi_cand *c, const char *const *words)
{
    if (!c->header)
        return false;
    for (size_t i = 0; words[i]; i++)
        if (sgi_has_word(c->header, c->header_len, words[i]))
            return true;
    return false;
}

bool sgi_context_has(const sgi_cand *c, size_t start, size_t end, const char *const *words,
                     size_t before, size_t after)
{
    if (sgi_header_has(c, words))
        return true;
    size_t b0 = start > c->ctx_lo + before ? start - before : c->ctx_lo;
    size_t a1 = SGI_MIN(c->hi, end + after);
    for (size_t i = 0; words[i]; i++) {
        if (start > b0 && sgi_has_word(c->buf + b0, start - b0, words[i]))
            return true;
        if (a1 > end && sgi_has_word(c->buf + end, a1 - end, words[i]))
            return true;
    }
    return false;
}

bool sgi_isalnum_at(const char *buf, size_t lo, size_t hi, size_t i)
{
    if (i < lo || i >= hi)
        return false;
    return word_char((unsigned char)buf[i]);
}
