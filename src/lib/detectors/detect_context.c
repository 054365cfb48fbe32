/*
 * detect_context.c - personal data whose format alone proves little: dates
 * of birth, sort codes and account numbers, passport numbers, vehicle
 * registrations. Each needs words that name it nearby ("DOB", "sort code",
 * "passport", "vehicle") or a column header that does. Driving licence
 * numbers are here too: they embed a date of birth, which is checked.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>
#include <time.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* ----------------------------------------------------------------- dates */

static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const month_full[] = {"january", "february", "march",     "april",
                                         "may",     "june",     "july",      "august",
                                         "september", "october", "november", "december"};

/* A month name or its abbreviation (with "sept") at s[0,n): 1-12, or 0. */
static int month_of(const char *s, size_t n)
{
    char w[16];
    if (n < 3 || n >= sizeof(w))
        return 0;
    for (size_t i = 0; i < n; i++)
        w[i] = lower(s[i]);
    w[n] = '\0';
    for (int m = 0; m < 12; m++) {
        if (w[0] != months[m][0]) /* most words are no month: one byte tells */
            continue;
        if (strcmp(w, month_full[m]) == 0 || strcmp(w, months[m]) == 0)
            return m + 1;
    }
    if (strcmp(w, "sept") == 0)
        return 9;
    return 0;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool real_date(int d, int m, int y)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    int md = mdays[m - 1] + (m == 2 && leap(y));
    return d <= md;
}

static int read_num(const char *s, size_t n, size_t *i, int maxdigits)
{
    int v = 0, k = 0;
    while (*i < n && is_digit(s[*i]) && k < maxdigits) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    return k ? v : -1;
}

