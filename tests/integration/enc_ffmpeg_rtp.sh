#!/usr/bin/env bash
# RTP from ffmpeg: L16 mono at 44.1 kHz (static PT 11, RFC 3551's clock,
# so jitter needs no --clock) and MPEG-TS in RTP (-f rtp_mpegts, PT 33),
# lossless on lo. ffmpeg sends each 1024-sample frame's packets in a burst,
# so L16's jitter is real and large (~17 ms): the truth is RFC 3550's
# estimator run over tcpdump's capture of the same datagrams (tshark reads
# the RTP timestamps), and mcwatch's figure must match it to 3% or 0.05 ms
# (the two clocks stamp arrivals microseconds apart). The TS in RTP is
# rtp-ts with every PID and no TR 101 290 error. Needs ffmpeg, tcpdump,
# tshark and jq.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
for t in ffmpeg tcpdump tshark; do
  if ! command -v $t >/dev/null; then
    echo "SKIPPED: $(basename "$0"): $t is not installed" >&2
    exit 77
  fi
done
ip route add 224.0.0.0/4 dev lo 2>/dev/null
scratch # $dir, and $pids stopped on exit

L16=239.1.6.1 MP2T=239.1.6.2 P=5004
tcpdump -i lo -n -U -w "$dir/cap.pcap" "udp and dst host $L16 and dst port $P" 2>"$dir/tcpdump.err" &
pids+=("$!")
"$MCWATCH" --headless --stats-only --interval 1 "$L16:$P%lo" "$MP2T:$P%lo" \
  >"$dir/out" 2>"$dir/err" &
pids+=("$!")
wait_for_line "$dir/out" 5 "\"event\":\"join\".*$MP2T" || fail "no join: $(cat "$dir/err")"
wait_for_line "$dir/tcpdump.err" 5 "listening" || fail "tcpdump: $(cat "$dir/tcpdump.err")"

timeout 20 ffmpeg -hide_banner -loglevel error -re -f lavfi -i sine=sample_rate=44100 \
  -t 2.5 -ac 1 -c:a pcm_s16be -f rtp "rtp://$L16:$P?ttl=1&localaddr=127.0.0.1" \
  >"$dir/sdp" &
s1=$!
timeout 20 ffmpeg -hide_banner -loglevel error -re \
  -f lavfi -i testsrc=size=160x120:rate=25 -f lavfi -i sine=sample_rate=48000 \
  -t 2.5 -c:v mpeg2video -b:v 300k -c:a mp2 -muxrate 800k -pcr_period 20 \
  -f rtp_mpegts "rtp://$MP2T:$P?ttl=1&localaddr=127.0.0.1" &
s2=$!
wait $s1 || fail "ffmpeg (L16) status $?"
wait $s2 || fail "ffmpeg (rtp_mpegts) status $?"
grep -q 'RTP/AVP 11' "$dir/sdp" || fail "ffmpeg did not choose PT 11: $(cat "$dir/sdp")"
sleep 1.3
kill -INT "${pids[1]}"
wait "${pids[1]}" || fail "receiver exit status $?"
kill -INT "${pids[0]}"
wait "${pids[0]}"
pids=()

s=$(jq -c --arg g $L16 'select(.event == "stats" and .group == $g) | .by_sender[0]' \
  "$dir/out" | tail -n 1)
n=$(tshark -r "$dir/cap.pcap" -d udp.port==$P,rtp -T fields -e rtp.seq | wc -l)
truth=$(tshark -r "$dir/cap.pcap" -d udp.port==$P,rtp -T fields \
  -e frame.time_epoch -e rtp.timestamp |
  awk '{ if (NR > 1) { d = ($1 - pa) - ($2 - pt) / 44100; if (d < 0) d = -d;
                       j += (d - j) / 16 }
         pa = $1; pt = $2 }
       END { printf "%.3f", j * 1000 }')
echo "L16 PT 11: mcwatch jitter_ms $(jq .jitter_ms <<<"$s"), capture $truth over $n datagrams"
jq -e --argjson n "$n" --argjson t "$truth" '.kind == "rtp" and .pt == 11 and
  .received == $n and .lost == 0 and .dup == 0 and .reordered == 0 and
  (.jitter_ms - $t | fabs) <= ([0.05, 0.03 * $t] | max)' <<<"$s" >/dev/null ||
  fail "L16 PT 11 (capture: $n datagrams, jitter $truth ms): $s"

s=$(jq -c --arg g $MP2T 'select(.event == "stats" and .group == $g) | .by_sender[0]' \
  "$dir/out" | tail -n 1)
jq -e '.kind == "rtp-ts" and .pt == 33 and .received > 100 and .lost == 0 and
  .malformed == 0 and .cc_errors == 0 and ([.tr101290[]] | add) == 0 and
  .ts_pids == [0, 17, 256, 257, 4096] and .programs[0].pcr_pid == 256' \
  <<<"$s" >/dev/null || fail "rtp_mpegts: $s"
pass "ffmpeg RTP L16 (PT 11, jitter as the capture's) and rtp_mpegts (no TR 101 290 error)"
