/* web_event.c: events and trainings (issue 15): the list (/events) and
 * an event's page with registration; the labels and loading the other
 * event pages share (web_event.h). The organiser's form is in
 * web_event_form.c, the participants list in web_event_participants.c,
 * the iCalendar feeds in web_event_ical.c.
 *
 * Who may do what: anyone reads the list, the pages and the feeds; a
 * logged-in person registers themselves and cancels; whoever may edit
 * the organiser's directory entry (RIGHT_ORG_EDIT: the secretariat, the
 * cluster's managers, the entry's representatives) creates and edits its
 * events and sees the participants. Times on screen and in forms are
 * Europe/Belgrade (the process zone, timeutil.c); stored UTC. */
#include <string.h>
#include <time.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "json/json.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_event.h"
#include "web/web_org.h"

/* --- labels ------------------------------------------------------------------- */

const msg_id web_event_kind_msgs[] = {MSG_EVENT_KIND_TRAINING, MSG_EVENT_KIND_WORKSHOP,
                                      MSG_EVENT_KIND_CONFERENCE, MSG_EVENT_KIND_B2B,
                                      MSG_EVENT_KIND_STUDY_VISIT};
const msg_id web_event_lang_msgs[] = {MSG_EVENT_LANG_SR, MSG_EVENT_LANG_EN, MSG_EVENT_LANG_SR_EN};
const msg_id web_event_audience_msgs[] = {MSG_EVENT_AUD_MANAGERS, MSG_EVENT_AUD_MEMBERS,
                                          MSG_EVENT_AUD_EVERYONE};

/* The label of code among codes (parallel to msgs), or the code itself. */
const char *web_event_label(req *r, const char *const *codes, const msg_id *msgs, const char *code)
{
    for (size_t i = 0; code && codes[i]; i++)
        if (strcmp(codes[i], code) == 0)
            return T(r->lang, msgs[i]);
    return code ? code : "";
}

const char *web_event_title(req *r, const event_rec *e)
{
    return web_org_text(r, e->title_sr, e->title_en);
}

/* --- times -------------------------------------------------------------------- */

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
bool web_event_load(req *r, event_rec *e)
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

bool web_event_may_organise(req *r, int64_t organiser_id)
{
    return r->user && rights_can(r->db, r->user, RIGHT_ORG_EDIT, organiser_id);
}

bool web_event_load_organised(req *r, event_rec *e)
{
    if (!web_event_load(r, e))
        return false;
    if (!web_event_may_organise(r, e->organiser_id)) {
        resp_error(r, 403, T(r->lang, MSG_EVENT_ERR_ORGANISER));
        return false;
    }
    return true;
}

/* --- the list ------------------------------------------------------------------- */

