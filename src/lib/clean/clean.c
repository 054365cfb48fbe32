/*
 * clean.c - sg_clean: check the input, pick the cleaner, verify its output.
 *
 *   1. out must not name in (by path, or by device and inode if it exists);
 *   2. the input is scanned: its format, and whether it can be read at all
 *      (an encrypted or damaged file is refused with the scan's reason);
 *   3. the cleaner for the format writes a temporary file beside out;
 *   4. the temporary file is scanned again; any hidden.* finding left and
 *      it is removed (SG_E_NOT_CLEAN), otherwise it is synced and renamed
 *      over out (with SG_CLEAN_DRY_RUN, removed all the same).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "clean_private.h"

#include <zip.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

void sgi_clean_note(sgi_clean *c, const char *fmt, ...)
{
    c->removed++;
    if (!c->note)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    c->note(c->opaque, buf);
}

sg_status sgi_clean_refuse(sgi_clean *c, sg_status st, const char *fmt, ...)
{
    if (!c->error[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->error, sizeof(c->error), fmt, ap);
        va_end(ap);
    }
    return st;
}

/* ----------------------------------------------------- what a scan says */

typedef struct look {
    const sgi_clean *c;
    unsigned long long redact_left; /* findings of the --redact rules */
    char format[32];
    sg_status status;
    char error[400];
    unsigned long long hidden;      /* hidden.* findings */
    char hidden_rules[400];         /* "hidden.comment (2), ..." */
    bool encrypted;                 /* notice.encrypted */
} look;

static int on_look(void *opaque, const sg_file_result *r)
{
    look *l = opaque;
    snprintf(l->format, sizeof(l->format), "%s", r->format ? r->format : "");
    l->status = r->status;
    if (r->verdict == SG_VERDICT_SKIPPED && l->status == SG_OK)
        l->status = SG_E_UNSUPPORTED;
    snprintf(l->error, sizeof(l->error), "%s",
             r->error ? r->error : r->skip_reason ? r->skip_reason : "");
    size_t o = 0;
    for (size_t i = 0; i < r->nrule_counts; i++) {
        const sg_rule_info *ri = sg_rule_at(i);
        if (r->rule_counts[i] && ri && strcmp(ri->id, "notice.encrypted") == 0)
            l->encrypted = true;
        if (r->rule_counts[i] && ri && l->c && sgi_redact_wanted(l->c, ri->id))
            l->redact_left += r->rule_counts[i];
        if (!r->rule_counts[i] || !ri || strncmp(ri->id, "hidden.", 7) != 0)
            continue;
        l->hidden += r->rule_counts[i];
        if (o < sizeof(l->hidden_rules))
            o += (size_t)snprintf(l->hidden_rules + o, sizeof(l->hidden_rules) - o, "%s%s (%llu)",
                                  o ? ", " : "", ri->id, r->rule_counts[i]);
    }
    return 0;
}

static sg_status look_at(sg_scanner *sc, const sgi_clean *c, const char *path, look *l)
{
    memset(l, 0, sizeof(*l));
    l->c = c;
    return sg_scan_path(sc, path, on_look, l);
}

/* ------------------------------------------------------- writing files */

static bool same_file(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return true;
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* The temporary files being written, for sg_clean_remove_temporaries (a
 * signal handler's call): a slot is 0 free, 1 being filled, 2 in use. */
#define MAX_TEMPS 32
static char temps[MAX_TEMPS][4200];
static _Atomic int temp_state[MAX_TEMPS];

static void temp_register(const char *path)
{
    if (strlen(path) >= sizeof(temps[0]))
        return;
    for (int i = 0; i < MAX_TEMPS; i++) {
        int expect = 0;
        if (atomic_compare_exchange_strong(&temp_state[i], &expect, 1)) {
            memcpy(temps[i], path, strlen(path) + 1);
            atomic_store(&temp_state[i], 2);
            return;
        }
    }
}

void sgi_clean_temp_done(const char *tmp, bool remove)
{
    for (int i = 0; i < MAX_TEMPS; i++) {
        int expect = 2;
        if (strcmp(temps[i], tmp) == 0 &&
            atomic_compare_exchange_strong(&temp_state[i], &expect, 1)) {
            temps[i][0] = '\0';
            atomic_store(&temp_state[i], 0);
            break;
        }
    }
    if (remove)
        unlink(tmp);
}

void sg_clean_remove_temporaries(void)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (atomic_load(&temp_state[i]) == 2)
            unlink(temps[i]); /* async-signal-safe */
}

int sgi_clean_temp(const char *target, const char *ext, char *tmp, size_t n)
{
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    int w = snprintf(tmp, n, "%.*s.spillguard-XXXXXX%s", (int)(base - target), target, ext);
    if (w < 0 || (size_t)w >= n) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkstemps(tmp, (int)strlen(ext)); /* 0600 while it is written */
    if (fd >= 0)
        temp_register(tmp);
    return fd;
}

/* The mode a new file gets (0666 less the umask), read without changing
 * the umask: umask() would change it for every thread meanwhile. */
static mode_t new_file_mode(void)
{
    mode_t um = 022;
    FILE *f = fopen("/proc/self/status", "re");
    char line[128];
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "Umask:", 6) == 0) {
            um = (mode_t)strtoul(line + 6, NULL, 8);
            break;
        }
    if (f)
        fclose(f);
    return 0666 & ~um;
}

