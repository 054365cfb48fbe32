/*
 * test_offsets.c - every built-in rule is found wherever its value stands:
 * at each offset 0..300 of a text, after filler of several kinds, and in a
 * CSV cell after a row of every length. Written after Debian's Vectorscan
 * 5.4.9 was found to miss most matches of "@[A-Za-z0-9]" and of the IPv6
 * pattern more than ~60 bytes into a buffer when the database held them
 * without certain other patterns (the token pass finds both since); this
 * holds every way a candidate is found (the pair pass, the token pass's
 * runs, words and stop bytes, the names walker, PCRE2 for custom rules) to
 * every position.
 */
#include "unit.h"

typedef struct sample {
    const char *rule, *text, *value;
} sample;

/* Each value with the words around it that a validator asks for. */
static const sample samples[] = {
    {"pii.email", "write to jane.doe@example.org today", "jane.doe@example.org"},
    {"pii.email", "or j9@mail.example.co.uk.", "j9@mail.example.co.uk"},
    {"pii.ip_address", "from fd12:3456:789a:1::42 on", "fd12:3456:789a:1::42"},
    {"pii.ip_address", "host 81.2.69.160 logged", "81.2.69.160"},
    {"pii.vetting_level", "vetting: NPPV3 granted", "NPPV3"},
    {"pii.vetting_level", "vetting level SC held", "SC"},
    {"pii.vetting_level", "holds Developed Vetting now", "Developed Vetting"},
    {"pii.uk_nino", "NI AB123456C noted", "AB123456C"},
    {"pii.uk_phone", "call 07911 123456 now", "07911 123456"},
    {"pii.uk_postcode", "at SW1A 2AA today", "SW1A 2AA"},
    {"pii.person_name", "I met Jane Smith there", "Jane Smith"},
    {"pii.date_of_birth", "Date of birth: 12/03/1985 noted", "12/03/1985"},
    {"pii.nhs_number", "NHS number 9434765919 seen", "9434765919"},
    {"pii.uk_passport", "Passport no. 123456789 issued 2019", "123456789"},
    {"pii.uk_vehicle_reg", "The vehicle, registration AB51 ABC, was seen", "AB51 ABC"},
    {"pii.uk_bank_account", "Sort code 12-34-56, account number 12345678.",
     "12-34-56, account number 12345678"},
    {"pii.iban", "IBAN GB33BUKB20201555555555 account", "GB33BUKB20201555555555"},
    {"pii.payment_card", "paid by card 5555 5555 5555 4444 today", "5555 5555 5555 4444"},
    {"pii.uk_driving_licence", "driving licence MORGA753116SM9IJ held", "MORGA753116SM9IJ"},
    {"pii.staff_number", "PC 4471 attended", "4471"},
};

/* Every built-in pii.* rule has a sample above (checked against the
 * catalogue, so that a new rule without one fails). */
static void every_rule_sampled(void **s)
{
    (void)s;
    size_t n = 0;
    for (size_t r = 0; r < SGI_RULE_COUNT; r++) {
        const char *id = sgi_rules[r].info.id;
        if (strncmp(id, "pii.", 4) != 0)
            continue;
        bool found = false;
        for (size_t k = 0; k < SGI_ARRAY_LEN(samples) && !found; k++)
            found = strcmp(samples[k].rule, id) == 0;
        if (!found)
            fail_msg("no sample at every offset for %s", id);
        n++;
    }
    assert_true(n >= 16);
}

/* Fillers whose bytes each candidate search steps over differently. */
static const char *const fillers[] = {"lorem ipsum ", "0.5 0.5 ", "a:b ", "x@ ", "Re: "};

