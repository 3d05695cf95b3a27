#!/usr/bin/env bash
# Real encoder traffic through `mcwatch send --replay`: the captures of
# tests/data/make-replay-samples.sh (ffmpeg, MPEG-TS over UDP at 1316 and
# at 1472 bytes a datagram, recorded by tcpdump) replayed into a headless
# mcwatch, to the original group and to another one. The receiver must
# count every datagram of the capture (tshark's count), call the stream
# ts, find no malformed datagram, no TR 101 290 error and no loss, see
# every PID (PAT, SDT, PMT, video, audio) and the service name. Then two
# ffmpeg RTP senders replayed from one socket: one row per SSRC. Needs jq
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
    echo "$s" | jq -e --arg s "replay $size" '.kind == "ts" and
      .malformed == 0 and ([.tr101290[]] | add) == 0 and
      .ts_pids == [0, 17, 256, 257, 4096] and .service_name == $s and
      .mdi.mlr == 0' >/dev/null || fail "$size to $to: $s"
  done
done

# Two ffmpeg RTP senders (PCMU) replayed to one group: one socket, two
# SSRCs. Each SSRC is its own row with exactly its datagrams (tshark's
# count), no loss, no restart, and a jitter figure of its own; the sender's
# received is their sum. --filter keeps RTCP (port 5005) out.
f=$data/ffmpeg-rtp-2ssrc.pcap
tshark -r "$f" -d udp.port==5004,rtp -Y 'rtp && udp.dstport == 5004' \
  -T fields -e rtp.ssrc 2>/dev/null | sort | uniq -c |
  while read -r n ssrc; do echo "$((ssrc)) $n"; done | sort >"$dir/want"
[ "$(wc -l <"$dir/want")" = 2 ] || fail "$f: not two SSRCs: $(cat "$dir/want")"
"$MCWATCH" --headless --stats-only --interval 2.4 -d 2.6 239.1.2.63:5004%lo \
  >"$dir/out" 2>"$dir/err" &
pid=$!
wait_for_line "$dir/out" 5 '"event":"join"' || fail "no join: $(cat "$dir/err")"
"$MCWATCH" send --replay "$f" --filter 'udp dst port 5004' 239.1.2.63:5004%lo \
  2>"$dir/say" || fail "rtp replay: $(cat "$dir/say")"
wait $pid || fail "rtp receiver exit $?"
pid=
s=$(jq -c 'select(.event=="stats") | .by_sender[0]' "$dir/out" | tail -1)
echo "$s" | jq -r '.ssrcs[] | "\(.ssrc) \(.received)"' | sort >"$dir/got"
cmp -s "$dir/got" "$dir/want" ||
  fail "per SSRC: want $(tr '\n' ' ' <"$dir/want"), got $(tr '\n' ' ' <"$dir/got")"
echo "$s" | jq -e '.kind == "rtp" and .lost == 0 and .restarts == 0 and
  .received == ([.ssrcs[].received] | add) and
  ([.ssrcs[] | .lost == 0 and .dup == 0 and .restarts == 0 and .pt == 0] |
   all)' >/dev/null || fail "rtp sender: $s"
# Jitter per SSRC: RFC 3550's J over the capture's own times and the RTP
# timestamps (8 kHz), computed here from tshark's fields; ffmpeg -re sends
# its 128 ms audio frames in bursts, so J is about 33 ms, and the replay
# must keep it within 1 ms. A mix of the two SSRCs' timestamps would be
# far off.
tshark -r "$f" -d udp.port==5004,rtp -Y 'rtp && udp.dstport == 5004' \
  -T fields -e rtp.ssrc -e frame.time_epoch -e rtp.timestamp 2>/dev/null |
  awk '{ s = $1; t = $2 * 1000; r = $3 / 8
         if (s in pt) { d = (t - pt[s]) - (r - pr[s]); if (d < 0) d = -d
                        j[s] += (d - j[s]) / 16 }
         pt[s] = t; pr[s] = r }
       END { for (s in j) printf "%s %.3f\n", s, j[s] }' >"$dir/jit"
while read -r ssrc want; do
  got=$(echo "$s" | jq --argjson x "$((ssrc))" '.ssrcs[] | select(.ssrc == $x) | .jitter_ms')
  awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; exit !(g != "" && d < 1 && d > -1) }' ||
    fail "SSRC $ssrc: jitter $got ms, RFC 3550 over the capture $want ms"
done <"$dir/jit"
[ "$(wc -l <"$dir/jit")" = 2 ] || fail "jitter of two SSRCs: $(cat "$dir/jit")"
pass "ffmpeg TS captures (1316 and 1472 bytes) replayed: every datagram, ts, no TR 101 290 error, every PID, the service name; two RTP SSRCs on one socket counted apart"
