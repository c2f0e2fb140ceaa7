/* web_advocacy.h: the pages of advocacy's second half (issue 16):
 * a position's timeline and its submission, answer and meeting forms
 * (web_position_timeline.c), the consultations tracker and its feed
 * (web_consultation.c), an institution's stakeholder section
 * (web_stakeholder.c), the Atom feed of submitted positions and the
 * secretariat's overview (web_advocacy.c). Shared helpers live in
 * web_position_timeline.c. */
#ifndef SCAN_WEB_ADVOCACY_H
#define SCAN_WEB_ADVOCACY_H

#include <stdbool.h>

#include "http/request.h"
#include "model/submission.h"
#include "web/web.h"

/* Handlers (routes.c). */
void web_position_timeline_page(req *r);
void web_position_submission_add(req *r);
void web_position_answer_add(req *r);
void web_position_meeting_add(req *r);
void web_consultations(req *r);
void web_consultation_create(req *r);
void web_consultation_update(req *r);
void web_consultations_ics(req *r);
void web_stakeholder_page(req *r);
void web_stakeholder_meeting_add(req *r);
void web_positions_atom(req *r);
void web_advocacy_overview(req *r);
void api_consultation_list(req *r);
void api_consultation_get(req *r);
void api_consultation_create(req *r);
void api_consultation_patch(req *r);
void api_submission_list(req *r);
void api_submission_create(req *r);
void api_submission_answer(req *r);

/* Writes a position's timeline as a <section> (steps, submissions,
 * answers, "no answer after N days", meetings in date order). Meeting
 * notes appear only when tl was read with notes (the secretariat).
 * Engineer 4's position page calls this with the timeline it read by
 * submission_timeline(). */
void web_position_timeline(req *r, const position_head *p, const position_timeline *tl);

/* Writes the stakeholder section of institution org_id (slug its
 * address): the positions addressed to it with their outcomes, the
 * meetings held with it (notes for the secretariat), its contact persons,
 * and for the secretariat the form of a new meeting (typed/errs: a
 * refused form shown again; NULL otherwise). Meant for the institution's
 * profile page. False when a read failed (r->out then holds a 5xx). */
bool web_stakeholder_section(req *r, int64_t org_id, const char *slug, const form *typed,
                             const web_errs *errs);

/* --- shared (web_position_timeline.c) --- */
/* The reader is of the secretariat (admin or editor; a read token too). */
bool web_adv_secretariat(req *r);
/* The reader may record for position p (RIGHT_ADVOCACY_RECORD on its owner). */
bool web_adv_may_record(req *r, const position_head *p);
/* Words of codes in the reader's language. */
const char *web_adv_stage_label(lang_id L, const char *stage);
const char *web_adv_outcome_label(lang_id L, const char *outcome);
const char *web_adv_channel_label(lang_id L, const char *channel);
/* A select of the institutions (name = "institution", values slugs). */
void web_adv_institution_select(req *r, const char *id, const institution_choice *c, size_t n,
                                const char *value, const char *error);
/* The model's refusals worded for the fields, then the generic ones. */
void web_adv_errors(req *r, const form_errors *fe, web_errs *e);

#endif
