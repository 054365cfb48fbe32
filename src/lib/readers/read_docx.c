/*
 * read_docx.c - Word documents (DOCX, DOCM, DOTX): the body, headers,
 * footers, footnotes, endnotes, text boxes and comments, and what hides
 * in them: tracked insertions, deletions and moves with their authors,
 * text formatted to vanish, white or too small to read, comments and their
 * authors, image alt text; and what every OOXML file carries (metadata,
 * embedded files, macros, links to files outside).
 *
 * Text is gathered per paragraph into segments that share one hidden
 * state, so that an identifier split over several runs (as Word splits
 * them for spelling marks) is still seen whole.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "ooxml_private.h"

#include <stdlib.h>
#include <string.h>

enum { HID_NONE, HID_TINY, HID_WHITE, HID_VANISH, HID_MOVE, HID_DEL, HID_COMMENT };

static const char *const hid_reason[] = {NULL,           "tiny text",       "white text",
                                         "hidden text",  "tracked move",    "tracked deletion",
                                         "comment"};

typedef struct change {
    int kind; /* 'i' insertion, 'd' deletion, 'm' move */
    char author[128];
    size_t chars;
    sgi_text text;
} change;

typedef struct docx_parse {
    sgi_ooxml *ox;
    const char *part;
    bool comments_part;
    unsigned long long para;
    /* run state */
    bool in_run, in_rpr, run_vanish, run_white, run_tiny;
    bool in_t, in_del_text, in_fallback;
    int fallback_depth;
    /* the open change, if any */
    change ch;
    int in_change; /* nesting of w:ins/w:del/w:moveFrom/w:moveTo */
    int change_kind;
    /* segment being built */
    sgi_text seg;
    int seg_hid;
    /* comment part: the open comment */
    char comment_author[128];
    sgi_text comment;
    bool in_comment;
    unsigned long long hidden_runs, hidden_chars, first_hidden_para;
    sg_status st;
} docx_parse;

static void seg_flush(docx_parse *d)
{
    if (!d->seg.len)
        return;
    int h = d->seg_hid;
    unsigned flags = h ? SGI_F_HIDDEN : 0;
    sg_status st = sgi_cells_add(&d->ox->cells, d->para, 0, d->seg.p, d->seg.len, flags,
                                 hid_reason[h]);
    if (st != SG_OK && d->st == SG_OK) {
        d->st = st;
        sgi_xml_abort(st, sg_strerror(st));
    }
    d->seg.len = 0;
}

static int current_hid(const docx_parse *d)
{
    if (d->comments_part)
        return HID_COMMENT;
    if (d->in_change && d->change_kind == 'd')
        return HID_DEL;
    if (d->in_change && d->change_kind == 'f')
        return HID_MOVE;
    if (d->run_vanish)
        return HID_VANISH;
    if (d->run_white)
        return HID_WHITE;
    if (d->run_tiny)
        return HID_TINY;
    return HID_NONE;
}

static void add_text(docx_parse *d, const char *s, size_t n)
{
    int h = current_hid(d);
    if (h != d->seg_hid) {
        seg_flush(d);
        d->seg_hid = h;
    }
    sgi_text_add(&d->seg, s, n);
    if (h == HID_VANISH || h == HID_WHITE || h == HID_TINY) {
        d->hidden_chars += n;
        if (!d->first_hidden_para)
            d->first_hidden_para = d->para;
    }
    if (d->in_change)
        sgi_text_add(&d->ch.text, s, n);
    if (d->in_comment)
        sgi_text_add(&d->comment, s, n);
}

static void report_change(docx_parse *d)
{
    sgi_ooxml *ox = d->ox;
    sgi_arena *ar = &ox->ctx->res->arena;
    const char *what = d->change_kind == 'd'   ? "deletion"
                       : d->change_kind == 'i' ? "insertion"
                       : d->change_kind == 'f' ? "move (old place)"
                                               : "move (new place)";
    const char *who = d->ch.author[0] ? d->ch.author : "unknown author";
    const char *txt = d->ch.text.p ? d->ch.text.p : "";
    if (!d->ch.text.len)
        return; /* a paragraph mark or formatting: nothing to read */
    char *v = sgi_arena_printf(ar, "%s by %s: %.300s", what, who, txt);
    char *wm = sgi_mask_name(ar, who);
    char *m = sgi_arena_printf(ar, "%s by %s (%zu characters)", what, wm ? wm : "?",
                               d->ch.text.len);
    sg_location loc = {0};
    loc.paragraph = (long long)d->para;
    if (v)
        sgi_ooxml_hidden(ox, SGI_R_HIDDEN_TRACKED_CHANGE, d->part, v, m, NULL, &loc);
}

