#!/usr/bin/env bash
# Black-box mutation testing of the whole command: example configs and CSVs, mutated
# (byte flips, truncation, extreme numbers, swapped keys and values, duplicated keys,
# control characters, invalid UTF-8, line ends) and run with mutated flags (--format,
# -o variants, --quiet, bad options) in a temporary folder, each run under `timeout 20`.
#
# Usage: scripts/mutate.sh [ROUNDS] [BINARY]
#   ROUNDS  default 200
#   BINARY  a built generate-report; default: a debug build in .build-fuzzdebug
#   MUTATE_SEED=N repeats a session (the seed is printed).
#
# Each run must:
#   - exit with a code the README gives for its situation: 64 for a bad command line,
#     74 for a missing experiment file or template or an --output folder that may not be
#     replaced, 0 for an unmutated input, else 0, 65 or 74; never 70 (an internal
#     failure), a signal (128 + N: 132 a trap, 134 an abort, 139 a crash) or a timeout;
#   - on failure, print exactly one line to standard error, `error: …` (after any
#     `warning: …` lines); on success, only `warning: …` lines there, and with --quiet
#     nothing on standard output;
#   - print no control characters (C0, DEL, C1, U+2028, U+2029) on either stream;
#   - leave no staging folder (`.NAME.partial-*`), lock (`.NAME.lock`) or set-aside report
#     (`.NAME.previous-*`) behind, and on failure leave the folder exactly as it was
#     (a previous report byte for byte, and no new folders).
# Failing rounds are kept, each with its inputs, outputs and a repro.sh, in the printed
# folder; the summary counts exit codes and findings by kind.
set -uo pipefail
shopt -u patsub_replacement 2>/dev/null || true # bash 5.2: "&" in ${a//b/c} is literal again
cd "$(dirname "$0")/.."
root="$PWD"

rounds="${1:-200}"
binary="${2:-}"
case "$rounds" in '' | *[!0-9]*) echo "usage: scripts/mutate.sh [ROUNDS] [BINARY]" >&2; exit 64 ;; esac
seed="${MUTATE_SEED:-$((($$ * 7919 + $(date +%s)) % 32768))}"
RANDOM="$seed"

if [ -z "$binary" ]; then
  swift build --scratch-path .build-fuzzdebug --product generate-report 2>&1 | tail -n 1
  binary="$(swift build --scratch-path .build-fuzzdebug --show-bin-path)/generate-report"
fi
binary="$(readlink -f "$binary")"
[ -x "$binary" ] || { echo "error: $binary is not an executable" >&2; exit 66; }

work="$(mktemp -d "${TMPDIR:-/tmp}/generate-report-mutate.XXXXXX")"
echo "Mutating with seed $seed ($rounds rounds) in $work; binary $binary"

# MARK: Random choices

# A random whole number in 0..<$1.
rnd() { echo $(((RANDOM * 32768 + RANDOM) % $1)); }
# One of the arguments, at random.
pick() {
  local -a items=("$@")
  printf '%s' "${items[$(rnd ${#items[@]})]}"
}
# Succeeds with probability $1 percent.
chance() { [ "$(rnd 100)" -lt "$1" ]; }

# MARK: Byte-level edits (files, never shell variables, so NUL bytes survive)

