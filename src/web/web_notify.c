/* web_notify.c: a person's notification settings (/account/notifications:
 * channel per kind of event, the weekly digest, saved searches, followed
 * clusters), the one-click unsubscribe link of every notification mail
 * (/u/{token}), and the same settings as JSON (/api/v1/me/notifications).
 * The model is notify.c; the digest digest.c.
 *
 * Saved searches are shown in words from the reference data, as the
 * board's and the directory's facets name them ("Offers · Sector 26 ...
 * · Region Vojvodina"), each a link to its results; they are made with
 * the board's "Save this search" (web_post_board.c) or, for the
 * directory, by pasting a list's address here.
 *
 * Every route here acts on the logged-in person's own rows only (the
 * person id comes from the session, a topic or cluster id of someone else
 * is simply not found), except /u/{token}, which needs no login: its
 * secret is the credential, as an invitation link's is. POST /u/{token} is
 * the one write route without the CSRF check, on purpose: RFC 8058 has
 * the mail provider POST "List-Unsubscribe=One-Click" to the link with no
 * cookie and no Origin of ours; a forged request would need the token,
 * which only the mail's recipient has; and it can do one thing, once: set
 * that mail's kind (or the digest) to never. */
#include <stdlib.h>
#include <string.h>

#include "html/html.h"
#include "html/layout.h"
#include "http/form.h"
#include "json/json.h"
#include "model/notify.h"
#include "model/post.h"
#include "web/web.h"
#include "web/web_news.h"
#include "web/web_org.h"
#include "web/web_post.h"
#include "web/web_topic.h"

/* What the page shows besides the stored settings: a notice after a
 * save, and a failed form's errors and values. */
typedef struct notify_view {
    const char *notice;
    web_errs *errs;           /* settings, topic or follow form errors */
    const notify_channel *ch; /* the failed settings form's choices, or NULL */
    const char *topic_page, *topic_query;
} notify_view;

static const char *channel_label(lang_id L, notify_channel c, bool digest)
{
    if (c == NOTIFY_NEVER)
        return T(L, MSG_NOTIFY_CH_NEVER);
    if (digest)
        return T(L, MSG_NOTIFY_DIGEST_WEEKLY);
    return T(L, c == NOTIFY_IMMEDIATE ? MSG_NOTIFY_CH_IMMEDIATE : MSG_NOTIFY_CH_WEEKLY);
}

/* One radio group: field name, legend, current channel. */
static void channel_group(req *r, const char *name, const char *legend, notify_channel cur,
                          bool digest, bool no_immediate, const char *error)
{
    buf *o = &r->out;
    html_fmt(o, "<fieldset class=\"field choices%R\" id=\"f-%s\"%R><legend>%s</legend>",
             error ? " field-invalid" : "", name,
             error ? arena_printf(r->a, " aria-describedby=\"%s-error\"", name) : "", legend);
    if (error)
        html_fmt(o, "<p class=\"field-error\" id=\"%s-error\">%s</p>", name, error);
    for (int c = 0; c < 3; c++) {
        if ((digest || no_immediate) && c == NOTIFY_IMMEDIATE)
            continue;
        const char *cn = notify_channel_name((notify_channel)c);
        html_fmt(o,
                 "<div class=\"choice\"><input type=\"radio\" id=\"%s-%s\" name=\"%s\" "
                 "value=\"%s\"%R><label for=\"%s-%s\">%s</label></div>",
                 name, cn, name, cn, cur == (notify_channel)c ? " checked" : "", name, cn,
                 channel_label(r->lang, (notify_channel)c, digest));
    }
    html_raw(o, "</fieldset>");
}

static const char *followed_name(const void *item)
{
    return ((const notify_followed *)item)->name;
}

/* Sorts clusters by the names the reader sees; the shown name replaces
 * the stored pair. False when memory ran out. */
static bool followed_by_name(req *r, notify_followed *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        f[i].name = web_org_text(r, f[i].name, f[i].name_en);
        f[i].name_en = NULL;
    }
    return web_sort_by_name(r, f, n, sizeof *f, followed_name);
}

/* --- a saved search in words ------------------------------------------------ */

/* What a saved search's parameter is called in words, and the reference
 * table of its labels (-1: none; the board's kind and topic have their
 * own words, a cluster its name). */
