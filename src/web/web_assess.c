/* web_assess.c: the yearly self-assessment against peers (issue 15;
 * model/assess.h holds the questionnaire, scores and peers):
 *
 *   GET  /orgs/{slug}/assessment          results: scores, radar chart with
 *                                         its table, change since last
 *                                         year, level, position among peers
 *   GET  /orgs/{slug}/assessment/{year}   the questionnaire of a year
 *   POST /orgs/{slug}/assessment/{year}   save a draft or submit
 *   GET  /admin/assessments?year=         the secretariat's distribution
 *                                         per indicator and who has not
 *                                         answered (CSV/XLSX)
 *
 * Rights: a cluster's pages need RIGHT_ORG_EDIT on it (its management
 * team and the secretariat: wc_load, as the other cluster pages); the
 * distribution needs the secretariat (RIGHT_FIGURES_VERIFY: admins and
 * editors). Peers appear only as counts and percentiles, never by name
 * and never with their answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "html/chart.h"
#include "html/html.h"
#include "html/layout.h"
#include "model/assess.h"
#include "model/worklist.h"
#include "model/rights.h"
#include "web/notice.h"
#include "web/table.h"
#include "web/web.h"
#include "web/web_admin.h"
#include "web/web_cluster.h"
#include "web/web_figures.h"
#include "web/web_org.h"

static const msg_id group_names[ASSESS_N_GROUPS] = {
    MSG_AS_G_STRUCTURE, MSG_AS_G_GOVERNANCE,  MSG_AS_G_FINANCING,
    MSG_AS_G_SERVICES,  MSG_AS_G_INTERACTION, MSG_AS_G_RECOGNITION,
};
static const msg_id group_short[ASSESS_N_GROUPS] = {
    MSG_AS_GS_STRUCTURE, MSG_AS_GS_GOVERNANCE,  MSG_AS_GS_FINANCING,
    MSG_AS_GS_SERVICES,  MSG_AS_GS_INTERACTION, MSG_AS_GS_RECOGNITION,
};

/* The wording of an indicator in the reader's language and script. */
static const char *ind_text(req *r, const assess_indicator *x)
{
    return r->lang == LANG_EN ? x->text_en : r->lang == LANG_SR_LATN ? x->text_sr_latn : x->text_sr;
}

static const char *level_text(req *r, const assess_questionnaire *q, int level)
{
    if (level < 0 || level > 4)
        return "";
    const char *s = r->lang == LANG_EN        ? q->level_en[level]
                    : r->lang == LANG_SR_LATN ? q->level_sr_latn[level]
                                              : q->level_sr[level];
    return s ? s : "";
}

/* A score in tenths as text with one decimal when it has one ("62.5",
 * "62,5", "100"). Arena. */
static const char *score_text(req *r, int tenths)
{
    if (tenths < 0)
        return "";
    if (tenths % 10 == 0)
        return arena_printf(r->a, "%d", tenths / 10);
    return arena_printf(r->a, "%d%c%d", tenths / 10, r->lang == LANG_EN ? '.' : ',', tenths % 10);
}

static void chart_score_fmt(buf *out, lang_id lang, int64_t v, bool compact, void *ctx)
{
    (void)compact;
    (void)ctx;
    if (v % 10 == 0)
        buf_printf(out, "%lld", (long long)(v / 10));
    else
        buf_printf(out, "%lld%c%lld", (long long)(v / 10), lang == LANG_EN ? '.' : ',',
                   (long long)(v % 10));
}

static msg_id level_msg(int score)
{
    const char *n = assess_level_name(score);
    return strcmp(n, "ready") == 0        ? MSG_AS_LEVEL_READY
           : strcmp(n, "developing") == 0 ? MSG_AS_LEVEL_DEVELOPING
                                          : MSG_AS_LEVEL_FOUNDATION;
}

/* A value as the reader reads it: FTE in thousandths as a decimal, a
 * percent with its sign, yes/no, a level with its words. Arena. */
