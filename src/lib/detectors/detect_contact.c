/*
 * detect_contact.c - ways to reach a person: e-mail addresses, UK phone
 * numbers (Ofcom numbering plan, drama ranges excluded), postcodes (Royal
 * Mail postcode areas and position rules) and IP addresses.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <arpa/inet.h>
#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
}

/* --------------------------------------------------------------- e-mail */

/* Characters of the dot-atom local part (RFC 5322 atext and '.') */
static const unsigned char local_tab[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1,
    ['/'] = 1, ['='] = 1, ['?'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['{'] = 1, ['|'] = 1,
    ['}'] = 1, ['~'] = 1, ['.'] = 1, ['-'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

static bool local_char(unsigned char c)
{
    return local_tab[c] != 0;
}

static bool domain_char(unsigned char c)
{
    return is_alpha((char)c) || is_digit((char)c) || c == '-' || c == '.';
}

/* Things that look like addresses but are file names (logo@2x.png). */
static bool file_tld(const char *t, size_t n)
{
    static const char *const ext[] = {"png", "jpg", "gif", "svg", "css", "xml", "txt", "pdf",
                                      "htm", "ico", "bmp", "tif", "js",  "jpeg", "webp",
                                      "json", "html", "tiff"};
    if (n < 2 || n > 4)
        return false;
    /* the common TLDs first, cheaply */
    if ((n == 3 && (memcmp(t, "org", 3) == 0 || memcmp(t, "com", 3) == 0 ||
                    memcmp(t, "net", 3) == 0 || memcmp(t, "gov", 3) == 0)) ||
        (n == 2 && (memcmp(t, "uk", 2) == 0)))
        return false;
    char l[5];
    for (size_t i = 0; i < n; i++)
        l[i] = (char)(t[i] | 32);
    l[n] = '\0';
    for (size_t i = 0; i < SGI_ARRAY_LEN(ext); i++)
        if (strcmp(l, ext[i]) == 0)
            return true;
    return false;
}

/* The rules of an address whose characters are known to be right (the
 * local part's local_char, the domain's domain_char) and whose only '@' is
 * s[ll]: lengths, dots, labels, the TLD. */
static bool email_shape(const char *s, size_t n, size_t ll)
{
    size_t dl = n - ll - 1;
    if (ll == 0 || ll > 64 || dl < 4 || dl > 253)
        return false;
    if (s[0] == '.' || s[ll - 1] == '.')
        return false;
    for (size_t i = 1; i < ll; i++) /* short strings: loops beat memmem's set-up */
        if (s[i] == '.' && s[i - 1] == '.')
            return false;
    const char *d = s + ll + 1;
    size_t labels = 0, lab_start = 0;
    for (;;) {
        size_t i = lab_start;
        while (i < dl && d[i] != '.')
            i++;
        size_t len = i - lab_start;
        if (len == 0 || len > 63 || d[lab_start] == '-' || d[i - 1] == '-')
            return false;
        labels++;
        if (i == dl) { /* the TLD: letters, 2-24, or an IDN xn-- label */
            const char *t = d + lab_start;
            bool idn = len > 4 && strncmp(t, "xn--", 4) == 0;
            if (!idn) {
                if (len < 2 || len > 24)
                    return false;
                for (size_t j = 0; j < len; j++)
                    if (!is_alpha(t[j]))
                        return false;
                if (file_tld(t, len))
                    return false;
            }
            break;
        }
        lab_start = i + 1;
    }
    return labels >= 2;
}

bool sgi_valid_email(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);
    if (!at || memchr(at + 1, '@', n - (size_t)(at - s) - 1))
        return false;
    size_t ll = (size_t)(at - s);
    for (size_t i = 0; i < ll; i++)
        if (!local_char((unsigned char)s[i]))
            return false;
    for (size_t i = ll + 1; i < n; i++)
        if (!domain_char((unsigned char)s[i]))
            return false;
    return email_shape(s, n, ll);
}

/* An '@' before a letter or digit ("@[A-Za-z0-9]"): the candidate ends
 * past that character. */
static size_t at_email(const char *b, size_t p, size_t lo, size_t hi)
{
    (void)lo;
    return p + 1 < hi && (is_alpha(b[p + 1]) || is_digit(b[p + 1])) ? p + 2 : 0;
}

static bool v_email(const sgi_cand *c, size_t *s, size_t *e)
{
    /* the pattern ends one past "@x": widen to the whole address */
    const char *b = c->buf;
    if (*e < c->lo + 2 || b[*e - 2] != '@')
        return false;
    size_t at = *e - 2;
    size_t st = at;
    while (st > c->lo && local_char((unsigned char)b[st - 1]) && at - st < 64)
        st--;
    if (st > c->lo && (local_char((unsigned char)b[st - 1]) || b[st - 1] == '@'))
        return false; /* a local part longer than 64 */
    while (st < at && !is_alpha(b[st]) && !is_digit(b[st]))
        st++; /* 'quoted', ...dotted */
    size_t en = at + 1;
    while (en < c->hi && domain_char((unsigned char)b[en]) && en - at < 254)
        en++;
    while (en > at + 1 && (b[en - 1] == '.' || b[en - 1] == '-'))
        en--; /* "mail me at a@b.com." */
    if (st == at)
        return false;
    *s = st;
    *e = en;
    /* every byte was read as local_char or domain_char above */
    return email_shape(b + st, en - st, at - st);
}

/* ---------------------------------------------------------------- phone */

/* Ofcom's numbers for drama (TV, film, books): not anyone's number. Each
 * is a block of 1,000 numbers named by its first eight national digits. */
static const char *const drama_prefixes[] = {
    "01134960", "01144960", "01154960", "01164960", "01174960", "01184960", "01214960",
    "01314960", "01414960", "01514960", "01614960", "01914980", "02079460", "02920180",
    "02896496", "01632960", "07700900"};

/* Areas of 01 whose numbers are one digit shorter (a few 4+5/5+4 codes). */
static const char *const short_areas[] = {"013873", "015242", "015394", "015395", "015396",
                                           "016973", "016974", "016977", "017683", "017684",
                                           "017687", "019467"};

/* A national number (leading 0) that can be a person's: mobile or
 * geographic, of the right length, in a range Ofcom allocates. */
static bool phone_national(const char *n, size_t len)
{
    if (n[0] != '0')
        return false;
    switch (n[1]) {
    case '7': /* mobiles 071-075 and 077-079; 07624 is the Isle of Man's */
        if (len != 11 || n[2] == '0' || (n[2] == '6' && memcmp(n, "07624", 5) != 0))
            return false;
        break;
    case '2': /* 020, 023, 024, 028, 029; local numbers start 2-9 */
        if (len != 11 || !sgi_in(n[2], "03489") || n[3] < '2')
            return false;
        break;
    case '1':
        if (n[2] == '0')
            return false;
        if (len == 10) {
            bool ok = false;
            for (size_t i = 0; i < SGI_ARRAY_LEN(short_areas); i++)
                ok |= memcmp(n, short_areas[i], 6) == 0;
            if (!ok)
                return false;
        } else if (len != 11) {
            return false;
        }
        break;
    default: /* 03, 08, 09 are organisations'; 04, 05, 06 are unused */
        return false;
    }
    for (size_t i = 0; i < SGI_ARRAY_LEN(drama_prefixes); i++)
        if (n[2] == drama_prefixes[i][2] && memcmp(n, drama_prefixes[i], 8) == 0) /* len >= 10 */
            return false;
    return true;
}

bool sgi_valid_uk_phone(const char *s, size_t n)
{
    char d[24];
    size_t k = 0;
    size_t i = 0;
    bool intl = false;
    const char *open = NULL, *close = NULL; /* the first of each bracket */
    if (n && s[0] == '+') {
        intl = true;
        i = 1;
    }
    for (; i < n; i++) {
        if (is_digit(s[i])) {
            if (k == 20)
                return false;
            d[k++] = s[i];
        } else if (s[i] == '(') {
            open = open ? open : s + i;
        } else if (s[i] == ')') {
            close = close ? close : s + i;
        } else if (s[i] != ' ' && s[i] != '-') {
            return false;
        }
    }
    d[k] = '\0';
    const char *num = d;
    size_t len = k;
    char nat[24];
    if (intl || (k > 4 && memcmp(d, "0044", 4) == 0)) {
        const char *rest = intl ? d : d + 2;
        if (rest[0] != '4' || rest[1] != '4')
            return false;
        rest += 2;
        /* +44 (0)20 ...: the bracketed trunk zero is dropped */
        const char *z = open;
        if (z && (size_t)(z - s) + 2 < n && z[1] == '0' && z[2] == ')' && rest[0] == '0')
            rest++;
        if (rest[0] == '0')
            return false;
        nat[0] = '0';
        strncpy(nat + 1, rest, sizeof(nat) - 2);
        nat[sizeof(nat) - 1] = '\0';
        num = nat;
        len = strlen(num);
    }
    /* brackets only around an area code at the start */
    if ((open == NULL) != (close == NULL) || (open && close < open))
        return false;
    return phone_national(num, len);
}

static bool v_phone(const sgi_cand *c, size_t *s, size_t *e)
{
    const char *b = c->buf;
    /* include an opening bracket just before the match */
    if (*s > c->lo && b[*s - 1] == '(' && b[*s] == '0')
        (*s)--;
    /* trailing separators are not part of the number */
    while (*e > *s && !is_digit(b[*e - 1]))
        (*e)--;
    /* part of a longer run of digits (an account, a reference) */
    if (*s > c->lo && (is_digit(b[*s - 1]) || b[*s - 1] == '+'))
        return false;
    if (*e < c->hi && is_digit(b[*e]))
        return false;
    return sgi_valid_uk_phone(b + *s, *e - *s);
}

/* ------------------------------------------------------------- postcode */

/* Royal Mail postcode areas (and the Crown dependencies). */
static const char *const postcode_areas[] = {
    "AB", "AL", "B",  "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF",
    "CH", "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT",
    "DY", "E",  "EC", "EH", "EN", "EX", "FK", "FY", "G",  "GL", "GU", "GY", "HA", "HD", "HG",
    "HP", "HR", "HS", "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY", "L",
    "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M",  "ME", "MK", "ML", "N",  "NE", "NG", "NN",
    "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S",
    "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA",
    "TD", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W",  "WA", "WC", "WD", "WF", "WN", "WR",
    "WS", "WV", "YO", "ZE"};

bool sgi_valid_postcode(const char *s, size_t n)
{
    char p[12];
    size_t k = 0;
    bool up = false, low = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ')
            continue;
        if (k == 10)
            return false;
        up |= s[i] >= 'A' && s[i] <= 'Z';
        low |= s[i] >= 'a' && s[i] <= 'z';
        p[k++] = upper(s[i]);
    }
    p[k] = '\0';
    if (up && low)
        return false;
    if (strcmp(p, "GIR0AA") == 0)
        return true;
    if (k > 4 && strncmp(p, "BFPO", 4) == 0) {
        for (size_t i = 4; i < k; i++)
            if (!is_digit(p[i]))
                return false;
        return k <= 8;
    }
    if (k < 5 || k > 7)
        return false;
    /* inward code: digit and two letters, never C I K M O V */
    const char *in = p + k - 3;
    if (!is_digit(in[0]) || !is_alpha(in[1]) || !is_alpha(in[2]))
        return false;
    if (sgi_in(in[1], "CIKMOV") || sgi_in(in[2], "CIKMOV"))
        return false;
    /* outward code: A9 A99 A9A AA9 AA99 AA9A */
    size_t ol = k - 3;
    const char *o = p;
    if (!is_alpha(o[0]) || sgi_in(o[0], "QVX"))
        return false;
    size_t area = is_alpha(o[1]) ? 2 : 1;
    if (area == 2 && sgi_in(o[1], "IJZ"))
        return false;
    bool known = false;
    for (size_t i = 0; i < SGI_ARRAY_LEN(postcode_areas); i++)
        if (strlen(postcode_areas[i]) == area && strncmp(o, postcode_areas[i], area) == 0)
            known = true;
    if (!known)
        return false;
    size_t rest = ol - area;
    const char *r = o + area;
    if (rest == 1)
        return is_digit(r[0]);
    if (rest == 2) {
        if (!is_digit(r[0]))
            return false;
        if (is_digit(r[1]))
            return true;
        /* A9A: third position letter; AA9A: fourth position letter */
        return sgi_in(r[1], area == 1 ? "ABCDEFGHJKPSTUW" : "ABEHMNPRVWXY");
    }
    return false;
}

static bool v_postcode(const sgi_cand *c, size_t *s, size_t *e)
{
    return sgi_valid_postcode(c->buf + *s, *e - *s);
}

/* ------------------------------------------------------------------- IP */

static const char *const version_words[] = {"version", "ver", "v", "build", "release",
                                            "firmware", "rev", "revision", "section",
                                            "paragraph", "para", "clause", "rule", NULL};

static bool ipv4_ok(const char *s, size_t n)
{
    char tmp[16];
    if (n >= sizeof(tmp))
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    struct in_addr a;
    if (inet_pton(AF_INET, tmp, &a) != 1)
        return false;
    const unsigned char *o = (const unsigned char *)&a.s_addr;
    if (o[0] == 0 || o[0] == 127 || o[0] >= 224)
        return false; /* unspecified, loopback, multicast and reserved */
    if (o[0] < 10 && o[1] < 10 && o[2] < 10 && o[3] < 10)
        return false; /* 1.2.3.4: section numbers, versions */
    /* documentation ranges */
    if ((o[0] == 192 && o[1] == 0 && o[2] == 2) || (o[0] == 198 && o[1] == 51 && o[2] == 100) ||
        (o[0] == 203 && o[1] == 0 && o[2] == 113))
        return false;
    /* netmasks: ones then zeros */
    uint32_t v = ntohl(a.s_addr);
    if (v && ((~v + 1) & ~v) == 0)
        return false;
    return true;
}

static bool ipv6_ok(const char *s, size_t n)
{
    char tmp[64];
    if (n >= sizeof(tmp))
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    size_t groups = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ':' && (i == 0 || s[i - 1] == ':'))
            groups++;
    bool compressed = strstr(tmp, "::") != NULL;
    if (groups < (compressed ? 3u : 8u))
        return false;
    struct in6_addr a;
    if (inet_pton(AF_INET6, tmp, &a) != 1)
        return false;
    const unsigned char *b = a.s6_addr;
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
        return false; /* 2001:db8::/32 documentation */
    if (b[0] == 0xff)
        return false; /* multicast */
    bool zero = true;
    for (int i = 0; i < 15; i++)
        zero &= b[i] == 0;
    if (zero) /* :: and ::1 */
        return false;
    return true;
}

