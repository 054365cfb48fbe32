/*
 * xml_rewrite.c - copy an XML part through expat, element by element, as a
 * filter decides: keep it, drop it with all it holds, keep what it holds
 * but not its tags (unwrap), or hold it back until its end tag to decide
 * then (a run whose properties come first say it is hidden). Attributes may
 * be replaced. Comments and processing instructions are dropped (they can
 * hold text too); names, prefixes and namespace declarations are written as
 * they were read. The same hostile-input rules as xml.c: no entity
 * declarations, a depth limit.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "clean_private.h"

#include <expat.h>
#include <string.h>

#define MAX_DEPTH 1024

typedef struct frame {
    sgi_xr_action act;
    size_t mark; /* held: where the element starts in out */
} frame;

struct sgi_xr {
    XML_Parser p;
    const sgi_xr_handlers *h;
    void *opaque;
    sgi_out *out;
    frame stack[MAX_DEPTH];
    unsigned depth;
    unsigned dropping; /* depth at which a dropped element started, 0: none */
    bool open_tag;     /* "<name ..." written, ">" not yet */
    const char **attrs; /* replacement attributes for the element starting */
    sg_status st;
    char msg[200];
};

static void fail(sgi_xr *x, sg_status st, const char *msg)
{
    if (x->st == SG_OK) {
        x->st = st;
        snprintf(x->msg, sizeof(x->msg), "%s", msg);
    }
    XML_StopParser(x->p, XML_FALSE);
}

void sgi_xr_escape(sgi_out *o, const char *s, size_t n, bool attr)
{
    size_t a = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = attr ? "&quot;" : NULL;
            break;
        case '\n':
            rep = attr ? "&#10;" : NULL;
            break;
        case '\r':
            rep = "&#13;";
            break;
        case '\t':
            rep = attr ? "&#9;" : NULL;
            break;
        default:
            break;
        }
        if (rep) {
            sgi_out_put(o, s + a, i - a);
            sgi_out_puts(o, rep);
            a = i + 1;
        }
    }
    sgi_out_put(o, s + a, n - a);
}

static void close_open(sgi_xr *x)
{
    if (x->open_tag) {
        sgi_out_puts(x->out, ">");
        x->open_tag = false;
    }
}

void sgi_xr_set_attrs(sgi_xr *x, const char **attrs)
{
    x->attrs = attrs;
}

void sgi_xr_write_raw(sgi_xr *x, const char *s)
{
    if (x->dropping)
        return;
    close_open(x);
    sgi_out_puts(x->out, s);
}

void sgi_xr_write_text(sgi_xr *x, const char *s, size_t n)
{
    if (x->dropping)
        return;
    close_open(x);
    sgi_xr_escape(x->out, s, n, false);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    sgi_xr *x = ud;
    if (x->depth >= MAX_DEPTH) {
        fail(x, SG_E_LIMIT, "XML nested too deep");
        return;
    }
    frame *f = &x->stack[x->depth++];
    if (x->dropping) {
        f->act = SGI_XR_DROP;
        return;
    }
    x->attrs = NULL;
    sgi_xr_action act = x->h->start ? x->h->start(x->opaque, x, name, attrs) : SGI_XR_KEEP;
    f->act = act;
    if (act == SGI_XR_DROP) {
        x->dropping = x->depth;
        return;
    }
    if (act == SGI_XR_UNWRAP)
        return;
    close_open(x);
    f->mark = x->out->n;
    const char **a = x->attrs ? x->attrs : attrs;
    sgi_out_puts(x->out, "<");
    sgi_out_puts(x->out, name);
    for (size_t i = 0; a && a[i]; i += 2) {
        sgi_out_puts(x->out, " ");
        sgi_out_puts(x->out, a[i]);
        sgi_out_puts(x->out, "=\"");
        sgi_xr_escape(x->out, a[i + 1], strlen(a[i + 1]), true);
        sgi_out_puts(x->out, "\"");
    }
    x->open_tag = true;
    x->attrs = NULL;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    sgi_xr *x = ud;
    if (x->depth == 0)
        return;
    frame *f = &x->stack[--x->depth];
    if (x->dropping) {
        if (x->dropping == x->depth + 1)
            x->dropping = 0;
        return;
    }
    if (f->act == SGI_XR_UNWRAP) {
        if (x->h->end)
            x->h->end(x->opaque, x, name);
        return;
    }
    if (x->open_tag) {
        sgi_out_puts(x->out, "/>");
        x->open_tag = false;
    } else {
        sgi_out_puts(x->out, "</");
        sgi_out_puts(x->out, name);
        sgi_out_puts(x->out, ">");
    }
    /* a held element: the filter decides now, seeing what it held */
    if (f->act == SGI_XR_HOLD && x->h->decide &&
        !x->h->decide(x->opaque, x, name, x->out->p + f->mark, x->out->n - f->mark))
        x->out->n = f->mark;
    if (x->h->end)
        x->h->end(x->opaque, x, name);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    sgi_xr *x = ud;
    if (x->dropping || len <= 0)
        return;
    if (x->h->text && !x->h->text(x->opaque, x, s, len))
        return;
    close_open(x);
    sgi_xr_escape(x->out, s, (size_t)len, false);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int pe, const XML_Char *v, int vl,
                              const XML_Char *base, const XML_Char *sys, const XML_Char *pub,
                              const XML_Char *notation)
{
    (void)name;
    (void)pe;
    (void)v;
    (void)vl;
    (void)base;
    (void)sys;
    (void)pub;
    (void)notation;
    fail(ud, SG_E_FORMAT, "an entity is declared (refused)");
}

sg_status sgi_xr_rewrite(const char *in, size_t n, const sgi_xr_handlers *h, void *opaque,
                         sgi_out *out, char *err, size_t errlen)
{
    sgi_xr *x = calloc(1, sizeof(*x));
    if (!x)
        return SG_E_NOMEM;
    x->h = h;
    x->opaque = opaque;
    x->out = out;
    x->p = XML_ParserCreate(NULL);
    if (!x->p) {
        free(x);
        return SG_E_NOMEM;
    }
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, on_start, on_end);
    XML_SetCharacterDataHandler(x->p, on_text);
    XML_SetEntityDeclHandler(x->p, on_entity);
    sgi_out_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n");
    sg_status st = SG_OK;
    size_t off = 0;
    do {
        size_t chunk = SGI_MIN(n - off, (size_t)1 << 30);
        if (XML_Parse(x->p, in + off, (int)chunk, off + chunk == n) == XML_STATUS_ERROR) {
            if (x->st == SG_OK)
                fail(x, SG_E_FORMAT, XML_ErrorString(XML_GetErrorCode(x->p)));
            break;
        }
        off += chunk;
    } while (off < n);
    st = x->st;
    if (st == SG_OK && out->nomem)
        st = SG_E_NOMEM;
    if (st != SG_OK && err)
        snprintf(err, errlen, "%s", x->msg);
    XML_ParserFree(x->p);
    free(x);
    return st;
}
