/* api.h: conventions shared by every JSON endpoint under /api/v1/.
 *
 * - Bodies are JSON read with jansson (api_read_json): a wrong Content-Type
 *   is 415, malformed JSON a 400 that says where.
 * - Errors use resp_error(), which writes {"error":{"code","message"}}.
 * - Lists take `limit` (1..100, default 20) and an opaque `cursor`, and
 *   answer {"items":[...],"next_cursor":"..."|null} (api_page_*).
 * - GET responses get an ETag and 304 from the server automatically. */
#ifndef SCAN_API_H
#define SCAN_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/request.h"
#include "model/org.h"
#include "model/submission.h"
#include "model/tie.h"

/* Parses the request body as a JSON object into *out (caller decrefs). On
 * failure writes the 4xx response and returns false. */
bool api_read_json(req *r, json_t **out);
/* Writes v (reference stolen) as the response with the given status. */
void api_send(req *r, unsigned status, json_t *v);

typedef struct api_page {
    int limit;     /* 1..100 */
    int64_t after; /* keyset position decoded from the cursor; 0 = start */
} api_page;

/* Reads limit and cursor from the query. On a bad value writes a 400 that
 * names it and returns false. */
bool api_page_parse(req *r, api_page *p);
/* Appends the opaque cursor that continues after key `last` (URL-safe). */
void api_cursor_encode(buf *out, int64_t last);
/* Decodes a cursor; false when it is not one of ours. */
bool api_cursor_decode(const char *cursor, int64_t *last);

/* Field errors collected for one 422 answer. */
typedef struct api_errs {
    const char *field[40];
    const char *text[40]; /* English, what to fix */
    size_t n;
} api_errs;

/* Adds text for field (the field's name copied to r's arena); the first
 * error per field wins, errors past 40 are dropped. */
void api_errs_add(req *r, api_errs *e, const char *field, const char *text);
/* Writes the 422 answer {"error":{"code":"invalid","message":..,
 * "fields":{name: text}}}, the message naming the fields. */
void api_send_invalid(req *r, const api_errs *e);

/* Loads the cluster or cluster initiative named by the path's {slug} into
 * *o (strings in r's arena). Writes the 404 (no such slug, or an entry of
 * another kind) or the 5xx itself and returns false otherwise; rights are
 * the caller's to check. */
bool api_cluster_load(req *r, org_rec *o);

/* POST .../{id}/consent (api_tie.c): the body read, then web_tie_decide
 * for org named in id (loaded as obj under its visibility rule: an
 * agreement_rec or a project_rec) as one of kinds[0..n_kinds) (kinds[0]
 * the default), answered as JSON; not_found the 404's message. */
void api_tie_consent(req *r, const tie_kind *kinds, size_t n_kinds, const void *obj, int64_t id,
                     const char *not_found);

/* The position's submissions as a JSON array (api_advocacy.c): each with
 * its institution, date, channel, reference, document, "overdue" when the
 * institution is silent past the no-answer days, and its latest answer as
 * "outcome" (null while none). Shared by the position and its
 * submissions' list. */
void api_put_submissions(buf *o, const submission_rec *s, size_t n);

#endif
