/*
 * read_pptx.c - PowerPoint presentations (PPTX, PPTM, PPSX): every slide's
 * text in presentation order, and what hides in a deck: hidden slides,
 * shapes placed wholly off the slide, pictures cropped in place (the
 * cropped part is still in the file), speaker notes, comments and their
 * authors, alt text; and what every OOXML file carries.
 *
 * Only top-level shapes are checked for being off the slide: a group's
 * children are placed in the group's own coordinates.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "ooxml_private.h"

#include <stdlib.h>
#include <string.h>

typedef struct pptx {
    sgi_ooxml ox;
    long long cx, cy; /* slide size, EMU */
    const char **slides;
    size_t nslides, capslides;
    /* comment authors: id -> name */
    const char **aid, **aname;
    size_t nauthors, capa, capn;
} pptx;

typedef struct slide_parse {
    pptx *p;
    const char *part;
    long long slide;
    bool hidden, notes;
    unsigned long long para;
    int depth, tree_depth, shape_depth;
    bool shape_off, have_off, have_ext, in_t;
    int in_fld; /* a field (slide number, date): not what someone wrote */
    long long x, y, w, h;
    char shape_name[128];
    sgi_text seg;
    unsigned seg_flags;
    const char *seg_reason;
    unsigned long long notes_chars;
    sg_status st;
} slide_parse;

static void seg_flush(slide_parse *s)
{
    if (!s->seg.len)
        return;
    sg_status st = sgi_cells_add(&s->p->ox.cells, s->para ? s->para : 1, 0, s->seg.p, s->seg.len,
                                 s->seg_flags, s->seg_reason);
    if (st != SG_OK && s->st == SG_OK) {
        s->st = st;
        sgi_xml_abort(st, sg_strerror(st));
    }
    s->seg.len = 0;
}

static void state(slide_parse *s, unsigned *flags, const char **reason)
{
    *flags = 0;
    *reason = NULL;
    if (s->notes) {
        *flags = SGI_F_HIDDEN;
        *reason = "speaker notes";
    } else if (s->hidden) {
        *flags = SGI_F_HIDDEN;
        *reason = "hidden slide";
    } else if (s->shape_off) {
        *flags = SGI_F_HIDDEN;
        *reason = "off-slide object";
    }
}

static bool is_shape(const char *name)
{
    return strcmp(name, "sp") == 0 || strcmp(name, "pic") == 0 ||
           strcmp(name, "graphicFrame") == 0 || strcmp(name, "grpSp") == 0 ||
           strcmp(name, "cxnSp") == 0;
}

static long long num(const char **attrs, const char *name)
{
    const char *v = sgi_xml_attr(attrs, name);
    return v ? strtoll(v, NULL, 10) : 0;
}

static void sl_start(void *opaque, const char *name, const char **attrs)
{
    slide_parse *s = opaque;
    s->depth++;
    if (strcmp(name, "sld") == 0) {
        const char *show = sgi_xml_attr(attrs, "show");
        s->hidden = show && (strcmp(show, "0") == 0 || strcmp(show, "false") == 0);
    } else if (strcmp(name, "spTree") == 0 && !s->tree_depth) {
        s->tree_depth = s->depth;
    } else if (is_shape(name) && s->tree_depth && s->depth == s->tree_depth + 1) {
        s->shape_depth = s->depth;
        s->shape_off = s->have_off = s->have_ext = false;
        s->shape_name[0] = '\0';
    } else if (s->shape_depth && strcmp(name, "off") == 0 && !s->have_off) {
        s->x = num(attrs, "x");
        s->y = num(attrs, "y");
        s->have_off = true;
    } else if (s->shape_depth && strcmp(name, "ext") == 0 && s->have_off && !s->have_ext &&
               sgi_xml_attr(attrs, "cx")) {
        s->w = num(attrs, "cx");
        s->h = num(attrs, "cy");
        s->have_ext = true;
        pptx *p = s->p;
        if (!s->notes && p->cx > 0 && p->cy > 0)
            s->shape_off = s->x + s->w <= 0 || s->y + s->h <= 0 || s->x >= p->cx ||
                           s->y >= p->cy;
    } else if (strcmp(name, "cNvPr") == 0) {
        const char *nm = sgi_xml_attr(attrs, "name");
        if (s->shape_depth && !s->shape_name[0])
            snprintf(s->shape_name, sizeof(s->shape_name), "%s", nm ? nm : "");
        static const char *const keys[] = {"descr", "title"};
        for (int k = 0; k < 2; k++) {
            const char *v = sgi_xml_attr(attrs, keys[k]);
            if (v && *v)
                sgi_cells_add(&s->p->ox.cells, s->para ? s->para : 1, 0, v, strlen(v),
                              SGI_F_HIDDEN, "alt text");
        }
    } else if (strcmp(name, "srcRect") == 0 && !s->notes) {
        long long l = num(attrs, "l"), t = num(attrs, "t"), r = num(attrs, "r"),
                  b = num(attrs, "b");
        if (l > 0 || t > 0 || r > 0 || b > 0) {
            char v[200];
            snprintf(v, sizeof(v),
                     "picture cropped: %.1f%% left, %.1f%% top, %.1f%% right, %.1f%% bottom "
                     "still in the file",
                     (double)l / 1000, (double)t / 1000, (double)r / 1000, (double)b / 1000);
            sg_location loc = {0};
            loc.slide = s->slide;
            sgi_ooxml_hidden(&s->p->ox, SGI_R_HIDDEN_CROPPED_IMAGE, s->part, v, NULL, v, &loc);
        }
    } else if (strcmp(name, "p") == 0) {
        seg_flush(s);
        s->para++;
    } else if (strcmp(name, "t") == 0) {
        s->in_t = true;
    } else if (strcmp(name, "fld") == 0) {
        s->in_fld++;
    } else if (strcmp(name, "br") == 0) {
        sgi_text_add(&s->seg, "\n", 1);
    }
}

