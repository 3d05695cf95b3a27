/*
 * Inside the firewall judge: the renderer that turns a rule's JSON
 * expressions back into nft's words, shared by fwjudge.c (which records
 * the deciding rule) and fwjudge_text.c (which writes it).
 */
#ifndef MCWATCH_FWJUDGE_INT_H
#define MCWATCH_FWJUDGE_INT_H

#include <jansson.h>
#include <stddef.h>

/* Writes the rule's expressions (a JSON array) as nft prints them, roughly:
 * "udp dport 4000-6000 drop", "iifname \"eth0\" ip daddr 239.0.0.0/8
 * reject". */
void mcw_fw_render(json_t *expr, char *out, size_t len);

#endif
