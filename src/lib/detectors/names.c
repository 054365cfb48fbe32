/*
 * names.c - people's names in running text (pii.person_name), on the name
 * lists of data/names/ (ONS first names, US Census surnames, and the names
 * that are also English words), compiled into the library.
 *
 * A capital letter is not a name. A name is found by one of:
 *
 *   title + name        Mr Smith, DS Ann Lee, Detective Sergeant J. Smith
 *                       (after a rank written in full, only a name on the
 *                       lists that is not also a word: "Officer Safety",
 *                       "Special Constable Staff" are not people)
 *   context + name      victim Jane Doe, witness: Mark Evans
 *   initials + surname  J. Smith, J A Smith, J.A. Smith
 *   first + last        Jane Smith, Mary Jane Smith, John A. Smith
 *   SURNAME, First      SMITH, John
 *
 * and first + last needs more: both on the lists; not both everyday
 * words ("Will Young", "Rose Lane"); a word that is often capitalised
 * for other reasons (level 2 in common_words.txt: May, Hope, Hall) only
 * beside a name that is not one; not a place ("Victoria Road", "St
 * Helens", "North Walsham": a street word after, a place word before).
 *
 * The lists are read once per engine into an open-addressing table keyed
 * by the ASCII-lower-cased name; the text is walked word by word with a
 * window of a few words.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"
#include "names_table.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <strings.h>

extern const unsigned char sgi_names_blob_start[];
extern const uint64_t sgi_names_blob_size;

#define F_FIRST SGI_NAME_FIRST
#define F_LAST SGI_NAME_LAST
#define F_TITLE 4u    /* a title or rank (as written: capitalised) */
#define F_LONG 8u     /* a rank written in full */
#define F_CONTEXT 16u /* a word after which names are people's */
#define F_PLACE 32u   /* a place's last word */
#define F_PREFIX 64u  /* a word that starts places */

/* a title, context or place word */
typedef struct name_entry {
    const char *s; /* as listed below */
    uint32_t len;
    uint8_t flags; /* F_TITLE ... F_PREFIX */
} name_entry;

struct sgi_names {
    /* the name lists, compiled by make (names_table.h), used in place */
    const sgi_name_rec *v; /* mask + 1 slots, len 0 empty */
    size_t mask;
    const char *pool;
    /* titles, context and place words: small, looked up for every word */
    name_entry fw[512];
    size_t nfw;
    uint16_t fslot[1024];
    /* the English word list: 1 + offsets of its words in pool */
    const uint32_t *words;
    size_t wmask;
    uint32_t fw_len[32]; /* bit n: a function word of n letters starts with this letter */
    uint32_t cx_len[32]; /* the same for context words (looked for in lower case) */
    uint32_t fw_second[32]; /* bit of the second letter, by the first: a function word */
    uint32_t cx_end[32];    /* bit of the letter before the last, by the last: a context word */
};

static bool eq_ci(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (sgi_names_low((unsigned char)a[i]) != sgi_names_low((unsigned char)b[i]))
            return false;
    return true;
}

/* Titles and ranks, as written (case matters: "PC" not "pc"). */
static const char *const titles[] = {
    "Mr",    "Mrs",   "Ms",      "Miss",     "Mx",        "Dr",          "Prof",     "Sir",
    "Dame",  "Lady",  "Lord",    "Rev",      "Revd",      "Cllr",        "PC",       "DC",
    "DS",    "DI",    "DCI",     "DSI",      "DSU",       "PS",          "WPC",      "PCSO",
    "Sgt",   "Insp",  "Supt",    "Ch",       "Det",       "Con",         "Cst",      "Officer",
    "Constable", "Sergeant", "Inspector", "Superintendent", "Detective", "Chief",
    "Acting", "Temporary", "Special", "Assistant", "Deputy", "Commander",
    "Commissioner", "Captain", "Capt", "Lt", "Col", "Cpl", "Pte", "Nurse", "Councillor",
    "MR", "MRS", "MS", "MISS", "DR", "SGT", "INSP", "SUPT", "OFFICER", "CONSTABLE",
    "SERGEANT", "INSPECTOR", NULL};

/* Ranks written in full: what follows them must be on the name lists
 * ("Inspector General", "Chief Executive" are not people). */
static const char *const long_titles[] = {
    "Officer", "Constable", "Sergeant", "Inspector", "Superintendent", "Detective", "Chief",
    "Acting", "Temporary", "Special", "Assistant", "Deputy", "Commander",
    "Commissioner", "Captain", "Nurse", "Councillor", "Lady", "Lord", "OFFICER",
    "CONSTABLE", "SERGEANT", "INSPECTOR", NULL};

