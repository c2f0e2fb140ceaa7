/* web_event.h: what the event pages (web_event*.c) share, and nobody
 * else; defined in web_event.c. The pages themselves are declared in
 * web.h. */
#ifndef SCAN_WEB_EVENT_H
#define SCAN_WEB_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "model/event.h"
#include "model/org.h"
#include "web/web.h"

/* The catalog labels of the event kinds, languages and audiences, parallel
 * to event_kinds, event_languages and event_audiences (model/event.h). */
extern const msg_id web_event_kind_msgs[];
extern const msg_id web_event_lang_msgs[];
extern const msg_id web_event_audience_msgs[];

/* The label of code among codes (parallel to msgs), or the code itself
 * ("" for NULL). */
const char *web_event_label(req *r, const char *const *codes, const msg_id *msgs, const char *code);
/* The event's title in the reader's language (web_org_text). */
const char *web_event_title(req *r, const event_rec *e);
/* The event named by {id} into e (arena), or a 404 / 5xx written and
 * false. */
bool web_event_load(req *r, event_rec *e);
/* The filters the events page and GET /api/v1/events both read from the
 * query: kind and audience (known codes) and organiser (a published
 * directory entry's slug), into f; *org gets the organiser's entry, its
 * slug NULL when none was asked for. A bad one gets its 400 or 404 (the
 * field named, in English as the API's) or a 5xx, written here, and false. */
bool web_event_filter_query(req *r, event_filter *f, org_rec *org);
/* Whether the reader may organise events of entry organiser_id (edit it:
 * RIGHT_ORG_EDIT). */
bool web_event_may_organise(req *r, int64_t organiser_id);
/* web_event_load, then the 403 written and false unless the reader may
 * organise the event (the organiser's pages: form, update, participants). */
bool web_event_load_organised(req *r, event_rec *e);

#endif
