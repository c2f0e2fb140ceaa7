/* api_news.c: news and announcements as JSON (issue 17 fixes): the list of
 * visible items (filters as /news: cluster, topic, nace, english), one
 * item, and create and change for those who may write it: a cluster's
 * manager for their cluster only, the secretariat for SCAN's own
 * (rights_can(RIGHT_NEWS_WRITE, org_id), as the pages). The same model
 * (model/news.h: scheduled publishing by publish_at, a time in the past
 * refused) and the same field messages as the web form
 * (web_news_error_text), in the reader's language (English unless the
 * request asks for another with ?lang=). Writes need a read-write token
 * or a session with its CSRF token (RF_WRITE_TOKEN | RF_CSRF). Images
 * are uploaded through the web form: a JSON body carries none. An item
 * the reader may not see answers 404 on every route, as a missing id; one
 * they see but may not write, 403 (web_news_load_for_change). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "model/news.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_news.h"

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *iso_time(int64_t t)
{
    buf b = BUF_INIT;
    time_fmt_iso(&b, t);
    json_t *v = buf_failed(&b) ? json_null() : json_string(buf_str(&b));
    buf_free(&b);
    return v;
}

static json_t *news_json(req *r, const news_rec *n)
{
    const char *base = web_base_url(r);
    json_t *o = json_pack(
        "{s:I, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:b, "
        "s:b, s:s}",
        "id", (json_int_t)n->id, "slug", n->slug, "cluster", str_or_null(n->org_slug), "title_sr",
        n->title_sr ? n->title_sr : "", "lead_sr", n->lead_sr ? n->lead_sr : "", "body_sr",
        n->body_sr ? n->body_sr : "", "title_en", str_or_null(n->title_en), "lead_en",
        str_or_null(n->lead_en), "body_en", str_or_null(n->body_en), "topic", n->topic, "nace",
        str_or_null(n->nace), "status", n->status, "withdrawn_reason",
        str_or_null(n->withdrawn_reason), "publish_at", iso_time(n->publish_at), "created_at",
        iso_time(n->created_at), "updated_at", iso_time(n->updated_at), "has_image", n->has_image,
        "is_demo", n->is_demo, "url", arena_printf(r->a, "%s/news/%s", base ? base : "", n->slug));
    if (o)
        json_object_set_new(o, "visible", json_boolean(news_visible(n)));
    return o;
}

static bool may_write(req *r, int64_t org_id)
{
    return r->user && rights_can(r->db, r->user, RIGHT_NEWS_WRITE, org_id);
}

/* The cluster named by a slug: *org_id, or false with the 4xx written. */
static bool cluster_of(req *r, const char *slug, int64_t *org_id)
{
    org_rec o;
    bool found = false;
    db_status st = org_get(r->db, r->a, slug, 0, &o, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "org_get");
        return false;
    }
    if (!found || !o.kind || !web_news_org_shown(r, &o) ||
        (strcmp(o.kind, "cluster") != 0 && strcmp(o.kind, "cluster_initiative") != 0)) {
        resp_error(r, 404, T(r->lang, MSG_NEWS_E_CLUSTER));
        return false;
    }
    *org_id = o.id;
    return true;
}

void api_news_list(req *r)
{
    api_page pg;
    if (!api_page_parse(r, &pg))
        return;
    news_filter f = {.org_id = -1};
    const char *q = req_query(r, "cluster");
    if (q && strcmp(q, "scan") == 0)
        f.org_id = 0;
    else if (q && *q && !cluster_of(r, q, &f.org_id))
        return;
    f.topic = (q = req_query(r, "topic")) && *q ? q : NULL;
    f.nace = (q = req_query(r, "nace")) && *q ? q : NULL;
    f.english = (q = req_query(r, "english")) && strcmp(q, "1") == 0;
    if (f.topic) {
        bool known = false;
        for (size_t i = 0; news_topics[i]; i++)
            known |= strcmp(f.topic, news_topics[i]) == 0;
        if (!known) {
            resp_error(r, 400, T(r->lang, MSG_NEWS_E_TOPIC));
            return;
        }
    }
    if (f.nace && (strlen(f.nace) != 1 || f.nace[0] < 'A' || f.nace[0] > 'U')) {
        resp_error(r, 400, T(r->lang, MSG_NEWS_E_NACE));
        return;
    }
    if (pg.after > 100000) {
        resp_error(r, 400, "cursor: not one of ours.");
        return;
    }
    news_rec *items = NULL;
    size_t n = 0;
    int64_t total = 0;
    db_status st = news_list(r->db, r->a, &f, (int)pg.after, pg.limit, &items, &n, &total);
    if (st != DB_OK) {
        resp_fail(r, st, "news_list");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, news_json(r, &items[i]));
    json_t *next = json_null();
    if (pg.after + (int64_t)n < total && n > 0) { /* the cursor is the next offset */
        buf c = BUF_INIT;
        api_cursor_encode(&c, pg.after + (int64_t)n);
        next = buf_failed(&c) ? json_null() : json_string(buf_str(&c));
        buf_free(&c);
    }
    api_send(r, 200,
             json_pack("{s:o, s:o, s:I}", "items", arr, "next_cursor", next, "total",
                       (json_int_t)total));
}