/* Words after which the next names are a person's. */
static const char *const context_words[] = {
    "victim",    "witness",   "suspect",  "complainant", "informant", "offender",
    "defendant", "deceased",  "claimant", "casualty",    "accused",   "detainee",
    "prisoner",  "applicant", "requester", "requestor",  "tenant",    "patient",
    "pupil",     "driver",    "passenger", "caller",     "named",     "called",
    "nee",       "aka",       "alias",    NULL};

/* A place's last word, and words that start places. */
static const char *const place_after[] = {
    "road",   "street",  "avenue",  "lane",   "close",   "drive",  "crescent", "terrace",
    "gardens", "square", "place",   "grove",  "park",    "way",    "court",    "station",
    "bridge", "hospital", "school", "college", "university", "centre", "center", "church",
    "cathedral", "abbey", "castle", "hall",   "house",   "estate", "green",    "hill",
    "common", "heath",  "wood",    "woods",  "field",   "fields", "farm",     "mill",
    "row",    "walk",   "view",    "rise",   "mews",    "parade", "wharf",    "quay",
    "airport", "barracks", "prison", "court", "building", "buildings", "tower", "towers",
    "primary", "academy", "museum", "library", "theatre", "stadium", "bay", "island",
    "valley", "forest", "moor", "marsh", "brook", "beach", "harbour", "dock", "docks",
    "glade", "brow", "ridge", "side", "end", "wynd", "heights", "meadow", "meadows", "vale",
    "crest", "croft", "fold", "garth", "grange", "holt", "lea", "nook", "orchard", "paddock",
    "point", "villas", "yard", "loke", "copse", "dell", "dene", "hollow", "circus", "hills",
    "downs", "haven", "hurst", "park", "gate", "gardens", "lodge", "manor", "cottages",
    "ltd", "limited", "plc", "llp", "trust", "council", "police", "constabulary",
    "service", "services", "foundation", "group", "partnership", "associates", NULL};

static const char *const place_before[] = {
    "st",    "saint", "port",  "fort",  "mount", "upper", "lower", "north", "south",
    "east",  "west",  "new",   "great", "little", "old",  "lake",  "cape",  "glen",
    "river", "king",  "queen", "prince", "princess", "hms", NULL};

/* A name with accented Latin letters as the lists spell it, in ASCII
 * ("Siobhán" -> "Siobhan", "Seán" -> "Sean", "O’Neill" -> "O'Neill");
 * 0 if it has a character that does not fold. */
static size_t fold(const char *s, size_t n, char *out)
{
    /* U+00C0..U+00FF: the base letter, or 0 */
    static const char l1[65] = "AAAAAA\0CEEEEIIIIDNOOOOO\0OUUUUY\0\0aaaaaa\0ceeeeiiiidnooooo\0ouuuuy\0y";
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            out[o++] = (char)c;
        } else if (c == 0xC3 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
                   (unsigned char)s[i + 1] <= 0xBF && l1[(unsigned char)s[i + 1] - 0x80]) {
            out[o++] = l1[(unsigned char)s[i + 1] - 0x80];
            i++;
        } else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   (unsigned char)s[i + 2] == 0x99) {
            out[o++] = '\'';
            i += 2;
        } else {
            return 0;
        }
    }
    return o;
}

static const sgi_name_rec *lookup(const struct sgi_names *t, const char *s, size_t n)
{
    if (!t || !t->v || n == 0 || n > 64)
        return NULL;
    /* the hash, and whether the name has bytes to fold, in one pass */
    unsigned high;
    uint64_t h = sgi_names_hash_bits(s, n, &high);
    char folded[64];
    if ((high & 0x80) && (memchr(s, 0xC3, n) || memchr(s, 0xE2, n))) {
        n = fold(s, n, folded);
        if (!n)
            return NULL;
        s = folded;
        h = sgi_names_hash(s, n);
    }
    size_t j = (size_t)h & t->mask;
    for (const sgi_name_rec *e = &t->v[j]; e->len; e = &t->v[j]) {
        if (e->len == n && eq_ci(t->pool + e->s, s, n))
            return e;
        j = (j + 1) & t->mask;
    }
    return NULL;
}

