#!/usr/bin/env bash
# SAP discovery follows its interface like a group does: the veth mcwatch
# listens on is deleted and created again (a new index) while it runs, and
# an announcement made after that is still heard; so is one made after the
# link went down and up. Before, the SAP listeners stayed on the old
# interface and heard nothing more.
#
#   s1 x1 ═══ m1 rm (mcwatch --sap -i m1)
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
command -v python3 >/dev/null || fail "python3 is needed"
ANN="python3 $(cd "$(dirname "$0")/../tools" && pwd)/sap-announce.py --iface x1"
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

for h in s1 rm; do ip netns add $h; ip -n $h link set lo up; done
link() { # the veth between s1 and rm, addressed and up
  ip link add x1 netns s1 type veth peer name m1 netns rm
  ip -n s1 addr add 10.79.1.1/24 dev x1
  ip -n rm addr add 10.79.1.9/24 dev m1
  ip -n s1 link set x1 up
  ip -n rm link set m1 up
}
link

ip netns exec rm "$MCWATCH" --headless --sap -i m1 --interval 0 >"$dir/out" 2>"$dir/err" &
pid=$!
wait_for_line "$dir/out" 5 'SAP: listening on' ||
  fail "no SAP listening line: $(cat "$dir/out" "$dir/err")"

announced() { jq -r 'select(.event == "session" and .state == "announced") | .name' "$dir/out" | sort | tr '\n' ' '; }
# announce NAME HASH: a few announcements until mcwatch lists the session.
announce() {
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    ip netns exec s1 $ANN --hash "$2" --name "$1" --media 239.79.0.$2:5004 --count 1
    sleep 0.2
    case " $(announced)" in *" $1 "*) return 0 ;; esac
  done
  return 1
}
# changes KIND: how many iface events of that kind so far.
changes() { jq -r "select(.event == \"iface\" and .change == \"$1\") | .change" "$dir/out" | wc -l; }
# wait_change KIND N: until there are N.
wait_change() {
  local i
  for i in $(seq 100); do
    [ "$(changes "$1")" -ge "$2" ] && return 0
    sleep 0.05
  done
  return 1
}

announce One 1 || fail "the first session was not heard: $(cat "$dir/out" "$dir/err")"

ups=$(changes up)
ip -n s1 link del x1 # both ends go
wait_change gone 1 || fail "the deletion was not seen: $(cat "$dir/out")"
link
wait_change up $((ups + 1)) || fail "the new m1 was not seen: $(cat "$dir/out")"
announce Two 2 || fail "nothing heard on the re-created m1 (announced: $(announced)): $(cat "$dir/out" "$dir/err")"

ups=$(changes up)
ip -n rm link set m1 down
wait_change down 1 || fail "m1 down was not seen: $(cat "$dir/out")"
ip -n rm link set m1 up
wait_change up $((ups + 1)) || fail "m1 up again was not seen: $(cat "$dir/out")"
announce Three 3 || fail "nothing heard after m1 went down and up (announced: $(announced))"

kill -INT $pid
wait $pid || fail "mcwatch exited $?: $(cat "$dir/err")"
pid=
[ "$(announced)" = "One Three Two " ] || fail "sessions announced: $(announced)"
pass "SAP heard after m1 was deleted and created again and after it went down and up: $(announced)"
