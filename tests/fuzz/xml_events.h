/*
 * xml_events.h - an XML parse's events written down as one string, so two
 * parses can be compared: "\n<name a=[v]...>", "\n</name>", "\nT:text",
 * adjacent text pieces joined (parsers cut text where they like). Line
 * feeds and backslashes in names, values and text are escaped, so only
 * the structure starts a line. Used by tests/unit/test_xml.c and
 * fuzz_xmlfast.c to hold the fast XML path to expat.
 */
#ifndef SG_XML_EVENTS_H
#define SG_XML_EVENTS_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sg_private.h"

typedef struct xml_events {
    char *buf; /* NUL-terminated */
    size_t n, cap;
    bool in_text;
} xml_events;

static inline void xev_raw(xml_events *e, const char *s, size_t n)
{
    if (e->n + n + 1 > e->cap) {
        size_t cap = (e->n + n + 1) * 2;
        char *b = realloc(e->buf, cap);
        if (!b)
            abort();
        e->buf = b;
        e->cap = cap;
    }
    memcpy(e->buf + e->n, s, n);
    e->n += n;
    e->buf[e->n] = '\0';
}

static inline void xev_put(xml_events *e, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            xev_raw(e, "\\n", 2);
        else if (s[i] == '\\')
            xev_raw(e, "\\\\", 2);
        else
            xev_raw(e, s + i, 1);
    }
}

static inline void xev_start(void *o, const char *name, const char **attrs)
{
    xml_events *e = o;
    e->in_text = false;
    xev_raw(e, "\n<", 2);
    xev_put(e, name, strlen(name));
    for (size_t i = 0; attrs[i]; i += 2) {
        xev_raw(e, " ", 1);
        xev_put(e, attrs[i], strlen(attrs[i]));
        xev_raw(e, "=[", 2);
        xev_put(e, attrs[i + 1], strlen(attrs[i + 1]));
        xev_raw(e, "]", 1);
    }
    xev_raw(e, ">", 1);
}

static inline void xev_end(void *o, const char *name)
{
    xml_events *e = o;
    e->in_text = false;
    xev_raw(e, "\n</", 3);
    xev_put(e, name, strlen(name));
    xev_raw(e, ">", 1);
}

static inline void xev_text(void *o, const char *s, int len)
{
    xml_events *e = o;
    if (!e->in_text)
        xev_raw(e, "\nT:", 3);
    e->in_text = true;
    xev_put(e, s, (size_t)len);
}

static const sgi_xml_handlers xml_events_handlers = {xev_start, xev_end, xev_text};

/* Empty it for the next parse (the buffer is kept). */
static inline void xev_reset(xml_events *e)
{
    e->n = 0;
    e->in_text = false;
    xev_raw(e, "", 0);
}

#endif
