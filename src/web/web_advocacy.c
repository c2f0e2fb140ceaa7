/* web_advocacy.c: the Atom feed of submitted positions and the
 * secretariat's advocacy overview (issue 16).
 *
 *   GET /positions.atom        submitted positions, the latest first
 *                              (html/atom.c, the one Atom writer)
 *   GET /admin/advocacy        positions by stage and submissions by
 *                              outcome per year, the share of positions
 *                              with at least partial acceptance, average
 *                              days to an answer per institution: charts
 *                              (html/chart.h) with their tables
 *   GET /admin/advocacy?table=ID&format=csv|xlsx   one table as a file
 *
 * The overview is the secretariat's (admin and editor, a read token too);
 * 403 for anyone else. The numbers are submission_overview()'s. */
#include <string.h>

#include "core/timeutil.h"
#include "html/atom.h"
#include "html/chart.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/submission.h"
#include "web/table.h"
#include "web/web.h"
#include "web/web_advocacy.h"
#include "web/web_figures.h"
#include "web/web_org.h"

/* --- the feed --------------------------------------------------------------------- */

void web_positions_atom(req *r)
{
    lang_id L = r->lang;
    feed_position *f = NULL;
    size_t n = 0;
    db_status st = submission_feed(r->db, r->a, 50, &f, &n);
    atom_entry *e = st == DB_OK ? arena_alloc(r->a, (n ? n : 1) * sizeof *e) : NULL;
    if (!e) {
        resp_fail(r, st != DB_OK ? st : DB_NOMEM, "positions.atom");
        return;
    }
    const char *base = web_base_url(r);
    if (!base)
        base = "http://scan";
    int64_t newest = 0;
    for (size_t i = 0; i < n; i++) {
        const char *title = web_org_text(r, f[i].title_sr, f[i].title_en);
        const char *inst = L == LANG_EN ? f[i].institutions_en : f[i].institutions;
        inst = web_org_text(r, inst, NULL);
        buf sum = BUF_INIT;
        buf_printf(&sum, T(L, MSG_ADV_FEED_SUMMARY), inst ? inst : "",
                   wf_ymd(r, f[i].first_sent_on));
        if (f[i].outcome)
            buf_printf(&sum, " %s: %s.", T(L, MSG_ADV_L_OUTCOME),
                       web_adv_outcome_label(L, f[i].outcome));
        e[i] = (atom_entry){
            .id = arena_printf(r->a, "%s/positions/%lld", base, (long long)f[i].id),
            .title = title ? title : arena_printf(r->a, "#%lld", (long long)f[i].id),
            .url = arena_printf(r->a, "%s/positions/%lld", base, (long long)f[i].id),
            .summary = arena_strdup(r->a, buf_str(&sum)),
            .updated = f[i].updated_at > f[i].submitted_at ? f[i].updated_at : f[i].submitted_at,
            .published = f[i].submitted_at,
        };
        buf_free(&sum);
        if (e[i].updated > newest)
            newest = e[i].updated;
    }
    atom_feed feed = {.id = arena_printf(r->a, "%s/positions.atom", base),
                      .title = T(L, MSG_ADV_FEED_TITLE),
                      .self_url = arena_printf(r->a, "%s/positions.atom", base),
                      .alt_url = arena_printf(r->a, "%s/positions", base),
                      .lang = L == LANG_EN        ? "en"
                              : L == LANG_SR_LATN ? "sr-Latn"
                                                  : "sr",
                      .updated = newest ? newest : 0};
    if (!atom_write(&r->out, &feed, e, n)) {
        buf_reset(&r->out);
        resp_fail(r, DB_NOMEM, "atom_write");
        return;
    }
    r->content_type = "application/atom+xml; charset=utf-8";
}

/* --- the overview ------------------------------------------------------------------- */

enum { OT_STAGES, OT_OUTCOMES, OT_INST, OT__N };
static const char *const table_names[OT__N] = {"stages", "outcomes", "institutions"};
static const msg_id table_titles[OT__N] = {MSG_ADV_OV_STAGES, MSG_ADV_OV_OUTCOMES, MSG_ADV_OV_INST};

/* The share a / b in basis points, rounded; -1 when b is 0. */
static int64_t share_bp(int64_t a, int64_t b)
{
    return b > 0 ? (a * 10000 + b / 2) / b : -1;
}

static const char *year_text(req *r, int y)
{
    return arena_printf(r->a, "%d", y);
}

