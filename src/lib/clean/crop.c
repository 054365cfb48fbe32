/*
 * crop.c - a picture cut down to the part a document shows of it.
 *
 * Office cropping (<a:srcRect l t r b>) only hides the edges of a picture:
 * the whole picture stays in the file. Here the picture is decoded
 * (MuPDF, on the scanner's context: its memory cap and time limit hold),
 * the shown rectangle cut out and encoded again in the picture's own
 * format: PNG by MuPDF (lossless), JPEG by libjpeg (quality 92: a JPEG
 * cannot be cut on pixel boundaries without decoding it).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "clean_private.h"

#include "../readers/pdf_private.h"

#include <math.h>
#include <stdio.h>

#include <jpeglib.h>

#define JPEG_QUALITY 92

typedef struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
} jerr;

static void jpeg_fail(j_common_ptr cinfo)
{
    longjmp(((jerr *)cinfo->err)->jb, 1);
}

/* Samples (n components, no alpha) as a JPEG in memory; NULL on failure. */
static unsigned char *encode_jpeg(const unsigned char *samples, ptrdiff_t stride, int w, int h,
                                  int n, int xres, int yres, size_t *out_n)
{
    struct jpeg_compress_struct ci;
    jerr e;
    unsigned char *volatile mem = NULL;
    unsigned long volatile len = 0;
    ci.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = jpeg_fail;
    if (setjmp(e.jb)) {
        jpeg_destroy_compress(&ci);
        free(mem);
        return NULL;
    }
    jpeg_create_compress(&ci);
    unsigned char *m = NULL;
    unsigned long l = 0;
    jpeg_mem_dest(&ci, &m, &l);
    ci.image_width = (JDIMENSION)w;
    ci.image_height = (JDIMENSION)h;
    ci.input_components = n;
    ci.in_color_space = n == 1 ? JCS_GRAYSCALE : n == 3 ? JCS_RGB : JCS_CMYK;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, JPEG_QUALITY, TRUE);
    if (xres > 0 && yres > 0) {
        ci.density_unit = 1;
        ci.X_density = (UINT16)xres;
        ci.Y_density = (UINT16)yres;
    }
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < ci.image_height) {
        JSAMPROW row = (JSAMPROW)(samples + (ptrdiff_t)ci.next_scanline * stride);
        jpeg_write_scanlines(&ci, &row, 1);
    }
    jpeg_finish_compress(&ci);
    mem = m;
    len = l;
    jpeg_destroy_compress(&ci);
    *out_n = len;
    return mem;
}

