/*
 * The headless lines of SAP discovery (docs/JSON.md): a session announced,
 * deleted or expired, and the directory's counters for the summary. Only
 * rendering into a buffer, so tests can check the exact text.
 */
#ifndef MCWATCH_SAPJSON_H
#define MCWATCH_SAPJSON_H

#include <stdint.h>

#include "mcwatch/json.h"
#include "mcwatch/sapdir.h"

/* The state's name: "announced", "deleted" or "expired". */
const char *mcw_sap_state_name(enum mcw_sap_state st);
/*
 * {"event":"session","state":...,"time":...,"name":...,"endpoint":...,
 * "media":...,"source":...,"origin":...,"owner":...,"hash":...,
 * "endpoints":[...]}: one line's object (without the newline).
 */
void mcw_jsonl_sap_session(struct mcw_json *j, const struct mcw_sap_session *s,
                           enum mcw_sap_state st, int64_t now_ns);
/* "sap": the directory's counters (packets, sessions, refused by kind). */
void mcw_jsonl_sap_counts(struct mcw_json *j, const struct mcw_sapdir *d);

#endif
