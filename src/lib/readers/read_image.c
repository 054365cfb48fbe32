/*
 * read_image.c - pictures: what they say about who took them and where
 * (EXIF through libexif, IPTC through libiptcdata, XMP, PNG and GIF text),
 * what follows their end marker, and thumbnails that show another shape.
 *
 *   JPEG  segments walked to EOI: APP1 EXIF and XMP, APP13 IPTC, the size
 *         from SOF; the entropy-coded data skipped marker by marker
 *   PNG   chunks walked to IEND: tEXt, zTXt, iTXt (XMP too), eXIf
 *   TIFF  the file is EXIF: libexif reads its IFDs (XMP in tag 700)
 *   WebP  RIFF chunks EXIF and XMP; bytes past the RIFF size
 *   GIF   blocks walked to the trailer: comments
 *   HEIC  libheif: the primary image's Exif and XMP blocks
 *
 * Bytes after the end (JPEG EOI, PNG IEND, GIF trailer, WebP RIFF) are
 * hidden.trailing_data and are scanned as a file of their own: a second
 * picture there is read like any other. The picture is read into memory
 * (within --max-part); walking it is bounded by its size.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"
#include "lazylib_private.h" /* libheif */

#include <libexif/exif-data.h>
#include <libexif/exif-loader.h>
#include <libiptcdata/iptc-data.h>
#include <libiptcdata/iptc-jpeg.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define TEXT_MAX (1u << 20) /* a decompressed text chunk */

typedef struct img {
    sgi_ctx *ctx;
    sgi_cells cells;
    const unsigned char *p;
    size_t n;
    char *owned;
    const char *format;
    long long width, height; /* of the main picture, or 0 */
    long long thumb_w, thumb_h;
    size_t end; /* where the picture ends (trailing data follows) */
    bool end_known;
} img;

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static unsigned long le32(const unsigned char *p)
{
    return (unsigned long)p[3] << 24 | (unsigned long)p[2] << 16 | (unsigned long)p[1] << 8 | p[0];
}

static void meta(img *m, const char *part, const char *what, const char *v, size_t n, bool scan)
{
    sgi_emit_metadata(m->ctx, &m->cells, SGI_R_HIDDEN_EXIF, part, what, v, n, scan);
}

/* ------------------------------------------------------------------ EXIF */

typedef struct exif_field {
    ExifIfd ifd;
    ExifTag tag;
    const char *what;
    bool scan;
} exif_field;

/* What EXIF says about people and devices; exposure settings are not. */
static const exif_field exif_fields[] = {
    {EXIF_IFD_0, EXIF_TAG_ARTIST, "artist", true},
    {EXIF_IFD_0, EXIF_TAG_COPYRIGHT, "copyright", true},
    {EXIF_IFD_0, EXIF_TAG_IMAGE_DESCRIPTION, "description", true},
    {EXIF_IFD_0, EXIF_TAG_XP_AUTHOR, "author", true},
    {EXIF_IFD_0, EXIF_TAG_XP_COMMENT, "comment", true},
    {EXIF_IFD_0, EXIF_TAG_XP_TITLE, "title", true},
    {EXIF_IFD_0, EXIF_TAG_XP_SUBJECT, "subject", true},
    {EXIF_IFD_0, EXIF_TAG_XP_KEYWORDS, "keywords", true},
    {EXIF_IFD_EXIF, EXIF_TAG_USER_COMMENT, "user comment", true},
    {EXIF_IFD_EXIF, (ExifTag)0xA430, "camera owner", true},
    {EXIF_IFD_EXIF, (ExifTag)0xA431, "camera serial number", false},
    {EXIF_IFD_EXIF, (ExifTag)0xA435, "lens serial number", false},
    {EXIF_IFD_EXIF, EXIF_TAG_IMAGE_UNIQUE_ID, "image unique id", false},
    {EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, "taken", false},
};

