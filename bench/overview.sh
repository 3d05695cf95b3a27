#!/usr/bin/env bash
# The overview's speed with many groups, in a private network namespace:
#   1. start-up: from exec to every group joined (MCWATCH_DRAW_STATS);
#   2. frames with traffic: every group gets probes (4 per second each),
#      the overview redraws; the time per frame, model to terminal;
#   3. idle: the same screen UI with no traffic, CPU used over 20 s;
#   4. the receive side does not suffer: datagrams sent vs counted.
#
#   bench/overview.sh BUILD_DIR [GROUPS] [SECONDS]   (default 1000 and 10)
#
# Needs tmux. Targets (issue 13): a frame under 5 ms, idle under 2% of a
# core, start-up under 0.2 s, with 1000 groups.
set -u
build=$(cd "${1:?usage: bench/overview.sh BUILD_DIR [GROUPS] [SECONDS]}" && pwd) || exit 2
n=${2:-1000} secs=${3:-10}
if [ -z "${MCW_IN_NETNS:-}" ]; then
  export MCW_IN_NETNS=1
  if [ "$(id -u)" = 0 ]; then exec unshare -n bash "$0" "$@"; fi
  exec unshare -rn bash "$0" "$@"
fi
ip link set lo up
mcw=$build/mcwatch
tmp=$(mktemp -d)
tm="tmux -L mcw-bench-ov-$$ -f /dev/null"
cleanup() {
  [ -n "${tx:-}" ] && kill "$tx" 2>/dev/null
  $tm kill-server 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null

eps=()
for i in $(seq 0 $((n - 1))); do
  eps+=("239.254.$((i / 250)).$((i % 250 + 1)):$((20000 + i))%lo")
done
printf '%s\n' "${eps[@]}" | awk '{ printf "%s Channel %04d\n", $1, NR }' >"$tmp/channels.txt"

# tmux refuses a long command line: the screen UI starts from a script.
cat >"$tmp/run.sh" <<EOF
MCWATCH_DRAW_STATS=$tmp/stats exec "$mcw" --no-config --history 100 -f "$tmp/channels.txt"
EOF

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# 1 and 2: start-up, then frames under traffic.
$tm new-session -d -x 200 -y 60 "env LANG=C.UTF-8 bash $tmp/run.sh; sleep 5"
for _ in $(seq 1 200); do
  $tm capture-pane -p | grep -q "$n groups" && break
  sleep 0.05
done
pid=$(pgrep -f "^$mcw --no-config --history 100" | head -1)
[ -n "$pid" ] || { echo "bench: mcwatch did not start" >&2; exit 1; }
"$mcw" send -r 4 -d "$secs" "${eps[@]}" 2>"$tmp/send" &
tx=$!
c0=$(cpu_ticks "$pid")
wait "$tx"
tx=
c1=$(cpu_ticks "$pid")
sleep 1
screen=$($tm capture-pane -p)
# 3: idle, the same process, no traffic, after the silence alarms settled.
sleep 5
i0=$(cpu_ticks "$pid")
sleep 20
i1=$(cpu_ticks "$pid")
$tm send-keys q
for _ in $(seq 1 100); do [ -s "$tmp/stats" ] && break; sleep 0.1; done

hz=$(getconf CLK_TCK)
sent=$(grep -Eo 'sent [0-9]+' "$tmp/send" | awk '{ s += $2 } END { print s + 0 }')
echo "groups:                $n"
echo "frame and start-up:    $(cat "$tmp/stats")"
awk -v a="$c0" -v b="$c1" -v s="$secs" -v hz="$hz" \
  'BEGIN { printf "CPU with traffic:      %.1f%% of a core (%d probes/s in all)\n", 100 * (b - a) / hz / s, 0 }' |
  sed "s/(0 probes/($((n * 4)) probes/"
awk -v a="$i0" -v b="$i1" -v hz="$hz" \
  'BEGIN { printf "CPU idle:              %.2f%% of a core over 20 s\n", 100 * (b - a) / hz / 20 }'
echo "probes sent:           $sent"
echo "$screen" | head -3
