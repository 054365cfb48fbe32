/*
 * spillguard.h - the one public header of libspillguard.
 *
 * libspillguard finds personal data and hidden content in documents before
 * they are released. Everything the spillguard tool does goes through this
 * header, so a mail gateway, a web service or a language binding can do the
 * same.
 *
 * The shape follows yara and Vectorscan: an sg_engine holds the compiled
 * detectors and the limits; it is immutable once compiled and shared by all
 * threads. Each thread scans with its own sg_scanner (its scratch space).
 * sg_batch walks paths and scans them on a thread pool, delivering results in
 * input order. sg_report turns results into text, JSON Lines or SARIF.
 *
 *   sg_engine *eng;
 *   sg_engine_new(&eng, NULL);
 *   sg_engine_compile(eng);
 *   sg_scanner *sc;
 *   sg_scanner_new(eng, &sc);
 *   sg_scan_path(sc, "staff.csv", my_callback, my_data);
 *   sg_scanner_free(sc);
 *   sg_engine_free(eng);
 *
 * Ownership: handles are opaque and released with their _free function
 * (free(NULL) is a no-op). Pointers inside an sg_file_result are borrowed:
 * valid only during the callback that receives them.
 *
 * Stability: status numbers, rule ids and JSON field names are never reused
 * or renamed; structs only grow at their end.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef SPILLGUARD_H
#define SPILLGUARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SG_VERSION_MAJOR 0
#define SG_VERSION_MINOR 1
#define SG_VERSION_PATCH 0
#define SG_VERSION_STRING "0.1.0"

/* Library version at run time (may differ from the header's). */
const char *sg_version(void);

/* ---------------------------------------------------------------------
 * Status codes: a permanent contract. Numbers are never reused.
 * ------------------------------------------------------------------- */
typedef enum sg_status {
    SG_OK = 0,
    SG_E_NOMEM = 1,       /* an allocation failed */
    SG_E_INVALID = 2,     /* invalid argument or misuse of the API */
    SG_E_OPEN = 3,        /* a file or directory could not be opened */
    SG_E_IO = 4,          /* a read failed */
    SG_E_FORMAT = 5,      /* the input is damaged or malformed */
    SG_E_UNSUPPORTED = 6, /* recognised, but this build cannot check it */
    SG_E_LIMIT = 7,       /* a hostile-input limit was reached */
    SG_E_ENGINE = 8,      /* the pattern engine failed */
    SG_E_WRITE = 9,       /* writing output failed */
    SG_E_THREAD = 10,     /* a thread could not be started */
    SG_E_ABORTED = 11,    /* a callback asked to stop */
    SG_E_NOT_CLEAN = 12   /* clean: hidden content remained in the output */
} sg_status;

/* A short constant English description of a status; never NULL. */
const char *sg_strerror(sg_status status);

/* ---------------------------------------------------------------------
 * Allocation. Every allocation of the library goes through one allocator,
 * which makes fail-the-Nth-allocation tests possible. NULL means libc.
 * (The Vectorscan pattern engine allocates its scratch on its own.)
 * ------------------------------------------------------------------- */
typedef struct sg_allocator {
    void *(*malloc_fn)(void *opaque, size_t size);
    void *(*realloc_fn)(void *opaque, void *ptr, size_t size);
    void (*free_fn)(void *opaque, void *ptr);
    void *opaque;
} sg_allocator;

/* ---------------------------------------------------------------------
 * Findings and results
 * ------------------------------------------------------------------- */
typedef enum sg_severity {
    SG_SEV_INFO = 0,
    SG_SEV_LOW = 1,
    SG_SEV_MEDIUM = 2,
    SG_SEV_HIGH = 3,
    SG_SEV_CRITICAL = 4
} sg_severity;

/* Ordered: a larger verdict is worse. ERROR means the file could not be
 * (fully) checked; SKIPPED that it was deliberately not opened. */
typedef enum sg_verdict {
    SG_VERDICT_PASS = 0,
    SG_VERDICT_REVIEW = 1,
    SG_VERDICT_BLOCK = 2,
    SG_VERDICT_ERROR = 3,
    SG_VERDICT_SKIPPED = 4
} sg_verdict;

