/* web_event.c: events and trainings (issue 15): the list (/events), an
 * event's page with registration, the organiser's form and participants
 * list, and the iCalendar feeds (/events.ics, /events/{id}/event.ics).
 *
 * Who may do what: anyone reads the list, the pages and the feeds; a
 * logged-in person registers themselves and cancels; whoever may edit
 * the organiser's directory entry (RIGHT_ORG_EDIT: the secretariat, the
 * cluster's managers, the entry's representatives) creates and edits its
 * events and sees the participants. Times on screen and in forms are
 * Europe/Belgrade (the process zone, timeutil.c); stored UTC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/csv.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "ical/ical.h"
#include "json/json.h"
#include "model/event.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_org.h"

/* --- labels ------------------------------------------------------------------- */

static const msg_id kind_msgs[] = {MSG_EVENT_KIND_TRAINING, MSG_EVENT_KIND_WORKSHOP,
                                   MSG_EVENT_KIND_CONFERENCE, MSG_EVENT_KIND_B2B,
                                   MSG_EVENT_KIND_STUDY_VISIT};
static const msg_id lang_msgs[] = {MSG_EVENT_LANG_SR, MSG_EVENT_LANG_EN, MSG_EVENT_LANG_SR_EN};
static const msg_id audience_msgs[] = {MSG_EVENT_AUD_MANAGERS, MSG_EVENT_AUD_MEMBERS,
                                       MSG_EVENT_AUD_EVERYONE};

/* The label of code among codes (parallel to msgs), or the code itself. */
static const char *label(req *r, const char *const *codes, const msg_id *msgs, const char *code)
{
    for (size_t i = 0; code && codes[i]; i++)
        if (strcmp(codes[i], code) == 0)
            return T(r->lang, msgs[i]);
    return code ? code : "";
}

static const char *title_of(req *r, const event_rec *e)
{
    return web_org_text(r, e->title_sr, e->title_en);
}

/* --- times -------------------------------------------------------------------- */

/* "YYYY-MM-DDTHH:MM" (a datetime-local input) or "YYYY-MM-DD HH:MM", in
 * Belgrade time, as UTC seconds; 0 when empty; -1 when malformed. */
static int64_t parse_local(const char *s)
{
    if (!s || !*s)
        return 0;
    int y, mo, d, h, mi;
    char sep;
    int used = 0;
    if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &used) != 6 ||
        (sep != 'T' && sep != ' ') || s[used] != '\0' || y < 2000 || y > 2100 || mo < 1 ||
        mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59)
        return -1;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_isdst = -1};
    time_t t = mktime(&tm);
    /* mktime normalises 31 February into March: refuse what moved */
    if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
        return -1;
    return (int64_t)t;
}

/* The datetime-local value of a UTC time ("" for 0). */
static const char *local_value(req *r, int64_t t)
{
    if (t <= 0)
        return "";
    time_t tt = (time_t)t;
    struct tm tm;
    char v[20];
    if (!localtime_r(&tt, &tm) || strftime(v, sizeof v, "%Y-%m-%dT%H:%M", &tm) == 0)
        return "";
    return arena_strdup(r->a, v);
}

/* A date and time as text in the reader's language (for sentences). */
static const char *when_text(req *r, int64_t t)
{
    buf b = BUF_INIT;
    i18n_fmt_datetime(&b, r->lang, t);
    const char *s = buf_failed(&b) ? "" : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return s ? s : "";
}

/* --- loading ---------------------------------------------------------------------- */

/* The event named by {id}, or a 404 / 5xx written and false. */
static bool load_event(req *r, event_rec *e)
{
    const char *p = req_param(r, "id");
    int64_t id = 0;
    bool found = false;
    if (p && str_to_i64(p, &id) && id > 0) {
        db_status st = event_get(r->db, r->a, id, e, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "event_get");
            return false;
        }
    }
    if (!found) {
        resp_error(r, 404, T(r->lang, MSG_EVENTS_NONE));
        return false;
    }
    return true;
}

static bool may_organise(req *r, int64_t organiser_id)
{
    return r->user && rights_can(r->db, r->user, RIGHT_ORG_EDIT, organiser_id);
}

/* --- the list ------------------------------------------------------------------- */

static void event_item(req *r, const event_rec *e)
{
    lang_id L = r->lang;
    html_fmt(&r->out, "<li class=\"event-item\"><h2><a href=\"/events/%D\">%s</a></h2>",
             (long long)e->id, title_of(r, e));
    html_raw(&r->out, "<p class=\"event-meta\">");
    web_datetime(r, e->starts_at, MSG_EVENTS_NONE);
    html_fmt(&r->out, " · %s · <a href=\"/orgs/%q\">%s</a>",
             label(r, event_kinds, kind_msgs, e->kind), e->organiser_slug,
             web_org_text(r, e->organiser_name, e->organiser_name_en));
    if (e->place && *e->place)
        html_fmt(&r->out, " · %s", web_org_text(r, e->place, NULL));
    else if (e->online_url)
        html_fmt(&r->out, " · %s", T(L, MSG_EVENT_ONLINE));
    if (strcmp(e->status, "cancelled") == 0)
        html_fmt(&r->out, " · <strong>%s</strong>", T(L, MSG_EVENT_IS_CANCELLED));
    else if (e->capacity && e->confirmed >= e->capacity)
        html_fmt(&r->out, " · <strong>%s</strong>", T(L, MSG_EVENT_FULL_SHORT));
    html_raw(&r->out, "</p></li>\n");
}

