/* web_call.c: the funding-call pages (see web.h): /calls with facets, the
 * archive, a call's page with the clusters and organisations it does not
 * exclude, the secretariat's form and CSV import, following, the
 * iCalendar feeds, and the "calls you can apply for" section of a
 * profile (web_calls_section). The model is model/call.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "ical/ical.h"
#include "model/call.h"
#include "model/org.h"
#include "db/search.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_org.h"

/* The reader's label of a directory code of a rule (kind, region,
 * district, nace, fos), else the code; refs loaded on first use. */
typedef struct labels {
    req *r;
    web_refs refs;
} labels;

static const char *code_label(void *ctx, const char *rule, const char *code)
{
    labels *l = ctx;
    int t = strcmp(rule, "kind") == 0       ? WREF_KIND
            : strcmp(rule, "region") == 0   ? WREF_REGION
            : strcmp(rule, "district") == 0 ? WREF_DISTRICT
            : strcmp(rule, "nace") == 0     ? WREF_NACE
            : strcmp(rule, "fos") == 0      ? WREF_FOS
                                            : -1;
    if (t < 0)
        return NULL;
    const char *lbl = web_refs_label(l->r, &l->refs, t, code);
    if (!lbl || strcmp(lbl, code) == 0)
        return NULL;
    return t == WREF_NACE || t == WREF_FOS ? arena_printf(l->r->a, "%s %s", code, lbl) : lbl;
}

static const char *rule_value(req *r, labels *l, const char *rule, const char *v)
{
    const char *s = code_label(l, rule, v);
    return s ? s : call_value_text(r->a, r->lang, rule, v);
}

static bool may_edit(req *r)
{
    return r->user && rights_can(r->db, r->user, RIGHT_CALL_EDIT, 0);
}

static const char *call_title(req *r, const call_rec *c)
{
    return web_org_text(r, c->title_sr, c->title_en);
}

/* A programme's name in the reader's script: it is typed once, often in
 * Cyrillic, and a Latin page shows it transliterated. */
static const char *programme_text(req *r, const char *p)
{
    const char *s = web_org_text(r, p, NULL);
    return s ? s : "";
}

static const char *verdict_class[] = {"call-met", "call-not", "call-check"};
static const msg_id verdict_msg[] = {MSG_CALL_V_MET, MSG_CALL_V_NOT, MSG_CALL_V_CHECK};

/* "17:00 Europe/Brussels (17:00 in Belgrade), 5 Dec 2026" */
static void deadline_text(req *r, const call_rec *c)
{
    buf *o = &r->out;
    char date[11] = "", hm[6] = "";
    ical_utc_to_local(c->deadline_tz, c->deadline_at, date, hm);
    html_fmt(o, "<time datetime=\"%s\">", arena_printf(r->a, "%sT%s", date, hm));
    buf d = BUF_INIT;
    i18n_fmt_datetime(&d, r->lang, c->deadline_at);
    if (strcmp(c->deadline_tz, "Europe/Belgrade") == 0)
        html_fmt(o, "%s", buf_failed(&d) ? "" : buf_str(&d));
    else
        html_fmt(o, "%s %s %s <span class=\"muted\">(%s %s)</span>", date, hm, c->deadline_tz,
                 buf_failed(&d) ? "" : buf_str(&d), T(r->lang, MSG_CALL_IN_BELGRADE));
    buf_free(&d);
    html_raw(o, "</time>");
    int64_t now = time_now();
    if (c->deadline_at > now) { /* Belgrade calendar days, as the reminders count */
        static const msg_id forms[] = {MSG_CALL_LEFT_ONE, MSG_CALL_LEFT_FEW, MSG_CALL_LEFT_MANY};
        int left = call_days_left(now, c->deadline_at);
        html_fmt(o, " <span class=\"call-left\">(%s)</span>",
                 left <= 0   ? T(r->lang, MSG_CALL_LEFT_TODAY)
                 : left == 1 ? T(r->lang, MSG_CALL_LEFT_TOMORROW)
                             : arena_printf(
                                   r->a, T(r->lang, forms[i18n_plural_form(r->lang, left)]), left));
    }
    int y, mo, dd, h, mi;
    int64_t first = 0;
    ical_local kind = ICAL_LOCAL_ONE;
    if (sscanf(date, "%4d-%2d-%2d", &y, &mo, &dd) == 3 && sscanf(hm, "%2d:%2d", &h, &mi) == 2 &&
        ical_local_check(c->deadline_tz, y, mo, dd, h, mi, &first, &kind) &&
        kind == ICAL_LOCAL_TWICE) {
        /* the clocks pass this time twice that night: say which is meant */
        char ud[11], uhm[6];
        if (ical_utc_to_local("UTC", c->deadline_at, ud, uhm))
            html_fmt(o, " <span class=\"call-twice\">%s</span>",
                     arena_printf(r->a, T(r->lang, MSG_CALL_TWICE_NOTE), hm, c->deadline_tz, uhm));
    }
}

static void money(req *r, int64_t cents)
{
    buf m = BUF_INIT;
    i18n_fmt_money(&m, r->lang, cents, "EUR", true);
    html_fmt(&r->out, "%s", buf_failed(&m) ? "" : buf_str(&m));
    buf_free(&m);
}

/* One call as a list item. */
static void call_item(req *r, const call_rec *c)
{
    buf *o = &r->out;
    html_fmt(o, "<li class=\"card call-card\"><h3><a href=\"/calls/%D\">%s</a></h3><p>",
             (long long)c->id, call_title(r, c));
    if (c->funder_name)
        html_fmt(o, "%s · ", web_org_text(r, c->funder_name, c->funder_name_en));
    html_fmt(o, "%s</p><p>%s: ", programme_text(r, c->programme), T(r->lang, MSG_CALL_DEADLINE));
    deadline_text(r, c);
    if (strcmp(c->status, "draft") == 0)
        html_fmt(o, " <span class=\"badge\">%s</span>", T(r->lang, MSG_CALL_DRAFT));
    if (c->is_demo)
        html_fmt(o, " <span class=\"badge\">%s</span>", T(r->lang, MSG_CALL_DEMO));
    html_raw(o, "</p></li>\n");
}

/* --- the list and the archive ------------------------------------------------ */

static void facet_link(req *r, const char *base, const char *name, const char *value,
                       const char *label, int64_t count, bool on)
{
    html_fmt(&r->out, "<li><a href=\"%s?%s=%q\"%R>%s</a> <span class=\"count\">%D</span></li>",
             base, name, value, on ? " aria-current=\"true\"" : "", label, (long long)count);
}

