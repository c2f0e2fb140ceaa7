/* rights.h: the one function that says who may do what.
 *
 * Rights are derived when asked, never copied: from the principal's
 * secretariat role and from current affiliations (manager of a cluster,
 * representative of an organisation) joined with current cluster
 * memberships. An affiliation or membership that ends takes its rights
 * with it at once. Pages, endpoints and the permission-matrix test all
 * ask rights_can(); nothing else decides.
 *
 *   action                admin editor  manager of C       representative of O
 *   RIGHT_VIEW_MEMBERS    yes   yes     yes                yes (any current affiliation)
 *   RIGHT_VIEW_SCAN_ONLY  yes   yes     yes (a cluster's)  O a current member of a cluster
 *   RIGHT_ORG_CREATE      yes   yes     no                 no
 *   RIGHT_ORG_EDIT        yes   yes     C                  O
 *   RIGHT_ORG_DELETE      yes   no      no                 no
 *   RIGHT_MEMBERS_EDIT    yes   yes     C                  no
 *   RIGHT_FIGURES_EDIT    yes   yes     C and C's members* O
 *   RIGHT_FIGURES_VERIFY  yes   yes     no                 no
 *   RIGHT_INVITE          yes   no      C                  O (colleagues)
 *   RIGHT_USERS_MANAGE    yes   no      no                 no
 *   RIGHT_AUDIT_VIEW      yes   no      no                 no
 *   RIGHT_MEMBERSHIP_DECIDE  ***         no                 O
 *   RIGHT_POST_WRITE      yes   no      C                  O (cooperation posts for it)
 *   RIGHT_POST_HIDE       yes   yes     no                 no
 *   RIGHT_INTEREST_DECIDE no    no      C                  O (introductions to O's posts)
 *   RIGHT_ADVOCACY_RECORD yes   yes     C (owner)          no
 *   RIGHT_ADVOCACY_MANAGE yes   yes     no                 no
 *   RIGHT_AGREEMENT_EDIT  yes   yes     C (org 0: no)      no
 *   RIGHT_PROJECT_EDIT    yes   yes     C                  O (O, C: the project's lead;
 *                                                            org 0: of any entry, so may
 *                                                            start one)
 *   RIGHT_POSITION_WRITE  yes   yes     C                  no   (positions owned by C)
 *   RIGHT_POSITION_TAKE_PART yes yes    C in SCAN**        O member of a SCAN cluster**
 *   RIGHT_POSITION_SIGN   no    no      C in SCAN          O member of a SCAN cluster
 *   RIGHT_POSITION_WITHDRAW no  no      C                  O    (in SCAN or not any more)
 *
 * ** RIGHT_POSITION_TAKE_PART (org_id 0): reading positions before they
 * are submitted and commenting during consultation: the secretariat, the
 * managers of clusters whose SCAN status in force today is member or
 * founder, and the representatives of such clusters' current members.
 * RIGHT_POSITION_SIGN is the only right the secretariat does not have
 * by its role: a signature speaks for C or O, so only C's manager or O's
 * representative gives it, and only for a cluster in SCAN today or a
 * current member of one (the same "in force" rule): an institution the
 * position addresses never co-signs through a person who also takes part
 * for a member company. The same right says for whom a comment speaks.
 *   RIGHT_NEWS_WRITE      yes   yes     C (org_id 0: SCAN's own news: the secretariat only)
 *   RIGHT_NEWSLETTER      yes   yes     no                 no (compose, send, see subscribers)
 *   RIGHT_CALL_EDIT       yes   yes     no                 no (funding calls)
 *   RIGHT_TIE_CONFIRM     yes   yes     C                  O (confirm or decline being named
 *                                                          a party or participant: 0035)
 *
 * *** the secretariat only for an organisation without a representative:
 * a membership is the organisation's to accept. Who represents an
 * organisation is its own or the secretariat's decision, never a cluster
 * manager's (an invitation from a manager for a member company let the
 * manager make himself its representative and consent in its name), and
 * an invitation grants its role only while the inviter still has the
 * right to invite for it (checked again when it is accepted).
 *
 * "C's members" are organisations with a current cluster_member row in C.
 * Only accepted memberships are cluster_member rows: a manager's addition
 * is a proposal (cluster_member_proposal, membership.h) until O's
 * representative accepts it (RIGHT_MEMBERSHIP_DECIDE) or the secretariat
 * confirms it, so no right ever comes from a membership O did not accept.
 * * For one year Y (rights_can_year) a manager's figures right over a
 *   member covers Y only from the later of the year of joined_on and the
 *   year (Belgrade) of accepted_at on: a backdated joining date never
 *   reaches back before the acceptance. Rows with accepted_at NULL were
 *   recorded by the system before consent existed (migrated databases,
 *   demo data) and count from joined_on. rights_can (no year) says
 *   whether any year is open.
 * A read-only API token never has a write right. */
#ifndef SCAN_RIGHTS_H
#define SCAN_RIGHTS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "model/principal.h"

