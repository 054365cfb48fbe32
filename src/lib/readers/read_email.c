/*
 * read_email.c - e-mail messages (RFC 5322 / MIME, .eml) on GMime.
 *
 * A message is what its recipient reads: the header fields that name
 * people (From, To, Cc, Bcc, Reply-To, Sender; Subject), every text or HTML
 * body, and every attachment, each scanned as a file of its own and
 * located in the message ("headers!", "body!", "release.zip!staff.xlsx!
 * xl/..."). Attached messages are messages again, to --max-nesting.
 * Content transfer encodings (base64, quoted-printable, uuencode) are
 * GMime's to undo. The message is held whole up to --max-part; so is each
 * decoded part, and all of them count against --max-inflated.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include "lazylib_private.h"

#include <pthread.h>
#include <string.h>
#include <strings.h>

#define MAX_PARTS 10000

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)domain, (void)level, (void)msg, (void)data; /* a damaged message is reported */
}

static void gmime_start(void)
{
    g_mime_init();
    g_log_set_handler("gmime", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO |
                                   G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_CRITICAL,
                      quiet, NULL);
}

typedef struct mail {
    sgi_ctx *ctx;
    unsigned parts;
    sgi_failures failed;
    unsigned bodies, unnamed;
} mail;

/* The header fields a reader sees, as text: names and addresses. */
static void headers(mail *m, GMimeMessage *msg)
{
    /* (a first line that is no header field: the block is read as text,
     * not taken for a message again) */
    GString *s = g_string_new(SGI_MAIL_HEADERS_TITLE);
    static const struct {
        const char *label;
        GMimeAddressType type;
    } who[] = {
        {"From", GMIME_ADDRESS_TYPE_FROM},         {"Sender", GMIME_ADDRESS_TYPE_SENDER},
        {"Reply-To", GMIME_ADDRESS_TYPE_REPLY_TO}, {"To", GMIME_ADDRESS_TYPE_TO},
        {"Cc", GMIME_ADDRESS_TYPE_CC},             {"Bcc", GMIME_ADDRESS_TYPE_BCC},
    };
    for (size_t i = 0; i < SGI_ARRAY_LEN(who); i++) {
        InternetAddressList *l = g_mime_message_get_addresses(msg, who[i].type);
        if (!l || internet_address_list_length(l) == 0)
            continue;
        char *t = internet_address_list_to_string(l, NULL, FALSE);
        if (t) {
            g_string_append_printf(s, "%s: %s\n", who[i].label, t);
            g_free(t);
        }
    }
    const char *subject = g_mime_message_get_subject(msg);
    if (subject)
        g_string_append_printf(s, "Subject: %s\n", subject);
    if (s->len > strlen(SGI_MAIL_HEADERS_TITLE))
        sgi_scan_member(m->ctx, &m->failed, s->str, s->len, "headers", NULL);
    g_string_free(s, TRUE);
}

static void walk(mail *m, GMimeObject *o, int depth);

/* A part's content, transfer encoding undone; NULL with a failure noted. */
static GByteArray *content_of(mail *m, GMimePart *p, const char *name)
{
    GMimeDataWrapper *w = g_mime_part_get_content(p);
    if (!w)
        return NULL;
    GMimeStream *out = g_mime_stream_mem_new();
    ssize_t n = g_mime_data_wrapper_write_to_stream(w, out);
    GByteArray *b = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
    GByteArray *copy = NULL;
    if (n < 0) {
        sgi_failure(&m->failed, SG_E_FORMAT, name, "its encoding cannot be undone");
    } else if (sgi_member_fits(m->ctx, &m->failed, name, b->len)) {
        copy = g_byte_array_sized_new(b->len);
        g_byte_array_append(copy, b->data, b->len);
    }
    g_object_unref(out);
    return copy;
}

static void leaf(mail *m, GMimePart *p)
{
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(p));
    const char *filename = g_mime_part_get_filename(p);
    bool text = ct && g_mime_content_type_is_type(ct, "text", "*");
    bool attached = filename && *filename;
    char name[300];
    if (attached) {
        /* a name for locations: no directories */
        const char *base = strrchr(filename, '/');
        base = base ? base + 1 : filename;
        const char *b2 = strrchr(base, '\\');
        snprintf(name, sizeof(name), "%s", b2 ? b2 + 1 : base);
    } else if (text) {
        bool html = g_mime_content_type_is_type(ct, "text", "html");
        if (m->bodies++ == 0)
            snprintf(name, sizeof(name), "%s", html ? "body.html" : "body");
        else
            snprintf(name, sizeof(name), "%s%u", html ? "body.html." : "body.", m->bodies);
    } else {
        char *mt = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
        snprintf(name, sizeof(name), "part%u (%s)", ++m->unnamed, mt ? mt : "unknown");
        g_free(mt);
    }
    GByteArray *b = content_of(m, p, name);
    if (!b)
        return;
    sgi_scan_member(m->ctx, &m->failed, b->data, b->len, name, NULL);
    g_byte_array_unref(b);
}

