/*
 * scanner.c - scan one file: open it safely, peek, let the readers bid,
 * run the winner, and finish the hash and the verdict. One scanner per
 * thread; it owns the hit buffer and the custom rules' match data.
 *
 * Opening is careful because every path is hostile: O_NONBLOCK so that a
 * FIFO swapped in after the walk cannot hang the scan, then fstat to make
 * sure it is a regular file, then blocking reads again.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

static const sgi_reader *const readers[] = {
#define SGI_READER(name) &sgi_reader_##name,
#include "../readers/readers.def"
#undef SGI_READER
};

sg_status sg_scanner_new(const sg_engine *eng, sg_scanner **out)
{
    if (!out || !eng || !eng->compiled)
        return SG_E_INVALID;
    *out = NULL;
    sg_scanner *sc = sgi_calloc(&eng->mem, 1, sizeof(*sc));
    if (!sc)
        return SG_E_NOMEM;
    sc->eng = eng;
    sgi_result_init(&sc->own, &eng->mem);
    *out = sc;
    return SG_OK;
}

void sg_scanner_free(sg_scanner *sc)
{
    if (!sc)
        return;
    const sgi_mem *mem = &sc->eng->mem;
    sgi_pdf_state_free(sc->pdf, mem);
    sgi_custom_scanner_free(sc);
    sgi_result_free(&sc->own);
    sgi_free(mem, sc->hits.v);
    sgi_free(mem, sc->hits.tmp);
    sgi_free(mem, sc);
}

sg_finding *sgi_emit(sgi_ctx *ctx, int rule, unsigned flags, const char *reason,
                     const char *value, size_t vlen, const char *masked, sg_location *loc)
{
    if (ctx->depth) {
        /* inside an embedded file: everything is hidden, and located in
         * the parent's member; inside an archive's member only located */
        if (!ctx->frame_open) {
            if (!(flags & SGI_F_HIDDEN) || !reason)
                reason = ctx->frame_reason;
            flags |= SGI_F_HIDDEN;
        }
        if (loc) {
            const char *part = loc->part ? loc->part : "";
            if (part != ctx->framed_in || !ctx->framed_out) {
                ctx->framed_out = sgi_arena_printf(&ctx->res->arena, "%s%s", ctx->prefix, part);
                ctx->framed_in = part;
            }
            if (ctx->framed_out)
                loc->part = ctx->framed_out;
        }
    }
    return sgi_result_add(ctx->res, ctx->eng, rule, flags, reason, value, vlen, masked, loc);
}

bool sgi_emit_counted(sgi_ctx *ctx, int rule, unsigned flags, const char *value, size_t vlen)
{
    const sg_engine *eng = ctx->eng;
    sgi_result *r = ctx->res;
    if (eng->config) { /* as sgi_result_add judges */
        if (sgi_config_rule_off(eng, rule))
            return true;
        if (sgi_config_has_baseline(eng))
            return false; /* the finding's place decides */
    }
    if (ctx->depth || !eng->opt_max_findings || r->counts[rule] < eng->opt_max_findings ||
        sgi_rule_verdict(rule, flags) > r->worst)
        return false;
    if (eng->config && sgi_config_allowed(eng, rule, value, vlen, &r->allow_scratch)) {
        r->pub.suppressed++;
        return true;
    }
    r->counts[rule]++; /* as sgi_result_add does before it drops one */
    r->pub.findings_total++;
    return true;
}

char *sgi_ctx_slurp(sgi_ctx *ctx, const char *what, size_t *len)
{
    char *data = NULL;
    sg_status st = sgi_input_drain(ctx->in, ctx->mem, &data, len, ctx->eng->opt_max_part);
    if (st == SG_OK)
        return data;
    sgi_free(ctx->mem, data);
    if (st == SG_E_LIMIT)
        sgi_ctx_error(ctx, st, "%s larger than --max-part; not checked", what);
    else
        sgi_ctx_error(ctx, st, "cannot read the %s", what);
    return NULL;
}

sg_finding *sgi_emit_note(sgi_ctx *ctx, int rule, const char *reason, const char *part,
                          long long paragraph, const char *fmt, ...)
{
    char v[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof(v), fmt, ap);
    va_end(ap);
    sg_location loc;
    memset(&loc, 0, sizeof(loc));
    loc.part = part;
    loc.paragraph = paragraph > 0 ? paragraph : 0;
    return sgi_emit(ctx, rule, SGI_F_HIDDEN, reason, v, strlen(v), v, &loc);
}

