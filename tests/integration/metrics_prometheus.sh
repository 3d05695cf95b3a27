#!/usr/bin/env bash
# --metrics: the HTTP answers (200 for GET and HEAD of /metrics and /, 405
# with Allow for other methods, 404 elsewhere), `promtool check metrics` on
# the exposition, then a real Prometheus server scraping mcwatch every
# second: after probes with known gaps (193 received, 8 lost, 1 duplicate,
# 1 reordered) its HTTP API returns exactly those figures.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
for tool in curl jq promtool prometheus; do
  command -v $tool >/dev/null ||
    fail "$tool is needed (apt-get install curl jq prometheus)"
done
scratch # $dir, and $pids stopped on exit
ip link set lo multicast on

port=9464
"$MCWATCH" --headless --stats-only --interval 0 --metrics 127.0.0.1:$port \
  239.1.2.11:5000%lo >"$dir/out" 2>"$dir/err" &
pids+=($!)
wait_for_line "$dir/out" 5 '"event":"join"' || fail "no join: $(cat "$dir/err")"
url=http://127.0.0.1:$port

# status METHOD PATH: the HTTP status code.
status() {
  curl -s -o /dev/null -w '%{http_code}' -X "$1" --max-time 5 "$url$2"
}
[ "$(status GET /metrics)" = 200 ] || fail "GET /metrics"
[ "$(curl -s -o /dev/null -w '%{http_code}' -I --max-time 5 "$url/metrics")" = 200 ] ||
  fail "HEAD /metrics"
[ "$(status GET /)" = 200 ] || fail "GET /"
curl -s "$url/" | grep -q 'href="/metrics"' || fail "/ does not link to /metrics"
[ "$(status POST /metrics)" = 405 ] || fail "POST /metrics: $(status POST /metrics)"
[ "$(status DELETE /)" = 405 ] || fail "DELETE /"
curl -s -i -X PUT "$url/metrics" | tr -d '\r' | grep -qi '^Allow: GET, HEAD$' ||
  fail "405 without Allow: GET, HEAD"
[ "$(status GET /metricsx)" = 404 ] || fail "GET /metricsx"
[ "$(status GET /metrics/)" = 404 ] || fail "GET /metrics/"
curl -s -D "$dir/hdr" "$url/metrics" >"$dir/m0"
tr -d '\r' <"$dir/hdr" | grep -qi '^Content-Type: text/plain; version=0.0.4' ||
  fail "content type: $(cat "$dir/hdr")"

"$TESTSEND" 239.1.2.11 5000 lo 0 --probe-seqs "0-99,105,103,103,110-199" ||
  fail "send probes"
sleep 0.3
curl -s "$url/metrics" >"$dir/m1"
promtool check metrics <"$dir/m1" >"$dir/lint" 2>&1 ||
  fail "promtool check metrics: $(cat "$dir/lint")"
grep -q '^mcwatch_packets_lost_total{group="239.1.2.11",port="5000",source="",iface="lo"} 8$' \
  "$dir/m1" || fail "lost in the exposition: $(grep lost "$dir/m1")"

# A real Prometheus scraping every second.
cat >"$dir/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: mcwatch
    static_configs:
      - targets: ['127.0.0.1:$port']
EOF
prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/tsdb" \
  --web.listen-address=127.0.0.1:9090 >"$dir/prom.log" 2>&1 &
pids+=($!)

# query PROMQL: the value of the single series the query returns, or "".
query() {
  curl -s --max-time 5 --get --data-urlencode "query=$1" \
    http://127.0.0.1:9090/api/v1/query |
    jq -r 'if .status=="success" and (.data.result|length)==1
           then .data.result[0].value[1] else "" end' 2>/dev/null
}
sel='{job="mcwatch",group="239.1.2.11",port="5000",source="",iface="lo"}'
got=""
for _ in $(seq 300); do
  got=$(query "mcwatch_packets_received_total$sel")
  [ "$got" = 193 ] && break
  sleep 0.1
done
[ "$got" = 193 ] || fail "Prometheus: received $got, wanted 193: $(tail -5 "$dir/prom.log")"
[ "$(query "mcwatch_packets_lost_total$sel")" = 8 ] || fail "Prometheus: lost"
[ "$(query "mcwatch_packets_expected_total$sel")" = 200 ] || fail "Prometheus: expected"
[ "$(query "mcwatch_packets_duplicated_total$sel")" = 1 ] || fail "Prometheus: dup"
[ "$(query "mcwatch_packets_reordered_total$sel")" = 1 ] || fail "Prometheus: reordered"
[ "$(query "mcwatch_kernel_drops_total$sel")" = 0 ] || fail "Prometheus: drops"
[ "$(query "mcwatch_group_joined$sel")" = 1 ] || fail "Prometheus: joined"
[ "$(query "mcwatch_one_way_delay_seconds_count$sel")" = 192 ] ||
  fail "Prometheus: delay samples $(query "mcwatch_one_way_delay_seconds_count$sel")"
[ "$(query 'up{job="mcwatch"}')" = 1 ] || fail "Prometheus: target not up"
kill -INT "${pids[0]}"
wait "${pids[0]}" || fail "mcwatch exit status $?"
pass "HTTP codes right, promtool clean, Prometheus reads 193 received, 8 lost"
