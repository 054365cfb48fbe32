/*
 * read_xlsx.c - Excel workbooks (XLSX, XLSM, XLTX): every sheet's cells,
 * and everything that hides in a workbook: hidden and very hidden sheets,
 * hidden and filtered rows and columns, remote cells, cells a format
 * makes invisible, pivot caches, external links and their cached values,
 * comments and their authors, hidden defined names, chart caches,
 * embedded files, macros, metadata.
 *
 * Parts are streamed through expat; only the shared strings, the styles
 * and a pivot cache's shared items are held in memory (capped by
 * SG_OPT_MAX_PART_BYTES). Cells go to the batch scanner (cells.c), which
 * finds the header row and tables of people.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "ooxml_private.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SHEET_ROWS 1048576ULL
#define MAX_SHEET_COLS 16384u

typedef struct xlsx_sheet {
    const char *name; /* arena */
    const char *part; /* arena */
    int state;        /* 0 visible, 1 hidden, 2 very hidden */
    unsigned long long cells;
    unsigned long long refs; /* formulas on other sheets that read it */
    char first_ref[96];
} xlsx_sheet;

typedef struct xlsx_name {
    const char *name, *ref;
    bool hidden;
} xlsx_name;

typedef sgi_xlsx_style xf_info;

typedef struct xlsx {
    sgi_ooxml ox;
    const char *wb_part;
    sgi_rels wb_rels;
    xlsx_sheet *sheets;
    size_t nsheets, capsheets;
    xlsx_name *names;
    size_t nnames, capnames;
    bool date1904;
    /* shared strings: NUL-terminated, one after another */
    char *sst;
    size_t sst_len, sst_cap;
    size_t *sst_off;
    size_t sst_n, sst_capn;
    /* styles */
    xf_info *xfs;
    size_t nxf, capxf;
    unsigned long long ext_refs; /* formulas reading other workbooks */
    char first_ext_ref[96];
    char conn_name[128];
} xlsx;

static bool is_true(const char *v)
{
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

static const char *dup(xlsx *x, const char *s)
{
    return s ? sgi_arena_strndup(&x->ox.ctx->res->arena, s, strlen(s)) : NULL;
}

/* "B7" -> column 1, row 7. Returns false if it is not a reference. */
static bool parse_ref(const char *r, uint32_t *col, unsigned long long *row)
{
    uint32_t c = 0;
    const char *p = r;
    while (*p == '$')
        p++;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
        c = c * 26 + (uint32_t)((*p | 32) - 'a' + 1);
        if (c > MAX_SHEET_COLS)
            return false;
        p++;
    }
    while (*p == '$')
        p++;
    unsigned long long rw = 0;
    const char *d = p;
    while (*p >= '0' && *p <= '9') {
        rw = rw * 10 + (unsigned long long)(*p - '0');
        if (rw > MAX_SHEET_ROWS)
            return false;
        p++;
    }
    if (c == 0 || p == d)
        return false;
    *col = c - 1;
    *row = rw;
    return true;
}

/* ---------------------------------------------------------- workbook */

typedef struct wb_parse {
    xlsx *x;
    sgi_text text;
    xlsx_name pending;
    bool in_name;
} wb_parse;

static void wb_start(void *opaque, const char *name, const char **attrs)
{
    wb_parse *w = opaque;
    xlsx *x = w->x;
    if (strcmp(name, "sheet") == 0) {
        if (!sgi_grow(x->ox.ctx->mem, (void **)&x->sheets, &x->capsheets, x->nsheets + 1,
                      sizeof(xlsx_sheet))) {
            sgi_xml_abort(SG_E_NOMEM, "out of memory");
            return;
        }
        xlsx_sheet *sh = &x->sheets[x->nsheets++];
        memset(sh, 0, sizeof(*sh));
        const char *nm = sgi_xml_attr(attrs, "name");
        const char *state = sgi_xml_attr(attrs, "state");
        const char *rid = sgi_xml_rid(attrs);
        sh->name = dup(x, nm ? nm : "?");
        sh->state = !state ? 0 : strcmp(state, "veryHidden") == 0 ? 2
                                 : strcmp(state, "hidden") == 0   ? 1
                                                                  : 0;
        const sgi_rel *rel = sgi_rels_by_id(&x->wb_rels, rid);
        sh->part = rel && !rel->external ? rel->target : NULL;
    } else if (strcmp(name, "workbookPr") == 0) {
        x->date1904 = is_true(sgi_xml_attr(attrs, "date1904"));
    } else if (strcmp(name, "definedName") == 0) {
        const char *nm = sgi_xml_attr(attrs, "name");
        w->pending.name = dup(x, nm ? nm : "?");
        w->pending.hidden = is_true(sgi_xml_attr(attrs, "hidden"));
        w->in_name = true;
        w->text.len = 0;
    }
}

static void wb_text(void *opaque, const char *s, int len)
{
    wb_parse *w = opaque;
    if (w->in_name)
        sgi_text_add(&w->text, s, (size_t)len);
}

static void wb_end(void *opaque, const char *name)
{
    wb_parse *w = opaque;
    xlsx *x = w->x;
    if (strcmp(name, "definedName") == 0 && w->in_name) {
        w->in_name = false;
        if (!sgi_grow(x->ox.ctx->mem, (void **)&x->names, &x->capnames, x->nnames + 1,
                      sizeof(xlsx_name)))
            return;
        w->pending.ref = sgi_arena_strndup(&x->ox.ctx->res->arena, w->text.p ? w->text.p : "",
                                           w->text.len);
        x->names[x->nnames++] = w->pending;
    }
}

/* ------------------------------------------------------ shared strings */

typedef struct sst_parse {
    xlsx *x;
    bool in_t, in_rph;
    bool started; /* an <si> is open */
} sst_parse;

static bool sst_put(xlsx *x, const char *s, size_t n)
{
    if (x->sst_len + n + 1 > x->ox.ctx->eng->opt_max_part) {
        sgi_xml_abort(SG_E_LIMIT, "shared strings larger than the part limit (--max-part)");
        return false;
    }
    if (!sgi_grow(x->ox.ctx->mem, (void **)&x->sst, &x->sst_cap, x->sst_len + n + 1, 1)) {
        sgi_xml_abort(SG_E_NOMEM, "out of memory");
        return false;
    }
    memcpy(x->sst + x->sst_len, s, n);
    x->sst_len += n;
    return true;
}

static void sst_start(void *opaque, const char *name, const char **attrs)
{
    (void)attrs;
    sst_parse *p = opaque;
    xlsx *x = p->x;
    if (name[0] == 't' && name[1] == '\0') {
        p->in_t = !p->in_rph;
    } else if (strcmp(name, "si") == 0) {
        if (!sgi_grow(x->ox.ctx->mem, (void **)&x->sst_off, &x->sst_capn, x->sst_n + 1,
                      sizeof(size_t))) {
            sgi_xml_abort(SG_E_NOMEM, "out of memory");
            return;
        }
        if (p->started) /* the last <si> never ended: drop its text */
            x->sst_len = x->sst_off[x->sst_n];
        x->sst_off[x->sst_n] = x->sst_len;
        p->started = true;
    } else if (strcmp(name, "rPh") == 0) {
        p->in_rph = true; /* phonetic reading: not what the cell shows */
    }
}

static void sst_text(void *opaque, const char *s, int len)
{
    sst_parse *p = opaque;
    if (p->in_t && p->started)
        sst_put(p->x, s, (size_t)len);
}

static void sst_end(void *opaque, const char *name)
{
    sst_parse *p = opaque;
    if (name[0] == 't' && name[1] == '\0') {
        p->in_t = false;
    } else if (strcmp(name, "rPh") == 0) {
        p->in_rph = false;
    } else if (strcmp(name, "si") == 0 && p->started) {
        p->started = false;
        if (sst_put(p->x, "", 1)) { /* the NUL */
            p->x->sst[p->x->sst_len - 1] = '\0';
            p->x->sst_n++;
        }
    }
}

