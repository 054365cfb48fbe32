/*
 * test_csv.c - the CSV/TSV reader: RFC 4180 quoting, delimiter and header
 * sniffing, locations by row and column, records longer than the limit,
 * and the table-of-people finding (and its absence on tables of things).
 */
#include "unit.h"

static void quoting_and_locations(void **s)
{
    (void)s;
    collected c;
    const char *t = "Name,Notes,NI Number\r\n"
                    "\"Smith, John\",\"said \"\"hello\"\"\r\non two lines\",AB123456C\r\n"
                    "\"Jones, Mary\",plain,CE123456A\r\n";
    scan_str(t, "q.csv", &c);
    assert_string_equal(c.format, "csv");
    int i = find_value(&c, "pii.uk_nino", "AB123456C");
    assert_true(i >= 0);
    assert_int_equal(c.loc[i].row, 2);
    assert_string_equal(c.column[i], "NI Number");
    assert_int_equal(c.loc[i].column_index, 3);
    assert_int_equal(c.loc[i].line, 3); /* the quoted field spans a newline */
    i = find_value(&c, "pii.uk_nino", "CE123456A");
    assert_true(i >= 0);
    assert_int_equal(c.loc[i].row, 3);
    assert_int_equal(c.loc[i].line, 4);
    /* the quoted name is one cell, whole, without its quotes */
    assert_true(find_value(&c, "pii.person_name", "Smith, John") >= 0);
}

static void matches_stay_in_their_cell(void **s)
{
    (void)s;
    collected c;
    /* "07911" and "123456" in adjacent cells are not one phone number */
    scan_str("a,b,c\n07911,123456,x\n07911,123456,y\n", "cells.csv", &c);
    assert_int_equal(count_rule(&c, "pii.uk_phone"), 0);
    scan_str("a;b;c\nx;07911 123456;y\n", "semi.csv", &c);
    assert_int_equal(count_rule(&c, "pii.uk_phone"), 1);
}

static void delimiters(void **s)
{
    (void)s;
    collected c;
    scan_str("Surname;Amount\nSmith;1,50\nJones;2,75\nBrown;3,10\n", "eu.csv", &c);
    int i = find_value(&c, "pii.person_name", "Jones");
    assert_true(i >= 0);
    assert_string_equal(c.column[i], "Surname");
    assert_int_equal(c.loc[i].row, 3);
    scan_str("Surname|Email\nSmith|s@example.org\nJones|j@example.org\n", "p.txt", &c);
    assert_string_equal(c.format, "csv");
    i = find_value(&c, "pii.email", "j@example.org");
    assert_true(i >= 0);
    assert_string_equal(c.column[i], "Email");
    assert_int_equal(c.loc[i].column_index, 2);
}

static void header_or_not(void **s)
{
    (void)s;
    collected c;
    /* no header: row 1 is data, columns are named by letter only */
    scan_str("AB123456C,12\nCE123456A,13\nJK123456D,14\n", "nohead.csv", &c);
    int i = find_value(&c, "pii.uk_nino", "AB123456C");
    assert_true(i >= 0);
    assert_int_equal(c.loc[i].row, 1);
    assert_string_equal(c.column[i], "");
    assert_int_equal(c.loc[i].column_index, 1);
    /* a header of labels above numbers */
    scan_str("Ref,Count\nAB123456C,12\nCE123456A,13\n", "head.csv", &c);
    i = find_value(&c, "pii.uk_nino", "AB123456C");
    assert_int_equal(c.loc[i].row, 2);
    assert_string_equal(c.column[i], "Ref");
}

static char *people_csv(size_t rows, size_t *len)
{
    static const char *const sn[] = {"Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans"};
    static const char *const fn[] = {"John", "Mary", "Alan", "Susan", "David", "Karen"};
    static const char *const ni[] = {"AB123456C", "CE123456A", "JK123456D", "HP123456B"};
    size_t cap = 128 + rows * 96;
    char *buf = malloc(cap);
    size_t n = (size_t)snprintf(buf, cap, "Surname,Forename,Rank,Station,NI Number\n");
    for (size_t r = 0; r < rows; r++)
        n += (size_t)snprintf(buf + n, cap - n, "%s,%s,Constable,Norwich,%s\n", sn[r % 6],
                              fn[(r / 6) % 6], ni[r % 4]);
    *len = n;
    return buf;
}

static void table_of_people(void **s)
{
    (void)s;
    size_t n;
    char *t = people_csv(40, &n);
    collected c;
    scan_buf(t, n, "staff.csv", &c);
    assert_int_equal(c.verdict, SG_VERDICT_BLOCK);
    assert_int_equal(count_rule(&c, "dataset.personal_records"), 1);
    int i = (int)c.n - 1;
    assert_string_equal(c.rule[i], "dataset.personal_records");
    assert_int_equal(c.rows[i], 40);
    assert_int_equal(c.ncolumns[i], 5);
    assert_string_equal(c.kinds[i], "surname,forename,rank,unit,nino");
    assert_int_equal(count_rule(&c, "pii.person_name"), 80);
    free(t);

    /* fewer rows than the threshold: personal data, but not a table of people */
    t = people_csv(5, &n);
    scan_buf(t, n, "few.csv", &c);
    assert_int_equal(c.verdict, SG_VERDICT_REVIEW);
    assert_int_equal(count_rule(&c, "dataset.personal_records"), 0);
    free(t);
}

