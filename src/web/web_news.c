/* web_news.c: news and announcements (issue 17).
 *
 *   GET  /news                  visible items, newest first; filters cluster
 *                               (slug, or "scan"), topic, nace, version=en;
 *                               pages of NEWS_PAGE_SIZE; cached for anonymous
 *                               readers until a write or news_next_due
 *   GET  /news.atom             the same as an Atom feed (newest 30)
 *   GET  /orgs/{slug}/news.atom a cluster's feed
 *   GET  /news/new?org=slug     the form (SCAN's without org)
 *   POST /news                  create (multipart: optional image)
 *   GET  /news/{id-or-slug}     one item, JSON-LD NewsArticle and OpenGraph;
 *                               drafts and scheduled items only for their
 *                               writers; a withdrawn one is a public notice
 *                               with its reason and no text
 *   GET  /news/{id}/image       its image (public, no-cache with an ETag:
 *                               gone on the next view after a withdrawal)
 *   GET  /news/{id}/edit        the form to change it
 *   POST /news/{id}             change
 *   POST /news/{id}/withdraw    withdraw with a reason
 *
 * Who writes is rights_can(RIGHT_NEWS_WRITE, org) (0: SCAN's own). Every
 * route of one item answers a reader who may not see it (web_news_seen)
 * 404, as for a missing id, and one who sees it but may not write it 403
 * (web_news_load_for_change; api_news.c the same). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "html/atom.h"
#include "html/html.h"
#include "html/layout.h"
#include "html/markdown.h"
#include "json/json.h"
#include "model/news.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_cluster.h"
#include "web/web_news.h"
#include "web/web_org.h"

static const msg_id topic_msgs[] = {MSG_NEWS_TOPIC_CLUSTER, MSG_NEWS_TOPIC_FUNDING,
                                    MSG_NEWS_TOPIC_EVENT,   MSG_NEWS_TOPIC_POLICY,
                                    MSG_NEWS_TOPIC_SUCCESS, MSG_NEWS_TOPIC_OTHER};

static const char *topic_label(lang_id L, const char *code)
{
    for (size_t i = 0; news_topics[i]; i++)
        if (code && strcmp(code, news_topics[i]) == 0)
            return T(L, topic_msgs[i]);
    return code ? code : "";
}

static bool may_write(req *r, int64_t org_id)
{
    return r->user && rights_can(r->db, r->user, RIGHT_NEWS_WRITE, org_id);
}

/* Title, lead and body in the reader's language: English when there is an
 * English version, else Serbian (transliterated for sr-Latn). */
static const char *n_title(req *r, const news_rec *n)
{
    return web_org_text(r, n->title_sr, r->lang == LANG_EN ? n->title_en : NULL);
}
static const char *n_lead(req *r, const news_rec *n)
{
    return web_org_text(r, n->lead_sr, r->lang == LANG_EN && n->title_en ? n->lead_en : NULL);
}
static const char *n_body(const req *r, const news_rec *n)
{
    return r->lang == LANG_EN && n->body_en ? n->body_en : n->body_sr;
}
static const char *n_source(req *r, const news_rec *n)
{
    if (!n->org_id)
        return "SCAN";
    return web_org_text(r, n->org_name, n->org_name_en);
}

static const char *fmt_date(req *r, int64_t t)
{
    buf b = BUF_INIT;
    i18n_fmt_datetime(&b, r->lang, t);
    const char *s = buf_failed(&b) ? "" : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return s ? s : "";
}

/* One item of a list. */
static void news_item(req *r, const news_rec *n, int heading)
{
    buf *o = &r->out;
    html_fmt(o, "<li class=\"news-item\"><article>");
    if (n->has_image)
        html_fmt(o, "<img class=\"news-thumb\" src=\"/news/%D/image\" alt=\"\" loading=\"lazy\">",
                 (long long)n->id);
    html_fmt(o, "<h%d><a href=\"/news/%q\">%s</a></h%d>", heading, n->slug, n_title(r, n), heading);
    buf iso = BUF_INIT; /* datetime wants RFC 3339, not seconds */
    time_fmt_iso(&iso, n->publish_at);
    html_fmt(o, "<p class=\"news-meta\"><time datetime=\"%s\">%s</time> · %s · %s</p>",
             buf_failed(&iso) ? "" : buf_str(&iso), fmt_date(r, n->publish_at), n_source(r, n),
             topic_label(r->lang, n->topic));
    buf_free(&iso);
    html_fmt(o, "<p>%s</p></article></li>\n", n_lead(r, n));
}

void web_news_section(req *r, int64_t org_id, const char *slug)
{
    news_rec *items = NULL;
    size_t n = 0;
    if (news_latest(r->db, r->a, org_id, 5, &items, &n) != DB_OK || n == 0)
        return;
    lang_id L = r->lang;
    html_fmt(&r->out,
             "<section class=\"panel news-section\" aria-labelledby=\"news-h\"><h2 id=\"news-h\">%s"
             "</h2><ul class=\"news-list\">",
             T(L, MSG_NEWS_TITLE));
    for (size_t i = 0; i < n; i++)
        news_item(r, &items[i], 3);
    html_fmt(&r->out,
             "</ul><p><a href=\"/news?cluster=%q\">%s</a> · <a href=\"/orgs/%q/news.atom\">%s</a>"
             "</p></section>\n",
             slug, T(L, MSG_NEWS_ALL_OF_CLUSTER), slug, T(L, MSG_NEWS_FEED));
}

