/*
 * read_archive.c - archives and compressed files on libarchive: ZIP (not an
 * office package: those go to their readers, which bid higher), 7z, tar,
 * cpio, RAR, ISO 9660, and a single file under gzip, bzip2, xz, lzip or
 * zstd. Every regular member is scanned as a file of its own and located
 * inside the archive ("release.zip!folder/staff.xlsx!xl/..."); archives in
 * archives to --max-nesting.
 *
 * What a recipient unpacks is what they see: findings in a member are as
 * visible as the member makes them (a hidden sheet in a workbook in a ZIP
 * is hidden; a CSV in a ZIP is not).
 *
 * The input is streamed through libarchive from the scanner's input (so
 * the file's hash covers it), and each member from libarchive to its
 * reader: a text or CSV member streams, one that its reader needs whole
 * (an office file, a PDF) is held up to --max-part. A ZIP or 7z file on
 * disk is read where libarchive seeks, not held. The limits of the office
 * container hold across the archive: --max-members, --max-inflated (all
 * members, nested ones too) and --max-ratio (what was inflated against
 * what was read). A member with a
 * password is a notice.encrypted; a member that cannot be checked makes
 * the archive's result an error naming it, after every other member.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include "lazylib_private.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define ARC_BUF (64 * 1024)
#define RATIO_SLACK (1u << 20) /* small archives inflate freely to this */

typedef struct arc {
    sgi_ctx *ctx;
    struct archive *a;
    unsigned char buf[ARC_BUF];
    unsigned long long members, inflated;
    sgi_failures failed;
    sg_status mst;  /* why the current member could not be read on */
    char mmsg[400]; /* and what to say of it */
} arc;

static la_ssize_t arc_read(struct archive *a, void *opaque, const void **buf)
{
    arc *r = opaque;
    long n = sgi_input_read(r->ctx->in, r->buf, sizeof(r->buf));
    if (n < 0) {
        archive_set_error(a, r->ctx->in->err ? r->ctx->in->err : EIO, "read error");
        return -1;
    }
    *buf = r->buf;
    return n;
}

static const char *magic_format(const sgi_peek *pk);

static const char *format_name(struct archive *a, const sgi_peek *pk)
{
    int f = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
    switch (f) {
    case ARCHIVE_FORMAT_ZIP: return "zip";
    case ARCHIVE_FORMAT_7ZIP: return "7z";
    case ARCHIVE_FORMAT_TAR: return "tar";
    case ARCHIVE_FORMAT_CPIO: return "cpio";
    case ARCHIVE_FORMAT_RAR: return "rar";
    case ARCHIVE_FORMAT_RAR_V5: return "rar";
    case ARCHIVE_FORMAT_ISO9660: return "iso9660";
    case ARCHIVE_FORMAT_CAB: return "cab";
    case ARCHIVE_FORMAT_AR: return "ar";
    default: break;
    }
    switch (archive_filter_code(a, 0)) {
    case ARCHIVE_FILTER_GZIP: return "gzip";
    case ARCHIVE_FILTER_BZIP2: return "bzip2";
    case ARCHIVE_FILTER_XZ: return "xz";
    case ARCHIVE_FILTER_LZMA: return "lzma";
    case ARCHIVE_FILTER_LZIP: return "lzip";
    case ARCHIVE_FILTER_ZSTD: return "zstd";
    default: return magic_format(pk);
    }
}

/* The member's name in locations; a lone compressed file is named after
 * the file without its compression suffix. */
