#!/usr/bin/env bash
# Loss with a known truth. A sender namespace (tx) and a receiver namespace
# (rx) joined by a bridge in a middle namespace (mid), whose bridge-family
# nftables forward chain drops about 10% of two RTP streams at random
# (numgen random mod 100 < 10), each under its own counter, only for RTP
# sequence numbers inside a window (so neither the first datagrams, which
# confirm RTP, nor the last, after which no gap can show, are dropped).
# GStreamer sends from sequence number 0: rtpL16pay (PT 96) and mpegtsmux !
# rtpmp2tpay (PT 33). mcwatch's loss must equal each counter exactly, with
# received = last sequence number + 1 - dropped and no duplicate or
# reorder. Needs nft, GStreamer (tools, plugins base/good/bad) and jq.
#
#   tx eth0 10.88.1.1 ── a0 [mid br0, nft drop] a1 ── rx eth0 10.88.1.2
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
command -v nft >/dev/null || fail "nft is needed (apt-get install nftables)"
if ! command -v gst-launch-1.0 >/dev/null; then
  echo "SKIPPED: $(basename "$0"): gst-launch-1.0 is not installed" >&2
  exit 77
fi
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

L16=239.88.0.1 MP2T=239.88.0.2 P=5004
for h in tx mid rx; do ip netns add $h; ip -n $h link set lo up; done
ip link add eth0 netns tx type veth peer name a0 netns mid
ip link add eth0 netns rx type veth peer name a1 netns mid
ip -n mid link add br0 type bridge mcast_snooping 0
for a in a0 a1; do ip -n mid link set $a master br0 up; done
ip -n mid link set br0 up
ip -n tx addr add 10.88.1.1/24 dev eth0
ip -n rx addr add 10.88.1.2/24 dev eth0
ip -n tx link set eth0 up
ip -n rx link set eth0 up
ip -n tx route add 224.0.0.0/4 dev eth0
# @th,80,16 is the RTP sequence number (UDP header 8 bytes, then 2).
ip netns exec mid nft -f - <<EOF2 || fail "nft refused the ruleset"
table bridge imp {
  chain impfwd {
    type filter hook forward priority 0;
    ip daddr $L16 udp dport $P @th,80,16 >= 20 @th,80,16 < 300 numgen random mod 100 < 10 counter drop
    ip daddr $MP2T udp dport $P @th,80,16 >= 10 @th,80,16 < 150 numgen random mod 100 < 10 counter drop
  }
}
EOF2

ip netns exec rx "$MCWATCH" --headless --stats-only --interval 1 --clock 96=48000 \
  "$L16:$P%eth0" "$MP2T:$P%eth0" >"$dir/out" 2>"$dir/err" &
pid=$!
wait_for_line "$dir/out" 5 "\"event\":\"join\".*$MP2T" || fail "no join: $(cat "$dir/err")"
sink=(udpsink port=$P auto-multicast=true multicast-iface=eth0 ttl-mc=1)
gst() { timeout 20 ip netns exec tx gst-launch-1.0 -q audiotestsrc is-live=true num-buffers=130 "$@"; }
gst ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! \
  rtpL16pay pt=96 seqnum-offset=0 ! "${sink[@]}" host=$L16 &
s1=$!
gst ! opusenc ! mpegtsmux alignment=7 bitrate=800000 ! \
  rtpmp2tpay seqnum-offset=0 ! "${sink[@]}" host=$MP2T &
s2=$!
wait $s1 || fail "gst-launch-1.0 (L16) status $?"
wait $s2 || fail "gst-launch-1.0 (TS) status $?"
sleep 1.3
kill -INT $pid
wait $pid || fail "receiver exit status $?"
pid=

# The counters of the two rules, in order.
mapfile -t drops < <(ip netns exec mid nft list chain bridge imp impfwd |
  sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
[ "${#drops[@]}" = 2 ] || fail "no nft counters: $(ip netns exec mid nft list ruleset)"
i=0
for g in $L16 $MP2T; do
  d=${drops[$i]}
  i=$((i + 1))
  s=$(jq -c --arg g $g 'select(.event == "stats" and .group == $g) | .by_sender[0]' \
    "$dir/out" | tail -n 1)
  echo "$g: nft dropped $d; mcwatch $(jq -c '{received, lost, dup, reordered, last_seq}' <<<"$s")"
  [ "$d" -gt 0 ] || fail "$g: nft dropped nothing, the test proves nothing"
  jq -e --argjson d "$d" '(.kind == "rtp" or .kind == "rtp-ts") and .lost == $d and
    .received == .last_seq + 1 - $d and .dup == 0 and .reordered == 0 and
    .restarts == 0 and .malformed == 0' <<<"$s" >/dev/null ||
    fail "$g: nft dropped $d: $s"
done
pass "random loss by nft on a bridge: mcwatch's loss equals the nft counter for RTP and TS in RTP"
