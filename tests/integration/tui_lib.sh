# Shared helpers for the screen tests, which drive mcwatch in tmux and read
# the screen back with capture-pane; sourced after lib.sh and after
# entering the namespace, not run (tests/CMakeLists.txt leaves it out).
#
# Each test gets its own tmux server (so a stray session can never reach
# the user's), a scratch directory $TMP, and a cleanup on every exit path.
# Functions act on the session named by $TS ("mcw" unless the test sets
# it); those that take a session name say so.

command -v tmux >/dev/null || fail "tmux is needed (apt-get install tmux)"

TMP=$(mktemp -d)
TM="tmux -L mcw-$(basename "$0" .sh)-$$ -f /dev/null"
TS=mcw
TUI_AT_EXIT=()

tui_cleanup() {
  local c
  for c in "${TUI_AT_EXIT[@]}"; do eval "$c"; done
  $TM kill-server 2>/dev/null
  rm -rf "$TMP"
}
trap tui_cleanup EXIT
trap 'exit 1' INT TERM

# at_exit CMD: runs the shell command CMD on exit, before tmux goes.
at_exit() { TUI_AT_EXIT+=("$1"); }

# tui_new_server: a fresh tmux server for what follows. A new session on
# the socket of a server that is still shutting down fails now and then
# ("server exited unexpectedly").
tui_new_server() {
  $TM kill-server 2>/dev/null
  TM="tmux -L mcw-$(basename "$0" .sh)-$$-$RANDOM -f /dev/null"
}

# start NAME WxH CMD: session NAME running shell command CMD in a UTF-8
# locale, then "EXIT=status", kept open; makes NAME the current session.
start() {
  local name=$1 w=${2%x*} h=${2#*x}
  $TM new-session -d -s "$name" -x "$w" -y "$h" -c "$TMP" \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 sh -c '$3; echo EXIT=\$?; exec sleep 60'" ||
    fail "tmux new-session $name"
  TS=$name
}

# run NAME CMD: like start, at 100x30, and after the exit status also the
# terminal's modes ("icanon echo" when sane) and whether the cursor can be
# shown. The shell survives Ctrl-C and Ctrl-\ (its child keeps the defaults).
run() {
  $TM new-session -d -s "$1" -x 100 -y 30 -c "$TMP" \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 sh -c 'trap : INT QUIT; $2; echo EXIT=\$?; stty -a | tr \" ;\" \"\\n\\n\" | grep -Ex -- \"-?(icanon|echo)\" | tr \"\\n\" \" \"; echo; printf \"cursor=\"; tput cnorm >/dev/null && echo ok; exec sleep 60'" ||
    fail "tmux new-session $1"
  TS=$1
}

# on NAME: makes NAME the current session.
on() { TS=$1; }

# screen [NAME]: the text on the screen of NAME (default: current).
screen() { $TM capture-pane -p -t "${1:-$TS}" 2>/dev/null; }
dump() {
  echo "--- screen ${1:-$TS} ---" >&2
  screen "${1:-$TS}" >&2
  echo "---" >&2
}
# wait_screen SECS RE: waits until the screen matches extended regex RE.
wait_screen() {
  local secs=$1 re=$2 i
  for ((i = 0; i < secs * 20; i++)); do
    screen | grep -Eq -- "$re" && return 0
    sleep 0.05
  done
  return 1
}
# expect SECS RE MESSAGE: like wait_screen, failing with MESSAGE.
expect() { wait_screen "$1" "$2" || { dump; fail "$3"; }; }
# expect_not RE MESSAGE: the screen does not match RE now.
expect_not() { ! screen | grep -Eq -- "$1" || { dump; fail "$2"; }; }
# keys KEY...: tmux key names; typed TEXT: literal text.
keys() { $TM send-keys -t "$TS" "$@"; }
typed() { $TM send-keys -t "$TS" -l "$1"; }
# pane_flag FORMAT: a tmux format of the current pane (alternate_on...).
pane_flag() { $TM display -p -t "$TS" "#{$1}"; }
# resize WxH: resizes the current session's window.
resize() { $TM resize-window -t "$TS" -x "${1%x*}" -y "${1#*x}" 2>/dev/null; }
# mcw_pid: the pid of the program the current pane's shell runs.
mcw_pid() { ps -o pid= --ppid "$(pane_flag pane_pid)" | tr -d ' '; }
# send ARGS...: mcw-testsend, failing the test when it fails.
send() { "$TESTSEND" "$@" >/dev/null || fail "testsend $*"; }
# no_sanitizer_report: the screen shows no ASan/UBSan report.
no_sanitizer_report() {
  ! screen | grep -Eq "runtime error|Sanitizer|ERROR: " ||
    { dump; fail "${1:-sanitizer report on the screen}"; }
}
