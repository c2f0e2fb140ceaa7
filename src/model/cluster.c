/* cluster.c: what makes a directory entry a cluster, and who its members
 * are (see cluster.h).
 *
 * All SQL about cluster profiles, stages, the management team, SCAN
 * membership history, labels and cluster_member lives here; figures.c
 * reads the same cluster_member and scan_membership rows for its totals
 * and rights.c reads cluster_member for managers' rights, so membership
 * is stored once and derived everywhere. Every write is one transaction
 * with an audit row (entity 'org', the cluster's id) that bumps
 * figures_version and directory_version (cached figures and profile
 * pages both show what changed). Validation errors go into form_errors
 * under the parameter names (org_id, stage, reached_on, status, since,
 * note, label, name, awarded_on, expires_on, person_id, role, fte_milli,
 * cluster_id, joined_on, left_on) and return DB_CONSTRAINT with nothing
 * written. Dates are 'YYYY-MM-DD' text checked as real calendar dates;
 * "today" is the Belgrade date (the process zone, see timeutil.h). */
#include "model/cluster.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "json/json.h"
#include "model/audit.h"
#include "model/tx.h"
#include "model/mail.h"
#include "model/rights.h"

#define PROFILE_TEXT_MAX 10000 /* characters per strategy field */
#define NOTE_MAX         500
#define LABEL_NAME_MAX   200
#define ROLE_MAX         100
#define STARTUP_YEARS    5
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
static const char *const member_role_choices[] = {"member", "founding_member", "board", NULL};

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

enum { TM_ROLE, TM_ROLE_EN, TM_FTE_MILLI, TM_SINCE, TM_N };
static const form_rule team_rules[TM_N] = {
    [TM_ROLE] = {"role", FV_TEXT, FORM_REQUIRED, 0, ROLE_MAX, NULL},
    [TM_ROLE_EN] = {"role_en", FV_TEXT, 0, 0, ROLE_MAX, NULL},
    [TM_FTE_MILLI] = {"fte_milli", FV_INT, 0, 0, 1000, NULL},
    [TM_SINCE] = {"since", FV_DATE, 0, 0, 0, NULL},
};
static const valid_table team_table = {team_rules, TM_N, NULL, 0};

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

static void check_text(form_errors *errs, const char *field, const char *v, bool required,
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
static db_status invalid(const form_errors *errs, size_t before)
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
static db_status kind_of(db *d, int64_t id, bool *exists, bool *cluster)
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
static db_status require_cluster(db *d, int64_t id, form_errors *errs)
{
    bool exists, cluster;
    db_status st = kind_of(d, id, &exists, &cluster);
    if (st != DB_OK)
        return st;
    if (!exists)
        return DB_DONE;
    if (!cluster && errs)
        valid_add_error(errs, "org_id", FE_NOT_CLUSTER, 0, 0);
    return cluster ? DB_OK : DB_CONSTRAINT;
}

/* The audit row and the version bump that end every write: members
 * change both the directory's pages and the figures. */
static db_status finish_write(db *d, int64_t actor_id, const char *ip, const char *action,
                              int64_t cluster_id, const buf *detail)
{
    return tx_finish(d, actor_id, ip, action, "org", cluster_id, detail, TX_FIGURES | TX_DIRECTORY);
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
    if ((st = kind_of(d, org_id, &exists, &cluster)) != DB_OK)
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
        st = invalid(&errs, 0);
        goto free_bufs;
    }
    if ((st = db_begin_write(d)) != DB_OK)
        goto free_bufs;
    if ((st = require_cluster(d, org_id, NULL)) != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, SQL_PROFILE_PUT);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, org_id);
    for (int i = 0; i < PR_N; i++)
        db_bind_text(s, i + 2, v[i].present ? v[i].text : NULL);
    db_bind_int(s, 7, time_now());
    db_bind_int(s, 8, actor_id);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if ((st = finish_write(d, actor_id, ip, "cluster_profile", org_id, NULL)) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
free_bufs:
    arena_free(&a);
    return st;
}