static void list_page(req *r, bool archive)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    call_filter f = {.archive = archive, .limit = 50, .drafts = may_edit(r)};
    const char *q;
    if (!archive) {
        f.open_now = (q = req_query(r, "open")) && strcmp(q, "1") == 0;
        f.closing_30 = (q = req_query(r, "closing")) && strcmp(q, "30") == 0;
    }
    f.funder = (q = req_query(r, "funder")) && *q ? q : NULL;
    f.programme = (q = req_query(r, "programme")) && *q ? q : NULL;
    f.kind = (q = req_query(r, "kind")) && *q ? q : NULL;
    int page = (q = req_query(r, "page")) ? atoi(q) : 0;
    if (page < 0 || page > 10000)
        page = 0;
    f.offset = page * 50;
    call_rec *calls;
    size_t n;
    int64_t total = 0;
    db_status st = call_list(r->db, r->a, &f, &calls, &n, &total);
    call_facet *fu = NULL, *pr = NULL;
    size_t n_fu = 0, n_pr = 0;
    if (st == DB_OK)
        st = call_facets(r->db, r->a, archive, &fu, &n_fu, &pr, &n_pr);
    if (st != DB_OK) {
        resp_fail(r, st, "call_list");
        return;
    }
    const char *title = T(L, archive ? MSG_CALL_ARCHIVE : MSG_CALLS_TITLE);
    page_meta m = {.title = title, .nav = "calls"};
    layout_begin(r, &m);
    html_fmt(o, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n<p class=\"actions\">", title,
             T(L, MSG_CALLS_LEAD));
    if (archive)
        html_fmt(o, "<a href=\"/calls\">%s</a>", T(L, MSG_CALLS_OPEN));
    else
        html_fmt(o, "<a href=\"/calls/archive\">%s</a>", T(L, MSG_CALL_ARCHIVE));
    html_fmt(o, " · <a href=\"/calls.ics\">%s</a>", T(L, MSG_CALL_ICS));
    if (may_edit(r))
        html_fmt(o,
                 " · <a class=\"button\" href=\"/calls/new\">%s</a>"
                 " <a class=\"button button-quiet\" href=\"/calls/import\">%s</a>",
                 T(L, MSG_CALL_NEW), T(L, MSG_CALL_IMPORT));
    html_raw(o, "</p>\n<div class=\"dir-layout\"><aside class=\"dir-filters\"><h2>");
    html_fmt(o, "%s</h2>", T(L, MSG_DIR_FILTERS));
    const char *base = archive ? "/calls/archive" : "/calls";
    if (!archive)
        html_fmt(o,
                 "<ul class=\"plain facet\"><li><a href=\"/calls?open=1\"%R>%s</a></li>"
                 "<li><a href=\"/calls?closing=30\"%R>%s</a></li></ul>",
                 f.open_now ? " aria-current=\"true\"" : "", T(L, MSG_CALL_F_OPEN_NOW),
                 f.closing_30 ? " aria-current=\"true\"" : "", T(L, MSG_CALL_F_CLOSING));
    if (n_fu) {
        html_fmt(o, "<h3>%s</h3><ul class=\"plain facet\">", T(L, MSG_CALL_FUNDER));
        for (size_t i = 0; i < n_fu; i++)
            facet_link(r, base, "funder", fu[i].value, web_org_text(r, fu[i].label, fu[i].label_en),
                       fu[i].count, f.funder && strcmp(f.funder, fu[i].value) == 0);
        html_raw(o, "</ul>");
    }
    if (n_pr) {
        html_fmt(o, "<h3>%s</h3><ul class=\"plain facet\">", T(L, MSG_CALL_PROGRAMME));
        for (size_t i = 0; i < n_pr; i++)
            facet_link(r, base, "programme", pr[i].value, programme_text(r, pr[i].label),
                       pr[i].count, f.programme && strcmp(f.programme, pr[i].value) == 0);
        html_raw(o, "</ul>");
    }
    static const char *const kinds[] = {"cluster",    "cluster_initiative", "company",
                                        "university", "research_institute", NULL};
    labels lb = {.r = r};
    html_fmt(o, "<h3>%s</h3><ul class=\"plain facet\">", T(L, MSG_CALL_RULE_KIND));
    for (size_t i = 0; kinds[i]; i++)
        html_fmt(o, "<li><a href=\"%s?kind=%q\"%R>%s</a></li>", base, kinds[i],
                 f.kind && strcmp(f.kind, kinds[i]) == 0 ? " aria-current=\"true\"" : "",
                 rule_value(r, &lb, "kind", kinds[i]));
    html_raw(o, "</ul>");
    if (f.open_now || f.closing_30 || f.funder || f.programme || f.kind)
        html_fmt(o, "<p><a href=\"%s\">%s</a></p>", base, T(L, MSG_DIR_CLEAR));
    html_fmt(o, "</aside><div class=\"dir-results\"><p class=\"count\">%s: %D</p>",
             T(L, MSG_CALL_COUNT), (long long)total);
    if (n == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_CALL_NONE));
    html_raw(o, "<ul class=\"cards call-list\">");
    for (size_t i = 0; i < n; i++)
        call_item(r, &calls[i]);
    html_raw(o, "</ul>");
    if ((int64_t)(page + 1) * 50 < total)
        html_fmt(o, "<p><a rel=\"next\" href=\"%s?page=%d\">%s</a></p>", base, page + 1,
                 T(L, MSG_CALL_NEXT));
    html_raw(o, "</div></div>\n");
    layout_end(r);
}

void web_call_list(req *r)
{
    list_page(r, false);
}

void web_call_archive(req *r)
{
    list_page(r, true);
}

/* --- one call ------------------------------------------------------------------ */

static bool load(req *r, call_rec *c)
{
    const char *p = req_param(r, "id");
    char *end = NULL;
    long long id = p ? strtoll(p, &end, 10) : 0;
    if (!p || !*p || *end || id <= 0) {
        resp_error(r, 404, T(r->lang, MSG_CALL_NOT_FOUND));
        return false;
    }
    bool found = false;
    db_status st = call_get(r->db, r->a, id, c, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "call_get");
        return false;
    }
    if (!found || (strcmp(c->status, "published") != 0 && !may_edit(r))) {
        resp_error(r, 404, T(r->lang, MSG_CALL_NOT_FOUND));
        return false;
    }
    return true;
}

static void eligible_block(req *r, const call_rec *c, bool clusters)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *pname = clusters ? "page" : "opage";
    const char *q = req_query(r, pname);
    int page = q ? atoi(q) : 0;
    if (page < 0 || page > 100000)
        page = 0;
    call_eligible *e;
    size_t n;
    int64_t total = 0;
    db_status st =
        call_eligible_list(r->db, r->a, c->id, clusters, page * CALL_PAGE, &e, &n, &total);
    if (st != DB_OK) {
        resp_fail(r, st, "call_eligible_list");
        return;
    }
    const char *id = clusters ? "eligible-clusters" : "eligible-orgs";
    html_fmt(o,
             "<section aria-labelledby=\"%s\"><h2 id=\"%s\">%s <span class=\"count\">%D</span>"
             "</h2><p class=\"hint\">%s</p>",
             id, id, T(L, clusters ? MSG_CALL_ELIGIBLE_CLUSTERS : MSG_CALL_ELIGIBLE_ORGS),
             (long long)total, T(L, MSG_CALL_ELIGIBLE_HINT));
    if (n == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_CALL_ELIGIBLE_NONE));
    html_raw(o, "<ul class=\"call-eligible\">");
    for (size_t i = 0; i < n; i++)
        html_fmt(o, "<li><a href=\"/orgs/%s\">%s</a></li>", e[i].slug,
                 web_org_text(r, e[i].name, e[i].name_en));
    html_raw(o, "</ul>");
    if (page > 0 || (int64_t)(page + 1) * CALL_PAGE < total) {
        html_raw(o, "<p class=\"pager\">");
        if (page > 0)
            html_fmt(o, "<a href=\"/calls/%D?orgs=1&amp;%s=%d#%s\">%s</a> ", (long long)c->id,
                     pname, page - 1, id, T(L, MSG_CALL_PREV));
        if ((int64_t)(page + 1) * CALL_PAGE < total)
            html_fmt(o, "<a href=\"/calls/%D?%s=%d#%s\">%s</a>", (long long)c->id, pname, page + 1,
                     id, T(L, MSG_CALL_NEXT));
        html_raw(o, "</p>");
    }
    html_raw(o, "</section>\n");
}

