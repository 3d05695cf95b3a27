#!/bin/bash
# One number per row of the datagram list (issue 13's review): the
# "#RECV" column is the datagram's arrival number in the group, as its
# header says, and a probe's own sequence number is shown as "seq N" in the
# payload, never as a second "#" number.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"

G=239.255.13.41 P=13041
start nm 120x40 "\"$MCWATCH\" $G:$P%lo"
expect 5 "1 $G:$P%lo joined" "group not joined"
send $G $P lo 0 --probe-seqs 100-104
expect 3 "seq 104 " "the probe's sequence is not shown as seq N"
expect 1 "#RECV +TIME +SENDER" "the number column's header does not say what it counts"
# The newest row: arrival number 5, probe sequence 104, one "#" at most.
row=$(screen | grep -E "seq 104 " | head -n 1)
case $row in
*'#'*) dump; fail "a row shows a '#' number besides its arrival number: $row" ;;
esac
[ "$(echo "$row" | sed 's/^[^0-9]*//' | awk '{print $1}')" = 5 ] ||
  { dump; fail "the newest row's number is not its arrival number 5: $row"; }
keys q
expect 5 "^EXIT=0$" "q did not exit 0"
pass "one number per row: the arrival number under #RECV; probes say seq N"
