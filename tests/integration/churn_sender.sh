#!/usr/bin/env bash
# A sender that vanishes and returns: with a new sender id (a restarted
# mcwatch send), with the same id counting from 0 again, or from a new
# port (a new sender beside the old one), none of it is loss; coming back
# with the numbers it would have reached (an outage) is loss, exactly.
# (Counting from 0 again after fewer than 1,024 numbers reads as
# duplicates: the tracker's window; see include/mcwatch/seqtrack.h.)
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d) pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT

# case NAME PORT SENDS...: each SEND is "ID SPORT SEQS"; prints the group
# summary once every datagram arrived.
case_run() {
  local name=$1 port=$2 total=0 s id sport seqs
  shift 2
  "$MCWATCH" --headless --interval 0 --stats-only "239.255.24.1:$port%lo" \
    >"$dir/$name" 2>"$dir/$name.err" &
  pid=$!
  wait_for_line "$dir/$name" 5 '"event":"join"' || fail "$name: no join"
  for s in "$@"; do
    read -r id sport seqs <<<"$s"
    "$TESTSEND" 239.255.24.1 "$port" lo 0 --probe-seqs "$seqs" --probe-id "$id" \
      --sport "$sport" --source 127.0.0.1 --interval-ms 0 >/dev/null || fail "$name: testsend"
    sleep 0.3 # the sender is gone for a while
  done
  kill -TERM $pid
  wait $pid || fail "$name: exit $?"
  pid=
  tail -n 1 "$dir/$name" | jq -c '.groups[0] | {packets, senders, received, lost, restarts, dup}'
}
check() { [ "$2" = "$3" ] || fail "$1: got $2, wanted $3"; }

got=$(case_run newid 7101 "1 41001 0-49" "2 41001 0-49")
check "new sender id" "$got" '{"packets":100,"senders":1,"received":100,"lost":0,"restarts":1,"dup":0}'
pass "returns with a new sender id: one restart, no loss"

got=$(case_run sameid 7102 "7 41002 0-1999" "7 41002 0-49")
check "same id from 0" "$got" '{"packets":2050,"senders":1,"received":2050,"lost":0,"restarts":1,"dup":0}'
pass "returns with the same id counting from 0: one restart, no loss"

got=$(case_run outage 7103 "9 41003 0-49" "9 41003 100-149")
check "outage" "$got" '{"packets":100,"senders":1,"received":100,"lost":50,"restarts":0,"dup":0}'
pass "returns after an outage with the numbers it would have reached: 50 lost"

got=$(case_run newport 7104 "3 41004 0-49" "4 41005 0-49")
check "new port" "$got" '{"packets":100,"senders":2,"received":100,"lost":0,"restarts":0,"dup":0}'
pass "returns from a new port: a second sender, no loss"
