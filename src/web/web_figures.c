/* web_figures.c: the association's numbers, computed from data.
 *
 *   GET  /figures                    SCAN-wide (or founders', or one
 *                                    cluster's) headline, trend and
 *                                    breakdowns by cluster, sector and
 *                                    region, each chart with its table and
 *                                    every table as CSV and XLSX
 *                                    (?table=ID&format=csv|xlsx)
 *
 * /figures/missing and the verification are in web_figures_missing.c, an
 * organisation's figures page and form in web_figures_org.c.
 * Totals come from figures_total()/figures_trend(), whose rules (members
 * counted once, only in the years they were members, gaps never filled)
 * live in the model; this file shapes them for reading and never adds a
 * number of its own. Anonymous renders of /figures are cached by
 * page_cache.c under (figures_version, directory_version, language, URL),
 * so a repeated hit costs two version reads and a memcpy. Who may enter,
 * import and verify is asked of rights_can(); the routes add login and
 * CSRF (routes.c). Helpers shared with web_cluster.c and the import
 * pages (web_figures_import.c) are declared in web_figures.h and defined
 * in web_figures_common.c. */
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

/* --- GET /figures ---------------------------------------------------------------- */

/* The tables of the page, by their ?table= value. */
enum { TBL_TREND, TBL_CLUSTERS, TBL_SECTORS, TBL_REGIONS, TBL__COUNT };
static const char *const table_names[TBL__COUNT] = {"trend", "clusters", "sectors", "regions"};

typedef struct fig_page {
    figure_scope scope;
    const char *scope_code; /* "scan", "founders", "cluster" */
    org_rec cluster;        /* scope cluster */
    int year;
    int *years; /* years with any figures, newest first */
    size_t n_years;
    int want_table; /* a download: TBL_*, else -1 */
    bool any_demo;
    figure_total passed_over; /* the newest year, when too few reported for
                                 it to be the default (year 0: none) */
} fig_page;

/* Reads ?year, ?scope, ?cluster and ?table. Writes the 4xx itself and
 * returns false on a bad value. */
static bool page_parse(req *r, fig_page *p)
{
    lang_id L = r->lang;
    memset(p, 0, sizeof *p);
    p->want_table = -1;
    db_status st = figures_years(r->db, r->a, &p->years, &p->n_years);
    if (st != DB_OK) {
        resp_fail(r, st, "figures_years");
        return false;
    }
    const char *scope = req_query(r, "scope");
    if (str_empty(scope) || strcmp(scope, "scan") == 0) {
        p->scope = FIG_SCOPE_SCAN;
        p->scope_code = "scan";
    } else if (strcmp(scope, "founders") == 0) {
        p->scope = FIG_SCOPE_FOUNDERS;
        p->scope_code = "founders";
    } else if (strcmp(scope, "cluster") == 0) {
        p->scope = FIG_SCOPE_CLUSTER;
        p->scope_code = "cluster";
        const char *slug = req_query(r, "cluster");
        bool found = false;
        if (str_empty(slug)) {
            resp_error(r, 400, T(L, MSG_FIG_BAD_CLUSTER));
            return false;
        }
        st = org_get(r->db, r->a, slug, 0, &p->cluster, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "org_get");
            return false;
        }
        bool is_cluster = found && p->cluster.kind &&
                          (strcmp(p->cluster.kind, "cluster") == 0 ||
                           strcmp(p->cluster.kind, "cluster_initiative") == 0);
        bool visible = found && p->cluster.status && strcmp(p->cluster.status, "published") == 0;
        if (!is_cluster || !visible) {
            resp_error(r, 404, T(L, MSG_FIG_NO_CLUSTER));
            return false;
        }
    } else {
        resp_error(r, 400, T(L, MSG_FIG_BAD_SCOPE));
        return false;
    }
    const char *year = req_query(r, "year");
    if (!str_empty(year)) {
        int64_t y;
        if (!str_to_i64(year, &y) || y < FIG_YEAR_FIRST || y > FIG_YEAR_LAST) {
            resp_error(r, 400, T(L, MSG_FIG_BAD_YEAR));
            return false;
        }
        p->year = (int)y;
        bool listed = false;
        for (size_t i = 0; i < p->n_years; i++)
            listed |= p->years[i] == p->year;
        if (!listed) { /* nothing to show, and nothing to compute */
            resp_error(r, 404, arena_printf(r->a, T(L, MSG_FIG_NO_YEAR), p->year));
            return false;
        }
    } else if (p->n_years) {
        /* the newest year enough members reported for, never a year that
         * two reports would make look like a collapse */
        st = figures_default_year(r->db, r->a, p->scope, p->cluster.id, p->years, p->n_years,
                                  &p->year, &p->passed_over);
        if (st != DB_OK) {
            resp_fail(r, st, "figures_default_year");
            return false;
        }
    } else {
        p->year = wf_this_year() - 1;
    }
    const char *fmt = req_query(r, "format");
    if (!str_empty(fmt)) {
        const char *t = req_query(r, "table");
        for (int i = 0; t && i < TBL__COUNT; i++)
            if (strcmp(t, table_names[i]) == 0)
                p->want_table = i;
        bool grouped = p->want_table > TBL_TREND;
        if (p->want_table < 0 || (grouped && p->scope == FIG_SCOPE_CLUSTER)) {
            resp_error(r, 400, T(L, MSG_FIG_BAD_TABLE));
            return false;
        }
    }
    return true;
}

