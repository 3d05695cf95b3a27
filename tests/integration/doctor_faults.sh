#!/usr/bin/env bash
# mcwatch doctor, each fault built on purpose inside a private network
# namespace: loopback without MULTICAST, no multicast route, rp_filter 1
# with an asymmetric route, an interface that is down, one that does not
# exist, another socket on the port, limits below what is asked for. For
# each, the doctor must name the fault and print the command that fixes
# it; the exit status is 1 while a check fails and 0 once all are fixed.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

# doctor WANT-EXIT ARGS...: runs the doctor into $dir/out, checks the exit.
doctor() {
  local want=$1 rc
  shift
  "$MCWATCH" doctor "$@" >"$dir/out" 2>"$dir/err"
  rc=$?
  [ "$rc" = "$want" ] || fail "doctor $*: exit $rc, want $want: $(cat "$dir/out" "$dir/err")"
}

# has TEXT: the last report contains TEXT (fixed string).
has() {
  grep -qF -- "$1" "$dir/out" || fail "doctor output lacks '$1': $(cat "$dir/out")"
}

# 1 + 2. A fresh namespace: lo lacks MULTICAST and there is no route.
# Receiving works (a sender that names lo gets through), so neither is a
# failure: both are warnings, and the route's says that sending needs it.
"$TESTRECV" 239.255.80.1 5701 lo --reuseaddr --seconds 3 --until 5 >"$dir/app.out" &
pid=$!
wait_for_line "$dir/app.out" 5 ready || fail "receiver did not start"
doctor 0 239.255.80.1:5701%lo
"$TESTSEND" 239.255.80.1 5701 lo 5 >/dev/null || fail "send on lo failed"
wait "$pid"
pid=
grep -qx "received 5" "$dir/app.out" || fail "nothing received without a route: $(cat "$dir/app.out")"
has "WARN  interface   lo (index 1) is up but lacks the MULTICAST flag"
has "fix: ip link set dev lo multicast on"
has "WARN  route       no route for 239.255.80.1 (Network is unreachable): receiving on lo works without one, but sending from this host fails with ENETUNREACH unless the program names its interface"
has "fix: ip route add 224.0.0.0/4 dev lo"
has "OK    membership  joined: the kernel lists 239.255.80.1 on lo"
has "result: nothing failed"
pass "lo without MULTICAST and without a route: warnings (receiving works, sending does not), with their fixes"

# The fixes, applied, make it pass (exit 0).
ip link set dev lo multicast on
ip route add 224.0.0.0/4 dev lo
doctor 0 239.255.80.1:5701%lo
has "OK    interface   lo (index 1) is up and has the MULTICAST flag"
has "OK    route       a route for 239.255.80.1 exists; sending would use lo"
has "result: nothing failed"
pass "fixes applied: exit 0"

# 3. rp_filter 1 with an asymmetric route: the source 10.99.0.5 is
# reached via a2, the group is joined on a1.
for i in 1 2 3; do
  ip link add a$i type veth peer name b$i
  ip addr add 10.81.$i.9/24 dev a$i
  ip link set a$i up
  ip link set b$i up
done
ip route add 10.99.0.0/16 via 10.81.2.1 dev a2
sysctl -qw net.ipv4.conf.all.rp_filter=1
doctor 1 --json 232.81.1.1:5702@10.99.0.5%a1
[ "$(jq -r 'select(.check=="rp_filter") | .status' "$dir/out")" = fail ] ||
  fail "rp_filter not failed: $(cat "$dir/out")"
has "the route back to 10.99.0.5 leaves by a2, not a1: the kernel drops its multicast"
has '"fix":"sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.a1.rp_filter=2   (or: ip route add 10.99.0.5/32 dev a1)"'
[ "$(jq -s 'length' "$dir/out")" -ge 8 ] || fail "JSON: too few checks"
# Through a2 the route back is right: no failure.
doctor 0 232.81.1.1:5702@10.99.0.5%a2
has "OK    rp_filter   rp_filter is 1 for all and 0 for a2, so 1 (strict), and the route back to 10.99.0.5 leaves by a2 as it should"
# Any-source on a strict interface: a warning with the same fix.
doctor 0 239.81.1.1:5702%a1
has "WARN  rp_filter   rp_filter is 1 for all and 0 for a1, so 1 (strict): multicast from a sender whose route back does not leave by a1 is dropped"
has "fix: ip route add SENDER/32 dev a1   (or: sysctl -w net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.a1.rp_filter=0)"
sysctl -qw net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.a1.rp_filter=2
doctor 0 232.81.1.1:5702@10.99.0.5%a1
has "OK    rp_filter   rp_filter is 2 for all and 2 for a1, so 2 (loose): the route back to 10.99.0.5 leaves by a2, not a1, which loose mode accepts"
pass "rp_filter 1 with an asymmetric route: named, with its fix; fixed: ok"

# 4. An interface that is down.
ip link set a3 down
doctor 1 239.81.3.1:5703%a3
has "FAIL  interface   a3 is down"
has "fix: ip link set dev a3 up"
pass "interface down: named, with its fix"

