/* web_project_internal.h: what the project pages (web_project.c) and the
 * project's form (web_project_form.c) share; no other file includes it. */
#ifndef SCAN_WEB_PROJECT_INTERNAL_H
#define SCAN_WEB_PROJECT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "http/request.h"
#include "i18n/i18n.h"
#include "model/project.h"

/* The reader's word for a participant's role code. */
const char *wproj_role_label(lang_id L, const char *code);
/* The project's title in the reader's language and script. */
const char *wproj_title(req *r, const project_rec *p);
/* The reader may edit a project led by lead. */
bool wproj_may_edit(req *r, int64_t lead);
/* Whether the reader could ever save a new project: the secretariat, or
 * someone who may lead one (RIGHT_PROJECT_EDIT for some entry). */
bool wproj_may_start(req *r);
/* The path's {id} as a positive integer (writes the 404 otherwise). */
bool wproj_param_id(req *r, int64_t *id);
/* Loads the project {id} as the reader may see it; false after the 404. */
bool wproj_load(req *r, project_rec *p);

#endif
