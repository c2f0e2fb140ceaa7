/* web_verify.c: the secretariat's verification queue.
 *
 *   GET  /figures/verify    unverified figure rows of the whole platform,
 *                           filtered by cluster, year and source, each with
 *                           a checkbox
 *   POST /figures/verify    verify the ticked rows (or every row shown) in
 *                           one transaction, an audit row per figure row
 *
 * Works without JavaScript: the filters are a GET form, the selection is
 * checkboxes and one POST with the CSRF token; "Verify all shown" sends the
 * ids of the listed rows as hidden fields. Rights: RIGHT_FIGURES_VERIFY
 * (the secretariat); the model is model/verify.h, the single-row button
 * stays on an organisation's figures page (web_figures.c). */
#include <stdio.h>
#include <string.h>

#include "core/strutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "http/form.h"
#include "model/rights.h"
#include "model/verify.h"
#include "web/notice.h"
#include "web/web.h"
#include "web/web_figures.h"
#include "web/web_org.h"

/* the years org_figure accepts (its CHECK) */
enum { VQ_YEAR_FIRST = 1990, VQ_YEAR_LAST = 2100 };

static const char *const source_codes[] = {"self_reported", "business_register", "estimate", NULL};

/* The filters as read from the query (GET) or the form (POST); unknown or
 * malformed values filter nothing (the select shows "all"). */
typedef struct queue_view {
    verify_filter f;
    const char *cluster_slug; /* as given, when it named a cluster */
    verify_cluster *clusters;
    size_t n_clusters;
    const char *error; /* the POST's refusal, shown above the table */
} queue_view;

static void read_filters(queue_view *v, const char *cluster, const char *year, const char *source)
{
    int64_t y = 0;
    if (year && str_to_i64(year, &y) && y >= VQ_YEAR_FIRST && y <= VQ_YEAR_LAST)
        v->f.year = (int)y;
    for (size_t i = 0; source && source_codes[i]; i++)
        if (strcmp(source, source_codes[i]) == 0)
            v->f.source = source_codes[i];
    for (size_t i = 0; cluster && i < v->n_clusters; i++)
        if (strcmp(cluster, v->clusters[i].slug) == 0) {
            v->f.cluster_id = v->clusters[i].id;
            v->cluster_slug = v->clusters[i].slug;
        }
}

/* The query string of the filters ("" when none), for links back. */
static const char *filter_query(req *r, const queue_view *v)
{
    buf q = BUF_INIT;
    if (v->cluster_slug) {
        buf_puts(&q, "&cluster=");
        html_urlencode(&q, v->cluster_slug);
    }
    if (v->f.year)
        buf_printf(&q, "&year=%d", v->f.year);
    if (v->f.source)
        buf_printf(&q, "&source=%s", v->f.source);
    const char *s = q.len ? arena_printf(r->a, "?%s", buf_str(&q) + 1) : "";
    buf_free(&q);
    return s;
}

static void money(buf *o, lang_id L, int64_t cents)
{
    if (cents < 0) {
        html_fmt(o, "<td class=\"num empty\"><span class=\"visually-hidden\">%s</span>—</td>",
                 T(L, MSG_TABLE_NO_VALUE));
        return;
    }
    buf v = BUF_INIT;
    i18n_fmt_money(&v, L, cents, "EUR", true);
    html_fmt(o, "<td class=\"num\">%s</td>", buf_str(&v));
    buf_free(&v);
}

static void filters_form(req *r, const queue_view *v, const int *years, size_t n_years)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o,
             "<form class=\"fig-controls vq-filters\" method=\"get\" action=\"/figures/verify\">"
             "<div class=\"field\"><label for=\"vq-cluster\">%s</label>"
             "<select id=\"vq-cluster\" name=\"cluster\"><option value=\"\">%s</option>",
             T(L, MSG_VQ_CLUSTER), T(L, MSG_VQ_ALL));
    for (size_t i = 0; i < v->n_clusters; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", v->clusters[i].slug,
                 v->f.cluster_id == v->clusters[i].id ? " selected" : "",
                 web_org_text(r, v->clusters[i].name, v->clusters[i].name_en));
    html_fmt(o,
             "</select></div><div class=\"field\"><label for=\"vq-year\">%s</label>"
             "<select id=\"vq-year\" name=\"year\"><option value=\"\">%s</option>",
             T(L, MSG_FIG_YEAR), T(L, MSG_VQ_ALL));
    for (size_t i = 0; i < n_years; i++)
        html_fmt(o, "<option value=\"%d\"%R>%d</option>", years[i],
                 v->f.year == years[i] ? " selected" : "", years[i]);
    html_fmt(o,
             "</select></div><div class=\"field\"><label for=\"vq-source\">%s</label>"
             "<select id=\"vq-source\" name=\"source\"><option value=\"\">%s</option>",
             T(L, MSG_FIG_COL_SOURCE), T(L, MSG_VQ_ALL));
    for (size_t i = 0; source_codes[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", source_codes[i],
                 v->f.source == source_codes[i] ? " selected" : "",
                 wf_source_label(L, source_codes[i]));
    html_fmt(o,
             "</select></div><div class=\"fig-controls-go\"><button type=\"submit\">%s</button>"
             "</div></form>\n",
             T(L, MSG_FIG_SHOW));
}

