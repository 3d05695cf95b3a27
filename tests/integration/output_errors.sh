#!/usr/bin/env bash
# Headless output that cannot be written is a runtime failure: stdout on
# /dev/full, or a pipe whose reader is gone with SIGPIPE ignored, stops
# mcwatch at once with one line on stderr and exit 1. With --write, a
# reader that goes away (SIGPIPE at its default) does not kill mcwatch
# before the capture file is closed whole.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v capinfos >/dev/null || fail "capinfos is needed (apt-get install wireshark-common)"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ip link set lo multicast on
G=239.255.75.1 P=5750

# elapsed_ms START: milliseconds since START (date +%s%N).
elapsed_ms() { echo $((($(date +%s%N) - $1) / 1000000)); }

# one_line FILE PATTERN WHAT: FILE is one stderr line matching PATTERN.
one_line() {
  [ "$(wc -l <"$1")" = 1 ] && grep -q -- "$2" "$1" || fail "$3: stderr, want one line /$2/: $(cat "$1")"
}

# 1. /dev/full: the first line (the join) fails.
start=$(date +%s%N)
"$MCWATCH" --headless --duration 5 $G:$P%lo >/dev/full 2>"$dir/full.err"
rc=$?
[ "$rc" = 1 ] || fail "/dev/full: exit $rc, want 1"
[ "$(elapsed_ms "$start")" -lt 3000 ] || fail "/dev/full: did not stop at once"
one_line "$dir/full.err" "^mcwatch: standard output: No space left on device; stopping$" "/dev/full"
pass "stdout on /dev/full: exit 1 at once, one stderr line"

# 2. A closed pipe, SIGPIPE ignored (as some supervisors leave it).
start=$(date +%s%N)
(
  trap '' PIPE
  exec "$MCWATCH" --headless --duration 5 --interval 0.2 $G:$P%lo 2>"$dir/pipe.err"
) | true
rc=${PIPESTATUS[0]}
[ "$rc" = 1 ] || fail "closed pipe: exit $rc, want 1"
[ "$(elapsed_ms "$start")" -lt 3000 ] || fail "closed pipe: did not stop at once"
one_line "$dir/pipe.err" "^mcwatch: standard output: Broken pipe; stopping$" "closed pipe"
pass "closed pipe with SIGPIPE ignored: exit 1 at once, one stderr line"

# 3. --write and a reader that leaves (head): the capture is closed whole.
(
  sleep 0.5
  "$TESTSEND" $G $P lo 300 --size 300 --sport 4750 --interval-ms 2 >/dev/null
) &
sender=$!
"$MCWATCH" --headless -w "$dir/cap.pcap" --duration 10 $G:$P%lo 2>"$dir/head.err" |
  grep -m 1 -q '"event":"datagram"'
rc=${PIPESTATUS[0]}
wait "$sender"
[ "$rc" = 1 ] || fail "--write, reader gone: exit $rc, want 1 (141 is death by SIGPIPE)"
one_line "$dir/head.err" "^mcwatch: standard output: Broken pipe; stopping$" "--write, reader gone"
info=$(capinfos -M -c "$dir/cap.pcap" 2>&1) || fail "capture not whole: $info"
n=$(sed -n 's/^Number of packets: *//p' <<<"$info")
[ "${n:-0}" -ge 1 ] || fail "capture empty: $info"
pass "--write with a reader that leaves: exit 1, the file whole ($n packets)"

# Every other command that writes to standard output says when it could not.
for args in "--help" "--version" "-L" "send --help" "doctor --help" \
  "doctor --no-join 239.255.9.9:9999%lo"; do
  # shellcheck disable=SC2086
  "$MCWATCH" $args >/dev/full 2>"$dir/full.err"
  rc=$?
  [ "$rc" = 1 ] || fail "mcwatch $args >/dev/full: exit $rc, want 1"
  grep -q "standard output: No space left on device" "$dir/full.err" ||
    fail "mcwatch $args >/dev/full: not said: $(cat "$dir/full.err")"
done
pass "--help, --version, -L, send --help and the doctor on /dev/full: said, exit 1"