/* The month filter "YYYY-MM" as [from, to) in UTC; false when malformed. */
static bool month_range(const char *m, int64_t *from, int64_t *to)
{
    *from = *to = 0;
    if (!m || !*m)
        return true;
    int y, mo, used = 0;
    if (sscanf(m, "%4d-%2d%n", &y, &mo, &used) != 2 || m[used] || y < 2000 || y > 2100 || mo < 1 ||
        mo > 12)
        return false;
    struct tm a = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = 1, .tm_isdst = -1};
    struct tm b = {
        .tm_year = y - 1900 + (mo == 12), .tm_mon = mo % 12, .tm_mday = 1, .tm_isdst = -1};
    *from = (int64_t)mktime(&a);
    *to = (int64_t)mktime(&b);
    return true;
}

void web_event_list(req *r)
{
    lang_id L = r->lang;
    event_filter f = {.limit = 30};
    f.past = req_query(r, "when") && strcmp(req_query(r, "when"), "past") == 0;
    const char *kind = req_query(r, "kind");
    if (kind && *kind) {
        bool known = false;
        for (size_t i = 0; event_kinds[i]; i++)
            known |= strcmp(event_kinds[i], kind) == 0;
        if (!known) {
            resp_error(r, 400, "kind: one of training, workshop, conference, b2b, study_visit.");
            return;
        }
        f.kind = kind;
    }
    const char *month = req_query(r, "month");
    if (!month_range(month, &f.from, &f.to)) {
        resp_error(r, 400, T(L, MSG_EVENT_ERR_DATETIME));
        return;
    }
    const char *after = req_query(r, "after"); /* "starts.id" of the last row shown */
    if (after && *after &&
        sscanf(after, "%lld.%lld", (long long *)&f.after_start, (long long *)&f.after_id) != 2) {
        resp_error(r, 400, "after: the link's value, START.ID.");
        return;
    }
    event_rec *ev;
    size_t n;
    db_status st = event_list(r->db, r->a, &f, &ev, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "event_list");
        return;
    }
    page_meta m = {
        .title = T(L, MSG_EVENTS_TITLE), .nav = "events", .description = T(L, MSG_EVENTS_LEAD)};
    layout_begin(r, &m);
    buf *o = &r->out;
    html_fmt(o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T(L, MSG_EVENTS_TITLE),
             T(L, MSG_EVENTS_LEAD));
    html_raw(o, "<p class=\"event-actions\">");
    if (r->user) {
        event_organiser *org;
        size_t no = 0;
        if (event_organisers(r->db, r->a, r->user->person_id, r->user->secretariat >= SEC_EDITOR,
                             &org, &no) == DB_OK &&
            no)
            html_fmt(o, "<a class=\"button\" href=\"/events/new\">%s</a> ", T(L, MSG_EVENTS_NEW));
    }
    html_fmt(o, "<a href=\"/events.ics\">%s</a></p>\n", T(L, MSG_EVENTS_CALENDAR));
    /* tabs and filters: a GET form, so every view has its own address */
    html_fmt(o,
             "<nav class=\"subnav\" aria-label=\"%s\"><ul><li><a href=\"/events\"%R>%s</a></li>"
             "<li><a href=\"/events?when=past\"%R>%s</a></li></ul></nav>\n",
             T(L, MSG_EVENTS_TITLE), f.past ? "" : " aria-current=\"page\"",
             T(L, MSG_EVENTS_UPCOMING), f.past ? " aria-current=\"page\"" : "",
             T(L, MSG_EVENTS_PAST));
    html_raw(o, "<form method=\"get\" action=\"/events\" class=\"filters-inline\">");
    if (f.past)
        html_raw(o, "<input type=\"hidden\" name=\"when\" value=\"past\">");
    html_fmt(o,
             "<label for=\"ev-kind\">%s</label> <select id=\"ev-kind\" name=\"kind\">"
             "<option value=\"\">%s</option>",
             T(L, MSG_EVENTS_FILTER_KIND), T(L, MSG_EVENTS_ANY));
    for (size_t i = 0; event_kinds[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", event_kinds[i],
                 f.kind && strcmp(f.kind, event_kinds[i]) == 0 ? " selected" : "",
                 T(L, kind_msgs[i]));
    html_fmt(o,
             "</select> <label for=\"ev-month\">%s</label> <input id=\"ev-month\" "
             "type=\"month\" name=\"month\" value=\"%s\"> <button type=\"submit\">%s</button>"
             "</form>\n",
             T(L, MSG_EVENTS_FILTER_MONTH), month ? month : "", T(L, MSG_EVENTS_SHOW));
    if (n == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_EVENTS_NONE));
    } else {
        html_raw(o, "<ul class=\"event-list\">\n");
        for (size_t i = 0; i < n; i++)
            event_item(r, &ev[i]);
        html_raw(o, "</ul>\n");
        if (n == (size_t)f.limit) {
            const event_rec *last = &ev[n - 1];
            html_fmt(o,
                     "<p><a rel=\"next\" href=\"/events?%R%R%s%R%s&amp;after=%D.%D\">%s</a></p>\n",
                     f.past ? "when=past&amp;" : "", f.kind ? "kind=" : "", f.kind ? f.kind : "",
                     month && *month ? "&amp;month=" : "", month && *month ? month : "",
                     (long long)last->starts_at, (long long)last->id,
                     T(L, f.past ? MSG_EVENTS_EARLIER : MSG_EVENTS_LATER));
        }
    }
    layout_end(r);
}

/* --- one event ------------------------------------------------------------------ */

