/*
 * decode.c - text encodings: sniffing, streaming decoding to UTF-8, and a
 * position cursor that maps decoded text back to lines, character columns
 * and byte offsets of the original file.
 *
 * Encodings: UTF-8 (with or without BOM), UTF-16LE/BE (with a BOM, or
 * without one when every other byte is zero), and Windows-1252 for text
 * that is not valid UTF-8. A UTF-8 file with a few invalid bytes later on
 * is not re-read: each invalid byte is decoded alone as Windows-1252 and
 * its position is recorded, so offsets stay exact.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

const char *sgi_encoding_name(sgi_encoding e)
{
    switch (e) {
    case SGI_ENC_UTF8:
        return "utf-8";
    case SGI_ENC_UTF8_BOM:
        return "utf-8-bom";
    case SGI_ENC_UTF16LE:
        return "utf-16le";
    case SGI_ENC_UTF16BE:
        return "utf-16be";
    case SGI_ENC_CP1252:
        return "windows-1252";
    }
    return "unknown";
}

/* Windows-1252 0x80-0x9F; undefined bytes map to the C1 control of the same
 * number, as Windows does, so decoding never loses a byte. */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

size_t sgi_utf8_put(char *o, uint32_t cp)
{
    unsigned char *u = (unsigned char *)o;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (cp >> 12));
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    u[0] = (unsigned char)(0xF0 | (cp >> 18));
    u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

uint32_t sgi_cp1252(unsigned char b)
{
    return (b >= 0x80 && b < 0xA0) ? cp1252_c1[b - 0x80] : b;
}

/*
 * Length of the valid UTF-8 sequence at p[0,n): 1-4, 0 if invalid, or -1
 * if p ends inside a sequence that could still be valid.
 */
static int utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    int len;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    uint32_t cp = c & (0x3F >> (len - 1));
    for (int i = 1; i < len; i++) {
        if ((size_t)i >= n)
            return -1;
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
        if (i == 1) {
            /* reject overlongs and surrogates early, as the table does */
            if (len == 3 && c == 0xE0 && p[1] < 0xA0)
                return 0;
            if (len == 3 && c == 0xED && p[1] > 0x9F)
                return 0;
            if (len == 4 && c == 0xF0 && p[1] < 0x90)
                return 0;
            if (len == 4 && c == 0xF4 && p[1] > 0x8F)
                return 0;
        }
    }
    if (cp < min)
        return 0;
    return len;
}

void sgi_sniff_text(const unsigned char *p, size_t n, sgi_sniff *out)
{
    memset(out, 0, sizeof(*out));
    out->enc = SGI_ENC_UTF8;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        out->enc = SGI_ENC_UTF8_BOM;
        out->bom_len = 3;
    } else if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE && !(n >= 4 && p[2] == 0 && p[3] == 0)) {
        out->enc = SGI_ENC_UTF16LE;
        out->bom_len = 2;
    } else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        out->enc = SGI_ENC_UTF16BE;
        out->bom_len = 2;
    } else if (n >= 8) {
        /* UTF-16 without a BOM: mostly ASCII, so one byte of each pair is 0 */
        size_t m = SGI_MIN(n, (size_t)4096) & ~(size_t)1, z0 = 0, z1 = 0;
        for (size_t i = 0; i < m; i += 2) {
            z0 += p[i] == 0;
            z1 += p[i + 1] == 0;
        }
        size_t pairs = m / 2;
        if (z1 * 10 >= pairs * 9 && z0 * 20 < pairs)
            out->enc = SGI_ENC_UTF16LE;
        else if (z0 * 10 >= pairs * 9 && z1 * 20 < pairs)
            out->enc = SGI_ENC_UTF16BE;
    }

    const unsigned char *q = p + out->bom_len;
    size_t qn = n - out->bom_len;
    size_t ctrl = 0, hi = 0, total = 0;
    if (out->enc == SGI_ENC_UTF16LE || out->enc == SGI_ENC_UTF16BE) {
        bool le = out->enc == SGI_ENC_UTF16LE;
        for (size_t i = 0; i + 1 < qn; i += 2) {
            unsigned u = le ? (unsigned)(q[i] | q[i + 1] << 8) : (unsigned)(q[i] << 8 | q[i + 1]);
            total++;
            if (u < 0x20 && u != '\t' && u != '\n' && u != '\r' && u != '\f' && u != '\v')
                ctrl++;
        }
        out->text = total == 0 || ctrl * 100 <= total;
        return;
    }

    bool valid = true;
    for (size_t i = 0; i < qn;) {
        unsigned char c = q[i];
        total++;
        if (c == 0) {
            out->text = false; /* NUL: binary */
            return;
        }
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' &&
            c != 0x1B)
            ctrl++;
        if (c == 0x7F)
            ctrl++;
        if (c < 0x80) {
            i++;
            continue;
        }
        hi++;
        if (valid) {
            int l = utf8_seq(q + i, qn - i);
            if (l > 0) {
                i += (size_t)l;
                continue;
            }
            if (l < 0) /* cut at the end of the peek */
                break;
            valid = false;
        }
        i++;
    }
    if (!valid)
        out->enc = SGI_ENC_CP1252;
    /* Binary data has many control bytes; Windows-1252 text has few high
     * bytes compared with its letters. */
    out->text = total == 0 || (ctrl * 100 <= total && (valid || hi * 100 <= total * 30));
}

