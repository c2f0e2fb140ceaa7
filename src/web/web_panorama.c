/* web_panorama.c: the cluster panorama and what a cluster shows of itself
 * elsewhere (issue 17).
 *
 *   GET /panorama               every cluster as a card or a table row
 *                               (?view=cards|table), filtered by stage,
 *                               sector and region, sorted (?sort=), with
 *                               the stage distribution and its change over
 *                               the years as a chart with its table
 *   GET /orgs/{slug}/badge.svg  an embeddable SVG badge of a cluster's key
 *                               numbers: fixed size, no script, escaped
 *                               text, Cache-Control and an ETag
 *   GET /orgs/{slug}/share      the badge with the snippet to embed it
 *
 * and web_home_panorama(), the home page's "at a glance" block: the
 * numbers with their sources, the map, the next events and the open
 * funding calls. Data from panorama.h and figures.h; this file shapes it. */
#include <stdlib.h>
#include <string.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/chart.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/event.h"
#include "model/figures.h"
#include "model/news.h"
#include "model/panorama.h"
#include "web/table.h"
#include "web/web.h"
#include "web/web_figures.h"
#include "web/web_org.h"

/* --- GET /panorama ----------------------------------------------------------- */

enum { S_NAME, S_MEMBERS, S_EMPLOYEES, S_STAGE, S__COUNT };
static const struct {
    const char *code;
    msg_id label;
} sorts[S__COUNT] = {{"name", MSG_PAN_SORT_NAME},
                     {"members", MSG_PAN_SORT_MEMBERS},
                     {"employees", MSG_PAN_SORT_EMPLOYEES},
                     {"stage", MSG_PAN_SORT_STAGE}};

typedef struct pan_state {
    const char *stage;  /* a pano_stages code, "path", or NULL */
    const char *sector; /* a NACE section letter or NULL */
    const char *region; /* a region code or NULL */
    int sort;
    bool table; /* view=table */
    int year;   /* of the employees */
} pan_state;

static int stage_index(const char *stage)
{
    for (int i = 0; i < PANO_N_STAGES - 1; i++)
        if (stage && strcmp(stage, pano_stages[i]) == 0)
            return i;
    return PANO_N_STAGES - 1;
}

static const char *stage_label(lang_id L, const char *stage)
{
    return stage ? wf_stage_label(L, stage) : T(L, MSG_PAN_STAGE_NONE);
}

/* The req for the sort comparators (qsort has no context). */
static _Thread_local req *t_req;

static const char *cluster_name(req *r, const pano_cluster *c)
{
    org_rec o = {.name = c->name, .name_en = c->name_en};
    return web_org_name(r, &o);
}

static int by_name(const void *pa, const void *pb)
{
    const pano_cluster *a = pa, *b = pb;
    return strcmp(cluster_name(t_req, a), cluster_name(t_req, b));
}

static const char *name_of(const void *item)
{
    return cluster_name(t_req, item);
}

static int cmp_i64_desc(int64_t a, int64_t b)
{
    return (a < b) - (a > b);
}

static int by_members(const void *pa, const void *pb)
{
    const pano_cluster *a = pa, *b = pb;
    int c = cmp_i64_desc(a->members, b->members);
    return c ? c : by_name(pa, pb);
}

static int by_employees(const void *pa, const void *pb)
{
    const pano_cluster *a = pa, *b = pb;
    int c = cmp_i64_desc(a->employees, b->employees);
    return c ? c : by_name(pa, pb);
}

/* The most developed first, "none recorded" last. */
static int stage_rank(const char *stage)
{
    int i = stage_index(stage);
    return i == PANO_N_STAGES - 1 ? -1 : i;
}

static int by_stage(const void *pa, const void *pb)
{
    const pano_cluster *a = pa, *b = pb;
    int c = stage_rank(b->stage) - stage_rank(a->stage);
    return c ? c : by_name(pa, pb);
}

