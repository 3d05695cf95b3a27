#!/usr/bin/env bash
# The doctor prints text from outside (interface names above all, which
# may hold terminal escapes: `ip link add name $'\e]0;PWN\a'` is legal)
# only through the escaper: no raw control byte reaches the terminal in
# the text report, and the JSON report stays valid, with the name intact
# once decoded.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

bad=$'\e]0;PWN\a'
ip link add name "$bad" type veth peer name pv ||
  { echo "SKIPPED: $(basename "$0"): cannot create an interface named with escapes" >&2; exit 77; }
ip link set pv up
ip link set "$bad" up
idx=$(ip -o link show | grep -a ': .]0;PWN' | head -1 | cut -d: -f1)
[ -n "$idx" ] || fail "cannot find the index of the interface"
sysctl -qw net.ipv4.conf.all.rp_filter=1 # a check that names the interface in its fix

for ep in "239.83.0.1:5830%$idx" "232.83.0.1:5830@10.83.0.9%$idx"; do
  "$MCWATCH" doctor "$ep" >"$dir/out" 2>&1
  if LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$dir/out"); then
    fail "doctor $ep: raw control bytes in the text report: $(cat -v "$dir/out")"
  fi
  grep -qF 'mcwatch doctor 2' "$dir/out" || fail "no header: $(cat -v "$dir/out")"
  grep -qF '\x1b]0;PWN\x07 (index' "$dir/out" || fail "name not shown escaped: $(cat -v "$dir/out")"
  grep -qF 'fix: sysctl -w net.ipv4.conf.all.rp_filter=' "$dir/out" ||
    grep -qF 'fix: ip route add' "$dir/out" || fail "no fix naming the interface: $(cat -v "$dir/out")"

  "$MCWATCH" doctor --json "$ep" >"$dir/json" 2>&1
  if LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$dir/json"); then
    fail "doctor --json $ep: raw control bytes: $(cat -v "$dir/json")"
  fi
  jq -e . "$dir/json" >/dev/null || fail "doctor --json $ep: invalid JSON"
  [ "$(jq -rs '.[0].message' "$dir/json" | head -c 8 | od -An -tx1 | tr -d ' \n')" = 1b5d303b50574e07 ] ||
    fail "JSON does not carry the name intact: $(cat "$dir/json" | head -1)"
done
pass "interface names with escapes: escaped in text, valid and intact in JSON"

# A program whose name holds escapes holds the port: the doctor and the
# engine's bind error name it, escaped.
evil="$dir/"$'\e]0;OWN\a'
cp "$TESTRECV" "$evil"
"$evil" 239.83.0.2 5831 lo --seconds 20 >"$dir/app" &
apid=$!
trap 'kill $apid 2>/dev/null; rm -rf "$dir"' EXIT
wait_for_line "$dir/app" 5 ready || fail "the oddly named receiver did not start"
"$MCWATCH" doctor 239.83.0.2:5831%lo >"$dir/out" 2>&1
"$MCWATCH" --headless --duration 1 239.83.0.2:5831%lo >"$dir/json" 2>"$dir/err"
for f in out json err; do
  if LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$dir/$f"); then
    fail "$f: raw control bytes in a message naming the port's holder: $(cat -v "$dir/$f")"
  fi
done
grep -qF "held by pid $apid (\\x1b]0;OWN\\x07)" "$dir/out" || fail "doctor: holder not named, escaped: $(cat -v "$dir/out")"
grep -qF "held by pid $apid (\\x1b]0;OWN\\x07)" "$dir/err" || fail "engine: holder not named, escaped: $(cat -v "$dir/err")"
kill $apid
pass "a port holder named with escapes: escaped in the doctor and the engine's message"
