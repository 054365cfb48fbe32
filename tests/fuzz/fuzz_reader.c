/*
 * fuzz_reader.c - one libFuzzer target per reader, built once per target
 * with -DFUZZ_TARGET="name" (tests/fuzz/Makefile; the main Makefile builds
 * the same for the corpus replay). Each feeds its reader what it reads:
 *
 *   raw       the input is the file, named so the extension hints the
 *             format: zip, pdf, image, archive, mime, json, rtf, html, xml
 *   member    the first byte picks a (template, member) pair; the rest of
 *             the input replaces that member of a real office file from
 *             templates/, rebuilt with libzip: xlsx, docx, pptx, odf. A
 *             mutated member gets past the ZIP layer (CRCs, sizes) into the
 *             XML readers, where raw mutation of a whole package rarely does.
 *   stream    the same for a stream of an OLE2 compound file, rebuilt with
 *             libgsf: ole2 (XLS Workbook, DOC WordDocument and 1Table, PPT
 *             "PowerPoint Document", property sets, Outlook message
 *             streams). Streams over 64 KiB of a template (the PPT's
 *             thumbnail) are left out of the rebuilt file.
 *   config    the input is a YAML configuration (sg_engine_load_config_buffer)
 *
 * The result of every scan is checked (fuzz_common.h).
 */
#include "fuzz_common.h"

#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-output-memory.h>
#include <gsf/gsf-outfile-msole.h>
#include <gsf/gsf-outfile.h>
#include <gsf/gsf-utils.h>
#include <stdio.h>
#include <stdbool.h>
#include <zip.h>

#ifndef FUZZ_TARGET
#error "build with -DFUZZ_TARGET=\"name\""
#endif
#ifndef FUZZ_TEMPLATES
#error "build with -DFUZZ_TEMPLATES=\"/path/to/tests/fuzz/templates\""
#endif

typedef struct pick {
    const char *tmpl;
    const char *member;
} pick;

static const pick xlsx_picks[] = {
    {"pivot.xlsx", "xl/worksheets/sheet1.xml"},
    {"pivot.xlsx", "xl/sharedStrings.xml"},
    {"pivot.xlsx", "xl/workbook.xml"},
    {"pivot.xlsx", "xl/pivotCache/pivotCacheRecords1.xml"},
    {"pivot.xlsx", "xl/pivotCache/pivotCacheDefinition1.xml"},
    {"pivot.xlsx", "xl/styles.xml"},
    {"pivot.xlsx", "docProps/core.xml"},
    {"pivot.xlsx", "[Content_Types].xml"},
    {"pivot.xlsx", "xl/_rels/workbook.xml.rels"},
    {"pivot.xlsx", "xl/worksheets/_rels/sheet1.xml.rels"},
    {"comment.xlsx", "xl/comments/comment1.xml"},
    {"comment.xlsx", "xl/drawings/commentsDrawing1.vml"},
    {NULL, NULL},
};
static const pick docx_picks[] = {
    {"tracked.docx", "word/document.xml"},
    {"tracked.docx", "word/styles.xml"},
    {"tracked.docx", "word/comments.xml"},
    {"tracked.docx", "word/_rels/document.xml.rels"},
    {"tracked.docx", "docProps/core.xml"},
    {"tracked.docx", "docProps/custom.xml"},
    {NULL, NULL},
};
static const pick pptx_picks[] = {
    {"notes.pptx", "ppt/slides/slide1.xml"},
    {"notes.pptx", "ppt/notesSlides/notesSlide1.xml"},
    {"notes.pptx", "ppt/presentation.xml"},
    {"notes.pptx", "ppt/_rels/presentation.xml.rels"},
    {"notes.pptx", "ppt/slides/_rels/slide1.xml.rels"},
    {"notes.pptx", "ppt/commentAuthors.xml"},
    {NULL, NULL},
};
static const pick odf_picks[] = {
    {"hidden.ods", "content.xml"},
    {"hidden.ods", "meta.xml"},
    {"hidden.ods", "styles.xml"},
    {"hidden.ods", "settings.xml"},
    {"note.odt", "content.xml"},
    {"note.odt", "meta.xml"},
    {"note.odt", "styles.xml"},
    {NULL, NULL},
};
static const pick ole2_picks[] = {
    {"comment.xls", "Workbook"},
    {"comment.xls", "\005SummaryInformation"},
    {"comment.xls", "\005DocumentSummaryInformation"},
    {"letter.doc", "WordDocument"},
    {"letter.doc", "1Table"},
    {"notes.ppt", "PowerPoint Document"},
    {"notes.ppt", "Current User"},
    {"mail.msg", "__substg1.0_1000001F"},
    {"mail.msg", "__properties_version1.0"},
    {"mail.msg", "__recip_version1.0_#00000000/__properties_version1.0"},
    {"mail.msg", "__attach_version1.0_#00000000/__substg1.0_37010102"},
    {"mail.msg", "__attach_version1.0_#00000001/__substg1.0_3701000D/__substg1.0_1000001F"},
    {NULL, NULL},
};

