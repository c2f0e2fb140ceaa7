/* devplan.c: development plans (see devplan.h).
 *
 * Three valid_tables check the goal, action and review input; the writes
 * are tx_write bodies that recheck what needs the database (the goal and
 * action belong to the cluster, the owner is of its team) and append
 * their audit detail. Reads stitch goals, their groups and their actions
 * from three ordered queries. */
#include "model/devplan.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "json/json.h"
#include "model/digest.h"
#include "model/notify.h"
#include "model/tx.h"
#include "db/db.h"

const char *const devplan_groups[] = {"structure",   "governance",  "financing", "services",
                                      "interaction", "recognition", NULL};
const char *const devplan_statuses[] = {"planned", "in_progress", "done", "dropped", NULL};

bool devplan_is_overdue(const char *deadline, const char *status, const char *today)
{
    if (!deadline || !status || !today || !*today)
        return false;
    if (strcmp(status, "done") == 0 || strcmp(status, "dropped") == 0)
        return false;
    return strcmp(deadline, today) < 0;
}

void devplan_date_at(int64_t t, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        out[0] = '\0';
}

/* --- validation tables ------------------------------------------------------------ */

enum { GO_TITLE, GO_DESCRIPTION, GO_N };
static const form_rule goal_rules[GO_N] = {
    [GO_TITLE] = {"title", FV_TEXT, FORM_REQUIRED, 1, DEVPLAN_TITLE_MAX, NULL},
    [GO_DESCRIPTION] = {"description", FV_MULTILINE, 0, 0, DEVPLAN_TEXT_MAX, NULL},
};

/* At least one group, each one of the six codes, none twice. */
static void goal_groups_known(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)v;
    const devplan_goal_input *in = ctx;
    if (in->n_groups == 0) {
        valid_add_error(errs, "groups", FE_REQUIRED, 0, 0);
        return;
    }
    for (size_t i = 0; i < in->n_groups; i++) {
        if (!str_in(in->groups[i], devplan_groups)) {
            valid_add_error(errs, "groups", FE_CHOICE, 0, 0);
            return;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(in->groups[i], in->groups[k]) == 0) {
                valid_add_error(errs, "groups", FE_INVALID, 0, 0);
                return;
            }
    }
}
static const valid_cross_fn goal_cross[] = {goal_groups_known};
static const valid_table goal_table = {goal_rules, GO_N, goal_cross, 1};

