/*
 * detect_identifiers.c - identifiers that carry their own proof: National
 * Insurance numbers (HMRC allocation rules), NHS numbers (modulus 11),
 * payment cards (issuer ranges and Luhn) and IBANs (country length and
 * mod 97). The rules are in ../shared/DOMAIN.md and docs/DETECTORS.md.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <pthread.h>

#include <string.h>

/* Copy the letters and digits of s[0,n) upper-cased into out (cap bytes);
 * returns their number, or cap+1 if there are more. */
static size_t alnum_only(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 32);
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
            if (k == cap)
                return cap + 1;
            out[k++] = (char)c;
        }
    }
    return k;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return n > 0;
}

static bool all_same(const char *s, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (s[i] != s[0])
            return false;
    return true;
}

/* The text is one case: all letters upper, or all lower. */
static bool one_case(const char *s, size_t n)
{
    bool up = false, low = false;
    for (size_t i = 0; i < n; i++) {
        up |= s[i] >= 'A' && s[i] <= 'Z';
        low |= s[i] >= 'a' && s[i] <= 'z';
    }
    return !(up && low);
}

/* ---------------------------------------------------------------- NINO */

/* Letters as bits: bit c - 'A'. */
#define LBIT(c) (1u << ((c) - 'A'))

bool sgi_valid_nino(const char *s, size_t n)
{
    /* its letters and digits upper-cased, its spaces counted, its case
     * (one case only) in one pass: a CSV of staff has one on every row */
    char a[9];
    size_t k = 0, spaces = 0;
    bool up = false, low = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z') {
            low = true;
            c = (char)(c - 32);
        } else if (c >= 'A' && c <= 'Z') {
            up = true;
        } else if (!(c >= '0' && c <= '9')) {
            spaces += c == ' ';
            continue;
        }
        if (k == 9)
            return false;
        a[k++] = c;
    }
    if (k != 9 || (up && low))
        return false;
    if (!(a[0] >= 'A' && a[0] <= 'Z') || !(a[1] >= 'A' && a[1] <= 'Z'))
        return false;
    if (!all_digits(a + 2, 6) || a[8] < 'A' || a[8] > 'D')
        return false;
    const unsigned never = LBIT('D') | LBIT('F') | LBIT('I') | LBIT('Q') | LBIT('U') | LBIT('V');
    if ((LBIT(a[0]) & never) || (LBIT(a[1]) & (never | LBIT('O'))))
        return false;
    switch (a[0] << 8 | a[1]) { /* prefixes never allocated */
    case 'B' << 8 | 'G':
    case 'G' << 8 | 'B':
    case 'K' << 8 | 'N':
    case 'N' << 8 | 'K':
    case 'N' << 8 | 'T':
    case 'T' << 8 | 'N':
    case 'Z' << 8 | 'Z':
        return false;
    default:
        break;
    }
    /* separators: none, or the usual AB 12 34 56 C */
    if (spaces && !(n == 13 && s[2] == ' ' && s[5] == ' ' && s[8] == ' ' && s[11] == ' ') &&
        !(n == 10 && s[8] == ' ')) /* AB123456 C */
        return false;
    return true;
}

static bool v_nino(const sgi_cand *c, size_t *s, size_t *e)
{
    return sgi_valid_nino(c->buf + *s, *e - *s);
}

/* ----------------------------------------------------------------- NHS */

static bool nhs_checksum(const char *d)
{
    int sum = 0;
    for (int i = 0; i < 9; i++)
        sum += (d[i] - '0') * (10 - i);
    int check = 11 - sum % 11;
    if (check == 11)
        check = 0;
    if (check == 10)
        return false;
    return check == d[9] - '0';
}

bool sgi_valid_nhs(const char *s, size_t n)
{
    char d[16];
    if (alnum_only(s, n, d, 10) != 10 || !all_digits(d, 10) || all_same(d, 10))
        return false;
    /* written whole or 3-3-4 with one kind of separator */
    if (n == 12) {
        if (s[3] != s[7] || (s[3] != ' ' && s[3] != '-'))
            return false;
    } else if (n != 10) {
        return false;
    }
    return nhs_checksum(d);
}