/* Reads the query (4xx written, false, on a bad value). */
static bool pan_parse(req *r, pan_state *s)
{
    lang_id L = r->lang;
    memset(s, 0, sizeof *s);
    const char *v = req_query(r, "stage");
    if (!str_empty(v)) {
        if (strcmp(v, "path") != 0 && stage_index(v) == PANO_N_STAGES - 1 &&
            strcmp(v, "none") != 0) {
            resp_error(r, 400, T(L, MSG_PAN_BAD_FILTER));
            return false;
        }
        s->stage = v;
    }
    v = req_query(r, "sector");
    if (!str_empty(v)) {
        if (strlen(v) != 1 || v[0] < 'A' || v[0] > 'U') {
            resp_error(r, 400, T(L, MSG_PAN_BAD_FILTER));
            return false;
        }
        s->sector = v;
    }
    v = req_query(r, "region");
    if (!str_empty(v)) {
        if (strlen(v) > 8) {
            resp_error(r, 400, T(L, MSG_PAN_BAD_FILTER));
            return false;
        }
        s->region = v;
    }
    v = req_query(r, "sort");
    s->sort = S_NAME;
    if (!str_empty(v)) {
        int i = 0;
        while (i < S__COUNT && strcmp(v, sorts[i].code) != 0)
            i++;
        if (i == S__COUNT) {
            resp_error(r, 400, T(L, MSG_PAN_BAD_FILTER));
            return false;
        }
        s->sort = i;
    }
    v = req_query(r, "view");
    if (!str_empty(v)) {
        if (strcmp(v, "table") != 0 && strcmp(v, "cards") != 0) {
            resp_error(r, 400, T(L, MSG_PAN_BAD_FILTER));
            return false;
        }
        s->table = strcmp(v, "table") == 0;
    }
    return true;
}

static bool keep(const pan_state *s, const pano_cluster *c)
{
    if (s->stage) {
        if (strcmp(s->stage, "path") == 0) {
            if (!panorama_finding_path(c->stage))
                return false;
        } else if (strcmp(s->stage, "none") == 0) {
            if (c->stage)
                return false;
        } else if (!c->stage || strcmp(c->stage, s->stage) != 0) {
            return false;
        }
    }
    if (s->sector && (!c->sector || strcmp(c->sector, s->sector) != 0))
        return false;
    if (s->region && (!c->region || strcmp(c->region, s->region) != 0))
        return false;
    return true;
}

/* One <select> of the filter form over codes[] / labels[] (n of them)
 * with "any" first. */
static void select_field(req *r, const char *id, const char *name, msg_id label,
                         const char *const *codes, const char *const *labels, size_t n,
                         const char *chosen, bool with_any)
{
    lang_id L = r->lang;
    html_fmt(&r->out,
             "<div class=\"field\"><label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\">", id,
             T(L, label), id, name);
    if (with_any)
        html_fmt(&r->out, "<option value=\"\">%s</option>", T(L, MSG_PAN_ANY));
    for (size_t i = 0; i < n; i++)
        html_fmt(&r->out, "<option value=\"%s\"%R>%s</option>", codes[i],
                 chosen && strcmp(chosen, codes[i]) == 0 ? " selected" : "", labels[i]);
    html_raw(&r->out, "</select></div>");
}

