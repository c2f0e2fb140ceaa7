/* rights.c: who may do what (see rights.h for the table).
 *
 * The secretariat roles come with the principal (auth.c fills them from
 * the account); everything else is derived here, on every call, from the
 * person's current affiliations joined with current cluster memberships,
 * so ending an affiliation or a membership takes its rights away at once.
 * Pages and endpoints ask rights_can() and nothing else decides. */
#include "model/rights.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/timeutil.h"

bool rights_is_write(right action)
{
    switch (action) {
    case RIGHT_VIEW_MEMBERS:
    case RIGHT_VIEW_SCAN_ONLY:
    case RIGHT_AUDIT_VIEW:
    case RIGHT_POSITION_TAKE_PART: /* reading; its comments are session forms */
        return false;
    case RIGHT_ORG_CREATE:
    case RIGHT_ORG_EDIT:
    case RIGHT_ORG_DELETE:
    case RIGHT_MEMBERS_EDIT:
    case RIGHT_FIGURES_EDIT:
    case RIGHT_FIGURES_VERIFY:
    case RIGHT_INVITE:
    case RIGHT_USERS_MANAGE:
    case RIGHT_MEMBERSHIP_DECIDE:
    case RIGHT_POST_WRITE:
    case RIGHT_POST_HIDE:
    case RIGHT_ADVOCACY_RECORD:
    case RIGHT_ADVOCACY_MANAGE:
    case RIGHT_AGREEMENT_EDIT:
    case RIGHT_PROJECT_EDIT:
    case RIGHT_POSITION_WRITE:
    case RIGHT_POSITION_SIGN:
    case RIGHT_POSITION_WITHDRAW:
    case RIGHT_NEWS_WRITE:
    case RIGHT_NEWSLETTER:
    case RIGHT_CALL_EDIT:
    case RIGHT_TIE_CONFIRM:
    case RIGHT_INTEREST_DECIDE:
        return true;
    }
    return true; /* an unknown action is treated as the stricter kind */
}

/* The secretariat editor's column of the table. */
static bool editor_may(right action)
{
    switch (action) {
    case RIGHT_VIEW_MEMBERS:
    case RIGHT_VIEW_SCAN_ONLY:
    case RIGHT_ORG_CREATE:
    case RIGHT_ORG_EDIT:
    case RIGHT_MEMBERS_EDIT:
    case RIGHT_FIGURES_EDIT:
    case RIGHT_FIGURES_VERIFY:
    case RIGHT_MEMBERSHIP_DECIDE:
    case RIGHT_POST_HIDE:
    case RIGHT_ADVOCACY_RECORD:
    case RIGHT_ADVOCACY_MANAGE:
    case RIGHT_AGREEMENT_EDIT:
    case RIGHT_PROJECT_EDIT:
    case RIGHT_POSITION_WRITE:
    case RIGHT_POSITION_TAKE_PART:
    case RIGHT_NEWS_WRITE:
    case RIGHT_NEWSLETTER:
    case RIGHT_CALL_EDIT:
    case RIGHT_TIE_CONFIRM:
        return true;
    case RIGHT_ORG_DELETE:
    case RIGHT_INVITE:
    case RIGHT_POST_WRITE:
    case RIGHT_POSITION_SIGN:
    case RIGHT_POSITION_WITHDRAW:
    case RIGHT_INTEREST_DECIDE:
    case RIGHT_USERS_MANAGE:
    case RIGHT_AUDIT_VIEW:
        return false;
    }
    return false;
}

/* Any current affiliation at all. */
static const char SQL_ANY_AFFILIATION[] =
    "SELECT 1 FROM affiliation WHERE person_id = $1 AND ended_at IS NULL LIMIT 1";

/* Anyone represents organisation $1 now. */
static const char SQL_HAS_REPRESENTATIVE[] =
    "SELECT 1 FROM affiliation WHERE org_id = $1 AND role = 'representative'"
    "   AND ended_at IS NULL LIMIT 1";
/* Organisation $1 is of a kind whose managers have rights. */
static const char SQL_TAKES_MANAGERS[] =
    "SELECT 1 FROM org WHERE id = $1 AND kind IN " RIGHTS_CLUSTER_KINDS;
/* The secretariat role of a person's account. */
static const char SQL_PERSON_SECRETARIAT[] =
    "SELECT coalesce(a.secretariat, '') FROM account a JOIN person p ON p.id = a.person_id"
    " WHERE a.person_id = $1 AND a.disabled_at IS NULL AND p.erased_at IS NULL";

