/*
 * ooxml_common.c - what XLSX, DOCX and PPTX share (Open Packaging
 * Conventions): relationships, document properties, custom XML, printer
 * settings, embedded files, macros, and links to files outside.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "ooxml_private.h"

#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------- rels */

typedef struct rels_parse {
    sgi_ooxml *ox;
    sgi_rels *r;
    const char *base; /* directory of the source part, with '/' */
} rels_parse;

/* Join base and a relative target, resolving "." and ".." segments. */
static char *resolve(sgi_arena *ar, const char *base, const char *target)
{
    char tmp[1024];
    if (target[0] == '/')
        snprintf(tmp, sizeof(tmp), "%s", target + 1);
    else
        snprintf(tmp, sizeof(tmp), "%s%s", base, target);
    /* normalise in place: split on '/', drop ".", pop on ".." */
    char out[1024];
    size_t o = 0;
    const char *p = tmp;
    while (*p) {
        const char *seg = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - seg);
        if (*p == '/')
            p++;
        if (n == 0 || (n == 1 && seg[0] == '.'))
            continue;
        if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            continue;
        }
        if (o + n + 2 >= sizeof(out))
            break;
        if (o)
            out[o++] = '/';
        memcpy(out + o, seg, n);
        o += n;
    }
    return sgi_arena_strndup(ar, out, o);
}

static void rels_start(void *opaque, const char *name, const char **attrs)
{
    rels_parse *rp = opaque;
    if (strcmp(name, "Relationship") != 0)
        return;
    const char *id = sgi_xml_attr(attrs, "Id");
    const char *type = sgi_xml_attr(attrs, "Type");
    const char *target = sgi_xml_attr(attrs, "Target");
    const char *mode = sgi_xml_attr(attrs, "TargetMode");
    if (!id || !type || !target)
        return;
    sgi_rels *r = rp->r;
    if (!sgi_grow(rp->ox->ctx->mem, (void **)&r->v, &r->cap, r->n + 1, sizeof(sgi_rel))) {
        sgi_xml_abort(SG_E_NOMEM, "out of memory");
        return;
    }
    sgi_arena *ar = &rp->ox->ctx->res->arena;
    sgi_rel *rel = &r->v[r->n++];
    const char *slash = strrchr(type, '/');
    rel->id = sgi_arena_strndup(ar, id, strlen(id));
    rel->type = sgi_arena_strndup(ar, slash ? slash + 1 : type, strlen(slash ? slash + 1 : type));
    rel->external = mode && strcmp(mode, "External") == 0;
    rel->target = rel->external ? sgi_arena_strndup(ar, target, strlen(target))
                                : resolve(ar, rp->base, target);
    if (!rel->id || !rel->type || !rel->target)
        r->n--;
}

sg_status sgi_ooxml_rels(sgi_ooxml *ox, const char *part, sgi_rels *out)
{
    memset(out, 0, sizeof(*out));
    char base[512], relpath[600];
    const char *slash = strrchr(part, '/');
    size_t dl = slash ? (size_t)(slash - part) + 1 : 0;
    if (dl >= sizeof(base))
        return SG_OK;
    memcpy(base, part, dl);
    base[dl] = '\0';
    snprintf(relpath, sizeof(relpath), "%s_rels/%s.rels", base, slash ? slash + 1 : part);
    long long i = sgi_zip_find(&ox->zip, relpath);
    if (i < 0)
        return SG_OK;
    rels_parse rp = {ox, out, base};
    static const sgi_xml_handlers h = {rels_start, NULL, NULL};
    sg_status st = sgi_xml_member(&ox->zip, (size_t)i, &h, &rp);
    if (st != SG_OK) /* nothing half-read is handed out */
        sgi_ooxml_rels_free(ox, out);
    return st;
}

void sgi_ooxml_rels_free(sgi_ooxml *ox, sgi_rels *r)
{
    sgi_free(ox->ctx->mem, r->v);
    memset(r, 0, sizeof(*r));
}

const sgi_rel *sgi_rels_by_id(const sgi_rels *r, const char *id)
{
    for (size_t i = 0; id && i < r->n; i++)
        if (strcmp(r->v[i].id, id) == 0)
            return &r->v[i];
    return NULL;
}

const sgi_rel *sgi_rels_by_type(const sgi_rels *r, const char *type, size_t *from)
{
    for (size_t i = from ? *from : 0; i < r->n; i++) {
        if (strcmp(r->v[i].type, type) == 0) {
            if (from)
                *from = i + 1;
            return &r->v[i];
        }
    }
    return NULL;
}

/* ------------------------------------------------------------ helpers */

