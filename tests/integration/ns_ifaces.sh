#!/usr/bin/env bash
# Interfaces in real life: one group watched on two interfaces at once
# (counted apart, also through %*), and a receiver whose interface goes
# down, comes back, and is deleted and re-created with a new index while
# mcwatch runs: it says so, and counting resumes without a restart.
#
#   s1 ── x1 ═══ m1 ──┐
#                     rm (two interfaces)
#   s2 ── x2 ═══ m2 ──┘
#   s1 eth0 ─ br0 ─ ra eth0
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

for h in s1 s2 rm; do ip netns add $h; ip -n $h link set lo up; done
ip link add x1 netns s1 type veth peer name m1 netns rm
ip link add x2 netns s2 type veth peer name m2 netns rm
ip -n s1 addr add 10.78.1.1/24 dev x1
ip -n rm addr add 10.78.1.9/24 dev m1
ip -n s2 addr add 10.78.2.2/24 dev x2
ip -n rm addr add 10.78.2.9/24 dev m2
for l in "s1 x1" "s2 x2" "rm m1" "rm m2"; do set -- $l; ip -n $1 link set $2 up; done

# run_rx HOST OUT ENDPOINT...: start mcwatch, wait for its joins.
run_rx() {
  local host=$1 out=$2 want
  shift 2
  ip netns exec "$host" "$MCWATCH" --headless --interval 0 "$@" >"$out" 2>"$out.err" &
  pid=$!
  want=${WANT_JOINS:-$#}
  for _ in $(seq 100); do
    [ "$(grep -c '"event":"join"' "$out")" -ge "$want" ] && return 0
    sleep 0.05
  done
  fail "joins not done: $(cat "$out" "$out.err")"
}

stop_rx() {
  sleep 0.4
  kill -INT "$pid"
  wait "$pid" || fail "mcwatch exited non-zero"
  pid=
}

# 1. The same group on two interfaces: two panes, counted apart.
run_rx rm "$dir/two" 239.78.0.1:7000%m1 239.78.0.1:7000%m2
ip netns exec s1 "$TESTSEND" 239.78.0.1 7000 x1 12 --text "via-m1-%n" || fail send
ip netns exec s2 "$TESTSEND" 239.78.0.1 7000 x2 8 --text "via-m2-%n" || fail send
stop_rx
sum=$(tail -n 1 "$dir/two")
[ "$(jq -c '[.groups[] | {iface, packets}]' <<<"$sum")" = \
  '[{"iface":"m1","packets":12},{"iface":"m2","packets":8}]' ] ||
  fail "per-interface counts wrong: $sum"
[ "$(count_json "$dir/two" '.event=="datagram" and .iface=="m1" and .arrival_iface=="m1" and (.text|startswith("via-m1"))')" = 12 ] ||
  fail "m1 pane got traffic of m2"

# 2. %* joins on every interface that is up with MULTICAST (m1, m2; not lo).
WANT_JOINS=2 run_rx rm "$dir/star" '239.78.0.2:7000%*'
[ "$(jq -r 'select(.event=="join") | .iface' "$dir/star" | sort | tr '\n' ' ')" = "m1 m2 " ] ||
  fail "%* joined: $(jq -r 'select(.event=="join") | .iface' "$dir/star")"
ip netns exec s1 "$TESTSEND" 239.78.0.2 7000 x1 3 || fail send
ip netns exec s2 "$TESTSEND" 239.78.0.2 7000 x2 4 || fail send
stop_rx
[ "$(tail -n 1 "$dir/star" | jq -c '[.groups[].packets]')" = "[3,4]" ] ||
  fail "%* counts: $(tail -n 1 "$dir/star")"

# 3. Down, up, deleted, re-created: reported, and counting resumes.
make_switch
add_host s3 10.77.0.1 fd77::1
add_host ra 10.77.0.11 fd77::11
out="$dir/changes"
run_rx ra "$out" 239.77.9.9:7001%eth0
burst() { ip netns exec s3 "$TESTSEND" 239.77.9.9 7001 eth0 10 --interval-ms 1 || fail send; }
got() { count_json "$out" '.event=="datagram"'; }
wait_count() {
  for _ in $(seq 60); do [ "$(got)" -ge "$1" ] && return 0; sleep 0.05; done
  fail "wanted $1 datagrams, have $(got): $2"
}
burst
wait_count 10 "before any change"
old_index=$(jq -r 'select(.event=="join") | .ifindex' "$out" | head -n 1)

ip -n ra link set eth0 down
wait_for_line "$out" 5 '"event":"iface".*"change":"down"' || fail "no down event: $(tail -n 3 "$out")"
burst # nothing can arrive while eth0 is down
ip -n ra link set eth0 up
ip -n ra addr add fd77::11/64 dev eth0 nodad 2>/dev/null # v6 address goes with down
wait_for_line "$out" 5 '"event":"iface".*"change":"up"' || fail "no up event"
wait_for_line "$out" 5 '"message":"rejoined' || fail "no rejoin"
burst
wait_count 20 "after down and up"

ip -n sw link del p-ra # deletes the veth pair: ra's eth0 is gone
wait_for_line "$out" 5 '"change":"gone"' || fail "no gone event: $(tail -n 3 "$out")"
plug_host ra 10.77.0.11 fd77::11
wait_for_line "$out" 5 '"message":"rejoined.*index' || fail "no rejoin after re-creation"
new_index=$(jq -r 'select(.event=="iface" and .change=="up") | .ifindex' "$out" | tail -n 1)
[ "$new_index" != "$old_index" ] || fail "re-created eth0 kept index $old_index?"
sleep 0.2
burst
wait_count 30 "after deletion and re-creation"
stop_rx
[ "$(got)" = 30 ] || fail "$(got) datagrams, wanted 30"
sum=$(tail -n 1 "$out")
[ "$(jq -r '.groups[0].packets' <<<"$sum")" = 30 ] || fail "summary: $sum"
[ "$(jq -r '.groups[0].iface' <<<"$sum")" = eth0 ] || fail "summary iface: $sum"
pass "two interfaces counted apart; %*; down/up and delete/re-create (index $old_index -> $new_index) rejoined, 30 of 30 counted"
