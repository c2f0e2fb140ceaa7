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
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"

/* The display name of a person: their name, or "Erased person" (English;
 * pages translate) after erasure, or "System" for id 0. Arena copy. */
const char *person_display_name(db *d, arena *a, int64_t person_id);
/* Appends everything stored about the person as one JSON document: person,
 * account (without secrets), affiliations, sessions, tokens (names only),
 * audit rows they caused. */
db_status person_export_json(db *d, int64_t person_id, buf *out);
/* Erases the person (one transaction, audited by actor). */
db_status person_erase(db *d, int64_t person_id, int64_t actor_id, const char *ip);

#endif
