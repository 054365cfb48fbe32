/*
 * detect_tables.c - tables of people. A reader that sees rows and columns
 * (CSV now, spreadsheets and pivot caches later) feeds an sgi_table with
 * the header row, every cell and every hit; at the end the table decides
 * what each column holds and whether the rows describe people, in which
 * case it adds one dataset.personal_records finding: the finding an FOI
 * officer must never miss.
 *
 * A column's kind comes from its header when the header says ("Surname",
 * "NI Number", "Date of birth"), else from its values (most cells hit the
 * same identifier rule). A table is about people when a column identifies
 * them and at least one further column says something about them, over
 * at least SG_OPT_TABLE_MIN_ROWS rows.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char *const colkind_names[SGI_COL_COUNT] = {
#define SGI_COLKIND(e, name) name,
#include "colkinds.def"
#undef SGI_COLKIND
};

const char *sgi_colkind_name(sgi_colkind k)
{
    return (unsigned)k < SGI_COL_COUNT ? colkind_names[k] : "other";
}

/* Header phrases, most specific kinds first: "email address" is an e-mail
 * column before it is an address column. Matched as whole words, any case. */
typedef struct header_rule {
    sgi_colkind kind;
    const char *const *phrases;
} header_rule;

static const char *const h_nino[] = {"ni number", "ni no", "ni num", "nino", "national insurance",
                                     "nat ins", "ni", NULL};
static const char *const h_nhs[] = {"nhs", "chi number", NULL};
static const char *const h_dob[] = {"dob", "d.o.b", "date of birth", "birth date", "birthdate",
                                    "date-of-birth", "born", NULL};
static const char *const h_email[] = {"email", "e-mail", "e mail", "mail address", NULL};
static const char *const h_phone[] = {"phone", "telephone", "tel", "mobile", "contact number",
                                      "tel no", "landline", NULL};
static const char *const h_postcode[] = {"postcode", "post code", "postal code", "zip",
                                         "zip code", NULL};
static const char *const h_passport[] = {"passport", NULL};
static const char *const h_licence[] = {"driving licence", "driving license", "licence number",
                                        "license number", "driver number", "dvla", NULL};
static const char *const h_vehicle[] = {"vrm", "vrn", "vehicle reg", "vehicle registration",
                                        "registration number", "reg no", "number plate", NULL};
static const char *const h_bank[] = {"sort code", "sortcode", "account number", "account no",
                                     "bank account", "acc no", NULL};
static const char *const h_card[] = {"card number", "card no", "pan", "credit card",
                                     "debit card", NULL};
static const char *const h_iban[] = {"iban", NULL};
static const char *const h_ip[] = {"ip address", "ip", NULL};
static const char *const h_staff[] = {
    "staff number", "staff no", "staff id", "service number", "service no", "warrant number",
    "warrant no", "collar number", "collar no", "shoulder number", "shoulder no", "pay number",
    "pay no", "payroll number", "payroll no", "employee number", "employee no", "employee id",
    "personnel number", "personnel no", "badge number", "officer number", "force number", NULL};
static const char *const h_surname[] = {"surname", "surnames", "last name", "lastname",
                                        "family name", NULL};
static const char *const h_forename[] = {"forename", "forenames", "first name", "firstname",
                                         "given name", "given names", "christian name",
                                         "middle name", NULL};
static const char *const h_initials[] = {"initials", "initial", NULL};
static const char *const h_name[] = {"name", "names", "full name", "fullname", "username",
                                     "user name", NULL};
static const char *const h_address[] = {"address", "home address", "street address",
                                        "address line", "residence", NULL};
static const char *const h_gender[] = {"gender", "sex", NULL};
static const char *const h_age[] = {"age", "age band", "age group", "age range", NULL};
static const char *const h_rank[] = {"rank", "grade", "job title", "role", "position", NULL};
static const char *const h_unit[] = {"department", "dept", "unit", "location", "station",
                                     "division", "team", "district", "command", "section",
                                     "directorate", "branch", "base", NULL};
static const char *const h_special[] = {
    "ethnicity", "ethnic", "religion", "faith", "health", "disability", "disabled",
    "sexual orientation", "sexuality", "offence", "offense", "crime", "victim", "suspect",
    "offender", "conviction", "medical", "diagnosis", "trade union", "mental", NULL};
static const char *const h_title[] = {"title", "salutation", NULL};
static const char *const h_vetting[] = {"vetting", "vetting level", "vetting status",
                                        "clearance", "security clearance", "nppv", NULL};

