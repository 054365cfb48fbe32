#!/bin/sh
# Sweep a corpus (issue 8): scan every file of the given directories with a
# sanitizer build, or under valgrind, and fail on any report.
#
#   make asan-bin && tests/sweep.sh asan ../shared/corpus/real tests/data
#   tests/sweep.sh valgrind ../shared/corpus/real        (build/spillguard)
#   SWEEP_EVERY=10 tests/sweep.sh valgrind DIR           (1 file in 10)
#
# asan: build-asan/spillguard (ASan + UBSan, LeakSanitizer at exit), one
# process for all the files, -j 2. valgrind: build/spillguard under
# memcheck, one thread, definite leaks and every memory error counted.
# Exit 0 when every file ended in a result or a per-file error (0, 1, 2)
# and no report was printed; the log is kept in $SWEEP_LOG (default
# /tmp/spillguard-sweep.log).
set -eu
mode=${1:?usage: tests/sweep.sh asan|valgrind DIR...}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
log=${SWEEP_LOG:-/tmp/spillguard-sweep.log}
list=$(mktemp)
trap 'rm -f "$list"' EXIT
every=${SWEEP_EVERY:-1}
find "$@" -type f | sort | awk -v n="$every" 'NR % n == 0' > "$list"
files=$(wc -l < "$list")

case $mode in
asan)
    bin=$root/build-asan/spillguard
    export ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1
    export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp
    set +e
    "$bin" scan -q -j 2 --files-from "$list" > /dev/null 2> "$log"
    rc=$?
    set -e
    bad=$(grep -c -E 'ERROR: (Address|Leak)Sanitizer|runtime error' "$log" || true)
    ;;
valgrind)
    bin=$root/build/spillguard
    set +e
    valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite --suppressions="$root/tests/valgrind.supp" \
        "$bin" scan -q -j 1 --no-sandbox --files-from "$list" > /dev/null 2> "$log"
    rc=$?
    set -e
    bad=$(grep -c -E '^==[0-9]+== (Invalid|Conditional|Use of uninit|.*definitely lost)' "$log" || true)
    ;;
*)
    echo "tests/sweep.sh: asan or valgrind, not '$mode'" >&2
    exit 2
    ;;
esac

echo "sweep ($mode): $files files, exit $rc, $bad reports (log: $log)"
[ "$bad" = 0 ] && [ "$rc" -le 2 ]
