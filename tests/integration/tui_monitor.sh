#!/bin/bash
# The screen UI driven through tmux on loopback groups in a private network
# namespace: traffic shows with sender and count, j joins a second group,
# l leaves it, s sends to a headless receiver, hostile payloads stay
# escaped, the inspector, help, pause, filter and interface picker answer,
# a resize to 60x20 and back keeps it readable, and q exits 0 restoring the
# terminal. Each assertion reads the screen with capture-pane.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"
RECV_PID=
at_exit '[ -n "$RECV_PID" ] && kill "$RECV_PID" 2>/dev/null'

G1=239.255.7.1 P1=7001 G2=239.255.7.2 P2=7002

start mcw 100x30 "\"$MCWATCH\" $G1:$P1%lo"

# 1. The first group joins; datagrams show with their sender and count.
expect 5 "> $G1:$P1 .*joined" "first group not joined"
send $G1 $P1 lo 5 --text "hello-tui %n" --sport 40001 --source 127.0.0.1
expect 3 "127\.0\.0\.1:40001 +[0-9]+ +hello-tui 5" "datagram row with sender and text missing"
expect 3 "total 5 pkts" "group total is not 5"
expect 3 "^  127\.0\.0\.1:40001 +5 +" "sender table does not count 5 datagrams"
send $G1 $P1 lo 1 --text "utf8 héllo ✓ wörld" --sport 40001 --source 127.0.0.1
expect 3 "utf8 héllo ✓ wörld" "UTF-8 payload not shown as text"
pass "datagrams show with sender and count, UTF-8 as text"

# 2. A bad endpoint is refused with the command line's words.
keys a; typed "239.1.2.300:5000"; keys Enter
expect 3 "239\.1\.2\.300: not an IPv4 address" "bad endpoint not refused"

# 3. a joins a second group, which shows its own traffic only.
keys a; typed "junk"; keys C-u; typed "$G2:$P2%lo"; keys Enter
expect 3 "2 $G2:$P2%lo joined" "second group not in the tab bar"
expect 3 "> $G2:$P2 " "second group not selected"
send $G2 $P2 lo 3 --text "second-group %n" --sport 40002 --source 127.0.0.1
expect 3 "127\.0\.0\.1:40002 +[0-9]+ +second-group 3" "second group traffic missing"
expect_not "hello-tui" "first group's traffic shown in the second group's pane"
keys a; typed "$G1:$P1%lo"; keys Enter
expect 3 "$G1:$P1%lo is already listed" "duplicate join not refused"
expect 1 "> $G1:$P1 " "duplicate join did not select the existing group"
keys Tab
expect 2 "> $G2:$P2 " "Tab did not select the second group"
pass "a joins a second group with its own traffic; duplicates refused"

# 4. Prompt history: Up recalls the last endpoint; Esc cancels.
keys a Up
expect 2 "join .*: $G1:$P1%lo" "history did not recall the last endpoint"
keys Up
expect 2 "join .*: $G2:$P2%lo" "history did not recall the one before"
keys Escape
expect 2 "cancelled" "Esc did not cancel the prompt"

# 5. x leaves the second group: state left, no more traffic counted.
keys x
expect 3 "left $G2:$P2%lo" "leave not reported"
expect 3 "2 $G2:$P2%lo left" "tab does not show state left"
send $G2 $P2 lo 2 --text "after-leave %n" --sport 40002 --source 127.0.0.1
sleep 0.5
expect_not "after-leave" "datagrams shown after leaving"
expect 1 "total 3 pkts" "counters changed after leaving"
keys x
expect 2 "remove $G2:$P2%lo and its figures\? \(y/N\)" "second x did not ask"
keys y
expect 3 "removed $G2:$P2%lo" "second x did not remove the pane"
pass "x leaves, then removes"

# 6. s sends to the selected group; a headless receiver gets it.
"$MCWATCH" --headless -n 1 -d 8 "$G1:$P1%lo" >"$TMP/recv.jsonl" 2>"$TMP/recv.err" &
RECV_PID=$!
wait_for_line "$TMP/recv.jsonl" 5 '"event":"join"' || fail "headless receiver did not join"
keys s
expect 2 "send to $G1:$P1%lo via lo \(TTL 1" "send prompt does not show TTL and interface"
typed "ping-from-tui"; keys Enter
expect 3 "sent probe #0 \(13 bytes of text\) to $G1:$P1%lo via lo \(TTL 1" "send not confirmed"
wait "$RECV_PID" || fail "headless receiver failed"
RECV_PID=
grep -q '"text":"ping-from-tui"' "$TMP/recv.jsonl" || fail "headless receiver did not get the message"
expect 3 " seq 0 ping-from-tui" "own probe (sequence and text) not in the list"
pass "s sends a message that a headless receiver gets"