static void event_item(req *r, const event_rec *e)
{
    lang_id L = r->lang;
    html_fmt(&r->out, "<li class=\"event-item\"><h2><a href=\"/events/%D\">%s</a></h2>",
             (long long)e->id, web_event_title(r, e));
    html_raw(&r->out, "<p class=\"event-meta\">");
    web_datetime(r, e->starts_at, MSG_EVENTS_NONE);
    html_fmt(&r->out, " · %s · <a href=\"/orgs/%q\">%s</a>",
             web_event_label(r, event_kinds, web_event_kind_msgs, e->kind), e->organiser_slug,
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

bool web_event_filter_query(req *r, event_filter *f, org_rec *org)
{
    memset(org, 0, sizeof *org);
    const char *kind = req_query(r, "kind");
    if (kind && *kind) {
        if (!event_kind_known(kind)) {
            resp_error(r, 400, "kind: one of training, workshop, conference, b2b, study_visit.");
            return false;
        }
        f->kind = kind;
    }
    const char *aud = req_query(r, "audience");
    if (aud && *aud) {
        if (!event_audience_known(aud)) {
            resp_error(r, 400, "audience: one of managers, members, everyone.");
            return false;
        }
        f->audience = aud;
    }
    const char *slug = req_query(r, "organiser");
    if (!slug || !*slug)
        return true;
    bool found = false;
    db_status st = org_get(r->db, r->a, slug, 0, org, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "org_get");
        return false;
    }
    if (!found || !org->status || strcmp(org->status, "published") != 0) {
        resp_error(r, 404, "organiser: no directory entry with this slug.");
        return false;
    }
    f->organiser_id = org->id;
    return true;
}

void web_event_list(req *r)
{
    lang_id L = r->lang;
    /* anonymous readers: the cached body of this data version, language,
     * minute (upcoming and past move with the clock) and query */
    int64_t version = 0;
    const char *key = NULL;
    if (!r->user) {
        db_status st = org_directory_version(r->db, &version);
        if (st != DB_OK) {
            resp_fail(r, st, "org_directory_version");
            return;
        }
        key = arena_printf(r->a, "events|%s|%lld|%s", i18n_tag(L), (long long)(time_now() / 60),
                           r->query_raw ? r->query_raw : "");
        if (web_cache_serve(r, key, version))
            return;
    }
    event_filter f = {.limit = 30};
    f.past = req_query(r, "when") && strcmp(req_query(r, "when"), "past") == 0;
    org_rec organiser;
    if (!web_event_filter_query(r, &f, &organiser))
        return;
    const char *slug = organiser.slug ? req_query(r, "organiser") : NULL; /* as asked */
    const char *org_name = slug ? web_org_name(r, &organiser) : NULL;
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
    if (org_name)
        html_fmt(o, "<p class=\"filter-note\">%s <a href=\"/events%R\">%s</a></p>\n",
                 arena_printf(r->a, T(L, MSG_EVENTS_ONLY_ORGANISER), org_name),
                 f.past ? "?when=past" : "", T(L, MSG_EVENTS_ALL_ORGANISERS));
    html_raw(o, "<form method=\"get\" action=\"/events\" class=\"filters-inline\">");
    if (f.past)
        html_raw(o, "<input type=\"hidden\" name=\"when\" value=\"past\">");
    if (slug)
        html_fmt(o, "<input type=\"hidden\" name=\"organiser\" value=\"%s\">", slug);
    html_fmt(o,
             "<label for=\"ev-kind\">%s</label> <select id=\"ev-kind\" name=\"kind\">"
             "<option value=\"\">%s</option>",
             T(L, MSG_EVENTS_FILTER_KIND), T(L, MSG_EVENTS_ANY));
    for (size_t i = 0; event_kinds[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", event_kinds[i],
                 f.kind && strcmp(f.kind, event_kinds[i]) == 0 ? " selected" : "",
                 T(L, web_event_kind_msgs[i]));
    html_fmt(o,
             "</select> <label for=\"ev-aud\">%s</label> <select id=\"ev-aud\" name=\"audience\">"
             "<option value=\"\">%s</option>",
             T(L, MSG_EVENT_AUDIENCE), T(L, MSG_EVENTS_ANY));
    for (size_t i = 0; event_audiences[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", event_audiences[i],
                 f.audience && strcmp(f.audience, event_audiences[i]) == 0 ? " selected" : "",
                 T(L, web_event_audience_msgs[i]));
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
                     "<p><a rel=\"next\" href=\"/events?%R%R%s%R%s%R%s%R%q&amp;after=%D.%D\">%s</a>"
                     "</p>\n",
                     f.past ? "when=past&amp;" : "", f.kind ? "kind=" : "", f.kind ? f.kind : "",
                     month && *month ? "&amp;month=" : "", month && *month ? month : "",
                     f.audience ? "&amp;audience=" : "", f.audience ? f.audience : "",
                     slug ? "&amp;organiser=" : "", slug ? slug : "", (long long)last->starts_at,
                     (long long)last->id, T(L, f.past ? MSG_EVENTS_EARLIER : MSG_EVENTS_LATER));
        }
    }
    layout_end(r);
    if (key) { /* kept if it ends up whole (server_hook_finish) */
        r->cache_key = key;
        r->cache_version = version;
    }
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
    json_put_string(&j, web_event_title(r, e));
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
            bool allowed = false;
            if ((st = event_audience_allows(r->db, e->audience, r->user->person_id, &allowed)) !=
                DB_OK) {
                resp_fail(r, st, "event_audience_allows");
                return;
            }
            if (full && allowed)
                html_fmt(o, "<p>%s</p>", T(L, MSG_EVENT_FULL));
            if (!allowed) {
                html_fmt(o, "<p class=\"notice-strong\">%s</p>", T(L, MSG_EVENT_ERR_NOT_AUDIENCE));
            } else {
                html_fmt(o, "<form method=\"post\" action=\"/events/%D/register\">",
                         (long long)e->id);
                layout_csrf_field(r);
                html_fmt(o, "<button type=\"submit\">%s</button></form>",
                         T(L, full ? MSG_EVENT_JOIN_WAITING : MSG_EVENT_REGISTER));
            }
        }
    }
    html_raw(o, "</section>\n");
}

/* A representative's box: register colleagues, and the registrations
 * they made (each with its cancel button). Nothing for anyone else. */
