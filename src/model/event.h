/* event.h: trainings, workshops, conferences, B2B meetings and study
 * visits, and registrations with a capacity and a waiting list
 * (issue 15).
 *
 * An event belongs to its organiser, a directory entry (SCAN, a cluster, a
 * partner): whoever may edit that entry (RIGHT_ORG_EDIT) creates and edits
 * its events and sees their participants; the caller checks that right.
 * Any logged-in person registers themselves. While the event has room a
 * registration is confirmed, else it waits; cancelling a confirmed one
 * (until the cut-off) promotes the oldest waiting registration in the same
 * transaction and mails the promoted person through the outbox. Raising
 * the capacity promotes as many as fit; lowering it below the confirmed
 * count is refused. SQLite's single writer makes "count, then insert" in
 * one write transaction exact under any number of concurrent requests.
 *
 * Every write is one tx_write body with its audit row (entity "event";
 * actions event_create, event_update, event_register, event_cancel).
 * Refusals come back with DB_CONSTRAINT and nothing written: form errors
 * under the field names for event data, an event_refusal for
 * registrations. Times are UTC seconds. */
#ifndef SCAN_EVENT_H
#define SCAN_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "valid/valid.h"

/* Lengths in characters. */
#define EVENT_TITLE_MAX    200
#define EVENT_TEXT_MAX     10000
#define EVENT_PLACE_MAX    300
#define EVENT_CAPACITY_MAX 100000

extern const char *const event_kinds[];     /* training workshop conference b2b study_visit */
extern const char *const event_languages[]; /* sr en sr_en */
extern const char *const event_audiences[]; /* managers members everyone */

/* Whether kind is one of event_kinds (the list filters' check). */
bool event_kind_known(const char *kind);
/* Whether audience is one of event_audiences. */
bool event_audience_known(const char *audience);

typedef struct event_rec {
    int64_t id;
    const char *kind, *language, *audience, *status;
    int64_t organiser_id;
    const char *organiser_slug, *organiser_name, *organiser_name_en;
    const char *title_sr, *title_en, *description_sr, *description_en;
    const char *place, *online_url;
    int64_t starts_at, ends_at;
    int64_t capacity;     /* 0: no limit */
    int64_t cancel_until; /* 0: until the start */
    int64_t confirmed, waiting;
    bool is_demo;
    int64_t created_at, created_by, updated_at, updated_by;
} event_rec;

/* What a form or the API sends for a new or changed event. Times are
 * already UTC seconds (0 = not given); the web layer reads Belgrade local
 * times. */
typedef struct event_input {
    const char *kind, *language, *audience;
    int64_t organiser_id;
    const char *title_sr, *title_en, *description_sr, *description_en;
    const char *place, *online_url;
    int64_t starts_at, ends_at, capacity, cancel_until;
    bool cancelled; /* status: cancelled (updates only) */
} event_input;

typedef enum {
    EVENT_NONE = 0, /* no registration, or a cancelled one */
    EVENT_CONFIRMED,
    EVENT_WAITING,
} event_place;

typedef struct event_registrant {
    int64_t id, person_id;
    const char *name, *email, *org_name;
    const char *state; /* confirmed, waiting, cancelled */
    int64_t queued_at, confirmed_at, cancelled_at;
    int attended; /* -1 not marked, 0, 1 */
} event_registrant;

typedef struct event_filter {
    bool past;            /* past events, newest first; else upcoming, soonest first */
    const char *kind;     /* NULL: any */
    const char *audience; /* NULL: any; else one of event_audiences */
    int64_t organiser_id; /* 0: any */
    int64_t from, to;     /* starts_at within [from, to), 0 = open (a month filter) */
    int limit;            /* at most 200 */
    int64_t after_start;  /* keyset: rows after (after_start, after_id) */
    int64_t after_id;
} event_filter;

/* The rules every input obeys (also the API's): errors under the field
 * names kind, organiser, title_sr, title_en, description_sr,
 * description_en, place, online_url, starts_at, ends_at, language,
 * audience, capacity, cancel_until. now: the current time (new events may
 * not start in the past). */
void event_check(const event_input *in, int64_t now, bool is_new, form_errors *errs);

/* Creates an event on behalf of actor; *id the new id. */
db_status event_create(db *d, const event_input *in, int64_t actor, const char *ip, int64_t *id,
                       form_errors *errs);
/* Saves an event; a capacity below the confirmed count is refused
 * (capacity), a higher one promotes waiting registrations. base_url (may
 * be NULL) goes into the promotion mails. */
db_status event_update(db *d, int64_t id, const event_input *in, int64_t actor, const char *ip,
                       const char *base_url, form_errors *errs);
/* One event with its counts; *found false when there is none. */
db_status event_get(db *d, arena *a, int64_t id, event_rec *out, bool *found);
/* Events by filter, with their counts. */
db_status event_list(db *d, arena *a, const event_filter *f, event_rec **out, size_t *n);

typedef enum {
    EVENT_OK = 0,
    EVENT_NO_SUCH,        /* no such event */
    EVENT_IS_CANCELLED,   /* the organiser cancelled the event */
    EVENT_HAS_BEGUN,      /* registration closes at the start */
    EVENT_ALREADY,        /* already registered (confirmed or waiting) */
    EVENT_NOT_REGISTERED, /* nothing to cancel */
    EVENT_CUTOFF_PASSED,  /* a confirmed place can no longer be given back */
    EVENT_NOT_AUDIENCE,   /* the person is not in the event's audience (a 403) */
    EVENT_NOT_COLLEAGUE,  /* the registrar does not represent an organisation of the person */
    EVENT_NOT_STARTED,    /* attendance is marked once the event has started */
} event_refusal;

