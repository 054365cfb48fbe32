/*
 * read_ooxml.c - Office Open XML packages: one reader for XLSX, DOCX and
 * PPTX (and their macro and template kinds). It opens the package and
 * lets the package say what it is (the officeDocument relationship),
 * rather than guessing from the first bytes, then hands it to
 * read_xlsx.c, read_docx.c or read_pptx.c. Binary workbooks (XLSB) are
 * recognised and reported as not read.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "ooxml_private.h"

#include <string.h>

static bool ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static sg_status ooxml_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    (void)pk;
    ctx->res->pub.format = "ooxml";
    sgi_ooxml ox;
    sg_status st = sgi_ooxml_open(&ox, ctx);
    if (st != SG_OK)
        return sgi_ooxml_close(&ox, st);
    const char *main = sgi_ooxml_main_part(&ox, NULL);
    if (!main || sgi_zip_find(&ox.zip, main) < 0) {
        /* no usable package relationship: look for the usual parts */
        static const char *const usual[] = {"xl/workbook.xml", "word/document.xml",
                                            "ppt/presentation.xml", "xl/workbook.bin"};
        main = NULL;
        for (size_t i = 0; i < SGI_ARRAY_LEN(usual) && !main; i++)
            if (sgi_zip_find(&ox.zip, usual[i]) >= 0)
                main = usual[i];
    }
    if (!main) {
        snprintf(ox.zip.error, sizeof(ox.zip.error),
                 "an Office Open XML package with no workbook, document or presentation");
        return sgi_ooxml_close(&ox, SG_E_FORMAT);
    }
    if (ends(main, ".bin")) {
        ctx->res->pub.format = "xlsb";
        snprintf(ox.zip.error, sizeof(ox.zip.error),
                 "XLSB spreadsheet (binary parts): format not yet supported; not checked");
        return sgi_ooxml_close(&ox, SG_E_UNSUPPORTED);
    }
    if (strncmp(main, "xl/", 3) == 0 || ends(main, "workbook.xml"))
        st = sgi_xlsx_read(&ox, main);
    else if (strncmp(main, "ppt/", 4) == 0 || ends(main, "presentation.xml"))
        st = sgi_pptx_read(&ox, main);
    else
        st = sgi_docx_read(&ox, main);
    return sgi_ooxml_close(&ox, st);
}

/* A ZIP whose peek shows [Content_Types].xml (not inside a member: a
 * workbook stored in a plain ZIP), or with an OOXML extension. */
static int ooxml_bid(const sgi_peek *pk)
{
    static const char *const exts[] = {"xlsx", "xlsm", "xltx", "xltm", "xlsb", "docx", "docm",
                                       "dotx", "dotm", "pptx", "pptm", "ppsx", "potx", NULL};
    if (!(pk->n >= 4 && memcmp(pk->p, "PK\x03\x04", 4) == 0))
        return 0;
    const unsigned char *ct = memmem(pk->p, pk->n, "[Content_Types].xml", 19);
    if (ct && !sgi_zip_in_member(pk->p, pk->n, (size_t)(ct - pk->p)))
        return 32 + 19 * 8;
    for (size_t i = 0; exts[i]; i++)
        if (strcmp(pk->ext, exts[i]) == 0)
            return 33;
    return 0;
}

const sgi_reader sgi_reader_ooxml = {"ooxml", ooxml_bid, ooxml_scan};
