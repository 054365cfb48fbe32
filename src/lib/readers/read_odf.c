/*
 * read_odf.c - OpenDocument files (ODS, ODT, ODP) from LibreOffice and
 * others: sheets, text and slides, and what hides in them: hidden sheets
 * (a table style with table:display="false"), hidden and filtered rows
 * and columns, cached tables of external links, annotations and their
 * authors, tracked changes, hidden paragraphs, hidden text and hidden
 * sections, text styles that hide text (display none, white, tiny),
 * speaker notes, alt text, embedded objects, and meta.xml.
 *
 * Repeated rows and cells (LibreOffice writes a million empty rows as one
 * element) advance the position without expanding; a repeated cell with
 * content is scanned a bounded number of times.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "ooxml_private.h"

#include <stdlib.h>
#include <string.h>

#define MAX_REPEAT 64 /* copies of a repeated non-empty cell or row scanned */
#define MAX_STYLES 4096

enum { BODY_NONE, BODY_SHEET, BODY_TEXT, BODY_SLIDES };
enum { ST_TABLE_HIDDEN = 1, ST_TEXT_NONE = 2, ST_TEXT_WHITE = 3, ST_TEXT_TINY = 4,
       ST_PAGE_HIDDEN = 5 };

typedef struct odf_style {
    const char *name;
    int kind;
} odf_style;

typedef struct range {
    unsigned long long first, last, cells;
} range;

typedef struct odf {
    sgi_ooxml ox;
    const char *part;
    int body;
    bool embedded; /* an Object N/ of the document */
    odf_style *styles;
    size_t nstyles, capstyles;
    const char *cur_style; /* the style being read */
    unsigned depth;
    /* sheets */
    const char *sheet;
    bool sheet_hidden, sheet_external;
    unsigned long long sheet_cells, row, rows_rep;
    uint32_t col, cols_rep;
    bool row_hidden, row_filtered;
    range *hcols;
    size_t nhcols, caphcols;
    uint32_t colpos; /* table-column position while reading column definitions */
    range *hrows, *frows;
    size_t nhrows, caphrows, nfrows, capfrows;
    bool in_cell, cell_date;
    char date[32];
    /* rows are buffered to repeat them */
    struct rcell {
        uint32_t col, rep;
        size_t off, len;
        unsigned flags;
        const char *reason;
    } *rcells;
    size_t nrcells, caprcells;
    sgi_text rowtext;
    /* text */
    sgi_text text;
    unsigned long long para;
    int hide_depth;          /* inside a hidden section/paragraph (depth where it began) */
    const char *hide_reason;
    int span_hidden;         /* style of the current span hides it */
    int in_p;
    /* annotations and changes */
    int in_annotation, in_change, in_change_info, in_creator;
    char creator[128];
    sgi_text note;
    unsigned long long hidden_bits, first_hidden_para;
    /* slides */
    long long slide;
    bool slide_hidden, in_notes;
    /* annotations of the current sheet, scanned after it */
    struct anno {
        unsigned long long row;
        uint32_t col;
        const char *author, *text;
    } *annos;
    size_t nannos, capannos;
    sgi_text cellsave;
    sg_status st;
} odf;

static const char *odup(odf *o, const char *s)
{
    return s ? sgi_arena_strndup(&o->ox.ctx->res->arena, s, strlen(s)) : NULL;
}

static int style_kind(const odf *o, const char *name)
{
    for (size_t i = 0; name && i < o->nstyles; i++)
        if (strcmp(o->styles[i].name, name) == 0)
            return o->styles[i].kind;
    return 0;
}

static void add_style(odf *o, const char *name, int kind)
{
    if (!name || o->nstyles >= MAX_STYLES || style_kind(o, name) == kind)
        return;
    if (!sgi_grow(o->ox.ctx->mem, (void **)&o->styles, &o->capstyles, o->nstyles + 1,
                  sizeof(odf_style)))
        return;
    o->styles[o->nstyles++] = (odf_style){odup(o, name), kind};
}

static unsigned long long repeat(const char **attrs, const char *name)
{
    const char *v = sgi_xml_attr(attrs, name);
    unsigned long long n = v ? strtoull(v, NULL, 10) : 1;
    return n ? n : 1;
}

static void fail(odf *o, sg_status st)
{
    if (st != SG_OK && o->st == SG_OK) {
        o->st = st;
        sgi_xml_abort(st, sg_strerror(st));
    }
}

static void add_range(odf *o, range **v, size_t *n, size_t *cap, unsigned long long first,
                      unsigned long long last, unsigned long long cells)
{
    if (*n && first <= (*v)[*n - 1].last + 1 && first >= (*v)[*n - 1].first) {
        if (last > (*v)[*n - 1].last)
            (*v)[*n - 1].last = last;
        (*v)[*n - 1].cells += cells;
        return;
    }
    if (*n >= 4096 || !sgi_grow(o->ox.ctx->mem, (void **)v, cap, *n + 1, sizeof(range)))
        return;
    (*v)[(*n)++] = (range){first, last, cells};
}

static range *hidden_col(odf *o, uint32_t c)
{
    for (size_t i = 0; i < o->nhcols; i++)
        if (c >= o->hcols[i].first && c <= o->hcols[i].last)
            return &o->hcols[i];
    return NULL;
}

/* ------------------------------------------------------------- sheets */

