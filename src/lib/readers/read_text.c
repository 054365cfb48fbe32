/*
 * read_text.c - plain text in any of the encodings decode.c knows.
 *
 * The input is decoded into a buffer and cut into blocks of whole lines;
 * each block is scanned once with every detector. A line longer than
 * SG_OPT_MAX_RECORD_BYTES is cut (at a space if there is one near), so a
 * file without newlines still scans in bounded memory. The last bytes of
 * the previous block stay in front of the next one, so that context words
 * ("Date of birth:") on the line before a value are still seen.
 *
 * Findings are located by line, column (characters) and byte offset in the
 * original file, through the sgi_pos cursor.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>

#define RAW_CHUNK (256u * 1024u)
#define CTX_KEEP 256u

typedef struct text_state {
    sgi_ctx *ctx;
    char *buf;
    size_t len, cap;
    size_t *fb, nfb, fbcap;
    sgi_pos pos;
    long long last_id_line;
    unsigned long long id_lines;
    unsigned long long rule_lines[SGI_RULE_COUNT];
} text_state;

/* Is the hit's line about special-category data? */
static bool special_line(const char *b, size_t lo, size_t hi, const sgi_hit *h)
{
    if (!sgi_id_is_pii(sgi_rules[h->rule].info.id))
        return false;
    size_t a = h->start, z = h->end;
    while (a > lo && b[a - 1] != '\n' && h->start - a < 1024)
        a--;
    while (z < hi && b[z] != '\n' && z - h->end < 1024)
        z++;
    return sgi_special_words(b + a, z - a);
}

static sg_status text_block(text_state *t, size_t lo, size_t hi)
{
    sg_scanner *sc = t->ctx->sc;
    sc->locator = NULL;
    sc->hits.n = 0;
    sg_status st = sgi_detect(sc, t->buf, 0, lo, hi);
    if (st != SG_OK)
        return st;
    if (!sgi_hits_settle(&sc->hits, &sc->eng->mem))
        return SG_E_NOMEM;
    for (size_t i = 0; i < sc->hits.n; i++) {
        const sgi_hit *h = &sc->hits.v[i];
        sgi_pos_advance(&t->pos, h->start);
        if (!sgi_emit_counted(t->ctx, (int)h->rule, SGI_F_SPECIAL, t->buf + h->start,
                              h->end - h->start)) {
            sg_location loc = {0};
            loc.line = t->pos.line;
            loc.col = t->pos.col;
            loc.offset = t->pos.src;
            sgi_emit(t->ctx, (int)h->rule, special_line(t->buf, lo, hi, h) ? SGI_F_SPECIAL : 0,
                     NULL, t->buf + h->start, h->end - h->start, NULL, &loc);
        }
        if (sgi_colkind_identifies(sgi_colkind_of_rule((int)h->rule)) &&
            t->pos.line != t->last_id_line) {
            t->last_id_line = t->pos.line;
            t->id_lines++;
            t->rule_lines[h->rule]++;
        }
    }
    sgi_pos_advance(&t->pos, hi);
    return SG_OK;
}

/* Where a block may end when no newline came in max_record bytes: after the
 * last space in the final 256 bytes, else at the end (the decoder never
 * ends its output inside a character). */
static size_t soft_cut(const char *b, size_t lo, size_t hi)
{
    for (size_t i = hi; i > lo && hi - i < 256; i--)
        if (b[i - 1] == ' ' || b[i - 1] == '\t')
            return i;
    return hi;
}

/* A text file that is a list of people: most lines carry an identifier. */
static void text_dataset(text_state *t)
{
    const sg_engine *eng = t->ctx->eng;
    sgi_result *res = t->ctx->res;
    long long lines = t->pos.col > 1 ? t->pos.line : t->pos.line - 1;
    if (t->id_lines < eng->opt_table_min_rows || (long long)t->id_lines * 2 < lines)
        return;
    size_t n = 0;
    for (int r = 0; r < SGI_RULE_COUNT; r++)
        n += t->rule_lines[r] > 0;
    const char **cols = sgi_arena_alloc(&res->arena, n * sizeof(char *));
    const char **kinds = sgi_arena_alloc(&res->arena, n * sizeof(char *));
    char *desc = sgi_arena_printf(&res->arena, "%llu lines with personal identifiers",
                                  t->id_lines);
    if (!cols || !kinds || !desc) {
        res->nomem = true;
        return;
    }
    size_t k = 0;
    for (int r = 0; r < SGI_RULE_COUNT; r++) {
        if (!t->rule_lines[r])
            continue;
        cols[k] = sgi_rules[r].info.name;
        kinds[k++] = sgi_colkind_name(sgi_colkind_of_rule(r));
    }
    sg_location loc = {0};
    loc.line = 1;
    loc.col = 1;
    loc.offset = 0;
    sg_finding *f = sgi_emit(t->ctx, SGI_R_DATASET_PERSONAL, 0, NULL, desc, strlen(desc), NULL,
                             &loc);
    if (f) {
        f->rows = (long long)t->id_lines;
        f->ncolumns = n;
        f->columns = cols;
        f->column_kinds = kinds;
        f->message = sgi_arena_printf(&res->arena,
                                      "a list of people: %llu of %lld lines carry a personal "
                                      "identifier",
                                      t->id_lines, lines);
    }
}

