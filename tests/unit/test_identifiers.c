/*
 * test_identifiers.c - every validator with valid vectors and the near
 * misses that must fail: a NINO with a disallowed prefix, an NHS number
 * with a wrong check digit, a Luhn-failing card, a drama phone number...
 */
#include "unit.h"

static void nino(void **s)
{
    (void)s;
    assert_true(V(sgi_valid_nino, "AB123456C"));
    assert_true(V(sgi_valid_nino, "AB 12 34 56 C"));
    assert_true(V(sgi_valid_nino, "ab123456c"));
    assert_true(V(sgi_valid_nino, "JK123456D"));
    assert_true(V(sgi_valid_nino, "AB123456 C"));
    assert_false(V(sgi_valid_nino, "QQ123456C")); /* Q never allocated */
    assert_false(V(sgi_valid_nino, "QQ 12 34 56 C"));
    assert_false(V(sgi_valid_nino, "DA123456A")); /* D first */
    assert_false(V(sgi_valid_nino, "FA123456A"));
    assert_false(V(sgi_valid_nino, "IA123456A"));
    assert_false(V(sgi_valid_nino, "UA123456A"));
    assert_false(V(sgi_valid_nino, "VA123456A"));
    assert_false(V(sgi_valid_nino, "AO123456A")); /* O second */
    assert_false(V(sgi_valid_nino, "AD123456A"));
    assert_false(V(sgi_valid_nino, "BG123456A")); /* unallocated prefixes */
    assert_false(V(sgi_valid_nino, "GB123456A"));
    assert_false(V(sgi_valid_nino, "KN123456A"));
    assert_false(V(sgi_valid_nino, "NK123456A"));
    assert_false(V(sgi_valid_nino, "NT123456A"));
    assert_false(V(sgi_valid_nino, "TN123456A"));
    assert_false(V(sgi_valid_nino, "ZZ123456A"));
    assert_false(V(sgi_valid_nino, "AB123456E")); /* suffix A-D */
    assert_false(V(sgi_valid_nino, "Ab123456C")); /* mixed case */
    assert_false(V(sgi_valid_nino, "AB12345C"));
    assert_false(V(sgi_valid_nino, "AB 1234 56 C")); /* odd spacing */
}

static void nhs(void **s)
{
    (void)s;
    assert_true(V(sgi_valid_nhs, "9434765919"));
    assert_true(V(sgi_valid_nhs, "943 476 5919"));
    assert_true(V(sgi_valid_nhs, "943-476-5919"));
    assert_true(V(sgi_valid_nhs, "4010232137"));
    assert_false(V(sgi_valid_nhs, "9434765918")); /* wrong check digit */
    assert_false(V(sgi_valid_nhs, "943 476 5918"));
    assert_false(V(sgi_valid_nhs, "1000000010")); /* check would be 10 */
    assert_false(V(sgi_valid_nhs, "1000000011"));
    assert_false(V(sgi_valid_nhs, "0000000000")); /* all one digit */
    assert_false(V(sgi_valid_nhs, "943 476-5919")); /* mixed separators */
    assert_false(V(sgi_valid_nhs, "94347659190"));
}

static void card(void **s)
{
    (void)s;
    assert_true(V(sgi_valid_card, "4111111111111111"));
    assert_true(V(sgi_valid_card, "4111 1111 1111 1111"));
    assert_true(V(sgi_valid_card, "4111-1111-1111-1111"));
    assert_true(V(sgi_valid_card, "5555555555554444"));
    assert_true(V(sgi_valid_card, "2221000000000009"));
    assert_true(V(sgi_valid_card, "378282246310005"));
    assert_true(V(sgi_valid_card, "3782 822463 10005")); /* Amex 4-6-5 */
    assert_true(V(sgi_valid_card, "6011111111111117"));
    assert_true(V(sgi_valid_card, "3530111333300000"));
    assert_false(V(sgi_valid_card, "4111111111111112")); /* Luhn fails */
    assert_false(V(sgi_valid_card, "5555555555554445"));
    assert_false(V(sgi_valid_card, "9111111111111111")); /* no issuer */
    assert_false(V(sgi_valid_card, "378282246310005 1"));
    assert_false(V(sgi_valid_card, "41111 1111 1111 111")); /* grouping */
    assert_false(V(sgi_valid_card, "4111 1111-1111 1111"));
    assert_false(V(sgi_valid_card, "37828224631000")); /* Amex is 15 */
    assert_false(V(sgi_valid_card, "0000000000000000"));
}

