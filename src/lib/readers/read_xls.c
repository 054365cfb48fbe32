/*
 * read_xls.c - Excel 97-2003 workbooks (BIFF8 in an OLE2 compound file);
 * Word and PowerPoint 97-2003 files go on to read_ole_docs.c.
 *
 * libgsf opens the compound file and reads the property sets (author,
 * last saved by, company). No library in Debian reads BIFF records for
 * C, so the record reader is here, small, bounded by the stream's length
 * and fuzzed: the globals (sheets with their hidden/very hidden state, the
 * shared strings across CONTINUE records, cell formats for dates, defined
 * names, links to other workbooks, FILEPASS for a password) and each
 * sheet's cells (LABELSST, LABEL, RSTRING, NUMBER, RK, MULRK, FORMULA with
 * its cached value or STRING), hidden rows (ROW) and columns (COLINFO).
 * Cells go through the same pipeline as XLSX (tables of people, remote
 * cells). The pivot caches Excel and LibreOffice keep in _SX_DB_CUR are
 * read too (read_xls_pivot below): their records are a table of their own.
 * BIFF5 and older, charts and comments (NOTE/TXO) are not read yet.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "ole_private.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#define MAX_SHEETS 4096
#define MAX_XF 65536

typedef struct xsheet {
    char *name;
    uint32_t pos; /* of its BOF in the stream */
    int state;    /* 0 visible, 1 hidden, 2 very hidden */
    unsigned long long cells;
} xsheet;

typedef struct xls {
    sgi_ctx *ctx;
    const unsigned char *s; /* the Workbook stream */
    size_t n;
    /* shared strings */
    char **sst;
    size_t nsst, capsst;
    /* cell formats: is XF i a date? */
    unsigned char *xf_date;
    size_t nxf, capxf;
    struct {
        unsigned id;
        bool date;
    } fmts[512];
    size_t nfmts;
    bool d1904;
    xsheet *sheets;
    size_t nsheets;
    sgi_cells cells;
} xls;

static pthread_once_t gsf_once = PTHREAD_ONCE_INIT;

static void quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)domain, (void)level, (void)msg, (void)data; /* a damaged file is reported as such */
}

static void gsf_start(void)
{
    gsf_init();
    /* libgsf complains about damaged files on stderr: the file's error
     * says it for us */
    static const char *const domains[] = {NULL, "libgsf", "libgsf:msole", "libgsf:utils",
                                          "libgsf:zip"};
    for (size_t i = 0; i < SGI_ARRAY_LEN(domains); i++)
        g_log_set_handler(domains[i], G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE |
                                          G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG |
                                          G_LOG_LEVEL_CRITICAL,
                          quiet, NULL);
}

static double f64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    double d;
    memcpy(&d, &v, sizeof(d));
    return d;
}

/* ------------------------------------------------------------- strings */

void sgi_ole_chars(sgi_text *t, const unsigned char *p, size_t nch, bool wide, bool marks)
{
    for (size_t i = 0; i < nch; i++) {
        uint32_t c = wide ? sgi_le16(p + 2 * i) : p[i];
        if (marks && (c == 13 || c == 11 || c == 7 || c == 12))
            c = '\n';
        else if (marks && c < 32 && c != 9)
            continue; /* field marks (19, 20, 21), objects (1, 8) */
        if (wide && c >= 0xD800 && c <= 0xDBFF && i + 1 < nch) {
            unsigned lo = sgi_le16(p + 2 * (i + 1));
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                i++;
            }
        }
        if (c >= 0xD800 && c <= 0xDFFF)
            c = 0xFFFD;
        char u[4];
        sgi_text_add(t, u, sgi_utf8_put(u, c));
    }
}

static void put_chars(sgi_text *t, const unsigned char *p, size_t nch, bool wide)
{
    sgi_ole_chars(t, p, nch, wide, false);
}

/* A record body with its CONTINUE records: the pieces, for strings that
 * run across them (each piece after the first starts with a new flags
 * byte when a string's characters continue). */
typedef struct pieces {
    const unsigned char *p[1024];
    size_t n[1024];
    size_t np;
} pieces;

typedef struct cursor {
    const pieces *pc;
    size_t i, off; /* piece, offset in it */
} cursor;

static size_t left(const cursor *c)
{
    return c->i < c->pc->np ? c->pc->n[c->i] - c->off : 0;
}

static bool next_piece(cursor *c)
{
    if (c->i + 1 >= c->pc->np)
        return false;
    c->i++;
    c->off = 0;
    return true;
}

/* Read k bytes (which may not run across pieces except at their ends). */
static bool take(cursor *c, unsigned char *out, size_t k)
{
    while (k) {
        if (left(c) == 0 && !next_piece(c))
            return false;
        size_t m = SGI_MIN(k, left(c));
        if (out) {
            memcpy(out, c->pc->p[c->i] + c->off, m);
            out += m;
        }
        c->off += m;
        k -= m;
    }
    return true;
}

