/* cluster.c: what makes a directory entry a cluster (see cluster.h):
 * reading a cluster's profile, and writing its profile texts, stages, SCAN
 * status and label claims, one by one or in the edit page's one save.
 *
 * The management team is in cluster_team.c, the members in
 * cluster_member.c, the secretariat's label verification in
 * cluster_label.c; the checks and the audit-and-bump ending they share
 * are here, declared in cluster_internal.h. figures.c reads the same
 * cluster_member and scan_membership rows for its totals and rights.c
 * reads cluster_member for managers' rights, so membership is stored once
 * and derived everywhere. Every write is one transaction with an audit row
 * (entity 'org', the cluster's id) that bumps figures_version and
 * directory_version (cached figures and profile pages both show what
 * changed). Validation errors go into form_errors under the parameter
 * names (org_id, stage, reached_on, status, since, note, label, name,
 * awarded_on, expires_on) and return DB_CONSTRAINT with nothing written.
 * Dates are 'YYYY-MM-DD' text checked as real calendar dates; "today" is
 * the Belgrade date (the process zone, see timeutil.h). */
#include "model/cluster.h"

#include <assert.h>
#include <string.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "json/json.h"
#include "model/cluster_internal.h"
#include "model/tx.h"

#define PROFILE_TEXT_MAX 10000 /* characters per strategy field */
#define NOTE_MAX         500
#define LABEL_NAME_MAX   200
#define ESCA_LABEL_YEARS 2

/* --- validation tables ---------------------------------------------------------------- */

/* Each write checks its arguments through one table (valid_values: the
 * same form_rule mechanism as a posted form), with its cross-field rules as
 * named functions; what needs the database (a cluster kind, an overlap)
 * follows in the write. */

static const char *const stage_choices[] = {"initiative", "emerging", "developing", "established",
                                            NULL};
static const char *const scan_choices[] = {"applied",   "member", "founder",
                                           "suspended", "left",   NULL};
static const char *const label_choices[] = {"esca_bronze", "esca_silver", "esca_gold", "other",
                                            NULL};

enum { PR_VISION, PR_MISSION, PR_GOALS, PR_SERVICES, PR_NETWORKS, PR_N };
static const form_rule profile_rules[PR_N] = {
    [PR_VISION] = {"vision", FV_MULTILINE, 0, 0, PROFILE_TEXT_MAX, NULL},
    [PR_MISSION] = {"mission", FV_MULTILINE, 0, 0, PROFILE_TEXT_MAX, NULL},
    [PR_GOALS] = {"goals", FV_MULTILINE, 0, 0, PROFILE_TEXT_MAX, NULL},
    [PR_SERVICES] = {"services", FV_MULTILINE, 0, 0, PROFILE_TEXT_MAX, NULL},
    [PR_NETWORKS] = {"networks", FV_MULTILINE, 0, 0, PROFILE_TEXT_MAX, NULL},
};
static const valid_table profile_table = {profile_rules, PR_N, NULL, 0};