static void every_offset_text(void **s)
{
    (void)s;
    char buf[512];
    collected c;
    for (size_t k = 0; k < SGI_ARRAY_LEN(samples); k++) {
        for (size_t f = 0; f < SGI_ARRAY_LEN(fillers); f++) {
            size_t fl = strlen(fillers[f]);
            for (size_t off = 0; off <= 300; off++) {
                size_t n = 0;
                for (; n < off; n++)
                    buf[n] = fillers[f][n % fl];
                buf[n++] = '\n'; /* a line of its own: no context from the filler */
                snprintf(buf + n, sizeof(buf) - n, "%s\n", samples[k].text);
                scan_str(buf, "o.txt", &c);
                if (find_value(&c, samples[k].rule, samples[k].value) < 0)
                    fail_msg("%s \"%s\" not found after %zu bytes of \"%s\"", samples[k].rule,
                             samples[k].value, off, fillers[f]);
            }
        }
    }
}

/* In a CSV cell (quoted), with the row before it of every length. */
static void every_offset_csv(void **s)
{
    (void)s;
    char buf[1024];
    collected c;
    for (size_t k = 0; k < SGI_ARRAY_LEN(samples); k++) {
        for (size_t off = 0; off <= 200; off++) {
            size_t n = (size_t)snprintf(buf, sizeof(buf), "Ref,Notes\n1,");
            for (size_t i = 0; i < off; i++)
                buf[n++] = "lorem ipsum "[i % 12];
            /* quoted: some samples hold commas */
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\n2,\"%s\"\n", samples[k].text);
            scan_str(buf, "o.csv", &c);
            if (find_value(&c, samples[k].rule, samples[k].value) < 0)
                fail_msg("%s \"%s\" not found in a CSV cell after %zu bytes", samples[k].rule,
                         samples[k].value, off);
        }
    }
}

/* Rules of the configuration (PCRE2's since): two patterns that Vectorscan
 * 5.4.9 misses past ~60 bytes when either is alone in its database (as
 * they were when they were Vectorscan's and the vetting patterns were
 * taken out). One engine for each. */
static void every_offset_custom(void **s)
{
    (void)s;
    static const struct {
        const char *pattern, *text, *value;
    } rules[] = {{"[A-Z]{3}-[0-9]{4}", " ref ABC-1234 done\n", "ABC-1234"},
                 {"[0-9]{4}/[0-9]{2}", " for 2023/45 done\n", "2023/45"}};
    for (size_t r = 0; r < SGI_ARRAY_LEN(rules); r++) {
        char cfg[200];
        snprintf(cfg, sizeof(cfg), "custom:\n  - id: custom.one\n    pattern: '%s'\n",
                 rules[r].pattern);
        sg_engine *eng = NULL;
        sg_scanner *sc = NULL;
        assert_int_equal(sg_engine_new(&eng, NULL), SG_OK);
        assert_int_equal(sg_engine_load_config_buffer(eng, cfg, strlen(cfg), "t.yml"), SG_OK);
        assert_int_equal(sg_engine_compile(eng), SG_OK);
        assert_int_equal(sg_scanner_new(eng, &sc), SG_OK);
        char buf[512];
        collected c;
        for (size_t off = 0; off <= 300; off++) {
            size_t n = 0;
            for (; n < off; n++)
                buf[n] = "lorem ipsum "[n % 12];
            snprintf(buf + n, sizeof(buf) - n, "%s", rules[r].text);
            assert_int_equal(sg_scan_memory(sc, buf, strlen(buf), "o.txt", unit_collect, &c),
                             SG_OK);
            if (find_value(&c, "custom.one", rules[r].value) < 0)
                fail_msg("custom rule %s: \"%s\" not found after %zu bytes", rules[r].pattern,
                         rules[r].value, off);
        }
        sg_scanner_free(sc);
        sg_engine_free(eng);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_rule_sampled),
        cmocka_unit_test(every_offset_text),
        cmocka_unit_test(every_offset_csv),
        cmocka_unit_test(every_offset_custom),
    };
    return cmocka_run_group_tests(tests, unit_setup, unit_teardown);
}
