/* web_project_stats.c: the portfolio and the network (issue 14).
 *
 *   GET /projects/portfolio   money raised by SCAN clusters and their
 *                             members per year, by programme, by
 *                             cluster; success rate per year. Each chart
 *                             with its table; ?table=years|programmes|
 *                             clusters&format=csv|xlsx downloads one.
 *   GET /network              the ties between SCAN, clusters and partners
 *                             through projects and agreements as an SVG
 *                             graph (html/chart_network.c) with the same
 *                             ties as a table (?format=csv|xlsx). Filters:
 *                             kind (partner kind), from, to (years);
 *                             open (a grouped kind shown entry by entry).
 *
 * Both read under the visibility rule (project.h): private projects count
 * only for those who may see them. Totals follow the once-only rule of
 * project_portfolio. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strutil.h"
#include "html/chart.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/project.h"
#include "web/table.h"
#include "web/web.h"
#include "web/web_figures.h"
#include "web/web_org.h"
#include "web/web_project.h"

/* --- the portfolio ------------------------------------------------------------------ */

static table *years_table(req *r, const portfolio *p)
{
    lang_id L = r->lang;
    const table_col cols[] = {
        {T(L, MSG_PJ_L_YEAR), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PJ_PF_WON), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_PJ_PF_GRANT), TABLE_MONEY_CENTS, TABLE_ALIGN_AUTO, true},
        {T(L, MSG_PJ_PF_SHARES), TABLE_MONEY_CENTS, TABLE_ALIGN_AUTO, true},
        {T(L, MSG_PJ_PF_UNKNOWN), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_PJ_PF_SUBMITTED), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_PJ_PF_APPROVED), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_PJ_PF_SUCCESS), TABLE_BP_PERCENT, TABLE_ALIGN_AUTO, false},
    };
    table *t = table_new(r->a, T(L, MSG_PJ_PF_BY_YEAR), cols, sizeof cols / sizeof *cols);
    if (!t)
        return NULL;
    t->id = "pf-years-table";
    for (size_t i = 0; i <= p->n_years; i++) {
        const portfolio_year *y = i < p->n_years ? &p->years[i] : &p->total;
        size_t row = table_add_row(t);
        table_set_text(t, row, 0,
                       i < p->n_years ? arena_printf(r->a, "%d", y->year) : T(L, MSG_PJ_PF_ALL));
        table_set_int(t, row, 1, y->projects);
        table_set_int(t, row, 2, y->grant_cents);
        table_set_int(t, row, 3, y->shares_cents);
        table_set_int(t, row, 4, y->shares_unknown);
        table_set_int(t, row, 5, y->submitted);
        table_set_int(t, row, 6, y->won);
        if (y->submitted)
            table_set_int(t, row, 7, y->won * 10000 / y->submitted);
    }
    return t;
}

static table *group_table(req *r, const portfolio_group *g, size_t n, bool clusters)
{
    lang_id L = r->lang;
    table_col cols[] = {
        {T(L, clusters ? MSG_PJ_L_CLUSTER : MSG_PJ_L_PROGRAMME), clusters ? TABLE_LINK : TABLE_TEXT,
         TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PJ_PF_WON), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_PJ_PF_GRANT), TABLE_MONEY_CENTS, TABLE_ALIGN_AUTO, true},
        {T(L, MSG_PJ_PF_SHARES), TABLE_MONEY_CENTS, TABLE_ALIGN_AUTO, true},
        {T(L, MSG_PJ_PF_UNKNOWN), TABLE_INT, TABLE_ALIGN_AUTO, false},
    };
    table *t = table_new(r->a, T(L, clusters ? MSG_PJ_PF_BY_CLUSTER : MSG_PJ_PF_BY_PROGRAMME), cols,
                         clusters ? 5 : 3);
    if (!t)
        return NULL;
    t->id = clusters ? "pf-clusters-table" : "pf-programmes-table";
    for (size_t i = 0; i < n; i++) {
        size_t row = table_add_row(t);
        const char *name = clusters ? web_org_text(r, g[i].name, g[i].name_en)
                                    : (*g[i].key ? web_org_text(r, g[i].key, g[i].name_en)
                                                 : T(L, MSG_PJ_NO_PROGRAMME));
        if (clusters)
            table_set_link(t, row, 0, name, arena_printf(r->a, "/orgs/%s", g[i].key));
        else
            table_set_text(t, row, 0, name);
        table_set_int(t, row, 1, g[i].projects);
        table_set_int(t, row, 2, g[i].grant_cents);
        if (clusters) {
            table_set_int(t, row, 3, g[i].shares_cents);
            table_set_int(t, row, 4, g[i].shares_unknown);
        }
    }
    return t;
}