/* ?cluster= as an org id: -1 any, 0 "scan"; false (404 written) unknown. */
static bool read_cluster(req *r, int64_t *org_id, const char **name)
{
    const char *slug = req_query(r, "cluster");
    *org_id = -1;
    *name = NULL;
    if (!slug || !*slug)
        return true;
    if (strcmp(slug, "scan") == 0) {
        *org_id = 0;
        *name = "SCAN";
        return true;
    }
    org_rec o;
    bool found = false;
    db_status st = org_get(r->db, r->a, slug, 0, &o, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "org_get");
        return false;
    }
    if (!found || !web_news_org_shown(r, &o)) { /* a draft's name is no one else's to see */
        resp_error(r, 404, T(r->lang, MSG_NEWS_E_CLUSTER));
        return false;
    }
    *org_id = o.id;
    *name = web_org_name(r, &o);
    return true;
}

static const char *valid_code(const char *s, const char *const *codes)
{
    for (size_t i = 0; s && codes[i]; i++)
        if (strcmp(s, codes[i]) == 0)
            return codes[i];
    return NULL;
}

bool web_news_due(req *r, int64_t now, int64_t *dir_v, int64_t *next, const char *what)
{
    *next = 0;
    db_status st = org_directory_version(r->db, dir_v);
    if (st == DB_OK && !news_due_memo_get(*dir_v, now, next)) {
        if (!r->db) { /* the I/O thread: a worker reads it */
            web_cache_serve(r, NULL, 0);
            return false;
        }
        if ((st = news_next_due(r->db, now, next)) == DB_OK)
            news_due_memo_put(*dir_v, *next);
    }
    if (st != DB_OK) {
        resp_fail(r, st, what);
        return false;
    }
    return true;
}

