#!/usr/bin/env bash
# Beacons on one LAN: five host namespaces on a bridge, each running
# `mcwatch beacon --headless --report 1`. Every cell of the 5 x 5 matrix
# (20 pairs) fills at every host within two report intervals, hops read 0
# and nothing is lost; a beacon that stops is shown as gone at the others
# within 3 intervals (and its row and column say so), and one restarted on
# another address takes its old row and column back.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
scratch # $dir, and $pids stopped on exit

G=239.77.0.1:7700
make_switch
for i in 1 2 3 4 5; do
  add_host h$i 10.77.0.$i fd77::$i
done
for i in 1 2 3 4 5; do
  ip netns exec h$i "$MCWATCH" beacon --headless --report 1 --name h$i \
    --duration 40 "$G%eth0" >"$dir/h$i.out" 2>"$dir/h$i.err" &
  pids+=($!)
done
start=$(date +%s.%N)

# full FILE: true once FILE's last matrix has 20 cells, all received > 0.
full() {
  [ "$(last_matrix "$1" | jq '[.cells[] | select(.received > 0)] | length' 2>/dev/null)" = 20 ]
}
for i in 1 2 3 4 5; do
  for ((t = 0; t < 60; t++)); do full "$dir/h$i.out" && break; sleep 0.1; done
  full "$dir/h$i.out" || { tail -n 2 "$dir/h$i.out" >&2; cat "$dir/h$i.err" >&2; fail "h$i: the matrix did not fill"; }
done
took=$(echo "$(date +%s.%N) - $start" | bc)
# Two report intervals (plus start-up): every host's matrix is full.
awk -v t="$took" 'BEGIN { exit !(t < 3.2) }' || fail "filling took $took s, more than two intervals"
for i in 1 2 3 4 5; do
  last=$(last_matrix "$dir/h$i.out")
  [ "$(jq '[.cells[] | select(.hops == 0 and .lost == 0 and .loss_pct == 0 and .dup == 0)] | length' <<<"$last")" = 20 ] ||
    fail "h$i: hops 0 and no loss expected on a LAN: $last"
  # Its own column is measured here (fresh), the others reported.
  [ "$(jq "[.cells[] | select(.to == \"h$i\" and .age_s < 1.1)] | length" <<<"$last")" = 4 ] ||
    fail "h$i: own column not fresh: $last"
done
pass "5 beacons: 20 pairs at every host within $took s, hops 0, no loss"

# h3 stops: gone at the others within 3 intervals (+1 for the report).
# Bound: 3 intervals unheard, up to 2 for reports that still counted its
# last probes, 1 for the tick.
kill "${pids[2]}"
sleep 3
for i in 1 2 4 5; do
  for ((t = 0; t < 35; t++)); do
    [ "$(last_matrix "$dir/h$i.out" | jq -c ".gone")" = '["h3"]' ] && break
    sleep 0.1
  done
  last=$(last_matrix "$dir/h$i.out")
  [ "$(jq -c '.gone' <<<"$last")" = '["h3"]' ] || fail "h$i: h3 not gone: $last"
done
# Its row is not heard any more: every cell from h3 has aged or emptied,
# within two more report intervals (a loaded machine delays the reports
# that still carried h3's last probes).
fresh='[.cells[] | select(.from == "h3" and .received > 0 and .age_s < 2)] | length == 0'
for ((t = 0; t < 30; t++)); do
  last=$(last_matrix "$dir/h1.out")
  jq -e "$fresh" <<<"$last" >/dev/null && break
  sleep 0.1
done
jq -e "$fresh" <<<"$last" >/dev/null || fail "h1: h3's row still fresh: $last"
pass "a stopped beacon is shown gone at every other host"

# h3 comes back on another address: the same row and column (its id is
# its name's), no longer gone, and still 20 pairs, not a sixth beacon.
# First its row empties at h1, so what fills it again is the new run.
row3() { last_matrix "$dir/h1.out" | jq '[.cells[] | select(.from == "h3") | .received] | add'; }
for ((t = 0; t < 40; t++)); do [ "$(row3)" = 0 ] && break; sleep 0.1; done
[ "$(row3)" = 0 ] || fail "h1: h3's row did not empty: $(last_matrix "$dir/h1.out")"
ip -n h3 addr flush dev eth0
ip -n h3 addr add 10.77.0.33/24 dev eth0
ip netns exec h3 "$MCWATCH" beacon --headless --report 1 --name h3 \
  --duration 20 "$G%eth0" >"$dir/h3b.out" 2>&1 &
pids+=($!)
for ((t = 0; t < 40; t++)); do full "$dir/h1.out" && break; sleep 0.1; done
last=$(last_matrix "$dir/h1.out")
full "$dir/h1.out" || fail "h1: h3 did not come back: $last"
[ "$(jq -c '.gone' <<<"$last")" = '[]' ] || fail "h1: still gone after the restart: $last"
[ "$(jq '.cells | length' <<<"$last")" = 20 ] || fail "h1: not 20 pairs after the restart: $last"
pass "a beacon restarted on another address keeps its row and column"
