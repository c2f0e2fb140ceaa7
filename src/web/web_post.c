/* web_post.c: the cooperation board's pages (issue 13): GET /cooperation
 * (open posts with filters, two sorts and keyset pages, every state a
 * short shareable URL), its Atom feed /cooperation.atom (the same
 * filters, public posts), a post's page with its matches and the reasons
 * for each, similar posts, and the forms to publish, change, close, hide
 * and report a post.
 *
 * Data and rules are post.c's and match.c's; rights come from rights_can
 * (RIGHT_POST_WRITE on the post's organisation, RIGHT_POST_HIDE). Pages
 * for anonymous readers are kept in the page cache keyed by
 * directory_version (every post write bumps it), the language, the URL
 * and today's date (a post expires without a write). The filter state is
 * parsed here rather than through web_org_list.c's: the board has other
 * parameters and pages by cursor, not by number, so only the shape is
 * shared. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/interest.h"
#include "model/post.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_org.h"

#define POST_PER_PAGE 20
#define POST_FEED_MAX 50

/* --- words for codes ------------------------------------------------------------------- */

static msg_id kind_msg(const char *k)
{
    return k && strcmp(k, "request") == 0 ? MSG_POST_KIND_REQUEST : MSG_POST_KIND_OFFER;
}

static const msg_id topic_msgs[] = {
    MSG_POST_TOPIC_TECHNOLOGY, MSG_POST_TOPIC_SUPPLY_CHAIN, MSG_POST_TOPIC_PROJECT_PARTNER,
    MSG_POST_TOPIC_TENDER,     MSG_POST_TOPIC_EXPORT,       MSG_POST_TOPIC_TRAINING,
    MSG_POST_TOPIC_OTHER};

static const char *topic_label(lang_id L, const char *t)
{
    for (size_t i = 0; post_topics[i]; i++)
        if (t && strcmp(t, post_topics[i]) == 0)
            return T(L, topic_msgs[i]);
    return t ? t : "";
}

static const char *lang_label(lang_id L, const char *tag)
{
    if (tag && strcmp(tag, "en") == 0)
        return T(L, MSG_POST_LANG_EN);
    if (tag && strcmp(tag, "sr-Latn") == 0)
        return T(L, MSG_POST_LANG_SR_LATN);
    return T(L, MSG_POST_LANG_SR_CYRL);
}

/* A YYYY-MM-DD day in the reader's format. Arena string. */
static const char *day_text(req *r, const char *ymd)
{
    int y, m, d;
    if (!ymd || sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return ymd ? ymd : "";
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    buf b = BUF_INIT;
    i18n_fmt_date(&b, r->lang, (int64_t)timegm(&tm));
    const char *out = buf_failed(&b) ? ymd : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return out ? out : ymd;
}

static const char *time_text(req *r, int64_t at)
{
    buf b = BUF_INIT;
    i18n_fmt_date(&b, r->lang, at);
    const char *out = buf_failed(&b) ? "" : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return out ? out : "";
}

/* The title (or text) in the reader's language when the post has it: the
 * original when its language is the reader's (either Serbian script
 * counts, shown in the reader's script), else the translation, else the
 * original. */
static const char *shown(req *r, const char *lang, const char *orig, const char *tr)
{
    bool post_en = lang && strcmp(lang, "en") == 0;
    bool reader_en = r->lang == LANG_EN;
    const char *t = (post_en == reader_en || !tr || !*tr) ? orig : tr;
    return web_org_text(r, t, NULL);
}

/* Whether the reader sees members-only posts: the secretariat and anyone
 * with a current affiliation (a member organisation's people). */
static bool reader_is_member(req *r)
{
    if (!r->user)
        return false;
    return r->user->secretariat >= SEC_EDITOR || rights_can(r->db, r->user, RIGHT_VIEW_MEMBERS, 0);
}

static const char *org_display(req *r, const char *name, const char *name_en)
{
    return r->lang == LANG_EN && name_en && *name_en ? name_en : web_org_text(r, name, NULL);
}

/* --- the board's state ------------------------------------------------------------------- */

enum { B_KIND, B_TOPIC, B_SECTOR, B_GEO, B_CLUSTER, B__COUNT };
static const char *const board_params[B__COUNT] = {"kind", "topic", "sector", "region", "cluster"};
static const msg_id board_labels[B__COUNT] = {MSG_POST_F_KIND, MSG_POST_F_TOPIC, MSG_POST_F_SECTOR,
                                              MSG_POST_F_REGION, MSG_POST_F_CLUSTER};

typedef struct board_state {
    const char *value[B__COUNT];
    bool closing; /* sort=closing */
    int64_t after;
} board_state;

/* Reads the state; *canonical false when the URL holds something the
 * canonical one drops (an empty or repeated parameter, an unknown one).
 * False for an unusable value (the caller answers 400). */
static bool board_parse(req *r, board_state *s, bool *canonical, bool allow_feed_only)
{
    memset(s, 0, sizeof *s);
    *canonical = true;
    for (int i = 0; i < B__COUNT; i++) {
        const char *v = req_query(r, board_params[i]);
        if (v && !*v)
            *canonical = false;
        s->value[i] = v && *v ? v : NULL;
        if (s->value[i] && strlen(s->value[i]) > 80)
            return false;
    }
    if (s->value[B_KIND] &&
        !(strcmp(s->value[B_KIND], "offer") == 0 || strcmp(s->value[B_KIND], "request") == 0))
        return false;
    if (s->value[B_TOPIC]) {
        bool known = false;
        for (size_t i = 0; post_topics[i]; i++)
            known |= strcmp(s->value[B_TOPIC], post_topics[i]) == 0;
        if (!known)
            return false;
    }
    const char *so = req_query(r, "sort");
    if (so) {
        if (strcmp(so, "closing") == 0)
            s->closing = true;
        else if (strcmp(so, "newest") == 0 || !*so)
            *canonical = false;
        else
            return false;
    }
    const char *af = req_query(r, "after");
    if (af && !allow_feed_only) {
        if (!str_to_i64(af, &s->after) || s->after < 1)
            return false;
        const char *plain = arena_printf(r->a, "%lld", (long long)s->after);
        if (!plain || strcmp(plain, af) != 0)
            *canonical = false;
    }
    for (size_t i = 0; i < r->query.n_fields; i++) {
        const char *name = r->query.fields[i].name;
        bool known = strcmp(name, "sort") == 0 || strcmp(name, "lang") == 0 ||
                     (strcmp(name, "after") == 0 && !allow_feed_only);
        for (int k = 0; k < B__COUNT && !known; k++)
            known = strcmp(name, board_params[k]) == 0;
        for (size_t k = 0; k < i && known; k++)
            known = strcmp(r->query.fields[k].name, name) != 0;
        if (!known)
            *canonical = false;
    }
    return true;
}

/* The URL of state s at path, without filter skip (-1: none), starting
 * after post `after` (0: the first page). Raw; arena. */
static const char *board_url(req *r, const char *path, const board_state *s, int skip,
                             int64_t after)
{
    buf u = BUF_INIT;
    buf_puts(&u, path);
    char sep = '?';
    for (int i = 0; i < B__COUNT; i++) {
        if (i == skip || !s->value[i])
            continue;
        buf_printf(&u, "%c%s=", sep, board_params[i]);
        html_urlencode(&u, s->value[i]);
        sep = '&';
    }
    if (s->closing) {
        buf_printf(&u, "%csort=closing", sep);
        sep = '&';
    }
    if (after > 0)
        buf_printf(&u, "%cafter=%lld", sep, (long long)after);
    const char *out = buf_failed(&u) ? path : arena_strdup(r->a, buf_str(&u));
    buf_free(&u);
    return out ? out : path;
}

/* The query the state asks for; false (with the 5xx written) on a
 * database error. An unknown cluster slug matches nothing. */
static bool board_query(req *r, const board_state *s, post_query *q)
{
    memset(q, 0, sizeof *q);
    q->kind = s->value[B_KIND];
    q->topic = s->value[B_TOPIC];
    q->sector = s->value[B_SECTOR];
    q->geo = s->value[B_GEO];
    q->sort = s->closing ? POST_SORT_CLOSING : POST_SORT_NEWEST;
    q->after_id = s->after;
    q->limit = POST_PER_PAGE;
    if (s->value[B_CLUSTER]) {
        db_status st = post_cluster_id(r->db, s->value[B_CLUSTER], &q->cluster_id);
        if (st != DB_OK) {
            resp_fail(r, st, "post_cluster_id");
            return false;
        }
        if (!q->cluster_id)
            q->cluster_id = -1; /* no such cluster: no posts */
    }
    return true;
}

/* --- the board ------------------------------------------------------------------------------ */

static void option(buf *o, const char *value, const char *label, const char *chosen)
{
    html_fmt(o, "<option value=\"%s\"%R>%s</option>", value,
             chosen && strcmp(chosen, value) == 0 ? " selected" : "", label);
}

static void select_open(req *r, int f)
{
    html_fmt(&r->out,
             "<div class=\"filter\"><label for=\"f-%s\">%s</label>"
             "<select id=\"f-%s\" name=\"%s\"><option value=\"\">%s</option>",
             board_params[f], T(r->lang, board_labels[f]), board_params[f], board_params[f],
             T(r->lang, MSG_DIR_ANY));
}

static void board_filters(req *r, web_refs *refs, const board_state *s)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    html_fmt(o,
             "<aside class=\"dir-filters\" aria-labelledby=\"filters-title\">"
             "<details class=\"filter-panel\" open data-fold-narrow><summary>"
             "<h2 id=\"filters-title\">%s</h2></summary>"
             "<form id=\"dir-filters\" class=\"filter-form\" action=\"/cooperation\" "
             "method=\"get\" data-autosubmit>\n",
             T(L, MSG_DIR_FILTERS));
    select_open(r, B_KIND);
    option(o, "offer", T(L, MSG_POST_KIND_OFFER), s->value[B_KIND]);
    option(o, "request", T(L, MSG_POST_KIND_REQUEST), s->value[B_KIND]);
    html_raw(o, "</select></div>\n");
    select_open(r, B_TOPIC);
    for (size_t i = 0; post_topics[i]; i++)
        option(o, post_topics[i], T(L, topic_msgs[i]), s->value[B_TOPIC]);
    html_raw(o, "</select></div>\n");
    size_t n;
    const ref_item *items = web_refs_items(r, refs, WREF_NACE, &n);
    select_open(r, B_SECTOR);
    for (size_t i = 0; i < n; i++)
        if (items[i].parent && *items[i].parent)
            option(o, items[i].code, arena_printf(r->a, "%s %s", items[i].code, items[i].label),
                   s->value[B_SECTOR]);
    html_raw(o, "</select></div>\n");
    items = web_refs_items(r, refs, WREF_GEO, &n);
    select_open(r, B_GEO);
    for (size_t i = 0; i < n; i++)
        if (strncmp(items[i].code, "R-", 2) == 0 || strncmp(items[i].code, "D-", 2) == 0 ||
            strcmp(items[i].code, "RS") == 0)
            option(o, items[i].code,
                   strncmp(items[i].code, "D-", 2) == 0
                       ? arena_printf(r->a, "\u00a0\u00a0\u00a0%s", items[i].label)
                       : items[i].label,
                   s->value[B_GEO]);
    html_raw(o, "</select></div>\n");
    post_org *cl = NULL;
    size_t n_cl = 0;
    db_status st = post_clusters(r->db, r->a, &cl, &n_cl);
    if (st != DB_OK && refs->st == DB_OK)
        refs->st = st;
    select_open(r, B_CLUSTER);
    for (size_t i = 0; i < n_cl; i++)
        option(o, cl[i].slug, org_display(r, cl[i].name, cl[i].name_en), s->value[B_CLUSTER]);
    html_raw(o, "</select></div>\n");
    html_fmt(o, "<div class=\"filter-actions\"><button type=\"submit\">%s</button>",
             T(L, MSG_DIR_APPLY));
    bool any = false;
    for (int f = 0; f < B__COUNT; f++)
        any |= s->value[f] != NULL;
    if (any)
        html_fmt(o, " <a class=\"button button-quiet\" href=\"/cooperation\">%s</a>",
                 T(L, MSG_DIR_CLEAR));
    html_raw(o, "</div></form></details></aside>\n");
}