static void sl_text(void *opaque, const char *t, int len)
{
    slide_parse *s = opaque;
    if (!s->in_t || (s->notes && s->in_fld))
        return;
    unsigned f;
    const char *r;
    state(s, &f, &r);
    if (f != s->seg_flags || r != s->seg_reason) {
        seg_flush(s);
        s->seg_flags = f;
        s->seg_reason = r;
    }
    sgi_text_add(&s->seg, t, (size_t)len);
    if (s->notes)
        s->notes_chars += (size_t)len;
}

static void sl_end(void *opaque, const char *name)
{
    slide_parse *s = opaque;
    if (strcmp(name, "t") == 0) {
        s->in_t = false;
    } else if (strcmp(name, "fld") == 0) {
        s->in_fld--;
    } else if (strcmp(name, "p") == 0) {
        seg_flush(s);
    } else if (s->shape_depth && s->depth == s->shape_depth && is_shape(name)) {
        seg_flush(s);
        if (s->shape_off) {
            char v[300];
            snprintf(v, sizeof(v), "shape \"%s\" placed outside the slide (at %lld, %lld EMU)",
                     s->shape_name, s->x, s->y);
            sg_location loc = {0};
            loc.slide = s->slide;
            sgi_ooxml_hidden(&s->p->ox, SGI_R_HIDDEN_OFF_SLIDE, s->part, v, NULL, v, &loc);
        }
        s->shape_depth = 0;
        s->shape_off = false;
    }
    s->depth--;
}

static sg_status read_slide_part(pptx *p, const char *part, long long slide, bool hidden_notes,
                                 bool *hidden_out, unsigned long long *notes_chars)
{
    long long i = sgi_zip_find(&p->ox.zip, part);
    if (i < 0)
        return SG_OK;
    slide_parse s;
    memset(&s, 0, sizeof(s));
    s.p = p;
    s.part = part;
    s.slide = slide;
    s.notes = hidden_notes;
    sgi_text_init(&s.seg, p->ox.ctx->mem, p->ox.ctx->eng->opt_max_record);
    sgi_cells_begin(&p->ox.cells, SGI_CELLS_TEXT, part, NULL, 0, NULL);
    p->ox.cells.slide = slide;
    static const sgi_xml_handlers h = {sl_start, sl_end, sl_text};
    sg_status st = sgi_xml_member(&p->ox.zip, (size_t)i, &h, &s);
    seg_flush(&s);
    sg_status st2 = sgi_cells_end(&p->ox.cells, false);
    sgi_text_free(&s.seg);
    if (hidden_out)
        *hidden_out = s.hidden;
    if (notes_chars)
        *notes_chars = s.notes_chars;
    return st != SG_OK ? st : st2;
}

/* ------------------------------------------------------------ comments */

