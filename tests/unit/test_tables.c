/*
 * test_tables.c - what tables say as a whole: small counts in aggregate
 * tables, rows that quasi-identifiers single out, and name columns known
 * by their values.
 */
#include "unit.h"

static void small_counts(void **s)
{
    (void)s;
    collected c;
    scan_str("Category,Q1,Q2,Q3\nBurglary,412,3,455\nRobbery,2,71,59\nHate crime,0,1,12\n",
             "a.csv", &c);
    assert_int_equal(count_rule(&c, "dataset.small_counts"), 1);
    assert_int_equal(c.verdict, SG_VERDICT_REVIEW);
    int i = find_rule(&c, "dataset.small_counts");
    assert_non_null(strstr(c.value[i], "C2=3"));
    assert_non_null(strstr(c.value[i], "B3=2"));
    assert_non_null(strstr(c.value[i], "C4=1"));
    assert_null(strstr(c.value[i], "=0")); /* zero is not a small count */
    /* no small counts; years and amounts are not counts */
    scan_str("Category,2022,2023\nBurglary,412,455\nRobbery,71,59\n", "a.csv", &c);
    assert_int_equal(count_rule(&c, "dataset.small_counts"), 0);
    scan_str("Year,Spend\n2021,1.5\n2022,3.25\n", "a.csv", &c);
    assert_int_equal(count_rule(&c, "dataset.small_counts"), 0);
}

static void reidentifiable(void **s)
{
    (void)s;
    char buf[8192] = "Rank,Location,Gender,Grade\n";
    /* 30 constables in two groups of 15, and one chief superintendent */
    for (int i = 0; i < 30; i++)
        strcat(buf, i % 2 ? "Constable,Belfast,M,B\n" : "Constable,Derry,F,B\n");
    strcat(buf, "Chief Superintendent,Omagh,F,E\n");
    collected c;
    scan_str(buf, "a.csv", &c);
    assert_int_equal(count_rule(&c, "dataset.reidentifiable"), 1);
    int i = find_rule(&c, "dataset.reidentifiable");
    assert_non_null(strstr(c.value[i], "k = 1"));
    assert_non_null(strstr(c.value[i], "row 32"));
    assert_string_equal(c.kinds[i], "rank,unit,gender,rank"); /* Grade is a rank */
    /* every group of at least five: nothing to say */
    char ok[8192] = "Rank,Location,Gender\n";
    for (int r = 0; r < 40; r++)
        strcat(ok, r % 2 ? "Constable,Belfast,M\n" : "Sergeant,Derry,F\n");
    scan_str(ok, "a.csv", &c);
    assert_int_equal(count_rule(&c, "dataset.reidentifiable"), 0);
}

static void name_column_by_values(void **s)
{
    (void)s;
    static const char *const people[] = {"Jane Smith", "Mark Evans", "Sarah Connolly",
                                         "David Patel", "Emma Jones", "Omar Khan",
                                         "Laura Wilson", "Peter Hughes", "Claire Walker",
                                         "Simon Wright", "Helen Roberts", "Gary Thomas"};
    char buf[4096] = "Officer,Shift,Team\n";
    for (size_t i = 0; i < 12; i++) {
        strcat(buf, people[i]);
        strcat(buf, i % 2 ? ",Early,Response\n" : ",Late,Roads\n");
    }
    collected c;
    scan_str(buf, "a.csv", &c);
    int i = find_rule(&c, "dataset.personal_records");
    assert_true(i >= 0);
    assert_non_null(strstr(c.kinds[i], "name"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_counts),
        cmocka_unit_test(reidentifiable),
        cmocka_unit_test(name_column_by_values),
    };
    return cmocka_run_group_tests(tests, unit_setup, unit_teardown);
}