static void sheet_begin(odf *o, const char **attrs)
{
    o->sheet = odup(o, sgi_xml_attr(attrs, "name"));
    if (!o->sheet)
        o->sheet = "?";
    o->sheet_hidden = style_kind(o, sgi_xml_attr(attrs, "style-name")) == ST_TABLE_HIDDEN;
    o->sheet_external = false;
    o->sheet_cells = 0;
    o->row = 0;
    o->colpos = 0;
    o->nhcols = o->nhrows = o->nfrows = 0;
    unsigned flags = o->sheet_hidden || o->embedded ? SGI_F_HIDDEN : 0;
    sgi_cells_begin(&o->ox.cells, SGI_CELLS_TABLE, o->part, o->sheet, flags,
                    o->sheet_hidden ? "hidden sheet" : NULL);
}

static void describe(char *out, size_t n, const range *v, size_t nv, bool cols,
                     unsigned long long *cells)
{
    size_t k = 0, shown = 0;
    *cells = 0;
    out[0] = '\0';
    for (size_t i = 0; i < nv; i++) {
        if (!v[i].cells)
            continue;
        *cells += v[i].cells;
        if (shown == 6 || k + 40 > n)
            continue;
        char a[16], b[16];
        if (cols) {
            sgi_column_letter((long long)v[i].first + 1, a);
            sgi_column_letter((long long)v[i].last + 1, b);
        } else {
            snprintf(a, sizeof(a), "%llu", v[i].first);
            snprintf(b, sizeof(b), "%llu", v[i].last);
        }
        k += (size_t)snprintf(out + k, n - k, "%s%s%s%s", shown ? ", " : "", a,
                              v[i].first == v[i].last ? "" : "-", v[i].first == v[i].last ? "" : b);
        shown++;
    }
}

static void sheet_annotations(odf *o)
{
    if (!o->nannos)
        return;
    sgi_arena *ar = &o->ox.ctx->res->arena;
    sgi_cells_begin(&o->ox.cells, SGI_CELLS_CELLS, o->part, o->sheet, 0, NULL);
    for (size_t i = 0; i < o->nannos; i++) {
        const struct anno *a = &o->annos[i];
        const char *who = a->author && *a->author ? a->author : "unknown author";
        char letter[16];
        sgi_column_letter((long long)a->col + 1, letter);
        sg_location loc = {0};
        loc.sheet = o->sheet;
        loc.row = (long long)a->row;
        loc.column_index = a->col + 1;
        loc.cell = sgi_arena_printf(ar, "%s%llu", letter, a->row);
        char *v = sgi_arena_printf(ar, "comment by %s: %.300s", who, a->text);
        char *wm = sgi_mask_name(ar, who);
        char *m = sgi_arena_printf(ar, "comment by %s (%zu characters)", wm ? wm : "?",
                                   strlen(a->text));
        if (v)
            sgi_ooxml_hidden(&o->ox, SGI_R_HIDDEN_COMMENT, o->part, v, m, NULL, &loc);
        fail(o, sgi_cells_add(&o->ox.cells, a->row, a->col, a->text, strlen(a->text),
                              SGI_F_HIDDEN, "comment"));
        fail(o, sgi_cells_add(&o->ox.cells, a->row, a->col, who, strlen(who),
                              SGI_F_HIDDEN | SGI_F_META, "comment author"));
    }
    fail(o, sgi_cells_end(&o->ox.cells, false));
    o->nannos = 0;
}

static void sheet_end(odf *o)
{
    sg_status st = sgi_cells_end(&o->ox.cells, !o->sheet_hidden && !o->sheet_external);
    fail(o, st);
    sheet_annotations(o);
    sg_location loc = {0};
    loc.sheet = o->sheet;
    char where[300], v[400];
    unsigned long long cells;
    describe(where, sizeof(where), o->hrows, o->nhrows, false, &cells);
    if (cells) {
        snprintf(v, sizeof(v), "rows %s hidden (%llu cells)", where, cells);
        sgi_ooxml_hidden(&o->ox, SGI_R_HIDDEN_ROWS, o->part, v, NULL, v, &loc);
    }
    describe(where, sizeof(where), o->frows, o->nfrows, false, &cells);
    if (cells) {
        snprintf(v, sizeof(v), "rows %s filtered out (%llu cells)", where, cells);
        sgi_ooxml_hidden(&o->ox, SGI_R_HIDDEN_FILTERED_ROWS, o->part, v, NULL, v, &loc);
    }
    describe(where, sizeof(where), o->hcols, o->nhcols, true, &cells);
    if (cells) {
        snprintf(v, sizeof(v), "columns %s hidden (%llu cells)", where, cells);
        sgi_ooxml_hidden(&o->ox, SGI_R_HIDDEN_COLUMNS, o->part, v, NULL, v, &loc);
    }
    if (o->sheet_hidden) {
        snprintf(v, sizeof(v), "hidden sheet \"%s\" holds %llu non-empty cells", o->sheet,
                 o->sheet_cells);
        sgi_ooxml_hidden(&o->ox, SGI_R_HIDDEN_SHEET, o->part, v, NULL, v, &loc);
    }
    o->sheet = NULL;
}

