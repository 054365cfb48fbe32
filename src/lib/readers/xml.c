/*
 * xml.c - XML through expat, for the parts of office documents.
 *
 * Hostile-input rules: a document that declares an entity is refused (no
 * office format needs one, and refusing them is the end of billion-laughs
 * and external-entity tricks; expat never fetches anything itself);
 * nesting deeper than MAX_DEPTH is refused. Handlers get names without
 * their prefix, as prefixes are chosen by the writer.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <expat.h>
#include <string.h>

#define MAX_DEPTH 1024

struct sgi_xml {
    XML_Parser p;
    const sgi_xml_handlers *h;
    void *opaque;
    unsigned depth;
    sg_status st;
    char msg[200];
    sgi_ctx *ctx; /* for --timeout (members of a container), or NULL */
    unsigned long elements;
};

const char *sgi_xml_local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

const char *sgi_xml_attr(const char **attrs, const char *name)
{
    for (size_t i = 0; attrs && attrs[i]; i += 2)
        if (strcmp(sgi_xml_local(attrs[i]), name) == 0)
            return attrs[i + 1];
    return NULL;
}

const char *sgi_xml_rid(const char **attrs)
{
    for (size_t i = 0; attrs && attrs[i]; i += 2)
        if (strchr(attrs[i], ':') && strcmp(sgi_xml_local(attrs[i]), "id") == 0)
            return attrs[i + 1];
    return NULL;
}

static void stop(sgi_xml *x, sg_status st, const char *msg)
{
    if (x->st == SG_OK) {
        x->st = st;
        snprintf(x->msg, sizeof(x->msg), "%s", msg);
    }
    XML_StopParser(x->p, XML_FALSE);
}


static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    sgi_xml *x = ud;
    if (++x->depth > MAX_DEPTH) {
        stop(x, SG_E_LIMIT, "XML nested too deep");
        return;
    }
    if ((++x->elements & 4095) == 0 && x->ctx && sgi_ctx_time_up(x->ctx)) {
        stop(x, SG_E_LIMIT, "--timeout reached");
        return;
    }
    if (x->h->start)
        x->h->start(x->opaque, sgi_xml_local(name), attrs);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    sgi_xml *x = ud;
    x->depth--;
    if (x->h->end)
        x->h->end(x->opaque, sgi_xml_local(name));
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    sgi_xml *x = ud;
    if (x->h->text)
        x->h->text(x->opaque, s, len);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int param, const XML_Char *value,
                              int len, const XML_Char *base, const XML_Char *sys,
                              const XML_Char *pub, const XML_Char *notation)
{
    (void)name, (void)param, (void)value, (void)len, (void)base, (void)sys, (void)pub,
        (void)notation;
    stop(ud, SG_E_FORMAT, "XML declares an entity: refused");
}

static bool xml_init(sgi_xml *x, const sgi_xml_handlers *h, void *opaque)
{
    memset(x, 0, sizeof(*x));
    x->p = XML_ParserCreate("UTF-8");
    if (!x->p)
        return false;
    x->h = h;
    x->opaque = opaque;
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, on_start, on_end);
    XML_SetCharacterDataHandler(x->p, on_text);
    XML_SetEntityDeclHandler(x->p, on_entity);
    XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
    return true;
}

/* The parse running on this thread, for sgi_xml_abort. */
static __thread sgi_xml *current;

static sg_status feed(sgi_xml *x, const char *data, size_t n, bool final)
{
    sgi_xml *saved = current;
    current = x;
    while (n || final) {
        int chunk = n > (1u << 30) ? 1 << 30 : (int)n;
        bool last = final && (size_t)chunk == n;
        if (XML_Parse(x->p, data, chunk, last) == XML_STATUS_ERROR && x->st == SG_OK) {
            char m[160];
            snprintf(m, sizeof(m), "malformed XML at line %lu: %s",
                     (unsigned long)XML_GetCurrentLineNumber(x->p),
                     XML_ErrorString(XML_GetErrorCode(x->p)));
            stop(x, SG_E_FORMAT, m);
        }
        if (x->st != SG_OK || last)
            break;
        data += chunk;
        n -= (size_t)chunk;
        if (!n && !final)
            break;
    }
    current = saved;
    return x->st;
}

void sgi_xml_abort(sg_status st, const char *msg)
{
    if (current)
        stop(current, st, msg);
}

static sg_status xml_sink(void *opaque, const char *data, size_t n)
{
    return feed(opaque, data, n, false);
}

sg_status sgi_xml_member(sgi_zip *z, size_t i, const sgi_xml_handlers *h, void *opaque)
{
    sgi_xml x;
    if (!xml_init(&x, h, opaque))
        return SG_E_NOMEM;
    x.ctx = z->ctx;
    sg_status st = sgi_zip_stream(z, i, xml_sink, &x);
    if (st == SG_OK)
        st = feed(&x, "", 0, true);
    if (x.st != SG_OK && z->status == SG_OK) {
        z->status = x.st;
        snprintf(z->error, sizeof(z->error), "%s: %s", sgi_zip_name(z, i), x.msg);
    }
    XML_ParserFree(x.p);
    return st != SG_OK ? st : x.st;
}

sg_status sgi_xml_buffer(const char *buf, size_t len, const sgi_xml_handlers *h, void *opaque,
                         char *err, size_t errlen)
{
    sgi_xml x;
    if (!xml_init(&x, h, opaque))
        return SG_E_NOMEM;
    sg_status st = feed(&x, buf, len, true);
    if (st != SG_OK && err)
        snprintf(err, errlen, "%s", x.msg);
    XML_ParserFree(x.p);
    return st;
}
