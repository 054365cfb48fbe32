/*
 * read_csv.c - CSV and TSV (RFC 4180 quoting), streamed.
 *
 * Bid: the delimiter is sniffed on the decoded peek (comma, semicolon,
 * tab, pipe): the one that splits the first records into the same number
 * of fields wins. Scan: the input is decoded and cut into blocks of whole
 * records; each block is parsed into fields (their bounds in the block),
 * then scanned by every detector at once, and every match is held to the
 * cell it starts in. The first block decides whether row 1 is a header.
 *
 * A record longer than SG_OPT_MAX_RECORD_BYTES is cut where the buffer ends
 * and parsing goes on in the same field, so memory stays bounded.
 *
 * Rows are numbered from 1 as a spreadsheet shows the file (the header is
 * row 1); columns by their header text, index from 1, and letter.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define RAW_CHUNK (256u * 1024u)
#define SNIFF_RECORDS 50
#define MAX_HEADER 200

/* --------------------------------------------------------------- sniffing */

typedef struct sniff_result {
    char delim;
    size_t records;
    size_t fields; /* the usual number of fields per record */
    double agree;  /* fraction of records with that number */
} sniff_result;

/* Count fields per record for delimiter d over the first records. */
static void sniff_delim(const char *s, size_t n, bool complete, char d, sniff_result *out)
{
    size_t counts[SNIFF_RECORDS];
    size_t nonempty2 = 0;
    size_t nrec = 0, fields = 1, nonempty = 0, flen = 0;
    bool inq = false, at_start = true;
    size_t i = 0;
    for (; i < n && nrec < SNIFF_RECORDS; i++) {
        char c = s[i];
        if (inq) {
            if (c == '"') {
                if (i + 1 < n && s[i + 1] == '"')
                    i++;
                else
                    inq = false;
            }
            flen++;
            continue;
        }
        if (c == '"' && at_start) {
            inq = true;
            at_start = false;
            flen++;
            continue;
        }
        if (c == d || c == '\n') {
            nonempty += flen > 0;
            flen = 0;
            at_start = true;
            if (c == d) {
                fields++;
                continue;
            }
            counts[nrec++] = fields;
            nonempty2 += nonempty >= 2;
            fields = 1;
            nonempty = 0;
            continue;
        }
        if (c != '\r' && c != ' ')
            flen++;
        at_start = false;
    }
    if (nrec < SNIFF_RECORDS && i >= n && complete && (fields > 1 || flen > 0)) {
        nonempty += flen > 0;
        counts[nrec++] = fields;
        nonempty2 += nonempty >= 2;
    }
    memset(out, 0, sizeof(*out));
    out->delim = d;
    out->records = nrec;
    if (nrec == 0)
        return;
    /* the most common field count */
    size_t best = 0, bestc = 0;
    for (size_t a = 0; a < nrec; a++) {
        size_t c = 0;
        for (size_t b = 0; b < nrec; b++)
            c += counts[b] == counts[a];
        if (c > bestc || (c == bestc && counts[a] > best)) {
            bestc = c;
            best = counts[a];
        }
    }
    out->fields = best;
    out->agree = (double)bestc / (double)nrec;
    /* indented prose splits on tabs into an empty field and a line */
    if (nonempty2 * 2 < nrec)
        out->agree = 0;
}

static bool csv_sniff(const sgi_peek *pk, sniff_result *best)
{
    static const char delims[] = {'\t', ';', ',', '|'};
    bool ext = strcmp(pk->ext, "csv") == 0 || strcmp(pk->ext, "tsv") == 0 ||
               strcmp(pk->ext, "tab") == 0;
    memset(best, 0, sizeof(*best));
    if (!pk->text)
        return false;
    for (size_t i = 0; i < SGI_ARRAY_LEN(delims); i++) {
        if (!memchr(pk->text, delims[i], pk->textlen))
            continue; /* one field a record: no CSV of this delimiter */
        sniff_result r;
        sniff_delim(pk->text, pk->textlen, pk->complete, delims[i], &r);
        if (r.fields < 2)
            continue;
        bool ok = ext ? (r.agree >= 0.5 || r.records == 1) : (r.records >= 2 && r.agree >= 0.9);
        if (!ok)
            continue;
        if (r.agree > best->agree || (r.agree == best->agree && r.fields > best->fields))
            *best = r;
    }
    if (best->delim == 0 && ext) {
        /* a one-column CSV is still a CSV */
        best->delim = strcmp(pk->ext, "csv") == 0 ? ',' : '\t';
        best->fields = 1;
    }
    return best->delim != 0;
}

