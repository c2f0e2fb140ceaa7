/* api_post_stats.c: GET /api/v1/posts/stats, the cooperation board's
 * statistics as JSON for the secretariat: the same numbers as the page
 * /cooperation/stats (web_post_stats.c), from the same model functions
 * (model/post_stats.h).
 *
 *   {"from":"2026-01","to":"2026-12","months":["2026-01",...],"demo":false,
 *    "kinds":{"columns":["offer","request"],"rows":[[3,1],...]}, ...}
 *
 * One object per statistic (kinds, topics, sectors, introductions, cross,
 * first_interest, closures) with its column keys and one row per month;
 * first_interest gives its waits in whole days (median_days, p90_days,
 * null for a month without interest), as the page does. Rights: login
 * (routes.c) and the secretariat, as the page (web_post_stats_allowed); a
 * read token of the secretariat may read it. A bad month is a 400 naming the field. */
#include <string.h>

#include "api/api.h"
#include "json/json.h"
#include "model/post_stats.h"
#include "web/web.h"

typedef db_status (*stat_fn)(db *d, arena *a, const post_stats_period *p, post_stats_grid *g);

static db_status sectors(db *d, arena *a, const post_stats_period *p, post_stats_grid *g)
{
    return post_stats_sectors(d, a, p, POST_STATS_TOP_SECTORS, g);
}

static const struct {
    const char *name;
    stat_fn fn;
} stats[] = {
    {"kinds", post_stats_kinds},
    {"topics", post_stats_topics},
    {"sectors", sectors},
    {"introductions", post_stats_intros},
    {"cross", post_stats_cross},
    {"first_interest", post_stats_first_interest},
    {"closures", post_stats_closures},
};

static bool is_wait(const char *col)
{
    return strcmp(col, "median_s") == 0 || strcmp(col, "p90_s") == 0;
}

static void put_grid(buf *o, const post_stats_grid *g)
{
    buf_putc(o, '{');
    json_put_key(o, "columns", true);
    buf_putc(o, '[');
    for (size_t c = 0; c < g->n_cols; c++) {
        if (c)
            buf_putc(o, ',');
        if (is_wait(g->cols[c]))
            json_put_string(o, strcmp(g->cols[c], "median_s") == 0 ? "median_days" : "p90_days");
        else
            json_put_string(o, g->cols[c]);
    }
    buf_putc(o, ']');
    json_put_key(o, "rows", false);
    buf_putc(o, '[');
    for (size_t m = 0; m < g->n_months; m++) {
        buf_puts(o, m ? ",[" : "[");
        for (size_t c = 0; c < g->n_cols; c++) {
            int64_t v = POST_STATS_AT(g, m, c);
            if (c)
                buf_putc(o, ',');
            if (is_wait(g->cols[c]) && v < 0)
                buf_puts(o, "null");
            else
                json_put_int(o, is_wait(g->cols[c]) ? post_stats_days(v) : v);
        }
        buf_putc(o, ']');
    }
    buf_puts(o, "]}");
}

void api_post_stats(req *r)
{
    if (!web_post_stats_allowed(r)) {
        resp_error(r, 403, "The board's statistics are for the secretariat (admin or editor).");
        return;
    }
    post_stats_period p;
    form_errors fe = {0};
    if (!post_stats_period_parse(r->a, req_query(r, "from"), req_query(r, "to"), &p, &fe)) {
        if (!fe.n_items) {
            resp_fail(r, DB_ERR, "post_stats period");
            return;
        }
        buf t = BUF_INIT;
        buf_printf(&t, "%s: ", fe.items[0].field);
        post_stats_error_text(&t, LANG_EN, &fe.items[0]);
        resp_error(r, 400, buf_failed(&t) ? "Bad period." : arena_strdup(r->a, buf_str(&t)));
        buf_free(&t);
        return;
    }
    bool demo = false;
    db_status st = post_stats_any_demo(r->db, &demo);
    if (st != DB_OK) {
        resp_fail(r, st, "post_stats demo");
        return;
    }
    buf *o = &r->out;
    r->content_type = "application/json";
    buf_putc(o, '{');
    json_put_key(o, "from", true);
    json_put_string(o, p.from);
    json_put_key(o, "to", false);
    json_put_string(o, p.to);
    json_put_key(o, "months", false);
    buf_putc(o, '[');
    for (size_t m = 0; m < p.n_months; m++) {
        if (m)
            buf_putc(o, ',');
        json_put_string(o, p.months[m]);
    }
    buf_putc(o, ']');
    json_put_key(o, "demo", false);
    json_put_bool(o, demo);
    for (size_t k = 0; k < sizeof stats / sizeof stats[0]; k++) {
        post_stats_grid g;
        if ((st = stats[k].fn(r->db, r->a, &p, &g)) != DB_OK) {
            buf_reset(o);
            resp_fail(r, st, "post_stats");
            return;
        }
        json_put_key(o, stats[k].name, false);
        put_grid(o, &g);
    }
    buf_puts(o, "}\n");
}