static const char *value_text(req *r, const assess_questionnaire *q, const assess_indicator *x,
                              int64_t v)
{
    switch (x->scale) {
    case ASSESS_SCALE_YESNO:
        return T(r->lang, v ? MSG_AS_YES : MSG_AS_NO);
    case ASSESS_SCALE_LEVEL:
        return arena_printf(r->a, "%lld · %s", (long long)v, level_text(r, q, (int)v));
    case ASSESS_SCALE_NUMBER:
        break;
    }
    if (x->unit && strcmp(x->unit, "fte") == 0)
        return wc_fte_text(r, (int)v);
    if (x->unit && strcmp(x->unit, "percent") == 0)
        return arena_printf(r->a, "%lld%%", (long long)v);
    return arena_printf(r->a, "%lld", (long long)v);
}

/* The cluster {slug}, which the asker must be able to edit (wc_load), and
 * the year of the path: a number, else a 404. */
static bool load_year(req *r, org_rec *o, int *year)
{
    if (!wc_load(r, o, RIGHT_ORG_EDIT))
        return false;
    const char *p = req_param(r, "year");
    char *end = NULL;
    long y = p ? strtol(p, &end, 10) : 0;
    if (!p || !*p || *end || y < 1900 || y > 2200) {
        resp_error(r, 404, T(r->lang, MSG_AS_NO_YEAR));
        return false;
    }
    *year = (int)y;
    return true;
}

static void page_head(req *r, const org_rec *o, const char *title, const char *crumb,
                      const char *crumb_href)
{
    lang_id L = r->lang;
    html_fmt(&r->out,
             "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/orgs\">%s</a></li>"
             "<li><a href=\"/orgs/%q\">%s</a></li>",
             T(L, MSG_DIR_BREADCRUMB), T(L, MSG_NAV_DIRECTORY), o->slug, web_org_name(r, o));
    if (crumb_href)
        html_fmt(&r->out, "<li><a href=\"%u\">%s</a></li>", crumb_href, T(L, MSG_AS_RESULTS_CRUMB));
    html_fmt(&r->out, "<li aria-current=\"page\">%s</li></ol></nav>\n<h1>%s</h1>\n", crumb, title);
}

/* --- the questionnaire ------------------------------------------------------------------ */

typedef struct form_view {
    const form *typed; /* after a refused post: the values as typed */
    const web_errs *errs;
} form_view;