/* The label of the value of filter f for a chip. */
static const char *chip_label(req *r, web_refs *refs, int f, const char *v)
{
    switch (f) {
    case B_KIND:
        return T(r->lang, kind_msg(v));
    case B_TOPIC:
        return topic_label(r->lang, v);
    case B_SECTOR:
        return arena_printf(r->a, "%s %s", v, web_refs_label(r, refs, WREF_NACE, v));
    case B_GEO:
        return web_refs_label(r, refs, WREF_GEO, v);
    default:
        return v;
    }
}

static void post_card(req *r, const post_rec *p)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    html_fmt(o,
             "<li class=\"post-card post-%s\"><p class=\"post-kind\"><span class=\"tag "
             "tag-%s\">%s</span> <span class=\"post-topic\">%s</span>",
             p->kind, p->kind, T(L, kind_msg(p->kind)), topic_label(L, p->topic));
    if (p->visibility && strcmp(p->visibility, "members") == 0)
        html_fmt(o, " <span class=\"badge\">%s</span>", T(L, MSG_POST_MEMBERS_ONLY));
    if (p->is_demo)
        html_fmt(o, " <span class=\"badge badge-demo\" title=\"%s\">%s</span>",
                 T(L, MSG_DIR_DEMO_TITLE), T(L, MSG_POST_DEMO));
    html_fmt(o, "</p><h3 class=\"post-title\"><a href=\"/cooperation/%D\">%s</a></h3>",
             (long long)p->id, shown(r, p->lang, p->title, p->title_tr));
    buf until = BUF_INIT;
    buf_printf(&until, T(L, MSG_POST_OPEN_UNTIL), day_text(r, p->valid_until));
    html_fmt(o,
             "<p class=\"org-meta\"><span><a href=\"/orgs/%q\">%s</a></span>"
             "<span>%s</span></p></li>\n",
             p->org_slug ? p->org_slug : "", org_display(r, p->org_name, p->org_name_en),
             buf_str(&until));
    buf_free(&until);
}

static void board_render(req *r, const board_state *s, post_rec *items, size_t n, bool more)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    web_refs refs = {0};
    page_meta m = {
        .title = T(L, MSG_POST_TITLE), .description = T(L, MSG_POST_LEAD), .nav = "cooperation"};
    layout_begin(r, &m);
    html_fmt(o, "<div class=\"page-head\"><div><h1>%s</h1><p class=\"lead\">%s</p></div>",
             T(L, MSG_POST_TITLE), T(L, MSG_POST_LEAD));
    if (r->user)
        html_fmt(o, "<a class=\"button\" href=\"/cooperation/new\">%s</a>", T(L, MSG_POST_NEW));
    html_raw(o, "</div>\n<div class=\"dir-layout\">\n");
    board_filters(r, &refs, s);
    html_raw(o, "<section class=\"dir-results\" aria-labelledby=\"results-title\">\n");
    html_fmt(o,
             "<div class=\"dir-toolbar\"><h2 id=\"results-title\" class=\"visually-hidden\">%s</h2>"
             "<p><a href=\"%u\">%s</a></p>",
             T(L, MSG_POST_TITLE), board_url(r, "/cooperation.atom", s, -1, 0),
             T(L, MSG_POST_FEED));
    html_fmt(o,
             "<div class=\"sort\"><label for=\"f-sort\">%s</label>"
             "<select id=\"f-sort\" name=\"sort\" form=\"dir-filters\">",
             T(L, MSG_DIR_SORT));
    html_fmt(o, "<option value=\"newest\"%R>%s</option>", s->closing ? "" : " selected",
             T(L, MSG_POST_SORT_NEWEST));
    html_fmt(o, "<option value=\"closing\"%R>%s</option>", s->closing ? " selected" : "",
             T(L, MSG_POST_SORT_CLOSING));
    html_fmt(o,
             "</select><button type=\"submit\" form=\"dir-filters\" class=\"button-small "
             "no-js-only\">%s</button></div></div>\n",
             T(L, MSG_DIR_SORT_BUTTON));
    bool any = false;
    for (int f = 0; f < B__COUNT; f++) {
        if (!s->value[f])
            continue;
        if (!any)
            html_fmt(o, "<ul class=\"chips\" aria-label=\"%s\">", T(L, MSG_DIR_ACTIVE_FILTERS));
        any = true;
        html_fmt(o,
                 "<li><a class=\"chip\" href=\"%u\"><span class=\"chip-key\">%s:</span> %s "
                 "<span aria-hidden=\"true\">×</span><span class=\"visually-hidden\"> (%s)</span>"
                 "</a></li>",
                 board_url(r, "/cooperation", s, f, 0), T(L, board_labels[f]),
                 chip_label(r, &refs, f, s->value[f]), T(L, MSG_DIR_REMOVE_FILTER));
    }
    if (any)
        html_raw(o, "</ul>\n");
    if (n == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_POST_NONE));
    } else {
        html_raw(o, "<ol class=\"org-list post-list\">\n");
        for (size_t i = 0; i < n; i++)
            post_card(r, &items[i]);
        html_raw(o, "</ol>\n");
    }
    if (more || s->after) {
        html_fmt(o, "<nav class=\"pager\" aria-label=\"%s\"><ul>", T(L, MSG_DIR_PAGINATION));
        if (s->after)
            html_fmt(o, "<li><a href=\"%u\">%s</a></li>", board_url(r, "/cooperation", s, -1, 0),
                     T(L, MSG_POST_FIRST));
        if (more)
            html_fmt(o, "<li><a rel=\"next\" href=\"%u\">%s</a></li>",
                     board_url(r, "/cooperation", s, -1, items[n - 1].id), T(L, MSG_POST_NEXT));
        html_raw(o, "</ul></nav>\n");
    }
    html_raw(o, "</section>\n</div>\n");
    layout_end(r);
    if (refs.st != DB_OK)
        resp_fail(r, refs.st, "board refs");
}

