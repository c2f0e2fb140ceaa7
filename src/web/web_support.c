/* web_support.c: the support log (issue 15), the secretariat's page.
 *
 *   GET  /admin/support?year=Y   the year's report per cluster (counts per
 *                                kind, with ?format=csv|xlsx through
 *                                table.c), its entries, the form
 *   POST /admin/support          add an entry
 *
 * Administrators only (RF_ADMIN, like every /admin/ page). The mentoring
 * meetings of the year count as support on the mentee's line. */
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/mentoring.h"
#include "model/support.h"
#include "web/table.h"
#include "web/web.h"
#include "web/web_admin.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"

static const char *kind_label(lang_id L, const char *kind)
{
    static const struct {
        const char *code;
        msg_id label;
    } kinds[] = {
        {"consultation", MSG_SU_KIND_CONSULTATION}, {"training", MSG_SU_KIND_TRAINING},
        {"introduction", MSG_SU_KIND_INTRODUCTION}, {"other", MSG_SU_KIND_OTHER},
        {"mentoring", MSG_SU_KIND_MENTORING},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kind && strcmp(kind, kinds[i].code) == 0)
            return T(L, kinds[i].label);
    return kind ? kind : "";
}

/* The report as a table: one line per cluster, a column per kind. */
static table *report_table(req *r, int year, const support_count *c, size_t n)
{
    lang_id L = r->lang;
    const table_col cols[] = {
        {.label = T(L, MSG_SU_COL_CLUSTER), .kind = TABLE_LINK},
        {.label = T(L, MSG_SU_KIND_CONSULTATION), .kind = TABLE_INT},
        {.label = T(L, MSG_SU_KIND_TRAINING), .kind = TABLE_INT},
        {.label = T(L, MSG_SU_KIND_INTRODUCTION), .kind = TABLE_INT},
        {.label = T(L, MSG_SU_KIND_OTHER), .kind = TABLE_INT},
        {.label = T(L, MSG_SU_KIND_MENTORING), .kind = TABLE_INT},
        {.label = T(L, MSG_SU_COL_TOTAL), .kind = TABLE_INT},
    };
    table *t = table_new(r->a, arena_printf(r->a, T(L, MSG_SU_REPORT_TITLE), year), cols,
                         sizeof cols / sizeof cols[0]);
    if (!t)
        return NULL;
    t->id = "support-report";
    for (size_t i = 0; i < n; i++) {
        size_t row = table_add_row(t);
        table_set_link(t, row, 0, web_org_text(r, c[i].org_name, c[i].org_name_en),
                       arena_printf(r->a, "/orgs/%s", c[i].slug));
        for (int k = 0; k < 5; k++)
            table_set_int(t, row, 1 + (size_t)k, c[i].n[k]);
        table_set_int(t, row, 6, c[i].total);
    }
    return t->failed ? NULL : t;
}

typedef struct support_view {
    const form *typed;
    const web_errs *errs;
} support_view;

