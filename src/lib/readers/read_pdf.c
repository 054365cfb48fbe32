/*
 * read_pdf.c - PDF documents on MuPDF: every page's text and whether a
 * reader can see it (pdf_page.c), annotations and form fields, metadata,
 * attachments (scanned as files of their own), JavaScript, layers that are
 * off by default, and the text of earlier revisions kept by incremental
 * updates.
 *
 * Each scanner has its own MuPDF context (contexts are not shared between
 * threads, so no locks), with an allocator that counts what MuPDF holds
 * and refuses beyond SG_OPT_MAX_DOC_MEMORY, and a deadline
 * (SG_OPT_TIMEOUT) checked by the device and the allocator; either ends
 * the file with an error, never the scan. The file is read through a
 * stream over pread, so it is never held in memory whole; memory goes
 * with the page being read, not the document.
 *
 * Earlier revisions: every "startxref ... %%EOF" but the last ends one
 * (the first of a linearized file ends only its first-page section, and
 * is skipped). Each is opened as the file cut there, its lines compared
 * with the final version's (by hash), and what is gone is scanned.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "pdf_private.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_BYTES (32u << 20)
#define MAX_REVISIONS 16    /* earlier revisions compared, the newest ones */
#define MAX_ANNOTS 4096     /* annotations read per page */
#define MAX_NAME_NODES 4096 /* nodes of a name tree */
#define MAX_JS_BYTES (1u << 20)
#define SUMMARY_BYTES 400 /* text shown in a hidden-text finding */

/* -------------------------------------------------------------- memory */

typedef union ahdr {
    size_t n;
    max_align_t align;
} ahdr;

static void *pa_malloc(void *user, size_t n)
{
    sgi_pdf_state *st = user;
    if (n > st->limit - SGI_MIN(st->live, st->limit) || n > SIZE_MAX - sizeof(ahdr)) {
        st->over_memory = true;
        return NULL;
    }
    ahdr *h = sgi_malloc(&st->eng->mem, sizeof(ahdr) + n);
    if (!h)
        return NULL;
    h->n = n;
    st->live += n;
    if (st->live > st->peak)
        st->peak = st->live;
    if (st->has_deadline)
        sgi_pdf_time_up(st);
    return h + 1;
}

static void pa_free(void *user, void *p)
{
    sgi_pdf_state *st = user;
    if (!p)
        return;
    ahdr *h = (ahdr *)p - 1;
    st->live -= h->n;
    sgi_free(&st->eng->mem, h);
}

static void *pa_realloc(void *user, void *p, size_t n)
{
    sgi_pdf_state *st = user;
    if (!p)
        return pa_malloc(user, n);
    if (n == 0) {
        pa_free(user, p);
        return NULL;
    }
    ahdr *h = (ahdr *)p - 1;
    size_t old = h->n;
    if (n > old && (n - old > st->limit - SGI_MIN(st->live, st->limit) ||
                    n > SIZE_MAX - sizeof(ahdr))) {
        st->over_memory = true;
        return NULL;
    }
    ahdr *nh = sgi_realloc(&st->eng->mem, h, sizeof(ahdr) + n);
    if (!nh)
        return NULL;
    nh->n = n;
    st->live = st->live - old + n;
    if (st->live > st->peak)
        st->peak = st->live;
    return nh + 1;
}

static void quiet(void *user, const char *message)
{
    (void)user;
    (void)message;
}

bool sgi_pdf_time_up(sgi_pdf_state *st)
{
    if (!st->has_deadline)
        return false;
    if (!st->timed_out) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec < st->deadline.tv_sec ||
            (now.tv_sec == st->deadline.tv_sec && now.tv_nsec < st->deadline.tv_nsec))
            return false;
        st->timed_out = true;
    }
    if (st->cookie)
        st->cookie->abort = 1;
    return true;
}

sgi_pdf_state *sgi_pdf_state_of(sg_scanner *sc, const sgi_mem *mem)
{
    if (sc->pdf)
        return sc->pdf;
    sgi_pdf_state *st = sgi_calloc(mem, 1, sizeof(*st));
    if (!st)
        return NULL;
    st->eng = sc->eng;
    st->limit = (size_t)SGI_MIN(sc->eng->opt_max_doc_memory, (unsigned long long)SIZE_MAX / 2);
    fz_alloc_context alloc = {st, pa_malloc, pa_realloc, pa_free};
    st->fz = fz_new_context(&alloc, NULL, STORE_BYTES);
    if (!st->fz) {
        sgi_free(mem, st);
        return NULL;
    }
    fz_set_warning_callback(st->fz, quiet, NULL);
    fz_set_error_callback(st->fz, quiet, NULL);
    fz_disable_icc(st->fz);
    sc->pdf = st;
    return st;
}

void sgi_pdf_start_clock(sgi_pdf_state *st)
{
    st->over_memory = false;
    st->timed_out = false;
    st->has_deadline = st->eng->opt_timeout > 0;
    if (st->has_deadline) {
        clock_gettime(CLOCK_MONOTONIC, &st->deadline);
        st->deadline.tv_sec += (time_t)SGI_MIN(st->eng->opt_timeout, 1ULL << 30);
    }
}

void sgi_pdf_state_free(struct sgi_pdf_state *st, const sgi_mem *mem)
{
    if (!st)
        return;
    fz_drop_context(st->fz);
    sgi_free(mem, st);
}

/* -------------------------------------------------------------- stream */

/* The file through pread: MuPDF seeks at will, the shared offset of the
 * descriptor is never moved, and at most `size` bytes are seen (an
 * earlier revision is the file cut short). */
typedef struct fd_stream {
    int fd;
    int64_t size;
    unsigned char buf[65536];
} fd_stream;

static int fds_next(fz_context *ctx, fz_stream *stm, size_t max)
{
    fd_stream *s = stm->state;
    if (stm->pos >= s->size)
        return EOF;
    size_t want = (size_t)SGI_MIN((int64_t)sizeof(s->buf), s->size - stm->pos);
    ssize_t n;
    do
        n = pread(s->fd, s->buf, want, (off_t)stm->pos);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        fz_throw(ctx, FZ_ERROR_GENERIC, "read error: %s", strerror(errno));
    if (n == 0)
        return EOF;
    stm->rp = s->buf;
    stm->wp = s->buf + n;
    stm->pos += n;
    return *stm->rp++;
}

static void fds_seek(fz_context *ctx, fz_stream *stm, int64_t offset, int whence)
{
    fd_stream *s = stm->state;
    int64_t cur = stm->pos - (stm->wp - stm->rp);
    int64_t to = whence == SEEK_END ? s->size + offset : whence == SEEK_CUR ? cur + offset
                                                                             : offset;
    if (to < 0)
        to = 0;
    if (to > s->size)
        to = s->size;
    stm->pos = to;
    stm->rp = stm->wp = s->buf;
}

static void fds_drop(fz_context *ctx, void *state)
{
    fz_free(ctx, state);
}

/* ------------------------------------------------------------ document */

typedef struct line_rec {
    size_t off, n; /* in the page's text */
    fz_rect box;
    unsigned char vis;
    int mark;
    unsigned long long lineno; /* within its kind of text */
} line_rec;

typedef struct hashset {
    uint64_t *v;
    size_t cap, n;
} hashset;

