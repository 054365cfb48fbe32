/*
 * read_ole_docs.c - Word 97-2003 (.doc) and PowerPoint 97-2003 (.ppt)
 * text, in OLE2 compound files opened by libgsf (read_xls.c opens the
 * file and calls here when it holds no workbook).
 *
 *   DOC  the document's text through its piece table (the CLX in the table
 *        stream: [MS-DOC] 2.4.1), split by the FIB's counts into the main
 *        text (visible), footnotes, headers and footers (visible), comments
 *        (hidden: comment), endnotes and text boxes; text the character
 *        formatting marks deleted (sprmCFRMarkDel, a tracked deletion) or
 *        hidden (sprmCFVanish) is hidden content.
 *   PPT  every text atom of the "PowerPoint Document" stream
 *        ([MS-PPT] TextCharsAtom, TextBytesAtom): slide text is visible,
 *        notes (NotesContainer, and the notes list of SlideListWithText)
 *        are speaker notes, comments (Comment10Container) hidden with their
 *        authors; the text of hidden slides (SlideShowSlideInfoAtom fHidden,
 *        found through the persist directories) is hidden.
 * Both: the property sets' metadata (author, last saved by, company).
 *
 * No Debian library reads these record formats for C; the readers are
 * small, bounded by the stream's length, and fuzzed.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "ole_private.h"

#include <string.h>

/* A stream whole (up to --max-part); NULL if absent or too large. */
static unsigned char *stream(sgi_ctx *ctx, GsfInfile *ole, const char *name, size_t *n)
{
    GsfInput *in = gsf_infile_child_by_name(ole, name);
    if (!in)
        return NULL;
    gsf_off_t size = gsf_input_size(in);
    unsigned char *b = NULL;
    if (size > 0 && (unsigned long long)size <= ctx->eng->opt_max_part)
        b = sgi_malloc(ctx->mem, (size_t)size);
    if (b && !gsf_input_read(in, (size_t)size, b)) {
        sgi_free(ctx->mem, b);
        b = NULL;
    }
    g_object_unref(in);
    *n = b ? (size_t)size : 0;
    return b;
}

static void put(sgi_text *t, const unsigned char *p, size_t nch, bool wide)
{
    sgi_ole_chars(t, p, nch, wide, true);
}

/* ------------------------------------------------------------------ DOC */

#define STORIES 8

static const struct {
    const char *part;
    unsigned flags;
    const char *reason;
} story[STORIES] = {
    {"main text", 0, NULL},
    {"footnotes", 0, NULL},
    {"headers and footers", 0, NULL},
    {"macro text", SGI_F_HIDDEN, "macro"},
    {"comments", SGI_F_HIDDEN, "comment"},
    {"endnotes", 0, NULL},
    {"text boxes", 0, NULL},
    {"header text boxes", 0, NULL},
};

typedef struct frange {
    uint32_t lo, hi; /* file offsets [lo, hi) */
} frange;

typedef struct docr {
    sgi_ctx *ctx;
    const unsigned char *wd, *tb;
    size_t wn, tn;
    frange *del; /* text marked deleted (a tracked change) */
    size_t ndel, capdel;
    frange *van; /* text formatted hidden (vanished) */
    size_t nvan, capvan;
    sgi_text text[STORIES][3]; /* [story][shown, deleted, vanished] */
    uint32_t ccp[STORIES];
} docr;

/* Size of a Prl's operand after its 2-byte sprm ([MS-DOC] 2.2.5.1). */
static size_t operand_size(unsigned sprm, const unsigned char *p, size_t left)
{
    switch (sprm >> 13) {
    case 0:
    case 1: return 1;
    case 2:
    case 4:
    case 5: return 2;
    case 3: return 4;
    case 7: return 3;
    default: return left ? 1 + (size_t)p[0] : 1; /* 6: variable, its length first */
    }
}

/* The runs of text formatted as a deletion (sprmCFRMarkDel), from the
 * character FKPs the PlcBteChpx names. */
