#!/bin/bash
# Alarms headless, with a known truth, on groups read from channel lists
# (plain, M3U and SDP at once): a group that has never received stays
# "waiting" (no alarm); a stream that pauses raises "silence" within
# --silence plus a second, and its return clears it with the duration and
# the exact number of probes skipped meanwhile (10), and raises "loss";
# the summary lists each group's outages; labels come from the lists.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

printf '# studio\n239.255.31.1:31001%%lo Camera 1\n' >"$TMP/plain.txt"
printf '#EXTM3U\n#EXTINF:-1 tvg-name="x",News HD\nudp://@239.255.31.2:31002\n' \
  >"$TMP/list.m3u"
printf 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=Sport\r\nc=IN IP4 239.255.31.3/1\r\nt=0 0\r\nm=video 31003 udp MP2T\r\n' \
  >"$TMP/sport.sdp"

"$MCWATCH" --headless --no-config -i lo --silence 1 --interval 0 --stats-only \
  --duration 7 -f "$TMP/plain.txt" -f "$TMP/list.m3u" -f "$TMP/sport.sdp" \
  >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_for_line "$TMP/out" 5 '"event":"join".*239.255.31.3' || fail "groups not joined: $(cat "$TMP/err")"

# Camera 1: probes 0-49, a pause of 2.5 s, then 60-99 (10 skipped).
"$TESTSEND" 239.255.31.1 31001 lo 0 --probe-seqs 0-49 --interval-ms 5 \
  --sport 40100 --source 127.0.0.1 >/dev/null || fail "send 0-49"
t0=$(date +%s.%N)
wait_for_line "$TMP/out" 3 '"alarm":"silence","endpoint":"239.255.31.1' ||
  fail "no silence alarm for a stream that paused"
t1=$(date +%s.%N)
sleep 1
"$TESTSEND" 239.255.31.1 31001 lo 0 --probe-seqs 60-99 --interval-ms 5 \
  --sport 40100 --source 127.0.0.1 >/dev/null || fail "send 60-99"
# News HD: a steady trickle, never silent for 1 s.
"$TESTSEND" 239.255.31.2 31002 lo 20 --text "news %n" --interval-ms 100 \
  --source 127.0.0.1 >/dev/null || fail "send news"
wait "$pid"
rc=$?
[ "$rc" = 0 ] || fail "exit status $rc: $(cat "$TMP/err")"

jq -e . "$TMP/out" >/dev/null || fail "output is not JSON lines"
# The silence alarm came between 1 s and 2 s after the last datagram.
late=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
echo "silence seen $late s after the pause began (limit: --silence 1 + 1)"
awk -v x="$late" 'BEGIN { exit !(x < 2.0) }' || fail "silence seen too late: $late s"

cleared=$(jq -c 'select(.event == "alarm" and .state == "cleared" and .alarm == "silence" and .group == "239.255.31.1")' "$TMP/out")
[ -n "$cleared" ] || fail "silence not cleared when the stream came back"
[ "$(echo "$cleared" | jq .lost)" = 10 ] || fail "lost during the silence: $(echo "$cleared" | jq .lost), want 10"
dur=$(echo "$cleared" | jq .duration_s)
awk -v x="$dur" 'BEGIN { exit !(x > 0.5 && x < 3.5) }' || fail "silence duration $dur s"
[ "$(echo "$cleared" | jq -r .label)" = "Camera 1" ] || fail "label missing from the alarm"
count_json "$TMP/out" '.event == "alarm" and .state == "raised" and .alarm == "loss" and .group == "239.255.31.1"' |
  grep -qx 1 || fail "no loss alarm after 10 probes were skipped"

# Sport never received: waiting, never an alarm.
[ "$(count_json "$TMP/out" '.event == "alarm" and .group == "239.255.31.3"')" = 0 ] ||
  fail "a group that never received raised an alarm"
# The summary: labels, and Camera 1's outages (silence closed, loss open).
sum=$(jq -c 'select(.event == "summary")' "$TMP/out")
[ "$(echo "$sum" | jq -r '.groups[] | select(.group == "239.255.31.2") | .label')" = "News HD" ] ||
  fail "M3U label not in the summary"
[ "$(echo "$sum" | jq -r '.groups[] | select(.group == "239.255.31.3") | .label')" = "Sport" ] ||
  fail "SDP label not in the summary"
cam=$(echo "$sum" | jq -c '.groups[] | select(.group == "239.255.31.1") | .outages')
[ "$(echo "$cam" | jq '[.[] | select(.alarm == "silence" and .lost == 10)] | length')" = 1 ] ||
  fail "summary outages: $cam"
[ "$(echo "$cam" | jq '[.[] | select(.alarm == "loss")] | length')" -ge 1 ] ||
  fail "summary lacks the loss outage: $cam"
[ "$(echo "$sum" | jq '.groups[] | select(.group == "239.255.31.2") | .lost')" = 0 ] ||
  fail "News HD shows loss"
pass "silence raised within 2 s, cleared with 10 lost; loss raised; waiting is no alarm; labels from plain, M3U and SDP"
