/*
 * Fuzzes the IGMP and MLD decoders. The input is tried as an IPv4 packet,
 * as an IGMP message (once as it is, once with its checksum made right so
 * the decoder goes past the check) and as an MLD message. Invariants: a
 * decoded message has a version its family knows, a general query has no
 * group, and records never exceed what was kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mcwatch/igmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct mcw_igmp_msg *m) {
  int top = m->family == AF_INET ? 3 : 2;
  if (m->version < 1 || m->version > top)
    abort();
  if (m->general && m->group.family != 0)
    abort();
  if (m->type != MCW_IGMP_QUERY && m->qqi_s != 0)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct mcw_igmp_msg m;
  struct mcw_addr src, dst;
  uint8_t *copy;

  if (mcw_igmp_decode_ip4(data, size, &src, &dst, &m) == 0)
    check(&m);
  if (mcw_igmp_decode(data, size, &m) == 0)
    check(&m);
  if (mcw_mld_decode(data, size, &m) == 0)
    check(&m);
  if (size < 4 || size > 65535)
    return 0;
  copy = malloc(size);
  memcpy(copy, data, size);
  copy[2] = copy[3] = 0;
  uint32_t s = 0;
  for (size_t i = 0; i + 1 < size; i += 2)
    s += (uint32_t)copy[i] << 8 | copy[i + 1];
  if (size & 1)
    s += (uint32_t)copy[size - 1] << 8;
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  copy[2] = (uint8_t)(~s >> 8);
  copy[3] = (uint8_t)~s;
  if (mcw_igmp_decode(copy, size, &m) == 0)
    check(&m);
  free(copy);
  return 0;
}