static const char *const nhs_words[] = {"nhs", "chi", "health", "patient", "hospital", NULL};

static bool v_nhs(const sgi_cand *c, size_t *s, size_t *e)
{
    size_t n = *e - *s;
    if (!sgi_valid_nhs(c->buf + *s, n))
        return false;
    /* ten bare digits are too common to trust without context */
    if (n == 10 && !sgi_context_has(c, *s, *e, nhs_words, 48, 0))
        return false;
    return true;
}

/* ---------------------------------------------------------------- cards */

static bool luhn(const char *d, size_t n)
{
    int sum = 0;
    bool dbl = false;
    for (size_t i = n; i-- > 0;) {
        int v = d[i] - '0';
        if (dbl) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
        dbl = !dbl;
    }
    return sum % 10 == 0;
}

static int prefix_num(const char *d, int len)
{
    int v = 0;
    for (int i = 0; i < len; i++)
        v = v * 10 + (d[i] - '0');
    return v;
}

/* Issuer identification number ranges with their card lengths. */
static bool card_iin_ok(const char *d, size_t n)
{
    int p1 = d[0] - '0', p2 = prefix_num(d, 2), p3 = prefix_num(d, 3), p4 = prefix_num(d, 4),
        p6 = prefix_num(d, 6);
    if (p1 == 4) /* Visa */
        return n == 13 || n == 16 || n == 19;
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) /* Mastercard */
        return n == 16;
    if (p2 == 34 || p2 == 37) /* American Express */
        return n == 15;
    if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925))
        return n >= 16 && n <= 19; /* Discover */
    if (p4 >= 3528 && p4 <= 3589) /* JCB */
        return n >= 16 && n <= 19;
    if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) /* Diners */
        return n >= 14 && n <= 19;
    if (p2 == 62) /* UnionPay */
        return n >= 16 && n <= 19;
    if (p4 == 5018 || p4 == 5020 || p4 == 5038 || p4 == 5893 || p4 == 6304 || p4 == 6759 ||
        (p4 >= 6761 && p4 <= 6763)) /* Maestro */
        return n >= 13 && n <= 19;
    return false;
}

bool sgi_valid_card(const char *s, size_t n)
{
    char d[24];
    size_t k = alnum_only(s, n, d, 19);
    if (k < 13 || k > 19 || !all_digits(d, k) || all_same(d, k))
        return false;
    /* groups: none, 4-4-4-4(-3), or 4-6-5 (Amex), with one separator kind */
    if (k != n) {
        size_t groups[8], ng = 0, len = 0;
        char sep = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i] >= '0' && s[i] <= '9') {
                len++;
                continue;
            }
            if ((sep && s[i] != sep) || len == 0 || ng == 7)
                return false;
            sep = s[i];
            groups[ng++] = len;
            len = 0;
        }
        groups[ng++] = len;
        bool amex = ng == 3 && groups[0] == 4 && groups[1] == 6 && groups[2] == 5;
        bool fours = true;
        for (size_t i = 0; i + 1 < ng; i++)
            fours &= groups[i] == 4;
        if (!amex && !(fours && groups[ng - 1] >= 1 && groups[ng - 1] <= 4))
            return false;
    }
    return card_iin_ok(d, k) && luhn(d, k);
}

static bool v_card(const sgi_cand *c, size_t *s, size_t *e)
{
    /* digits stuck to letters are part of a code (GB12BARC3995...) */
    char before = *s > c->lo ? c->buf[*s - 1] : ' ';
    if ((before >= 'A' && before <= 'Z') || (before >= 'a' && before <= 'z'))
        return false;
    return sgi_valid_card(c->buf + *s, *e - *s);
}

/* ----------------------------------------------------------------- IBAN */

typedef struct iban_len {
    char cc[3];
    unsigned char len;
} iban_len;