enum mode { RAW, MEMBER, STREAM, CONFIG };

static const struct target {
    const char *name;
    enum mode mode;
    const char *file; /* RAW: the file name given */
    const pick *picks;
} targets[] = {
    {"zip", RAW, "f.zip", NULL},        {"pdf", RAW, "f.pdf", NULL},
    {"image", RAW, "f.jpg", NULL},      {"archive", RAW, "f.7z", NULL},
    {"mime", RAW, "f.eml", NULL},       {"json", RAW, "f.json", NULL},
    {"rtf", RAW, "f.rtf", NULL},        {"html", RAW, "f.html", NULL},
    {"xml", RAW, "f.xml", NULL},        {"xlsx", MEMBER, "f.xlsx", xlsx_picks},
    {"docx", MEMBER, "f.docx", docx_picks}, {"pptx", MEMBER, "f.pptx", pptx_picks},
    {"odf", MEMBER, "f.ods", odf_picks},    {"ole2", STREAM, "f.xls", ole2_picks},
    {"config", CONFIG, NULL, NULL},
};

static const struct target *target(void)
{
    static const struct target *t;
    if (!t) {
        for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]) && !t; i++)
            if (strcmp(targets[i].name, FUZZ_TARGET) == 0)
                t = &targets[i];
        if (!t)
            abort();
    }
    return t;
}

/* A template's bytes, read once. */
static const unsigned char *template_of(const char *name, size_t *len)
{
    static struct {
        const char *name;
        unsigned char *p;
        size_t n;
    } cache[8];
    for (size_t i = 0; i < 8; i++) {
        if (cache[i].name && strcmp(cache[i].name, name) == 0) {
            *len = cache[i].n;
            return cache[i].p;
        }
        if (!cache[i].name) {
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", FUZZ_TEMPLATES, name);
            FILE *f = fopen(path, "rb");
            if (!f)
                abort();
            fseek(f, 0, SEEK_END);
            long n = ftell(f);
            fseek(f, 0, SEEK_SET);
            unsigned char *p = malloc((size_t)n);
            if (n <= 0 || !p || fread(p, 1, (size_t)n, f) != (size_t)n)
                abort();
            fclose(f);
            cache[i].name = name;
            cache[i].p = p;
            cache[i].n = (size_t)n;
            *len = (size_t)n;
            return p;
        }
    }
    abort();
}

static size_t npicks(const pick *p)
{
    size_t n = 0;
    while (p[n].tmpl)
        n++;
    return n;
}

/* ------------------------------------------------------------------ ZIP */

static unsigned char *zip_with(const pick *pk, const uint8_t *d, size_t n, size_t *outlen)
{
    size_t tlen;
    const unsigned char *t = template_of(pk->tmpl, &tlen);
    zip_error_t ze;
    zip_error_init(&ze);
    /* a copy: libzip may write the new archive over its source's buffer */
    unsigned char *copy = malloc(tlen);
    if (!copy)
        abort();
    memcpy(copy, t, tlen);
    zip_source_t *src = zip_source_buffer_create(copy, tlen, 1, &ze);
    zip_t *za = src ? zip_open_from_source(src, 0, &ze) : NULL;
    if (!za) {
        fprintf(stderr, "%s: %s\n", pk->tmpl, zip_error_strerror(&ze));
        abort();
    }
    zip_source_keep(src);
    zip_source_t *ms = zip_source_buffer(za, d, n, 0);
    zip_int64_t idx = zip_name_locate(za, pk->member, 0);
    if (!ms || (idx >= 0 ? zip_file_replace(za, (zip_uint64_t)idx, ms, 0)
                         : zip_file_add(za, pk->member, ms, 0)) < 0)
        abort();
    if (zip_close(za) < 0)
        abort();
    zip_stat_t st;
    unsigned char *out = NULL;
    if (zip_source_stat(src, &st) != 0 || zip_source_open(src) != 0)
        abort();
    out = malloc(st.size ? st.size : 1);
    if (!out || zip_source_read(src, out, st.size) != (zip_int64_t)st.size)
        abort();
    zip_source_close(src);
    zip_source_free(src);
    *outlen = st.size;
    return out;
}