/* Registers person (for themselves) and says where they stand in *place.
 * Refused (*why) when the event is cancelled, has begun, or the person is
 * already registered. */
db_status event_register(db *d, int64_t event_id, int64_t person, const char *ip,
                         event_place *place, event_refusal *why);
/* Cancels person's registration; refused after the cut-off for a
 * confirmed place (a waiting one may always leave). A freed place goes to
 * the oldest waiting registration, who is mailed (links to base_url). */
db_status event_cancel(db *d, int64_t event_id, int64_t person, const char *ip,
                       const char *base_url, event_refusal *why);
/* Where person stands for event_id, and their place in the waiting list
 * (1 = next) in *queue_pos when waiting. */
db_status event_place_of(db *d, int64_t event_id, int64_t person, event_place *place,
                         int64_t *queue_pos);
/* Registrations of an event, confirmed first, then the waiting list in
 * order, then the cancelled ones. */
db_status event_registrants(db *d, arena *a, int64_t event_id, event_registrant **out, size_t *n);

typedef struct event_organiser {
    int64_t id;
    const char *slug, *name, *name_en;
} event_organiser;

/* Entries person may organise events for: the published entries other
 * than companies when all (the secretariat), else the entries they
 * currently manage or represent. */
db_status event_organisers(db *d, arena *a, int64_t person, bool all, event_organiser **out,
                           size_t *n);

/* The upcoming events person is registered for or waits for, soonest
 * first, at most 20; each item's confirmed count holds 1 when the
 * person's place is confirmed, 0 when waiting. */
db_status event_mine(db *d, arena *a, int64_t person, event_rec **out, size_t *n);

/* The cut-off for cancelling a confirmed place. */
int64_t event_cancel_deadline(const event_rec *e);

/* --- colleagues, audience, attendance, reminders (0022) ------------------------- *
 *
 * Audience: "everyone" is any logged-in person; "managers" a person on the
 * management team of a cluster or cluster initiative (a current 'manager'
 * affiliation) or the secretariat (admin or editor); "members" those and
 * anyone currently affiliated (representative or manager) with an
 * organisation that is a current, accepted member (a cluster_member row)
 * of a cluster or cluster initiative. A colleague of a representative of
 * organisation O is anyone currently affiliated with O; the registration
 * records O (org_id) and the representative (registered_by), who may
 * cancel it as the colleague may. */

/* Whether person belongs to audience (one of event_audiences). */
db_status event_audience_allows(db *d, const char *audience, int64_t person, bool *yes);

/* Registers person on behalf of registrar: registrar == person is
 * event_register; else registrar must represent an organisation person is
 * currently affiliated with (EVENT_NOT_COLLEAGUE). Person must be in the
 * event's audience (EVENT_NOT_AUDIENCE). Same capacity and waiting list;
 * person is mailed in their language: a confirmation with the event as an
 * .ics attachment, or that they wait. base_url NULL: notify_base_url(). */
db_status event_register_as(db *d, int64_t event_id, int64_t person, int64_t registrar,
                            const char *ip, const char *base_url, event_place *place,
                            event_refusal *why);
/* Cancels person's registration on behalf of actor: actor is person or the
 * one who registered them (EVENT_NOT_REGISTERED otherwise); rules as
 * event_cancel. */
db_status event_cancel_as(db *d, int64_t event_id, int64_t person, int64_t actor, const char *ip,
                          const char *base_url, event_refusal *why);

typedef struct event_colleague {
    int64_t person_id, org_id;
    const char *name, *org_name;
} event_colleague;

/* The people registrar may register (current affiliations with the
 * organisations registrar represents, registrar left out), by name. */
db_status event_colleagues(db *d, arena *a, int64_t registrar, event_colleague **out, size_t *n);
/* The live registrations (confirmed, waiting) registrar made for others
 * at event_id; state and name filled as event_registrants. */
db_status event_registered_by(db *d, arena *a, int64_t event_id, int64_t registrar,
                              event_registrant **out, size_t *n);

/* Marks attendance after the event has started (EVENT_NOT_STARTED
 * before): the confirmed registrations whose ids are in attended[] attended,
 * every other confirmed one did not. One transaction (audit
 * event_attendance). */
db_status event_mark_attendance(db *d, int64_t event_id, const int64_t *attended, size_t n_attended,
                                int64_t actor, const char *ip, event_refusal *why);

/* Reads for the support log and the self-assessment: how many attended
 * registrations of people affiliated with org_id (or made on its behalf)
 * for events starting in [from, to); how many events org_id organised
 * (not cancelled) that started in [from, to). */
db_status event_attended_count(db *d, int64_t org_id, int64_t from, int64_t to, int64_t *n);
db_status event_held_count(db *d, int64_t org_id, int64_t from, int64_t to, int64_t *n);

typedef struct event_attendance_row {
    int64_t event_id, starts_at, attendees;
    const char *kind, *title_sr, *title_en;
} event_attendance_row;
/* The events people of org_id attended in [from, to), oldest first, with
 * how many attended (the support log's rows). */
db_status event_attendance_of(db *d, arena *a, int64_t org_id, int64_t from, int64_t to,
                              event_attendance_row **out, size_t *n);

/* When the reminder of an event starting at starts_at is due: 08:00
 * Europe/Belgrade on the calendar day before its start (00:00 when
 * early). */
int64_t event_remind_due(int64_t starts_at, bool early);

/* Queues the reminder of every confirmed registration whose event starts
 * after now and whose reminder is due at now (event_remind_due), each
 * once: the registration's reminded_at is set in the transaction that
 * queues its mail, so running twice sends once. dry_run counts without
 * writing. *sent: how many reminders (would) go out. */
db_status event_remind_run(db *d, int64_t now, bool early, bool dry_run, const char *base_url,
                           int *sent);

#endif
