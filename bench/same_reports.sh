#!/bin/sh
# same_reports.sh REF_BINARY [PATH...] - an optimisation must not change a
# report: scan PATHs (default: examples/, tests/data/ and the bench corpora
# already generated) with a reference build and with build/spillguard, values
# revealed, and compare the JSON Lines reports byte for byte but for the
# summary's timing. Exit 0 when identical, 1 with the first differences.
#
#   git worktree add /tmp/ref HEAD && make -C /tmp/ref    # before the change
#   bench/same_reports.sh /tmp/ref/build/spillguard       # after it
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 REF_BINARY [PATH...]" >&2; exit 2; }
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
    "$bin" scan -f jsonl --reveal -j 2 "$@" 2>/dev/null |
        sed -E 's/"seconds":[0-9.]+/"seconds":0/' >"$tmp/$b.jsonl" || true
done
if cmp -s "$tmp/ref.jsonl" "$tmp/new.jsonl"; then
    echo "same reports: $(wc -l <"$tmp/new.jsonl") records"
    exit 0
fi
echo "reports differ (< $ref, > $new):"
diff "$tmp/ref.jsonl" "$tmp/new.jsonl" | head -40
exit 1
