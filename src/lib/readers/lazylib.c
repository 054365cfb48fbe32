/*
 * lazylib.c - opens libarchive, GMime and libgsf when a reader first needs
 * one (lazylib_private.h says why and how readers use them).
 *
 * dlopen runs inside the sandbox: Landlock lets the process read and map
 * files everywhere, seccomp leaves open and mmap alone (sandbox.c). A
 * library stays loaded for the life of the process.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define SGI_LAZYLIB_LOADER /* the names below are the libraries', not macros */
#include "lazylib_private.h"

#include <dlfcn.h>
#include <pthread.h>

sgi_archive_lib sgi_archive_fn;
sgi_gmime_lib sgi_gmime_fn;
sgi_gsf_lib sgi_gsf_fn;

/* Each listed function of lib into its pointer of the table api; false if
 * one is missing. (A function pointer is set through a void *, as POSIX
 * has dlsym return it.) */
#define LOAD(api, f) ok &= (*(void **)(&(api).f) = dlsym(lib, #f)) != NULL;

static bool archive_ok, gmime_ok, gsf_ok;
static pthread_once_t archive_once = PTHREAD_ONCE_INIT, gmime_once = PTHREAD_ONCE_INIT,
                      gsf_once = PTHREAD_ONCE_INIT;

static void archive_open(void)
{
    void *lib = dlopen(SGI_ARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return;
    bool ok = true;
#define F(f) LOAD(sgi_archive_fn, f)
    SGI_ARCHIVE_FUNCS(F)
#undef F
    archive_ok = ok;
}

static void gmime_open(void)
{
    void *lib = dlopen(SGI_GMIME_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return;
    bool ok = true;
#define F(f) LOAD(sgi_gmime_fn, f)
    SGI_GMIME_FUNCS(F)
#undef F
    gmime_ok = ok;
}

static void gsf_open(void)
{
    void *lib = dlopen(SGI_GSF_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return;
    bool ok = true;
#define F(f) LOAD(sgi_gsf_fn, f)
    SGI_GSF_FUNCS(F)
#undef F
    gsf_ok = ok;
}

bool sgi_lazy_archive(void)
{
    pthread_once(&archive_once, archive_open);
    return archive_ok;
}

bool sgi_lazy_gmime(void)
{
    pthread_once(&gmime_once, gmime_open);
    return gmime_ok;
}

bool sgi_lazy_gsf(void)
{
    pthread_once(&gsf_once, gsf_open);
    return gsf_ok;
}