enum { ST_STAGE, ST_REACHED_ON, ST_N };
static const form_rule stage_rules[ST_N] = {
    [ST_STAGE] = {"stage", FV_ENUM, FORM_REQUIRED, 0, 0, stage_choices},
    [ST_REACHED_ON] = {"reached_on", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
};
static const valid_table stage_table = {stage_rules, ST_N, NULL, 0};

enum { SC_STATUS, SC_SINCE, SC_NOTE, SC_N };
static const form_rule scan_rules[SC_N] = {
    [SC_STATUS] = {"status", FV_ENUM, FORM_REQUIRED, 0, 0, scan_choices},
    [SC_SINCE] = {"since", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
    [SC_NOTE] = {"note", FV_TEXT, 0, 0, NOTE_MAX, NULL},
};
static const valid_table scan_table = {scan_rules, SC_N, NULL, 0};

enum { LB_LABEL, LB_NAME, LB_AWARDED_ON, LB_EXPIRES_ON, LB_N };
static const form_rule label_rules[LB_N] = {
    [LB_LABEL] = {"label", FV_ENUM, FORM_REQUIRED, 0, 0, label_choices},
    [LB_NAME] = {"name", FV_TEXT, 0, 0, LABEL_NAME_MAX, NULL},
    [LB_AWARDED_ON] = {"awarded_on", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
    [LB_EXPIRES_ON] = {"expires_on", FV_DATE, 0, 0, 0, NULL},
};

/* A label of its own ("other") needs its name. */
static void label_other_named(const form_value *v, const void *ctx, form_errors *errs)
{
    if (v[LB_LABEL].present && str_eq(v[LB_LABEL].text, "other") && !v[LB_NAME].present &&
        !form_error_for(errs, "name"))
        valid_add_error(errs, "name", FE_REQUIRED, 0, 0);
}

/* A label expires after it was awarded. */
static void label_expires_after_award(const form_value *v, const void *ctx, form_errors *errs)
{
    if (v[LB_AWARDED_ON].present && !form_error_for(errs, "awarded_on") &&
        v[LB_EXPIRES_ON].present && !form_error_for(errs, "expires_on") &&
        strcmp(v[LB_EXPIRES_ON].text, v[LB_AWARDED_ON].text) <= 0)
        valid_add_error(errs, "expires_on", FE_DATE_ORDER, 0, 0);
}

static const valid_cross_fn label_cross[] = {label_other_named, label_expires_after_award};
static const valid_table label_table = {label_rules, LB_N, label_cross, 2};

/* One field through the same mechanism (valid_values) when whether it is
 * required depends on other fields (cluster_save's optional parts). */
static void check_one(form_errors *errs, const char *field, form_kind kind, const char *v,
                      bool required, int64_t max, const char *const *choices)
{
    form_rule rule = {field, kind, required ? FORM_REQUIRED : 0, 0, max, choices};
    valid_table t = {&rule, 1, NULL, 0};
    form_value out;
    arena a = ARENA_INIT;
    valid_values(&a, &t, (const char *const[1]){v}, &out, errs, NULL);
    arena_free(&a);
}

void cluster_check_text(form_errors *errs, const char *field, const char *v, bool required,
                        size_t max)
{
    check_one(errs, field, FV_TEXT, v, required, (int64_t)max, NULL);
}

static void check_date(form_errors *errs, const char *field, const char *v, bool required)
{
    check_one(errs, field, FV_DATE, v, required, 0, NULL);
}

static void check_choice(form_errors *errs, const char *field, const char *v,
                         const char *const *choices)
{
    check_one(errs, field, FV_ENUM, v, true, 0, choices);
}

/* Multi-line profile text trimmed, CR LF as LF, into b: NULL when empty;
 * *bad when it is not valid UTF-8, holds control characters or is longer
 * than PROFILE_TEXT_MAX characters. */
static const char *profile_text(buf *b, const char *s, bool *bad)
{
    buf_reset(b);
    if (str_empty(s))
        return NULL;
    size_t n = strlen(s);
    if (!utf8_valid(s, n, false)) {
        *bad = true;
        return NULL;
    }
    while (n && strchr(" \t\r\n", s[0]))
        s++, n--;
    while (n && strchr(" \t\r\n", s[n - 1]))
        n--;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r') {
            buf_putc(b, '\n');
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
        } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
            *bad = true;
            return NULL;
        } else {
            buf_putc(b, (char)c);
        }
    }
    if (b->len == 0)
        return NULL;
    size_t chars = 0;
    for (const char *p = buf_str(b); *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (chars > PROFILE_TEXT_MAX)
        *bad = true;
    return buf_str(b);
}

/* What a failed check means for the caller: DB_NOMEM when an allocation
 * failed while checking, else DB_CONSTRAINT (the errors say what to fix). */
db_status cluster_invalid(const form_errors *errs, size_t before)
{
    for (size_t i = before; i < errs->n_items; i++)
        if (errs->items[i].code == FE_NOMEM)
            return DB_NOMEM;
    return DB_CONSTRAINT;
}

/* --- shared checks and the version bump ------------------------------------------ */

static const char SQL_KIND_OF[] =
    "SELECT coalesce(k.is_cluster, 0) FROM org o LEFT JOIN ref_kind k ON k.code = o.kind"
    " WHERE o.id = $1";

/* *exists when entry id exists; *cluster when its kind is a cluster kind. */
db_status cluster_kind_of(db *d, int64_t id, bool *exists, bool *cluster)
{
    *exists = *cluster = false;
    db_stmt *s = db_prepare(d, SQL_KIND_OF);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *exists = true;
        *cluster = db_col_int(s, 0) != 0;
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* DB_DONE when entry id does not exist, FE_NOT_CLUSTER on "org_id" when it
 * is not a cluster (errs may be NULL: then DB_CONSTRAINT alone). */
db_status cluster_require(db *d, int64_t id, form_errors *errs)
{
    bool exists, cluster;
    db_status st = cluster_kind_of(d, id, &exists, &cluster);
    if (st != DB_OK)
        return st;
    if (!exists)
        return DB_DONE;
    if (!cluster && errs)
        valid_add_error(errs, "org_id", FE_NOT_CLUSTER, 0, 0);
    return cluster ? DB_OK : DB_CONSTRAINT;
}

/* Runs body in one write transaction (tx_write) with the audit row that
 * ends every cluster write (entity 'org', org_id) and the bump of both
 * versions: members change both the directory's pages and the figures. */
db_status cluster_write(db *d, int64_t actor_id, const char *ip, const char *action, int64_t org_id,
                        tx_body body, void *ctx)
{
    tx t = TX_INIT(actor_id, ip, action, "org", org_id);
    t.bump = TX_FIGURES | TX_DIRECTORY;
    return tx_write(d, &t, body, ctx);
}

/* --- reading ---------------------------------------------------------------------- */

static const char SQL_PROFILE[] =
    "SELECT vision, mission, goals, services, networks, vision_en, mission_en, goals_en,"
    " services_en, networks_en FROM cluster_profile WHERE org_id = $1";
static const char SQL_STAGES[] =
    "SELECT stage, reached_on FROM cluster_stage WHERE org_id = $1"
    " ORDER BY reached_on, CASE stage WHEN 'initiative' THEN 1 WHEN 'emerging' THEN 2"
    " WHEN 'developing' THEN 3 ELSE 4 END";
static const char SQL_TEAM[] =
    "SELECT t.id, t.person_id, p.name, p.email, p.phone, p.public_contact, t.role, t.fte_milli,"
    "       t.since, t.until, p.erased_at IS NOT NULL, t.invited, t.role_en, t.manager"
    "  FROM cluster_team t JOIN person p ON p.id = t.person_id"
    " WHERE t.org_id = $1 ORDER BY t.until IS NOT NULL, coalesce(t.since, ''), t.id";
static const char SQL_SCAN[] =
    "SELECT id, status, since, note, created_at, coalesce(created_by, 0), note_en"
    "  FROM scan_membership"
    " WHERE org_id = $1 ORDER BY since, id";
static const char SQL_LABELS[] =
    "SELECT l.id, l.label, l.name, l.awarded_on, l.expires_on, l.name_en, l.state = 'verified',"
    "       l.reference, coalesce(l.verified_at, 0), l.claimed_at, c.name, v.name"
    "  FROM cluster_label l LEFT JOIN person c ON c.id = l.claimed_by"
    "  LEFT JOIN person v ON v.id = l.verified_by"
    " WHERE l.org_id = $1 ORDER BY l.awarded_on, l.id";

static db_status read_profile(db *d, arena *a, int64_t id, cluster_info *out)
{
    db_stmt *s = db_prepare(d, SQL_PROFILE);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    bool oom = false;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        out->vision = db_col_dup(a, s, 0, &oom);
        out->mission = db_col_dup(a, s, 1, &oom);
        out->goals = db_col_dup(a, s, 2, &oom);
        out->services = db_col_dup(a, s, 3, &oom);
        out->networks = db_col_dup(a, s, 4, &oom);
        out->vision_en = db_col_dup(a, s, 5, &oom);
        out->mission_en = db_col_dup(a, s, 6, &oom);
        out->goals_en = db_col_dup(a, s, 7, &oom);
        out->services_en = db_col_dup(a, s, 8, &oom);
        out->networks_en = db_col_dup(a, s, 9, &oom);
    }
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

static void stage_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    cluster_stage_rec *r = item;
    r->stage = db_col_dup(a, s, 0, oom);
    r->reached_on = db_col_dup(a, s, 1, oom);
}

static db_status read_stages(db *d, arena *a, int64_t id, cluster_info *out)
{
    db_stmt *s = db_prepare(d, SQL_STAGES);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    return db_collect(s, a, (void **)&out->stages, &out->n_stages, sizeof *out->stages, stage_row,
                      NULL);
}

/* ctx: the bool with_contacts of read_team. */
static void team_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    bool with_contacts = *(const bool *)ctx;
    cluster_team_rec *r = item;
    r->id = db_col_int(s, 0);
    r->person_id = db_col_int(s, 1);
    r->name = db_col_dup(a, s, 2, oom);
    r->public_contact = db_col_int(s, 5) != 0;
    bool erased = db_col_int(s, 10) != 0;
    if (!erased && (with_contacts || r->public_contact)) {
        r->email = db_col_dup(a, s, 3, oom);
        r->phone = db_col_dup(a, s, 4, oom);
    }
    r->role = db_col_dup(a, s, 6, oom);
    r->fte_milli = (int)db_col_int(s, 7);
    r->since = db_col_dup(a, s, 8, oom);
    r->until = db_col_dup(a, s, 9, oom);
    r->invited = db_col_int(s, 11) != 0;
    r->role_en = db_col_dup(a, s, 12, oom);
    r->manager = db_col_int(s, 13) != 0;
}