enum { AC_TITLE, AC_OWNER, AC_OWNER_TEXT, AC_DEADLINE, AC_STATUS, AC_DONE_ON, AC_N };
static const form_rule action_rules[AC_N] = {
    [AC_TITLE] = {"title", FV_TEXT, FORM_REQUIRED, 1, DEVPLAN_TITLE_MAX, NULL},
    [AC_OWNER] = {"owner", FV_INT, 0, 1, INT64_MAX, NULL},
    [AC_OWNER_TEXT] = {"owner_text", FV_TEXT, 0, 0, DEVPLAN_OWNER_MAX, NULL},
    [AC_DEADLINE] = {"deadline", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
    [AC_STATUS] = {"status", FV_ENUM, FORM_REQUIRED, 0, 0, devplan_statuses},
    [AC_DONE_ON] = {"done_on", FV_DATE, 0, 0, 0, NULL},
};

/* A done date only for a done action; an owner is a person or a text,
 * not both. */
static void action_consistent(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    bool done = v[AC_STATUS].text && strcmp(v[AC_STATUS].text, "done") == 0;
    if (v[AC_DONE_ON].present && !done && !form_error_for(errs, "done_on"))
        valid_add_error(errs, "done_on", FE_MISMATCH, 0, 0);
    if (v[AC_OWNER].present && v[AC_OWNER_TEXT].present && !form_error_for(errs, "owner_text"))
        valid_add_error(errs, "owner_text", FE_MISMATCH, 0, 0);
}
static const valid_cross_fn action_cross[] = {action_consistent};
static const valid_table action_table = {action_rules, AC_N, action_cross, 1};

enum { RV_YEAR, RV_BODY, RV_REVIEWED_ON, RV_N };

/* --- reads ------------------------------------------------------------------------ */

static const char SQL_GOALS[] = "SELECT id, title, description, is_demo FROM devplan_goal"
                                " WHERE org_id = $1 ORDER BY id";
static const char SQL_GOAL_GROUPS[] =
    "SELECT g.goal_id, g.grp FROM devplan_goal_group g JOIN devplan_goal x ON x.id = g.goal_id"
    " WHERE x.org_id = $1 ORDER BY g.goal_id, CASE g.grp WHEN 'structure' THEN 0"
    " WHEN 'governance' THEN 1 WHEN 'financing' THEN 2 WHEN 'services' THEN 3"
    " WHEN 'interaction' THEN 4 ELSE 5 END";
static const char SQL_ACTIONS[] =
    "SELECT a.id, a.goal_id, a.title, coalesce(a.owner_person_id, 0), coalesce(p.name,"
    " a.owner_text), a.owner_text, a.deadline, a.status, a.done_on, a.is_demo, a.updated_at"
    " FROM devplan_action a JOIN devplan_goal g ON g.id = a.goal_id"
    " LEFT JOIN person p ON p.id = a.owner_person_id"
    " WHERE g.org_id = $1 ORDER BY a.deadline, a.id";
static const char SQL_REVIEWS[] =
    "SELECT r.id, r.year, r.body, r.reviewed_on, p.name, r.updated_at FROM devplan_review r"
    " LEFT JOIN person p ON p.id = r.updated_by WHERE r.org_id = $1 ORDER BY r.year DESC";

static void goal_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    devplan_goal *g = item;
    g->id = db_col_int(s, 0);
    g->title = db_col_dup(a, s, 1, oom);
    g->description = db_col_dup(a, s, 2, oom);
    g->is_demo = db_col_int(s, 3) != 0;
}

typedef struct group_pair {
    int64_t goal_id;
    const char *grp;
} group_pair;

static void group_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    group_pair *g = item;
    g->goal_id = db_col_int(s, 0);
    g->grp = db_col_dup(a, s, 1, oom);
}

static void action_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    const char *today = ctx;
    devplan_action *x = item;
    x->id = db_col_int(s, 0);
    x->goal_id = db_col_int(s, 1);
    x->title = db_col_dup(a, s, 2, oom);
    x->owner_person_id = db_col_int(s, 3);
    x->owner_name = db_col_dup(a, s, 4, oom);
    x->owner_text = db_col_dup(a, s, 5, oom);
    x->deadline = db_col_dup(a, s, 6, oom);
    x->status = db_col_dup(a, s, 7, oom);
    x->done_on = db_col_dup(a, s, 8, oom);
    x->is_demo = db_col_int(s, 9) != 0;
    x->updated_at = db_col_int(s, 10);
    x->overdue = devplan_is_overdue(x->deadline, x->status, today);
}

static void review_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    devplan_review *r = item;
    r->id = db_col_int(s, 0);
    r->year = (int)db_col_int(s, 1);
    r->body = db_col_dup(a, s, 2, oom);
    r->reviewed_on = db_col_dup(a, s, 3, oom);
    r->by_name = db_col_dup(a, s, 4, oom);
    r->updated_at = db_col_int(s, 5);
}

static db_status collect(db *d, arena *a, const char *sql, int64_t id, void **out, size_t *n,
                         size_t size, db_row_fn fn, void *ctx)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, sql, DB_ARGS(DBI(id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, out, n, size, fn, ctx);
}

