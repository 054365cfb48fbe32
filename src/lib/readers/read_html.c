/*
 * read_html.c - HTML pages (and e-mail HTML bodies) on Gumbo, the HTML5
 * parser MuPDF already links.
 *
 * What a browser shows is read as text, a line per block element, its
 * markup gone; what it does not show is hidden and reported
 * (hidden.html): comments, elements with the hidden attribute or an
 * inline style display:none / visibility:hidden, hidden form inputs and
 * their values, and scripts. Styles are not read. Findings are located by
 * line of that text ("paragraph") in the part "html".
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <gumbo.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 200

typedef struct html {
    sgi_ctx *ctx;
    sgi_cells cells;
    sgi_text seg; /* the text of the current line with one visibility */
    const char *seg_reason;
    unsigned long long line;
    unsigned long long comments, undisplayed, inputs, scripts;
    bool nomem;
} html;

static void flush(html *h)
{
    if (h->seg.len) {
        bool blank = true;
        for (size_t i = 0; i < h->seg.len && blank; i++)
            blank = h->seg.p[i] == ' ' || h->seg.p[i] == '\t' || h->seg.p[i] == '\n' ||
                    h->seg.p[i] == '\r';
        if (!blank)
            sgi_cells_add(&h->cells, h->line ? h->line : 1, 0, h->seg.p, h->seg.len,
                          h->seg_reason ? SGI_F_HIDDEN : 0, h->seg_reason);
    }
    h->seg.len = 0;
}

static void newline(html *h)
{
    flush(h);
    h->line++;
}

static void add(html *h, const char *s, size_t n, const char *reason)
{
    if (reason != h->seg_reason)
        flush(h);
    h->seg_reason = reason;
    /* text nodes keep their own line breaks as spaces: lines are blocks */
    for (size_t i = 0; i < n; i++) {
        char c = s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i];
        sgi_text_add(&h->seg, &c, 1);
    }
}

static bool block(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_BR: case GUMBO_TAG_LI:
    case GUMBO_TAG_TR: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_TABLE:
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_DT:
    case GUMBO_TAG_DD: case GUMBO_TAG_PRE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER: case GUMBO_TAG_TITLE: case GUMBO_TAG_HR: case GUMBO_TAG_FORM:
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_CAPTION: case GUMBO_TAG_BODY:
        return true;
    default:
        return false;
    }
}

/* An inline style that hides the element. */
static bool style_hides(const char *style)
{
    char b[512];
    size_t k = 0;
    for (const char *p = style; *p && k + 1 < sizeof(b); p++)
        if (*p != ' ' && *p != '\t' && *p != '\n')
            b[k++] = (char)(*p | (*p >= 'A' && *p <= 'Z' ? 32 : 0));
    b[k] = '\0';
    return strstr(b, "display:none") || strstr(b, "visibility:hidden");
}

static void walk(html *h, const GumboNode *n, const char *hidden, int depth)
{
    if (depth > MAX_DEPTH || h->nomem)
        return;
    switch (n->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_CDATA:
    case GUMBO_NODE_WHITESPACE:
        add(h, n->v.text.text, strlen(n->v.text.text), hidden);
        return;
    case GUMBO_NODE_COMMENT: {
        const char *t = n->v.text.text;
        h->comments++;
        newline(h);
        add(h, t, strlen(t), "HTML comment");
        newline(h);
        return;
    }
    case GUMBO_NODE_DOCUMENT:
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
        break;
    }
    const GumboVector *kids = n->type == GUMBO_NODE_DOCUMENT ? &n->v.document.children
                                                             : &n->v.element.children;
    const char *why = hidden;
    bool blk = false;
    if (n->type != GUMBO_NODE_DOCUMENT) {
        GumboTag tag = n->v.element.tag;
        const GumboVector *at = &n->v.element.attributes;
        if (tag == GUMBO_TAG_STYLE)
            return;
        if (tag == GUMBO_TAG_SCRIPT) {
            h->scripts++;
            why = "script";
        }
        if (tag == GUMBO_TAG_INPUT) {
            const GumboAttribute *type = gumbo_get_attribute(at, "type");
            const GumboAttribute *val = gumbo_get_attribute(at, "value");
            if (type && strcasecmp(type->value, "hidden") == 0 && val && *val->value) {
                h->inputs++;
                newline(h);
                add(h, val->value, strlen(val->value), "hidden form input");
                newline(h);
            } else if (val && *val->value) {
                add(h, val->value, strlen(val->value), hidden);
            }
        }
        if (!why) {
            const GumboAttribute *st = gumbo_get_attribute(at, "style");
            if (gumbo_get_attribute(at, "hidden") || (st && style_hides(st->value))) {
                h->undisplayed++;
                why = "element not displayed";
            }
        }
        blk = block(tag) || why != hidden;
        if (blk)
            newline(h);
    }
    for (unsigned i = 0; i < kids->length; i++)
        walk(h, kids->data[i], why, depth + 1);
    if (n->type != GUMBO_NODE_DOCUMENT &&
        (n->v.element.tag == GUMBO_TAG_TD || n->v.element.tag == GUMBO_TAG_TH ||
         n->v.element.tag == GUMBO_TAG_SPAN || n->v.element.tag == GUMBO_TAG_A))
        add(h, "  ", 2, hidden); /* cells and inline runs do not run together */
    if (blk)
        newline(h);
}

