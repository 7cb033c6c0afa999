#!/usr/bin/env bash
# Fuzzes the parsers of user bytes with libFuzzer: the config decoder (`config`, and `yaml`
# for YAML experiment files) and the CSV reader by header name (`csv-name`) and by index
# (`csv-index`), each in both
# `missing` modes and against a reference reader (Sources/generate-report-fuzz).
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
#   SECONDS  per target, default 60
#   TARGET   config, yaml, csv-name, csv-index, csv-columns (default: all five)
#
# It replays the committed seed corpora (fuzz/corpus/) with the plain build first, then
# builds the harness in release with -sanitize=fuzzer,address into .build-fuzz and runs
# each target on a temporary copy of its corpus (the committed one never grows) with its
# dictionary (fuzz/*.dict). It prints each target's executions and coverage, and exits 1
# if any target crashed, broke an invariant, timed out or ran out of memory, printing the
# saved input and how to replay it. Set FUZZ_KEEP=1 to keep the working folder, and
# FUZZ_KEEP_GOING=1 to go on after a finding (libFuzzer's fork mode: every distinct
# crash is saved, and the stat line is the fork mode's). FUZZ_IGNORE="text|text" passes
# over findings that contain one of the texts (a known problem whose fix is pending).
#
# Needs only the Swift toolchain from swift.org, which carries libFuzzer's runtime and
# lld (see Sources/generate-report-fuzz/main.swift for why lld).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config yaml csv-name csv-index csv-columns)
case "$seconds" in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 64 ;; esac

corpus_of() { case "$1" in config) echo config ;; yaml) echo yaml ;; csv-name | csv-index | csv-columns) echo csv ;; *) return 1 ;; esac; }
for target in "${targets[@]}"; do
  corpus_of "$target" >/dev/null || { echo "error: unknown target \"$target\"; use config, yaml, csv-name, csv-index or csv-columns" >&2; exit 64; }
done

# libFuzzer's runtime ships in the toolchain's clang resource folder.
toolchain="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")"
if ! compgen -G "$toolchain/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a" >/dev/null; then
  echo "error: libFuzzer's runtime (libclang_rt.fuzzer) is not in the Swift toolchain at $toolchain; install a swift.org toolchain for Linux, which includes it" >&2
  exit 69
fi
# gold cannot link libFuzzer's main beside SwiftPM's --defsym main=…; lld (in the
# toolchain) and bfd (binutils) can.
linker=lld
if ! [ -x "$toolchain/bin/ld.lld" ] && ! command -v ld.lld >/dev/null; then linker=bfd; fi

export SWIFT_BACKTRACE=enable=no # the backtracer can hang on a crash under libFuzzer
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"

work="$(mktemp -d "${TMPDIR:-/tmp}/generate-report-fuzz.XXXXXX")"
echo "Working folder: $work"

echo "== Replaying the seed corpora (plain build, .build-fuzzdebug)"
swift build --scratch-path .build-fuzzdebug --product generate-report-fuzz 2>&1 | tail -n 1
replay="$(swift build --scratch-path .build-fuzzdebug --show-bin-path)/generate-report-fuzz"
failed=()
for target in "${targets[@]}"; do
  "$replay" "$target" "fuzz/corpus/$(corpus_of "$target")" || failed+=("$target (seed corpus)")
done

echo "== Building the fuzz harness (release, -sanitize=fuzzer,address, .build-fuzz)"
start=$(date +%s)
fuzz_flags=(-c release --product generate-report-fuzz
  -Xswiftc -DFUZZING -Xswiftc -sanitize=fuzzer,address -Xswiftc "-use-ld=$linker")
swift build --scratch-path .build-fuzz "${fuzz_flags[@]}" 2>&1 | tail -n 1
fuzzer="$(swift build --scratch-path .build-fuzz "${fuzz_flags[@]}" --show-bin-path)/generate-report-fuzz"
echo "Built in $(($(date +%s) - start)) s"

for target in "${targets[@]}"; do
  source="$(corpus_of "$target")"
  dir="$work/$target"
  mkdir -p "$dir/corpus" "$dir/artefacts"
  cp fuzz/corpus/"$source"/* "$dir/corpus/"
  echo "== $target: ${seconds} s"
  status=0
  keep_going=()
  [ "${FUZZ_KEEP_GOING:-0}" = 1 ] && keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  "$fuzzer" "$target" "$dir/corpus" -dict="fuzz/$source.dict" ${keep_going[@]+"${keep_going[@]}"} \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$dir/artefacts/" \
    >"$dir/log" 2>&1 || status=$?
  # The last stat line ("#N DONE cov: X ft: Y corp: …" after a full run).
  grep -E '^#[0-9]+:?[[:space:]]+(INITED|NEW|REDUCE|pulse|DONE|RELOAD|cov:)' "$dir/log" | tail -n 1 | sed 's/^/  /' || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$dir/log" | sed 's/^/  /' || true
  echo "  corpus: $(find "$dir/corpus" -type f | wc -l) inputs (from $(find "fuzz/corpus/$source" -type f | wc -l) seeds)"
  artefacts=("$dir"/artefacts/crash-* "$dir"/artefacts/timeout-* "$dir"/artefacts/oom-* "$dir"/artefacts/leak-*)
  found=()
  for a in "${artefacts[@]}"; do [ -e "$a" ] && found+=("$a"); done
  if [ "$status" -ne 0 ] || [ ${#found[@]} -gt 0 ]; then
    failed+=("$target")
    echo "  FAILED (libFuzzer exit status $status); log: $dir/log"
    grep -E -A12 'Fatal error|ERROR: (libFuzzer|AddressSanitizer)|==[0-9]+== ERROR' "$dir/log" | grep -vE '^\s+#[0-9]+ 0x' | head -n 24 | sed 's/^/  | /'
    [ ${#found[@]} -gt 3 ] && echo "  ${#found[@]} inputs saved; the first 3:"
    for a in "${found[@]:0:3}"; do
      echo "  input: $a ($(wc -c <"$a") bytes)"
      echo "  base64: $(head -c 3000 "$a" | base64 -w 0)"
      head -c 512 "$a" | od -A d -c | sed 's/^/    /'
      echo "  replay: $replay $target $a"
      echo "     or: SWIFT_BACKTRACE=enable=no $fuzzer $target $a"
    done
  else
    echo "  ok"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "Fuzzing found problems in: ${failed[*]}; the inputs and logs are in $work"
  exit 1
fi
echo "Fuzzing found nothing: ${targets[*]}, ${seconds} s each"
[ "${FUZZ_KEEP:-0}" = 1 ] || rm -rf "$work"
