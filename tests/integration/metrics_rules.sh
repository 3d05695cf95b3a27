#!/usr/bin/env bash
# The alerting rules shipped in assets/: `promtool check rules` accepts
# them and `promtool test rules` runs metrics_alerts.test.yml (each alert
# raised when it should, not before, and cleared). No network needed.
set -u
. "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null ||
  fail "promtool is needed (apt-get install prometheus)"
here=$(cd "$(dirname "$0")" && pwd)
out=$(promtool check rules "$here/../../assets/mcwatch-alerts.yml" 2>&1) ||
  fail "promtool check rules: $out"
out=$(promtool test rules "$here/metrics_alerts.test.yml" 2>&1) ||
  fail "promtool test rules: $out"
pass "alerting rules checked and unit-tested"
