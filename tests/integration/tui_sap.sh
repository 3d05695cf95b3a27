#!/bin/bash
# The Sessions page (--sap) in tmux: announced sessions are listed with
# name, group, port, source, media, origin and age; a name carrying a
# terminal escape is shown escaped; hostile announcements leave the screen
# alive and raise the refused count; Enter joins the selected session with
# its name as the group's label, and its traffic is counted; a deletion
# removes the row. Under the sanitizer build any report fails the test.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"

ANN="python3 $(cd "$(dirname "$0")/../tools" && pwd)/sap-announce.py --iface lo"

start sap 140x30 "\"$MCWATCH\" --sap -i lo"
expect 5 "SAP: listening on 6 groups" "no SAP listening message"
$ANN --hash 1 --name Concert --media 239.1.1.20:5020 --source 127.0.0.1 \
  --kind audio --pt 96 --rtpmap L16/48000/2 --origin 10.0.0.8
$ANN --hash 2 --name 'Evil\x1b]0;pwned\x07' --media 239.1.1.21:5021 --typed
expect 5 "SAP: announced Evil" "second announcement not on the status line"
keys A
expect 3 "Sessions \(SAP\): 2 announced" "the Sessions page did not open"
expect 2 "Concert +239\.1\.1\.20 +5020 +127\.0\.0\.1 +audio +10\.0\.0\.8 +[0-9.]+(ms|s) ago" \
  "Concert's row is not right"
expect 2 'Evil\\x1b\]0;pwned\\x07 +239\.1\.1\.21 +5021 +any +video' \
  "the evil name is not shown escaped"
# Hostile announcements: counted, nothing listed, still alive.
$ANN --garbage 30 --hash 9
$ANN --hash 3 --compressed
$ANN --hash 4 --sap-version 3
$ANN --hash 5 --huge --name Huge --media 239.1.1.22:5022
expect 3 "Sessions \(SAP\): 3 announced, [0-9]+ packets, [1-9][0-9]* refused" \
  "hostile packets not counted as refused"
pid=$(mcw_pid)
[ -n "$pid" ] && kill -0 "$pid" || { dump; fail "mcwatch died on hostile SAP"; }
no_sanitizer_report "hostile SAP: sanitizer report"
# Join Concert (the first row) with Enter: the overview shows its label.
keys Home Enter
expect 5 "joined 239\.1\.1\.20:5020@127\.0\.0\.1%lo" "Enter did not join the session's group"
send 239.1.1.20 5020 lo 25 --text "concert-%n" --source 127.0.0.1
expect 5 "total 25 pkts" "the joined group did not count the session's datagrams"
keys Escape # the overview shows labels
expect 3 "Concert +239\.1\.1\.20:5020" "the joined group is not labelled with the session name"
# A deletion removes the row.
$ANN --hash 2 --delete
keys A
expect 3 "Sessions \(SAP\): 2 announced" "the deletion did not remove a session"
expect_not "Evil.* 5021 " "the deleted session is still listed"
keys Escape q
expect 5 "EXIT=0" "mcwatch did not quit cleanly"
no_sanitizer_report "sanitizer report at exit"
pass "Sessions page: rows, escaped name, hostile counted, Enter joins with label, deletion"
