/* position_internal.h: what position.c and position_sign.c share (not for
 * other modules). */
#ifndef SCAN_POSITION_INTERNAL_H
#define SCAN_POSITION_INTERNAL_H

#include "model/position.h"
#include "model/tx.h"

/* The kinds of directory entry a position may address (institutions). */
#define POS_PARTNER_KINDS "('public_authority', 'chamber', 'donor')"

/* DB_CONSTRAINT, or DB_NOMEM when an error says the arena failed. */
db_status pos_invalid(const form_errors *errs);
/* The stage and current version of position id; DB_DONE when none. */
db_status pos_state(db *d, int64_t id, pos_stage *stage, int64_t *version);
/* DB_CONSTRAINT with FE_POSITION_STAGE under "stage" (min: the stage it
 * is in) unless the position is in a stage of mask (1u << stage);
 * *version (may be NULL) its current version. DB_DONE: none. */
db_status pos_require(db *d, int64_t id, unsigned mask, form_errors *errs, int64_t *version);

/* Notifications, inside the caller's tx body (position_sign.c): a new
 * version to everyone who commented on the position; a reply to the
 * author of the comment replied to; open for signature to the people of
 * every cluster in SCAN now. */
db_status pos_notify_version(tx *t, int64_t id, int64_t version);
db_status pos_notify_reply(tx *t, int64_t id, int64_t person);
db_status pos_notify_signing(tx *t, int64_t id);

#endif
