/* rights.c: who may do what (see rights.h for the table).
 *
 * The secretariat roles come with the principal (auth.c fills them from
 * the account); everything else is derived here, on every call, from the
 * person's current affiliations joined with current cluster memberships,
 * so ending an affiliation or a membership takes its rights away at once.
 * Pages and endpoints ask rights_can() and nothing else decides. */
#include "model/rights.h"

#include <assert.h>
#include <time.h>

#include "core/log.h"
#include "core/timeutil.h"

bool rights_is_write(right action)
{
    switch (action) {
    case RIGHT_VIEW_MEMBERS:
    case RIGHT_AUDIT_VIEW:
        return false;
    case RIGHT_ORG_CREATE:
    case RIGHT_ORG_EDIT:
    case RIGHT_ORG_DELETE:
    case RIGHT_MEMBERS_EDIT:
    case RIGHT_FIGURES_EDIT:
    case RIGHT_FIGURES_VERIFY:
    case RIGHT_INVITE:
    case RIGHT_USERS_MANAGE:
        return true;
    }
    return true; /* an unknown action is treated as the stricter kind */
}

/* The secretariat editor's column of the table. */
static bool editor_may(right action)
{
    switch (action) {
    case RIGHT_VIEW_MEMBERS:
    case RIGHT_ORG_CREATE:
    case RIGHT_ORG_EDIT:
    case RIGHT_MEMBERS_EDIT:
    case RIGHT_FIGURES_EDIT:
    case RIGHT_FIGURES_VERIFY:
        return true;
    case RIGHT_ORG_DELETE:
    case RIGHT_INVITE:
    case RIGHT_USERS_MANAGE:
    case RIGHT_AUDIT_VIEW:
        return false;
    }
    return false;
}

/* Any current affiliation at all. */
static const char SQL_ANY_AFFILIATION[] =
    "SELECT 1 FROM affiliation WHERE person_id = $1 AND ended_at IS NULL LIMIT 1";

/* A current representative affiliation with organisation $2. */
static const char SQL_REPRESENTS[] =
    "SELECT 1 FROM affiliation"
    " WHERE person_id = $1 AND org_id = $2 AND role = 'representative'"
    "   AND ended_at IS NULL LIMIT 1";

/* A current manager affiliation with a cluster that is $2 itself or, when
 * $3 is 1, has $2 as a current member on date $4 ('YYYY-MM-DD', Belgrade). */
static const char SQL_MANAGES[] =
    "SELECT 1 FROM affiliation a JOIN org c ON c.id = a.org_id"
    " WHERE a.person_id = $1 AND a.role = 'manager' AND a.ended_at IS NULL"
    "   AND c.kind IN ('cluster', 'cluster_initiative')"
    "   AND (c.id = $2 OR ($3 = 1 AND EXISTS ("
    "        SELECT 1 FROM cluster_member m"
    "         WHERE m.cluster_id = c.id AND m.org_id = $2 AND m.joined_on <= $4"
    "           AND (m.left_on IS NULL OR m.left_on > $4))))"
    " LIMIT 1";

/* Runs one of the queries above; *yes when it returns a row. */
static db_status ask(db *d, const char *sql, int64_t person_id, int64_t org_id, bool members,
                     const char *today, bool *yes)
{
    *yes = false;
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, person_id);
    if (org_id)
        db_bind_int(s, 2, org_id);
    if (today) {
        db_bind_int(s, 3, members ? 1 : 0);
        db_bind_text(s, 4, today);
    }
    db_status st = db_step(s);
    db_reset(s);
    if (st == DB_ROW)
        *yes = true;
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* Today's date in Belgrade (the process's zone, set by time_setup_zone()). */
static void today_belgrade(char out[11])
{
    time_t t = (time_t)time_now();
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        out[0] = '\0'; /* compares below every date: no membership is current */
}

bool rights_can(db *d, const principal *p, right action, int64_t org_id)
{
    assert(d);
    if (!p)
        return false; /* the public: reading public pages needs no right */
    if (p->token_id && !p->token_write && rights_is_write(action))
        return false;
    if (p->secretariat == SEC_ADMIN)
        return true;
    if (p->secretariat == SEC_EDITOR && editor_may(action))
        return true;

    db_status st = DB_OK;
    bool yes = false;
    char today[11];
    switch (action) {
    case RIGHT_VIEW_MEMBERS:
        st = ask(d, SQL_ANY_AFFILIATION, p->person_id, 0, false, NULL, &yes);
        break;
    case RIGHT_ORG_EDIT:     /* manager of C: C; representative of O: O */
    case RIGHT_FIGURES_EDIT: /* manager of C: C and its members; representative: O */
        if (!org_id)
            break;
        st = ask(d, SQL_REPRESENTS, p->person_id, org_id, false, NULL, &yes);
        if (st != DB_OK || yes)
            break;
        today_belgrade(today);
        st = ask(d, SQL_MANAGES, p->person_id, org_id, action == RIGHT_FIGURES_EDIT, today, &yes);
        break;
    case RIGHT_MEMBERS_EDIT: /* manager of C: C */
    case RIGHT_INVITE:       /* manager of C: C and its members */
        if (!org_id)
            break;
        today_belgrade(today);
        st = ask(d, SQL_MANAGES, p->person_id, org_id, action == RIGHT_INVITE, today, &yes);
        break;
    case RIGHT_ORG_CREATE:
    case RIGHT_ORG_DELETE:
    case RIGHT_FIGURES_VERIFY:
    case RIGHT_USERS_MANAGE:
    case RIGHT_AUDIT_VIEW:
        break; /* secretariat only */
    }
    if (st != DB_OK) {
        log_error("rights_can(%d, %lld): %s: %s", (int)action, (long long)org_id,
                  db_status_name(st), db_errmsg(d));
        return false;
    }
    return yes;
}
