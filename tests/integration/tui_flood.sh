#!/bin/bash
# Keys answer under a flood: two loopback groups each receive as fast as
# mcw-testsend can send while the test presses keys and times how long the
# screen takes to change. The bound is loose (tmux and capture-pane add
# their own delay); the measured times are printed for the record.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"
SENDERS=()
at_exit 'for p in "${SENDERS[@]}"; do kill "$p" 2>/dev/null; done'

LIMIT_MS=${MCW_KEY_LIMIT_MS:-500}
# wait_fast SECS RE: like wait_screen, polling every 10 ms.
wait_fast() {
  local secs=$1 re=$2 i
  for ((i = 0; i < secs * 100; i++)); do
    screen | grep -Eq -- "$re" && return 0
    sleep 0.01
  done
  return 1
}
now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
# Presses key $1 and measures until the screen matches $2; fails past the limit.
timed_key() {
  local t0 t1
  t0=$(now_ms)
  keys "$1"
  wait_fast 3 "$2" || { dump; fail "key $1: screen never matched $2"; }
  t1=$(now_ms)
  echo "key $1 answered in $((t1 - t0)) ms under flood"
  [ $((t1 - t0)) -le "$LIMIT_MS" ] || fail "key $1 took $((t1 - t0)) ms (limit $LIMIT_MS)"
}
packets() { screen | grep -Eo "total [0-9,]+ pkts" | head -1 | tr -dc 0-9; }

start mcw 100x30 "\"$MCWATCH\" 239.255.9.1:9001%lo 239.255.9.2:9002%lo"
expect 5 "joined 239\.255\.9\.2:9002%lo" "groups not joined"
keys Enter # from the overview to the first group's pane
expect 5 "2 239\.255\.9\.2:9002%lo joined" "pane of the first group not opened"

"$TESTSEND" 239.255.9.1 9001 lo 1000000 --size 200 --source 127.0.0.1 >/dev/null &
SENDERS+=($!)
"$TESTSEND" 239.255.9.2 9002 lo 1000000 --size 200 --source 127.0.0.1 >/dev/null &
SENDERS+=($!)
sleep 0.5

a=$(packets)
timed_key '?' "^Overview"
timed_key x "q Quit"
timed_key Tab "> 239\.255\.9\.2:9002 "
timed_key Tab "> 239\.255\.9\.1:9001 "
b=$(packets)
[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ] || { dump; fail "not counting under flood ($a then $b)"; }
echo "counted $a then $b datagrams on the first group during the key presses"
timed_key q "^EXIT=0$"
pass "keys answer under a flood on two groups"