static const header_rule header_rules[] = {
    {SGI_COL_NINO, h_nino},         {SGI_COL_NHS, h_nhs},
    {SGI_COL_DOB, h_dob},           {SGI_COL_EMAIL, h_email},
    {SGI_COL_IP, h_ip},             {SGI_COL_PHONE, h_phone},
    {SGI_COL_POSTCODE, h_postcode}, {SGI_COL_PASSPORT, h_passport},
    {SGI_COL_DRIVING_LICENCE, h_licence}, {SGI_COL_VEHICLE_REG, h_vehicle},
    {SGI_COL_BANK, h_bank},         {SGI_COL_CARD, h_card},
    {SGI_COL_IBAN, h_iban},         {SGI_COL_STAFF_NUMBER, h_staff},
    {SGI_COL_SURNAME, h_surname},   {SGI_COL_FORENAME, h_forename},
    {SGI_COL_INITIALS, h_initials}, {SGI_COL_NAME, h_name},
    {SGI_COL_ADDRESS, h_address},   {SGI_COL_GENDER, h_gender},
    {SGI_COL_AGE, h_age},           {SGI_COL_RANK, h_rank},
    {SGI_COL_UNIT, h_unit},         {SGI_COL_SPECIAL, h_special},
    {SGI_COL_TITLE, h_title},       {SGI_COL_VETTING, h_vetting},
};

/* "Station name", "File name": a name column about things, not people. */
static const char *const thing_words[] = {
    "product", "station", "file", "item", "unit", "team", "company", "organisation",
    "organization", "department", "street", "road", "place", "site", "building", "course",
    "event", "document", "sheet", "host", "server", "domain", "business", "brand", "trading",
    "project", "category", "type", "school", "ward", "force", "area", "region", "scheme",
    "account", "bank", "branch", "country", "town", "city", "village", "field", "table",
    "column", "drug", "medication", "vehicle", "model", "make", "software", "application",
    "service", "operation", "unit name", "location", NULL};

sgi_colkind sgi_colkind_of_header(const char *h, size_t n)
{
    if (n == 0 || n > 200)
        return SGI_COL_OTHER;
    for (size_t i = 0; i < SGI_ARRAY_LEN(header_rules); i++) {
        if (!sgi_has_any_word(h, n, header_rules[i].phrases))
            continue;
        sgi_colkind k = header_rules[i].kind;
        bool name_kind = k == SGI_COL_NAME || k == SGI_COL_SURNAME || k == SGI_COL_FORENAME;
        if (name_kind && sgi_has_any_word(h, n, thing_words))
            return SGI_COL_OTHER;
        return k;
    }
    return SGI_COL_OTHER;
}

/* Columns that single out a person on their own. An address or a phone
 * number may be a station's or a desk's: they describe people in a table
 * that has one of these, but do not make a table of people alone. */
bool sgi_colkind_identifies(sgi_colkind k)
{
    switch (k) {
    case SGI_COL_NAME:
    case SGI_COL_SURNAME:
    case SGI_COL_FORENAME:
    case SGI_COL_EMAIL:
    case SGI_COL_NINO:
    case SGI_COL_NHS:
    case SGI_COL_STAFF_NUMBER:
    case SGI_COL_PASSPORT:
    case SGI_COL_DRIVING_LICENCE:
    case SGI_COL_VEHICLE_REG:
    case SGI_COL_BANK:
    case SGI_COL_CARD:
    case SGI_COL_IBAN:
        return true;
    default:
        return false;
    }
}

sgi_colkind sgi_colkind_of_rule(int rule)
{
    switch (rule) {
    case SGI_R_EMAIL:
        return SGI_COL_EMAIL;
    case SGI_R_UK_PHONE:
        return SGI_COL_PHONE;
    case SGI_R_UK_POSTCODE:
        return SGI_COL_POSTCODE;
    case SGI_R_UK_NINO:
        return SGI_COL_NINO;
    case SGI_R_NHS_NUMBER:
        return SGI_COL_NHS;
    case SGI_R_PAYMENT_CARD:
        return SGI_COL_CARD;
    case SGI_R_IBAN:
        return SGI_COL_IBAN;
    case SGI_R_UK_BANK_ACCOUNT:
        return SGI_COL_BANK;
    case SGI_R_DATE_OF_BIRTH:
        return SGI_COL_DOB;
    case SGI_R_IP_ADDRESS:
        return SGI_COL_IP;
    case SGI_R_UK_PASSPORT:
        return SGI_COL_PASSPORT;
    case SGI_R_UK_DRIVING_LICENCE:
        return SGI_COL_DRIVING_LICENCE;
    case SGI_R_UK_VEHICLE_REG:
        return SGI_COL_VEHICLE_REG;
    case SGI_R_PERSON_NAME:
        return SGI_COL_NAME;
    case SGI_R_STAFF_NUMBER:
        return SGI_COL_STAFF_NUMBER;
    case SGI_R_VETTING_LEVEL:
        return SGI_COL_VETTING;
    default:
        return SGI_COL_OTHER;
    }
}