db_status devplan_get(db *d, arena *a, int64_t org_id, const char *today, devplan *out)
{
    assert(d && a && out && today);
    memset(out, 0, sizeof *out);
    group_pair *gp = NULL;
    devplan_action *ac = NULL;
    size_t n_gp = 0, n_ac = 0;
    db_status st = collect(d, a, SQL_GOALS, org_id, (void **)&out->goals, &out->n_goals,
                           sizeof *out->goals, goal_row, NULL);
    if (st == DB_OK)
        st = collect(d, a, SQL_GOAL_GROUPS, org_id, (void **)&gp, &n_gp, sizeof *gp, group_row,
                     NULL);
    if (st == DB_OK)
        st = collect(d, a, SQL_ACTIONS, org_id, (void **)&ac, &n_ac, sizeof *ac, action_row,
                     (void *)today);
    if (st == DB_OK)
        st = collect(d, a, SQL_REVIEWS, org_id, (void **)&out->reviews, &out->n_reviews,
                     sizeof *out->reviews, review_row, NULL);
    if (st != DB_OK)
        return st;
    for (size_t i = 0; i < out->n_goals; i++) {
        devplan_goal *g = &out->goals[i];
        size_t ng = 0, na = 0;
        for (size_t k = 0; k < n_gp; k++)
            ng += gp[k].goal_id == g->id;
        for (size_t k = 0; k < n_ac; k++)
            na += ac[k].goal_id == g->id;
        g->groups = ng ? arena_alloc(a, ng * sizeof *g->groups) : NULL;
        g->actions = na ? arena_alloc(a, na * sizeof *g->actions) : NULL;
        if ((ng && !g->groups) || (na && !g->actions))
            return DB_NOMEM;
        for (size_t k = 0; k < n_gp; k++)
            if (gp[k].goal_id == g->id)
                g->groups[g->n_groups++] = gp[k].grp;
        for (size_t k = 0; k < n_ac; k++)
            if (ac[k].goal_id == g->id) {
                g->actions[g->n_actions++] = ac[k];
                out->n_overdue += ac[k].overdue;
            }
    }
    return DB_OK;
}

static const char SQL_TEAM[] =
    "SELECT p.id, p.name FROM person p WHERE p.erased_at IS NULL AND p.id IN ("
    " SELECT person_id FROM affiliation WHERE org_id = $1 AND role = 'manager'"
    "  AND ended_at IS NULL"
    " UNION SELECT person_id FROM cluster_team WHERE org_id = $1"
    "  AND (until IS NULL OR until > $2)) ORDER BY p.name, p.id";

static void person_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    devplan_person *p = item;
    p->id = db_col_int(s, 0);
    p->name = db_col_dup(a, s, 1, oom);
}

db_status devplan_team(db *d, arena *a, int64_t org_id, devplan_person **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char today[11];
    time_today(today);
    db_stmt *s = db_query(d, SQL_TEAM, DB_ARGS(DBI(org_id), DBT(today)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, person_row, NULL);
}

static const char SQL_HISTORY[] =
    "SELECT a.at, p.name, a.action, a.detail FROM audit a LEFT JOIN person p ON p.id = a.actor_id"
    " AND p.erased_at IS NULL WHERE a.entity = 'devplan' AND a.entity_id = $1"
    " ORDER BY a.id DESC LIMIT $2";

static void change_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    devplan_change *c = item;
    c->at = db_col_int(s, 0);
    c->who = db_col_dup(a, s, 1, oom);
    c->action = db_col_dup(a, s, 2, oom);
    c->detail = db_col_dup(a, s, 3, oom);
}

db_status devplan_history(db *d, arena *a, int64_t org_id, int limit, devplan_change **out,
                          size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_HISTORY, DB_ARGS(DBI(org_id), DBI(limit > 0 ? limit : 50)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, change_row, NULL);
}

static const char SQL_OVERDUE_FOR[] =
    "SELECT x.id, o.id, o.slug, o.name, o.name_en, x.title, x.deadline"
    " FROM affiliation f JOIN org o ON o.id = f.org_id"
    " JOIN devplan_goal g ON g.org_id = o.id JOIN devplan_action x ON x.goal_id = g.id"
    " WHERE f.person_id = $1 AND f.role = 'manager' AND f.ended_at IS NULL"
    " AND o.kind IN ('cluster', 'cluster_initiative')"
    " AND x.status IN ('planned', 'in_progress') AND x.deadline < $2"
    " ORDER BY x.deadline, x.id LIMIT 50";

