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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(staff_numbers),
        cmocka_unit_test(vetting_levels),
    };
    return cmocka_run_group_tests(tests, unit_setup, unit_teardown);
}
