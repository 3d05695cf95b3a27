#!/bin/bash
# An SDP file (as ffmpeg -sdp_file writes it for RTP L16 audio, a dynamic
# payload type) given with -f names the stream's RTP clock: jitter is then
# a figure (ffmpeg -re sends audio in bursts of about a packet's length,
# so it reads some milliseconds); the same stream watched without the file
# has no jitter figure (null), never one at a guessed clock.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v ffmpeg >/dev/null || { echo "SKIPPED: $(basename "$0"): ffmpeg is not installed" >&2; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
G=239.255.36.1 P=36004
url="rtp://$G:$P?ttl=1&localaddr=127.0.0.1"
send() {
  timeout 20 ffmpeg -hide_banner -loglevel error -re -f lavfi \
    -i sine=frequency=440:sample_rate=48000 -t "$1" -ac 1 -c:a pcm_s16be \
    -f rtp -sdp_file "$dir/l16.sdp" "$url" || fail "ffmpeg could not send"
}
send 0.05 # the description first
grep -q '^a=rtpmap:[0-9]* L16/48000' "$dir/l16.sdp" || fail "no L16 rtpmap: $(cat "$dir/l16.sdp")"
for how in sdp none; do
  args=("$G:$P%lo")
  [ $how = sdp ] && args=(-i lo -f "$dir/l16.sdp")
  "$MCWATCH" --no-config --headless --stats-only --interval 2.5 -d 3 "${args[@]}" \
    >"$dir/out.$how" 2>"$dir/err" &
  pid=$!
  wait_for_line "$dir/out.$how" 5 '"event":"join"' || fail "no join: $(cat "$dir/err")"
  send 2
  wait $pid || fail "mcwatch exit status $?: $(cat "$dir/err")"
done
# The last stats line, per sender: the RTP stream's figures.
j=$(jq -c 'select(.event == "stats") | .by_sender[0]' "$dir/out.sdp" | tail -1)
echo "$j" | jq -e '.kind == "rtp" and .packets > 50 and .lost == 0 and (.jitter_ms | type) == "number" and .jitter_ms < 30' >/dev/null ||
  fail "with the SDP: $j"
j=$(jq -c 'select(.event == "stats") | .by_sender[0]' "$dir/out.none" | tail -1)
echo "$j" | jq -e '.kind == "rtp" and .packets > 50 and .jitter_ms == null' >/dev/null ||
  fail "without the SDP: $j"
pass "an SDP file's a=rtpmap gives the RTP clock: a jitter figure with it, null without"