static const struct {
    const char *page, *param;
    msg_id prefix; /* 0: the label alone */
    int ref;
} topic_params[] = {
    {"/cooperation", "q", 0, -1}, /* the words first: “firmware” · offers · ... */
    {"/cooperation", "kind", 0, -1},
    {"/cooperation", "topic", MSG_SAVESEARCH_TOPIC, -1},
    {"/cooperation", "sector", MSG_SAVESEARCH_SECTOR, WREF_NACE},
    {"/cooperation", "region", MSG_SAVESEARCH_REGION, WREF_GEO},
    {"/cooperation", "cluster", MSG_SAVESEARCH_CLUSTER, -1},
    {"/orgs", "kind", 0, WREF_KIND},
    {"/orgs", "sector", MSG_SAVESEARCH_SECTOR, WREF_NACE},
    {"/orgs", "fos", MSG_SAVESEARCH_FOS, WREF_FOS},
    {"/orgs", "region", MSG_SAVESEARCH_REGION, WREF_REGION},
    {"/orgs", "district", MSG_SAVESEARCH_DISTRICT, WREF_DISTRICT},
    {"/orgs", "geo", MSG_SAVESEARCH_REGION, WREF_GEO},
};

/* One filter in words: "Sector 26 Manufacture of ...", "Offers",
 * "Cluster NiCAT", "words: embedded"; an unknown parameter as name: value.
 * cl the board's clusters (for their names). Arena; NULL on no memory. */
static const char *topic_filter_words(req *r, web_refs *refs, const char *page, const char *name,
                                      const char *v, const post_org *cl, size_t n_cl)
{
    lang_id L = r->lang;
    if (strcmp(name, "q") == 0 && strcmp(page, "/cooperation") == 0)
        return arena_printf(r->a, T(L, MSG_POSTQ_QUOTED), v);
    if (strcmp(name, "q") == 0)
        return arena_printf(r->a, "%s %s", T(L, MSG_SAVESEARCH_WORDS), v);
    for (size_t i = 0; i < sizeof topic_params / sizeof topic_params[0]; i++) {
        if (strcmp(page, topic_params[i].page) != 0 || strcmp(name, topic_params[i].param) != 0)
            continue;
        const char *label = v;
        msg_id prefix = topic_params[i].prefix;
        if (strcmp(page, "/cooperation") == 0 && strcmp(name, "kind") == 0)
            label = strcmp(v, "offer") == 0     ? T(L, MSG_SAVESEARCH_OFFERS)
                    : strcmp(v, "request") == 0 ? T(L, MSG_SAVESEARCH_REQUESTS)
                                                : v;
        else if (strcmp(name, "topic") == 0)
            label = web_post_topic_label(L, v);
        else if (strcmp(name, "cluster") == 0)
            for (size_t k = 0; k < n_cl; k++)
                if (strcmp(cl[k].slug, v) == 0)
                    label = web_post_org_display(r, cl[k].name, cl[k].name_en);
        if (topic_params[i].ref >= 0) {
            const char *l = web_refs_label(r, refs, topic_params[i].ref, v);
            if (topic_params[i].ref == WREF_NACE || topic_params[i].ref == WREF_FOS)
                label = l && *l && strcmp(l, v) != 0 ? arena_printf(r->a, "%s %s", v, l) : v;
            else
                label = l && *l ? l : v;
            if (topic_params[i].ref == WREF_GEO && strncmp(v, "D-", 2) == 0)
                prefix = MSG_SAVESEARCH_DISTRICT;
        }
        return prefix ? arena_printf(r->a, "%s %s", T(L, prefix), label) : label;
    }
    return arena_printf(r->a, "%s: %s", name, v);
}

/* A saved search in the reader's words: its filters in the list's order
 * joined by " · ", or "All open posts" / "All organisations" for the
 * whole list. Arena; the raw query when it does not parse. */
