/*
 * pdf_private.h - what the PDF reader's parts share: the MuPDF context of
 * a scanner, one page's painted marks, and the text classes a page's
 * glyphs fall into. Never installed.
 *
 *   read_pdf.c    the document: opening, metadata, attachments, scripts,
 *                 annotations, layers, earlier revisions, page by page
 *   pdf_page.c    one page: a MuPDF device that records every glyph and
 *                 every opaque mark in paint order, then decides for each
 *                 glyph whether a reader can see it, and builds lines
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef SG_PDF_PRIVATE_H
#define SG_PDF_PRIVATE_H

#include "../sg_private.h"

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
#include <time.h>

/* The MuPDF side of a scanner: its own context (no locks: one thread),
 * an allocator that counts and caps what MuPDF holds, and the deadline. */
typedef struct sgi_pdf_state {
    const sg_engine *eng;
    fz_context *fz;
    size_t live, peak, limit;
    bool over_memory;
    struct timespec deadline;
    bool has_deadline, timed_out;
    fz_cookie *cookie; /* the run in progress, to abort */
    unsigned active;   /* documents open (attachments nest) */
} sgi_pdf_state;

/* The scanner's MuPDF context, made when first needed (NULL: no memory). */
sgi_pdf_state *sgi_pdf_state_of(sg_scanner *sc, const sgi_mem *mem);
/* A top-level file starts: the clock and the memory flag start over. */
void sgi_pdf_start_clock(sgi_pdf_state *st);
/* Is the file's time up? Sets the cookie's abort flag if so. */
bool sgi_pdf_time_up(sgi_pdf_state *st);

/* Why a glyph cannot be seen (or that it can). */
typedef enum pdf_vis {
    PDF_VISIBLE = 0,
    PDF_OCR,         /* invisible text over a scanned image: mirrors it */
    PDF_INVISIBLE,   /* render mode 3, not over an image */
    PDF_CLIP_ONLY,   /* render mode 7: a clip, never painted */
    PDF_OUTSIDE,     /* outside the crop box */
    PDF_CLIPPED,     /* outside the clipping area */
    PDF_TINY,        /* too small to read */
    PDF_TRANSPARENT, /* fully transparent */
    PDF_SAME_COLOUR, /* the colour of what lies beneath */
    PDF_UNDER_BOX,   /* under an opaque mark painted later */
    PDF_UNDER_ANNOT, /* under a filled or redaction annotation */
    PDF_VIS_COUNT
} pdf_vis;

const char *sgi_pdf_vis_reason(pdf_vis v);

/* A mark that may hide text: an opaque fill, an image, a shading, or an
 * annotation drawn over the page. */
typedef struct pdf_mark {
    fz_rect r;       /* device space, clipped */
    uint32_t seq;    /* paint order */
    bool opaque;     /* covers what lies below */
    bool image;      /* an image (its colours are unknown) */
    bool colour_known;
    unsigned char rgb[3];
    const char *annot; /* an annotation's kind, or NULL */
} pdf_mark;

typedef struct pdf_glyph {
    fz_rect r;         /* device space */
    float ox, oy;      /* origin */
    float ex, ey;      /* where the next glyph would start */
    float dx, dy;      /* baseline direction (unit) */
    float size;
    int ucs;
    uint32_t seq;
    unsigned char kind; /* GK_* */
    unsigned char rgb[3];
    bool colour_known;
    bool clipped;   /* wholly outside the clip at the time */
    bool continues; /* a ligature's further characters: no separator */
    float alpha;
    unsigned char vis;
    int mark; /* the covering mark for UNDER_*, or -1 */
} pdf_glyph;

enum { GK_FILL, GK_STROKE, GK_INVISIBLE, GK_CLIP };

/* JPEG images of a page whose metadata is read. */
#define PDF_MAX_JPEGS 32

/* A page as recorded. */
typedef struct pdf_page_rec {
    const sgi_mem *mem;
    fz_rect bounds; /* the crop box, device space */
    pdf_glyph *g;
    size_t ng, capg;
    pdf_mark *m;
    size_t nm, capm;
    size_t max_glyphs, max_marks;
    bool truncated; /* more than the limits: not all recorded */
    bool nomem;
    double image_area; /* area of the page covered by images */
    /* JPEG images drawn on the page, kept to read their metadata */
    fz_image *jpeg[PDF_MAX_JPEGS];
    int njpeg;
} pdf_page_rec;

void sgi_pdf_page_init(pdf_page_rec *p, const sgi_mem *mem);
void sgi_pdf_page_reset(pdf_page_rec *p, fz_rect bounds);
void sgi_pdf_page_free(pdf_page_rec *p);
/* Let go of the page's images (before reset and free). */
void sgi_pdf_page_drop_images(fz_context *ctx, pdf_page_rec *p);
/* Run the page's content through the recording device. */
void sgi_pdf_page_run(sgi_pdf_state *st, pdf_page *page, pdf_page_rec *rec, fz_cookie *cookie);
/* Add an annotation's box (device space) that hides what lies under it. */
void sgi_pdf_page_annot_mark(pdf_page_rec *rec, fz_rect r, const char *kind);
/* Decide every glyph's visibility. */
void sgi_pdf_page_classify(pdf_page_rec *rec);

/* A line of text: glyphs of one class joined, with its box. */
typedef struct pdf_line {
    char *s;
    size_t n;
    fz_rect box;
    unsigned char vis;
    int mark;
} pdf_line;

/* Called for each finished line, in paint order of its first glyph. */
typedef bool (*pdf_line_fn)(void *opaque, const pdf_line *line);
/* Join the glyphs of each class into lines; false if out of memory. */
bool sgi_pdf_page_lines(pdf_page_rec *rec, const sgi_mem *mem, pdf_line_fn fn, void *opaque);

#endif
