/*
 * ETSI TR 101 290 measurements on one MPEG transport stream, over IP:
 * priority 1 in full and the priority 2 checks that mean something after a
 * network (docs/TS.md gives each definition and threshold). Also what the
 * stream carries: programs from the PAT and PMTs (PIDs with their stream
 * types) and the first service's provider and service names from the SDT.
 *
 * The TS checker (mpegts.c) hands over every packet it checks, with its
 * arrival time and whether its continuity counter was wrong. Per-PID
 * detail is kept for the first MCW_TR_PIDS PIDs seen; further PIDs are
 * counted in the stream's totals only. Section buffers (1 KB) are made
 * for PSI PIDs as they appear. Nothing allocates per packet.
 */
#ifndef MCWATCH_TR101290_H
#define MCWATCH_TR101290_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcwatch/mdi.h"

#define MCW_TR_PIDS 32
#define MCW_TR_PROGRAMS 8
#define MCW_TR_NAME 64
#define MCW_TR_SECTION 1024u /* PSI sections we read (PAT, CAT, PMT, SDT) */

/* Thresholds, nanoseconds (TR 101 290 section 5.2). */
#define MCW_TR_PAT_NS 500000000LL   /* 1.3: PAT at least every 0.5 s */
#define MCW_TR_PMT_NS 500000000LL   /* 1.5: each PMT every 0.5 s */
#define MCW_TR_PID_NS 5000000000LL  /* 1.6: "user specified": 5 s */
#define MCW_TR_PCR_GAP 1080000ULL   /* 2.3a: PCR values at most 40 ms apart */
#define MCW_TR_PCR_NS 1000000000LL  /* 2.3a: no PCR for 1 s of arrivals */
#define MCW_TR_PCR_JUMP 2700000ULL  /* 2.3b: 100 ms of 27 MHz */
#define MCW_TR_PTS_NS 700000000LL   /* 2.5: PTS at most 700 ms apart */
#define MCW_TR_CAT_NS 500000000LL   /* 2.6: CAT_error counted per 0.5 s */
#define MCW_TR_CHECK_NS 100000000LL /* how often the periods are judged */

enum mcw_tr_check {
  MCW_TR_TS_SYNC_LOSS,
  MCW_TR_SYNC_BYTE,
  MCW_TR_PAT,
  MCW_TR_CC,
  MCW_TR_PMT,
  MCW_TR_PID,
  MCW_TR_TRANSPORT,
  MCW_TR_CRC,
  MCW_TR_PCR_REPETITION,
  MCW_TR_PCR_DISCONTINUITY,
  MCW_TR_PTS,
  MCW_TR_CAT,
  MCW_TR_CHECKS
};

enum mcw_tr_role {
  MCW_TR_OTHER,
  MCW_TR_ROLE_PAT,
  MCW_TR_ROLE_CAT,
  MCW_TR_ROLE_PMT,
  MCW_TR_ROLE_ES, /* an elementary stream a PMT names */
  MCW_TR_ROLE_SI, /* NIT, SDT, EIT, TDT/TOT: sections with a CRC */
};

/* A section being put together from the packets of one PID. */
struct mcw_tr_section {
  uint8_t *buf; /* MCW_TR_SECTION bytes, made on first use */
  uint16_t have, total;
  uint32_t crc;
  bool open;
};

struct mcw_tr_pid {
  uint16_t pid;
  uint8_t role;        /* enum mcw_tr_role */
  uint8_t stream_type; /* from the PMT; 0 when not named */
  uint16_t program;
  bool referenced; /* named by the PAT or a PMT: PID_error applies */
  bool late;       /* the current silence is counted already */
  bool pcr_late, pts_late;
  bool has_pcr, has_pts;
  int64_t last_ns; /* last packet, or for a PMT PID the last PMT section */
  int64_t pcr_ns, pts_ns;
  uint64_t pcr;                /* last PCR, 27 MHz */
  uint64_t pcr_packets;        /* stream packets at that PCR (media rate) */
  uint64_t err[MCW_TR_CHECKS]; /* the checks ETSI defines per PID */
  struct mcw_tr_section sec;
};

struct mcw_tr_program {
  uint16_t number, pmt_pid, pcr_pid;
};

struct mcw_tr {
  uint64_t count[MCW_TR_CHECKS];
  uint8_t slot[8192]; /* PID to index + 1 in pid[], 0 when none */
  struct mcw_tr_pid pid[MCW_TR_PIDS];
  uint8_t npids;
  struct mcw_tr_program program[MCW_TR_PROGRAMS];
  uint8_t nprograms;
  bool pat_seen, pat_late, cat_seen;
  int64_t pat_ns, cat_err_ns, next_check_ns;
  char provider[MCW_TR_NAME], service[MCW_TR_NAME];
  bool has_service;
  /* Media rate from the PCRs of the first PCR PID, bits per second. */
  uint16_t rate_pid;
  double media_bps;
  struct mcw_mdi mdi; /* RFC 4445, the media rate from the PCRs */
};

/* Makes an empty measurement. */
struct mcw_tr *mcw_tr_new(void);
/* Frees it (NULL is fine). */
void mcw_tr_free(struct mcw_tr *tr);
/*
 * Checks one TS packet (sync byte already checked) that arrived at now_ns;
 * cc_error says the continuity checker counted an error on it, packets is
 * the stream's packet count so far.
 */
void mcw_tr_packet(struct mcw_tr *tr, const uint8_t *p, int64_t now_ns,
                   bool cc_error, uint64_t packets);
/* The per-PID detail of pid, or NULL when it has none. */
const struct mcw_tr_pid *mcw_tr_pid_info(const struct mcw_tr *tr, unsigned pid);
/* The check's name in JSON: "ts_sync_loss", "pat_error"... */
const char *mcw_tr_name(enum mcw_tr_check c);
/* A stream type in words ("H.264", "AAC"...), or NULL when unknown. */
const char *mcw_tr_stream_type(uint8_t type);
/* MPEG CRC-32 (ISO/IEC 13818-1 annex A) of n bytes, continuing crc. */
uint32_t mcw_tr_crc32(uint32_t crc, const uint8_t *p, size_t n);

#endif