/* The partner-search link: the board's new-request form with the call's
 * title and its NACE and FOS codes. */
static const char *partners_href(req *r, const call_rec *c)
{
    buf b = BUF_INIT;
    buf_puts(&b, "/cooperation/new?kind=request&title=");
    html_urlencode(
        &b, arena_printf(r->a, "%s: %s", T(r->lang, MSG_CALL_PARTNERS_FOR), call_title(r, c)));
    for (size_t i = 0; i < c->n_rules; i++)
        if (strcmp(c->rules[i].rule, "nace") == 0 || strcmp(c->rules[i].rule, "fos") == 0) {
            buf_printf(&b, "&%s=", c->rules[i].rule);
            html_urlencode(&b, c->rules[i].value);
        }
    const char *s = arena_strdup(r->a, buf_failed(&b) ? "/cooperation/new" : buf_str(&b));
    buf_free(&b);
    return s;
}

void web_call_page(req *r)
{
    call_rec c;
    if (!load(r, &c))
        return;
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *title = call_title(r, &c);
    page_meta m = {.title = title, .nav = "calls"};
    layout_begin(r, &m);
    const char *done = req_query(r, "done");
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/calls\">%s</a></p>\n<h1>%s</h1>\n",
             T(L, MSG_CALLS_TITLE), title);
    if (done && strcmp(done, "saved") == 0)
        web_notice(r, T(L, MSG_CALL_SAVED));
    else if (done && strcmp(done, "followed") == 0)
        web_notice(r, T(L, MSG_CALL_FOLLOWED));
    if (c.is_demo)
        html_fmt(o, "<p class=\"badge\">%s</p>", T(L, MSG_CALL_DEMO));
    if (strcmp(c.status, "published") != 0)
        html_fmt(o, "<p class=\"badge\">%s</p>",
                 T(L, strcmp(c.status, "draft") == 0 ? MSG_CALL_DRAFT : MSG_CALL_WITHDRAWN));
    html_raw(o, "<dl class=\"facts\">");
    if (c.funder_slug)
        html_fmt(o, "<dt>%s</dt><dd><a href=\"/orgs/%s\">%s</a></dd>", T(L, MSG_CALL_FUNDER),
                 c.funder_slug, web_org_text(r, c.funder_name, c.funder_name_en));
    html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_CALL_PROGRAMME), programme_text(r, c.programme));
    if (c.opens_on)
        html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_CALL_OPENS_ON), c.opens_on);
    html_fmt(o, "<dt>%s</dt><dd>", T(L, MSG_CALL_DEADLINE));
    deadline_text(r, &c);
    html_raw(o, "</dd>");
    if (c.budget_cents >= 0) {
        html_fmt(o, "<dt>%s</dt><dd>", T(L, MSG_CALL_BUDGET));
        money(r, c.budget_cents);
        html_raw(o, "</dd>");
    }
    if (c.grant_min_cents >= 0 || c.grant_max_cents >= 0) {
        html_fmt(o, "<dt>%s</dt><dd>", T(L, MSG_CALL_GRANT));
        if (c.grant_min_cents >= 0)
            money(r, c.grant_min_cents);
        html_raw(o, " – ");
        if (c.grant_max_cents >= 0)
            money(r, c.grant_max_cents);
        html_raw(o, "</dd>");
    }
    if (c.cofin_milli >= 0)
        html_fmt(o, "<dt>%s</dt><dd>%s %%</dd>", T(L, MSG_CALL_COFIN),
                 arena_printf(r->a, "%lld", (long long)(c.cofin_milli / 10)));
    if (c.url && html_url_safe(c.url))
        html_fmt(o, "<dt>%s</dt><dd><a href=\"%u\" rel=\"noopener\">%s</a></dd>",
                 T(L, MSG_CALL_URL), c.url, c.url);
    html_raw(o, "</dl>");
    const char *summary = web_org_text(r, c.summary_sr, c.summary_en);
    if (summary && *summary) {
        html_raw(o, "<div class=\"prose\">");
        html_paragraphs(o, summary);
        html_raw(o, "</div>");
    }
    if (c.stages && *c.stages) {
        html_fmt(o, "<h2>%s</h2><div class=\"prose\">", T(L, MSG_CALL_STAGES));
        html_paragraphs(o, c.stages);
        html_raw(o, "</div>");
    }
    /* the rules in words */
    labels lb = {.r = r};
    html_fmt(o, "<h2>%s</h2><ul class=\"call-rules\">", T(L, MSG_CALL_RULES));
    if (c.n_rules == 0 && c.min_partners <= 1 && c.min_countries <= 1)
        html_fmt(o, "<li>%s</li>", T(L, MSG_CALL_RULES_NONE));
    for (size_t i = 0; i < c.n_rules;) {
        const char *rule = c.rules[i].rule;
        html_fmt(o, "<li><strong>%s:</strong> ", call_rule_label(L, rule));
        for (size_t k = 0; i < c.n_rules && strcmp(c.rules[i].rule, rule) == 0; i++, k++)
            html_fmt(o, "%s%s", k ? ", " : "", rule_value(r, &lb, rule, c.rules[i].value));
        html_raw(o, "</li>");
    }
    if (c.min_partners > 1)
        html_fmt(o, "<li><strong>%s:</strong> %D</li>", T(L, MSG_CALL_MIN_PARTNERS),
                 (long long)c.min_partners);
    if (c.min_countries > 1)
        html_fmt(o, "<li><strong>%s:</strong> %D</li>", T(L, MSG_CALL_MIN_COUNTRIES),
                 (long long)c.min_countries);
    html_raw(o, "</ul>\n<div class=\"actions\">");
    if (r->user && strcmp(c.status, "published") == 0) {
        bool on = false;
        if (call_is_following(r->db, c.id, r->user->person_id, &on) != DB_OK)
            on = false;
        html_fmt(o, "<form method=\"post\" action=\"/calls/%D/follow\" class=\"inline\">",
                 (long long)c.id);
        layout_csrf_field(r);
        html_fmt(o,
                 "<input type=\"hidden\" name=\"follow\" value=\"%s\">"
                 "<button type=\"submit\"%R>%s</button></form> ",
                 on ? "0" : "1", on ? " class=\"button-quiet\"" : "",
                 T(L, on ? MSG_CALL_UNFOLLOW : MSG_CALL_FOLLOW));
        if (on)
            html_fmt(o, "<span class=\"muted\">%s</span> ", T(L, MSG_CALL_FOLLOWING));
    } else if (!r->user) {
        html_fmt(o, "<p class=\"muted\">%s</p>", T(L, MSG_CALL_LOGIN_TO_FOLLOW));
    }
    html_fmt(o, "<a class=\"button button-quiet\" href=\"%s\">%s</a> ", partners_href(r, &c),
             T(L, MSG_CALL_PARTNERS));
    if (may_edit(r)) {
        html_fmt(o, "<a class=\"button button-quiet\" href=\"/calls/%D/edit\">%s</a> ",
                 (long long)c.id, T(L, MSG_CALL_EDIT));
        if (strcmp(c.status, "withdrawn") != 0) {
            html_fmt(o, "<form method=\"post\" action=\"/calls/%D/withdraw\" class=\"inline\">",
                     (long long)c.id);
            layout_csrf_field(r);
            html_fmt(o, "<button type=\"submit\" class=\"button-quiet\">%s</button></form>",
                     T(L, MSG_CALL_WITHDRAW));
        }
    }
    html_raw(o, "</div>\n");
    eligible_block(r, &c, true);
    /* the organisations on demand: at 100,000 entries their list is a scan
     * of the directory, the clusters' one an index walk (bench/calls.sh) */
    const char *oq = req_query(r, "orgs");
    if ((oq && strcmp(oq, "1") == 0) || req_query(r, "opage"))
        eligible_block(r, &c, false);
    else
        html_fmt(o, "<p><a href=\"/calls/%D?orgs=1#eligible-orgs\">%s</a></p>", (long long)c.id,
                 T(L, MSG_CALL_SHOW_ORGS));
    layout_end(r);
}

