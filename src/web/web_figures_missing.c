/* web_figures_missing.c: who has not reported, and the secretariat's
 * verification (moved out of web_figures.c, one page group per file).
 *
 *   GET  /figures/missing            who has not reported for a year
 *                                    (secretariat: all; managers: theirs)
 *   POST /figures/{id}/verify        the secretariat marks a row verified
 *
 * Shared helpers are in web_figures_common.c (web_figures.h). */
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

#define MISSING_SHOWN 500 /* members listed on /figures/missing; all in its download */

/* --- GET /figures/missing ------------------------------------------------------------ */

/* The clusters (of both cluster kinds, any status) the user manages, as a
 * NULL-terminated arena list of slugs; rights_can decides one by one. */
static db_status managed_clusters(req *r, const char ***slugs, size_t *n)
{
    static const char *const kinds[] = {"cluster", "cluster_initiative"};
    size_t cap = 16;
    *n = 0;
    *slugs = arena_alloc(r->a, cap * sizeof **slugs);
    if (!*slugs)
        return DB_NOMEM;
    for (size_t k = 0; k < 2; k++) {
        for (int page = 1; page <= 1000; page++) {
            org_query q = {.kind = kinds[k],
                           .status = "any",
                           .sort = ORG_SORT_NAME,
                           .page = page,
                           .per_page = 100};
            org_list_result res;
            memset(&res, 0, sizeof res);
            db_status st = org_list(r->db, r->a, &q, &res);
            if (st != DB_OK)
                return st;
            for (size_t i = 0; i < res.n_items; i++) {
                if (!rights_can(r->db, r->user, RIGHT_MEMBERS_EDIT, res.items[i].id))
                    continue;
                if (*n + 1 >= cap) {
                    const char **g = arena_alloc(r->a, 2 * cap * sizeof *g);
                    if (!g)
                        return DB_NOMEM;
                    memcpy(g, *slugs, *n * sizeof *g);
                    *slugs = g;
                    cap *= 2;
                }
                (*slugs)[(*n)++] = res.items[i].slug;
            }
            if (res.n_items < 100)
                break;
        }
    }
    (*slugs)[*n] = NULL;
    return DB_OK;
}

static bool in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (s && strcmp(*list, s) == 0)
            return true;
    return false;
}

