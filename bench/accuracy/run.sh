#!/bin/sh
# Detection quality: labelled documents (gen.py, names from @faker-js/faker
# en_GB), spillguard's precision and recall per rule (eval.py), the peers
# redact-pii and @redactpii/node on the same free text, and the findings per
# file on the real-world corpus with a sample of them.
#
#   bench/accuracy/run.sh [DOCS]      (default 400 free-text documents)
set -eu
cd "$(dirname "$0")/../.."
DOCS=${1:-400}
scripts/setup.sh --bench >/dev/null
[ -x build/spillguard ] || make -s
C=bench/cache/accuracy
mkdir -p "$C"
if [ ! -d "$C/node_modules/@faker-js/faker" ]; then
    (cd "$C" && npm install --no-audit --no-fund --silent @faker-js/faker@10.6.0 \
        redact-pii@3.4.0 @redactpii/node@1.0.17 >/dev/null 2>&1)
fi
NODE_PATH="$PWD/$C/node_modules" node bench/accuracy/faker_pool.js >"$C/pool.json"
rm -rf "$C/docs"
/usr/bin/python3 bench/accuracy/gen.py "$C/docs" "$C/pool.json" "$DOCS"
build/spillguard scan -f jsonl --reveal --no-config --max-findings 1000000 "$C/docs/text" \
    "$C/docs/tables" >"$C/spillguard.jsonl" || true
NODE_PATH="$PWD/$C/node_modules" node bench/accuracy/peers.js "$C/docs/text" >"$C/peers.jsonl"
/usr/bin/python3 bench/accuracy/eval.py "$C/docs" "$C/spillguard.jsonl" "$C/peers.jsonl"
# speed: the same text 40 times in one file, so that start-up does not count
for i in $(seq 40); do cat "$C"/docs/text/*.txt; done >"$C/big.txt"
bytes=$(wc -c <"$C/big.txt")
/usr/bin/time -f "%e" -o "$C/t" build/spillguard scan -q -j 1 --no-config "$C/big.txt" || true
tail -1 "$C/t" >"$C/t1"
echo
awk -v b="$bytes" '{ printf "spillguard on the same free text (40 copies, one file, -j 1, whole process): %.1f MB/s\n", b / 1e6 / ($1 > 0 ? $1 : 0.01) }' "$C/t1"
CORPUS=../shared/corpus/real
if [ -d "$CORPUS" ]; then
    build/spillguard scan -f jsonl --no-config -j 2 "$CORPUS" >"$C/corpus.jsonl" 2>/dev/null || true
    /usr/bin/python3 - "$C/corpus.jsonl" <<'PY'
import collections, json, sys
files = findings = 0
per_rule = collections.Counter()
per_file = []
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["type"] == "file":
        files += 1
        per_file.append(r["findings"])
    elif r["type"] == "finding":
        per_rule[r["rule"]] += 1
per_file.sort()
print("\nreal-world corpus: %d files, findings per file: median %d, 90th percentile %d, max %d"
      % (files, per_file[len(per_file) // 2], per_file[int(len(per_file) * 0.9)], per_file[-1]))
for rule, n in per_rule.most_common(12):
    print("  %-30s %6d" % (rule, n))
PY
fi
