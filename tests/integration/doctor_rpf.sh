#!/usr/bin/env bash
# The doctor's rp_filter verdict against what really arrives. A sender
# host (tx, source 10.99.0.5) and a receiver host (rx) share one link
# (rx eth0); rx has a second interface (eth1) for asymmetric routes. For
# each state of rp_filter and rx's routes back to the source, the doctor's
# verdict must match the datagrams: FAIL when none arrive, OK when all do,
# and its fix, applied, must make them arrive.
#
#   tx eth0 10.82.0.1, 10.99.0.5 ── rx eth0 10.82.0.2
#   tx x1                        ── rx eth1 10.83.0.2
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

for h in rx tx; do
  ip netns add $h
  ip -n $h link set lo up
done
ip link add eth0 netns rx type veth peer name eth0 netns tx
ip link add eth1 netns rx type veth peer name x1 netns tx
ip -n rx addr add 10.82.0.2/24 dev eth0
ip -n rx addr add 10.83.0.2/24 dev eth1
ip -n tx addr add 10.82.0.1/24 dev eth0
ip -n tx addr add 10.99.0.5/32 dev eth0
for i in eth0 eth1; do ip -n rx link set $i up; done
ip -n tx link set eth0 up
ip -n tx link set x1 up
G=239.82.0.1 P=5820 N=20

# rpf ALL ETH0: sets rx's rp_filter sysctls.
rpf() {
  ip netns exec rx sysctl -qw net.ipv4.conf.all.rp_filter="$1" \
    net.ipv4.conf.eth0.rp_filter="$2"
}

# verdict [ENDPOINT]: the doctor's rp_filter status; the check's JSON in $dir/rpf.
verdict() {
  ip netns exec rx "$MCWATCH" doctor --json --no-join "${1:-$G:$P@10.99.0.5%eth0}" \
    >"$dir/doctor" 2>&1
  jq -c 'select(.check=="rp_filter")' "$dir/doctor" >"$dir/rpf" 2>/dev/null
  # No rp_filter line at all: show what the doctor said instead.
  [ -s "$dir/rpf" ] || cp "$dir/doctor" "$dir/rpf"
  jq -r .status "$dir/rpf" 2>/dev/null
}

fix() { jq -r .fix "$dir/rpf"; }

# expect STATUS ARRIVED WHAT: the doctor says STATUS and ARRIVED datagrams came.
expect() {
  local st got
  st=$(verdict)
  got=$(arrivals rx tx $G $P $N 10.99.0.5)
  [ "$st" = "$1" ] && [ "$got" = "$2" ] ||
    fail "$3: doctor says $st, $got of $N arrived (want $1, $2): $(cat "$dir/rpf")"
}

# 1. Loose, no route back at all (rx has no default route): dropped. The
# doctor used to say OK here.
rpf 2 2
expect fail 0 "loose, no route back"
[ "$(fix)" = "ip route add 10.99.0.5/32 dev eth0   (or: sysctl -w net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0)" ] ||
  fail "loose, no route: fix is $(fix)"
[ "$(verdict "$G:$P%eth0")" = warn ] || fail "any-source, loose, no default route: not a warning: $(cat "$dir/rpf")"
pass "loose without a route back: FAIL, nothing arrives; fix names the route"

# 2. Strict, no route back: rp_filter=2 is no fix, and the doctor does not
# offer it; applying it changes nothing.
rpf 1 1
expect fail 0 "strict, no route back"
case "$(fix)" in "sysctl"*"rp_filter=2"*) fail "strict, no route: offers rp_filter=2: $(fix)" ;; esac
rpf 2 2
expect fail 0 "rp_filter=2 applied without a route"
pass "strict without a route back: FAIL, and rp_filter=2 rightly not offered"

# 3. The route back leaves by eth1: strict drops, loose accepts.
ip -n rx route add 10.99.0.0/16 dev eth1
rpf 1 1
expect fail 0 "strict, route back via eth1"
fx=$(fix)
[ "${fx%%   *}" = "sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.eth0.rp_filter=2" ] ||
  fail "strict, asymmetric: fix is $fx"
ip netns exec rx ${fx%%   *} >/dev/null
expect ok $N "the fix applied (loose, route via eth1)"
# The larger of all and the interface counts: all=0 eth0=1 is strict.
rpf 0 1
expect fail 0 "all=0 eth0=1"
grep -q '0 for all and 1 for eth0, so 1' "$dir/rpf" || fail "max(all, iface) not shown: $(cat "$dir/rpf")"
pass "asymmetric route: strict FAIL with rp_filter=2 as fix; fixed, all arrive"

# 4. A blackhole route back drops in loose mode too.
ip -n rx route add blackhole 10.99.0.5/32
rpf 2 2
expect fail 0 "loose, blackhole route back"
ip -n rx route del blackhole 10.99.0.5/32
pass "blackhole route back: FAIL, nothing arrives"

# 5. Loose, route via eth1, but eth0 has no IPv4 address: the kernel
# accepts only a route through eth0, as in strict mode.
ip -n rx addr del 10.82.0.2/24 dev eth0
expect fail 0 "loose, no IPv4 address on eth0, route via eth1"
ip -n rx addr add 10.82.0.2/24 dev eth0
expect ok $N "loose, address back"
pass "loose on an interface without an IPv4 address: FAIL, nothing arrives"

# 6. The route fix of case 1: strict with the route back through eth0.
ip -n rx route del 10.99.0.0/16 dev eth1
ip -n rx route add 10.99.0.5/32 dev eth0
rpf 1 1
expect ok $N "strict, route back via eth0"
ip -n rx route del 10.99.0.5/32 dev eth0
# rp_filter off, no route: all arrive.
rpf 0 0
expect ok $N "rp_filter off, no route"
[ "$(verdict "$G:$P%eth0")" = ok ] || fail "any-source, off: $(cat "$dir/rpf")"
pass "route back via eth0, or rp_filter 0: OK, all arrive"
