/* mentoring.h: the secretariat pairs a cluster that is being helped (an
 * initiative, or a cluster at stage initiative, emerging or developing)
 * with an established cluster; both teams and the secretariat see the
 * pairing and record its meetings (issue 15).
 *
 * Who may see a pairing and record a meeting: whoever may edit either
 * cluster (RIGHT_ORG_EDIT: their management teams and the secretariat);
 * the caller checks (mentoring_may_see). Creating and ending a pairing is
 * the administrators' (the route's flag). Writes are tx_write bodies with
 * their audit rows (entity "mentoring": mentoring_create, mentoring_end,
 * mentoring_meeting_add); a new pairing is told to both clusters' current
 * people (notify kind "mentoring", by mail at once unless they chose
 * otherwise). Refusals: DB_CONSTRAINT with errors under the field names,
 * nothing written. Strings are arena copies. */
#ifndef SCAN_MENTORING_H
#define SCAN_MENTORING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "model/principal.h"
#include "valid/valid.h"

#define MENTORING_NOTE_MAX 5000

typedef struct mentoring_rec {
    int64_t id;
    int64_t mentee_id, mentor_id;
    const char *mentee_slug, *mentee_name, *mentee_name_en;
    const char *mentor_slug, *mentor_name, *mentor_name_en;
    const char *started_on, *ended_on, *end_note; /* ended_on NULL while it runs */
    int64_t meetings;
    bool is_demo;
} mentoring_rec;

typedef struct mentoring_meeting {
    int64_t id;
    const char *met_on, *notes, *next_steps, *by_name;
    bool is_demo;
} mentoring_meeting;

/* Pairs mentee (slug) with mentor (slug) from started_on (today when
 * empty). Errors: mentee (not a cluster or initiative, or already
 * established), mentor (not an established cluster; the same as the
 * mentee; already paired with it now), started_on. *id the new pairing. */
db_status mentoring_create(db *d, const char *mentee, const char *mentor, const char *started_on,
                           int64_t actor, const char *ip, int64_t *id, form_errors *errs);
/* Ends a running pairing on ended_on (not before its start) with a note
 * (optional). DB_DONE: no such pairing; an ended one: error under
 * ended_on. */
db_status mentoring_end(db *d, int64_t id, const char *ended_on, const char *note, int64_t actor,
                        const char *ip, form_errors *errs);
/* Records a meeting: met_on a date not before the pairing's start (nor
 * after its end: FE_NOT_PENDING under met_on), notes
 * required, next_steps optional. DB_DONE: no such pairing. */
db_status mentoring_meeting_add(db *d, int64_t id, const char *met_on, const char *notes,
                                const char *next_steps, int64_t actor, const char *ip,
                                form_errors *errs);

db_status mentoring_get(db *d, arena *a, int64_t id, mentoring_rec *out, bool *found);
/* Every pairing, running first, then by start (newest first). */
db_status mentoring_list(db *d, arena *a, mentoring_rec **out, size_t *n);
/* The pairings org_id is part of (either side). */
db_status mentoring_of_org(db *d, arena *a, int64_t org_id, mentoring_rec **out, size_t *n);
/* The running pairings of the clusters person manages now. */
db_status mentoring_for_person(db *d, arena *a, int64_t person, mentoring_rec **out, size_t *n);
/* The meetings of a pairing, newest first. */
db_status mentoring_meetings(db *d, arena *a, int64_t id, mentoring_meeting **out, size_t *n);
typedef struct mentoring_side {
    const char *slug, *name, *name_en, *stage;
} mentoring_side;
/* The published clusters that may be mentors (mentors true: clusters at
 * stage established) or mentees (initiatives and clusters at any other
 * stage), by name. */
db_status mentoring_candidates(db *d, arena *a, bool mentors, mentoring_side **out, size_t *n);

/* Whether p may see and record meetings of m. */
bool mentoring_may_see(db *d, const principal *p, const mentoring_rec *m);

#endif
