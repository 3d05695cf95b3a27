/*
 * JSON lines of the IGMP/MLD watcher (docs/JSON.md): "igmp" for each
 * message heard, "querier" when the elected querier or its timers change,
 * and "alarm" for the querier alarms (with "iface", no group). Rendering
 * only: no I/O.
 */
#ifndef MCWATCH_IGMPJSON_H
#define MCWATCH_IGMPJSON_H

#include <stdint.h>

#include "mcwatch/igmp.h"
#include "mcwatch/json.h"
#include "mcwatch/querier.h"

/* {"event":"igmp","type":"query"|"report"|"leave",...} for m from src. */
void mcw_jsonl_igmp(struct mcw_json *j, const struct mcw_igmp_link *l,
                    const struct mcw_igmp_msg *m, const struct mcw_addr *src,
                    bool self, int64_t now_ns);

/* {"event":"querier","iface":...,"address":...,"version":N,...}. */
void mcw_jsonl_querier(struct mcw_json *j, const struct mcw_igmp_link *l,
                       int64_t now_ns);

/* {"event":"alarm","alarm":"no-querier",...,"iface":...}. */
void mcw_jsonl_querier_alarm(struct mcw_json *j, const struct mcw_igmp_link *l,
                             const struct mcw_querier_event *ev,
                             int64_t now_ns);

/* "is_include", "is_exclude", "to_include", "to_exclude", "allow",
 * "block". */
const char *mcw_igmp_record_name(uint8_t type);

#endif
