#!/bin/bash
# The beacon's matrix screen keeps the terminal safe like the monitor:
# signals that would end it for no reason (SIGPIPE, SIGUSR1, SIGALRM...)
# are survived, and a fatal one (SIGSEGV) still ends it with the normal
# screen, echo and line mode back.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"
# Under ASan, let the guard's SIGSEGV handler run instead of ASan's report.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allow_user_segv_handler=1:handle_abort=0"

G=239.255.37.1:37001
run harmless "\"$MCWATCH\" beacon --report 1 --name b1 $G%lo"
expect 5 'mcwatch beacon' "beacon screen did not start"
pid=$(mcw_pid)
[ -n "$pid" ] || fail "cannot find the beacon's pid"
for sig in PIPE USR1 USR2 ALRM VTALRM PROF RTMIN; do
  kill -s "$sig" "$pid" || fail "cannot send SIG$sig"
  sleep 0.1
  kill -0 "$pid" 2>/dev/null || { dump; fail "SIG$sig killed the beacon screen"; }
done
keys q
expect 5 "^EXIT=0$" "q did not exit 0 after the signals"
expect 1 "^icanon echo ?$" "terminal modes not restored after q"
pass "harmless signals: the beacon screen goes on; q exits 0, terminal sane"

run fatal "ulimit -c 0; \"$MCWATCH\" beacon --report 1 --name b1 $G%lo"
expect 5 'mcwatch beacon' "beacon screen did not start"
[ "$(pane_flag alternate_on)" = 1 ] || fail "not on the alternate screen"
pid=$(mcw_pid)
kill -s SEGV "$pid" || fail "cannot send SIGSEGV"
expect 5 "^EXIT=139$" "SIGSEGV: not ended by the signal"
expect 1 "^icanon echo ?$" "SIGSEGV: terminal modes not restored"
[ "$(pane_flag alternate_on)" = 0 ] || fail "SIGSEGV: alternate screen still on"
pass "SIGSEGV: dies by the signal with the terminal restored"