static void questionnaire_page(req *r, const org_rec *o, int year, const form_view *v)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    assess_response resp;
    assess_questionnaire q;
    assess_answer *ans = NULL;
    bool has_version = false;
    db_status st = assess_load(r->db, r->a, o->id, year, &resp, &q, &ans, &has_version);
    if (st != DB_OK) {
        resp_fail(r, st, "assess_load");
        return;
    }
    if (!has_version) {
        resp_error(r, 404, T(L, MSG_AS_NO_VERSION));
        return;
    }
    const char *title = arena_printf(r->a, T(L, MSG_AS_FORM_TITLE), year);
    layout_begin(r, &(page_meta){.title = title, .nav = "orgs"});
    page_head(r, o, title, arena_printf(r->a, "%d", year),
              arena_printf(r->a, "/orgs/%s/assessment", o->slug));
    if (o->is_demo)
        html_fmt(out, "<p class=\"demo-note\">%s</p>", T(L, MSG_AS_DEMO_NOTE));
    html_fmt(out, "<p class=\"lead\">%s</p>", T(L, MSG_AS_FORM_INTRO));
    html_fmt(out, "<p class=\"muted\">%s · %s</p>", q.name ? q.name : "",
             T(L, resp.submitted ? MSG_AS_STATE_SUBMITTED
                  : resp.id      ? MSG_AS_STATE_DRAFT
                                 : MSG_AS_STATE_NONE));
    if (resp.submitted)
        web_notice(r, T(L, MSG_AS_SUBMITTED_NOTE));
    web_error_summary(r, v ? v->errs : NULL);
    html_fmt(out,
             "<form class=\"form assess-form\" method=\"post\" action=\"/orgs/%q/assessment/%d\" "
             "novalidate>",
             o->slug, year);
    layout_csrf_field(r);
    for (int g = 0; g < ASSESS_N_GROUPS; g++) {
        html_fmt(out, "<fieldset class=\"panel assess-group\" id=\"group-%s\"><legend>%s</legend>",
                 assess_groups[g], T(L, group_names[g]));
        for (size_t i = 0; i < q.n; i++) {
            const assess_indicator *x = &q.ind[i];
            if (x->group != g)
                continue;
            const assess_answer *a = &ans[i];
            const char *err = v && v->errs ? web_errs_get(v->errs, x->code) : NULL;
            const char *eid = arena_printf(r->a, "%s_evidence", x->code);
            html_fmt(out, "<div class=\"assess-item\" id=\"item-%s\">", x->code);
            if (x->computed && a->present && a->computed) {
                /* filled from the platform: shown, not editable */
                html_fmt(out,
                         "<p class=\"assess-q\">%s</p><p class=\"assess-computed\">"
                         "<strong>%s</strong> <span class=\"badge\">%s</span> "
                         "<span class=\"muted\">%s</span></p>",
                         ind_text(r, x), value_text(r, &q, x, a->value), T(L, MSG_AS_COMPUTED),
                         arena_printf(r->a, T(L, MSG_AS_LEVEL_OF), a->level));
                html_raw(out, "</div>");
                continue;
            }
            const char *typed = v && v->typed ? form_get(v->typed, x->code) : NULL;
            const char *value = v && v->typed ? typed
                                : a->present  ? arena_printf(r->a, "%lld", (long long)a->value)
                                              : NULL;
            const char *etyped = v && v->typed ? form_get(v->typed, eid) : a->evidence;
            if (x->scale == ASSESS_SCALE_NUMBER) {
                const char *hint =
                    x->unit && strcmp(x->unit, "percent") == 0 ? T(L, MSG_AS_HINT_PERCENT)
                    : x->unit && strcmp(x->unit, "fte") == 0   ? T(L, MSG_AS_HINT_FTE)
                                                               : T(L, MSG_AS_HINT_COUNT);
                web_field(r, &(web_input){.id = x->code,
                                          .name = x->code,
                                          .type = "text",
                                          .label = ind_text(r, x),
                                          .value = value,
                                          .hint = hint,
                                          .error = err,
                                          .maxlength = 12});
            } else {
                html_fmt(out, "<div class=\"field\"><label for=\"%s\">%s</label>", x->code,
                         ind_text(r, x));
                if (err)
                    html_fmt(out,
                             "<p class=\"field-error\" id=\"%s-error\"><span class=\"visually-"
                             "hidden\">%s </span>%s</p>",
                             x->code, T(L, MSG_FORM_ERROR_PREFIX), err);
                html_fmt(out, "<select id=\"%s\" name=\"%s\"", x->code, x->code);
                if (err)
                    html_fmt(out, " aria-invalid=\"true\" aria-describedby=\"%s-error\"", x->code);
                html_fmt(out, "><option value=\"\">%s</option>", T(L, MSG_AS_NOT_ANSWERED));
                int top = x->scale == ASSESS_SCALE_YESNO ? 1 : 4;
                for (int k = 0; k <= top; k++) {
                    bool sel = value && *value && atoi(value) == k && strlen(value) == 1;
                    const char *label =
                        x->scale == ASSESS_SCALE_YESNO
                            ? T(L, k ? MSG_AS_YES : MSG_AS_NO)
                            : arena_printf(r->a, "%d · %s", k, level_text(r, &q, k));
                    html_fmt(out, "<option value=\"%d\"%R>%s</option>", k, sel ? " selected" : "",
                             label);
                }
                html_raw(out, "</select></div>");
            }
            web_field(r, &(web_input){.id = eid,
                                      .name = eid,
                                      .type = "text",
                                      .label = T(L, MSG_AS_EVIDENCE),
                                      .value = etyped,
                                      .error = v && v->errs ? web_errs_get(v->errs, eid) : NULL,
                                      .maxlength = ASSESS_EVIDENCE_MAX});
            html_raw(out, "</div>");
        }
        html_raw(out, "</fieldset>");
    }
    if (resp.submitted && r->user->secretariat == SEC_NONE) /* closed: see assess.h */
        html_fmt(out, "<p class=\"notice\">%s</p></form>", T(L, MSG_AS_CLOSED));
    else
        html_fmt(out,
                 "<div class=\"form-actions\"><button type=\"submit\" name=\"action\" "
                 "value=\"draft\" class=\"secondary\">%s</button> <button type=\"submit\" "
                 "name=\"action\" value=\"submit\">%s</button></div><p class=\"muted\">%s</p>"
                 "</form>",
                 T(L, MSG_AS_SAVE_DRAFT), T(L, MSG_AS_SUBMIT), T(L, MSG_AS_SUBMIT_HINT));
    layout_end(r);
}

