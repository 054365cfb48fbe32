/*
 * test_names.c - people's names in running text (names.c): each way a name
 * is found, and the capitalised words, places and codes that are not names.
 */
#include "unit.h"

/* The names found in text, joined with '|'. */
static const char *names_in(const char *text)
{
    static char out[1024];
    collected c;
    scan_str(text, "a.txt", &c);
    out[0] = '\0';
    for (size_t i = 0; i < c.n; i++) {
        if (strcmp(c.rule[i], "pii.person_name") != 0)
            continue;
        if (out[0])
            strncat(out, "|", sizeof(out) - strlen(out) - 1);
        strncat(out, c.value[i], sizeof(out) - strlen(out) - 1);
    }
    return out;
}

static void titles_and_ranks(void **s)
{
    (void)s;
    assert_string_equal(names_in("It was Mr Smith who called.\n"), "Mr Smith");
    assert_string_equal(names_in("Seen by PC Jones and DS Ann Lee.\n"), "PC Jones|DS Ann Lee");
    assert_string_equal(names_in("Detective Sergeant Sarah Williams took notes.\n"),
                        "Detective Sergeant Sarah Williams");
    assert_string_equal(names_in("Mrs. J. Patel replied.\n"), "Mrs. J. Patel");
    /* a rank in full needs a name after it, not a word */
    assert_string_equal(names_in("The Inspector General reported.\n"), "");
    assert_string_equal(names_in("Police Staff and Officer Safety training.\n"), "");
    /* a number ends it: PC 1234 is a collar number, not a name */
    assert_string_equal(names_in("PC 1234 attended.\n"), "");
}

static void context_words(void **s)
{
    (void)s;
    assert_string_equal(names_in("The victim Jane Doe was interviewed.\n"), "Jane Doe");
    assert_string_equal(names_in("witness: Omar Farouk\n"), "Omar Farouk");
    assert_string_equal(names_in("the suspect, Kowalski, left.\n"), "Kowalski");
    /* a context word before a capitalised word that is no name */
    assert_string_equal(names_in("the victim Support Unit\n"), "");
}

static void initials_and_surnames(void **s)
{
    (void)s;
    assert_string_equal(names_in("Signed J. Smith, 4 May.\n"), "J. Smith");
    assert_string_equal(names_in("Present: J A Patel and K.L. O'Neill\n"),
                        "J A Patel|K.L. O'Neill");
    assert_string_equal(names_in("List: SMITH, John; JONES, Mary\n"), "SMITH, John|JONES, Mary");
    /* "A Smith" (an article) and a line break are not initials */
    assert_string_equal(names_in("It was a Smith and Wesson.\n"), "");
    assert_string_equal(names_in("Item C.\nDriver seen.\n"), "");
}

static void first_and_last(void **s)
{
    (void)s;
    assert_string_equal(names_in("Later Sarah Connolly and Mark Evans arrived.\n"),
                        "Sarah Connolly|Mark Evans");
    assert_string_equal(names_in("Mary Jane Watson and John A. McDonald\n"),
                        "Mary Jane Watson|John A. McDonald");
    assert_string_equal(names_in("JOHN SMITH\n"), "JOHN SMITH");
    assert_string_equal(names_in("Report by Ellie Fitzgerald-Brown.\n"),
                        "Ellie Fitzgerald-Brown");
}

static void words_that_are_not_names(void **s)
{
    (void)s;
    /* everyday words that are also names need more than a capital */
    assert_string_equal(names_in("Will Young attend? May Green be closed?\n"), "");
    assert_string_equal(names_in("Rose Lane, Grace Church and Hope Street.\n"), "");
    /* places */
    assert_string_equal(names_in("Meet at Victoria Road near St Helens.\n"), "");
    assert_string_equal(names_in("Walk to Albert Park via North Walsham.\n"), "");
    assert_string_equal(names_in("Leave it at James Street station.\n"), "");
    /* headings in title case */
    assert_string_equal(names_in("Annual Report on Crime and Disorder\n"), "");
    /* separated by a word, a comma or a line */
    assert_string_equal(names_in("John and Smith; John, Smith\nJohn\nSmith\n"), "");
    /* codes */
    assert_string_equal(names_in("Ref JOHN123 SMITH9\n"), "");
    /* places that start with a place word, addresses, bare initials */
    assert_string_equal(names_in("A trip to Lake Norman and Saint Lucia.\n"), "");
    assert_string_equal(names_in("They live at 12 George Wood, Leeds.\n"), "");
    assert_string_equal(names_in("Columns B Sum and B Min.\n"), "");
}

static void accents_and_collar_numbers(void **s)
{
    (void)s;
    /* Irish and other names written with their accents and a typographic
     * apostrophe are the listed names */
    assert_string_equal(names_in("Contact Siobh\u00e1n O\u2019Neill today.\n"),
                        "Siobh\u00e1n O\u2019Neill");
    assert_string_equal(names_in("Se\u00e1n Murphy and Ciar\u00e1n Kelly were told.\n"),
                        "Se\u00e1n Murphy|Ciar\u00e1n Kelly");
    /* a letter that does not fold is not made up */
    assert_string_equal(names_in("Contact Si\u0153bhan today.\n"), "");
    /* a collar number after a rank is not a house number */
    assert_string_equal(names_in("Seen by PC 4471 John Brown.\n"), "John Brown");
    assert_string_equal(names_in("Seen by DC 52 Mary Jones.\n"), "Mary Jones");
    assert_string_equal(names_in("They live at 12 George Wood, Leeds.\n"), "");
}

static void names_the_lists_lack(void **s)
{
    (void)s;
    /* a capitalised word in no dictionary, after a first name, initials,
     * or a rank in full */
    assert_string_equal(names_in("Later Sarah Stiedemann phoned.\n"), "Sarah Stiedemann");
    assert_string_equal(names_in("Signed Y. Cummerata.\n"), "Y. Cummerata");
    assert_string_equal(names_in("Police Constable Earl Wuckert attended.\n"),
                        "Constable Earl Wuckert");
    assert_string_equal(names_in("GREENHOLT, Maudie\n"), "GREENHOLT, Maudie");
    /* but not after a first name that is an everyday word */
    assert_string_equal(names_in("May Stiedemann\n"), "");
}

static void in_cells(void **s)
{
    (void)s;
    collected c;
    /* a notes column: names in it are found; a name cannot span cells */
    scan_str("Ref,Notes\n1,Statement taken by PC Smith\n2,Sarah,Connolly\n", "a.csv", &c);
    assert_int_equal(count_rule(&c, "pii.person_name"), 1);
    assert_true(find_value(&c, "pii.person_name", "PC Smith") >= 0);
    /* a name column: names in it, not totals or lone words */
    scan_str("Name,Count\nHall,3\nTesting,4\nGrand Total,7\n", "a.csv", &c);
    assert_int_equal(count_rule(&c, "pii.person_name"), 1);
    assert_true(find_value(&c, "pii.person_name", "Hall") >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(titles_and_ranks),       cmocka_unit_test(context_words),
        cmocka_unit_test(initials_and_surnames),  cmocka_unit_test(first_and_last),
        cmocka_unit_test(words_that_are_not_names), cmocka_unit_test(in_cells),
        cmocka_unit_test(names_the_lists_lack),   cmocka_unit_test(accents_and_collar_numbers),
    };
    return cmocka_run_group_tests(tests, unit_setup, unit_teardown);
}
