/*
 * detect_police.c - police and public-sector data: staff, service,
 * warrant, collar and pay numbers (pii.staff_number), and vetting levels
 * (pii.vetting_level).
 *
 * Forces number their people in their own ways, so a staff number is a
 * number that something names as one: its column header, words before it
 * ("warrant no. 123456", "collar number 4471"), or a rank right before it
 * ("PC 4471": a collar number). Vetting levels are words; the short ones
 * (SC, DV, CTC) only next to words about vetting or clearance, or in such
 * a column.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>
#include <strings.h>

static bool word_char(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/* Context words, on the value's own line only. */
static bool context_on_line(const sgi_cand *c, size_t s, size_t e, const char *const *words,
                            size_t before, size_t after)
{
    sgi_cand l = *c;
    const char *b = c->buf;
    size_t a = s;
    while (a > l.ctx_lo && s - a < before && b[a - 1] != '\n')
        a--;
    l.ctx_lo = a;
    size_t z = e;
    while (z < l.hi && z - e < after && b[z] != '\n')
        z++;
    l.hi = z;
    return sgi_context_has(&l, s, e, words, before, after);
}

/* ------------------------------------------------------------ staff no. */

/* The first word of "staff number", "warrant no", "collar id"... */
static const char *const staff_qualifiers[] = {
    "staff",    "service",   "warrant", "collar",  "shoulder", "pay",       "payroll",
    "employee", "personnel", "badge",   "officer", "force",    "epaulette", NULL};

/* Ranks that are written before a collar number: "PC 4471", "PS1234". */
static const char *const collar_ranks[] = {"PC", "PCSO", "DC", "PS", "DS", "WPC", "SC",
                                           "Sgt", "SGT", "Con", "CON", NULL};

static bool rank_before(const sgi_cand *c, size_t s)
{
    const char *b = c->buf;
    size_t i = s;
    while (i > c->ctx_lo && (b[i - 1] == ' ' || b[i - 1] == '/' || b[i - 1] == '#'))
        i--;
    size_t e = i;
    while (i > c->ctx_lo && ((b[i - 1] >= 'A' && b[i - 1] <= 'Z') ||
                             (b[i - 1] >= 'a' && b[i - 1] <= 'z')))
        i--;
    if (e == i || e - i > 4)
        return false;
    if (i > c->ctx_lo && ((b[i - 1] >= '0' && b[i - 1] <= '9') || b[i - 1] == '_'))
        return false;
    for (size_t k = 0; collar_ranks[k]; k++)
        if (strlen(collar_ranks[k]) == e - i && memcmp(b + i, collar_ranks[k], e - i) == 0)
            return true;
    return false;
}

static bool v_staff(const sgi_cand *c, size_t *s, size_t *e)
{
    const char *b = c->buf;
    /* a whole number, not a piece of a longer code, date or amount */
    if (*s > c->lo && (b[*s - 1] == '.' || b[*s - 1] == '/' || b[*s - 1] == ':' ||
                       b[*s - 1] == '-' || b[*s - 1] == '+' || b[*s - 1] == '\xA3'))
        return false;
    if (*e < c->hi && (b[*e] == '.' || b[*e] == '/' || b[*e] == ':' || b[*e] == '%') &&
        *e + 1 < c->hi && b[*e + 1] >= '0' && b[*e + 1] <= '9')
        return false;
    if (c->header_kind == SGI_COL_STAFF_NUMBER)
        return true;
    if (rank_before(c, *s))
        return true;
    /* every staff-number phrase is a qualifier and the word no, number, id
     * or card ("warrant no.", "payroll number"): look at the words before
     * the number on its line (in a table, in its cell) */
    size_t lo = c->header ? c->lo : c->ctx_lo;
    size_t a = *s > lo + 40 ? *s - 40 : lo;
    size_t prev_s = 0, prev_n = 0; /* the word before the current one */
    bool named = false;             /* a staff-number phrase on the line */
    for (size_t i = a; i < *s;) {
        if (b[i] == '\n') {
            prev_n = 0;
            named = false;
            i++;
            continue;
        }
        if (!word_char(b[i])) {
            i++;
            continue;
        }
        size_t w = i;
        while (i < *s && word_char(b[i]))
            i++;
        size_t n = i - w;
        bool tail = (n == 2 && strncasecmp(b + w, "no", 2) == 0) ||
                    (n == 2 && strncasecmp(b + w, "id", 2) == 0) ||
                    (n == 6 && strncasecmp(b + w, "number", 6) == 0) ||
                    (n == 4 && strncasecmp(b + w, "card", 4) == 0);
        if (tail && prev_n) {
            for (size_t k = 0; staff_qualifiers[k]; k++)
                if (strlen(staff_qualifiers[k]) == prev_n &&
                    strncasecmp(b + prev_s, staff_qualifiers[k], prev_n) == 0)
                    named = true;
        }
        prev_s = w;
        prev_n = n;
    }
    return named;
}

