#!/usr/bin/env bash
# A routed hop. Two beacons (h1, h2) on a bridge, a router namespace (rt)
# between the bridge and a sixth host (h6), forwarding the beacon group
# both ways with smcroute (static (*,G) routes). With --ttl 1 nothing
# crosses the router: the near side's matrix never names h6 and h6's
# names nobody. With --ttl 8 every pair fills, and hops read 1 across the
# router and 0 on the bridge.
#
#   h1 10.77.2.1 ─┐
#                 br0 ── rt eth0 10.77.2.254 | rt eth1 10.77.3.254 ── h6 10.77.3.6
#   h2 10.77.2.2 ─┘
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
command -v smcrouted >/dev/null || fail "smcroute is needed (apt-get install smcroute)"
scratch # $dir, and $pids stopped on exit

G=239.77.0.3 P=7720
make_switch
add_host h1 10.77.2.1 fd77:2::1
add_host h2 10.77.2.2 fd77:2::2
add_host rt 10.77.2.254 fd77:2::fe
ip netns add h6
ip -n h6 link set lo up
ip link add eth0 netns h6 type veth peer name eth1 netns rt
ip -n h6 addr add 10.77.3.6/24 dev eth0
ip -n rt addr add 10.77.3.254/24 dev eth1
ip -n h6 link set eth0 up
ip -n rt link set eth1 up
for h in h1 h2; do ip -n $h route add default via 10.77.2.254; done
ip -n h6 route add default via 10.77.3.254
ip netns exec rt sysctl -qw net.ipv4.ip_forward=1
cat >"$dir/smcroute.conf" <<EOF2
mroute from eth0 group $G to eth1
mroute from eth1 group $G to eth0
EOF2
ip netns exec rt smcrouted -n -l err -f "$dir/smcroute.conf" -u "$dir/smc.sock" \
  -P "$dir/smc.pid" >"$dir/smc.log" 2>&1 &
pids+=($!)
sleep 0.5
kill -0 "${pids[0]}" 2>/dev/null || fail "smcrouted did not start: $(cat "$dir/smc.log")"

# run TTL SECONDS: the three beacons with --ttl TTL for SECONDS.
run() {
  local bp=()
  for h in h1 h2 h6; do
    ip netns exec $h "$MCWATCH" beacon --headless --report 1 --ttl "$1" \
      --name $h --duration "$2" "$G:$P%eth0" >"$dir/$h.$1" 2>"$dir/$h.$1.err" &
    bp+=($!)
  done
  wait "${bp[@]}"
}

run 1 3.5
for h in h1 h2; do
  last=$(last_matrix "$dir/$h.1")
  [ -n "$last" ] || fail "$h: no matrix with --ttl 1: $(cat "$dir/$h.1.err")"
  jq -e '[.cells[] | select(.from == "h6" or .to == "h6")] | length == 0' <<<"$last" >/dev/null ||
    fail "$h: h6 crossed the router with --ttl 1: $last"
  jq -e '[.cells[] | select(.received > 0)] | length == 2' <<<"$last" >/dev/null ||
    fail "$h: h1 and h2 should hear each other: $last"
done
last=$(last_matrix "$dir/h6.1")
jq -e '.cells == []' <<<"$last" >/dev/null || fail "h6: heard someone with --ttl 1: $last"
pass "--ttl 1: nothing crosses the router; h6 hears nobody and nobody hears h6"

run 8 3.5
for h in h1 h2 h6; do
  last=$(last_matrix "$dir/$h.8")
  [ "$(jq '[.cells[] | select(.received > 0)] | length' <<<"$last")" = 6 ] ||
    fail "$h: not all 6 pairs with --ttl 8: $last"
  jq -e '[.cells[] | select((.from == "h6") != (.to == "h6")) | .hops == 1] | all and length == 4' \
    <<<"$last" >/dev/null || fail "$h: hops across the router are not 1: $last"
  jq -e '[.cells[] | select(.from != "h6" and .to != "h6") | .hops == 0] | all' \
    <<<"$last" >/dev/null || fail "$h: hops on the bridge are not 0: $last"
done
pass "--ttl 8: all 6 pairs fill through smcroute; hops 1 across the router, 0 on the bridge"
