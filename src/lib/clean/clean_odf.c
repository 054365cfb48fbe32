/*
 * clean_odf.c - ODS, ODT and ODP without what the reader cannot see.
 *
 * A new package, member by member (mimetype first and stored, as the
 * format asks):
 *   - dropped: embedded objects ("Object N/"), macros (Basic/, Scripts/),
 *     the thumbnail, settings.xml (printer and view settings),
 *     Configurations2/ (the editor's menus and toolbars), signatures;
 *   - meta.xml keeps its root and nothing in it;
 *   - content.xml and styles.xml are rewritten: hidden sheets (a table
 *     style with table:display="false"), hidden and filtered rows, hidden
 *     columns (the cells under them too: a repeated cell is repeated fewer
 *     times), links to other files, formulas (unless kept: the values are
 *     stored beside them), pivot tables (their output stays as plain
 *     cells), names that point into a dropped sheet, annotations, tracked
 *     changes (the deleted text lives only there), hidden paragraphs,
 *     sections and fields, text in styles that hide it (display none,
 *     white, tiny), hidden slides, speaker notes, embedded objects (their
 *     replacement picture stays) and scripts;
 *   - pictures lose their metadata and trailing data;
 *   - META-INF/manifest.xml lists what is left.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "clean_private.h"

#include <limits.h>
#include <strings.h>
#include <zip.h>

enum { K_NONE, K_TABLE_HIDDEN, K_TEXT_NONE, K_TEXT_WHITE, K_TEXT_TINY, K_PAGE_HIDDEN };

typedef struct ostyle {
    char *name;
    int kind;
} ostyle;

typedef struct member {
    char *name;
    bool drop;
    char *data; /* new content, or NULL */
    size_t len;
} member;

typedef struct range {
    unsigned long lo, hi;
} range;

typedef struct odoc {
    sgi_clean *c;
    zip_t *in;
    member *m;
    size_t n;
    ostyle *styles;
    size_t nstyles;
    char *cur_style;
    /* dropped sheets, for the names that point into them */
    char **dropped;
    size_t ndropped;
    /* the sheet being written */
    bool in_table;
    range *hcols;
    size_t nhcols;
    unsigned long colpos, cellpos;
    /* remote data, table by table (pre-pass): rows from, columns from
     * (0: none); the table and row being written */
    unsigned long *remote_row, *remote_col;
    size_t nremote;
    size_t table_no;
    unsigned long rowpos;
    unsigned long long remote;
    /* paragraphs held: drop the one holding a hidden-paragraph field */
    unsigned pdepth;
    bool pdrop[256];
    /* counts */
    unsigned long long sheets, rows, cells, formulas, notes, changes, hidden_text, slides,
        objects, scripts, links, pivots;
    bool keep_formulas;
    bool is_meta;
    unsigned depth;
} odoc;

static const char *attr(const char **a, const char *local)
{
    for (size_t i = 0; a && a[i]; i += 2)
        if (strcmp(sgi_xr_local(a[i]), local) == 0)
            return a[i + 1];
    return NULL;
}

static unsigned long repeat_of(const char **a, const char *name)
{
    const char *v = attr(a, name);
    unsigned long n = v ? strtoul(v, NULL, 10) : 1;
    return n ? n : 1;
}

static int style_kind(const odoc *o, const char *name)
{
    for (size_t i = 0; name && i < o->nstyles; i++)
        if (strcmp(o->styles[i].name, name) == 0)
            return o->styles[i].kind;
    return K_NONE;
}

static void add_style(odoc *o, int kind)
{
    if (!o->cur_style || o->nstyles >= 4096 || style_kind(o, o->cur_style) == kind)
        return;
    ostyle *ns = realloc(o->styles, (o->nstyles + 1) * sizeof(ostyle));
    if (!ns)
        return;
    o->styles = ns;
    o->styles[o->nstyles].name = strdup(o->cur_style);
    o->styles[o->nstyles].kind = kind;
    if (o->styles[o->nstyles].name)
        o->nstyles++;
}