typedef struct pdfr {
    sgi_ctx *ctx;
    sgi_pdf_state *st;
    fz_context *fz;
    pdf_document *doc;
    const sgi_mem *mem;
    sgi_cells cells;
    /* the bytes: a descriptor or memory */
    int fd;
    const unsigned char *data;
    char *owned;
    int64_t size;
    /* pages */
    pdf_page_rec rec;
    sgi_text text; /* one page's lines */
    line_rec *lines;
    size_t nlines, caplines;
    int page_no; /* 1-based, of the page being read */
    unsigned long long seen_pages;
    /* earlier revisions: the final version's lines by hash */
    bool want_hashes;
    hashset final_lines;
    long long revision; /* > 0 while reading an earlier revision */
    unsigned long long recovered; /* lines of the revision not in the final one */
    sgi_text rev_text;            /* the start of them */
    int rev_first_page;
    unsigned rev_meta; /* metadata values of the revision not in the final one */
    /* pictures read (by a hash of their bytes) */
    hashset pictures;
    /* attachments seen (by object number) */
    int *files;
    size_t nfiles, capfiles;
    /* layers off by default */
    int *off_layers;
    int noff;
    /* the first error on a page */
    char page_error[256];
    int error_page;
    bool nomem;
} pdfr;

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

static bool hs_add(const sgi_mem *mem, hashset *h, uint64_t k)
{
    if ((h->n + 1) * 2 > h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 1024;
        uint64_t *nv = sgi_calloc(mem, nc, sizeof(uint64_t));
        if (!nv)
            return false;
        for (size_t i = 0; i < h->cap; i++) {
            if (!h->v[i])
                continue;
            size_t j = (size_t)(h->v[i] & (nc - 1));
            while (nv[j])
                j = (j + 1) & (nc - 1);
            nv[j] = h->v[i];
        }
        sgi_free(mem, h->v);
        h->v = nv;
        h->cap = nc;
    }
    size_t j = (size_t)(k & (h->cap - 1));
    while (h->v[j]) {
        if (h->v[j] == k)
            return true;
        j = (j + 1) & (h->cap - 1);
    }
    h->v[j] = k;
    h->n++;
    return true;
}

static bool hs_has(const hashset *h, uint64_t k)
{
    if (!h->cap)
        return false;
    size_t j = (size_t)(k & (h->cap - 1));
    while (h->v[j]) {
        if (h->v[j] == k)
            return true;
        j = (j + 1) & (h->cap - 1);
    }
    return false;
}

static sg_location page_loc(pdfr *r, int page, const fz_rect *box)
{
    sg_location loc = {0};
    loc.offset = -1;
    loc.page = page;
    loc.revision = r->revision;
    if (box && !fz_is_empty_rect(*box) && !fz_is_infinite_rect(*box)) {
        loc.has_box = 1;
        loc.box[0] = box->x0;
        loc.box[1] = box->y0;
        loc.box[2] = box->x1;
        loc.box[3] = box->y1;
    }
    return loc;
}

/* A finding about hidden content, its text shown masked. */
static void hidden_text(pdfr *r, int rule, const char *reason, const char *what,
                        const char *text, size_t n, sg_location *loc)
{
    sgi_arena *ar = &r->ctx->res->arena;
    size_t shown = SGI_MIN(n, (size_t)SUMMARY_BYTES);
    while (shown < n && shown > 0 && ((unsigned char)text[shown] & 0xC0) == 0x80)
        shown--; /* not inside a character */
    char *masked = sgi_arena_alloc(ar, shown + 1);
    if (masked)
        sgi_mask(SGI_MASK_ALL, text, shown, masked);
    const char *more = shown < n ? "..." : "";
    const char *sep = n ? ": " : "";
    char *v = sgi_arena_printf(ar, "%s%s%.*s%s", what, sep, (int)shown, text, more);
    char *m = masked ? sgi_arena_printf(ar, "%s%s%s%s", what, sep, masked, more) : NULL;
    if (!v)
        return;
    sgi_emit(r->ctx, rule, SGI_F_HIDDEN, reason, v, strlen(v), m ? m : what, loc);
}

/* A finding about hidden content with a plain message. */
static void hidden_note(pdfr *r, int rule, const char *reason, const char *value,
                        const char *masked, sg_location *loc)
{
    sgi_emit(r->ctx, rule, SGI_F_HIDDEN, reason, value, strlen(value), masked ? masked : value,
             loc);
}

/* Read a stream's decoded bytes, at most limit (more: *cut). */
static fz_buffer *load_bounded(pdfr *r, pdf_obj *obj, size_t limit, bool *cut)
{
    fz_context *ctx = r->fz;
    fz_buffer *buf = NULL;
    fz_stream *stm = NULL;
    *cut = false;
    fz_var(buf);
    fz_var(stm);
    fz_try(ctx)
    {
        stm = pdf_open_stream(ctx, obj);
        buf = fz_new_buffer(ctx, 4096);
        unsigned char tmp[16384];
        for (;;) {
            size_t want = sizeof(tmp);
            size_t n = fz_read(ctx, stm, tmp, want);
            if (n == 0)
                break;
            if (buf->len + n > limit) {
                *cut = true;
                break;
            }
            fz_append_data(ctx, buf, tmp, n);
            if (sgi_pdf_time_up(r->st))
                fz_throw(ctx, FZ_ERROR_GENERIC, "time limit reached");
        }
    }
    fz_always(ctx)
        fz_drop_stream(ctx, stm);
    fz_catch(ctx)
    {
        fz_drop_buffer(ctx, buf);
        fz_rethrow(ctx);
    }
    return buf;
}

/* A text string or stream (JavaScript, XMP) as UTF-8, bounded. */
static char *text_of(pdfr *r, pdf_obj *obj, size_t limit, size_t *n)
{
    fz_context *ctx = r->fz;
    *n = 0;
    if (pdf_is_string(ctx, obj)) {
        const char *s = pdf_to_text_string(ctx, obj);
        size_t len = strlen(s);
        if (len > limit)
            len = limit;
        *n = len;
        return sgi_strndup(r->mem, s, len);
    }
    if (!pdf_is_stream(ctx, obj))
        return NULL;
    bool cut;
    fz_buffer *b = load_bounded(r, obj, limit, &cut);
    char *out = sgi_strndup(r->mem, (const char *)b->data, b->len);
    if (out)
        *n = b->len;
    fz_drop_buffer(ctx, b);
    return out;
}

/* Scan a text as lines located on a page (page 0: the document). */
static void scan_text(pdfr *r, int page, const char *part, const char *s, size_t n,
                      unsigned flags, const char *reason)
{
    sgi_cells_begin(&r->cells, SGI_CELLS_TEXT, part, NULL, 0, NULL);
    r->cells.page = page;
    r->cells.revision = r->revision;
    unsigned long long row = 1;
    size_t a = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '\n' || s[i] == '\r') {
            if (i > a)
                sgi_cells_add(&r->cells, row, 0, s + a, i - a, flags, reason);
            if (i < n && s[i] == '\n')
                row++;
            a = i + 1;
        }
    }
    sgi_cells_end(&r->cells, false);
}

/* ------------------------------------------------------------ metadata */

static const struct {
    const char *key, *what;
    bool scan;
} info_keys[] = {
    {"Author", "author", true},     {"Title", "title", true},     {"Subject", "subject", true},
    {"Keywords", "keywords", true}, {"Creator", "creator tool", false},
    {"Producer", "producer", false},
};

/* Values writers put in when they know nothing ("anonymous"): they say
 * nothing about anyone. */
static bool placeholder(const char *v)
{
    static const char *const none[] = {"anonymous", "untitled", "unspecified", "unknown",
                                       "(anonymous)", "(untitled)", "none", ""};
    while (*v == ' ')
        v++;
    for (size_t i = 0; i < SGI_ARRAY_LEN(none); i++)
        if (strcasecmp(v, none[i]) == 0)
            return true;
    return false;
}