bool sgi_valid_ip(const char *s, size_t n)
{
    return memchr(s, ':', n) ? ipv6_ok(s, n) : ipv4_ok(s, n);
}

static bool v_ipv4(const sgi_cand *c, size_t *s, size_t *e)
{
    const char *b = c->buf;
    /* part of a longer dotted sequence (1.3.6.1.4.1, 10.0.19041.1.5) */
    if (*s >= c->lo + 2 && b[*s - 1] == '.' && is_digit(b[*s - 2]))
        return false;
    if (*e + 1 < c->hi && b[*e] == '.' && is_digit(b[*e + 1]))
        return false;
    if (*s > c->lo && (b[*s - 1] == 'v' || b[*s - 1] == 'V'))
        return false;
    if (sgi_context_has(c, *s, *e, version_words, 16, 0))
        return false;
    return ipv4_ok(b + *s, *e - *s);
}

static bool is_hex(char ch)
{
    return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static bool hex_or_colon(char ch)
{
    return is_hex(ch) || ch == ':';
}

/* A ':' after a hex digit that is the first of three colons with at most
 * four hex digits between them ("[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{0,4}:
 * [0-9A-Fa-f]{0,4}:", which Vectorscan 5.4.9 misses in most places): the
 * candidate ends past the third. Each first colon has one third colon,
 * each third colon one first: a candidate for every end the pattern has. */
static size_t at_ipv6(const char *b, size_t p, size_t lo, size_t hi)
{
    if (p <= lo || !is_hex(b[p - 1]))
        return 0;
    size_t i = p + 1;
    for (int colon = 0; colon < 2; colon++) {
        size_t k = 0;
        while (i < hi && k < 4 && is_hex(b[i]))
            i++, k++;
        if (i >= hi || b[i] != ':')
            return 0;
        i++;
    }
    return i;
}

static bool v_ipv6(const sgi_cand *c, size_t *s, size_t *e)
{
    const char *b = c->buf;
    size_t st = *s, en = *e;
    while (st > c->lo && hex_or_colon(b[st - 1]))
        st--;
    while (en < c->hi && (hex_or_colon(b[en]) || b[en] == '.'))
        en++;
    while (en > st && b[en - 1] == '.')
        en--;
    if (st > c->lo && (is_alpha(b[st - 1]) || b[st - 1] == '_'))
        return false;
    if (en < c->hi && (is_alpha(b[en]) || b[en] == '_'))
        return false;
    *s = st;
    *e = en;
    return ipv6_ok(b + st, en - st);
}

static void run_ipv4(sgi_tok *t, const sgi_matcher *m, const sgi_run *r)
{
    for (int j = 0; j + 3 < r->ng; j++) {
        bool ok = true;
        for (int k = j; k < j + 4 && ok; k++) {
            size_t n = r->ge[k] - r->gs[k];
            ok = n >= 1 && n <= 3 && (k == j || (r->sep[k] == '.' && r->seplen[k] == 1));
        }
        if (ok)
            sgi_tok_try(t, m, r->gs[j], r->ge[j + 3]);
    }
}

static const sgi_matcher matchers[] = {
    {.rule = SGI_R_EMAIL, .stop = '@', .at = at_email, .validate = v_email},
    /* 0 + 9-10 digits; 44 + 9-10; 0044 + 9-10 */
    {.rule = SGI_R_UK_PHONE, .digits = 10, .digits_max = 14, .groups = 6, .lead = true,
     .validate = v_phone},
    {.rule = SGI_R_UK_POSTCODE, .shape = "AD_DAA", .validate = v_postcode},
    {.rule = SGI_R_UK_POSTCODE, .shape = "ADD_DAA", .validate = v_postcode},
    {.rule = SGI_R_UK_POSTCODE, .shape = "ADA_DAA", .validate = v_postcode},
    {.rule = SGI_R_UK_POSTCODE, .shape = "AAD_DAA", .validate = v_postcode},
    {.rule = SGI_R_UK_POSTCODE, .shape = "AADD_DAA", .validate = v_postcode},
    {.rule = SGI_R_UK_POSTCODE, .shape = "AADA_DAA", .validate = v_postcode},
    {.rule = SGI_R_UK_POSTCODE, .shape = "GIR_0AA", .validate = v_postcode},
    {.rule = SGI_R_UK_POSTCODE, .shape = "BFPO_D", .validate = v_postcode},
    {.rule = SGI_R_UK_POSTCODE, .shape = "BFPO_DD", .validate = v_postcode},
    {.rule = SGI_R_UK_POSTCODE, .shape = "BFPO_DDD", .validate = v_postcode},
    {.rule = SGI_R_UK_POSTCODE, .shape = "BFPO_DDDD", .validate = v_postcode},
    {.rule = SGI_R_IP_ADDRESS, .run = run_ipv4, .validate = v_ipv4},
    {.rule = SGI_R_IP_ADDRESS, .stop = ':', .at = at_ipv6, .validate = v_ipv6},
};

const sgi_matcher_set sgi_detector_contact = {matchers, SGI_ARRAY_LEN(matchers)};
