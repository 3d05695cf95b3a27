#!/usr/bin/env bash
# Writes the seed corpora for the fuzz targets into tests/fuzz/corpus/:
# a few valid and nearly valid inputs per target, so the fuzzers start
# from inside each format. Run it again after changing it; commit the result.
set -eu
cd "$(dirname "$0")"
# Inputs that once crashed a fuzzer (crash-*) stay: they are regressions.
[ -d corpus ] && find corpus -type f ! -name 'crash-*' -delete
mkdir -p corpus/{endpoint,probe,rtp,mpegts,escape,json,stream,tr101290,iperf2,ipframe}

# seed TARGET NAME PRINTF-FORMAT: one seed file from printf escapes.
seed() { printf "$3" >"corpus/$1/$2"; }

# Endpoints: every syntax the parser knows, and near misses.
i=0
for e in 239.1.2.3:5000 239.1.2.3:5000%lo 232.1.1.1:5000@10.0.0.1%eth0 \
  '[ff15::1234]:5000%eth0' '[ff3e::8000:1]:1234@[2001:db8::1]%2' \
  '[ff02::1%lo]:99' 239.1.2.300:5000 239.1.2.3:0 '239.1.2.3:5000%*' \
  '[ff15::1]:5000@[::ffff:10.0.0.1]' 224.0.0.1:65535%10.0.0.1 ':' '[]:' '@%'; do
  printf '%s' "$e" >"corpus/endpoint/e$((i++))"
done

# Probes: version 1 with text, without, truncated, bad lengths.
hdr='MCWP\x01\x00\x00\x20\x12\x34\x56\x78'
seed probe text "${hdr}\x00\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x07\x17\x9a\x5b\x3c\x00\x00\x00\x00hello"
seed probe empty "${hdr}\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00"
seed probe longtext "${hdr}\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00abc"
seed probe badhdr 'MCWP\x01\x00\xff\xff\x12\x34\x56\x78\x00\x01\x00\x00'
seed probe v2 'MCWP\x02\x00\x00\x30\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01'

# RTP: plain, with CSRCs, extension and padding, and RTCP.
seed rtp plain '\x80\x21\x00\x01\x00\x00\x00\x64\xde\xad\xbe\xef\x47\x00\x11\x10'
seed rtp csrc '\x82\xa1\x00\x02\x00\x00\x00\xc8\xde\xad\xbe\xef\x00\x00\x00\x01\x00\x00\x00\x02payload'
seed rtp ext '\x90\x60\xff\xff\x00\x00\x01\x00\x00\x00\x00\x01\xbe\xde\x00\x01\x01\x02\x03\x04data'
seed rtp pad '\xa0\x0e\x10\x00\x00\x00\x00\x00\x00\x00\x00\x02abcd\x00\x00\x00\x04'
seed rtp rtcp '\x80\xc8\x00\x06\xde\xad\xbe\xef'

# MPEG-TS: the first byte picks the datagram size (packets per datagram).
pkt() { # pkt PID-HI PID-LO AFC-CC [AF...]: one 188-byte packet
  printf "\x47\\x$1\\x$2\\x$3"
  head -c 184 /dev/zero | tr '\0' '\377'
}
{ printf '\x06'; for c in 0 1 2 3 4 5 6 7 8 9 a b c d; do pkt 01 00 1$c; done; } >corpus/mpegts/cc
{ printf '\x00'; pkt 41 00 10; pkt 41 00 10; pkt 5f ff 10; pkt 01 00 13; pkt 81 00 10; } >corpus/mpegts/dup
{ printf '\x01'; printf '\x47\x01\x00\x30\x01\x80'; head -c 182 /dev/zero; pkt 01 00 15; } >corpus/mpegts/disc
# A byte stream: the ffmpeg sample of the unit tests, cut every 176 bytes.
{ printf '\x19'; head -c 3000 ../data/clean.ts; } >corpus/mpegts/stream

# Escaper and JSON: controls, escape sequences, UTF-8 good and bad.
for t in escape json; do
  seed $t osc '\033]0;pwned\007\033]2;title\033\\'
  seed $t csi '\033[2J\033[H\033[31mred\033[0m\033[10;20H\033[?1049l'
  seed $t paste '\033[200~rm -rf /\033[201~'
  seed $t c0 '\x00\x01\x02\x03\x07\x08\x09\x0a\x0b\x0c\x0d\x1b\x7f'
  seed $t c1 '\xc2\x80\xc2\x9b\xc2\x9d\xc2\x85'
  seed $t utf8 'h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\x8d'
  seed $t bidi '\xe2\x80\xae\xe2\x81\xa6\xe2\x80\xa8\xef\xbb\xbf\xe2\x80\x8b'
  seed $t bad '\xc0\xaf\xe0\x80\xaf\xf8\x88\x80\x80\x80\xed\xa0\x80\xf4\x90\x80\x80\xc3'
