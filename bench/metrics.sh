#!/usr/bin/env bash
# The /metrics scrape under load: mcwatch watches GROUPS groups (default
# 1000) on lo in a private network namespace while `mcwatch send` paces
# RATE probes/s (default 5000) to one of them, and curl scrapes /metrics
# every 100 ms for SECONDS (default 10). Prints each scrape's time as curl
# saw it (median, worst), the exposition's size, and the kernel drops and
# losses over all groups at the end (the target: 0).
#
#   bench/metrics.sh BUILD_DIR [GROUPS] [RATE] [SECONDS]
set -u
build=$(cd "${1:?usage: bench/metrics.sh BUILD_DIR [GROUPS] [RATE] [SECONDS]}" && pwd) || exit 2
groups=${2:-1000} rate=${3:-5000} secs=${4:-10}
if [ -z "${MCW_IN_NETNS:-}" ]; then
  export MCW_IN_NETNS=1
  if [ "$(id -u)" = 0 ]; then exec unshare -n bash "$0" "$@"; fi
  exec unshare -rn bash "$0" "$@"
fi
ip link set lo up
ip link set lo multicast on
dir=$(mktemp -d)
trap 'kill $mcw $snd 2>/dev/null; wait; rm -rf "$dir"' EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

eps=()
for ((i = 0; i < groups; i++)); do
  eps+=("239.88.$((i / 250)).$((i % 250 + 1)):5000%lo")
done
"$build/mcwatch" --headless --stats-only --interval 0 --metrics 127.0.0.1:9464 \
  "${eps[@]}" >"$dir/out" 2>"$dir/err" &
mcw=$!
for _ in $(seq 200); do
  [ "$(grep -c '"event":"join"' "$dir/out")" -ge "$groups" ] && break
  sleep 0.05
done
"$build/mcwatch" send -r "$rate" -d "$secs" 239.88.0.1:5000%lo 2>"$dir/send" &
snd=$!
n=$((secs * 10))
for ((i = 0; i < n; i++)); do
  curl -s -o "$dir/last" -w '%{time_total}\n' --max-time 2 \
    http://127.0.0.1:9464/metrics >>"$dir/times"
  sleep 0.1
done
wait $snd
sleep 0.3
curl -s -o "$dir/last" http://127.0.0.1:9464/metrics
sort -n "$dir/times" | awk -v bytes="$(wc -c <"$dir/last")" -v groups="$groups" '
  { t[NR] = $1 * 1000 }
  END { printf "%d groups: %d scrapes, median %.1f ms, worst %.1f ms, %d bytes\n",
        groups, NR, t[int((NR + 1) / 2)], t[NR], bytes }'
awk '/^mcwatch_kernel_drops_total\{/ { d += $NF }
     /^mcwatch_packets_lost_total\{/ { l += $NF }
     /^mcwatch_packets_received_total\{/ { r += $NF }
     END { printf "received %d, lost %d, kernel drops %d\n", r, l, d }' "$dir/last"
grep -o 'sent [0-9]* datagrams[^)]*)' "$dir/send"
