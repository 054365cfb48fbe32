/*
 * read_msg.c - Outlook messages (.msg: [MS-OXMSG]), an OLE2 compound file
 * that libgsf opens (read_xls.c calls here when the root holds the
 * message property streams).
 *
 * A message is read as its .eml counterpart is (read_email.c), and its
 * findings are located the same way:
 *   headers!        From (sender name and address), To, Cc and Bcc (the
 *                   recipient tables, with their addresses), Subject
 *   body!           the plain-text body (PidTagBody)
 *   body.html!      the HTML body (PidTagHtml), read as HTML
 *   transport headers!   the Internet headers the message arrived with
 *                   (PidTagTransportMessageHeaders): hidden from a reader
 *   NAME!           each attachment's data, scanned as a file of its own
 *   NAME.msg!       an attached (embedded) message, read as a message again
 * Strings are UTF-16 (type 001F) or 8-bit (001E, read as Windows-1252).
 * The RTF body (compressed, PidTagRtfCompressed) is not read: Outlook
 * writes the plain or HTML body beside it.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "ole_private.h"

#include <string.h>

#define MSG_MAX_DEPTH 8       /* embedded messages in embedded messages */
#define MSG_MAX_CHILDREN 4096 /* recipients and attachments of one message */

typedef struct msgr {
    sgi_ctx *ctx;
    sgi_failures failed;
} msgr;

/* A stream of dir whole, within --max-part and --max-inflated. */
static unsigned char *stream(msgr *m, GsfInfile *dir, const char *name, size_t *n)
{
    *n = 0;
    GsfInput *in = gsf_infile_child_by_name(dir, name);
    if (!in)
        return NULL;
    sgi_ctx *ctx = m->ctx;
    gsf_off_t size = gsf_input_size(in);
    unsigned char *b = NULL;
    if (size > 0 && sgi_member_fits(ctx, &m->failed, name, (unsigned long long)size)) {
        if (!(b = sgi_malloc(ctx->mem, (size_t)size)))
            sgi_failure(&m->failed, SG_E_NOMEM, name, "out of memory");
        else if (!gsf_input_read(in, (size_t)size, b)) {
            sgi_failure(&m->failed, SG_E_FORMAT, name, "cannot be read");
            sgi_free(ctx->mem, b);
            b = NULL;
        }
    }
    g_object_unref(in);
    *n = b ? (size_t)size : 0;
    return b;
}

/* A string property (001F, else 001E) of dir appended to t; false if none. */
static bool prop_string(msgr *m, GsfInfile *dir, unsigned id, sgi_text *t)
{
    char name[32];
    snprintf(name, sizeof(name), "__substg1.0_%04X001F", id);
    size_t n;
    unsigned char *b = stream(m, dir, name, &n);
    bool wide = true;
    if (!b) {
        snprintf(name, sizeof(name), "__substg1.0_%04X001E", id);
        b = stream(m, dir, name, &n);
        wide = false;
    }
    if (!b)
        return false;
    size_t nch = wide ? n / 2 : n;
    while (nch && (wide ? sgi_le16(b + 2 * (nch - 1)) : b[nch - 1]) == 0)
        nch--; /* the terminating NUL */
    if (wide) {
        sgi_ole_chars(t, b, nch, true, false);
    } else {
        for (size_t i = 0; i < nch; i++) {
            char u[4];
            sgi_text_add(t, u, sgi_utf8_put(u, sgi_cp1252(b[i])));
        }
    }
    sgi_free(m->ctx->mem, b);
    return nch > 0;
}

/* A 4-byte property from the property stream (header bytes first). */
static bool prop_u32(msgr *m, GsfInfile *dir, size_t header, uint32_t tag, uint32_t *out)
{
    size_t n;
    unsigned char *b = stream(m, dir, "__properties_version1.0", &n);
    bool found = false;
    for (size_t at = header; b && at + 16 <= n && !found; at += 16) {
        if (sgi_le32(b + at) == tag) {
            *out = sgi_le32(b + at + 8);
            found = true;
        }
    }
    sgi_free(m->ctx->mem, b);
    return found;
}

/* Children of dir whose names start with prefix, in name order (libgsf
 * keeps a storage's children sorted). */
