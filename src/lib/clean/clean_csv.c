/*
 * clean_csv.c - --to csv: the visible values of sheets and tables.
 *
 * The document is cleaned first (into a temporary file), so what is read
 * here is already only what a reader sees; then each sheet (XLSX, ODS) or
 * each table (DOCX, ODT) becomes one CSV: UTF-8, RFC 4180 quoting, CRLF,
 * values and not formulas, dates as ISO 8601, rows and columns with
 * nothing in them left out. CSV is copied; TSV is re-written as CSV.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "clean_private.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define MAX_ROWS_REPEATED 100000 /* copies of a repeated ODS row written */

/* ------------------------------------------------------------ the grid */

typedef struct cell {
    unsigned long row, col;
    char *v;
} cell;

typedef struct grid {
    cell *c;
    size_t n, cap;
    bool nomem;
} grid;

static void grid_put(grid *g, unsigned long row, unsigned long col, const char *v, size_t len)
{
    if (g->nomem || len == 0)
        return;
    if (g->n == g->cap) {
        size_t nc = g->cap ? g->cap * 2 : 1024;
        cell *ncell = realloc(g->c, nc * sizeof(cell));
        if (!ncell) {
            g->nomem = true;
            return;
        }
        g->c = ncell;
        g->cap = nc;
    }
    char *s = malloc(len + 1);
    if (!s) {
        g->nomem = true;
        return;
    }
    memcpy(s, v, len);
    s[len] = '\0';
    g->c[g->n++] = (cell){row, col, s};
}

static void grid_clear(grid *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->c[i].v);
    g->n = 0;
}

static int cmp_cell(const void *a, const void *b)
{
    const cell *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return x->col < y->col ? -1 : x->col > y->col;
}

static int cmp_ul(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return x < y ? -1 : x > y;
}

static void csv_field(sgi_out *o, const char *s)
{
    bool quote = *s == ' ' || (*s && s[strlen(s) - 1] == ' ') || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        sgi_out_puts(o, s);
        return;
    }
    sgi_out_puts(o, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            sgi_out_puts(o, "\"");
        sgi_out_put(o, p, 1);
    }
    sgi_out_puts(o, "\"");
}

/* The grid as CSV: used rows in order, used columns packed. */
static sg_status grid_emit(sgi_clean *c, grid *g, const char *name)
{
    if (g->nomem)
        return SG_E_NOMEM;
    if (g->n == 0)
        return SG_OK;
    qsort(g->c, g->n, sizeof(cell), cmp_cell);
    unsigned long *cols = malloc(g->n * sizeof(unsigned long));
    if (!cols)
        return SG_E_NOMEM;
    size_t nc = 0;
    for (size_t i = 0; i < g->n; i++)
        cols[i] = g->c[i].col;
    qsort(cols, g->n, sizeof(unsigned long), cmp_ul);
    for (size_t i = 0; i < g->n; i++)
        if (nc == 0 || cols[nc - 1] != cols[i])
            cols[nc++] = cols[i];
    sgi_out o = {0};
    for (size_t i = 0; i < g->n;) {
        unsigned long row = g->c[i].row;
        size_t k = 0;
        for (; i < g->n && g->c[i].row == row; i++) {
            while (k < nc && cols[k] < g->c[i].col) {
                if (k)
                    sgi_out_puts(&o, ",");
                k++;
            }
            if (k)
                sgi_out_puts(&o, ",");
            csv_field(&o, g->c[i].v);
            k++;
        }
        for (; k < nc; k++)
            sgi_out_puts(&o, ",");
        sgi_out_puts(&o, "\r\n");
    }
    free(cols);
    sg_status st = sgi_clean_emit_csv(c, name, o.p ? o.p : "", o.n);
    free(o.p);
    return st;
}

/* ----------------------------------------------------------- packages */

/* A member by name: NULL if there is none (*missing) or it cannot be read
 * (refused with the reason). */
static char *zip_member(sgi_clean *c, zip_t *z, const char *name, size_t *len, bool *missing)
{
    zip_int64_t i = zip_name_locate(z, name, ZIP_FL_NOCASE);
    *missing = i < 0;
    return i < 0 ? NULL : sgi_clean_zip_member(c, z, (zip_uint64_t)i, len);
}