void web_news_list(req *r)
{
    lang_id L = r->lang;
    /* anonymous: cached under the directory version and the next moment a
     * scheduled item comes due (the key names it; the page is current
     * while now is before it). Both come from memory on a warm hit, which
     * is answered on the I/O thread (RF_FAST) with no SQL at all. */
    const char *key = NULL;
    int64_t version = 0;
    if (!r->user) {
        int64_t next = 0;
        if (!web_news_due(r, time_now(), &version, &next, "news cache key"))
            return;
        key = arena_printf(r->a, "news|%lld|%s|%s?%s", (long long)next, i18n_tag(L), r->path,
                           r->query_raw ? r->query_raw : "");
        if (key && web_cache_serve(r, key, version))
            return;
    }
    news_filter f = {.org_id = -1};
    const char *cluster_name = NULL;
    if (!read_cluster(r, &f.org_id, &cluster_name))
        return;
    const char *topic = req_query(r, "topic"), *nace = req_query(r, "nace");
    f.topic = valid_code(topic, news_topics);
    if (topic && *topic && !f.topic) {
        resp_error(r, 400, T(L, MSG_NEWS_E_TOPIC));
        return;
    }
    if (nace && *nace) {
        if (strlen(nace) != 1 || nace[0] < 'A' || nace[0] > 'U') {
            resp_error(r, 400, T(L, MSG_NEWS_E_NACE));
            return;
        }
        f.nace = nace;
    }
    const char *version_q = req_query(r, "version");
    f.english = version_q && strcmp(version_q, "en") == 0;
    int page = 1;
    const char *ps = req_query(r, "page");
    if (ps && *ps) {
        char *end = NULL;
        long v = strtol(ps, &end, 10);
        if (*end || v < 1 || v > 100000) {
            resp_error(r, 400, T(L, MSG_NEWS_E_PAGE));
            return;
        }
        page = (int)v;
    }
    news_rec *items = NULL;
    size_t n = 0;
    int64_t total = 0;
    db_status st =
        news_list(r->db, r->a, &f, (page - 1) * NEWS_PAGE_SIZE, NEWS_PAGE_SIZE, &items, &n, &total);
    if (st != DB_OK) {
        resp_fail(r, st, "news_list");
        return;
    }
    page_meta pm = {.title = T(L, MSG_NEWS_TITLE),
                    .nav = "news",
                    .description = T(L, MSG_NEWS_LEAD),
                    .head_raw = "<link rel=\"alternate\" type=\"application/atom+xml\" "
                                "href=\"/news.atom\" title=\"SCAN\">\n"};
    layout_begin(r, &pm);
    buf *o = &r->out;
    html_fmt(o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T(L, MSG_NEWS_TITLE),
             T(L, MSG_NEWS_LEAD));
    html_raw(o, "<p class=\"news-actions\">");
    if (r->user)
        html_fmt(o, "<a class=\"button\" href=\"/news/new\">%s</a> ", T(L, MSG_NEWS_NEW));
    html_fmt(o, "<a href=\"/news.atom\">%s</a> · <a href=\"/newsletter\">%s</a>",
             T(L, MSG_NEWS_FEED), T(L, MSG_NL_SUBSCRIBE_LINK));
    if (r->user && rights_can(r->db, r->user, RIGHT_NEWSLETTER, 0))
        html_fmt(o, " · <a href=\"/admin/newsletter\">%s</a>", T(L, MSG_NL_ADMIN_TITLE));
    html_raw(o, "</p>\n");
    /* filters: a GET form, so every view has its own address */
    html_fmt(o,
             "<form method=\"get\" action=\"/news\" class=\"filters-inline\">"
             "<label for=\"nw-topic\">%s</label> <select id=\"nw-topic\" name=\"topic\">"
             "<option value=\"\">%s</option>",
             T(L, MSG_NEWS_L_TOPIC), T(L, MSG_NEWS_ANY));
    for (size_t i = 0; news_topics[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", news_topics[i],
                 f.topic && strcmp(f.topic, news_topics[i]) == 0 ? " selected" : "",
                 T(L, topic_msgs[i]));
    web_refs refs = {0};
    size_t n_nace = 0;
    const ref_item *naces = web_refs_items(r, &refs, WREF_NACE, &n_nace);
    html_fmt(o,
             "</select> <label for=\"nw-nace\">%s</label> <select id=\"nw-nace\" name=\"nace\">"
             "<option value=\"\">%s</option>",
             T(L, MSG_NEWS_L_SECTOR), T(L, MSG_NEWS_ANY));
    for (size_t i = 0; naces && i < n_nace; i++)
        if (naces[i].code && strlen(naces[i].code) == 1)
            html_fmt(o, "<option value=\"%s\"%R>%s</option>", naces[i].code,
                     f.nace && strcmp(f.nace, naces[i].code) == 0 ? " selected" : "",
                     web_refs_label(r, &refs, WREF_NACE, naces[i].code));
    html_fmt(o,
             "</select> <label><input type=\"checkbox\" name=\"version\" value=\"en\"%R> %s"
             "</label>",
             f.english ? " checked" : "", T(L, MSG_NEWS_L_ENGLISH));
    const char *cl = req_query(r, "cluster");
    if (cl && *cl)
        html_fmt(o, "<input type=\"hidden\" name=\"cluster\" value=\"%s\">", cl);
    html_fmt(o, " <button type=\"submit\" class=\"button-secondary\">%s</button></form>\n",
             T(L, MSG_NEWS_SHOW));
    if (cluster_name)
        html_fmt(o, "<p class=\"filter-note\">%s <a href=\"/news\">%s</a></p>\n",
                 arena_printf(r->a, T(L, MSG_NEWS_ONLY_OF), cluster_name), T(L, MSG_NEWS_ALL));
    if (n == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_NEWS_NONE));
    } else {
        html_raw(o, "<ul class=\"news-list\">\n");
        for (size_t i = 0; i < n; i++)
            news_item(r, &items[i], 2);
        html_raw(o, "</ul>\n");
        int pages = (int)((total + NEWS_PAGE_SIZE - 1) / NEWS_PAGE_SIZE);
        buf base = BUF_INIT;
        buf_puts(&base, "/news?");
        for (size_t i = 0; i < r->query.n_fields; i++) {
            const form_field *q = &r->query.fields[i];
            if (strcmp(q->name, "page") == 0 || strcmp(q->name, "lang") == 0 || !*q->value)
                continue;
            html_urlencode(&base, q->name);
            buf_putc(&base, '=');
            html_urlencode(&base, q->value);
            buf_putc(&base, '&');
        }
        if (base.len && (base.data[base.len - 1] == '&' || base.data[base.len - 1] == '?'))
            base.data[--base.len] = '\0';
        if (!buf_failed(&base))
            web_pagination(r, arena_strdup(r->a, buf_str(&base)), page, pages);
        buf_free(&base);
    }
    layout_end(r);
    if (key) {
        r->cache_key = key;
        r->cache_version = version;
    }
}

/* --- feeds ----------------------------------------------------------------------- */

static void news_feed(req *r, int64_t org_id, const char *title, const char *self, const char *alt)
{
    news_rec *items = NULL;
    size_t n = 0;
    news_filter f = {.org_id = org_id};
    db_status st = news_list(r->db, r->a, &f, 0, 30, &items, &n, NULL);
    if (st != DB_OK) {
        resp_fail(r, st, "news feed");
        return;
    }
    const char *base = web_base_url(r);
    if (!base)
        base = "";
    int64_t updated = 0;
    for (size_t i = 0; i < n; i++)
        if (items[i].updated_at > updated)
            updated = items[i].updated_at;
    if (n && items[0].publish_at > updated)
        updated = items[0].publish_at;
    const char *self_url = arena_printf(r->a, "%s%s", base, self);
    atom_feed feed = {.id = self_url,
                      .title = title,
                      .self_url = self_url,
                      .alt_url = arena_printf(r->a, "%s%s", base, alt),
                      .lang = i18n_tag(r->lang),
                      .updated = updated ? updated : time_now()};
    atom_entry *e = arena_alloc(r->a, (n ? n : 1) * sizeof *e);
    if (!e) {
        resp_fail(r, DB_NOMEM, "news feed");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const char *url = arena_printf(r->a, "%s/news/%s", base, items[i].slug);
        e[i] = (atom_entry){.id = url,
                            .title = n_title(r, &items[i]),
                            .url = url,
                            .summary = n_lead(r, &items[i]),
                            .author = n_source(r, &items[i]),
                            .updated = items[i].updated_at,
                            .published = items[i].publish_at};
    }
    if (!atom_write(&r->out, &feed, e, n)) {
        resp_fail(r, DB_NOMEM, "news feed");
        return;
    }
    r->content_type = "application/atom+xml; charset=utf-8";
}

