/*
 * redact.c - --redact RULES: the visible values that the given rules find
 * are replaced by "[REDACTED]", in text, CSV and XLSX cells. It works on the
 * cleaned copy (nothing hidden is left to redact) and is checked the same
 * way: the copy is scanned again and must hold none of those findings.
 *
 *   text, CSV   each value is found on the line its finding names (or the
 *               lines after it, for a quoted field over several lines)
 *   XLSX        the cell's text is read whole, every value in it replaced,
 *               and the cell written back as an inline string
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "clean_private.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define MASK "[REDACTED]"

typedef struct hit {
    char *part, *cell, *value;
    long long line;
} hit;

typedef struct hits {
    sgi_clean *c;
    hit *h;
    size_t n, cap;
    bool incomplete, nomem;
    sg_status status;
    char error[300];
} hits;

bool sgi_redact_wanted(const sgi_clean *c, const char *rule)
{
    for (size_t i = 0; i < c->nredact; i++) {
        size_t n = strlen(c->redact[i]);
        if (strncmp(rule, c->redact[i], n) == 0 && (rule[n] == '\0' || c->redact[i][n - 1] == '.'))
            return true;
    }
    return false;
}

static char *dup0(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int on_result(void *opaque, const sg_file_result *r)
{
    hits *h = opaque;
    h->status = r->status;
    snprintf(h->error, sizeof(h->error), "%s", r->error ? r->error : "");
    for (size_t i = 0; i < r->nrule_counts; i++) {
        const sg_rule_info *ri = sg_rule_at(i);
        if (!ri || !r->rule_counts[i] || !sgi_redact_wanted(h->c, ri->id))
            continue;
        unsigned long long listed = 0;
        for (size_t k = 0; k < r->nfindings; k++)
            listed += strcmp(r->findings[k].rule, ri->id) == 0;
        if (listed < r->rule_counts[i])
            h->incomplete = true;
    }
    for (size_t k = 0; k < r->nfindings; k++) {
        const sg_finding *f = &r->findings[k];
        if (!sgi_redact_wanted(h->c, f->rule) || f->hidden || !f->value || !*f->value)
            continue;
        if (h->n == h->cap) {
            size_t nc = h->cap ? h->cap * 2 : 64;
            hit *nh = realloc(h->h, nc * sizeof(hit));
            if (!nh) {
                h->nomem = true;
                return 1;
            }
            h->h = nh;
            h->cap = nc;
        }
        hit *x = &h->h[h->n++];
        x->part = dup0(f->location.part);
        x->cell = dup0(f->location.cell);
        x->value = dup0(f->value);
        x->line = f->location.line;
        if (!x->value)
            h->nomem = true;
    }
    return 0;
}

static void hits_free(hits *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->h[i].part);
        free(h->h[i].cell);
        free(h->h[i].value);
    }
    free(h->h);
}

/* Every occurrence of value in [s, s+n) masked, into o. */
static size_t mask_all(sgi_out *o, const char *s, size_t n, const char *value)
{
    size_t vl = strlen(value), done = 0, a = 0;
    for (size_t i = 0; vl && i + vl <= n;) {
        if (memcmp(s + i, value, vl) == 0) {
            sgi_out_put(o, s + a, i - a);
            sgi_out_puts(o, MASK);
            i += vl;
            a = i;
            done++;
        } else {
            i++;
        }
    }
    sgi_out_put(o, s + a, n - a);
    return done;
}

/* ---------------------------------------------------------- text, CSV */

static sg_status redact_text(sgi_clean *c, const char *path, hits *h)
{
    size_t n;
    char *d = sgi_clean_slurp(c, path, &n);
    if (!d)
        return SG_E_IO; /* the reason is in c->error */
    /* where each line starts */
    size_t nl = 1;
    for (size_t i = 0; i < n; i++)
        nl += d[i] == '\n';
    size_t *ls = malloc((nl + 1) * sizeof(size_t));
    if (!ls) {
        free(d);
        return SG_E_NOMEM;
    }
    size_t k = 0;
    ls[k++] = 0;
    for (size_t i = 0; i < n; i++)
        if (d[i] == '\n')
            ls[k++] = i + 1;
    ls[k] = n;
    sg_status st = SG_OK;
    for (size_t i = 0; i < h->n && st == SG_OK; i++) {
        long long line = h->h[i].line;
        if (line < 1 || (size_t)line > nl) {
            st = sgi_clean_refuse(c, SG_E_UNSUPPORTED, "%s",
                                  "a value to redact has no line to be found on");
            break;
        }
        /* the line, or the lines after it (a quoted field may span some) */
        size_t lo = ls[line - 1], hi = ls[SGI_MIN((size_t)line - 1 + 64, nl)];
        const char *v = h->h[i].value;
        size_t vl = strlen(v);
        bool found = false;
        for (size_t p = lo; p + vl <= hi && !found; p++)
            if (memcmp(d + p, v, vl) == 0)
                found = true;
        if (!found && strstr(d, MASK) == NULL)
            st = sgi_clean_refuse(c, SG_E_UNSUPPORTED, "%s",
                                  "a value to redact is not written as it was found "
                                  "(another encoding?); not redacted");
        if (!found)
            continue; /* masked already by an earlier, longer value */
        sgi_out o = {0};
        sgi_out_put(&o, d, lo);
        mask_all(&o, d + lo, hi - lo, v);
        sgi_out_put(&o, d + hi, n - hi);
        /* the lines moved: recount */
        free(d);
        d = o.p;
        n = o.n;
        k = 0;
        ls[k++] = 0;
        for (size_t j = 0; j < n && k < nl; j++)
            if (d[j] == '\n')
                ls[k++] = j + 1;
        ls[k] = n;
    }
    free(ls);
    if (st == SG_OK)
        st = sgi_write_file(path, d ? d : "", n, c->error, sizeof(c->error));
    free(d);
    return st;
}

