#!/usr/bin/env bash
# mcwatch beside another receiver of the same group and port, over a real
# link (veth between a sender host with two sources and a receiver host;
# on lo the kernel takes another path and hides the trouble): a program
# that sets SO_REUSEADDR only, SO_REUSEPORT only, both, or neither, bound
# to the group or to the wildcard address, started before or after
# mcwatch. Wherever both run, each gets every datagram meant for it and
# mcwatch takes none from the application; where the kernel would not
# share safely, the second one gets EADDRINUSE and mcwatch's message names
# the holder. docs/ARCHITECTURE.md, "Sharing the port", has the matrix.
#
#   tx eth0 10.85.0.1 and 10.85.0.3 ── rx eth0 10.85.0.2
set -u
. "$(dirname "$0")/lib.sh"
enter_private_hosts
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
dir=$(mktemp -d)
mpid= apid=
trap '[ -n "$mpid" ] && kill "$mpid" 2>/dev/null; [ -n "$apid" ] && kill "$apid" 2>/dev/null; rm -rf "$dir"' EXIT
for h in rx tx; do
  ip netns add $h
  ip -n $h link set lo up
done
ip link add eth0 netns rx type veth peer name eth0 netns tx
ip -n rx addr add 10.85.0.2/24 dev eth0
ip -n tx addr add 10.85.0.1/24 dev eth0
ip -n tx addr add 10.85.0.3/24 dev eth0
ip -n rx link set eth0 up
ip -n tx link set eth0 up
N=20
port=5900

# start_mcwatch ENDPOINT...: mcwatch headless in rx; 0 once all joined, 1
# on an error.
start_mcwatch() {
  # Gone first: the old file's lines must not be read before the new
  # process has truncated it.
  rm -f "$dir/mcw.json" "$dir/mcw.err"
  ip netns exec rx "$MCWATCH" --headless --interval 0 --duration 8 "$@" \
    >"$dir/mcw.json" 2>"$dir/mcw.err" &
  mpid=$!
  for _ in $(seq 100); do
    [ "$(grep -c '"event":"join"' "$dir/mcw.json" 2>/dev/null)" -ge $# ] && return 0
    grep -q '"event":"error"' "$dir/mcw.json" 2>/dev/null && { kill -INT "$mpid" 2>/dev/null; wait "$mpid"; mpid=; return 1; }
    sleep 0.05
  done
  fail "mcwatch neither joined nor failed: $(cat "$dir/mcw.json" "$dir/mcw.err")"
}

# start_app GROUP PORT OPTS...: the other receiver in rx, until it has
# $UNTIL datagrams (default 2N); 0 once ready, 1 when its bind failed
# (reason in $dir/app.out).
start_app() {
  local g=$1 p=$2
  shift 2
  rm -f "$dir/app.out" # (as in start_mcwatch)
  ip netns exec rx "$TESTRECV" "$g" "$p" eth0 --seconds 8 --until "${UNTIL:-$((2 * N))}" "$@" \
    >"$dir/app.out" &
  apid=$!
  for _ in $(seq 100); do
    grep -q '^ready' "$dir/app.out" 2>/dev/null && return 0
    grep -q '^bind:' "$dir/app.out" 2>/dev/null && { wait "$apid"; apid=; return 1; }
    sleep 0.05
  done
  fail "receiver $* did not start: $(cat "$dir/app.out")"
}

# send_both GROUP PORT: N datagrams from each of tx's two sources.
send_both() {
  for src in 10.85.0.1 10.85.0.3; do
    ip netns exec tx "$TESTSEND" "$1" "$2" eth0 $N --source $src --interval-ms 1 >/dev/null ||
      fail "send from $src failed"
  done
}

# settle COUNT: waits (up to 5 s) until mcwatch has written COUNT datagram
# lines, so a loaded machine does not stop it before it has read them all.
settle() {
  for _ in $(seq 100); do
    [ "$(grep -c '"event":"datagram"' "$dir/mcw.json" 2>/dev/null)" -ge "$1" ] && return 0
    sleep 0.05
  done
}

# finish: waits for the app, stops mcwatch.
finish() {
  [ -n "$apid" ] && { wait "$apid"; apid=; }
  [ -n "$mpid" ] && { kill -INT "$mpid"; wait "$mpid"; mpid=; }
}

# mcw_got FILTER: how many datagrams mcwatch counted that match FILTER.
mcw_got() {
  count_json "$dir/mcw.json" ".event==\"datagram\" and ($1)"
}

# 1. The matrix, mcwatch any-source.
for opts in "--reuseaddr" "--reuseport" "--reuseaddr --reuseport" ""; do
  for bind in group any; do
    for order in app-first mcwatch-first; do
      port=$((port + 1))
      g=239.85.0.$((port % 250))
      what="app [${opts:-no options}] bound to $bind, $order"
      extra=$opts
      [ "$bind" = any ] && extra="$extra --bind-any"
      if [ "$order" = app-first ]; then
        start_app "$g" "$port" $extra || fail "$what: the app could not bind alone"
        start_mcwatch "$g:$port%eth0"
        m=$? a=0
      else
        start_mcwatch "$g:$port%eth0" || fail "$what: mcwatch could not join alone"
        start_app "$g" "$port" $extra
        a=$? m=0
      fi
      # Who may share: SO_REUSEADDR on both sides; or SO_REUSEPORT alone
      # on a wildcard-bound app started first (mcwatch then sets it too,
      # alone in its group). Everything else: the second one is refused.
      share=no
      case "$opts" in *--reuseaddr*) share=yes ;; esac
      [ "$opts" = --reuseport ] && [ "$bind" = any ] && [ "$order" = app-first ] && share=yes
      if [ $share = no ]; then
        if [ "$order" = app-first ]; then
          [ "$m" = 1 ] || fail "$what: mcwatch shared where it must not"
          grep -qF "another socket holds UDP port $port without SO_REUSEADDR; held by pid $apid (mcw-testrecv); see: ss -uapn 'sport = :$port'" \
            "$dir/mcw.err" || fail "$what: bind error unclear: $(cat "$dir/mcw.err")"
          kill "$apid"; wait "$apid" 2>/dev/null; apid=
        else
          [ "$a" = 1 ] && grep -q "Address already in use" "$dir/app.out" ||
            fail "$what: want EADDRINUSE for the app: $(cat "$dir/app.out")"
          finish
        fi
        pass "$what: the second is refused (EADDRINUSE), explained"
        continue
      fi
      [ "$m" = 0 ] || fail "$what: mcwatch could not share: $(cat "$dir/mcw.err")"
      [ "$a" = 0 ] || fail "$what: the app could not share: $(cat "$dir/app.out")"
      send_both "$g" "$port"
      settle $((2 * N))
      finish
      grep -qx "received $((2 * N))" "$dir/app.out" ||
        fail "$what: the app lost datagrams beside mcwatch: $(cat "$dir/app.out")"
      got=$(mcw_got true)
      [ "$got" = $((2 * N)) ] || fail "$what: mcwatch got $got of $((2 * N))"
      pass "$what: both run, each got all $((2 * N))"
    done
  done
