/* web_figures_org.c: one organisation's figures (moved out of
 * web_figures.c, one page group per file).
 *
 *   GET  /orgs/{slug}/figures        one organisation's figures by year and
 *   POST /orgs/{slug}/figures        the form to enter one year
 *
 * Who may enter is asked of rights_can(); the numbers are checked by the
 * model (figures_put). Shared helpers are in web_figures_common.c
 * (web_figures.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/chart.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/cluster.h"
#include "model/figures.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/page_cache.h"
#include "web/table.h"
#include "web/notice.h"
#include "web/web.h"
#include "web/web_figures.h"
#include "web/web_org.h"

#define MONEY_MAX_WHOLE 1000000000000LL /* 10^12 EUR (or RSD) per field */
#define EMPLOYEES_MAX   10000000

/* --- GET/POST /orgs/{slug}/figures ------------------------------------------------------ */

enum { E_YEAR, E_EMPLOYEES, E_REVENUE, E_EXPORTS, E_RND, E_CURRENCY, E_SOURCE, E__COUNT };
static const char *const currency_codes[] = {"EUR", "RSD", NULL};
static const char *const source_codes[] = {"self_reported", "business_register", "estimate", NULL};
static const form_rule entry_rules[E__COUNT] = {
    [E_YEAR] = {"year", FV_INT, FORM_REQUIRED, FIG_YEAR_FIRST, FIG_YEAR_LAST, NULL},
    [E_EMPLOYEES] = {"employees", FV_INT, 0, 0, EMPLOYEES_MAX, NULL},
    [E_REVENUE] = {"revenue", FV_MONEY, 0, 0, MONEY_MAX_WHOLE, NULL},
    [E_EXPORTS] = {"exports", FV_MONEY, 0, 0, MONEY_MAX_WHOLE, NULL},
    [E_RND] = {"rnd", FV_MONEY, 0, 0, MONEY_MAX_WHOLE, NULL},
    [E_CURRENCY] = {"currency", FV_ENUM, FORM_REQUIRED, 0, 0, currency_codes},
    [E_SOURCE] = {"source", FV_ENUM, FORM_REQUIRED, 0, 0, source_codes},
};

/* What the entry form shows: the values as typed and their errors. */
typedef struct entry_view {
    const char *text[E__COUNT];
    const web_errs *errs;
} entry_view;

/* Minor units as the form shows them back: "1234567.89" (no grouping, so
 * the validator reads it again unchanged); NULL for "not given". */
static const char *plain_money(req *r, int64_t minor)
{
    if (minor < 0)
        return NULL;
    return arena_printf(r->a, "%lld.%02lld", (long long)(minor / 100), (long long)(minor % 100));
}

/* "117.4593" / "117,4593": an exchange rate stored times 10^4. */
static void fmt_rate(buf *out, lang_id lang, int64_t rate_e4)
{
    i18n_fmt_int(out, lang, rate_e4 / 10000);
    buf_printf(out, "%c%04lld", lang == LANG_EN ? '.' : ',', (long long)(rate_e4 % 10000));
}

static void money_cell(buf *o, lang_id lang, int64_t cents)
{
    if (cents < 0) {
        html_fmt(o, "<td class=\"num empty\"><span class=\"visually-hidden\">%s</span>—</td>",
                 T(lang, MSG_TABLE_NO_VALUE));
        return;
    }
    buf v = BUF_INIT;
    i18n_fmt_money(&v, lang, cents, "EUR", true);
    html_fmt(o, "<td class=\"num\">%s</td>", buf_str(&v));
    buf_free(&v);
}

/* The figures of one organisation by year, with the secretariat's verify
 * buttons. */