unsigned char *sgi_clean_crop_picture(sgi_clean *c, const unsigned char *p, size_t n,
                                      const long frac[4], size_t *out_n, char *why,
                                      size_t whylen)
{
    bool jpeg = n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF;
    bool png = n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0;
    if (!jpeg && !png) {
        snprintf(why, whylen, "%s", "a cropped picture neither JPEG nor PNG");
        return NULL;
    }
    sgi_pdf_state *st = sgi_pdf_state_of(c->sc, &c->eng->mem);
    if (!st) {
        snprintf(why, whylen, "%s", "out of memory");
        return NULL;
    }
    fz_context *ctx = st->fz;
    fz_buffer *in = NULL, *enc = NULL;
    fz_image *img = NULL;
    fz_pixmap *pix = NULL, *sub = NULL, *conv = NULL;
    unsigned char *volatile out = NULL;
    fz_var(in);
    fz_var(enc);
    fz_var(img);
    fz_var(pix);
    fz_var(sub);
    fz_var(conv);
    fz_try(ctx)
    {
        in = fz_new_buffer_from_copied_data(ctx, p, n);
        img = fz_new_image_from_buffer(ctx, in);
        pix = fz_get_pixmap_from_image(ctx, img, NULL, NULL, NULL, NULL);
        int w = fz_pixmap_width(ctx, pix), h = fz_pixmap_height(ctx, pix);
        /* srcRect: insets from each edge in thousandths of a percent */
        fz_irect r;
        r.x0 = fz_pixmap_x(ctx, pix) + (int)lround((double)w * frac[0] / 100000.0);
        r.y0 = fz_pixmap_y(ctx, pix) + (int)lround((double)h * frac[1] / 100000.0);
        r.x1 = fz_pixmap_x(ctx, pix) + w - (int)lround((double)w * frac[2] / 100000.0);
        r.y1 = fz_pixmap_y(ctx, pix) + h - (int)lround((double)h * frac[3] / 100000.0);
        if (r.x1 <= r.x0 || r.y1 <= r.y0)
            fz_throw(ctx, FZ_ERROR_GENERIC, "the crop leaves nothing of the picture");
        /* a pixmap of its own, rows packed (a sub-pixmap keeps its
         * parent's row stride, which the PNG writer does not expect) */
        {
            int nc = fz_pixmap_components(ctx, pix);
            int sw = r.x1 - r.x0, sh = r.y1 - r.y0;
            sub = fz_new_pixmap(ctx, fz_pixmap_colorspace(ctx, pix), sw, sh, NULL,
                                fz_pixmap_alpha(ctx, pix));
            const unsigned char *from = fz_pixmap_samples(ctx, pix);
            unsigned char *to = fz_pixmap_samples(ctx, sub);
            ptrdiff_t fs = fz_pixmap_stride(ctx, pix), ts = fz_pixmap_stride(ctx, sub);
            int ox = r.x0 - fz_pixmap_x(ctx, pix), oy = r.y0 - fz_pixmap_y(ctx, pix);
            for (int y = 0; y < sh; y++)
                memcpy(to + (ptrdiff_t)y * ts, from + (ptrdiff_t)(oy + y) * fs + (ptrdiff_t)ox * nc,
                       (size_t)sw * (size_t)nc);
        }
        int xres, yres;
        fz_image_resolution(img, &xres, &yres);
        fz_set_pixmap_resolution(ctx, sub, xres, yres);
        if (png) {
            enc = fz_new_buffer_from_pixmap_as_png(ctx, sub, fz_default_color_params);
            unsigned char *d;
            size_t len = fz_buffer_storage(ctx, enc, &d);
            out = malloc(len ? len : 1);
            if (!out)
                fz_throw(ctx, FZ_ERROR_MEMORY, "out of memory");
            memcpy(out, d, len);
            *out_n = len;
        } else {
            fz_pixmap *src = sub;
            if (fz_pixmap_alpha(ctx, sub) || (fz_pixmap_colorants(ctx, sub) != 1 &&
                                              fz_pixmap_colorants(ctx, sub) != 3)) {
                /* CMYK, or an alpha channel: the shown colours as RGB */
                conv = fz_convert_pixmap(ctx, sub, fz_device_rgb(ctx), NULL, NULL,
                                         fz_default_color_params, 0);
                src = conv;
            }
            size_t len = 0;
            out = encode_jpeg(fz_pixmap_samples(ctx, src), fz_pixmap_stride(ctx, src),
                              fz_pixmap_width(ctx, src), fz_pixmap_height(ctx, src),
                              fz_pixmap_components(ctx, src), xres, yres, &len);
            if (!out)
                fz_throw(ctx, FZ_ERROR_GENERIC, "the cropped JPEG could not be written");
            *out_n = len;
        }
    }
    fz_always(ctx)
    {
        fz_drop_pixmap(ctx, conv);
        fz_drop_pixmap(ctx, sub);
        fz_drop_pixmap(ctx, pix);
        fz_drop_image(ctx, img);
        fz_drop_buffer(ctx, enc);
        fz_drop_buffer(ctx, in);
    }
    fz_catch(ctx)
    {
        free(out);
        snprintf(why, whylen, "cropped picture: %s", fz_caught_message(ctx));
        return NULL;
    }
    return out;
}
