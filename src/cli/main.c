/*
 * main.c - the spillguard command. A client of include/spillguard.h only:
 * it parses options, feeds paths to an sg_batch, hands results to an
 * sg_report, writes the report atomically, and turns the summary into an
 * exit code (0 nothing at or above --fail-on, 1 findings, 2 errors).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "spillguard.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_CLEAN 0
#define EXIT_FINDINGS 1
#define EXIT_TROUBLE 2

static const char *prog = "spillguard";

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage: %s scan [OPTIONS] PATH...\n"
            "       %s clean [OPTIONS] FILE... (-o OUT | -d DIR)   (%s clean --help)\n"
            "       %s rules\n"
            "       %s --version\n"
            "\n"
            "Find personal data and hidden content in documents before they are released.\n"
            "PATH may be a file, a directory (scanned recursively) or - (standard input).\n"
            "\n"
            "Output:\n"
            "  -f, --format FMT        text, jsonl or sarif (default: text on a terminal,\n"
            "                          jsonl otherwise)\n"
            "  -o, --output FILE       write the report to FILE (atomically)\n"
            "      --reveal            print the values found, unmasked\n"
            "  -v, --verbose           text: list every finding\n"
            "  -q, --quiet             no report; the exit code says it all\n"
            "      --color WHEN        auto, always or never (NO_COLOR is honoured)\n"
            "\n"
            "What to scan:\n"
            "  -L, --follow            follow symbolic links met inside directories\n"
            "      --files-from FILE   read paths from FILE, one per line (- for stdin)\n"
            "  -0, --null              paths in --files-from end with NUL, not newline\n"
            "  -j, --threads N         worker threads (default: one per CPU)\n"
            "\n"
            "Verdicts and limits:\n"
            "      --fail-on LEVEL     review (default) or block: exit 1 at or above it\n"
            "      --max-findings N    findings listed per rule per file (default 100;\n"
            "                          counts stay exact)\n"
            "      --max-record N      longest line or CSV record kept whole, bytes\n"
            "                          (default 1048576)\n"
            "      --table-min-rows N  rows a table of people needs (default 10)\n"
            "      --small-counts N    counts from 1 to N in an aggregate table are small\n"
            "                          counts (default 4; 0: off)\n"
            "      --min-k N           rows in groups smaller than N on their quasi-identifiers\n"
            "                          are re-identifiable (default 5; 0: off)\n"
            "      --max-depth N       directory depth limit (default 256)\n"
            "      --no-hash           do not compute SHA-256 of each file\n"
            "\n"
            "Configuration (docs/CONFIG.md):\n"
            "      --config FILE       read FILE (YAML); without it, ./.spillguard.yml is read\n"
            "                          if there is one\n"
            "      --no-config         read no configuration file\n"
            "      --baseline FILE     suppress the findings of an earlier JSON Lines report\n"
            "                          (may be given more than once)\n"
            "      --only PREFIX       report only rules whose id starts with PREFIX\n"
            "                          (hidden., pii.uk_nino; may be given more than once)\n"
            "\n"
            "Containers (office files are ZIP archives; every input is hostile):\n"
            "      --max-inflated N    bytes inflated from one file in all (default 4 GiB)\n"
            "      --max-ratio N       inflated/compressed size of a member (default 1000)\n"
            "      --max-members N     members of one archive (default 100000)\n"
            "      --max-nesting N     files embedded in files, levels scanned (default 4)\n"
            "      --max-part N        a part read whole into memory, bytes (default 256 MiB)\n"
            "      --max-memory N      memory the scan may hold at once, all files and\n"
            "                          threads together, bytes (default 256 MiB)\n"
            "      --timeout N         seconds one file may take; 0 for none (default 120)\n"
            "      --no-sandbox        do not confine the process (debugging; see docs/SECURITY.md)\n"
            "\n"
            "Exit status: 0 nothing at or above --fail-on, 1 findings at or above it,\n"
            "2 usage error or a file that could not be read.\n",
            prog, prog, prog, prog, prog);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", prog);
    return EXIT_TROUBLE;
}

static bool parse_count(const char *s, unsigned long long min, unsigned long long max,
                        unsigned long long *out)
{
    if (!s || !*s || *s == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* ---------------------------------------------------------- output file */

static char *tmp_path; /* the report being written, if any */

static void on_signal(int sig)
{
    if (tmp_path)
        unlink(tmp_path);
    sg_clean_remove_temporaries();
    signal(sig, SIG_DFL);
    raise(sig);
}

static int write_fp(void *opaque, const char *data, size_t len)
{
    FILE *fp = opaque;
    return fwrite(data, 1, len, fp) == len ? 0 : 1;
}