static void overdue_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    devplan_overdue_row *r = item;
    r->action_id = db_col_int(s, 0);
    r->org_id = db_col_int(s, 1);
    r->slug = db_col_dup(a, s, 2, oom);
    r->org_name = db_col_dup(a, s, 3, oom);
    r->org_name_en = db_col_dup(a, s, 4, oom);
    r->title = db_col_dup(a, s, 5, oom);
    r->deadline = db_col_dup(a, s, 6, oom);
}

db_status devplan_overdue_for(db *d, arena *a, int64_t person, const char *today,
                              devplan_overdue_row **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_OVERDUE_FOR, DB_ARGS(DBI(person), DBT(today)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, overdue_row, NULL);
}

db_status devplan_digest_overdue(db *d, arena *a, const digest_reader *r, const digest_period *w,
                                 digest_part *out)
{
    char today[11];
    devplan_date_at(w->now, today);
    devplan_overdue_row *x = NULL;
    size_t n = 0;
    db_status st = devplan_overdue_for(d, a, r->person_id, today, &x, &n);
    for (size_t i = 0; st == DB_OK && i < n; i++) {
        const char *name =
            r->lang == LANG_EN && x[i].org_name_en ? x[i].org_name_en : x[i].org_name;
        buf t = BUF_INIT;
        buf lat = BUF_INIT;
        if (r->lang == LANG_SR_LATN) {
            utf8_cyr_to_lat(&lat, name, strlen(name));
            if (!buf_failed(&lat))
                name = buf_str(&lat);
        }
        buf due = BUF_INIT; /* the deadline as the reader writes dates */
        struct tm tm = {0};
        if (x[i].deadline &&
            sscanf(x[i].deadline, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) == 3) {
            tm.tm_year -= 1900;
            tm.tm_mon -= 1;
            tm.tm_hour = 12; /* noon UTC: the same day in Belgrade */
            i18n_fmt_date(&due, r->lang, (int64_t)timegm(&tm));
        } else {
            buf_puts(&due, x[i].deadline ? x[i].deadline : "");
        }
        buf_printf(&t, T(r->lang, MSG_DP_DIGEST_LINE), name, x[i].title, buf_str(&due));
        buf_free(&due);
        char href[300];
        snprintf(href, sizeof href, "/orgs/%s/plan#action-%lld", x[i].slug,
                 (long long)x[i].action_id);
        digest_item(out, buf_str(&t), href);
        buf_free(&t);
        buf_free(&lat);
    }
    return st;
}

/* --- writes ----------------------------------------------------------------------- */

static const char SQL_GOAL_OF[] = "SELECT count(*) FROM devplan_goal WHERE id = $1 AND org_id = $2";
static const char SQL_GOAL_INSERT[] =
    "INSERT INTO devplan_goal(org_id, title, description, created_at, created_by, updated_at,"
    " updated_by) VALUES ($1, $2, $3, $4, $5, $4, $5) RETURNING id";
static const char SQL_GOAL_UPDATE[] =
    "UPDATE devplan_goal SET title = $2, description = $3, updated_at = $4, updated_by = $5"
    " WHERE id = $1";
static const char SQL_GROUPS_CLEAR[] = "DELETE FROM devplan_goal_group WHERE goal_id = $1";
static const char SQL_GROUP_ADD[] = "INSERT INTO devplan_goal_group(goal_id, grp) VALUES ($1, $2)";

typedef struct goal_ctx {
    int64_t org_id, goal_id;
    const char *title, *description;
    const devplan_goal_input *in;
    int64_t id; /* out */
} goal_ctx;

