/*
 * startup_bench.c - milliseconds an engine takes to compile (the name
 * table, the detectors' Vectorscan database, the word matchers) in a fresh
 * process: what a scan of one small file pays before it reads a byte.
 * bench/run runs it 21 times and shows the median.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include <spillguard.h>

#include <stdio.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int main(void)
{
    double t0 = now_ms();
    sg_engine *e = NULL;
    if (sg_engine_new(&e, NULL) != SG_OK || sg_engine_compile(e) != SG_OK) {
        fprintf(stderr, "startup_bench: %s\n", sg_engine_error(e));
        return 1;
    }
    sg_scanner *sc = NULL;
    if (sg_scanner_new(e, &sc) != SG_OK)
        return 1;
    printf("%.3f\n", now_ms() - t0);
    sg_scanner_free(sc);
    sg_engine_free(e);
    return 0;
}
