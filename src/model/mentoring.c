/* mentoring.c: mentoring pairs and their meetings (see mentoring.h).
 *
 * The current stage of a cluster is its latest cluster_stage row; a
 * mentor must be at stage established, a mentee must not be. Both must be
 * published directory entries. */
#include "model/mentoring.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "json/json.h"
#include "model/notify.h"
#include "model/rights.h"
#include "model/tx.h"

enum { MC_MENTEE, MC_MENTOR, MC_STARTED_ON, MC_N };
static const form_rule create_rules[MC_N] = {
    [MC_MENTEE] = {"mentee", FV_SLUG, FORM_REQUIRED, 1, 200, NULL},
    [MC_MENTOR] = {"mentor", FV_SLUG, FORM_REQUIRED, 1, 200, NULL},
    [MC_STARTED_ON] = {"started_on", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
};

/* A cluster does not mentor itself. */
static void not_self(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    if (v[MC_MENTEE].present && v[MC_MENTOR].present &&
        strcmp(v[MC_MENTEE].text, v[MC_MENTOR].text) == 0 && !form_error_for(errs, "mentor"))
        valid_add_error(errs, "mentor", FE_SELF_MEMBER, 0, 0);
}
static const valid_cross_fn create_cross[] = {not_self};
static const valid_table create_table = {create_rules, MC_N, create_cross, 1};

enum { ME_ENDED_ON, ME_NOTE, ME_N };
static const form_rule end_rules[ME_N] = {
    [ME_ENDED_ON] = {"ended_on", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
    [ME_NOTE] = {"end_note", FV_MULTILINE, 0, 0, MENTORING_NOTE_MAX, NULL},
};
static const valid_table end_table = {end_rules, ME_N, NULL, 0};

enum { MM_MET_ON, MM_NOTES, MM_NEXT, MM_N };
static const form_rule meeting_rules[MM_N] = {
    [MM_MET_ON] = {"met_on", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
    [MM_NOTES] = {"notes", FV_MULTILINE, FORM_REQUIRED, 1, MENTORING_NOTE_MAX, NULL},
    [MM_NEXT] = {"next_steps", FV_MULTILINE, 0, 0, MENTORING_NOTE_MAX, NULL},
};
static const valid_table meeting_table = {meeting_rules, MM_N, NULL, 0};

/* --- reads ------------------------------------------------------------------------ */

#define PAIR_COLS                                                                                  \
    "m.id, m.mentee_id, m.mentor_id, a.slug, a.name, a.name_en, b.slug, b.name, b.name_en,"        \
    " m.started_on, m.ended_on, m.end_note,"                                                       \
    " (SELECT count(*) FROM mentoring_meeting x WHERE x.mentoring_id = m.id), m.is_demo"           \
    " FROM mentoring m JOIN org a ON a.id = m.mentee_id JOIN org b ON b.id = m.mentor_id"
#define PAIR_ORDER " ORDER BY m.ended_on IS NOT NULL, m.started_on DESC, m.id DESC"

static const char SQL_GET[] = "SELECT " PAIR_COLS " WHERE m.id = $1";
static const char SQL_LIST[] = "SELECT " PAIR_COLS PAIR_ORDER;
static const char SQL_OF_ORG[] =
    "SELECT " PAIR_COLS " WHERE m.mentee_id = $1 OR m.mentor_id = $1" PAIR_ORDER;
static const char SQL_FOR_PERSON[] =
    "SELECT " PAIR_COLS " WHERE m.ended_on IS NULL AND EXISTS (SELECT 1 FROM affiliation f"
    " WHERE f.person_id = $1 AND f.role = 'manager' AND f.ended_at IS NULL"
    " AND f.org_id IN (m.mentee_id, m.mentor_id))" PAIR_ORDER;

static void pair_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    mentoring_rec *m = item;
    int c = 0;
    m->id = db_col_int(s, c++);
    m->mentee_id = db_col_int(s, c++);
    m->mentor_id = db_col_int(s, c++);
    m->mentee_slug = db_col_dup(a, s, c++, oom);
    m->mentee_name = db_col_dup(a, s, c++, oom);
    m->mentee_name_en = db_col_dup(a, s, c++, oom);
    m->mentor_slug = db_col_dup(a, s, c++, oom);
    m->mentor_name = db_col_dup(a, s, c++, oom);
    m->mentor_name_en = db_col_dup(a, s, c++, oom);
    m->started_on = db_col_dup(a, s, c++, oom);
    m->ended_on = db_col_dup(a, s, c++, oom);
    m->end_note = db_col_dup(a, s, c++, oom);
    m->meetings = db_col_int(s, c++);
    m->is_demo = db_col_int(s, c++) != 0;
}

static db_status pairs(db *d, arena *a, const char *sql, int64_t id, bool with_id,
                       mentoring_rec **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = with_id ? db_query(d, sql, DB_ARGS(DBI(id))) : db_query(d, sql, DB_NONE);
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, pair_row, NULL);
}

db_status mentoring_get(db *d, arena *a, int64_t id, mentoring_rec *out, bool *found)
{
    mentoring_rec *rows = NULL;
    size_t n = 0;
    *found = false;
    memset(out, 0, sizeof *out);
    db_status st = pairs(d, a, SQL_GET, id, true, &rows, &n);
    if (st == DB_OK && n == 1) {
        *out = rows[0];
        *found = true;
    }
    return st;
}

db_status mentoring_list(db *d, arena *a, mentoring_rec **out, size_t *n)
{
    return pairs(d, a, SQL_LIST, 0, false, out, n);
}

db_status mentoring_of_org(db *d, arena *a, int64_t org_id, mentoring_rec **out, size_t *n)
{
    return pairs(d, a, SQL_OF_ORG, org_id, true, out, n);
}

db_status mentoring_for_person(db *d, arena *a, int64_t person, mentoring_rec **out, size_t *n)
{
    return pairs(d, a, SQL_FOR_PERSON, person, true, out, n);
}

static const char SQL_MEETINGS[] =
    "SELECT x.id, x.met_on, x.notes, x.next_steps, p.name, x.is_demo FROM mentoring_meeting x"
    " LEFT JOIN person p ON p.id = x.created_by AND p.erased_at IS NULL"
    " WHERE x.mentoring_id = $1 ORDER BY x.met_on DESC, x.id DESC";

static void meeting_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    mentoring_meeting *m = item;
    m->id = db_col_int(s, 0);
    m->met_on = db_col_dup(a, s, 1, oom);
    m->notes = db_col_dup(a, s, 2, oom);
    m->next_steps = db_col_dup(a, s, 3, oom);
    m->by_name = db_col_dup(a, s, 4, oom);
    m->is_demo = db_col_int(s, 5) != 0;
}

