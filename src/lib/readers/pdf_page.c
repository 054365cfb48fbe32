/*
 * pdf_page.c - what a reader of a PDF page can see, glyph by glyph.
 *
 * A MuPDF device records every glyph (with its box, colour, size, render
 * mode, clip) and every mark that may hide one (opaque rectangles,
 * images, shadings) in paint order. Then each glyph is judged:
 *
 *   render mode 3 over an image      an OCR layer: mirrors the scan; but
 *                                    hidden if the top mark there is an
 *                                    opaque box (the scan was redacted)
 *   render mode 3 elsewhere, mode 7  invisible
 *   outside the crop box, clipped away, under 1 pt, alpha 0   invisible
 *   under an opaque mark painted later, or an annotation box   under a box
 *   the colour of the mark beneath (white on a white page)     invisible
 *
 * A mark counts as opaque only with full alpha, the Normal blend mode in
 * every enclosing group, outside soft-mask definitions and pattern cells
 * (a Multiply highlight hides nothing). Only rectangles are taken as
 * boxes: a curve's box is not the area it paints.
 *
 * Memory is per page: glyphs and marks are capped (max_glyphs,
 * max_marks) and the page says when it was cut.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "pdf_private.h"

#include <math.h>
#include <string.h>

#define CLIP_DEPTH 256
#define GROUP_DEPTH 256
#define TINY_PT 1.0f

const char *sgi_pdf_vis_reason(pdf_vis v)
{
    switch (v) {
    case PDF_VISIBLE:
        return "visible";
    case PDF_OCR:
        return "OCR text layer";
    case PDF_INVISIBLE:
        return "invisible text (render mode 3)";
    case PDF_CLIP_ONLY:
        return "text used only as a clip (render mode 7)";
    case PDF_OUTSIDE:
        return "text outside the crop box";
    case PDF_CLIPPED:
        return "text clipped away";
    case PDF_TINY:
        return "text too small to read";
    case PDF_TRANSPARENT:
        return "fully transparent text";
    case PDF_SAME_COLOUR:
        return "text the colour of its background";
    case PDF_UNDER_BOX:
        return "text under a box";
    case PDF_UNDER_ANNOT:
        return "text under an annotation";
    case PDF_VIS_COUNT:
        break;
    }
    return "?";
}

void sgi_pdf_page_init(pdf_page_rec *p, const sgi_mem *mem)
{
    memset(p, 0, sizeof(*p));
    p->mem = mem;
    p->max_glyphs = 1u << 20;
    p->max_marks = 1u << 18;
}

void sgi_pdf_page_reset(pdf_page_rec *p, fz_rect bounds)
{
    p->bounds = bounds;
    p->ng = p->nm = 0;
    p->truncated = p->nomem = false;
    p->image_area = 0;
}

void sgi_pdf_page_drop_images(fz_context *ctx, pdf_page_rec *p)
{
    for (int i = 0; i < p->njpeg; i++)
        fz_drop_image(ctx, p->jpeg[i]);
    p->njpeg = 0;
}

void sgi_pdf_page_free(pdf_page_rec *p)
{
    sgi_free(p->mem, p->g);
    sgi_free(p->mem, p->m);
    p->g = NULL;
    p->m = NULL;
    p->ng = p->nm = p->capg = p->capm = 0;
}

/* ------------------------------------------------------------- device */

typedef struct rec_dev {
    fz_device super;
    sgi_pdf_state *st;
    pdf_page_rec *rec;
    uint32_t seq;
    fz_rect clip[CLIP_DEPTH];
    bool soft[CLIP_DEPTH]; /* the clip is a soft mask */
    unsigned nclip; /* may pass CLIP_DEPTH: deeper clips keep the last rect */
    unsigned nsoft; /* soft masks in force */
    bool group_opaque[GROUP_DEPTH];
    unsigned ngroup;
    unsigned mask_depth; /* inside a soft mask's definition */
    unsigned tile_depth; /* inside a pattern cell */
    const fz_text *filled; /* the text last filled or stroked */
    /* colour conversion cache */
    fz_colorspace *cs;
    float cv[FZ_MAX_COLORS];
    int ncv;
    unsigned char rgb[3];
    unsigned calls;
} rec_dev;

