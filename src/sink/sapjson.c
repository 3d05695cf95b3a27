/*
 * JSON lines for SAP discovery (see sapjson.h). Every text from the
 * network (the session name, the o= owner, media names) goes through
 * mcw_json_str, which escapes it.
 */
#include "mcwatch/sapjson.h"

#include "mcwatch/jsonl.h"

const char *mcw_sap_state_name(enum mcw_sap_state st) {
  return st == MCW_SAP_ANNOUNCED ? "announced"
         : st == MCW_SAP_DELETED ? "deleted"
                                 : "expired";
}

void mcw_jsonl_sap_session(struct mcw_json *j, const struct mcw_sap_session *s,
                           enum mcw_sap_state st, int64_t now_ns) {
  char ep[128], addr[INET6_ADDRSTRLEN + 8];

  mcw_json_open(j);
  mcw_json_key(j, "event");
  mcw_json_str(j, "session");
  mcw_json_key(j, "state");
  mcw_json_str(j, mcw_sap_state_name(st));
  mcw_jsonl_time(j, now_ns);
  mcw_json_key(j, "name");
  mcw_json_str(j, s->name);
  mcw_json_key(j, "endpoint");
  mcw_json_str(j, mcw_sap_media_endpoint(&s->media[0], ep, sizeof(ep)));
  mcw_json_key(j, "media");
  mcw_json_str(j, s->media[0].type);
  mcw_json_key(j, "source");
  if (s->media[0].source[0] != '\0')
    mcw_json_str(j, s->media[0].source);
  else
    mcw_json_null(j);
  if (s->media[0].clock != 0) {
    mcw_json_key(j, "rtpmap");
    mcw_json_open(j);
    mcw_json_key(j, "pt");
    mcw_json_u64(j, s->media[0].pt);
    mcw_json_key(j, "clock_hz");
    mcw_json_u64(j, s->media[0].clock);
    mcw_json_close(j);
  }
  mcw_json_key(j, "origin");
  mcw_json_str(j, mcw_addr_format(&s->origin, addr, sizeof(addr)));
  mcw_json_key(j, "owner");
  mcw_json_str(j, s->owner);
  mcw_json_key(j, "hash");
  mcw_json_u64(j, s->hash);
  mcw_json_key(j, "endpoints");
  mcw_json_open_array(j);
  for (unsigned i = 0; i < s->nmedia; i++) {
    mcw_json_open(j);
    mcw_json_key(j, "media");
    mcw_json_str(j, s->media[i].type);
    mcw_json_key(j, "endpoint");
    mcw_json_str(j, mcw_sap_media_endpoint(&s->media[i], ep, sizeof(ep)));
    mcw_json_close(j);
  }
  mcw_json_close_array(j);
  mcw_json_close(j);
}

void mcw_jsonl_sap_counts(struct mcw_json *j, const struct mcw_sapdir *d) {
  mcw_json_key(j, "sap");
  mcw_json_open(j);
  mcw_json_key(j, "packets");
  mcw_json_u64(j, d->packets);
  mcw_json_key(j, "sessions");
  mcw_json_u64(j, d->n);
  mcw_json_key(j, "announced");
  mcw_json_u64(j, d->announced);
  mcw_json_key(j, "deleted");
  mcw_json_u64(j, d->deleted);
  mcw_json_key(j, "expired");
  mcw_json_u64(j, d->expired);
  mcw_json_key(j, "refused");
  mcw_json_open(j);
  for (int r = 1; r < MCW_SAP_REFUSALS; r++) {
    mcw_json_key(j, mcw_sap_refusal_name((enum mcw_sap_refusal)r));
    mcw_json_u64(j, d->refused[r]);
  }
  mcw_json_close(j);
  mcw_json_close(j);
}
