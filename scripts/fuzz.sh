#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for SECONDS each, starting
# from the seed corpora in tests/fuzz/corpus/<target>/ (copied, so the
# repository is not touched). Any crash, leak, timeout or sanitizer report
# fails, leaving the input in BUILD_DIR/fuzz-artifacts/ to be kept as a
# regression test in tests/unit/test_regress.c.
#   cmake -S . -B BUILD_DIR -DCMAKE_C_COMPILER=clang -DMCWATCH_FUZZ=ON
#   cmake --build BUILD_DIR && scripts/fuzz.sh BUILD_DIR SECONDS
set -u
build=${1:?usage: $0 BUILD_DIR SECONDS}
secs=${2:?usage: $0 BUILD_DIR SECONDS}
src=$(cd "$(dirname "$0")/.." && pwd)
art="$build/fuzz-artifacts"
mkdir -p "$art"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0 ran=0
for t in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  target=${name#fuzz_}
  work="$build/fuzz-corpus/$target"
  mkdir -p "$work"
  cp -n "$src/tests/fuzz/corpus/$target/"* "$work/" 2>/dev/null
  "$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$art/$target-" "$work" \
    >"$build/fuzz-$target.log" 2>&1
  rc=$?
  ran=$((ran + 1))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz-$target.log" |
          grep -o '[0-9]*$')
  cov=$(grep -Eo 'cov: [0-9]+' "$build/fuzz-$target.log" | tail -n 1)
  if [ $rc = 0 ]; then
    echo "fuzz: $target: ${execs:-?} runs in ${secs}s, $cov, corpus $(ls "$work" | wc -l)"
  else
    echo "fuzz: $target FAILED (exit $rc); input kept in $art/, log:"
    grep -m 1 -A 14 -E '^==[0-9]+==ERROR|runtime error|deadly signal' \
      "$build/fuzz-$target.log"
    grep -E '^(SUMMARY|artifact_prefix)' "$build/fuzz-$target.log" | head -n 3
    failed=$((failed + 1))
  fi
done
echo "fuzz: $((ran - failed)) targets clean, $failed failed"
[ $failed = 0 ] && [ $ran -gt 0 ]