static const char SQL_STAGE_PUT[] =
    "INSERT INTO cluster_stage(org_id, stage, reached_on, created_at, created_by)"
    " VALUES ($1, $2, $3, $4, nullif($5, 0))"
    " ON CONFLICT(org_id, stage) DO UPDATE SET reached_on = excluded.reached_on,"
    " created_at = excluded.created_at, created_by = excluded.created_by";

/* Opens the write transaction of a validated cluster write: the input
 * checks (already in errs) and the cluster check; DB_CONSTRAINT when errs
 * grew past before. On DB_OK the transaction is open. */
static db_status begin_cluster_write(db *d, int64_t org_id, form_errors *errs, size_t before)
{
    if (errs->n_items > before)
        return invalid(errs, before);
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        return st;
    if ((st = require_cluster(d, org_id, errs)) != DB_OK)
        db_rollback(d);
    return st;
}

db_status cluster_set_stage(db *d, int64_t org_id, const char *stage, const char *reached_on,
                            int64_t actor_id, const char *ip, form_errors *errs)
{
    assert(d);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    buf detail = BUF_INIT;
    arena a = ARENA_INIT;
    form_value v[ST_N];
    valid_values(&a, &stage_table, (const char *[ST_N]){stage, reached_on}, v, errs, NULL);
    stage = v[ST_STAGE].text;
    reached_on = v[ST_REACHED_ON].text;
    db_status st = begin_cluster_write(d, org_id, errs, before);
    if (st != DB_OK)
        goto done;
    db_stmt *s = db_prepare(d, SQL_STAGE_PUT);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, org_id);
    db_bind_text(s, 2, stage);
    db_bind_text(s, 3, reached_on);
    db_bind_int(s, 4, time_now());
    db_bind_int(s, 5, actor_id);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    buf_puts(&detail, "{\"stage\":");
    json_put_string(&detail, stage);
    buf_puts(&detail, ",\"reached_on\":");
    json_put_string(&detail, reached_on);
    buf_putc(&detail, '}');
    if ((st = finish_write(d, actor_id, ip, "cluster_stage", org_id, &detail)) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
done:
    buf_free(&detail);
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
    buf detail = BUF_INIT;
    arena a = ARENA_INIT;
    form_value v[SC_N];
    valid_values(&a, &scan_table, (const char *[SC_N]){status, since, note}, v, errs, NULL);
    status = v[SC_STATUS].text;
    since = v[SC_SINCE].text;
    note = v[SC_NOTE].text;
    db_status st = begin_cluster_write(d, org_id, errs, before);
    if (st != DB_OK)
        goto done;
    db_stmt *s = db_prepare(d, SQL_SCAN_ADD);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, org_id);
    db_bind_text(s, 2, status);
    db_bind_text(s, 3, since);
    db_bind_text(s, 4, str_empty(note) ? NULL : note);
    db_bind_int(s, 5, time_now());
    db_bind_int(s, 6, actor_id);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    buf_printf(&detail, "{\"id\":%lld,\"status\":", (long long)db_last_id(d));
    json_put_string(&detail, status);
    buf_puts(&detail, ",\"since\":");
    json_put_string(&detail, since);
    buf_putc(&detail, '}');
    if ((st = finish_write(d, actor_id, ip, "cluster_scan_status", org_id, &detail)) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
done:
    buf_free(&detail);
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
    buf detail = BUF_INIT;
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
    db_status st = begin_cluster_write(d, org_id, errs, before);
    if (st != DB_OK)
        goto done;
    db_stmt *s = db_prepare(d, SQL_LABEL_ADD);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, org_id);
    db_bind_text(s, 2, label);
    db_bind_text(s, 3, str_empty(name) ? NULL : name);
    db_bind_text(s, 4, awarded_on);
    db_bind_text(s, 5, !str_empty(expires_on) ? expires_on : expiry[0] ? expiry : NULL);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    buf_printf(&detail, "{\"id\":%lld,\"label\":", (long long)db_last_id(d));
    json_put_string(&detail, label);
    buf_putc(&detail, '}');
    if ((st = finish_write(d, actor_id, ip, "cluster_label", org_id, &detail)) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
done:
    buf_free(&detail);
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

#define REFERENCE_MAX 200

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
    " CASE WHEN $7 = 'verified' THEN $8 END, CASE WHEN $7 = 'verified' THEN nullif($9, 0) END)";

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
    db_status st = require_cluster(t->d, c->org_id, c->errs);
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
    c.scan = !str_empty(in->status) || !str_empty(in->since) || !str_empty(in->note) || !str_empty(in->note_en);
    if (c.scan) {
        if (!secretariat)
            valid_add_error(errs, "status", FE_SECRETARIAT_ONLY, 0, 0);
        else
            check_choice(errs, "status", in->status, scan_choices);
        check_date(errs, "since", in->since, true);
        check_text(errs, "note", in->note, false, NOTE_MAX);
        check_text(errs, "note_en", in->note_en, false, NOTE_MAX);
    }
    c.label = !str_empty(in->label) || !str_empty(in->label_name) || !str_empty(in->label_name_en) ||
              !str_empty(in->awarded_on) || !str_empty(in->expires_on) || !str_empty(in->reference);
    char expiry[11] = "";
    if (c.label) {
        const char *label = in->label;
        bool other = label && strcmp(label, "other") == 0;
        check_choice(errs, "label", label, label_choices);
        check_text(errs, "label_name", in->label_name, other && str_empty(in->label_name_en),
                   LABEL_NAME_MAX);
        check_text(errs, "label_name_en", in->label_name_en, false, LABEL_NAME_MAX);
        check_date(errs, "awarded_on", in->awarded_on, true);
        check_date(errs, "expires_on", in->expires_on, false);
        check_text(errs, "reference", in->reference, secretariat, REFERENCE_MAX);
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
        tx t = TX_INIT(actor_id, ip, "cluster_profile", "org", org_id);
        t.bump = TX_FIGURES | TX_DIRECTORY;
        st = tx_write(d, &t, save_body, &c);
    }
    for (int i = 0; i < 10; i++)
        buf_free(&b[i]);
    return st;
}