static void info_dict(pdfr *r, pdf_document *doc, const char *part, const hashset *known,
                      hashset *collect)
{
    fz_context *ctx = r->fz;
    pdf_obj *info = pdf_dict_get(ctx, pdf_trailer(ctx, doc), PDF_NAME(Info));
    if (!pdf_is_dict(ctx, info))
        return;
    int n = pdf_dict_len(ctx, info);
    for (int i = 0; i < n && i < 256; i++) {
        pdf_obj *k = pdf_dict_get_key(ctx, info, i);
        pdf_obj *v = pdf_dict_get_val(ctx, info, i);
        if (!pdf_is_name(ctx, k) || !pdf_is_string(ctx, v))
            continue;
        const char *key = pdf_to_name(ctx, k);
        if (strcmp(key, "CreationDate") == 0 || strcmp(key, "ModDate") == 0 ||
            strcmp(key, "Trapped") == 0)
            continue;
        const char *val = pdf_to_text_string(ctx, v);
        size_t vn = strlen(val);
        const char *what = key;
        bool scan = true;
        for (size_t j = 0; j < SGI_ARRAY_LEN(info_keys); j++)
            if (strcmp(key, info_keys[j].key) == 0) {
                what = info_keys[j].what;
                scan = info_keys[j].scan;
            }
        if (placeholder(val))
            continue;
        uint64_t h = fnv1a(key, strlen(key)) ^ (fnv1a(val, vn) * 31);
        if (collect)
            hs_add(r->mem, collect, h);
        if (known && hs_has(known, h))
            continue; /* an earlier revision: only what differs */
        if (known)
            r->rev_meta++;
        sgi_emit_metadata(r->ctx, &r->cells, SGI_R_HIDDEN_METADATA, part, what, val, vn, scan);
    }
}

static void xmp(pdfr *r)
{
    fz_context *ctx = r->fz;
    pdf_obj *md = pdf_dict_get(ctx, pdf_dict_get(ctx, pdf_trailer(ctx, r->doc), PDF_NAME(Root)),
                               PDF_NAME(Metadata));
    if (!pdf_is_stream(ctx, md))
        return;
    size_t n = 0;
    char *s = NULL;
    fz_var(s);
    fz_try(ctx)
        s = text_of(r, md, 4u << 20, &n);
    fz_catch(ctx)
        return;
    if (s)
        sgi_xmp_scan(r->ctx, &r->cells, SGI_R_HIDDEN_METADATA, "XMP metadata", s, n);
    sgi_free(r->mem, s);
}

/* ---------------------------------------------------------- JavaScript */

static void javascript(pdfr *r, pdf_obj *action, int page, const fz_rect *box,
                       const char *where)
{
    fz_context *ctx = r->fz;
    if (!pdf_is_dict(ctx, action) || !pdf_name_eq(ctx, pdf_dict_get(ctx, action, PDF_NAME(S)),
                                                   PDF_NAME(JavaScript)))
        return;
    size_t n = 0;
    char *js = NULL;
    fz_var(js);
    fz_try(ctx)
        js = text_of(r, pdf_dict_get(ctx, action, PDF_NAME(JS)), MAX_JS_BYTES, &n);
    fz_catch(ctx)
        js = NULL;
    char msg[200];
    snprintf(msg, sizeof(msg), "JavaScript %s (%zu bytes)", where, n);
    sg_location loc = page_loc(r, page, box);
    hidden_note(r, SGI_R_HIDDEN_PDF_JAVASCRIPT, "JavaScript", msg, NULL, &loc);
    if (js && n) /* what a script holds is hidden text too */
        scan_text(r, page, "JavaScript", js, n, SGI_F_HIDDEN, "JavaScript");
    sgi_free(r->mem, js);
}

/* The actions of an additional-actions dictionary (/AA). */
static void javascript_aa(pdfr *r, pdf_obj *aa, int page, const fz_rect *box, const char *where)
{
    fz_context *ctx = r->fz;
    if (!pdf_is_dict(ctx, aa))
        return;
    int n = pdf_dict_len(ctx, aa);
    for (int i = 0; i < n && i < 32; i++)
        javascript(r, pdf_dict_get_val(ctx, aa, i), page, box, where);
}

/* ---------------------------------------------------------- name trees */

typedef void (*name_fn)(pdfr *r, const char *key, pdf_obj *val);

static void name_tree(pdfr *r, pdf_obj *node, name_fn fn, int depth, int *budget)
{
    fz_context *ctx = r->fz;
    if (!pdf_is_dict(ctx, node) || depth > 32 || --*budget < 0)
        return;
    if (pdf_mark_obj(ctx, node))
        return; /* a cycle */
    fz_try(ctx)
    {
        pdf_obj *names = pdf_dict_get(ctx, node, PDF_NAME(Names));
        int n = pdf_array_len(ctx, names);
        for (int i = 0; i + 1 < n && *budget > 0; i += 2, --*budget) {
            pdf_obj *k = pdf_array_get(ctx, names, i);
            fn(r, pdf_is_string(ctx, k) ? pdf_to_text_string(ctx, k) : "",
               pdf_array_get(ctx, names, i + 1));
        }
        pdf_obj *kids = pdf_dict_get(ctx, node, PDF_NAME(Kids));
        int nk = pdf_array_len(ctx, kids);
        for (int i = 0; i < nk && *budget > 0; i++)
            name_tree(r, pdf_array_get(ctx, kids, i), fn, depth + 1, budget);
    }
    fz_always(ctx)
        pdf_unmark_obj(ctx, node);
    fz_catch(ctx)
        fz_rethrow(ctx);
}

static void js_entry(pdfr *r, const char *key, pdf_obj *val)
{
    char where[160];
    snprintf(where, sizeof(where), "run when the document opens (%.100s)", key);
    javascript(r, val, 0, NULL, where);
}

/* --------------------------------------------------------- attachments */

static void human_size(char *out, size_t n, unsigned long long b)
{
    if (b < 1024)
        snprintf(out, n, "%llu bytes", b);
    else if (b < (1ull << 20))
        snprintf(out, n, "%.1f KiB", (double)b / 1024);
    else
        snprintf(out, n, "%.1f MiB", (double)b / (1 << 20));
}

static bool seen_file(pdfr *r, pdf_obj *fs)
{
    int num = pdf_to_num(r->fz, fs);
    if (num <= 0)
        return false;
    for (size_t i = 0; i < r->nfiles; i++)
        if (r->files[i] == num)
            return true;
    if (sgi_grow(r->mem, (void **)&r->files, &r->capfiles, r->nfiles + 1, sizeof(int)))
        r->files[r->nfiles++] = num;
    return false;
}