sg_finding *sgi_ooxml_hidden(sgi_ooxml *ox, int rule, const char *part, const char *value,
                             const char *masked, const char *message, sg_location *extra)
{
    sg_location loc = {0};
    if (extra)
        loc = *extra;
    loc.offset = -1;
    if (!loc.part)
        loc.part = part ? sgi_arena_strndup(&ox->ctx->res->arena, part, strlen(part)) : NULL;
    sg_finding *f = sgi_emit(ox->ctx, rule, SGI_F_HIDDEN, sgi_rules[rule].info.name, value,
                             strlen(value), masked ? masked : value, &loc);
    if (f && message)
        f->message = sgi_arena_strndup(&ox->ctx->res->arena, message, strlen(message));
    return f;
}


/* ------------------------------------------------------------ metadata */

typedef struct props {
    sgi_ooxml *ox;
    const char *part;
    sgi_text text;
    char prop[64]; /* custom: the property's name */
    int depth_in;  /* inside a custom property */
} props;

/* Core and extended properties worth reporting; others (application,
 * version, dates) say nothing about people. */
static const char *const core_fields[] = {"creator", "lastModifiedBy", "title",   "subject",
                                          "keywords", "description", "category", "Company",
                                          "Manager",  "Template",    NULL};

static bool reported(const char *name)
{
    for (size_t i = 0; core_fields[i]; i++)
        if (strcmp(name, core_fields[i]) == 0)
            return true;
    return false;
}

void sgi_ooxml_metadata_value(sgi_ooxml *ox, const char *part, const char *what,
                              const char *value, size_t n, bool scan)
{
    sgi_emit_metadata(ox->ctx, &ox->cells, SGI_R_HIDDEN_METADATA, part, what, value, n, scan);
}

static void props_start(void *opaque, const char *name, const char **attrs)
{
    props *p = opaque;
    p->text.len = 0;
    if (strcmp(name, "property") == 0) {
        const char *nm = sgi_xml_attr(attrs, "name");
        snprintf(p->prop, sizeof(p->prop), "%s", nm ? nm : "custom");
        p->depth_in = 1;
    }
}

static void props_text(void *opaque, const char *s, int len)
{
    props *p = opaque;
    sgi_text_add(&p->text, s, (size_t)len);
}

static void props_end(void *opaque, const char *name)
{
    props *p = opaque;
    if (p->depth_in && strcmp(name, "property") == 0) {
        p->depth_in = 0;
        return;
    }
    if (p->depth_in) { /* vt:lpwstr and friends inside a custom property */
        char what[96];
        snprintf(what, sizeof(what), "custom property \"%s\"", p->prop);
        sgi_ooxml_metadata_value(p->ox, p->part, what, p->text.p ? p->text.p : "", p->text.len,
                                 true);
    } else if (reported(name)) {
        /* a template named without a path is the stock one: Normal.dotm */
        if (strcmp(name, "Template") == 0 && p->text.p &&
            !strpbrk(p->text.p, "/\\:"))
            return;
        bool person = strcmp(name, "creator") == 0 || strcmp(name, "lastModifiedBy") == 0 ||
                      strcmp(name, "Manager") == 0;
        sgi_ooxml_metadata_value(p->ox, p->part, name, p->text.p ? p->text.p : "", p->text.len,
                                 !person);
    }
    p->text.len = 0;
}

static void one_props(sgi_ooxml *ox, const char *part)
{
    long long i = sgi_zip_find(&ox->zip, part);
    if (i < 0)
        return;
    props p;
    memset(&p, 0, sizeof(p));
    p.ox = ox;
    p.part = part;
    sgi_text_init(&p.text, ox->ctx->mem, 64 * 1024);
    static const sgi_xml_handlers h = {props_start, props_end, props_text};
    sgi_xml_member(&ox->zip, (size_t)i, &h, &p);
    sgi_text_free(&p.text);
}

/* customXml/item*.xml: a data store of its own; its text is scanned */
typedef struct xmltext {
    sgi_text text;
} xmltext;

static void xt_text(void *opaque, const char *s, int len)
{
    xmltext *x = opaque;
    sgi_text_add(&x->text, s, (size_t)len);
    sgi_text_add(&x->text, " ", 1);
}

static void custom_xml(sgi_ooxml *ox, size_t i, const char *name)
{
    xmltext x;
    sgi_text_init(&x.text, ox->ctx->mem, 1u << 20);
    static const sgi_xml_handlers h = {NULL, NULL, xt_text};
    sgi_xml_member(&ox->zip, i, &h, &x);
    /* whitespace only is a schema reference, not data */
    bool any = false;
    for (size_t k = 0; k < x.text.len && !any; k++)
        any = x.text.p[k] != ' ' && x.text.p[k] != '\n' && x.text.p[k] != '\r' &&
              x.text.p[k] != '\t';
    if (any)
        sgi_ooxml_metadata_value(ox, name, "custom XML", x.text.p, x.text.len, true);
    sgi_text_free(&x.text);
}

