#!/usr/bin/env bash
# The screen shows the control plane: a Linux bridge that snoops and
# queries (IGMPv3, every 3 s, from 10.77.0.1); the group's pane header
# names the querier and counts another host that joined the group; the
# IGMP/MLD page (g) shows the querier's timers and the other host's
# report; when the querier stops, the header says NO QUERIER and the
# status line carries the alarm.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
. "$(dirname "$0")/tui_lib.sh"
pids=()
at_exit 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done'

make_switch
ip -n sw addr add 10.77.0.1/24 dev br0
ip -n sw link set br0 type bridge mcast_snooping 1 mcast_querier 1 \
  mcast_query_use_ifaddr 1 mcast_query_interval 300 \
  mcast_query_response_interval 100 mcast_startup_query_interval 300 \
  mcast_igmp_version 3
add_host rx 10.77.0.11 fd77::11
add_host other 10.77.0.12 fd77::12
ip netns exec other "$TESTRECV" 239.1.2.3 5000 eth0 --seconds 40 >/dev/null &
pids+=($!)

start mcw 140x30 "ip netns exec rx \"$MCWATCH\" 239.1.2.3:5000%eth0"
expect 10 'querier 10\.77\.0\.1 IGMPv3 3s, [0-9]+s ago; 1 other host' \
  "pane header without the querier and the other host"
keys g
expect 3 'IGMP/MLD: queriers and reports' "no IGMP/MLD page"
expect 3 'querier 10\.77\.0\.1 IGMPv3  query interval 3\.0s \(carried\)  robustness 2  max resp 1\.0s' \
  "page without the querier's timers"
expect 3 '239\.1\.2\.3 +10\.77\.0\.12 +IGMPv3 +is_exclude' "page without the other host's report"
keys Escape
expect 3 'iface eth0 \(2\)' "page did not close"
ip -n sw link set br0 type bridge mcast_querier 0
expect 10 'NO QUERIER [0-9]+s: snooping stops in ~[0-9]+s' "header without NO QUERIER"
expect 3 'ALARM eth0 IGMP: no querier: no general query for' "status line without the alarm"
keys q
pass "querier and another host in the pane header, timers and reports on the g page, NO QUERIER when it stops"
