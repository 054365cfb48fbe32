#!/bin/sh
# PDF pages per second and peak memory: spillguard at -j 1 and -j 2 beside
# pdftotext (poppler-utils) and mutool draw -F txt (MuPDF), measured in the
# same run on the same files:
#   1. a generated 1,000-page text PDF (bench/gen_pdf.py, bench/cache/)
#   2. the same at 100 pages: memory goes with the page, not the document
#   3. the real-world PDFs of the corpus (../shared/corpus/real if present,
#      else tests/data/corpus), one process per file for the peers
#
#   bench/pdf_bench.sh [PAGES]        (default 1000)
#
# spillguard's threads work on files: one file at -j 2 is read by one
# thread, and the peers cannot split a file either without being told page
# ranges (they are given none).
set -eu
cd "$(dirname "$0")/.."
PAGES=${1:-1000}
scripts/setup.sh --bench >/dev/null
[ -x build/spillguard ] || make -s
mkdir -p bench/cache
BIG=bench/cache/statements-$PAGES.pdf
SMALL=bench/cache/statements-100.pdf
[ -f "$BIG" ] || /usr/bin/python3 bench/gen_pdf.py "$BIG" "$PAGES"
[ -f "$SMALL" ] || /usr/bin/python3 bench/gen_pdf.py "$SMALL" 100
CORPUS=../shared/corpus/real
[ -d "$CORPUS" ] || CORPUS=tests/data/corpus
LIST=bench/cache/pdf-list.txt
find "$CORPUS" -name '*.pdf' | sort >"$LIST"
NFILES=$(wc -l <"$LIST")
CPAGES=0
while read -r f; do
    n=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}')
    case "$n" in '' | *[!0-9]*) n=0 ;; esac
    [ "$n" -gt 100000 ] && n=0 # fuzzed files that claim billions
    CPAGES=$((CPAGES + n))
done <"$LIST"
cat "$BIG" "$SMALL" >/dev/null
xargs cat <"$LIST" >/dev/null

T=/tmp/sg-pdf-time.$$
run() { # label pages command...: one line of the table
    label=$1
    pages=$2
    shift 2
    /usr/bin/time -f "%e %M" -o "$T" "$@" >/dev/null 2>&1 || true
    tail -1 "$T" | awk -v n="$label" -v p="$pages" \
        '{ s = $1 > 0 ? $1 : 0.01; printf "%-44s %8.2f %10.0f %9.1f\n", n, $1, p / s, $2/1024 }'
}
header() { printf "%-44s %8s %10s %9s\n" "$1" "seconds" "pages/s" "peak MB"; }

echo
echo "1. $BIG: $PAGES pages, $(du -k "$BIG" | cut -f1) KB"
header "tool"
run "spillguard scan -j 1" "$PAGES" build/spillguard scan -q -j 1 "$BIG"
run "spillguard scan -j 2" "$PAGES" build/spillguard scan -q -j 2 "$BIG"
run "pdftotext (poppler)" "$PAGES" pdftotext "$BIG" /dev/null
run "mutool draw -F txt (MuPDF)" "$PAGES" mutool draw -q -F txt -o /dev/null "$BIG"

echo
echo "2. $SMALL: 100 pages (peak memory against 1.)"
header "tool"
run "spillguard scan -j 1" 100 build/spillguard scan -q -j 1 "$SMALL"
run "pdftotext (poppler)" 100 pdftotext "$SMALL" /dev/null
run "mutool draw -F txt (MuPDF)" 100 mutool draw -q -F txt -o /dev/null "$SMALL"

echo
echo "3. $CORPUS: $NFILES PDFs, $CPAGES pages (as pdfinfo counts them)"
header "tool"
run "spillguard scan -j 1" "$CPAGES" build/spillguard scan -q -j 1 --files-from "$LIST"
run "spillguard scan -j 2" "$CPAGES" build/spillguard scan -q -j 2 --files-from "$LIST"
run "pdftotext, one process a file, -P 1" "$CPAGES" \
    sh -c "xargs -P 1 -I{} sh -c 'timeout 60 pdftotext \"{}\" /dev/null 2>/dev/null; true' <$LIST"
run "pdftotext, one process a file, -P 2" "$CPAGES" \
    sh -c "xargs -P 2 -I{} sh -c 'timeout 60 pdftotext \"{}\" /dev/null 2>/dev/null; true' <$LIST"
run "mutool draw -F txt, a process a file, -P 1" "$CPAGES" \
    sh -c "xargs -P 1 -I{} sh -c 'timeout 60 mutool draw -q -F txt -o /dev/null \"{}\" 2>/dev/null; true' <$LIST"
run "mutool draw -F txt, a process a file, -P 2" "$CPAGES" \
    sh -c "xargs -P 2 -I{} sh -c 'timeout 60 mutool draw -q -F txt -o /dev/null \"{}\" 2>/dev/null; true' <$LIST"
rm -f "$T"
echo
echo "spillguard does more per page than the peers: it records every glyph and"
echo "every opaque mark, judges what a reader can see, runs the detectors, and"
echo "reads annotations, attachments and earlier revisions."
