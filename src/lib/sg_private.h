/*
 * sg_private.h - internal structures shared by the library's parts.
 * Never installed. Internal non-static symbols are prefixed sgi_.
 *
 * The flow of one file:
 *   input.c    opens it, peeks the first bytes, hashes what is read
 *   identify   every reader in readers.def bids on the peek; best bid wins
 *   reader     decodes and cuts the input into blocks of whole lines/records
 *   detect.c   runs the passes that find candidates over a block, hands
 *              each to its rule's validator, sorts and de-overlaps the hits
 *   reader     turns each hit into a location and adds it to the result
 *   result.c   masks, counts, caps and judges the findings
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef SG_PRIVATE_H
#define SG_PRIVATE_H

#include "spillguard.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define SGI_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SGI_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SGI_MAX(a, b) ((a) > (b) ? (a) : (b))

#if defined(__GNUC__)
#define SGI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SGI_PRINTF(f, a)
#endif

/* Is c one of the characters of set? (Unlike strchr, never for c == 0.) */
static inline bool sgi_in(char c, const char *set)
{
    for (; *set; set++)
        if (*set == c)
            return true;
    return false;
}

/* ---------------------------------------------------------------- alloc */
/* What an engine's allocations hold at once, all threads together, and the
 * cap on it (SG_OPT_MAX_MEMORY; 0: none). */
typedef struct sgi_mem_acct {
    _Atomic unsigned long long live, peak;
    unsigned long long cap;
} sgi_mem_acct;

typedef struct sgi_mem {
    sg_allocator a;
    /* accounting: each block then carries its size in a 16-byte header,
     * so a block must be freed through a sgi_mem with the same acct */
    sgi_mem_acct *acct;
} sgi_mem;

void sgi_mem_init(sgi_mem *m, const sg_allocator *a);
/* Did the memory cap refuse an allocation on this thread since the last
 * reset (the scan of one file resets it)? */
bool sgi_mem_cap_hit(bool reset);
void *sgi_malloc(const sgi_mem *m, size_t n);
void *sgi_calloc(const sgi_mem *m, size_t count, size_t n);
void *sgi_realloc(const sgi_mem *m, void *p, size_t n);
void sgi_free(const sgi_mem *m, void *p);
char *sgi_strndup(const sgi_mem *m, const char *s, size_t n);
/* Grow *vec (of *cap elements of size elem) to hold at least need. */
bool sgi_grow(const sgi_mem *m, void **vec, size_t *cap, size_t need, size_t elem);

/* Arena: many small strings that die together (one file's result). */
typedef struct sgi_arena_chunk sgi_arena_chunk;
typedef struct sgi_arena {
    const sgi_mem *mem;
    sgi_arena_chunk *head;
    size_t used; /* bytes used in head */
} sgi_arena;

void sgi_arena_init(sgi_arena *ar, const sgi_mem *mem);
void *sgi_arena_alloc(sgi_arena *ar, size_t n);
char *sgi_arena_strndup(sgi_arena *ar, const char *s, size_t n);
char *sgi_arena_printf(sgi_arena *ar, const char *fmt, ...) SGI_PRINTF(2, 3);
void sgi_arena_reset(sgi_arena *ar); /* keeps the first chunk */
void sgi_arena_free(sgi_arena *ar);

/* ---------------------------------------------------------------- rules */
enum sgi_rule {
#define SGI_RULE(e, id, name, sev, mask, desc) SGI_R_##e,
#include "detectors/rules.def"
#undef SGI_RULE
    SGI_RULE_COUNT
};

typedef enum sgi_mask_style {
    SGI_MASK_ENDS_2_1, /* AB******C */
    SGI_MASK_ENDS_2_2,
    SGI_MASK_LAST_4,
    SGI_MASK_EMAIL,
    SGI_MASK_NAME,
    SGI_MASK_POSTCODE,
    SGI_MASK_IP,
    SGI_MASK_ALL,
    SGI_MASK_NONE
} sgi_mask_style;

typedef struct sgi_rule_def {
    sg_rule_info info;
    sgi_mask_style mask;
} sgi_rule_def;

extern const sgi_rule_def sgi_rules[SGI_RULE_COUNT];

/* Is id a personal-data rule ("pii.")? Inline: it is asked per finding. */
static inline bool sgi_id_is_pii(const char *id)
{
    return id[0] == 'p' && id[1] == 'i' && id[2] == 'i' && id[3] == '.';
}

/* Mask value into out (at least n+1 bytes); returns out. */
char *sgi_mask(sgi_mask_style style, const char *value, size_t n, char *out);
/* A name-style mask of s in the arena. */
char *sgi_mask_name(sgi_arena *ar, const char *s);

/* Finding flags */
#define SGI_F_HIDDEN 0x1u /* hidden from a normal reader of the document */
#define SGI_F_META 0x2u   /* found in document metadata: reviewed, never blocked */
#define SGI_F_SPECIAL 0x4u /* next to special-category data: severity raised */

/* The verdict one finding asks for. */
sg_verdict sgi_rule_verdict(int rule, unsigned flags);

typedef struct sgi_ctx sgi_ctx;

/* -------------------------------------------------------------- engine */
/* A candidate: where a matcher found something, with the text around it. */
typedef struct sgi_cand {
    const char *buf;    /* the block */
    size_t lo, hi;      /* the hit must lie inside [lo, hi): its cell or line */
    size_t ctx_lo;      /* context words may be read from [ctx_lo, from) */
    size_t from, to;    /* the match */
    const char *header; /* column header of the cell, or NULL */
    size_t header_len;
    int header_kind; /* the header's sgi_colkind (SGI_COL_OTHER = 0 if none) */
    const struct sgi_matcher *matcher; /* set by sgi_offer for the validator */
} sgi_cand;

typedef struct sgi_hit {
    size_t start, end; /* bytes of the block */
    uint32_t rule;
    uint32_t aux; /* reader-specific (CSV: field index) */
} sgi_hit;

/* Returns true to accept, with the hit bounds (in [c->lo, c->hi)) set. */
typedef bool (*sgi_validate_fn)(const sgi_cand *c, size_t *start, size_t *end);

/*
 * A run of digit groups and the separators between them, as the token
 * pass sees it: "+44 (0)20 7123 4567" is one run of five groups. Number
 * matchers look at windows of consecutive groups.
 */
