/* api_event.c: events over JSON (issue 15): GET /api/v1/events (upcoming
 * or past, by type, audience and organiser, keyset pages), GET
 * /api/v1/events/{id}, and registrations: POST .../registrations
 * (oneself, or a colleague by person id as a representative), DELETE
 * .../registrations/{person} ("me" or an id: oneself, or one's
 * colleague's registration), GET .../registrations (the participants, for
 * whoever may edit the organiser's entry only). Times are ISO 8601 UTC;
 * the public reads counts of confirmed and waiting registrations, never
 * who registered. Writes need a session with CSRF or a read-write token. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/event.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_event.h"

/* json_put_string writes null for NULL. */
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
    json_put_field(o, "kind", e->kind);
    json_put_field(o, "status", e->status);
    json_put_field(o, "title_sr", e->title_sr);
    json_put_field(o, "title_en", e->title_en);
    json_put_field(o, "description_sr", e->description_sr);
    json_put_field(o, "description_en", e->description_en);
    put_time(o, "starts_at", e->starts_at);
    put_time(o, "ends_at", e->ends_at);
    put_time(o, "cancel_until", e->cancel_until);
    json_put_field(o, "place", e->place);
    json_put_field(o, "online_url", e->online_url);
    json_put_field(o, "language", e->language);
    json_put_field(o, "audience", e->audience);
    json_put_key(o, "organiser", false);
    buf_puts(o, "{");
    json_put_key(o, "slug", true);
    json_put_string(o, e->organiser_slug);
    json_put_field(o, "name", e->organiser_name);
    json_put_field(o, "name_en", e->organiser_name_en);
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
    const char *when = req_query(r, "when");
    const char *lim = req_query(r, "limit"), *cursor = req_query(r, "cursor");
    if (when && *when && strcmp(when, "upcoming") != 0 && strcmp(when, "past") != 0) {
        resp_error(r, 400, "when: upcoming or past.");
        return;
    }
    f.past = when && strcmp(when, "past") == 0;
    org_rec organiser;
    if (!web_event_filter_query(r, &f, &organiser))
        return;
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

/* --- registrations ------------------------------------------------------------------ */

/* The event named by {id}, or a 404 written and false. */
static bool load_event(req *r, event_rec *e)
{
    int64_t id = 0;
    bool found = false;
    const char *p = req_param(r, "id");
    if (p && str_to_i64(p, &id) && id > 0) {
        db_status st = event_get(r->db, r->a, id, e, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "event_get");
            return false;
        }
    }
    if (!found)
        resp_error(r, 404, "No event with this id.");
    return found;
}

/* A refusal of the model as a status and a sentence. */
static void refused(req *r, event_refusal why, const event_rec *e)
{
    switch (why) {
    case EVENT_NOT_AUDIENCE:
        resp_error(r, 403,
                   strcmp(e->audience, "managers") == 0
                       ? "audience: this event is for cluster management teams (and the "
                         "secretariat); the person registered is not on one."
                       : "audience: this event is for people of organisations that are accepted "
                         "members of a cluster (and management teams); the person registered is "
                         "not one.");
        return;
    case EVENT_NOT_COLLEAGUE:
        resp_error(r, 400,
                   "person: you may register only people affiliated with an "
                   "organisation you represent (or yourself).");
        return;
    case EVENT_ALREADY:
        resp_error(r, 409, "person: already registered for this event (confirmed or waiting).");
        return;
    case EVENT_IS_CANCELLED:
        resp_error(r, 409, "The event is cancelled.");
        return;
    case EVENT_HAS_BEGUN:
        resp_error(r, 409, "Registration closed when the event began.");
        return;
    case EVENT_NOT_REGISTERED:
        resp_error(r, 404, "No registration of this person that you may cancel.");
        return;
    case EVENT_CUTOFF_PASSED:
        resp_error(r, 409, "The cancellation deadline has passed for a confirmed place.");
        return;
    default:
        resp_error(r, 404, "No event with this id.");
        return;
    }
}

