#!/usr/bin/env bash
# More wrong command lines, beyond cli_errors.sh: conflicting options, empty
# and very long strings in every field, control bytes and escapes in
# arguments, numbers out of range, and `mcwatch send` mistakes. Each exits
# 2 with exactly one line on stderr, no raw control byte in it, and nothing
# on stdout.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0 n=0

# bad PATTERN ARGS...: mcwatch ARGS must exit 2 with one line containing
# PATTERN (fixed string; "" for any) and no control byte.
bad() {
  local pattern=$1 rc lines
  shift
  n=$((n + 1))
  timeout 10 "$MCWATCH" "$@" >"$dir/out" 2>"$dir/err" </dev/null
  rc=$? lines=$(wc -l <"$dir/err")
  if [ $rc != 2 ] || [ "$lines" != 1 ] || [ -s "$dir/out" ] ||
     ! grep -qF -- "$pattern" "$dir/err" ||
     LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$dir/err"; then
    echo "not ok: mcwatch $(printf '%q ' "$@" | head -c 200) -> exit $rc, $lines lines: $(head -c 300 "$dir/err" | cat -v)" >&2
    echo "        wanted exit 2 and one line with: $pattern" >&2
    fails=$((fails + 1))
  fi
}

EP=239.1.2.3:5000%lo
long=$(printf 'y%.0s' $(seq 3000))
huge=$(printf '9%.0s' $(seq 400))

# Conflicting options.
bad "" --demo --list-interfaces
bad "" --headless -L
bad "" --demo $EP
bad "" --json --headless $EP
# Empty strings in every field.
bad "" --headless ":"
bad "" --headless ":5000"
bad "" --headless "239.1.2.3:"
bad "" --headless "239.1.2.3:5000%"
bad "" --headless "239.1.2.3:5000@"
bad "" --headless "232.1.1.1:5000@%lo"
bad "" --headless "[]:5000%lo"
bad "" --headless --count "" $EP
bad "" --headless --duration "" $EP
bad "" --headless --snap "" $EP
# Very long strings.
bad "" --headless "239.1.2.3:$huge%lo"
bad "" --headless "232.1.1.1:5000@$long%lo"
bad "" --headless "[$long]:5000%lo"
bad "" --headless --count "$huge" $EP
bad "" --headless --rcvbuf "$huge" $EP
bad "" --headless --max-senders "$huge" $EP
bad "" "--$long"
# Control bytes and escapes in arguments never reach the terminal raw.
bad "" --headless $'239.1.2.3:5000%\e]0;pwned\a'
bad "" --headless $'\e[2J239.1.2.3:5000%lo'
bad "" --headless $'239.1.2.3:50\n00%lo'
# Addresses, ports and sources.
bad "" --headless 255.255.255.255:5000%lo
bad "" --headless 239.1.2:5000%lo
bad "" --headless 239.1.2.3:-1%lo
bad "" --headless 239.1.2.3:5000:6000%lo
bad "" --headless "[ff02::1]:5000@[::]%lo"
bad "" --headless "[ff15::1]:5000@10.0.0.1%lo"
bad "" --headless 232.1.1.1:5000@0.0.0.0%lo
bad "" --headless 232.1.1.1:5000@127.0.0.1@127.0.0.2%lo
bad "" --headless "[::1]:5000%lo"
# Numbers out of range.
bad "" --headless --max-senders 0 $EP
bad "" --headless --rcvbuf -1 $EP
bad "" --headless --interval -1 $EP
bad "" --headless --snap -1 $EP
# mcwatch send.
bad "" send
bad "" send --bogus $EP
bad "" send --rate 0 $EP
bad "" send --rate abc $EP
bad "" send --rate 2000000 $EP
bad "" send --size 10 $EP
bad "" send --size 70000 $EP
bad "" send --ttl 300 $EP
bad "" send --count 0 $EP
bad "" send --duration -2 $EP
bad "" send 10.0.0.1:5000%lo
bad "" send 239.1.2.3:5000%nosuch9
bad "" send --text "$(printf 'z%.0s' $(seq 70000))" $EP
bad "" send 232.1.1.1:5000@127.0.0.1%lo

[ $fails = 0 ] || fail "$fails of $n wrong invocations misbehaved"
pass "$n more wrong invocations: exit 2, one line, no control bytes"