/* A person of a SCAN cluster (RIGHT_VIEW_SCAN_ONLY, RIGHT_POSITION_TAKE_PART):
 * a current manager or representative affiliation with a cluster whose
 * SCAN status in force on $2 is member or founder, or a representative of
 * a current member (on $2) of such a cluster. An affiliation with an
 * organisation outside every SCAN cluster (a donor, a company outside)
 * is not. */
#define SCAN_NOW(col)                                                                              \
    "EXISTS (SELECT 1 FROM scan_membership s WHERE s.org_id = " col " AND s.since <= $2"           \
    " AND s.status IN ('member', 'founder') AND s.id = (SELECT x.id FROM scan_membership x"        \
    " WHERE x.org_id = s.org_id AND x.since <= $2 ORDER BY x.since DESC, x.id DESC LIMIT 1))"
static const char SQL_SCAN_PERSON[] =
    "SELECT 1 FROM affiliation a WHERE a.person_id = $1 AND a.ended_at IS NULL"
    " AND (" SCAN_NOW("a.org_id") " OR (a.role = 'representative' AND EXISTS ("
                                  "  SELECT 1 FROM cluster_member m WHERE m.org_id = a.org_id AND "
                                  "m.joined_on <= $2"
                                  "  AND (m.left_on IS NULL OR m.left_on > $2) AND " SCAN_NOW(
                                      "m.cluster_id") ")))"
                                                      " LIMIT 1";

/* Organisation $1 is a cluster in SCAN on $2, or a current member of one:
 * those are who sign positions (RIGHT_POSITION_SIGN). An institution the
 * position addresses, or a company outside every SCAN cluster, is not,
 * even when someone who speaks for it also takes part through another
 * affiliation. */
static const char SQL_SCAN_SIGNER[] = "SELECT 1 FROM org o WHERE o.id = $1 AND (" SCAN_NOW(
    "o.id") " OR EXISTS ("
            "  SELECT 1 FROM cluster_member m WHERE m.org_id = o.id AND m.joined_on <= $2"
            "  AND (m.left_on IS NULL OR m.left_on > $2) AND " SCAN_NOW("m.cluster_id") "))";

/* A current representative affiliation with organisation $2. */
static const char SQL_REPRESENTS[] =
    "SELECT 1 FROM affiliation"
    " WHERE person_id = $1 AND org_id = $2 AND role = 'representative'"
    "   AND ended_at IS NULL LIMIT 1";

/* A current affiliation that lets $1 lead a project (RIGHT_PROJECT_EDIT with
 * org 0): representative of an entry, or manager of a cluster, that a
 * project may name (published or archived, as project_resolve_org). */
static const char SQL_MAY_LEAD[] =
    "SELECT 1 FROM affiliation a JOIN org o ON o.id = a.org_id"
    " WHERE a.person_id = $1 AND a.ended_at IS NULL AND o.status IN ('published', 'archived')"
    "   AND (a.role = 'representative'"
    "        OR (a.role = 'manager' AND o.kind IN " RIGHTS_CLUSTER_KINDS ")) LIMIT 1";

/* A current manager affiliation with a cluster that is $2 itself or, when
 * $3 is 1, has $2 as a current member on date $4 ('YYYY-MM-DD', Belgrade).
 * For one year (rights_can_year) $5 is the next year's first day and $6 the
 * Unix time it starts in Belgrade: the membership must have been joined and
 * accepted before then (accepted_at NULL: recorded by the system). With $7
 * = 1 a member that is itself a cluster kind or a cluster association does
 * not count (invitations). Every cluster_member row is an accepted
 * membership; proposals live in cluster_member_proposal. */
static const char SQL_MANAGES[] =
    "SELECT 1 FROM affiliation a JOIN org c ON c.id = a.org_id"
    " WHERE a.person_id = $1 AND a.role = 'manager' AND a.ended_at IS NULL"
    "   AND c.kind IN " RIGHTS_CLUSTER_KINDS "   AND (c.id = $2 OR ($3 = 1 AND EXISTS ("
    "        SELECT 1 FROM cluster_member m"
    "         WHERE m.cluster_id = c.id AND m.org_id = $2 AND m.joined_on <= $4"
    "           AND (m.left_on IS NULL OR m.left_on > $4)"
    "           AND ($5 IS NULL OR (m.joined_on < $5"
    "                AND (m.accepted_at IS NULL OR m.accepted_at < $6))))"
    "        AND ($7 = 0 OR NOT EXISTS (SELECT 1 FROM org o WHERE o.id = $2"
    "            AND o.kind IN ('cluster', 'cluster_initiative', 'cluster_association')))))"
    " LIMIT 1";

