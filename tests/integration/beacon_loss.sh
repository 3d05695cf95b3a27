#!/usr/bin/env bash
# Loss with a known truth. Four beacons on a bridge; nft in h2 drops about
# 10 % of h2's outgoing beacon probes at random (numgen random mod 100 < 10)
# and counts them in a named counter. After the rule is removed and two
# more report intervals pass, h2's row reads exactly the counted loss at
# every receiver, in every host's matrix (measured or reported), and every
# other cell reads none. h2 itself says that the kernel refused probes.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
command -v nft >/dev/null || fail "nft is needed (apt-get install nftables)"
scratch # $dir, and $pids stopped on exit

P=7710 G=239.77.0.2
make_switch
for i in 1 2 3 4; do add_host h$i 10.77.1.$i fd77:1::$i; done
for i in 1 2 3 4; do
  ip netns exec h$i "$MCWATCH" beacon --headless --report 1 --rate 50 \
    --name h$i --duration 40 "$G:$P%eth0" >"$dir/h$i.out" 2>"$dir/h$i.err" &
  pids+=($!)
done
# The rule comes once every receiver has heard h2: loss before a
# receiver's first probe of a sender cannot be told from not yet listening.
for ((t = 0; t < 50; t++)); do
  n=0
  for i in 1 2 3 4; do
    [ "$(last_matrix "$dir/h$i.out" | jq '[.cells[] | select(.received > 0)] | length')" = 12 ] && n=$((n + 1))
  done
  [ $n = 4 ] && break
  sleep 0.1
done
[ $n = 4 ] || fail "the beacons did not hear each other"
ip netns exec h2 nft -f - <<EOF2 || fail "nft refused the ruleset"
table inet loss {
  counter dropped { }
  chain out {
    type filter hook output priority 0;
    udp dport $P numgen random mod 100 < 10 counter name "dropped" drop
  }
}
EOF2
sleep 8
ip netns exec h2 nft flush chain inet loss out
dropped=$(ip netns exec h2 nft -j list counter inet loss dropped |
  jq '.nftables[] | select(.counter) | .counter.packets')
[ "${dropped:-0}" -gt 10 ] || fail "nft dropped only ${dropped:-0} probes"
sleep 3.2
for i in 1 2 3 4; do
  last=$(last_matrix "$dir/h$i.out")
  [ "$(jq '.cells | length' <<<"$last")" = 12 ] || fail "h$i: not 12 pairs: $last"
  got=$(jq -c "[.cells[] | select(.from == \"h2\") | .lost] | unique" <<<"$last")
  [ "$got" = "[$dropped]" ] || fail "h$i: h2's row lost $got, nft dropped $dropped: $last"
  jq -e '[.cells[] | select(.from != "h2" and (.lost != 0 or .loss_pct != 0))] | length == 0' \
    <<<"$last" >/dev/null || fail "h$i: loss outside h2's row: $last"
  jq -e '[.cells[] | select(.from == "h2") | .loss_pct - 100 * .lost / (.received + .lost) |
    fabs < 0.006] | all' <<<"$last" >/dev/null || fail "h$i: h2's loss_pct is not lost / sent: $last"
done
[ "$(jq -c 'select(.event == "warning") | .message' "$dir/h2.out" | grep -c 'not sent: Operation not permitted')" = 1 ] ||
  fail "h2 did not say once that probes were refused: $(grep -v matrix "$dir/h2.out" | head -3; cat "$dir/h2.err")"
pct=$(last_matrix "$dir/h1.out" | jq '[.cells[] | select(.from == "h2")][0].loss_pct')
pass "nft dropped $dropped of h2's probes; every host reads exactly $dropped lost ($pct %) at all 3 receivers, 0 elsewhere"
