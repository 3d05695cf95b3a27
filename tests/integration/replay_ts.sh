#!/usr/bin/env bash
# Real encoder traffic through `mcwatch send --replay`: the captures of
# tests/data/make-replay-samples.sh (ffmpeg, MPEG-TS over UDP at 1316 and
# at 1472 bytes a datagram, recorded by tcpdump) replayed into a headless
# mcwatch, to the original group and to another one. The receiver must
# count every datagram of the capture (tshark's count), call the stream
# ts, find no malformed datagram, no TR 101 290 error and no loss, see
# every PID (PAT, SDT, PMT, video, audio) and the service name. Needs jq
# and tshark.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
command -v tshark >/dev/null || fail "tshark is needed (apt-get install tshark)"
ip route add 224.0.0.0/4 dev lo 2>/dev/null
data=$(cd "$(dirname "$0")/../data" && pwd)
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

for size in 1316 1472; do
  f=$data/ffmpeg-ts-$size.pcap
  want=$(tshark -r "$f" -Y udp 2>/dev/null | wc -l)
  [ "$want" -gt 20 ] || fail "$f: only $want UDP records"
  for to in original 239.1.2.61:6000%lo; do
    if [ "$to" = original ]; then ep=239.1.2.60:5000%lo; args=(--iface lo)
    else ep=$to; args=("$to"); fi
    "$MCWATCH" --headless --stats-only --interval 1.9 -d 2.2 "$ep" \
      >"$dir/out" 2>"$dir/err" &
    pid=$!
    wait_for_line "$dir/out" 5 '"event":"join"' || fail "no join: $(cat "$dir/err")"
    "$MCWATCH" send --replay "$f" "${args[@]}" 2>"$dir/say" ||
      fail "$size to $to: replay: $(cat "$dir/say")"
    wait $pid || fail "$size to $to: receiver exit $?"
    pid=
    jq -e --argjson n "$want" 'select(.event=="summary") | .groups[0] |
      .packets == $n and .lost == 0 and .dup == 0 and .reordered == 0 and
      .malformed == 0 and .cc_errors == 0' "$dir/out" >/dev/null ||
      fail "$size to $to: want $want datagrams: $(grep summary "$dir/out")"
    s=$(jq -c 'select(.event=="stats") | .by_sender[0]' "$dir/out" | tail -1)
    # ffmpeg's 1472-byte stream lasts 0.8 s in its capture (it sends the
    # same 1.5 s of media in a shorter burst): under MDI's 1 s interval,
    # so no MDI figure yet, which must then be null, never a made-up one.
    echo "$s" | jq -e --arg s "replay $size" --arg z "$size" '.kind == "ts" and
      .malformed == 0 and ([.tr101290[]] | add) == 0 and
      .ts_pids == [0, 17, 256, 257, 4096] and .service_name == $s and
      (.mdi.mlr == 0 or ($z == "1472" and .mdi.mlr == null))' >/dev/null ||
      fail "$size to $to: $s"
  done
done
pass "ffmpeg TS captures (1316 and 1472 bytes) replayed: every datagram, ts, no TR 101 290 error, every PID, the service name"
