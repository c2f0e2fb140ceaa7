/* cluster_team.c: a cluster's management team and its invitations (see
 * cluster.h).
 *
 * Adding a team member, inviting a person (the invitation mail, a pending
 * row the person accepts), accepting (which starts the manager right the
 * invitation offered, as long as whoever offered it still may: rights.c)
 * and ending a team row (which ends that right). Shares the cluster checks
 * and the audit-and-bump ending of cluster.c through cluster_internal.h. */

#include "model/cluster.h"

#include <assert.h>
#include <string.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/cluster_internal.h"
#include "model/mail.h"
#include "model/rights.h"

#define ROLE_MAX 100

enum { TM_ROLE, TM_ROLE_EN, TM_FTE_MILLI, TM_SINCE, TM_N };
static const form_rule team_rules[TM_N] = {
    [TM_ROLE] = {"role", FV_TEXT, FORM_REQUIRED, 0, ROLE_MAX, NULL},
    [TM_ROLE_EN] = {"role_en", FV_TEXT, 0, 0, ROLE_MAX, NULL},
    [TM_FTE_MILLI] = {"fte_milli", FV_INT, 0, 0, 1000, NULL},
    [TM_SINCE] = {"since", FV_DATE, 0, 0, 0, NULL},
};
static const valid_table team_table = {team_rules, TM_N, NULL, 0};

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
    db_status st = cluster_begin_write(d, org_id, errs, before);
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
    if ((st = cluster_finish_write(d, actor_id, ip,
                                   accept_url ? "cluster_team_invite" : "cluster_team_add", org_id,
                                   &detail)) != DB_OK)
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
    if ((st = cluster_finish_write(d, person_id, ip, "cluster_team_accept", org_id, &detail)) !=
        DB_OK)
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
    if ((st = cluster_finish_write(d, actor_id, ip, "cluster_team_end", org_id, &detail)) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
done:
    buf_free(&detail);
    return st;
}
