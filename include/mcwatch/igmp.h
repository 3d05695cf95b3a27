/*
 * IGMP (v1, v2, v3: RFC 1112, 2236, 3376) and MLD (v1, v2: RFC 2710, 3810)
 * messages, decoded from the bytes a raw socket hands over. Every field
 * comes from the network and is hostile: lengths are checked before each
 * read, counts are bounded by the bytes present, and a message that does
 * not fit its type is refused with -EBADMSG rather than guessed at.
 * Pure: no sockets.
 */
#ifndef MCWATCH_IGMP_H
#define MCWATCH_IGMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcwatch/addr.h"

enum mcw_igmp_type {
  MCW_IGMP_QUERY,
  MCW_IGMP_REPORT,
  MCW_IGMP_LEAVE, /* IGMPv2 leave, MLDv1 done */
};

/* A v3 / MLDv2 report's group record types (RFC 3376 4.2.12). */
enum {
  MCW_IGMP_MODE_IS_INCLUDE = 1,
  MCW_IGMP_MODE_IS_EXCLUDE = 2,
  MCW_IGMP_CHANGE_TO_INCLUDE = 3,
  MCW_IGMP_CHANGE_TO_EXCLUDE = 4,
  MCW_IGMP_ALLOW_NEW = 5,
  MCW_IGMP_BLOCK_OLD = 6,
};

#define MCW_IGMP_RECORDS_MAX 16 /* records kept per report; more counted */

struct mcw_igmp_record {
  uint8_t type;      /* MCW_IGMP_MODE_IS_INCLUDE... */
  uint16_t nsources; /* sources listed */
  struct mcw_addr group;
};

struct mcw_igmp_msg {
  int family; /* AF_INET: IGMP, AF_INET6: MLD */
  enum mcw_igmp_type type;
  int version; /* IGMP 1, 2, 3; MLD 1, 2 */
  /* Queries: the group asked about; unset (family 0) for a general one. */
  struct mcw_addr group;
  bool general;         /* a general query */
  uint32_t max_resp_ms; /* queries: maximum response time */
  /* v3 / MLDv2 queries only (0 elsewhere). */
  bool suppress;  /* S flag */
  uint8_t qrv;    /* querier's robustness variable; 0: not carried */
  uint32_t qqi_s; /* querier's query interval; 0: not carried */
  uint16_t nsources;
  /* v3 / MLDv2 reports: the group records (the first MCW_IGMP_RECORDS_MAX). */
  size_t nrecords; /* records in the message */
  struct mcw_igmp_record records[MCW_IGMP_RECORDS_MAX];
};

/*
 * Decodes one IGMP message (no IP header) of len bytes into m. Returns 0,
 * -EBADMSG when it is short, inconsistent or of a group it should not
 * carry, or -ENOMSG for a type that is not a query, report or leave.
 */
int mcw_igmp_decode(const uint8_t *p, size_t len, struct mcw_igmp_msg *m);

/* Decodes one MLD message (ICMPv6, no IPv6 header); as mcw_igmp_decode. */
int mcw_mld_decode(const uint8_t *p, size_t len, struct mcw_igmp_msg *m);

/*
 * Decodes an IPv4 packet as a raw IPPROTO_IGMP socket delivers it: checks
 * the header (version, length, protocol 2), fills src and dst, then the
 * IGMP message. Returns as mcw_igmp_decode.
 */
int mcw_igmp_decode_ip4(const uint8_t *pkt, size_t len, struct mcw_addr *src,
                        struct mcw_addr *dst, struct mcw_igmp_msg *m);

/*
 * An 8-bit IGMPv3 code (Max Resp Code, QQIC; MLDv2 QQIC) as its value:
 * below 128 itself, else (mant | 0x10) << (exp + 3) (RFC 3376 4.1.1).
 */
uint32_t mcw_igmp_code8(uint8_t code);

/* MLDv2's 16-bit Maximum Response Code in ms (RFC 3810 5.1.3). */
uint32_t mcw_mld_code16(uint16_t code);

/* "query", "report" or "leave". */
const char *mcw_igmp_type_name(enum mcw_igmp_type t);

#endif
