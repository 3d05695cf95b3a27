/*
 * Turns untrusted payload bytes into text that is safe to put on a terminal
 * or in JSON: printable ASCII and well-formed, visible UTF-8 pass through;
 * everything else is shown as an escape (\n, \t, \r, \\, \xHH, \u{hhhh}).
 * Escaped as \xHH, one per byte: C0 controls and DEL (except \n, \t, \r),
 * and every byte that is not part of well-formed UTF-8 (invalid, truncated
 * or overlong sequences, surrogates, anything beyond U+10FFFF). Escaped as
 * \u{hhhh} (lowercase hex, at least four digits): the C1 controls
 * U+0080..U+009F; every default-ignorable code point (the bidirectional
 * controls, zero width space, joiner and non-joiner, soft hyphen, combining
 * grapheme joiner, the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0,
 * variation selectors, U+FEFF, the tags...); the other format characters
 * and the separators U+2028, U+2029; noncharacters; the unassigned planes 4
 * to 13; and a zero-width combining mark that has no base character shown
 * raw right before it, or comes after MCW_ESC_MARKS_MAX others on one base.
 * So the output never contains a byte below 0x20, 0x7F, or any of those
 * code points, every character in it takes its own cell or adds to the one
 * before, and it is always valid UTF-8.
 */
#ifndef MCWATCH_ESCAPE_H
#define MCWATCH_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
  MCW_ESC_ASCII = 1 << 0, /* escape every non-ASCII character as \u{...} */
  /* A message that may quote text escaped already: a backslash passes as
     it is, so escapes are not doubled; the rest is escaped as usual. */
  MCW_ESC_MESSAGE = 1 << 1,
};

/* Combining marks shown raw on one base character (curses keeps four). */
#define MCW_ESC_MARKS_MAX 4

/* The state carried from one unit to the next: no base character before. */
#define MCW_ESC_NOBASE 0u
/* A base character shown raw (1 + n: with n marks on it). */
#define MCW_ESC_BASE 1u

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
 * would after the units that left *state (MCW_ESC_NOBASE at the start of a
 * text; state may be NULL for that), into u (not terminated); updates
 * *state, stores the number of input bytes covered in *used and returns
 * the number of bytes written.
 */
size_t mcw_escape_unit(const uint8_t *data, size_t len, unsigned flags,
                       unsigned *state, char u[MCW_ESC_UNIT_MAX], size_t *used);

/*
 * Tells whether code point cp passes raw after *state (the rules of
 * mcw_escape_unit for one well-formed character), and updates *state.
 */
bool mcw_escape_cp_raw(uint32_t cp, unsigned flags, unsigned *state);

/* Renders cp as \u{hhhh} into u (not terminated); returns its length. */
size_t mcw_escape_cp(uint32_t cp, char u[MCW_ESC_UNIT_MAX]);

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
 * Tells whether code point cp must never reach a terminal raw, wherever it
 * stands: C0 controls, DEL, C1 controls, default-ignorable code points,
 * format characters, U+2028, U+2029, noncharacters and planes 4 to 13.
 */
bool mcw_escape_cp_unsafe(uint32_t cp);

/* Tells whether cp is a zero-width combining mark (Mn, Me, Hangul jamo). */
bool mcw_escape_cp_mark(uint32_t cp);

#endif
