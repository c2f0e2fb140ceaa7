/* form.h: request bodies and query strings parsed into fields.
 *
 * Parsing turns application/x-www-form-urlencoded text (bodies and query
 * strings) or multipart/form-data into a flat list of fields (form_field,
 * defined in valid/valid.h) in the request arena, refusing malformed
 * percent-encoding, invalid UTF-8 in names and text values, and broken
 * multipart framing. Checking the fields against a table of rules is
 * valid/valid.h's (below the model, so models validate without knowing
 * HTTP). Nothing here talks to libmicrohttpd: it is pure and fuzzable. We
 * parse ourselves rather than use MHD's post processor because that one
 * silently accepts bad percent-encoding and cannot run outside a live
 * connection (so it cannot be fuzzed or unit-tested). */
#ifndef SCAN_FORM_H
#define SCAN_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "valid/valid.h"

#define FORM_MAX_FIELDS 512

typedef enum {
    FORM_OK = 0,
    FORM_ERR_ENCODING,  /* bad %xx escape */
    FORM_ERR_UTF8,      /* name or text value is not valid UTF-8 */
    FORM_ERR_TOO_MANY,  /* more than FORM_MAX_FIELDS fields */
    FORM_ERR_MULTIPART, /* missing boundary, bad framing or part headers */
    FORM_ERR_NOMEM,     /* arena allocation failed */
} form_status;

/* Parses urlencoded text (a body, or a query string without the '?'): '+'
 * is a space, %XX decodes (either case), empty pairs ("a=1&&b=2") are
 * skipped, a name without '=' has the empty value, "=v" has the empty name.
 * Decoded names and values must be UTF-8 without NUL. On error *out is
 * empty and *err_field (if not NULL) gets the decoded name, or for an
 * undecodable name its raw text (at most 64 bytes, non-printable bytes as
 * '?'). Everything returned lives in the arena. */
form_status form_parse_urlencoded(arena *a, const char *s, size_t n, form *out,
                                  const char **err_field);

/* Parses a multipart/form-data body given the request's Content-Type header
 * (which carries the boundary, quoted or not, 1-70 characters). Framing is
 * CRLF only; preamble and epilogue are ignored; each part needs a
 * Content-Disposition: form-data with a name, and its header section may
 * not exceed 8 KiB. Parts without a filename are text fields and must be
 * valid UTF-8 without NUL; file parts keep their bytes as is (value_len
 * counts them; a NUL follows them). On error *out is empty and *err_field
 * gets the part's name, "part N" (1-based) while the name is unknown, or
 * "Content-Type" for a missing or bad boundary. */
form_status form_parse_multipart(arena *a, const char *content_type, const char *body, size_t n,
                                 form *out, const char **err_field);

#endif