static name_entry *fw_lookup(const struct sgi_names *t, const char *s, size_t n)
{
    size_t j = (size_t)sgi_names_hash(s, n) & 1023;
    while (t->fslot[j]) {
        const name_entry *e = &t->fw[t->fslot[j] - 1];
        if (e->len == n && eq_ci(e->s, s, n))
            return (name_entry *)e;
        j = (j + 1) & 1023;
    }
    return NULL;
}

/* The compiled lists, if the blob make embedded is whole. */
static bool map_lists(struct sgi_names *t)
{
    const unsigned char *b = sgi_names_blob_start;
    size_t size = (size_t)sgi_names_blob_size;
    sgi_names_blob h;
    if (size < sizeof(h))
        return false;
    memcpy(&h, b, sizeof(h));
    if (h.magic != SGI_NAMES_MAGIC || h.size > size || (h.recs | h.wslots) & 3 ||
        h.n > h.mask || h.recs + ((uint64_t)h.mask + 1) * sizeof(sgi_name_rec) > h.size ||
        h.wslots + ((uint64_t)h.wmask + 1) * 4 > h.size || h.pool + (uint64_t)h.pool_len > h.size)
        return false;
    t->v = (const sgi_name_rec *)(const void *)(b + h.recs);
    t->mask = h.mask;
    t->words = (const uint32_t *)(const void *)(b + h.wslots);
    t->wmask = h.wmask;
    t->pool = (const char *)b + h.pool;
    return true;
}

sg_status sgi_names_build(const sgi_mem *mem, struct sgi_names **out)
{
    *out = NULL;
    struct sgi_names *t = sgi_calloc(mem, 1, sizeof(*t));
    if (!t)
        return SG_E_NOMEM;
    if (!map_lists(t)) {
        sgi_free(mem, t);
        return SG_E_ENGINE; /* make embedded a damaged table */
    }
    static const struct {
        const char *const *list;
        unsigned flag;
    } words[] = {{titles, F_TITLE}, {long_titles, F_LONG}, {context_words, F_CONTEXT},
                 {place_after, F_PLACE}, {place_before, F_PREFIX}};
    for (size_t w = 0; w < SGI_ARRAY_LEN(words); w++) {
        for (size_t i = 0; words[w].list[i]; i++) {
            const char *x = words[w].list[i];
            size_t n = strlen(x);
            name_entry *e = fw_lookup(t, x, n);
            if (!e && t->nfw < SGI_ARRAY_LEN(t->fw)) {
                e = &t->fw[t->nfw++];
                e->s = x;
                e->len = (uint32_t)n;
                size_t j = (size_t)sgi_names_hash(x, n) & 1023;
                while (t->fslot[j])
                    j = (j + 1) & 1023;
                t->fslot[j] = (uint16_t)t->nfw;
            }
            if (e)
                e->flags |= (uint8_t)words[w].flag;
            unsigned c0 = sgi_names_low((unsigned char)x[0]) & 31;
            if (n < 32)
                t->fw_len[c0] |= 1u << n;
            if (n >= 2)
                t->fw_second[c0] |= 1u << (sgi_names_low((unsigned char)x[1]) & 31);
            if (n < 32 && n >= 2 && words[w].flag == F_CONTEXT) {
                t->cx_len[c0] |= 1u << n;
                t->cx_end[sgi_names_low((unsigned char)x[n - 1]) & 31] |=
                    1u << (sgi_names_low((unsigned char)x[n - 2]) & 31);
            }
        }
    }
    *out = t;
    return SG_OK;
}

void sgi_names_free(const sgi_mem *mem, struct sgi_names *t)
{
    sgi_free(mem, t);
}

/* Is s (any case) a word of the English word list? */
static bool english_word(const struct sgi_names *t, const char *s, size_t n)
{
    if (!t->words || n == 0 || n > 40)
        return false;
    size_t j = (size_t)sgi_names_hash(s, n) & t->wmask;
    while (t->words[j]) {
        const unsigned char *w = (const unsigned char *)t->pool + t->words[j] - 1;
        if (w[0] == n && eq_ci((const char *)w + 1, s, n))
            return true;
        j = (j + 1) & t->wmask;
    }
    return false;
}

bool sgi_names_is_word(const struct sgi_names *t, const char *s, size_t n)
{
    return t && english_word(t, s, n);
}

bool sgi_names_known(const struct sgi_names *t, const char *s, size_t n, bool *first,
                     bool *last, int *weak)
{
    const sgi_name_rec *e = lookup(t, s, n);
    if (!e)
        return false;
    if (first)
        *first = (e->flags & F_FIRST) != 0;
    if (last)
        *last = (e->flags & F_LAST) != 0;
    if (weak)
        *weak = e->weak;
    return true;
}

