/*
 * tokens.c - the token pass: where identifiers with digits can be.
 *
 * Nearly every identifier has digits. The pass jumps from digit to digit
 * (SSE2, sixteen bytes at a time), and at the first digit of each run
 *   - reads the run of digit groups and separators once ("07911 123456",
 *     "+44 (0)20 7123 4567", "12/03/1985") and hands it to the number
 *     matchers, which look at windows of its groups;
 *   - if letters lead into the digits ("AB123456C", "SW1A 1AA", "MORGA
 *     753116..."), tries the word matchers' shapes from the letters.
 * The same search stops at the stop bytes '@' and ':' too, where the
 * e-mail and IPv6 matchers say whether a candidate ends nearby. Each
 * candidate goes to its rule's validator.
 *
 * Why not Vectorscan for these: these shapes have no literal to anchor on
 * and are dense in real data (several per CSV row). Vectorscan then runs
 * every pattern's automaton and calls back for every match; measured on
 * bench/ corpora it scans at 100-200 MB/s with these patterns, while this
 * pass with the same validators runs several times faster
 * (bench/prefilter_bench.c prints both). The '@' of e-mail addresses is
 * as dense in a staff list (one a row): Vectorscan's match for it and its
 * callback were 11% of such a scan, the '@' here costs one more compare
 * in the search for digits. And Vectorscan 5.4.9 (Debian's) on a CPU
 * with AVX-512 misses most matches of "@[A-Za-z0-9]" and of the IPv6
 * pattern more than ~60 bytes into a buffer unless certain other patterns
 * share its database (tests/unit/test_offsets.c holds each built-in rule
 * to every offset). spillguard no longer uses Vectorscan: the vetting
 * words are the pair pass's (detect.c), custom rules PCRE2's.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

struct sgi_tok {
    sg_scanner *sc;
    const char *b;
    size_t lo, hi, ctx_lo; /* the block */
    sgi_cand cell;         /* the current cell (CSV) or the block */
    size_t last_end;       /* end of the last hit */
    bool nomem;
    char s0, s1; /* the stop bytes, NUL if unused */
#if defined(__SSE2__)
    /* next_stop's compares, set once a pass: set up at every stop, they
     * were a fifth of the pass's own time on a staff list */
    __m128i shift, limit, v0, v1, on0, on1;
#endif
};

static bool is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

static bool is_alpha(char c)
{
    return (unsigned char)((c | 32) - 'a') < 26;
}

static bool is_alnum(char c)
{
    return is_digit(c) || is_alpha(c);
}

const char *sgi_tok_buf(const sgi_tok *t)
{
    return t->b;
}

size_t sgi_tok_end(const sgi_tok *t)
{
    return t->cell.hi;
}

void sgi_tok_try(sgi_tok *t, const sgi_matcher *m, size_t s, size_t e)
{
    if (t->nomem || s < t->cell.lo || e > t->cell.hi || s >= e)
        return;
    sgi_cand c = t->cell;
    c.from = s;
    c.to = e;
    size_t before = t->sc->hits.n;
    if (!sgi_offer(t->sc, m, &c)) {
        t->nomem = true;
        return;
    }
    if (t->sc->hits.n > before) {
        size_t he = t->sc->hits.v[t->sc->hits.n - 1].end;
        if (he > t->last_end)
            t->last_end = he;
    }
}

/* The first digit or stop byte in b[i, hi), or hi. */
static size_t next_stop(const sgi_tok *t, size_t i)
{
    const char *b = t->b;
    const size_t hi = t->hi;
    const char s0 = t->s0, s1 = t->s1;
#if defined(__SSE2__)
    while (i + 16 <= hi) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        __m128i m = _mm_cmplt_epi8(_mm_add_epi8(v, t->shift), t->limit);
        m = _mm_or_si128(m, _mm_and_si128(_mm_cmpeq_epi8(v, t->v0), t->on0));
        m = _mm_or_si128(m, _mm_and_si128(_mm_cmpeq_epi8(v, t->v1), t->on1));
        int mask = _mm_movemask_epi8(m);
        if (mask)
            return i + (size_t)__builtin_ctz((unsigned)mask);
        i += 16;
    }
#endif
    while (i < hi && !is_digit(b[i]) && !(s0 && b[i] == s0) && !(s1 && b[i] == s1))
        i++;
    return i;
}

/* The stop matcher of the byte at p, or NULL. */
static const sgi_matcher *stop_at(const sgi_tok *t, size_t p)
{
    const sg_engine *eng = t->sc->eng;
    for (size_t k = 0; k < eng->nstops; k++)
        if (t->b[p] == eng->stops[k]->stop)
            return eng->stops[k];
    return NULL;
}

/* Offer m the candidate that ends where its at() says from the stop byte
 * at p. */