/* Values that fill a name column without being a name. */
typedef struct word {
    const char *s;
    size_t n;
} word;
#define W(x) {x, sizeof(x) - 1}
static const word non_names[] = {
    W("grand total"), W("subtotal"), W("sub total"), W("totals"),  W("n/a"),     W("na"),      W("none"),     W("unknown"),
                                 W("not known"), W("redacted"), W("withheld"), W("tbc"),
                                 W("tba"),     W("null"),    W("nil"),      W("various"),
                                 W("vacant"),  W("vacancy"), W("total"),    W("other")};
#undef W

static bool same_ci(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x + 32);
        if (x != y)
            return false;
    }
    return true;
}

/* by length (up to 12): bit c - 'a' if a non-name that long starts with c */
static uint32_t non_name_first[13];
static pthread_once_t non_names_once = PTHREAD_ONCE_INIT;

static void non_names_init(void)
{
    for (size_t i = 0; i < SGI_ARRAY_LEN(non_names); i++)
        if (non_names[i].n < SGI_ARRAY_LEN(non_name_first))
            non_name_first[non_names[i].n] |= 1u << (non_names[i].s[0] - 'a');
}

/* What a byte is to a name: a capital (or a byte of a UTF-8 letter), a
 * small letter, a break between words (space, comma), a join inside one
 * (' - .), or none of these */
enum { NC_NONE = 0, NC_UPPER = 1, NC_LOWER = 2, NC_BREAK = 4, NC_JOIN = 8 };
static unsigned char name_class[256];
static pthread_once_t name_class_once = PTHREAD_ONCE_INIT;

static void name_class_init(void)
{
    for (int c = 0; c < 256; c++)
        name_class[c] = (c >= 'A' && c <= 'Z') || c >= 0x80 ? NC_UPPER
                        : c >= 'a' && c <= 'z'             ? NC_LOWER
                        : c == ' ' || c == ','             ? NC_BREAK
                        : c == '\'' || c == '-' || c == '.' ? NC_JOIN
                                                           : NC_NONE;
}

bool sgi_looks_like_name(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    if (n < 2 || n > 80)
        return false;
    pthread_once(&name_class_once, name_class_init);
    size_t tokens = 0, longest = 0, run = 0;
    bool upper_seen = false, at_start = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char k = name_class[(unsigned char)s[i]];
        if (k & (NC_UPPER | NC_LOWER)) {
            if (at_start) {
                tokens++;
                upper_seen |= (k & NC_UPPER) != 0;
            }
            at_start = false;
            run++;
            longest = SGI_MAX(longest, run);
            continue;
        }
        run = 0;
        if (k == NC_BREAK) {
            at_start = true;
            continue;
        }
        if (k == NC_JOIN)
            continue;
        return false; /* digits, @, / ... */
    }
    if (tokens == 0 || tokens > 5 || longest < 2 || !upper_seen)
        return false;
    /* only a cell of a non-name's length and first letter can be one */
    pthread_once(&non_names_once, non_names_init);
    unsigned char f0 = (unsigned char)(s[0] | 0x20);
    if (n <= 12 && f0 >= 'a' && f0 <= 'z' && (non_name_first[n] >> (f0 - 'a') & 1))
        for (size_t i = 0; i < SGI_ARRAY_LEN(non_names); i++)
            if (non_names[i].n == n && same_ci(s, non_names[i].s, n))
                return false;
    return true;
}

/* ----------------------------------------------------------------- table */

#define SLOTS 2048 /* > 2 x SGI_TABLE_MAX_COLS: probes stay short */

void sgi_table_init(sgi_table *t, const sgi_mem *mem)
{
    memset(t, 0, sizeof(*t));
    t->mem = mem;
}

void sgi_table_free(sgi_table *t)
{
    sgi_free(t->mem, t->cols);
    sgi_free(t->mem, t->slot);
    sgi_free(t->mem, t->combo_key);
    sgi_free(t->mem, t->combo_count);
    sgi_free(t->mem, t->combo_row);
    const sgi_mem *mem = t->mem;
    const struct sg_engine *eng = t->eng;
    memset(t, 0, sizeof(*t));
    t->mem = mem;
    t->eng = eng;
}

static size_t hash_col(size_t col)
{
    return (col * 2654435761u) & (SLOTS - 1);
}