/* ------------------------------------------------------------- words */

enum { SH_LOWER, SH_TITLE, SH_UPPER, SH_INITIAL };

typedef struct tok {
    size_t s, e;
    unsigned char shape;
    bool dot;    /* a '.' right after */
    bool comma;  /* a ',' right after (then spaces) */
    bool joined; /* only spaces (or a dot) between it and the next word */
    bool digits; /* touches a digit: part of a code */
    size_t next_at;     /* where the next word starts, if joined */
    bool fw_looked;        /* fw and fwe set (only when a pattern asks) */
    unsigned char fw;      /* title, context, place flags */
    const name_entry *fwe; /* its entry there */
    bool looked;           /* ne looked up (names: only when a pattern asks) */
    const sgi_name_rec *ne;
} tok;

typedef struct walker {
    const char *b;
    size_t lo, hi;
    const struct sgi_names *nm;
    tok buf[16];
    tok *w;   /* buf + head: the window, n words */
    size_t n;
    tok prev; /* the word before w[0] */
    bool have_prev;
    size_t pos;
} walker;

static bool capital(const tok *t)
{
    return t->shape == SH_TITLE || t->shape == SH_UPPER;
}

/* The word's entry on the name lists (capitalised words only). */
static const sgi_name_rec *ent(const walker *k, tok *t)
{
    if (!t->looked) {
        t->looked = true;
        size_t n = t->e - t->s;
        t->ne = capital(t) && n >= 2 && n <= 40 ? lookup(k->nm, k->b + t->s, n) : NULL;
    }
    return t->ne;
}

/* The word's flags as a title, context, place or function word: looked up
 * when a pattern first asks (in a table most words are alone in their cell
 * and no pattern does). */
static unsigned fw_of(const walker *k, tok *t)
{
    if (!t->fw_looked) {
        t->fw_looked = true;
        const unsigned char *b = (const unsigned char *)k->b + t->s;
        size_t n = t->e - t->s;
        if (n >= 2 && n <= 16 && (k->nm->fw_len[sgi_names_low(b[0]) & 31] >> n & 1) &&
            (k->nm->fw_second[sgi_names_low(b[0]) & 31] >> (sgi_names_low(b[1]) & 31) & 1))
            t->fwe = fw_lookup(k->nm, (const char *)b, n);
        t->fw = t->fwe ? t->fwe->flags : 0;
    }
    return t->fw;
}

static bool has_fw(const walker *k, tok *t, unsigned f)
{
    return (fw_of(k, t) & f) != 0;
}

static bool has_name(const walker *k, tok *t, unsigned f)
{
    const sgi_name_rec *e = ent(k, t);
    return e && (e->flags & f);
}

/* A title as written: capitalised, and in capitals only if so listed. */
static bool title(const walker *k, tok *t)
{
    if (t->shape == SH_LOWER || t->digits || !has_fw(k, t, F_TITLE))
        return false;
    return t->shape == SH_UPPER || memcmp(k->b + t->s, t->fwe->s, t->e - t->s) == 0;
}

static bool first_name(const walker *k, tok *t)
{
    return capital(t) && !t->digits && has_name(k, t, F_FIRST);
}

/* A surname: on the list, or shaped like one (Mc/Mac/O' + capital, a
 * double-barrelled name whose parts are names). */
static bool surname(const walker *k, tok *t)
{
    if (!capital(t) || t->digits)
        return false;
    if (has_name(k, t, F_LAST))
        return true;
    const char *s = k->b + t->s;
    size_t n = t->e - t->s;
    if (n >= 4 && s[0] == 'M' && s[1] == 'c' && s[2] >= 'A' && s[2] <= 'Z')
        return true;
    if (n >= 5 && memcmp(s, "Mac", 3) == 0 && s[3] >= 'A' && s[3] <= 'Z')
        return true;
    if (n >= 4 && s[0] == 'O' && s[1] == '\'' && s[2] >= 'A' && s[2] <= 'Z')
        return true;
    if (n >= 6 && s[0] == 'O' && memcmp(s + 1, "\xE2\x80\x99", 3) == 0 && s[4] >= 'A' &&
        s[4] <= 'Z')
        return true; /* O’Neill, with a typographic apostrophe */
    const char *h = memchr(s, '-', n);
    if (h && h > s && h < s + n - 1) {
        size_t a = (size_t)(h - s);
        return lookup(k->nm, s, a) && lookup(k->nm, h + 1, n - a - 1);
    }
    return false;
}

