/* org_proposal.h: entries proposed by cluster managers (issue 11 §2).
 *
 * A manager who does not find an organisation in the directory proposes
 * it: the entry is written as a draft (hidden from the public and from
 * every list, search, sitemap, export and total, as drafts are) with an
 * org_proposal row saying who proposed it and when. The secretariat
 * accepts it (the entry is published) or declines it with a reason (it
 * stays a draft); either way the proposer is mailed the decision in their
 * language. A membership of the proposer's cluster can go with the
 * proposal: it becomes a membership proposal (membership.h) when the
 * entry is accepted, and then waits for the organisation's consent as any
 * other. The secretariat itself creates entries directly (org_create). */
#ifndef SCAN_ORG_PROPOSAL_H
#define SCAN_ORG_PROPOSAL_H

#include "model/org.h"
#include "model/principal.h"

typedef struct org_proposal {
    int64_t org_id;
    const char *slug, *name, *name_en; /* the entry as it is now */
    int64_t proposed_by, proposed_at;
    const char *proposer_name; /* NULL when erased */
    int64_t cluster_id;        /* 0: no membership goes with it */
    const char *cluster_name;  /* NULL when none */
    const char *joined_on;     /* with cluster_id: YYYY-MM-DD */
    const char *state;         /* proposed, accepted, declined */
    const char *reason;        /* the secretariat's, when declined */
    int64_t decided_by, decided_at;
} org_proposal;

/* *yes when person_id may propose entries: a current manager of a
 * cluster or cluster initiative. */
db_status org_proposal_may(db *d, int64_t person_id, bool *yes);

/* The clusters person_id manages now (summary records: id, slug, name),
 * for the membership that may go with a proposal (arena). */
db_status org_proposal_clusters(db *d, arena *a, int64_t person_id, org_rec **items, size_t *n);

/* Proposes entry in (validated as org_create; status forced to draft)
 * on behalf of p, who must manage a cluster (else DB_CONSTRAINT with
 * FE_SECRETARIAT_ONLY on "org"). With
 * cluster_id (one p manages, else FE_NOT_CLUSTER on "cluster_id"), the
 * entry is proposed as its member from joined_on (required, YYYY-MM-DD,
 * FE_DATE on "joined_on"). A kind that is a cluster's is the
 * secretariat's (FE_SECRETARIAT_ONLY on "kind"). One transaction: the
 * entry, its revision ("create"), the proposal row and the audit row
 * org_propose. DB_CONSTRAINT with errs on bad input, nothing written;
 * *id the new entry. */
db_status org_propose(db *d, const principal *p, const org_rec *in, int64_t cluster_id,
                      const char *joined_on, const char *ip, form_errors *errs, int64_t *id);

/* The proposal of entry org_id (arena); *found false when it has none. */
db_status org_proposal_get(db *d, arena *a, int64_t org_id, org_proposal *out, bool *found);

/* The proposals waiting for the secretariat, oldest first (at most 50). */
db_status org_proposals_pending(db *d, arena *a, org_proposal **items, size_t *n);

/* person_id's proposals: every pending one and those decided in the last
 * 90 days, newest first (at most 20). */
db_status org_proposals_by(db *d, arena *a, int64_t person_id, org_proposal **items, size_t *n);

/* The secretariat (p an editor or admin, else DB_CONSTRAINT with
 * FE_SECRETARIAT_ONLY on "org") accepts or
 * declines the pending proposal of org_id (DB_DONE when there is none).
 * Declining needs a reason (one line, 1..500 characters: FE_REQUIRED or
 * FE_LENGTH on "reason"). Accepting publishes the entry (revision
 * "publish") and turns the membership that went with it into a membership
 * proposal. Either way the proposal row records who and when, an audit
 * row org_proposal_accept / org_proposal_decline is written, and the
 * proposer is mailed the decision in their language (else lang). One
 * transaction. */
db_status org_proposal_decide(db *d, const principal *p, int64_t org_id, bool accept,
                              const char *reason, lang_id lang, const char *ip, form_errors *errs);

#endif
