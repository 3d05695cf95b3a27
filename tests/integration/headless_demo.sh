#!/usr/bin/env bash
# The demo shows live traffic at once: two local senders on the demo group,
# payloads with control bytes escaped, and lo left as it was found.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

flags_before=$(ip -o link show lo | grep -o '<[^>]*>')
routes_before=$(ip route show table all dev lo | sort)
timeout 20 "$MCWATCH" --demo --headless --count 40 --interval 0 >"$dir/out" 2>"$dir/err"
rc=$?
[ $rc = 0 ] || fail "exit $rc: $(cat "$dir/err")"
jq -e . "$dir/out" >/dev/null || fail "invalid JSON"
n=$(grep -c '"event":"datagram"' "$dir/out")
[ "$n" = 40 ] || fail "$n datagram lines, wanted 40"
senders=$(jq -r 'select(.event=="datagram") | "\(.from):\(.sport)"' "$dir/out" | sort -u | wc -l)
[ "$senders" = 2 ] || fail "$senders senders, wanted 2"
jq -r 'select(.event=="datagram") | .from' "$dir/out" | grep -qv '^127\.0\.0\.1$' &&
  fail "a demo datagram not from 127.0.0.1"
# Demo payload 10 of sender 1 carries ESC and BEL: they must come escaped.
grep -q $'\x1b' "$dir/out" && fail "a raw ESC byte in the output"
jq -r 'select(.event=="datagram") | .text' "$dir/out" | grep -qF '\x1b]0;title\x07' ||
  fail "escaped control bytes not shown"
[ "$(ip -o link show lo | grep -o '<[^>]*>')" = "$flags_before" ] || fail "lo flags changed"
[ "$(ip route show table all dev lo | sort)" = "$routes_before" ] || fail "routes on lo changed"
pass "demo: 40 datagrams from 2 senders, escapes shown, lo restored"