static void figures_table(req *r, const org_rec *org, const figure_rec *rows, size_t n,
                          bool can_verify)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    if (n == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_FIG_ORG_NONE));
        return;
    }
    html_fmt(o,
             "<div class=\"table-wrap\"><table class=\"data fig-org\"><caption "
             "class=\"visually-hidden\">%s</caption><thead><tr>"
             "<th scope=\"col\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
             "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
             "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\">%s</th>"
             "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">"
             "<span class=\"visually-hidden\">%s</span></th></tr></thead><tbody>\n",
             T(L, MSG_FIG_ORG_TABLE), T(L, MSG_FIG_COL_YEAR), T(L, MSG_FIG_EMPLOYEES),
             T(L, MSG_FIG_COL_REVENUE), T(L, MSG_FIG_COL_EXPORTS), T(L, MSG_FIG_COL_RND),
             T(L, MSG_FIG_COL_ENTERED_AS), T(L, MSG_FIG_COL_SOURCE), T(L, MSG_FIG_COL_VERIFIED),
             T(L, MSG_FIG_COL_ACTIONS));
    for (size_t i = 0; i < n; i++) {
        const figure_rec *x = &rows[i];
        html_fmt(o, "<tr id=\"fig-%d\"><th scope=\"row\">%d", x->year, x->year);
        if (x->is_demo)
            html_fmt(o, " <span class=\"badge badge-demo\" title=\"%s\">%s</span>",
                     T(L, MSG_FIG_DEMO_TITLE), T(L, MSG_DIR_DEMO));
        html_raw(o, "</th>");
        if (x->employees >= 0) {
            buf v = BUF_INIT;
            i18n_fmt_int(&v, L, x->employees);
            html_fmt(o, "<td class=\"num\">%s</td>", buf_str(&v));
            buf_free(&v);
        } else {
            money_cell(o, L, -1);
        }
        money_cell(o, L, x->revenue_eur);
        money_cell(o, L, x->exports_eur);
        money_cell(o, L, x->rnd_eur);
        if (x->rate_e4 > 0) {
            buf v = BUF_INIT;
            fmt_rate(&v, L, x->rate_e4);
            buf t = BUF_INIT;
            buf_printf(&t, T(L, MSG_FIG_ENTERED_RSD), buf_str(&v));
            html_fmt(o, "<td>%s</td>", buf_str(&t));
            buf_free(&v);
            buf_free(&t);
        } else {
            html_raw(o, "<td>EUR</td>");
        }
        html_fmt(o, "<td>%s</td>", wf_source_label(L, x->source));
        if (x->verified_at > 0) {
            buf d = BUF_INIT;
            i18n_fmt_date(&d, L, x->verified_at);
            html_fmt(o, "<td><span class=\"status status-active\">%s</span> %s</td>",
                     T(L, MSG_FIG_VERIFIED_YES), buf_str(&d));
            buf_free(&d);
        } else {
            html_fmt(o, "<td><span class=\"status status-erased\">%s</span></td>",
                     T(L, MSG_FIG_VERIFIED_NO));
        }
        html_fmt(o, "<td class=\"actions\"><a href=\"/orgs/%q/figures?year=%d#entry\">%s</a>",
                 org->slug, x->year, T(L, MSG_EDIT));
        if (can_verify) {
            bool on = x->verified_at > 0;
            html_fmt(o,
                     "<form method=\"post\" action=\"/figures/%D/verify\" class=\"inline-form\">",
                     (long long)x->id);
            layout_csrf_field(r);
            html_fmt(o,
                     "<input type=\"hidden\" name=\"verified\" value=\"%s\"><input type=\"hidden\" "
                     "name=\"back\" value=\"%s\"><button type=\"submit\" class=\"button-small%R\">"
                     "%s</button></form>",
                     on ? "0" : "1", org->slug, on ? " button-secondary" : "",
                     T(L, on ? MSG_FIG_UNVERIFY : MSG_FIG_VERIFY));
        }
        html_raw(o, "</td></tr>\n");
    }
    html_raw(o, "</tbody></table></div>\n");
}

