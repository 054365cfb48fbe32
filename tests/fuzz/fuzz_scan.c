/*
 * fuzz_scan.c - libFuzzer target for the whole scan path of one buffer:
 * sniffing, the text and CSV readers, every detector, and the three
 * report writers. The first byte picks the file name (and so the
 * extension hint). Small limits make the record-cutting paths reachable
 * with small inputs. Invariants are checked with abort(), so a fuzzer
 * stops on a wrong result as well as on a crash.
 *
 * Build with clang: make -C tests/fuzz (see README.md there). replay.c
 * runs the corpus through the same function in normal CI.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"f.txt", "f.csv", "f.tsv", "f"};
    fz_scan(data, size, names[size ? data[0] & 3 : 0]);
    return 0;
}
