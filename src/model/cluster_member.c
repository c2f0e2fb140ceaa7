/* cluster_member.c: a cluster's members (see cluster.h).
 *
 * The cluster_member rows current on a date with each member's sector,
 * size class and startup flag, the composition counts the profile shows,
 * and the secretariat's own adding and ending of a membership (a manager's
 * addition is a proposal: membership.c). figures.c and rights.c read the
 * same rows. Shares the cluster checks of cluster.c through
 * cluster_internal.h. */
#include "model/cluster.h"

#include <assert.h>
#include <string.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/cluster_internal.h"

#define STARTUP_YEARS 5

static const char *const member_role_choices[] = {"member", "founding_member", "board", NULL};

enum { MA_ROLE, MA_JOINED_ON, MA_N };
static const form_rule member_add_rules[MA_N] = {
    [MA_ROLE] = {"role", FV_ENUM, FORM_REQUIRED, 0, 0, member_role_choices},
    [MA_JOINED_ON] = {"joined_on", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
};

/* The two ids of a membership, for member_not_self. */
typedef struct member_ids {
    int64_t cluster_id, org_id;
} member_ids;

/* A cluster is not a member of itself. */
static void member_not_self(const form_value *v, const void *ctx, form_errors *errs)
{
    const member_ids *ids = ctx;
    if (ids->cluster_id == ids->org_id)
        valid_add_error(errs, "org_id", FE_SELF_MEMBER, 0, 0);
}

static const valid_cross_fn member_add_cross[] = {member_not_self};
static const valid_table member_add_table = {member_add_rules, MA_N, member_add_cross, 1};

enum { ME_LEFT_ON, ME_N };
static const form_rule member_end_rules[ME_N] = {
    [ME_LEFT_ON] = {"left_on", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
};
static const valid_table member_end_table = {member_end_rules, ME_N, NULL, 0};

/* --- members ---------------------------------------------------------------------------- */

/* Current on $2: joined on or before it and not left by it. The sector is
 * the first NACE code by code order; the headcount the one of the latest
 * year that gives one (org_figure's (org_id, year) index). */
static const char SQL_MEMBERS[] =
    "SELECT m.id, o.id, o.slug, o.name, o.acronym, o.kind, m.role, m.joined_on, m.left_on,"
    "       (SELECT s.code FROM org_sector s WHERE s.org_id = o.id ORDER BY s.code LIMIT 1),"
    "       o.municipality, o.district,"
    "       (SELECT f.employees FROM org_figure f WHERE f.org_id = o.id"
    "           AND f.employees IS NOT NULL ORDER BY f.year DESC LIMIT 1),"
    "       coalesce(o.year_founded, 0), o.is_demo"
    "  FROM cluster_member m JOIN org o ON o.id = m.org_id"
    " WHERE m.cluster_id = $1 AND m.joined_on <= $2 AND (m.left_on IS NULL OR m.left_on > $2)"
    " ORDER BY o.name_folded, o.id, m.id";

const char *cluster_size_class(int64_t employees)
{
    if (employees < 0)
        return NULL;
    if (employees < 10)
        return "micro";
    if (employees < 50)
        return "small";
    if (employees < 250)
        return "medium";
    return "large";
}

/* ctx: the int first year that still counts as a startup. */
static void member_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    int startup_from = *(const int *)ctx;
    cluster_member_rec *r = item;
    r->id = db_col_int(s, 0);
    r->org_id = db_col_int(s, 1);
    r->slug = db_col_dup(a, s, 2, oom);
    r->name = db_col_dup(a, s, 3, oom);
    r->acronym = db_col_dup(a, s, 4, oom);
    r->kind = db_col_dup(a, s, 5, oom);
    r->role = db_col_dup(a, s, 6, oom);
    r->joined_on = db_col_dup(a, s, 7, oom);
    r->left_on = db_col_dup(a, s, 8, oom);
    r->sector = db_col_dup(a, s, 9, oom);
    r->municipality = db_col_dup(a, s, 10, oom);
    r->district = db_col_dup(a, s, 11, oom);
    r->employees = db_col_is_null(s, 12) ? -1 : db_col_int(s, 12);
    r->size_class = cluster_size_class(r->employees);
    int64_t founded = db_col_int(s, 13);
    r->is_startup = founded > 0 && founded >= startup_from;
    r->is_demo = db_col_int(s, 14) != 0;
}

db_status cluster_members(db *d, arena *a, int64_t cluster_id, const char *on_date,
                          cluster_member_rec **items, size_t *n)
{
    assert(d && a && items && n);
    *items = NULL;
    *n = 0;
    char today[11];
    if (str_empty(on_date)) {
        time_today(today);
        on_date = today;
    }
    if (!time_date_valid(on_date))
        return DB_CONSTRAINT;
    int startup_from = time_year() - STARTUP_YEARS;
    db_stmt *s = db_prepare(d, SQL_MEMBERS);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, cluster_id);
    db_bind_text(s, 2, on_date);
    return db_collect(s, a, (void **)items, n, sizeof **items, member_row, &startup_from);
}