static const char SQL_LABEL_VERIFY[] =
    "UPDATE cluster_label SET state = 'verified', reference = $3, verified_at = $4,"
    " verified_by = nullif($5, 0) WHERE id = $1 AND org_id = $2 AND state = 'claimed'";

typedef struct verify_ctx {
    int64_t org_id, label_id;
    const char *reference;
} verify_ctx;

static db_status verify_body(tx *t, void *ctx)
{
    verify_ctx *c = ctx;
    db_status st = db_do(t->d, SQL_LABEL_VERIFY,
                         DB_ARGS(DBI(c->label_id), DBI(c->org_id), DBT(c->reference),
                                 DBI(time_now()), DBI(t->actor_id)));
    if (st != DB_OK)
        return st;
    if (db_changes(t->d) == 0)
        return DB_DONE;
    buf_printf(&t->detail, "{\"label\":%lld,\"reference\":", (long long)c->label_id);
    json_put_string(&t->detail, c->reference);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status cluster_label_verify(db *d, int64_t org_id, int64_t label_id, const char *reference,
                               int64_t actor_id, const char *ip, form_errors *errs)
{
    assert(d);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    check_text(errs, "reference", reference, true, REFERENCE_MAX);
    if (errs->n_items > before)
        return DB_CONSTRAINT;
    verify_ctx c = {.org_id = org_id, .label_id = label_id, .reference = reference};
    tx t = TX_INIT(actor_id, ip, "cluster_label_verify", "org", org_id);
    t.bump = TX_FIGURES | TX_DIRECTORY;
    return tx_write(d, &t, verify_body, &c);
}

static const char SQL_LABEL_CLAIMS[] =
    "SELECT l.id, l.org_id, o.slug, o.name, l.label, l.name, l.name_en, l.awarded_on,"
    "       coalesce(l.claimed_at, 0)"
    "  FROM cluster_label l JOIN org o ON o.id = l.org_id"
    " WHERE l.state = 'claimed' ORDER BY l.claimed_at, l.id";

static void claim_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    cluster_label_claim *r = item;
    r->id = db_col_int(s, 0);
    r->org_id = db_col_int(s, 1);
    r->org_slug = db_col_dup(a, s, 2, oom);
    r->org_name = db_col_dup(a, s, 3, oom);
    r->label = db_col_dup(a, s, 4, oom);
    r->name = db_col_dup(a, s, 5, oom);
    r->name_en = db_col_dup(a, s, 6, oom);
    r->awarded_on = db_col_dup(a, s, 7, oom);
    r->claimed_at = db_col_int(s, 8);
}