void web_news_atom(req *r)
{
    news_feed(r, -1, arena_printf(r->a, "SCAN: %s", T(r->lang, MSG_NEWS_TITLE)), "/news.atom",
              "/news");
}

void web_news_org_atom(req *r)
{
    org_rec o;
    if (!web_org_load(r, &o))
        return;
    news_feed(r, o.id,
              arena_printf(r->a, "%s: %s", web_org_name(r, &o), T(r->lang, MSG_NEWS_TITLE)),
              arena_printf(r->a, "/orgs/%s/news.atom", o.slug),
              arena_printf(r->a, "/news?cluster=%s", o.slug));
}

/* --- the form ------------------------------------------------------------------- */

typedef struct news_view {
    const form *typed;
    const web_errs *errs; /* NULL: the item as stored (edit) */
    const news_rec *edit; /* NULL: a new item */
} news_view;

static const char *typed(const news_view *v, const char *name)
{
    return v ? form_get(v->typed, name) : NULL;
}

/* The clusters the user may write for; *scan whether SCAN's own too. */
static db_status writable_orgs(req *r, org_rec **out, size_t *n, bool *scan)
{
    *out = NULL;
    *n = 0;
    *scan = may_write(r, 0);
    /* the clusters the user manages (the secretariat: every cluster) */
    static const char SQL[] =
        "SELECT DISTINCT o.slug, o.name_folded FROM org o" /* ordered by: PostgreSQL */
        " WHERE o.kind IN ('cluster', 'cluster_initiative')"
        " AND o.status = 'published' AND ($1 OR o.id IN (SELECT org_id FROM affiliation"
        " WHERE person_id = $2 AND role = 'manager' AND ended_at IS NULL))"
        " ORDER BY o.name_folded LIMIT 500";
    db_stmt *s = db_query(r->db, SQL, DB_ARGS(DBI(*scan), DBI(r->user->person_id)));
    if (!s)
        return db_failure(r->db) ? db_failure(r->db) : DB_ERR;
    org_rec *list = NULL;
    size_t cap = 0;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            org_rec *g = arena_alloc(r->a, nc * sizeof *g);
            if (!g) {
                db_reset(s);
                return DB_NOMEM;
            }
            if (list)
                memcpy(g, list, *n * sizeof *g);
            list = g;
            cap = nc;
        }
        memset(&list[*n], 0, sizeof list[*n]);
        list[*n].slug = arena_strdup(r->a, db_col_text(s, 0));
        (*n)++;
    }
    db_reset(s);
    if (st != DB_DONE)
        return st;
    /* full records for names and rights */
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        bool found = false;
        if ((st = org_get(r->db, r->a, list[i].slug, 0, &list[k], &found)) != DB_OK)
            return st;
        if (found && may_write(r, list[k].id))
            k++;
    }
    *n = k;
    *out = list;
    return DB_OK;
}

