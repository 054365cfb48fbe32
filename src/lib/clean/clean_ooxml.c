/*
 * clean_ooxml.c - XLSX, DOCX and PPTX without what the reader cannot see.
 *
 * A new package is written part by part:
 *   1. parts that are hidden content by their kind are dropped (comments,
 *      notes, pivot caches and tables, external links, connections,
 *      embedded objects, macros, custom XML and properties, printer
 *      settings, ActiveX), and so are hidden sheets and hidden slides;
 *   2. the parts kept are rewritten: sheets lose hidden and filtered rows,
 *      hidden columns, remote and invisible cells, formulas (unless kept),
 *      and their shared strings become inline (so the strings of dropped
 *      cells go too); the workbook loses hidden sheets, hidden names,
 *      external references and pivot caches; charts lose their caches;
 *      documents lose deletions, moves, hidden and white text, comment
 *      marks and embedded objects (insertions are kept, unmarked); slides
 *      lose shapes placed off the slide; pictures lose their metadata and
 *      whatever follows their end; docProps are emptied;
 *   3. relationships to what was dropped go, and every part no longer
 *      reached from the package's relationships goes with them (the
 *      drawings and media of a hidden sheet); [Content_Types].xml follows.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "clean_private.h"

#include <math.h>

#include <errno.h>
#include <limits.h>
#include <strings.h>
#include <zip.h>

#define REMOTE_COL_GAP 26 /* as detectors/cells.c */
#define REMOTE_ROW_GAP 1000

typedef struct part {
    char *name;
    bool drop;
    char *data; /* new content, or NULL: copied as it is */
    size_t len;
} part;

typedef struct pkg {
    sgi_clean *c;
    const char *format;
    zip_t *in;
    part *p;
    size_t n;
    /* xlsx */
    char **sst;
    size_t nsst;
    sgi_xlsx_style *styles;
    size_t nstyles;
    char dropped_sheets[32][256]; /* names of hidden sheets, for defined names */
    size_t ndropped_sheets;
    /* pptx: the slide size */
    long long sld_cx, sld_cy;
} pkg;

static long find(const pkg *k, const char *name)
{
    while (*name == '/')
        name++;
    for (size_t i = 0; i < k->n; i++)
        if (strcasecmp(k->p[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* Read a member whole (its new content if it has one), NUL-terminated. */
static char *read_part(pkg *k, size_t i, size_t *len)
{
    if (k->p[i].data) {
        char *d = malloc(k->p[i].len + 1);
        if (d) {
            memcpy(d, k->p[i].data, k->p[i].len);
            d[k->p[i].len] = '\0';
            *len = k->p[i].len;
        }
        return d;
    }
    return sgi_clean_zip_member(k->c, k->in, i, len);
}

static void set_data(pkg *k, size_t i, sgi_out *o)
{
    free(k->p[i].data);
    k->p[i].data = o->p;
    k->p[i].len = o->n;
    o->p = NULL;
    o->n = o->cap = 0;
}

static bool ends_with(const char *s, const char *e)
{
    size_t a = strlen(s), b = strlen(e);
    return a >= b && strcasecmp(s + a - b, e) == 0;
}

static bool has_dir(const char *name, const char *dir)
{
    const char *p = strstr(name, dir);
    return p && (p == name || p[-1] == '/');
}

/* The part that a .rels file describes ("xl/_rels/workbook.xml.rels" is
 * "xl/workbook.xml"; "_rels/.rels" the package, ""), in out. */
static bool rels_source(const char *rels, char *out, size_t n)
{
    const char *r = strstr(rels, "_rels/");
    if (!r || !ends_with(rels, ".rels"))
        return false;
    size_t dir = (size_t)(r - rels);
    const char *base = r + 6;
    size_t bl = strlen(base) - 5;
    snprintf(out, n, "%.*s%.*s", (int)dir, rels, (int)bl, base);
    return true;
}

/* The .rels file of a part. */
static void rels_of(const char *partname, char *out, size_t n)
{
    const char *slash = strrchr(partname, '/');
    if (slash)
        snprintf(out, n, "%.*s_rels/%s.rels", (int)(slash - partname + 1), partname, slash + 1);
    else
        snprintf(out, n, "_rels/%s.rels", partname);
}

/* A relationship target, resolved against its source part. */
static void resolve(const char *source, const char *target, char *out, size_t n)
{
    char buf[1024];
    if (target[0] == '/') {
        snprintf(buf, sizeof(buf), "%s", target + 1);
    } else {
        const char *slash = strrchr(source, '/');
        snprintf(buf, sizeof(buf), "%.*s%s", slash ? (int)(slash - source + 1) : 0, source,
                 target);
    }
    /* fold "dir/../" and "./" */
    char *seg[128];
    size_t ns = 0;
    for (char *t = strtok(buf, "/"); t && ns < 128; t = strtok(NULL, "/")) {
        if (strcmp(t, ".") == 0)
            continue;
        if (strcmp(t, "..") == 0) {
            if (ns)
                ns--;
            continue;
        }
        seg[ns++] = t;
    }
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < ns && o < n; i++)
        o += (size_t)snprintf(out + o, n - o, "%s%s", i ? "/" : "", seg[i]);
}

/* Relationship kinds that are hidden content wherever they point. */
static bool hidden_rel_type(const char *type)
{
    static const char *const kinds[] = {
        "comments", "threadedComment", "person", "commentAuthors", "commentsExtended",
        "commentsIds", "commentsExtensible", "authors", "vmlDrawing", "externalLink",
        "externalLinkPath", "oleObject", "package", "control", "activeXControl",
        "activeXControlBinary", "ctrlProp", "printerSettings", "customXml", "customXmlProps",
        "custom-properties", "vbaProject", "wordVbaData", "pivotTable", "pivotCacheDefinition",
        "pivotCacheRecords", "notesSlide", "attachedTemplate", "connections", "queryTable",
        "sharedStrings", "slicer", "slicerCache", "timeline", "timelineCache", "modernComment",
        "commentAuthors", "revisionHeaders", "revisionLog", "usernames", "glossaryDocument",
        "handoutMaster", NULL};
    const char *t = strrchr(type, '/');
    t = t ? t + 1 : type;
    for (size_t i = 0; kinds[i]; i++)
        if (strcmp(t, kinds[i]) == 0)
            return true;
    return false;
}

/* Parts that are hidden content by their name. */
static bool hidden_part(const char *n)
{
    return has_dir(n, "customXml/") || has_dir(n, "printerSettings/") ||
           has_dir(n, "embeddings/") || has_dir(n, "activeX/") || has_dir(n, "ctrlProps/") ||
           has_dir(n, "externalLinks/") || has_dir(n, "pivotCache/") ||
           has_dir(n, "pivotTables/") || has_dir(n, "threadedComments/") ||
           has_dir(n, "persons/") || has_dir(n, "notesSlides/") || has_dir(n, "comments/") ||
           has_dir(n, "queryTables/") || has_dir(n, "revisions/") ||
           strcasecmp(n, "docProps/custom.xml") == 0 ||
           strncasecmp(n, "docProps/thumbnail", 18) == 0 || ends_with(n, "vbaProject.bin") ||
           ends_with(n, "vbaData.xml") || strcasecmp(n, "xl/connections.xml") == 0 ||
           strcasecmp(n, "xl/sharedStrings.xml") == 0 || ends_with(n, "commentAuthors.xml") ||
           ends_with(n, "authors.xml") || ends_with(n, "people.xml") ||
           ends_with(n, "commentsExtended.xml") || ends_with(n, "commentsIds.xml") ||
           ends_with(n, "commentsExtensible.xml") || ends_with(n, ".vml") ||
           (strncasecmp(n, "xl/comments", 11) == 0 && ends_with(n, ".xml")) ||
           strcasecmp(n, "word/comments.xml") == 0 || has_dir(n, "glossary/");
}

static const char *attr(const char **a, const char *local)
{
    for (size_t i = 0; a && a[i]; i += 2)
        if (strcmp(sgi_xr_local(a[i]), local) == 0)
            return a[i + 1];
    return NULL;
}

/* Attributes without those named (local names), into out (a fixed array). */
static const char **attrs_without(const char **a, const char *const *drop, const char **out,
                                  size_t max)
{
    size_t k = 0;
    for (size_t i = 0; a && a[i] && k + 2 < max; i += 2) {
        bool d = false;
        for (size_t j = 0; drop[j] && !d; j++)
            d = strcmp(sgi_xr_local(a[i]), drop[j]) == 0;
        if (!d) {
            out[k++] = a[i];
            out[k++] = a[i + 1];
        }
    }
    out[k] = NULL;
    return out;
}

/* ------------------------------------------------------------ relations */

typedef struct rel_filter {
    pkg *k;
    const char *source;
    unsigned long long dropped;
} rel_filter;

static sgi_xr_action rel_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    rel_filter *f = opaque;
    if (strcmp(sgi_xr_local(name), "Relationship") != 0)
        return SGI_XR_KEEP;
    const char *type = attr(a, "Type"), *target = attr(a, "Target"), *mode = attr(a, "TargetMode");
    if (!type || !target)
        return SGI_XR_DROP;
    if (mode && strcmp(mode, "External") == 0) {
        /* links the reader follows stay; templates and linked files go */
        const char *t = strrchr(type, '/');
        if (t && strcmp(t + 1, "hyperlink") == 0)
            return SGI_XR_KEEP;
        f->dropped++;
        return SGI_XR_DROP;
    }
    if (hidden_rel_type(type)) {
        f->dropped++;
        return SGI_XR_DROP;
    }
    char full[1024];
    resolve(f->source, target, full, sizeof(full));
    long i = find(f->k, full);
    if (i >= 0 && f->k->p[i].drop) {
        f->dropped++;
        return SGI_XR_DROP;
    }
    return SGI_XR_KEEP;
}

static sg_status rewrite(pkg *k, size_t i, const sgi_xr_handlers *h, void *opaque)
{
    size_t len;
    char *d = read_part(k, i, &len);
    if (!d)
        return SG_E_FORMAT;
    sgi_out o = {0};
    char err[200] = "";
    sg_status st = sgi_xr_rewrite(d, len, h, opaque, &o, err, sizeof(err));
    free(d);
    if (st != SG_OK) {
        free(o.p);
        return sgi_clean_refuse(k->c, st, "%s: %s", k->p[i].name, err);
    }
    set_data(k, i, &o);
    return SG_OK;
}

/* Relationship targets of a part (not external), resolved, for walking. */
typedef struct rel_list {
    pkg *k;
    const char *source;
    char **targets;
    size_t n, cap;
    char **ids; /* with their ids and types, when asked */
    char **types;
} rel_list;

static sgi_xr_action list_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    rel_list *l = opaque;
    if (strcmp(sgi_xr_local(name), "Relationship") != 0)
        return SGI_XR_KEEP;
    const char *type = attr(a, "Type"), *target = attr(a, "Target"), *mode = attr(a, "TargetMode"),
               *id = attr(a, "Id");
    if (!type || !target || (mode && strcmp(mode, "External") == 0))
        return SGI_XR_KEEP;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        char **nt = realloc(l->targets, nc * sizeof(char *));
        char **ni = realloc(l->ids, nc * sizeof(char *));
        char **ny = realloc(l->types, nc * sizeof(char *));
        if (nt)
            l->targets = nt;
        if (ni)
            l->ids = ni;
        if (ny)
            l->types = ny;
        if (!nt || !ni || !ny)
            return SGI_XR_KEEP;
        l->cap = nc;
    }
    char full[1024];
    resolve(l->source, target, full, sizeof(full));
    l->targets[l->n] = strdup(full);
    l->ids[l->n] = strdup(id ? id : "");
    const char *t = strrchr(type, '/');
    l->types[l->n] = strdup(t ? t + 1 : type);
    l->n++;
    return SGI_XR_KEEP;
}