static const char *attr(const char **a, const char *local)
{
    for (size_t i = 0; a && a[i]; i += 2)
        if (strcmp(sgi_xr_local(a[i]), local) == 0)
            return a[i + 1];
    return NULL;
}

/* Parse (the rewriter's output is thrown away). */
static sg_status parse(sgi_clean *c, const char *d, size_t n, const sgi_xr_handlers *h,
                       void *opaque, const char *what)
{
    sgi_out o = {0};
    char err[200] = "";
    sg_status st = sgi_xr_rewrite(d, n, h, opaque, &o, err, sizeof(err));
    free(o.p);
    if (st != SG_OK)
        return sgi_clean_refuse(c, st, "%s: %s", what, err);
    return SG_OK;
}

/* --------------------------------------------------------------- XLSX */

typedef struct xsheet {
    char name[256];
    char part[512];
} xsheet;

typedef struct xbook {
    xsheet *s;
    size_t n;
    bool d1904;
    /* rels */
    char (*rid)[64];
    char (*target)[512];
    size_t nrels;
} xbook;

static sgi_xr_action book_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    (void)x;
    xbook *b = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "workbookPr") == 0) {
        const char *v = attr(a, "date1904");
        b->d1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (strcmp(l, "sheet") == 0 && b->n < 4096) {
        const char *nm = attr(a, "name"), *id = attr(a, "id");
        xsheet *ns = realloc(b->s, (b->n + 1) * sizeof(xsheet));
        if (!ns)
            return SGI_XR_KEEP;
        b->s = ns;
        snprintf(b->s[b->n].name, sizeof(b->s[b->n].name), "%s", nm ? nm : "");
        snprintf(b->s[b->n].part, sizeof(b->s[b->n].part), "%s", id ? id : "");
        b->n++;
    }
    return SGI_XR_KEEP;
}

static sgi_xr_action rels_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    (void)x;
    xbook *b = opaque;
    if (strcmp(sgi_xr_local(name), "Relationship") != 0 || b->nrels >= 4096)
        return SGI_XR_KEEP;
    const char *id = attr(a, "Id"), *t = attr(a, "Target");
    if (!id || !t)
        return SGI_XR_KEEP;
    void *nr = realloc(b->rid, (b->nrels + 1) * sizeof(*b->rid));
    if (!nr)
        return SGI_XR_KEEP;
    b->rid = nr;
    void *nt = realloc(b->target, (b->nrels + 1) * sizeof(*b->target));
    if (!nt)
        return SGI_XR_KEEP;
    b->target = nt;
    snprintf(b->rid[b->nrels], 64, "%s", id);
    if (t[0] == '/')
        snprintf(b->target[b->nrels], 512, "%s", t + 1);
    else
        snprintf(b->target[b->nrels], 512, "xl/%s", t);
    b->nrels++;
    return SGI_XR_KEEP;
}

typedef struct xcells {
    grid *g;
    const sgi_xlsx_style *styles;
    size_t nstyles;
    bool d1904;
    unsigned long row, col;
    char type[16];
    unsigned long style;
    bool in_v, in_t, in_is, in_rph;
    sgi_out v;
} xcells;

static bool ref_to(const char *r, unsigned long *col, unsigned long *row)
{
    unsigned long c = 0;
    size_t i = 0;
    while ((r[i] >= 'A' && r[i] <= 'Z') && i < 4)
        c = c * 26 + (unsigned long)(r[i++] - 'A' + 1);
    if (c == 0 || r[i] < '0' || r[i] > '9')
        return false;
    *col = c - 1;
    *row = strtoul(r + i, NULL, 10);
    return true;
}

static sgi_xr_action cells_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    (void)x;
    xcells *s = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "row") == 0) {
        const char *r = attr(a, "r");
        s->row = r ? strtoul(r, NULL, 10) : s->row + 1;
        s->col = 0;
    } else if (strcmp(l, "c") == 0) {
        const char *r = attr(a, "r"), *t = attr(a, "t"), *st = attr(a, "s");
        unsigned long col, row;
        if (r && ref_to(r, &col, &row)) {
            s->col = col;
            s->row = row;
        }
        snprintf(s->type, sizeof(s->type), "%s", t ? t : "n");
        s->style = st ? strtoul(st, NULL, 10) : 0;
        s->v.n = 0;
    } else if (strcmp(l, "v") == 0) {
        s->in_v = true;
    } else if (strcmp(l, "is") == 0) {
        s->in_is = true;
    } else if (strcmp(l, "rPh") == 0) {
        s->in_rph = true;
    } else if (strcmp(l, "t") == 0 && s->in_is) {
        s->in_t = true;
    }
    return SGI_XR_KEEP;
}