static const char *member_name(arc *r, struct archive *a, struct archive_entry *e, char *buf,
                               size_t n)
{
    const char *p = archive_entry_pathname_utf8(e);
    if (!p)
        p = archive_entry_pathname(e);
    if ((archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_RAW) {
        const char *path = r->ctx->depth ? NULL : r->ctx->res->pub.path;
        const char *base = path ? strrchr(path, '/') : NULL;
        base = base ? base + 1 : path;
        if (base && *base) {
            const char *dot = strrchr(base, '.');
            snprintf(buf, n, "%.*s", dot && dot != base ? (int)(dot - base) : (int)strlen(base),
                     base);
            return buf;
        }
        return "(decompressed)";
    }
    while (p && (p[0] == '/' || (p[0] == '.' && p[1] == '/')))
        p += p[0] == '/' ? 1 : 2;
    snprintf(buf, n, "%s", p && *p ? p : "(unnamed)");
    return buf;
}

static long member_stop(arc *r, sg_status st, const char *msg)
{
    r->mst = st;
    snprintf(r->mmsg, sizeof(r->mmsg), "%s", msg);
    return -1;
}

/* The current member's next bytes, as its reader pulls them (it may be
 * larger than its header says, or say nothing), under the limits of the
 * archive as a whole: --max-inflated and --max-ratio. Held whole only by a
 * reader that needs it so (and then to --max-part). */
static long member_pull(void *opaque, void *buf, size_t n)
{
    arc *r = opaque;
    const sg_engine *eng = r->ctx->eng;
    if (r->mst != SG_OK)
        return -1;
    la_ssize_t got = archive_read_data(r->a, buf, n);
    if (got < 0) {
        char msg[300];
        snprintf(msg, sizeof(msg), "damaged member: %s", archive_error_string(r->a));
        return member_stop(r, SG_E_FORMAT, msg);
    }
    r->inflated += (unsigned long long)got;
    r->ctx->res->inflated += (unsigned long long)got;
    if (r->ctx->res->inflated > eng->opt_max_inflated)
        return member_stop(r, SG_E_LIMIT, "more than the inflate limit (--max-inflated): a bomb?");
    long long read = archive_filter_bytes(r->a, -1);
    if (r->inflated > RATIO_SLACK && read > 0 &&
        r->inflated / (unsigned long long)read > eng->opt_max_ratio) {
        char msg[100];
        snprintf(msg, sizeof(msg), "inflates beyond --max-ratio (%llu): a bomb?",
                 eng->opt_max_ratio);
        return member_stop(r, SG_E_LIMIT, msg);
    }
    return (long)got;
}

/* Scan the current member as its reader reads it: a text or CSV member
 * streams, and memory does not grow with its size. What the reader leaves
 * unread is inflated too, under the same limits. A limit of the archive as
 * a whole ends the archive: false. */
static bool scan_member(arc *r, const char *name)
{
    sgi_ctx *ctx = r->ctx;
    char msg[400];
    const char *fmt = NULL;
    sgi_input in;
    r->mst = SG_OK;
    sg_status st = sgi_input_open_pull(&in, member_pull, r, false, ctx->mem);
    if (st == SG_OK) {
        st = sgi_scan_nested_input(ctx, &in, name, NULL, msg, sizeof(msg), &fmt);
        if (r->mst == SG_OK)
            (void)sgi_input_drain(&in, ctx->mem, NULL, NULL, 0);
    } else {
        snprintf(msg, sizeof(msg), "%s", sg_strerror(st));
    }
    sgi_input_close(&in, ctx->mem);
    if (r->mst != SG_OK) {
        sgi_failure(&r->failed, r->mst, name, r->mmsg);
        return r->mst == SG_E_FORMAT;
    }
    if (st != SG_OK)
        sgi_failure(&r->failed, st, name, msg);
    return true;
}

static bool starts(const sgi_peek *pk, size_t off, const void *magic, size_t n);
static int zip_bid(const sgi_peek *pk);
static const char *magic_format(const sgi_peek *pk);

static sg_status archive_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    ctx->res->pub.format = magic_format(pk);
    if (!sgi_lazy_archive()) {
        sgi_ctx_error(ctx, SG_E_UNSUPPORTED, "%s archive: %s could not be loaded",
                      ctx->res->pub.format, SGI_ARCHIVE_SONAME);
        return SG_OK;
    }
    arc *r = sgi_malloc(ctx->mem, sizeof(*r));
    struct archive *a = archive_read_new();
    if (!r || !a) {
        sgi_free(ctx->mem, r);
        if (a)
            archive_read_free(a);
        sgi_ctx_error(ctx, SG_E_NOMEM, "%s", "out of memory");
        return SG_OK;
    }
    memset(r, 0, sizeof(*r));
    r->ctx = ctx;
    r->a = a;
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    archive_read_support_format_raw(a); /* a lone compressed file */
    /* 7z keeps its index at the end, and a ZIP's central directory is the
     * truth about its members: libarchive seeks in both. A file on disk is
     * hashed first and then read where libarchive seeks (a descriptor of
     * its own); a buffer is read where it is; a pipe or a member is held
     * in memory (to --max-part). The other formats stream */
    sgi_whole w = {.fd = -1};
    int fd = -1;
    bool seek = starts(pk, 0, "7z\xBC\xAF\x27\x1C", 6) || zip_bid(pk);
    int orc;
    if (seek) {
        sg_status s = sgi_input_whole(ctx->in, ctx->mem, true, ctx->eng->opt_max_part, &w);
        if (s != SG_OK) {
            if (w.kind == SGI_WHOLE_FILE)
                sgi_ctx_error(ctx, SG_E_IO, "read error: %s", strerror(ctx->in->err));
            else if (s == SG_E_LIMIT)
                sgi_ctx_error(ctx, s, "archive larger than --max-part; not checked");
            else
                sgi_ctx_error(ctx, s, "cannot read the archive");
            goto done;
        }
        if (w.kind == SGI_WHOLE_FILE) {
            /* libarchive reads on from the offset: a descriptor of its own */
            fd = dup(w.fd);
            if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0) {
                sgi_ctx_error(ctx, SG_E_IO, "cannot reopen: %s", strerror(errno));
                goto done;
            }
            orc = archive_read_open_fd(a, fd, ARC_BUF);
        } else {
            orc = archive_read_open_memory(a, w.p, w.n);
        }
    } else {
        orc = archive_read_open(a, r, NULL, arc_read, NULL);
    }
    if (orc != ARCHIVE_OK && archive_read_has_encrypted_entries(a) > 0) {
        ctx->res->pub.format = format_name(a, pk);
        sgi_notice_encrypted(ctx, "encrypted archive (its list of files too)", NULL);
        goto done;
    }
    if (orc != ARCHIVE_OK) {
        sgi_ctx_error(ctx, SG_E_FORMAT, "damaged archive: %s", archive_error_string(a));
        goto done;
    }
    struct archive_entry *e;
    for (;;) {
        if (sgi_ctx_time_up(ctx))
            break; /* the file has its error */
        int rc = archive_read_next_header(a, &e);
        if (rc == ARCHIVE_EOF)
            break;
        if (rc == ARCHIVE_FATAL) {
            ctx->res->pub.format = format_name(a, pk);
            if (r->members == 0 && archive_read_has_encrypted_entries(a) > 0) {
                sgi_notice_encrypted(ctx, "encrypted archive (its list of files too)", NULL);
                break;
            }
            sgi_failure(&r->failed, SG_E_FORMAT, "(archive)", archive_error_string(a));
            break;
        }
        ctx->res->pub.format = format_name(a, pk);
        if (++r->members > ctx->eng->opt_max_members) {
            sgi_failure(&r->failed, SG_E_LIMIT, "(archive)",
                          "more members than --max-members; the rest not checked");
            break;
        }
        char nbuf[1024];
        const char *name = member_name(r, a, e, nbuf, sizeof(nbuf));
        if (archive_entry_filetype(e) != AE_IFREG && archive_entry_filetype(e) != 0)
            continue; /* directories, links, devices hold no data */
        if (archive_entry_is_encrypted(e)) {
            sgi_notice_encrypted(ctx, "encrypted archive member", name);
            continue;
        }
        if (!scan_member(r, name))
            break; /* a limit: the archive as a whole is past it */
    }
    sgi_failures_report(ctx, &r->failed, "members");
