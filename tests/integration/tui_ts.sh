#!/bin/bash
# An MPEG-TS stream from a real encoder (ffmpeg) in the screen UI: the
# group takes the stream's service name as its label (pane title, and the
# overview), and the sender table shows the TR 101 290 totals, the MDI and
# the service and provider names under the TS sender.
set -u
. "$(dirname "$0")/lib.sh"
enter_private_netns
. "$(dirname "$0")/tui_lib.sh"
command -v ffmpeg >/dev/null || { echo "SKIPPED: $(basename "$0"): ffmpeg is not installed" >&2; exit 77; }

G=239.255.35.1 P=35001
start ts 130x40 "\"$MCWATCH\" --no-config $G:$P%lo 239.255.35.2:35002%lo"
expect 5 "joined 239\.255\.35\.2" "monitor did not start"
timeout 30 ffmpeg -hide_banner -loglevel error -re \
  -f lavfi -i testsrc=size=160x120:rate=25 -t 4 -c:v mpeg2video -b:v 300k \
  -muxrate 600k -metadata service_name="Test Card" -metadata service_provider=Lab \
  -f mpegts "udp://$G:$P?ttl=1&localaddr=127.0.0.1&pkt_size=1316" ||
  fail "ffmpeg could not send"
expect 3 "^Test Card +${G//./\\.}:$P%lo " "the overview does not show the service name as label"
keys Enter
expect 3 "> ${G//./\\.}:$P +Test Card " "the pane title lacks the service name"
expect 3 "TR 101 290 P1 0 P2 0 .*service Test Card / Lab" "no TS checks under the sender"
keys q
expect 5 "^EXIT=0$" "q did not exit 0"
pass "ffmpeg's TS: the service name labels the group; TR 101 290 and MDI under its sender"