static bool cells_text(void *opaque, sgi_xr *x, const char *t, int len)
{
    (void)x;
    xcells *s = opaque;
    if (s->in_v || (s->in_t && !s->in_rph))
        sgi_out_put(&s->v, t, (size_t)len);
    return false;
}

static void cells_end(void *opaque, sgi_xr *x, const char *name)
{
    (void)x;
    xcells *s = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "v") == 0) {
        s->in_v = false;
    } else if (strcmp(l, "is") == 0) {
        s->in_is = false;
    } else if (strcmp(l, "rPh") == 0) {
        s->in_rph = false;
    } else if (strcmp(l, "t") == 0) {
        s->in_t = false;
    } else if (strcmp(l, "c") == 0) {
        sgi_out_put(&s->v, "", 0);
        char *v = s->v.p ? s->v.p : "";
        size_t n = s->v.n;
        char buf[64];
        if (strcmp(s->type, "b") == 0) {
            snprintf(buf, sizeof(buf), "%s", n && v[0] == '1' ? "TRUE" : "FALSE");
            v = buf;
            n = strlen(buf);
        } else if (strcmp(s->type, "n") == 0 && n && s->style < s->nstyles &&
                   s->styles[s->style].date) {
            char tmp[64];
            memcpy(tmp, v, SGI_MIN(n, sizeof(tmp) - 1));
            tmp[SGI_MIN(n, sizeof(tmp) - 1)] = '\0';
            double d = strtod(tmp, NULL);
            if (sgi_xlsx_serial_date(d, s->d1904, buf, sizeof(buf))) {
                double frac = d - floor(d);
                long secs = lround(frac * 86400.0);
                if (secs > 0 && secs < 86400) {
                    size_t k = strlen(buf);
                    snprintf(buf + k, sizeof(buf) - k, "T%02ld:%02ld:%02ld", secs / 3600,
                             secs / 60 % 60, secs % 60);
                }
                v = buf;
                n = strlen(buf);
            }
        }
        grid_put(s->g, s->row, s->col, v, n);
        s->v.n = 0;
        s->col++;
    }
}

static sg_status csv_xlsx(sgi_clean *c, zip_t *z)
{
    xbook b;
    memset(&b, 0, sizeof(b));
    size_t len = 0;
    bool missing;
    char *d = zip_member(c, z, "xl/workbook.xml", &len, &missing);
    if (!d)
        return sgi_clean_refuse(c, SG_E_FORMAT, "%s", "no readable xl/workbook.xml");
    static const sgi_xr_handlers bh = {book_start, NULL, NULL, NULL};
    sg_status st = parse(c, d, len, &bh, &b, "xl/workbook.xml");
    free(d);
    d = zip_member(c, z, "xl/_rels/workbook.xml.rels", &len, &missing);
    if (st == SG_OK && d) {
        static const sgi_xr_handlers rh = {rels_start, NULL, NULL, NULL};
        st = parse(c, d, len, &rh, &b, "xl/_rels/workbook.xml.rels");
    }
    free(d);
    size_t nstyles = 0;
    sgi_xlsx_style *styles = NULL;
    d = zip_member(c, z, "xl/styles.xml", &len, &missing);
    if (d)
        styles = sgi_xlsx_styles(&c->eng->mem, d, len, &nstyles);
    free(d);
    grid g = {0};
    for (size_t i = 0; st == SG_OK && i < b.n; i++) {
        const char *part = NULL;
        for (size_t k = 0; k < b.nrels; k++)
            if (strcmp(b.rid[k], b.s[i].part) == 0)
                part = b.target[k];
        if (!part)
            continue;
        d = zip_member(c, z, part, &len, &missing);
        if (!d && missing)
            continue; /* a chart sheet, or nothing */
        if (!d) {
            st = SG_E_FORMAT; /* the reason is in c->error */
            break;
        }
        xcells xc = {.g = &g, .styles = styles, .nstyles = nstyles, .d1904 = b.d1904};
        static const sgi_xr_handlers ch = {cells_start, cells_end, cells_text, NULL};
        st = parse(c, d, len, &ch, &xc, part);
        free(d);
        free(xc.v.p);
        if (st == SG_OK)
            st = grid_emit(c, &g, b.n > 1 ? b.s[i].name : NULL);
        grid_clear(&g);
    }
    free(g.c);
    sgi_free(&c->eng->mem, styles);
    free(b.s);
    free(b.rid);
    free(b.target);
    return st;
}

