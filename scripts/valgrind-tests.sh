#!/usr/bin/env bash
# Runs every unit and socket test program of a build under valgrind
# memcheck; any error or definite/indirect leak fails. Socket tests run
# inside a private network namespace, like under CTest. Then the real
# binary: a headless run with hostile traffic (probes with gaps, escape
# sequences, bad UTF-8, 65507-byte datagrams) on an IPv4 group beside an
# IPv6 one (lo carries no IPv6 multicast, so that one only joins and leaves),
# and the headless demo with its own senders. No suppressions are
# needed: libuv and ncurses leave only "still reachable" blocks.
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
# The real binary, headless, with traffic; all inside one namespace.
if [ -x "$build/mcwatch" ] && [ -x "$build/tests/mcw-testsend" ]; then
  for run in traffic demo; do
    if [ $run = traffic ]; then
      # shellcheck disable=SC2016 # expanded by the inner shell
      cmd='"$@" --headless --interval 0.2 --duration 3 239.255.25.1:7201%lo \
             "[ff15::25]:7202%lo" >/dev/null & p=$!; sleep 1.5
           ts=$MCW_TS; g=239.255.25.1
           $ts $g 7201 lo 0 --probe-seqs 0-99,105,103,103 --interval-ms 1 &&
           $ts $g 7201 lo 20 --hex 1b5d303b7807c0afeda080 &&
           $ts $g 7201 lo 3 --size 65507 >/dev/null || { kill $p; exit 1; }
           wait $p'
    else
      cmd='"$@" --demo --headless --duration 3 >/dev/null'
    fi
    MCW_TS="$build/tests/mcw-testsend" sh "$src/tests/run-in-netns.sh" \
      bash -c "$cmd" bash "${vg[@]}" "$build/mcwatch" >"$build/valgrind-mcwatch-$run.log" 2>&1
    rc=$?
    ran=$((ran + 1))
    if [ $rc = 0 ]; then
      echo "valgrind: mcwatch ($run) clean"
    else
      echo "valgrind: mcwatch ($run) FAILED (exit $rc), log:"
      tail -n 40 "$build/valgrind-mcwatch-$run.log"
      failed=$((failed + 1))
    fi
  done
fi
echo "valgrind: $((ran - failed)) passed, $failed failed"
[ $failed = 0 ] && [ $ran -gt 0 ]
