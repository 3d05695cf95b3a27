#!/bin/bash
# Hostile datagrams: sizes 0, 1 and 65507, random bytes, every control
# byte, terminal escape sequences (OSC title, clear screen, cursor moves,
# alternate screen, bracketed paste, reset, 8-bit CSI), invalid and overlong
# UTF-8, and probes, RTP and MPEG-TS packets with corrupt fields. Headless:
# every datagram counted, every line valid JSON and valid UTF-8, no raw
# control byte. Screen UI (tmux): still running, the count right, the
# escapes shown as text, the pane's title and screen mode untouched.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
. "$(dirname "$0")/tui_lib.sh"
at_exit '[ -n "${hpid:-}" ] && kill "$hpid" 2>/dev/null'

hex() { od -An -v -tx1 | tr -d ' \n'; }
ctl=$(for i in $(seq 0 31) 127 $(seq 128 159); do printf '%02x' "$i"; done)
c1utf8=$(for i in $(seq 128 159); do printf 'c2%02x' "$i"; done)
probe_hdr=4d4357500100002012345678
payloads=(
  "$ctl" "$c1utf8"
  1b5d303b70776e656407 1b5d323b7469746c651b5c # OSC 0 and 2: window title
  1b5b324a1b5b48 1b5b313b3148 1b5b31303b323048 # clear screen, cursor moves
  1b5b3f313034396c 1b5b3f3130343968            # alternate screen off, on
  1b5b3230307e726d202d7266202f0a1b5b3230317e   # bracketed paste
  1b63 9b324a 1b50717765721b5c 1b5b366e        # reset, 8-bit CSI, DCS, DSR
  1b5b33316d7265641b5b306d 1b5b3f32356c         # colour, hide cursor
  c0af e080af f888808080 eda080 f4908080 c3 fffe c0 # bad UTF-8
  e280aee281a6e280a8efbbbf                     # bidi, separators, BOM
  # Probes: header length past the end, text length past the end, version 9.
  "${probe_hdr}ffff000000000000000000000000000000000000"
  "${probe_hdr}00ff0000000000000000000000000001000000000000000061"
  4d43575009000020123456780000000000000000000000000000000200000000
  4d435750                                     # the magic alone
  # RTP: 15 CSRCs in 16 bytes, an extension past the end, all padding.
  8f21000100000064deadbeef00000000
  9021000200000064deadbeefbede0fff
  a021000300000064deadbeef000000ff
  # MPEG-TS: a sync byte alone, a bad sync in the second packet.
  47 "47010010$(printf '%0368d' 0)48010011$(printf '%0368d' 0)"
)
# Sizes 0, 1 and 65507 (the largest IPv4 UDP payload).
payloads+=("" 00 "$(head -c 65507 /dev/urandom | hex)")
# Twenty random datagrams of random sizes up to 1400 bytes.
for i in $(seq 1 20); do
  payloads+=("$(head -c $((RANDOM % 1400 + 1)) /dev/urandom | hex)")
done
total=${#payloads[@]}
printf '%s\n' "${payloads[@]}" >"$TMP/payloads"

# send GROUP PORT: every hostile datagram once, from one sender, one process.
send_all() {
  "$TESTSEND" "$1" "$2" lo 0 --hex-lines "$TMP/payloads" --interval-ms 2 \
    --sport 40999 --source 127.0.0.1 >/dev/null || fail "testsend --hex-lines"
}

# 1. Headless: counts exact, JSON valid, no raw control bytes.
"$MCWATCH" --headless --interval 0 239.255.10.1:10001%lo >"$TMP/out" 2>"$TMP/err" &
hpid=$!
wait_for_line "$TMP/out" 5 '"event":"join"' || fail "headless: no join: $(cat "$TMP/err")"
send_all 239.255.10.1 10001
for ((i = 0; i < 100; i++)); do
  [ "$(grep -c '"event":"datagram"' "$TMP/out")" -ge $total ] && break
  sleep 0.05
done
kill -TERM $hpid
wait $hpid || fail "headless: exit $? after SIGTERM: $(cat "$TMP/err")"
hpid=
jq -c . "$TMP/out" >/dev/null || fail "headless: a line is not JSON"
iconv -f UTF-8 -t UTF-8 "$TMP/out" >/dev/null || fail "headless: output is not valid UTF-8"
LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$TMP/out" && fail "headless: a raw control byte reached the output"
[ "$(tr -d -c '\000' <"$TMP/out" | wc -c)" = 0 ] || fail "headless: a NUL reached the output"
got=$(tail -n 1 "$TMP/out" | jq .datagrams)
[ "$got" = $total ] || fail "headless: $got datagrams counted, $total sent"
[ "$(count_json "$TMP/out" '.event == "datagram"')" = $total ] || fail "headless: datagram lines != $total"
[ "$(jq -s '[.[] | select(.event == "datagram") | .len] | max' "$TMP/out")" = 65507 ] ||
  fail "headless: the 65507-byte datagram is missing"
jq -r 'select(.event == "datagram") | .text' "$TMP/out" | grep -qF '\x1b]0;pwned\x07' ||
  fail "headless: the OSC title payload is not shown escaped"
pass "headless: $total hostile datagrams counted, valid JSON and UTF-8, no raw control"

# 2. Screen UI: the same datagrams; title, alternate screen and modes kept.
start ui 160x50 "\"$MCWATCH\" 239.255.10.2:10002%lo"
expect 5 joined "ui: group not joined"
title=$(pane_flag pane_title)
send_all 239.255.10.2 10002
sleep 0.5
$TM capture-pane -p -e -t ui >"$TMP/screen-e"
screen >"$TMP/screen"
pid=$(mcw_pid)
[ -n "$pid" ] && kill -0 "$pid" || { cat "$TMP/screen" >&2; fail "ui: mcwatch died"; }
[ "$(pane_flag pane_title)" = "$title" ] || fail "ui: a payload changed the pane title"
[ "$(pane_flag alternate_on)" = 1 ] || fail "ui: a payload left the alternate screen"
grep -qF 'pwne' "$TMP/screen-e" && ! grep -qF '\x1b]0;pwne' "$TMP/screen-e" &&
  fail "ui: OSC payload text shown unescaped"
grep -q $'\x1b\\]' "$TMP/screen-e" && fail "ui: an OSC sequence reached the screen"
grep -qF '[200~' "$TMP/screen-e" && ! grep -qF '\x1b[200~' "$TMP/screen-e" &&
  fail "ui: bracketed paste shown unescaped"
grep -q "total $total pkts" "$TMP/screen" || { cat "$TMP/screen" >&2; fail "ui: count $total not on screen"; }
keys q
expect 5 '^EXIT=0$' "ui: quit did not exit 0"
pass "screen UI: $total hostile datagrams, title and screen kept, escapes shown as text"