typedef enum {
    RIGHT_VIEW_MEMBERS,
    RIGHT_VIEW_SCAN_ONLY, /* what is for the people of SCAN clusters (members-only posts) */
    RIGHT_ORG_CREATE,
    RIGHT_ORG_EDIT,
    RIGHT_ORG_DELETE,
    RIGHT_MEMBERS_EDIT,
    RIGHT_FIGURES_EDIT,
    RIGHT_FIGURES_VERIFY,
    RIGHT_INVITE,
    RIGHT_USERS_MANAGE,
    RIGHT_AUDIT_VIEW,
    RIGHT_MEMBERSHIP_DECIDE,  /* accept or decline a proposed cluster membership of O */
    RIGHT_POST_WRITE,         /* publish, change and close cooperation posts for O */
    RIGHT_POST_HIDE,          /* hide anyone's cooperation post (the secretariat) */
    RIGHT_ADVOCACY_RECORD,    /* record a position's submissions, answers, follow-up meetings
                                 (org_id: the position's owner) */
    RIGHT_ADVOCACY_MANAGE,    /* consultations tracker, meetings with institutions (the
                                 secretariat) */
    RIGHT_AGREEMENT_EDIT,     /* agreements C is party to (org 0: any, the secretariat) */
    RIGHT_PROJECT_EDIT,       /* create and change joint projects led by O (project.h) */
    RIGHT_POSITION_WRITE,     /* write, version and move the positions owned by O */
    RIGHT_POSITION_TAKE_PART, /* read unsubmitted positions and comment (org_id 0) */
    RIGHT_POSITION_SIGN,      /* sign a position on behalf of O */
    RIGHT_POSITION_WITHDRAW,  /* withdraw O's signature (O may have left SCAN since) */
    RIGHT_NEWS_WRITE,         /* publish and withdraw news for cluster C (0: SCAN's own) */
    RIGHT_NEWSLETTER,         /* compose and send the newsletter, see its subscribers */
    RIGHT_CALL_EDIT,          /* enter, change, withdraw and import funding calls */
    RIGHT_TIE_CONFIRM,        /* speak for O on an agreement or project naming it */
    RIGHT_INTEREST_DECIDE,    /* accept or decline an introduction to a post of O: the
                                 author's side only, never the secretariat by its role */
} right;

/* The rules above as SQL, for lists that must show exactly what
 * rights_can lets a person open (a list that showed more sent people to a
 * 404: agreement.c's lists named every "manager" affiliation with a party
 * as speaking for it, while a manager speaks only for a cluster). F is an
 * affiliation's alias, O the alias of its organisation's org row; the
 * secretariat is the caller's to add.
 *   RIGHTS_SQL_SPEAKS: F lets its person speak for O now
 *     (RIGHT_TIE_CONFIRM): O's representative, or O's manager when O is
 *     a cluster or a cluster initiative.
 *   RIGHTS_SQL_MANAGES: F makes its person manager of cluster O now
 *     (RIGHT_AGREEMENT_EDIT, RIGHT_MEMBERS_EDIT on O itself). */
#define RIGHTS_CLUSTER_KINDS "('cluster', 'cluster_initiative')"
#define RIGHTS_SQL_SPEAKS(F, O)                                                                    \
    "(" F ".ended_at IS NULL AND (" F ".role = 'representative' OR (" F ".role = 'manager'"        \
    " AND " O ".kind IN " RIGHTS_CLUSTER_KINDS ")))"
#define RIGHTS_SQL_MANAGES(F, O)                                                                   \
    "(" F ".ended_at IS NULL AND " F ".role = 'manager' AND " O ".kind IN " RIGHTS_CLUSTER_KINDS ")"

/* True when p (NULL: the public) may do action on organisation org_id (0
 * when the action is not about one organisation). A database error counts
 * as "no" and is logged. Memberships are current when left_on is NULL or
 * after today's date in Belgrade. */
bool rights_can(db *d, const principal *p, right action, int64_t org_id);

/* As rights_can, for one calendar year of an organisation's data: for
 * RIGHT_FIGURES_EDIT a manager's right over a member of their cluster
 * holds only for years from the later of the membership's joining year and
 * its acceptance year on (see the table). year 0 is rights_can. */
bool rights_can_year(db *d, const principal *p, right action, int64_t org_id, int year);

/* The first year p may change the figures of org_id, by the same rules as
 * rights_can_year(RIGHT_FIGURES_EDIT): 0 for every year, -1 for none (or a
 * database error, logged), else the year from which on. One call answers
 * every year of an organisation (the figures import asks once per
 * organisation, not once per row). */
int rights_figures_first_year(db *d, const principal *p, int64_t org_id);

/* rights_can for a person by id (their account's secretariat role, no
 * token), for checks made on their behalf later: an invitation accepted
 * after its sender lost the right grants nothing. False for a disabled or
 * erased person. */
bool rights_person_can(db *d, int64_t person_id, right action, int64_t org_id);

/* Whether organisation org_id has managers: a "manager" affiliation gives
 * rights only with a cluster or a cluster initiative (RIGHTS_CLUSTER_KINDS;
 * RIGHTS_SQL_SPEAKS, RIGHTS_SQL_MANAGES), so one is granted only there
 * (person_affiliation_set, auth_invite; a representative speaks for any
 * organisation). *yes false for any other kind and for no such
 * organisation. A manager affiliation recorded before this rule, or with
 * an entry whose kind changed since, stays and still gives nothing. */
db_status rights_org_takes_managers(db *d, int64_t org_id, bool *yes);

/* Whether anyone represents organisation org_id now (then it decides its
 * memberships itself; else the secretariat does). */
db_status rights_org_has_representative(db *d, int64_t org_id, bool *yes);

/* Whether the action writes (read-only tokens never get these). */
bool rights_is_write(right action);

#endif