#define SGI_RUN_GROUPS 12

typedef struct sgi_run {
    size_t s, e; /* first character ('+', '(' or a digit) to after the last digit */
    int ng;
    size_t gs[SGI_RUN_GROUPS], ge[SGI_RUN_GROUPS]; /* digits of group i */
    char sep[SGI_RUN_GROUPS];                      /* first separator byte before group i */
    unsigned char seplen[SGI_RUN_GROUPS];          /* its length (0 for group 0) */
} sgi_run;

typedef struct sgi_tok sgi_tok; /* the token pass, opaque to matchers */
struct sgi_matcher;
/* Offer [s, e) to matcher m's validator; an accepted one becomes a hit. */
void sgi_tok_try(sgi_tok *t, const struct sgi_matcher *m, size_t s, size_t e);
const char *sgi_tok_buf(const sgi_tok *t);

size_t sgi_tok_end(const sgi_tok *t); /* where the current cell or block ends */

/*
 * A matcher finds candidates for one rule in exactly one way, and hands
 * them to its validator:
 *   stop   a byte the token pass stops at ('@', ':'); at() says where
 *          the candidate there ends (0: none), and the validator finds its
 *          start (from == to)
 *   pair   two bytes the pair pass (detect.c) stops at ("pv" of NPPV,
 *          "SC"), letters in either case if pair_ci; at() as for stop, p
 *          being the pair's first byte
 * (A custom rule's matcher has none of these: its PCRE2 pattern finds its
 * candidates, detect_custom.c.)
 *   shape  a word that starts with letters and has digits ("AB123456C"),
 *          tried where letters lead into a digit: A letter, D digit,
 *          Z letter or 9, N letter or digit, _ an optional space, any
 *          other character itself (any case); the word must end there
 *   parse  the same as code, returning the end or 0
 *   digits a window of consecutive digit groups of a run holding
 *          digits..digits_max digits in at most groups groups ("07911
 *          123456" is a window of 11 digits in 2 groups); lead: a window
 *          from the run's first group includes its '+' or '('
 *   run    a function over each digit run, for other structures (dates)
 */
typedef struct sgi_matcher {
    int rule;
    const char *shape;
    size_t (*parse)(const char *b, size_t s, size_t hi);
    unsigned char digits, digits_max, groups;
    bool lead;
    void (*run)(sgi_tok *t, const struct sgi_matcher *m, const sgi_run *r);
    /* a stop byte or a pair, and where its candidate ends (sgi_offer_at) */
    char stop;
    char pair[3];
    bool pair_ci;
    size_t (*at)(const char *b, size_t p, size_t lo, size_t hi);
    sgi_validate_fn validate;
    const void *user; /* the validator's own data (custom rules) */
} sgi_matcher;

#define SGI_WINDOW_MAX_DIGITS 24
#define SGI_MAX_STOPS 2 /* bytes the token pass stops at besides digits */
#define SGI_MAX_PAIRS 8 /* pairs of bytes the pair pass stops at */

/* Which letter-led words a shape can be: letters before the first digit
 * (min..max), attached to it or one space before it; and the lengths its
 * first run of digits can have (bit n: n digits; bit 31: 31 or more). */
typedef struct sgi_word_fit {
    unsigned char min, max;
    bool attached, spaced;
    uint32_t run_lens;
} sgi_word_fit;

typedef struct sgi_matcher_set {
    const sgi_matcher *matchers;
    size_t count;
} sgi_matcher_set;

#define SGI_DETECTOR(name) extern const sgi_matcher_set sgi_detector_##name;
#include "detectors/detectors.def"
#undef SGI_DETECTOR

struct sgi_names;
typedef struct sgi_config sgi_config;

/* A rule defined in the configuration (config.c, detect_custom.c). */
#define SGI_MAX_CUSTOM 8
typedef struct sgi_custom {
    char id[64], name[96];
    char *pattern;
    char **context; /* NULL-terminated, lower case */
    int validator;  /* SGI_CHECK_* */
    int severity;
    bool word;      /* whole words only */
    struct pcre2_real_code_8 *re; /* the pattern, compiled (JIT where it can be) */
} sgi_custom;

enum { SGI_CHECK_NONE, SGI_CHECK_LUHN, SGI_CHECK_MOD11, SGI_CHECK_MOD97 };

struct sg_engine {
    sgi_mem mem;         /* counts against acct (the engine struct itself does not) */
    sgi_mem_acct acct;
    sgi_config *config;      /* rules off, severities, allowed values, baseline */
    sgi_custom custom[SGI_MAX_CUSTOM];
    sgi_matcher custom_m[SGI_MAX_CUSTOM];
    size_t ncustom;
    struct sgi_names *names; /* the name lists (names.c) */
    unsigned long long opt_max_findings;
    unsigned long long opt_max_record;
    unsigned long long opt_table_min_rows;
    unsigned long long opt_hash;
    unsigned long long opt_max_depth;
    unsigned long long opt_max_inflated;
    unsigned long long opt_max_ratio;
    unsigned long long opt_max_members;
    unsigned long long opt_max_nesting;
    unsigned long long opt_max_part;
    unsigned long long opt_max_doc_memory;
    unsigned long long opt_timeout;
    unsigned long long opt_small_count;
    unsigned long long opt_min_k;
    bool compiled;
    const sgi_matcher *pairs[SGI_MAX_PAIRS]; /* pair matchers */
    size_t npairs;
    const sgi_matcher **words;    /* shape and parse matchers */
    struct sgi_word_fit *fits;    /* how many letters each word starts with */
    size_t nwords;
    /* word matchers by letters leading in (0-9) and attached/spaced */
    unsigned short *wlist;
    size_t wstart[10][2], wcount[10][2];
    const sgi_matcher **runs;     /* digit-run matchers */
    size_t nruns;
    const sgi_matcher *stops[SGI_MAX_STOPS]; /* matchers of a byte, by stop */
    size_t nstops;
    /* window matchers by the number of digits they take */
    const sgi_matcher **wins;
    size_t winstart[SGI_WINDOW_MAX_DIGITS + 1], wincount[SGI_WINDOW_MAX_DIGITS + 1];
    size_t win_max; /* the most digits any takes */
    char error[256];
};