/* ----------------------------------------------------------------- OLE2 */

static void ole_copy(GsfInfile *in, GsfOutfile *out, const char *prefix, const pick *pk,
                     const uint8_t *d, size_t n)
{
    int k = gsf_infile_num_children(in);
    for (int i = 0; i < k; i++) {
        const char *nm = gsf_infile_name_by_index(in, i);
        GsfInput *c = gsf_infile_child_by_index(in, i);
        if (!nm || !c)
            abort();
        char path[1024];
        snprintf(path, sizeof(path), "%s%s", prefix, nm);
        bool dir = GSF_IS_INFILE(c) && gsf_infile_num_children(GSF_INFILE(c)) >= 0;
        if (!dir && strcmp(path, pk->member) != 0 && gsf_input_size(c) > 65536) {
            g_object_unref(c);
            continue;
        }
        GsfOutput *o = gsf_outfile_new_child(out, nm, dir);
        if (!o)
            abort();
        if (dir) {
            char sub[1100];
            snprintf(sub, sizeof(sub), "%s/", path);
            ole_copy(GSF_INFILE(c), GSF_OUTFILE(o), sub, pk, d, n);
        } else if (strcmp(path, pk->member) == 0) {
            if (n && !gsf_output_write(o, n, d))
                abort();
        } else if (!gsf_input_copy(c, o)) {
            abort();
        }
        gsf_output_close(o);
        g_object_unref(o);
        g_object_unref(c);
    }
}

static unsigned char *ole_with(const pick *pk, const uint8_t *d, size_t n, size_t *outlen)
{
    static bool init;
    if (!init) {
        gsf_init();
        init = true;
    }
    size_t tlen;
    const unsigned char *t = template_of(pk->tmpl, &tlen);
    GsfInput *in = gsf_input_memory_new(t, (gsf_off_t)tlen, FALSE);
    GsfInfile *ole = in ? gsf_infile_msole_new(in, NULL) : NULL;
    GsfOutput *mem = gsf_output_memory_new();
    GsfOutfile *out = mem ? gsf_outfile_msole_new(mem) : NULL;
    if (!ole || !out)
        abort();
    ole_copy(ole, out, "", pk, d, n);
    gsf_output_close(GSF_OUTPUT(out));
    g_object_unref(out);
    size_t len = (size_t)gsf_output_size(mem);
    unsigned char *p = malloc(len ? len : 1);
    if (!p)
        abort();
    memcpy(p, gsf_output_memory_get_bytes(GSF_OUTPUT_MEMORY(mem)), len);
    g_object_unref(mem);
    g_object_unref(ole);
    g_object_unref(in);
    *outlen = len;
    return p;
}

/* ---------------------------------------------------------------- entry */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct target *t = target();
    if (t->mode == RAW) {
        fz_scan(data, size, t->file);
    } else if (t->mode == CONFIG) {
        sg_engine *eng = NULL;
        if (sg_engine_new(&eng, NULL) != SG_OK)
            abort();
        sg_status st = sg_engine_load_config_buffer(eng, (const char *)data, size, "fuzz.yaml");
        if (st != SG_OK && !sg_engine_error(eng)[0])
            abort(); /* a refusal always says why */
        if (st == SG_OK)
            sg_engine_compile(eng); /* what was accepted must compile or say why */
        sg_engine_free(eng);
    } else if (size > 0) {
        const pick *pk = &t->picks[data[0] % npicks(t->picks)];
        size_t len = 0;
        unsigned char *file = t->mode == MEMBER ? zip_with(pk, data + 1, size - 1, &len)
                                                : ole_with(pk, data + 1, size - 1, &len);
        const char *ext = strrchr(pk->tmpl, '.');
        char name[16];
        snprintf(name, sizeof(name), "f%s", ext ? ext : "");
        fz_scan(file, len, name);
        free(file);
    }
    return 0;
}
