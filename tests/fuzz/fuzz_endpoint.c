/*
 * Fuzzes the endpoint parser with arbitrary text. Invariant: whatever
 * parses formats back to text that parses to the same endpoint.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcwatch/endpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char text[512], err[256], buf[256];
  struct mcw_endpoint a, b;

  if (size >= sizeof(text))
    size = sizeof(text) - 1;
  memcpy(text, data, size);
  text[size] = '\0';
  memset(&a, 0, sizeof(a));
  if (mcw_endpoint_parse(text, &a, err, sizeof(err)) != 0) {
    if (err[0] == '\0' || memchr(err, '\n', strlen(err)) != NULL)
      abort(); /* an error is always one line */
    return 0;
  }
  mcw_endpoint_format(&a, buf, sizeof(buf));
  memset(&b, 0, sizeof(b));
  if (mcw_endpoint_parse(buf, &b, err, sizeof(err)) != 0)
    abort(); /* formatted text must parse */
  if (!mcw_addr_equal(&a.group, &b.group) ||
      a.group.scope_id != b.group.scope_id ||
      a.source.family != b.source.family ||
      (a.source.family != 0 && !mcw_addr_same_host(&a.source, &b.source)) ||
      strcmp(a.iface, b.iface) != 0)
    abort(); /* the round trip changed the endpoint */
  return 0;
}
