/* web_post_stats.c: the secretariat's statistics of the cooperation board
 * (issue 13, "Statistics").
 *
 *   GET /cooperation/stats                     the page: a from/to month
 *                                              filter, then each statistic
 *                                              as a chart with its table
 *   GET /cooperation/stats?table=ID&format=csv|xlsx
 *                                              one table as a file (the
 *                                              URL pattern of /figures)
 *
 * The numbers are post_stats.c's; this file only shapes them: the charts
 * through html/chart.h, the tables (HTML, CSV, XLSX) through web/table.h.
 * Who may see it: the secretariat (admin and editor, also with a read
 * token), as web_post_stats_allowed says; the route adds the login
 * (routes.c). A bad month answers 400 with the message
 * beside its field. The API gives the same numbers (api_post.c,
 * /api/v1/posts/stats). Also here: the card on the start page. */
#include <string.h>

#include "html/chart.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/post.h"
#include "model/post_stats.h"
#include "web/table.h"
#include "web/web.h"
#include "web/web_figures.h"
#include "web/web_org.h"
#include "web/web_post.h"

/* The tables of the page, by their ?table= value. */
enum { ST_KINDS, ST_TOPICS, ST_SECTORS, ST_INTROS, ST_CROSS, ST_FIRST, ST_CLOSURES, ST__N };
static const char *const table_names[ST__N] = {
    "kinds", "topics", "sectors", "introductions", "cross", "first_interest", "closures"};
static const msg_id table_titles[ST__N] = {
    MSG_PSTATS_KINDS, MSG_PSTATS_TOPICS, MSG_PSTATS_SECTORS, MSG_PSTATS_INTROS,
    MSG_PSTATS_CROSS, MSG_PSTATS_FIRST,  MSG_PSTATS_CLOSURES};
static const msg_id table_notes[ST__N] = {0,
                                          0,
                                          MSG_PSTATS_SECTORS_NOTE,
                                          MSG_PSTATS_INTROS_NOTE,
                                          MSG_PSTATS_CROSS_NOTE,
                                          MSG_PSTATS_FIRST_NOTE,
                                          MSG_PSTATS_CLOSURES_NOTE};

/* The secretariat's read, as the board's other secretariat reads decide it
 * (web_post.c, api_cluster.c): rights_can's RIGHT_POST_HIDE would be the
 * same people, but it is a write right, which a read-only API token of the
 * secretariat never has, and reading statistics is no write. */
bool web_post_stats_allowed(req *r)
{
    return r->user && r->user->secretariat >= SEC_EDITOR;
}

/* Loads statistic k of period p into g. */
static db_status load_stat(req *r, int k, const post_stats_period *p, post_stats_grid *g)
{
    switch (k) {
    case ST_KINDS:
        return post_stats_kinds(r->db, r->a, p, g);
    case ST_TOPICS:
        return post_stats_topics(r->db, r->a, p, g);
    case ST_SECTORS:
        return post_stats_sectors(r->db, r->a, p, POST_STATS_TOP_SECTORS, g);
    case ST_INTROS:
        return post_stats_intros(r->db, r->a, p, g);
    case ST_CROSS:
        return post_stats_cross(r->db, r->a, p, g);
    case ST_FIRST:
        return post_stats_first_interest(r->db, r->a, p, g);
    default:
        return post_stats_closures(r->db, r->a, p, g);
    }
}

/* The label of a sector column: the NACE section's name, or other/none. */
static const char *sector_label(req *r, web_refs *refs, const char *key)
{
    if (strcmp(key, "other") == 0)
        return T(r->lang, MSG_PSTATS_SECTOR_OTHER);
    if (strcmp(key, "none") == 0)
        return T(r->lang, MSG_PSTATS_SECTOR_NONE);
    const char *name = web_refs_label(r, refs, WREF_NACE, key);
    return arena_printf(r->a, "%s %s", key, name ? name : "");
}

