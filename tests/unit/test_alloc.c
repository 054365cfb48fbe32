/*
 * test_alloc.c - fail the Nth allocation (SQLite, expat alloc_tests) for
 * every N along the whole path: engine, compile, scanner, scan of a CSV
 * and of a text file, batch. Each must end in a clean error or a correct
 * result, and every byte allocated must be freed.
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

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(fail_every_allocation)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
