/*
 * fuzz_xmlfast.c - differential target for the fast XML path (xml.c,
 * sgi_xml_buffer_fast) against expat (sgi_xml_buffer): when both accept a
 * document, their events (start with attributes, end, text with adjacent
 * pieces joined) must be the same, whatever the chunking. The first byte
 * picks the chunk size (0: whole); the rest is the document. A difference
 * aborts. Where only one accepts, nothing is claimed: expat checks UTF-8
 * and name characters the fast path leaves to the detectors, and the fast
 * path refuses more than 256 attributes on an element.
 */
#include "sg_private.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct events {
    char *buf;
    size_t n, cap;
    bool in_text;
} events;

static void put(events *e, const char *s, size_t n)
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
}

static void ev_start(void *o, const char *name, const char **attrs)
{
    events *e = o;
    e->in_text = false;
    put(e, "\n<", 2);
    put(e, name, strlen(name) + 1);
    for (size_t i = 0; attrs[i]; i += 2) {
        put(e, attrs[i], strlen(attrs[i]) + 1);
        put(e, attrs[i + 1], strlen(attrs[i + 1]) + 1);
    }
    put(e, ">", 1);
}

static void ev_end(void *o, const char *name)
{
    events *e = o;
    e->in_text = false;
    put(e, "\n</", 3);
    put(e, name, strlen(name) + 1);
}

static void ev_text(void *o, const char *s, int len)
{
    events *e = o;
    if (!e->in_text)
        put(e, "\nT", 2);
    e->in_text = true;
    put(e, s, (size_t)len);
}

static const sgi_xml_handlers H = {ev_start, ev_end, ev_text};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    size_t chunk = data[0] % 17;
    const char *doc = (const char *)data + 1;
    size_t n = size - 1;
    events a = {0}, b = {0};
    char err[200];
    sg_status sa = sgi_xml_buffer(doc, n, &H, &a, err, sizeof(err));
    sg_status sb = sgi_xml_buffer_fast(doc, n, chunk, &H, &b, err, sizeof(err));
    if (sa == SG_OK && sb == SG_OK && (a.n != b.n || memcmp(a.buf, b.buf, a.n) != 0)) {
        fprintf(stderr, "fuzz_xmlfast: events differ (chunk %zu)\n", chunk);
        abort();
    }
    free(a.buf);
    free(b.buf);
    return 0;
}