static db_status read_team(db *d, arena *a, int64_t id, bool with_contacts, cluster_info *out)
{
    db_stmt *s = db_prepare(d, SQL_TEAM);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    return db_collect(s, a, (void **)&out->team, &out->n_team, sizeof *out->team, team_row,
                      &with_contacts);
}

static void scan_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    scan_membership_rec *r = item;
    r->id = db_col_int(s, 0);
    r->status = db_col_dup(a, s, 1, oom);
    r->since = db_col_dup(a, s, 2, oom);
    r->note = db_col_dup(a, s, 3, oom);
    r->created_at = db_col_int(s, 4);
    r->created_by = db_col_int(s, 5);
    r->note_en = db_col_dup(a, s, 6, oom);
}

static db_status read_scan(db *d, arena *a, int64_t id, cluster_info *out)
{
    db_stmt *s = db_prepare(d, SQL_SCAN);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    return db_collect(s, a, (void **)&out->scan, &out->n_scan, sizeof *out->scan, scan_row, NULL);
}

static void label_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    cluster_label_rec *r = item;
    r->id = db_col_int(s, 0);
    r->label = db_col_dup(a, s, 1, oom);
    r->name = db_col_dup(a, s, 2, oom);
    r->awarded_on = db_col_dup(a, s, 3, oom);
    r->expires_on = db_col_dup(a, s, 4, oom);
    r->name_en = db_col_dup(a, s, 5, oom);
    r->verified = db_col_int(s, 6) != 0;
    r->reference = db_col_dup(a, s, 7, oom);
    r->verified_at = db_col_int(s, 8);
    r->claimed_at = db_col_int(s, 9);
    r->claimed_by = db_col_dup(a, s, 10, oom);
    r->verified_by = db_col_dup(a, s, 11, oom);
}

