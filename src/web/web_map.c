/* web_map.c: the district map of Serbia and the location quotient (issue
 * 17).
 *
 *   GET /map    the 25 districts and the City of Belgrade coloured by a
 *               chosen measure (?measure=, ?year=), with its table beside
 *               it (every district linking to the directory filtered to
 *               it, its sectors with a location quotient above 1), the
 *               table as CSV and XLSX (?format=csv|xlsx)
 *
 * and web_lq_section(), a cluster's location quotient for its profile.
 * The tiles are chart_districts (html/chart_map.c); the counts come from
 * panorama.h (directory, population, reference employment) and the yearly
 * figures from figures_total grouped by district (members counted once).
 * Anonymous renders are kept by page_cache.c keyed by the data versions
 * (RF_FAST: a repeated hit is answered on the I/O thread). */
#include <string.h>

#include "core/strutil.h"
#include "html/chart.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/figures.h"
#include "model/panorama.h"
#include "web/table.h"
#include "web/web.h"
#include "web/web_figures.h"
#include "web/web_org.h"

/* The measures, in the order of the form. */
typedef enum {
    M_CLUSTERS,
    M_ORGS,
    M_MEMBERS,
    M_EMPLOYEES,
    M_REVENUE,
    M_EXPORTS,
    M_EXPORT_SHARE,
    M_ORGS_PER_100K,
    M_EMPLOYEES_PER_1000,
    M__COUNT
} map_measure;

static const struct {
    const char *code;
    msg_id label;
    bool yearly; /* from the year's figures */
    bool percap; /* divided by population (tenths) */
    chart_unit unit;
} measures[M__COUNT] = {
    {"clusters", MSG_MAP_M_CLUSTERS, false, false, CHART_UNIT_COUNT},
    {"orgs", MSG_MAP_M_ORGS, false, false, CHART_UNIT_COUNT},
    {"members", MSG_MAP_M_MEMBERS, true, false, CHART_UNIT_COUNT},
    {"employees", MSG_MAP_M_EMPLOYEES, true, false, CHART_UNIT_COUNT},
    {"revenue", MSG_MAP_M_REVENUE, true, false, CHART_UNIT_MONEY_CENTS},
    {"exports", MSG_MAP_M_EXPORTS, true, false, CHART_UNIT_MONEY_CENTS},
    {"export_share", MSG_MAP_M_EXPORT_SHARE, true, false, CHART_UNIT_BP},
    {"orgs_per_100k", MSG_MAP_M_ORGS_PER_100K, false, true, CHART_UNIT_COUNT},
    {"employees_per_1000", MSG_MAP_M_EMPLOYEES_PER_1000, true, true, CHART_UNIT_COUNT},
};

/* Tenths with the reader's decimal sign: 123 -> "12.3" / "12,3". */
static void fmt_tenths(buf *out, lang_id lang, int64_t v, bool compact, void *ctx)
{
    (void)compact;
    (void)ctx;
    i18n_fmt_int(out, lang, v / 10);
    buf_printf(out, "%c%d", lang == LANG_EN ? '.' : ',', (int)(v % 10));
}

typedef struct map_page {
    map_measure m;
    int year;
    int *years;
    size_t n_years;
    pano_district *dist;
    size_t n_dist;
    figure_total *fig; /* by district, for yearly measures */
    size_t n_fig;
    int lq_year;
    bool lq_demo;
    const char *lq_source;
    pano_lq *lq; /* members' specialised sectors (panorama_lq_members) */
    size_t n_lq;
    bool lq_fig_demo; /* some members' figures behind them are demo data */
    int64_t *values;  /* per district, CHART_NONE when none */
    bool any_demo;
} map_page;

static const figure_total *fig_of(const map_page *p, const char *code)
{
    for (size_t i = 0; i < p->n_fig; i++)
        if (p->fig[i].key && strcmp(p->fig[i].key, code) == 0)
            return &p->fig[i];
    return NULL;
}