/* schema.org Event as JSON-LD for the page head. */
static const char *event_jsonld(req *r, const event_rec *e)
{
    buf j = BUF_INIT;
    buf_puts(&j, "{");
    json_put_key(&j, "@context", true);
    json_put_string(&j, "https://schema.org");
    json_put_key(&j, "@type", false);
    json_put_string(&j, "Event");
    json_put_key(&j, "name", false);
    json_put_string(&j, title_of(r, e));
    buf tb = BUF_INIT;
    time_fmt_iso(&tb, e->starts_at);
    json_put_key(&j, "startDate", false);
    json_put_string(&j, buf_str(&tb));
    buf_reset(&tb);
    time_fmt_iso(&tb, e->ends_at);
    json_put_key(&j, "endDate", false);
    json_put_string(&j, buf_str(&tb));
    buf_free(&tb);
    json_put_key(&j, "eventStatus", false);
    json_put_string(&j, strcmp(e->status, "cancelled") == 0 ? "https://schema.org/EventCancelled"
                                                            : "https://schema.org/EventScheduled");
    json_put_key(&j, "eventAttendanceMode", false);
    bool offline = e->place && *e->place, online = e->online_url && *e->online_url;
    json_put_string(&j, offline && online ? "https://schema.org/MixedEventAttendanceMode"
                        : online          ? "https://schema.org/OnlineEventAttendanceMode"
                                          : "https://schema.org/OfflineEventAttendanceMode");
    if (offline) {
        json_put_key(&j, "location", false);
        buf_puts(&j, "{");
        json_put_key(&j, "@type", true);
        json_put_string(&j, "Place");
        json_put_key(&j, "address", false);
        json_put_string(&j, e->place);
        buf_puts(&j, "}");
    }
    json_put_key(&j, "organizer", false);
    buf_puts(&j, "{");
    json_put_key(&j, "@type", true);
    json_put_string(&j, "Organization");
    json_put_key(&j, "name", false);
    json_put_string(&j, web_org_text(r, e->organiser_name, e->organiser_name_en));
    buf_puts(&j, "}}");
    buf h = BUF_INIT;
    html_raw(&h, "<script type=\"application/ld+json\">");
    buf_append(&h, j.data ? j.data : "", j.len);
    html_raw(&h, "</script>\n");
    const char *out = buf_failed(&j) || buf_failed(&h) ? NULL : arena_strdup(r->a, buf_str(&h));
    buf_free(&j);
    buf_free(&h);
    return out;
}

/* Writes text as paragraphs at blank lines, each line kept. */
static void text_block(req *r, const char *text)
{
    if (!text || !*text)
        return;
    html_raw(&r->out, "<div class=\"event-text\"><p>");
    for (const char *p = text; *p; p++) {
        if (*p == '\n' && p[1] == '\n') {
            html_raw(&r->out, "</p><p>");
            while (p[1] == '\n')
                p++;
        } else if (*p == '\n') {
            html_raw(&r->out, "<br>");
        } else {
            html_textn(&r->out, p, 1);
        }
    }
    html_raw(&r->out, "</p></div>\n");
}

/* The reader's place and the button that changes it. */
static void registration_box(req *r, const event_rec *e)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o,
             "<section class=\"card event-register\" aria-labelledby=\"reg-h\">"
             "<h2 id=\"reg-h\">%s</h2>\n<p>",
             T(L, MSG_EVENT_PLACES));
    if (e->capacity)
        html_fmt(o, T(L, MSG_EVENT_PLACES_COUNT), (int)e->capacity, (int)e->confirmed,
                 (int)e->waiting);
    else
        html_fmt(o, T(L, MSG_EVENT_NO_LIMIT), (int)e->confirmed);
    html_raw(o, "</p>\n");
    bool cancelled = strcmp(e->status, "cancelled") == 0;
    bool begun = time_now() >= e->starts_at;
    if (cancelled) {
        html_fmt(o, "<p class=\"notice-strong\">%s</p>", T(L, MSG_EVENT_IS_CANCELLED));
    } else if (!r->user) {
        html_fmt(o, "<p><a class=\"button\" href=\"/login?next=/events/%D\">%s</a></p>",
                 (long long)e->id, T(L, MSG_EVENT_LOGIN_TO_REGISTER));
    } else {
        event_place place;
        int64_t pos = 0;
        db_status st = event_place_of(r->db, e->id, r->user->person_id, &place, &pos);
        if (st != DB_OK) {
            resp_fail(r, st, "event_place_of");
            return;
        }
        if (place == EVENT_CONFIRMED)
            html_fmt(o, "<p><strong>%s</strong></p>", T(L, MSG_EVENT_YOU_CONFIRMED));
        else if (place == EVENT_WAITING) {
            html_raw(o, "<p><strong>");
            html_fmt(o, T(L, MSG_EVENT_YOU_WAITING), (int)pos);
            html_raw(o, "</strong></p>");
        }
        if (place != EVENT_NONE) {
            bool can = place == EVENT_WAITING || time_now() < event_cancel_deadline(e);
            if (place == EVENT_CONFIRMED && can) {
                html_raw(o, "<p class=\"hint\">");
                html_fmt(o, T(L, MSG_EVENT_CANCEL_UNTIL), when_text(r, event_cancel_deadline(e)));
                html_raw(o, "</p>");
            }
            if (can) {
                html_fmt(o, "<form method=\"post\" action=\"/events/%D/cancel\">",
                         (long long)e->id);
                layout_csrf_field(r);
                html_fmt(
                    o, "<button type=\"submit\" class=\"button-secondary\">%s</button></form>",
                    T(L, place == EVENT_WAITING ? MSG_EVENT_LEAVE_WAITING : MSG_EVENT_CANCEL_REG));
            }
        } else if (begun) {
            html_fmt(o, "<p>%s</p>", T(L, MSG_EVENT_CLOSED));
        } else {
            bool full = e->capacity && e->confirmed >= e->capacity;
            if (full)
                html_fmt(o, "<p>%s</p>", T(L, MSG_EVENT_FULL));
            html_fmt(o, "<form method=\"post\" action=\"/events/%D/register\">", (long long)e->id);
            layout_csrf_field(r);
            html_fmt(o, "<button type=\"submit\">%s</button></form>",
                     T(L, full ? MSG_EVENT_JOIN_WAITING : MSG_EVENT_REGISTER));
        }
    }
    html_raw(o, "</section>\n");
}

