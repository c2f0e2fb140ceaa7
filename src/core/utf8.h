/* utf8.h: UTF-8 validation, Serbian Cyrillic-to-Latin transliteration and
 * search folding.
 *
 * Serbian is written in Cyrillic and Latin and typed as plain ASCII; these
 * functions let every layer treat "Niš", "Nis", "Ниш" and "NIŠ" as one
 * word (../shared/DOMAIN.md section 4). They never allocate on their own:
 * output goes to a caller's buf, whose sticky error flag reports OOM. */
#ifndef SCAN_UTF8_H
#define SCAN_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code points above U+10FFFF). NUL bytes are allowed only if allow_nul. */
bool utf8_valid(const char *s, size_t n, bool allow_nul);

/* True when the eight bytes of v (in memory order) are four two-byte
 * sequences: a lead C2..DF, then a continuation byte 80..BF, four times.
 * Serbian Cyrillic is such runs (U+0400..U+04FF): utf8_valid and
 * json_put_stringn take them eight bytes at a time (callgrind, the
 * directory's CSV: utf8_valid from about 8 to 3 instructions a byte). */
static inline bool utf8_two_byte_run(uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* leads at the even bytes: 110xxxxx and not C0/C1 (xxxx0 != 0);
     * continuations at the odd ones: 10xxxxxx. x + 7F sets a byte's high
     * bit exactly when x (at most 1E) is not zero, with no carry out */
    const uint64_t x = v & 0x001E001E001E001EULL;
    return (v & 0xC0E0C0E0C0E0C0E0ULL) == 0x80C080C080C080C0ULL &&
           ((x + 0x007F007F007F007FULL) & 0x0080008000800080ULL) == 0x0080008000800080ULL;
#else
    (void)v;
    return false; /* big-endian: the callers go byte by byte */
#endif
}

/* Decodes one code point at s (n bytes available). Returns its length in
 * bytes (1..4) and stores it in *cp, or returns 0 for malformed input. */
int utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Appends the UTF-8 encoding of cp. Code points that have none (surrogates,
 * above U+10FFFF) are written as U+FFFD. */
void utf8_put(buf *out, uint32_t cp);

/* Appends s transliterated from Serbian Cyrillic to Latin using the fixed
 * table of DOMAIN.md section 4; Љ Њ Џ become LJ NJ DŽ when a neighbouring
 * letter is upper case, else Lj Nj Dž. Everything else is copied as is.
 * Input must be valid UTF-8 (a malformed byte becomes U+FFFD). */
void utf8_cyr_to_lat(buf *out, const char *s, size_t n);

/* Appends the search folding of s: Cyrillic transliterated to Latin, then
 * lower-cased, diacritics removed (č ć→c, š→s, ž→z, é→e, ...), and the
 * several ways of writing đ made one: đ, dj and d all fold to "d" (so
 * "Đorđe", "Djordje", "Dorde" and "Ђорђе" fold alike to "dorde"); dž
 * folds to "dz". ASCII letters and digits are lower-cased; other code
 * points are lower-cased where a simple mapping exists, else kept;
 * combining diacritical marks (U+0300..U+036F) are dropped and a malformed
 * byte becomes U+FFFD, so the output is always valid UTF-8. "dj" means the
 * two letters wherever they meet after folding (Cyrillic "дј" too), and a
 * j right after a folded d is dropped however many follow ("djj" is "d"),
 * so folded text holds no "dj" and folding it again changes nothing. Query
 * and index must both be folded with this function. */
void utf8_fold(buf *out, const char *s, size_t n);

#endif
