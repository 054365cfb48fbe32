/*
 * container_zip.c - ZIP archives (OOXML, ODF) on libzip, with the limits a
 * hostile archive needs: members per archive, bytes inflated per file (all
 * members, embedded files included), and the ratio of inflated to
 * compressed size of a member. Members are streamed (inflated a buffer at
 * a time), so a 1 GB sheet never sits in memory; a member read whole is
 * capped by SG_OPT_MAX_PART_BYTES. Deflated members are inflated by ISA-L
 * (stream_isal), the rest by libzip.
 *
 * The input is hashed (read to its end) before libzip opens it, as libzip
 * seeks; a pipe is read into memory first (up to the part limit).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <errno.h>
#include <isa-l/igzip_lib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define CHUNK (64u * 1024u)

static sg_status zip_fail(sgi_zip *z, sg_status st, const char *fmt, ...) SGI_PRINTF(3, 4);

static sg_status zip_fail(sgi_zip *z, sg_status st, const char *fmt, ...)
{
    if (z->status == SG_OK) {
        z->status = st;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(z->error, sizeof(z->error), fmt, ap);
        va_end(ap);
    }
    return st;
}

bool sgi_zip_in_member(const unsigned char *p, size_t n, size_t off)
{
    size_t q = 0;
    while (q + 30 <= n && memcmp(p + q, "PK\x03\x04", 4) == 0) {
        unsigned flags = p[q + 6] | (unsigned)p[q + 7] << 8;
        uint32_t csize = (uint32_t)p[q + 18] | (uint32_t)p[q + 19] << 8 |
                         (uint32_t)p[q + 20] << 16 | (uint32_t)p[q + 21] << 24;
        size_t data = q + 30 + (p[q + 26] | (size_t)p[q + 27] << 8) +
                      (p[q + 28] | (size_t)p[q + 29] << 8);
        if (off < data)
            return false; /* in this header: the archive's own */
        if (((flags & 8) && csize == 0) || csize == 0xFFFFFFFFu)
            return false; /* its size is elsewhere (data descriptor, ZIP64) */
        if (off - data < csize)
            return true;
        q = data + csize;
    }
    return false;
}

sg_status sgi_zip_open(sgi_zip *z, sgi_ctx *ctx)
{
    memset(z, 0, sizeof(*z));
    z->ctx = ctx;
    sgi_input *in = ctx->in;
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = NULL;
    sgi_whole w;
    sg_status s = sgi_input_whole(in, ctx->mem, true, ctx->eng->opt_max_part, &w);
    z->owned = w.owned; /* a pipe's or a member's, kept in memory */
    if (s != SG_OK && w.kind == SGI_WHOLE_FILE)
        return zip_fail(z, SG_E_IO, "read error: %s", strerror(in->err));
    if (s != SG_OK)
        return zip_fail(z, in->err ? SG_E_IO : SG_E_LIMIT,
                        "%s: a streamed archive must fit the part limit (--max-part)",
                        in->err ? strerror(in->err) : "too large");
    if (w.kind == SGI_WHOLE_FILE) {
        /* libzip moves the shared file offset: the input is read already */
        int fd = dup(w.fd);
        FILE *fp = fd >= 0 ? fdopen(fd, "rb") : NULL;
        if (!fp) {
            if (fd >= 0)
                close(fd);
            return zip_fail(z, SG_E_IO, "cannot reopen: %s", strerror(errno));
        }
        src = zip_source_filep_create(fp, 0, -1, &zerr);
        if (!src)
            fclose(fp);
    } else {
        src = zip_source_buffer_create(w.p, w.n, 0, &zerr);
    }
    if (!src) {
        zip_fail(z, SG_E_NOMEM, "%s", zip_error_strerror(&zerr));
        zip_error_fini(&zerr);
        return z->status;
    }
    zip_stat_t whole; /* the archive's size */
    zip_stat_init(&whole);
    if (zip_source_stat(src, &whole) != 0)
        whole.valid = 0;
    z->za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
    if (!z->za) {
        zip_source_free(src);
        zip_fail(z, SG_E_FORMAT, "damaged ZIP container: %s", zip_error_strerror(&zerr));
        zip_error_fini(&zerr);
        return z->status;
    }
    zip_error_fini(&zerr);
    zip_int64_t n = zip_get_num_entries(z->za, 0);
    if (n < 0)
        return zip_fail(z, SG_E_FORMAT, "%s", "damaged ZIP container");
    if ((unsigned long long)n > ctx->eng->opt_max_members) {
        char num[32];
        snprintf(num, sizeof(num), "%lld", (long long)n);
        return zip_fail(z, SG_E_LIMIT, "%s members: more than the limit (--max-members)", num);
    }
    z->n = (size_t)n;
    /* Members whose data overlap (central directory entries sharing a local
     * header, or "quoting" the next one: Fifield's zip bombs) need more
     * compressed bytes in all than the archive holds. Each member's local
     * header is at least 30 bytes and its name. */
    if (whole.valid & ZIP_STAT_SIZE) {
        unsigned long long need = 0;
        for (zip_uint64_t i = 0; i < (zip_uint64_t)n; i++) {
            zip_stat_t sb;
            if (zip_stat_index(z->za, i, 0, &sb) != 0)
                continue;
            need += 30 + (sb.name ? strlen(sb.name) : 0) +
                    ((sb.valid & ZIP_STAT_COMP_SIZE) ? sb.comp_size : 0);
        }
        if (need > whole.size)
            return zip_fail(z, SG_E_LIMIT,
                            "members overlap one another (%llu bytes of members in a %llu-byte "
                            "archive): a zip bomb?",
                            need, (unsigned long long)whole.size);
    }
    return SG_OK;
}