/* The cache key of an anonymous board or post page: version, language,
 * canonical URL and today (posts expire without a write). NULL for a
 * logged-in reader. */
static const char *cache_key(req *r, const char *what, const char *url, int64_t *version, bool *ok)
{
    *ok = true;
    if (r->user)
        return NULL;
    db_status st = org_directory_version(r->db, version);
    if (st != DB_OK) {
        resp_fail(r, st, "directory version");
        *ok = false;
        return NULL;
    }
    char today[11];
    post_today(today);
    return arena_printf(r->a, "%s|%s|%s|%s", what, i18n_tag(r->lang), today, url);
}

void web_post_board(req *r)
{
    board_state s;
    bool canonical;
    if (!board_parse(r, &s, &canonical, false)) {
        resp_error(r, 400, T(r->lang, MSG_POST_BAD_PARAMS));
        return;
    }
    const char *url = board_url(r, "/cooperation", &s, -1, s.after);
    if (!canonical) {
        const char *lang = req_query(r, "lang");
        lang_id chosen;
        if (lang && i18n_parse(lang, &chosen))
            url = arena_printf(r->a, "%s%clang=%s", url, strchr(url, '?') ? '&' : '?',
                               i18n_tag(chosen));
        resp_redirect(r, url ? url : "/cooperation");
        return;
    }
    int64_t version = 0;
    bool ok;
    const char *key = cache_key(r, "board", url, &version, &ok);
    if (!ok || web_cache_serve(r, key, version))
        return;
    post_query q;
    if (!board_query(r, &s, &q))
        return;
    q.members = reader_is_member(r);
    post_rec *items = NULL;
    size_t n = 0;
    bool more = false;
    db_status st = post_list(r->db, r->a, &q, &items, &n, &more);
    if (st != DB_OK) {
        resp_fail(r, st, "post_list");
        return;
    }
    board_render(r, &s, items, n, more);
    if (key) {
        r->cache_key = key;
        r->cache_version = version;
    }
}

/* --- the Atom feed -------------------------------------------------------------------------------
 */

static void atom_time(buf *o, int64_t at)
{
    time_fmt_iso(o, at);
}

void web_post_feed(req *r)
{
    board_state s;
    bool canonical;
    if (!board_parse(r, &s, &canonical, true)) {
        resp_error(r, 400, T(r->lang, MSG_POST_BAD_PARAMS));
        return;
    }
    const char *url = board_url(r, "/cooperation.atom", &s, -1, 0);
    const char *base = web_base_url(r);
    if (!base)
        base = "";
    int64_t version = 0;
    bool ok;
    const char *key = cache_key(r, "feed", arena_printf(r->a, "%s|%s", base, url), &version, &ok);
    if (!ok || web_cache_serve(r, key, version))
        return;
    post_query q;
    if (!board_query(r, &s, &q))
        return;
    q.limit = POST_FEED_MAX; /* public posts only, whoever asks: feeds are shared */
    post_rec *items = NULL;
    size_t n = 0;
    bool more = false;
    db_status st = post_list(r->db, r->a, &q, &items, &n, &more);
    if (st != DB_OK) {
        resp_fail(r, st, "post_list");
        return;
    }
    lang_id L = r->lang;
    buf *o = &r->out;
    int64_t updated = 0;
    for (size_t i = 0; i < n; i++)
        if (items[i].updated_at > updated)
            updated = items[i].updated_at;
    html_raw(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    html_fmt(o, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"%s\">\n", i18n_tag(L));
    html_fmt(o, "<title>%s</title>\n<subtitle>%s</subtitle>\n", T(L, MSG_POST_FEED_TITLE),
             T(L, MSG_POST_LEAD));
    html_fmt(o, "<id>%s%s</id>\n<updated>", base, url);
    atom_time(o, updated ? updated : 0);
    html_raw(o, "</updated>\n");
    html_fmt(o, "<link rel=\"self\" type=\"application/atom+xml\" href=\"%s%s\"/>\n", base, url);
    html_fmt(o, "<link rel=\"alternate\" type=\"text/html\" href=\"%s%s\"/>\n", base,
             board_url(r, "/cooperation", &s, -1, 0));
    html_raw(o, "<author><name>SCAN</name></author>\n");
    for (size_t i = 0; i < n; i++) {
        const post_rec *p = &items[i];
        html_fmt(o, "<entry>\n<id>%s/cooperation/%D</id>\n", base, (long long)p->id);
        html_fmt(o, "<title>%s: %s</title>\n", T(L, kind_msg(p->kind)),
                 shown(r, p->lang, p->title, p->title_tr));
        html_raw(o, "<published>");
        atom_time(o, p->published_at);
        html_raw(o, "</published>\n<updated>");
        atom_time(o, p->updated_at);
        html_raw(o, "</updated>\n");
        html_fmt(o, "<author><name>%s</name><uri>%s/orgs/%q</uri></author>\n",
                 org_display(r, p->org_name, p->org_name_en), base, p->org_slug ? p->org_slug : "");
        html_fmt(o, "<link rel=\"alternate\" type=\"text/html\" href=\"%s/cooperation/%D\"/>\n",
                 base, (long long)p->id);
        html_fmt(o, "<category term=\"%s\" label=\"%s\"/>\n<category term=\"%s\" label=\"%s\"/>\n",
                 p->kind, T(L, kind_msg(p->kind)), p->topic, topic_label(L, p->topic));
        html_fmt(o, "<summary>%s</summary>\n</entry>\n", shown(r, p->lang, p->body, p->body_tr));
    }
    html_raw(o, "</feed>\n");
    r->content_type = "application/atom+xml; charset=utf-8";
    if (key) {
        r->cache_key = key;
        r->cache_version = version;
    }
}

/* --- a post's page
 * --------------------------------------------------------------------------------- */

/* Loads the post named by {id} that the reader may see: open, closed and
 * expired posts for everyone (members-only ones for members), hidden ones
 * for the secretariat and the organisation's writers. Writes the 404 or
 * 5xx itself and returns false otherwise. */
static bool load_post(req *r, post_rec *p)
{
    int64_t id = 0;
    const char *v = req_param(r, "id");
    bool found = false;
    if (v && str_to_i64(v, &id) && id > 0) {
        db_status st = post_get(r->db, r->a, id, p, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "post_get");
            return false;
        }
    }
    if (found && p->status && strcmp(p->status, "hidden") == 0)
        found = r->user && (r->user->secretariat >= SEC_EDITOR ||
                            rights_can(r->db, r->user, RIGHT_POST_WRITE, p->org_id));
    if (found && p->visibility && strcmp(p->visibility, "members") == 0)
        found = reader_is_member(r);
    if (!found) {
        resp_error(r, 404, T(r->lang, MSG_POST_NOT_FOUND));
        return false;
    }
    return true;
}

/* "26 Manufacture of ...; 27 ..." for a code list of reference table
 * table ("nace", "fos", "geo"), labels from the process-wide cache. */