static const char *sst_get(const xlsx *x, const char *idx, size_t *n)
{
    size_t i = 0;
    const char *d = idx;
    while (*d == ' ')
        d++;
    const char *first = d;
    for (; *d >= '0' && *d <= '9'; d++) {
        i = i * 10 + (size_t)(*d - '0');
        if (i >= x->sst_n)
            return NULL;
    }
    if (d == first)
        return NULL;
    /* each string ends with its NUL where the next begins */
    size_t next = i + 1 < x->sst_n ? x->sst_off[i + 1] : x->sst_len;
    *n = next - x->sst_off[i] - 1;
    return x->sst + x->sst_off[i];
}

/* -------------------------------------------------------------- styles */

typedef struct color {
    bool known;
    uint32_t rgb;
} color;

typedef struct font_info {
    color c;
    double sz;
} font_info;

typedef struct style_parse {
    const sgi_mem *mem;
    int section; /* 1 numFmts, 2 fonts, 3 fills, 4 cellXfs */
    /* custom number formats: id -> hidden? date? */
    struct fmt {
        unsigned id;
        bool hidden, date;
    } *fmts;
    size_t nfmts, capfmts;
    font_info *fonts;
    size_t nfonts, capfonts;
    color *fills;
    size_t nfills, capfills;
    bool fill_solid;
    struct xfraw {
        unsigned fmt, font, fill;
    } *xr;
    size_t nxr, capxr;
} style_parse;

static color parse_color(const char **attrs)
{
    color c = {false, 0};
    const char *rgb = sgi_xml_attr(attrs, "rgb");
    const char *theme = sgi_xml_attr(attrs, "theme");
    const char *idx = sgi_xml_attr(attrs, "indexed");
    const char *tint = sgi_xml_attr(attrs, "tint");
    if (tint && strtod(tint, NULL) != 0.0)
        return c; /* a shade of a theme colour: not compared */
    if (rgb && strlen(rgb) >= 6) {
        c.known = true;
        c.rgb = (uint32_t)strtoul(rgb + strlen(rgb) - 6, NULL, 16);
    } else if (theme) {
        int t = atoi(theme); /* 0 is lt1 (white), 1 dk1 (black) in every stock theme */
        if (t == 0 || t == 1) {
            c.known = true;
            c.rgb = t == 0 ? 0xFFFFFF : 0x000000;
        }
    } else if (idx) {
        int i = atoi(idx);
        if (i == 8 || i == 64 || i == 9 || i == 65) {
            c.known = true;
            c.rgb = (i == 9 || i == 65) ? 0xFFFFFF : 0x000000;
        }
    }
    return c;
}

/* A format code that hides every value: all sections empty (";;;"). */
static bool fmt_hidden(const char *code)
{
    bool semi = false;
    for (const char *p = code; *p; p++) {
        if (*p == ';')
            semi = true;
        else if (*p != ' ')
            return false;
    }
    return semi;
}

bool sgi_xlsx_fmt_date(const char *code)
{
    bool quoted = false, bracket = false;
    for (const char *p = code; *p; p++) {
        char c = *p;
        if (c == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted)
            continue;
        if (c == '\\' && p[1]) {
            p++;
            continue;
        }
        if (c == '[')
            bracket = true;
        else if (c == ']')
            bracket = false;
        else if (!bracket && ((c | 32) == 'y' || (c | 32) == 'd'))
            return true;
    }
    return false;
}

bool sgi_xlsx_builtin_date(unsigned id)
{
    return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) ||
           (id >= 50 && id <= 58);
}

static void style_start(void *opaque, const char *name, const char **attrs)
{
    style_parse *p = opaque;
    const sgi_mem *mem = p->mem;
    if (strcmp(name, "numFmts") == 0) {
        p->section = 1;
    } else if (strcmp(name, "fonts") == 0) {
        p->section = 2;
    } else if (strcmp(name, "fills") == 0) {
        p->section = 3;
    } else if (strcmp(name, "cellXfs") == 0) {
        p->section = 4;
    } else if (strcmp(name, "cellStyleXfs") == 0 || strcmp(name, "dxfs") == 0 ||
               strcmp(name, "borders") == 0 || strcmp(name, "cellStyles") == 0) {
        p->section = 0;
    } else if (p->section == 1 && strcmp(name, "numFmt") == 0) {
        const char *id = sgi_xml_attr(attrs, "numFmtId");
        const char *code = sgi_xml_attr(attrs, "formatCode");
        if (id && code && sgi_grow(mem, (void **)&p->fmts, &p->capfmts, p->nfmts + 1,
                                   sizeof(*p->fmts)))
            p->fmts[p->nfmts++] = (struct fmt){(unsigned)atoi(id), fmt_hidden(code),
                                               sgi_xlsx_fmt_date(code)};
    } else if (p->section == 2 && strcmp(name, "font") == 0) {
        if (sgi_grow(mem, (void **)&p->fonts, &p->capfonts, p->nfonts + 1, sizeof(font_info)))
            p->fonts[p->nfonts++] = (font_info){{true, 0x000000}, 11.0};
    } else if (p->section == 2 && p->nfonts && strcmp(name, "color") == 0) {
        p->fonts[p->nfonts - 1].c = parse_color(attrs);
    } else if (p->section == 2 && p->nfonts && strcmp(name, "sz") == 0) {
        const char *v = sgi_xml_attr(attrs, "val");
        if (v)
            p->fonts[p->nfonts - 1].sz = strtod(v, NULL);
    } else if (p->section == 3 && strcmp(name, "fill") == 0) {
        if (sgi_grow(mem, (void **)&p->fills, &p->capfills, p->nfills + 1, sizeof(color)))
            p->fills[p->nfills++] = (color){true, 0xFFFFFF}; /* the page shows through */
        p->fill_solid = false;
    } else if (p->section == 3 && p->nfills && strcmp(name, "patternFill") == 0) {
        const char *t = sgi_xml_attr(attrs, "patternType");
        p->fill_solid = t && strcmp(t, "solid") == 0;
        if (t && strcmp(t, "none") != 0 && !p->fill_solid)
            p->fills[p->nfills - 1].known = false; /* a pattern: not one colour */
    } else if (p->section == 3 && p->nfills && p->fill_solid && strcmp(name, "fgColor") == 0) {
        p->fills[p->nfills - 1] = parse_color(attrs);
    } else if (p->section == 3 && p->nfills && strcmp(name, "gradientFill") == 0) {
        p->fills[p->nfills - 1].known = false;
    } else if (p->section == 4 && strcmp(name, "xf") == 0) {
        const char *f = sgi_xml_attr(attrs, "numFmtId"), *fo = sgi_xml_attr(attrs, "fontId"),
                   *fi = sgi_xml_attr(attrs, "fillId");
        if (sgi_grow(mem, (void **)&p->xr, &p->capxr, p->nxr + 1, sizeof(*p->xr)))
            p->xr[p->nxr++] = (struct xfraw){f ? (unsigned)atoi(f) : 0,
                                             fo ? (unsigned)atoi(fo) : 0,
                                             fi ? (unsigned)atoi(fi) : 0};
    }
}

/* The cell formats of a styles part, in order: a date? invisible? */
static xf_info *styles_of(style_parse *p, size_t *count)
{
    xf_info *xfs = sgi_calloc(p->mem, p->nxr ? p->nxr : 1, sizeof(xf_info));
    *count = 0;
    if (xfs) {
        *count = p->nxr;
        for (size_t k = 0; k < p->nxr; k++) {
            bool date = sgi_xlsx_builtin_date(p->xr[k].fmt), hidden = false;
            for (size_t j = 0; j < p->nfmts; j++)
                if (p->fmts[j].id == p->xr[k].fmt) {
                    date = p->fmts[j].date;
                    hidden = p->fmts[j].hidden;
                }
            bool invisible = hidden;
            if (p->xr[k].font < p->nfonts) {
                const font_info *fo = &p->fonts[p->xr[k].font];
                color bg = p->xr[k].fill < p->nfills ? p->fills[p->xr[k].fill]
                                                     : (color){true, 0xFFFFFF};
                if (fo->c.known && bg.known && fo->c.rgb == bg.rgb)
                    invisible = true;
                if (fo->sz > 0 && fo->sz < 2.0)
                    invisible = true;
            }
            xfs[k] = (xf_info){date, invisible};
        }
    }
    sgi_free(p->mem, p->fmts);
    sgi_free(p->mem, p->fonts);
    sgi_free(p->mem, p->fills);
    sgi_free(p->mem, p->xr);
    return xfs;
}