/* Parse the date forms the patterns find; false if it is not one. */
static bool parse_date(const char *s, size_t n, int *d, int *m, int *y)
{
    size_t i = 0;
    if (n == 0)
        return false;
    if (is_digit(s[0])) {
        size_t st = i;
        int a = read_num(s, n, &i, 4);
        size_t alen = i - st;
        if (i < n && sgi_in(s[i], "/.-")) {
            char sep = s[i++];
            int b = read_num(s, n, &i, 2);
            if (b < 0 || i >= n || s[i] != sep)
                return false;
            i++;
            st = i;
            int c = read_num(s, n, &i, 4);
            size_t clen = i - st;
            if (c < 0 || i != n)
                return false;
            if (alen == 4) { /* ISO yyyy-mm-dd */
                *y = a;
                *m = b;
                *d = c;
                return clen <= 2;
            }
            if (alen > 2 || (clen != 4 && clen != 2))
                return false;
            *d = a;
            *m = b;
            if (clen == 2) {
                struct tm tm;
                time_t now = time(NULL);
                gmtime_r(&now, &tm);
                int yy = (tm.tm_year + 1900) % 100;
                c += c > yy ? 1900 : 2000;
            }
            *y = c;
            /* month first (US) only when it cannot be day first */
            if (*m > 12 && *d <= 12) {
                int t = *d;
                *d = *m;
                *m = t;
            }
            return true;
        }
        /* 12 March 1985, 3rd Mar. 1985 */
        if (alen > 2)
            return false;
        *d = a;
        if (i + 2 <= n && sgi_in(lower(s[i]), "snrt"))
            i += 2; /* st nd rd th */
        while (i < n && s[i] == ' ')
            i++;
        size_t ms = i;
        while (i < n && ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z'))
            i++;
        *m = month_of(s + ms, i - ms);
        if (!*m)
            return false;
        while (i < n && (s[i] == '.' || s[i] == ',' || s[i] == ' '))
            i++;
        st = i;
        *y = read_num(s, n, &i, 4);
        return i == n && i - st == 4;
    }
    /* March 12, 1985 */
    while (i < n && ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z'))
        i++;
    *m = month_of(s, i);
    if (!*m)
        return false;
    while (i < n && (s[i] == '.' || s[i] == ' '))
        i++;
    *d = read_num(s, n, &i, 2);
    if (*d < 0)
        return false;
    if (i + 2 <= n && sgi_in(lower(s[i]), "snrt"))
        i += 2;
    while (i < n && (s[i] == ',' || s[i] == ' '))
        i++;
    size_t st = i;
    *y = read_num(s, n, &i, 4);
    return i == n && i - st == 4;
}

bool sgi_valid_date(const char *s, size_t n)
{
    int d, m, y;
    if (!parse_date(s, n, &d, &m, &y))
        return false;
    if (y < 1900 || !real_date(d, m, y))
        return false;
    struct tm tm;
    time_t now = time(NULL);
    gmtime_r(&now, &tm);
    long today = (tm.tm_year + 1900) * 10000L + (tm.tm_mon + 1) * 100L + tm.tm_mday;
    return y * 10000L + m * 100L + d <= today;
}

static const char *const dob_words[] = {"dob", "d.o.b", "date of birth", "birth date",
                                        "birthdate", "born", "birthday", "date-of-birth",
                                        NULL};

static bool v_dob(const sgi_cand *c, size_t *s, size_t *e)
{
    if (!sgi_valid_date(c->buf + *s, *e - *s))
        return false;
    return sgi_context_has(c, *s, *e, dob_words, 48, 0);
}

/* ------------------------------------------------------------- bank */

static const char *const sort_words[] = {"sort code", "sortcode", "sort-code", "s/c",
                                         "sort", NULL};
static const char *const account_words[] = {"account number", "account no", "acc no",
                                            "account", "a/c", "acct", "bank", NULL};

bool sgi_valid_sort_code(const char *s, size_t n)
{
    if (n == 6) {
        for (size_t i = 0; i < 6; i++)
            if (!is_digit(s[i]))
                return false;
        return true;
    }
    if (n != 8 || s[2] != s[5] || (s[2] != '-' && s[2] != ' '))
        return false;
    return is_digit(s[0]) && is_digit(s[1]) && is_digit(s[3]) && is_digit(s[4]) &&
           is_digit(s[6]) && is_digit(s[7]);
}

/* An 8-digit account number just after a sort code makes one finding. */
static size_t account_after(const sgi_cand *c, size_t end)
{
    const char *b = c->buf;
    size_t i = end, lim = SGI_MIN(c->hi, end + 40);
    while (i < lim && !is_digit(b[i]) && b[i] != '\n')
        i++;
    size_t st = i;
    while (i < c->hi && is_digit(b[i]))
        i++;
    if (i - st == 8 && (i == c->hi || !is_digit(b[i])))
        return i;
    return end;
}

static bool v_sort_code(const sgi_cand *c, size_t *s, size_t *e)
{
    size_t n = *e - *s;
    if (!sgi_valid_sort_code(c->buf + *s, n))
        return false;
    /* six bare digits only in a sort-code column */
    if (n == 6 ? c->header_kind != SGI_COL_BANK || !sgi_header_has(c, sort_words)
               : !sgi_context_has(c, *s, *e, sort_words, 40, 0) &&
                     !sgi_context_has(c, *s, *e, account_words, 40, 0))
        return false;
    *e = account_after(c, *e);
    return true;
}

static bool v_account(const sgi_cand *c, size_t *s, size_t *e)
{
    static const char *const strict_words[] = {"account number", "account no", "acc no",
                                               "a/c", "acct", "bank account", NULL};
    return sgi_context_has(c, *s, *e, strict_words, 40, 0);
}

/* ------------------------------------------------------------- passport */

static bool v_passport(const sgi_cand *c, size_t *s, size_t *e)
{
    static const char *const words[] = {"passport", NULL};
    return sgi_context_has(c, *s, *e, words, 48, 0);
}

/* ------------------------------------------------------ driving licence */

bool sgi_valid_driving_licence(const char *s, size_t n)
{
    char a[20];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ')
            continue;
        if (k == 16)
            return false;
        a[k++] = s[i];
    }
    if (k != 16)
        return false;
    /* surname: letters, padded with 9s at the end */
    if (!is_upper(a[0]))
        return false;
    bool pad = false;
    for (int i = 1; i < 5; i++) {
        if (a[i] == '9')
            pad = true;
        else if (!is_upper(a[i]) || pad)
            return false;
    }
    for (int i = 5; i < 11; i++)
        if (!is_digit(a[i]))
            return false;
    int month = (a[6] - '0') * 10 + (a[7] - '0');
    if (month > 50)
        month -= 50; /* women */
    int day = (a[8] - '0') * 10 + (a[9] - '0');
    if (month < 1 || month > 12 || day < 1 || day > 31)
        return false;
    /* initials: a letter, then a letter or 9 */
    if (!is_upper(a[11]) || !(is_upper(a[12]) || a[12] == '9'))
        return false;
    if (!is_digit(a[13]) || !is_upper(a[14]) || !is_upper(a[15]))
        return false;
    if (n == 18 && !(s[5] == ' ' && s[12] == ' '))
        return false;
    return n == 16 || n == 18;
}

static bool v_licence(const sgi_cand *c, size_t *s, size_t *e)
{
    return sgi_valid_driving_licence(c->buf + *s, *e - *s);
}

/* ---------------------------------------------------------- vehicle reg */

bool sgi_valid_vehicle_reg(const char *s, size_t n)
{
    char a[10];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ')
            continue;
        if (k == 8 || !(is_upper(s[i]) || is_digit(s[i])))
            return false;
        a[k++] = s[i];
    }
    a[k] = '\0';
    if (k == 7 && is_upper(a[0]) && is_upper(a[1]) && is_digit(a[2]) && is_digit(a[3])) {
        /* current format: memory tag, age identifier, three letters */
        int age = (a[2] - '0') * 10 + (a[3] - '0');
        if (!((age >= 2 && age <= 50) || (age >= 51 && age <= 99)))
            return false;
        if (sgi_in(a[0], "IQZ") || sgi_in(a[1], "IQ"))
            return false;
        for (int i = 4; i < 7; i++)
            if (!is_upper(a[i]) || sgi_in(a[i], "IQ"))
                return false;
        return true;
    }
    /* prefix (A123 BCD) and suffix (ABC 123D) formats */
    size_t i = 0;
    if (is_upper(a[0]) && is_digit(a[1])) {
        if (sgi_in(a[0], "IOQUZ"))
            return false;
        i = 1;
        while (i < k && is_digit(a[i]))
            i++;
        if (i > 4 || k - i != 3)
            return false;
        for (; i < k; i++)
            if (!is_upper(a[i]) || a[i] == 'Q')
                return false;
        return true;
    }
    if (k >= 5 && is_upper(a[0]) && is_upper(a[1]) && is_upper(a[2])) {
        i = 3;
        while (i < k && is_digit(a[i]))
            i++;
        if (i == 3 || i > 6 || i != k - 1 || !is_upper(a[k - 1]) || sgi_in(a[k - 1], "IOQUZ"))
            return false;
        return true;
    }
    return false;
}

