#!/usr/bin/env bash
# The screen tells when an interface goes away and comes back: a group on
# a veth (inside this test's private namespace) shows "waiting" and the
# status line says why; when the link is up again it is rejoined and new
# traffic is counted.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
. "$(dirname "$0")/tui_lib.sh"

# The sender is another host: a datagram from one of our own addresses
# would be dropped as a martian on the way in.
ip netns add peer
ip link add mcwa type veth peer name mcwb netns peer
ip addr add 10.79.0.1/24 dev mcwa
ip -n peer addr add 10.79.0.2/24 dev mcwb
ip link set mcwa up
ip -n peer link set mcwb up

start mcw 100x30 "\"$MCWATCH\" 239.79.0.1:7100%mcwa"
expect 5 'iface mcwa .*joined' "group not joined"
ip netns exec peer "$TESTSEND" 239.79.0.1 7100 mcwb 4 --text "before-%n" || fail send
expect 5 'total 4 pkts' "4 datagrams not counted"

ip link set mcwa down
expect 5 'waiting for mcwa to come back' "pane does not say it waits"
expect 5 'mcwa is down; 1 group waiting' "status line does not say mcwa is down"

ip link set mcwa up
expect 5 'rejoined 239\.79\.0\.1:7100%mcwa' "no rejoin in the status line"
expect 5 'iface mcwa .*joined' "state not back to joined"
ip netns exec peer "$TESTSEND" 239.79.0.1 7100 mcwb 3 --text "after-%n" || fail send
expect 5 'total 7 pkts' "traffic after the rejoin not counted"
expect 5 'after-3' "new datagram not listed"
keys q
pass "interface down shows waiting and why; up rejoins; counting resumes (7 of 7)"