/* Custom rules (detect_custom.c): the validator of their matchers, their
 * pass over a block (PCRE2), what a scanner holds for it. */
bool sgi_custom_validate(const sgi_cand *c, size_t *s, size_t *e);
sg_status sgi_custom_scan(sg_scanner *sc, const char *buf, size_t ctx_lo, size_t lo, size_t hi);
void sgi_custom_scanner_free(sg_scanner *sc);
void sgi_custom_free(sg_engine *e);

/* Configuration (config.c), read by result.c for every finding. */
void sgi_config_free(sg_engine *e);
bool sgi_config_rule_off(const sg_engine *e, int rule);
int sgi_config_severity(const sg_engine *e, int rule); /* -1: the rule's own */
/* Is the value allowed for rule? *scratch keeps what matching the allowed
 * patterns needs between calls (the caller's; NULL at first), freed by
 * sgi_config_scratch_free. */
bool sgi_config_allowed(const sg_engine *e, int rule, const char *v, size_t n, void **scratch);
void sgi_config_scratch_free(void **scratch);
bool sgi_config_has_baseline(const sg_engine *e);
bool sgi_config_in_baseline(const sg_engine *e, uint64_t fp);
uint64_t sgi_fingerprint(int rule, const char *path, const sg_location *loc, const char *value,
                         size_t vlen);

/* --------------------------------------------------------------- input */
#define SGI_PEEK_MAX 65536

typedef struct sgi_input {
    int fd;                   /* -1 for memory or a stream */
    const unsigned char *mem; /* memory input */
    size_t memlen;
    /* a stream (an archive's member): the next bytes as read(2) gives
     * them, 0 at its end, -1 on error */
    long (*pull)(void *opaque, void *buf, size_t n);
    void *pull_opaque;
    unsigned char *peek; /* first bytes, SGI_PEEK_MAX capacity */
    size_t peeklen;
    size_t peekpos; /* bytes of peek already handed out by read */
    bool eof;
    unsigned long long consumed; /* bytes handed out by sgi_input_read */
    void *sha;                   /* EVP_MD_CTX or NULL */
    int err;                     /* errno of a failed read, or 0 */
} sgi_input;

/* OpenSSL's SHA-256 (an EVP_MD), fetched once for the process. */
const void *sgi_sha256(void);
sg_status sgi_input_open_fd(sgi_input *in, int fd, bool hash, const sgi_mem *mem);
sg_status sgi_input_open_mem(sgi_input *in, const void *data, size_t len, bool hash,
                             const sgi_mem *mem);
sg_status sgi_input_open_pull(sgi_input *in, long (*pull)(void *, void *, size_t), void *opaque,
                              bool hash, const sgi_mem *mem);
/* Is the whole input in memory (in->mem, in->memlen)? Else it is a file
 * (in->fd) or a stream to be read through. */
static inline bool sgi_input_is_mem(const sgi_input *in)
{
    return in->fd < 0 && !in->pull;
}
/* Read up to n bytes; 0 at end of file; -1 on error (in->err). */
long sgi_input_read(sgi_input *in, void *buf, size_t n);
/* The whole input for a reader that seeks in it, drained first (hashed,
 * counted). Where it is: a buffer (kind MEM: p and n point into it), a
 * regular file if file_ok (FILE: fd is the input's own descriptor, its
 * offset at the end; n its size), else read into memory, at most limit
 * bytes (HELD: owned, which the caller frees, and p, n). kind is set
 * before the reading, so a caller can say what failed: SG_E_IO (in->err),
 * SG_E_LIMIT or SG_E_NOMEM. */
typedef struct sgi_whole {
    enum { SGI_WHOLE_MEM, SGI_WHOLE_FILE, SGI_WHOLE_HELD } kind;
    const unsigned char *p;
    size_t n;
    int fd;
    char *owned;
} sgi_whole;
sg_status sgi_input_whole(sgi_input *in, const sgi_mem *mem, bool file_ok,
                          unsigned long long limit, sgi_whole *w);
/* Read what is left to the end (hashing it). With keep, also return it all
 * in a fresh allocation: at most limit bytes (SG_E_LIMIT beyond). */
sg_status sgi_input_drain(sgi_input *in, const sgi_mem *mem, char **keep, size_t *len,
                          unsigned long long limit);
/* Drain to end of file (hashing) and write the hex digest to out[65]. */
sg_status sgi_input_finish(sgi_input *in, char *hex_out, bool *have_hash);
void sgi_input_close(sgi_input *in, const sgi_mem *mem);

/* ------------------------------------------------------------- decoding */
typedef enum sgi_encoding {
    SGI_ENC_UTF8 = 0,
    SGI_ENC_UTF8_BOM,
    SGI_ENC_UTF16LE,
    SGI_ENC_UTF16BE,
    SGI_ENC_CP1252
} sgi_encoding;

const char *sgi_encoding_name(sgi_encoding e);

/* Classification of the first bytes of a file. */
typedef struct sgi_sniff {
    bool text;           /* looks like text in enc */
    sgi_encoding enc;
    size_t bom_len;
} sgi_sniff;

void sgi_sniff_text(const unsigned char *p, size_t n, sgi_sniff *out);

/* Streaming decoder to UTF-8. Invalid UTF-8 bytes are read as Windows-1252
 * one by one, and their positions are kept so that byte offsets in the
 * original file can be recovered (sgi_pos). */
typedef struct sgi_decoder {
    sgi_encoding enc;
    unsigned char pend[4]; /* incomplete sequence carried over */
    size_t npend;
    size_t skip_bom; /* BOM bytes still to drop */
    unsigned long long fallbacks; /* bytes decoded as Windows-1252 in UTF-8 mode */
} sgi_decoder;

void sgi_decoder_init(sgi_decoder *d, sgi_encoding enc, size_t bom_len);
/* Decode in[0,n) appending to out (capacity >= 3*n+12). Returns bytes
 * written. In UTF-8 mode, the offsets (base + output offset) of fallback
 * characters are appended to *fb (a vector of size_t, capacity *fbcap, count *nfb).
 * final: no more input follows (flush incomplete sequences). */
size_t sgi_decode(sgi_decoder *d, const unsigned char *in, size_t n, char *out, size_t base,
                  bool final, const sgi_mem *mem, size_t **fb, size_t *nfb, size_t *fbcap,
                  bool *nomem);

