#!/usr/bin/env bash
# A reader slower than the datagrams never stalls mcwatch: --duration
# ends on time, SIGTERM is obeyed at once, and the exit waits for the
# reader 2 s at most. Lines that do not fit the backlog are dropped whole
# and counted: every line read is valid JSON, and datagram lines read
# plus output_dropped equal the datagrams received.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
pid= reader=
# stop_reader: ends the reader and its sleep.
stop_reader() {
  [ -n "$reader" ] && kill "$reader" 2>/dev/null
  [ -s "$dir/sleep.pid" ] && kill "$(cat "$dir/sleep.pid")" 2>/dev/null
  rm -f "$dir/sleep.pid"
  reader=
}
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  stop_reader
  rm -rf "$dir"
}
trap cleanup EXIT
ip link set lo multicast on
G=239.255.76.1 P=5760

elapsed_ms() { echo $((($(date +%s%N) - $1) / 1000000)); }

# reader SECONDS OUT: a reader on fifo $dir/f that opens it at once, reads
# nothing for SECONDS, then everything into OUT.
reader() {
  rm -f "$dir/f"
  mkfifo "$dir/f"
  (
    exec 3<"$dir/f"
    sleep "$1" </dev/null >/dev/null 2>&1 3<&- &
    echo $! >"$dir/sleep.pid"
    wait $!
    cat <&3 >"$2"
  ) &
  reader=$!
}

# flood: 20,000 datagrams (about 40 MB of JSON lines).
flood() {
  "$TESTSEND" $G $P lo 20000 --size 500 --sport 4760 >/dev/null || fail "send"
}

wait_join() {
  wait_for_line "$1" 5 "joined" || fail "no join: $(cat "$1")"
}

# 1. --duration 2 with a reader asleep for 30 s: exits by 2 s + 2 s.
reader 30 /dev/null
start=$(date +%s%N)
"$MCWATCH" --headless --duration 2 $G:$P%lo >"$dir/f" 2>"$dir/1.err" &
pid=$!
sleep 0.5
flood
wait "$pid"
rc=$?
pid=
ms=$(elapsed_ms "$start")
stop_reader
[ "$rc" = 0 ] || fail "duration: exit $rc: $(cat "$dir/1.err")"
[ "$ms" -lt 6000 ] || fail "--duration 2 took $ms ms with a slow reader"
[ "$(grep -c "warning: standard output is not keeping up" "$dir/1.err")" = 1 ] ||
  fail "want one warning: $(cat "$dir/1.err")"
grep -q "^mcwatch: standard output: the reader took too little in 2 s; [0-9]* lines dropped at exit" "$dir/1.err" ||
  fail "exit drop not said: $(cat "$dir/1.err")"
pass "--duration 2 with a sleeping reader: exit 0 after $ms ms, drops said"

# 2. SIGTERM while the reader sleeps: obeyed at once (plus the 2 s flush).
reader 30 /dev/null
"$MCWATCH" --headless $G:$P%lo >"$dir/f" 2>"$dir/2.err" &
pid=$!
sleep 0.5
flood
start=$(date +%s%N)
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
ms=$(elapsed_ms "$start")
stop_reader
[ "$rc" = 0 ] || fail "SIGTERM: exit $rc: $(cat "$dir/2.err")"
[ "$ms" -lt 4500 ] || fail "SIGTERM took $ms ms with a slow reader"
pass "SIGTERM with a sleeping reader: exit after $ms ms"

# 3. A reader that wakes up after the run: everything is accounted for.
reader 3 "$dir/3.out"
"$MCWATCH" --headless --duration 2 --interval 0.5 $G:$P%lo >"$dir/f" 2>"$dir/3.err" &
pid=$!
sleep 0.5
flood
wait "$pid"
rc=$?
pid=
wait "$reader"
reader=
rm -f "$dir/sleep.pid"
[ "$rc" = 0 ] || fail "accounting: exit $rc: $(cat "$dir/3.err")"
jq -c . "$dir/3.out" >"$dir/3.jq" || fail "a line read is not valid JSON"
sum=$(jq -c 'select(.event=="summary")' "$dir/3.out")
[ -n "$sum" ] || fail "no summary: $(tail -c 300 "$dir/3.out"; cat "$dir/3.err")"
dropped=$(jq -r '.output_dropped' <<<"$sum")
got=$(jq -r '.datagrams' <<<"$sum")
lines=$(grep -c '"event":"datagram"' "$dir/3.out")
[ "$dropped" -gt 0 ] || fail "nothing dropped: the reader was not slow enough"
[ $((lines + dropped)) = "$got" ] ||
  fail "$lines datagram lines + $dropped dropped != $got datagrams"
[ "$(count_json "$dir/3.out" '.event=="warning" and (.message | test("not keeping up"))')" = 1 ] ||
  fail "want one warning event"
stats=$(jq -r 'select(.event=="stats") | .output_dropped' "$dir/3.out" | tr '\n' ' ')
[ -n "$stats" ] || fail "no stats lines"
sort -n -c <(tr ' ' '\n' <<<"$stats" | sed '/^$/d') || fail "output_dropped went down: $stats"
last=$(tr ' ' '\n' <<<"$stats" | sed '/^$/d' | tail -n 1)
[ "$last" -gt 0 ] && [ "$last" -le "$dropped" ] || fail "stats output_dropped $stats, summary $dropped"
pass "accounting: $lines datagram lines read + $dropped dropped = $got datagrams; stats say $last"