static void row_flush(odf *o)
{
    /* a repeated row with content: each copy, within reason */
    unsigned long long copies = o->nrcells ? SGI_MIN(o->rows_rep, (unsigned long long)MAX_REPEAT)
                                           : 0;
    for (unsigned long long r = 0; r < copies; r++) {
        unsigned long long row = o->row + r;
        unsigned long long row_cells = 0;
        for (size_t i = 0; i < o->nrcells; i++) {
            const struct rcell *c = &o->rcells[i];
            for (uint32_t k = 0; k < c->rep && k < MAX_REPEAT; k++) {
                uint32_t col = c->col + k;
                unsigned flags = c->flags;
                const char *reason = c->reason;
                range *hc = hidden_col(o, col);
                if (hc)
                    hc->cells++;
                if (!flags && (o->row_hidden || o->row_filtered)) {
                    flags = SGI_F_HIDDEN;
                    reason = o->row_filtered ? "filtered row" : "hidden row";
                } else if (!flags && hc) {
                    flags = SGI_F_HIDDEN;
                    reason = "hidden column";
                }
                fail(o, sgi_cells_add(&o->ox.cells, row, col, o->rowtext.p + c->off, c->len,
                                      flags, reason));
                row_cells++;
                o->sheet_cells++;
            }
        }
        if (o->row_filtered)
            add_range(o, &o->frows, &o->nfrows, &o->capfrows, row, row, row_cells);
        else if (o->row_hidden)
            add_range(o, &o->hrows, &o->nhrows, &o->caphrows, row, row, row_cells);
    }
    o->row += o->rows_rep;
    o->nrcells = 0;
    o->rowtext.len = 0;
}

/* ------------------------------------------------------------ text */

static int text_hidden(odf *o, const char **reason)
{
    if (o->in_change == 'd') {
        *reason = "tracked deletion";
        return 1;
    }
    if (o->in_annotation) {
        *reason = "comment";
        return 1;
    }
    if (o->in_notes) {
        *reason = "speaker notes";
        return 1;
    }
    if (o->slide_hidden) {
        *reason = "hidden slide";
        return 1;
    }
    if (o->hide_depth) {
        *reason = o->hide_reason;
        return 1;
    }
    if (o->span_hidden) {
        *reason = o->span_hidden == ST_TEXT_WHITE  ? "white text"
                  : o->span_hidden == ST_TEXT_TINY ? "tiny text"
                                                   : "hidden text";
        return 1;
    }
    if (o->embedded) {
        *reason = "embedded object";
        return 1;
    }
    *reason = NULL;
    return 0;
}

static void text_flush(odf *o)
{
    if (!o->text.len)
        return;
    const char *reason;
    int h = text_hidden(o, &reason);
    if (o->body == BODY_SHEET && o->in_cell)
        return; /* cell text is kept with its cell; its comments are scanned later */
    fail(o, sgi_cells_add(&o->ox.cells, o->para ? o->para : 1, 0, o->text.p, o->text.len,
                          h ? SGI_F_HIDDEN : 0, reason));
    if (h && (o->hide_depth || o->span_hidden)) {
        o->hidden_bits++;
        if (!o->first_hidden_para)
            o->first_hidden_para = o->para;
    }
    o->text.len = 0;
}

static void report_note(odf *o, bool change)
{
    sgi_arena *ar = &o->ox.ctx->res->arena;
    const char *who = o->creator[0] ? o->creator : "unknown author";
    const char *txt = o->note.p ? o->note.p : "";
    const char *what = change ? (o->in_change == 'd' ? "deletion" : "insertion") : "comment";
    char *v = sgi_arena_printf(ar, "%s by %s: %.300s", what, who, txt);
    char *wm = sgi_mask_name(ar, who);
    char *m = sgi_arena_printf(ar, "%s by %s (%zu characters)", what, wm ? wm : "?",
                               o->note.len);
    sg_location loc = {0};
    loc.paragraph = (long long)o->para;
    loc.sheet = o->sheet;
    loc.slide = o->slide;
    if (v)
        sgi_ooxml_hidden(&o->ox, change ? SGI_R_HIDDEN_TRACKED_CHANGE : SGI_R_HIDDEN_COMMENT,
                         o->part, v, m, NULL, &loc);
    fail(o, sgi_cells_add(&o->ox.cells, o->para ? o->para : 1, 0, who, strlen(who),
                          SGI_F_HIDDEN | SGI_F_META, "comment author"));
}

/* ---------------------------------------------------------- handlers */

