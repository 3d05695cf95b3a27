#!/usr/bin/env bash
# Duplicates, reorders and losses with a known truth. A relay in a middle
# namespace (tests/tools/impair-relay.py, AF_PACKET, fixed seed) is the only
# path from a sender namespace to a receiver namespace; in each stream it
# drops 4 datagrams, duplicates 4 and swaps 4 with their next, and prints
# what it did and the MPEG-TS continuity errors that follow. Three real
# encoders send through it: ffmpeg TS over UDP (1316-byte datagrams),
# ffmpeg rtp_mpegts and GStreamer rtpL16pay. mcwatch must show exactly:
# for both RTP streams loss = dropped, dup = duplicated, reordered = swaps,
# packets = what the relay wrote; for TS in UDP continuity errors = those of
# the datagrams in the order written; for TS in RTP those of the RTP order
# (a duplicate or a swap the RTP layer saw is no TS error; a loss is).
# Needs python3, ffmpeg, GStreamer (tools, plugins base/good) and jq.
#
#   tx eth0 10.89.1.1 ── a0 [mid: impair-relay a0 -> a1] a1 ── rx eth0 10.89.1.2
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
command -v python3 >/dev/null || fail "python3 is needed"
for t in ffmpeg gst-launch-1.0; do
  if ! command -v $t >/dev/null; then
    echo "SKIPPED: $(basename "$0"): $t is not installed" >&2
    exit 77
  fi
done
relay=${MCW_SRC:-$(dirname "$0")/../..}/tests/tools/impair-relay.py
scratch # $dir, and $pids stopped on exit

TSU=239.89.0.1 TSR=239.89.0.2 L16=239.89.0.3 P=5004
for h in tx mid rx; do ip netns add $h; ip -n $h link set lo up; done
ip link add eth0 netns tx type veth peer name a0 netns mid
ip link add eth0 netns rx type veth peer name a1 netns mid
ip -n tx addr add 10.89.1.1/24 dev eth0
ip -n rx addr add 10.89.1.2/24 dev eth0
for l in "tx eth0" "rx eth0" "mid a0" "mid a1"; do ip -n ${l% *} link set ${l#* } up; done
ip -n tx route add 224.0.0.0/4 dev eth0

ip netns exec mid python3 "$relay" a0 a1 $P --seed 7 --each 4 --first 20 --last 120 \
  >"$dir/relay" 2>"$dir/relay.err" &
relay_pid=$!
pids+=("$relay_pid")
wait_for_line "$dir/relay" 5 ready || fail "relay did not start: $(cat "$dir/relay.err")"
ip netns exec rx "$MCWATCH" --headless --stats-only --interval 1 \
  "$TSU:$P%eth0" "$TSR:$P%eth0" "$L16:$P%eth0" >"$dir/out" 2>"$dir/err" &
pids+=("$!")
wait_for_line "$dir/out" 5 "\"event\":\"join\".*$L16" || fail "no join: $(cat "$dir/err")"

ff() {
  timeout 20 ip netns exec tx ffmpeg -hide_banner -loglevel error -re \
    -f lavfi -i testsrc=size=160x120:rate=25 -f lavfi -i sine=sample_rate=48000 \
    -t 2.5 -c:v mpeg2video -b:v 300k -c:a mp2 -muxrate 800k -pcr_period 20 "$@"
}
ff -f mpegts "udp://$TSU:$P?ttl=1&localaddr=10.89.1.1&pkt_size=1316" &
s1=$!
ff -f rtp_mpegts "rtp://$TSR:$P?ttl=1&localaddr=10.89.1.1" &
s2=$!
timeout 20 ip netns exec tx gst-launch-1.0 -q audiotestsrc is-live=true num-buffers=100 ! \
  audio/x-raw,rate=48000,channels=2 ! audioconvert ! rtpL16pay pt=96 ! \
  udpsink host=$L16 port=$P auto-multicast=true multicast-iface=eth0 ttl-mc=1 &
s3=$!
for s in $s1 $s2 $s3; do wait $s || fail "a sender failed (status $?)"; done
wait $relay_pid || fail "relay status $?: $(cat "$dir/relay.err")"
sleep 1.2 # one stats line after the relay's last datagram
kill -INT "${pids[1]}"
wait "${pids[1]}" || fail "receiver exit status $?"
pids=()

truth() { grep "^{" "$dir/relay" | jq -c --arg k "$1:$P" 'select(.stream == $k)'; }
last() {
  jq -c --arg g "$1" 'select(.event == "stats" and .group == $g) | .by_sender[0]' \
    "$dir/out" | tail -n 1
}
for g in $TSU $TSR $L16; do
  t=$(truth $g)
  s=$(last $g)
  [ -n "$t" ] || fail "$g: the relay saw nothing: $(cat "$dir/relay" "$dir/relay.err")"
  echo "$g relay: $t"
  echo "$g mcwatch: $(jq -c '{kind, packets, received, lost, dup, reordered, cc_errors,
    cc: .tr101290.continuity_count_error}' <<<"$s")"
  jq -e --argjson t "$t" '$t.in > 130 and $t.dropped == 4 and $t.duplicated == 4 and
    $t.reordered == 4 and .packets == $t.out and .malformed == 0' <<<"$s" >/dev/null ||
    fail "$g: relay $t, mcwatch $s"
done
jq -e --argjson t "$(truth $TSU)" '.kind == "ts" and $t.cc_arrival > 0 and
  .cc_errors == $t.cc_arrival and .tr101290.continuity_count_error == $t.cc_arrival' \
  <<<"$(last $TSU)" >/dev/null || fail "TS in UDP: continuity errors are not the relay's"
for g in $TSR $L16; do
  jq -e --argjson t "$(truth $g)" '.lost == $t.dropped and .dup == $t.duplicated and
    .reordered == $t.reordered and .restarts == 0' <<<"$(last $g)" >/dev/null ||
    fail "$g: loss, dup or reorder is not the relay's"
done
jq -e --argjson t "$(truth $TSR)" '.kind == "rtp-ts" and
  .cc_errors == $t.cc_ordered and .tr101290.continuity_count_error == $t.cc_ordered' \
  <<<"$(last $TSR)" >/dev/null || fail "TS in RTP: continuity errors are not those of the RTP order"
jq -e '.kind == "rtp" and .pt == 96' <<<"$(last $L16)" >/dev/null || fail "L16 is not rtp"
pass "a relay's known drops, duplicates and swaps: loss, dup, reorder and continuity errors exactly"