/* One XLUnicodeRichExtendedString from the SST, to t. */
static bool sst_string(cursor *c, sgi_text *t)
{
    unsigned char h[3];
    if (!take(c, h, 3))
        return false;
    size_t nch = sgi_le16(h);
    unsigned flags = h[2];
    unsigned runs = 0;
    uint32_t ext = 0;
    unsigned char b[4];
    if (flags & 0x08) {
        if (!take(c, b, 2))
            return false;
        runs = sgi_le16(b);
    }
    if (flags & 0x04) {
        if (!take(c, b, 4))
            return false;
        ext = sgi_le32(b);
    }
    bool wide = flags & 0x01;
    while (nch) {
        if (left(c) == 0) {
            /* the characters go on in the next CONTINUE, after a flags byte */
            if (!next_piece(c) || !take(c, b, 1))
                return false;
            wide = b[0] & 0x01;
        }
        size_t can = wide ? left(c) / 2 : left(c);
        if (can == 0)
            return false;
        size_t m = SGI_MIN(nch, can);
        put_chars(t, c->pc->p[c->i] + c->off, m, wide);
        c->off += m * (wide ? 2 : 1);
        nch -= m;
    }
    return take(c, NULL, (size_t)runs * 4) && take(c, NULL, ext);
}

/* A short XLUnicodeString (cch in 1 byte) or one with cch in 2 bytes, in
 * a single record: its UTF-8 into out. */
static size_t record_string(const unsigned char *p, size_t n, bool cch16, char *out,
                            size_t outlen, sgi_text *t)
{
    size_t hdr = cch16 ? 3 : 2;
    if (n < hdr)
        return 0;
    size_t nch = cch16 ? sgi_le16(p) : p[0];
    bool wide = p[hdr - 1] & 1;
    size_t avail = (n - hdr) / (wide ? 2 : 1);
    nch = SGI_MIN(nch, avail);
    t->len = 0;
    put_chars(t, p + hdr, nch, wide);
    if (out) {
        snprintf(out, outlen, "%.*s", (int)t->len, t->p ? t->p : "");
    }
    return hdr + nch * (wide ? 2 : 1);
}

/* ------------------------------------------------------------- records */

typedef struct rec {
    unsigned type;
    const unsigned char *p;
    size_t n;
    size_t next; /* offset of the record after it */
} rec;

static bool rec_at(const xls *x, size_t off, rec *r)
{
    if (off + 4 > x->n)
        return false;
    r->type = sgi_le16(x->s + off);
    r->n = sgi_le16(x->s + off + 2);
    if (off + 4 + r->n > x->n)
        return false;
    r->p = x->s + off + 4;
    r->next = off + 4 + r->n;
    return true;
}

/* The pieces of a record and the CONTINUEs after it. */
static size_t gather(const xls *x, const rec *r, pieces *pc)
{
    pc->np = 0;
    pc->p[pc->np] = r->p;
    pc->n[pc->np++] = r->n;
    size_t off = r->next;
    rec c;
    while (pc->np < SGI_ARRAY_LEN(pc->p) && rec_at(x, off, &c) && c.type == 0x3C) {
        pc->p[pc->np] = c.p;
        pc->n[pc->np++] = c.n;
        off = c.next;
    }
    return off;
}

static void read_sst(xls *x, const rec *r)
{
    pieces *pc = sgi_malloc(x->ctx->mem, sizeof(*pc));
    if (!pc || r->n < 8) {
        sgi_free(x->ctx->mem, pc);
        return;
    }
    gather(x, r, pc);
    cursor c = {pc, 0, 8};
    uint32_t unique = sgi_le32(r->p + 4);
    sgi_text t;
    sgi_text_init(&t, x->ctx->mem, x->ctx->eng->opt_max_record);
    for (uint32_t i = 0; i < unique; i++) {
        t.len = 0;
        if (!sst_string(&c, &t))
            break;
        if (!sgi_grow(x->ctx->mem, (void **)&x->sst, &x->capsst, x->nsst + 1, sizeof(char *)))
            break;
        x->sst[x->nsst++] = sgi_arena_strndup(&x->ctx->res->arena, t.p ? t.p : "", t.len);
    }
    sgi_text_free(&t);
    sgi_free(x->ctx->mem, pc);
}

static bool fmt_is_date(const xls *x, unsigned id)
{
    for (size_t i = 0; i < x->nfmts; i++)
        if (x->fmts[i].id == id)
            return x->fmts[i].date;
    return sgi_xlsx_builtin_date(id);
}

