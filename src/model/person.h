/* person.h: people's personal data: what others may see, what a person can
 * take with them, and erasure.
 *
 * Contact details (e-mail, phone) are shown only to logged-in users unless
 * the person agreed to public display. Erasure keeps the row (so authored
 * revisions and audit rows keep an anonymised author) but removes name,
 * e-mail and phone, disables the account and ends its sessions. */
#ifndef SCAN_PERSON_H
#define SCAN_PERSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "model/principal.h"

/* Appends everything stored about the person as one JSON document (one
 * read transaction, so a consistent snapshot; the caller must not be in a
 * transaction): {"format", "exported_at", "person", "account" (null when
 * none; no password hash), "affiliations" (with org id, slug and name),
 * "sessions" (times, ip, user agent; no token hashes), "api_tokens" (name,
 * scope, times), "audit" (rows whose actor is the person)}. Times are RFC
 * 3339 UTC strings or null. DB_DONE (and nothing appended) when no such
 * person exists. */
db_status person_export_json(db *d, int64_t person_id, buf *out);
/* Erases the person in one transaction (the caller must not be in one):
 * name becomes "Erased person #<id>", e-mail and phone NULL, public_contact
 * 0, erased_at now; the account is disabled and its password hash removed;
 * its sessions are deleted, its API tokens revoked, its unused one-time
 * links spent, its current affiliations ended and recorded failed logins
 * under its e-mail deleted; an audit row 'person_erase' names actor_id.
 * Audit rows the person caused keep their actor_id. DB_DONE when no such
 * person exists, DB_CONSTRAINT when the person was erased already (nothing
 * changes then). */
db_status person_erase(db *d, int64_t person_id, int64_t actor_id, const char *ip);
/* The id of the person (not erased) whose e-mail is email, compared
 * without regard to ASCII case (stored e-mails are lower case), into *id;
 * 0 when none. DB errors are returned. */
db_status person_id_by_email(db *d, const char *email, int64_t *id);
/* The name of person id into *name (arena copy); NULL when there is no
 * such person or they were erased. */
db_status person_name_of(db *d, arena *a, int64_t id, const char **name);
/* *yes when the address (ASCII case aside) belongs to a person, not
 * erased, whose account has a password: someone who can log in (or could,
 * once enabled). The team form uses it to choose what to mail, never to
 * tell the asker. */
db_status person_can_log_in(db *d, const char *email, bool *yes);

/* --- accounts and affiliations, for `scan user` and the users page ------ */

/* One account with its person. Strings are arena copies; email is NULL
 * once the person is erased; times are 0 when not set. */
typedef struct person_account {
    int64_t person_id, account_id;
    const char *name, *email;
    secretariat_role secretariat;
    int64_t created_at, disabled_at, last_login_at;
} person_account;

/* Every account, ordered by e-mail (erased ones last), as an arena array. */
db_status person_account_list(db *d, arena *a, person_account **rows, size_t *n);

typedef enum {
    AFF_DONE,        /* started or ended */
    AFF_UNCHANGED,   /* start: one is current already; end: none is current */
    AFF_NO_ORG,      /* no organisation with that slug */
    AFF_NO_MANAGERS, /* start as "manager" of an entry that is no cluster or
                        cluster initiative (rights_org_takes_managers) */
} person_aff_result;

/* Starts (current true) or ends (current false) the person's affiliation
 * with the organisation whose slug is org_slug, in role "manager" or
 * "representative" (anything else: DB_CONSTRAINT). A manager is started
 * only with a cluster or cluster initiative (else AFF_NO_MANAGERS and
 * nothing written: such a role would give no rights); any current one can
 * be ended. One transaction, audited as 'affiliation_start' or
 * 'affiliation_end' (entity 'affiliation') by actor_id. Rights follow at
 * once, as rights.c derives them. */
db_status person_affiliation_set(db *d, int64_t person_id, const char *org_slug, const char *role,
                                 bool current, int64_t actor_id, const char *ip,
                                 person_aff_result *res);

/* One current affiliation of a person, with the organisation's name. */
typedef struct person_affil {
    int64_t org_id;
    const char *org_slug, *org_name, *role; /* role: manager or representative */
    int64_t started_at;                     /* when the right started (UTC seconds) */
    const char *granted_by;                 /* who invited or granted it (name), NULL: the system */
    bool by_secretariat;                    /* granted_by is of the SCAN secretariat */
} person_affil;

/* The person's current affiliations, by organisation name (arena). */
db_status person_affiliations(db *d, arena *a, int64_t person_id, person_affil **items, size_t *n);

#endif