/* A code point as UTF-8 into o (room for 4 bytes); its length. */
size_t sgi_utf8_put(char *o, uint32_t cp);
/* A Windows-1252 byte as a code point. */
uint32_t sgi_cp1252(unsigned char b);

/* Decode a small buffer whole into a fresh allocation (for sniffing). */
char *sgi_decode_all(sgi_encoding enc, size_t bom_len, const unsigned char *p, size_t n,
                     size_t *outlen, const sgi_mem *mem);

/* A cursor over decoded text that tracks line, column (characters) and the
 * byte offset in the source; it only moves forward. */
typedef struct sgi_pos {
    sgi_encoding enc;
    const char *buf;     /* current block */
    size_t at;           /* position in buf */
    const size_t *fb;    /* fallback offsets in buf (UTF-8 mode) */
    size_t nfb, fbi;
    long long line, col; /* of buf[at] */
    long long src;       /* source byte offset of buf[at] */
} sgi_pos;

void sgi_pos_init(sgi_pos *p, sgi_encoding enc, long long src_start);
void sgi_pos_block(sgi_pos *p, const char *buf, size_t at, const size_t *fb, size_t nfb);
void sgi_pos_advance(sgi_pos *p, size_t to);

/* -------------------------------------------------------------- results */
typedef struct sgi_result {
    sg_file_result pub;
    sgi_arena arena;
    sg_finding *findings;
    size_t nfindings, capfindings;
    unsigned long long counts[SGI_RULE_COUNT];
    char sha256[65];
    bool nomem;        /* a finding could not be stored */
    sg_verdict worst;  /* the worst verdict a finding asked for */
    unsigned long long inflated; /* bytes inflated from containers, nested too */
    void *allow_scratch;         /* sgi_config_allowed's, for this result's thread */
} sgi_result;

void sgi_result_init(sgi_result *r, const sgi_mem *mem);
void sgi_result_reset(sgi_result *r);
void sgi_result_free(sgi_result *r);
void sgi_result_set_path(sgi_result *r, const char *path);
void sgi_result_error(sgi_result *r, sg_status st, const char *fmt, ...) SGI_PRINTF(3, 4);
/* Add a finding: value is copied, and masked by the rule's style unless
 * masked is given (then copied too). loc's strings must live as long as
 * the result (the arena, or static). Returns the stored finding or NULL
 * when the rule's cap was reached (it is still counted and judged). */
sg_finding *sgi_result_add(sgi_result *r, const sg_engine *eng, int rule, unsigned flags,
                           const char *reason, const char *value, size_t vlen,
                           const char *masked, const sg_location *loc);
/* Judge a stored finding again after its flags changed (a cell found to
 * be remote once the whole sheet was read). */
void sgi_result_rejudge(sgi_result *r, const sg_finding *f, unsigned flags);
/* Fix pub.findings, pub.nfindings and the verdict. */
void sgi_result_seal(sgi_result *r);

/* -------------------------------------------------------------- scanner */
typedef struct sgi_hits {
    sgi_hit *v;
    size_t n, cap;
    sgi_hit *tmp; /* for sorting */
    size_t tmpcap;
} sgi_hits;

struct sgi_pdf_state;

struct sg_scanner {
    const sg_engine *eng;
    struct pcre2_real_match_data_8 *custom_md;     /* for the custom rules (detect_custom.c) */
    struct pcre2_real_match_context_8 *custom_mctx; /* their match limits */
    struct sgi_pdf_state *pdf; /* the PDF library's context, made when first needed */
    sgi_result own; /* result for the single-file API */
    sgi_hits hits;
    /* per block, set by the reader for the match callback */
    const char *blk;
    size_t blk_ctx_lo;
    void *locator_opaque;
    void (*locator)(void *opaque, size_t pos, sgi_cand *c);
    sg_status blk_status;
    char detect_error[200]; /* why a detector stopped (sgi_detect's error), or "" */
};

/* Context handed to a reader for one file, or for a file embedded in it. */
struct sgi_ctx {
    sg_scanner *sc;
    const sg_engine *eng;
    const sgi_mem *mem;
    sgi_input *in;
    sgi_result *res;
    const char *ext; /* lower-case extension hint, "" if none */
    sgi_sniff sniff;
    /* embedded files: how deep, the parts around ("a.xlsx!"), why hidden */
    unsigned depth;
    const char *prefix;
    const char *frame_reason;
    /* inside members a reader sees as they are (an archive's, a mail's
     * attachments): findings keep their own visibility */
    bool frame_open;
    /* an embedded file's failure, kept out of the file's own status */
    sg_status nested_status;
    char nested_error[512];
    /* the last part name framed with the prefix, reused */
    const char *framed_in, *framed_out;
    /* --timeout: when the file (embedded files included) must be done */
    struct timespec deadline;
    bool has_deadline, timed_out;
};

/* Start the file's clock (the scanner does, for each file). */
void sgi_ctx_start_clock(sgi_ctx *ctx);
/* Is the file's time up? The first time it is, the file gets its error;
 * a reader stops what it is doing when this says so. Cheap (a clock read):
 * call it per record batch, member or page, not per byte. */
bool sgi_ctx_time_up(sgi_ctx *ctx);

/* The common case of a dense file: the rule's list is full (--max-findings),
 * no baseline looks at where findings are and a finding with at most these
 * flags cannot worsen the verdict, so the finding, value, would only be
 * counted (or dropped as an allowed value). Then count it (or drop it) and
 * return true: the caller need not locate or mask it. A rule the
 * configuration switched off: true, counted nowhere. */
bool sgi_emit_counted(sgi_ctx *ctx, int rule, unsigned flags, const char *value, size_t vlen);

/* Add a finding through the reader's context: inside an embedded file
 * the part is prefixed and the finding is hidden. loc may be changed. */
sg_finding *sgi_emit(sgi_ctx *ctx, int rule, unsigned flags, const char *reason,
                     const char *value, size_t vlen, const char *masked, sg_location *loc);
/* A hidden-content finding whose value is a description that holds no
 * personal data ("hidden text: 3 paragraphs..."), shown as it is, at part
 * (and paragraph, if > 0). */