static void walk(mail *m, GMimeObject *o, int depth)
{
    if (!o || ++m->parts > MAX_PARTS || sgi_ctx_time_up(m->ctx))
        return;
    if (depth > 64) {
        sgi_failure(&m->failed, SG_E_LIMIT, "(message)", "MIME parts nested more than 64 deep");
        return;
    }
    if (GMIME_IS_MULTIPART(o)) {
        GMimeMultipart *mp = GMIME_MULTIPART(o);
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n; i++)
            walk(m, g_mime_multipart_get_part(mp, i), depth + 1);
    } else if (GMIME_IS_MESSAGE_PART(o)) {
        /* an attached message: a message of its own */
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
        if (inner) {
            char *raw = g_mime_object_to_string(GMIME_OBJECT(inner), NULL);
            if (raw) {
                sgi_scan_member(m->ctx, &m->failed, raw, strlen(raw), "message.eml", NULL);
                g_free(raw);
            }
        }
    } else if (GMIME_IS_PART(o)) {
        leaf(m, GMIME_PART(o));
    }
}

static sg_status email_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    (void)pk;
    ctx->res->pub.format = "eml";
    if (!sgi_lazy_gmime()) {
        sgi_ctx_error(ctx, SG_E_UNSUPPORTED, "e-mail message: %s could not be loaded",
                      SGI_GMIME_SONAME);
        return SG_OK;
    }
    pthread_once(&gmime_once, gmime_start);
    size_t len = 0;
    char *data = sgi_ctx_slurp(ctx, "message", &len);
    if (!data)
        return SG_OK;
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
    mail m;
    memset(&m, 0, sizeof(m));
    m.ctx = ctx;
    if (!msg) {
        sgi_ctx_error(ctx, SG_E_FORMAT, "%s", "damaged e-mail message: no headers GMime reads");
    } else {
        headers(&m, msg);
        walk(&m, g_mime_message_get_mime_part(msg), 0);
        if (m.parts > MAX_PARTS)
            sgi_failure(&m.failed, SG_E_LIMIT, "(message)", "more than 10000 MIME parts; the rest not checked");
        sgi_failures_report(ctx, &m.failed, "parts");
        g_object_unref(msg);
    }
    g_object_unref(parser);
    g_object_unref(stream);
    sgi_free(ctx->mem, data);
    return SG_OK;
}

/* A message starts with header fields: at least two known ones in the first
 * lines, one of them naming its sender or its MIME structure. */
static int email_bid(const sgi_peek *pk)
{
    static const char *const fields[] = {"From:",       "To:",         "Subject:", "Date:",
                                         "Message-ID:", "MIME-Version:", "Received:",
                                         "Return-Path:", "Cc:",        "Content-Type:",
                                         "Delivered-To:", "X-",         NULL};
    size_t i = 0, known = 0, lines = 0;
    bool key = false;
    while (i < pk->n && lines < 40) {
        size_t e = i;
        while (e < pk->n && pk->p[e] != '\n')
            e++;
        size_t len = e - i;
        if (len == 0 || (len == 1 && pk->p[i] == '\r'))
            break; /* the end of the header */
        if (pk->p[i] != ' ' && pk->p[i] != '\t') {
            bool ok = false;
            for (size_t f = 0; fields[f]; f++) {
                size_t fl = strlen(fields[f]);
                if (len >= fl && strncasecmp((const char *)pk->p + i, fields[f], fl) == 0) {
                    ok = true;
                    key = key || f == 0 || f == 5 || f == 6;
                    break;
                }
            }
            if (!ok) {
                /* a field name: printable, no space, then a colon */
                size_t c = i;
                while (c < e && pk->p[c] > ' ' && pk->p[c] < 127 && pk->p[c] != ':')
                    c++;
                if (c == i || c >= e || pk->p[c] != ':')
                    return 0; /* not a header line: not a message */
            } else {
                known++;
            }
        }
        lines++;
        i = e + 1;
    }
    return known >= 2 && key ? 16 : 0;
}

const sgi_reader sgi_reader_email = {"email", email_bid, email_scan};