db_status mentoring_meetings(db *d, arena *a, int64_t id, mentoring_meeting **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_MEETINGS, DB_ARGS(DBI(id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, meeting_row, NULL);
}

static const char SQL_CANDIDATES[] =
    "SELECT slug, name, name_en, stage FROM (SELECT o.slug, o.name, o.name_en, o.kind,"
    " o.name_folded, coalesce((SELECT s.stage FROM cluster_stage s WHERE s.org_id = o.id"
    " ORDER BY s.reached_on DESC, s.id DESC LIMIT 1), '') AS stage FROM org o"
    " WHERE o.status = 'published' AND o.kind IN ('cluster', 'cluster_initiative')) AS c"
    " WHERE ($1 = 1 AND kind = 'cluster' AND stage = 'established')"
    " OR ($1 = 0 AND stage <> 'established') ORDER BY name_folded";

static void side_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    mentoring_side *x = item;
    x->slug = db_col_dup(a, s, 0, oom);
    x->name = db_col_dup(a, s, 1, oom);
    x->name_en = db_col_dup(a, s, 2, oom);
    x->stage = db_col_dup(a, s, 3, oom);
}

db_status mentoring_candidates(db *d, arena *a, bool mentors, mentoring_side **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_CANDIDATES, DB_ARGS(DBI(mentors ? 1 : 0)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, side_row, NULL);
}

