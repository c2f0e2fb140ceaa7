/* agreement.h: agreements between SCAN, clusters and partners (issue 14):
 * memoranda of understanding, cooperation and grant agreements, network
 * memberships, with their parties (two or more directory entries) and the
 * signed document (a PDF checked by pdf.c, kept with its SHA-256).
 *
 * Expiry is computed when read, never written by a job: an agreement
 * stored as signed whose valid_until is before today (Belgrade) reads as
 * "expired" (agreement_rec.state), so a list, a filter or the API can never
 * show a stale status and no job has to run on every app server. The
 * stored status is what people set; "expired" may also be set by hand once
 * valid_until has passed.
 *
 * Who may write (agreement_may_edit): the secretariat (RIGHT_AGREEMENT_EDIT
 * with no organisation) any agreement; a cluster's manager an agreement
 * their cluster is party to, and only with their cluster still among the
 * parties. Everyone reads agreements that are not drafts; drafts are for
 * those who may edit them and those who speak for a party (who may be
 * asked to confirm one). The signed document is for the secretariat and
 * the people of the parties (agreement_may_read_file): grant agreements
 * carry bank details and signatures that are not the public's; a draft's
 * document only for the managers of parties that confirmed it.
 *
 * Writes are tx_write bodies with audit rows (entity "agreement":
 * agreement_create, agreement_update, agreement_delete, agreement_file)
 * and bump TX_DIRECTORY (partner profiles show them). A user's mistake is
 * DB_CONSTRAINT with errors under the field names (parties under
 * "parties"), nothing written. Strings are arena copies. */
#ifndef SCAN_AGREEMENT_H
#define SCAN_AGREEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "model/principal.h"
#include "valid/valid.h"

#define AGREEMENT_EXPIRING_DAYS 60 /* "expiring soon": valid_until within this many days */
#define AGREEMENT_MAX_PARTIES   20
#define AGREEMENT_TEXT_MAX      5000
#define AGREEMENT_REASON_MAX    500 /* characters of a decline's reason */

/* The kinds and statuses, NULL-terminated, in the order forms list them. */
extern const char *const agreement_kinds[];
extern const char *const agreement_statuses[];

typedef struct agreement_party {
    int64_t org_id;
    const char *slug, *name, *name_en, *kind;
    const char *consent; /* proposed, confirmed, declined (0035) */
    const char *reason;  /* a decline's reason, or NULL */
} agreement_party;

typedef struct agreement_rec {
    int64_t id;
    const char *kind, *title_sr, *title_en, *summary_sr, *summary_en;
    const char *signed_on, *valid_from, *valid_until; /* YYYY-MM-DD or NULL */
    const char *status;                               /* as stored */
    const char *state; /* as read: "expired" for a signed one past valid_until */
    bool is_demo;
    bool confirmed; /* every party confirmed: seen and counted by everyone */
    int64_t created_at, updated_at;
    agreement_party *parties; /* by name */
    size_t n_parties;
    bool has_file;
    const char *file_name, *file_sha256;
    int64_t file_size, file_at;
} agreement_rec;

/* What a form or the API gives to create or change an agreement. parties
 * are directory slugs; summary texts may hold newlines. */
typedef struct agreement_input {
    const char *kind, *title_sr, *title_en, *summary_sr, *summary_en;
    const char *signed_on, *valid_from, *valid_until, *status;
    const char *const *parties;
    size_t n_parties;
} agreement_input;

/* Validates in (the table: kind and status from their lists, title_sr
 * required, dates real; cross rules: valid_until >= valid_from, signed_on
 * not after today, signed/expired/terminated need signed_on, expired needs
 * a valid_until before today, two to AGREEMENT_MAX_PARTIES parties) and
 * the parties (each a published entry that is SCAN, a cluster or a
 * partner kind, not a company: FE_UNKNOWN_CODE / FE_INVALID under
 * "parties"; p must be able to edit through one of them:
 * FE_SECRETARIAT_ONLY). Creates it when id is 0 (*out_id the new id),
 * else replaces every field and the parties of agreement id (DB_DONE: no
 * such agreement; the caller checked agreement_may_edit on the old one). */
db_status agreement_save(db *d, const principal *p, int64_t id, const agreement_input *in,
                         const char *ip, int64_t *out_id, form_errors *errs);
/* Deletes a draft (DB_CONSTRAINT with FE_NOT_PENDING under "status" for
 * any other; DB_DONE when there is none). */
db_status agreement_delete(db *d, int64_t id, int64_t actor, const char *ip, form_errors *errs);
/* Stores the signed document of agreement id, replacing any: name (the
 * uploaded file's name, cut to 200 bytes, or "agreement.pdf"), data[0..n)
 * checked by pdf_check (a refusal is FE_INVALID under "file" with the
 * verdict in *verdict, a pdf_verdict); DB_DONE: no such agreement. A
 * new document is new terms: every party that had answered (confirmed or
 * declined) and that actor does not speak for (RIGHT_TIE_CONFIRM) is
 * proposed again and told (notify kind tie_proposed), so the agreement
 * leaves public sight until it confirms; the audit detail lists them
 * under "asked_again". */