static void colleagues_box(req *r, const event_rec *e)
{
    if (!r->user || strcmp(e->status, "cancelled") == 0)
        return;
    lang_id L = r->lang;
    buf *o = &r->out;
    event_colleague *c;
    event_registrant *made;
    size_t nc = 0, nm = 0;
    db_status st = event_colleagues(r->db, r->a, r->user->person_id, &c, &nc);
    if (st == DB_OK)
        st = event_registered_by(r->db, r->a, e->id, r->user->person_id, &made, &nm);
    if (st != DB_OK) {
        resp_fail(r, st, "event_colleagues");
        return;
    }
    /* those this representative registered are listed below instead, and
     * those the event's audience does not let in are not offered */
    size_t keep = 0;
    for (size_t i = 0; i < nc; i++) {
        bool made_already = false, allowed = false;
        for (size_t k = 0; k < nm && !made_already; k++)
            made_already = made[k].person_id == c[i].person_id;
        if (!made_already &&
            (st = event_audience_allows(r->db, e->audience, c[i].person_id, &allowed)) != DB_OK) {
            resp_fail(r, st, "event_audience_allows");
            return;
        }
        if (!made_already && allowed)
            c[keep++] = c[i];
    }
    nc = keep;
    bool open = time_now() < e->starts_at;
    if (!nm && (!nc || !open))
        return;
    html_fmt(o,
             "<section class=\"card event-colleagues\" aria-labelledby=\"col-h\">"
             "<h2 id=\"col-h\">%s</h2>\n",
             T(L, MSG_EVENT_COLLEAGUES_H));
    if (nc && open) {
        html_fmt(o, "<p class=\"hint\">%s</p>", T(L, MSG_EVENT_COLLEAGUES_HINT));
        html_fmt(o, "<form method=\"post\" action=\"/events/%D/register\" class=\"stack\">",
                 (long long)e->id);
        layout_csrf_field(r);
        html_fmt(o,
                 "<label for=\"col-person\">%s</label> <select id=\"col-person\" name=\"person\">",
                 T(L, MSG_EVENT_COLLEAGUE_LABEL));
        for (size_t i = 0; i < nc; i++)
            html_fmt(o, "<option value=\"%D\">%s (%s)</option>", (long long)c[i].person_id,
                     web_org_text(r, c[i].name, NULL), web_org_text(r, c[i].org_name, NULL));
        html_fmt(o, "</select> <button type=\"submit\">%s</button></form>\n",
                 T(L, MSG_EVENT_COLLEAGUE_BUTTON));
    }
    if (nm) {
        html_fmt(o, "<h3>%s</h3><ul>", T(L, MSG_EVENT_COLLEAGUES_MADE));
        for (size_t i = 0; i < nm; i++) {
            bool waiting = strcmp(made[i].state, "waiting") == 0;
            html_fmt(o, "<li>%s · %s", web_org_text(r, made[i].name ? made[i].name : "", NULL),
                     T(L, waiting ? MSG_EVENT_STATE_WAITING : MSG_EVENT_STATE_CONFIRMED));
            if (waiting || time_now() < event_cancel_deadline(e)) {
                html_fmt(
                    o,
                    " <form method=\"post\" action=\"/events/%D/cancel\" class=\"inline-form\">"
                    "<input type=\"hidden\" name=\"person\" value=\"%D\">",
                    (long long)e->id, (long long)made[i].person_id);
                layout_csrf_field(r);
                html_fmt(o,
                         "<button type=\"submit\" class=\"button-secondary\" "
                         "aria-label=\"%s: %s\">%s</button></form>",
                         T(L, MSG_EVENT_COLLEAGUE_CANCEL),
                         web_org_text(r, made[i].name ? made[i].name : "", NULL),
                         T(L, MSG_EVENT_COLLEAGUE_CANCEL));
            }
            html_raw(o, "</li>");
        }
        html_raw(o, "</ul>");
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
                   {"colleague", MSG_EVENT_COLLEAGUE_NOTICE},
                   {"colleague_waiting", MSG_EVENT_COLLEAGUE_WAITING_NOTICE},
                   {"colleague_cancelled", MSG_EVENT_COLLEAGUE_CANCELLED_NOTICE},
                   {"attendance", MSG_EVENT_ATT_SAVED},
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
    page_meta m = {.title = web_event_title(r, e), .nav = "events", .head_raw = event_jsonld(r, e)};
    layout_begin(r, &m);
    buf *o = &r->out;
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/events\">%s</a></p>\n<h1>%s</h1>\n",
             T(L, MSG_EVENTS_TITLE), web_event_title(r, e));
    web_alert(r, alert);
    web_notice(r, alert ? NULL : done_notice(r));
    html_raw(o, "<div class=\"event-grid\"><div>\n<dl class=\"facts facts-wide\">");
    html_fmt(o, "<dt>%s</dt><dd>", T(L, MSG_EVENT_WHEN));
    web_datetime(r, e->starts_at, MSG_EVENTS_NONE);
    html_raw(o, " – ");
    web_datetime(r, e->ends_at, MSG_EVENTS_NONE);
    html_raw(o, "</dd>");
    html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_EVENTS_FILTER_KIND),
             web_event_label(r, event_kinds, web_event_kind_msgs, e->kind));
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
             web_event_label(r, event_languages, web_event_lang_msgs, e->language));
    html_fmt(o, "<dt>%s</dt><dd>%s</dd></dl>\n", T(L, MSG_EVENT_AUDIENCE),
             web_event_label(r, event_audiences, web_event_audience_msgs, e->audience));
    if (strcmp(e->audience, "everyone") != 0) /* who may register, before any button */
        html_fmt(o, "<p class=\"hint event-audience\">%s</p>\n",
                 T(L, strcmp(e->audience, "managers") == 0 ? MSG_EVENT_AUD_NOTE_MANAGERS
                                                           : MSG_EVENT_AUD_NOTE_MEMBERS));
    text_block(r, web_org_text(r, e->description_sr, e->description_en));
    html_fmt(o, "<p><a href=\"/events/%D/event.ics\">%s</a></p>\n", (long long)e->id,
             T(L, MSG_EVENT_ADD_TO_CALENDAR));
    html_raw(o, "</div>\n<div>\n");
    registration_box(r, e);
    colleagues_box(r, e);
    if (web_event_may_organise(r, e->organiser_id))
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
    if (!web_event_load(r, &e))
        return;
    event_page(r, &e, NULL);
}

