#!/bin/bash
# Keys that destroy state ask first (issue 13's review): clearing a group's
# counters and removing a left group each ask a y/N question; any key but y
# keeps everything and says so; y does it.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"

KEY_LEAVE=x KEY_CLEAR=c

G1=239.255.13.11:13011 G2=239.255.13.12:13012
start cf 120x40 "\"$MCWATCH\" $G1%lo $G2%lo"
expect 5 "joined $G2%lo" "groups not joined"
keys Enter # from the overview to the first group's pane
expect 5 "2 $G2%lo joined" "panes not opened"
send "${G1%:*}" "${G1#*:}" lo 4 --text "keep %n"
expect 3 "total 4 pkts" "the first group did not count 4 datagrams"

# 1. Clear: asked; n keeps the counters, y clears them.
keys "$KEY_CLEAR"
expect 2 "clear the counters, lists and senders of $G1%lo\? \(y/N\)" \
  "clear did not ask first"
expect 1 "total 4 pkts" "clear acted before the answer"
keys n
expect 2 "not cleared" "a no to clear was not reported"
expect 1 "total 4 pkts" "a no to clear cleared anyway"
keys "$KEY_CLEAR"
expect 2 "\(y/N\)" "clear did not ask the second time"
keys y
expect 2 "cleared counters of $G1%lo" "a yes did not clear"
expect 1 "total 0 pkts" "the counters were not cleared"
pass "clear asks, n keeps, y clears"

# 2. Remove a left group: asked; Escape keeps it, y removes it.
send "${G1%:*}" "${G1#*:}" lo 2 --text "again %n"
expect 3 "total 2 pkts" "no datagrams after the clear"
keys "$KEY_LEAVE"
expect 2 "1 $G1%lo left" "the group was not left"
keys "$KEY_LEAVE"
expect 2 "remove $G1%lo and its figures\? \(y/N\)" "remove did not ask first"
expect 1 "1 $G1%lo left" "remove acted before the answer"
keys Escape
expect 2 "not removed" "a no to remove was not reported"
expect 1 "1 $G1%lo left" "an Escape removed the group anyway"
expect 1 "total 2 pkts" "an Escape lost the group's figures"
keys "$KEY_LEAVE"
expect 2 "\(y/N\)" "remove did not ask the second time"
keys y
expect 2 "removed $G1%lo" "a yes did not remove"
expect 1 "1 $G2%lo joined" "the other group did not take the first place"
keys q
expect 5 "^EXIT=0$" "q did not exit 0"
pass "remove asks, Escape keeps, y removes"