done

# Stream: mode byte 0 (datagrams, each with a 2-byte length) or 1
# (8-byte numbers straight to the sequence tracker).
{ printf '\x00'
  for s in 00 01 02 05 04 04; do
    printf '\x00\x20'"${hdr}"'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'"\\x$s"'\x00\x00\x00\x00\x00\x00\x00\x01'
  done; } >corpus/stream/probes
{ printf '\x00'
  for s in 01 02 03 05 04; do
    printf '\x00\x10\x80\x21\x00'"\\x$s"'\x00\x00\x00\x64\xde\xad\xbe\xef\x47\x1f\xff\x10'
  done; } >corpus/stream/rtp
{ printf '\x00'; for s in 0 1 2; do printf '\x00\xbc'; pkt 01 00 1$s; done; } >corpus/stream/ts
{ printf '\x00'
  for n in 0 1 3; do
    m="Sender PID 42, MC group 239.1.1.1 ... count: $n, freq: 100"
    printf "\\x00\\x$(printf %02x ${#m})%s" "$m"
  done
  for n in 0 1 2 a; do m="Message $n"; printf "\\x00\\x$(printf %02x ${#m})%s" "$m"; done
} >corpus/stream/foreign
seed stream seq '\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x01\x00\x00\x00\x00\x00\x00\x80'

# TR 101 290: the ffmpeg sample's first packets, 2 ms apart (PAT, PMT, SDT,
# PCR and PES in order), and the same 65 s apart.
python3 - <<'PY'
d = open('../data/clean.ts', 'rb').read()
for name, gap in (('ffmpeg', b'\x00\x02'), ('slow', b'\xff\xfe')):
    with open('corpus/tr101290/' + name, 'wb') as f:
        for i in range(0, 188 * 40, 188):
            f.write(gap + d[i:i + 188])
PY

# iperf 2: numbers 1-7 with a swap and a duplicate; a 64-bit stream across
# 2^32 ending with a FIN.
python3 - <<'PY'
import struct
with open('corpus/iperf2/seq', 'wb') as f:
    for i in list(range(1, 6)) + [7, 6, 6]:
        f.write(struct.pack('>iIIi', i, 1795548275, i * 1000, 0))
with open('corpus/iperf2/wrap64', 'wb') as f:
    for i in range((1 << 32) - 3, (1 << 32) + 3):
        f.write(struct.pack('>IIII', i & 0xffffffff, 1795548275, 5, i >> 32))
    f.write(struct.pack('>iIIi', -7, 1795548275, 5, -1))
PY

# Capture frames (fuzz_ipframe: first byte picks the link type, 2 = raw
# IP, 1 = Ethernet, 5 = Linux SLL2): IPv4 UDP, a fragment, IPv6 UDP behind
# a hop-by-hop header, Ethernet with a VLAN tag, an ARP frame.
v4='\x45\x00\x00\x20\x00\x00\x00\x00\x01\x11\x00\x00\x0a\x00\x00\x05\xef\x01\x02\x03\x11\x5c\x13\x88\x00\x0c\x00\x00abcd'
seed ipframe raw4 "\x02${v4}"
seed ipframe frag4 '\x02\x45\x00\x00\x20\x00\x00\x20\x00\x01\x11\x00\x00\x0a\x00\x00\x05\xef\x01\x02\x03\x11\x5c\x13\x88\x00\x0c\x00\x00abcd'
seed ipframe vlan4 "\x01\x01\x00\x5e\x01\x02\x03\x02\x00\x00\x00\x00\x01\x81\x00\x00\x07\x08\x00${v4}"
seed ipframe hbh6 '\x05\x86\xdd\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x60\x00\x00\x00\x00\x14\x00\x01\xfd\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\xff\x15\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x09\x11\x00\x00\x00\x00\x00\x00\x00\x11\x5e\x13\x8a\x00\x0c\x00\x00abcd'
seed ipframe arp '\x01\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01'
