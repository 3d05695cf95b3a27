#!/usr/bin/env bash
# `mcwatch beacon` on the command line and with --metrics: bad options and
# endpoints are one-line usage errors (exit 2); two beacons on lo serve
# mcwatch_beacon_* series labelled from and to on /metrics, which promtool
# accepts, with the same figures as the matrix lines; --duration ends with
# exit 0; without a terminal the screen says to use --headless.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
scratch # $dir, and $pids stopped on exit

# usage PATTERN ARGS...: exit 2 and one line on stderr matching PATTERN.
usage() {
  local pat=$1
  shift
  "$MCWATCH" beacon "$@" >"$dir/out" 2>"$dir/err"
  local rc=$?
  [ $rc = 2 ] || fail "beacon $*: exit $rc, wanted 2: $(cat "$dir/err")"
  [ "$(wc -l <"$dir/err")" = 1 ] || fail "beacon $*: $(cat "$dir/err")"
  grep -q -- "$pat" "$dir/err" || fail "beacon $*: $(cat "$dir/err")"
}
G=239.255.77.9:7790
usage 'no beacon group' -H
usage 'rate' --rate 0 -H "$G%lo"
usage 'rate' --rate 1001 -H "$G%lo"
usage 'report' --report 0.1 -H "$G%lo"
usage 'ttl' --ttl 256 -H "$G%lo"
usage 'name: 1 to 32 bytes' --name '' -H "$G%lo"
usage 'name: 1 to 32 bytes' --name 012345678901234567890123456789012 -H "$G%lo"
usage 'not a multicast group' -H 10.1.2.3:7790%lo
usage 'no @SOURCE' -H "232.1.1.1:7790@10.0.0.1%lo"
usage 'a source-specific group needs --ssm' -H "232.1.1.1:7790%lo"
usage '--ssm needs a source-specific group' -H --ssm "$G%lo" "$G%lo"
usage 'needs an any-source channel of the same family' -H --ssm '[ff35::1]:7790%lo' "$G%lo"
usage 'metrics' -H --metrics 9464 "$G%lo"
usage 'unknown option' -H --bogus "$G%lo"
"$MCWATCH" beacon "$G%lo" </dev/null >"$dir/out" 2>"$dir/err"
rc=$?
[ $rc = 2 ] && grep -q 'use --headless' "$dir/err" || fail "no terminal: exit $rc: $(cat "$dir/err")"
"$MCWATCH" beacon --help | grep -q 'One-way delay needs agreeing clocks' || fail "--help"
pass "usage errors are one line with exit 2; the screen without a terminal says --headless"

"$MCWATCH" beacon -H --report 1 --name one --metrics 127.0.0.1:19464 --duration 4 "$G%lo" \
  >"$dir/one.out" 2>"$dir/one.err" &
pids+=($!)
"$MCWATCH" beacon -H --report 1 --name two --duration 4 "$G%lo" >"$dir/two.out" 2>&1 &
pids+=($!)
sleep 2.5
curl -sf http://127.0.0.1:19464/metrics >"$dir/metrics" || fail "no /metrics: $(cat "$dir/one.err")"
promtool check metrics <"$dir/metrics" >"$dir/lint" 2>&1 || fail "promtool: $(cat "$dir/lint")"
grep -Eq '^mcwatch_beacon_received_total\{group="239.255.77.9:7790",from="two",to="one"\} [1-9][0-9]*$' "$dir/metrics" ||
  fail "no two -> one series: $(grep beacon_received "$dir/metrics")"
grep -Eq '^mcwatch_beacon_received_total\{group="239.255.77.9:7790",from="one",to="two"\} [1-9]' "$dir/metrics" ||
  fail "no reported one -> two series"
grep -q '^mcwatch_beacon_hops{group="239.255.77.9:7790",from="two",to="one"} 0$' "$dir/metrics" || fail "hops"
grep -q '^mcwatch_beacon_up{group="239.255.77.9:7790",name="two"} 1$' "$dir/metrics" || fail "up"
wait "${pids[0]}" || fail "--duration: exit $?"
last=$(last_matrix "$dir/one.out")
[ "$(jq '.cells | length' <<<"$last")" = 2 ] || fail "matrix: $last"
pass "/metrics serves mcwatch_beacon_* from/to series that promtool accepts; --duration exits 0"
