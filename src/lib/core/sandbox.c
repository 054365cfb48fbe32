/*
 * sandbox.c - the process confines itself before it reads a single
 * untrusted byte (sg_sandbox_enter): a scan needs to read files and write
 * its report, a clean to read files and write its copies, nothing more.
 *
 *   Landlock  (where the kernel has it: Linux 5.13+, if enabled) the file
 *             system: files and directories readable everywhere; writing,
 *             creating, renaming or removing only under the directories
 *             given (the report's or the copies'); nothing else.
 *   seccomp   (libseccomp) system calls refused with EACCES: sockets
 *             (no network, no local sockets), new programs (execve) and
 *             processes (fork, clone without CLONE_THREAD: threads stay
 *             allowed), ptrace, io_uring (which would bypass the filter);
 *             and when no directory is writable, opening any file for
 *             writing and every call that creates, renames or removes one.
 *
 * Both need no privileges (no_new_privs is set first). Each is applied on
 * its own: a kernel without Landlock still gets seccomp, and the caller
 * learns what was applied. Descriptors already open (stdout, a report file
 * opened first) stay usable.
 *
 * Sanitizer builds keep clone and ptrace: LeakSanitizer stops the world
 * with them at exit.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* ------------------------------------------------------------- Landlock */

#ifdef SYS_landlock_create_ruleset
/* Allow access beneath path in the ruleset rs. */
static bool allow(int rs, const char *path, __u64 access, char *err, size_t errlen)
{
    struct landlock_path_beneath_attr pb = {.allowed_access = access,
                                            .parent_fd = open(path, O_PATH | O_CLOEXEC)};
    bool ok = pb.parent_fd >= 0 &&
              syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) == 0;
    if (!ok)
        snprintf(err, errlen, "Landlock: %s: %s", path, strerror(errno));
    if (pb.parent_fd >= 0)
        close(pb.parent_fd);
    return ok;
}
#endif

static bool landlock(const char *const *dirs, size_t n, char *err, size_t errlen)
{
#ifdef SYS_landlock_create_ruleset
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 1) {
        snprintf(err, errlen, "Landlock: not in this kernel (%s)", strerror(errno));
        return false;
    }
    __u64 all = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
                LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
                LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
                LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                LANDLOCK_ACCESS_FS_MAKE_SYM;
#ifdef LANDLOCK_ACCESS_FS_REFER
    if (abi >= 2)
        all |= LANDLOCK_ACCESS_FS_REFER;
#endif
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
    if (abi >= 3)
        all |= LANDLOCK_ACCESS_FS_TRUNCATE;
#endif
    struct landlock_ruleset_attr attr = {.handled_access_fs = all};
    int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
    if (rs < 0) {
        snprintf(err, errlen, "Landlock: %s", strerror(errno));
        return false;
    }
    /* read (and map shared libraries) everywhere */
    bool ok = allow(rs,
                    "/", LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
                             LANDLOCK_ACCESS_FS_EXECUTE,
                    err, errlen);
    /* write where told */
    __u64 write = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                  LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_READ_FILE |
                  LANDLOCK_ACCESS_FS_READ_DIR;
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
    if (abi >= 3)
        write |= LANDLOCK_ACCESS_FS_TRUNCATE;
#endif
    for (size_t i = 0; ok && i < n; i++)
        ok = allow(rs, dirs[i], write, err, errlen);
    if (ok && syscall(SYS_landlock_restrict_self, rs, 0) != 0) {
        snprintf(err, errlen, "Landlock: %s", strerror(errno));
        ok = false;
    }
    close(rs);
    return ok;
#else
    (void)dirs, (void)n;
    snprintf(err, errlen, "%s", "Landlock: not known to this build");
    return false;
#endif
}

/* -------------------------------------------------------------- seccomp */