/* A DEVMODE starts with the printer's name, 32 UTF-16 characters. */
static void printer_settings(sgi_ooxml *ox, size_t i, const char *name)
{
    char *data = NULL;
    size_t n = 0;
    if (sgi_zip_read(&ox->zip, i, &data, &n) != SG_OK)
        return;
    char dev[40];
    size_t k = 0;
    for (size_t j = 0; j + 1 < n && j < 64 && k + 1 < sizeof(dev); j += 2) {
        unsigned c = (unsigned char)data[j] | (unsigned)(unsigned char)data[j + 1] << 8;
        if (c == 0)
            break;
        dev[k++] = c < 0x80 && c >= 0x20 ? (char)c : '?';
    }
    dev[k] = '\0';
    sgi_free(ox->ctx->mem, data);
    sgi_ooxml_metadata_value(ox, name, "printer", k ? dev : "(settings)", k ? k : 10, false);
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool in_dir(const char *name, const char *dir)
{
    const char *p = strstr(name, dir);
    return p && (p == name || p[-1] == '/');
}

void sgi_ooxml_metadata(sgi_ooxml *ox)
{
    one_props(ox, "docProps/core.xml");
    one_props(ox, "docProps/app.xml");
    one_props(ox, "docProps/custom.xml");
    for (size_t i = 0; i < ox->zip.n; i++) {
        const char *name = sgi_zip_name(&ox->zip, i);
        const char *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        if (has_prefix(name, "customXml/") && has_prefix(base, "item") &&
            !has_prefix(base, "itemProps") && strstr(base, ".xml"))
            custom_xml(ox, i, name);
        else if (in_dir(name, "printerSettings/"))
            printer_settings(ox, i, name);
    }
}

/* ---------------------------------------------------- embedded, macros */

static const char *human_size(char *buf, size_t n, unsigned long long b)
{
    if (b < 10240)
        snprintf(buf, n, "%llu bytes", b);
    else if (b < 10ULL << 20)
        snprintf(buf, n, "%llu KB", b >> 10);
    else
        snprintf(buf, n, "%llu MB", b >> 20);
    return buf;
}

void sgi_ooxml_embedded(sgi_ooxml *ox)
{
    for (size_t i = 0; i < ox->zip.n; i++) {
        const char *name = sgi_zip_name(&ox->zip, i);
        const char *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        if (strcmp(base, "vbaProject.bin") == 0) {
            sgi_ooxml_hidden(ox, SGI_R_HIDDEN_MACRO, name, "VBA project", NULL,
                             "the document carries macros (a VBA project)", NULL);
            continue;
        }
        if (!in_dir(name, "embeddings/") || base[0] == '\0')
            continue;
        char size[32], msg[700];
        human_size(size, sizeof(size), sgi_zip_size(&ox->zip, i));
        char *data = NULL;
        size_t n = 0;
        sg_status st = sgi_zip_read(&ox->zip, i, &data, &n);
        const char *format = NULL;
        char err[512] = "";
        if (st == SG_OK) {
            st = sgi_scan_nested(ox->ctx, data, n, name, "embedded object", err, sizeof(err),
                                 &format);
            sgi_free(ox->ctx->mem, data);
        } else {
            snprintf(err, sizeof(err), "%s", ox->zip.error);
            ox->zip.status = SG_OK; /* the document itself is fine */
        }
        if (st == SG_OK)
            snprintf(msg, sizeof(msg), "embedded file %s (%s, %s), scanned", base,
                     format ? format : "?", size);
        else
            snprintf(msg, sizeof(msg), "embedded file %s (%s, %s), not checked: %s", base,
                     format ? format : "?", size, err);
        sgi_ooxml_hidden(ox, SGI_R_HIDDEN_EMBEDDED_OBJECT, name, base, NULL, msg, NULL);
    }
}

/* Pictures in the document (word/media/, xl/media/, ppt/media/, ODF's
 * Pictures/): each is read as a file of its own, so that the GPS position
 * of a photo, or what is appended to a screenshot, is found inside the
 * document. A picture with nothing to say adds no finding. */
static bool is_picture(const char *base)
{
    static const char *const exts[] = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".gif",
                                       ".webp", ".heic", ".jfif", NULL};
    size_t n = strlen(base);
    for (size_t i = 0; exts[i]; i++) {
        size_t k = strlen(exts[i]);
        if (n > k && strcasecmp(base + n - k, exts[i]) == 0)
            return true;
    }
    return false;
}

