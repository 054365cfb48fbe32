/*
 * ole_private.h - what the OLE2 readers share (read_xls.c opens the
 * compound file with libgsf; read_ole_docs.c reads Word and PowerPoint,
 * read_msg.c Outlook messages).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef SG_OLE_PRIVATE_H
#define SG_OLE_PRIVATE_H

#include "../sg_private.h"

#include "lazylib_private.h" /* libgsf */

static inline unsigned sgi_le16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static inline uint32_t sgi_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Characters as the Office binary formats keep them (UTF-16LE, or one
 * byte each when compressed) appended to t as UTF-8; a lone surrogate is
 * U+FFFD. With marks, Word's paragraph and cell marks are line ends and
 * its other control characters (fields, objects) are left out. */
void sgi_ole_chars(sgi_text *t, const unsigned char *p, size_t nch, bool wide, bool marks);

/* A Word or PowerPoint 97-2003 file: read it (SG_OK), or SG_E_UNSUPPORTED
 * (nothing reported) if the compound file is neither. */
sg_status sgi_ole_docs_scan(sgi_ctx *ctx, GsfInfile *ole, sgi_cells *cells);

/* An Outlook message (.msg): does the root hold message property streams?
 * Read it (read_msg.c). */
bool sgi_msg_is(GsfInfile *ole);
void sgi_msg_scan(sgi_ctx *ctx, GsfInfile *ole);

#endif
