/*
 * test_cleantemp.c - a cleaned copy is written to a temporary file (0600)
 * beside its target; if the process is told to stop (SIGINT, SIGTERM), the
 * CLI's handler calls sg_clean_remove_temporaries, which must remove every
 * temporary file under way, and only those.
 */
#include "unit.h"

#include "clean/clean_private.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static int count_temps(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, ".spillguard-", 12) == 0;
    closedir(d);
    return n;
}

static void temporaries_removed_on_demand(void **s)
{
    (void)s;
    char dir[] = "/tmp/sg-cleantemp-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char target[256], t1[4200], t2[4200], t3[4200];
    snprintf(target, sizeof(target), "%s/copy.xlsx", dir);
    int a = sgi_clean_temp(target, ".xlsx", t1, sizeof(t1));
    int b = sgi_clean_temp(target, ".xlsx", t2, sizeof(t2));
    int c = sgi_clean_temp(target, ".zip", t3, sizeof(t3));
    assert_true(a >= 0 && b >= 0 && c >= 0);
    struct stat st;
    assert_int_equal(fstat(a, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* private while written */
    close(a);
    close(b);
    close(c);
    assert_int_equal(count_temps(dir), 3);
    /* one placed (renamed by its owner), no longer a temporary */
    char placed[300];
    snprintf(placed, sizeof(placed), "%s/placed.xlsx", dir);
    assert_int_equal(rename(t2, placed), 0);
    sgi_clean_temp_done(t2, false);
    /* one given up by its owner */
    sgi_clean_temp_done(t3, true);
    assert_int_equal(count_temps(dir), 1);
    /* the handler's call: what is under way goes, what was placed stays */
    sg_clean_remove_temporaries();
    assert_int_equal(count_temps(dir), 0);
    assert_int_equal(access(placed, F_OK), 0);
    sgi_clean_temp_done(t1, false);
    unlink(placed);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(temporaries_removed_on_demand)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