static fz_rect clip_top(rec_dev *d)
{
    if (d->nclip == 0)
        return fz_infinite_rect;
    return d->clip[SGI_MIN(d->nclip, (unsigned)CLIP_DEPTH) - 1];
}

static void push_clip(rec_dev *d, fz_rect r)
{
    r = fz_intersect_rect(r, clip_top(d));
    if (d->nclip < CLIP_DEPTH) {
        d->clip[d->nclip] = r;
        d->soft[d->nclip] = false;
    }
    d->nclip++;
}

static bool group_opaque(const rec_dev *d)
{
    if (d->nsoft)
        return false;
    return d->ngroup == 0 || d->group_opaque[SGI_MIN(d->ngroup, (unsigned)GROUP_DEPTH) - 1];
}

/* Every so often: has the file's time run out? */
static void tick(fz_context *ctx, rec_dev *d)
{
    if ((++d->calls & 255) == 0 && sgi_pdf_time_up(d->st))
        fz_throw(ctx, FZ_ERROR_GENERIC, "time limit reached");
}

static bool to_rgb(fz_context *ctx, rec_dev *d, fz_colorspace *cs, const float *color,
                   fz_color_params cp, unsigned char out[3])
{
    if (!cs || !color)
        return false;
    int n = fz_colorspace_n(ctx, cs);
    if (n <= 0 || n > FZ_MAX_COLORS)
        return false;
    if (cs == d->cs && n == d->ncv && memcmp(color, d->cv, (size_t)n * sizeof(float)) == 0) {
        memcpy(out, d->rgb, 3);
        return true;
    }
    float rgb[3] = {0, 0, 0};
    fz_try(ctx)
        fz_convert_color(ctx, cs, color, fz_device_rgb(ctx), rgb, NULL, cp);
    fz_catch(ctx)
        return false;
    for (int i = 0; i < 3; i++) {
        float v = rgb[i] < 0 ? 0 : rgb[i] > 1 ? 1 : rgb[i];
        out[i] = (unsigned char)lrintf(v * 255.0f);
    }
    d->cs = cs;
    d->ncv = n;
    memcpy(d->cv, color, (size_t)n * sizeof(float));
    memcpy(d->rgb, out, 3);
    return true;
}

static pdf_mark *add_mark(rec_dev *d, fz_rect r)
{
    pdf_page_rec *p = d->rec;
    if (fz_is_empty_rect(r))
        return NULL;
    if (p->nm >= p->max_marks) {
        p->truncated = true;
        return NULL;
    }
    if (!sgi_grow(p->mem, (void **)&p->m, &p->capm, p->nm + 1, sizeof(pdf_mark))) {
        p->nomem = true;
        return NULL;
    }
    pdf_mark *m = &p->m[p->nm++];
    memset(m, 0, sizeof(*m));
    m->r = r;
    m->seq = d->seq++;
    return m;
}

/* Collect the rectangles of a path: each subpath that is a rectangle
 * (re, or four axis-aligned sides) becomes one mark. */
typedef struct rect_walk {
    float x0, y0;   /* subpath start */
    float px, py;   /* current point */
    float xs[5], ys[5];
    int npts;
    bool bad;
    fz_rect found[16];
    int nfound;
    bool other; /* a subpath that is not a rectangle */
} rect_walk;

static void rw_flush(rect_walk *w)
{
    if (w->npts == 0)
        return;
    /* drop a closing point equal to the start */
    int n = w->npts;
    if (n == 5 && w->xs[4] == w->xs[0] && w->ys[4] == w->ys[0])
        n = 4;
    bool rect = !w->bad && n == 4;
    if (rect) {
        for (int i = 0; i < 4 && rect; i++) {
            int j = (i + 1) % 4;
            rect = w->xs[i] == w->xs[j] || w->ys[i] == w->ys[j];
        }
    }
    if (rect) {
        fz_rect r = {w->xs[0], w->ys[0], w->xs[0], w->ys[0]};
        for (int i = 1; i < 4; i++)
            r = fz_include_point_in_rect(r, fz_make_point(w->xs[i], w->ys[i]));
        if (w->nfound < 16)
            w->found[w->nfound++] = r;
        else
            w->other = true;
    } else if (n > 1) {
        w->other = true;
    }
    w->npts = 0;
    w->bad = false;
}