/* A toggle property: on unless its val says 0, false or off. */
static bool on(const char **attrs)
{
    const char *v = sgi_xml_attr(attrs, "val");
    return !v || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
}

static void dx_start(void *opaque, const char *name, const char **attrs)
{
    docx_parse *d = opaque;
    if (d->in_fallback) {
        d->fallback_depth++;
        return;
    }
    if (strcmp(name, "Fallback") == 0) {
        /* VML copies of what mc:Choice holds: read once */
        d->in_fallback = true;
        d->fallback_depth = 1;
        return;
    }
    if (strcmp(name, "p") == 0) {
        seg_flush(d);
        d->para++;
    } else if (strcmp(name, "r") == 0) {
        d->in_run = true;
        d->run_vanish = d->run_white = d->run_tiny = false;
    } else if (strcmp(name, "rPr") == 0) {
        d->in_rpr = d->in_run;
    } else if (d->in_rpr && (strcmp(name, "vanish") == 0 || strcmp(name, "specVanish") == 0)) {
        d->run_vanish = on(attrs);
    } else if (d->in_rpr && strcmp(name, "color") == 0) {
        const char *v = sgi_xml_attr(attrs, "val");
        d->run_white = v && (strcmp(v, "FFFFFF") == 0 || strcmp(v, "ffffff") == 0);
    } else if (d->in_rpr && strcmp(name, "sz") == 0) {
        const char *v = sgi_xml_attr(attrs, "val");
        d->run_tiny = v && atoi(v) > 0 && atoi(v) <= 2; /* half-points: 1 pt or less */
    } else if (strcmp(name, "t") == 0) {
        d->in_t = true;
    } else if (strcmp(name, "delText") == 0) {
        d->in_del_text = true;
    } else if (strcmp(name, "tab") == 0 && d->in_run) {
        add_text(d, "\t", 1);
    } else if ((strcmp(name, "br") == 0 || strcmp(name, "cr") == 0) && d->in_run) {
        add_text(d, "\n", 1);
    } else if (strcmp(name, "ins") == 0 || strcmp(name, "del") == 0 ||
               strcmp(name, "moveFrom") == 0 || strcmp(name, "moveTo") == 0) {
        if (d->in_change++ == 0) {
            d->change_kind = name[0] == 'i'   ? 'i'
                             : name[0] == 'd' ? 'd'
                             : name[4] == 'F' ? 'f'
                                              : 't';
            const char *a = sgi_xml_attr(attrs, "author");
            snprintf(d->ch.author, sizeof(d->ch.author), "%s", a ? a : "");
            d->ch.text.len = 0;
        }
    } else if (strcmp(name, "docPr") == 0) {
        /* alt text of pictures and shapes */
        static const char *const keys[] = {"descr", "title"};
        for (int k = 0; k < 2; k++) {
            const char *v = sgi_xml_attr(attrs, keys[k]);
            if (v && *v)
                sgi_cells_add(&d->ox->cells, d->para ? d->para : 1, 0, v, strlen(v),
                              SGI_F_HIDDEN, "alt text");
        }
    } else if (d->comments_part && strcmp(name, "comment") == 0) {
        const char *a = sgi_xml_attr(attrs, "author");
        snprintf(d->comment_author, sizeof(d->comment_author), "%s", a ? a : "");
        d->comment.len = 0;
        d->in_comment = true;
    }
}

static void dx_text(void *opaque, const char *s, int len)
{
    docx_parse *d = opaque;
    if (d->in_fallback)
        return;
    if (d->in_t || d->in_del_text)
        add_text(d, s, (size_t)len);
}