static void support_page(req *r, int year, const support_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    support_count *c = NULL;
    support_entry *e = NULL;
    mentoring_side *a = NULL, *b = NULL;
    size_t n_c = 0, n_e = 0, n_a = 0, n_b = 0;
    db_status st = support_report(r->db, r->a, year, &c, &n_c);
    if (st == DB_OK)
        st = support_list(r->db, r->a, year, &e, &n_e);
    if (st == DB_OK)
        st = mentoring_candidates(r->db, r->a, false, &a, &n_a);
    if (st == DB_OK)
        st = mentoring_candidates(r->db, r->a, true, &b, &n_b);
    if (st != DB_OK) {
        resp_fail(r, st, "support_report");
        return;
    }
    table *t = report_table(r, year, c, n_c);
    if (!t) {
        resp_fail(r, DB_NOMEM, "support table");
        return;
    }
    if (!v && table_respond(r, t, arena_printf(r->a, "support-%d", year)))
        return;
    page_meta pm = {.title = T(L, MSG_SU_TITLE), .nav = "admin"};
    layout_begin(r, &pm);
    web_admin_nav(r, "support");
    html_fmt(o, "<h1>%s</h1><p class=\"lead\">%s</p>", T(L, MSG_SU_TITLE), T(L, MSG_SU_LEAD));
    if (!v && req_query(r, "saved"))
        web_notice(r, T(L, MSG_SU_SAVED));
    html_fmt(o,
             "<form class=\"filters\" method=\"get\" action=\"/admin/support\"><label "
             "for=\"su-year\">%s</label> <input id=\"su-year\" name=\"year\" type=\"number\" "
             "value=\"%d\" min=\"1990\" max=\"%d\"> <button type=\"submit\" "
             "class=\"button-secondary\">%s</button></form>",
             T(L, MSG_DP_L_YEAR), year, time_year() + 1, T(L, MSG_SU_SHOW));

    html_fmt(o, "<section class=\"panel\" aria-labelledby=\"su-rep\"><h2 id=\"su-rep\">%s</h2>",
             arena_printf(r->a, T(L, MSG_SU_REPORT_TITLE), year));
    if (n_c == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_SU_NONE));
    else {
        table_html(o, L, t);
        table_download_links(o, L, arena_printf(r->a, "/admin/support?year=%d", year),
                             T(L, MSG_SU_TITLE));
    }
    html_raw(o, "</section>");

    html_fmt(
        o,
        "<section class=\"panel\" id=\"add\" aria-labelledby=\"su-add\"><h2 id=\"su-add\">%s</h2>",
        T(L, MSG_SU_ADD));
    web_error_summary(r, v ? v->errs : NULL);
    html_raw(o, "<form class=\"form\" method=\"post\" action=\"/admin/support\" novalidate>");
    layout_csrf_field(r);
    const web_errs *errs = v ? v->errs : NULL;
    const char *org = v ? form_get(v->typed, "org") : NULL;
    const char *err = web_errs_get(errs, "org");
    html_fmt(o, "<div class=\"field%R\"><label for=\"su-org\">%s</label>",
             err ? " field-invalid" : "", T(L, MSG_SU_COL_CLUSTER));
    if (err)
        html_fmt(o,
                 "<p class=\"field-error\" id=\"su-org-error\"><span class=\"visually-hidden\">%s "
                 "</span>%s</p>",
                 T(L, MSG_FORM_ERROR_PREFIX), err);
    html_fmt(o, "<select id=\"su-org\" name=\"org\" required%R><option value=\"\">%s</option>",
             err ? " aria-describedby=\"su-org-error\" aria-invalid=\"true\"" : "",
             T(L, MSG_MT_CHOOSE));
    for (int side = 0; side < 2; side++) {
        const mentoring_side *s = side ? b : a;
        for (size_t i = 0, n = side ? n_b : n_a; i < n; i++)
            html_fmt(o, "<option value=\"%s\"%R>%s</option>", s[i].slug,
                     org && strcmp(org, s[i].slug) == 0 ? " selected" : "",
                     web_org_text(r, s[i].name, s[i].name_en));
    }
    html_raw(o, "</select></div>");
    char today[11];
    wf_today(today);
    const char *given = v ? form_get(v->typed, "given_on") : today;
    wc_date_field(r, "su-date", "given_on", T(L, MSG_SU_COL_DATE), NULL, given ? given : "",
                  web_errs_get(errs, "given_on"), true);
    static const char *const kinds[] = {"consultation", "training", "introduction", "other", NULL};
    const char *kind = v ? form_get(v->typed, "kind") : NULL;
    wc_code_select(r, "su-kind", "kind", T(L, MSG_SU_COL_KIND), kinds, kind_label,
                   kind ? kind : "consultation", web_errs_get(errs, "kind"), false);
    wc_textarea(r, "su-note", "note", T(L, MSG_SU_COL_NOTE), NULL,
                v ? form_get(v->typed, "note") : NULL, web_errs_get(errs, "note"), 3);
    web_field(r, &(web_input){.id = "su-link",
                              .name = "link",
                              .type = "url",
                              .label = T(L, MSG_SU_COL_LINK),
                              .hint = T(L, MSG_SU_H_LINK),
                              .value = v ? form_get(v->typed, "link") : NULL,
                              .error = web_errs_get(errs, "link"),
                              .maxlength = SUPPORT_LINK_MAX});
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>"
             "</section>",
             T(L, MSG_SU_ADD));

    html_fmt(o, "<section class=\"panel\" aria-labelledby=\"su-list\"><h2 id=\"su-list\">%s</h2>",
             arena_printf(r->a, T(L, MSG_SU_ENTRIES), year));
    if (n_e == 0)
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_SU_NONE));
    else {
        html_fmt(o,
                 "<div class=\"table-wrap\"><table class=\"data\"><thead><tr>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th></tr></thead><tbody>",
                 T(L, MSG_SU_COL_DATE), T(L, MSG_SU_COL_CLUSTER), T(L, MSG_SU_COL_KIND),
                 T(L, MSG_SU_COL_NOTE));
        for (size_t i = 0; i < n_e; i++) {
            html_fmt(o, "<tr><td>%s</td><td><a href=\"/orgs/%q\">%s</a></td><td>%s</td><td>",
                     wf_ymd(r, e[i].given_on), e[i].slug,
                     web_org_text(r, e[i].org_name, e[i].org_name_en), kind_label(L, e[i].kind));
            if (strcmp(e[i].kind, "mentoring") == 0)
                html_fmt(
                    o, "<a href=\"%u\">%s</a>", e[i].link,
                    arena_printf(r->a, T(L, MSG_SU_MENTORED_BY), web_org_text(r, e[i].note, NULL)));
            else if (e[i].link)
                html_fmt(o, "%s <a href=\"%u\" rel=\"noopener\">%s</a>",
                         web_org_text(r, e[i].note, NULL), e[i].link, T(L, MSG_SU_COL_LINK));
            else
                html_fmt(o, "%s", web_org_text(r, e[i].note, NULL));
            html_raw(o, "</td></tr>");
        }
        html_raw(o, "</tbody></table></div>");
    }
    html_raw(o, "</section>\n");
    layout_end(r);
}

