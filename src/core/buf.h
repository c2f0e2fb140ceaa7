/* buf.h: the one growable byte buffer of the SCAN platform.
 *
 * A buf holds bytes and is always NUL-terminated when non-empty. Appends
 * never fail loudly: an allocation failure sets a sticky error flag, later
 * appends become no-ops, and the owner checks buf_failed() once at the end
 * (the shape of SQLite's sqlite3_str and Fossil's Blob). Response bodies,
 * SQL-free text assembly, HTML and JSON output are all bufs.
 *
 * Ownership: whoever initialised the buf owns its memory and must call
 * buf_free() (or take the bytes with buf_detach()). A buf initialised with
 * BUF_INIT needs no other setup. */
#ifndef SCAN_BUF_H
#define SCAN_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct buf {
    char *data;  /* bytes, NUL-terminated; NULL while empty */
    size_t len;  /* bytes used, without the terminator */
    size_t cap;  /* bytes allocated */
    bool failed; /* sticky: an allocation failed, content is incomplete */
} buf;

#define BUF_INIT                                                                                   \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

/* Appends n bytes from p. */
void buf_append(buf *b, const void *p, size_t n);
/* Appends the NUL-terminated string s (nothing when s is NULL). */
void buf_puts(buf *b, const char *s);
/* Appends one byte. */
void buf_putc(buf *b, char c);
/* Appends printf-formatted text. No escaping: never use for markup. */
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Makes room for at least n more bytes; false (and failed set) on OOM. */
bool buf_reserve(buf *b, size_t n);
/* Forgets the content but keeps the allocation. Clears the error flag. */
void buf_reset(buf *b);
/* Frees the memory and returns b to BUF_INIT. */
void buf_free(buf *b);
/* The content as a C string: "" when empty. Valid until the next append. */
const char *buf_str(const buf *b);
/* Hands the heap block to the caller (who frees it with free()) and resets
 * b. Returns NULL when the buffer failed; *len receives the length. A
 * returned block is always NUL-terminated, even for empty content. */
char *buf_detach(buf *b, size_t *len);
/* True when an allocation failed since init or the last reset. */
static inline bool buf_failed(const buf *b)
{
    return b->failed;
}

#endif
