/* strutil.h: small string helpers used across layers. */
#ifndef SCAN_STRUTIL_H
#define SCAN_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Case-sensitive equality; NULL equals only NULL. */
bool str_eq(const char *a, const char *b);
/* The n bytes at s equal w (NUL-terminated) ignoring ASCII case only (no
 * locale): header names, parameter names, URL schemes. */
bool str_ieqn(const char *s, size_t n, const char *w);
/* True when s is NULL or "". */
bool str_empty(const char *s);
/* True when v equals one of the strings of list, which ends with NULL;
 * false for a NULL v. */
bool str_in(const char *v, const char *const *list);
/* ASCII case-insensitive equality. */
bool str_ieq(const char *a, const char *b);
/* True when s starts with prefix. */
bool str_starts(const char *s, const char *prefix);
/* Strict decimal int64 (optional '-', digits only, no overflow). */
bool str_to_i64(const char *s, int64_t *out);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void str_hex(char *out, const unsigned char *in, size_t n);
/* The value of one hex digit (either case), or -1. */
int str_hex_digit(unsigned char c);
/* Constant-time comparison of two equal-length byte strings. */
bool str_ct_eq(const void *a, const void *b, size_t n);
/* How many times byte c occurs in [p, end) (memchr: fast when rare). */
size_t str_count_char(const char *p, const char *end, char c);

#endif