/* A new temporary file beside target, with target's extension (the scan
 * of it reads the extension as a hint). */
static int temp_beside(const char *target, char *tmp, size_t n)
{
    const char *slash = strrchr(target, '/');
    const char *dot = strrchr(slash ? slash + 1 : target, '.');
    return sgi_clean_temp(target, dot && strlen(dot) < 16 ? dot : "", tmp, n);
}

static bool sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

/* The temporary file is written: scan it, then keep it as target or not. */
static sg_status verify_and_place(sgi_clean *c, sg_scanner *sc, const char *tmp,
                                  const char *target, const char *format)
{
    look l;
    sg_status st = SG_OK;
    if (c->nredact)
        st = sgi_redact(c, tmp, format);
    if (st == SG_OK)
        st = look_at(sc, c, tmp, &l);
    if (st == SG_OK && l.status != SG_OK)
        st = sgi_clean_refuse(c, SG_E_NOT_CLEAN, "the cleaned file cannot be read back: %s",
                              l.error[0] ? l.error : sg_strerror(l.status));
    else if (st == SG_OK && l.hidden)
        st = sgi_clean_refuse(c, SG_E_NOT_CLEAN, "hidden content remained: %s",
                              l.hidden_rules);
    else if (st == SG_OK && l.redact_left)
        st = sgi_clean_refuse(c, SG_E_NOT_CLEAN, "%llu values to redact remained",
                              l.redact_left);
    if (st == SG_OK && !(c->flags & SG_CLEAN_DRY_RUN)) {
        /* the copy passed: it gets the mode of a new file as it is placed */
        if (chmod(tmp, new_file_mode()) != 0 || !sync_path(tmp) || rename(tmp, target) != 0) {
            st = sgi_clean_refuse(c, SG_E_WRITE, "cannot write %s: %s", target,
                                  strerror(errno));
        } else {
            sgi_clean_temp_done(tmp, false);
            return SG_OK;
        }
    }
    sgi_clean_temp_done(tmp, true);
    return st;
}

sg_status sgi_write_file(const char *path, const void *data, size_t n, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    const char *p = data;
    while (fd >= 0 && n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            fd = -1;
            break;
        }
        p += w;
        n -= (size_t)w;
    }
    if (fd < 0 || close(fd) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return SG_E_WRITE;
    }
    return SG_OK;
}

/* For --to csv: one more CSV (name is the sheet or table, NULL if alone). */
sg_status sgi_clean_emit_csv(sgi_clean *c, const char *name, const char *data, size_t n)
{
    char target[4096];
    const char *base = c->csv_out;
    if (!name) {
        snprintf(target, sizeof(target), "%s", base);
    } else {
        /* the sheet name, safe in a file name */
        char safe[128];
        size_t o = 0;
        for (const unsigned char *s = (const unsigned char *)name; *s && o < sizeof(safe) - 1;
             s++)
            safe[o++] = (*s < 0x20 || *s == '/' || *s == '\\' || *s == 0x7f) ? '_' : (char)*s;
        safe[o] = '\0';
        if (o == 0 || strcmp(safe, ".") == 0 || strcmp(safe, "..") == 0)
            snprintf(safe, sizeof(safe), "%llu", c->csv_files + 1);
        const char *pct = strstr(base, "%s");
        const char *slash = strrchr(base, '/');
        const char *dot = strrchr(slash ? slash : base, '.');
        if (pct)
            snprintf(target, sizeof(target), "%.*s%s%s", (int)(pct - base), base, safe, pct + 2);
        else if (dot && dot != (slash ? slash + 1 : base))
            snprintf(target, sizeof(target), "%.*s-%s%s", (int)(dot - base), base, safe, dot);
        else
            snprintf(target, sizeof(target), "%s-%s.csv", base, safe);
    }
    if (same_file(target, c->in))
        return sgi_clean_refuse(c, SG_E_INVALID, "%s is the input", target);
    char tmp[4200];
    int fd = temp_beside(target, tmp, sizeof(tmp));
    if (fd < 0)
        return sgi_clean_refuse(c, SG_E_WRITE, "cannot write beside %s: %s", target,
                                strerror(errno));
    close(fd);
    sg_status st = sgi_write_file(tmp, data, n, c->error, sizeof(c->error));
    if (st != SG_OK) {
        sgi_clean_temp_done(tmp, true);
        return st;
    }
    st = verify_and_place(c, c->sc, tmp, target, "csv");
    if (st == SG_OK) {
        c->csv_files++;
        if (c->note) {
            char msg[4200];
            snprintf(msg, sizeof(msg), "%s %s", c->flags & SG_CLEAN_DRY_RUN ? "would write" : "wrote",
                     target);
            c->note(c->opaque, msg);
        }
    }
    return st;
}

