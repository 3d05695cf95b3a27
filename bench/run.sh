#!/usr/bin/env bash
# The mcwatch benchmark: one command, one private network namespace, the
# same bounded traffic to every receiver in turn, and each receiver's
# throughput as a ratio of the reference receiver's in the same round.
#
#   bench/run.sh BUILD_DIR [--quick] [--repeat N] [--csv FILE]
#                [--only PARTS] [--sizes LIST] [--groups LIST]
#                [--receivers LIST] [--one-core]
#
# PARTS is a comma-separated subset of receivers,ts,idle,memory,soak (all
# by default); MCW_BENCH_SOAK=SECONDS sets the soak's length. The ts part
# floods one group with 1316-byte datagrams of a continuous MPEG-TS stream
# (mcw-blast ... ts) at 100,000 a second, so every TS analyzer has work. LISTs are
# comma-separated: sizes in bytes, group counts, receiver names.
# MCW_BENCH_ARGS adds options to the mcwatch receivers of the receivers
# and ts parts (e.g. "--coalesce 0" to compare with waking for each).
#
# Receivers: mcw-refrecv (recvmmsg x64, counting only: the ceiling),
# mcwatch --headless (JSON lines to /dev/null), mcwatch --headless
# --stats-only, the mcwatch screen UI inside tmux, tcpdump -w /dev/null,
# socat and iperf2's multicast server (these two: one group only). Traffic:
# 64- and 1316-byte datagrams to 1, 16 and 100 groups, from a sender as
# fast as it can and one paced. With --repeat N every case runs N rounds
# and the table shows the median (and the range of the ratio). With
# --one-core the sender and the receiver share one CPU (taskset), as on a
# busy machine: a receiver then keeps up only if it drains its socket fast
# in the time slices it gets, which separates receivers far more sharply
# (and repeatably) than a free-running flood on two idle cores.
# Needs: tmux, tcpdump, socat, iperf, /usr/bin/time (Debian: tmux tcpdump
# socat iperf time).
set -u
usage="usage: bench/run.sh BUILD_DIR [--quick] [--repeat N] [--csv FILE] [--only PARTS] [--sizes LIST] [--groups LIST] [--receivers LIST] [--one-core]"
build=${1:?$usage}
build=$(cd "$build" && pwd) || exit 2
shift
args=("$@")
quick=0 repeat=1 csv= only=receivers,ts,idle,memory,soak one_core=0
sizes= groupsets= receivers=
all_receivers="reference headless-json headless-stats tui tcpdump socat iperf"
while [ $# -gt 0 ]; do
  case $1 in
  --quick) quick=1 ;;
  --one-core) one_core=1 ;;
  --repeat) repeat=${2:?bench: --repeat needs a number}; shift ;;
  --csv) csv=${2:?bench: --csv needs a file}; shift ;;
  --only) only=${2:?bench: --only needs parts}; shift ;;
  --sizes) sizes=${2:?bench: --sizes needs a list}; shift ;;
  --groups) groupsets=${2:?bench: --groups needs a list}; shift ;;
  --receivers) receivers=${2:?bench: --receivers needs a list}; shift ;;
  *) echo "bench: unknown option $1" >&2; echo "$usage" >&2; exit 2 ;;
  esac
  shift
done
case $repeat in '' | *[!0-9]* | 0) echo "bench: --repeat needs a positive number" >&2; exit 2 ;; esac
for part in ${only//,/ }; do
  case $part in receivers | ts | idle | memory | soak) ;; *) echo "bench: unknown part $part (receivers, ts, idle, memory, soak)" >&2; exit 2 ;; esac
done
for r in ${receivers//,/ }; do
  case " $all_receivers " in *" $r "*) ;; *) echo "bench: unknown receiver $r ($all_receivers)" >&2; exit 2 ;; esac
