# Shared helpers for the integration tests; sourced, not run.
#
# Every test runs inside a private network namespace (unshare -n as root,
# unshare -rn otherwise), so no join or datagram can reach a real interface.
# Where the kernel refuses namespaces the test exits 77, which CTest reports
# as skipped, after saying why on stderr.

MCWATCH=${MCWATCH:-${1:?usage: $0 path/to/mcwatch}}
TESTSEND=${MCW_TESTSEND:-$(dirname "$MCWATCH")/tests/mcw-testsend}
TESTRECV=${MCW_TESTRECV:-$(dirname "$MCWATCH")/tests/mcw-testrecv}
export MCWATCH TESTSEND TESTRECV

# Re-executes the calling script inside a fresh network namespace with lo up.
enter_private_netns() {
  if [ -z "${MCW_IN_NETNS:-}" ]; then
    local how
    if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
      how="unshare -n"
    elif unshare -rn true 2>/dev/null; then
      how="unshare -rn"
    else
      echo "SKIPPED: $(basename "$0"): the kernel refuses network namespaces" \
           "(unshare -n and unshare -rn both failed); not running socket tests" \
           "outside one" >&2
      exit 77
    fi
    export MCW_IN_NETNS=1
    exec $how bash "$0" "$MCWATCH"
  fi
  ip link set lo up
}

fail() {
  echo "FAIL: $(basename "$0"): $*" >&2
  exit 1
}