sgi_table_col *sgi_table_col_hashed(const sgi_table *t, size_t col)
{
    if (!t->slot)
        return NULL;
    for (size_t h = hash_col(col);; h = (h + 1) & (SLOTS - 1)) {
        int s = t->slot[h];
        if (s < 0)
            return NULL;
        if (t->cols[s].index == col)
            return &t->cols[s];
    }
}

sgi_table_col *sgi_table_col_new(sgi_table *t, size_t col)
{
    sgi_table_col *c;
    if (t->ncols >= SGI_TABLE_MAX_COLS)
        return NULL;
    if (!t->slot) {
        t->slot = sgi_malloc(t->mem, SLOTS * sizeof(int));
        if (!t->slot) {
            t->nomem = true;
            return NULL;
        }
        for (size_t i = 0; i < SLOTS; i++)
            t->slot[i] = -1;
    }
    if (!sgi_grow(t->mem, (void **)&t->cols, &t->capcols, t->ncols + 1, sizeof(sgi_table_col))) {
        t->nomem = true;
        return NULL;
    }
    size_t h = hash_col(col);
    while (t->slot[h] >= 0)
        h = (h + 1) & (SLOTS - 1);
    t->slot[h] = (int)t->ncols;
    c = &t->cols[t->ncols++];
    memset(c, 0, sizeof(*c));
    c->index = col;
    return c;
}

void sgi_table_set_header(sgi_table *t, size_t col, const char *header, size_t n)
{
    sgi_table_col *c = sgi_table_col_at(t, col);
    if (!c)
        return;
    c->header = header;
    c->header_len = n;
    c->header_kind = sgi_colkind_of_header(header, n);
}

/* Quasi-identifiers: what, with others, can single a person out. */
static bool quasi(sgi_colkind k)
{
    return k == SGI_COL_RANK || k == SGI_COL_UNIT || k == SGI_COL_GENDER || k == SGI_COL_AGE ||
           k == SGI_COL_TITLE || k == SGI_COL_POSTCODE || k == SGI_COL_DOB;
}

#define MAX_COMBOS (1u << 20)

/* Count the finished row's combination of quasi-identifiers. */
static void combo_add(sgi_table *t)
{
    if (!t->qi_any || t->combo_full)
        return;
    t->qi_any = false;
    uint64_t k = t->qi_hash ? t->qi_hash : 1;
    if ((t->ncombo + 1) * 2 > t->capcombo) {
        if (t->capcombo >= MAX_COMBOS) {
            t->combo_full = true; /* too many to count: no finding */
            return;
        }
        size_t nc = t->capcombo ? t->capcombo * 2 : 1024;
        uint64_t *nk = sgi_calloc(t->mem, nc, sizeof(uint64_t));
        uint32_t *nn = sgi_calloc(t->mem, nc, sizeof(uint32_t));
        unsigned long long *nr = sgi_calloc(t->mem, nc, sizeof(unsigned long long));
        if (!nk || !nn || !nr) {
            sgi_free(t->mem, nk);
            sgi_free(t->mem, nn);
            sgi_free(t->mem, nr);
            t->combo_full = true;
            return;
        }
        for (size_t i = 0; i < t->capcombo; i++) {
            if (!t->combo_key[i])
                continue;
            size_t j = (size_t)(t->combo_key[i] & (nc - 1));
            while (nk[j])
                j = (j + 1) & (nc - 1);
            nk[j] = t->combo_key[i];
            nn[j] = t->combo_count[i];
            nr[j] = t->combo_row[i];
        }
        sgi_free(t->mem, t->combo_key);
        sgi_free(t->mem, t->combo_count);
        sgi_free(t->mem, t->combo_row);
        t->combo_key = nk;
        t->combo_count = nn;
        t->combo_row = nr;
        t->capcombo = nc;
    }
    size_t j = (size_t)(k & (t->capcombo - 1));
    while (t->combo_key[j] && t->combo_key[j] != k)
        j = (j + 1) & (t->capcombo - 1);
    if (!t->combo_key[j]) {
        t->combo_key[j] = k;
        t->combo_row[j] = t->qi_row;
        t->ncombo++;
    }
    if (t->combo_count[j] < UINT32_MAX)
        t->combo_count[j]++;
}

/* A whole number of at most nine digits without leading zeros. */
static bool whole_number(const char *s, size_t n, unsigned long *v)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    if (n == 0 || n > 11 || (s[0] == '0' && n > 1))
        return false;
    unsigned long x = 0;
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            x = x * 10 + (unsigned long)(s[i] - '0');
            digits++;
        } else if (s[i] == ',' && i > 0 && n - i == 4 * ((n - i) / 4)) {
            continue; /* 1,234 */
        } else {
            return false;
        }
    }
    if (digits > 9)
        return false;
    *v = x;
    return true;
}

