/*
 * detect_custom.c - rules defined in the configuration: a PCRE2 pattern,
 * an optional check of the digits (Luhn, modulus 11, modulus 97), context
 * words, a severity. Each takes one of the catalogue's custom.N slots; its
 * findings carry the id it was given.
 *
 * Why PCRE2 and not Vectorscan, as the built-in vetting words: Debian's
 * Vectorscan 5.4.9 on a CPU with AVX-512 misses most matches of patterns
 * such as "[a-z]+-[a-z]+" or "[A-Z]{3}-[0-9]{4}" more than ~60 bytes into
 * a buffer, depending on which other patterns share its database
 * (test_offsets.c). A user's pattern cannot be vetted for that in advance;
 * PCRE2 finds every match. Matches are taken left to right without
 * overlap (as grep -o takes them), each match limited in the steps it may
 * take (a pattern that backtracks without end makes the file an error).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>
#include <strings.h>

/* Steps one match may take (PCRE2's default is ten million). */
#define MATCH_LIMIT 1000000

static bool word_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (unsigned char)c >= 0x80;
}

static size_t digits_of(const char *s, size_t n, char *d, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < max; i++)
        if (s[i] >= '0' && s[i] <= '9')
            d[k++] = s[i];
    return k;
}

static bool luhn(const char *d, size_t n)
{
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned x = (unsigned)(d[n - 1 - i] - '0');
        if (i % 2 == 1) {
            x *= 2;
            if (x > 9)
                x -= 9;
        }
        sum += x;
    }
    return n >= 2 && sum % 10 == 0;
}

/* Weights n..2 over all digits but the last, the last the check (NHS). */
static bool mod11(const char *d, size_t n)
{
    if (n < 2)
        return false;
    unsigned sum = 0;
    for (size_t i = 0; i + 1 < n; i++)
        sum += (unsigned)(d[i] - '0') * (unsigned)(n - i);
    unsigned c = 11 - sum % 11;
    if (c == 11)
        c = 0;
    return c != 10 && c == (unsigned)(d[n - 1] - '0');
}

/* ISO 7064 mod 97-10 over the letters and digits, first four moved to the
 * end (IBAN-style). */
static bool mod97(const char *s, size_t n)
{
    char a[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof(a); i++)
        if ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
            (s[i] >= 'a' && s[i] <= 'z'))
            a[k++] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
    if (k < 5)
        return false;
    unsigned rem = 0;
    for (size_t j = 0; j < k; j++) {
        char c = a[(j + 4) % k];
        if (c >= '0' && c <= '9') {
            rem = (rem * 10 + (unsigned)(c - '0')) % 97;
        } else {
            unsigned v = (unsigned)(c - 'A' + 10);
            rem = (rem * 100 + v) % 97;
        }
    }
    return rem == 1;
}

bool sgi_custom_validate(const sgi_cand *c, size_t *s, size_t *e)
{
    const sgi_custom *r = c->matcher ? c->matcher->user : NULL;
    if (!r)
        return false;
    const char *b = c->buf;
    if (r->word && ((*s > c->lo && word_char(b[*s - 1])) || (*e < c->hi && word_char(b[*e]))))
        return false;
    char d[64];
    size_t nd = digits_of(b + *s, *e - *s, d, sizeof(d));
    switch (r->validator) {
    case SGI_CHECK_LUHN:
        if (!luhn(d, nd))
            return false;
        break;
    case SGI_CHECK_MOD11:
        if (!mod11(d, nd))
            return false;
        break;
    case SGI_CHECK_MOD97:
        if (!mod97(b + *s, *e - *s))
            return false;
        break;
    default:
        break;
    }
    if (r->context && r->context[0])
        return sgi_context_has(c, *s, *e, (const char *const *)r->context, 48, 24);
    return true;
}

void sgi_custom_free(sg_engine *e)
{
    for (size_t i = 0; i < e->ncustom; i++) {
        pcre2_code_free(e->custom[i].re);
        sgi_free(&e->mem, e->custom[i].pattern);
        for (char **w = e->custom[i].context; w && *w; w++)
            sgi_free(&e->mem, *w);
        sgi_free(&e->mem, e->custom[i].context);
    }
    e->ncustom = 0;
}

void sgi_custom_scanner_free(sg_scanner *sc)
{
    pcre2_match_data_free(sc->custom_md);
    pcre2_match_context_free(sc->custom_mctx);
    sc->custom_md = NULL;
    sc->custom_mctx = NULL;
}