static int text_bid(const sgi_peek *pk)
{
    return pk->sniff->text ? 2 : 0;
}

static sg_status text_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    (void)pk;
    const sgi_mem *mem = ctx->mem;
    sgi_result *res = ctx->res;
    res->pub.format = "text";
    res->pub.encoding = sgi_encoding_name(ctx->sniff.enc);

    text_state t;
    memset(&t, 0, sizeof(t));
    t.ctx = ctx;
    t.last_id_line = -1;
    size_t max_record = (size_t)ctx->eng->opt_max_record;
    t.cap = CTX_KEEP + max_record + 3 * RAW_CHUNK + 64;
    t.buf = sgi_malloc(mem, t.cap);
    unsigned char *raw = sgi_malloc(mem, RAW_CHUNK);
    if (!t.buf || !raw) {
        sgi_free(mem, t.buf);
        sgi_free(mem, raw);
        return SG_E_NOMEM;
    }
    sgi_decoder dec;
    sgi_decoder_init(&dec, ctx->sniff.enc, ctx->sniff.bom_len);
    sgi_pos_init(&t.pos, ctx->sniff.enc, (long long)ctx->sniff.bom_len);
    sgi_pos_block(&t.pos, t.buf, 0, NULL, 0);

    sg_status st = SG_OK;
    size_t proc = 0;
    for (;;) {
        bool final = false;
        if (t.len - proc < max_record) { /* room for another chunk */
            long r = sgi_input_read(ctx->in, raw, RAW_CHUNK);
            if (r < 0) {
                sgi_ctx_error(ctx, SG_E_IO, "read error: %s", strerror(ctx->in->err));
                st = SG_E_IO;
                break;
            }
            bool nomem = false;
            final = r == 0;
            t.len += sgi_decode(&dec, raw, (size_t)r, t.buf + t.len, t.len, final, mem, &t.fb,
                                &t.nfb, &t.fbcap, &nomem);
            if (nomem) {
                st = SG_E_NOMEM;
                break;
            }
        }
        size_t cut;
        if (final) {
            cut = t.len;
        } else {
            const char *nl = t.len > proc ? memrchr(t.buf + proc, '\n', t.len - proc) : NULL;
            if (nl)
                cut = (size_t)(nl - t.buf) + 1;
            else if (t.len - proc >= max_record)
                cut = soft_cut(t.buf, proc, t.len);
            else
                continue; /* the line goes on: read more */
        }
        sgi_pos_block(&t.pos, t.buf, proc, t.fb, t.nfb);
        if (sgi_ctx_time_up(ctx))
            break; /* the file has its error */
        st = text_block(&t, proc, cut);
        if (st != SG_OK)
            break;
        if (final)
            break;
        /* keep CTX_KEEP bytes of context and the unfinished line */
        size_t k = cut > CTX_KEEP ? cut - CTX_KEEP : 0;
        while (k < cut && ((unsigned char)t.buf[k] & 0xC0) == 0x80)
            k++;
        memmove(t.buf, t.buf + k, t.len - k);
        t.len -= k;
        proc = cut - k;
        size_t j = 0;
        for (size_t i = 0; i < t.nfb; i++)
            if (t.fb[i] >= k)
                t.fb[j++] = t.fb[i] - k;
        t.nfb = j;
    }
    if (st == SG_OK)
        text_dataset(&t);
    if (dec.fallbacks && ctx->sniff.enc != SGI_ENC_CP1252)
        res->pub.encoding = "utf-8+windows-1252";
    sgi_free(mem, t.fb);
    sgi_free(mem, t.buf);
    sgi_free(mem, raw);
    return st;
}

const sgi_reader sgi_reader_text = {"text", text_bid, text_scan};