/* --------------------------------------------------------------- XLSX */

typedef struct xred {
    hits *h;
    const char *part;
    /* pass 1: the whole text of each cell to redact, in hit order */
    char **text;
    bool collecting, in_v, in_t, in_is;
    long cur; /* the hit whose cell this is, or -1 */
    sgi_out buf;
    unsigned long long cells;
} xred;

static const char *attr(const char **a, const char *local)
{
    for (size_t i = 0; a && a[i]; i += 2)
        if (strcmp(sgi_xr_local(a[i]), local) == 0)
            return a[i + 1];
    return NULL;
}

static long hit_of(const xred *r, const char *cell)
{
    for (size_t i = 0; cell && i < r->h->n; i++)
        if (r->h->h[i].part && r->h->h[i].cell && strcmp(r->h->h[i].part, r->part) == 0 &&
            strcmp(r->h->h[i].cell, cell) == 0)
            return (long)i;
    return -1;
}

static sgi_xr_action xr_start(void *opaque, sgi_xr *x, const char *name, const char **a)
{
    xred *r = opaque;
    const char *l = sgi_xr_local(name);
    if (strcmp(l, "c") == 0) {
        r->cur = hit_of(r, attr(a, "r"));
        r->buf.n = 0;
        if (r->cur >= 0 && !r->collecting) {
            static _Thread_local const char *na[64];
            size_t k = 0;
            for (size_t i = 0; a[i] && k < 60; i += 2) {
                if (strcmp(sgi_xr_local(a[i]), "t") == 0)
                    continue;
                na[k++] = a[i];
                na[k++] = a[i + 1];
            }
            na[k++] = "t";
            na[k++] = "inlineStr";
            na[k] = NULL;
            sgi_xr_set_attrs(x, na);
            r->cells++;
        }
        return SGI_XR_KEEP;
    }
    if (r->cur < 0)
        return SGI_XR_KEEP;
    if (strcmp(l, "f") == 0)
        return r->collecting ? SGI_XR_KEEP : SGI_XR_DROP;
    if (strcmp(l, "v") == 0) {
        r->in_v = true;
        return r->collecting ? SGI_XR_KEEP : SGI_XR_UNWRAP;
    }
    if (strcmp(l, "is") == 0) {
        r->in_is = true;
        return r->collecting ? SGI_XR_KEEP : SGI_XR_UNWRAP;
    }
    if (r->in_is) {
        if (strcmp(l, "t") == 0)
            r->in_t = true;
        return r->collecting ? SGI_XR_KEEP : SGI_XR_UNWRAP;
    }
    return SGI_XR_KEEP;
}

static bool xr_text(void *opaque, sgi_xr *x, const char *t, int len)
{
    (void)x;
    xred *r = opaque;
    if (r->cur < 0 || !(r->in_v || r->in_is))
        return true;
    if (r->collecting && (r->in_v || r->in_t))
        sgi_out_put(&r->buf, t, (size_t)len);
    return r->collecting;
}

static void xr_end(void *opaque, sgi_xr *x, const char *name)
{
    xred *r = opaque;
    const char *l = sgi_xr_local(name);
    if (r->cur < 0)
        return;
    if (strcmp(l, "t") == 0) {
        r->in_t = false;
    } else if (strcmp(l, "v") == 0 || strcmp(l, "is") == 0) {
        r->in_v = r->in_is = false;
        if (!r->collecting) {
            const char *text = r->text[r->cur] ? r->text[r->cur] : MASK;
            sgi_xr_write_raw(x, "<is><t xml:space=\"preserve\">");
            sgi_xr_write_text(x, text, strlen(text));
            sgi_xr_write_raw(x, "</t></is>");
        }
    } else if (strcmp(l, "c") == 0) {
        if (r->collecting && !r->text[r->cur]) {
            /* every value found in this cell, masked */
            sgi_out cur = {0};
            sgi_out_put(&cur, r->buf.p ? r->buf.p : "", r->buf.n);
            size_t masked = 0;
            for (size_t i = 0; i < r->h->n; i++) {
                const hit *hh = &r->h->h[i];
                if (!hh->part || !hh->cell || strcmp(hh->part, r->part) != 0 ||
                    strcmp(hh->cell, r->h->h[r->cur].cell) != 0)
                    continue;
                sgi_out next = {0};
                masked += mask_all(&next, cur.p ? cur.p : "", cur.n, hh->value);
                free(cur.p);
                cur = next;
            }
            if (!masked) {
                /* the value is shown otherwise than stored (a number, a
                 * date): the whole cell goes */
                cur.n = 0;
                sgi_out_puts(&cur, MASK);
            }
            sgi_out_put(&cur, "", 0);
            sgi_out_put(&cur, "\0", 1);
            r->text[r->cur] = cur.p;
            for (size_t i = 0; i < r->h->n; i++)
                if (r->h->h[i].part && r->h->h[i].cell && (long)i != r->cur &&
                    strcmp(r->h->h[i].part, r->part) == 0 &&
                    strcmp(r->h->h[i].cell, r->h->h[r->cur].cell) == 0 && !r->text[i])
                    r->text[i] = strdup(cur.p ? cur.p : MASK);
        }
        r->cur = -1;
    }
}