static const char *codes_text(req *r, const char *table, const char **codes, size_t n)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(&b, "; ");
        if (strcmp(table, "nace") == 0)
            buf_printf(&b, "%s ", codes[i]);
        const char *label = ref_label(r->db, r->a, table, codes[i], r->lang);
        buf_puts(&b, label ? label : codes[i]);
    }
    const char *out = buf_failed(&b) ? "" : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return out ? out : "";
}

const char *web_post_why(req *r, const match_hit *h)
{
    lang_id L = r->lang;
    buf b = BUF_INIT;
    const char *sep = "";
    if (h->n_nace) {
        buf_printf(&b, T(L, MSG_POST_WHY_NACE), codes_text(r, "nace", h->nace, h->n_nace));
        sep = "; ";
    }
    if (h->n_fos) {
        buf_puts(&b, sep);
        buf_printf(&b, T(L, MSG_POST_WHY_FOS), codes_text(r, "fos", h->fos, h->n_fos));
        sep = "; ";
    }
    if (h->n_geo) {
        buf_puts(&b, sep);
        buf_printf(&b, T(L, MSG_POST_WHY_GEO), codes_text(r, "geo", h->geo, h->n_geo));
        sep = "; ";
    }
    if (h->n_words) {
        buf w = BUF_INIT;
        for (size_t i = 0; i < h->n_words; i++) {
            if (i)
                buf_puts(&w, ", ");
            buf_puts(&w, h->words[i]);
        }
        buf_puts(&b, sep);
        buf_printf(&b, T(L, MSG_POST_WHY_WORDS), buf_str(&w));
        buf_free(&w);
        sep = "; ";
    }
    if (h->cross_cluster) {
        buf_puts(&b, sep);
        buf_puts(&b, T(L, MSG_POST_WHY_CROSS));
    }
    const char *out = buf_failed(&b) ? "" : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return out ? out : "";
}

static void match_list(req *r, const post_match_rec *m, size_t n)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    html_raw(o, "<ol class=\"match-list\">\n");
    for (size_t i = 0; i < n; i++) {
        html_raw(o, "<li class=\"match\"><p class=\"match-head\">");
        if (m[i].hit.post_id) {
            html_fmt(o, "<span class=\"tag tag-%s\">%s</span> <a href=\"/cooperation/%D\">%s</a>",
                     m[i].kind ? m[i].kind : "offer", T(L, kind_msg(m[i].kind)),
                     (long long)m[i].hit.post_id, shown(r, m[i].lang, m[i].title, m[i].title_tr));
            html_fmt(o, " <span class=\"match-org\">(<a href=\"/orgs/%q\">%s</a>)</span>",
                     m[i].org_slug ? m[i].org_slug : "",
                     org_display(r, m[i].org_name, m[i].org_name_en));
        } else {
            html_fmt(o, "<span class=\"tag\">%s</span> <a href=\"/orgs/%q\">%s</a>",
                     T(L, MSG_POST_PROFILE), m[i].org_slug ? m[i].org_slug : "",
                     org_display(r, m[i].org_name, m[i].org_name_en));
        }
        buf sc = BUF_INIT;
        buf_printf(&sc, T(L, MSG_POST_SCORE), m[i].hit.score);
        html_fmt(o, " <span class=\"match-score\">%s</span></p>", buf_str(&sc));
        buf_free(&sc);
        html_fmt(o, "<p class=\"match-why\"><strong>%s</strong> %s</p>", T(L, MSG_POST_WHY),
                 web_post_why(r, &m[i].hit));
        html_raw(o, "</li>\n");
    }
    html_raw(o, "</ol>\n");
}