/* ---------------------------------------------------------------- DOCX */

typedef struct dtables {
    sgi_clean *c;
    grid g;
    unsigned depth; /* tables open */
    unsigned long row, col, ntables;
    bool in_t, in_cell;
    sgi_out v;
    sg_status st;
} dtables;

static sgi_xr_action docx_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    (void)x;
    dtables *t = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "tbl") == 0) {
        if (t->depth++ == 0) {
            t->row = 0;
            grid_clear(&t->g);
        }
    } else if (t->depth == 1 && strcmp(l, "tr") == 0) {
        t->row++;
        t->col = 0;
    } else if (t->depth == 1 && strcmp(l, "tc") == 0) {
        t->in_cell = true;
        t->v.n = 0;
    } else if (t->depth == 1 && strcmp(l, "gridSpan") == 0 && t->in_cell) {
        const char *v = attr(a, "val");
        unsigned long s = v ? strtoul(v, NULL, 10) : 1;
        if (s > 1 && s < 1000)
            t->col += s - 1;
    } else if (t->in_cell && strcmp(l, "t") == 0) {
        t->in_t = true;
    } else if (t->in_cell && strcmp(l, "tab") == 0) {
        sgi_out_puts(&t->v, "\t");
    } else if (t->in_cell && (strcmp(l, "br") == 0 || strcmp(l, "cr") == 0)) {
        sgi_out_puts(&t->v, "\n");
    } else if (t->in_cell && strcmp(l, "p") == 0 && t->v.n) {
        sgi_out_puts(&t->v, "\n");
    }
    return SGI_XR_KEEP;
}

static bool docx_text(void *opaque, sgi_xr *x, const char *s, int len)
{
    (void)x;
    dtables *t = opaque;
    if (t->in_t)
        sgi_out_put(&t->v, s, (size_t)len);
    return false;
}

static void docx_end(void *opaque, sgi_xr *x, const char *name)
{
    (void)x;
    dtables *t = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "t") == 0) {
        t->in_t = false;
    } else if (t->depth == 1 && strcmp(l, "tc") == 0) {
        t->in_cell = false;
        grid_put(&t->g, t->row, t->col, t->v.p ? t->v.p : "", t->v.n);
        t->col++;
    } else if (strcmp(l, "tbl") == 0 && t->depth) {
        if (--t->depth == 0 && t->st == SG_OK) {
            t->ntables++;
            char nm[32];
            snprintf(nm, sizeof(nm), "table%lu", t->ntables);
            t->st = grid_emit(t->c, &t->g, nm);
        }
    }
}

/* ------------------------------------------------------------ ODS, ODT */

typedef struct otables {
    sgi_clean *c;
    grid g;
    unsigned depth;
    bool sheets; /* ODS: every table is a sheet; ODT: tables in the text */
    bool one;    /* ODS with one sheet: its CSV is the output itself */
    char name[256];
    unsigned long row, col, rows_rep, cols_rep, ntables;
    bool in_cell, row_has;
    char value[128];
    bool has_value;
    sgi_out v;
    /* the row's cells, to repeat it */
    grid rowg;
    sg_status st;
} otables;