sgi_xlsx_style *sgi_xlsx_styles(const sgi_mem *mem, const char *xml, size_t n, size_t *count)
{
    style_parse p;
    memset(&p, 0, sizeof(p));
    p.mem = mem;
    static const sgi_xml_handlers h = {style_start, NULL, NULL};
    char err[200];
    *count = 0;
    if (xml && n)
        sgi_xml_buffer(xml, n, &h, &p, err, sizeof(err));
    return styles_of(&p, count);
}

static void read_styles(xlsx *x, const char *part)
{
    long long i = part ? sgi_zip_find(&x->ox.zip, part) : -1;
    if (i < 0)
        i = sgi_zip_find(&x->ox.zip, "xl/styles.xml");
    if (i < 0)
        return;
    style_parse p;
    memset(&p, 0, sizeof(p));
    p.mem = x->ox.ctx->mem;
    static const sgi_xml_handlers h = {style_start, NULL, NULL};
    sgi_xml_member(&x->ox.zip, (size_t)i, &h, &p);
    x->xfs = styles_of(&p, &x->nxf);
}

/* Excel's serial day number as an ISO date (1900 or 1904 system). */
bool sgi_xlsx_serial_date(double v, bool d1904, char *out, size_t n)
{
    if (v < 1 || v > 2958465)
        return false;
    long days = (long)v;
    /* days since 1970-01-01 */
    /* 1904: serial 0 is 1904-01-01, 24107 days before 1970; 1900: serial
     * 1 is 1900-01-01, and Excel counts a 29 February 1900 (60) */
    long z = d1904 ? days - 24107 : (days < 61 ? days + 1 : days) - 25569;
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    if (n < 11 || y < 0 || y > 9999)
        return false;
    /* by hand: snprintf was 4% of a sheet with a date on every row */
    for (int i = 3; i >= 0; i--, y /= 10)
        out[i] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
    return true;
}

/* --------------------------------------------------------------- sheets */

typedef struct range {
    unsigned long long first, last, cells;
} range;

typedef struct sheet_parse {
    xlsx *x;
    xlsx_sheet *sh;
    unsigned flags;
    const char *reason;
    bool in_data, in_c, in_v, in_t, in_f, in_is, in_rph;
    unsigned long long row, row_cells;
    bool row_hidden;
    uint32_t col;
    char t; /* s, n, b, e, d, i (inline), f (formula string) */
    int style;
    sgi_text val, fml;
    range *hcols; /* hidden columns (0-based, inclusive) */
    size_t nhcols, caphcols;
    range *hrows; /* hidden rows holding data */
    size_t nhrows, caphrows;
    bool has_filter;
    unsigned long long f_r1, f_r2;
    unsigned long long invisible;
    char examples[80];
    sg_status st;
} sheet_parse;

static void add_range(const sgi_mem *mem, range **v, size_t *n, size_t *cap,
                      unsigned long long at, unsigned long long cells)
{
    if (*n && at <= (*v)[*n - 1].last + 1 && at >= (*v)[*n - 1].first) {
        if (at > (*v)[*n - 1].last)
            (*v)[*n - 1].last = at;
        (*v)[*n - 1].cells += cells;
        return;
    }
    if (*n >= 4096) { /* enough to tell: join into the last */
        (*v)[*n - 1].last = at;
        (*v)[*n - 1].cells += cells;
        return;
    }
    if (!sgi_grow(mem, (void **)v, cap, *n + 1, sizeof(range)))
        return;
    (*v)[(*n)++] = (range){at, at, cells};
}

static void end_row(sheet_parse *p)
{
    if (p->row_hidden && p->row_cells)
        add_range(p->x->ox.ctx->mem, &p->hrows, &p->nhrows, &p->caphrows, p->row, p->row_cells);
    p->row_cells = 0;
}

static range *hidden_col(sheet_parse *p, uint32_t col)
{
    for (size_t i = 0; i < p->nhcols; i++)
        if (col >= p->hcols[i].first && col <= p->hcols[i].last)
            return &p->hcols[i];
    return NULL;
}

static void sheet_start(void *opaque, const char *name, const char **attrs)
{
    sheet_parse *p = opaque;
    if (name[0] == 'c' && name[1] == '\0' && p->in_data) {
        /* a cell: the commonest element by far, its attributes in one pass */
        const char *r = NULL, *t = NULL, *s = NULL;
        for (size_t i = 0; attrs[i]; i += 2) {
            const char *a = sgi_xml_local(attrs[i]);
            if (a[0] && !a[1]) {
                if (a[0] == 'r')
                    r = attrs[i + 1];
                else if (a[0] == 't')
                    t = attrs[i + 1];
                else if (a[0] == 's')
                    s = attrs[i + 1];
            }
        }
        uint32_t col;
        unsigned long long row;
        if (r && parse_ref(r, &col, &row)) {
            p->col = col;
        } else {
            p->col = p->in_c ? p->col : p->col + 1;
        }
        p->t = !t                               ? 'n'
               : strcmp(t, "s") == 0           ? 's'
               : strcmp(t, "inlineStr") == 0   ? 'i'
               : strcmp(t, "str") == 0         ? 'f'
               : strcmp(t, "b") == 0           ? 'b'
               : strcmp(t, "e") == 0           ? 'e'
               : strcmp(t, "d") == 0           ? 'd'
                                               : 'n';
        p->style = s ? atoi(s) : 0;
        p->in_c = true;
        p->val.len = 0;
        p->fml.len = 0;
    } else if (strcmp(name, "row") == 0 && p->in_data) {
        end_row(p);
        const char *r = sgi_xml_attr(attrs, "r");
        unsigned long long row = r ? strtoull(r, NULL, 10) : p->row + 1;
        p->row = row > 0 && row <= MAX_SHEET_ROWS ? row : p->row + 1;
        const char *ht = sgi_xml_attr(attrs, "ht");
        p->row_hidden = is_true(sgi_xml_attr(attrs, "hidden")) ||
                        (ht && strtod(ht, NULL) == 0.0 &&
                         is_true(sgi_xml_attr(attrs, "customHeight")));
        p->col = (uint32_t)-1;
    } else if (p->in_c && strcmp(name, "v") == 0) {
        p->in_v = true;
    } else if (p->in_c && strcmp(name, "f") == 0) {
        p->in_f = true;
    } else if (p->in_c && strcmp(name, "is") == 0) {
        p->in_is = true;
    } else if (p->in_is && strcmp(name, "rPh") == 0) {
        p->in_rph = true;
    } else if (p->in_is && strcmp(name, "t") == 0 && !p->in_rph) {
        p->in_t = true;
    } else if (strcmp(name, "sheetData") == 0) {
        p->in_data = true;
        p->row = 0;
    } else if (strcmp(name, "col") == 0) {
        const char *mn = sgi_xml_attr(attrs, "min"), *mx = sgi_xml_attr(attrs, "max");
        const char *w = sgi_xml_attr(attrs, "width");
        bool hidden = is_true(sgi_xml_attr(attrs, "hidden")) ||
                      (w && strtod(w, NULL) == 0.0 && is_true(sgi_xml_attr(attrs, "customWidth")));
        if (hidden && mn && mx) {
            unsigned long a = strtoul(mn, NULL, 10), b = strtoul(mx, NULL, 10);
            if (a >= 1 && b >= a && b <= MAX_SHEET_COLS &&
                sgi_grow(p->x->ox.ctx->mem, (void **)&p->hcols, &p->caphcols, p->nhcols + 1,
                         sizeof(range)))
                p->hcols[p->nhcols++] = (range){a - 1, b - 1, 0};
        }
    } else if (strcmp(name, "autoFilter") == 0) {
        const char *ref = sgi_xml_attr(attrs, "ref");
        const char *colon = ref ? strchr(ref, ':') : NULL;
        uint32_t c1, c2;
        unsigned long long r1, r2;
        if (ref && colon && parse_ref(ref, &c1, &r1) && parse_ref(colon + 1, &c2, &r2)) {
            p->has_filter = true;
            p->f_r1 = r1;
            p->f_r2 = r2;
        }
    }
}

