/*
 * cells.c - scanning texts that come one by one from a parsed document:
 * the cells of a sheet, the records of a pivot cache, the paragraphs of a
 * document part. Readers add each text with where it is and whether it is
 * hidden; the texts are joined into a batch (one per line) and every
 * detector runs over the batch at once, each match held to its own text.
 *
 * In table mode the batch also decides the header row from the first rows
 * (the first row of text cells that labels what follows, preferring one
 * with known header words), classifies columns (detect_tables.c), finds
 * names in name columns, and at the end reports a table of people and
 * cells far outside the rest of the data ("remote cells").
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>

#define BATCH_BYTES (256u * 1024u)
#define BATCH_ITEMS 16384u
#define HEADER_ROWS 30 /* rows looked at for the header */
#define MAX_COLS 16384 /* Excel's last column, XFD */
#define MAX_INTERVALS 4096
#define REMOTE_COL_GAP 26
#define REMOTE_ROW_GAP 1000

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

static bool numeric(const char *s, size_t n)
{
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if (!sgi_in(c, " ,.-+%$()E"))
            return false;
    }
    return digits > 0;
}

void sgi_cells_init(sgi_cells *c, sgi_ctx *ctx)
{
    memset(c, 0, sizeof(*c));
    c->ctx = ctx;
    sgi_table_init(&c->tab, ctx->mem);
    c->tab.eng = ctx->eng;
}

void sgi_cells_free(sgi_cells *c)
{
    const sgi_mem *mem = c->ctx->mem;
    sgi_free(mem, c->buf);
    sgi_free(mem, c->items);
    sgi_free(mem, c->letters);
    sgi_free(mem, c->col_cells);
    sgi_free(mem, c->col_pii);
    sgi_free(mem, c->iv);
    sgi_table_free(&c->tab);
}

void sgi_cells_begin(sgi_cells *c, sgi_cells_mode mode, const char *part, const char *sheet,
                     unsigned table_flags, const char *table_reason)
{
    c->mode = mode;
    c->part = part;
    c->sheet = sheet;
    c->slide = 0;
    c->lines = false;
    c->page = 0;
    c->revision = 0;
    c->text_layer = NULL;
    c->len = 0;
    c->n = 0;
    c->header_decided = false;
    c->header_row = 0;
    c->last_row = 0;
    c->last_row_blank = true;
    c->table_flags = table_flags;
    c->table_reason = table_reason;
    c->first_finding = c->ctx->res->nfindings;
    c->cells = 0;
    c->pii = 0;
    c->niv = 0;
    c->max_col = 0;
    sgi_table_free(&c->tab);
    sgi_table_init(&c->tab, c->ctx->mem);
    c->tab.eng = c->ctx->eng;
    if (c->col_cells) {
        memset(c->col_cells, 0, MAX_COLS * sizeof(*c->col_cells));
        memset(c->col_pii, 0, MAX_COLS * sizeof(*c->col_pii));
    }
}

void sgi_cells_headers(sgi_cells *c, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n && i < SGI_TABLE_MAX_COLS; i++)
        if (names[i])
            sgi_table_set_header(&c->tab, i, names[i], strlen(names[i]));
    c->header_decided = true;
    c->header_row = 0;
    c->headers_given = true;
}

/* ------------------------------------------------------------ occupancy */

static bool occupancy(sgi_cells *c)
{
    if (c->col_cells)
        return true;
    c->col_cells = sgi_calloc(c->ctx->mem, MAX_COLS, sizeof(*c->col_cells));
    c->col_pii = sgi_calloc(c->ctx->mem, MAX_COLS, sizeof(*c->col_pii));
    c->iv = sgi_calloc(c->ctx->mem, MAX_INTERVALS, sizeof(*c->iv));
    if (!c->col_cells || !c->col_pii || !c->iv) {
        /* all or none: begin() clears them when col_cells is there */
        sgi_free(c->ctx->mem, c->col_cells);
        sgi_free(c->ctx->mem, c->col_pii);
        sgi_free(c->ctx->mem, c->iv);
        c->col_cells = c->col_pii = NULL;
        c->iv = NULL;
        c->nomem = true;
        return false;
    }
    return true;
}

