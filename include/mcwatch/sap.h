/*
 * Session Announcement Protocol packets (RFC 2974): the header a SAP
 * announcer multicasts to 224.2.127.254:9875 (and the other scopes) in
 * front of a session description. A pure decoder of hostile bytes: it
 * reads and checks the header and points at the payload, and refuses what
 * mcwatch does not read (another version, encrypted or compressed
 * payloads, a payload type other than application/sdp) with a reason.
 */
#ifndef MCWATCH_SAP_H
#define MCWATCH_SAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcwatch/addr.h"

#define MCW_SAP_PORT 9875
#define MCW_SAP_V4_GLOBAL "224.2.127.254"
#define MCW_SAP_V4_ADMIN "239.255.255.255"
#define MCW_SAP_V6_GROUP "::2:7ffe" /* after ff0X, X the scope */

/* Why a packet was refused (and counted); 0 is "not refused". */
enum mcw_sap_refusal {
  MCW_SAP_OK = 0,
  MCW_SAP_SHORT,      /* shorter than its header says */
  MCW_SAP_VERSION,    /* V is not 1 */
  MCW_SAP_ENCRYPTED,  /* E set: mcwatch has no key */
  MCW_SAP_COMPRESSED, /* C set: zlib payloads are not read */
  MCW_SAP_TYPE,       /* a payload type other than application/sdp */
  MCW_SAP_SDP,        /* the description does not parse or names no media */
  MCW_SAP_FULL,       /* the directory is full: a new session was dropped */
  MCW_SAP_REFUSALS    /* how many kinds */
};

struct mcw_sap_packet {
  unsigned version;       /* V: 1 for RFC 2974 */
  bool deletion;          /* T: 1 deletes the session, 0 announces it */
  bool encrypted;         /* E */
  bool compressed;        /* C */
  unsigned auth_words;    /* authentication data, in 32-bit words */
  uint16_t hash;          /* message identifier hash */
  struct mcw_addr origin; /* originating source (A: IPv4 or IPv6) */
  const uint8_t *payload; /* the description, after the optional type */
  size_t payload_len;
};

/*
 * Decodes buf into p (payload points into buf). Returns MCW_SAP_OK, or the
 * refusal that says why the packet is not read.
 */
enum mcw_sap_refusal mcw_sap_decode(const uint8_t *buf, size_t len,
                                    struct mcw_sap_packet *p);
/* The refusal's name in counters and JSON ("compressed"...). */
const char *mcw_sap_refusal_name(enum mcw_sap_refusal r);

#endif
