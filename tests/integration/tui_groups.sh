#!/bin/bash
# Groups come and go under the screen UI without a crash, in the tiled
# layout (120x40, 200x60) and the single one: Shift-Tab then l l removes the
# last of three groups while it is selected; the first and the middle ones
# go too, then every group, and keys with no group at all do nothing
# harmful; a rejoin through the interface picker keeps the group's place;
# and each mode (main, help, prompt, inspector, picker, doctor) survives
# resizes down to 1x1 and back. Under the sanitizer build any report on the
# screen fails the test.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"

G1=239.255.11.1:11001 G2=239.255.11.2:11002 G3=239.255.11.3:11003
THREE="\"$MCWATCH\" $G1%lo $G2%lo $G3%lo"

alive() {
  local pid
  pid=$(mcw_pid)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || { dump; fail "$1: mcwatch died"; }
  no_sanitizer_report "$1: sanitizer report"
}

for size in 120x40 200x60; do
  tui_new_server
  start s$size $size "$THREE"
  expect 5 "joined $G3%lo" "$size: three groups not joined"
  keys Enter # from the overview to the panes
  expect 5 "3 $G3%lo joined" "$size: panes not opened"
  # 1. The reported crash: the last group selected, left and removed.
  keys BTab
  expect 2 "> ${G3%:*}:${G3#*:} " "$size: Shift-Tab did not select the last group"
  keys x
  expect 2 "left $G3%lo" "$size: l did not leave"
  keys x y
  expect 2 "removed $G3%lo" "$size: second l did not remove"
  alive "$size: Shift-Tab l l"
  expect 2 "> ${G2%:*}:${G2#*:} " "$size: the group before the removed one is not selected"
  expect_not " 3 $G3%lo (joined|left)" "$size: the removed group is still listed"
  # 2. The first group, selected, removed: the next one takes its place.
  keys Tab
  expect 2 "> ${G1%:*}:${G1#*:} " "$size: Tab did not wrap to the first group"
  keys x x y
  expect 2 "removed $G1%lo" "$size: first group not removed"
  alive "$size: first group removed"
  expect 2 "> ${G2%:*}:${G2#*:} " "$size: the remaining group is not selected"
  # 3. The last one: nothing listed, and every key still answers.
  keys x x y
  expect 2 "no groups: press a" "$size: empty list not said"
  for k in Tab BTab Left Right Up Down Home End PPage NPage Enter x c p p i d Escape; do
    keys "$k"
  done
  keys s
  sleep 0.3
  alive "$size: keys with no group"
  keys Escape
  # 4. Join again: listed and selected.
  keys a
  typed "$G3%lo"
  keys Enter
  expect 3 "joined $G3%lo" "$size: join after removing everything failed"
  expect 1 "^ *${G3//./\\.}%lo +waiting" "$size: the joined group is not in the overview"
  keys q
  expect 5 "^EXIT=0$" "$size: q did not exit 0"
  pass "$size: groups removed last, first and all, then joined again"
done

# 5. The interface picker rejoins a group in its place (number 1 stays 1).
tui_new_server
start pick 120x40 "$THREE"
expect 5 "joined $G3%lo" "picker: groups not joined"
keys Enter
expect 5 "3 $G3%lo joined" "picker: panes not opened"
keys i
expect 2 "Rejoin $G1%lo on" "picker did not open for the first group"
keys Enter
expect 3 "1 $G1%lo joined" "picker: the rejoined group moved"
expect 1 "> ${G1%:*}:${G1#*:} " "picker: the rejoined group is not selected"
keys x x y
expect 2 "removed $G1%lo" "picker: rejoined group not removed"
alive "picker rejoin then remove"
expect 2 "> ${G2%:*}:${G2#*:} " "picker: the next group is not selected"
keys q
expect 5 "^EXIT=0$" "picker: q did not exit 0"
pass "a rejoin keeps the group's place; removing it keeps the rest"

# 6. Every mode through tiny sizes and back.
tui_new_server
start tiny 120x40 "$THREE"
expect 5 "joined $G3%lo" "tiny: groups not joined"
keys Enter
expect 5 "3 $G3%lo joined" "tiny: panes not opened"
send ${G1%:*} ${G1#*:} lo 3 --text "tiny %n" --source 127.0.0.1
expect 3 "tiny 3" "tiny: datagram not shown"
sizes="1x1 2x2 10x3 29x5 30x6 31x7 40x8 60x10 79x14 157x20 1x40 200x2 120x40"
for mode in main help prompt inspector picker doctor; do
  case $mode in
    help) keys '?' ;;
    prompt) keys a ;;
    inspector) keys Enter ;;
    picker) keys i ;;
    doctor) keys d ;;
  esac
  for sz in $sizes; do
    resize "$sz"
    sleep 0.05
  done
  expect 3 "." "tiny: $mode: nothing on the screen"
  alive "tiny: $mode through tiny sizes"
  keys Escape
  sleep 0.1
  [ $mode = prompt ] || keys Escape
  expect 3 "q Quit" "tiny: $mode: main screen not back"
done
keys q
expect 5 "^EXIT=0$" "tiny: q did not exit 0"
pass "every mode survives resizes down to 1x1 and back"
