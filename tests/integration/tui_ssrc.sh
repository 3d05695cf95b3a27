#!/bin/bash
# The screen UI shows RTP per SSRC: two ffmpeg RTP senders (the capture of
# tests/data/make-replay-samples.sh) replayed from one socket into one
# group make one sender row and, under it, one row per SSRC with its own
# datagram count (tshark's count for that SSRC). Read with capture-pane.
# Needs tshark.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"
command -v tshark >/dev/null || fail "tshark is needed (apt-get install tshark)"
ip route add 224.0.0.0/4 dev lo 2>/dev/null
f=$(cd "$(dirname "$0")/../data" && pwd)/ffmpeg-rtp-2ssrc.pcap

start mcw 140x40 "\"$MCWATCH\" 239.1.2.64:5004%lo"
expect 5 "> 239\.1\.2\.64:5004 .*joined" "group not joined"
"$MCWATCH" send --replay "$f" --speed 4 --filter 'udp dst port 5004' \
  239.1.2.64:5004%lo 2>/dev/null || fail "replay failed"
tshark -r "$f" -d udp.port==5004,rtp -Y 'rtp && udp.dstport == 5004' \
  -T fields -e rtp.ssrc 2>/dev/null | sort | uniq -c |
  while read -r n ssrc; do
    printf 'SSRC %08x PT 0 +%d ' "$((ssrc))" "$n"
    echo
  done >"$TMP/want" 2>/dev/null || true
[ "$(grep -c SSRC "$TMP/want")" = 2 ] || fail "capture: $(cat "$TMP/want")"
while read -r row; do
  expect 5 "$row" "no pane row \"$row\""
done <"$TMP/want"
pass "one row per SSRC under the sender, each with its own count"