static void action_form(req *r, const post_rec *p, const char *what, const char *field,
                        const char *value, msg_id button, const char *cls)
{
    buf *o = &r->out;
    html_fmt(o, "<form method=\"post\" action=\"/cooperation/%D/%s\" class=\"inline-form\">",
             (long long)p->id, what);
    layout_csrf_field(r);
    if (field)
        html_fmt(o, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", field, value);
    html_fmt(o, "<button type=\"submit\"%R>%s</button></form>\n", cls, T(r->lang, button));
}

/* A form with one reason field (hide, report). */
static void reason_form(req *r, const post_rec *p, const char *what, msg_id label, msg_id button,
                        bool required, const char *error)
{
    buf *o = &r->out;
    html_fmt(o,
             "<details class=\"post-action\"%R><summary>%s</summary>"
             "<form method=\"post\" action=\"/cooperation/%D/%s\">",
             error ? " open" : "", T(r->lang, button), (long long)p->id, what);
    layout_csrf_field(r);
    web_input in = {.id = arena_printf(r->a, "%s-reason", what),
                    .name = "reason",
                    .type = "text",
                    .label = T(r->lang, label),
                    .error = error,
                    .required = required,
                    .maxlength = POST_REASON_MAX};
    web_field(r, &in);
    html_fmt(o, "<button type=\"submit\">%s</button></form></details>\n", T(r->lang, button));
}

static void field_open(req *r, const char *id, const char *label, const char *hint,
                       const char *error);
static void described(req *r, const char *id, bool hint, const char *error);

static void post_page(req *r, const post_rec *p, const char *notice, const char *hide_error,
                      const char *report_error, const char *interest_error)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    const char *title = shown(r, p->lang, p->title, p->title_tr);
    const char *body = shown(r, p->lang, p->body, p->body_tr);
    page_meta m = {.title = title, .description = body, .nav = "cooperation"};
    layout_begin(r, &m);
    web_notice(r, notice);
    html_fmt(o,
             "<article class=\"post\"><p class=\"post-kind\"><span class=\"tag tag-%s\">%s</span> "
             "<span class=\"post-topic\">%s</span>",
             p->kind, T(L, kind_msg(p->kind)), topic_label(L, p->topic));
    if (p->visibility && strcmp(p->visibility, "members") == 0)
        html_fmt(o, " <span class=\"badge\">%s</span>", T(L, MSG_POST_MEMBERS_ONLY));
    if (p->is_demo)
        html_fmt(o, " <span class=\"badge badge-demo\" title=\"%s\">%s</span>",
                 T(L, MSG_DIR_DEMO_TITLE), T(L, MSG_POST_DEMO));
    html_fmt(o, "</p><h1>%s</h1>\n", title);
    buf line = BUF_INIT;
    html_raw(o, "<p class=\"post-by\">");
    {
        /* "Posted by <org> on <date>" with the organisation as a link */
        const char *fmt = T(L, MSG_POST_BY);
        const char *s1 = strstr(fmt, "%s");
        const char *s2 = s1 ? strstr(s1 + 2, "%s") : NULL;
        if (s1 && s2) {
            html_text(o, arena_strndup(r->a, fmt, (size_t)(s1 - fmt)));
            html_fmt(o, "<a href=\"/orgs/%q\">%s</a>", p->org_slug ? p->org_slug : "",
                     org_display(r, p->org_name, p->org_name_en));
            html_text(o, arena_strndup(r->a, s1 + 2, (size_t)(s2 - s1 - 2)));
            html_text(o, time_text(r, p->published_at));
            html_text(o, s2 + 2);
        }
    }
    html_raw(o, "</p>\n");
    const char *state = NULL;
    bool open = p->status && strcmp(p->status, "open") == 0;
    if (p->status && strcmp(p->status, "hidden") == 0) {
        buf_printf(&line, T(L, MSG_POST_HIDDEN), p->hidden_reason ? p->hidden_reason : "");
        state = buf_str(&line);
    } else if (p->status && strcmp(p->status, "closed") == 0) {
        state = T(L, p->close_reason && strcmp(p->close_reason, "found_partner") == 0
                         ? MSG_POST_CLOSED_FOUND
                         : MSG_POST_CLOSED_NOT_NEEDED);
    } else if (p->expired) {
        buf_printf(&line, T(L, MSG_POST_EXPIRED), day_text(r, p->valid_until));
        state = buf_str(&line);
    } else {
        buf_printf(&line, T(L, MSG_POST_OPEN_UNTIL), day_text(r, p->valid_until));
        state = buf_str(&line);
    }
    html_fmt(o, "<p class=\"post-state%R\">%s</p>\n", open && !p->expired ? "" : " post-ended",
             state);
    buf_free(&line);
    /* the language of the text shown: the original (in the reader's
     * script when Serbian and the reader reads Serbian), or the translation
     * (English for a Serbian post, Serbian for an English one) */
    bool post_en = p->lang && strcmp(p->lang, "en") == 0;
    bool original = post_en == (L == LANG_EN) || !p->body_tr;
    bool cyrillic = L == LANG_SR_CYRL && p->lang && strcmp(p->lang, "sr-Cyrl") == 0;
    const char *body_lang = original && post_en ? "en"
                            : original          ? (cyrillic ? "sr-Cyrl" : "sr-Latn")
                            : post_en           ? "sr"
                                                : "en";
    html_fmt(o, "<div class=\"post-body\" lang=\"%s\">%s</div>\n", body_lang, body);
    const char *other_title = title == p->title || !p->title_tr ? p->title_tr : p->title;
    const char *other_body = body == p->body || !p->body_tr ? p->body_tr : p->body;
    if (p->title_tr && p->body_tr && other_title && other_body)
        html_fmt(o,
                 "<details class=\"post-translation\"><summary>%s</summary><h2>%s</h2>"
                 "<div class=\"post-body\">%s</div></details>\n",
                 T(L, MSG_POST_TRANSLATION), other_title, other_body);
    html_raw(o, "<dl class=\"facts\">");
    if (p->n_nace)
        html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_POST_F_NACE),
                 codes_text(r, "nace", p->nace, p->n_nace));
    if (p->n_fos)
        html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_POST_F_FOS),
                 codes_text(r, "fos", p->fos, p->n_fos));
    if (p->n_geo)
        html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_POST_F_GEO),
                 codes_text(r, "geo", p->geo, p->n_geo));
    html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_POST_F_LANG), lang_label(L, p->lang));
    html_raw(o, "</dl>\n");

    /* the author organisation's clusters */
    org_rec *cl = NULL;
    size_t n_cl = 0;
    db_status st = org_clusters_of(r->db, r->a, p->org_id, &cl, &n_cl);
    if (st != DB_OK) {
        resp_fail(r, st, "org_clusters_of");
        return;
    }
    buf h = BUF_INIT;
    buf_printf(&h, T(L, MSG_POST_AUTHOR_CLUSTERS), org_display(r, p->org_name, p->org_name_en));
    html_fmt(o, "<section class=\"post-clusters\"><h2>%s</h2>", buf_str(&h));
    buf_free(&h);
    if (n_cl == 0) {
        html_fmt(o, "<p>%s</p>", T(L, MSG_POST_NO_CLUSTERS));
    } else {
        html_raw(o, "<ul class=\"inline-list\">");
        for (size_t i = 0; i < n_cl; i++)
            html_fmt(o, "<li><a href=\"/orgs/%q\">%s</a></li>", cl[i].slug ? cl[i].slug : "",
                     web_org_name(r, &cl[i]));
        html_raw(o, "</ul>");
    }
    html_raw(o, "</section>\n");

    /* actions */
    bool may_write = r->user && rights_can(r->db, r->user, RIGHT_POST_WRITE, p->org_id);
    if (r->user) {
        html_raw(o, "<div class=\"post-actions\">");
        if (may_write && open && !p->expired) {
            html_fmt(o, "<a class=\"button\" href=\"/cooperation/%D/edit\">%s</a> ",
                     (long long)p->id, T(L, MSG_POST_EDIT));
            action_form(r, p, "close", "reason", "found_partner", MSG_POST_CLOSE_FOUND, "");
            action_form(r, p, "close", "reason", "no_longer_needed", MSG_POST_CLOSE_NOT_NEEDED,
                        " class=\"button-quiet\"");
        }
        if (rights_can(r->db, r->user, RIGHT_POST_HIDE, 0) &&
            !(p->status && strcmp(p->status, "hidden") == 0))
            reason_form(r, p, "hide", MSG_POST_HIDE_REASON, MSG_POST_HIDE, true, hide_error);
        if (!may_write)
            reason_form(r, p, "report", MSG_POST_REPORT_REASON, MSG_POST_REPORT, false,
                        report_error);
        html_raw(o, "</div>\n");
    }

    /* introductions: the organisation's writers see the requests and
     * decide; anyone else logged in asks (once per post while pending) */
    if (r->user) {
        interest_rec *iv = NULL;
        size_t n_iv = 0;
        if (may_write) {
            st = interest_of_post(r->db, r->a, p->id, &iv, &n_iv);
            if (st != DB_OK) {
                resp_fail(r, st, "interest_of_post");
                return;
            }
            if (n_iv)
                html_fmt(o, "<section class=\"post-interest\"><h2>%s</h2><ul class=\"work-list\">",
                         T(L, MSG_INTEREST_LIST));
            for (size_t i = 0; i < n_iv; i++) {
                buf from = BUF_INIT;
                const char *who = web_org_text(r, iv[i].person_name, NULL);
                buf_printf(&from, T(L, MSG_INTEREST_FROM), who ? who : "",
                           time_text(r, iv[i].created_at));
                html_fmt(o, "<li><p>%s", buf_str(&from));
                buf_free(&from);
                if (iv[i].person_email)
                    html_fmt(o, " · <a href=\"mailto:%s\">%s</a>", iv[i].person_email,
                             iv[i].person_email);
                html_fmt(o, "</p><p class=\"post-body\">%s</p>",
                         iv[i].message ? iv[i].message : "");
                if (strcmp(iv[i].status, "pending") == 0) {
                    html_fmt(o,
                             "<form method=\"post\" action=\"/cooperation/interest/%D/accept\" "
                             "class=\"inline-form\">",
                             (long long)iv[i].id);
                    layout_csrf_field(r);
                    html_fmt(o, "<button type=\"submit\">%s</button></form> ",
                             T(L, MSG_INTEREST_ACCEPT));
                    html_fmt(o,
                             "<form method=\"post\" action=\"/cooperation/interest/%D/decline\" "
                             "class=\"inline-form\">",
                             (long long)iv[i].id);
                    layout_csrf_field(r);
                    html_fmt(o, "<button type=\"submit\" class=\"button-quiet\">%s</button></form>",
                             T(L, MSG_INTEREST_DECLINE));
                } else {
                    html_fmt(o, "<p><span class=\"badge\">%s</span></p>",
                             T(L, strcmp(iv[i].status, "accepted") == 0
                                      ? MSG_INTEREST_STATUS_ACCEPTED
                                      : MSG_INTEREST_STATUS_DECLINED));
                }
                html_raw(o, "</li>");
            }
            if (n_iv)
                html_raw(o, "</ul></section>\n");
        } else {
            st = interest_mine(r->db, r->a, p->id, r->user->person_id, &iv, &n_iv);
            if (st != DB_OK) {
                resp_fail(r, st, "interest_mine");
                return;
            }
            for (size_t i = 0; i < n_iv; i++) {
                buf b = BUF_INIT;
                if (strcmp(iv[i].status, "accepted") == 0)
                    buf_printf(&b, T(L, MSG_INTEREST_YOURS_ACCEPTED),
                               iv[i].contact_name ? web_org_text(r, iv[i].contact_name, NULL) : "",
                               iv[i].contact_email ? iv[i].contact_email : "");
                else if (!open || p->expired) /* once closed, a request not accepted says so */
                    buf_puts(&b, T(L, MSG_INTEREST_YOURS_NOT_TAKEN));
                else /* declining is silent while the post is open */
                    buf_printf(&b, T(L, MSG_INTEREST_YOURS_PENDING),
                               time_text(r, iv[i].created_at));
                web_notice(r, buf_str(&b));
                buf_free(&b);
            }
            if (n_iv == 0 && open && !p->expired) { /* one request per person and post */
                html_fmt(o,
                         "<details class=\"post-action\"%R><summary>%s</summary>"
                         "<form method=\"post\" action=\"/cooperation/%D/interest\" "
                         "class=\"form\"><p>%s</p>",
                         interest_error ? " open" : "", T(L, MSG_INTEREST_TITLE), (long long)p->id,
                         T(L, MSG_INTEREST_LEAD));
                layout_csrf_field(r);
                const char *err = interest_error;
                field_open(r, "p-message", T(L, MSG_INTEREST_MESSAGE), NULL, err);
                html_fmt(o,
                         "<textarea id=\"p-message\" name=\"message\" rows=\"4\" "
                         "maxlength=\"%d\" required",
                         INTEREST_MESSAGE_MAX);
                described(r, "p-message", false, err);
                html_fmt(o,
                         "></textarea></div><button type=\"submit\">%s</button></form></details>\n",
                         T(L, MSG_INTEREST_SEND));
            }
        }
    }

    /* matches and similar posts */
    bool members = reader_is_member(r);
    post_match_rec *mm = NULL;
    size_t n_m = 0;
    if (open && !p->expired)
        st = post_matches(r->db, r->a, p->id, members, 10, &mm, &n_m);
    if (st != DB_OK) {
        resp_fail(r, st, "post_matches");
        return;
    }
    html_fmt(o,
             "<section class=\"post-matches\" aria-labelledby=\"matches-title\">"
             "<h2 id=\"matches-title\">%s</h2><p class=\"lead\">%s</p>\n",
             T(L, MSG_POST_MATCHES), T(L, MSG_POST_MATCHES_LEAD));
    if (n_m == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_POST_NO_MATCHES));
    else
        match_list(r, mm, n_m);
    html_raw(o, "</section>\n");
    post_match_rec *sim = NULL;
    size_t n_sim = 0;
    st = post_similar(r->db, r->a, p, members, 5, &sim, &n_sim);
    if (st != DB_OK) {
        resp_fail(r, st, "post_similar");
        return;
    }
    if (n_sim) {
        html_fmt(o,
                 "<section class=\"post-similar\" aria-labelledby=\"similar-title\">"
                 "<h2 id=\"similar-title\">%s</h2>\n",
                 T(L, MSG_POST_SIMILAR));
        match_list(r, sim, n_sim);
        html_raw(o, "</section>\n");
    }
    html_raw(o, "</article>\n");
    layout_end(r);
}