/* How much a word is a word rather than a name: a dictionary word that is
 * also a very common name ("John", "Smith") counts as a name. */
static int weak(const walker *k, tok *t)
{
    const sgi_name_rec *e = ent(k, t);
    if (!e)
        return 0;
    if (e->weak == 1 && (e->births >= 20000 || e->per100k >= 100))
        return 0;
    return e->weak;
}

/* A capitalised word that can be part of a name after a title. */
static bool name_word(const walker *k, tok *t)
{
    if (!capital(t) || t->digits)
        return false;
    if (has_name(k, t, F_FIRST | F_LAST))
        return true;
    if (fw_of(k, t))
        return false;
    return surname(k, t) || t->shape == SH_TITLE;
}

/* Byte classes: 1 a letter (UTF-8 bytes count as letters), 2 a joiner
 * inside a word (' and -). */
static const unsigned char cls[256] = {
    ['\''] = 2, ['-'] = 2,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
    ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1,
    ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
#define U8(x) [x] = 1, [x + 1] = 1, [x + 2] = 1, [x + 3] = 1, [x + 4] = 1, [x + 5] = 1, \
                  [x + 6] = 1, [x + 7] = 1
    U8(0x80), U8(0x88), U8(0x90), U8(0x98), U8(0xA0), U8(0xA8), U8(0xB0), U8(0xB8),
    U8(0xC0), U8(0xC8), U8(0xD0), U8(0xD8), U8(0xE0), U8(0xE8), U8(0xF0), U8(0xF8),
#undef U8
};

/* A capitalised word on no list and in no dictionary: a name the lists
 * lack ("Kassulke"), when something else says a name is there. */
static bool unknown_name(const walker *k, tok *t)
{
    size_t n = t->e - t->s;
    return t->shape == SH_TITLE && !t->digits && !fw_of(k, t) && n >= 3 &&
           !has_name(k, t, F_FIRST | F_LAST) && !english_word(k->nm, k->b + t->s, n);
}

/* A word that is plainly part of a name: on the lists and no everyday
 * word, or no word at all. */
static bool strong_name(const walker *k, tok *t)
{
    return (has_name(k, t, F_FIRST | F_LAST) && weak(k, t) == 0) || unknown_name(k, t);
}

/* The next upper-case ASCII letter from i (SSE2: sixteen bytes a step). */
static size_t next_upper(const unsigned char *b, size_t i, size_t hi)
{
#ifdef __SSE2__
    /* x in 'A'..'Z' iff x + (0x80 - 'A'), signed, is below 0x80 + 26 */
    const __m128i off = _mm_set1_epi8((char)(0x80 - 'A'));
    const __m128i lim = _mm_set1_epi8((char)(0x80 + 26));
    while (i + 16 <= hi) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        int mask = _mm_movemask_epi8(_mm_cmplt_epi8(_mm_add_epi8(v, off), lim));
        if (mask)
            return i + (size_t)__builtin_ctz((unsigned)mask);
        i += 16;
    }
#endif
    while (i < hi && !(b[i] >= 'A' && b[i] <= 'Z'))
        i++;
    return i;
}

/* The end of the letters (class 1) from i; *lower set if a small ASCII
 * letter is among them. Sixteen bytes a step with SSE2: the loop a byte at
 * a time mispredicted at every word's end. */
static size_t letters_end(const unsigned char *b, size_t i, size_t hi, bool *lower)
{
#ifdef __SSE2__
    const __m128i off_a = _mm_set1_epi8((char)(0x80 - 'a'));
    const __m128i lim = _mm_set1_epi8((char)(0x80 + 26));
    const __m128i case_bit = _mm_set1_epi8(0x20);
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= hi) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        __m128i small = _mm_cmplt_epi8(_mm_add_epi8(v, off_a), lim);
        __m128i alpha = _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(v, case_bit), off_a), lim);
        __m128i high = _mm_cmplt_epi8(v, zero); /* UTF-8 bytes */
        unsigned letter = (unsigned)_mm_movemask_epi8(_mm_or_si128(alpha, high));
        unsigned sm = (unsigned)_mm_movemask_epi8(small);
        unsigned stop = ~letter & 0xFFFFu;
        if (stop) {
            unsigned run = (unsigned)__builtin_ctz(stop);
            *lower |= (sm & ((1u << run) - 1u)) != 0;
            return i + run;
        }
        *lower |= sm != 0;
        i += 16;
    }
