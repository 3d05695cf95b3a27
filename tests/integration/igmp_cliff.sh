#!/usr/bin/env bash
# The 260-second cliff, for real and shrunk: a Linux bridge that snoops
# (membership 8 s, another querier believed present for 30 s), a querier
# in host q (a bridge of its own, IGMPv3 and MLDv2 every 3 s), a sender and
# a receiver running mcwatch on an IPv4 and an IPv6 group. Once the
# querier stops, mcwatch must raise no-querier (a query missed: 3 + 1 s)
# before the bridge stops forwarding (8 s after the last report) and the
# silence alarm when it does; the querier back clears both.
#
#   tx 10.77.0.1  ─┐
#   rx 10.77.0.11 ─┤ br0 (sw: snooping, no querier)
#   q  10.77.0.2  ─┘ brq queries
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
scratch # $dir, and $pids stopped on exit

snooping_switch 800 3000
add_host tx 10.77.0.1 fd77::1
add_host rx 10.77.0.11 fd77::11
add_querier q 10.77.0.2 fd77::2 3 2
out=$dir/rx.json
ip netns exec rx "$MCWATCH" --headless --interval 0 --silence 2 \
  239.1.2.3:5000%eth0 '[ff15::1234]:5000%eth0' >"$out" 2>"$dir/rx.err" &
pids+=($!)
ip netns exec tx "$TESTSEND" 239.1.2.3 5000 eth0 4000 --interval-ms 10 >/dev/null &
pids+=($!)
ip netns exec tx "$TESTSEND" ff15::1234 5000 eth0 4000 --interval-ms 10 >/dev/null &
pids+=($!)

# The querier is named with its version and interval (QQIC carried).
sel() { jq -c "select($1)" "$out" 2>/dev/null; }
wait_for_line "$out" 8 '"event":"querier".*"protocol":"mld"' ||
  fail "no MLD querier seen: $(head -c 2000 "$out") $(cat "$dir/rx.err")"
q4=$(sel '.event=="querier" and .protocol=="igmp"' | tail -1)
q6=$(sel '.event=="querier" and .protocol=="mld"' | tail -1)
[ "$(jq -r '"\(.address) \(.version) \(.query_interval_s) \(.query_interval_from) \(.max_resp_s)"' <<<"$q4")" = "10.77.0.2 3 3 carried 1" ] ||
  fail "IGMP querier: $q4"
[ "$(jq -r '"\(.version) \(.query_interval_s) \(.query_interval_from)"' <<<"$q6")" = "2 3 carried" ] ||
  fail "MLD querier: $q6"
[[ $(jq -r .address <<<"$q6") == fe80::* ]] || fail "MLD querier address: $q6"
sleep 3
[ "$(sel '.event=="alarm"' | wc -l)" = 0 ] || fail "alarms with a querier: $(sel '.event=="alarm"')"
[ "$(sel '.event=="datagram"' | wc -l)" -gt 100 ] || fail "no traffic through the switch"

querier q off
for p in igmp mld; do
  wait_for_line "$out" 10 "\"alarm\":\"no-querier\",\"iface\":\"eth0\",\"protocol\":\"$p\"" ||
    fail "no-querier ($p) not raised"
done
wait_for_line "$out" 15 '"state":"raised","alarm":"silence".*ff15' || fail "IPv6 traffic did not stop"
wait_for_line "$out" 5 '"state":"raised","alarm":"silence".*239.1.2.3' || fail "IPv4 traffic did not stop"
ts() { sel "$1" | head -1 | jq -r .ts; }
for p in igmp:239.1.2.3 mld:ff15::1234; do
  proto=${p%%:*} g=${p#*:}
  lastq=$(sel ".event==\"igmp\" and .type==\"query\" and .protocol==\"$proto\"" | tail -1 | jq -r .ts)
  nq=$(ts ".event==\"alarm\" and .alarm==\"no-querier\" and .protocol==\"$proto\"")
  sil=$(ts ".event==\"alarm\" and .alarm==\"silence\" and .state==\"raised\" and .group==\"$g\"")
  why=$(sel ".alarm==\"no-querier\" and .protocol==\"$proto\"" | head -1 | jq -r .why)
  [[ $why == *"switches that snoop will stop forwarding this group in about"* ]] ||
    fail "no-querier words: $why"
  awk -v a="$nq" -v b="$sil" 'BEGIN { exit !(a < b - 2) }' ||
    fail "$proto: no-querier at $nq is not before the silence at $sil"
  last=$(sel ".event==\"datagram\" and .group==\"$g\"" | tail -1 | jq -r .ts)
  echo "$proto: after the last query: no-querier $(awk -v a="$nq" -v q="$lastq" 'BEGIN{printf "%.1f", a-q}') s," \
    "traffic stopped $(awk -v a="$last" -v q="$lastq" 'BEGIN{printf "%.1f", a-q}') s," \
    "silence alarm $(awk -v a="$sil" -v q="$lastq" 'BEGIN{printf "%.1f", a-q}') s"
done

querier q on
for a in '"alarm":"no-querier".*"protocol":"igmp"' '"alarm":"no-querier".*"protocol":"mld"' \
  '"alarm":"silence".*239.1.2.3' '"alarm":"silence".*ff15'; do
  wait_for_line "$out" 10 "\"state\":\"cleared\",$a" || fail "not cleared: $a"
done
pass "no-querier raised before the switch stopped forwarding, silence when it did, both cleared by the querier (IGMPv3 and MLDv2)"