/* The first year a manager's membership right over $2 opens: for every
 * current membership of $2 (on $3) in a cluster the person $1 manages, the
 * later of its joining year and its acceptance year (Belgrade; none for a
 * row recorded by the system), and the earliest of those. NULL when there
 * is none. The rule of SQL_MANAGES with $5/$6, as one number. */
static const char SQL_MEMBER_FROM[] =
    "SELECT min(max(CAST(substr(m.joined_on, 1, 4) AS INTEGER),"
    "               coalesce(CAST(strftime('%Y', m.accepted_at, 'unixepoch', 'localtime')"
    "                             AS INTEGER), 0)))"
    "  FROM affiliation a JOIN org c ON c.id = a.org_id"
    "  JOIN cluster_member m ON m.cluster_id = c.id"
    " WHERE a.person_id = $1 AND a.role = 'manager' AND a.ended_at IS NULL"
    "   AND c.kind IN " RIGHTS_CLUSTER_KINDS " AND m.org_id = $2"
    "   AND m.joined_on <= $3 AND (m.left_on IS NULL OR m.left_on > $3)";

/* What SQL_MANAGES needs besides the person and the organisation. */
typedef struct manages_opts {
    bool members;       /* $3: C's members count too */
    const char *today;  /* $4 */
    const char *before; /* $5: 'YYYY-MM-DD', NULL for any year */
    int64_t before_at;  /* $6 */
    bool plain_members; /* $7: members that are clusters do not count */
} manages_opts;

/* Runs one of the queries above; *yes when it returns a row. m is NULL for
 * the queries that take only $1 and $2. */
static const char SQL_PROPOSER[] = "SELECT 1 FROM org_proposal"
                                   " WHERE proposed_by = $1 AND org_id = $2 AND state = 'proposed'";