static bool seccomp(bool no_writes, char *err, size_t errlen)
{
    scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
    if (!f) {
        snprintf(err, errlen, "%s", "seccomp: cannot start a filter");
        return false;
    }
    const uint32_t deny = SCMP_ACT_ERRNO(EACCES);
    int rc = 0;
    static const int always[] = {
        SCMP_SYS(socket),         SCMP_SYS(socketpair),      SCMP_SYS(connect),
        SCMP_SYS(bind),           SCMP_SYS(listen),          SCMP_SYS(accept),
        SCMP_SYS(accept4),        SCMP_SYS(execve),          SCMP_SYS(execveat),
        SCMP_SYS(fork),           SCMP_SYS(vfork),           SCMP_SYS(io_uring_setup),
        SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register), SCMP_SYS(process_vm_writev),
        SCMP_SYS(process_vm_readv), SCMP_SYS(kexec_load),    SCMP_SYS(mount),
        SCMP_SYS(unshare),        SCMP_SYS(setns),
    };
    for (size_t i = 0; rc == 0 && i < sizeof(always) / sizeof(always[0]); i++)
        rc = seccomp_rule_add(f, deny, always[i], 0);
    if (!SANITIZED) {
        /* threads (CLONE_THREAD) only; clone3's flags sit in memory the
         * filter cannot read: refused as unknown, glibc then uses clone */
        if (rc == 0)
            rc = seccomp_rule_add(f, deny, SCMP_SYS(clone), 1,
                                  SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
        if (rc == 0)
            rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
        if (rc == 0)
            rc = seccomp_rule_add(f, deny, SCMP_SYS(ptrace), 0);
    }
    if (no_writes) {
        static const int flags[] = {O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND};
        for (size_t i = 0; rc == 0 && i < sizeof(flags) / sizeof(flags[0]); i++) {
            scmp_datum_t fl = (scmp_datum_t)flags[i];
            rc = seccomp_rule_add(f, deny, SCMP_SYS(open), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, fl, fl));
            if (rc == 0)
                rc = seccomp_rule_add(f, deny, SCMP_SYS(openat), 1,
                                      SCMP_A2(SCMP_CMP_MASKED_EQ, fl, fl));
        }
        static const int changes[] = {
            SCMP_SYS(creat),   SCMP_SYS(truncate),  SCMP_SYS(rename),    SCMP_SYS(renameat),
            SCMP_SYS(renameat2), SCMP_SYS(unlink),  SCMP_SYS(unlinkat),  SCMP_SYS(mkdir),
            SCMP_SYS(mkdirat), SCMP_SYS(rmdir),     SCMP_SYS(link),      SCMP_SYS(linkat),
            SCMP_SYS(symlink), SCMP_SYS(symlinkat), SCMP_SYS(mknod),     SCMP_SYS(mknodat),
        };
        for (size_t i = 0; rc == 0 && i < sizeof(changes) / sizeof(changes[0]); i++)
            rc = seccomp_rule_add(f, deny, changes[i], 0);
        /* openat2's flags sit in memory: refused as unknown (glibc's open
         * does not use it) */
        if (rc == 0)
            rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0);
    }
    if (rc == 0)
        rc = seccomp_load(f);
    seccomp_release(f);
    if (rc != 0) {
        snprintf(err, errlen, "seccomp: %s", strerror(-rc));
        return false;
    }
    return true;
}

sg_status sg_sandbox_enter(const char *const *writable, size_t n, unsigned *applied, char *err,
                           size_t errlen)
{
    char e1[200] = "", e2[200] = "";
    unsigned got = 0;
    if (applied)
        *applied = 0;
    if (n && !writable)
        return SG_E_INVALID;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        if (errlen)
            snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
        return SG_E_UNSUPPORTED;
    }
    if (landlock(writable, n, e1, sizeof(e1)))
        got |= SG_SANDBOX_LANDLOCK;
    if (seccomp(n == 0, e2, sizeof(e2)))
        got |= SG_SANDBOX_SECCOMP | (n == 0 ? SG_SANDBOX_NO_WRITES : 0);
    if (applied)
        *applied = got;
    if (errlen)
        snprintf(err, errlen, "%s%s%s", e1, e1[0] && e2[0] ? "; " : "", e2);
    return got ? SG_OK : SG_E_UNSUPPORTED;
}
