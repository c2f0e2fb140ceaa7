/* submission.c: submissions, answers, meetings, the timeline, the
 * stakeholder reads and the overview's counts (see submission.h).
 *
 * Three writes (a submission, an answer, a meeting) are rows of one table,
 * write_kinds[]: each a valid_table for its input and a tx_write body that
 * rechecks what needs the database (the stage, the institution's kind, a
 * submission not dated before its position was written, an answer not
 * before its submission) and writes the stage change beside the row. Reads are plain ordered
 * queries stitched in C. */
#include "model/submission.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "json/json.h"
#include "model/tx.h"
#include "core/strutil.h"
#include "db/db.h"

const char *const submission_channels[] = {"email", "post", "portal", "meeting", "other", NULL};
const char *const submission_outcomes[] = {"accepted", "partly", "rejected", "no_answer", NULL};
const char *const submission_institution_kinds[] = {"public_authority", "chamber", "donor", "ngo",
                                                    NULL};
const char *const overview_stage_codes[OVERVIEW_STAGES] = {"draft",     "consultation", "signing",
                                                           "submitted", "answered",     "closed"};
const char *const overview_outcome_codes[OVERVIEW_OUTCOMES] = {"accepted", "partly", "rejected",
                                                               "no_answer", "pending"};

static const char SQL_NO_ANSWER_DAYS[] =
    "SELECT CAST(value AS INTEGER) FROM app_meta WHERE key = 'advocacy_no_answer_days'";

int submission_no_answer_days(db *d)
{
    int64_t n = SUBMISSION_NO_ANSWER_DAYS;
    if (db_int(d, &n, SUBMISSION_NO_ANSWER_DAYS, SQL_NO_ANSWER_DAYS, DB_ARGS()) != DB_OK || n < 1 ||
        n > 3650)
        n = SUBMISSION_NO_ANSWER_DAYS;
    return (int)n;
}

/* Days from a to b (both YYYY-MM-DD); 0 when either is not a date. */
static int64_t days_between(const char *a, const char *b)
{
    int64_t ta, tb;
    if (!time_date_start(a, 0, &ta) || !time_date_start(b, 0, &tb))
        return 0;
    return (tb - ta + 43200) / 86400; /* rounded: a DST day is 23 or 25 hours */
}

bool submission_overdue(const char *sent_on, const char *today, int n)
{
    if (!sent_on || !today || !*today)
        return false;
    return days_between(sent_on, today) > n;
}

/* The Belgrade date of UTC time t. */
static void date_at(int64_t t, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        out[0] = '\0';
}

/* --- the position ---------------------------------------------------------------- */

static const char SQL_POSITION[] =
    "SELECT p.id, p.owner_id, coalesce(p.consultation_id, 0), p.stage, v.title_sr, v.title_en,"
    " o.slug, o.name, o.name_en, p.is_demo FROM position p JOIN org o ON o.id = p.owner_id"
    " LEFT JOIN position_version v ON v.position_id = p.id AND v.version = p.version"
    " WHERE p.id = $1";

static void head_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    position_head *h = item;
    h->id = db_col_int(s, 0);
    h->owner_id = db_col_int(s, 1);
    h->consultation_id = db_col_int(s, 2);
    h->stage = db_col_dup(a, s, 3, oom);
    h->title_sr = db_col_dup(a, s, 4, oom);
    h->title_en = db_col_dup(a, s, 5, oom);
    h->owner_slug = db_col_dup(a, s, 6, oom);
    h->owner_name = db_col_dup(a, s, 7, oom);
    h->owner_name_en = db_col_dup(a, s, 8, oom);
    h->is_demo = db_col_int(s, 9) != 0;
}