static db_status read_labels(db *d, arena *a, int64_t id, cluster_info *out)
{
    db_stmt *s = db_prepare(d, SQL_LABELS);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    return db_collect(s, a, (void **)&out->labels, &out->n_labels, sizeof *out->labels, label_row,
                      NULL);
}

db_status cluster_get(db *d, arena *a, int64_t org_id, bool with_contacts, cluster_info *out)
{
    assert(d && a && out);
    memset(out, 0, sizeof *out);
    out->org_id = org_id;
    bool exists, cluster;
    bool own_tx = !db_in_tx(d);
    db_status st = own_tx ? db_begin_read(d) : DB_OK; /* one consistent picture */
    if (st != DB_OK)
        return st;
    if ((st = cluster_kind_of(d, org_id, &exists, &cluster)) != DB_OK)
        goto cleanup;
    if (!exists) {
        st = DB_DONE;
        goto cleanup;
    }
    if ((st = read_profile(d, a, org_id, out)) != DB_OK)
        goto cleanup;
    if ((st = read_stages(d, a, org_id, out)) != DB_OK)
        goto cleanup;
    if ((st = read_team(d, a, org_id, with_contacts, out)) != DB_OK)
        goto cleanup;
    if ((st = read_scan(d, a, org_id, out)) != DB_OK)
        goto cleanup;
    st = read_labels(d, a, org_id, out);
cleanup:
    if (own_tx)
        db_rollback(d); /* ends the read transaction */
    return st;
}

