/* random_text.h: random byte strings for the tests of the byte loops that
 * take eight bytes at a time (utf8_valid, json_put_stringn, the control
 * character check): runs of ASCII long enough for the eight-byte steps,
 * mixed with every kind of byte those loops must stop at, at every offset.
 * Each test compares the fast loop with the plain one it replaced. */
#ifndef SCAN_TEST_RANDOM_TEXT_H
#define SCAN_TEST_RANDOM_TEXT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
static const char *const fast_pieces[] = {
    "abcdefgh",
    "Kragujevac ",
    "0123456789",
    " ",
    "a",
    "\"",
    "\\",
    "<",
    ">",
    "&",
    "\n",
    "\r",
    "\t",
    "\x01",
    "\x1f",
    "\x7f",
    "\xd0\x96",
    "\xc5\xa1",
    "\xc2\x85",
    "\xc2\xa0",
    "\xc2\x9f",
    "\xe2\x80\x9e",
    "\xe2\x80\xa8",
    "\xe2\x80\xa9",
    "\xe2\x80",
    "\x80",
    "\xc3",
    "\xf0\x9f\x98\x80",
    "\xed\xa0\x80",
    "\xc0\xaf",
    "\xff",
};

#define FAST_VALID_PIECES 24 /* the first pieces are valid UTF-8 without NUL */

/* Fills out (room bytes) with up to room - 4 bytes of pieces; returns the
 * length (*x: xorshift state). Unless valid_only, it draws from every
 * piece and one in eight strings gets a NUL somewhere. */
static size_t fast_random_text(uint32_t *x, char *out, size_t room, bool valid_only)
{
    size_t n_pieces = valid_only ? FAST_VALID_PIECES : sizeof fast_pieces / sizeof fast_pieces[0];
    *x ^= *x << 13; /* a fresh length even when the last piece did not fit */
    *x ^= *x >> 17;
    *x ^= *x << 5;
    size_t n = 0, want = *x % (room - 4);
    while (n < want) {
        *x ^= *x << 13;
        *x ^= *x >> 17;
        *x ^= *x << 5;
        const char *p = fast_pieces[*x % n_pieces];
        size_t len = strlen(p);
        if (n + len > want)
            break;
        memcpy(out + n, p, len);
        n += len;
    }
    if (!valid_only && n && (*x >> 8) % 8 == 0)
        out[(*x >> 11) % n] = '\0';
    return n;
}

/* Every odd round of x, the other shape: ASCII letters with one piece at a
 * random place, so a piece is often alone in its eight-byte block. */
static size_t fast_random_text_any(uint32_t *x, char *out, size_t room, bool valid_only)
{
    size_t n = fast_random_text(x, out, room, valid_only);
    if (*x & 1)
        return n;
    size_t n_pieces = valid_only ? FAST_VALID_PIECES : sizeof fast_pieces / sizeof fast_pieces[0];
    const char *p = fast_pieces[(*x >> 3) % n_pieces];
    size_t len = strlen(p), at = (*x >> 9) % (room - 4 - len);
    n = at + len + (*x >> 17) % 12;
    if (n > room - 4)
        n = room - 4;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)('a' + i % 26);
    memcpy(out + at, p, len < n - at ? len : n - at);
    return n;
}

#endif
