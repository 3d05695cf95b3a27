#!/bin/bash
# Interface and file names are text from outside: a name may hold an escape
# sequence, invalid UTF-8, zero-width characters or a leading combining
# mark (all legal for `ip link add`). -L prints them escaped, padded by the
# columns they take; -L --json escapes them the JSON way and decodes back
# to the exact name; error messages quote them and --write paths escaped;
# the screen UI shows them escaped in the tab bar, the pane and the
# interface picker, and the terminal's title is never set.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
. "$(dirname "$0")/tui_lib.sh"

N1=$'\e]0;PWN\a' N2=$'p\u200dq\u0301' N3=$'\u0301ab' N4=$'\xff\xfe'
N5=$'h\u3164\u00ad\u115f' N6=$'e\u0301\u0301x'
ip link add name "$N1" type veth peer name "$N2" &&
  ip link add name "$N3" type veth peer name "$N4" &&
  ip link add name "$N5" type veth peer name "$N6" ||
  { echo "SKIPPED: $(basename "$0"): cannot make veth pairs here" >&2; exit 77; }
idx() { ip -o link show dev "$1" | cut -d: -f1; }
# raw FILE: fails when FILE holds a control byte or a zero-width character.
raw() {
  LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$1" && return 0
  LC_ALL=C grep -qF -e $'\u200d' -e $'\u00ad' -e $'\u3164' -e $'\uffa0' "$1" && return 0
  LC_ALL=C grep -q $'^\xcc\x81\|\\\\\xcc\x81' "$1" && return 0 # a leading mark
  return 1
}

# 1. -L in a UTF-8 locale: escaped, a mark kept on its base, columns padded.
LC_ALL=C.UTF-8 "$MCWATCH" -L >"$TMP/l" 2>&1 || fail "-L failed: $(cat "$TMP/l")"
raw "$TMP/l" && { cat -v "$TMP/l" >&2; fail "-L printed a name raw"; }
for want in '\x1b]0;PWN\x07 ' $'p\\u{200d}q\u0301 ' '\u{0301}ab ' '\xff\xfe ' \
  'h\u{3164}\u{00ad}\u{115f} '; do
  grep -qF -- "$want" "$TMP/l" || { cat -v "$TMP/l" >&2; fail "-L lacks: $want"; }
done
# "e" with two marks, then "x": two columns, padded to 15 like every name.
line=$(printf '%s%13s %3u  down' "$N6" '' "$(idx "$N6")")
grep -qF -- "$line" "$TMP/l" || { cat -v "$TMP/l" >&2; fail "-L pads by bytes, not columns"; }
pass "-L: names escaped, marks on their base kept, columns padded"

# 2. -L in the C locale: ASCII only.
LC_ALL=C "$MCWATCH" -L >"$TMP/c" 2>&1 || fail "-L (C locale) failed"
LC_ALL=C grep -q $'[\x80-\xff]' "$TMP/c" && { cat -v "$TMP/c" >&2; fail "-L (C locale) is not ASCII"; }
grep -qF 'e\u{0301}\u{0301}x' "$TMP/c" || { cat "$TMP/c" >&2; fail "-L (C locale) lacks the escaped mark"; }
pass "-L in the C locale: ASCII only"

# 3. -L --json: escaped the JSON way; decodes back to every exact name.
"$MCWATCH" -L --json >"$TMP/j" 2>&1 || fail "-L --json failed: $(cat "$TMP/j")"
raw "$TMP/j" && { cat -v "$TMP/j" >&2; fail "-L --json printed a name raw"; }
for n in "$N1" "$N2" "$N3" "$N5" "$N6"; do
  [ "$(jq -r --arg n "$n" 'select(.name == $n) | .index' "$TMP/j")" = "$(idx "$n")" ] ||
    { cat -v "$TMP/j" >&2; fail "-L --json: $(printf %q "$n") not listed as itself"; }
done
pass "-L --json: names escaped and exact"