typedef struct cm_parse {
    pptx *p;
    const char *part;
    long long slide;
    bool authors; /* parsing an authors part */
    bool in_text, in_t;
    const char *author;
    sgi_text text;
} cm_parse;

static void cm_start(void *opaque, const char *name, const char **attrs)
{
    cm_parse *c = opaque;
    pptx *p = c->p;
    if (c->authors) {
        if (strcmp(name, "cmAuthor") != 0 && strcmp(name, "author") != 0)
            return;
        const char *id = sgi_xml_attr(attrs, "id"), *nm = sgi_xml_attr(attrs, "name");
        if (!id || !nm)
            return;
        size_t c1 = p->capa, c2 = p->capn;
        if (!sgi_grow(p->ox.ctx->mem, (void **)&p->aid, &c1, p->nauthors + 1, sizeof(char *)) ||
            !sgi_grow(p->ox.ctx->mem, (void **)&p->aname, &c2, p->nauthors + 1, sizeof(char *)))
            return;
        p->capa = c1;
        p->capn = c2;
        sgi_arena *ar = &p->ox.ctx->res->arena;
        p->aid[p->nauthors] = sgi_arena_strndup(ar, id, strlen(id));
        p->aname[p->nauthors] = sgi_arena_strndup(ar, nm, strlen(nm));
        p->nauthors++;
        return;
    }
    if (strcmp(name, "cm") == 0) {
        const char *aid = sgi_xml_attr(attrs, "authorId");
        c->author = NULL;
        for (size_t i = 0; aid && i < p->nauthors; i++)
            if (p->aid[i] && strcmp(p->aid[i], aid) == 0)
                c->author = p->aname[i];
        c->text.len = 0;
        c->in_text = true;
    } else if (c->in_text && (strcmp(name, "text") == 0 || strcmp(name, "t") == 0)) {
        c->in_t = true;
    }
}

static void cm_text(void *opaque, const char *s, int len)
{
    cm_parse *c = opaque;
    if (c->in_t)
        sgi_text_add(&c->text, s, (size_t)len);
}

static void cm_end(void *opaque, const char *name)
{
    cm_parse *c = opaque;
    if (c->authors)
        return;
    if (strcmp(name, "text") == 0 || strcmp(name, "t") == 0) {
        c->in_t = false;
        if (name[0] == 't' && name[1] == '\0')
            sgi_text_add(&c->text, " ", 1);
    } else if (strcmp(name, "cm") == 0 && c->in_text) {
        c->in_text = false;
        pptx *p = c->p;
        sgi_arena *ar = &p->ox.ctx->res->arena;
        const char *who = c->author && *c->author ? c->author : "unknown author";
        const char *txt = c->text.p ? c->text.p : "";
        char *v = sgi_arena_printf(ar, "comment by %s: %.300s", who, txt);
        char *wm = sgi_mask_name(ar, who);
        char *m = sgi_arena_printf(ar, "comment by %s (%zu characters)", wm ? wm : "?",
                                   c->text.len);
        sg_location loc = {0};
        loc.slide = c->slide;
        if (v)
            sgi_ooxml_hidden(&p->ox, SGI_R_HIDDEN_COMMENT, c->part, v, m, NULL, &loc);
        sgi_cells_add(&p->ox.cells, 1, 0, txt, c->text.len, SGI_F_HIDDEN, "comment");
        sgi_cells_add(&p->ox.cells, 1, 0, who, strlen(who), SGI_F_HIDDEN | SGI_F_META,
                      "comment author");
    }
}

static void read_comments(pptx *p, const char *part, long long slide, bool authors)
{
    long long i = sgi_zip_find(&p->ox.zip, part);
    if (i < 0)
        return;
    cm_parse c;
    memset(&c, 0, sizeof(c));
    c.p = p;
    c.part = part;
    c.slide = slide;
    c.authors = authors;
    sgi_text_init(&c.text, p->ox.ctx->mem, 64 * 1024);
    if (!authors) {
        sgi_cells_begin(&p->ox.cells, SGI_CELLS_TEXT, part, NULL, 0, NULL);
        p->ox.cells.slide = slide;
    }
    static const sgi_xml_handlers h = {cm_start, cm_end, cm_text};
    sgi_xml_member(&p->ox.zip, (size_t)i, &h, &c);
    p->ox.zip.status = SG_OK;
    if (!authors)
        sgi_cells_end(&p->ox.cells, false);
    sgi_text_free(&c.text);
}

