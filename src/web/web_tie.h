/* web_tie.h: the consent of parties, participants and funders (0035,
 * 0044), as the agreement and project pages show it and the start page
 * lists it, and the one answer to a confirm/decline for pages and API
 * (web_tie.c). The write is tie_consent (model/tie.h); who may answer for
 * an organisation is rights_can(RIGHT_TIE_CONFIRM). */
#ifndef SCAN_WEB_TIE_H
#define SCAN_WEB_TIE_H

#include <stdbool.h>
#include <stdint.h>

#include "http/form.h"
#include "model/tie.h"
#include "http/request.h"
#include "web/web.h"

/* " (awaiting confirmation)" or " (declined: «reason»)" beside a name;
 * nothing for a confirmed one (consent NULL counts as confirmed). */
void web_tie_mark(req *r, const char *consent, const char *reason);
/* The two forms for one waiting organisation (name) posting to action:
 * confirm, and decline with an optional reason; error (or NULL) beside
 * the reason. kind goes with them as "as" (the tie_kind_code), so an
 * organisation that is both a participant and the funder of a project
 * answers for each. */
void web_tie_forms(req *r, const char *action, tie_kind kind, int64_t org_id, const char *name,
                   const char *error);
/* Reads org (a positive id), decision (confirm or decline) and as (a
 * tie_kind_code; empty: kinds[0]) of a posted consent form: false with a
 * 400 written when one is missing or wrong, or as is none of
 * kinds[0..n_kinds). */
bool web_tie_params(req *r, const form *f, const tie_kind *kinds, size_t n_kinds, int64_t *org,
                    tie_kind *kind, bool *accept);

/* What became of one answer (web_tie_decide). */
typedef enum {
    WEB_TIE_DONE,        /* stored */
    WEB_TIE_NOT_NAMED,   /* org is not so named in id (404) */
    WEB_TIE_FORBIDDEN,   /* the reader does not speak for org (403) */
    WEB_TIE_NOT_WAITING, /* its word was given already (409) */
    WEB_TIE_BAD_REASON,  /* the reason: too long or not one line (422) */
    WEB_TIE_FAILED,      /* the database failed: the 5xx is written */
} web_tie_outcome;
/* The one answer to a confirm (accept) or a decline (with reason) by the
 * reader for org being named in id as kind, for the pages and the API
 * alike: org must be so named in obj as the reader loaded it (an
 * agreement_rec for TIE_AGREEMENT_PARTY, else a project_rec) and in the
 * database (else NOT_NAMED, before any rights are told), the reader must
 * speak for it (RIGHT_TIE_CONFIRM), then tie_consent writes it. Only
 * FAILED writes a response; the caller words the others its own way
 * (HTML, JSON). */
web_tie_outcome web_tie_decide(req *r, tie_kind kind, const void *obj, int64_t id, int64_t org,
                               bool accept, const char *reason);
/* The posted consent form of a page: reads it (web_tie_params), decides
 * (web_tie_decide) and answers: a redirect to page?confirmed=1 or
 * ?declined=1, 404 with not_found, 403, 409, or (a bad reason) 422 by
 * again(r, obj, error), which shows the page with error beside the
 * reason. kinds[0] is the default kind. After a decline, when seen is
 * set and says the reader may no longer read the object (a private
 * project its organisation refused), the answer is a redirect to the
 * start page with a "declined" notice (notice.h) instead: the page would
 * be a 404 to them now. */
typedef struct web_tie_post {
    const tie_kind *kinds;
    size_t n_kinds;
    int64_t id;
    const char *page; /* "/projects/12" */
    const char *not_found;
    void (*again)(req *r, const void *obj, const char *error);
    const void *obj;
    bool (*seen)(req *r, int64_t id); /* may the reader still read it; NULL: always */
} web_tie_post;
void web_tie_answer(req *r, const form *f, const web_tie_post *p);
/* The start page's section: agreements and projects waiting for the
 * reader's word, then those of the reader's organisations waiting for
 * others' (the secretariat: every one waiting). */
bool web_tie_start(req *r, db_status *st);

#endif
