/* digest.h: the weekly digest: one mail per person and ISO week, in their
 * language, text and HTML, made of sections that modules contribute.
 *
 * A section is a row of the table digest_sections[] in digest.c: a name,
 * the message of its heading, and a function that, given the reader and
 * the week, adds its items with digest_item(). The composer writes a
 * section's heading only when it added items, and a digest with no items
 * is not sent. Adding a section (funding calls, events, positions) is one
 * row and one function; nothing else changes.
 *
 * Sending is idempotent per person and week: digest_run() claims a row
 * (person, week) in digest_claim in the same transaction that queues the
 * mail, marks the week's events as carried and writes its audit row. The
 * claim is a primary key, not process memory, so a second run, a run on
 * another app server at the same moment, or a run after kill -9 finds the
 * claim (committed with its mail) or not (then nothing of it was stored)
 * and never sends twice nor loses a digest. */
#ifndef SCAN_DIGEST_H
#define SCAN_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "i18n/i18n.h"
#include "model/principal.h"

/* The ISO week a digest covers, in Europe/Belgrade. */
typedef struct digest_period {
    char week[10]; /* "2026-W49" */
    int64_t now;   /* when the digest is made: events up to it */
} digest_period;

/* Whom a digest is for. */
typedef struct digest_reader {
    int64_t person_id;
    const char *name, *email;
    lang_id lang; /* person.lang, else Serbian Cyrillic */
    secretariat_role sec;
} digest_reader;

/* What a section adds to: text and HTML items, and how many. */
typedef struct digest_part {
    buf text, html;
    int items;
    lang_id lang;
} digest_part;

/* Adds one item: text (in the reader's language already) and a local path
 * (may be NULL) it links to, made absolute with notify_base_url(). */
void digest_item(digest_part *p, const char *text, const char *href);

typedef db_status (*digest_section_fn)(db *d, arena *a, const digest_reader *r,
                                       const digest_period *w, digest_part *out);
typedef struct digest_section {
    const char *name; /* for logs and tests */
    msg_id title;     /* its heading */
    digest_section_fn fn;
} digest_section;

extern const digest_section digest_sections[];
extern const size_t digest_n_sections;

/* The period of the ISO week that holds unix time t (Belgrade). */
void digest_period_at(int64_t t, digest_period *w);

/* Composes r's digest for w: *subject, *text, *html (arena strings) and
 * *items (0: nothing to send, the strings are then NULL). unsub_token is
 * the unsubscribe token the footer links to (NULL: a placeholder, for
 * previews). Reads only. */
db_status digest_compose(db *d, arena *a, const digest_reader *r, const digest_period *w,
                         const char *unsub_token, const char **subject, const char **text,
                         const char **html, int *items);

/* When the weekly digest goes out: ISO weekday 1 (Monday) .. 7, hour 0..23,
 * Europe/Belgrade. */
typedef struct digest_schedule {
    int weekday, hour;
} digest_schedule;
#define DIGEST_SCHEDULE_DEFAULT ((digest_schedule){1, 7})

/* True when t is at or after this ISO week's scheduled time. */
bool digest_due(int64_t t, digest_schedule sch);

typedef struct digest_report {
    char week[10];
    bool not_due; /* the schedule's time has not come this week (no --now) */
    int readers;  /* people without a claim this week who get digests */
    int sent;     /* digests queued (dry run: that would be) */
    int empty;    /* nothing to say: not sent */
    int already;  /* claimed meanwhile by another run */
} digest_report;

/* Runs the week's digests: unless force, only when digest_due(); for each
 * person with an enabled account whose digest is not "never" and who has
 * no claim for the week, composes their digest and, when it has items,
 * claims (person, week), queues the mail with its List-Unsubscribe
 * headers and marks the events it carries, in one audited transaction
 * (digest_send) each. A person with nothing to say is found by composing
 * without a transaction, so they take no write lock. dry_run composes and
 * counts, writing nothing. Each person is a unit of work of its own
 * (db_end_request between them): call it from a job or the CLI, never
 * inside a request. */
db_status digest_run(db *d, digest_schedule sch, bool force, bool dry_run, digest_report *rep);

/* The digest job of `scan serve`: a thread with its own connection to
 * db_path that checks every minute and runs digest_run when due. Returns 0
 * or -1 after logging why. digest_job_stop wakes, joins and closes (a run
 * in progress stops after the person at hand: what it queued is committed,
 * the next run carries on); a no-op when none runs. Call both from one
 * thread. */
int digest_job_start(const char *db_path, digest_schedule sch);
void digest_job_stop(void);

#endif