bool mentoring_may_see(db *d, const principal *p, const mentoring_rec *m)
{
    if (!p)
        return false;
    /* reading: a read-only token reads what its person may edit */
    principal q = *p;
    q.token_write = true;
    return rights_can(d, &q, RIGHT_ORG_EDIT, m->mentee_id) ||
           rights_can(d, &q, RIGHT_ORG_EDIT, m->mentor_id);
}

/* --- writes ----------------------------------------------------------------------- */

/* A published cluster kind with its current stage ('' when none). */
static const char SQL_SIDE[] =
    "SELECT o.id, o.kind, coalesce((SELECT s.stage FROM cluster_stage s WHERE s.org_id = o.id"
    " ORDER BY s.reached_on DESC, s.id DESC LIMIT 1), ''), o.name FROM org o"
    " WHERE o.slug = $1 AND o.status = 'published'"
    " AND o.kind IN ('cluster', 'cluster_initiative')";
static const char SQL_RUNNING[] =
    "SELECT count(*) FROM mentoring WHERE mentee_id = $1 AND mentor_id = $2 AND ended_on IS NULL";
static const char SQL_INSERT[] =
    "INSERT INTO mentoring(mentee_id, mentor_id, started_on, created_at, created_by, updated_at,"
    " updated_by) VALUES ($1, $2, $3, $4, $5, $4, $5) RETURNING id";

typedef struct create_ctx {
    const char *mentee, *mentor, *started_on;
    form_errors *errs;
    int64_t id;
} create_ctx;

typedef struct side {
    int64_t id;
    char kind[32], stage[16], name[256];
} side;

