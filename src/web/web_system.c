/* web_system.c: health probe, the search page, and test-only routes. */
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "db/migrate.h"
#include "db/search.h"
#include "html/html.h"
#include "html/layout.h"
#include "http/server.h"
#include "json/json.h"
#include "scan_config.h"
#include "web/web.h"

/* Writes the health document from the probe thread's last check (at most a
 * second old); 503 when the database did not answer. Runs inline on the
 * I/O thread: no database round trip per request. */
static void health_json(req *r)
{
    bool ok = false;
    int version = 0;
    int64_t checked = 0;
    server_db_health(&ok, &version, &checked);
    buf *o = &r->out;
    r->content_type = "application/json";
    r->no_etag = true;
    r->cache_control = "no-store";
    if (!ok)
        r->status = 503;
    buf_puts(o, "{");
    json_put_key(o, "status", true);
    json_put_string(o, ok ? "ok" : "unavailable");
    json_put_key(o, "version", false);
    json_put_string(o, SCAN_VERSION);
    json_put_key(o, "uptime_s", false);
    json_put_int(o, server_uptime());
    buf_puts(o, ",\"database\":{");
    json_put_key(o, "status", true);
    json_put_string(o, ok ? "ok" : "unavailable");
    json_put_key(o, "backend", false);
    json_put_string(o, db_backend_version());
    json_put_key(o, "schema", false);
    json_put_int(o, version);
    json_put_key(o, "checked_at", false);
    json_put_int(o, checked);
    buf_puts(o, "}}\n");
}

void web_healthz(req *r)
{
    health_json(r);
}

void api_health(req *r)
{
    health_json(r);
}

void web_search(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *q = req_query(r, "q");
    if (q && strlen(q) > 200) {
        resp_error(r, 400, T(L, MSG_FORM_ERR_TOO_LONG_MANY));
        return;
    }
    page_meta m = {.title = T(L, MSG_SEARCH_TITLE), .nav = "search"};
    layout_begin(r, &m);
    html_fmt(o, "<h1>%s</h1>\n", T(L, MSG_SEARCH_TITLE));
    html_fmt(o,
             "<form class=\"search-page\" role=\"search\" action=\"/search\" method=\"get\">"
             "<label for=\"q\">%s</label> <input id=\"q\" type=\"search\" name=\"q\" value=\"%s\" "
             "maxlength=\"200\"> <button type=\"submit\">%s</button>"
             "<p class=\"hint\">%s</p></form>\n",
             T(L, MSG_NAV_SEARCH), q ? q : "", T(L, MSG_SEARCH_BUTTON), T(L, MSG_SEARCH_HINT));
    if (q && *q) {
        search_hit *hits = NULL;
        size_t n = 0;
        db_status st = search_query(r->db, r->a, q, NULL, 20, 0, &hits, &n);
        if (st != DB_OK) {
            resp_fail(r, st, "search failed");
            return;
        }
        buf h = BUF_INIT;
        buf_printf(&h, T(L, MSG_SEARCH_RESULTS_FOR), q);
        html_fmt(o, "<h2>%s</h2>\n", buf_str(&h));
        buf_free(&h);
        if (n == 0)
            html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_SEARCH_NONE));
        else {
            html_raw(o, "<ol class=\"results\">");
            for (size_t i = 0; i < n; i++)
                html_fmt(o, "<li>%s #%D</li>", hits[i].kind, (long long)hits[i].ref);
            html_raw(o, "</ol>\n");
        }
    }
    layout_end(r);
}

/* GET /_test/sleep?ms=N: sleeps N milliseconds (at most 10 s), for the
 * graceful-shutdown test. Exists only with test routes on. */
void web_test_sleep(req *r)
{
    const char *ms = req_query(r, "ms");
    long v = ms ? strtol(ms, NULL, 10) : 100;
    if (v < 0 || v > 10000)
        v = 100;
    struct timespec ts = {v / 1000, (v % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    r->content_type = "text/plain; charset=utf-8";
    buf_printf(&r->out, "slept %ld ms\n", v);
}
