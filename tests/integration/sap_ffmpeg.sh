#!/usr/bin/env bash
# SAP from a real announcer: ffmpeg's sap muxer (Debian package ffmpeg)
# streams L16 audio over RTP with a dynamic payload type to 239.1.1.30:5030
# and announces it on 224.2.127.254:9875, then deletes it when it ends.
# mcwatch --sap lists it once under its title, with a=rtpmap's 48000 Hz,
# and reports the deletion; the announced clock reaches the RTP analyzer,
# so the stream has a jitter figure, where without --sap (no clock for a
# dynamic type) it has none.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

if ! command -v ffmpeg >/dev/null; then
  echo "SKIPPED: $(basename "$0"): ffmpeg is not installed" >&2
  exit 77
fi
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
ip link set lo multicast on
ip route add 224.0.0.0/4 dev lo
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT

# run OUT [--sap]: mcwatch watching the stream while ffmpeg plays 3 s.
run() {
  local out=$1
  shift
  "$MCWATCH" --headless -i lo --interval 0.5 --stats-only "$@" \
    239.1.1.30:5030 >"$out" 2>"$dir/err" &
  pid=$!
  wait_for_line "$out" 5 '"event":"join"' || fail "mcwatch did not start: $(cat "$dir/err")"
  timeout 30 ffmpeg -hide_banner -loglevel error -re \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -t 3 -c:a pcm_s16be \
    -metadata title="Lab tone" -f sap "sap://239.1.1.30:5030?ttl=1" ||
    fail "ffmpeg failed"
  sleep 0.7
  kill -INT $pid
  wait $pid || fail "mcwatch exit status $?: $(cat "$dir/err")"
}

run "$dir/sap" --sap
s='.event=="session" and .name=="Lab tone"'
[ "$(count_json "$dir/sap" "$s and .state==\"announced\"")" = 1 ] ||
  fail "ffmpeg's announcement not listed once: $(grep session "$dir/sap")"
jq -c "select($s and .state==\"announced\")" "$dir/sap" | jq -e \
  '.endpoint=="239.1.1.30:5030" and .media=="audio" and .rtpmap.clock_hz==48000' \
  >/dev/null || fail "announced fields: $(grep session "$dir/sap")"
[ "$(count_json "$dir/sap" "$s and .state==\"deleted\"")" = 1 ] ||
  fail "ffmpeg's deletion not seen: $(grep session "$dir/sap")"
with=$(jq -sc 'map(select(.event=="stats")) | last | .by_sender[0].jitter_ms' "$dir/sap")
run "$dir/plain"
without=$(jq -sc 'map(select(.event=="stats")) | last | .by_sender[0].jitter_ms' "$dir/plain")
[ "$without" = null ] || fail "a dynamic type without a clock has jitter $without"
[ "$with" != null ] && [ -n "$with" ] || fail "the announced clock did not give a jitter figure"
pass "ffmpeg's SAP: announced once with 48000 Hz, deleted at the end; jitter $with ms with it, $without without"
