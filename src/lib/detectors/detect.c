/*
 * detect.c - from candidates to validated hits.
 *
 * Passes find candidates over a block of UTF-8 text: the pair pass (below)
 * for the vetting words, the token pass (tokens.c) for identifiers with
 * digits, e-mail and IPv6 addresses, the names walker (names.c), and the
 * custom rules' PCRE2 patterns (detect_custom.c). Each candidate goes to
 * its rule's validator (a C function that knows the checksum, the ranges
 * and the context words), which accepts it and says exactly where it
 * starts and ends. Hits are then sorted and a hit that lies inside
 * another (an account number inside an IBAN) is dropped.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

bool sgi_hits_push(sgi_hits *h, const sgi_mem *mem, size_t start, size_t end, int rule,
                   uint32_t aux)
{
    if (h->n == h->cap && !sgi_grow(mem, (void **)&h->v, &h->cap, h->n + 1, sizeof(sgi_hit)))
        return false;
    h->v[h->n++] = (sgi_hit){start, end, (uint32_t)rule, aux};
    return true;
}

bool sgi_offer(sg_scanner *sc, const sgi_matcher *m, sgi_cand *c)
{
    if (c->from < c->lo)
        c->from = c->lo;
    if (c->to > c->hi)
        c->to = c->hi;
    if (c->from > c->to)
        return true;
    size_t s = c->from, e = c->to;
    c->matcher = m;
    if (!m->validate(c, &s, &e))
        return true;
    if (s < c->lo || e > c->hi || s >= e)
        return true;
    return sgi_hits_push(&sc->hits, &sc->eng->mem, s, e, m->rule, 0);
}

bool sgi_offer_at(sg_scanner *sc, const sgi_matcher *m, const char *buf, size_t ctx_lo,
                  size_t lo, size_t hi, size_t from, size_t to)
{
    sgi_cand c = {.buf = buf, .lo = lo, .hi = hi, .ctx_lo = ctx_lo, .from = from, .to = to};
    if (sc->locator)
        sc->locator(sc->locator_opaque, to - 1, &c);
    return sgi_offer(sc, m, &c);
}

/* Does the pair of matcher m stand at b[p], b[p + 1]? */
static bool pair_at(const sgi_matcher *m, const char *b, size_t p)
{
    unsigned char fold = m->pair_ci ? 0x20 : 0;
    return ((unsigned char)b[p] | fold) == (unsigned char)m->pair[0] &&
           ((unsigned char)b[p + 1] | fold) == (unsigned char)m->pair[1];
}

static bool pair_offer(sg_scanner *sc, const char *b, size_t ctx_lo, size_t lo, size_t hi,
                       size_t p)
{
    const sg_engine *eng = sc->eng;
    for (size_t k = 0; k < eng->npairs; k++) {
        const sgi_matcher *m = eng->pairs[k];
        if (!pair_at(m, b, p))
            continue;
        size_t end = m->at(b, p, lo, hi);
        if (end && !sgi_offer_at(sc, m, b, ctx_lo, lo, hi, end, end))
            return false;
    }
    return true;
}

/*
 * The pair pass: every place where the two bytes of a pair matcher stand
 * side by side ("pv" of NPPV in either case, "SC"), sixteen places at a
 * time. The vetting words were Vectorscan's patterns; Debian's Vectorscan
 * 5.4.9 on a CPU with AVX-512 misses matches of such patterns more than
 * ~60 bytes into a buffer, depending on which patterns share its database
 * (tests/unit/test_offsets.c), and its compile was most of an engine's
 * start-up. Each pair's at() finds the end the pattern's match had.
 */