static void rel_list_free(rel_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->targets[i]);
        free(l->ids[i]);
        free(l->types[i]);
    }
    free(l->targets);
    free(l->ids);
    free(l->types);
    memset(l, 0, sizeof(*l));
}

/* The relationships of a part, as they are now. */
static void relations(pkg *k, const char *partname, rel_list *l)
{
    memset(l, 0, sizeof(*l));
    l->k = k;
    l->source = partname;
    char rn[1024];
    rels_of(partname, rn, sizeof(rn));
    if (!*partname)
        snprintf(rn, sizeof(rn), "_rels/.rels");
    long i = find(k, rn);
    if (i < 0)
        return;
    size_t len;
    char *d = read_part(k, (size_t)i, &len);
    if (!d)
        return;
    static const sgi_xr_handlers h = {list_start, NULL, NULL, NULL};
    sgi_out o = {0};
    sgi_xr_rewrite(d, len, &h, l, &o, NULL, 0);
    free(o.p);
    free(d);
}

static const char *rel_target(const rel_list *l, const char *id)
{
    for (size_t i = 0; id && i < l->n; i++)
        if (strcmp(l->ids[i], id) == 0)
            return l->targets[i];
    return NULL;
}

/* ----------------------------------------------------------- metadata */

static const char core_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
    "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
    "core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
    "xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
    "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2000-01-01T00:00:00Z</dcterms:created>"
    "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2000-01-01T00:00:00Z</dcterms:modified>"
    "</cp:coreProperties>";

static const char app_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "docPropsVTypes\"/>";

static void replace_text(pkg *k, size_t i, const char *text)
{
    free(k->p[i].data);
    k->p[i].data = strdup(text);
    k->p[i].len = k->p[i].data ? strlen(text) : 0;
}

/* --------------------------------------------------------------- XLSX */

/* Shared strings: each <si>'s text, runs joined, phonetic runs left out. */
typedef struct sst_read {
    pkg *k;
    sgi_out cur;
    int depth_rph;
    bool in_t;
} sst_read;

static sgi_xr_action sst_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    sst_read *s = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "si") == 0)
        s->cur.n = 0;
    else if (strcmp(l, "rPh") == 0)
        s->depth_rph++;
    else if (strcmp(l, "t") == 0)
        s->in_t = true;
    return SGI_XR_KEEP;
}

static bool sst_text(void *opaque, sgi_xr *x, const char *t, int len)
{
    sst_read *s = opaque;
    if (s->in_t && !s->depth_rph)
        sgi_out_put(&s->cur, t, (size_t)len);
    return true;
}

static void sst_end(void *opaque, sgi_xr *x, const char *name)
{
    sst_read *s = opaque;
    pkg *k = s->k;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "t") == 0) {
        s->in_t = false;
    } else if (strcmp(l, "rPh") == 0) {
        s->depth_rph--;
    } else if (strcmp(l, "si") == 0) {
        char **ns = realloc(k->sst, (k->nsst + 1) * sizeof(char *));
        if (!ns)
            return;
        k->sst = ns;
        k->sst[k->nsst] = malloc(s->cur.n + 1);
        if (k->sst[k->nsst]) {
            memcpy(k->sst[k->nsst], s->cur.p ? s->cur.p : "", s->cur.n);
            k->sst[k->nsst][s->cur.n] = '\0';
            k->nsst++;
        }
    }
}

static void read_sst(pkg *k)
{
    long i = find(k, "xl/sharedStrings.xml");
    if (i < 0)
        return;
    size_t len;
    char *d = read_part(k, (size_t)i, &len);
    if (!d)
        return;
    sst_read s;
    memset(&s, 0, sizeof(s));
    s.k = k;
    static const sgi_xr_handlers h = {sst_start, sst_end, sst_text, NULL};
    sgi_out o = {0};
    sgi_xr_rewrite(d, len, &h, &s, &o, NULL, 0);
    free(o.p);
    free(s.cur.p);
    free(d);
}

static void read_styles(pkg *k)
{
    long i = find(k, "xl/styles.xml");
    if (i < 0)
        return;
    size_t len;
    char *d = read_part(k, (size_t)i, &len);
    if (!d)
        return;
    k->styles = sgi_xlsx_styles(&k->c->eng->mem, d, len, &k->nstyles);
    free(d);
}

