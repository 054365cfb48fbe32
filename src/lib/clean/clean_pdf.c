/*
 * clean_pdf.c - a PDF rewritten without what the reader cannot see, on
 * MuPDF (the scanner's own context: its memory cap and time limit hold).
 *
 * Page by page:
 *   1. redaction annotations the author placed but never applied are
 *      applied (MuPDF's redaction: text, image pixels and links under
 *      them go, black boxes are drawn);
 *   2. the page is recorded as the scan records it (pdf_page.c), and
 *      every glyph a reader cannot see (under a box, white, invisible,
 *      clipped, off the page...; not the invisible OCR layer of a scan) is
 *      noted by its origin and character;
 *   3. the content stream is rewritten through MuPDF's filter processor:
 *      the noted glyphs are dropped (the boxes over them stay), and so is
 *      everything in a layer that is off;
 *   4. annotations: notes, pop-ups, attachments, sounds, movies, hidden
 *      ones and hidden form fields go; those that draw on the page keep
 *      their appearance and lose their text, author and dates; actions
 *      that run JavaScript go; page thumbnails and metadata go.
 * Then the document: the JavaScript and embedded-file name trees, the
 * open action if it is a script, additional actions, XFA forms, the
 * optional-content (layer) configuration, /Info and XMP metadata; the
 * EXIF and trailing data of every JPEG image. The file is written whole
 * (not appended to), unused objects dropped: earlier revisions are gone.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "clean_private.h"

#include "../readers/pdf_private.h"

#include <math.h>

typedef struct pclean {
    sgi_clean *c;
    sgi_pdf_state *st;
    fz_context *fz;
    pdf_document *doc;
    /* the glyphs to drop from the page being filtered */
    uint64_t *keys;
    size_t nkeys, capkeys;
    fz_matrix page_ctm;
    /* layers that are off */
    int off[256];
    int noff;
    unsigned long long layer_glyphs, layer_marks;
    unsigned long long glyphs_dropped, missed, annots_removed, annots_stripped, widgets,
        scripts, pictures, flattened;
    bool nomem;
} pclean;

