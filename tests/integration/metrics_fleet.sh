#!/usr/bin/env bash
# A fleet: three receiver hosts on one bridge, each running mcwatch with
# --metrics on its own address, one Prometheus (in the switch's namespace,
# on the bridge) scraping all three over the veths, and receiver r3 cut off
# from multicast (its bridge port does not flood multicast; unicast, and so
# the scrape, still passes). A PromQL query names r3 as the receiver that
# does not get the group, and the two others report every probe sent.
#
#   s1 10.78.0.1  ─┐
#   r1 10.78.0.11 ─┤
#   r2 10.78.0.12 ─┤ br0 10.78.0.254 (namespace sw, Prometheus)
#   r3 10.78.0.13 ─┘ (mcast_flood off)
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
for tool in curl jq prometheus; do
  command -v $tool >/dev/null ||
    fail "$tool is needed (apt-get install curl jq prometheus)"
done
scratch # $dir, and $pids stopped on exit

make_switch
ip -n sw addr add 10.78.0.254/24 dev br0
add_host s1 10.78.0.1 fd78::1
for i in 1 2 3; do
  add_host r$i 10.78.0.1$i fd78::1$i
done
ip -n sw link set p-r3 type bridge_slave mcast_flood off ||
  fail "cannot turn multicast flooding off on a bridge port"

for i in 1 2 3; do
  ip netns exec r$i "$MCWATCH" --headless --stats-only --interval 0 \
    --metrics 10.78.0.1$i:9464 239.78.1.1:6000%eth0 \
    >"$dir/r$i" 2>"$dir/r$i.err" &
  pids+=($!)
done
for i in 1 2 3; do
  wait_for_line "$dir/r$i" 5 '"event":"join"' ||
    fail "r$i: no join: $(cat "$dir/r$i.err")"
done

cat >"$dir/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: mcwatch
    static_configs:
      - targets: ['10.78.0.11:9464']
        labels: {receiver: r1}
      - targets: ['10.78.0.12:9464']
        labels: {receiver: r2}
      - targets: ['10.78.0.13:9464']
        labels: {receiver: r3}
EOF
ip netns exec sw prometheus --config.file="$dir/prometheus.yml" \
  --storage.tsdb.path="$dir/tsdb" --web.listen-address=127.0.0.1:9090 \
  >"$dir/prom.log" 2>&1 &
pids+=($!)

# A paced stream while Prometheus watches; stopped later to count it.
ip netns exec s1 "$MCWATCH" send -r 100 -d 60 239.78.1.1:6000%eth0 \
  2>"$dir/send.err" &
sender=$!
pids+=($sender)

# query PROMQL: the result as "receiver=value" lines, sorted.
query() {
  ip netns exec sw curl -s --max-time 5 --get --data-urlencode "query=$1" \
    http://127.0.0.1:9090/api/v1/query |
    jq -r '.data.result[] | "\(.metric.receiver)=\(.value[1])"' 2>/dev/null |
    sort | tr '\n' ' '
}
# ask PROMQL WANT: asks until the answer is WANT (10 s at most); the answer.
ask() {
  local got=""
  for _ in $(seq 100); do
    got=$(query "$1")
    [ "$got" = "$2" ] && break
    sleep 0.1
  done
  echo "$got"
}
got=$(ask 'up{job="mcwatch"}' "r1=1 r2=1 r3=1 ")
[ "$got" = "r1=1 r2=1 r3=1 " ] || fail "targets up: '$got': $(tail -3 "$dir/prom.log")"
got=$(ask 'count by (receiver) (
  rate(mcwatch_packets_received_total{group="239.78.1.1"}[1m]) > 0)' "r1=1 r2=1 ")
[ "$got" = "r1=1 r2=1 " ] || fail "receivers with a rate: '$got'"
# The question an operator asks: which joined receiver gets nothing?
got=$(ask 'mcwatch_group_joined{group="239.78.1.1"} == 1 and on(receiver)
  rate(mcwatch_packets_received_total{group="239.78.1.1"}[1m]) == 0' "r3=1 ")
[ "$got" = "r3=1 " ] || fail "PromQL named '$got', wanted r3"

# Every datagram sent is counted by r1 and r2, none by r3, none lost.
kill -INT $sender
wait $sender || fail "sender exit status $?"
sent=$(grep -o 'sent [0-9]* datagrams' "$dir/send.err" | grep -o '[0-9]*')
[ -n "$sent" ] && [ "$sent" -gt 50 ] || fail "sender: $(cat "$dir/send.err")"
got=$(ask 'mcwatch_packets_received_total{group="239.78.1.1"}' \
  "r1=$sent r2=$sent r3=0 ")
[ "$got" = "r1=$sent r2=$sent r3=0 " ] || fail "received: '$got', sent $sent"
got=$(ask 'mcwatch_packets_lost_total{group="239.78.1.1"}' "r1=0 r2=0 r3=0 ")
[ "$got" = "r1=0 r2=0 r3=0 " ] || fail "lost: '$got'"
for i in 0 1 2; do kill -INT "${pids[$i]}"; done
for i in 0 1 2; do wait "${pids[$i]}" || fail "r$((i + 1)) exit status $?"; done
pass "Prometheus scraped three receivers; PromQL names r3 as cut off; r1, r2 got all $sent"
