#!/usr/bin/env bash
# Crafted streams with malformed datagrams, seen by `mcwatch --headless`
# (issue 12's examples): probes 0-99 with 50-59 malformed (version 9) give
# received 90, lost 0, malformed 10; RTP 0-99 with 50-59 carrying a header
# extension that runs past the datagram gives the same; a TS PID stuck on
# one continuity counter for 100 packets gives 98 CC errors (one duplicate
# allowed). A real gap of 10 probes still counts 10 lost.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

"$MCWATCH" --headless --stats-only --interval 0 239.1.2.31:5000%lo \
  239.1.2.32:5000%lo 239.1.2.33:5000%lo 239.1.2.34:5000%lo \
  >"$dir/out" 2>"$dir/err" &
pid=$!
for i in $(seq 100); do
  [ "$(grep -c '"event":"join"' "$dir/out")" = 4 ] && break
  sleep 0.05
done
[ "$(grep -c '"event":"join"' "$dir/out")" = 4 ] || fail "no joins: $(cat "$dir/err")"

# Probe header (docs/PROBE.md): magic, version, flags, header length 32,
# sender id, text length, reserved, sequence, send time.
for s in $(seq 0 99); do
  v=1
  [ "$s" -ge 50 ] && [ "$s" -lt 60 ] && v=9
  printf '4d435750%02x000020%08x00000000%016x%016x\n' "$v" $((0x7e57)) "$s" 0
done >"$dir/probes.hex"
# The same with 50-59 simply missing: a real gap.
grep -v '^4d43575009' "$dir/probes.hex" >"$dir/gap.hex"
# RTP version 2, PT 96; 50-59 set X and declare 16384 extension words.
pay=$(printf 'aa%.0s' $(seq 32))
for s in $(seq 0 99); do
  if [ "$s" -ge 50 ] && [ "$s" -lt 60 ]; then
    printf '9060%04x%08x%08xbede4000%s\n' "$s" $((s * 3000)) $((0xabcd)) "$pay"
  else
    printf '8060%04x%08x%08x%s\n' "$s" $((s * 3000)) $((0xabcd)) "$pay"
  fi
done >"$dir/rtp.hex"
# TS: one null-PID packet, then PID 0x100 with payload and CC 3, 100 times.
fill=$(printf 'ff%.0s' $(seq 184))
{
  printf '471fff10%s\n' "$fill"
  for s in $(seq 100); do printf '47010013%s\n' "$fill"; done
} >"$dir/ts.hex"

"$TESTSEND" 239.1.2.31 5000 lo 0 --hex-lines "$dir/probes.hex" || fail "send probes"
"$TESTSEND" 239.1.2.32 5000 lo 0 --hex-lines "$dir/rtp.hex" || fail "send rtp"
"$TESTSEND" 239.1.2.33 5000 lo 0 --hex-lines "$dir/ts.hex" || fail "send ts"
"$TESTSEND" 239.1.2.34 5000 lo 0 --hex-lines "$dir/gap.hex" || fail "send gap"
sleep 0.5
kill -INT $pid
wait $pid || fail "receiver exit status $?"
pid=

g() { jq -c --arg g "$1" 'select(.event=="summary") | .groups[] | select(.group==$g)' "$dir/out"; }
g 239.1.2.31 | jq -e '.packets==100 and .received==90 and .lost==0 and
  .malformed==10 and .loss_pct==0' >/dev/null ||
  fail "malformed probes counted as lost: $(g 239.1.2.31)"
g 239.1.2.32 | jq -e '.packets==100 and .received==90 and .lost==0 and
  .malformed==10' >/dev/null ||
  fail "RTP with a bad extension counted as lost: $(g 239.1.2.32)"
g 239.1.2.33 | jq -e '.packets==101 and .cc_errors==98' >/dev/null ||
  fail "stuck TS counter: $(g 239.1.2.33)"
g 239.1.2.34 | jq -e '.received==90 and .lost==10 and .malformed==0 and
  .loss_pct==10' >/dev/null || fail "a real gap: $(g 239.1.2.34)"
pass "malformed probes and RTP are not lost (0 of 10); stuck TS CC: 98 errors; a real gap: 10 lost"