/* ------------------------------------------------------- member access */

static long find(const odoc *o, const char *name)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->m[i].name, name) == 0)
            return (long)i;
    return -1;
}

static char *read_member(odoc *o, size_t i, size_t *len)
{
    return sgi_clean_zip_member(o->c, o->in, i, len);
}

/* Run a member through the rewriter; its new content replaces it. */
static sg_status rewrite(odoc *o, size_t i, const sgi_xr_handlers *h)
{
    size_t len;
    char *d = read_member(o, i, &len);
    if (!d)
        return SG_E_FORMAT;
    sgi_out out = {0};
    char err[200] = "";
    sg_status st = sgi_xr_rewrite(d, len, h, o, &out, err, sizeof(err));
    free(d);
    if (st != SG_OK) {
        free(out.p);
        return sgi_clean_refuse(o->c, st, "%s: %s", o->m[i].name, err);
    }
    free(o->m[i].data);
    o->m[i].data = out.p;
    o->m[i].len = out.n;
    return SG_OK;
}

/* --------------------------------------------------------------- styles */

static sgi_xr_action style_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    (void)x;
    odoc *o = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "style") == 0) {
        free(o->cur_style);
        const char *n = attr(a, "name");
        o->cur_style = n ? strdup(n) : NULL;
    } else if (strcmp(l, "table-properties") == 0) {
        const char *d = attr(a, "display");
        if (d && strcmp(d, "false") == 0)
            add_style(o, K_TABLE_HIDDEN);
    } else if (strcmp(l, "text-properties") == 0) {
        const char *d = attr(a, "display"), *col = attr(a, "color"), *sz = attr(a, "font-size");
        if (d && strcmp(d, "none") == 0)
            add_style(o, K_TEXT_NONE);
        else if (col && strcasecmp(col, "#ffffff") == 0)
            add_style(o, K_TEXT_WHITE);
        else if (sz && strtod(sz, NULL) > 0 && strtod(sz, NULL) < 2 && strstr(sz, "pt"))
            add_style(o, K_TEXT_TINY);
    } else if (strcmp(l, "drawing-page-properties") == 0) {
        const char *v = attr(a, "visibility"), *d = attr(a, "display");
        if ((v && strcmp(v, "hidden") == 0) || (d && strcmp(d, "false") == 0))
            add_style(o, K_PAGE_HIDDEN);
    }
    return SGI_XR_KEEP;
}

static void read_styles(odoc *o, const char *member_name)
{
    long i = find(o, member_name);
    if (i < 0)
        return;
    size_t len;
    char *d = read_member(o, (size_t)i, &len);
    if (!d)
        return;
    static const sgi_xr_handlers h = {style_start, NULL, NULL, NULL};
    sgi_out out = {0};
    sgi_xr_rewrite(d, len, &h, o, &out, NULL, 0);
    free(out.p);
    free(d);
}

/* ------------------------------------------------------- remote cells */

#define REMOTE_COL_GAP 26 /* as detectors/cells.c */
#define REMOTE_ROW_GAP 1000
#define MAX_COLS 16384

/* Pre-pass over content.xml: where each table holds data, so that data
 * parked far away (a row a thousand rows past the rest, a column 26
 * columns past it) can be told and dropped, as the scan tells it. */
typedef struct rscan {
    size_t table;           /* tables met */
    bool in_table;
    unsigned long row, rows_rep, col;
    unsigned long cell_lo, cell_n;
    int cell_depth, depth;
    bool cell_has;
    unsigned long *rows;    /* rows with data (first and last of a run) */
    size_t nrows, caprows;
    unsigned char *colseen; /* MAX_COLS */
    odoc *o;
} rscan;

static void rs_row(rscan *r, unsigned long row)
{
    if (r->nrows && r->rows[r->nrows - 1] == row)
        return;
    if (r->nrows == r->caprows) {
        size_t nc = r->caprows ? r->caprows * 2 : 64;
        unsigned long *nr = realloc(r->rows, nc * sizeof(*nr));
        if (!nr)
            return;
        r->rows = nr;
        r->caprows = nc;
    }
    r->rows[r->nrows++] = row;
}