static void each_child(msgr *m, GsfInfile *dir, const char *prefix,
                       void (*fn)(msgr *m, GsfInfile *child, void *opaque), void *opaque)
{
    int n = gsf_infile_num_children(dir);
    size_t pl = strlen(prefix);
    unsigned seen = 0;
    for (int i = 0; i < n; i++) {
        const char *nm = gsf_infile_name_by_index(dir, i);
        if (!nm || strncmp(nm, prefix, pl) != 0)
            continue;
        if (sgi_ctx_time_up(m->ctx))
            return;
        if (++seen > MSG_MAX_CHILDREN) {
            sgi_failure(&m->failed, SG_E_LIMIT, prefix, "more than 4096 of them; the rest not checked");
            return;
        }
        GsfInput *c = gsf_infile_child_by_index(dir, i);
        if (c && GSF_IS_INFILE(c))
            fn(m, GSF_INFILE(c), opaque);
        if (c)
            g_object_unref(c);
    }
}

/* ------------------------------------------------------------ recipients */

typedef struct recips {
    sgi_text line[3]; /* To, Cc, Bcc */
} recips;

static void recipient(msgr *m, GsfInfile *r, void *opaque)
{
    recips *rs = opaque;
    uint32_t type = 1;
    prop_u32(m, r, 8, 0x0C150003, &type); /* PidTagRecipientType */
    sgi_text *t = &rs->line[type == 2 ? 1 : type == 3 ? 2 : 0];
    if (t->len)
        sgi_text_add(t, ", ", 2);
    size_t before = t->len;
    prop_string(m, r, 0x3001, t); /* PidTagDisplayName */
    sgi_text addr;
    sgi_text_init(&addr, m->ctx->mem, 4096);
    if (prop_string(m, r, 0x39FE, &addr) || prop_string(m, r, 0x3003, &addr)) {
        if (t->len > before)
            sgi_text_add(t, " ", 1);
        sgi_text_add(t, "<", 1);
        sgi_text_add(t, addr.p, addr.len);
        sgi_text_add(t, ">", 1);
    }
    sgi_text_free(&addr);
}

/* ----------------------------------------------------------- attachments */

typedef struct attach_ctx {
    const char *prefix; /* "" or "Original report.msg!" for an embedded message's */
    unsigned depth;
    unsigned n;
} attach_ctx;

static void message(msgr *m, GsfInfile *dir, const char *prefix, unsigned depth);

static void attachment(msgr *m, GsfInfile *a, void *opaque)
{
    attach_ctx *ac = opaque;
    ac->n++;
    sgi_text name;
    sgi_text_init(&name, m->ctx->mem, 200);
    if (!prop_string(m, a, 0x3707, &name) && !prop_string(m, a, 0x3704, &name))
        prop_string(m, a, 0x3001, &name);
    /* a name for locations: no directories, no '!' */
    const char *base = name.p ? name.p : "";
    for (const char *s = base; *s; s++)
        if (*s == '/' || *s == '\\')
            base = s + 1;
    char nm[300];
    GsfInput *inner = gsf_infile_child_by_name(a, "__substg1.0_3701000D");
    if (inner && GSF_IS_INFILE(inner)) {
        snprintf(nm, sizeof(nm), "%s%s.msg", ac->prefix, *base ? base : "message");
        if (ac->depth + 1 >= MSG_MAX_DEPTH)
            sgi_failure(&m->failed, SG_E_LIMIT, nm, "messages attached more than 8 deep; not checked");
        else
            message(m, GSF_INFILE(inner), nm, ac->depth + 1);
    } else {
        if (*base)
            snprintf(nm, sizeof(nm), "%s%s", ac->prefix, base);
        else
            snprintf(nm, sizeof(nm), "%sattachment%u", ac->prefix, ac->n);
        for (char *s = nm + strlen(ac->prefix); *s; s++)
            if (*s == '!')
                *s = '_';
        size_t n;
        unsigned char *b = stream(m, a, "__substg1.0_37010102", &n);
        if (b)
            sgi_scan_member(m->ctx, &m->failed, b, n, nm, NULL);
        sgi_free(m->ctx->mem, b);
    }
    if (inner)
        g_object_unref(inner);
    sgi_text_free(&name);
}

/* --------------------------------------------------------------- message */

/* A member name inside the message: prefix "x.msg" gives "x.msg!body". */
static void member_name(char *out, size_t n, const char *prefix, const char *name)
{
    snprintf(out, n, "%s%s%s", prefix, *prefix ? "!" : "", name);
}