/* The labels of g's columns in the reader's language (arena). */
static const char **col_labels(req *r, int k, const post_stats_grid *g, web_refs *refs)
{
    lang_id L = r->lang;
    const char **out = arena_alloc(r->a, (g->n_cols ? g->n_cols : 1) * sizeof *out);
    if (!out)
        return NULL;
    static const msg_id intros[] = {MSG_PSTATS_COL_MADE, MSG_PSTATS_COL_ACCEPTED,
                                    MSG_PSTATS_COL_DECLINED, MSG_PSTATS_COL_PENDING};
    static const msg_id cross[] = {MSG_PSTATS_COL_INTROS, MSG_PSTATS_COL_CROSS, MSG_PSTATS_COL_SAME,
                                   MSG_PSTATS_COL_UNKNOWN};
    static const msg_id first[] = {MSG_PSTATS_COL_POSTS, MSG_PSTATS_COL_WITH,
                                   MSG_PSTATS_COL_WITHOUT, MSG_PSTATS_COL_MEDIAN,
                                   MSG_PSTATS_COL_P90};
    static const msg_id closures[] = {MSG_PSTATS_COL_FOUND, MSG_PSTATS_COL_NOT_NEEDED,
                                      MSG_PSTATS_COL_EXPIRED};
    for (size_t c = 0; c < g->n_cols; c++) {
        switch (k) {
        case ST_KINDS:
            out[c] = T(L, c == 0 ? MSG_POST_KIND_OFFER : MSG_POST_KIND_REQUEST);
            break;
        case ST_TOPICS:
            out[c] = web_post_topic_label(L, g->cols[c]);
            break;
        case ST_SECTORS:
            out[c] = sector_label(r, refs, g->cols[c]);
            break;
        case ST_INTROS:
            out[c] = T(L, intros[c]);
            break;
        case ST_CROSS:
            out[c] = T(L, cross[c]);
            break;
        case ST_FIRST:
            out[c] = T(L, first[c]);
            break;
        default:
            out[c] = T(L, closures[c]);
        }
        if (!out[c])
            return NULL;
    }
    return out;
}

static int64_t days(int64_t s)
{
    return post_stats_days(s);
}

/* The share a / b in basis points, rounded; -1 when b is 0. */
static int64_t share_bp(int64_t a, int64_t b)
{
    return b > 0 ? (a * 10000 + b / 2) / b : -1;
}

/* The table of statistic k: the month, then g's columns (counts; days for
 * the waiting times), then a total or a share where it says more. */
static table *stat_table(req *r, int k, const post_stats_period *p, const post_stats_grid *g,
                         const char **labels)
{
    lang_id L = r->lang;
    table_col cols[16];
    size_t n = 0;
    cols[n++] = (table_col){.label = T(L, MSG_PSTATS_COL_MONTH), .kind = TABLE_TEXT};
    for (size_t c = 0; c < g->n_cols && n < 14; c++)
        cols[n++] = (table_col){.label = labels[c], .kind = TABLE_INT};
    bool total = k == ST_KINDS || k == ST_TOPICS || k == ST_SECTORS || k == ST_CLOSURES;
    if (total)
        cols[n++] = (table_col){.label = T(L, MSG_PSTATS_COL_TOTAL), .kind = TABLE_INT};
    if (k == ST_INTROS)
        cols[n++] =
            (table_col){.label = T(L, MSG_PSTATS_COL_ACCEPT_RATE), .kind = TABLE_BP_PERCENT};
    if (k == ST_CROSS)
        cols[n++] =
            (table_col){.label = T(L, MSG_PSTATS_COL_CROSS_SHARE), .kind = TABLE_BP_PERCENT};
    const char *title = arena_printf(r->a, "%s, %s – %s", T(L, table_titles[k]), p->from, p->to);
    table *t = table_new(r->a, title, cols, n);
    if (!t)
        return NULL;
    t->id = arena_printf(r->a, "ps-%s-table", table_names[k]);
    for (size_t m = 0; m < g->n_months; m++) {
        size_t row = table_add_row(t);
        table_set_text(t, row, 0, p->months[m]);
        int64_t sum = 0;
        for (size_t c = 0; c < g->n_cols && c < 13; c++) {
            int64_t v = POST_STATS_AT(g, m, c);
            sum += v;
            if (k == ST_FIRST && c >= 3) {
                if (v >= 0)
                    table_set_int(t, row, c + 1, days(v));
            } else {
                table_set_int(t, row, c + 1, v);
            }
        }
        size_t last = g->n_cols + 1;
        if (total)
            table_set_int(t, row, last, sum);
        int64_t bp = -1;
        if (k == ST_INTROS)
            bp = share_bp(POST_STATS_AT(g, m, 1), POST_STATS_AT(g, m, 0));
        if (k == ST_CROSS)
            bp = share_bp(POST_STATS_AT(g, m, 1), POST_STATS_AT(g, m, 1) + POST_STATS_AT(g, m, 2));
        if (bp >= 0)
            table_set_int(t, row, last, bp);
    }
    return t->failed ? NULL : t;
}