/* The value of the chosen measure for district i (CHART_NONE: no data). */
static int64_t value_of(const map_page *p, size_t i)
{
    const pano_district *d = &p->dist[i];
    const figure_total *f = fig_of(p, d->code);
    bool rep = f && f->reported > 0;
    switch (p->m) {
    case M_CLUSTERS:
        return d->clusters;
    case M_ORGS:
        return d->orgs;
    case M_MEMBERS:
        return f ? f->members : 0;
    case M_EMPLOYEES:
        return rep ? f->employees : CHART_NONE;
    case M_REVENUE:
        return rep ? f->revenue_eur : CHART_NONE;
    case M_EXPORTS:
        return rep ? f->exports_eur : CHART_NONE;
    case M_EXPORT_SHARE:
        return rep && f->export_share_bp >= 0 ? f->export_share_bp : CHART_NONE;
    case M_ORGS_PER_100K: {
        int64_t v = panorama_per_capita(d->orgs, d->population, 100000);
        return v < 0 ? CHART_NONE : v;
    }
    case M_EMPLOYEES_PER_1000: {
        int64_t v = rep ? panorama_per_capita(f->employees, d->population, 1000) : -1;
        return v < 0 ? CHART_NONE : v;
    }
    default:
        return CHART_NONE;
    }
}

/* Reads ?measure and ?year (4xx written, false, on a bad one) and loads
 * the data. */
static bool load(req *r, map_page *p, bool from_query)
{
    lang_id L = r->lang;
    memset(p, 0, sizeof *p);
    const char *m = from_query ? req_query(r, "measure") : NULL;
    p->m = M_CLUSTERS;
    if (!str_empty(m)) {
        int i = 0;
        while (i < M__COUNT && strcmp(m, measures[i].code) != 0)
            i++;
        if (i == M__COUNT) {
            resp_error(r, 400, T(L, MSG_MAP_BAD_MEASURE));
            return false;
        }
        p->m = (map_measure)i;
    }
    db_status st = figures_years(r->db, r->a, &p->years, &p->n_years);
    const char *y = from_query ? req_query(r, "year") : NULL;
    if (st == DB_OK && !str_empty(y)) {
        int64_t v;
        if (!str_to_i64(y, &v) || v < FIG_YEAR_FIRST || v > FIG_YEAR_LAST) {
            resp_error(r, 400, T(L, MSG_FIG_BAD_YEAR));
            return false;
        }
        p->year = (int)v;
    } else if (st == DB_OK && p->n_years) {
        figure_total passed = {0};
        st = figures_default_year(r->db, r->a, FIG_SCOPE_SCAN, 0, p->years, p->n_years, &p->year,
                                  &passed);
    } else if (st == DB_OK) {
        p->year = wf_this_year() - 1;
    }
    if (st == DB_OK)
        st = panorama_districts(r->db, r->a, &p->dist, &p->n_dist);
    if (st == DB_OK) {
        figure_query q = {.scope = FIG_SCOPE_SCAN, .group = FIG_GROUP_DISTRICT, .year = p->year};
        st = figures_total(r->db, r->a, &q, &p->fig, &p->n_fig);
    }
    if (st == DB_OK && from_query) /* the home's map has no table to show them */
        st = panorama_lq_year(r->db, r->a, &p->lq_year, &p->lq_demo, &p->lq_source);
    if (st == DB_OK && p->lq_year) /* members' employment of the map's year */
        st = panorama_lq_members(r->db, r->a, p->year, p->lq_year, &p->lq, &p->n_lq,
                                 &p->lq_fig_demo);
    if (st != DB_OK) {
        resp_fail(r, st, "map data");
        return false;
    }
    for (size_t i = 0; i < p->n_fig && measures[p->m].yearly; i++)
        p->any_demo |= p->fig[i].any_demo;
    p->values = arena_alloc(r->a, (p->n_dist + 1) * sizeof *p->values);
    if (!p->values) {
        resp_fail(r, DB_NOMEM, "map values");
        return false;
    }
    for (size_t i = 0; i < p->n_dist; i++)
        p->values[i] = value_of(p, i);
    return true;
}

/* The district's name in the reader's language (Latin derived). */
static const char *district_name(req *r, const pano_district *d)
{
    return web_org_text(r, d->label_sr, d->label_en);
}

/* Where a district's tile and row link: the directory filtered to it
 * (clusters only for the clusters measure). */
static const char *district_href(req *r, const map_page *p, const pano_district *d)
{
    return p->m == M_CLUSTERS ? arena_printf(r->a, "/orgs?district=%s&kind=cluster", d->code)
                              : arena_printf(r->a, "/orgs?district=%s", d->code);
}

