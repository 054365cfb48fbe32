/*
 * ooxml_private.h - what the ZIP-based office readers (XLSX, DOCX, PPTX,
 * ODF) share: the open package, its relationships, a growing text buffer,
 * and the reporting of hidden content. Never installed.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef SG_OOXML_PRIVATE_H
#define SG_OOXML_PRIVATE_H

#include "../sg_private.h"

typedef struct sgi_ooxml {
    sgi_ctx *ctx;
    sgi_zip zip;
    sgi_cells cells; /* the batch every part is scanned through */
} sgi_ooxml;

typedef struct sgi_rel {
    const char *id;
    const char *type;   /* last segment of the type URI: "worksheet", "comments" */
    const char *target; /* resolved part name, or the URI if external */
    bool external;
} sgi_rel;

typedef struct sgi_rels {
    sgi_rel *v;
    size_t n, cap;
} sgi_rels;

sg_status sgi_ooxml_open(sgi_ooxml *ox, sgi_ctx *ctx);
/* Close; reports st (or the container's error) as the file's error. */
sg_status sgi_ooxml_close(sgi_ooxml *ox, sg_status st);
/* The main part named by the package relationships, or fallback. */
const char *sgi_ooxml_main_part(sgi_ooxml *ox, const char *fallback);

/* The relationships of part ("" for the package's own). */
sg_status sgi_ooxml_rels(sgi_ooxml *ox, const char *part, sgi_rels *out);
void sgi_ooxml_rels_free(sgi_ooxml *ox, sgi_rels *r);
const sgi_rel *sgi_rels_by_id(const sgi_rels *r, const char *id);
/* The next relationship of type after *from (from may be NULL). */
const sgi_rel *sgi_rels_by_type(const sgi_rels *r, const char *type, size_t *from);

/* Report hidden content: value is shown masked as masked (or as it is). */
sg_finding *sgi_ooxml_hidden(sgi_ooxml *ox, int rule, const char *part, const char *value,
                             const char *masked, const char *message, sg_location *extra);

/* docProps (core, app, custom), customXml, printer settings */
void sgi_ooxml_metadata(sgi_ooxml *ox);
/* One metadata value; scan: also run the detectors over it. */
void sgi_ooxml_metadata_value(sgi_ooxml *ox, const char *part, const char *what,
                              const char *value, size_t n, bool scan);
/* Embedded files (scanned inside the document) and VBA projects. */
void sgi_ooxml_embedded(sgi_ooxml *ox);
/* Pictures (media/, Pictures/), each scanned as a file of its own. */
void sgi_ooxml_pictures(sgi_ooxml *ox);
/* Relationships of any part that point to files outside the document. */
void sgi_ooxml_external_rels(sgi_ooxml *ox);

/* The kinds of package, read over an open package from its main part. */
sg_status sgi_xlsx_read(sgi_ooxml *ox, const char *main);
sg_status sgi_docx_read(sgi_ooxml *ox, const char *main);
sg_status sgi_pptx_read(sgi_ooxml *ox, const char *main);

#endif