const char *sg_severity_name(sg_severity sev); /* "low", "high"... */
const char *sg_verdict_name(sg_verdict v);     /* "pass", "block"... */

/* Where a finding is. Unknown numeric fields are 0 (offset: -1); unknown
 * strings are NULL. Every key known for the format is filled in. */
typedef struct sg_location {
    /* text: 1-based line, 1-based column in characters, 0-based byte offset
     * in the original file (before any transcoding) */
    long long line;
    long long col;
    long long offset;
    /* tables: 1-based row number in the file, column header (or NULL when
     * the table has no header row), 1-based column index, column letter */
    long long row;
    const char *column;
    long long column_index;
    const char *column_letter;
    /* containers: the member ("xl/worksheets/sheet2.xml"; inside an
     * embedded file "xl/embeddings/Book1.xlsx!xl/worksheets/sheet1.xml"),
     * the sheet's name, the cell ("B7"), the 1-based slide and paragraph */
    const char *part;
    const char *sheet;
    const char *cell;
    long long slide;
    long long paragraph;
    /* PDF: the 1-based page; a box on it in points from its top-left corner
     * as displayed (x0, y0, x1, y1; has_box 0 when there is none); the
     * earlier revision the text comes from (1 the first, 0 the final one);
     * the text layer when it is not the page's ordinary text ("ocr": an
     * invisible OCR layer over a scanned image, which mirrors what a reader
     * sees) */
    long long page;
    int has_box;
    double box[4];
    long long revision;
    const char *text_layer;
} sg_location;

typedef struct sg_finding {
    const char *rule;     /* stable rule id, e.g. "pii.uk_nino" */
    sg_severity severity;
    int hidden;           /* 1: hidden from a normal reader of the document */
    const char *match;    /* the value, masked */
    const char *value;    /* the value unmasked: print only when asked */
    const char *message;  /* one human sentence, values masked */
    sg_location location;
    /* dataset.* findings: the table they describe */
    long long rows;
    size_t ncolumns;
    const char *const *columns;      /* header texts */
    const char *const *column_kinds; /* classification of each column */
    /* hidden: why ("hidden sheet", "comment", "tracked deletion"...) */
    const char *hidden_reason;
    /* personal data next to special-category data (health, ethnicity,
     * religion, sex life, offences: UK GDPR articles 9 and 10): 1, and the
     * severity is one level higher than the rule's */
    int special_category;
    /* what identifies this finding across edits of the file (rule, path,
     * part, sheet, column header, value; not its line or offset), in hex:
     * for baselines (sg_engine_baseline_add) */
    const char *fingerprint;
} sg_finding;

typedef struct sg_file_result {
    const char *path;     /* as given or as walked */
    const char *format;   /* "text", "csv", "tsv", "xlsx", "pdf"... */
    const char *encoding; /* text formats: "utf-8", "utf-16le"... or NULL */
    long long size;       /* bytes read, or -1 */
    const char *sha256;   /* lower-case hex, or NULL if not computed */
    sg_verdict verdict;
    unsigned long long findings_total; /* every finding, listed or not */
    size_t nfindings;                  /* findings listed below */
    const sg_finding *findings;
    sg_status status;  /* SG_OK, or why the file could not be checked */
    const char *error; /* NULL, or a message for a person */
    const char *skip_reason; /* verdict SKIPPED: why */
    /* findings per rule, listed or not, indexed like sg_rule_at() */
    size_t nrule_counts;
    const unsigned long long *rule_counts;
    /* findings dropped by allowed values, patterns or the baseline */
    unsigned long long suppressed;
} sg_file_result;

/* Results are handed to a callback; return 0 to go on, non-zero to stop. */
typedef int (*sg_result_fn)(void *opaque, const sg_file_result *result);

/* ---------------------------------------------------------------------
 * Rules
 * ------------------------------------------------------------------- */
typedef struct sg_rule_info {
    const char *id;          /* "pii.uk_nino" */
    const char *name;        /* "UK National Insurance number" */
    const char *description; /* what it finds and how it is validated */
    sg_severity severity;    /* default severity */
} sg_rule_info;

size_t sg_rule_count(void);
const sg_rule_info *sg_rule_at(size_t index); /* NULL past the end */
const sg_rule_info *sg_rule_find(const char *id);