static void block(req *r, table *t, const char *name)
{
    if (!t) {
        r->out.failed = true;
        return;
    }
    table_html(&r->out, r->lang, t);
    table_download_links(&r->out, r->lang, arena_printf(r->a, "/projects/portfolio?table=%s", name),
                         t->title);
}

void web_project_portfolio(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *key;
    int64_t version;
    if (web_project_cache(r, "portfolio", &key, &version))
        return;
    project_viewer v = web_project_viewer(r);
    char today[11];
    wf_today(today);
    portfolio p;
    db_status st = project_portfolio(r->db, r->a, &v, today, &p);
    if (st != DB_OK) {
        resp_fail(r, st, "project_portfolio");
        return;
    }
    const char *want = req_query(r, "table");
    if (!str_empty(req_query(r, "format"))) {
        table *t = NULL;
        if (want && strcmp(want, "years") == 0)
            t = years_table(r, &p);
        else if (want && strcmp(want, "programmes") == 0)
            t = group_table(r, p.programmes, p.n_programmes, false);
        else if (want && strcmp(want, "clusters") == 0)
            t = group_table(r, p.clusters, p.n_clusters, true);
        else {
            resp_error(r, 400, T(L, MSG_PJ_BAD_TABLE));
            return;
        }
        if (!t) {
            resp_fail(r, DB_NOMEM, "portfolio table");
            return;
        }
        table_respond(r, t, arena_printf(r->a, "portfolio-%s", want));
        return;
    }
    page_meta pm = {.title = T(L, MSG_PJ_PORTFOLIO_TITLE), .nav = "projects"};
    layout_begin(r, &pm);
    html_fmt(o,
             "<nav class=\"crumbs\" aria-label=\"%s\"><a href=\"/projects\">%s</a></nav>"
             "<h1>%s</h1><p class=\"lead\">%s</p>",
             T(L, MSG_PJ_CRUMBS), T(L, MSG_PJ_LIST_TITLE), T(L, MSG_PJ_PORTFOLIO_TITLE),
             T(L, MSG_PJ_PF_LEAD));
    /* the headline */
    buf grant = BUF_INIT, shares = BUF_INIT;
    i18n_fmt_money(&grant, L, p.total.grant_cents, "EUR", true);
    i18n_fmt_money(&shares, L, p.total.shares_cents, "EUR", true);
    html_fmt(o,
             "<dl class=\"headline\"><div><dt>%s</dt><dd>%s</dd></div>"
             "<div><dt>%s</dt><dd>%D</dd></div><div><dt>%s</dt><dd>%s</dd></div>",
             T(L, MSG_PJ_PF_GRANT), buf_failed(&grant) ? "" : buf_str(&grant), T(L, MSG_PJ_PF_WON),
             (long long)p.total.projects, T(L, MSG_PJ_PF_SHARES),
             buf_failed(&shares) ? "" : buf_str(&shares));
    buf_free(&grant);
    buf_free(&shares);
    if (p.total.submitted) {
        buf rate = BUF_INIT;
        chart_fmt_bp(&rate, L, p.total.won * 10000 / p.total.submitted);
        html_fmt(o, "<div><dt>%s</dt><dd>%s</dd></div>", T(L, MSG_PJ_PF_SUCCESS),
                 buf_failed(&rate) ? "" : buf_str(&rate));
        buf_free(&rate);
    }
    html_raw(o, "</dl>");
    if (p.total.shares_unknown)
        html_fmt(o, "<p class=\"note\">%s</p>",
                 arena_printf(r->a, T(L, MSG_PJ_PF_UNKNOWN_NOTE), (int)p.total.shares_unknown));
    html_fmt(o, "<p class=\"note\">%s</p>", T(L, MSG_PJ_PF_RULE));

    /* per year: money, and success */
    html_fmt(o,
             "<section class=\"fig-section\" aria-labelledby=\"pf-years\"><h2 id=\"pf-years\">"
             "%s</h2>",
             T(L, MSG_PJ_PF_BY_YEAR));
    size_t ny = p.n_years;
    const char **labels = arena_alloc(r->a, (ny + 1) * sizeof *labels);
    int64_t *vals = arena_alloc(r->a, (ny + 1) * sizeof *vals);
    int *years = arena_alloc(r->a, (ny + 1) * sizeof *years);
    int64_t *rates = arena_alloc(r->a, (ny + 1) * sizeof *rates);
    if (!labels || !vals || !years || !rates) {
        resp_fail(r, DB_NOMEM, "portfolio");
        return;
    }
    for (size_t i = 0; i < ny; i++) {
        labels[i] = arena_printf(r->a, "%d", p.years[i].year);
        vals[i] = p.years[i].grant_cents;
        years[i] = p.years[i].year;
        rates[i] =
            p.years[i].submitted ? p.years[i].won * 10000 / p.years[i].submitted : CHART_NONE;
    }
    chart_opts co = {.id = "pf-money",
                     .title = T(L, MSG_PJ_PF_CHART_MONEY),
                     .unit = CHART_UNIT_MONEY_CENTS,
                     .table_id = "pf-years-table",
                     .max_bars = 30};
    chart_bar(o, L, &co, labels, vals, ny);
    chart_series rs = {T(L, MSG_PJ_PF_SUCCESS), rates};
    chart_opts cr = {.id = "pf-success",
                     .title = T(L, MSG_PJ_PF_CHART_SUCCESS),
                     .unit = CHART_UNIT_BP,
                     .table_id = "pf-years-table"};
    chart_line(o, L, &cr, years, ny, &rs, 1);
    block(r, years_table(r, &p), "years");
    html_raw(o, "</section>\n");

    /* by programme */
    html_fmt(o,
             "<section class=\"fig-section\" aria-labelledby=\"pf-prog\"><h2 id=\"pf-prog\">"
             "%s</h2>",
             T(L, MSG_PJ_PF_BY_PROGRAMME));
    const char **pl = arena_alloc(r->a, (p.n_programmes + 1) * sizeof *pl);
    int64_t *pv = arena_alloc(r->a, (p.n_programmes + 1) * sizeof *pv);
    for (size_t i = 0; pl && pv && i < p.n_programmes; i++) {
        pl[i] = *p.programmes[i].key ? web_org_text(r, p.programmes[i].key, p.programmes[i].name_en)
                                     : T(L, MSG_PJ_NO_PROGRAMME);
        pv[i] = p.programmes[i].grant_cents;
    }
    chart_opts cp = {.id = "pf-programmes",
                     .title = T(L, MSG_PJ_PF_BY_PROGRAMME),
                     .unit = CHART_UNIT_MONEY_CENTS,
                     .table_id = "pf-programmes-table"};
    if (pl && pv)
        chart_bar(o, L, &cp, pl, pv, p.n_programmes);
    block(r, group_table(r, p.programmes, p.n_programmes, false), "programmes");
    html_raw(o, "</section>\n");

    /* by cluster */
    html_fmt(o,
             "<section class=\"fig-section\" aria-labelledby=\"pf-cl\"><h2 id=\"pf-cl\">"
             "%s</h2><p class=\"note\">%s</p>",
             T(L, MSG_PJ_PF_BY_CLUSTER), T(L, MSG_PJ_PF_CLUSTER_NOTE));
    const char **cl = arena_alloc(r->a, (p.n_clusters + 1) * sizeof *cl);
    int64_t *cv = arena_alloc(r->a, (p.n_clusters + 1) * sizeof *cv);
    for (size_t i = 0; cl && cv && i < p.n_clusters; i++) {
        cl[i] = web_org_text(r, p.clusters[i].name, p.clusters[i].name_en);
        cv[i] = p.clusters[i].grant_cents;
    }
    chart_opts cc = {.id = "pf-clusters",
                     .title = T(L, MSG_PJ_PF_BY_CLUSTER),
                     .unit = CHART_UNIT_MONEY_CENTS,
                     .table_id = "pf-clusters-table"};
    if (cl && cv)
        chart_bar(o, L, &cc, cl, cv, p.n_clusters);
    block(r, group_table(r, p.clusters, p.n_clusters, true), "clusters");
    html_raw(o, "</section>\n");
    layout_end(r);
    web_project_cache_keep(r, key, version);
}