static sg_status pair_pass(sg_scanner *sc, const char *b, size_t ctx_lo, size_t lo, size_t hi)
{
    const sg_engine *eng = sc->eng;
    size_t n = eng->npairs, i = lo;
    if (!n || hi - lo < 2)
        return SG_OK;
#if defined(__SSE2__)
    /* Every pair compared with the bytes folded to lower case (pair_at()
     * then checks the case of the pairs that have one), all SGI_MAX_PAIRS
     * of them unrolled, an unused one a pair of NULs that no folded byte
     * equals: no loop or choice between the compares of a block. */
    __m128i first[SGI_MAX_PAIRS], second[SGI_MAX_PAIRS];
    for (size_t k = 0; k < SGI_MAX_PAIRS; k++) {
        char f = k < n ? (char)(eng->pairs[k]->pair[0] | 0x20) : 0;
        char s = k < n ? (char)(eng->pairs[k]->pair[1] | 0x20) : 0;
        first[k] = _mm_set1_epi8(f);
        second[k] = _mm_set1_epi8(s);
    }
    const __m128i fold = _mm_set1_epi8(0x20);
    while (i + 17 <= hi) { /* b[i + 16] is the second byte of the last place */
        __m128i f0 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(b + i)), fold);
        __m128i f1 =
            _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(b + i + 1)), fold);
        __m128i any = _mm_setzero_si128();
#pragma GCC unroll 8
        for (size_t k = 0; k < SGI_MAX_PAIRS; k++)
            any = _mm_or_si128(any, _mm_and_si128(_mm_cmpeq_epi8(f0, first[k]),
                                                  _mm_cmpeq_epi8(f1, second[k])));
        unsigned mask = (unsigned)_mm_movemask_epi8(any);
        while (mask) {
            if (!pair_offer(sc, b, ctx_lo, lo, hi, i + (size_t)__builtin_ctz(mask)))
                return SG_E_NOMEM;
            mask &= mask - 1;
        }
        i += 16;
    }
#endif
    for (; i + 1 < hi; i++)
        if (!pair_offer(sc, b, ctx_lo, lo, hi, i))
            return SG_E_NOMEM;
    return SG_OK;
}

sg_status sgi_detect(sg_scanner *sc, const char *buf, size_t ctx_lo, size_t lo, size_t hi)
{
    if (hi <= lo)
        return SG_OK;
    sg_status st = pair_pass(sc, buf, ctx_lo, lo, hi);
    if (st == SG_OK)
        st = sgi_tokens(sc, buf, ctx_lo, lo, hi);
    if (st == SG_OK)
        st = sgi_names_scan(sc, buf, ctx_lo, lo, hi);
    if (st == SG_OK)
        st = sgi_custom_scan(sc, buf, ctx_lo, lo, hi);
    return st;
}

static bool hit_less(const sgi_hit *x, const sgi_hit *y)
{
    if (x->start != y->start)
        return x->start < y->start;
    if (x->end != y->end)
        return x->end > y->end; /* longer first */
    return x->rule < y->rule;
}

/*
 * Hits arrive as a few sorted runs (the token pass's, the names walker's,
 * a reader's own), so a natural merge sort does little work: find the
 * runs, merge neighbours from one buffer into the other until one run is
 * left. Returns the buffer that holds the sorted hits (v or tmp, which
 * holds n hits).
 */
static sgi_hit *sort_hits(sgi_hit *v, size_t n, sgi_hit *tmp)
{
    sgi_hit *src = v, *dst = tmp;
    for (;;) {
        size_t runs = 0;
        for (size_t a = 0; a < n;) {
            size_t m = a + 1;
            while (m < n && !hit_less(&src[m], &src[m - 1]))
                m++;
            if (m == n) {
                if (a == 0)
                    return src; /* one run: sorted */
                memcpy(dst + a, src + a, (n - a) * sizeof(sgi_hit));
                runs++;
                break;
            }
            size_t e = m + 1;
            while (e < n && !hit_less(&src[e], &src[e - 1]))
                e++;
            size_t i = a, j = m, k = a;
            while (i < m && j < e)
                dst[k++] = hit_less(&src[j], &src[i]) ? src[j++] : src[i++];
            while (i < m)
                dst[k++] = src[i++];
            while (j < e)
                dst[k++] = src[j++];
            runs++;
            a = e;
        }
        sgi_hit *t = src;
        src = dst;
        dst = t;
        if (runs <= 1)
            return src;
    }
}

