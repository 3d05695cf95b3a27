#!/usr/bin/env bash
# --write when the disk fills up (a 1 MiB tmpfs in a private mount
# namespace) and on /dev/full: the error is reported at once (an error
# event and one stderr line headless, the status line in the screen UI),
# recording stops, the file stays readable up to its last whole record,
# the summary counts what is really in it, and the exit status is 1.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
if [ -z "${MCW_IN_MNTNS:-}" ]; then
  if ! unshare -m true 2>/dev/null; then
    echo "SKIPPED: $(basename "$0"): the kernel refuses mount namespaces (unshare -m)" >&2
    exit 77
  fi
  export MCW_IN_MNTNS=1
  exec unshare -m bash "$0" "$MCWATCH"
fi
for tool in capinfos tshark jq tmux; do
  command -v $tool >/dev/null || fail "$tool is needed (apt-get install tshark jq tmux)"
done
dir=$(mktemp -d)
mnt="$dir/full"
pid=
TM="tmux -L mcwfull-$$ -f /dev/null"
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  $TM kill-server 2>/dev/null
  umount "$mnt" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
mkdir "$mnt"
mount -t tmpfs -o size=1m mcw-full "$mnt" || fail "cannot mount a tmpfs"
ip link set lo multicast on
export HOME=$dir TSHARK_RUN_AS_ROOT=1

# valid FILE: what capinfos and tshark say of FILE (packets), failing on a
# cut record or any complaint.
valid() {
  local info n
  info=$(capinfos -M -c "$1" 2>&1) || fail "capinfos $1: $info"
  n=$(sed -n 's/^Number of packets: *//p' <<<"$info")
  [ -n "$n" ] || fail "capinfos $1: no count: $info"
  tshark -r "$1" >"$dir/tshark.out" 2>"$dir/tshark.err" || fail "tshark -r $1: $(cat "$dir/tshark.err")"
  grep -qi "cut short\|appears to be damaged\|error" "$dir/tshark.err" &&
    fail "tshark -r $1: $(cat "$dir/tshark.err")"
  [ "$(wc -l <"$dir/tshark.out")" = "$n" ] || fail "tshark reads $(wc -l <"$dir/tshark.out") packets, capinfos $n"
  echo "$n"
}

# 1. Headless, two groups, 3 MB of datagrams into 1 MiB.
"$MCWATCH" --headless --stats-only --interval 0 -w "$mnt/full.pcap" \
  239.255.74.1:5740%lo 239.255.74.2:5740%lo >"$dir/out.json" 2>"$dir/err" &
pid=$!
for ((i = 0; i < 100; i++)); do
  [ "$(grep -c '"event":"join"' "$dir/out.json" 2>/dev/null)" = 2 ] && break
  sleep 0.05
done
"$TESTSEND" 239.255.74.1 5740 lo 1500 --size 1000 --sport 4741 >/dev/null &
"$TESTSEND" 239.255.74.2 5740 lo 1500 --size 1000 --sport 4742 >/dev/null || fail "send"
wait_for_line "$dir/out.json" 5 '"event":"error"' || fail "no error event: $(cat "$dir/out.json" "$dir/err")"
kill -0 "$pid" 2>/dev/null || fail "mcwatch stopped: it should go on monitoring"
jq -r 'select(.event=="error") | .message' "$dir/out.json" |
  grep -q "^--write $mnt/full.pcap: No space left on device; recording stopped with [0-9]* datagrams in the file" ||
  fail "error event: $(grep '"error"' "$dir/out.json")"
sleep 0.3
kill -INT "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 1 ] || fail "full disk: exit $rc, want 1"
[ "$(wc -l <"$dir/err")" = 1 ] && grep -q "No space left on device" "$dir/err" ||
  fail "stderr, want one line: $(cat "$dir/err")"
sum=$(jq -c 'select(.event=="summary")' "$dir/out.json")
written=$(jq -r '.capture.packets' <<<"$sum")
notw=$(jq -r '.capture.not_written' <<<"$sum")
got=$(jq -r '.datagrams' <<<"$sum")
[ "$(jq -r '.capture.error' <<<"$sum")" = "No space left on device" ] || fail "summary: $sum"
n=$(valid "$mnt/full.pcap") || exit 1
[ "$n" = "$written" ] || fail "the file holds $n records, the summary says $written"
[ "$written" -gt 500 ] && [ "$written" -lt 1100 ] || fail "implausible: $written records in 1 MiB"
[ $((written + notw)) -le "$got" ] && [ "$notw" -gt 0 ] || fail "counts: $sum"
pass "full disk: error event at once, exit 1, $written whole records in the file as the summary says"

# 2. /dev/full: refused at once.
start=$(date +%s%N)
"$MCWATCH" --headless -w /dev/full --duration 3 239.255.74.3:5740%lo >/dev/null 2>"$dir/err2"
rc=$?
[ "$rc" = 1 ] || fail "-w /dev/full: exit $rc, want 1"
[ $(($(date +%s%N) - start)) -lt 2000000000 ] || fail "-w /dev/full was not refused at once"
grep -q "^mcwatch: --write /dev/full: No space left on device$" "$dir/err2" || fail "-w /dev/full: $(cat "$dir/err2")"
pass "-w /dev/full: exit 1 at once with the reason"

# 3. The screen UI: the status line says it, q exits 1, the file is whole.
rm -f "$mnt/full.pcap"
screen() { $TM capture-pane -p -t mcw 2>/dev/null; }
wait_screen() {
  local secs=$1 re=$2 i
  for ((i = 0; i < secs * 20; i++)); do
    screen | grep -Eq -- "$re" && return 0
    sleep 0.05
  done
  echo "--- screen ---" >&2
  screen >&2
  fail "$3"
}
$TM new-session -d -s mcw -x 150 -y 30 \
  "env LANG=C.UTF-8 LC_ALL=C.UTF-8 sh -c '\"$MCWATCH\" --write $mnt/tui.pcap 239.255.74.4:5740%lo; echo EXIT=\$?; exec sleep 60'" ||
  fail "tmux new-session"
wait_screen 5 "joined" "group not joined"
wait_screen 2 " mcwatch  REC" "REC marker missing"
"$TESTSEND" 239.255.74.4 5740 lo 2000 --size 1000 --sport 4744 >/dev/null || fail "send"
wait_screen 5 "recording to .*tui\.pcap failed: No space left on device" "no status line"
msg=$(screen | grep -o "failed: No space left on device; [0-9]* datagrams in the file")
sleep 0.2
screen | grep -q " mcwatch  REC" && fail "still recording after the error"
$TM send-keys -t mcw q
wait_screen 5 "EXIT=1" "q did not exit 1 after a failed recording"
wait_screen 1 "^mcwatch: recording to .*tui\.pcap failed: No space left on device" "no stderr line at exit"
n=$(valid "$mnt/tui.pcap") || exit 1
[ "$msg" = "failed: No space left on device; $n datagrams in the file" ] ||
  fail "status line says '$msg', the file holds $n"
pass "screen UI: status line, recording stopped, exit 1, $n whole records as said"