/* The interval of occupied rows holding row (rows come in order, mostly). */
static sgi_cells_interval *interval_of(sgi_cells *c, unsigned long long row, bool add)
{
    for (size_t i = c->niv; i-- > 0;) {
        sgi_cells_interval *v = &c->iv[i];
        if (row >= v->first && row <= v->last + 1) {
            if (add && row > v->last)
                v->last = row;
            return v;
        }
        if (row > v->last)
            break;
    }
    if (!add)
        return NULL;
    if (c->niv == MAX_INTERVALS) {
        /* too many: join the last two, and the gap between them */
        c->iv[c->niv - 2].last = c->iv[c->niv - 1].last;
        c->iv[c->niv - 2].cells += c->iv[c->niv - 1].cells;
        c->iv[c->niv - 2].pii += c->iv[c->niv - 1].pii;
        c->niv--;
    }
    sgi_cells_interval *v = &c->iv[c->niv++];
    v->first = v->last = row;
    v->cells = v->pii = 0;
    return v;
}

/* ----------------------------------------------------------------- add */

static bool is_name_col(const sgi_cells *c, uint32_t col)
{
    const sgi_table_col *tc = sgi_table_col_find(&c->tab, col);
    if (!tc)
        return false;
    return sgi_table_col_names(tc);
}

/* The header row: among the first rows, a row of two or more text cells
 * followed by more rows; the one with the most known header words wins,
 * else the first. */
static void decide_header(sgi_cells *c)
{
    c->header_decided = true;
    c->header_row = 0;
    if (c->n == 0)
        return;
    unsigned long long first = c->items[0].row;
    unsigned long long best_row = 0;
    int best_score = -1;
    size_t i = 0;
    while (i < c->n && c->items[i].row < first + HEADER_ROWS) {
        unsigned long long row = c->items[i].row;
        size_t j = i;
        int cells = 0, kinds = 0;
        bool text = true;
        for (; j < c->n && c->items[j].row == row; j++) {
            const sgi_cells_item *it = &c->items[j];
            const char *s = c->buf + it->start;
            size_t n = it->end - it->start;
            if (blank(s, n))
                continue;
            cells++;
            if (numeric(s, n))
                text = false;
            else if (sgi_colkind_of_header(s, n) != SGI_COL_OTHER)
                kinds++;
        }
        bool more = j < c->n;
        if (cells >= 2 && text && more) {
            int score = kinds * 2;
            if (score > best_score) {
                best_score = score;
                best_row = row;
            }
        }
        i = j;
    }
    if (best_score < 0)
        return;
    c->header_row = best_row;
    for (size_t k = 0; k < c->n; k++) {
        const sgi_cells_item *it = &c->items[k];
        if (it->row != best_row)
            continue;
        const char *s = c->buf + it->start;
        size_t n = it->end - it->start;
        while (n && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (n > 200)
            n = 200;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        const char *copy = sgi_arena_strndup(&c->ctx->res->arena, s, n);
        if (copy)
            sgi_table_set_header(&c->tab, it->col, copy, n);
    }
}

static const char *col_letter(sgi_cells *c, uint32_t col)
{
    if (col >= MAX_COLS)
        return NULL;
    if (col >= c->nletters) {
        size_t cap = c->nletters;
        if (!sgi_grow(c->ctx->mem, (void **)&c->letters, &cap, col + 1, sizeof(char *)))
            return NULL;
        memset(c->letters + c->nletters, 0, (cap - c->nletters) * sizeof(char *));
        c->nletters = cap;
    }
    if (!c->letters[col]) {
        char tmp[16];
        sgi_column_letter((long long)col + 1, tmp);
        c->letters[col] = sgi_arena_strndup(&c->ctx->res->arena, tmp, strlen(tmp));
    }
    return c->letters[col];
}

static const sgi_cells_item *item_at(sgi_cells *c, size_t pos)
{
    size_t i = c->cursor;
    if (i >= c->n || c->items[i].start > pos) {
        size_t lo = 0, hi = c->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (c->items[mid].start <= pos)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0)
            return NULL;
        i = lo - 1;
    } else {
        while (i + 1 < c->n && c->items[i + 1].start <= pos)
            i++;
    }
    c->cursor = i;
    const sgi_cells_item *it = &c->items[i];
    return pos < it->end ? it : NULL;
}

static const sgi_table_col *header_col(const sgi_cells *c, const sgi_cells_item *it)
{
    if (c->mode != SGI_CELLS_TABLE || it->row <= c->header_row)
        return NULL;
    if (!c->header_row && !c->headers_given)
        return NULL;
    const sgi_table_col *tc = sgi_table_col_find(&c->tab, it->col);
    return tc && tc->header ? tc : NULL;
}

static const char *header_of(const sgi_cells *c, const sgi_cells_item *it)
{
    const sgi_table_col *tc = header_col(c, it);
    return tc ? tc->header : NULL;
}