/* An entry's value as text. */
static bool entry_text(ExifEntry *e, char *out, size_t n)
{
    out[0] = '\0';
    if (!e || !e->data || e->size == 0)
        return false;
    if (e->format == EXIF_FORMAT_ASCII) {
        size_t k = SGI_MIN((size_t)e->size, n - 1);
        memcpy(out, e->data, k);
        out[k] = '\0';
    } else if (e->tag >= EXIF_TAG_XP_TITLE && e->tag <= EXIF_TAG_XP_SUBJECT) {
        /* UCS-2 little-endian */
        size_t o = 0;
        for (size_t i = 0; i + 1 < e->size && o + 4 < n; i += 2) {
            unsigned c = e->data[i] | (unsigned)e->data[i + 1] << 8;
            if (c == 0)
                break;
            if (c < 0xD800 || c >= 0xE000) /* UCS-2: no surrogates */
                o += sgi_utf8_put(out + o, c);
        }
        out[o] = '\0';
    } else if (e->tag == EXIF_TAG_USER_COMMENT) {
        /* 8 bytes of character code, then the text */
        if (e->size <= 8)
            return false;
        size_t k = SGI_MIN((size_t)e->size - 8, n - 1);
        memcpy(out, e->data + 8, k);
        out[k] = '\0';
    } else {
        exif_entry_get_value(e, out, (unsigned)n);
    }
    /* text ends at its NUL; trailing spaces do not count */
    size_t len = strnlen(out, n);
    while (len && (out[len - 1] == ' ' || out[len - 1] == '\n'))
        len--;
    out[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)out[i] < 0x20)
            out[i] = ' ';
    return len > 0;
}

static bool rational_deg(ExifEntry *e, ExifByteOrder bo, double *out)
{
    if (!e || e->format != EXIF_FORMAT_RATIONAL || e->components < 3 || e->size < 24)
        return false;
    double v[3];
    for (int i = 0; i < 3; i++) {
        ExifRational r = exif_get_rational(e->data + 8 * i, bo);
        if (r.denominator == 0)
            return false;
        v[i] = (double)r.numerator / r.denominator;
    }
    *out = v[0] + v[1] / 60 + v[2] / 3600;
    return true;
}

/* A thumbnail's size, from its JPEG SOF. */
static bool jpeg_size(const unsigned char *p, size_t n, long long *w, long long *h);

static void exif_read(img *m, const unsigned char *data, size_t n, const char *part)
{
    ExifData *ed = exif_data_new();
    if (!ed)
        return;
    exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_load_data(ed, data, (unsigned)SGI_MIN(n, (size_t)UINT32_MAX));
    ExifByteOrder bo = exif_data_get_byte_order(ed);
    char buf[1024];
    /* the camera, in one finding */
    char make[128] = "", model[128] = "";
    entry_text(exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_MAKE), make, sizeof(make));
    entry_text(exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_MODEL), model,
               sizeof(model));
    if (make[0] || model[0]) {
        snprintf(buf, sizeof(buf), "%s%s%s", make, make[0] && model[0] ? " " : "", model);
        meta(m, part, "camera", buf, strlen(buf), false);
    }
    for (size_t i = 0; i < SGI_ARRAY_LEN(exif_fields); i++) {
        const exif_field *f = &exif_fields[i];
        ExifEntry *e = exif_content_get_entry(ed->ifd[f->ifd], f->tag);
        if (entry_text(e, buf, sizeof(buf)))
            meta(m, part, f->what, buf, strlen(buf), f->scan);
    }
    /* where it was taken */
    ExifContent *gps = ed->ifd[EXIF_IFD_GPS];
    double lat, lon;
    if (rational_deg(exif_content_get_entry(gps, (ExifTag)EXIF_TAG_GPS_LATITUDE), bo, &lat) &&
        rational_deg(exif_content_get_entry(gps, (ExifTag)EXIF_TAG_GPS_LONGITUDE), bo, &lon)) {
        ExifEntry *e = exif_content_get_entry(gps, (ExifTag)EXIF_TAG_GPS_LATITUDE_REF);
        if (e && e->data && e->size && (e->data[0] == 'S' || e->data[0] == 's'))
            lat = -lat;
        e = exif_content_get_entry(gps, (ExifTag)EXIF_TAG_GPS_LONGITUDE_REF);
        if (e && e->data && e->size && (e->data[0] == 'W' || e->data[0] == 'w'))
            lon = -lon;
        if (isfinite(lat) && isfinite(lon)) {
            snprintf(buf, sizeof(buf), "%.6f, %.6f", lat, lon);
            meta(m, part, "GPS position", buf, strlen(buf), false);
        }
    }
    /* XMP inside a TIFF (tag 700) */
    ExifEntry *x = exif_content_get_entry(ed->ifd[EXIF_IFD_0], (ExifTag)0x02BC);
    if (x && x->data && x->size)
        sgi_xmp_scan(m->ctx, &m->cells, SGI_R_HIDDEN_EXIF, "XMP", (const char *)x->data,
                     x->size);
    /* the thumbnail's shape */
    if (ed->data && ed->size) {
        long long w, h;
        if (jpeg_size(ed->data, ed->size, &w, &h)) {
            m->thumb_w = w;
            m->thumb_h = h;
        }
    }
    exif_data_unref(ed);
}

