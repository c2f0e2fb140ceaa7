/* web_system.c: health probe, the search page with its typeahead
 * endpoint, and test-only routes.
 *
 * Search asks db/search.h for ranked hits of kind "org" and loads each
 * shown entry through the model (org.h): the public sees published
 * entries only. Matching words are marked in names and short
 * descriptions by html_highlight() (web_org_common.c). */
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "db/migrate.h"
#include "core/log.h"
#include "core/strutil.h"
#include "db/search.h"
#include "html/html.h"
#include "html/layout.h"
#include "http/server.h"
#include "json/json.h"
#include "scan_config.h"
#include "model/org.h"
#include "web/web.h"
#include "web/web_org.h"

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
    server_worker_stats_t w;
    server_worker_stats(&w);
    buf_puts(o, "},\"workers\":{");
    json_put_key(o, "size", true);
    json_put_int(o, w.workers);
    json_put_key(o, "busy", false);
    json_put_int(o, w.busy);
    json_put_key(o, "queued", false);
    json_put_int(o, w.queued);
    json_put_key(o, "hash_size", false);
    json_put_int(o, w.hash_workers);
    json_put_key(o, "hash_busy", false);
    json_put_int(o, w.hash_busy);
    json_put_key(o, "hash_queued", false);
    json_put_int(o, w.hash_queued);
    buf_puts(o, "}}\n");
}

void web_healthz(req *r)
{
    health_json(r);
}

/* The human face of /healthz, for people who follow "Service status" in
 * the footer: the same facts in the reader's language and local time,
 * with a link to the JSON that machines read. 503 when the database did
 * not answer, so a monitor may poll either. */
void web_status(req *r)
{
    lang_id L = r->lang;
    bool ok = false;
    int version = 0;
    int64_t checked = 0;
    server_db_health(&ok, &version, &checked);
    int64_t up = server_uptime();
    buf *o = &r->out;
    r->cache_control = "no-store";
    r->no_etag = true;
    if (!ok)
        r->status = 503;
    page_meta m = {.title = T(L, MSG_STATUS_TITLE), .nav = ""};
    layout_begin(r, &m);
    html_fmt(o, "<h1>%s</h1>\n<p class=\"status-line %s\">%s</p>\n", T(L, MSG_STATUS_TITLE),
             ok ? "status-ok" : "status-down", T(L, ok ? MSG_STATUS_OK : MSG_STATUS_DOWN));
    html_fmt(o, "<dl class=\"facts\"><dt>%s</dt><dd>%s</dd>", T(L, MSG_STATUS_VERSION),
             SCAN_VERSION);
    html_fmt(o, "<dt>%s</dt><dd>", T(L, MSG_STATUS_UPTIME));
    html_fmt(o, T(L, MSG_STATUS_UPTIME_FMT), (int)(up / 86400), (int)(up % 86400 / 3600),
             (int)(up % 3600 / 60));
    html_fmt(o, "</dd><dt>%s</dt><dd>%s (%s)</dd>", T(L, MSG_STATUS_DB),
             T(L, ok ? MSG_STATUS_DB_OK : MSG_STATUS_DB_DOWN), db_backend_version());
    html_fmt(o, "<dt>%s</dt><dd>%d</dd><dt>%s</dt><dd>", T(L, MSG_STATUS_SCHEMA), version,
             T(L, MSG_STATUS_CHECKED));
    buf when = BUF_INIT;
    if (checked)
        i18n_fmt_datetime(&when, L, checked);
    html_fmt(o, "%s</dd></dl>\n", checked && !buf_failed(&when) ? buf_str(&when) : "—");
    buf_free(&when);
    html_fmt(o, "<p class=\"hint\">%s <a href=\"/healthz\">/healthz</a></p>\n",
             T(L, MSG_STATUS_MACHINES));
    layout_end(r);
}

void api_health(req *r)
{
    health_json(r);
}

/* --- search ------------------------------------------------------------------ */

#define SEARCH_CAP      200 /* hits ranked per query; pages slice them */
#define SUGGEST_MAX     8
#define SEARCH_MAX_TEXT 200

/* Loads the entries of hits[0..n) into e[i], ok[i] true when the asker
 * may see it (published, or anything for the secretariat); false when it
 * is gone or hidden. One query for the lot (org_summaries). e and ok come
 * from the request's arena. */
static db_status load_hits(req *r, const search_hit *hits, size_t n, org_rec **e, bool **ok)
{
    int64_t *ids = arena_alloc(r->a, (n ? n : 1) * sizeof *ids);
    *e = arena_alloc(r->a, (n ? n : 1) * sizeof **e);
    *ok = arena_alloc(r->a, (n ? n : 1) * sizeof **ok);
    if (!ids || !*e || !*ok)
        return DB_NOMEM;
    for (size_t i = 0; i < n; i++)
        ids[i] = hits[i].ref;
    db_status st = org_summaries(r->db, r->a, ids, n, *e, *ok);
    for (size_t i = 0; i < n; i++) {
        const org_rec *o = &(*e)[i];
        (*ok)[i] = st == DB_OK && (*ok)[i] &&
                   ((o->status && strcmp(o->status, "published") == 0) ||
                    (r->user && r->user->secretariat >= SEC_EDITOR));
    }
    return st;
}