done:
    archive_read_free(a);
    if (fd >= 0)
        close(fd); /* archive_read_open_fd leaves it open */
    sgi_free(ctx->mem, w.owned);
    sgi_free(ctx->mem, r);
    return SG_OK;
}

/* ZIPs that are not office packages, and the archive and compression
 * magic numbers libarchive reads. */
static bool starts(const sgi_peek *pk, size_t off, const void *magic, size_t n)
{
    return pk->n >= off + n && memcmp(pk->p + off, magic, n) == 0;
}

static int zip_bid(const sgi_peek *pk)
{
    if (starts(pk, 0, "PK\x03\x04", 4) || starts(pk, 0, "PK\x05\x06", 4))
        return 32;
    return 0;
}

static const struct {
    size_t off;
    const char *bytes;
    size_t n;
    const char *format;
} magic[] = {
    {0, "\x1F\x8B\x08", 3, "gzip"},
    {0, "BZh", 3, "bzip2"}, /* and a block size digit */
    {0, "\xFD" "7zXZ\0", 6, "xz"},
    {0, "7z\xBC\xAF\x27\x1C", 6, "7z"},
    {0, "Rar!\x1A\x07", 6, "rar"}, /* RAR 4 and 5 */
    {0, "\x28\xB5\x2F\xFD", 4, "zstd"},
    {0, "LZIP", 4, "lzip"},
    {257, "ustar", 5, "tar"},
    {0, "070707", 6, "cpio"}, /* odc */
    {0, "070701", 6, "cpio"}, /* newc */
    {0, "MSCF\0\0\0\0", 8, "cab"},
    {0, "!<arch>\n", 8, "ar"},
};

/* The format its magic number names, until libarchive says better. */
static const char *magic_format(const sgi_peek *pk)
{
    if (zip_bid(pk))
        return "zip";
    for (size_t i = 0; i < SGI_ARRAY_LEN(magic); i++)
        if (starts(pk, magic[i].off, magic[i].bytes, magic[i].n))
            return magic[i].format;
    return "archive";
}

static int archive_bid(const sgi_peek *pk)
{
    for (size_t i = 0; i < SGI_ARRAY_LEN(magic); i++) {
        if (!starts(pk, magic[i].off, magic[i].bytes, magic[i].n))
            continue;
        if (magic[i].bytes[0] == 'B' && !(pk->n > 3 && pk->p[3] >= '1' && pk->p[3] <= '9'))
            continue;
        return (int)(magic[i].n * 8);
    }
    return 0;
}

const sgi_reader sgi_reader_zip = {"zip", zip_bid, archive_scan};
const sgi_reader sgi_reader_archive = {"archive", archive_bid, archive_scan};
