/*
 * read_rtf.c - Rich Text Format (Word, WordPad, LibreOffice): the text
 * with the markup removed, and what RTF hides in it.
 *
 *   shown text    the body, headers and footers, footnotes, field results,
 *                 text boxes: a paragraph a line in the part "text"
 *   hidden        text formatted hidden (\v): hidden.vanished_text; text a
 *                 tracked change deleted (\deleted): hidden.tracked_change;
 *                 comments (\annotation, with \atnauthor): hidden.comment;
 *                 the document information (\info: author, operator - the
 *                 last to save -, company, title...) and the authors of
 *                 tracked changes (\revtbl): hidden.metadata; embedded
 *                 objects (\object): hidden.embedded_object
 *   skipped       font, colour, style and list tables, pictures, object
 *                 data, field instructions, and any destination marked
 *                 ignorable (\*) that is not one of the above
 *
 * Characters: \uN (with its \ucN fallback skipped, surrogate pairs joined),
 * \'hh and 8-bit bytes as Windows-1252 (the code page of UK documents; a
 * font's own \fcharset is not followed). \binN data is skipped unread.
 *
 * No Debian library parses RTF for C (unrtf is a program); this is a
 * tokenizer over the document read whole (--max-part), groups nested at
 * most RTF_MAX_DEPTH deep, and fuzzed with the other readers.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>

#define RTF_MAX_DEPTH 1024
#define RTF_MAX_CAPTURE 4096 /* bytes of a metadata value or author kept */

enum dest {
    D_TEXT,      /* text the reader sees */
    D_SKIP,      /* not text: tables, pictures, instructions */
    D_INFO,      /* the \info group: only its properties are text */
    D_PROP,      /* an \info property: captured */
    D_REVTBL,    /* the revision authors: captured */
    D_ATNAUTHOR, /* a comment's author: captured */
    D_OBJCLASS,  /* an object's class: captured */
    D_ANNOT      /* a comment's text */
};

typedef struct rstate {
    unsigned char dest;
    bool hidden, deleted, object;
    unsigned char uc; /* fallback characters after \uN */
    const char *prop; /* D_PROP: what it is ("author") */
} rstate;

typedef struct comment {
    size_t at, len; /* in the comments text */
    char *author;   /* arena */
} comment;

typedef struct rtfr {
    sgi_ctx *ctx;
    sgi_cells cells;
    rstate *st;
    size_t depth;
    bool ignorable; /* \* seen: the next destination may be skipped */
    size_t skip;    /* fallback characters still to skip after \uN */
    uint32_t high;  /* a high surrogate waiting for its low half */
    /* the paragraph being read: shown, vanished, deleted */
    sgi_text para[3];
    unsigned long long npara, first_vanished, first_deleted;
    unsigned long long vanished, deleted;
    sgi_text cap;      /* a captured value */
    sgi_text comments; /* every comment's text, one after another */
    comment *cm;
    size_t ncm, capcm;
    char *author; /* the last \atnauthor */
    struct {
        const char *what, *value; /* arena */
    } meta[64]; /* reported once the text is scanned */
    size_t nmeta;
    char objclass[64];
    bool nomem;
} rtfr;

static rstate *top(rtfr *r)
{
    return &r->st[r->depth];
}

/* ------------------------------------------------------------------ text */

static void flush_para(rtfr *r)
{
    static const char *const reasons[3] = {NULL, "hidden text", "tracked deletion"};
    bool any = false;
    for (int k = 0; k < 3; k++)
        any |= r->para[k].len > 0;
    if (!any)
        return;
    r->npara++;
    for (int k = 0; k < 3; k++) {
        sgi_text *t = &r->para[k];
        if (!t->len)
            continue;
        if (k == 1 && !r->vanished++)
            r->first_vanished = r->npara;
        if (k == 2 && !r->deleted++)
            r->first_deleted = r->npara;
        sgi_cells_add(&r->cells, r->npara, 0, t->p, t->len, k ? SGI_F_HIDDEN : 0, reasons[k]);
        r->nomem |= t->nomem;
        t->len = 0;
    }
}