void web_post_view(req *r)
{
    int64_t version = 0;
    bool ok;
    const char *base = web_base_url(r);
    const char *key =
        cache_key(r, "post", arena_printf(r->a, "%s|%s", base ? base : "", r->path), &version, &ok);
    if (!ok || web_cache_serve(r, key, version))
        return;
    post_rec p;
    if (!load_post(r, &p))
        return;
    const char *notice = NULL;
    const char *done = req_query(r, "done");
    if (done && r->user) {
        if (strcmp(done, "saved") == 0)
            notice = T(r->lang, MSG_POST_SAVED);
        else if (strcmp(done, "closed") == 0)
            notice = T(r->lang, MSG_POST_CLOSED_NOTICE);
        else if (strcmp(done, "hidden") == 0)
            notice = T(r->lang, MSG_POST_HIDDEN_NOTICE);
        else if (strcmp(done, "reported") == 0)
            notice = T(r->lang, MSG_POST_REPORTED);
        else if (strcmp(done, "interest") == 0)
            notice = T(r->lang, MSG_INTEREST_SENT);
        else if (strcmp(done, "decided") == 0)
            notice = T(r->lang, MSG_INTEREST_DECIDED);
    }
    post_page(r, &p, notice, NULL, NULL, NULL);
    if (key && !req_query(r, "done") && r->status == 200) {
        r->cache_key = key;
        r->cache_version = version;
    }
}

/* --- the form ------------------------------------------------------------------------------------
 */

typedef struct post_form {
    post_rec p;
    const char *org; /* the chosen organisation id as typed */
    web_errs e;
} post_form;

static void field_open(req *r, const char *id, const char *label, const char *hint,
                       const char *error)
{
    buf *o = &r->out;
    html_fmt(o, "<div class=\"field%R\"><label for=\"%s\">%s</label>",
             error ? " field-invalid" : "", id, label);
    if (hint)
        html_fmt(o, "<p class=\"field-hint\" id=\"%s-hint\">%s</p>", id, hint);
    if (error)
        html_fmt(o,
                 "<p class=\"field-error\" id=\"%s-error\"><span class=\"visually-hidden\">%s "
                 "</span>%s</p>",
                 id, T(r->lang, MSG_FORM_ERROR_PREFIX), error);
}

/* The attributes that tie a control to its hint and error. */
static void described(req *r, const char *id, bool hint, const char *error)
{
    buf *o = &r->out;
    if (hint || error) {
        html_raw(o, " aria-describedby=\"");
        if (hint)
            html_fmt(o, "%s-hint%R", id, error ? " " : "");
        if (error)
            html_fmt(o, "%s-error", id);
        html_raw(o, "\"");
    }
    if (error)
        html_raw(o, " aria-invalid=\"true\"");
}

static void choice_select(req *r, const char *name, msg_id label, const char *const *values,
                          const msg_id *labels, const char *chosen, const web_errs *e)
{
    const char *err = web_errs_get(e, name);
    const char *id = arena_printf(r->a, "p-%s", name);
    field_open(r, id, T(r->lang, label), NULL, err);
    html_fmt(&r->out, "<select id=\"%s\" name=\"%s\"", id, name);
    described(r, id, false, err);
    html_raw(&r->out, ">");
    for (size_t i = 0; values[i]; i++)
        option(&r->out, values[i], T(r->lang, labels[i]), chosen);
    html_raw(&r->out, "</select></div>\n");
}

static bool in_codes(const char *code, const char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], code) == 0)
            return true;
    return false;
}

static void codes_select(req *r, web_refs *refs, const char *name, msg_id label, int t,
                         const char **chosen, size_t n_chosen, const web_errs *e)
{
    const char *err = web_errs_get(e, name);
    const char *id = arena_printf(r->a, "p-%s", name);
    field_open(r, id, T(r->lang, label), T(r->lang, MSG_POST_F_CODES_HINT), err);
    html_fmt(&r->out, "<select id=\"%s\" name=\"%s\" multiple size=\"8\"", id, name);
    described(r, id, true, err);
    html_raw(&r->out, ">");
    size_t n;
    const ref_item *items = web_refs_items(r, refs, t, &n);
    for (size_t i = 0; i < n; i++) {
        const char *c = items[i].code;
        if (t == WREF_NACE && !(items[i].parent && *items[i].parent))
            continue; /* divisions only */
        if (t == WREF_GEO &&
            !(strncmp(c, "R-", 2) == 0 || strncmp(c, "D-", 2) == 0 || strcmp(c, "RS") == 0))
            continue;
        const char *lab = t == WREF_NACE ? arena_printf(r->a, "%s %s", c, items[i].label)
                          : (t == WREF_GEO && strncmp(c, "D-", 2) == 0) ||
                                  (t == WREF_FOS && items[i].parent && *items[i].parent)
                              ? arena_printf(r->a, "\u00a0\u00a0\u00a0%s", items[i].label)
                              : items[i].label;
        html_fmt(&r->out, "<option value=\"%s\"%R>%s</option>", c,
                 in_codes(c, chosen, n_chosen) ? " selected" : "", lab);
    }
    html_raw(&r->out, "</select></div>\n");
}

static void text_area(req *r, const char *name, msg_id label, const char *value, int max,
                      bool required, const web_errs *e)
{
    const char *err = web_errs_get(e, name);
    const char *id = arena_printf(r->a, "p-%s", name);
    field_open(r, id, T(r->lang, label), NULL, err);
    html_fmt(&r->out, "<textarea id=\"%s\" name=\"%s\" rows=\"8\" maxlength=\"%d\"%R", id, name,
             max, required ? " required" : "");
    described(r, id, false, err);
    html_fmt(&r->out, ">%s</textarea></div>\n", value ? value : "");
}

static const msg_id kind_msgs[] = {MSG_POST_KIND_OFFER, MSG_POST_KIND_REQUEST};
static const msg_id vis_msgs[] = {MSG_POST_PUBLIC, MSG_POST_MEMBERS_ONLY};