static void locate(void *opaque, size_t pos, sgi_cand *cand)
{
    sgi_cells *c = opaque;
    const sgi_cells_item *it = item_at(c, pos);
    if (!it) {
        cand->lo = cand->hi = pos;
        return;
    }
    cand->lo = it->start;
    cand->hi = it->end;
    cand->ctx_lo = it->row_start;
    const sgi_table_col *tc = header_col(c, it);
    cand->header = tc ? tc->header : NULL;
    cand->header_len = tc ? tc->header_len : 0;
    cand->header_kind = tc ? (int)tc->header_kind : 0;
}

static sg_status flush(sgi_cells *c)
{
    if (c->n == 0)
        return SG_OK;
    sgi_ctx *ctx = c->ctx;
    sg_scanner *sc = ctx->sc;
    bool table = c->mode == SGI_CELLS_TABLE;
    if (table && !c->header_decided)
        decide_header(c);

    sc->hits.n = 0;
    sc->locator = locate;
    sc->locator_opaque = c;
    c->cursor = 0;
    sg_status st = sgi_detect(sc, c->buf, 0, 0, c->len);
    sc->locator = NULL;
    if (st != SG_OK)
        return st;

    /* table statistics and names in name columns */
    if (table) {
        unsigned long long from = c->header_row + 1;
        for (size_t i = 0; i < c->n; i++) {
            sgi_cells_item *it = &c->items[i];
            const char *s = c->buf + it->start;
            size_t n = it->end - it->start;
            if (it->row < from)
                continue;
            if (it->row != c->last_row) {
                c->last_row = it->row;
                c->last_row_blank = true;
            }
            if (c->last_row_blank && !blank(s, n)) {
                c->last_row_blank = false;
                c->tab.data_rows++;
            }
            it->looks = (signed char)sgi_table_cell(&c->tab, it->row, it->col, s, n);
        }
        /* then names in name columns: known once the batch is counted */
        for (size_t i = 0; i < c->n; i++) {
            const sgi_cells_item *it = &c->items[i];
            const char *s = c->buf + it->start;
            size_t n = it->end - it->start;
            if (it->row < from)
                continue;
            if (is_name_col(c, it->col) && (c->header_row || c->headers_given) &&
                sgi_cell_is_name(ctx->eng, s, n, it->looks)) {
                size_t a = it->start, e = it->end;
                while (a < e && (c->buf[a] == ' ' || c->buf[a] == '\t'))
                    a++;
                while (e > a && (c->buf[e - 1] == ' ' || c->buf[e - 1] == '\t'))
                    e--;
                if (!sgi_hits_push(&sc->hits, ctx->mem, a, e, SGI_R_PERSON_NAME, 0))
                    return SG_E_NOMEM;
            }
        }
    }
    if (!sgi_hits_settle(&sc->hits, ctx->mem))
        return SG_E_NOMEM;

    c->cursor = 0;
    bool special = table && sgi_table_special(&c->tab);
    const sg_engine *eng = ctx->eng;
    for (size_t i = 0; i < sc->hits.n; i++) {
        const sgi_hit *h = &sc->hits.v[i];
        const sgi_cells_item *it = item_at(c, h->start);
        if (!it)
            continue;
        bool pii = sgi_id_is_pii(sgi_rules[h->rule].info.id);
        if (table) {
            if (it->row > c->header_row)
                sgi_table_hit(&c->tab, it->col, (int)h->rule, it->row);
            if (pii && c->col_pii && it->col < MAX_COLS) {
                c->col_pii[it->col]++;
                sgi_cells_interval *v = interval_of(c, it->row, false);
                if (v)
                    v->pii++;
                c->pii++;
            }
        }
        if (sgi_emit_counted(ctx, (int)h->rule, it->flags | SGI_F_SPECIAL, c->buf + h->start,
                             h->end - h->start))
            continue;
        sg_location loc = {0};
        loc.offset = -1;
        loc.part = c->part;
        loc.sheet = c->sheet;
        loc.slide = c->slide;
        if (c->mode != SGI_CELLS_TEXT) {
            loc.row = (long long)it->row;
            loc.column_index = (long long)it->col + 1;
            loc.column_letter = col_letter(c, it->col);
            loc.column = header_of(c, it);
            /* a cell reference (on sheets), only for what is stored */
            if (c->sheet && ctx->res->counts[h->rule] < eng->opt_max_findings &&
                loc.column_letter)
                loc.cell = sgi_arena_printf(&ctx->res->arena, "%s%llu", loc.column_letter,
                                            it->row);
        }
        if (c->mode == SGI_CELLS_TEXT && c->page > 0) {
            loc.page = c->page;
            loc.line = (long long)it->row;
            loc.revision = c->revision;
            loc.text_layer = c->text_layer;
        } else if (c->mode == SGI_CELLS_TEXT && c->lines) {
            loc.line = (long long)it->row;
        } else if (c->mode == SGI_CELLS_TEXT) {
            loc.paragraph = (long long)it->row;
        }
        unsigned fl = it->flags;
        if (pii && ((table && special && it->row > c->header_row) ||
                    sgi_special_words(c->buf + it->start, it->end - it->start)))
            fl |= SGI_F_SPECIAL;
        sgi_emit(ctx, (int)h->rule, fl, it->reason, c->buf + h->start, h->end - h->start,
                 NULL, &loc);
    }
    c->len = 0;
    c->n = 0;
    return c->nomem ? SG_E_NOMEM : SG_OK;
}