/* A1 to 0-based column and 1-based row. */
static bool cell_ref(const char *r, unsigned long *col, unsigned long *row)
{
    unsigned long c = 0, w = 0;
    size_t i = 0;
    while (r[i] >= 'A' && r[i] <= 'Z' && i < 4)
        c = c * 26 + (unsigned long)(r[i++] - 'A' + 1);
    if (!c || !(r[i] >= '1' && r[i] <= '9'))
        return false;
    while (r[i] >= '0' && r[i] <= '9' && w < 10000000)
        w = w * 10 + (unsigned long)(r[i++] - '0');
    *col = c - 1;
    *row = w;
    return r[i] == '\0';
}

typedef struct sheet {
    pkg *k;
    const char *partname;
    /* hidden columns, from <cols> */
    struct {
        unsigned long lo, hi;
    } hcols[256];
    size_t nhcols;
    /* remote data: columns from, rows from (0: none) */
    unsigned long remote_col, remote_row;
    /* the pre-pass: occupied columns and rows */
    unsigned char *colseen;
    unsigned long maxcol;
    unsigned long *rows;
    size_t nrows, caprows;
    /* the row and cell being written */
    unsigned long row;
    bool row_hidden;
    bool in_cell, cell_s, cell_dropped, in_v;
    sgi_out v;
    /* counts */
    unsigned long long rows_dropped, cells_dropped, formulas, invisible, remote;
    bool keep_formulas;
} sheet;

static bool col_hidden(const sheet *s, unsigned long col)
{
    for (size_t i = 0; i < s->nhcols; i++)
        if (col >= s->hcols[i].lo && col <= s->hcols[i].hi)
            return true;
    return false;
}

static bool row_attr_hidden(const char **a)
{
    const char *h = attr(a, "hidden"), *ht = attr(a, "ht"), *ch = attr(a, "customHeight");
    if (h && (strcmp(h, "1") == 0 || strcmp(h, "true") == 0))
        return true;
    return ht && strtod(ht, NULL) == 0.0 && ch && (strcmp(ch, "1") == 0 || strcmp(ch, "true") == 0);
}

/* Pre-pass: where the visible data is, for remote cells. */
static sgi_xr_action pre_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    sheet *s = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "col") == 0 && s->nhcols < 256) {
        const char *h = attr(a, "hidden"), *w = attr(a, "width"), *mn = attr(a, "min"),
                   *mx = attr(a, "max");
        bool hid = (h && (strcmp(h, "1") == 0 || strcmp(h, "true") == 0)) ||
                   (w && strtod(w, NULL) == 0.0);
        if (hid && mn && mx) {
            s->hcols[s->nhcols].lo = strtoul(mn, NULL, 10) - 1;
            s->hcols[s->nhcols].hi = strtoul(mx, NULL, 10) - 1;
            s->nhcols++;
        }
    } else if (strcmp(l, "row") == 0) {
        const char *r = attr(a, "r");
        s->row = r ? strtoul(r, NULL, 10) : s->row + 1;
        s->row_hidden = row_attr_hidden(a);
    } else if (strcmp(l, "c") == 0 && !s->row_hidden) {
        const char *r = attr(a, "r");
        unsigned long col, row;
        if (r && cell_ref(r, &col, &row) && !col_hidden(s, col) && col < 16384) {
            s->colseen[col] = 1;
            if (col > s->maxcol)
                s->maxcol = col;
            if (s->nrows == s->caprows) {
                size_t nc = s->caprows ? s->caprows * 2 : 256;
                unsigned long *nr = realloc(s->rows, nc * sizeof(unsigned long));
                if (!nr)
                    return SGI_XR_KEEP;
                s->rows = nr;
                s->caprows = nc;
            }
            if (!s->nrows || s->rows[s->nrows - 1] != row)
                s->rows[s->nrows++] = row;
        }
    }
    return SGI_XR_KEEP;
}

static int cmp_ul(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return x < y ? -1 : x > y;
}

static void find_remote(sheet *s)
{
    unsigned long last = ULONG_MAX;
    for (unsigned long c = 0; c <= s->maxcol; c++) {
        if (!s->colseen[c])
            continue;
        if (last != ULONG_MAX && c - last > REMOTE_COL_GAP) {
            s->remote_col = c;
            break;
        }
        last = c;
    }
    if (s->nrows)
        qsort(s->rows, s->nrows, sizeof(unsigned long), cmp_ul);
    for (size_t i = 1; i < s->nrows; i++)
        if (s->rows[i] - s->rows[i - 1] > REMOTE_ROW_GAP + 1) {
            s->remote_row = s->rows[i];
            break;
        }
}

static sgi_xr_action sheet_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    sheet *s = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "col") == 0) {
        const char *h = attr(a, "hidden"), *w = attr(a, "width");
        if ((h && (strcmp(h, "1") == 0 || strcmp(h, "true") == 0)) ||
            (w && strtod(w, NULL) == 0.0))
            return SGI_XR_DROP;
        return SGI_XR_KEEP;
    }
    if (strcmp(l, "row") == 0) {
        const char *r = attr(a, "r");
        s->row = r ? strtoul(r, NULL, 10) : s->row + 1;
        if (row_attr_hidden(a) || (s->remote_row && s->row >= s->remote_row)) {
            s->rows_dropped++;
            return SGI_XR_DROP;
        }
        return SGI_XR_KEEP;
    }
    if (strcmp(l, "c") == 0) {
        const char *r = attr(a, "r"), *t = attr(a, "t"), *st = attr(a, "s");
        unsigned long col = 0, row = 0;
        bool ref = r && cell_ref(r, &col, &row);
        if (ref && (col_hidden(s, col) || (s->remote_col && col >= s->remote_col))) {
            s->cells_dropped++;
            s->remote += s->remote_col && col >= s->remote_col;
            return SGI_XR_DROP;
        }
        if (st) {
            unsigned long k = strtoul(st, NULL, 10);
            if (k < s->k->nstyles && s->k->styles[k].invisible) {
                s->invisible++;
                return SGI_XR_DROP;
            }
        }
        s->in_cell = true;
        s->cell_s = t && strcmp(t, "s") == 0;
        if (s->cell_s) {
            static const char *const dropped[] = {"t", NULL};
            static _Thread_local const char *na[64];
            const char **out = attrs_without(a, dropped, na, 60);
            size_t m = 0;
            while (out[m])
                m++;
            out[m++] = "t";
            out[m++] = "inlineStr";
            out[m] = NULL;
            sgi_xr_set_attrs(x, out);
        }
        return SGI_XR_KEEP;
    }
    if (s->in_cell && strcmp(l, "f") == 0 && !s->keep_formulas) {
        s->formulas++;
        return SGI_XR_DROP;
    }
    if (s->in_cell && s->cell_s && strcmp(l, "v") == 0) {
        s->in_v = true;
        s->v.n = 0;
        return SGI_XR_UNWRAP;
    }
    /* comments' drawing, embedded objects and controls */
    if (strcmp(l, "legacyDrawing") == 0 || strcmp(l, "legacyDrawingHF") == 0 ||
        strcmp(l, "oleObjects") == 0 || strcmp(l, "controls") == 0 ||
        strcmp(l, "customProperties") == 0 || strcmp(l, "webPublishItems") == 0)
        return SGI_XR_DROP;
    return SGI_XR_KEEP;
}

static bool sheet_text(void *opaque, sgi_xr *x, const char *t, int len)
{
    sheet *s = opaque;
    if (s->in_v) {
        sgi_out_put(&s->v, t, (size_t)len);
        return false;
    }
    return true;
}

static void sheet_end(void *opaque, sgi_xr *x, const char *name)
{
    sheet *s = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "v") == 0 && s->in_v) {
        s->in_v = false;
        char idx[32];
        size_t n = SGI_MIN(s->v.n, sizeof(idx) - 1);
        memcpy(idx, s->v.p ? s->v.p : "", n);
        idx[n] = '\0';
        unsigned long i = strtoul(idx, NULL, 10);
        const char *text = i < s->k->nsst ? s->k->sst[i] : "";
        sgi_xr_write_raw(x, "<is><t xml:space=\"preserve\">");
        sgi_xr_write_text(x, text, strlen(text));
        sgi_xr_write_raw(x, "</t></is>");
    } else if (strcmp(l, "c") == 0) {
        s->in_cell = false;
    }
}

