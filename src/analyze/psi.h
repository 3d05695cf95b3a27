/*
 * Inside the TR 101 290 analyzer: PSI sections (psi.c) for the checks
 * (tr101290.c).
 */
#ifndef MCWATCH_ANALYZE_PSI_H
#define MCWATCH_ANALYZE_PSI_H

#include "mcwatch/tr101290.h"

#define MCW_TS_NULL_PID_TR 0x1fff

/* The slot of pid, made when there is room; NULL otherwise. */
struct mcw_tr_pid *mcw_tr_slot(struct mcw_tr *tr, unsigned pid);
/*
 * Reads the section bytes of packet p of slot s, whose payload starts at
 * off; lost says packets of the PID went missing before it.
 */
void mcw_tr_psi(struct mcw_tr *tr, struct mcw_tr_pid *s, const uint8_t *p,
                size_t off, bool lost, int64_t now_ns);

#endif