static db_status goal_body(tx *t, void *vc)
{
    goal_ctx *c = vc;
    int64_t now = time_now(), n = 0;
    db_status st;
    c->id = c->goal_id;
    if (c->goal_id) {
        if ((st = db_int(t->d, &n, 0, SQL_GOAL_OF, DB_ARGS(DBI(c->goal_id), DBI(c->org_id)))) !=
            DB_OK)
            return st;
        if (n == 0)
            return DB_DONE;
        st = db_do(t->d, SQL_GOAL_UPDATE,
                   DB_ARGS(DBI(c->goal_id), DBT(c->title), db_opt_text(c->description), DBI(now),
                           DBI(t->actor_id)));
    } else {
        st = db_int(t->d, &c->id, 0, SQL_GOAL_INSERT,
                    DB_ARGS(DBI(c->org_id), DBT(c->title), db_opt_text(c->description), DBI(now),
                            DBI(t->actor_id)));
    }
    if (st == DB_OK)
        st = db_do(t->d, SQL_GROUPS_CLEAR, DB_ARGS(DBI(c->id)));
    for (size_t i = 0; st == DB_OK && i < c->in->n_groups; i++)
        st = db_do(t->d, SQL_GROUP_ADD, DB_ARGS(DBI(c->id), DBT(c->in->groups[i])));
    if (st != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"goal\":%lld,\"title\":", (long long)c->id);
    json_put_string(&t->detail, c->title);
    buf_puts(&t->detail, ",\"groups\":\"");
    for (size_t i = 0; i < c->in->n_groups; i++)
        buf_printf(&t->detail, "%s%s", i ? " " : "", c->in->groups[i]);
    buf_puts(&t->detail, "\"}");
    return DB_OK;
}

db_status devplan_goal_save(db *d, int64_t org_id, int64_t goal_id, const devplan_goal_input *in,
                            int64_t actor, const char *ip, int64_t *id, form_errors *errs)
{
    assert(d && in && errs);
    arena a = ARENA_INIT;
    form_value v[GO_N];
    db_status st;
    if (!valid_values(&a, &goal_table, (const char *[GO_N]){in->title, in->description}, v, errs,
                      in)) {
        st = tx_invalid(errs);
    } else {
        goal_ctx c = {org_id, goal_id, v[GO_TITLE].text, v[GO_DESCRIPTION].text, in, 0};
        tx t = TX_INIT(actor, ip, goal_id ? "devplan_goal_update" : "devplan_goal_add", "devplan",
                       org_id);
        st = tx_write(d, &t, goal_body, &c);
        if (st == DB_OK && id)
            *id = c.id;
    }
    arena_free(&a);
    return st;
}

static const char SQL_ACTION_OF[] =
    "SELECT a.goal_id, coalesce(a.owner_person_id, 0) FROM devplan_action a"
    " JOIN devplan_goal g ON g.id = a.goal_id WHERE a.id = $1 AND g.org_id = $2";
static const char SQL_IN_TEAM[] =
    "SELECT count(*) FROM person p WHERE p.id = $1 AND p.erased_at IS NULL AND p.id IN ("
    " SELECT person_id FROM affiliation WHERE org_id = $2 AND role = 'manager'"
    "  AND ended_at IS NULL"
    " UNION SELECT person_id FROM cluster_team WHERE org_id = $2"
    "  AND (until IS NULL OR until > $3))";
static const char SQL_ACTION_INSERT[] =
    "INSERT INTO devplan_action(goal_id, title, owner_person_id, owner_text, deadline, status,"
    " done_on, created_at, created_by, updated_at, updated_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9) RETURNING id";
static const char SQL_ACTION_UPDATE[] =
    "UPDATE devplan_action SET title = $2, owner_person_id = $3, owner_text = $4, deadline = $5,"
    " status = $6, done_on = $7, updated_at = $8, updated_by = $9 WHERE id = $1";
static const char SQL_ORG_NAME[] = "SELECT slug, name FROM org WHERE id = $1";

typedef struct action_ctx {
    int64_t org_id, goal_id, action_id;
    const char *title, *owner_text, *deadline, *status, *done_on;
    int64_t owner;
    form_errors *errs;
    int64_t id; /* out */
} action_ctx;

