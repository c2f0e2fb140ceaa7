/* membership.h: cluster memberships by consent.
 *
 * A membership is a two-sided fact. What a cluster manager adds is a
 * proposal (cluster_member_proposal) until the organisation's
 * representative accepts it, or the secretariat confirms it (meant for
 * organisations without a representative); only then does it become a
 * cluster_member row, the one thing totals (figures.c) and rights
 * (rights.c) read. The secretariat's own additions are accepted at once
 * (cluster_member_add), and so is a manager's addition of an organisation
 * they represent themselves. A cluster, cluster initiative or cluster
 * association as a member is always the secretariat's decision.
 *
 * Every write is one transaction with its audit row (entity 'org', the
 * cluster's id; actions membership_propose, membership_accept,
 * membership_decline, membership_withdraw) and bumps figures_version and
 * directory_version. A proposal mails the organisation's current
 * representatives through the outbox in the same transaction, in English
 * and Serbian (people have no stored language). Errors go into form_errors
 * under the parameter names (cluster_id, org_id, role, joined_on, reason,
 * id) with DB_CONSTRAINT and nothing written; errs may be NULL.
 *
 * Who may call what is the caller's check (rights_can): RIGHT_MEMBERS_EDIT
 * on the cluster to propose and withdraw, RIGHT_MEMBERSHIP_DECIDE on the
 * organisation to accept and decline. */
#ifndef SCAN_MEMBERSHIP_H
#define SCAN_MEMBERSHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "valid/valid.h"
#include "model/principal.h"

typedef struct membership_proposal {
    int64_t id, cluster_id, org_id;
    const char *cluster_slug, *cluster_name, *org_slug, *org_name, *org_kind;
    const char *role;      /* member, founding_member, board */
    const char *joined_on; /* YYYY-MM-DD, may be in the past */
    const char *status;    /* pending, accepted, declined, withdrawn */
    int64_t proposed_by, proposed_at, decided_by, decided_at;
    const char *proposer_name; /* NULL when erased or the system */
    const char *reason;        /* NULL when none given */
    bool org_has_rep;          /* the organisation has a current representative */
} membership_proposal;

typedef enum {
    MEMBERSHIP_ADDED,    /* a cluster_member row now exists (accepted at once) */
    MEMBERSHIP_PROPOSED, /* a pending proposal waits for the organisation */
} membership_outcome;

/* Adds org_id to cluster_id (role NULL = member, joined_on NULL = today) on
 * behalf of p, who has RIGHT_MEMBERS_EDIT on the cluster. The secretariat
 * (p->secretariat editor or admin) and a proposer who represents org_id
 * add at once (*outcome MEMBERSHIP_ADDED, *id the cluster_member id);
 * anyone else proposes (*outcome MEMBERSHIP_PROPOSED, *id the proposal id)
 * and the organisation's representatives are mailed, with a link to
 * base_url + "/account#proposals" when base_url is not NULL. Refusals as
 * cluster_member_add's, plus FE_MEMBER_SECRETARIAT on org_id when a
 * non-secretariat proposes a cluster, cluster initiative or cluster
 * association, and FE_ALREADY_PROPOSED on org_id when the same pair has a
 * pending proposal. An org that is not published (draft, archived, or a
 * proposed entry not yet accepted) is refused as one that does not exist
 * (FE_INVALID on org_id), whoever asks. outcome and id may be NULL. */
db_status membership_propose(db *d, const principal *p, int64_t cluster_id, int64_t org_id,
                             const char *role, const char *joined_on, const char *ip,
                             const char *base_url, form_errors *errs, membership_outcome *outcome,
                             int64_t *id);

/* membership_propose's proposal path inside the caller's open write
 * transaction, for a write that proposes memberships as one of its steps
 * (an accepted cluster initiative proposes its founding organisations,
 * initiative.c): the same checks (a non-secretariat proposer: a cluster
 * kind is refused), the pending proposal by proposer_id, its audit row
 * membership_propose and the mail to the organisation's representatives;
 * never accepted at once, so the organisation still consents (or the
 * secretariat confirms when it has no representative). DB_CONSTRAINT with
 * errs when the pair is refused (the caller decides whether that undoes
 * its write). */
db_status membership_propose_tx(db *d, int64_t proposer_id, int64_t cluster_id, int64_t org_id,
                                const char *role, const char *joined_on, const char *base_url,
                                form_errors *errs);

/* Accepts pending proposal id on behalf of p (who has
 * RIGHT_MEMBERSHIP_DECIDE on its organisation): inserts the cluster_member
 * row with proposed_by, accepted_by = p and accepted_at = now, and marks
 * the proposal accepted. DB_DONE when there is no proposal id;
 * DB_CONSTRAINT with FE_NOT_PENDING on id when it was decided or withdrawn,
 * FE_MEMBER_SECRETARIAT on org_id when the organisation is a cluster kind
 * and p is not the secretariat, FE_ALREADY_MEMBER on org_id when a
 * membership overlapping it was recorded meanwhile, FE_NOT_PUBLISHED on
 * org_id when the organisation is not (or no longer) published. */
db_status membership_accept(db *d, const principal *p, int64_t id, const char *ip,
                            form_errors *errs);
/* Declines pending proposal id; reason optional (one line, at most 500
 * characters, else FE_TOO_LONG / FE_CONTROL_CHARS / FE_INVALID on
 * reason). DB_DONE and FE_NOT_PENDING as membership_accept. */
db_status membership_decline(db *d, const principal *p, int64_t id, const char *reason,
                             const char *ip, form_errors *errs);
/* Withdraws pending proposal id of cluster_id (the cluster's manager or the
 * secretariat). DB_DONE when there is no such proposal of that cluster,
 * DB_CONSTRAINT (FE_NOT_PENDING on id) when it is no longer pending. */
db_status membership_withdraw(db *d, int64_t cluster_id, int64_t id, int64_t actor_id,
                              const char *ip, form_errors *errs);

/* One proposal by id (arena); *found false when none. */
db_status membership_get(db *d, arena *a, int64_t id, membership_proposal *out, bool *found);
/* The pending proposals of a cluster, oldest first (arena). */
db_status membership_pending_of_cluster(db *d, arena *a, int64_t cluster_id,
                                        membership_proposal **items, size_t *n);
/* The pending proposals p may decide, oldest first (arena): those for the
 * organisations p currently represents and, for the secretariat, those
 * for organisations without a current representative. */
db_status membership_pending_for(db *d, arena *a, const principal *p, membership_proposal **items,
                                 size_t *n);

#endif
