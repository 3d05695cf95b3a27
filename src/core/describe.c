/*
 * Plain-words descriptions of one datagram's stream header, for the
 * inspector: the decoded probe, RTP, MPEG-TS, mcjoin or msend fields. It
 * looks only at the captured bytes and shows numbers, never payload text,
 * so nothing here needs escaping.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mcwatch/foreign.h"
#include "mcwatch/mpegts.h"
#include "mcwatch/probe.h"
#include "mcwatch/rtp.h"
#include "mcwatch/stream.h"

/* Appends the first TS packet's fields. */
static void ts_first(const uint8_t *p, size_t len, char *buf, size_t n) {
  size_t used = strlen(buf);
  unsigned pid = ((unsigned)(p[1] & 0x1f) << 8) | p[2];

  snprintf(buf + used, n - used,
           "MPEG-TS: %zu packet%s; first PID 0x%04x (%u), CC %u, "
           "adaptation %u, payload start %u",
           len / MCW_TS_PACKET, len / MCW_TS_PACKET == 1 ? "" : "s", pid, pid,
           p[3] & 0x0f, (p[3] >> 5) & 1, (p[1] >> 6) & 1);
}

char *mcw_stream_describe(const uint8_t *d, size_t caplen, size_t len,
                          char *buf, size_t n) {
  struct mcw_probe p;
  struct mcw_rtp h;
  struct mcw_msend m;
  uint32_t pid;
  uint64_t count;
  int r;

  buf[0] = '\0';
  if (n == 0)
    return buf;
  if (mcw_probe_magic(d, caplen)) {
    r = mcw_probe_decode(d, caplen, len, &p);
    if (r < 0)
      snprintf(buf, n,
               "mcwatch probe, malformed (version %u, header %u bytes, "
               "datagram %zu bytes)",
               caplen > 4 ? d[4] : 0, caplen >= 8 ? (d[6] << 8 | d[7]) : 0,
               len);
    else
      snprintf(buf, n,
               "mcwatch probe v%u: sender %08" PRIx32 ", seq %" PRIu64
               ", sent %" PRIu64 ".%09" PRIu64
               " s, text %u bytes, flags 0x%02x",
               p.version, p.sender_id, p.seq, p.send_ns / 1000000000u,
               p.send_ns % 1000000000u, p.text_len, p.flags);
    return buf;
  }
  if (mcw_mcjoin_parse(d, caplen, &pid, &count) == 0) {
    snprintf(buf, n, "mcjoin: PID %" PRIu32 ", count %" PRIu64, pid, count);
    return buf;
  }
  if (mcw_msend_parse(d, caplen, &m) == 0) {
    if (m.type == MCW_MSEND_DATA)
      snprintf(buf, n, "msend: message number %s (%s)", m.digits,
               m.has_hex_letter ? "hex" : "hex, or decimal with -d");
    else
      snprintf(buf, n, "msend: control message");
    return buf;
  }
  if (caplen == len && mcw_ts_looks(d, caplen)) {
    ts_first(d, caplen, buf, n);
    return buf;
  }
  if (mcw_rtp_parse(d, caplen, len, &h) == 0) {
    size_t used;
    snprintf(buf, n,
             "RTP (if it is RTP): PT %u (%" PRIu32 " Hz), seq %u, timestamp "
             "%" PRIu32 ", SSRC %08" PRIx32 ", marker %u, CSRCs %u, payload "
             "%zu bytes",
             h.pt, mcw_rtp_clock_rate(h.pt), h.seq, h.ts, h.ssrc,
             h.marker ? 1 : 0, h.csrcs, h.payload_len);
    if (h.payload_off + h.payload_len <= caplen &&
        mcw_ts_looks(d + h.payload_off, h.payload_len)) {
      used = strlen(buf);
      snprintf(buf + used, n - used, "; ");
      ts_first(d + h.payload_off, h.payload_len, buf, n);
    }
  }
  return buf;
}