static void sheet_text(void *opaque, const char *s, int len)
{
    sheet_parse *p = opaque;
    if (p->in_v || p->in_t)
        sgi_text_add(&p->val, s, (size_t)len);
    else if (p->in_f)
        sgi_text_add(&p->fml, s, (size_t)len);
}

/* Does formula f read sheet name (quoted or not)? */
static bool reads_sheet(const char *f, const char *name)
{
    char q[300];
    size_t k = 0;
    q[k++] = '\'';
    for (const char *c = name; *c && k + 4 < sizeof(q); c++) {
        if (*c == '\'')
            q[k++] = '\'';
        q[k++] = *c;
    }
    q[k++] = '\'';
    q[k++] = '!';
    q[k] = '\0';
    if (strstr(f, q))
        return true;
    size_t nl = strlen(name);
    for (const char *h = strstr(f, name); h; h = strstr(h + 1, name)) {
        bool left = h == f || !(((h[-1] | 32) >= 'a' && (h[-1] | 32) <= 'z') ||
                                (h[-1] >= '0' && h[-1] <= '9') || h[-1] == '_' ||
                                h[-1] == '.' || h[-1] == '\'');
        if (left && h[nl] == '!')
            return true;
    }
    return false;
}

static void formula_refs(sheet_parse *p, const char *f)
{
    xlsx *x = p->x;
    if (!strchr(f, '!'))
        return;
    char at[96];
    char letter[16];
    sgi_column_letter((long long)p->col + 1, letter);
    snprintf(at, sizeof(at), "%s!%s%llu", p->sh->name, letter, p->row);
    for (size_t i = 0; i < x->nsheets; i++) {
        xlsx_sheet *h = &x->sheets[i];
        if (h == p->sh || h->state == 0 || !reads_sheet(f, h->name))
            continue;
        if (h->refs++ == 0)
            snprintf(h->first_ref, sizeof(h->first_ref), "%s", at);
    }
    if (strchr(f, '[') && x->ext_refs++ == 0)
        snprintf(x->first_ext_ref, sizeof(x->first_ext_ref), "%s", at);
}

/* A date cell's serial number: whole days are all that is shown, and
 * nearly every writer puts plain digits there (strtod was 1% of a sheet
 * with a date a row); anything else goes to strtod. */
static double serial_of(const char *v)
{
    unsigned long long d = 0;
    const char *c = v;
    for (; *c >= '0' && *c <= '9' && c - v < 9; c++)
        d = d * 10 + (unsigned long long)(*c - '0');
    if (c > v && *c == '\0')
        return (double)d;
    /* the fraction (a time of day) is not shown, and changes nothing but
     * at the last day Excel has */
    if (c > v && *c == '.' && d != 2958465 && c[1] >= '0' && c[1] <= '9' &&
        strspn(c + 1, "0123456789") == strlen(c + 1))
        return (double)d;
    return strtod(v, NULL);
}

static void cell_end(sheet_parse *p, xlsx *x)
{
    if (!p->in_c)
        return;
    p->in_c = false;
    if (p->fml.len && p->sh->state == 0)
        formula_refs(p, p->fml.p);
    if (!p->val.len || p->t == 'b' || p->t == 'e')
        return;
    const char *text = p->val.p;
    size_t n = p->val.len;
    char date[48];
    if (p->t == 's') {
        text = sst_get(x, p->val.p, &n);
        if (!text)
            return;
    } else if (p->t == 'n' && p->style >= 0 && (size_t)p->style < x->nxf &&
               x->xfs[p->style].date) {
        if (sgi_xlsx_serial_date(serial_of(p->val.p), x->date1904, date, sizeof(date))) {
            text = date;
            n = strlen(date);
        }
    }
    if (n == 0)
        return;
    p->sh->cells++;
    p->row_cells++;
    unsigned flags = p->flags;
    const char *reason = p->reason;
    range *hc = hidden_col(p, p->col);
    bool invisible = p->style >= 0 && (size_t)p->style < x->nxf && x->xfs[p->style].invisible;
    if (invisible) {
        if (p->invisible++ < 4) {
            char letter[16], ref[32];
            sgi_column_letter((long long)p->col + 1, letter);
            snprintf(ref, sizeof(ref), "%s%s%llu", p->examples[0] ? ", " : "", letter,
                     p->row);
            strncat(p->examples, ref, sizeof(p->examples) - strlen(p->examples) - 1);
        }
    }
    if (hc)
        hc->cells++;
    if (!flags) {
        if (p->row_hidden) {
            flags = SGI_F_HIDDEN;
            reason = "hidden row";
        } else if (hc) {
            flags = SGI_F_HIDDEN;
            reason = "hidden column";
        } else if (invisible) {
            flags = SGI_F_HIDDEN;
            reason = "invisible format";
        }
    }
    sg_status st = sgi_cells_add(&x->ox.cells, p->row, p->col, text, n, flags, reason);
    if (st != SG_OK && p->st == SG_OK) {
        p->st = st;
        sgi_xml_abort(st, sg_strerror(st));
    }

}

static void sheet_end(void *opaque, const char *name)
{
    sheet_parse *p = opaque;
    xlsx *x = p->x;
    if (name[0] == 'c' && name[1] == '\0') {
        cell_end(p, x);
    } else if (strcmp(name, "v") == 0) {
        p->in_v = false;
    } else if (strcmp(name, "f") == 0) {
        p->in_f = false;
    } else if (strcmp(name, "t") == 0) {
        p->in_t = false;
    } else if (strcmp(name, "rPh") == 0) {
        p->in_rph = false;
    } else if (strcmp(name, "is") == 0) {
        p->in_is = false;
    } else if (strcmp(name, "sheetData") == 0) {
        end_row(p);
        p->in_data = false;
    }
}

static void describe_ranges(char *out, size_t n, const range *v, size_t nv, bool cols,
                            unsigned long long from, unsigned long long to,
                            unsigned long long *cells)
{
    size_t o = 0, shown = 0, more = 0;
    *cells = 0;
    out[0] = '\0';
    for (size_t i = 0; i < nv; i++) {
        if (v[i].cells == 0 || v[i].last < from || v[i].first > to)
            continue;
        *cells += v[i].cells;
        if (shown == 6 || o + 40 > n) {
            more++;
            continue;
        }
        char a[16], b[16];
        if (cols) {
            sgi_column_letter((long long)v[i].first + 1, a);
            sgi_column_letter((long long)v[i].last + 1, b);
        } else {
            snprintf(a, sizeof(a), "%llu", v[i].first);
            snprintf(b, sizeof(b), "%llu", v[i].last);
        }
        o += (size_t)snprintf(out + o, n - o, "%s%s%s%s", shown ? ", " : "", a,
                              v[i].first == v[i].last ? "" : "-",
                              v[i].first == v[i].last ? "" : b);
        shown++;
    }
    if (more && o + 24 < n)
        snprintf(out + o, n - o, " and %zu more", more);
}

typedef struct filt {
    unsigned long long r1, r2;
} filt;

static bool in_filter(void *opaque, const sg_finding *f)
{
    const filt *fl = opaque;
    return f->hidden_reason && strcmp(f->hidden_reason, "hidden row") == 0 &&
           (unsigned long long)f->location.row > fl->r1 &&
           (unsigned long long)f->location.row <= fl->r2;
}

