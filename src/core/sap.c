/*
 * SAP header decoding (see sap.h). The layout, RFC 2974 section 3:
 *
 *   byte 0   V (3 bits) | A | R | T | E | C
 *   byte 1   authentication length, in 32-bit words
 *   2..3     message identifier hash
 *   4..      originating source: 4 bytes (A=0) or 16 bytes (A=1)
 *   then     authentication data, then an optional payload type (a
 *            NUL-terminated MIME type), then the payload.
 *
 * The payload type is absent when the payload starts with "v=0" (SAPv1
 * announcers never wrote one), or with "o=" in a deletion (which may carry
 * only the origin line); when present it must be application/sdp.
 */
#include "mcwatch/sap.h"

#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define TYPE_MAX 128 /* longest payload type looked for before the NUL */

static bool starts(const uint8_t *b, size_t len, const char *s) {
  size_t n = strlen(s);
  return len >= n && memcmp(b, s, n) == 0;
}

enum mcw_sap_refusal mcw_sap_decode(const uint8_t *buf, size_t len,
                                    struct mcw_sap_packet *p) {
  size_t off, alen;
  const uint8_t *nul;

  memset(p, 0, sizeof(*p));
  if (len < 4)
    return MCW_SAP_SHORT;
  p->version = buf[0] >> 5;
  p->deletion = (buf[0] & 0x04) != 0;
  p->encrypted = (buf[0] & 0x02) != 0;
  p->compressed = (buf[0] & 0x01) != 0;
  p->auth_words = buf[1];
  p->hash = (uint16_t)(buf[2] << 8 | buf[3]);
  if (p->version != 1)
    return MCW_SAP_VERSION;
  alen = buf[0] & 0x10 ? 16 : 4;
  if (len < 4 + alen)
    return MCW_SAP_SHORT;
  p->origin.family = alen == 16 ? AF_INET6 : AF_INET;
  memcpy(p->origin.bytes, buf + 4, alen);
  off = 4 + alen + (size_t)p->auth_words * 4;
  if (off > len)
    return MCW_SAP_SHORT;
  if (p->encrypted)
    return MCW_SAP_ENCRYPTED;
  if (p->compressed)
    return MCW_SAP_COMPRESSED;
  if (!starts(buf + off, len - off, "v=0") &&
      !(p->deletion && starts(buf + off, len - off, "o="))) {
    size_t n = len - off < TYPE_MAX ? len - off : TYPE_MAX;
    nul = memchr(buf + off, '\0', n);
    if (nul == NULL)
      return MCW_SAP_TYPE;
    if ((size_t)(nul - (buf + off)) != strlen("application/sdp") ||
        strncasecmp((const char *)buf + off, "application/sdp", 15) != 0)
      return MCW_SAP_TYPE;
    off = (size_t)(nul - buf) + 1;
  }
  p->payload = buf + off;
  p->payload_len = len - off;
  return MCW_SAP_OK;
}

const char *mcw_sap_refusal_name(enum mcw_sap_refusal r) {
  static const char *const names[MCW_SAP_REFUSALS] = {
      "ok",         "short", "version", "encrypted",
      "compressed", "type",  "sdp",     "full"};
  return (unsigned)r < MCW_SAP_REFUSALS ? names[r] : "?";
}
