#!/usr/bin/env bash
# MPEG-TS from a real encoder: ffmpeg sends a constant-rate TS (PCR every
# 20 ms, a named service) over udp:// with its default 1472-byte datagrams,
# pkt_size=1316 and pkt_size=1000 (packets crossing datagram boundaries in
# the first and last). Each is a lossless stream on lo: mcwatch must call it
# ts, count no malformed datagram and no TR 101 290 error, see every PID
# (PAT, SDT, PMT, video, audio), the program, the service name and an MDI
# with no loss. Needs ffmpeg (Debian package ffmpeg) and jq.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
if ! command -v ffmpeg >/dev/null; then
  echo "SKIPPED: $(basename "$0"): ffmpeg is not installed" >&2
  exit 77
fi
ip route add 224.0.0.0/4 dev lo 2>/dev/null
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

n=0
for size in default 1316 1000; do
  n=$((n + 1))
  group=239.1.2.$((40 + n))
  url="udp://$group:5000?ttl=1&localaddr=127.0.0.1"
  [ "$size" != default ] && url="$url&pkt_size=$size"
  "$MCWATCH" --headless --stats-only --interval 0 "$group:5000%lo" \
    >"$dir/out.$size" 2>"$dir/err" &
  pid=$!
  wait_for_line "$dir/out.$size" 5 '"event":"join"' || fail "no join: $(cat "$dir/err")"
  timeout 30 ffmpeg -hide_banner -loglevel error -re \
    -f lavfi -i testsrc=size=160x120:rate=25 -f lavfi -i sine=sample_rate=48000 \
    -t 3 -c:v mpeg2video -b:v 300k -c:a mp2 -muxrate 800k -pcr_period 20 \
    -metadata service_name="ffmpeg $size" -f mpegts "$url" ||
    fail "ffmpeg could not send ($size)"
  sleep 0.3
  kill -INT $pid
  wait $pid || fail "receiver exit status $? ($size)"
  pid=
  # The summary has the group's figures; the last stats line has them per sender.
  jq -e --arg s "ffmpeg $size" 'select(.event=="summary") | .groups[0] |
    .packets > 100 and .malformed == 0 and .cc_errors == 0 and
    .service_name == $s and .label == $s' "$dir/out.$size" >/dev/null ||
    fail "$size: $(grep summary "$dir/out.$size")"
done
# Per sender: stats lines, once more with one size and an interval.
"$MCWATCH" --headless --stats-only --interval 2.5 -d 4.5 --metrics 127.0.0.1:19464 \
  239.1.2.49:5000%lo >"$dir/out.stats" 2>"$dir/err" &
pid=$!
wait_for_line "$dir/out.stats" 5 '"event":"join"' || fail "no join: $(cat "$dir/err")"
timeout 30 ffmpeg -hide_banner -loglevel error -re \
  -f lavfi -i testsrc=size=160x120:rate=25 -f lavfi -i sine=sample_rate=48000 \
  -t 3 -c:v mpeg2video -b:v 300k -c:a mp2 -muxrate 800k -pcr_period 20 \
  -metadata service_name=stats -f mpegts \
  "udp://239.1.2.49:5000?ttl=1&localaddr=127.0.0.1" || fail "ffmpeg (stats)"
# The same checks on /metrics: every TR 101 290 check at 0, and MDI.
if command -v curl >/dev/null; then
  curl -s http://127.0.0.1:19464/metrics >"$dir/metrics" || fail "no /metrics"
  [ "$(grep -c '^mcwatch_tr101290_errors_total{.*} 0$' "$dir/metrics")" = 12 ] ||
    fail "metrics: not 12 TR 101 290 checks at 0: $(grep tr101290 "$dir/metrics")"
  grep -q '^mcwatch_mdi_media_loss_rate{.*} 0$' "$dir/metrics" ||
    fail "metrics: no MDI media loss rate: $(grep mdi "$dir/metrics")"
  grep -q '^mcwatch_mdi_delay_factor_seconds{.*label="stats"' "$dir/metrics" ||
    fail "metrics: no MDI delay factor with the service name as label"
fi
wait $pid || fail "receiver exit status $? (stats)"
pid=
s=$(jq -c 'select(.event=="stats") | .by_sender[0]' "$dir/out.stats" | tail -1)
echo "$s" | jq -e '.kind == "ts" and .malformed == 0 and
  ([.tr101290[]] | add) == 0 and .ts_pids == [0, 17, 256, 257, 4096] and
  .programs[0].pcr_pid == 256 and .service_name == "stats" and
  .mdi.mlr == 0 and .mdi.df_ms > 0 and
  ([.tr101290_pids[] | select(.pid == 256)][0].type == "MPEG-2 video")' \
  >/dev/null || fail "per sender: $s"
pass "ffmpeg TS at 1472, 1316 and 1000 bytes: ts, no malformed datagram, no TR 101 290 error, every PID, service name, MDI"