static bool v_vehicle(const sgi_cand *c, size_t *s, size_t *e)
{
    static const char *const words[] = {"registration", "reg", "reg no", "vrm", "vrn",
                                        "vehicle", "car", "van", "plate", "number plate",
                                        "motorcycle", "lorry", "taxi", "anpr", NULL};
    if (!sgi_valid_vehicle_reg(c->buf + *s, *e - *s))
        return false;
    return sgi_context_has(c, *s, *e, words, 48, 0);
}

static bool digit_at(const char *b, size_t i, size_t hi)
{
    return i < hi && is_digit(b[i]);
}

static bool alpha_at(const char *b, size_t i, size_t hi)
{
    return i < hi && ((b[i] | 32) >= 'a' && (b[i] | 32) <= 'z');
}

/* "st", "nd", "rd", "th" at i: its length, or 0 */
static size_t ordinal(const char *b, size_t i, size_t hi)
{
    if (i + 2 > hi)
        return 0;
    char x = lower(b[i]), y = lower(b[i + 1]);
    if ((x == 's' && y == 't') || (x == 'n' && y == 'd') || (x == 'r' && y == 'd') ||
        (x == 't' && y == 'h'))
        return alpha_at(b, i + 2, hi) ? 0 : 2;
    return 0;
}

/* A month name at i: its end, or 0 */
static size_t month_word(const char *b, size_t i, size_t hi)
{
    size_t j = i;
    while (alpha_at(b, j, hi) && j - i < 10)
        j++;
    if (!month_of(b + i, j - i))
        return 0;
    if (j < hi && b[j] == '.')
        j++;
    return j;
}

static size_t year4(const char *b, size_t i, size_t hi)
{
    for (size_t k = 0; k < 4; k++)
        if (!digit_at(b, i + k, hi))
            return 0;
    return (digit_at(b, i + 4, hi) || alpha_at(b, i + 4, hi)) ? 0 : i + 4;
}

