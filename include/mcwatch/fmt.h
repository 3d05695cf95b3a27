/*
 * Formatting of figures for people: rates and counts with SI suffixes
 * ("1.2k", "34M"), byte totals ("3.4 MB"), grouped integers ("1,234,567"),
 * ages ("850ms", "3m04s"), hexdump lines and sparkline levels. Pure text,
 * no terminal: the screen UI and any future text sink share them.
 */
#ifndef MCWATCH_FMT_H
#define MCWATCH_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Bytes per hexdump line. */
#define MCW_HEX_PER_LINE 16
/* Room for one hexdump line: offset, 16 hex pairs, ASCII, terminator. */
#define MCW_HEXLINE_MAX 80

/*
 * Writes v with at most three significant digits and an SI suffix (k, M,
 * G, T): "0", "7.5", "42", "999", "1.2k", "12.3k", "123k", "1.5M".
 * Negative or non-finite values read "-". Returns buf.
 */
const char *mcw_fmt_si(double v, char *buf, size_t len);
/*
 * Fits ASCII text s into width columns: unchanged when short enough, else
 * its head and tail joined by "~" (an address keeps its port). Returns buf.
 */
const char *mcw_fmt_fit(const char *s, size_t width, char *buf, size_t len);

/* Writes a byte count as "512 B", "1.2 kB", "34.5 MB" (powers of 1000). */
const char *mcw_fmt_bytes(uint64_t v, char *buf, size_t len);

/* Writes v with thousands separators: "1,234,567". Returns buf. */
const char *mcw_fmt_count(uint64_t v, char *buf, size_t len);

/*
 * Writes an age as "850ms", "4.2s", "45s", "3m04s", "2h05m" or "3d04h";
 * a negative age reads "-". Returns buf.
 */
const char *mcw_fmt_age(int64_t ns, char *buf, size_t len);

/*
 * Writes one hexdump line of up to 16 bytes at data (len of them), labelled
 * with offset: "0010  48 65 6c 6c 6f 00 01 02  03 ...  |Hello...|". Only
 * printable ASCII reaches the text column; other bytes read '.'. Short
 * lines are padded so the text column stays aligned. Returns buf.
 */
const char *mcw_fmt_hexline(const uint8_t *data, size_t len, size_t offset,
                            char *buf, size_t buflen);

/*
 * Maps n values to levels 0..nlevels-1 for a sparkline, scaled to the
 * largest value: 0 stays 0, any positive value reaches at least level 1.
 * Returns the largest value (0 when all are zero or negative).
 */
double mcw_fmt_spark(const double *v, size_t n, unsigned nlevels, uint8_t *out);

#endif