db_status agreement_file_put(db *d, int64_t id, const char *name, const void *data, size_t n,
                             int64_t actor, const char *ip, int *verdict, form_errors *errs);
/* The document's name and bytes (arena); *found false when there is none. */
db_status agreement_file_get(db *d, arena *a, int64_t id, const char **name, const void **data,
                             size_t *n, bool *found);

db_status agreement_get(db *d, arena *a, int64_t id, agreement_rec *out, bool *found);

/* A list's filters; NULL or 0 = any. */
typedef struct agreement_filter {
    const char *kind;
    const char *state; /* as read: draft, signed, expired, terminated */
    int64_t party_id;  /* an organisation among the parties */
    bool expiring;     /* signed, valid_until from today to AGREEMENT_EXPIRING_DAYS ahead */
    bool with_drafts;  /* the secretariat's view; else drafts are left out */
    int64_t drafts_of; /* with with_drafts false: also the drafts and unconfirmed agreements
                          of a party this person speaks for (agreement_may_see) */
    int limit;         /* 0 = 500 */
    int64_t after_id;  /* keyset: ids below this one (API cursor), 0 = start */
} agreement_filter;

/* Agreements by valid_until (soonest first, open-ended last), then id
 * descending; each with its parties. */
db_status agreement_list(db *d, arena *a, const agreement_filter *f, agreement_rec **out,
                         size_t *n);
/* The signed agreements expiring within AGREEMENT_EXPIRING_DAYS that
 * person manages a party cluster of (person 0: all of them, for the
 * secretariat). */
db_status agreement_expiring_for(db *d, arena *a, int64_t person, agreement_rec **out, size_t *n);

/* A partner entry: published, of a partner kind (agreement_party_kind_ok,
 * neither a cluster nor SCAN). */
typedef struct agreement_partner {
    int64_t id;
    const char *slug, *name, *name_en, *kind;
} agreement_partner;
/* Partners with id above after_id, by id, at most limit (1..100). */
db_status agreement_partners(db *d, arena *a, int64_t after_id, int limit, agreement_partner **out,
                             size_t *n);

/* --- consent (0035) ---------------------------------------------------------
 * A party the writer does not speak for is named "proposed" until a person
 * who speaks for it (RIGHT_TIE_CONFIRM: its manager or representative) or
 * the secretariat confirms it; the secretariat's own writes confirm every
 * party at once, a manager's those of their own cluster. An agreement with
 * any party not confirmed (agreement_rec.confirmed false) is seen only by
 * its parties' people and the secretariat (agreement_may_see, lists with
 * with_drafts or drafts_of), and counted nowhere: not by the expiry
 * reminders (start page, digest), the network, a partner's Relations for
 * others or the API lists for others. A party taken off again that had
 * not confirmed needs nobody's word; a confirmed one does (as before). */

/* Confirming and declining: tie_consent (tie.h, TIE_AGREEMENT_PARTY). */
/* Whether p speaks for org_id on a tie naming it (RIGHT_TIE_CONFIRM; a
 * read-only token too, for reading). */
bool agreement_may_confirm(db *d, const principal *p, int64_t org_id);
/* Unconfirmed agreements of person (0: all, for the secretariat), newest
 * first, at most 50: with to_confirm, those with a proposed party the
 * person may confirm; else those of a party the person speaks for. */
db_status agreement_waiting(db *d, arena *a, int64_t person, bool to_confirm, agreement_rec **out,
                            size_t *n);

/* Whether p may change agreement a (or, a NULL, create one at all). */
bool agreement_may_edit(db *d, const principal *p, const agreement_rec *a);
/* Whether p may see a. A confirmed agreement past draft: everyone. Else
 * (one a party has not confirmed, or a draft) only who may answer for one
 * of its parties (agreement_may_confirm: the secretariat, a party's
 * representative, a cluster party's manager) or may change it: exactly
 * those to whom the lists (with_drafts, drafts_of) and agreement_waiting
 * show it. A "manager" affiliation with a party that is no cluster speaks
 * for nobody (rights.h), so it sees neither. */
bool agreement_may_see(db *d, const principal *p, const agreement_rec *a);
/* Whether p may download a's document: the secretariat always; while a
 * is a draft (stored status), only who may change it for a party that has
 * confirmed it (RIGHT_AGREEMENT_EDIT on that party: its managers), since
 * the text is not agreed yet and a party that has not said yes has not
 * shared it; once past draft, anyone with a current affiliation with a
 * party that has not declined it (a party still asked reads it to decide;
 * one that said no is no party). The page's link, the download and the
 * API's href follow this. */
bool agreement_may_read_file(db *d, const principal *p, const agreement_rec *a);

/* Whether kind (an org kind code) may be a party: SCAN, clusters and
 * partner kinds; not companies. */
bool agreement_party_kind_ok(const char *kind);

#endif
