/* web_post_board.c: the cooperation board (issue 13): GET /cooperation
 * (open posts with filters, two sorts and keyset pages, every state a
 * short shareable URL) and its Atom feed /cooperation.atom (the same
 * filters, public posts). Shares words, caching and loading with the
 * other post pages through web_post.h.
 *
 * A logged-in reader also gets "Save this search" (POST /cooperation/save,
 * the filters in the form's action URL, parsed as the board parses them)
 * or, when the filters are saved already, "Saved search" with a link to
 * the notification settings, where saved searches are shown in words.
 *
 * The filter state is parsed here rather than through web_org_list.c's:
 * the board has other parameters and pages by cursor, not by number, so
 * only the shape is shared. */
#include <string.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/notify.h"
#include "model/post.h"
#include "model/post_facet.h"
#include "model/rights.h"
#include "web/notice.h"
#include "web/web.h"
#include "web/web_org.h"
#include "web/web_post.h"
#include "web/web_topic.h"

#define POST_PER_PAGE 20
#define POST_FEED_MAX 50

/* --- the board's state ------------------------------------------------------- */

/* in the order of post_facet_id, whose counts they show */
enum { B_KIND, B_TOPIC, B_SECTOR, B_GEO, B_CLUSTER, B__COUNT };
_Static_assert(B__COUNT == (int)POST_F__COUNT && B_CLUSTER == (int)POST_F_CLUSTER,
               "the board's filters are the facets");
static const char *const board_params[B__COUNT] = {"kind", "topic", "sector", "region", "cluster"};
static const msg_id board_labels[B__COUNT] = {MSG_POST_F_KIND, MSG_POST_F_TOPIC, MSG_POST_F_SECTOR,
                                              MSG_POST_F_REGION, MSG_POST_F_CLUSTER};

typedef struct board_state {
    const char *q;           /* the words searched for (post_query.text), NULL: none */
    post_text_check q_check; /* POST_TEXT_OK, or why q cannot be searched */
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
    const char *qv = req_query(r, "q");
    if (qv && !*qv)
        *canonical = false;
    s->q = qv && *qv ? qv : NULL;
    s->q_check = post_text_valid(s->q); /* a bad one is shown beside its field */
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
                     strcmp(name, "q") == 0 || (strcmp(name, "after") == 0 && !allow_feed_only);
        for (int k = 0; k < B__COUNT && !known; k++)
            known = strcmp(name, board_params[k]) == 0;
        for (size_t k = 0; k < i && known; k++)
            known = strcmp(r->query.fields[k].name, name) != 0;
        if (!known)
            *canonical = false;
    }
    return true;
}

/* The URL of state s at path, without filter skip (-1: none; B__COUNT:
 * the words), starting after post `after` (0: the first page). Raw;
 * arena. */