/* A character (code point) where the current destination wants it. */
static void put(rtfr *r, uint32_t c)
{
    if (r->skip) { /* the fallback of a \uN */
        r->skip--;
        return;
    }
    rstate *s = top(r);
    if (c >= 0xD800 && c <= 0xDBFF) {
        r->high = c;
        return;
    }
    if (c >= 0xDC00 && c <= 0xDFFF) {
        c = r->high ? 0x10000 + ((r->high - 0xD800) << 10) + (c - 0xDC00) : 0xFFFD;
    }
    r->high = 0;
    if (c == 0)
        return;
    char u[4];
    size_t n = sgi_utf8_put(u, c);
    switch (s->dest) {
    case D_TEXT:
        if (c == '\n') {
            flush_para(r);
            return;
        }
        sgi_text_add(&r->para[s->deleted ? 2 : s->hidden ? 1 : 0], u, n);
        return;
    case D_ANNOT:
        sgi_text_add(&r->comments, u, n);
        return;
    case D_PROP:
    case D_REVTBL:
    case D_ATNAUTHOR:
    case D_OBJCLASS:
        sgi_text_add(&r->cap, c == '\n' ? " " : u, c == '\n' ? 1 : n);
        return;
    default:
        return;
    }
}

/* ---------------------------------------------------------- destinations */

static const struct {
    const char *word;
    unsigned char dest;
    const char *prop;
} dests[] = {
    /* not text */
    {"fonttbl", D_SKIP, NULL}, {"colortbl", D_SKIP, NULL}, {"stylesheet", D_SKIP, NULL},
    {"listtable", D_SKIP, NULL}, {"listoverridetable", D_SKIP, NULL}, {"rsidtbl", D_SKIP, NULL},
    {"generator", D_SKIP, NULL}, {"pict", D_SKIP, NULL}, {"nonshppict", D_SKIP, NULL},
    {"themedata", D_SKIP, NULL}, {"colorschememapping", D_SKIP, NULL}, {"datastore", D_SKIP, NULL},
    {"latentstyles", D_SKIP, NULL}, {"xmlnstbl", D_SKIP, NULL}, {"fldinst", D_SKIP, NULL},
    {"objdata", D_SKIP, NULL}, {"pgdsctbl", D_SKIP, NULL}, {"mmathPr", D_SKIP, NULL},
    {"ftnsep", D_SKIP, NULL}, {"ftnsepc", D_SKIP, NULL}, {"aftnsep", D_SKIP, NULL},
    {"aftnsepc", D_SKIP, NULL}, {"filetbl", D_SKIP, NULL}, {"bkmkstart", D_SKIP, NULL},
    {"bkmkend", D_SKIP, NULL}, {"sp", D_SKIP, NULL}, {"atnid", D_SKIP, NULL},
    {"atndate", D_SKIP, NULL}, {"atnref", D_SKIP, NULL}, {"atntime", D_SKIP, NULL},
    {"atnicn", D_SKIP, NULL}, {"atnparent", D_SKIP, NULL}, {"listtext", D_SKIP, NULL},
    {"pntext", D_SKIP, NULL}, {"pntxta", D_SKIP, NULL}, {"pntxtb", D_SKIP, NULL},
    {"passwordhash", D_SKIP, NULL}, {"wgrffmtfilter", D_SKIP, NULL},
    /* text */
    {"header", D_TEXT, NULL}, {"headerl", D_TEXT, NULL}, {"headerr", D_TEXT, NULL},
    {"headerf", D_TEXT, NULL}, {"footer", D_TEXT, NULL}, {"footerl", D_TEXT, NULL},
    {"footerr", D_TEXT, NULL}, {"footerf", D_TEXT, NULL}, {"footnote", D_TEXT, NULL},
    {"fldrslt", D_TEXT, NULL}, {"result", D_TEXT, NULL}, {"shptxt", D_TEXT, NULL},
    {"shpinst", D_TEXT, NULL}, {"shppict", D_SKIP, NULL}, {"field", D_TEXT, NULL},
    /* hidden */
    {"info", D_INFO, NULL}, {"title", D_PROP, "title"}, {"subject", D_PROP, "subject"},
    {"author", D_PROP, "author"}, {"operator", D_PROP, "last saved by"},
    {"manager", D_PROP, "manager"}, {"company", D_PROP, "company"},
    {"category", D_PROP, "category"}, {"keywords", D_PROP, "keywords"},
    {"comment", D_PROP, "comments"}, {"doccomm", D_PROP, "comments"},
    {"hlinkbase", D_PROP, "hyperlink base"}, {"revtbl", D_REVTBL, NULL},
    {"atnauthor", D_ATNAUTHOR, NULL}, {"annotation", D_ANNOT, NULL},
    {"objclass", D_OBJCLASS, NULL},
};