/* The search form; q is the query as typed (or NULL). */
static void search_form(req *r, const char *q)
{
    lang_id L = r->lang;
    html_fmt(&r->out,
             "<form class=\"search-page\" role=\"search\" action=\"/search\" method=\"get\">"
             "<label for=\"q\">%s</label><div class=\"search-row typeahead\">"
             "<input id=\"q\" type=\"search\" name=\"q\" value=\"%s\" maxlength=\"200\" "
             "autocomplete=\"off\" data-suggest> <button type=\"submit\">%s</button></div>"
             "<p class=\"hint\">%s</p></form>\n",
             T(L, MSG_SEARCH_LABEL), q ? q : "", T(L, MSG_SEARCH_BUTTON), T(L, MSG_SEARCH_HINT));
}

void web_search(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *q = req_query(r, "q");
    if (q && strlen(q) > SEARCH_MAX_TEXT) {
        buf t = BUF_INIT;
        buf_printf(&t, T(L, MSG_FORM_ERR_TOO_LONG_MANY), (long long)SEARCH_MAX_TEXT);
        resp_error(r, 400, buf_str(&t));
        buf_free(&t);
        return;
    }
    int page = 1;
    const char *pg = req_query(r, "page");
    if (pg) {
        int64_t p;
        if (!str_to_i64(pg, &p) || p < 1 || p > SEARCH_CAP) {
            resp_error(r, 400, T(L, MSG_DIR_BAD_PARAMS));
            return;
        }
        page = (int)p;
    }
    /* anonymous: the page of this directory version, language and URL
     * from the page cache (typeahead users repeat the same prefixes); a
     * hit is answered on the I/O thread (RF_FAST). Logged-in users may see
     * drafts: never cached. */
    const char *key = NULL;
    int64_t version = 0;
    if (!r->user) {
        db_status st = org_directory_version(r->db, &version);
        if (st != DB_OK) {
            resp_fail(r, st, "org_directory_version");
            return;
        }
        key = arena_printf(r->a, "search|%s|%s?%s", i18n_tag(L), r->path, r->query_raw);
        if (web_cache_serve(r, key, version))
            return;
    }
    /* The entries the asker may see, in rank order: only as many hits as
     * this page needs, plus one to know there are more (ranking is the
     * expensive part at 100,000 entries), and more when some of them are
     * hidden (drafts, archived): the count and the pages are of what the
     * asker may see, or a draft's words could be probed by the count
     * ("1 entry", none shown). At most SEARCH_CAP hits. */
    size_t want = (size_t)page * WEB_ORG_PER_PAGE + 1, n = 0;
    org_rec **vis_e = NULL;
    for (size_t limit = want; q && *q;) {
        search_hit *hits = NULL;
        size_t got = 0;
        db_status st = search_query(r->db, r->a, q, "org", (int)limit, 0, &hits, &got);
        org_rec *e = NULL;
        bool *ok = NULL;
        if (st == DB_OK)
            st = load_hits(r, hits, got, &e, &ok);
        vis_e = arena_alloc(r->a, (got ? got : 1) * sizeof *vis_e);
        if (st == DB_OK && !vis_e)
            st = DB_NOMEM;
        if (st != DB_OK) {
            resp_fail(r, st, "search failed");
            return;
        }
        n = 0;
        for (size_t i = 0; i < got; i++)
            if (ok[i])
                vis_e[n++] = &e[i];
        if (n >= want || got < limit || limit >= SEARCH_CAP)
            break; /* enough, or no more to ask for */
        limit = limit * 2 < SEARCH_CAP ? limit * 2 : SEARCH_CAP;
    }
    bool more = n > (size_t)page * WEB_ORG_PER_PAGE;
    if (more)
        n = (size_t)page * WEB_ORG_PER_PAGE;
    int pages = (int)((n + WEB_ORG_PER_PAGE - 1) / WEB_ORG_PER_PAGE) + (more ? 1 : 0);
    if (page > 1 && page > pages) {
        resp_error(r, 404, T(L, MSG_DIR_NO_SUCH_PAGE));
        return;
    }

    const char *title = T(L, MSG_SEARCH_TITLE);
    if (q && *q) {
        buf h = BUF_INIT;
        buf_printf(&h, T(L, MSG_SEARCH_RESULTS_FOR), q);
        const char *t = buf_failed(&h) ? NULL : arena_strdup(r->a, buf_str(&h));
        buf_free(&h);
        if (t)
            title = t;
    }
    page_meta m = {.title = title, .nav = "search"};
    layout_begin(r, &m);
    html_fmt(o, "<h1>%s</h1>\n", T(L, MSG_SEARCH_TITLE));
    search_form(r, q);
    if (q && *q) {
        web_refs refs = {0};
        buf c = BUF_INIT;
        web_org_count_text(&c, L, (int64_t)n);
        html_fmt(o,
                 "<div class=\"dir-toolbar\"><h2>%s</h2><p class=\"count-note\">%s%R</p></div>\n",
                 title, buf_str(&c), more ? "+" : "");
        buf_free(&c);
        if (n == 0) {
            html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_SEARCH_NONE));
        } else {
            html_raw(o, "<ol class=\"org-list results\">\n");
            size_t from = (size_t)(page - 1) * WEB_ORG_PER_PAGE;
            size_t to = n < from + WEB_ORG_PER_PAGE ? n : from + WEB_ORG_PER_PAGE;
            for (size_t i = from; i < to; i++)
                web_org_card(r, &refs, vis_e[i], q);
            html_raw(o, "</ol>\n");
            buf base = BUF_INIT;
            buf_puts(&base, "/search?q=");
            html_urlencode(&base, q);
            const char *b = buf_failed(&base) ? "/search" : arena_strdup(r->a, buf_str(&base));
            buf_free(&base);
            web_pagination(r, b ? b : "/search", page, pages);
        }
        if (refs.st != DB_OK) {
            resp_fail(r, refs.st, "ref_list");
            return;
        }
    }
    layout_end(r);
    if (key) { /* kept if it ends up whole (server_hook_finish) */
        r->cache_key = key;
        r->cache_version = version;
    }
}

