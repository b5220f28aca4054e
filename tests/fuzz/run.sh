#!/usr/bin/env bash
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# tests/fuzz/run.sh: runs every libFuzzer target of a fuzz build for a fixed time.
#
#   tests/fuzz/run.sh <build-dir> <seconds>        (what `make fuzz` runs)
#   RILL_FUZZ_TARGETS="conf_fuzz" tests/fuzz/run.sh build-fuzz 600   (a subset, longer)
#
# The targets are the tests/fuzz/*_fuzz.cc sources, and each comes with seeds in
# tests/fuzz/corpus/<name>/: a target without any fails the run (the snapshot target once
# went unfuzzed for want of them).
# Each target <build-dir>/tests/fuzz/<name> starts from a copy of tests/fuzz/corpus/<name>/
# in a temporary directory (so the checked-in seeds never change) and runs for <seconds>
# with -max_total_time. A crash, leak, timeout or failed invariant stops that target; its
# reproducer (crash-*, leak-*, timeout-*, oom-*) and full log are kept in
# <build-dir>/tests/fuzz/artifacts/<name>/. Reproduce with:
#   <build-dir>/tests/fuzz/<name> <build-dir>/tests/fuzz/artifacts/<name>/crash-...
#
# Prints one summary line per target and exits non-zero if any target failed.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 <build-dir> <seconds>" >&2
  exit 2
fi
build_dir=$1
seconds=$2
case "$seconds" in
  '' | *[!0-9]*) echo "run.sh: <seconds> must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac
src_dir=$(cd "$(dirname "$0")" && pwd)
fuzz_bin_dir="$build_dir/tests/fuzz"
targets=${RILL_FUZZ_TARGETS:-$(for f in "$src_dir"/*_fuzz.cc; do basename "$f" .cc; done)}

work=$(mktemp -d "${TMPDIR:-/tmp}/rill-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Sanitizer reports must abort (libFuzzer then saves the input) and carry a symbolized stack.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# stat_value <log> <name>: the value of libFuzzer's final "stat::<name>: <value>" line.
stat_value() {
  sed -n "s/^stat::$2: *\([0-9]*\).*/\1/p" "$1" | tail -n 1
}

failed=0
for name in $targets; do
  bin="$fuzz_bin_dir/$name"
  if [ ! -x "$bin" ]; then
    echo "fuzz: $name: FAILED: $bin not built (configure with -DRILL_BUILD_FUZZ=ON)"
    failed=1
    continue
  fi
  if [ -z "$(ls -A "$src_dir/corpus/$name" 2>/dev/null)" ]; then
    echo "fuzz: $name: FAILED: no seeds in tests/fuzz/corpus/$name/"
    failed=1
    continue
  fi
  corpus="$work/$name"
  artifacts="$(cd "$fuzz_bin_dir" && pwd)/artifacts/$name"
  mkdir -p "$corpus" "$artifacts"
  cp "$src_dir/corpus/$name"/* "$corpus"/
  log="$artifacts/last-run.log"
  stamp="$work/$name.started"
  touch "$stamp"
  start=$(date +%s)
  # timeout(1) is a backstop only: libFuzzer stops itself after -max_total_time.
  timeout --kill-after=10 $((seconds + 120)) "$bin" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1
  rc=$?
  elapsed=$(($(date +%s) - start))
  execs=$(stat_value "$log" number_of_executed_units)
  per_sec=$(stat_value "$log" average_exec_per_sec)
  units=$(find "$corpus" -type f | wc -l)
  if [ $rc -eq 0 ]; then
    echo "fuzz: $name: ok, ${execs:-?} execs in ${elapsed}s (${per_sec:-?}/s), corpus $units inputs"
  else
    repro=$(find "$artifacts" -maxdepth 1 -type f -newer "$stamp" \
      \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | head -n 1)
    echo "fuzz: $name: FAILED (exit $rc) after ${execs:-?} execs in ${elapsed}s;" \
      "reproducer: ${repro:-none written}; log: $log"
    grep -m 1 -E 'ERROR: |fuzz invariant failed|runtime error' "$log" | sed 's/^/  /'
    failed=1
  fi
done
exit $failed