# Replaces bytes [$2, $2 + $3) of file $1 with the printf format $4.
splice() {
  local file="$1" offset="$2" length="$3" text="$4" tmp="$1.tmp"
  { head -c "$offset" "$file"; printf -- "$text"; tail -c +"$((offset + length + 1))" "$file"; } >"$tmp"
  mv "$tmp" "$file"
}
size() { wc -c <"$1"; }
# Offsets and lengths ("offset:text") of the matches of ERE $2 in file $1, one per line.
matches() { LC_ALL=C grep -obaE -e "$2" "$1" 2>/dev/null; }
# Replaces one random match of ERE $2 in $1 by the printf format $3, in which %%MATCH%%
# stands for the match itself; fails when there is no match.
replace_match() {
  local file="$1" pattern="$2" text="$3" line offset match
  local -a found
  mapfile -t found < <(matches "$file" "$pattern")
  [ ${#found[@]} -gt 0 ] || return 1
  line="${found[$(rnd ${#found[@]})]}"
  offset="${line%%:*}"
  match="${line#*:}"
  splice "$file" "$offset" "$(LC_ALL=C; echo ${#match})" "${text//%%MATCH%%/$(literal "$match")}"
}
# printf's format for one byte.
byte() { printf '\\x%02x' "$1"; }

# Escapes % and \ so that a literal passes through printf unchanged.
literal() { local s="${1//\\/\\\\}"; printf '%s' "${s//%/%%}"; }

# MARK: Mutations

numbers=(0 -0 1 2 3 -1 0.5 7 50 101 1000 1001 1200 20000 100000 100001 1000001 100000001
  1e-320 5e-324 -1e-320 1e-300 1e-150 1e-12 0.1 2.5 1e150 1e151 1e15 1e16 1e20 1e308 -1e308
  1.7976931348623157e308 1e999 -1e999 9007199254740992 9007199254740993 18446744073709551616
  NaN Infinity -Infinity '"NaN"' '"1"' true null '[]' '{}' '""' 00 01 .5 1. +1 0x10 1e 1e5e5)
keys=(title formats figure width height dpi scales theme experiments name description seed data generate
  mean sd count csv column missing label fit components from to init weights means sds
  restarts criterion epochs tolerance regularization workLimit kde bandwidth adjust
  gridSize cut method writeSamples delimiter transform epoch Name colour)
strings=('' ' ' x png svg pdf jpg light dark both kmeans++ random groups quantiles bic aic scott silverman
  exact binned automatic drop error dorp velocity x Petal.Length Galaxies 'a b/c' . ..
  , ';' '\\t' auto log log10 ln
  data/galaxies.csv data/iris.csv data/missing.csv data data/ ../escape.csv /dev/null /dev/zero
  /etc/hostname NA 'e\\u0301' 'é' '\\u00e9' '\\u0000' '\\u0007' '\\u001b[31mred' '\\u007f'
  '\\u0085' '\\u2028' '\\ud83d\\ude00' 'tab\\there' 'new\\nline' 'quote\\"d' 'back\\\\slash')
controls=('\x01' '\x1b[31m' '\x7f' '\r' '\t' '\n' '\\u0007' '\\u001b[2J' '\\u0000' '\\u0085'
  '\\u2028' '\\u2029' '\\u007f' '\\r' '\\n' '\xc2\x85' '\xe2\x80\xa8')
invalid_utf8=('\xff' '\xfe' '\xc0\xaf' '\xed\xa0\x80' '\xe2\x82' '\xf4\x90\x80\x80' '\x80' '\x00')
cells=(1e308 -1e308 1.7976931348623157e308 1e-320 4.9e-324 0 -0 NA nan -NaN '' ' ' inf
  -Infinity 1e999 '"1"' '" 2 "' '""""' '"1,5"' 1,5 abc 0x10 1e5e5 '"open' 'a"b' '"x"y'
  9007199254740993 '\t3\t' '\xef\xbb\xbf1' '1\r' 1e22 1e23 2.2250738585072011e-308 '1;5' '"2;5"')

# Applies one random mutation to the JSON file $1; prints its name.
mutate_config() {
  local file="$1" n op
  n="$(size "$file")"
  [ "$n" -gt 0 ] || { printf '{' >"$file"; echo "seed-empty"; return; }
  op="$(pick flip flip truncate number number number number key key string string dupkey \
    control control utf8 line line crlf bom long)"
  case "$op" in
    flip) splice "$file" "$(rnd "$n")" 1 "$(byte "$(rnd 256)")" ;;
    truncate) head -c "$(rnd "$n")" "$file" >"$file.tmp" && mv "$file.tmp" "$file" ;;
    number) replace_match "$file" '-?[0-9][0-9.eE+-]*' "$(literal "$(pick "${numbers[@]}")")" || op="number(none)" ;;
    key) replace_match "$file" '"[A-Za-z]+" *:' "\"$(pick "${keys[@]}")\":" || op="key(none)" ;;
    string) replace_match "$file" ': *"[^"]*"' ": \"$(pick "${strings[@]}")\"" || op="string(none)" ;;
    dupkey) replace_match "$file" '"[A-Za-z]+" *:' '%%MATCH%% 1, %%MATCH%%' || op="dupkey(none)" ;;
    control) replace_match "$file" ': *"' ": \"$(pick "${controls[@]}")" || op="control(none)" ;;
    utf8) splice "$file" "$(rnd "$n")" 0 "$(pick "${invalid_utf8[@]}")" ;;
    line)
      local lines k
      lines="$(wc -l <"$file")"
      [ "$lines" -gt 1 ] || { op="line(none)"; echo "$op"; return; }
      k="$(($(rnd "$lines") + 1))"
      if chance 50; then sed -i "${k}d" "$file"; else sed -i "${k}p" "$file"; fi
      ;;
    crlf) sed -i 's/$/\r/' "$file" ;;
    bom) splice "$file" 0 0 '\xef\xbb\xbf' ;;
    long) replace_match "$file" ': *"[^"]*"' ": \"$(head -c "$(pick 61 81 300 5000)" /dev/zero | tr '\0' 'w')\"" || op="long(none)" ;;
  esac
  echo "$op"
}

