/*
 * test_text.c - the text reader: encodings (UTF-8, UTF-16 with and
 * without BOM, Windows-1252, stray invalid bytes) and exact locations
 * (line, column in characters, byte offset in the original file), also
 * across block boundaries and over lines longer than the record limit.
 */
#include "unit.h"

static void utf8_locations(void **s)
{
    (void)s;
    collected c;
    /* "é" is two bytes: the column counts characters, the offset bytes */
    const char *t = "first line\ncafé AB123456C\n";
    scan_str(t, "a.txt", &c);
    assert_string_equal(c.format, "text");
    assert_string_equal(c.encoding, "utf-8");
    int i = find_value(&c, "pii.uk_nino", "AB123456C");
    assert_true(i >= 0);
    assert_int_equal(c.loc[i].line, 2);
    assert_int_equal(c.loc[i].col, 6);
    assert_int_equal(c.loc[i].offset, (long long)(strstr(t, "AB1") - t));
}

static size_t to_utf16(const char *ascii, unsigned char *out, bool le, bool bom)
{
    size_t k = 0;
    if (bom) {
        out[k++] = le ? 0xFF : 0xFE;
        out[k++] = le ? 0xFE : 0xFF;
    }
    for (const char *p = ascii; *p; p++) {
        out[k++] = le ? (unsigned char)*p : 0;
        out[k++] = le ? 0 : (unsigned char)*p;
    }
    return k;
}

static void utf16(void **s)
{
    (void)s;
    unsigned char buf[512];
    collected c;
    const char *t = "Name\tNI\nx AB123456C y\n";
    size_t n = to_utf16(t, buf, true, true);
    scan_buf((const char *)buf, n, "u.txt", &c);
    assert_string_equal(c.encoding, "utf-16le");
    int i = find_value(&c, "pii.uk_nino", "AB123456C");
    assert_true(i >= 0);
    assert_int_equal(c.loc[i].line, 2);
    assert_int_equal(c.loc[i].col, 3);
    assert_int_equal(c.loc[i].offset, 2 + 2 * (long long)(strstr(t, "AB1") - t));

    n = to_utf16(t, buf, false, true);
    scan_buf((const char *)buf, n, "u.txt", &c);
    assert_string_equal(c.encoding, "utf-16be");
    assert_true(find_value(&c, "pii.uk_nino", "AB123456C") >= 0);

    /* no BOM: recognised by its zero bytes */
    n = to_utf16("Contact john.smith@example.org please\n", buf, true, false);
    scan_buf((const char *)buf, n, "u.txt", &c);
    assert_string_equal(c.encoding, "utf-16le");
    assert_true(find_value(&c, "pii.email", "john.smith@example.org") >= 0);
}

static void windows_1252(void **s)
{
    (void)s;
    collected c;
    /* 0xE9 is é in Windows-1252 and invalid UTF-8 */
    const char t[] = "Caf\xE9 r\xE9sum\xE9\nM\xFCller AB123456C\n";
    scan_buf(t, sizeof(t) - 1, "w.txt", &c);
    assert_string_equal(c.encoding, "windows-1252");
    int i = find_value(&c, "pii.uk_nino", "AB123456C");
    assert_true(i >= 0);
    assert_int_equal(c.loc[i].line, 2);
    assert_int_equal(c.loc[i].col, 8);
    assert_int_equal(c.loc[i].offset, (long long)(strstr(t, "AB1") - t));
}

static void stray_invalid_bytes(void **s)
{
    (void)s;
    /* valid UTF-8 for 70 KB, then one invalid byte: the offset stays exact */
    size_t pad = 70000;
    char *buf = malloc(pad + 64);
    memset(buf, 'a', pad);
    for (size_t i = 99; i < pad; i += 100)
        buf[i] = '\n';
    size_t n = pad;
    buf[n++] = '\xFF';
    const char *tail = " AB123456C\n";
    memcpy(buf + n, tail, strlen(tail));
    n += strlen(tail);
    collected c;
    scan_buf(buf, n, "s.txt", &c);
    assert_string_equal(c.encoding, "utf-8+windows-1252");
    int i = find_value(&c, "pii.uk_nino", "AB123456C");
    assert_true(i >= 0);
    assert_int_equal(c.loc[i].offset, (long long)pad + 2);
    assert_int_equal(c.loc[i].line, 701);
    assert_int_equal(c.loc[i].col, 3);
    free(buf);
}