/* The table of one grouping (arena; NULL on OOM). */
static table *group_table(req *r, figure_group g, const char *const *names,
                          const figure_total *rows, size_t n, const char *title)
{
    lang_id L = r->lang;
    msg_id first = g == FIG_GROUP_CLUSTER  ? MSG_FIG_COL_CLUSTER
                   : g == FIG_GROUP_SECTOR ? MSG_FIG_COL_SECTOR
                                           : MSG_FIG_COL_REGION;
    const table_col cols[] = {
        {T(L, first), g == FIG_GROUP_CLUSTER ? TABLE_LINK : TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_FIG_COL_MEMBERS), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_FIG_COL_REPORTED), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_FIG_EMPLOYEES), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_FIG_COL_REVENUE), TABLE_MONEY_CENTS, TABLE_ALIGN_AUTO, true},
        {T(L, MSG_FIG_COL_EXPORTS), TABLE_MONEY_CENTS, TABLE_ALIGN_AUTO, true},
        {T(L, MSG_FIG_EXPORT_SHARE), TABLE_BP_PERCENT, TABLE_ALIGN_AUTO, false},
    };
    table *t = table_new(r->a, title, cols, sizeof cols / sizeof cols[0]);
    if (!t)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const figure_total *x = &rows[i];
        size_t row = table_add_row(t);
        const char *label = names[i];
        if (g == FIG_GROUP_CLUSTER)
            table_set_link(t, row, 0, label, arena_printf(r->a, "/orgs/%s", x->key));
        else
            table_set_text(t, row, 0, label);
        table_set_int(t, row, 1, x->members);
        table_set_int(t, row, 2, x->reported);
        if (x->reported > 0) {
            table_set_int(t, row, 3, x->employees);
            table_set_int(t, row, 4, x->revenue_eur);
            table_set_int(t, row, 5, x->exports_eur);
            if (x->export_share_bp >= 0)
                table_set_int(t, row, 6, x->export_share_bp);
        }
    }
    return t->failed ? NULL : t;
}

/* The two charts of one grouping: revenue as bars, and exports against
 * domestic sales as shares of 100%. */
static void group_charts(req *r, const char *const *names, const figure_total *rows, size_t n,
                         const char *id, const char *subtitle, const char *table_id)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char **labels = n ? arena_alloc(r->a, n * sizeof *labels) : NULL;
    int64_t *rev = n ? arena_alloc(r->a, n * sizeof *rev) : NULL;
    int64_t *share = n ? arena_alloc(r->a, 2 * n * sizeof *share) : NULL;
    if (n && (!labels || !rev || !share)) {
        o->failed = true;
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].reported == 0)
            continue; /* nothing reported: no bar, the table says so */
        labels[k] = names[i];
        rev[k] = rows[i].revenue_eur;
        int64_t bp = rows[i].export_share_bp;
        share[2 * k] = bp >= 0 ? bp : 0;
        share[2 * k + 1] = bp >= 0 ? 10000 - bp : 0;
        k++;
    }
    html_raw(o, "<div class=\"chart-pair\">\n");
    chart_opts ob = {.id = arena_printf(r->a, "%s-revenue", id),
                     .title = T(L, MSG_FIG_CHART_REVENUE),
                     .subtitle = subtitle,
                     .table_id = table_id,
                     .unit = CHART_UNIT_MONEY_CENTS};
    chart_bar(o, L, &ob, labels, rev, k);
    const char *parts[] = {T(L, MSG_FIG_COL_EXPORTS), T(L, MSG_FIG_DOMESTIC)};
    chart_opts os = {.id = arena_printf(r->a, "%s-share", id),
                     .title = T(L, MSG_FIG_CHART_SHARE),
                     .subtitle = subtitle,
                     .table_id = table_id};
    chart_stacked_share(o, L, &os, labels, k, parts, 2, share);
    html_raw(o, "</div>\n");
}