void sgi_notice_encrypted(sgi_ctx *ctx, const char *what, const char *part)
{
    char msg[300];
    snprintf(msg, sizeof(msg), "%s: protected by a password; its content cannot be checked",
             what);
    sg_location loc;
    memset(&loc, 0, sizeof(loc));
    loc.part = part ? sgi_arena_printf(&ctx->res->arena, "%s", part) : NULL;
    sgi_emit(ctx, SGI_R_NOTICE_ENCRYPTED, 0, NULL, msg, strlen(msg), msg, &loc);
}

void sgi_ctx_start_clock(sgi_ctx *ctx)
{
    ctx->has_deadline = ctx->eng->opt_timeout > 0;
    if (ctx->has_deadline) {
        clock_gettime(CLOCK_MONOTONIC, &ctx->deadline);
        ctx->deadline.tv_sec += (time_t)SGI_MIN(ctx->eng->opt_timeout, 1ULL << 30);
    }
}

bool sgi_ctx_time_up(sgi_ctx *ctx)
{
    if (!ctx->has_deadline)
        return false;
    if (ctx->timed_out)
        return true;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec < ctx->deadline.tv_sec ||
        (now.tv_sec == ctx->deadline.tv_sec && now.tv_nsec < ctx->deadline.tv_nsec))
        return false;
    ctx->timed_out = true;
    /* on the file itself, even from inside an embedded file */
    sgi_result_error(ctx->res, SG_E_LIMIT, "took longer than --timeout (%llu s); not fully checked",
                     ctx->eng->opt_timeout);
    return true;
}

void sgi_ctx_error(sgi_ctx *ctx, sg_status st, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (ctx->depth) {
        if (ctx->nested_status == SG_OK) {
            ctx->nested_status = st;
            snprintf(ctx->nested_error, sizeof(ctx->nested_error), "%s", msg);
        }
        return;
    }
    sgi_result_error(ctx->res, st, "%s", msg);
}

/* Sniff, let the readers bid, run the winner. */
static sg_status run_reader(sgi_ctx *ctx, const char *name, const char **format)
{
    const sg_engine *eng = ctx->eng;
    sgi_input *in = ctx->in;
    sgi_sniff_text(in->peek, in->peeklen, &ctx->sniff);
    static _Thread_local unsigned long long peeks;
    sgi_peek pk = {in->peek, in->peeklen, in->eof, ctx->ext, &ctx->sniff, NULL, 0, ++peeks};
    char *text = NULL;
    if (ctx->sniff.text) {
        text = sgi_decode_all(ctx->sniff.enc, ctx->sniff.bom_len, in->peek, in->peeklen,
                              &pk.textlen, &eng->mem);
        if (!text) {
            sgi_ctx_error(ctx, SG_E_NOMEM, "out of memory");
            return SG_E_NOMEM;
        }
        pk.text = text;
    }
    (void)name;
    const sgi_reader *best = NULL;
    int best_bid = 0;
    for (size_t i = 0; i < SGI_ARRAY_LEN(readers); i++) {
        int bid = readers[i]->bid(&pk);
        if (bid > best_bid) {
            best_bid = bid;
            best = readers[i];
        }
    }
    const char *before = ctx->res->pub.format;
    ctx->sc->detect_error[0] = '\0';
    sg_status st = best ? best->scan(ctx, &pk) : SG_E_UNSUPPORTED;
    sgi_free(&eng->mem, text);
    if (st != SG_OK)
        sgi_ctx_error(ctx, st, "%s",
                      ctx->sc->detect_error[0] ? ctx->sc->detect_error : sg_strerror(st));
    *format = ctx->res->pub.format != before ? ctx->res->pub.format
                                             : (best ? best->name : "unknown");
    return st;
}

void sgi_scan_input(sg_scanner *sc, sgi_input *in, const char *path, sgi_result *res)
{
    const sg_engine *eng = sc->eng;
    char ext[16];
    sgi_path_ext(path ? path : "", ext, sizeof(ext));
    sgi_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.sc = sc;
    ctx.eng = eng;
    ctx.mem = &eng->mem;
    ctx.in = in;
    ctx.res = res;
    ctx.ext = ext;
    const char *format = NULL;
    sgi_mem_cap_hit(true);
    sgi_ctx_start_clock(&ctx);
    run_reader(&ctx, path, &format);
    if (!res->pub.format)
        res->pub.format = format;
    /* a refusal by the memory cap may have cut anything short: the file is
     * an error whatever its reader made of it */
    if (sgi_mem_cap_hit(true) && (res->pub.status == SG_OK || res->pub.status == SG_E_NOMEM)) {
        char msg[200];
        snprintf(msg, sizeof(msg),
                 "needs more memory than --max-memory (%llu MiB) allows; not fully checked",
                 eng->acct.cap >> 20);
        res->pub.status = SG_E_LIMIT;
        res->pub.error = sgi_arena_strndup(&res->arena, msg, strlen(msg));
        if (!res->pub.error)
            res->pub.error = sg_strerror(SG_E_LIMIT);
    }

    bool have = false;
    if (sgi_input_finish(in, res->sha256, &have) != SG_OK && res->pub.status == SG_OK)
        sgi_result_error(res, SG_E_IO, "read error: %s", strerror(in->err));
    if (!have)
        res->sha256[0] = '\0';
    res->pub.size = (long long)in->consumed;
}

