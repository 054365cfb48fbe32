#!/bin/sh
# Text/CSV throughput and peak memory: spillguard beside ripgrep, same
# files, same run. Prints one table.
#
#   bench/text_bench.sh [MEGABYTES]      (default 400; corpus in bench/cache/)
#
# ripgrep runs the regular expressions that describe what spillguard's
# prefilter finds (ASCII mode), twice: -c stops at the first match of each
# line; --count-matches finds every match, which is the same job as
# spillguard's. spillguard also validates every candidate, decodes,
# locates, hashes each file (SHA-256), builds tables of people and judges
# each file. Each command runs three times on a warm page cache; the best
# time is shown.
set -eu
cd "$(dirname "$0")/.."
MB=${1:-400}
CACHE=bench/cache/text-$MB
BIN=build/spillguard
scripts/setup.sh --bench >/dev/null
[ -x "$BIN" ] || make -s
if [ ! -f "$CACHE/.done" ]; then
    echo "generating a $MB MB corpus in $CACHE ..."
    /usr/bin/python3 bench/gen_corpus.py "$CACHE" "$MB" >/dev/null
    touch "$CACHE/.done"
fi
bytes=$(cat "$CACHE"/*.csv "$CACHE"/*.txt | wc -c)
cat "$CACHE"/* >/dev/null # warm the cache

# the prefilter patterns of src/lib/detectors/*.c, in Rust regex syntax
set -- \
  -e '\b[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d]\b' \
  -e '\b\d{3}[ \-]?\d{3}[ \-]?\d{4}\b' \
  -e '\b\d(?:[ \-]?\d){12,18}\b' \
  -e '\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}\b' \
  -e '@[A-Za-z0-9][A-Za-z0-9\-]*\.[A-Za-z0-9]' \
  -e '(?:\+44|\b0044|\b0)[ \-]?(?:\(0\)[ \-]?)?\(?\d(?:[ \-\)]{0,2}\d){8,10}\b' \
  -e '\b[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}\b' \
  -e '(?i)\b(?:GIR ?0AA|BFPO ?\d{1,4})\b' \
  -e '\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b' \
  -e '[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:' \
  -e '\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b' \
  -e '\b(?:19|20)\d{2}-\d{1,2}-\d{1,2}\b' \
  -e '\b\d{2}[ \-]\d{2}[ \-]\d{2}\b' -e '\b\d{6}\b' -e '\b\d{8}\b' -e '\b\d{9}\b' \
  -e '\b[A-Z][A-Z9]{4} ?\d{6} ?[A-Z][A-Z9]\d[A-Z]{2}\b' \
  -e '\b[A-Z]{2}\d{2} ?[A-Z]{3}\b' -e '\b[A-Z]\d{1,3} ?[A-Z]{3}\b' -e '\b[A-Z]{3} ?\d{1,3}[A-Z]\b'

best() { # best of three: prints "seconds maxrss_kb"
    b=""
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %M" -o /tmp/sg-bench-time "$@" >/dev/null 2>&1 || true
        t=$(cat /tmp/sg-bench-time | tail -1)
        if [ -z "$b" ] || [ "$(echo "$t" | awk '{print $1}')" \< "$(echo "$b" | awk '{print $1}')" ]; then b=$t; fi
    done
    echo "$b"
}

row() { # name threads "seconds rss"
    echo "$3" | awk -v n="$1" -v j="$2" -v B="$bytes" \
        '{ printf "%-34s %3s %8.2f %10.1f %10.1f\n", n, j, $1, (B/1048576)/($1>0?$1:0.001), $2/1024 }'
}

echo
echo "corpus: $(ls "$CACHE" | grep -c .) files, $((bytes / 1048576)) MB ($(nproc) CPUs)"
printf "%-34s %3s %8s %10s %10s\n" "tool" "-j" "seconds" "MB/s" "peak MB"
for j in 1 2; do
    row "spillguard scan (validating)" "$j" "$(best $BIN scan -q -j $j "$CACHE")"
    row "spillguard scan --no-hash" "$j" "$(best $BIN scan -q --no-hash -j $j "$CACHE")"
    row "ripgrep -c (first match a line)" "$j" "$(best rg -c --no-unicode -j $j "$@" "$CACHE")"
    row "ripgrep --count-matches (all)" "$j" "$(best rg --count-matches --no-unicode -j $j "$@" "$CACHE")"
done
echo
echo "matches: ripgrep counted $(rg --count-matches --no-unicode --no-filename "$@" "$CACHE" | awk '{s+=$1} END {print s}') unvalidated matches;" \
     "spillguard validated $($BIN scan -f jsonl "$CACHE" | tail -1 | sed 's/.*"findings":\([0-9]*\).*/\1/') findings"