static void sheet_summary(sheet_parse *p)
{
    xlsx *x = p->x;
    sgi_ooxml *ox = &x->ox;
    sg_location loc = {0};
    loc.part = p->sh->part;
    loc.sheet = p->sh->name;
    char where[300], v[700]; /* two descriptions and words */
    unsigned long long cells;
    if (p->nhrows) {
        unsigned long long r1 = p->has_filter ? p->f_r1 : 0, r2 = p->has_filter ? p->f_r2 : 0;
        if (p->has_filter) {
            filt fl = {r1, r2};
            sgi_cells_retag(&ox->cells, in_filter, &fl, SGI_F_HIDDEN, "filtered row");
            describe_ranges(where, sizeof(where), p->hrows, p->nhrows, false, r1 + 1, r2,
                            &cells);
            if (cells) {
                snprintf(v, sizeof(v), "rows %s filtered out (%llu cells)", where, cells);
                sgi_ooxml_hidden(ox, SGI_R_HIDDEN_FILTERED_ROWS, NULL, v, NULL, v, &loc);
            }
        }
        /* hidden rows outside any filter */
        unsigned long long c1 = 0, c2 = 0;
        char w1[300] = "", w2[300] = "";
        if (p->has_filter) {
            describe_ranges(w1, sizeof(w1), p->hrows, p->nhrows, false, 0, r1, &c1);
            describe_ranges(w2, sizeof(w2), p->hrows, p->nhrows, false, r2 + 1, ~0ULL, &c2);
        } else {
            describe_ranges(w1, sizeof(w1), p->hrows, p->nhrows, false, 0, ~0ULL, &c1);
        }
        if (c1 + c2) {
            snprintf(v, sizeof(v), "rows %s%s%s hidden (%llu cells)", w1, c1 && c2 ? ", " : "",
                     w2, c1 + c2);
            sgi_ooxml_hidden(ox, SGI_R_HIDDEN_ROWS, NULL, v, NULL, v, &loc);
        }
    }
    describe_ranges(where, sizeof(where), p->hcols, p->nhcols, true, 0, ~0ULL, &cells);
    if (cells) {
        snprintf(v, sizeof(v), "columns %s hidden (%llu cells)", where, cells);
        sgi_ooxml_hidden(ox, SGI_R_HIDDEN_COLUMNS, NULL, v, NULL, v, &loc);
    }
    if (p->invisible) {
        snprintf(v, sizeof(v), "%llu invisible cells (%s%s)", p->invisible, p->examples,
                 p->invisible > 4 ? ", ..." : "");
        sgi_ooxml_hidden(ox, SGI_R_HIDDEN_INVISIBLE_FORMAT, NULL, v, NULL,
                         "cells whose format hides them: ;;; number format, font colour "
                         "equal to the fill, or a tiny font",
                         &loc);
    }
}

/* ------------------------------------------------------------ comments */

typedef struct comment_parse {
    xlsx *x;
    xlsx_sheet *sh;
    const char *part;
    const char **authors;
    size_t nauthors, capauthors;
    sgi_text text;
    bool in_author, in_text, in_t;
    const char *ref;
    long author;
    unsigned long long n;
    /* threaded: persons */
    const char *const *person_ids;
    const char *const *person_names;
    size_t npersons;
    const char *person;
} comment_parse;

static void comment_report(comment_parse *c, const char *author)
{
    xlsx *x = c->x;
    sgi_arena *ar = &x->ox.ctx->res->arena;
    uint32_t col = 0;
    unsigned long long row = 0;
    if (!c->ref || !parse_ref(c->ref, &col, &row))
        row = 0;
    const char *body = c->text.p ? c->text.p : "";
    /* Excel's mirror of a threaded comment: reported with the thread */
    if (strncmp(body, "[Threaded comment]", 18) == 0)
        return;
    c->n++;
    sg_location loc = {0};
    loc.offset = -1;
    loc.part = c->part;
    loc.sheet = c->sh ? c->sh->name : NULL;
    loc.cell = c->ref ? sgi_arena_strndup(ar, c->ref, strlen(c->ref)) : NULL;
    if (row) {
        loc.row = (long long)row;
        loc.column_index = col + 1;
    }
    const char *who = author && *author ? author : "unknown author";
    char *v = sgi_arena_printf(ar, "comment by %s: %.300s", who, body);
    char *wm = sgi_mask_name(ar, who);
    char *m = sgi_arena_printf(ar, "comment by %s (%zu characters)", wm ? wm : "?",
                               strlen(body));
    if (v)
        sgi_ooxml_hidden(&x->ox, SGI_R_HIDDEN_COMMENT, NULL, v, m, NULL, &loc);
    if (row) {
        sgi_cells_add(&x->ox.cells, row, col, body, strlen(body), SGI_F_HIDDEN, "comment");
        sgi_cells_add(&x->ox.cells, row, col, who, strlen(who), SGI_F_HIDDEN | SGI_F_META,
                      "comment author");
    }
}

static void cm_start(void *opaque, const char *name, const char **attrs)
{
    comment_parse *c = opaque;
    if (strcmp(name, "author") == 0) {
        c->in_author = true;
        c->text.len = 0;
    } else if (strcmp(name, "comment") == 0 || strcmp(name, "threadedComment") == 0) {
        const char *ref = sgi_xml_attr(attrs, "ref");
        c->ref = ref ? sgi_arena_strndup(&c->x->ox.ctx->res->arena, ref, strlen(ref)) : NULL;
        const char *a = sgi_xml_attr(attrs, "authorId");
        c->author = a ? atol(a) : -1;
        c->person = NULL;
        const char *pid = sgi_xml_attr(attrs, "personId");
        for (size_t i = 0; pid && i < c->npersons; i++)
            if (strcmp(c->person_ids[i], pid) == 0)
                c->person = c->person_names[i];
        c->text.len = 0;
        c->in_text = true;
    } else if (c->in_text && strcmp(name, "t") == 0) {
        c->in_t = true;
    } else if (c->in_text && strcmp(name, "text") == 0 && !c->person_ids) {
        /* legacy comments keep text in runs: <t> */
    } else if (c->in_text && strcmp(name, "text") == 0) {
        c->in_t = true; /* threaded: text is the element's own */
    }
}

static void cm_text(void *opaque, const char *s, int len)
{
    comment_parse *c = opaque;
    if (c->in_author || c->in_t)
        sgi_text_add(&c->text, s, (size_t)len);
}

static void cm_end(void *opaque, const char *name)
{
    comment_parse *c = opaque;
    if (strcmp(name, "author") == 0 && c->in_author) {
        c->in_author = false;
        if (sgi_grow(c->x->ox.ctx->mem, (void **)&c->authors, &c->capauthors, c->nauthors + 1,
                     sizeof(char *)))
            c->authors[c->nauthors++] = sgi_arena_strndup(
                &c->x->ox.ctx->res->arena, c->text.p ? c->text.p : "", c->text.len);
    } else if (strcmp(name, "t") == 0 || (strcmp(name, "text") == 0 && c->person_ids)) {
        c->in_t = false;
    } else if (strcmp(name, "comment") == 0 || strcmp(name, "threadedComment") == 0) {
        c->in_text = false;
        const char *author = c->person;
        if (!author && c->author >= 0 && (size_t)c->author < c->nauthors)
            author = c->authors[c->author];
        comment_report(c, author);
    }
}

typedef struct persons {
    xlsx *x;
    const char **ids, **names;
    size_t n, cap, capn;
} persons;

static void person_start(void *opaque, const char *name, const char **attrs)
{
    persons *p = opaque;
    if (strcmp(name, "person") != 0)
        return;
    const char *id = sgi_xml_attr(attrs, "id"), *dn = sgi_xml_attr(attrs, "displayName");
    if (!id || !dn)
        return;
    size_t cap1 = p->cap, cap2 = p->capn;
    if (!sgi_grow(p->x->ox.ctx->mem, (void **)&p->ids, &cap1, p->n + 1, sizeof(char *)) ||
        !sgi_grow(p->x->ox.ctx->mem, (void **)&p->names, &cap2, p->n + 1, sizeof(char *)))
        return;
    p->cap = cap1;
    p->capn = cap2;
    p->ids[p->n] = dup(p->x, id);
    p->names[p->n] = dup(p->x, dn);
    p->n++;
}

