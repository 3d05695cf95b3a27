#!/bin/bash
# Payloads whose characters have no width, two columns, or a width the
# locale cannot tell (zero width joiner, soft hyphen, combining grapheme
# joiner, Hangul fillers, leading combining marks, variation selectors,
# CJK, emoji, an unassigned code point) never shift a row: in a 200x60
# tiled screen with two groups, the separator between the panes stays in
# one column on every row, and the invisible characters show escaped.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"

start w 200x60 "\"$MCWATCH\" 239.255.14.1:14001%lo 239.255.14.2:14002%lo"
expect 5 "joined 239\.255\.14\.2:14002%lo" "groups not joined"
keys Enter # from the overview to the panes, tiled side by side
expect 5 "2 239\.255\.14\.2:14002%lo joined" "panes not opened"
# Each payload is "<" + characters + ">": ZWJ, soft hyphen, CGJ, fillers
# U+115F U+1160 U+3164 U+FFA0, a leading acute, a leading Hangul vowel,
# VS16 after a heart, ZWSP, BOM, CJK and an emoji, an unassigned U+3FFFD.
for hex in 3ce2808d3e 3cc2ad3e 3ccd8f3e 3ce1859f3e 3ce185a03e 3ce385a43e \
  3cefbea03e cc8161623e e185a13e 3ce29da4efb88f3e 3ce2808b3e 3cefbbbf3e \
  3ce697a5e69cacf09f98803e 3cf0bfbfbd3e; do
  send 239.255.14.1 14001 lo 1 --hex "$hex" --source 127.0.0.1
  send 239.255.14.2 14002 lo 1 --hex "$hex" --source 127.0.0.1
done
expect 3 "total 14 pkts" "datagrams not counted"
sleep 0.3
screen >"$TMP/s"
for want in '<\u{200d}>' '<\u{00ad}>' '<\u{034f}>' '<\u{115f}>' '<\u{1160}>' \
  '<\u{3164}>' '<\u{ffa0}>' '\u{0301}ab>' '\u{1161}>' '\u{fe0f}>' '<\u{200b}>' \
  '<\u{feff}>' '<\u{3fffd}>'; do
  grep -qF -- "$want" "$TMP/s" || { dump; fail "not shown escaped: $want"; }
done
# The separator column: the display width before the first "│" on each row.
cols=$(grep '│' "$TMP/s" | sed 's/│.*//' | while IFS= read -r l; do
  printf '%s' "$l" | LC_ALL=C.UTF-8 wc -L
done | sort -u)
[ "$(echo "$cols" | wc -l)" = 1 ] || { dump; fail "the pane separator moves: columns $(echo $cols)"; }
pass "zero-width, wide and unknown characters: rows aligned, invisibles escaped"
keys q
expect 5 "^EXIT=0$" "q did not exit 0"
