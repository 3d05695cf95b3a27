#!/usr/bin/env bash
# Hostile clients against --metrics while a paced stream (1000 probes/s)
# arrives: a request with a 1 MiB header, then 40 slowloris connections
# from 127.0.0.1 that never finish their headers, and meanwhile a
# scrape from 127.0.0.2 every 100 ms. Every scrape must be answered within
# a second, the slow client must hold at most 4 connections (the
# per-address limit), the big header must get 431, and the stream must
# lose nothing: no kernel drop, no datagram missing.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v curl >/dev/null || fail "curl is needed (apt-get install curl)"
scratch # $dir, and $pids stopped on exit
ip link set lo multicast on
port=9464
url=http://127.0.0.1:$port/metrics

"$MCWATCH" --headless --stats-only --interval 0 --metrics 127.0.0.1:$port \
  239.1.2.21:5000%lo >"$dir/out" 2>"$dir/err" &
mcw=$!
pids+=($mcw)
wait_for_line "$dir/out" 5 '"event":"join"' || fail "no join: $(cat "$dir/err")"

"$MCWATCH" send -r 1000 -d 6 239.1.2.21:5000%lo 2>"$dir/send.err" &
sender=$!
pids+=($sender)

# A 1 MiB header: refused with 431 once the 16 KiB budget is used, not
# read whole (and the loop is not stalled reading it).
{ printf 'X-Big: '; head -c 1048576 /dev/zero | tr '\0' a; } >"$dir/big"
exec {big}<>/dev/tcp/127.0.0.1/$port || fail "connect for the big header"
(
  trap '' PIPE
  printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n' >&$big
  cat "$dir/big" >&$big
  printf '\r\n\r\n' >&$big
) 2>/dev/null &
pids+=($!)
status=$(timeout 5 head -c 64 <&$big | head -1 | tr -d '\r')
exec {big}>&-
[ "$status" = "HTTP/1.1 431 Request Header Fields Too Large" ] ||
  fail "1 MiB header: '$status', wanted 431"

# Slowloris: 40 connections, a header line a second, never the blank line.
(
  trap '' PIPE
  fds=()
  for _ in $(seq 40); do
    exec {fd}<>/dev/tcp/127.0.0.1/$port || continue
    printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n' >&$fd 2>/dev/null
    fds+=($fd)
  done
  for _ in $(seq 7); do
    sleep 1
    for fd in "${fds[@]}"; do printf 'X-Slow: 1\r\n' >&$fd 2>/dev/null; done
  done
) &
pids+=($!)
sleep 0.5

# Scrapes from 127.0.0.2 every 100 ms while the attack goes on.
held=0
for i in $(seq 40); do
  code=$(curl -s -o "$dir/scrape" -w '%{http_code}' --max-time 1 \
    --interface 127.0.0.2 "$url")
  [ "$code" = 200 ] || fail "scrape $i during the attack: status '$code'"
  grep -q '^mcwatch_packets_received_total{' "$dir/scrape" ||
    fail "scrape $i: no group in it"
  n=$(ss -Htn state established "( sport = :$port and dst 127.0.0.1 )" | wc -l)
  [ "$n" -gt "$held" ] && held=$n
  sleep 0.1
done
[ "$held" -ge 1 ] && [ "$held" -le 4 ] ||
  fail "the slow client held $held connections (limit 4)"

wait $sender || fail "sender exit status $?"
sent=$(grep -o 'sent [0-9]* datagrams' "$dir/send.err" | grep -o '[0-9]*')
[ -n "$sent" ] || fail "sender: $(cat "$dir/send.err")"
sleep 0.3
curl -s --max-time 2 --interface 127.0.0.2 "$url" >"$dir/final" ||
  fail "final scrape"
sel='{group="239.1.2.21",port="5000",source="",iface="lo"}'
grep -qxF "mcwatch_packets_received_total$sel $sent" "$dir/final" ||
  fail "received: $(grep '^mcwatch_packets_received_total' "$dir/final"), sent $sent"
grep -qxF "mcwatch_kernel_drops_total$sel 0" "$dir/final" ||
  fail "kernel drops: $(grep '^mcwatch_kernel_drops_total' "$dir/final")"
grep -qxF "mcwatch_packets_lost_total$sel 0" "$dir/final" ||
  fail "lost: $(grep '^mcwatch_packets_lost_total' "$dir/final")"
kill -INT $mcw
wait $mcw || fail "mcwatch exit status $?"
pass "40 scrapes served under slowloris and a 1 MiB header; $sent sent, all received, no drop"
