#!/bin/bash
# At 1,000 datagrams a second the ring of 1,000 turns over every second
# (issue 13's review): the inspector keeps its own copy of the datagram it
# shows, and a selection moved off the newest row freezes that pane's list,
# which counts the newer datagrams waiting, instead of being reset to follow
# the newest; Home follows the live list again.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"

G=239.255.13.21 P=13021
start fl 120x40 "\"$MCWATCH\" --history 1000 $G:$P%lo"
expect 5 "1 $G:$P%lo joined" "group not joined"
"$TESTSEND" $G $P lo 9000 --interval-ms 1 --text "flood %n" >/dev/null &
SENDER=$!
at_exit "kill $SENDER 2>/dev/null"
expect 3 "flood [0-9]+" "no traffic shown"
sleep 1.5 # the ring is full: every further arrival overwrites one
rate=$(screen | grep -oE "^ +[0-9.]+k? pkt/s" | head -n 1 | sed "s/^ *//")
case $rate in
*k*|*[5-9][0-9][0-9]\ pkt/s) ;;
*) dump; fail "the sender is too slow for this test ($rate)" ;;
esac

# 1. The inspector shows its datagram after the ring overwrote it twice.
keys Enter
expect 2 "Datagram #[0-9,]+ of $G:$P%lo" "the inspector did not open"
num=$(screen | grep -oE "Datagram #[0-9,]+" | head -n 1 | cut -c11-)
[ -n "$num" ] || { dump; fail "no datagram number in the inspector"; }
sleep 2.5
expect 1 "Datagram #$num of" "the inspector lost datagram #$num"
expect_not "is gone" "the inspector says its datagram is gone"
expect 1 "flood [0-9]+" "the inspector no longer shows the payload text"
pass "the inspector keeps datagram #$num at $rate"

# 2. Three rows down: the list freezes, the selection stays.
keys Escape
expect 2 "TIME +SENDER" "not back on the main screen"
keys Down Down Down
sleep 0.3
row() { screen | grep -E '^ *▸' | head -n 1; }
first=$(row | awk '{print $2}')
[ -n "$first" ] || { dump; fail "no selected row after Down"; }
sleep 2.5
now=$(row | awk '{print $2}')
[ "$now" = "$first" ] || { dump; fail "the selection moved from #$first to #$now"; }
expect 1 "[0-9,]+ newer, frozen \(Home\)" "the frozen list does not count what waits"
waiting=$(screen | grep -oE "[0-9,]+ newer" | head -n 1 | tr -dc 0-9)
[ "${waiting:-0}" -ge 1000 ] || { dump; fail "only $waiting newer counted after 2.5 s"; }
pass "the selection stays on #$first; $waiting newer wait"

# 3. Home follows the live list again.
keys Home
sleep 0.3
expect_not "newer, frozen" "Home did not unfreeze the list"
a=$(screen | grep -oE "flood [0-9]+" | head -n 1 | tr -dc 0-9)
sleep 0.5
b=$(screen | grep -oE "flood [0-9]+" | head -n 1 | tr -dc 0-9)
[ "$b" -gt "$a" ] || { dump; fail "the list does not follow after Home ($a, then $b)"; }
kill $SENDER 2>/dev/null
keys q
expect 5 "^EXIT=0$" "q did not exit 0"
pass "Home follows the newest again"