/* The charts of statistic k. */
static void stat_chart(req *r, int k, const post_stats_period *p, const post_stats_grid *g,
                       const char **labels)
{
    lang_id L = r->lang;
    const char *months[POST_STATS_MAX_MONTHS];
    for (size_t m = 0; m < p->n_months; m++)
        months[m] = p->months[m];
    const char *id = arena_printf(r->a, "ps-%s", table_names[k]);
    const char *table_id = arena_printf(r->a, "ps-%s-table", table_names[k]);
    const char *sub = arena_printf(r->a, T(L, MSG_PSTATS_PERIOD), p->from, p->to);
    chart_opts o = {.id = id,
                    .title = T(L, table_titles[k]),
                    .subtitle = sub,
                    .table_id = table_id,
                    .max_bars = p->n_months,
                    /* a narrow canvas: month rows read on a phone too
                     * (at 640 units the text shrank to 7 px at 390 px) */
                    .width = 380};
    if (k == ST_FIRST) { /* median days, months with any interest */
        const char *lab[POST_STATS_MAX_MONTHS];
        int64_t val[POST_STATS_MAX_MONTHS];
        size_t n = 0;
        for (size_t m = 0; m < g->n_months; m++)
            if (POST_STATS_AT(g, m, 3) >= 0) {
                lab[n] = months[m];
                val[n++] = days(POST_STATS_AT(g, m, 3));
            }
        o.title = T(L, MSG_PSTATS_COL_MEDIAN);
        chart_bar(&r->out, L, &o, lab, val, n);
        return;
    }
    if (k == ST_KINDS) { /* the volume first, then the split */
        int64_t tot[POST_STATS_MAX_MONTHS];
        for (size_t m = 0; m < g->n_months; m++)
            tot[m] = POST_STATS_AT(g, m, 0) + POST_STATS_AT(g, m, 1);
        chart_opts ob = o;
        ob.id = arena_printf(r->a, "ps-%s-total", table_names[k]);
        ob.title = T(L, MSG_PSTATS_COL_POSTS);
        chart_bar(&r->out, L, &ob, months, tot, g->n_months);
    }
    /* shares of the parts per month; the parts without the derived total */
    size_t first = (k == ST_INTROS || k == ST_CROSS) ? 1 : 0;
    size_t n_parts = g->n_cols - first;
    if (k == ST_CROSS)
        n_parts = 2; /* across and within; "unknown" is left out of the share */
    size_t n_vals = g->n_months * n_parts;
    int64_t *vals = arena_alloc(r->a, (n_vals ? n_vals : 1) * sizeof *vals);
    if (!vals) {
        r->out.failed = true;
        return;
    }
    for (size_t m = 0; m < g->n_months; m++)
        for (size_t c = 0; c < n_parts; c++)
            vals[m * n_parts + c] = POST_STATS_AT(g, m, c + first);
    chart_stacked_share(&r->out, L, &o, months, g->n_months, labels + first, n_parts, vals);
}

/* The month filter: a plain GET form (month inputs; a wrong value is
 * shown as typed in a text input with its error). */
static void controls(req *r, const char *from, const char *to, const web_errs *e)
{
    lang_id L = r->lang;
    html_raw(&r->out, "<form class=\"fig-controls\" method=\"get\" action=\"/cooperation/stats\">");
    const char *ef = web_errs_get(e, "from"), *et = web_errs_get(e, "to");
    web_field(r, &(web_input){.id = "ps-from",
                              .name = "from",
                              .type = ef ? "text" : "month",
                              .label = T(L, MSG_PSTATS_FROM),
                              .value = from,
                              .hint = T(L, MSG_PSTATS_MONTH_HINT),
                              .error = ef,
                              .maxlength = 20});
    web_field(r, &(web_input){.id = "ps-to",
                              .name = "to",
                              .type = et ? "text" : "month",
                              .label = T(L, MSG_PSTATS_TO),
                              .value = to,
                              .hint = T(L, MSG_PSTATS_MONTH_HINT),
                              .error = et,
                              .maxlength = 20});
    html_fmt(&r->out,
             "<div class=\"fig-controls-go\"><button type=\"submit\">%s</button></div></form>\n",
             T(L, MSG_PSTATS_SHOW));
}

static void page_head(req *r)
{
    lang_id L = r->lang;
    page_meta m = {.title = T(L, MSG_PSTATS_TITLE),
                   .description = T(L, MSG_PSTATS_LEAD),
                   .nav = "cooperation"};
    layout_begin(r, &m);
    html_fmt(&r->out,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/cooperation\">%s</a>"
             "</li></ol></nav>\n",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_POST_TITLE));
    html_fmt(&r->out,
             "<div class=\"page-head\"><div><h1>%s</h1><p class=\"lead\">%s</p></div></div>\n",
             T(L, MSG_PSTATS_TITLE), T(L, MSG_PSTATS_LEAD));
}