static const char *topic_words(req *r, web_refs *refs, const notify_topic *t, const post_org *cl,
                               size_t n_cl)
{
    bool coop = strcmp(t->page, "/cooperation") == 0;
    if (!*t->query)
        return T(r->lang, coop ? MSG_SAVESEARCH_ALL_COOP : MSG_SAVESEARCH_ALL_ORGS);
    form f;
    const char *bad = NULL;
    if (form_parse_urlencoded(r->a, t->query, strlen(t->query), &f, &bad) != FORM_OK)
        return t->query;
    buf b = BUF_INIT;
    /* the filters in the list's order (kind before sector ...), then any other */
    size_t n_p = sizeof topic_params / sizeof topic_params[0];
    for (size_t k = 0; k <= n_p; k++) {
        if (k < n_p && strcmp(t->page, topic_params[k].page) != 0)
            continue;
        for (size_t i = 0; i < f.n_fields; i++) {
            const char *name = f.fields[i].name;
            bool known = false;
            for (size_t j = 0; j < n_p && !known; j++)
                known = strcmp(t->page, topic_params[j].page) == 0 &&
                        strcmp(name, topic_params[j].param) == 0;
            if (k < n_p ? strcmp(name, topic_params[k].param) != 0 : known)
                continue;
            const char *w = topic_filter_words(r, refs, t->page, name, f.fields[i].value, cl, n_cl);
            if (b.len)
                buf_puts(&b, " \u00b7 ");
            buf_puts(&b, w ? w : f.fields[i].value);
        }
    }
    const char *out = buf_failed(&b) ? t->query : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return out ? out : t->query;
}