static void tables_of_things(void **s)
{
    (void)s;
    collected c;
    char buf[8192];
    size_t n = (size_t)snprintf(buf, sizeof(buf), "Station name,Address,Postcode,Officers\n");
    for (int r = 0; r < 30; r++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n,
                              "Station %d,%d High Street,NR%d 1AB,%d\n", r, r + 1, r % 9 + 1,
                              r * 3);
    scan_buf(buf, n, "stations.csv", &c);
    assert_int_equal(count_rule(&c, "dataset.personal_records"), 0);
    assert_int_equal(count_rule(&c, "pii.person_name"), 0);

    n = (size_t)snprintf(buf, sizeof(buf), "Product name,Price,Stock\n");
    for (int r = 0; r < 30; r++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "Widget %d,%d.99,%d\n", r, r, r * 7);
    scan_buf(buf, n, "stock.csv", &c);
    assert_int_equal(c.verdict, SG_VERDICT_PASS);
    assert_int_equal(c.n, 0);

    n = (size_t)snprintf(buf, sizeof(buf), "Offence,2022,2023\n");
    for (int r = 0; r < 30; r++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "Category %d,%d,%d\n", r, r * 11, r * 13);
    scan_buf(buf, n, "stats.csv", &c);
    assert_int_equal(c.verdict, SG_VERDICT_PASS);
}

static void identifier_column_without_header(void **s)
{
    (void)s;
    /* a column of e-mail addresses identifies people even unnamed */
    char buf[8192];
    size_t n = 0;
    for (int r = 0; r < 20; r++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "user%d@example.org,Team %d,%d\n", r,
                              r % 3, r);
    collected c;
    scan_buf(buf, n, "list.csv", &c);
    assert_int_equal(count_rule(&c, "dataset.personal_records"), 1);
    int i = (int)c.n - 1;
    assert_string_equal(c.kinds[i], "email,other,other");
}

static void record_longer_than_limit(void **s)
{
    (void)s;
    /* a quoted field of 3 MB with an identifier near its end */
    size_t big = 3u << 20;
    char *buf = malloc(big + 200);
    size_t n = (size_t)sprintf(buf, "Name,Notes\nJohn Smith,\"");
    memset(buf + n, 'x', big);
    for (size_t i = n + 100; i < n + big; i += 1000)
        buf[i] = ' ';
    n += big;
    n += (size_t)sprintf(buf + n, " AB123456C\"\nMary Jones,short CE123456A\n");
    collected c;
    scan_buf(buf, n, "long.csv", &c);
    assert_int_equal(c.status, SG_OK);
    int i = find_value(&c, "pii.uk_nino", "AB123456C");
    assert_true(i >= 0);
    assert_int_equal(c.loc[i].row, 2);
    assert_int_equal(c.loc[i].column_index, 2);
    i = find_value(&c, "pii.uk_nino", "CE123456A");
    assert_true(i >= 0);
    assert_int_equal(c.loc[i].row, 3);
    free(buf);
}

static void utf16_tsv_from_excel(void **s)
{
    (void)s;
    /* Excel's "Unicode text": UTF-16LE, BOM, tabs, CRLF */
    const char *t = "Surname\tForename\tNI Number\r\nSmith\tJohn\tAB123456C\r\n";
    unsigned char buf[512];
    size_t k = 0;
    buf[k++] = 0xFF;
    buf[k++] = 0xFE;
    for (const char *p = t; *p; p++) {
        buf[k++] = (unsigned char)*p;
        buf[k++] = 0;
    }
    collected c;
    scan_buf((const char *)buf, k, "export.txt", &c);
    assert_string_equal(c.format, "tsv");
    assert_string_equal(c.encoding, "utf-16le");
    int i = find_value(&c, "pii.uk_nino", "AB123456C");
    assert_true(i >= 0);
    assert_string_equal(c.column[i], "NI Number");
    assert_int_equal(c.loc[i].row, 2);
}

static void cap_keeps_counts_exact(void **s)
{
    (void)s;
    size_t n;
    char *t = people_csv(400, &n);
    collected c;
    scan_buf(t, n, "many.csv", &c);
    /* 100 listed per rule, counted in full, and the table still reported */
    assert_int_equal(count_rule(&c, "pii.uk_nino"), 100);
    assert_int_equal(count_rule(&c, "pii.person_name"), 100);
    assert_int_equal(count_rule(&c, "dataset.personal_records"), 1);
    assert_int_equal(c.total, 400 + 800 + 1);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoting_and_locations), cmocka_unit_test(matches_stay_in_their_cell),
        cmocka_unit_test(delimiters),            cmocka_unit_test(header_or_not),
        cmocka_unit_test(table_of_people),       cmocka_unit_test(tables_of_things),
        cmocka_unit_test(identifier_column_without_header),
        cmocka_unit_test(record_longer_than_limit), cmocka_unit_test(utf16_tsv_from_excel),
        cmocka_unit_test(cap_keeps_counts_exact),
    };
    return cmocka_run_group_tests(tests, unit_setup, unit_teardown);
}
