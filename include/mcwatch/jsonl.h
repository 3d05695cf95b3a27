/*
 * The headless output: one JSON object per line for each event. These
 * functions only render into a buffer (no I/O), so tests can check the
 * exact text. The schema is documented in docs/JSON.md.
 */
#ifndef MCWATCH_JSONL_H
#define MCWATCH_JSONL_H

#include <stdbool.h>
#include <stdint.h>

#include "mcwatch/datagram.h"
#include "mcwatch/alarm.h"
#include "mcwatch/group.h"
#include "mcwatch/json.h"

/* Renders a datagram event; preview is the number of payload bytes shown. */
void mcw_jsonl_datagram(struct mcw_json *j, const struct mcw_group *g,
                        const struct mcw_datagram *d, const char *ifname,
                        uint32_t preview);
/* Renders a stats event for g at wall time now_ns; output_dropped is the
   number of output lines dropped so far (a figure of the whole process). */
void mcw_jsonl_stats(struct mcw_json *j, const struct mcw_group *g,
                     const struct mcw_group_stats *st, uint64_t output_dropped,
                     int64_t now_ns);
/* Renders a join, leave, error or warning event (g may be NULL). */
void mcw_jsonl_event(struct mcw_json *j, const char *type,
                     const struct mcw_group *g, const char *message,
                     int64_t now_ns);
/* Renders an interface change: iface, ifindex, change, address, message. */
void mcw_jsonl_iface(struct mcw_json *j, const char *iface, unsigned ifindex,
                     const char *change, const struct mcw_addr *addr,
                     const char *message, int64_t now_ns);
/* Writes "time" (ISO 8601 UTC, microseconds) and "ts" (epoch seconds). */
void mcw_jsonl_time(struct mcw_json *j, int64_t ns);
/* Writes the fields that name g: endpoint, group, port, source, iface. */
void mcw_jsonl_group_fields(struct mcw_json *j, const struct mcw_group *g);
/* Writes g's figures (packets, bytes, rates, senders...) as fields. */
void mcw_jsonl_figures(struct mcw_json *j, const struct mcw_group *g,
                       const struct mcw_group_stats *st);

/*
 * Opens an alarm line: {"event":"alarm", time, "state":"raised"|"cleared",
 * "alarm":name; the caller adds what the alarm is about and closes it.
 */
void mcw_jsonl_alarm_open(struct mcw_json *j, bool raised, const char *name,
                          int64_t now_ns);
/*
 * An alarm raised or cleared: {"event":"alarm","state":"raised"|"cleared",
 * "alarm":KIND, group fields, "why", "since" and, when cleared,
 * "duration_s" and "lost"}.
 */
void mcw_jsonl_alarm(struct mcw_json *j, const struct mcw_group *g,
                     const struct mcw_alarm_event *ev, int64_t now_ns);
/* "outages": the log's entries of owner (a group), oldest first. */
void mcw_jsonl_outages(struct mcw_json *j, const struct mcw_outage_log *log,
                       const void *owner);

#endif