static sg_status clean_sheet(pkg *k, size_t i)
{
    sheet *s = calloc(1, sizeof(*s));
    if (!s)
        return SG_E_NOMEM;
    s->k = k;
    s->partname = k->p[i].name;
    s->keep_formulas = (k->c->flags & SG_CLEAN_KEEP_FORMULAS) != 0;
    s->colseen = calloc(16384, 1);
    sg_status st = SG_OK;
    size_t len;
    char *d = s->colseen ? read_part(k, i, &len) : NULL;
    if (!d) {
        free(s->colseen);
        free(s);
        return SG_E_FORMAT;
    }
    static const sgi_xr_handlers pre = {pre_start, NULL, NULL, NULL};
    sgi_out o = {0};
    sgi_xr_rewrite(d, len, &pre, s, &o, NULL, 0);
    free(o.p);
    memset(&o, 0, sizeof(o));
    find_remote(s);
    s->row = 0;
    s->row_hidden = false;
    /* the hidden columns stay as the pre-pass found them: <cols> comes
     * before the cells in the part */
    static const sgi_xr_handlers h = {sheet_start, sheet_end, sheet_text, NULL};
    char err[200] = "";
    st = sgi_xr_rewrite(d, len, &h, s, &o, err, sizeof(err));
    free(d);
    if (st != SG_OK) {
        free(o.p);
        sgi_clean_refuse(k->c, st, "%s: %s", k->p[i].name, err);
    } else {
        set_data(k, i, &o);
        if (s->rows_dropped)
            sgi_clean_note(k->c, "%s: %llu hidden or filtered rows removed", s->partname,
                           s->rows_dropped);
        if (s->cells_dropped)
            sgi_clean_note(k->c, "%s: %llu cells in hidden or remote columns removed",
                           s->partname, s->cells_dropped);
        if (s->invisible)
            sgi_clean_note(k->c, "%s: %llu invisible cells removed", s->partname, s->invisible);
        if (s->formulas)
            sgi_clean_note(k->c, "%s: %llu formulas replaced by their values", s->partname,
                           s->formulas);
    }
    free(s->v.p);
    free(s->rows);
    free(s->colseen);
    free(s);
    return st;
}

/* workbook.xml: hidden sheets, hidden names, external references, caches */
typedef struct book {
    pkg *k;
    rel_list rels;
} book;

static bool names_dropped_sheet(pkg *k, const char *text)
{
    for (size_t i = 0; i < k->ndropped_sheets; i++)
        if (strstr(text, k->dropped_sheets[i]))
            return true;
    return false;
}

static sgi_xr_action book_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    book *b = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "sheet") == 0) {
        const char *state = attr(a, "state");
        if (state && (strcmp(state, "hidden") == 0 || strcmp(state, "veryHidden") == 0))
            return SGI_XR_DROP;
        return SGI_XR_KEEP;
    }
    if (strcmp(l, "definedName") == 0) {
        const char *h = attr(a, "hidden");
        if (h && (strcmp(h, "1") == 0 || strcmp(h, "true") == 0)) {
            sgi_clean_note(b->k->c, "hidden defined name %s removed", attr(a, "name") ?
                           attr(a, "name") : "?");
            return SGI_XR_DROP;
        }
        return SGI_XR_HOLD; /* dropped at its end if it names a hidden sheet */
    }
    if (strcmp(l, "externalReferences") == 0 || strcmp(l, "pivotCaches") == 0 ||
        strcmp(l, "fileSharing") == 0 || strcmp(l, "webPublishing") == 0 ||
        strcmp(l, "fileRecoveryPr") == 0)
        return SGI_XR_DROP;
    if (strcmp(l, "workbookView") == 0) {
        static const char *const dropped[] = {"activeTab", "firstSheet", NULL};
        static _Thread_local const char *na[64];
        sgi_xr_set_attrs(x, attrs_without(a, dropped, na, 60));
    }
    return SGI_XR_KEEP;
}

static bool book_decide(void *opaque, sgi_xr *x, const char *name, const char *xml, size_t n)
{
    book *b = opaque;
    char *t = strndup(xml, n);
    bool keep = !(t && names_dropped_sheet(b->k, t));
    if (!keep)
        sgi_clean_note(b->k->c, "%s", "a defined name pointing into a hidden sheet removed");
    free(t);
    return keep;
}

/* Sheet names of hidden sheets, and their parts marked dropped. */
typedef struct sheets_scan {
    pkg *k;
    rel_list *rels;
} sheets_scan;

static sgi_xr_action hidden_sheet_start(void *opaque, sgi_xr *x, const char *name,
                                        const char **a)
{
    sheets_scan *s = opaque;
    if (strcmp(sgi_xr_local(name), "sheet") != 0)
        return SGI_XR_KEEP;
    const char *state = attr(a, "state");
    if (!state || (strcmp(state, "hidden") != 0 && strcmp(state, "veryHidden") != 0))
        return SGI_XR_KEEP;
    const char *nm = attr(a, "name");
    const char *target = NULL;
    for (size_t i = 0; a && a[i]; i += 2)
        if (strchr(a[i], ':') && strcmp(sgi_xr_local(a[i]), "id") == 0)
            target = rel_target(s->rels, a[i + 1]);
    long p = target ? find(s->k, target) : -1;
    if (p >= 0)
        s->k->p[p].drop = true;
    if (nm && s->k->ndropped_sheets < 32)
        snprintf(s->k->dropped_sheets[s->k->ndropped_sheets++], 256, "%s", nm);
    sgi_clean_note(s->k->c, "%s sheet \"%s\" removed", strcmp(state, "veryHidden") == 0 ?
                   "very hidden" : "hidden", nm ? nm : "?");
    return SGI_XR_KEEP;
}

static sg_status clean_xlsx(pkg *k)
{
    const char *wb = "xl/workbook.xml";
    long w = find(k, wb);
    if (w < 0)
        return sgi_clean_refuse(k->c, SG_E_FORMAT, "%s", "no xl/workbook.xml");
    book b;
    memset(&b, 0, sizeof(b));
    b.k = k;
    relations(k, k->p[w].name, &b.rels);
    /* which sheets go */
    {
        sheets_scan s = {k, &b.rels};
        static const sgi_xr_handlers h = {hidden_sheet_start, NULL, NULL, NULL};
        size_t len;
        char *d = read_part(k, (size_t)w, &len);
        if (d) {
            sgi_out o = {0};
            sgi_xr_rewrite(d, len, &h, &s, &o, NULL, 0);
            free(o.p);
            free(d);
        }
    }
    static const sgi_xr_handlers bh = {book_start, NULL, NULL, book_decide};
    sg_status st = rewrite(k, (size_t)w, &bh, &b);
    rel_list_free(&b.rels);
    if (st != SG_OK)
        return st;
    read_sst(k);
    read_styles(k);
    for (size_t i = 0; i < k->n && st == SG_OK; i++) {
        if (k->p[i].drop)
            continue;
        const char *n = k->p[i].name;
        if (has_dir(n, "worksheets/") && ends_with(n, ".xml"))
            st = clean_sheet(k, i);
    }
    if (k->nsst)
        sgi_clean_note(k->c, "%zu shared strings written into their cells (those of removed "
                       "cells are gone)", k->nsst);
    return st;
}

/* Charts: the copies of their data (caches, embedded workbooks) go. */
static sgi_xr_action chart_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "strCache") == 0 || strcmp(l, "numCache") == 0 ||
        strcmp(l, "multiLvlStrCache") == 0 || strcmp(l, "externalData") == 0)
        return SGI_XR_DROP;
    return SGI_XR_KEEP;
}

/* --------------------------------------------------------------- DOCX */

