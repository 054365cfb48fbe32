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
#include "xml_events.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    size_t chunk = data[0] % 17;
    const char *doc = (const char *)data + 1;
    size_t n = size - 1;
    xml_events a = {0}, b = {0};
    char err[200];
    sg_status sa = sgi_xml_buffer(doc, n, &xml_events_handlers, &a, err, sizeof(err));
    sg_status sb = sgi_xml_buffer_fast(doc, n, chunk, &xml_events_handlers, &b, err, sizeof(err));
    if (sa == SG_OK && sb == SG_OK && (a.n != b.n || memcmp(a.buf, b.buf, a.n) != 0)) {
        fprintf(stderr, "fuzz_xmlfast: events differ (chunk %zu)\n", chunk);
        abort();
    }
    free(a.buf);
    free(b.buf);
    return 0;
}