/* ?year=, this year when absent; false (400 written) when not a year. */
static bool read_year(req *r, int *year)
{
    const char *s = req_query(r, "year");
    *year = time_year();
    if (!s || !*s)
        return true;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (*end || v < 1990 || v > time_year() + 1) {
        resp_error(r, 400, T(r->lang, MSG_SU_E_YEAR));
        return false;
    }
    *year = (int)v;
    return true;
}

void web_support_page(req *r)
{
    int year;
    if (read_year(r, &year))
        support_page(r, year, NULL);
}

void web_support_add(req *r)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    form_errors fe = {0};
    const char *date = form_get(&f, "given_on");
    db_status st =
        support_add(r->db, form_get(&f, "org"), date, form_get(&f, "kind"), form_get(&f, "note"),
                    form_get(&f, "link"), r->user->person_id, r->client_ip, &fe);
    if (st == DB_OK) {
        resp_redirect(r, arena_printf(r->a, "/admin/support?year=%.4s&saved=1", date));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "support_add");
        return;
    }
    web_errs e = {0};
    for (size_t i = 0; i < fe.n_items; i++)
        if (strcmp(fe.items[i].field, "org") == 0)
            web_errs_add(&e, "org", T(r->lang, MSG_SU_E_ORG));
    web_errs_from_form(r, &fe, &e);
    support_view v = {&f, &e};
    r->status = 422;
    support_page(r, time_year(), &v);
}