# Makes the scratch folder $dir and the list $pids: on exit every process
# whose pid the test added to pids is stopped and waited for, and the
# folder goes. (A test that needs more on exit sets its own trap.)
scratch() {
  dir=$(mktemp -d)
  pids=()
  trap scratch_cleanup EXIT
}
scratch_cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  [ ${#pids[@]} -gt 0 ] && wait "${pids[@]}" 2>/dev/null
  rm -rf "$dir"
}

pass() {
  echo "PASS: $(basename "$0"): $*"
}

# Waits (up to $2 seconds, default 5) until file $1 contains a line matching $3.
wait_for_line() {
  local file=$1 secs=${2:-5} pattern=$3 i
  for ((i = 0; i < secs * 20; i++)); do
    grep -q -- "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# Re-executes the calling script in fresh user (when not root), mount and
# network namespaces with a private /run, so `ip netns add` makes hosts that
# exist only for this test and vanish with it on every exit path.
enter_private_hosts() {
  if [ -z "${MCW_IN_HOSTS:-}" ]; then
    local how
    if [ "$(id -u)" = 0 ] && unshare -nm true 2>/dev/null; then
      how="unshare -nm"
    elif unshare -rnm true 2>/dev/null; then
      how="unshare -rnm"
    else
      echo "SKIPPED: $(basename "$0"): the kernel refuses network and mount" \
           "namespaces (unshare -nm and unshare -rnm both failed)" >&2
      exit 77
    fi
    export MCW_IN_HOSTS=1 MCW_IN_NETNS=1
    exec $how bash -c 'mount -t tmpfs mcw-run /run && exec bash "$0" "$1"' \
      "$0" "$MCWATCH"
  fi
  ip link set lo up
  if ! ip netns add mcw-probe 2>/dev/null; then
    echo "SKIPPED: $(basename "$0"): ip netns add is refused here" >&2
    exit 77
  fi
  ip netns del mcw-probe
}

# make_switch: a namespace "sw" holding bridge br0 (snooping off, so the
# bridge floods multicast like a switch without a querier would not).
make_switch() {
  ip netns add sw
  ip -n sw link set lo up
  ip -n sw link add br0 type bridge
  ip -n sw link set br0 type bridge mcast_snooping 0
  ip -n sw link set br0 up
}

# add_host NAME IPV4 IPV6: a host namespace with eth0 plugged into br0.
add_host() {
  local name=$1 v4=$2 v6=$3
  ip netns list | grep -qw "$name" || { ip netns add "$name"; ip -n "$name" link set lo up; }
  plug_host "$name" "$v4" "$v6"
}

# plug_host NAME IPV4 IPV6: (re)creates NAME's eth0, plugged into br0.
plug_host() {
  local name=$1 v4=$2 v6=$3
  ip link add eth0 netns "$name" type veth peer name "p-$name" netns sw
  ip -n sw link set "p-$name" master br0 up
  ip -n "$name" addr add "$v4/24" dev eth0
  ip -n "$name" addr add "$v6/64" dev eth0 nodad
  ip -n "$name" link set eth0 up
}

# snooping_switch MEMBERSHIP_CS QUERIER_CS: make_switch, then br0 snoops
# IGMP and MLD with no querier of its own; a membership lasts MEMBERSHIP_CS
# centiseconds after its last report, another querier is believed present
# for QUERIER_CS after its last query.
snooping_switch() {
  make_switch
  ip -n sw link set br0 type bridge mcast_snooping 1 mcast_querier 0 \
    mcast_membership_interval "$1" mcast_querier_interval "$2"
}

# add_querier NAME IPV4 IPV6 IGMP-VERSION MLD-VERSION: a host whose eth0
# sits in its own bridge brq that queries (IGMP and MLD, from its address)
# every 3 s with a 1 s response time. `querier NAME on|off` starts and
# stops it.
add_querier() {
  local name=$1
  ip netns add "$name"
  ip -n "$name" link set lo up
  ip link add eth0 netns "$name" type veth peer name "p-$name" netns sw
  ip -n sw link set "p-$name" master br0 up
  ip -n "$name" link add brq type bridge mcast_snooping 1 mcast_querier 1 \
    mcast_query_use_ifaddr 1 mcast_query_interval 300 \
    mcast_query_response_interval 100 mcast_startup_query_interval 100 \
    mcast_igmp_version "$4" mcast_mld_version "$5"
  ip -n "$name" link set eth0 master brq
  ip -n "$name" link set eth0 up
  ip -n "$name" addr add "$2/24" dev brq
  ip -n "$name" addr add "$3/64" dev brq nodad
  ip -n "$name" link set brq up
}
querier() {
  ip -n "$1" link set brq type bridge mcast_querier "$([ "$2" = on ] && echo 1 || echo 0)"
}

# count_json FILE JQ-FILTER: how many lines of FILE match the jq select.
count_json() {
  jq -c "select($2)" "$1" | wc -l
}

# arrivals RX TX GROUP PORT N [SOURCE]: sends N datagrams from host TX's
# eth0 (from SOURCE when given) and prints how many a plain receiver on
# host RX's eth0 got (it waits at most 2 s for them).
arrivals() {
  local rx=$1 tx=$2 g=$3 p=$4 n=$5 src=${6:-} out pid
  out=$(mktemp)
  ip netns exec "$rx" "$TESTRECV" "$g" "$p" eth0 --reuseaddr --seconds 2 \
    --until "$n" >"$out" &
  pid=$!
  wait_for_line "$out" 5 ready || { rm -f "$out"; fail "receiver in $rx did not start"; }
  ip netns exec "$tx" "$TESTSEND" "$g" "$p" eth0 "$n" ${src:+--source "$src"} \
    --interval-ms 1 >/dev/null || { rm -f "$out"; fail "send from $tx failed"; }
  wait "$pid"
  sed -n 's/^received //p' "$out"
  rm -f "$out"
}

# last_matrix FILE [SSM]: the last beacon matrix event in FILE (of the
# source-specific channel when SSM is "ssm"), compact, or nothing.
last_matrix() {
  if [ "${2:-}" = ssm ]; then
    jq -c 'select(.event == "matrix" and .ssm == true)' "$1" 2>/dev/null | tail -n 1
  else
    jq -c 'select(.event == "matrix" and (.ssm | not))' "$1" 2>/dev/null | tail -n 1
  fi
}