# 5. An interface that does not exist.
doctor 1 239.81.3.1:5703%nosuch0
has "FAIL  interface   nosuch0: no such interface"
has "fix: ip -br link show"
pass "missing interface: named"

# 6. Another socket on the port (a running mcwatch), and limits: two
# groups against igmp_max_memberships 1, a receive buffer above rmem_max.
"$MCWATCH" --headless --interval 0 239.255.80.6:5706%lo >"$dir/rx.json" 2>&1 &
pid=$!
wait_for_line "$dir/rx.json" 5 '"event":"join"' || fail "receiver did not join"
sysctl -qw net.ipv4.igmp_max_memberships=1
big=$(( $(cat /proc/sys/net/core/rmem_max) + 4096 ))
doctor 0 --rcvbuf "$big" 239.255.80.6:5706%lo 239.255.80.7:5707%lo
has "WARN  port        1 other socket is bound to UDP port 5706 (239.255.80.6:5706; pid $pid (mcwatch))"
has "fix: ss -uapn 'sport = :5706'"
has "WARN  memberships 2 groups, but igmp_max_memberships is 1 per socket"
has "fix: sysctl -w net.ipv4.igmp_max_memberships=2"
has "fix: sysctl -w net.core.rmem_max=$big"
has "OK    port        no other socket is bound to UDP port 5707"
kill -INT "$pid"
wait "$pid"
pid=
pass "other socket on the port, igmp_max_memberships, rmem_max: named, with fixes"

# 7. A program holding the port without SO_REUSEADDR or SO_REUSEPORT:
# the bind fails with EADDRINUSE on an interface that is up; the doctor
# names the holder and shows it with ss, never "ip link set ... up".
"$TESTRECV" 239.255.80.8 5708 lo --seconds 20 >"$dir/app.out" &
pid=$!
wait_for_line "$dir/app.out" 5 ready || fail "the plain receiver did not start"
doctor 1 239.255.80.8:5708%lo
has "FAIL  membership  the bind failed (Address already in use): another socket holds UDP port 5708 without SO_REUSEADDR; held by pid $pid (mcw-testrecv)"
has "fix: ss -uapn 'sport = :5708'"
grep -q "multicast on" "$dir/out" && fail "EADDRINUSE fixed by 'multicast on': $(cat "$dir/out")"
# The engine says the same when it cannot bind.
"$MCWATCH" --headless --interval 0 --duration 1 239.255.80.8:5708%lo >"$dir/rx.json" 2>"$dir/rx.err"
[ $? = 1 ] || fail "mcwatch beside a port holder: want exit 1"
grep -qF "another socket holds UDP port 5708 without SO_REUSEADDR; held by pid $pid (mcw-testrecv); see: ss -uapn 'sport = :5708'" "$dir/rx.err" ||
  fail "engine bind error lacks cause/holder/fix: $(cat "$dir/rx.err")"
kill "$pid"
wait "$pid" 2>/dev/null
pid=
pass "EADDRINUSE: the holder named, the fix is ss, in the doctor and the engine"

# 8. IPv6 joins are bounded by net.core.optmem_max (about 56 bytes per
# membership, measured; docs/DOCTOR.md), not igmp_max_memberships: with
# too little option memory the join fails with ENOMEM, and the fix names
# optmem_max, in the doctor and in the engine's message.
old_optmem=$(sysctl -n net.core.optmem_max)
sysctl -qw net.core.optmem_max=40
doctor 1 '[ff15::80:9]:5709%lo'
has "FAIL  membership  the join failed (Cannot allocate memory): too many groups on one socket: net.core.optmem_max limits IPv6 memberships"
has "fix: sysctl -w net.core.optmem_max=262144"
grep -q "igmp_max_memberships=" "$dir/out" && fail "IPv6 join fixed by igmp_max_memberships: $(cat "$dir/out")"
has "WARN  memberships 1 group, but net.core.optmem_max (40 bytes) holds about 0 IPv6 memberships per socket"
"$MCWATCH" --headless --interval 0 --duration 1 '[ff15::80:9]:5709%lo' >"$dir/rx.json" 2>"$dir/rx.err"
grep -qF "net.core.optmem_max limits IPv6 memberships" "$dir/rx.err" ||
  fail "engine's IPv6 join error lacks optmem_max: $(cat "$dir/rx.err")"
sysctl -qw net.core.optmem_max="$old_optmem"
doctor 0 '[ff15::80:9]:5709%lo'
has "OK    memberships 1 group within net.core.optmem_max"
pass "IPv6 join limit: optmem_max named, never igmp_max_memberships"

# 9. Usage errors exit 2.
"$MCWATCH" doctor >/dev/null 2>&1
[ $? = 2 ] || fail "doctor without a group: want exit 2"
"$MCWATCH" doctor '239.1.1.1:5000%*' >/dev/null 2>&1
[ $? = 2 ] || fail "doctor with %*: want exit 2"
pass "usage errors: exit 2"
