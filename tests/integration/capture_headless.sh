#!/usr/bin/env bash
# --write FILE in headless mode: the pcap file holds every datagram with
# its addresses, ports and payload, and is complete after --count, after
# SIGINT and after --duration. Read back with tcpdump (and tshark when
# installed). IPv4 on lo, IPv6 across a veth pair.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v tcpdump >/dev/null || fail "tcpdump is needed (apt-get install tcpdump)"
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
ip link set lo multicast on
ip link add v0 type veth peer name v1
ip addr add fd55::1/64 dev v0 nodad
ip addr add fd55::2/64 dev v1 nodad
ip link set v0 up
ip link set v1 up

# start NAME ARGS...: runs mcwatch headless in the background, waits for its join.
start() {
  local name=$1
  shift
  "$MCWATCH" --headless --interval 0 "$@" >"$dir/$name.json" 2>"$dir/$name.err" &
  pid=$!
  wait_for_line "$dir/$name.json" 5 '"event":"join"' ||
    fail "$name: no join: $(cat "$dir/$name.json" "$dir/$name.err")"
}

# read_back FILE: tcpdump's one-line view, failing on any complaint.
read_back() {
  tcpdump -r "$1" -nn 2>"$1.err" >"$1.txt" || fail "tcpdump -r $1: $(cat "$1.err")"
  grep -qi "cut short\|truncated dump" "$1.err" && fail "$1 incomplete: $(cat "$1.err")"
  cat "$1.txt"
}

# 1. --count: 25 datagrams, all in the file, with their payloads.
start count -w "$dir/count.pcap" --count 25 239.255.70.1:5601%lo
"$TESTSEND" 239.255.70.1 5601 lo 25 --text "capture-%n-payload" --sport 4601 ||
  fail "send failed"
wait "$pid" || fail "mcwatch --count exited non-zero: $(cat "$dir/count.err")"
pid=
out=$(read_back "$dir/count.pcap")
[ "$(wc -l <<<"$out")" = 25 ] || fail "count: want 25 packets, got: $out"
[ "$(grep -c '\.4601 > 239\.255\.70\.1\.5601: UDP, length 18$' <<<"$out")" -ge 9 ] ||
  fail "count: addresses, ports or lengths wrong: $out"
tcpdump -r "$dir/count.pcap" -nn -A 2>/dev/null | grep -q 'capture-25-payload' ||
  fail "count: payload of the 25th datagram missing"
tcpdump -r "$dir/count.pcap" -nn -vv 2>/dev/null | grep -q 'udp sum ok' ||
  fail "count: UDP checksum not valid"
[ "$(jq -r 'select(.event=="summary") | .capture.packets' "$dir/count.json")" = 25 ] ||
  fail "count: summary does not report 25 captured packets"
# Kernel timestamps, to the nanosecond: the file's first packet and the
# JSON line of the first datagram agree.
first_pcap=$(tcpdump -r "$dir/count.pcap" -nn -tt --time-stamp-precision=nano \
  -c 1 2>/dev/null | cut -d' ' -f1)
first_json=$(jq -r 'select(.event=="datagram") | .ts' "$dir/count.json" | head -n 1)
[ -n "$first_pcap" ] && [ -n "$first_json" ] || fail "no timestamps to compare"
awk -v a="$first_pcap" -v b="$first_json" 'BEGIN { d = a - b; exit !(d < 0.000002 && d > -0.000002) }' ||
  fail "timestamps differ: pcap $first_pcap, JSON $first_json"
pass "--count 25: 25 packets, addresses, ports, payload, checksum, timestamps"

# 2. SIGINT: the file is complete and closed.
start sigint -w "$dir/sigint.pcap" 239.255.70.2:5602%lo
"$TESTSEND" 239.255.70.2 5602 lo 40 --text "interrupted-%n" --sport 4602 || fail send
sleep 0.3
kill -INT "$pid"
wait "$pid" || fail "mcwatch exited non-zero after SIGINT"
pid=
out=$(read_back "$dir/sigint.pcap")
[ "$(wc -l <<<"$out")" = 40 ] || fail "SIGINT: want 40 packets, got $(wc -l <<<"$out")"
if command -v tshark >/dev/null; then
  n=$(tshark -r "$dir/sigint.pcap" -T fields -e udp.dstport 2>/dev/null | grep -c '^5602$')
  [ "$n" = 40 ] || fail "tshark reads $n packets to port 5602, want 40"
fi
pass "SIGINT: 40 packets, file complete"

# 3. IPv6 across a veth pair, stopped by --duration.
start v6 -w "$dir/v6.pcap" --duration 1.5 '[ff15::70:3]:5603%v1'
"$TESTSEND" ff15::70:3 5603 v0 7 --text "six-%n" --sport 4603 || fail "v6 send"
wait "$pid" || fail "mcwatch --duration exited non-zero"
pid=
out=$(read_back "$dir/v6.pcap")
[ "$(grep -c 'IP6 fd55::1\.4603 > ff15::70:3\.5603: UDP, length 5$' <<<"$out")" = 7 ] ||
  fail "v6: want 7 packets fd55::1.4603 > ff15::70:3.5603: $out"
pass "IPv6 --duration: 7 packets with addresses and ports"

# 4. A file that cannot be written is a runtime failure (exit 1), said once.
"$MCWATCH" --headless -w "$dir/no/such/dir.pcap" --duration 0.1 239.255.70.4:5604%lo \
  >/dev/null 2>"$dir/bad.err"
rc=$?
[ "$rc" = 1 ] || fail "unwritable --write: exit $rc, want 1"
grep -q "mcwatch: --write .*No such file" "$dir/bad.err" || fail "no clear message: $(cat "$dir/bad.err")"
pass "unwritable file: exit 1 with a message"