static void news_form(req *r, const news_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    org_rec *orgs = NULL;
    size_t n_orgs = 0;
    bool scan = false;
    const news_rec *edit = v ? v->edit : NULL;
    db_status st = edit ? DB_OK : writable_orgs(r, &orgs, &n_orgs, &scan);
    if (st != DB_OK) {
        resp_fail(r, st, "news orgs");
        return;
    }
    if (edit ? !may_write(r, edit->org_id) : !scan && n_orgs == 0) {
        resp_error(r, 403, T(L, MSG_NEWS_E_FORBIDDEN));
        return;
    }
    const web_errs *errs = v ? v->errs : NULL;
    if (errs)
        r->status = 422;
    const char *title = T(L, edit ? MSG_NEWS_EDIT : MSG_NEWS_NEW);
    page_meta pm = {.title = title, .nav = "news"};
    layout_begin(r, &pm);
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/news\">%s</a></p>\n<h1>%s</h1>\n",
             T(L, MSG_NEWS_TITLE), title);
    web_error_summary(r, errs);
    if (edit)
        html_fmt(o,
                 "<form class=\"form\" method=\"post\" action=\"/news/%D\" "
                 "enctype=\"multipart/form-data\" novalidate>",
                 (long long)edit->id);
    else
        html_raw(o, "<form class=\"form\" method=\"post\" action=\"/news\" "
                    "enctype=\"multipart/form-data\" novalidate>");
    layout_csrf_field(r);
    const char *org = v ? typed(v, "org") : req_query(r, "org");
    const char *err = web_errs_get(errs, "org");
    if (edit) {
        html_fmt(o, "<p><strong>%s:</strong> %s</p>", T(L, MSG_NEWS_L_SOURCE), n_source(r, edit));
    } else {
        web_field_open(r, "nw-org", T(L, MSG_NEWS_L_SOURCE), NULL, err);
        html_raw(o, "<select id=\"nw-org\" name=\"org\"");
        web_described_by(r, "nw-org", false, err);
        html_raw(o, ">");
        if (scan)
            html_fmt(o, "<option value=\"\">SCAN</option>");
        for (size_t i = 0; i < n_orgs; i++)
            html_fmt(o, "<option value=\"%s\"%R>%s</option>", orgs[i].slug,
                     org && strcmp(org, orgs[i].slug) == 0 ? " selected" : "",
                     web_org_name(r, &orgs[i]));
        html_raw(o, "</select></div>\n");
    }
    /* each language's fields as a group with a heading (bare fieldsets ran
     * a label into the input above it on a phone: .version spaces them) */
    html_fmt(o, "<fieldset class=\"version\"><legend>%s</legend>", T(L, MSG_NEWS_SR_VERSION));
    web_field(r, &(web_input){.id = "nw-title-sr",
                              .name = "title_sr",
                              .type = "text",
                              .label = T(L, MSG_NEWS_L_TITLE),
                              .value = typed(v, "title_sr"),
                              .error = web_errs_get(errs, "title_sr"),
                              .required = true,
                              .maxlength = NEWS_TITLE_MAX});
    wc_textarea(r, "nw-lead-sr", "lead_sr", T(L, MSG_NEWS_L_LEAD), NULL, typed(v, "lead_sr"),
                web_errs_get(errs, "lead_sr"), 2);
    wc_textarea(r, "nw-body-sr", "body_sr", T(L, MSG_NEWS_L_BODY), T(L, MSG_NEWS_H_BODY),
                typed(v, "body_sr"), web_errs_get(errs, "body_sr"), 10);
    html_fmt(o,
             "</fieldset><fieldset class=\"version\"><legend>%s</legend><p class=\"hint\">%s</p>",
             T(L, MSG_NEWS_EN_VERSION), T(L, MSG_NEWS_H_EN));
    web_field(r, &(web_input){.id = "nw-title-en",
                              .name = "title_en",
                              .type = "text",
                              .label = T(L, MSG_NEWS_L_TITLE),
                              .value = typed(v, "title_en"),
                              .error = web_errs_get(errs, "title_en"),
                              .maxlength = NEWS_TITLE_MAX});
    wc_textarea(r, "nw-lead-en", "lead_en", T(L, MSG_NEWS_L_LEAD), NULL, typed(v, "lead_en"),
                web_errs_get(errs, "lead_en"), 2);
    wc_textarea(r, "nw-body-en", "body_en", T(L, MSG_NEWS_L_BODY), NULL, typed(v, "body_en"),
                web_errs_get(errs, "body_en"), 10);
    html_raw(o, "</fieldset>");
    const char *topic = typed(v, "topic");
    wc_code_select(r, "nw-topic", "topic", T(L, MSG_NEWS_L_TOPIC), news_topics, topic_label,
                   topic ? topic : "cluster", web_errs_get(errs, "topic"), false);
    web_refs refs = {0};
    size_t n_nace = 0;
    const ref_item *naces = web_refs_items(r, &refs, WREF_NACE, &n_nace);
    const char *nace = typed(v, "nace");
    err = web_errs_get(errs, "nace");
    web_field_open(r, "nw-nace", T(L, MSG_NEWS_L_SECTOR), NULL, err);
    html_fmt(o, "<select id=\"nw-nace\" name=\"nace\"><option value=\"\">%s</option>",
             T(L, MSG_NEWS_NO_SECTOR));
    for (size_t i = 0; naces && i < n_nace; i++)
        if (naces[i].code && strlen(naces[i].code) == 1)
            html_fmt(o, "<option value=\"%s\"%R>%s</option>", naces[i].code,
                     nace && strcmp(nace, naces[i].code) == 0 ? " selected" : "",
                     web_refs_label(r, &refs, WREF_NACE, naces[i].code));
    html_raw(o, "</select></div>\n");
    web_field(r, &(web_input){.id = "nw-image",
                              .name = "image",
                              .type = "file",
                              .label = T(L, MSG_NEWS_L_IMAGE),
                              .hint = T(L, MSG_NEWS_H_IMAGE),
                              .error = web_errs_get(errs, "image")});
    /* a value typed wrong comes back as text, as typed (a datetime-local
     * input would drop it, and the value would make the HTML invalid) */
    const char *at = typed(v, "publish_at");
    bool at_ok = !at || !*at || (news_parse_local(at) > 0 && at[10] == 'T' && strlen(at) == 16);
    web_field(r, &(web_input){.id = "nw-at",
                              .name = "publish_at",
                              .type = at_ok ? "datetime-local" : "text",
                              .label = T(L, MSG_NEWS_L_PUBLISH_AT),
                              .hint = T(L, MSG_NEWS_H_PUBLISH_AT),
                              .value = typed(v, "publish_at"),
                              .error = web_errs_get(errs, "publish_at")});
    const char *status = typed(v, "status");
    bool draft = status && strcmp(status, "draft") == 0;
    html_fmt(o,
             "<fieldset class=\"choices\"><legend>%s</legend>"
             "<label><input type=\"radio\" name=\"status\" value=\"published\"%R> %s</label> "
             "<label><input type=\"radio\" name=\"status\" value=\"draft\"%R> %s</label>"
             "</fieldset>",
             T(L, MSG_NEWS_L_STATUS), draft ? "" : " checked", T(L, MSG_NEWS_PUBLISH),
             draft ? " checked" : "", T(L, MSG_NEWS_DRAFT));
    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>\n",
             T(L, MSG_NEWS_SAVE));
    layout_end(r);
}

void web_news_new_form(req *r)
{
    news_form(r, NULL);
}