/* csv_sniff, once a peek: the bid's, kept for the scan (sniffing four
 * delimiters was a fifth of a small file's scan, done twice) */
static bool csv_sniff_once(const sgi_peek *pk, sniff_result *r)
{
    static _Thread_local struct {
        unsigned long long id;
        bool ok;
        sniff_result r;
    } last;
    if (last.id != pk->id) {
        last.ok = csv_sniff(pk, &last.r);
        last.id = pk->id;
    }
    *r = last.r;
    return last.ok;
}

static int csv_bid(const sgi_peek *pk)
{
    sniff_result r;
    if (!pk->sniff->text || !csv_sniff_once(pk, &r))
        return 0;
    bool ext = strcmp(pk->ext, "csv") == 0 || strcmp(pk->ext, "tsv") == 0;
    return r.fields >= 2 ? 3 + ext : 2 + ext; /* text bids 2 */
}

/* --------------------------------------------------------------- parsing */

typedef struct csv_field {
    size_t start, end;         /* content in the block, quotes excluded */
    size_t row_start;          /* start of its record in the block */
    unsigned long long row;    /* 1-based */
    long long line;            /* physical line where the field starts */
    uint32_t col;              /* 0-based */
    signed char looks;         /* sgi_table_cell's: looks like a name (-1: not asked) */
} csv_field;

typedef struct csv_state {
    sgi_ctx *ctx;
    char delim;
    char *buf;
    size_t len, cap;
    csv_field *f;
    size_t nf, capf;
    /* parser state at the start of the next block */
    unsigned long long row;
    long long line;
    uint32_t col;
    bool mid_record; /* the block starts inside a record (a forced cut) */
    bool mid_quotes;
    /* header */
    bool header_decided, has_header;
    const char **letters; /* interned column letters */
    size_t nletters;
    sgi_table table;
    unsigned long long last_row_seen;
    bool last_row_blank;
    size_t cursor; /* field_at's guess: lookups come in increasing order */
} csv_state;

static bool push_field(csv_state *cs, size_t start, size_t end, size_t row_start,
                       unsigned long long row, long long line, uint32_t col)
{
    if (cs->nf == cs->capf &&
        !sgi_grow(cs->ctx->mem, (void **)&cs->f, &cs->capf, cs->nf + 1, sizeof(csv_field)))
        return false;
    if (end < start)
        end = start;
    cs->f[cs->nf++] = (csv_field){start, end, row_start, row, line, col, -1};
    return true;
}

/* The first x or y in b[i, n), or n; sixteen bytes at a time. */
static size_t find2(const char *b, size_t i, size_t n, char x, char y)
{
#if defined(__SSE2__)
    const __m128i vx = _mm_set1_epi8(x), vy = _mm_set1_epi8(y);
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        int m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, vx), _mm_cmpeq_epi8(v, vy)));
        if (m)
            return i + (size_t)__builtin_ctz((unsigned)m);
        i += 16;
    }
#endif
    while (i < n && b[i] != x && b[i] != y)
        i++;
    return i;
}

/*
 * Parse buf[0, n) into fields. Returns the end of the last complete
 * record (the cut), or 0 if there is none yet; with final or forced, the
 * cut is n. Fields after the cut are dropped; state for the next block is
 * saved in cs.
 */
