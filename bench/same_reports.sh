#!/bin/sh
# same_reports.sh [--all] REF_BINARY [PATH...] - an optimisation must not
# change a report: scan PATHs (default: examples/, tests/data/ and the bench
# corpora already generated) with a reference build and with
# build/spillguard, values revealed, and compare the JSON Lines reports byte
# for byte but for the summary's timing. Exit 0 when identical, 1 with the
# first differences. --all lists every finding (no --max-findings cap), so a
# change past the first 100 of a rule in a file shows too.
#
#   git worktree add /tmp/ref HEAD && make -C /tmp/ref    # before the change
#   bench/same_reports.sh /tmp/ref/build/spillguard       # after it
set -eu
cd "$(dirname "$0")/.."
cap=
if [ "${1:-}" = --all ]; then
    cap="--max-findings 10000000"
    shift
fi
[ $# -ge 1 ] || { echo "usage: $0 [--all] REF_BINARY [PATH...]" >&2; exit 2; }
ref=$1
shift
new=build/spillguard
[ -x "$ref" ] && [ -x "$new" ] || { echo "$0: $ref or $new is not built" >&2; exit 2; }
if [ $# -eq 0 ]; then
    set -- examples tests/data
    for d in bench/cache/text-50 bench/cache/accuracy bench/cache/office-20; do
        [ -d "$d" ] && set -- "$@" "$d"
    done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for b in ref new; do
    eval bin=\$$b
    # shellcheck disable=SC2086 # $cap: two words or none
    "$bin" scan -f jsonl --reveal -j 2 $cap "$@" 2>/dev/null |
        sed -E 's/"seconds":[0-9.]+/"seconds":0/' >"$tmp/$b.jsonl" || true
done
if [ ! -s "$tmp/new.jsonl" ]; then
    echo "$0: no report (did the scan fail? run it by hand)" >&2
    exit 2
fi
if cmp -s "$tmp/ref.jsonl" "$tmp/new.jsonl"; then
    echo "same reports: $(wc -l <"$tmp/new.jsonl") records"
    exit 0
fi
echo "reports differ (< $ref, > $new):"
diff "$tmp/ref.jsonl" "$tmp/new.jsonl" | head -40
exit 1
