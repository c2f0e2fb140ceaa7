/* web_home.c: the home page: what SCAN is, in the reader's language
 * (../shared/DOMAIN.md section 1). The headline numbers are computed from
 * the figures of the founding clusters' members (the same totals as
 * /figures, which the page links as their source). */
#include <string.h>

#include "core/timeutil.h"
#include "html/chart.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/figures.h"
#include "model/org.h"
#include "web/web.h"
#include "web/web_figures.h"

static const struct founder {
    const char *slug; /* its directory address, linked when the entry is there */
    msg_id name;
    const char *acronym; /* NULL when it has none */
    msg_id sector;
    msg_id seat;
} founders[] = {
    {"voict", MSG_FOUNDER_VOICT, "VOICT", MSG_SECTOR_ICT, MSG_CITY_NOVI_SAD},
    {"autocluster-serbia", MSG_FOUNDER_AUTOCLUSTER, NULL, MSG_SECTOR_AUTOMOTIVE,
     MSG_CITY_KRAGUJEVAC},
    {"ict-network", MSG_FOUNDER_ICT_NETWORK, NULL, MSG_SECTOR_ICT, MSG_CITY_BELGRADE},
    {"vmc", MSG_FOUNDER_VMC, "VMC", MSG_SECTOR_METAL, MSG_CITY_NOVI_SAD},
    {"facts", MSG_FOUNDER_FACTS, "FACTS", MSG_SECTOR_FASHION, MSG_CITY_BELGRADE},
    {"nicat", MSG_FOUNDER_NICAT, "NiCAT", MSG_SECTOR_ICT_ELECTRONICS, MSG_CITY_NIS},
    {"ict-cluster-central-serbia", MSG_FOUNDER_ICT_CENTRAL, NULL, MSG_SECTOR_ICT,
     MSG_CITY_KRAGUJEVAC},
};

/* One of SCAN's four activities; its title links where the platform
 * already does it (href NULL: not yet). */
static void pillar(req *r, msg_id title, msg_id text, const char *href)
{
    if (href)
        html_fmt(&r->out, "<li class=\"card\"><h3><a href=\"%s\">%s</a></h3><p>%s</p></li>\n", href,
                 T(r->lang, title), T(r->lang, text));
    else
        html_fmt(&r->out, "<li class=\"card\"><h3>%s</h3><p>%s</p></li>\n", T(r->lang, title),
                 T(r->lang, text));
}

/* The headline numbers, computed from the figures (never typed text): the
 * members of the founding clusters in the default year (the newest with
 * adequate coverage, figures_default_year), with how many reported and a
 * link to /figures, their source. False after writing a 5xx. */
static bool headline(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    enum { N_FOUNDERS = sizeof founders / sizeof founders[0] };
    int *years = NULL;
    size_t n_years = 0;
    int year = 0;
    figure_total newest = {0}, *t = NULL;
    size_t n = 0;
    db_status st = figures_years(r->db, r->a, &years, &n_years);
    if (st == DB_OK && n_years > 0)
        st = figures_default_year(r->db, r->a, FIG_SCOPE_FOUNDERS, 0, years, n_years, &year,
                                  &newest);
    if (st == DB_OK && year > 0) {
        figure_query q = {.scope = FIG_SCOPE_FOUNDERS, .group = FIG_GROUP_NONE, .year = year};
        st = figures_total(r->db, r->a, &q, &t, &n);
    }
    if (st != DB_OK) {
        resp_fail(r, st, "home headline");
        return false;
    }
    bool have = n == 1 && t[0].reported > 0;
    html_raw(o, "<section aria-labelledby=\"headline\"><h2 id=\"headline\" class=\"eyebrow\">");
    if (have)
        html_fmt(o, T(L, MSG_HOME_C_TITLE), year);
    else
        html_raw(o, T(L, MSG_HOME_C_TITLE_NONE)); /* catalog text: no markup, no directive */
    html_raw(o, "</h2><ul class=\"stats\">");
    buf v = BUF_INIT;
    if (have) {
        i18n_fmt_int(&v, L, t[0].employees);
        html_fmt(
            o, "<li><span class=\"stat-value\">%s</span><span class=\"stat-label\">%s</span></li>",
            buf_str(&v), T(L, MSG_HOME_STAT_EMPLOYEES));
        buf_reset(&v);
        i18n_fmt_money(&v, L, t[0].revenue_eur, "EUR", true);
        html_fmt(
            o, "<li><span class=\"stat-value\">%s</span><span class=\"stat-label\">%s</span></li>",
            buf_str(&v), T(L, MSG_HOME_C_REVENUE));
        if (t[0].export_share_bp >= 0) {
            buf_reset(&v);
            chart_fmt_bp(&v, L, t[0].export_share_bp);
            html_fmt(o,
                     "<li><span class=\"stat-value\">%s</span><span "
                     "class=\"stat-label\">%s</span></li>",
                     buf_str(&v), T(L, MSG_HOME_C_EXPORT_SHARE));
        }
    }
    html_fmt(o, "<li><span class=\"stat-value\">%d</span><span class=\"stat-label\">%s</span></li>",
             (int)N_FOUNDERS, T(L, MSG_HOME_STAT_FOUNDERS));
    html_raw(o, "</ul><p class=\"stat-source\">");
    buf_reset(&v);
    if (have)
        buf_printf(&v, T(L, MSG_HOME_C_SOURCE), (long long)t[0].reported, (long long)t[0].members,
                   year);
    else
        buf_puts(&v, T(L, MSG_HOME_C_SOURCE_NONE));
    html_fmt(o, "%s ", buf_str(&v));
    if (have && t[0].any_demo)
        html_fmt(o, "<span class=\"badge badge-demo\">%s</span> ", T(L, MSG_DIR_DEMO));
    if (have)
        html_fmt(o, "<a href=\"/figures?scope=founders&amp;year=%d\">%s</a>", year,
                 T(L, MSG_HOME_C_SOURCE_LINK));
    else
        html_fmt(o, "<a href=\"/figures\">%s</a>", T(L, MSG_HOME_C_SOURCE_LINK));
    html_raw(o, "</p></section>\n");
    buf_free(&v);
    return true;
}