static void read_deletions(docr *d)
{
    if (d->wn < 0x102)
        return;
    uint32_t fc = sgi_le32(d->wd + 0xFA), lcb = sgi_le32(d->wd + 0xFE);
    if (!d->tb || fc >= d->tn || lcb > d->tn - fc || lcb < 12)
        return;
    const unsigned char *plc = d->tb + fc;
    size_t n = (lcb - 4) / 8;
    for (size_t k = 0; k < n && k < 65536; k++) {
        uint32_t pn = sgi_le32(plc + 4 * (n + 1) + 4 * k) & 0x3FFFFF;
        if ((size_t)pn * 512 + 512 > d->wn)
            continue;
        const unsigned char *page = d->wd + (size_t)pn * 512;
        unsigned crun = page[511];
        if (crun == 0 || 4u * (crun + 1) + crun > 511)
            continue;
        for (unsigned r = 0; r < crun; r++) {
            unsigned off = 2u * page[4 * (crun + 1) + r];
            if (off == 0 || off >= 511)
                continue;
            size_t cb = page[off];
            const unsigned char *g = page + off + 1;
            if (off + 1 + cb > 511)
                continue;
            bool deleted = false, vanished = false;
            for (size_t i = 0; i + 2 <= cb;) {
                unsigned sprm = sgi_le16(g + i);
                size_t os = operand_size(sprm, g + i + 2, cb - i - 2);
                if (sprm == 0x0800 && i + 3 <= cb) /* sprmCFRMarkDel */
                    deleted = g[i + 2] == 1 || g[i + 2] == 0x81;
                if (sprm == 0x083C && i + 3 <= cb) /* sprmCFVanish */
                    vanished = g[i + 2] == 1 || g[i + 2] == 0x81;
                i += 2 + os;
            }
            frange fr = {sgi_le32(page + 4 * r), sgi_le32(page + 4 * (r + 1))};
            if (deleted && sgi_grow(d->ctx->mem, (void **)&d->del, &d->capdel, d->ndel + 1,
                                    sizeof(frange)))
                d->del[d->ndel++] = fr;
            else if (vanished && sgi_grow(d->ctx->mem, (void **)&d->van, &d->capvan,
                                          d->nvan + 1, sizeof(frange)))
                d->van[d->nvan++] = fr;
        }
    }
}

static bool in_ranges(const frange *r, size_t n, uint32_t fc)
{
    for (size_t i = 0; i < n; i++)
        if (fc >= r[i].lo && fc < r[i].hi)
            return true;
    return false;
}

/* 0 shown, 1 deleted (a tracked change), 2 vanished (hidden text). */
static int kind_of(const docr *d, uint32_t fc)
{
    return in_ranges(d->del, d->ndel, fc) ? 1 : in_ranges(d->van, d->nvan, fc) ? 2 : 0;
}

/* The document's characters in order through the piece table, each to its
 * story, deleted or not. */
static bool doc_text(docr *d)
{
    if (d->wn < 0x1AA)
        return false;
    /* FibRgFcLcb97 (at 0x9A): fcClx, lcbClx at 0x1A2 */
    uint32_t fc = sgi_le32(d->wd + 0x1A2), lcb = sgi_le32(d->wd + 0x1A6);
    if (!d->tb || fc >= d->tn || lcb > d->tn - fc || lcb < 5)
        return false;
    const unsigned char *clx = d->tb + fc;
    size_t i = 0;
    while (i < lcb && clx[i] == 1) { /* Prc entries */
        if (i + 3 > lcb)
            return false;
        i += 3 + sgi_le16(clx + i + 1);
    }
    if (i + 5 > lcb || clx[i] != 2)
        return false;
    uint32_t len = sgi_le32(clx + i + 1);
    const unsigned char *plc = clx + i + 5;
    if (len > lcb - i - 5 || len < 4)
        return false;
    size_t npcd = (len - 4) / 12; /* n+1 CPs of 4 bytes, n PCDs of 8 */
    uint64_t bound[STORIES];
    uint64_t acc = 0;
    for (int k = 0; k < STORIES; k++)
        bound[k] = acc += d->ccp[k];
    for (size_t k = 0; k < npcd; k++) {
        uint32_t cp0 = sgi_le32(plc + 4 * k), cp1 = sgi_le32(plc + 4 * (k + 1));
        const unsigned char *pcd = plc + 4 * (npcd + 1) + 8 * k;
        if (cp1 <= cp0)
            continue;
        uint32_t fcv = sgi_le32(pcd + 2);
        bool compressed = fcv & 0x40000000u;
        size_t off = compressed ? (fcv & 0x3FFFFFFFu) / 2 : fcv;
        size_t w = compressed ? 1 : 2;
        size_t nch = cp1 - cp0;
        if (off > d->wn || nch > (d->wn - off) / w)
            return false;
        for (size_t j = 0; j < nch; j++) {
            uint64_t cp = (uint64_t)cp0 + j;
            int st = 0;
            while (st < STORIES - 1 && cp >= bound[st])
                st++;
            size_t at = off + j * w;
            put(&d->text[st][kind_of(d, (uint32_t)at)], d->wd + at, 1, !compressed);
        }
    }
    return true;
}