static void rw_moveto(fz_context *ctx, void *arg, float x, float y)
{
    rect_walk *w = arg;
    rw_flush(w);
    w->x0 = w->px = x;
    w->y0 = w->py = y;
    w->xs[0] = x;
    w->ys[0] = y;
    w->npts = 1;
}

static void rw_lineto(fz_context *ctx, void *arg, float x, float y)
{
    rect_walk *w = arg;
    if (w->npts == 0 || w->npts >= 5) {
        w->bad = true;
        return;
    }
    w->xs[w->npts] = x;
    w->ys[w->npts] = y;
    w->npts++;
    w->px = x;
    w->py = y;
}

static void rw_curveto(fz_context *ctx, void *arg, float x1, float y1, float x2, float y2,
                       float x3, float y3)
{
    rect_walk *w = arg;
    w->bad = true;
    w->px = x3;
    w->py = y3;
}

static void rw_closepath(fz_context *ctx, void *arg)
{
    rw_flush(arg);
}

static void rw_rectto(fz_context *ctx, void *arg, float x1, float y1, float x2, float y2)
{
    rect_walk *w = arg;
    rw_flush(w);
    if (w->nfound < 16)
        w->found[w->nfound++] = fz_make_rect(SGI_MIN(x1, x2), SGI_MIN(y1, y2), SGI_MAX(x1, x2),
                                             SGI_MAX(y1, y2));
    else
        w->other = true;
}

static const fz_path_walker rect_walker = {rw_moveto,  rw_lineto, rw_curveto, rw_closepath,
                                           NULL,       NULL,      NULL,       rw_rectto};

static void dev_fill_path(fz_context *ctx, fz_device *dev, const fz_path *path, int even_odd,
                          fz_matrix ctm, fz_colorspace *cs, const float *color, float alpha,
                          fz_color_params cp)
{
    rec_dev *d = (rec_dev *)dev;
    tick(ctx, d);
    if (d->mask_depth || d->tile_depth)
        return;
    rect_walk w;
    memset(&w, 0, sizeof(w));
    fz_walk_path(ctx, path, &rect_walker, &w);
    rw_flush(&w);
    bool opaque = alpha >= 0.99f && group_opaque(d);
    unsigned char rgb[3];
    bool known = to_rgb(ctx, d, cs, color, cp, rgb);
    fz_rect clip = clip_top(d);
    for (int i = 0; i < w.nfound; i++) {
        fz_rect r = fz_intersect_rect(fz_transform_rect(w.found[i], ctm), clip);
        pdf_mark *m = add_mark(d, r);
        if (!m)
            continue;
        m->opaque = opaque;
        m->colour_known = known;
        memcpy(m->rgb, rgb, 3);
    }
}

static void dev_fill_shade(fz_context *ctx, fz_device *dev, fz_shade *shd, fz_matrix ctm,
                           float alpha, fz_color_params cp)
{
    rec_dev *d = (rec_dev *)dev;
    tick(ctx, d);
    if (d->mask_depth || d->tile_depth)
        return;
    fz_rect r = fz_intersect_rect(fz_bound_shade(ctx, shd, ctm), clip_top(d));
    pdf_mark *m = add_mark(d, r);
    if (m)
        m->opaque = alpha >= 0.99f && group_opaque(d);
}

static void dev_fill_image(fz_context *ctx, fz_device *dev, fz_image *img, fz_matrix ctm,
                           float alpha, fz_color_params cp)
{
    rec_dev *d = (rec_dev *)dev;
    tick(ctx, d);
    if (d->mask_depth || d->tile_depth)
        return;
    fz_rect r = fz_intersect_rect(fz_transform_rect(fz_unit_rect, ctm), clip_top(d));
    r = fz_intersect_rect(r, d->rec->bounds);
    pdf_mark *m = add_mark(d, r);
    if (!m)
        return;
    m->image = true;
    m->opaque = alpha >= 0.99f && group_opaque(d) && !img->mask && !img->use_colorkey;
    d->rec->image_area += (double)(r.x1 - r.x0) * (double)(r.y1 - r.y0);
    /* a JPEG as stored keeps its EXIF: read it after the page */
    fz_compressed_buffer *cb = fz_compressed_image_buffer(ctx, img);
    pdf_page_rec *p = d->rec;
    if (cb && cb->buffer && cb->params.type == FZ_IMAGE_JPEG && p->njpeg < PDF_MAX_JPEGS) {
        for (int i = 0; i < p->njpeg; i++)
            if (p->jpeg[i] == img)
                return;
        p->jpeg[p->njpeg++] = fz_keep_image(ctx, img);
    }
}