typedef struct doc {
    pkg *k;
    int in_rpr;           /* inside a run's properties */
    bool run_hidden;      /* the run held back is hidden */
    unsigned long long deleted, hidden, marks, objects;
    bool in_run;
} doc;

static bool white(const char *v)
{
    return v && (strcasecmp(v, "FFFFFF") == 0 || strcasecmp(v, "white") == 0);
}

static sgi_xr_action doc_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    doc *d = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "del") == 0 || strcmp(l, "moveFrom") == 0 || strcmp(l, "delText") == 0 ||
        strcmp(l, "delInstrText") == 0) {
        d->deleted++;
        return SGI_XR_DROP;
    }
    if (strcmp(l, "ins") == 0 || strcmp(l, "moveTo") == 0)
        return SGI_XR_UNWRAP;
    if (strcmp(l, "rPrChange") == 0 || strcmp(l, "pPrChange") == 0 ||
        strcmp(l, "sectPrChange") == 0 || strcmp(l, "tblPrChange") == 0 ||
        strcmp(l, "trPrChange") == 0 || strcmp(l, "tcPrChange") == 0 ||
        strcmp(l, "tblGridChange") == 0 || strcmp(l, "numberingChange") == 0 ||
        strcmp(l, "moveFromRangeStart") == 0 || strcmp(l, "moveFromRangeEnd") == 0 ||
        strcmp(l, "moveToRangeStart") == 0 || strcmp(l, "moveToRangeEnd") == 0 ||
        strcmp(l, "cellIns") == 0 || strcmp(l, "cellDel") == 0)
        return SGI_XR_DROP;
    if (strcmp(l, "commentRangeStart") == 0 || strcmp(l, "commentRangeEnd") == 0 ||
        strcmp(l, "commentReference") == 0 || strcmp(l, "annotationRef") == 0) {
        d->marks++;
        return SGI_XR_DROP;
    }
    if (strcmp(l, "object") == 0 || strcmp(l, "objectEmbed") == 0 || strcmp(l, "control") == 0) {
        d->objects++;
        return SGI_XR_DROP;
    }
    if (strcmp(l, "r") == 0 && strncmp(name, "w:", 2) == 0) {
        d->in_run = true;
        d->run_hidden = false;
        return SGI_XR_HOLD;
    }
    if (d->in_run && strcmp(l, "rPr") == 0)
        d->in_rpr++;
    if (d->in_run && d->in_rpr) {
        const char *v = attr(a, "val");
        if (strcmp(l, "vanish") == 0 || strcmp(l, "specVanish") == 0)
            d->run_hidden = !(v && (strcmp(v, "0") == 0 || strcmp(v, "false") == 0));
        else if (strcmp(l, "color") == 0 && white(v))
            d->run_hidden = true; /* white on the page (shading is not looked at) */
        else if (strcmp(l, "sz") == 0 && v && atoi(v) > 0 && atoi(v) < 4)
            d->run_hidden = true; /* under 2 pt */
    }
    return SGI_XR_KEEP;
}

static void doc_end(void *opaque, sgi_xr *x, const char *name)
{
    doc *d = opaque;
    const char *l = sgi_xr_local(name);
    if (d->in_run && strcmp(l, "rPr") == 0 && d->in_rpr)
        d->in_rpr--;
}

static bool doc_decide(void *opaque, sgi_xr *x, const char *name, const char *xml, size_t n)
{
    doc *d = opaque;
    d->in_run = false;
    d->in_rpr = 0;
    if (d->run_hidden) {
        d->hidden++;
        return false;
    }
    return true;
}

static sg_status clean_docx_part(pkg *k, size_t i)
{
    doc d;
    memset(&d, 0, sizeof(d));
    d.k = k;
    static const sgi_xr_handlers h = {doc_start, doc_end, NULL, doc_decide};
    sg_status st = rewrite(k, i, &h, &d);
    if (st == SG_OK) {
        const char *n = k->p[i].name;
        if (d.deleted)
            sgi_clean_note(k->c, "%s: %llu tracked deletions and moves removed (insertions "
                           "kept)", n, d.deleted);
        if (d.hidden)
            sgi_clean_note(k->c, "%s: %llu runs of hidden, white or tiny text removed", n,
                           d.hidden);
        if (d.marks)
            sgi_clean_note(k->c, "%s: %llu comment marks removed", n, d.marks);
        if (d.objects)
            sgi_clean_note(k->c, "%s: %llu embedded objects removed", n, d.objects);
    }
    return st;
}

static sgi_xr_action settings_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "attachedTemplate") == 0 || strcmp(l, "rsids") == 0 ||
        strcmp(l, "docVars") == 0 || strcmp(l, "mailMerge") == 0 ||
        strcmp(l, "trackRevisions") == 0)
        return SGI_XR_DROP;
    return SGI_XR_KEEP;
}

static sg_status clean_docx(pkg *k)
{
    sg_status st = SG_OK;
    for (size_t i = 0; i < k->n && st == SG_OK; i++) {
        const char *n = k->p[i].name;
        if (k->p[i].drop || strncasecmp(n, "word/", 5) != 0 || !ends_with(n, ".xml") ||
            strchr(n + 5, '/'))
            continue;
        if (strcasecmp(n, "word/settings.xml") == 0) {
            static const sgi_xr_handlers h = {settings_start, NULL, NULL, NULL};
            st = rewrite(k, i, &h, NULL);
        } else if (strcasecmp(n, "word/document.xml") == 0 || strncasecmp(n, "word/header", 11) == 0 ||
                   strncasecmp(n, "word/footer", 11) == 0 ||
                   strcasecmp(n, "word/footnotes.xml") == 0 ||
                   strcasecmp(n, "word/endnotes.xml") == 0) {
            st = clean_docx_part(k, i);
        }
    }
    return st;
}

/* --------------------------------------------------------------- PPTX */

typedef struct pres {
    pkg *k;
    rel_list rels;
} pres;

static sgi_xr_action pres_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    pres *p = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "sldSz") == 0) {
        const char *cx = attr(a, "cx"), *cy = attr(a, "cy");
        p->k->sld_cx = cx ? atoll(cx) : 0;
        p->k->sld_cy = cy ? atoll(cy) : 0;
    }
    if (strcmp(l, "sldId") == 0) {
        const char *target = NULL;
        for (size_t i = 0; a && a[i]; i += 2)
            if (strchr(a[i], ':') && strcmp(sgi_xr_local(a[i]), "id") == 0)
                target = rel_target(&p->rels, a[i + 1]);
        long s = target ? find(p->k, target) : -1;
        if (s >= 0 && p->k->p[s].drop)
            return SGI_XR_DROP;
    }
    return SGI_XR_KEEP;
}

/* Is a slide hidden (<p:sld show="0">)? */
static sgi_xr_action show_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    bool *hidden = opaque;
    if (strcmp(sgi_xr_local(name), "sld") == 0) {
        const char *show = attr(a, "show");
        *hidden = show && (strcmp(show, "0") == 0 || strcmp(show, "false") == 0);
    }
    return SGI_XR_KEEP;
}

typedef struct slide {
    pkg *k;
    int depth_tree;   /* inside spTree */
    int shape_depth;  /* depth of the top-level shape held */
    int depth;
    long long x, y, cx, cy;
    bool have_off, off_slide;
    unsigned long long removed;
} slide;

static sgi_xr_action slide_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    slide *s = opaque;
    const char *l = sgi_xr_local(name);
    s->depth++;
    if (strcmp(l, "spTree") == 0) {
        s->depth_tree = s->depth;
        return SGI_XR_KEEP;
    }
    if (s->depth_tree && s->depth == s->depth_tree + 1 &&
        (strcmp(l, "sp") == 0 || strcmp(l, "pic") == 0 || strcmp(l, "grpSp") == 0 ||
         strcmp(l, "graphicFrame") == 0 || strcmp(l, "cxnSp") == 0)) {
        s->shape_depth = s->depth;
        s->have_off = false;
        return SGI_XR_HOLD;
    }
    if (s->shape_depth && !s->have_off && strcmp(l, "off") == 0) {
        const char *ox = attr(a, "x"), *oy = attr(a, "y");
        s->x = ox ? atoll(ox) : 0;
        s->y = oy ? atoll(oy) : 0;
    } else if (s->shape_depth && !s->have_off && strcmp(l, "ext") == 0 && attr(a, "cx")) {
        s->cx = atoll(attr(a, "cx"));
        s->cy = attr(a, "cy") ? atoll(attr(a, "cy")) : 0;
        s->have_off = true;
    }
    return SGI_XR_KEEP;
}