void sgi_decoder_init(sgi_decoder *d, sgi_encoding enc, size_t bom_len)
{
    memset(d, 0, sizeof(*d));
    d->enc = enc;
    d->skip_bom = bom_len;
}

static bool fb_push(const sgi_mem *mem, size_t **fb, size_t *nfb, size_t *fbcap, size_t off)
{
    if (!sgi_grow(mem, (void **)fb, fbcap, *nfb + 1, sizeof(size_t)))
        return false;
    (*fb)[(*nfb)++] = off;
    return true;
}

/* Decode whole units of in[0,n); an incomplete unit at the end goes to
 * d->pend unless final. Fallback offsets are base + output offset. */
static size_t decode_body(sgi_decoder *d, const unsigned char *in, size_t n, char *out,
                          size_t base, bool final, const sgi_mem *mem, size_t **fb, size_t *nfb,
                          size_t *fbcap, bool *nomem)
{
    size_t o = 0;
    switch (d->enc) {
    case SGI_ENC_UTF8:
    case SGI_ENC_UTF8_BOM: {
        size_t i = 0;
        while (i < n) {
            /* ASCII fast path, 8 bytes at a time */
            while (i + 8 <= n) {
                uint64_t w;
                memcpy(&w, in + i, 8);
                if (w & 0x8080808080808080ULL)
                    break;
                memcpy(out + o, in + i, 8);
                o += 8;
                i += 8;
            }
            if (i >= n)
                break;
            unsigned char c = in[i];
            if (c < 0x80) {
                out[o++] = (char)c;
                i++;
                continue;
            }
            int l = utf8_seq(in + i, n - i);
            if (l > 0) {
                memcpy(out + o, in + i, (size_t)l);
                o += (size_t)l;
                i += (size_t)l;
            } else if (l < 0 && !final) {
                memcpy(d->pend, in + i, n - i);
                d->npend = n - i;
                break;
            } else {
                if (!fb_push(mem, fb, nfb, fbcap, base + o))
                    *nomem = true;
                d->fallbacks++;
                o += sgi_utf8_put(out + o, sgi_cp1252(c));
                i++;
            }
        }
        break;
    }
    case SGI_ENC_CP1252:
        for (size_t i = 0; i < n; i++) {
            unsigned char c = in[i];
            if (c < 0x80)
                out[o++] = (char)c;
            else
                o += sgi_utf8_put(out + o, sgi_cp1252(c));
        }
        break;
    case SGI_ENC_UTF16LE:
    case SGI_ENC_UTF16BE: {
        bool le = d->enc == SGI_ENC_UTF16LE;
        size_t i = 0;
        while (i + 1 < n) {
            uint32_t u = le ? (uint32_t)(in[i] | in[i + 1] << 8) : (uint32_t)(in[i] << 8 | in[i + 1]);
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (i + 3 >= n) {
                    if (!final)
                        break;
                    o += sgi_utf8_put(out + o, 0xFFFD);
                    i += 2;
                    continue;
                }
                uint32_t v = le ? (uint32_t)(in[i + 2] | in[i + 3] << 8)
                                : (uint32_t)(in[i + 2] << 8 | in[i + 3]);
                if (v >= 0xDC00 && v <= 0xDFFF) {
                    o += sgi_utf8_put(out + o, 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00));
                    i += 4;
                } else {
                    o += sgi_utf8_put(out + o, 0xFFFD);
                    i += 2;
                }
            } else if (u >= 0xDC00 && u <= 0xDFFF) {
                o += sgi_utf8_put(out + o, 0xFFFD);
                i += 2;
            } else {
                o += sgi_utf8_put(out + o, u);
                i += 2;
            }
        }
        if (i < n) {
            if (final) {
                o += sgi_utf8_put(out + o, 0xFFFD); /* a dangling odd byte */
            } else {
                memcpy(d->pend, in + i, n - i);
                d->npend = n - i;
            }
        }
        break;
    }
    }
    return o;
}