/* The globals: sheets, strings, formats, names, links, a password. */
static bool read_globals(xls *x, bool *encrypted)
{
    size_t off = 0;
    rec r;
    sgi_text t;
    sgi_text_init(&t, x->ctx->mem, 1 << 16);
    size_t cap = 0;
    unsigned *xfids = NULL;
    size_t nx = 0;
    while (rec_at(x, off, &r)) {
        off = r.next;
        switch (r.type) {
        case 0x2F: /* FILEPASS */
            *encrypted = true;
            sgi_text_free(&t);
            sgi_free(x->ctx->mem, xfids);
            return true;
        case 0x22: /* DATEMODE */
            if (r.n >= 2)
                x->d1904 = sgi_le16(r.p) == 1;
            break;
        case 0x85: /* BOUNDSHEET8 */
            if (r.n >= 8 && x->nsheets < MAX_SHEETS) {
                xsheet *ns = sgi_realloc(x->ctx->mem, x->sheets,
                                         (x->nsheets + 1) * sizeof(xsheet));
                if (!ns)
                    break;
                x->sheets = ns;
                char name[256];
                record_string(r.p + 6, r.n - 6, false, name, sizeof(name), &t);
                xsheet *s = &x->sheets[x->nsheets++];
                s->name = sgi_arena_strndup(&x->ctx->res->arena, name, strlen(name));
                s->pos = sgi_le32(r.p);
                s->state = r.p[4] & 3;
                s->cells = 0;
                if (r.p[5] != 0) /* a chart or macro sheet: no cells here */
                    s->pos = UINT32_MAX;
            }
            break;
        case 0xFC: /* SST */
            read_sst(x, &r);
            break;
        case 0x41E: /* FORMAT */
            if (r.n >= 5 && x->nfmts < SGI_ARRAY_LEN(x->fmts)) {
                char code[256];
                record_string(r.p + 2, r.n - 2, true, code, sizeof(code), &t);
                x->fmts[x->nfmts].id = sgi_le16(r.p);
                x->fmts[x->nfmts].date = sgi_xlsx_fmt_date(code);
                x->nfmts++;
            }
            break;
        case 0xE0: /* XF */
            if (r.n >= 4 && nx < MAX_XF &&
                sgi_grow(x->ctx->mem, (void **)&xfids, &cap, nx + 1, sizeof(unsigned)))
                xfids[nx++] = sgi_le16(r.p + 2);
            break;
        case 0x0A: /* EOF of the globals */
            goto done;
        default:
            break;
        }
    }
done:
    x->xf_date = sgi_malloc(x->ctx->mem, nx ? nx : 1);
    if (x->xf_date) {
        for (size_t i = 0; i < nx; i++)
            x->xf_date[i] = fmt_is_date(x, xfids[i]);
        x->nxf = nx;
    }
    sgi_free(x->ctx->mem, xfids);
    sgi_text_free(&t);
    return true;
}

/* The names and links in the globals, after the sheets are known. */
static void read_names(xls *x)
{
    size_t off = 0;
    rec r;
    sgi_text t;
    sgi_text_init(&t, x->ctx->mem, 1 << 16);
    while (rec_at(x, off, &r) && r.type != 0x0A) {
        off = r.next;
        if (r.type == 0x1AE && r.n >= 4 && !(sgi_le16(r.p + 2) == 0x0401 || sgi_le16(r.p + 2) == 0x3A01)) {
            /* SUPBOOK naming another workbook (not this one, not add-ins) */
            char path[512];
            record_string(r.p + 2, r.n - 2, true, path, sizeof(path), &t);
            if (path[0]) {
                char v[600];
                snprintf(v, sizeof(v), "link to another workbook: %s", path);
                sg_location loc = {0};
                loc.part = "Workbook";
                sgi_emit(x->ctx, SGI_R_HIDDEN_EXTERNAL_LINK, SGI_F_HIDDEN, "external link",
                         v, strlen(v), v, &loc);
            }
        } else if (r.type == 0x18 && r.n >= 15) { /* NAME */
            unsigned grbit = sgi_le16(r.p);
            unsigned cch = r.p[3];
            if (!(grbit & 0x01) || (grbit & 0x20)) /* hidden, not built in */
                continue;
            bool wide = r.p[14] & 1;
            if (15 + cch * (wide ? 2u : 1u) > r.n)
                continue;
            t.len = 0;
            put_chars(&t, r.p + 15, cch, wide);
            char v[400];
            snprintf(v, sizeof(v), "hidden defined name \"%.*s\"", (int)t.len, t.p ? t.p : "");
            sg_location loc = {0};
            loc.part = "Workbook";
            sgi_emit(x->ctx, SGI_R_HIDDEN_DEFINED_NAME, SGI_F_HIDDEN, "hidden defined name", v,
                     strlen(v), v, &loc);
        }
    }
    sgi_text_free(&t);
}

/* ---------------------------------------------------------------- cells */

static double rk_value(uint32_t rk)
{
    double d;
    if (rk & 2) {
        d = (double)((int32_t)rk >> 2);
    } else {
        uint64_t v = (uint64_t)(rk & 0xFFFFFFFCu) << 32;
        memcpy(&d, &v, sizeof(d));
    }
    return rk & 1 ? d / 100 : d;
}

typedef struct range {
    unsigned lo, hi;
} range;

typedef struct xnote {
    unsigned row, col, obj;
    char *author;
} xnote;

typedef struct xtext {
    unsigned obj;
    char *text;
} xtext;

typedef struct sheet_read {
    xls *x;
    xsheet *sh;
    unsigned flags;
    const char *reason;
    range *hcols;
    size_t nhcols, caphcols;
    unsigned char *hrow; /* 65536 rows: hidden? */
    unsigned long long hidden_row_cells, hidden_col_cells;
    /* comments: NOTE records, and the text boxes (OBJ + TXO) they name */
    xnote *notes;
    size_t nnotes, capnotes;
    xtext *texts;
    size_t ntexts, captexts;
    unsigned last_obj;
} sheet_read;

static bool col_hidden(const sheet_read *s, unsigned c)
{
    for (size_t i = 0; i < s->nhcols; i++)
        if (c >= s->hcols[i].lo && c <= s->hcols[i].hi)
            return true;
    return false;
}

