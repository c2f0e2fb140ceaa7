/* api_assess.c: a cluster's self-assessments over JSON (model/assess.h).
 *
 *   GET /api/v1/clusters/{slug}/assessments         every year: status,
 *       version, score and group scores (points with one decimal), level,
 *       change since the previous submitted year, peer counts and
 *       percentiles (null below five peers)
 *   GET /api/v1/clusters/{slug}/assessments/{year}  that year's own answers
 *   PUT /api/v1/clusters/{slug}/assessments/{year}  answers to save as a
 *       draft, or to submit: {"answers": {"code": value | null |
 *       {"value": v, "evidence": "..."}}, "submit": false}; indicators
 *       left out keep their answers; null clears one
 *
 * The same people as the pages: the cluster's team and the secretariat
 * (RIGHT_ORG_EDIT; a read-only token may read, a write token is needed to
 * write). Anyone else gets 403, with nothing of the assessment: peers'
 * answers are never readable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/assess.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/web.h"

/* Loads the cluster {slug} and checks that the asker may see (write false)
 * or change (write true) its assessment; writes the 4xx otherwise. */
static bool load_cluster(req *r, org_rec *o, bool write)
{
    if (!api_cluster_load(r, o))
        return false;
    bool may = false;
    if (r->user) {
        principal p = *r->user;
        if (!write)
            p.token_write = true; /* reading is for those who may answer */
        may = rights_can(r->db, &p, RIGHT_ORG_EDIT, o->id);
    }
    if (!may) {
        resp_error(r, 403,
                   "Only the cluster's management team and the SCAN secretariat see or "
                   "answer its self-assessment.");
        return false;
    }
    return true;
}

static bool api_year(req *r, int *year)
{
    const char *p = req_param(r, "year");
    char *end = NULL;
    long y = p ? strtol(p, &end, 10) : 0;
    if (!p || !*p || *end || y < 2000 || y > 2100) {
        resp_error(r, 400, "year must be a year such as 2026.");
        return false;
    }
    *year = (int)y;
    return true;
}

/* A score in tenths as a JSON number with one decimal, or null. */
static void put_score(buf *o, const char *key, int tenths, bool first)
{
    json_put_key(o, key, first);
    if (tenths < 0)
        buf_puts(o, "null");
    else
        buf_printf(o, "%d.%d", tenths / 10, tenths % 10);
}

static void put_pct(buf *o, const char *key, int pct)
{
    json_put_key(o, key, false);
    if (pct < 0)
        buf_puts(o, "null");
    else
        json_put_int(o, pct);
}

void api_assess_list(req *r)
{
    org_rec o;
    if (!load_cluster(r, &o, false))
        return;
    assess_response *h = NULL;
    size_t n = 0;
    db_status st = assess_history(r->db, r->a, o.id, &h, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "assess_history");
        return;
    }
    buf *out = &r->out;
    r->content_type = "application/json";
    buf_puts(out, "{");
    json_put_key(out, "cluster", true);
    json_put_string(out, o.slug);
    json_put_key(out, "min_peers", false);
    json_put_int(out, ASSESS_MIN_PEERS);
    json_put_key(out, "years", false);
    buf_puts(out, "[");
    for (size_t i = 0; i < n; i++) {
        const assess_response *x = &h[i];
        const assess_response *prev = NULL;
        for (size_t k = i + 1; k < n && !prev; k++)
            if (h[k].submitted && x->submitted)
                prev = &h[k];
        if (i)
            buf_puts(out, ",");
        buf_puts(out, "{");
        json_put_key(out, "year", true);
        json_put_int(out, x->year);
        json_put_key(out, "status", false);
        json_put_string(out, x->submitted ? "submitted" : "draft");
        json_put_key(out, "version", false);
        json_put_int(out, x->version_id);
        put_score(out, "score", x->submitted ? x->score : -1, false);
        json_put_key(out, "level", false);
        if (x->submitted)
            json_put_string(out, assess_level_name(x->score));
        else
            buf_puts(out, "null");
        json_put_key(out, "groups", false);
        buf_puts(out, "{");
        for (int g = 0; g < ASSESS_N_GROUPS; g++)
            put_score(out, assess_groups[g], x->submitted ? x->group_score[g] : -1, g == 0);
        buf_puts(out, "}");
        json_put_key(out, "change", false);
        if (prev) {
            int d = x->score - prev->score;
            buf_printf(out, "%s%d.%d", d < 0 ? "-" : "", abs(d) / 10, abs(d) % 10);
        } else
            buf_puts(out, "null");
        json_put_key(out, "stage", false);
        if (x->stage)
            json_put_string(out, x->stage);
        else
            buf_puts(out, "null");
        assess_position pos = {.pct_all = -1, .pct_stage = -1};
        if (x->submitted &&
            (st = assess_position_get(r->db, o.id, x->year, x->score, x->stage, &pos)) != DB_OK) {
            resp_fail(r, st, "assess_position");
            return;
        }
        json_put_key(out, "peers_all", false);
        json_put_int(out, pos.n_all);
        json_put_key(out, "peers_stage", false);
        json_put_int(out, pos.n_stage);
        put_pct(out, "percentile_all", pos.pct_all);
        put_pct(out, "percentile_stage", pos.pct_stage);
        buf_puts(out, "}");
    }
    buf_puts(out, "]}");
}

