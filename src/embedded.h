/* embedded.h: files compiled into the binary by tools/embed.py.
 *
 * Assets (CSS, JS, icons) are served by src/http/assets.c under
 * content-hashed URLs; migrations are applied by src/db/migrate.c in name
 * order. The arrays end with an all-zero entry. */
#ifndef SCAN_EMBEDDED_H
#define SCAN_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *name;          /* "css/scan.css" or "0001_foundation.sql" */
    const char *content_type;  /* MIME type with charset where textual */
    const char *hash;          /* 16 hex digits of SHA-256 (assets only) */
    const unsigned char *data; /* NUL-terminated for convenience */
    size_t len;
};

extern const struct embedded_file embedded_assets[];
extern const unsigned embedded_n_assets;
extern const struct embedded_file embedded_migrations[];
extern const unsigned embedded_n_migrations;

#endif
