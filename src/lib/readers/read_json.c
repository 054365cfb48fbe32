/*
 * read_json.c - JSON documents and JSON Lines (API exports, data dumps) on
 * yajl's event parser, streamed: memory does not grow with the file.
 *
 * The markup goes; what it holds is read two ways:
 *   - an array of objects is a table: each object a row, each key (with
 *     the keys above it inside the object: "address postcode") a column
 *     named by it, so that a table of people is found as in a sheet, and a
 *     value gets its column's context ("dob" above a date). The table's
 *     part is the array's path ("$.officers"), rows count the objects from
 *     1. A JSON Lines file (one object a line) is one such table, "$".
 *   - any other value is a line "key: value" ("date Of Birth: 1981-03-12"),
 *     located by the line of the file it ends on, in the part "json".
 * Nesting deeper than JSON_MAX_DEPTH, or more than JSON_MAX_TOKEN bytes
 * without a value ending (yajl buffers a token whole, with libc's malloc),
 * is an error for the file.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>
#include <yajl/yajl_parse.h>

#define JSON_MAX_DEPTH 512
#define JSON_MAX_KEY 120       /* bytes of a key (or key path) kept */
#define JSON_MAX_COLS 256      /* columns of a table; more keys read as lines */
#define JSON_CHUNK (64 * 1024) /* bytes read and parsed at a time */
#define JSON_MAX_TOKEN (16u << 20) /* bytes with no value ending: yajl buffers them */

typedef struct jframe {
    bool array;
    unsigned long long index; /* array: elements begun so far */
    char key[JSON_MAX_KEY];   /* map: the current key */
    size_t keylen;
} jframe;

typedef struct jsonr {
    sgi_ctx *ctx;
    yajl_handle h;
    sgi_cells text, tab;
    sgi_text line;
    jframe st[JSON_MAX_DEPTH + 1]; /* st[0]: the top level, a virtual array */
    size_t depth;
    bool too_deep;
    /* where the parser is: the chunk being parsed, lines counted so far */
    const unsigned char *chunk;
    size_t chunk_len, counted;
    long long lineno;
    /* the table being read, if tab_open: the array at st[tab_at] (0, the
     * top level, only for JSON Lines), its rows the objects in it */
    size_t tab_at;
    bool tab_open, jsonl;
    unsigned long long events; /* values begun and containers ended so far */
    char *cols[JSON_MAX_COLS]; /* the key paths, as in the file */
    size_t ncols;
} jsonr;