static void put_place(req *r, unsigned status, int64_t event_id, int64_t person)
{
    event_place place;
    int64_t pos = 0;
    db_status st = event_place_of(r->db, event_id, person, &place, &pos);
    if (st != DB_OK) {
        resp_fail(r, st, "event_place_of");
        return;
    }
    r->status = status;
    r->content_type = "application/json";
    buf *o = &r->out;
    buf_puts(o, "{");
    json_put_key(o, "event", true);
    json_put_int(o, event_id);
    json_put_key(o, "person", false);
    json_put_int(o, person);
    json_put_field(o, "state",
                   place == EVENT_CONFIRMED ? "confirmed"
                   : place == EVENT_WAITING ? "waiting"
                                            : "cancelled");
    json_put_key(o, "waiting_position", false);
    if (place == EVENT_WAITING)
        json_put_int(o, pos);
    else
        buf_puts(o, "null");
    buf_puts(o, "}");
}

/* POST /api/v1/events/{id}/registrations {"person": ID (optional)} */
void api_event_register(req *r)
{
    event_rec e;
    if (!load_event(r, &e))
        return;
    json_t *body;
    if (!api_read_json(r, &body))
        return;
    json_t *v = json_object_get(body, "person");
    int64_t person = r->user->person_id;
    bool bad = v && !json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) <= 0);
    if (v && json_is_integer(v))
        person = (int64_t)json_integer_value(v);
    json_decref(body);
    if (bad) {
        resp_error(r, 400,
                   "person: a person id (a positive whole number), or leave it out to "
                   "register yourself.");
        return;
    }
    event_place place;
    event_refusal why;
    db_status st = event_register_as(r->db, e.id, person, r->user->person_id, r->client_ip,
                                     web_base_url(r), &place, &why);
    if (st == DB_CONSTRAINT) {
        refused(r, why, &e);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "event_register");
        return;
    }
    put_place(r, 201, e.id, person);
}

/* DELETE /api/v1/events/{id}/registrations/{person}: "me" or an id */
void api_event_unregister(req *r)
{
    event_rec e;
    if (!load_event(r, &e))
        return;
    const char *p = req_param(r, "person");
    int64_t person = 0;
    if (p && strcmp(p, "me") == 0)
        person = r->user->person_id;
    else if (!p || !str_to_i64(p, &person) || person <= 0) {
        resp_error(r, 400, "person: \"me\" or a person id.");
        return;
    }
    event_refusal why;
    db_status st = event_cancel_as(r->db, e.id, person, r->user->person_id, r->client_ip,
                                   web_base_url(r), &why);
    if (st == DB_CONSTRAINT) {
        refused(r, why, &e);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "event_cancel");
        return;
    }
    put_place(r, 200, e.id, person);
}

/* GET /api/v1/events/{id}/registrations: the organiser's list */
void api_event_registrations(req *r)
{
    event_rec e;
    if (!load_event(r, &e))
        return;
    if (!rights_can(r->db, r->user, RIGHT_ORG_EDIT, e.organiser_id)) {
        resp_error(r, 403,
                   "Only the organiser (whoever may edit its directory entry) reads the "
                   "participants.");
        return;
    }
    event_registrant *g;
    size_t n;
    db_status st = event_registrants(r->db, r->a, e.id, &g, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "event_registrants");
        return;
    }
    r->content_type = "application/json";
    buf *o = &r->out;
    buf_puts(o, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "registration", true);
        json_put_int(o, g[i].id);
        json_put_key(o, "person", false);
        json_put_int(o, g[i].person_id);
        json_put_field(o, "name", g[i].name);
        json_put_field(o, "email", g[i].email);
        json_put_field(o, "organisation", g[i].org_name);
        json_put_field(o, "state", g[i].state);
        put_time(o, "registered_at", g[i].queued_at);
        put_time(o, "confirmed_at", g[i].confirmed_at);
        put_time(o, "cancelled_at", g[i].cancelled_at);
        json_put_key(o, "attended", false);
        buf_puts(o, g[i].attended < 0 ? "null" : g[i].attended ? "true" : "false");
        buf_puts(o, "}");
    }
    buf_puts(o, "]}");
}