static const char *board_url(req *r, const char *path, const board_state *s, int skip,
                             int64_t after)
{
    buf u = BUF_INIT;
    buf_puts(&u, path);
    char sep = '?';
    if (s->q && skip != B__COUNT) {
        buf_puts(&u, "?q=");
        html_urlencode(&u, s->q);
        sep = '&';
    }
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

/* url with the reader's ?lang= kept when the request chose one (a
 * redirect or a form's action would lose it). Raw; arena. */
static const char *board_with_lang(req *r, const char *url)
{
    const char *lang = req_query(r, "lang");
    lang_id chosen;
    if (!lang || !i18n_parse(lang, &chosen))
        return url;
    const char *out =
        arena_printf(r->a, "%s%clang=%s", url, strchr(url, '?') ? '&' : '?', i18n_tag(chosen));
    return out ? out : url;
}

/* The query the state asks for; false (with the 5xx written) on a
 * database error. An unknown cluster slug matches nothing. */
static bool board_query(req *r, const board_state *s, post_query *q)
{
    memset(q, 0, sizeof *q);
    q->text = s->q_check == POST_TEXT_OK ? s->q : NULL; /* a bad one: the page says why */
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

/* --- the board --------------------------------------------------------------- */

static void select_open(req *r, int f)
{
    html_fmt(&r->out,
             "<div class=\"filter\"><label for=\"f-%s\">%s</label>"
             "<select id=\"f-%s\" name=\"%s\"><option value=\"\">%s</option>",
             board_params[f], T(r->lang, board_labels[f]), board_params[f], board_params[f],
             T(r->lang, MSG_DIR_ANY));
}

/* One option of filter f with the count of open posts choosing it would
 * give (post_facet_counts, the facets in the board's order); a value
 * without posts is left out unless it is the chosen one (as /orgs). A
 * facet too large to count live shows the value without a number. */
static void facet_option(req *r, const post_facets *fc, int f, const char *value, const char *label,
                         const char *chosen)
{
    if (!fc->counted[f]) { /* too many posts to count live: every value */
        web_post_option(&r->out, value, label, chosen);
        return;
    }
    int64_t c = post_facet_count(fc, (post_facet_id)f, value);
    bool is_chosen = chosen && strcmp(chosen, value) == 0;
    if (c <= 0 && !is_chosen)
        return;
    buf num = BUF_INIT;
    i18n_fmt_int(&num, r->lang, c);
    web_post_option(&r->out, value, arena_printf(r->a, "%s (%s)", label, buf_str(&num)), chosen);
    buf_free(&num);
}

/* A cluster of the filter as shown. */
typedef struct board_cluster {
    const char *slug, *label;
} board_cluster;

static const char *board_cluster_name(const void *item)
{
    return ((const board_cluster *)item)->label;
}

/* Why the words of s cannot be searched, in the reader's language; NULL
 * when they can. Arena. */
static const char *board_q_error(req *r, const board_state *s)
{
    if (s->q_check == POST_TEXT_TOO_LONG)
        return arena_printf(r->a, T(r->lang, MSG_POSTQ_ERR_LONG), POST_TEXT_MAX);
    if (s->q_check == POST_TEXT_NO_WORDS)
        return T(r->lang, MSG_POSTQ_ERR_WORDS);
    return NULL;
}

/* The words to search for, with why they cannot be searched beside them. */
static void board_words_field(req *r, const board_state *s)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    const char *err = board_q_error(r, s);
    html_fmt(o, "<div class=\"filter filter-words%R\"><label for=\"f-q\">%s</label>",
             err ? " field-invalid" : "", T(L, MSG_POSTQ_LABEL));
    if (err)
        html_fmt(o,
                 "<p class=\"field-error\" id=\"f-q-error\"><span class=\"visually-hidden\">%s "
                 "</span>%s</p>",
                 T(L, MSG_FORM_ERROR_PREFIX), err);
    html_fmt(o,
             "<input type=\"search\" id=\"f-q\" name=\"q\" value=\"%s\" maxlength=\"%d\" "
             "aria-describedby=\"f-q-hint%R\"%R><p class=\"field-hint\" id=\"f-q-hint\">%s</p>"
             "</div>\n",
             s->q ? s->q : "", POST_TEXT_MAX, err ? " f-q-error" : "",
             err ? " aria-invalid=\"true\"" : "", T(L, MSG_POSTQ_HINT));
}

static void board_filters(req *r, web_refs *refs, const board_state *s, const post_facets *fc)
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
    board_words_field(r, s);
    select_open(r, B_KIND);
    facet_option(r, fc, B_KIND, "offer", T(L, MSG_POST_KIND_OFFER), s->value[B_KIND]);
    facet_option(r, fc, B_KIND, "request", T(L, MSG_POST_KIND_REQUEST), s->value[B_KIND]);
    html_raw(o, "</select></div>\n");
    select_open(r, B_TOPIC);
    for (size_t i = 0; post_topics[i]; i++)
        facet_option(r, fc, B_TOPIC, post_topics[i], T(L, web_post_topic_msgs[i]),
                     s->value[B_TOPIC]);
    html_raw(o, "</select></div>\n");
    size_t n;
    const ref_item *items = web_refs_items(r, refs, WREF_NACE, &n);
    select_open(r, B_SECTOR);
    for (size_t i = 0; i < n; i++)
        if (items[i].parent && *items[i].parent)
            facet_option(r, fc, B_SECTOR, items[i].code,
                         arena_printf(r->a, "%s %s", items[i].code, items[i].label),
                         s->value[B_SECTOR]);
    html_raw(o, "</select></div>\n");
    items = web_refs_items(r, refs, WREF_GEO, &n);
    select_open(r, B_GEO);
    for (size_t i = 0; i < n; i++)
        if (strncmp(items[i].code, "R-", 2) == 0 || strncmp(items[i].code, "D-", 2) == 0 ||
            strcmp(items[i].code, "RS") == 0)
            facet_option(r, fc, B_GEO, items[i].code,
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
    /* by the name as shown: the English name in English, the reader's
     * script in Serbian (the query's order is the Serbian name's) */
    board_cluster *bc = n_cl ? arena_alloc(r->a, n_cl * sizeof *bc) : NULL;
    if (n_cl && !bc)
        n_cl = 0;
    for (size_t i = 0; i < n_cl; i++)
        bc[i] = (board_cluster){cl[i].slug, web_post_org_display(r, cl[i].name, cl[i].name_en)};
    if (!web_sort_by_name(r, bc, n_cl, sizeof *bc, board_cluster_name) && refs->st == DB_OK)
        refs->st = DB_NOMEM;
    select_open(r, B_CLUSTER);
    for (size_t i = 0; i < n_cl; i++)
        facet_option(r, fc, B_CLUSTER, bc[i].slug, bc[i].label, s->value[B_CLUSTER]);
    html_raw(o, "</select></div>\n");
    html_fmt(o, "<div class=\"filter-actions\"><button type=\"submit\">%s</button>",
             T(L, MSG_DIR_APPLY));
    bool any = s->q != NULL;
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
        return T(r->lang, web_post_kind_msg(v));
    case B_TOPIC:
        return web_post_topic_label(r->lang, v);
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
             p->kind, p->kind, T(L, web_post_kind_msg(p->kind)), web_post_topic_label(L, p->topic));
    if (p->visibility && strcmp(p->visibility, "members") == 0)
        html_fmt(o, " <span class=\"badge\">%s</span>", T(L, MSG_POST_MEMBERS_ONLY));
    if (p->is_demo)
        html_fmt(o, " <span class=\"badge badge-demo\" title=\"%s\">%s</span>",
                 T(L, MSG_DIR_DEMO_TITLE), T(L, MSG_POST_DEMO));
    html_fmt(o, "</p><h3 class=\"post-title\"><a href=\"/cooperation/%D\">%s</a></h3>",
             (long long)p->id, web_post_shown(r, p->lang, p->title, p->title_tr));
    buf until = BUF_INIT;
    buf_printf(&until, T(L, MSG_POST_OPEN_UNTIL), web_post_day_text(r, p->valid_until));
    html_fmt(o,
             "<p class=\"org-meta\"><span><a href=\"/orgs/%q\">%s</a></span>"
             "<span>%s</span></p></li>\n",
             p->org_slug ? p->org_slug : "", web_post_org_display(r, p->org_name, p->org_name_en),
             buf_str(&until));
    buf_free(&until);
}