/* A select of codes with catalog labels; value chosen. */
static void entry_select(req *r, const entry_view *v, int idx, msg_id label,
                         const char *const *codes, const char *(*label_of)(lang_id, const char *))
{
    buf *o = &r->out;
    lang_id L = r->lang;
    const char *name = entry_rules[idx].name;
    const char *err = web_errs_get(v->errs, name);
    html_fmt(o, "<div class=\"field%R\"><label for=\"fe-%s\">%s</label>",
             err ? " field-invalid" : "", name, T(L, label));
    if (err)
        html_fmt(o,
                 "<p class=\"field-error\" id=\"fe-%s-error\"><span class=\"visually-hidden\">%s "
                 "</span>%s</p>",
                 name, T(L, MSG_FORM_ERROR_PREFIX), err);
    html_fmt(o, "<select id=\"fe-%s\" name=\"%s\"", name, name);
    if (err)
        html_fmt(o, " aria-describedby=\"fe-%s-error\" aria-invalid=\"true\"", name);
    html_raw(o, ">");
    for (size_t i = 0; codes[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", codes[i],
                 v->text[idx] && strcmp(v->text[idx], codes[i]) == 0 ? " selected" : "",
                 label_of ? label_of(L, codes[i]) : codes[i]);
    html_raw(o, "</select></div>\n");
}

static const char *currency_label(lang_id lang, const char *code)
{
    (void)lang;
    return code;
}

static void entry_input(req *r, const entry_view *v, int idx, msg_id label, msg_id hint,
                        const char *type, bool required)
{
    const char *name = entry_rules[idx].name;
    web_field(r, &(web_input){.id = arena_printf(r->a, "fe-%s", name),
                              .name = name,
                              .type = type,
                              .label = T(r->lang, label),
                              .value = v->text[idx],
                              .hint = hint ? T(r->lang, hint) : NULL,
                              .error = web_errs_get(v->errs, name),
                              .required = required,
                              .autocomplete = "off"});
}

static void org_figures_page(req *r, const org_rec *org, const entry_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    figure_rec *rows = NULL;
    size_t n = 0;
    db_status st = figures_of_org(r->db, r->a, org->id, &rows, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "figures_of_org");
        return;
    }
    const char *name = web_org_name(r, org);
    const char *title = arena_printf(r->a, T(L, MSG_FIG_ORG_TITLE), name);
    page_meta m = {.title = title, .nav = "orgs"};
    layout_begin(r, &m);
    html_fmt(o,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/orgs\">%s</a></li>"
             "<li><a href=\"/orgs/%q\">%s</a></li><li aria-current=\"page\">%s</li></ol></nav>\n",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_NAV_DIRECTORY), org->slug, name,
             T(L, MSG_FIG_ORG_CRUMB));
    html_fmt(o, "<div class=\"page-head\"><div><h1>%s</h1><p class=\"lead\">%s</p></div>", title,
             T(L, MSG_FIG_ORG_LEAD));
    if (wf_is_cluster_kind(org->kind))
        html_fmt(o, "<a class=\"button button-secondary\" href=\"/orgs/%q/figures/import\">%s</a>",
                 org->slug, T(L, MSG_FIG_IMPORT_LINK));
    html_raw(o, "</div>\n");
    const char *verified = req_query(r, "verified");
    if (!v->errs && verified) {
        web_notice(
            r, T(L, strcmp(verified, "1") == 0 ? MSG_FIG_VERIFIED_DONE : MSG_FIG_UNVERIFIED_DONE));
    }
    bool any_demo = false;
    for (size_t i = 0; i < n; i++)
        any_demo |= rows[i].is_demo;
    if (any_demo)
        wf_demo_notice(r);
    html_fmt(o, "<section aria-labelledby=\"by-year\"><h2 id=\"by-year\">%s</h2>\n",
             T(L, MSG_FIG_ORG_TABLE));
    figures_table(r, org, rows, n, rights_can(r->db, r->user, RIGHT_FIGURES_VERIFY, 0));
    html_raw(o, "</section>\n");

    html_fmt(o,
             "<section class=\"panel fig-entry\" id=\"entry\" aria-labelledby=\"entry-title\">"
             "<h2 id=\"entry-title\">%s</h2><p class=\"section-intro\">%s</p>\n",
             T(L, MSG_FIG_ENTRY_TITLE), T(L, MSG_FIG_ENTRY_INTRO));
    web_error_summary(r, v->errs);
    html_fmt(o, "<form class=\"form\" method=\"post\" action=\"/orgs/%q/figures\" novalidate>",
             org->slug);
    layout_csrf_field(r);
    html_raw(o, "<div class=\"form-grid\">");
    entry_input(r, v, E_YEAR, MSG_FIG_YEAR, MSG_FIG_H_YEAR, "number", true);
    entry_input(r, v, E_EMPLOYEES, MSG_FIG_EMPLOYEES, MSG_FIG_H_EMPLOYEES, "text", false);
    entry_select(r, v, E_CURRENCY, MSG_FIG_CURRENCY, currency_codes, currency_label);
    entry_select(r, v, E_SOURCE, MSG_FIG_COL_SOURCE, source_codes, wf_source_label);
    entry_input(r, v, E_REVENUE, MSG_FIG_COL_REVENUE, MSG_FIG_H_MONEY, "text", false);
    entry_input(r, v, E_EXPORTS, MSG_FIG_COL_EXPORTS, MSG_FIG_H_EXPORTS, "text", false);
    entry_input(r, v, E_RND, MSG_FIG_COL_RND, MSG_FIG_H_RND, "text", false);
    html_fmt(o,
             "</div><div class=\"form-actions\"><button type=\"submit\">%s</button>"
             "<a href=\"/orgs/%q\">%s</a></div></form></section>\n",
             T(L, MSG_FIG_SAVE_YEAR), org->slug, T(L, MSG_CANCEL));
    layout_end(r);
}