static void od_start(void *opaque, const char *name, const char **attrs)
{
    odf *o = opaque;
    o->depth++;
    /* styles */
    if (strcmp(name, "style") == 0) {
        o->cur_style = odup(o, sgi_xml_attr(attrs, "name"));
        return;
    }
    if (o->cur_style && strcmp(name, "table-properties") == 0) {
        const char *d = sgi_xml_attr(attrs, "display");
        if (d && strcmp(d, "false") == 0)
            add_style(o, o->cur_style, ST_TABLE_HIDDEN);
        return;
    }
    if (o->cur_style && strcmp(name, "text-properties") == 0) {
        const char *d = sgi_xml_attr(attrs, "display");
        const char *c = sgi_xml_attr(attrs, "color");
        const char *sz = sgi_xml_attr(attrs, "font-size");
        if (d && strcmp(d, "none") == 0)
            add_style(o, o->cur_style, ST_TEXT_NONE);
        else if (c && (strcmp(c, "#ffffff") == 0 || strcmp(c, "#FFFFFF") == 0))
            add_style(o, o->cur_style, ST_TEXT_WHITE);
        else if (sz && strtod(sz, NULL) > 0 && strtod(sz, NULL) < 2 && strstr(sz, "pt"))
            add_style(o, o->cur_style, ST_TEXT_TINY);
        return;
    }
    if (o->cur_style && strcmp(name, "drawing-page-properties") == 0) {
        const char *v = sgi_xml_attr(attrs, "visibility");
        const char *d = sgi_xml_attr(attrs, "display");
        if ((v && strcmp(v, "hidden") == 0) || (d && strcmp(d, "false") == 0))
            add_style(o, o->cur_style, ST_PAGE_HIDDEN);
        return;
    }
    /* bodies */
    if (strcmp(name, "spreadsheet") == 0) {
        o->body = BODY_SHEET;
    } else if (strcmp(name, "text") == 0 && o->body == BODY_NONE && o->depth <= 3) {
        o->body = BODY_TEXT;
        sgi_cells_begin(&o->ox.cells, SGI_CELLS_TEXT, o->part, NULL, 0, NULL);
    } else if (strcmp(name, "presentation") == 0 && o->body == BODY_NONE) {
        o->body = BODY_SLIDES;
        sgi_cells_begin(&o->ox.cells, SGI_CELLS_TEXT, o->part, NULL, 0, NULL);
    }
    /* sheets */
    if (o->body == BODY_SHEET) {
        if (strcmp(name, "table") == 0 && !o->sheet) {
            sheet_begin(o, attrs);
        } else if (strcmp(name, "table-source") == 0 && o->sheet) {
            /* a cached copy of another file's sheet */
            o->sheet_external = true;
            const char *href = sgi_xml_attr(attrs, "href");
            sgi_arena *ar = &o->ox.ctx->res->arena;
            char *v = sgi_arena_printf(ar, "link to %s (sheet \"%s\")", href ? href : "?",
                                       o->sheet);
            char *hm = href ? sgi_mask_name(ar, href) : NULL;
            char *m = sgi_arena_printf(ar, "link to %s (sheet \"%s\")", hm ? hm : "?",
                                       o->sheet);
            sg_location loc = {0};
            loc.sheet = o->sheet;
            if (v)
                sgi_ooxml_hidden(&o->ox, SGI_R_HIDDEN_EXTERNAL_LINK, o->part, v, m,
                                 "a cached copy of a sheet of another file", &loc);
        } else if (strcmp(name, "table-column") == 0 && o->sheet) {
            unsigned long long n = repeat(attrs, "number-columns-repeated");
            const char *vis = sgi_xml_attr(attrs, "visibility");
            if (vis && strcmp(vis, "visible") != 0 && o->colpos < 16384)
                add_range(o, &o->hcols, &o->nhcols, &o->caphcols, o->colpos,
                          SGI_MIN(o->colpos + n - 1, 16383ULL), 0);
            o->colpos = (uint32_t)SGI_MIN(o->colpos + n, 16384ULL);
        } else if (strcmp(name, "table-row") == 0 && o->sheet) {
            o->rows_rep = repeat(attrs, "number-rows-repeated");
            const char *vis = sgi_xml_attr(attrs, "visibility");
            o->row_hidden = vis && strcmp(vis, "collapse") == 0;
            o->row_filtered = vis && strcmp(vis, "filter") == 0;
            o->col = 0;
            if (o->row == 0)
                o->row = 1;
        } else if ((strcmp(name, "table-cell") == 0 || strcmp(name, "covered-table-cell") == 0) &&
                   o->sheet && !o->in_cell) {
            o->in_cell = true;
            o->cols_rep = (uint32_t)SGI_MIN(repeat(attrs, "number-columns-repeated"), 16384ULL);
            o->text.len = 0;
            const char *type = sgi_xml_attr(attrs, "value-type");
            const char *dv = sgi_xml_attr(attrs, "date-value");
            o->cell_date = type && strcmp(type, "date") == 0 && dv;
            if (o->cell_date)
                snprintf(o->date, sizeof(o->date), "%.10s", dv);
        }
    }
    /* slides */
    if (o->body == BODY_SLIDES && strcmp(name, "page") == 0 && !o->in_notes) {
        o->slide++;
        o->ox.cells.slide = o->slide;
        o->slide_hidden = style_kind(o, sgi_xml_attr(attrs, "style-name")) == ST_PAGE_HIDDEN;
        if (o->slide_hidden) {
            char v[80];
            snprintf(v, sizeof(v), "slide %lld is hidden from the slide show", o->slide);
            sg_location loc = {0};
            loc.slide = o->slide;
            sgi_ooxml_hidden(&o->ox, SGI_R_HIDDEN_SLIDE, o->part, v, NULL, v, &loc);
        }
    } else if (o->body == BODY_SLIDES && strcmp(name, "notes") == 0) {
        text_flush(o);
        o->in_notes = true;
    }
    /* text anywhere */
    if (strcmp(name, "p") == 0 || strcmp(name, "h") == 0) {
        if (!(o->body == BODY_SHEET && o->in_cell && !o->in_annotation))
            text_flush(o);
        else if (o->text.len)
            sgi_text_add(&o->text, "\n", 1);
        if (!o->in_annotation && !o->in_change)
            o->para++;
        o->in_p++;
        const char *hid = sgi_xml_attr(attrs, "is-hidden");
        if (hid && strcmp(hid, "true") == 0 && !o->hide_depth) {
            o->hide_depth = (int)o->depth;
            o->hide_reason = "hidden paragraph";
        }
        int k = style_kind(o, sgi_xml_attr(attrs, "style-name"));
        if (k >= ST_TEXT_NONE && k <= ST_TEXT_TINY && !o->hide_depth) {
            o->hide_depth = (int)o->depth;
            o->hide_reason = k == ST_TEXT_WHITE ? "white text"
                             : k == ST_TEXT_TINY ? "tiny text"
                                                 : "hidden text";
        }
    } else if (strcmp(name, "span") == 0) {
        int k = style_kind(o, sgi_xml_attr(attrs, "style-name"));
        if (k >= ST_TEXT_NONE && k <= ST_TEXT_TINY) {
            text_flush(o);
            o->span_hidden = k;
        }
    } else if (strcmp(name, "s") == 0 || strcmp(name, "tab") == 0) {
        sgi_text_add(&o->text, " ", 1);
    } else if (strcmp(name, "line-break") == 0) {
        sgi_text_add(&o->text, "\n", 1);
    } else if (strcmp(name, "section") == 0) {
        const char *d = sgi_xml_attr(attrs, "display");
        if (d && (strcmp(d, "none") == 0 || strcmp(d, "condition") == 0) && !o->hide_depth) {
            text_flush(o);
            o->hide_depth = (int)o->depth;
            o->hide_reason = "hidden section";
        }
    } else if (strcmp(name, "hidden-text") == 0 || strcmp(name, "hidden-paragraph") == 0) {
        const char *v = sgi_xml_attr(attrs, "string-value");
        if (v && *v) {
            fail(o, sgi_cells_add(&o->ox.cells, o->para ? o->para : 1, 0, v, strlen(v),
                                  SGI_F_HIDDEN, "hidden text"));
            o->hidden_bits++;
            if (!o->first_hidden_para)
                o->first_hidden_para = o->para;
        }
    } else if (strcmp(name, "annotation") == 0) {
        if (o->body == BODY_SHEET && o->in_cell) {
            /* keep the cell's own text apart */
            o->cellsave.len = 0;
            sgi_text_add(&o->cellsave, o->text.p ? o->text.p : "", o->text.len);
            o->text.len = 0;
        } else {
            text_flush(o);
        }
        o->in_annotation++;
        o->creator[0] = '\0';
        o->note.len = 0;
    } else if (strcmp(name, "changed-region") == 0) {
        o->in_change = 'r';
    } else if (o->in_change && (strcmp(name, "deletion") == 0 || strcmp(name, "insertion") == 0)) {
        o->in_change = name[0];
        o->creator[0] = '\0';
        o->note.len = 0;
    } else if (strcmp(name, "change-info") == 0) {
        o->in_change_info = 1;
    } else if (strcmp(name, "creator") == 0 && (o->in_annotation || o->in_change_info)) {
        o->in_creator = 1;
        o->creator[0] = '\0';
    } else if ((strcmp(name, "title") == 0 || strcmp(name, "desc") == 0) && o->depth > 3) {
        o->in_creator = 2; /* svg:title / svg:desc: alt text */
        o->note.len = 0;
    }
}

