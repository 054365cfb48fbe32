/*
 * unit.h - helpers shared by the unit tests: a compiled engine, and a
 * collector that copies a file result's findings for the test to inspect.
 * Tests include the private header too, to reach validators directly.
 */
#ifndef SG_UNIT_H
#define SG_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sg_private.h"
#include "spillguard.h"

#define MAXF 512

typedef struct collected {
    size_t n;
    char rule[MAXF][40];
    char value[MAXF][256];
    char match[MAXF][256];
    char column[MAXF][128];
    sg_location loc[MAXF];
    long long rows[MAXF];
    size_t ncolumns[MAXF];
    char kinds[MAXF][512]; /* column kinds joined by ',' */
    bool hidden[MAXF];
    bool special[MAXF];
    sg_severity severity[MAXF];
    sg_verdict verdict;
    sg_status status;
    char format[32];
    char encoding[32];
    char error[512];
    char sha256[65];
    long long size;
    unsigned long long total;
} collected;

static inline int unit_collect(void *opaque, const sg_file_result *r)
{
    collected *c = opaque;
    memset(c, 0, sizeof(*c));
    c->verdict = r->verdict;
    c->status = r->status;
    c->size = r->size;
    c->total = r->findings_total;
    snprintf(c->format, sizeof(c->format), "%s", r->format ? r->format : "");
    snprintf(c->encoding, sizeof(c->encoding), "%s", r->encoding ? r->encoding : "");
    snprintf(c->error, sizeof(c->error), "%s", r->error ? r->error : "");
    snprintf(c->sha256, sizeof(c->sha256), "%s", r->sha256 ? r->sha256 : "");
    for (size_t i = 0; i < r->nfindings && c->n < MAXF; i++) {
        const sg_finding *f = &r->findings[i];
        size_t k = c->n++;
        snprintf(c->rule[k], sizeof(c->rule[k]), "%s", f->rule);
        snprintf(c->value[k], sizeof(c->value[k]), "%s", f->value);
        snprintf(c->match[k], sizeof(c->match[k]), "%s", f->match);
        snprintf(c->column[k], sizeof(c->column[k]), "%s",
                 f->location.column ? f->location.column : "");
        c->loc[k] = f->location;
        c->loc[k].column = NULL;
        c->loc[k].column_letter = NULL;
        c->rows[k] = f->rows;
        c->ncolumns[k] = f->ncolumns;
        c->hidden[k] = f->hidden;
        c->special[k] = f->special_category != 0;
        c->severity[k] = f->severity;
        for (size_t j = 0; j < f->ncolumns && f->column_kinds; j++) {
            if (j)
                strncat(c->kinds[k], ",", sizeof(c->kinds[k]) - strlen(c->kinds[k]) - 1);
            strncat(c->kinds[k], f->column_kinds[j], sizeof(c->kinds[k]) - strlen(c->kinds[k]) - 1);
        }
    }
    return 0;
}

static sg_engine *unit_engine;
static sg_scanner *unit_scanner;

static inline int unit_setup(void **state)
{
    (void)state;
    if (sg_engine_new(&unit_engine, NULL) != SG_OK || sg_engine_compile(unit_engine) != SG_OK)
        return -1;
    return sg_scanner_new(unit_engine, &unit_scanner) == SG_OK ? 0 : -1;
}

static inline int unit_teardown(void **state)
{
    (void)state;
    sg_scanner_free(unit_scanner);
    sg_engine_free(unit_engine);
    unit_scanner = NULL;
    unit_engine = NULL;
    return 0;
}

/* Scan a buffer as if it were a file called name. */
static inline void scan_buf(const char *data, size_t len, const char *name, collected *c)
{
    assert_int_equal(sg_scan_memory(unit_scanner, data, len, name, unit_collect, c), SG_OK);
}

static inline void scan_str(const char *text, const char *name, collected *c)
{
    scan_buf(text, strlen(text), name, c);
}

static inline size_t count_rule(const collected *c, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += strcmp(c->rule[i], rule) == 0;
    return n;
}

/* Index of the first finding of rule with value, or -1. */
/* The first finding of rule, or -1. */
static inline int find_rule(const collected *c, const char *rule)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->rule[i], rule) == 0)
            return (int)i;
    return -1;
}

static inline int find_value(const collected *c, const char *rule, const char *value)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->rule[i], rule) == 0 && strcmp(c->value[i], value) == 0)
            return (int)i;
    return -1;
}

#define V(fn, s) fn(s, strlen(s))

#endif
