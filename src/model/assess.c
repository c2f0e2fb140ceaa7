/* assess.c: the yearly self-assessment against peers (see assess.h): the
 * questionnaire read from its tables, the computations that fill
 * indicators from the platform's data, scores and percentiles, the one
 * writer (draft and submit) and the secretariat's distribution. */
#include "model/assess.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/tx.h"

const char *const assess_groups[ASSESS_N_GROUPS] = {
    "structure", "governance", "financing", "services", "interaction", "recognition",
};

int assess_group_index(const char *code)
{
    for (int g = 0; code && g < ASSESS_N_GROUPS; g++)
        if (strcmp(assess_groups[g], code) == 0)
            return g;
    return -1;
}

/* --- scores ------------------------------------------------------------------------ */

int assess_level_of(const assess_indicator *ind, int64_t value)
{
    assert(ind);
    if (value < 0)
        value = 0;
    switch (ind->scale) {
    case ASSESS_SCALE_LEVEL:
        return value > 4 ? 4 : (int)value;
    case ASSESS_SCALE_YESNO:
        return value ? 4 : 0;
    case ASSESS_SCALE_NUMBER:
        break;
    }
    int level = 0;
    for (int k = 0; k < 4; k++)
        if (value >= ind->thr[k])
            level = k + 1;
    return level;
}

/* a / b rounded half up, for non-negative a and positive b. */
static int div_round(int64_t a, int64_t b)
{
    return (int)((2 * a + b) / (2 * b));
}

void assess_scores(const assess_indicator *ind, const int *levels, size_t n,
                   int group[ASSESS_N_GROUPS], int *overall)
{
    assert(ind && levels && group && overall);
    int64_t sum[ASSESS_N_GROUPS] = {0}, cnt[ASSESS_N_GROUPS] = {0};
    for (size_t i = 0; i < n; i++) {
        if (levels[i] < 0 || ind[i].group < 0 || ind[i].group >= ASSESS_N_GROUPS)
            continue;
        sum[ind[i].group] += levels[i];
        cnt[ind[i].group]++;
    }
    int64_t gsum = 0, gcnt = 0;
    for (int g = 0; g < ASSESS_N_GROUPS; g++) {
        /* mean level / 4 * 100 points, in tenths: sum * 1000 / (4 * cnt) */
        group[g] = cnt[g] ? div_round(sum[g] * 1000, 4 * cnt[g]) : -1;
        if (group[g] >= 0) {
            gsum += group[g];
            gcnt++;
        }
    }
    *overall = gcnt ? div_round(gsum, gcnt) : -1;
}

int assess_percentile(int64_t n, int64_t below, int64_t equal)
{
    if (n < ASSESS_MIN_PEERS)
        return -1;
    /* (below + equal / 2) / n in whole percent, rounded half up */
    return div_round(200 * below + 100 * equal, 2 * n);
}

const char *assess_level_name(int score)
{
    if (score >= ASSESS_LEVEL_READY)
        return "ready";
    if (score >= ASSESS_LEVEL_DEVELOPING)
        return "developing";
    return "foundation";
}

/* --- the questionnaire ----------------------------------------------------------------- */

static const char SQL_VERSION_FOR_YEAR[] =
    "SELECT id FROM assess_version WHERE year_from <= $1 ORDER BY year_from DESC LIMIT 1";

db_status assess_version_for_year(db *d, int year, int64_t *version_id)
{
    return db_int(d, version_id, 0, SQL_VERSION_FOR_YEAR, DB_ARGS(DBI(year)));
}

static const char SQL_VERSION[] = "SELECT year_from, name FROM assess_version WHERE id = $1";
static const char SQL_LEVELS[] = "SELECT level, label_en, label_sr, label_sr_latn"
                                 " FROM assess_level WHERE version_id = $1 ORDER BY level";
static const char SQL_INDICATORS[] =
    "SELECT i.id, i.group_code, i.code, i.position, i.text_en, i.text_sr, i.text_sr_latn,"
    " i.scale, i.thresholds, i.unit, i.max_value, i.computed"
    " FROM assess_indicator i JOIN assess_group g ON g.code = i.group_code"
    " WHERE i.version_id = $1 ORDER BY g.position, i.position, i.id";