/* --- profile, stages, SCAN status, labels ------------------------------------------ */

static const char SQL_PROFILE_PUT[] =
    "INSERT INTO cluster_profile(org_id, vision, mission, goals, services, networks,"
    " updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8, 0))"
    " ON CONFLICT(org_id) DO UPDATE SET vision = excluded.vision, mission = excluded.mission,"
    " goals = excluded.goals, services = excluded.services, networks = excluded.networks,"
    " updated_at = excluded.updated_at, updated_by = excluded.updated_by";

/* What a one-row write's body needs: the cluster, where its check's error
 * goes (NULL: none), the statement and its arguments, and the audit
 * detail: the new row's id when with_id, then key[i]: val[i] (none when
 * key[0] is NULL). */
typedef struct put_ctx {
    int64_t org_id;
    form_errors *errs;
    const char *sql;
    db_val args[8];
    size_t n_args;
    bool with_id;
    const char *key[2], *val[2];
} put_ctx;

/* The body of the one-row writes: the cluster check, the statement, the
 * detail. */
static db_status put_body(tx *t, void *ctx)
{
    const put_ctx *c = ctx;
    db_status st = cluster_require(t->d, c->org_id, c->errs);
    if (st != DB_OK)
        return st;
    if ((st = db_do(t->d, c->sql, c->n_args, c->args)) != DB_OK)
        return st;
    if (!c->key[0])
        return DB_OK;
    buf_putc(&t->detail, '{');
    if (c->with_id)
        buf_printf(&t->detail, "\"id\":%lld,", (long long)db_last_id(t->d));
    for (int i = 0; i < 2 && c->key[i]; i++) {
        buf_printf(&t->detail, "%s\"%s\":", i ? "," : "", c->key[i]);
        json_put_string(&t->detail, c->val[i]);
    }
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status cluster_set_profile(db *d, int64_t org_id, const char *vision, const char *mission,
                              const char *goals, const char *services, const char *networks,
                              int64_t actor_id, const char *ip)
{
    assert(d);
    const char *in[PR_N] = {vision, mission, goals, services, networks};
    form_value v[PR_N];
    form_errors errs = {0};
    arena a = ARENA_INIT;
    db_status st = DB_OK;
    if (!valid_values(&a, &profile_table, in, v, &errs, NULL)) {
        st = cluster_invalid(&errs, 0);
    } else {
        put_ctx c = {.org_id = org_id, .sql = SQL_PROFILE_PUT, .n_args = 8};
        c.args[0] = DBI(org_id);
        for (int i = 0; i < PR_N; i++)
            c.args[i + 1] = v[i].present ? DBT(v[i].text) : DBNULL;
        c.args[6] = DBI(time_now());
        c.args[7] = DBI(actor_id);
        st = cluster_write(d, actor_id, ip, "cluster_profile", org_id, put_body, &c);
    }
    arena_free(&a);
    return st;
}

static const char SQL_STAGE_PUT[] =
    "INSERT INTO cluster_stage(org_id, stage, reached_on, created_at, created_by)"
    " VALUES ($1, $2, $3, $4, nullif($5, 0))"
    " ON CONFLICT(org_id, stage) DO UPDATE SET reached_on = excluded.reached_on,"
    " created_at = excluded.created_at, created_by = excluded.created_by";

db_status cluster_set_stage(db *d, int64_t org_id, const char *stage, const char *reached_on,
                            int64_t actor_id, const char *ip, form_errors *errs)
{
    assert(d);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    arena a = ARENA_INIT;
    form_value v[ST_N];
    valid_values(&a, &stage_table, (const char *[ST_N]){stage, reached_on}, v, errs, NULL);
    stage = v[ST_STAGE].text;
    reached_on = v[ST_REACHED_ON].text;
    db_status st = cluster_invalid(errs, before);
    if (errs->n_items == before) {
        put_ctx c = {
            .org_id = org_id,
            .errs = errs,
            .sql = SQL_STAGE_PUT,
            .args = {DBI(org_id), DBT(stage), DBT(reached_on), DBI(time_now()), DBI(actor_id)},
            .n_args = 5,
            .key = {"stage", "reached_on"},
            .val = {stage, reached_on}};
        st = cluster_write(d, actor_id, ip, "cluster_stage", org_id, put_body, &c);
    }
    arena_free(&a);
    return st;
}

static const char SQL_SCAN_ADD[] =
    "INSERT INTO scan_membership(org_id, status, since, note, created_at, created_by)"
    " VALUES ($1, $2, $3, $4, $5, nullif($6, 0))";

db_status cluster_add_scan_status(db *d, int64_t org_id, const char *status, const char *since,
                                  const char *note, int64_t actor_id, const char *ip,
                                  form_errors *errs)
{
    assert(d);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    arena a = ARENA_INIT;
    form_value v[SC_N];
    valid_values(&a, &scan_table, (const char *[SC_N]){status, since, note}, v, errs, NULL);
    status = v[SC_STATUS].text;
    since = v[SC_SINCE].text;
    note = v[SC_NOTE].text;
    db_status st = cluster_invalid(errs, before);
    if (errs->n_items == before) {
        put_ctx c = {.org_id = org_id,
                     .errs = errs,
                     .sql = SQL_SCAN_ADD,
                     .args = {DBI(org_id), DBT(status), DBT(since),
                              str_empty(note) ? DBNULL : DBT(note), DBI(time_now()), DBI(actor_id)},
                     .n_args = 6,
                     .with_id = true,
                     .key = {"status", "since"},
                     .val = {status, since}};
        st = cluster_write(d, actor_id, ip, "cluster_scan_status", org_id, put_body, &c);
    }
    arena_free(&a);
    return st;
}

static const char SQL_LABEL_ADD[] =
    "INSERT INTO cluster_label(org_id, label, name, awarded_on, expires_on)"
    " VALUES ($1, $2, $3, $4, $5)";

db_status cluster_add_label(db *d, int64_t org_id, const char *label, const char *name,
                            const char *awarded_on, const char *expires_on, int64_t actor_id,
                            const char *ip, form_errors *errs)
{
    assert(d);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    char expiry[11] = "";
    arena a = ARENA_INIT;
    form_value v[LB_N];
    valid_values(&a, &label_table, (const char *[LB_N]){label, name, awarded_on, expires_on}, v,
                 errs, NULL);
    label = v[LB_LABEL].text;
    name = v[LB_NAME].text;
    awarded_on = v[LB_AWARDED_ON].text;
    expires_on = v[LB_EXPIRES_ON].text;
    bool dates_ok = time_date_valid(awarded_on);
    if (dates_ok && str_empty(expires_on) && label && strncmp(label, "esca_", 5) == 0)
        time_date_add_years(expiry, awarded_on, ESCA_LABEL_YEARS); /* ESCA labels last two years */
    db_status st = cluster_invalid(errs, before);
    if (errs->n_items == before) {
        const char *expires = !str_empty(expires_on) ? expires_on : expiry[0] ? expiry : NULL;
        put_ctx c = {.org_id = org_id,
                     .errs = errs,
                     .sql = SQL_LABEL_ADD,
                     .args = {DBI(org_id), DBT(label), str_empty(name) ? DBNULL : DBT(name),
                              DBT(awarded_on), expires ? DBT(expires) : DBNULL},
                     .n_args = 5,
                     .with_id = true,
                     .key = {"label"},
                     .val = {label}};
        st = cluster_write(d, actor_id, ip, "cluster_label", org_id, put_body, &c);
    }
    arena_free(&a);
    return st;
}

/* --- figures before joining ----------------------------------------------------------- */

static const char SQL_PREJOIN[] =
    "SELECT DISTINCT m.org_id FROM cluster_member m"
    " WHERE m.cluster_id = $1 AND m.joined_on <= $2 AND (m.left_on IS NULL OR m.left_on > $2)"
    "   AND EXISTS (SELECT 1 FROM org_figure f WHERE f.org_id = m.org_id"
    "               AND f.year < CAST(substr(m.joined_on, 1, 4) AS INTEGER))"
    " ORDER BY m.org_id";

static void id_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)a, (void)oom, (void)ctx;
    *(int64_t *)item = db_col_int(s, 0);
}

