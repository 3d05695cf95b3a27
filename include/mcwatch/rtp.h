/*
 * RTP (RFC 3550) fixed header parsing, for stream tracking: version 2,
 * padding, extension, CSRC count, marker, payload type, sequence number,
 * timestamp and SSRC; the payload offset skips CSRCs and the extension.
 */
#ifndef MCWATCH_RTP_H
#define MCWATCH_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mcw_rtp {
  uint8_t pt;
  bool marker;
  uint16_t seq;
  uint32_t ts;
  uint32_t ssrc;
  uint8_t csrcs;
  size_t payload_off; /* where the payload starts */
  size_t payload_len; /* without padding */
};

/*
 * Parses an RTP header from caplen captured bytes of a len-byte datagram.
 * Returns 0; -ENOMSG for RTCP (version 2, packet type 192 to 223: RTCP
 * multiplexed on the RTP port, RFC 5761), which is not malformed RTP; or
 * -EINVAL when it cannot be RTP version 2 (too short, other version,
 * lengths that do not fit).
 */
int mcw_rtp_parse(const uint8_t *data, size_t caplen, size_t len,
                  struct mcw_rtp *out);
/*
 * The RTP clock rate in Hz of payload type pt: the rate RFC 3551 gives for
 * static types, 90000 (video, MPEG-TS) for dynamic and unknown ones. For
 * describing a header; figures use mcw_rtp_clock.
 */
uint32_t mcw_rtp_clock_rate(uint8_t pt);
/*
 * The clock rate in Hz of payload type pt as far as the whole process
 * knows it: one set with mcw_rtp_clock_set (--clock PT=HZ), else RFC
 * 3551's for a static type; 0 for a dynamic (96-127) or unassigned type
 * nobody named. A stream's figures use mcw_stream_clock, which also knows
 * what an SDP said of that stream.
 */
uint32_t mcw_rtp_clock(uint8_t pt);
/* The clock rate --clock gave payload type pt, or 0. */
uint32_t mcw_rtp_clock_given(uint8_t pt);
/*
 * Sets the clock rate of payload type pt for the whole process (--clock
 * PT=HZ; 0 forgets it). A description of one stream (an SDP) names its
 * clocks for that stream alone: mcw_stream_clock_set. Returns 0, or
 * -EINVAL for pt above 127 or hz above 10^9.
 */
int mcw_rtp_clock_set(unsigned pt, uint32_t hz);
/*
 * Parses "PT=HZ" (as --clock takes it) and sets it; on error fills err
 * with a sentence and returns -EINVAL.
 */
int mcw_rtp_clock_parse(const char *s, char *err, size_t n);

#endif
