/*
 * RTP header parsing. The 12-byte fixed header is read byte by byte; the
 * CSRC list, the header extension (its length in 32-bit words at offset 2
 * of the extension) and the padding count in the last byte are checked
 * against the datagram before the payload bounds are given out.
 */
#include "mcwatch/rtp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t clock_set[128]; /* --clock PT=HZ, process-wide */

int mcw_rtp_parse(const uint8_t *d, size_t caplen, size_t len,
                  struct mcw_rtp *out) {
  size_t off, pad = 0;

  memset(out, 0, sizeof(*out));
  if (len < caplen)
    len = caplen;
  if (caplen < 2 || (d[0] >> 6) != 2)
    return -EINVAL;
  /* RTCP shares the version bits: packet types 192 to 223 (RFC 5761). */
  if (d[1] >= 192 && d[1] <= 223)
    return -ENOMSG;
  if (caplen < 12)
    return -EINVAL;
  out->marker = (d[1] & 0x80) != 0;
  out->pt = d[1] & 0x7f;
  out->seq = (uint16_t)((unsigned)d[2] << 8 | d[3]);
  out->ts =
      (uint32_t)d[4] << 24 | (uint32_t)d[5] << 16 | (uint32_t)d[6] << 8 | d[7];
  out->ssrc = (uint32_t)d[8] << 24 | (uint32_t)d[9] << 16 |
              (uint32_t)d[10] << 8 | d[11];
  out->csrcs = d[0] & 0x0f;
  off = 12 + 4 * (size_t)out->csrcs;
  if (d[0] & 0x10) { /* header extension */
    if (caplen < off + 4)
      return -EINVAL;
    off += 4 + 4 * (size_t)((unsigned)d[off + 2] << 8 | d[off + 3]);
  }
  if (off > len)
    return -EINVAL;
  if (d[0] & 0x20) { /* padding: count in the last byte */
    if (caplen != len || len == 0)
      return -EINVAL;
    pad = d[len - 1];
    if (pad == 0 || pad > len - off)
      return -EINVAL;
  }
  out->payload_off = off;
  out->payload_len = len - off - pad;
  return 0;
}

uint32_t mcw_rtp_clock_rate(uint8_t pt) {
  switch (pt) {
  case 0:  /* PCMU */
  case 3:  /* GSM */
  case 4:  /* G723 */
  case 5:  /* DVI4 */
  case 7:  /* LPC */
  case 8:  /* PCMA */
  case 9:  /* G722 (8000 by RFC 3551's own exception) */
  case 12: /* QCELP */
  case 13: /* CN */
  case 15: /* G728 */
  case 18: /* G729 */
    return 8000;
  case 6: /* DVI4 */
    return 16000;
  case 10: /* L16 stereo */
  case 11: /* L16 mono */
    return 44100;
  case 16: /* DVI4 */
    return 11025;
  case 17: /* DVI4 */
    return 22050;
  default: /* 14 MPA, 25, 26, 28, 31-34 video and MP2T, dynamic 96-127 */
    return 90000;
  }
}

uint32_t mcw_rtp_clock(uint8_t pt) {
  if (pt > 127)
    return 0;
  if (clock_set[pt] != 0)
    return clock_set[pt];
  switch (pt) {
  case 14: /* MPA */
  case 25: /* CelB */
  case 26: /* JPEG */
  case 28: /* nv */
  case 31: /* H261 */
  case 32: /* MPV */
  case 33: /* MP2T */
  case 34: /* H263 */
    return 90000;
  case 1:
  case 2:
  case 19:
  case 20:
  case 21:
  case 22:
  case 23:
  case 24:
  case 27:
  case 29:
  case 30:
    return 0; /* reserved or unassigned */
  default:
    return pt < 35 ? mcw_rtp_clock_rate(pt) : 0;
  }
}

uint32_t mcw_rtp_clock_given(uint8_t pt) {
  return pt > 127 ? 0 : clock_set[pt];
}

int mcw_rtp_clock_set(unsigned pt, uint32_t hz) {
  if (pt > 127 || hz > 1000000000u)
    return -EINVAL;
  clock_set[pt] = hz;
  return 0;
}

int mcw_rtp_clock_parse(const char *s, char *err, size_t n) {
  char *end;
  unsigned long pt, hz;

  errno = 0;
  pt = strtoul(s, &end, 10);
  if (end == s || *end != '=' || s[0] == '-' || pt > 127) {
    snprintf(err, n, "%s: want PT=HZ with a payload type from 0 to 127", s);
    return -EINVAL;
  }
  s = end + 1;
  hz = strtoul(s, &end, 10);
  if (end == s || *end != '\0' || s[0] == '-' || errno != 0 || hz == 0 ||
      hz > 1000000000ul) {
    snprintf(err, n, "%s: want a clock rate from 1 to 1000000000 Hz", s);
    return -EINVAL;
  }
  return mcw_rtp_clock_set((unsigned)pt, (uint32_t)hz);
}
