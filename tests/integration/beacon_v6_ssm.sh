#!/usr/bin/env bash
# IPv6 and SSM. Three beacons on a bridge run three channels at once: an
# IPv6 any-source group (MLD over veth), an IPv4 any-source group, and
# an IPv4 source-specific group joined per peer found on the IPv4 one.
# Every channel's 6 pairs fill with hops 0 (from the hop limit for IPv6),
# the SSM matrix says "ssm":true, and the kernel holds one (S,G) per peer.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
scratch # $dir, and $pids stopped on exit

G6='[ff15::77]:7730' G4=239.77.0.4:7740 S4=232.77.0.4:7741
make_switch
for i in 1 2 3; do add_host h$i 10.77.4.$i fd77:4::$i; done
for i in 1 2 3; do
  ip netns exec h$i "$MCWATCH" beacon --headless --report 1 --name h$i \
    --duration 30 "$G6%eth0" "$G4%eth0" --ssm "$S4%eth0" \
    >"$dir/h$i.out" 2>"$dir/h$i.err" &
  pids+=($!)
done
sleep 3.3
for i in 1 2 3; do
  for g in '[ff15::77]:7730' 239.77.0.4:7740; do
    last=$(jq -c "select(.event == \"matrix\" and .group == \"$g\")" "$dir/h$i.out" | tail -n 1)
    [ "$(jq '[.cells[] | select(.received > 0 and .hops == 0 and .lost == 0)] | length' <<<"$last")" = 6 ] ||
      fail "h$i $g: not 6 pairs with hops 0: $last $(cat "$dir/h$i.err")"
  done
  last=$(last_matrix "$dir/h$i.out" ssm)
  [ "$(jq -r .group <<<"$last")" = 232.77.0.4:7741 ] || fail "h$i: no SSM matrix: $last"
  [ "$(jq '[.cells[] | select(.received > 0 and .lost == 0)] | length' <<<"$last")" = 6 ] ||
    fail "h$i SSM: not 6 pairs: $last"
  # One source-specific membership per peer, none for itself.
  n=$(ip netns exec h$i cat /proc/net/mcfilter | awk '$3 == "0xe84d0004"' | wc -l)
  [ "$n" = 2 ] || fail "h$i: $n (S,G) memberships for 232.77.0.4, expected 2: $(ip netns exec h$i cat /proc/net/mcfilter)"
done
pass "IPv6 (MLD over veth), IPv4 and SSM channels: 6 pairs each at every host, hops 0, one (S,G) per peer"