const char *web_news_error_text(req *r, const form_error *e)
{
    lang_id L = r->lang;
    if (strcmp(e->field, "publish_at") == 0)
        return T(L, e->code == FE_RANGE ? MSG_NEWS_E_PAST : MSG_NEWS_E_WHEN);
    if (strcmp(e->field, "image") == 0 && e->code == FE_INVALID)
        return T(L, MSG_NEWS_E_IMAGE);
    if (strcmp(e->field, "org") == 0)
        return T(L, MSG_NEWS_E_FORBIDDEN);
    buf b = BUF_INIT;
    form_error_text(&b, L, e);
    const char *s = buf_failed(&b) ? "" : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return s ? s : "";
}

/* The stored item as the form's fields, for the edit form. */
static form *rec_form(req *r, const news_rec *n)
{
    char at[20] = "";
    if (n->publish_at > time_now()) {
        time_t tt = (time_t)n->publish_at;
        struct tm tm;
        if (!localtime_r(&tt, &tm) || strftime(at, sizeof at, "%Y-%m-%dT%H:%M", &tm) == 0)
            at[0] = '\0';
    }
    const char *names[] = {"title_sr", "lead_sr", "body_sr", "title_en", "lead_en",
                           "body_en",  "topic",   "nace",    "status",   "publish_at"};
    const char *vals[] = {n->title_sr, n->lead_sr, n->body_sr, n->title_en, n->lead_en,
                          n->body_en,  n->topic,   n->nace,    n->status,   at};
    form *f = arena_zalloc(r->a, sizeof *f);
    form_field *ff = arena_zalloc(r->a, sizeof names / sizeof names[0] * sizeof *ff);
    if (!f || !ff)
        return NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *x = vals[i] ? arena_strdup(r->a, vals[i]) : "";
        ff[i] = (form_field){.name = names[i], .value = x ? x : "", .value_len = x ? strlen(x) : 0};
    }
    f->fields = ff;
    f->n_fields = sizeof names / sizeof names[0];
    return f;
}

bool web_news_org_shown(req *r, const org_rec *o)
{
    return (o->status && strcmp(o->status, "published") == 0) ||
           (r->user && r->user->secretariat >= SEC_EDITOR) || may_write(r, o->id);
}

bool web_news_seen(req *r, const news_rec *n)
{
    return news_visible(n) || (n->status && strcmp(n->status, "withdrawn") == 0) ||
           may_write(r, n->org_id);
}

bool web_news_load_for_change(req *r, news_rec *n)
{
    db_status st = news_get(r->db, r->a, req_param(r, "id"), n);
    if (st == DB_DONE || (st == DB_OK && !web_news_seen(r, n))) {
        resp_error(r, 404, T(r->lang, MSG_NEWS_E_NOT_FOUND));
        return false;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "news_get");
        return false;
    }
    if (!may_write(r, n->org_id)) {
        resp_error(r, 403, T(r->lang, MSG_NEWS_E_NOT_YOURS));
        return false;
    }
    return true;
}

void web_news_edit_form(req *r)
{
    news_rec n;
    if (!web_news_load_for_change(r, &n))
        return;
    form *f = rec_form(r, &n);
    if (!f) {
        resp_fail(r, DB_NOMEM, "news edit form");
        return;
    }
    news_view v = {f, NULL, &n};
    news_form(r, &v);
}

/* The form's fields as a news_input (image: the uploaded file, if any). */
static void form_input(const form *f, news_input *in)
{
    in->title_sr = form_get(f, "title_sr");
    in->lead_sr = form_get(f, "lead_sr");
    in->body_sr = form_get(f, "body_sr");
    in->title_en = form_get(f, "title_en");
    in->lead_en = form_get(f, "lead_en");
    in->body_en = form_get(f, "body_en");
    in->topic = form_get(f, "topic");
    in->nace = form_get(f, "nace");
    in->publish_at = form_get(f, "publish_at");
    in->status = form_get(f, "status");
    const form_field *img = form_find(f, "image");
    if (img && img->filename && img->value_len > 0) {
        in->image = img->value;
        in->n_image = img->value_len;
    }
}

void web_news_update(req *r)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    news_rec n;
    if (!web_news_load_for_change(r, &n))
        return;
    news_input in = {0};
    form_input(&f, &in);
    form_errors fe = {0};
    db_status st = news_update(r->db, n.id, &in, r->user->person_id, r->client_ip, &fe);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/news/%lld?saved=1", (long long)n.id));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "news_update");
        return;
    }
    web_errs e = {0};
    for (size_t i = 0; i < fe.n_items; i++)
        web_errs_add(&e, fe.items[i].field,
                     strcmp(fe.items[i].field, "status") == 0
                         ? T(r->lang, MSG_NEWS_E_WITHDRAWN)
                         : web_news_error_text(r, &fe.items[i]));
    news_view v = {&f, &e, &n};
    news_form(r, &v);
}

