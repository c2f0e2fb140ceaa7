/* web_event_participants.c: an event's participants (see web.h), for
 * whoever may edit the organiser's directory entry: the registered, the
 * waiting list and the cancelled, as a page or a CSV/XLSX file (one
 * table.c table), and, once the event has started, the attendance form
 * (one checkbox per confirmed participant, saved in one transaction by
 * event_mark_attendance). Shares the labels and loading of web_event.c
 * through web_event.h. */
#include <string.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "web/table.h"
#include "web/web.h"
#include "web/web_event.h"
#include "web/web_org.h"

/* --- participants ------------------------------------------------------------------ */

static const char *state_label(req *r, const char *state)
{
    static const char *const codes[] = {"confirmed", "waiting", "cancelled", NULL};
    static const msg_id msgs[] = {MSG_EVENT_STATE_CONFIRMED, MSG_EVENT_STATE_WAITING,
                                  MSG_EVENT_STATE_CANCELLED};
    return web_event_label(r, codes, msgs, state);
}

static const char *attended_label(req *r, const event_registrant *g)
{
    if (strcmp(g->state, "confirmed") != 0 && g->attended < 0)
        return "";
    return T(r->lang, g->attended == 1   ? MSG_EVENT_ATT_YES
                      : g->attended == 0 ? MSG_EVENT_ATT_NO
                                         : MSG_EVENT_ATT_UNMARKED);
}

/* The participants as one table (the files' content). */
static table *participants_table(req *r, const event_rec *e, const event_registrant *g, size_t n)
{
    lang_id L = r->lang;
    const table_col cols[] = {
        {.label = T(L, MSG_EVENT_P_NAME)},  {.label = T(L, MSG_EVENT_P_EMAIL)},
        {.label = T(L, MSG_EVENT_P_ORG)},   {.label = T(L, MSG_EVENT_P_STATE)},
        {.label = T(L, MSG_EVENT_P_SINCE)}, {.label = T(L, MSG_EVENT_P_ATTENDED)},
    };
    table *t = table_new(r->a, web_event_title(r, e), cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; t && i < n; i++) {
        size_t row = table_add_row(t);
        buf when = BUF_INIT;
        time_fmt_iso(&when, g[i].queued_at);
        table_set_text(t, row, 0, g[i].name ? g[i].name : "");
        table_set_text(t, row, 1, g[i].email ? g[i].email : "");
        table_set_text(t, row, 2, g[i].org_name ? g[i].org_name : "");
        table_set_text(t, row, 3, state_label(r, g[i].state));
        table_set_text(t, row, 4, buf_failed(&when) ? "" : buf_str(&when));
        table_set_text(t, row, 5, attended_label(r, &g[i]));
        buf_free(&when);
    }
    return t;
}

