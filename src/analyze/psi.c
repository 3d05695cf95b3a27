/*
 * PSI and SI sections for TR 101 290: sections are put together from the
 * packets of their PID with a running CRC (so a section longer than the
 * 1 KB buffer is still checked), then the PAT, CAT, PMT and SDT are read
 * from the buffer: programs, the PIDs they name with their stream types,
 * and the first service's names. Everything read is bounded by the
 * section's own length and the buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "mcwatch/common.h"
#include "mcwatch/tr101290.h"
#include "psi.h"

static uint32_t crc_table[256];

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i << 24;
    for (int k = 0; k < 8; k++)
      c = (c & 0x80000000u) ? (c << 1) ^ 0x04c11db7u : c << 1;
    crc_table[i] = c;
  }
}

uint32_t mcw_tr_crc32(uint32_t crc, const uint8_t *p, size_t n) {
  if (crc_table[1] == 0)
    crc_init();
  for (size_t i = 0; i < n; i++)
    crc = (crc << 8) ^ crc_table[(crc >> 24) ^ p[i]];
  return crc;
}

const char *mcw_tr_stream_type(uint8_t type) {
  switch (type) {
  case 0x01:
    return "MPEG-1 video";
  case 0x02:
    return "MPEG-2 video";
  case 0x03:
    return "MPEG-1 audio";
  case 0x04:
    return "MPEG-2 audio";
  case 0x06:
    return "private data";
  case 0x0f:
    return "AAC";
  case 0x11:
    return "AAC LATM";
  case 0x15:
    return "metadata";
  case 0x1b:
    return "H.264";
  case 0x24:
    return "HEVC";
  case 0x81:
    return "AC-3";
  case 0x87:
    return "E-AC-3";
  default:
    return NULL;
  }
}

/* The slot of pid, made when there is room; NULL otherwise. */
struct mcw_tr_pid *mcw_tr_slot(struct mcw_tr *tr, unsigned pid) {
  struct mcw_tr_pid *s;

  if (tr->slot[pid])
    return &tr->pid[tr->slot[pid] - 1];
  if (tr->npids >= MCW_TR_PIDS)
    return NULL;
  s = &tr->pid[tr->npids++];
  memset(s, 0, sizeof(*s));
  s->pid = (uint16_t)pid;
  if (pid == 0)
    s->role = MCW_TR_ROLE_PAT;
  else if (pid == 1)
    s->role = MCW_TR_ROLE_CAT;
  else if (pid >= 0x10 && pid <= 0x14)
    s->role = MCW_TR_ROLE_SI;
  tr->slot[pid] = tr->npids;
  return s;
}

/* A name from a DVB string: a leading character table byte is skipped. */
static void dvb_name(char *out, const uint8_t *p, size_t n) {
  if (n > 0 && p[0] < 0x20) {
    size_t skip = p[0] == 0x10 ? 3 : p[0] == 0x1f ? 2 : 1;
    if (skip > n)
      skip = n;
    p += skip;
    n -= skip;
  }
  if (n >= MCW_TR_NAME)
    n = MCW_TR_NAME - 1;
  memcpy(out, p, n);
  out[n] = '\0';
}

static void pat(struct mcw_tr *tr, const uint8_t *s, size_t len) {
  struct mcw_tr_program old[MCW_TR_PROGRAMS];
  uint8_t nold = tr->nprograms;

  memcpy(old, tr->program, sizeof(old));
  tr->nprograms = 0;
  for (size_t i = 8; i + 4 <= len - 4; i += 4) {
    unsigned number = (unsigned)s[i] << 8 | s[i + 1];
    unsigned pid = ((unsigned)s[i + 2] & 0x1f) << 8 | s[i + 3];
    struct mcw_tr_pid *p = mcw_tr_slot(tr, pid);
    if (p != NULL) {
      p->role = number == 0 ? MCW_TR_ROLE_SI : MCW_TR_ROLE_PMT;
      p->program = (uint16_t)number;
      if (number != 0 && !p->referenced) {
        p->referenced = true;
        p->last_ns = tr->pat_ns; /* its PMT is due from now */
      }
    }
    if (number != 0 && tr->nprograms < MCW_TR_PROGRAMS) {
      struct mcw_tr_program *g = &tr->program[tr->nprograms++];
      g->number = (uint16_t)number;
      g->pmt_pid = (uint16_t)pid;
      g->pcr_pid = MCW_TS_NULL_PID_TR;
      for (uint8_t k = 0; k < nold; k++) /* a PMT read before stays */
        if (old[k].number == number && old[k].pmt_pid == pid)
          g->pcr_pid = old[k].pcr_pid;
    }
  }
}

static void pmt(struct mcw_tr *tr, const uint8_t *s, size_t len,
                int64_t now_ns) {
  unsigned number = (unsigned)s[3] << 8 | s[4];
  unsigned pcr_pid, info;
  size_t i;

  if (len < 16)
    return;
  pcr_pid = ((unsigned)s[8] & 0x1f) << 8 | s[9];
  info = ((unsigned)s[10] & 0x0f) << 8 | s[11];
  for (uint8_t k = 0; k < tr->nprograms; k++)
    if (tr->program[k].number == number)
      tr->program[k].pcr_pid = (uint16_t)pcr_pid;
  for (i = 12 + info; i + 5 <= len - 4;) {
    unsigned type = s[i], pid = ((unsigned)s[i + 1] & 0x1f) << 8 | s[i + 2];
    unsigned es_info = ((unsigned)s[i + 3] & 0x0f) << 8 | s[i + 4];
    struct mcw_tr_pid *p = mcw_tr_slot(tr, pid);
    if (p != NULL && p->role != MCW_TR_ROLE_PMT) {
      p->role = MCW_TR_ROLE_ES;
      p->stream_type = (uint8_t)type;
      p->program = (uint16_t)number;
      if (!p->referenced) {
        p->referenced = true;
        if (p->last_ns == 0)
          p->last_ns = now_ns; /* due from now */
      }
    }
    i += 5 + es_info;
  }
}