db_status cluster_prejoin_reporters(db *d, arena *a, int64_t cluster_id, int64_t **org_ids,
                                    size_t *n)
{
    assert(d && a && org_ids && n);
    *org_ids = NULL;
    *n = 0;
    char today[11];
    time_today(today);
    db_stmt *s = db_query(d, SQL_PREJOIN, DB_ARGS(DBI(cluster_id), DBT(today)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)org_ids, n, sizeof **org_ids, id_row, NULL);
}

/* --- the edit page's one save ------------------------------------------------------ */

static const char SQL_PROFILE_PUT_ALL[] =
    "INSERT INTO cluster_profile(org_id, vision, mission, goals, services, networks, vision_en,"
    " mission_en, goals_en, services_en, networks_en, updated_at, updated_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, nullif($13, 0))"
    " ON CONFLICT(org_id) DO UPDATE SET vision = excluded.vision, mission = excluded.mission,"
    " goals = excluded.goals, services = excluded.services, networks = excluded.networks,"
    " vision_en = excluded.vision_en, mission_en = excluded.mission_en,"
    " goals_en = excluded.goals_en, services_en = excluded.services_en,"
    " networks_en = excluded.networks_en,"
    " updated_at = excluded.updated_at, updated_by = excluded.updated_by";
static const char SQL_SCAN_ADD_EN[] =
    "INSERT INTO scan_membership(org_id, status, since, note, note_en, created_at, created_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, nullif($7, 0))";
