/*
 * read_identify.c - formats recognised by their magic numbers but not yet
 * read: OLE2, archives, and binary data.
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

static bool contains(const sgi_peek *pk, const char *s)
{
    return pk->n && memmem(pk->p, pk->n, s, strlen(s)) != NULL;
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

/* ------------------------------------------------------------ ZIP family */

static bool is_zip(const sgi_peek *pk)
{
    return starts(pk, 0, "PK\x03\x04", 4);
}

static int zip_bid(const sgi_peek *pk)
{
    if (is_zip(pk) || starts(pk, 0, "PK\x05\x06", 4)) /* an empty archive */
        return 32;
    return 0;
}

static sg_status zip_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    (void)pk;
    return not_yet(ctx, "zip", "ZIP archive");
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

/* ------------------------------------------------------------- archives */

typedef struct magic {
    size_t off;
    const char *bytes;
    size_t n;
    const char *format;
    const char *what;
} magic;

static const magic archive_magic[] = {
    {0, "\x1F\x8B\x08", 3, "gzip", "gzip file"},
    {0, "BZh", 3, "bzip2", "bzip2 file"},
    {0, "\xFD" "7zXZ\0", 6, "xz", "xz file"},
    {0, "7z\xBC\xAF\x27\x1C", 6, "7z", "7-Zip archive"},
    {0, "Rar!\x1A\x07", 6, "rar", "RAR archive"},
    {0, "\x28\xB5\x2F\xFD", 4, "zstd", "Zstandard file"},
    {257, "ustar", 5, "tar", "tar archive"},
};

static const magic *archive_which(const sgi_peek *pk)
{
    for (size_t i = 0; i < SGI_ARRAY_LEN(archive_magic); i++)
        if (starts(pk, archive_magic[i].off, archive_magic[i].bytes, archive_magic[i].n))
            return &archive_magic[i];
    return NULL;
}

static int archive_bid(const sgi_peek *pk)
{
    const magic *m = archive_which(pk);
    if (m && strcmp(m->format, "bzip2") == 0 && !(pk->n > 3 && pk->p[3] >= '1' && pk->p[3] <= '9'))
        return 0; /* BZh and a block size digit */
    return m ? (int)(m->n * 8) : 0;
}

static sg_status archive_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    const magic *m = archive_which(pk);
    return not_yet(ctx, m ? m->format : "archive", m ? m->what : "archive");
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

const sgi_reader sgi_reader_zip = {"zip", zip_bid, zip_scan};
const sgi_reader sgi_reader_ole2 = {"ole2", ole2_bid, ole2_scan};
const sgi_reader sgi_reader_archive = {"archive", archive_bid, archive_scan};
const sgi_reader sgi_reader_binary = {"binary", binary_bid, binary_scan};