void web_news_create(req *r)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    lang_id L = r->lang;
    web_errs e = {0};
    news_input in = {0};
    const char *org = form_get(&f, "org");
    if (org && *org && strcmp(org, "scan") != 0) { /* "scan": SCAN's own, as ?cluster=scan */
        org_rec o;
        bool found = false;
        db_status st = org_get(r->db, r->a, org, 0, &o, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "org_get");
            return;
        }
        if (!found || !web_news_org_shown(r, &o)) { /* as the API: 404, then 403 */
            resp_error(r, 404, T(L, MSG_NEWS_E_CLUSTER));
            return;
        }
        if (!may_write(r, o.id)) {
            resp_error(r, 403, T(L, MSG_NEWS_E_FORBIDDEN));
            return;
        }
        in.org_id = o.id;
    } else if (!may_write(r, 0)) {
        resp_error(r, 403, T(L, MSG_NEWS_E_FORBIDDEN));
        return;
    }
    form_input(&f, &in);
    form_errors fe = {0};
    int64_t id = 0;
    db_status st = news_create(r->db, &in, r->user->person_id, r->client_ip, &fe, &id);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/news/%lld?saved=1", (long long)id));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "news_create");
        return;
    }
    for (size_t i = 0; i < fe.n_items; i++)
        web_errs_add(&e, fe.items[i].field, web_news_error_text(r, &fe.items[i]));
    news_view v = {&f, &e, NULL};
    news_form(r, &v);
}

/* --- one item -------------------------------------------------------------------- */

static const char *news_jsonld(req *r, const news_rec *n, const char *url)
{
    buf j = BUF_INIT;
    buf_puts(&j, "{");
    json_put_key(&j, "@context", true);
    json_put_string(&j, "https://schema.org");
    json_put_key(&j, "@type", false);
    json_put_string(&j, "NewsArticle");
    json_put_key(&j, "headline", false);
    json_put_string(&j, n_title(r, n));
    json_put_key(&j, "description", false);
    json_put_string(&j, n_lead(r, n));
    json_put_key(&j, "inLanguage", false);
    json_put_string(&j, i18n_tag(r->lang));
    buf tb = BUF_INIT;
    time_fmt_iso(&tb, n->publish_at);
    json_put_key(&j, "datePublished", false);
    json_put_string(&j, buf_str(&tb));
    buf_reset(&tb);
    time_fmt_iso(&tb, n->updated_at > n->publish_at ? n->updated_at : n->publish_at);
    json_put_key(&j, "dateModified", false);
    json_put_string(&j, buf_str(&tb));
    buf_free(&tb);
    if (url) {
        json_put_key(&j, "url", false);
        json_put_string(&j, url);
        if (n->has_image) {
            json_put_key(&j, "image", false);
            json_put_string(&j, arena_printf(r->a, "%s/image", url));
        }
    }
    json_put_key(&j, "publisher", false);
    buf_puts(&j, "{");
    json_put_key(&j, "@type", true);
    json_put_string(&j, "Organization");
    json_put_key(&j, "name", false);
    json_put_string(&j, n_source(r, n));
    buf_puts(&j, "}}");
    buf h = BUF_INIT;
    html_raw(&h, "<script type=\"application/ld+json\">");
    /* json_put_string escapes '<' and '/' never; keep "</script>" out */
    for (size_t i = 0; i < j.len; i++) {
        if (j.data[i] == '<')
            buf_puts(&h, "\\u003c");
        else
            buf_putc(&h, j.data[i]);
    }
    html_raw(&h, "</script>\n");
    if (url && n->has_image)
        html_fmt(&h, "<meta property=\"og:image\" content=\"%s/image\">\n", url);
    if (url)
        html_fmt(&h, "<meta property=\"og:url\" content=\"%s\">\n", url);
    html_fmt(&h, "<meta property=\"article:published_time\" content=\"");
    time_fmt_iso(&h, n->publish_at);
    html_raw(&h, "\">\n");
    const char *out = buf_failed(&j) || buf_failed(&h) ? NULL : arena_strdup(r->a, buf_str(&h));
    buf_free(&j);
    buf_free(&h);
    return out;
}

/* Loads {id} (id or slug); writes 404 itself when it is not there or not
 * for this reader. */
static bool load_news(req *r, news_rec *n)
{
    db_status st = news_get(r->db, r->a, req_param(r, "id"), n);
    if (st == DB_DONE || (st == DB_OK && !web_news_seen(r, n))) {
        resp_error(r, 404, T(r->lang, MSG_NEWS_E_NOT_FOUND));
        return false;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "news_get");
        return false;
    }
    return true;
}