size_t sgi_decode(sgi_decoder *d, const unsigned char *in, size_t n, char *out, size_t base,
                  bool final, const sgi_mem *mem, size_t **fb, size_t *nfb, size_t *fbcap,
                  bool *nomem)
{
    size_t o = 0;
    while (d->skip_bom && n) { /* the BOM may straddle reads */
        in++;
        n--;
        d->skip_bom--;
    }
    if (d->npend) {
        /* a unit cut by the previous read: decode it joined with the first
         * new bytes; what is left undecoded is new input, read again below */
        unsigned char tmp[12];
        size_t keep = d->npend;
        size_t take = SGI_MIN(n, sizeof(tmp) - keep);
        memcpy(tmp, d->pend, keep);
        memcpy(tmp + keep, in, take);
        d->npend = 0;
        o = decode_body(d, tmp, keep + take, out, base, final && take == n, mem, fb, nfb, fbcap,
                        nomem);
        size_t left = d->npend;
        if (left > take) /* still incomplete: all of in is in pend now */
            return o;
        d->npend = 0;
        in += take - left;
        n -= take - left;
    }
    return o + decode_body(d, in, n, out + o, base + o, final, mem, fb, nfb, fbcap, nomem);
}

char *sgi_decode_all(sgi_encoding enc, size_t bom_len, const unsigned char *p, size_t n,
                     size_t *outlen, const sgi_mem *mem)
{
    char *out = sgi_malloc(mem, 3 * n + 16);
    if (!out)
        return NULL;
    sgi_decoder d;
    sgi_decoder_init(&d, enc, bom_len);
    size_t *fb = NULL, nfb = 0, fbcap = 0;
    bool nomem = false;
    /* not final: a sequence cut by the end of the peek is left out */
    size_t o = sgi_decode(&d, p, n, out, 0, false, mem, &fb, &nfb, &fbcap, &nomem);
    sgi_free(mem, fb);
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* ------------------------------------------------------------- position */

void sgi_pos_init(sgi_pos *p, sgi_encoding enc, long long src_start)
{
    memset(p, 0, sizeof(*p));
    p->enc = enc;
    p->line = 1;
    p->col = 1;
    p->src = src_start;
}

void sgi_pos_block(sgi_pos *p, const char *buf, size_t at, const size_t *fb, size_t nfb)
{
    p->buf = buf;
    p->at = at;
    p->fb = fb;
    p->nfb = nfb;
    p->fbi = 0;
    while (p->fbi < nfb && fb[p->fbi] < at)
        p->fbi++;
}

static int utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Line feeds in b[0, n): sixteen bytes a step (this ran byte by byte and
 * was a sixth of a scan of plain text). */
static long long count_lf(const unsigned char *b, size_t n)
{
    long long lines = 0;
    size_t j = 0;
#ifdef __SSE2__
    /* each lane counts its matches (a match is -1) for up to 255 steps,
     * then the lanes are summed */
    const __m128i lf = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (j + 16 <= n) {
        __m128i acc = zero;
        for (int k = 0; k < 255 && j + 16 <= n; k++, j += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + j));
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, lf));
        }
        __m128i sum = _mm_sad_epu8(acc, zero);
        lines += _mm_cvtsi128_si32(sum) + _mm_extract_epi16(sum, 4);
    }
#endif
    for (; j < n; j++)
        lines += b[j] == '\n';
    return lines;
}

/* UTF-8 text whose source bytes are the same bytes: count lines and the
 * characters after the last newline. */
static void pos_identity(sgi_pos *p, size_t to)
{
    const unsigned char *b = (const unsigned char *)p->buf;
    size_t i = p->at;
    long long lines = count_lf(b + i, to - i);
    size_t from = i;
    if (lines) {
        const unsigned char *nl = memrchr(b + i, '\n', to - i);
        p->line += lines;
        p->col = 1;
        from = (size_t)(nl - b) + 1;
    }
    /* characters since the last line feed: bytes that do not continue one */
    long long chars = 0;
    for (size_t j = from; j < to; j++)
        chars += (b[j] & 0xC0) != 0x80;
    p->col += chars;
    p->src += (long long)(to - i);
    p->at = to;
}

void sgi_pos_advance(sgi_pos *p, size_t to)
{
    const unsigned char *b = (const unsigned char *)p->buf;
    bool utf8 = p->enc == SGI_ENC_UTF8 || p->enc == SGI_ENC_UTF8_BOM;
    while (p->at < to) {
        if (utf8) {
            size_t stop = to;
            if (p->fbi < p->nfb && p->fb[p->fbi] < to)
                stop = p->fb[p->fbi];
            if (stop > p->at)
                pos_identity(p, stop);
            if (p->at >= to)
                break;
            /* a fallback character: one source byte */
            size_t l = (size_t)utf8_len(b[p->at]);
            p->at += l;
            p->col++;
            p->src += 1;
            p->fbi++;
            continue;
        }
        unsigned char c = b[p->at];
        size_t l = (size_t)utf8_len(c);
        if (c == '\n') {
            p->line++;
            p->col = 1;
        } else {
            p->col++;
        }
        if (p->enc == SGI_ENC_CP1252)
            p->src += 1;
        else
            p->src += l == 4 ? 4 : 2;
        p->at += l;
    }
}