#endif
    while (i < hi && cls[b[i]] == 1) {
        *lower |= b[i] >= 'a' && b[i] <= 'z';
        i++;
    }
    return i;
}

/* The word that ends before s (after at most four spaces or : - , .), if
 * it is a context word ("victim", "witness"). */
static bool context_before(const walker *k, size_t s)
{
    const char *b = k->b;
    size_t i = s, gap = 0;
    while (i > k->lo && gap < 4 &&
           (b[i - 1] == ' ' || b[i - 1] == ':' || b[i - 1] == '-' || b[i - 1] == ',' ||
            b[i - 1] == '.'))
        i--, gap++;
    size_t e = i;
    if (e < k->lo + 2 || !(k->nm->cx_end[sgi_names_low((unsigned char)b[e - 1]) & 31] >>
                               (sgi_names_low((unsigned char)b[e - 2]) & 31) & 1))
        return false; /* no context word ends so */
    while (i > k->lo && cls[(unsigned char)b[i - 1]] == 1 && e - i < 16)
        i--;
    size_t n = e - i;
    if (n < 3 || e == s || (i > k->lo && cls[(unsigned char)b[i - 1]] == 1))
        return false;
    const name_entry *f = (k->nm->cx_len[sgi_names_low((unsigned char)b[i]) & 31] >> n & 1)
                              ? fw_lookup(k->nm, b + i, n)
                              : NULL;
    return f && (f->flags & F_CONTEXT);
}

/* The next word from pos that can take part in a name: a word that starts
 * with a capital letter (an initial included). Lower-case words in between
 * only break the link between the capitalised words around them. */
static bool next_word(walker *k, tok *t)
{
    const unsigned char *b = (const unsigned char *)k->b;
    size_t i = k->pos, hi = k->hi;
    for (;;) {
        i = next_upper(b, i, hi);
        if (i >= hi) {
            k->pos = i;
            return false;
        }
        if (i > k->lo && cls[b[i - 1]] == 1) { /* inside a word: McDonald, iPhone */
            while (i < hi && (cls[b[i]] == 1 || (cls[b[i]] == 2 && i + 1 < hi &&
                                                 cls[b[i + 1]] == 1)))
                i++;
            continue;
        }
        size_t s = i;
        bool lower_after_first = false;
        i++;
        for (;;) {
            i = letters_end(b, i, hi, &lower_after_first);
            if (i + 1 < hi && cls[b[i]] == 2 && cls[b[i + 1]] == 1) {
                i++;
                continue;
            }
            break;
        }
        size_t n = i - s;
        memset(t, 0, sizeof(*t));
        t->s = s;
        t->e = i;
        if (n == 1)
            t->shape = SH_INITIAL;
        else if (!lower_after_first)
            t->shape = SH_UPPER;
        else
            t->shape = SH_TITLE;
        t->digits = (s > k->lo && b[s - 1] >= '0' && b[s - 1] <= '9') ||
                    (i < hi && b[i] >= '0' && b[i] <= '9');
        size_t j = i;
        if (j < hi && b[j] == '.') {
            t->dot = true;
            j++;
        } else if (j < hi && b[j] == ',') {
            t->comma = true;
            j++;
        }
        size_t sp = 0;
        while (j < hi && b[j] == ' ')
            j++, sp++;
        t->joined = !t->comma && j < hi && cls[b[j]] == 1 && (sp >= 1 || t->dot) && sp <= 3;
        t->next_at = j;
        k->pos = i;
        return true;
    }
}

static void fill(walker *k)
{
    if (k->w + 8 > k->buf + 16) { /* slide back to the front now and then */
        memmove(k->buf, k->w, k->n * sizeof(tok));
        k->w = k->buf;
    }
    while (k->n < 8 && next_word(k, &k->w[k->n])) {
        /* linked only to the very next word: "John and Smith" are not */
        if (k->n && k->w[k->n - 1].next_at != k->w[k->n].s)
            k->w[k->n - 1].joined = false;
        k->n++;
    }
}

static void drop(walker *k, size_t m)
{
    if (m == 0)
        return;
    k->prev = k->w[m - 1];
    k->have_prev = true;
    k->w += m;
    k->n -= m;
}

/* Initials from w[i] on ("J.", "J A", "J.A."); returns how many. */
static size_t initials(const walker *k, size_t i)
{
    size_t m = 0;
    while (i + m < k->n && m < 3 && k->w[i + m].shape == SH_INITIAL && !k->w[i + m].digits &&
           k->w[i + m].joined)
        m++;
    return m;
}

