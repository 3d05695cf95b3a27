#!/bin/bash
# The beacon's matrix screen at 80x24 with 8 beacons (one on screen, seven
# headless, all on lo): every row and column fits and fills; the cursor
# shows a pair's figures with the clock caveat and a loss sparkline; v
# cycles loss, delay, jitter and hops; ? shows a help page that any key
# closes; a stopped beacon is shown gone; a
# shorter window scrolls to the last row; q quits cleanly; without colour
# a lossy row is in reverse video.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"

G=239.255.77.8:7780
bp=()
for i in 2 3 4 5 6 7 8; do
  "$MCWATCH" beacon --headless --report 1 --duration 40 --name "b$i" "$G%lo" >/dev/null 2>&1 &
  bp+=($!)
done
at_exit "kill ${bp[*]} 2>/dev/null"
start bc 80x24 "\"$MCWATCH\" beacon --report 1 --name b1 $G%lo"
expect 5 'mcwatch beacon +figure: loss +b1' "no beacon screen"
expect 5 'One-way delay needs agreeing clocks; jitter not' "no word on one-way delay"
# All 8 rows, and the 8 columns, fill: no "?" (unreported) or "--" left.
expect 6 '^ 8 b8 +(   ·|  0%)' "row 8 not on screen"
for ((t = 0; t < 60; t++)); do
  [ "$(screen | grep -cE '^ [1-8] b[1-8] +([ >] *(·|0%)){8}$')" = 8 ] && break
  sleep 0.1
done
[ "$(screen | grep -cE '^ [1-8] b[1-8] +([ >] *(·|0%)){8}$')" = 8 ] || { dump; fail "the 8x8 matrix did not fill"; }
expect 1 'from \\ to +1 +2 +3 +4 +5 +6 +7 +8' "column numbers"
# The cursor: right to b1 -> b2, its figures and sparkline.
keys Right
expect 3 'b1 -> b2 \((reported|measured here)\) +received [0-9]+ +lost 0 \(0\.00%\)' "no pair figures"
expect 3 'delay [0-9.]+ ms \(max [0-9.]+\)\* +jitter [0-9.]+ ms +hops 0' "no delay/jitter/hops"
expect 3 'loss/report ▁' "no loss sparkline"
keys Down
expect 2 'b2 -> b2' "cursor did not move down"
expect 1 'a beacon does not measure itself' "diagonal"
# The figure key.
keys v
expect 2 'figure: delay' "v: delay"
expect 2 '^ 2 b2 +([ >] *([0-9.]+|·)){8}$' "delay cells"
keys v
expect 2 'figure: jitter' "v: jitter"
keys v
expect 2 'figure: hops' "v: hops"
expect 2 '^ 3 b3 +([ >] *(0|·)){8}$' "hops cells"
keys v
expect 2 'figure: loss' "v cycles back to loss"
# The help page: keys and what the cells mean; any key goes back (and
# does only that: q here does not quit).
keys '?'
expect 2 'mcwatch beacon: help' "? shows no help page"
expect 1 'that receiver has not reported yet' "the help page explains no cells"
expect 1 'one-way delay, ms \(needs agreeing clocks' "the help page explains no figures"
keys q
expect 2 'mcwatch beacon +figure: loss' "a key did not close the help page"
expect 1 '\? help' "the footer does not name the help key"
# A stopped beacon: gone.
kill "${bp[6]}"
expect 8 '^ 8 b8 gone' "b8 not shown gone"
# Shorter: the matrix scrolls to keep the cursor's row in view.
resize 80x12
for k in 1 2 3 4 5 6 7; do keys Down; done
expect 3 '^ 8 b8' "row 8 not scrolled into view"
expect_not '^ 1 b1' "row 1 still shown in 12 lines"
expect 1 'ASM 239.255.77.8:7780  rows [2-8]-8, columns 1-8 of 8' "no word on scrolling"
no_sanitizer_report
keys q
expect 3 'EXIT=0' "q did not quit cleanly"
pass "8 beacons at 80x24: matrix fills, cursor figures and sparkline, v cycles, gone, scrolls, q"

# Without colour, loss still stands out: nft drops 30 % of b3's probes
# (matched by the name in the beacon header: UDP 8 + probe 32 + beacon 22
# bytes in, docs/BEACON.md), and row 3's cells are drawn in reverse video.
nft -f - <<EOF2 || fail "nft refused the ruleset"
table inet loss {
  chain out {
    type filter hook output priority 0;
    udp dport 7781 @th,496,16 0x6233 numgen random mod 100 < 30 drop
  }
}
EOF2
G2=239.255.77.8:7781
for i in 2 3; do
  "$MCWATCH" beacon --headless --report 1 --duration 20 --name "b$i" "$G2%lo" >/dev/null 2>&1 &
  bp+=($!)
done
at_exit "kill ${bp[*]} 2>/dev/null"
tui_new_server
start nc 80x24 "\"$MCWATCH\" beacon --no-color --report 1 --name b1 $G2%lo"
expect 6 '^ 3 b3 +[1-9][0-9]%' "no loss in row 3"
expect 1 '^ 2 b2 +0% +· +0%' "loss outside row 3"
row=$($TM capture-pane -e -p -t nc | grep -a '^ 3 b3')
[ "$(grep -o $'\e\[7m *[1-9][0-9]%' <<<"$row" | wc -l)" = 2 ] || { dump; fail "lossy cells not in reverse without colour: $(cat -v <<<"$row")"; }
grep -q $'\e\[3[0-7]m' <<<"$($TM capture-pane -e -p -t nc)" && { dump; fail "colour with --no-color"; }
keys q
expect 3 'EXIT=0' "q did not quit cleanly"
pass "without colour, loss is in reverse video"
