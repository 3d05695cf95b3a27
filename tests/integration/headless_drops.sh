#!/usr/bin/env bash
# The kernel's drop counter reaches the user: with a tiny receive buffer and
# mcwatch stopped (SIGSTOP) while 400 datagrams arrive, the kernel drops
# most; after SIGCONT the summary's packets plus kernel_drops equal what was
# sent, and drops are not zero. Also: --duration stops by itself.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
trap 'kill -CONT $pid 2>/dev/null; kill $pid 2>/dev/null; rm -rf "$dir"' EXIT

"$MCWATCH" --headless --interval 0 --stats-only --rcvbuf 4096 239.1.2.9:5009%lo \
  >"$dir/out" 2>"$dir/err" &
pid=$!
wait_for_line "$dir/out" 5 '"event":"join"' || fail "no join: $(cat "$dir/err")"
grep -q '"event":"warning".*receive buffer capped' "$dir/out" ||
  grep -q '"event":"join"' "$dir/out" || fail "no join"
kill -STOP $pid
"$TESTSEND" 239.1.2.9 5009 lo 400 --size 1200 || fail "send"
kill -CONT $pid
sleep 0.5
kill -TERM $pid
wait $pid
rc=$?
[ $rc = 0 ] || fail "exit $rc after SIGTERM"
sum=$(tail -n 1 "$dir/out")
packets=$(jq .groups[0].packets <<<"$sum")
drops=$(jq .groups[0].kernel_drops <<<"$sum")
[ "$(jq -r .reason <<<"$sum")" = SIGTERM ] || fail "reason: $sum"
[ "$drops" -gt 0 ] || fail "no kernel drops counted (packets $packets)"
[ $((packets + drops)) = 400 ] || fail "packets $packets + drops $drops != 400"

# --duration ends the run by itself, with the reason said.
start=$(date +%s%N)
"$MCWATCH" --headless --duration 0.5 239.1.2.9:5009%lo >"$dir/out2" 2>&1 ||
  fail "--duration run failed: $(cat "$dir/out2")"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -ge 450 ] && [ "$ms" -lt 3000 ] || fail "--duration 0.5 took $ms ms"
[ "$(tail -n 1 "$dir/out2" | jq -r .reason)" = duration ] || fail "reason not duration"
pass "kernel drops counted exactly ($packets received + $drops dropped = 400); --duration stops in $ms ms"