static bool other_number(const char *s, size_t n)
{
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (!(s[i] == '.' || s[i] == '%' || s[i] == '-' || s[i] == ' ' || s[i] == ',' ||
                   s[i] == '\xA3' || s[i] == '$'))
            return false;
    }
    return digits > 0;
}

/* Is the cell a name on the lists: "Jane Smith", "Smith", "J Smith"? */
static bool listed_name(const struct sgi_names *nm, const char *s, size_t n)
{
    if (!nm || n < 2 || n > 60)
        return false;
    size_t i = 0, words = 0, known = 0, plain = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == ',' || s[i] == '.'))
            i++;
        size_t a = i;
        while (i < n && s[i] != ' ' && s[i] != ',' && s[i] != '.')
            i++;
        if (i == a)
            break;
        words++;
        if (s[a] < 'A' || s[a] > 'Z')
            return false; /* a name is capitalised */
        int weak = 0;
        if (i - a >= 2 && sgi_names_known(nm, s + a, i - a, NULL, NULL, &weak) && weak < 2) {
            known++;
            plain += weak == 0; /* a name that is no everyday word */
        }
    }
    /* "Night", "Torch", "Early" are on the lists too: a name that is only a
     * word needs a plain name beside it */
    return words >= 1 && words <= 4 && known * 2 >= words && plain >= 1;
}

int sgi_table_cell(sgi_table *t, unsigned long long row, size_t col, const char *s, size_t n)
{
    int looks = -1;
    if (row != t->qi_row) {
        combo_add(t);
        t->qi_row = row;
        t->qi_hash = 0;
    }
    sgi_table_col *c = sgi_table_col_at(t, col);
    if (!c)
        return looks;
    bool blank = true;
    for (size_t i = 0; i < n && blank; i++)
        blank = s[i] == ' ' || s[i] == '\t' || s[i] == '\r';
    if (blank)
        return 0; /* no name */
    c->nonempty++;
    if (c->header_kind == SGI_COL_NAME || c->header_kind == SGI_COL_SURNAME ||
        c->header_kind == SGI_COL_FORENAME) {
        looks = sgi_looks_like_name(s, n);
        c->namelike += (unsigned)looks;
    }
    unsigned long v;
    /* a whole number starts with a digit or a space: most cells do not */
    bool may_whole = s[0] == ' ' || s[0] == '\t' || (s[0] >= '0' && s[0] <= '9');
    if (may_whole && whole_number(s, n, &v)) {
        unsigned small = t->eng ? (unsigned)t->eng->opt_small_count : 4;
        if (c->ints && v != c->last_int + 1)
            c->not_sequence = true;
        c->last_int = v;
        if (v > c->max_int)
            c->max_int = v;
        c->ints++;
        if (v >= 1900 && v <= 2100)
            c->years++;
        if (v >= 1 && v <= small) {
            c->smalls++;
            if (t->nsmall < SGI_ARRAY_LEN(t->small)) {
                t->small[t->nsmall].row = row;
                t->small[t->nsmall].col = col;
                t->small[t->nsmall].value = (unsigned)v;
                t->nsmall++;
            }
        }
    } else if (other_number(s, n)) {
        c->nums++;
    } else if (c->header_kind == SGI_COL_OTHER && c->nonempty <= 4096 &&
               listed_name(t->eng ? t->eng->names : NULL, s, n)) {
        c->namelex++; /* judged on its first cells */
    }
    if (quasi(c->header_kind)) {
        /* the row's combination: each column's value, lower case */
        uint64_t h = 1469598103934665603ULL ^ (uint64_t)col * 0x9E3779B97F4A7C15ULL;
        for (size_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)s[i];
            if (ch == ' ' || ch == '\t' || ch == '\r')
                continue;
            h ^= ch >= 'A' && ch <= 'Z' ? ch + 32u : ch;
            h *= 1099511628211ULL;
        }
        t->qi_hash ^= h;
        t->qi_any = true;
    }
    return looks;
}

void sgi_table_hit(sgi_table *t, size_t col, int rule, unsigned long long row)
{
    sgi_table_col *c = sgi_table_col_find(t, col);
    if (!c || rule < 0 || rule >= SGI_RULE_COUNT)
        return;
    if (c->last_row[rule] == row) /* count cells, not matches */
        return;
    c->last_row[rule] = row;
    c->hits[rule]++;
}