# 7. Hostile payload: OSC title and clear-screen stay escaped.
TITLE_BEFORE=$(pane_flag pane_title)
# ESC ] 0 ; pwned BEL, then " x ", ESC [ 2 J, " evil-end"
send $G1 $P1 lo 1 --hex 1b5d303b70776e6564072078201b5b324a206576696c2d656e64 --sport 40003 --source 127.0.0.1
expect 3 '\\x1b\]0;pwned\\x07 x \\x1b\[2J evil-end' "hostile payload not shown escaped"
sleep 0.3
TITLE_AFTER=$(pane_flag pane_title)
[ "$TITLE_AFTER" = "$TITLE_BEFORE" ] || fail "pane title changed to '$TITLE_AFTER'"
case $TITLE_AFTER in *pwned*) fail "pane title was set by a payload" ;; esac
expect 1 "hello-tui 5" "screen was cleared by a payload"
expect 1 "> $G1:$P1 .*joined" "header lost after hostile payload"
pass "escape sequences in payloads are shown escaped and do nothing"

# 8. Enter opens the inspector on the selected (newest) datagram.
keys Enter
expect 2 "Datagram #[0-9]+ of $G1:$P1%lo" "inspector did not open"
expect 1 "from +127\.0\.0\.1:40003" "inspector does not show the sender"
expect 1 "^ 0000  1b 5d 30 3b 70 77 6e 65  64 07 20 78 20 1b 5b 32  \|\.\]0;pwned\. x \.\[2\|" \
  "inspector hexdump wrong"
keys Escape
expect 2 "q Quit" "inspector did not close"

# 9. Up/Down select rows; the inspector follows the selection.
keys Down Down Enter
expect 2 "Datagram #[0-9]+ of" "inspector did not open on a selected row"
expect 1 "from +127\.0\.0\.1:40001" "Down did not move to an older datagram"
keys Escape Home

# 10. The help screen lists the keys from the key table.
keys '?'
expect 2 "^Everywhere" "help did not open"
expect 1 "^  a/\+ +Join a group" "help lacks the join key with its alias"
keys NPage NPage
expect 1 "^  Ctrl-U +Delete everything before the cursor" "help lacks prompt keys"
keys x
expect 2 "q Quit" "help did not close"

# 11. p pauses the list; counting goes on.
keys p
expect 2 "PAUSED" "pause not shown"
send $G1 $P1 lo 2 --text "while-paused %n" --sport 40001 --source 127.0.0.1
expect 3 "^  127\.0\.0\.1:40001 +8 +" "counting stopped while paused"
expect_not "while-paused" "list not frozen while paused"
keys p
expect 2 "while-paused 2" "list did not resume"
pass "pause freezes the list while counting goes on"

# 12. / filters by sender.
keys /; typed "40003"; keys Enter
expect 2 "showing senders matching" "filter not applied"
expect_not "hello-tui" "filter shows other senders"
expect 1 "evil-end" "filter hides the matching sender"
keys / C-u Enter
expect 2 "hello-tui 5" "clearing the filter did not show all"

# 13. c clears the selected group's counters.
keys c y
expect 2 "total 0 pkts" "c did not clear counters"

# 14. i lists multicast interfaces and rejoins there.
keys i
expect 2 "Rejoin $G1:$P1%lo on" "interface picker did not open"
expect 1 "lo +1 +up +loopback" "picker does not list lo"
keys Enter
expect 3 "rejoined $G1:$P1%lo on lo" "rejoin not reported"
send $G1 $P1 lo 2 --text "after-rejoin %n" --sport 40001 --source 127.0.0.1
expect 3 "after-rejoin 2" "no traffic after rejoin"
pass "help, inspector, filter, clear and the interface picker answer"

# 15. Resize to 60x20 and back: still running and readable.
resize 60x20
expect 3 "> $G1:$P1 " "header lost at 60x20"
send $G1 $P1 lo 1 --text "small-screen" --sport 40001 --source 127.0.0.1
expect 3 "small-screen" "no traffic shown at 60x20"
[ "$(screen | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')" -le 60 ] ||
  fail "lines wider than 60 columns at 60x20"
expect 1 "q Quit" "footer lost at 60x20"
resize 100x30
expect 3 "Enter Inspect" "full footer not back at 100x30"
expect 1 "^  SENDER +PACKETS +BYTES" "sender table not back at 100x30"
pass "resize to 60x20 and back keeps it readable"

# 16. q quits with status 0 and gives the terminal back.
keys q
expect 5 "^EXIT=0$" "q did not exit with status 0"
[ "$(pane_flag alternate_on)" = 0 ] || fail "alternate screen still on"
expect_not "q Quit" "monitor still on screen after q"
pass "q exits 0 and restores the terminal"
