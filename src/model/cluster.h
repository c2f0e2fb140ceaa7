/* cluster.h: what makes a directory entry a cluster, and who its members
 * are.
 *
 * An entry of kind cluster or cluster_initiative has a development stage
 * history, a management team, a SCAN membership history, labels, a
 * strategy, services and networks. Organisations belong to clusters many
 * to many (cluster_member) with a role and joined/left dates; membership
 * is derived, never copied (rights.c and figures.c read the same rows).
 * Every write is one transaction with an audit row (entity 'org', the
 * cluster's id) and bumps figures_version and directory_version.
 *
 * Writers that take errs refuse bad input with DB_CONSTRAINT and nothing
 * written, one error per field named as the parameter (org_id, stage,
 * reached_on, status, since, note, label, name, awarded_on, expires_on,
 * person_id, role, fte_milli, cluster_id, joined_on, left_on); errs may be
 * NULL. Dates are 'YYYY-MM-DD' real calendar dates (FE_DATE otherwise); an
 * end before its start is FE_DATE_ORDER. An org_id that does not exist
 * gives DB_DONE; one that is not a cluster or cluster initiative gives
 * FE_NOT_CLUSTER on org_id. "Today" is the Belgrade date. */
#ifndef SCAN_CLUSTER_H
#define SCAN_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "valid/valid.h"

typedef struct cluster_stage_rec {
    const char *stage;      /* initiative, emerging, developing, established */
    const char *reached_on; /* YYYY-MM-DD */
} cluster_stage_rec;

typedef struct cluster_team_rec {
    int64_t id, person_id;
    const char *name, *email, *phone; /* email/phone only when the reader may see them */
    bool public_contact;
    const char *role, *role_en; /* role_en: NULL when not translated */
    int fte_milli;
    const char *since, *until;
    bool invited; /* an invitation not accepted yet: never shown publicly */
    bool manager; /* the invitation also makes the person a manager */
} cluster_team_rec;

typedef struct scan_membership_rec {
    int64_t id;
    const char *status; /* applied, member, founder, suspended, left */
    const char *since, *note, *note_en;
    int64_t created_at, created_by;
} scan_membership_rec;

typedef struct cluster_label_rec {
    int64_t id;
    const char *label; /* esca_bronze, esca_silver, esca_gold, other */
    const char *name, *name_en, *awarded_on, *expires_on;
    bool verified;                        /* false: a claim the secretariat has not verified */
    const char *reference;                /* the certificate's or document's reference */
    int64_t claimed_at, verified_at;      /* 0 when unknown (labels from before claims) */
    const char *claimed_by, *verified_by; /* names, NULL when unknown */
} cluster_label_rec;

typedef struct cluster_info {
    int64_t org_id;
    const char *vision, *mission, *goals, *services, *networks;
    const char *vision_en, *mission_en, *goals_en, *services_en, *networks_en; /* NULL: none */
    cluster_stage_rec *stages; /* oldest first; current = last */
    size_t n_stages;
    cluster_team_rec *team;
    size_t n_team;
    scan_membership_rec *scan; /* oldest first; current = last */
    size_t n_scan;
    cluster_label_rec *labels;
    size_t n_labels;
} cluster_info;

/* Loads everything about cluster org_id (arena). Contact details of team
 * members are filled only when with_contacts or the person agreed to
 * public display (never for an erased person). Team: current members
 * first. DB_DONE when there is no entry org_id. */
db_status cluster_get(db *d, arena *a, int64_t org_id, bool with_contacts, cluster_info *out);

/* Strategy and services (every field replaced; NULL or blank clears).
 * Text is trimmed with CRLF as LF; DB_CONSTRAINT (no errs: validate with
 * FV_MULTILINE, max 10000, first) for invalid UTF-8, control characters
 * or more than 10,000 characters, or when org_id is not a cluster. */
db_status cluster_set_profile(db *d, int64_t org_id, const char *vision, const char *mission,
                              const char *goals, const char *services, const char *networks,
                              int64_t actor_id, const char *ip);
/* Records that the cluster reached stage on a date (replaces that stage's
 * date if recorded before). DB_CONSTRAINT with errs on bad input. */