static sg_status redact_xlsx(sgi_clean *c, const char *path, hits *h)
{
    int zerr = 0;
    zip_t *z = zip_open(path, 0, &zerr);
    if (!z)
        return sgi_clean_refuse(c, SG_E_FORMAT, "%s", "the copy to redact cannot be opened");
    sg_status st = SG_OK;
    char **text = calloc(h->n + 1, sizeof(char *));
    if (!text) {
        zip_discard(z);
        return SG_E_NOMEM;
    }
    unsigned long long cells = 0;
    zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; st == SG_OK && i < n; i++) {
        const char *nm = zip_get_name(z, (zip_uint64_t)i, 0);
        bool any = false;
        for (size_t k = 0; nm && k < h->n && !any; k++)
            any = h->h[k].part && strcmp(h->h[k].part, nm) == 0;
        if (!any)
            continue;
        size_t got;
        char *d = sgi_clean_zip_member(c, z, (zip_uint64_t)i, &got);
        if (!d) {
            st = SG_E_FORMAT; /* the reason is in c->error */
            break;
        }
        char *name = strdup(nm);
        xred r = {.h = h, .part = name, .text = text, .collecting = true, .cur = -1};
        static const sgi_xr_handlers hd = {xr_start, xr_end, xr_text, NULL};
        sgi_out o = {0};
        char err[200] = "";
        st = name ? sgi_xr_rewrite(d, (size_t)got, &hd, &r, &o, err, sizeof(err)) : SG_E_NOMEM;
        free(o.p);
        memset(&o, 0, sizeof(o));
        r.collecting = false;
        r.cur = -1;
        if (st == SG_OK)
            st = sgi_xr_rewrite(d, (size_t)got, &hd, &r, &o, err, sizeof(err));
        free(d);
        free(r.buf.p);
        if (st != SG_OK) {
            free(o.p);
            free(name);
            st = sgi_clean_refuse(c, st, "%s: %s", nm, err);
            break;
        }
        cells += r.cells;
        zip_source_t *src = zip_source_buffer(z, o.p, o.n, 1);
        if (!src || zip_file_replace(z, (zip_uint64_t)i, src, 0) != 0) {
            if (src)
                zip_source_free(src);
            else
                free(o.p);
            st = sgi_clean_refuse(c, SG_E_WRITE, "%s: cannot be replaced", name);
        }
        free(name);
    }
    if (st == SG_OK && zip_close(z) != 0)
        st = sgi_clean_refuse(c, SG_E_WRITE, "cannot write the redacted copy: %s",
                              zip_strerror(z));
    if (st != SG_OK)
        zip_discard(z);
    for (size_t i = 0; i < h->n; i++)
        free(text[i]);
    free(text);
    if (st == SG_OK && cells)
        sgi_clean_note(c, "%llu cells redacted", cells);
    return st;
}

/* ---------------------------------------------------------------- entry */

sg_status sgi_redact(sgi_clean *c, const char *path, const char *format)
{
    bool text = strcmp(format, "text") == 0 || strcmp(format, "csv") == 0 ||
                strcmp(format, "tsv") == 0;
    bool xlsx = strcmp(format, "xlsx") == 0 || strcmp(format, "xlsm") == 0;
    if (!text && !xlsx)
        return sgi_clean_refuse(c, SG_E_UNSUPPORTED,
                                "--redact works on text, CSV and XLSX, not %s", format);
    hits h = {.c = c};
    sg_status st = sg_scan_path(c->sc, path, on_result, &h);
    if (st == SG_OK && h.nomem)
        st = SG_E_NOMEM;
    if (st == SG_OK && h.status != SG_OK)
        st = sgi_clean_refuse(c, h.status, "the copy to redact cannot be read: %s", h.error);
    if (st == SG_OK && h.incomplete)
        st = sgi_clean_refuse(c, SG_E_LIMIT, "%s",
                              "more values to redact than findings listed (--max-findings)");
    if (st == SG_OK && h.n) {
        st = text ? redact_text(c, path, &h) : redact_xlsx(c, path, &h);
        if (st == SG_OK && text)
            sgi_clean_note(c, "%zu values redacted", h.n);
    }
    hits_free(&h);
    return st;
}