done

# 2. Filters that differ: a datagram only one socket wants must reach that
# socket. SO_REUSEPORT sockets bound to one address would trade them.
port=$((port + 1))
g=232.85.1.1
start_mcwatch "$g:$port@10.85.0.1%eth0" "$g:$port@10.85.0.3%eth0" ||
  fail "two sources of one group: $(cat "$dir/mcw.err")"
send_both "$g" "$port"
settle $((2 * N))
finish
[ "$(mcw_got '.source=="10.85.0.1" and .from=="10.85.0.1"')" = $N ] &&
  [ "$(mcw_got '.source=="10.85.0.3" and .from=="10.85.0.3"')" = $N ] &&
  [ "$(mcw_got true)" = $((2 * N)) ] ||
  fail "two source-specific subscriptions on one port: $(mcw_got true) datagrams, misrouted"
grep -q '"ignored":[1-9]' "$dir/mcw.json" && fail "datagrams handed to the wrong socket (ignored > 0)"
pass "two source-specific subscriptions on one group and port: each gets its own"

# An any-source application with SO_REUSEPORT only, bound to the wildcard,
# and mcwatch watching one source: the application keeps every datagram.
port=$((port + 1))
g=239.85.1.2
start_app "$g" "$port" --reuseport --bind-any || fail "app alone"
start_mcwatch "$g:$port@10.85.0.1%eth0" || fail "mcwatch beside a SO_REUSEPORT app: $(cat "$dir/mcw.err")"
send_both "$g" "$port"
settle $N
finish
grep -qx "received $((2 * N))" "$dir/app.out" ||
  fail "the app lost datagrams to mcwatch: $(cat "$dir/app.out")"
[ "$(mcw_got '.from=="10.85.0.1"')" = $N ] && [ "$(mcw_got true)" = $N ] ||
  fail "mcwatch (one source) got $(mcw_got true)"
pass "SO_REUSEPORT app (any source) and mcwatch (one source): nothing taken from the app"

# The same application source-specific, mcwatch any-source.
port=$((port + 1))
UNTIL=$N start_app "$g" "$port" --reuseport --bind-any --source 10.85.0.3 ||
  fail "app alone"
start_mcwatch "$g:$port%eth0" || fail "mcwatch beside a source-specific app"
send_both "$g" "$port"
settle $((2 * N))
finish
grep -qx "received $N" "$dir/app.out" ||
  fail "the source-specific app got other than its $N: $(cat "$dir/app.out")"
[ "$(mcw_got true)" = $((2 * N)) ] || fail "mcwatch (any source) got $(mcw_got true)"
pass "source-specific SO_REUSEPORT app and mcwatch (any source): each gets its own"