/* The totals the page shows (only what a download needs when one is
 * asked for). */
typedef struct fig_data {
    figure_total *total; /* the ungrouped total of the year */
    figure_total *trend;
    size_t n_trend;          /* the rows shown: up to the newest covered year */
    size_t n_trend_all;      /* the rows read */
    figure_total *groups[3]; /* cluster, sector, region */
    size_t n_groups[3];
} fig_data;

static const figure_group group_of[3] = {FIG_GROUP_CLUSTER, FIG_GROUP_SECTOR, FIG_GROUP_REGION};

static db_status load_data(req *r, fig_page *p, fig_data *d)
{
    memset(d, 0, sizeof *d);
    int64_t cluster_id = p->scope == FIG_SCOPE_CLUSTER ? p->cluster.id : 0;
    bool all = p->want_table < 0;
    db_status st = DB_OK;
    /* the trend spans the years with figures (whatever year was asked for,
     * so an odd ?year= cannot make it long) */
    if ((all || p->want_table == TBL_TREND) && p->n_years) {
        if ((st = figures_trend(r->db, r->a, p->scope, cluster_id, p->years[p->n_years - 1],
                                p->years[0], &d->trend, &d->n_trend)) != DB_OK)
            return st;
        /* ending at the newest covered year (the rest is said, not drawn) */
        d->n_trend_all = d->n_trend;
        d->n_trend = wf_trend_shown(d->trend, d->n_trend);
        for (size_t i = 0; i < d->n_trend; i++)
            p->any_demo |= d->trend[i].any_demo;
    }
    if (all) { /* the headline: the trend's row of that year, else its own total */
        for (size_t i = 0; i < d->n_trend_all && !d->total; i++)
            if (d->trend[i].year == p->year)
                d->total = &d->trend[i];
        if (!d->total) {
            figure_query q = {.scope = p->scope,
                              .cluster_id = cluster_id,
                              .group = FIG_GROUP_NONE,
                              .year = p->year};
            size_t n = 0;
            if ((st = figures_total(r->db, r->a, &q, &d->total, &n)) != DB_OK)
                return st;
            if (n != 1)
                return DB_ERR;
        }
        p->any_demo |= d->total->any_demo;
    }
    for (int g = 0; g < 3 && p->scope != FIG_SCOPE_CLUSTER; g++) {
        if (!all && p->want_table != TBL_CLUSTERS + g)
            continue;
        figure_query q = {.scope = p->scope, .group = group_of[g], .year = p->year};
        if ((st = figures_total(r->db, r->a, &q, &d->groups[g], &d->n_groups[g])) != DB_OK)
            return st;
        for (size_t i = 0; i < d->n_groups[g]; i++)
            p->any_demo |= d->groups[g][i].any_demo;
    }
    return DB_OK;
}

/* "SCAN member clusters, 2024" and the like (arena). */
static const char *scope_title(req *r, const fig_page *p)
{
    lang_id L = r->lang;
    if (p->scope == FIG_SCOPE_CLUSTER)
        return web_org_name(r, &p->cluster);
    return T(L, p->scope == FIG_SCOPE_FOUNDERS ? MSG_FIG_SCOPE_FOUNDERS : MSG_FIG_SCOPE_SCAN);
}

static const char *table_title(req *r, const fig_page *p, msg_id what, bool with_year)
{
    return with_year
               ? arena_printf(r->a, "%s: %s, %d", T(r->lang, what), scope_title(r, p), p->year)
               : arena_printf(r->a, "%s: %s", T(r->lang, what), scope_title(r, p));
}

static const msg_id group_titles[3] = {MSG_FIG_BY_CLUSTER, MSG_FIG_BY_SECTOR, MSG_FIG_BY_REGION};

