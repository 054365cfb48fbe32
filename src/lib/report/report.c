/*
 * report.c - the report handle, its output buffer and the JSON helpers
 * the writers share. Each format lives in report_<format>.c; results reach
 * them through sg_report_file, which is an sg_result_fn.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- buffer */

void sgi_out_put(sgi_out *o, const char *s, size_t n)
{
    if (o->nomem)
        return;
    if (o->n + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->n + n + 1)
            cap *= 2;
        char *p = realloc(o->p, cap);
        if (!p) {
            o->nomem = true;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = '\0';
}

void sgi_out_puts(sgi_out *o, const char *s)
{
    sgi_out_put(o, s, strlen(s));
}

void sgi_out_printf(sgi_out *o, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(tmp)) {
        sgi_out_put(o, tmp, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        o->nomem = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sgi_out_put(o, big, (size_t)n);
    free(big);
}

/* Length of a valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_valid(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (c == 0xE0 && s[1] < 0xA0)
        return 0;
    if (c == 0xED && s[1] > 0x9F)
        return 0;
    if (c == 0xF0 && s[1] < 0x90)
        return 0;
    if (c == 0xF4 && s[1] > 0x8F)
        return 0;
    return len;
}

void sgi_out_json_strn(sgi_out *o, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    sgi_out_put(o, "\"", 1);
    size_t run = 0; /* bytes copied as they are */
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        const char *esc = NULL;
        char tmp[8];
        size_t l = 1;
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c < 0x20 || c == 0x7F) {
            snprintf(tmp, sizeof(tmp), "\\u%04x", c);
            esc = tmp;
        } else if (c >= 0x80) {
            l = utf8_valid(s + i, n - i);
            if (l == 0) {
                esc = "\\ufffd";
                l = 1;
            }
        }
        if (esc) {
            sgi_out_put(o, (const char *)s + i - run, run);
            run = 0;
            sgi_out_puts(o, esc);
            i += l;
            continue;
        }
        run += l;
        i += l;
    }
    sgi_out_put(o, (const char *)s + n - run, run);
    sgi_out_put(o, "\"", 1);
}

void sgi_out_json_str(sgi_out *o, const char *s)
{
    if (!s) {
        sgi_out_puts(o, "null");
        return;
    }
    sgi_out_json_strn(o, s, strlen(s));
}

void sgi_out_safe(sgi_out *o, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t l = c < 0x80 ? 1 : utf8_valid(s + i, n - i);
        if (c < 0x20 || c == 0x7F || l == 0) {
            sgi_out_printf(o, "\\x%02x", c);
            i++;
            continue;
        }
        sgi_out_put(o, (const char *)s + i, l);
        i += l;
    }
}

/* ------------------------------------------------------------- handle */

sg_status sg_report_new(sg_report_format format, unsigned flags, sg_write_fn write_fn,
                        void *opaque, sg_report **out)
{
    if (!out || !write_fn || format > SG_REPORT_SARIF)
        return SG_E_INVALID;
    sg_report *rep = calloc(1, sizeof(*rep));
    if (!rep)
        return SG_E_NOMEM;
    rep->fmt = format;
    rep->flags = flags;
    rep->write = write_fn;
    rep->opaque = opaque;
    sgi_mem_init(&rep->mem, NULL);
    *out = rep;
    return SG_OK;
}

bool sgi_report_flush(sg_report *rep)
{
    if (rep->out.nomem) {
        rep->failed = true;
        rep->out.nomem = false;
    }
    if (rep->out.n && !rep->failed && rep->write(rep->opaque, rep->out.p, rep->out.n) != 0)
        rep->failed = true;
    rep->out.n = 0;
    return !rep->failed;
}

const char *sgi_report_value(const sg_report *rep, const sg_finding *f)
{
    return (rep->flags & SG_REPORT_REVEAL) && f->value ? f->value : f->match;
}

int sg_report_file(void *report, const sg_file_result *r)
{
    sg_report *rep = report;
    if (!rep || !r)
        return 1;
    switch (rep->fmt) {
    case SG_REPORT_TEXT:
        return sgi_report_text_file(rep, r);
    case SG_REPORT_JSONL:
        return sgi_report_jsonl_file(rep, r);
    case SG_REPORT_SARIF:
        return sgi_report_sarif_file(rep, r);
    }
    return 1;
}

sg_status sg_report_finish(sg_report *rep, const sg_summary *s)
{
    if (!rep || !s)
        return SG_E_INVALID;
    switch (rep->fmt) {
    case SG_REPORT_TEXT:
        return sgi_report_text_finish(rep, s);
    case SG_REPORT_JSONL:
        return sgi_report_jsonl_finish(rep, s);
    case SG_REPORT_SARIF:
        return sgi_report_sarif_finish(rep, s);
    }
    return SG_E_INVALID;
}

void sg_report_free(sg_report *rep)
{
    if (!rep)
        return;
    free(rep->out.p);
    free(rep->notes.p);
    free(rep);
}
