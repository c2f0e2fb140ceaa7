/* num.h: numbers as people type them, in either the Serbian or the English
 * habit, read exactly (integers, no floating point).
 *
 * The rules (README.md, "Entering numbers", says them for users):
 *  - an optional leading '-', then groups of digits separated by single
 *    separators: '.', ',', a space (also no-break and narrow no-break
 *    space) or an apostrophe;
 *  - when the last separator is a point or a comma that occurs only once,
 *    and it cannot be a thousands separator, it is the decimal separator:
 *    "1.234.567,89" and "1,234,567.89" and "1234567.89" and "1234,5";
 *  - every other separator groups thousands: all of one kind, the first
 *    group 1-3 digits not starting with 0, every later group 3 digits:
 *    "1.234.567", "1 234 567", "1,234,567";
 *  - a single point or comma after 1-3 leading digits and followed by
 *    exactly three digits ("1.234", "12,500") is ambiguous: thousands in
 *    one habit, decimals in the other. It is refused (NUM_AMBIGUOUS) and
 *    never guessed, so the person writes what they mean;
 *  - at most `decimals` digits after the decimal separator.
 * Used by the form validators (http/form.c: FV_INT, FV_MONEY). */
#ifndef SCAN_NUM_H
#define SCAN_NUM_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    NUM_OK = 0,
    NUM_BAD,       /* not a number by the rules above (letters, "1..2", "1.23.4") */
    NUM_DECIMALS,  /* more decimals than allowed (any for an integer) */
    NUM_RANGE,     /* does not fit in int64 once scaled */
    NUM_AMBIGUOUS, /* "1.234": thousands or decimals? */
} num_status;

/* Parses the n bytes at s (no surrounding whitespace) with up to decimals
 * (0..6) fraction digits, storing the value times 10^decimals in *out on
 * NUM_OK ("12,5" with 2 decimals -> 1250). On NUM_AMBIGUOUS *out holds the
 * digits read as one whole number, unscaled and signed ("-1.234" -> -1234),
 * so a message can show both readings. *out is
 * untouched on the other statuses. */
num_status num_parse(const char *s, size_t n, int decimals, int64_t *out);

#endif