static bool offer_stop(sgi_tok *t, const sgi_matcher *m, size_t p)
{
    size_t end = m->at(t->b, p, t->lo, t->hi);
    return !end || sgi_offer_at(t->sc, m, t->b, t->ctx_lo, t->lo, t->hi, end, end);
}

/* Every stop byte in b[from, to) to its matcher. */
static bool stops_in(sgi_tok *t, size_t from, size_t to)
{
    for (size_t p = from; p < to; p++) {
        const sgi_matcher *m = stop_at(t, p);
        if (m && !offer_stop(t, m, p))
            return false;
    }
    return true;
}

/* The separators a run of digit groups may have between its groups. */
static const bool run_sep[256] = {[' '] = true, ['-'] = true, ['.'] = true,
                                  ['/'] = true, ['('] = true, [')'] = true};

/* Read the run that starts at s (a digit, or '+'/'(' before one). */
static void read_run(const char *b, size_t s, size_t hi, sgi_run *r)
{
    size_t i = s;
    r->s = s;
    r->ng = 0;
    size_t seplen = 0;
    char sep = 0;
    if (!is_digit(b[i])) { /* '+' or '(' */
        sep = b[i];
        seplen = 1;
        i++;
    }
    for (;;) {
        int g = r->ng++;
        r->gs[g] = i;
        while (i < hi && is_digit(b[i]))
            i++;
        r->ge[g] = i;
        r->sep[g] = sep;
        r->seplen[g] = (unsigned char)seplen;
        if (r->ng == SGI_RUN_GROUPS)
            break;
        /* up to two separator characters, then a digit */
        size_t j = i;
        while (j < hi && j - i < 2 && run_sep[(unsigned char)b[j]])
            j++;
        if (j == i || j >= hi || !is_digit(b[j]))
            break;
        sep = b[i];
        seplen = j - i;
        i = j;
    }
    r->e = r->ge[r->ng - 1];
}

/* The start of 1-9 letters ending at end that begin a word, or SIZE_MAX. */
static size_t letters_before(const char *b, size_t end, size_t lo)
{
    size_t k = end;
    while (k > lo && is_alpha(b[k - 1]) && end - k < 10)
        k--;
    if (k == end || end - k > 9)
        return SIZE_MAX;
    if (k > lo && (is_alnum(b[k - 1]) || b[k - 1] == '_'))
        return SIZE_MAX;
    return k;
}

static size_t shape_match(const char *b, size_t s, size_t hi, const char *shape)
{
    size_t i = s;
    for (const char *p = shape; *p; p++) {
        if (*p == '_') {
            if (i < hi && b[i] == ' ')
                i++;
            continue;
        }
        if (i >= hi)
            return 0;
        char c = b[i];
        bool ok;
        switch (*p) {
        case 'A':
            ok = is_alpha(c);
            break;
        case 'D':
            ok = is_digit(c);
            break;
        case 'Z':
            ok = is_alpha(c) || c == '9';
            break;
        case 'N':
            ok = is_alnum(c);
            break;
        default: /* the character itself, any case */
            ok = is_alpha(*p) ? (c | 32) == (*p | 32) : c == *p;
            break;
        }
        if (!ok)
            return 0;
        i++;
    }
    if (i < hi && is_alnum(b[i]))
        return 0; /* the word goes on */
    return i;
}

/* Offer each window of consecutive groups to the window matchers that
 * take its number of digits. */
/* Is the digit group from s to e part of a decimal number ("0.1299...")? */
static bool decimal_part(const sgi_tok *t, size_t s, size_t e)
{
    const char *b = t->b;
    if (s >= t->cell.lo + 2 && b[s - 1] == '.' && is_digit(b[s - 2]))
        return true;
    return e + 1 < t->cell.hi && b[e] == '.' && is_digit(b[e + 1]);
}

static void try_windows(sgi_tok *t, const sgi_run *r)
{
    const sg_engine *eng = t->sc->eng;
    for (int j = 0; j < r->ng; j++) {
        size_t digits = 0;
        for (int k = j; k < r->ng; k++) {
            digits += r->ge[k] - r->gs[k];
            if (digits > eng->win_max)
                break;
            if (decimal_part(t, r->gs[j], r->ge[k]))
                continue; /* numbers of a measurement, not an identifier */
            const sgi_matcher *const *w = eng->wins + eng->winstart[digits];
            for (size_t i = 0; i < eng->wincount[digits]; i++) {
                const sgi_matcher *m = w[i];
                if (k - j < m->groups)
                    sgi_tok_try(t, m, (j == 0 && m->lead) ? r->s : r->gs[j], r->ge[k]);
            }
        }
    }
}

/* Try the word matchers from k, where letters letters lead to the first
 * digit, attached or with one space between, and the first run of digits
 * is digits long. */
