/* consultation.h: the tracker of open government consultations (issue
 * 16): title, institution, link, deadline, and the positions that answer
 * each (position.consultation_id).
 *
 * The secretariat creates and edits them (rights.c RIGHT_ADVOCACY_MANAGE;
 * the caller checks); everyone reads them (/consultations, its iCalendar
 * feed, the API). A consultation is open until the end of its deadline day
 * (Belgrade). Every write is one tx_write (entity "consultation", actions
 * consultation_add, consultation_update). Coming deadlines reach the
 * weekly digest of the people who follow a topic they touch
 * (consultation_digest). Returned strings live in the caller's arena. */
#ifndef SCAN_CONSULTATION_H
#define SCAN_CONSULTATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "i18n/i18n.h"
#include "db/db.h"
#include "valid/valid.h"

#define CONSULTATION_TITLE_MAX   300
#define CONSULTATION_DIGEST_DAYS 21 /* deadlines this many days ahead reach the digest */

typedef struct consultation_position {
    int64_t id;
    const char *title_sr, *title_en, *stage;
} consultation_position;

typedef struct consultation_rec {
    int64_t id, institution_id;
    const char *title_sr, *title_en, *url, *deadline_on;
    const char *institution_slug, *institution_name, *institution_name_en; /* NULL: none */
    bool open; /* deadline_on >= today */
    bool is_demo;
    int64_t created_at, updated_at;
    consultation_position *positions; /* answering it, by id */
    size_t n_positions;
} consultation_rec;

/* Every consultation as of today: open ones by deadline (soonest first),
 * then past ones (latest deadline first); at most 500. */
db_status consultation_list(db *d, arena *a, const char *today, consultation_rec **out, size_t *n);

/* One consultation; *found false when there is none. */
db_status consultation_get(db *d, arena *a, int64_t id, const char *today, consultation_rec *out,
                           bool *found);

typedef struct consultation_input {
    const char *title_sr, *title_en;
    const char *institution; /* slug of a published entry, or "" for none */
    const char *url;         /* http(s), optional */
    const char *deadline_on; /* YYYY-MM-DD, required */
    const char *position;    /* the id of a position that answers it, or "" */
} consultation_input;

/* Adds (id 0; *new_id gets the row) or changes consultation id. Errors
 * under title_sr, title_en, institution (FE_INVALID: no such published
 * entry), url, deadline_on (FE_DATE), position (FE_INVALID: no such
 * position). A position given is linked (its consultation_id set) in the
 * same transaction. DB_DONE: no consultation id. */
db_status consultation_save(db *d, int64_t id, const consultation_input *in, int64_t actor,
                            const char *ip, int64_t *new_id, form_errors *errs);

/* Appends the consultations c[0..n) as one VCALENDAR (ical/, the one
 * writer) named name: each deadline a moment at 23:59 Belgrade of its day
 * with a reminder three days ahead, summary "<prefix><title>" in lang
 * (English title where given; Serbian text in Latin script but for
 * Cyrillic readers, as the pages show it), UID
 * consultation-ID@host, URL the consultation's own link, else base +
 * /consultations#consultation-ID (base may be NULL). A consultation whose
 * deadline is no date is left out. False on allocation failure. */
bool consultation_ics(buf *out, lang_id lang, const char *name, const char *prefix,
                      const consultation_rec *c, size_t n, const char *host, const char *base);

/* The weekly digest's section (a row of digest_sections[]): open
 * consultations whose deadline falls within CONSULTATION_DIGEST_DAYS of
 * the digest's day, for a reader who follows a cluster that owns a
 * position answering it, whose saved directory search names the sector of
 * such a position (sector=NN and a position tag nace:NN), or who is of the
 * secretariat (they keep the tracker). */
struct digest_reader;
struct digest_period;
struct digest_part;
db_status consultation_digest(db *d, arena *a, const struct digest_reader *r,
                              const struct digest_period *w, struct digest_part *out);

#endif
