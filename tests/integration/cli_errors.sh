#!/usr/bin/env bash
# Bad command lines: each exits 2 with exactly one line on stderr that names
# the problem, and prints nothing on stdout. Runtime failures exit 1.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# An interface without the MULTICAST flag, inside this namespace only.
ip link add mcwnm0 type veth peer name mcwnm1 2>/dev/null &&
  ip link set mcwnm0 multicast off && ip link set mcwnm0 up
fails=0

# expect CODE PATTERN ARGS...: runs mcwatch ARGS, checks code and message.
expect() {
  local code=$1 pattern=$2
  shift 2
  timeout 10 "$MCWATCH" "$@" >"$dir/out" 2>"$dir/err" </dev/null
  local rc=$? lines
  lines=$(wc -l <"$dir/err")
  if [ $rc != "$code" ] || [ "$lines" != 1 ] || ! grep -qF -- "$pattern" "$dir/err" ||
     { [ "$code" = 2 ] && [ -s "$dir/out" ]; }; then
    echo "not ok: mcwatch $* -> exit $rc, $lines stderr lines: $(head -c 300 "$dir/err")" >&2
    echo "        wanted exit $code and one line with: $pattern" >&2
    fails=$((fails + 1))
  fi
}

expect 2 "no group to watch"
expect 2 "239.1.2.300: not an IPv4 address" 239.1.2.300:5000%lo
expect 2 "10.0.0.1: not a multicast group" 10.0.0.1:5000%lo
expect 2 "port 0: out of range" 239.1.2.3:0%lo
expect 2 "port 70000: out of range" 239.1.2.3:70000%lo
expect 2 "not a number" 239.1.2.3:abc%lo
expect 2 "missing port" 239.1.2.3%lo
expect 2 "missing port" 239.1.2.3
expect 2 "in brackets" ff15::1:5000
expect 2 "not a unicast address" 239.1.2.3:5000@239.1.1.1%lo
expect 2 "needs a source" 232.1.1.1:5000%lo
expect 2 "nosuch0: no such interface" 239.1.2.3:5000%nosuch0
expect 2 "mcwnm0: interface has no MULTICAST flag" 239.1.2.3:5000%mcwnm0
expect 2 "empty endpoint" ""
expect 2 "given twice" 239.1.2.3:5000%lo 239.1.2.3:5000%lo
expect 2 "--count 'abc'" --headless --count abc 239.1.2.3:5000%lo
expect 2 "--count 0: out of range" --headless --count 0 239.1.2.3:5000%lo
expect 2 "--count '-5'" --headless --count -5 239.1.2.3:5000%lo
expect 2 "--duration '-1'" --headless --duration -1 239.1.2.3:5000%lo
expect 2 "--duration 0: must be more than 0" --headless --duration 0 239.1.2.3:5000%lo
expect 2 "--duration 'x'" --headless --duration x 239.1.2.3:5000%lo
expect 2 "--interval 'soon'" --headless --interval soon 239.1.2.3:5000%lo
expect 2 "--snap 5000: out of range" --headless --snap 5000 239.1.2.3:5000%lo
expect 2 "--history 0: out of range" --headless --history 0 239.1.2.3:5000%lo
expect 2 "--bogus: unknown option" --bogus
expect 2 "-z: unknown option" -z
expect 2 "needs a value" --headless 239.1.2.3:5000%lo --count
expect 2 "--json goes with --list-interfaces" --json 239.1.2.3:5000%lo
expect 2 "--stats-only goes with --headless" --stats-only 239.1.2.3:5000%lo
expect 2 "--list-interfaces takes no endpoints" -L 239.1.2.3:5000%lo
expect 2 "--iface: empty" -i "" 239.1.2.3:5000
expect 2 "no such interface" -i nosuch1 --headless 239.1.2.3:5000
expect 2 "--iface nosuch2: no such interface" -i nosuch2 --headless 239.1.2.3:5000%lo
expect 2 "at most 256 MiB" --headless --history 1000000 --snap 4096 239.1.2.3:5000%lo
expect 2 "--rcvbuf 'big'" --headless --rcvbuf big 239.1.2.3:5000%lo
expect 2 "--duration '1e3'" --headless --duration 1e3 239.1.2.3:5000%lo
expect 2 "no interface is up with the MULTICAST flag" --headless '239.1.2.3:5000%*'
# Every getopt error names the option as typed.
expect 2 "mcwatch: --headless=1: option takes no value" --headless=1 239.1.2.3:5000%lo
expect 2 "--list-interfaces=yes: option takes no value" --list-interfaces=yes
expect 2 "--vers=2: option takes no value" --vers=2
expect 2 "mcwatch: --bogus: unknown option" --bogus=3 239.1.2.3:5000%lo
expect 2 "--he: ambiguous option; could be --headless, --help" --he 239.1.2.3:5000%lo
expect 2 "--h: ambiguous option; could be --headless, --history, --help" --h=1
expect 2 "mcwatch: --count: needs a value" --headless 239.1.2.3:5000%lo --count
expect 2 "mcwatch: --cou: needs a value" --headless 239.1.2.3:5000%lo --cou
expect 2 "mcwatch: -n: needs a value" 239.1.2.3:5000%lo -Hn
expect 2 "mcwatch: -x: unknown option" -xH 239.1.2.3:5000%lo
expect 2 "mcwatch: -x: unknown option" -Hx 239.1.2.3:5000%lo
expect 2 "mcwatch: --\\x1b]0;x\\x07: unknown option" $'--\e]0;x\a'
expect 2 "mcwatch: -\\x01: unknown option" $'-\x01'
expect 2 "mcwatch send: --rate: needs a value" send 239.1.2.3:5000%lo --rate
expect 2 "mcwatch send: --no-loop=1: option takes no value" send --no-loop=1 239.1.2.3:5000%lo
expect 2 "mcwatch send: --bogus: unknown option" send --bogus 239.1.2.3:5000%lo
expect 2 "mcwatch doctor: --bogus: unknown option" doctor --bogus 239.1.2.3:5000%lo

long=$(printf 'x%.0s' $(seq 5000))
expect 2 "" "239.1.2.3:5000%$long"
expect 2 "" "$long"

# A join the kernel refuses is a runtime failure: exit 1, the reason in words.
if echo 0 >/proc/sys/net/ipv4/igmp_max_memberships 2>/dev/null; then
  expect 1 "No buffer space available" --headless 239.1.2.3:5000%lo
  echo 20 >/proc/sys/net/ipv4/igmp_max_memberships
else
  echo "note: cannot lower igmp_max_memberships here; ENOBUFS case not run" >&2
fi

# Good invocations for contrast.
"$MCWATCH" --version | grep -q '^mcwatch [0-9]' || { echo "not ok: --version" >&2; fails=$((fails + 1)); }
"$MCWATCH" --help | grep -q 'GROUP:PORT\[@SOURCE\]\[%IFACE\]' || { echo "not ok: --help" >&2; fails=$((fails + 1)); }
"$MCWATCH" --list-interfaces | grep -q '^lo  *1  up' || { echo "not ok: -L" >&2; fails=$((fails + 1)); }
"$MCWATCH" --list-interfaces --json | head -n 1 | grep -q '"name":"lo"' || { echo "not ok: -L --json" >&2; fails=$((fails + 1)); }

[ $fails = 0 ] || fail "$fails wrong invocations misbehaved"
pass "bad invocations exit 2 with one line; a refused join exits 1"
