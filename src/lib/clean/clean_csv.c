/*
 * clean_csv.c - --to csv: the visible values of sheets and tables.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "clean_private.h"

sg_status sgi_clean_csv(sgi_clean *c, const char *in, const char *format)
{
    (void)in;
    return sgi_clean_refuse(c, SG_E_UNSUPPORTED, "%s: --to csv not yet supported", format);
}
