#!/usr/bin/env bash
# --write with several busy groups: each group's socket is drained in
# turn, so records reach the capture sink out of time order; the file must
# still be in strict time order (capinfos), with every datagram in it and
# none counted late. Eight groups, eight senders at once, 24,000 datagrams.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v capinfos >/dev/null || fail "capinfos is needed (apt-get install wireshark-common)"
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
ip link set lo multicast on

groups=(239.255.72.{1..8})
eps=()
for g in "${groups[@]}"; do eps+=("$g:5720%lo"); done
"$MCWATCH" --headless --stats-only --interval 0 -w "$dir/order.pcap" "${eps[@]}" \
  >"$dir/out.json" 2>"$dir/err" &
pid=$!
for ((i = 0; i < 100; i++)); do
  [ "$(grep -c '"event":"join"' "$dir/out.json" 2>/dev/null)" = 8 ] && break
  sleep 0.05
done
[ "$(grep -c '"event":"join"' "$dir/out.json")" = 8 ] || fail "joins: $(cat "$dir/out.json" "$dir/err")"
senders=()
for n in {1..8}; do
  "$TESTSEND" "${groups[$((n - 1))]}" 5720 lo 3000 --size 200 --sport $((4720 + n)) >/dev/null &
  senders+=($!)
done
for s in "${senders[@]}"; do wait "$s" || fail "a sender failed"; done
sleep 0.5
kill -INT "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "mcwatch exited $rc: $(cat "$dir/err")"
sum=$(jq -c 'select(.event=="summary")' "$dir/out.json")
[ -n "$sum" ] || fail "no summary"
got=$(jq -r '.datagrams' <<<"$sum")
written=$(jq -r '.capture.packets' <<<"$sum")
late=$(jq -r '.capture.late' <<<"$sum")
drops=$(jq -r '[.groups[].kernel_drops] | add' <<<"$sum")
[ "$got" -ge 10000 ] || fail "only $got datagrams received (kernel drops $drops): not busy enough"
[ "$written" = "$got" ] || fail "capture: $written packets written of $got received"
info=$(capinfos -M -c -o "$dir/order.pcap" 2>&1) || fail "capinfos: $info"
grep -q "Number of packets: *$got$" <<<"$info" || fail "capinfos count: $info"
grep -q "Strict time order: *True" <<<"$info" || fail "not in time order: $info"
[ "$late" = 0 ] || fail "capture: $late records late"
pass "8 busy groups, $got datagrams (kernel drops $drops): strict time order," \
  "none late, reordering of up to $(jq -r '.capture.reorder_max_ms' <<<"$sum") ms absorbed"