/* 3 March 1985, 3rd Mar. 1985, 3 March, 1985 */
static size_t parse_day_first(const char *b, size_t s, size_t hi)
{
    size_t i = s;
    while (digit_at(b, i, hi) && i - s < 2)
        i++;
    i += ordinal(b, i, hi);
    if (i < hi && b[i] == ' ')
        i++;
    size_t j = month_word(b, i, hi);
    if (!j)
        return 0;
    if (j < hi && b[j] == ',')
        j++;
    if (j >= hi || b[j] != ' ')
        return 0;
    return year4(b, j + 1, hi);
}

/* March 3, 1985; Mar. 3rd 1985 */
static size_t parse_month_first(const char *b, size_t s, size_t hi)
{
    size_t i = month_word(b, s, hi);
    if (!i || i >= hi || b[i] != ' ')
        return 0;
    i++;
    size_t d = i;
    while (digit_at(b, i, hi) && i - d < 2)
        i++;
    if (i == d)
        return 0;
    i += ordinal(b, i, hi);
    if (i < hi && b[i] == ',')
        i++;
    if (i >= hi || b[i] != ' ')
        return 0;
    return year4(b, i + 1, hi);
}

static void run_dob(sgi_tok *t, const sgi_matcher *m, const sgi_run *r)
{
    /* 12/03/1985, 12.03.85, 1985-03-12: three groups, one separator */
    for (int j = 0; j + 2 < r->ng; j++) {
        char sep = r->sep[j + 1];
        if (!sgi_in(sep, "/.-") || r->sep[j + 2] != sep || r->seplen[j + 1] != 1 ||
            r->seplen[j + 2] != 1)
            continue;
        size_t a = r->ge[j] - r->gs[j], b2 = r->ge[j + 1] - r->gs[j + 1],
               c = r->ge[j + 2] - r->gs[j + 2];
        bool dmy = a <= 2 && b2 <= 2 && (c == 2 || c == 4);
        bool iso = a == 4 && b2 <= 2 && c <= 2 && sep == '-';
        if (dmy || iso)
            sgi_tok_try(t, m, r->gs[j], r->ge[j + 2]);
    }
    /* 3 March 1985: the day ends its run */
    int last = r->ng - 1;
    if (r->ge[last] - r->gs[last] <= 2) {
        size_t e = parse_day_first(sgi_tok_buf(t), r->gs[last], sgi_tok_end(t));
        if (e)
            sgi_tok_try(t, m, r->gs[last], e);
    }
}

static const sgi_matcher matchers[] = {
    {.rule = SGI_R_DATE_OF_BIRTH, .run = run_dob, .validate = v_dob},
    {.rule = SGI_R_DATE_OF_BIRTH, .parse = parse_month_first, .validate = v_dob},
    /* 12-34-56, or 123456 in a sort-code column */
    {.rule = SGI_R_UK_BANK_ACCOUNT, .digits = 6, .digits_max = 6, .groups = 3,
     .validate = v_sort_code},
    {.rule = SGI_R_UK_BANK_ACCOUNT, .digits = 8, .digits_max = 8, .groups = 1,
     .validate = v_account},
    {.rule = SGI_R_UK_PASSPORT, .digits = 9, .digits_max = 9, .groups = 1,
     .validate = v_passport},
    {.rule = SGI_R_UK_DRIVING_LICENCE, .shape = "AZZZZ_DDDDDD_AZDAA", .validate = v_licence},
    {.rule = SGI_R_UK_VEHICLE_REG, .shape = "AADD_AAA", .validate = v_vehicle},
    {.rule = SGI_R_UK_VEHICLE_REG, .shape = "AD_AAA", .validate = v_vehicle},
    {.rule = SGI_R_UK_VEHICLE_REG, .shape = "ADD_AAA", .validate = v_vehicle},
    {.rule = SGI_R_UK_VEHICLE_REG, .shape = "ADDD_AAA", .validate = v_vehicle},
    {.rule = SGI_R_UK_VEHICLE_REG, .shape = "AAA_DA", .validate = v_vehicle},
    {.rule = SGI_R_UK_VEHICLE_REG, .shape = "AAA_DDA", .validate = v_vehicle},
    {.rule = SGI_R_UK_VEHICLE_REG, .shape = "AAA_DDDA", .validate = v_vehicle},
};

const sgi_matcher_set sgi_detector_context = {matchers, SGI_ARRAY_LEN(matchers)};
