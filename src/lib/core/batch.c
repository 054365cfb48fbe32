/*
 * batch.c - walk paths, scan files on a pool of threads, deliver results
 * in input order.
 *
 * The caller's thread walks (directories sorted bytewise, so the order is
 * the same on every machine) and numbers every job. Workers take jobs from
 * a queue, scan, and park the result in a slot of a reorder window. The
 * worker that completes the job the reporter waits for delivers it and
 * every later one already parked, one thread at a time; so output order is
 * the walk order whatever the number of threads.
 *
 * Memory is bounded: the walker blocks while WINDOW jobs are in flight
 * (queued, running or parked), until half of them are delivered, and each
 * result's findings are capped.
 *
 * Skipped entries (devices, FIFOs, sockets, symlinks not followed) and
 * walk errors are jobs too, so they come out in their place.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef enum job_kind { JOB_FILE, JOB_STDIN, JOB_SKIP, JOB_ERROR } job_kind;

typedef struct job {
    unsigned long long seq;
    job_kind kind;
    bool nofollow;
    sg_status status;   /* JOB_ERROR */
    const char *reason; /* JOB_SKIP: static text */
    char *path;         /* owned */
    char *msg;          /* JOB_ERROR: owned */
} job;

typedef struct ancestor {
    dev_t dev;
    ino_t ino;
} ancestor;

struct sg_batch {
    const sg_engine *eng;
    const sgi_mem *mem;
    unsigned nthreads;
    unsigned flags;
    sg_result_fn cb;
    void *opaque;

    pthread_mutex_t mu;
    pthread_cond_t cv_job;   /* a job was queued, or closing */
    pthread_cond_t cv_space; /* the window moved */
    size_t window;
    job *queue; /* ring of window jobs */
    size_t qhead, qn;
    sgi_result **slots; /* window slots, by seq % window */
    sgi_result *pool;   /* window results, reused: no allocation per job */
    sgi_result **free_res;
    size_t nfree;
    unsigned long long next_seq, deliver_seq;
    bool closing, delivering, aborted, stdin_used, finished;
    unsigned space_waiters; /* walkers waiting for the window to drain */

    pthread_t *threads;
    unsigned started;

    ancestor *anc; /* directories on the walk's current path */
    size_t nanc, capanc;

    sg_summary sum;
    struct timespec t0;
};

/* ------------------------------------------------------------- delivery */

static void count(sg_summary *s, const sg_file_result *r)
{
    switch (r->verdict) {
    case SG_VERDICT_SKIPPED:
        s->skipped++;
        return;
    case SG_VERDICT_BLOCK:
        s->block++;
        break;
    case SG_VERDICT_REVIEW:
        s->review++;
        break;
    case SG_VERDICT_PASS:
        s->pass++;
        break;
    case SG_VERDICT_ERROR:
        s->errors++;
        break;
    }
    s->files++;
    s->findings += r->findings_total;
    if (r->size > 0)
        s->bytes += (unsigned long long)r->size;
}

static void deliver(sg_batch *b, unsigned long long seq, sgi_result *res)
{
    pthread_mutex_lock(&b->mu);
    b->slots[seq % b->window] = res;
    if (!b->delivering) {
        b->delivering = true;
        for (;;) {
            size_t i = b->deliver_seq % b->window;
            sgi_result *r = b->slots[i];
            if (!r)
                break;
            b->slots[i] = NULL;
            bool aborted = b->aborted;
            pthread_mutex_unlock(&b->mu);
            /* only the delivering thread touches sum and calls back */
            count(&b->sum, &r->pub);
            int rc = aborted ? 0 : b->cb(b->opaque, &r->pub);
            pthread_mutex_lock(&b->mu);
            /* the result goes back before the window moves: a job let in
             * by the move must find a free result */
            b->free_res[b->nfree++] = r;
            b->deliver_seq++;
            if (rc)
                b->aborted = true;
            if (b->space_waiters &&
                (b->aborted || b->next_seq - b->deliver_seq <= b->window / 2))
                pthread_cond_broadcast(&b->cv_space);
        }
        b->delivering = false;
    }
    pthread_mutex_unlock(&b->mu);
}

/* -------------------------------------------------------------- workers */

