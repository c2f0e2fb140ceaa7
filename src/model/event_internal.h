/* event_internal.h: what event.c shares with event_reg.c (registering,
 * cancelling, colleagues, audience) and event_attend.c (attendance,
 * reminders). Not for other modules: they use event.h. */
#ifndef SCAN_EVENT_INTERNAL_H
#define SCAN_EVENT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "i18n/i18n.h"

/* What a registration, a cancel or attendance checks of its event. */
typedef struct event_state {
    bool found, cancelled;
    int64_t starts_at, capacity, cutoff; /* capacity 0: no limit; cutoff: last cancel */
} event_state;

/* The event's state, in the caller's transaction; es->found false when
 * there is no such event. */
db_status event_read_state(db *d, int64_t id, event_state *es);

/* How many registrations of the event are confirmed. */
db_status event_confirmed_count(db *d, int64_t event_id, int64_t *n);

/* Confirms waiting registrations, oldest first, while the event has room;
 * each promoted person is mailed. In the caller's transaction. */
db_status event_promote(db *d, int64_t event_id, const char *base_url);

/* Queues a mail about the event to one person in their language (tag):
 * subject and body from the catalog, with the event as an .ics attachment
 * when with_ics. In the caller's transaction. */
db_status event_mail(db *d, const char *to, const char *tag, const char *title_sr,
                     const char *title_en, int64_t event_id, const char *base_url,
                     msg_id subject_msg, msg_id body_msg, bool with_ics);

#endif