bool sgi_hits_settle(sgi_hits *h, const sgi_mem *mem)
{
    if (h->n < 2)
        return true;
    if (!sgi_grow(mem, (void **)&h->tmp, &h->tmpcap, h->n, sizeof(sgi_hit)))
        return false;
    if (sort_hits(h->v, h->n, h->tmp) != h->v) { /* sorted into tmp: swap */
        sgi_hit *t = h->v;
        size_t c = h->cap;
        h->v = h->tmp;
        h->cap = h->tmpcap;
        h->tmp = t;
        h->tmpcap = c;
    }
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
    return true;
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

/* Does word, found at text[i] (n bytes), stand as a whole word there? An
 * end of the word that is no letter or digit ("d.o.b", "s/c") needs no
 * boundary on that side. */
static bool bounded(const char *text, size_t n, size_t i, const char *word, size_t wl)
{
    bool left = i == 0 || !word_char((unsigned char)text[i - 1]) || !word_char((unsigned char)word[0]);
    bool right = i + wl == n || !word_char((unsigned char)text[i + wl]) ||
                 !word_char((unsigned char)word[wl - 1]);
    return left && right;
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
        if (j == wl && bounded(text, n, i, word, wl))
            return true;
    }
    return false;
}

/* The pairs of adjacent bytes a column header holds (lower-cased, hashed
 * to 1,024 bits): a context word is searched for in a header only if it
 * holds every pair of its adjacent letters. A header is asked about once
 * per candidate in its column, so its pairs are kept (header_memo); the
 * text around a candidate is searched directly (window_has). */
typedef struct pairs {
    uint64_t bit[16];
} pairs;

static unsigned pair_hash(unsigned char a, unsigned char b)
{
    return ((unsigned)a * 31u + (unsigned)b) & 1023u;
}

/* The pairs of s[0,n), lower-cased. */
static void pairs_of(pairs *p, const char *s, size_t n)
{
    memset(p, 0, sizeof(*p));
    unsigned char prev = n ? lower((unsigned char)s[0]) : 0;
    for (size_t i = 1; i < n; i++) {
        unsigned char c = lower((unsigned char)s[i]);
        unsigned h = pair_hash(prev, c);
        p->bit[h >> 6] |= 1ull << (h & 63);
        prev = c;
    }
}

/* A column header's pairs, kept for the next cell of the same column (a
 * header is asked about once per candidate in its column). Keyed by the
 * header's text, so a header freed and another allocated in its place is
 * never mistaken for it. */
static _Thread_local struct {
    char text[64];
    size_t n;
    pairs pr;
} header_memo;

static const pairs *header_pairs(const char *h, size_t n, pairs *tmp)
{
    if (n > sizeof(header_memo.text)) { /* longer than any header worth a memo */
        pairs_of(tmp, h, n);
        return tmp;
    }
    if (header_memo.n != n || memcmp(header_memo.text, h, n) != 0) {
        memcpy(header_memo.text, h, n);
        header_memo.n = n;
        pairs_of(&header_memo.pr, h, n);
    }
    return &header_memo.pr;
}

/* Could the text hold word? Only if it holds every pair of its letters. */
static bool pairs_may(const pairs *p, const char *word)
{
    for (size_t i = 0; word[i] && word[i + 1]; i++) {
        unsigned h = pair_hash((unsigned char)word[i], (unsigned char)word[i + 1]);
        if (!((p->bit[h >> 6] >> (h & 63)) & 1))
            return false;
    }
    return true;
}

bool sgi_has_any_word(const char *text, size_t n, const char *const *words)
{
    pairs tmp;
    const pairs *pr = header_pairs(text, n, &tmp);
    for (size_t i = 0; words[i]; i++)
        if (pairs_may(pr, words[i]) && sgi_has_word(text, n, words[i]))
            return true;
    return false;
}

bool sgi_header_has(const sgi_cand *c, const char *const *words)
{
    return c->header && sgi_has_any_word(c->header, c->header_len, words);
}

/* Is word (lower case) at w[i] (lower-cased text of n bytes) a whole word? */
static bool word_at(const char *w, size_t n, size_t i, const char *word, size_t wl)
{
    return memcmp(w + i, word, wl) == 0 && bounded(w, n, i, word, wl);
}

#if defined(__SSE2__)
/* window_has() for n >= 17 and nw <= 16 words of two bytes or more (len:
 * their lengths): the places where any word's first two bytes stand, in
 * blocks of sixteen (w[at + 16]: the last one's second byte); the last
 * block ends at the window's end, its places before i already seen. */