/* A glyph's advance (in text space units), or a guess when its font
 * cannot say. */
static float advance(fz_context *ctx, fz_font *font, int gid, int wmode)
{
    volatile float adv = 0.5f;
    fz_try(ctx)
        adv = fz_advance_glyph(ctx, font, gid, wmode);
    fz_catch(ctx)
        adv = 0.5f;
    return adv > 0 && adv < 8 ? adv : 0.5f;
}

static void add_text(fz_context *ctx, rec_dev *d, const fz_text *text, fz_matrix ctm,
                     int kind, fz_colorspace *cs, const float *color, float alpha,
                     fz_color_params cp)
{
    pdf_page_rec *p = d->rec;
    unsigned char rgb[3] = {0, 0, 0};
    bool known = kind <= GK_STROKE && to_rgb(ctx, d, cs, color, cp, rgb);
    fz_rect clip = clip_top(d);
    for (const fz_text_span *span = text->head; span; span = span->next) {
        for (int i = 0; i < span->len; i++) {
            const fz_text_item *it = &span->items[i];
            if (p->ng >= p->max_glyphs) {
                p->truncated = true;
                return;
            }
            if (!sgi_grow(p->mem, (void **)&p->g, &p->capg, p->ng + 1, sizeof(pdf_glyph))) {
                p->nomem = true;
                return;
            }
            fz_matrix tm = span->trm;
            tm.e = it->x;
            tm.f = it->y;
            fz_matrix trm = fz_concat(tm, ctm);
            float adv = it->gid >= 0 ? advance(ctx, span->font, it->gid, (int)span->wmode)
                                     : 0.5f;
            pdf_glyph *g = &p->g[p->ng++];
            memset(g, 0, sizeof(*g));
            fz_rect box = span->wmode ? fz_make_rect(-0.5f, -adv, 0.5f, 0)
                                      : fz_make_rect(0, -0.2f, adv, 0.8f);
            g->r = fz_transform_rect(box, trm);
            g->ox = trm.e;
            g->oy = trm.f;
            fz_point e = fz_transform_point(span->wmode ? fz_make_point(0, -adv)
                                                        : fz_make_point(adv, 0),
                                            trm);
            g->ex = e.x;
            g->ey = e.y;
            float len = hypotf(trm.a, trm.b);
            g->dx = len > 0 ? trm.a / len : 1;
            g->dy = len > 0 ? trm.b / len : 0;
            g->size = sqrtf(fabsf(trm.a * trm.d - trm.b * trm.c));
            g->ucs = it->ucs;
            g->continues = it->gid < 0;
            g->seq = d->seq++;
            g->kind = (unsigned char)kind;
            g->alpha = alpha;
            g->colour_known = known;
            memcpy(g->rgb, rgb, 3);
            g->clipped = !fz_is_infinite_rect(clip) &&
                         fz_is_empty_rect(fz_intersect_rect(g->r, clip));
            g->mark = -1;
        }
    }
}

static void dev_fill_text(fz_context *ctx, fz_device *dev, const fz_text *text, fz_matrix ctm,
                          fz_colorspace *cs, const float *color, float alpha,
                          fz_color_params cp)
{
    rec_dev *d = (rec_dev *)dev;
    tick(ctx, d);
    d->filled = text;
    add_text(ctx, d, text, ctm, GK_FILL, cs, color, alpha, cp);
}

static void dev_stroke_text(fz_context *ctx, fz_device *dev, const fz_text *text,
                            const fz_stroke_state *stroke, fz_matrix ctm, fz_colorspace *cs,
                            const float *color, float alpha, fz_color_params cp)
{
    rec_dev *d = (rec_dev *)dev;
    tick(ctx, d);
    if (d->filled == text)
        return; /* fill and stroke (mode 2): once */
    d->filled = text;
    add_text(ctx, d, text, ctm, GK_STROKE, cs, color, alpha, cp);
}