static void indicator_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    assess_indicator *x = item;
    x->id = db_col_int(s, 0);
    const char *g = db_col_text(s, 1);
    x->group = assess_group_index(g);
    x->code = db_col_dup(a, s, 2, oom);
    x->position = (int)db_col_int(s, 3);
    x->text_en = db_col_dup(a, s, 4, oom);
    x->text_sr = db_col_dup(a, s, 5, oom);
    x->text_sr_latn = db_col_dup(a, s, 6, oom);
    const char *scale = db_col_text(s, 7);
    x->scale = scale && strcmp(scale, "yesno") == 0    ? ASSESS_SCALE_YESNO
               : scale && strcmp(scale, "number") == 0 ? ASSESS_SCALE_NUMBER
                                                       : ASSESS_SCALE_LEVEL;
    const char *thr = db_col_text(s, 8);
    if (thr) {
        long long t[4] = {0};
        if (sscanf(thr, "%lld,%lld,%lld,%lld", &t[0], &t[1], &t[2], &t[3]) == 4)
            for (int k = 0; k < 4; k++)
                x->thr[k] = t[k];
    }
    x->unit = db_col_dup(a, s, 9, oom);
    x->max_value = db_col_int(s, 10);
    x->computed = db_col_dup(a, s, 11, oom);
}

db_status assess_questionnaire_get(db *d, arena *a, int64_t version_id, assess_questionnaire *q,
                                   bool *found)
{
    assert(d && a && q && found);
    memset(q, 0, sizeof *q);
    *found = false;
    db_stmt *s = db_query(d, SQL_VERSION, DB_ARGS(DBI(version_id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        bool oom = false;
        q->version_id = version_id;
        q->year_from = (int)db_col_int(s, 0);
        q->name = db_col_dup(a, s, 1, &oom);
        *found = !oom;
        st = oom ? DB_NOMEM : DB_OK;
    } else if (st == DB_DONE)
        st = DB_OK;
    db_reset(s);
    if (st != DB_OK || !*found)
        return st;
    if (!(s = db_query(d, SQL_LEVELS, DB_ARGS(DBI(version_id)))))
        return db_failure(d) ? db_failure(d) : DB_ERR;
    bool oom = false;
    while ((st = db_step(s)) == DB_ROW) {
        int64_t l = db_col_int(s, 0);
        if (l < 0 || l > 4)
            continue;
        q->level_en[l] = db_col_dup(a, s, 1, &oom);
        q->level_sr[l] = db_col_dup(a, s, 2, &oom);
        q->level_sr_latn[l] = db_col_dup(a, s, 3, &oom);
    }
    db_reset(s);
    if (st != DB_DONE)
        return st;
    if (oom)
        return DB_NOMEM;
    if (!(s = db_query(d, SQL_INDICATORS, DB_ARGS(DBI(version_id)))))
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)&q->ind, &q->n, sizeof *q->ind, indicator_row, NULL);
}

/* --- computations from the platform's data ---------------------------------------------- */

/* The members of cluster $1 on the day $2 (YYYY-MM-DD). */
#define MEMBERS_ON                                                                                 \
    "WITH m AS (SELECT DISTINCT o.id, o.kind FROM cluster_member cm JOIN org o ON o.id = "         \
    "cm.org_id WHERE cm.cluster_id = $1 AND cm.joined_on <= $2 AND (cm.left_on IS NULL OR "        \
    "cm.left_on > $2)) "

static const char SQL_C_MEMBERS[] = MEMBERS_ON "SELECT count(*), 1 FROM m";
static const char SQL_C_TYPES[] = MEMBERS_ON "SELECT count(DISTINCT kind), 1 FROM m";
static const char SQL_C_SME[] =
    MEMBERS_ON ", e AS (SELECT m.kind, (SELECT f.employees FROM org_figure f WHERE f.org_id = m.id"
               " AND f.year <= $3 AND f.employees IS NOT NULL ORDER BY f.year DESC LIMIT 1) AS emp"
               " FROM m) SELECT CASE WHEN count(emp) = 0 THEN 0 ELSE"
               " (200 * sum(CASE WHEN kind = 'company' AND emp < 250 THEN 1 ELSE 0 END) + "
               "count(emp)) / (2 * count(emp)) END,"
               " count(emp) > 0 FROM e";
static const char SQL_C_RESEARCH[] =
    MEMBERS_ON "SELECT count(*), 1 FROM m WHERE kind IN ('university', 'research_institute',"
               " 'tech_centre', 'science_park')";