static const char *row_name(const void *item)
{
    return ((const verify_row *)item)->org_name;
}

/* The rows come newest year first: within each year, by the names the
 * reader sees in the reader's alphabet (the shown name replaces the
 * stored pair). False when memory ran out. */
static bool rows_by_name(req *r, verify_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rows[i].org_name = web_org_text(r, rows[i].org_name, rows[i].org_name_en);
        rows[i].org_name_en = NULL;
    }
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && rows[j].year == rows[i].year; j++)
            ;
        if (!web_sort_by_name(r, rows + i, j - i, sizeof *rows, row_name))
            return false;
    }
    return true;
}

static void queue_page(req *r, queue_view *v)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    verify_row *rows;
    size_t n;
    int64_t total;
    int *years;
    size_t n_years;
    db_status st = verify_queue(r->db, r->a, &v->f, &rows, &n, &total);
    if (st == DB_OK)
        st = verify_queue_years(r->db, r->a, &years, &n_years);
    if (st == DB_OK && !rows_by_name(r, rows, n))
        st = DB_NOMEM;
    if (st != DB_OK) {
        resp_fail(r, st, "verify_queue");
        return;
    }
    const char *title = T(L, MSG_VQ_TITLE);
    wf_page_begin(r, title, T(L, MSG_VQ_LEAD));
    web_alert(r, v->error);
    filters_form(r, v, years, n_years);

    if (n == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_VQ_EMPTY));
        layout_end(r);
        return;
    }
    buf cnt = BUF_INIT;
    if ((int64_t)n < total)
        buf_printf(&cnt, T(L, MSG_VQ_SHOWN_OF), (long long)n, (long long)total);
    else
        buf_printf(&cnt, T(L, MSG_VQ_SHOWN), (long long)n);
    html_fmt(o, "<p class=\"vq-count\">%s</p>\n", buf_str(&cnt));
    buf_free(&cnt);
    html_raw(o, "<form method=\"post\" action=\"/figures/verify\" class=\"vq-form\">");
    layout_csrf_field(r);
    if (v->cluster_slug)
        html_fmt(o, "<input type=\"hidden\" name=\"cluster\" value=\"%s\">", v->cluster_slug);
    if (v->f.year)
        html_fmt(o, "<input type=\"hidden\" name=\"year\" value=\"%d\">", v->f.year);
    if (v->f.source)
        html_fmt(o, "<input type=\"hidden\" name=\"source\" value=\"%s\">", v->f.source);
    for (size_t i = 0; i < n; i++)
        html_fmt(o, "<input type=\"hidden\" name=\"all_id\" value=\"%D\">", (long long)rows[i].id);
    html_fmt(o,
             "<div class=\"table-wrap\"><table class=\"data vq-table\"><caption>%s</caption>"
             "<thead><tr><th scope=\"col\"><span class=\"visually-hidden\">%s</span></th>"
             "<th scope=\"col\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
             "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
             "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\">%s</th>"
             "<th scope=\"col\">%s</th></tr></thead><tbody>\n",
             title, T(L, MSG_VQ_SELECT), T(L, MSG_VQ_COL_ORG), T(L, MSG_FIG_COL_YEAR),
             T(L, MSG_FIG_EMPLOYEES), T(L, MSG_FIG_COL_REVENUE), T(L, MSG_FIG_COL_EXPORTS),
             T(L, MSG_FIG_COL_SOURCE), T(L, MSG_VQ_COL_ENTERED));
    for (size_t i = 0; i < n; i++) {
        const verify_row *x = &rows[i];
        const char *name = web_org_text(r, x->org_name, x->org_name_en);
        html_fmt(o,
                 "<tr><td><input type=\"checkbox\" name=\"id\" value=\"%D\" id=\"vq-%D\">"
                 "<label class=\"visually-hidden\" for=\"vq-%D\">%s %d</label></td>"
                 "<th scope=\"row\"><a href=\"/orgs/%q/figures#fig-%d\">%s</a>",
                 (long long)x->id, (long long)x->id, (long long)x->id, name, x->year, x->org_slug,
                 x->year, name);
        if (x->is_demo)
            html_fmt(o, " <span class=\"badge badge-demo\">%s</span>", T(L, MSG_DIR_DEMO));
        html_fmt(o, "</th><td class=\"num\">%d</td>", x->year);
        if (x->employees >= 0) {
            buf b = BUF_INIT;
            i18n_fmt_int(&b, L, x->employees);
            html_fmt(o, "<td class=\"num\">%s</td>", buf_str(&b));
            buf_free(&b);
        } else {
            money(o, L, -1);
        }
        money(o, L, x->revenue_eur);
        money(o, L, x->exports_eur);
        html_fmt(o, "<td>%s</td><td>", wf_source_label(L, x->source));
        if (x->entered_by)
            html_fmt(o, "%s, ", x->entered_by);
        buf d = BUF_INIT;
        i18n_fmt_date(&d, L, x->entered_at);
        html_fmt(o, "%s</td></tr>\n", buf_str(&d));
        buf_free(&d);
    }
    html_fmt(o,
             "</tbody></table></div><div class=\"form-actions\">"
             "<button type=\"submit\" name=\"scope\" value=\"selected\">%s</button>"
             "<button type=\"submit\" name=\"scope\" value=\"all\" class=\"button-secondary\">"
             "%s</button></div></form>\n",
             T(L, MSG_VQ_VERIFY_SELECTED), T(L, MSG_VQ_VERIFY_ALL));
    layout_end(r);
}