sg_status sgi_scan_nested_input(sgi_ctx *parent, sgi_input *in, const char *member,
                                const char *reason, char *msg, size_t msglen,
                                const char **format)
{
    *format = NULL;
    if (msglen)
        msg[0] = '\0';
    if (parent->depth + 1 > parent->eng->opt_max_nesting) {
        snprintf(msg, msglen, "embedded more than %llu levels deep; not checked",
                 parent->eng->opt_max_nesting);
        return SG_E_LIMIT;
    }
    sgi_ctx child;
    memset(&child, 0, sizeof(child));
    child.sc = parent->sc;
    child.eng = parent->eng;
    child.mem = parent->mem;
    child.res = parent->res;
    child.deadline = parent->deadline;
    child.has_deadline = parent->has_deadline;
    child.depth = parent->depth + 1;
    /* a member of an archive (no reason) is as open as its parent */
    child.frame_open = !reason && (parent->depth == 0 || parent->frame_open);
    child.frame_reason = parent->depth && !parent->frame_open ? parent->frame_reason : reason;
    child.prefix = sgi_arena_printf(&parent->res->arena, "%s%s!",
                                    parent->prefix ? parent->prefix : "", member);
    char ext[16];
    sgi_path_ext(member, ext, sizeof(ext));
    child.ext = ext;
    if (!child.prefix)
        return SG_E_NOMEM;
    child.in = in;
    /* the format goes to the finding, not to the file's result */
    const char *saved = parent->res->pub.format;
    parent->res->pub.format = NULL;
    run_reader(&child, member, format);
    parent->res->pub.format = saved;
    sg_status st = child.nested_status;
    if (st != SG_OK)
        snprintf(msg, msglen, "%s", child.nested_error);
    return st;
}

sg_status sgi_scan_nested(sgi_ctx *parent, const void *data, size_t len, const char *member,
                          const char *reason, char *msg, size_t msglen, const char **format)
{
    *format = NULL;
    if (msglen)
        msg[0] = '\0';
    sgi_input in;
    sg_status st = sgi_input_open_mem(&in, data, len, false, parent->mem);
    if (st == SG_OK)
        st = sgi_scan_nested_input(parent, &in, member, reason, msg, msglen, format);
    sgi_input_close(&in, parent->mem);
    return st;
}

void sgi_failure(sgi_failures *f, sg_status st, const char *name, const char *msg)
{
    if (f->n++ == 0) {
        f->first_status = st;
        snprintf(f->first_error, sizeof(f->first_error), "%.200s: %.190s", name, msg);
    }
}

bool sgi_member_fits(sgi_ctx *ctx, sgi_failures *f, const char *name, unsigned long long n)
{
    if (n > ctx->eng->opt_max_part) {
        sgi_failure(f, SG_E_LIMIT, name, "larger than --max-part; not checked");
        return false;
    }
    ctx->res->inflated += n;
    if (ctx->res->inflated > ctx->eng->opt_max_inflated) {
        sgi_failure(f, SG_E_LIMIT, name, "more than --max-inflated in one file");
        return false;
    }
    return true;
}

void sgi_scan_member(sgi_ctx *ctx, sgi_failures *f, const void *data, size_t len,
                     const char *name, const char *reason)
{
    char msg[400];
    const char *fmt = NULL;
    sg_status st = sgi_scan_nested(ctx, data, len, name, reason, msg, sizeof(msg), &fmt);
    if (st != SG_OK)
        sgi_failure(f, st, name, msg);
}

void sgi_failures_report(sgi_ctx *ctx, const sgi_failures *f, const char *what)
{
    if (f->n == 1)
        sgi_ctx_error(ctx, f->first_status, "%s", f->first_error);
    else if (f->n > 1)
        sgi_ctx_error(ctx, f->first_status, "%llu %s not fully checked; the first: %s", f->n,
                      what, f->first_error);
}