/* Create a temporary file beside target, to be renamed over it. */
static FILE *open_atomic(const char *target)
{
    char *copy = strdup(target);
    if (!copy)
        return NULL;
    const char *dir = dirname(copy);
    size_t n = strlen(dir) + 32;
    tmp_path = malloc(n);
    if (!tmp_path) {
        free(copy);
        return NULL;
    }
    snprintf(tmp_path, n, "%s/.spillguard-XXXXXX", dir);
    free(copy);
    int fd = mkstemp(tmp_path);
    if (fd < 0) {
        free(tmp_path);
        tmp_path = NULL;
        return NULL;
    }
    FILE *fp = fdopen(fd, "w"); /* 0600 while it is written */
    if (!fp) {
        close(fd);
        unlink(tmp_path);
        free(tmp_path);
        tmp_path = NULL;
    }
    return fp;
}

static bool close_atomic(FILE *fp, const char *target, bool keep)
{
    bool ok = fflush(fp) == 0 && !ferror(fp) && fsync(fileno(fp)) == 0;
    if (ok && keep) { /* complete: the mode of a new file, as it is placed */
        mode_t um = umask(0);
        umask(um);
        ok = fchmod(fileno(fp), 0666 & ~um) == 0;
    }
    ok = (fclose(fp) == 0) && ok;
    if (ok && keep && rename(tmp_path, target) == 0) {
        free(tmp_path);
        tmp_path = NULL;
        return true;
    }
    if (keep)
        fprintf(stderr, "%s: cannot write %s: %s\n", prog, target, strerror(errno));
    unlink(tmp_path);
    free(tmp_path);
    tmp_path = NULL;
    return false;
}

/* --------------------------------------------------------------- scan */

typedef struct run {
    sg_report *rep; /* NULL with --quiet */
    bool write_failed;
} run;

static int on_result(void *opaque, const sg_file_result *r)
{
    run *rn = opaque;
    if (rn->rep && sg_report_file(rn->rep, r) != 0) {
        rn->write_failed = true;
        return 1;
    }
    return 0;
}

static sg_status add_files_from(sg_batch *b, const char *list, bool nul, bool *bad)
{
    FILE *fp = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
    if (!fp) {
        fprintf(stderr, "%s: cannot open %s: %s\n", prog, list, strerror(errno));
        *bad = true;
        return SG_OK;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    sg_status st = SG_OK;
    while (st == SG_OK && (n = getdelim(&line, &cap, nul ? '\0' : '\n', fp)) > 0) {
        if (!nul && line[n - 1] == '\n')
            line[--n] = '\0';
        if (!nul && n > 0 && line[n - 1] == '\r')
            line[--n] = '\0';
        if (n == 0 || (nul && line[0] == '\0'))
            continue;
        st = sg_batch_add(b, line);
    }
    if (ferror(fp)) {
        fprintf(stderr, "%s: error reading %s\n", prog, list);
        *bad = true;
    }
    free(line);
    if (fp != stdin)
        fclose(fp);
    return st;
}

enum {
    OPT_REVEAL = 256,
    OPT_FAIL_ON,
    OPT_FILES_FROM,
    OPT_MAX_FINDINGS,
    OPT_MAX_RECORD,
    OPT_TABLE_MIN_ROWS,
    OPT_MAX_DEPTH,
    OPT_NO_HASH,
    OPT_COLOR,
    OPT_MAX_INFLATED,
    OPT_MAX_RATIO,
    OPT_MAX_MEMBERS,
    OPT_MAX_NESTING,
    OPT_MAX_PART,
    OPT_MAX_MEMORY,
    OPT_TIMEOUT,
    OPT_SMALL_COUNTS,
    OPT_MIN_K,
    OPT_CONFIG,
    OPT_NO_CONFIG,
    OPT_BASELINE,
    OPT_ONLY,
    OPT_TO,
    OPT_DRY_RUN,
    OPT_KEEP_FORMULAS,
    OPT_REDACT,
    OPT_NO_SANDBOX
};

/* ------------------------------------------------------------- sandbox */

/* Confine the process before the first untrusted byte is read: writes
 * only in dir (NULL: nowhere). Off with --no-sandbox or
 * SPILLGUARD_NO_SANDBOX=1 (debugging); -v says what was applied. */
static void confine(const char *dir, bool off, bool verbose)
{
    const char *env = getenv("SPILLGUARD_NO_SANDBOX");
    if (off || (env && *env && strcmp(env, "0") != 0)) {
        if (verbose)
            fprintf(stderr, "%s: sandbox: off\n", prog);
        return;
    }
    const char *dirs[1] = {dir};
    unsigned applied = 0;
    char err[512] = "";
    sg_sandbox_enter(dirs, dir ? 1 : 0, &applied, err, sizeof(err));
    if (verbose)
        fprintf(stderr, "%s: sandbox: landlock %s, seccomp %s%s%s%s\n", prog,
                applied & SG_SANDBOX_LANDLOCK ? "on" : "off",
                applied & SG_SANDBOX_SECCOMP ? "on" : "off",
                applied & SG_SANDBOX_NO_WRITES ? " (no file writes)" : "",
                err[0] ? ": " : "", err);
}

/* The directory of path, in buf. */
static const char *dir_of(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, n, ".");
    else if (slash == path)
        snprintf(buf, n, "/");
    else
        snprintf(buf, n, "%.*s", (int)(slash - path), path);
    return buf;
}