/* ---------------------------------------------------------------------
 * Engine: compiled detectors and settings, shared read-only by threads
 * ------------------------------------------------------------------- */
typedef struct sg_engine sg_engine;

typedef enum sg_option {
    /* findings listed per rule per file (the count stays exact); 100 */
    SG_OPT_MAX_FINDINGS_PER_RULE = 1,
    /* longest line or CSV record kept whole for detection; 1 MiB.
     * Longer ones are cut, so memory stays bounded. */
    SG_OPT_MAX_RECORD_BYTES = 2,
    /* data rows a table of people needs to be a dataset finding; 10 */
    SG_OPT_TABLE_MIN_ROWS = 3,
    /* compute the SHA-256 of every file; 1 */
    SG_OPT_HASH = 4,
    /* directory depth limit for walks; 256 */
    SG_OPT_MAX_DEPTH = 5,
    /* containers (ZIP): bytes inflated from one file in all; 4 GiB */
    SG_OPT_MAX_INFLATED = 6,
    /* containers: inflated / compressed size of a member; 1000 */
    SG_OPT_MAX_RATIO = 7,
    /* containers: members of one archive; 100000 */
    SG_OPT_MAX_MEMBERS = 8,
    /* files embedded in files, deepest level scanned; 4 */
    SG_OPT_MAX_NESTING = 9,
    /* a part read whole into memory (shared strings, an embedded file);
     * 256 MiB */
    SG_OPT_MAX_PART_BYTES = 10,
    /* memory the PDF library may hold for one file (its cache included);
     * 1 GiB. Beyond it the file is an error, not a crash. */
    SG_OPT_MAX_DOC_MEMORY = 11,
    /* seconds one file may take (its embedded files included); beyond it
     * the file is an error, not checked further; 120, 0 for no limit */
    SG_OPT_TIMEOUT = 12,
    /* aggregate tables: counts from 1 to this are small counts
     * (dataset.small_counts); 4, 0 to switch it off */
    SG_OPT_SMALL_COUNT = 13,
    /* row-level tables: groups smaller than this on their quasi-identifiers
     * single people out (dataset.reidentifiable); 5, 0 to switch it off */
    SG_OPT_MIN_K = 14,
    /* memory the engine's allocations may hold at once, all threads
     * together (buffers, tables, the PDF library and its cache; at least
     * 16 MiB); 256 MiB, 0 for no cap. What would go beyond it is refused:
     * the file being read is an error, never a crash or a partial pass.
     * libzip, libarchive, GMime, libgsf and expat allocate outside it,
     * bounded by the part and inflation limits. */
    SG_OPT_MAX_MEMORY = 15
} sg_option;

sg_status sg_engine_new(sg_engine **out, const sg_allocator *allocator);
sg_status sg_engine_set(sg_engine *eng, sg_option opt, unsigned long long value);
unsigned long long sg_engine_get(const sg_engine *eng, sg_option opt);
/*
 * Tuning and suppression, before sg_engine_compile (docs/CONFIG.md).
 * Rule ids are those of sg_rule_at(); a rule switched off is not looked
 * for and never counted. Allowed values (a switchboard number, a press
 * office address) are compared without case and spaces; patterns are
 * PCRE2 expressions matched against the whole value. rule_id NULL or "*":
 * any rule. Suppressed findings are counted in sg_file_result.suppressed.
 */
sg_status sg_engine_rule_enable(sg_engine *eng, const char *rule_id, int enabled);
sg_status sg_engine_rule_severity(sg_engine *eng, const char *rule_id, sg_severity severity);
sg_status sg_engine_allow_value(sg_engine *eng, const char *rule_id, const char *value);
sg_status sg_engine_allow_pattern(sg_engine *eng, const char *rule_id, const char *pattern);
/* Suppress findings whose fingerprint (sg_finding.fingerprint, "fingerprint"
 * in JSON Lines) is given: findings already reviewed. */
