/* readiness.h: the readiness check of a cluster or cluster initiative
 * (issue 15, "Initiatives and readiness").
 *
 * Nine criteria: the four of ECCP acceptance (a management team of at
 * least 0.5 FTE, an English website showing activity, at least 15
 * committed members, at least two types of member or a public body among
 * them) and SCAN's own five steps (legal entity, strategy written, yearly
 * figures reported, member fee scheme, services offered). Whatever the
 * data can tell is computed each time the check is read and never stored,
 * so it follows the data (a member leaves: the 15-member criterion turns
 * red at once). The rest is answered by the cluster's team or the
 * secretariat and stored (readiness_answer, 0019), one tx_write each with
 * its audit row. Who may read and answer: readiness_may (the cluster
 * pages' right, RIGHT_ORG_EDIT: the team and the secretariat). */
#ifndef SCAN_READINESS_H
#define SCAN_READINESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "model/principal.h"
#include "valid/valid.h"

/* The criteria in the order the page lists them. */
typedef enum {
    RD_TEAM_FTE,     /* ECCP: management team of at least 0.5 FTE */
    RD_WEBSITE_EN,   /* ECCP: an English website showing activity */
    RD_MEMBERS,      /* ECCP: at least 15 committed (accepted, current) members */
    RD_MEMBER_TYPES, /* ECCP: two types of member, or a public body among them */
    RD_LEGAL_ENTITY, /* SCAN: PIB or registration number recorded */
    RD_STRATEGY,     /* SCAN: a strategy written */
    RD_FIGURES,      /* SCAN: last complete year's figures covered */
    RD_FEE_SCHEME,   /* SCAN: a member fee scheme */
    RD_SERVICES,     /* SCAN: services offered to members */
    RD__COUNT
} readiness_criterion;

typedef enum { RD_STATE_UNANSWERED, RD_STATE_MET, RD_STATE_NOT_MET } readiness_state;

#define READINESS_MIN_MEMBERS   15
#define READINESS_MIN_FTE_MILLI 500

typedef struct readiness_item {
    readiness_criterion criterion;
    const char *code; /* team_fte, website_en, members, member_types, legal_entity,
                         strategy, figures, fee_scheme, services */
    readiness_state state;
    bool computed;                    /* from data, now; false: from a stored answer (or none) */
    bool answerable;                  /* the team may answer it (when the data cannot tell) */
    int64_t value;                    /* computed: members, member types, FTE thousandths,
                                         reported members; -1 when not a count */
    int64_t target;                   /* what value must reach; -1 when none */
    const char *url;                  /* answered website */
    const char *note;                 /* the answer's note, or NULL */
    int64_t answered_by, answered_at; /* 0 when computed or unanswered */
    const char *answered_by_name;     /* NULL when erased or none */
} readiness_item;

typedef struct readiness {
    int64_t org_id;
    readiness_item items[RD__COUNT];
    int n_met;             /* of RD__COUNT */
    const char *ready_for; /* the highest stage whose criteria are all met
                              (readiness_stage_of): initiative, emerging,
                              developing, established */
    const char *stage_now; /* the stage recorded in cluster_stage, or NULL */
    int figures_year;      /* the last complete year the figures criterion reads */
} readiness;

/* The criterion's code, and the criterion of a code (-1 when unknown). */
const char *readiness_code(readiness_criterion c);
int readiness_criterion_of(const char *code);

/* The stage the met criteria make a cluster ready for (pure; met is
 * indexed by readiness_criterion). The mapping, also on the page:
 *   initiative   always (where every cluster starts)
 *   emerging     legal entity, strategy written, two types of member
 *   developing   emerging's, and a team of 0.5 FTE, a member fee scheme,
 *                services offered, yearly figures reported
 *   established  all nine, with ECCP's 15 members and English website
 * Returns a string constant. */
const char *readiness_stage_of(const bool met[RD__COUNT]);

/* *yes when p may read and answer the check of cluster org_id: the rights
 * the cluster pages use (RIGHT_ORG_EDIT: its management team and the
 * secretariat). A read-only token reads like its owner. */
bool readiness_may_read(db *d, const principal *p, int64_t org_id);
bool readiness_may_answer(db *d, const principal *p, int64_t org_id);

/* Computes the check of cluster org_id as of now (strings in a). DB_DONE
 * when org_id is not a cluster or cluster initiative. */
db_status readiness_get(db *d, arena *a, int64_t org_id, readiness *out);

/* Progress only (n_met, ready_for) for lists: the same computation. */
db_status readiness_summary(db *d, arena *a, int64_t org_id, int *n_met, const char **ready_for);

/* Stores an answer for criterion code (team_fte, website_en, strategy,
 * fee_scheme, services; else FE_CHOICE on "criterion") of org_id:
 * met "yes" or "no" (FE_REQUIRED / FE_CHOICE on "met"); url (FV_URL,
 * http or https, at most 500 characters; required for website_en answered
 * "yes": FE_REQUIRED on "url"); note (one line, at most 500). One tx_write
 * with the audit row readiness_answer (entity org, org_id). The caller
 * checks readiness_may_answer. DB_CONSTRAINT with errs, nothing stored. */
db_status readiness_answer(db *d, int64_t org_id, const char *code, const char *met,
                           const char *url, const char *note, int64_t actor_id, const char *ip,
                           form_errors *errs);

#endif