static const char SQL_LABEL_PUT[] =
    "INSERT INTO cluster_label(org_id, label, name, name_en, awarded_on, expires_on, state,"
    " claimed_at, claimed_by, reference, verified_at, verified_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, nullif($9, 0), $10,"
    " CASE WHEN $7 = 'verified' THEN CAST($8 AS BIGINT) END,"
    " CASE WHEN $7 = 'verified' THEN nullif($9, 0) END)";

/* What the save body needs: the input, its normalised texts. */
typedef struct save_ctx {
    int64_t org_id;
    const cluster_edit *in;
    const char *text[10];
    const char *expires_on; /* as given, or the ESCA default */
    bool stage, scan, label, secretariat;
    form_errors *errs;
} save_ctx;

static db_status save_body(tx *t, void *ctx)
{
    save_ctx *c = ctx;
    const cluster_edit *in = c->in;
    db_status st = cluster_require(t->d, c->org_id, c->errs);
    if (st != DB_OK)
        return st;
    int64_t now = time_now();
    db_val p[13] = {DBI(c->org_id)};
    for (int i = 0; i < 10; i++)
        p[i + 1] = c->text[i] ? DBT(c->text[i]) : DBNULL;
    p[11] = DBI(now);
    p[12] = DBI(t->actor_id);
    if ((st = db_do(t->d, SQL_PROFILE_PUT_ALL, 13, p)) != DB_OK)
        return st;
    buf_puts(&t->detail, "{\"parts\":[\"profile\"");
    if (c->stage) {
        st = db_do(t->d, SQL_STAGE_PUT,
                   DB_ARGS(DBI(c->org_id), DBT(in->stage), DBT(in->reached_on), DBI(now),
                           DBI(t->actor_id)));
        if (st != DB_OK)
            return st;
        buf_puts(&t->detail, ",\"stage\"");
    }
    if (c->scan) {
        st = db_do(t->d, SQL_SCAN_ADD_EN,
                   DB_ARGS(DBI(c->org_id), DBT(in->status), DBT(in->since),
                           str_empty(in->note) ? DBNULL : DBT(in->note),
                           str_empty(in->note_en) ? DBNULL : DBT(in->note_en), DBI(now),
                           DBI(t->actor_id)));
        if (st != DB_OK)
            return st;
        buf_puts(&t->detail, ",\"scan\"");
    }
    if (c->label) {
        st = db_do(t->d, SQL_LABEL_PUT,
                   DB_ARGS(DBI(c->org_id), DBT(in->label),
                           str_empty(in->label_name) ? DBNULL : DBT(in->label_name),
                           str_empty(in->label_name_en) ? DBNULL : DBT(in->label_name_en),
                           DBT(in->awarded_on), c->expires_on ? DBT(c->expires_on) : DBNULL,
                           DBT(c->secretariat ? "verified" : "claimed"), DBI(now), DBI(t->actor_id),
                           str_empty(in->reference) ? DBNULL : DBT(in->reference)));
        if (st != DB_OK)
            return st;
        buf_printf(&t->detail, ",\"label\"],\"label\":%lld,\"state\":\"%s\"}",
                   (long long)db_last_id(t->d), c->secretariat ? "verified" : "claimed");
    } else {
        buf_puts(&t->detail, "]}");
    }
    return DB_OK;
}