static void notify_page(req *r, const notify_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    int64_t me = r->user->person_id;
    notify_channel stored[16 + 1];
    notify_topic *topics = NULL;
    notify_followed *fol = NULL, *choices = NULL;
    size_t n_topics = 0, n_fol = 0, n_choices = 0;
    db_status st = notify_n_kinds < 16 ? notify_prefs_get(r->db, me, stored) : DB_ERR;
    if (st == DB_OK)
        st = notify_topics(r->db, r->a, me, &topics, &n_topics);
    if (st == DB_OK)
        st = notify_follows(r->db, r->a, me, &fol, &n_fol);
    if (st == DB_OK)
        st = notify_follow_choices(r->db, r->a, me, &choices, &n_choices);
    /* both lists in the reader's alphabet, by the names the page shows */
    if (st == DB_OK &&
        (!followed_by_name(r, fol, n_fol) || !followed_by_name(r, choices, n_choices)))
        st = DB_NOMEM;
    if (st != DB_OK) {
        resp_fail(r, st, "notification settings");
        return;
    }
    const notify_channel *ch = v->ch ? v->ch : stored;
    web_errs none = {0};
    const web_errs *e = v->errs ? v->errs : &none;
    page_meta m = {.title = T(L, MSG_NOTIFY_TITLE), .nav = "account"};
    r->cache_control = "no-store";
    layout_begin(r, &m);
    html_fmt(o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T(L, MSG_NOTIFY_TITLE),
             T(L, MSG_NOTIFY_LEAD));
    web_notice(r, v->notice);
    web_error_summary(r, v->errs);
    /* a kind the page has no field for (an old or forged form): named here */
    for (size_t i = 0; i < e->n; i++)
        if (strncmp(e->field[i], "kind_", 5) == 0 && !notify_kind_find(e->field[i] + 5))
            web_alert(r, arena_printf(r->a, "%s: %s", e->field[i], e->text[i]));
    html_raw(o, "<div class=\"panels\">\n");

    /* what and how often */
    html_fmt(o,
             "<section class=\"panel\" aria-labelledby=\"nk-h\"><h2 id=\"nk-h\">%s</h2>"
             "<form method=\"post\" action=\"/account/notifications\">",
             T(L, MSG_NOTIFY_KINDS));
    layout_csrf_field(r);
    channel_group(r, "digest", T(L, MSG_NOTIFY_DIGEST), ch[notify_n_kinds], true, false,
                  web_errs_get(e, "digest"));
    for (size_t i = 0; i < notify_n_kinds; i++) {
        const char *name = arena_printf(r->a, "kind_%s", notify_kinds[i].id);
        channel_group(r, name ? name : "kind", T(L, notify_kinds[i].title), ch[i], false,
                      notify_kinds[i].no_immediate, name ? web_errs_get(e, name) : NULL);
    }
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</section>\n",
             T(L, MSG_NOTIFY_SAVE));

    /* saved searches */
    html_fmt(o,
             "<section class=\"panel\" aria-labelledby=\"nt-h\"><h2 id=\"nt-h\">%s</h2>"
             "<p>%s</p>",
             T(L, MSG_NOTIFY_TOPICS), T(L, MSG_NOTIFY_TOPICS_LEAD));
    if (!n_topics)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_NOTIFY_TOPIC_NONE));
    else
        html_raw(o, "<ul class=\"topic-list\">");
    /* each search in words, linking to its results; the board's clusters
     * name a cluster filter (without them the slug is shown) */
    web_refs refs = {0};
    post_org *cl = NULL;
    size_t n_cl = 0;
    if (n_topics && post_clusters(r->db, r->a, &cl, &n_cl) != DB_OK)
        n_cl = 0;
    for (size_t i = 0; i < n_topics; i++) {
        const char *href = *topics[i].query
                               ? arena_printf(r->a, "%s?%s", topics[i].page, topics[i].query)
                               : topics[i].page;
        const char *list = strcmp(topics[i].page, "/orgs") == 0 ? T(L, MSG_NAV_DIRECTORY)
                                                                : T(L, MSG_NOTIFY_PAGE_COOP);
        html_fmt(o, "<li><span class=\"topic-where\">%s</span> <a href=\"%u\">%s</a> ", list,
                 href ? href : topics[i].page, topic_words(r, &refs, &topics[i], cl, n_cl));
        html_fmt(o,
                 "<form class=\"inline-form\" method=\"post\" "
                 "action=\"/account/notifications/topics/%D/delete\">",
                 (long long)topics[i].id);
        layout_csrf_field(r);
        html_fmt(o,
                 "<button type=\"submit\" class=\"button-secondary button-small\">%s</button>"
                 "</form></li>",
                 T(L, MSG_NOTIFY_TOPIC_REMOVE));
    }
    if (n_topics)
        html_raw(o, "</ul>");
    html_fmt(o, "<p>%s <a href=\"/cooperation\">%s</a></p>", T(L, MSG_SAVESEARCH_HOWTO),
             T(L, MSG_SAVESEARCH_OPEN_BOARD));
    /* the directory has no save button: an address pasted here (folded
     * away, open after a refusal) */
    const char *page_err = web_errs_get(e, "page");
    const char *query_err = web_errs_get(e, "query");
    html_fmt(o, "<details class=\"topic-paste\"%R><summary>%s</summary>",
             page_err || query_err ? " open" : "", T(L, MSG_SAVESEARCH_PASTE));
    html_raw(o, "<form method=\"post\" action=\"/account/notifications/topics\">");
    layout_csrf_field(r);
    html_fmt(o, "<div class=\"field%R\"><label for=\"topic-page\">%s</label>",
             page_err ? " field-invalid" : "", T(L, MSG_NOTIFY_TOPIC_PAGE));
    if (page_err)
        html_fmt(o, "<p class=\"field-error\" id=\"topic-page-error\">%s</p>", page_err);
    bool coop = v->topic_page && strcmp(v->topic_page, "/cooperation") == 0;
    html_fmt(o,
             "<select id=\"topic-page\" name=\"page\"%R><option value=\"/orgs\"%R>%s</option>"
             "<option value=\"/cooperation\"%R>%s</option></select></div>",
             page_err ? " aria-describedby=\"topic-page-error\"" : "", coop ? "" : " selected",
             T(L, MSG_NAV_DIRECTORY), coop ? " selected" : "", T(L, MSG_NOTIFY_PAGE_COOP));
    web_field(r, &(web_input){.id = "topic-query",
                              .name = "query",
                              .type = "text",
                              .label = T(L, MSG_SAVESEARCH_ADDRESS),
                              .value = v->topic_query,
                              .autocomplete = "off",
                              .hint = T(L, MSG_SAVESEARCH_PASTE_HINT),
                              .error = query_err,
                              .maxlength = 2000});
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</details></section>\n",
             T(L, MSG_NOTIFY_TOPIC_ADD));

    /* followed clusters */
    html_fmt(o,
             "<section class=\"panel\" aria-labelledby=\"nf-h\"><h2 id=\"nf-h\">%s</h2>"
             "<p>%s</p>",
             T(L, MSG_NOTIFY_FOLLOWS), T(L, MSG_NOTIFY_FOLLOWS_LEAD));
    if (!n_fol)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_NOTIFY_FOLLOW_NONE));
    else
        html_raw(o, "<ul class=\"topic-list\">");
    for (size_t i = 0; i < n_fol; i++) {
        html_fmt(o, "<li><a href=\"/orgs/%q\">%s</a> ", fol[i].slug,
                 web_org_text(r, fol[i].name, fol[i].name_en));
        html_fmt(o,
                 "<form class=\"inline\" method=\"post\" "
                 "action=\"/account/notifications/follows/%D/delete\">",
                 (long long)fol[i].cluster_id);
        layout_csrf_field(r);
        html_fmt(o, "<button type=\"submit\" class=\"button-secondary\">%s</button></form></li>",
                 T(L, MSG_NOTIFY_UNFOLLOW));
    }
    if (n_fol)
        html_raw(o, "</ul>");
    if (n_choices) {
        const char *cl_err = web_errs_get(e, "cluster");
        html_raw(o, "<form method=\"post\" action=\"/account/notifications/follows\">");
        layout_csrf_field(r);
        html_fmt(o, "<div class=\"field%R\"><label for=\"follow-cluster\">%s</label>",
                 cl_err ? " field-invalid" : "", T(L, MSG_NOTIFY_FOLLOW_PICK));
        if (cl_err)
            html_fmt(o, "<p class=\"field-error\" id=\"follow-cluster-error\">%s</p>", cl_err);
        html_fmt(o, "<select id=\"follow-cluster\" name=\"cluster\"%R>",
                 cl_err ? " aria-describedby=\"follow-cluster-error\"" : "");
        for (size_t i = 0; i < n_choices; i++)
            html_fmt(o, "<option value=\"%s\">%s</option>", choices[i].slug,
                     web_org_text(r, choices[i].name, choices[i].name_en));
        html_fmt(o,
                 "</select></div><div class=\"form-actions\"><button type=\"submit\">%s</button>"
                 "</div></form>",
                 T(L, MSG_NOTIFY_FOLLOW_ADD));
    }
    html_raw(o, "</section>\n");
    web_newsletter_account_section(r); /* web_newsletter.c */
    html_raw(o, "</div>\n");
    layout_end(r);
}