static void slide_end(void *opaque, sgi_xr *x, const char *name)
{
    slide *s = opaque;
    if (s->depth == s->depth_tree)
        s->depth_tree = 0;
    s->depth--;
}

static bool slide_decide(void *opaque, sgi_xr *x, const char *name, const char *xml, size_t n)
{
    slide *s = opaque;
    s->shape_depth = 0;
    if (!s->have_off || !s->k->sld_cx || !s->k->sld_cy)
        return true;
    bool off = s->x + s->cx <= 0 || s->y + s->cy <= 0 || s->x >= s->k->sld_cx ||
               s->y >= s->k->sld_cy;
    if (off)
        s->removed++;
    return !off;
}

static sg_status clean_pptx(pkg *k)
{
    long pi = find(k, "ppt/presentation.xml");
    if (pi < 0)
        return sgi_clean_refuse(k->c, SG_E_FORMAT, "%s", "no ppt/presentation.xml");
    pres p;
    memset(&p, 0, sizeof(p));
    p.k = k;
    relations(k, k->p[pi].name, &p.rels);
    /* hidden slides */
    for (size_t i = 0; i < p.rels.n; i++) {
        if (strcmp(p.rels.types[i], "slide") != 0)
            continue;
        long s = find(k, p.rels.targets[i]);
        if (s < 0)
            continue;
        size_t len;
        char *d = read_part(k, (size_t)s, &len);
        bool hidden = false;
        if (d) {
            static const sgi_xr_handlers h = {show_start, NULL, NULL, NULL};
            sgi_out o = {0};
            sgi_xr_rewrite(d, len, &h, &hidden, &o, NULL, 0);
            free(o.p);
            free(d);
        }
        if (hidden) {
            k->p[s].drop = true;
            sgi_clean_note(k->c, "hidden slide %s removed", k->p[s].name);
        }
    }
    static const sgi_xr_handlers ph = {pres_start, NULL, NULL, NULL};
    sg_status st = rewrite(k, (size_t)pi, &ph, &p);
    rel_list_free(&p.rels);
    for (size_t i = 0; i < k->n && st == SG_OK; i++) {
        const char *n = k->p[i].name;
        if (k->p[i].drop || !has_dir(n, "slides/") || !ends_with(n, ".xml"))
            continue;
        slide s;
        memset(&s, 0, sizeof(s));
        s.k = k;
        static const sgi_xr_handlers h = {slide_start, slide_end, NULL, slide_decide};
        st = rewrite(k, i, &h, &s);
        if (st == SG_OK && s.removed)
            sgi_clean_note(k->c, "%s: %llu shapes off the slide removed", n, s.removed);
    }
    return st;
}

/* ------------------------------------------------------ cropped pictures */

/* A picture cropped in place (<a:blipFill><a:blip r:embed/><a:srcRect/>)
 * keeps what the crop hides. Each is cut down to what is shown into a new
 * media part of its own (the same picture may be cropped differently
 * elsewhere), its blip pointed there and its srcRect dropped: the page
 * looks the same. The old relationship goes when nothing uses it, and
 * the old picture with it when nothing else does. A picture neither JPEG
 * nor PNG is left: the re-scan then refuses the copy. */

typedef struct crop_hit {
    unsigned fill;  /* which blipFill of the part (1, 2...) */
    char rid[64];   /* its blip */
    char nid[64];   /* the new relationship, or "" if not cut */
    long f[4];      /* the insets cut away (the positive ones) */
    long pad[4];    /* negative insets (padding), kept, as of the cut picture */
    char pads[4][24];
} crop_hit;

typedef struct crops {
    int depth, fill_depth; /* of the blipFill we are in, or 0 */
    unsigned fills;        /* blipFills met */
    char rid[64];
    crop_hit *h;
    size_t n, cap;
    bool pass2;
    unsigned long long dropped;
} crops;

static crop_hit *hit_of(crops *s, unsigned fill)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->h[i].fill == fill)
            return &s->h[i];
    return NULL;
}

static sgi_xr_action crop_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    crops *s = opaque;
    const char *l = sgi_xr_local(name);
    s->depth++;
    if (strcmp(l, "blipFill") == 0) {
        s->fill_depth = s->depth;
        s->fills++;
        s->rid[0] = '\0';
    } else if (s->fill_depth && strcmp(l, "blip") == 0) {
        const char *id = attr(a, "embed");
        snprintf(s->rid, sizeof(s->rid), "%s", id ? id : "");
        crop_hit *h = s->pass2 ? hit_of(s, s->fills) : NULL;
        if (h && h->nid[0]) {
            /* the same attributes, the picture's id replaced */
            static const char *na[66];
            size_t j = 0;
            for (size_t i = 0; a[i] && j < 64; i += 2) {
                na[j++] = a[i];
                na[j++] = strcmp(sgi_xr_local(a[i]), "embed") == 0 ? h->nid : a[i + 1];
            }
            na[j] = NULL;
            sgi_xr_set_attrs(x, na);
        }
    } else if (s->fill_depth && strcmp(l, "srcRect") == 0 && s->rid[0]) {
        if (s->pass2) {
            crop_hit *h = hit_of(s, s->fills);
            if (!h || !h->nid[0])
                return SGI_XR_KEEP;
            s->dropped++;
            if (!h->pad[0] && !h->pad[1] && !h->pad[2] && !h->pad[3]) {
                s->depth--; /* no end() for a dropped element */
                return SGI_XR_DROP;
            }
            /* padding stays, measured on the cut picture */
            static const char *const pk[] = {"l", "t", "r", "b"};
            static const char *na[10];
            size_t j = 0;
            for (int i = 0; i < 4; i++)
                if (h->pad[i]) {
                    snprintf(h->pads[i], sizeof(h->pads[i]), "%ld", h->pad[i]);
                    na[j++] = pk[i];
                    na[j++] = h->pads[i];
                }
            na[j] = NULL;
            sgi_xr_set_attrs(x, na);
            return SGI_XR_KEEP;
        }
        static const char *const keys[] = {"l", "t", "r", "b"};
        long f[4];
        bool pos = false;
        for (int i = 0; i < 4; i++) {
            const char *v = attr(a, keys[i]);
            f[i] = v ? atol(v) : 0;
            pos = pos || f[i] > 0;
        }
        if (!pos)
            return SGI_XR_KEEP; /* nothing hidden (padding at most) */
        if (s->n == s->cap) {
            size_t nc = s->cap ? s->cap * 2 : 8;
            crop_hit *nh = realloc(s->h, nc * sizeof(*nh));
            if (!nh)
                return SGI_XR_KEEP;
            s->h = nh;
            s->cap = nc;
        }
        crop_hit *h = &s->h[s->n++];
        memset(h, 0, sizeof(*h));
        h->fill = s->fills;
        snprintf(h->rid, sizeof(h->rid), "%s", s->rid);
        for (int i = 0; i < 4; i++)
            h->f[i] = f[i] > 0 ? f[i] : 0;
        /* an axis keeps 1 - (its positive insets) of the picture: padding
         * on it is that much larger a share of the cut picture */
        for (int i = 0; i < 4; i++) {
            double kept = 100000.0 - (double)h->f[i % 2] - (double)h->f[i % 2 + 2];
            h->pad[i] = f[i] < 0 && kept > 0 ? lround((double)f[i] * 100000.0 / kept) : 0;
        }
    }
    return SGI_XR_KEEP;
}

static void crop_end(void *opaque, sgi_xr *x, const char *name)
{
    crops *s = opaque;
    if (s->depth == s->fill_depth)
        s->fill_depth = 0;
    s->depth--;
}