/* The person a form names (field "person"): the reader when absent or
 * empty; 0 (and a 400 page written) when it is not a number. */
static int64_t form_person(req *r, const event_rec *e)
{
    form f;
    if (!req_body_form(r, &f))
        return 0;
    const char *p = form_get(&f, "person");
    int64_t id = r->user->person_id;
    if (p && *p && (!str_to_i64(p, &id) || id <= 0)) {
        r->status = 400;
        event_page(r, e, T(r->lang, MSG_EVENT_ERR_NOT_COLLEAGUE));
        return 0;
    }
    return id;
}

void web_event_register(req *r)
{
    event_rec e;
    if (!web_event_load(r, &e))
        return;
    int64_t person = form_person(r, &e);
    if (!person)
        return;
    bool self = person == r->user->person_id;
    event_place place;
    event_refusal why;
    db_status st = event_register_as(r->db, e.id, person, r->user->person_id, r->client_ip,
                                     web_base_url(r), &place, &why);
    if (st == DB_OK) {
        const char *done = self ? (place == EVENT_WAITING ? "waiting" : "registered")
                                : (place == EVENT_WAITING ? "colleague_waiting" : "colleague");
        resp_redirect(r, arena_printf(r->a, "/events/%lld?done=%s", (long long)e.id, done));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "event_register");
        return;
    }
    msg_id m = why == EVENT_ALREADY
                   ? (self ? MSG_EVENT_ERR_ALREADY : MSG_EVENT_ERR_COLLEAGUE_ALREADY)
               : why == EVENT_IS_CANCELLED ? MSG_EVENT_IS_CANCELLED
               : why == EVENT_NOT_AUDIENCE
                   ? (self ? MSG_EVENT_ERR_NOT_AUDIENCE : MSG_EVENT_ERR_COLLEAGUE_AUDIENCE)
               : why == EVENT_NOT_COLLEAGUE ? MSG_EVENT_ERR_NOT_COLLEAGUE
                                            : MSG_EVENT_CLOSED;
    r->status = why == EVENT_NOT_AUDIENCE ? 403 : why == EVENT_NOT_COLLEAGUE ? 400 : 409;
    event_page(r, &e, T(r->lang, m));
}

void web_event_cancel(req *r)
{
    event_rec e;
    if (!web_event_load(r, &e))
        return;
    int64_t person = form_person(r, &e);
    if (!person)
        return;
    bool self = person == r->user->person_id;
    event_refusal why;
    db_status st = event_cancel_as(r->db, e.id, person, r->user->person_id, r->client_ip,
                                   web_base_url(r), &why);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/events/%lld?done=%s", (long long)e.id,
                                      self ? "cancelled" : "colleague_cancelled"));
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