static void dev_clip_text(fz_context *ctx, fz_device *dev, const fz_text *text, fz_matrix ctm,
                          fz_rect scissor)
{
    rec_dev *d = (rec_dev *)dev;
    tick(ctx, d);
    if (d->filled != text) /* mode 7: only a clip */
        add_text(ctx, d, text, ctm, GK_CLIP, NULL, NULL, 1, fz_default_color_params);
    push_clip(d, fz_bound_text(ctx, text, NULL, ctm));
}

static void dev_clip_stroke_text(fz_context *ctx, fz_device *dev, const fz_text *text,
                                 const fz_stroke_state *stroke, fz_matrix ctm, fz_rect scissor)
{
    dev_clip_text(ctx, dev, text, ctm, scissor);
}

static void dev_ignore_text(fz_context *ctx, fz_device *dev, const fz_text *text, fz_matrix ctm)
{
    rec_dev *d = (rec_dev *)dev;
    tick(ctx, d);
    add_text(ctx, d, text, ctm, GK_INVISIBLE, NULL, NULL, 1, fz_default_color_params);
}

static void dev_clip_path(fz_context *ctx, fz_device *dev, const fz_path *path, int even_odd,
                          fz_matrix ctm, fz_rect scissor)
{
    rec_dev *d = (rec_dev *)dev;
    tick(ctx, d);
    push_clip(d, fz_bound_path(ctx, path, NULL, ctm));
}

static void dev_clip_stroke_path(fz_context *ctx, fz_device *dev, const fz_path *path,
                                 const fz_stroke_state *stroke, fz_matrix ctm, fz_rect scissor)
{
    rec_dev *d = (rec_dev *)dev;
    tick(ctx, d);
    push_clip(d, fz_bound_path(ctx, path, stroke, ctm));
}

static void dev_clip_image_mask(fz_context *ctx, fz_device *dev, fz_image *img, fz_matrix ctm,
                                fz_rect scissor)
{
    rec_dev *d = (rec_dev *)dev;
    push_clip(d, fz_transform_rect(fz_unit_rect, ctm));
}

static void dev_pop_clip(fz_context *ctx, fz_device *dev)
{
    rec_dev *d = (rec_dev *)dev;
    if (!d->nclip)
        return;
    d->nclip--;
    if (d->nclip < CLIP_DEPTH && d->soft[d->nclip]) {
        d->soft[d->nclip] = false;
        d->nsoft--;
    }
}

static void dev_begin_mask(fz_context *ctx, fz_device *dev, fz_rect area, int luminosity,
                           fz_colorspace *cs, const float *bc, fz_color_params cp)
{
    rec_dev *d = (rec_dev *)dev;
    d->mask_depth++;
}

static void dev_end_mask(fz_context *ctx, fz_device *dev)
{
    rec_dev *d = (rec_dev *)dev;
    if (d->mask_depth)
        d->mask_depth--;
    /* the mask now applies to what follows, until its pop_clip: content
     * under a soft mask may be see-through, so it is not opaque */
    push_clip(d, fz_infinite_rect);
    if (d->nclip <= CLIP_DEPTH) {
        d->soft[d->nclip - 1] = true;
        d->nsoft++;
    }
}

static void dev_begin_group(fz_context *ctx, fz_device *dev, fz_rect area, fz_colorspace *cs,
                            int isolated, int knockout, int blendmode, float alpha)
{
    rec_dev *d = (rec_dev *)dev;
    bool ok = group_opaque(d) && alpha >= 0.99f && blendmode == FZ_BLEND_NORMAL;
    if (d->ngroup < GROUP_DEPTH)
        d->group_opaque[d->ngroup] = ok;
    d->ngroup++;
}

static void dev_end_group(fz_context *ctx, fz_device *dev)
{
    rec_dev *d = (rec_dev *)dev;
    if (d->ngroup)
        d->ngroup--;
}

static int dev_begin_tile(fz_context *ctx, fz_device *dev, fz_rect area, fz_rect view,
                          float xstep, float ystep, fz_matrix ctm, int id)
{
    rec_dev *d = (rec_dev *)dev;
    d->tile_depth++;
    return 0;
}

static void dev_end_tile(fz_context *ctx, fz_device *dev)
{
    rec_dev *d = (rec_dev *)dev;
    if (d->tile_depth)
        d->tile_depth--;
}