/* --- the secretariat's form -------------------------------------------------------- */

/* --- the funder: typed name, then chosen entry (works without script) ---------------- */

/* What the form made of the funder field: the entries to choose among
 * when the typed text matched several (or, searched, none exactly). */
typedef struct funder_pick {
    org_rec *cands;
    size_t n_cands;
    const char *shown, *slug; /* a resolved funder: its name, its address */
} funder_pick;

#define FUNDER_CANDS 12

/* Resolves the posted funder into in->funder (a slug): the entry chosen
 * from the list (funder_choice), else the typeahead's pick (funder_pick),
 * else the text typed as an address or an exact name in either script,
 * else a search of the directory by its words. Several or no matches:
 * an error beside the field (FE_CHOICE: choose; FE_INVALID: none), with
 * the candidates in *p for the select. */
static db_status funder_resolve(req *r, const form *f, call_input *in, funder_pick *p,
                                form_errors *fe)
{
    memset(p, 0, sizeof *p);
    const char *choice = web_org_choice_get(f, "funder"), *pick = form_get(f, "funder_pick");
    const char *typed = in->funder;
    while (typed && (*typed == ' ' || *typed == '\t'))
        typed++;
    const char *was = form_get(f, "funder_was");
    if (!typed || !*typed) {
        in->funder = NULL;
        return DB_OK;
    }
    org_rec o;
    bool found = false, several = false;
    db_status st = DB_OK;
    if (choice && *choice && strlen(choice) <= 200)
        st = org_get(r->db, r->a, choice, 0, &o, &found);
    if (st == DB_OK && !found && pick && *pick && strlen(pick) <= 200)
        st = org_get(r->db, r->a, pick, 0, &o, &found);
    if (st == DB_OK && !found && was && *was && strlen(was) <= 200) {
        /* the funder the form showed, while its name stands unchanged */
        st = org_get(r->db, r->a, was, 0, &o, &found);
        found = found && (strcmp(typed, web_org_name(r, &o)) == 0 || strcmp(typed, o.slug) == 0 ||
                          (o.name && strcmp(typed, o.name) == 0) ||
                          (o.name_en && strcmp(typed, o.name_en) == 0));
    }
    if (st == DB_OK && !found && strlen(typed) <= 200) {
        const char *slug = strrchr(typed, '/') ? strrchr(typed, '/') + 1 : typed;
        if (*slug)
            st = org_get(r->db, r->a, slug, 0, &o, &found);
        int64_t id = 0;
        if (st == DB_OK && !found)
            st = org_id_by_name(r->db, typed, &id, &several);
        if (st == DB_OK && !found && id)
            st = org_get(r->db, r->a, NULL, id, &o, &found);
    }
    if (st != DB_OK)
        return st;
    if (found && o.status && strcmp(o.status, "published") == 0) {
        in->funder = p->slug = o.slug;
        p->shown = web_org_name(r, &o);
        return DB_OK;
    }
    /* search-then-choose: the published entries the words find */
    search_hit *hits = NULL;
    size_t n = 0;
    if (strlen(typed) <= 200 &&
        (st = search_query(r->db, r->a, typed, "org", FUNDER_CANDS * 2, 0, &hits, &n)) != DB_OK)
        return st;
    p->cands = arena_alloc(r->a, FUNDER_CANDS * sizeof *p->cands);
    size_t exact = 0, n_exact = 0;
    for (size_t i = 0; p->cands && i < n && p->n_cands < FUNDER_CANDS; i++) {
        org_rec e;
        bool ok = false;
        if ((st = org_summary(r->db, r->a, hits[i].ref, &e, &ok)) != DB_OK)
            return st;
        if (!ok || !e.status || strcmp(e.status, "published") != 0)
            continue;
        /* the name in any of its forms, letter case aside: that one */
        if ((e.name && strcasecmp(typed, e.name) == 0) ||
            (e.name_en && strcasecmp(typed, e.name_en) == 0) ||
            strcasecmp(typed, web_org_name(r, &e)) == 0) {
            exact = p->n_cands;
            n_exact++;
        }
        p->cands[p->n_cands++] = e;
    }
    if (n_exact == 1) {
        in->funder = p->slug = p->cands[exact].slug;
        p->shown = web_org_name(r, &p->cands[exact]);
        p->n_cands = 0;
        return DB_OK;
    }
    valid_add_error(fe, "funder", p->n_cands ? FE_CHOICE : FE_INVALID, 0, 0);
    in->funder = typed;
    return DB_OK;
}

/* The funder field: a name with the directory typeahead (script), and,
 * after a name that matched several entries, a select of them. */
static void funder_field(req *r, const char *value, const funder_pick *p, const web_errs *errs)
{
    lang_id L = r->lang;
    if (p && p->slug) {
        value = p->shown;
        html_fmt(&r->out, "<input type=\"hidden\" name=\"funder_was\" value=\"%s\">", p->slug);
    }
    web_field(r, &(web_input){.id = "call-funder",
                              .name = "funder",
                              .type = "text",
                              .label = T(L, MSG_CALL_FUNDER),
                              .value = value,
                              .hint = T(L, MSG_CALL_F_FUNDER_PICK_HINT),
                              .error = web_errs_get(errs, "funder"),
                              .autocomplete = "off",
                              .suggest = "fill",
                              .maxlength = 200});
    if (p && p->n_cands) /* the typed words found several: choose one */
        (void)web_org_choices(r, "call-funder", "funder", value);
}

/* --- eligibility: a select per rule (works without script) ------------------------------ */

#define RULE_ROWS_BLANK 3 /* empty rule rows under the call's own */

/* The rule kinds offered as selects, with the reference table of their
 * values (-1: a fixed list of the model's). */
static const struct {
    const char *rule;
    int ref;
} pick_kinds[] = {
    {"kind", WREF_KIND},     {"size", -1},
    {"stage", -1},           {"label", -1},
    {"region", WREF_REGION}, {"district", WREF_DISTRICT},
    {"nace", WREF_NACE},     {"fos", WREF_FOS},
};

static const char *const stage_values[] = {"initiative", "emerging", "developing", "established",
                                           NULL};

/* Whether a rule is one the selects offer (else: countries or words). */
static bool rule_picked(const char *rule)
{
    for (size_t k = 0; k < sizeof pick_kinds / sizeof pick_kinds[0]; k++)
        if (strcmp(rule, pick_kinds[k].rule) == 0)
            return true;
    return false;
}