static table *make_table(req *r, int k, const advocacy_overview *ov)
{
    lang_id L = r->lang;
    table_col cols[12];
    size_t n = 0;
    table *t = NULL;
    if (k == OT_STAGES) {
        cols[n++] = (table_col){.label = T(L, MSG_ADV_OV_COL_YEAR), .kind = TABLE_TEXT};
        for (int s = 0; s < OVERVIEW_STAGES; s++)
            cols[n++] = (table_col){.label = web_adv_stage_label(L, overview_stage_codes[s]),
                                    .kind = TABLE_INT};
        cols[n++] = (table_col){.label = T(L, MSG_ADV_OV_COL_TOTAL), .kind = TABLE_INT};
        if (!(t = table_new(r->a, T(L, table_titles[k]), cols, n)))
            return NULL;
        for (size_t i = 0; i < ov->n_years; i++) {
            size_t row = table_add_row(t);
            int64_t sum = 0;
            table_set_text(t, row, 0, year_text(r, ov->years[i].year));
            for (int s = 0; s < OVERVIEW_STAGES; s++) {
                table_set_int(t, row, (size_t)s + 1, ov->years[i].stages[s]);
                sum += ov->years[i].stages[s];
            }
            table_set_int(t, row, OVERVIEW_STAGES + 1, sum);
        }
    } else if (k == OT_OUTCOMES) {
        cols[n++] = (table_col){.label = T(L, MSG_ADV_OV_COL_YEAR), .kind = TABLE_TEXT};
        for (int s = 0; s < OVERVIEW_OUTCOMES; s++)
            cols[n++] = (table_col){.label = web_adv_outcome_label(L, overview_outcome_codes[s]),
                                    .kind = TABLE_INT};
        cols[n++] = (table_col){.label = T(L, MSG_ADV_OV_COL_SUBMITTED), .kind = TABLE_INT};
        cols[n++] = (table_col){.label = T(L, MSG_ADV_OV_COL_SHARE), .kind = TABLE_BP_PERCENT};
        if (!(t = table_new(r->a, T(L, table_titles[k]), cols, n)))
            return NULL;
        for (size_t i = 0; i < ov->n_years; i++) {
            const overview_year *y = &ov->years[i];
            size_t row = table_add_row(t);
            table_set_text(t, row, 0, year_text(r, y->year));
            for (int s = 0; s < OVERVIEW_OUTCOMES; s++)
                table_set_int(t, row, (size_t)s + 1, y->outcomes[s]);
            table_set_int(t, row, OVERVIEW_OUTCOMES + 1, y->submitted);
            int64_t bp = share_bp(y->accepted_any, y->submitted);
            if (bp >= 0)
                table_set_int(t, row, OVERVIEW_OUTCOMES + 2, bp);
        }
    } else {
        cols[n++] = (table_col){.label = T(L, MSG_ADV_OV_COL_INST), .kind = TABLE_LINK};
        cols[n++] = (table_col){.label = T(L, MSG_ADV_OV_COL_SUBMISSIONS), .kind = TABLE_INT};
        cols[n++] = (table_col){.label = T(L, MSG_ADV_OV_COL_ANSWERS), .kind = TABLE_INT};
        cols[n++] = (table_col){.label = T(L, MSG_ADV_OV_COL_DAYS), .kind = TABLE_INT};
        if (!(t = table_new(r->a, T(L, table_titles[k]), cols, n)))
            return NULL;
        for (size_t i = 0; i < ov->n_inst; i++) {
            const overview_institution *x = &ov->inst[i];
            size_t row = table_add_row(t);
            table_set_link(t, row, 0, web_org_text(r, x->name, x->name_en),
                           arena_printf(r->a, "/orgs/%s/stakeholder", x->slug));
            table_set_int(t, row, 1, x->submitted);
            table_set_int(t, row, 2, x->answers);
            if (x->answers)
                table_set_int(t, row, 3, (x->days_sum + x->answers / 2) / x->answers);
        }
    }
    t->id = arena_printf(r->a, "adv-%s-table", table_names[k]);
    return t->failed ? NULL : t;
}

static void chart_of(req *r, int k, const advocacy_overview *ov)
{
    lang_id L = r->lang;
    chart_opts o = {.id = arena_printf(r->a, "adv-%s", table_names[k]),
                    .title = T(L, table_titles[k]),
                    .table_id = arena_printf(r->a, "adv-%s-table", table_names[k])};
    if (k == OT_INST) {
        const char **lab = arena_alloc(r->a, (ov->n_inst + 1) * sizeof *lab);
        int64_t *val = arena_alloc(r->a, (ov->n_inst + 1) * sizeof *val);
        size_t n = 0;
        if (!lab || !val) {
            r->out.failed = true;
            return;
        }
        for (size_t i = 0; i < ov->n_inst; i++)
            if (ov->inst[i].answers) {
                lab[n] = web_org_text(r, ov->inst[i].name, ov->inst[i].name_en);
                val[n++] = (ov->inst[i].days_sum + ov->inst[i].answers / 2) / ov->inst[i].answers;
            }
        o.title = T(L, MSG_ADV_OV_DAYS_CHART);
        if (n)
            chart_bar(&r->out, L, &o, lab, val, n);
        return;
    }
    size_t parts = k == OT_STAGES ? OVERVIEW_STAGES : OVERVIEW_OUTCOMES;
    const char **labels = arena_alloc(r->a, (ov->n_years + 1) * sizeof *labels);
    const char **names = arena_alloc(r->a, parts * sizeof *names);
    int64_t *vals = arena_alloc(r->a, (ov->n_years * parts + 1) * sizeof *vals);
    if (!labels || !names || !vals) {
        r->out.failed = true;
        return;
    }
    for (size_t p = 0; p < parts; p++)
        names[p] = k == OT_STAGES ? web_adv_stage_label(L, overview_stage_codes[p])
                                  : web_adv_outcome_label(L, overview_outcome_codes[p]);
    for (size_t i = 0; i < ov->n_years; i++) {
        labels[i] = year_text(r, ov->years[i].year);
        for (size_t p = 0; p < parts; p++)
            vals[i * parts + p] =
                k == OT_STAGES ? ov->years[i].stages[p] : ov->years[i].outcomes[p];
    }
    o.max_bars = ov->n_years;
    if (ov->n_years)
        chart_stacked_share(&r->out, L, &o, labels, ov->n_years, names, parts, vals);
}