static void run_job(sg_scanner *sc, const job *j, sgi_result *res)
{
    if (j->kind == JOB_FILE && sc) {
        sgi_scan_path_into(sc, j->path, j->nofollow, res);
        return;
    }
    if (j->kind == JOB_STDIN && sc) {
        sgi_scan_fd_into(sc, STDIN_FILENO, "-", res);
        return;
    }
    sgi_result_reset(res);
    sgi_result_set_path(res, j->path ? j->path : "-");
    if (j->kind == JOB_SKIP)
        res->pub.skip_reason = j->reason;
    else if (j->kind == JOB_ERROR)
        sgi_result_error(res, j->status, "%s", j->msg ? j->msg : sg_strerror(j->status));
    else /* no scanner: it could not be allocated */
        sgi_result_error(res, SG_E_NOMEM, "out of memory: no scanner for this thread");
    sgi_result_seal(res);
}

static void *worker(void *arg)
{
    sg_batch *b = arg;
    sg_scanner *sc = NULL;
    if (sg_scanner_new(b->eng, &sc) != SG_OK)
        sc = NULL; /* jobs still get a result: an error */
    for (;;) {
        pthread_mutex_lock(&b->mu);
        while (b->qn == 0 && !b->closing)
            pthread_cond_wait(&b->cv_job, &b->mu);
        if (b->qn == 0) {
            pthread_mutex_unlock(&b->mu);
            break;
        }
        job j = b->queue[b->qhead];
        b->qhead = (b->qhead + 1) % b->window;
        b->qn--;
        /* at most window jobs are in flight, so a result is always free */
        sgi_result *res = b->free_res[--b->nfree];
        pthread_mutex_unlock(&b->mu);

        run_job(sc, &j, res);
        sgi_free(b->mem, j.path);
        sgi_free(b->mem, j.msg);
        deliver(b, j.seq, res);
    }
    sg_scanner_free(sc);
    return NULL;
}

/* ------------------------------------------------------------------ API */

static unsigned cpu_count(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0)
            return (unsigned)n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

sg_status sg_batch_new(const sg_engine *eng, unsigned threads, unsigned flags, sg_result_fn cb,
                       void *opaque, sg_batch **out)
{
    if (!out || !eng || !eng->compiled || !cb)
        return SG_E_INVALID;
    *out = NULL;
    if (threads == 0)
        threads = cpu_count();
    if (threads > 256)
        threads = 256;
    sg_batch *b = sgi_calloc(&eng->mem, 1, sizeof(*b));
    if (!b)
        return SG_E_NOMEM;
    b->eng = eng;
    b->mem = &eng->mem;
    b->nthreads = threads;
    b->flags = flags;
    b->cb = cb;
    b->opaque = opaque;
    /* wide enough that one large file does not stall the other threads
     * once they have parked the small files behind it (4 per thread held
     * -j 2 to 1.66x -j 1 on a mixed folder; 16 gives 1.9x) */
    b->window = 16 * (size_t)threads + 16;
    b->queue = sgi_calloc(b->mem, b->window, sizeof(job));
    b->slots = sgi_calloc(b->mem, b->window, sizeof(sgi_result *));
    b->threads = sgi_calloc(b->mem, threads, sizeof(pthread_t));
    b->pool = sgi_calloc(b->mem, b->window, sizeof(sgi_result));
    b->free_res = sgi_calloc(b->mem, b->window, sizeof(sgi_result *));
    if (!b->queue || !b->slots || !b->threads || !b->pool || !b->free_res) {
        sgi_free(b->mem, b->queue);
        sgi_free(b->mem, b->slots);
        sgi_free(b->mem, b->threads);
        sgi_free(b->mem, b->pool);
        sgi_free(b->mem, b->free_res);
        sgi_free(b->mem, b);
        return SG_E_NOMEM;
    }
    for (size_t i = 0; i < b->window; i++) {
        sgi_result_init(&b->pool[i], b->mem);
        b->free_res[b->nfree++] = &b->pool[i];
    }
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->cv_job, NULL);
    pthread_cond_init(&b->cv_space, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b->t0);
    for (unsigned i = 0; i < threads; i++) {
        if (pthread_create(&b->threads[b->started], NULL, worker, b) == 0)
            b->started++;
    }
    if (b->started == 0) {
        b->finished = true;
        sg_batch_free(b);
        return SG_E_THREAD;
    }
    *out = b;
    return SG_OK;
}