static void pan_form(req *r, const pan_state *s, web_refs *refs)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    html_raw(o, "<form class=\"fig-controls pan-controls\" method=\"get\" action=\"/panorama\">");
    const char *stage_codes[PANO_N_STAGES + 1] = {"path"};
    const char *stage_labels[PANO_N_STAGES + 1] = {T(L, MSG_PAN_STAGE_PATH)};
    for (int i = 0; i < PANO_N_STAGES; i++) {
        stage_codes[i + 1] = pano_stages[i];
        stage_labels[i + 1] =
            i == PANO_N_STAGES - 1 ? T(L, MSG_PAN_STAGE_NONE) : wf_stage_label(L, pano_stages[i]);
    }
    select_field(r, "pan-stage", "stage", MSG_PAN_STAGE, stage_codes, stage_labels,
                 PANO_N_STAGES + 1, s->stage, true);
    /* sections and regions from the reference tables */
    size_t n_nace = 0, n_reg = 0;
    const ref_item *nace = web_refs_items(r, refs, WREF_NACE, &n_nace);
    const ref_item *reg = web_refs_items(r, refs, WREF_REGION, &n_reg);
    const char **codes = arena_alloc(r->a, (n_nace + n_reg + 1) * sizeof *codes);
    const char **labels = arena_alloc(r->a, (n_nace + n_reg + 1) * sizeof *labels);
    if (!codes || !labels) {
        o->failed = true;
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n_nace; i++)
        if (nace[i].code && strlen(nace[i].code) == 1) {
            codes[k] = nace[i].code;
            labels[k++] = arena_printf(r->a, "%s \xE2\x80\x93 %s", nace[i].code,
                                       web_refs_label(r, refs, WREF_NACE, nace[i].code));
        }
    select_field(r, "pan-sector", "sector", MSG_PAN_SECTOR, codes, labels, k, s->sector, true);
    k = 0;
    for (size_t i = 0; i < n_reg; i++) {
        codes[k] = reg[i].code;
        labels[k++] = web_refs_label(r, refs, WREF_REGION, reg[i].code);
    }
    select_field(r, "pan-region", "region", MSG_PAN_REGION, codes, labels, k, s->region, true);
    const char *sort_codes[S__COUNT], *sort_labels[S__COUNT];
    for (int i = 0; i < S__COUNT; i++) {
        sort_codes[i] = sorts[i].code;
        sort_labels[i] = T(L, sorts[i].label);
    }
    select_field(r, "pan-sort", "sort", MSG_PAN_SORT, sort_codes, sort_labels, S__COUNT,
                 sorts[s->sort].code, false);
    html_fmt(
        o,
        "<fieldset class=\"field\"><legend>%s</legend><div class=\"radios-inline\">"
        "<label class=\"choice\"><input type=\"radio\" name=\"view\" value=\"cards\"%R> %s</label>"
        "<label class=\"choice\"><input type=\"radio\" name=\"view\" value=\"table\"%R> %s</label>"
        "</div></fieldset><div class=\"fig-controls-go\"><button type=\"submit\">%s</button>"
        "</div></form>\n",
        T(L, MSG_PAN_VIEW), s->table ? "" : " checked", T(L, MSG_PAN_VIEW_CARDS),
        s->table ? " checked" : "", T(L, MSG_PAN_VIEW_TABLE), T(L, MSG_FIG_SHOW));
}

/* The stage distribution over the last ten years: a line per stage and
 * its table. The query's failure is returned (the page answers with it:
 * marking the buffer failed made every failure "out of memory"). */
static db_status stage_history(req *r, const pano_cluster *all, size_t n_all)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    int last = wf_this_year(), first = last - 9;
    int64_t *counts = NULL;
    db_status st = panorama_stage_history(r->db, r->a, first, last, &counts);
    if (st != DB_OK)
        return st;
    size_t path = 0;
    for (size_t i = 0; i < n_all; i++)
        path += panorama_finding_path(all[i].stage);
    html_fmt(o,
             "<section class=\"fig-section\" aria-labelledby=\"pan-stages\"><h2 "
             "id=\"pan-stages\">%s</h2>",
             T(L, MSG_PAN_STAGES));
    buf b = BUF_INIT;
    buf_printf(&b, T(L, MSG_PAN_PATH_SENTENCE), (long long)path, (long long)n_all);
    html_fmt(o, "<p class=\"pan-path\"><a href=\"/panorama?stage=path\">%s</a></p>", buf_str(&b));
    buf_free(&b);
    int years[10];
    int64_t vals[PANO_N_STAGES][10];
    chart_series series[PANO_N_STAGES];
    for (int y = 0; y < 10; y++)
        years[y] = first + y;
    for (int s = 0; s < PANO_N_STAGES; s++) {
        for (int y = 0; y < 10; y++)
            vals[s][y] = counts[y * PANO_N_STAGES + s];
        series[s] =
            (chart_series){.name = s == PANO_N_STAGES - 1 ? T(L, MSG_PAN_STAGE_NONE)
                                                          : wf_stage_label(L, pano_stages[s]),
                           .values = vals[s]};
    }
    chart_opts co = {.id = "pan-stage-chart",
                     .title = T(L, MSG_PAN_STAGES_CHART),
                     .subtitle = arena_printf(r->a, "%d\xE2\x80\x93%d", first, last),
                     .table_id = "pan-stage-table",
                     .unit = CHART_UNIT_COUNT,
                     .width = 380}; /* a narrow canvas: labels readable on a phone */
    chart_line(o, L, &co, years, 10, series, PANO_N_STAGES);
    table_col cols[PANO_N_STAGES + 1] = {{T(L, MSG_FIG_YEAR), TABLE_TEXT, TABLE_ALIGN_LEFT, false}};
    for (int s = 0; s < PANO_N_STAGES; s++)
        cols[s + 1] = (table_col){series[s].name, TABLE_INT, TABLE_ALIGN_AUTO, false};
    table *t = table_new(r->a, T(L, MSG_PAN_STAGES_CHART), cols, PANO_N_STAGES + 1);
    if (!t) {
        o->failed = true;
        return DB_OK;
    }
    t->id = "pan-stage-table";
    for (int y = 0; y < 10; y++) {
        size_t row = table_add_row(t);
        table_set_text(t, row, 0, arena_printf(r->a, "%d", years[y]));
        for (int s = 0; s < PANO_N_STAGES; s++)
            table_set_int(t, row, (size_t)s + 1, vals[s][y]);
    }
    table_html(o, L, t);
    html_raw(o, "</section>\n");
    return DB_OK;
}