#define LQ_SHOWN 4 /* sectors named per district, strongest first */

/* "Manufacturing (C) 1.42, Information and communication (J) 1.10" for
 * district code, section names in the reader's language (arena; NULL
 * when none). */
static const char *lq_text(req *r, const map_page *p, web_refs *refs, const char *code)
{
    buf b = BUF_INIT;
    int shown = 0;
    for (size_t i = 0; i < p->n_lq; i++) {
        if (strcmp(p->lq[i].district, code) != 0)
            continue;
        if (shown == LQ_SHOWN) { /* the strongest few, then an ellipsis */
            buf_puts(&b, ", \xE2\x80\xA6");
            break;
        }
        shown++;
        if (b.len)
            buf_puts(&b, ", ");
        const char *label = web_refs_label(r, refs, WREF_NACE, p->lq[i].nace);
        if (label && strcmp(label, p->lq[i].nace) != 0)
            buf_printf(&b, "%s (%s) ", label, p->lq[i].nace);
        else
            buf_printf(&b, "%s ", p->lq[i].nace);
        buf_printf(&b, "%lld%c%02lld", (long long)(p->lq[i].lq / 100),
                   r->lang == LANG_EN ? '.' : ',', (long long)(p->lq[i].lq % 100));
    }
    const char *s = b.len && !buf_failed(&b) ? arena_strdup(r->a, buf_str(&b)) : NULL;
    buf_free(&b);
    return s;
}

/* The districts' table. with_lq: a column of the members' specialised
 * sectors (the downloads; the page lists them under the table instead,
 * where long sector names wrap without making a phone's table scroll). */
/* The members' specialised sectors, district by district (those with
 * any), as a list under the table: a name and its sectors. */
static void lq_list(req *r, const map_page *p)
{
    if (!p->n_lq)
        return;
    lang_id L = r->lang;
    buf *o = &r->out;
    web_refs refs = {0};
    html_fmt(o,
             "<section class=\"fig-section map-lq\" aria-labelledby=\"map-lq\"><h2 id=\"map-lq\">%s"
             "</h2><dl class=\"map-lq-list\">",
             T(L, MSG_MAP_COL_LQ_MEMBERS));
    for (size_t i = 0; i < p->n_dist; i++) {
        const char *text = lq_text(r, p, &refs, p->dist[i].code);
        if (text)
            html_fmt(o, "<dt><a href=\"%s\">%s</a></dt><dd>%s</dd>",
                     district_href(r, p, &p->dist[i]), district_name(r, &p->dist[i]), text);
    }
    html_raw(o, "</dl></section>\n");
}

/* The reference employment's source for a sentence: as typed (often
 * Serbian) in the reader's script; the demo's own illustrative table in
 * the reader's language (its stored source is one English line, which
 * read as untranslated on Serbian pages). */
static const char *lq_source_text(req *r, bool demo, const char *source)
{
    if (demo)
        return T(r->lang, MSG_MAP_LQ_DEMO_SOURCE);
    const char *s = source ? web_org_text(r, source, NULL) : NULL;
    return s ? s : "";
}

