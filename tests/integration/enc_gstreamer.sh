#!/usr/bin/env bash
# RTP from GStreamer: rtpL16pay (48 kHz stereo, dynamic PT 96), opusenc !
# rtpopuspay (PT 97, 48 kHz clock) and opusenc ! mpegtsmux ! rtpmp2tpay
# (MPEG-TS in RTP, PT 33) into three groups on lo, lossless. Three
# receivers hear them at once: one with --clock 96=48000 --clock 97=48000
# (jitter present and tiny, as on loopback: under 1 ms, 0.01-0.3 ms seen),
# one without (the dynamic types have no jitter figure: null, never a guess)
# and one with the wrong clock 96=8000 (L16's jitter then reads tens of ms,
# so the figure does depend on the clock). Both clocks' figures must equal
# RFC 3550's estimator run over tcpdump's capture of the same datagrams
# (tshark reads the RTP timestamps) to 0.05 ms. The TS in RTP is rtp-ts
# with no loss and no TR 101 290 error. Needs gstreamer1.0-tools,
# -plugins-base, -plugins-good and -plugins-bad (mpegtsmux), tcpdump,
# tshark and jq.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
command -v tcpdump >/dev/null || fail "tcpdump is needed (apt-get install tcpdump)"
command -v tshark >/dev/null || fail "tshark is needed (apt-get install tshark)"
if ! command -v gst-launch-1.0 >/dev/null; then
  echo "SKIPPED: $(basename "$0"): gst-launch-1.0 is not installed" >&2
  exit 77
fi
for e in audiotestsrc rtpL16pay opusenc rtpopuspay mpegtsmux rtpmp2tpay udpsink; do
  gst-inspect-1.0 "$e" >/dev/null 2>&1 || fail "GStreamer element $e is missing"
done
ip route add 224.0.0.0/4 dev lo 2>/dev/null
scratch # $dir, and $pids stopped on exit

L16=239.1.5.1 OPUS=239.1.5.2 MP2T=239.1.5.3 P=5004
groups="$L16:$P%lo $OPUS:$P%lo $MP2T:$P%lo"
tcpdump -i lo -n -U -w "$dir/cap.pcap" "udp and dst port $P and (dst host $L16 or dst host $OPUS)" \
  2>"$dir/tcpdump.err" &
tcpdump_pid=$!
pids+=("$tcpdump_pid")
wait_for_line "$dir/tcpdump.err" 5 "listening" || fail "tcpdump: $(cat "$dir/tcpdump.err")"
i=0
for clocks in "--clock 96=48000 --clock 97=48000" "" "--clock 96=8000"; do
  i=$((i + 1))
  # shellcheck disable=SC2086 # the words of $clocks and $groups are options
  "$MCWATCH" --headless --stats-only --interval 1 $clocks $groups \
    >"$dir/out.$i" 2>"$dir/err.$i" &
  pids+=("$!")
  wait_for_line "$dir/out.$i" 5 "\"event\":\"join\".*$MP2T" ||
    fail "receiver $i did not join: $(cat "$dir/err.$i")"
done

sink=(udpsink port=$P auto-multicast=true multicast-iface=lo ttl-mc=1)
gst() { timeout 20 gst-launch-1.0 -q audiotestsrc is-live=true num-buffers=120 "$@"; }
gst ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! rtpL16pay pt=96 ! \
  "${sink[@]}" host=$L16 &
s1=$!
gst ! audio/x-raw,rate=48000 ! opusenc ! rtpopuspay pt=97 ! "${sink[@]}" host=$OPUS &
s2=$!
gst ! opusenc ! mpegtsmux alignment=7 bitrate=400000 pcr-interval=1800 ! \
  rtpmp2tpay ! "${sink[@]}" host=$MP2T &
s3=$!
for s in $s1 $s2 $s3; do wait $s || fail "gst-launch-1.0 failed (status $?)"; done
sleep 1.3 # one more stats line after the last datagram
for p in "${pids[@]}"; do kill -INT "$p"; done
for p in "${pids[@]}"; do
  [ "$p" = "$tcpdump_pid" ] && continue
  wait "$p" || fail "receiver exit status $?"
done
wait "$tcpdump_pid"
pids=()

# capture GROUP HZ: RFC 3550 jitter in ms over the captured datagrams of
# GROUP, with an RTP clock of HZ.
capture() {
  tshark -r "$dir/cap.pcap" -d udp.port==$P,rtp -Y "ip.dst == $1" -T fields \
    -e frame.time_epoch -e rtp.timestamp |
    awk -v hz="$2" '{ if (NR > 1) { d = ($1 - pa) - ($2 - pt) / hz; if (d < 0) d = -d;
                         j += (d - j) / 16 }
           pa = $1; pt = $2 }
         END { printf "%.3f", j * 1000 }'
}

# last FILE GROUP: the last stats line's first sender of GROUP.
last() {
  jq -c --arg g "$2" 'select(.event == "stats" and .group == $g) | .by_sender[0]' \
    "$1" | tail -n 1
}
for g in $L16 $OPUS; do
  pt=$([ $g = $L16 ] && echo 96 || echo 97)
  s=$(last "$dir/out.1" $g)
  jq -e --argjson pt $pt '.kind == "rtp" and .pt == $pt and .received > 100 and
    .lost == 0 and .dup == 0 and .reordered == 0 and .malformed == 0 and
    .jitter_ms > 0 and .jitter_ms < 1' <<<"$s" >/dev/null ||
    fail "PT $pt with its clock: $s"
  t=$(capture $g 48000)
  echo "PT $pt jitter_ms $(jq .jitter_ms <<<"$s") with --clock, capture $t"
  jq -e --argjson t "$t" '(.jitter_ms - $t | fabs) <= 0.05' <<<"$s" >/dev/null ||
    fail "PT $pt: jitter is not the capture's $t ms: $s"
  s=$(last "$dir/out.2" $g)
  jq -e --argjson pt $pt '.kind == "rtp" and .pt == $pt and .received > 100 and
    .jitter_ms == null' <<<"$s" >/dev/null || fail "PT $pt without --clock: $s"
done
s=$(last "$dir/out.3" $L16)
jq -e '.kind == "rtp" and .jitter_ms > 10' <<<"$s" >/dev/null ||
  fail "L16 with the wrong clock 96=8000 should read tens of ms: $s"
t=$(capture $L16 8000)
echo "PT 96 jitter_ms $(jq .jitter_ms <<<"$s") with the wrong clock 8000, capture $t"
jq -e --argjson t "$t" '(.jitter_ms - $t | fabs) <= 0.05' <<<"$s" >/dev/null ||
  fail "PT 96 at 8000 Hz: jitter is not the capture's $t ms: $s"
for i in 1 2; do
  s=$(last "$dir/out.$i" $MP2T)
  jq -e '.kind == "rtp-ts" and .pt == 33 and .received > 50 and .lost == 0 and
    .malformed == 0 and .cc_errors == 0 and ([.tr101290[]] | add) == 0 and
    .ts_pids == [0, 32, 65] and .jitter_ms != null' <<<"$s" >/dev/null ||
    fail "TS in RTP (receiver $i): $s"
done
pass "GStreamer L16, Opus and MPEG-TS in RTP: jitter only with the clock, tiny and the capture's with the right one; rtp-ts with no TR 101 290 error"