static void participants_page(req *r, const event_rec *e, const char *alert)
{
    lang_id L = r->lang;
    event_registrant *g;
    size_t n;
    db_status st = event_registrants(r->db, r->a, e->id, &g, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "event_registrants");
        return;
    }
    const char *fmt = req_query(r, "format");
    if (fmt && (strcmp(fmt, "csv") == 0 || strcmp(fmt, "xlsx") == 0)) {
        table *t = participants_table(r, e, g, n);
        if (!t) {
            resp_fail(r, DB_NOMEM, "participants_table");
            return;
        }
        table_respond(r, t, arena_printf(r->a, "event-%lld-participants", (long long)e->id));
        return;
    }
    const char *title = arena_printf(r->a, T(L, MSG_EVENT_P_TITLE), web_event_title(r, e));
    page_meta m = {.title = title, .nav = "events"};
    layout_begin(r, &m);
    buf *o = &r->out;
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/events/%D\">%s</a></p>\n<h1>%s</h1>\n",
             (long long)e->id, web_event_title(r, e), title);
    web_alert(r, alert);
    const char *done = req_query(r, "done");
    web_notice(r, !alert && done && strcmp(done, "attendance") == 0 ? T(L, MSG_EVENT_ATT_SAVED)
                                                                    : NULL);
    if (n == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_EVENT_P_NONE));
        layout_end(r);
        return;
    }
    html_fmt(o,
             "<p><a href=\"/events/%D/participants?format=csv\">%s</a> · "
             "<a href=\"/events/%D/participants?format=xlsx\">%s</a></p>\n",
             (long long)e->id, T(L, MSG_EVENT_P_CSV), (long long)e->id, T(L, MSG_EVENT_P_XLSX));
    bool marking = time_now() >= e->starts_at && strcmp(e->status, "cancelled") != 0;
    if (marking) {
        html_fmt(o, "<form method=\"post\" action=\"/events/%D/attendance\">", (long long)e->id);
        layout_csrf_field(r);
        html_fmt(o, "<p class=\"hint\">%s</p>", T(L, MSG_EVENT_ATT_HINT));
    }
    html_fmt(o,
             "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">%s</th>"
             "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
             "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
             T(L, MSG_EVENT_P_NAME), T(L, MSG_EVENT_P_EMAIL), T(L, MSG_EVENT_P_ORG),
             T(L, MSG_EVENT_P_STATE), T(L, MSG_EVENT_P_SINCE), T(L, MSG_EVENT_P_ATTENDED));
    for (size_t i = 0; i < n; i++) {
        html_fmt(o, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>",
                 web_org_text(r, g[i].name ? g[i].name : "", NULL), g[i].email ? g[i].email : "",
                 g[i].org_name ? web_org_text(r, g[i].org_name, NULL) : "",
                 state_label(r, g[i].state));
        web_datetime(r, g[i].queued_at, MSG_EVENTS_NONE);
        html_raw(o, "</td><td>");
        if (marking && strcmp(g[i].state, "confirmed") == 0)
            html_fmt(o,
                     "<label><input type=\"checkbox\" name=\"attended\" value=\"%D\"%R>"
                     "<span class=\"visually-hidden\"> %s: %s</span></label>",
                     (long long)g[i].id, g[i].attended == 1 ? " checked" : "",
                     T(L, MSG_EVENT_P_ATTENDED), web_org_text(r, g[i].name ? g[i].name : "", NULL));
        else
            html_fmt(o, "%s", attended_label(r, &g[i]));
        html_raw(o, "</td></tr>");
    }
    html_raw(o, "</tbody></table></div>\n");
    if (marking)
        html_fmt(o, "<p><button type=\"submit\">%s</button></p></form>\n",
                 T(L, MSG_EVENT_ATT_SAVE));
    layout_end(r);
}

void web_event_participants(req *r)
{
    event_rec e;
    if (!web_event_load_organised(r, &e))
        return;
    participants_page(r, &e, NULL);
}

/* POST /events/{id}/attendance: attended=REGISTRATION_ID for each ticked
 * box; every other confirmed participant is recorded absent. */
void web_event_attendance(req *r)
{
    event_rec e;
    if (!web_event_load_organised(r, &e))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    int64_t *ids = arena_alloc(r->a, (f.n_fields + 1) * sizeof *ids);
    if (!ids) {
        resp_fail(r, DB_NOMEM, "attendance");
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < f.n_fields; i++) {
        if (strcmp(f.fields[i].name, "attended") != 0)
            continue;
        if (!str_to_i64(f.fields[i].value, &ids[n]) || ids[n] <= 0) {
            r->status = 400;
            participants_page(r, &e, T(r->lang, MSG_EVENT_ERR_ATT_IDS));
            return;
        }
        n++;
    }
    event_refusal why;
    db_status st =
        event_mark_attendance(r->db, e.id, ids, n, r->user->person_id, r->client_ip, &why);
    if (st == DB_OK) {
        resp_redirect(
            r, arena_printf(r->a, "/events/%lld/participants?done=attendance", (long long)e.id));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "event_mark_attendance");
        return;
    }
    r->status = 409;
    participants_page(r, &e, T(r->lang, MSG_EVENT_ERR_NOT_STARTED));
}