static table *map_table(req *r, const map_page *p, bool with_lq)
{
    lang_id L = r->lang;
    table_kind k = measures[p->m].percap                           ? TABLE_TEXT
                   : measures[p->m].unit == CHART_UNIT_MONEY_CENTS ? TABLE_MONEY_CENTS
                   : measures[p->m].unit == CHART_UNIT_BP          ? TABLE_BP_PERCENT
                                                                   : TABLE_INT;
    /* the directory's two counts always, the chosen measure when it is
     * another one */
    bool own = p->m != M_CLUSTERS && p->m != M_ORGS;
    table_col cols[6];
    size_t nc = 0, c_val = 0, c_orgs, c_cl, c_pop, c_lq = 0;
    cols[nc++] = (table_col){T(L, MSG_MAP_COL_DISTRICT), TABLE_LINK, TABLE_ALIGN_LEFT, false};
    if (own) {
        c_val = nc;
        cols[nc++] =
            (table_col){T(L, measures[p->m].label), k,
                        measures[p->m].percap ? TABLE_ALIGN_RIGHT : TABLE_ALIGN_AUTO, true};
    }
    c_cl = nc;
    cols[nc++] = (table_col){T(L, MSG_MAP_COL_CLUSTERS), TABLE_LINK, TABLE_ALIGN_RIGHT, false};
    c_orgs = nc;
    cols[nc++] = (table_col){T(L, MSG_MAP_COL_ORGS), TABLE_LINK, TABLE_ALIGN_RIGHT, false};
    c_pop = nc;
    cols[nc++] = (table_col){T(L, MSG_MAP_COL_POPULATION), TABLE_INT, TABLE_ALIGN_AUTO, false};
    if (with_lq) {
        c_lq = nc;
        cols[nc++] = (table_col){T(L, MSG_MAP_COL_LQ_MEMBERS), TABLE_TEXT, TABLE_ALIGN_LEFT, false};
    }
    const char *title = measures[p->m].yearly
                            ? arena_printf(r->a, "%s, %d", T(L, measures[p->m].label), p->year)
                            : T(L, measures[p->m].label);
    table *t = table_new(r->a, title, cols, nc);
    if (!t)
        return NULL;
    t->id = "map-table";
    buf v = BUF_INIT;
    web_refs refs = {0};
    for (size_t i = 0; i < p->n_dist; i++) {
        const pano_district *d = &p->dist[i];
        size_t row = table_add_row(t);
        table_set_link(t, row, 0, district_name(r, d), district_href(r, p, d));
        if (own && p->values[i] != CHART_NONE) {
            if (measures[p->m].percap) {
                buf_reset(&v);
                fmt_tenths(&v, L, p->values[i], false, NULL);
                table_set_text(t, row, c_val, buf_str(&v));
            } else {
                table_set_int(t, row, c_val, p->values[i]);
            }
        }
        buf_reset(&v);
        i18n_fmt_int(&v, L, d->clusters);
        table_set_link(t, row, c_cl, buf_str(&v),
                       arena_printf(r->a, "/orgs?district=%s&kind=cluster", d->code));
        buf_reset(&v);
        i18n_fmt_int(&v, L, d->orgs);
        table_set_link(t, row, c_orgs, buf_str(&v),
                       arena_printf(r->a, "/orgs?district=%s", d->code));
        if (d->population > 0)
            table_set_int(t, row, c_pop, d->population);
        if (with_lq)
            table_set_text(t, row, c_lq, lq_text(r, p, &refs, d->code));
    }
    if (buf_failed(&v))
        t->failed = true;
    buf_free(&v);
    return t->failed ? NULL : t;
}

/* The measure and year form: a plain GET form. */
static void controls(req *r, const map_page *p)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_fmt(o,
             "<form class=\"fig-controls map-controls\" method=\"get\" action=\"/map\"><div "
             "class=\"field\">"
             "<label for=\"map-measure\">%s</label><select id=\"map-measure\" name=\"measure\">",
             T(L, MSG_MAP_MEASURE));
    for (int i = 0; i < M__COUNT; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", measures[i].code,
                 (int)p->m == i ? " selected" : "", T(L, measures[i].label));
    html_fmt(o,
             "</select></div><div class=\"field\"><label for=\"map-year\">%s</label>"
             "<select id=\"map-year\" name=\"year\">",
             T(L, MSG_FIG_YEAR));
    bool listed = false;
    for (size_t i = 0; i < p->n_years; i++)
        listed |= p->years[i] == p->year;
    if (!listed)
        html_fmt(o, "<option value=\"%d\" selected>%d</option>", p->year, p->year);
    for (size_t i = 0; i < p->n_years; i++)
        html_fmt(o, "<option value=\"%d\"%R>%d</option>", p->years[i],
                 p->years[i] == p->year ? " selected" : "", p->years[i]);
    html_fmt(o,
             "</select></div><div class=\"fig-controls-go\"><button type=\"submit\">%s</button>"
             "</div></form>\n",
             T(L, MSG_FIG_SHOW));
}