/* Raw TIFF-structured EXIF (PNG eXIf, WebP EXIF, TIFF files): libexif
 * wants the "Exif\0\0" header of JPEG's APP1 in front. */
static void exif_raw(img *m, const unsigned char *p, size_t n, const char *part)
{
    if (n >= 6 && memcmp(p, "Exif\0\0", 6) == 0) {
        exif_read(m, p, n, part);
        return;
    }
    unsigned char *b = sgi_malloc(m->ctx->mem, n + 6);
    if (!b)
        return;
    memcpy(b, "Exif\0\0", 6);
    memcpy(b + 6, p, n);
    exif_read(m, b, n + 6, part);
    sgi_free(m->ctx->mem, b);
}

/* ------------------------------------------------------------------ IPTC */

static const struct {
    int tag;
    const char *what;
    bool scan;
} iptc_fields[] = {
    {5, "object name", true},  {25, "keywords", true},   {80, "by-line", true},
    {85, "by-line title", true}, {90, "city", true},     {92, "sub-location", true},
    {95, "province", true},    {101, "country", false},  {105, "headline", true},
    {110, "credit", true},     {115, "source", true},    {116, "copyright", true},
    {118, "contact", true},    {120, "caption", true},   {122, "caption writer", true},
};

static void iptc_read(img *m, const unsigned char *ps3, size_t n)
{
    unsigned int len = 0;
    int off = iptc_jpeg_ps3_find_iptc(ps3, (unsigned)SGI_MIN(n, (size_t)UINT32_MAX), &len);
    if (off <= 0 || (size_t)off + len > n)
        return;
    IptcData *d = iptc_data_new();
    if (!d)
        return;
    if (iptc_data_load(d, ps3 + off, len) == 0) {
        for (unsigned i = 0; i < d->count && i < 512; i++) {
            IptcDataSet *ds = d->datasets[i];
            if (!ds || ds->record != IPTC_RECORD_APP_2 || !ds->data)
                continue;
            for (size_t k = 0; k < SGI_ARRAY_LEN(iptc_fields); k++)
                if ((int)ds->tag == iptc_fields[k].tag)
                    meta(m, "IPTC", iptc_fields[k].what, (const char *)ds->data, ds->size,
                         iptc_fields[k].scan);
        }
    }
    iptc_data_unref(d);
}

/* ------------------------------------------------------------------ JPEG */

static bool is_sof(unsigned mk)
{
    return mk >= 0xC0 && mk <= 0xCF && mk != 0xC4 && mk != 0xC8 && mk != 0xCC;
}

