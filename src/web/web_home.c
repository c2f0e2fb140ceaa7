/* web_home.c: the home page: what SCAN is, in the reader's language
 * (../shared/DOMAIN.md section 1). The headline numbers are the panorama's
 * "at a glance" block (web_home_panorama: computed from the figures of
 * SCAN clusters' members, each number linking to its source). */
#include <string.h>

#include "core/timeutil.h"
#include "html/chart.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/figures.h"
#include "model/news.h"
#include "model/org.h"
#include "web/web.h"
#include "web/web_figures.h"
#include "web/web_news.h"

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
        /* the key also names the clock's part: the next moment a scheduled
         * news item comes due (as /news does: the newest news appear on
         * time, not up to an hour late), and the hour for the next events
         * and open calls. A warm hit reads both from memory and is
         * answered on the I/O thread with no SQL. */
        int64_t now = time_now(), next = 0, dir_v = 0;
        if (!web_news_due(r, now, &dir_v, &next, "home cache key"))
            return;
        key = wf_cache_key(
            r, arena_printf(r->a, "home|%lld|%lld", (long long)(now / 3600), (long long)next),
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

    /* web_panorama.c: the one set of headline numbers (SCAN clusters'
     * members, each linking to its source), the map, news, events, calls.
     * The founders' own totals were a second set that disagreed with it
     * at a glance; they stay on /figures?scope=founders. */
    if (!web_home_panorama(r))
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