/* SDT actual (table 0x42): the first service descriptor's names. */
static void sdt(struct mcw_tr *tr, const uint8_t *s, size_t len) {
  size_t end = len - 4;

  for (size_t i = 11; i + 5 <= end;) {
    size_t dlen = ((size_t)s[i + 3] & 0x0f) << 8 | s[i + 4];
    size_t d = i + 5, dend = d + dlen < end ? d + dlen : end;
    while (d + 2 <= dend) {
      size_t tag = s[d], n = s[d + 1];
      if (d + 2 + n > dend)
        break;
      if (tag == 0x48 && n >= 3) {
        size_t pl = s[d + 3], sl;
        if (4 + pl + 1 <= n + 2) {
          sl = s[d + 4 + pl];
          if (5 + pl + sl <= n + 2) {
            dvb_name(tr->provider, s + d + 4, pl);
            dvb_name(tr->service, s + d + 5 + pl, sl);
            tr->has_service = true;
            return;
          }
        }
      }
      d += 2 + n;
    }
    i += 5 + dlen;
  }
}

/* A whole section arrived on slot s: checks its CRC and reads it. */
static void section_done(struct mcw_tr *tr, struct mcw_tr_pid *s,
                         int64_t now_ns) {
  const uint8_t *b = s->sec.buf;
  size_t len = s->sec.total < MCW_TR_SECTION ? s->sec.total : MCW_TR_SECTION;
  unsigned table = b[0];

  if (!(b[1] & 0x80)) /* no CRC (TDT and the like) */
    return;
  if (s->sec.crc != 0) {
    tr->count[MCW_TR_CRC]++;
    s->err[MCW_TR_CRC]++;
    return;
  }
  if (s->sec.total > MCW_TR_SECTION || len < 12)
    return; /* too long to read here, or too short to mean anything */
  if (s->pid == 0 && table == 0x00) {
    pat(tr, b, len);
  } else if (s->pid == 1 && table == 0x01) {
    tr->cat_seen = true;
  } else if (s->role == MCW_TR_ROLE_PMT && table == 0x02) {
    s->last_ns = now_ns;
    s->late = false;
    pmt(tr, b, len, now_ns);
  } else if (s->pid == 0x11 && table == 0x42) {
    sdt(tr, b, len);
  }
}

/* Adds n section bytes at p to slot s's open section, or starts one. */
static void section_bytes(struct mcw_tr *tr, struct mcw_tr_pid *s,
                          const uint8_t *p, size_t n, int64_t now_ns) {
  struct mcw_tr_section *c = &s->sec;

  while (n > 0) {
    size_t take;
    if (!c->open) {
      if (p[0] == 0xff)
        return; /* stuffing to the end of the packet */
      if (c->buf == NULL)
        c->buf = mcw_xcalloc(MCW_TR_SECTION, 1);
      c->open = true;
      c->have = 0;
      c->total = 0;
      c->crc = 0xffffffffu;
    }
    take = c->total ? (size_t)(c->total - c->have) : 3 - (size_t)c->have;
    if (take > n)
      take = n;
    c->crc = mcw_tr_crc32(c->crc, p, take);
    if (c->have < MCW_TR_SECTION) {
      size_t k =
          MCW_TR_SECTION - c->have < take ? MCW_TR_SECTION - c->have : take;
      memcpy(c->buf + c->have, p, k);
    }
    c->have = (uint16_t)(c->have + take);
    p += take;
    n -= take;
    if (c->total == 0 && c->have == 3) {
      c->total =
          (uint16_t)(3 + (((unsigned)c->buf[1] & 0x0f) << 8 | c->buf[2]));
      if (c->total > 4096 + 3) { /* not a section: drop it */
        c->open = false;
        return;
      }
    }
    if (c->total != 0 && c->have == c->total) {
      c->open = false;
      section_done(tr, s, now_ns);
    }
  }
}

void mcw_tr_psi(struct mcw_tr *tr, struct mcw_tr_pid *s, const uint8_t *p,
                size_t off, bool lost, int64_t now_ns) {
  if (lost) /* a continuity error: the open section misses bytes */
    s->sec.open = false;
  if (off >= 188)
    return;
  if (p[1] & 0x40) { /* payload_unit_start: pointer_field */
    size_t ptr = p[off];
    off++;
    if (ptr > 188 - off)
      ptr = 188 - off;
    if (s->sec.open)
      section_bytes(tr, s, p + off, ptr, now_ns);
    s->sec.open = false; /* an unfinished section is abandoned */
    off += ptr;
    if (off < 188)
      section_bytes(tr, s, p + off, 188 - off, now_ns);
  } else if (s->sec.open) {
    section_bytes(tr, s, p + off, 188 - off, now_ns);
  }
}

void mcw_tr_free(struct mcw_tr *tr) {
  if (tr == NULL)
    return;
  for (uint8_t i = 0; i < tr->npids; i++)
    free(tr->pid[i].sec.buf);
  free(tr);
}