/* A new part with this content (taken); its index, or -1. */
static long add_part(pkg *k, const char *name, char *data, size_t len)
{
    part *np = realloc(k->p, (k->n + 1) * sizeof(part));
    if (!np)
        return -1;
    k->p = np;
    char *nm = strdup(name);
    if (!nm)
        return -1;
    k->p[k->n] = (part){nm, false, data, len};
    return (long)k->n++;
}

/* Relationships dropped by id (pass ids NULL-terminated). */
typedef struct rel_drop {
    const char *const *ids;
} rel_drop;

static sgi_xr_action rel_drop_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    rel_drop *r = opaque;
    if (strcmp(sgi_xr_local(name), "Relationship") != 0)
        return SGI_XR_KEEP;
    const char *id = attr(a, "Id");
    for (size_t i = 0; id && r->ids[i]; i++)
        if (strcmp(r->ids[i], id) == 0)
            return SGI_XR_DROP;
    return SGI_XR_KEEP;
}

/* Is id still named by an attribute of the part's XML? */
static bool id_used(const char *xml, const char *id)
{
    char pat[80];
    snprintf(pat, sizeof(pat), "=\"%s\"", id);
    return strstr(xml, pat) != NULL;
}

static sg_status crop_part(pkg *k, size_t i, unsigned *serial)
{
    const char *nm = k->p[i].name;
    crops s;
    memset(&s, 0, sizeof(s));
    static const sgi_xr_handlers h = {crop_start, crop_end, NULL, NULL};
    sg_status st = rewrite(k, i, &h, &s); /* pass 1: what is cropped (output unchanged) */
    if (st != SG_OK || s.n == 0) {
        free(s.h);
        return st;
    }
    char rn[1024];
    rels_of(nm, rn, sizeof(rn));
    long ri = find(k, rn);
    rel_list rl;
    relations(k, nm, &rl);
    sgi_out add = {0};
    size_t cut_n = 0;
    for (size_t j = 0; ri >= 0 && j < s.n; j++) {
        const char *target = rel_target(&rl, s.h[j].rid);
        long m = target ? find(k, target) : -1;
        if (m < 0)
            continue;
        size_t plen;
        char *pd = read_part(k, (size_t)m, &plen);
        if (!pd) {
            st = SG_E_FORMAT;
            break;
        }
        size_t outn = 0;
        char why[200];
        unsigned char *cut = sgi_clean_crop_picture(k->c, (const unsigned char *)pd, plen,
                                                    s.h[j].f, &outn, why, sizeof(why));
        free(pd);
        if (!cut) {
            sgi_clean_note(k->c, "%s: %s, left whole", nm, why);
            continue;
        }
        /* beside the old picture: ppt/media/image3.png -> image3-shown1.png */
        const char *dot = strrchr(target, '.'), *slash = strrchr(target, '/');
        if (!dot || (slash && dot < slash))
            dot = target + strlen(target);
        char name[1100];
        do
            snprintf(name, sizeof(name), "%.*s-shown%u%s", (int)(dot - target), target,
                     ++*serial, dot);
        while (find(k, name) >= 0);
        if (add_part(k, name, (char *)cut, outn) < 0) {
            free(cut);
            st = SG_E_NOMEM;
            break;
        }
        nm = k->p[i].name; /* k->p moved */
        do
            snprintf(s.h[j].nid, sizeof(s.h[j].nid), "sgShown%u", ++*serial);
        while (rel_target(&rl, s.h[j].nid));
        char rel[1400];
        snprintf(rel, sizeof(rel),
                 "<Relationship Id=\"%s\" Type=\"http://schemas.openxmlformats.org/"
                 "officeDocument/2006/relationships/image\" Target=\"/%s\"/>",
                 s.h[j].nid, name);
        sgi_out_puts(&add, rel);
        cut_n++;
    }
    if (st == SG_OK && cut_n) {
        s.pass2 = true;
        s.depth = s.fill_depth = 0;
        s.fills = 0;
        st = rewrite(k, i, &h, &s); /* pass 2: new ids, no srcRect */
    }
    if (st == SG_OK && cut_n) {
        /* the relationships: the new ones in, the old ones no longer named out */
        size_t len;
        char *d = read_part(k, (size_t)ri, &len);
        const char **gone = calloc(s.n + 1, sizeof(char *));
        size_t ngone = 0;
        for (size_t j = 0; gone && j < s.n; j++)
            if (s.h[j].nid[0] && !id_used(k->p[i].data, s.h[j].rid))
                gone[ngone++] = s.h[j].rid;
        char *close = d ? strstr(d, "</") : NULL;
        for (char *c = close; c && (c = strstr(c + 2, "</"));)
            close = c;
        if (!d || !close || !gone || add.nomem) {
            st = SG_E_NOMEM;
        } else {
            sgi_out o = {0};
            sgi_out_put(&o, d, (size_t)(close - d));
            sgi_out_put(&o, add.p, add.n);
            sgi_out_puts(&o, close);
            set_data(k, (size_t)ri, &o);
            rel_drop rd = {gone};
            static const sgi_xr_handlers dh = {rel_drop_start, NULL, NULL, NULL};
            st = rewrite(k, (size_t)ri, &dh, &rd);
        }
        free(gone);
        free(d);
        if (st == SG_OK)
            sgi_clean_note(k->c, "%s: %llu cropped pictures cut down to what is shown",
                           k->p[i].name, s.dropped);
    }
    free(add.p);
    rel_list_free(&rl);
    free(s.h);
    return st;
}

static sg_status crop_pictures(pkg *k)
{
    sg_status st = SG_OK;
    unsigned serial = 0;
    size_t n = k->n; /* parts added here are pictures */
    for (size_t i = 0; st == SG_OK && i < n; i++) {
        const char *nm = k->p[i].name;
        if (k->p[i].drop || !ends_with(nm, ".xml") || strstr(nm, "_rels/"))
            continue;
        /* only a part that links a picture can crop one: the others (the
         * sheets above all) are not read again */
        rel_list rl;
        relations(k, nm, &rl);
        bool pictures = false;
        for (size_t r = 0; r < rl.n && !pictures; r++)
            pictures = strcmp(rl.types[r], "image") == 0;
        rel_list_free(&rl);
        if (!pictures)
            continue;
        size_t len;
        char *d = read_part(k, i, &len);
        if (!d)
            return SG_E_FORMAT;
        bool any = strstr(d, "srcRect") != NULL;
        free(d);
        if (any)
            st = crop_part(k, i, &serial);
    }
    return st;
}

/* -------------------------------------------------------------- package */

/* Drop every part no longer reached through relationships from the
 * package (after the relationship filter). */
static void drop_unreached(pkg *k)
{
    bool *seen = calloc(k->n, 1);
    size_t *queue = calloc(k->n + 1, sizeof(size_t));
    if (!seen || !queue) {
        free(seen);
        free(queue);
        return;
    }
    size_t qh = 0, qt = 0;
    rel_list root;
    relations(k, "", &root);
    for (size_t i = 0; i < root.n; i++) {
        long p = find(k, root.targets[i]);
        if (p >= 0 && !k->p[p].drop && !hidden_rel_type(root.types[i]) && !seen[p]) {
            seen[p] = true;
            queue[qt++] = (size_t)p;
        }
    }
    rel_list_free(&root);
    while (qh < qt) {
        size_t p = queue[qh++];
        rel_list l;
        relations(k, k->p[p].name, &l);
        for (size_t i = 0; i < l.n; i++) {
            long t = find(k, l.targets[i]);
            if (t >= 0 && !k->p[t].drop && !hidden_rel_type(l.types[i]) && !seen[t]) {
                seen[t] = true;
                queue[qt++] = (size_t)t;
            }
        }
        rel_list_free(&l);
    }
    for (size_t i = 0; i < k->n; i++) {
        const char *n = k->p[i].name;
        if (seen[i] || strcasecmp(n, "[Content_Types].xml") == 0 || ends_with(n, "/"))
            continue;
        if (strstr(n, "_rels/") && ends_with(n, ".rels")) {
            char src[1024];
            if (rels_source(n, src, sizeof(src))) {
                long s = find(k, src);
                if (!*src || (s >= 0 && seen[s] && !k->p[s].drop))
                    continue;
            }
        }
        if (!k->p[i].drop)
            k->p[i].drop = true;
    }
    free(seen);
    free(queue);
}

