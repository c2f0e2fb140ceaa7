/* web_call_internal.h: what the call pages (web_call.c) and the call's
 * form (web_call_form.c) share; no other file includes it. */
#ifndef SCAN_WEB_CALL_INTERNAL_H
#define SCAN_WEB_CALL_INTERNAL_H

#include <stdbool.h>

#include "http/request.h"
#include "model/call.h"

/* The reader may edit calls (the secretariat: RIGHT_CALL_EDIT). */
bool wcall_may_edit(req *r);
/* The call's title in the reader's language and script. */
const char *wcall_title(req *r, const call_rec *c);
/* The place a reader knows for the zone tz ("Brussels, EU"), from the
 * form's list of zones; tz itself for a zone not on it (web_call_form.c). */
const char *wcall_zone_place(req *r, const char *tz);
/* Loads the call {id}; one not published only for those who may edit it
 * (writes the 404 or 5xx itself). */
bool wcall_load(req *r, call_rec *c);

#endif
