/*
 * clean_image.c - JPEG and PNG without metadata, thumbnails or trailing
 * data. The picture itself is copied byte for byte: no decoding, no loss.
 *
 *   JPEG  kept: SOI, the frame, tables, scans, EOI, APP0 JFIF (rewritten
 *         without its thumbnail), APP2 ICC_PROFILE, APP14 Adobe (colour);
 *         dropped: APP1 (EXIF, XMP), APP13 (IPTC), COM, JFXX thumbnails,
 *         every other APPn (MPF second pictures, maker data) and what
 *         follows EOI.
 *   PNG   kept: critical chunks and the ancillary chunks that change how
 *         the picture looks (tRNS gAMA cHRM sRGB iCCP sBIT bKGD pHYs, and
 *         the APNG frames); dropped: text (tEXt zTXt iTXt), eXIf, tIME,
 *         private chunks and what follows IEND.
 *   GIF   kept: header, screen and colour tables, images, graphic control
 *         and plain-text extensions, the NETSCAPE2.0 loop; dropped:
 *         comments, every other application extension (XMP among them)
 *         and what follows the trailer.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "clean_private.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static bool put(unsigned char *o, size_t *on, size_t cap, const unsigned char *s, size_t n)
{
    if (*on + n > cap)
        return false;
    memcpy(o + *on, s, n);
    *on += n;
    return true;
}

static unsigned char *clean_jpeg(const unsigned char *p, size_t n, size_t *out_n)
{
    unsigned char *o = malloc(n + 32);
    size_t on = 0, cap = n + 32, i = 2;
    if (!o)
        return NULL;
    put(o, &on, cap, p, 2);
    for (;;) {
        /* a marker, after any fill bytes */
        if (i + 2 > n || p[i] != 0xFF)
            goto bad;
        while (i + 1 < n && p[i + 1] == 0xFF)
            i++;
        if (i + 2 > n)
            goto bad;
        unsigned m = p[i + 1];
        if (m == 0xD9) { /* EOI: the end, whatever follows */
            put(o, &on, cap, p + i, 2);
            break;
        }
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { /* no length */
            put(o, &on, cap, p + i, 2);
            i += 2;
            continue;
        }
        if (i + 4 > n)
            goto bad;
        size_t len = (size_t)p[i + 2] << 8 | p[i + 3];
        if (len < 2 || i + 2 + len > n)
            goto bad;
        const unsigned char *seg = p + i + 4;
        size_t sl = len - 2;
        bool keep = true;
        if (m == 0xE0) {
            if (sl >= 14 && memcmp(seg, "JFIF\0", 5) == 0) {
                /* JFIF without its thumbnail */
                unsigned char j[18] = {0xFF, 0xE0, 0, 16};
                memcpy(j + 4, seg, 12);
                j[16] = j[17] = 0;
                put(o, &on, cap, j, sizeof(j));
            }
            keep = false;
        } else if (m == 0xE2) {
            keep = sl >= 12 && memcmp(seg, "ICC_PROFILE\0", 12) == 0;
        } else if (m == 0xEE) {
            keep = sl >= 5 && memcmp(seg, "Adobe", 5) == 0;
        } else if ((m >= 0xE1 && m <= 0xEF) || m == 0xFE) {
            keep = false;
        }
        if (keep)
            put(o, &on, cap, p + i, 2 + len);
        i += 2 + len;
        if (m == 0xDA) {
            /* entropy-coded data: up to the next marker that is not a
             * stuffed byte or a restart */
            size_t s = i;
            while (i + 1 < n && !(p[i] == 0xFF && p[i + 1] != 0x00 &&
                                  !(p[i + 1] >= 0xD0 && p[i + 1] <= 0xD7)))
                i++;
            if (i + 1 >= n)
                goto bad;
            put(o, &on, cap, p + s, i - s);
        }
    }
    *out_n = on;
    return o;
bad:
    free(o);
    return NULL;
}

static bool png_keep(const unsigned char *t)
{
    static const char *const keep[] = {"tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "bKGD",
                                       "pHYs", "acTL", "fcTL", "fdAT", "cICP", NULL};
    if (!(t[0] & 0x20)) /* critical */
        return true;
    for (size_t i = 0; keep[i]; i++)
        if (memcmp(t, keep[i], 4) == 0)
            return true;
    return false;
}