static sg_status parse_block(csv_state *cs, size_t n, bool final, bool forced, size_t *cut_out)
{
    const char *b = cs->buf;
    const char d = cs->delim;
    cs->nf = 0;
    unsigned long long row = cs->row;
    long long line = cs->line;
    uint32_t col = cs->mid_record ? cs->col : 0;
    bool inq = cs->mid_record && cs->mid_quotes;
    bool closed = false; /* a closing quote was seen in this field */
    size_t field_start = 0, content = 0, content_end = 0, record_start = 0;
    long long field_line = line;
    size_t cut = 0, nf_cut = 0;
    unsigned long long row_cut = row;
    long long line_cut = line;

    size_t i = 0;
    while (i < n) {
        if (inq) {
            i = find2(b, i, n, '"', '\n');
            if (i >= n)
                break;
            if (b[i] == '\n') {
                line++;
                i++;
                continue;
            }
            if (i + 1 < n && b[i + 1] == '"') {
                i += 2; /* "" is a quote */
                continue;
            }
            if (i + 1 == n && !final && !forced)
                break; /* "" may straddle: decide with more input */
            inq = false;
            closed = true;
            content_end = i;
            i++;
            continue;
        }
        if (i == field_start && b[i] == '"' && !closed) {
            inq = true;
            content = i + 1;
            i++;
            continue;
        }
        i = find2(b, i, n, d, '\n');
        if (i >= n)
            break;
        char c = b[i];
        size_t end = closed ? content_end : i;
        if (!closed && c == '\n' && end > content && b[end - 1] == '\r')
            end--;
        if (!push_field(cs, content, end, record_start, row, field_line, col))
            return SG_E_NOMEM;
        if (c == d) {
            col++;
        } else {
            row++;
            line++;
            col = 0;
            record_start = i + 1;
            cut = i + 1;
            nf_cut = cs->nf;
            row_cut = row;
            line_cut = line;
        }
        field_start = content = i + 1;
        closed = false;
        field_line = line;
        i++;
    }

    if (final || forced) {
        bool pending = field_start < n || col > 0 || inq;
        if (pending && i >= n) {
            size_t end = closed ? content_end : n;
            if (!closed && end > content && b[end - 1] == '\r')
                end--;
            if (!push_field(cs, content, end, record_start, row, field_line, col))
                return SG_E_NOMEM;
        }
        if (final) {
            if (pending)
                row++;
            cs->row = row;
            cs->line = line;
            cs->mid_record = false;
        } else {
            /* forced: the next block goes on inside this record */
            cs->row = row;
            cs->line = line;
            cs->col = col;
            cs->mid_record = pending;
            cs->mid_quotes = inq;
        }
        *cut_out = n;
        return SG_OK;
    }
    cs->nf = nf_cut;
    if (cut) {
        cs->row = row_cut;
        cs->line = line_cut;
        cs->mid_record = false;
    }
    *cut_out = cut;
    return SG_OK;
}

/* ---------------------------------------------------------------- header */

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

static bool numeric(const char *s, size_t n)
{
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= '0' && c <= '9') {
            digits++;
        } else if (i + 1 < n && memcmp(s + i, "\xC2\xA3", 2) == 0) { /* pound sign */
            i++;
        } else if (i + 2 < n && memcmp(s + i, "\xE2\x82\xAC", 3) == 0) { /* euro sign */
            i += 2;
        } else if (!sgi_in(c, " ,.-+%$()") || c == 0) {
            return false;
        }
    }
    return digits > 0;
}

/* Row 1 is a header when its cells read like labels for the cells below
 * (text above numbers, known header words, a length unlike the values'). */