static const struct {
    const char *key;
    msg_id text;
} notify_notices[] = {
    {"saved", MSG_NOTIFY_SAVED},           {"topic", MSG_NOTIFY_TOPIC_ADDED},
    {"untopic", MSG_NOTIFY_TOPIC_REMOVED}, {"follow", MSG_NOTIFY_FOLLOWED},
    {"unfollow", MSG_NOTIFY_UNFOLLOWED},   {"newsletter", MSG_NL_ACC_SAVED},
};

void web_notify_page(req *r)
{
    notify_view v = {0};
    const char *done = req_query(r, "done");
    for (size_t i = 0; done && i < sizeof notify_notices / sizeof notify_notices[0]; i++)
        if (strcmp(done, notify_notices[i].key) == 0)
            v.notice = T(r->lang, notify_notices[i].text);
    notify_page(r, &v);
}

/* The settings form's fields as choices: "digest" and "kind_<id>"; any
 * other name starting with "kind_" is an unknown kind (an error), other
 * fields (_csrf) are ignored. Errors go into e keyed by field. */
static size_t form_choices(req *r, const form *f, notify_choice *c, size_t max, web_errs *e,
                           notify_channel *show)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_fields && n < max; i++) {
        const char *name = f->fields[i].name;
        const char *kind = NULL;
        if (strcmp(name, "digest") == 0)
            kind = NOTIFY_DIGEST;
        else if (strncmp(name, "kind_", 5) == 0)
            kind = name + 5;
        else
            continue;
        c[n] = (notify_choice){kind, f->fields[i].value};
        if (!notify_choice_valid(&c[n])) {
            web_errs_add(e, name, T(r->lang, MSG_NOTIFY_ERR_CHOICE));
            continue;
        }
        notify_channel ch;
        notify_channel_parse(c[n].channel, &ch);
        if (strcmp(kind, NOTIFY_DIGEST) == 0) {
            show[notify_n_kinds] = ch;
        } else {
            const notify_kind *k = notify_kind_find(kind);
            show[k - notify_kinds] = ch;
        }
        n++;
    }
    return n;
}

