/*
 * The session directory: the sessions SAP announcers advertise (RFC 2974),
 * each keyed by its originating source and message identifier hash, with
 * what its description says (name, media, group, port, source) and when
 * it was last heard. Fed decoded packets and a clock; it reports every
 * session announced, deleted (a deletion packet) or expired (not heard
 * for the RFC's implicit timeout), and counts what it refused. Bounded:
 * a full directory refuses new sessions and counts them.
 */
#ifndef MCWATCH_SAPDIR_H
#define MCWATCH_SAPDIR_H

#include <stddef.h>
#include <stdint.h>

#include "mcwatch/addr.h"
#include "mcwatch/sap.h"
#include "mcwatch/sdp.h"

#define MCW_SAPDIR_MAX 1000    /* sessions kept by default */
#define MCW_SAP_MEDIA_MAX 4    /* media kept per session */
#define MCW_SAP_TIMEOUT_S 3600 /* RFC 2974 section 4: one hour at least */
#define MCW_SAP_INTERVALS 10   /* ...or ten announcement intervals */

/* One medium of a session: where it is sent. */
struct mcw_sap_media {
  char type[16]; /* "video", "audio"... (raw bytes) */
  char group[INET6_ADDRSTRLEN];
  char source[INET6_ADDRSTRLEN]; /* a=source-filter, "" when any source */
  unsigned port;
  unsigned pt, clock; /* first a=rtpmap'ed format and its rate, or 0 */
};

struct mcw_sap_session {
  struct mcw_addr origin; /* the SAP header's originating source */
  uint16_t hash;          /* its message identifier hash */
  char name[128];         /* s= (raw bytes: escape before output) */
  char owner[96];         /* o= username, session id, address (raw) */
  struct mcw_sap_media media[MCW_SAP_MEDIA_MAX];
  unsigned nmedia;
  int64_t first_ns, last_ns; /* first and last heard (the caller's clock) */
  int64_t interval_ns;       /* between the last two announcements; 0 */
  uint64_t heard;            /* announcements received */
  unsigned ifindex;          /* the interface it was last heard on, or 0 */
};

enum mcw_sap_state { MCW_SAP_ANNOUNCED, MCW_SAP_DELETED, MCW_SAP_EXPIRED };

struct mcw_sapdir_config {
  size_t max;         /* sessions kept */
  int64_t timeout_ns; /* expiry floor: RFC 2974's one hour, or less */
};

struct mcw_sapdir {
  struct mcw_sapdir_config cfg;
  struct mcw_sap_session *v; /* sessions, in order of first announcement */
  size_t n, cap;
  uint64_t packets;                     /* every packet fed */
  uint64_t announced, deleted, expired; /* reported events */
  uint64_t refused[MCW_SAP_REFUSALS];   /* by reason; [0] unused */
  /* Called for each session announced (new or changed), deleted, expired. */
  void (*on_change)(void *ctx, const struct mcw_sap_session *s,
                    enum mcw_sap_state st);
  void *ctx;
};

/* Fills cfg with the defaults (1000 sessions, one hour). */
void mcw_sapdir_config_default(struct mcw_sapdir_config *cfg);
/* Sets up an empty directory reporting to on_change (may be NULL). */
void mcw_sapdir_init(struct mcw_sapdir *d, const struct mcw_sapdir_config *cfg,
                     void (*on_change)(void *ctx,
                                       const struct mcw_sap_session *s,
                                       enum mcw_sap_state st),
                     void *ctx);
/* Frees the sessions. */
void mcw_sapdir_free(struct mcw_sapdir *d);
/*
 * Feeds one SAP packet heard at now_ns on interface ifindex (0 when not
 * known). Returns MCW_SAP_OK or the reason
 * it was refused (already counted in d->refused).
 */
enum mcw_sap_refusal mcw_sapdir_feed(struct mcw_sapdir *d, const uint8_t *buf,
                                     size_t len, unsigned ifindex,
                                     int64_t now_ns);
/* When session s expires unless heard again. */
int64_t mcw_sapdir_deadline(const struct mcw_sapdir *d,
                            const struct mcw_sap_session *s);
/* Drops and reports the sessions whose deadline passed; how many. */
size_t mcw_sapdir_expire(struct mcw_sapdir *d, int64_t now_ns);
/*
 * Writes medium m of s as an endpoint, "239.1.1.1:5004", "[ff15::1]:5004"
 * or "232.1.1.1:5004@10.0.0.5"; returns buf.
 */
const char *mcw_sap_media_endpoint(const struct mcw_sap_media *m, char *buf,
                                   size_t len);

#endif
