/*
 * alloc.c - the one allocator every part of the library goes through, and
 * an arena for the many small strings of one file's findings.
 *
 * An injectable allocator (zstd customMem, expat _MM) lets tests fail the
 * Nth allocation and check that the library unwinds cleanly. An engine's
 * allocations are also counted against its memory cap (SG_OPT_MAX_MEMORY),
 * across threads: a block carries its size, and what would go over the cap
 * is refused as out of memory, and noted for the scan to report.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <stdlib.h>
#include <string.h>

static void *libc_malloc(void *o, size_t n)
{
    (void)o;
    return malloc(n);
}

static void *libc_realloc(void *o, void *p, size_t n)
{
    (void)o;
    return realloc(p, n);
}

static void libc_free(void *o, void *p)
{
    (void)o;
    free(p);
}

void sgi_mem_init(sgi_mem *m, const sg_allocator *a)
{
    if (a && a->malloc_fn && a->realloc_fn && a->free_fn) {
        m->a = *a;
    } else {
        m->a.malloc_fn = libc_malloc;
        m->a.realloc_fn = libc_realloc;
        m->a.free_fn = libc_free;
        m->a.opaque = NULL;
    }
    m->acct = NULL;
}

/* ----------------------------------------------------------- accounting */

#define HDR 16 /* keeps the block aligned as malloc's */

static _Thread_local bool cap_hit;

bool sgi_mem_cap_hit(bool reset)
{
    bool hit = cap_hit;
    if (reset)
        cap_hit = false;
    return hit;
}

/* Take n bytes from the cap; false (and noted) if they are not there. */
static bool charge(sgi_mem_acct *ac, size_t n)
{
    unsigned long long cur = atomic_load_explicit(&ac->live, memory_order_relaxed), next;
    do {
        next = cur + n;
        if (ac->cap && (next > ac->cap || next < cur)) {
            cap_hit = true;
            return false;
        }
    } while (!atomic_compare_exchange_weak_explicit(&ac->live, &cur, next, memory_order_relaxed,
                                                    memory_order_relaxed));
    unsigned long long pk = atomic_load_explicit(&ac->peak, memory_order_relaxed);
    while (next > pk && !atomic_compare_exchange_weak_explicit(&ac->peak, &pk, next,
                                                               memory_order_relaxed,
                                                               memory_order_relaxed))
        ;
    return true;
}

static void uncharge(sgi_mem_acct *ac, size_t n)
{
    atomic_fetch_sub_explicit(&ac->live, n, memory_order_relaxed);
}

void *sgi_malloc(const sgi_mem *m, size_t n)
{
    n = n ? n : 1;
    if (!m->acct)
        return m->a.malloc_fn(m->a.opaque, n);
    if (n > SIZE_MAX - HDR || !charge(m->acct, n + HDR))
        return NULL;
    unsigned char *p = m->a.malloc_fn(m->a.opaque, n + HDR);
    if (!p) {
        uncharge(m->acct, n + HDR);
        return NULL;
    }
    memcpy(p, &n, sizeof(n));
    return p + HDR;
}

void *sgi_calloc(const sgi_mem *m, size_t count, size_t n)
{
    if (n && count > SIZE_MAX / n)
        return NULL;
    size_t total = count * n;
    void *p = sgi_malloc(m, total);
    if (p)
        memset(p, 0, total > 0 ? total : 1);
    return p;
}

void *sgi_realloc(const sgi_mem *m, void *p, size_t n)
{
    n = n ? n : 1;
    if (!m->acct)
        return m->a.realloc_fn(m->a.opaque, p, n);
    if (!p)
        return sgi_malloc(m, n);
    unsigned char *b = (unsigned char *)p - HDR;
    size_t old;
    memcpy(&old, b, sizeof(old));
    if (n > SIZE_MAX - HDR || (n > old && !charge(m->acct, n - old)))
        return NULL;
    unsigned char *nb = m->a.realloc_fn(m->a.opaque, b, n + HDR);
    if (!nb) {
        if (n > old)
            uncharge(m->acct, n - old);
        return NULL;
    }
    if (n < old)
        uncharge(m->acct, old - n);
    memcpy(nb, &n, sizeof(n));
    return nb + HDR;
}

void sgi_free(const sgi_mem *m, void *p)
{
    if (!p)
        return;
    if (!m->acct) {
        m->a.free_fn(m->a.opaque, p);
        return;
    }
    unsigned char *b = (unsigned char *)p - HDR;
    size_t n;
    memcpy(&n, b, sizeof(n));
    uncharge(m->acct, n + HDR);
    m->a.free_fn(m->a.opaque, b);
}

char *sgi_strndup(const sgi_mem *m, const char *s, size_t n)
{
    char *d = sgi_malloc(m, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

bool sgi_grow(const sgi_mem *m, void **vec, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return false;
        ncap *= 2;
    }
    void *nv = sgi_realloc(m, *vec, ncap * elem);
    if (!nv)
        return false;
    *vec = nv;
    *cap = ncap;
    return true;
}

/* ---------------------------------------------------------------- arena */

struct sgi_arena_chunk {
    sgi_arena_chunk *next;
    size_t size;
    _Alignas(max_align_t) unsigned char data[];
};

#define ARENA_CHUNK 16384

void sgi_arena_init(sgi_arena *ar, const sgi_mem *mem)
{
    ar->mem = mem;
    ar->head = NULL;
    ar->used = 0;
}

void *sgi_arena_alloc(sgi_arena *ar, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!ar->head || ar->head->size - ar->used < n) {
        size_t sz = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        sgi_arena_chunk *c = sgi_malloc(ar->mem, sizeof(*c) + sz);
        if (!c)
            return NULL;
        c->size = sz;
        c->next = ar->head;
        ar->head = c;
        ar->used = 0;
    }
    void *p = ar->head->data + ar->used;
    ar->used += n;
    return p;
}

char *sgi_arena_strndup(sgi_arena *ar, const char *s, size_t n)
{
    char *d = sgi_arena_alloc(ar, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *sgi_arena_printf(sgi_arena *ar, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *d = sgi_arena_alloc(ar, (size_t)n + 1);
    if (!d)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

void sgi_arena_reset(sgi_arena *ar)
{
    sgi_arena_chunk *c = ar->head;
    if (!c)
        return;
    /* keep the oldest chunk if it is a standard one: it is reused */
    while (c->next) {
        sgi_arena_chunk *n = c->next;
        sgi_free(ar->mem, c);
        c = n;
    }
    if (c->size != ARENA_CHUNK) {
        sgi_free(ar->mem, c);
        c = NULL;
    }
    ar->head = c;
    ar->used = 0;
}

void sgi_arena_free(sgi_arena *ar)
{
    sgi_arena_chunk *c = ar->head;
    while (c) {
        sgi_arena_chunk *n = c->next;
        sgi_free(ar->mem, c);
        c = n;
    }
    ar->head = NULL;
    ar->used = 0;
}
