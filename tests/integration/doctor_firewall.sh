#!/usr/bin/env bash
# The doctor's firewall verdict against what really arrives, with real
# nftables and iptables-nft rules in the receiver's namespace: a sender
# host (tx 10.84.0.1) and a receiver host (rx 10.84.0.2) on one link. For
# each ruleset the doctor must FAIL exactly when the datagrams are
# dropped, warn when it cannot tell, say OK when they arrive, count each
# rule once, and its fix, applied, must let them through.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
for t in nft iptables-nft; do
  command -v $t >/dev/null || PATH=$PATH:/usr/sbin:/sbin
  command -v $t >/dev/null || fail "$t is needed (apt-get install nftables iptables)"
done
[ "$(id -u)" = 0 ] || { echo "SKIPPED: $(basename "$0"): the firewall check needs root" >&2; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

for h in rx tx; do
  ip netns add $h
  ip -n $h link set lo up
done
ip link add eth0 netns rx type veth peer name eth0 netns tx
ip -n rx addr add 10.84.0.2/24 dev eth0
ip -n tx addr add 10.84.0.1/24 dev eth0
ip -n rx link set eth0 up
ip -n tx link set eth0 up
G=239.84.0.1 P=5840 N=20
RX="ip netns exec rx"

# firewall [ENDPOINT]: the doctor's firewall status; its JSON in $dir/fw.
firewall() {
  $RX "$MCWATCH" doctor --json --no-join "${1:-$G:$P%eth0}" |
    jq -c 'select(.check=="firewall")' >"$dir/fw"
  jq -r .status "$dir/fw"
}

# expect STATUS ARRIVED WHAT [GROUP] [SOURCE]: the doctor's verdict and
# the datagrams that really arrive.
expect() {
  local g=${4:-$G} st got ep
  ep="$g:$P${5:+@$5}%eth0"
  st=$(firewall "$ep")
  got=$(arrivals rx tx "$g" $P $N "${5:-}")
  [ "$st" = "$1" ] && [ "$got" = "$2" ] ||
    fail "$3: doctor says $st, $got of $N arrived (want $1, $2): $(cat "$dir/fw")"
}

# apply_fix: runs the doctor's fix in rx.
apply_fix() {
  local fx
  fx=$(jq -r .fix "$dir/fw")
  $RX bash -c "$fx" || fail "the fix failed: $fx"
}

has() {
  grep -qF -- "$1" "$dir/fw" || fail "firewall check lacks '$1': $(cat "$dir/fw")"
}

expect ok $N "no rules"
pass "no rules: OK, all arrive"

# 1. A port range, which the old text scan missed; the fix inserts an
# accept before it.
$RX nft add table inet f
$RX nft add chain inet f input '{ type filter hook input priority 0; }'
$RX nft add rule inet f input udp dport 4000-6000 drop
expect fail 0 "udp dport 4000-6000 drop"
has 'rule \"udp dport 4000-6000 drop\" (inet f input, handle 2) drops UDP to 239.84.0.1 port 5840 on eth0'
has '"fix":"nft insert rule inet f input position 2 ip daddr 239.84.0.1 udp dport 5840 accept"'
apply_fix
expect ok $N "udp dport 4000-6000 drop, after the fix"
$RX nft flush ruleset
pass "nft port range: FAIL, nothing arrives; the fix lets them through"

# 2. The group's address; another group is not affected.
$RX nft add table ip f
$RX nft add chain ip f pre '{ type filter hook prerouting priority -200; }'
$RX nft add rule ip f pre ip daddr 239.84.0.1 drop
expect fail 0 "ip daddr drop"
expect ok $N "ip daddr drop, another group" 239.84.0.2
$RX nft flush ruleset
pass "nft ip daddr in prerouting: FAIL for the group only"

# 3. The interface and a set of ports, with reject.
$RX nft add table inet f
$RX nft add chain inet f input '{ type filter hook input priority 0; }'
$RX nft add rule inet f input iifname eth9 udp dport 5840 drop
expect ok $N "iifname of another interface"
$RX nft add rule inet f input iifname "eth*" meta l4proto udp th dport '{ 80, 5840 }' reject
expect fail 0 "iifname eth* with a set, reject"
$RX nft flush ruleset
pass "nft iifname, sets, reject: judged per interface"

# 4. A chain policy drop with the usual conntrack accept: multicast UDP is
# never "established".
$RX nft add table inet f
$RX nft add chain inet f input '{ type filter hook input priority 0; policy drop; }'
$RX nft add rule inet f input ct state established,related accept
$RX nft add rule inet f input iifname lo accept
expect fail 0 "policy drop"
has "chain inet f input has policy drop"
apply_fix
expect ok $N "policy drop, after the fix"
$RX nft flush ruleset
pass "policy drop: FAIL, nothing arrives; the fix lets them through"

# 5. A jump on the sender's address: certain with the source, maybe without.
$RX nft add table inet f
$RX nft add chain inet f input '{ type filter hook input priority 0; }'
$RX nft add chain inet f senders
$RX nft add rule inet f input ip saddr 10.84.0.0/24 jump senders
$RX nft add rule inet f senders udp dport 5840 drop
expect fail 0 "jump on the source, source given" $G 10.84.0.1
expect warn 0 "jump on the source, any-source"
has "it depends on the sender's address"
$RX nft flush ruleset
pass "jump: FAIL with the source, WARN without; nothing arrives"

# 6. iptables-nft: one rule is one rule; a drop and a REJECT.
$RX iptables-nft -A INPUT -p udp --dport 5841 -j DROP
expect ok $N "iptables rule for another port"
has "1 nftables rule, 1 base chain on the way in"
$RX iptables-nft -A INPUT -d 239.84.0.0/24 -i eth0 -j REJECT
expect fail 0 "iptables REJECT"
has '"fix":"iptables -I INPUT 2 -d 239.84.0.1 -p udp --dport 5840 -j ACCEPT"'
apply_fix
expect ok $N "iptables REJECT, after the fix"
$RX iptables-nft -F INPUT
# An extension nft cannot show: a warning, not a guess.
$RX iptables-nft -A INPUT -p udp -m multiport --dports 5840,5841 -j DROP
expect warn 0 "iptables multiport"
has "-m multiport"
$RX iptables-nft -F INPUT
pass "iptables-nft: counted once; DROP/REJECT FAIL, multiport WARN; fixes work"