void web_org_figures(req *r)
{
    org_rec org;
    if (!wf_load_for_figures(r, &org))
        return;
    entry_view v = {0};
    v.text[E_CURRENCY] = "EUR";
    v.text[E_SOURCE] = "self_reported";
    v.text[E_YEAR] = arena_printf(r->a, "%d", wf_this_year() - 1);
    /* ?year=Y loads that year's row into the form for correction */
    const char *yq = req_query(r, "year");
    int64_t y;
    if (yq && str_to_i64(yq, &y) && y >= FIG_YEAR_FIRST && y <= FIG_YEAR_LAST) {
        v.text[E_YEAR] = arena_printf(r->a, "%lld", (long long)y);
        figure_rec *rows = NULL;
        size_t n = 0;
        db_status st = figures_of_org(r->db, r->a, org.id, &rows, &n);
        if (st != DB_OK) {
            resp_fail(r, st, "figures_of_org");
            return;
        }
        for (size_t i = 0; i < n; i++) {
            if (rows[i].year != (int)y)
                continue;
            const figure_rec *x = &rows[i];
            bool rsd = x->rate_e4 > 0;
            if (x->employees >= 0)
                v.text[E_EMPLOYEES] = arena_printf(r->a, "%lld", (long long)x->employees);
            v.text[E_REVENUE] = plain_money(r, rsd ? x->revenue_rsd : x->revenue_eur);
            v.text[E_EXPORTS] = plain_money(r, rsd ? x->exports_rsd : x->exports_eur);
            v.text[E_RND] = plain_money(r, rsd ? x->rnd_rsd : x->rnd_eur);
            v.text[E_CURRENCY] = rsd ? "RSD" : "EUR";
            v.text[E_SOURCE] = x->source;
        }
    }
    org_figures_page(r, &org, &v);
}

void web_org_figures_save(req *r)
{
    org_rec org;
    if (!wf_load_for_figures(r, &org))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    form_value val[E__COUNT];
    form_errors fe = {0};
    form_validate(r->a, &f, entry_rules, E__COUNT, val, &fe);
    web_errs e = {0};
    web_errs_from_form(r, &fe, &e);
    entry_view v = {.errs = &e};
    for (int i = 0; i < E__COUNT; i++)
        v.text[i] = val[i].text;
    /* a manager's right over a member holds from its accepted membership on */
    if (e.n == 0 &&
        !rights_can_year(r->db, r->user, RIGHT_FIGURES_EDIT, org.id, (int)val[E_YEAR].i))
        web_errs_add(&e, "year", T(r->lang, MSG_FIG_YEAR_NOT_YOURS));
    if (e.n == 0) {
        int64_t amount[3];
        for (int i = 0; i < 3; i++)
            amount[i] = val[E_REVENUE + i].present ? val[E_REVENUE + i].i : -1;
        form_errors me = {0};
        db_status st = figures_put(r->db, org.id, (int)val[E_YEAR].i, val[E_CURRENCY].text,
                                   val[E_EMPLOYEES].present ? val[E_EMPLOYEES].i : -1, amount[0],
                                   amount[1], amount[2], val[E_SOURCE].text, false,
                                   r->user->person_id, r->client_ip, &me);
        if (st == DB_CONSTRAINT && me.n_items) {
            web_errs_from_form(r, &me, &e);
        } else if (st == DB_DONE) {
            resp_error(r, 404, T(r->lang, MSG_DIR_NOT_FOUND));
            return;
        } else if (st != DB_OK) {
            resp_fail(r, st, "figures_put");
            return;
        } else {
            /* no #fig-YEAR: the confirmation at the top must be in view */
            web_notice_next(r, NOTICE_FIGURES_SAVED, val[E_YEAR].i);
            resp_redirect(r, arena_printf(r->a, "/orgs/%s/figures", org.slug));
            return;
        }
    }
    r->status = 422;
    org_figures_page(r, &org, &v);
}