static bool jpeg_size(const unsigned char *p, size_t n, long long *w, long long *h)
{
    if (n < 4 || p[0] != 0xFF || p[1] != 0xD8)
        return false;
    size_t i = 2;
    while (i + 4 <= n) {
        if (p[i] != 0xFF)
            return false;
        unsigned mk = p[i + 1];
        if (mk == 0xFF) {
            i++;
            continue;
        }
        size_t len = be16(p + i + 2);
        if (len < 2)
            return false;
        if (is_sof(mk) && i + 9 <= n) {
            *h = be16(p + i + 5);
            *w = be16(p + i + 7);
            return *w > 0 && *h > 0;
        }
        if (mk == 0xDA || mk == 0xD9)
            return false;
        i += 2 + len;
    }
    return false;
}

static void jpeg_read(img *m)
{
    const unsigned char *p = m->p;
    size_t n = m->n, i = 2;
    bool exif_seen = false;
    while (i + 2 <= n) {
        if (p[i] != 0xFF) {
            /* junk between segments: find the next marker */
            const unsigned char *q = memchr(p + i, 0xFF, n - i);
            if (!q)
                return;
            i = (size_t)(q - p);
            continue;
        }
        unsigned mk = p[i + 1];
        if (mk == 0xFF) {
            i++;
            continue;
        }
        if (mk == 0xD9) {
            m->end = i + 2;
            m->end_known = true;
            return;
        }
        if (mk == 0xD8 || mk == 0x01 || (mk >= 0xD0 && mk <= 0xD7)) {
            i += 2;
            continue;
        }
        if (i + 4 > n)
            return;
        size_t len = be16(p + i + 2);
        if (len < 2 || i + 2 + len > n)
            return; /* cut short: no end to speak of */
        const unsigned char *seg = p + i + 4;
        size_t sl = len - 2;
        if (mk == 0xE1 && sl > 6 && memcmp(seg, "Exif\0\0", 6) == 0 && !exif_seen) {
            exif_seen = true;
            exif_read(m, seg, sl, "EXIF");
        } else if (mk == 0xE1 && sl > 29 && memcmp(seg, "http://ns.adobe.com/xap/1.0/\0", 29) == 0) {
            sgi_xmp_scan(m->ctx, &m->cells, SGI_R_HIDDEN_EXIF, "XMP", (const char *)seg + 29,
                         sl - 29);
        } else if (mk == 0xED && sl > 14 && memcmp(seg, "Photoshop 3.0\0", 14) == 0) {
            iptc_read(m, seg, sl);
        } else if (mk == 0xFE) {
            meta(m, "JPEG comment", "comment", (const char *)seg, sl, true);
        }
        if (is_sof(mk) && sl >= 5 && m->width == 0) {
            m->height = be16(seg + 1);
            m->width = be16(seg + 3);
        }
        i += 2 + len;
        if (mk == 0xDA) {
            /* entropy-coded data: runs to the next marker that is not a
             * stuffed byte (FF00) or a restart (FFD0-FFD7) */
            for (;;) {
                const unsigned char *q = memchr(p + i, 0xFF, n - i);
                if (!q || (size_t)(q - p) + 1 >= n)
                    return;
                size_t k = (size_t)(q - p);
                unsigned nx = p[k + 1];
                if (nx == 0x00 || (nx >= 0xD0 && nx <= 0xD7) || nx == 0xFF) {
                    i = k + (nx == 0xFF ? 1 : 2);
                    continue;
                }
                i = k;
                break;
            }
        }
    }
}

/* ------------------------------------------------------------------- PNG */