sgi_colkind sgi_table_col_kind(const sgi_table_col *c)
{
    if (c->header_kind != SGI_COL_OTHER)
        return c->header_kind;
    /* most of its values are names on the lists: a name column */
    if (c->namelex >= 5 && c->namelex * 2 >= SGI_MIN(c->nonempty, (unsigned long long)4096))
        return SGI_COL_NAME;
    int best = -1;
    unsigned long long bh = 0;
    for (int r = 0; r < SGI_RULE_COUNT; r++) {
        if (r == SGI_R_PERSON_NAME)
            continue;
        if (c->hits[r] > bh) {
            bh = c->hits[r];
            best = r;
        }
    }
    if (best >= 0 && c->nonempty && bh * 2 >= c->nonempty)
        return sgi_colkind_of_rule(best);
    return SGI_COL_OTHER;
}

/* Does column c identify people? Name headers need name-like values. */
static bool col_identifies(const sgi_table_col *c, unsigned long long rows)
{
    sgi_colkind k = sgi_table_col_kind(c);
    if (!sgi_colkind_identifies(k) || c->nonempty == 0 || c->nonempty * 4 < rows)
        return false;
    if ((k == SGI_COL_NAME || k == SGI_COL_SURNAME || k == SGI_COL_FORENAME) &&
        c->header_kind != SGI_COL_OTHER)
        return c->namelike * 2 >= c->nonempty;
    return true;
}

static const char *col_name(sgi_arena *ar, const sgi_table_col *c)
{
    if (c->header)
        return c->header;
    char letter[16];
    sgi_column_letter((long long)c->index + 1, letter);
    return sgi_arena_strndup(ar, letter, strlen(letter));
}

/* A column of counts: whole numbers (not years, not amounts), under a
 * header that names no personal data. */
static bool count_col(const sgi_table_col *c)
{
    return c->header_kind == SGI_COL_OTHER && c->header && c->ints >= 2 && c->not_sequence &&
           c->nums * 5 <= c->ints && c->years * 2 < c->ints && c->ints * 10 >= c->nonempty * 9;
}

/* An aggregate table (labels and counts) with small counts in it. */
static void small_counts(sgi_table *t, sgi_ctx *ctx, sg_location *loc, unsigned flags,
                         const char *reason)
{
    const sg_engine *eng = ctx->eng;
    if (!eng->opt_small_count || t->nsmall == 0 || t->data_rows < 3)
        return;
    /* labels and counts under headers, and counts that are not all small:
     * a table of statistics, not a list of tiny numbers */
    size_t counts = 0, labels = 0;
    unsigned long long smalls = 0, largest = 0;
    for (size_t i = 0; i < t->ncols; i++) {
        const sgi_table_col *c = &t->cols[i];
        if (count_col(c)) {
            counts++;
            smalls += c->smalls;
            largest = SGI_MAX(largest, c->max_int);
        } else if (c->nonempty * 2 >= t->data_rows && (c->ints + c->nums) * 2 < c->nonempty) {
            labels++;
        }
    }
    if (!counts || !labels || !smalls || largest < 10)
        return;
    sgi_arena *ar = &ctx->res->arena;
    char list[400] = "";
    size_t shown = 0;
    for (size_t i = 0; i < t->nsmall && strlen(list) < sizeof(list) - 40; i++) {
        const sgi_table_col *c = sgi_table_col_find(t, t->small[i].col);
        if (!c || !count_col(c))
            continue;
        char letter[16];
        sgi_column_letter((long long)t->small[i].col + 1, letter);
        size_t l = strlen(list);
        snprintf(list + l, sizeof(list) - l, "%s%s%llu=%u", shown ? ", " : "", letter,
                 t->small[i].row, t->small[i].value);
        shown++;
    }
    char *desc = sgi_arena_printf(ar, "%llu cell%s with counts from 1 to %llu: %s%s", smalls,
                                  smalls == 1 ? "" : "s", eng->opt_small_count, list,
                                  smalls > shown ? ", ..." : "");
    if (!desc)
        return;
    sg_finding *f = sgi_emit(ctx, SGI_R_DATASET_SMALL_COUNTS, flags, reason, desc, strlen(desc),
                             desc, loc);
    if (f) {
        f->rows = (long long)t->data_rows;
        f->message = sgi_arena_printf(ar, "an aggregate table with %llu small count%s (1 to "
                                          "%llu), which can identify people",
                                      smalls, smalls == 1 ? "" : "s", eng->opt_small_count);
    }
}