void web_assess_form(req *r)
{
    org_rec o;
    int year;
    if (!load_year(r, &o, &year))
        return;
    if (year > time_year()) {
        resp_error(r, 404, T(r->lang, MSG_AS_ERR_FUTURE));
        return;
    }
    questionnaire_page(r, &o, year, NULL);
}

void web_assess_save(req *r)
{
    lang_id L = r->lang;
    org_rec o;
    int year;
    if (!load_year(r, &o, &year))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    /* every indicator of the questionnaire this assessment is under */
    assess_response resp = {0};
    assess_questionnaire q = {0};
    assess_answer *ans = NULL;
    bool has_version = false;
    db_status st = year > time_year()
                       ? DB_OK
                       : assess_load(r->db, r->a, o.id, year, &resp, &q, &ans, &has_version);
    if (st != DB_OK) {
        resp_fail(r, st, "assess_load");
        return;
    }
    assess_input_item *items = arena_alloc(r->a, (q.n + 1) * sizeof *items);
    if (!items) {
        resp_fail(r, DB_NOMEM, "assess items");
        return;
    }
    size_t n = 0;
    for (size_t i = 0; has_version && i < q.n; i++) {
        const char *eid = arena_printf(r->a, "%s_evidence", q.ind[i].code);
        if (q.ind[i].computed && ans[i].computed && ans[i].present)
            continue; /* filled from the data; the form has no field for it */
        items[n++] = (assess_input_item){q.ind[i].code, form_get(&f, q.ind[i].code),
                                         eid ? form_get(&f, eid) : NULL};
    }
    const char *action = form_get(&f, "action");
    bool submit = action && strcmp(action, "submit") == 0;
    assess_input in = {.items = items,
                       .n = n,
                       .replace = true,
                       .submit = submit,
                       .reopen = r->user->secretariat != SEC_NONE};
    form_errors fe = {0};
    st = assess_save(r->db, r->a, o.id, year, &in, r->user->person_id, r->client_ip, &fe);
    if (st == DB_OK) {
        web_notice_next(r, NOTICE_SAVED, 0);
        resp_redirect(r, submit ? arena_printf(r->a, "/orgs/%s/assessment?year=%d", o.slug, year)
                                : arena_printf(r->a, "/orgs/%s/assessment/%d", o.slug, year));
        return;
    }
    if (st != DB_CONSTRAINT) {
        resp_fail(r, st, "assess_save");
        return;
    }
    web_errs e = {0};
    for (size_t i = 0; i < fe.n_items; i++) {
        const form_error *x = &fe.items[i];
        if (strcmp(x->field, "year") == 0) {
            resp_error(r, 422,
                       T(L, x->code == FE_FUTURE_YEAR ? MSG_AS_ERR_FUTURE : MSG_AS_NO_VERSION));
            return;
        }
        if (x->code == FE_REQUIRED)
            web_errs_add(&e, x->field, T(L, MSG_AS_ERR_REQUIRED));
        else if (x->code == FE_INVALID)
            web_errs_add(&e, x->field, T(L, MSG_AS_ERR_COMPUTED));
        else if (x->code == FE_UNKNOWN_CODE)
            web_errs_add(&e, x->field, T(L, MSG_AS_ERR_UNKNOWN));
        else if (x->code == FE_RANGE || x->code == FE_NOT_INT) {
            buf t = BUF_INIT;
            form_error_text(&t, L, x);
            web_errs_add(&e, x->field,
                         arena_printf(r->a, "%s %s", T(L, MSG_AS_ERR_SCALE), buf_str(&t)));
            buf_free(&t);
        } else {
            buf t = BUF_INIT;
            form_error_text(&t, L, x);
            web_errs_add(&e, x->field, arena_strdup(r->a, buf_str(&t)));
            buf_free(&t);
        }
    }
    r->status = 422;
    form_view v = {.typed = &f, .errs = &e};
    questionnaire_page(r, &o, year, &v);
}

