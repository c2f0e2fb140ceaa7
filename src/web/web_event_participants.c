/* web_event_participants.c: an event's participants (see web.h), for
 * whoever may edit the organiser's directory entry: the registered, the
 * waiting list and the cancelled, as a page or a CSV. Shares the labels
 * and loading of web_event.c through web_event.h. */
#include <string.h>

#include "core/csv.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
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

void web_event_participants(req *r)
{
    lang_id L = r->lang;
    event_rec e;
    if (!web_event_load_organised(r, &e))
        return;
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
    const char *title = arena_printf(r->a, T(L, MSG_EVENT_P_TITLE), web_event_title(r, &e));
    page_meta m = {.title = title, .nav = "events"};
    layout_begin(r, &m);
    buf *o = &r->out;
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/events/%D\">%s</a></p>\n<h1>%s</h1>\n",
             (long long)e.id, web_event_title(r, &e), title);
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