/* Inflate a zlib stream, at most TEXT_MAX bytes of it. */
static char *inflate_text(img *m, const unsigned char *p, size_t n, size_t *out)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit(&z) != Z_OK)
        return NULL;
    size_t cap = SGI_MIN((size_t)TEXT_MAX, n * 8 + 64);
    char *b = sgi_malloc(m->ctx->mem, cap + 1);
    if (!b) {
        inflateEnd(&z);
        return NULL;
    }
    z.next_in = (unsigned char *)(uintptr_t)p;
    z.avail_in = (uInt)SGI_MIN(n, (size_t)UINT32_MAX);
    size_t len = 0;
    for (;;) {
        if (len == cap) {
            if (cap >= TEXT_MAX)
                break;
            size_t nc = SGI_MIN(cap * 2, (size_t)TEXT_MAX);
            char *nb = sgi_realloc(m->ctx->mem, b, nc + 1);
            if (!nb)
                break;
            b = nb;
            cap = nc;
        }
        z.next_out = (unsigned char *)b + len;
        z.avail_out = (uInt)(cap - len);
        int rc = inflate(&z, Z_NO_FLUSH);
        len = cap - z.avail_out;
        if (rc != Z_OK)
            break;
    }
    inflateEnd(&z);
    b[len] = '\0';
    *out = len;
    return b;
}

/* Latin-1 to UTF-8 (tEXt and zTXt are Latin-1). */
static char *latin1(img *m, const unsigned char *p, size_t n, size_t *out)
{
    char *b = sgi_malloc(m->ctx->mem, 2 * n + 1);
    if (!b)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        o += sgi_utf8_put(b + o, p[i]);
    b[o] = '\0';
    *out = o;
    return b;
}

/* Keywords that say nothing about people. */
static bool png_boring(const char *k)
{
    static const char *const skip[] = {"Software", "Creation Time", "signature", "Disclaimer",
                                       "Warning", NULL};
    for (size_t i = 0; skip[i]; i++)
        if (strcasecmp(k, skip[i]) == 0)
            return true;
    return strncmp(k, "date:", 5) == 0 || strncmp(k, "png:", 4) == 0;
}

static void png_text(img *m, const char *key, const char *v, size_t n)
{
    if (strcmp(key, "XML:com.adobe.xmp") == 0) {
        sgi_xmp_scan(m->ctx, &m->cells, SGI_R_HIDDEN_EXIF, "XMP", v, n);
        return;
    }
    if (png_boring(key))
        return;
    char what[120];
    snprintf(what, sizeof(what), "PNG text \"%.80s\"", key);
    meta(m, "PNG text", what, v, n, true);
}

static void png_read(img *m)
{
    const unsigned char *p = m->p;
    size_t n = m->n, i = 8;
    const sgi_mem *mem = m->ctx->mem;
    while (i + 12 <= n) {
        size_t len = be32(p + i);
        const unsigned char *type = p + i + 4;
        if (len > n - i - 12)
            return; /* cut short */
        const unsigned char *d = p + i + 8;
        if (memcmp(type, "IHDR", 4) == 0 && len >= 8) {
            m->width = (long long)be32(d);
            m->height = (long long)be32(d + 4);
        } else if (memcmp(type, "IEND", 4) == 0) {
            m->end = i + 12 + len;
            m->end_known = true;
            return;
        } else if (memcmp(type, "eXIf", 4) == 0) {
            exif_raw(m, d, len, "EXIF");
        } else if (memcmp(type, "tEXt", 4) == 0 || memcmp(type, "zTXt", 4) == 0 ||
                   memcmp(type, "iTXt", 4) == 0) {
            const unsigned char *z = memchr(d, 0, SGI_MIN(len, (size_t)80));
            if (z) {
                char key[81];
                size_t kl = (size_t)(z - d);
                memcpy(key, d, kl);
                key[kl] = '\0';
                const unsigned char *v = z + 1;
                size_t vl = len - kl - 1;
                char *text = NULL;
                size_t tn = 0;
                if (type[0] == 't') {
                    text = latin1(m, v, vl, &tn);
                } else if (type[0] == 'z' && vl >= 1) {
                    size_t raw;
                    char *r = inflate_text(m, v + 1, vl - 1, &raw);
                    if (r) {
                        text = latin1(m, (const unsigned char *)r, raw, &tn);
                        sgi_free(mem, r);
                    }
                } else if (type[0] == 'i' && vl >= 2) {
                    bool comp = v[0] != 0;
                    const unsigned char *q = v + 2, *e = v + vl;
                    /* language tag, then translated keyword */
                    for (int k = 0; k < 2 && q < e; k++) {
                        const unsigned char *nul = memchr(q, 0, (size_t)(e - q));
                        q = nul ? nul + 1 : e;
                    }
                    if (q < e) {
                        if (comp) {
                            text = inflate_text(m, q, (size_t)(e - q), &tn);
                        } else {
                            text = sgi_strndup(mem, (const char *)q, (size_t)(e - q));
                            tn = (size_t)(e - q);
                        }
                    }
                }
                if (text)
                    png_text(m, key, text, tn);
                sgi_free(mem, text);
            }
        }
        i += 12 + len;
    }
}