/* --- results ------------------------------------------------------------------------------ */

static void peers_sentence(req *r, int64_t org_id, const assess_response *cur)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    assess_position pos;
    if (assess_position_get(r->db, org_id, cur->year, cur->score, cur->stage, &pos) != DB_OK)
        return; /* the server's check (db_failure) answers 5xx for the page */
    html_fmt(
        out,
        "<section class=\"panel\" aria-labelledby=\"peers-title\"><h2 id=\"peers-title\">%s</h2>",
        T(L, MSG_AS_PEERS));
    html_raw(out, "<ul class=\"assess-peers\">");
    if (pos.pct_all >= 0)
        html_fmt(out, "<li>%s</li>",
                 arena_printf(r->a, T(L, MSG_AS_PCT_ALL), pos.pct_all, (long long)pos.n_all));
    else
        html_fmt(
            out, "<li>%s</li>",
            arena_printf(r->a, T(L, MSG_AS_PCT_FEW_ALL), ASSESS_MIN_PEERS, (long long)pos.n_all));
    if (!cur->stage)
        html_fmt(out, "<li>%s</li>", T(L, MSG_AS_PCT_NO_STAGE));
    else if (pos.pct_stage >= 0)
        html_fmt(out, "<li>%s</li>",
                 arena_printf(r->a, T(L, MSG_AS_PCT_STAGE), pos.pct_stage,
                              wf_stage_label(L, cur->stage), (long long)pos.n_stage));
    else
        html_fmt(out, "<li>%s</li>",
                 arena_printf(r->a, T(L, MSG_AS_PCT_FEW_STAGE), wf_stage_label(L, cur->stage),
                              ASSESS_MIN_PEERS, (long long)pos.n_stage));
    html_fmt(out, "</ul><p class=\"muted\">%s</p></section>", T(L, MSG_AS_PCT_HOW));
}

