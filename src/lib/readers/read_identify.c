/*
 * read_identify.c - OLE2 compound files, handed to read_xls.c (which reads
 * XLS and passes DOC, PPT and MSG on), or reported as not yet supported
 * when none of those; and binary data.
 * Each bids like a real reader (the bits of magic it checked) and reports
 * the file as not checked, naming the format, so that nothing passes
 * silently. A real reader replaces its entry here when it lands.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>

static bool starts(const sgi_peek *pk, size_t off, const void *magic, size_t n)
{
    return pk->n >= off + n && memcmp(pk->p + off, magic, n) == 0;
}

/* Does the peek hold these bytes (a literal: NULs included)? */
#define contains(pk, lit) contains_bytes((pk), (lit), sizeof(lit) - 1)

static bool contains_bytes(const sgi_peek *pk, const char *s, size_t n)
{
    return pk->n && memmem(pk->p, pk->n, s, n) != NULL;
}

static bool ext_is(const sgi_peek *pk, const char *const *exts)
{
    for (size_t i = 0; exts[i]; i++)
        if (strcmp(pk->ext, exts[i]) == 0)
            return true;
    return false;
}

static sg_status not_yet(sgi_ctx *ctx, const char *format, const char *what)
{
    ctx->res->pub.format = format;
    sgi_ctx_error(ctx, SG_E_UNSUPPORTED, "%s: format not yet supported; not checked",
                     what);
    return SG_E_UNSUPPORTED;
}

/* ----------------------------------------------------------------- OLE2 */

static int ole2_bid(const sgi_peek *pk)
{
    return starts(pk, 0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) ? 64 : 0;
}

static sg_status ole2_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    static const char *const xls[] = {"xls", "xlt", NULL};
    static const char *const doc[] = {"doc", "dot", NULL};
    static const char *const ppt[] = {"ppt", "pps", "pot", NULL};
    static const char *const msg[] = {"msg", NULL};
    if (contains(pk, "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e")) {
        /* an OOXML file with a password (ECMA-376 agile or standard
         * encryption): the package is inside, encrypted */
        ctx->res->pub.format = "ole2";
        sgi_notice_encrypted(ctx, "encrypted Office document (OOXML in an OLE2 EncryptedPackage)",
                             NULL);
        return SG_OK;
    }
    /* the compound file whole (its directory may be anywhere in it) */
    size_t len = 0;
    ctx->res->pub.format = "ole2";
    char *data = sgi_ctx_slurp(ctx, "OLE2 file", &len);
    if (!data)
        return SG_OK;
    ctx->res->pub.format = ext_is(pk, xls) ? "xls" : ext_is(pk, doc) ? "doc"
                          : ext_is(pk, ppt)   ? "ppt"
                                              : "ole2";
    sg_status st = sgi_xls_scan(ctx, (const unsigned char *)data, len);
    sgi_free(ctx->mem, data);
    if (st == SG_OK)
        return SG_OK;
    if (ext_is(pk, xls))
        return not_yet(ctx, "xls", "XLS spreadsheet (OLE2)");
    if (ext_is(pk, doc))
        return not_yet(ctx, "doc", "DOC document (OLE2)");
    if (ext_is(pk, ppt))
        return not_yet(ctx, "ppt", "PPT presentation (OLE2)");
    if (ext_is(pk, msg))
        return not_yet(ctx, "msg", "Outlook message (OLE2)");
    return not_yet(ctx, "ole2", "OLE2 compound file");
}

/* --------------------------------------------------------------- binary */

static int binary_bid(const sgi_peek *pk)
{
    return pk->sniff->text ? 0 : 1;
}

static sg_status binary_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    (void)pk;
    ctx->res->pub.format = "binary";
    sgi_ctx_error(ctx, SG_E_UNSUPPORTED,
                     "unrecognised binary content (not text, no known format); not checked");
    return SG_E_UNSUPPORTED;
}

const sgi_reader sgi_reader_ole2 = {"ole2", ole2_bid, ole2_scan};
const sgi_reader sgi_reader_binary = {"binary", binary_bid, binary_scan};