sg_status sgi_cells_add(sgi_cells *c, unsigned long long row, uint32_t col, const char *text,
                        size_t len, unsigned flags, const char *reason)
{
    const sgi_mem *mem = c->ctx->mem;
    if (len == 0 || blank(text, len))
        return SG_OK;
    /* --timeout: past it, nothing more is added (the file is an error) */
    if (c->ctx->timed_out || ((++c->tick & 1023) == 0 && sgi_ctx_time_up(c->ctx)))
        return SG_E_LIMIT;
    if (len > c->ctx->eng->opt_max_record)
        len = (size_t)c->ctx->eng->opt_max_record; /* a cell is not a file */
    if (c->len + len + 1 > c->cap &&
        !sgi_grow(mem, (void **)&c->buf, &c->cap, c->len + len + 1, 1))
        return SG_E_NOMEM;
    if (!sgi_grow(mem, (void **)&c->items, &c->capn, c->n + 1, sizeof(sgi_cells_item)))
        return SG_E_NOMEM;
    sgi_cells_item *it = &c->items[c->n];
    it->start = c->len;
    it->end = c->len + len;
    it->row = row;
    it->col = col;
    it->flags = flags;
    it->looks = -1;
    it->reason = reason;
    bool same_row = c->n && c->items[c->n - 1].row == row;
    it->row_start = same_row ? c->items[c->n - 1].row_start : it->start;
    memcpy(c->buf + c->len, text, len);
    c->buf[c->len + len] = '\n';
    c->len += len + 1;
    c->n++;
    if (c->mode == SGI_CELLS_TABLE && occupancy(c) && col < MAX_COLS) {
        c->col_cells[col]++;
        c->cells++;
        if (col > c->max_col)
            c->max_col = col;
        sgi_cells_interval *v = interval_of(c, row, true);
        if (v)
            v->cells++;
    }
    /* wait for the header rows before the first flush */
    bool header_ready = c->header_decided || c->mode != SGI_CELLS_TABLE ||
                        row >= c->items[0].row + HEADER_ROWS;
    if ((c->len >= BATCH_BYTES || c->n >= BATCH_ITEMS) && header_ready)
        return flush(c);
    if (c->len >= 8 * BATCH_BYTES)
        return flush(c); /* huge cells: decide with what there is */
    return SG_OK;
}

/* ------------------------------------------------------------- remote */

/* Mark the stored findings of this batch in remote cells as hidden. */
static void retag(sgi_cells *c, uint32_t col_from, unsigned long long row_from)
{
    sgi_result *res = c->ctx->res;
    for (size_t i = c->first_finding; i < res->nfindings; i++) {
        sg_finding *f = &res->findings[i];
        if (f->location.sheet != c->sheet || f->location.row <= 0 || f->hidden)
            continue;
        bool remote = (col_from && (uint32_t)f->location.column_index - 1 >= col_from) ||
                      (row_from && (unsigned long long)f->location.row >= row_from);
        if (!remote)
            continue;
        f->hidden = 1;
        f->hidden_reason = "remote cell";
        sgi_result_rejudge(res, f, SGI_F_HIDDEN);
    }
}

