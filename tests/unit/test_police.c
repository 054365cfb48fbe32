/*
 * test_police.c - staff numbers and vetting levels (detect_police.c): each
 * is found where something names it, and not elsewhere.
 */
#include "unit.h"

static void staff_numbers(void **s)
{
    (void)s;
    collected c;
    scan_str("PC 4471 attended; PS1234 took over.\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.staff_number"), 2);
    assert_true(find_value(&c, "pii.staff_number", "4471") >= 0);
    scan_str("Warrant no. 123456 and collar number 2201 were seen.\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.staff_number"), 2);
    /* numbers nobody names as staff numbers */
    scan_str("Room 1234 at 10:30, 2023 figures, total 5678, PC World 4471 laptops? no: "
             "PCs 4471.\n",
             "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.staff_number"), 0);
    /* the words on the line before do not count */
    scan_str("Staff number\n1234 apples\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.staff_number"), 0);
    /* a staff-number column */
    scan_str("Surname,Service Number\nSmith,48213\nJones,51190\n", "a.csv", &c);
    assert_int_equal(count_rule(&c, "pii.staff_number"), 2);
    scan_str("Item,Stock\nPens,48213\nPads,51190\n", "a.csv", &c);
    assert_int_equal(count_rule(&c, "pii.staff_number"), 0);
}

static void vetting_levels(void **s)
{
    (void)s;
    collected c;
    scan_str("She holds NPPV3; he NPPV Level 2.\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.vetting_level"), 2);
    scan_str("Vetting: SC granted, DV pending.\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.vetting_level"), 2);
    scan_str("Developed Vetting is required for the post.\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.vetting_level"), 1);
    /* short forms without vetting words are other things */
    scan_str("The SC meeting with the DV team (Sussex College) at CTC House.\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.vetting_level"), 0);
    scan_str("Name,Vetting\nSmith,SC\nJones,DV\n", "a.csv", &c);
    assert_int_equal(count_rule(&c, "pii.vetting_level"), 2);
}

static void special_category(void **s)
{
    (void)s;
    collected c;
    /* a line about an offence: the phone number on it is raised */
    scan_str("The victim was assaulted; her number is 07911 123456.\n"
             "The parking permit holder's number is 07911 123457.\n",
             "a.txt", &c);
    int a = find_value(&c, "pii.uk_phone", "07911 123456");
    int b = find_value(&c, "pii.uk_phone", "07911 123457");
    assert_true(a >= 0 && b >= 0);
    assert_true(c.special[a]);
    assert_int_equal(c.severity[a], SG_SEV_HIGH); /* medium, raised */
    assert_false(c.special[b]);
    assert_int_equal(c.severity[b], SG_SEV_MEDIUM);
    /* a table with an ethnicity column: every identifier in it */
    scan_str("Surname,Email,Ethnicity\nSmith,a.smith@example.org,White British\n"
             "Khan,b.khan@example.org,Asian British\n",
             "a.csv", &c);
    assert_int_equal(count_rule(&c, "pii.email"), 2);
    for (size_t i = 0; i < c.n; i++)
        if (strncmp(c.rule[i], "pii.", 4) == 0)
            assert_true(c.special[i]);
    scan_str("Surname,Email,Team\nSmith,a.smith@example.org,Roads\n", "a.csv", &c);
    for (size_t i = 0; i < c.n; i++)
        assert_false(c.special[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(staff_numbers),
        cmocka_unit_test(vetting_levels),
        cmocka_unit_test(special_category),
    };
    return cmocka_run_group_tests(tests, unit_setup, unit_teardown);
}