static int cmp_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return x < y ? -1 : x > y;
}

static void rs_table_end(rscan *r)
{
    odoc *o = r->o;
    unsigned long rr = 0, rc = 0, last = ULONG_MAX;
    for (unsigned long c = 0; c < MAX_COLS; c++) {
        if (!r->colseen[c])
            continue;
        if (last != ULONG_MAX && c - last > REMOTE_COL_GAP) {
            rc = c;
            break;
        }
        last = c;
    }
    if (r->nrows)
        qsort(r->rows, r->nrows, sizeof(unsigned long), cmp_ulong);
    for (size_t i = 1; i < r->nrows; i++)
        if (r->rows[i] - r->rows[i - 1] > REMOTE_ROW_GAP + 1) {
            rr = r->rows[i];
            break;
        }
    size_t t = r->table - 1;
    if (t >= o->nremote) {
        unsigned long *a = realloc(o->remote_row, (t + 1) * sizeof(unsigned long));
        if (a)
            o->remote_row = a;
        unsigned long *b = realloc(o->remote_col, (t + 1) * sizeof(unsigned long));
        if (b)
            o->remote_col = b;
        if (!a || !b)
            return;
        for (size_t i = o->nremote; i <= t; i++)
            o->remote_row[i] = o->remote_col[i] = 0;
        o->nremote = t + 1;
    }
    o->remote_row[t] = rr;
    o->remote_col[t] = rc;
    r->nrows = 0;
    memset(r->colseen, 0, MAX_COLS);
}

static sgi_xr_action rs_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    (void)x;
    rscan *r = opaque;
    const char *l = sgi_xr_local(name);
    r->depth++;
    if (strcmp(l, "table") == 0 && strncmp(name, "table:", 6) == 0) {
        r->table++;
        r->in_table = true;
        r->row = 0;
        r->rows_rep = 0;
    } else if (r->in_table && strcmp(l, "table-row") == 0) {
        r->row += r->rows_rep;
        r->rows_rep = repeat_of(a, "number-rows-repeated");
        r->col = 0;
    } else if (r->in_table && !r->cell_depth &&
               (strcmp(l, "table-cell") == 0 || strcmp(l, "covered-table-cell") == 0)) {
        r->cell_lo = r->col;
        r->cell_n = repeat_of(a, "number-columns-repeated");
        r->col = r->cell_n > MAX_COLS - SGI_MIN(r->col, (unsigned long)MAX_COLS)
                     ? MAX_COLS
                     : r->col + r->cell_n;
        r->cell_depth = r->depth;
        r->cell_has = attr(a, "value-type") != NULL;
    }
    return SGI_XR_KEEP;
}

static bool rs_text(void *opaque, sgi_xr *x, const char *t, int len)
{
    (void)x;
    rscan *r = opaque;
    for (int i = 0; r->cell_depth && !r->cell_has && i < len; i++)
        r->cell_has = t[i] != ' ' && t[i] != '\n' && t[i] != '\t' && t[i] != '\r';
    return true;
}

static void rs_end(void *opaque, sgi_xr *x, const char *name)
{
    (void)x;
    rscan *r = opaque;
    const char *l = sgi_xr_local(name);
    if (r->cell_depth == r->depth) {
        r->cell_depth = 0;
        if (r->cell_has) {
            for (unsigned long c = r->cell_lo; c < r->col && c < MAX_COLS; c++)
                r->colseen[c] = 1;
            rs_row(r, r->row);
            if (r->rows_rep > 1)
                rs_row(r, r->row + r->rows_rep - 1);
        }
    }
    if (strcmp(l, "table") == 0 && strncmp(name, "table:", 6) == 0 && r->in_table) {
        r->in_table = false;
        rs_table_end(r);
    }
    r->depth--;
}