/* The base name of a download: "scan-figures-2024-clusters". */
static const char *download_name(req *r, const fig_page *p, int tbl)
{
    const char *who = p->scope == FIG_SCOPE_CLUSTER ? p->cluster.slug : p->scope_code;
    if (tbl == TBL_TREND)
        return arena_printf(r->a, "figures-%s-%s", who, table_names[tbl]);
    return arena_printf(r->a, "figures-%s-%d-%s", who, p->year, table_names[tbl]);
}

/* The year and scope form: a plain GET form that works without script. */
static void controls(req *r, const fig_page *p)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o,
             "<form class=\"fig-controls\" method=\"get\" action=\"/figures\">"
             "<div class=\"field\"><label for=\"fig-year\">%s</label><select id=\"fig-year\" "
             "name=\"year\">",
             T(L, MSG_FIG_YEAR));
    bool listed = false;
    for (size_t i = 0; i < p->n_years; i++)
        listed |= p->years[i] == p->year;
    if (!listed)
        html_fmt(o, "<option value=\"%d\" selected>%d</option>", p->year, p->year);
    for (size_t i = 0; i < p->n_years; i++)
        html_fmt(o, "<option value=\"%d\"%R>%d</option>", p->years[i],
                 p->years[i] == p->year ? " selected" : "", p->years[i]);
    html_raw(o, "</select></div>");
    if (p->scope == FIG_SCOPE_CLUSTER) {
        html_fmt(o,
                 "<input type=\"hidden\" name=\"scope\" value=\"cluster\"><input type=\"hidden\" "
                 "name=\"cluster\" value=\"%s\">",
                 p->cluster.slug);
    } else {
        html_fmt(
            o,
            "<fieldset class=\"field fig-scope\"><legend>%s</legend><div class=\"radios-inline\">",
            T(L, MSG_FIG_SCOPE));
        static const struct {
            const char *code;
            msg_id label;
        } scopes[] = {{"scan", MSG_FIG_SCOPE_SCAN}, {"founders", MSG_FIG_SCOPE_FOUNDERS}};
        for (size_t i = 0; i < 2; i++)
            html_fmt(o,
                     "<label class=\"choice\"><input type=\"radio\" name=\"scope\" value=\"%s\"%R>"
                     " %s</label>",
                     scopes[i].code, strcmp(p->scope_code, scopes[i].code) == 0 ? " checked" : "",
                     T(L, scopes[i].label));
        html_raw(o, "</div></fieldset>");
    }
    html_fmt(o, "<div class=\"fig-controls-go\"><button type=\"submit\">%s</button></div></form>\n",
             T(L, MSG_FIG_SHOW));
}

/* One chart-and-table section: heading, charts, the table, its links. */
static void section_open(req *r, const char *id, const char *title)
{
    html_fmt(&r->out,
             "<section class=\"fig-section\" aria-labelledby=\"%s\"><h2 id=\"%s\">%s</h2>\n", id,
             id, title);
}

static void table_block(req *r, const table *t, const char *table_param, const char *what)
{
    if (!t) {
        r->out.failed = true;
        return;
    }
    table_html(&r->out, r->lang, t);
    table_download_links(&r->out, r->lang, wf_table_url(r, "/figures", table_param), what);
}