sg_finding *sgi_emit_note(sgi_ctx *ctx, int rule, const char *reason, const char *part,
                          long long paragraph, const char *fmt, ...) SGI_PRINTF(6, 7);
/* The rest of the input whole, at most --max-part: the data, or NULL with
 * the file's error set ("WHAT larger than --max-part; not checked"). */
char *sgi_ctx_slurp(sgi_ctx *ctx, const char *what, size_t *len);

/* A document (or a member: part) that a password protects: a
 * notice.encrypted finding, the content not checked. */
void sgi_notice_encrypted(sgi_ctx *ctx, const char *what, const char *part);
/* Record why the file (or the embedded file) could not be fully read. */
void sgi_ctx_error(sgi_ctx *ctx, sg_status st, const char *fmt, ...) SGI_PRINTF(3, 4);
/* Scan data, a member of the current file, as a file of its own; its
 * findings go to the same result, located inside member. Returns its
 * status (its message in ctx->nested_error of the child, copied to msg)
 * and its format. */
sg_status sgi_scan_nested(sgi_ctx *parent, const void *data, size_t len, const char *member,
                          const char *reason, char *msg, size_t msglen, const char **format);
/* The same on a member read as a stream (sgi_input_open_pull): a reader
 * that streams holds none of it whole. */
sg_status sgi_scan_nested_input(sgi_ctx *parent, sgi_input *in, const char *member,
                                const char *reason, char *msg, size_t msglen,
                                const char **format);

/* The first line of a message's header fields as e-mail readers scan them
 * (read_email.c, read_msg.c): no header field itself, so the block is read
 * as text, not taken for a message again. */
#define SGI_MAIL_HEADERS_TITLE "Header fields of the message\n"

/* The members of a container (archive, message) that could not be fully
 * checked: how many, and the first one's reason. */
typedef struct sgi_failures {
    unsigned long long n;
    sg_status first_status;
    char first_error[400];
} sgi_failures;

void sgi_failure(sgi_failures *f, sg_status st, const char *name, const char *msg);
/* May a member of n bytes be held whole? Within --max-part, and counted
 * against --max-inflated for the file; if not, the failure is noted. */
bool sgi_member_fits(sgi_ctx *ctx, sgi_failures *f, const char *name, unsigned long long n);
/* sgi_scan_nested on a member, a failure noted. */
void sgi_scan_member(sgi_ctx *ctx, sgi_failures *f, const void *data, size_t len,
                     const char *name, const char *reason);
/* The file's error, if any failed: the one, or "N <what> not fully checked;
 * the first: ..." */
void sgi_failures_report(sgi_ctx *ctx, const sgi_failures *f, const char *what);

/* ------------------------------------------------------------- containers */
typedef struct sgi_zip {
    sgi_ctx *ctx;
    struct zip *za;
    size_t n;      /* members */
    char *owned;   /* a streamed input kept in memory */
    sg_status status;
    char error[300];
} sgi_zip;

typedef sg_status (*sgi_zip_sink)(void *opaque, const char *data, size_t n);

/* In a peek at a ZIP (p, n bytes), does the byte at off lie inside a
 * member's data, as the local headers from the start show? A workbook
 * stored uncompressed in a plain ZIP shows its own "[Content_Types].xml"
 * in the peek: a name of the member's, not of the archive's. false when
 * the headers cannot tell (sizes left to a data descriptor). */
bool sgi_zip_in_member(const unsigned char *p, size_t n, size_t off);
sg_status sgi_zip_open(sgi_zip *z, sgi_ctx *ctx);
void sgi_zip_close(sgi_zip *z);
const char *sgi_zip_name(sgi_zip *z, size_t i);
/* The member called name (case-insensitive, leading '/' ignored), or -1. */
long long sgi_zip_find(sgi_zip *z, const char *name);
unsigned long long sgi_zip_size(sgi_zip *z, size_t i); /* as its header claims */
/* Inflate member i a buffer at a time into sink, within the limits. */
sg_status sgi_zip_stream(sgi_zip *z, size_t i, sgi_zip_sink sink, void *opaque);
/* Read member i whole (NUL-terminated), at most the part limit. */
sg_status sgi_zip_read(sgi_zip *z, size_t i, char **out, size_t *len);

/* XML through expat: no entities (declaring one stops the parse), no
 * external anything, a depth limit. Names are given without prefix
 * ("w:t" is "t"). */
typedef struct sgi_xml sgi_xml;
typedef struct sgi_xml_handlers {
    void (*start)(void *opaque, const char *name, const char **attrs);
    void (*end)(void *opaque, const char *name);
    void (*text)(void *opaque, const char *s, int len);
} sgi_xml_handlers;

/* Parse member i of z. Returns SG_OK, or why not (message in z->error). */
sg_status sgi_xml_member(sgi_zip *z, size_t i, const sgi_xml_handlers *h, void *opaque);
/* The same for the XML spreadsheet writers emit, read by a tokenizer made
 * for it (xml.c: several times faster than expat on a worksheet); a
 * document it does not take on (a DOCTYPE, UTF-16) goes to expat. */
sg_status sgi_xml_member_fast(sgi_zip *z, size_t i, const sgi_xml_handlers *h, void *opaque);
/* The fast path on a buffer fed in chunks of chunk bytes (0: at once), for
 * tests that hold it to expat's events. */
sg_status sgi_xml_buffer_fast(const char *buf, size_t len, size_t chunk,
                              const sgi_xml_handlers *h, void *opaque, char *err, size_t errlen);
/* Parse a buffer; err gets the message. */
sg_status sgi_xml_buffer(const char *buf, size_t len, const sgi_xml_handlers *h, void *opaque,
                         char *err, size_t errlen);
/* From a handler: stop the parse running on this thread, with an error. */
void sgi_xml_abort(sg_status st, const char *msg);
/* The value of attribute name (without prefix) in attrs, or NULL. */
const char *sgi_xml_attr(const char **attrs, const char *name);
/* A relationship id: the prefixed id attribute (r:id), not a plain id. */
const char *sgi_xml_rid(const char **attrs);
/* The local part of a qualified name (inline: called for every element
 * and attribute, on names a few bytes long). */
static inline const char *sgi_xml_local(const char *name)
{
    const char *local = name;
    for (const char *c = name; *c; c++)
        if (*c == ':')
            local = c + 1;
    return local;
}