static sg_status doc_scan(sgi_ctx *ctx, GsfInfile *ole, sgi_cells *cells)
{
    ctx->res->pub.format = "doc";
    docr d;
    memset(&d, 0, sizeof(d));
    d.ctx = ctx;
    unsigned char *wd = stream(ctx, ole, "WordDocument", &d.wn);
    d.wd = wd;
    if (!wd || d.wn < 0x200) {
        sgi_free(ctx->mem, wd);
        sgi_ctx_error(ctx, SG_E_FORMAT, "%s", "DOC whose WordDocument stream cannot be read");
        return SG_OK;
    }
    unsigned flags = sgi_le16(wd + 0x0A);
    if (flags & 0x0100) { /* fEncrypted */
        sgi_notice_encrypted(ctx, "encrypted DOC document", NULL);
        sgi_free(ctx->mem, wd);
        return SG_OK;
    }
    unsigned char *tb = stream(ctx, ole, flags & 0x0200 ? "1Table" : "0Table", &d.tn);
    d.tb = tb;
    /* FibRgLw97 (at 0x40): ccpText, ccpFtn, ccpHdd, ccpMcr, ccpAtn, ccpEdn,
     * ccpTxbx, ccpHdrTxbx from 0x4C, 4 bytes each */
    for (int k = 0; k < STORIES; k++) {
        d.ccp[k] = sgi_le32(wd + 0x4C + 4 * k);
        for (int kind = 0; kind < 3; kind++)
            sgi_text_init(&d.text[k][kind], ctx->mem, ctx->eng->opt_max_part);
    }
    read_deletions(&d);
    if (!doc_text(&d)) {
        sgi_ctx_error(ctx, SG_E_FORMAT, "%s", "DOC whose piece table cannot be followed");
    } else {
        unsigned long long deleted = 0, vanished = 0;
        for (int k = 0; k < STORIES; k++) {
            const sgi_text *v = &d.text[k][0], *x = &d.text[k][1], *h = &d.text[k][2];
            sgi_cells_text(cells, story[k].part, v->p ? v->p : "", v->len, story[k].flags,
                      story[k].reason);
            sgi_cells_text(cells, story[k].part, x->p ? x->p : "", x->len, SGI_F_HIDDEN,
                      "tracked deletion");
            sgi_cells_text(cells, story[k].part, h->p ? h->p : "", h->len, SGI_F_HIDDEN,
                      "hidden text");
            deleted += x->len;
            vanished += h->len;
        }
        if (vanished)
            sgi_emit_note(ctx, SGI_R_HIDDEN_VANISHED_TEXT, "hidden text", "main text", 0,
                          "hidden text: %llu characters formatted not to show", vanished);
        if (deleted)
            sgi_emit_note(ctx, SGI_R_HIDDEN_TRACKED_CHANGE, "tracked deletion", "main text", 0,
                          "tracked deletions: %llu characters deleted but kept", deleted);
    }
    for (int k = 0; k < STORIES; k++)
        for (int kind = 0; kind < 3; kind++)
            sgi_text_free(&d.text[k][kind]);
    sgi_free(ctx->mem, d.del);
    sgi_free(ctx->mem, d.van);
    sgi_free(ctx->mem, wd);
    sgi_free(ctx->mem, tb);
    return SG_OK;
}

/* ------------------------------------------------------------------ PPT */

typedef struct ppt {
    sgi_ctx *ctx;
    sgi_cells *cells;
    sgi_text slides, notes, hidden;
    unsigned long long comments, hidden_slides;
    char author[256];
    /* hidden slides: their persist ids and where their containers are */
    uint32_t *hid_ids, *hid_offs;
    size_t nhid, caphid, capoff;
    bool cur_hidden; /* the slide SlideListWithText is on is hidden */
} ppt;

static bool hidden_id(const ppt *p, uint32_t id)
{
    for (size_t i = 0; i < p->nhid; i++)
        if (p->hid_ids[i] == id)
            return true;
    return false;
}

static bool hidden_off(const ppt *p, size_t off)
{
    for (size_t i = 0; i < p->nhid; i++)
        if (p->hid_offs[i] == off)
            return true;
    return false;
}

