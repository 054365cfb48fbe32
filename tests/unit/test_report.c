/*
 * test_report.c - the writers: JSON escaping of hostile strings, masking
 * unless revealed, terminal-safe text, and the SARIF frame.
 */
#include "unit.h"

typedef struct sink {
    char buf[65536];
    size_t n;
} sink;

static int to_sink(void *opaque, const char *data, size_t len)
{
    sink *k = opaque;
    if (k->n + len >= sizeof(k->buf))
        return 1;
    memcpy(k->buf + k->n, data, len);
    k->n += len;
    k->buf[k->n] = '\0';
    return 0;
}

static sg_file_result sample(sg_finding *f)
{
    memset(f, 0, sizeof(*f));
    f->rule = "pii.uk_nino";
    f->severity = SG_SEV_HIGH;
    f->value = "AB123456C";
    f->match = "AB******C";
    f->location.row = 5;
    f->location.column = "NI \"No\"\n\x1b[31m";
    f->location.column_index = 3;
    f->location.column_letter = "C";
    f->location.offset = -1;
    sg_file_result r;
    memset(&r, 0, sizeof(r));
    r.path = "dir/bad\nname\xff.csv";
    r.format = "csv";
    r.size = 10;
    r.verdict = SG_VERDICT_REVIEW;
    r.findings_total = 1;
    r.nfindings = 1;
    r.findings = f;
    return r;
}

static void render(sg_report_format fmt, unsigned flags, sink *k)
{
    sg_finding f;
    sg_file_result r = sample(&f);
    sg_report *rep = NULL;
    memset(k, 0, sizeof(*k));
    assert_int_equal(sg_report_new(fmt, flags, to_sink, k, &rep), SG_OK);
    assert_int_equal(sg_report_file(rep, &r), 0);
    sg_summary sum = {0};
    sum.files = 1;
    sum.review = 1;
    assert_int_equal(sg_report_finish(rep, &sum), SG_OK);
    sg_report_free(rep);
}

static void jsonl_escapes_and_masks(void **s)
{
    (void)s;
    sink k;
    render(SG_REPORT_JSONL, 0, &k);
    assert_non_null(strstr(k.buf, "\"path\":\"dir/bad\\nname\\ufffd.csv\""));
    assert_non_null(strstr(k.buf, "\"column\":\"NI \\\"No\\\"\\n\\u001b[31m\""));
    assert_non_null(strstr(k.buf, "\"match\":\"AB******C\""));
    assert_null(strstr(k.buf, "AB123456C"));
    assert_null(strstr(k.buf, "\"value\""));
    /* three records, each one line */
    size_t lines = 0;
    for (size_t i = 0; i < k.n; i++)
        lines += k.buf[i] == '\n';
    assert_int_equal(lines, 3);
    assert_non_null(strstr(k.buf, "{\"type\":\"summary\",\"files\":1,"));
    render(SG_REPORT_JSONL, SG_REPORT_REVEAL, &k);
    assert_non_null(strstr(k.buf, "\"value\":\"AB123456C\""));
}

static void text_is_terminal_safe(void **s)
{
    (void)s;
    sink k;
    render(SG_REPORT_TEXT, 0, &k);
    assert_null(strchr(k.buf, '\x1b')); /* no escape sequence from the file */
    assert_non_null(strstr(k.buf, "REVIEW"));
    assert_non_null(strstr(k.buf, "bad\\x0aname\\xff.csv"));
    assert_non_null(strstr(k.buf, "AB******C"));
    assert_null(strstr(k.buf, "AB123456C"));
    render(SG_REPORT_TEXT, SG_REPORT_COLOR, &k);
    assert_non_null(strchr(k.buf, '\x1b')); /* colour only when asked */
}

static void sarif_frame(void **s)
{
    (void)s;
    sink k;
    render(SG_REPORT_SARIF, 0, &k);
    assert_non_null(strstr(k.buf, "\"version\":\"2.1.0\""));
    assert_non_null(strstr(k.buf, "\"ruleId\":\"pii.uk_nino\""));
    assert_non_null(strstr(k.buf, "\"uri\":\"dir/bad%0Aname%FF.csv\""));
    assert_null(strstr(k.buf, "AB123456C"));
    /* every rule of the catalogue is declared */
    for (size_t i = 0; i < sg_rule_count(); i++) {
        char id[80];
        snprintf(id, sizeof(id), "{\"id\":\"%s\"", sg_rule_at(i)->id);
        assert_non_null(strstr(k.buf, id));
    }
}

static void writer_failure_is_reported(void **s)
{
    (void)s;
    sg_report *rep = NULL;
    sink k = {{0}, sizeof(k.buf)}; /* full: every write fails */
    assert_int_equal(sg_report_new(SG_REPORT_JSONL, 0, to_sink, &k, &rep), SG_OK);
    sg_finding f;
    sg_file_result r = sample(&f);
    assert_int_not_equal(sg_report_file(rep, &r), 0);
    sg_report_free(rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jsonl_escapes_and_masks), cmocka_unit_test(text_is_terminal_safe),
        cmocka_unit_test(sarif_frame), cmocka_unit_test(writer_failure_is_reported)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