static void cell(sheet_read *s, unsigned row, unsigned col, const char *text, size_t n)
{
    if (!n)
        return;
    unsigned flags = s->flags;
    const char *reason = s->reason;
    if (!flags && s->hrow[row & 0xFFFF]) {
        flags = SGI_F_HIDDEN;
        reason = "hidden row";
        s->hidden_row_cells++;
    } else if (!flags && col_hidden(s, col)) {
        flags = SGI_F_HIDDEN;
        reason = "hidden column";
        s->hidden_col_cells++;
    }
    s->sh->cells++;
    sgi_cells_add(&s->x->cells, (unsigned long long)row + 1, col, text, n, flags, reason);
}

static void number_cell(sheet_read *s, unsigned row, unsigned col, unsigned xf, double v)
{
    char buf[64];
    if (!isfinite(v))
        return;
    bool date = xf < s->x->nxf && s->x->xf_date[xf];
    if (!(date && sgi_xlsx_serial_date(v, s->x->d1904, buf, sizeof(buf)))) {
        if (v == floor(v) && fabs(v) < 1e15)
            snprintf(buf, sizeof(buf), "%.0f", v);
        else
            snprintf(buf, sizeof(buf), "%.15g", v);
    }
    cell(s, row, col, buf, strlen(buf));
}