/* A row-level table whose quasi-identifiers single people out. */
static void reidentifiable(sgi_table *t, sgi_ctx *ctx, sg_location *loc, unsigned flags,
                           const char *reason)
{
    const sg_engine *eng = ctx->eng;
    if (!eng->opt_min_k || t->combo_full || t->ncombo == 0 ||
        t->data_rows < eng->opt_table_min_rows)
        return;
    size_t nq = 0;
    for (size_t i = 0; i < t->ncols; i++)
        nq += quasi(t->cols[i].header_kind) && t->cols[i].nonempty * 2 >= t->data_rows;
    if (nq < 2)
        return;
    uint32_t k = UINT32_MAX;
    unsigned long long at_k = 0, example = 0;
    for (size_t i = 0; i < t->capcombo; i++) {
        if (!t->combo_key[i])
            continue;
        if (t->combo_count[i] < k) {
            k = t->combo_count[i];
            at_k = 0;
            example = t->combo_row[i];
        }
        if (t->combo_count[i] == k)
            at_k += t->combo_count[i];
    }
    if (k >= eng->opt_min_k)
        return;
    sgi_arena *ar = &ctx->res->arena;
    const char **cols = sgi_arena_alloc(ar, nq * sizeof(char *));
    const char **kinds = sgi_arena_alloc(ar, nq * sizeof(char *));
    if (!cols || !kinds)
        return;
    char names[300] = "";
    size_t q = 0;
    for (size_t i = 0; i < t->ncols && q < nq; i++) {
        const sgi_table_col *c = &t->cols[i];
        if (!(quasi(c->header_kind) && c->nonempty * 2 >= t->data_rows))
            continue;
        cols[q] = col_name(ar, c);
        kinds[q] = sgi_colkind_name(c->header_kind);
        size_t l = strlen(names);
        snprintf(names + l, sizeof(names) - l, "%s%s", q ? ", " : "", cols[q] ? cols[q] : "?");
        q++;
    }
    char *desc = sgi_arena_printf(ar, "k = %u: %llu of %llu rows in groups of %u on %s (row "
                                      "%llu, for one)",
                                  k, at_k, t->data_rows, k, names, example);
    if (!desc)
        return;
    sg_finding *f = sgi_emit(ctx, SGI_R_DATASET_REIDENTIFIABLE, flags, reason, desc,
                             strlen(desc), desc, loc);
    if (f) {
        f->rows = (long long)t->data_rows;
        f->ncolumns = q;
        f->columns = cols;
        f->column_kinds = kinds;
        f->message = sgi_arena_printf(ar, "no names, but %s single people out: the smallest "
                                          "group is %u (threshold %llu)",
                                      names, k, eng->opt_min_k);
    }
}

bool sgi_table_finish(sgi_table *t, sgi_ctx *ctx, sg_location *loc, unsigned flags,
                      const char *reason)
{
    const sg_engine *eng = ctx->eng;
    sgi_result *res = ctx->res;
    unsigned long long rows = t->data_rows;
    if (t->ncols < 2)
        return false;
    if (rows < eng->opt_table_min_rows) {
        small_counts(t, ctx, loc, flags, reason); /* aggregate tables are short */
        return false;
    }
    size_t ident = 0, attrs = 0;
    for (size_t i = 0; i < t->ncols; i++) {
        const sgi_table_col *c = &t->cols[i];
        if (col_identifies(c, rows))
            ident++;
        else if (c->nonempty * 10 >= rows)
            attrs++;
    }
    if (ident == 0 || ident + attrs < 2) {
        combo_add(t);
        small_counts(t, ctx, loc, flags, reason);
        reidentifiable(t, ctx, loc, flags, reason);
        return false;
    }

    /* the finding: rows, the header texts and what each column holds, in
     * the sheet's order (insertion sort: tables are narrow) */
    for (size_t i = 1; i < t->ncols; i++) {
        sgi_table_col tmp = t->cols[i];
        size_t j = i;
        while (j > 0 && t->cols[j - 1].index > tmp.index) {
            t->cols[j] = t->cols[j - 1];
            j--;
        }
        t->cols[j] = tmp;
    }
    for (size_t i = 0; i < SLOTS && t->slot; i++)
        t->slot[i] = -1; /* positions moved: no lookups after this */
    sgi_arena *ar = &res->arena;
    const char **cols = sgi_arena_alloc(ar, t->ncols * sizeof(char *));
    const char **kinds = sgi_arena_alloc(ar, t->ncols * sizeof(char *));
    char *desc = sgi_arena_printf(ar, "%llu rows x %zu columns", rows, t->ncols);
    if (!cols || !kinds || !desc) {
        res->nomem = true;
        return false;
    }
    for (size_t i = 0; i < t->ncols; i++) {
        const sgi_table_col *c = &t->cols[i];
        if (c->header) {
            cols[i] = c->header;
        } else {
            char letter[16];
            sgi_column_letter((long long)c->index + 1, letter);
            cols[i] = sgi_arena_strndup(ar, letter, strlen(letter));
            if (!cols[i]) {
                res->nomem = true;
                return false;
            }
        }
        kinds[i] = sgi_colkind_name(sgi_table_col_kind(c));
    }
    sg_finding *f =
        sgi_emit(ctx, SGI_R_DATASET_PERSONAL, flags, reason, desc, strlen(desc), NULL, loc);
    if (!f)
        return true;
    f->rows = (long long)rows;
    f->ncolumns = t->ncols;
    f->columns = cols;
    f->column_kinds = kinds;
    f->message = sgi_arena_printf(ar, "a table of %llu people with %zu columns: the rows describe "
                                      "people (%zu identifying column%s)",
                                  rows, t->ncols, ident, ident == 1 ? "" : "s");
    return true;
}