static void iban(void **s)
{
    (void)s;
    assert_true(V(sgi_valid_iban, "GB82WEST12345698765432"));
    assert_true(V(sgi_valid_iban, "GB82 WEST 1234 5698 7654 32"));
    assert_true(V(sgi_valid_iban, "DE89370400440532013000"));
    assert_true(V(sgi_valid_iban, "GB33BUKB20201555555555"));
    assert_true(V(sgi_valid_iban, "FR1420041010050500013M02606"));
    assert_false(V(sgi_valid_iban, "GB82WEST12345698765433")); /* mod 97 */
    assert_false(V(sgi_valid_iban, "GB82WEST1234569876543"));  /* GB is 22 */
    assert_false(V(sgi_valid_iban, "XX82WEST12345698765432")); /* no such country */
    assert_false(V(sgi_valid_iban, "GB82 WES T123 4569 8765 432"));
}

static void postcode(void **s)
{
    (void)s;
    const char *ok[] = {"SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX",
                        "EC1A 1BB", "GIR 0AA", "BFPO 123", "sw1a 1aa", "NR12AB", "EH99 1SP"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_true(V(sgi_valid_postcode, ok[i]));
    const char *bad[] = {"QA1 1AA",  /* Q never first */
                         "SW1A 1CA", /* C never inward */
                         "SW1A 1AI", "XX1 1AA", /* no such area */
                         "ZZ1 1AA",  "A1 1AA",  "SW1A 1A", "Sw1A 1AA", "E1L 1AA",
                         "W1I 0AX"}; /* I never third */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (sgi_valid_postcode(bad[i], strlen(bad[i])))
            fail_msg("accepted %s", bad[i]);
    }
}