void web_notify_save(req *r)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    notify_choice c[32];
    notify_channel show[16 + 1];
    web_errs e = {0};
    db_status st = notify_n_kinds < 16 ? notify_prefs_get(r->db, r->user->person_id, show) : DB_ERR;
    if (st != DB_OK) {
        resp_fail(r, st, "notification settings");
        return;
    }
    size_t n = form_choices(r, &f, c, sizeof c / sizeof c[0], &e, show);
    if (e.n) {
        r->status = 422;
        notify_page(r, &(notify_view){.errs = &e, .ch = show});
        return;
    }
    st = notify_prefs_set(r->db, r->user->person_id, c, n, r->client_ip, NULL);
    if (st != DB_OK) {
        resp_fail(r, st, "notification settings");
        return;
    }
    resp_redirect(r, "/account/notifications?done=saved");
}

/* The query part of what was pasted: a whole address
 * ("https://host/cooperation?kind=offer", "/orgs?kind=cluster") also
 * chooses the list by its path, which wins over the select; a bare query
 * ("kind=cluster", "?kind=cluster") is taken as it is. NULL for the
 * address of a page that is not a list. Arena. */
static const char *topic_address(req *r, const char *pasted, const char **page)
{
    if (!pasted)
        return "";
    while (*pasted == ' ')
        pasted++;
    const char *qm = strchr(pasted, '?');
    const char *eq = strchr(pasted, '=');
    if (!qm || qm == pasted || (eq && eq < qm))
        return pasted; /* a bare query, or a '?' inside a value */
    const char *path = arena_strndup(r->a, pasted, (size_t)(qm - pasted));
    const char *slash = strstr(path ? path : "", "://");
    if (slash)
        path = strchr(slash + 3, '/'); /* skip the scheme and host */
    if (path && strcmp(path, "/cooperation") == 0)
        *page = "/cooperation";
    else if (path && strcmp(path, "/orgs") == 0)
        *page = "/orgs";
    else
        return NULL; /* an address of another page: refused beside the field */
    return qm + 1;
}

void web_notify_topic_add(req *r)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *page = form_get(&f, "page");
    const char *query = form_get(&f, "query");
    topic_error te = TOPIC_OK;
    const char *canon = NULL;
    db_status st = DB_CONSTRAINT;
    const char *q = topic_address(r, query, &page);
    if (!q)
        te = TOPIC_BAD_QUERY;
    else if ((te = notify_topic_canonical(r->a, q, &canon)) == TOPIC_OK)
        st = notify_topic_add(r->db, r->user->person_id, page, canon, r->client_ip, &te, NULL);
    if (st == DB_OK) {
        resp_redirect(r, "/account/notifications?done=topic");
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "saving a search");
        return;
    }
    static const msg_id texts[] = {
        [TOPIC_BAD_PAGE] = MSG_NOTIFY_ERR_PAGE, [TOPIC_BAD_QUERY] = MSG_SAVESEARCH_ERR_ADDRESS,
        [TOPIC_TOO_LONG] = MSG_NOTIFY_ERR_LONG, [TOPIC_TOO_MANY] = MSG_NOTIFY_ERR_MANY,
        [TOPIC_EXISTS] = MSG_NOTIFY_ERR_EXISTS,
    };
    web_errs e = {0};
    web_errs_add(
        &e, te == TOPIC_BAD_PAGE ? "page" : "query",
        T(r->lang, te > TOPIC_OK && te <= TOPIC_EXISTS ? texts[te] : MSG_SAVESEARCH_ERR_ADDRESS));
    r->status = 422;
    notify_page(r, &(notify_view){.errs = &e, .topic_page = page, .topic_query = query});
}

/* The {id} parameter as a positive integer, else 0. */
static int64_t param_id(req *r)
{
    const char *s = req_param(r, "id");
    char *end = NULL;
    long long v = s && *s ? strtoll(s, &end, 10) : 0;
    return end && *end == '\0' && v > 0 ? (int64_t)v : 0;
}

void web_notify_topic_remove(req *r)
{
    int64_t id = param_id(r);
    db_status st = id ? notify_topic_remove(r->db, r->user->person_id, id, r->client_ip) : DB_DONE;
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_HTTP_ERR_NOT_FOUND));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "removing a search");
        return;
    }
    resp_redirect(r, "/account/notifications?done=untopic");
}