sg_status sg_engine_baseline_add(sg_engine *eng, const char *fingerprint);
/* Add every fingerprint of a JSON Lines report written by spillguard. */
sg_status sg_engine_load_baseline(sg_engine *eng, const char *path);
/* A rule of one's own: a pattern (Vectorscan syntax, PCRE-like), an
 * optional check of its digits ("luhn", "mod11", "mod97" or NULL), words
 * one of which must be within 48 bytes before or 24 after (NULL-terminated,
 * or NULL for none), a severity. id starts with "custom." and is unique;
 * up to 8 per engine. Its findings are personal data: hidden, they block. */
typedef struct sg_custom_rule {
    const char *id;
    const char *name;
    const char *pattern;
    const char *check;
    const char *const *context;
    sg_severity severity;
    int whole_words; /* 1: not inside a longer word or number */
} sg_custom_rule;

sg_status sg_engine_add_rule(sg_engine *eng, const sg_custom_rule *rule);
/* Read a YAML configuration file: allowed values and patterns, rules off
 * or with another severity, thresholds. sg_engine_error() says what is
 * wrong with it. */
sg_status sg_engine_load_config(sg_engine *eng, const char *path);
/* The same from memory (a configuration kept elsewhere); name labels the
 * messages ("policy.yaml:3: ..."), or NULL. */
sg_status sg_engine_load_config_buffer(sg_engine *eng, const char *data, size_t len,
                                       const char *name);
/* Compile the detectors. After this the engine must not be changed. */
sg_status sg_engine_compile(sg_engine *eng);
/* Detail of the last failure on this engine, or "". */
const char *sg_engine_error(const sg_engine *eng);
void sg_engine_free(sg_engine *eng);

/* ---------------------------------------------------------------------
 * Scanner: one per thread
 * ------------------------------------------------------------------- */
typedef struct sg_scanner sg_scanner;

sg_status sg_scanner_new(const sg_engine *eng, sg_scanner **out);
void sg_scanner_free(sg_scanner *sc);

/* Scan one file (symlinks are followed; non-regular files are refused with
 * a SKIPPED result). The callback is called exactly once, also for files
 * that fail: per-file failures are in the result, and the function returns
 * SG_OK. Other return values mean the scan itself could not run. */
sg_status sg_scan_path(sg_scanner *sc, const char *path, sg_result_fn cb, void *opaque);
/* Scan what an open descriptor reads until end of file (a pipe works). */
sg_status sg_scan_fd(sg_scanner *sc, int fd, const char *name, sg_result_fn cb, void *opaque);
/* Scan a buffer in memory. */
sg_status sg_scan_memory(sg_scanner *sc, const void *data, size_t len, const char *name,
                         sg_result_fn cb, void *opaque);

/* ---------------------------------------------------------------------
 * Batch: walk files and directories, scan on N threads, deliver results in
 * input order (directories sorted by name, bytewise) whatever N is.
 * The callback runs on one of the worker threads, never on two at once.
 * ------------------------------------------------------------------- */
typedef struct sg_batch sg_batch;

#define SG_BATCH_FOLLOW_SYMLINKS 0x1u /* follow symlinks met while walking */

typedef struct sg_summary {
    unsigned long long files; /* results delivered, skipped ones excluded */
    unsigned long long block, review, pass, errors, skipped;
    unsigned long long findings;
    unsigned long long bytes;
    double seconds;
} sg_summary;

/* threads 0 means one per online CPU. */
sg_status sg_batch_new(const sg_engine *eng, unsigned threads, unsigned flags, sg_result_fn cb,
                       void *opaque, sg_batch **out);
/* Add a file, a directory (walked recursively) or "-" (standard input).
 * Paths named here are followed if they are symlinks; symlinks met inside
 * directories only with SG_BATCH_FOLLOW_SYMLINKS. Returns SG_E_ABORTED once
 * a callback has asked to stop. */
sg_status sg_batch_add(sg_batch *b, const char *path);
/* Wait for every result to be delivered; fill *summary (may be NULL). */
sg_status sg_batch_finish(sg_batch *b, sg_summary *summary);
void sg_batch_free(sg_batch *b);

/* ---------------------------------------------------------------------
 * Reports
 * ------------------------------------------------------------------- */
typedef struct sg_report sg_report;

typedef enum sg_report_format {
    SG_REPORT_TEXT = 0,
    SG_REPORT_JSONL = 1,
    SG_REPORT_SARIF = 2
} sg_report_format;

