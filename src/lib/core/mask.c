/*
 * mask.c - how a value is shown when the user has not asked for --reveal.
 * A mask keeps the shape (separators, length) and as little of the value
 * as lets a reviewer tell findings apart: "AB******C", "J*** S****",
 * "SW1A ***". Every character of a non-ASCII letter becomes one '*'.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>

static bool is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80;
}

static size_t u8len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Keep the first `first` and last `last` alphanumeric characters. */
static char *mask_ends(const char *v, size_t n, size_t first, size_t last, char *out)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i += u8len((unsigned char)v[i]))
        count += is_alnum((unsigned char)v[i]);
    size_t cap = count / 4;
    if (first > cap)
        first = cap;
    if (last > cap)
        last = cap;
    size_t o = 0, k = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)v[i];
        size_t l = SGI_MIN(u8len(c), n - i);
        if (is_alnum(c)) {
            if (k < first || k >= count - last) {
                memcpy(out + o, v + i, l);
                o += l;
            } else {
                out[o++] = '*';
            }
            k++;
        } else {
            out[o++] = (char)c;
        }
        i += l;
    }
    out[o] = '\0';
    return out;
}

/* Each word keeps its first character: "J*** S****". A word of one
 * character (an initial) is masked whole: keeping it would show it all. */
static char *mask_words(const char *v, size_t n, char *out)
{
    size_t o = 0;
    bool start = true;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)v[i];
        size_t l = SGI_MIN(u8len(c), n - i);
        if (is_alnum(c)) {
            size_t next = i + l;
            /* O'Brien, Smith-Jones: the word goes on past ' and - */
            bool longer = next < n && (is_alnum((unsigned char)v[next]) ||
                                       ((v[next] == '\'' || v[next] == '-') && next + 1 < n &&
                                        is_alnum((unsigned char)v[next + 1])));
            if (start && longer) {
                memcpy(out + o, v + i, l);
                o += l;
            } else {
                out[o++] = '*';
            }
            start = false;
        } else {
            out[o++] = (char)c;
            start = true;
        }
        i += l;
    }
    out[o] = '\0';
    return out;
}

static char *mask_email(const char *v, size_t n, char *out)
{
    const char *at = memchr(v, '@', n);
    if (!at)
        return mask_words(v, n, out);
    size_t local = (size_t)(at - v);
    size_t o = 0;
    /* local part: first character only, and not when it is all there is */
    for (size_t i = 0; i < local;) {
        size_t l = SGI_MIN(u8len((unsigned char)v[i]), local - i);
        if (i == 0 && l < local) {
            memcpy(out, v, l);
            o = l;
        } else {
            out[o++] = '*';
        }
        i += l;
    }
    out[o++] = '@';
    /* domain: every label but the last keeps its first character */
    const char *d = at + 1;
    size_t dn = n - local - 1;
    const char *lastdot = NULL;
    for (size_t i = 0; i < dn; i++)
        if (d[i] == '.')
            lastdot = d + i;
    size_t keep_from = lastdot ? (size_t)(lastdot - d) : dn;
    bool start = true;
    for (size_t i = 0; i < dn; i++) {
        if (i >= keep_from || d[i] == '.') {
            out[o++] = d[i];
            start = d[i] == '.';
            continue;
        }
        /* a label keeps its first character, unless that is all of it */
        bool longer = i + 1 < keep_from && d[i + 1] != '.';
        out[o++] = start && longer ? d[i] : '*';
        start = false;
    }
    out[o] = '\0';
    return out;
}

/* The outward code stays (an area, not a home); the inward code goes. */
static char *mask_postcode(const char *v, size_t n, char *out)
{
    size_t alnum = 0;
    for (size_t i = 0; i < n; i++)
        alnum += is_alnum((unsigned char)v[i]);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool a = is_alnum((unsigned char)v[i]);
        out[i] = (a && k >= alnum - 3) ? '*' : v[i];
        k += a;
    }
    out[n] = '\0';
    return out;
}

/* The first group of an address stays (only when there are groups). */
static char *mask_ip(const char *v, size_t n, char *out)
{
    size_t i = 0;
    if (!memchr(v, '.', n) && !memchr(v, ':', n))
        return mask_ends(v, n, 0, 0, out);
    while (i < n && v[i] != '.' && v[i] != ':') {
        out[i] = v[i];
        i++;
    }
    for (; i < n; i++)
        out[i] = (v[i] == '.' || v[i] == ':') ? v[i] : '*';
    out[n] = '\0';
    return out;
}

char *sgi_mask(sgi_mask_style style, const char *v, size_t n, char *out)
{
    switch (style) {
    case SGI_MASK_ENDS_2_1:
        return mask_ends(v, n, 2, 1, out);
    case SGI_MASK_ENDS_2_2:
        return mask_ends(v, n, 2, 2, out);
    case SGI_MASK_LAST_4:
        return mask_ends(v, n, 0, 4, out);
    case SGI_MASK_EMAIL:
        return mask_email(v, n, out);
    case SGI_MASK_NAME:
        return mask_words(v, n, out);
    case SGI_MASK_POSTCODE:
        return mask_postcode(v, n, out);
    case SGI_MASK_IP:
        return mask_ip(v, n, out);
    case SGI_MASK_ALL:
        return mask_ends(v, n, 0, 0, out);
    case SGI_MASK_NONE:
        break;
    }
    memcpy(out, v, n);
    out[n] = '\0';
    return out;
}

char *sgi_mask_name(sgi_arena *ar, const char *s)
{
    size_t n = strlen(s);
    char *m = sgi_arena_alloc(ar, n + 1);
    if (m)
        sgi_mask(SGI_MASK_NAME, s, n, m);
    return m;
}
