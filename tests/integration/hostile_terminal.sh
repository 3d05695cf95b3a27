#!/bin/bash
# The terminal is never left broken: SIGHUP, and the fatal signals SIGSEGV
# and SIGABRT sent with kill, each leave the normal screen, echo and
# canonical mode back; a storm of 50 resizes while traffic flows leaves the
# monitor running and readable; an empty TERM and stdin that is not a
# terminal (stdout is) each give one line that suggests --headless.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"
# Under ASan, let our SIGSEGV handler run instead of ASan's report.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allow_user_segv_handler=1:handle_abort=0"

EP=239.255.9.1:9001%lo

# 1-3. SIGHUP exits cleanly; SIGSEGV and SIGABRT die of the signal. All
# three leave the terminal as they found it.
for sig in HUP SEGV ABRT; do
  s=sig$sig
  run $s "ulimit -c 0; \"$MCWATCH\" $EP"
  on $s; expect 5 "joined" "SIG$sig: monitor did not start"
  [ "$(on $s; pane_flag alternate_on)" = 1 ] || fail "SIG$sig: not on the alternate screen"
  pid=$(on $s; mcw_pid)
  [ -n "$pid" ] || fail "SIG$sig: cannot find mcwatch's pid"
  kill -$sig "$pid"
  case $sig in
    HUP) want=0 ;;
    SEGV) want=139 ;;
    ABRT) want=134 ;;
  esac
  on $s; expect 5 "^EXIT=$want$" "SIG$sig: exit status is not $want"
  on $s; expect 1 "^icanon echo ?$" "SIG$sig: terminal modes not restored"
  [ "$(on $s; pane_flag alternate_on)" = 0 ] || { dump $s; fail "SIG$sig: alternate screen still on"; }
  [ "$(on $s; pane_flag cursor_flag)" = 1 ] || fail "SIG$sig: cursor still hidden"
  pass "SIG$sig restores the terminal (exit $want)"
done

# 4. A resize storm while datagrams flow: 50 sizes, from tiny to large.
run storm "\"$MCWATCH\" $EP 239.255.9.2:9002%lo"
on storm; expect 5 "joined" "storm: monitor did not start"
on storm; keys Enter # the first group's pane, from the overview
"$TESTSEND" 239.255.9.1 9001 lo 400 --text "storm %n" --interval-ms 5 \
  --source 127.0.0.1 >/dev/null 2>&1 &
tx=$!
for i in $(seq 1 50); do
  w=$(((i * 37) % 220 + 5)) h=$(((i * 13) % 70 + 2))
  on storm; resize "${w}x$h"
  sleep 0.02
done
wait $tx || fail "storm: testsend failed"
on storm; resize 100x30
pid=$(on storm; mcw_pid)
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || { dump storm; fail "storm: mcwatch died"; }
on storm; expect 5 "^> 239\.255\.9\.1:9001 .*joined" "storm: screen not readable after the storm"
on storm; expect 5 "storm 400" "storm: last datagram not shown"
on storm; keys q
on storm; expect 5 "^EXIT=0$" "storm: quit did not exit 0"
on storm; expect 1 "^icanon echo ?$" "storm: terminal modes not restored"
pass "50 resizes under traffic: still running, readable, clean exit"

# 5. TERM set but empty: one line, exit 2.
run empty "TERM= \"$MCWATCH\" $EP"
on empty; expect 5 "^EXIT=2$" "empty TERM: not exit 2"
[ "$(screen empty | grep -c '^mcwatch:')" = 1 ] && screen empty | grep -q -- "--headless" ||
  { dump empty; fail "empty TERM: expected one line naming --headless"; }
pass "empty TERM: one line, exit 2"

# 6. stdout a terminal but stdin not: one line suggesting --headless.
run nostdin "\"$MCWATCH\" $EP </dev/null"
on nostdin; expect 5 "^EXIT=2$" "stdin not a terminal: not exit 2"
[ "$(screen nostdin | grep -c '^mcwatch:')" = 1 ] && screen nostdin | grep -q -- "--headless" ||
  { dump nostdin; fail "stdin not a terminal: expected one line naming --headless"; }
pass "stdin not a terminal: one line naming --headless, exit 2"