static void try_words(sgi_tok *t, size_t k, size_t letters, bool spaced, size_t digits)
{
    const sg_engine *eng = t->sc->eng;
    if (letters > 9)
        return;
    const unsigned short *w = eng->wlist + eng->wstart[letters][spaced];
    size_t n = eng->wcount[letters][spaced];
    uint32_t len_bit = 1u << SGI_MIN(digits, (size_t)31);
    for (size_t i = 0; i < n && !t->nomem; i++) {
        if (!(eng->fits[w[i]].run_lens & len_bit))
            continue; /* its digits cannot be this many */
        const sgi_matcher *m = eng->words[w[i]];
        size_t e = m->shape ? shape_match(t->b, k, t->cell.hi, m->shape)
                            : m->parse(t->b, k, t->cell.hi);
        if (e)
            sgi_tok_try(t, m, k, e);
    }
}

sg_status sgi_tokens(sg_scanner *sc, const char *b, size_t ctx_lo, size_t lo, size_t hi)
{
    const sg_engine *eng = sc->eng;
    sgi_tok t = {.sc = sc, .b = b, .lo = lo, .hi = hi, .ctx_lo = ctx_lo, .last_end = lo};
    t.s0 = eng->nstops > 0 ? eng->stops[0]->stop : 0;
    t.s1 = eng->nstops > 1 ? eng->stops[1]->stop : 0;
#if defined(__SSE2__)
    /* '0'..'9' + (0x80 - '0') is 0x80..0x89: signed, below -118 */
    t.shift = _mm_set1_epi8((char)(0x80 - '0'));
    t.limit = _mm_set1_epi8((char)(0x80 + 10));
    t.v0 = _mm_set1_epi8(t.s0);
    t.v1 = _mm_set1_epi8(t.s1);
    /* an unused stop is NUL, which the compare then must not see */
    t.on0 = _mm_set1_epi8(t.s0 ? (char)0xFF : 0);
    t.on1 = _mm_set1_epi8(t.s1 ? (char)0xFF : 0);
#endif
    size_t i = lo;
    for (;;) {
        size_t p = next_stop(&t, i);
        if (p >= hi)
            break;
        if (!is_digit(b[p])) {
            /* a stop byte: its candidate is offered as it is, and no later
             * run is skipped for it (last_end is for the runs' hits) */
            const sgi_matcher *m = stop_at(&t, p);
            if (m && !offer_stop(&t, m, p))
                return SG_E_NOMEM;
            i = p + 1;
            continue;
        }
        /* the cell this digit is in */
        sgi_cand *c = &t.cell;
        memset(c, 0, sizeof(*c));
        c->buf = b;
        c->lo = lo;
        c->hi = hi;
        c->ctx_lo = ctx_lo;
        if (sc->locator)
            sc->locator(sc->locator_opaque, p, c);
        if (c->lo >= c->hi || p < c->lo) {
            i = p + 1;
            continue;
        }
        /* a digit in the middle of digits (after a hit ended there) */
        if (p > c->lo && is_digit(b[p - 1])) {
            while (p < c->hi && is_digit(b[p]))
                p++;
            i = p;
            continue;
        }
        size_t rs = p;
        if (p > c->lo && (b[p - 1] == '+' || b[p - 1] == '('))
            rs = p - 1;
        sgi_run r;
        read_run(b, rs, c->hi, &r);
        /* letters leading into the digits, attached or one space before:
         * first, as a word (AB123456C) starts before its digits and holds
         * them, and a hit ends where later candidates may start */
        size_t k = letters_before(b, p, c->lo);
        size_t first_digits = r.ge[0] - r.gs[0];
        if (k != SIZE_MAX && k >= t.last_end)
            try_words(&t, k, p - k, false, first_digits);
        if (p >= c->lo + 2 && b[p - 1] == ' ') {
            k = letters_before(b, p - 1, c->lo);
            if (k != SIZE_MAX && k >= t.last_end)
                try_words(&t, k, p - 1 - k, true, first_digits);
        }
        if (rs >= t.last_end) {
            try_windows(&t, &r);
            for (size_t j = 0; j < eng->nruns && !t.nomem; j++)
                eng->runs[j]->run(&t, eng->runs[j], &r);
        }
        if (t.nomem)
            return SG_E_NOMEM;
        i = SGI_MAX(r.e, t.last_end);
        if (i <= p)
            i = p + 1;
        /* a hit past the run (a word matcher's) is skipped for digits,
         * not for stop bytes (a run holds none: they are no separators) */
        if (eng->nstops && i > r.e && !stops_in(&t, r.e, SGI_MIN(i, hi)))
            return SG_E_NOMEM;
    }
    return SG_OK;
}