static void od_text(void *opaque, const char *s, int len)
{
    odf *o = opaque;
    if (o->in_creator == 1) {
        size_t k = strlen(o->creator);
        snprintf(o->creator + k, sizeof(o->creator) - k, "%.*s", len, s);
        return;
    }
    if (o->in_creator == 2) {
        sgi_text_add(&o->note, s, (size_t)len);
        return;
    }
    if (o->in_change_info)
        return; /* dates and authors, not text */
    if (!o->in_p)
        return;
    sgi_text_add(&o->text, s, (size_t)len);
    if (o->in_annotation || o->in_change == 'd' || o->in_change == 'i')
        sgi_text_add(&o->note, s, (size_t)len);
}

static void od_end(void *opaque, const char *name)
{
    odf *o = opaque;
    if (strcmp(name, "style") == 0) {
        o->cur_style = NULL;
    } else if (strcmp(name, "creator") == 0 && o->in_creator == 1) {
        o->in_creator = 0;
    } else if ((strcmp(name, "title") == 0 || strcmp(name, "desc") == 0) && o->in_creator == 2) {
        o->in_creator = 0;
        if (o->note.len)
            fail(o, sgi_cells_add(&o->ox.cells, o->para ? o->para : 1, 0, o->note.p, o->note.len,
                                  SGI_F_HIDDEN, "alt text"));
        o->note.len = 0;
    } else if (strcmp(name, "change-info") == 0) {
        o->in_change_info = 0;
    } else if (strcmp(name, "p") == 0 || strcmp(name, "h") == 0) {
        if (!(o->body == BODY_SHEET && o->in_cell && !o->in_annotation))
            text_flush(o);
        o->in_p--;
        if (o->hide_depth == (int)o->depth) {
            o->hide_depth = 0;
            o->hide_reason = NULL;
        }
    } else if (strcmp(name, "span") == 0 && o->span_hidden) {
        text_flush(o);
        o->span_hidden = 0;
    } else if (strcmp(name, "section") == 0 && o->hide_depth == (int)o->depth) {
        text_flush(o);
        o->hide_depth = 0;
    } else if (strcmp(name, "annotation") == 0 && o->in_annotation) {
        if (o->body == BODY_SHEET && o->in_cell) {
            if (o->note.len && sgi_grow(o->ox.ctx->mem, (void **)&o->annos, &o->capannos,
                                        o->nannos + 1, sizeof(struct anno))) {
                sgi_arena *ar = &o->ox.ctx->res->arena;
                o->annos[o->nannos++] = (struct anno){
                    o->row, o->col, sgi_arena_strndup(ar, o->creator, strlen(o->creator)),
                    sgi_arena_strndup(ar, o->note.p, o->note.len)};
            }
            o->text.len = 0;
            sgi_text_add(&o->text, o->cellsave.p ? o->cellsave.p : "", o->cellsave.len);
        } else {
            text_flush(o);
            report_note(o, false);
        }
        o->in_annotation--;
        o->note.len = 0;
    } else if ((strcmp(name, "deletion") == 0 || strcmp(name, "insertion") == 0) &&
               o->in_change) {
        text_flush(o);
        /* an insertion's text is in the body, between change marks: the
         * region itself is the record of it */
        report_note(o, true);
        o->in_change = 'r';
    } else if (strcmp(name, "changed-region") == 0) {
        o->in_change = 0;
    } else if (strcmp(name, "notes") == 0 && o->in_notes) {
        text_flush(o);
        o->in_notes = false;
    } else if (strcmp(name, "page") == 0 && !o->in_notes) {
        text_flush(o);
        o->slide_hidden = false;
    } else if ((strcmp(name, "table-cell") == 0 || strcmp(name, "covered-table-cell") == 0) &&
               o->in_cell) {
        o->in_cell = false;
        const char *t = o->cell_date ? o->date : o->text.p;
        size_t n = o->cell_date ? strlen(o->date) : o->text.len;
        if (n && t) {
            const sgi_mem *mem = o->ox.ctx->mem;
            if (sgi_grow(mem, (void **)&o->rcells, &o->caprcells, o->nrcells + 1,
                         sizeof(struct rcell))) {
                unsigned flags =
                    o->sheet_external || o->sheet_hidden || o->embedded ? SGI_F_HIDDEN : 0;
                const char *reason = o->sheet_external ? "external link cache"
                                     : o->sheet_hidden ? "hidden sheet"
                                     : o->embedded     ? "embedded object"
                                                       : NULL;
                /* what the row's text took (none when memory or its limit ran out) */
                size_t off = o->rowtext.len;
                sgi_text_add(&o->rowtext, t, n);
                if (o->rowtext.len > off)
                    o->rcells[o->nrcells++] = (struct rcell){
                        o->col, o->cols_rep, off, o->rowtext.len - off, flags, reason};
            }
        }
        o->text.len = 0;
        o->col = (uint32_t)SGI_MIN((unsigned long long)o->col + o->cols_rep, 16384ULL);
    } else if (strcmp(name, "table-row") == 0 && o->sheet) {
        row_flush(o);
    } else if (strcmp(name, "table") == 0 && o->sheet && o->body == BODY_SHEET) {
        sheet_end(o);
    }
    o->depth--;
}

