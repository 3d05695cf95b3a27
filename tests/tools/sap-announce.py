#!/usr/bin/env python3
"""A SAP announcer for the tests, built from RFC 2974 section 3's layout
(not from mcwatch's code): V=1, A, R, T, E, C flags, authentication
length, message identifier hash, originating source, optional payload type
"application/sdp" and the SDP text. Sends COUNT packets INTERVAL seconds
apart to GROUP:PORT out of IFACE. Options make the packets hostile on
purpose: another version, the E or C flag, garbage, a huge payload.

  sap-announce.py --iface lo --hash 4660 --name News --media 239.1.1.1:5004
  sap-announce.py --iface lo --hash 4660 --delete
  sap-announce.py --iface lo --garbage 100       (100 random datagrams)
"""
import argparse
import ipaddress
import os
import random
import socket
import struct
import time


def sdp_text(a):
    grp, port = a.media.rsplit(':', 1)
    grp = grp.strip('[]')
    v6 = ':' in grp
    ip = 'IP6' if v6 else 'IP4'
    lines = ['v=0', f'o={a.user} {a.session_id} {a.version_no} IN IP4 {a.origin}',
             f's={a.name}', f'c=IN {ip} {grp}' + ('' if v6 else '/32'), 't=0 0',
             f'm={a.kind} {port} RTP/AVP {a.pt}']
    if a.rtpmap:
        lines.append(f'a=rtpmap:{a.pt} {a.rtpmap}')
    if a.source:
        lines.append(f'a=source-filter: incl IN {ip} {grp} {a.source}')
    # The name holds raw bytes as latin-1 characters (see main).
    return ('\r\n'.join(lines) + '\r\n').encode('latin-1')


def packet(a, payload, flags=0, version=1):
    origin = ipaddress.ip_address(a.origin)
    if origin.version == 6:
        flags |= 0x10
    head = bytes([version << 5 | flags, 0]) + struct.pack('>H', a.hash)
    head += origin.packed
    if a.typed:
        head += b'application/sdp\0'
    return head + payload


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--group', default='224.2.127.254')
    p.add_argument('--port', type=int, default=9875)
    p.add_argument('--iface', default='lo')
    p.add_argument('--hash', type=int, default=0x1234)
    p.add_argument('--origin', default='10.0.0.5')
    p.add_argument('--name', default='Test session')
    p.add_argument('--media', default='239.1.1.1:5004')
    p.add_argument('--kind', default='video')
    p.add_argument('--pt', type=int, default=33)
    p.add_argument('--rtpmap', default='')
    p.add_argument('--source', default='')
    p.add_argument('--user', default='tester')
    p.add_argument('--session-id', default='', help='default: the hash')
    p.add_argument('--version-no', default='1')
    p.add_argument('--typed', action='store_true', help='write the payload type')
    p.add_argument('--delete', action='store_true')
    p.add_argument('--sap-version', type=int, default=1)
    p.add_argument('--encrypted', action='store_true')
    p.add_argument('--compressed', action='store_true')
    p.add_argument('--garbage', type=int, default=0,
                   help='send this many random datagrams instead')
    p.add_argument('--huge', action='store_true',
                   help='a 60000-byte description')
    p.add_argument('--count', type=int, default=1)
    p.add_argument('--interval', type=float, default=0.1)
    a = p.parse_args()
    a.session_id = a.session_id or str(a.hash)
    # Backslash escapes (\x1b, \xc2\x9b) become those bytes in the SDP.
    a.name = a.name.encode('utf-8', 'surrogateescape').decode('unicode_escape')

    v6 = ':' in a.group
    s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
    idx = socket.if_nametoindex(a.iface)
    if v6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 1)
    else:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                     struct.pack('=4s4si', b'\0' * 4, b'\0' * 4, idx))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    dest = (a.group, a.port, 0, idx) if v6 else (a.group, a.port)

    rnd = random.Random(2974)
    for i in range(a.count):
        if a.garbage:
            for _ in range(a.garbage):
                s.sendto(bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 600))), dest)
            # and garbage behind a valid header: V=1, hash, origin, junk SDP
            s.sendto(packet(a, b'v=0\r\n' + os.urandom(200)), dest)
            continue
        flags = 0
        if a.delete:
            flags |= 0x04
            payload = f'o={a.user} {a.session_id} {a.version_no} IN IP4 {a.origin}\r\n'.encode()
        else:
            payload = sdp_text(a)
        if a.huge:
            payload += b'a=x-pad:' + b'y' * 60000 + b'\r\n'
        if a.encrypted:
            flags |= 0x02
        if a.compressed:
            import zlib
            flags |= 0x01
            payload = zlib.compress(payload)
        s.sendto(packet(a, payload, flags, a.sap_version), dest)
        if i + 1 < a.count:
            time.sleep(a.interval)


if __name__ == '__main__':
    main()