# Applies one random mutation to the CSV file $1; prints its name.
mutate_csv() {
  local file="$1" n lines op k
  n="$(size "$file")"
  lines="$(wc -l <"$file")"
  op="$(pick flip truncate utf8 cell cell cell cell same header header crlf bom cr shrink widen)"
  case "$op" in
    flip) [ "$n" -gt 0 ] && splice "$file" "$(rnd "$n")" 1 "$(byte "$(rnd 256)")" ;;
    truncate) head -c "$(rnd "$((n + 1))")" "$file" >"$file.tmp" && mv "$file.tmp" "$file" ;;
    utf8) splice "$file" "$(rnd "$((n + 1))")" 0 "$(pick "${invalid_utf8[@]}")" ;;
    cell)
      # The first field of a data line (all of it for one-column files).
      [ "$lines" -gt 1 ] || { echo "cell(none)"; return; }
      k="$(($(rnd "$((lines - 1))") + 2))"
      local value
      value="$(printf -- "$(pick "${cells[@]}")" | sed 's/[\\&|]/\\&/g')"
      LC_ALL=C sed -i "${k}s|^[^,]*|$value|" "$file"
      ;;
    same) [ "$lines" -gt 1 ] && LC_ALL=C sed -i '2,$s/^[^,]*/5/' "$file" ;;
    header)
      if chance 50; then sed -i '1d' "$file"; else LC_ALL=C sed -i '1s/^[^,]*/"renamed"/' "$file"; fi
      ;;
    crlf) sed -i 's/$/\r/' "$file" ;;
    bom) splice "$file" 0 0 '\xef\xbb\xbf' ;;
    cr) tr '\n' '\r' <"$file" >"$file.tmp" && mv "$file.tmp" "$file" ;;
    shrink) head -n "$(pick 0 1 2)" "$file" >"$file.tmp" && mv "$file.tmp" "$file" ;;
    widen) [ "$lines" -gt 1 ] && sed -i "$(($(rnd "$lines") + 1))s/\$/,extra/" "$file" ;;
  esac
  echo "$op"
}

# MARK: Templates: small versions of the examples, with a work limit so no round is slow

templates="$work/templates"
mkdir -p "$templates"
make_template() {
  local name="$1"
  mkdir -p "$templates/$name/data"
  cp examples/data/galaxies.csv Tests/Fixtures/data/iris.csv Tests/Fixtures/data/mixture-800.csv "$templates/$name/data/"
  cat >"$templates/$name/config.json"
}
sed 's/"tolerance": 0, "regularization": 0}/"tolerance": 0, "regularization": 0, "workLimit": 1e9}/' examples/article.json | make_template article
sed 's/"epochs": 500, "tolerance": 1e-6}/"epochs": 500, "tolerance": 1e-6, "workLimit": 1e9}/' examples/galaxies.json | make_template galaxies
sed -E 's/"count": [0-9]+/"count": 700/g; s/"tolerance": 1e-8}/"tolerance": 1e-8, "workLimit": 1e9}/' examples/large.json | make_template large
make_template iris <<'EOF'
{"title": "Iris petals", "formats": ["svg"],
 "experiments": [{"name": "iris", "description": "Petal length by index, rows with gaps dropped.",
   "data": {"csv": "data/iris.csv", "column": 2, "missing": "drop", "label": "Petal length (cm)"},
   "fit": {"components": {"from": 1, "to": 3}, "restarts": 3, "epochs": 50, "workLimit": 1e9},
   "kde": {"bandwidth": "silverman", "gridSize": 150}}]}