/* ---------------------------------------------------------------- readers */
typedef struct sgi_peek {
    const unsigned char *p;
    size_t n;
    bool complete;   /* the whole file is in p */
    const char *ext; /* lower-case extension hint, "" if none */
    const sgi_sniff *sniff;
    const char *text; /* p decoded to UTF-8 if sniff->text, else NULL */
    size_t textlen;
    /* unique among its thread's peeks: a reader may key what its bid
     * worked out by it, for its scan of the same peek */
    unsigned long long id;
} sgi_peek;

typedef struct sgi_reader {
    const char *name;
    /* Bits of evidence that the peek is this format (0: not). Checks magic
     * numbers or content only; the extension may add at most one bit. */
    int (*bid)(const sgi_peek *pk);
    /* Read the whole input and add findings. Sets ctx->res->pub.format. */
    sg_status (*scan)(sgi_ctx *ctx, const sgi_peek *pk);
} sgi_reader;

#define SGI_READER(name) extern const sgi_reader sgi_reader_##name;
#include "readers/readers.def"
#undef SGI_READER

/* Release a scanner's PDF library context (read_pdf.c). */
void sgi_pdf_state_free(struct sgi_pdf_state *st, const sgi_mem *mem);

/* Scan one opened input into res (used by the scanner and the batch). */
void sgi_scan_input(sg_scanner *sc, sgi_input *in, const char *path, sgi_result *res);
/* Scan what fd reads to its end; fills res. */
void sgi_scan_fd_into(sg_scanner *sc, int fd, const char *name, sgi_result *res);
/* Scan a path; fills res (never fails otherwise). */
void sgi_scan_path_into(sg_scanner *sc, const char *path, bool nofollow, sgi_result *res);

/* --------------------------------------------------------------- detect */
/* Run every matcher over buf[lo, hi) and append validated hits to
 * sc->hits. sc->locator (may be NULL) narrows each candidate to its cell.
 * Returns SG_OK, SG_E_NOMEM, or SG_E_LIMIT (a custom rule's pattern, with
 * sc->detect_error saying which). */
sg_status sgi_detect(sg_scanner *sc, const char *buf, size_t ctx_lo, size_t lo, size_t hi);
/* The token pass over buf[lo, hi): digit runs and letter-led words. */
sg_status sgi_tokens(sg_scanner *sc, const char *buf, size_t ctx_lo, size_t lo, size_t hi);
/* Offer candidate c (the caller's: it is clamped to its cell and its
 * matcher set in place) to m's validator and push a hit if it accepts.
 * Returns false only when out of memory. */
bool sgi_offer(sg_scanner *sc, const sgi_matcher *m, sgi_cand *c);
/* Offer m the candidate from..to of the block buf[lo, hi), located (its
 * cell, with a reader's locator) by its last byte: a match a pass found
 * without knowing cells (a stop byte's or a pair's at(), from == to, the
 * validator finds the start; a custom rule's PCRE2 match). */
bool sgi_offer_at(sg_scanner *sc, const sgi_matcher *m, const char *buf, size_t ctx_lo,
                  size_t lo, size_t hi, size_t from, size_t to);
/* Sort hits by position and drop any hit that lies inside another.
 * False when out of memory. */
bool sgi_hits_settle(sgi_hits *h, const sgi_mem *mem);
bool sgi_hits_push(sgi_hits *h, const sgi_mem *mem, size_t start, size_t end, int rule,
                   uint32_t aux);

/* Names (names.c): the lists compiled in, and the pass over running text
 * that finds people's names. */
sg_status sgi_names_build(const sgi_mem *mem, struct sgi_names **out);
void sgi_names_free(const sgi_mem *mem, struct sgi_names *t);
bool sgi_names_known(const struct sgi_names *t, const char *s, size_t n, bool *first,
                     bool *last, int *weak);
sg_status sgi_names_scan(sg_scanner *sc, const char *buf, size_t ctx_lo, size_t lo, size_t hi);
/* Is s a word of the English word list (any case)? */
bool sgi_names_is_word(const struct sgi_names *t, const char *s, size_t n);
/* A cell of a name column that holds a name: shaped like one, and not a
 * lone everyday word that is on no name list ("Testing", "Total"). looks:
 * what sgi_table_cell said of its shape (0 or 1), or -1 to judge it here. */
bool sgi_cell_is_name(const sg_engine *eng, const char *s, size_t n, int looks);

/* Helpers for validators */
bool sgi_context_has(const sgi_cand *c, size_t start, size_t end, const char *const *words,
                     size_t before, size_t after);
bool sgi_header_has(const sgi_cand *c, const char *const *words);
/* Case-insensitive: does text[0,n) contain word at a word boundary? */
bool sgi_has_word(const char *text, size_t n, const char *word);
/* The same for any of words (NULL-terminated, lower case); a header's
 * letter pairs, kept for the next call on the same text, rule most out
 * without a search. */
bool sgi_has_any_word(const char *text, size_t n, const char *const *words);

/* Identifier validators, exposed for unit tests. s is the candidate text. */
bool sgi_valid_nino(const char *s, size_t n);
bool sgi_valid_nhs(const char *s, size_t n);
bool sgi_valid_card(const char *s, size_t n);
bool sgi_valid_iban(const char *s, size_t n);
bool sgi_valid_postcode(const char *s, size_t n);
bool sgi_valid_uk_phone(const char *s, size_t n);
bool sgi_valid_email(const char *s, size_t n);
bool sgi_valid_ip(const char *s, size_t n);
bool sgi_valid_driving_licence(const char *s, size_t n);
bool sgi_valid_vehicle_reg(const char *s, size_t n);
bool sgi_valid_date(const char *s, size_t n); /* a real past date */
bool sgi_valid_sort_code(const char *s, size_t n);

/* ---------------------------------------------------------------- tables */
/* What a column holds, from its header and values. */
typedef enum sgi_colkind {
#define SGI_COLKIND(e, name) SGI_COL_##e,
#include "detectors/colkinds.def"
#undef SGI_COLKIND
    SGI_COL_COUNT
} sgi_colkind;