/* --- saving the search ----------------------------------------------------- */

/* The saved-search form of the filters in s: "" for the whole board.
 * NULL when the state cannot be saved (too long). Arena. */
static const char *board_topic(req *r, const board_state *s)
{
    board_state f = *s;
    f.closing = false; /* the sort chooses a view, not posts */
    const char *q = board_url(r, "", &f, -1, 0);
    const char *canon = NULL;
    return notify_topic_canonical(r->a, q, &canon) == TOPIC_OK ? canon : NULL;
}

/* The reader's save box: "Saved search" and a link to the settings when
 * these filters are saved, else the button (its form carries the filters
 * in its action URL), or, at the limit, a link to the settings. */
static void board_save_box(req *r, const board_state *s)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    notify_topic *tp = NULL;
    size_t n = 0;
    const char *mine = board_topic(r, s);
    if (!mine || notify_topics(r->db, r->a, r->user->person_id, &tp, &n) != DB_OK)
        return; /* the board is still worth showing without the box */
    bool saved = false;
    for (size_t i = 0; i < n && !saved; i++)
        saved = strcmp(tp[i].page, "/cooperation") == 0 && strcmp(tp[i].query, mine) == 0;
    html_raw(o, "<div class=\"save-search\">");
    if (saved) {
        html_fmt(o,
                 "<p><span class=\"tag tag-saved\">\u2713 %s</span> "
                 "<a href=\"/account/notifications#nt-h\">%s</a></p>",
                 T(L, MSG_SAVESEARCH_IS_SAVED), T(L, MSG_SAVESEARCH_MANAGE));
    } else if (n >= NOTIFY_TOPICS_MAX) {
        html_fmt(o, "<p>%s <a href=\"/account/notifications#nt-h\">%s</a></p>",
                 T(L, MSG_SAVESEARCH_FULL), T(L, MSG_SAVESEARCH_MANAGE));
    } else {
        html_fmt(o, "<form method=\"post\" action=\"%u\" class=\"inline-form\">",
                 board_with_lang(r, board_url(r, "/cooperation/save", s, -1, 0)));
        layout_csrf_field(r);
        html_fmt(o,
                 "<button type=\"submit\" class=\"button-secondary button-small\" "
                 "title=\"%s\">%s</button></form>",
                 T(L, MSG_SAVESEARCH_HINT), T(L, MSG_SAVESEARCH_BUTTON));
    }
    html_raw(o, "</div>");
}