static void phone(void **s)
{
    (void)s;
    const char *ok[] = {"07911 123456",       "07911123456",       "+44 7911 123456",
                        "+447911123456",      "0044 7911 123456",  "(020) 7123 4567",
                        "020 7123 4567",      "0161 234 5678",     "+44 (0)20 7123 4567",
                        "01697 73123",        "07624 123456",      "029 2022 1234",
                        "028 9032 1234"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!sgi_valid_uk_phone(ok[i], strlen(ok[i])))
            fail_msg("rejected %s", ok[i]);
    const char *bad[] = {"07700 900123",  /* Ofcom drama range */
                         "0161 496 0123", "020 7946 0123", "01632 960123",
                         "0800 123 4567", /* freephone: not personal */
                         "0300 123 4567", "070 1234 5678", /* personal numbering */
                         "07611 123456",  /* pager */
                         "07911 12345",   /* too short */
                         "020 1234 5678", /* local numbers do not start with 1 */
                         "0101 234 5678", "06123 456789", "+33 1 23 45 67 89",
                         "(07911 123456"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (sgi_valid_uk_phone(bad[i], strlen(bad[i])))
            fail_msg("accepted %s", bad[i]);
}

static void email(void **s)
{
    (void)s;
    assert_true(V(sgi_valid_email, "john.smith@example.org"));
    assert_true(V(sgi_valid_email, "a+tag@sub.example.co.uk"));
    assert_true(V(sgi_valid_email, "o'brien@example.ie"));
    assert_true(V(sgi_valid_email, "x@xn--bcher-kva.example"));
    assert_false(V(sgi_valid_email, "a@b"));
    assert_false(V(sgi_valid_email, "john@@example.org"));
    assert_false(V(sgi_valid_email, ".john@example.org"));
    assert_false(V(sgi_valid_email, "john..smith@example.org"));
    assert_false(V(sgi_valid_email, "logo@2x.png")); /* a file name */
    assert_false(V(sgi_valid_email, "a@-example.org"));
    assert_false(V(sgi_valid_email, "a@example.c"));
    assert_false(V(sgi_valid_email, "a@example.123"));
}

static void ip(void **s)
{
    (void)s;
    assert_true(V(sgi_valid_ip, "81.2.69.160"));
    assert_true(V(sgi_valid_ip, "10.20.30.40"));
    assert_true(V(sgi_valid_ip, "2a00:1450:4009:81f::200e"));
    assert_true(V(sgi_valid_ip, "fe80:0:0:0:204:61ff:fe9d:f156"));
    assert_false(V(sgi_valid_ip, "127.0.0.1"));
    assert_false(V(sgi_valid_ip, "0.0.0.0"));
    assert_false(V(sgi_valid_ip, "255.255.255.0")); /* a netmask */
    assert_false(V(sgi_valid_ip, "1.2.3.4"));       /* a section number */
    assert_false(V(sgi_valid_ip, "300.1.1.1"));
    assert_false(V(sgi_valid_ip, "192.0.2.1")); /* documentation */
    assert_false(V(sgi_valid_ip, "010.1.1.1"));
    assert_false(V(sgi_valid_ip, "2001:db8::1"));
    assert_false(V(sgi_valid_ip, "::1"));
    assert_false(V(sgi_valid_ip, "12:30:45"));
}

static void licence_and_vehicle(void **s)
{
    (void)s;
    assert_true(V(sgi_valid_driving_licence, "MORGA753116SM9IJ"));
    assert_true(V(sgi_valid_driving_licence, "MORGA 753116 SM9IJ"));
    assert_true(V(sgi_valid_driving_licence, "SMITH862225JA9AB")); /* month 62: a woman, Dec */
    assert_true(V(sgi_valid_driving_licence, "LI999802031AB7CD"));
    assert_false(V(sgi_valid_driving_licence, "MORGA713116SM9IJ")); /* month 13 */
    assert_false(V(sgi_valid_driving_licence, "MORGA750016SM9IJ")); /* day 00 */
    assert_false(V(sgi_valid_driving_licence, "M9RGA753116SM9IJ")); /* letter after pad */
    assert_false(V(sgi_valid_driving_licence, "MORGA753116SM9I"));
    assert_true(V(sgi_valid_vehicle_reg, "AB51 ABC"));
    assert_true(V(sgi_valid_vehicle_reg, "AB51ABC"));
    assert_true(V(sgi_valid_vehicle_reg, "A123 BCD"));
    assert_true(V(sgi_valid_vehicle_reg, "ABC 123D"));
    assert_false(V(sgi_valid_vehicle_reg, "AB01 ABC")); /* no age 01 */
    assert_false(V(sgi_valid_vehicle_reg, "IB51 ABC")); /* I never first */
    assert_false(V(sgi_valid_vehicle_reg, "AB51 AQC"));
    assert_false(V(sgi_valid_vehicle_reg, "ab51 abc"));
}

static void dates(void **s)
{
    (void)s;
    assert_true(V(sgi_valid_date, "12/03/1985"));
    assert_true(V(sgi_valid_date, "1985-03-12"));
    assert_true(V(sgi_valid_date, "3 March 1985"));
    assert_true(V(sgi_valid_date, "3rd Mar 1985"));
    assert_true(V(sgi_valid_date, "March 3, 1985"));
    assert_true(V(sgi_valid_date, "29/02/2000")); /* a leap year */
    assert_true(V(sgi_valid_date, "12.03.85"));
    assert_false(V(sgi_valid_date, "29/02/2001"));
    assert_false(V(sgi_valid_date, "31/04/1990"));
    assert_false(V(sgi_valid_date, "32/01/1990"));
    assert_false(V(sgi_valid_date, "01/01/2999")); /* the future */
    assert_false(V(sgi_valid_date, "1899-01-01"));
    assert_false(V(sgi_valid_date, "3 Marchy 1985"));
    assert_true(V(sgi_valid_sort_code, "12-34-56"));
    assert_true(V(sgi_valid_sort_code, "12 34 56"));
    assert_false(V(sgi_valid_sort_code, "12-34 56"));
    assert_false(V(sgi_valid_sort_code, "12-34-5"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nino),  cmocka_unit_test(nhs),      cmocka_unit_test(card),
        cmocka_unit_test(iban),  cmocka_unit_test(postcode), cmocka_unit_test(phone),
        cmocka_unit_test(email), cmocka_unit_test(ip),       cmocka_unit_test(licence_and_vehicle),
        cmocka_unit_test(dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