static const char SQL_C_PUBLIC[] =
    MEMBERS_ON "SELECT count(*) > 0, 1 FROM m WHERE kind IN ('public_authority', 'chamber')";
static const char SQL_C_FIGURES[] =
    MEMBERS_ON "SELECT CASE WHEN count(*) = 0 THEN 0 ELSE (200 * sum(CASE WHEN EXISTS (SELECT 1"
               " FROM org_figure f WHERE f.org_id = m.id AND f.year = $3) THEN 1 ELSE 0 END)"
               " + count(*)) / (2 * count(*))"
               " END, 1 FROM m";
static const char SQL_C_FTE[] =
    "SELECT coalesce(sum(fte_milli), 0), 1 FROM cluster_team WHERE org_id = $1"
    " AND (since IS NULL OR since <= $2) AND (until IS NULL OR until > $2)";
static const char SQL_C_EVENTS[] =
    "SELECT count(*), 1 FROM event WHERE organiser_id = $1 AND status = 'published'"
    " AND starts_at >= $4 AND starts_at < $5";
static const char SQL_C_PARTICIPANTS[] =
    MEMBERS_ON "SELECT count(*), 1 FROM event_registration r JOIN event e ON e.id = r.event_id"
               " WHERE r.state = 'confirmed' AND e.starts_at >= $4 AND e.starts_at < $5"
               " AND (r.org_id IN (SELECT id FROM m) OR EXISTS (SELECT 1 FROM"
               " affiliation a WHERE a.person_id = r.person_id AND a.ended_at IS NULL"
               " AND a.org_id IN (SELECT id FROM m)))";
static const char SQL_C_POSTS[] =
    MEMBERS_ON "SELECT count(*), 1 FROM post p WHERE p.status <> 'hidden'"
               " AND p.published_at >= $4 AND p.published_at < $5"
               " AND (p.org_id = $1 OR p.org_id IN (SELECT id FROM m))";
static const char SQL_C_INTROS[] =
    MEMBERS_ON "SELECT count(*), 1 FROM post_interest i JOIN post p ON p.id = i.post_id"
               " WHERE i.status = 'accepted' AND i.updated_at >= $4 AND i.updated_at < $5"
               " AND (p.org_id = $1 OR p.org_id IN (SELECT id FROM m)"
               " OR i.org_id = $1 OR i.org_id IN (SELECT id FROM m))";
static const char SQL_C_NEW_MEMBERS[] =
    "SELECT count(DISTINCT org_id), 1 FROM cluster_member WHERE cluster_id = $1"
    " AND joined_on <= $2 AND substr(joined_on, 1, 4) = printf('%04d', $3)";

/* The computations the questionnaire may name (assess_indicator.computed). */
static const struct {
    const char *name, *sql;
} computations[] = {
    {"members_count", SQL_C_MEMBERS},
    {"member_types", SQL_C_TYPES},
    {"sme_share", SQL_C_SME},
    {"research_members", SQL_C_RESEARCH},
    {"public_partner", SQL_C_PUBLIC},
    {"team_fte", SQL_C_FTE},
    {"figures_reported", SQL_C_FIGURES},
    {"events_held", SQL_C_EVENTS},
    {"event_participants", SQL_C_PARTICIPANTS},
    {"coop_posts", SQL_C_POSTS},
    {"introductions", SQL_C_INTROS},
    {"new_members", SQL_C_NEW_MEMBERS},
};

/* 1 January of year, 00:00 in Belgrade (UTC+1 in winter), as UTC seconds. */
static int64_t year_start(int year)
{
    /* days from 1970-01-01 to year-01-01 (Howard Hinnant's days_from_civil) */
    int64_t y = year - 1;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + 306; /* 1 January = day 306 of a March year */
    int64_t days = era * 146097 + doe - 719468;
    return days * 86400 - 3600;
}