void web_home(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    /* anonymous: the same bytes for every visitor of a language and URL,
     * kept in the page cache keyed by the data versions; a hit is answered
     * on the I/O thread (RF_FAST) */
    const char *key = NULL;
    int64_t figures_v = 0;
    if (!r->user) {
        /* the headline and the founders' links depend on the data */
        bool ok;
        /* the hour in the key: the next events, open calls and scheduled
         * news move on with the clock, not only with the data (a hit is
         * answered on the I/O thread, with no database to ask) */
        key = wf_cache_key(r, arena_printf(r->a, "home|%lld", (long long)(time_now() / 3600)),
                           &figures_v, &ok);
        if (!ok)
            return;
        if (key && web_cache_serve(r, key, figures_v))
            return;
    }
    page_meta m = {
        .title = T(L, MSG_HOME_TITLE), .description = T(L, MSG_HOME_LEAD), .nav = "home"};
    layout_begin(r, &m);

    html_fmt(o, "<section class=\"hero\"><h1>%s</h1><p class=\"lead\">%s</p></section>\n",
             T(L, MSG_HOME_TITLE), T(L, MSG_HOME_LEAD));

    if (!web_home_panorama(r)) /* web_panorama.c: numbers, map, events, calls */
        return;
    if (!headline(r))
        return;

    html_fmt(
        o, "<section aria-labelledby=\"pillars\"><h2 id=\"pillars\">%s</h2><ul class=\"cards\">\n",
        T(L, MSG_HOME_PILLARS));
    pillar(r, MSG_HOME_P1_TITLE, MSG_HOME_P1_TEXT, "/cooperation");
    pillar(r, MSG_HOME_P2_TITLE, MSG_HOME_P2_TEXT, "/initiatives");
    pillar(r, MSG_HOME_P3_TITLE, MSG_HOME_P3_TEXT, "/network");
    pillar(r, MSG_HOME_P4_TITLE, MSG_HOME_P4_TEXT, "/positions");
    html_raw(o, "</ul></section>\n");

    html_fmt(o, "<section aria-labelledby=\"founders\"><h2 id=\"founders\">%s</h2><p>%s</p>\n",
             T(L, MSG_HOME_FOUNDERS), T(L, MSG_HOME_FOUNDERS_INTRO));
    html_fmt(o,
             "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">%s</th>"
             "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
             T(L, MSG_HOME_COL_CLUSTER), T(L, MSG_HOME_COL_SECTOR), T(L, MSG_HOME_COL_SEAT));
    for (size_t i = 0; i < sizeof founders / sizeof founders[0]; i++) {
        const struct founder *f = &founders[i];
        org_rec e;
        bool found = false;
        bool link = org_get(r->db, r->a, f->slug, 0, &e, &found) == DB_OK && found && e.status &&
                    strcmp(e.status, "published") == 0;
        if (link)
            html_fmt(o, "<tr><th scope=\"row\"><a href=\"/orgs/%q\">%s</a>", f->slug,
                     T(L, f->name));
        else
            html_fmt(o, "<tr><th scope=\"row\">%s", T(L, f->name));
        if (f->acronym)
            html_fmt(o, " <abbr>%s</abbr>", f->acronym);
        html_fmt(o, "</th><td>%s</td><td>%s</td></tr>\n", T(L, f->sector), T(L, f->seat));
    }
    html_raw(o, "</tbody></table></div></section>\n");

    html_fmt(o,
             "<section aria-labelledby=\"challenges\"><h2 id=\"challenges\">%s</h2>"
             "<ul class=\"checklist\"><li>%s</li><li>%s</li><li>%s</li></ul></section>\n",
             T(L, MSG_HOME_CHALLENGES), T(L, MSG_HOME_CH1), T(L, MSG_HOME_CH2), T(L, MSG_HOME_CH3));
    layout_end(r);
    if (key) { /* kept if it ends up whole (server_hook_finish) */
        r->cache_key = key;
        r->cache_version = figures_v;
    }
}