void web_advocacy_overview(req *r)
{
    lang_id L = r->lang;
    if (!web_adv_secretariat(r)) {
        resp_error(r, 403, T(L, MSG_ADV_OV_FORBIDDEN));
        return;
    }
    const char *want = req_query(r, "table"), *format = req_query(r, "format");
    int k_want = -1;
    if (want && *want) {
        for (int k = 0; k < OT__N; k++)
            if (strcmp(want, table_names[k]) == 0)
                k_want = k;
        if (k_want < 0) {
            resp_error(r, 400, T(L, MSG_ADV_OV_ERR_TABLE));
            return;
        }
    }
    char today[11];
    wf_today(today);
    advocacy_overview ov;
    db_status st = submission_overview(r->db, r->a, today, &ov);
    if (st != DB_OK) {
        resp_fail(r, st, "submission_overview");
        return;
    }
    if (k_want >= 0 && format && *format) {
        table *t = make_table(r, k_want, &ov);
        if (!t) {
            resp_fail(r, DB_NOMEM, "advocacy table");
            return;
        }
        if (!table_respond(r, t, arena_printf(r->a, "advocacy-%s", table_names[k_want])))
            resp_error(r, 400, T(L, MSG_ADV_OV_ERR_TABLE));
        return;
    }
    page_meta pm = {
        .title = T(L, MSG_ADV_OV_TITLE), .description = T(L, MSG_ADV_OV_LEAD), .nav = "admin"};
    layout_begin(r, &pm);
    buf *o = &r->out;
    html_fmt(o, "<div class=\"page-head\"><div><h1>%s</h1><p class=\"lead\">%s</p></div></div>\n",
             T(L, MSG_ADV_OV_TITLE), T(L, MSG_ADV_OV_LEAD));
    if (ov.any_demo)
        html_fmt(o, "<div class=\"notice notice-warn demo-notice\" role=\"note\"><p>%s</p></div>\n",
                 T(L, MSG_ADV_DEMO));
    int64_t sub = 0, acc = 0;
    for (size_t i = 0; i < ov.n_years; i++) {
        sub += ov.years[i].submitted;
        acc += ov.years[i].accepted_any;
    }
    html_raw(o, "<div class=\"adv-headline\">");
    if (sub) {
        buf pct = BUF_INIT;
        chart_fmt_bp(&pct, L, share_bp(acc, sub));
        html_fmt(o, "<p><strong class=\"adv-big\">%s</strong> %s</p>", buf_str(&pct),
                 arena_printf(r->a, T(L, MSG_ADV_OV_SHARE_LINE), (long long)acc, (long long)sub));
        buf_free(&pct);
    } else {
        html_fmt(o, "<p class=\"empty\">%s</p>", T(L, MSG_ADV_OV_NONE));
    }
    html_fmt(o, "<p class=\"muted\">%s</p></div>\n",
             arena_printf(r->a, T(L, MSG_ADV_OV_NO_ANSWER_NOTE), ov.no_answer_days));
    for (int k = 0; k < OT__N; k++) {
        table *t = make_table(r, k, &ov);
        if (!t) {
            buf_reset(o);
            resp_fail(r, DB_NOMEM, "advocacy table");
            return;
        }
        html_fmt(o,
                 "<section class=\"fig-section\" aria-labelledby=\"adv-%s-h\"><h2 "
                 "id=\"adv-%s-h\">%s</h2>\n",
                 table_names[k], table_names[k], T(L, table_titles[k]));
        chart_of(r, k, &ov);
        table_html(o, L, t);
        table_download_links(o, L, wf_table_url(r, "/admin/advocacy", table_names[k]),
                             T(L, table_titles[k]));
        html_raw(o, "</section>\n");
    }
    html_fmt(o, "<p><a href=\"/consultations\">%s</a> · <a href=\"/positions.atom\">%s</a></p>",
             T(L, MSG_ADV_CO_TITLE), T(L, MSG_ADV_FEED_TITLE));
    layout_end(r);
    if (buf_failed(o)) {
        buf_reset(o);
        resp_fail(r, DB_NOMEM, "advocacy overview");
    }
}