static void put_answers(req *r, const org_rec *o, int year)
{
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
        resp_error(r, 404, "No questionnaire applies to this year.");
        return;
    }
    buf *out = &r->out;
    r->content_type = "application/json";
    buf_puts(out, "{");
    json_put_key(out, "cluster", true);
    json_put_string(out, o->slug);
    json_put_key(out, "year", false);
    json_put_int(out, year);
    json_put_key(out, "status", false);
    json_put_string(out, resp.submitted ? "submitted" : resp.id ? "draft" : "none");
    json_put_key(out, "version", false);
    json_put_int(out, q.version_id);
    put_score(out, "score", resp.submitted ? resp.score : -1, false);
    json_put_key(out, "answers", false);
    buf_puts(out, "[");
    for (size_t i = 0; i < q.n; i++) {
        if (i)
            buf_puts(out, ",");
        buf_puts(out, "{");
        json_put_key(out, "indicator", true);
        json_put_string(out, q.ind[i].code);
        json_put_key(out, "group", false);
        json_put_string(out, q.ind[i].group >= 0 ? assess_groups[q.ind[i].group] : "");
        json_put_key(out, "scale", false);
        json_put_string(out, q.ind[i].scale == ASSESS_SCALE_LEVEL   ? "level"
                             : q.ind[i].scale == ASSESS_SCALE_YESNO ? "yesno"
                                                                    : "number");
        json_put_key(out, "computed", false);
        json_put_bool(out, q.ind[i].computed != NULL);
        json_put_key(out, "value", false);
        if (ans[i].present)
            json_put_int(out, ans[i].value);
        else
            buf_puts(out, "null");
        json_put_key(out, "level", false);
        if (ans[i].present)
            json_put_int(out, ans[i].level);
        else
            buf_puts(out, "null");
        json_put_key(out, "source", false);
        if (ans[i].present)
            json_put_string(out, ans[i].computed ? "computed" : "answered");
        else
            buf_puts(out, "null");
        json_put_key(out, "evidence", false);
        if (ans[i].evidence)
            json_put_string(out, ans[i].evidence);
        else
            buf_puts(out, "null");
        buf_puts(out, "}");
    }
    buf_puts(out, "]}");
}

void api_assess_get(req *r)
{
    org_rec o;
    int year;
    if (!load_cluster(r, &o, false) || !api_year(r, &year))
        return;
    put_answers(r, &o, year);
}

void api_assess_put(req *r)
{
    org_rec o;
    int year;
    if (!load_cluster(r, &o, true) || !api_year(r, &year))
        return;
    json_t *body = NULL;
    if (!api_read_json(r, &body))
        return;
    json_t *answers = json_object_get(body, "answers");
    json_t *submit = json_object_get(body, "submit");
    if ((answers && !json_is_object(answers)) || (submit && !json_is_boolean(submit))) {
        json_decref(body);
        resp_error(r, 400, "answers must be an object of indicator codes, submit true or false.");
        return;
    }
    size_t n = answers ? json_object_size(answers) : 0;
    assess_input_item *items = arena_alloc(r->a, (n + 1) * sizeof *items);
    if (!items) {
        json_decref(body);
        resp_fail(r, DB_NOMEM, "assess items");
        return;
    }
    size_t k = 0;
    const char *key;
    json_t *v;
    const char *bad = NULL;
    json_object_foreach(answers, key, v)
    {
        json_t *val = json_is_object(v) ? json_object_get(v, "value") : v;
        json_t *ev = json_is_object(v) ? json_object_get(v, "evidence") : NULL;
        const char *value = "";
        if (json_is_integer(val))
            value = arena_printf(r->a, "%lld", (long long)json_integer_value(val));
        else if (val && !json_is_null(val))
            bad = arena_strdup(r->a, key);
        if (ev && !json_is_null(ev) && !json_is_string(ev))
            bad = arena_strdup(r->a, key);
        items[k++] = (assess_input_item){
            arena_strdup(r->a, key), value,
            json_is_string(ev) ? arena_strdup(r->a, json_string_value(ev)) : NULL};
    }
    bool do_submit = submit && json_is_true(submit);
    json_decref(body);
    if (bad) {
        resp_error(r, 422,
                   arena_printf(r->a,
                                "%s: the value must be a whole number or null, the evidence "
                                "a string.",
                                bad));
        return;
    }
    assess_input in = {.items = items,
                       .n = k,
                       .replace = false,
                       .submit = do_submit,
                       .reopen = r->user->secretariat != SEC_NONE};
    form_errors fe = {0};
    db_status st = assess_save(r->db, r->a, o.id, year, &in, r->user->person_id, r->client_ip, &fe);
    if (st == DB_CONSTRAINT && fe.n_items) {
        const form_error *e = &fe.items[0];
        const char *why =
            e->code == FE_FUTURE_YEAR       ? "the year is in the future"
            : strcmp(e->field, "year") == 0 ? "no questionnaire applies to this year"
            : e->code == FE_UNKNOWN_CODE    ? "unknown indicator"
            : e->code == FE_INVALID  ? "computed from the platform's data; it cannot be answered"
            : e->code == FE_REQUIRED ? "not answered yet; every indicator needs an answer to submit"
            : e->code == FE_RANGE    ? arena_printf(r->a, "outside its scale: %lld to %lld",
                                                    (long long)e->min, (long long)e->max)
            : e->code == FE_NOT_INT  ? "must be a whole number"
                                     : "not valid";
        resp_error(r, 422, arena_printf(r->a, "%s: %s.", e->field, why));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "assess_save");
        return;
    }
    put_answers(r, &o, year);
}
