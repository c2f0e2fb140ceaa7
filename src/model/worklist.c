/* worklist.c: the reads behind the start page (see worklist.h).
 *
 * Written in the one-shot vocabulary (db_query + db_collect, db_int): each
 * function is one query with its row reader. A membership counts while
 * it is current (joined on or before today, not yet left), as rights.c
 * reads it. */
#include "model/worklist.h"

#include <assert.h>
#include <time.h>

#include "core/timeutil.h"

#define WORK_LIST_MAX 20

/* Members now ($3 today), and members of year $2 (a membership that
 * overlaps it, as the totals and the missing-reports page count them)
 * without figures for it. $2 is cast where it is used: PostgreSQL gives a
 * parameter one type, and reads it here as a date's text and as a year. */
static const char SQL_CLUSTERS[] =
    "SELECT c.id, c.slug, c.name,"
    " (SELECT count(*) FROM cluster_member m WHERE m.cluster_id = c.id AND m.joined_on <= $3"
    "   AND (m.left_on IS NULL OR m.left_on > $3)),"
    " (SELECT count(DISTINCT m.org_id) FROM cluster_member m WHERE m.cluster_id = c.id"
    "   AND m.joined_on <= (CAST($2 AS TEXT) || '-12-31')"
    "   AND (m.left_on IS NULL OR m.left_on > (CAST($2 AS TEXT) || '-01-01'))"
    "   AND NOT EXISTS (SELECT 1 FROM org_figure f WHERE f.org_id = m.org_id"
    "   AND f.year = CAST($2 AS BIGINT))),"
    " c.name_en"
    " FROM affiliation a JOIN org c ON c.id = a.org_id"
    " WHERE a.person_id = $1 AND a.role = 'manager' AND a.ended_at IS NULL"
    " ORDER BY c.name_folded, c.id";

static void cluster_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    work_cluster *c = item;
    c->id = db_col_int(s, 0);
    c->slug = db_col_dup(a, s, 1, oom);
    c->name = db_col_dup(a, s, 2, oom);
    c->members = db_col_int(s, 3);
    c->missing = db_col_int(s, 4);
    c->name_en = db_col_dup(a, s, 5, oom);
}

db_status worklist_clusters(db *d, arena *a, int64_t person_id, int year, work_cluster **items,
                            size_t *n)
{
    assert(d && a && items && n);
    *items = NULL;
    *n = 0;
    char day[11];
    time_today(day);
    db_stmt *s = db_query(d, SQL_CLUSTERS, DB_ARGS(DBI(person_id), DBI(year), DBT(day)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, cluster_row, NULL);
}

static const char SQL_ORGS[] =
    "SELECT o.id, o.slug, o.name,"
    " EXISTS (SELECT 1 FROM org_figure f WHERE f.org_id = o.id AND f.year = $2), o.name_en"
    " FROM affiliation a JOIN org o ON o.id = a.org_id"
    " WHERE a.person_id = $1 AND a.role = 'representative' AND a.ended_at IS NULL"
    " ORDER BY o.name_folded, o.id";

static void org_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    work_org *o = item;
    o->id = db_col_int(s, 0);
    o->slug = db_col_dup(a, s, 1, oom);
    o->name = db_col_dup(a, s, 2, oom);
    o->reported = db_col_int(s, 3) != 0;
    o->name_en = db_col_dup(a, s, 4, oom);
}

db_status worklist_orgs(db *d, arena *a, int64_t person_id, int year, work_org **items, size_t *n)
{
    assert(d && a && items && n);
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_ORGS, DB_ARGS(DBI(person_id), DBI(year)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, org_row, NULL);
}

static const char SQL_DRAFTS[] =
    "SELECT o.id, o.updated_at, o.slug, o.name, o.name_en FROM org o"
    " WHERE o.status = 'draft'"
    " AND NOT EXISTS (SELECT 1 FROM org_proposal p WHERE p.org_id = o.id AND p.state <> 'accepted')"
    " AND ($2 = 1 OR o.created_by = $1 OR o.id IN ("
    "   SELECT a.org_id FROM affiliation a WHERE a.person_id = $1 AND a.ended_at IS NULL))"
    " ORDER BY o.updated_at DESC, o.id DESC LIMIT 20";

