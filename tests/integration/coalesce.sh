#!/usr/bin/env bash
# Wakeup coalescing (--coalesce; docs/ARCHITECTURE.md): a paced stream of
# 20,000 datagrams/s for 1 s, received headless.
#   - By default mcwatch wakes far less often than once per datagram
#     (voluntary context switches from /proc), loses nothing, and every
#     datagram keeps its own kernel arrival time (datagrams read in one
#     wakeup do not share a timestamp: the JSON "ts" of consecutive lines
#     differ, about 50 us apart).
#   - With --coalesce 0 it wakes for about every datagram (the option
#     works, and the default's saving is real).
#   - A fast stream (1316-byte MPEG-TS datagrams at 100,000/s, every TS
#     analyzer at work) loses nothing: the nap shortens to what the busiest
#     socket can hold (the rules themselves: unit/test_coalesce).
source "$(dirname "$0")/lib.sh"
enter_private_netns
BLAST=${MCW_BLAST:-$(dirname "$MCWATCH")/bench/mcw-blast}
[ -x "$BLAST" ] || fail "$BLAST missing (built with the bench)"
ip route add 224.0.0.0/4 dev lo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
G=239.77.5.1 P=9100

# run NAME COUNT SIZE RATE WORDS [OPTIONS...]: receives COUNT datagrams
# (WORDS for mcw-blast: "ts" for MPEG-TS, "keep-rate" to hold the rate
# when behind; "-" for none: iperf2-shaped), prints the voluntary context
# switches mcwatch made while they came.
run() {
  local name=$1 count=$2 size=$3 rate=$4 payload=${5#-} pid c0 c1
  shift 5
  "$MCWATCH" --headless --interval 0 "$@" "$G:$P%lo" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pid=$!
  wait_for_line "$tmp/$name.out" 5 '"event":"join"' || fail "$name: no join: $(cat "$tmp/$name.err")"
  c0=$(awk '/^voluntary_ctxt_switches/ { print $2 }' /proc/$pid/status)
  "$BLAST" $G $P 1 "$count" "$size" "$rate" lo $payload >/dev/null || fail "$name: mcw-blast failed"
  sleep 0.3
  c1=$(awk '/^voluntary_ctxt_switches/ { print $2 }' /proc/$pid/status)
  kill -INT $pid
  wait $pid || fail "$name: mcwatch exited $?: $(cat "$tmp/$name.err")"
  echo $((c1 - c0))
}

# summary NAME FIELD: a figure of the summary's one group.
summary() { tail -n 1 "$tmp/$1.out" | jq -r ".groups[0].$2"; }

on=$(run on 20000 64 20000 -)
[ "$(summary on packets)" = 20000 ] || fail "default: $(summary on packets) of 20000 datagrams"
[ "$(summary on kernel_drops)" = 0 ] || fail "default: $(summary on kernel_drops) kernel drops"
[ "$on" -lt 5000 ] || fail "default: $on wakeups for 20000 datagrams (coalescing should make it a few thousand at most)"
# Arrival times are the kernel's: consecutive datagrams almost never share one.
jq -r 'select(.event == "datagram") | .ts' "$tmp/on.out" >"$tmp/ts"
[ "$(wc -l <"$tmp/ts")" = 20000 ] || fail "default: $(wc -l <"$tmp/ts") datagram lines"
same=$(awk 'NR > 1 && $1 == prev { n++ } { prev = $1 } END { print n + 0 }' "$tmp/ts")
[ "$same" -lt 200 ] || fail "default: $same consecutive datagrams share an arrival time (batch times, not the kernel's?)"

off=$(run off 20000 64 20000 - --coalesce 0)
[ "$(summary off packets)" = 20000 ] || fail "--coalesce 0: $(summary off packets) of 20000 datagrams"
[ "$off" -gt 10000 ] || fail "--coalesce 0: only $off wakeups for 20000 datagrams"
[ "$on" -lt $((off / 3)) ] || fail "coalescing saved too little: $on wakeups against $off"

fast=$(run fast 200000 1316 100000 "ts keep-rate" --stats-only)
[ "$(summary fast packets)" = 200000 ] || fail "TS at 100000/s: $(summary fast packets) of 200000 datagrams, $(summary fast kernel_drops) dropped by the kernel"
[ "$(summary fast cc_errors)" = 0 ] || fail "TS at 100000/s: $(summary fast cc_errors) CC errors in a clean stream"

pass "20000 datagrams in $on wakeups (--coalesce 0: $off), $same shared arrival times; 200000 TS datagrams at 100000/s in $fast wakeups, none lost"