static void dx_end(void *opaque, const char *name)
{
    docx_parse *d = opaque;
    if (d->in_fallback) {
        if (--d->fallback_depth == 0)
            d->in_fallback = false;
        return;
    }
    if (strcmp(name, "t") == 0) {
        d->in_t = false;
    } else if (strcmp(name, "delText") == 0) {
        d->in_del_text = false;
    } else if (strcmp(name, "rPr") == 0) {
        d->in_rpr = false;
    } else if (strcmp(name, "r") == 0) {
        if (d->run_vanish || d->run_white || d->run_tiny)
            d->hidden_runs++;
        d->in_run = false;
        d->run_vanish = d->run_white = d->run_tiny = false;
    } else if (strcmp(name, "p") == 0) {
        seg_flush(d);
    } else if ((strcmp(name, "ins") == 0 || strcmp(name, "del") == 0 ||
                strcmp(name, "moveFrom") == 0 || strcmp(name, "moveTo") == 0) &&
               d->in_change) {
        if (--d->in_change == 0) {
            seg_flush(d);
            report_change(d);
        }
    } else if (d->comments_part && strcmp(name, "comment") == 0 && d->in_comment) {
        d->in_comment = false;
        seg_flush(d);
        sgi_ooxml *ox = d->ox;
        sgi_arena *ar = &ox->ctx->res->arena;
        const char *who = d->comment_author[0] ? d->comment_author : "unknown author";
        const char *txt = d->comment.p ? d->comment.p : "";
        char *v = sgi_arena_printf(ar, "comment by %s: %.300s", who, txt);
        char *wm = sgi_mask_name(ar, who);
        char *m = sgi_arena_printf(ar, "comment by %s (%zu characters)", wm ? wm : "?",
                                   d->comment.len);
        sg_location loc = {0};
        loc.paragraph = (long long)d->para;
        if (v)
            sgi_ooxml_hidden(ox, SGI_R_HIDDEN_COMMENT, d->part, v, m, NULL, &loc);
        sgi_cells_add(&ox->cells, d->para, 0, who, strlen(who), SGI_F_HIDDEN | SGI_F_META,
                      "comment author");
    }
}

static sg_status docx_part(sgi_ooxml *ox, const char *part, bool comments)
{
    long long i = sgi_zip_find(&ox->zip, part);
    if (i < 0)
        return SG_OK;
    docx_parse d;
    memset(&d, 0, sizeof(d));
    d.ox = ox;
    d.part = part;
    d.comments_part = comments;
    sgi_text_init(&d.seg, ox->ctx->mem, ox->ctx->eng->opt_max_record);
    sgi_text_init(&d.ch.text, ox->ctx->mem, 64 * 1024);
    sgi_text_init(&d.comment, ox->ctx->mem, 64 * 1024);
    sgi_cells_begin(&ox->cells, SGI_CELLS_TEXT, part, NULL, 0, NULL);
    static const sgi_xml_handlers h = {dx_start, dx_end, dx_text};
    sg_status st = sgi_xml_member(&ox->zip, (size_t)i, &h, &d);
    seg_flush(&d);
    sg_status st2 = sgi_cells_end(&ox->cells, false);
    if (d.hidden_runs) {
        char v[200];
        snprintf(v, sizeof(v), "%llu runs of hidden, white or tiny text (%llu characters), "
                               "first in paragraph %llu",
                 d.hidden_runs, d.hidden_chars, d.first_hidden_para);
        sg_location loc = {0};
        loc.paragraph = (long long)d.first_hidden_para;
        sgi_ooxml_hidden(ox, SGI_R_HIDDEN_VANISHED_TEXT, part, v, NULL, v, &loc);
    }
    sgi_text_free(&d.seg);
    sgi_text_free(&d.ch.text);
    sgi_text_free(&d.comment);
    if (st == SG_OK)
        st = st2;
    return st;
}

sg_status sgi_docx_read(sgi_ooxml *oxp, const char *main)
{
    sgi_ctx *ctx = oxp->ctx;
    ctx->res->pub.format = sgi_zip_find(&oxp->zip, "word/vbaProject.bin") >= 0 ? "docm" : "docx";
    sgi_ooxml ox = *oxp;
    if (sgi_zip_find(&ox.zip, main) < 0) {
        snprintf(oxp->zip.error, sizeof(oxp->zip.error), "no document part (%s)", main);
        return SG_E_FORMAT;
    }
    sg_status st = docx_part(&ox, main, false);
    sgi_rels rels;
    if (st == SG_OK && sgi_ooxml_rels(&ox, main, &rels) == SG_OK) {
        /* headers, footers, notes and comments, as the document names them */
        static const char *const types[] = {"header", "footer", "footnotes", "endnotes",
                                            "comments"};
        for (size_t t = 0; t < SGI_ARRAY_LEN(types) && st == SG_OK; t++) {
            size_t from = 0;
            const sgi_rel *r;
            while (st == SG_OK && (r = sgi_rels_by_type(&rels, types[t], &from)) != NULL)
                if (!r->external)
                    st = docx_part(&ox, r->target, t == 4);
        }
        sgi_ooxml_rels_free(&ox, &rels);
    }
    if (st == SG_OK) {
        sgi_ooxml_external_rels(&ox);
        sgi_ooxml_metadata(&ox);
        sgi_ooxml_embedded(&ox);
        sgi_ooxml_pictures(&ox);
    }
    *oxp = ox;
    return st;
}