sg_status sgi_custom_scan(sg_scanner *sc, const char *buf, size_t ctx_lo, size_t lo, size_t hi)
{
    const sg_engine *eng = sc->eng;
    if (!eng->ncustom || hi <= lo)
        return SG_OK;
    if (!sc->custom_md) {
        sc->custom_md = pcre2_match_data_create(1, NULL);
        sc->custom_mctx = pcre2_match_context_create(NULL);
        if (!sc->custom_md || !sc->custom_mctx) {
            sgi_custom_scanner_free(sc);
            return SG_E_NOMEM;
        }
        pcre2_set_match_limit(sc->custom_mctx, MATCH_LIMIT);
    }
    /* the block is the subject, as it was Vectorscan's: nothing before lo
     * is seen, not even by \b */
    PCRE2_SPTR subject = (PCRE2_SPTR)(buf + lo);
    size_t len = hi - lo;
    for (size_t r = 0; r < eng->ncustom; r++) {
        const sgi_matcher *m = &eng->custom_m[r];
        size_t at = 0;
        while (at < len) {
            int rc = pcre2_match(eng->custom[r].re, subject, len, at, 0, sc->custom_md,
                                 sc->custom_mctx);
            if (rc == PCRE2_ERROR_NOMATCH)
                break;
            if (rc == PCRE2_ERROR_NOMEMORY)
                return SG_E_NOMEM;
            if (rc < 0) {
                PCRE2_UCHAR msg[120];
                pcre2_get_error_message(rc, msg, sizeof(msg));
                snprintf(sc->detect_error, sizeof(sc->detect_error),
                         "custom rule '%s': %s; not fully checked", eng->custom[r].id,
                         (const char *)msg);
                return SG_E_LIMIT;
            }
            const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->custom_md);
            size_t s = (size_t)ov[0], e = (size_t)ov[1];
            if (e > s && !sgi_offer_at(sc, m, buf, ctx_lo, lo, hi, lo + s, lo + e))
                return SG_E_NOMEM;
            at = e > at ? e : at + 1; /* an empty match: one byte on */
        }
    }
    return SG_OK;
}

sg_status sg_engine_add_rule(sg_engine *e, const sg_custom_rule *rule)
{
    if (!e || e->compiled || !rule || !rule->id || !rule->pattern)
        return SG_E_INVALID;
    if (strncmp(rule->id, "custom.", 7) != 0 || strlen(rule->id) < 8 ||
        strlen(rule->id) >= sizeof(e->custom[0].id)) {
        snprintf(e->error, sizeof(e->error), "custom rule id '%s': custom.<name>, up to 63 "
                 "characters", rule->id);
        return SG_E_INVALID;
    }
    for (size_t i = 0; i < e->ncustom; i++)
        if (strcmp(e->custom[i].id, rule->id) == 0) {
            snprintf(e->error, sizeof(e->error), "custom rule '%s' given twice", rule->id);
            return SG_E_INVALID;
        }
    for (size_t i = 0; i < SGI_RULE_COUNT; i++)
        if (strcmp(sgi_rules[i].info.id, rule->id) == 0 && i < SGI_R_CUSTOM_0) {
            snprintf(e->error, sizeof(e->error), "'%s' is a built-in rule", rule->id);
            return SG_E_INVALID;
        }
    if (e->ncustom == SGI_MAX_CUSTOM) {
        snprintf(e->error, sizeof(e->error), "more than %d custom rules", SGI_MAX_CUSTOM);
        return SG_E_LIMIT;
    }
    if ((unsigned)rule->severity > SG_SEV_CRITICAL)
        return SG_E_INVALID;
    int check = SGI_CHECK_NONE;
    if (rule->check && *rule->check && strcasecmp(rule->check, "none") != 0) {
        if (strcasecmp(rule->check, "luhn") == 0)
            check = SGI_CHECK_LUHN;
        else if (strcasecmp(rule->check, "mod11") == 0)
            check = SGI_CHECK_MOD11;
        else if (strcasecmp(rule->check, "mod97") == 0)
            check = SGI_CHECK_MOD97;
        else {
            snprintf(e->error, sizeof(e->error), "custom rule '%s': check '%s' is not luhn, "
                     "mod11, mod97 or none", rule->id, rule->check);
            return SG_E_INVALID;
        }
    }
    /* the pattern must compile now, not at sg_engine_compile */
    int err;
    PCRE2_SIZE at;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)rule->pattern, PCRE2_ZERO_TERMINATED, 0, &err,
                                   &at, NULL);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(err, msg, sizeof(msg));
        snprintf(e->error, sizeof(e->error), "custom rule '%s': pattern at %zu: %s", rule->id,
                 (size_t)at, (const char *)msg);
        return SG_E_INVALID;
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* without JIT, pcre2_match interprets it */
    sgi_custom *c = &e->custom[e->ncustom];
    memset(c, 0, sizeof(*c));
    snprintf(c->id, sizeof(c->id), "%s", rule->id);
    snprintf(c->name, sizeof(c->name), "%s", rule->name ? rule->name : rule->id);
    c->pattern = sgi_strndup(&e->mem, rule->pattern, strlen(rule->pattern));
    size_t nw = 0;
    while (rule->context && rule->context[nw])
        nw++;
    c->context = sgi_calloc(&e->mem, nw + 1, sizeof(char *));
    c->re = re;
    if (!c->pattern || !c->context) {
        pcre2_code_free(re);
        sgi_free(&e->mem, c->pattern);
        sgi_free(&e->mem, c->context);
        return SG_E_NOMEM;
    }
    for (size_t i = 0; i < nw; i++) {
        size_t n = strlen(rule->context[i]);
        c->context[i] = sgi_strndup(&e->mem, rule->context[i], n);
        if (!c->context[i]) {
            e->ncustom++; /* so that free finds what was made */
            sgi_custom_free(e);
            return SG_E_NOMEM;
        }
        for (size_t k = 0; k < n; k++)
            if (c->context[i][k] >= 'A' && c->context[i][k] <= 'Z')
                c->context[i][k] = (char)(c->context[i][k] + 32);
    }
    c->validator = check;
    c->severity = (int)rule->severity;
    c->word = rule->whole_words != 0;
    sgi_matcher *m = &e->custom_m[e->ncustom];
    memset(m, 0, sizeof(*m));
    m->rule = SGI_R_CUSTOM_0 + (int)e->ncustom;
    m->validate = sgi_custom_validate;
    m->user = c;
    e->ncustom++;
    return SG_OK;
}