/* The notice after a redirect (?done=...), or an error text. */
static const char *done_notice(req *r)
{
    static const struct {
        const char *code;
        msg_id msg;
    } notices[] = {{"registered", MSG_EVENT_REGISTERED_NOTICE},
                   {"waiting", MSG_EVENT_WAITING_NOTICE},
                   {"cancelled", MSG_EVENT_CANCELLED_NOTICE},
                   {"saved", MSG_EVENT_SAVED_NOTICE}};
    const char *d = req_query(r, "done");
    for (size_t i = 0; d && i < sizeof notices / sizeof notices[0]; i++)
        if (strcmp(d, notices[i].code) == 0)
            return T(r->lang, notices[i].msg);
    return NULL;
}

static void event_page(req *r, const event_rec *e, const char *alert)
{
    lang_id L = r->lang;
    page_meta m = {.title = title_of(r, e), .nav = "events", .head_raw = event_jsonld(r, e)};
    layout_begin(r, &m);
    buf *o = &r->out;
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/events\">%s</a></p>\n<h1>%s</h1>\n",
             T(L, MSG_EVENTS_TITLE), title_of(r, e));
    web_alert(r, alert);
    web_notice(r, alert ? NULL : done_notice(r));
    html_raw(o, "<div class=\"event-grid\"><div>\n<dl class=\"facts facts-wide\">");
    html_fmt(o, "<dt>%s</dt><dd>", T(L, MSG_EVENT_WHEN));
    web_datetime(r, e->starts_at, MSG_EVENTS_NONE);
    html_raw(o, " – ");
    web_datetime(r, e->ends_at, MSG_EVENTS_NONE);
    html_raw(o, "</dd>");
    html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_EVENTS_FILTER_KIND),
             label(r, event_kinds, kind_msgs, e->kind));
    html_fmt(o, "<dt>%s</dt><dd><a href=\"/orgs/%q\">%s</a></dd>", T(L, MSG_EVENT_ORGANISER),
             e->organiser_slug, web_org_text(r, e->organiser_name, e->organiser_name_en));
    html_fmt(o, "<dt>%s</dt><dd>", T(L, MSG_EVENT_WHERE));
    if (e->place && *e->place)
        html_fmt(o, "%s", web_org_text(r, e->place, NULL));
    if (e->online_url && *e->online_url)
        html_fmt(o, "%R<a href=\"%u\" rel=\"nofollow noopener\">%s</a>",
                 e->place && *e->place ? "<br>" : "", e->online_url, T(L, MSG_EVENT_ONLINE));
    html_raw(o, "</dd>");
    html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_EVENT_LANGUAGE),
             label(r, event_languages, lang_msgs, e->language));
    html_fmt(o, "<dt>%s</dt><dd>%s</dd></dl>\n", T(L, MSG_EVENT_AUDIENCE),
             label(r, event_audiences, audience_msgs, e->audience));
    text_block(r, web_org_text(r, e->description_sr, e->description_en));
    html_fmt(o, "<p><a href=\"/events/%D/event.ics\">%s</a></p>\n", (long long)e->id,
             T(L, MSG_EVENT_ADD_TO_CALENDAR));
    html_raw(o, "</div>\n<div>\n");
    registration_box(r, e);
    if (may_organise(r, e->organiser_id))
        html_fmt(o,
                 "<p class=\"event-actions\"><a class=\"button\" href=\"/events/%D/edit\">%s"
                 "</a> <a href=\"/events/%D/participants\">%s</a></p>\n",
                 (long long)e->id, T(L, MSG_EVENT_EDIT), (long long)e->id,
                 T(L, MSG_EVENT_PARTICIPANTS));
    html_raw(o, "</div></div>\n");
    layout_end(r);
}

void web_event_page(req *r)
{
    event_rec e;
    if (!load_event(r, &e))
        return;
    event_page(r, &e, NULL);
}

void web_event_register(req *r)
{
    event_rec e;
    if (!load_event(r, &e))
        return;
    event_place place;
    event_refusal why;
    db_status st = event_register(r->db, e.id, r->user->person_id, r->client_ip, &place, &why);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/events/%lld?done=%s", (long long)e.id,
                                      place == EVENT_WAITING ? "waiting" : "registered"));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "event_register");
        return;
    }
    msg_id m = why == EVENT_ALREADY        ? MSG_EVENT_ERR_ALREADY
               : why == EVENT_IS_CANCELLED ? MSG_EVENT_IS_CANCELLED
                                           : MSG_EVENT_CLOSED;
    r->status = 409;
    event_page(r, &e, T(r->lang, m));
}

