/* api.c: JSON endpoint conventions (see api.h). Cursors are "c" followed by
 * the last key in base 36: opaque to clients, cheap to check, and stable
 * under inserts (keyset pagination, never OFFSET). */
#include "api/api.h"

#include <assert.h>
#include <string.h>
#include <strings.h>

#include "core/strutil.h"
#include "json/json.h"

bool api_read_json(req *r, json_t **out)
{
    assert(r && r->a && out);
    *out = NULL;
    const char *ct = req_header(r, "Content-Type");
    if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
        resp_error(r, 415, "Send the body as application/json.");
        return false;
    }
    buf err = BUF_INIT;
    json_t *v = json_parse(r->body, r->body_len, &err);
    if (!v) {
        resp_error(r, 400, buf_str(&err));
        buf_free(&err);
        return false;
    }
    buf_free(&err);
    if (!json_is_object(v)) {
        json_decref(v);
        resp_error(r, 400, "The body must be a JSON object.");
        return false;
    }
    *out = v;
    return true;
}

void api_send(req *r, unsigned status, json_t *v)
{
    assert(r && status >= 200 && status < 600);
    r->status = status;
    r->content_type = "application/json";
    buf_reset(&r->out);
    if (!v || !json_dump_buf(&r->out, v)) {
        json_decref(v);
        resp_fail(r, DB_NOMEM, "cannot encode JSON response");
        return;
    }
    buf_putc(&r->out, '\n');
    json_decref(v);
}

void api_cursor_encode(buf *out, int64_t last)
{
    assert(out && last >= 0);
    char tmp[24];
    int n = 0;
    uint64_t v = (uint64_t)last;
    do {
        int d = (int)(v % 36);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= 36;
    } while (v && n < (int)sizeof tmp);
    buf_putc(out, 'c');
    while (n > 0)
        buf_putc(out, tmp[--n]);
}

bool api_cursor_decode(const char *cursor, int64_t *last)
{
    assert(last);
    if (!cursor || cursor[0] != 'c' || !cursor[1] || strlen(cursor) > 14)
        return false;
    uint64_t v = 0;
    for (const char *p = cursor + 1; *p; p++) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (*p >= 'a' && *p <= 'z')
            d = *p - 'a' + 10;
        else
            return false;
        if (v > (UINT64_MAX - (uint64_t)d) / 36)
            return false;
        v = v * 36 + (uint64_t)d;
    }
    if (v > INT64_MAX)
        return false;
    *last = (int64_t)v;
    return true;
}

bool api_page_parse(req *r, api_page *p)
{
    assert(r && p);
    p->limit = 20;
    p->after = 0;
    const char *l = req_query(r, "limit");
    int64_t v;
    if (l) {
        if (!str_to_i64(l, &v) || v < 1 || v > 100) {
            resp_error(r, 400, "limit must be a whole number from 1 to 100.");
            return false;
        }
        p->limit = (int)v;
    }
    const char *c = req_query(r, "cursor");
    if (c && !api_cursor_decode(c, &p->after)) {
        resp_error(r, 400, "cursor is not valid: use the next_cursor of a previous answer.");
        return false;
    }
    return true;
}

/* --- 422 answers ------------------------------------------------------------ */

void api_errs_add(req *r, api_errs *e, const char *field, const char *text)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->field[i], field) == 0)
            return;
    if (e->n < sizeof e->field / sizeof e->field[0]) {
        e->field[e->n] = arena_strdup(r->a, field);
        e->text[e->n] = text;
        if (e->field[e->n])
            e->n++;
    }
}

void api_send_invalid(req *r, const api_errs *e)
{
    buf *o = &r->out;
    buf msg = BUF_INIT;
    buf_puts(&msg, e->n == 1 ? "This field is not valid: " : "These fields are not valid: ");
    for (size_t i = 0; i < e->n; i++) {
        if (i)
            buf_puts(&msg, ", ");
        buf_puts(&msg, e->field[i]);
    }
    buf_puts(&msg, ". See fields for what to fix.");
    r->status = 422;
    r->content_type = "application/json";
    r->no_etag = true;
    r->static_body = NULL;
    buf_reset(o);
    buf_puts(o, "{\"error\":{");
    json_put_key(o, "code", true);
    json_put_string(o, "invalid");
    json_put_key(o, "message", false);
    json_put_string(o, buf_str(&msg));
    json_put_key(o, "fields", false);
    buf_putc(o, '{');
    for (size_t i = 0; i < e->n; i++) {
        json_put_key(o, e->field[i], i == 0);
        json_put_string(o, e->text[i]);
    }
    buf_puts(o, "}}}\n");
    buf_free(&msg);
}

bool api_cluster_load(req *r, org_rec *o)
{
    assert(r && o);
    const char *slug = req_param(r, "slug");
    bool found = false;
    db_status st = slug && strlen(slug) <= 200 ? org_get(r->db, r->a, slug, 0, o, &found) : DB_OK;
    if (st != DB_OK) {
        resp_fail(r, st, "org_get");
        return false;
    }
    if (!found || !o->kind ||
        (strcmp(o->kind, "cluster") != 0 && strcmp(o->kind, "cluster_initiative") != 0)) {
        resp_error(r, 404, "No cluster or cluster initiative with this slug.");
        return false;
    }
    return true;
}
