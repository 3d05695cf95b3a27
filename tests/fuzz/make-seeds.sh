#!/usr/bin/env bash
# Writes the seed corpora for the fuzz targets into tests/fuzz/corpus/:
# a few valid and nearly valid inputs per target, so the fuzzers start
# from inside each format. Run it again after changing it; commit the result.
set -eu
cd "$(dirname "$0")"
# Inputs that once crashed a fuzzer (crash-*) stay: they are regressions.
# Only the folders made here are emptied (corpus/chanlist is kept by hand).
made="endpoint probe rtp mpegts escape json stream tr101290 iperf2 sap igmp beacon ipframe"
for d in $made; do
  [ -d "corpus/$d" ] && find "corpus/$d" -type f ! -name 'crash-*' -delete
  mkdir -p "corpus/$d"
done

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

# SAP (RFC 2974): an announcement with and without a payload type, with
# authentication data, from an IPv6 origin, a deletion, and the refused
# kinds (compressed, encrypted, version 0, a foreign type, cut short).
python3 - <<'PY'
import struct
sdp = (b'v=0\r\no=alice 123 1 IN IP4 10.0.0.5\r\ns=News\r\n'
       b'c=IN IP4 239.1.1.1/32/2\r\nt=0 0\r\nm=video 5004 RTP/AVP 33\r\n'
       b'm=audio 5006 RTP/AVP 96\r\na=rtpmap:96 L16/44100/2\r\n'
       b'a=source-filter: incl IN IP4 239.1.1.1 10.0.0.5\r\n')
def sap(flags, h, rest, auth=b'', origin=b'\x0a\x00\x00\x05', v=1):
    return bytes([v << 5 | flags, len(auth) // 4]) + struct.pack('>H', h) + origin + auth + rest
seeds = {
    'typed': sap(0, 0x1234, b'application/sdp\0' + sdp),
    'bare': sap(0, 0x1234, sdp),
    'auth': sap(0, 1, sdp, auth=b'\x20' * 8),
    'v6': sap(0x10, 2, b'application/sdp\0' + sdp.replace(b'IP4 239.1.1.1/32/2', b'IP6 ff15::1')
              .replace(b'IP4 239.1.1.1 10.0.0.5', b'IP6 ff15::1 fd00::5'), origin=b'\xfd' + b'\0' * 14 + b'\x05'),
    'delete': sap(4, 0x1234, b'o=alice 123 1 IN IP4 10.0.0.5\r\n'),
    'compressed': sap(1, 3, b'\x78\x9c\x03\x00\x00\x00\x00\x01'),
    'encrypted': sap(2, 4, b'\x00' * 16),
    'version0': sap(0, 5, sdp, v=0),
    'type': sap(0, 6, b'text/plain\0hello'),
    'short': sap(0, 7, b'', auth=b'')[:6],
}
for name, data in seeds.items():
    open('corpus/sap/' + name, 'wb').write(data)
PY
# IGMP and MLD: a message of every version and type (checksums right), an
# IPv4 packet around one, as a raw socket delivers it.
seed igmp ip4-v2-query '\x46\x00\x00\x20\x00\x00\x40\x00\x01\x02\x00\x00\x0a\x00\x00\x01\xe0\x00\x00\x01\x94\x04\x00\x00\x11\x64\xee\x9b\x00\x00\x00\x00'
seed igmp mld-v1-query '\x82\x00\x00\x00\x27\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
seed igmp mld-v1-report '\x83\x00\x00\x00\x00\x00\x00\x00\xff\x15\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01'
seed igmp mld-v2-query '\x82\x00\x00\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x7d\x00\x00'
seed igmp mld-v2-report '\x8f\x00\x00\x00\x00\x00\x00\x01\x01\x00\x00\x01\xff\x3e\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x09'
seed igmp v1-query '\x11\x00\xee\xff\x00\x00\x00\x00'
seed igmp v2-leave '\x17\x00\xf7\xfa\xef\x01\x02\x03'
seed igmp v2-query '\x11\x64\xee\x9b\x00\x00\x00\x00'
seed igmp v2-report '\x16\x00\xf8\xfa\xef\x01\x02\x03'
seed igmp v3-gs-query '\x11\x89\xf0\xe8\xe8\x01\x01\x01\x0a\x89\x00\x01\x0a\x00\x00\x01'
seed igmp v3-query '\x11\x64\xec\x1e\x00\x00\x00\x00\x02\x7d\x00\x00'
seed igmp v3-report '\x22\x00\xf6\xf2\x00\x00\x00\x02\x02\x00\x00\x00\xef\x01\x02\x03\x01\x01\x00\x01\xe8\x01\x01\x01\x0a\x00\x00\x01\x00\x00\x00\x00'
# Beacon messages (docs/BEACON.md): a hello, a report with known and
# unknown values, an entry about the sender itself, a truncated entry, more
# entries than tracked, another version.
python3 - <<'PY'
import struct
def fnv(b):
    h = 0xcbf29ce484222325
    for c in b:
        h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
    return h
def hdr(name, n, ttl=8, ms=5000):
    return b'MCWB' + bytes([1, 0, ttl, len(name)]) + struct.pack('>QIH', fnv(name), ms, n) + name
def ent(name, r, l, dup=0, ro=0, mean=-2**31, mx=-2**31, j=0xffffffff, h=255):
    return struct.pack('>QIIIIiiIBB', fnv(name), r, l, dup, ro, mean, mx, j, h, len(name)) + name
seeds = {
    'hello': hdr(b'alpha', 0),
    'report': hdr(b'alpha', 2) + ent(b'beta', 500, 7, 1, 2, 250, 1200, 31, 1) + ent(b'gamma', 1, 0),
    'selfentry': hdr(b'alpha', 1) + ent(b'alpha', 5, 5),
    'truncated': (hdr(b'alpha', 2) + ent(b'beta', 1, 1))[:-3],
    'toomany': hdr(b'a', 65) + ent(b'b', 1, 1) * 3,
    'v2': b'MCWB\x02' + hdr(b'x', 0)[5:],
}
for name, data in seeds.items():
    with open('corpus/beacon/' + name, 'wb') as f:
        f.write(data)
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
