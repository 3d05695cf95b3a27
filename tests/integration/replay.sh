#!/usr/bin/env bash
# `mcwatch send --replay`: captures made by mcwatch --write (raw IP) and by
# tcpdump (-i v1: Ethernet; -i any: Linux cooked), as pcap and as pcapng
# (editcap), IPv4 and IPv6, replayed into a headless mcwatch. The receiver
# must see exactly the payloads (hex, in order) and counts of the original,
# at about the original pace; records that are not UDP (ping), IP fragments
# (a 3000-byte datagram on a 1500-byte lo) and unicast datagrams are skipped
# and counted as tshark counts them. Bad files: one line, exit 2 or 1.
# Needs tcpdump, tshark/editcap and jq.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

for t in jq tcpdump tshark editcap; do
  command -v $t >/dev/null || fail "$t is needed (apt-get install jq tcpdump tshark)"
done
# A veth pair in this namespace: senders on v0, receivers on v1 (Linux
# does not deliver IPv6 multicast on lo); v1 accepts v0's local source.
ip link add v0 type veth peer name v1
ip addr add 10.9.0.1/24 dev v0
ip addr add 10.9.0.2/24 dev v1
ip addr add fd55::1/64 dev v0 nodad
ip addr add fd55::2/64 dev v1 nodad
ip link set v0 up
ip link set v1 up
for i in all default v0 v1; do
  sysctl -qw net.ipv4.conf.$i.accept_local=1 net.ipv4.conf.$i.rp_filter=0
done
scratch # $dir, and $pids stopped on exit
G4=239.1.3.1:5000%v1
G6=[ff15::13]:5002%v1

# hexes FILE GROUP: the payloads a headless run saw on GROUP, one a line.
hexes() {
  jq -r --arg g "$2" 'select(.event=="datagram" and .group==$g) | .hex' "$1"
}
# receive OUT SECONDS ENDPOINT...: a headless receiver in the background.
receive() {
  local out=$1 secs=$2
  shift 2
  "$MCWATCH" --headless --snap 4096 -d "$secs" "$@" >"$out" 2>"$out.err" &
  rpid=$!
  pids+=("$rpid")
  wait_for_line "$out" 5 '"event":"join"' || fail "no join: $(cat "$out.err")"
  sleep 0.2
}

# 1. The original: probes to an IPv4 and an IPv6 group, recorded by mcwatch
# --write and by tcpdump on v1 and on any (what came in), plus on lo a
# ping, a unicast datagram and a fragmented one.
ip link set lo mtu 1500
tcpdump -i v1 -w "$dir/eth.pcap" -U 2>"$dir/td1" &
pids+=($!)
td1=$!
tcpdump -i any -Q in -w "$dir/any.pcap" -U 2>"$dir/td2" &
pids+=($!)
td2=$!
wait_for_line "$dir/td1" 5 listening || fail "tcpdump -i v1: $(cat "$dir/td1")"
wait_for_line "$dir/td2" 5 listening || fail "tcpdump -i any: $(cat "$dir/td2")"
receive "$dir/orig" 3 --write "$dir/mw.pcap" "$G4" "$G6"
"$MCWATCH" send -r 200 -n 200 -s 200 -t original "${G4%v1}v0" "${G6%v1}v0" 2>/dev/null ||
  fail "send failed"
ping -c 2 -i 0.2 127.0.0.1 >/dev/null 2>&1
head -c 3000 /dev/zero >/dev/udp/127.0.0.1/7000
echo unicast >/dev/udp/127.0.0.1/7001
wait $rpid || fail "original receiver: $(cat "$dir/orig.err")"
sleep 0.3
kill -INT $td1 $td2
wait $td1 $td2
editcap -F pcapng "$dir/eth.pcap" "$dir/eth.pcapng" || fail "editcap"
hexes "$dir/orig" 239.1.3.1 >"$dir/orig.4"
hexes "$dir/orig" ff15::13 >"$dir/orig.6"
[ "$(wc -l <"$dir/orig.4")" = 200 ] && [ "$(wc -l <"$dir/orig.6")" = 200 ] ||
  fail "the original run did not get 200 + 200"

# 2. Each capture replayed to its original groups: the same payloads, in
# order, the same counts, and about the same time (the original took
# 199 / 200 s = 0.995 s).
for f in mw.pcap eth.pcap eth.pcapng any.pcap; do
  receive "$dir/rx.$f" 3 "$G4" "$G6"
  "$MCWATCH" send --replay "$dir/$f" --iface v0 2>"$dir/say.$f" ||
    fail "$f: replay exit $?: $(cat "$dir/say.$f")"
  wait $rpid || fail "$f: receiver: $(cat "$dir/rx.$f.err")"
  hexes "$dir/rx.$f" 239.1.3.1 | cmp -s - "$dir/orig.4" ||
    fail "$f: IPv4 payloads differ ($(hexes "$dir/rx.$f" 239.1.3.1 | wc -l) received)"
  hexes "$dir/rx.$f" ff15::13 | cmp -s - "$dir/orig.6" ||
    fail "$f: IPv6 payloads differ ($(hexes "$dir/rx.$f" ff15::13 | wc -l) received)"
  jq -e 'select(.event=="summary") | [.groups[] | .packets == 200 and
    .lost == 0 and .dup == 0 and .reordered == 0] | all' "$dir/rx.$f" >/dev/null ||
    fail "$f: $(grep summary "$dir/rx.$f")"
  secs=$(sed -n 's/.* in \([0-9.]*\) s.*/\1/p' "$dir/say.$f")
  awk -v s="$secs" 'BEGIN { exit !(s > 0.90 && s < 1.10) }' ||
    fail "$f: replay took $secs s, the original 0.995 s"
