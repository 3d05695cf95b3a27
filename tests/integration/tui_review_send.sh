#!/bin/bash
# One sending socket per group (issue 13's review): three messages typed at
# the send prompt come from one sender, marked "(this host)" in the sender
# table; a send that fails (loopback down) is reported in the status line
# and not counted, and the next one after the interface is back comes from
# the same sender with the next sequence number.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"

KEY_SEND=s

G=239.255.13.31 P=13031
start sd 120x40 "\"$MCWATCH\" $G:$P%lo"
expect 5 "1 $G:$P%lo joined" "group not joined"
for word in one two three; do
  keys "$KEY_SEND"
  expect 2 "send to $G:$P%lo via lo" "the send prompt did not open"
  typed "$word"
  keys Enter
  expect 3 "[0-9]+ $word" "message '$word' not received back"
done
expect 2 "senders 1 " "three messages came from more than one sender"
expect 1 "total 3 pkts" "three messages were not counted as three datagrams"
own=$(screen | grep -c "(this host)")
[ "$own" = 1 ] || { dump; fail "the sender row is not marked (this host) once ($own)"; }
pass "three messages, one sender, marked (this host)"

# A failed send is said and not counted.
ip link set lo down
expect 3 "lo is down" "lo going down not reported"
keys "$KEY_SEND"
typed "lost"
keys Enter
expect 2 "not sent: " "a failed send was not reported"
ip link set lo up
expect 5 "1 $G:$P%lo joined" "the group was not rejoined when lo came back"
keys "$KEY_SEND"
typed "four"
keys Enter
expect 3 "sent probe #3 " "the failed send was counted as sent"
expect 3 "3 four" "the fourth message did not arrive"
expect 1 "senders 1 " "the fourth message came from another sender"
keys q
expect 5 "^EXIT=0$" "q did not exit 0"
pass "a failed send is reported and not counted; the sender stays one"
