/*
 * test_mask.c - what a report shows without --reveal: enough to tell two
 * findings apart, never enough to be the next leak.
 */
#include "unit.h"

static void check(sgi_mask_style st, const char *in, const char *want)
{
    char out[256];
    sgi_mask(st, in, strlen(in), out);
    if (strcmp(out, want) != 0)
        fail_msg("mask(%s) = %s, want %s", in, out, want);
}

static void masks(void **s)
{
    (void)s;
    check(SGI_MASK_ENDS_2_1, "AB123456C", "AB******C");
    check(SGI_MASK_ENDS_2_1, "AB 12 34 56 C", "AB ** ** ** C");
    check(SGI_MASK_ENDS_2_2, "943 476 5919", "94* *** **19");
    check(SGI_MASK_ENDS_2_2, "12-34-56", "1*-**-*6"); /* short: less kept */
    check(SGI_MASK_LAST_4, "4111 1111 1111 1111", "**** **** **** 1111");
    check(SGI_MASK_EMAIL, "john.smith@norfolk.police.uk", "j*********@n******.p*****.uk");
    check(SGI_MASK_NAME, "John Smith", "J*** S****");
    check(SGI_MASK_EMAIL, "2@e.org", "*@*.org"); /* nothing shown whole */
    check(SGI_MASK_NAME, "Zoë O'Brien", "Z** O'B****");
    check(SGI_MASK_NAME, "J A Smith", "* * S****"); /* initials are masked whole */
    check(SGI_MASK_NAME, "S z z z", "* * * *");
    check(SGI_MASK_POSTCODE, "SW1A 1AA", "SW1A ***");
    check(SGI_MASK_POSTCODE, "NR12AB", "NR1***");
    check(SGI_MASK_IP, "81.2.69.160", "81.*.**.***");
    check(SGI_MASK_ALL, "12/03/1985", "**/**/****");
    check(SGI_MASK_ALL, "AB", "**");
}

static void every_rule_masks_its_value(void **s)
{
    (void)s;
    /* every personal-data rule masks; only descriptions (a table's size, a
     * hidden sheet's name: readers mask their parts) are shown as they are */
    for (int r = 0; r < SGI_RULE_COUNT; r++) {
        const char *id = sgi_rules[r].info.id;
        if (sgi_rules[r].mask == SGI_MASK_NONE) {
            assert_true(strncmp(id, "dataset.", 8) == 0 || strncmp(id, "hidden.", 7) == 0 ||
                        strncmp(id, "notice.", 7) == 0);
            continue;
        }
        char out[64];
        sgi_mask(sgi_rules[r].mask, "ABCDEFGH12345", 13, out);
        assert_string_not_equal(out, "ABCDEFGH12345");
        assert_non_null(strchr(out, '*'));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(masks),
                                       cmocka_unit_test(every_rule_masks_its_value)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