/* SWIFT IBAN registry: country code and total length. */
static const iban_len iban_lengths[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
    {"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
    {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
    {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
    {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
    {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30},
    {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21},
    {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20}, {"MR", 27},
    {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33},
    {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
    {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29},
    {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

/* The registry by country code, 'A'..'Z' twice: asked for every two
 * letters before digits (an NI number's too) */
static unsigned char iban_len_by_cc[26 * 26];
static pthread_once_t iban_once = PTHREAD_ONCE_INIT;

static void iban_init(void)
{
    for (size_t i = 0; i < SGI_ARRAY_LEN(iban_lengths); i++)
        iban_len_by_cc[(iban_lengths[i].cc[0] - 'A') * 26 + (iban_lengths[i].cc[1] - 'A')] =
            (unsigned char)iban_lengths[i].len;
}

/* The length of an IBAN of country cc, or 0 for no such country. */
static size_t iban_length(char c0, char c1)
{
    if (c0 < 'A' || c0 > 'Z' || c1 < 'A' || c1 > 'Z')
        return 0;
    pthread_once(&iban_once, iban_init);
    return iban_len_by_cc[(c0 - 'A') * 26 + (c1 - 'A')];
}

bool sgi_valid_iban(const char *s, size_t n)
{
    char a[40];
    size_t k = alnum_only(s, n, a, 34);
    if (k < 15 || k > 34 || !one_case(s, n))
        return false;
    if (!(a[0] >= 'A' && a[0] <= 'Z' && a[1] >= 'A' && a[1] <= 'Z'))
        return false;
    if (!all_digits(a + 2, 2))
        return false;
    if (iban_length(a[0], a[1]) != k)
        return false;
    /* spaces only in groups of four */
    if (k != n) {
        size_t len = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i] == ' ') {
                if (len != 4)
                    return false;
                len = 0;
            } else {
                len++;
            }
        }
        if (len == 0 || len > 4)
            return false;
    }
    /* move the first four to the end, letters to numbers, mod 97 == 1 */
    unsigned rem = 0;
    for (size_t i = 0; i < k; i++) {
        char ch = a[(i + 4) % k];
        if (ch >= '0' && ch <= '9') {
            rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
        } else {
            unsigned v = (unsigned)(ch - 'A') + 10;
            rem = (rem * 100 + v) % 97;
        }
    }
    return rem == 1;
}

static bool v_iban(const sgi_cand *c, size_t *s, size_t *e)
{
    return sgi_valid_iban(c->buf + *s, *e - *s);
}

static bool alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Country, check digits, then exactly as many characters as the country's
 * IBANs have, spaces allowed between them. */
static size_t parse_iban(const char *b, size_t s, size_t hi)
{
    if (s + 4 > hi)
        return 0;
    char c0 = (char)(b[s] & ~32), c1 = (char)(b[s + 1] & ~32);
    if (!(b[s + 2] >= '0' && b[s + 2] <= '9' && b[s + 3] >= '0' && b[s + 3] <= '9'))
        return 0;
    size_t want = iban_length(c0, c1);
    if (!want)
        return 0;
    size_t i = s + 4, n = 4;
    while (n < want && i < hi) {
        if (b[i] == ' ' && i + 1 < hi && alnum(b[i + 1])) {
            i++;
            continue;
        }
        if (!alnum(b[i]))
            break;
        i++;
        n++;
    }
    if (n != want || (i < hi && alnum(b[i])))
        return 0;
    return i;
}

static const sgi_matcher matchers[] = {
    {.rule = SGI_R_UK_NINO, .shape = "AA_DD_DD_DD_A", .validate = v_nino},
    {.rule = SGI_R_NHS_NUMBER, .digits = 10, .digits_max = 10, .groups = 3, .validate = v_nhs},
    {.rule = SGI_R_PAYMENT_CARD, .digits = 13, .digits_max = 19, .groups = 5,
     .validate = v_card},
    {.rule = SGI_R_IBAN, .parse = parse_iban, .validate = v_iban},
};

const sgi_matcher_set sgi_detector_identifiers = {matchers, SGI_ARRAY_LEN(matchers)};