void web_event_cancel(req *r)
{
    event_rec e;
    if (!load_event(r, &e))
        return;
    event_refusal why;
    db_status st =
        event_cancel(r->db, e.id, r->user->person_id, r->client_ip, web_base_url(r), &why);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/events/%lld?done=cancelled", (long long)e.id));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "event_cancel");
        return;
    }
    const char *text = T(r->lang, MSG_EVENT_ERR_NOT_REGISTERED);
    if (why == EVENT_CUTOFF_PASSED)
        text = arena_printf(r->a, T(r->lang, MSG_EVENT_ERR_CUTOFF),
                            when_text(r, event_cancel_deadline(&e)));
    r->status = 409;
    event_page(r, &e, text);
}

/* --- the organiser's form ------------------------------------------------------------ */

typedef struct event_form {
    const char *kind, *organiser, *title_sr, *title_en, *description_sr, *description_en;
    const char *starts_at, *ends_at, *place, *online_url, *language, *audience, *capacity;
    const char *cancel_until;
    bool cancelled;
} event_form;

static void choice_field(req *r, const char *id, const char *name, msg_id lbl,
                         const char *const *codes, const msg_id *msgs, const char *value,
                         const char *error)
{
    buf *o = &r->out;
    html_fmt(o, "<div class=\"field\"><label for=\"%s\">%s</label>", id, T(r->lang, lbl));
    if (error)
        html_fmt(o, "<p class=\"field-error\" id=\"%s-err\">%s</p>", id, error);
    html_fmt(o, "<select id=\"%s\" name=\"%s\"%R>", id, name,
             error ? " aria-invalid=\"true\"" : "");
    for (size_t i = 0; codes[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", codes[i],
                 value && strcmp(value, codes[i]) == 0 ? " selected" : "", T(r->lang, msgs[i]));
    html_raw(o, "</select></div>\n");
}

static void form_page(req *r, const event_rec *e, const event_form *v, const web_errs *errs,
                      const event_organiser *orgs, size_t n_orgs)
{
    lang_id L = r->lang;
    const char *title = e ? title_of(r, e) : T(L, MSG_EVENTS_NEW);
    page_meta m = {.title = title, .nav = "events"};
    layout_begin(r, &m);
    buf *o = &r->out;
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/events\">%s</a></p>\n<h1>%s</h1>\n",
             T(L, MSG_EVENTS_TITLE), title);
    web_error_summary(r, errs);
    if (e)
        html_fmt(o, "<form method=\"post\" action=\"/events/%D\" class=\"form card\">",
                 (long long)e->id);
    else
        html_raw(o, "<form method=\"post\" action=\"/events\" class=\"form card\">");
    layout_csrf_field(r);
    choice_field(r, "ev-kind", "kind", MSG_EVENT_F_KIND, event_kinds, kind_msgs, v->kind,
                 web_errs_get(errs, "kind"));
    const char *oerr = web_errs_get(errs, "organiser");
    html_fmt(o, "<div class=\"field\"><label for=\"ev-org\">%s</label>",
             T(L, MSG_EVENT_F_ORGANISER));
    if (oerr)
        html_fmt(o, "<p class=\"field-error\">%s</p>", oerr);
    html_fmt(o, "<select id=\"ev-org\" name=\"organiser\"%R>",
             oerr ? " aria-invalid=\"true\"" : "");
    for (size_t i = 0; i < n_orgs; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", orgs[i].slug,
                 v->organiser && strcmp(v->organiser, orgs[i].slug) == 0 ? " selected" : "",
                 web_org_text(r, orgs[i].name, orgs[i].name_en));
    html_raw(o, "</select></div>\n");
    const struct {
        const char *id, *name, *type, *value;
        msg_id label, hint;
        bool required;
        int max;
    } fields[] = {
        {"ev-title-sr", "title_sr", "text", v->title_sr, MSG_EVENT_F_TITLE_SR, 0, true,
         EVENT_TITLE_MAX},
        {"ev-title-en", "title_en", "text", v->title_en, MSG_EVENT_F_TITLE_EN,
         MSG_EVENT_F_TRANSLATION_HINT, false, EVENT_TITLE_MAX},
        {"ev-starts", "starts_at", "datetime-local", v->starts_at, MSG_EVENT_F_STARTS,
         MSG_EVENT_F_DATETIME_HINT, true, 0},
        {"ev-ends", "ends_at", "datetime-local", v->ends_at, MSG_EVENT_F_ENDS,
         MSG_EVENT_F_DATETIME_HINT, true, 0},
        {"ev-place", "place", "text", v->place, MSG_EVENT_F_PLACE, MSG_EVENT_F_PLACE_HINT, false,
         EVENT_PLACE_MAX},
        {"ev-online", "online_url", "url", v->online_url, MSG_EVENT_F_ONLINE, 0, false,
         EVENT_PLACE_MAX},
        {"ev-capacity", "capacity", "number", v->capacity, MSG_EVENT_F_CAPACITY,
         MSG_EVENT_F_CAPACITY_HINT, false, 0},
        {"ev-cancel", "cancel_until", "datetime-local", v->cancel_until, MSG_EVENT_F_CANCEL_UNTIL,
         MSG_EVENT_F_CANCEL_HINT, false, 0},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *err = web_errs_get(errs, fields[i].name);
        /* a malformed date-time goes back as typed, in a text input */
        const char *type = fields[i].type;
        if (err && (strcmp(type, "datetime-local") == 0 || strcmp(type, "number") == 0))
            type = "text";
        web_input in = {.id = fields[i].id,
                        .name = fields[i].name,
                        .type = type,
                        .label = T(L, fields[i].label),
                        .value = fields[i].value,
                        .hint = fields[i].hint ? T(L, fields[i].hint) : NULL,
                        .error = err,
                        .required = fields[i].required,
                        .maxlength = fields[i].max};
        web_field(r, &in);
    }
    for (int k = 0; k < 2; k++) {
        const char *name = k ? "description_en" : "description_sr";
        const char *err = web_errs_get(errs, name);
        html_fmt(o, "<div class=\"field\"><label for=\"ev-%s\">%s</label>", name,
                 T(L, k ? MSG_EVENT_F_DESC_EN : MSG_EVENT_F_DESC_SR));
        if (err)
            html_fmt(o, "<p class=\"field-error\">%s</p>", err);
        html_fmt(o,
                 "<textarea id=\"ev-%s\" name=\"%s\" rows=\"6\" maxlength=\"%d\">%s</textarea>"
                 "</div>\n",
                 name, name, EVENT_TEXT_MAX,
                 (k ? v->description_en : v->description_sr)
                     ? (k ? v->description_en : v->description_sr)
                     : "");
    }
    choice_field(r, "ev-lang", "language", MSG_EVENT_LANGUAGE, event_languages, lang_msgs,
                 v->language, web_errs_get(errs, "language"));
    choice_field(r, "ev-aud", "audience", MSG_EVENT_AUDIENCE, event_audiences, audience_msgs,
                 v->audience, web_errs_get(errs, "audience"));
    if (e)
        html_fmt(o,
                 "<div class=\"field field-check\"><input type=\"checkbox\" id=\"ev-cancelled\" "
                 "name=\"cancelled\" value=\"1\"%R> <label for=\"ev-cancelled\">%s</label></div>\n",
                 v->cancelled ? " checked" : "", T(L, MSG_EVENT_F_CANCELLED));
    html_fmt(o, "<p><button type=\"submit\">%s</button></p></form>\n", T(L, MSG_SAVE));
    layout_end(r);
}