db_status submission_position(db *d, arena *a, int64_t id, position_head *out, bool *found)
{
    assert(d && a && out && found);
    memset(out, 0, sizeof *out);
    db_stmt *s = db_query(d, SQL_POSITION, DB_ARGS(DBI(id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect_one(s, a, out, sizeof *out, head_row, NULL, found);
}

/* --- validation tables ------------------------------------------------------------ */

enum { SU_INSTITUTION, SU_SENT_ON, SU_CHANNEL, SU_REFERENCE, SU_DOCUMENT_URL, SU_N };
static const form_rule submit_rules[SU_N] = {
    [SU_INSTITUTION] = {"institution", FV_TEXT, FORM_REQUIRED, 1, 200, NULL},
    [SU_SENT_ON] = {"sent_on", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
    [SU_CHANNEL] = {"channel", FV_ENUM, FORM_REQUIRED, 0, 0, submission_channels},
    [SU_REFERENCE] = {"reference", FV_TEXT, 0, 0, SUBMISSION_REF_MAX, NULL},
    [SU_DOCUMENT_URL] = {"document_url", FV_URL, 0, 0, 1000, NULL},
};

/* A date after today (Belgrade) is refused: what was sent or answered
 * happened already. */
static void not_future(const form_value *v, size_t i, const char *field, form_errors *errs)
{
    char today[11];
    time_today(today);
    if (v[i].present && !form_error_for(errs, field) && *today && strcmp(v[i].text, today) > 0)
        valid_add_error(errs, field, FE_FUTURE_YEAR, 0, 0);
}

static void submit_dates(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    not_future(v, SU_SENT_ON, "sent_on", errs);
}
static const valid_cross_fn submit_cross[] = {submit_dates};
static const valid_table submit_table = {submit_rules, SU_N, submit_cross, 1};

enum { OU_SUBMISSION, OU_OUTCOME, OU_ANSWERED_ON, OU_LINK, OU_NOTE, OU_N };
static const form_rule answer_rules[OU_N] = {
    [OU_SUBMISSION] = {"submission", FV_INT, FORM_REQUIRED, 1, INT64_MAX, NULL},
    [OU_OUTCOME] = {"outcome", FV_ENUM, FORM_REQUIRED, 0, 0, submission_outcomes},
    [OU_ANSWERED_ON] = {"answered_on", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
    [OU_LINK] = {"link", FV_URL, 0, 0, 1000, NULL},
    [OU_NOTE] = {"note", FV_MULTILINE, 0, 0, SUBMISSION_TEXT_MAX, NULL},
};
static void answer_dates(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    not_future(v, OU_ANSWERED_ON, "answered_on", errs);
}
static const valid_cross_fn answer_cross[] = {answer_dates};
static const valid_table answer_table = {answer_rules, OU_N, answer_cross, 1};

enum { ME_INSTITUTION, ME_MET_ON, ME_ATTENDEES, ME_TOPICS, ME_NOTES, ME_N };
static const form_rule meeting_rules[ME_N] = {
    [ME_INSTITUTION] = {"institution", FV_TEXT, 0, 0, 200, NULL},
    [ME_MET_ON] = {"met_on", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
    [ME_ATTENDEES] = {"attendees", FV_TEXT, FORM_REQUIRED, 1, 500, NULL},
    [ME_TOPICS] = {"topics", FV_MULTILINE, FORM_REQUIRED, 1, SUBMISSION_TEXT_MAX, NULL},
    [ME_NOTES] = {"notes", FV_MULTILINE, 0, 0, SUBMISSION_TEXT_MAX, NULL},
};
static const valid_table meeting_table = {meeting_rules, ME_N, NULL, 0};

/* --- writes ----------------------------------------------------------------------- */

static const char SQL_STAGE[] = "SELECT stage FROM position WHERE id = $1";
static const char SQL_INSTITUTION[] = "SELECT id, kind, status FROM org WHERE slug = $1";
static const char SQL_INSTITUTION_ID[] = "SELECT id, kind, status FROM org WHERE id = $1";
static const char SQL_SUBMIT[] =
    "INSERT INTO position_submission(position_id, institution_id, sent_on, channel, reference,"
    " document_url, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
static const char SQL_ADDRESSEE[] =
    "INSERT INTO position_addressee(position_id, org_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
static const char SQL_SET_STAGE[] =
    "UPDATE position SET stage = $2, updated_at = $3, updated_by = $4 WHERE id = $1";
static const char SQL_STEP[] =
    "INSERT INTO position_step(position_id, stage, at, by_id) VALUES ($1, $2, $3, $4)";

/* The position's stage into out (DB_DONE: no such position). */
static db_status read_stage(db *d, int64_t id, char out[16])
{
    db_stmt *s = db_query(d, SQL_STAGE, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW)
        snprintf(out, 16, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
    db_reset(s);
    return st == DB_ROW ? DB_OK : st;
}

/* Looks up an institution by slug (or id when slug is NULL): *id 0 when
 * there is none or it is no published institution. */
static db_status find_institution(db *d, const char *slug, int64_t by_id, int64_t *id)
{
    *id = 0;
    db_stmt *s = slug ? db_query(d, SQL_INSTITUTION, DB_ARGS(DBT(slug)))
                      : db_query(d, SQL_INSTITUTION_ID, DB_ARGS(DBI(by_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW && str_in(db_col_text(s, 1), submission_institution_kinds) &&
        db_col_text(s, 2) && strcmp(db_col_text(s, 2), "published") == 0)
        *id = db_col_int(s, 0);
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

static db_status move_stage(tx *t, int64_t position_id, const char *stage)
{
    int64_t now = time_now();
    db_status st = db_do(t->d, SQL_SET_STAGE,
                         DB_ARGS(DBI(position_id), DBT(stage), DBI(now), DBI(t->actor_id)));
    if (st == DB_OK)
        st = db_do(t->d, SQL_STEP,
                   DB_ARGS(DBI(position_id), DBT(stage), DBI(now),
                           t->actor_id ? DBI(t->actor_id) : DBNULL));
    return st;
}

/* The three writes (a submission, an answer, a meeting) were three copies
 * of one shape: validate a table, copy the typed values into a context,
 * open a tx with an action, run a body, hand back the id. They are now rows
 * of write_kinds[] run by sub_write(): a kind names its validation table,
 * its audit action and entity, and its body; a body reads the typed values
 * straight from w->v by its table's indexes. */
typedef struct sub_write_in {
    int64_t position_id, institution_id; /* the path's ids (0: none) */
    const form_value *v;                 /* typed fields, the kind's table order */
    form_errors *errs;
    int64_t id; /* out: the new row */
} sub_write_in;

typedef struct write_kind {
    const valid_table *table;
    const char *action, *entity; /* the audit row; entity_id: the position */
    db_status (*body)(tx *t, void *w);
} write_kind;

/* The field's text, or NULL when it was not given. */
static const char *opt(const sub_write_in *w, size_t i)
{
    return w->v[i].present ? w->v[i].text : NULL;
}

static const char SQL_CREATED[] = "SELECT created_at FROM position WHERE id = $1";
static const char SQL_LIVE_SIGNATURES[] =
    "SELECT count(*) FROM position_signature WHERE position_id = $1 AND withdrawn_at IS NULL";

static db_status submit_body(tx *t, void *vw)
{
    sub_write_in *w = vw;
    const char *sent_on = w->v[SU_SENT_ON].text, *channel = w->v[SU_CHANNEL].text,
               *reference = opt(w, SU_REFERENCE);
    char stage[16], created_on[11] = "";
    int64_t inst = 0, created = 0;
    w->errs->n_items = 0; /* a retry starts over */
    db_status st = read_stage(t->d, w->position_id, stage);
    if (st != DB_OK)
        return st;
    if (strcmp(stage, "signing") != 0 && strcmp(stage, "submitted") != 0)
        valid_add_error(w->errs, "stage", FE_NOT_PENDING, 0, 0);
    /* recording the first submission moves the stage to submitted: the
     * same rule as the bare move (position.c), someone must stand behind it */
    if (strcmp(stage, "signing") == 0) {
        int64_t live = 0;
        if ((st = db_int(t->d, &live, 0, SQL_LIVE_SIGNATURES, DB_ARGS(DBI(w->position_id)))) !=
            DB_OK)
            return st;
        if (live == 0)
            valid_add_error(w->errs, "stage", FE_POSITION_UNSIGNED, 0, 0);
    }
    if ((st = find_institution(t->d, w->v[SU_INSTITUTION].text, 0, &inst)) != DB_OK)
        return st;
    if (!inst)
        valid_add_error(w->errs, "institution", FE_INVALID, 0, 0);
    /* nothing is sent before the position was written (its Belgrade date) */
    if ((st = db_int(t->d, &created, 0, SQL_CREATED, DB_ARGS(DBI(w->position_id)))) != DB_OK)
        return st;
    date_at(created, created_on);
    if (*created_on && strcmp(sent_on, created_on) < 0)
        valid_add_error(w->errs, "sent_on", FE_DATE_ORDER, 0, 0);
    if (w->errs->n_items)
        return DB_CONSTRAINT;
    st = db_int(t->d, &w->id, 0, SQL_SUBMIT,
                DB_ARGS(DBI(w->position_id), DBI(inst), DBT(sent_on), DBT(channel),
                        db_opt_text(reference), db_opt_text(opt(w, SU_DOCUMENT_URL)),
                        DBI(time_now()), t->actor_id ? DBI(t->actor_id) : DBNULL));
    if (st == DB_OK)
        st = db_do(t->d, SQL_ADDRESSEE, DB_ARGS(DBI(w->position_id), DBI(inst)));
    if (st == DB_OK && strcmp(stage, "submitted") != 0)
        st = move_stage(t, w->position_id, "submitted");
    if (st != DB_OK)
        return st;
    buf_printf(&t->detail,
               "{\"submission\":%lld,\"institution\":%lld,\"sent_on\":", (long long)w->id,
               (long long)inst);
    json_put_string(&t->detail, sent_on);
    buf_puts(&t->detail, ",\"channel\":");
    json_put_string(&t->detail, channel);
    if (reference) {
        buf_puts(&t->detail, ",\"reference\":");
        json_put_string(&t->detail, reference);
    }
    buf_printf(&t->detail, ",\"stage\":\"submitted\"}");
    return DB_OK;
}

static const char SQL_SUBMISSION_OF[] =
    "SELECT sent_on FROM position_submission WHERE id = $1 AND position_id = $2";
static const char SQL_ANSWERED[] = "SELECT count(*) FROM position_outcome WHERE submission_id = $1"
                                   " AND outcome <> 'no_answer'";
static const char SQL_ANSWER[] =
    "INSERT INTO position_outcome(submission_id, outcome, answered_on, link, note, created_at,"
    " created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";

static db_status answer_body(tx *t, void *vw)
{
    sub_write_in *w = vw;
    int64_t submission_id = w->v[OU_SUBMISSION].i;
    const char *outcome = w->v[OU_OUTCOME].text, *answered_on = w->v[OU_ANSWERED_ON].text;
    char stage[16], sent_on[16] = "";
    w->errs->n_items = 0;
    db_status st = read_stage(t->d, w->position_id, stage);
    if (st != DB_OK)
        return st;
    if (strcmp(stage, "submitted") != 0 && strcmp(stage, "answered") != 0)
        valid_add_error(w->errs, "stage", FE_NOT_PENDING, 0, 0);
    db_stmt *s =
        db_query(t->d, SQL_SUBMISSION_OF, DB_ARGS(DBI(submission_id), DBI(w->position_id)));
    if (!s)
        return DB_ERR;
    st = db_step(s);
    if (st == DB_ROW)
        snprintf(sent_on, sizeof sent_on, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        return st;
    if (st == DB_DONE) {
        valid_add_error(w->errs, "submission", FE_INVALID, 0, 0);
    } else {
        int64_t n = 0;
        if ((st = db_int(t->d, &n, 0, SQL_ANSWERED, DB_ARGS(DBI(submission_id)))) != DB_OK)
            return st;
        if (n > 0)
            valid_add_error(w->errs, "submission", FE_TAKEN, 0, 0);
        if (strcmp(answered_on, sent_on) < 0)
            valid_add_error(w->errs, "answered_on", FE_DATE_ORDER, 0, 0);
    }
    if (w->errs->n_items)
        return DB_CONSTRAINT;
    st = db_int(t->d, &w->id, 0, SQL_ANSWER,
                DB_ARGS(DBI(submission_id), DBT(outcome), DBT(answered_on),
                        db_opt_text(opt(w, OU_LINK)), db_opt_text(opt(w, OU_NOTE)), DBI(time_now()),
                        t->actor_id ? DBI(t->actor_id) : DBNULL));
    bool answers = strcmp(outcome, "no_answer") != 0;
    if (st == DB_OK && answers && strcmp(stage, "submitted") == 0)
        st = move_stage(t, w->position_id, "answered");
    if (st != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"submission\":%lld,\"outcome\":", (long long)submission_id);
    json_put_string(&t->detail, outcome);
    buf_puts(&t->detail, ",\"answered_on\":");
    json_put_string(&t->detail, answered_on);
    if (answers && strcmp(stage, "submitted") == 0)
        buf_puts(&t->detail, ",\"stage\":\"answered\"");
    buf_putc(&t->detail, '}');
    return DB_OK;
}

static const char SQL_POSITION_EXISTS[] = "SELECT count(*) FROM position WHERE id = $1";
static const char SQL_MEETING[] =
    "INSERT INTO institution_meeting(institution_id, position_id, met_on, attendees, topics, notes,"
    " created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";

static db_status meeting_body(tx *t, void *vw)
{
    sub_write_in *w = vw;
    const char *institution = opt(w, ME_INSTITUTION), *met_on = w->v[ME_MET_ON].text;
    w->errs->n_items = 0;
    int64_t inst = 0, n = 0;
    db_status st;
    if (w->position_id) {
        if ((st = db_int(t->d, &n, 0, SQL_POSITION_EXISTS, DB_ARGS(DBI(w->position_id)))) != DB_OK)
            return st;
        if (n == 0)
            return DB_DONE;
    }
    if (!w->institution_id && !institution) {
        valid_add_error(w->errs, "institution", FE_REQUIRED, 0, 0);
        return DB_CONSTRAINT;
    }
    st = find_institution(t->d, w->institution_id ? NULL : institution, w->institution_id, &inst);
    if (st != DB_OK)
        return st;
    if (!inst) {
        valid_add_error(w->errs, "institution", FE_INVALID, 0, 0);
        return DB_CONSTRAINT;
    }
    if (w->position_id) {
        /* a meeting about a position happened between its writing and today */
        int64_t created = 0;
        char created_on[11] = "";
        if ((st = db_int(t->d, &created, 0, SQL_CREATED, DB_ARGS(DBI(w->position_id)))) != DB_OK)
            return st;
        date_at(created, created_on);
        if (*created_on && strcmp(met_on, created_on) < 0)
            valid_add_error(w->errs, "met_on", FE_DATE_ORDER, 0, 0);
        not_future(w->v, ME_MET_ON, "met_on", w->errs);
        if (w->errs->n_items)
            return DB_CONSTRAINT;
    }
    st = db_int(t->d, &w->id, 0, SQL_MEETING,
                DB_ARGS(DBI(inst), w->position_id ? DBI(w->position_id) : DBNULL, DBT(met_on),
                        DBT(w->v[ME_ATTENDEES].text), DBT(w->v[ME_TOPICS].text),
                        db_opt_text(opt(w, ME_NOTES)), DBI(time_now()),
                        t->actor_id ? DBI(t->actor_id) : DBNULL));
    if (st != DB_OK)
        return st;
    if (!w->position_id)
        t->entity_id = inst;
    /* the audit says when and with whom, never the notes */
    buf_printf(&t->detail, "{\"meeting\":%lld,\"institution\":%lld,\"met_on\":", (long long)w->id,
               (long long)inst);
    json_put_string(&t->detail, met_on);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

enum { WK_SUBMIT, WK_ANSWER, WK_MEETING, WK_INSTITUTION_MEETING };
static const write_kind write_kinds[] = {
    [WK_SUBMIT] = {&submit_table, "position_submit", "position", submit_body},
    [WK_ANSWER] = {&answer_table, "position_answer", "position", answer_body},
    [WK_MEETING] = {&meeting_table, "position_meeting", "position", meeting_body},
    [WK_INSTITUTION_MEETING] = {&meeting_table, "institution_meeting", "org", meeting_body},
};

/* Runs one write of write_kinds[]: vals (the kind's table order) checked
 * by its table, then its body in one tx_write audited on entity_id, with
 * the directory version bumped (anonymous pages that show it are cached on
 * it). *id: the new row on DB_OK. */
static db_status sub_write(db *d, int kind, const char *const *vals, int64_t position_id,
                           int64_t institution_id, int64_t entity_id, int64_t actor, const char *ip,
                           int64_t *id, form_errors *errs)
{
    const write_kind *k = &write_kinds[kind];
    form_value v[8];
    assert(k->table->n_rules <= sizeof v / sizeof v[0]);
    arena a = ARENA_INIT;
    db_status st;
    if (!valid_values(&a, k->table, vals, v, errs, NULL)) {
        st = tx_invalid(errs);
    } else {
        sub_write_in w = {position_id, institution_id, v, errs, 0};
        tx t = TX_INIT(actor, ip, k->action, k->entity, entity_id);
        t.bump = TX_DIRECTORY;
        st = tx_write(d, &t, k->body, &w);
        if (st == DB_OK && id)
            *id = w.id;
    }
    arena_free(&a);
    return st;
}

db_status submission_add(db *d, int64_t position_id, const submission_input *in, int64_t actor,
                         const char *ip, int64_t *id, form_errors *errs)
{
    assert(d && in && errs);
    const char *vals[SU_N] = {in->institution, in->sent_on, in->channel, in->reference,
                              in->document_url};
    return sub_write(d, WK_SUBMIT, vals, position_id, 0, position_id, actor, ip, id, errs);
}

db_status submission_answer(db *d, int64_t position_id, const outcome_input *in, int64_t actor,
                            const char *ip, int64_t *id, form_errors *errs)
{
    assert(d && in && errs);
    const char *vals[OU_N] = {in->submission, in->outcome, in->answered_on, in->link, in->note};
    return sub_write(d, WK_ANSWER, vals, position_id, 0, position_id, actor, ip, id, errs);
}

db_status submission_meeting_add(db *d, int64_t institution_id, int64_t position_id,
                                 const meeting_input *in, int64_t actor, const char *ip,
                                 int64_t *id, form_errors *errs)
{
    assert(d && in && errs);
    const char *vals[ME_N] = {in->institution, in->met_on, in->attendees, in->topics, in->notes};
    return sub_write(d, position_id ? WK_MEETING : WK_INSTITUTION_MEETING, vals, position_id,
                     institution_id, position_id ? position_id : institution_id, actor, ip, id,
                     errs);
}

/* --- reads ------------------------------------------------------------------------ */

static const char SQL_INSTITUTIONS[] =
    "SELECT id, slug, name, name_en FROM org WHERE status = 'published'"
    " AND kind IN ('public_authority', 'chamber', 'donor', 'ngo')"
    " ORDER BY name_folded, id LIMIT 1000";

static void choice_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    institution_choice *c = item;
    c->id = db_col_int(s, 0);
    c->slug = db_col_dup(a, s, 1, oom);
    c->name = db_col_dup(a, s, 2, oom);
    c->name_en = db_col_dup(a, s, 3, oom);
}

db_status submission_institutions(db *d, arena *a, institution_choice **out, size_t *n)
{
    assert(d && a && out && n);
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_INSTITUTIONS, DB_ARGS());
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, choice_row, NULL);
}

/* The latest answer of each submission: a real answer before a recorded
 * no_answer, the newest first. */
#define LATEST_OUTCOME(col)                                                                        \
    "(SELECT x." col " FROM position_outcome x WHERE x.submission_id = s.id"                       \
    " ORDER BY x.outcome = 'no_answer', x.id DESC LIMIT 1)"

static const char SQL_SUBMISSIONS[] =
    "SELECT s.id, s.position_id, s.institution_id, o.slug, o.name, o.name_en, s.sent_on,"
    " s.channel, s.reference, s.document_url, coalesce(" LATEST_OUTCOME(
        "id") ", 0),"
              " " LATEST_OUTCOME("outcome") ", " LATEST_OUTCOME(
                  "answered_on") ","
                                 " " LATEST_OUTCOME("link") ", " LATEST_OUTCOME(
                                     "note") ", s.created_at, coalesce(" LATEST_OUTCOME("created_"
                                                                                        "at") ", 0)"
                                                                                              " FRO"
                                                                                              "M "
                                                                                              "posi"
                                                                                              "tion"
                                                                                              "_sub"
                                                                                              "miss"
                                                                                              "ion "
                                                                                              "s "
                                                                                              "JOIN"
                                                                                              " org"
                                                                                              " o "
                                                                                              "ON "
                                                                                              "o."
                                                                                              "id "
                                                                                              "= "
                                                                                              "s."
                                                                                              "inst"
                                                                                              "itut"
                                                                                              "ion_"
                                                                                              "id"
                                                                                              " WHE"
                                                                                              "RE "
                                                                                              "s."
                                                                                              "posi"
                                                                                              "tion"
                                                                                              "_id "
                                                                                              "= "
                                                                                              "$1 "
                                                                                              "ORDE"
                                                                                              "R "
                                                                                              "BY "
                                                                                              "s."
                                                                                              "sent"
                                                                                              "_on,"
                                                                                              " s."
                                                                                              "id";

typedef struct sub_ctx {
    const char *today;
    int days;
} sub_ctx;

static void sub_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    const sub_ctx *c = ctx;
    submission_rec *x = item;
    x->id = db_col_int(s, 0);
    x->position_id = db_col_int(s, 1);
    x->institution_id = db_col_int(s, 2);
    x->institution_slug = db_col_dup(a, s, 3, oom);
    x->institution_name = db_col_dup(a, s, 4, oom);
    x->institution_name_en = db_col_dup(a, s, 5, oom);
    x->sent_on = db_col_dup(a, s, 6, oom);
    x->channel = db_col_dup(a, s, 7, oom);
    x->reference = db_col_dup(a, s, 8, oom);
    x->document_url = db_col_dup(a, s, 9, oom);
    x->outcome_id = db_col_int(s, 10);
    x->outcome = db_col_dup(a, s, 11, oom);
    x->answered_on = db_col_dup(a, s, 12, oom);
    x->link = db_col_dup(a, s, 13, oom);
    x->note = db_col_dup(a, s, 14, oom);
    x->created_at = db_col_int(s, 15);
    x->answered_at = db_col_int(s, 16);
    x->overdue = !x->outcome && submission_overdue(x->sent_on, c->today, c->days);
}

static db_status list_subs(db *d, arena *a, int64_t position_id, const char *today, int days,
                           submission_rec **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sub_ctx c = {today, days};
    db_stmt *s = db_query(d, SQL_SUBMISSIONS, DB_ARGS(DBI(position_id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, sub_row, &c);
}

db_status submission_list(db *d, arena *a, int64_t position_id, const char *today,
                          submission_rec **out, size_t *n)
{
    assert(d && a && out && n && today);
    return list_subs(d, a, position_id, today, submission_no_answer_days(d), out, n);
}

static const char SQL_MEETINGS[] =
    "SELECT m.id, m.institution_id, coalesce(m.position_id, 0), o.slug, o.name, o.name_en,"
    " m.met_on, m.attendees, m.topics, CASE WHEN $3 = 1 THEN m.notes END, v.title_sr, v.title_en,"
    " m.is_demo, m.created_at FROM institution_meeting m JOIN org o ON o.id = m.institution_id"
    " LEFT JOIN position p ON p.id = m.position_id"
    " LEFT JOIN position_version v ON v.position_id = p.id AND v.version = p.version"
    " WHERE ($1 > 0 AND m.position_id = $1) OR ($2 > 0 AND m.institution_id = $2)"
    " ORDER BY m.met_on DESC, m.id DESC LIMIT 500";

static void meeting_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    meeting_rec *m = item;
    m->id = db_col_int(s, 0);
    m->institution_id = db_col_int(s, 1);
    m->position_id = db_col_int(s, 2);
    m->institution_slug = db_col_dup(a, s, 3, oom);
    m->institution_name = db_col_dup(a, s, 4, oom);
    m->institution_name_en = db_col_dup(a, s, 5, oom);
    m->met_on = db_col_dup(a, s, 6, oom);
    m->attendees = db_col_dup(a, s, 7, oom);
    m->topics = db_col_dup(a, s, 8, oom);
    m->notes = db_col_dup(a, s, 9, oom);
    m->position_title_sr = db_col_dup(a, s, 10, oom);
    m->position_title_en = db_col_dup(a, s, 11, oom);
    m->is_demo = db_col_int(s, 12) != 0;
    m->created_at = db_col_int(s, 13);
}

db_status submission_meetings(db *d, arena *a, int64_t position_id, int64_t institution_id,
                              bool with_notes, meeting_rec **out, size_t *n)
{
    assert(d && a && out && n);
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_MEETINGS,
                          DB_ARGS(DBI(position_id), DBI(institution_id), DBI(with_notes ? 1 : 0)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, meeting_row, NULL);
}

static const char SQL_STEPS[] =
    "SELECT stage, at FROM position_step WHERE position_id = $1 ORDER BY at, id";

typedef struct step_pair {
    const char *stage;
    int64_t at;
} step_pair;

static void step_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    step_pair *p = item;
    p->stage = db_col_dup(a, s, 0, oom);
    p->at = db_col_int(s, 1);
}

/* Date order; equal dates: in the order recorded (so "Submitted to ..."
 * comes before the "Answered" step its answer made), then by kind (a step
 * after the record that moved it, "no answer" last), then as added. */
static int item_cmp(const void *pa, const void *pb)
{
    const timeline_item *a = pa, *b = pb;
    int c = strcmp(a->on ? a->on : "", b->on ? b->on : "");
    if (c)
        return c;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    /* recorded together: what was done before the stage it moved */
    int ra = a->kind == TL_STEP ? 10 : (int)a->kind, rb = b->kind == TL_STEP ? 10 : (int)b->kind;
    if (a->kind == TL_NO_ANSWER)
        ra = 11;
    if (b->kind == TL_NO_ANSWER)
        rb = 11;
    if (ra != rb)
        return ra - rb;
    return a < b ? -1 : a > b;
}

db_status submission_timeline(db *d, arena *a, int64_t position_id, const char *today,
                              bool with_notes, position_timeline *out)
{
    assert(d && a && out && today);
    memset(out, 0, sizeof *out);
    out->no_answer_days = submission_no_answer_days(d);
    step_pair *steps = NULL;
    size_t n_steps = 0;
    db_stmt *s = db_query(d, SQL_STEPS, DB_ARGS(DBI(position_id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_collect(s, a, (void **)&steps, &n_steps, sizeof *steps, step_row, NULL);
    if (st == DB_OK)
        st = list_subs(d, a, position_id, today, out->no_answer_days, &out->subs, &out->n_subs);
    if (st == DB_OK)
        st = submission_meetings(d, a, position_id, 0, with_notes, &out->meets, &out->n_meets);
    if (st != DB_OK)
        return st;
    size_t cap = n_steps + 2 * out->n_subs + out->n_meets;
    out->items = arena_alloc(a, (cap ? cap : 1) * sizeof *out->items);
    if (!out->items)
        return DB_NOMEM;
    timeline_item *it = out->items;
    size_t n = 0;
    for (size_t i = 0; i < n_steps; i++) {
        char *on = arena_alloc(a, 11);
        if (!on)
            return DB_NOMEM;
        date_at(steps[i].at, on);
        it[n++] =
            (timeline_item){.kind = TL_STEP, .on = on, .stage = steps[i].stage, .at = steps[i].at};
    }
    for (size_t i = 0; i < out->n_subs; i++) {
        const submission_rec *x = &out->subs[i];
        it[n++] =
            (timeline_item){.kind = TL_SUBMISSION, .on = x->sent_on, .sub = x, .at = x->created_at};
        if (x->outcome)
            it[n++] = (timeline_item){
                .kind = TL_ANSWER, .on = x->answered_on, .sub = x, .at = x->answered_at};
        else if (x->overdue)
            it[n++] = (timeline_item){.kind = TL_NO_ANSWER, .on = today, .sub = x, .at = INT64_MAX};
    }
    for (size_t i = 0; i < out->n_meets; i++)
        it[n++] = (timeline_item){.kind = TL_MEETING,
                                  .on = out->meets[i].met_on,
                                  .meet = &out->meets[i],
                                  .at = out->meets[i].created_at};
    qsort(it, n, sizeof *it, item_cmp);
    out->n_items = n;
    return DB_OK;
}

static const char SQL_STAKEHOLDER[] =
    "SELECT p.id, v.title_sr, v.title_en, p.stage,"
    " (SELECT max(s.sent_on) FROM position_submission s WHERE s.position_id = p.id"
    "   AND s.institution_id = $1),"
    " (SELECT x.outcome FROM position_outcome x JOIN position_submission s"
    "   ON s.id = x.submission_id WHERE s.position_id = p.id AND s.institution_id = $1"
    "   ORDER BY x.outcome = 'no_answer', x.id DESC LIMIT 1)"
    " FROM position p LEFT JOIN position_version v ON v.position_id = p.id AND v.version = "
    "p.version"
    " WHERE (p.id IN (SELECT position_id FROM position_addressee WHERE org_id = $1)"
    "   OR p.id IN (SELECT position_id FROM position_submission WHERE institution_id = $1))"
    " AND ($2 = 1 OR p.stage IN ('submitted', 'answered', 'closed'))"
    " ORDER BY p.updated_at DESC, p.id DESC LIMIT 200";

static void stake_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    const sub_ctx *c = ctx;
    stakeholder_position *p = item;
    p->id = db_col_int(s, 0);
    p->title_sr = db_col_dup(a, s, 1, oom);
    p->title_en = db_col_dup(a, s, 2, oom);
    p->stage = db_col_dup(a, s, 3, oom);
    p->sent_on = db_col_dup(a, s, 4, oom);
    p->outcome = db_col_dup(a, s, 5, oom);
    p->overdue = p->sent_on && !p->outcome && submission_overdue(p->sent_on, c->today, c->days);
}

db_status submission_stakeholder_positions(db *d, arena *a, int64_t institution_id,
                                           const char *today, bool all, stakeholder_position **out,
                                           size_t *n)
{
    assert(d && a && out && n && today);
    *out = NULL;
    *n = 0;
    sub_ctx c = {today, submission_no_answer_days(d)};
    db_stmt *s = db_query(d, SQL_STAKEHOLDER, DB_ARGS(DBI(institution_id), DBI(all ? 1 : 0)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, stake_row, &c);
}

static const char SQL_CONTACTS[] =
    "SELECT p.id, p.name, min(x.role), CASE WHEN p.public_contact = 1 OR $3 = 1 THEN p.email END,"
    " p.public_contact, min(x.role_en) FROM person p JOIN ("
    "  SELECT person_id, role, CAST(NULL AS TEXT) AS role_en FROM affiliation"
    "   WHERE org_id = $1 AND ended_at IS NULL"
    "  UNION ALL SELECT person_id, role, role_en FROM cluster_team WHERE org_id = $1"
    "   AND (until IS NULL OR until > $2)) x ON x.person_id = p.id"
    " WHERE p.erased_at IS NULL GROUP BY p.id ORDER BY p.name, p.id LIMIT 100";

static void contact_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    stakeholder_contact *c = item;
    c->person_id = db_col_int(s, 0);
    c->name = db_col_dup(a, s, 1, oom);
    c->role = db_col_dup(a, s, 2, oom);
    c->email = db_col_dup(a, s, 3, oom);
    c->public_contact = db_col_int(s, 4) != 0;
    c->role_en = db_col_dup(a, s, 5, oom);
}

db_status submission_contacts(db *d, arena *a, int64_t org_id, bool all_emails,
                              stakeholder_contact **out, size_t *n)
{
    assert(d && a && out && n);
    *out = NULL;
    *n = 0;
    char today[11];
    time_today(today);
    db_stmt *s =
        db_query(d, SQL_CONTACTS, DB_ARGS(DBI(org_id), DBT(today), DBI(all_emails ? 1 : 0)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, contact_row, NULL);
}

static const char SQL_FEED[] =
    "SELECT p.id, v.title_sr, v.title_en, p.stage, min(s.sent_on),"
    " group_concat(DISTINCT o.name), group_concat(DISTINCT coalesce(o.name_en, o.name)),"
    " (SELECT x.outcome FROM position_outcome x JOIN position_submission y"
    "   ON y.id = x.submission_id WHERE y.position_id = p.id"
    "   ORDER BY x.outcome = 'no_answer', x.id DESC LIMIT 1),"
    " min(s.created_at), max(p.updated_at, coalesce((SELECT max(x.created_at) FROM"
    "   position_outcome x JOIN position_submission y ON y.id = x.submission_id"
    "   WHERE y.position_id = p.id), 0))"
    " FROM position p JOIN position_submission s ON s.position_id = p.id"
    " JOIN org o ON o.id = s.institution_id"
    " LEFT JOIN position_version v ON v.position_id = p.id AND v.version = p.version"
    " WHERE p.stage IN ('submitted', 'answered', 'closed')"
    " GROUP BY p.id, v.title_sr, v.title_en ORDER BY min(s.sent_on) DESC, p.id DESC LIMIT $1";

static void feed_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    feed_position *f = item;
    f->id = db_col_int(s, 0);
    f->title_sr = db_col_dup(a, s, 1, oom);
    f->title_en = db_col_dup(a, s, 2, oom);
    f->stage = db_col_dup(a, s, 3, oom);
    f->first_sent_on = db_col_dup(a, s, 4, oom);
    f->institutions = db_col_dup(a, s, 5, oom);
    f->institutions_en = db_col_dup(a, s, 6, oom);
    f->outcome = db_col_dup(a, s, 7, oom);
    f->submitted_at = db_col_int(s, 8);
    f->updated_at = db_col_int(s, 9);
}

db_status submission_feed(db *d, arena *a, int limit, feed_position **out, size_t *n)
{
    assert(d && a && out && n);
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_FEED, DB_ARGS(DBI(limit < 1 || limit > 100 ? 50 : limit)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, feed_row, NULL);
}

/* --- the overview ----------------------------------------------------------------- */

static const char SQL_OV_STAGES[] =
    "SELECT CAST(strftime('%Y', created_at, 'unixepoch', 'localtime') AS INTEGER), stage,"
    " count(*) FROM position GROUP BY 1, 2";
static const char SQL_OV_SUBS[] =
    "SELECT CAST(substr(s.sent_on, 1, 4) AS INTEGER), s.sent_on, " LATEST_OUTCOME(
        "outcome") " FROM position_submission s";
static const char SQL_OV_FIRST[] =
    "SELECT CAST(substr(min(s.sent_on), 1, 4) AS INTEGER), max(CASE WHEN EXISTS (SELECT 1"
    " FROM position_outcome x WHERE x.submission_id = s.id AND x.outcome IN ('accepted', 'partly'))"
    " THEN 1 ELSE 0 END)"
    " FROM position_submission s GROUP BY s.position_id";
static const char SQL_OV_INST[] =
    "SELECT o.id, o.slug, o.name, o.name_en, count(DISTINCT s.id), count(x.id),"
    " CAST(round(coalesce(sum(julianday(x.answered_on) - julianday(s.sent_on)), 0)) AS INTEGER)"
    " FROM position_submission s JOIN org o ON o.id = s.institution_id"
    " LEFT JOIN position_outcome x ON x.submission_id = s.id AND x.outcome <> 'no_answer'"
    " GROUP BY o.id ORDER BY o.name_folded, o.id";
static const char SQL_OV_DEMO[] = "SELECT EXISTS (SELECT 1 FROM position WHERE is_demo = 1)"
                                  " OR EXISTS (SELECT 1 FROM consultation WHERE is_demo = 1)";

typedef struct ov_triple {
    int64_t year;
    const char *text;
    const char *text2;
    int64_t n;
} ov_triple;

static void stage_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    ov_triple *t = item;
    t->year = db_col_int(s, 0);
    t->text = db_col_dup(a, s, 1, oom);
    t->n = db_col_int(s, 2);
}
static void subs_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    ov_triple *t = item;
    t->year = db_col_int(s, 0);
    t->text = db_col_dup(a, s, 1, oom);
    t->text2 = db_col_dup(a, s, 2, oom);
}
static void first_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    (void)a;
    (void)oom;
    ov_triple *t = item;
    t->year = db_col_int(s, 0);
    t->n = db_col_int(s, 1);
}
static void inst_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    overview_institution *x = item;
    x->id = db_col_int(s, 0);
    x->slug = db_col_dup(a, s, 1, oom);
    x->name = db_col_dup(a, s, 2, oom);
    x->name_en = db_col_dup(a, s, 3, oom);
    x->submitted = db_col_int(s, 4);
    x->answers = db_col_int(s, 5);
    x->days_sum = db_col_int(s, 6);
}

static db_status collect_sql(db *d, arena *a, const char *sql, void **out, size_t *n, size_t size,
                             db_row_fn fn)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, sql, DB_ARGS());
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, out, n, size, fn, NULL);
}

/* The row of year y in out->years, added in order when missing; NULL for
 * a year out of range or when full. */
static overview_year *year_of(advocacy_overview *out, size_t cap, int64_t y)
{
    if (y < 1900 || y > 2199)
        return NULL;
    size_t i = 0;
    while (i < out->n_years && out->years[i].year < y)
        i++;
    if (i < out->n_years && out->years[i].year == y)
        return &out->years[i];
    if (out->n_years >= cap)
        return NULL;
    memmove(&out->years[i + 1], &out->years[i], (out->n_years - i) * sizeof *out->years);
    memset(&out->years[i], 0, sizeof *out->years);
    out->years[i].year = (int)y;
    out->n_years++;
    return &out->years[i];
}

static int code_index(const char *v, const char *const *codes, int n)
{
    for (int i = 0; v && i < n; i++)
        if (strcmp(v, codes[i]) == 0)
            return i;
    return -1;
}

db_status submission_overview(db *d, arena *a, const char *today, advocacy_overview *out)
{
    assert(d && a && today && out);
    memset(out, 0, sizeof *out);
    out->no_answer_days = submission_no_answer_days(d);
    ov_triple *stages = NULL, *subs = NULL, *first = NULL;
    size_t n_stages = 0, n_subs = 0, n_first = 0;
    int64_t demo = 0;
    db_status st =
        collect_sql(d, a, SQL_OV_STAGES, (void **)&stages, &n_stages, sizeof *stages, stage_row);
    if (st == DB_OK)
        st = collect_sql(d, a, SQL_OV_SUBS, (void **)&subs, &n_subs, sizeof *subs, subs_row);
    if (st == DB_OK)
        st = collect_sql(d, a, SQL_OV_FIRST, (void **)&first, &n_first, sizeof *first, first_row);
    if (st == DB_OK)
        st = collect_sql(d, a, SQL_OV_INST, (void **)&out->inst, &out->n_inst, sizeof *out->inst,
                         inst_row);
    if (st == DB_OK)
        st = db_int(d, &demo, 0, SQL_OV_DEMO, DB_ARGS());
    if (st != DB_OK)
        return st;
    out->any_demo = demo != 0;
    size_t cap = n_stages + n_subs + n_first + 1;
    out->years = arena_alloc(a, cap * sizeof *out->years);
    if (!out->years)
        return DB_NOMEM;
    for (size_t i = 0; i < n_stages; i++) {
        overview_year *y = year_of(out, cap, stages[i].year);
        int k = code_index(stages[i].text, overview_stage_codes, OVERVIEW_STAGES);
        if (y && k >= 0)
            y->stages[k] += stages[i].n;
    }
    for (size_t i = 0; i < n_subs; i++) {
        overview_year *y = year_of(out, cap, subs[i].year);
        int k = code_index(subs[i].text2, overview_outcome_codes, OVERVIEW_OUTCOMES);
        if (k < 0) /* no answer yet: overdue counts as no answer, else pending */
            k = submission_overdue(subs[i].text, today, out->no_answer_days) ? 3 : 4;
        if (y)
            y->outcomes[k]++;
    }
    for (size_t i = 0; i < n_first; i++) {
        overview_year *y = year_of(out, cap, first[i].year);
        if (y) {
            y->submitted++;
            y->accepted_any += first[i].n != 0;
        }
    }
    return DB_OK;
}
