/* api_event.c: events over JSON (issue 15): GET /api/v1/events (upcoming
 * or past, by type and organiser, keyset pages) and GET
 * /api/v1/events/{id}. Times are ISO 8601 UTC; counts of confirmed and
 * waiting registrations, never who registered (the participants list is
 * the organiser's page). */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/event.h"
#include "model/org.h"
#include "web/web.h"

static void put_str(buf *o, const char *key, const char *v)
{
    json_put_key(o, key, false);
    if (v)
        json_put_string(o, v);
    else
        buf_puts(o, "null");
}

static void put_time(buf *o, const char *key, int64_t t)
{
    json_put_key(o, key, false);
    if (!t) {
        buf_puts(o, "null");
        return;
    }
    buf b = BUF_INIT;
    time_fmt_iso(&b, t);
    json_put_string(o, buf_str(&b));
    buf_free(&b);
}

static void put_event(buf *o, const event_rec *e)
{
    buf_puts(o, "{");
    json_put_key(o, "id", true);
    json_put_int(o, e->id);
    put_str(o, "kind", e->kind);
    put_str(o, "status", e->status);
    put_str(o, "title_sr", e->title_sr);
    put_str(o, "title_en", e->title_en);
    put_str(o, "description_sr", e->description_sr);
    put_str(o, "description_en", e->description_en);
    put_time(o, "starts_at", e->starts_at);
    put_time(o, "ends_at", e->ends_at);
    put_time(o, "cancel_until", e->cancel_until);
    put_str(o, "place", e->place);
    put_str(o, "online_url", e->online_url);
    put_str(o, "language", e->language);
    put_str(o, "audience", e->audience);
    json_put_key(o, "organiser", false);
    buf_puts(o, "{");
    json_put_key(o, "slug", true);
    json_put_string(o, e->organiser_slug);
    put_str(o, "name", e->organiser_name);
    put_str(o, "name_en", e->organiser_name_en);
    buf_puts(o, "}");
    json_put_key(o, "capacity", false);
    if (e->capacity)
        json_put_int(o, e->capacity);
    else
        buf_puts(o, "null");
    json_put_key(o, "confirmed", false);
    json_put_int(o, e->confirmed);
    json_put_key(o, "waiting", false);
    json_put_int(o, e->waiting);
    json_put_key(o, "is_demo", false);
    json_put_bool(o, e->is_demo);
    buf_puts(o, "}");
}

void api_event_list(req *r)
{
    event_filter f = {.limit = 50};
    const char *when = req_query(r, "when"), *kind = req_query(r, "kind");
    const char *lim = req_query(r, "limit"), *cursor = req_query(r, "cursor");
    const char *organiser = req_query(r, "organiser");
    if (when && *when && strcmp(when, "upcoming") != 0 && strcmp(when, "past") != 0) {
        resp_error(r, 400, "when: upcoming or past.");
        return;
    }
    f.past = when && strcmp(when, "past") == 0;
    if (kind && *kind) {
        if (!event_kind_known(kind)) {
            resp_error(r, 400, "kind: one of training, workshop, conference, b2b, study_visit.");
            return;
        }
        f.kind = kind;
    }
    if (lim && *lim) {
        int64_t v = 0;
        if (!str_to_i64(lim, &v) || v < 1 || v > 100) {
            resp_error(r, 400, "limit: a whole number from 1 to 100.");
            return;
        }
        f.limit = (int)v;
    }
    if (cursor && *cursor) {
        int used = 0;
        if (sscanf(cursor, "%lld.%lld%n", (long long *)&f.after_start, (long long *)&f.after_id,
                   &used) != 2 ||
            cursor[used] || f.after_id <= 0) {
            resp_error(r, 400, "cursor: use next_cursor from the previous page as it is.");
            return;
        }
    }
    if (organiser && *organiser) {
        org_rec o;
        bool found = false;
        db_status st = org_get(r->db, r->a, organiser, 0, &o, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "org_get");
            return;
        }
        if (!found || !o.status || strcmp(o.status, "published") != 0) {
            resp_error(r, 404, "organiser: no directory entry with this slug.");
            return;
        }
        f.organiser_id = o.id;
    }
    event_rec *ev;
    size_t n;
    db_status st = event_list(r->db, r->a, &f, &ev, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "event_list");
        return;
    }
    buf *o = &r->out;
    r->content_type = "application/json";
    buf_puts(o, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(o, ',');
        put_event(o, &ev[i]);
    }
    buf_puts(o, "],\"next_cursor\":");
    if (n == (size_t)f.limit)
        buf_printf(o, "\"%lld.%lld\"", (long long)ev[n - 1].starts_at, (long long)ev[n - 1].id);
    else
        buf_puts(o, "null");
    buf_puts(o, "}");
}

void api_event_get(req *r)
{
    int64_t id = 0;
    bool found = false;
    event_rec e;
    const char *p = req_param(r, "id");
    if (p && str_to_i64(p, &id) && id > 0) {
        db_status st = event_get(r->db, r->a, id, &e, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "event_get");
            return;
        }
    }
    if (!found) {
        resp_error(r, 404, "No event with this id.");
        return;
    }
    r->content_type = "application/json";
    put_event(&r->out, &e);
}