void web_post_stats(req *r)
{
    lang_id L = r->lang;
    if (!web_post_stats_allowed(r)) {
        resp_error(r, 403, T(L, MSG_PSTATS_FORBIDDEN));
        return;
    }
    const char *from = req_query(r, "from"), *to = req_query(r, "to");
    const char *format = req_query(r, "format"), *want = req_query(r, "table");
    bool download = format && *format;
    int k_want = -1;
    if (want && *want) {
        for (int k = 0; k < ST__N; k++)
            if (strcmp(want, table_names[k]) == 0)
                k_want = k;
        if (k_want < 0) {
            resp_error(r, 400, T(L, MSG_PSTATS_ERR_TABLE));
            return;
        }
    }
    post_stats_period p;
    form_errors fe = {0};
    if (!post_stats_period_parse(r->a, from, to, &p, &fe)) {
        web_errs e = {0};
        for (size_t i = 0; i < fe.n_items; i++) {
            buf t = BUF_INIT;
            post_stats_error_text(&t, L, &fe.items[i]);
            web_errs_add(&e, fe.items[i].field, arena_strdup(r->a, buf_str(&t)));
            buf_free(&t);
        }
        if (!e.n) { /* the clock could not be read */
            resp_fail(r, DB_ERR, "post_stats period");
            return;
        }
        if (download || k_want >= 0) {
            resp_error(r, 400, e.text[0]);
            return;
        }
        r->status = 400;
        page_head(r);
        controls(r, from, to, &e);
        layout_end(r);
        return;
    }
    web_refs refs = {0};
    if (k_want >= 0 && download) {
        post_stats_grid g;
        db_status st = load_stat(r, k_want, &p, &g);
        const char **labels = st == DB_OK ? col_labels(r, k_want, &g, &refs) : NULL;
        table *t = labels ? stat_table(r, k_want, &p, &g, labels) : NULL;
        if (!t) {
            resp_fail(r, st != DB_OK ? st : DB_NOMEM, "post_stats table");
            return;
        }
        if (table_respond(
                r, t,
                arena_printf(r->a, "cooperation-%s-%s-%s", table_names[k_want], p.from, p.to)))
            return;
        resp_error(r, 400, T(L, MSG_PSTATS_ERR_TABLE));
        return;
    }
    bool demo = false;
    db_status st = post_stats_any_demo(r->db, &demo);
    if (st != DB_OK) {
        resp_fail(r, st, "post_stats demo");
        return;
    }
    page_head(r);
    if (demo)
        html_fmt(
            &r->out,
            "<div class=\"notice notice-warn demo-notice\" role=\"note\"><p><strong>%s</strong> "
            "%s</p></div>\n",
            T(L, MSG_PSTATS_DEMO_TITLE), T(L, MSG_PSTATS_DEMO_TEXT));
    controls(r, p.from, p.to, NULL);
    /* a long page: the sections first, each a jump away */
    html_fmt(&r->out, "<nav aria-label=\"%s\"><p>%s:", T(L, MSG_PSTATS_TOC), T(L, MSG_PSTATS_TOC));
    for (int k = 0; k < ST__N; k++)
        html_fmt(&r->out, "%R <a href=\"#ps-%s-h\">%s</a>", k ? " ·" : "", table_names[k],
                 T(L, table_titles[k]));
    html_raw(&r->out, "</p></nav>\n");
    for (int k = 0; k < ST__N; k++) {
        post_stats_grid g;
        if ((st = load_stat(r, k, &p, &g)) != DB_OK) {
            buf_reset(&r->out);
            resp_fail(r, st, "post_stats");
            return;
        }
        const char **labels = col_labels(r, k, &g, &refs);
        table *t = labels ? stat_table(r, k, &p, &g, labels) : NULL;
        if (!t) {
            buf_reset(&r->out);
            resp_fail(r, DB_NOMEM, "post_stats table");
            return;
        }
        html_fmt(&r->out,
                 "<section class=\"fig-section pstats-section\" aria-labelledby=\"ps-%s-h\">"
                 "<h2 id=\"ps-%s-h\">%s"
                 "</h2>\n",
                 table_names[k], table_names[k], T(L, table_titles[k]));
        if (table_notes[k])
            html_fmt(&r->out, "<p class=\"muted\">%s</p>\n", T(L, table_notes[k]));
        stat_chart(r, k, &p, &g, labels);
        table_html(&r->out, L, t);
        table_download_links(&r->out, L, wf_table_url(r, "/cooperation/stats", table_names[k]),
                             T(L, table_titles[k]));
        html_raw(&r->out, "</section>\n");
    }
    layout_end(r);
    if (buf_failed(&r->out)) {
        buf_reset(&r->out);
        resp_fail(r, DB_NOMEM, "post_stats page");
    }
}