void sgi_zip_close(sgi_zip *z)
{
    if (z->za)
        zip_discard(z->za);
    z->za = NULL;
    sgi_free(z->ctx->mem, z->owned);
    z->owned = NULL;
}

const char *sgi_zip_name(sgi_zip *z, size_t i)
{
    const char *nm = zip_get_name(z->za, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
    return nm ? nm : "";
}

long long sgi_zip_find(sgi_zip *z, const char *name)
{
    if (!name || !*name)
        return -1;
    while (*name == '/')
        name++; /* part names are absolute in OPC, members are not */
    zip_int64_t i = zip_name_locate(z->za, name, ZIP_FL_NOCASE | ZIP_FL_ENC_GUESS);
    return i < 0 ? -1 : (long long)i;
}

unsigned long long sgi_zip_size(sgi_zip *z, size_t i)
{
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_stat_index(z->za, (zip_uint64_t)i, 0, &zs) != 0 || !(zs.valid & ZIP_STAT_SIZE))
        return 0;
    return zs.size;
}

/* One buffer of inflated bytes: counted against the limits, then given to
 * the sink. */
static sg_status deliver(sgi_zip *z, const char *name, unsigned long long claimed,
                         unsigned long long *got, const char *buf, size_t n, sgi_zip_sink sink,
                         void *opaque)
{
    const sg_engine *eng = z->ctx->eng;
    *got += n;
    z->ctx->res->inflated += n;
    if (claimed && *got > claimed)
        return zip_fail(z, SG_E_FORMAT, "member %s is longer than its header says", name);
    if (z->ctx->res->inflated > eng->opt_max_inflated)
        return zip_fail(z, SG_E_LIMIT,
                        "more than the inflate limit (--max-inflated) in %s: a zip bomb?", name);
    return sink(opaque, buf, n);
}

/*
 * A deflated member, inflated here by ISA-L (igzip) from the raw bytes
 * libzip hands over: three times zlib's speed, which libzip uses, and on a
 * large sheet zlib was a sixth of the scan. The checks libzip would make
 * are made here: the stream must end, its length and CRC-32 be the ones
 * the directory gives.
 */
static sg_status stream_isal(sgi_zip *z, zip_file_t *zf, const zip_stat_t *zs, const char *name,
                             sgi_zip_sink sink, void *opaque)
{
    const sgi_mem *mem = z->ctx->mem;
    struct inflate_state *st = sgi_malloc(mem, sizeof(*st));
    unsigned char *in = sgi_malloc(mem, CHUNK), *out = sgi_malloc(mem, CHUNK);
    sg_status rc = SG_OK;
    if (!st || !in || !out) {
        rc = SG_E_NOMEM;
        goto done;
    }
    isal_inflate_init(st);
    st->crc_flag = ISAL_GZIP_NO_HDR; /* raw deflate; the CRC-32 of the output in st->crc */
    unsigned long long claimed = (zs->valid & ZIP_STAT_SIZE) ? zs->size : 0, got = 0;
    bool eof = false;
    while (rc == SG_OK && st->block_state != ISAL_BLOCK_FINISH) {
        if (st->avail_in == 0 && !eof) {
            zip_int64_t r = zip_fread(zf, in, CHUNK);
            if (r < 0) {
                rc = zip_fail(z, SG_E_FORMAT, "damaged member %s (cannot read)", name);
                break;
            }
            eof = r == 0;
            st->next_in = in;
            st->avail_in = (uint32_t)r;
        }
        st->next_out = out;
        st->avail_out = CHUNK;
        int ir = isal_inflate(st);
        size_t n = CHUNK - st->avail_out;
        if (ir != ISAL_DECOMP_OK) {
            rc = zip_fail(z, SG_E_FORMAT, "damaged member %s (bad data or checksum)", name);
            break;
        }
        if (n)
            rc = deliver(z, name, claimed, &got, (const char *)out, n, sink, opaque);
        else if (eof && st->avail_in == 0 && st->block_state != ISAL_BLOCK_FINISH)
            rc = zip_fail(z, SG_E_FORMAT, "damaged member %s (truncated)", name);
    }
    if (rc == SG_OK && (((zs->valid & ZIP_STAT_SIZE) && got != zs->size) ||
                        ((zs->valid & ZIP_STAT_CRC) && st->crc != zs->crc)))
        rc = zip_fail(z, SG_E_FORMAT, "damaged member %s (bad data or checksum)", name);
done:
    sgi_free(mem, st);
    sgi_free(mem, in);
    sgi_free(mem, out);
    return rc;
}