static const char *organiser_name(const void *item)
{
    return ((const event_organiser *)item)->name;
}

/* The organiser a new event starts with: the first entry of the model's
 * order (for the secretariat the association itself), before sorting. */
static const char *first_organiser(req *r)
{
    event_organiser *o;
    size_t n = 0;
    if (event_organisers(r->db, r->a, r->user->person_id, r->user->secretariat >= SEC_EDITOR, &o,
                         &n) != DB_OK ||
        n == 0)
        return NULL;
    return o[0].slug;
}

static bool load_organisers(req *r, event_organiser **orgs, size_t *n)
{
    db_status st = event_organisers(r->db, r->a, r->user->person_id,
                                    r->user->secretariat >= SEC_EDITOR, orgs, n);
    if (st != DB_OK) {
        resp_fail(r, st, "event_organisers");
        return false;
    }
    web_sort_by_name(r, *orgs, *n, sizeof **orgs, organiser_name);
    return true;
}

static void form_from_event(req *r, const event_rec *e, event_form *v)
{
    char cap[24] = "";
    if (e->capacity)
        snprintf(cap, sizeof cap, "%lld", (long long)e->capacity);
    *v = (event_form){.kind = e->kind,
                      .organiser = e->organiser_slug,
                      .title_sr = e->title_sr,
                      .title_en = e->title_en,
                      .description_sr = e->description_sr,
                      .description_en = e->description_en,
                      .starts_at = local_value(r, e->starts_at),
                      .ends_at = local_value(r, e->ends_at),
                      .place = e->place,
                      .online_url = e->online_url,
                      .language = e->language,
                      .audience = e->audience,
                      .capacity = arena_strdup(r->a, cap),
                      .cancel_until = local_value(r, e->cancel_until),
                      .cancelled = strcmp(e->status, "cancelled") == 0};
}

void web_event_new_form(req *r)
{
    event_organiser *orgs;
    size_t n;
    if (!load_organisers(r, &orgs, &n))
        return;
    if (n == 0) {
        resp_error(r, 403, T(r->lang, MSG_EVENT_F_NO_ORGANISER));
        return;
    }
    event_form v = {.kind = "training",
                    .language = "sr",
                    .audience = "everyone",
                    .organiser = first_organiser(r)};
    web_errs e = {0};
    form_page(r, NULL, &v, &e, orgs, n);
}

void web_event_edit_form(req *r)
{
    event_rec e;
    if (!load_event(r, &e))
        return;
    if (!may_organise(r, e.organiser_id)) {
        resp_error(r, 403, T(r->lang, MSG_EVENT_ERR_ORGANISER));
        return;
    }
    event_organiser *orgs;
    size_t n;
    if (!load_organisers(r, &orgs, &n))
        return;
    event_form v;
    form_from_event(r, &e, &v);
    web_errs errs = {0};
    form_page(r, &e, &v, &errs, orgs, n);
}

