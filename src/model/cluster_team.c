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
#include "i18n/i18n.h"
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
    "SELECT p.email, o.name, o.name_en, p.name, p.lang, i.name, i.lang FROM person p"
    " JOIN org o ON o.id = $2 LEFT JOIN person i ON i.id = $3 WHERE p.id = $1";
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
/* The invitation mail, from the catalog in the invitee's language (the one
 * they last logged in with, else the inviter's, else Serbian Cyrillic):
 * who invites them, to which cluster's team, as what, and the link. */
static db_status team_invite_mail(db *d, int64_t org_id, int64_t person_id, int64_t inviter,
                                  const char *role, bool manager, const char *accept_url)
{
    db_stmt *s = db_query(d, SQL_TEAM_INVITEE, DB_ARGS(DBI(person_id), DBI(org_id), DBI(inviter)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_step(s);
    arena a = ARENA_INIT;
    bool oom = false;
    const char *to = NULL, *cluster = NULL, *cluster_en = NULL, *name = NULL, *tag = NULL;
    const char *by = NULL, *by_tag = NULL;
    if (st == DB_ROW) {
        to = db_col_dup(&a, s, 0, &oom);
        cluster = db_col_dup(&a, s, 1, &oom);
        cluster_en = db_col_dup(&a, s, 2, &oom);
        name = db_col_dup(&a, s, 3, &oom);
        tag = db_col_dup(&a, s, 4, &oom);
        by = db_col_dup(&a, s, 5, &oom);
        by_tag = db_col_dup(&a, s, 6, &oom);
    }
    db_reset(s);
    buf subject = BUF_INIT, body = BUF_INIT;
    if (st == DB_DONE || (st == DB_ROW && !to && !oom)) {
        st = DB_CONSTRAINT; /* no such person or org, or no address (erased) */
        goto done;
    }
    if (st != DB_ROW)
        goto done;
    if (oom) {
        st = DB_NOMEM;
        goto done;
    }
    lang_id L = LANG_SR_CYRL;
    if (!(tag && i18n_parse(tag, &L)) && by_tag)
        i18n_parse(by_tag, &L);
    const char *team = mail_text_in(&a, L, L == LANG_EN && cluster_en ? cluster_en : cluster);
    const char *who = by ? mail_text_in(&a, L, by) : T(L, MSG_MAIL_THE_SECRETARIAT);
    const char *as = mail_text_in(&a, L, role);
    buf_printf(&subject, T(L, MSG_TEAM_MAIL_SUBJECT), who, team);
    buf_printf(&body, T(L, MSG_TEAM_MAIL_BODY), mail_text_in(&a, L, name ? name : to), who, team,
               as, manager ? T(L, MSG_TEAM_MAIL_MANAGER) : "", accept_url);
    st = buf_failed(&subject) || buf_failed(&body)
             ? DB_NOMEM
             : mail_queue(d, to, buf_str(&subject), buf_str(&body));
done:
    buf_free(&subject);
    buf_free(&body);
    arena_free(&a);
    return st;
}

/* What team_body needs: the validated input of team_put. */
typedef struct team_ctx {
    int64_t org_id, person_id;
    const char *role, *role_en, *since, *accept_url;
    bool manager;
    int fte_milli;
    form_errors *errs;
} team_ctx;

static db_status team_body(tx *t, void *ctx)
{
    const team_ctx *c = ctx;
    db *d = t->d;
    db_status st = cluster_require(d, c->org_id, c->errs);
    if (st != DB_OK)
        return st;
    int64_t person_ok = 0;
    if ((st = db_int(d, &person_ok, 0, SQL_PERSON_OK, DB_ARGS(DBI(c->person_id)))) != DB_OK)
        return st;
    if (!person_ok) {
        valid_add_error(c->errs, "person_id", FE_INVALID, 0, 0);
        return DB_CONSTRAINT;
    }
    if (c->accept_url &&
        (st = db_do(d, SQL_TEAM_UNINVITE, DB_ARGS(DBI(c->org_id), DBI(c->person_id)))) != DB_OK)
        return st;
    bool manager = c->accept_url && c->manager;
    st = db_do(d, SQL_TEAM_ADD,
               DB_ARGS(DBI(c->org_id), DBI(c->person_id), DBT(c->role), DBI(c->fte_milli),
                       str_empty(c->since) ? DBNULL : DBT(c->since), DBI(c->accept_url ? 1 : 0),
                       str_empty(c->role_en) ? DBNULL : DBT(c->role_en), DBI(manager ? 1 : 0),
                       DBI(c->accept_url ? t->actor_id : 0)));
    if (st != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"team\":%lld,\"person\":%lld,\"manager\":%s}",
               (long long)db_last_id(d), (long long)c->person_id, manager ? "true" : "false");
    if (c->accept_url)
        return team_invite_mail(d, c->org_id, c->person_id, t->actor_id, c->role, manager,
                                c->accept_url);
    return DB_OK;
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
    arena a = ARENA_INIT;
    form_value v[TM_N];
    char fte[24];
    snprintf(fte, sizeof fte, "%d", fte_milli);
    valid_values(&a, &team_table, (const char *[TM_N]){role, role_en, fte, since}, v, errs, NULL);
    db_status st = cluster_invalid(errs, before);
    if (errs->n_items == before) {
        team_ctx c = {.org_id = org_id,
                      .person_id = person_id,
                      .role = v[TM_ROLE].text,
                      .role_en = v[TM_ROLE_EN].text,
                      .since = v[TM_SINCE].text,
                      .accept_url = accept_url,
                      .manager = manager,
                      .fte_milli = fte_milli,
                      .errs = errs};
        st = cluster_write(d, actor_id, ip, accept_url ? "cluster_team_invite" : "cluster_team_add",
                           org_id, team_body, &c);
    }
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

typedef struct accept_ctx {
    int64_t org_id, person_id;
} accept_ctx;

static db_status accept_body(tx *t, void *ctx)
{
    const accept_ctx *c = ctx;
    db_status st = db_do(t->d, SQL_TEAM_ACCEPT, DB_ARGS(DBI(c->org_id), DBI(c->person_id)));
    if (st != DB_OK)
        return st;
    if (db_changes(t->d) == 0)
        return DB_DONE; /* no pending invitation */
    bool granted = false;
    if ((st = team_grant(t->d, c->org_id, c->person_id, &granted)) != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"person\":%lld,\"manager\":%s}", (long long)c->person_id,
               granted ? "true" : "false");
    return DB_OK;
}

db_status cluster_team_accept(db *d, int64_t org_id, int64_t person_id, const char *ip)
{
    assert(d);
    accept_ctx c = {org_id, person_id};
    return cluster_write(d, person_id, ip, "cluster_team_accept", org_id, accept_body, &c);
}

typedef struct end_ctx {
    int64_t team_id;
    const char *until;
} end_ctx;

/* Sets t->entity_id to the team row's cluster (the audit row's entity). */
static db_status end_body(tx *t, void *ctx)
{
    const end_ctx *c = ctx;
    db_stmt *s = db_query(t->d, SQL_TEAM_GET, DB_ARGS(DBI(c->team_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    t->entity_id = st == DB_ROW ? db_col_int(s, 0) : 0;
    const char *since = st == DB_ROW ? db_col_text(s, 1) : NULL;
    bool before_start = since && strcmp(c->until, since) < 0;
    db_reset(s);
    if (st != DB_ROW)
        return st; /* DB_DONE: no such row */
    if (before_start)
        return DB_CONSTRAINT;
    if ((st = db_do(t->d, SQL_TEAM_END, DB_ARGS(DBI(c->team_id), DBT(c->until)))) != DB_OK)
        return st;
    if ((st = db_do(t->d, SQL_TEAM_END_AFFIL, DB_ARGS(DBI(c->team_id), DBI(time_now())))) != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"team\":%lld}", (long long)c->team_id);
    return DB_OK;
}

db_status cluster_team_end(db *d, int64_t team_id, const char *until, int64_t actor_id,
                           const char *ip)
{
    assert(d);
    char today[11];
    if (str_empty(until)) {
        time_today(today);
        until = today;
    }
    if (!time_date_valid(until))
        return DB_CONSTRAINT;
    end_ctx c = {team_id, until};
    return cluster_write(d, actor_id, ip, "cluster_team_end", 0, end_body, &c);
}