static void read_remote(odoc *o)
{
    long i = find(o, "content.xml");
    if (i < 0)
        return;
    size_t len;
    char *d = read_member(o, (size_t)i, &len);
    rscan r;
    memset(&r, 0, sizeof(r));
    r.o = o;
    r.colseen = calloc(MAX_COLS, 1);
    if (d && r.colseen) {
        static const sgi_xr_handlers h = {rs_start, rs_end, rs_text, NULL};
        sgi_out out = {0};
        sgi_xr_rewrite(d, len, &h, &r, &out, NULL, 0);
        free(out.p);
    }
    free(r.colseen);
    free(r.rows);
    free(d);
}

/* -------------------------------------------------------------- content */

static bool col_hidden(const odoc *o, unsigned long c)
{
    for (size_t i = 0; i < o->nhcols; i++)
        if (c >= o->hcols[i].lo && c <= o->hcols[i].hi)
            return true;
    return false;
}

static bool points_into_dropped(const odoc *o, const char **a)
{
    static const char *const keys[] = {"cell-range-address", "base-cell-address", "expression",
                                       "target-range-address", "source-cell-range", NULL};
    for (size_t k = 0; keys[k]; k++) {
        const char *v = attr(a, keys[k]);
        for (size_t i = 0; v && i < o->ndropped; i++) {
            const char *d = o->dropped[i];
            size_t dl = strlen(d);
            for (const char *p = strstr(v, d); p; p = strstr(p + 1, d))
                if (p[dl] == '.' || (p[dl] == '\'' && p[dl + 1] == '.'))
                    return true;
        }
    }
    return false;
}