static void attachment(pdfr *r, const char *key, pdf_obj *fs, int page, const fz_rect *box)
{
    fz_context *ctx = r->fz;
    if (!pdf_is_dict(ctx, fs) || seen_file(r, fs))
        return;
    const char *name = NULL;
    pdf_obj *nm = pdf_dict_get(ctx, fs, PDF_NAME(UF));
    if (!pdf_is_string(ctx, nm))
        nm = pdf_dict_get(ctx, fs, PDF_NAME(F));
    if (pdf_is_string(ctx, nm))
        name = pdf_to_text_string(ctx, nm);
    if (!name || !*name)
        name = key && *key ? key : "attachment";
    /* a path in the name is not ours to follow: keep its last part */
    const char *base = name;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\' || *p == ':')
            base = p + 1;
    if (!*base)
        base = "attachment";
    char *member = sgi_arena_strndup(&r->ctx->res->arena, base, strlen(base));
    if (!member)
        return;
    pdf_obj *ef = pdf_dict_get(ctx, fs, PDF_NAME(EF));
    pdf_obj *stm = pdf_dict_get(ctx, ef, PDF_NAME(F));
    if (!pdf_is_stream(ctx, stm))
        stm = pdf_dict_get(ctx, ef, PDF_NAME(UF));
    char msg[800], size[32] = "?", err[512] = "";
    const char *format = NULL;
    sg_status st = SG_E_FORMAT;
    if (!pdf_is_stream(ctx, stm)) {
        snprintf(err, sizeof(err), "%s", "no embedded data (a reference to another file)");
    } else {
        fz_buffer *b = NULL;
        bool cut = false;
        fz_var(b);
        fz_try(ctx)
            b = load_bounded(r, stm, (size_t)r->ctx->eng->opt_max_part, &cut);
        fz_catch(ctx)
        {
            b = NULL;
            snprintf(err, sizeof(err), "cannot be read: %s", fz_caught_message(ctx));
        }
        if (b && cut) {
            snprintf(err, sizeof(err), "%s", "larger than the part limit (--max-part)");
            st = SG_E_LIMIT;
        } else if (b) {
            human_size(size, sizeof(size), b->len);
            st = sgi_scan_nested(r->ctx, b->data ? (const char *)b->data : "", b->len, member,
                                 "PDF attachment", err, sizeof(err), &format);
        }
        fz_drop_buffer(ctx, b);
    }
    if (st == SG_OK)
        snprintf(msg, sizeof(msg), "attachment %s (%s, %s), scanned", member,
                 format ? format : "?", size);
    else
        snprintf(msg, sizeof(msg), "attachment %s (%s, %s), not checked: %s", member,
                 format ? format : "?", size, err);
    sg_location loc = page_loc(r, page, box);
    loc.part = member;
    sgi_emit(r->ctx, SGI_R_HIDDEN_PDF_ATTACHMENT, SGI_F_HIDDEN, "attachment", msg, strlen(msg),
             msg, &loc);
}

static void file_entry(pdfr *r, const char *key, pdf_obj *val)
{
    attachment(r, key, val, 0, NULL);
}

/* ---------------------------------------------------------- annotations */

static bool widget_value(pdfr *r, pdf_obj *a, char *name, size_t nlen, const char **value)
{
    fz_context *ctx = r->fz;
    pdf_obj *v = pdf_dict_get_inheritable(ctx, a, PDF_NAME(V));
    if (!pdf_is_string(ctx, v) && !pdf_is_stream(ctx, v))
        return false;
    *value = pdf_is_string(ctx, v) ? pdf_to_text_string(ctx, v) : "(rich text)";
    /* the field's name: T of the widget or of its parents */
    name[0] = '\0';
    pdf_obj *f = a;
    for (int up = 0; f && up < 16; up++, f = pdf_dict_get(ctx, f, PDF_NAME(Parent))) {
        pdf_obj *t = pdf_dict_get(ctx, f, PDF_NAME(T));
        if (pdf_is_string(ctx, t)) {
            snprintf(name, nlen, "%s", pdf_to_text_string(ctx, t));
            break;
        }
    }
    return **value != '\0';
}

static void annotations(pdfr *r, pdf_page *page, fz_matrix ctm)
{
    fz_context *ctx = r->fz;
    pdf_obj *annots = pdf_dict_get(ctx, page->obj, PDF_NAME(Annots));
    int n = pdf_array_len(ctx, annots);
    for (int i = 0; i < n && i < MAX_ANNOTS; i++) {
        pdf_obj *a = pdf_array_get(ctx, annots, i);
        if (!pdf_is_dict(ctx, a))
            continue;
        const char *type = pdf_to_name(ctx, pdf_dict_get(ctx, a, PDF_NAME(Subtype)));
        int flags = pdf_dict_get_int(ctx, a, PDF_NAME(F));
        bool hidden = (flags & (2 | 32)) != 0; /* Hidden, NoView */
        fz_rect box = fz_transform_rect(pdf_dict_get_rect(ctx, a, PDF_NAME(Rect)), ctm);
        javascript(r, pdf_dict_get(ctx, a, PDF_NAME(A)), r->page_no, &box,
                   "run by an annotation");
        javascript_aa(r, pdf_dict_get(ctx, a, PDF_NAME(AA)), r->page_no, &box,
                      "run by an annotation or form field");
        if (strcmp(type, "Popup") == 0 || strcmp(type, "Link") == 0)
            continue;
        if (strcmp(type, "FileAttachment") == 0)
            attachment(r, NULL, pdf_dict_get(ctx, a, PDF_NAME(FS)), r->page_no, &box);
        if (!hidden && strcmp(type, "Redact") == 0)
            sgi_pdf_page_annot_mark(&r->rec, box, "a redaction annotation never applied");
        if (!hidden && strcmp(type, "Square") == 0 &&
            pdf_array_len(ctx, pdf_dict_get(ctx, a, PDF_NAME(IC))) > 0) {
            pdf_obj *ca = pdf_dict_get(ctx, a, PDF_NAME(CA));
            if (!pdf_is_number(ctx, ca) || pdf_to_real(ctx, ca) >= 0.99f)
                sgi_pdf_page_annot_mark(&r->rec, box, "a filled annotation");
        }
        char fname[200];
        const char *value = NULL;
        char what[300];
        const char *text = NULL;
        unsigned scan_flags = SGI_F_HIDDEN;
        const char *reason = hidden ? "hidden annotation" : "annotation";
        if (strcmp(type, "Widget") == 0) {
            if (!widget_value(r, a, fname, sizeof(fname), &value))
                continue;
            snprintf(what, sizeof(what), "form field \"%s\"%s", fname[0] ? fname : "?",
                     hidden ? " (hidden)" : "");
            text = value;
            /* a filled-in field shows its value on the page */
            scan_flags = hidden ? SGI_F_HIDDEN : 0;
            reason = hidden ? "hidden form field" : "form field";
        } else {
            pdf_obj *c = pdf_dict_get(ctx, a, PDF_NAME(Contents));
            text = pdf_is_string(ctx, c) ? pdf_to_text_string(ctx, c) : "";
            const char *author = "";
            pdf_obj *t = pdf_dict_get(ctx, a, PDF_NAME(T));
            if (pdf_is_string(ctx, t))
                author = pdf_to_text_string(ctx, t);
            if (!*text && !*author && !hidden)
                continue;
            char am[200] = "";
            if (*author) {
                char *m = sgi_mask_name(&r->ctx->res->arena, author);
                snprintf(am, sizeof(am), " by %s", m ? m : "?");
            }
            /* free text is printed on the page; other notes are not */
            if (strcmp(type, "FreeText") == 0 && !hidden)
                scan_flags = 0;
            snprintf(what, sizeof(what), "%s annotation%s%s", type, hidden ? " (hidden)" : "",
                     am);
            if (*author) {
                /* the unmasked value names the author */
                char full[600];
                snprintf(full, sizeof(full), "%s annotation%s by %s", type,
                         hidden ? " (hidden)" : "", author);
                sg_location loc = page_loc(r, r->page_no, &box);
                size_t tn = strlen(text);
                sgi_arena *ar = &r->ctx->res->arena;
                size_t shown = SGI_MIN(tn, (size_t)SUMMARY_BYTES);
                char *mt = sgi_arena_alloc(ar, shown + 1);
                if (mt)
                    sgi_mask(SGI_MASK_ALL, text, shown, mt);
                const char *sep = tn ? ": " : "";
                char *v = sgi_arena_printf(ar, "%s%s%.*s", full, sep, (int)shown, text);
                char *m = sgi_arena_printf(ar, "%s%s%s", what, sep, mt ? mt : "");
                if (v)
                    sgi_emit(r->ctx, SGI_R_HIDDEN_PDF_ANNOTATION, SGI_F_HIDDEN, reason, v,
                             strlen(v), m ? m : what, &loc);
                if (*text)
                    scan_text(r, r->page_no, NULL, text, tn, scan_flags, reason);
                continue;
            }
        }
        sg_location loc = page_loc(r, r->page_no, &box);
        hidden_text(r, SGI_R_HIDDEN_PDF_ANNOTATION, reason, what, text, strlen(text), &loc);
        if (*text)
            scan_text(r, r->page_no, NULL, text, strlen(text), scan_flags, reason);
    }
}