static bool is_research_kind(const char *kind)
{
    static const char *const research[] = {"university", "research_institute", "tech_centre",
                                           "science_park", NULL};
    for (size_t i = 0; kind && research[i]; i++)
        if (strcmp(kind, research[i]) == 0)
            return true;
    return false;
}

void cluster_composition_of(const cluster_member_rec *items, size_t n, cluster_composition *out)
{
    assert(out && (items || n == 0));
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        const cluster_member_rec *m = &items[i];
        out->total++;
        if (m->kind && strcmp(m->kind, "company") == 0) {
            if (m->is_startup)
                out->startups++;
            const char *size = cluster_size_class(m->employees);
            if (!size)
                out->unknown_size++;
            else if (strcmp(size, "large") == 0)
                out->large++;
            else
                out->smes++;
        } else if (is_research_kind(m->kind)) {
            out->research++;
        } else {
            out->other++;
        }
    }
}

static const char SQL_OVERLAP[] =
    "SELECT 1 FROM cluster_member WHERE cluster_id = $1 AND org_id = $2"
    " AND (left_on IS NULL OR left_on > $3) LIMIT 1";
static const char SQL_ORG_EXISTS[] = "SELECT 1 FROM org WHERE id = $1";
/* The secretariat's own addition: proposed and accepted by the actor at
 * once (membership.c turns a manager's addition into a proposal). */
static const char SQL_MEMBER_ADD[] =
    "INSERT INTO cluster_member(cluster_id, org_id, role, joined_on, created_at, created_by,"
    " updated_at, proposed_by, accepted_by, accepted_at)"
    " VALUES ($1, $2, $3, $4, $5, nullif($6, 0), $5, nullif($6, 0), nullif($6, 0), $5)";
static const char SQL_MEMBER_GET[] =
    "SELECT cluster_id, org_id, joined_on FROM cluster_member WHERE id = $1";
static const char SQL_MEMBER_END[] =
    "UPDATE cluster_member SET left_on = $2, updated_at = $3 WHERE id = $1";

/* *yes when sql bound with ($1 = id) returns a row. */
static db_status exists_id(db *d, const char *sql, int64_t id, bool *yes)
{
    int64_t one;
    db_status st = db_int(d, &one, 0, sql, DB_ARGS(DBI(id)));
    *yes = one != 0;
    return st;
}

typedef struct add_ctx {
    int64_t cluster_id, org_id;
    const char *role, *joined_on;
    form_errors *errs;
    size_t before; /* errs->n_items on entry: more means refused */
    size_t mark;   /* errs->n_items when the body starts (a retry starts clean) */
} add_ctx;

