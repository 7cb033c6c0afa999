#!/usr/bin/env bash
# Peak memory of a run on a large real CSV (the hardening issue's "2 GB file" check).
#
#   bash scripts/memory-check.sh [GIB] [BINARY]
#
# Writes a CSV of about GIB gibibytes (default 2) into a temporary folder: eight columns
# (ids, text, a quoted field with a comma) of which the experiment reads one, "x". Then runs
# generate-report on it (10 EM epochs, K = 2) under /usr/bin/time and prints the peak
# resident memory beside the file's size and the parsed column's size (8 bytes a value).
# The promise: memory follows the parsed values, not the file; the check fails (exit 1)
# when the peak is 1 GiB or more. Not part of the test suite (it writes GIB of disk).
set -euo pipefail
cd "$(dirname "$0")/.."
gib="${1:-2}"
binary="${2:-}"
if [ -z "$binary" ]; then
  swift build --product generate-report >/dev/null
  binary="$(swift build --show-bin-path)/generate-report"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rows=$(( gib * 1024 * 1024 * 1024 / 82 ))
echo "writing $rows rows to $work/big.csv"
awk -v n="$rows" 'BEGIN {
  srand(1)
  print "id,x,label,a,b,c,d,note"
  for (i = 0; i < n; i++)
    printf "%d,%.6f,sample-%09d-text,%.4f,%.4f,%.4f,%.4f,\"quoted, text\"\n", i, (i % 3 == 0 ? rand() * 2 : 5 + rand()), i, rand(), rand(), rand(), rand()
}' > "$work/big.csv"
cat > "$work/big.json" <<JSON
{"formats": ["svg"], "experiments": [{"name": "big", "data": {"csv": "big.csv", "column": "x"},
  "fit": {"components": 2, "init": "quantiles", "epochs": 10, "tolerance": 0}, "writeSamples": false}]}
JSON
size=$(stat -c %s "$work/big.csv")
/usr/bin/time -f "%M %e" -o "$work/time.txt" "$binary" "$work/big.json" -o "$work/report" --template templates/report.html -q
read -r peak seconds < "$work/time.txt"
values_mib=$(( rows * 8 / 1024 / 1024 ))
echo "file: $(( size / 1024 / 1024 )) MiB, $rows rows; parsed column: $values_mib MiB; peak resident: $(( peak / 1024 )) MiB; $seconds s"
if [ "$peak" -ge $(( 1024 * 1024 )) ]; then
  echo "FAIL: peak memory is 1 GiB or more" >&2
  exit 1
fi
echo "ok: peak under 1 GiB"