/* ------------------------------------------------------------- vetting */

static const char *const vetting_words[] = {"vetting", "vetted", "clearance", "cleared",
                                            "security check", "nppv", NULL};

/* NPPV1, NPPV 2, NPPV level 3: a level by itself. */
static bool v_nppv(const sgi_cand *c, size_t *s, size_t *e)
{
    const char *b = c->buf;
    /* the pattern ends after the digit: find "NPPV" before it */
    size_t i = *e;
    size_t st = i > c->lo + 4 ? i - 4 : c->lo;
    while (st > c->lo && i - st < 16 && !(st + 4 <= i && strncasecmp(b + st, "nppv", 4) == 0))
        st--;
    if (strncasecmp(b + st, "nppv", 4) != 0)
        return false;
    if (st > c->lo && word_char(b[st - 1]))
        return false;
    if (*e < c->hi && word_char(b[*e]))
        return false;
    *s = st;
    return true;
}

/* SC, DV, eDV, CTC: only where vetting is the subject. */
static bool v_short_vetting(const sgi_cand *c, size_t *s, size_t *e)
{
    const char *b = c->buf;
    size_t st = *e;
    while (st > c->lo && word_char(b[st - 1]) && *e - st < 4)
        st--;
    if (st > c->lo && word_char(b[st - 1]))
        return false;
    if (*e < c->hi && word_char(b[*e]))
        return false;
    size_t n = *e - st;
    if (!((n == 2 && (memcmp(b + st, "SC", 2) == 0 || memcmp(b + st, "DV", 2) == 0)) ||
          (n == 3 && (memcmp(b + st, "eDV", 3) == 0 || memcmp(b + st, "CTC", 3) == 0))))
        return false;
    *s = st;
    if (c->header_kind == SGI_COL_VETTING)
        return true;
    return context_on_line(c, st, *e, vetting_words, 40, 24);
}

/* Spelt out: "Developed Vetting", "Counter Terrorist Check". */
static bool v_long_vetting(const sgi_cand *c, size_t *s, size_t *e)
{
    static const char *const forms[] = {"developed vetting", "enhanced developed vetting",
                                        "counter terrorist check", "counter-terrorist check",
                                        "security check", NULL};
    const char *b = c->buf;
    for (size_t k = 0; forms[k]; k++) {
        size_t n = strlen(forms[k]);
        if (*e >= c->lo + n && strncasecmp(b + *e - n, forms[k], n) == 0) {
            size_t st = *e - n;
            if (st > c->lo && word_char(b[st - 1]))
                continue;
            *s = st;
            /* "security check" alone is too common: only about people */
            if (k == 4)
                return c->header_kind == SGI_COL_VETTING;
            return true;
        }
    }
    return false;
}

/* Where the pair pass finds the vetting words, each at() gives the end of
 * the match the pattern beside it had (the pattern's every end, once). */

/* Does b[p, p + n) spell the lower-case word w in any case? (A few
 * bytes: inline, not strncasecmp.) */