static sg_status html_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    ctx->res->pub.format = "html";
    size_t rawlen = 0;
    char *raw = sgi_ctx_slurp(ctx, "page", &rawlen);
    if (!raw)
        return SG_OK;
    size_t len = 0;
    char *u8 = sgi_decode_all(pk->sniff->enc, pk->sniff->bom_len, (const unsigned char *)raw,
                              rawlen, &len, ctx->mem);
    sgi_free(ctx->mem, raw);
    if (!u8) {
        sgi_ctx_error(ctx, SG_E_NOMEM, "%s", "out of memory");
        return SG_OK;
    }
    GumboOutput *out = gumbo_parse_with_options(&kGumboDefaultOptions, u8, len);
    html h;
    memset(&h, 0, sizeof(h));
    h.ctx = ctx;
    h.line = 1;
    sgi_cells_init(&h.cells, ctx);
    sgi_text_init(&h.seg, ctx->mem, ctx->eng->opt_max_record);
    sgi_cells_begin(&h.cells, SGI_CELLS_TEXT, "html", NULL, 0, NULL);
    if (out)
        walk(&h, out->document, NULL, 0);
    flush(&h);
    sgi_cells_end(&h.cells, false);
    if (h.comments + h.undisplayed + h.inputs + h.scripts) {
        char v[300];
        snprintf(v, sizeof(v),
                 "hidden in the page: %llu comments, %llu elements not displayed, %llu hidden "
                 "inputs, %llu scripts",
                 h.comments, h.undisplayed, h.inputs, h.scripts);
        sg_location loc = {0};
        loc.part = "html";
        sgi_emit(ctx, SGI_R_HIDDEN_HTML, SGI_F_HIDDEN, "hidden HTML", v, strlen(v), v, &loc);
    }
    sgi_text_free(&h.seg);
    sgi_cells_free(&h.cells);
    if (out)
        gumbo_destroy_output(&kGumboDefaultOptions, out);
    sgi_free(ctx->mem, u8);
    return SG_OK;
}

/* Text that starts as HTML does: a doctype, an <html>, <head> or <body>
 * tag near the top. */
static int html_bid(const sgi_peek *pk)
{
    if (!pk->sniff->text || !pk->text)
        return 0;
    const char *t = pk->text;
    size_t n = pk->textlen;
    size_t i = 0;
    while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n'))
        i++;
    static const char *const starts[] = {"<!doctype html", "<html", "<head", "<body", "<!--"};
    for (size_t k = 0; k < SGI_ARRAY_LEN(starts); k++) {
        size_t l = strlen(starts[k]);
        if (n - i >= l && strncasecmp(t + i, starts[k], l) == 0) {
            if (k == 4) /* a comment first: HTML only if a tag follows */
                return memmem(t, SGI_MIN(n, 4096), "<html", 5) ||
                               memmem(t, SGI_MIN(n, 4096), "<HTML", 5)
                           ? 8
                           : 0;
            return 8;
        }
    }
    return 0;
}

const sgi_reader sgi_reader_html = {"html", html_bid, html_scan};
