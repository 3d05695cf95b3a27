#!/usr/bin/env bash
# mcwatch beside another receiver of the same group and port, started
# before or after it: a program that sets SO_REUSEADDR only, SO_REUSEPORT
# only, both, or neither, bound to the group or to the wildcard address.
# With either option both programs run and each receives every datagram
# (mcwatch never takes one from the application); with neither, whoever
# comes second gets EADDRINUSE, and when that is mcwatch its message
# names the holder and the command that shows it. docs/ARCHITECTURE.md,
# "Sharing the port", records the same matrix.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
mpid= apid=
trap '[ -n "$mpid" ] && kill "$mpid" 2>/dev/null; [ -n "$apid" ] && kill "$apid" 2>/dev/null; rm -rf "$dir"' EXIT
ip link set dev lo multicast on
N=40
port=5900

# start_mcwatch GROUP PORT: mcwatch headless; 0 once joined, 1 on error.
start_mcwatch() {
  "$MCWATCH" --headless --interval 0 --duration 8 "$1:$2%lo" \
    >"$dir/mcw.json" 2>"$dir/mcw.err" &
  mpid=$!
  for _ in $(seq 100); do
    grep -q '"event":"join"' "$dir/mcw.json" 2>/dev/null && return 0
    grep -q '"event":"error"' "$dir/mcw.json" 2>/dev/null && { wait "$mpid"; mpid=; return 1; }
    sleep 0.05
  done
  fail "mcwatch neither joined nor failed: $(cat "$dir/mcw.json" "$dir/mcw.err")"
}

# start_app GROUP PORT OPTS...: the other receiver; 0 once ready, 1 when
# its bind failed (reason in $dir/app.out).
start_app() {
  local g=$1 p=$2
  shift 2
  "$TESTRECV" "$g" "$p" lo --seconds 8 --until "$N" "$@" >"$dir/app.out" &
  apid=$!
  for _ in $(seq 100); do
    grep -q '^ready' "$dir/app.out" 2>/dev/null && return 0
    grep -q '^bind:' "$dir/app.out" 2>/dev/null && { wait "$apid"; apid=; return 1; }
    sleep 0.05
  done
  fail "receiver $* did not start: $(cat "$dir/app.out")"
}

for opts in "--reuseaddr" "--reuseport" "--reuseaddr --reuseport" ""; do
  for bind in group any; do
    for order in app-first mcwatch-first; do
      port=$((port + 1))
      g=239.255.90.$((port % 250))
      what="app [${opts:-no options}] bound to $bind, $order"
      extra=$opts
      [ "$bind" = any ] && extra="$extra --bind-any"
      if [ "$order" = app-first ]; then
        start_app "$g" "$port" $extra || fail "$what: the app could not bind alone"
        start_mcwatch "$g" "$port"
        m=$?
        a=0
      else
        start_mcwatch "$g" "$port" || fail "$what: mcwatch could not join alone"
        start_app "$g" "$port" $extra
        a=$?
        m=0
      fi
      if [ -z "$opts" ]; then
        # Neither option: the second one cannot bind, whichever it is.
        if [ "$order" = app-first ]; then
          [ "$m" = 1 ] || fail "$what: mcwatch bound beside an exclusive socket"
          grep -qF "another socket holds UDP port $port without SO_REUSEADDR or SO_REUSEPORT; held by pid $apid (mcw-testrecv); see: ss -uapn 'sport = :$port'" \
            "$dir/mcw.err" || fail "$what: bind error unclear: $(cat "$dir/mcw.err")"
          kill "$apid"; wait "$apid" 2>/dev/null; apid=
        else
          [ "$a" = 1 ] && grep -q "Address already in use" "$dir/app.out" ||
            fail "$what: want EADDRINUSE for the app: $(cat "$dir/app.out")"
          kill -INT "$mpid"; wait "$mpid"; mpid=
        fi
        pass "$what: the second gets EADDRINUSE, explained"
        continue
      fi
      [ "$m" = 0 ] || fail "$what: mcwatch could not share: $(cat "$dir/mcw.err")"
      [ "$a" = 0 ] || fail "$what: the app could not share: $(cat "$dir/app.out")"
      "$TESTSEND" "$g" "$port" lo "$N" --interval-ms 1 >/dev/null ||
        fail "$what: send failed"
      wait "$apid"; apid=
      kill -INT "$mpid"; wait "$mpid"; mpid=
      grep -qx "received $N" "$dir/app.out" ||
        fail "$what: the app lost datagrams beside mcwatch: $(cat "$dir/app.out")"
      got=$(count_json "$dir/mcw.json" '.event=="datagram"')
      [ "$got" = "$N" ] || fail "$what: mcwatch got $got of $N"
      pass "$what: both run, each got all $N"
    done
  done
done
