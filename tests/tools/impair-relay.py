#!/usr/bin/env python3
"""An impairing relay for the tests: reads IPv4 UDP multicast frames to
PORT arriving on IN_IF (AF_PACKET) and writes them out of OUT_IF, after
dropping, duplicating and reordering a known set of them, chosen with a
fixed seed. Nothing is forwarded otherwise (the middle namespace has no
bridge and no multicast routes), so what it writes is all the receiver
gets.

Per stream (destination group and port), datagram i (0-based, in arrival
order) may be: dropped; duplicated (written twice in a row); or swapped
with the next (held, the next written, then it). The events sit at
positions FIRST, FIRST+5, ... below LAST, so no two touch, and none
touches the first datagrams (they confirm RTP) nor the last (after which
no gap can show).

When the streams have been idle for IDLE seconds it prints one JSON line
per stream with what it did and the truth that follows:
  in, out         datagrams read and written
  dropped, duplicated, reordered   events done (a swap makes one late)
  cc_arrival      MPEG-TS continuity errors in what was written, in the
                  order written (what a TS-in-UDP receiver must count)
  cc_ordered      the same over the written datagrams taken once each in
                  the original order (what a TS-in-RTP receiver with a
                  reorder buffer must count)
The continuity rules are ISO/IEC 13818-1 2.4.3.3: the counter steps by
one per packet with payload, stays put without one, one duplicate packet
is allowed, a discontinuity indicator or the first packet of a PID sets
it, the null PID and adaptation_field_control 0 carry no meaning.

  impair-relay.py a0 a1 5004 --seed 7 --each 4 --first 20 --last 120
"""
import argparse
import json
import random
import select
import socket
import sys
import time

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4


class CC:
    """A continuity counter check over 188-byte packets."""

    def __init__(self):
        self.pids = {}
        self.errors = 0

    def feed(self, payload):
        if len(payload) % 188 or not payload or payload[0] != 0x47:
            return
        for o in range(0, len(payload), 188):
            p = payload[o:o + 188]
            pid = ((p[1] & 0x1F) << 8) | p[2]
            afc = (p[3] >> 4) & 3
            cc = p[3] & 0x0F
            if pid == 0x1FFF or afc == 0:
                continue
            disc = (afc & 2) and p[4] > 0 and (p[5] & 0x80)
            st = self.pids.get(pid)
            if st is None or disc:
                self.pids[pid] = [cc, False]
                continue
            if not afc & 1:  # no payload: the counter must not move
                if cc != st[0]:
                    self.errors += 1
                    self.pids[pid] = [cc, False]
                continue
            if cc == st[0]:  # one duplicate is allowed
                if st[1]:
                    self.errors += 1
                st[1] = True
                continue
            if cc != (st[0] + 1) % 16:
                self.errors += 1
            self.pids[pid] = [cc, False]


def with_checksum(frame, ihl):
    """The frame with its UDP checksum computed: a frame read off a veth may
    carry only the partial sum that checksum offload would have finished."""
    ip = frame[14:]
    udp = bytearray(ip[ihl:ihl + int.from_bytes(ip[2:4], "big") - ihl])
    udp[6:8] = b"\0\0"
    data = bytes(ip[12:20]) + bytes([0, 17]) + len(udp).to_bytes(2, "big") + udp
    if len(data) % 2:
        data += b"\0"
    total = sum(int.from_bytes(data[k:k + 2], "big") for k in range(0, len(data), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    total = ~total & 0xFFFF or 0xFFFF
    udp[6:8] = total.to_bytes(2, "big")
    return frame[:14 + ihl] + bytes(udp) + frame[14 + ihl + len(udp):]


def ts_of(udp_payload):
    """The MPEG-TS bytes of a datagram: itself, or an RTP packet's payload."""
    if udp_payload[:1] == b"\x47":
        return udp_payload
    if len(udp_payload) >= 12 and udp_payload[0] >> 6 == 2:
        off = 12 + 4 * (udp_payload[0] & 0x0F)
        if udp_payload[0] & 0x10 and len(udp_payload) >= off + 4:
            off += 4 + 4 * int.from_bytes(udp_payload[off + 2:off + 4], "big")
        return udp_payload[off:]
    return b""


class Stream:
    """One group and port: its plan, its counts and its truth."""

    def __init__(self, key, args):
        rng = random.Random("%d/%s" % (args.seed, key))
        slots = rng.sample(range(args.first, args.last, 5), 3 * args.each)
        self.drop = set(slots[:args.each])
        self.dup = set(slots[args.each:2 * args.each])
        self.swap = set(slots[2 * args.each:])
        self.key = key
        self.n = 0
        self.out = 0
        self.done = {"dropped": 0, "duplicated": 0, "reordered": 0}
        self.held = None
        self.arrival = CC()
        self.written = {}  # original index -> TS bytes

    def write(self, sock, frame, index, ts):
        sock.send(frame)
        self.out += 1
        self.arrival.feed(ts)
        self.written[index] = ts

    def take(self, sock, frame, ts):
        i = self.n
        self.n += 1
        if self.held is not None:
            self.write(sock, frame, i, ts)
            self.write(sock, *self.held)
            self.held = None
            self.done["reordered"] += 1
        elif i in self.drop:
            self.done["dropped"] += 1
        elif i in self.dup:
            self.write(sock, frame, i, ts)
            self.write(sock, frame, i, ts)
            self.done["duplicated"] += 1
        elif i in self.swap:
            self.held = (frame, i, ts)
        else:
            self.write(sock, frame, i, ts)

    def flush(self, sock):
        if self.held is not None:
            self.write(sock, *self.held)
            self.held = None

    def report(self):
        ordered = CC()
        for i in sorted(self.written):
            ordered.feed(self.written[i])
        r = {"stream": self.key, "in": self.n, "out": self.out}
        r.update(self.done)
        r["cc_arrival"] = self.arrival.errors
        r["cc_ordered"] = ordered.errors
        return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("in_if")
    ap.add_argument("out_if")
    ap.add_argument("port", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--each", type=int, default=4, help="events of each kind")
    ap.add_argument("--first", type=int, default=20)
    ap.add_argument("--last", type=int, default=120)
    ap.add_argument("--idle", type=float, default=1.5)
    ap.add_argument("--max-seconds", type=float, default=30)
    args = ap.parse_args()
    if len(range(args.first, args.last, 5)) < 3 * args.each:
        sys.exit("impair-relay: --first..--last is too short for the events")

    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    rx.bind((args.in_if, ETH_P_IP))
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((args.out_if, 0))
    streams = {}
    print("ready", flush=True)
    start = last = time.monotonic()
    while True:
        now = time.monotonic()
        if now - start > args.max_seconds:
            break
        if streams and now - last > args.idle:
            break
        if not select.select([rx], [], [], 0.1)[0]:
            continue
        frame, addr = rx.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING or len(frame) < 14 + 28:
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[0] >> 4 != 4 or ip[9] != 17 or not 224 <= ip[16] <= 239:
            continue
        udp = ip[ihl:ihl + int.from_bytes(ip[2:4], "big") - ihl]
        if int.from_bytes(udp[2:4], "big") != args.port:
            continue
        last = time.monotonic()
        key = "%d.%d.%d.%d:%d" % (*ip[16:20], args.port)
        if key not in streams:
            streams[key] = Stream(key, args)
        streams[key].take(tx, with_checksum(frame, ihl), ts_of(udp[8:]))
    for s in streams.values():
        s.flush(tx)
    for key in sorted(streams):
        print(json.dumps(streams[key].report()), flush=True)


if __name__ == "__main__":
    main()
