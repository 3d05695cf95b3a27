#!/bin/bash
# The overview with 200 groups from a channel list, at 80x24 and 200x60:
# at least 15 groups on screen; a group whose sender stops is flagged
# "silent" within --silence plus a second and sorts to the top; a lossy
# group shows its loss; Enter opens the selected group's pane and Esc comes
# back with the selection kept; / finds a group by its label; < and > sort
# by a column named in the header.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"

N=200
for i in $(seq 1 $N); do
  printf '239.255.40.%d:%d%%lo Chan %03d\n' "$i" $((40000 + i)) "$i"
done >"$TMP/channels.txt"
# Every group but 150 and 77 from one sender; 150 from its own, stopped later.
eps=()
for i in $(seq 1 $N); do
  [ "$i" = 150 ] || [ "$i" = 77 ] || eps+=("239.255.40.$i:$((40000 + i))%lo")
done

for size in 80x24 200x60; do
  tui_new_server
  "$MCWATCH" send -r 5 -d 40 "${eps[@]}" 2>/dev/null &
  bulk=$!
  "$MCWATCH" send -r 20 -d 40 239.255.40.150:40150%lo 2>/dev/null &
  quiet=$!
  at_exit "kill $bulk $quiet 2>/dev/null"
  start ov$size $size "\"$MCWATCH\" --no-config --silence 2 -f channels.txt"
  expect 10 "200 groups: " "$size: overview not shown"
  expect 10 "200 groups: 19[0-9] receiving" "$size: groups not receiving"
  rows=$(screen | grep -c '239\.255\.40\.')
  [ "$rows" -ge 15 ] || { dump; fail "$size: only $rows groups on screen"; }
  width=$(screen | LC_ALL=C.UTF-8 wc -L)
  [ "$width" -le "${size%x*}" ] || fail "$size: lines wider than the terminal"

  # A lossy group: probes 0-49 and 60-99 (10 lost).
  send 239.255.40.77 40077 lo 0 --probe-seqs 0-49,60-99 --interval-ms 2 \
    --sport 40777 --source 127.0.0.1
  keys /; typed "Chan 077"; keys Enter
  expect 3 " 10 10\.0%" "$size: the lossy group does not show its loss"
  [ "$(screen | grep -c '239\.255\.40\.')" = 1 ] || { dump; fail "$size: filter by label shows other groups"; }
  keys / C-u Enter
  expect 3 "filter off: all groups" "$size: filter not cleared"

  # The sender of group 150 stops: silent within 2 + 1 s, at the top.
  kill "$quiet"
  expect 4 "^.{0,40}(239\.255\.40\.150:40150%lo|Chan 150) .*silent" "$size: stopped group not flagged silent in 3 s"
  # Groups in alarm come first: 150 is above every healthy row. Home puts
  # the selection (still on the filtered group) and the view at the top.
  keys Home
  sleep 0.2
  at=$(screen | grep -n -m1 '239\.255\.40\.150:40150' | cut -d: -f1)
  ok=$(screen | grep -n -m1 ' ok ' | cut -d: -f1)
  [ -n "$at" ] && [ -n "$ok" ] && [ "$at" -lt "$ok" ] ||
    { dump; fail "$size: the silent group is not above the healthy ones"; }
  expect 1 "in alarm" "$size: the top line does not count alarms"

  # Enter opens the selected group; Esc comes back with it still selected.
  keys Home
  for ((k = 1; k < at - 2; k++)); do keys Down; done
  keys Enter
  expect 3 "> 239\.255\.40\.150:40150 " "$size: Enter did not open the silent group's pane"
  keys Escape
  expect 3 "200 groups: " "$size: Esc did not come back to the overview"
  keys Enter
  expect 3 "> 239\.255\.40\.150:40150 " "$size: the selection was not kept across Esc"
  keys Escape End Enter
  expect 3 "> 239\.255\.40\.200:40200 " "$size: End then Enter did not open the last group"
  keys Escape

  # Sort by a column: its title is marked in the header, and reversed.
  keys '>'
  expect 2 "^LABEL\^ +ENDPOINT " "$size: > did not mark the label column as sorted"
  keys I
  expect 2 "^LABELv +ENDPOINT " "$size: I did not reverse"
  top=$(screen | grep -m1 '239\.255\.40\.')
  case "$top" in
  *Chan\ 200* | *239.255.40.200:40200* | *239.255.40.99:40099*) ;;
  *) dump; fail "$size: reversed sort does not start at the end: $top" ;;
  esac
  keys q
  expect 5 "^EXIT=0$" "$size: q did not exit 0"
  kill $bulk 2>/dev/null
  wait $bulk 2>/dev/null
  pass "$size: 200 groups; $rows on screen; silent flagged and on top; loss shown; Enter/Esc keep the selection; filter and sort"
done