/* One rule row: a select of every value of every kind, grouped by kind,
 * each value named in the reader's language; value "kind:code". */
static void rule_select(req *r, web_refs *refs, int n, const call_rule *cur, const char *err)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *id = arena_printf(r->a, "call-rule-%d", n);
    web_field_open(r, id, arena_printf(r->a, T(L, MSG_CALL_F_RULE_N), n), NULL, NULL);
    html_fmt(o, "<select id=\"%s\" name=\"rule_%d\"%R>", id, n,
             err ? " aria-invalid=\"true\" aria-describedby=\"call-rules-error\"" : "");
    html_fmt(o, "<option value=\"\">%s</option>", T(L, MSG_CALL_F_RULE_NONE));
    for (size_t k = 0; k < sizeof pick_kinds / sizeof pick_kinds[0]; k++) {
        const char *rule = pick_kinds[k].rule;
        html_fmt(o, "<optgroup label=\"%s\">", call_rule_label(L, rule));
        bool is = cur && strcmp(cur->rule, rule) == 0;
        if (pick_kinds[k].ref >= 0) {
            size_t ni = 0;
            const ref_item *it = web_refs_items(r, refs, pick_kinds[k].ref, &ni);
            for (size_t i = 0; it && i < ni; i++) {
                if (strcmp(rule, "nace") == 0 && strlen(it[i].code) != 2)
                    continue; /* divisions only */
                bool on = is && strcmp(cur->value, it[i].code) == 0;
                bool code_shown = strcmp(rule, "nace") == 0 || strcmp(rule, "fos") == 0;
                html_fmt(o, "<option value=\"%s:%s\"%R>%s: %s%s%s</option>", rule, it[i].code,
                         on ? " selected" : "", call_rule_label(L, rule),
                         code_shown ? it[i].code : "", code_shown ? " " : "",
                         it[i].label ? it[i].label : it[i].code);
            }
        } else {
            const char *const *vals = strcmp(rule, "size") == 0    ? call_sizes
                                      : strcmp(rule, "stage") == 0 ? stage_values
                                                                   : call_labels;
            for (size_t i = 0; vals[i]; i++)
                html_fmt(o, "<option value=\"%s:%s\"%R>%s: %s</option>", rule, vals[i],
                         is && strcmp(cur->value, vals[i]) == 0 ? " selected" : "",
                         call_rule_label(L, rule), call_value_text(r->a, L, rule, vals[i]));
        }
        html_raw(o, "</optgroup>");
    }
    html_raw(o, "</select></div>\n");
}

/* The eligibility fieldset: the call's rules as selects plus blank rows,
 * the countries as codes and the conditions in words. */
static void rules_fieldset(req *r, const call_rule *rules, size_t n_rules, int blank,
                           const web_errs *errs)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *err = web_errs_get(errs, "rules");
    html_fmt(o,
             "<fieldset class=\"field%R\" id=\"call-rules\" aria-describedby=\"call-rules-hint%R\">"
             "<legend>%s</legend><p class=\"hint\" id=\"call-rules-hint\">%s</p>",
             err ? " field-invalid" : "", err ? " call-rules-error" : "", T(L, MSG_CALL_RULES),
             T(L, MSG_CALL_F_RULE_PICK_HINT));
    if (err)
        html_fmt(o, "<p class=\"field-error\" id=\"call-rules-error\">%s</p>", err);
    web_refs refs = {0};
    int row = 0;
    buf countries = BUF_INIT, words = BUF_INIT;
    for (size_t i = 0; i < n_rules; i++) {
        if (rule_picked(rules[i].rule))
            rule_select(r, &refs, ++row, &rules[i], err);
        else if (strcmp(rules[i].rule, "country") == 0)
            buf_printf(&countries, "%s%s", countries.len ? ", " : "", rules[i].value);
        else
            buf_printf(&words, "%s\n", rules[i].value); /* text rules */
    }
    for (int i = 0; i < blank; i++)
        rule_select(r, &refs, ++row, NULL, err);
    html_fmt(o, "<input type=\"hidden\" name=\"rule_rows\" value=\"%d\">", row);
    web_field(r, &(web_input){.id = "call-countries",
                              .name = "rule_countries",
                              .type = "text",
                              .label = T(L, MSG_CALL_F_COUNTRIES),
                              .value = buf_failed(&countries) ? "" : buf_str(&countries),
                              .hint = T(L, MSG_CALL_F_COUNTRY_HINT),
                              .maxlength = 400});
    web_field_open(r, "call-rules-text", T(L, MSG_CALL_F_RULES_TEXT),
                   T(L, MSG_CALL_F_RULES_TEXT_HINT), NULL);
    html_raw(o, "<textarea id=\"call-rules-text\" name=\"rules_text\" rows=\"3\"");
    web_described_by(r, "call-rules-text", true, NULL);
    html_fmt(o, ">%s</textarea></div>\n", buf_failed(&words) ? "" : buf_str(&words));
    html_raw(o, "</fieldset>\n");
    buf_free(&countries);
    buf_free(&words);
}

/* The rules of the posted form: rule_1..rule_<rule_rows> ("kind:code"),
 * rule_countries (codes separated by commas or spaces) and rules_text
 * (a "text" rule a line); false when a select's value is malformed. The
 * API and the CSV keep "kind:value" codes (call_rules_parse). */
static bool rules_from_form(req *r, const form *f, call_rule **out, size_t *n)
{
    *n = 0;
    const char *rows_s = form_get(f, "rule_rows");
    long rows = rows_s ? strtol(rows_s, NULL, 10) : 0;
    if (rows < 0 || rows > CALL_RULES_MAX)
        rows = CALL_RULES_MAX;
    const char *countries = form_get(f, "rule_countries"), *words = form_get(f, "rules_text");
    size_t cap = (size_t)rows + 2;
    for (const char *p = countries; p && *p; p++)
        cap += *p == ',' || *p == ' ';
    for (const char *p = words; p && *p; p++)
        cap += *p == '\n';
    call_rule *rl = arena_alloc(r->a, cap * sizeof *rl);
    *out = rl;
    if (!rl)
        return false;
    bool ok = true;
    for (long i = 1; i <= rows; i++) {
        const char *v = form_get(f, arena_printf(r->a, "rule_%ld", i));
        if (!v || !*v)
            continue;
        const char *colon = strchr(v, ':');
        if (!colon || colon == v || !colon[1]) {
            ok = false;
            continue;
        }
        rl[(*n)++] = (call_rule){arena_strndup(r->a, v, (size_t)(colon - v)), colon + 1};
    }
    char *c = countries ? arena_strdup(r->a, countries) : NULL;
    for (char *save = NULL, *t = c ? strtok_r(c, ", ;\t\r\n", &save) : NULL; t && *n < cap;
         t = strtok_r(NULL, ", ;\t\r\n", &save)) {
        for (char *q = t; *q; q++)
            if (*q >= 'a' && *q <= 'z')
                *q = (char)(*q - 'a' + 'A');
        rl[(*n)++] = (call_rule){"country", t};
    }
    char *w = words ? arena_strdup(r->a, words) : NULL;
    for (char *save = NULL, *t = w ? strtok_r(w, "\r\n", &save) : NULL; t && *n < cap;
         t = strtok_r(NULL, "\r\n", &save)) {
        while (*t == ' ')
            t++;
        if (*t)
            rl[(*n)++] = (call_rule){"text", t};
    }
    return ok;
}