#define SG_REPORT_REVEAL 0x1u  /* print unmasked values */
#define SG_REPORT_COLOR 0x2u   /* text: ANSI colours */
#define SG_REPORT_VERBOSE 0x4u /* text: list every finding */

/* Output goes through write_fn; it returns 0 on success. */
typedef int (*sg_write_fn)(void *opaque, const char *data, size_t len);

sg_status sg_report_new(sg_report_format format, unsigned flags, sg_write_fn write_fn,
                        void *opaque, sg_report **out);
/* An sg_result_fn: pass the report as opaque. Returns non-zero if writing
 * failed. */
int sg_report_file(void *report, const sg_file_result *result);
/* Write the closing part (summary line, SARIF tail). */
sg_status sg_report_finish(sg_report *rep, const sg_summary *summary);
void sg_report_free(sg_report *rep);

/* ---------------------------------------------------------------------
 * Clean: a copy without what the reader cannot see (docs/CLEAN.md)
 * ------------------------------------------------------------------- */
#define SG_CLEAN_KEEP_FORMULAS 0x1u /* spreadsheets: keep formulas (default: values) */
#define SG_CLEAN_TO_CSV 0x2u        /* write the visible values as CSV */
#define SG_CLEAN_DRY_RUN 0x4u       /* say what would be removed; write nothing */

/* What was removed, one line for a person each ("xl/comments1.xml removed"). */
typedef void (*sg_clean_fn)(void *opaque, const char *what);

/* Clean in into out. in is never modified; out is written to a temporary
 * file beside it and renamed into place; out naming the same file as in is
 * refused (SG_E_INVALID). The output is scanned again before the rename:
 * if any hidden.* finding remains it is removed and SG_E_NOT_CLEAN
 * returned. With SG_CLEAN_TO_CSV, out is the CSV of a single visible sheet
 * or table; with several, each goes to out with "-NAME" before ".csv" (or
 * in place of "%s" if out has one). err gets a message for a person
 * ("cannot clean: encrypted"). The scanner's engine sets the limits. */
sg_status sg_clean(sg_scanner *sc, const char *in, const char *out, unsigned flags,
                   sg_clean_fn note, void *opaque, char *err, size_t errlen);

typedef struct sg_clean_options {
    unsigned flags; /* SG_CLEAN_* */
    /* also mask ("[REDACTED]") the visible values these rules find, in
     * text, CSV and XLSX: rule ids, or prefixes ending in "." ("pii.");
     * the scanner's engine must list every finding (max findings per rule
     * high enough), and the copy must hold none of them afterwards */
    const char *const *redact;
    size_t nredact;
} sg_clean_options;

sg_status sg_clean_ex(sg_scanner *sc, const char *in, const char *out,
                      const sg_clean_options *options, sg_clean_fn note, void *opaque,
                      char *err, size_t errlen);

/* Remove the temporary files of the cleans under way (async-signal-safe:
 * for a SIGINT/SIGTERM handler that then ends the process). */
void sg_clean_remove_temporaries(void);

/* ---------------------------------------------------------------------
 * Sandbox: the process confines itself before reading untrusted files
 * ------------------------------------------------------------------- */
#define SG_SANDBOX_LANDLOCK 0x1u  /* the file system: writes only under writable */
#define SG_SANDBOX_SECCOMP 0x2u   /* no sockets, programs, processes (threads are fine) */
#define SG_SANDBOX_NO_WRITES 0x4u /* seccomp: no file opened for writing at all */

/* Confine the calling process for the rest of its life (Linux): files
 * readable everywhere; writing, creating, renaming and removing only under
 * the n directories of writable (n 0: nowhere; what is already open stays
 * usable); no network, no new programs or processes. Landlock does the file
 * system where the kernel has it, seccomp (libseccomp) the system calls,
 * each on its own: *applied says which took (SG_SANDBOX_*), err why one did
 * not. SG_E_UNSUPPORTED if neither could. Call it after opening what must
 * be written and; threads may be started before or after. */
sg_status sg_sandbox_enter(const char *const *writable, size_t n, unsigned *applied, char *err,
                           size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* SPILLGUARD_H */