static void cluster_card(req *r, web_refs *refs, const pano_cluster *c, int year)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    buf m = BUF_INIT, e = BUF_INIT;
    i18n_fmt_int(&m, L, c->members);
    if (c->employees >= 0)
        i18n_fmt_int(&e, L, c->employees);
    html_fmt(o,
             "<li class=\"card pan-card\"><h3><a href=\"/orgs/%q\">%s</a></h3>"
             "<dl class=\"pan-facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
             "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>",
             c->slug, cluster_name(r, c), T(L, MSG_PAN_STAGE), stage_label(L, c->stage),
             T(L, MSG_PAN_SECTOR),
             c->sector ? web_refs_label(r, refs, WREF_NACE, c->sector) : T(L, MSG_PAN_UNKNOWN),
             T(L, MSG_PAN_REGION),
             c->region ? web_refs_label(r, refs, WREF_REGION, c->region) : T(L, MSG_PAN_UNKNOWN),
             T(L, MSG_PAN_MEMBERS), buf_str(&m),
             arena_printf(r->a, T(L, MSG_PAN_EMPLOYEES_YEAR), year),
             c->employees >= 0 ? buf_str(&e) : T(L, MSG_CHART_ROW_NO_DATA));
    if (c->is_demo)
        html_fmt(o, "<span class=\"badge badge-demo\">%s</span>", T(L, MSG_DIR_DEMO));
    html_raw(o, "</li>\n");
    buf_free(&m);
    buf_free(&e);
}