/* The zones funders state deadlines in, with the place a reader knows:
 * the form offers these; the API takes any canonical zone name. */
static const struct {
    const char *tz;
    msg_id place;
} common_zones[] = {
    {"Europe/Belgrade", MSG_CALL_TZ_BELGRADE},  {"Europe/Brussels", MSG_CALL_TZ_BRUSSELS},
    {"Europe/Berlin", MSG_CALL_TZ_BERLIN},      {"Europe/Paris", MSG_CALL_TZ_PARIS},
    {"Europe/Rome", MSG_CALL_TZ_ROME},          {"Europe/Vienna", MSG_CALL_TZ_VIENNA},
    {"Europe/London", MSG_CALL_TZ_LONDON},      {"Europe/Athens", MSG_CALL_TZ_ATHENS},
    {"America/New_York", MSG_CALL_TZ_NEW_YORK}, {"UTC", MSG_CALL_TZ_UTC},
};

/* The deadline's zone as a select of common_zones; a zone not among them
 * (entered through the API or CSV) is kept as one more option. */
static void tz_select(req *r, const char *value, const char *err)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *v = value && *value ? value : "Europe/Belgrade";
    web_field_open(r, "call-deadline_tz", T(L, MSG_CALL_F_TZ), T(L, MSG_CALL_F_TZ_PICK_HINT), err);
    html_raw(o, "<select id=\"call-deadline_tz\" name=\"deadline_tz\"");
    web_described_by(r, "call-deadline_tz", true, err);
    html_raw(o, ">");
    bool listed = false;
    for (size_t i = 0; i < sizeof common_zones / sizeof common_zones[0]; i++) {
        bool on = strcmp(v, common_zones[i].tz) == 0;
        listed |= on;
        html_fmt(o, "<option value=\"%s\"%R>%s (%s)</option>", common_zones[i].tz,
                 on ? " selected" : "", T(L, common_zones[i].place), common_zones[i].tz);
    }
    if (!listed)
        html_fmt(o, "<option value=\"%s\" selected>%s</option>", v, v);
    html_raw(o, "</select></div>\n");
}

static void form_page(req *r, const call_rec *c, const call_input *in, const funder_pick *fp,
                      const web_errs *errs)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *title = c ? call_title(r, c) : T(L, MSG_CALL_NEW);
    page_meta m = {.title = title, .nav = "calls"};
    layout_begin(r, &m);
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/calls\">%s</a></p>\n<h1>%s</h1>\n",
             T(L, MSG_CALLS_TITLE), title);
    web_error_summary(r, errs);
    if (c)
        html_fmt(o, "<form method=\"post\" action=\"/calls/%D\" class=\"form card\">",
                 (long long)c->id);
    else
        html_raw(o, "<form method=\"post\" action=\"/calls\" class=\"form card\">");
    layout_csrf_field(r);
    const struct {
        const char *name, *type, *value;
        msg_id label, hint;
        bool required;
    } fields[] = {
        {"title_sr", "text", in->title_sr, MSG_CALL_F_TITLE_SR, 0, true},
        {"title_en", "text", in->title_en, MSG_CALL_F_TITLE_EN, 0, false},
        {"funder", "text", in->funder, MSG_CALL_FUNDER, MSG_CALL_F_FUNDER_HINT, false},
        {"programme", "text", in->programme, MSG_CALL_PROGRAMME, 0, true},
        {"url", "url", in->url, MSG_CALL_URL, 0, false},
        {"opens_on", "date", in->opens_on, MSG_CALL_OPENS_ON, 0, false},
        {"deadline_date", "date", in->deadline_date, MSG_CALL_F_DEADLINE_DATE, 0, true},
        {"deadline_time", "text", in->deadline_time, MSG_CALL_F_DEADLINE_TIME,
         MSG_CALL_F_TIME_RULE_HINT, true},
        {"deadline_tz", "text", in->deadline_tz, MSG_CALL_F_TZ, MSG_CALL_F_TZ_HINT, false},
        {"budget", "text", in->budget, MSG_CALL_F_BUDGET, MSG_CALL_F_EUR_HINT, false},
        {"grant_min", "text", in->grant_min, MSG_CALL_F_GRANT_MIN, MSG_CALL_F_EUR_HINT, false},
        {"grant_max", "text", in->grant_max, MSG_CALL_F_GRANT_MAX, MSG_CALL_F_EUR_HINT, false},
        {"cofin", "text", in->cofin, MSG_CALL_F_COFIN, MSG_CALL_F_COFIN_HINT, false},
        {"min_partners", "text", in->min_partners, MSG_CALL_MIN_PARTNERS, 0, false},
        {"min_countries", "text", in->min_countries, MSG_CALL_MIN_COUNTRIES, 0, false},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (strcmp(fields[i].name, "deadline_tz") == 0) {
            tz_select(r, fields[i].value, web_errs_get(errs, "deadline_tz"));
            continue;
        }
        if (strcmp(fields[i].name, "funder") == 0) {
            funder_field(r, fields[i].value, fp, errs);
            continue;
        }
        web_input wi = {.id = arena_printf(r->a, "call-%s", fields[i].name),
                        .name = fields[i].name,
                        .type = fields[i].type,
                        .label = T(L, fields[i].label),
                        .value = fields[i].value,
                        .hint = fields[i].hint ? T(L, fields[i].hint) : NULL,
                        .error = web_errs_get(errs, fields[i].name),
                        .required = fields[i].required};
        web_field(r, &wi);
    }
    const struct {
        const char *name, *value;
        msg_id label, hint;
    } areas[] = {
        {"summary_sr", in->summary_sr, MSG_CALL_F_SUMMARY_SR, 0},
        {"summary_en", in->summary_en, MSG_CALL_F_SUMMARY_EN, 0},
        {"stages", in->stages, MSG_CALL_STAGES, 0},
    };
    for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++) {
        const char *id = arena_printf(r->a, "call-%s", areas[i].name);
        const char *err = web_errs_get(errs, areas[i].name);
        web_field_open(r, id, T(L, areas[i].label), areas[i].hint ? T(L, areas[i].hint) : NULL,
                       err);
        html_fmt(o, "<textarea id=\"%s\" name=\"%s\" rows=\"5\"", id, areas[i].name);
        web_described_by(r, id, areas[i].hint != 0, err);
        html_fmt(o, ">%s</textarea></div>\n", areas[i].value ? areas[i].value : "");
    }
    rules_fieldset(r, in->rules, in->n_rules, RULE_ROWS_BLANK, errs);
    bool draft = in->status && strcmp(in->status, "draft") == 0;
    html_fmt(o,
             "<div class=\"field field-check\"><input type=\"checkbox\" id=\"call-draft\" "
             "name=\"status\" value=\"draft\"%R> <label for=\"call-draft\">%s</label></div>\n",
             draft ? " checked" : "", T(L, MSG_CALL_F_DRAFT));
    html_fmt(o, "<p><button type=\"submit\">%s</button></p></form>\n", T(L, MSG_SAVE));
    layout_end(r);
}