/* Is the SlideContainer at off hidden (SlideShowSlideInfoAtom, fHidden)? */
static bool slide_hidden_at(const unsigned char *s, size_t n, size_t off)
{
    if (off + 8 > n || sgi_le16(s + off + 2) != 0x03EE)
        return false;
    uint32_t len = sgi_le32(s + off + 4);
    if (len > n - off - 8)
        return false;
    const unsigned char *b = s + off + 8;
    for (size_t i = 0; i + 8 <= len;) {
        unsigned type = sgi_le16(b + i + 2);
        uint32_t l = sgi_le32(b + i + 4);
        if (l > len - i - 8)
            break;
        if (type == 0x03F9 && l >= 12)
            return (sgi_le16(b + i + 8 + 10) & 0x04) != 0;
        i += 8 + l;
    }
    return false;
}

/* The persist directories (every one: later edits add more) name where
 * each slide's container is; the hidden ones are noted. */
static void find_hidden_slides(ppt *p, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i + 8 <= n;) {
        unsigned type = sgi_le16(s + i + 2);
        uint32_t len = sgi_le32(s + i + 4);
        if (len > n - i - 8)
            break;
        if (type == 0x1772) {
            const unsigned char *b = s + i + 8;
            for (size_t k = 0; k + 4 <= len;) {
                uint32_t w = sgi_le32(b + k);
                uint32_t id = w & 0xFFFFF, cnt = w >> 20;
                k += 4;
                for (uint32_t c = 0; c < cnt && k + 4 <= len; c++, k += 4) {
                    uint32_t off = sgi_le32(b + k);
                    if (slide_hidden_at(s, n, off) &&
                        sgi_grow(p->ctx->mem, (void **)&p->hid_ids, &p->caphid, p->nhid + 1,
                                 sizeof(uint32_t)) &&
                        sgi_grow(p->ctx->mem, (void **)&p->hid_offs, &p->capoff, p->nhid + 1,
                                 sizeof(uint32_t))) {
                        p->hid_ids[p->nhid] = id + c;
                        p->hid_offs[p->nhid] = off;
                        p->nhid++;
                    }
                }
            }
        }
        i += 8 + len;
    }
}

static void ppt_walk(ppt *p, const unsigned char *s, size_t n, size_t base, int depth,
                     bool in_notes, bool in_master, bool in_comment, bool in_hidden,
                     bool in_slide_list)
{
    size_t i = 0;
    while (i + 8 <= n) {
        unsigned vi = sgi_le16(s + i), type = sgi_le16(s + i + 2);
        uint32_t len = sgi_le32(s + i + 4);
        if (len > n - i - 8)
            break; /* a record longer than what holds it */
        const unsigned char *b = s + i + 8;
        unsigned ver = vi & 0xF, inst = vi >> 4;
        if (ver == 0xF && depth < 32) {
            bool notes = in_notes || type == 0x03F0 || (type == 0x0FF0 && inst == 2);
            bool master = in_master || type == 0x03F8 || type == 0x0FD9 ||
                          (type == 0x0FF0 && inst == 1);
            bool comment = in_comment || type == 0x2EE0;
            bool hidden = in_hidden || (type == 0x03EE && hidden_off(p, base + i));
            bool list = in_slide_list || (type == 0x0FF0 && inst == 0);
            if (type == 0x2EE0)
                p->author[0] = '\0';
            if (type == 0x0FF0)
                p->cur_hidden = false;
            ppt_walk(p, b, len, base + i + 8, depth + 1, notes, master, comment, hidden, list);
        } else if (type == 0x03F3 && in_slide_list && len >= 4) {
            /* SlidePersistAtom: the text that follows is this slide's */
            p->cur_hidden = hidden_id(p, sgi_le32(b));
            if (p->cur_hidden)
                p->hidden_slides++;
        } else if (type == 0x0FA0 || type == 0x0FA8 || (type == 0x0FBA && in_comment)) {
            bool wide = type != 0x0FA8;
            size_t nch = wide ? len / 2 : len;
            if (in_comment && type == 0x0FBA && inst == 0) {
                /* the comment's author */
                sgi_text a;
                sgi_text_init(&a, p->ctx->mem, sizeof(p->author));
                put(&a, b, nch, true);
                snprintf(p->author, sizeof(p->author), "%.*s", (int)a.len, a.p ? a.p : "");
                sgi_text_free(&a);
            } else if (in_comment && type == 0x0FBA && inst == 1) {
                sgi_text c;
                sgi_text_init(&c, p->ctx->mem, 1 << 20);
                put(&c, b, nch, true);
                p->comments++;
                const char *who = p->author[0] ? p->author : "unknown author";
                sgi_arena *ar = &p->ctx->res->arena;
                char *v = sgi_arena_printf(ar, "comment by %s: %.300s", who, c.p ? c.p : "");
                char *wm = sgi_mask_name(ar, who);
                char *m = sgi_arena_printf(ar, "comment by %s (%zu characters)", wm ? wm : "?",
                                           c.len);
                sg_location loc = {0};
                loc.part = "comments";
                if (v)
                    sgi_emit(p->ctx, SGI_R_HIDDEN_COMMENT, SGI_F_HIDDEN, "comment", v,
                             strlen(v), m ? m : v, &loc);
                sgi_cells_text(p->cells, "comments", c.p ? c.p : "", c.len, SGI_F_HIDDEN,
                          "comment");
                sgi_cells_text(p->cells, "comments", who, strlen(who),
                          SGI_F_HIDDEN | SGI_F_META, "comment author");
                sgi_text_free(&c);
            } else if (!in_master && !in_comment) {
                bool hid = !in_notes && (in_hidden || (in_slide_list && p->cur_hidden));
                sgi_text *t = in_notes ? &p->notes : hid ? &p->hidden : &p->slides;
                put(t, b, nch, wide);
                sgi_text_add(t, "\n", 1);
            }
        }
        i += 8 + len;
    }
}