/* Count the lines up to where the parser is now. */
static void advance(jsonr *j)
{
    size_t at = yajl_get_bytes_consumed(j->h);
    if (at > j->chunk_len)
        at = j->chunk_len;
    if (at > j->counted) {
        for (const unsigned char *p = j->chunk + j->counted, *e = j->chunk + at;
             (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
            j->lineno++;
        j->counted = at;
    }
}

/* Is the value being read inside a table's row (the object st[tab_at+1])? */
static bool in_row(const jsonr *j)
{
    return j->tab_open && j->depth > j->tab_at && !j->st[j->tab_at + 1].array;
}

/* The column of the key path from the row object down; -1: none left. */
static int column(jsonr *j)
{
    char path[JSON_MAX_KEY * 2];
    size_t n = 0;
    for (size_t d = j->tab_at + 1; d <= j->depth && n < sizeof(path) - 1; d++) {
        const jframe *f = &j->st[d];
        if (f->array || !f->keylen)
            continue;
        if (n)
            path[n++] = ' ';
        size_t k = SGI_MIN(f->keylen, sizeof(path) - 1 - n);
        memcpy(path + n, f->key, k);
        n += k;
    }
    if (n > JSON_MAX_KEY)
        n = JSON_MAX_KEY;
    for (size_t i = 0; i < j->ncols; i++)
        if (strlen(j->cols[i]) == n && memcmp(j->cols[i], path, n) == 0)
            return (int)i;
    if (j->ncols == JSON_MAX_COLS)
        return -1;
    /* the header as words ("date Of Birth"), the key path as it is */
    sgi_text name;
    sgi_text_init(&name, j->ctx->mem, JSON_MAX_KEY * 2);
    sgi_text_add_name(&name, path, n);
    char *c = sgi_arena_strndup(&j->ctx->res->arena, path, n);
    char *h = name.len ? sgi_arena_strndup(&j->ctx->res->arena, name.p, name.len) : NULL;
    if (h) /* kept by the table: in the arena */
        sgi_table_set_header(&j->tab.tab, j->ncols, h, name.len);
    sgi_text_free(&name);
    if (!c)
        return -1;
    j->cols[j->ncols] = c;
    return (int)j->ncols++;
}

/* A scalar: a table cell, or a line "key: value". */
static int value(jsonr *j, const char *s, size_t n)
{
    advance(j);
    if (in_row(j)) {
        int col = column(j);
        if (col >= 0) {
            sgi_cells_add(&j->tab, j->st[j->tab_at].index, (uint32_t)col, s, n, 0, NULL);
            return 1;
        }
    }
    const jframe *f = &j->st[j->depth];
    /* the name: the innermost key, for an array's elements the array's */
    for (size_t d = j->depth; d > 0 && f->array; d--)
        f = &j->st[d - 1];
    j->line.len = 0;
    if (!f->array && f->keylen) {
        sgi_text_add_name(&j->line, f->key, f->keylen);
        sgi_text_add(&j->line, ": ", 2);
    }
    sgi_text_add(&j->line, s, n);
    if (j->line.len)
        sgi_cells_add(&j->text, (unsigned long long)j->lineno, 0, j->line.p, j->line.len, 0, NULL);
    return 1;
}

/* The path of st[..at] ("$.officers", "$.data[2].staff"), in the arena. */
static const char *path_of(jsonr *j, size_t at)
{
    sgi_text p;
    sgi_text_init(&p, j->ctx->mem, 1024);
    sgi_text_add(&p, "$", 1);
    for (size_t d = 0; d < at; d++) {
        const jframe *f = &j->st[d];
        if (d > 0 && f->array) {
            char ix[32];
            snprintf(ix, sizeof(ix), "[%llu]", f->index ? f->index - 1 : 0);
            sgi_text_add(&p, ix, strlen(ix));
        } else if (!f->array) {
            sgi_text_add(&p, ".", 1);
            sgi_text_add(&p, f->key, f->keylen);
        }
    }
    const char *s = sgi_arena_strndup(&j->ctx->res->arena, p.p ? p.p : "$", p.len ? p.len : 1);
    sgi_text_free(&p);
    return s ? s : "$";
}

/* A value begins in the innermost frame: an array counts its elements. */
static void element(jsonr *j)
{
    j->events++;
    jframe *f = &j->st[j->depth];
    if (f->array)
        f->index++;
}

static int push(jsonr *j, bool array)
{
    if (j->depth == JSON_MAX_DEPTH) {
        j->too_deep = true;
        return 0;
    }
    element(j);
    /* an object in an array, not inside another table: a table's row */
    if (!array && !j->tab_open && j->st[j->depth].array && (j->depth > 0 || j->jsonl)) {
        j->tab_at = j->depth;
        j->tab_open = true;
        j->ncols = 0;
        sgi_cells_begin(&j->tab, SGI_CELLS_TABLE, path_of(j, j->depth), NULL, 0, NULL);
        sgi_cells_headers(&j->tab, NULL, 0);
    }
    jframe *f = &j->st[++j->depth];
    f->array = array;
    f->index = 0;
    f->keylen = 0;
    return 1;
}

static int pop(jsonr *j)
{
    j->events++;
    if (j->depth == 0)
        return 1;
    j->depth--;
    /* the table's array closed */
    if (j->tab_open && j->depth < j->tab_at) {
        sgi_cells_end(&j->tab, false);
        j->tab_open = false;
    }
    return 1;
}

static int j_null(void *o)
{
    jsonr *j = o;
    element(j);
    return 1;
}

static int j_bool(void *o, int b)
{
    jsonr *j = o;
    element(j);
    return 1;
}

static int j_number(void *o, const char *s, size_t n)
{
    jsonr *j = o;
    element(j);
    return value(j, s, n);
}

static int j_string(void *o, const unsigned char *s, size_t n)
{
    jsonr *j = o;
    element(j);
    return value(j, (const char *)s, n);
}

static int j_start_map(void *o)
{
    return push(o, false);
}

static int j_key(void *o, const unsigned char *s, size_t n)
{
    jsonr *j = o;
    jframe *f = &j->st[j->depth];
    f->keylen = SGI_MIN(n, sizeof(f->key));
    memcpy(f->key, s, f->keylen);
    return 1;
}

static int j_end(void *o)
{
    return pop(o);
}

static int j_start_array(void *o)
{
    return push(o, true);
}

static const yajl_callbacks callbacks = {
    j_null, j_bool, NULL, NULL, j_number, j_string, j_start_map, j_key, j_end, j_start_array, j_end,
};

/* A yajl handle for the whole input: JSON Lines allowed, comments not.
 * yajl allocates with libc's malloc, outside --max-memory: it does not
 * survive a failed allocation, so it must not be handed one. What it
 * holds is its lexer's buffer (one token) and a byte per level, which
 * JSON_MAX_TOKEN and JSON_MAX_DEPTH bound. */
static yajl_handle j_handle(const yajl_callbacks *cb, void *opaque)
{
    yajl_handle h = yajl_alloc(cb, NULL, opaque);
    if (h) {
        yajl_config(h, yajl_allow_multiple_values, 1);
        yajl_config(h, yajl_dont_validate_strings, 0);
    }
    return h;
}

static void parse_error(jsonr *j, const unsigned char *p, size_t n, yajl_status ys)
{
    if (j->too_deep) {
        sgi_ctx_error(j->ctx, SG_E_LIMIT, "JSON nested deeper than %d levels; not checked further",
                      JSON_MAX_DEPTH);
        return;
    }
    if (ys == yajl_status_error) {
        unsigned char *msg = yajl_get_error(j->h, 0, p, n);
        size_t ml = msg ? strlen((char *)msg) : 0;
        while (ml && (msg[ml - 1] == '\n' || msg[ml - 1] == ' '))
            msg[--ml] = '\0';
        advance(j);
        sgi_ctx_error(j->ctx, SG_E_FORMAT, "JSON: %s at line %lld",
                      ml ? (const char *)msg : "syntax error", j->lineno);
        if (msg)
            yajl_free_error(j->h, msg);
    } else {
        sgi_ctx_error(j->ctx, SG_E_NOMEM, "%s", "JSON: out of memory");
    }
}

/* ------------------------------------------------------------ JSON Lines */

/* Do the first bytes hold two or more top-level objects (JSON Lines)? */
typedef struct jcount {
    unsigned depth, tops, objects;
} jcount;

static int c_scalar(void *o)
{
    jcount *c = o;
    c->tops += c->depth == 0;
    return 1;
}
static int c_bool(void *o, int b)
{
    return c_scalar(o);
}
static int c_str(void *o, const char *s, size_t n)
{
    return c_scalar(o);
}
static int c_ustr(void *o, const unsigned char *s, size_t n)
{
    return c_scalar(o);
}
static int c_map(void *o)
{
    jcount *c = o;
    c->objects += c->depth == 0;
    c->depth++;
    return 1;
}
static int c_arr(void *o)
{
    ((jcount *)o)->depth++;
    return 1;
}
static int c_end(void *o)
{
    jcount *c = o;
    if (c->depth && --c->depth == 0)
        c->tops++;
    return c->depth < 64 && c->tops < 2 ? 1 : 0; /* enough known */
}

static const yajl_callbacks count_cb = {
    c_scalar, c_bool, NULL, NULL, c_str, c_ustr, c_map, c_ustr, c_end, c_arr, c_end,
};

/* How the peek parses: 0 not JSON, 1 JSON, 2 JSON Lines of objects. */
static int sniff(const unsigned char *p, size_t n, bool complete)
{
    jcount c = {0, 0, 0};
    yajl_handle h = j_handle(&count_cb, &c);
    if (!h)
        return 0;
    yajl_status ys = yajl_parse(h, p, n);
    if (ys == yajl_status_ok && complete)
        ys = yajl_complete_parse(h);
    yajl_free(h);
    if (ys == yajl_status_error)
        return 0;
    return c.tops >= 2 && c.objects >= 1 ? 2 : 1;
}

/* ---------------------------------------------------------------- reader */

static sg_status json_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    ctx->res->pub.format = "json";
    jsonr *j = sgi_calloc(ctx->mem, 1, sizeof(*j));
    unsigned char *buf = sgi_malloc(ctx->mem, JSON_CHUNK);
    if (!j || !buf) {
        sgi_free(ctx->mem, j);
        sgi_free(ctx->mem, buf);
        return SG_E_NOMEM;
    }
    j->ctx = ctx;
    j->lineno = 1;
    j->st[0].array = true;
    size_t skip = ctx->sniff.bom_len;
    j->jsonl = sniff(pk->p + SGI_MIN(skip, pk->n), pk->n - SGI_MIN(skip, pk->n), pk->complete) ==
                   2 ||
               strcmp(ctx->ext, "jsonl") == 0 || strcmp(ctx->ext, "ndjson") == 0;
    sgi_cells_init(&j->text, ctx);
    sgi_cells_init(&j->tab, ctx);
    sgi_text_init(&j->line, ctx->mem, ctx->eng->opt_max_record);
    sgi_cells_begin(&j->text, SGI_CELLS_TEXT, "json", NULL, 0, NULL);
    j->text.lines = true;
    j->h = j_handle(&callbacks, j);
    sg_status st = j->h ? SG_OK : SG_E_NOMEM;
    yajl_status ys = yajl_status_ok;
    unsigned long long seen = 0;
    size_t quiet = 0; /* bytes parsed since a value last ended */
    while (st == SG_OK && !sgi_ctx_time_up(ctx)) {
        long r = sgi_input_read(ctx->in, buf, JSON_CHUNK);
        if (r < 0) {
            sgi_ctx_error(ctx, SG_E_IO, "read error: %s", strerror(ctx->in->err));
            break;
        }
        size_t off = SGI_MIN(skip, (size_t)r);
        skip -= off;
        j->chunk = buf + off;
        j->chunk_len = (size_t)r - off;
        j->counted = 0;
        ys = r == 0 ? yajl_complete_parse(j->h) : yajl_parse(j->h, j->chunk, j->chunk_len);
        if (ys != yajl_status_ok) {
            parse_error(j, j->chunk, j->chunk_len, ys);
            break;
        }
        advance(j);
        if (r == 0)
            break;
        quiet = j->events != seen ? 0 : quiet + j->chunk_len;
        seen = j->events;
        if (quiet > JSON_MAX_TOKEN) {
            sgi_ctx_error(ctx, SG_E_LIMIT, "JSON: more than %u MiB without a value ending (a "
                          "string that long?); not checked further", JSON_MAX_TOKEN >> 20);
            break;
        }
    }
    if (j->tab_open)
        sgi_cells_end(&j->tab, false);
    sgi_cells_end(&j->text, false);
    if (j->h)
        yajl_free(j->h);
    sgi_text_free(&j->line);
    sgi_cells_free(&j->text);
    sgi_cells_free(&j->tab);
    sgi_free(ctx->mem, j);
    sgi_free(ctx->mem, buf);
    return st;
}

/* UTF-8 text that opens with '{' or '[' and parses as JSON as far as the
 * peek goes: a text that starts "[1] Introduction" does not. */
static int json_bid(const sgi_peek *pk)
{
    if (!pk->sniff->text || (pk->sniff->enc != SGI_ENC_UTF8 && pk->sniff->enc != SGI_ENC_UTF8_BOM))
        return 0;
    size_t i = pk->sniff->bom_len;
    while (i < pk->n && (pk->p[i] == ' ' || pk->p[i] == '\t' || pk->p[i] == '\r' || pk->p[i] == '\n'))
        i++;
    if (i == pk->n || (pk->p[i] != '{' && pk->p[i] != '['))
        return 0;
    if (!sniff(pk->p + i, pk->n - i, pk->complete))
        return 0;
    bool ext = strcmp(pk->ext, "json") == 0 || strcmp(pk->ext, "jsonl") == 0 ||
               strcmp(pk->ext, "ndjson") == 0 || strcmp(pk->ext, "geojson") == 0;
    return 6 + ext;
}

const sgi_reader sgi_reader_json = {"json", json_bid, json_scan};