EOF
make_template mixture <<'EOF'
{"formats": ["png"], "figure": {"width": 4, "height": 3, "dpi": 60},
 "experiments": [{"name": "mixture", "seed": 3,
   "data": {"csv": "data/mixture-800.csv", "column": "x"},
   "fit": {"components": 2, "init": {"weights": [0.5, 0.5], "means": [0, 3], "sds": [1, 1]},
           "epochs": 40, "tolerance": 1e-8, "workLimit": 1e9},
   "kde": {"bandwidth": 0.3, "method": "exact", "cut": 2}, "writeSamples": true},
  {"name": "generated", "data": {"generate": [{"mean": -1, "sd": 0.5, "count": 100}, {"mean": 2, "sd": 1, "count": 150}]},
   "fit": {"components": 2, "init": "random", "restarts": 2, "criterion": "aic", "regularization": 1e-6}}]}
EOF
template_names=(article galaxies large iris mixture)

# A previous report that every round's `out` starts as.
baseline="$work/baseline"
mkdir -p "$baseline"
cp -a "$templates/article/." "$baseline/"
(cd "$baseline" && "$binary" config.json -o out -q) || { echo "error: the baseline report could not be written" >&2; exit 70; }

# MARK: Checks

# The files and folders under $1 with checksums, sorted.
snapshot() {
  (cd "$1" && find . -mindepth 1 \( -type f -exec md5sum {} + \) -o \( ! -type f -printf '%y %p %l\n' \)) | sort
}
# Whether file $1 holds a control character: C0 but LF, DEL, C1 (UTF-8 C2 80–9F), U+2028/9.
has_control() {
  LC_ALL=C grep -qaE $'[\x01-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]' "$1" || LC_ALL=C grep -qaP '\x00' "$1" 2>/dev/null
}

declare -A codes=()
declare -A kinds=()
declare -A examples=()
failures=0

# Records a finding of kind $1 for the current round.
finding() {
  round_findings+=("$1")
  kinds["$1"]=$((${kinds["$1"]:-0} + 1))
  [ -n "${examples["$1"]:-}" ] || examples["$1"]="round $round: $(head -c 300 "$dir/stderr" | head -n 1)"
}

# MARK: Rounds