void web_post_board_save(req *r)
{
    board_state s;
    bool canonical;
    if (!board_parse(r, &s, &canonical, false)) {
        resp_error(r, 400, T(r->lang, MSG_POST_BAD_PARAMS));
        return;
    }
    if (s.q_check != POST_TEXT_OK) {
        resp_error(r, 400, board_q_error(r, &s));
        return;
    }
    s.after = 0; /* back to the first page of the same search */
    const char *back = board_with_lang(r, board_url(r, "/cooperation", &s, -1, 0));
    const char *topic = board_topic(r, &s);
    if (!topic) {
        resp_error(r, 400, T(r->lang, MSG_NOTIFY_ERR_LONG));
        return;
    }
    topic_error te = TOPIC_OK;
    db_status st =
        notify_topic_add(r->db, r->user->person_id, "/cooperation", topic, r->client_ip, &te, NULL);
    if (st == DB_OK || (st == DB_CONSTRAINT && te == TOPIC_EXISTS)) {
        web_notice_next(r, st == DB_OK ? NOTICE_SEARCH_SAVED : NOTICE_SEARCH_EXISTS, 0);
        resp_redirect(r, back);
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "saving a search");
        return;
    }
    resp_error(r, 422,
               T(r->lang, te == TOPIC_TOO_MANY   ? MSG_NOTIFY_ERR_MANY
                          : te == TOPIC_TOO_LONG ? MSG_NOTIFY_ERR_LONG
                                                 : MSG_POST_BAD_PARAMS));
}