static sgi_xr_action odf_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    (void)x;
    otables *t = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "table") == 0 && strncmp(name, "table:", 6) == 0) {
        if (t->depth++ == 0) {
            t->row = 0;
            grid_clear(&t->g);
            const char *n = attr(a, "name");
            snprintf(t->name, sizeof(t->name), "%s", n ? n : "");
        }
    } else if (t->depth == 1 && strcmp(l, "table-row") == 0) {
        const char *r = attr(a, "number-rows-repeated");
        t->rows_rep = r ? strtoul(r, NULL, 10) : 1;
        if (t->rows_rep == 0)
            t->rows_rep = 1;
        t->col = 0;
        grid_clear(&t->rowg);
    } else if (t->depth == 1 &&
               (strcmp(l, "table-cell") == 0 || strcmp(l, "covered-table-cell") == 0)) {
        const char *r = attr(a, "number-columns-repeated");
        t->cols_rep = r ? strtoul(r, NULL, 10) : 1;
        if (t->cols_rep == 0)
            t->cols_rep = 1;
        t->in_cell = true;
        t->v.n = 0;
        t->has_value = false;
        const char *type = attr(a, "value-type");
        const char *v = NULL;
        if (type && (strcmp(type, "float") == 0 || strcmp(type, "percentage") == 0 ||
                     strcmp(type, "currency") == 0))
            v = attr(a, "value");
        else if (type && strcmp(type, "date") == 0)
            v = attr(a, "date-value");
        else if (type && strcmp(type, "boolean") == 0)
            v = attr(a, "boolean-value");
        if (v) {
            if (strcmp(type, "boolean") == 0)
                v = strcmp(v, "true") == 0 ? "TRUE" : "FALSE";
            snprintf(t->value, sizeof(t->value), "%s", v);
            t->has_value = true;
        }
    } else if (t->in_cell && strcmp(l, "p") == 0 && t->v.n) {
        sgi_out_puts(&t->v, "\n");
    } else if (t->in_cell && strcmp(l, "s") == 0) {
        const char *c = attr(a, "c");
        unsigned long k = c ? strtoul(c, NULL, 10) : 1;
        for (unsigned long i = 0; i < k && i < 1024; i++)
            sgi_out_puts(&t->v, " ");
    } else if (t->in_cell && strcmp(l, "tab") == 0) {
        sgi_out_puts(&t->v, "\t");
    } else if (t->in_cell && strcmp(l, "line-break") == 0) {
        sgi_out_puts(&t->v, "\n");
    }
    return SGI_XR_KEEP;
}

static bool odf_text(void *opaque, sgi_xr *x, const char *s, int len)
{
    (void)x;
    otables *t = opaque;
    if (t->in_cell)
        sgi_out_put(&t->v, s, (size_t)len);
    return false;
}

static void odf_end(void *opaque, sgi_xr *x, const char *name)
{
    (void)x;
    otables *t = opaque;
    const char *l = sgi_xr_local(name);
    if (t->depth == 1 && (strcmp(l, "table-cell") == 0 || strcmp(l, "covered-table-cell") == 0)) {
        t->in_cell = false;
        const char *v = t->has_value ? t->value : t->v.p ? t->v.p : "";
        size_t n = t->has_value ? strlen(t->value) : t->v.n;
        /* a repeated empty cell moves on; a repeated value is repeated */
        for (unsigned long i = 0; n && i < t->cols_rep && t->col + i < 16384; i++)
            grid_put(&t->rowg, 0, t->col + i, v, n);
        t->col = t->cols_rep > 16384 ? 16384 : t->col + t->cols_rep;
    } else if (t->depth == 1 && strcmp(l, "table-row") == 0) {
        unsigned long copies = t->rowg.n ? SGI_MIN(t->rows_rep, (unsigned long)MAX_ROWS_REPEATED)
                                         : 0;
        for (unsigned long r = 0; r < copies; r++)
            for (size_t i = 0; i < t->rowg.n; i++)
                grid_put(&t->g, t->row + r + 1, t->rowg.c[i].col, t->rowg.c[i].v,
                         strlen(t->rowg.c[i].v));
        t->row += t->rows_rep;
        grid_clear(&t->rowg);
    } else if (strcmp(l, "table") == 0 && strncmp(name, "table:", 6) == 0 && t->depth) {
        if (--t->depth == 0 && t->st == SG_OK) {
            t->ntables++;
            char nm[300];
            if (t->sheets && t->one) {
                t->st = grid_emit(t->c, &t->g, NULL);
                return;
            }
            if (t->sheets)
                snprintf(nm, sizeof(nm), "%s", t->name);
            else
                snprintf(nm, sizeof(nm), "table%lu", t->ntables);
            t->st = grid_emit(t->c, &t->g, nm);
        }
    }
}

/* ------------------------------------------------------------ TSV, CSV */

