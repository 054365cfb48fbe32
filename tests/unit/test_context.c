/*
 * test_context.c - detectors that need context words or a column header,
 * scanned end to end through sg_scan_memory: the same value is found next
 * to the words that name it and ignored elsewhere.
 */
#include "unit.h"

static void dob_needs_context(void **s)
{
    (void)s;
    collected c;
    scan_str("Date of birth: 12/03/1985\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.date_of_birth"), 1);
    scan_str("DOB 3 March 1985\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.date_of_birth"), 1);
    scan_str("She was born on March 3, 1985 in Leeds.\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.date_of_birth"), 1);
    scan_str("The meeting on 12/03/1985 was postponed.\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.date_of_birth"), 0);
    scan_str("DOB: 31/02/1985\n", "a.txt", &c); /* not a date */
    assert_int_equal(count_rule(&c, "pii.date_of_birth"), 0);
}

/* A context word counts anywhere in the 48 bytes before a date of birth
 * and not beyond: every word of the list, at every distance (the window
 * is searched sixteen places at a time, its last block overlapping). */
static void dob_window_edges(void **s)
{
    (void)s;
    static const char *const words[] = {"dob",       "d.o.b",    "date of birth", "birth date",
                                        "birthdate", "born",     "birthday",      "date-of-birth",
                                        "DOB",       "Born"};
    char text[256];
    collected c;
    for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
        size_t wl = strlen(words[w]);
        for (size_t gap = 1; gap <= 60; gap++) {
            /* 64 bytes of '=', the word, gap spaces, the date: the word
             * lies wl + gap bytes before the date, the window (48 bytes)
             * inside the line */
            int n = snprintf(text, sizeof(text), "%.64s%s%*s12/03/1985\n",
                             "================================================================",
                             words[w], (int)gap, "");
            assert_true(n > 0 && (size_t)n < sizeof(text));
            scan_str(text, "a.txt", &c);
            size_t want = wl + gap <= 48 ? 1 : 0;
            if (count_rule(&c, "pii.date_of_birth") != want)
                fail_msg("\"%s\" %zu spaces before the date: %zu findings, want %zu", words[w],
                         gap, count_rule(&c, "pii.date_of_birth"), want);
        }
    }
}

static void nhs_bare_needs_context(void **s)
{
    (void)s;
    collected c;
    scan_str("NHS number 9434765919\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.nhs_number"), 1);
    scan_str("Reference 9434765919\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.nhs_number"), 0);
    scan_str("Patient 943 476 5919 seen\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.nhs_number"), 1);
}

static void passport_and_vehicle(void **s)
{
    (void)s;
    collected c;
    scan_str("Passport no. 123456789 issued 2019\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.uk_passport"), 1);
    scan_str("Invoice 123456789 paid\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.uk_passport"), 0);
    scan_str("The vehicle, registration AB51 ABC, was seen\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.uk_vehicle_reg"), 1);
    scan_str("Part number AB51 ABC in stock\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.uk_vehicle_reg"), 0);
}

static void bank_pairs(void **s)
{
    (void)s;
    collected c;
    scan_str("Sort code 12-34-56, account number 12345678.\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.uk_bank_account"), 1);
    int i = find_value(&c, "pii.uk_bank_account", "12-34-56, account number 12345678");
    assert_true(i >= 0);
    scan_str("Account no 87654321\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.uk_bank_account"), 1);
    scan_str("Score 12-34-56 at half time, 12345678 fans\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.uk_bank_account"), 0);
    /* the account inside an IBAN is part of the IBAN */
    scan_str("IBAN GB33BUKB20201555555555 account\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.iban"), 1);
    assert_int_equal(count_rule(&c, "pii.uk_bank_account"), 0);
}

static void header_gives_context(void **s)
{
    (void)s;
    collected c;
    scan_str("Name,Date of Birth,Passport\nJohn Smith,12/03/1985,123456789\n"
             "Mary Jones,01/01/1970,987654321\n",
             "people.csv", &c);
    assert_int_equal(count_rule(&c, "pii.date_of_birth"), 2);
    assert_int_equal(count_rule(&c, "pii.uk_passport"), 2);
    scan_str("Item,Date,Code\nWidget,12/03/1985,123456789\nGadget,01/01/1970,987654321\n",
             "stock.csv", &c);
    assert_int_equal(count_rule(&c, "pii.date_of_birth"), 0);
    assert_int_equal(count_rule(&c, "pii.uk_passport"), 0);
}

static void ip_not_versions(void **s)
{
    (void)s;
    collected c;
    scan_str("Logged in from 81.2.69.160 at 09:00\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.ip_address"), 1);
    scan_str("Upgrade to version 10.4.22.160 today\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.ip_address"), 0);
    scan_str("OID 1.3.6.1.4.1.311 is registered\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.ip_address"), 0);
    scan_str("see v81.2.69.160\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.ip_address"), 0);
}

static void email_edges(void **s)
{
    (void)s;
    collected c;
    scan_str("Write to (john.smith@example.org). Or 'mary@example.co.uk'.\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.email"), 2);
    assert_true(find_value(&c, "pii.email", "john.smith@example.org") >= 0);
    assert_true(find_value(&c, "pii.email", "mary@example.co.uk") >= 0);
    scan_str("<img src=\"logo@2x.png\">\n", "a.txt", &c);
    assert_int_equal(count_rule(&c, "pii.email"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dob_needs_context),   cmocka_unit_test(dob_window_edges),   cmocka_unit_test(nhs_bare_needs_context),
        cmocka_unit_test(passport_and_vehicle), cmocka_unit_test(bank_pairs),
        cmocka_unit_test(header_gives_context), cmocka_unit_test(ip_not_versions),
        cmocka_unit_test(email_edges),
    };
    return cmocka_run_group_tests(tests, unit_setup, unit_teardown);
}