static void board_render(req *r, const board_state *s, post_rec *items, size_t n, bool more,
                         const post_facets *fc)
{
    buf *o = &r->out;
    lang_id L = r->lang;
    web_refs refs = {0};
    page_meta m = {
        .title = T(L, MSG_POST_TITLE), .description = T(L, MSG_POST_LEAD), .nav = "cooperation"};
    layout_begin(r, &m);
    html_fmt(o, "<div class=\"page-head\"><div><h1>%s</h1><p class=\"lead\">%s</p></div>",
             T(L, MSG_POST_TITLE), T(L, MSG_POST_LEAD));
    bool speaks = r->user && rights_can(r->db, r->user, RIGHT_VIEW_MEMBERS, 0);
    if (speaks)
        html_fmt(o,
                 "<a class=\"button\" href=\"/cooperation/new\">%s</a>"
                 "<a class=\"button button-secondary\" href=\"/cooperation/mine\">%s</a>",
                 T(L, MSG_POST_NEW), T(L, MSG_POST_MINE_TITLE));
    if (web_post_stats_allowed(r)) /* the secretariat's statistics */
        html_fmt(o, "<a class=\"button button-secondary\" href=\"/cooperation/stats\">%s</a>",
                 T(L, MSG_PSTATS_LINK));
    html_raw(o, "</div>\n");
    if (r->user && !speaks) /* no dead buttons: why not, and how */
        web_post_no_org_note(r);
    html_raw(o, "<div class=\"dir-layout\">\n");
    board_filters(r, &refs, s, fc);
    html_raw(o, "<section class=\"dir-results\" aria-labelledby=\"results-title\">\n");
    html_fmt(o,
             "<div class=\"dir-toolbar\"><h2 id=\"results-title\" class=\"visually-hidden\">%s</h2>"
             "<p><a href=\"%u\">%s</a></p>",
             T(L, MSG_POST_TITLE), board_url(r, "/cooperation.atom", s, -1, 0),
             T(L, MSG_POST_FEED));
    if (r->user && s->q_check == POST_TEXT_OK)
        board_save_box(r, s);
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
    if (s->q && s->q_check == POST_TEXT_OK) {
        html_fmt(o,
                 "<ul class=\"chips\" aria-label=\"%s\"><li><a class=\"chip\" href=\"%u\">"
                 "<span class=\"chip-key\">%s:</span> ",
                 T(L, MSG_DIR_ACTIVE_FILTERS), board_url(r, "/cooperation", s, B__COUNT, 0),
                 T(L, MSG_POSTQ_LABEL));
        html_fmt(o, T(L, MSG_POSTQ_QUOTED), s->q);
        html_fmt(o,
                 " <span aria-hidden=\"true\">×</span><span class=\"visually-hidden\"> (%s)</span>"
                 "</a></li>",
                 T(L, MSG_DIR_REMOVE_FILTER));
        any = true;
    }
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
        resp_redirect(r, board_with_lang(r, url));
        return;
    }
    int64_t version = 0;
    bool ok;
    const char *key = web_post_cache_key(r, "board", url, &version, &ok);
    /* first: on the I/O thread a miss returns here, before any database */
    if (!ok || web_cache_serve(r, key, version))
        return;
    if (s.q_check != POST_TEXT_OK) {
        /* words that cannot be searched: the board without them, and why
         * beside the field (a 400, never stored in the cache) */
        r->status = 400;
        key = NULL;
    }
    post_query q;
    if (!board_query(r, &s, &q))
        return;
    q.members = web_post_reader_is_member(r);
    post_rec *items = NULL;
    size_t n = 0;
    bool more = false;
    db_status st = post_list(r->db, r->a, &q, &items, &n, &more);
    if (st != DB_OK) {
        resp_fail(r, st, "post_list");
        return;
    }
    post_facets fc;
    if ((st = post_facet_counts(r->db, r->a, &q, &fc)) != DB_OK) {
        resp_fail(r, st, "post_facet_counts");
        return;
    }
    board_render(r, &s, items, n, more, &fc);
    if (key) {
        r->cache_key = key;
        r->cache_version = version;
    }
}

/* --- the Atom feed ----------------------------------------------------------- */

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
    if (s.q_check != POST_TEXT_OK) {
        resp_error(r, 400, board_q_error(r, &s));
        return;
    }
    const char *url = board_url(r, "/cooperation.atom", &s, -1, 0);
    const char *base = web_base_url(r);
    if (!base)
        base = "";
    int64_t version = 0;
    bool ok;
    const char *key =
        web_post_cache_key(r, "feed", arena_printf(r->a, "%s|%s", base, url), &version, &ok);
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
        html_fmt(o, "<title>%s: %s</title>\n", T(L, web_post_kind_msg(p->kind)),
                 web_post_shown(r, p->lang, p->title, p->title_tr));
        html_raw(o, "<published>");
        atom_time(o, p->published_at);
        html_raw(o, "</published>\n<updated>");
        atom_time(o, p->updated_at);
        html_raw(o, "</updated>\n");
        html_fmt(o, "<author><name>%s</name><uri>%s/orgs/%q</uri></author>\n",
                 web_post_org_display(r, p->org_name, p->org_name_en), base,
                 p->org_slug ? p->org_slug : "");
        html_fmt(o, "<link rel=\"alternate\" type=\"text/html\" href=\"%s/cooperation/%D\"/>\n",
                 base, (long long)p->id);
        html_fmt(o, "<category term=\"%s\" label=\"%s\"/>\n<category term=\"%s\" label=\"%s\"/>\n",
                 p->kind, T(L, web_post_kind_msg(p->kind)), p->topic,
                 web_post_topic_label(L, p->topic));
        html_fmt(o, "<summary>%s</summary>\n</entry>\n",
                 web_post_shown(r, p->lang, p->body, p->body_tr));
    }
    html_raw(o, "</feed>\n");
    r->content_type = "application/atom+xml; charset=utf-8";
    if (key) {
        r->cache_key = key;
        r->cache_version = version;
    }
}