static bool place_word_after(const walker *k, size_t i)
{
    return i < k->n && has_fw(k, &k->w[i], F_PLACE);
}

/* "12 George Wood", "Flat 3 Monte Square": a number right before. */
static bool house_number_before(const walker *k, const tok *t)
{
    size_t i = t->s;
    while (i > k->lo && (k->b[i - 1] == ' ' || k->b[i - 1] == ','))
        i--;
    if (!(i < t->s && i > k->lo && k->b[i - 1] >= '0' && k->b[i - 1] <= '9'))
        return false;
    /* "PC 4471 John Brown": a collar number after a rank, not a house */
    while (i > k->lo && k->b[i - 1] >= '0' && k->b[i - 1] <= '9')
        i--;
    while (i > k->lo && k->b[i - 1] == ' ')
        i--;
    size_t e = i;
    while (i > k->lo && cls[(unsigned char)k->b[i - 1]] == 1)
        i--;
    static const char *const ranks[] = {"PC", "DC", "PS", "DS", "WPC", "SPC", "PCSO", "Sgt",
                                        "Insp", "DI", "DCI", "Supt"};
    for (size_t r = 0; r < sizeof(ranks) / sizeof(ranks[0]); r++)
        if (e - i == strlen(ranks[r]) && memcmp(k->b + i, ranks[r], e - i) == 0)
            return false;
    return true;
}

/* "Spencer Park", "Kris Green": a place unless the last word is a very
 * common surname after a plain first name ("John Hall"). */
static bool place_name(const walker *k, tok *f, tok *l)
{
    if (!has_fw(k, l, F_PLACE))
        return false;
    const sgi_name_rec *e = ent(k, l);
    return !(e && e->per100k >= 50 && weak(k, f) == 0);
}

/* Does a first + last pair hold up? */
static bool pair_ok(walker *k, tok *f, tok *l)
{
    int wf = weak(k, f), wl = weak(k, l);
    if (wf == 2 && wl >= 1)
        return false;
    if (wl == 2 && wf >= 1)
        return false;
    if (wf == 1 && wl == 1) { /* two dictionary words: both fairly common names */
        const sgi_name_rec *ef = ent(k, f), *el = ent(k, l);
        return ef && el && ef->births >= 2000 && el->per100k >= 20;
    }
    return true;
}

