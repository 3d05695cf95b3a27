#!/bin/bash
# --metrics beside the screen UI: while the screen shows a group, /metrics
# on the same loop reports the datagrams it shows; quitting with q closes
# the listener (the port is free again) and exits 0.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"
command -v curl >/dev/null || fail "curl is needed (apt-get install curl)"
ip link set lo multicast on

G=239.255.15.1:15001
tui_new_server
run m "\"$MCWATCH\" --metrics 127.0.0.1:9465 $G%lo"
expect 5 "$G%lo joined" "group not joined"
send 239.255.15.1 15001 lo 25 --text "tui-%n" --interval-ms 2
sel='{group="239.255.15.1",port="15001",source="",iface="lo"}'
got=
for _ in $(seq 50); do
  got=$(curl -s --max-time 2 http://127.0.0.1:9465/metrics |
    grep "^mcwatch_packets_received_total$sel ")
  [ "$got" = "mcwatch_packets_received_total$sel 25" ] && break
  sleep 0.1
done
[ "$got" = "mcwatch_packets_received_total$sel 25" ] ||
  { dump; fail "metrics beside the screen: '$got'"; }
no_sanitizer_report "sanitizer report"
keys q
expect 5 "EXIT=0" "q did not exit 0"
curl -s --max-time 2 http://127.0.0.1:9465/metrics >/dev/null &&
  fail "still listening after q"
pass "/metrics served beside the screen UI; closed on q"
