#!/usr/bin/env bash
# The bridge's own querier, seen from a host: a Linux bridge that snoops
# and queries (mcast_querier 1, from its address 10.77.0.1, every 3 s)
# first as IGMPv2 then as IGMPv3 (mcast_igmp_version). mcwatch names it
# with its version and interval (measured for v2, carried by QQIC for v3),
# raises old-version while a source-specific group is joined under the v2
# querier and clears it under v3, raises change when the version changes,
# and shows another host's v3 reports and leave of the watched group.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
scratch # $dir, and $pids stopped on exit

make_switch
ip -n sw addr add 10.77.0.1/24 dev br0
ip -n sw link set br0 type bridge mcast_snooping 1 mcast_querier 1 \
  mcast_query_use_ifaddr 1 mcast_query_interval 300 \
  mcast_query_response_interval 100 mcast_startup_query_interval 300 \
  mcast_igmp_version 2
add_host rx 10.77.0.11 fd77::11
add_host other 10.77.0.12 fd77::12
out=$dir/rx.json
ip netns exec rx "$MCWATCH" --headless --interval 0 --metrics 127.0.0.1:9477 239.1.2.3:5000%eth0 \
  232.1.1.1:5000@10.77.0.5%eth0 >"$out" 2>"$dir/rx.err" &
pids+=($!)
sel() { jq -c "select($1)" "$out" 2>/dev/null; }

# v2: the interval is measured between two general queries.
wait_for_line "$out" 12 '"event":"querier".*"query_interval_from":"measured"' ||
  fail "no measured IGMPv2 querier: $(grep querier "$out") $(cat "$dir/rx.err")"
q=$(sel '.event=="querier" and .query_interval_from=="measured"' | tail -1)
jq -e '.address=="10.77.0.1" and .version==2 and (.query_interval_s-3|fabs) < 0.3' \
  <<<"$q" >/dev/null || fail "IGMPv2 querier: $q"
wait_for_line "$out" 3 '"state":"raised","alarm":"old-version"' || fail "no old-version alarm"
why=$(sel '.alarm=="old-version"' | head -1 | jq -r .why)
[[ $why == "10.77.0.1 IGMPv2 querier while source-specific groups are joined"* ]] ||
  fail "old-version words: $why"

# v3: carried interval, old-version cleared, change raised.
ip -n sw link set br0 type bridge mcast_igmp_version 3
wait_for_line "$out" 8 '"event":"querier".*"version":3' || fail "no IGMPv3 querier"
q=$(sel '.event=="querier" and .version==3' | tail -1)
jq -e '.address=="10.77.0.1" and .query_interval_s==3 and .query_interval_from=="carried" and .robustness==2 and .max_resp_s==1 and .membership_interval_s==7' \
  <<<"$q" >/dev/null || fail "IGMPv3 querier: $q"
wait_for_line "$out" 3 '"state":"cleared","alarm":"old-version"' || fail "old-version not cleared"
wait_for_line "$out" 3 '"state":"raised","alarm":"change"' || fail "no change alarm"
[ "$(sel '.alarm=="change"' | head -1 | jq -r .why)" = "querier changed: 10.77.0.1 IGMPv2 -> 10.77.0.1 IGMPv3" ] ||
  fail "change words: $(sel '.alarm=="change"')"

# Another host joins and leaves the group: its reports and leave reach rx,
# its own are not written. It answers in IGMPv2 still: a host stays in
# v2 compatibility for the older-version-querier-present interval after
# the last v2 query (RFC 3376 8.12), so either version counts here.
# Member for 8 s: at least two general queries (every 3 s) ask it to
# report, besides its unsolicited reports, on a loaded machine too.
ip netns exec other "$TESTRECV" 239.1.2.3 5000 eth0 --seconds 8 >/dev/null
left='.event=="igmp" and .from=="10.77.0.12" and ((.type=="leave" and .group=="239.1.2.3") or any(.records[]?; .group=="239.1.2.3" and .mode=="to_include"))'
for _ in $(seq 60); do [ "$(sel "$left" | wc -l)" -ge 1 ] && break; sleep 0.1; done
[ "$(sel "$left" | wc -l)" -ge 1 ] || fail "other host's leave not seen: $(grep '"igmp"' "$out" | tail -5)"
n=$(sel '.event=="igmp" and .type=="report" and .from=="10.77.0.12" and (.group=="239.1.2.3" or any(.records[]?; .group=="239.1.2.3" and (.mode=="to_exclude" or .mode=="is_exclude")))' | wc -l)
[ "$n" -ge 1 ] || fail "other host's join not seen"
[ "$(sel '.event=="igmp" and .from=="10.77.0.11"' | wc -l)" = 0 ] || fail "own reports written"
# The same figures as Prometheus series, which promtool accepts.
ip netns exec rx curl -s --max-time 5 http://127.0.0.1:9477/metrics >"$dir/metrics" ||
  fail "no /metrics"
grep -q '^mcwatch_igmp_querier_info{iface="eth0",protocol="igmp",address="10.77.0.1",version="3"} 1$' "$dir/metrics" ||
  fail "querier_info: $(grep mcwatch_igmp "$dir/metrics")"
grep -q '^mcwatch_igmp_query_interval_seconds{iface="eth0",protocol="igmp"} 3$' "$dir/metrics" ||
  fail "query interval: $(grep mcwatch_igmp "$dir/metrics")"
if command -v promtool >/dev/null; then
  promtool check metrics <"$dir/metrics" >"$dir/lint" 2>&1 || fail "promtool: $(cat "$dir/lint")"
fi
pass "bridge querier named as IGMPv2 (measured 3 s) then IGMPv3 (QQIC 3 s); old-version and change; $n reports of another host"