static sg_status odf_content(odf *o, const char *part, bool embedded)
{
    long long i = sgi_zip_find(&o->ox.zip, part);
    if (i < 0)
        return SG_OK;
    o->part = odup(o, part);
    o->embedded = embedded;
    o->body = BODY_NONE;
    o->depth = 0;
    o->para = 0;
    o->slide = 0;
    o->hidden_bits = 0;
    o->first_hidden_para = 0;
    static const sgi_xml_handlers h = {od_start, od_end, od_text};
    sg_status st = sgi_xml_member(&o->ox.zip, (size_t)i, &h, o);
    text_flush(o);
    if (o->body == BODY_TEXT || o->body == BODY_SLIDES)
        fail(o, sgi_cells_end(&o->ox.cells, false));
    if (o->hidden_bits) {
        char v[200];
        snprintf(v, sizeof(v), "%llu passages of hidden text (hidden paragraphs, sections or "
                               "text, white or tiny), first in paragraph %llu",
                 o->hidden_bits, o->first_hidden_para);
        sg_location loc = {0};
        loc.paragraph = (long long)o->first_hidden_para;
        sgi_ooxml_hidden(&o->ox, SGI_R_HIDDEN_VANISHED_TEXT, part, v, NULL, v, &loc);
    }
    return st != SG_OK ? st : o->st;
}

/* header and footer text lives in styles.xml (master pages) */
static void hf_start(void *opaque, const char *name, const char **attrs)
{
    odf *o = opaque;
    if (strncmp(name, "header", 6) == 0 || strncmp(name, "footer", 6) == 0) {
        o->body = BODY_TEXT;
        o->depth = 0;
        o->in_p = 0;
        o->hide_depth = 0;
        o->span_hidden = 0;
    }
    if (o->body == BODY_TEXT)
        od_start(opaque, name, attrs);
    else if (strcmp(name, "style") == 0 || strcmp(name, "text-properties") == 0 ||
             strcmp(name, "table-properties") == 0)
        od_start(opaque, name, attrs); /* styles content.xml may name */
}