sg_status sgi_zip_stream(sgi_zip *z, size_t i, sgi_zip_sink sink, void *opaque)
{
    const sg_engine *eng = z->ctx->eng;
    const char *name = sgi_zip_name(z, i);
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_stat_index(z->za, (zip_uint64_t)i, 0, &zs) != 0)
        return zip_fail(z, SG_E_FORMAT, "damaged member %s", name);
    if ((zs.valid & ZIP_STAT_ENCRYPTION_METHOD) && zs.encryption_method != ZIP_EM_NONE)
        return zip_fail(z, SG_E_UNSUPPORTED, "encrypted member %s", name);
    unsigned long long claimed = (zs.valid & ZIP_STAT_SIZE) ? zs.size : 0;
    unsigned long long comp = (zs.valid & ZIP_STAT_COMP_SIZE) ? zs.comp_size : 0;
    if (claimed > (1u << 20) && comp && claimed / comp > eng->opt_max_ratio)
        return zip_fail(z, SG_E_LIMIT,
                        "member %s inflates more than the ratio limit (--max-ratio): a zip bomb?",
                        name);
    bool deflated = (zs.valid & ZIP_STAT_COMP_METHOD) && zs.comp_method == ZIP_CM_DEFLATE;
    zip_file_t *zf = zip_fopen_index(z->za, (zip_uint64_t)i, deflated ? ZIP_FL_COMPRESSED : 0);
    if (!zf)
        return zip_fail(z, SG_E_FORMAT, "cannot open member %s", name);
    if (deflated) {
        sg_status st = stream_isal(z, zf, &zs, name, sink, opaque);
        zip_fclose(zf);
        return st;
    }
    char *buf = sgi_malloc(z->ctx->mem, CHUNK);
    if (!buf) {
        zip_fclose(zf);
        return SG_E_NOMEM;
    }
    sg_status st = SG_OK;
    unsigned long long got = 0;
    for (;;) {
        zip_int64_t r = zip_fread(zf, buf, CHUNK);
        if (r < 0) {
            st = zip_fail(z, SG_E_FORMAT, "damaged member %s (bad data or checksum)", name);
            break;
        }
        if (r == 0)
            break;
        st = deliver(z, name, claimed, &got, buf, (size_t)r, sink, opaque);
        if (st != SG_OK)
            break;
    }
    sgi_free(z->ctx->mem, buf);
    zip_fclose(zf);
    return st;
}

typedef struct whole {
    sgi_zip *z;
    char *p;
    size_t n, cap;
    unsigned long long limit;
} whole;

static sg_status whole_sink(void *opaque, const char *data, size_t n)
{
    whole *w = opaque;
    if (w->n + n > w->limit)
        return SG_E_LIMIT;
    if (!sgi_grow(w->z->ctx->mem, (void **)&w->p, &w->cap, w->n + n + 1, 1))
        return SG_E_NOMEM;
    memcpy(w->p + w->n, data, n);
    w->n += n;
    w->p[w->n] = '\0';
    return SG_OK;
}

sg_status sgi_zip_read(sgi_zip *z, size_t i, char **out, size_t *len)
{
    whole w = {z, NULL, 0, 0, z->ctx->eng->opt_max_part};
    sg_status st = sgi_zip_stream(z, i, whole_sink, &w);
    if (st == SG_E_LIMIT && z->status == SG_OK)
        zip_fail(z, SG_E_LIMIT, "member %s is larger than the part limit (--max-part)",
                 sgi_zip_name(z, i));
    if (st != SG_OK) {
        sgi_free(z->ctx->mem, w.p);
        return st;
    }
    if (!w.p) {
        w.p = sgi_malloc(z->ctx->mem, 1);
        if (!w.p)
            return SG_E_NOMEM;
        w.p[0] = '\0';
    }
    *out = w.p;
    *len = w.n;
    return SG_OK;
}