static db_status read_side(db *d, const char *slug, side *out, bool *found)
{
    memset(out, 0, sizeof *out);
    *found = false;
    db_stmt *s = db_query(d, SQL_SIDE, DB_ARGS(DBT(slug)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *found = true;
        out->id = db_col_int(s, 0);
        snprintf(out->kind, sizeof out->kind, "%s", db_col_text(s, 1));
        snprintf(out->stage, sizeof out->stage, "%s", db_col_text(s, 2));
        snprintf(out->name, sizeof out->name, "%s", db_col_text(s, 3));
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

static db_status create_body(tx *t, void *vc)
{
    create_ctx *c = vc;
    side a, b;
    bool fa = false, fb = false;
    db_status st = read_side(t->d, c->mentee, &a, &fa);
    if (st == DB_OK)
        st = read_side(t->d, c->mentor, &b, &fb);
    if (st != DB_OK)
        return st;
    if (!fa)
        valid_add_error(c->errs, "mentee", FE_NOT_CLUSTER, 0, 0);
    else if (strcmp(a.stage, "established") == 0)
        valid_add_error(c->errs, "mentee", FE_INVALID, 0, 0);
    if (!fb)
        valid_add_error(c->errs, "mentor", FE_NOT_CLUSTER, 0, 0);
    else if (strcmp(b.kind, "cluster") != 0 || strcmp(b.stage, "established") != 0)
        valid_add_error(c->errs, "mentor", FE_INVALID, 0, 0);
    if (!fa || !fb || strcmp(a.stage, "established") == 0 || strcmp(b.stage, "established") != 0 ||
        strcmp(b.kind, "cluster") != 0)
        return DB_CONSTRAINT;
    int64_t n = 0;
    if ((st = db_int(t->d, &n, 0, SQL_RUNNING, DB_ARGS(DBI(a.id), DBI(b.id)))) != DB_OK)
        return st;
    if (n) {
        valid_add_error(c->errs, "mentor", FE_TAKEN, 0, 0);
        return DB_CONSTRAINT;
    }
    int64_t now = time_now();
    if ((st = db_int(t->d, &c->id, 0, SQL_INSERT,
                     DB_ARGS(DBI(a.id), DBI(b.id), DBT(c->started_on), DBI(now),
                             DBI(t->actor_id)))) != DB_OK)
        return st;
    t->entity_id = c->id;
    char href[64];
    snprintf(href, sizeof href, "/mentoring/%lld", (long long)c->id);
    int64_t orgs[2] = {a.id, b.id};
    notify_to to = {.orgs = orgs, .n_orgs = 2};
    notify_what what = {
        .entity = "mentoring", .entity_id = c->id, .a = b.name, .b = a.name, .href = href};
    if ((st = notify_event(t->d, t->actor_id, &to, "mentoring", &what, NULL)) != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"mentee\":%lld,\"mentor\":%lld,\"started_on\":", (long long)a.id,
               (long long)b.id);
    json_put_string(&t->detail, c->started_on);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status mentoring_create(db *d, const char *mentee, const char *mentor, const char *started_on,
                           int64_t actor, const char *ip, int64_t *id, form_errors *errs)
{
    assert(d && errs);
    char today[11];
    time_today(today);
    if (!started_on || !*started_on)
        started_on = today;
    arena a = ARENA_INIT;
    form_value v[MC_N];
    db_status st;
    if (!valid_values(&a, &create_table, (const char *[MC_N]){mentee, mentor, started_on}, v, errs,
                      NULL)) {
        st = tx_invalid(errs);
    } else {
        create_ctx c = {v[MC_MENTEE].text, v[MC_MENTOR].text, v[MC_STARTED_ON].text, errs, 0};
        tx t = TX_INIT(actor, ip, "mentoring_create", "mentoring", 0);
        st = tx_write(d, &t, create_body, &c);
        if (st == DB_OK && id)
            *id = c.id;
    }
    arena_free(&a);
    return st;
}

static const char SQL_ENDED_ON[] = "SELECT coalesce(ended_on, '') FROM mentoring WHERE id = $1";
static const char SQL_STATE[] = "SELECT started_on, ended_on IS NOT NULL FROM mentoring"
                                " WHERE id = $1";
static const char SQL_END[] = "UPDATE mentoring SET ended_on = $2, end_note = $3, updated_at = $4,"
                              " updated_by = $5 WHERE id = $1";

typedef struct end_ctx {
    int64_t id;
    const char *ended_on, *note; /* for a meeting: met_on, notes */
    const char *next_steps;
    form_errors *errs;
} end_ctx;

/* The pairing's start into started (DB_DONE: none) and whether it ended. */
static db_status pair_state(db *d, int64_t id, char started[11], bool *ended)
{
    db_stmt *s = db_query(d, SQL_STATE, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        snprintf(started, 11, "%s", db_col_text(s, 0));
        *ended = db_col_int(s, 1) != 0;
    }
    db_reset(s);
    return st == DB_ROW ? DB_OK : st;
}

/* Reads pairing c->id's state (DB_DONE: none) into *ended and refuses
 * with DB_CONSTRAINT and an error on field: an ended pairing when
 * refuse_ended (checked first), and a date c->ended_on before its start. */
static db_status pair_check(tx *t, end_ctx *c, const char *field, bool refuse_ended, bool *ended)
{
    char started[11];
    *ended = false;
    db_status st = pair_state(t->d, c->id, started, ended);
    if (st != DB_OK)
        return st;
    if (refuse_ended && *ended) {
        valid_add_error(c->errs, field, FE_NOT_PENDING, 0, 0);
        return DB_CONSTRAINT;
    }
    if (strcmp(c->ended_on, started) < 0) {
        valid_add_error(c->errs, field, FE_DATE_ORDER, 0, 0);
        return DB_CONSTRAINT;
    }
    return DB_OK;
}

static db_status end_body(tx *t, void *vc)
{
    end_ctx *c = vc;
    bool ended;
    db_status st = pair_check(t, c, "ended_on", true, &ended);
    if (st != DB_OK)
        return st;
    st = db_do(t->d, SQL_END,
               DB_ARGS(DBI(c->id), DBT(c->ended_on), c->note && *c->note ? DBT(c->note) : DBNULL,
                       DBI(time_now()), DBI(t->actor_id)));
    if (st != DB_OK)
        return st;
    buf_puts(&t->detail, "{\"ended_on\":");
    json_put_string(&t->detail, c->ended_on);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status mentoring_end(db *d, int64_t id, const char *ended_on, const char *note, int64_t actor,
                        const char *ip, form_errors *errs)
{
    assert(d && errs);
    arena a = ARENA_INIT;
    form_value v[ME_N];
    db_status st;
    if (!valid_values(&a, &end_table, (const char *[ME_N]){ended_on, note}, v, errs, NULL)) {
        st = tx_invalid(errs);
    } else {
        end_ctx c = {id, v[ME_ENDED_ON].text, v[ME_NOTE].text, NULL, errs};
        tx t = TX_INIT(actor, ip, "mentoring_end", "mentoring", id);
        st = tx_write(d, &t, end_body, &c);
    }
    arena_free(&a);
    return st;
}

static const char SQL_MEETING_INSERT[] =
    "INSERT INTO mentoring_meeting(mentoring_id, met_on, notes, next_steps, created_at,"
    " created_by) VALUES ($1, $2, $3, $4, $5, $6)";

static db_status meeting_body(tx *t, void *vc)
{
    end_ctx *c = vc;
    bool ended;
    db_status st = pair_check(t, c, "met_on", false, &ended);
    if (st != DB_OK)
        return st;
    if (ended) { /* a meeting after the pairing's end: refused */
        db_stmt *e = db_query(t->d, SQL_ENDED_ON, DB_ARGS(DBI(c->id)));
        if (!e)
            return DB_ERR;
        bool after = (st = db_step(e)) == DB_ROW && strcmp(c->ended_on, db_col_text(e, 0)) > 0;
        db_reset(e);
        if (st != DB_ROW)
            return st == DB_DONE ? DB_DONE : st;
        if (after) {
            valid_add_error(c->errs, "met_on", FE_NOT_PENDING, 0, 0);
            return DB_CONSTRAINT;
        }
    }
    st = db_do(t->d, SQL_MEETING_INSERT,
               DB_ARGS(DBI(c->id), DBT(c->ended_on), DBT(c->note),
                       c->next_steps && *c->next_steps ? DBT(c->next_steps) : DBNULL,
                       DBI(time_now()), DBI(t->actor_id)));
    if (st != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"meeting\":%lld,\"met_on\":", (long long)db_last_id(t->d));
    json_put_string(&t->detail, c->ended_on);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status mentoring_meeting_add(db *d, int64_t id, const char *met_on, const char *notes,
                                const char *next_steps, int64_t actor, const char *ip,
                                form_errors *errs)
{
    assert(d && errs);
    arena a = ARENA_INIT;
    form_value v[MM_N];
    db_status st;
    if (!valid_values(&a, &meeting_table, (const char *[MM_N]){met_on, notes, next_steps}, v, errs,
                      NULL)) {
        st = tx_invalid(errs);
    } else {
        end_ctx c = {id, v[MM_MET_ON].text, v[MM_NOTES].text, v[MM_NEXT].text, errs};
        tx t = TX_INIT(actor, ip, "mentoring_meeting_add", "mentoring", id);
        st = tx_write(d, &t, meeting_body, &c);
    }
    arena_free(&a);
    return st;
}