static void read_comments(xlsx *x, xlsx_sheet *sh, const sgi_rels *srels, const persons *pe)
{
    static const sgi_xml_handlers h = {cm_start, cm_end, cm_text};
    static const char *const types[] = {"comments", "threadedComment"};
    for (int t = 0; t < 2; t++) {
        size_t from = 0;
        const sgi_rel *rel;
        while ((rel = sgi_rels_by_type(srels, types[t], &from)) != NULL) {
            long long i = rel->external ? -1 : sgi_zip_find(&x->ox.zip, rel->target);
            if (i < 0)
                continue;
            comment_parse c;
            memset(&c, 0, sizeof(c));
            c.x = x;
            c.sh = sh;
            c.part = rel->target;
            if (t == 1) {
                c.person_ids = pe->ids;
                c.person_names = pe->names;
                c.npersons = pe->n;
                if (!pe->n) { /* no persons part: still a threaded comment */
                    static const char *const none = "";
                    c.person_ids = &none;
                }
            }
            sgi_text_init(&c.text, x->ox.ctx->mem, 64 * 1024);
            sgi_cells_begin(&x->ox.cells, SGI_CELLS_CELLS, rel->target, sh->name, 0, NULL);
            sgi_xml_member(&x->ox.zip, (size_t)i, &h, &c);
            sgi_cells_end(&x->ox.cells, false);
            sgi_text_free(&c.text);
            sgi_free(x->ox.ctx->mem, c.authors);
            x->ox.zip.status = SG_OK;
        }
    }
}

static void read_sheet(xlsx *x, xlsx_sheet *sh, const persons *pe)
{
    if (!sh->part)
        return;
    long long i = sgi_zip_find(&x->ox.zip, sh->part);
    if (i < 0)
        return;
    sheet_parse p;
    memset(&p, 0, sizeof(p));
    p.x = x;
    p.sh = sh;
    if (sh->state) {
        p.flags = SGI_F_HIDDEN;
        p.reason = sh->state == 2 ? "very hidden sheet" : "hidden sheet";
    }
    sgi_text_init(&p.val, x->ox.ctx->mem, x->ox.ctx->eng->opt_max_record);
    sgi_text_init(&p.fml, x->ox.ctx->mem, 64 * 1024);
    sgi_cells_begin(&x->ox.cells, SGI_CELLS_TABLE, sh->part, sh->name, p.flags, p.reason);
    static const sgi_xml_handlers h = {sheet_start, sheet_end, sheet_text};
    sg_status st = sgi_xml_member_fast(&x->ox.zip, (size_t)i, &h, &p);
    end_row(&p);
    sg_status st2 = sgi_cells_end(&x->ox.cells, sh->state == 0);
    if (st == SG_OK && st2 != SG_OK)
        sgi_ctx_error(x->ox.ctx, st2, "%s", sg_strerror(st2));
    sheet_summary(&p);
    sgi_text_free(&p.val);
    sgi_text_free(&p.fml);
    sgi_free(x->ox.ctx->mem, p.hcols);
    sgi_free(x->ox.ctx->mem, p.hrows);
    if (st != SG_OK) {
        /* a damaged sheet: the rest of the workbook is still read */
        sgi_ctx_error(x->ox.ctx, st, "%s", x->ox.zip.error);
        x->ox.zip.status = SG_OK;
    }
    sgi_rels srels;
    if (sgi_ooxml_rels(&x->ox, sh->part, &srels) == SG_OK) {
        read_comments(x, sh, &srels, pe);
    }
    sgi_ooxml_rels_free(&x->ox, &srels);
}

static void report_sheets(xlsx *x)
{
    for (size_t i = 0; i < x->nsheets; i++) {
        const xlsx_sheet *sh = &x->sheets[i];
        if (!sh->state)
            continue;
        char msg[400];
        int o = snprintf(msg, sizeof(msg), "%s sheet \"%s\" holds %llu non-empty cells",
                         sh->state == 2 ? "very hidden" : "hidden", sh->name, sh->cells);
        if (sh->refs && o > 0 && (size_t)o < sizeof(msg))
            snprintf(msg + o, sizeof(msg) - (size_t)o,
                     "; %llu formula%s on visible sheets read it (first: %s)", sh->refs,
                     sh->refs == 1 ? "" : "s", sh->first_ref);
        sg_location loc = {0};
        loc.sheet = sh->name;
        sgi_ooxml_hidden(&x->ox, sh->state == 2 ? SGI_R_HIDDEN_SHEET_VERY : SGI_R_HIDDEN_SHEET,
                         sh->part, msg, NULL, msg, &loc);
    }
}

static void report_names(xlsx *x)
{
    for (size_t i = 0; i < x->nnames; i++) {
        const xlsx_name *nm = &x->names[i];
        const char *hidden_sheet = NULL;
        for (size_t k = 0; k < x->nsheets; k++)
            if (x->sheets[k].state && reads_sheet(nm->ref, x->sheets[k].name))
                hidden_sheet = x->sheets[k].name;
        if (!nm->hidden && !hidden_sheet)
            continue;
        char v[400], msg[500];
        snprintf(v, sizeof(v), "%s = %.300s", nm->name, nm->ref);
        if (hidden_sheet)
            snprintf(msg, sizeof(msg), "%sdefined name \"%s\" refers to hidden sheet \"%s\"",
                     nm->hidden ? "hidden " : "", nm->name, hidden_sheet);
        else
            snprintf(msg, sizeof(msg), "hidden defined name \"%s\"", nm->name);
        sgi_ooxml_hidden(&x->ox, SGI_R_HIDDEN_DEFINED_NAME, x->wb_part, v, NULL, msg, NULL);
    }
}

/* --------------------------------------------------------- pivot caches */

typedef struct pivot_field {
    const char *name;
    const char **items; /* shared items as text */
    size_t n, cap;
} pivot_field;

typedef struct pivot_parse {
    xlsx *x;
    pivot_field *f;
    size_t nf, capf;
    bool in_shared;
    unsigned long long records; /* records part: count */
    size_t field;               /* records: the field of the next value */
    size_t arena_bytes;
    const char *part;
} pivot_parse;

static void pd_start(void *opaque, const char *name, const char **attrs)
{
    pivot_parse *p = opaque;
    xlsx *x = p->x;
    if (strcmp(name, "cacheField") == 0) {
        if (!sgi_grow(x->ox.ctx->mem, (void **)&p->f, &p->capf, p->nf + 1, sizeof(pivot_field)))
            return;
        pivot_field *f = &p->f[p->nf++];
        memset(f, 0, sizeof(*f));
        const char *nm = sgi_xml_attr(attrs, "name");
        f->name = dup(x, nm ? nm : "?");
    } else if (strcmp(name, "sharedItems") == 0) {
        p->in_shared = true;
    } else if (p->in_shared && p->nf &&
               (strcmp(name, "s") == 0 || strcmp(name, "n") == 0 || strcmp(name, "d") == 0 ||
                strcmp(name, "b") == 0 || strcmp(name, "e") == 0 || strcmp(name, "m") == 0)) {
        pivot_field *f = &p->f[p->nf - 1];
        const char *v = sgi_xml_attr(attrs, "v");
        if (!v || name[0] == 'm' || name[0] == 'b' || name[0] == 'e')
            v = "";
        size_t vl = strlen(v);
        p->arena_bytes += vl + 1;
        if (p->arena_bytes > x->ox.ctx->eng->opt_max_part) {
            sgi_xml_abort(SG_E_LIMIT, "pivot cache larger than the part limit (--max-part)");
            return;
        }
        if (!sgi_grow(x->ox.ctx->mem, (void **)&f->items, &f->cap, f->n + 1, sizeof(char *))) {
            sgi_xml_abort(SG_E_NOMEM, "out of memory");
            return;
        }
        /* dates as ISO days: 1980-05-06T00:00:00 */
        if (name[0] == 'd' && vl > 10)
            vl = 10;
        f->items[f->n++] = sgi_arena_strndup(&x->ox.ctx->res->arena, v, vl);
    }
}

static void pd_end(void *opaque, const char *name)
{
    pivot_parse *p = opaque;
    if (strcmp(name, "sharedItems") == 0)
        p->in_shared = false;
}

static void pr_value(pivot_parse *p, const char *v, size_t n)
{
    if (p->field < p->nf && n)
        sgi_cells_add(&p->x->ox.cells, p->records, (uint32_t)p->field, v, n, SGI_F_HIDDEN,
                      "pivot cache");
    p->field++;
}