void web_notify_follow(req *r)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    db_status st = notify_follow(r->db, r->user->person_id, form_get(&f, "cluster"), r->client_ip);
    if (st == DB_OK) {
        resp_redirect(r, "/account/notifications?done=follow");
        return;
    }
    if (st != DB_DONE && st != DB_CONSTRAINT) {
        resp_fail(r, st, "following a cluster");
        return;
    }
    web_errs e = {0};
    web_errs_add(&e, "cluster",
                 T(r->lang, st == DB_DONE ? MSG_NOTIFY_FOLLOW_ERR : MSG_NOTIFY_FOLLOW_ERR_DUP));
    r->status = 422;
    notify_page(r, &(notify_view){.errs = &e});
}

void web_notify_unfollow(req *r)
{
    int64_t id = param_id(r);
    db_status st = id ? notify_unfollow(r->db, r->user->person_id, id, r->client_ip) : DB_DONE;
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_HTTP_ERR_NOT_FOUND));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "unfollowing a cluster");
        return;
    }
    resp_redirect(r, "/account/notifications?done=unfollow");
}

/* --- one-click unsubscribe --------------------------------------------------------- */

/* A page in the layout with a heading and one paragraph, status set. */
static void unsub_message(req *r, unsigned status, msg_id text)
{
    lang_id L = r->lang;
    r->status = status;
    r->cache_control = "no-store";
    page_meta m = {.title = T(L, MSG_UNSUB_TITLE)};
    layout_begin(r, &m);
    html_fmt(&r->out, "<h1>%s</h1>\n", T(L, MSG_UNSUB_TITLE));
    if (status == 200)
        web_notice(r, T(L, text));
    else
        web_alert(r, T(L, text));
    html_fmt(&r->out, "<p><a href=\"/account/notifications\">%s</a></p>\n", T(L, MSG_NOTIFY_LINK));
    layout_end(r);
}

static bool unsub_refused(req *r, unsub_state s)
{
    if (s == UNSUB_OK)
        return false;
    unsub_message(r, s == UNSUB_UNKNOWN ? 404 : 410,
                  s == UNSUB_UNKNOWN ? MSG_UNSUB_UNKNOWN
                  : s == UNSUB_USED  ? MSG_UNSUB_USED
                                     : MSG_UNSUB_EXPIRED);
    return true;
}

void web_unsub_form(req *r)
{
    lang_id L = r->lang;
    const char *token = req_param(r, "token");
    unsub_state s;
    const char *kind = NULL;
    db_status st = notify_unsub_peek(r->db, r->a, token, &s, &kind);
    if (st != DB_OK) {
        resp_fail(r, st, "unsubscribe link");
        return;
    }
    if (unsub_refused(r, s))
        return;
    const notify_kind *k = notify_kind_find(kind);
    r->cache_control = "no-store";
    page_meta m = {.title = T(L, MSG_UNSUB_TITLE)};
    layout_begin(r, &m);
    html_fmt(&r->out, "<h1>%s</h1>\n<p class=\"lead\">", T(L, MSG_UNSUB_TITLE));
    if (k)
        html_fmt(&r->out, T(L, MSG_UNSUB_ASK_KIND), T(L, k->title));
    else
        html_fmt(&r->out, "%s", T(L, MSG_UNSUB_ASK_DIGEST));
    /* the form posts what a mail provider's one-click POST sends */
    html_fmt(&r->out,
             "</p>\n<p>%s</p>\n<form method=\"post\" action=\"/u/%q\">"
             "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>\n",
             T(L, MSG_UNSUB_LEAD), token, T(L, MSG_UNSUB_BUTTON));
    layout_end(r);
}

void web_unsub(req *r)
{
    unsub_state s;
    const char *kind = NULL;
    db_status st = notify_unsub_use(r->db, r->a, req_param(r, "token"), r->client_ip, &s, &kind);
    if (st != DB_OK) {
        resp_fail(r, st, "unsubscribe");
        return;
    }
    if (unsub_refused(r, s))
        return;
    unsub_message(r, 200, MSG_UNSUB_DONE);
}