/* GET /search/suggest?q=: at most eight published entries for the
 * typeahead, best first: [{"name":..,"slug":..,"kind_label":..}]. Names
 * and labels are in the reader's language. */
void web_search_suggest(req *r)
{
    const char *q = req_query(r, "q");
    buf *o = &r->out;
    r->content_type = "application/json; charset=utf-8";
    r->cache_control = "no-cache";
    if (!q || !*q || strlen(q) > SEARCH_MAX_TEXT) {
        buf_puts(o, "[]\n");
        return;
    }
    search_hit *hits = NULL;
    size_t n = 0;
    db_status st = search_query(r->db, r->a, q, "org", SUGGEST_MAX * 2, 0, &hits, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "suggest");
        return;
    }
    web_refs refs = {0};
    int64_t *ids = arena_alloc(r->a, (n ? n : 1) * sizeof *ids);
    org_rec *es = arena_alloc(r->a, (n ? n : 1) * sizeof *es);
    bool *found = arena_alloc(r->a, (n ? n : 1) * sizeof *found);
    if (!ids || !es || !found) {
        resp_fail(r, DB_NOMEM, "suggest");
        return;
    }
    for (size_t i = 0; i < n; i++)
        ids[i] = hits[i].ref;
    /* every hit at once (SUGGEST_MAX * 2: one query), published ones shown */
    if ((st = org_summaries(r->db, r->a, ids, n, es, found)) != DB_OK) {
        resp_fail(r, st, "suggest: org_summaries");
        return;
    }
    buf_putc(o, '[');
    int shown = 0;
    for (size_t i = 0; i < n && shown < SUGGEST_MAX; i++) {
        const org_rec e = es[i];
        if (!found[i] || !e.status || strcmp(e.status, "published") != 0)
            continue;
        if (shown++)
            buf_putc(o, ',');
        buf_putc(o, '{');
        json_put_key(o, "name", true);
        json_put_string(o, web_org_name(r, &e));
        json_put_key(o, "slug", false);
        json_put_string(o, e.slug);
        json_put_key(o, "kind_label", false);
        json_put_string(o, web_refs_label(r, &refs, WREF_KIND, e.kind));
        buf_putc(o, '}');
    }
    buf_puts(o, "]\n");
}

/* GET /_test/sleep?ms=N: sleeps N milliseconds (at most 10 s), for the
 * graceful-shutdown test. Exists only with test routes on. Logs "test sleep
 * started" with the request id first, so the test knows the request is in
 * flight before it sends SIGTERM, instead of guessing with a pause. */
void web_test_sleep(req *r)
{
    const char *ms = req_query(r, "ms");
    long v = ms ? strtol(ms, NULL, 10) : 100;
    if (v < 0 || v > 10000)
        v = 100;
    log_msg(LOG_LVL_INFO, r->id, "test sleep started: %ld ms", v);
    struct timespec ts = {v / 1000, (v % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    r->content_type = "text/plain; charset=utf-8";
    buf_printf(&r->out, "slept %ld ms\n", v);
}