static const char *cluster_name(const void *item)
{
    return ((const verify_cluster *)item)->name;
}

static bool load_view(req *r, queue_view *v, const char *cluster, const char *year,
                      const char *source)
{
    db_status st = verify_clusters(r->db, r->a, &v->clusters, &v->n_clusters);
    /* the filter in the reader's alphabet, by the names the reader sees */
    for (size_t i = 0; st == DB_OK && i < v->n_clusters; i++) {
        v->clusters[i].name = web_org_text(r, v->clusters[i].name, v->clusters[i].name_en);
        v->clusters[i].name_en = NULL;
    }
    if (st == DB_OK &&
        !web_sort_by_name(r, v->clusters, v->n_clusters, sizeof *v->clusters, cluster_name))
        st = DB_NOMEM;
    if (st != DB_OK) {
        resp_fail(r, st, "verify_clusters");
        return false;
    }
    read_filters(v, cluster, year, source);
    return true;
}

void web_figures_verify_queue(req *r)
{
    if (!rights_can(r->db, r->user, RIGHT_FIGURES_VERIFY, 0)) {
        resp_error(r, 403, T(r->lang, MSG_FIG_VERIFY_FORBIDDEN));
        return;
    }
    queue_view v = {0};
    if (!load_view(r, &v, req_query(r, "cluster"), req_query(r, "year"), req_query(r, "source")))
        return;
    queue_page(r, &v);
}

void web_figures_verify_many(req *r)
{
    lang_id L = r->lang;
    if (!rights_can(r->db, r->user, RIGHT_FIGURES_VERIFY, 0)) {
        resp_error(r, 403, T(L, MSG_FIG_VERIFY_FORBIDDEN));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    queue_view v = {0};
    if (!load_view(r, &v, form_get(&f, "cluster"), form_get(&f, "year"), form_get(&f, "source")))
        return;
    const char *scope = form_get(&f, "scope");
    bool all = scope && strcmp(scope, "all") == 0;
    const form_rule rule = {all ? "all_id" : "id", FV_INT, FORM_MULTI, 1, INT64_MAX, NULL};
    form_value val;
    form_errors fe = {0};
    if (!form_validate(r->a, &f, &rule, 1, &val, &fe)) {
        resp_error(r, 400, T(L, MSG_VQ_BAD_ID));
        return;
    }
    if (val.n_list == 0 || val.n_list > VERIFY_MAX_IDS) {
        v.error = val.n_list == 0 ? T(L, MSG_VQ_NONE_SELECTED)
                                  : arena_printf(r->a, T(L, MSG_VQ_TOO_MANY), VERIFY_MAX_IDS);
        r->status = 422;
        queue_page(r, &v);
        return;
    }
    int64_t *ids = arena_alloc(r->a, val.n_list * sizeof *ids);
    if (!ids) {
        resp_fail(r, DB_NOMEM, "verify ids");
        return;
    }
    for (size_t i = 0; i < val.n_list; i++)
        str_to_i64(val.list[i], &ids[i]); /* validated above */
    size_t done = 0, already = 0;
    db_status st =
        verify_figures(r->db, ids, val.n_list, r->user->person_id, r->client_ip, &done, &already);
    if (st == DB_DONE) {
        v.error = T(L, MSG_VQ_GONE);
        r->status = 422;
        queue_page(r, &v);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "verify_figures");
        return;
    }
    web_notice_next(r, NOTICE_VERIFIED_N, (int64_t)done);
    resp_redirect(r, arena_printf(r->a, "/figures/verify%s", filter_query(r, &v)));
}
