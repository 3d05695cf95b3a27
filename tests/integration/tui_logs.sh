#!/bin/bash
# Long texts are never lost at the screen's edge: at 60 columns the doctor's
# report wraps (continuations indented under the check's text) and
# scrolls; the message log (m) keeps a long message in full; the outage
# log (o) lists an alarm raised and cleared, with the datagrams lost; the
# bell rings (--bell) when an alarm is raised.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"

G=239.255.34.1 P=34001
start lg 60x20 "\"$MCWATCH\" --no-config --bell --silence 1 $G:$P%lo"
expect 5 "joined $G:$P%lo" "monitor did not start"

# 1. The doctor wraps at 60 columns: a continuation row, nothing cut.
keys d
expect 10 "mcwatch doctor" "doctor page did not open"
screen >"$TMP/doc"
grep -q '^                    [^ ]' "$TMP/doc" || { dump; fail "doctor: no wrapped continuation row at 60 columns"; }
keys Down Down Down
sleep 0.2
keys q
expect 2 "q Quit" "doctor page did not close"
pass "the doctor's report wraps at 60 columns and scrolls"

# 2. A long message, cut on the status line, is whole in the message log.
long="239.255.34.2:34002%no-such-interface-with-a-long-name-x"
keys a
typed "$long"
keys Enter
sleep 0.3
keys m
expect 2 "Messages, newest last" "message log did not open"
screen | tr -d '\n' | tr -s ' ' >"$TMP/msgs"
grep -q "no-such-interface" "$TMP/msgs" || { dump; fail "message log lacks the long message"; }
[ "$(screen | grep -c .)" -ge 3 ] || { dump; fail "message log is empty"; }
keys Escape
pass "a long message is kept whole in the message log"

# 3. An alarm raised and cleared: in the outage log with what was lost.
send $G $P lo 0 --probe-seqs 0-19 --interval-ms 5 --sport 41001 --source 127.0.0.1
expect 4 "ALARM $G:$P%lo: silent" "no silence alarm on the status line"
[ "$($TM display -p -t "$TS" '#{window_bell_flag}')" = 1 ] || fail "--bell did not ring"
send $G $P lo 0 --probe-seqs 25-30 --interval-ms 5 --sport 41001 --source 127.0.0.1
sleep 1
keys o
expect 2 "Outages: " "outage log did not open"
expect 3 "silence +5 +${G//./\\.}:3" "outage log lacks the cleared silence with 5 lost"
keys Escape q
expect 5 "^EXIT=0$" "q did not exit 0"
pass "the outage log shows the silence raised and cleared, 5 lost; the bell rang"