/* The map of p's measure (also the home page's). */
static void draw_map(req *r, const map_page *p, const char *id, const char *table_id)
{
    lang_id L = r->lang;
    chart_area *areas = arena_alloc(r->a, (p->n_dist + 1) * sizeof *areas);
    if (!areas) {
        r->out.failed = true;
        return;
    }
    for (size_t i = 0; i < p->n_dist; i++)
        areas[i] = (chart_area){.code = p->dist[i].code,
                                .name = district_name(r, &p->dist[i]),
                                .href = district_href(r, p, &p->dist[i]),
                                .value = p->values[i]};
    const char *sub =
        measures[p->m].yearly ? arena_printf(r->a, T(L, MSG_MAP_SUB_YEAR), p->year) : NULL;
    if (measures[p->m].unit == CHART_UNIT_MONEY_CENTS)
        sub = arena_printf(r->a, "%s%sEUR", sub ? sub : "", sub ? " \xC2\xB7 " : "");
    chart_opts o = {.id = id,
                    .title = T(L, measures[p->m].label),
                    .subtitle = sub,
                    .note = T(L, measures[p->m].percap ? MSG_MAP_NOTE_POP : MSG_MAP_NOTE),
                    .table_id = table_id,
                    .unit = measures[p->m].unit,
                    .fmt = measures[p->m].percap ? fmt_tenths : NULL};
    /* twice: the full map, and the phone layout that narrow screens show
     * in its place (scan.css .map-full, .map-phone), whose labels stay
     * readable at 390 px */
    html_raw(&r->out, "<div class=\"map-full\">");
    chart_districts(&r->out, L, &o, areas, p->n_dist);
    html_raw(&r->out, "</div><div class=\"map-phone\">");
    o.id = arena_printf(r->a, "%s-phone", id);
    o.width = CHART_MAP_PHONE_W;
    if (table_id) /* the phone's tiles carry names only */
        o.note = arena_printf(r->a, "%s %s", o.note, T(L, MSG_MAP_PHONE_NUMBERS));
    if (o.id)
        chart_districts(&r->out, L, &o, areas, p->n_dist);
    html_raw(&r->out, "</div>");
}

void web_map(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    bool cacheable = !r->user && str_empty(req_query(r, "format"));
    const char *key = NULL;
    int64_t version = 0;
    if (cacheable) {
        bool ok;
        key = wf_cache_key(r, "map", &version, &ok);
        if (!ok)
            return;
    }
    /* on the I/O thread (RF_FAST) only a cached page is answered: a miss,
     * or a request that is not cached, goes to a worker */
    if (web_cache_serve(r, key, version))
        return;
    map_page p;
    if (!load(r, &p, true))
        return;
    table *t = map_table(r, &p, !str_empty(req_query(r, "format")));
    if (!t) {
        resp_fail(r, DB_NOMEM, "map table");
        return;
    }
    if (table_respond(r, t, arena_printf(r->a, "map-%s-%d", measures[p.m].code, p.year)))
        return;
    page_meta m = {
        .title = T(L, MSG_MAP_TITLE), .description = T(L, MSG_MAP_LEAD), .nav = "figures"};
    layout_begin(r, &m);
    html_fmt(o,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/figures\">%s</a></li>"
             "</ol></nav>\n<div class=\"page-head\"><div><h1>%s</h1><p class=\"lead\">%s</p></div>"
             "</div>\n",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_NAV_FIGURES), T(L, MSG_MAP_TITLE),
             T(L, MSG_MAP_LEAD));
    if (p.any_demo || ((p.lq_demo || p.lq_fig_demo) && p.n_lq))
        wf_demo_notice(r);
    controls(r, &p);
    html_raw(o, "<div class=\"map-with-table\"><div class=\"map-figure\">");
    draw_map(r, &p, "map", "map-table");
    /* "own": the chosen measure has a column of its own (on a phone the
     * table keeps the district and that column: scan.css) */
    html_fmt(o, "</div><div class=\"map-table%s\">",
             p.m != M_CLUSTERS && p.m != M_ORGS ? " map-table-own" : "");
    table_html(o, L, t);
    table_download_links(o, L, wf_table_url(r, "/map", "districts"), T(L, MSG_MAP_TITLE));
    html_raw(o, "</div></div>\n");
    lq_list(r, &p);
    /* how the numbers are made */
    html_fmt(o,
             "<section class=\"fig-section fig-method\" aria-labelledby=\"map-how\"><h2 "
             "id=\"map-how\">%s</h2><ul><li>%s</li><li>%s</li><li>",
             T(L, MSG_FIG_HOW), T(L, MSG_MAP_HOW_DIR), T(L, MSG_MAP_HOW_FIG));
    buf b = BUF_INIT;
    if (p.lq_year) {
        /* the source as typed (often Serbian): in the reader's script */
        buf_printf(&b, T(L, MSG_MAP_HOW_LQ_MEMBERS), p.year, p.lq_year,
                   lq_source_text(r, p.lq_demo, p.lq_source));
        html_text(o, buf_str(&b));
        if (p.lq_demo)
            html_fmt(o, " <span class=\"badge badge-demo\">%s</span>", T(L, MSG_MAP_LQ_DEMO));
    } else {
        html_text(o, T(L, MSG_MAP_HOW_LQ_NONE));
    }
    buf_reset(&b);
    buf_printf(&b, T(L, MSG_MAP_HOW_POP), 2022);
    html_fmt(o, "</li><li>%s</li></ul></section>\n", buf_str(&b));
    buf_free(&b);
    layout_end(r);
    if (buf_failed(o)) {
        resp_fail(r, DB_NOMEM, "map page");
        return;
    }
    if (key) {
        r->cache_key = key;
        r->cache_version = version;
    }
}

