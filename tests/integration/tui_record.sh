#!/bin/bash
# The screen UI's doctor and recording keys, through tmux in a private
# network namespace: d shows the doctor page for the selected group (lo
# lacks MULTICAST and there is no route: both named with their fixes); w
# asks for a file name, records what arrives, w again stops and says how
# many; the file reads back with tcpdump; --write records from the start
# and q closes the file complete.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v tcpdump >/dev/null || fail "tcpdump is needed (apt-get install tcpdump)"

. "$(dirname "$0")/tui_lib.sh"

G=239.255.9.1 P=7901
count() { tcpdump -r "$1" -nn 2>/dev/null | grep -c "\.$2 > $G\.$P: UDP"; }

start mcw 120x32 "\"$MCWATCH\" $G:$P%lo"
expect 5 "> $G:$P .*joined" "group not joined"

# 1. The doctor page.
keys d
expect 5 "mcwatch doctor $G:$P%lo" "doctor page not shown"
expect 2 "WARN  interface   lo \(index 1\) is up but lacks the MULTICAST flag" "MULTICAST not named"
expect 2 "fix: ip link set dev lo multicast on" "MULTICAST fix missing"
expect 2 "WARN  route       no route for $G" "missing route not named"
expect 2 "fix: ip route add 224.0.0.0/4 dev lo" "route fix missing"
expect 2 "doctor: 0 failures, 2 warnings" "status line summary missing"
keys Escape
expect 2 "> $G:$P .*joined" "doctor page did not close"
pass "d: doctor page names the faults and their fixes"

# 2. w: record to a named file, stop with w.
keys w
expect 3 "record to pcap file: mcwatch-[0-9]{8}-[0-9]{6}\.pcap" "no prompt with a default name"
keys C-u
typed "$TMP/keys.pcap"
keys Enter
expect 3 "recording every group to .*keys\.pcap" "recording not started"
expect 2 " mcwatch  REC" "REC marker missing"
send $G $P lo 12 --text "recorded-%n" --sport 41001 --source 127.0.0.1
expect 3 "recorded-12" "datagrams not shown"
keys w
expect 3 "recording stopped: 12 datagrams in .*keys\.pcap" "stop not reported"
send $G $P lo 3 --text "after-%n" --sport 41002 --source 127.0.0.1
sleep 0.3
[ "$(count "$TMP/keys.pcap" 41001)" = 12 ] || fail "keys.pcap: want 12 datagrams"
[ "$(count "$TMP/keys.pcap" 41002)" = 0 ] || fail "keys.pcap recorded after stop"
tcpdump -r "$TMP/keys.pcap" -nn -A 2>/dev/null | grep -q "recorded-12" || fail "payload missing"
pass "w: records 12 datagrams, stops, file reads back"
keys q
expect 3 "EXIT=0" "q did not exit 0"
tui_new_server
# 3. --write from the start, closed complete by q.
start mcw 120x32 "\"$MCWATCH\" --write $TMP/start.pcap $G:$P%lo"
expect 5 "> $G:$P .*joined" "group not joined (--write)"
expect 2 " mcwatch  REC" "REC marker missing (--write)"
send $G $P lo 7 --text "start-%n" --sport 41003 --source 127.0.0.1
expect 3 "start-7" "datagrams not shown (--write)"
keys q
expect 3 "EXIT=0" "q did not exit 0 (--write)"
expect 2 "recorded 7 datagrams in .*start\.pcap" "no recorded line after exit"
[ "$(count "$TMP/start.pcap" 41003)" = 7 ] || fail "start.pcap: want 7 datagrams"
pass "--write: 7 datagrams, file complete after q"
