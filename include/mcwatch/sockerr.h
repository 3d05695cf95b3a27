/*
 * Why opening, binding or joining a receive socket failed, in words, and
 * the command that fixes it: one table of (step, errno, family, with or
 * without a source) rows shared by the engine's error messages
 * (src/net/msock.c) and the doctor's membership check, so both always say
 * the same thing. Pure: the caller passes what it knows, nothing here
 * touches the system. The limits named for ENOBUFS and ENOMEM were found
 * by measurement (docs/DOCTOR.md, "Join limits").
 */
#ifndef MCWATCH_SOCKERR_H
#define MCWATCH_SOCKERR_H

#include <stdbool.h>
#include <stddef.h>

#include "mcwatch/endpoint.h"

enum mcw_sock_step {
  MCW_STEP_SOCKET,  /* socket() */
  MCW_STEP_OPTIONS, /* setsockopt() before the bind */
  MCW_STEP_BIND,    /* bind() to the group and port */
  MCW_STEP_JOIN,    /* MCAST_JOIN_GROUP / MCAST_JOIN_SOURCE_GROUP */
};

/*
 * Explains err (a positive errno) at step for ep: writes a cause clause
 * ("another socket holds UDP port 5000 ...") into cause and the command
 * that fixes it into fix ("" when there is none). count is how many
 * memberships or sources the caller needs (used in the sysctl fixes; 0 for
 * "the current limit plus some"). Returns true when the table has a row
 * for err, false when cause holds only the generic words.
 */
bool mcw_sockerr_explain(enum mcw_sock_step step, int err,
                         const struct mcw_endpoint *ep, size_t count,
                         char *cause, size_t clen, char *fix, size_t flen);

/* The step's name as the messages use it: "socket", "bind", "join"... */
const char *mcw_sockerr_step_name(enum mcw_sock_step step);

#endif