db_status assess_compute(db *d, int64_t org_id, int year, const char *name, int64_t *value,
                         bool *known)
{
    assert(d && name && value && known);
    *value = 0;
    *known = false;
    const char *sql = NULL;
    for (size_t i = 0; i < sizeof computations / sizeof computations[0]; i++)
        if (strcmp(computations[i].name, name) == 0)
            sql = computations[i].sql;
    if (!sql)
        return DB_ERR;
    /* the day the members are counted on: the year's last day, or today */
    char today[11], day[11];
    time_today(today);
    snprintf(day, sizeof day, "%04d-12-31", year);
    if (today[0] && strcmp(today, day) < 0)
        memcpy(day, today, sizeof day);
    /* each computation uses the first k of these; bind only those */
    const db_val all[5] = {DBI(org_id), DBT(day), DBI(year), DBI(year_start(year)),
                           DBI(year_start(year + 1))};
    db_stmt *p = db_prepare(d, sql);
    int k = p ? db_param_count(p) : -1;
    db_stmt *s = k >= 0 && k <= 5 ? db_query(d, sql, (size_t)k, all) : NULL;
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *value = db_col_int(s, 0);
        *known = db_col_int(s, 1) != 0;
        st = DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    return st;
}

/* --- reading an assessment -------------------------------------------------------------- */

static const char SQL_RESPONSE[] =
    "SELECT id, year, version_id, status = 'submitted', stage, coalesce(score, -1),"
    " coalesce(score_structure, -1), coalesce(score_governance, -1),"
    " coalesce(score_financing, -1), coalesce(score_services, -1),"
    " coalesce(score_interaction, -1), coalesce(score_recognition, -1),"
    " coalesce(submitted_at, 0), updated_at"
    " FROM assess_response WHERE org_id = $1 AND ($2 = 0 OR year = $2) ORDER BY year DESC";

static void response_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    assess_response *x = item;
    x->id = db_col_int(s, 0);
    x->year = (int)db_col_int(s, 1);
    x->version_id = db_col_int(s, 2);
    x->submitted = db_col_int(s, 3) != 0;
    x->stage = db_col_dup(a, s, 4, oom);
    x->score = (int)db_col_int(s, 5);
    for (int g = 0; g < ASSESS_N_GROUPS; g++)
        x->group_score[g] = (int)db_col_int(s, 6 + g);
    x->submitted_at = db_col_int(s, 12);
    x->updated_at = db_col_int(s, 13);
}

db_status assess_history(db *d, arena *a, int64_t org_id, assess_response **out, size_t *n)
{
    assert(d && a && out && n);
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_RESPONSE, DB_ARGS(DBI(org_id), DBI(0)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, response_row, NULL);
}