/* --- the network ----------------------------------------------------------------------- */

static const char *const partner_kinds[] = {
    "public_authority",   "donor",        "chamber",     "university",
    "research_institute", "science_park", "tech_centre", "startup_centre",
    "incubator",          "ngo",          NULL};

#define NET_DRAW_MAX  400 /* lines drawn at most: the strongest */
#define NET_TABLE_MAX 300 /* ties listed on the page at most (the download has all) */

static _Thread_local const network_edge
    *g_edges; /* stronger_first's edges (qsort has no context) */

/* Heavier ties first, then by node order: a total order, so the same data
 * lists and draws the same ties. */
static int stronger_first(const void *pa, const void *pb)
{
    const network_edge *a = &g_edges[*(const size_t *)pa], *b = &g_edges[*(const size_t *)pb];
    int64_t wa = a->projects + a->agreements + a->funded,
            wb = b->projects + b->agreements + b->funded;
    if (wa != wb)
        return wa > wb ? -1 : 1;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

static int year_param(req *r, const char *name)
{
    const char *s = req_query(r, name);
    int y = s && *s ? atoi(s) : 0;
    return y >= 1900 && y <= 2200 ? y : 0;
}

static bool kind_known(const char *k)
{
    for (size_t i = 0; k && partner_kinds[i]; i++)
        if (strcmp(k, partner_kinds[i]) == 0)
            return true;
    return k && (strcmp(k, "cluster") == 0 || strcmp(k, "cluster_initiative") == 0);
}

/* The network page's own address with open= set to kind (NULL: none). */
static const char *net_url(req *r, const network_query *q, const char *open)
{
    buf b = BUF_INIT;
    buf_puts(&b, "/network?");
    if (q->kind)
        buf_printf(&b, "kind=%s&", q->kind);
    if (q->year_from)
        buf_printf(&b, "from=%d&", q->year_from);
    if (q->year_to)
        buf_printf(&b, "to=%d&", q->year_to);
    if (open)
        buf_printf(&b, "open=%s&", open);
    b.len--; /* the last '&' or '?' */
    const char *s = buf_failed(&b) ? "/network" : arena_strdup(r->a, buf_str(&b));
    buf_free(&b);
    return s ? s : "/network";
}

void web_network(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *key;
    int64_t version;
    if (web_project_cache(r, "network", &key, &version))
        return;
    project_viewer v = web_project_viewer(r);
    network_query q = {.kind = req_query(r, "kind"),
                       .year_from = year_param(r, "from"),
                       .year_to = year_param(r, "to"),
                       .open = req_query(r, "open")};
    if (q.kind && !*q.kind)
        q.kind = NULL;
    if (q.open && !*q.open)
        q.open = NULL;
    if ((q.kind && !kind_known(q.kind)) || (q.open && !kind_known(q.open))) {
        resp_error(r, 400, T(L, MSG_PJ_NET_BAD_KIND));
        return;
    }
    network net;
    db_status st = project_network(r->db, r->a, &v, &q, &net);
    if (st != DB_OK) {
        resp_fail(r, st, "project_network");
        return;
    }
    web_refs refs = {0};
    chart_net_node *cn = arena_alloc(r->a, (net.n_nodes + 1) * sizeof *cn);
    chart_net_edge *ce = arena_alloc(r->a, (net.n_edges + 1) * sizeof *ce);
    if (!cn || !ce) {
        resp_fail(r, DB_NOMEM, "network");
        return;
    }
    for (size_t i = 0; i < net.n_nodes; i++) {
        const network_node *x = &net.nodes[i];
        const char *kind = web_refs_label(r, &refs, WREF_KIND, x->kind);
        if (x->n_members) {
            cn[i] = (chart_net_node){
                .label = arena_printf(r->a, "%s (%d)", kind, (int)x->n_members),
                .title = arena_printf(r->a, T(L, MSG_PJ_NET_OPEN_GROUP), kind, (int)x->n_members),
                .href = net_url(r, &q, x->kind),
                .ring = x->ring,
                .group = true};
        } else {
            const char *name = web_org_text(r, x->name, x->name_en);
            cn[i] = (chart_net_node){.label = name,
                                     .title = arena_printf(r->a, "%s (%s)", name, kind),
                                     .href = arena_printf(r->a, "/orgs/%s", x->slug),
                                     .ring = x->ring,
                                     .funder = x->funder};
        }
    }
    const table_col cols[] = {
        {T(L, MSG_PJ_NET_FROM), TABLE_LINK, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PJ_NET_TO), TABLE_LINK, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PJ_NET_PROJECTS), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_PJ_NET_AGREEMENTS), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {T(L, MSG_NET_FUNDED), TABLE_INT, TABLE_ALIGN_AUTO, false},
    };
    /* strongest ties first: the page draws and lists the strongest, the
     * download holds them all */
    size_t *ord = arena_alloc(r->a, (net.n_edges + 1) * sizeof *ord);
    if (!ord) {
        resp_fail(r, DB_NOMEM, "network order");
        return;
    }
    for (size_t i = 0; i < net.n_edges; i++)
        ord[i] = i;
    g_edges = net.edges;
    qsort(ord, net.n_edges, sizeof *ord, stronger_first);
    bool download = !str_empty(req_query(r, "format"));
    size_t n_rows = download || net.n_edges < NET_TABLE_MAX ? net.n_edges : NET_TABLE_MAX;
    size_t n_drawn = net.n_edges < NET_DRAW_MAX ? net.n_edges : NET_DRAW_MAX;
    table *t = table_new(r->a, T(L, MSG_PJ_NET_TIES), cols, 5);
    if (!t) {
        resp_fail(r, DB_NOMEM, "network table");
        return;
    }
    t->id = "net-ties";
    for (size_t k = 0; k < n_rows; k++) {
        const network_edge *e = &net.edges[ord[k]];
        if (k < n_drawn)
            ce[k] = (chart_net_edge){
                .a = e->a,
                .b = e->b,
                .weight = e->projects + e->agreements + e->funded,
                .funding = e->funded && !e->projects && !e->agreements,
                .title = e->projects || e->agreements
                             ? arena_printf(r->a, T(L, MSG_PJ_NET_EDGE), cn[e->a].label,
                                            cn[e->b].label, (int)e->projects, (int)e->agreements)
                             : arena_printf(r->a, T(L, MSG_NET_FUND_EDGE), cn[e->a].label,
                                            cn[e->b].label, (int)e->funded)};
        size_t row = table_add_row(t);
        table_set_link(t, row, 0, cn[e->a].label, cn[e->a].href);
        table_set_link(t, row, 1, cn[e->b].label, cn[e->b].href);
        table_set_int(t, row, 2, e->projects);
        table_set_int(t, row, 3, e->agreements);
        table_set_int(t, row, 4, e->funded);
    }
    if (table_respond(r, t, "network"))
        return;

    page_meta pm = {.title = T(L, MSG_PJ_NET_TITLE), .nav = "projects"};
    layout_begin(r, &pm);
    html_fmt(o, "<h1>%s</h1><p class=\"lead\">%s</p>", T(L, MSG_PJ_NET_TITLE),
             T(L, MSG_PJ_NET_LEAD));
    /* the filters */
    html_fmt(o,
             "<form class=\"form filters\" method=\"get\" action=\"/network\"><fieldset><legend>"
             "%s</legend><div class=\"filter-grid\"><div class=\"field\"><label for=\"n-kind\">"
             "%s</label><select id=\"n-kind\" name=\"kind\"><option value=\"\">%s</option>",
             T(L, MSG_PJ_FILTERS), T(L, MSG_PJ_NET_KIND), T(L, MSG_PJ_ANY));
    for (size_t i = 0; partner_kinds[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", partner_kinds[i],
                 q.kind && strcmp(q.kind, partner_kinds[i]) == 0 ? " selected" : "",
                 web_refs_label(r, &refs, WREF_KIND, partner_kinds[i]));
    html_fmt(o,
             "</select></div><div class=\"field\"><label for=\"n-from\">%s</label><input "
             "id=\"n-from\" name=\"from\" type=\"number\" min=\"1900\" max=\"2200\" value=\"%R\">"
             "</div><div class=\"field\"><label for=\"n-to\">%s</label><input id=\"n-to\" "
             "name=\"to\" type=\"number\" min=\"1900\" max=\"2200\" value=\"%R\"></div></div>",
             T(L, MSG_PJ_NET_FROM_YEAR), q.year_from ? arena_printf(r->a, "%d", q.year_from) : "",
             T(L, MSG_PJ_NET_TO_YEAR), q.year_to ? arena_printf(r->a, "%d", q.year_to) : "");
    if (q.open)
        html_fmt(o, "<input type=\"hidden\" name=\"open\" value=\"%s\">", q.open);
    html_fmt(o,
             "<div class=\"form-actions\"><button type=\"submit\">%s</button> <a "
             "href=\"/network\">%s</a></div></fieldset></form>\n",
             T(L, MSG_PJ_APPLY), T(L, MSG_PJ_CLEAR));
    if (net.grouped)
        html_fmt(o, "<p class=\"note\">%s</p>",
                 arena_printf(r->a, T(L, MSG_PJ_NET_GROUPED), (int)net.n_partners));
    html_fmt(o, "<p class=\"muted small\" id=\"net-counts\">%s</p>",
             arena_printf(r->a, T(L, MSG_NET_COUNTS), (int)net.n_partners, (int)net.n_funders));
    if (q.open)
        html_fmt(o, "<p class=\"note\">%s <a href=\"%s\">%s</a></p>",
                 arena_printf(r->a, T(L, MSG_PJ_NET_OPENED),
                              web_refs_label(r, &refs, WREF_KIND, q.open)),
                 net_url(r, &q, NULL), T(L, MSG_PJ_NET_CLOSE_GROUP));
    const char *legend[4] = {T(L, MSG_PJ_NET_SCAN), T(L, MSG_PJ_NET_CLUSTERS),
                             T(L, MSG_PJ_NET_PARTNERS),
                             net.n_funders ? T(L, MSG_NET_FUNDERS) : NULL};
    chart_opts co = {.id = "network",
                     .title = T(L, MSG_PJ_NET_TITLE),
                     .subtitle = T(L, MSG_PJ_NET_SUB),
                     .table_id = "net-ties"};
    html_raw(o, "<div class=\"network-layout\">");
    if (net.n_nodes) /* shown on phones only (scan.css) */
        html_fmt(o, "<p class=\"note net-phone-hint\">%s</p>", T(L, MSG_NET_PHONE_HINT));
    chart_network(o, L, &co, cn, net.n_nodes, ce, n_drawn, legend);
    html_raw(o, "<div class=\"network-table\">");
    if (n_rows < net.n_edges || n_drawn < net.n_edges)
        html_fmt(o, "<p class=\"note\">%s</p>",
                 arena_printf(r->a, T(L, MSG_PJ_NET_CAPPED), (int)n_drawn, (int)n_rows,
                              (int)net.n_edges));
    if (net.n_edges) {
        table_html(o, L, t);
        table_download_links(o, L, net_url(r, &q, q.open), T(L, MSG_PJ_NET_TIES));
    } else {
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_PJ_NET_NONE));
    }
    html_raw(o, "</div></div>");
    layout_end(r);
    web_project_cache_keep(r, key, version);
}