/* Queue a job (takes ownership of path and msg). Blocks while the window
 * is full. */
static sg_status enqueue(sg_batch *b, job j)
{
    pthread_mutex_lock(&b->mu);
    if (b->next_seq - b->deliver_seq >= b->window) {
        /* full: wait until half of it is delivered, not one result (a
         * wake-up for every file was most of a scan of many small ones) */
        b->space_waiters++;
        while (b->next_seq - b->deliver_seq > b->window / 2 && !b->aborted)
            pthread_cond_wait(&b->cv_space, &b->mu);
        b->space_waiters--;
    }
    if (b->aborted) {
        pthread_mutex_unlock(&b->mu);
        sgi_free(b->mem, j.path);
        sgi_free(b->mem, j.msg);
        return SG_E_ABORTED;
    }
    j.seq = b->next_seq++;
    b->queue[(b->qhead + b->qn) % b->window] = j;
    b->qn++;
    pthread_cond_signal(&b->cv_job);
    pthread_mutex_unlock(&b->mu);
    return SG_OK;
}

static sg_status enqueue_simple(sg_batch *b, job_kind kind, const char *path, bool nofollow,
                                const char *reason)
{
    job j = {0};
    j.kind = kind;
    j.nofollow = nofollow;
    j.reason = reason;
    j.path = sgi_strndup(b->mem, path, strlen(path));
    if (!j.path)
        return SG_E_NOMEM;
    return enqueue(b, j);
}

static sg_status enqueue_error(sg_batch *b, const char *path, sg_status st, const char *fmt,
                               ...) SGI_PRINTF(4, 5);

static sg_status enqueue_error(sg_batch *b, const char *path, sg_status st, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    job j = {0};
    j.kind = JOB_ERROR;
    j.status = st;
    j.path = sgi_strndup(b->mem, path, strlen(path));
    j.msg = sgi_strndup(b->mem, msg, strlen(msg));
    if (!j.path || !j.msg) {
        sgi_free(b->mem, j.path);
        sgi_free(b->mem, j.msg);
        return SG_E_NOMEM;
    }
    return enqueue(b, j);
}

typedef struct entry {
    char *name;
    unsigned char type; /* d_type: DT_REG needs no stat */
} entry;

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static sg_status walk(sg_batch *b, const char *path, size_t depth, bool top, unsigned char type);

static sg_status walk_dir(sg_batch *b, const char *path, size_t depth, const struct stat *st)
{
    if (depth >= b->eng->opt_max_depth)
        return enqueue_error(b, path, SG_E_LIMIT, "directory nesting deeper than %llu levels",
                             b->eng->opt_max_depth);
    for (size_t i = 0; i < b->nanc; i++)
        if (b->anc[i].dev == st->st_dev && b->anc[i].ino == st->st_ino)
            return enqueue_simple(b, JOB_SKIP, path, false,
                                  "a directory loop (a symbolic link to a parent)");
    DIR *d = opendir(path);
    if (!d)
        return enqueue_error(b, path, SG_E_OPEN, "cannot open directory: %s", strerror(errno));
    entry *names = NULL;
    size_t n = 0, cap = 0;
    sg_status rc = SG_OK;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *nm = sgi_strndup(b->mem, e->d_name, strlen(e->d_name));
        if (!nm || !sgi_grow(b->mem, (void **)&names, &cap, n + 1, sizeof(entry))) {
            sgi_free(b->mem, nm);
            rc = SG_E_NOMEM;
            break;
        }
        names[n++] = (entry){nm, e->d_type};
    }
    closedir(d); /* before descending: open descriptors stay few */
    if (rc == SG_OK) {
        qsort(names, n, sizeof(entry), entry_cmp);
        if (!sgi_grow(b->mem, (void **)&b->anc, &b->capanc, b->nanc + 1, sizeof(ancestor)))
            rc = SG_E_NOMEM;
    }
    if (rc == SG_OK) {
        b->anc[b->nanc++] = (ancestor){st->st_dev, st->st_ino};
        size_t plen = strlen(path);
        bool slash = plen > 0 && path[plen - 1] == '/';
        for (size_t i = 0; i < n && rc == SG_OK; i++) {
            size_t cl = plen + 1 + strlen(names[i].name) + 1;
            char *child = sgi_malloc(b->mem, cl);
            if (!child) {
                rc = SG_E_NOMEM;
                break;
            }
            snprintf(child, cl, "%s%s%s", path, slash ? "" : "/", names[i].name);
            rc = walk(b, child, depth + 1, false, names[i].type);
            sgi_free(b->mem, child);
        }
        b->nanc--;
    }
    for (size_t i = 0; i < n; i++)
        sgi_free(b->mem, names[i].name);
    sgi_free(b->mem, names);
    return rc;
}