static unsigned char *clean_png(const unsigned char *p, size_t n, size_t *out_n)
{
    unsigned char *o = malloc(n);
    size_t on = 0, i = 8;
    if (!o)
        return NULL;
    put(o, &on, n, p, 8);
    for (;;) {
        if (i + 12 > n)
            goto bad;
        size_t len = (size_t)p[i] << 24 | (size_t)p[i + 1] << 16 | (size_t)p[i + 2] << 8 | p[i + 3];
        if (len > n || i + 12 + len > n)
            goto bad;
        const unsigned char *t = p + i + 4;
        if (png_keep(t))
            put(o, &on, n, p + i, 12 + len);
        i += 12 + len;
        if (memcmp(t, "IEND", 4) == 0)
            break;
    }
    *out_n = on;
    return o;
bad:
    free(o);
    return NULL;
}

/* The data sub-blocks starting at i: the index after their terminator,
 * or 0 if they run past the end. */
static size_t gif_blocks(const unsigned char *p, size_t n, size_t i)
{
    while (i < n) {
        size_t len = p[i];
        if (len == 0)
            return i + 1;
        i += 1 + len;
    }
    return 0;
}

static unsigned char *clean_gif(const unsigned char *p, size_t n, size_t *out_n)
{
    if (n < 13)
        return NULL;
    unsigned char *o = malloc(n);
    if (!o)
        return NULL;
    size_t on = 0, i = 13;
    if (p[10] & 0x80)
        i += 3u * (1u << ((p[10] & 7) + 1)); /* global colour table */
    if (i > n)
        goto bad;
    put(o, &on, n, p, i);
    while (i < n) {
        size_t s = i;
        if (p[i] == 0x3B) { /* trailer: the end, whatever follows */
            put(o, &on, n, p + i, 1);
            *out_n = on;
            return o;
        }
        if (p[i] == 0x2C) { /* image: descriptor, local table, LZW data */
            if (i + 10 > n)
                goto bad;
            size_t j = i + 10;
            if (p[i + 9] & 0x80)
                j += 3u * (1u << ((p[i + 9] & 7) + 1));
            if (j + 1 > n || !(i = gif_blocks(p, n, j + 1)))
                goto bad;
            put(o, &on, n, p + s, i - s);
        } else if (p[i] == 0x21 && i + 1 < n) { /* extension */
            unsigned label = p[i + 1];
            if (!(i = gif_blocks(p, n, i + 2)))
                goto bad;
            bool keep = label == 0xF9 || label == 0x01;
            if (label == 0xFF && s + 14 <= n && p[s + 2] == 11 &&
                memcmp(p + s + 3, "NETSCAPE2.0", 11) == 0)
                keep = true;
            if (keep)
                put(o, &on, n, p + s, i - s);
        } else {
            goto bad;
        }
    }
bad: /* no trailer, or blocks that cannot be followed */
    free(o);
    return NULL;
}

unsigned char *sgi_clean_picture(const unsigned char *p, size_t *n)
{
    if (*n >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return clean_jpeg(p, *n, n);
    if (*n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return clean_png(p, *n, n);
    if (*n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
        return clean_gif(p, *n, n);
    return NULL;
}

sg_status sgi_clean_image(sgi_clean *c, const char *in, const char *out)
{
    size_t n;
    unsigned char *d = (unsigned char *)sgi_clean_slurp(c, in, &n);
    if (!d)
        return SG_E_IO;
    size_t m = n;
    unsigned char *clean = sgi_clean_picture(d, &m);
    free(d);
    if (!clean)
        return sgi_clean_refuse(c, SG_E_FORMAT, "%s",
                                "damaged picture: its segments or chunks cannot be followed");
    if (m < n)
        sgi_clean_note(c, "metadata, thumbnails and trailing data removed (%zu bytes)", n - m);
    sg_status st = sgi_write_file(out, clean, m, c->error, sizeof(c->error));
    free(clean);
    return st;
}