void web_assess_results(req *r)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    org_rec o;
    if (!wc_load(r, &o, RIGHT_ORG_EDIT))
        return;
    assess_response *h = NULL;
    size_t n = 0;
    db_status st = assess_history(r->db, r->a, o.id, &h, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "assess_history");
        return;
    }
    /* the year shown: ?year=, else the latest submitted */
    const char *qy = req_query(r, "year");
    const assess_response *cur = NULL, *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!h[i].submitted)
            continue;
        if (!cur && (!qy || atoi(qy) == h[i].year))
            cur = &h[i];
        else if (cur && !prev && h[i].year < cur->year)
            prev = &h[i];
    }
    const char *title = arena_printf(r->a, T(L, MSG_AS_RESULTS_TITLE), web_org_name(r, &o));
    layout_begin(r, &(page_meta){.title = title, .nav = "orgs"});
    page_head(r, &o, title, T(L, MSG_AS_RESULTS_CRUMB), NULL);
    if (o.is_demo)
        html_fmt(out, "<p class=\"demo-note\">%s</p>", T(L, MSG_AS_DEMO_NOTE));
    html_fmt(out, "<p class=\"lead\">%s</p>", T(L, MSG_AS_RESULTS_INTRO));

    /* the years: fill in this year's, continue a draft, see another year */
    int this_year = time_year();
    bool has_this = false;
    html_fmt(out,
             "<section class=\"panel\" aria-labelledby=\"years-title\"><h2 "
             "id=\"years-title\">%s</h2><ul class=\"assess-years\">",
             T(L, MSG_AS_YEARS));
    for (size_t i = 0; i < n; i++) {
        has_this = has_this || h[i].year == this_year;
        html_fmt(out, "<li><strong>%d</strong> · %s · <a href=\"/orgs/%q/assessment/%d\">%s</a>",
                 h[i].year, T(L, h[i].submitted ? MSG_AS_STATE_SUBMITTED : MSG_AS_STATE_DRAFT),
                 o.slug, h[i].year, T(L, h[i].submitted ? MSG_AS_VIEW_ANSWERS : MSG_AS_CONTINUE));
        if (h[i].submitted && (!cur || cur->year != h[i].year))
            html_fmt(out, " · <a href=\"/orgs/%q/assessment?year=%d\">%s</a>", o.slug, h[i].year,
                     T(L, MSG_AS_SEE_RESULTS));
        html_raw(out, "</li>");
    }
    if (!has_this)
        html_fmt(out, "<li><a class=\"button\" href=\"/orgs/%q/assessment/%d\">%s</a></li>", o.slug,
                 this_year, arena_printf(r->a, T(L, MSG_AS_START), this_year));
    html_raw(out, "</ul></section>");

    if (!cur) {
        html_fmt(out, "<p class=\"empty\">%s</p>", T(L, MSG_AS_NO_RESULTS));
        layout_end(r);
        return;
    }

    /* the score, its level, the change */
    html_fmt(out,
             "<section class=\"panel assess-score\" aria-labelledby=\"score-title\"><h2 "
             "id=\"score-title\">%s</h2><p class=\"assess-overall\"><strong>%s</strong> / 100 · "
             "<span class=\"badge\">%s</span></p>",
             arena_printf(r->a, T(L, MSG_AS_SCORE_TITLE), cur->year), score_text(r, cur->score),
             T(L, level_msg(cur->score)));
    if (prev) {
        int d = cur->score - prev->score;
        html_fmt(out, "<p>%s</p>",
                 arena_printf(r->a, T(L, MSG_AS_CHANGE), prev->year, d >= 0 ? "+" : "−",
                              score_text(r, d >= 0 ? d : -d)));
    } else {
        html_fmt(out, "<p class=\"muted\">%s</p>", T(L, MSG_AS_NO_PREVIOUS));
    }
    html_fmt(out, "<p class=\"muted\">%s</p></section>", T(L, MSG_AS_SCORE_HOW));

    /* the radar chart with its table */
    const char *axes[ASSESS_N_GROUPS];
    int64_t now_v[ASSESS_N_GROUPS], prev_v[ASSESS_N_GROUPS];
    for (int g = 0; g < ASSESS_N_GROUPS; g++) {
        axes[g] = T(L, group_short[g]);
        now_v[g] = cur->group_score[g] >= 0 ? cur->group_score[g] : CHART_NONE;
        prev_v[g] = prev && prev->group_score[g] >= 0 ? prev->group_score[g] : CHART_NONE;
    }
    chart_series series[2] = {{arena_printf(r->a, "%d", cur->year), now_v},
                              {prev ? arena_printf(r->a, "%d", prev->year) : "", prev_v}};
    table_col cols[] = {{T(L, MSG_AS_COL_GROUP), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
                        {arena_printf(r->a, "%d", cur->year), TABLE_TEXT, TABLE_ALIGN_RIGHT, false},
                        {prev ? arena_printf(r->a, "%d", prev->year) : T(L, MSG_AS_COL_PREV),
                         TABLE_TEXT, TABLE_ALIGN_RIGHT, false},
                        {T(L, MSG_AS_COL_CHANGE), TABLE_TEXT, TABLE_ALIGN_RIGHT, false}};
    table *t = table_new(r->a, T(L, MSG_AS_TABLE_TITLE), cols, 4);
    if (!t) {
        resp_fail(r, DB_NOMEM, "assess table");
        return;
    }
    t->id = "assess-table";
    for (int g = 0; g < ASSESS_N_GROUPS; g++) {
        size_t row = table_add_row(t);
        table_set_text(t, row, 0, T(L, group_names[g]));
        table_set_text(t, row, 1, score_text(r, cur->group_score[g]));
        if (prev && prev->group_score[g] >= 0) {
            int d = cur->group_score[g] - prev->group_score[g];
            table_set_text(t, row, 2, score_text(r, prev->group_score[g]));
            table_set_text(
                t, row, 3,
                arena_printf(r->a, "%s%s", d >= 0 ? "+" : "−", score_text(r, d >= 0 ? d : -d)));
        }
    }
    html_raw(out, "<div class=\"chart-with-table\">");
    chart_opts co = {.id = "assess-radar",
                     .title = T(L, MSG_AS_CHART_TITLE),
                     .subtitle = arena_printf(r->a, T(L, MSG_AS_CHART_SUB), cur->year),
                     .table_id = "assess-table",
                     .fmt = chart_score_fmt};
    chart_radar(out, L, &co, axes, ASSESS_N_GROUPS, series, prev ? 2 : 1, 1000);
    table_html(out, L, t);
    html_raw(out, "</div>");

    peers_sentence(r, o.id, cur);
    html_fmt(out, "<p class=\"muted\">%s</p>", T(L, MSG_AS_LEVELS_HOW));
    layout_end(r);
}