static void render(req *r, fig_page *p, const fig_data *d)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *who = scope_title(r, p);
    const char *h1 = p->scope == FIG_SCOPE_CLUSTER
                         ? arena_printf(r->a, T(L, MSG_FIG_CLUSTER_TITLE), who)
                         : T(L, MSG_FIG_TITLE);
    const char *lead = T(L, p->scope == FIG_SCOPE_CLUSTER ? MSG_FIG_CLUSTER_LEAD : MSG_FIG_LEAD);
    page_meta m = {.title = h1, .description = lead, .nav = "figures"};
    layout_begin(r, &m);
    if (p->scope == FIG_SCOPE_CLUSTER)
        html_fmt(o,
                 "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/figures\">%s</a>"
                 "</li><li><a href=\"/orgs/%q\">%s</a></li></ol></nav>\n",
                 T(L, MSG_DIR_BREADCRUMB), T(L, MSG_NAV_FIGURES), p->cluster.slug, who);
    html_fmt(o, "<div class=\"page-head\"><div><h1>%s</h1><p class=\"lead\">%s</p></div></div>\n",
             h1, lead);
    if (p->any_demo)
        wf_demo_notice(r);
    if (p->scope != FIG_SCOPE_CLUSTER) /* issue 17: the same numbers by district, and per cluster */
        html_fmt(o,
                 "<p class=\"fig-more\"><a href=\"/map\">%s</a> \xC2\xB7 <a "
                 "href=\"/panorama\">%s</a></p>\n",
                 T(L, MSG_HOME_MAP_LINK), T(L, MSG_HOME_PANORAMA_LINK));
    controls(r, p);

    const char *sub = arena_printf(r->a, "%s, %d", who, p->year);
    html_fmt(o,
             "<section class=\"fig-section\" aria-labelledby=\"fig-headline\"><h2 "
             "id=\"fig-headline\">%s</h2>\n",
             sub);
    if (p->passed_over.year) { /* which year, and why not the newest */
        buf why = BUF_INIT;
        buf_printf(&why, T(L, MSG_FIG_DEFAULT_YEAR_WHY), p->year, p->passed_over.year,
                   (int)p->passed_over.reported, (int)p->passed_over.members);
        html_fmt(o, "<p class=\"notice fig-year-why\">%s</p>\n", buf_str(&why));
        buf_free(&why);
    }
    wf_headline(r, d->total);
    html_raw(o, "</section>\n");

    section_open(r, "fig-trend", T(L, MSG_FIG_TREND));
    if (d->n_trend) {
        wf_trend_cut_note(r, d->trend, d->n_trend_all, d->n_trend);
        wf_trend_charts(r, d->trend, d->n_trend, "trend", who, "fig-trend-table");
        table *t = wf_trend_table(r, d->trend, d->n_trend, table_title(r, p, MSG_FIG_TREND, false));
        if (t)
            t->id = "fig-trend-table";
        table_block(r, t, "trend", T(L, MSG_FIG_TREND));
    } else {
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_CHART_NO_DATA));
    }
    html_raw(o, "</section>\n");

    static const char *const ids[3] = {"fig-clusters", "fig-sectors", "fig-regions"};
    for (int g = 0; g < 3 && p->scope != FIG_SCOPE_CLUSTER; g++) {
        section_open(r, ids[g], T(L, group_titles[g]));
        const char *table_id = arena_printf(r->a, "%s-table", ids[g]);
        const char **names = wf_group_labels(r, group_of[g], d->groups[g], d->n_groups[g]);
        if (!names) {
            o->failed = true;
            break;
        }
        group_charts(r, names, d->groups[g], d->n_groups[g], ids[g], sub, table_id);
        table *t = group_table(r, group_of[g], names, d->groups[g], d->n_groups[g],
                               table_title(r, p, group_titles[g], true));
        if (t)
            t->id = table_id;
        table_block(r, t, table_names[TBL_CLUSTERS + g], T(L, group_titles[g]));
        html_raw(o, "</section>\n");
    }
    html_fmt(o,
             "<section class=\"fig-section fig-method\" aria-labelledby=\"fig-how\"><h2 "
             "id=\"fig-how\">%s</h2>"
             "<ul><li>%s</li><li>%s</li><li>%s</li><li>%s</li></ul></section>\n",
             T(L, MSG_FIG_HOW), T(L, MSG_FIG_HOW_1), T(L, MSG_FIG_HOW_2), T(L, MSG_FIG_HOW_3),
             T(L, MSG_FIG_HOW_4));
    layout_end(r);
}

/* The parameters /figures knows. A URL with any other, an empty one or
 * one given twice is sent (303) to the same URL without them, so the page
 * cache holds one entry per meaningful URL and made-up parameters cannot
 * make it render again and again. */
static const char *const known_params[] = {"year", "scope", "cluster", "lang", "table", "format"};

static bool known_param(const char *name)
{
    for (size_t i = 0; i < sizeof known_params / sizeof known_params[0]; i++)
        if (strcmp(name, known_params[i]) == 0)
            return true;
    return false;
}

/* The canonical URL of this request, or NULL when it is canonical already
 * (arena). */
