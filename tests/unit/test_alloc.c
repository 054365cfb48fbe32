/*
 * test_alloc.c - fail the Nth allocation (SQLite, expat alloc_tests) for
 * every N along the whole path: engine, compile, scanner, scan of a CSV
 * and of a text file, batch; and along the scan of a file of every format
 * the library reads. Each must end in a clean error or a correct result,
 * and every byte allocated must be freed.
 */
#include "unit.h"

typedef struct failing {
    long countdown; /* allocations left before failing; -1: never */
    long live;      /* allocations not yet freed */
    long calls;
} failing;

static void *f_malloc(void *o, size_t n)
{
    failing *f = o;
    f->calls++;
    if (f->countdown == 0)
        return NULL;
    if (f->countdown > 0)
        f->countdown--;
    void *p = malloc(n);
    if (p)
        f->live++;
    return p;
}

static void *f_realloc(void *o, void *p, size_t n)
{
    failing *f = o;
    f->calls++;
    if (f->countdown == 0)
        return NULL;
    if (f->countdown > 0)
        f->countdown--;
    void *q = realloc(p, n);
    if (q && !p)
        f->live++;
    return q;
}

static void f_free(void *o, void *p)
{
    failing *f = o;
    if (p)
        f->live--;
    free(p);
}

static int ignore(void *opaque, const sg_file_result *r)
{
    int *seen = opaque;
    (*seen)++;
    /* a failed allocation shows as an error, never as a clean pass */
    if (r->status == SG_E_NOMEM)
        assert_int_equal(r->verdict, SG_VERDICT_ERROR);
    return 0;
}

static const char csv[] = "Surname,Forename,NI Number,Email\n"
                          "Smith,John,AB123456C,j@example.org\n"
                          "Jones,Mary,CE123456A,m@example.org\n";
static const char text[] = "Dear Mr Smith, NHS 943 476 5919, DOB: 12/03/1985.\n";

/* One full run with the given countdown; returns true if nothing failed. */
static bool run(long countdown, failing *f)
{
    memset(f, 0, sizeof(*f));
    f->countdown = countdown;
    sg_allocator a = {f_malloc, f_realloc, f_free, f};
    sg_engine *eng = NULL;
    bool ok = sg_engine_new(&eng, &a) == SG_OK;
    ok = ok && sg_engine_set(eng, SG_OPT_TABLE_MIN_ROWS, 1) == SG_OK;
    ok = ok && sg_engine_compile(eng) == SG_OK;
    sg_scanner *sc = NULL;
    ok = ok && sg_scanner_new(eng, &sc) == SG_OK;
    int seen = 0;
    if (ok) {
        assert_int_equal(sg_scan_memory(sc, csv, sizeof(csv) - 1, "a.csv", ignore, &seen), SG_OK);
        assert_int_equal(sg_scan_memory(sc, text, sizeof(text) - 1, "a.txt", ignore, &seen),
                         SG_OK);
        assert_int_equal(seen, 2);
    }
    sg_scanner_free(sc);
    sg_engine_free(eng);
    assert_int_equal(f->live, 0); /* nothing leaked on any path */
    return ok && f->countdown != 0;
}

static void fail_every_allocation(void **s)
{
    (void)s;
    failing f;
    assert_true(run(-1, &f)); /* the whole run, no failure */
    long total = f.calls;
    assert_true(total > 10);
    for (long n = 0; n < total; n++)
        run(n, &f);
}

/* ------------------------------------------------- every format's path */

typedef struct got {
    int files;
    sg_status status;
    sg_verdict verdict;
} got;