db_status cluster_save(db *d, int64_t org_id, const cluster_edit *in, bool secretariat,
                       int64_t actor_id, const char *ip, form_errors *errs)
{
    assert(d && in);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    static const char *const names[10] = {"vision",      "mission",    "goals",      "services",
                                          "networks",    "vision_en",  "mission_en", "goals_en",
                                          "services_en", "networks_en"};
    const char *raw[10] = {in->vision,      in->mission,    in->goals,      in->services,
                           in->networks,    in->vision_en,  in->mission_en, in->goals_en,
                           in->services_en, in->networks_en};
    buf b[10];
    save_ctx c = {.org_id = org_id, .in = in, .secretariat = secretariat, .errs = errs};
    db_status st = DB_OK;
    for (int i = 0; i < 10; i++) {
        b[i] = (buf)BUF_INIT;
        bool bad = false;
        c.text[i] = profile_text(&b[i], raw[i], &bad);
        if (buf_failed(&b[i]))
            st = DB_NOMEM;
        if (bad)
            valid_add_error(errs, names[i], FE_INVALID, 0, 0);
    }
    c.stage = !str_empty(in->stage) || !str_empty(in->reached_on);
    if (c.stage) {
        check_choice(errs, "stage", in->stage, stage_choices);
        check_date(errs, "reached_on", in->reached_on, true);
    }
    c.scan = !str_empty(in->status) || !str_empty(in->since) || !str_empty(in->note) ||
             !str_empty(in->note_en);
    if (c.scan) {
        if (!secretariat)
            valid_add_error(errs, "status", FE_SECRETARIAT_ONLY, 0, 0);
        else
            check_choice(errs, "status", in->status, scan_choices);
        check_date(errs, "since", in->since, true);
        cluster_check_text(errs, "note", in->note, false, NOTE_MAX);
        cluster_check_text(errs, "note_en", in->note_en, false, NOTE_MAX);
    }
    c.label = !str_empty(in->label) || !str_empty(in->label_name) ||
              !str_empty(in->label_name_en) || !str_empty(in->awarded_on) ||
              !str_empty(in->expires_on) || !str_empty(in->reference);
    char expiry[11] = "";
    if (c.label) {
        const char *label = in->label;
        bool other = label && strcmp(label, "other") == 0;
        check_choice(errs, "label", label, label_choices);
        cluster_check_text(errs, "label_name", in->label_name,
                           other && str_empty(in->label_name_en), LABEL_NAME_MAX);
        cluster_check_text(errs, "label_name_en", in->label_name_en, false, LABEL_NAME_MAX);
        check_date(errs, "awarded_on", in->awarded_on, true);
        check_date(errs, "expires_on", in->expires_on, false);
        cluster_check_text(errs, "reference", in->reference, secretariat, REFERENCE_MAX);
        bool dates_ok = time_date_valid(in->awarded_on);
        if (dates_ok && !str_empty(in->expires_on) && time_date_valid(in->expires_on) &&
            strcmp(in->expires_on, in->awarded_on) <= 0)
            valid_add_error(errs, "expires_on", FE_DATE_ORDER, 0, 0);
        if (dates_ok && str_empty(in->expires_on) && label && strncmp(label, "esca_", 5) == 0)
            time_date_add_years(expiry, in->awarded_on, ESCA_LABEL_YEARS);
        c.expires_on = !str_empty(in->expires_on) ? in->expires_on : expiry[0] ? expiry : NULL;
    }
    if (st == DB_OK && errs->n_items > before)
        st = DB_CONSTRAINT;
    if (st == DB_OK) {
        st = cluster_write(d, actor_id, ip, "cluster_profile", org_id, save_body, &c);
    }
    for (int i = 0; i < 10; i++)
        buf_free(&b[i]);
    return st;
}
