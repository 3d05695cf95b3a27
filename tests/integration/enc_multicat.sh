#!/usr/bin/env bash
# multicat replays a TS file that ffmpeg made (3 s, PCR every 20 ms, 1316-
# byte chunks indexed by ingests) into one group as plain UDP (-U) and into
# another as RTP with timestamps from the PCR (-p 256), paced by the PCR.
# The truth is the file: ceil(packets / 7) datagrams (multicat pads the last
# chunk), each PID of the file, and no loss. mcwatch must count exactly
# that many datagrams, ts and rtp-ts, no malformed one, no TR 101 290 error,
# and for RTP no loss, duplicate or reorder and a jitter under 1 ms (the
# RTP timestamps follow the PCR that paces the sending). Needs ffmpeg,
# multicat (with ingests) and jq.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
for t in ffmpeg multicat ingests; do
  if ! command -v $t >/dev/null; then
    echo "SKIPPED: $(basename "$0"): $t is not installed (Debian: ffmpeg, multicat)" >&2
    exit 77
  fi
done
ip route add 224.0.0.0/4 dev lo 2>/dev/null
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc=size=160x120:rate=25 \
  -f lavfi -i sine=sample_rate=48000 -t 3 -c:v mpeg2video -b:v 300k -c:a mp2 \
  -muxrate 800k -pcr_period 20 -f mpegts "$dir/in.ts" || fail "ffmpeg could not make the file"
ingests -p 256 "$dir/in.ts" >/dev/null 2>&1 || fail "ingests could not index the file"
tsp=$(($(stat -c %s "$dir/in.ts") / 188))
n=$(((tsp + 6) / 7))

UDP=239.1.7.1 RTP=239.1.7.2 P=5004
"$MCWATCH" --headless --stats-only --interval 1 "$UDP:$P%lo" "$RTP:$P%lo" \
  >"$dir/out" 2>"$dir/err" &
pid=$!
wait_for_line "$dir/out" 5 "\"event\":\"join\".*$RTP" || fail "no join: $(cat "$dir/err")"
timeout 20 multicat -t 1 -U "$dir/in.ts" "$UDP:$P@127.0.0.1" 2>"$dir/m1" &
s1=$!
timeout 20 multicat -t 1 -p 256 "$dir/in.ts" "$RTP:$P@127.0.0.1" 2>"$dir/m2" &
s2=$!
wait $s1 || fail "multicat -U status $?: $(cat "$dir/m1")"
wait $s2 || fail "multicat (RTP) status $?: $(cat "$dir/m2")"
sleep 1.3
kill -INT $pid
wait $pid || fail "receiver exit status $?"
pid=

last() {
  jq -c --arg g "$1" 'select(.event == "stats" and .group == $g) | .by_sender[0]' \
    "$dir/out" | tail -n 1
}
s=$(last $UDP)
jq -e --argjson n $n '.kind == "ts" and .packets == $n and .malformed == 0 and
  .cc_errors == 0 and ([.tr101290[]] | add) == 0 and
  .ts_pids == [0, 17, 256, 257, 4096] and .programs[0].pcr_pid == 256' \
  <<<"$s" >/dev/null || fail "multicat -U ($n datagrams sent): $s"
s=$(last $RTP)
jq -e --argjson n $n '.kind == "rtp-ts" and .pt == 33 and .packets == $n and
  .received == $n and .lost == 0 and .dup == 0 and .reordered == 0 and
  .malformed == 0 and .cc_errors == 0 and ([.tr101290[]] | add) == 0 and
  .ts_pids == [0, 17, 256, 257, 4096] and .jitter_ms < 1' \
  <<<"$s" >/dev/null || fail "multicat RTP ($n datagrams sent): $s"
echo "$n datagrams each; RTP jitter_ms $(jq .jitter_ms <<<"$s")"
pass "multicat replays of an ffmpeg TS, UDP and RTP: every datagram, no loss, no TR 101 290 error"
