#!/usr/bin/env bash
# More groups than net.ipv4.igmp_max_memberships, through the binary. The
# limit is per socket and mcwatch opens a socket per group, so 30 groups
# join under a limit of 1; under a limit of 0 every join is refused, each
# with an error event that names its group and the kernel's reason, and
# the exit status is 1. The sysctl belongs to this test's own namespace.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
sysctl=/proc/sys/net/ipv4/igmp_max_memberships
if ! echo 1 >$sysctl 2>/dev/null; then
  echo "SKIPPED: $(basename "$0"): cannot write $sysctl here" >&2
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

eps=()
for i in $(seq 1 30); do eps+=("239.255.26.$i:7300%lo"); done
"$MCWATCH" --headless --interval 0 --duration 0.3 "${eps[@]}" >"$dir/ok" 2>"$dir/ok.err" ||
  fail "30 groups under a limit of 1: exit $?: $(head -c 300 "$dir/ok.err")"
[ "$(count_json "$dir/ok" '.event == "join"')" = 30 ] || fail "not 30 joins"
pass "30 groups join under igmp_max_memberships=1 (one socket per group)"

echo 0 >$sysctl
"$MCWATCH" --headless --interval 0 --duration 0.3 "${eps[@]:0:5}" >"$dir/no" 2>"$dir/no.err"
rc=$?
echo 20 >$sysctl
[ $rc = 1 ] || fail "refused joins: exit $rc, wanted 1"
[ "$(count_json "$dir/no" '.event == "error"')" = 5 ] || fail "not 5 error events: $(cat "$dir/no")"
for i in 1 2 3 4 5; do
  jq -r "select(.event == \"error\" and .group == \"239.255.26.$i\") | .message" \
    "$dir/no" | grep -q "^join 239\.255\.26\.$i on lo: No buffer space available" ||
    fail "no clear error for 239.255.26.$i: $(grep -F "26.$i:" "$dir/no" | head -c 300)"
done
[ "$(tail -n 1 "$dir/no" | jq '[.groups[] | select(.state == "error")] | length')" = 5 ] ||
  fail "summary: not 5 groups in state error"
pass "igmp_max_memberships=0: each of 5 groups refused with its own clear error, exit 1"