# 4. Error messages: names, endpoints and --write paths, never raw.
"$MCWATCH" --headless --duration 0.5 "239.255.13.1:13001%$N5" >"$TMP/o" 2>"$TMP/e"
raw "$TMP/e" && { cat -v "$TMP/e" >&2; fail "headless stderr holds a raw name"; }
raw "$TMP/o" && { cat -v "$TMP/o" >&2; fail "headless JSON holds a raw name"; }
grep -qF '%h\u3164\u00ad\u115f' "$TMP/o" || { cat -v "$TMP/o" >&2; fail "headless JSON lacks the escaped name"; }
"$MCWATCH" --headless "239.255.13.1:13001%$N1" >"$TMP/o" 2>"$TMP/e"
raw "$TMP/e" && { cat -v "$TMP/e" >&2; fail "endpoint error holds a raw name"; }
grep -qF '%\x1b]0;PWN\x07' "$TMP/e" || { cat -v "$TMP/e" >&2; fail "endpoint error: name not escaped (or escaped twice)"; }
"$MCWATCH" --headless --write "/nonexistent/$N1$N2.pcap" 239.255.13.1:13001%lo \
  >"$TMP/o" 2>"$TMP/e"
rc=$?
[ $rc = 1 ] || fail "--write to a missing directory: exit $rc, not 1"
raw "$TMP/e" && { cat -v "$TMP/e" >&2; fail "--write error holds the path raw"; }
grep -qF '/nonexistent/\x1b]0;PWN\x07p\u{200d}q' "$TMP/e" ||
  { cat -v "$TMP/e" >&2; fail "--write error does not name the path escaped"; }
"$MCWATCH" --headless -i "$N4$N1" 239.255.13.1:13001 >"$TMP/o" 2>"$TMP/e"
raw "$TMP/e" && { cat -v "$TMP/e" >&2; fail "--iface error holds the name raw"; }
grep -qF -- '--iface \xff\xfe\x1b]0;PWN\x07: no such interface' "$TMP/e" ||
  { cat -v "$TMP/e" >&2; fail "--iface error does not name it escaped"; }
pass "error messages quote names and paths escaped"

# 5. The screen UI: tab bar, pane, picker and the exit line.
N7=$'h\u3164x'
ip link add name "$N7" type veth peer name mcwpeer7 || fail "ip link add"
printf '"%s" --write "%s" 239.255.13.1:13001%%lo "%s"\n' "$MCWATCH" \
  "$TMP/$N1.pcap" "239.255.13.2:13002%$N7" >"$TMP/run.sh"
start ui 120x40 "sh $TMP/run.sh"
title=$(pane_flag pane_title)
expect 5 'h\\u\{3164\}x' "overview: name not shown escaped"
keys Enter # the first group's pane: the tab bar names both
expect 5 '2 239\.255\.13\.2:13002%h\\u\{3164\}x' "tab bar: name not escaped"
expect 1 'iface h\\u\{3164\}x \(' "pane title: name not escaped"
keys Tab i
expect 3 'Rejoin 239\.255\.13\.2:13002%h\\u\{3164\}x on' "picker did not open on the name"
# Names padded by what is drawn: the index column lines up.
expect 1 "│ mcwpeer7 +$(idx mcwpeer7)  down" "picker: mcwpeer7 row missing"
col() { screen | grep -F "│ $1 " | head -1 | sed 's/  down.*//' | wc -m; }
[ "$(col 'h\u{3164}x')" = "$(col mcwpeer7)" ] || { dump; fail "picker: columns do not line up"; }
keys Escape
$TM capture-pane -p -e -t ui >"$TMP/s"
LC_ALL=C grep -q $'\e\\]' "$TMP/s" && fail "screen: an OSC sequence reached the terminal"
[ "$(pane_flag pane_title)" = "$title" ] || fail "screen: the pane title changed"
keys q
expect 5 '^EXIT=0$' "q did not exit 0"
expect 1 'recorded 0 datagrams in .*/\\x1b\]0;PWN\\x07\.pcap' "exit line: path not escaped"
[ "$(pane_flag pane_title)" = "$title" ] || fail "exit line: the pane title changed"
pass "screen UI: names and the --write path escaped; the title untouched"