static sg_status ppt_scan(sgi_ctx *ctx, GsfInfile *ole, sgi_cells *cells)
{
    ctx->res->pub.format = "ppt";
    size_t n = 0;
    unsigned char *s = stream(ctx, ole, "PowerPoint Document", &n);
    if (!s) {
        sgi_ctx_error(ctx, SG_E_FORMAT, "%s",
                      "PPT whose PowerPoint Document stream cannot be read");
        return SG_OK;
    }
    GsfInput *enc = gsf_infile_child_by_name(ole, "EncryptedSummary");
    if (enc) {
        g_object_unref(enc);
        sgi_notice_encrypted(ctx, "encrypted PPT presentation", NULL);
        sgi_free(ctx->mem, s);
        return SG_OK;
    }
    ppt p;
    memset(&p, 0, sizeof(p));
    p.ctx = ctx;
    p.cells = cells;
    sgi_text_init(&p.slides, ctx->mem, ctx->eng->opt_max_part);
    sgi_text_init(&p.notes, ctx->mem, ctx->eng->opt_max_part);
    sgi_text_init(&p.hidden, ctx->mem, ctx->eng->opt_max_part);
    find_hidden_slides(&p, s, n);
    ppt_walk(&p, s, n, 0, 0, false, false, false, false, false);
    sgi_cells_text(cells, "slides", p.slides.p ? p.slides.p : "", p.slides.len, 0, NULL);
    if (p.nhid) {
        sgi_cells_text(cells, "hidden slides", p.hidden.p ? p.hidden.p : "", p.hidden.len,
                  SGI_F_HIDDEN, "hidden slide");
        sgi_emit_note(ctx, SGI_R_HIDDEN_SLIDE, "hidden slide", "hidden slides", 0,
                      "%zu hidden slide%s (%zu characters of text)", p.nhid,
                      p.nhid == 1 ? "" : "s", p.hidden.len);
    }
    if (p.notes.len) {
        sgi_cells_text(cells, "notes", p.notes.p, p.notes.len, SGI_F_HIDDEN, "speaker notes");
        sgi_emit_note(ctx, SGI_R_HIDDEN_SPEAKER_NOTES, "speaker notes", "notes", 0,
                      "speaker notes (%zu characters)", p.notes.len);
    }
    sgi_text_free(&p.slides);
    sgi_text_free(&p.notes);
    sgi_text_free(&p.hidden);
    sgi_free(ctx->mem, p.hid_ids);
    sgi_free(ctx->mem, p.hid_offs);
    sgi_free(ctx->mem, s);
    return SG_OK;
}

sg_status sgi_ole_docs_scan(sgi_ctx *ctx, GsfInfile *ole, sgi_cells *cells)
{
    GsfInput *wd = gsf_infile_child_by_name(ole, "WordDocument");
    if (wd) {
        g_object_unref(wd);
        return doc_scan(ctx, ole, cells);
    }
    GsfInput *pp = gsf_infile_child_by_name(ole, "PowerPoint Document");
    if (pp) {
        g_object_unref(pp);
        return ppt_scan(ctx, ole, cells);
    }
    return SG_E_UNSUPPORTED;
}