static void hf_end(void *opaque, const char *name)
{
    odf *o = opaque;
    if (o->body != BODY_TEXT) {
        if (strcmp(name, "style") == 0)
            o->cur_style = NULL;
        if (strcmp(name, "style") == 0 || strcmp(name, "text-properties") == 0 ||
            strcmp(name, "table-properties") == 0)
            o->depth--;
        return;
    }
    od_end(opaque, name);
    if (strncmp(name, "header", 6) == 0 || strncmp(name, "footer", 6) == 0)
        o->body = BODY_NONE;
}

static void hf_text(void *opaque, const char *s, int len)
{
    odf *o = opaque;
    if (o->body == BODY_TEXT)
        od_text(opaque, s, len);
}

/* ----------------------------------------------------------- meta.xml */

typedef struct meta_parse {
    odf *o;
    sgi_text text;
    char prop[64];
} meta_parse;

static void mt_start(void *opaque, const char *name, const char **attrs)
{
    meta_parse *m = opaque;
    m->text.len = 0;
    if (strcmp(name, "user-defined") == 0) {
        const char *n = sgi_xml_attr(attrs, "name");
        snprintf(m->prop, sizeof(m->prop), "%s", n ? n : "custom");
    }
}

static void mt_text(void *opaque, const char *s, int len)
{
    meta_parse *m = opaque;
    sgi_text_add(&m->text, s, (size_t)len);
}

static void mt_end(void *opaque, const char *name)
{
    meta_parse *m = opaque;
    static const char *const fields[] = {"initial-creator", "creator", "title", "subject",
                                         "description", "keyword", "printed-by", NULL};
    const char *v = m->text.p ? m->text.p : "";
    if (strcmp(name, "user-defined") == 0) {
        char what[96];
        snprintf(what, sizeof(what), "custom property \"%s\"", m->prop);
        sgi_ooxml_metadata_value(&m->o->ox, "meta.xml", what, v, m->text.len, true);
    } else {
        for (size_t i = 0; fields[i]; i++)
            if (strcmp(name, fields[i]) == 0) {
                bool person = strstr(name, "creator") || strcmp(name, "printed-by") == 0;
                sgi_ooxml_metadata_value(&m->o->ox, "meta.xml", name, v, m->text.len, !person);
            }
    }
    m->text.len = 0;
}

/* ------------------------------------------------------------ reader */

static bool odf_embedded(odf *o)
{
    /* "Object 1/content.xml": a document inside; other Object files: a
     * file inside (OLE), scanned as one */
    for (size_t i = 0; i < o->ox.zip.n; i++) {
        const char *name = sgi_zip_name(&o->ox.zip, i);
        if (strncmp(name, "Object ", 7) != 0 && strncmp(name, "./Object ", 9) != 0)
            continue;
        const char *slash = strchr(name, '/');
        char msg[600];
        if (slash && strcmp(slash, "/content.xml") == 0) {
            sgi_cells_begin(&o->ox.cells, SGI_CELLS_TEXT, name, NULL, 0, NULL);
            odf_content(o, name, true);
            o->ox.zip.status = SG_OK;
            snprintf(msg, sizeof(msg), "embedded object %.*s (OpenDocument), scanned",
                     (int)(slash - name), name);
            sgi_ooxml_hidden(&o->ox, SGI_R_HIDDEN_EMBEDDED_OBJECT, name, msg, NULL, msg, NULL);
        } else if (!slash) {
            char *data = NULL;
            size_t n = 0;
            char err[512] = "";
            const char *format = NULL;
            sg_status st = sgi_zip_read(&o->ox.zip, i, &data, &n);
            if (st == SG_OK) {
                st = sgi_scan_nested(o->ox.ctx, data, n, name, "embedded object", err,
                                     sizeof(err), &format);
                sgi_free(o->ox.ctx->mem, data);
            }
            o->ox.zip.status = SG_OK;
            snprintf(msg, sizeof(msg), "embedded object %s (%s)%s%s", name, format ? format : "?",
                     st == SG_OK ? ", scanned" : ", not checked: ", st == SG_OK ? "" : err);
            sgi_ooxml_hidden(&o->ox, SGI_R_HIDDEN_EMBEDDED_OBJECT, name, msg, NULL, msg, NULL);
        }
    }
    return true;
}

/* The kind from the mimetype member ("...opendocument.spreadsheet"). */
static const char *odf_kind(sgi_ooxml *ox, const sgi_peek *pk)
{
    char *data = NULL;
    size_t n = 0;
    long long i = sgi_zip_find(&ox->zip, "mimetype");
    const char *k = "odf";
    if (i >= 0 && sgi_zip_read(&ox->zip, (size_t)i, &data, &n) == SG_OK) {
        k = strstr(data, "opendocument.spreadsheet")    ? "ods"
            : strstr(data, "opendocument.presentation") ? "odp"
            : strstr(data, "opendocument.text")         ? "odt"
            : strstr(data, "opendocument.graphics")     ? "odg"
                                                        : "odf";
        sgi_free(ox->ctx->mem, data);
    } else if (strlen(pk->ext) == 3 && pk->ext[0] == 'o') {
        static const char *const kinds[] = {"ods", "odt", "odp", "odg"};
        for (size_t j = 0; j < SGI_ARRAY_LEN(kinds); j++)
            if (strcmp(pk->ext, kinds[j]) == 0)
                k = kinds[j];
    }
    ox->zip.status = SG_OK;
    return k;
}