static bool window_has_simd(const char *w, size_t n, const char *const *words,
                            const size_t *len, size_t nw)
{
    __m128i c0[16], c1[16];
    for (size_t k = 0; k < nw; k++) {
        c0[k] = _mm_set1_epi8(words[k][0]);
        c1[k] = _mm_set1_epi8(words[k][1]);
    }
    size_t i = 0, last = n - 17;
    for (;;) {
        size_t at = i <= last ? i : last;
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(w + at));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(w + at + 1));
        __m128i any = _mm_setzero_si128();
        for (size_t k = 0; k < nw; k++)
            any = _mm_or_si128(any, _mm_and_si128(_mm_cmpeq_epi8(a, c0[k]),
                                                  _mm_cmpeq_epi8(b, c1[k])));
        unsigned m = (unsigned)_mm_movemask_epi8(any) & (~0u << (i - at));
        while (m) {
            size_t p = at + (size_t)__builtin_ctz(m);
            for (size_t k = 0; k < nw; k++)
                if (w[p] == words[k][0] && w[p + 1] == words[k][1] && p + len[k] <= n &&
                    word_at(w, n, p, words[k], len[k]))
                    return true;
            m &= m - 1;
        }
        i = at + 16;
        if (at == last)
            return false; /* every place up to n - 2 seen; words have two bytes */
    }
}
#endif

/* Does the lower-cased window w[0,n) hold one of words at word
 * boundaries? Windows are short (under 256 bytes): memmem's set-up was 7%
 * of a large sheet's scan, and a table of the window's letter pairs to rule
 * words out (filled for every window) 6% of it. Instead the places where
 * any word's first two bytes stand are found sixteen at a time, all words
 * at once, as the pair pass does; a byte at a time where the window or
 * the list does not allow it. */
static bool window_has(const char *w, size_t n, const char *const *words)
{
#if defined(__SSE2__)
    size_t nw = 0, len[16];
    bool two = true;
    for (; nw < 16 && words[nw]; nw++) {
        len[nw] = strlen(words[nw]);
        two &= len[nw] >= 2;
    }
    if (n >= 17 && two && !words[nw])
        return window_has_simd(w, n, words, len, nw);
#endif
    for (size_t k = 0; words[k]; k++) {
        size_t wl = strlen(words[k]);
        for (size_t i = 0; wl && i + wl <= n; i++)
            if (w[i] == words[k][0] && word_at(w, n, i, words[k], wl))
                return true;
    }
    return false;
}

/* Does s[0,n) (n <= 256) hold one of words? w: room to lower-case it. */
static bool side_has(char *w, const char *s, size_t n, const char *const *words)
{
    size_t i = 0;
#if defined(__SSE2__)
    /* 'A'..'Z' + (0x80 - 'A'), signed, is below 0x80 + 26: add 0x20 there */
    const __m128i off = _mm_set1_epi8((char)(0x80 - 'A'));
    const __m128i lim = _mm_set1_epi8((char)(0x80 + 26));
    const __m128i bit = _mm_set1_epi8(0x20);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i up = _mm_cmplt_epi8(_mm_add_epi8(v, off), lim);
        _mm_storeu_si128((__m128i *)(void *)(w + i), _mm_or_si128(v, _mm_and_si128(up, bit)));
    }
#endif
    for (; i < n; i++)
        w[i] = (char)lower((unsigned char)s[i]);
    return window_has(w, n, words);
}

bool sgi_context_has(const sgi_cand *c, size_t start, size_t end, const char *const *words,
                     size_t before, size_t after)
{
    if (sgi_header_has(c, words))
        return true;
    char w[256];
    before = SGI_MIN(before, sizeof(w));
    after = SGI_MIN(after, sizeof(w));
    size_t b0 = start > c->ctx_lo + before ? start - before : c->ctx_lo;
    size_t a1 = SGI_MIN(c->hi, end + after);
    return (start > b0 && side_has(w, c->buf + b0, start - b0, words)) ||
           (a1 > end && side_has(w, c->buf + end, a1 - end, words));
}
