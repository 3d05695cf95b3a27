/*
 * Fuzzes the channel-list reader (plain, M3U and SDP through gst-sdp)
 * with arbitrary file bytes. Invariants: an error is one line; every entry
 * has a label free of control characters, and its endpoint formats to text
 * that parses back to the same group and port.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/chanlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct mcw_chanlist l = {0};
  char err[600] = "";

  if (mcw_chanlist_parse("f", (const char *)data, size, MCW_CHANLIST_AUTO, &l,
                         err, sizeof(err)) != 0) {
    if (err[0] == '\0' || strchr(err, '\n') != NULL || l.n != 0)
      abort();
    return 0;
  }
  for (size_t i = 0; i < l.n; i++) {
    struct mcw_endpoint back;
    char text[256], e2[300];
    for (const unsigned char *p = (const unsigned char *)l.v[i].ep.label; *p;
         p++)
      if (*p < 0x20 || *p == 0x7f)
        abort(); /* a label reached the screen with a control byte */
    mcw_endpoint_format(&l.v[i].ep, text, sizeof(text));
    if (mcw_endpoint_parse(text, &back, e2, sizeof(e2)) != 0 ||
        !mcw_addr_equal(&back.group, &l.v[i].ep.group))
      abort();
  }
  mcw_chanlist_free(&l);
  return 0;
}
