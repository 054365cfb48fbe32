/*
 * lazylib.c - opens libarchive, GMime, libgsf and libheif when a reader
 * first needs one (lazylib_private.h says why and how readers use them).
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
sgi_heif_lib sgi_heif_fn;

/* Each library's function names, and where dlsym's answer for each goes
 * (a function pointer set through a void *, as POSIX has dlsym return it). */
#define NAME(f) #f,
#define ARCHIVE_SLOT(f) (void **)&sgi_archive_fn.f,
#define GMIME_SLOT(f) (void **)&sgi_gmime_fn.f,
#define GSF_SLOT(f) (void **)&sgi_gsf_fn.f,
#define HEIF_SLOT(f) (void **)&sgi_heif_fn.f,
static const char *const archive_names[] = {SGI_ARCHIVE_FUNCS(NAME)};
static void **const archive_slots[] = {SGI_ARCHIVE_FUNCS(ARCHIVE_SLOT)};
static const char *const gmime_names[] = {SGI_GMIME_FUNCS(NAME)};
static void **const gmime_slots[] = {SGI_GMIME_FUNCS(GMIME_SLOT)};
static const char *const gsf_names[] = {SGI_GSF_FUNCS(NAME)};
static void **const gsf_slots[] = {SGI_GSF_FUNCS(GSF_SLOT)};
static const char *const heif_names[] = {SGI_HEIF_FUNCS(NAME)};
static void **const heif_slots[] = {SGI_HEIF_FUNCS(HEIF_SLOT)};

/* Open soname and fill every slot; false if it or a function is missing. */
static bool load(const char *soname, const char *const *names, void **const *slots, size_t n)
{
    void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return false;
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        ok &= (*slots[i] = dlsym(lib, names[i])) != NULL;
    return ok;
}

/* sgi_lazy_<lib>(): load() once, its answer kept */
#define LAZY(lib, soname)                                                                          \
    static bool lib##_ok;                                                                          \
    static pthread_once_t lib##_once = PTHREAD_ONCE_INIT;                                          \
    static void lib##_open(void)                                                                   \
    {                                                                                              \
        lib##_ok = load(soname, lib##_names, lib##_slots,                                          \
                        sizeof(lib##_names) / sizeof(lib##_names[0]));                             \
    }                                                                                              \
    bool sgi_lazy_##lib(void)                                                                      \
    {                                                                                              \
        pthread_once(&lib##_once, lib##_open);                                                     \
        return lib##_ok;                                                                           \
    }

LAZY(archive, SGI_ARCHIVE_SONAME)
LAZY(gmime, SGI_GMIME_SONAME)
LAZY(gsf, SGI_GSF_SONAME)
LAZY(heif, SGI_HEIF_SONAME)
