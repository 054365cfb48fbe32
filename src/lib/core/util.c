/*
 * util.c - small helpers with no better home: column letters, extensions,
 * names for kinds of files.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>
#include <sys/stat.h>

const char *sgi_file_kind(unsigned mode)
{
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISLNK(mode))
        return "a symbolic link (not followed; use --follow)";
    return "not a regular file";
}

void sgi_column_letter(long long index, char *out)
{
    char tmp[16];
    size_t n = 0;
    if (index < 1) {
        out[0] = '\0';
        return;
    }
    while (index > 0 && n < sizeof(tmp)) {
        long long r = (index - 1) % 26;
        tmp[n++] = (char)('A' + r);
        index = (index - 1) / 26;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

void sgi_path_ext(const char *path, char *out, size_t outlen)
{
    out[0] = '\0';
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base || strlen(dot + 1) >= outlen)
        return;
    size_t i = 0;
    for (const char *p = dot + 1; *p; p++) {
        char c = *p;
        out[i++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    out[i] = '\0';
}

void sgi_text_init(sgi_text *t, const sgi_mem *mem, size_t limit)
{
    memset(t, 0, sizeof(*t));
    t->mem = mem;
    t->limit = limit;
}

void sgi_text_add(sgi_text *t, const char *s, size_t n)
{
    if (t->len + n > t->limit) {
        n = t->len < t->limit ? t->limit - t->len : 0;
        t->cut = true;
    }
    if (!n)
        return;
    if (!sgi_grow(t->mem, (void **)&t->p, &t->cap, t->len + n + 1, 1)) {
        t->nomem = true;
        return;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

void sgi_text_add_name(sgi_text *t, const char *n, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = n[i] == '_' || n[i] == '-' || n[i] == '.' ? ' ' : n[i];
        if (i > 0 && n[i] >= 'A' && n[i] <= 'Z' && n[i - 1] >= 'a' && n[i - 1] <= 'z')
            sgi_text_add(t, " ", 1);
        sgi_text_add(t, &c, 1);
    }
}

void sgi_text_free(sgi_text *t)
{
    sgi_free(t->mem, t->p);
    t->p = NULL;
    t->len = t->cap = 0;
}
