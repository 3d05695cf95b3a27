/*
 * A growable text buffer with just enough to write one JSON object per
 * line: keys, strings (escaped per RFC 8259), numbers, booleans and null.
 * Callers write the structure; the buffer tracks whether a comma is due.
 * Start from a zeroed struct. After every call buf is NUL-terminated at
 * buf[len], so it can go straight to fwrite() or puts().
 */
#ifndef MCWATCH_JSON_H
#define MCWATCH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mcw_json {
  char *buf;
  size_t len, cap;
  bool need_comma;
};

/* Empties the buffer (keeps its memory; allocates it if there is none). */
void mcw_json_reset(struct mcw_json *j);
/* Makes room for n more bytes (and the terminator) without writing any. */
void mcw_json_reserve(struct mcw_json *j, size_t n);
/* Frees the buffer and zeroes the struct, which can then be reused. */
void mcw_json_free(struct mcw_json *j);
/* Opens an object "{" (as a value, after a key, or at top level). */
void mcw_json_open(struct mcw_json *j);
/* Closes an object "}". */
void mcw_json_close(struct mcw_json *j);
/* Opens an array "[". */
void mcw_json_open_array(struct mcw_json *j);
/* Closes an array "]". */
void mcw_json_close_array(struct mcw_json *j);
/* Writes a key; the next call writes its value. */
void mcw_json_key(struct mcw_json *j, const char *key);
/*
 * Writes a string value, escaped; NULL writes null. Besides ", \ and the
 * C0 controls, DEL, C1 controls, bidirectional controls, U+2028, U+2029 and
 * U+FEFF are written as \uHHHH, so the line is safe to show on a terminal.
 */
void mcw_json_str(struct mcw_json *j, const char *s);
/*
 * Writes len bytes (NUL included) as a string value, escaped like
 * mcw_json_str. Bytes should be valid UTF-8; any byte that is not part of
 * a well-formed sequence is written as \u00XX of its value.
 */
void mcw_json_strn(struct mcw_json *j, const char *s, size_t len);
/* Writes an unsigned integer value. */
void mcw_json_u64(struct mcw_json *j, uint64_t v);
/* Writes a signed integer value. */
void mcw_json_i64(struct mcw_json *j, int64_t v);
/*
 * Writes a number with the given digits after the point ("%.*f", negative
 * counts as 0, "." whatever the locale); NaN and infinities write null.
 */
void mcw_json_double(struct mcw_json *j, double v, int decimals);
/* Writes text, which the caller guarantees is a JSON number, as a value. */
void mcw_json_number(struct mcw_json *j, const char *text, size_t len);
/* Writes true or false. */
void mcw_json_bool(struct mcw_json *j, bool v);
/* Writes null. */
void mcw_json_null(struct mcw_json *j);
/* Appends raw text (no comma logic). */
void mcw_json_raw(struct mcw_json *j, const char *s, size_t len);
/*
 * Writes n payload bytes as a string value: exactly what mcw_escape (flags
 * 0) makes of them, escaped again by mcw_json_strn, in one pass and with
 * no length limit.
 */
void mcw_json_payload(struct mcw_json *j, const uint8_t *data, size_t n);
/* Writes n bytes as a string value of lowercase hex digits. */
void mcw_json_hex(struct mcw_json *j, const uint8_t *data, size_t n);
/*
 * Ends a line: appends "\n" and makes the next call start a new top-level
 * value, so several lines can be collected in one buffer.
 */
void mcw_json_end_line(struct mcw_json *j);

#endif