static sgi_xr_action content_start1(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    odoc *o = opaque;
    const char *l = sgi_xr_local(name);
    o->depth++;
    if (o->is_meta)
        return o->depth > 2 ? SGI_XR_DROP : SGI_XR_KEEP; /* office:meta's children */
    /* whatever the kind of document */
    if (strcmp(l, "annotation") == 0 || strcmp(l, "annotation-end") == 0) {
        o->notes += strcmp(l, "annotation") == 0;
        return SGI_XR_DROP;
    }
    if (strcmp(l, "tracked-changes") == 0 || strcmp(l, "change") == 0 ||
        strcmp(l, "change-start") == 0 || strcmp(l, "change-end") == 0) {
        o->changes++;
        return SGI_XR_DROP;
    }
    if (strcmp(l, "hidden-text") == 0) {
        o->hidden_text++;
        return SGI_XR_DROP;
    }
    if (strcmp(l, "hidden-paragraph") == 0) {
        const char *h = attr(a, "is-hidden");
        if (!(h && strcmp(h, "false") == 0) && o->pdepth && o->pdepth <= 256)
            o->pdrop[o->pdepth - 1] = true;
        o->hidden_text++;
        return SGI_XR_DROP;
    }
    if (strcmp(l, "p") == 0 || strcmp(l, "h") == 0) {
        const char *h = attr(a, "is-hidden");
        int k = style_kind(o, attr(a, "style-name"));
        if ((h && strcmp(h, "true") == 0) || (k >= K_TEXT_NONE && k <= K_TEXT_TINY)) {
            o->hidden_text++;
            return SGI_XR_DROP;
        }
        o->pdepth++;
        if (o->pdepth <= 256)
            o->pdrop[o->pdepth - 1] = false;
        return SGI_XR_HOLD;
    }
    if (strcmp(l, "span") == 0) {
        int k = style_kind(o, attr(a, "style-name"));
        if (k >= K_TEXT_NONE && k <= K_TEXT_TINY) {
            o->hidden_text++;
            return SGI_XR_DROP;
        }
        return SGI_XR_KEEP;
    }
    if (strcmp(l, "section") == 0) {
        const char *d = attr(a, "display");
        if (d && (strcmp(d, "none") == 0 || strcmp(d, "condition") == 0)) {
            o->hidden_text++;
            return SGI_XR_DROP;
        }
        return SGI_XR_KEEP;
    }
    if (strcmp(l, "object") == 0 || strcmp(l, "object-ole") == 0 || strcmp(l, "applet") == 0 ||
        strcmp(l, "plugin") == 0) {
        o->objects++;
        return SGI_XR_DROP;
    }
    if (strcmp(l, "scripts") == 0 || strcmp(l, "event-listeners") == 0) {
        /* an empty office:scripts is in every LibreOffice file: counted
         * by what it holds */
        return SGI_XR_DROP;
    }
    if (strcmp(l, "event-listener") == 0 || strcmp(l, "script") == 0) {
        o->scripts++;
        return SGI_XR_DROP;
    }
    /* slides */
    if (strcmp(l, "page") == 0 && strncmp(name, "draw:", 5) == 0 &&
        style_kind(o, attr(a, "style-name")) == K_PAGE_HIDDEN) {
        o->slides++;
        return SGI_XR_DROP;
    }
    if (strcmp(l, "notes") == 0 && strncmp(name, "presentation:", 13) == 0) {
        o->notes++;
        return SGI_XR_DROP;
    }
    /* sheets */
    if (strcmp(l, "table") == 0 && strncmp(name, "table:", 6) == 0) {
        if (style_kind(o, attr(a, "style-name")) == K_TABLE_HIDDEN) {
            const char *n = attr(a, "name");
            char **nd = realloc(o->dropped, (o->ndropped + 1) * sizeof(char *));
            if (nd) {
                o->dropped = nd;
                o->dropped[o->ndropped] = strdup(n ? n : "");
                if (o->dropped[o->ndropped])
                    o->ndropped++;
            }
            o->sheets++;
            sgi_clean_note(o->c, "hidden sheet \"%s\" removed", n ? n : "?");
            return SGI_XR_DROP;
        }
        o->in_table = true;
        o->nhcols = 0;
        o->colpos = 0;
        o->rowpos = 0;
        o->table_no++;
        return SGI_XR_KEEP;
    }
    if (strcmp(l, "table-source") == 0 || strcmp(l, "cell-range-source") == 0 ||
        strcmp(l, "dde-source") == 0 || strcmp(l, "dde-links") == 0) {
        o->links++;
        return SGI_XR_DROP;
    }
    if (strcmp(l, "data-pilot-tables") == 0) {
        o->pivots++;
        return SGI_XR_DROP;
    }
    if ((strcmp(l, "named-range") == 0 || strcmp(l, "named-expression") == 0 ||
         strcmp(l, "database-range") == 0) &&
        points_into_dropped(o, a))
        return SGI_XR_DROP;
    if (strcmp(l, "table-column") == 0 && o->in_table) {
        unsigned long n = repeat_of(a, "number-columns-repeated");
        const char *vis = attr(a, "visibility");
        unsigned long lo = o->colpos;
        o->colpos = n > 16384 - SGI_MIN(o->colpos, 16384UL) ? 16384 : o->colpos + n;
        if (vis && strcmp(vis, "visible") != 0) {
            range *nr = realloc(o->hcols, (o->nhcols + 1) * sizeof(range));
            if (nr) {
                o->hcols = nr;
                o->hcols[o->nhcols++] = (range){lo, o->colpos - 1};
            }
            return SGI_XR_DROP;
        }
        return SGI_XR_KEEP;
    }
    if (strcmp(l, "table-row") == 0 && o->in_table) {
        const char *vis = attr(a, "visibility");
        o->cellpos = 0;
        unsigned long at = o->rowpos;
        o->rowpos += repeat_of(a, "number-rows-repeated");
        size_t t = o->table_no - 1;
        if (t < o->nremote && o->remote_row[t] && at >= o->remote_row[t]) {
            /* every row from here is past the gap: none shifts */
            o->remote++;
            return SGI_XR_DROP;
        }
        if (vis && (strcmp(vis, "collapse") == 0 || strcmp(vis, "filter") == 0)) {
            o->rows += repeat_of(a, "number-rows-repeated");
            return SGI_XR_DROP;
        }
        return SGI_XR_KEEP;
    }
    if ((strcmp(l, "table-cell") == 0 || strcmp(l, "covered-table-cell") == 0) && o->in_table) {
        unsigned long n = repeat_of(a, "number-columns-repeated");
        unsigned long lo = o->cellpos, shown = 0;
        o->cellpos = n > 16384 - SGI_MIN(o->cellpos, 16384UL) ? 16384 : o->cellpos + n;
        size_t t = o->table_no - 1;
        unsigned long rc = t < o->nremote ? o->remote_col[t] : 0;
        if (rc && lo >= rc) {
            o->remote++; /* the rest of the row is past the gap */
            return SGI_XR_DROP;
        }
        for (unsigned long c = lo; c < o->cellpos; c++)
            shown += !col_hidden(o, c) && !(rc && c >= rc);
        if (shown == 0 && o->cellpos > lo) {
            o->cells++;
            return SGI_XR_DROP;
        }
        const char *f = attr(a, "formula");
        bool drop_f = f && !o->keep_formulas;
        if (shown < n || drop_f) {
            static _Thread_local const char *na[130];
            static _Thread_local char num[24];
            size_t k = 0;
            for (size_t i = 0; a[i] && k < 124; i += 2) {
                const char *al = sgi_xr_local(a[i]);
                if ((drop_f && strcmp(al, "formula") == 0) ||
                    strcmp(al, "number-columns-repeated") == 0)
                    continue;
                na[k++] = a[i];
                na[k++] = a[i + 1];
            }
            if (shown > 1) {
                snprintf(num, sizeof(num), "%lu", shown);
                na[k++] = "table:number-columns-repeated";
                na[k++] = num;
            }
            na[k] = NULL;
            sgi_xr_set_attrs(x, na);
            o->formulas += drop_f;
            o->cells += shown < n;
        }
        return SGI_XR_KEEP;
    }
    return SGI_XR_KEEP;
}