done
want() { case ",$only," in *",$1,"*) return 0 ;; esac; return 1; }
[ -n "$csv" ] || csv=$build/bench-$(date +%Y%m%d-%H%M%S).csv
case $csv in /*) ;; *) csv=$PWD/$csv ;; esac

if [ -z "${MCW_BENCH_NS:-}" ]; then
  export MCW_BENCH_NS=1
  if [ "$(id -u)" = 0 ]; then how="unshare -n"; else how="unshare -rn"; fi
  $how true 2>/dev/null || { echo "bench: cannot create a network namespace" >&2; exit 1; }
  exec $how bash "$0" "$build" "${args[@]}" --csv "$csv"
fi
ip link set lo up
# Multicast sent on lo gets 127.0.0.1 as its source (without this route the
# kernel picks 0.0.0.0, and iperf's server cannot reply to or track that).
ip route add 224.0.0.0/4 dev lo src 127.0.0.1

MCW_ARGS=${MCW_BENCH_ARGS:-} # options for every mcwatch receiver
MCW=$build/mcwatch BLAST=$build/bench/mcw-blast REF=$build/bench/mcw-refrecv
for f in "$MCW" "$BLAST" "$REF"; do [ -x "$f" ] || { echo "bench: $f missing; build first" >&2; exit 1; }; done

BASE=239.77.0.1 PORT=9000
tmp=$(mktemp -d)
TM="tmux -L mcwbench-$$ -f /dev/null"
trap '$TM kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

if [ $quick = 1 ]; then
  : "${sizes:=64}" "${groupsets:=1,16}"
  flood=50000 paced_rate=10000 paced_secs=1 ts_count=100000
else
  : "${sizes:=64,1316}" "${groupsets:=1,16,100}"
  flood=200000 paced_rate=20000 paced_secs=2 ts_count=300000
fi
ts_rate=100000 payload=
sizes=${sizes//,/ } groupsets=${groupsets//,/ }
: "${receivers:=${all_receivers// /,}}"
# The reference always runs: every ratio is taken against it.
receivers="reference $(tr ',' ' ' <<<"$receivers" | sed 's/\breference\b//g')"
needs=/usr/bin/time
PIN= mode=
if [ $one_core = 1 ]; then
  # The last CPU, for sender and receiver alike (children inherit it).
  PIN="taskset -c $(($(nproc) - 1))" mode=" 1cpu" needs="$needs taskset"
fi
if want receivers || want ts; then
  for r in $receivers; do
    case $r in tui) needs="$needs tmux" ;; tcpdump | socat | iperf) needs="$needs $r" ;; esac
  done
fi
{ want memory || want idle; } && needs="$needs tmux" # the screen UI's history and idle cost
for tool in $needs; do
  command -v $tool >/dev/null || { echo "bench: $tool is needed (Debian: apt-get install -y ${tool##*/})" >&2; exit 1; }
done

endpoints() { # N: the endpoints of N consecutive groups on lo
  local n=$1 i a b
  for ((i = 0; i < n; i++)); do
    a=$(((1 + i) / 256)) b=$(((1 + i) % 256))
    printf '239.77.%d.%d:%d%%lo ' $a $b $PORT
  done
}