/* --- the secretariat's view --------------------------------------------------------------- */

void web_admin_assessments(req *r)
{
    lang_id L = r->lang;
    buf *out = &r->out;
    if (!rights_can(r->db, r->user, RIGHT_FIGURES_VERIFY, 0)) {
        resp_error(r, 403, T(L, MSG_AS_ADMIN_FORBIDDEN));
        return;
    }
    int year = time_year();
    const char *qy = req_query(r, "year");
    if (qy && *qy) {
        char *end = NULL;
        long y = strtol(qy, &end, 10);
        if (*end || y < 2000 || y > year) {
            resp_error(r, 400, T(L, MSG_AS_ERR_YEAR_PARAM));
            return;
        }
        year = (int)y;
    }
    assess_questionnaire q;
    int64_t *counts = NULL;
    assess_cluster_state *cl = NULL;
    size_t n_cl = 0;
    bool has_version = false;
    db_status st = assess_distribution(r->db, r->a, year, &q, &counts, &cl, &n_cl, &has_version);
    if (st != DB_OK) {
        resp_fail(r, st, "assess_distribution");
        return;
    }
    table_col cols[] = {
        {T(L, MSG_AS_COL_INDICATOR), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {T(L, MSG_AS_COL_GROUP), TABLE_TEXT, TABLE_ALIGN_LEFT, false},
        {"0", TABLE_INT, TABLE_ALIGN_AUTO, false},
        {"1", TABLE_INT, TABLE_ALIGN_AUTO, false},
        {"2", TABLE_INT, TABLE_ALIGN_AUTO, false},
        {"3", TABLE_INT, TABLE_ALIGN_AUTO, false},
        {"4", TABLE_INT, TABLE_ALIGN_AUTO, false},
    };
    table *t = table_new(r->a, arena_printf(r->a, T(L, MSG_AS_DIST_TITLE), year), cols, 7);
    if (!t) {
        resp_fail(r, DB_NOMEM, "assess table");
        return;
    }
    t->id = "assess-dist";
    for (size_t i = 0; has_version && i < q.n; i++) {
        size_t row = table_add_row(t);
        table_set_text(t, row, 0, ind_text(r, &q.ind[i]));
        table_set_text(t, row, 1, q.ind[i].group >= 0 ? T(L, group_short[q.ind[i].group]) : "");
        for (int k = 0; k < 5; k++)
            table_set_int(t, row, 2 + (size_t)k, counts[i * 5 + (size_t)k]);
    }
    if (table_respond(r, t, arena_printf(r->a, "self-assessment-%d", year)))
        return;
    size_t n_sub = 0, n_draft = 0;
    for (size_t i = 0; i < n_cl; i++) {
        if (strcmp(cl[i].state, "submitted") == 0)
            n_sub++;
        else if (strcmp(cl[i].state, "draft") == 0)
            n_draft++;
    }
    const char *title = T(L, MSG_AS_ADMIN_TITLE);
    layout_begin(r, &(page_meta){.title = title, .nav = "admin"});
    if (r->user &&
        r->user->secretariat == SEC_ADMIN) /* the admin pages' row; editors see the page alone */
        web_admin_nav(r, "assessments");
    html_fmt(out, "<h1>%s</h1>", title);
    html_fmt(out,
             "<form class=\"form form-inline\" method=\"get\" action=\"/admin/assessments\">"
             "<div class=\"field\"><label for=\"as-year\">%s</label><input id=\"as-year\" "
             "name=\"year\" type=\"number\" min=\"2000\" max=\"%d\" value=\"%d\"></div>"
             "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>",
             T(L, MSG_AS_YEAR), time_year(), year, T(L, MSG_AS_SHOW));
    html_fmt(out, "<p>%s</p>",
             arena_printf(r->a, T(L, MSG_AS_ADMIN_COUNTS), (long long)n_sub, (long long)n_draft,
                          (long long)(n_cl - n_sub - n_draft)));
    html_fmt(out, "<p class=\"muted\">%s</p>", T(L, MSG_AS_ADMIN_WHY));
    if (!has_version)
        html_fmt(out, "<p class=\"empty\">%s</p>", T(L, MSG_AS_NO_VERSION));
    else {
        html_fmt(out, "<p class=\"muted\">%s</p>", T(L, MSG_AS_DIST_LEVELS));
        table_html(out, L, t);
        table_download_links(out, L, arena_printf(r->a, "/admin/assessments?year=%d", year),
                             T(L, MSG_AS_DIST_TITLE_SHORT));
    }
    html_fmt(out,
             "<section class=\"panel\" aria-labelledby=\"missing-title\"><h2 "
             "id=\"missing-title\">%s</h2>",
             T(L, MSG_AS_MISSING));
    if (n_sub == n_cl)
        html_fmt(out, "<p class=\"empty\">%s</p>", T(L, MSG_AS_MISSING_NONE));
    else {
        html_raw(out, "<ul class=\"assess-missing\">");
        for (size_t i = 0; i < n_cl; i++) {
            if (strcmp(cl[i].state, "submitted") == 0)
                continue;
            const char *name = L == LANG_EN && cl[i].name_en && *cl[i].name_en
                                   ? cl[i].name_en
                                   : wc_text(r, cl[i].name);
            html_fmt(
                out, "<li><a href=\"/orgs/%q/assessment/%d\">%s</a> · %s</li>", cl[i].slug, year,
                name ? name : cl[i].slug,
                T(L, strcmp(cl[i].state, "draft") == 0 ? MSG_AS_STATE_DRAFT : MSG_AS_STATE_NONE));
        }
        html_raw(out, "</ul>");
    }
    html_raw(out, "</section>");
    layout_end(r);
}

/* --- the start page's section ------------------------------------------------------------- */

bool web_assess_start(req *r, db_status *st)
{
    lang_id L = r->lang;
    int year = time_year();
    work_cluster *c = NULL;
    size_t n = 0;
    if ((*st = worklist_clusters(r->db, r->a, r->user->person_id, year, &c, &n)) != DB_OK || n == 0)
        return false;
    html_fmt(&r->out, "<section class=\"work card\"><h2>%s</h2>\n<ul class=\"work-list\">",
             arena_printf(r->a, T(L, MSG_AS_START_SECTION), year));
    for (size_t i = 0; i < n; i++) {
        assess_response *h = NULL;
        size_t nh = 0;
        if ((*st = assess_history(r->db, r->a, c[i].id, &h, &nh)) != DB_OK)
            return false;
        msg_id state = MSG_AS_STATE_NONE;
        for (size_t k = 0; k < nh; k++)
            if (h[k].year == year)
                state = h[k].submitted ? MSG_AS_STATE_SUBMITTED : MSG_AS_STATE_DRAFT;
        const char *name =
            L == LANG_EN && c[i].name_en && *c[i].name_en ? c[i].name_en : wc_text(r, c[i].name);
        html_fmt(&r->out, "<li><a href=\"/orgs/%q/assessment%R\">%s</a> · %s</li>", c[i].slug,
                 state == MSG_AS_STATE_SUBMITTED ? "" : arena_printf(r->a, "/%d", year),
                 name ? name : c[i].slug, T(L, state));
    }
    html_raw(&r->out, "</ul></section>\n");
    return true;
}