static void pr_start(void *opaque, const char *name, const char **attrs)
{
    pivot_parse *p = opaque;
    if (strcmp(name, "r") == 0) {
        p->records++;
        p->field = 0;
        return;
    }
    if (!p->records)
        return;
    const char *v = sgi_xml_attr(attrs, "v");
    if (strcmp(name, "x") == 0) {
        unsigned long k = v ? strtoul(v, NULL, 10) : 0;
        if (p->field < p->nf && k < p->f[p->field].n) {
            const char *s = p->f[p->field].items[k];
            pr_value(p, s, strlen(s));
        } else {
            p->field++;
        }
    } else if (strcmp(name, "s") == 0 || strcmp(name, "n") == 0 || strcmp(name, "d") == 0) {
        size_t n = v ? strlen(v) : 0;
        if (name[0] == 'd' && n > 10)
            n = 10;
        pr_value(p, v ? v : "", n);
    } else if (strcmp(name, "m") == 0 || strcmp(name, "b") == 0 || strcmp(name, "e") == 0) {
        p->field++;
    }
}

static void read_pivot(xlsx *x, size_t i, const char *part)
{
    pivot_parse p;
    memset(&p, 0, sizeof(p));
    p.x = x;
    p.part = part;
    static const sgi_xml_handlers hd = {pd_start, pd_end, NULL};
    sgi_xml_member(&x->ox.zip, i, &hd, &p);
    x->ox.zip.status = SG_OK;
    const char **names = sgi_arena_alloc(&x->ox.ctx->res->arena, (p.nf + 1) * sizeof(char *));
    if (!names)
        goto out;
    for (size_t k = 0; k < p.nf; k++)
        names[k] = p.f[k].name;

    /* the records, from the definition's relationship */
    sgi_rels rels;
    const char *records_part = NULL;
    if (sgi_ooxml_rels(&x->ox, part, &rels) == SG_OK) {
        const sgi_rel *rel = sgi_rels_by_type(&rels, "pivotCacheRecords", NULL);
        if (rel && !rel->external)
            records_part = rel->target;
    }
    long long ri = records_part ? sgi_zip_find(&x->ox.zip, records_part) : -1;
    if (ri >= 0) {
        sgi_cells_begin(&x->ox.cells, SGI_CELLS_TABLE, records_part, NULL, SGI_F_HIDDEN,
                        "pivot cache");
        sgi_cells_headers(&x->ox.cells, names, p.nf);
        static const sgi_xml_handlers hr = {pr_start, NULL, NULL};
        sgi_xml_member(&x->ox.zip, (size_t)ri, &hr, &p);
        x->ox.zip.status = SG_OK;
        sgi_cells_end(&x->ox.cells, false);
    } else {
        /* no records kept: the distinct values still are (columns of
         * distinct values are not records: no table of people) */
        sgi_cells_begin(&x->ox.cells, SGI_CELLS_CELLS, part, NULL, 0, NULL);
        for (size_t k = 0; k < p.nf; k++)
            for (size_t j = 0; j < p.f[k].n; j++)
                sgi_cells_add(&x->ox.cells, j + 1, (uint32_t)k, p.f[k].items[j],
                              strlen(p.f[k].items[j]), SGI_F_HIDDEN, "pivot cache");
        sgi_cells_end(&x->ox.cells, false);
    }
    sgi_ooxml_rels_free(&x->ox, &rels);

    char v[600];
    int o = snprintf(v, sizeof(v), "pivot cache: %llu records; fields: ", p.records);
    for (size_t k = 0; k < p.nf && o > 0 && (size_t)o < sizeof(v) - 40; k++)
        o += snprintf(v + o, sizeof(v) - (size_t)o, "%s%s", k ? ", " : "", p.f[k].name);
    char msg[700];
    snprintf(msg, sizeof(msg),
             "a pivot cache keeps a copy of %llu source rows (%zu fields), whatever the pivot "
             "table shows",
             p.records, p.nf);
    sg_finding *f = sgi_ooxml_hidden(&x->ox, SGI_R_HIDDEN_PIVOT_CACHE,
                                     records_part ? records_part : part, v, NULL, msg, NULL);
    if (f) {
        f->rows = (long long)p.records;
        f->ncolumns = p.nf;
        f->columns = names;
    }
out:
    for (size_t k = 0; k < p.nf; k++)
        sgi_free(x->ox.ctx->mem, p.f[k].items);
    sgi_free(x->ox.ctx->mem, p.f);
}

/* ------------------------------------------------------- external links */

typedef struct ext_parse {
    xlsx *x;
    const char *sheet;
    const char **sheets;
    size_t nsheets, cap;
    unsigned long long row, cells;
    uint32_t col;
    bool in_v, is_s;
    sgi_text v;
    const char *part;
} ext_parse;

static void ext_start(void *opaque, const char *name, const char **attrs)
{
    ext_parse *e = opaque;
    if (strcmp(name, "sheetName") == 0) {
        const char *v = sgi_xml_attr(attrs, "val");
        if (v && sgi_grow(e->x->ox.ctx->mem, (void **)&e->sheets, &e->cap, e->nsheets + 1,
                          sizeof(char *)))
            e->sheets[e->nsheets++] = dup(e->x, v);
    } else if (strcmp(name, "sheetData") == 0) {
        const char *id = sgi_xml_attr(attrs, "sheetId");
        unsigned long k = id ? strtoul(id, NULL, 10) : 0;
        e->sheet = k < e->nsheets ? e->sheets[k] : NULL;
        sgi_cells_begin(&e->x->ox.cells, SGI_CELLS_CELLS, e->part, e->sheet, 0, NULL);
    } else if (strcmp(name, "cell") == 0) {
        const char *r = sgi_xml_attr(attrs, "r");
        if (!r || !parse_ref(r, &e->col, &e->row))
            e->row = 0;
        const char *t = sgi_xml_attr(attrs, "t");
        e->is_s = t && strcmp(t, "s") == 0;
    } else if (strcmp(name, "v") == 0) {
        e->in_v = true;
        e->v.len = 0;
    }
}

static void ext_text(void *opaque, const char *s, int len)
{
    ext_parse *e = opaque;
    if (e->in_v)
        sgi_text_add(&e->v, s, (size_t)len);
}

static void ext_end(void *opaque, const char *name)
{
    ext_parse *e = opaque;
    if (strcmp(name, "v") == 0 && e->in_v) {
        e->in_v = false;
        if (e->row && e->v.len) {
            e->cells++;
            sgi_cells_add(&e->x->ox.cells, e->row, e->col, e->v.p, e->v.len, SGI_F_HIDDEN,
                          "external link cache");
        }
    } else if (strcmp(name, "sheetData") == 0) {
        sgi_cells_end(&e->x->ox.cells, false);
    }
}

static void read_external(xlsx *x, size_t i, const char *part)
{
    ext_parse e;
    memset(&e, 0, sizeof(e));
    e.x = x;
    e.part = part;
    sgi_text_init(&e.v, x->ox.ctx->mem, 64 * 1024);
    static const sgi_xml_handlers h = {ext_start, ext_end, ext_text};
    sgi_xml_member(&x->ox.zip, i, &h, &e);
    x->ox.zip.status = SG_OK;
    sgi_rels rels;
    const char *target = "?";
    if (sgi_ooxml_rels(&x->ox, part, &rels) == SG_OK && rels.n)
        target = rels.v[0].target;
    sgi_arena *ar = &x->ox.ctx->res->arena;
    char *v = sgi_arena_printf(ar, "link to %s (%llu cached values)", target, e.cells);
    char *tm = sgi_mask_name(ar, target);
    char *m = sgi_arena_printf(ar, "link to %s (%llu cached values)", tm ? tm : "?", e.cells);
    char msg[300];
    int o = snprintf(msg, sizeof(msg), "a link to another workbook, with %llu values cached from it",
                     e.cells);
    if (x->ext_refs && o > 0 && (size_t)o < sizeof(msg))
        snprintf(msg + o, sizeof(msg) - (size_t)o, "; %llu formulas read other workbooks (first: %s)",
                 x->ext_refs, x->first_ext_ref);
    if (v)
        sgi_ooxml_hidden(&x->ox, SGI_R_HIDDEN_EXTERNAL_LINK, part, v, m, msg, NULL);
    sgi_ooxml_rels_free(&x->ox, &rels);
    sgi_text_free(&e.v);
    sgi_free(x->ox.ctx->mem, e.sheets);
}

/* --------------------------------------------------------------- charts */