void sgi_pdf_page_run(sgi_pdf_state *st, pdf_page *page, pdf_page_rec *rec, fz_cookie *cookie)
{
    fz_context *ctx = st->fz;
    rec_dev *d = fz_new_derived_device(ctx, rec_dev);
    d->st = st;
    d->rec = rec;
    d->super.fill_path = dev_fill_path;
    d->super.fill_shade = dev_fill_shade;
    d->super.fill_image = dev_fill_image;
    d->super.fill_text = dev_fill_text;
    d->super.stroke_text = dev_stroke_text;
    d->super.clip_text = dev_clip_text;
    d->super.clip_stroke_text = dev_clip_stroke_text;
    d->super.ignore_text = dev_ignore_text;
    d->super.clip_path = dev_clip_path;
    d->super.clip_stroke_path = dev_clip_stroke_path;
    d->super.clip_image_mask = dev_clip_image_mask;
    d->super.pop_clip = dev_pop_clip;
    d->super.begin_mask = dev_begin_mask;
    d->super.end_mask = dev_end_mask;
    d->super.begin_group = dev_begin_group;
    d->super.end_group = dev_end_group;
    d->super.begin_tile = dev_begin_tile;
    d->super.end_tile = dev_end_tile;
    fz_try(ctx)
    {
        pdf_run_page_contents(ctx, page, &d->super, fz_identity, cookie);
        fz_close_device(ctx, &d->super);
    }
    fz_always(ctx)
        fz_drop_device(ctx, &d->super);
    fz_catch(ctx)
        fz_rethrow(ctx);
}

void sgi_pdf_page_annot_mark(pdf_page_rec *rec, fz_rect r, const char *kind)
{
    if (fz_is_empty_rect(r) || rec->nm >= rec->max_marks)
        return;
    if (!sgi_grow(rec->mem, (void **)&rec->m, &rec->capm, rec->nm + 1, sizeof(pdf_mark))) {
        rec->nomem = true;
        return;
    }
    pdf_mark *m = &rec->m[rec->nm++];
    memset(m, 0, sizeof(*m));
    m->r = r;
    m->seq = UINT32_MAX; /* annotations are drawn over the page */
    m->opaque = true;
    m->annot = kind;
}

/* ---------------------------------------------------------- classify */

/* A coarse grid over the page: each cell lists the marks that touch it,
 * so a glyph looks at the marks near it only. */
#define GRID 16

typedef struct grid {
    const sgi_mem *mem;
    fz_rect area;
    float cw, ch;
    size_t *start; /* GRID*GRID + 1 offsets into idx */
    uint32_t *idx;
    bool ok;
} grid;

static void cell_range(const grid *gr, fz_rect r, int *cx0, int *cy0, int *cx1, int *cy1)
{
    float x0 = (r.x0 - gr->area.x0) / gr->cw, x1 = (r.x1 - gr->area.x0) / gr->cw;
    float y0 = (r.y0 - gr->area.y0) / gr->ch, y1 = (r.y1 - gr->area.y0) / gr->ch;
    *cx0 = x0 < 0 ? 0 : x0 >= GRID ? GRID - 1 : (int)x0;
    *cx1 = x1 < 0 ? 0 : x1 >= GRID ? GRID - 1 : (int)x1;
    *cy0 = y0 < 0 ? 0 : y0 >= GRID ? GRID - 1 : (int)y0;
    *cy1 = y1 < 0 ? 0 : y1 >= GRID ? GRID - 1 : (int)y1;
}