bool web_map_block(req *r)
{
    map_page p;
    if (!load(r, &p, false))
        return false;
    /* the home shows where SCAN clusters' members are */
    p.m = M_MEMBERS;
    for (size_t i = 0; i < p.n_dist; i++)
        p.values[i] = value_of(&p, i);
    html_raw(&r->out, "<div class=\"home-map\">");
    draw_map(r, &p, "home-map", NULL);
    html_raw(&r->out, "</div>");
    return true;
}

/* --- a cluster's location quotient ---------------------------------------- */

void web_lq_section(req *r, const org_rec *org)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    if (!org || !org->district || org->n_sectors == 0)
        return;
    int year = 0;
    bool demo = false;
    const char *source = NULL;
    db_status st = panorama_lq_year(r->db, r->a, &year, &demo, &source);
    if (st != DB_OK || year == 0) {
        if (st != DB_OK)
            r->out.failed = true;
        return;
    }
    web_refs refs = {0};
    bool opened = false;
    char seen[16][4];
    size_t n_seen = 0;
    for (size_t i = 0; i < org->n_sectors && n_seen < 16; i++) {
        int64_t lq = -1, emp = 0;
        char sec[4];
        if (panorama_lq_of(r->db, year, org->district, org->sectors[i], &lq, &emp, sec) != DB_OK) {
            r->out.failed = true;
            return;
        }
        if (lq < 0)
            continue;
        /* a section once, whichever of its divisions are listed */
        bool dup = false;
        for (size_t k = 0; k < n_seen; k++)
            dup |= strcmp(seen[k], sec) == 0;
        if (dup)
            continue;
        memcpy(seen[n_seen++], sec, sizeof sec);
        if (!opened) {
            html_fmt(o,
                     "<section class=\"lq\" aria-labelledby=\"lq-h\"><h2 id=\"lq-h\">%s</h2>"
                     "<ul class=\"lq-list\">",
                     T(L, MSG_LQ_TITLE));
            opened = true;
        }
        buf b = BUF_INIT;
        buf_printf(&b, T(L, MSG_LQ_LINE), web_refs_label(r, &refs, WREF_NACE, sec),
                   web_refs_label(r, &refs, WREF_DISTRICT, org->district), (long long)(lq / 100),
                   L == LANG_EN ? '.' : ',', (long long)(lq % 100));
        html_fmt(o, "<li><strong>%s</strong> %s</li>", buf_str(&b),
                 T(L, lq > 100 ? MSG_LQ_ABOVE : MSG_LQ_BELOW));
        buf_free(&b);
    }
    if (!opened)
        return;
    buf b = BUF_INIT;
    buf_printf(&b, T(L, MSG_LQ_SOURCE), year, lq_source_text(r, demo, source));
    html_fmt(o, "</ul><p class=\"muted\">%s", buf_str(&b));
    if (demo)
        html_fmt(o, " <span class=\"badge badge-demo\">%s</span>", T(L, MSG_MAP_LQ_DEMO));
    html_fmt(o, " <a href=\"/map\">%s</a></p></section>\n", T(L, MSG_LQ_MAP_LINK));
    buf_free(&b);
}
