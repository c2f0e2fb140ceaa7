/* assets.h: static files embedded in the binary, under content-hashed URLs.
 *
 * "css/scan.css" is served at /assets/css/scan.<hash>.css with a strong
 * ETag and a one-year immutable Cache-Control, so browsers fetch each
 * version once; a new build changes the hash and so the URL. Lookups are
 * exact table matches: no file system, no path traversal. */
#ifndef SCAN_ASSETS_H
#define SCAN_ASSETS_H

#include "http/request.h"

/* The hashed URL of an embedded asset ("/assets/css/scan.1a2b....css"), or
 * "/assets/missing" when there is no such asset. The string is static. */
const char *assets_url(const char *name);
/* Builds the URL table; call once at start-up. 0, or -1 on OOM. */
int assets_init(void);
void assets_shutdown(void);
/* Route handler for GET /assets/{file...}: serves the asset or 404. */
void assets_serve(req *r);

#endif