/* A dropped element never ends for the filter: its depth is undone here. */
static sgi_xr_action content_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    odoc *o = opaque;
    sgi_xr_action act = content_start1(opaque, x, name, a);
    if (act == SGI_XR_DROP)
        o->depth--;
    return act;
}

static void content_end(void *opaque, sgi_xr *x, const char *name)
{
    (void)x;
    odoc *o = opaque;
    o->depth--;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "table") == 0 && strncmp(name, "table:", 6) == 0)
        o->in_table = false;
}

static bool content_decide(void *opaque, sgi_xr *x, const char *name, const char *xml, size_t n)
{
    (void)x;
    (void)xml;
    (void)n;
    (void)name;
    odoc *o = opaque;
    bool keep = true;
    if (o->pdepth) {
        if (o->pdepth <= 256 && o->pdrop[o->pdepth - 1])
            keep = false;
        o->pdepth--;
    }
    return keep;
}

/* ------------------------------------------------------------- manifest */

static sgi_xr_action manifest_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    (void)x;
    odoc *o = opaque;
    if (strcmp(sgi_xr_local(name), "file-entry") != 0)
        return SGI_XR_KEEP;
    const char *p = attr(a, "full-path");
    if (!p || strcmp(p, "/") == 0)
        return SGI_XR_KEEP;
    size_t pl = strlen(p);
    /* an entry goes if its member went or was never there; a directory
     * entry if everything under it went */
    bool any = false, kept = false;
    for (size_t i = 0; i < o->n; i++) {
        const char *m = o->m[i].name;
        bool under = p[pl - 1] == '/' ? strncmp(m, p, pl) == 0 : strcmp(m, p) == 0;
        if (under) {
            any = true;
            kept = kept || !o->m[i].drop;
        }
    }
    (void)any;
    return kept ? SGI_XR_KEEP : SGI_XR_DROP; /* gone, or never there */
}

/* -------------------------------------------------------------- package */

static bool member_dropped(const char *n)
{
    static const char *const dirs[] = {"Basic/", "Scripts/", "Thumbnails/", "Configurations2/", NULL};
    for (size_t i = 0; dirs[i]; i++)
        if (strncmp(n, dirs[i], strlen(dirs[i])) == 0)
            return true;
    if (strncmp(n, "Object ", 7) == 0 || strncmp(n, "./Object ", 9) == 0)
        return true;
    return strcmp(n, "settings.xml") == 0 || strcmp(n, "META-INF/macrosignatures.xml") == 0 ||
           strcmp(n, "META-INF/documentsignatures.xml") == 0;
}

