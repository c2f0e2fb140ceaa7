/* request.c: request accessors and response helpers (see request.h).
 *
 * Error responses set their status here, in one place; the body (JSON under
 * /api/, HTML in the site layout elsewhere) is written by the writer the web
 * layer registers, so this layer stays transport only, with a plain-text
 * fallback. */
#include "http/request.h"

#include <assert.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/strutil.h"

static resp_error_body_fn error_body;

void resp_set_error_body(resp_error_body_fn fn)
{
    error_body = fn;
}

const char *req_header(const req *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

const char *req_param(const req *r, const char *name)
{
    for (size_t i = 0; i < r->n_params; i++)
        if (strcmp(r->param_names[i], name) == 0)
            return r->param_values[i];
    return NULL;
}

const char *req_query(const req *r, const char *name)
{
    return form_get(&r->query, name);
}

bool req_wants_json(const req *r)
{
    const char *acc = req_header(r, "Accept");
    return acc && strstr(acc, "application/json") && !strstr(acc, "text/html");
}

bool req_body_form(req *r, form *out)
{
    assert(r && r->a && out);
    const char *ct = req_header(r, "Content-Type");
    const char *bad = NULL;
    form_status st;
    memset(out, 0, sizeof *out);
    if (r->body_len == 0 && !ct)
        return true; /* an empty form */
    if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
        st = form_parse_urlencoded(r->a, r->body, r->body_len, out, &bad);
    else if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0)
        st = form_parse_multipart(r->a, ct, r->body, r->body_len, out, &bad);
    else {
        resp_error(r, 415, T(r->lang, MSG_HTTP_ERR_FORM_TYPE));
        return false;
    }
    if (st == FORM_OK)
        return true;
    if (st == FORM_ERR_NOMEM) {
        resp_fail(r, DB_NOMEM, "form parsing ran out of memory");
        return false;
    }
    msg_id m = st == FORM_ERR_ENCODING   ? MSG_HTTP_ERR_FORM_ENCODING
               : st == FORM_ERR_UTF8     ? MSG_HTTP_ERR_FORM_UTF8
               : st == FORM_ERR_TOO_MANY ? MSG_HTTP_ERR_FORM_TOO_MANY
                                         : MSG_HTTP_ERR_FORM_MULTIPART;
    buf msg = BUF_INIT;
    buf_printf(&msg, T(r->lang, m), bad ? bad : "?");
    resp_error(r, 400, buf_str(&msg));
    buf_free(&msg);
    return false;
}

bool resp_header(req *r, const char *name, const char *value)
{
    assert(r && r->a && name && value);
    if (r->n_resp_headers >= REQ_MAX_RESP_HEADERS || strpbrk(value, "\r\n") ||
        strpbrk(name, "\r\n: "))
        return false;
    http_header *h = &r->resp_headers[r->n_resp_headers];
    h->name = arena_strdup(r->a, name);
    h->value = arena_strdup(r->a, value);
    if (!h->name || !h->value)
        return false;
    r->n_resp_headers++;
    return true;
}

void resp_redirect(req *r, const char *location)
{
    assert(r);
    /* only local paths: "//host" and "/\host" would leave the site */
    if (!location || location[0] != '/' || location[1] == '/' || location[1] == '\\')
        location = "/";
    r->status = 303;
    resp_header(r, "Location", location);
    buf_reset(&r->out);
}

const char *http_status_code(unsigned status)
{
    switch (status) {
    case 400:
        return "bad_request";
    case 401:
        return "unauthorized";
    case 403:
        return "forbidden";
    case 404:
        return "not_found";
    case 405:
        return "method_not_allowed";
    case 408:
        return "request_timeout";
    case 409:
        return "conflict";
    case 413:
        return "payload_too_large";
    case 415:
        return "unsupported_media_type";
    case 422:
        return "unprocessable";
    case 429:
        return "too_many_requests";
    case 431:
        return "headers_too_large";
    case 500:
        return "internal_error";
    case 503:
        return "unavailable";
    default:
        return status >= 500 ? "server_error" : "client_error";
    }
}

const char *http_status_text(unsigned status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Error";
    }
}

void resp_error(req *r, unsigned status, const char *message)
{
    assert(r && status >= 400 && status < 600);
    r->status = status;
    r->static_body = NULL;
    buf_reset(&r->out);
    r->no_etag = true;
    r->content_type = "text/plain; charset=utf-8";
    if (error_body) {
        error_body(r, status, message);
        return;
    }
    /* No writer registered (unit tests, tools): the message as plain text,
     * which needs no escaping. */
    buf_printf(&r->out, "%u %s\n", status, message ? message : "");
}

void resp_fail(req *r, db_status st, const char *cause)
{
    assert(r);
    log_msg(LOG_LVL_ERROR, r->id, "%s %s: %s (%s)", r->method_name, r->path,
            cause ? cause : "failure", db_status_name(st));
    bool temporary = st == DB_FULL || st == DB_BUSY || st == DB_IOERR || st == DB_READONLY;
    if (temporary)
        resp_header(r, "Retry-After", "60");
    resp_error(r, temporary ? 503 : 500,
               T(r->lang, temporary ? MSG_HTTP_ERR_UNAVAILABLE : MSG_HTTP_ERR_SERVER));
}