/* A password-protected document keeps its parts encrypted (the manifest
 * says how): it cannot be checked. */
static bool odf_encrypted(sgi_ooxml *ox)
{
    char *data = NULL;
    size_t n = 0;
    long long i = sgi_zip_find(&ox->zip, "META-INF/manifest.xml");
    bool enc = false;
    if (i >= 0 && sgi_zip_read(&ox->zip, (size_t)i, &data, &n) == SG_OK) {
        enc = strstr(data, "encryption-data") != NULL;
        sgi_free(ox->ctx->mem, data);
    }
    ox->zip.status = SG_OK;
    return enc;
}

static sg_status odf_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    ctx->res->pub.format = "odf";
    odf o;
    memset(&o, 0, sizeof(o));
    sg_status st = sgi_ooxml_open(&o.ox, ctx);
    if (st != SG_OK)
        return sgi_ooxml_close(&o.ox, st);
    ctx->res->pub.format = odf_kind(&o.ox, pk);
    if (odf_encrypted(&o.ox)) {
        sgi_notice_encrypted(ctx, "encrypted OpenDocument", NULL);
        return sgi_ooxml_close(&o.ox, SG_OK);
    }
    if (sgi_zip_find(&o.ox.zip, "content.xml") < 0) {
        snprintf(o.ox.zip.error, sizeof(o.ox.zip.error), "no content.xml");
        return sgi_ooxml_close(&o.ox, SG_E_FORMAT);
    }
    sgi_text_init(&o.text, ctx->mem, ctx->eng->opt_max_record);
    sgi_text_init(&o.note, ctx->mem, 64 * 1024);
    sgi_text_init(&o.rowtext, ctx->mem, 1u << 24);
    sgi_text_init(&o.cellsave, ctx->mem, ctx->eng->opt_max_record);
    /* styles.xml first: headers, footers, and styles content.xml may use */
    long long si = sgi_zip_find(&o.ox.zip, "styles.xml");
    if (si >= 0) {
        o.part = "styles.xml";
        sgi_cells_begin(&o.ox.cells, SGI_CELLS_TEXT, o.part, NULL, 0, NULL);
        static const sgi_xml_handlers h = {hf_start, hf_end, hf_text};
        sgi_xml_member(&o.ox.zip, (size_t)si, &h, &o);
        text_flush(&o);
        sgi_cells_end(&o.ox.cells, false);
        o.ox.zip.status = SG_OK;
        o.st = SG_OK;
    }
    st = odf_content(&o, "content.xml", false);
    if (st == SG_OK) {
        long long mi = sgi_zip_find(&o.ox.zip, "meta.xml");
        if (mi >= 0) {
            meta_parse m;
            memset(&m, 0, sizeof(m));
            m.o = &o;
            sgi_text_init(&m.text, ctx->mem, 64 * 1024);
            static const sgi_xml_handlers h = {mt_start, mt_end, mt_text};
            sgi_xml_member(&o.ox.zip, (size_t)mi, &h, &m);
            o.ox.zip.status = SG_OK;
            sgi_text_free(&m.text);
        }
        odf_embedded(&o);
        sgi_ooxml_pictures(&o.ox);
    }
    sgi_text_free(&o.text);
    sgi_text_free(&o.note);
    sgi_text_free(&o.rowtext);
    sgi_text_free(&o.cellsave);
    sgi_free(ctx->mem, o.annos);
    sgi_free(ctx->mem, o.styles);
    sgi_free(ctx->mem, o.hcols);
    sgi_free(ctx->mem, o.hrows);
    sgi_free(ctx->mem, o.frows);
    sgi_free(ctx->mem, o.rcells);
    return sgi_ooxml_close(&o.ox, st);
}

static int odf_bid(const sgi_peek *pk)
{
    static const char *const exts[] = {"ods", "odt", "odp", "odg", "ots", "ott", "otp", NULL};
    if (!(pk->n >= 4 && memcmp(pk->p, "PK\x03\x04", 4) == 0))
        return 0;
    /* ODF stores "mimetype" first, uncompressed: its content is at 38 */
    if (pk->n >= 73 && memcmp(pk->p + 30, "mimetype", 8) == 0 &&
        memcmp(pk->p + 38, "application/vnd.oasis.opendocument.", 35) == 0)
        return 32 + 43 * 8 + 8;
    /* writers that put it elsewhere (or compress it); not a document
     * stored in a plain ZIP, whose names are its member's */
    const unsigned char *mt = memmem(pk->p, pk->n, "application/vnd.oasis.opendocument.", 35);
    if (!mt) {
        mt = memmem(pk->p, pk->n, "mimetype", 8);
        if (mt && !memmem(pk->p, pk->n, "content.xml", 11))
            mt = NULL;
    }
    if (mt && !sgi_zip_in_member(pk->p, pk->n, (size_t)(mt - pk->p)))
        return 32 + 8 * 8;
    for (size_t i = 0; exts[i]; i++)
        if (strcmp(pk->ext, exts[i]) == 0)
            return 33;
    return 0;
}

const sgi_reader sgi_reader_odf_doc = {"odf", odf_bid, odf_scan};