void web_call_new_form(req *r)
{
    if (!may_edit(r)) {
        resp_error(r, 403, T(r->lang, MSG_CALL_FORBIDDEN));
        return;
    }
    call_input in = {.deadline_time = "17:00", .deadline_tz = "Europe/Brussels"};
    web_errs e = {0};
    form_page(r, NULL, &in, NULL, &e);
}

void web_call_edit_form(req *r)
{
    if (!may_edit(r)) {
        resp_error(r, 403, T(r->lang, MSG_CALL_FORBIDDEN));
        return;
    }
    call_rec c;
    if (!load(r, &c))
        return;
    call_input in;
    call_to_input(r->a, &c, &in);
    web_errs e = {0};
    funder_pick fp = {.slug = c.funder_slug,
                      .shown =
                          c.funder_slug ? web_org_text(r, c.funder_name, c.funder_name_en) : NULL};
    form_page(r, &c, &in, &fp, &e);
}

/* Reads a call_input from a posted form or query (the API reads JSON). */
static void input_from_form(req *r, const form *f, call_input *in, bool *rules_ok)
{
    *in = (call_input){.funder = form_get(f, "funder"),
                       .programme = form_get(f, "programme"),
                       .title_sr = form_get(f, "title_sr"),
                       .title_en = form_get(f, "title_en"),
                       .summary_sr = form_get(f, "summary_sr"),
                       .summary_en = form_get(f, "summary_en"),
                       .url = form_get(f, "url"),
                       .opens_on = form_get(f, "opens_on"),
                       .deadline_date = form_get(f, "deadline_date"),
                       .deadline_time = form_get(f, "deadline_time"),
                       .deadline_tz = form_get(f, "deadline_tz"),
                       .stages = form_get(f, "stages"),
                       .budget = form_get(f, "budget"),
                       .grant_min = form_get(f, "grant_min"),
                       .grant_max = form_get(f, "grant_max"),
                       .cofin = form_get(f, "cofin"),
                       .min_partners = form_get(f, "min_partners"),
                       .min_countries = form_get(f, "min_countries"),
                       .status = form_get(f, "status")};
    /* the selects, countries and words; "rules" as kind:value lines too
     * (what the form was before the pickers, and a script's way) */
    call_rule *picked = NULL, *typed = NULL;
    size_t n_picked = 0, n_typed = 0;
    *rules_ok = rules_from_form(r, f, &picked, &n_picked);
    *rules_ok &= call_rules_parse(r->a, form_get(f, "rules"), &typed, &n_typed);
    call_rule *rl = arena_alloc(r->a, (n_picked + n_typed + 1) * sizeof *rl);
    if (rl) {
        if (n_picked)
            memcpy(rl, picked, n_picked * sizeof *rl);
        if (n_typed)
            memcpy(rl + n_picked, typed, n_typed * sizeof *rl);
    }
    in->rules = rl;
    in->n_rules = rl ? n_picked + n_typed : 0;
}

static void errs_words(req *r, const form_errors *fe, web_errs *e, const char *tz)
{
    for (size_t i = 0; i < fe->n_items; i++) {
        buf b = BUF_INIT;
        call_error_text(&b, r->lang, &fe->items[i], tz);
        web_errs_add(e, fe->items[i].field, arena_strdup(r->a, buf_failed(&b) ? "" : buf_str(&b)));
        buf_free(&b);
    }
}

static void save(req *r, const call_rec *existing)
{
    if (!may_edit(r)) {
        resp_error(r, 403, T(r->lang, MSG_CALL_FORBIDDEN));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    call_input in;
    bool rules_ok;
    input_from_form(r, &f, &in, &rules_ok);
    form_errors fe = {0};
    if (!rules_ok)
        valid_add_error(&fe, "rules", FE_INVALID, 0, 0);
    funder_pick fp;
    db_status st = funder_resolve(r, &f, &in, &fp, &fe);
    if (st != DB_OK) {
        resp_fail(r, st, "call funder");
        return;
    }
    int64_t id = existing ? existing->id : 0;
    st = DB_CONSTRAINT;
    if (fe.n_items == 0) {
        st = existing ? call_update(r->db, id, &in, r->user->person_id, r->client_ip, &fe)
                      : call_create(r->db, &in, r->user->person_id, r->client_ip, &id, &fe);
        if (st == DB_OK) {
            resp_redirect(r, arena_printf(r->a, "/calls/%lld?done=saved", (long long)id));
            return;
        }
        if (st == DB_DONE) {
            resp_error(r, 404, T(r->lang, MSG_CALL_NOT_FOUND));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, "call_save");
            return;
        }
    } else { /* the other fields' errors too, the funder's already said */
        call_input rest = in;
        rest.funder = NULL;
        call_check(r->a, &rest, NULL, &fe);
    }
    web_errs e = {0};
    errs_words(r, &fe, &e, in.deadline_tz);
    r->status = 422;
    form_page(r, existing, &in, &fp, &e);
}

void web_call_create(req *r)
{
    save(r, NULL);
}

void web_call_update(req *r)
{
    if (!may_edit(r)) {
        resp_error(r, 403, T(r->lang, MSG_CALL_FORBIDDEN));
        return;
    }
    call_rec c;
    if (!load(r, &c))
        return;
    save(r, &c);
}

void web_call_withdraw(req *r)
{
    if (!may_edit(r)) {
        resp_error(r, 403, T(r->lang, MSG_CALL_FORBIDDEN));
        return;
    }
    call_rec c;
    if (!load(r, &c))
        return;
    db_status st = call_withdraw(r->db, c.id, r->user->person_id, r->client_ip);
    if (st != DB_OK && st != DB_DONE) {
        resp_fail(r, st, "call_withdraw");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/calls/%lld", (long long)c.id));
}

void web_call_follow(req *r)
{
    call_rec c;
    if (!load(r, &c))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *v = form_get(&f, "follow");
    bool on = !v || strcmp(v, "0") != 0;
    db_status st = call_follow(r->db, c.id, r->user->person_id, on, r->client_ip);
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_CALL_NOT_FOUND));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "call_follow");
        return;
    }
    resp_redirect(r,
                  arena_printf(r->a, "/calls/%lld%s", (long long)c.id, on ? "?done=followed" : ""));
}

/* --- CSV import --------------------------------------------------------------------- */

static void import_page(req *r, const call_import_error *errs, size_t n_errs)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    page_meta m = {.title = T(L, MSG_CALL_IMPORT), .nav = "calls"};
    layout_begin(r, &m);
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/calls\">%s</a></p>\n<h1>%s</h1>\n<p>%s</p>",
             T(L, MSG_CALLS_TITLE), T(L, MSG_CALL_IMPORT), T(L, MSG_CALL_IMPORT_HINT));
    html_raw(o, "<pre class=\"code\">funder,programme,title_sr,title_en,deadline_date,"
                "deadline_time,deadline_tz,grant_min,grant_max,cofin,rules</pre>");
    if (n_errs) {
        html_fmt(o,
                 "<div class=\"alert\" role=\"alert\"><p>%s</p><table><thead><tr><th>%s</th>"
                 "<th>%s</th><th>%s</th></tr></thead><tbody>",
                 T(L, MSG_CALL_IMPORT_ERRORS), T(L, MSG_CALL_IMPORT_ROW),
                 T(L, MSG_CALL_IMPORT_COLUMN), T(L, MSG_CALL_IMPORT_PROBLEM));
        for (size_t i = 0; i < n_errs; i++)
            html_fmt(o, "<tr><td>%d</td><td>%s</td><td>%s</td></tr>", errs[i].row,
                     errs[i].column ? errs[i].column : "", errs[i].text ? errs[i].text : "");
        html_raw(o, "</tbody></table></div>");
    }
    html_raw(o, "<form method=\"post\" action=\"/calls/import\" enctype=\"multipart/form-data\" "
                "class=\"form card\">");
    layout_csrf_field(r);
    html_fmt(o,
             "<div class=\"field\"><label for=\"call-file\">%s</label>"
             "<input type=\"file\" id=\"call-file\" name=\"file\" accept=\".csv,text/csv\" "
             "required></div><p><button type=\"submit\">%s</button></p></form>",
             T(L, MSG_CALL_IMPORT_FILE), T(L, MSG_CALL_IMPORT));
    layout_end(r);
}

