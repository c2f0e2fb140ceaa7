/* demo.h: demonstration data for `scan init --demo` and `make run`.
 *
 * Loads once (remembered in app_meta) inside one transaction; every row it
 * creates is marked as demo data so pages can say so. Each entity module
 * adds its own part as it arrives (directory, clusters, figures). */
#ifndef SCAN_DEMO_H
#define SCAN_DEMO_H

#include "core/buf.h"
#include "db/db.h"

/* Loads the demo data unless already loaded. *loaded is 1 when it loaded
 * now, 0 when it was there already. On failure nothing is written and err
 * says why. */
db_status demo_load(db *d, int *loaded, buf *err);
/* The illustrative events and their registrations (demo_events.c), in
 * demo_load's transaction. */
db_status demo_load_events(db *d, buf *err);
/* demo_calls.c: ten illustrative funding calls (issue 14). */
db_status demo_load_calls(db *d, buf *err);
/* The founders' illustrative self-assessments of 2025 and 2026
 * (demo_assess.c), in demo_load's transaction after the clusters. */
db_status demo_load_assessments(db *d, buf *err);
/* The illustrative development plan, mentoring pair and support log
 * (demo_devplan.c), in demo_load's transaction. */
db_status demo_load_devplan(db *d, buf *err);
/* Two illustrative cluster initiatives at different points of readiness
 * (demo_initiatives.c), in demo_load's transaction after the members. */
db_status demo_load_initiatives(db *d, buf *err);
/* The illustrative reference employment by district and NACE section
 * for the location quotient (demo_panorama.c, is_demo), in demo_load's
 * transaction. */
db_status demo_load_ref_employment(db *d, buf *err);

/* Two illustrative consultations and meetings with the demo ministry
 * (demo_advocacy.c), in demo_load's transaction after the directory. */
db_status demo_load_advocacy(db *d, buf *err);
/* Six illustrative agreements and partners' contact persons
 * (demo_agreements.c), in demo_load's transaction after the directory. */
db_status demo_load_agreements(db *d, buf *err);
/* A one-page PDF whose page says line (ASCII, no parentheses), with an
 * exact cross-reference table: pdf_check accepts it. Replaces b's bytes. */
void demo_agreement_pdf(buf *b, const char *line);
/* Twelve illustrative joint projects over five years (demo_projects.c),
 * in demo_load's transaction after the members. */
db_status demo_load_projects(db *d, buf *err);
/* Four illustrative advocacy positions (demo_positions.c), in demo_load's
 * transaction, after the clusters and their figures. */
db_status demo_load_positions(db *d, buf *err);
/* Illustrative news (one scheduled, one withdrawn), subscribers and one
 * sent newsletter issue (demo_news.c), in demo_load's transaction. */
db_status demo_load_news(db *d, buf *err);

#endif
