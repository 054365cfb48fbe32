/*
 * input.c - a file, pipe, buffer or stream (an archive's member, pulled
 * from its archive) as a stream of bytes, with a bounded
 * peek at its head for type detection, and a SHA-256 of everything read.
 *
 * Readers pull bytes with sgi_input_read; the peek is served first, so a
 * pipe is read once. sgi_input_finish drains what a reader left unread,
 * so the digest always covers the whole file.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static EVP_MD *sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
    sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

const void *sgi_sha256(void)
{
    /* fetched once: EVP_sha256() in EVP_DigestInit_ex fetches it again at
     * every call, under OpenSSL's locks (a tenth of a small file's scan,
     * with a fingerprint for each finding); kept for the process */
    pthread_once(&sha256_once, sha256_fetch);
    return sha256 ? (const void *)sha256 : (const void *)EVP_sha256();
}

static sg_status input_common(sgi_input *in, bool hash, const sgi_mem *mem)
{
    in->peek = sgi_malloc(mem, SGI_PEEK_MAX);
    if (!in->peek)
        return SG_E_NOMEM;
    if (hash) {
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        if (!md || EVP_DigestInit_ex(md, sgi_sha256(), NULL) != 1) {
            EVP_MD_CTX_free(md);
            return SG_E_NOMEM;
        }
        in->sha = md;
    }
    return SG_OK;
}

/* Fill the peek buffer: loop, since pipes return short reads. */
static sg_status input_fill_peek(sgi_input *in)
{
    while (in->peeklen < SGI_PEEK_MAX) {
        ssize_t r;
        if (in->pull) {
            r = in->pull(in->pull_opaque, in->peek + in->peeklen, SGI_PEEK_MAX - in->peeklen);
            if (r < 0) {
                in->err = EIO;
                return SG_E_IO;
            }
        } else if (in->fd >= 0) {
            r = read(in->fd, in->peek + in->peeklen, SGI_PEEK_MAX - in->peeklen);
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                in->err = errno;
                return SG_E_IO;
            }
        } else {
            size_t left = in->memlen - in->peeklen;
            r = (ssize_t)SGI_MIN(left, (size_t)(SGI_PEEK_MAX - in->peeklen));
            if (r > 0) /* an empty buffer may be NULL */
                memcpy(in->peek + in->peeklen, in->mem + in->peeklen, (size_t)r);
        }
        if (r == 0) {
            in->eof = true;
            break;
        }
        in->peeklen += (size_t)r;
    }
    if (sgi_input_is_mem(in) && in->peeklen == in->memlen)
        in->eof = true;
    return SG_OK;
}

/* Open src (its source fields set, the rest zero) into in. */
static sg_status input_open(sgi_input *in, sgi_input src, bool hash, const sgi_mem *mem)
{
    *in = src;
    sg_status st = input_common(in, hash, mem);
    return st ? st : input_fill_peek(in);
}

sg_status sgi_input_open_fd(sgi_input *in, int fd, bool hash, const sgi_mem *mem)
{
    return input_open(in, (sgi_input){.fd = fd}, hash, mem);
}

sg_status sgi_input_open_pull(sgi_input *in, long (*pull)(void *, void *, size_t), void *opaque,
                              bool hash, const sgi_mem *mem)
{
    return input_open(in, (sgi_input){.fd = -1, .pull = pull, .pull_opaque = opaque}, hash, mem);
}

sg_status sgi_input_open_mem(sgi_input *in, const void *data, size_t len, bool hash,
                             const sgi_mem *mem)
{
    return input_open(in, (sgi_input){.fd = -1, .mem = data, .memlen = len}, hash, mem);
}