/* ------------------------------------------------------------------ WebP */

static void webp_read(img *m)
{
    const unsigned char *p = m->p;
    size_t n = m->n;
    size_t riff = (size_t)le32(p + 4) + 8;
    if (riff <= n) {
        m->end = riff;
        m->end_known = true;
    } else {
        riff = n;
    }
    size_t i = 12;
    while (i + 8 <= riff) {
        size_t len = le32(p + i + 4);
        if (len > riff - i - 8)
            return;
        const unsigned char *d = p + i + 8;
        if (memcmp(p + i, "EXIF", 4) == 0)
            exif_raw(m, d, len, "EXIF");
        else if (memcmp(p + i, "XMP ", 4) == 0)
            sgi_xmp_scan(m->ctx, &m->cells, SGI_R_HIDDEN_EXIF, "XMP", (const char *)d, len);
        else if (memcmp(p + i, "VP8X", 4) == 0 && len >= 10) {
            m->width = 1 + (long long)(d[4] | d[5] << 8 | d[6] << 16);
            m->height = 1 + (long long)(d[7] | d[8] << 8 | d[9] << 16);
        }
        i += 8 + len + (len & 1);
    }
}

/* ------------------------------------------------------------------- GIF */

/* Sub-blocks from i; returns where they end, or 0 if cut short. With
 * text, their bytes are gathered. */
static size_t gif_blocks(const unsigned char *p, size_t n, size_t i, sgi_text *text)
{
    while (i < n) {
        size_t len = p[i];
        if (len == 0)
            return i + 1;
        if (i + 1 + len > n)
            return 0;
        if (text)
            sgi_text_add(text, (const char *)p + i + 1, len);
        i += 1 + len;
    }
    return 0;
}

static void gif_read(img *m)
{
    const unsigned char *p = m->p;
    size_t n = m->n;
    if (n < 13)
        return;
    m->width = p[6] | p[7] << 8;
    m->height = p[8] | p[9] << 8;
    size_t i = 13;
    if (p[10] & 0x80)
        i += 3u * (1u << ((p[10] & 7) + 1));
    while (i < n) {
        unsigned b = p[i];
        if (b == 0x3B) {
            m->end = i + 1;
            m->end_known = true;
            return;
        }
        if (b == 0x21 && i + 2 <= n) {
            unsigned label = p[i + 1];
            sgi_text t;
            sgi_text_init(&t, m->ctx->mem, 65536);
            size_t e = gif_blocks(p, n, i + 2, label == 0xFE ? &t : NULL);
            if (label == 0xFE && t.len)
                meta(m, "GIF comment", "comment", t.p, t.len, true);
            sgi_text_free(&t);
            if (!e)
                return;
            i = e;
        } else if (b == 0x2C && i + 10 <= n) {
            size_t k = i + 10;
            if (p[i + 9] & 0x80)
                k += 3u * (1u << ((p[i + 9] & 7) + 1));
            if (k + 1 > n)
                return;
            size_t e = gif_blocks(p, n, k + 1, NULL);
            if (!e)
                return;
            i = e;
        } else {
            return; /* damaged: no end to speak of */
        }
    }
}

/* ------------------------------------------------------------------ HEIC */