static uint64_t key_of(int ucs, float x, float y)
{
    long long ix = llroundf(x), iy = llroundf(y);
    uint64_t h = (uint64_t)(unsigned)ucs * 0x9E3779B97F4A7C15ULL;
    h ^= (uint64_t)ix * 0xC2B2AE3D27D4EB4FULL;
    h ^= (uint64_t)iy * 0x165667B19E3779F9ULL;
    return h | 1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void add_key(pclean *p, uint64_t k)
{
    if (p->nkeys == p->capkeys) {
        size_t nc = p->capkeys ? p->capkeys * 2 : 256;
        uint64_t *nk = realloc(p->keys, nc * sizeof(uint64_t));
        if (!nk) {
            p->nomem = true;
            return;
        }
        p->keys = nk;
        p->capkeys = nc;
    }
    p->keys[p->nkeys++] = k;
}

static bool has_key(const pclean *p, uint64_t k)
{
    return p->nkeys && bsearch(&k, p->keys, p->nkeys, sizeof(uint64_t), cmp_u64);
}

/* The filter asks about every glyph: drop it if it is one noted hidden
 * (its origin within a point of where the recording saw it). */
static int text_filter(fz_context *ctx, void *opaque, int *ucs, int n, fz_matrix trm,
                       fz_matrix ctm, fz_rect bbox)
{
    (void)ctx;
    (void)bbox;
    pclean *p = opaque;
    if (!p->nkeys || n < 1)
        return 0;
    fz_matrix m = fz_concat(trm, ctm);
    fz_point o = fz_transform_point(fz_make_point(m.e, m.f), p->page_ctm);
    for (int dx = -1; dx <= 1; dx++)
        for (int dy = -1; dy <= 1; dy++)
            if (has_key(p, key_of(ucs[0], o.x + (float)dx, o.y + (float)dy))) {
                p->glyphs_dropped++;
                return 1;
            }
    return 0;
}

/* Record the page as the scan records it. */
static void record_page(pclean *p, pdf_page *page, pdf_page_rec *rec)
{
    fz_context *ctx = p->fz;
    sgi_pdf_page_drop_images(ctx, rec);
    sgi_pdf_page_reset(rec, pdf_bound_page(ctx, page));
    fz_cookie cookie;
    memset(&cookie, 0, sizeof(cookie));
    p->st->cookie = &cookie;
    fz_try(ctx)
        sgi_pdf_page_run(p->st, page, rec, &cookie);
    fz_always(ctx)
        p->st->cookie = NULL;
    fz_catch(ctx)
        fz_rethrow(ctx);
    if (p->st->timed_out)
        fz_throw(ctx, FZ_ERROR_GENERIC, "time limit reached");
    if (rec->nomem)
        fz_throw(ctx, FZ_ERROR_GENERIC, "out of memory");
    if (rec->truncated)
        fz_throw(ctx, FZ_ERROR_GENERIC, "more marks than the per-page limit");
}

static uint64_t mark_key(const pdf_mark *m)
{
    uint64_t h = 1469598103934665603ULL;
    float v[4] = {m->r.x0, m->r.y0, m->r.x1, m->r.y1};
    for (int i = 0; i < 4; i++) {
        h ^= (uint64_t)llroundf(v[i]);
        h *= 1099511628211ULL;
    }
    return h;
}

/* Note the page's hidden glyphs: those a reader cannot see, and those only
 * a layer that is off shows. */
static void note_hidden_glyphs(pclean *p, pdf_page *page, pdf_page_rec *rec)
{
    fz_context *ctx = p->fz;
    fz_rect mediabox;
    pdf_page_transform(ctx, page, &mediabox, &p->page_ctm);
    record_page(p, page, rec);
    /* filled annotations hide what is under them (and stay) */
    pdf_obj *annots = pdf_dict_get(ctx, page->obj, PDF_NAME(Annots));
    for (int i = 0, n = pdf_array_len(ctx, annots); i < n; i++) {
        pdf_obj *a = pdf_array_get(ctx, annots, i);
        const char *type = pdf_to_name(ctx, pdf_dict_get(ctx, a, PDF_NAME(Subtype)));
        int flags = pdf_dict_get_int(ctx, a, PDF_NAME(F));
        if ((flags & (2 | 32)) || strcmp(type, "Square") != 0 ||
            pdf_array_len(ctx, pdf_dict_get(ctx, a, PDF_NAME(IC))) == 0)
            continue;
        pdf_obj *ca = pdf_dict_get(ctx, a, PDF_NAME(CA));
        if (!pdf_is_number(ctx, ca) || pdf_to_real(ctx, ca) >= 0.99f)
            sgi_pdf_page_annot_mark(
                rec, fz_transform_rect(pdf_dict_get_rect(ctx, a, PDF_NAME(Rect)), p->page_ctm),
                "a filled annotation");
    }
    sgi_pdf_page_classify(rec);
    p->nkeys = 0;
    for (size_t i = 0; i < rec->ng; i++) {
        const pdf_glyph *g = &rec->g[i];
        if (g->vis == PDF_VISIBLE || g->vis == PDF_OCR)
            continue;
        add_key(p, key_of(g->ucs, g->ox, g->oy));
    }
    if (p->noff) {
        /* what the page shows by default, then with every layer on */
        size_t ns = rec->ng, nm = rec->nm;
        uint64_t *shown = malloc((ns + nm + 1) * sizeof(uint64_t));
        if (!shown)
            fz_throw(ctx, FZ_ERROR_GENERIC, "out of memory");
        for (size_t i = 0; i < ns; i++)
            shown[i] = key_of(rec->g[i].ucs, rec->g[i].ox, rec->g[i].oy);
        for (size_t i = 0; i < nm; i++)
            shown[ns + i] = mark_key(&rec->m[i]);
        qsort(shown, ns + nm, sizeof(uint64_t), cmp_u64);
        for (int i = 0; i < p->noff; i++)
            pdf_enable_layer(ctx, p->doc, p->off[i], 1);
        fz_try(ctx)
            record_page(p, page, rec);
        fz_always(ctx)
            for (int i = 0; i < p->noff; i++)
                pdf_enable_layer(ctx, p->doc, p->off[i], 0);
        fz_catch(ctx)
        {
            free(shown);
            fz_rethrow(ctx);
        }
        for (size_t i = 0; i < rec->ng; i++) {
            uint64_t k = key_of(rec->g[i].ucs, rec->g[i].ox, rec->g[i].oy);
            if (!bsearch(&k, shown, ns + nm, sizeof(uint64_t), cmp_u64)) {
                add_key(p, k);
                p->layer_glyphs++;
            }
        }
        for (size_t i = 0; i < rec->nm; i++) {
            uint64_t k = mark_key(&rec->m[i]);
            if (!bsearch(&k, shown, ns + nm, sizeof(uint64_t), cmp_u64))
                p->layer_marks++;
        }
        free(shown);
    }
    if (p->nomem)
        fz_throw(ctx, FZ_ERROR_GENERIC, "out of memory");
    if (p->nkeys)
        qsort(p->keys, p->nkeys, sizeof(uint64_t), cmp_u64);
}

/* The page's content through the filter: hidden glyphs dropped (when
 * any were noted), layers that are off left out. */
static void filter_page(pclean *p, pdf_page *page)
{
    fz_context *ctx = p->fz;
    pdf_document *doc = p->doc;
    pdf_obj *contents = pdf_page_contents(ctx, page);
    pdf_obj *old_res = pdf_page_resources(ctx, page);
    int struct_parents = pdf_dict_get_int(ctx, page->obj, PDF_NAME(StructParents));
    if (!pdf_dict_get(ctx, page->obj, PDF_NAME(StructParents)))
        struct_parents = -1;
    pdf_filter_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.opaque = p;
    opts.text_filter = text_filter;
    opts.instance_forms = 1; /* forms used here are copied and filtered too */
    opts.sanitize = 1;
    fz_buffer *buf = NULL;
    pdf_obj *new_res = NULL, *stm = NULL;
    pdf_processor *pb = NULL, *pf = NULL;
    fz_var(buf);
    fz_var(new_res);
    fz_var(stm);
    fz_var(pb);
    fz_var(pf);
    fz_try(ctx)
    {
        buf = fz_new_buffer(ctx, 4096);
        new_res = pdf_new_dict(ctx, doc, 1);
        pb = pdf_new_buffer_processor(ctx, buf, 0);
        pf = pdf_new_filter_processor(ctx, doc, pb, old_res, new_res, struct_parents,
                                      fz_identity, &opts);
        /* what a layer that is off holds is never passed on */
        pf->usage = "View";
        pdf_process_contents(ctx, pf, doc, old_res, contents, NULL);
        pdf_close_processor(ctx, pf);
        pdf_close_processor(ctx, pb);
        stm = pdf_add_object_drop(ctx, doc, pdf_new_dict(ctx, doc, 1));
        pdf_update_stream(ctx, doc, stm, buf, 0);
        pdf_dict_put(ctx, page->obj, PDF_NAME(Contents), stm);
        pdf_dict_put(ctx, page->obj, PDF_NAME(Resources), new_res);
    }
    fz_always(ctx)
    {
        pdf_drop_processor(ctx, pf);
        pdf_drop_processor(ctx, pb);
        fz_drop_buffer(ctx, buf);
        pdf_drop_obj(ctx, new_res);
        pdf_drop_obj(ctx, stm);
    }
    fz_catch(ctx)
        fz_rethrow(ctx);
}

static bool is_script(fz_context *ctx, pdf_obj *action)
{
    for (int i = 0; pdf_is_dict(ctx, action) && i < 32; i++) {
        pdf_obj *s = pdf_dict_get(ctx, action, PDF_NAME(S));
        if (pdf_name_eq(ctx, s, PDF_NAME(JavaScript)) || pdf_name_eq(ctx, s, PDF_NAME(Launch)) ||
            (pdf_is_name(ctx, s) && strcmp(pdf_to_name(ctx, s), "ImportData") == 0) || (pdf_is_name(ctx, s) && strcmp(pdf_to_name(ctx, s), "SubmitForm") == 0))
            return true;
        action = pdf_dict_get(ctx, action, PDF_NAME(Next));
    }
    return false;
}

/* Actions of a dictionary: additional actions go, a script action goes. */
static void drop_actions(pclean *p, pdf_obj *dict)
{
    fz_context *ctx = p->fz;
    if (pdf_dict_get(ctx, dict, PDF_NAME(AA))) {
        pdf_dict_del(ctx, dict, PDF_NAME(AA));
        p->scripts++;
    }
    if (is_script(ctx, pdf_dict_get(ctx, dict, PDF_NAME(A)))) {
        pdf_dict_del(ctx, dict, PDF_NAME(A));
        p->scripts++;
    }
}

/* A form field's value, wherever up its parents it is kept. */
static void drop_field_value(fz_context *ctx, pdf_obj *w)
{
    for (int up = 0; w && up < 16; up++, w = pdf_dict_get(ctx, w, PDF_NAME(Parent))) {
        pdf_dict_del(ctx, w, PDF_NAME(V));
        pdf_dict_dels(ctx, w, "RV");
        pdf_dict_del(ctx, w, PDF_NAME(AP));
        if (pdf_dict_get(ctx, w, PDF_NAME(T)))
            break;
    }
}

/* The appearance a widget shows now: its normal appearance, or the state
 * of it that /AS names (a check box, a radio button). */
static pdf_obj *shown_appearance(fz_context *ctx, pdf_obj *a)
{
    pdf_obj *const n = pdf_dict_get(ctx, pdf_dict_get(ctx, a, PDF_NAME(AP)), PDF_NAME(N));
    if (pdf_is_stream(ctx, n))
        return n;
    pdf_obj *const state = pdf_dict_get(ctx, n, pdf_dict_get(ctx, a, PDF_NAME(AS)));
    return pdf_is_stream(ctx, state) ? state : NULL;
}

/* A form field flattened: its appearance is drawn into the page's content
 * where the reader saw it (ISO 32000-1, 12.5.5: the appearance's box,
 * through its matrix, mapped onto the annotation's rectangle), and the
 * field, with its value, goes. What the field showed stays; a value it
 * did not show (a stale one, a list's other choices) does not. */
static void flatten_widget(pclean *p, pdf_page *page, pdf_obj *a, pdf_obj *ap)
{
    fz_context *ctx = p->fz;
    if (!ap)
        return;
    fz_rect bbox = pdf_dict_get_rect(ctx, ap, PDF_NAME(BBox));
    fz_rect tb = fz_transform_rect(bbox, pdf_dict_get_matrix(ctx, ap, PDF_NAME(Matrix)));
    fz_rect r = pdf_dict_get_rect(ctx, a, PDF_NAME(Rect));
    if (fz_is_empty_rect(tb) || fz_is_empty_rect(r))
        return;
    float sx = (r.x1 - r.x0) / (tb.x1 - tb.x0), sy = (r.y1 - r.y0) / (tb.y1 - tb.y0);
    pdf_obj *res = NULL, *xo = NULL, *contents = NULL, *pre = NULL, *post = NULL;
    fz_buffer *b = NULL;
    fz_var(res);
    fz_var(xo);
    fz_var(contents);
    fz_var(pre);
    fz_var(post);
    fz_var(b);
    fz_try(ctx)
    {
        if (!pdf_dict_get(ctx, ap, PDF_NAME(Subtype)))
            pdf_dict_put(ctx, ap, PDF_NAME(Subtype), PDF_NAME(Form));
        pdf_dict_put(ctx, ap, PDF_NAME(Type), PDF_NAME(XObject));
        /* the page's own copies of its resources and their XObjects:
         * either may be shared with other pages */
        pdf_obj *old = pdf_dict_get_inheritable(ctx, page->obj, PDF_NAME(Resources));
        res = pdf_is_dict(ctx, old) ? pdf_copy_dict(ctx, old) : pdf_new_dict(ctx, p->doc, 2);
        pdf_obj *ox = pdf_dict_get(ctx, res, PDF_NAME(XObject));
        xo = pdf_is_dict(ctx, ox) ? pdf_copy_dict(ctx, ox) : pdf_new_dict(ctx, p->doc, 1);
        char name[32];
        for (int k = 0;; k++) {
            snprintf(name, sizeof(name), "SGField%d", k);
            if (!pdf_dict_gets(ctx, xo, name))
                break;
        }
        pdf_dict_puts(ctx, xo, name, ap);
        pdf_dict_put(ctx, res, PDF_NAME(XObject), xo);
        pdf_dict_put(ctx, page->obj, PDF_NAME(Resources), res);
        /* the old content in q...Q, so its state cannot leak into ours */
        b = fz_new_buffer_from_copied_data(ctx, (const unsigned char *)"q\n", 2);
        pre = pdf_add_stream(ctx, p->doc, b, NULL, 0);
        fz_drop_buffer(ctx, b);
        b = NULL;
        b = fz_new_buffer(ctx, 128);
        fz_append_printf(ctx, b, "\nQ\nq %g 0 0 %g %g %g cm /%s Do Q\n", sx, sy,
                         r.x0 - tb.x0 * sx, r.y0 - tb.y0 * sy, name);
        post = pdf_add_stream(ctx, p->doc, b, NULL, 0);
        pdf_obj *c = pdf_dict_get(ctx, page->obj, PDF_NAME(Contents));
        contents = pdf_new_array(ctx, p->doc, 4);
        pdf_array_push(ctx, contents, pre);
        if (pdf_is_array(ctx, c))
            for (int i = 0, n = pdf_array_len(ctx, c); i < n; i++)
                pdf_array_push(ctx, contents, pdf_array_get(ctx, c, i));
        else if (pdf_is_stream(ctx, c))
            pdf_array_push(ctx, contents, c);
        pdf_array_push(ctx, contents, post);
        pdf_dict_put(ctx, page->obj, PDF_NAME(Contents), contents);
    }
    fz_always(ctx)
    {
        pdf_drop_obj(ctx, res);
        pdf_drop_obj(ctx, xo);
        pdf_drop_obj(ctx, contents);
        pdf_drop_obj(ctx, pre);
        pdf_drop_obj(ctx, post);
        fz_drop_buffer(ctx, b);
    }
    fz_catch(ctx)
        fz_rethrow(ctx);
}

static void clean_annotations(pclean *p, pdf_page *page)
{
    fz_context *ctx = p->fz;
    pdf_obj *annots = pdf_dict_get(ctx, page->obj, PDF_NAME(Annots));
    static const char *const drop[] = {"Text",  "Popup",    "FileAttachment", "Sound",
                                       "Movie", "Screen",   "RichMedia",      "3D",
                                       "Redact", "Projection", NULL};
    for (int i = 0; i < pdf_array_len(ctx, annots);) {
        pdf_obj *a = pdf_array_get(ctx, annots, i);
        const char *type = pdf_to_name(ctx, pdf_dict_get(ctx, a, PDF_NAME(Subtype)));
        int flags = pdf_dict_get_int(ctx, a, PDF_NAME(F));
        bool hidden = (flags & (2 | 32)) != 0;
        bool gone = hidden || !pdf_is_dict(ctx, a);
        for (size_t k = 0; drop[k] && !gone; k++)
            gone = strcmp(type, drop[k]) == 0;
        if (strcmp(type, "Widget") == 0) {
            drop_actions(p, a);
            for (pdf_obj *f = pdf_dict_get(ctx, a, PDF_NAME(Parent)); f;
                 f = pdf_dict_get(ctx, f, PDF_NAME(Parent))) {
                drop_actions(p, f);
                if (pdf_mark_obj(ctx, f))
                    break; /* a loop */
                pdf_unmark_obj(ctx, f);
            }
            if (hidden) {
                drop_field_value(ctx, a);
                p->widgets++;
            } else {
                flatten_widget(p, page, a, shown_appearance(ctx, a));
                p->flattened++;
            }
            gone = true;
        } else if (strcmp(type, "Link") == 0) {
            drop_actions(p, a);
            gone = false;
        }
        if (gone) {
            pdf_array_delete(ctx, annots, i);
            if (strcmp(type, "Popup") != 0)
                p->annots_removed++;
            continue;
        }
        if (strcmp(type, "Widget") != 0 && strcmp(type, "Link") != 0) {
            /* it draws on the page: its look stays, its words go */
            static const char *const keys[] = {"Contents", "T",  "RC", "Popup", "IRT",
                                               "Subj",     "NM", "M",  "CreationDate",
                                               "ExData",   NULL};
            bool any = false;
            for (size_t k = 0; keys[k]; k++) {
                pdf_obj *key = pdf_new_name(ctx, keys[k]);
                if (pdf_dict_get(ctx, a, key)) {
                    pdf_dict_del(ctx, a, key);
                    any = true;
                }
                pdf_drop_obj(ctx, key);
            }
            drop_actions(p, a);
            p->annots_stripped += any;
        }
        i++;
    }
    if (pdf_array_len(ctx, annots) == 0)
        pdf_dict_del(ctx, page->obj, PDF_NAME(Annots));
}

static bool has_author_redactions(fz_context *ctx, pdf_page *page)
{
    pdf_obj *annots = pdf_dict_get(ctx, page->obj, PDF_NAME(Annots));
    for (int i = 0, n = pdf_array_len(ctx, annots); i < n; i++) {
        pdf_obj *a = pdf_array_get(ctx, annots, i);
        if (pdf_name_eq(ctx, pdf_dict_get(ctx, a, PDF_NAME(Subtype)), PDF_NAME(Redact)) &&
            !(pdf_dict_get_int(ctx, a, PDF_NAME(F)) & (2 | 32)))
            return true;
    }
    return false;
}

static void clean_page(pclean *p, int index, pdf_page_rec *rec)
{
    fz_context *ctx = p->fz;
    pdf_page *page = NULL;
    fz_var(page);
    fz_try(ctx)
    {
        page = pdf_load_page(ctx, p->doc, index);
        if (has_author_redactions(ctx, page)) {
            pdf_redact_options ro = {1, PDF_REDACT_IMAGE_PIXELS};
            pdf_redact_page(ctx, p->doc, page, &ro);
            sgi_clean_note(p->c, "page %d: redactions marked but never applied, applied",
                           index + 1);
            fz_drop_page(ctx, (fz_page *)page);
            page = pdf_load_page(ctx, p->doc, index);
        }
        fz_try(ctx)
            pdf_update_page(ctx, page); /* appearances a viewer would make first */
        fz_catch(ctx)
        {
            if (p->st->timed_out || p->st->over_memory)
                fz_rethrow(ctx);
        }
        clean_annotations(p, page);
        /* the fields drawn into the page may hide what lies under them */
        fz_drop_page(ctx, (fz_page *)page);
        page = NULL;
        page = pdf_load_page(ctx, p->doc, index);
        note_hidden_glyphs(p, page, rec);
        unsigned long long before = p->glyphs_dropped;
        filter_page(p, page);
        if (p->glyphs_dropped > before)
            sgi_clean_note(p->c, "page %d: %llu hidden characters removed from the page",
                           index + 1, p->glyphs_dropped - before);
        if (p->glyphs_dropped - before < p->nkeys)
            p->missed++; /* noted, not met by the filter: the re-scan will judge */
        drop_actions(p, page->obj);
        pdf_dict_dels(ctx, page->obj, "Thumb");
        pdf_dict_del(ctx, page->obj, PDF_NAME(Metadata));
        pdf_dict_dels(ctx, page->obj, "PieceInfo");
    }
    fz_always(ctx)
        fz_drop_page(ctx, (fz_page *)page);
    fz_catch(ctx)
        fz_rethrow(ctx);
}

/* One stream object: its XMP goes; if it is a JPEG image (JPEG last in
 * its filter chain: ASCII85 or Flate may wrap it), its EXIF, XMP and
 * trailing data go too, and the JPEG is stored as it is. */
static void clean_stream_object(pclean *p, int num)
{
    fz_context *ctx = p->fz;
    pdf_obj *o = pdf_new_indirect(ctx, p->doc, num, 0);
    fz_buffer *nb = NULL;
    fz_image *img = NULL;
    unsigned char *clean = NULL;
    fz_var(nb);
    fz_var(img);
    fz_var(clean);
    fz_try(ctx)
    {
        /* An indirect /Length may point anywhere, at its own stream too
         * (which sends MuPDF's writer round in circles): the writer sets
         * the length itself, so a direct number is all it needs. */
        pdf_obj *l = pdf_dict_get(ctx, o, PDF_NAME(Length));
        if (pdf_is_indirect(ctx, l))
            pdf_dict_put_int(ctx, o, PDF_NAME(Length),
                             pdf_is_int(ctx, pdf_resolve_indirect(ctx, l)) ? pdf_to_int(ctx, l) : 0);
        if (pdf_dict_get(ctx, o, PDF_NAME(Metadata)))
            pdf_dict_del(ctx, o, PDF_NAME(Metadata));
        pdf_obj *f = pdf_dict_get(ctx, o, PDF_NAME(Filter));
        if (pdf_is_array(ctx, f))
            f = pdf_array_get(ctx, f, pdf_array_len(ctx, f) - 1);
        fz_compressed_buffer *cb = NULL;
        if (pdf_name_eq(ctx, pdf_dict_get(ctx, o, PDF_NAME(Subtype)), PDF_NAME(Image)) &&
            pdf_name_eq(ctx, f, PDF_NAME(DCTDecode))) {
            img = pdf_load_image(ctx, p->doc, o);
            cb = fz_compressed_image_buffer(ctx, img);
        }
        unsigned char *data = NULL;
        size_t len = 0, m = 0;
        if (cb && cb->buffer && cb->params.type == FZ_IMAGE_JPEG) {
            len = m = fz_buffer_storage(ctx, cb->buffer, &data);
            clean = sgi_clean_picture(data, &m);
        }
        if (clean && m < len) {
            nb = fz_new_buffer_from_copied_data(ctx, clean, m);
            pdf_obj *parms = pdf_dict_get(ctx, o, PDF_NAME(DecodeParms));
            if (pdf_is_array(ctx, parms))
                parms = pdf_array_get(ctx, parms, pdf_array_len(ctx, parms) - 1);
            if (pdf_is_dict(ctx, parms))
                pdf_dict_put(ctx, o, PDF_NAME(DecodeParms), parms);
            else
                pdf_dict_del(ctx, o, PDF_NAME(DecodeParms));
            pdf_update_stream(ctx, p->doc, o, nb, 1);
            pdf_dict_put(ctx, o, PDF_NAME(Filter), PDF_NAME(DCTDecode));
            p->pictures++;
        }
    }
    fz_always(ctx)
    {
        free(clean);
        fz_drop_buffer(ctx, nb);
        fz_drop_image(ctx, img);
        pdf_drop_obj(ctx, o);
    }
    fz_catch(ctx)
        fz_rethrow(ctx);
}

static void clean_images(pclean *p)
{
    fz_context *ctx = p->fz;
    int n = pdf_xref_len(ctx, p->doc);
    for (int i = 1; i < n; i++) {
        fz_try(ctx)
        {
            if (pdf_obj_num_is_stream(ctx, p->doc, i))
                clean_stream_object(p, i);
        }
        fz_catch(ctx)
        {
            /* a damaged image stays as it is (the re-scan judges it) */
            if (p->st->timed_out || p->st->over_memory)
                fz_rethrow(ctx);
        }
    }
}

/* The form fields' additional actions, down the field tree. */
static void clean_fields(pclean *p, pdf_obj *fields, int depth)
{
    fz_context *ctx = p->fz;
    for (int i = 0, n = pdf_array_len(ctx, fields); i < n && depth < 32; i++) {
        pdf_obj *f = pdf_array_get(ctx, fields, i);
        if (pdf_mark_obj(ctx, f))
            continue; /* a loop; on an error the document is dropped, marks and all */
        drop_actions(p, f);
        clean_fields(p, pdf_dict_get(ctx, f, PDF_NAME(Kids)), depth + 1);
        pdf_unmark_obj(ctx, f);
    }
}

static void clean_document(pclean *p)
{
    fz_context *ctx = p->fz;
    pdf_obj *trailer = pdf_trailer(ctx, p->doc);
    pdf_obj *root = pdf_dict_get(ctx, trailer, PDF_NAME(Root));
    pdf_obj *names = pdf_dict_get(ctx, root, PDF_NAME(Names));
    if (pdf_dict_get(ctx, names, PDF_NAME(JavaScript))) {
        pdf_dict_del(ctx, names, PDF_NAME(JavaScript));
        sgi_clean_note(p->c, "%s", "document JavaScript removed");
    }
    if (pdf_dict_get(ctx, names, PDF_NAME(EmbeddedFiles))) {
        pdf_dict_del(ctx, names, PDF_NAME(EmbeddedFiles));
        sgi_clean_note(p->c, "%s", "attached files removed");
    }
    if (pdf_dict_gets(ctx, root, "AF")) {
        pdf_dict_dels(ctx, root, "AF");
        sgi_clean_note(p->c, "%s", "associated files removed");
    }
    pdf_dict_del(ctx, root, PDF_NAME(Collection));
    if (is_script(ctx, pdf_dict_gets(ctx, root, "OpenAction"))) {
        pdf_dict_dels(ctx, root, "OpenAction");
        p->scripts++;
    }
    if (pdf_dict_get(ctx, root, PDF_NAME(AA))) {
        pdf_dict_del(ctx, root, PDF_NAME(AA));
        p->scripts++;
    }
    pdf_obj *acro = pdf_dict_get(ctx, root, PDF_NAME(AcroForm));
    if (pdf_dict_get(ctx, acro, PDF_NAME(XFA))) {
        pdf_dict_del(ctx, acro, PDF_NAME(XFA));
        sgi_clean_note(p->c, "%s", "XFA form data removed");
    }
    if (acro) {
        /* every field was flattened into its page or removed */
        clean_fields(p, pdf_dict_get(ctx, acro, PDF_NAME(Fields)), 0);
        pdf_dict_del(ctx, root, PDF_NAME(AcroForm));
        sgi_clean_note(p->c, "%s", "form removed (the fields' appearances are drawn on the pages)");
    }
    if (pdf_dict_get(ctx, root, PDF_NAME(OCProperties))) {
        /* what the layers that were off held is gone from the pages;
         * without the configuration every layer left is simply shown */
        pdf_dict_del(ctx, root, PDF_NAME(OCProperties));
        sgi_clean_note(p->c, "%s", "layers that were off removed; the layer list dropped");
    }
    if (pdf_dict_get(ctx, root, PDF_NAME(Metadata)) || pdf_dict_get(ctx, trailer, PDF_NAME(Info))) {
        /* emptied as well as unlinked: a repaired file's writer may find
         * the dictionary again and link it back */
        pdf_obj *info = pdf_dict_get(ctx, trailer, PDF_NAME(Info));
        while (pdf_is_dict(ctx, info) && pdf_dict_len(ctx, info) > 0)
            pdf_dict_del(ctx, info, pdf_dict_get_key(ctx, info, 0));
        pdf_dict_del(ctx, root, PDF_NAME(Metadata));
        pdf_dict_del(ctx, trailer, PDF_NAME(Info));
        sgi_clean_note(p->c, "%s", "document information and XMP metadata removed");
    }
    pdf_dict_dels(ctx, root, "PieceInfo");
    pdf_dict_del(ctx, root, PDF_NAME(Perms));
}

/* Every object loaded once before anything is changed: MuPDF repairs a
 * damaged file when it first meets the damage, and a repair rebuilds the
 * trailer (its /Info with it) from the bytes; it must not come after the
 * cleaning, in the middle of writing. */
static void load_one(pclean *p, int num)
{
    fz_context *ctx = p->fz;
    fz_try(ctx)
        pdf_cache_object(ctx, p->doc, num);
    fz_catch(ctx)
    {
        if (p->st->timed_out || p->st->over_memory)
            fz_rethrow(ctx);
    }
}

static void load_all(pclean *p)
{
    for (int i = 1; i < pdf_xref_len(p->fz, p->doc); i++) {
        if ((i & 1023) == 0 && sgi_pdf_time_up(p->st))
            fz_throw(p->fz, FZ_ERROR_GENERIC, "time limit reached");
        load_one(p, i);
    }
}

sg_status sgi_clean_pdf(sgi_clean *c, sg_scanner *sc, const char *in, const char *out)
{
    sgi_pdf_state *st = sgi_pdf_state_of(sc, &sc->eng->mem);
    if (!st)
        return SG_E_NOMEM;
    sgi_pdf_start_clock(st);
    fz_context *ctx = st->fz;
    pclean p = {.c = c, .st = st, .fz = ctx};
    pdf_page_rec rec;
    sgi_pdf_page_init(&rec, &sc->eng->mem);
    sg_status status = SG_OK;
    fz_var(status);
    fz_try(ctx)
    {
        p.doc = pdf_open_document(ctx, in);
        if (pdf_needs_password(ctx, p.doc)) {
            status = sgi_clean_refuse(c, SG_E_UNSUPPORTED, "%s", "encrypted (password protected)");
        } else {
            load_all(&p);
            int nl = pdf_count_layers(ctx, p.doc);
            for (int i = 0; i < nl && p.noff < 256; i++)
                if (!pdf_layer_is_enabled(ctx, p.doc, i))
                    p.off[p.noff++] = i;
            int n = pdf_count_pages(ctx, p.doc);
            if (n <= 0)
                fz_throw(ctx, FZ_ERROR_GENERIC, "no page could be found in its page tree");
            for (int i = 0; i < n && !p.nomem; i++) {
                if (sgi_pdf_time_up(st))
                    fz_throw(ctx, FZ_ERROR_GENERIC, "time limit reached");
                clean_page(&p, i, &rec);
            }
            if (p.nomem)
                fz_throw(ctx, FZ_ERROR_GENERIC, "out of memory");
            if (p.layer_marks)
                fz_throw(ctx, FZ_ERROR_GENERIC,
                         "a layer that is off holds drawings or pictures (%llu), which cannot "
                         "be taken out alone; unsupported feature: hidden layer graphics",
                         p.layer_marks);
            if (p.layer_glyphs)
                sgi_clean_note(c, "%llu characters only layers that were off showed, removed",
                               p.layer_glyphs);
            clean_document(&p);
            clean_images(&p);
            if (p.annots_removed)
                sgi_clean_note(c, "%llu annotations removed (notes, attachments, hidden ones)",
                               p.annots_removed);
            if (p.annots_stripped)
                sgi_clean_note(c, "%llu annotations kept as drawn, without text or author",
                               p.annots_stripped);
            if (p.flattened)
                sgi_clean_note(c, "%llu form fields flattened: drawn as shown, values gone",
                               p.flattened);
            if (p.widgets)
                sgi_clean_note(c, "%llu hidden form fields emptied and removed", p.widgets);
            if (p.scripts)
                sgi_clean_note(c, "%llu scripts and automatic actions removed", p.scripts);
            if (p.pictures)
                sgi_clean_note(c, "%llu JPEG images without EXIF, XMP or trailing data",
                               p.pictures);
            pdf_write_options wo = pdf_default_write_options;
            wo.do_incremental = 0;
            wo.do_garbage = 3; /* unused objects out, numbers compacted, duplicates merged */
            wo.do_compress = 1;
            wo.do_compress_images = 0;
            wo.do_compress_fonts = 1;
            /* a file that opened without a password has no secret to keep;
             * its encryption (an owner's permissions) is not carried over,
             * which also spares unknown security handlers being rewritten */
            wo.do_encrypt = PDF_ENCRYPT_NONE;
            pdf_save_document(ctx, p.doc, out, &wo);
            sgi_clean_note(c, "%s", "written whole: earlier revisions and unused objects gone");
        }
    }
    fz_always(ctx)
    {
        sgi_pdf_page_drop_images(ctx, &rec);
        pdf_drop_document(ctx, p.doc);
        fz_empty_store(ctx);
    }
    fz_catch(ctx)
    {
        if (st->timed_out)
            status = sgi_clean_refuse(c, SG_E_LIMIT, "%s", "time limit reached (--timeout)");
        else if (st->over_memory)
            status = sgi_clean_refuse(c, SG_E_LIMIT, "needs more than %llu MiB (--max-memory)",
                                      sc->eng->opt_max_doc_memory >> 20);
        else {
            /* our own words stand; MuPDF's are about a damaged file */
            const char *m = fz_caught_message(ctx);
            bool ours = strncmp(m, "page ", 5) == 0 || strncmp(m, "a layer", 7) == 0 ||
                        strncmp(m, "time limit", 10) == 0 || strncmp(m, "out of", 6) == 0;
            status = sgi_clean_refuse(c, SG_E_FORMAT, "%s%s", ours ? "" : "damaged PDF: ", m);
        }
    }
    sgi_pdf_page_free(&rec);
    free(p.keys);
    return status;
}