db_status cluster_set_stage(db *d, int64_t org_id, const char *stage, const char *reached_on,
                            int64_t actor_id, const char *ip, form_errors *errs);
/* Adds a SCAN membership status from a date (history row; on the same
 * date the later row wins). note: optional, one line, at most 500
 * characters. */
db_status cluster_add_scan_status(db *d, int64_t org_id, const char *status, const char *since,
                                  const char *note, int64_t actor_id, const char *ip,
                                  form_errors *errs);
/* Adds a label; name is required for "other" (at most 200 characters);
 * expires_on, when given, must be after awarded_on, and an ESCA label
 * without one expires two years after the award (labels last two years). */
db_status cluster_add_label(db *d, int64_t org_id, const char *label, const char *name,
                            const char *awarded_on, const char *expires_on, int64_t actor_id,
                            const char *ip, form_errors *errs);
/* The edit page's one form (cluster_save): the strategy texts in Serbian
 * and in English (NULL or blank clears), and optionally a stage reached, a
 * SCAN membership status (the secretariat's) and a label. A part whose
 * fields are all blank is left as it is. */
typedef struct cluster_edit {
    const char *vision, *mission, *goals, *services, *networks;
    const char *vision_en, *mission_en, *goals_en, *services_en, *networks_en;
    const char *stage, *reached_on;
    const char *status, *since, *note, *note_en;
    const char *label, *label_name, *label_name_en, *awarded_on, *expires_on, *reference;
} cluster_edit;
/* Saves the edit page in one transaction with one audit row
 * (cluster_profile, detail {"parts":[...]}). Errors are named as the
 * fields above (label_name, label_name_en for the label's names): texts
 * as for cluster_set_profile; a stage needs reached_on and the other way
 * round; a status needs since (note and note_en: one line, at most 500
 * characters) and secretariat (else FE_SECRETARIAT_ONLY on status); a
 * label as for cluster_add_label (a name in either language for "other").
 * A label the secretariat records needs its reference (at most 200
 * characters) and is verified at once; anyone else's is a claim
 * (reference optional) until cluster_label_verify. */
db_status cluster_save(db *d, int64_t org_id, const cluster_edit *in, bool secretariat,
                       int64_t actor_id, const char *ip, form_errors *errs);
/* The secretariat verifies claimed label label_id of cluster org_id with
 * the reference of the certificate or document (required, one line, at
 * most 200 characters: FE_REQUIRED/FE_TOO_LONG on reference). Audited as
 * cluster_label_verify. DB_DONE when org_id has no such claimed label. */
db_status cluster_label_verify(db *d, int64_t org_id, int64_t label_id, const char *reference,
                               int64_t actor_id, const char *ip, form_errors *errs);
/* The claimed labels of every cluster, oldest claim first (arena), for the
 * secretariat's start page: org slug and name in org_slug/org_name. */
typedef struct cluster_label_claim {
    int64_t id, org_id;
    const char *org_slug, *org_name, *label, *name, *name_en, *awarded_on;
    int64_t claimed_at;
} cluster_label_claim;
db_status cluster_label_claims(db *d, arena *a, cluster_label_claim **items, size_t *n);

/* Adds a person (not erased: else FE_INVALID on person_id) with a role
 * (required, at most 100 characters) and a share of full time, 0..1000
 * thousandths; since is optional. */
db_status cluster_team_add(db *d, int64_t org_id, int64_t person_id, const char *role,
                           int fte_milli, const char *since, int64_t actor_id, const char *ip,
                           form_errors *errs);
/* The same as cluster_team_add, but as an invitation (invited = 1) that
 * replaces any pending invitation of the person to this team, and queues a
 * mail to the person's address saying who invites them and that they
 * accept by logging in at accept_url (when they have no account yet, the
 * caller has sent them an account invitation first). All in one
 * transaction with its audit row (cluster_team_invite). */
db_status cluster_team_invite(db *d, int64_t org_id, int64_t person_id, const char *role,
                              const char *role_en, bool manager, int fte_milli, const char *since,
                              const char *accept_url, int64_t actor_id, const char *ip,
                              form_errors *errs);
