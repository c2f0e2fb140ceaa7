/* web_project.h: what the project pages share (web_project.c,
 * web_project_stats.c, api_project.c), and web_projects_section() for
 * the profiles. */
#ifndef SCAN_WEB_PROJECT_H
#define SCAN_WEB_PROJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "http/request.h"
#include "model/project.h"
#include "web/web.h"

/* Who reads, for the model's visibility rule. */
project_viewer web_project_viewer(req *r);
/* Anonymous readers' pages from the page cache, keyed by name, language
 * and query, at the directory's data version (project writes bump it):
 * true when the answer is written (a hit, or a 5xx). Else *key (NULL for
 * a logged-in reader or a download) and *version are for
 * web_project_cache_keep() after the page is written. */
bool web_project_cache(req *r, const char *name, const char **key, int64_t *version);
void web_project_cache_keep(req *r, const char *key, int64_t version);
/* The catalog label of a project status code (the code when unknown). */
const char *web_project_status_label(lang_id L, const char *code);
/* project_input from a posted form; parts (n_parts of them) already read. */
void web_project_input(req *r, const form *f, project_input *in, project_part_in *parts,
                       size_t n_parts);
/* The entry named as lead in in (id; 0 none or unknown; -1 on a database
 * error). */
int64_t web_project_new_lead(req *r, const project_input *in);

/* The model's refusals as sentences in the reader's language, by field
 * (the specific words first, then the generic ones). */
void web_project_word_errors(req *r, const form_errors *fe, web_errs *e);

/* Writes an entry's projects (those the reader may see; at most 50, newest
 * first) as a profile section with its heading; false (nothing written)
 * when there are none or they cannot be read. For the Relations section
 * of a cluster's or organisation's profile. */
bool web_projects_section(req *r, int64_t org_id);

/* A funder's part of a profile (donors and public authorities with calls
 * or funded projects): the calls it publishes (open ones, links to all and
 * to the archive) and the projects it funds (as the reader may see them).
 * False, nothing written, for any other entry: that one gets "calls you
 * can apply for" instead (web_org_view.c). A read failure answers 5xx. */
struct org_rec;
bool web_funder_section(req *r, const struct org_rec *o);

/* POST /projects/{id}/consent: a participant confirms or declines (0035). */
void web_project_consent(req *r);

/* Handlers (routes.c). */
void web_project_list(req *r);
void web_project_new_form(req *r);
void web_project_create(req *r);
void web_project_page(req *r);
void web_project_edit_form(req *r);
void web_project_update(req *r);
void web_project_portfolio(req *r);
void web_network(req *r);
void api_project_list(req *r);
void api_project_get(req *r);
void api_project_create(req *r);
void api_project_update(req *r);
void api_project_consent(req *r);

#endif