static int cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"reveal", no_argument, NULL, OPT_REVEAL},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"color", required_argument, NULL, OPT_COLOR},
        {"colour", required_argument, NULL, OPT_COLOR},
        {"follow", no_argument, NULL, 'L'},
        {"files-from", required_argument, NULL, OPT_FILES_FROM},
        {"null", no_argument, NULL, '0'},
        {"threads", required_argument, NULL, 'j'},
        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
        {"max-findings", required_argument, NULL, OPT_MAX_FINDINGS},
        {"max-record", required_argument, NULL, OPT_MAX_RECORD},
        {"table-min-rows", required_argument, NULL, OPT_TABLE_MIN_ROWS},
        {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
        {"no-hash", no_argument, NULL, OPT_NO_HASH},
        {"max-inflated", required_argument, NULL, OPT_MAX_INFLATED},
        {"max-ratio", required_argument, NULL, OPT_MAX_RATIO},
        {"max-members", required_argument, NULL, OPT_MAX_MEMBERS},
        {"max-nesting", required_argument, NULL, OPT_MAX_NESTING},
        {"max-part", required_argument, NULL, OPT_MAX_PART},
        {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"no-sandbox", no_argument, NULL, OPT_NO_SANDBOX},
        {"small-counts", required_argument, NULL, OPT_SMALL_COUNTS},
        {"min-k", required_argument, NULL, OPT_MIN_K},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"no-config", no_argument, NULL, OPT_NO_CONFIG},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"only", required_argument, NULL, OPT_ONLY},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};

    int format = -1;
    const char *only[16];
    size_t nonly = 0;
    const char *output = NULL, *files_from = NULL, *color = "auto", *config = NULL;
    const char *baselines[16];
    size_t nbaselines = 0;
    bool no_config = false, set_findings = false, set_min_rows = false, set_small = false,
         set_min_k = false;
    bool reveal = false, verbose = false, quiet = false, follow = false, nul = false,
         no_sandbox = false;
    bool fail_on_block = false, no_hash = false;
    unsigned long long threads = 0, max_findings = 100, max_record = 1u << 20, min_rows = 10,
                       max_depth = 256, max_inflated = 4ULL << 30, max_ratio = 1000,
                       max_members = 100000, max_nesting = 4, max_part = 256ULL << 20,
                       max_memory = 256ULL << 20, timeout = 120, small_counts = 4, min_k = 5;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:vqL0j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "text") == 0)
                format = SG_REPORT_TEXT;
            else if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "json") == 0)
                format = SG_REPORT_JSONL;
            else if (strcmp(optarg, "sarif") == 0)
                format = SG_REPORT_SARIF;
            else
                return usage_error("unknown format '%s' (text, jsonl or sarif)", optarg);
            break;
        case 'o':
            output = optarg;
            break;
        case OPT_REVEAL:
            reveal = true;
            break;
        case 'v':
            verbose = true;
            break;
        case 'q':
            quiet = true;
            break;
        case OPT_COLOR:
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
                return usage_error("--color takes auto, always or never, not '%s'", optarg);
            color = optarg;
            break;
        case 'L':
            follow = true;
            break;
        case OPT_FILES_FROM:
            files_from = optarg;
            break;
        case '0':
            nul = true;
            break;
        case 'j':
            if (!parse_count(optarg, 1, 256, &threads))
                return usage_error("-j takes a number of threads from 1 to 256, not '%s'",
                                   optarg);
            break;
        case OPT_FAIL_ON:
            if (strcmp(optarg, "block") == 0)
                fail_on_block = true;
            else if (strcmp(optarg, "review") == 0)
                fail_on_block = false;
            else
                return usage_error("--fail-on takes review or block, not '%s'", optarg);
            break;
        case OPT_MAX_FINDINGS:
            if (!parse_count(optarg, 1, 10000000, &max_findings))
                return usage_error("--max-findings takes a number from 1, not '%s'", optarg);
            set_findings = true;
            break;
        case OPT_MAX_RECORD:
            if (!parse_count(optarg, 4096, 1ULL << 30, &max_record))
                return usage_error("--max-record takes bytes from 4096 to 1 GiB, not '%s'",
                                   optarg);
            break;
        case OPT_TABLE_MIN_ROWS:
            if (!parse_count(optarg, 1, 1ULL << 40, &min_rows))
                return usage_error("--table-min-rows takes a number from 1, not '%s'", optarg);
            set_min_rows = true;
            break;
        case OPT_MAX_DEPTH:
            if (!parse_count(optarg, 1, 100000, &max_depth))
                return usage_error("--max-depth takes a number from 1, not '%s'", optarg);
            break;
        case OPT_NO_HASH:
            no_hash = true;
            break;
        case OPT_MAX_INFLATED:
            if (!parse_count(optarg, 1024, ~0ULL, &max_inflated))
                return usage_error("--max-inflated takes bytes from 1024, not '%s'", optarg);
            break;
        case OPT_MAX_RATIO:
            if (!parse_count(optarg, 2, ~0ULL, &max_ratio))
                return usage_error("--max-ratio takes a number from 2, not '%s'", optarg);
            break;
        case OPT_MAX_MEMBERS:
            if (!parse_count(optarg, 1, ~0ULL, &max_members))
                return usage_error("--max-members takes a number from 1, not '%s'", optarg);
            break;
        case OPT_MAX_NESTING:
            if (!parse_count(optarg, 0, 64, &max_nesting))
                return usage_error("--max-nesting takes a number from 0 to 64, not '%s'", optarg);
            break;
        case OPT_MAX_PART:
            if (!parse_count(optarg, 4096, ~0ULL, &max_part))
                return usage_error("--max-part takes bytes from 4096, not '%s'", optarg);
            break;
        case OPT_MAX_MEMORY:
            if (!parse_count(optarg, 16ULL << 20, ~0ULL, &max_memory))
                return usage_error("--max-memory takes bytes from 16777216, not '%s'", optarg);
            break;
        case OPT_NO_SANDBOX:
            no_sandbox = true;
            break;
        case OPT_TIMEOUT:
            if (!parse_count(optarg, 0, ~0ULL, &timeout))
                return usage_error("--timeout takes seconds, not '%s'", optarg);
            break;
        case OPT_SMALL_COUNTS:
            if (!parse_count(optarg, 0, 1000, &small_counts))
                return usage_error("--small-counts takes a number from 0 to 1000, not '%s'",
                                   optarg);
            set_small = true;
            break;
        case OPT_CONFIG:
            config = optarg;
            break;
        case OPT_NO_CONFIG:
            no_config = true;
            break;
        case OPT_BASELINE:
            if (nbaselines == sizeof(baselines) / sizeof(baselines[0]))
                return usage_error("%s", "at most 16 --baseline files");
            baselines[nbaselines++] = optarg;
            break;
        case OPT_ONLY:
            if (nonly == sizeof(only) / sizeof(only[0]))
                return usage_error("%s", "at most 16 --only");
            only[nonly++] = optarg;
            break;
        case OPT_MIN_K:
            if (!parse_count(optarg, 0, 1000, &min_k))
                return usage_error("--min-k takes a number from 0 to 1000, not '%s'", optarg);
            set_min_k = true;
            break;
        case 'h':
            usage(stdout);
            return EXIT_CLEAN;
        default:
            fprintf(stderr, "Try '%s --help'.\n", prog);
            return EXIT_TROUBLE;
        }
    }
    if (optind >= argc && !files_from)
        return usage_error("%s", "scan needs at least one PATH (or --files-from)");
    if (nul && !files_from)
        return usage_error("%s", "--null goes with --files-from");
    if (files_from && strcmp(files_from, "-") == 0) {
        for (int i = optind; i < argc; i++)
            if (strcmp(argv[i], "-") == 0)
                return usage_error("%s", "standard input cannot be both --files-from and a PATH");
    }

    bool to_tty = !output && isatty(STDOUT_FILENO);
    if (format < 0)
        format = to_tty ? SG_REPORT_TEXT : SG_REPORT_JSONL;
    const char *no_color = getenv("NO_COLOR");
    bool use_color = format == SG_REPORT_TEXT &&
                     (strcmp(color, "always") == 0 ||
                      (strcmp(color, "auto") == 0 && to_tty && !(no_color && *no_color)));

    if (config && no_config)
        return usage_error("%s", "--config and --no-config together");
    sg_engine *eng = NULL;
    sg_status st = sg_engine_new(&eng, NULL);
    /* the configuration file first: options given on the command line win */
    if (st == SG_OK && !config && !no_config && access(".spillguard.yml", F_OK) == 0)
        config = ".spillguard.yml";
    if (st == SG_OK && config) {
        st = sg_engine_load_config(eng, config);
        if (st == SG_OK) {
            if (!set_findings)
                max_findings = sg_engine_get(eng, SG_OPT_MAX_FINDINGS_PER_RULE);
            if (!set_min_rows)
                min_rows = sg_engine_get(eng, SG_OPT_TABLE_MIN_ROWS);
            if (!set_small)
                small_counts = sg_engine_get(eng, SG_OPT_SMALL_COUNT);
            if (!set_min_k)
                min_k = sg_engine_get(eng, SG_OPT_MIN_K);
        } else {
            fprintf(stderr, "%s: %s\n", prog, sg_engine_error(eng));
            sg_engine_free(eng);
            return EXIT_TROUBLE;
        }
    }
    for (size_t i = 0; st == SG_OK && i < nbaselines; i++) {
        st = sg_engine_load_baseline(eng, baselines[i]);
        if (st != SG_OK) {
            fprintf(stderr, "%s: --baseline: %s\n", prog, sg_engine_error(eng));
            sg_engine_free(eng);
            return EXIT_TROUBLE;
        }
    }
    /* --only: every rule off whose id starts with none of the prefixes */
    for (size_t i = 0; st == SG_OK && nonly && i < sg_rule_count(); i++) {
        const char *id = sg_rule_at(i)->id;
        bool keep = false;
        for (size_t j = 0; j < nonly && !keep; j++)
            keep = strncmp(id, only[j], strlen(only[j])) == 0;
        if (!keep)
            st = sg_engine_rule_enable(eng, id, 0);
    }
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_MAX_FINDINGS_PER_RULE, max_findings);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_MAX_RECORD_BYTES, max_record);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_TABLE_MIN_ROWS, min_rows);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_MAX_DEPTH, max_depth);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_HASH, !no_hash);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_MAX_INFLATED, max_inflated);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_MAX_RATIO, max_ratio);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_MAX_MEMBERS, max_members);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_MAX_NESTING, max_nesting);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_MAX_PART_BYTES, max_part);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_MAX_MEMORY, max_memory);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_TIMEOUT, timeout);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_SMALL_COUNT, small_counts);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_MIN_K, min_k);
    if (st == SG_OK)
        st = sg_engine_compile(eng);
    if (st != SG_OK) {
        fprintf(stderr, "%s: cannot start: %s %s\n", prog, sg_strerror(st),
                eng ? sg_engine_error(eng) : "");
        sg_engine_free(eng);
        return EXIT_TROUBLE;
    }

    FILE *out = stdout;
    if (output) {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGHUP, on_signal);
        out = open_atomic(output);
        if (!out) {
            fprintf(stderr, "%s: cannot create a file beside %s: %s\n", prog, output,
                    strerror(errno));
            sg_engine_free(eng);
            return EXIT_TROUBLE;
        }
    }

    run rn = {NULL, false};
    unsigned flags = (reveal ? SG_REPORT_REVEAL : 0) | (use_color ? SG_REPORT_COLOR : 0) |
                     (verbose ? SG_REPORT_VERBOSE : 0);
    if (!quiet && sg_report_new((sg_report_format)format, flags, write_fp, out, &rn.rep) != SG_OK) {
        fprintf(stderr, "%s: out of memory\n", prog);
        sg_engine_free(eng);
        return EXIT_TROUBLE;
    }

    char dirbuf[4096];
    confine(output ? dir_of(output, dirbuf, sizeof(dirbuf)) : NULL, no_sandbox, verbose);

    sg_batch *b = NULL;
    st = sg_batch_new(eng, (unsigned)threads, follow ? SG_BATCH_FOLLOW_SYMLINKS : 0, on_result,
                      &rn, &b);
    bool bad_list = false;
    if (st == SG_OK) {
        for (int i = optind; i < argc && st == SG_OK; i++)
            st = sg_batch_add(b, argv[i]);
        if (st == SG_OK && files_from)
            st = add_files_from(b, files_from, nul, &bad_list);
    }
    sg_summary sum = {0};
    sg_status fin = b ? sg_batch_finish(b, &sum) : st;
    if (st == SG_OK)
        st = fin;
    sg_batch_free(b);

    bool write_ok = !rn.write_failed;
    if (rn.rep && !rn.write_failed && sg_report_finish(rn.rep, &sum) != SG_OK)
        write_ok = false;
    sg_report_free(rn.rep);
    if (output) {
        if (!close_atomic(out, output, write_ok))
            write_ok = false;
    } else if (fflush(stdout) != 0) {
        write_ok = false;
    }
    sg_engine_free(eng);

    if (!write_ok) {
        if (!output)
            fprintf(stderr, "%s: cannot write the report: %s\n", prog, strerror(errno));
        return EXIT_TROUBLE;
    }
    if (st != SG_OK && st != SG_E_ABORTED) {
        fprintf(stderr, "%s: %s\n", prog, sg_strerror(st));
        return EXIT_TROUBLE;
    }
    if (sum.errors || bad_list)
        return EXIT_TROUBLE;
    unsigned long long hits = fail_on_block ? sum.block : sum.block + sum.review;
    return hits ? EXIT_FINDINGS : EXIT_CLEAN;
}