static bool decide_header(const csv_state *cs)
{
    const char *b = cs->buf;
    int votes = 0;
    size_t first_end = 0;
    while (first_end < cs->nf && cs->f[first_end].row == 1)
        first_end++;
    if (first_end == 0)
        return false;
    for (size_t k = 0; k < first_end; k++) {
        const csv_field *h = &cs->f[k];
        const char *hs = b + h->start;
        size_t hn = h->end - h->start;
        if (blank(hs, hn))
            continue;
        if (numeric(hs, hn)) {
            votes -= 2;
            continue;
        }
        if (sgi_colkind_of_header(hs, hn) != SGI_COL_OTHER) {
            votes += 2;
            continue;
        }
        size_t cells = 0, nums = 0, equal = 0;
        size_t len0 = SIZE_MAX;
        bool all_same_len = true;
        for (size_t j = first_end; j < cs->nf && cs->f[j].row <= 1 + SNIFF_RECORDS; j++) {
            const csv_field *v = &cs->f[j];
            if (v->col != h->col)
                continue;
            size_t vn = v->end - v->start;
            if (blank(b + v->start, vn))
                continue;
            cells++;
            nums += numeric(b + v->start, vn);
            if (len0 == SIZE_MAX)
                len0 = vn;
            all_same_len &= vn == len0;
            equal += vn == hn && memcmp(b + v->start, hs, hn) == 0;
        }
        if (cells == 0)
            continue;
        if (equal)
            votes--;
        else if (nums * 2 > cells)
            votes++;
        else if (all_same_len && len0 != hn)
            votes++;
    }
    return votes > 0;
}

static const char *col_letter(csv_state *cs, uint32_t col)
{
    if (col >= SGI_TABLE_MAX_COLS)
        return NULL;
    if (col >= cs->nletters) {
        size_t cap = cs->nletters;
        if (!sgi_grow(cs->ctx->mem, (void **)&cs->letters, &cap, col + 1, sizeof(char *)))
            return NULL;
        for (size_t i = cs->nletters; i < cap; i++)
            cs->letters[i] = NULL;
        cs->nletters = cap;
    }
    if (!cs->letters[col]) {
        char tmp[16];
        sgi_column_letter((long long)col + 1, tmp);
        cs->letters[col] = sgi_arena_strndup(&cs->ctx->res->arena, tmp, strlen(tmp));
    }
    return cs->letters[col];
}

static const sgi_table_col *header_col(const csv_state *cs, uint32_t col)
{
    if (!cs->has_header)
        return NULL;
    const sgi_table_col *tc = sgi_table_col_find(&cs->table, col);
    return tc && tc->header ? tc : NULL;
}

static const char *col_header(const csv_state *cs, uint32_t col)
{
    const sgi_table_col *tc = header_col(cs, col);
    return tc ? tc->header : NULL;
}

static void set_headers(csv_state *cs)
{
    sgi_arena *ar = &cs->ctx->res->arena;
    for (size_t k = 0; k < cs->nf && cs->f[k].row == 1; k++) {
        const csv_field *h = &cs->f[k];
        const char *s = cs->buf + h->start;
        size_t n = h->end - h->start;
        while (n && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (n > MAX_HEADER)
            n = MAX_HEADER;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80) /* whole characters */
            n--;
        const char *copy = sgi_arena_strndup(ar, s, n);
        if (copy)
            sgi_table_set_header(&cs->table, h->col, copy, n);
    }
}

/* --------------------------------------------------------------- scanning */

/* The field whose content contains pos, or NULL. Lookups mostly come in
 * increasing order, so the search starts where the last one ended. */
static const csv_field *field_at(csv_state *cs, size_t pos)
{
    size_t i = cs->cursor;
    if (i >= cs->nf || cs->f[i].start > pos) {
        size_t lo = 0, hi = cs->nf;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cs->f[mid].start <= pos)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0)
            return NULL;
        i = lo - 1;
    } else {
        while (i + 1 < cs->nf && cs->f[i + 1].start <= pos)
            i++;
    }
    cs->cursor = i;
    const csv_field *f = &cs->f[i];
    return pos < f->end ? f : NULL;
}