/* Tells the new owner of an action (not the actor: notify_event skips
 * them). */
static db_status tell_owner(tx *t, const action_ctx *c)
{
    db_stmt *s = db_query(t->d, SQL_ORG_NAME, DB_ARGS(DBI(c->org_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st != DB_ROW) {
        db_reset(s);
        return st == DB_DONE ? DB_OK : st;
    }
    char href[300];
    snprintf(href, sizeof href, "/orgs/%s/plan#action-%lld", db_col_text(s, 0), (long long)c->id);
    char *name = strdup(db_col_text(s, 1) ? db_col_text(s, 1) : "");
    db_reset(s);
    if (!name)
        return DB_NOMEM;
    notify_to to = {.persons = &c->owner, .n_persons = 1};
    notify_what what = {
        .entity = "devplan", .entity_id = c->org_id, .a = c->title, .b = name, .href = href};
    st = notify_event(t->d, t->actor_id, &to, "devplan_action", &what, NULL);
    free(name);
    return st;
}

static db_status action_body(tx *t, void *vc)
{
    action_ctx *c = vc;
    int64_t now = time_now(), n = 0, old_owner = 0;
    db_status st;
    c->id = c->action_id;
    if (c->action_id) {
        db_stmt *s = db_query(t->d, SQL_ACTION_OF, DB_ARGS(DBI(c->action_id), DBI(c->org_id)));
        if (!s)
            return DB_ERR;
        st = db_step(s);
        if (st == DB_ROW) {
            c->goal_id = db_col_int(s, 0);
            old_owner = db_col_int(s, 1);
        }
        db_reset(s);
        if (st != DB_ROW)
            return st;
    } else {
        if ((st = db_int(t->d, &n, 0, SQL_GOAL_OF, DB_ARGS(DBI(c->goal_id), DBI(c->org_id)))) !=
            DB_OK)
            return st;
        if (n == 0)
            return DB_DONE;
    }
    if (c->owner) {
        char today[11];
        time_today(today);
        if ((st = db_int(t->d, &n, 0, SQL_IN_TEAM,
                         DB_ARGS(DBI(c->owner), DBI(c->org_id), DBT(today)))) != DB_OK)
            return st;
        if (n == 0) {
            valid_add_error(c->errs, "owner", FE_INVALID, 0, 0);
            return DB_CONSTRAINT;
        }
    }
    db_val owner = c->owner ? DBI(c->owner) : DBNULL;
    if (c->action_id)
        st = db_do(t->d, SQL_ACTION_UPDATE,
                   DB_ARGS(DBI(c->action_id), DBT(c->title), owner, db_opt_text(c->owner_text),
                           DBT(c->deadline), DBT(c->status), db_opt_text(c->done_on), DBI(now),
                           DBI(t->actor_id)));
    else
        st = db_int(t->d, &c->id, 0, SQL_ACTION_INSERT,
                    DB_ARGS(DBI(c->goal_id), DBT(c->title), owner, db_opt_text(c->owner_text),
                            DBT(c->deadline), DBT(c->status), db_opt_text(c->done_on), DBI(now),
                            DBI(t->actor_id)));
    if (st != DB_OK)
        return st;
    if (c->owner && c->owner != old_owner && (st = tell_owner(t, c)) != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"goal\":%lld,\"action\":%lld,\"title\":", (long long)c->goal_id,
               (long long)c->id);
    json_put_string(&t->detail, c->title);
    buf_puts(&t->detail, ",\"status\":");
    json_put_string(&t->detail, c->status);
    buf_puts(&t->detail, ",\"deadline\":");
    json_put_string(&t->detail, c->deadline);
    if (c->done_on) {
        buf_puts(&t->detail, ",\"done_on\":");
        json_put_string(&t->detail, c->done_on);
    }
    if (c->owner)
        buf_printf(&t->detail, ",\"person\":%lld", (long long)c->owner);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status devplan_action_save(db *d, int64_t org_id, int64_t goal_id, int64_t action_id,
                              const devplan_action_input *in, int64_t actor, const char *ip,
                              int64_t *id, form_errors *errs)
{
    assert(d && in && errs);
    arena a = ARENA_INIT;
    form_value v[AC_N];
    db_status st;
    char today[11];
    const char *vals[AC_N] = {in->title,    in->owner,  in->owner_text,
                              in->deadline, in->status, in->done_on};
    if (!valid_values(&a, &action_table, vals, v, errs, NULL)) {
        st = tx_invalid(errs);
    } else {
        const char *done_on = v[AC_DONE_ON].text;
        if (strcmp(v[AC_STATUS].text, "done") == 0 && !v[AC_DONE_ON].present) {
            time_today(today);
            done_on = today;
        }
        action_ctx c = {.org_id = org_id,
                        .goal_id = goal_id,
                        .action_id = action_id,
                        .title = v[AC_TITLE].text,
                        .owner_text = v[AC_OWNER_TEXT].text,
                        .deadline = v[AC_DEADLINE].text,
                        .status = v[AC_STATUS].text,
                        .done_on = strcmp(v[AC_STATUS].text, "done") == 0 ? done_on : NULL,
                        .owner = v[AC_OWNER].present ? v[AC_OWNER].i : 0,
                        .errs = errs};
        tx t = TX_INIT(actor, ip, action_id ? "devplan_action_update" : "devplan_action_add",
                       "devplan", org_id);
        st = tx_write(d, &t, action_body, &c);
        if (st == DB_OK && id)
            *id = c.id;
    }
    arena_free(&a);
    return st;
}

static const char SQL_REVIEW_SAVE[] =
    "INSERT INTO devplan_review(org_id, year, body, reviewed_on, updated_at, updated_by)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, year) DO UPDATE SET"
    " body = excluded.body, reviewed_on = excluded.reviewed_on,"
    " updated_at = excluded.updated_at, updated_by = excluded.updated_by";

typedef struct review_ctx {
    int64_t org_id, year;
    const char *body, *reviewed_on;
} review_ctx;

static db_status review_body(tx *t, void *vc)
{
    const review_ctx *c = vc;
    db_status st = db_do(t->d, SQL_REVIEW_SAVE,
                         DB_ARGS(DBI(c->org_id), DBI(c->year), DBT(c->body), DBT(c->reviewed_on),
                                 DBI(time_now()), DBI(t->actor_id)));
    if (st != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"year\":%lld,\"reviewed_on\":", (long long)c->year);
    json_put_string(&t->detail, c->reviewed_on);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status devplan_review_save(db *d, int64_t org_id, const char *year, const char *body,
                              const char *reviewed_on, int64_t actor, const char *ip,
                              form_errors *errs)
{
    assert(d && errs);
    const form_rule rules[RV_N] = {
        [RV_YEAR] = {"year", FV_INT, FORM_REQUIRED, 1990, time_year() + 1, NULL},
        [RV_BODY] = {"body", FV_MULTILINE, FORM_REQUIRED, 1, DEVPLAN_TEXT_MAX, NULL},
        [RV_REVIEWED_ON] = {"reviewed_on", FV_DATE, 0, 0, 0, NULL},
    };
    const valid_table table = {rules, RV_N, NULL, 0};
    char today[11];
    time_today(today);
    arena a = ARENA_INIT;
    form_value v[RV_N];
    db_status st;
    if (!valid_values(&a, &table, (const char *[RV_N]){year, body, reviewed_on}, v, errs, NULL)) {
        st = tx_invalid(errs);
    } else {
        review_ctx c = {org_id, v[RV_YEAR].i, v[RV_BODY].text,
                        v[RV_REVIEWED_ON].present ? v[RV_REVIEWED_ON].text : today};
        tx t = TX_INIT(actor, ip, "devplan_review_save", "devplan", org_id);
        st = tx_write(d, &t, review_body, &c);
    }
    arena_free(&a);
    return st;
}