/* libheif is opened when the first HEIF image is met, not linked: it brings
 * x265, libde265, dav1d and aom, whose loading cost every run 10-15 ms of
 * start-up, most of a small scan, for a format few documents hold
 * (lazylib.c). */
static void heic_read(img *m)
{
    if (!sgi_lazy_heif()) {
        sgi_ctx_error(m->ctx, SG_E_UNSUPPORTED, "HEIF image: %s could not be loaded",
                      SGI_HEIF_SONAME);
        return;
    }
    struct heif_context *hc = heif_context_alloc();
    if (!hc)
        return;
    struct heif_error err = heif_context_read_from_memory_without_copy(hc, m->p, m->n, NULL);
    struct heif_image_handle *h = NULL;
    if (err.code == heif_error_Ok)
        err = heif_context_get_primary_image_handle(hc, &h);
    if (err.code != heif_error_Ok) {
        sgi_ctx_error(m->ctx, SG_E_FORMAT, "damaged HEIF image: %s",
                      err.message ? err.message : "?");
        heif_context_free(hc);
        return;
    }
    m->width = heif_image_handle_get_width(h);
    m->height = heif_image_handle_get_height(h);
    heif_item_id ids[16];
    int nb = heif_image_handle_get_list_of_metadata_block_IDs(h, NULL, ids, 16);
    for (int i = 0; i < nb; i++) {
        const char *type = heif_image_handle_get_metadata_type(h, ids[i]);
        const char *ct = heif_image_handle_get_metadata_content_type(h, ids[i]);
        size_t sz = heif_image_handle_get_metadata_size(h, ids[i]);
        if (sz == 0 || sz > m->n)
            continue;
        unsigned char *b = sgi_malloc(m->ctx->mem, sz);
        if (!b)
            continue;
        if (heif_image_handle_get_metadata(h, ids[i], b).code == heif_error_Ok) {
            if (type && strcmp(type, "Exif") == 0 && sz > 4) {
                /* a 4-byte offset to the TIFF header comes first */
                size_t off = 4 + (size_t)be32(b);
                if (off < sz)
                    exif_raw(m, b + off, sz - off, "EXIF");
            } else if (ct && strcmp(ct, "application/rdf+xml") == 0) {
                sgi_xmp_scan(m->ctx, &m->cells, SGI_R_HIDDEN_EXIF, "XMP", (const char *)b, sz);
            }
        }
        sgi_free(m->ctx->mem, b);
    }
    heif_image_handle_release(h);
    heif_context_free(hc);
}

/* ------------------------------------------------------------ the reader */

typedef struct magic {
    size_t off;
    const char *bytes;
    size_t n;
    const char *format;
    void (*read)(img *m);
} magic;

static void tiff_read(img *m)
{
    exif_raw(m, m->p, m->n, "EXIF");
}

static const magic image_magic[] = {
    {0, "\xFF\xD8\xFF", 3, "jpeg", jpeg_read},
    {0, "\x89PNG\r\n\x1A\n", 8, "png", png_read},
    {0, "GIF87a", 6, "gif", gif_read},
    {0, "GIF89a", 6, "gif", gif_read},
    {0, "II*\0", 4, "tiff", tiff_read},
    {0, "MM\0*", 4, "tiff", tiff_read},
    {4, "ftypheic", 8, "heic", heic_read},
    {4, "ftypheix", 8, "heic", heic_read},
    {4, "ftypmif1", 8, "heif", heic_read},
    {4, "ftypavif", 8, "avif", heic_read},
};

static const magic *image_which(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < SGI_ARRAY_LEN(image_magic); i++) {
        const magic *mg = &image_magic[i];
        if (n >= mg->off + mg->n && memcmp(p + mg->off, mg->bytes, mg->n) == 0)
            return mg;
    }
    return NULL;
}

static bool is_webp(const unsigned char *p, size_t n)
{
    return n >= 16 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0;
}

