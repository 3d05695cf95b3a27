# Shared helpers for the integration tests; sourced, not run.
#
# Every test runs inside a private network namespace (unshare -n as root,
# unshare -rn otherwise), so no join or datagram can reach a real interface.
# Where the kernel refuses namespaces the test exits 77, which CTest reports
# as skipped, after saying why on stderr.

MCWATCH=${MCWATCH:-${1:?usage: $0 path/to/mcwatch}}
TESTSEND=${MCW_TESTSEND:-$(dirname "$MCWATCH")/tests/mcw-testsend}
export MCWATCH TESTSEND

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