static db_status add_body(tx *t, void *ctx)
{
    const add_ctx *c = ctx;
    db *d = t->d;
    form_errors *errs = c->errs;
    errs->n_items = c->mark;
    bool exists, cluster, yes;
    db_status st = cluster_kind_of(d, c->cluster_id, &exists, &cluster);
    if (st != DB_OK)
        return st;
    if (!cluster)
        valid_add_error(errs, "cluster_id", FE_NOT_CLUSTER, 0, 0);
    if ((st = exists_id(d, SQL_ORG_EXISTS, c->org_id, &yes)) != DB_OK)
        return st;
    if (!yes)
        valid_add_error(errs, "org_id", FE_INVALID, 0, 0);
    if (errs->n_items == c->before) {
        int64_t overlap = 0;
        st = db_int(d, &overlap, 0, SQL_OVERLAP,
                    DB_ARGS(DBI(c->cluster_id), DBI(c->org_id), DBT(c->joined_on)));
        if (st != DB_OK)
            return st;
        if (overlap)
            valid_add_error(errs, "org_id", FE_ALREADY_MEMBER, 0, 0);
    }
    if (errs->n_items > c->before)
        return DB_CONSTRAINT;
    st = db_do(d, SQL_MEMBER_ADD,
               DB_ARGS(DBI(c->cluster_id), DBI(c->org_id), DBT(c->role), DBT(c->joined_on),
                       DBI(time_now()), DBI(t->actor_id)));
    if (st != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"member\":%lld,\"org\":%lld,\"role\":", (long long)db_last_id(d),
               (long long)c->org_id);
    json_put_string(&t->detail, c->role);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status cluster_member_add(db *d, int64_t cluster_id, int64_t org_id, const char *role,
                             const char *joined_on, int64_t actor_id, const char *ip,
                             form_errors *errs)
{
    assert(d);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    char today[11];
    if (str_empty(role))
        role = "member";
    if (str_empty(joined_on)) {
        time_today(today);
        joined_on = today;
    }
    arena a = ARENA_INIT;
    form_value v[MA_N];
    member_ids ids = {cluster_id, org_id};
    valid_values(&a, &member_add_table, (const char *[MA_N]){role, joined_on}, v, errs, &ids);
    add_ctx c = {.cluster_id = cluster_id,
                 .org_id = org_id,
                 .role = v[MA_ROLE].text,
                 .joined_on = v[MA_JOINED_ON].text,
                 .errs = errs,
                 .before = before,
                 .mark = errs->n_items};
    db_status st = cluster_write(d, actor_id, ip, "cluster_member_add", cluster_id, add_body, &c);
    arena_free(&a);
    return st;
}

typedef struct end_ctx {
    int64_t member_id;
    const char *left_on;
    form_errors *errs;
} end_ctx;

/* Sets t->entity_id to the membership's cluster (the audit row's entity). */
static db_status end_body(tx *t, void *ctx)
{
    const end_ctx *c = ctx;
    db_stmt *s = db_query(t->d, SQL_MEMBER_GET, DB_ARGS(DBI(c->member_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    int64_t org_id = 0;
    bool before_join = false;
    if (st == DB_ROW) {
        t->entity_id = db_col_int(s, 0);
        org_id = db_col_int(s, 1);
        before_join = strcmp(c->left_on, db_col_text(s, 2)) < 0;
    }
    db_reset(s);
    if (st != DB_ROW)
        return st; /* DB_DONE: no such membership */
    if (before_join) {
        valid_add_error(c->errs, "left_on", FE_DATE_ORDER, 0, 0);
        return DB_CONSTRAINT;
    }
    st = db_do(t->d, SQL_MEMBER_END, DB_ARGS(DBI(c->member_id), DBT(c->left_on), DBI(time_now())));
    if (st != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"member\":%lld,\"org\":%lld,\"left_on\":", (long long)c->member_id,
               (long long)org_id);
    json_put_string(&t->detail, c->left_on);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status cluster_member_end(db *d, int64_t member_id, const char *left_on, int64_t actor_id,
                             const char *ip, form_errors *errs)
{
    assert(d);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    char today[11];
    if (str_empty(left_on)) {
        time_today(today);
        left_on = today;
    }
    arena a = ARENA_INIT;
    form_value v[ME_N];
    db_status st;
    if (!valid_values(&a, &member_end_table, (const char *[ME_N]){left_on}, v, errs, NULL)) {
        st = cluster_invalid(errs, before);
    } else {
        end_ctx c = {member_id, v[ME_LEFT_ON].text, errs};
        st = cluster_write(d, actor_id, ip, "cluster_member_end", 0, end_body, &c);
    }
    arena_free(&a);
    return st;
}