static db_status ask(db *d, const char *sql, int64_t person_id, int64_t org_id,
                     const manages_opts *m, bool *yes)
{
    *yes = false;
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, person_id);
    if (org_id)
        db_bind_int(s, 2, org_id);
    if (m) {
        db_bind_int(s, 3, m->members ? 1 : 0);
        db_bind_text(s, 4, m->today);
        db_bind_text(s, 5, m->before);
        if (m->before)
            db_bind_int(s, 6, m->before_at);
        db_bind_int(s, 7, m->plain_members ? 1 : 0);
    }
    db_status st = db_step(s);
    db_reset(s);
    if (st == DB_ROW)
        *yes = true;
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* The first day of year + 1 as 'YYYY-MM-DD' and the Unix time it starts in
 * Belgrade (the process's zone). */
static void year_end(int year, char out[11], int64_t *at)
{
    struct tm tm = {.tm_year = year + 1 - 1900, .tm_mon = 0, .tm_mday = 1, .tm_isdst = -1};
    *at = (int64_t)mktime(&tm);
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-01-01", (year + 1) % 10000);
    memcpy(out, tmp, 10);
    out[10] = '\0';
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
    return rights_can_year(d, p, action, org_id, 0);
}

bool rights_can_year(db *d, const principal *p, right action, int64_t org_id, int year)
{
    assert(d);
    if (!p)
        return false; /* the public: reading public pages needs no right */
    if (p->token_id && !p->token_write && rights_is_write(action))
        return false;
    /* a membership is the organisation's to accept: the secretariat
     * decides only for an organisation that has nobody to speak for it */
    if (action == RIGHT_MEMBERSHIP_DECIDE && p->secretariat != SEC_NONE) {
        int64_t has = 0;
        if (!org_id || db_int(d, &has, 0, SQL_HAS_REPRESENTATIVE, DB_ARGS(DBI(org_id))) != DB_OK)
            return false;
        if (!has)
            return true;
        /* else as anyone: only if they represent it themselves */
    } else if (action == RIGHT_POSITION_SIGN || action == RIGHT_POSITION_WITHDRAW ||
               action == RIGHT_INTEREST_DECIDE) {
        /* no role signs for an organisation, nor accepts an introduction
         * (revealing contacts) on its behalf: only its own people (below) */
    } else if (p->secretariat == SEC_ADMIN) {
        return true;
    } else if (p->secretariat == SEC_EDITOR && editor_may(action)) {
        return true;
    }

    db_status st = DB_OK;
    bool yes = false;
    char today[11], before[11];
    manages_opts m = {.today = today};
    switch (action) {
    case RIGHT_VIEW_MEMBERS:
        st = ask(d, SQL_ANY_AFFILIATION, p->person_id, 0, NULL, &yes);
        break;
    case RIGHT_VIEW_SCAN_ONLY: {
        int64_t v = 0;
        today_belgrade(today);
        st = db_int(d, &v, 0, SQL_SCAN_PERSON, DB_ARGS(DBI(p->person_id), DBT(today)));
        yes = v != 0;
        break;
    }
    case RIGHT_ORG_EDIT:     /* manager of C: C; representative of O: O */
    case RIGHT_FIGURES_EDIT: /* manager of C: C and its members; representative: O */
        if (!org_id)
            break;
        st = ask(d, SQL_REPRESENTS, p->person_id, org_id, NULL, &yes);
        if (st != DB_OK || yes)
            break;
        /* a proposer edits their proposed entry until it is decided */
        if (action == RIGHT_ORG_EDIT &&
            ((st = ask(d, SQL_PROPOSER, p->person_id, org_id, NULL, &yes)) != DB_OK || yes))
            break;
        today_belgrade(today);
        m.members = action == RIGHT_FIGURES_EDIT;
        if (m.members && year > 0) {
            year_end(year, before, &m.before_at);
            m.before = before;
        }
        st = ask(d, SQL_MANAGES, p->person_id, org_id, &m, &yes);
        break;
    case RIGHT_INVITE:          /* manager of C: C; representative of O: O */
    case RIGHT_POST_WRITE:      /* the same: a post speaks for O */
    case RIGHT_INTEREST_DECIDE: /* the same: the author's side accepts */
    case RIGHT_PROJECT_EDIT:    /* the same, O the project's lead */
    case RIGHT_TIE_CONFIRM:     /* the same: O's word on a tie naming it */
        /* RIGHT_PROJECT_EDIT on org 0: may lead some project */
        if (!org_id && action == RIGHT_PROJECT_EDIT)
            st = ask(d, SQL_MAY_LEAD, p->person_id, 0, NULL, &yes);
        if (!org_id)
            break;
        st = ask(d, SQL_REPRESENTS, p->person_id, org_id, NULL, &yes);
        if (st != DB_OK || yes)
            break;
        today_belgrade(today);
        st = ask(d, SQL_MANAGES, p->person_id, org_id, &m, &yes);
        break;
    case RIGHT_MEMBERS_EDIT:    /* manager of C: C */
    case RIGHT_ADVOCACY_RECORD: /* manager of the owner C: its positions */
    case RIGHT_AGREEMENT_EDIT:  /* the same: agreements C is party to */
    case RIGHT_NEWS_WRITE:      /* the same: news for C (0, SCAN's own: the secretariat) */
        if (!org_id)
            break;
        today_belgrade(today);
        st = ask(d, SQL_MANAGES, p->person_id, org_id, &m, &yes);
        break;
    case RIGHT_POSITION_WRITE: /* manager of C: C */
        if (!org_id)
            break;
        today_belgrade(today);
        st = ask(d, SQL_MANAGES, p->person_id, org_id, &m, &yes);
        break;
    case RIGHT_POSITION_WITHDRAW: /* manager of C: C; representative of O: O */
    case RIGHT_POSITION_SIGN: {   /* the same, and to sign C or O in SCAN today */
        if (!org_id)
            break;
        today_belgrade(today);
        st = ask(d, SQL_REPRESENTS, p->person_id, org_id, NULL, &yes);
        if (st == DB_OK && !yes)
            st = ask(d, SQL_MANAGES, p->person_id, org_id, &m, &yes);
        /* a withdrawal stays open to an organisation that left SCAN since */
        if (st != DB_OK || !yes || action == RIGHT_POSITION_WITHDRAW)
            break;
        int64_t v = 0;
        st = db_int(d, &v, 0, SQL_SCAN_SIGNER, DB_ARGS(DBI(org_id), DBT(today)));
        yes = v != 0;
        break;
    }
    case RIGHT_POSITION_TAKE_PART: {
        today_belgrade(today);
        db_stmt *s = db_query(d, SQL_SCAN_PERSON, DB_ARGS(DBI(p->person_id), DBT(today)));
        st = s ? db_step(s) : DB_ERR;
        if (s)
            db_reset(s);
        yes = st == DB_ROW;
        if (st == DB_ROW || st == DB_DONE)
            st = DB_OK;
        break;
    }
    case RIGHT_MEMBERSHIP_DECIDE: /* representative of O: O */
        if (org_id)
            st = ask(d, SQL_REPRESENTS, p->person_id, org_id, NULL, &yes);
        break;
    case RIGHT_ORG_CREATE:
    case RIGHT_ORG_DELETE:
    case RIGHT_FIGURES_VERIFY:
    case RIGHT_USERS_MANAGE:
    case RIGHT_AUDIT_VIEW:
    case RIGHT_POST_HIDE:
    case RIGHT_ADVOCACY_MANAGE:
    case RIGHT_NEWSLETTER:
    case RIGHT_CALL_EDIT:
        break; /* secretariat only */
    }
    if (st != DB_OK) {
        log_error("rights_can(%d, %lld): %s: %s", (int)action, (long long)org_id,
                  db_status_name(st), db_errmsg(d));
        return false;
    }
    return yes;
}

db_status rights_org_has_representative(db *d, int64_t org_id, bool *yes)
{
    int64_t has = 0;
    db_status st = db_int(d, &has, 0, SQL_HAS_REPRESENTATIVE, DB_ARGS(DBI(org_id)));
    *yes = has != 0;
    return st;
}

db_status rights_org_takes_managers(db *d, int64_t org_id, bool *yes)
{
    assert(d && yes);
    int64_t takes = 0;
    db_status st = db_int(d, &takes, 0, SQL_TAKES_MANAGERS, DB_ARGS(DBI(org_id)));
    *yes = st == DB_OK && takes != 0;
    return st;
}

bool rights_person_can(db *d, int64_t person_id, right action, int64_t org_id)
{
    assert(d);
    if (!person_id)
        return false;
    db_stmt *s = db_query(d, SQL_PERSON_SECRETARIAT, DB_ARGS(DBI(person_id)));
    if (!s)
        return false;
    db_status st = db_step(s);
    principal p = {.person_id = person_id};
    bool found = st == DB_ROW;
    if (found) {
        const char *sec = db_col_text(s, 0);
        p.secretariat = sec && strcmp(sec, "admin") == 0    ? SEC_ADMIN
                        : sec && strcmp(sec, "editor") == 0 ? SEC_EDITOR
                                                            : SEC_NONE;
    }
    db_reset(s);
    return found && rights_can(d, &p, action, org_id);
}

int rights_figures_first_year(db *d, const principal *p, int64_t org_id)
{
    assert(d);
    if (!rights_can(d, p, RIGHT_FIGURES_EDIT, org_id))
        return -1;
    if (p->secretariat >= SEC_EDITOR)
        return 0; /* rights_can said yes: a write-capable secretariat */
    bool yes = false;
    db_status st = ask(d, SQL_REPRESENTS, p->person_id, org_id, NULL, &yes);
    char today[11];
    manages_opts own = {.today = today};
    today_belgrade(today);
    if (st == DB_OK && !yes) /* manager of org_id itself: every year */
        st = ask(d, SQL_MANAGES, p->person_id, org_id, &own, &yes);
    if (st == DB_OK && yes)
        return 0;
    int first = -1;
    db_stmt *s = st == DB_OK ? db_prepare(d, SQL_MEMBER_FROM) : NULL;
    if (s) {
        db_bind_int(s, 1, p->person_id);
        db_bind_int(s, 2, org_id);
        db_bind_text(s, 3, today);
        st = db_step(s);
        if (st == DB_ROW && !db_col_is_null(s, 0))
            first = (int)db_col_int(s, 0);
        db_reset(s);
        st = st == DB_ROW || st == DB_DONE ? DB_OK : st;
    } else {
        st = DB_ERR;
    }
    if (st != DB_OK) {
        log_error("rights_figures_first_year(%lld): %s: %s", (long long)org_id, db_status_name(st),
                  db_errmsg(d));
        return -1;
    }
    return first;
}
