/*
 * test_sandbox.c - what sg_sandbox_enter forbids and what it leaves: in a
 * child process (the confinement is for life), a document is scanned and
 * found as before; then a socket, a program, a process, and a file
 * written outside the writable directory are each refused, while a file
 * in it can be written and a thread started. A second child gets no
 * writable directory: no file can be opened for writing at all.
 *
 * The kernel here must have seccomp; Landlock is checked when the kernel
 * has it (the test says which it saw), and the seccomp-only refusals are
 * checked either way.
 */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* sanitizer builds keep clone (fork) and ptrace: LeakSanitizer needs them */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

static int count_findings(void *opaque, const sg_file_result *r)
{
    *(size_t *)opaque = r->findings_total;
    return 0;
}

static void *thread_fn(void *arg)
{
    return arg;
}

/* The checks, in the child; returns a bit per failed check. */
static int confined(const char *dir, bool writable)
{
    int failed = 0;
    sg_engine *eng = NULL;
    sg_scanner *sc = NULL;
    if (sg_engine_new(&eng, NULL) != SG_OK || sg_engine_compile(eng) != SG_OK ||
        sg_scanner_new(eng, &sc) != SG_OK)
        return 1 << 0;
    const char *dirs[1] = {dir};
    unsigned applied = 0;
    char err[512];
    sg_status st = sg_sandbox_enter(dirs, writable ? 1 : 0, &applied, err, sizeof(err));
    fprintf(stderr, "sandbox: %s landlock=%d seccomp=%d no_writes=%d %s\n", sg_strerror(st),
            !!(applied & SG_SANDBOX_LANDLOCK), !!(applied & SG_SANDBOX_SECCOMP),
            !!(applied & SG_SANDBOX_NO_WRITES), err);
    if (!(applied & SG_SANDBOX_SECCOMP))
        failed |= 1 << 1;
    /* readers still read: a file from disk through the library */
    char in[4200];
    snprintf(in, sizeof(in), "%s/in.txt", dir);
    size_t n = 0;
    if (sg_scan_path(sc, in, count_findings, &n) != SG_OK || n < 2)
        failed |= 1 << 2;
    /* no network */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s >= 0 || errno != EACCES)
        failed |= 1 << 3;
    if (s >= 0)
        close(s);
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s >= 0)
        failed |= 1 << 4;
    /* no programs, no processes; threads fine */
    char *const args[] = {"/bin/true", NULL};
    execv("/bin/true", args);
    if (errno != EACCES)
        failed |= 1 << 5;
    pid_t p = SANITIZED ? -1 : fork();
    if (p == 0)
        _exit(0);
    if (p > 0) {
        waitpid(p, NULL, 0);
        failed |= 1 << 6;
    }
    pthread_t t;
    if (pthread_create(&t, NULL, thread_fn, NULL) != 0 || pthread_join(t, NULL) != 0)
        failed |= 1 << 7;
    /* no file written outside the writable directory */
    int fd = open("/tmp/spillguard-sandbox-escape", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        failed |= 1 << 8;
        close(fd);
        unlink("/tmp/spillguard-sandbox-escape");
    }
    /* inside it: only when it was given and Landlock confines by path */
    char ok[4200];
    snprintf(ok, sizeof(ok), "%s/report.txt", dir);
    fd = open(ok, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (writable && fd < 0)
        failed |= 1 << 9;
    if (!writable && fd >= 0)
        failed |= 1 << 10;
    if (fd >= 0) {
        if (write(fd, "x", 1) != 1)
            failed |= 1 << 11;
        close(fd);
    }
    /* reading is still allowed everywhere */
    fd = open("/etc/passwd", O_RDONLY);
    if (fd < 0)
        failed |= 1 << 12;
    else
        close(fd);
    sg_scanner_free(sc);
    sg_engine_free(eng);
    return failed;
}

/* Run the checks in a child; its failure mask comes back through a pipe. */
static int in_child(const char *dir, bool writable)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        close(fds[0]);
        int failed = confined(dir, writable);
        ssize_t w = write(fds[1], &failed, sizeof(failed));
        _exit(w == (ssize_t)sizeof(failed) ? 0 : 1);
    }
    close(fds[1]);
    int failed = -1;
    ssize_t r = read(fds[0], &failed, sizeof(failed));
    close(fds[0]);
    int status = 0;
    waitpid(p, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(r, (ssize_t)sizeof(failed));
    return failed;
}

static char dir[64];

static int setup(void **s)
{
    (void)s;
    snprintf(dir, sizeof(dir), "/tmp/sg-sandbox-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char in[128];
    snprintf(in, sizeof(in), "%s/in.txt", dir);
    FILE *f = fopen(in, "w");
    if (!f)
        return -1;
    fputs("Victim: Mary Jones, NI number AB123456C\n", f);
    fclose(f);
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    char p[128];
    snprintf(p, sizeof(p), "%s/in.txt", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/report.txt", dir);
    unlink(p);
    rmdir(dir);
    return 0;
}

static bool have_landlock(void)
{
    return access("/sys/kernel/security/landlock", F_OK) == 0 ||
           syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) > 0;
}

static void writes_only_where_told(void **s)
{
    (void)s;
    int failed = in_child(dir, true);
    /* without Landlock, the file system cannot be confined by path when a
     * directory must stay writable: only the seccomp checks then */
    if (!have_landlock())
        failed &= ~(1 << 8);
    assert_int_equal(failed, 0);
}

static void no_writes_at_all(void **s)
{
    (void)s;
    assert_int_equal(in_child(dir, false), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(writes_only_where_told),
                                       cmocka_unit_test(no_writes_at_all)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