/* A name starting at w[0]: tokens consumed (0 for none), its span. */
static size_t match(walker *k, size_t *s, size_t *e)
{
    const char *b = k->b;
    tok *w = k->w;
    size_t n = k->n;
    if (n == 0)
        return 0;
    /* a context word before: "victim: Jane Doe", "witness - Mark Evans" */
    if (capital(&w[0]) && !w[0].digits && context_before(k, w[0].s) &&
        has_name(k, &w[0], F_FIRST | F_LAST) && weak(k, &w[0]) < 2) {
        size_t last = 1;
        while (last < n && last < 3 && w[last - 1].joined &&
               (surname(k, &w[last]) || first_name(k, &w[last]) || unknown_name(k, &w[last])))
            last++;
        *s = w[0].s;
        *e = w[last - 1].e;
        return last;
    }
    if (n < 2)
        return 0;
    /* title (+ more titles) + name words */
    if (w[0].joined && title(k, &w[0])) {
        size_t i = 1;
        bool long_form = has_fw(k, &w[0], F_LONG);
        while (i < n && i < 4 && w[i - 1].joined && title(k, &w[i])) {
            long_form = has_fw(k, &w[i], F_LONG);
            i++;
        }
        size_t a = i, last = 0;
        bool strong = false;
        while (i < n && i < a + 3 && w[i - 1].joined) {
            if (w[i].shape == SH_INITIAL && w[i].joined) {
                i++;
                continue;
            }
            if (!name_word(k, &w[i]))
                break;
            strong |= strong_name(k, &w[i]);
            last = ++i;
            if (!w[i - 1].joined)
                break;
        }
        /* after a rank in full, a plain name, not words ("Inspector
         * General", "Police Staff") */
        if (last > a && (!long_form || strong)) {
            *s = w[0].s;
            *e = w[last - 1].e;
            return last;
        }
    }
    /* initials + surname */
    size_t in = initials(k, 0);
    if (in && in < n) {
        tok *sn = &w[in];
        bool bare = in == 1 && !w[0].dot &&
                    (b[w[0].s] == 'A' || b[w[0].s] == 'I'); /* "A Smith", "I Hall" */
        /* a bare initial ("B Sum") takes a surname that is no word */
        bool known = surname(k, sn) &&
                     (in == 1 && !w[0].dot ? weak(k, sn) == 0 : weak(k, sn) < 2 || w[in - 1].dot);
        bool unknown = (w[0].dot || in >= 2) && unknown_name(k, sn);
        if (!bare && (known || unknown) && !(sn->joined && place_word_after(k, in + 1))) {
            *s = w[0].s;
            *e = sn->e;
            return in + 1;
        }
    }
    /* SURNAME, First */
    if (w[0].comma && w[0].shape == SH_UPPER && w[1].shape == SH_TITLE && w[1].s - w[0].e <= 3 &&
        first_name(k, &w[1]) && weak(k, &w[1]) < 2 &&
        ((surname(k, &w[0]) && weak(k, &w[0]) < 2) ||
         (w[0].e - w[0].s >= 3 && !has_name(k, &w[0], F_FIRST | F_LAST) && !fw_of(k, &w[0]) &&
          !english_word(k->nm, b + w[0].s, w[0].e - w[0].s)))) {
        *s = w[0].s;
        *e = w[1].e;
        return 2;
    }
    /* first [middle] last */
    if (w[0].joined && !w[0].dot && (capital(&w[1]) || w[1].shape == SH_INITIAL) &&
        first_name(k, &w[0])) {
        if (k->have_prev && has_fw(k, &k->prev, F_PREFIX) && k->prev.e + 3 >= w[0].s)
            return 0;
        if (has_fw(k, &w[0], F_PREFIX))
            return 0; /* "Lake Norman", "Saint Lucia" */
        if (house_number_before(k, &w[0]))
            return 0; /* "12 George Wood": an address */
        size_t i = 1;
        if (w[i].shape == SH_INITIAL && w[i].joined)
            i++;
        else if (i + 1 < n && w[i].joined && first_name(k, &w[i]) && weak(k, &w[i]) < 2 &&
                 surname(k, &w[i + 1]))
            i++; /* a middle name */
        if (i < n && w[i - 1].joined && w[0].shape == w[i].shape &&
            !(w[i].joined && place_word_after(k, i + 1)) &&
            ((surname(k, &w[i]) && pair_ok(k, &w[0], &w[i]) && !place_name(k, &w[0], &w[i])) ||
             (weak(k, &w[0]) == 0 && unknown_name(k, &w[i])))) {
            *s = w[0].s;
            *e = w[i].e;
            return i + 1;
        }
    }
    /* a first name the lists lack before a surname that is only a name */
    if (w[0].joined && !w[0].dot && unknown_name(k, &w[0]) && w[1].shape == SH_TITLE &&
        !house_number_before(k, &w[0]) && !has_fw(k, &w[1], F_PLACE) &&
        surname(k, &w[1]) && weak(k, &w[1]) == 0 && ent(k, &w[1]) &&
        ent(k, &w[1])->per100k >= 10 && !(w[1].joined && place_word_after(k, 2)) &&
        !(k->have_prev && has_fw(k, &k->prev, F_PREFIX) && k->prev.e + 3 >= w[0].s)) {
        *s = w[0].s;
        *e = w[1].e;
        return 2;
    }
    return 0;
}

sg_status sgi_names_scan(sg_scanner *sc, const char *buf, size_t ctx_lo, size_t lo, size_t hi)
{
    const struct sgi_names *nm = sc->eng->names;
    if (!nm || hi <= lo)
        return SG_OK;
    walker k;
    memset(&k, 0, sizeof(k));
    k.b = buf;
    k.lo = lo;
    k.hi = hi;
    k.nm = nm;
    k.pos = lo;
    k.w = k.buf;
    for (;;) {
        fill(&k);
        if (k.n == 0)
            break;
        size_t s = 0, e = 0;
        size_t m = match(&k, &s, &e);
        if (m == 0) {
            drop(&k, 1);
            continue;
        }
        sgi_cand c = {.buf = buf, .lo = lo, .hi = hi, .ctx_lo = ctx_lo, .from = s, .to = e};
        if (sc->locator)
            sc->locator(sc->locator_opaque, s, &c);
        if (s >= c.lo && e <= c.hi &&
            !sgi_hits_push(&sc->hits, &sc->eng->mem, s, e, SGI_R_PERSON_NAME, 0))
            return SG_E_NOMEM;
        drop(&k, m);
    }
    return SG_OK;
}
