#!/bin/bash
# No signal leaves the terminal raw. Signals nobody sends to stop a monitor
# (SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGPOLL (SIGIO),
# SIGSTKFLT, SIGPWR and real-time signals) leave the screen UI running, and
# q then exits 0 with the terminal sane; the fatal ones (SIGQUIT, as Ctrl-\
# sends, SIGTRAP, SIGSYS, SIGXCPU, SIGXFSZ) end it by the signal with the
# normal screen, echo, canonical mode and the cursor back. In an
# interactive shell, Ctrl-Z suspends with the terminal given back and fg
# resumes; SIGSTOP then fg (the shell restores its own modes meanwhile)
# takes the screen's modes back, so keys answer at once.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"
# Under ASan, let our handlers run instead of ASan's report.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allow_user_segv_handler=1:handle_abort=0"

EP=239.255.12.1:12001%lo
modes() { stty -a -F "$(pane_flag pane_tty)" | tr ' ;' '\n\n' | grep -Ex -- '-?(icanon|echo)' | tr '\n' ' '; }

# 1. Harmless signals: still running, screen intact; q exits 0, sane.
run harmless "\"$MCWATCH\" $EP"
expect 5 "joined" "monitor did not start"
pid=$(mcw_pid)
[ -n "$pid" ] || fail "cannot find mcwatch's pid"
for sig in PIPE USR1 USR2 ALRM VTALRM PROF IO STKFLT PWR RTMIN RTMIN+3 RTMAX-1 RTMAX; do
  kill -s "$sig" "$pid" || fail "cannot send SIG$sig"
  sleep 0.1
  kill -0 "$pid" 2>/dev/null || { dump; fail "SIG$sig killed the monitor"; }
  [ "$(pane_flag alternate_on)" = 1 ] || fail "SIG$sig: left the alternate screen"
done
keys '?'
expect 2 "^Everywhere" "keys do not answer after the signals"
keys x q
expect 5 "^EXIT=0$" "q after harmless signals: not exit 0"
expect 1 "^icanon echo ?$" "harmless signals: terminal modes not restored"
pass "13 harmless signals: still running, then a clean exit"

# 2. Fatal signals: the terminal is restored, then the signal ends it.
for sig in QUIT TRAP SYS XCPU XFSZ; do
  run f$sig "ulimit -c 0; \"$MCWATCH\" $EP"
  expect 5 "joined" "SIG$sig: monitor did not start"
  [ "$(pane_flag alternate_on)" = 1 ] || fail "SIG$sig: not on the alternate screen"
  pid=$(mcw_pid)
  [ -n "$pid" ] || fail "SIG$sig: cannot find mcwatch's pid"
  if [ $sig = QUIT ]; then keys 'C-\'; else kill -s $sig "$pid"; fi
  want=$((128 + $(kill -l $sig)))
  expect 5 "^EXIT=$want$" "SIG$sig: exit status is not $want"
  expect 1 "^icanon echo ?$" "SIG$sig: terminal modes not restored"
  expect 1 "^cursor=ok$" "SIG$sig: cannot show the cursor"
  [ "$(pane_flag alternate_on)" = 0 ] || { dump; fail "SIG$sig: alternate screen still on"; }
  [ "$(pane_flag cursor_flag)" = 1 ] || fail "SIG$sig: cursor still hidden"
  pass "SIG$sig restores the terminal (exit $want)"
done

# 3. Job control in an interactive shell.
$TM new-session -d -s job -x 100 -y 30 -c "$TMP" \
  "env LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='$ ' bash --norc --noprofile -i" ||
  fail "tmux new-session job"
on job
sleep 0.3
typed "\"$MCWATCH\" $EP"
keys Enter
expect 5 "joined" "job: monitor did not start"
keys C-z
expect 3 "Stopped" "Ctrl-Z did not suspend"
[ "$(pane_flag alternate_on)" = 0 ] || fail "Ctrl-Z: alternate screen still on"
typed "stty -a | tr ' ;' '\n\n' | grep -Ex -- '-?(icanon|echo)' | tr '\n' ' '; echo"
keys Enter
expect 3 "^icanon echo ?$" "Ctrl-Z: terminal modes not given back"
typed fg
keys Enter
expect 3 "> ${EP%\%*} .*joined" "fg: screen not back"
[ "$(modes)" = "-icanon -echo " ] || fail "fg after Ctrl-Z: terminal modes are '$(modes)'"
keys '?'
expect 2 "^Everywhere" "fg after Ctrl-Z: keys do not answer"
keys x
pass "Ctrl-Z suspends with the terminal given back; fg resumes"
pid=$(pgrep -f "^$MCWATCH $EP")
[ -n "$pid" ] || fail "job: cannot find mcwatch's pid"
kill -STOP "$pid"
expect 3 "Stopped" "SIGSTOP: the shell did not see the stop"
typed fg
keys Enter
sleep 0.5
[ "$(modes)" = "-icanon -echo " ] || { dump; fail "fg after SIGSTOP: terminal modes are '$(modes)'"; }
keys '?'
expect 2 "^Everywhere" "fg after SIGSTOP: keys do not answer"
expect 1 "^ mcwatch keys" "fg after SIGSTOP: screen not repainted"
keys x q
typed 'echo EXIT=$?'
keys Enter
expect 5 "^EXIT=0$" "job: q did not exit 0"
pass "SIGSTOP then fg: the screen takes its terminal modes back"
