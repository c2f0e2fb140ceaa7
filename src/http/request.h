/* request.h: one HTTP request as handlers see it, and its response.
 *
 * The server (server.c) copies everything a handler may need out of
 * libmicrohttpd before the handler runs (method, path, headers, body), so
 * handlers run on a worker thread without touching MHD, and nothing above
 * src/http/ names MHD_*. All memory hangs off the request arena `a` and is
 * freed when the response has been sent. A handler sets status, headers and
 * body through the resp_* calls below and returns. */
#ifndef SCAN_REQUEST_H
#define SCAN_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "http/form.h"
#include "i18n/i18n.h"

typedef enum {
    HTTP_GET = 1 << 0,
    HTTP_HEAD = 1 << 1,
    HTTP_POST = 1 << 2,
    HTTP_PUT = 1 << 3,
    HTTP_PATCH = 1 << 4,
    HTTP_DELETE = 1 << 5,
    HTTP_OPTIONS = 1 << 6,
    HTTP_OTHER = 1 << 7,
} http_method;

typedef struct http_header {
    const char *name;
    const char *value;
} http_header;

#define REQ_MAX_PARAMS       8
#define REQ_MAX_RESP_HEADERS 16

struct route;
struct server_config;
struct principal;

typedef struct req {
    arena *a;           /* request arena: everything below lives in it */
    const char *id;     /* request id, shown on 5xx pages and logged */
    http_method method; /* HEAD is reported as HTTP_HEAD; routes match it as GET */
    const char *method_name;
    const char *path;      /* decoded path, without the query string */
    const char *query_raw; /* undecoded query string, "" when none */
    form query;            /* parsed query string */
    http_header *headers;  /* request headers as sent (names as sent) */
    size_t n_headers;
    const char *body; /* raw body (NUL-terminated), "" when none */
    size_t body_len;
    const char *client_ip; /* textual peer address */
    const struct route *route;
    const char *param_names[REQ_MAX_PARAMS]; /* from {name} in the route pattern */
    const char *param_values[REQ_MAX_PARAMS];
    size_t n_params;
    lang_id lang;                 /* negotiated UI language */
    bool is_api;                  /* path under /api/: errors are JSON */
    db *db;                       /* this worker's connection; NULL for inline routes */
    const struct principal *user; /* who is asking (guard.c); NULL = the public */
    const char *session_token;    /* raw session cookie value when logged in by cookie */
    const char *anon_csrf;        /* a visitor's pre-session form token (guard.c), once a
                                     page with a form asked for it */
    bool prepare_failed;          /* who is asking could not be found out (out of memory,
                                     database error): the guard answers 5xx */
    bool token_expired;           /* the Bearer token sent is past its expiry (guard.c) */
    const struct server_config *cfg;
    uint64_t started_us;

    /* response */
    unsigned status;          /* default 200 */
    const char *content_type; /* default text/html; charset=utf-8 */
    http_header resp_headers[REQ_MAX_RESP_HEADERS];
    size_t n_resp_headers;
    buf out;                          /* response body; owned by the request */
    const unsigned char *static_body; /* alternative body not copied (assets) */
    size_t static_len;
    bool no_etag;              /* do not add an ETag / answer 304 automatically */
    const char *etag;          /* entity tag (without quotes) when the handler knows
                                  one; else the server hashes the body */
    const char *cache_control; /* default "no-cache" for dynamic pages; ignored when
                                  user is set: then always "private, no-store" */
    const char *cache_key;     /* set by a handler: keep this answer in the page cache
                                  under this key and cache_version, if it ends up a
                                  whole 200 (server_hook_finish decides) */
    int64_t cache_version;
} req;

/* The header's value (case-insensitive name), or NULL. */
const char *req_header(const req *r, const char *name);
/* The value of path parameter {name}, or NULL. */
const char *req_param(const req *r, const char *name);
/* The first query parameter name, or NULL. */
const char *req_query(const req *r, const char *name);
/* The request's Accept header says it prefers JSON over HTML. */
bool req_wants_json(const req *r);

/* Parses the body as a form (urlencoded or multipart/form-data, chosen by
 * Content-Type) into *out. On failure writes the 4xx response itself (400
 * naming the field, 415 for another content type) and returns false, so a
 * handler does: if (!req_body_form(r, &f)) return; */
bool req_body_form(req *r, form *out);

/* Adds a response header (name and value are copied into the arena).
 * Returns false when the header table is full or a value holds CR/LF. */
bool resp_header(req *r, const char *name, const char *value);
/* 303 See Other to a local path (must start with '/'; anything else is
 * replaced by "/"). */
void resp_redirect(req *r, const char *location);
/* An error response in the request's flavour: the JSON error format
 * {"error":{"code":..,"message":..}} under /api/, else an HTML page in the
 * layout. status >= 500 adds the request id; message is shown as text. */
void resp_error(req *r, unsigned status, const char *message);
/* A 5xx for a bug or outage: logs cause with the request id, and shows the
 * user a short apology with the id. 503 for DB_FULL/DB_BUSY/DB_IOERR
 * (temporarily unable to store), 500 for anything else. */
void resp_fail(req *r, db_status st, const char *cause);
/* The writer of error bodies, registered by the web layer (web_setup):
 * JSON {"error":{"code":..,"message":..}} under /api/ or when the client
 * prefers JSON, else an HTML page in the site layout. resp_error has set
 * status, emptied r->out and cleared any static body before calling it; the
 * writer sets content_type and writes r->out. The HTTP layer writes no
 * HTML or JSON itself: without a writer the body is plain text. */
typedef void (*resp_error_body_fn)(req *r, unsigned status, const char *message);
void resp_set_error_body(resp_error_body_fn fn);
/* The stable machine-readable code of an HTTP status ("not_found", ...). */
const char *http_status_code(unsigned status);
/* The reason phrase of an HTTP status ("Not Found"). */
const char *http_status_text(unsigned status);

#endif