static void draft_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    work_draft *w = item;
    w->id = db_col_int(s, 0);
    w->updated_at = db_col_int(s, 1);
    w->slug = db_col_dup(a, s, 2, oom);
    w->name = db_col_dup(a, s, 3, oom);
    w->name_en = db_col_dup(a, s, 4, oom);
}

db_status worklist_drafts(db *d, arena *a, int64_t person_id, bool all_drafts, work_draft **items,
                          size_t *n)
{
    assert(d && a && items && n);
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_DRAFTS, DB_ARGS(DBI(person_id), DBI(all_drafts ? 1 : 0)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, draft_row, NULL);
}

static const char SQL_INVITES[] =
    "SELECT l.expires_at, p.name, o.slug, o.name, l.grant_role FROM one_time_link l"
    " JOIN person p ON p.id = l.person_id LEFT JOIN org o ON o.id = l.grant_org_id"
    " WHERE l.purpose = 'invite' AND l.created_by = $1 AND l.used_at IS NULL"
    "   AND l.expires_at > $2"
    " ORDER BY l.expires_at, l.id LIMIT 20";

static void invite_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    work_invite *w = item;
    w->expires_at = db_col_int(s, 0);
    w->invitee = db_col_dup(a, s, 1, oom);
    w->org_slug = db_col_dup(a, s, 2, oom);
    w->org_name = db_col_dup(a, s, 3, oom);
    w->role = db_col_dup(a, s, 4, oom);
}

db_status worklist_invites(db *d, arena *a, int64_t person_id, work_invite **items, size_t *n)
{
    assert(d && a && items && n);
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_INVITES, DB_ARGS(DBI(person_id), DBI(time_now())));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, invite_row, NULL);
}

static const char SQL_TEAM_INVITES[] =
    "SELECT o.slug, o.name, o.name_en, t.role, t.role_en FROM cluster_team t"
    " JOIN org o ON o.id = t.org_id"
    " WHERE t.person_id = $1 AND t.invited = 1 AND t.until IS NULL"
    " ORDER BY t.id LIMIT 20";

static void team_invite_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    work_team_invite *w = item;
    w->org_slug = db_col_dup(a, s, 0, oom);
    w->org_name = db_col_dup(a, s, 1, oom);
    w->org_name_en = db_col_dup(a, s, 2, oom);
    w->role = db_col_dup(a, s, 3, oom);
    w->role_en = db_col_dup(a, s, 4, oom);
}

db_status worklist_team_invites(db *d, arena *a, int64_t person_id, work_team_invite **items,
                                size_t *n)
{
    assert(d && a && items && n);
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_TEAM_INVITES, DB_ARGS(DBI(person_id)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, team_invite_row, NULL);
}

/* drafts, not entries under review (proposals and initiatives have their queue) */
static const char SQL_Q_DRAFTS[] = "SELECT count(*) FROM org o WHERE o.status = 'draft'"
                                   " AND NOT EXISTS (SELECT 1 FROM org_proposal p WHERE p.org_id = "
                                   "o.id AND p.state <> 'accepted')";
static const char SQL_Q_UNVERIFIED[] = "SELECT count(*) FROM org_figure WHERE verified_at IS NULL";
static const char SQL_Q_LABELS[] =
    "SELECT count(*) FROM cluster_label WHERE state = 'verified' AND expires_on IS NOT NULL"
    " AND expires_on <= date($1, '+60 days') AND expires_on >= date($1, '-30 days')";
static const char SQL_Q_CLAIMED[] = "SELECT count(*) FROM cluster_label WHERE state = 'claimed'";
static const char SQL_Q_MAIL[] =
    "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND attempts > 0 AND last_error IS NOT NULL";

db_status worklist_queues(db *d, const char *today_s, work_queues *q)
{
    assert(d && today_s && q);
    db_status st;
    if ((st = db_int(d, &q->drafts, 0, SQL_Q_DRAFTS, DB_NONE)) != DB_OK ||
        (st = db_int(d, &q->unverified, 0, SQL_Q_UNVERIFIED, DB_NONE)) != DB_OK ||
        (st = db_int(d, &q->labels_expiring, 0, SQL_Q_LABELS, DB_ARGS(DBT(today_s)))) != DB_OK ||
        (st = db_int(d, &q->mail_failed, 0, SQL_Q_MAIL, DB_NONE)) != DB_OK ||
        (st = db_int(d, &q->labels_claimed, 0, SQL_Q_CLAIMED, DB_NONE)) != DB_OK)
        return st;
    return DB_OK;
}