static bool destination(rtfr *r, const char *w)
{
    rstate *s = top(r);
    for (size_t i = 0; i < sizeof(dests) / sizeof(dests[0]); i++) {
        if (strcmp(dests[i].word, w) != 0)
            continue;
        if (s->dest == D_SKIP)
            return true; /* inside something skipped, all is skipped */
        s->dest = dests[i].dest;
        s->prop = dests[i].prop;
        if (s->dest == D_PROP && r->st[r->depth ? r->depth - 1 : 0].dest != D_INFO)
            s->dest = D_SKIP; /* "\title" etc. only inside \info */
        if (s->dest >= D_PROP && s->dest != D_ANNOT)
            r->cap.len = 0;
        return true;
    }
    return false;
}

static void add_meta(rtfr *r, const char *what, const char *v, size_t n)
{
    if (r->nmeta == sizeof(r->meta) / sizeof(r->meta[0]))
        return;
    for (size_t i = 0; i < r->nmeta; i++) /* LibreOffice writes \author twice */
        if (strcmp(r->meta[i].what, what) == 0 && strlen(r->meta[i].value) == n &&
            memcmp(r->meta[i].value, v, n) == 0)
            return;
    char *c = sgi_arena_strndup(&r->ctx->res->arena, v, n);
    if (c) {
        r->meta[r->nmeta].what = what;
        r->meta[r->nmeta++].value = c;
    }
}

/* A group closes: what its destination collected is kept or reported. */
static void group_end(rtfr *r, const rstate *s, const rstate *parent)
{
    sgi_ctx *ctx = r->ctx;
    sgi_arena *ar = &ctx->res->arena;
    if (s->dest == parent->dest && !(s->object && !parent->object))
        return;
    const char *cap = r->cap.p ? r->cap.p : "";
    switch (s->dest) {
    case D_PROP:
        add_meta(r, s->prop, cap, r->cap.len);
        break;
    case D_REVTBL:
        /* "{Unknown;}{Jane Smith;}": names separated by ';' */
        for (char *p = r->cap.p, *e; p && *p; p = e ? e + 1 : NULL) {
            e = strchr(p, ';');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            while (n && *p == ' ')
                p++, n--;
            if (n && !(n == 7 && memcmp(p, "Unknown", 7) == 0))
                add_meta(r, "tracked changes by", p, n);
        }
        break;
    case D_ATNAUTHOR:
        r->author = sgi_arena_strndup(ar, cap, r->cap.len);
        break;
    case D_OBJCLASS:
        snprintf(r->objclass, sizeof(r->objclass), "%.*s", (int)SGI_MIN(r->cap.len, 63), cap);
        break;
    case D_ANNOT: {
        size_t at = r->ncm ? r->cm[r->ncm - 1].at + r->cm[r->ncm - 1].len : 0;
        if (!sgi_grow(ctx->mem, (void **)&r->cm, &r->capcm, r->ncm + 1, sizeof(*r->cm))) {
            r->nomem = true;
            break;
        }
        sgi_text_add(&r->comments, "\n", 1);
        r->cm[r->ncm].at = at;
        r->cm[r->ncm].len = r->comments.len - at;
        r->cm[r->ncm++].author = r->author;
        r->author = NULL;
        break;
    }
    default:
        break;
    }
    if (s->object && !parent->object) {
        sgi_emit_note(ctx, SGI_R_HIDDEN_EMBEDDED_OBJECT, "embedded object", "text",
                      (long long)r->npara + 1, "embedded object (%s)",
                      r->objclass[0] ? r->objclass : "unknown class");
        r->objclass[0] = '\0';
    }
}

/* ------------------------------------------------------------- control */

