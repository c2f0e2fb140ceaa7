/* initiative.h: cluster initiatives started by anyone logged in (issue 15,
 * "Initiatives and readiness").
 *
 * An initiative is a directory entry of kind cluster_initiative that goes
 * the way of an entry a cluster manager proposes (org_proposal.h): written
 * as a draft with an org_proposal row, hidden until the secretariat
 * decides on its start page queue, accepted (published) or declined with
 * a reason, the proposer mailed either way. What an initiative adds is
 * kept beside it (initiative, initiative_founder; 0019): a contact and its
 * founding organisations. When the secretariat accepts it
 * (org_proposal_decide calls initiative_accepted_tx in its transaction)
 * the proposer becomes a manager and a member of its management team, the
 * stage "initiative" is recorded, and each founding organisation gets a
 * membership *proposal* (membership_propose_tx) that its representative
 * accepts, or the secretariat confirms when it has none. */
#ifndef SCAN_INITIATIVE_H
#define SCAN_INITIATIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "i18n/i18n.h"
#include "model/principal.h"
#include "valid/valid.h"

/* At least two founding organisations: a cluster is cooperation, and one
 * organisation alone is a company's project, not an initiative; more
 * would keep out the early groups the issue wants to reach (ECCP's 15
 * members is a readiness criterion, not an entry condition). */
#define INITIATIVE_MIN_FOUNDERS 2
#define INITIATIVE_MAX_FOUNDERS 30

typedef struct initiative_in {
    const char *name, *name_en; /* Serbian required, English optional */
    const char **sectors;       /* NACE codes (at least one) */
    size_t n_sectors;
    const char *district, *region;                            /* one of them at least (codes) */
    const char *contact_name, *contact_email, *contact_phone; /* all required */
    const char *description_sr, *description_en;              /* Serbian required, at most 2000 */
    const char **founders; /* slugs or exact names of published entries */
    size_t n_founders;
} initiative_in;

typedef struct initiative_rec {
    int64_t org_id;
    const char *slug, *name, *name_en, *status; /* the entry */
    const char *state;  /* proposed, accepted, declined (org_proposal); accepted
                           for an initiative the secretariat entered directly */
    const char *reason; /* declined: the secretariat's */
    const char *region, *district;
    const char *contact_name, *contact_email, *contact_phone; /* NULL when not started here */
    int64_t proposed_by, proposed_at;
    int64_t n_founders;
    bool is_demo;
} initiative_rec;

/* Starts an initiative on behalf of p (anyone logged in with a write
 * right: a read-only token gets FE_SECRETARIAT_ONLY on "org"): validates
 * every field at once (errors under name, name_en, sectors, district,
 * region, contact_name, contact_email, contact_phone, description_sr,
 * description_en, founders: FE_REQUIRED, FE_TOO_LONG, FE_EMAIL, FE_INVALID,
 * FE_UNKNOWN_CODE, FE_TOO_SHORT for fewer than INITIATIVE_MIN_FOUNDERS
 * distinct founders), then in one tx_write: the draft entry (org_put), the
 * org_proposal row, the initiative and founder rows, the audit row
 * initiative_start and a mail to p in their language (else lang) saying it
 * waits for the secretariat. DB_CONSTRAINT with errs and nothing written;
 * *id and *slug (arena a) the new entry. */
db_status initiative_start(db *d, arena *a, const principal *p, const initiative_in *in,
                           lang_id lang, const char *ip, form_errors *errs, int64_t *id,
                           const char **slug);

/* The initiatives: the published ones (every entry of kind
 * cluster_initiative) and, with pending, those waiting for the
 * secretariat; by name (arena, at most 500). */
db_status initiative_list(db *d, arena *a, bool pending, initiative_rec **items, size_t *n);

/* One initiative and its founders' names and slugs (arena); *found false
 * when org_id has no initiative row. */
db_status initiative_get(db *d, arena *a, int64_t org_id, initiative_rec *out,
                         const char ***founder_slugs, const char ***founder_names,
                         size_t *n_founders, bool *found);

/* In the caller's write transaction (org_proposal_decide's acceptance):
 * when org_id is an initiative started here, makes proposer_id a manager
 * and a member of its team, records the stage "initiative" and proposes
 * each founder's membership (founding_member, from today) in the
 * proposer's name; a founder refused meanwhile (no longer published) is
 * skipped. DB_OK and nothing done when org_id is no initiative. */
db_status initiative_accepted_tx(db *d, int64_t org_id, int64_t proposer_id, int64_t actor_id);

#endif