static int image_bid(const sgi_peek *pk)
{
    const magic *m = image_which(pk->p, pk->n);
    if (m)
        return (int)(m->n * 8);
    if (is_webp(pk->p, pk->n))
        return 64;
    return 0;
}

/* Is everything from p on padding (zeros, spaces)? */
static bool padding(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0 && p[i] != ' ' && p[i] != '\n' && p[i] != '\r' && p[i] != 0xFF)
            return false;
    return true;
}

static void trailing(img *m)
{
    if (!m->end_known || m->end >= m->n)
        return;
    const unsigned char *t = m->p + m->end;
    size_t tn = m->n - m->end;
    if (padding(t, tn))
        return;
    char msg[400], err[300] = "", size[32];
    const char *format = NULL;
    if (tn < 1024)
        snprintf(size, sizeof(size), "%zu bytes", tn);
    else
        snprintf(size, sizeof(size), "%.1f KiB", (double)tn / 1024);
    sg_status st = sgi_scan_nested(m->ctx, t, tn, "(after the end)", "data after the picture",
                                   err, sizeof(err), &format);
    const char *marker = strcmp(m->format, "jpeg") == 0  ? "EOI"
                         : strcmp(m->format, "png") == 0 ? "IEND"
                         : strcmp(m->format, "gif") == 0 ? "trailer"
                                                         : "RIFF chunk";
    if (st == SG_OK)
        snprintf(msg, sizeof(msg), "%s after the picture's end (%s), read as %s", size, marker,
                 format ? format : "?");
    else
        snprintf(msg, sizeof(msg), "%s after the picture's end (%s): %s", size, marker,
                 format ? format : "data");
    sg_location loc = {0};
    loc.offset = (long long)m->end;
    sgi_emit(m->ctx, SGI_R_HIDDEN_TRAILING_DATA, SGI_F_HIDDEN, "data after the picture", msg,
             strlen(msg), msg, &loc);
}

static void thumbnail(img *m)
{
    if (!m->thumb_w || !m->thumb_h || !m->width || !m->height)
        return;
    double a = (double)m->width / (double)m->height;
    double t = (double)m->thumb_w / (double)m->thumb_h;
    double d = fabs(a - t) / a, swapped = fabs(1 / a - t) * a;
    if (d <= 0.06 || swapped <= 0.06)
        return;
    char msg[300];
    snprintf(msg, sizeof(msg),
             "the EXIF thumbnail is %lldx%lld but the picture is %lldx%lld: it may still show "
             "what was cropped away",
             m->thumb_w, m->thumb_h, m->width, m->height);
    sg_location loc = {0};
    loc.offset = -1;
    loc.part = "EXIF thumbnail";
    sgi_emit(m->ctx, SGI_R_HIDDEN_THUMBNAIL, SGI_F_HIDDEN, "thumbnail", msg, strlen(msg), msg,
             &loc);
}

static sg_status image_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    img m;
    memset(&m, 0, sizeof(m));
    m.ctx = ctx;
    const magic *mg = image_which(pk->p, pk->n);
    m.format = mg ? mg->format : "webp";
    ctx->res->pub.format = m.format;
    sgi_input *in = ctx->in;
    sgi_whole w;
    if (sgi_input_whole(in, ctx->mem, false, ctx->eng->opt_max_part, &w) != SG_OK) {
        sgi_ctx_error(ctx, in->err ? SG_E_IO : SG_E_LIMIT, "%s",
                      in->err ? "read error" : "a picture larger than --max-part; not checked");
        sgi_free(ctx->mem, w.owned);
        return SG_OK;
    }
    m.owned = w.owned;
    m.p = w.p;
    m.n = w.n;
    sgi_cells_init(&m.cells, ctx);
    if (mg)
        mg->read(&m);
    else
        webp_read(&m);
    thumbnail(&m);
    trailing(&m);
    sgi_cells_free(&m.cells);
    sgi_free(ctx->mem, m.owned);
    return SG_OK;
}

const sgi_reader sgi_reader_image = {"image", image_bid, image_scan};
