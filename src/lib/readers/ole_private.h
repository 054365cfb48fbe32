/*
 * ole_private.h - what the OLE2 readers share (read_xls.c opens the
 * compound file with libgsf; read_ole_docs.c reads Word and PowerPoint).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef SG_OLE_PRIVATE_H
#define SG_OLE_PRIVATE_H

#include "../sg_private.h"

#include <gsf/gsf-infile.h>
#include <gsf/gsf-input.h>

/* A Word or PowerPoint 97-2003 file: read it (SG_OK), or SG_E_UNSUPPORTED
 * (nothing reported) if the compound file is neither. */
sg_status sgi_ole_docs_scan(sgi_ctx *ctx, GsfInfile *ole, sgi_cells *cells);

#endif