const char *sgi_colkind_name(sgi_colkind k);
/* Classify a header text. */
sgi_colkind sgi_colkind_of_header(const char *h, size_t n);
/* Does the column kind identify a person by itself? */
bool sgi_colkind_identifies(sgi_colkind k);
/* The column kind a rule's hits suggest (SGI_COL_OTHER if none). */
sgi_colkind sgi_colkind_of_rule(int rule);
/* Does a cell value look like a person's name (for name columns)? */
bool sgi_looks_like_name(const char *s, size_t n);

/* A table seen by a reader: header, cells and hits, column by column.
 * Columns are kept by index wherever they are (a table in XFA:XFD too),
 * at most SGI_TABLE_MAX_COLS of them; more are scanned but not classified. */
#define SGI_TABLE_MAX_COLS 512

typedef struct sgi_table_col {
    size_t index;       /* 0-based column index in the sheet */
    const char *header; /* owned by the result's arena, or NULL */
    size_t header_len;
    sgi_colkind header_kind;
    unsigned long long nonempty, namelike;
    unsigned long long namelex;           /* cells that are names on the name lists */
    unsigned long long ints, smalls, nums, years; /* whole numbers, of them 1..small, other
                                                     numbers, years */
    unsigned long long max_int, last_int;
    bool not_sequence; /* its numbers are not 1, 2, 3... (a row index) */
    unsigned long long hits[SGI_RULE_COUNT];
    unsigned long long last_row[SGI_RULE_COUNT];
} sgi_table_col;

typedef struct sgi_table {
    const sgi_mem *mem;
    sgi_table_col *cols; /* in the order first seen */
    size_t ncols, capcols;
    int *slot; /* open addressing: column index -> position in cols, or -1 */
    unsigned long long data_rows; /* non-blank rows below the header */
    bool nomem;
    /* set by the reader after init: the engine's limits and name lists */
    const struct sg_engine *eng;
    /* small counts: the first cells holding 1..small */
    struct {
        unsigned long long row;
        size_t col;
        unsigned value;
    } small[64];
    size_t nsmall;
    /* quasi-identifiers: each row's combination, counted */
    unsigned long long qi_row;
    uint64_t qi_hash;
    bool qi_any;
    uint64_t *combo_key; /* 0 empty */
    uint32_t *combo_count;
    unsigned long long *combo_row;
    size_t ncombo, capcombo;
    bool combo_full;
} sgi_table;

void sgi_table_init(sgi_table *t, const sgi_mem *mem);
void sgi_table_free(sgi_table *t);
/* The column with sheet index col if it exists. Columns met in order (CSV,
 * most sheets) sit at their own index: found inline, the rest by hash. */
sgi_table_col *sgi_table_col_hashed(const sgi_table *t, size_t col);
static inline sgi_table_col *sgi_table_col_find(const sgi_table *t, size_t col)
{
    if (col < t->ncols && t->cols[col].index == col)
        return &t->cols[col];
    return sgi_table_col_hashed(t, col);
}
/* A column not met before, added (NULL past the limit). */
sgi_table_col *sgi_table_col_new(sgi_table *t, size_t col);
/* The column with sheet index col (created if new, NULL past the limit). */
static inline sgi_table_col *sgi_table_col_at(sgi_table *t, size_t col)
{
    sgi_table_col *c = sgi_table_col_find(t, col);
    return c ? c : sgi_table_col_new(t, col);
}
void sgi_table_set_header(sgi_table *t, size_t col, const char *header, size_t n);
/* A data cell of row (1-based, in the sheet or file). Returns what it
 * found of sgi_looks_like_name(s, n) (0 or 1), or -1 if it did not ask,
 * so that a caller asking next whether the cell is a name asks once. */
int sgi_table_cell(sgi_table *t, unsigned long long row, size_t col, const char *s, size_t n);
void sgi_table_hit(sgi_table *t, size_t col, int rule, unsigned long long row);
sgi_colkind sgi_table_col_kind(const sgi_table_col *c);
/* Add a dataset.personal_records finding if the rows describe people.
 * Returns true if they do. */
bool sgi_table_finish(sgi_table *t, struct sgi_ctx *ctx, sg_location *loc, unsigned flags,
                      const char *reason);
/* Does the text hold words about special-category data (health,
 * ethnicity, religion, sex life, offences: UK GDPR articles 9 and 10)? */
bool sgi_special_words(const char *s, size_t n);
/* Is the column one of people's names (by its header, or by its values
 * when its header says nothing)? */
bool sgi_table_col_names(const sgi_table_col *c);
/* Does the table have a column of special-category data? */
bool sgi_table_special(const sgi_table *t);

/* --------------------------------------------------------------- reports */
typedef struct sgi_out {
    char *p;
    size_t n, cap;
    bool nomem;
} sgi_out;

void sgi_out_put(sgi_out *o, const char *s, size_t n);
void sgi_out_puts(sgi_out *o, const char *s);
void sgi_out_printf(sgi_out *o, const char *fmt, ...) SGI_PRINTF(2, 3);
/* A JSON string literal (quotes included); invalid UTF-8 becomes U+FFFD. */
void sgi_out_json_str(sgi_out *o, const char *s);
void sgi_out_json_strn(sgi_out *o, const char *s, size_t n);
/* Text for a terminal: control characters and invalid UTF-8 as \xNN. */
void sgi_out_safe(sgi_out *o, const char *s);

struct sg_report {
    sg_report_format fmt;
    unsigned flags;
    sg_write_fn write;
    void *opaque;
    sgi_mem mem;
    sgi_out out;   /* the current record(s), flushed per file */
    sgi_out notes; /* SARIF: tool notifications, written at the end */
    bool failed;
    bool started;
    unsigned long long results; /* SARIF results written */
};

/* Write and empty rep->out; false if the writer failed. */
bool sgi_report_flush(sg_report *rep);
int sgi_report_text_file(sg_report *rep, const sg_file_result *r);
sg_status sgi_report_text_finish(sg_report *rep, const sg_summary *s);
int sgi_report_jsonl_file(sg_report *rep, const sg_file_result *r);
sg_status sgi_report_jsonl_finish(sg_report *rep, const sg_summary *s);
int sgi_report_sarif_file(sg_report *rep, const sg_file_result *r);
sg_status sgi_report_sarif_finish(sg_report *rep, const sg_summary *s);
/* The value to print for a finding: unmasked only with SG_REPORT_REVEAL. */
const char *sgi_report_value(const sg_report *rep, const sg_finding *f);

