#!/bin/bash
# Rejoining keeps a group's place, number and figures (issue 13's review):
# the interface picker rejoins the first of three groups on a fresh socket
# and it stays number 1 with its datagram count, the others keep their
# numbers; a group that was left is joined again by typing its endpoint at
# the join prompt, in place, with its figures, and receives again.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"

# The keys under test, in one place for a rebinding.
KEY_JOIN=a KEY_LEAVE=x KEY_IFACE=i

G1=239.255.13.1:13001 G2=239.255.13.2:13002 G3=239.255.13.3:13003
start rj 120x40 "\"$MCWATCH\" $G1%lo $G2%lo $G3%lo"
expect 5 "joined $G3%lo" "three groups not joined"
keys Enter # from the overview to the first group's pane
expect 5 "3 $G3%lo joined" "panes not opened"
send "${G1%:*}" "${G1#*:}" lo 5 --text "before %n"
expect 3 "total 5 pkts" "the first group did not count 5 datagrams"

# 1. The interface picker, Enter on the same interface: a fresh socket.
keys "$KEY_IFACE"
expect 2 "Rejoin $G1%lo on" "the picker did not open for the first group"
keys Enter
expect 3 "rejoined $G1%lo" "the picker did not rejoin"
expect 2 "1 $G1%lo joined" "the rejoined group is no longer number 1"
expect 1 "2 $G2%lo joined" "the second group was renumbered"
expect 1 "3 $G3%lo joined" "the third group was renumbered"
expect 1 "> ${G1%:*}:${G1#*:} " "the rejoined group is not selected"
expect 1 "total 5 pkts" "the rejoin lost the group's figures"
send "${G1%:*}" "${G1#*:}" lo 2 --text "after %n"
expect 3 "total 7 pkts" "nothing counted on the new socket after the rejoin"
pass "the picker rejoins in place, figures kept"

# 2. Leave, then join the same endpoint again at the join prompt.
keys "$KEY_LEAVE"
expect 2 "1 $G1%lo left" "the first group was not left"
keys "$KEY_JOIN"
typed "$G1%lo"
keys Enter
expect 3 "1 $G1%lo joined" "a left group was not rejoined in place by the join key"
expect_not "4 $G1%lo" "the rejoined group was listed a second time"
expect 1 "total 7 pkts" "joining a left group again lost its figures"
send "${G1%:*}" "${G1#*:}" lo 3 --text "again %n"
expect 3 "total 10 pkts" "the group joined again does not receive"
keys q
expect 5 "^EXIT=0$" "q did not exit 0"
pass "a left group is joined again in place by the join key"