/* ------------------------------------------------------ special category */

/* Words about what UK GDPR articles 9 and 10 protect (health, ethnicity,
 * religion, sex life, biometrics; offences), sorted for bsearch. Personal
 * data next to them is special-category data. */
static const char *const special_words[] = {
    "abuse", "accused", "arrest", "arrested", "assault", "atheist", "biometric", "bisexual",
    "buddhist", "cancer", "catholic", "cautioned", "charged", "christian", "convicted",
    "conviction", "convictions", "criminal", "custody", "defendant", "diagnosed", "diagnosis",
    "disabilities", "disability", "disabled", "dna", "domestic", "ethnic", "ethnicity",
    "fingerprint", "fingerprints", "gay", "genetic", "hindu", "hiv", "homosexual", "illness",
    "imprisoned", "jewish", "lesbian", "medical", "medication", "mental", "muslim", "offence",
    "offences", "offender", "offending", "offense", "orientation", "pregnancy", "pregnant",
    "prison", "protestant", "psychiatric", "race", "racial", "rape", "religion", "religious",
    "sentenced", "sexual", "sexuality", "sikh", "suspect", "suspects", "transgender", "victim",
    "victims",
};

static int cmp_word(const void *a, const void *b)
{
    return strcmp((const char *)a, *(const char *const *)b);
}

/* bit n of [c]: a special word of n letters starts with c ('a'..'z') */
static uint32_t special_len[26];
static pthread_once_t special_once = PTHREAD_ONCE_INIT;

static uint32_t special_second[26]; /* bit b: a word starts with this letter and 'a' + b */

static void special_init(void)
{
    for (size_t i = 0; i < SGI_ARRAY_LEN(special_words); i++) {
        const char *w = special_words[i];
        special_len[w[0] - 'a'] |= 1u << strlen(w);
        if (w[1] >= 'a' && w[1] <= 'z')
            special_second[w[0] - 'a'] |= 1u << (w[1] - 'a');
    }
}

bool sgi_special_words(const char *s, size_t n)
{
    pthread_once(&special_once, special_init);
    char w[24];
    size_t i = 0;
    while (i < n) {
        while (i < n && !((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
            i++;
        size_t a = i;
        while (i < n && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
            i++;
        size_t len = i - a;
        if (len < 3 || len >= sizeof(w) ||
            !(special_len[(s[a] | 0x20) - 'a'] >> len & 1) ||
            !(special_second[(s[a] | 0x20) - 'a'] >> ((s[a + 1] | 0x20) - 'a') & 1))
            continue;
        for (size_t k = 0; k < len; k++)
            w[k] = (char)(s[a + k] | 0x20);
        w[len] = '\0';
        if (bsearch(w, special_words, SGI_ARRAY_LEN(special_words), sizeof(special_words[0]),
                    cmp_word))
            return true;
    }
    return false;
}

bool sgi_table_special(const sgi_table *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (t->cols[i].header_kind == SGI_COL_SPECIAL)
            return true;
    return false;
}

bool sgi_table_col_names(const sgi_table_col *c)
{
    sgi_colkind k = c->header_kind;
    if (k == SGI_COL_NAME || k == SGI_COL_SURNAME || k == SGI_COL_FORENAME)
        return true;
    return k == SGI_COL_OTHER && c->namelex >= 5 &&
           c->namelex * 2 >= SGI_MIN(c->nonempty, (unsigned long long)4096);
}

bool sgi_cell_is_name(const sg_engine *eng, const char *s, size_t n, int looks)
{
    if (looks < 0)
        looks = sgi_looks_like_name(s, n);
    if (!looks)
        return false;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    /* a single word: a name on the lists, or no English word */
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ' || s[i] == ',' || s[i] == '.')
            return true;
    if (!eng || !eng->names)
        return true;
    if (sgi_names_known(eng->names, s, n, NULL, NULL, NULL))
        return true; /* under a name header even "Hall" and "Wood" are names */
    return !sgi_names_is_word(eng->names, s, n);
}