static db_status response_get(db *d, arena *a, int64_t org_id, int year, assess_response *resp)
{
    memset(resp, 0, sizeof *resp);
    resp->year = year;
    resp->score = -1;
    for (int g = 0; g < ASSESS_N_GROUPS; g++)
        resp->group_score[g] = -1;
    assess_response *rows = NULL;
    size_t n = 0;
    db_stmt *s = db_query(d, SQL_RESPONSE, DB_ARGS(DBI(org_id), DBI(year)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_collect(s, a, (void **)&rows, &n, sizeof *rows, response_row, NULL);
    if (st == DB_OK && n == 1)
        *resp = rows[0];
    return st;
}

static const char SQL_ANSWERS[] =
    "SELECT indicator_id, value, level, source = 'computed', evidence, answered_at"
    " FROM assess_answer WHERE response_id = $1";

db_status assess_load(db *d, arena *a, int64_t org_id, int year, assess_response *resp,
                      assess_questionnaire *q, assess_answer **answers, bool *has_version)
{
    assert(d && a && resp && q && answers && has_version);
    *answers = NULL;
    *has_version = false;
    memset(q, 0, sizeof *q);
    db_status st = response_get(d, a, org_id, year, resp);
    if (st != DB_OK)
        return st;
    int64_t version = resp->version_id;
    if (!version && (st = assess_version_for_year(d, year, &version)) != DB_OK)
        return st;
    if (!version)
        return DB_OK;
    bool found = false;
    if ((st = assess_questionnaire_get(d, a, version, q, &found)) != DB_OK || !found)
        return st;
    *has_version = true;
    assess_answer *ans = arena_alloc(a, (q->n ? q->n : 1) * sizeof *ans);
    if (!ans)
        return DB_NOMEM;
    memset(ans, 0, (q->n ? q->n : 1) * sizeof *ans);
    *answers = ans;
    if (resp->id) {
        db_stmt *s = db_query(d, SQL_ANSWERS, DB_ARGS(DBI(resp->id)));
        if (!s)
            return db_failure(d) ? db_failure(d) : DB_ERR;
        bool oom = false;
        while ((st = db_step(s)) == DB_ROW) {
            int64_t iid = db_col_int(s, 0);
            for (size_t i = 0; i < q->n; i++) {
                if (q->ind[i].id != iid)
                    continue;
                ans[i].present = true;
                ans[i].value = db_col_int(s, 1);
                ans[i].level = (int)db_col_int(s, 2);
                ans[i].computed = db_col_int(s, 3) != 0;
                ans[i].evidence = db_col_dup(a, s, 4, &oom);
                ans[i].answered_at = db_col_int(s, 5);
            }
        }
        db_reset(s);
        if (st != DB_DONE)
            return st;
        if (oom)
            return DB_NOMEM;
    }
    if (resp->submitted)
        return DB_OK;
    /* a draft shows what the data says now */
    for (size_t i = 0; i < q->n; i++) {
        if (!q->ind[i].computed)
            continue;
        int64_t v = 0;
        bool known = false;
        if ((st = assess_compute(d, org_id, year, q->ind[i].computed, &v, &known)) != DB_OK)
            return st;
        if (known) {
            ans[i].present = true;
            ans[i].value = v;
            ans[i].level = assess_level_of(&q->ind[i], v);
            ans[i].computed = true;
            ans[i].evidence = NULL;
        } else if (ans[i].computed) {
            ans[i].present = false;
        }
    }
    return DB_OK;
}

/* --- peers ---------------------------------------------------------------------------- */

static const char SQL_PEERS[] =
    "SELECT count(*), coalesce(sum(CASE WHEN score < $3 THEN 1 ELSE 0 END), 0),"
    " coalesce(sum(CASE WHEN score = $3 THEN 1 ELSE 0 END), 0)"
    " FROM assess_response WHERE year = $1 AND status = 'submitted' AND org_id <> $2"
    " AND ($4 IS NULL OR stage = $4)";

static db_status peers(db *d, int64_t org_id, int year, int score, const char *stage, int64_t *n,
                       int *pct)
{
    db_stmt *s = db_query(d, SQL_PEERS,
                          DB_ARGS(DBI(year), DBI(org_id), DBI(score), stage ? DBT(stage) : DBNULL));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *n = db_col_int(s, 0);
        *pct = assess_percentile(*n, db_col_int(s, 1), db_col_int(s, 2));
        st = DB_OK;
    }
    db_reset(s);
    return st;
}

db_status assess_position_get(db *d, int64_t org_id, int year, int score, const char *stage,
                              assess_position *out)
{
    assert(d && out);
    memset(out, 0, sizeof *out);
    out->pct_all = out->pct_stage = -1;
    db_status st = peers(d, org_id, year, score, NULL, &out->n_all, &out->pct_all);
    if (st == DB_OK && stage)
        st = peers(d, org_id, year, score, stage, &out->n_stage, &out->pct_stage);
    return st;
}

/* --- the writer ------------------------------------------------------------------------- */

static const char SQL_STAGE[] = "SELECT stage FROM cluster_stage WHERE org_id = $1"
                                " ORDER BY reached_on DESC, id DESC LIMIT 1";
static const char SQL_RESPONSE_NEW[] =
    "INSERT INTO assess_response(org_id, year, version_id, status, created_at, created_by,"
    " updated_at, updated_by) VALUES ($1, $2, $3, 'draft', $4, $5, $4, $5)";
static const char SQL_ANSWER_PUT[] =
    "INSERT INTO assess_answer(response_id, org_id, year, version_id, indicator_id, value, level,"
    " source, evidence, answered_by, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
    " $10, $11) ON CONFLICT (response_id, indicator_id) DO UPDATE SET value = excluded.value,"
    " level = excluded.level, source = excluded.source, evidence = excluded.evidence,"
    " answered_by = excluded.answered_by, answered_at = excluded.answered_at"
    " WHERE assess_answer.value IS DISTINCT FROM excluded.value"
    " OR assess_answer.source IS DISTINCT FROM excluded.source"
    " OR assess_answer.evidence IS DISTINCT FROM excluded.evidence";
static const char SQL_ANSWER_DEL[] =
    "DELETE FROM assess_answer WHERE response_id = $1 AND indicator_id = $2";
static const char SQL_RESPONSE_TOUCH[] =
    "UPDATE assess_response SET updated_at = $2, updated_by = $3 WHERE id = $1";
static const char SQL_RESPONSE_DRAFT[] =
    "UPDATE assess_response SET status = 'draft', stage = NULL, score = NULL,"
    " score_structure = NULL, score_governance = NULL, score_financing = NULL,"
    " score_services = NULL, score_interaction = NULL, score_recognition = NULL,"
    " submitted_at = NULL, submitted_by = NULL, updated_at = $2, updated_by = $3 WHERE id = $1";
static const char SQL_RESPONSE_SUBMIT[] =
    "UPDATE assess_response SET status = 'submitted', stage = $2, score = $3,"
    " score_structure = $4, score_governance = $5, score_financing = $6, score_services = $7,"
    " score_interaction = $8, score_recognition = $9, submitted_at = $10, submitted_by = $11,"
    " updated_at = $10, updated_by = $11 WHERE id = $1";

typedef struct save_ctx {
    arena *a;
    int64_t org_id;
    int year;
    const assess_input *in;
    form_errors *errs;
    size_t errs_before;
    int score; /* out */
} save_ctx;

static const assess_input_item *item_of(const assess_input *in, const char *code)
{
    for (size_t i = 0; i < in->n; i++)
        if (in->items[i].code && strcmp(in->items[i].code, code) == 0)
            return &in->items[i];
    return NULL;
}

static bool has_text(const char *s)
{
    return s && *s;
}

static db_status save_body(tx *t, void *vctx)
{
    save_ctx *c = vctx;
    db *d = t->d;
    c->errs->n_items = c->errs_before; /* a retry starts afresh */
    assess_response resp;
    db_status st = response_get(d, c->a, c->org_id, c->year, &resp);
    if (st != DB_OK)
        return st;
    if (resp.submitted && !c->in->reopen) {
        valid_add_error(c->errs, "year", FE_SECRETARIAT_ONLY, 0, 0);
        return DB_CONSTRAINT;
    }
    int64_t version = resp.version_id;
    if (!version && (st = assess_version_for_year(d, c->year, &version)) != DB_OK)
        return st;
    if (!version) {
        valid_add_error(c->errs, "year", FE_RANGE, 2000, time_year());
        return DB_CONSTRAINT;
    }
    assess_questionnaire q;
    bool found = false;
    if ((st = assess_questionnaire_get(d, c->a, version, &q, &found)) != DB_OK)
        return st;
    if (!found)
        return DB_ERR;

    /* the values the data gives */
    int64_t *computed = arena_alloc(c->a, (q.n + 1) * sizeof *computed);
    bool *known = arena_alloc(c->a, q.n + 1);
    form_rule *rules = arena_alloc(c->a, (2 * q.n + 1) * sizeof *rules);
    const char **values = arena_alloc(c->a, (2 * q.n + 1) * sizeof *values);
    form_value *vals = arena_alloc(c->a, (2 * q.n + 1) * sizeof *vals);
    if (!computed || !known || !rules || !values || !vals)
        return DB_NOMEM;
    for (size_t i = 0; i < q.n; i++) {
        known[i] = false;
        if (q.ind[i].computed && (st = assess_compute(d, c->org_id, c->year, q.ind[i].computed,
                                                      &computed[i], &known[i])) != DB_OK)
            return st;
    }

    /* the validation table of this questionnaire */
    for (size_t i = 0; i < c->in->n; i++) {
        const char *code = c->in->items[i].code;
        bool ok = false;
        for (size_t k = 0; code && k < q.n && !ok; k++)
            ok = strcmp(q.ind[k].code, code) == 0;
        if (!ok)
            valid_add_error(c->errs, code ? code : "indicator", FE_UNKNOWN_CODE, 0, 0);
    }
    for (size_t i = 0; i < q.n; i++) {
        const assess_indicator *ind = &q.ind[i];
        int64_t max = ind->scale == ASSESS_SCALE_LEVEL   ? 4
                      : ind->scale == ASSESS_SCALE_YESNO ? 1
                                                         : ind->max_value;
        rules[2 * i] = (form_rule){ind->code, FV_INT, 0, 0, max, NULL};
        rules[2 * i + 1] = (form_rule){arena_printf(c->a, "%s_evidence", ind->code),
                                       FV_MULTILINE,
                                       0,
                                       0,
                                       ASSESS_EVIDENCE_MAX,
                                       NULL};
        if (!rules[2 * i + 1].name)
            return DB_NOMEM;
        const assess_input_item *it = item_of(c->in, ind->code);
        values[2 * i] = it ? it->value : NULL;
        values[2 * i + 1] = it ? it->evidence : NULL;
        if (known[i] && it && has_text(it->value)) {
            valid_add_error(c->errs, ind->code, FE_INVALID, 0, 0); /* computed: not answered */
            values[2 * i] = NULL;
        }
    }
    /* one small table per indicator: its value and its evidence
       (valid_values takes at most 32 rules at a time) */
    for (size_t i = 0; i < q.n; i++) {
        valid_table vt = {&rules[2 * i], 2, NULL, 0};
        valid_values(c->a, &vt, &values[2 * i], &vals[2 * i], c->errs, NULL);
    }
    if (c->errs->n_items > c->errs_before)
        return DB_CONSTRAINT;

    int64_t now = time_now();
    db_val actor = t->actor_id ? DBI(t->actor_id) : DBNULL;
    if (!resp.id) {
        if ((st = db_do(d, SQL_RESPONSE_NEW,
                        DB_ARGS(DBI(c->org_id), DBI(c->year), DBI(version), DBI(now), actor))) !=
            DB_OK)
            return st;
        resp.id = db_last_id(d);
    }
    int *levels = arena_alloc(c->a, (q.n + 1) * sizeof *levels);
    if (!levels)
        return DB_NOMEM;
    size_t n_answered = 0;
    for (size_t i = 0; i < q.n; i++) {
        const assess_indicator *ind = &q.ind[i];
        const assess_input_item *it = item_of(c->in, ind->code);
        const form_value *v = &vals[2 * i], *ev = &vals[2 * i + 1];
        levels[i] = -1;
        if (known[i] || v->present) {
            int64_t value = known[i] ? computed[i] : v->i;
            levels[i] = assess_level_of(ind, value);
            const char *evidence = known[i] || !ev->present ? NULL : ev->text;
            st = db_do(d, SQL_ANSWER_PUT,
                       DB_ARGS(DBI(resp.id), DBI(c->org_id), DBI(c->year), DBI(version),
                               DBI(ind->id), DBI(value), DBI(levels[i]),
                               DBT(known[i] ? "computed" : "answered"),
                               evidence ? DBT(evidence) : DBNULL, actor, DBI(now)));
            n_answered++;
        } else if (c->in->replace || it) {
            st = db_do(d, SQL_ANSWER_DEL, DB_ARGS(DBI(resp.id), DBI(ind->id)));
        } else {
            /* the API left it out: the stored answer stays */
            int64_t lv = -1;
            st = db_int(d, &lv, -1,
                        "SELECT level FROM assess_answer WHERE response_id = $1"
                        " AND indicator_id = $2",
                        DB_ARGS(DBI(resp.id), DBI(ind->id)));
            levels[i] = (int)lv;
            if (lv >= 0)
                n_answered++;
        }
        if (st != DB_OK)
            return st;
    }

    buf *j = &t->detail;
    buf_puts(j, "{");
    json_put_key(j, "year", true);
    json_put_int(j, c->year);
    json_put_key(j, "version", false);
    json_put_int(j, version);
    json_put_key(j, "answered", false);
    json_put_int(j, (int64_t)n_answered);
    if (!c->in->submit) {
        buf_puts(j, "}");
        c->score = -1;
        return resp.submitted
                   ? db_do(d, SQL_RESPONSE_DRAFT, DB_ARGS(DBI(resp.id), DBI(now), actor))
                   : db_do(d, SQL_RESPONSE_TOUCH, DB_ARGS(DBI(resp.id), DBI(now), actor));
    }
    for (size_t i = 0; i < q.n; i++)
        if (levels[i] < 0)
            valid_add_error(c->errs, q.ind[i].code, FE_REQUIRED, 0, 0);
    if (c->errs->n_items > c->errs_before)
        return DB_CONSTRAINT;
    int group[ASSESS_N_GROUPS], overall;
    assess_scores(q.ind, levels, q.n, group, &overall);
    char stage[16] = "";
    db_stmt *s = db_query(d, SQL_STAGE, DB_ARGS(DBI(c->org_id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    if ((st = db_step(s)) == DB_ROW && db_col_text(s, 0))
        snprintf(stage, sizeof stage, "%s", db_col_text(s, 0));
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        return st;
    json_put_key(j, "score", false);
    json_put_int(j, overall);
    buf_puts(j, "}");
    c->score = overall;
    return db_do(d, SQL_RESPONSE_SUBMIT,
                 DB_ARGS(DBI(resp.id), stage[0] ? DBT(stage) : DBNULL, DBI(overall), DBI(group[0]),
                         DBI(group[1]), DBI(group[2]), DBI(group[3]), DBI(group[4]), DBI(group[5]),
                         DBI(now), actor));
}

db_status assess_save(db *d, arena *a, int64_t org_id, int year, const assess_input *in,
                      int64_t actor, const char *ip, form_errors *errs)
{
    assert(d && a && in && errs);
    size_t before = errs->n_items;
    int this_year = time_year();
    if (year > this_year) {
        valid_add_error(errs, "year", FE_FUTURE_YEAR, 0, this_year);
        return DB_CONSTRAINT;
    }
    if (year < 2000) {
        valid_add_error(errs, "year", FE_RANGE, 2000, this_year);
        return DB_CONSTRAINT;
    }
    tx t = TX_INIT(actor, ip, in->submit ? "assess_submit" : "assess_save", "org", org_id);
    save_ctx c = {
        .a = a, .org_id = org_id, .year = year, .in = in, .errs = errs, .errs_before = before};
    return tx_write(d, &t, save_body, &c);
}

/* --- the secretariat's view --------------------------------------------------------------- */

static const char SQL_DIST[] = "SELECT a.indicator_id, a.level, count(*) FROM assess_answer a"
                               " JOIN assess_response r ON r.id = a.response_id"
                               " WHERE r.year = $1 AND r.status = 'submitted' AND a.version_id = $2"
                               " GROUP BY a.indicator_id, a.level";
static const char SQL_CLUSTERS[] =
    "SELECT o.id, o.slug, o.name, o.name_en, coalesce(r.status, 'none') FROM org o"
    " LEFT JOIN assess_response r ON r.org_id = o.id AND r.year = $1"
    " WHERE o.kind IN ('cluster', 'cluster_initiative') AND o.status = 'published'"
    " ORDER BY coalesce(r.status, 'none') = 'submitted', o.name_folded, o.id";

static void cluster_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    assess_cluster_state *x = item;
    x->id = db_col_int(s, 0);
    x->slug = db_col_dup(a, s, 1, oom);
    x->name = db_col_dup(a, s, 2, oom);
    x->name_en = db_col_dup(a, s, 3, oom);
    x->state = db_col_dup(a, s, 4, oom);
}

db_status assess_distribution(db *d, arena *a, int year, assess_questionnaire *q, int64_t **counts,
                              assess_cluster_state **clusters, size_t *n_clusters,
                              bool *has_version)
{
    assert(d && a && q && counts && clusters && n_clusters && has_version);
    *counts = NULL;
    *clusters = NULL;
    *n_clusters = 0;
    *has_version = false;
    memset(q, 0, sizeof *q);
    int64_t version = 0;
    db_status st = assess_version_for_year(d, year, &version);
    if (st != DB_OK)
        return st;
    if (version) {
        bool found = false;
        if ((st = assess_questionnaire_get(d, a, version, q, &found)) != DB_OK)
            return st;
        *has_version = found;
    }
    if (*has_version) {
        int64_t *cnt = arena_alloc(a, (q->n * 5 + 1) * sizeof *cnt);
        if (!cnt)
            return DB_NOMEM;
        memset(cnt, 0, (q->n * 5 + 1) * sizeof *cnt);
        *counts = cnt;
        db_stmt *s = db_query(d, SQL_DIST, DB_ARGS(DBI(year), DBI(version)));
        if (!s)
            return db_failure(d) ? db_failure(d) : DB_ERR;
        while ((st = db_step(s)) == DB_ROW) {
            int64_t iid = db_col_int(s, 0), level = db_col_int(s, 1);
            for (size_t i = 0; i < q->n; i++)
                if (q->ind[i].id == iid && level >= 0 && level <= 4)
                    cnt[i * 5 + (size_t)level] = db_col_int(s, 2);
        }
        db_reset(s);
        if (st != DB_DONE)
            return st;
    }
    db_stmt *s = db_query(d, SQL_CLUSTERS, DB_ARGS(DBI(year)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)clusters, n_clusters, sizeof **clusters, cluster_row, NULL);
}