static bool spells(const char *b, size_t p, const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)b[p + i] | 0x20) != (unsigned char)w[i])
            return false;
    return true;
}

static bool wordc(const char *b, size_t p, size_t lo, size_t hi)
{
    return p >= lo && p < hi && (word_char(b[p]) || b[p] == '_');
}

/* "pv" of "(?i)nppv[ -]?(?:level ?)?[1-3]": past the digit. */
static size_t at_nppv(const char *b, size_t p, size_t lo, size_t hi)
{
    if (p < lo + 2 || (b[p - 2] | 0x20) != 'n' || (b[p - 1] | 0x20) != 'p')
        return 0;
    size_t q = p + 2;
    if (q < hi && (b[q] == ' ' || b[q] == '-'))
        q++;
    if (q + 5 <= hi && spells(b, q, "level", 5)) {
        q += 5;
        if (q < hi && b[q] == ' ')
            q++;
    }
    return q < hi && b[q] >= '1' && b[q] <= '3' ? q + 1 : 0;
}

/* "SC", "DV" and "TC" of "\b(?:SC|DV|eDV|CTC)\b": past the word. */
static size_t at_short_vetting(const char *b, size_t p, size_t lo, size_t hi)
{
    size_t s = p;
    if (b[p] == 'D' && p > lo && b[p - 1] == 'e')
        s = p - 1; /* eDV */
    else if (b[p] == 'T')
        s = p > lo && b[p - 1] == 'C' ? p - 1 : SIZE_MAX; /* CTC */
    if (s == SIZE_MAX || (s > lo && wordc(b, s - 1, lo, hi)) || wordc(b, p + 2, lo, hi))
        return 0;
    return p + 2;
}

/* "tt" of "developed vetting", "ck" of "counter[ -]terrorist check" and
 * "security check" (any case): past the last word. */
static size_t at_long_vetting(const char *b, size_t p, size_t lo, size_t hi)
{
    static const char *const before_check[] = {"counter terrorist ", "counter-terrorist ",
                                               "security ", NULL};
    if ((b[p] | 0x20) == 't') { /* ve[tt]ing */
        if (p < lo + 12 || p + 5 > hi || !spells(b, p - 2, "vetting", 7))
            return 0;
        return spells(b, p - 12, "developed ", 10) ? p + 5 : 0;
    }
    if (p < lo + 3 || p + 2 > hi || !spells(b, p - 3, "check", 5)) /* che[ck] */
        return 0;
    for (size_t k = 0; before_check[k]; k++) {
        size_t n = strlen(before_check[k]);
        if (p - 3 >= lo + n && spells(b, p - 3 - n, before_check[k], n))
            return p + 2;
    }
    return 0;
}

static const sgi_matcher matchers[] = {
    {.rule = SGI_R_STAFF_NUMBER, .digits = 3, .digits_max = 8, .groups = 1,
     .validate = v_staff},
    {.rule = SGI_R_VETTING_LEVEL, .pair = "pv", .pair_ci = true, .at = at_nppv,
     .validate = v_nppv},
    {.rule = SGI_R_VETTING_LEVEL, .pair = "SC", .at = at_short_vetting,
     .validate = v_short_vetting},
    {.rule = SGI_R_VETTING_LEVEL, .pair = "DV", .at = at_short_vetting,
     .validate = v_short_vetting},
    {.rule = SGI_R_VETTING_LEVEL, .pair = "TC", .at = at_short_vetting,
     .validate = v_short_vetting},
    {.rule = SGI_R_VETTING_LEVEL, .pair = "tt", .pair_ci = true, .at = at_long_vetting,
     .validate = v_long_vetting},
    {.rule = SGI_R_VETTING_LEVEL, .pair = "ck", .pair_ci = true, .at = at_long_vetting,
     .validate = v_long_vetting},
};

const sgi_matcher_set sgi_detector_police = {matchers, SGI_ARRAY_LEN(matchers)};
