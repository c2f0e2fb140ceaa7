/* web_figures.c: the association's numbers, computed from data.
 *
 *   GET  /figures                    SCAN-wide (or founders', or one
 *                                    cluster's) headline, trend and
 *                                    breakdowns by cluster, sector and
 *                                    region, each chart with its table and
 *                                    every table as CSV and XLSX
 *                                    (?table=ID&format=csv|xlsx)
 *   GET  /figures/missing            who has not reported for a year
 *                                    (secretariat: all; managers: theirs)
 *   POST /figures/{id}/verify        the secretariat marks a row verified
 *   GET  /orgs/{slug}/figures        one organisation's figures by year and
 *   POST /orgs/{slug}/figures        the form to enter one year
 *
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

#define FIG_YEAR_FIRST  1990
#define FIG_YEAR_LAST   2100
#define MONEY_MAX_WHOLE 1000000000000LL /* 10^12 EUR (or RSD) per field */
#define EMPLOYEES_MAX   10000000
#define MISSING_SHOWN   500 /* members listed on /figures/missing; all in its download */

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
    page_meta m = {.title = title, .nav = "figures"};
    layout_begin(r, &m);
    html_fmt(o,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/figures\">%s</a>"
             "</li><li aria-current=\"page\">%s</li></ol></nav>\n",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_NAV_FIGURES), title);
    html_fmt(o, "<div class=\"page-head\"><div><h1>%s</h1><p class=\"lead\">%s</p></div></div>\n",
             title, T(L, secretariat ? MSG_FIG_MISSING_LEAD : MSG_FIG_MISSING_LEAD_MANAGER));
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
