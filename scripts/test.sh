#!/bin/sh
# Everything CI runs, from a fresh Debian machine: install, build with
# warnings as errors, run every test, then run them all again built with
# AddressSanitizer and UndefinedBehaviorSanitizer.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh --test
jobs=$(nproc 2>/dev/null || echo 2)
make -j"$jobs" WERROR=1
make -j"$jobs" WERROR=1 test
make -j"$jobs" WERROR=1 asan
make -j"$jobs" WERROR=1 tsan
echo "test.sh: all tests passed"
