#!/usr/bin/env bash
# SAP over IPv6: announcements to ff02, ff05, ff08 and ff0e::2:7ffe from an
# IPv6 origin (A=1), sent out of one end of a veth pair, are each heard by
# mcwatch --sap listening on the other end (lo carries no IPv6 multicast).
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
ANN="python3 $(dirname "$0")/../tools/sap-announce.py"
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT

sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 2>/dev/null
ip link add v0 type veth peer name v1 || fail "cannot make a veth pair"
ip link set v0 up
ip link set v1 up
ip -6 addr add fd00::1/64 dev v0 nodad
ip -6 addr add fd00::2/64 dev v1 nodad
for i in $(seq 60); do # link-local addresses leave DAD
  [ -z "$(ip -6 addr show tentative)" ] && break
  sleep 0.05
done

"$MCWATCH" --headless --sap -i v1 --interval 0 >"$dir/out" 2>"$dir/err" &
pid=$!
wait_for_line "$dir/out" 5 'SAP: listening on 6 groups' ||
  fail "not listening on 6 SAP groups: $(cat "$dir/out" "$dir/err")"
h=1
for g in ff02::2:7ffe ff05::2:7ffe ff08::2:7ffe ff0e::2:7ffe; do
  $ANN --iface v0 --group $g --origin fd00::1 --hash $h --user u$h \
    --name "scope $g" --media "[ff15::1]:5000" || fail "announcer to $g"
  h=$((h + 1))
done
for g in ff02 ff05 ff08 ff0e; do
  wait_for_line "$dir/out" 3 "\"name\":\"scope $g::2:7ffe\"" ||
    fail "nothing heard on $g::2:7ffe: $(cat "$dir/out")"
done
kill -INT $pid
wait $pid || fail "exit status $?"
[ "$(count_json "$dir/out" '.event=="session" and .origin=="fd00::1" and .endpoint=="[ff15::1]:5000"')" = 4 ] ||
  fail "not four sessions from fd00::1: $(grep session "$dir/out")"
pass "SAP heard on the four IPv6 scopes from an IPv6 origin"