static void message(msgr *m, GsfInfile *dir, const char *prefix, unsigned depth)
{
    sgi_ctx *ctx = m->ctx;
    char nm[400];
    /* header fields, as read_email.c writes them */
    const char *first = SGI_MAIL_HEADERS_TITLE;
    sgi_text h;
    sgi_text_init(&h, ctx->mem, ctx->eng->opt_max_record);
    sgi_text_add(&h, first, strlen(first));
    sgi_text v;
    sgi_text_init(&v, ctx->mem, ctx->eng->opt_max_record);
    if (prop_string(m, dir, 0x0C1A, &v) || prop_string(m, dir, 0x0042, &v)) {
        sgi_text_add(&h, "From: ", 6);
        sgi_text_add(&h, v.p, v.len);
        v.len = 0;
        if (prop_string(m, dir, 0x5D01, &v) || prop_string(m, dir, 0x0C1F, &v)) {
            sgi_text_add(&h, " <", 2);
            sgi_text_add(&h, v.p, v.len);
            sgi_text_add(&h, ">", 1);
        }
        sgi_text_add(&h, "\n", 1);
    }
    recips rs;
    for (int k = 0; k < 3; k++)
        sgi_text_init(&rs.line[k], ctx->mem, ctx->eng->opt_max_record);
    each_child(m, dir, "__recip_version1.0_", recipient, &rs);
    static const char *const label[3] = {"To: ", "Cc: ", "Bcc: "};
    static const unsigned display[3] = {0x0E04, 0x0E03, 0x0E02};
    for (int k = 0; k < 3; k++) {
        sgi_text *t = &rs.line[k];
        v.len = 0;
        if (!t->len) /* no recipient table: the display lists */
            prop_string(m, dir, display[k], &v);
        if (t->len || v.len) {
            sgi_text_add(&h, label[k], strlen(label[k]));
            sgi_text_add(&h, t->len ? t->p : v.p, t->len ? t->len : v.len);
            sgi_text_add(&h, "\n", 1);
        }
        sgi_text_free(t);
    }
    v.len = 0;
    if (prop_string(m, dir, 0x0037, &v)) {
        sgi_text_add(&h, "Subject: ", 9);
        sgi_text_add(&h, v.p, v.len);
        sgi_text_add(&h, "\n", 1);
    }
    if (h.len > strlen(first)) {
        member_name(nm, sizeof(nm), prefix, "headers");
        sgi_scan_member(m->ctx, &m->failed, h.p, h.len, nm, NULL);
    }
    sgi_text_free(&h);
    /* bodies */
    sgi_text body;
    sgi_text_init(&body, ctx->mem, ctx->eng->opt_max_part);
    if (prop_string(m, dir, 0x1000, &body)) {
        member_name(nm, sizeof(nm), prefix, "body");
        sgi_scan_member(m->ctx, &m->failed, body.p, body.len, nm, NULL);
    }
    body.len = 0;
    size_t hn = 0;
    unsigned char *html = stream(m, dir, "__substg1.0_10130102", &hn);
    if (html || prop_string(m, dir, 0x1013, &body)) {
        member_name(nm, sizeof(nm), prefix, "body.html");
        sgi_scan_member(m->ctx, &m->failed, html ? (const void *)html : body.p, html ? hn : body.len, nm, NULL);
    }
    sgi_free(ctx->mem, html);
    body.len = 0;
    if (prop_string(m, dir, 0x007D, &body)) {
        member_name(nm, sizeof(nm), prefix, "transport headers");
        sgi_scan_member(m->ctx, &m->failed, body.p, body.len, nm, "transport headers");
    }
    sgi_text_free(&body);
    sgi_text_free(&v);
    /* attachments */
    char pre[400];
    snprintf(pre, sizeof(pre), "%s%s", prefix, *prefix ? "!" : "");
    attach_ctx ac = {pre, depth, 0};
    each_child(m, dir, "__attach_version1.0_", attachment, &ac);
}

bool sgi_msg_is(GsfInfile *ole)
{
    GsfInput *p = gsf_infile_child_by_name(ole, "__properties_version1.0");
    if (!p)
        return false;
    g_object_unref(p);
    /* a message has a class or a subject; the property streams say so */
    int n = gsf_infile_num_children(ole);
    for (int i = 0; i < n; i++) {
        const char *nm = gsf_infile_name_by_index(ole, i);
        if (nm && strncmp(nm, "__substg1.0_", 12) == 0)
            return true;
    }
    return false;
}

void sgi_msg_scan(sgi_ctx *ctx, GsfInfile *ole)
{
    ctx->res->pub.format = "msg";
    msgr m;
    memset(&m, 0, sizeof(m));
    m.ctx = ctx;
    message(&m, ole, "", 0);
    sgi_failures_report(ctx, &m.failed, "parts");
}
