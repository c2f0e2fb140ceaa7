/* server_hooks.h: what the server asks the web layer before every handler.
 *
 * server.c calls these on the worker (or I/O) thread right before a route's
 * handler, so the checks the route table's flags promise are made in one
 * place for every route (src/web/guard.c implements them). */
#ifndef SCAN_SERVER_HOOKS_H
#define SCAN_SERVER_HOOKS_H

#include <stdbool.h>

#include "http/request.h"

/* Negotiates the language and fills other per-request state (the user,
 * once accounts exist). Never fails. */
void server_hook_prepare(req *r);
/* Enforces the route's flags (login, role, CSRF). Returns true when the
 * handler may run; otherwise the response (401/403/redirect) is already
 * written. */
bool server_hook_guard(req *r);
/* After the handler and the server's checks: whole is true when nothing
 * failed on the way (no allocation, no database failure), so a page the
 * handler offered for caching (r->cache_key) may be kept. */
void server_hook_finish(req *r, bool whole);
/* On the I/O thread, before a request is handed to a worker: an anonymous
 * GET of an RF_FAST route whose page is in the page cache, at versions
 * confirmed moments ago, is answered here (true: the response fields are
 * filled). Otherwise false, with the request as it was: a worker runs it. */
bool server_hook_fast(req *r);

#endif