void web_figures_missing(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    bool secretariat = rights_can(r->db, r->user, RIGHT_FIGURES_VERIFY, 0);
    const char **mine = NULL;
    size_t n_mine = 0;
    db_status st = DB_OK;
    if (!secretariat) {
        if ((st = managed_clusters(r, &mine, &n_mine)) != DB_OK) {
            resp_fail(r, st, "managed clusters");
            return;
        }
        if (n_mine == 0) {
            resp_error(r, 403, T(L, MSG_FIG_MISSING_FORBIDDEN));
            return;
        }
    }
    int year = wf_this_year() - 1;
    const char *yq = req_query(r, "year");
    if (!str_empty(yq)) {
        int64_t y;
        if (!str_to_i64(yq, &y) || y < FIG_YEAR_FIRST || y > FIG_YEAR_LAST) {
            resp_error(r, 400, T(L, MSG_FIG_BAD_YEAR));
            return;
        }
        year = (int)y;
    }
    figure_total *per = NULL;
    size_t n_per = 0;
    figure_missing *miss = NULL;
    size_t n_miss = 0;
    figure_query q = {.scope = FIG_SCOPE_SCAN, .group = FIG_GROUP_CLUSTER, .year = year};
    if ((st = figures_total(r->db, r->a, &q, &per, &n_per)) == DB_OK)
        st = figures_missing(r->db, r->a, year, &miss, &n_miss);
    if (st != DB_OK) {
        resp_fail(r, st, "figures missing");
        return;
    }
    if (!str_empty(req_query(r, "format"))) { /* the whole list as CSV or XLSX */
        const table_col cols[] = {{T(L, MSG_FIG_COL_CLUSTER), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
                                  {T(L, MSG_FIG_COL_MEMBER), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
                                  {T(L, MSG_FIG_COL_ADDRESS), TABLE_TEXT, TABLE_ALIGN_LEFT, false}};
        table *t = table_new(r->a, arena_printf(r->a, T(L, MSG_FIG_MISSING_TITLE), year), cols, 3);
        for (size_t i = 0; t && i < n_miss; i++) {
            if (!secretariat && !in_list(mine, miss[i].cluster_slug))
                continue;
            size_t row = table_add_row(t);
            table_set_text(t, row, 0, web_org_text(r, miss[i].cluster_name, NULL));
            table_set_text(t, row, 1, web_org_text(r, miss[i].org_name, NULL));
            table_set_text(t, row, 2, miss[i].org_slug);
        }
        if (!t || t->failed) {
            resp_fail(r, DB_NOMEM, "missing list table");
            return;
        }
        if (table_respond(r, t, arena_printf(r->a, "missing-figures-%d", year)))
            return;
    }
    const char *title = arena_printf(r->a, T(L, MSG_FIG_MISSING_TITLE), year);
    wf_page_begin(r, title,
                  T(L, secretariat ? MSG_FIG_MISSING_LEAD : MSG_FIG_MISSING_LEAD_MANAGER));
    html_fmt(o,
             "<form class=\"fig-controls\" method=\"get\" action=\"/figures/missing\">"
             "<div class=\"field\"><label for=\"miss-year\">%s</label><input id=\"miss-year\" "
             "name=\"year\" type=\"number\" min=\"%d\" max=\"%d\" value=\"%d\"></div>"
             "<div class=\"fig-controls-go\"><button type=\"submit\">%s</button></div></form>\n",
             T(L, MSG_FIG_YEAR), FIG_YEAR_FIRST, FIG_YEAR_LAST, year, T(L, MSG_FIG_SHOW));

    /* one row per cluster: members, reported, missing */
    const table_col cols[] = {
        {T(L, MSG_FIG_COL_CLUSTER), TABLE_LINK, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_FIG_COL_MEMBERS), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_FIG_COL_REPORTED), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_FIG_COL_MISSING), TABLE_INT, TABLE_ALIGN_AUTO, false},
    };
    table *t = table_new(r->a, arena_printf(r->a, T(L, MSG_FIG_MISSING_TABLE), year), cols, 4);
    const char **names = wf_group_labels(r, FIG_GROUP_CLUSTER, per, n_per);
    if (!names)
        t = NULL;
    size_t shown = 0;
    for (size_t i = 0; t && i < n_per; i++) {
        if (!secretariat && !in_list(mine, per[i].key))
            continue;
        size_t row = table_add_row(t);
        table_set_link(t, row, 0, names[i], arena_printf(r->a, "/orgs/%s", per[i].key));
        table_set_int(t, row, 1, per[i].members);
        table_set_int(t, row, 2, per[i].reported);
        table_set_int(t, row, 3, per[i].missing);
        shown++;
    }
    if (!t) {
        o->failed = true;
    } else if (shown == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_FIG_MISSING_NO_CLUSTERS));
    } else {
        table_html(o, L, t);
    }

    /* the members who have not reported, under their cluster */
    html_fmt(o, "<section aria-labelledby=\"miss-list\"><h2 id=\"miss-list\">%s</h2>\n",
             T(L, MSG_FIG_MISSING_MEMBERS));
    const char *current = NULL;
    size_t listed = 0, more = 0;
    for (size_t i = 0; i < n_miss; i++) {
        const figure_missing *x = &miss[i];
        if (!secretariat && !in_list(mine, x->cluster_slug))
            continue;
        if (listed == MISSING_SHOWN) { /* the rest is in the download */
            more++;
            continue;
        }
        if (!current || strcmp(current, x->cluster_slug) != 0) {
            if (current)
                html_raw(o, "</ul>\n");
            current = x->cluster_slug;
            const char *name = web_org_text(r, x->cluster_name, NULL);
            for (size_t k = 0; names && k < n_per; k++)
                if (per[k].key && strcmp(per[k].key, x->cluster_slug) == 0)
                    name = names[k];
            html_fmt(o, "<h3><a href=\"/orgs/%q\">%s</a></h3><ul class=\"missing-list\">\n",
                     x->cluster_slug, name);
        }
        html_fmt(o,
                 "<li><a href=\"/orgs/%q\">%s</a> · <a class=\"small\" "
                 "href=\"/orgs/%q/figures?year=%d#entry\">%s</a></li>\n",
                 x->org_slug, web_org_text(r, x->org_name, NULL), x->org_slug, year,
                 T(L, MSG_FIG_ENTER_LINK));
        listed++;
    }
    if (current)
        html_raw(o, "</ul>\n");
    if (more) {
        buf n = BUF_INIT, note = BUF_INIT;
        i18n_fmt_int(&n, L, (int64_t)more);
        buf_printf(&note, T(L, MSG_FIG_MISSING_MORE), buf_str(&n));
        html_fmt(o, "<p class=\"muted\">%s</p>\n", buf_str(&note));
        buf_free(&n);
        buf_free(&note);
    }
    if (!listed)
        html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_FIG_MISSING_NONE));
    else
        table_download_links(o, L, arena_printf(r->a, "/figures/missing?year=%d", year),
                             T(L, MSG_FIG_MISSING_MEMBERS));
    html_raw(o, "</section>\n");
    layout_end(r);
}

/* --- POST /figures/{id}/verify ---------------------------------------------------------- */

void web_figures_verify(req *r)
{
    lang_id L = r->lang;
    if (!rights_can(r->db, r->user, RIGHT_FIGURES_VERIFY, 0)) {
        resp_error(r, 403, T(L, MSG_FIG_VERIFY_FORBIDDEN));
        return;
    }
    int64_t id = 0;
    const char *p = req_param(r, "id");
    if (!p || !str_to_i64(p, &id) || id < 1) {
        resp_error(r, 404, T(L, MSG_FIG_NO_ROW));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *v = form_get(&f, "verified");
    if (!v || (strcmp(v, "1") != 0 && strcmp(v, "0") != 0)) {
        resp_error(r, 400, T(L, MSG_FIG_BAD_VERIFIED));
        return;
    }
    db_status st = figures_verify(r->db, id, v[0] == '1', r->user->person_id, r->client_ip);
    if (st == DB_DONE) {
        resp_error(r, 404, T(L, MSG_FIG_NO_ROW));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "figures_verify");
        return;
    }
    /* back to the organisation's figures when the form says which (a slug
     * shape only, so the redirect stays on this site) */
    const char *back = form_get(&f, "back");
    bool slug_ok = back && *back && strlen(back) <= 100;
    for (const char *c = back; slug_ok && *c; c++)
        slug_ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-';
    resp_redirect(r, slug_ok ? arena_printf(r->a, "/orgs/%s/figures?verified=%s", back, v)
                             : "/figures");
}
