#!/usr/bin/env bash
# Several hosts on one LAN, built from network namespaces and a bridge:
# any-source and source-specific groups, IPv4 and IPv6, each receiver sees
# exactly what it joined. All hosts exist only inside this test.
#
#   s1 10.77.0.1 fd77::1 ─┐
#   s2 10.77.0.2 fd77::2 ─┤ br0 (namespace sw)
#   ra 10.77.0.11 ...    ─┤
#   rb 10.77.0.12 ...    ─┘
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
scratch # $dir, and $pids stopped on exit

make_switch
add_host s1 10.77.0.1 fd77::1
add_host s2 10.77.0.2 fd77::2
add_host ra 10.77.0.11 fd77::11
add_host rb 10.77.0.12 fd77::12

# watch HOST NAME ENDPOINT...: mcwatch headless in HOST, output in $dir/NAME.
watch() {
  local host=$1 name=$2
  shift 2
  ip netns exec "$host" "$MCWATCH" --headless --interval 0 "$@" \
    >"$dir/$name" 2>"$dir/$name.err" &
  pids+=($!)
  local want=$#
  for _ in $(seq 100); do
    [ "$(grep -c '"event":"join"' "$dir/$name")" -ge "$want" ] && return 0
    grep -q '"event":"error"' "$dir/$name" && break
    sleep 0.05
  done
  fail "$name: joins not done: $(cat "$dir/$name" "$dir/$name.err")"
}

# send HOST GROUP PORT COUNT [SOURCE]: a bounded burst from HOST's eth0.
send() {
  local host=$1 group=$2 port=$3 n=$4 src=${5:-}
  ip netns exec "$host" "$TESTSEND" "$group" "$port" eth0 "$n" \
    --text "$host-%n" --interval-ms 1 ${src:+--source "$src"} ||
    fail "send from $host to $group failed"
}

stop_all() {
  sleep 0.4
  for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" || fail "a receiver exited non-zero"; done
  pids=()
}

# expect FILE FILTER N WHAT: exactly N datagram lines match FILTER.
expect() {
  local got
  got=$(count_json "$1" ".event==\"datagram\" and ($2)")
  [ "$got" = "$3" ] || fail "$4: got $got, wanted $3"
}

# 1. Any-source IPv4 and IPv6: each receiver sees only its group.
watch ra ra1 239.77.1.1:6000%eth0 '[ff15::77:1]:6000%eth0' \
  '[ff02::77:5]:6000%eth0'
watch rb rb1 239.77.1.2:6000%eth0 '[ff15::77:2]:6000%eth0' \
  '[ff0e::77:6]:6000%eth0'
send s1 239.77.1.1 6000 30
send s1 239.77.1.2 6000 20
send s1 ff15::77:1 6000 12 fd77::1
send s2 ff15::77:2 6000 7 fd77::2
send s2 ff02::77:5 6000 3   # link-local scope: bound with the interface's index
send s1 ff0e::77:6 6000 4 fd77::1
stop_all
expect "$dir/ra1" '.group=="239.77.1.1" and .from=="10.77.0.1"' 30 "ra on 239.77.1.1"
expect "$dir/rb1" '.group=="239.77.1.2" and .from=="10.77.0.1"' 20 "rb on 239.77.1.2"
expect "$dir/ra1" '.group=="ff15::77:1" and .from=="fd77::1"' 12 "ra on ff15::77:1"
expect "$dir/rb1" '.group=="ff15::77:2" and .from=="fd77::2"' 7 "rb on ff15::77:2"
expect "$dir/ra1" '.group=="ff02::77:5" and (.from=="fd77::2" or (.from|startswith("fe80:")))' 3 "ra on ff02::77:5 (link-local scope)"
expect "$dir/rb1" '.group=="ff0e::77:6" and .from=="fd77::1"' 4 "rb on ff0e::77:6"
expect "$dir/ra1" 'true' 45 "ra total (nothing of rb's groups)"
expect "$dir/rb1" 'true' 31 "rb total (nothing of ra's groups)"

# 2. Source-specific IPv4 (232/8) and IPv6 (ff35::/32): two senders, one group.
watch ra ra2 232.1.1.1:6001@10.77.0.1%eth0 '[ff35::77:1]:6001@fd77::1%eth0'
watch rb rb2 232.1.1.1:6001@10.77.0.1%eth0 232.1.1.1:6001@10.77.0.2%eth0 \
  '[ff35::77:1]:6001@fd77::1%eth0' '[ff35::77:1]:6001@fd77::2%eth0'
send s1 232.1.1.1 6001 25
send s2 232.1.1.1 6001 15
send s1 ff35::77:1 6001 9 fd77::1
send s2 ff35::77:1 6001 4 fd77::2
stop_all
expect "$dir/ra2" '.group=="232.1.1.1"' 25 "ra (S1 only) on 232.1.1.1"
expect "$dir/ra2" '.group=="232.1.1.1" and .from!="10.77.0.1"' 0 "ra saw another source"
expect "$dir/ra2" '.group=="ff35::77:1"' 9 "ra (S1 only) on ff35::77:1"
expect "$dir/ra2" '.group=="ff35::77:1" and .from!="fd77::1"' 0 "ra saw another IPv6 source"
expect "$dir/rb2" '.source=="10.77.0.1" and .from=="10.77.0.1"' 25 "rb (S1,G)"
expect "$dir/rb2" '.source=="10.77.0.2" and .from=="10.77.0.2"' 15 "rb (S2,G)"
expect "$dir/rb2" '.source=="fd77::1" and .from=="fd77::1"' 9 "rb (S1,G) IPv6"
expect "$dir/rb2" '.source=="fd77::2" and .from=="fd77::2"' 4 "rb (S2,G) IPv6"

# 3. A source on a group outside the SSM range works too (IGMPv3 / MLDv2).
watch ra ra3 239.77.3.3:6003@10.77.0.2%eth0
send s1 239.77.3.3 6003 5
send s2 239.77.3.3 6003 6
stop_all
expect "$dir/ra3" '.from=="10.77.0.2"' 6 "(S2, 239.77.3.3)"
expect "$dir/ra3" 'true' 6 "(S2, 239.77.3.3) let other sources through"

# 4. An SSM group without a source is refused, and says why.
out=$(ip netns exec ra "$MCWATCH" --headless 232.1.1.1:6001%eth0 2>&1)
[ $? = 2 ] && grep -q "needs a source" <<<"$out" || fail "SSM without source: $out"
pass "ASM and SSM, IPv4 and IPv6, across 4 namespaced hosts: exact counts, no leaks"
