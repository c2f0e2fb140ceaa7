/* web_call.c: the funding-call pages (see web.h): /calls with facets, the
 * archive, a call's page with the clusters and organisations it does not
 * exclude, CSV import, the iCalendar feeds, and the "calls you can
 * apply for" section of a profile (web_calls_section). The secretariat's form and following are
 * web_call_form.c's; the model is model/call.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "ical/ical.h"
#include "model/call.h"
#include "model/org.h"
#include "db/search.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_call_internal.h"
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

bool wcall_may_edit(req *r)
{
    return r->user && rights_can(r->db, r->user, RIGHT_CALL_EDIT, 0);
}

const char *wcall_title(req *r, const call_rec *c)
{
    return web_org_text(r, c->title_sr, c->title_en);
}

/* A programme's name in the reader's language: English readers its
 * English name when it has one (0055), else the Serbian name, which a
 * Latin page shows transliterated. */
static const char *programme_text(req *r, const char *p, const char *en)
{
    const char *s = web_org_text(r, p, en);
    return s ? s : "";
}

static const char *verdict_class[] = {"call-met", "call-not", "call-check"};
static const msg_id verdict_msg[] = {MSG_CALL_V_MET, MSG_CALL_V_NOT, MSG_CALL_V_CHECK};

/* "5 Dec 2026 17:00 Brussels, EU (17:00 in Belgrade)": the funder's date
 * and time in the reader's format, its zone by the place (issue 14
 * review: "2026-12-05 17:00 Europe/Brussels" beside a Belgrade deadline
 * written "25 Dec 2026 12:00" read as two formats), Belgrade's time
 * beside it, with the date too when it falls on another day. */
static void deadline_text(req *r, const call_rec *c)
{
    buf *o = &r->out;
    char date[11] = "", hm[6] = "", bdate[11] = "", bhm[6] = "";
    ical_utc_to_local(c->deadline_tz, c->deadline_at, date, hm);
    ical_utc_to_local("Europe/Belgrade", c->deadline_at, bdate, bhm);
    html_fmt(o, "<time datetime=\"%s\">", arena_printf(r->a, "%sT%s", date, hm));
    buf d = BUF_INIT;
    if (strcmp(c->deadline_tz, "Europe/Belgrade") == 0) {
        i18n_fmt_datetime(&d, r->lang, c->deadline_at);
        html_fmt(o, "%s", buf_failed(&d) ? "" : buf_str(&d));
    } else {
        /* the funder's calendar date, written as the reader writes dates:
         * noon UTC of that date is the same date in Belgrade */
        int y = 0, mo = 0, dd = 0;
        struct tm tm = {0};
        if (sscanf(date, "%4d-%2d-%2d", &y, &mo, &dd) == 3) {
            tm.tm_year = y - 1900;
            tm.tm_mon = mo - 1;
            tm.tm_mday = dd;
            tm.tm_hour = 12;
            i18n_fmt_date(&d, r->lang, (int64_t)timegm(&tm));
        }
        buf b = BUF_INIT;
        if (strcmp(date, bdate) == 0)
            buf_puts(&b, bhm);
        else
            i18n_fmt_datetime(&b, r->lang, c->deadline_at);
        html_fmt(o, "%s %s %s <span class=\"muted\">(%s %s)</span>",
                 d.len && !buf_failed(&d) ? buf_str(&d) : date, hm,
                 wcall_zone_place(r, c->deadline_tz), buf_failed(&b) ? "" : buf_str(&b),
                 T(r->lang, MSG_CALL_IN_BELGRADE));
        buf_free(&b);
    }
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
             (long long)c->id, wcall_title(r, c));
    if (c->funder_name)
        html_fmt(o, "%s · ", web_org_text(r, c->funder_name, c->funder_name_en));
    html_fmt(o, "%s</p><p>%s: ", programme_text(r, c->programme, c->programme_en),
             T(r->lang, MSG_CALL_DEADLINE));
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
    call_filter f = {.archive = archive, .limit = 50, .drafts = wcall_may_edit(r)};
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
    if (wcall_may_edit(r))
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
            facet_link(r, base, "programme", pr[i].value,
                       programme_text(r, pr[i].label, pr[i].label_en), pr[i].count,
                       f.programme && strcmp(f.programme, pr[i].value) == 0);
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

bool wcall_load(req *r, call_rec *c)
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
    if (!found || (strcmp(c->status, "published") != 0 && !wcall_may_edit(r))) {
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
        &b, arena_printf(r->a, "%s: %s", T(r->lang, MSG_CALL_PARTNERS_FOR), wcall_title(r, c)));
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
    if (!wcall_load(r, &c))
        return;
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *title = wcall_title(r, &c);
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
    html_fmt(o, "<dt>%s</dt><dd>%s</dd>", T(L, MSG_CALL_PROGRAMME),
             programme_text(r, c.programme, c.programme_en));
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
    if (wcall_may_edit(r)) {
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

/* --- CSV import --------------------------------------------------------------------- */

static void import_page(req *r, const call_import_error *errs, size_t n_errs)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    page_meta m = {.title = T(L, MSG_CALL_IMPORT), .nav = "calls"};
    layout_begin(r, &m);
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/calls\">%s</a></p>\n<h1>%s</h1>\n<p>%s</p>",
             T(L, MSG_CALLS_TITLE), T(L, MSG_CALL_IMPORT), T(L, MSG_CALL_IMPORT_HINT));
    html_raw(o, "<pre class=\"code\">funder,programme,programme_en,title_sr,title_en,"
                "deadline_date,deadline_time,deadline_tz,grant_min,grant_max,cofin,rules</pre>");
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
    if (!wcall_may_edit(r)) {
        resp_error(r, 403, T(r->lang, MSG_CALL_FORBIDDEN));
        return;
    }
    import_page(r, NULL, 0);
}

void web_call_import(req *r)
{
    if (!wcall_may_edit(r)) {
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
        const char *t = wcall_title(r, c);
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
                 (long long)f->call.id, wcall_title(r, &f->call), verdict_class[f->verdict],
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