static void form_page(req *r, post_form *f, const post_org *orgs, size_t n_orgs)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    web_refs refs = {0};
    bool editing = f->p.id > 0;
    const char *title = T(L, editing ? MSG_POST_EDIT : MSG_POST_NEW);
    page_meta m = {.title = title, .nav = "cooperation"};
    layout_begin(r, &m);
    html_fmt(o, "<h1>%s</h1>\n", title);
    web_error_summary(r, &f->e);
    if (editing)
        html_fmt(o, "<form method=\"post\" action=\"/cooperation/%D\" class=\"form panel\">",
                 (long long)f->p.id);
    else
        html_raw(o, "<form method=\"post\" action=\"/cooperation\" class=\"form panel\">");
    layout_csrf_field(r);
    if (!editing) {
        const char *err = web_errs_get(&f->e, "org");
        field_open(r, "p-org", T(L, MSG_POST_F_ORG), NULL, err);
        html_raw(o, "<select id=\"p-org\" name=\"org\"");
        described(r, "p-org", false, err);
        html_raw(o, ">");
        for (size_t i = 0; i < n_orgs; i++) {
            const char *v = arena_printf(r->a, "%lld", (long long)orgs[i].id);
            option(o, v ? v : "", org_display(r, orgs[i].name, orgs[i].name_en), f->org);
        }
        html_raw(o, "</select></div>\n");
    }
    choice_select(r, "kind", MSG_POST_F_KIND, post_kinds, kind_msgs, f->p.kind, &f->e);
    choice_select(r, "topic", MSG_POST_F_TOPIC, post_topics, topic_msgs, f->p.topic, &f->e);
    {
        static const msg_id lang_msgs[] = {MSG_POST_LANG_SR_CYRL, MSG_POST_LANG_SR_LATN,
                                           MSG_POST_LANG_EN};
        choice_select(r, "lang", MSG_POST_F_LANG, post_langs, lang_msgs, f->p.lang, &f->e);
    }
    web_input t = {.id = "p-title",
                   .name = "title",
                   .type = "text",
                   .label = T(L, MSG_POST_F_TITLE),
                   .value = f->p.title,
                   .error = web_errs_get(&f->e, "title"),
                   .required = true,
                   .maxlength = POST_TITLE_MAX};
    web_field(r, &t);
    text_area(r, "body", MSG_POST_F_BODY, f->p.body, POST_BODY_MAX, true, &f->e);
    web_input tt = {.id = "p-title_tr",
                    .name = "title_tr",
                    .type = "text",
                    .label = T(L, MSG_POST_F_TITLE_TR),
                    .value = f->p.title_tr,
                    .error = web_errs_get(&f->e, "title_tr"),
                    .maxlength = POST_TITLE_MAX};
    web_field(r, &tt);
    text_area(r, "body_tr", MSG_POST_F_BODY_TR, f->p.body_tr, POST_BODY_MAX, false, &f->e);
    codes_select(r, &refs, "nace", MSG_POST_F_NACE, WREF_NACE, f->p.nace, f->p.n_nace, &f->e);
    codes_select(r, &refs, "fos", MSG_POST_F_FOS, WREF_FOS, f->p.fos, f->p.n_fos, &f->e);
    codes_select(r, &refs, "geo", MSG_POST_F_GEO, WREF_GEO, f->p.geo, f->p.n_geo, &f->e);
    web_input vu = {.id = "p-valid_until",
                    .name = "valid_until",
                    .type = "date",
                    .label = T(L, MSG_POST_F_VALID_UNTIL),
                    .value = f->p.valid_until,
                    .hint = T(L, MSG_POST_F_VALID_HINT),
                    .error = web_errs_get(&f->e, "valid_until"),
                    .required = true};
    web_field(r, &vu);
    choice_select(r, "visibility", MSG_POST_F_VISIBILITY, post_visibilities, vis_msgs,
                  f->p.visibility, &f->e);
    if (web_errs_get(&f->e, "status"))
        web_alert(r, web_errs_get(&f->e, "status"));
    html_fmt(o, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>\n",
             T(L, editing ? MSG_POST_SAVE : MSG_POST_PUBLISH));
    layout_end(r);
    if (refs.st != DB_OK)
        resp_fail(r, refs.st, "post form refs");
}

/* The organisations the user may post for; false (with the 5xx or a 403
 * page written) when there is none. */
static bool orgs_of_user(req *r, post_org **orgs, size_t *n)
{
    db_status st = post_orgs_for(r->db, r->a, r->user->person_id, orgs, n);
    if (st != DB_OK) {
        resp_fail(r, st, "post_orgs_for");
        return false;
    }
    if (*n == 0) {
        resp_error(r, 403, T(r->lang, MSG_POST_NO_ORG));
        return false;
    }
    return true;
}

void web_post_new_form(req *r)
{
    post_org *orgs;
    size_t n;
    if (!orgs_of_user(r, &orgs, &n))
        return;
    post_form f = {0};
    f.p.kind = "offer";
    f.p.topic = "technology";
    f.p.lang = r->lang == LANG_EN ? "en" : r->lang == LANG_SR_LATN ? "sr-Latn" : "sr-Cyrl";
    f.p.visibility = "public";
    char today[11], until[11];
    post_today(today);
    /* three months ahead by default */
    time_t t = (time_t)time_now() + 91 * 86400;
    struct tm tm;
    if (localtime_r(&t, &tm) && strftime(until, sizeof until, "%Y-%m-%d", &tm) == 10)
        f.p.valid_until = arena_strdup(r->a, until);
    form_page(r, &f, orgs, n);
}

/* Reads the form's fields into f->p (and f->org). False when the body
 * could not be read (the 4xx is written). */
static bool read_form(req *r, post_form *f)
{
    form body;
    if (!req_body_form(r, &body))
        return false;
    static const form_rule rules[] = {
        {"org", FV_TEXT, 0, 0, 0, NULL},           {"kind", FV_TEXT, 0, 0, 0, NULL},
        {"topic", FV_TEXT, 0, 0, 0, NULL},         {"lang", FV_TEXT, 0, 0, 0, NULL},
        {"title", FV_TEXT, 0, 0, 0, NULL},         {"body", FV_MULTILINE, 0, 0, 0, NULL},
        {"title_tr", FV_TEXT, 0, 0, 0, NULL},      {"body_tr", FV_MULTILINE, 0, 0, 0, NULL},
        {"nace", FV_TEXT, FORM_MULTI, 0, 0, NULL}, {"fos", FV_TEXT, FORM_MULTI, 0, 0, NULL},
        {"geo", FV_TEXT, FORM_MULTI, 0, 0, NULL},  {"valid_until", FV_TEXT, 0, 0, 0, NULL},
        {"visibility", FV_TEXT, 0, 0, 0, NULL},
    };
    enum { N = sizeof rules / sizeof rules[0] };
    form_value v[N];
    form_errors fe = {0};
    form_validate(r->a, &body, rules, N, v, &fe);
    web_errs_from_form(r, &fe, &f->e);
    f->org = v[0].text;
    f->p.kind = v[1].text;
    f->p.topic = v[2].text;
    f->p.lang = v[3].text;
    f->p.title = v[4].text;
    f->p.body = v[5].text;
    f->p.title_tr = v[6].text;
    f->p.body_tr = v[7].text;
    f->p.nace = v[8].list;
    f->p.n_nace = v[8].n_list;
    f->p.fos = v[9].list;
    f->p.n_fos = v[9].n_list;
    f->p.geo = v[10].list;
    f->p.n_geo = v[10].n_list;
    f->p.valid_until = v[11].text;
    f->p.visibility = v[12].text;
    return true;
}

/* The model's refusals beside their fields. */
static void errs_from_model(req *r, const form_errors *fe, web_errs *e)
{
    for (size_t i = 0; i < fe->n_items; i++) {
        buf t = BUF_INIT;
        post_error_text(&t, r->lang, &fe->items[i]);
        web_errs_add(e, fe->items[i].field, arena_strdup(r->a, buf_str(&t)));
        buf_free(&t);
    }
}

void web_post_create(req *r)
{
    lang_id L = r->lang;
    post_org *orgs;
    size_t n;
    if (!orgs_of_user(r, &orgs, &n))
        return;
    post_form f = {0};
    if (!read_form(r, &f))
        return;
    int64_t org_id = 0;
    bool allowed = false;
    if (f.org && str_to_i64(f.org, &org_id)) {
        for (size_t i = 0; i < n && !allowed; i++)
            allowed = orgs[i].id == org_id;
        /* an organisation one may not speak for: a refusal, not a typo */
        if (!allowed || !rights_can(r->db, r->user, RIGHT_POST_WRITE, org_id)) {
            resp_error(r, 403, T(L, MSG_POST_FORBIDDEN));
            return;
        }
    } else {
        web_errs_add(&f.e, "org", T(L, MSG_FORM_ERR_REQUIRED));
    }
    f.p.org_id = org_id;
    if (f.e.n == 0) {
        form_errors fe = {0};
        int64_t id = 0;
        db_status st = post_create(r->db, &f.p, r->user->person_id, r->client_ip, &fe, &id);
        if (st == DB_OK) {
            resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=saved", (long long)id));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, "post_create");
            return;
        }
        errs_from_model(r, &fe, &f.e);
    }
    r->status = 422;
    form_page(r, &f, orgs, n);
}