static void across_blocks(void **s)
{
    (void)s;
    /* findings spread over several 256 KiB blocks keep exact lines */
    size_t lines = 40000;
    size_t cap = lines * 40;
    char *buf = malloc(cap);
    size_t n = 0;
    for (size_t i = 1; i <= lines; i++) {
        if (i % 5000 == 0)
            n += (size_t)snprintf(buf + n, cap - n, "line %zu has AB123456C\n", i);
        else
            n += (size_t)snprintf(buf + n, cap - n, "line %zu has nothing\n", i);
    }
    collected c;
    scan_buf(buf, n, "big.txt", &c);
    assert_int_equal(count_rule(&c, "pii.uk_nino"), 8);
    for (size_t k = 0; k < c.n; k++) {
        assert_int_equal(c.loc[k].line % 5000, 0);
        assert_int_equal(c.loc[k].col, 6 + (c.loc[k].line >= 10000 ? 5 : 4) + 5);
        assert_memory_equal(buf + c.loc[k].offset, "AB123456C", 9);
    }
    free(buf);
}

static void long_line_is_cut_not_lost(void **s)
{
    (void)s;
    /* 3 MB without a newline, identifiers spread along it */
    size_t n = 3u << 20;
    char *buf = malloc(n);
    memset(buf, 'x', n);
    for (size_t i = 1; i < n; i += 8192)
        buf[i] = ' ';
    size_t at[] = {1000, (1u << 20) + 77, (2u << 20) + 5000};
    for (size_t k = 0; k < 3; k++)
        memcpy(buf + at[k], " AB123456C ", 11);
    collected c;
    scan_buf(buf, n, "long.txt", &c);
    assert_int_equal(count_rule(&c, "pii.uk_nino"), 3);
    for (size_t k = 0; k < 3; k++)
        assert_int_equal(c.loc[k].offset, (long long)at[k] + 1);
    free(buf);
}

static void empty_and_binary(void **s)
{
    (void)s;
    collected c;
    scan_buf("", 0, "empty.txt", &c);
    assert_int_equal(c.verdict, SG_VERDICT_PASS);
    assert_int_equal(c.status, SG_OK);
    const char bin[] = "\x01\x02\x03\x00\xFF\xFE garbage \x00\x00\x10";
    scan_buf(bin, sizeof(bin) - 1, "x.dat", &c);
    assert_int_equal(c.verdict, SG_VERDICT_ERROR);
    assert_int_equal(c.status, SG_E_UNSUPPORTED);
    assert_string_equal(c.format, "binary");
    assert_non_null(strstr(c.error, "binary"));
}

static void formats_by_content(void **s)
{
    (void)s;
    collected c;
    scan_str("%PDF-1.7\n1 0 obj\n", "report.txt", &c); /* extension lies */
    assert_string_equal(c.format, "pdf");
    assert_int_equal(c.verdict, SG_VERDICT_ERROR); /* a truncated PDF */
    assert_int_equal(c.status, SG_E_FORMAT);
    assert_non_null(strstr(c.error, "damaged PDF"));
    const char zip[] = "PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                       "\x00\x00\x00\x00\x00\x00\x00\x00\x13\x00\x00\x00[Content_Types].xml";
    scan_buf(zip, sizeof(zip) - 1, "book.xlsx", &c);
    /* an OOXML package by its first member, and a damaged one */
    assert_string_equal(c.format, "ooxml");
    assert_int_equal(c.status, SG_E_FORMAT);
    assert_non_null(strstr(c.error, "damaged ZIP"));
    const char ole[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00";
    scan_buf(ole, sizeof(ole) - 1, "old.xls", &c);
    assert_string_equal(c.format, "xls");
    const char png[] = "\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR";
    scan_buf(png, sizeof(png) - 1, "a.csv", &c);
    assert_string_equal(c.format, "png");
    const char gz[] = "\x1F\x8B\x08\x00\x00\x00\x00\x00";
    scan_buf(gz, sizeof(gz) - 1, "a.txt", &c);
    assert_string_equal(c.format, "gzip");
    scan_str("a,b,c\n1,2,3\n4,5,6\n", "noext", &c);
    assert_string_equal(c.format, "csv");
    scan_str("a\tb\tc\n1\t2\t3\n", "data.txt", &c);
    assert_string_equal(c.format, "tsv");
    scan_str("Dear Sir, thank you.\nRegards, me and you, and them\n", "letter.csv", &c);
    assert_string_equal(c.format, "csv"); /* the extension may tip a close call */
    scan_str("Dear Sir, thank you.\nRegards\n", "letter", &c);
    assert_string_equal(c.format, "text");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_locations),      cmocka_unit_test(utf16),
        cmocka_unit_test(windows_1252),        cmocka_unit_test(stray_invalid_bytes),
        cmocka_unit_test(across_blocks),       cmocka_unit_test(long_line_is_cut_not_lost),
        cmocka_unit_test(empty_and_binary),    cmocka_unit_test(formats_by_content),
    };
    return cmocka_run_group_tests(tests, unit_setup, unit_teardown);
}