/* The item of the path's {id} (an id or a slug) when r may see it
 * (web_news_seen: visible ones and withdrawn ones' notices to anyone,
 * drafts and scheduled ones to those who may write them); else the 404. */
static bool load(req *r, news_rec *n)
{
    db_status st = news_get(r->db, r->a, req_param(r, "id"), n);
    if (st != DB_OK && st != DB_DONE) {
        resp_fail(r, st, "news_get");
        return false;
    }
    if (st == DB_DONE || !web_news_seen(r, n)) {
        resp_error(r, 404, T(r->lang, MSG_NEWS_E_NOT_FOUND));
        return false;
    }
    return true;
}

void api_news_get(req *r)
{
    news_rec n;
    if (!load(r, &n))
        return;
    if (!news_visible(&n))
        r->cache_control = "private, no-store";
    if (strcmp(n.status, "withdrawn") == 0 && !may_write(r, n.org_id)) {
        /* the public notice, as its page: title and reason, no text */
        n.lead_sr = n.body_sr = n.lead_en = n.body_en = NULL;
        n.has_image = false;
    }
    api_send(r, 200, news_json(r, &n));
}

/* A JSON member as an arena string (NULL when absent or not a string). */
static const char *member(req *r, json_t *body, const char *name)
{
    json_t *v = json_object_get(body, name);
    return json_is_string(v) ? arena_strdup(r->a, json_string_value(v)) : NULL;
}

static void save(req *r, const news_rec *old)
{
    json_t *body;
    if (!api_read_json(r, &body))
        return;
    news_input in = {.org_id = old ? old->org_id : 0};
    if (!old) {
        const char *cluster = member(r, body, "cluster");
        if (cluster && *cluster && !cluster_of(r, cluster, &in.org_id)) {
            json_decref(body);
            return;
        }
    }
    if (!may_write(r, in.org_id)) {
        json_decref(body);
        resp_error(r, 403, T(r->lang, MSG_NEWS_E_FORBIDDEN));
        return;
    }
    in.title_sr = member(r, body, "title_sr");
    in.lead_sr = member(r, body, "lead_sr");
    in.body_sr = member(r, body, "body_sr");
    in.title_en = member(r, body, "title_en");
    in.lead_en = member(r, body, "lead_en");
    in.body_en = member(r, body, "body_en");
    in.topic = member(r, body, "topic");
    in.nace = member(r, body, "nace");
    in.publish_at = member(r, body, "publish_at");
    in.status = member(r, body, "status");
    json_decref(body);
    form_errors fe = {0};
    int64_t id = old ? old->id : 0;
    db_status st = old ? news_update(r->db, id, &in, r->user->person_id, r->client_ip, &fe)
                       : news_create(r->db, &in, r->user->person_id, r->client_ip, &fe, &id);
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_NEWS_E_NOT_FOUND));
        return;
    }
    if (st == DB_CONSTRAINT) {
        api_errs e = {0};
        for (size_t i = 0; i < fe.n_items; i++)
            api_errs_add(r, &e, fe.items[i].field,
                         strcmp(fe.items[i].field, "status") == 0 && old
                             ? T(r->lang, MSG_NEWS_E_WITHDRAWN)
                             : web_news_error_text(r, &fe.items[i]));
        api_send_invalid(r, &e);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, old ? "news_update" : "news_create");
        return;
    }
    news_rec n;
    st = news_get(r->db, r->a, arena_printf(r->a, "%lld", (long long)id), &n);
    if (st != DB_OK) {
        resp_fail(r, st == DB_DONE ? DB_ERR : st, "news_get");
        return;
    }
    api_send(r, old ? 200 : 201, news_json(r, &n));
}

void api_news_create(req *r)
{
    save(r, NULL);
}

void api_news_update(req *r)
{
    news_rec n;
    if (!web_news_load_for_change(r, &n)) /* 404 unseen, 403 seen but not theirs */
        return;
    save(r, &n);
}