static void csv_locate(void *opaque, size_t pos, sgi_cand *c)
{
    csv_state *cs = opaque;
    const csv_field *f = field_at(cs, pos);
    if (!f) {
        c->lo = c->hi = pos;
        return;
    }
    c->lo = f->start;
    c->hi = f->end;
    c->ctx_lo = f->row_start;
    const sgi_table_col *tc = f->row > 1 ? header_col(cs, f->col) : NULL;
    c->header = tc ? tc->header : NULL;
    c->header_len = tc ? tc->header_len : 0;
    c->header_kind = tc ? (int)tc->header_kind : 0;
}

static bool is_name_col(const csv_state *cs, uint32_t col)
{
    const sgi_table_col *tc = header_col(cs, col);
    if (!tc)
        return false;
    return sgi_table_col_names(tc);
}

static sg_status csv_block(csv_state *cs, size_t cut)
{
    sg_scanner *sc = cs->ctx->sc;
    const char *b = cs->buf;
    unsigned long long data_from = cs->has_header ? 2 : 1;

    sc->hits.n = 0;
    sc->locator = csv_locate;
    sc->locator_opaque = cs;
    cs->cursor = 0;
    sg_status st = sgi_detect(sc, b, 0, 0, cut);
    sc->locator = NULL;
    if (st != SG_OK)
        return st;

    /* every cell: table statistics, and names in name columns */
    for (size_t i = 0; i < cs->nf; i++) {
        csv_field *f = &cs->f[i];
        size_t n = f->end - f->start;
        if (f->row < data_from)
            continue;
        if (f->row != cs->last_row_seen) {
            cs->last_row_seen = f->row;
            cs->last_row_blank = true;
        }
        if (!blank(b + f->start, n) && cs->last_row_blank) {
            cs->last_row_blank = false;
            cs->table.data_rows++;
        }
        f->looks = (signed char)sgi_table_cell(&cs->table, f->row, f->col, b + f->start, n);
    }
    /* then names in name columns: known once the block is counted, so the
     * answer for each of the first columns is kept for the block */
    signed char name_col[64];
    memset(name_col, -1, sizeof(name_col));
    for (size_t i = 0; i < cs->nf; i++) {
        const csv_field *f = &cs->f[i];
        size_t n = f->end - f->start;
        if (f->row < data_from)
            continue;
        bool in_names;
        if (f->col < sizeof(name_col)) {
            if (name_col[f->col] < 0)
                name_col[f->col] = is_name_col(cs, f->col);
            in_names = name_col[f->col];
        } else {
            in_names = is_name_col(cs, f->col);
        }
        if (in_names &&
            sgi_cell_is_name(cs->ctx->eng, b + f->start, n, f->looks)) {
            size_t s = f->start, e = f->end;
            while (s < e && (b[s] == ' ' || b[s] == '\t'))
                s++;
            while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t'))
                e--;
            if (!sgi_hits_push(&sc->hits, cs->ctx->mem, s, e, SGI_R_PERSON_NAME, 0))
                return SG_E_NOMEM;
        }
    }
    if (!sgi_hits_settle(&sc->hits, &sc->eng->mem))
        return SG_E_NOMEM;

    cs->cursor = 0;
    bool special = sgi_table_special(&cs->table);
    for (size_t i = 0; i < sc->hits.n; i++) {
        const sgi_hit *h = &sc->hits.v[i];
        const csv_field *f = field_at(cs, h->start);
        if (!f)
            continue;
        if (f->row >= data_from)
            sgi_table_hit(&cs->table, f->col, (int)h->rule, f->row);
        if (sgi_emit_counted(cs->ctx, (int)h->rule, SGI_F_SPECIAL, b + h->start, h->end - h->start))
            continue;
        sg_location loc = {0};
        loc.offset = -1;
        loc.row = (long long)f->row;
        loc.column = f->row > 1 ? col_header(cs, f->col) : NULL;
        loc.column_index = (long long)f->col + 1;
        loc.column_letter = col_letter(cs, f->col);
        loc.line = f->line;
        for (size_t k = f->start; k < h->start; k++)
            loc.line += b[k] == '\n';
        /* a table with a column of special-category data, or a field
         * about it ("victim of assault, Jane Smith") */
        unsigned fl = 0;
        if (sgi_id_is_pii(sgi_rules[h->rule].info.id) && f->row >= data_from &&
            (special || sgi_special_words(b + f->start, f->end - f->start)))
            fl = SGI_F_SPECIAL;
        sgi_emit(cs->ctx, (int)h->rule, fl, NULL, b + h->start, h->end - h->start, NULL, &loc);
    }
    return SG_OK;
}