/* ----------------------------------------------------------------- pages */

static bool on_line(void *opaque, const pdf_line *l)
{
    pdfr *r = opaque;
    if (!sgi_grow(r->mem, (void **)&r->lines, &r->caplines, r->nlines + 1, sizeof(line_rec)))
        return false;
    line_rec *lr = &r->lines[r->nlines++];
    lr->off = r->text.len;
    lr->n = l->n;
    lr->box = l->box;
    lr->vis = l->vis;
    lr->mark = l->mark;
    lr->lineno = 0;
    sgi_text_add(&r->text, l->s, l->n);
    sgi_text_add(&r->text, "\n", 1);
    return !r->text.nomem;
}

static uint64_t line_hash(const char *s, size_t n)
{
    /* spaces do not count: a revision may space the same words otherwise */
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ')
            continue;
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

static bool is_hidden_vis(unsigned char v)
{
    return v != PDF_VISIBLE && v != PDF_OCR;
}

/* The hidden-text findings of a page: one per box, one per kind of
 * invisible text. */
static void page_hidden_findings(pdfr *r)
{
    const pdf_page_rec *p = &r->rec;
    for (size_t i = 0; i < r->nlines; i++) {
        const line_rec *l = &r->lines[i];
        if (!is_hidden_vis(l->vis))
            continue;
        bool first = true; /* the first line of its group? */
        for (size_t j = 0; j < i && first; j++)
            first = !(r->lines[j].vis == l->vis && r->lines[j].mark == l->mark);
        if (!first)
            continue;
        /* the group's text and box */
        sgi_text t;
        sgi_text_init(&t, r->mem, SUMMARY_BYTES + 8);
        fz_rect box = fz_empty_rect;
        for (size_t j = i; j < r->nlines; j++) {
            const line_rec *k = &r->lines[j];
            if (k->vis != l->vis || k->mark != l->mark)
                continue;
            if (t.len)
                sgi_text_add(&t, " / ", 3);
            sgi_text_add(&t, r->text.p + k->off, k->n);
            box = fz_union_rect(box, k->box);
        }
        bool under = l->vis == PDF_UNDER_BOX || l->vis == PDF_UNDER_ANNOT;
        const pdf_mark *m = under && l->mark >= 0 && (size_t)l->mark < p->nm ? &p->m[l->mark]
                                                                            : NULL;
        fz_rect where = m ? m->r : box;
        sg_location loc = page_loc(r, r->page_no, &where);
        char what[160];
        int rule = under ? SGI_R_HIDDEN_PDF_UNDER_BOX : SGI_R_HIDDEN_PDF_INVISIBLE_TEXT;
        const char *reason = sgi_pdf_vis_reason((pdf_vis)l->vis);
        if (m && m->annot) {
            snprintf(what, sizeof(what), "text under %s", m->annot);
        } else if (m) {
            char col[40] = "";
            if (m->image)
                snprintf(col, sizeof(col), "%s", "an image");
            else if (m->colour_known)
                snprintf(col, sizeof(col), "a %s box",
                         m->rgb[0] < 40 && m->rgb[1] < 40 && m->rgb[2] < 40 ? "black"
                         : m->rgb[0] > 215 && m->rgb[1] > 215 && m->rgb[2] > 215
                             ? "white"
                             : "coloured");
            else
                snprintf(col, sizeof(col), "%s", "a shaded area");
            snprintf(what, sizeof(what), "text under %s painted over it", col);
        } else {
            snprintf(what, sizeof(what), "%s", reason);
        }
        hidden_text(r, rule, reason, what, t.p ? t.p : "", t.len, &loc);
        sgi_text_free(&t);
    }
}

/* Scan a page's lines: visible text is visible, the rest hidden. */
static void page_scan_lines(pdfr *r, bool only_new, const char *reason_override)
{
    size_t before = r->ctx->res->nfindings;
    sgi_cells_begin(&r->cells, SGI_CELLS_TEXT, NULL, NULL, 0, NULL);
    r->cells.page = r->page_no;
    r->cells.revision = r->revision;
    unsigned long long counts[PDF_VIS_COUNT] = {0};
    size_t added = 0;
    for (size_t i = 0; i < r->nlines; i++) {
        line_rec *l = &r->lines[i];
        l->lineno = ++counts[l->vis];
        const char *s = r->text.p + l->off;
        if (only_new && hs_has(&r->final_lines, line_hash(s, l->n)))
            continue;
        unsigned flags = only_new || is_hidden_vis(l->vis) ? SGI_F_HIDDEN : 0;
        const char *reason =
            reason_override ? reason_override : sgi_pdf_vis_reason((pdf_vis)l->vis);
        if (only_new) {
            /* text of an earlier revision the final one lacks */
            if (r->rev_text.len)
                sgi_text_add(&r->rev_text, " / ", 3);
            sgi_text_add(&r->rev_text, s, l->n);
            if (!r->rev_first_page)
                r->rev_first_page = r->page_no;
        }
        added++;
        r->recovered++;
        sgi_cells_add(&r->cells, i + 1, 0, s, l->n, flags, reason);
    }
    sgi_cells_end(&r->cells, false);
    /* locate what was found: the line within its kind of text, its box */
    sgi_result *res = r->ctx->res;
    for (size_t i = before; i < res->nfindings; i++) {
        sg_location *loc = &res->findings[i].location;
        if (loc->page != r->page_no || loc->line <= 0 || (size_t)loc->line > r->nlines ||
            loc->has_box)
            continue;
        const line_rec *l = &r->lines[loc->line - 1];
        loc->line = (long long)l->lineno;
        loc->has_box = 1;
        loc->box[0] = l->box.x0;
        loc->box[1] = l->box.y0;
        loc->box[2] = l->box.x1;
        loc->box[3] = l->box.y1;
        if (l->vis == PDF_OCR)
            loc->text_layer = "ocr";
    }
}

/* Record a page (its annotations' boxes too), classify, build lines. */
static bool page_record(pdfr *r, pdf_page *page, bool annots)
{
    fz_context *ctx = r->fz;
    fz_rect mediabox;
    fz_matrix ctm;
    pdf_page_transform(ctx, page, &mediabox, &ctm);
    sgi_pdf_page_drop_images(ctx, &r->rec);
    sgi_pdf_page_reset(&r->rec, pdf_bound_page(ctx, page));
    r->nlines = 0;
    r->text.len = 0;
    fz_cookie cookie;
    memset(&cookie, 0, sizeof(cookie));
    fz_cookie *saved = r->st->cookie;
    r->st->cookie = &cookie;
    fz_try(ctx)
        sgi_pdf_page_run(r->st, page, &r->rec, &cookie);
    fz_always(ctx)
        r->st->cookie = saved;
    fz_catch(ctx)
        fz_rethrow(ctx);
    if (r->st->timed_out)
        fz_throw(ctx, FZ_ERROR_GENERIC, "time limit reached");
    if (annots)
        annotations(r, page, ctm);
    sgi_pdf_page_classify(&r->rec);
    if (r->rec.nomem || !sgi_pdf_page_lines(&r->rec, r->mem, on_line, r) || r->text.nomem) {
        r->nomem = true;
        return false;
    }
    return true;
}

/* Glyph keys of the page as shown by default, to tell which glyphs only
 * a hidden layer shows. */
static uint64_t glyph_key(const pdf_glyph *g)
{
    long long x = llroundf(g->ox * 4), y = llroundf(g->oy * 4);
    uint64_t h = (uint64_t)g->ucs * 0x9E3779B97F4A7C15ULL;
    h ^= (uint64_t)x * 0xC2B2AE3D27D4EB4FULL;
    h ^= (uint64_t)y * 0x165667B19E3779F9ULL;
    return h ? h : 1;
}

static void hidden_layers_page(pdfr *r, pdf_page *page)
{
    fz_context *ctx = r->fz;
    hashset shown = {0};
    for (size_t i = 0; i < r->rec.ng; i++)
        if (!hs_add(r->mem, &shown, glyph_key(&r->rec.g[i])))
            break;
    for (int i = 0; i < r->noff; i++)
        pdf_enable_layer(ctx, r->doc, r->off_layers[i], 1);
    fz_try(ctx)
        page_record(r, page, false);
    fz_always(ctx)
    {
        for (int i = 0; i < r->noff; i++)
            pdf_enable_layer(ctx, r->doc, r->off_layers[i], 0);
    }
    fz_catch(ctx)
    {
        sgi_free(r->mem, shown.v);
        fz_rethrow(ctx);
    }
    /* keep only the glyphs the default view does not show */
    size_t k = 0;
    for (size_t i = 0; i < r->rec.ng; i++)
        if (!hs_has(&shown, glyph_key(&r->rec.g[i])))
            r->rec.g[k++] = r->rec.g[i];
    r->rec.ng = k;
    sgi_free(r->mem, shown.v);
    if (k == 0)
        return;
    r->nlines = 0;
    r->text.len = 0;
    if (!sgi_pdf_page_lines(&r->rec, r->mem, on_line, r))
        return;
    sgi_text all;
    sgi_text_init(&all, r->mem, SUMMARY_BYTES + 8);
    fz_rect box = fz_empty_rect;
    for (size_t i = 0; i < r->nlines; i++) {
        if (all.len)
            sgi_text_add(&all, " / ", 3);
        sgi_text_add(&all, r->text.p + r->lines[i].off, r->lines[i].n);
        box = fz_union_rect(box, r->lines[i].box);
    }
    sg_location loc = page_loc(r, r->page_no, &box);
    hidden_text(r, SGI_R_HIDDEN_PDF_LAYER, "hidden layer", "text in a layer that is off",
                all.p ? all.p : "", all.len, &loc);
    sgi_text_free(&all);
    for (size_t i = 0; i < r->nlines; i++)
        r->lines[i].vis = PDF_INVISIBLE;
    page_scan_lines(r, false, "hidden layer");
}

/* The JPEGs drawn on the page, read as pictures (EXIF, GPS, what follows
 * their end), each once per document. Pictures with nothing to say add no
 * finding. */
static void page_pictures(pdfr *r)
{
    pdf_page_rec *p = &r->rec;
    for (int i = 0; i < p->njpeg; i++) {
        fz_compressed_buffer *cb = fz_compressed_image_buffer(r->fz, p->jpeg[i]);
        if (!cb || !cb->buffer || !cb->buffer->data)
            continue;
        const fz_buffer *b = cb->buffer;
        uint64_t h = fnv1a((const char *)b->data, SGI_MIN(b->len, (size_t)4096)) ^ b->len;
        if (hs_has(&r->pictures, h))
            continue;
        hs_add(r->mem, &r->pictures, h);
        char member[64], err[300];
        snprintf(member, sizeof(member), "page %d image %d", r->page_no, i + 1);
        const char *format = NULL;
        sgi_scan_nested(r->ctx, b->data, b->len, member, "picture in the document", err,
                        sizeof(err), &format);
    }
    sgi_pdf_page_drop_images(r->fz, p);
}

static void read_page(pdfr *r, int index)
{
    fz_context *ctx = r->fz;
    pdf_page *page = NULL;
    fz_var(page);
    r->page_no = index + 1;
    fz_try(ctx)
    {
        page = pdf_load_page(ctx, r->doc, index);
        if (page_record(r, page, r->revision == 0)) {
            if (r->revision == 0) {
                if (r->want_hashes)
                    for (size_t i = 0; i < r->nlines; i++)
                        hs_add(r->mem, &r->final_lines,
                               line_hash(r->text.p + r->lines[i].off, r->lines[i].n));
                page_hidden_findings(r);
                page_scan_lines(r, false, NULL);
                /* a page that is a picture: nothing to check it by */
                fz_rect b = r->rec.bounds;
                double area = (double)(b.x1 - b.x0) * (double)(b.y1 - b.y0);
                if (r->rec.ng == 0 && area > 0 && r->rec.image_area >= 0.25 * area) {
                    sg_location loc = page_loc(r, r->page_no, NULL);
                    const char *msg = "a scanned or picture-only page with no text layer; its "
                                      "words cannot be checked";
                    sgi_emit(r->ctx, SGI_R_NOTICE_UNREADABLE_PAGE, 0, NULL, msg, strlen(msg),
                             msg, &loc);
                }
                if (r->rec.truncated && !r->page_error[0]) {
                    snprintf(r->page_error, sizeof(r->page_error), "%s",
                             "more marks than the per-page limit; the rest not checked");
                    r->error_page = r->page_no;
                }
                page_pictures(r);
                if (r->noff)
                    hidden_layers_page(r, page);
                javascript_aa(r, pdf_dict_get(ctx, page->obj, PDF_NAME(AA)), r->page_no, NULL,
                              "run by the page");
            } else {
                page_scan_lines(r, true, "earlier revision");
            }
        }
    }
    fz_always(ctx)
        fz_drop_page(ctx, (fz_page *)page);
    fz_catch(ctx)
    {
        if (r->revision == 0 && !r->page_error[0]) {
            snprintf(r->page_error, sizeof(r->page_error), "%s", fz_caught_message(ctx));
            r->error_page = r->page_no;
        }
        if (r->st->timed_out || r->st->over_memory)
            fz_rethrow(ctx);
    }
}

/* -------------------------------------------------------------- layers */

static void layers(pdfr *r)
{
    fz_context *ctx = r->fz;
    int n = pdf_count_layers(ctx, r->doc);
    if (n <= 0)
        return;
    r->off_layers = sgi_calloc(r->mem, (size_t)n, sizeof(int));
    if (!r->off_layers)
        return;
    for (int i = 0; i < n && i < 1024; i++) {
        if (pdf_layer_is_enabled(ctx, r->doc, i))
            continue;
        r->off_layers[r->noff++] = i;
        const char *name = pdf_layer_name(ctx, r->doc, i);
        char msg[300];
        snprintf(msg, sizeof(msg), "layer \"%s\" is off by default", name ? name : "?");
        sg_location loc = {0};
        loc.offset = -1;
        hidden_note(r, SGI_R_HIDDEN_PDF_LAYER, "hidden layer", msg, NULL, &loc);
    }
}

/* ------------------------------------------------------------ revisions */

/* Where each revision ends: after the "%%EOF" of each "startxref N
 * %%EOF" in the file. */
static size_t revision_ends(pdfr *r, int64_t *ends, size_t max, bool *linearized)
{
    size_t n = 0;
    unsigned char buf[65536 + 64];
    size_t keep = 0;
    int64_t base = 0;
    *linearized = false;
    /* ends are kept in a ring: the last max of them */
    size_t total = 0;
    for (;;) {
        size_t got = 0;
        if (r->fd >= 0) {
            ssize_t k;
            do
                k = pread(r->fd, buf + keep, 65536, (off_t)(base + (int64_t)keep));
            while (k < 0 && errno == EINTR);
            got = k > 0 ? (size_t)k : 0;
        } else if (base + (int64_t)keep < r->size) {
            got = (size_t)SGI_MIN((int64_t)65536, r->size - base - (int64_t)keep);
            memcpy(buf + keep, r->data + base + keep, got);
        }
        size_t len = keep + got;
        if (base == 0 && len > 0) {
            size_t head = SGI_MIN(len, (size_t)1024);
            *linearized = memmem(buf, head, "/Linearized", 11) != NULL;
        }
        for (size_t i = 0; i + 5 <= len; i++) {
            if (buf[i] != '%' || memcmp(buf + i, "%%EOF", 5) != 0)
                continue;
            size_t from = i > 48 ? i - 48 : 0;
            if (!memmem(buf + from, i - from, "startxref", 9))
                continue;
            int64_t end = base + (int64_t)i + 5;
            /* an end-of-line after it belongs to it */
            if (i + 5 < len && buf[i + 5] == '\r')
                end++;
            if ((size_t)(end - base) < len && buf[end - base] == '\n')
                end++;
            if (n && ends[(n - 1) % max] >= end)
                continue;
            ends[n % max] = end;
            n++;
            total++;
        }
        if (got == 0)
            break;
        /* keep a tail so that a marker across the boundary is seen */
        keep = SGI_MIN(len, (size_t)64);
        base += (int64_t)(len - keep);
        memmove(buf, buf + len - keep, keep);
        if (sgi_pdf_time_up(r->st))
            break;
    }
    (void)total;
    return n;
}

/* What an earlier revision held that the final one does not. */
static void revision_summary(pdfr *r, sg_finding *f, size_t earlier, int64_t end)
{
    sgi_arena *ar = &r->ctx->res->arena;
    char head[300];
    snprintf(head, sizeof(head), "earlier revision %lld of %zu (the first %lld bytes): ",
             r->revision, earlier, (long long)end);
    const char *t = r->rev_text.p ? r->rev_text.p : "";
    size_t n = SGI_MIN(r->rev_text.len, (size_t)SUMMARY_BYTES);
    while (n < r->rev_text.len && n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
        n--;
    const char *more = n < r->rev_text.len ? "..." : "";
    char *v, *m;
    if (r->recovered || r->rev_meta) {
        char *masked = sgi_arena_alloc(ar, n + 1);
        if (masked)
            sgi_mask(SGI_MASK_ALL, t, n, masked);
        char what[200];
        snprintf(what, sizeof(what), "%llu line%s of text and %u metadata value%s no longer in "
                 "the document", r->recovered, r->recovered == 1 ? "" : "s", r->rev_meta,
                 r->rev_meta == 1 ? "" : "s");
        const char *sep = n ? ": " : "";
        v = sgi_arena_printf(ar, "%s%s%s%.*s%s", head, what, sep, (int)n, t, more);
        m = sgi_arena_printf(ar, "%s%s%s%s%s", head, what, sep, masked ? masked : "", more);
    } else {
        v = sgi_arena_printf(ar, "%s%s", head,
                             "nothing in its text or metadata differs from the final version");
        m = v;
    }
    if (v && m) {
        f->value = v;
        f->match = m;
    }
    if (r->rev_first_page)
        f->location.page = r->rev_first_page;
}

static void revisions(pdfr *r)
{
    fz_context *ctx = r->fz;
    int64_t ring[MAX_REVISIONS + 2];
    bool linearized = false;
    size_t total = revision_ends(r, ring, MAX_REVISIONS + 2, &linearized);
    /* the last is the final version; a linearized file's first is not a
     * revision */
    size_t first = linearized ? 1 : 0;
    if (total < first + 2)
        return;
    size_t earlier = total - 1 - first;
    size_t start = total - 1 > MAX_REVISIONS ? total - 1 - MAX_REVISIONS : first;
    if (start < first)
        start = first;
    hashset final_meta = {0};
    info_dict(r, r->doc, NULL, NULL, &final_meta);
    for (size_t k = start; k + 1 < total; k++) {
        int64_t end = ring[k % (MAX_REVISIONS + 2)];
        if (end <= 0 || end >= r->size)
            continue;
        if (sgi_pdf_time_up(r->st))
            break;
        r->revision = (long long)(k - first + 1);
        r->recovered = 0;
        r->rev_text.len = 0;
        r->rev_first_page = 0;
        r->rev_meta = 0;
        /* the revision's finding first, its summary filled in once read */
        sgi_result *res = r->ctx->res;
        size_t idx = res->nfindings;
        sg_location rloc = page_loc(r, 0, NULL);
        hidden_note(r, SGI_R_HIDDEN_PDF_REVISION, "earlier revision", "earlier revision", NULL,
                    &rloc);
        bool stored = res->nfindings > idx;
        fz_stream *stm = NULL;
        pdf_document *doc = NULL;
        pdf_document *final_doc = r->doc;
        fz_var(stm);
        fz_var(doc);
        fz_try(ctx)
        {
            if (r->fd >= 0) {
                fd_stream *s = fz_malloc_struct(ctx, fd_stream);
                s->fd = r->fd;
                s->size = end;
                stm = fz_new_stream(ctx, s, fds_next, fds_drop);
                stm->seek = fds_seek;
            } else {
                stm = fz_open_memory(ctx, r->data, (size_t)end);
            }
            doc = pdf_open_document_with_stream(ctx, stm);
            if (pdf_needs_password(ctx, doc))
                pdf_authenticate_password(ctx, doc, "");
            char part[64];
            snprintf(part, sizeof(part), "revision %lld Info dictionary", r->revision);
            char *p = sgi_arena_strndup(&r->ctx->res->arena, part, strlen(part));
            info_dict(r, doc, p, &final_meta, NULL);
            r->doc = doc;
            int np = pdf_count_pages(ctx, doc);
            for (int i = 0; i < np && !sgi_pdf_time_up(r->st); i++)
                read_page(r, i);
        }
        fz_always(ctx)
        {
            r->doc = final_doc;
            sgi_pdf_page_drop_images(ctx, &r->rec);
            pdf_drop_document(ctx, doc);
            fz_drop_stream(ctx, stm);
        }
        fz_catch(ctx)
        {
            if (r->st->timed_out || r->st->over_memory) {
                r->revision = 0;
                sgi_free(r->mem, final_meta.v);
                fz_rethrow(ctx);
            }
            /* a revision that cannot be opened on its own: say so */
            char msg[300];
            snprintf(msg, sizeof(msg), "earlier revision %lld (the first %lld bytes) cannot be "
                     "read on its own: %s", r->revision, (long long)end,
                     fz_caught_message(ctx));
            if (stored) {
                char *v = sgi_arena_strndup(&r->ctx->res->arena, msg, strlen(msg));
                if (v)
                    res->findings[idx].value = res->findings[idx].match = v;
            }
            continue;
        }
        if (stored)
            revision_summary(r, &res->findings[idx], (size_t)(total - 1 - first), end);
    }
    r->revision = 0;
    sgi_free(r->mem, final_meta.v);
    if (earlier > MAX_REVISIONS) {
        char msg[200];
        snprintf(msg, sizeof(msg), "%zu earlier revisions; the oldest %zu were not compared",
                 earlier, earlier - MAX_REVISIONS);
        sg_location loc = page_loc(r, 0, NULL);
        hidden_note(r, SGI_R_HIDDEN_PDF_REVISION, "earlier revision", msg, NULL, &loc);
    }
}

/* ------------------------------------------------------------ the file */

static bool pdf_open_input(pdfr *r, sgi_ctx *ctx)
{
    sgi_input *in = ctx->in;
    sgi_whole w; /* a file on disk: MuPDF reads where it likes */
    sg_status s = sgi_input_whole(in, ctx->mem, true, ctx->eng->opt_max_part, &w);
    r->owned = w.owned;
    r->fd = w.fd;
    r->data = w.p;
    r->size = (int64_t)w.n;
    if (s != SG_OK && w.kind == SGI_WHOLE_FILE)
        sgi_ctx_error(ctx, SG_E_IO, "read error: %s", strerror(in->err));
    else if (s != SG_OK)
        sgi_ctx_error(ctx, in->err ? SG_E_IO : SG_E_LIMIT,
                      "%s: a streamed PDF must fit the part limit (--max-part)",
                      in->err ? strerror(in->err) : "too large");
    return s == SG_OK;
}

static void pdfr_free(pdfr *r)
{
    sgi_cells_free(&r->cells);
    sgi_pdf_page_free(&r->rec);
    sgi_text_free(&r->text);
    sgi_text_free(&r->rev_text);
    sgi_free(r->mem, r->lines);
    sgi_free(r->mem, r->final_lines.v);
    sgi_free(r->mem, r->pictures.v);
    sgi_free(r->mem, r->files);
    sgi_free(r->mem, r->off_layers);
    sgi_free(r->mem, r->owned);
}

static int pdf_bid(const sgi_peek *pk)
{
    /* %PDF- may follow some junk; readers accept it within 1 KiB */
    size_t lim = SGI_MIN(pk->n, (size_t)1024);
    if (lim >= 5 && memmem(pk->p, lim, "%PDF-", 5))
        return 40;
    /* no header, but PDF objects from the start (readers repair that) */
    if (lim >= 16 && pk->p[0] == '%' && memmem(pk->p, lim, " obj", 4) &&
        memmem(pk->p, lim, "endobj", 6) && memmem(pk->p, lim, "<<", 2) &&
        (memmem(pk->p, lim, "/Type", 5) || memmem(pk->p, lim, "xref", 4)))
        return 24;
    return 0;
}

/* Open the document and read all of it; the status and message of what
 * stopped it. */
static sg_status pdf_read_doc(pdfr *r, char *err, size_t errlen)
{
    sgi_pdf_state *st = r->st;
    sgi_ctx *ctx = r->ctx;
    fz_context *fz = st->fz;
    fz_stream *stm = NULL;
    fz_var(stm);
    sg_status status = SG_OK;
        fz_var(status);
    fz_try(fz)
    {
        if (r->fd >= 0) {
            fd_stream *s = fz_malloc_struct(fz, fd_stream);
            s->fd = r->fd;
            s->size = r->size;
            stm = fz_new_stream(fz, s, fds_next, fds_drop);
            stm->seek = fds_seek;
        } else {
            stm = fz_open_memory(fz, r->data, (size_t)r->size);
        }
        r->doc = pdf_open_document_with_stream(fz, stm);
        if (pdf_needs_password(fz, r->doc) && !pdf_authenticate_password(fz, r->doc, "")) {
            sgi_notice_encrypted(r->ctx, "encrypted PDF (a password is needed to open it)",
                                 NULL);
        } else {
            info_dict(r, r->doc, "Info dictionary", NULL, NULL);
            xmp(r);
            layers(r);
            pdf_obj *root = pdf_dict_get(fz, pdf_trailer(fz, r->doc), PDF_NAME(Root));
            pdf_obj *names = pdf_dict_get(fz, root, PDF_NAME(Names));
            int budget = MAX_NAME_NODES;
            name_tree(r, pdf_dict_get(fz, names, PDF_NAME(JavaScript)), js_entry, 0, &budget);
            javascript(r, pdf_dict_gets(fz, root, "OpenAction"), 0, NULL,
                       "run when the document opens");
            javascript_aa(r, pdf_dict_get(fz, root, PDF_NAME(AA)), 0, NULL,
                          "run by a document event");
            budget = MAX_NAME_NODES;
            name_tree(r, pdf_dict_get(fz, names, PDF_NAME(EmbeddedFiles)), file_entry, 0,
                      &budget);
            /* earlier revisions need the final lines to compare with */
            bool lin = false;
            int64_t ends[4];
            r->want_hashes = revision_ends(r, ends, 4, &lin) >= (lin ? 3u : 2u);
            /* each page is an object: a page count beyond the objects
             * there are is a lie, and reading it would take for ever */
            int np = pdf_count_pages(fz, r->doc);
            int objects = pdf_xref_len(fz, r->doc);
            if (np > objects) {
                snprintf(r->page_error, sizeof(r->page_error),
                         "the page tree claims %d pages but the file holds %d objects; "
                         "the first %d were read", np, objects, objects);
                r->error_page = objects + 1;
                np = objects;
            }
            for (int i = 0; i < np; i++) {
                if (sgi_pdf_time_up(st))
                    fz_throw(fz, FZ_ERROR_GENERIC, "time limit reached");
                read_page(r, i);
                r->seen_pages++;
            }
            if (r->want_hashes)
                revisions(r);
        }
    }
    fz_always(fz)
    {
        sgi_pdf_page_drop_images(fz, &r->rec);
        pdf_drop_document(fz, r->doc);
        r->doc = NULL;
        fz_drop_stream(fz, stm);
    }
    fz_catch(fz)
    {
        if (st->timed_out) {
            status = SG_E_LIMIT;
            snprintf(err, errlen,
                     "time limit reached after %llu pages (--timeout %llu s); not fully checked",
                     r->seen_pages, ctx->eng->opt_timeout);
        } else if (st->over_memory) {
            status = SG_E_LIMIT;
            snprintf(err, errlen,
                     "needs more than %llu MiB of memory (--max-memory); not fully checked",
                     ctx->eng->opt_max_doc_memory >> 20);
        } else {
            status = SG_E_FORMAT;
            snprintf(err, errlen, "damaged PDF: %s", fz_caught_message(fz));
        }
    }
    return status;
}

static sg_status pdf_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    (void)pk;
    ctx->res->pub.format = "pdf";
    sgi_pdf_state *st = sgi_pdf_state_of(ctx->sc, ctx->mem);
    if (!st) {
        sgi_ctx_error(ctx, SG_E_NOMEM, "%s", "out of memory");
        return SG_OK;
    }
    pdfr *r = sgi_calloc(ctx->mem, 1, sizeof(*r));
    if (!r) {
        sgi_ctx_error(ctx, SG_E_NOMEM, "%s", "out of memory");
        return SG_OK;
    }
    r->ctx = ctx;
    r->st = st;
    r->fz = st->fz;
    r->mem = ctx->mem;
    sgi_cells_init(&r->cells, ctx);
    sgi_pdf_page_init(&r->rec, ctx->mem);
    sgi_text_init(&r->text, ctx->mem, (size_t)ctx->eng->opt_max_record * 16);
    sgi_text_init(&r->rev_text, ctx->mem, SUMMARY_BYTES + 8);
    if (!pdf_open_input(r, ctx)) {
        pdfr_free(r);
        sgi_free(ctx->mem, r);
        return SG_OK;
    }
    /* the top-level file starts the clock and the memory count */
    bool top = st->active == 0;
    if (top)
        sgi_pdf_start_clock(st);
    st->active++;
    char err[300] = "";
    sg_status status = pdf_read_doc(r, err, sizeof(err));
    st->active--;
    if (status == SG_OK && r->page_error[0]) {
        status = SG_E_FORMAT;
        snprintf(err, sizeof(err), "page %d could not be read: %s", r->error_page,
                 r->page_error);
    }
    if (status == SG_OK && st->over_memory) {
        /* something was refused along the way (a font, an attachment) */
        status = SG_E_LIMIT;
        snprintf(err, sizeof(err),
                 "needs more than %llu MiB of memory (--max-memory); not fully checked",
                 ctx->eng->opt_max_doc_memory >> 20);
    }
    if (status == SG_OK && r->nomem) {
        status = SG_E_NOMEM;
        snprintf(err, sizeof(err), "%s", "out of memory");
    }
    if (top)
        fz_empty_store(st->fz);
    pdfr_free(r);
    sgi_free(ctx->mem, r);
    if (status != SG_OK)
        sgi_ctx_error(ctx, status, "%s", err);
    return SG_OK;
}

const sgi_reader sgi_reader_pdf = {"pdf", pdf_bid, pdf_scan};
