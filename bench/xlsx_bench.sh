#!/bin/sh
# A 1,000,000-row x 8-column XLSX: spillguard's wall time and peak memory at
# -j 1, beside the decompression floor (unzip -p) and peer readers measured
# in the same run: openpyxl in read-only mode (every cell visited), and
# SheetJS (npm "xlsx") converting to CSV when npm can install it.
#
#   bench/xlsx_bench.sh [ROWS]        (default 1000000; file in bench/cache/)
set -eu
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
F=bench/cache/staff-$ROWS.xlsx
scripts/setup.sh --bench >/dev/null
[ -x build/spillguard ] || make -s
mkdir -p bench/cache
if [ ! -f "$F" ]; then
    echo "generating $F ..."
    /usr/bin/python3 bench/gen_xlsx.py "$F" "$ROWS"
fi
xml=$(unzip -l "$F" | awk '/sheet1.xml|sharedStrings.xml/ {s+=$1} END {print s}')
cat "$F" >/dev/null

run() { # label command...: one line of the table
    label=$1
    shift
    /usr/bin/time -f "%e %M" -o /tmp/sg-xlsx-time "$@" >/dev/null 2>/tmp/sg-xlsx-err || true
    tail -1 /tmp/sg-xlsx-time | awk -v n="$label" '{ printf "%-40s %9.2f %10.1f\n", n, $1, $2/1024 }'
}

echo
echo "$F: $(du -k "$F" | cut -f1) KB zipped, $((xml / 1048576)) MB of sheet and string XML"
printf "%-40s %9s %10s\n" "tool" "seconds" "peak MB"
run "unzip -p (decompression floor)" unzip -p "$F"
run "spillguard scan -j 1" build/spillguard scan -q -j 1 "$F"
run "spillguard scan -j 1 --no-hash" build/spillguard scan -q -j 1 --no-hash "$F"
run "openpyxl read-only (every cell)" /usr/bin/python3 -c "
import openpyxl, sys
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
n = 0
for row in wb.active.iter_rows(values_only=True):
    n += len(row)
print(n)" "$F"
if [ ! -d bench/cache/sheetjs/node_modules/xlsx ]; then
    (mkdir -p bench/cache/sheetjs && cd bench/cache/sheetjs &&
     npm install --no-audit --no-fund --silent xlsx@0.18.5 >/dev/null 2>&1) || true
fi
if [ -d bench/cache/sheetjs/node_modules/xlsx ]; then
    run "SheetJS xlsx 0.18.5 to CSV (node)" node --max-old-space-size=16000 -e "
const X = require('./bench/cache/sheetjs/node_modules/xlsx');
const wb = X.readFile(process.argv[1], {dense: true});
process.stdout.write(X.utils.sheet_to_csv(wb.Sheets[wb.SheetNames[0]]).length + '\n');" "$F"
else
    echo "SheetJS: npm could not install xlsx here; not measured"
fi
