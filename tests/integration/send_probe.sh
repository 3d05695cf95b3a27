#!/usr/bin/env bash
# `mcwatch send --count 10000 --rate 5000` to a group watched by
# `mcwatch --headless`: the receiver reports 10000 received, 0 lost, no
# duplicates or reordering, latency and jitter figures; the send rate
# measured from the kernel's arrival timestamps is within 2% of 5000/s;
# the sender's summary line says what was sent. Also: Ctrl-C stops an
# unbounded sender with a summary and status 0; usage errors exit 2.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT

"$MCWATCH" --headless --interval 0.5 239.1.2.10:5000%lo >"$dir/out" 2>"$dir/err" &
pid=$!
wait_for_line "$dir/out" 5 '"event":"join"' || fail "no join: $(cat "$dir/err")"

timeout 30 "$MCWATCH" send --count 10000 --rate 5000 --text "probe test" \
  239.1.2.10:5000%lo 2>"$dir/send.err" || fail "send failed: $(cat "$dir/send.err")"
grep -Eq '^sent 10000 datagrams in [0-9.]+ s \([0-9.]+/s\) to 239\.1\.2\.10:5000%lo$' \
  "$dir/send.err" || fail "sender summary: $(cat "$dir/send.err")"
for i in $(seq 100); do
  [ "$(grep -c '"event":"datagram"' "$dir/out")" -ge 10000 ] && break
  sleep 0.05
done
sleep 0.6 # one more stats line
kill -INT $pid
wait $pid || fail "receiver exit status $?"

jq -e . "$dir/out" >/dev/null || fail "a line is not valid JSON"
jq -e 'select(.event=="summary") | .groups[0] |
       .packets==10000 and .received==10000 and .lost==0 and .dup==0 and
       .reordered==0 and .restarts==0 and .malformed==0 and .loss_pct==0' \
  "$dir/out" >/dev/null || fail "summary: $(grep summary "$dir/out")"
last=$(jq -c 'select(.event=="stats") | .by_sender[0]' "$dir/out" | tail -n 1)
echo "$last" | jq -e '.kind=="probe" and .received==10000 and .lost==0 and
       .last_seq==9999 and (.latency_p99_ms|type)=="number" and
       .latency_min_ms>=0 and (.jitter_ms|type)=="number"' >/dev/null ||
  fail "per-sender figures: $last"
[ "$(jq -r 'select(.event=="datagram" and .probe.seq==42) | .probe.text' \
  "$dir/out")" = "probe test" ] || fail "no probe fields in datagram lines"

# The rate the receiver saw: (N - 1) / (last arrival - first arrival).
rate=$(jq -r 'select(.event=="datagram") | .ts' "$dir/out" |
  awk 'NR==1 {f=$1} {l=$1; n=NR} END {printf "%.1f", (n-1)/(l-f)}')
awk -v r="$rate" 'BEGIN { exit !(r >= 4900 && r <= 5100) }' ||
  fail "measured rate $rate/s, asked 5000/s"

# Ctrl-C stops an unbounded sender: a summary, status 0.
"$MCWATCH" send --rate 100 239.1.2.10:5000%lo 2>"$dir/int.err" &
spid=$!
sleep 0.5
kill -INT $spid
wait $spid || fail "sender exit status $? after SIGINT"
grep -Eq '^sent [0-9]+ datagrams in ' "$dir/int.err" || fail "no summary: $(cat "$dir/int.err")"

# Usage errors: one line, status 2.
for args in "" "--rate 0 239.1.2.10:5000%lo" "--size 10 239.1.2.10:5000%lo" \
  "232.1.1.1:5000@10.0.0.1%lo" "--bogus 239.1.2.10:5000%lo" "10.0.0.1:5000"; do
  "$MCWATCH" send $args >/dev/null 2>"$dir/u.err"
  rc=$?
  [ $rc = 2 ] || fail "mcwatch send $args: status $rc"
  [ "$(wc -l <"$dir/u.err")" = 1 ] || fail "mcwatch send $args: $(cat "$dir/u.err")"
done
pass "10000 probes at 5000/s: 10000 received, 0 lost, measured $rate/s"
