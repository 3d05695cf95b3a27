#!/usr/bin/env bash
# Builds the Debian package from the tree (dpkg-buildpackage -us -uc -b in a
# copy, so the tree and its parent stay clean), checks it with lintian
# (errors fail), installs it with dpkg -i and smoke-tests what it installed:
# --version, the man page, the unit (systemd-analyze verify), the alerting
# rules (promtool) and a headless run with --metrics in a private network
# namespace. Leaves the package installed; the .deb is kept in OUT_DIR.
#
#   scripts/package.sh [OUT_DIR]    (as root; CI's last step)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "package: building in $work"
mkdir "$work/mcwatch"
git ls-files -z 2>/dev/null | xargs -0 -r cp -P --parents -t "$work/mcwatch" ||
  true
# Outside a git checkout (or for files not committed yet) copy the tree.
if [ ! -f "$work/mcwatch/debian/control" ]; then
  tar --exclude='./build*' --exclude=./.git -cf - . | tar -xf - -C "$work/mcwatch"
fi
(cd "$work/mcwatch" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
  tail -40 "$work/build.log"
  echo "package: dpkg-buildpackage failed" >&2
  exit 1
}
cp "$work"/mcwatch_*.deb "$out/"
deb=$(ls "$out"/mcwatch_*.deb | head -1)
echo "package: built $deb"

# lintian: errors fail, warnings are shown.
lintian --fail-on error "$work"/mcwatch_*.changes || {
  echo "package: lintian found errors" >&2
  exit 1
}

dpkg -i "$deb"
echo "package: installed; smoke tests"
/usr/bin/mcwatch --version | grep -q '^mcwatch [0-9]' ||
  { echo "package: --version" >&2; exit 1; }
/usr/bin/mcwatch --version | grep -q 'libmicrohttpd' ||
  { echo "package: --version lists no libraries" >&2; exit 1; }
MANPAGER=cat MANWIDTH=80 man mcwatch | grep -q -- '--metrics' ||
  { echo "package: man mcwatch has no --metrics" >&2; exit 1; }
systemd-analyze verify /lib/systemd/system/mcwatch.service
promtool check rules /usr/share/mcwatch/mcwatch-alerts.yml >/dev/null
[ -f /etc/mcwatch/config ] && [ -f /etc/mcwatch/channels ] &&
  [ -f /usr/share/bash-completion/completions/mcwatch ] ||
  { echo "package: configuration or completion missing" >&2; exit 1; }
bash -c '. /usr/share/bash-completion/completions/mcwatch &&
  complete -p mcwatch' >/dev/null

# The unit's own command line, headless with --metrics, in a private
# network namespace: the installed config file, and a channel list naming
# one group on lo in place of the installed (empty) one.
cmd=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/mcwatch.service)
case $cmd in
*" -f /etc/mcwatch/channels"*) ;;
*) echo "package: the unit does not read /etc/mcwatch/channels: $cmd" >&2; exit 1 ;;
esac
smoke=$(mktemp -d)
echo '239.255.0.1:5000%lo Smoke test' >"$smoke/channels"
cmd="${cmd/\/etc\/mcwatch\/channels/$smoke/channels} -d 3"
unshare -n bash -euo pipefail -c '
  ip link set lo up
  ip link set lo multicast on
  $1 >"$2/out" &
  pid=$!
  for _ in $(seq 50); do
    grep -q "\"event\":\"join\"" "$2/out" 2>/dev/null && break
    sleep 0.1
  done
  /usr/bin/mcwatch send -n 20 -r 100 239.255.0.1:5000%lo 2>/dev/null
  sleep 0.2
  curl -sf http://127.0.0.1:9464/metrics >"$2/metrics"
  curl -sf "http://[::1]:9464/metrics" >/dev/null
  wait $pid
  grep -q "^mcwatch_packets_received_total{group=\"239.255.0.1\",port=\"5000\",source=\"\",iface=\"lo\",label=\"Smoke test\"} 20$" \
    "$2/metrics"
  promtool check metrics <"$2/metrics"
' smoke "$cmd" "$smoke" || {
  echo "package: smoke test failed: $cmd" >&2
  cat "$smoke/out" >&2 || true
  exit 1
}
rm -rf "$smoke"
echo "package: $deb built, lintian clean of errors, installed and smoke-tested"