void sgi_ooxml_pictures(sgi_ooxml *ox)
{
    for (size_t i = 0; i < ox->zip.n; i++) {
        const char *name = sgi_zip_name(&ox->zip, i);
        const char *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        if (!(in_dir(name, "media/") || strncmp(name, "Pictures/", 9) == 0) ||
            !is_picture(base))
            continue;
        char *data = NULL;
        size_t n = 0;
        if (sgi_zip_read(&ox->zip, i, &data, &n) != SG_OK) {
            ox->zip.status = SG_OK; /* a picture too large to read is not the text */
            continue;
        }
        char err[512];
        const char *format = NULL;
        sgi_scan_nested(ox->ctx, data, n, name, "picture in the document", err, sizeof(err),
                        &format);
        sgi_free(ox->ctx->mem, data);
    }
}

/* Links to files outside the document (a template on someone's disk, a
 * mail-merge source, a linked object), in the relationships of any part.
 * Hyperlinks are what the reader sees; links to other workbooks are
 * reported with their cached values (read_xlsx.c). */
typedef struct ext_rels {
    sgi_ooxml *ox;
    const char *part;
} ext_rels;

static void ext_start(void *opaque, const char *name, const char **attrs)
{
    ext_rels *e = opaque;
    if (strcmp(name, "Relationship") != 0)
        return;
    const char *mode = sgi_xml_attr(attrs, "TargetMode");
    const char *type = sgi_xml_attr(attrs, "Type");
    const char *target = sgi_xml_attr(attrs, "Target");
    if (!mode || strcmp(mode, "External") != 0 || !type || !target)
        return;
    const char *t = strrchr(type, '/');
    t = t ? t + 1 : type;
    if (strcmp(t, "hyperlink") == 0 || strcmp(t, "externalLinkPath") == 0)
        return;
    sgi_arena *ar = &e->ox->ctx->res->arena;
    char *v = sgi_arena_printf(ar, "%s: %s", t, target);
    char *tm = sgi_mask_name(ar, target);
    char *m = tm ? sgi_arena_printf(ar, "%s: %s", t, tm) : NULL;
    char msg[200];
    snprintf(msg, sizeof(msg), "a link to a file outside the document (%s)", t);
    if (v)
        sgi_ooxml_hidden(e->ox, SGI_R_HIDDEN_EXTERNAL_LINK, e->part, v, m, msg, NULL);
}

void sgi_ooxml_external_rels(sgi_ooxml *ox)
{
    for (size_t i = 0; i < ox->zip.n; i++) {
        const char *name = sgi_zip_name(&ox->zip, i);
        size_t n = strlen(name);
        if (n < 5 || strcmp(name + n - 5, ".rels") != 0)
            continue;
        ext_rels e = {ox, name};
        static const sgi_xml_handlers h = {ext_start, NULL, NULL};
        sgi_xml_member(&ox->zip, i, &h, &e);
        ox->zip.status = SG_OK;
    }
}

/* ---------------------------------------------------------- open/close */

sg_status sgi_ooxml_open(sgi_ooxml *ox, sgi_ctx *ctx)
{
    memset(ox, 0, sizeof(*ox));
    ox->ctx = ctx;
    sgi_cells_init(&ox->cells, ctx);
    sg_status st = sgi_zip_open(&ox->zip, ctx);
    if (st != SG_OK)
        sgi_ctx_error(ctx, st, "%s", ox->zip.error);
    return st;
}

sg_status sgi_ooxml_close(sgi_ooxml *ox, sg_status st)
{
    if (st == SG_OK && ox->zip.status != SG_OK)
        st = ox->zip.status;
    if (st != SG_OK)
        sgi_ctx_error(ox->ctx, st, "%s", ox->zip.error[0] ? ox->zip.error : sg_strerror(st));
    sgi_cells_free(&ox->cells);
    sgi_zip_close(&ox->zip);
    return st;
}

const char *sgi_ooxml_main_part(sgi_ooxml *ox, const char *fallback)
{
    sgi_rels r;
    const char *main = fallback;
    if (sgi_ooxml_rels(ox, "", &r) == SG_OK) {
        /* the package's own rels: _rels/.rels */
        const sgi_rel *rel = sgi_rels_by_type(&r, "officeDocument", NULL);
        if (rel && !rel->external)
            main = rel->target;
    }
    sgi_ooxml_rels_free(ox, &r);
    return main;
}
