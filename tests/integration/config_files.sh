#!/bin/bash
# The config file and channel lists as a user meets them: defaults from the
# file, the command line winning over it, XDG and --no-config, errors that
# name the file, the line and the reason (exit 2), a key rebound in [keys]
# showing in the footer and working, and -f with a bad line.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"

G=239.255.33.1:33001
# one line on stderr, exit 2, and the message: refused ARGS... -- WANT
refused() {
  local want=$1 rc
  shift
  "$MCWATCH" "$@" >"$TMP/o" 2>"$TMP/e"
  rc=$?
  [ "$rc" = 2 ] || fail "$* -> exit $rc, want 2: $(cat "$TMP/e")"
  [ "$(wc -l <"$TMP/e")" = 1 ] || fail "$* -> not one line: $(cat "$TMP/e")"
  grep -qF -- "$want" "$TMP/e" || fail "$* -> $(cat "$TMP/e"), want: $want"
}

# 1. Defaults from the XDG file; the command line wins; --no-config.
mkdir -p "$TMP/xdg/mcwatch"
printf '# defaults\niface = lo\ninterval = 0\nmax-senders = 7\n' >"$TMP/xdg/mcwatch/config"
XDG_CONFIG_HOME=$TMP/xdg "$MCWATCH" -H -d 0.3 239.255.33.1:33001 >"$TMP/o" 2>"$TMP/e" ||
  fail "run with the XDG config: $(cat "$TMP/e")"
[ "$(jq -r 'select(.event == "join") | .iface' "$TMP/o")" = lo ] || fail "iface from the config not used: $(cat "$TMP/o" "$TMP/e")"
[ "$(count_json "$TMP/o" '.event == "stats"')" = 0 ] || fail "interval = 0 from the config not used"
XDG_CONFIG_HOME=$TMP/xdg "$MCWATCH" -H -d 1.3 --interval 0.5 239.255.33.1:33001 >"$TMP/o" 2>"$TMP/e"
[ "$(count_json "$TMP/o" '.event == "stats"')" -ge 2 ] || fail "the command line did not win over the config"
printf 'iface = nosuchif0\n' >"$TMP/xdg/mcwatch/config"
XDG_CONFIG_HOME=$TMP/xdg "$MCWATCH" --no-config -H -d 0.2 "$G%lo" >"$TMP/o" 2>"$TMP/e" ||
  fail "--no-config still read the file: $(cat "$TMP/e")"
pass "defaults from \$XDG_CONFIG_HOME/mcwatch/config; the command line wins; --no-config"

# 2. Errors name the file, the line and the reason.
printf 'iface = lo\n\nbogus = 1\n' >"$TMP/c1"
refused "$TMP/c1:3: bogus: no such option" --config "$TMP/c1" -H "$G"
printf 'history = 0\n' >"$TMP/c2"
refused "$TMP/c2:1: --history 0" --config "$TMP/c2" -H "$G"
printf 'bell = maybe\n' >"$TMP/c3"
refused "$TMP/c3:1: bell = maybe: say yes or no" --config "$TMP/c3" -H "$G"
printf '[colours]\nx = 1\n' >"$TMP/c4"
refused "$TMP/c4:2: [colours]: unknown section" --config "$TMP/c4" -H "$G"
printf 'just words\n' >"$TMP/c5"
refused "$TMP/c5:1: not an entry" --config "$TMP/c5" -H "$G"
printf '[keys]\nfly = a\n' >"$TMP/c6"
refused "$TMP/c6:2: fly: no such action" --config "$TMP/c6" -H "$G"
printf 'config = /x\n' >"$TMP/c7"
refused "$TMP/c7:1: config: not a default the config file can set" --config "$TMP/c7" -H "$G"
refused "$TMP/none: No such file or directory" --config "$TMP/none" -H "$G"
pass "config errors: file, line and reason, exit 2"

# 3. Channel lists: a bad line, a missing file, twice the same group.
printf '239.255.33.1:33001%%lo ok\n239.255.33.300:33002 bad\n' >"$TMP/l1"
refused "$TMP/l1:2: 239.255.33.300: not an IPv4 address" -f "$TMP/l1" -H
refused "$TMP/none.m3u: No such file or directory" -f "$TMP/none.m3u" -H
printf '239.255.33.1:33001%%lo one\n239.255.33.1:33001%%lo two\n' >"$TMP/l2"
refused "$TMP/l2:2: given twice" -f "$TMP/l2" -H
printf '239.255.33.2:33002%%lo From stdin\n' |
  "$MCWATCH" --no-config -H -d 0.2 -f - "$G%lo" >"$TMP/o" 2>"$TMP/e" || fail "-f -: $(cat "$TMP/e")"
[ "$(count_json "$TMP/o" '.event == "join" and .label == "From stdin"')" = 1 ] || fail "-f - not read"
[ "$(count_json "$TMP/o" '.event == "join"')" = 2 ] || fail "-f and an endpoint on the command line: not both joined"
pass "channel lists: bad lines refused with file and line; stdin; mixed with endpoints"

# 4. A key rebound in [keys]: shown in the footer and the help, and it works.
printf '[keys]\njoin = F2\nleave = Delete\n' >"$TMP/keys"
start k 100x30 "\"$MCWATCH\" --config \"$TMP/keys\" $G%lo"
expect 5 "joined $G%lo" "monitor did not start"
expect 2 "F2 Join" "the footer does not show the rebound key"
keys F2
expect 2 "join GROUP:PORT" "F2 did not open the join prompt"
keys Escape
sleep 0.2 # Esc then a key at once reads as Alt-key
keys a
expect 2 "a does nothing" "the old key still joins"
keys '?'
expect 2 "^  F2 +Join a group" "the help does not show the rebound key"
keys Escape q
expect 5 "^EXIT=0$" "q did not exit 0"
pass "[keys] rebinds: footer, help and the key itself"
