/* json.h: JSON writing and reading helpers.
 *
 * Writing small documents directly into a buf (json_put_*) is the fast
 * path for responses; bigger documents are built with jansson and dumped
 * with json_dump_buf(). Reading always goes through jansson (json_parse),
 * with its allocator routed through mem_* so fault injection reaches it.
 * Every string written is escaped: quotes, backslashes, control characters,
 * and '<', '>' and '&' as \u escapes so JSON embedded in HTML <script>
 * blocks (JSON-LD) cannot close the element. */
#ifndef SCAN_JSON_H
#define SCAN_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Routes jansson's allocator through mem_*. Call once at start-up. */
void json_setup(void);
/* Appends s as a quoted JSON string; NULL writes null. Invalid UTF-8 bytes
 * are replaced by U+FFFD. */
void json_put_string(buf *out, const char *s);
void json_put_stringn(buf *out, const char *s, size_t n);
/* Appends "key": (with a leading comma unless first). */
void json_put_key(buf *out, const char *key, bool first);
/* ",key:value": a member after the object's first (API writers). */
void json_put_field(buf *out, const char *key, const char *v);
void json_put_field_int(buf *out, const char *key, int64_t v);
void json_put_int(buf *out, int64_t v);
void json_put_bool(buf *out, bool v);
/* Dumps a jansson value compactly (with the same escaping rules) into out.
 * Returns false on failure. Does not steal the reference. */
bool json_dump_buf(buf *out, const json_t *v);
/* Parses text of n bytes. On error returns NULL and writes a message with
 * line and column into err ("invalid JSON at line 1, column 5: ..."). The
 * caller owns the result (json_decref). Top-level must be an object or an
 * array; duplicate keys are refused. */
json_t *json_parse(const char *text, size_t n, buf *err);

#endif
