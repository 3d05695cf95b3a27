#!/usr/bin/env bash
# Headless receiver on two groups that share a port: each gets exactly the
# datagrams sent to it, none of the other's; every line is valid JSON; the
# summary matches; SIGINT leaves the groups (the kernel's membership list
# empties) and exits 0.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT

"$MCWATCH" --headless --interval 0.2 239.1.2.3:5000%lo 239.1.2.4:5000%lo \
  >"$dir/out" 2>"$dir/err" &
pid=$!
[ "$(grep -c '"event":"join"' "$dir/out" 2>/dev/null)" = 2 ] ||
  for i in $(seq 100); do
    [ "$(grep -c '"event":"join"' "$dir/out")" = 2 ] && break
    sleep 0.05
  done
[ "$(grep -c '"event":"join"' "$dir/out")" = 2 ] || fail "no two join lines: $(cat "$dir/out" "$dir/err")"

# The kernel lists both memberships on lo (hex, host byte order).
grep -qi "030201EF" /proc/net/igmp || fail "239.1.2.3 not in /proc/net/igmp"
grep -qi "040201EF" /proc/net/igmp || fail "239.1.2.4 not in /proc/net/igmp"

"$TESTSEND" 239.1.2.3 5000 lo 200 --text "g1-%n" || fail "send g1"
"$TESTSEND" 239.1.2.4 5000 lo 120 --text "g2-%n" || fail "send g2"
"$TESTSEND" 239.1.2.5 5000 lo 50 --text "g3-%n" || fail "send g3"
for i in $(seq 100); do
  [ "$(grep -c '"event":"datagram"' "$dir/out")" -ge 320 ] && break
  sleep 0.05
done
sleep 0.3 # a stray datagram would arrive by now
kill -INT $pid
wait $pid
rc=$?
[ $rc = 0 ] || fail "exit status $rc after SIGINT: $(cat "$dir/err")"

jq -e . "$dir/out" >/dev/null || fail "a line is not valid JSON"
n1=$(jq -r 'select(.event=="datagram" and .group=="239.1.2.3") | .text' "$dir/out" | grep -c '^g1-')
n2=$(jq -r 'select(.event=="datagram" and .group=="239.1.2.4") | .text' "$dir/out" | grep -c '^g2-')
cross=$(jq -r 'select(.event=="datagram") | "\(.group) \(.text)"' "$dir/out" |
  grep -Ecv '^239\.1\.2\.3 g1-|^239\.1\.2\.4 g2-')
[ "$n1" = 200 ] || fail "239.1.2.3 got $n1 of 200"
[ "$n2" = 120 ] || fail "239.1.2.4 got $n2 of 120"
[ "$cross" = 0 ] || fail "$cross datagrams in the wrong group"
# Sequence numbers within each group run 1..N without gaps.
jq -r 'select(.event=="datagram" and .group=="239.1.2.3") | .seq' "$dir/out" |
  awk '$1 != NR { bad=1 } END { exit bad }' || fail "seq not 1..N"

[ "$(jq -c 'select(.event=="stats")' "$dir/out" | wc -l)" -ge 1 ] || fail "no stats line"
jq -e 'select(.event=="summary") | .reason=="SIGINT" and .datagrams==320 and
       (.groups | map(.packets) == [200,120]) and
       (.groups | map(.state) == ["left","left"])' "$dir/out" >/dev/null ||
  fail "summary wrong: $(grep summary "$dir/out")"
[ "$(tail -n 1 "$dir/out" | jq -r .event)" = summary ] || fail "summary is not last"
[ "$(grep -c '"event":"leave"' "$dir/out")" = 2 ] || fail "no two leave lines"
! grep -qi "030201EF\|040201EF" /proc/net/igmp || fail "membership left behind"
pass "two groups on one port: 200 and 120 datagrams, no crossing, clean leave"