void sgi_scan_path_into(sg_scanner *sc, const char *path, bool nofollow, sgi_result *res)
{
    const sgi_mem *mem = &sc->eng->mem;
    sgi_result_reset(res);
    sgi_result_set_path(res, path);
    int flags = O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0);
    int fd = open(path, flags);
    if (fd < 0) {
        int e = errno;
        if (nofollow && e == ELOOP)
            res->pub.skip_reason = "a symbolic link (not followed; use --follow)";
        else
            sgi_result_error(res, SG_E_OPEN, "cannot open: %s", strerror(e));
        sgi_result_seal(res);
        return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        sgi_result_error(res, SG_E_IO, "cannot stat: %s", strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        sgi_result_error(res, SG_E_OPEN, "is a directory");
    } else if (!S_ISREG(st.st_mode)) {
        res->pub.skip_reason = sgi_file_kind(st.st_mode);
    } else {
        /* O_NONBLOCK kept a FIFO from blocking the open; reads block.
         * F_SETFL sets only status flags, and the open set no other */
        (void)fcntl(fd, F_SETFL, 0);
        if (st.st_size >= (1 << 20)) /* a system call a file: not for small ones */
            (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        sgi_input in;
        sg_status s = sgi_input_open_fd(&in, fd, sc->eng->opt_hash != 0, mem);
        if (s == SG_OK)
            sgi_scan_input(sc, &in, path, res);
        else if (s == SG_E_IO)
            sgi_result_error(res, s, "read error: %s", strerror(in.err));
        else
            sgi_result_error(res, s, "%s", sg_strerror(s));
        if (!in.sha) /* not drained for a hash: the size is the file's */
            res->pub.size = (long long)st.st_size;
        sgi_input_close(&in, mem);
    }
    close(fd);
    sgi_result_seal(res);
}

sg_status sg_scan_path(sg_scanner *sc, const char *path, sg_result_fn cb, void *opaque)
{
    if (!sc || !path || !cb)
        return SG_E_INVALID;
    sgi_scan_path_into(sc, path, false, &sc->own);
    return cb(opaque, &sc->own.pub) ? SG_E_ABORTED : SG_OK;
}

void sgi_scan_fd_into(sg_scanner *sc, int fd, const char *name, sgi_result *res)
{
    const sgi_mem *mem = &sc->eng->mem;
    sgi_result_reset(res);
    sgi_result_set_path(res, name ? name : "-");
    sgi_input in;
    sg_status s = sgi_input_open_fd(&in, fd, sc->eng->opt_hash != 0, mem);
    if (s == SG_OK)
        sgi_scan_input(sc, &in, name, res);
    else
        sgi_result_error(res, s, "%s", s == SG_E_IO ? strerror(in.err) : sg_strerror(s));
    /* a stream has no size but what was read: read it all */
    if (!in.sha && s == SG_OK) {
        unsigned char tmp[65536];
        while (sgi_input_read(&in, tmp, sizeof(tmp)) > 0)
            ;
        res->pub.size = (long long)in.consumed;
    }
    sgi_input_close(&in, mem);
    sgi_result_seal(res);
}

sg_status sg_scan_fd(sg_scanner *sc, int fd, const char *name, sg_result_fn cb, void *opaque)
{
    if (!sc || fd < 0 || !cb)
        return SG_E_INVALID;
    sgi_scan_fd_into(sc, fd, name, &sc->own);
    return cb(opaque, &sc->own.pub) ? SG_E_ABORTED : SG_OK;
}

sg_status sg_scan_memory(sg_scanner *sc, const void *data, size_t len, const char *name,
                         sg_result_fn cb, void *opaque)
{
    if (!sc || (!data && len) || !cb)
        return SG_E_INVALID;
    const sgi_mem *mem = &sc->eng->mem;
    sgi_result *res = &sc->own;
    sgi_result_reset(res);
    sgi_result_set_path(res, name ? name : "(memory)");
    sgi_input in;
    sg_status s = sgi_input_open_mem(&in, data ? data : "", len, sc->eng->opt_hash != 0, mem);
    if (s == SG_OK)
        sgi_scan_input(sc, &in, name, res);
    else
        sgi_result_error(res, s, "%s", sg_strerror(s));
    sgi_input_close(&in, mem);
    sgi_result_seal(res);
    return cb(opaque, &res->pub) ? SG_E_ABORTED : SG_OK;
}