start=$(date +%s)
for ((round = 1; round <= rounds; round++)); do
  dir="$work/rounds/$round"
  tree="$dir/tree"
  mkdir -p "$dir"
  template="$(pick "${template_names[@]}")"
  cp -a "$templates/$template" "$tree"
  cp -a "$baseline/out" "$tree/out"
  mkdir -p "$tree/foreign" && echo "notes" >"$tree/foreign/notes.txt"
  ln -s out "$tree/link"
  ln -s nowhere "$tree/dangling"

  # Inputs: unmutated now and then, else a few mutations of the config and the CSVs.
  mutations=()
  if ! chance 20; then
    for ((m = 0; m < $(($(rnd 3) + 1)); m++)); do
      if chance 60; then
        mutations+=("config:$(mutate_config "$tree/config.json")")
      else
        csv="$(pick galaxies.csv iris.csv mixture-800.csv)"
        mutations+=("$csv:$(mutate_csv "$tree/data/$csv")")
      fi
    done
  fi
  # Only mutations of a file the config reads change the outcome, but any may.
  mutated=$((${#mutations[@]} > 0))

  # Flags, and the class of exit code they call for.
  usage=0 io=0 refused=0 quiet=0
  config_arg=config.json
  if chance 5; then
    config_arg="$(pick missing.json data config.json/ '')"
    if [ -z "$config_arg" ]; then usage=1; else io=1; fi
  fi
  args=("$config_arg")
  output=out
  case "$(rnd 40)" in
    0 | 1 | 2 | 3) output=fresh/nested ;;
    4 | 5 | 6 | 7) output=new ;;
    8 | 9) output=out/ ;;
    10 | 11) output=link ;;
    12 | 13) output=. refused=1 ;;
    14 | 15) output=data refused=1 ;;
    16) output=config.json refused=1 ;;
    17 | 18) output=foreign refused=1 ;;
    19) output=dangling refused=1 ;;
    20) output="" usage=1 ;;
    21 | 22 | 23) output=default ;;
  esac
  [ "$output" = default ] || args+=(-o "$output")
  if chance 25; then
    if chance 85; then
      args+=(--format "$(pick png svg pdf,svg PNG ' png , svg ' png,,pdf svg,svg)")
    else
      args+=(--format "$(pick jpg '' , 'png;pdf' gif,png)") usage=1
    fi
  fi
  if chance 30; then args+=("$(pick -q --quiet)") quiet=1; fi
  case "$(rnd 50)" in
    0) args+=(--bogus) usage=1 ;;
    1) args+=(other.json) usage=1 ;;
    2 | 3) args+=(--template missing.html) io=1 ;;
  esac
  if chance 20; then args=("${args[@]:1}" "${args[0]}"); fi # the config last

  if [ "$usage" = 1 ]; then
    expected="64"
  elif [ "$io" = 1 ] || [ "$refused" = 1 ]; then
    expected="74"
    [ "$mutated" = 1 ] && expected="65 74"
  elif [ "$mutated" = 1 ]; then
    expected="0 65 74"
  else
    expected="0"
  fi

  {
    echo "#!/usr/bin/env bash"
    echo "# round $round, template $template, mutations: ${mutations[*]:-none}; expected exit: $expected"
    echo "cd \"\$(dirname \"\$0\")/tree\" && $(printf '%q ' "$binary" "${args[@]}")"
  } >"$dir/repro.sh"
  chmod +x "$dir/repro.sh"

  before="$(snapshot "$tree")"
  (cd "$tree" && ulimit -v 8000000 && exec timeout -k 5 20 "$binary" "${args[@]}") >"$dir/stdout" 2>"$dir/stderr"
  code=$?
  codes[$code]=$((${codes[$code]:-0} + 1))

  round_findings=()
  case "$code" in
    124 | 137) finding "timeout (over 20 s)" ;;
    70) finding "exit 70 (internal failure)" ;;
    *) [ "$code" -ge 128 ] && finding "signal $((code - 128)) (exit $code)" ;;
  esac
  if [[ " $expected " != *" $code "* ]] && [ "$code" != 70 ] && [ "$code" -lt 124 ]; then
    finding "exit $code where the README gives ${expected// /, }"
  fi
  if [ "$code" -ne 0 ]; then
    errors="$(grep -c '^error: ' "$dir/stderr")"
    others="$(grep -vc -e '^error: ' -e '^warning: ' "$dir/stderr")"
    if [ "$errors" -ne 1 ] || [ "$others" -ne 0 ] || ! tail -n 1 "$dir/stderr" | grep -q '^error: '; then
      if [ "$code" = 64 ]; then finding "exit 64: standard error is not one 'error: ' line"; else finding "standard error is not one 'error: ' line"; fi
    fi
    [ "$before" = "$(snapshot "$tree")" ] || finding "the folder changed although the run failed"
  else
    grep -vq '^warning: ' "$dir/stderr" && finding "a successful run printed other than warnings on standard error"
    if [ "$quiet" = 1 ] && [ -s "$dir/stdout" ]; then finding "--quiet printed on standard output"; fi
    if [ "$quiet" = 0 ] && ! tail -n 1 "$dir/stdout" | grep -q '^Report: .*index.html$'; then finding "no 'Report: …' line"; fi
    report="$(tail -n 1 "$dir/stdout" | sed -n 's/^Report: //p')"
    if [ -n "$report" ] && { [ ! -f "$tree/$report" ] || [ ! -f "$(dirname "$tree/$report")/results.json" ]; }; then
      finding "the report the run names is not there"
    fi
  fi
  has_control "$dir/stdout" && finding "a control character on standard output"
  has_control "$dir/stderr" && finding "a control character on standard error"
  leftovers="$(find "$tree" \( -name '.*.partial-*' -o -name '.*.lock' -o -name '.*.previous-*' \) -printf '%P ')"
  [ -z "$leftovers" ] || finding "left behind: $leftovers"

  if [ ${#round_findings[@]} -gt 0 ]; then
    failures=$((failures + 1))
    printf '%s\n' "${round_findings[@]}" >"$dir/findings"
    mkdir -p "$work/failures"
    mv "$dir" "$work/failures/$round"
  else
    rm -rf "$dir"
  fi
  [ $((round % 50)) -eq 0 ] && echo "  $round rounds, $failures with findings, $(($(date +%s) - start)) s"
done
rm -rf "$work/rounds"

echo "== $rounds rounds in $(($(date +%s) - start)) s (seed $seed)"
printf 'exit codes:'
for code in $(printf '%s\n' "${!codes[@]}" | sort -n); do printf ' %s×%s' "$code" "${codes[$code]}"; done
echo
if [ "$failures" -eq 0 ]; then
  echo "no findings"
  rm -rf "$work"
  exit 0
fi
echo "$failures rounds with findings, kept in $work/failures (each with repro.sh):"
for kind in "${!kinds[@]}"; do
  printf '%5d  %s\n         e.g. %s\n' "${kinds[$kind]}" "$kind" "${examples[$kind]}" | paste -sd '\t'
done | sort -rn | tr '\t' '\n'
exit 1