void web_call_import_form(req *r)
{
    if (!may_edit(r)) {
        resp_error(r, 403, T(r->lang, MSG_CALL_FORBIDDEN));
        return;
    }
    import_page(r, NULL, 0);
}

void web_call_import(req *r)
{
    if (!may_edit(r)) {
        resp_error(r, 403, T(r->lang, MSG_CALL_FORBIDDEN));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    const form_field *file = form_find(&f, "file");
    const char *data = file ? file->value : form_get(&f, "csv");
    size_t len = file ? file->value_len : data ? strlen(data) : 0;
    int created = 0;
    call_import_error *errs = NULL;
    size_t n_errs = 0;
    db_status st = call_import_csv(r->db, r->a, r->lang, data ? data : "", len, r->user->person_id,
                                   r->client_ip, &created, &errs, &n_errs);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/calls?imported=%d", created));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "call_import_csv");
        return;
    }
    r->status = 422;
    import_page(r, errs, n_errs);
}

/* --- iCalendar --------------------------------------------------------------------- */

static void send_ics(req *r, const call_rec *calls, size_t n, const char *name)
{
    ical_event *ev = arena_alloc(r->a, (n ? n : 1) * sizeof *ev);
    if (!ev) {
        resp_fail(r, DB_NOMEM, "calls.ics");
        return;
    }
    const char *base = web_base_url(r);
    const char *p = base ? strstr(base, "://") : NULL;
    const char *host = p ? p + 3 : "scan";
    for (size_t i = 0; i < n; i++) {
        const call_rec *c = &calls[i];
        const char *t = call_title(r, c);
        ev[i] = (ical_event){
            .uid = arena_printf(r->a, "call-%lld@%s", (long long)c->id, host),
            .summary = arena_printf(r->a, "%s: %s", T(r->lang, MSG_CALL_DEADLINE), t),
            .description = web_org_text(r, c->summary_sr, c->summary_en),
            .url = base ? arena_printf(r->a, "%s/calls/%lld", base, (long long)c->id) : NULL,
            .tzid = c->deadline_tz,
            .starts_at = c->deadline_at,
            .stamp = c->updated_at,
            .sequence =
                c->updated_at - c->created_at > 0 ? (c->updated_at - c->created_at) / 60 : 0,
            .cancelled = strcmp(c->status, "withdrawn") == 0,
            .alarm_before = 3 * 86400,
            .alarm_text = arena_printf(r->a, T(r->lang, MSG_CALL_ALARM), t),
        };
    }
    if (!ical_write(&r->out, name, ev, n)) {
        buf_reset(&r->out);
        resp_fail(r, DB_NOMEM, "ical_write");
        return;
    }
    r->content_type = "text/calendar; charset=utf-8";
    resp_header(r, "Content-Disposition", "inline; filename=\"calls.ics\"");
}

void web_calls_ics(req *r)
{
    call_filter f = {.limit = 200};
    call_rec *calls;
    size_t n;
    db_status st = call_list(r->db, r->a, &f, &calls, &n, NULL);
    if (st != DB_OK) {
        resp_fail(r, st, "call_list");
        return;
    }
    send_ics(r, calls, n, T(r->lang, MSG_CALLS_TITLE));
}

/* GET /orgs/{slug}/calls.ics: the open calls that entry may apply for. */
void web_org_calls_ics(req *r)
{
    org_rec o;
    bool found = false;
    db_status st = org_get(r->db, r->a, req_param(r, "slug"), 0, &o, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "org_get");
        return;
    }
    if (!found || !o.status || strcmp(o.status, "published") != 0) {
        resp_error(r, 404, T(r->lang, MSG_CALL_NOT_FOUND));
        return;
    }
    call_facts facts;
    call_for_org *fo;
    size_t n = 0;
    st = call_facts_get(r->db, r->a, o.id, &facts, &found);
    if (st == DB_OK)
        st = call_for_org_list(r->db, r->a, r->lang, &facts, 200, &fo, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "call_for_org_list");
        return;
    }
    call_rec *calls = arena_alloc(r->a, (n ? n : 1) * sizeof *calls);
    if (!calls) {
        resp_fail(r, DB_NOMEM, "calls.ics");
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (fo[i].verdict != CALL_NOT_MET)
            calls[k++] = fo[i].call;
    send_ics(r, calls, k,
             arena_printf(r->a, "%s: %s", T(r->lang, MSG_CALLS_TITLE), web_org_name(r, &o)));
}

/* --- the profile's section ------------------------------------------------------------ */

bool web_calls_section(req *r, const struct org_rec *o)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    call_facts facts;
    bool found = false;
    call_for_org *fo;
    size_t n = 0;
    labels lb = {.r = r};
    db_status st = call_facts_get(r->db, r->a, o->id, &facts, &found);
    facts.label = code_label;
    facts.label_ctx = &lb;
    if (st == DB_OK && found)
        st = call_for_org_list(r->db, r->a, L, &facts, 10, &fo, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "web_calls_section");
        return false;
    }
    if (n == 0)
        return false;
    html_fmt(out,
             "<section aria-labelledby=\"calls-for\" class=\"calls-for\"><h2 id=\"calls-for\">%s"
             "</h2><p class=\"hint\">%s <a href=\"/orgs/%s/calls.ics\">%s</a></p><ol>",
             T(L, MSG_CALL_FOR_ORG), T(L, MSG_CALL_FOR_ORG_HINT), o->slug, T(L, MSG_CALL_ICS));
    bool near_started = false;
    for (size_t i = 0; i < n; i++) {
        const call_for_org *f = &fo[i];
        if (f->verdict == CALL_NOT_MET && !near_started) {
            html_fmt(out, "</ol><h3>%s</h3><ol>", T(L, MSG_CALL_NEARLY));
            near_started = true;
        }
        html_fmt(out, "<li><a href=\"/calls/%D\">%s</a> <span class=\"%s\">%s</span><br>",
                 (long long)f->call.id, call_title(r, &f->call), verdict_class[f->verdict],
                 T(L, verdict_msg[f->verdict]));
        html_fmt(out, "%s: ", T(L, MSG_CALL_DEADLINE));
        deadline_text(r, &f->call);
        if (f->n_rows) {
            html_raw(out, "<ul class=\"call-why\">");
            for (size_t k = 0; k < f->n_rows; k++)
                html_fmt(out, "<li class=\"%s\">%s</li>", verdict_class[f->rows[k].verdict],
                         f->rows[k].reason);
            html_raw(out, "</ul>");
        }
        html_raw(out, "</li>");
    }
    html_raw(out, "</ol></section>\n");
    return true;
}
