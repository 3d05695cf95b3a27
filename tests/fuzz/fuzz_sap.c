/*
 * Fuzzes SAP decoding and the session directory with arbitrary datagrams
 * (the header, then SDP through gst-sdp). Each input is fed as one packet
 * and then, split in two at its first byte's value, as two more into a
 * directory of 4 sessions with a 1 s floor; the clock runs so expiry is
 * exercised. Invariants: every packet is either accepted or counted under
 * exactly one refusal; the directory stays within its bound; every session
 * has a medium with a port and a group.
 */
#include <stdint.h>
#include <stdlib.h>

#include "mcwatch/sap.h"
#include "mcwatch/sapdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct mcw_sapdir *d) {
  uint64_t refused = 0;
  if (d->n > d->cfg.max)
    abort();
  for (size_t i = 0; i < d->n; i++) {
    const struct mcw_sap_session *s = &d->v[i];
    if (s->nmedia == 0 || s->nmedia > MCW_SAP_MEDIA_MAX)
      abort();
    for (unsigned k = 0; k < s->nmedia; k++)
      if (s->media[k].port == 0 || s->media[k].port > 65535 ||
          s->media[k].group[0] == '\0')
        abort();
  }
  for (int r = 1; r < MCW_SAP_REFUSALS; r++)
    refused += d->refused[r];
  if (refused > d->packets)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct mcw_sapdir_config cfg;
  struct mcw_sapdir d;
  struct mcw_sap_packet p;
  size_t cut = size ? data[0] % size : 0;

  if (mcw_sap_decode(data, size, &p) == MCW_SAP_OK &&
      (p.payload < data || p.payload + p.payload_len != data + size))
    abort();
  mcw_sapdir_config_default(&cfg);
  cfg.max = 4;
  cfg.timeout_ns = 1000000000;
  mcw_sapdir_init(&d, &cfg, NULL, NULL);
  mcw_sapdir_feed(&d, data, size, 3, 0);
  mcw_sapdir_feed(&d, data, cut, 3, 500000000);
  mcw_sapdir_feed(&d, data + cut, size - cut, 3, 600000000);
  check(&d);
  mcw_sapdir_expire(&d, 1500000000);
  check(&d);
  mcw_sapdir_expire(&d, INT64_MAX / 2);
  if (d.n != 0)
    abort();
  mcw_sapdir_free(&d);
  return 0;
}