static sg_status csv_scan(sgi_ctx *ctx, const sgi_peek *pk)
{
    const sgi_mem *mem = ctx->mem;
    sgi_result *res = ctx->res;
    sniff_result sn;
    if (!csv_sniff_once(pk, &sn))
        sn.delim = ',';
    res->pub.format = sn.delim == '\t' ? "tsv" : "csv";
    res->pub.encoding = sgi_encoding_name(ctx->sniff.enc);

    csv_state cs;
    memset(&cs, 0, sizeof(cs));
    cs.ctx = ctx;
    cs.delim = sn.delim;
    cs.row = 1;
    cs.line = 1;
    sgi_table_init(&cs.table, mem);
    cs.table.eng = ctx->eng;
    size_t max_record = (size_t)ctx->eng->opt_max_record;
    cs.cap = max_record + 3 * RAW_CHUNK + 64;
    cs.buf = sgi_malloc(mem, cs.cap);
    unsigned char *raw = sgi_malloc(mem, RAW_CHUNK);
    size_t *fb = NULL, nfb = 0, fbcap = 0; /* CSV does not report offsets */
    sg_status st = (cs.buf && raw) ? SG_OK : SG_E_NOMEM;
    sgi_decoder dec;
    sgi_decoder_init(&dec, ctx->sniff.enc, ctx->sniff.bom_len);

    while (st == SG_OK) {
        bool final = false;
        if (cs.len < max_record) { /* room for another chunk */
            long r = sgi_input_read(ctx->in, raw, RAW_CHUNK);
            if (r < 0) {
                sgi_ctx_error(ctx, SG_E_IO, "read error: %s", strerror(ctx->in->err));
                st = SG_E_IO;
                break;
            }
            bool nomem = false;
            final = r == 0;
            cs.len += sgi_decode(&dec, raw, (size_t)r, cs.buf + cs.len, cs.len, final, mem, &fb,
                                 &nfb, &fbcap, &nomem);
            nfb = 0;
            if (nomem) {
                st = SG_E_NOMEM;
                break;
            }
        }
        size_t cut = 0;
        st = parse_block(&cs, cs.len, final, false, &cut);
        if (st == SG_OK && cut == 0 && !final) {
            if (cs.len < max_record)
                continue; /* no whole record yet: read more */
            /* a record longer than the limit: cut it here */
            st = parse_block(&cs, cs.len, false, true, &cut);
        }
        if (st != SG_OK)
            break;
        if (!cs.header_decided) {
            cs.header_decided = true;
            cs.has_header = decide_header(&cs);
            if (cs.has_header)
                set_headers(&cs);
        }
        if (sgi_ctx_time_up(ctx))
            break; /* the file has its error */
        st = csv_block(&cs, cut);
        if (st != SG_OK || final)
            break;
        memmove(cs.buf, cs.buf + cut, cs.len - cut);
        cs.len -= cut;
    }
    if (st == SG_OK) {
        if (cs.table.nomem)
            st = SG_E_NOMEM;
        sg_location loc = {0};
        loc.offset = -1;
        loc.row = cs.has_header ? 2 : 1;
        sgi_table_finish(&cs.table, ctx, &loc, 0, NULL);
    }
    sgi_free(mem, fb);
    sgi_free(mem, cs.letters);
    sgi_free(mem, cs.f);
    sgi_table_free(&cs.table);
    sgi_free(mem, cs.buf);
    sgi_free(mem, raw);
    return st;
}

const sgi_reader sgi_reader_csv = {"csv", csv_bid, csv_scan};