/* ----------------------------------------------------------------- cells */
/* Texts from a parsed document scanned as a batch (detectors/cells.c). */
typedef enum sgi_cells_mode {
    SGI_CELLS_TABLE, /* sheet cells: rows and columns, header, tables of people */
    SGI_CELLS_CELLS, /* cells located by row and column, no table (comments, links) */
    SGI_CELLS_TEXT   /* paragraphs of a part: row is the paragraph number */
} sgi_cells_mode;

typedef struct sgi_cells_item {
    size_t start, end, row_start;
    unsigned long long row;
    uint32_t col;
    unsigned flags;
    signed char looks; /* sgi_table_cell's answer: looks like a name */
    const char *reason;
} sgi_cells_item;

typedef struct sgi_cells_interval {
    unsigned long long first, last, cells, pii;
} sgi_cells_interval;

typedef struct sgi_cells {
    sgi_ctx *ctx;
    sgi_cells_mode mode;
    const char *part, *sheet; /* stable strings (arena or static) */
    long long slide;          /* text mode: the slide, or 0 */
    bool lines;               /* text mode: rows are the file's lines (set after begin) */
    /* text mode on a PDF page: rows are lines of the page */
    long long page, revision;
    const char *text_layer;
    char *buf;
    size_t len, cap;
    sgi_cells_item *items;
    size_t n, capn, cursor;
    /* table */
    sgi_table tab;
    bool header_decided, headers_given;
    unsigned long long header_row; /* 0: none */
    unsigned long long last_row;
    bool last_row_blank;
    unsigned table_flags;
    const char *table_reason;
    const char **letters;
    size_t nletters;
    /* occupancy, for remote cells */
    unsigned *col_cells, *col_pii;
    uint32_t max_col;
    sgi_cells_interval *iv;
    size_t niv;
    unsigned long long cells, pii;
    size_t first_finding;
    unsigned tick; /* adds, for the --timeout check */
    bool nomem;
} sgi_cells;

void sgi_cells_init(sgi_cells *c, sgi_ctx *ctx);
void sgi_cells_free(sgi_cells *c);
/* Start a sheet, a cache or a part. table_flags/reason: how to report a
 * table of people found in it (hidden sheet, pivot cache...). */
void sgi_cells_begin(sgi_cells *c, sgi_cells_mode mode, const char *part, const char *sheet,
                     unsigned table_flags, const char *table_reason);
/* Give the header texts instead of finding a header row (pivot fields). */
void sgi_cells_headers(sgi_cells *c, const char *const *names, size_t n);
/* Add a text: row (1-based; the paragraph in text mode), col (0-based). */
sg_status sgi_cells_add(sgi_cells *c, unsigned long long row, uint32_t col, const char *text,
                        size_t len, unsigned flags, const char *reason);
/* Scan what is left; in table mode report remote cells (if asked) and a
 * table of people. */
sg_status sgi_cells_end(sgi_cells *c, bool remote);
/* A block of text as one batch of a part, a line a paragraph (row). */
void sgi_cells_text(sgi_cells *c, const char *part, const char *s, size_t n, unsigned flags,
                    const char *reason);
/* Change flags and reason of this batch's stored findings that pred picks. */
void sgi_cells_retag(sgi_cells *c, bool (*pred)(void *opaque, const sg_finding *f), void *opaque,
                     unsigned flags, const char *reason);

/* An OLE2 compound file in memory: if it is an Excel 97-2003 workbook,
 * read it (SG_OK); SG_E_UNSUPPORTED, nothing reported, if it is not. */
sg_status sgi_xls_scan(sgi_ctx *ctx, const unsigned char *data, size_t len);

/* XLSX cell formats (read_xlsx.c), shared with the cleaner. */
typedef struct sgi_xlsx_style {
    bool date, invisible;
} sgi_xlsx_style;
sgi_xlsx_style *sgi_xlsx_styles(const sgi_mem *mem, const char *xml, size_t n, size_t *count);
/* Excel's serial day number as an ISO date, YYYY-MM-DD (1900 or 1904 system). */
bool sgi_xlsx_serial_date(double v, bool d1904, char *out, size_t n);
/* Is a number format (its code, or a built-in id) a date's? */
bool sgi_xlsx_fmt_date(const char *code);
bool sgi_xlsx_builtin_date(unsigned id);

/* ------------------------------------------------------------- metadata */
/* Report one metadata value as rule (hidden.metadata, hidden.exif...),
 * shown as "what: J*** S****"; with scan, the detectors run over it too
 * (personal data in metadata is reviewed, never blocked). part is where it
 * is (copied). */
void sgi_emit_metadata(sgi_ctx *ctx, sgi_cells *cells, int rule, const char *part,
                       const char *what, const char *value, size_t n, bool scan);
/* Report the properties of an XMP packet that say who made a document or
 * picture and where (creator, tool, rights, owner, serial numbers, GPS). */
sg_status sgi_xmp_scan(sgi_ctx *ctx, sgi_cells *cells, int rule, const char *part,
                       const char *xml, size_t len);

/* ------------------------------------------------------------------ util */
/* A bounded growing text (XML character data). */
typedef struct sgi_text {
    const sgi_mem *mem;
    char *p;
    size_t len, cap, limit;
    bool cut, nomem;
} sgi_text;

void sgi_text_init(sgi_text *t, const sgi_mem *mem, size_t limit);
void sgi_text_add(sgi_text *t, const char *s, size_t n);
/* A field's name as words: "dateOfBirth", "date_of_birth" -> "date Of Birth",
 * "date of birth" (XML elements, JSON keys), so that context words match. */
void sgi_text_add_name(sgi_text *t, const char *name, size_t len);
void sgi_text_free(sgi_text *t);

/* Column letters for a 1-based index ("A", "AB"...). out >= 8 bytes. */
void sgi_column_letter(long long index, char *out);
/* What a file that is not a regular file is ("a FIFO"...), for skip notes. */
const char *sgi_file_kind(unsigned mode);
/* Lower-case ASCII extension of path ("csv"), "" if none; out >= 16. */
void sgi_path_ext(const char *path, char *out, size_t outlen);

#endif /* SG_PRIVATE_H */