db_status cluster_label_claims(db *d, arena *a, cluster_label_claim **items, size_t *n)
{
    assert(d && a && items && n);
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_LABEL_CLAIMS, DB_NONE);
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, claim_row, NULL);
}

/* --- management team ------------------------------------------------------------------ */

static const char SQL_PERSON_OK[] = "SELECT erased_at IS NULL FROM person WHERE id = $1";
static const char SQL_TEAM_ADD[] =
    "INSERT INTO cluster_team(org_id, person_id, role, fte_milli, since, invited, role_en,"
    " manager, invited_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, nullif($9, 0))";
/* an invitation replaces the person's pending one to the same team */
static const char SQL_TEAM_UNINVITE[] =
    "DELETE FROM cluster_team WHERE org_id = $1 AND person_id = $2 AND invited = 1";
static const char SQL_TEAM_INVITEE[] =
    "SELECT p.email, o.name FROM person p, org o WHERE p.id = $1 AND o.id = $2";
static const char SQL_TEAM_ACCEPT[] =
    "UPDATE cluster_team SET invited = 0"
    " WHERE org_id = $1 AND person_id = $2 AND invited = 1 AND until IS NULL";
static const char SQL_TEAM_GET[] = "SELECT org_id, since FROM cluster_team WHERE id = $1";
static const char SQL_TEAM_END[] = "UPDATE cluster_team SET until = $2 WHERE id = $1";
/* the manager right a team invitation offered: who offered it */
static const char SQL_TEAM_OFFER[] =
    "SELECT id, coalesce(invited_by, 0) FROM cluster_team"
    " WHERE org_id = $1 AND person_id = $2 AND invited = 0 AND manager = 1 AND until IS NULL"
    "   AND affiliation_id IS NULL ORDER BY id DESC LIMIT 1";
static const char SQL_MANAGER_CURRENT[] =
    "SELECT coalesce(max(id), 0) FROM affiliation WHERE person_id = $1 AND org_id = $2"
    " AND role = 'manager' AND ended_at IS NULL";
static const char SQL_MANAGER_START[] =
    "INSERT INTO affiliation(person_id, org_id, role, started_at, created_by)"
    " VALUES ($1, $2, 'manager', $3, nullif($4, 0))";
static const char SQL_TEAM_AFFIL[] = "UPDATE cluster_team SET affiliation_id = $2 WHERE id = $1";
/* ending a team row ends the manager right its invitation started */
static const char SQL_TEAM_END_AFFIL[] =
    "UPDATE affiliation SET ended_at = $2 WHERE ended_at IS NULL"
    " AND id = (SELECT affiliation_id FROM cluster_team WHERE id = $1)";

/* The invitation mail to person_id (in the open transaction). */
static db_status team_invite_mail(db *d, int64_t org_id, int64_t person_id, const char *role,
                                  const char *accept_url)
{
    db_stmt *s = db_prepare(d, SQL_TEAM_INVITEE);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, person_id);
    db_bind_int(s, 2, org_id);
    db_status st = db_step(s);
    buf body = BUF_INIT;
    char *to = NULL;
    if (st == DB_ROW) {
        const char *email = db_col_text(s, 0);
        to = email ? strdup(email) : NULL;
        buf_printf(&body,
                   "Hello,\n\nyou have been invited to the management team of %s in SCAN, as ",
                   db_col_text(s, 1) ? db_col_text(s, 1) : "a cluster");
        buf_puts(&body, role);
        buf_puts(&body, ".\nTo accept, log in to SCAN and confirm here:\n\n");
        buf_puts(&body, accept_url);
        buf_puts(&body, "\n\nIf you have no account yet, a separate message lets you choose your"
                        " password first.\nIf you did not expect this invitation, you can ignore"
                        " this message.\n");
    }
    db_reset(s);
    if (st == DB_ROW && to && !buf_failed(&body))
        st = mail_queue(d, to, "Your invitation to a cluster's management team", buf_str(&body));
    else if (st == DB_ROW)
        st = to ? DB_NOMEM : DB_CONSTRAINT; /* no address (erased) */
    else if (st == DB_DONE)
        st = DB_CONSTRAINT;
    free(to);
    buf_free(&body);
    return st;
}