/* -------------------------------------------------------------- clean */

static void clean_usage(FILE *fp)
{
    fprintf(fp,
            "Usage: %s clean [OPTIONS] FILE -o OUT\n"
            "       %s clean [OPTIONS] FILE... -d DIR\n"
            "\n"
            "Write a copy without what the reader cannot see: hidden sheets, rows and\n"
            "columns, comments, tracked changes, notes, pivot caches, embedded objects,\n"
            "macros, metadata, text under PDF redaction boxes, earlier PDF revisions...\n"
            "What the reader can see stays, personal data included. The copy is scanned\n"
            "again before it is kept; the input is never changed.\n"
            "Formats: XLSX, DOCX, PPTX (and macro-enabled), ODS, ODT, ODP, PDF, JPEG,\n"
            "PNG; text and CSV are copied as they are.\n"
            "\n"
            "  -o, --output OUT        the cleaned copy (one FILE)\n"
            "  -d, --dir DIR           cleaned copies into DIR, under their own names\n"
            "      --to csv            the visible values as CSV instead: one file per\n"
            "                          visible sheet (or DOCX/ODT table), named OUT with\n"
            "                          -SHEET before .csv, or OUT with %%s replaced\n"
            "      --keep-formulas     keep formulas (default: their values only)\n"
            "      --redact RULES      also mask what these rules find where it can be seen\n"
            "                          (text, CSV, XLSX): rule ids or prefixes such as\n"
            "                          pii.uk_nino,pii.email or pii. (may be repeated)\n"
            "      --dry-run           report what would be removed (as scan does, with\n"
            "                          -f text|jsonl|sarif); write nothing\n"
            "  -f, --format FMT        --dry-run report format\n"
            "  -q, --quiet             say nothing on success\n"
            "      --config FILE, --no-config, --max-part N, --max-memory N, --timeout N,\n"
            "      --max-inflated N, --max-ratio N, --max-members N, --no-sandbox   as for scan\n"
            "\n"
            "Exit status: 0 every file cleaned (--dry-run: nothing to remove), 1 hidden\n"
            "content remained in a copy, which was not kept (--dry-run: something to\n"
            "remove), 2 usage error or a file that could not be cleaned.\n",
            prog, prog);
}

