#!/usr/bin/env bash
# `mcwatch send` to several groups when one of them fails: the failing
# group is reported at once with its own endpoint (its interface name
# escaped: it holds an escape sequence), the other group keeps sending to
# the end (the receiver counts all 20 probes), and the exit status is 1.
# `-n 1` says "sent 1 datagram" with no rate (nothing to measure); names
# from outside (the default route's interface) never reach stderr raw.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

# A veth whose name carries an OSC title sequence; its peer is plain.
bad=$'m\e]0;PWN\a'
ip link add name "$bad" type veth peer name mcwp ||
  fail "cannot make a veth pair here"
ip link set "$bad" multicast on
idx=$(ip -o link show | LC_ALL=C grep -a 'PWN.*@mcwp' | cut -d: -f1)
[ -n "$idx" ] || fail "no index for the test interface"
shown='m\x1b]0;PWN\x07'

# No raw ESC or BEL, whatever the file holds.
no_controls() {
  ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$1"
}

"$MCWATCH" --headless --interval 0.2 239.1.2.20:5000%lo >"$dir/out" 2>"$dir/err" &
pid=$!
wait_for_line "$dir/out" 5 '"event":"join"' || fail "no join: $(cat "$dir/err")"

# The second group's interface is down: every send there fails at once
# (ENETUNREACH). The first group must not notice.
timeout 20 "$MCWATCH" send -n 20 -r 100 239.1.2.20:5000%lo \
  "239.1.2.21:5000%$idx" 2>"$dir/send.err"
rc=$?
[ $rc = 1 ] || fail "exit status $rc with a failed group: $(cat "$dir/send.err")"
no_controls "$dir/send.err" || fail "raw control bytes on stderr: $(od -c "$dir/send.err")"
grep -qF "mcwatch send: 239.1.2.21:5000%$shown: cannot send: Network is unreachable" \
  "$dir/send.err" || fail "the failure does not name its endpoint: $(cat "$dir/send.err")"
grep -q 'lo: ' "$dir/send.err" && fail "a failure blamed on lo: $(cat "$dir/send.err")"
grep -Eq '^sent 20 datagrams in [0-9.]+ s \([0-9.]+/s\) to 239\.1\.2\.20:5000%lo$' \
  "$dir/send.err" || fail "summary of the group that kept sending: $(cat "$dir/send.err")"

for i in $(seq 40); do
  got=$(jq -s '[.[] | select(.event=="stats")] | last | .received // 0' "$dir/out")
  [ "$got" = 20 ] && break
  sleep 0.05
done
[ "$got" = 20 ] || fail "the working group's receiver got $got of 20"

# Every group failing: one line each, no summary, status 1.
timeout 10 "$MCWATCH" send -n 5 "239.1.2.21:5000%$idx" "239.1.2.22:5000%$idx" \
  2>"$dir/all.err"
rc=$?
[ $rc = 1 ] || fail "exit status $rc when every group failed"
[ "$(grep -c 'cannot send: Network is unreachable' "$dir/all.err")" = 2 ] ||
  fail "not one line per failed group: $(cat "$dir/all.err")"
grep -q '^sent ' "$dir/all.err" && fail "a summary although nothing was sent"

# A sender that cannot even be opened (no file descriptor left for the
# second socket) stops only its own group, named with its endpoint.
(
  # Only 0, 1 and 2 open, and room for one more: the first socket.
  for f in $(ls /proc/$BASHPID/fd); do
    [ "$f" -gt 2 ] && eval "exec $f>&-"
  done 2>/dev/null
  ulimit -n 4
  exec "$MCWATCH" send -n 3 -r 100 239.1.2.20:5000%lo 239.1.2.24:5000%lo
) 2>"$dir/open.err"
rc=$?
[ $rc = 1 ] || fail "exit status $rc when a sender could not be opened"
grep -qF 'mcwatch send: sender socket for 239.1.2.24:5000%lo: Too many open files' \
  "$dir/open.err" || fail "open failure not named: $(cat "$dir/open.err")"
grep -Eq '^sent 3 datagrams in [0-9.]+ s \([0-9.]+/s\) to 239\.1\.2\.20:5000%lo$' \
  "$dir/open.err" || fail "the other group did not send: $(cat "$dir/open.err")"

# One probe: singular, and no rate (one probe has no interval to measure).
timeout 10 "$MCWATCH" send -n 1 239.1.2.20:5000%lo 2>"$dir/one.err" ||
  fail "send -n 1: status $?"
grep -Eq '^sent 1 datagram in [0-9.]+ s to 239\.1\.2\.20:5000%lo$' "$dir/one.err" ||
  fail "send -n 1 summary: $(cat "$dir/one.err")"

# The default interface's name comes from the system: escaped too.
ip link set mcwp up
ip link set "$bad" up
ip addr add 10.77.0.1/24 dev "$bad"
ip route add default via 10.77.0.2 dev "$bad"
timeout 10 "$MCWATCH" send -n 2 -r 100 239.1.2.23:5000 2>"$dir/def.err" ||
  fail "send on the default interface: status $?: $(cat "$dir/def.err")"
no_controls "$dir/def.err" || fail "raw control bytes on stderr: $(od -c "$dir/def.err")"
grep -qF "to 239.1.2.23:5000%$shown" "$dir/def.err" ||
  fail "default interface not shown escaped: $(cat "$dir/def.err")"

kill -INT $pid
wait $pid || fail "receiver exit status $?"
pid=
pass "a failed group is reported with its endpoint, the other sends all 20; -n 1 has no rate"