/* "B7" for row 7 (1-based), column 1 (0-based). */
static void cell_ref(unsigned long long row, unsigned col, char *out, size_t n)
{
    char l[8];
    size_t k = 0;
    unsigned c = col + 1;
    while (c && k < sizeof(l)) {
        l[k++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    size_t o = 0;
    while (k && o + 1 < n)
        out[o++] = l[--k];
    snprintf(out + o, n - o, "%llu", row);
}

/* Comments: each NOTE with the text of its box, as for XLSX. */
static void read_notes(sheet_read *s)
{
    if (!s->nnotes)
        return;
    xls *x = s->x;
    sgi_arena *ar = &x->ctx->res->arena;
    sgi_cells_begin(&x->cells, SGI_CELLS_CELLS, "Workbook", s->sh->name, 0, NULL);
    for (size_t i = 0; i < s->nnotes; i++) {
        const xnote *n = &s->notes[i];
        const char *body = "";
        for (size_t k = 0; k < s->ntexts; k++)
            if (s->texts[k].obj == n->obj)
                body = s->texts[k].text;
        const char *who = n->author && *n->author ? n->author : "unknown author";
        char ref[16];
        cell_ref(n->row + 1, n->col, ref, sizeof(ref));
        sg_location loc = {0};
        loc.offset = -1;
        loc.part = "Workbook";
        loc.sheet = s->sh->name;
        loc.cell = sgi_arena_strndup(ar, ref, strlen(ref));
        loc.row = (long long)n->row + 1;
        loc.column_index = n->col + 1;
        char *v = sgi_arena_printf(ar, "comment by %s: %.300s", who, body);
        char *wm = sgi_mask_name(ar, who);
        char *m = sgi_arena_printf(ar, "comment by %s (%zu characters)", wm ? wm : "?",
                                   strlen(body));
        if (v)
            sgi_emit(x->ctx, SGI_R_HIDDEN_COMMENT, SGI_F_HIDDEN, "comment", v, strlen(v),
                     m ? m : v, &loc);
        sgi_cells_add(&x->cells, (unsigned long long)n->row + 1, n->col, body, strlen(body),
                      SGI_F_HIDDEN, "comment");
        sgi_cells_add(&x->cells, (unsigned long long)n->row + 1, n->col, who, strlen(who),
                      SGI_F_HIDDEN | SGI_F_META, "comment author");
    }
    sgi_cells_end(&x->cells, false);
}

static void read_sheet(xls *x, xsheet *sh)
{
    if (sh->pos == UINT32_MAX || sh->pos >= x->n)
        return;
    sheet_read s;
    memset(&s, 0, sizeof(s));
    s.x = x;
    s.sh = sh;
    if (sh->state) {
        s.flags = SGI_F_HIDDEN;
        s.reason = sh->state == 2 ? "very hidden sheet" : "hidden sheet";
    }
    s.hrow = sgi_calloc(x->ctx->mem, 65536, 1);
    if (!s.hrow)
        return;
    sgi_text t;
    sgi_text_init(&t, x->ctx->mem, x->ctx->eng->opt_max_record);
    sgi_cells_begin(&x->cells, SGI_CELLS_TABLE, "Workbook", sh->name, s.flags, s.reason);
    size_t off = sh->pos;
    rec r;
    bool first = true;
    unsigned pending_row = 0, pending_col = 0; /* a FORMULA whose string follows */
    bool pending = false;
    while (rec_at(x, off, &r)) {
        off = r.next;
        if (first) {
            first = false;
            if (r.type != 0x809)
                break;
            continue;
        }
        if (r.type == 0x0A || r.type == 0x809)
            break; /* EOF (or a BOF: the stream is damaged) */
        switch (r.type) {
        case 0x208: /* ROW */
            if (r.n >= 16 && (sgi_le16(r.p + 12) & 0x20))
                s.hrow[sgi_le16(r.p)] = 1;
            break;
        case 0x7D: /* COLINFO */
            if (r.n >= 10 && (sgi_le16(r.p + 8) & 1) &&
                sgi_grow(x->ctx->mem, (void **)&s.hcols, &s.caphcols, s.nhcols + 1,
                         sizeof(range)))
                s.hcols[s.nhcols++] = (range){sgi_le16(r.p), sgi_le16(r.p + 2)};
            break;
        case 0xFD: /* LABELSST */
            if (r.n >= 10) {
                uint32_t i = sgi_le32(r.p + 6);
                if (i < x->nsst)
                    cell(&s, sgi_le16(r.p), sgi_le16(r.p + 2), x->sst[i], strlen(x->sst[i]));
            }
            break;
        case 0x204: /* LABEL */
        case 0xD6:  /* RSTRING */
            if (r.n >= 9) {
                record_string(r.p + 6, r.n - 6, true, NULL, 0, &t);
                cell(&s, sgi_le16(r.p), sgi_le16(r.p + 2), t.p ? t.p : "", t.len);
            }
            break;
        case 0x203: /* NUMBER */
            if (r.n >= 14)
                number_cell(&s, sgi_le16(r.p), sgi_le16(r.p + 2), sgi_le16(r.p + 4), f64(r.p + 6));
            break;
        case 0x27E: /* RK */
            if (r.n >= 10)
                number_cell(&s, sgi_le16(r.p), sgi_le16(r.p + 2), sgi_le16(r.p + 4), rk_value(sgi_le32(r.p + 6)));
            break;
        case 0xBD: /* MULRK */
            if (r.n >= 6) {
                unsigned row = sgi_le16(r.p), col = sgi_le16(r.p + 2);
                for (size_t k = 4; k + 6 <= r.n - 2; k += 6, col++)
                    number_cell(&s, row, col, sgi_le16(r.p + k), rk_value(sgi_le32(r.p + k + 2)));
            }
            break;
        case 0x06: /* FORMULA: its cached value */
            if (r.n >= 20) {
                unsigned row = sgi_le16(r.p), col = sgi_le16(r.p + 2);
                if (sgi_le16(r.p + 12) == 0xFFFF) {
                    if (r.p[6] == 0) { /* a string: in the STRING record next */
                        pending = true;
                        pending_row = row;
                        pending_col = col;
                    } else if (r.p[6] == 1) {
                        cell(&s, row, col, r.p[8] ? "TRUE" : "FALSE", r.p[8] ? 4 : 5);
                    }
                } else {
                    number_cell(&s, row, col, sgi_le16(r.p + 4), f64(r.p + 6));
                }
            }
            break;
        case 0x5D: /* OBJ: its id, for the TXO after it */
            if (r.n >= 8 && sgi_le16(r.p) == 0x15)
                s.last_obj = sgi_le16(r.p + 6);
            break;
        case 0x1B6: /* TXO: the text in the CONTINUE after it */
            if (r.n >= 12) {
                size_t cch = sgi_le16(r.p + 10);
                rec c;
                if (cch && rec_at(x, off, &c) && c.type == 0x3C && c.n >= 1) {
                    bool wide = c.p[0] & 1;
                    size_t have = (c.n - 1) / (wide ? 2 : 1);
                    t.len = 0;
                    put_chars(&t, c.p + 1, SGI_MIN(cch, have), wide);
                    if (sgi_grow(x->ctx->mem, (void **)&s.texts, &s.captexts, s.ntexts + 1,
                                 sizeof(xtext)))
                        s.texts[s.ntexts++] = (xtext){
                            s.last_obj,
                            sgi_arena_strndup(&x->ctx->res->arena, t.p ? t.p : "", t.len)};
                }
            }
            break;
        case 0x1C: /* NOTE: row, column, the text box's id, the author */
            if (r.n >= 11 && sgi_grow(x->ctx->mem, (void **)&s.notes, &s.capnotes,
                                      s.nnotes + 1, sizeof(xnote))) {
                record_string(r.p + 8, r.n - 8, true, NULL, 0, &t);
                s.notes[s.nnotes++] = (xnote){
                    sgi_le16(r.p), sgi_le16(r.p + 2), sgi_le16(r.p + 6),
                    sgi_arena_strndup(&x->ctx->res->arena, t.p ? t.p : "", t.len)};
            }
            break;
        case 0x207: /* STRING */
            if (pending && r.n >= 3) {
                record_string(r.p, r.n, true, NULL, 0, &t);
                cell(&s, pending_row, pending_col, t.p ? t.p : "", t.len);
            }
            pending = false;
            break;
        default:
            break;
        }
    }
    sg_status st = sgi_cells_end(&x->cells, sh->state == 0);
    if (st != SG_OK)
        sgi_ctx_error(x->ctx, st, "%s", sg_strerror(st));
    read_notes(&s);
    sg_location loc = {0};
    loc.sheet = sh->name;
    loc.part = "Workbook";
    char v[300];
    if (s.hidden_row_cells) {
        snprintf(v, sizeof(v), "hidden rows hold %llu cells", s.hidden_row_cells);
        sgi_emit(x->ctx, SGI_R_HIDDEN_ROWS, SGI_F_HIDDEN, "hidden row", v, strlen(v), v, &loc);
    }
    if (s.hidden_col_cells) {
        snprintf(v, sizeof(v), "hidden columns hold %llu cells", s.hidden_col_cells);
        sgi_emit(x->ctx, SGI_R_HIDDEN_COLUMNS, SGI_F_HIDDEN, "hidden column", v, strlen(v), v,
                 &loc);
    }
    if (sh->state) {
        snprintf(v, sizeof(v), "%s sheet \"%s\" holds %llu non-empty cells",
                 sh->state == 2 ? "very hidden" : "hidden", sh->name, sh->cells);
        sgi_emit(x->ctx, sh->state == 2 ? SGI_R_HIDDEN_SHEET_VERY : SGI_R_HIDDEN_SHEET,
                 SGI_F_HIDDEN, sh->state == 2 ? "very hidden sheet" : "hidden sheet", v,
                 strlen(v), v, &loc);
    }
    sgi_text_free(&t);
    sgi_free(x->ctx->mem, s.hcols);
    sgi_free(x->ctx->mem, s.hrow);
    sgi_free(x->ctx->mem, s.notes);
    sgi_free(x->ctx->mem, s.texts);
}

/* ------------------------------------------------------------ metadata */

static void meta_one(const char *name, GValue const *value, gpointer opaque)
{
    sgi_ctx *ctx = ((void **)opaque)[0];
    sgi_cells *cells = ((void **)opaque)[1];
    static const struct {
        const char *key, *what;
        bool person;
    } wanted[] = {
        {GSF_META_NAME_CREATOR, "creator", true},
        {GSF_META_NAME_LAST_SAVED_BY, "lastModifiedBy", true},
        {GSF_META_NAME_COMPANY, "Company", false},
        {GSF_META_NAME_MANAGER, "Manager", true},
        {GSF_META_NAME_TITLE, "title", false},
        {GSF_META_NAME_SUBJECT, "subject", false},
        {GSF_META_NAME_KEYWORDS, "keywords", false},
        {GSF_META_NAME_DESCRIPTION, "description", false},
    };
    for (size_t i = 0; i < SGI_ARRAY_LEN(wanted); i++) {
        if (strcmp(name, wanted[i].key) != 0 || !G_VALUE_HOLDS_STRING(value))
            continue;
        const char *v = g_value_get_string(value);
        if (v && *v)
            sgi_emit_metadata(ctx, cells, SGI_R_HIDDEN_METADATA, "SummaryInformation",
                              wanted[i].what, v, strlen(v), !wanted[i].person);
    }
}

static void meta_value(gpointer key, gpointer val, gpointer opaque)
{
    GsfDocProp const *prop = val;
    meta_one((const char *)key, gsf_doc_prop_get_val(prop), opaque);
}

static void read_meta(xls *x, GsfInfile *ole)
{
    static const char *const streams[] = {"\005SummaryInformation",
                                          "\005DocumentSummaryInformation"};
    for (size_t i = 0; i < 2; i++) {
        GsfInput *in = gsf_infile_child_by_name(ole, streams[i]);
        if (!in)
            continue;
        GsfDocMetaData *md = gsf_doc_meta_data_new();
        GError *err = gsf_doc_meta_data_read_from_msole(md, in);
        if (err) {
            g_error_free(err); /* a damaged property set: what was read is kept */
        } else {
            void *op[2] = {x->ctx, &x->cells};
            sgi_cells_begin(&x->cells, SGI_CELLS_TEXT, "SummaryInformation", NULL, 0, NULL);
            gsf_doc_meta_data_foreach(md, meta_value, op);
            sgi_cells_end(&x->cells, false);
        }
        g_object_unref(md);
        g_object_unref(in);
    }
}

/* Macros (_VBA_PROJECT_CUR) and embedded objects (MBD... storages). */
static void read_storages(xls *x, GsfInfile *ole)
{
    int n = gsf_infile_num_children(ole);
    unsigned long long objects = 0;
    for (int i = 0; i < n; i++) {
        const char *name = gsf_infile_name_by_index(ole, i);
        if (!name)
            continue;
        sg_location loc = {0};
        loc.part = "_VBA_PROJECT_CUR";
        if (strcmp(name, "_VBA_PROJECT_CUR") == 0) {
            const char *v = "VBA macro project (_VBA_PROJECT_CUR)";
            sgi_emit(x->ctx, SGI_R_HIDDEN_MACRO, SGI_F_HIDDEN, "macro", v, strlen(v), v, &loc);
        } else if (strncmp(name, "MBD", 3) == 0) {
            objects++;
        }
    }
    if (objects)
        sgi_emit_note(x->ctx, SGI_R_HIDDEN_EMBEDDED_OBJECT, "embedded object", "MBD", 0,
                      "%llu embedded object%s (MBD storages), not checked inside", objects,
                      objects == 1 ? "" : "s");
}

/* ------------------------------------------------------------- the file */

static sg_status xls_pivots(sgi_ctx *ctx, GsfInfile *ole, sgi_cells *cells);

sg_status sgi_xls_scan(sgi_ctx *ctx, const unsigned char *data, size_t len)
{
    if (!sgi_lazy_gsf()) {
        sgi_ctx_error(ctx, SG_E_UNSUPPORTED, "OLE2 compound file: %s could not be loaded",
                      SGI_GSF_SONAME);
        return SG_OK;
    }
    pthread_once(&gsf_once, gsf_start);
    GsfInput *in = gsf_input_memory_new(data, (gsf_off_t)len, FALSE);
    GError *err = NULL;
    GsfInfile *ole = in ? gsf_infile_msole_new(in, &err) : NULL;
    if (!ole) {
        sgi_ctx_error(ctx, SG_E_FORMAT, "damaged OLE2 compound file: %s",
                      err ? err->message : "cannot be opened");
        if (err)
            g_error_free(err);
        if (in)
            g_object_unref(in);
        return SG_OK;
    }
    GsfInput *wb = gsf_infile_child_by_name(ole, "Workbook");
    if (!wb) {
        GsfInput *book = gsf_infile_child_by_name(ole, "Book");
        if (book) {
            ctx->res->pub.format = "xls";
            g_object_unref(book);
            sgi_ctx_error(ctx, SG_E_UNSUPPORTED, "%s",
                          "XLS in BIFF5 or older (Excel 5/95): not yet supported; not checked");
            g_object_unref(ole);
            g_object_unref(in);
            return SG_OK;
        }
        if (sgi_msg_is(ole)) {
            sgi_msg_scan(ctx, ole);
            g_object_unref(ole);
            g_object_unref(in);
            return SG_OK;
        }
        /* a Word or PowerPoint file? */
        xls d;
        memset(&d, 0, sizeof(d));
        d.ctx = ctx;
        sgi_cells_init(&d.cells, ctx);
        sg_status dst = sgi_ole_docs_scan(ctx, ole, &d.cells);
        if (dst == SG_OK)
            read_meta(&d, ole);
        sgi_cells_free(&d.cells);
        g_object_unref(ole);
        g_object_unref(in);
        return dst; /* SG_E_UNSUPPORTED: the caller says what it is */
    }
    ctx->res->pub.format = "xls";
    xls x;
    memset(&x, 0, sizeof(x));
    x.ctx = ctx;
    gsf_off_t size = gsf_input_size(wb);
    unsigned char *s = NULL;
    if (size > 0 && (unsigned long long)size <= ctx->eng->opt_max_part)
        s = sgi_malloc(ctx->mem, (size_t)size);
    if (!s || !gsf_input_read(wb, (size_t)size, s)) {
        sgi_ctx_error(ctx, size > 0 && (unsigned long long)size > ctx->eng->opt_max_part
                               ? SG_E_LIMIT
                               : SG_E_FORMAT,
                      "%s", "the Workbook stream cannot be read whole (or is beyond --max-part)");
    } else {
        x.s = s;
        x.n = (size_t)size;
        sgi_cells_init(&x.cells, ctx);
        bool encrypted = false;
        read_globals(&x, &encrypted);
        if (encrypted) {
            sgi_notice_encrypted(ctx, "encrypted XLS workbook (FILEPASS: RC4 or XOR)", NULL);
        } else {
            read_meta(&x, ole);
            read_storages(&x, ole);
            read_names(&x);
            for (size_t i = 0; i < x.nsheets && !sgi_ctx_time_up(ctx); i++)
                read_sheet(&x, &x.sheets[i]);
            xls_pivots(ctx, ole, &x.cells);
        }
        sgi_cells_free(&x.cells);
    }
    sgi_free(ctx->mem, s);
    sgi_free(ctx->mem, x.sst);
    sgi_free(ctx->mem, x.xf_date);
    sgi_free(ctx->mem, x.sheets);
    g_object_unref(wb);
    g_object_unref(ole);
    g_object_unref(in);
    return SG_OK;
}

/* --------------------------------------------------------- pivot caches */

/* _SX_DB_CUR/NNNN: one pivot cache stream each (MS-XLS 2.1.7.11): SXDB,
 * then per field SXFDB and its shared items (SXOPER records: SXString,
 * SXNum, SXDtr, SXInt, SXBool, SXErr, SxNil), then the source records:
 * SXDBB holding the item index of each field whose values are all shared
 * (fAllAtoms), followed by an SXOPER for each other field. */

typedef struct pfield {
    char *name;
    bool all_atoms, short_idx;
    char **items;
    size_t n, cap;
} pfield;

static bool sxoper(const rec *r, char *out, size_t n, sgi_text *t)
{
    switch (r->type) {
    case 0xCD: /* SXString */
        record_string(r->p, r->n, true, NULL, 0, t);
        snprintf(out, n, "%.*s", (int)t->len, t->p ? t->p : "");
        return true;
    case 0xC9: /* SXNum */
        if (r->n < 8)
            return false;
        {
            double v = f64(r->p);
            if (v == floor(v) && fabs(v) < 1e15)
                snprintf(out, n, "%.0f", v);
            else
                snprintf(out, n, "%.15g", v);
        }
        return true;
    case 0xCE: /* SXDtr: a date */
        if (r->n < 8)
            return false;
        if (sgi_le16(r->p) == 0)
            return false;
        snprintf(out, n, "%04u-%02u-%02u", sgi_le16(r->p), sgi_le16(r->p + 2), r->p[4]);
        return true;
    case 0xCC: /* SXInt */
        if (r->n < 2)
            return false;
        snprintf(out, n, "%d", (int16_t)sgi_le16(r->p));
        return true;
    case 0xCA: /* SXBool */
        snprintf(out, n, "%s", r->n >= 2 && sgi_le16(r->p) ? "TRUE" : "FALSE");
        return true;
    case 0xCB: /* SXErr */
    case 0xCF: /* SxNil */
        out[0] = '\0';
        return true;
    default:
        return false;
    }
}

static void pivot_stream(sgi_ctx *ctx, const char *part, const unsigned char *s, size_t len,
                         sgi_cells *cells)
{
    xls x;
    memset(&x, 0, sizeof(x));
    x.ctx = ctx;
    x.s = s;
    x.n = len;
    pfield *f = NULL;
    size_t nf = 0, capf = 0;
    unsigned long long records = 0;
    sgi_text t;
    sgi_text_init(&t, ctx->mem, 1 << 16);
    char val[1024];
    size_t off = 0;
    rec r;
    bool started = false;
    const char **names = NULL;
    /* the fields and their shared items */
    while (rec_at(&x, off, &r) && r.type != 0xC8 && r.type != 0x0A) {
        off = r.next;
        if (r.type == 0xC7 && r.n >= 14) { /* SXFDB */
            if (!sgi_grow(ctx->mem, (void **)&f, &capf, nf + 1, sizeof(pfield)))
                break;
            unsigned flags = sgi_le16(r.p);
            record_string(r.p + 14, r.n - 14, true, val, sizeof(val), &t);
            f[nf] = (pfield){sgi_arena_strndup(&ctx->res->arena, val, strlen(val)),
                             (flags & 0x01) != 0, (flags & 0x200) != 0, NULL, 0, 0};
            nf++;
        } else if (nf && sxoper(&r, val, sizeof(val), &t)) {
            pfield *pf = &f[nf - 1];
            if (sgi_grow(ctx->mem, (void **)&pf->items, &pf->cap, pf->n + 1, sizeof(char *)))
                pf->items[pf->n++] = sgi_arena_strndup(&ctx->res->arena, val, strlen(val));
        }
    }
    if (!nf)
        goto out;
    names = sgi_arena_alloc(&ctx->res->arena, nf * sizeof(char *));
    if (!names)
        goto out;
    for (size_t k = 0; k < nf; k++)
        names[k] = f[k].name;
    sgi_cells_begin(cells, SGI_CELLS_TABLE, part, NULL, SGI_F_HIDDEN, "pivot cache");
    sgi_cells_headers(cells, names, nf);
    started = true;
    /* the records */
    while (rec_at(&x, off, &r) && r.type != 0x0A) {
        off = r.next;
        if (r.type != 0xC8)
            continue;
        records++;
        size_t pos = 0;
        for (size_t k = 0; k < nf; k++) {
            const char *v = NULL;
            if (f[k].all_atoms) {
                size_t w = f[k].short_idx ? 1 : 2;
                if (pos + w > r.n)
                    break;
                size_t idx = w == 1 ? r.p[pos] : sgi_le16(r.p + pos);
                pos += w;
                if (idx < f[k].n)
                    v = f[k].items[idx];
            } else {
                rec o;
                if (!rec_at(&x, off, &o) || !sxoper(&o, val, sizeof(val), &t))
                    continue;
                off = o.next;
                v = val;
            }
            if (v && *v)
                sgi_cells_add(cells, records, (uint32_t)k, v, strlen(v), SGI_F_HIDDEN,
                              "pivot cache");
        }
    }
out:
    if (started)
        sgi_cells_end(cells, false);
    if (nf) {
        char v[600];
        int o = snprintf(v, sizeof(v), "pivot cache: %llu records; fields: ", records);
        for (size_t k = 0; k < nf && o > 0 && (size_t)o < sizeof(v) - 40; k++)
            o += snprintf(v + o, sizeof(v) - (size_t)o, "%s%s", k ? ", " : "", f[k].name);
        char msg[300];
        snprintf(msg, sizeof(msg),
                 "a pivot cache keeps a copy of %llu source rows (%zu fields), whatever the "
                 "pivot table shows",
                 records, nf);
        sg_location loc = {0};
        loc.part = part;
        sg_finding *fd = sgi_emit(ctx, SGI_R_HIDDEN_PIVOT_CACHE, SGI_F_HIDDEN, "pivot cache", v,
                                  strlen(v), v, &loc);
        if (fd) {
            fd->message = sgi_arena_strndup(&ctx->res->arena, msg, strlen(msg));
            fd->rows = (long long)records;
            fd->ncolumns = nf;
            fd->columns = names;
        }
    }
    for (size_t k = 0; k < nf; k++)
        sgi_free(ctx->mem, f[k].items);
    sgi_free(ctx->mem, f);
    sgi_text_free(&t);
}

static sg_status xls_pivots(sgi_ctx *ctx, GsfInfile *ole, sgi_cells *cells)
{
    GsfInput *dir = gsf_infile_child_by_name(ole, "_SX_DB_CUR");
    if (!dir)
        return SG_OK;
    if (GSF_IS_INFILE(dir)) {
        GsfInfile *d = GSF_INFILE(dir);
        int n = gsf_infile_num_children(d);
        for (int i = 0; i < n && i < 256; i++) {
            GsfInput *st = gsf_infile_child_by_index(d, i);
            if (!st)
                continue;
            gsf_off_t size = gsf_input_size(st);
            unsigned char *b = NULL;
            if (size > 0 && (unsigned long long)size <= ctx->eng->opt_max_part)
                b = sgi_malloc(ctx->mem, (size_t)size);
            if (b && gsf_input_read(st, (size_t)size, b)) {
                char part[300];
                snprintf(part, sizeof(part), "_SX_DB_CUR/%s", gsf_input_name(st));
                pivot_stream(ctx, sgi_arena_strndup(&ctx->res->arena, part, strlen(part)), b,
                             (size_t)size, cells);
            }
            sgi_free(ctx->mem, b);
            g_object_unref(st);
        }
    }
    g_object_unref(dir);
    return SG_OK;
}