# wait_file FILE PATTERN SECS
wait_file() {
  local i
  for ((i = 0; i < $3 * 20; i++)); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# udp_drops: the kernel's drop counters of every UDP socket on the bench
# port (last column of /proc/net/udp); on loopback nothing else is lost.
udp_drops() {
  awk -v port="$(printf ':%04X' $PORT)" '$2 ~ port"$" { d += $NF } END { print d + 0 }' /proc/net/udp
}

# timing TFILE: prints "cpu_seconds rss_kib" from /usr/bin/time -f "%U %S %M"
# (its last line: a first one may say the command exited non-zero).
timing() { tail -n 1 "$1" | awk '{ printf "%.2f %d", $1 + $2, $3 }'; }

# run_receiver NAME GROUPS COUNT SIZE RATE: sets RECV, CPU, RSS, SENT, SECS.
run_receiver() {
  local name=$1 g=$2 count=$3 size=$4 rate=$5 pid= out=$tmp/out err=$tmp/err tf=$tmp/time
  rm -f "$out" "$err" "$tf"
  RECV=0 CPU=0 RSS=0
  case $name in
  reference)
    $PIN /usr/bin/time -f "%U %S %M" -o "$tf" "$REF" $BASE $PORT "$g" lo 700 60 >"$out" &
    pid=$!
    wait_file "$out" ready 10 || return 1 ;;
  headless-json) # JSON to /dev/null: received = sent - the socket drops
    $PIN /usr/bin/time -f "%U %S %M" -o "$tf" "$MCW" $MCW_ARGS --headless --interval 0 $(endpoints "$g") >/dev/null 2>"$err" &
    pid=$!
    sleep 0.2
    for _ in $(seq 100); do [ "$(grep -c . /proc/net/igmp)" -ge $((g + 1)) ] && break; sleep 0.05; done ;;
  headless-stats)
    $PIN /usr/bin/time -f "%U %S %M" -o "$tf" "$MCW" $MCW_ARGS --headless --stats-only --interval 1 $(endpoints "$g") >"$out" 2>"$err" &
    pid=$!
    wait_file "$out" '"event":"join"' 10 || return 1
    sleep 0.3 ;;
  tui)
    # Through a script: tmux refuses a command line as long as 1000 groups.
    echo "exec $PIN /usr/bin/time -f '%U %S %M' -o '$tf' '$MCW' $MCW_ARGS $(endpoints "$g") 2>'$err'" >"$tmp/tui.sh"
    $TM new-session -d -s b -x 120 -y 40 "bash $tmp/tui.sh"
    sleep 1.0 ;;
  tcpdump) # -B: the same 4 MiB of buffer as the others ask for
    $PIN /usr/bin/time -f "%U %S %M" -o "$tf" tcpdump -i lo -n -B 4096 -w /dev/null "udp port $PORT" 2>"$err" &
    pid=$!
    wait_file "$err" "listening on" 10 || return 1 ;;
  socat)
    $PIN /usr/bin/time -f "%U %S %M" -o "$tf" socat -u -b 65536 "UDP4-RECV:$PORT,bind=$BASE,reuseaddr,rcvbuf=4194304,ip-add-membership=$BASE:lo" - > >(wc -c >"$out") &
    pid=$!
    sleep 0.5 ;;
  iperf) # iperf2's multicast server: joins on lo, counts iperf's sequence numbers
    $PIN /usr/bin/time -f "%U %S %M" -o "$tf" iperf -s -u -B "$BASE%lo" -p $PORT -w 4M >"$out" 2>"$err" &
    pid=$!
    wait_file "$out" "Joining multicast" 10 || return 1
    sleep 0.3 ;;
  esac
  read -r _ SENT _ SECS _ < <($PIN "$BLAST" $BASE $PORT "$g" "$count" "$size" "$rate" lo $([ $name = iperf ] && echo fin) $payload)
  sleep 0.8
  DROPS=$(udp_drops)
  # /usr/bin/time ignores SIGINT while its child runs: signal the child
  # (by parent pid, so nothing outside this run can be hit).
  case $name in
  reference) wait $pid ;;
  headless-json | headless-stats)
    pkill -INT -P $pid -x mcwatch
    wait $pid 2>/dev/null ;;
  tcpdump)
    pkill -INT -P $pid -x tcpdump
    wait $pid 2>/dev/null ;;
  socat) # time's other child is the wc that counts socat's output
    pkill -INT -P $pid -x socat
    wait $pid 2>/dev/null
    wait_file "$out" "[0-9]" 5 ;;
  iperf) # its report comes with the end datagrams; a second ^C ends it
    wait_file "$out" "[0-9]/ *[0-9]* (" 5
    pkill -INT -P $pid -x iperf
    sleep 0.3
    pkill -INT -P $pid -x iperf
    wait $pid 2>/dev/null ;;
  tui)
    $TM send-keys -t b q
    wait_file "$err" "datagrams received" 10 || return 1
    sleep 0.2 ;;
  esac
  case $name in
  reference) RECV=$(awk '/^received/ { print $2 }' "$out") ;;
  headless-json) RECV=$((SENT - DROPS)) ;;
  headless-stats) RECV=$(tail -n 1 "$out" | sed -n 's/.*"datagrams":\([0-9]*\).*/\1/p') ;;
  tui) RECV=$(sed -n 's/^mcwatch: \([0-9]*\) datagrams received.*/\1/p' "$err") ;;
  tcpdump) RECV=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$err") ;;
  socat) RECV=$(($(cat "$out") / size)) ;;
  iperf) # Lost/Total; the total counts the end datagram when it came
    read -r lost total < <(sed -n 's|.* \([0-9][0-9]*\)/ *\([0-9][0-9]*\) (.*|\1 \2|p' "$out" | tail -n 1)
    if [ -n "${total:-}" ]; then
      [ "$total" -gt "$count" ] && total=$((total - 1))
      RECV=$((total - lost))
    fi ;;
  esac
  [ -s "$tf" ] && read -r CPU RSS < <(timing "$tf")
  SECS=${SECS%s}
  : "${RECV:=0}"
}

echo "size,groups,traffic,receiver,round,sent,received,lost,received_per_s,cpu_s,peak_rss_kib,ratio_to_reference,cpu_to_reference" >"$csv"