static int keep(void *opaque, const sg_file_result *r)
{
    got *g = opaque;
    g->files++;
    g->status = r->status;
    g->verdict = r->verdict;
    return 0;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc((size_t)len + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return p;
}

/* One engine and scanner (their allocations made once), then each file
 * scanned with its Nth allocation failing: every N up to 400, then a
 * spread of 400 more over the rest, so that every format's whole path is
 * reached in seconds. Each ends in a result (an error when memory ran out,
 * never a crash), and the memory the scan took is all given back. */
static void fail_allocations_in_every_format(void **s)
{
    (void)s;
    static const char *const files[] = {
        "tests/fuzz/templates/pivot.xlsx",  "tests/fuzz/templates/comment.xlsx",
        "tests/fuzz/templates/tracked.docx", "tests/fuzz/templates/notes.pptx",
        "tests/fuzz/templates/hidden.ods",  "tests/fuzz/templates/note.odt",
        "tests/fuzz/templates/comment.xls", "tests/fuzz/templates/letter.doc",
        "tests/fuzz/templates/notes.ppt",   "tests/fuzz/corpus/scan/arc_zip",
        "tests/fuzz/corpus/scan/arc_xz",    "tests/fuzz/corpus/scan/img_thumbnail.jpg",
        "tests/fuzz/templates/mail.msg",    "tests/fuzz/corpus/scan/pdf_black_box.pdf",
        "tests/fuzz/corpus/scan/pdf_attachment.pdf", "tests/fuzz/corpus/scan/img_gps.jpg",
        "tests/fuzz/corpus/scan/img_appended.png", "tests/fuzz/corpus/scan/arc_7z",
        "tests/fuzz/corpus/scan/arc_targz", "tests/fuzz/corpus/scan/eml_attachment",
        "tests/fuzz/corpus/scan/json_table", "tests/fuzz/corpus/scan/jsonl_rows",
        "tests/fuzz/corpus/scan/rtf_comments", "tests/fuzz/corpus/scan/html_hidden",
        "tests/fuzz/corpus/scan/xml_cases", "tests/fuzz/corpus/scan/csv_people",
    };
    failing f;
    memset(&f, 0, sizeof(f));
    f.countdown = -1;
    sg_allocator a = {f_malloc, f_realloc, f_free, &f};
    sg_engine *eng = NULL;
    sg_scanner *sc = NULL;
    assert_int_equal(sg_engine_new(&eng, &a), SG_OK);
    assert_int_equal(sg_engine_set(eng, SG_OPT_TABLE_MIN_ROWS, 2), SG_OK);
    assert_int_equal(sg_engine_compile(eng), SG_OK);
    assert_int_equal(sg_scanner_new(eng, &sc), SG_OK);
    for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
        size_t n;
        unsigned char *data = slurp(files[k], &n);
        const char *name = strrchr(files[k], '/') + 1;
        /* a first run: what the scanner keeps between files (the PDF
         * library's context) is made, and the allocations are counted */
        got g = {0};
        assert_int_equal(sg_scan_memory(sc, data, n, name, keep, &g), SG_OK);
        assert_int_equal(g.files, 1);
        long base = f.live;
        long before = f.calls;
        assert_int_equal(sg_scan_memory(sc, data, n, name, keep, &g), SG_OK);
        long total = f.calls - before;
        assert_int_equal(f.live, base);
        assert_true(total > 0);
        long step = total > 800 ? (total - 400) / 400 : 1;
        long tried = 0;
        for (long i = 0; i < total; i += i < 400 ? 1 : step) {
            got r = {0};
            f.countdown = i;
            sg_status st = sg_scan_memory(sc, data, n, name, keep, &r);
            f.countdown = -1;
            tried++;
            assert_true(st == SG_OK || st == SG_E_NOMEM);
            if (st == SG_OK) {
                assert_int_equal(r.files, 1);
                if (r.status == SG_E_NOMEM)
                    assert_int_equal(r.verdict, SG_VERDICT_ERROR);
            }
            /* nothing kept; (a cache of the scanner's may have been let go) */
            if (f.live > base)
                print_error("%s: allocation %ld failing leaves %ld blocks\n", name, i,
                            f.live - base);
            assert_true(f.live <= base);
        }
        /* and the scanner is whole again after a run that succeeds */
        assert_int_equal(sg_scan_memory(sc, data, n, name, keep, &g), SG_OK);
        assert_int_equal(f.live, base);
        print_message("%-24s %6ld allocations, %4ld failure points tried\n", name, total, tried);
        free(data);
    }
    sg_scanner_free(sc);
    sg_engine_free(eng);
    assert_int_equal(f.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(fail_every_allocation),
                                       cmocka_unit_test(fail_allocations_in_every_format)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