typedef struct chart_parse {
    xlsx *x;
    int in_cache; /* 1 strCache, 2 numCache */
    bool in_v;
    unsigned long long strs, nums;
    sgi_text v;
} chart_parse;

static void ch_start(void *opaque, const char *name, const char **attrs)
{
    (void)attrs;
    chart_parse *c = opaque;
    if (strcmp(name, "strCache") == 0)
        c->in_cache = 1;
    else if (strcmp(name, "numCache") == 0)
        c->in_cache = 2;
    else if (c->in_cache && strcmp(name, "v") == 0) {
        c->in_v = true;
        c->v.len = 0;
    }
}

static void ch_text(void *opaque, const char *s, int len)
{
    chart_parse *c = opaque;
    if (c->in_v)
        sgi_text_add(&c->v, s, (size_t)len);
}

static void ch_end(void *opaque, const char *name)
{
    chart_parse *c = opaque;
    if (strcmp(name, "strCache") == 0 || strcmp(name, "numCache") == 0) {
        c->in_cache = 0;
    } else if (strcmp(name, "v") == 0 && c->in_v) {
        c->in_v = false;
        if (c->in_cache == 1) {
            c->strs++;
            /* labels a chart shows: visible */
            sgi_cells_add(&c->x->ox.cells, c->strs, 0, c->v.p, c->v.len, 0, NULL);
        } else {
            c->nums++;
        }
    }
}

static void read_chart(xlsx *x, size_t i, const char *part)
{
    chart_parse c;
    memset(&c, 0, sizeof(c));
    c.x = x;
    sgi_text_init(&c.v, x->ox.ctx->mem, 64 * 1024);
    sgi_cells_begin(&x->ox.cells, SGI_CELLS_TEXT, part, NULL, 0, NULL);
    static const sgi_xml_handlers h = {ch_start, ch_end, ch_text};
    sgi_xml_member(&x->ox.zip, i, &h, &c);
    x->ox.zip.status = SG_OK;
    sgi_cells_end(&x->ox.cells, false);
    sgi_text_free(&c.v);
    if (c.strs + c.nums) {
        char v[200];
        snprintf(v, sizeof(v), "chart cache: %llu labels, %llu numbers", c.strs, c.nums);
        sgi_ooxml_hidden(&x->ox, SGI_R_HIDDEN_CHART_CACHE, part, v, NULL,
                         "a chart keeps a copy of the data it shows", NULL);
    }
}

/* ---------------------------------------------------- data connections */

/* A connection to data outside the workbook: a database, a web query, a
 * text file. Its string names servers, paths and often users. */
static void conn_start(void *opaque, const char *name, const char **attrs)
{
    xlsx *x = opaque;
    static const char *const keys[] = {"connection", "url", "sourceFile", "command", NULL};
    if (strcmp(name, "connection") == 0) {
        const char *nm = sgi_xml_attr(attrs, "name");
        snprintf(x->conn_name, sizeof(x->conn_name), "%s", nm ? nm : "?");
        /* the odc file it came from, if any */
        const char *odc = sgi_xml_attr(attrs, "odcFile");
        if (!odc)
            return;
        attrs = (const char *[]){"sourceFile", odc, NULL};
    }
    for (size_t k = 0; keys[k]; k++) {
        const char *v = sgi_xml_attr(attrs, keys[k]);
        if (!v || !*v)
            continue;
        sgi_arena *ar = &x->ox.ctx->res->arena;
        char *val = sgi_arena_printf(ar, "data connection \"%s\": %.400s", x->conn_name, v);
        char *vm = sgi_mask_name(ar, v);
        char *m = sgi_arena_printf(ar, "data connection \"%s\": %.400s", x->conn_name,
                                   vm ? vm : "?");
        if (val)
            sgi_ooxml_hidden(&x->ox, SGI_R_HIDDEN_EXTERNAL_LINK, "xl/connections.xml", val, m,
                             "a connection to data outside the workbook", NULL);
    }
}

/* -------------------------------------------------------------- reader */

static bool starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static void read_parts(xlsx *x)
{
    for (size_t i = 0; i < x->ox.zip.n; i++) {
        const char *name = sgi_zip_name(&x->ox.zip, i);
        if (!strstr(name, ".xml") || strstr(name, "_rels/"))
            continue;
        const char *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        if (starts(base, "pivotCacheDefinition"))
            read_pivot(x, i, name);
        else if (starts(base, "externalLink"))
            read_external(x, i, name);
        else if (starts(name, "xl/charts/chart") || strstr(name, "/charts/chart"))
            read_chart(x, i, name);
        else if (strcmp(base, "connections.xml") == 0) {
            static const sgi_xml_handlers h = {conn_start, NULL, NULL};
            sgi_xml_member(&x->ox.zip, i, &h, x);
            x->ox.zip.status = SG_OK;
        }
    }
}

sg_status sgi_xlsx_read(sgi_ooxml *ox, const char *main)
{
    sgi_ctx *ctx = ox->ctx;
    ctx->res->pub.format = sgi_zip_find(&ox->zip, "xl/vbaProject.bin") >= 0 ? "xlsm" : "xlsx";
    xlsx x;
    memset(&x, 0, sizeof(x));
    x.ox = *ox;
    sg_status st = SG_OK;
    x.wb_part = main;
    long long wi = sgi_zip_find(&x.ox.zip, x.wb_part);
    if (wi < 0) {
        snprintf(x.ox.zip.error, sizeof(x.ox.zip.error), "no workbook part (%s)", x.wb_part);
        *ox = x.ox;
        return SG_E_FORMAT;
    }
    sgi_ooxml_rels(&x.ox, x.wb_part, &x.wb_rels);

    /* shared strings and styles first: sheets refer to them */
    const sgi_rel *rel = sgi_rels_by_type(&x.wb_rels, "sharedStrings", NULL);
    long long si = sgi_zip_find(&x.ox.zip, rel ? rel->target : "xl/sharedStrings.xml");
    if (si >= 0) {
        sst_parse sp = {&x, false, false, false};
        static const sgi_xml_handlers h = {sst_start, sst_end, sst_text};
        st = sgi_xml_member_fast(&x.ox.zip, (size_t)si, &h, &sp);
    }
    rel = sgi_rels_by_type(&x.wb_rels, "styles", NULL);
    if (st == SG_OK)
        read_styles(&x, rel ? rel->target : NULL);

    wb_parse wp;
    memset(&wp, 0, sizeof(wp));
    wp.x = &x;
    sgi_text_init(&wp.text, ctx->mem, 64 * 1024);
    if (st == SG_OK) {
        static const sgi_xml_handlers h = {wb_start, wb_end, wb_text};
        st = sgi_xml_member(&x.ox.zip, (size_t)wi, &h, &wp);
    }
    sgi_text_free(&wp.text);

    persons pe;
    memset(&pe, 0, sizeof(pe));
    pe.x = &x;
    rel = sgi_rels_by_type(&x.wb_rels, "person", NULL);
    long long pi = rel ? sgi_zip_find(&x.ox.zip, rel->target) : -1;
    if (st == SG_OK && pi >= 0) {
        static const sgi_xml_handlers h = {person_start, NULL, NULL};
        sgi_xml_member(&x.ox.zip, (size_t)pi, &h, &pe);
        x.ox.zip.status = SG_OK;
    }

    if (st == SG_OK) {
        for (size_t k = 0; k < x.nsheets; k++)
            read_sheet(&x, &x.sheets[k], &pe);
        report_sheets(&x);
        report_names(&x);
        read_parts(&x);
        sgi_ooxml_external_rels(&x.ox);
        sgi_ooxml_metadata(&x.ox);
        sgi_ooxml_embedded(&x.ox);
        sgi_ooxml_pictures(&x.ox);
    }
    sgi_free(ctx->mem, pe.ids);
    sgi_free(ctx->mem, pe.names);
    sgi_ooxml_rels_free(&x.ox, &x.wb_rels);
    sgi_free(ctx->mem, x.sheets);
    sgi_free(ctx->mem, x.names);
    sgi_free(ctx->mem, x.sst);
    sgi_free(ctx->mem, x.sst_off);
    sgi_free(ctx->mem, x.xfs);
    *ox = x.ox;
    return st;
}
