/* buf.c: growable byte buffer with a sticky error flag (see buf.h). */
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

bool buf_reserve(buf *b, size_t n)
{
    if (b->failed)
        return false;
    if (b->cap - b->len > n)
        return true;
    size_t want = b->len + n + 1;
    if (want < b->len) { /* overflow */
        b->failed = true;
        return false;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < want) {
        if (cap > SIZE_MAX / 2) {
            cap = want;
            break;
        }
        cap *= 2;
    }
    char *p = mem_realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void buf_append(buf *b, const void *p, size_t n)
{
    if (n == 0 || !buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_puts(buf *b, const char *s)
{
    if (s)
        buf_append(b, s, strlen(s));
}

void buf_putc(buf *b, char c)
{
    if (!b->failed && b->cap - b->len > 1) { /* room already: no call (JSON, HTML writers) */
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    buf_append(b, &c, 1);
}

void buf_vprintf(buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        b->failed = true;
    } else if ((size_t)n < sizeof small) {
        buf_append(b, small, (size_t)n);
    } else if (buf_reserve(b, (size_t)n)) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_reset(buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data)
        b->data[0] = '\0';
}

void buf_free(buf *b)
{
    mem_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

const char *buf_str(const buf *b)
{
    return b->data ? b->data : "";
}

char *buf_detach(buf *b, size_t *len)
{
    if (b->failed) {
        buf_free(b);
        if (len)
            *len = 0;
        return NULL;
    }
    if (!b->data && !buf_reserve(b, 0)) {
        buf_free(b);
        return NULL;
    }
    b->data[b->len] = '\0';
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