static void remote_cells(sgi_cells *c)
{
    if (!c->col_cells || c->cells < 2)
        return;
    /* Columns: data past a gap of REMOTE_COL_GAP empty columns from the
     * data nearer A1 is where nobody scrolls, however much of it there is
     * (the ICO's "moved into remote columns"). Rows likewise past
     * REMOTE_ROW_GAP empty rows. */
    uint32_t col_from = 0;
    unsigned long long col_cells = 0, col_pii = 0;
    uint32_t last = UINT32_MAX;
    for (uint32_t k = 0; k <= c->max_col; k++) {
        if (!c->col_cells[k])
            continue;
        if (last != UINT32_MAX && k - last > REMOTE_COL_GAP) {
            col_from = k;
            for (uint32_t m = k; m <= c->max_col; m++) {
                col_cells += c->col_cells[m];
                col_pii += c->col_pii[m];
            }
            break;
        }
        last = k;
    }
    unsigned long long row_from = 0, row_cells = 0, row_pii = 0;
    for (size_t i = 1; i < c->niv; i++) {
        if (c->iv[i].first - c->iv[i - 1].last <= REMOTE_ROW_GAP)
            continue;
        row_from = c->iv[i].first;
        for (size_t j = i; j < c->niv; j++) {
            row_cells += c->iv[j].cells;
            row_pii += c->iv[j].pii;
        }
        break;
    }
    if (!col_from && !row_from)
        return;
    char desc[256], letter[16];
    size_t o = 0;
    if (col_from) {
        sgi_column_letter((long long)col_from + 1, letter);
        o += (size_t)snprintf(desc + o, sizeof(desc) - o, "%llu cells from column %s", col_cells,
                              letter);
    }
    if (row_from)
        o += (size_t)snprintf(desc + o, sizeof(desc) - o, "%s%llu cells from row %llu",
                              col_from ? "; " : "", row_cells, row_from);
    sg_location loc = {0};
    loc.offset = -1;
    loc.part = c->part;
    loc.sheet = c->sheet;
    if (col_from) {
        loc.column_index = col_from + 1;
        loc.column_letter = col_letter(c, col_from);
    }
    if (row_from)
        loc.row = (long long)row_from;
    sg_finding *f = sgi_emit(c->ctx, SGI_R_HIDDEN_REMOTE_CELLS, SGI_F_HIDDEN, "remote cell", desc,
                             strlen(desc), desc, &loc);
    if (f)
        f->message = sgi_arena_printf(&c->ctx->res->arena,
                                      "data far from the rest of the sheet: %s%s", desc,
                                      (col_pii || row_pii) ? ", with personal data" : "");
    retag(c, col_from, row_from);
    if (col_pii || row_pii) /* personal data there, listed or not */
        for (int r = 0; r < SGI_RULE_COUNT; r++)
            if (sgi_id_is_pii(sgi_rules[r].info.id) && c->ctx->res->counts[r]) {
                sg_verdict v = sgi_rule_verdict(r, SGI_F_HIDDEN);
                if (v > c->ctx->res->worst)
                    c->ctx->res->worst = v;
                break;
            }
}

sg_status sgi_cells_end(sgi_cells *c, bool remote)
{
    sg_status st = flush(c);
    if (st != SG_OK)
        return st;
    if (c->mode != SGI_CELLS_TABLE)
        return SG_OK;
    if (remote)
        remote_cells(c);
    if (c->tab.nomem || c->nomem)
        return SG_E_NOMEM;
    sg_location loc = {0};
    loc.offset = -1;
    loc.part = c->part;
    loc.sheet = c->sheet;
    loc.row = (long long)c->header_row + 1;
    sgi_table_finish(&c->tab, c->ctx, &loc, c->table_flags, c->table_reason);
    return SG_OK;
}

void sgi_cells_retag(sgi_cells *c, bool (*pred)(void *opaque, const sg_finding *f), void *opaque,
                     unsigned flags, const char *reason)
{
    sgi_result *res = c->ctx->res;
    for (size_t i = c->first_finding; i < res->nfindings; i++) {
        sg_finding *f = &res->findings[i];
        if (f->location.sheet != c->sheet || !pred(opaque, f))
            continue;
        f->hidden = (flags & SGI_F_HIDDEN) != 0;
        f->hidden_reason = reason;
        sgi_result_rejudge(res, f, flags);
    }
}

void sgi_cells_text(sgi_cells *c, const char *part, const char *s, size_t n, unsigned flags,
                    const char *reason)
{
    if (!n)
        return;
    sgi_cells_begin(c, SGI_CELLS_TEXT, part, NULL, 0, NULL);
    unsigned long long para = 0;
    size_t a = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '\n')
            continue;
        para++;
        if (i > a)
            sgi_cells_add(c, para, 0, s + a, i - a, flags, reason);
        a = i + 1;
    }
    sgi_cells_end(c, false);
}