/* cluster_team_add and cluster_team_invite: accept_url NULL adds. */
static db_status team_put(db *d, int64_t org_id, int64_t person_id, const char *role,
                          const char *role_en, bool manager, int fte_milli, const char *since,
                          const char *accept_url, int64_t actor_id, const char *ip,
                          form_errors *errs)
{
    assert(d);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    buf detail = BUF_INIT;
    arena a = ARENA_INIT;
    form_value v[TM_N];
    char fte[24];
    snprintf(fte, sizeof fte, "%d", fte_milli);
    valid_values(&a, &team_table, (const char *[TM_N]){role, role_en, fte, since}, v, errs, NULL);
    role = v[TM_ROLE].text;
    role_en = v[TM_ROLE_EN].text;
    since = v[TM_SINCE].text;
    db_status st = begin_cluster_write(d, org_id, errs, before);
    if (st != DB_OK)
        goto done;
    db_stmt *s = db_prepare(d, SQL_PERSON_OK);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, person_id);
    st = db_step(s);
    bool person_ok = st == DB_ROW && db_col_int(s, 0) != 0;
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        goto cleanup;
    if (!person_ok) {
        valid_add_error(errs, "person_id", FE_INVALID, 0, 0);
        st = DB_CONSTRAINT;
        goto cleanup;
    }
    if (accept_url) {
        if (!(s = db_prepare(d, SQL_TEAM_UNINVITE))) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_int(s, 1, org_id);
        db_bind_int(s, 2, person_id);
        if ((st = db_run(s)) != DB_OK)
            goto cleanup;
    }
    if (!(s = db_prepare(d, SQL_TEAM_ADD))) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, org_id);
    db_bind_int(s, 2, person_id);
    db_bind_text(s, 3, role);
    db_bind_int(s, 4, fte_milli);
    db_bind_text(s, 5, str_empty(since) ? NULL : since);
    db_bind_int(s, 6, accept_url ? 1 : 0);
    db_bind_text(s, 7, str_empty(role_en) ? NULL : role_en);
    db_bind_int(s, 8, accept_url && manager ? 1 : 0);
    db_bind_int(s, 9, accept_url ? actor_id : 0);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    buf_printf(&detail, "{\"team\":%lld,\"person\":%lld,\"manager\":%s}", (long long)db_last_id(d),
               (long long)person_id, accept_url && manager ? "true" : "false");
    if (accept_url && (st = team_invite_mail(d, org_id, person_id, role, accept_url)) != DB_OK)
        goto cleanup;
    if ((st = finish_write(d, actor_id, ip, accept_url ? "cluster_team_invite" : "cluster_team_add",
                           org_id, &detail)) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
done:
    buf_free(&detail);
    arena_free(&a);
    return st;
}

db_status cluster_team_add(db *d, int64_t org_id, int64_t person_id, const char *role,
                           int fte_milli, const char *since, int64_t actor_id, const char *ip,
                           form_errors *errs)
{
    return team_put(d, org_id, person_id, role, NULL, false, fte_milli, since, NULL, actor_id, ip,
                    errs);
}

db_status cluster_team_invite(db *d, int64_t org_id, int64_t person_id, const char *role,
                              const char *role_en, bool manager, int fte_milli, const char *since,
                              const char *accept_url, int64_t actor_id, const char *ip,
                              form_errors *errs)
{
    assert(accept_url);
    return team_put(d, org_id, person_id, role, role_en, manager, fte_milli, since, accept_url,
                    actor_id, ip, errs);
}

