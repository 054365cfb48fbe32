/*
 * read_xml.c - XML documents (data exports, feeds) on expat, as the
 * office readers parse theirs: no entities, nothing external, a depth
 * limit.
 *
 * The markup goes; what it holds is read a line per element or attribute,
 * named by it ("dateOfBirth: 1981-03-12", "officer name: John Brown"), so
 * that a value gets the context its name gives (a date next to "birth").
 * Findings are located by that line ("paragraph") in the part "xml".
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>
#include <strings.h>

typedef struct xmlr {
    sgi_ctx *ctx;
    sgi_cells cells;
    sgi_text line;
    char name[128];   /* the innermost open element */
    unsigned long long n;
} xmlr;

static void emit(xmlr *x)
{
    size_t i = 0;
    while (i < x->line.len && (x->line.p[i] == ' ' || x->line.p[i] == '\n' ||
                               x->line.p[i] == '\t' || x->line.p[i] == '\r'))
        i++;
    /* a line is "name: text": only if the text is more than its name */
    const char *colon = x->line.len ? memchr(x->line.p, ':', x->line.len) : NULL;
    bool any = false;
    for (size_t k = colon ? (size_t)(colon - x->line.p) + 1 : i; k < x->line.len && !any; k++)
        any = x->line.p[k] != ' ' && x->line.p[k] != '\n' && x->line.p[k] != '\t' &&
              x->line.p[k] != '\r';
    if (any)
        sgi_cells_add(&x->cells, ++x->n, 0, x->line.p + i, x->line.len - i, 0, NULL);
    x->line.len = 0;
}

static void x_start(void *opaque, const char *name, const char **attrs)
{
    xmlr *x = opaque;
    if (x->line.len)
        emit(x);
    for (size_t i = 0; attrs && attrs[i]; i += 2) {
        x->line.len = 0;
        sgi_text_add_name(&x->line, name, strlen(name));
        sgi_text_add(&x->line, " ", 1);
        sgi_text_add_name(&x->line, attrs[i], strlen(attrs[i]));
        sgi_text_add(&x->line, ": ", 2);
        sgi_text_add(&x->line, attrs[i + 1], strlen(attrs[i + 1]));
        emit(x);
    }
    snprintf(x->name, sizeof(x->name), "%s", name);
    x->line.len = 0;
    sgi_text_add_name(&x->line, name, strlen(name));
    sgi_text_add(&x->line, ": ", 2);
}

static void x_text(void *opaque, const char *s, int len)
{
    xmlr *x = opaque;
    if (!x->line.len) {
        sgi_text_add_name(&x->line, x->name, strlen(x->name));
        sgi_text_add(&x->line, ": ", 2);
    }
    sgi_text_add(&x->line, s, (size_t)len);
}

static void x_end(void *opaque, const char *name)
{
    xmlr *x = opaque;
    emit(x);
}

static sg_status xml_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    ctx->res->pub.format = "xml";
    size_t len = 0;
    char *raw = sgi_ctx_slurp(ctx, "document", &len);
    if (!raw)
        return SG_OK;
    xmlr x;
    memset(&x, 0, sizeof(x));
    x.ctx = ctx;
    sgi_cells_init(&x.cells, ctx);
    sgi_text_init(&x.line, ctx->mem, ctx->eng->opt_max_record);
    sgi_cells_begin(&x.cells, SGI_CELLS_TEXT, "xml", NULL, 0, NULL);
    static const sgi_xml_handlers h = {x_start, x_end, x_text};
    char err[300] = "";
    sg_status st = sgi_xml_buffer(raw, len, &h, &x, err, sizeof(err));
    emit(&x);
    sgi_cells_end(&x.cells, false);
    if (st != SG_OK)
        sgi_ctx_error(ctx, st, "XML: %s", err[0] ? err : sg_strerror(st));
    sgi_text_free(&x.line);
    sgi_cells_free(&x.cells);
    sgi_free(ctx->mem, raw);
    (void)pk;
    return SG_OK;
}

/* Text that starts with an XML declaration (after a BOM or blanks). */
static int xml_bid(const sgi_peek *pk)
{
    if (!pk->sniff->text || !pk->text)
        return 0;
    const char *t = pk->text;
    size_t n = pk->textlen, i = 0;
    while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n'))
        i++;
    if (n - i < 6 || strncmp(t + i, "<?xml", 5) != 0)
        return 0;
    /* XHTML is HTML's */
    if (memmem(t, SGI_MIN(n, 4096), "<html", 5) || memmem(t, SGI_MIN(n, 4096), "<!DOCTYPE html", 14))
        return 0;
    return 6;
}

const sgi_reader sgi_reader_xml = {"xml", xml_bid, xml_scan};