void web_panorama(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    bool cacheable = !r->user && str_empty(req_query(r, "format"));
    const char *key = NULL;
    int64_t version = 0;
    if (cacheable) {
        bool ok;
        key = wf_cache_key(r, "panorama", &version, &ok);
        if (!ok)
            return;
    }
    /* on the I/O thread (RF_FAST) only a cached page is answered: a miss,
     * or a request that is not cached, goes to a worker */
    if (web_cache_serve(r, key, version))
        return;
    pan_state s;
    if (!pan_parse(r, &s))
        return;
    int *years = NULL;
    size_t n_years = 0;
    db_status st = figures_years(r->db, r->a, &years, &n_years);
    s.year = wf_this_year() - 1;
    if (st == DB_OK && n_years) {
        figure_total passed = {0};
        st = figures_default_year(r->db, r->a, FIG_SCOPE_SCAN, 0, years, n_years, &s.year, &passed);
    }
    char today[11];
    wf_today(today);
    pano_cluster *all = NULL;
    size_t n_all = 0;
    if (st == DB_OK)
        st = panorama_clusters(r->db, r->a, today, s.year, &all, &n_all);
    if (st != DB_OK) {
        resp_fail(r, st, "panorama");
        return;
    }
    pano_cluster *shown = n_all ? arena_alloc(r->a, n_all * sizeof *shown) : NULL;
    if (n_all && !shown) {
        resp_fail(r, DB_NOMEM, "panorama");
        return;
    }
    size_t n = 0;
    bool any_demo = false;
    for (size_t i = 0; i < n_all; i++)
        if (keep(&s, &all[i])) {
            shown[n++] = all[i];
            any_demo |= all[i].is_demo;
        }
    t_req = r;
    if (!web_sort_by_name(r, shown, n, sizeof *shown, name_of)) {
        resp_fail(r, DB_NOMEM, "panorama sort");
        return;
    }
    if (s.sort != S_NAME) /* stable enough: ties by name through the comparator */
        qsort(shown, n, sizeof *shown,
              s.sort == S_MEMBERS     ? by_members
              : s.sort == S_EMPLOYEES ? by_employees
                                      : by_stage);
    web_refs refs = {0};
    const table_col cols[] = {
        {T(L, MSG_PAN_COL_CLUSTER), TABLE_LINK, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PAN_STAGE), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PAN_SECTOR), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PAN_REGION), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_PAN_MEMBERS), TABLE_INT, TABLE_ALIGN_AUTO, false},
        {arena_printf(r->a, T(L, MSG_PAN_EMPLOYEES_YEAR), s.year), TABLE_INT, TABLE_ALIGN_AUTO,
         false},
    };
    table *t = table_new(r->a, T(L, MSG_PAN_TITLE), cols, sizeof cols / sizeof cols[0]);
    if (!t) {
        resp_fail(r, DB_NOMEM, "panorama table");
        return;
    }
    t->id = "pan-table";
    for (size_t i = 0; i < n; i++) {
        const pano_cluster *c = &shown[i];
        size_t row = table_add_row(t);
        table_set_link(t, row, 0, cluster_name(r, c), arena_printf(r->a, "/orgs/%s", c->slug));
        table_set_text(t, row, 1, stage_label(L, c->stage));
        table_set_text(t, row, 2,
                       c->sector ? web_refs_label(r, &refs, WREF_NACE, c->sector) : NULL);
        table_set_text(t, row, 3,
                       c->region ? web_refs_label(r, &refs, WREF_REGION, c->region) : NULL);
        table_set_int(t, row, 4, c->members);
        if (c->employees >= 0)
            table_set_int(t, row, 5, c->employees);
    }
    if (table_respond(r, t, "panorama"))
        return;

    page_meta m = {
        .title = T(L, MSG_PAN_TITLE), .description = T(L, MSG_PAN_LEAD), .nav = "figures"};
    layout_begin(r, &m);
    html_fmt(o, "<div class=\"page-head\"><div><h1>%s</h1><p class=\"lead\">%s</p></div></div>\n",
             T(L, MSG_PAN_TITLE), T(L, MSG_PAN_LEAD));
    if (any_demo)
        wf_demo_notice(r);
    db_status hs = stage_history(r, all, n_all);
    if (hs != DB_OK) {
        resp_fail(r, hs, "panorama stages");
        return;
    }
    html_fmt(
        o,
        "<section class=\"fig-section\" aria-labelledby=\"pan-list\"><h2 id=\"pan-list\">%s</h2>",
        T(L, MSG_PAN_LIST));
    pan_form(r, &s, &refs);
    buf b = BUF_INIT;
    buf_printf(&b, T(L, MSG_PAN_COUNT), (long long)n, (long long)n_all);
    html_fmt(o, "<p class=\"pan-count\" role=\"status\">%s</p>", buf_str(&b));
    buf_free(&b);
    if (n == 0) {
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_PAN_NONE));
    } else if (s.table) {
        table_html(o, L, t);
        table_download_links(o, L, wf_table_url(r, "/panorama", "clusters"), T(L, MSG_PAN_TITLE));
    } else {
        html_raw(o, "<ul class=\"cards pan-cards\">\n");
        for (size_t i = 0; i < n; i++)
            cluster_card(r, &refs, &shown[i], s.year);
        html_raw(o, "</ul>\n");
    }
    html_raw(o, "</section>\n");
    layout_end(r);
    if (buf_failed(o)) {
        resp_fail(r, DB_NOMEM, "panorama page");
        return;
    }
    if (key) {
        r->cache_key = key;
        r->cache_version = version;
    }
}