static void grid_build(grid *gr, const pdf_page_rec *p)
{
    memset(gr, 0, sizeof(*gr));
    gr->mem = p->mem;
    gr->area = p->bounds;
    if (fz_is_empty_rect(gr->area) || fz_is_infinite_rect(gr->area))
        gr->area = fz_make_rect(0, 0, 612, 792);
    gr->cw = (gr->area.x1 - gr->area.x0) / GRID;
    gr->ch = (gr->area.y1 - gr->area.y0) / GRID;
    if (!(gr->cw > 0) || !(gr->ch > 0))
        return;
    gr->start = sgi_calloc(p->mem, GRID * GRID + 1, sizeof(size_t));
    if (!gr->start)
        return;
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < p->nm; i++) {
            int cx0, cy0, cx1, cy1;
            cell_range(gr, p->m[i].r, &cx0, &cy0, &cx1, &cy1);
            for (int y = cy0; y <= cy1; y++)
                for (int x = cx0; x <= cx1; x++) {
                    size_t c = (size_t)y * GRID + (size_t)x;
                    if (pass == 0)
                        gr->start[c + 1]++;
                    else
                        gr->idx[gr->start[c]++] = (uint32_t)i;
                }
        }
        if (pass == 0) {
            for (size_t c = 0; c < GRID * GRID; c++)
                gr->start[c + 1] += gr->start[c];
            total = gr->start[GRID * GRID];
            gr->idx = sgi_malloc(p->mem, (total ? total : 1) * sizeof(uint32_t));
            if (!gr->idx)
                return;
        }
    }
    /* the second pass moved each start to its end: shift back */
    for (size_t c = GRID * GRID; c > 0; c--)
        gr->start[c] = gr->start[c - 1];
    gr->start[0] = 0;
    gr->ok = true;
}

static void grid_free(grid *gr)
{
    sgi_free(gr->mem, gr->start);
    sgi_free(gr->mem, gr->idx);
}

static bool contains(fz_rect r, float x, float y)
{
    return x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1;
}

static bool same_colour(const unsigned char a[3], const unsigned char b[3])
{
    for (int i = 0; i < 3; i++)
        if (abs((int)a[i] - (int)b[i]) > 10)
            return false;
    return true;
}

void sgi_pdf_page_classify(pdf_page_rec *p)
{
    grid gr;
    grid_build(&gr, p);
    static const unsigned char white[3] = {255, 255, 255};
    for (size_t i = 0; i < p->ng; i++) {
        pdf_glyph *g = &p->g[i];
        float cx = (g->r.x0 + g->r.x1) / 2, cy = (g->r.y0 + g->r.y1) / 2;
        /* the marks at the glyph's centre: over it, under it, topmost */
        int over = -1, under = -1, top = -1, image_at = -1;
        if (gr.ok) {
            int cx0, cy0, cx1, cy1;
            cell_range(&gr, fz_make_rect(cx, cy, cx, cy), &cx0, &cy0, &cx1, &cy1);
            size_t c = (size_t)cy0 * GRID + (size_t)cx0;
            for (size_t k = gr.start[c]; k < gr.start[c + 1]; k++) {
                uint32_t mi = gr.idx[k];
                const pdf_mark *m = &p->m[mi];
                if (!contains(m->r, cx, cy))
                    continue;
                if (m->image)
                    image_at = (int)mi;
                if (top < 0 || m->seq >= p->m[top].seq)
                    top = (int)mi;
                if (m->seq > g->seq && m->opaque && over < 0)
                    over = (int)mi;
                if (m->seq < g->seq && (under < 0 || m->seq > p->m[under].seq))
                    under = (int)mi;
            }
        }
        pdf_vis v = PDF_VISIBLE;
        if (g->kind == GK_INVISIBLE) {
            if (image_at < 0) {
                v = PDF_INVISIBLE;
            } else if (top >= 0 && !p->m[top].image && p->m[top].opaque) {
                /* OCR text whose scan is covered by a box */
                v = p->m[top].annot ? PDF_UNDER_ANNOT : PDF_UNDER_BOX;
                g->mark = top;
            } else {
                v = PDF_OCR;
            }
        } else if (g->kind == GK_CLIP) {
            v = PDF_CLIP_ONLY;
        } else if (!contains(p->bounds, cx, cy)) {
            v = PDF_OUTSIDE;
        } else if (g->clipped) {
            v = PDF_CLIPPED;
        } else if (g->size < TINY_PT) {
            v = PDF_TINY;
        } else if (g->alpha < 0.01f) {
            v = PDF_TRANSPARENT;
        } else if (over >= 0) {
            v = p->m[over].annot ? PDF_UNDER_ANNOT : PDF_UNDER_BOX;
            g->mark = over;
        } else if (g->colour_known) {
            const unsigned char *bg = white;
            bool known = true;
            if (under >= 0) {
                known = p->m[under].colour_known;
                bg = p->m[under].rgb;
            }
            if (known && same_colour(g->rgb, bg))
                v = PDF_SAME_COLOUR;
        }
        g->vis = (unsigned char)v;
    }
    grid_free(&gr);
}