static const char *canonical_url(req *r)
{
    bool clean = true;
    buf u = BUF_INIT;
    buf_puts(&u, "/figures");
    char sep = '?';
    for (size_t i = 0; i < r->query.n_fields; i++) {
        const form_field *f = &r->query.fields[i];
        bool first = true;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(r->query.fields[k].name, f->name) != 0;
        if (!known_param(f->name) || !first || !*f->value) {
            clean = false;
            continue;
        }
        buf_printf(&u, "%c%s=", sep, f->name);
        html_urlencode(&u, f->value);
        sep = '&';
    }
    const char *out = clean || buf_failed(&u) ? NULL : arena_strdup(r->a, buf_str(&u));
    buf_free(&u);
    return out;
}

/* The cache key of a canonical request: "figures|dir version|language|"
 * then the known parameters but lang in a fixed order with normalised
 * values (scope=scan is the default, a year is a plain number), so
 * reordered parameters and ?lang= against a cookie share one entry
 * (arena; NULL after a 5xx or on OOM, *ok false after the 5xx). */
static const char *figures_cache_key(req *r, int64_t *figures_v, bool *ok)
{
    int64_t dir_v = 0;
    *ok = false;
    db_status st = figures_version(r->db, figures_v);
    if (st == DB_OK)
        st = org_directory_version(r->db, &dir_v);
    if (st != DB_OK) {
        resp_fail(r, st, "figures/directory version");
        return NULL;
    }
    *ok = true;
    buf k = BUF_INIT;
    buf_printf(&k, "figures|%lld|%s|/figures", (long long)dir_v, i18n_tag(r->lang));
    char sep = '?';
    for (size_t i = 0; i < sizeof known_params / sizeof known_params[0]; i++) {
        const char *name = known_params[i], *v = req_query(r, name);
        int64_t y;
        if (!v || strcmp(name, "lang") == 0 ||
            (strcmp(name, "scope") == 0 && strcmp(v, "scan") == 0))
            continue;
        buf_putc(&k, sep);
        buf_puts(&k, name);
        buf_putc(&k, '=');
        if (strcmp(name, "year") == 0 && str_to_i64(v, &y))
            buf_printf(&k, "%lld", (long long)y);
        else
            html_urlencode(&k, v);
        sep = '&';
    }
    const char *key = buf_failed(&k) ? NULL : arena_strdup(r->a, buf_str(&k));
    buf_free(&k);
    return key;
}

void web_figures(req *r)
{
    const char *canonical = canonical_url(r);
    if (canonical) {
        resp_redirect(r, canonical);
        return;
    }
    /* anonymous pages come from the cache before anything else is read
     * (only good answers are ever stored, so a bad URL still meets
     * page_parse below) */
    bool cacheable = !r->user && str_empty(req_query(r, "format"));
    int64_t version = 0;
    const char *key = NULL;
    if (cacheable) {
        bool ok;
        key = figures_cache_key(r, &version, &ok);
        if (!ok)
            return;
        const char *ct, *etag;
        if (key && page_cache_get(key, version, r->a, &r->out, &ct, &etag)) {
            r->content_type = ct;
            r->etag = etag;
            resp_header(r, "X-Scan-Cache", "hit");
            return;
        }
        resp_header(r, "X-Scan-Cache", "miss");
    }
    fig_page p;
    if (!page_parse(r, &p))
        return;
    fig_data d;
    db_status st = load_data(r, &p, &d);
    if (st != DB_OK) {
        resp_fail(r, st, "figures totals");
        return;
    }
    if (p.want_table >= 0) {
        table *t;
        if (p.want_table == TBL_TREND)
            t = wf_trend_table(r, d.trend, d.n_trend, table_title(r, &p, MSG_FIG_TREND, false));
        else {
            int g = p.want_table - TBL_CLUSTERS;
            const char **names = wf_group_labels(r, group_of[g], d.groups[g], d.n_groups[g]);
            t = names ? group_table(r, group_of[g], names, d.groups[g], d.n_groups[g],
                                    table_title(r, &p, group_titles[g], true))
                      : NULL;
        }
        if (!t) {
            resp_fail(r, DB_NOMEM, "figures table");
            return;
        }
        table_respond(r, t, download_name(r, &p, p.want_table));
        return;
    }
    render(r, &p, &d);
    if (buf_failed(&r->out)) {
        resp_fail(r, DB_NOMEM, "figures page");
        return;
    }
    if (cacheable && key) { /* kept if it ends up whole (server_hook_finish) */
        r->cache_key = key;
        r->cache_version = version;
    }
}