/* --- the badge ------------------------------------------------------------------ */

#define BADGE_W CHART_BADGE_W
#define BADGE_H CHART_BADGE_H

/* Loads the cluster {slug} (published, a cluster kind; 404 otherwise) and
 * its numbers: members and employees of its default year. */
static bool badge_data(req *r, org_rec *org, figure_total *t, int *year)
{
    if (!web_org_load(r, org))
        return false;
    if (!wf_is_cluster_kind(org->kind) || !org->status || strcmp(org->status, "published") != 0) {
        resp_error(r, 404, T(r->lang, MSG_FIG_NO_CLUSTER));
        return false;
    }
    int *years = NULL;
    size_t n_years = 0;
    figure_total passed = {0}, *rows = NULL;
    size_t n = 0;
    *year = 0;
    memset(t, 0, sizeof *t);
    db_status st = figures_years(r->db, r->a, &years, &n_years);
    if (st == DB_OK && n_years)
        st = figures_default_year(r->db, r->a, FIG_SCOPE_CLUSTER, org->id, years, n_years, year,
                                  &passed);
    if (st == DB_OK && *year) {
        figure_query q = {.scope = FIG_SCOPE_CLUSTER,
                          .cluster_id = org->id,
                          .group = FIG_GROUP_NONE,
                          .year = *year};
        st = figures_total(r->db, r->a, &q, &rows, &n);
        if (st == DB_OK && n == 1)
            *t = rows[0];
    }
    if (st != DB_OK) {
        resp_fail(r, st, "badge");
        return false;
    }
    return true;
}

void web_org_badge(req *r)
{
    lang_id L = r->lang;
    org_rec org;
    figure_total t;
    int year;
    if (!badge_data(r, &org, &t, &year))
        return;
    buf *o = &r->out;
    const char *name = web_org_name(r, &org);
    buf mem = BUF_INIT, emp = BUF_INIT, line = BUF_INIT;
    i18n_fmt_int(&mem, L, t.members);
    if (t.reported > 0)
        i18n_fmt_int(&emp, L, t.employees);
    buf_printf(&line, T(L, MSG_BADGE_LINE), buf_str(&mem),
               t.reported > 0 ? buf_str(&emp) : "\xE2\x80\x93", year ? year : wf_this_year());
    chart_badge(o, name, buf_str(&line));
    bool failed = mem.failed || emp.failed || line.failed;
    buf_free(&mem);
    buf_free(&emp);
    buf_free(&line);
    if (failed || buf_failed(o)) {
        resp_fail(r, DB_NOMEM, "badge");
        return;
    }
    r->content_type = "image/svg+xml";
    r->cache_control = "public, max-age=3600";
    resp_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
    resp_header(r, "Cross-Origin-Resource-Policy", "cross-origin");
}

void web_org_share(req *r)
{
    lang_id L = r->lang;
    org_rec org;
    figure_total t;
    int year;
    if (!badge_data(r, &org, &t, &year))
        return;
    buf *o = &r->out;
    const char *name = web_org_name(r, &org);
    const char *base = web_base_url(r);
    if (!base)
        base = "";
    page_meta m = {.title = arena_printf(r->a, T(L, MSG_SHARE_TITLE), name), .nav = "directory"};
    layout_begin(r, &m);
    html_fmt(
        o,
        "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/orgs\">%s</a></li>"
        "<li><a href=\"/orgs/%q\">%s</a></li></ol></nav>\n<h1>%s</h1><p class=\"lead\">%s</p>\n",
        T(L, MSG_DIR_BREADCRUMB), T(L, MSG_NAV_DIRECTORY), org.slug, name,
        arena_printf(r->a, T(L, MSG_SHARE_TITLE), name), T(L, MSG_SHARE_LEAD));
    const char *img = arena_printf(r->a, "%s/orgs/%s/badge.svg", base, org.slug);
    const char *page = arena_printf(r->a, "%s/orgs/%s", base, org.slug);
    html_fmt(
        o,
        "<p class=\"share-preview\"><img src=\"/orgs/%q/badge.svg\" width=\"%d\" height=\"%d\" "
        "alt=\"%s\"></p>\n",
        org.slug, BADGE_W, BADGE_H, name);
    buf snip = BUF_INIT;
    html_fmt(&snip,
             "<a href=\"%s\"><img src=\"%s\" width=\"%d\" height=\"%d\" alt=\"%s \xE2\x80\x93 "
             "SCAN\"></a>",
             page, img, BADGE_W, BADGE_H, name);
    html_fmt(
        o,
        "<div class=\"field\"><label for=\"share-snippet\">%s</label>"
        "<textarea id=\"share-snippet\" class=\"share-snippet\" rows=\"4\" readonly>%s</textarea>"
        "<p class=\"hint\">%s</p></div>\n",
        T(L, MSG_SHARE_SNIPPET), buf_str(&snip), T(L, MSG_SHARE_HINT));
    buf_free(&snip);
    layout_end(r);
}