static sg_status write_package(odoc *o, const char *out)
{
    int zerr = 0;
    zip_t *z = zip_open(out, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!z)
        return sgi_clean_refuse(o->c, SG_E_WRITE, "cannot write %s", out);
    sg_status st = SG_OK;
    /* mimetype first, stored */
    for (int pass = 0; pass < 2 && st == SG_OK; pass++) {
        for (size_t i = 0; i < o->n && st == SG_OK; i++) {
            bool mt = strcmp(o->m[i].name, "mimetype") == 0;
            if (o->m[i].drop || (pass == 0) != mt || o->m[i].name[0] == '\0' ||
                o->m[i].name[strlen(o->m[i].name) - 1] == '/')
                continue;
            char *d = o->m[i].data;
            size_t len = o->m[i].len;
            if (!d) {
                d = read_member(o, i, &len);
                if (!d) {
                    st = SG_E_FORMAT;
                    break;
                }
            } else {
                o->m[i].data = NULL;
            }
            zip_source_t *src = zip_source_buffer(z, d, len, 1);
            if (!src) {
                free(d);
                st = SG_E_NOMEM;
                break;
            }
            zip_int64_t idx = zip_file_add(z, o->m[i].name, src, ZIP_FL_ENC_UTF_8);
            if (idx < 0) {
                zip_source_free(src);
                st = zip_error_code_zip(zip_get_error(z)) == ZIP_ER_EXISTS
                         ? sgi_clean_refuse(o->c, SG_E_FORMAT,
                                            "damaged package: two members named %s",
                                            o->m[i].name)
                         : sgi_clean_refuse(o->c, SG_E_WRITE, "cannot add %s", o->m[i].name);
                break;
            }
            zip_set_file_compression(z, (zip_uint64_t)idx, mt ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                     mt ? 0 : 6);
            zip_file_set_mtime(z, (zip_uint64_t)idx, 946684800, 0); /* 2000-01-01 */
        }
    }
    if (st == SG_OK) {
        if (zip_close(z) != 0) {
            st = sgi_clean_refuse(o->c, SG_E_WRITE, "cannot write %s: %s", out, zip_strerror(z));
            zip_discard(z);
        }
    } else {
        zip_discard(z);
    }
    return st;
}

