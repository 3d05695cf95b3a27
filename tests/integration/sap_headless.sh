#!/usr/bin/env bash
# SAP discovery, headless: a session announced (once, however often it is
# re-announced), its a=rtpmap clock and source, a second one on the admin
# scope group, a deletion, an expiry after --sap-timeout (ten intervals
# being shorter), a name carrying a terminal escape (escaped in JSON), and
# hostile announcements (garbage, huge, compressed, encrypted, another
# version, a foreign payload type) that never crash and are counted by kind
# in the summary. The announcer (tests/tools/sap-announce.py) is built from
# RFC 2974's layout.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
command -v python3 >/dev/null || fail "python3 is needed"
ANN="python3 $(dirname "$0")/../tools/sap-announce.py --iface lo"
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT

"$MCWATCH" --headless --sap -i lo --interval 0 --sap-timeout 1.5 \
  >"$dir/out" 2>"$dir/err" &
pid=$!
wait_for_line "$dir/out" 5 'SAP: listening on 6 groups' ||
  fail "no SAP listening line: $(cat "$dir/out" "$dir/err")"

# News: announced five times, 0.1 s apart; one line only.
$ANN --hash 4660 --name News --kind audio --pt 96 --rtpmap L16/48000/2 \
  --media 239.1.1.1:5004 --source 10.0.0.7 --count 5 --interval 0.1
# Sport: on the administrative scope group, with the payload type written.
$ANN --group 239.255.255.255 --typed --hash 77 --name Sport --media 239.1.1.2:6000 \
  --count 4 --interval 0.3 &
ann=$!
# Hostile: none of these may announce anything.
$ANN --garbage 50 --hash 11
$ANN --hash 5 --compressed
$ANN --hash 6 --encrypted
$ANN --hash 7 --sap-version 0
$ANN --hash 8 --sap-version 2
$ANN --hash 9 --huge --name Huge --media 239.1.1.9:5000
# A name with an OSC title sequence and a C1 control.
$ANN --hash 10 --name 'Evil\x1b]0;pwned\x07\xc2\x9b' --media 239.1.1.10:5000
wait $ann
$ANN --group 239.255.255.255 --hash 77 --delete
wait_for_line "$dir/out" 5 '"state":"deleted"' || fail "no deletion: $(cat "$dir/out")"
# News was last heard about 1 s ago; it expires 1.5 s after (10 x 0.1 s is less).
wait_for_line "$dir/out" 5 '"name":"News".*"state":"expired"\|"state":"expired".*"name":"News"' ||
  fail "News did not expire: $(cat "$dir/out")"
kill -INT $pid
wait $pid
rc=$?
[ $rc = 0 ] || fail "exit status $rc: $(cat "$dir/err")"
jq -e . "$dir/out" >/dev/null || fail "a line is not JSON: $(cat "$dir/out")"

s='.event=="session"'
[ "$(count_json "$dir/out" "$s and .name==\"News\" and .state==\"announced\"")" = 1 ] ||
  fail "News announced not exactly once: $(cat "$dir/out")"
jq -c "select($s and .name==\"News\" and .state==\"announced\")" "$dir/out" | jq -e "
  .endpoint==\"239.1.1.1:5004@10.0.0.7\" and .media==\"audio\" and .source==\"10.0.0.7\" and
  .rtpmap.pt==96 and .rtpmap.clock_hz==48000 and .origin==\"10.0.0.5\" and .hash==4660" \
  >/dev/null || fail "News's fields: $(grep News "$dir/out")"
[ "$(count_json "$dir/out" "$s and .name==\"Sport\" and .state==\"announced\"")" = 1 ] ||
  fail "Sport not announced once"
[ "$(count_json "$dir/out" "$s and .name==\"Sport\" and .state==\"deleted\"")" = 1 ] ||
  fail "Sport not deleted once"
[ "$(count_json "$dir/out" "$s and .name==\"Sport\" and .state==\"expired\"")" = 0 ] ||
  fail "Sport expired after its deletion"
[ "$(count_json "$dir/out" "$s and .name==\"News\" and .state==\"expired\"")" = 1 ] ||
  fail "News did not expire once"
[ "$(count_json "$dir/out" "$s and .name==\"Huge\" and .state==\"announced\"")" = 1 ] ||
  fail "a 60 kB description was not read"
# The escape arrives escaped: no ESC byte, no raw C1 in the output.
grep -q $'\x1b' "$dir/out" && fail "an ESC byte reached the output"
grep -q $'\xc2\x9b' "$dir/out" && fail "a raw C1 control reached the output"
jq -c "select($s and .hash==10)" "$dir/out" | head -1 |
  jq -e '.name=="Evil\u001b]0;pwned\u0007\u009b"' >/dev/null || fail "the evil name is not kept escaped: $(grep '"hash":10' "$dir/out")"
# Nothing hostile announced a session; each refusal is counted by kind.
[ "$(count_json "$dir/out" "$s and (.hash>=5 and .hash<=8)")" = 0 ] ||
  fail "a refused packet announced a session"
sum=$(jq -c 'select(.event=="summary") | .sap' "$dir/out")
jq -e '.refused.compressed>=1 and .refused.encrypted>=1 and .refused.version>=2
  and .refused.sdp>=1 and .refused.short>=1 and .announced==4 and .deleted==1 and .expired>=1' \
  <<<"$sum" >/dev/null || fail "summary counts: $sum"
pass "announce once, rtpmap and source, admin scope, delete, expire, escapes, hostile counted ($sum)"