/* --- the home page's "at a glance" ---------------------------------------------- */

/* One number with its label, linked to where it comes from. */
static void glance_stat(req *r, const char *value, msg_id label, const char *href)
{
    html_fmt(&r->out,
             "<li><a class=\"stat-link\" href=\"%s\"><span class=\"stat-value\">%s</span>"
             "<span class=\"stat-label\">%s</span></a></li>",
             href, value, T(r->lang, label));
}

bool web_home_panorama(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    int *years = NULL;
    size_t n_years = 0;
    int year = 0;
    figure_total passed = {0}, *t = NULL;
    size_t n = 0;
    db_status st = figures_years(r->db, r->a, &years, &n_years);
    if (st == DB_OK && n_years)
        st = figures_default_year(r->db, r->a, FIG_SCOPE_SCAN, 0, years, n_years, &year, &passed);
    if (st == DB_OK && year) {
        figure_query q = {.scope = FIG_SCOPE_SCAN, .group = FIG_GROUP_NONE, .year = year};
        st = figures_total(r->db, r->a, &q, &t, &n);
    }
    int64_t clusters = 0;
    if (st == DB_OK)
        st = panorama_cluster_count(r->db, &clusters);
    if (st != DB_OK) {
        resp_fail(r, st, "home panorama");
        return false;
    }
    bool have = n == 1 && t[0].reported > 0;
    html_fmt(o, "<section class=\"glance\" aria-labelledby=\"glance\"><h2 id=\"glance\">%s</h2>",
             have ? arena_printf(r->a, T(L, MSG_HOME_GLANCE_YEAR), year) : T(L, MSG_HOME_GLANCE));
    html_raw(o, "<ul class=\"stats\">");
    buf v = BUF_INIT;
    i18n_fmt_int(&v, L, clusters);
    glance_stat(r, buf_str(&v), MSG_HOME_GLANCE_CLUSTERS, "/panorama");
    if (n == 1) {
        const char *src = arena_printf(r->a, "/figures?year=%d", year);
        buf_reset(&v);
        i18n_fmt_int(&v, L, t[0].members);
        glance_stat(r, buf_str(&v), MSG_HOME_GLANCE_MEMBERS, src);
        if (have) {
            buf_reset(&v);
            i18n_fmt_int(&v, L, t[0].employees);
            glance_stat(r, buf_str(&v), MSG_HOME_GLANCE_EMPLOYEES, src);
            buf_reset(&v);
            chart_fmt_money_compact(&v, L, t[0].revenue_eur);
            glance_stat(r, buf_str(&v), MSG_HOME_GLANCE_REVENUE, src);
            buf_reset(&v);
            chart_fmt_money_compact(&v, L, t[0].exports_eur);
            glance_stat(r, buf_str(&v), MSG_HOME_GLANCE_EXPORTS, src);
        }
    }
    html_raw(o, "</ul>");
    if (have) {
        buf_reset(&v);
        buf_printf(&v, T(L, MSG_HOME_C_SOURCE), (long long)t[0].reported, (long long)t[0].members,
                   year);
        html_fmt(o, "<p class=\"stat-source\">%s", buf_str(&v));
        if (t[0].any_demo)
            html_fmt(o, " <span class=\"badge badge-demo\">%s</span>", T(L, MSG_DIR_DEMO));
        html_fmt(o, " <a href=\"/figures?year=%d\">%s</a></p>", year, T(L, MSG_HOME_C_SOURCE_LINK));
    }
    buf_free(&v);
    html_raw(o, "<div class=\"glance-grid\"><div class=\"glance-map\">");
    if (!web_map_block(r))
        return false;
    html_fmt(o, "<p><a href=\"/map\">%s</a> \xC2\xB7 <a href=\"/panorama\">%s</a></p></div>",
             T(L, MSG_HOME_MAP_LINK), T(L, MSG_HOME_PANORAMA_LINK));
    html_raw(o, "<div class=\"glance-side\">");

    /* SCAN's newest news (absent when there is none) */
    news_rec *news = NULL;
    size_t n_news = 0;
    st = news_latest(r->db, r->a, 0, 3, &news, &n_news);
    if (st != DB_OK) {
        resp_fail(r, st, "home news");
        return false;
    }
    if (n_news) {
        html_fmt(o,
                 "<section aria-labelledby=\"home-news\"><h3 id=\"home-news\">%s</h3>"
                 "<ul class=\"glance-list\">",
                 T(L, MSG_NEWS_TITLE));
        for (size_t i = 0; i < n_news; i++) {
            const char *title = r->lang == LANG_EN && news[i].title_en && *news[i].title_en
                                    ? news[i].title_en
                                    : web_org_text(r, news[i].title_sr, NULL);
            html_fmt(o, "<li><a href=\"/news/%q\">%s</a> ", news[i].slug, title ? title : "");
            web_datetime(r, news[i].publish_at, MSG_NEWS_TITLE);
            html_raw(o, "</li>");
        }
        html_fmt(o, "</ul><p><a href=\"/news\">%s</a></p></section>", T(L, MSG_NEWS_ALL));
    }

    /* the next events */
    event_filter f = {.audience = "everyone", .limit = 3};
    event_rec *ev = NULL;
    size_t n_ev = 0;
    st = event_list(r->db, r->a, &f, &ev, &n_ev);
    if (st != DB_OK) {
        resp_fail(r, st, "home events");
        return false;
    }
    if (n_ev) {
        html_fmt(o,
                 "<section aria-labelledby=\"home-events\"><h3 id=\"home-events\">%s</h3>"
                 "<ul class=\"glance-list\">",
                 T(L, MSG_HOME_EVENTS));
        for (size_t i = 0; i < n_ev; i++) {
            html_fmt(o, "<li><a href=\"/events/%D\">%s</a> ", (long long)ev[i].id,
                     web_org_text(r, ev[i].title_sr, ev[i].title_en));
            web_datetime(r, ev[i].starts_at, MSG_HOME_EVENTS);
            html_raw(o, "</li>");
        }
        html_fmt(o, "</ul><p><a href=\"/events\">%s</a></p></section>", T(L, MSG_HOME_EVENTS_ALL));
    }
    /* the open funding calls (absent when there are none) */
    pano_call *calls = NULL;
    size_t n_calls = 0;
    st = panorama_open_calls(r->db, r->a, time_now(), 3, &calls, &n_calls);
    if (st != DB_OK) {
        resp_fail(r, st, "home calls");
        return false;
    }
    if (n_calls) {
        html_fmt(o,
                 "<section aria-labelledby=\"home-calls\"><h3 id=\"home-calls\">%s</h3>"
                 "<ul class=\"glance-list\">",
                 T(L, MSG_HOME_CALLS));
        for (size_t i = 0; i < n_calls; i++) {
            html_fmt(o, "<li><a href=\"/calls/%D\">%s</a> %s ", (long long)calls[i].id,
                     web_org_text(r, calls[i].title_sr, calls[i].title_en),
                     T(L, MSG_HOME_CALLS_DEADLINE));
            web_datetime(r, calls[i].deadline_at, MSG_HOME_CALLS);
            html_raw(o, "</li>");
        }
        html_fmt(o, "</ul><p><a href=\"/calls\">%s</a></p></section>", T(L, MSG_CALLS_TITLE));
    }
    html_raw(o, "</div></div></section>\n");
    return true;
}