done

# 3. What was skipped, as tshark counts it (without reassembly): the ping
# ICMP, IGMP and MLD records (IP, not UDP), the fragments of the 3000-byte
# datagram, the unicast datagram.
for f in any.pcap; do
  say=$(cat "$dir/say.$f")
  ts() { tshark -o ip.defragment:FALSE -r "$dir/$f" -Y "$1" | wc -l; }
  frag='(ip.flags.mf == 1 || ip.frag_offset > 0)'
  frags=$(ts "$frag")
  # (an ICMP error quotes the datagram it answers: tshark calls it udp too)
  icmp=$(ts "(ip && !$frag && (!udp || icmp)) || (ipv6 && (!udp || icmpv6))")
  uni=$(ts "udp && !icmp && ip.dst == 127.0.0.1 && !$frag")
  [ "$frags" -ge 2 ] && [ "$icmp" -ge 2 ] && [ "$uni" -ge 1 ] ||
    fail "$f: tshark sees $frags fragments, $icmp ICMP, $uni unicast"
  case $say in
  *" $frags IP fragments"*" $uni not to a multicast group"*) ;;
  *) fail "$f: expected $frags fragments and $uni unicast: $say" ;;
  esac
  case $say in *"$icmp not UDP"*) ;; *) fail "$f: expected $icmp not UDP: $say" ;; esac
done

# 4. To a given group instead, twice as fast, and --count: the payloads of
# both original groups, in capture order, at half the time.
receive "$dir/rx.given" 3 239.1.3.9:6000%v1
"$MCWATCH" send --replay "$dir/mw.pcap" --speed 2 -n 300 239.1.3.9:6000%v0 \
  2>"$dir/say.given" || fail "replay to a given group: $(cat "$dir/say.given")"
wait $rpid
jq -r 'select(.event=="datagram") | .hex' "$dir/rx.given" >"$dir/given"
tshark -r "$dir/mw.pcap" -T fields -e udp.payload -c 300 | tr -d ':' >"$dir/want"
cmp -s "$dir/given" "$dir/want" || fail "given group: payloads differ from tshark's"
secs=$(sed -n 's/.* in \([0-9.]*\) s.*/\1/p' "$dir/say.given")
# (300 datagrams are 150 ticks of both groups: 149 / 200 / 2 = 0.3725 s)
awk -v s="$secs" 'BEGIN { exit !(s > 0.33 && s < 0.42) }' ||
  fail "--speed 2 -n 300 took $secs s (want about 0.37)"

# 5. --loop with --duration: the file again and again, no pause between.
receive "$dir/rx.loop" 3 239.1.3.9:6000%v1
"$MCWATCH" send --replay "$dir/mw.pcap" --speed 4 --loop -d 1.2 \
  239.1.3.9:6000%v0 2>"$dir/say.loop" || fail "--loop: $(cat "$dir/say.loop")"
wait $rpid
n=$(count_json "$dir/rx.loop" '.event=="datagram"')
# (a pass is 400 datagrams in 0.995 / 4 s, the next one gap later: 1.2 s
# hold 1.2 / (1 / 200 / 4 * 200) = 4.8 passes, 1920 datagrams)
[ "$n" -ge 1800 ] && [ "$n" -le 2000 ] || fail "--loop -d 1.2 at 4x: $n datagrams (want about 1920)"

# 6. Bad files: one line each, exit 2 (not a capture) or 1 (I/O).
bad() {
  local want=$1 pattern=$2 rc
  shift 2
  "$MCWATCH" send "$@" >"$dir/bad.out" 2>"$dir/bad.err"
  rc=$?
  [ "$rc" = "$want" ] || fail "$*: exit $rc, want $want: $(cat "$dir/bad.err")"
  [ "$(wc -l <"$dir/bad.err")" = 1 ] && grep -q -- "$pattern" "$dir/bad.err" ||
    fail "$*: $(cat "$dir/bad.err")"
}
bad 2 "not a pcap or pcapng capture" --replay /etc/hostname
bad 1 "No such file" --replay "$dir/none.pcap"
bad 2 "filter" --replay "$dir/mw.pcap" --filter 'udp and ('
bad 2 "go with --replay" --loop 239.1.3.9:6000
bad 2 "for probes" --replay "$dir/mw.pcap" --rate 5
head -c 10 "$dir/mw.pcap" >"$dir/short.pcap"
bad 2 "not a pcap" --replay "$dir/short.pcap"
head -c 2000 "$dir/mw.pcap" >"$dir/cut.pcap"
"$MCWATCH" send --replay "$dir/cut.pcap" --speed 0 2>"$dir/bad.err"
[ $? = 1 ] && grep -q "cut short after" "$dir/bad.err" || fail "cut file: $(cat "$dir/bad.err")"
pass "mcwatch --write, tcpdump v1/any, pcap and pcapng: same payloads, counts and pace; skips counted; --speed, --count, --loop; bad files"