void web_news_page(req *r)
{
    lang_id L = r->lang;
    news_rec n;
    if (!load_news(r, &n))
        return;
    bool writer = may_write(r, n.org_id);
    if (strcmp(n.status, "withdrawn") == 0) {
        /* the notice: no lead in the description and JSON-LD, no og:image
         * (its image answers 404 now), the reason instead */
        const char *note = arena_printf(r->a, T(L, MSG_NEWS_WITHDRAWN_NOTE), n.withdrawn_reason);
        n.lead_sr = n.lead_en = note ? note : "";
        n.has_image = false;
    }
    const char *base = web_base_url(r);
    const char *url = base ? arena_printf(r->a, "%s/news/%s", base, n.slug) : NULL;
    page_meta pm = {.title = n_title(r, &n),
                    .nav = "news",
                    .description = n_lead(r, &n),
                    .og_type = "article",
                    .head_raw = news_jsonld(r, &n, url)};
    layout_begin(r, &pm);
    buf *o = &r->out;
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/news\">%s</a></p>\n", T(L, MSG_NEWS_TITLE));
    if (req_query(r, "saved"))
        web_notice(r, T(L, MSG_NEWS_SAVED));
    if (strcmp(n.status, "withdrawn") == 0)
        web_alert(r, arena_printf(r->a, T(L, MSG_NEWS_WITHDRAWN_NOTE), n.withdrawn_reason));
    else if (strcmp(n.status, "draft") == 0)
        web_alert(r, T(L, MSG_NEWS_DRAFT_NOTE));
    else if (!news_visible(&n))
        web_alert(r, arena_printf(r->a, T(L, MSG_NEWS_SCHEDULED_NOTE), fmt_date(r, n.publish_at)));
    html_fmt(o, "<article class=\"news-article\"><h1>%s</h1>\n", n_title(r, &n));
    html_fmt(o, "<p class=\"news-meta\"><time datetime=\"");
    time_fmt_iso(o, n.publish_at);
    html_fmt(o, "\">%s</time> · ", fmt_date(r, n.publish_at));
    if (n.org_id)
        html_fmt(o, "<a href=\"/orgs/%q\">%s</a>", n.org_slug, n_source(r, &n));
    else
        html_raw(o, "SCAN");
    html_fmt(o, " · <a href=\"/news?topic=%q\">%s</a>", n.topic, topic_label(L, n.topic));
    if (n.nace) {
        web_refs refs = {0};
        html_fmt(o, " · <a href=\"/news?nace=%q\">%s</a>", n.nace,
                 web_refs_label(r, &refs, WREF_NACE, n.nace));
    }
    if (L == LANG_EN && !n.title_en)
        html_fmt(o, " · <span class=\"badge\">%s</span>", T(L, MSG_NEWS_ONLY_SERBIAN));
    html_raw(o, "</p>\n");
    if (strcmp(n.status, "withdrawn") != 0) {
        html_fmt(o, "<p class=\"lead\">%s</p>\n", n_lead(r, &n));
        if (n.has_image)
            html_fmt(o, "<img class=\"news-image\" src=\"/news/%D/image\" alt=\"\">",
                     (long long)n.id);
        const char *body = n_body(r, &n);
        html_raw(o, "<div class=\"news-body\">");
        md_html(o, body, strlen(body), 2, L == LANG_SR_LATN && body == n.body_sr ? MD_LATIN : 0);
        html_raw(o, "</div>");
    }
    html_raw(o, "</article>\n");
    if (writer && strcmp(n.status, "withdrawn") != 0) {
        html_fmt(o, "<p><a class=\"button\" href=\"/news/%D/edit\">%s</a></p>", (long long)n.id,
                 T(L, MSG_NEWS_EDIT));
        html_fmt(o,
                 "<details class=\"panel news-withdraw\"><summary>%s</summary>"
                 "<form class=\"form\" method=\"post\" action=\"/news/%D/withdraw\">",
                 T(L, MSG_NEWS_WITHDRAW), (long long)n.id);
        layout_csrf_field(r);
        web_field(r, &(web_input){.id = "nw-reason",
                                  .name = "reason",
                                  .type = "text",
                                  .label = T(L, MSG_NEWS_L_REASON),
                                  .required = true,
                                  .maxlength = NEWS_REASON_MAX});
        html_fmt(o,
                 "<div class=\"form-actions\"><button type=\"submit\" class=\"button-secondary\">"
                 "%s</button></div></form></details>\n",
                 T(L, MSG_NEWS_WITHDRAW));
    }
    layout_end(r);
}

void web_news_image(req *r)
{
    const char *id = req_param(r, "id");
    char *end = NULL;
    long long v = id ? strtoll(id, &end, 10) : 0;
    const void *data = NULL;
    size_t n = 0;
    const char *type = NULL;
    db_status st = v > 0 && !*end ? news_image(r->db, r->a, v, false, &data, &n, &type) : DB_DONE;
    bool private = false;
    if (st == DB_DONE && v > 0 && !*end && r->user) {
        /* a draft or scheduled item: its image for who may see its page
         * (its writers' preview), never cached by a shared cache */
        news_rec it;
        if (news_get(r->db, r->a, id, &it) == DB_OK && may_write(r, it.org_id)) {
            private = true;
            st = news_image(r->db, r->a, v, true, &data, &n, &type);
        }
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_NEWS_E_NOT_FOUND));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "news_image");
        return;
    }
    r->content_type = type;
    /* public, no-cache: shared caches and browsers keep the image but ask
     * again before each use (If-None-Match against the ETag the server
     * makes from the bytes: a 304 with no body while it is unchanged), so
     * a withdrawal takes effect on the next view instead of after a
     * max-age; once withdrawn the answer is the 404 above. A short max-age
     * would save the revalidation but leave the image out there for that
     * long, and the 304 costs one indexed row read. */
    r->cache_control = private ? "private, no-store" : "public, no-cache";
    buf_append(&r->out, data, n);
}

void web_news_withdraw(req *r)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    news_rec n;
    if (!web_news_load_for_change(r, &n))
        return;
    form_errors fe = {0};
    db_status st =
        news_withdraw(r->db, n.id, form_get(&f, "reason"), r->user->person_id, r->client_ip, &fe);
    if (st == DB_CONSTRAINT) {
        resp_error(r, 422, T(r->lang, MSG_NEWS_E_REASON));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "news_withdraw");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/news/%s", n.slug));
}
