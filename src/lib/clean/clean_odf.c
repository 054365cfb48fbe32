/*
 * clean_odf.c - ODS, ODT and ODP without what the reader cannot see.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "clean_private.h"

sg_status sgi_clean_odf(sgi_clean *c, const char *in, const char *out, const char *format)
{
    (void)in;
    (void)out;
    return sgi_clean_refuse(c, SG_E_UNSUPPORTED, "%s: cleaning not yet supported", format);
}