static sg_status csv_text(sgi_clean *c, const char *in, bool tsv)
{
    size_t n;
    char *d = sgi_clean_slurp(c, in, &n);
    if (!d)
        return SG_E_IO;
    sg_status st;
    if (!tsv) {
        st = sgi_clean_emit_csv(c, NULL, d, n);
    } else {
        /* tab-separated: no quoting in, RFC 4180 quoting out */
        sgi_out o = {0};
        char *line = d;
        while (line < d + n) {
            char *eol = memchr(line, '\n', (size_t)(d + n - line));
            char *end = eol ? eol : d + n;
            if (end > line && end[-1] == '\r')
                end--;
            char saved = *end;
            *end = '\0';
            char *f = line;
            for (bool first = true;; first = false) {
                char *tab = strchr(f, '\t');
                if (tab)
                    *tab = '\0';
                if (!first)
                    sgi_out_puts(&o, ",");
                csv_field(&o, f);
                if (!tab)
                    break;
                f = tab + 1;
            }
            *end = saved;
            sgi_out_puts(&o, "\r\n");
            line = eol ? eol + 1 : d + n;
        }
        st = sgi_clean_emit_csv(c, NULL, o.p ? o.p : "", o.n);
        free(o.p);
    }
    free(d);
    return st;
}

/* -------------------------------------------------------------- entry */

sg_status sgi_clean_csv(sgi_clean *c, const char *in, const char *format)
{
    if (strcmp(format, "csv") == 0 || strcmp(format, "tsv") == 0)
        return csv_text(c, in, strcmp(format, "tsv") == 0);
    bool ooxml = format[0] != 'o';
    /* clean first, beside the output; read the clean copy */
    char tmp[4200];
    int fd = sgi_clean_temp(c->csv_out, ".zip", tmp, sizeof(tmp));
    if (fd < 0)
        return sgi_clean_refuse(c, SG_E_WRITE, "cannot write beside %s: %s", c->csv_out,
                                strerror(errno));
    close(fd);
    unsigned flags = c->flags;
    c->flags &= ~SG_CLEAN_KEEP_FORMULAS;
    sg_status st = ooxml ? sgi_clean_ooxml(c, in, tmp, format) : sgi_clean_odf(c, in, tmp, format);
    c->flags = flags;
    int zerr = 0;
    zip_t *z = st == SG_OK ? zip_open(tmp, ZIP_RDONLY, &zerr) : NULL;
    if (st == SG_OK && !z)
        st = sgi_clean_refuse(c, SG_E_FORMAT, "%s", "the cleaned copy cannot be read");
    if (st == SG_OK) {
        if (strncmp(format, "xls", 3) == 0) {
            st = csv_xlsx(c, z);
        } else if (strncmp(format, "doc", 3) == 0) {
            size_t len;
            bool missing;
            char *d = zip_member(c, z, "word/document.xml", &len, &missing);
            dtables t = {.c = c};
            static const sgi_xr_handlers h = {docx_start, docx_end, docx_text, NULL};
            st = d ? parse(c, d, len, &h, &t, "word/document.xml")
                   : sgi_clean_refuse(c, SG_E_FORMAT, "%s", "no word/document.xml");
            if (st == SG_OK)
                st = t.st;
            grid_clear(&t.g);
            free(t.g.c);
            free(t.v.p);
            free(d);
        } else {
            size_t len;
            bool missing;
            char *d = zip_member(c, z, "content.xml", &len, &missing);
            otables t = {.c = c, .sheets = strcmp(format, "ods") == 0};
            size_t tables = 0;
            for (const char *p = d; p && (p = strstr(p, "<table:table")) != NULL; p += 12)
                tables += p[12] == ' ' || p[12] == '>';
            t.one = tables == 1;
            static const sgi_xr_handlers h = {odf_start, odf_end, odf_text, NULL};
            st = d ? parse(c, d, len, &h, &t, "content.xml")
                   : sgi_clean_refuse(c, SG_E_FORMAT, "%s", "no content.xml");
            if (st == SG_OK)
                st = t.st;
            grid_clear(&t.g);
            grid_clear(&t.rowg);
            free(t.g.c);
            free(t.rowg.c);
            free(t.v.p);
            free(d);
        }
    }
    if (z)
        zip_discard(z);
    sgi_clean_temp_done(tmp, true);
    return st;
}
