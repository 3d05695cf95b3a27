#!/usr/bin/env bash
# --metrics on the command line: malformed addresses are one-line usage
# errors (exit 2); an address in use or not on this host is a runtime
# failure (exit 1) naming it; --version lists the libraries.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
ip link set lo multicast on

# usage ARG PATTERN: exit 2 and one line matching PATTERN.
usage() {
  "$MCWATCH" --headless -d 1 --metrics "$1" 239.1.2.31:5000%lo \
    >"$dir/out" 2>"$dir/err"
  local rc=$?
  [ $rc = 2 ] || fail "--metrics '$1': exit $rc, wanted 2"
  [ "$(wc -l <"$dir/err")" = 1 ] || fail "--metrics '$1': $(cat "$dir/err")"
  grep -q -- "$2" "$dir/err" || fail "--metrics '$1': $(cat "$dir/err")"
}
usage 9464 'a port is needed'
usage :0 'port must be 1 to 65535'
usage :65536 'port must be 1 to 65535'
usage 127.0.0.1: 'port must be 1 to 65535'
usage :94x4 'port must be 1 to 65535'
usage ::1:9464 'IPv6 goes in brackets'
usage '[::1:9464' 'in brackets'
usage 'example.org:9464' 'not an IPv4 or IPv6 address'
usage '' 'a port is needed'

"$MCWATCH" --headless --interval 0 --metrics 127.0.0.1:9471 239.1.2.31:5000%lo \
  >"$dir/first" 2>&1 &
pid=$!
wait_for_line "$dir/first" 5 '"event":"join"' || fail "first: $(cat "$dir/first")"
"$MCWATCH" --headless --interval 0 -d 5 --metrics 127.0.0.1:9471 \
  239.1.2.32:5000%lo >"$dir/out" 2>"$dir/err"
rc=$?
[ $rc = 1 ] || fail "port in use: exit $rc, wanted 1"
grep -q '"event":"error".*metrics on 127.0.0.1:9471: Address already in use' \
  "$dir/out" || fail "port in use: $(cat "$dir/out" "$dir/err")"
"$MCWATCH" --headless --interval 0 -d 5 --metrics 10.9.9.9:9471 \
  239.1.2.32:5000%lo >"$dir/out" 2>"$dir/err"
rc=$?
[ $rc = 1 ] || fail "foreign address: exit $rc, wanted 1"
grep -q 'metrics on 10.9.9.9:9471: Cannot assign requested address' \
  "$dir/out" || fail "foreign address: $(cat "$dir/out" "$dir/err")"
kill -INT $pid
wait $pid || fail "first mcwatch exit status $?"
pid=

"$MCWATCH" --version >"$dir/v" || fail "--version exit status"
grep -Eq '^mcwatch [0-9]+\.[0-9]+' "$dir/v" || fail "--version: $(cat "$dir/v")"
for lib in libuv ncurses libpcap libmicrohttpd; do
  grep -Eq "$lib [0-9]" "$dir/v" || fail "--version lacks $lib: $(cat "$dir/v")"
done
pass "bad addresses exit 2, unbindable ones exit 1, --version lists libraries"
