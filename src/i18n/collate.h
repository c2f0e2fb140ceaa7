/* collate.h: Serbian alphabetical order, as byte strings that sort right.
 *
 * Sorting in the reader's script: the Cyrillic azbuka
 *   А Б В Г Д Ђ Е Ж З И Ј К Л Љ М Н Њ О П Р С Т Ћ У Ф Х Ц Ч Џ Ш
 * and the Latin abeceda
 *   A B C Č Ć D Dž Đ E F G H I J K L Lj M N Nj O P R S Š T U V Z Ž.
 * The orders come from ICU's Serbian collation (the "sr" and "sr-Latn"
 * tailorings of CLDR), not from a hand table. A name is first brought into
 * the reader's script (Serbian transliteration both ways; other letters
 * stay as they are), so "Nišava" and "Ниш" sort side by side whichever
 * script each was written in. The key is ICU's sort key: compared with
 * memcmp (SQLite BLOB order, PostgreSQL bytea order) it gives the
 * collation's order, so it can be stored in a column, indexed, and sorted
 * by any backend without a custom collation.
 *
 * Thread-safe: the two collators are opened once and only read. */
#ifndef SCAN_COLLATE_H
#define SCAN_COLLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

typedef enum { COLLATE_LATN = 0, COLLATE_CYRL } collate_script;

/* Appends the sort key of the UTF-8 text s (n bytes) in the given script's
 * order to out (binary, no terminating NUL counted in out->len). False on
 * out of memory or when ICU cannot open the collation (out failed or
 * unchanged); text that is not valid UTF-8 still gets a key. */
bool collate_key(buf *out, collate_script script, const char *s, size_t n);

/* memcmp order of two keys: negative, zero, positive. */
int collate_cmp(const char *a, size_t na, const char *b, size_t nb);

/* Appends s (n bytes of UTF-8) with Serbian Latin letters written in
 * Cyrillic (lj, nj, dž as one letter each; case kept); other characters
 * unchanged. The other direction is utf8_cyr_to_lat (core/utf8.h). */
void collate_lat_to_cyr(buf *out, const char *s, size_t n);

#endif
