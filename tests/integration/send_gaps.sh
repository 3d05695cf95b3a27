#!/usr/bin/env bash
# Crafted streams with known gaps, seen by `mcwatch --headless`: probes
# numbered 0-99,105,103,103,110-199 report exactly 8 lost, 1 duplicate
# and 1 reordered; mcjoin and msend payloads are recognised and tracked.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT

"$MCWATCH" --headless --stats-only --interval 0 239.1.2.11:5000%lo \
  239.1.2.12:5000%lo 239.1.2.13:5000%lo >"$dir/out" 2>"$dir/err" &
pid=$!
for i in $(seq 100); do
  [ -s "$dir/out" ] && [ "$(grep -c '"event":"join"' "$dir/out")" = 3 ] && break
  sleep 0.05
done
[ "$(grep -c '"event":"join"' "$dir/out")" = 3 ] || fail "no joins: $(cat "$dir/err")"

"$TESTSEND" 239.1.2.11 5000 lo 0 --probe-seqs "0-99,105,103,103,110-199" ||
  fail "send probes"
"$TESTSEND" 239.1.2.12 5000 lo 30 \
  --text "Sender PID 77, MC group 239.1.2.12 ... count: %n, freq: 100" ||
  fail "send mcjoin"
"$TESTSEND" 239.1.2.13 5000 lo 30 --text "Message %n" || fail "send msend"
sleep 0.5
kill -INT $pid
wait $pid || fail "receiver exit status $?"

g() { jq -c --arg g "$1" 'select(.event=="summary") | .groups[] | select(.group==$g)' "$dir/out"; }
g 239.1.2.11 | jq -e '.packets==193 and .received==193 and .lost==8 and
  .dup==1 and .reordered==1 and .restarts==0 and .loss_pct==4' >/dev/null ||
  fail "probe gaps: $(g 239.1.2.11)"
g 239.1.2.12 | jq -e '.received==30 and .lost==0 and .tracked_senders==1' \
  >/dev/null || fail "mcjoin: $(g 239.1.2.12)"
g 239.1.2.13 | jq -e '.received==30 and .lost==0 and .tracked_senders==1' \
  >/dev/null || fail "msend: $(g 239.1.2.13)"
pass "crafted gaps: 8 lost, 1 dup, 1 reordered; mcjoin and msend tracked"