/* role_en: the role in English (optional, at most 100 characters). With
 * manager, accepting also makes the person a manager of the cluster (the
 * one path from team to rights). */
/* Accepts person_id's pending invitation to org_id's team (audited as
 * cluster_team_accept by the person). When the invitation offered the
 * manager right and its sender may still invite for the cluster, a
 * manager affiliation starts (created_by the sender) unless one is
 * current; ending the team row ends it. DB_DONE when there is none. */
db_status cluster_team_accept(db *d, int64_t org_id, int64_t person_id, const char *ip);
/* Ends a team membership on until (NULL = today). DB_CONSTRAINT for a bad
 * date or one before since, DB_DONE when there is no such row. */
db_status cluster_team_end(db *d, int64_t team_id, const char *until, int64_t actor_id,
                           const char *ip);

/* --- members --------------------------------------------------------------- */

typedef struct cluster_member_rec {
    int64_t id, org_id;
    const char *slug, *name, *acronym, *kind;
    const char *role; /* member, founding_member, board */
    const char *joined_on, *left_on;
    const char *sector; /* first NACE code, or NULL */
    const char *municipality, *district;
    int64_t employees;      /* latest reported headcount, -1 when none */
    const char *size_class; /* micro, small, medium, large, or NULL */
    bool is_startup;        /* founded within the last 5 years */
    bool is_demo;
} cluster_member_rec;

/* The members of cluster on the given date (YYYY-MM-DD; NULL = today in
 * Belgrade), by name (arena): joined_on <= date and left_on NULL or after
 * it. employees is the headcount of the latest year that gives one;
 * is_startup means year_founded >= this year - 5. DB_CONSTRAINT for a bad
 * date. */
db_status cluster_members(db *d, arena *a, int64_t cluster_id, const char *on_date,
                          cluster_member_rec **items, size_t *n);
/* Adds org to cluster (role NULL = member, joined_on NULL = today) as an
 * accepted membership, proposed and accepted by actor_id at once: the
 * secretariat's direct addition. The members page goes through
 * membership_propose() (membership.h), which makes a manager's addition a
 * proposal the organisation must accept.
 * DB_CONSTRAINT with errs: not a cluster (FE_NOT_CLUSTER on cluster_id),
 * self (FE_SELF_MEMBER on org_id), no such org (FE_INVALID on org_id),
 * a membership of the same org overlapping the new one, i.e. not left by
 * joined_on (FE_ALREADY_MEMBER on org_id), bad role or date. */
db_status cluster_member_add(db *d, int64_t cluster_id, int64_t org_id, const char *role,
                             const char *joined_on, int64_t actor_id, const char *ip,
                             form_errors *errs);
/* Ends (or moves the end of) a membership on left_on (>= joined_on, else
 * FE_DATE_ORDER; NULL = today). DB_DONE when there is no such row. */
db_status cluster_member_end(db *d, int64_t member_id, const char *left_on, int64_t actor_id,
                             const char *ip, form_errors *errs);

/* The current members of cluster_id that reported figures for a year
 * before the year they joined (those years do not count for the cluster),
 * as org ids (arena), each once. */
db_status cluster_prejoin_reporters(db *d, arena *a, int64_t cluster_id, int64_t **org_ids,
                                    size_t *n);

/* The composition ECCP asks for, from the member list: companies with a
 * headcount are SMEs (under 250) or large, companies without one are
 * unknown_size; universities, research institutes, technology centres and
 * science parks are research; every other kind is other. So total = smes
 * + large + unknown_size + research + other; startups counts the start-up
 * companies among them. */
typedef struct cluster_composition {
    int64_t total, smes, startups, large, research, other;
    int64_t unknown_size; /* members with no headcount reported */
} cluster_composition;

void cluster_composition_of(const cluster_member_rec *items, size_t n, cluster_composition *out);

/* Size class from a headcount: micro under 10, small under 50, medium under
 * 250, large 250 and over. NULL for a negative (unknown) count. */
const char *cluster_size_class(int64_t employees);

#endif
