/*
 * Turns untrusted payload bytes into text that is safe to put on a terminal
 * or in JSON: printable ASCII and well-formed, harmless UTF-8 pass through;
 * everything else is shown as an escape (\n, \t, \r, \\, \xHH, \u{hhhh}).
 * Escaped as \xHH, one per byte: C0 controls and DEL (except \n, \t, \r),
 * and every byte that is not part of well-formed UTF-8 (invalid, truncated
 * or overlong sequences, surrogates, anything beyond U+10FFFF). Escaped as
 * \u{hhhh} (lowercase hex, at least four digits): the C1 controls
 * U+0080..U+009F, the bidirectional controls U+061C, U+200E, U+200F,
 * U+202A..U+202E and U+2066..U+2069, the separators U+2028 and U+2029,
 * U+FEFF, and the invisible characters U+200B, U+200C, U+2060..U+2064,
 * U+206A..U+206F, U+FFF9..U+FFFB and the tags U+E0000..U+E007F (U+200D,
 * the zero width joiner, passes: emoji sequences need it). The output never
 * contains a byte below 0x20, 0x7F, or any of those code points, and is always
 * valid UTF-8.
 */
#ifndef MCWATCH_ESCAPE_H
#define MCWATCH_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
  MCW_ESC_ASCII = 1 << 0, /* escape every non-ASCII character as \u{...} */
};

/* Longest rendering of one unit (a byte or a UTF-8 sequence): "\u{10ffff}". */
#define MCW_ESC_UNIT_MAX 10

/* Output size (terminator included) that always holds n escaped bytes. */
#define MCW_ESC_MAX(n) (4 * (size_t)(n) + 1)

/*
 * Escapes len bytes of data into out (size outlen, always terminated when
 * outlen > 0). Never splits an escape or a UTF-8 sequence. Returns the
 * number of input bytes consumed (less than len when out was too small).
 * Each input byte costs at most four output bytes, so an out of
 * MCW_ESC_MAX(len) bytes always takes everything.
 */
size_t mcw_escape(const uint8_t *data, size_t len, char *out, size_t outlen,
                  unsigned flags);

/*
 * Renders the one unit that starts at data (len > 0), exactly as mcw_escape
 * would, into u (not terminated); stores the number of input bytes it
 * covers in *used and returns the number of bytes written.
 */
size_t mcw_escape_unit(const uint8_t *data, size_t len, unsigned flags,
                       char u[MCW_ESC_UNIT_MAX], size_t *used);

/*
 * Writes data as lowercase hex digits into out (terminated when outlen > 0);
 * returns bytes consumed, which is len when outlen >= 2 * len + 1.
 */
size_t mcw_hex(const uint8_t *data, size_t len, char *out, size_t outlen);

/*
 * Decodes one well-formed UTF-8 sequence (shortest form, no surrogates, at
 * most U+10FFFF) at s into *cp; returns its length (1 to 4), or 0 when the
 * len bytes at s do not start one (or len is 0).
 */
size_t mcw_escape_decode(const uint8_t *s, size_t len, uint32_t *cp);

/*
 * Tells whether code point cp must never reach a terminal raw: C0 controls,
 * DEL, C1 controls, bidirectional controls, U+2028, U+2029 and U+FEFF.
 */
bool mcw_escape_cp_unsafe(uint32_t cp);

#endif
