/* tie.h: one consent mechanism for every tie that names an organisation
 * (issue 14): a party of an agreement (0035), a participant of a project
 * (0035) and the funder of a project (0044). Whoever records a tie for an
 * organisation they do not speak for names it "proposed"; its people
 * (RIGHT_TIE_CONFIRM: its managers and representatives) or the
 * secretariat confirm or decline it here, for every kind alike. The
 * writes that name organisations (agreement_save, project_save,
 * agreement_file_put) decide what is proposed; what a proposed tie hides
 * is each read's (agreement.h, project.h).
 *
 * The kinds are rows of one table in tie.c (where the consent is stored,
 * what the audit row says), so the rule itself is written once and the
 * pages (web_tie.c) and the API use the same function. */
#ifndef SCAN_TIE_H
#define SCAN_TIE_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "valid/valid.h"

#define TIE_REASON_MAX 500 /* characters of a decline's reason */

typedef enum {
    TIE_AGREEMENT_PARTY,     /* id: an agreement; audit agreement_confirm / _decline */
    TIE_PROJECT_PARTICIPANT, /* id: a project; audit project_confirm / _decline */
    TIE_PROJECT_FUNDER,      /* id: a project; audit project_funder_confirm / _decline */
    TIE__N
} tie_kind;

/* The kind's code as forms and the API name it: party, participant,
 * funder (static). */
const char *tie_kind_code(tie_kind k);
/* The kind named by code (one of tie_kind_code's): false when none. */
bool tie_kind_parse(const char *code, tie_kind *k);

/* The consent org_id has given to being named in id as kind k: *consent
 * "proposed", "confirmed" or "declined" (static), NULL when org_id is not
 * so named (no such object, or never named, or named no more). */
db_status tie_state(db *d, tie_kind k, int64_t id, int64_t org_id, const char **consent);

/* Confirms (accept) or declines, for org_id, its being named in id as
 * kind k: one tx_write that sets the consent, who and when, and the
 * reason (decline only, optional, one line of at most TIE_REASON_MAX
 * characters: else DB_CONSTRAINT with FE_TOO_LONG or FE_CONTROL_CHARS
 * under "reason"), with its audit row (the kind's entity and action) and
 * the directory's data version bumped. DB_DONE: org_id is not so named;
 * DB_CONSTRAINT with FE_NOT_PENDING under "org" when its word was given
 * already (confirm twice, or confirm after a decline: only a new
 * proposal asks again). The caller checked RIGHT_TIE_CONFIRM on org_id. */
db_status tie_consent(db *d, tie_kind k, int64_t id, int64_t org_id, bool accept,
                      const char *reason, int64_t actor, const char *ip, form_errors *errs);

#endif