/* -------------------------------------------------------- presentation */

typedef struct pres_parse {
    pptx *p;
    const sgi_rels *rels;
} pres_parse;

static void pr_start(void *opaque, const char *name, const char **attrs)
{
    pres_parse *r = opaque;
    pptx *p = r->p;
    if (strcmp(name, "sldSz") == 0) {
        p->cx = num(attrs, "cx");
        p->cy = num(attrs, "cy");
    } else if (strcmp(name, "sldId") == 0) {
        const sgi_rel *rel = sgi_rels_by_id(r->rels, sgi_xml_rid(attrs));
        if (rel && !rel->external &&
            sgi_grow(p->ox.ctx->mem, (void **)&p->slides, &p->capslides, p->nslides + 1,
                     sizeof(char *)))
            p->slides[p->nslides++] = rel->target;
    }
}

sg_status sgi_pptx_read(sgi_ooxml *ox, const char *main)
{
    sgi_ctx *ctx = ox->ctx;
    ctx->res->pub.format = sgi_zip_find(&ox->zip, "ppt/vbaProject.bin") >= 0 ? "pptm" : "pptx";
    pptx p;
    memset(&p, 0, sizeof(p));
    p.ox = *ox;
    sg_status st;
    long long mi = sgi_zip_find(&p.ox.zip, main);
    if (mi < 0) {
        snprintf(ox->zip.error, sizeof(ox->zip.error), "no presentation part (%s)", main);
        return SG_E_FORMAT;
    }
    sgi_rels rels;
    sgi_ooxml_rels(&p.ox, main, &rels);
    pres_parse pr = {&p, &rels};
    static const sgi_xml_handlers h = {pr_start, NULL, NULL};
    st = sgi_xml_member(&p.ox.zip, (size_t)mi, &h, &pr);
    /* comment authors, legacy and modern */
    static const char *const atypes[] = {"commentAuthors", "authors"};
    for (int t = 0; t < 2 && st == SG_OK; t++) {
        const sgi_rel *rel = sgi_rels_by_type(&rels, atypes[t], NULL);
        if (rel && !rel->external)
            read_comments(&p, rel->target, 0, true);
    }
    for (size_t k = 0; k < p.nslides && st == SG_OK; k++) {
        long long n = (long long)k + 1;
        bool hidden = false;
        st = read_slide_part(&p, p.slides[k], n, false, &hidden, NULL);
        if (st != SG_OK)
            break;
        if (hidden) {
            char v[80];
            snprintf(v, sizeof(v), "slide %lld is hidden from the slide show", n);
            sg_location loc = {0};
            loc.slide = n;
            sgi_ooxml_hidden(&p.ox, SGI_R_HIDDEN_SLIDE, p.slides[k], v, NULL, v, &loc);
        }
        sgi_rels srels;
        if (sgi_ooxml_rels(&p.ox, p.slides[k], &srels) != SG_OK)
            continue;
        size_t from = 0;
        const sgi_rel *rel;
        while ((rel = sgi_rels_by_type(&srels, "notesSlide", &from)) != NULL) {
            unsigned long long chars = 0;
            if (!rel->external)
                st = read_slide_part(&p, rel->target, n, true, NULL, &chars);
            if (chars) {
                char v[120];
                snprintf(v, sizeof(v), "speaker notes of slide %lld (%llu characters)", n,
                         chars);
                sg_location loc = {0};
                loc.slide = n;
                sgi_ooxml_hidden(&p.ox, SGI_R_HIDDEN_SPEAKER_NOTES, rel->target, v, NULL, v,
                                 &loc);
            }
        }
        from = 0;
        while ((rel = sgi_rels_by_type(&srels, "comments", &from)) != NULL)
            if (!rel->external)
                read_comments(&p, rel->target, n, false);
        sgi_ooxml_rels_free(&p.ox, &srels);
    }
    sgi_ooxml_rels_free(&p.ox, &rels);
    if (st == SG_OK) {
        sgi_ooxml_external_rels(&p.ox);
        sgi_ooxml_metadata(&p.ox);
        sgi_ooxml_embedded(&p.ox);
        sgi_ooxml_pictures(&p.ox);
    }
    sgi_free(ctx->mem, p.slides);
    sgi_free(ctx->mem, p.aid);
    sgi_free(ctx->mem, p.aname);
    *ox = p.ox;
    return st;
}