# summarize SIZE GROUPS LABEL: one table row per receiver from the CSV rows
# of this case: medians over the rounds, and the ratio's range.
summarize() {
  awk -F, -v size="$1" -v g="$2" -v label="$3" -v order="$receivers" '
    function median(list, n,   a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    $1 == size && $2 == g && $3 == label && $5 ~ /^[0-9]+$/ {
      r = $4; n[r]++
      for (c = 6; c <= 13; c++) v[r, c] = v[r, c] " " $c
      if (!(r in lo) || $12 + 0 < lo[r]) lo[r] = $12 + 0
      if (!(r in hi) || $12 + 0 > hi[r]) hi[r] = $12 + 0
    }
    END {
      k = split(order, names, " ")
      for (i = 1; i <= k; i++) {
        r = names[i]
        if (!(r in n)) continue
        range = n[r] > 1 ? sprintf(" %.3f-%.3f", lo[r], hi[r]) : ""
        printf "%-5s %-6s %-19s %-15s %9d %9d %8d %10d %6.2f %8d %6.2f %7.3f%s\n", size, g, label, r, median(v[r, 6]), median(v[r, 7]), median(v[r, 8]), median(v[r, 9]), median(v[r, 10]), median(v[r, 11]), median(v[r, 13]), median(v[r, 12]), range
        printf "%s,%s,%s,%s,median,%d,%d,%d,%d,%.2f,%d,%.3f,%.3f\n", size, g, label, r, median(v[r, 6]), median(v[r, 7]), median(v[r, 8]), median(v[r, 9]), median(v[r, 10]), median(v[r, 11]), median(v[r, 12]), median(v[r, 13]) >>"/dev/stderr"
      }
    }' "$csv" 2>>"$tmp/medians"
}

# run_case SIZE GROUPS COUNT RATE LABEL [SKIP]: every receiver (but those
# in SKIP) for REPEAT rounds, then the case's table rows.
run_case() {
  local size=$1 g=$2 count=$3 rate=$4 label=$5 skip=${6:-} round name ref refcpu lost rps ratio cpux
  for ((round = 1; round <= repeat; round++)); do
    ref=0 refcpu=0
    for name in $receivers; do
      case " $skip " in *" $name "*) continue ;; esac
      case $name in socat | iperf) [ "$g" != 1 ] && continue ;; esac
      if ! run_receiver $name "$g" "$count" "$size" "$rate"; then
        echo "bench: $name did not start (size $size, $g groups)" >&2
        $TM kill-server 2>/dev/null
        continue
      fi
      [ $name = reference ] && ref=$RECV refcpu=$CPU
      lost=$((SENT - RECV))
      rps=$(awk -v r="$RECV" -v s="$SECS" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')
      ratio=$(awk -v r="$RECV" -v f="$ref" 'BEGIN { printf "%.3f", (f > 0 ? r / f : 0) }')
      cpux=$(awk -v c="$CPU" -v f="$refcpu" 'BEGIN { printf "%.3f", (f > 0 ? c / f : 0) }')
      echo "$size,$g,$label,$name,$round,$SENT,$RECV,$lost,$rps,$CPU,$RSS,$ratio,$cpux" >>"$csv"
    done
  done
  summarize "$size" "$g" "$label"
}

if want receivers || want ts; then
printf '%-5s %-6s %-19s %-15s %9s %9s %8s %10s %6s %8s %6s %7s\n' \
  SIZE GROUPS TRAFFIC RECEIVER SENT RECEIVED LOST RECV/S CPU_S RSS_KIB CPU_X RATIO
[ "$repeat" -gt 1 ] && echo "(medians of $repeat rounds; the ratio's range after it)"
: >"$tmp/medians"
fi
if want receivers; then
for size in $sizes; do
  for g in $groupsets; do
    for traffic in flood paced; do
      if [ $traffic = flood ]; then count=$flood rate=0; else count=$((paced_rate * paced_secs)) rate=$paced_rate; fi
      label="$traffic$mode"
      [ $traffic = paced ] && label="paced $rate/s$mode"
      run_case "$size" "$g" "$count" "$rate" "$label"
    done
  done
done
fi
if want ts; then
# A 1316-byte MPEG-TS flood at 100,000 datagrams/s into one group: every TS
# analyzer at work (iperf cannot count TS).
payload="ts keep-rate" # behind its deadlines, it sends what is due at once
run_case 1316 1 $ts_count $ts_rate "ts $ts_rate/s$mode" iperf
payload=
fi
if want receivers || want ts; then
cat "$tmp/medians" >>"$csv"
fi

