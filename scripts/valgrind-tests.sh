#!/usr/bin/env bash
# Runs every unit and socket test program of a build under valgrind
# memcheck; any error or definite/indirect leak fails. Socket tests run
# inside a private network namespace, like under CTest.
#   scripts/valgrind-tests.sh BUILD_DIR
set -u
build=${1:?usage: $0 BUILD_DIR}
src=$(cd "$(dirname "$0")/.." && pwd)
vg=(valgrind -q --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect)
failed=0 ran=0
for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  if [[ $name == test_net_* ]]; then
    sh "$src/tests/run-in-netns.sh" "${vg[@]}" "$t" >"$build/valgrind-$name.log" 2>&1
  else
    "${vg[@]}" "$t" >"$build/valgrind-$name.log" 2>&1
  fi
  rc=$?
  ran=$((ran + 1))
  if [ $rc = 0 ]; then
    echo "valgrind: $name clean"
  else
    echo "valgrind: $name FAILED (exit $rc), log:"
    tail -n 40 "$build/valgrind-$name.log"
    failed=$((failed + 1))
  fi
done
echo "valgrind: $((ran - failed)) passed, $failed failed"
[ $failed = 0 ] && [ $ran -gt 0 ]
