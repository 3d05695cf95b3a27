/*
 * JSON lines of the IGMP/MLD watcher (see igmpjson.h). Addresses and
 * interface names go through the JSON writer's escaping like every other
 * text from outside.
 */
#include <sys/socket.h>

#include "mcwatch/igmpjson.h"
#include "mcwatch/jsonl.h"

const char *mcw_igmp_record_name(uint8_t type) {
  static const char *const names[] = {"?",          "is_include", "is_exclude",
                                      "to_include", "to_exclude", "allow",
                                      "block"};
  return type <= MCW_IGMP_BLOCK_OLD ? names[type] : "?";
}

static void addr(struct mcw_json *j, const char *key,
                 const struct mcw_addr *a) {
  char s[MCW_ADDRSTRLEN];
  mcw_json_key(j, key);
  if (a->family == 0)
    mcw_json_null(j);
  else
    mcw_json_str(j, mcw_addr_format(a, s, sizeof(s)));
}

static void link_fields(struct mcw_json *j, const struct mcw_igmp_link *l) {
  mcw_json_key(j, "iface");
  mcw_json_str(j, l->iface);
  mcw_json_key(j, "protocol");
  mcw_json_str(j, l->family == AF_INET6 ? "mld" : "igmp");
}

void mcw_jsonl_igmp(struct mcw_json *j, const struct mcw_igmp_link *l,
                    const struct mcw_igmp_msg *m, const struct mcw_addr *src,
                    bool self, int64_t now_ns) {
  mcw_json_open(j);
  mcw_json_key(j, "event");
  mcw_json_str(j, "igmp");
  mcw_jsonl_time(j, now_ns);
  mcw_json_key(j, "type");
  mcw_json_str(j, mcw_igmp_type_name(m->type));
  mcw_json_key(j, "version");
  mcw_json_u64(j, (uint64_t)m->version);
  addr(j, "from", src);
  addr(j, "group", &m->group);
  link_fields(j, l);
  mcw_json_key(j, "self");
  mcw_json_bool(j, self);
  if (m->type == MCW_IGMP_QUERY) {
    mcw_json_key(j, "general");
    mcw_json_bool(j, m->general);
    mcw_json_key(j, "max_resp_s");
    mcw_json_double(j, m->max_resp_ms / 1000.0, 3);
    mcw_json_key(j, "qqi_s");
    if (m->qqi_s != 0)
      mcw_json_u64(j, m->qqi_s);
    else
      mcw_json_null(j);
    mcw_json_key(j, "qrv");
    if (m->qrv != 0)
      mcw_json_u64(j, m->qrv);
    else
      mcw_json_null(j);
    mcw_json_key(j, "sources");
    mcw_json_u64(j, m->nsources);
  } else if (m->nrecords > 0) {
    size_t n =
        m->nrecords < MCW_IGMP_RECORDS_MAX ? m->nrecords : MCW_IGMP_RECORDS_MAX;
    mcw_json_key(j, "records");
    mcw_json_open_array(j);
    for (size_t i = 0; i < n; i++) {
      mcw_json_open(j);
      addr(j, "group", &m->records[i].group);
      mcw_json_key(j, "mode");
      mcw_json_str(j, mcw_igmp_record_name(m->records[i].type));
      mcw_json_key(j, "sources");
      mcw_json_u64(j, m->records[i].nsources);
      mcw_json_close(j);
    }
    mcw_json_close_array(j);
    mcw_json_key(j, "records_total");
    mcw_json_u64(j, m->nrecords);
  }
  mcw_json_close(j);
}

void mcw_jsonl_querier(struct mcw_json *j, const struct mcw_igmp_link *l,
                       int64_t now_ns) {
  mcw_json_open(j);
  mcw_json_key(j, "event");
  mcw_json_str(j, "querier");
  mcw_jsonl_time(j, now_ns);
  link_fields(j, l);
  addr(j, "address", &l->querier);
  mcw_json_key(j, "version");
  mcw_json_u64(j, (uint64_t)l->version);
  mcw_json_key(j, "query_interval_s");
  mcw_json_double(j, l->qi_s, 3);
  mcw_json_key(j, "query_interval_from");
  mcw_json_str(j, mcw_qi_source_name(l->qi_from));
  mcw_json_key(j, "robustness");
  mcw_json_u64(j, l->robustness);
  mcw_json_key(j, "max_resp_s");
  mcw_json_double(j, l->max_resp_s, 3);
  mcw_json_key(j, "membership_interval_s");
  mcw_json_double(j, mcw_igmp_link_membership_s(l), 3);
  mcw_json_key(j, "other_querier_present_s");
  mcw_json_double(j, mcw_igmp_link_oqpi_s(l), 3);
  mcw_json_close(j);
}

void mcw_jsonl_querier_alarm(struct mcw_json *j, const struct mcw_igmp_link *l,
                             const struct mcw_querier_event *ev,
                             int64_t now_ns) {
  mcw_jsonl_alarm_open(j, ev->raised, mcw_querier_alarm_name(ev->kind), now_ns);
  link_fields(j, l);
  mcw_json_key(j, "why");
  mcw_json_str(j, ev->why);
  if (!ev->raised) {
    mcw_json_key(j, "duration_s");
    mcw_json_double(j, ev->duration_s, 3);
  }
  mcw_json_close(j);
}
