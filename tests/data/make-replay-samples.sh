#!/usr/bin/env bash
# Writes the captures tests/integration/replay_ts.sh replays: ffmpeg
# sending MPEG-TS over UDP multicast in real time (-re), as an encoder does
# in the field, recorded by tcpdump on lo (Ethernet link type) inside a
# private network namespace:
#   ffmpeg-ts-1316.pcap  pkt_size=1316 (7 TS packets a datagram)
#   ffmpeg-ts-1472.pcap  ffmpeg's default 1472-byte datagrams (TS packets
#                        cross datagram boundaries)
#   ffmpeg-rtp-2ssrc.pcap  two ffmpeg RTP senders of PCMU audio (PT 0,
#                        8 kHz) to one group and port, the second started
#                        0.4 s after the first: two SSRCs, which a replay
#                        to one group sends from one socket
# TS: 1.5 s each, MPEG-2 video and MP2 audio, PCR every 20 ms, a named
# service.
# Needs ffmpeg and tcpdump (Debian packages ffmpeg, tcpdump) and root or
# user namespaces. Run it again after changing it and commit the result.
set -eu
cd "$(dirname "$0")"
if [ -z "${MCW_IN_NETNS:-}" ]; then
  export MCW_IN_NETNS=1
  if [ "$(id -u)" = 0 ]; then exec unshare -n bash "$PWD/${0##*/}"; fi
  exec unshare -rn bash "$PWD/${0##*/}"
fi
ip link set lo up
ip route add 224.0.0.0/4 dev lo
for size in 1316 1472; do
  out=ffmpeg-ts-$size.pcap
  rm -f "$out"
  # tcpdump drops its privileges to its own user: let it write here.
  tmp=$(mktemp -d)
  chmod 777 "$tmp"
  tcpdump -i lo -U -w "$tmp/$out" udp 2>"$tmp/err" &
  td=$!
  for _ in $(seq 50); do grep -q listening "$tmp/err" && break; sleep 0.1; done
  ffmpeg -hide_banner -loglevel error -re -fflags +bitexact -flags +bitexact \
    -f lavfi -i testsrc=size=96x64:rate=25 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -t 1.5 \
    -c:v mpeg2video -b:v 200k -g 12 -c:a mp2 -b:a 64k \
    -metadata service_name="replay $size" -metadata service_provider=mcwatch \
    -mpegts_service_id 7 -pcr_period 20 -muxrate 500k \
    -f mpegts "udp://239.1.2.60:5000?ttl=1&localaddr=127.0.0.1&pkt_size=$size"
  sleep 0.3
  kill -INT $td
  wait $td || true
  cp "$tmp/$out" "$out"
  rm -rf "$tmp"
done

# Two RTP senders (and their RTCP on port 5005).
out=ffmpeg-rtp-2ssrc.pcap
rm -f "$out"
tmp=$(mktemp -d)
chmod 777 "$tmp"
tcpdump -i lo -U -w "$tmp/$out" udp 2>"$tmp/err" &
td=$!
for _ in $(seq 50); do grep -q listening "$tmp/err" && break; sleep 0.1; done
rtp() {
  ffmpeg -hide_banner -loglevel error -re -f lavfi \
    -i "sine=frequency=$1:sample_rate=8000" -t 1.5 -c:a pcm_mulaw -ar 8000 \
    -ac 1 -f rtp "rtp://239.1.2.62:5004?ttl=1&localaddr=127.0.0.1&pkt_size=172" \
    >/dev/null
}
rtp 440 &
first=$!
sleep 0.4
rtp 880
wait $first
sleep 0.3
kill -INT $td
wait $td || true
cp "$tmp/$out" "$out"
rm -rf "$tmp"