static sg_status walk(sg_batch *b, const char *path, size_t depth, bool top, unsigned char type)
{
    bool follow = top || (b->flags & SG_BATCH_FOLLOW_SYMLINKS);
    /* the directory says it is a regular file (not a link to one): the
     * scan's open and fstat check it again */
    if (type == DT_REG)
        return enqueue_simple(b, JOB_FILE, path, !follow, NULL);
    struct stat st;
    int r = follow ? stat(path, &st) : lstat(path, &st);
    if (r != 0) {
        int err = errno;
        struct stat lst;
        if (follow && err == ENOENT && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
            return enqueue_error(b, path, SG_E_OPEN, "broken symbolic link");
        if (follow && err == ELOOP)
            return enqueue_simple(b, JOB_SKIP, path, false, "a symbolic link loop");
        return enqueue_error(b, path, SG_E_OPEN, "cannot open: %s", strerror(err));
    }
    if (S_ISREG(st.st_mode))
        return enqueue_simple(b, JOB_FILE, path, !follow, NULL);
    if (S_ISDIR(st.st_mode))
        return walk_dir(b, path, depth, &st);
    return enqueue_simple(b, JOB_SKIP, path, false, sgi_file_kind(st.st_mode));
}

sg_status sg_batch_add(sg_batch *b, const char *path)
{
    if (!b || !path || b->finished)
        return SG_E_INVALID;
    pthread_mutex_lock(&b->mu);
    bool aborted = b->aborted;
    pthread_mutex_unlock(&b->mu);
    if (aborted)
        return SG_E_ABORTED;
    if (strcmp(path, "-") == 0) {
        if (b->stdin_used)
            return enqueue_error(b, "-", SG_E_INVALID, "standard input named twice");
        b->stdin_used = true;
        return enqueue_simple(b, JOB_STDIN, "-", false, NULL);
    }
    if (path[0] == '\0')
        return enqueue_error(b, path, SG_E_OPEN, "cannot open: empty path");
    return walk(b, path, 0, true, DT_UNKNOWN);
}

sg_status sg_batch_finish(sg_batch *b, sg_summary *summary)
{
    if (!b)
        return SG_E_INVALID;
    if (!b->finished) {
        pthread_mutex_lock(&b->mu);
        b->closing = true;
        pthread_cond_broadcast(&b->cv_job);
        pthread_mutex_unlock(&b->mu);
        for (unsigned i = 0; i < b->started; i++)
            pthread_join(b->threads[i], NULL);
        b->finished = true;
        struct timespec t1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        b->sum.seconds = (double)(t1.tv_sec - b->t0.tv_sec) +
                         (double)(t1.tv_nsec - b->t0.tv_nsec) / 1e9;
    }
    if (summary)
        *summary = b->sum;
    return b->aborted ? SG_E_ABORTED : SG_OK;
}

void sg_batch_free(sg_batch *b)
{
    if (!b)
        return;
    if (!b->finished)
        sg_batch_finish(b, NULL);
    const sgi_mem *mem = b->mem;
    for (size_t i = 0; i < b->window; i++)
        sgi_result_free(&b->pool[i]);
    sgi_free(mem, b->pool);
    sgi_free(mem, b->free_res);
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->cv_job);
    pthread_cond_destroy(&b->cv_space);
    sgi_free(mem, b->queue);
    sgi_free(mem, b->slots);
    sgi_free(mem, b->threads);
    sgi_free(mem, b->anc);
    sgi_free(mem, b);
}
