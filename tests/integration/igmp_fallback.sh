#!/usr/bin/env bash
# Without CAP_NET_RAW the watcher cannot open its raw sockets: mcwatch says
# so once (a warning naming CAP_NET_RAW), keeps watching the groups, and
# raises no querier alarm it cannot judge; --no-igmp says nothing.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
command -v setpriv >/dev/null || fail "setpriv is needed (util-linux)"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [ "$(id -u)" != 0 ]; then
  echo "SKIPPED: $(basename "$0"): needs root to drop CAP_NET_RAW alone" >&2
  exit 77
fi
setpriv --inh-caps=-net_raw --bounding-set=-net_raw "$MCWATCH" --headless \
  --interval 0 --duration 2 239.1.2.3:5000%lo 239.1.2.4:5000%lo \
  '[ff15::1]:5000%lo' >"$dir/out" 2>"$dir/err" || fail "exit $?: $(cat "$dir/err")"
n=$(count_json "$dir/out" '.event=="warning" and (.message|test("CAP_NET_RAW"))')
[ "$n" = 1 ] || fail "$n CAP_NET_RAW warnings: $(cat "$dir/out")"
[ "$(count_json "$dir/out" '.event=="join"')" = 3 ] || fail "groups not joined"
[ "$(count_json "$dir/out" '.event=="alarm"')" = 0 ] || fail "alarm without a raw socket"
"$MCWATCH" --headless --interval 0 --duration 1 --no-igmp 239.1.2.3:5000%lo \
  >"$dir/out2" 2>"$dir/err2" || fail "--no-igmp: exit $?"
[ "$(count_json "$dir/out2" '.event=="warning"')" = 0 ] || fail "--no-igmp warned"
pass "one CAP_NET_RAW warning, groups watched, no querier alarm; --no-igmp quiet"