/* s without surrounding ASCII white space (arena copy). */
static const char *trimmed(req *r, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    char *c = arena_alloc(r->a, n + 1);
    if (!c)
        return s;
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

/* Reads and checks the form into in; errors into errs (worded). */
static void read_form(req *r, const form *f, event_form *v, event_input *in, web_errs *errs)
{
    lang_id L = r->lang;
    *v = (event_form){.kind = form_get(f, "kind"),
                      .organiser = form_get(f, "organiser"),
                      .title_sr = form_get(f, "title_sr"),
                      .title_en = form_get(f, "title_en"),
                      .description_sr = form_get(f, "description_sr"),
                      .description_en = form_get(f, "description_en"),
                      .starts_at = form_get(f, "starts_at"),
                      .ends_at = form_get(f, "ends_at"),
                      .place = form_get(f, "place"),
                      .online_url = form_get(f, "online_url"),
                      .language = form_get(f, "language"),
                      .audience = form_get(f, "audience"),
                      .capacity = form_get(f, "capacity"),
                      .cancel_until = form_get(f, "cancel_until"),
                      .cancelled = form_get(f, "cancelled") != NULL};
    /* trimmed copies: what is stored and what the form shows again */
    const char **texts[] = {&v->title_sr, &v->title_en,    &v->description_sr, &v->description_en,
                            &v->place,    &v->online_url,  &v->starts_at,      &v->ends_at,
                            &v->capacity, &v->cancel_until};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (*texts[i])
            *texts[i] = trimmed(r, *texts[i]);
    *in = (event_input){.kind = v->kind,
                        .language = v->language,
                        .audience = v->audience,
                        .title_sr = v->title_sr,
                        .title_en = v->title_en,
                        .description_sr = v->description_sr,
                        .description_en = v->description_en,
                        .place = v->place,
                        .online_url = v->online_url,
                        .cancelled = v->cancelled};
    const struct {
        const char *name, *text;
        int64_t *out;
    } times[] = {{"starts_at", v->starts_at, &in->starts_at},
                 {"ends_at", v->ends_at, &in->ends_at},
                 {"cancel_until", v->cancel_until, &in->cancel_until}};
    for (size_t i = 0; i < 3; i++) {
        int64_t t = parse_local(times[i].text);
        if (t < 0) {
            web_errs_add(errs, times[i].name, T(L, MSG_EVENT_ERR_DATETIME));
            t = 0;
        }
        *times[i].out = t;
    }
    if (v->capacity && *v->capacity) {
        int64_t c = 0;
        if (!str_to_i64(v->capacity, &c) || c < 1 || c > EVENT_CAPACITY_MAX) {
            form_errors fe = {0};
            fe.items[fe.n_items++] = (form_error){
                .field = "capacity", .code = FE_RANGE, .min = 1, .max = EVENT_CAPACITY_MAX};
            web_errs_from_form(r, &fe, errs);
        } else {
            in->capacity = c;
        }
    }
}

/* The organiser named by the form into in->organiser_id: false (403 or
 * 5xx written) when it is an entry the reader may not organise for; an
 * unknown one is the form's error. */
static bool read_organiser(req *r, const event_form *v, event_input *in, web_errs *errs)
{
    in->organiser_id = 0;
    if (!v->organiser || !*v->organiser)
        return true;
    org_rec o;
    bool found = false;
    db_status st = org_get(r->db, r->a, v->organiser, 0, &o, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "org_get");
        return false;
    }
    if (!found) {
        web_errs_add(errs, "organiser", T(r->lang, MSG_EVENT_ERR_ORGANISER));
        return true;
    }
    if (!may_organise(r, o.id)) {
        resp_error(r, 403, T(r->lang, MSG_EVENT_ERR_ORGANISER));
        return false;
    }
    in->organiser_id = o.id;
    return true;
}

/* Words the model's refusals for this form, then the generic ones. */
static void word_errors(req *r, const form_errors *fe, web_errs *errs)
{
    lang_id L = r->lang;
    for (size_t i = 0; i < fe->n_items; i++) {
        const form_error *x = &fe->items[i];
        if (strcmp(x->field, "starts_at") == 0 && x->code == FE_RANGE)
            web_errs_add(errs, "starts_at", T(L, MSG_EVENT_ERR_START_PAST));
        else if (strcmp(x->field, "ends_at") == 0 && x->code == FE_DATE_ORDER)
            web_errs_add(errs, "ends_at", T(L, MSG_EVENT_ERR_END_ORDER));
        else if (strcmp(x->field, "cancel_until") == 0 && x->code == FE_DATE_ORDER)
            web_errs_add(errs, "cancel_until", T(L, MSG_EVENT_ERR_CUTOFF_ORDER));
        else if (strcmp(x->field, "place") == 0 && x->code == FE_REQUIRED)
            web_errs_add(errs, "place", T(L, MSG_EVENT_ERR_PLACE));
        else if (strcmp(x->field, "capacity") == 0 && x->code == FE_RANGE && x->min > 1)
            web_errs_add(errs, "capacity",
                         arena_printf(r->a, T(L, MSG_EVENT_ERR_CAPACITY_BELOW), (int)x->min));
        else if (strcmp(x->field, "organiser") == 0)
            web_errs_add(errs, "organiser", T(L, MSG_EVENT_ERR_ORGANISER));
    }
    web_errs_from_form(r, fe, errs);
}

static void save(req *r, const event_rec *existing)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    event_form v;
    event_input in;
    web_errs errs = {0};
    read_form(r, &f, &v, &in, &errs);
    if (!read_organiser(r, &v, &in, &errs))
        return;
    form_errors fe = {0};
    int64_t id = existing ? existing->id : 0;
    db_status st = DB_CONSTRAINT;
    if (errs.n == 0) {
        st = existing ? event_update(r->db, id, &in, r->user->person_id, r->client_ip,
                                     web_base_url(r), &fe)
                      : event_create(r->db, &in, r->user->person_id, r->client_ip, &id, &fe);
        if (st == DB_OK) {
            resp_redirect(r, arena_printf(r->a, "/events/%lld?done=saved", (long long)id));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, existing ? "event_update" : "event_create");
            return;
        }
    } else {
        /* the model's checks too, so every field says what is wrong at once */
        event_check(&in, time_now(), !existing, &fe);
    }
    word_errors(r, &fe, &errs);
    event_organiser *orgs;
    size_t n;
    if (!load_organisers(r, &orgs, &n))
        return;
    r->status = 422;
    form_page(r, existing, &v, &errs, orgs, n);
}