/* ------------------------------------------------------------ sg_clean */

static bool is(const char *f, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(f, list[i]) == 0)
            return true;
    return false;
}

static sg_status copy_as_is(sgi_clean *c, const char *in, const char *out)
{
    int fd = open(in, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || (unsigned long long)st.st_size > c->eng->opt_max_part) {
        if (fd >= 0)
            close(fd);
        return sgi_clean_refuse(c, fd < 0 ? SG_E_OPEN : SG_E_LIMIT, "%s",
                                fd < 0 ? strerror(errno) : "larger than --max-part");
    }
    char *d = malloc((size_t)st.st_size + 1);
    ssize_t got = d ? read(fd, d, (size_t)st.st_size) : -1;
    close(fd);
    sg_status s = SG_OK;
    if (!d || got != (ssize_t)st.st_size)
        s = sgi_clean_refuse(c, d ? SG_E_IO : SG_E_NOMEM, "%s", "cannot read the input");
    else
        s = sgi_write_file(out, d, (size_t)got, c->error, sizeof(c->error));
    free(d);
    return s;
}

sg_status sg_clean(sg_scanner *sc, const char *in, const char *out, unsigned flags,
                   sg_clean_fn note, void *opaque, char *err, size_t errlen)
{
    sg_clean_options o = {flags, NULL, 0};
    return sg_clean_ex(sc, in, out, &o, note, opaque, err, errlen);
}