typedef struct ct {
    pkg *k;
} ct;

static sgi_xr_action ct_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    ct *c = opaque;
    if (strcmp(sgi_xr_local(name), "Override") != 0)
        return SGI_XR_KEEP;
    const char *pn = attr(a, "PartName");
    long i = pn ? find(c->k, pn) : -1;
    if (i < 0 || c->k->p[i].drop)
        return SGI_XR_DROP;
    const char *type = attr(a, "ContentType");
    /* a workbook or document with macros gone is an ordinary one */
    if (type && strstr(type, "macroEnabled")) {
        static _Thread_local const char *na[8];
        static _Thread_local char nt[256];
        const char *t = type;
        if (strstr(t, "sheet.macroEnabled.main+xml"))
            snprintf(nt, sizeof(nt), "%s",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml");
        else if (strstr(t, "document.macroEnabled.main+xml"))
            snprintf(nt, sizeof(nt), "%s", "application/vnd.openxmlformats-officedocument."
                                           "wordprocessingml.document.main+xml");
        else if (strstr(t, "presentation.macroEnabled.main+xml"))
            snprintf(nt, sizeof(nt), "%s", "application/vnd.openxmlformats-officedocument."
                                           "presentationml.presentation.main+xml");
        else
            return SGI_XR_KEEP;
        na[0] = "PartName";
        na[1] = pn;
        na[2] = "ContentType";
        na[3] = nt;
        na[4] = NULL;
        sgi_xr_set_attrs(x, na);
    }
    return SGI_XR_KEEP;
}

static sg_status write_package(pkg *k, const char *out)
{
    int zerr = 0;
    zip_t *z = zip_open(out, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!z)
        return sgi_clean_refuse(k->c, SG_E_WRITE, "cannot write %s", out);
    sg_status st = SG_OK;
    /* [Content_Types].xml first, as Office writes it */
    for (int pass = 0; pass < 2 && st == SG_OK; pass++) {
        for (size_t i = 0; i < k->n && st == SG_OK; i++) {
            bool types = strcasecmp(k->p[i].name, "[Content_Types].xml") == 0;
            if (k->p[i].drop || (pass == 0) != types || ends_with(k->p[i].name, "/"))
                continue;
            size_t len = 0;
            char *d = read_part(k, i, &len);
            if (!d) {
                st = SG_E_FORMAT;
                break;
            }
            zip_source_t *src = zip_source_buffer(z, d, len, 1);
            if (!src) {
                free(d);
                st = SG_E_NOMEM;
                break;
            }
            zip_int64_t idx = zip_file_add(z, k->p[i].name, src, ZIP_FL_ENC_UTF_8);
            if (idx < 0) {
                zip_source_free(src);
                st = zip_error_code_zip(zip_get_error(z)) == ZIP_ER_EXISTS
                         ? sgi_clean_refuse(k->c, SG_E_FORMAT,
                                            "damaged package: two members named %s",
                                            k->p[i].name)
                         : sgi_clean_refuse(k->c, SG_E_WRITE, "cannot add %s", k->p[i].name);
                break;
            }
            zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 6);
            zip_file_set_mtime(z, (zip_uint64_t)idx, 946684800, 0); /* 2000-01-01 */
        }
    }
    if (st == SG_OK) {
        if (zip_close(z) != 0) {
            st = sgi_clean_refuse(k->c, SG_E_WRITE, "cannot write %s: %s", out,
                                  zip_strerror(z));
            zip_discard(z);
        }
    } else {
        zip_discard(z);
    }
    return st;
}

sg_status sgi_clean_ooxml(sgi_clean *c, const char *in, const char *out, const char *format)
{
    int zerr = 0;
    zip_t *z = zip_open(in, ZIP_RDONLY, &zerr);
    if (!z)
        return sgi_clean_refuse(c, SG_E_FORMAT, "%s", "damaged ZIP container");
    pkg *k = calloc(1, sizeof(*k));
    if (!k) {
        zip_discard(z);
        return SG_E_NOMEM;
    }
    k->c = c;
    k->in = z;
    k->format = format;
    zip_int64_t n = zip_get_num_entries(z, 0);
    sg_status st = SG_OK;
    if (n < 0 || (unsigned long long)n > c->eng->opt_max_members)
        st = sgi_clean_refuse(c, SG_E_LIMIT, "%s", "too many members (--max-members)");
    if (st == SG_OK) {
        k->p = calloc((size_t)n + 1, sizeof(part));
        if (!k->p)
            st = SG_E_NOMEM;
    }
    for (zip_int64_t i = 0; st == SG_OK && i < n; i++) {
        const char *nm = zip_get_name(z, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
        k->p[k->n].name = strdup(nm ? nm : "");
        k->p[k->n].drop = nm && hidden_part(nm);
        if (k->p[k->n].drop && nm)
            sgi_clean_note(c, "%s removed", nm);
        k->n++;
    }
    /* format by format */
    if (st == SG_OK && strncmp(format, "xls", 3) == 0)
        st = clean_xlsx(k);
    else if (st == SG_OK && strncmp(format, "doc", 3) == 0)
        st = clean_docx(k);
    else if (st == SG_OK && strncmp(format, "ppt", 3) == 0)
        st = clean_pptx(k);
    if (st == SG_OK)
        st = crop_pictures(k);
    /* what every package has */
    for (size_t i = 0; st == SG_OK && i < k->n; i++) {
        const char *nm = k->p[i].name;
        if (k->p[i].drop)
            continue;
        if (strcasecmp(nm, "docProps/core.xml") == 0) {
            replace_text(k, i, core_xml);
            sgi_clean_note(c, "%s", "document properties emptied (dates set to 2000-01-01)");
        } else if (strcasecmp(nm, "docProps/app.xml") == 0) {
            replace_text(k, i, app_xml);
        } else if (has_dir(nm, "charts/") && ends_with(nm, ".xml") && !strstr(nm, "_rels/")) {
            static const sgi_xr_handlers h = {chart_start, NULL, NULL, NULL};
            st = rewrite(k, i, &h, NULL);
        } else if (has_dir(nm, "media/")) {
            size_t len;
            char *d = read_part(k, i, &len);
            if (d) {
                size_t m = len;
                unsigned char *clean = sgi_clean_picture((const unsigned char *)d, &m);
                if (clean) {
                    free(k->p[i].data);
                    k->p[i].data = (char *)clean;
                    k->p[i].len = m;
                }
                free(d);
            }
        }
    }
    /* relationships to what went, then what is no longer reached */
    for (int round = 0; round < 2 && st == SG_OK; round++) {
        for (size_t i = 0; st == SG_OK && i < k->n; i++) {
            const char *nm = k->p[i].name;
            if (k->p[i].drop || !strstr(nm, "_rels/") || !ends_with(nm, ".rels"))
                continue;
            char src[1024];
            if (!rels_source(nm, src, sizeof(src)))
                continue;
            rel_filter f = {k, src, 0};
            static const sgi_xr_handlers h = {rel_start, NULL, NULL, NULL};
            st = rewrite(k, i, &h, &f);
        }
        if (st == SG_OK)
            drop_unreached(k);
    }
    long cti = find(k, "[Content_Types].xml");
    if (st == SG_OK && cti >= 0) {
        ct t = {k};
        static const sgi_xr_handlers h = {ct_start, NULL, NULL, NULL};
        st = rewrite(k, (size_t)cti, &h, &t);
    }
    if (st == SG_OK)
        st = write_package(k, out);
    for (size_t i = 0; i < k->n; i++) {
        free(k->p[i].name);
        free(k->p[i].data);
    }
    for (size_t i = 0; i < k->nsst; i++)
        free(k->sst[i]);
    free(k->sst);
    sgi_free(&c->eng->mem, k->styles);
    free(k->p);
    zip_discard(z);
    free(k);
    return st;
}
