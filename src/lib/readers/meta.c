/*
 * meta.c - metadata shared by formats: one property reported and scanned
 * (office properties, the PDF Info dictionary, EXIF fields), and XMP
 * packets (in PDFs, JPEG APP1, PNG iTXt, TIFF, WebP).
 *
 * XMP is RDF/XML: a property is an element (<dc:creator><rdf:Seq><rdf:li>
 * Jane</rdf:li>...) or an attribute of rdf:Description (xmp:CreatorTool=
 * "Word"). Only properties that say who made a file, with what, and where
 * are reported; the rest (dates, ids, history) are not.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>

void sgi_emit_metadata(sgi_ctx *ctx, sgi_cells *cells, int rule, const char *part,
                       const char *what, const char *value, size_t n, bool scan)
{
    while (n && (*value == ' ' || *value == '\n' || *value == '\r' || *value == '\t')) {
        value++;
        n--;
    }
    while (n && (value[n - 1] == ' ' || value[n - 1] == '\n' || value[n - 1] == '\r' ||
                 value[n - 1] == '\t' || value[n - 1] == '\0'))
        n--;
    if (n == 0)
        return;
    sgi_arena *ar = &ctx->res->arena;
    char *v = sgi_arena_printf(ar, "%s: %.*s", what, (int)SGI_MIN(n, (size_t)400), value);
    if (!v)
        return;
    char *vm = sgi_mask_name(ar, v + strlen(what) + 2);
    char *m = vm ? sgi_arena_printf(ar, "%s: %s", what, vm) : NULL;
    sg_location loc = {0};
    loc.offset = -1;
    /* the part may be a container's name for the member: keep a copy */
    loc.part = part ? sgi_arena_strndup(ar, part, strlen(part)) : NULL;
    part = loc.part;
    sgi_emit(ctx, rule, SGI_F_HIDDEN | SGI_F_META, "metadata", v, strlen(v),
             m ? m : "(metadata)", &loc);
    if (scan && cells) {
        /* what it says is scanned too: personal data there is reviewed */
        sgi_cells_begin(cells, SGI_CELLS_TEXT, part, NULL, 0, NULL);
        sgi_cells_add(cells, 1, 0, value, n, SGI_F_HIDDEN | SGI_F_META, "metadata");
        sgi_cells_end(cells, false);
    }
}

/* ------------------------------------------------------------------ XMP */

typedef struct xmp_prop {
    const char *local; /* the property's local name */
    const char *what;  /* as reported */
    bool scan;         /* run the detectors over the value */
} xmp_prop;

static const xmp_prop xmp_props[] = {
    {"creator", "creator", true},
    {"Author", "author", true},
    {"Authors", "author", true},
    {"title", "title", true},
    {"description", "description", true},
    {"subject", "subject", true},
    {"rights", "rights", true},
    {"Keywords", "keywords", true},
    {"CreatorTool", "creator tool", false},
    {"Producer", "producer", false},
    {"LastModifiedBy", "last modified by", true},
    {"AuthorsPosition", "author's position", true},
    {"CaptionWriter", "caption writer", true},
    {"Credit", "credit", true},
    {"Owner", "owner", true},
    {"OwnerName", "owner", true},
    {"CameraOwnerName", "owner", true},
    {"SerialNumber", "serial number", false},
    {"LensSerialNumber", "lens serial number", false},
    {"BodySerialNumber", "serial number", false},
    {"City", "city", true},
    {"State", "state", true},
    {"Country", "country", false},
    {"Location", "location", true},
    {"Sublocation", "location", true},
    {"CiAdrExtadr", "creator's address", true},
    {"CiAdrCity", "creator's city", true},
    {"CiEmailWork", "creator's e-mail", true},
    {"CiTelWork", "creator's telephone", true},
    {"GPSLatitude", "GPS latitude", false},
    {"GPSLongitude", "GPS longitude", false},
    {"Company", "company", true},
    {"Manager", "manager", true},
};

static const xmp_prop *xmp_find(const char *local)
{
    for (size_t i = 0; i < SGI_ARRAY_LEN(xmp_props); i++)
        if (strcmp(xmp_props[i].local, local) == 0)
            return &xmp_props[i];
    return NULL;
}

#define XMP_DEPTH 64

typedef struct xmp {
    sgi_ctx *ctx;
    sgi_cells *cells;
    int rule;
    const char *part;
    /* the open elements' properties (NULL: not reported) */
    const xmp_prop *stack[XMP_DEPTH];
    unsigned depth;
    sgi_text text;
    unsigned reported;
} xmp;

#define XMP_MAX_REPORTED 64

static void xmp_emit(xmp *x, const xmp_prop *p, const char *v, size_t n)
{
    if (x->reported >= XMP_MAX_REPORTED)
        return;
    size_t k = 0;
    while (k < n && (v[k] == ' ' || v[k] == '\n' || v[k] == '\r' || v[k] == '\t'))
        k++;
    if (k == n)
        return;
    x->reported++;
    sgi_emit_metadata(x->ctx, x->cells, x->rule, x->part, p->what, v, n, p->scan);
}

static void xmp_start(void *opaque, const char *name, const char **attrs)
{
    xmp *x = opaque;
    /* rdf:Description attributes are properties too */
    for (size_t i = 0; attrs && attrs[i]; i += 2) {
        const xmp_prop *p = xmp_find(sgi_xml_local(attrs[i]));
        if (p)
            xmp_emit(x, p, attrs[i + 1], strlen(attrs[i + 1]));
    }
    if (x->depth < XMP_DEPTH)
        x->stack[x->depth] = xmp_find(name);
    x->depth++;
    x->text.len = 0;
}

static void xmp_text(void *opaque, const char *s, int len)
{
    xmp *x = opaque;
    sgi_text_add(&x->text, s, (size_t)len);
}

static void xmp_end(void *opaque, const char *name)
{
    xmp *x = opaque;
    if (x->depth == 0)
        return;
    x->depth--;
    /* a value belongs to the element itself, or, for an rdf:li, to the
     * property holding its rdf:Seq, rdf:Alt or rdf:Bag */
    unsigned d = x->depth;
    const xmp_prop *p = d < XMP_DEPTH ? x->stack[d] : NULL;
    if (!p && strcmp(name, "li") == 0) {
        if (d >= 2 && d - 2 < XMP_DEPTH)
            p = x->stack[d - 2];
        if (!p && d >= 1 && d - 1 < XMP_DEPTH)
            p = x->stack[d - 1];
    }
    if (p && x->text.len)
        xmp_emit(x, p, x->text.p, x->text.len);
    x->text.len = 0;
}

sg_status sgi_xmp_scan(sgi_ctx *ctx, sgi_cells *cells, int rule, const char *part,
                       const char *xml, size_t len)
{
    /* a packet may be padded or wrapped in <?xpacket?>: start at '<' */
    while (len && *xml != '<') {
        xml++;
        len--;
    }
    while (len && (xml[len - 1] == '\0' || xml[len - 1] == ' ' || xml[len - 1] == '\n' ||
                   xml[len - 1] == '\r' || xml[len - 1] == '\t'))
        len--;
    if (!len)
        return SG_OK;
    xmp x;
    memset(&x, 0, sizeof(x));
    x.ctx = ctx;
    x.cells = cells;
    x.rule = rule;
    x.part = part;
    sgi_text_init(&x.text, ctx->mem, 4096);
    static const sgi_xml_handlers h = {xmp_start, xmp_end, xmp_text};
    char err[256];
    sg_status st = sgi_xml_buffer(xml, len, &h, &x, err, sizeof(err));
    sgi_text_free(&x.text);
    return st;
}
