/* web_tie.h: the consent of parties and participants (0035), as the
 * agreement and project pages show it and the start page lists it
 * (web_tie.c). The model is agreement.h's and project.h's consent part;
 * who may confirm for an organisation is rights_can(RIGHT_TIE_CONFIRM). */
#ifndef SCAN_WEB_TIE_H
#define SCAN_WEB_TIE_H

#include <stdbool.h>
#include <stdint.h>

#include "http/form.h"
#include "http/request.h"
#include "web/web.h"

/* " (awaiting confirmation)" or " (declined: «reason»)" beside a name;
 * nothing for a confirmed one (consent NULL counts as confirmed). */
void web_tie_mark(req *r, const char *consent, const char *reason);
/* The two forms for one waiting organisation (name) posting to action:
 * confirm, and decline with an optional reason; error (or NULL) beside
 * the reason. */
void web_tie_forms(req *r, const char *action, int64_t org_id, const char *name, const char *error);
/* Reads org (a positive id) and decision (confirm or decline) of a
 * posted consent form into *org: false with a 400 written when either is
 * missing or wrong. */
bool web_tie_params(req *r, const form *f, int64_t *org);
/* The start page's section: agreements and projects waiting for the
 * reader's word, then those of the reader's organisations waiting for
 * others' (the secretariat: every one waiting). */
bool web_tie_start(req *r, db_status *st);

#endif