/* ------------------------------------------------------------- lines */

#define MAX_BUILDERS 128
#define LINE_MAX_BYTES 4096

typedef struct builder {
    unsigned char vis;
    int mark;
    bool open;
    const pdf_glyph *last;
    char buf[LINE_MAX_BYTES + 8];
    size_t n;
    fz_rect box;
} builder;

typedef struct line_ctx {
    const sgi_mem *mem;
    builder *b;
    size_t nb;
    pdf_line_fn fn;
    void *opaque;
    bool stop;
} line_ctx;

static void flush(line_ctx *lc, builder *b)
{
    if (!b->open)
        return;
    b->open = false;
    size_t n = b->n;
    while (n && b->buf[n - 1] == ' ')
        n--;
    if (n && !lc->stop) {
        b->buf[n] = '\0';
        pdf_line l = {b->buf, n, b->box, b->vis, b->mark};
        if (!lc->fn(lc->opaque, &l))
            lc->stop = true;
    }
    b->n = 0;
    b->last = NULL;
}

static builder *builder_for(line_ctx *lc, unsigned char vis, int mark)
{
    for (size_t i = 0; i < lc->nb; i++)
        if (lc->b[i].vis == vis && lc->b[i].mark == mark)
            return &lc->b[i];
    if (lc->nb == MAX_BUILDERS) {
        /* many boxes: the rest share the last builder of their kind */
        for (size_t i = lc->nb; i-- > 0;)
            if (lc->b[i].vis == vis)
                return &lc->b[i];
        return &lc->b[lc->nb - 1];
    }
    builder *b = &lc->b[lc->nb++];
    memset(b, 0, sizeof(*b));
    b->vis = vis;
    b->mark = mark;
    return b;
}

static void put(builder *b, const char *s, size_t n)
{
    if (b->n + n > LINE_MAX_BYTES)
        return;
    memcpy(b->buf + b->n, s, n);
    b->n += n;
}

static void add_glyph(line_ctx *lc, builder *b, const pdf_glyph *g)
{
    if (b->open && b->last && !g->continues) {
        const pdf_glyph *l = b->last;
        float vx = g->ox - l->ex, vy = g->oy - l->ey;
        float along = vx * l->dx + vy * l->dy;
        float perp = -vx * l->dy + vy * l->dx;
        float s = SGI_MAX(l->size, g->size);
        if (s <= 0)
            s = 1;
        if (fabsf(perp) > 0.6f * s || along < -1.5f * s || along > 40 * s) {
            flush(lc, b);
        } else if (along > 0.2f * s && b->n && b->buf[b->n - 1] != ' ') {
            put(b, " ", 1);
        }
    }
    if (!b->open) {
        b->open = true;
        b->n = 0;
        b->box = g->r;
    } else {
        b->box = fz_union_rect(b->box, g->r);
    }
    int c = g->ucs;
    if (c <= 0 || c == 0xFFFD || c > 0x10FFFF || (c >= 0xD800 && c < 0xE000))
        c = '?';
    if (c < 32 || c == 0xA0 || c == 0x3000)
        c = ' ';
    if (c == ' ') {
        if (b->n && b->buf[b->n - 1] != ' ')
            put(b, " ", 1);
    } else {
        char u[8];
        int k = fz_runetochar(u, c);
        put(b, u, (size_t)k);
    }
    b->last = g;
}

bool sgi_pdf_page_lines(pdf_page_rec *p, const sgi_mem *mem, pdf_line_fn fn, void *opaque)
{
    line_ctx lc = {mem, NULL, 0, fn, opaque, false};
    lc.b = sgi_malloc(mem, MAX_BUILDERS * sizeof(builder));
    if (!lc.b)
        return false;
    for (size_t i = 0; i < p->ng && !lc.stop; i++) {
        const pdf_glyph *g = &p->g[i];
        int mark = g->vis == PDF_UNDER_BOX || g->vis == PDF_UNDER_ANNOT ? g->mark : -1;
        builder *b = builder_for(&lc, g->vis, mark);
        add_glyph(&lc, b, g);
    }
    for (size_t i = 0; i < lc.nb; i++)
        flush(&lc, &lc.b[i]);
    sgi_free(mem, lc.b);
    return !lc.stop;
}
