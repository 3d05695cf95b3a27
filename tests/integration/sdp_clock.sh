#!/bin/bash
# An SDP file (as ffmpeg -sdp_file writes it for RTP L16 audio, a dynamic
# payload type) given with -f names the stream's RTP clock: jitter is then
# a figure (ffmpeg -re sends audio in bursts of about a packet's length,
# so it reads some milliseconds); the same stream watched without the file
# has no jitter figure (null), never one at a guessed clock. Two streams
# that use the same dynamic payload type at two rates (L16 at 48 kHz and at
# 8 kHz: ffmpeg makes both PT 97), each described by its own SDP file,
# are each timed by their own clock: one clock per payload type for the
# whole process timed the 8 kHz stream at 48 kHz: 10 ms packets read as
# 1.7 ms, a jitter of about 8 ms where the truth is well under 1 ms
# (both are sent in 10 ms frames, one packet each).
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v ffmpeg >/dev/null || { echo "SKIPPED: $(basename "$0"): ffmpeg is not installed" >&2; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
G=239.255.36.1 P=36004
url="rtp://$G:$P?ttl=1&localaddr=127.0.0.1"
G8=239.255.36.2
url8="rtp://$G8:$P?ttl=1&localaddr=127.0.0.1"
# send SECONDS [RATE URL SDP]: L16 audio (48 kHz to $G by default).
send() {
  local rate=${2:-48000}
  timeout 20 ffmpeg -hide_banner -loglevel error -re -f lavfi \
    -i sine=frequency=440:sample_rate=$rate:samples_per_frame=$((rate / 100)) \
    -t "$1" -ac 1 -c:a pcm_s16be \
    -f rtp -sdp_file "${4:-$dir/l16.sdp}" "${3:-$url}" || fail "ffmpeg could not send"
}
send 0.05 # the descriptions first
send 0.05 8000 "$url8" "$dir/l8.sdp"
grep -q '^a=rtpmap:[0-9]* L16/48000' "$dir/l16.sdp" || fail "no L16 rtpmap: $(cat "$dir/l16.sdp")"
pt=$(sed -n 's/^a=rtpmap:\([0-9]*\) L16\/48000.*/\1/p' "$dir/l16.sdp")
grep -q "^a=rtpmap:$pt L16/8000" "$dir/l8.sdp" ||
  fail "ffmpeg gave the 8 kHz stream another payload type than the 48 kHz one's ($pt): $(cat "$dir/l8.sdp")"
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

# Both at once, each with its own SDP file: the same payload type, two clocks.
"$MCWATCH" --no-config --headless --stats-only --interval 2.5 -d 3 -i lo \
  -f "$dir/l16.sdp" -f "$dir/l8.sdp" >"$dir/out.two" 2>"$dir/err" &
pid=$!
wait_for_line "$dir/out.two" 5 '"event":"join"' || fail "no join: $(cat "$dir/err")"
send 2 &
s1=$!
send 2 8000 "$url8" "$dir/l8.sdp.again"
wait $s1
wait $pid || fail "mcwatch exit status $?: $(cat "$dir/err")"
for g in $G $G8; do
  j=$(jq -c --arg g "$g" 'select(.event == "stats" and .group == $g) | .by_sender[0]' "$dir/out.two" | tail -1)
  echo "$j" | jq -e '.kind == "rtp" and .packets > 150 and .lost == 0 and (.jitter_ms | type) == "number" and .jitter_ms < 3' >/dev/null ||
    fail "two streams on PT $pt, $g: $j"
done
pass "an SDP file's a=rtpmap gives the RTP clock: a jitter figure with it, null without; PT $pt at 48 and 8 kHz on two groups, each timed by its own"