static void on_clean_note(void *opaque, const char *what)
{
    if (opaque)
        printf("  %s\n", what);
}


static int cmd_clean(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"dir", required_argument, NULL, 'd'},
        {"to", required_argument, NULL, OPT_TO},
        {"keep-formulas", no_argument, NULL, OPT_KEEP_FORMULAS},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"redact", required_argument, NULL, OPT_REDACT},
        {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"no-config", no_argument, NULL, OPT_NO_CONFIG},
        {"max-part", required_argument, NULL, OPT_MAX_PART},
        {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"no-sandbox", no_argument, NULL, OPT_NO_SANDBOX},
        {"max-inflated", required_argument, NULL, OPT_MAX_INFLATED},
        {"max-ratio", required_argument, NULL, OPT_MAX_RATIO},
        {"max-members", required_argument, NULL, OPT_MAX_MEMBERS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *output = NULL, *dir = NULL, *config = NULL, *format = NULL;
    bool to_csv = false, keep_formulas = false, dry_run = false, quiet = false, no_config = false,
         no_sandbox = false;
    char *redact_buf[64];
    const char *redact[64];
    size_t nredact = 0, nbuf = 0;
    /* options passed on to the scan of --dry-run */
    char *pass[32];
    int npass = 0;
    struct {
        int opt;
        const char *flag;
        sg_option id;
        unsigned long long min, value;
        bool set;
    } limits[] = {{OPT_MAX_PART, "--max-part", SG_OPT_MAX_PART_BYTES, 4096, 0, false},
                  {OPT_MAX_MEMORY, "--max-memory", SG_OPT_MAX_MEMORY, 16ULL << 20, 0, false},
                  {OPT_TIMEOUT, "--timeout", SG_OPT_TIMEOUT, 0, 0, false},
                  {OPT_MAX_INFLATED, "--max-inflated", SG_OPT_MAX_INFLATED, 1024, 0, false},
                  {OPT_MAX_RATIO, "--max-ratio", SG_OPT_MAX_RATIO, 2, 0, false},
                  {OPT_MAX_MEMBERS, "--max-members", SG_OPT_MAX_MEMBERS, 1, 0, false}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:d:f:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'd':
            dir = optarg;
            break;
        case OPT_TO:
            if (strcmp(optarg, "csv") != 0)
                return usage_error("--to takes csv, not '%s'", optarg);
            to_csv = true;
            break;
        case OPT_KEEP_FORMULAS:
            keep_formulas = true;
            break;
        case OPT_NO_SANDBOX:
            no_sandbox = true;
            break;
        case OPT_DRY_RUN:
            dry_run = true;
            break;
        case OPT_REDACT: {
            if (nbuf == 64)
                return usage_error("%s", "too many --redact");
            char *copy = strdup(optarg);
            if (!copy)
                return EXIT_TROUBLE;
            redact_buf[nbuf++] = copy;
            for (char *t = strtok(copy, ","); t; t = strtok(NULL, ",")) {
                size_t tl = strlen(t);
                bool known = false;
                for (size_t i = 0; i < sg_rule_count() && !known; i++) {
                    const char *id = sg_rule_at(i)->id;
                    known = strcmp(id, t) == 0 || (tl && t[tl - 1] == '.' && strncmp(id, t, tl) == 0);
                }
                if (!known)
                    return usage_error("--redact: no rule '%s' (see '%s rules'; a prefix ends "
                                       "in '.')",
                                       t, prog);
                if (nredact == 64)
                    return usage_error("%s", "too many rules to --redact");
                redact[nredact++] = t;
            }
            break;
        }
        case 'f':
            format = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case OPT_CONFIG:
            config = optarg;
            break;
        case OPT_NO_CONFIG:
            no_config = true;
            break;
        case 'h':
            clean_usage(stdout);
            return EXIT_CLEAN;
        default: {
            bool found = false;
            for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
                if (limits[i].opt != c)
                    continue;
                found = true;
                if (!parse_count(optarg, limits[i].min, ~0ULL, &limits[i].value))
                    return usage_error("%s takes a number from %llu, not '%s'", limits[i].flag,
                                       limits[i].min, optarg);
                limits[i].set = true;
                if (npass + 2 < 32) {
                    pass[npass++] = (char *)limits[i].flag;
                    pass[npass++] = optarg;
                }
            }
            if (!found) {
                fprintf(stderr, "Try '%s clean --help'.\n", prog);
                return EXIT_TROUBLE;
            }
        }
        }
    }
    int nin = argc - optind;
    if (nin < 1)
        return usage_error("%s", "clean needs at least one FILE");
    if (config && no_config)
        return usage_error("%s", "--config and --no-config together");
    if (format && !dry_run)
        return usage_error("%s", "-f goes with --dry-run (clean itself writes no report)");
    if (dry_run) {
        /* what would be removed is what a scan finds hidden */
        char *sargv[80];
        int sn = 0;
        sargv[sn++] = "scan";
        sargv[sn++] = "--only";
        sargv[sn++] = "hidden.";
        if (format) {
            sargv[sn++] = "-f";
            sargv[sn++] = (char *)format;
        }
        if (config) {
            sargv[sn++] = "--config";
            sargv[sn++] = (char *)config;
        }
        if (no_config)
            sargv[sn++] = "--no-config";
        if (no_sandbox)
            sargv[sn++] = "--no-sandbox";
        for (int i = 0; i < npass && sn < 40; i++)
            sargv[sn++] = pass[i];
        sargv[sn++] = "--";
        char **all = malloc(sizeof(char *) * (size_t)(sn + nin + 1));
        if (!all)
            return EXIT_TROUBLE;
        memcpy(all, sargv, sizeof(char *) * (size_t)sn);
        for (int i = 0; i < nin; i++)
            all[sn + i] = argv[optind + i];
        all[sn + nin] = NULL;
        int rc = cmd_scan(sn + nin, all);
        free(all);
        return rc;
    }
    if (!output == !dir)
        return usage_error("%s", "clean needs -o OUT or -d DIR (one of them)");
    if (output && nin > 1)
        return usage_error("%s", "-o takes one FILE; use -d DIR for several");
    if (dir) {
        struct stat sb;
        if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return usage_error("%s is not a directory", dir);
    }

    sg_engine *eng = NULL;
    sg_status st = sg_engine_new(&eng, NULL);
    if (st == SG_OK && !config && !no_config && access(".spillguard.yml", F_OK) == 0)
        config = ".spillguard.yml";
    if (st == SG_OK && config && (st = sg_engine_load_config(eng, config)) != SG_OK) {
        fprintf(stderr, "%s: %s\n", prog, sg_engine_error(eng));
        sg_engine_free(eng);
        return EXIT_TROUBLE;
    }
    for (size_t i = 0; st == SG_OK && i < sizeof(limits) / sizeof(limits[0]); i++)
        if (limits[i].set)
            st = sg_engine_set(eng, limits[i].id, limits[i].value);
    if (st == SG_OK)
        st = sg_engine_set(eng, SG_OPT_HASH, 0);
    if (st == SG_OK && nredact) /* every value found must be listed to be masked */
        st = sg_engine_set(eng, SG_OPT_MAX_FINDINGS_PER_RULE, 10000000);
    if (st == SG_OK)
        st = sg_engine_compile(eng);
    sg_scanner *sc = NULL;
    if (st == SG_OK)
        st = sg_scanner_new(eng, &sc);
    if (st != SG_OK) {
        fprintf(stderr, "%s: cannot start: %s %s\n", prog, sg_strerror(st),
                eng ? sg_engine_error(eng) : "");
        sg_engine_free(eng);
        return EXIT_TROUBLE;
    }
    char dirbuf[4096];
    confine(dir ? dir : dir_of(output, dirbuf, sizeof(dirbuf)), no_sandbox, false);
    signal(SIGINT, on_signal); /* a copy being written is removed */
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    unsigned flags = (keep_formulas ? SG_CLEAN_KEEP_FORMULAS : 0) | (to_csv ? SG_CLEAN_TO_CSV : 0);
    int rc = EXIT_CLEAN;
    char **done = calloc((size_t)nin, sizeof(char *));
    for (int i = 0; i < nin; i++) {
        const char *in = argv[optind + i];
        char target[4096];
        if (dir) {
            const char *base = strrchr(in, '/');
            base = base ? base + 1 : in;
            const char *dot = strrchr(base, '.');
            if (to_csv)
                snprintf(target, sizeof(target), "%s/%.*s.csv", dir,
                         dot && dot != base ? (int)(dot - base) : (int)strlen(base), base);
            else
                snprintf(target, sizeof(target), "%s/%s", dir, base);
        } else {
            snprintf(target, sizeof(target), "%s", output);
        }
        bool twice = false;
        for (int j = 0; j < i && done; j++)
            twice = twice || (done[j] && strcmp(done[j], target) == 0);
        if (twice) {
            fprintf(stderr, "%s: %s: not cleaned: %s is the output of an earlier FILE\n", prog,
                    in, target);
            rc = EXIT_TROUBLE;
            continue;
        }
        if (done)
            done[i] = strdup(target);
        if (!quiet)
            printf("%s -> %s\n", in, target);
        char err[512];
        sg_clean_options co = {flags, redact, nredact};
        st = sg_clean_ex(sc, in, target, &co, on_clean_note, quiet ? NULL : (void *)1, err,
                         sizeof(err));
        fflush(stdout);
        if (st == SG_E_NOT_CLEAN) {
            fprintf(stderr, "%s: %s: not cleaned: %s\n", prog, in, err);
            if (rc == EXIT_CLEAN)
                rc = EXIT_FINDINGS;
        } else if (st != SG_OK) {
            fprintf(stderr, "%s: %s: cannot clean: %s\n", prog, in, err);
            rc = EXIT_TROUBLE;
        }
    }
    for (int i = 0; done && i < nin; i++)
        free(done[i]);
    free(done);
    sg_scanner_free(sc);
    sg_engine_free(eng);
    for (size_t i = 0; i < nbuf; i++)
        free(redact_buf[i]);
    if (fflush(stdout) != 0)
        rc = EXIT_TROUBLE;
    return rc;
}

static int cmd_rules(void)
{
    for (size_t i = 0; i < sg_rule_count(); i++) {
        const sg_rule_info *r = sg_rule_at(i);
        printf("%-26s %-8s %s\n    %s\n", r->id, sg_severity_name(r->severity), r->name,
               r->description);
    }
    return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_TROUBLE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "scan") == 0)
        return cmd_scan(argc - 1, argv + 1);
    if (strcmp(cmd, "clean") == 0)
        return cmd_clean(argc - 1, argv + 1);
    if (strcmp(cmd, "rules") == 0)
        return cmd_rules();
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("spillguard %s\n", sg_version());
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return EXIT_CLEAN;
    }
    return usage_error("unknown command '%s' (scan, clean, rules, --version, --help)", cmd);
}