sg_status sg_clean_ex(sg_scanner *sc, const char *in, const char *out,
                      const sg_clean_options *opt, sg_clean_fn note, void *opaque, char *err,
                      size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!sc || !in || !out || !*in || !*out || !opt || (opt->nredact && !opt->redact))
        return SG_E_INVALID;
    unsigned flags = opt->flags;
    sgi_clean c = {.eng = sc->eng, .sc = sc, .flags = flags, .note = note, .opaque = opaque,
                   .in = in, .csv_out = out, .redact = opt->redact, .nredact = opt->nredact};
    sg_status st = SG_OK;
    look l;
    if (same_file(in, out)) {
        st = sgi_clean_refuse(&c, SG_E_INVALID, "%s", "the output would replace the input");
        goto done;
    }
    st = look_at(sc, NULL, in, &l);
    if (st != SG_OK)
        goto done;
    if (l.status == SG_OK && l.encrypted) {
        st = sgi_clean_refuse(&c, SG_E_UNSUPPORTED, "%s",
                              "encrypted: a password protects it (remove the password, then "
                              "clean)");
        goto done;
    }
    if (l.status != SG_OK) {
        /* the scan's words, less what only a scan report needs */
        char *cut = strstr(l.error, "; not checked");
        if (cut)
            *cut = '\0';
        if (strncmp(l.error, "encrypted", 9) == 0 &&
            (cut = strstr(l.error, ": format not yet supported")) != NULL)
            *cut = '\0';
        st = sgi_clean_refuse(&c, l.status, "%s", l.error[0] ? l.error : sg_strerror(l.status));
        goto done;
    }
    static const char *const ooxml[] = {"xlsx", "xlsm", "docx", "docm", "pptx", "pptm", NULL};
    static const char *const odf[] = {"ods", "odt", "odp", NULL};
    static const char *const pictures[] = {"jpeg", "png", "gif", NULL};
    static const char *const plain[] = {"text", "csv", "tsv", NULL};
    static const char *const sheets[] = {"xlsx", "xlsm", "ods", "docx", "docm", "odt",
                                         "csv",  "tsv",  NULL};
    if (flags & SG_CLEAN_TO_CSV) {
        if (!is(l.format, sheets)) {
            st = sgi_clean_refuse(&c, SG_E_UNSUPPORTED,
                                  "%s: no sheets or tables to write as CSV", l.format);
            goto done;
        }
        st = sgi_clean_csv(&c, in, l.format);
        if (st == SG_OK && c.csv_files == 0)
            st = sgi_clean_refuse(&c, SG_E_UNSUPPORTED, "%s",
                                  "no visible sheet or table to write as CSV");
        goto done;
    }
    bool known = is(l.format, ooxml) || is(l.format, odf) || is(l.format, pictures) ||
                 is(l.format, plain) || strcmp(l.format, "pdf") == 0;
    if (!known) {
        st = sgi_clean_refuse(&c, SG_E_UNSUPPORTED, "%s: format not supported by clean",
                              l.format[0] ? l.format : "unknown");
        goto done;
    }
    char tmp[4200];
    int fd = temp_beside(out, tmp, sizeof(tmp));
    if (fd < 0) {
        st = sgi_clean_refuse(&c, SG_E_WRITE, "cannot write beside %s: %s", out,
                              strerror(errno));
        goto done;
    }
    close(fd);
    if (is(l.format, ooxml))
        st = sgi_clean_ooxml(&c, in, tmp, l.format);
    else if (is(l.format, odf))
        st = sgi_clean_odf(&c, in, tmp, l.format);
    else if (strcmp(l.format, "pdf") == 0)
        st = sgi_clean_pdf(&c, sc, in, tmp);
    else if (is(l.format, pictures))
        st = sgi_clean_image(&c, in, tmp);
    else
        st = copy_as_is(&c, in, tmp);
    if (st == SG_OK)
        st = verify_and_place(&c, sc, tmp, out, l.format);
    else
        sgi_clean_temp_done(tmp, true);
done:
    if (st != SG_OK && !c.error[0])
        snprintf(c.error, sizeof(c.error), "%s", sg_strerror(st));
    if (st != SG_OK && err && errlen)
        snprintf(err, errlen, "%s", c.error);
    return st;
}

char *sgi_clean_zip_member(sgi_clean *c, struct zip *z, unsigned long long i, size_t *len)
{
    zip_stat_t st;
    const char *name = zip_get_name(z, i, 0);
    name = name ? name : "?";
    if (zip_stat_index(z, i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
        st.size > c->eng->opt_max_part) {
        sgi_clean_refuse(c, SG_E_LIMIT, "%s: larger than --max-part", name);
        return NULL;
    }
    if ((st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size > 0 &&
        st.size / st.comp_size > c->eng->opt_max_ratio) {
        sgi_clean_refuse(c, SG_E_LIMIT, "%s: compression ratio beyond --max-ratio", name);
        return NULL;
    }
    zip_file_t *f = zip_fopen_index(z, i, 0);
    char *d = f ? malloc(st.size + 1) : NULL;
    zip_int64_t got = d ? zip_fread(f, d, st.size) : -1;
    char extra;
    /* read on to the end, where libzip checks the CRC (a read that stops
     * at the size never does) */
    bool whole = got >= 0 && (zip_uint64_t)got == st.size && zip_fread(f, &extra, 1) == 0;
    if (f)
        zip_fclose(f);
    if (!d || !whole) {
        free(d);
        sgi_clean_refuse(c, SG_E_FORMAT,
                         "%s: damaged (it does not read whole, or its checksum is wrong)", name);
        return NULL;
    }
    d[st.size] = '\0';
    *len = st.size;
    return d;
}

char *sgi_clean_slurp(sgi_clean *c, const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0) {
        sgi_clean_refuse(c, SG_E_OPEN, "%s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &sb) != 0 || (unsigned long long)sb.st_size > c->eng->opt_max_part) {
        close(fd);
        sgi_clean_refuse(c, SG_E_LIMIT, "%s", "larger than --max-part");
        return NULL;
    }
    size_t n = (size_t)sb.st_size, got = 0;
    char *d = malloc(n + 1);
    while (d && got < n) {
        ssize_t r = read(fd, d + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (!d || got != n) {
        sgi_clean_refuse(c, d ? SG_E_IO : SG_E_NOMEM, "%s", "cannot read the input");
        free(d);
        return NULL;
    }
    d[n] = '\0';
    *len = n;
    return d;
}
