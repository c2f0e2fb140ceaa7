/* web_event_ical.c: the iCalendar feeds (see web.h): every coming event
 * (/events.ics) and one event (/events/{id}/event.ics), written by ical/.
 * Shares the loading of web_event.c through web_event.h. */
#include <string.h>

#include "core/timeutil.h"
#include "ical/ical.h"
#include "web/web.h"
#include "web/web_event.h"
#include "web/web_org.h"

/* --- iCalendar ---------------------------------------------------------------------- */

static void ical_of(req *r, const event_rec *e, ical_event *c, const char *host)
{
    const char *base = web_base_url(r);
    const char *where = e->place && *e->place ? e->place : e->online_url;
    *c = (ical_event){
        .uid = arena_printf(r->a, "event-%lld@%s", (long long)e->id, host),
        .summary = web_event_title(r, e),
        .description = web_org_text(r, e->description_sr, e->description_en),
        .location = where,
        .url = base ? arena_printf(r->a, "%s/events/%lld", base, (long long)e->id) : NULL,
        .starts_at = e->starts_at,
        .ends_at = e->ends_at,
        .stamp = e->updated_at,
        .sequence = e->updated_at - e->created_at > 0 ? (e->updated_at - e->created_at) / 60 : 0,
        .cancelled = strcmp(e->status, "cancelled") == 0,
        .alarm_before = 86400,
        .alarm_text = arena_printf(r->a, T(r->lang, MSG_EVENT_ALARM), web_event_title(r, e)),
    };
}

/* The host part of UIDs: the configured public host, else "scan". */
static const char *uid_host(req *r)
{
    const char *base = web_base_url(r);
    const char *p = base ? strstr(base, "://") : NULL;
    return p ? p + 3 : "scan";
}

static void send_ical(req *r, const event_rec *ev, size_t n, const char *name, const char *file)
{
    ical_event *c = arena_alloc(r->a, (n ? n : 1) * sizeof *c);
    if (!c) {
        resp_fail(r, DB_NOMEM, "ical");
        return;
    }
    const char *host = uid_host(r);
    for (size_t i = 0; i < n; i++)
        ical_of(r, &ev[i], &c[i], host);
    if (!ical_write(&r->out, name, c, n)) {
        buf_reset(&r->out);
        resp_fail(r, DB_NOMEM, "ical_write");
        return;
    }
    r->content_type = "text/calendar; charset=utf-8";
    resp_header(r, "Content-Disposition", arena_printf(r->a, "inline; filename=\"%s\"", file));
}

void web_event_ics(req *r)
{
    event_rec e;
    if (!web_event_load(r, &e))
        return;
    send_ical(r, &e, 1, web_event_title(r, &e),
              arena_printf(r->a, "event-%lld.ics", (long long)e.id));
}

/* GET /events.ics[?organiser=slug]: upcoming events and those of the last
 * 90 days (a calendar keeps what it saw), at most 500. */
void web_events_ics(req *r)
{
    event_filter f = {.limit = 200};
    const char *slug = req_query(r, "organiser");
    const char *name = T(r->lang, MSG_EVENTS_TITLE);
    if (slug && *slug) {
        org_rec o;
        bool found = false;
        db_status st = org_get(r->db, r->a, slug, 0, &o, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "org_get");
            return;
        }
        if (!found || !o.status || strcmp(o.status, "published") != 0) {
            resp_error(r, 404, "organiser: no directory entry with this address.");
            return;
        }
        f.organiser_id = o.id;
        name = arena_printf(r->a, "%s: %s", name, web_org_name(r, &o));
    }
    event_rec *up, *past;
    size_t nu, np;
    db_status st = event_list(r->db, r->a, &f, &up, &nu);
    f.past = true;
    f.from = time_now() - 90 * 86400;
    if (st == DB_OK)
        st = event_list(r->db, r->a, &f, &past, &np);
    if (st != DB_OK) {
        resp_fail(r, st, "event_list");
        return;
    }
    event_rec *all = arena_alloc(r->a, (nu + np + 1) * sizeof *all);
    if (!all) {
        resp_fail(r, DB_NOMEM, "events.ics");
        return;
    }
    if (np)
        memcpy(all, past, np * sizeof *all);
    if (nu)
        memcpy(all + np, up, nu * sizeof *all);
    send_ical(r, all, nu + np, name, "events.ics");
}
