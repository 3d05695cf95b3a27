#!/usr/bin/env bash
# The doctor's querier check on a snooping Linux bridge: with nobody
# querying it warns and names the fix (mcast_querier, igmpproxy, pimd);
# with the bridge querying as IGMPv2 it fails a source-specific group
# (listening, and again from the version the kernel recorded, without
# listening); as IGMPv3 and MLDv2 it names the querier and its timers.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

make_switch
ip -n sw addr add 10.77.0.1/24 dev br0
ip -n sw addr add fd77::1/64 dev br0 nodad
ip -n sw link set br0 type bridge mcast_snooping 1 mcast_query_use_ifaddr 1 \
  mcast_query_interval 200 mcast_query_response_interval 100 \
  mcast_startup_query_interval 100
add_host rx 10.77.0.11 fd77::11
doctor() { ip netns exec rx "$MCWATCH" doctor --no-join "$@" >"$dir/out" 2>&1; echo $? >"$dir/rc"; }
line() { grep -E '^ *[A-Z]+ +querier' "$dir/out"; }

doctor --listen 1.5 239.1.2.3:5000%eth0
line | grep -q 'WARN.*no IGMP query heard on eth0 in 2 s: a switch that snoops IGMP stops forwarding the group about 260 s after the join' ||
  fail "no querier: $(cat "$dir/out")"
grep -q 'fix: .*mcast_querier 1.*igmpproxy, pimd' "$dir/out" || fail "no fix: $(cat "$dir/out")"
[ "$(cat "$dir/rc")" = 0 ] || fail "a warning failed the doctor"

ip -n sw link set br0 type bridge mcast_querier 1 mcast_igmp_version 2
doctor --listen 4 232.1.1.1:5000@10.77.0.5%eth0
line | grep -q 'FAIL.*querier 10.77.0.1 speaks IGMPv2 on eth0: source-specific joins are reported without their source' ||
  fail "v2 with SSM: $(cat "$dir/out")"
grep -q 'fix: .*mcast_igmp_version 3' "$dir/out" || fail "no v3 fix: $(cat "$dir/out")"
[ "$(cat "$dir/rc")" = 1 ] || fail "a failed check exits $(cat "$dir/rc")"
doctor 232.1.1.1:5000@10.77.0.5%eth0
line | grep -q 'FAIL.*the kernel heard an IGMPv2 querier on eth0' ||
  fail "kernel's version not read: $(cat "$dir/out")"

ip -n sw link set br0 type bridge mcast_igmp_version 3 mcast_mld_version 2
doctor --listen 4 232.1.1.1:5000@10.77.0.5%eth0
line | grep -q 'OK.*querier 10.77.0.1 (IGMPv3) on eth0: queries every 2 s (as it says), robustness 2, max response 1.0 s; memberships last 5 s' ||
  fail "v3: $(cat "$dir/out")"
doctor --listen 4 '[ff15::1]:5000%eth0'
line | grep -Eq 'OK.*querier fe80::[0-9a-f:]+ \(MLDv2\) on eth0: queries every 2 s' ||
  fail "MLDv2: $(cat "$dir/out")"
doctor 239.1.2.3:5000%nosuch
line | grep -q 'SKIP.*the interface does not exist' || fail "missing interface: $(cat "$dir/out")"
pass "no querier warned with the fix; IGMPv2 fails SSM (listening and from /proc); IGMPv3 and MLDv2 named with their timers"