void web_event_create(req *r)
{
    save(r, NULL);
}

void web_event_update(req *r)
{
    event_rec e;
    if (!load_event(r, &e))
        return;
    if (!may_organise(r, e.organiser_id)) {
        resp_error(r, 403, T(r->lang, MSG_EVENT_ERR_ORGANISER));
        return;
    }
    save(r, &e);
}

/* --- participants ------------------------------------------------------------------ */

static const char *state_label(req *r, const char *state)
{
    static const char *const codes[] = {"confirmed", "waiting", "cancelled", NULL};
    static const msg_id msgs[] = {MSG_EVENT_STATE_CONFIRMED, MSG_EVENT_STATE_WAITING,
                                  MSG_EVENT_STATE_CANCELLED};
    return label(r, codes, msgs, state);
}

void web_event_participants(req *r)
{
    lang_id L = r->lang;
    event_rec e;
    if (!load_event(r, &e))
        return;
    if (!may_organise(r, e.organiser_id)) {
        resp_error(r, 403, T(L, MSG_EVENT_ERR_ORGANISER));
        return;
    }
    event_registrant *g;
    size_t n;
    db_status st = event_registrants(r->db, r->a, e.id, &g, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "event_registrants");
        return;
    }
    const char *fmt = req_query(r, "format");
    if (fmt && strcmp(fmt, "csv") == 0) {
        r->content_type = "text/csv; charset=utf-8";
        resp_header(r, "Content-Disposition",
                    arena_printf(r->a, "attachment; filename=\"event-%lld-participants.csv\"",
                                 (long long)e.id));
        buf *o = &r->out;
        const char *head[] = {T(L, MSG_EVENT_P_NAME), T(L, MSG_EVENT_P_EMAIL),
                              T(L, MSG_EVENT_P_ORG), T(L, MSG_EVENT_P_STATE),
                              T(L, MSG_EVENT_P_SINCE)};
        for (size_t k = 0; k < 5; k++) {
            if (k)
                buf_putc(o, ',');
            csv_put_cell(o, head[k]);
        }
        buf_puts(o, "\r\n");
        for (size_t i = 0; i < n; i++) {
            buf when = BUF_INIT;
            time_fmt_iso(&when, g[i].queued_at);
            const char *cells[] = {g[i].name ? g[i].name : "", g[i].email ? g[i].email : "",
                                   g[i].org_name ? g[i].org_name : "", state_label(r, g[i].state),
                                   buf_str(&when)};
            for (size_t k = 0; k < 5; k++) {
                if (k)
                    buf_putc(o, ',');
                csv_put_cell(o, cells[k]);
            }
            buf_puts(o, "\r\n");
            buf_free(&when);
        }
        return;
    }
    const char *title = arena_printf(r->a, T(L, MSG_EVENT_P_TITLE), title_of(r, &e));
    page_meta m = {.title = title, .nav = "events"};
    layout_begin(r, &m);
    buf *o = &r->out;
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/events/%D\">%s</a></p>\n<h1>%s</h1>\n",
             (long long)e.id, title_of(r, &e), title);
    if (n == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_EVENT_P_NONE));
    } else {
        html_fmt(o, "<p><a href=\"/events/%D/participants?format=csv\">%s</a></p>\n",
                 (long long)e.id, T(L, MSG_EVENT_P_CSV));
        html_fmt(o,
                 "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                 "</tr></thead><tbody>",
                 T(L, MSG_EVENT_P_NAME), T(L, MSG_EVENT_P_EMAIL), T(L, MSG_EVENT_P_STATE),
                 T(L, MSG_EVENT_P_SINCE));
        for (size_t i = 0; i < n; i++) {
            html_fmt(o, "<tr><td>%s</td><td>%s</td><td>%s</td><td>",
                     web_org_text(r, g[i].name ? g[i].name : "", NULL),
                     g[i].email ? g[i].email : "", state_label(r, g[i].state));
            web_datetime(r, g[i].queued_at, MSG_EVENTS_NONE);
            html_raw(o, "</td></tr>");
        }
        html_raw(o, "</tbody></table></div>\n");
    }
    layout_end(r);
}

/* --- iCalendar ---------------------------------------------------------------------- */

static void ical_of(req *r, const event_rec *e, ical_event *c, const char *host)
{
    const char *base = web_base_url(r);
    const char *where = e->place && *e->place ? e->place : e->online_url;
    *c = (ical_event){
        .uid = arena_printf(r->a, "event-%lld@%s", (long long)e->id, host),
        .summary = title_of(r, e),
        .description = web_org_text(r, e->description_sr, e->description_en),
        .location = where,
        .url = base ? arena_printf(r->a, "%s/events/%lld", base, (long long)e->id) : NULL,
        .starts_at = e->starts_at,
        .ends_at = e->ends_at,
        .stamp = e->updated_at,
        .sequence = e->updated_at - e->created_at > 0 ? (e->updated_at - e->created_at) / 60 : 0,
        .cancelled = strcmp(e->status, "cancelled") == 0,
        .alarm_before = 86400,
        .alarm_text = arena_printf(r->a, T(r->lang, MSG_EVENT_ALARM), title_of(r, e)),
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
    if (!load_event(r, &e))
        return;
    send_ical(r, &e, 1, title_of(r, &e), arena_printf(r->a, "event-%lld.ics", (long long)e.id));
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
        if (!found) {
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
