/*
 * clean_private.h - what the cleaners share: the XML rewriter, the record
 * of what was removed, and one entry point per family of formats.
 *
 *   clean.c          sg_clean: the input checked, the format found (by a
 *                    scan), the cleaner run into a temporary file, the
 *                    result re-scanned, then renamed into place
 *   clean_ooxml.c    XLSX, DOCX, PPTX: a new package, part by part
 *   clean_pdf.c      PDF on MuPDF: redaction, rewriting without history
 *   clean_odf.c      ODS, ODT, ODP: the same for OpenDocument
 *   clean_image.c    JPEG and PNG without metadata or trailing data
 *   clean_csv.c      --to csv: the visible values of sheets and tables
 *   redact.c         --redact: visible values masked in text, CSV, XLSX
 *   xml_rewrite.c    expat in, the same XML out, as a filter decides
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef SG_CLEAN_PRIVATE_H
#define SG_CLEAN_PRIVATE_H

#include "../sg_private.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- XML rewriting */

typedef enum sgi_xr_action {
    SGI_XR_KEEP,   /* the element, as it is (attributes may be replaced) */
    SGI_XR_DROP,   /* the element and all it holds */
    SGI_XR_UNWRAP, /* what it holds, without its tags */
    SGI_XR_HOLD    /* kept for now; decide() at its end may take it back */
} sgi_xr_action;

typedef struct sgi_xr sgi_xr;

typedef struct sgi_xr_handlers {
    sgi_xr_action (*start)(void *opaque, sgi_xr *x, const char *name, const char **attrs);
    void (*end)(void *opaque, sgi_xr *x, const char *name);
    /* text of kept elements: false to leave it out */
    bool (*text)(void *opaque, sgi_xr *x, const char *s, int len);
    /* a held element has ended: true to keep it (xml is what was written) */
    bool (*decide)(void *opaque, sgi_xr *x, const char *name, const char *xml, size_t n);
} sgi_xr_handlers;

sg_status sgi_xr_rewrite(const char *in, size_t n, const sgi_xr_handlers *h, void *opaque,
                         sgi_out *out, char *err, size_t errlen);
/* From start(): write these attributes instead (name, value, ..., NULL). */
void sgi_xr_set_attrs(sgi_xr *x, const char **attrs);
/* Write XML or text at this point (inside the current element). */
void sgi_xr_write_raw(sgi_xr *x, const char *s);
void sgi_xr_write_text(sgi_xr *x, const char *s, size_t n);
void sgi_xr_escape(sgi_out *o, const char *s, size_t n, bool attr);
/* The local part of a qualified name ("w:t" is "t"). */
static inline const char *sgi_xr_local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

/* ------------------------------------------------------------- cleaning */

typedef struct sgi_clean {
    const sg_engine *eng;
    sg_scanner *sc;
    const char *in;
    unsigned flags;               /* SG_CLEAN_* */
    sg_clean_fn note;             /* what was removed, one line each */
    void *opaque;
    char error[512];
    unsigned long long removed;   /* things removed */
    /* --redact: rule ids, or prefixes ending in "." */
    const char *const *redact;
    size_t nredact;
    /* --to csv */
    const char *csv_out;          /* the output path, or its pattern */
    unsigned long long csv_files; /* written */
} sgi_clean;

/* Say what was removed (counted). */
void sgi_clean_note(sgi_clean *c, const char *fmt, ...) SGI_PRINTF(2, 3);
/* Refuse: the file cannot be cleaned (message for a person). */
sg_status sgi_clean_refuse(sgi_clean *c, sg_status st, const char *fmt, ...) SGI_PRINTF(3, 4);

sg_status sgi_clean_ooxml(sgi_clean *c, const char *in, const char *out, const char *format);
sg_status sgi_clean_odf(sgi_clean *c, const char *in, const char *out, const char *format);
sg_status sgi_clean_pdf(sgi_clean *c, sg_scanner *sc, const char *in, const char *out);
sg_status sgi_clean_image(sgi_clean *c, const char *in, const char *out);
/* Strip a JPEG or PNG in memory of metadata and trailing data; NULL if it
 * is neither (then keep it as it is). *n in, *n out. */
unsigned char *sgi_clean_picture(const unsigned char *p, size_t *n);

/* A JPEG or PNG cut down to what a crop shows: frac is the inset from
 * the left, top, right and bottom edge in thousandths of a percent (as
 * <a:srcRect>). The new picture (same format), or NULL with why. */
unsigned char *sgi_clean_crop_picture(sgi_clean *c, const unsigned char *p, size_t n,
                                      const long frac[4], size_t *out_n, char *why,
                                      size_t whylen);

/* --to csv: the visible values of each sheet or table, through
 * sgi_clean_emit_csv (name NULL when there is only one). */
sg_status sgi_clean_csv(sgi_clean *c, const char *in, const char *format);
sg_status sgi_clean_emit_csv(sgi_clean *c, const char *name, const char *data, size_t n);

/* A new temporary file beside target, ending in ext; its descriptor. */
int sgi_clean_temp(const char *target, const char *ext, char *tmp, size_t n);
/* A temporary file from sgi_clean_temp is done with: placed (remove false)
 * or removed. */
void sgi_clean_temp_done(const char *tmp, bool remove);
/* --redact: mask in the file at path (format as scanned) the visible values
 * the rules find; is rule one of them? */
sg_status sgi_redact(sgi_clean *c, const char *path, const char *format);
bool sgi_redact_wanted(const sgi_clean *c, const char *rule);

/* A ZIP member whole, NUL-terminated, within --max-part and --max-ratio,
 * its CRC checked; NULL, refused with the reason, if not. */
struct zip;
char *sgi_clean_zip_member(sgi_clean *c, struct zip *z, unsigned long long i, size_t *len);
/* A file whole, NUL-terminated, within --max-part; NULL, refused, if not. */
char *sgi_clean_slurp(sgi_clean *c, const char *path, size_t *len);

/* Write a file whole (an existing temporary file). */
sg_status sgi_write_file(const char *path, const void *data, size_t n, char *err, size_t errlen);

#endif