sg_status sgi_clean_odf(sgi_clean *c, const char *in, const char *out, const char *format)
{
    (void)format;
    int zerr = 0;
    zip_t *z = zip_open(in, ZIP_RDONLY, &zerr);
    if (!z)
        return sgi_clean_refuse(c, SG_E_FORMAT, "%s", "damaged ZIP container");
    odoc *o = calloc(1, sizeof(*o));
    if (!o) {
        zip_discard(z);
        return SG_E_NOMEM;
    }
    o->c = c;
    o->in = z;
    o->keep_formulas = (c->flags & SG_CLEAN_KEEP_FORMULAS) != 0;
    sg_status st = SG_OK;
    zip_int64_t n = zip_get_num_entries(z, 0);
    if (n < 0 || (unsigned long long)n > c->eng->opt_max_members)
        st = sgi_clean_refuse(c, SG_E_LIMIT, "%s", "too many members (--max-members)");
    if (st == SG_OK && !(o->m = calloc((size_t)n + 1, sizeof(member))))
        st = SG_E_NOMEM;
    unsigned long long objects = 0, macros = 0;
    for (zip_int64_t i = 0; st == SG_OK && i < n; i++) {
        const char *nm = zip_get_name(z, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
        o->m[o->n].name = strdup(nm ? nm : "");
        if (!o->m[o->n].name) {
            st = SG_E_NOMEM;
            break;
        }
        o->m[o->n].drop = nm && member_dropped(nm);
        if (o->m[o->n].drop && nm) {
            if (strncmp(nm, "Object", 6) == 0 || strncmp(nm, "./Object", 8) == 0)
                objects++;
            else if (strncmp(nm, "Basic/", 6) == 0 || strncmp(nm, "Scripts/", 8) == 0)
                macros++;
        }
        o->n++;
    }
    if (objects)
        sgi_clean_note(c, "embedded objects removed (%llu parts)", objects);
    if (macros)
        sgi_clean_note(c, "macros removed (%llu parts)", macros);
    if (st == SG_OK) {
        read_styles(o, "styles.xml");
        read_styles(o, "content.xml");
        read_remote(o);
    }
    static const sgi_xr_handlers h = {content_start, content_end, NULL, content_decide};
    static const char *const parts[] = {"content.xml", "styles.xml", "meta.xml", NULL};
    for (size_t k = 0; st == SG_OK && parts[k]; k++) {
        long i = find(o, parts[k]);
        if (i < 0)
            continue;
        o->is_meta = k == 2;
        o->depth = 0;
        o->pdepth = 0;
        o->in_table = false;
        o->table_no = 0;
        st = rewrite(o, (size_t)i, &h);
    }
    if (st == SG_OK && find(o, "meta.xml") >= 0)
        sgi_clean_note(c, "%s", "document properties emptied");
    for (size_t i = 0; st == SG_OK && i < o->n; i++) {
        if (o->m[i].drop || strncmp(o->m[i].name, "Pictures/", 9) != 0)
            continue;
        size_t len;
        char *d = read_member(o, i, &len);
        if (!d) {
            st = SG_E_FORMAT;
            break;
        }
        size_t m = len;
        unsigned char *clean = sgi_clean_picture((const unsigned char *)d, &m);
        if (clean) {
            o->m[i].data = (char *)clean;
            o->m[i].len = m;
        }
        free(d);
    }
    long mi = find(o, "META-INF/manifest.xml");
    if (st == SG_OK && mi >= 0) {
        static const sgi_xr_handlers mh = {manifest_start, NULL, NULL, NULL};
        st = rewrite(o, (size_t)mi, &mh);
    }
    if (o->sheets || o->rows || o->cells || o->remote || o->formulas || o->links || o->pivots) {
        if (o->rows)
            sgi_clean_note(c, "%llu hidden or filtered rows removed", o->rows);
        if (o->cells)
            sgi_clean_note(c, "%llu cells in hidden columns removed", o->cells);
        if (o->remote)
            sgi_clean_note(c, "%llu rows and cell runs far from the rest of the data removed",
                           o->remote);
        if (o->formulas)
            sgi_clean_note(c, "%llu formulas replaced by their values", o->formulas);
        if (o->links)
            sgi_clean_note(c, "%llu links to other files removed", o->links);
        if (o->pivots)
            sgi_clean_note(c, "%s", "pivot tables turned into plain cells");
    }
    if (o->notes)
        sgi_clean_note(c, "%llu comments and speaker notes removed", o->notes);
    if (o->changes)
        sgi_clean_note(c, "%llu tracked changes removed (the text as it reads kept)", o->changes);
    if (o->hidden_text)
        sgi_clean_note(c, "%llu hidden paragraphs, sections, fields and runs removed",
                       o->hidden_text);
    if (o->slides)
        sgi_clean_note(c, "%llu hidden slides removed", o->slides);
    if (o->objects || o->scripts)
        sgi_clean_note(c, "%llu embedded objects and scripts removed", o->objects + o->scripts);
    if (st == SG_OK)
        st = write_package(o, out);
    for (size_t i = 0; i < o->n; i++) {
        free(o->m[i].name);
        free(o->m[i].data);
    }
    for (size_t i = 0; i < o->nstyles; i++)
        free(o->styles[i].name);
    for (size_t i = 0; i < o->ndropped; i++)
        free(o->dropped[i]);
    free(o->dropped);
    free(o->styles);
    free(o->cur_style);
    free(o->hcols);
    free(o->remote_row);
    free(o->remote_col);
    free(o->m);
    zip_discard(z);
    free(o);
    return st;
}