/* Loads {id} for a writer: 404 when unseen, 403 without the right. */
static bool load_for_write(req *r, post_rec *p)
{
    if (!load_post(r, p))
        return false;
    if (!rights_can(r->db, r->user, RIGHT_POST_WRITE, p->org_id)) {
        resp_error(r, 403, T(r->lang, MSG_POST_FORBIDDEN));
        return false;
    }
    return true;
}

void web_post_edit_form(req *r)
{
    post_form f = {0};
    if (!load_for_write(r, &f.p))
        return;
    if (strcmp(f.p.status, "open") != 0) {
        resp_error(r, 409, T(r->lang, MSG_POST_NOT_OPEN));
        return;
    }
    form_page(r, &f, NULL, 0);
}

void web_post_update(req *r)
{
    post_rec cur;
    if (!load_for_write(r, &cur))
        return;
    post_form f = {0};
    if (!read_form(r, &f))
        return;
    f.p.id = cur.id;
    f.p.org_id = cur.org_id;
    f.p.published_at = cur.published_at;
    if (f.e.n == 0) {
        form_errors fe = {0};
        db_status st = post_update(r->db, &f.p, r->user->person_id, r->client_ip, &fe);
        if (st == DB_OK) {
            resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=saved", (long long)cur.id));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, "post_update");
            return;
        }
        errs_from_model(r, &fe, &f.e);
    }
    r->status = 422;
    form_page(r, &f, NULL, 0);
}

void web_post_close(req *r)
{
    post_rec p;
    if (!load_for_write(r, &p))
        return;
    form body;
    if (!req_body_form(r, &body))
        return;
    form_errors fe = {0};
    db_status st =
        post_close(r->db, p.id, form_get(&body, "reason"), r->user->person_id, r->client_ip, &fe);
    if (st == DB_CONSTRAINT) {
        buf t = BUF_INIT;
        if (fe.n_items && strcmp(fe.items[0].field, "status") == 0)
            buf_puts(&t, T(r->lang, MSG_POST_NOT_OPEN));
        else if (fe.n_items)
            post_error_text(&t, r->lang, &fe.items[0]);
        resp_error(r, fe.n_items && strcmp(fe.items[0].field, "status") == 0 ? 409 : 422,
                   arena_strdup(r->a, buf_str(&t)));
        buf_free(&t);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "post_close");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=closed", (long long)p.id));
}

void web_post_hide(req *r)
{
    if (!rights_can(r->db, r->user, RIGHT_POST_HIDE, 0)) {
        resp_error(r, 403, T(r->lang, MSG_HTTP_ERR_FORBIDDEN));
        return;
    }
    post_rec p;
    if (!load_post(r, &p))
        return;
    form body;
    if (!req_body_form(r, &body))
        return;
    form_errors fe = {0};
    db_status st = post_hide(r->db, p.id, form_get(&body, "reason"), r->user->person_id,
                             r->client_ip, web_base_url(r), &fe);
    if (st == DB_CONSTRAINT && fe.n_items) {
        buf t = BUF_INIT;
        post_error_text(&t, r->lang, &fe.items[0]);
        r->status = 422;
        post_page(r, &p, NULL, arena_strdup(r->a, buf_str(&t)), NULL, NULL);
        buf_free(&t);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "post_hide");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=hidden", (long long)p.id));
}

void web_post_report(req *r)
{
    post_rec p;
    if (!load_post(r, &p))
        return;
    form body;
    if (!req_body_form(r, &body))
        return;
    form_errors fe = {0};
    int64_t n = 0;
    db_status st = post_report(r->db, p.id, r->user->person_id, form_get(&body, "reason"),
                               r->client_ip, &fe, &n);
    if (st == DB_CONSTRAINT && fe.n_items) {
        buf t = BUF_INIT;
        post_error_text(&t, r->lang, &fe.items[0]);
        r->status = 422;
        post_page(r, &p, NULL, NULL, arena_strdup(r->a, buf_str(&t)), NULL);
        buf_free(&t);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "post_report");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=reported", (long long)p.id));
}

/* --- introductions ------------------------------------------------------------------------------
 */

void web_post_interest(req *r)
{
    lang_id L = r->lang;
    post_rec p;
    if (!load_post(r, &p))
        return;
    if (rights_can(r->db, r->user, RIGHT_POST_WRITE, p.org_id)) {
        resp_error(r, 403, T(L, MSG_INTEREST_OWN));
        return;
    }
    form body;
    if (!req_body_form(r, &body))
        return;
    form_errors fe = {0};
    db_status st = interest_express(r->db, p.id, r->user->person_id, form_get(&body, "message"),
                                    r->client_ip, web_base_url(r), &fe, NULL);
    if (st == DB_CONSTRAINT && fe.n_items) {
        const char *field = fe.items[0].field;
        if (strcmp(field, "throttle") == 0) {
            resp_error(r, 429, T(L, MSG_INTEREST_THROTTLED));
            return;
        }
        if (strcmp(field, "status") == 0) {
            resp_error(r, 409, T(L, MSG_POST_NOT_OPEN));
            return;
        }
        buf t = BUF_INIT;
        if (fe.items[0].code == FE_TAKEN)
            buf_puts(&t, T(L, MSG_INTEREST_ALREADY));
        else
            post_error_text(&t, L, &fe.items[0]);
        r->status = 422;
        post_page(r, &p, NULL, NULL, NULL, arena_strdup(r->a, buf_str(&t)));
        buf_free(&t);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "interest_express");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=interest", (long long)p.id));
}

static void decide(req *r, bool accept)
{
    lang_id L = r->lang;
    int64_t id = 0, post_id = 0;
    const char *v = req_param(r, "id");
    if (!v || !str_to_i64(v, &id) || id < 1) {
        resp_error(r, 404, T(L, MSG_INTEREST_NO_SUCH));
        return;
    }
    db_status st = interest_post(r->db, id, &post_id);
    if (st != DB_OK) {
        resp_fail(r, st, "interest_post");
        return;
    }
    post_rec p;
    bool found = false;
    if (post_id && (st = post_get(r->db, r->a, post_id, &p, &found)) != DB_OK) {
        resp_fail(r, st, "post_get");
        return;
    }
    if (!found) {
        resp_error(r, 404, T(L, MSG_INTEREST_NO_SUCH));
        return;
    }
    if (!rights_can(r->db, r->user, RIGHT_POST_WRITE, p.org_id)) {
        resp_error(r, 403, T(L, MSG_POST_FORBIDDEN));
        return;
    }
    form body;
    if (!req_body_form(r, &body))
        return;
    form_errors fe = {0};
    st = interest_decide(r->db, id, accept, r->user->person_id, r->client_ip, web_base_url(r), &fe,
                         NULL);
    if (st == DB_CONSTRAINT) {
        resp_error(r, 409, T(L, MSG_INTEREST_DECIDED));
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, T(L, MSG_INTEREST_NO_SUCH));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "interest_decide");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/cooperation/%lld?done=decided", (long long)p.id));
}

void web_interest_accept(req *r)
{
    decide(r, true);
}

void web_interest_decline(req *r)
{
    decide(r, false);
}

/* --- the secretariat's start page
 * ------------------------------------------------------------------ */

bool web_post_start_reported(req *r, db_status *st)
{
    if (!r->user || !rights_can(r->db, r->user, RIGHT_POST_HIDE, 0))
        return false;
    post_rec *items = NULL;
    int64_t *counts = NULL;
    size_t n = 0;
    *st = post_reported(r->db, r->a, &items, &counts, &n);
    if (*st != DB_OK || n == 0)
        return false;
    buf *o = &r->out;
    lang_id L = r->lang;
    html_fmt(o, "<section class=\"work card\"><h2>%s</h2><ul class=\"work-list\">",
             T(L, MSG_POST_START_REPORTED));
    for (size_t i = 0; i < n; i++) {
        buf c = BUF_INIT;
        buf_printf(&c, T(L, MSG_POST_START_REPORTS), (long long)counts[i]);
        html_fmt(o, "<li><a href=\"/cooperation/%D\">%s</a> (%s)</li>", (long long)items[i].id,
                 shown(r, items[i].lang, items[i].title, items[i].title_tr), buf_str(&c));
        buf_free(&c);
    }
    html_raw(o, "</ul></section>\n");
    return true;
}