/* After an accepted invitation (in its transaction): the manager right it
 * offered starts, as long as whoever offered it may still invite for the
 * cluster (rights.c; the system's own offers stand), unless the person
 * manages the cluster already. *granted says whether it started. */
static db_status team_grant(db *d, int64_t org_id, int64_t person_id, bool *granted)
{
    *granted = false;
    int64_t team_id = 0, offered_by = 0;
    db_stmt *s = db_query(d, SQL_TEAM_OFFER, DB_ARGS(DBI(org_id), DBI(person_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        team_id = db_col_int(s, 0);
        offered_by = db_col_int(s, 1);
    }
    db_reset(s);
    if (st != DB_ROW)
        return st == DB_DONE ? DB_OK : st;
    if (offered_by && !rights_person_can(d, offered_by, RIGHT_INVITE, org_id))
        return DB_OK; /* the offer lapsed with its sender's right */
    int64_t current = 0;
    if ((st = db_int(d, &current, 0, SQL_MANAGER_CURRENT, DB_ARGS(DBI(person_id), DBI(org_id)))) !=
        DB_OK)
        return st;
    if (current == 0) {
        st = db_do(d, SQL_MANAGER_START,
                   DB_ARGS(DBI(person_id), DBI(org_id), DBI(time_now()), DBI(offered_by)));
        if (st != DB_OK)
            return st;
        current = db_last_id(d);
        *granted = true;
    }
    return db_do(d, SQL_TEAM_AFFIL, DB_ARGS(DBI(team_id), DBI(current)));
}

db_status cluster_team_accept(db *d, int64_t org_id, int64_t person_id, const char *ip)
{
    assert(d);
    buf detail = BUF_INIT;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto done;
    db_stmt *s = db_prepare(d, SQL_TEAM_ACCEPT);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, org_id);
    db_bind_int(s, 2, person_id);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if (db_changes(d) == 0) {
        st = DB_DONE; /* no pending invitation */
        goto cleanup;
    }
    bool granted = false;
    if ((st = team_grant(d, org_id, person_id, &granted)) != DB_OK)
        goto cleanup;
    buf_printf(&detail, "{\"person\":%lld,\"manager\":%s}", (long long)person_id,
               granted ? "true" : "false");
    if ((st = finish_write(d, person_id, ip, "cluster_team_accept", org_id, &detail)) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
done:
    buf_free(&detail);
    return st;
}

db_status cluster_team_end(db *d, int64_t team_id, const char *until, int64_t actor_id,
                           const char *ip)
{
    assert(d);
    char today[11];
    buf detail = BUF_INIT;
    if (str_empty(until)) {
        time_today(today);
        until = today;
    }
    if (!time_date_valid(until))
        return DB_CONSTRAINT;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto done;
    db_stmt *s = db_prepare(d, SQL_TEAM_GET);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, team_id);
    st = db_step(s);
    int64_t org_id = st == DB_ROW ? db_col_int(s, 0) : 0;
    const char *since = st == DB_ROW ? db_col_text(s, 1) : NULL;
    bool before_start = since && strcmp(until, since) < 0;
    db_reset(s);
    if (st != DB_ROW)
        goto cleanup; /* DB_DONE: no such row */
    if (before_start) {
        st = DB_CONSTRAINT;
        goto cleanup;
    }
    if (!(s = db_prepare(d, SQL_TEAM_END))) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, team_id);
    db_bind_text(s, 2, until);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if ((st = db_do(d, SQL_TEAM_END_AFFIL, DB_ARGS(DBI(team_id), DBI(time_now())))) != DB_OK)
        goto cleanup;
    buf_printf(&detail, "{\"team\":%lld}", (long long)team_id);
    if ((st = finish_write(d, actor_id, ip, "cluster_team_end", org_id, &detail)) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
done:
    buf_free(&detail);
    return st;
}

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

db_status cluster_member_add(db *d, int64_t cluster_id, int64_t org_id, const char *role,
                             const char *joined_on, int64_t actor_id, const char *ip,
                             form_errors *errs)
{
    assert(d);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    buf detail = BUF_INIT;
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
    role = v[MA_ROLE].text;
    joined_on = v[MA_JOINED_ON].text;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto done;
    bool exists, cluster, yes;
    if ((st = kind_of(d, cluster_id, &exists, &cluster)) != DB_OK)
        goto cleanup;
    if (!cluster)
        valid_add_error(errs, "cluster_id", FE_NOT_CLUSTER, 0, 0);
    if ((st = exists_id(d, SQL_ORG_EXISTS, org_id, &yes)) != DB_OK)
        goto cleanup;
    if (!yes)
        valid_add_error(errs, "org_id", FE_INVALID, 0, 0);
    if (errs->n_items == before) {
        db_stmt *s = db_prepare(d, SQL_OVERLAP);
        if (!s) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_int(s, 1, cluster_id);
        db_bind_int(s, 2, org_id);
        db_bind_text(s, 3, joined_on);
        st = db_step(s);
        db_reset(s);
        if (st == DB_ROW)
            valid_add_error(errs, "org_id", FE_ALREADY_MEMBER, 0, 0);
        else if (st != DB_DONE)
            goto cleanup;
    }
    if (errs->n_items > before) {
        st = DB_CONSTRAINT;
        goto cleanup;
    }
    db_stmt *s = db_prepare(d, SQL_MEMBER_ADD);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, cluster_id);
    db_bind_int(s, 2, org_id);
    db_bind_text(s, 3, role);
    db_bind_text(s, 4, joined_on);
    db_bind_int(s, 5, time_now());
    db_bind_int(s, 6, actor_id);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    buf_printf(&detail, "{\"member\":%lld,\"org\":%lld,\"role\":", (long long)db_last_id(d),
               (long long)org_id);
    json_put_string(&detail, role);
    buf_putc(&detail, '}');
    if ((st = finish_write(d, actor_id, ip, "cluster_member_add", cluster_id, &detail)) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
done:
    buf_free(&detail);
    arena_free(&a);
    return st;
}

db_status cluster_member_end(db *d, int64_t member_id, const char *left_on, int64_t actor_id,
                             const char *ip, form_errors *errs)
{
    assert(d);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    buf detail = BUF_INIT;
    char today[11];
    if (str_empty(left_on)) {
        time_today(today);
        left_on = today;
    }
    arena a = ARENA_INIT;
    form_value v[ME_N];
    if (!valid_values(&a, &member_end_table, (const char *[ME_N]){left_on}, v, errs, NULL)) {
        db_status bad = invalid(errs, before);
        arena_free(&a);
        return bad;
    }
    left_on = v[ME_LEFT_ON].text;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto done;
    db_stmt *s = db_prepare(d, SQL_MEMBER_GET);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, member_id);
    st = db_step(s);
    int64_t cluster_id = 0, org_id = 0;
    bool before_join = false;
    if (st == DB_ROW) {
        cluster_id = db_col_int(s, 0);
        org_id = db_col_int(s, 1);
        before_join = strcmp(left_on, db_col_text(s, 2)) < 0;
    }
    db_reset(s);
    if (st != DB_ROW)
        goto cleanup; /* DB_DONE: no such membership */
    if (before_join) {
        valid_add_error(errs, "left_on", FE_DATE_ORDER, 0, 0);
        st = DB_CONSTRAINT;
        goto cleanup;
    }
    if (!(s = db_prepare(d, SQL_MEMBER_END))) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, member_id);
    db_bind_text(s, 2, left_on);
    db_bind_int(s, 3, time_now());
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    buf_printf(&detail, "{\"member\":%lld,\"org\":%lld,\"left_on\":", (long long)member_id,
               (long long)org_id);
    json_put_string(&detail, left_on);
    buf_putc(&detail, '}');
    if ((st = finish_write(d, actor_id, ip, "cluster_member_end", cluster_id, &detail)) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
done:
    buf_free(&detail);
    arena_free(&a);
    return st;
}