if want idle; then
# Idle: joined groups and no traffic should cost under 1% of a core with
# 100 groups, and the cost should grow with the groups linearly, not worse.
# idle_cost NAME GROUPS: CPU of NAME (headless-stats or tui) over 10 s.
idle_cost() {
  local name=$1 g=$2 pid t0 t1 idle
  if [ "$name" = tui ]; then
    echo "exec '$MCW' $(endpoints "$g")" >"$tmp/idle.sh"
    $TM new-session -d -s idle -x 120 -y 40 "bash $tmp/idle.sh"
    sleep 2
    pid=$($TM list-panes -t idle -F '#{pane_pid}')
  else
    "$MCW" --headless --stats-only --interval 1 $(endpoints "$g") >/dev/null 2>&1 &
    pid=$!
    sleep 2
  fi
  t0=$(awk '{ print $14 + $15 }' /proc/$pid/stat)
  sleep 10
  t1=$(awk '{ print $14 + $15 }' /proc/$pid/stat)
  if [ "$name" = tui ]; then
    $TM send-keys -t idle q
    sleep 0.5
    $TM kill-session -t idle 2>/dev/null
  else
    kill -INT $pid; wait $pid
  fi
  idle=$(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz / 10 * 100 }')
  echo "idle: $name, $g groups, no traffic: ${idle}% of one core over 10 s"
  echo "idle,$g,none,$name,,0,0,0,0,$idle%,,," >>"$csv"
}
idle_cost headless-stats 100
if [ $quick = 0 ]; then
  idle_cost headless-stats 1000
  idle_cost tui 100
fi
fi

if want memory; then
# Memory: 100 groups with full history (1000 x 1316-byte datagrams each),
# which the screen UI keeps (headless keeps no history: measured beside it).
echo "exec '$MCW' $(endpoints 100)" >"$tmp/mem.sh"
$TM new-session -d -s mem -x 120 -y 40 "bash $tmp/mem.sh"
sleep 1.5
pid=$($TM list-panes -t mem -F '#{pane_pid}')
"$BLAST" $BASE $PORT 100 100000 1316 50000 lo >/dev/null
sleep 0.5
hwm=$(awk '/VmHWM/ { print $2 }' /proc/$pid/status)
$TM send-keys -t mem q
sleep 0.5
$TM kill-session -t mem 2>/dev/null
echo "memory: 100 groups, full history of 1316-byte datagrams (screen UI): peak RSS ${hwm} KiB"
echo "memory,100,100000x1316,tui,,100000,,,,,$hwm,," >>"$csv"
"$MCW" --headless --stats-only --interval 1 $(endpoints 100) >/dev/null 2>&1 &
pid=$!
sleep 1
"$BLAST" $BASE $PORT 100 100000 1316 50000 lo >/dev/null
sleep 0.5
hwm=$(awk '/VmHWM/ { print $2 }' /proc/$pid/status)
kill -INT $pid; wait $pid
echo "memory: 100 groups, the same traffic, headless (no history): peak RSS ${hwm} KiB"
echo "memory,100,100000x1316,headless-stats,,100000,,,,,$hwm,," >>"$csv"

fi

if want soak; then
# Flat memory at a steady rate: RSS sampled every 5 s; long run on demand
# (MCW_BENCH_SOAK=SECONDS, e.g. 600).
# The full path runs: every datagram becomes a JSON line (to /dev/null).
soak=${MCW_BENCH_SOAK:-$([ $quick = 1 ] && echo 20 || echo 60)}
"$MCW" --headless --interval 1 $(endpoints 4) >/dev/null 2>&1 &
pid=$!
sleep 1
"$BLAST" $BASE $PORT 4 $((5000 * soak)) 1316 5000 lo >/dev/null &
bpid=$!
samples=
for ((i = 0; i < soak / 5; i++)); do
  sleep 5
  samples="$samples $(awk '/VmRSS/ { print $2 }' /proc/$pid/status)"
done
wait $bpid
kill -INT $pid; wait $pid
read -r lo hi < <(tr ' ' '\n' <<<"$samples" | awk 'NF { if (!n++ || $1 < lo) lo = $1; if ($1 > hi) hi = $1 } END { print lo, hi }')
# The first sample includes start-up; flatness is judged after it.
steady=$(tr ' ' '\n' <<<"$samples" | awk 'NF' | tail -n +2 | awk '{ if (!n++ || $1 < lo) lo = $1; if ($1 > hi) hi = $1 } END { printf "%.3f", n ? hi / lo : 1 }')
echo "soak: 4 groups at 5000/s for ${soak} s: RSS KiB every 5 s:$samples (max/min after the first sample: $steady)"
echo "soak,4,5000/s x ${soak}s,headless-json,,,,,,,$hi,$steady," >>"$csv"
fi
echo "CSV: $csv"
