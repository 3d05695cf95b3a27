#!/usr/bin/env bash
# A lying beacon on the wire. Crafted probes (mcw-testsend --hex) carry a
# beacon named with a terminal escape and a report that claims a huge loss
# for b1 -> liar and names 63 beacons that do not exist (64 entries, the
# most a report may hold). The real beacons
# b1 and b2 keep running; the name is escaped in the JSON; every cell the
# liar caused is in its own column; the table stays bounded (overflow
# counted) and b2, heard directly, still finds a place; b1 -> b2 and
# b2 -> b1 read no loss.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
scratch # $dir, and $pids stopped on exit

G=239.255.77.10 P=7800
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
# fnv NAME: the beacon id (FNV-1a 64) as 16 hex digits.
fnv() {
  local h=$((0xcbf29ce484222325)) c
  for c in $(printf '%s' "$1" | od -An -tu1); do
    h=$(((h ^ c) * 0x100000001b3))
  done
  printf '%016x' "$h"
}
# entry NAME RECEIVED LOST: one report entry (unknown delay, jitter, hops).
entry() {
  printf '%s%08x%08x%08x%08x%08x%08x%08x%02x%02x%s' "$(fnv "$1")" "$2" "$3" 0 0 \
    $((0x80000000)) $((0x80000000)) $((0xffffffff)) 255 ${#1} "$(hex "$1")"
}
# probe SEQ TEXT-HEX: an mcwatch probe carrying the text.
probe() {
  printf '4d435750010000200bad1dea%04x0000%016x%016x%s' $((${#2} / 2)) "$1" 0 "$2"
}
liar=$'ev\e]0;pwned\ail'
msg() { # msg ENTRIES-HEX COUNT
  printf '4d4357420100%02x%02x%s%08x%04x%s%s' 8 ${#liar} "$(fnv "$liar")" 1000 "$2" "$(hex "$liar")" "$1"
}

"$MCWATCH" beacon -H --report 1 --name b1 --duration 12 "$G:$P%lo" >"$dir/b1.out" 2>"$dir/b1.err" &
pids+=($!)
sleep 0.5
fakes=$(entry b1 1 4000000000)
for i in $(seq 0 62); do fakes+=$(entry "$(printf 'fake%02d' "$i")" 5 0); done
for s in 0 1 2; do
  "$TESTSEND" $G $P lo 1 --sport 40999 --hex "$(probe $s "$(msg "$fakes" 64)")" >/dev/null ||
    fail "testsend"
done
sleep 1.2
"$MCWATCH" beacon -H --report 1 --name b2 --duration 8 "$G:$P%lo" >"$dir/b2.out" 2>&1 &
pids+=($!)
sleep 3.3
grep -q $'\e' "$dir/b1.out" && fail "a raw escape reached the output"
last=$(last_matrix "$dir/b1.out")
[ -n "$last" ] || fail "b1 stopped: $(cat "$dir/b1.err")"
name=$(jq -r '[.cells[].from, .cells[].to] | map(select(startswith("ev"))) | .[0]' <<<"$last")
[ "$name" = "$liar" ] || fail "the liar's name did not round-trip escaped: $last"
jq -e --arg l "$liar" '[.cells[] | select(.to != $l and (.from | startswith("fake")) and .received > 0)] | length == 0' \
  <<<"$last" >/dev/null || fail "a fake figure outside the liar's column: $last"
# The lie stood in the liar's column while it was fresh, and then aged out.
jq -s -e --arg l "$liar" '[.[] | select(.event == "matrix") | .cells[] |
  select(.from == "b1" and .to == $l) | .lost] | index(4000000000) != null' "$dir/b1.out" >/dev/null ||
  fail "the liar's own column should have held its lie: $(head -c 600 "$dir/b1.out")"
jq -e --arg l "$liar" '.gone | index($l) != null' <<<"$last" >/dev/null || fail "the liar is not gone: $last"
jq -e '[.cells[] | select((.from == "b1" and .to == "b2") or (.from == "b2" and .to == "b1")) |
  select(.received > 0 and .lost == 0)] | length == 2' <<<"$last" >/dev/null ||
  fail "b1 <-> b2 spoiled or missing: $last"
jq -e '.overflow > 0' <<<"$last" >/dev/null || fail "no overflow counted: $last"
pass "a lying beacon spoils only its column; its name is escaped; the table stays bounded and real beacons get in"