static void control_word(rtfr *r, const char *w, bool has_n, long n)
{
    rstate *s = top(r);
    bool ign = r->ignorable;
    r->ignorable = false;
    if (strcmp(w, "u") == 0) {
        long v = n < 0 ? n + 65536 : n;
        bool skipping = r->skip > 0;
        if (skipping)
            r->skip--;
        else {
            put(r, (uint32_t)(v & 0xFFFF));
            r->skip = s->uc;
        }
        return;
    }
    if (r->skip) { /* a control word in a \uN fallback counts as one */
        r->skip--;
        return;
    }
    if (destination(r, w))
        return;
    if (ign) { /* \*\something unknown: skip the group */
        s->dest = D_SKIP;
        return;
    }
    if (strcmp(w, "par") == 0 || strcmp(w, "line") == 0 || strcmp(w, "sect") == 0 ||
        strcmp(w, "page") == 0 || strcmp(w, "row") == 0 || strcmp(w, "softline") == 0)
        put(r, '\n');
    else if (strcmp(w, "tab") == 0 || strcmp(w, "cell") == 0 || strcmp(w, "nestcell") == 0)
        put(r, '\t');
    else if (strcmp(w, "v") == 0)
        s->hidden = !has_n || n != 0;
    else if (strcmp(w, "deleted") == 0)
        s->deleted = !has_n || n != 0;
    else if (strcmp(w, "plain") == 0)
        s->hidden = s->deleted = false;
    else if (strcmp(w, "uc") == 0)
        s->uc = (unsigned char)(n < 0 ? 0 : n > 8 ? 8 : n);
    else if (strcmp(w, "object") == 0)
        s->object = true;
    else if (strcmp(w, "lquote") == 0)
        put(r, 0x2018);
    else if (strcmp(w, "rquote") == 0)
        put(r, 0x2019);
    else if (strcmp(w, "ldblquote") == 0)
        put(r, 0x201C);
    else if (strcmp(w, "rdblquote") == 0)
        put(r, 0x201D);
    else if (strcmp(w, "bullet") == 0)
        put(r, 0x2022);
    else if (strcmp(w, "endash") == 0)
        put(r, 0x2013);
    else if (strcmp(w, "emdash") == 0)
        put(r, 0x2014);
    else if (strcmp(w, "enspace") == 0 || strcmp(w, "emspace") == 0 ||
             strcmp(w, "qmspace") == 0)
        put(r, ' ');
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parse the document; false with *err set on a structural failure. */
static bool parse(rtfr *r, const unsigned char *p, size_t n, const char **err)
{
    size_t i = 0, tick = 0;
    while (i < n) {
        if ((++tick & 0xFFFF) == 0 && sgi_ctx_time_up(r->ctx))
            return true; /* the file has its error */
        unsigned char c = p[i++];
        if (c == '{') {
            if (r->depth + 1 >= RTF_MAX_DEPTH) {
                *err = "RTF groups nested deeper than 1024";
                return false;
            }
            r->st[r->depth + 1] = r->st[r->depth];
            r->st[r->depth + 1].object = false;
            r->depth++;
            r->ignorable = false;
        } else if (c == '}') {
            if (r->depth == 0)
                return true; /* the document's group closed: the rest is not RTF */
            rstate s = r->st[r->depth];
            r->depth--;
            group_end(r, &s, top(r));
            r->skip = 0;
        } else if (c == '\\') {
            if (i >= n)
                break;
            c = p[i];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                char w[33];
                size_t k = 0;
                while (i < n && k < 32 && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')))
                    w[k++] = (char)p[i++];
                while (i < n && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')))
                    i++; /* a word longer than any RTF has: cut */
                w[k] = '\0';
                bool neg = false, has_n = false;
                long v = 0;
                if (i < n && p[i] == '-' && i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '9') {
                    neg = true;
                    i++;
                }
                for (int d = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++, d++) {
                    if (d < 10)
                        v = v * 10 + (p[i] - '0');
                    has_n = true;
                }
                if (neg)
                    v = -v;
                if (i < n && p[i] == ' ')
                    i++;
                if (strcmp(w, "bin") == 0) { /* raw bytes: skipped */
                    size_t len = v > 0 ? (size_t)v : 0;
                    i += SGI_MIN(len, n - i);
                    continue;
                }
                if (top(r)->dest == D_SKIP) {
                    r->ignorable = false;
                    continue;
                }
                control_word(r, w, has_n, v);
            } else {
                i++;
                if (c == '\'') {
                    int hi = i < n ? hexval(p[i]) : -1, lo = i + 1 < n ? hexval(p[i + 1]) : -1;
                    if (hi >= 0 && lo >= 0) {
                        i += 2;
                        put(r, sgi_cp1252((unsigned char)(hi * 16 + lo)));
                    }
                } else if (c == '*') {
                    r->ignorable = true;
                } else if (c == '~') {
                    put(r, 0xA0);
                } else if (c == '_') {
                    put(r, '-');
                } else if (c == '{' || c == '}' || c == '\\') {
                    put(r, c);
                } else if (c == '\n' || c == '\r') {
                    put(r, '\n');
                } else if (r->skip) {
                    r->skip--;
                }
            }
        } else if (c == '\r' || c == '\n') {
            continue;
        } else if (top(r)->dest != D_SKIP) {
            put(r, c < 0x80 ? c : sgi_cp1252(c));
        }
    }
    return true;
}

/* ---------------------------------------------------------------- reader */

static sg_status rtf_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    ctx->res->pub.format = "rtf";
    size_t len = 0;
    char *raw = sgi_ctx_slurp(ctx, "document", &len);
    if (!raw)
        return SG_OK;
    rtfr *r = sgi_calloc(ctx->mem, 1, sizeof(*r));
    rstate *st = r ? sgi_calloc(ctx->mem, RTF_MAX_DEPTH, sizeof(*st)) : NULL;
    if (!st) {
        sgi_free(ctx->mem, r);
        sgi_free(ctx->mem, raw);
        return SG_E_NOMEM;
    }
    r->ctx = ctx;
    r->st = st;
    r->st[0].uc = 1;
    for (int k = 0; k < 3; k++)
        sgi_text_init(&r->para[k], ctx->mem, ctx->eng->opt_max_record);
    sgi_text_init(&r->cap, ctx->mem, RTF_MAX_CAPTURE);
    sgi_text_init(&r->comments, ctx->mem, ctx->eng->opt_max_part);
    sgi_cells_init(&r->cells, ctx);

    sgi_cells_begin(&r->cells, SGI_CELLS_TEXT, "text", NULL, 0, NULL);
    const char *err = NULL;
    bool ok = parse(r, (const unsigned char *)raw, len, &err);
    flush_para(r);
    sgi_cells_end(&r->cells, false);
    if (!ok)
        sgi_ctx_error(ctx, SG_E_LIMIT, "%s; not checked further", err);
    if (r->vanished)
        sgi_emit_note(ctx, SGI_R_HIDDEN_VANISHED_TEXT, "hidden text", "text",
                      (long long)r->first_vanished,
                      "hidden text: %llu paragraphs with text formatted not to show",
                      r->vanished);
    if (r->deleted)
        sgi_emit_note(ctx, SGI_R_HIDDEN_TRACKED_CHANGE, "tracked deletion", "text",
                      (long long)r->first_deleted,
                      "tracked deletion: %llu paragraphs with text deleted but kept", r->deleted);

    for (size_t i = 0; i < r->nmeta; i++)
        sgi_emit_metadata(ctx, &r->cells, SGI_R_HIDDEN_METADATA, "info", r->meta[i].what,
                          r->meta[i].value, strlen(r->meta[i].value), true);

    /* comments: one finding each, their text and authors scanned */
    sgi_arena *ar = &ctx->res->arena;
    for (size_t i = 0; i < r->ncm; i++) {
        const comment *c = &r->cm[i];
        const char *body = r->comments.p ? r->comments.p + c->at : "";
        size_t blen = c->len;
        while (blen && (body[blen - 1] == '\n' || body[blen - 1] == ' '))
            blen--;
        const char *who = c->author && c->author[0] ? c->author : "unknown author";
        char *v = sgi_arena_printf(ar, "comment by %s: %.*s", who, (int)SGI_MIN(blen, 300), body);
        char *wm = sgi_mask_name(ar, who);
        char *m = sgi_arena_printf(ar, "comment by %s (%zu characters)", wm ? wm : "?", blen);
        sg_location loc = {0};
        loc.part = "comments";
        loc.paragraph = (long long)i + 1;
        if (v)
            sgi_emit(ctx, SGI_R_HIDDEN_COMMENT, SGI_F_HIDDEN, "comment", v, strlen(v),
                     m ? m : v, &loc);
        sgi_cells_text(&r->cells, "comments", body, blen, SGI_F_HIDDEN, "comment");
        if (c->author && c->author[0])
            sgi_cells_text(&r->cells, "comments", who, strlen(who), SGI_F_HIDDEN | SGI_F_META,
                           "comment author");
    }
    bool nomem = r->nomem || r->comments.nomem;
    for (int k = 0; k < 3; k++)
        sgi_text_free(&r->para[k]);
    sgi_text_free(&r->cap);
    sgi_text_free(&r->comments);
    sgi_cells_free(&r->cells);
    sgi_free(ctx->mem, r->cm);
    sgi_free(ctx->mem, st);
    sgi_free(ctx->mem, r);
    sgi_free(ctx->mem, raw);
    (void)pk;
    return nomem ? SG_E_NOMEM : SG_OK;
}

/* "{\rtf" at the start (after blanks). */
static int rtf_bid(const sgi_peek *pk)
{
    size_t i = 0;
    while (i < pk->n && (pk->p[i] == ' ' || pk->p[i] == '\r' || pk->p[i] == '\n' || pk->p[i] == '\t'))
        i++;
    return pk->n - i >= 5 && memcmp(pk->p + i, "{\\rtf", 5) == 0 ? 8 : 0;
}

const sgi_reader sgi_reader_rtf = {"rtf", rtf_bid, rtf_scan};