long sgi_input_read(sgi_input *in, void *buf, size_t n)
{
    size_t got = 0;
    if (in->peekpos < in->peeklen) {
        got = SGI_MIN(n, in->peeklen - in->peekpos);
        memcpy(buf, in->peek + in->peekpos, got);
        in->peekpos += got;
    } else if (in->pull) {
        if (in->eof)
            return 0;
        long r = in->pull(in->pull_opaque, buf, n);
        if (r < 0) {
            in->err = EIO;
            return -1;
        }
        if (r == 0)
            in->eof = true;
        got = (size_t)r;
    } else if (in->fd >= 0) {
        if (in->eof)
            return 0;
        for (;;) {
            ssize_t r = read(in->fd, buf, n);
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                in->err = errno;
                return -1;
            }
            if (r == 0)
                in->eof = true;
            got = (size_t)r;
            break;
        }
    } else {
        size_t pos = (size_t)in->consumed;
        got = pos < in->memlen ? SGI_MIN(n, in->memlen - pos) : 0;
        if (got)
            memcpy(buf, in->mem + pos, got);
    }
    if (got && in->sha)
        EVP_DigestUpdate(in->sha, buf, got);
    in->consumed += got;
    return (long)got;
}

sg_status sgi_input_drain(sgi_input *in, const sgi_mem *mem, char **keep, size_t *len,
                          unsigned long long limit)
{
    unsigned char tmp[65536];
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        long r = sgi_input_read(in, tmp, sizeof(tmp));
        if (r < 0) {
            sgi_free(mem, buf);
            return SG_E_IO;
        }
        if (r == 0)
            break;
        if (!keep)
            continue;
        if (n + (size_t)r > limit) {
            sgi_free(mem, buf);
            return SG_E_LIMIT;
        }
        if (!sgi_grow(mem, (void **)&buf, &cap, n + (size_t)r, 1)) {
            sgi_free(mem, buf);
            return SG_E_NOMEM;
        }
        memcpy(buf + n, tmp, (size_t)r);
        n += (size_t)r;
    }
    if (keep) {
        *keep = buf;
        *len = n;
    }
    return SG_OK;
}

sg_status sgi_input_whole(sgi_input *in, const sgi_mem *mem, bool file_ok,
                          unsigned long long limit, sgi_whole *w)
{
    memset(w, 0, sizeof(*w));
    w->fd = -1;
    struct stat st;
    if (sgi_input_is_mem(in)) {
        w->kind = SGI_WHOLE_MEM;
        w->p = in->mem;
        w->n = in->memlen;
        return sgi_input_drain(in, mem, NULL, NULL, 0);
    }
    if (file_ok && in->fd >= 0 && fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode)) {
        w->kind = SGI_WHOLE_FILE;
        sg_status s = sgi_input_drain(in, mem, NULL, NULL, 0);
        if (s == SG_OK) {
            w->fd = in->fd;
            w->n = (size_t)st.st_size;
        }
        return s;
    }
    w->kind = SGI_WHOLE_HELD;
    sg_status s = sgi_input_drain(in, mem, &w->owned, &w->n, limit);
    w->p = (const unsigned char *)w->owned;
    return s;
}

sg_status sgi_input_finish(sgi_input *in, char *hex, bool *have)
{
    *have = false;
    if (!in->sha)
        return SG_OK;
    unsigned char tmp[65536];
    for (;;) {
        long r = sgi_input_read(in, tmp, sizeof(tmp));
        if (r < 0)
            return SG_E_IO;
        if (r == 0)
            break;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_DigestFinal_ex(in->sha, md, &mdlen) != 1 || mdlen != 32)
        return SG_OK;
    static const char hexd[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        hex[2 * i] = hexd[md[i] >> 4];
        hex[2 * i + 1] = hexd[md[i] & 15];
    }
    hex[64] = '\0';
    *have = true;
    return SG_OK;
}

void sgi_input_close(sgi_input *in, const sgi_mem *mem)
{
    sgi_free(mem, in->peek);
    in->peek = NULL;
    if (in->sha)
        EVP_MD_CTX_free(in->sha);
    in->sha = NULL;
}
