/* support.h: the log of what SCAN did for each cluster (issue 15):
 * consultations, trainings, introductions to partners, other help, and
 * the yearly report per cluster with counts per kind (the mentoring
 * meetings of the year count as support too).
 *
 * The secretariat adds entries by hand (support_add, its own audited
 * transaction); other modules add them inside their own write with
 * support_log_add (a training attended: source "event:<id>"), so the
 * entry and the change that caused it commit together. Only the
 * secretariat reads the log (the caller checks). */
#ifndef SCAN_SUPPORT_H
#define SCAN_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "valid/valid.h"

#define SUPPORT_NOTE_MAX   2000
#define SUPPORT_LINK_MAX   500
#define SUPPORT_SOURCE_MAX 100

extern const char *const support_kinds[]; /* consultation training introduction other */

/* Adds one entry INSIDE the caller's open write transaction (a tx_write
 * body): org_id a cluster or cluster initiative, date YYYY-MM-DD, kind one
 * of support_kinds, note required (at most SUPPORT_NOTE_MAX), link NULL or
 * an http(s) URL, source NULL or a short reference of what caused it
 * ("event:12"); an entry with the same (org_id, source) is kept as it is
 * (calling twice records once). actor is created_by (0: the system). No
 * audit row of its own: the caller's transaction has one. Refusals:
 * DB_CONSTRAINT with errors under org, given_on, kind, note, link (errs
 * may be NULL), nothing written. */
db_status support_log_add(db *d, int64_t org_id, const char *date, const char *kind,
                          const char *note, const char *link, const char *source, int64_t actor,
                          form_errors *errs);

/* The secretariat's own entry for the cluster with that slug, in one
 * audited transaction (support_add, entity "support", the entry's id).
 * Errors as support_log_add, org for an unknown cluster. */
db_status support_add(db *d, const char *org_slug, const char *date, const char *kind,
                      const char *note, const char *link, int64_t actor, const char *ip,
                      form_errors *errs);

typedef struct support_entry {
    int64_t id, org_id;
    const char *slug, *org_name, *org_name_en;
    const char *given_on, *kind, *note, *link, *source, *by_name;
    bool is_demo;
} support_entry;

/* Entries given in year (Belgrade dates), newest first; the mentoring
 * meetings of the year are included as kind "mentoring" (id 0, note the
 * other cluster's name), on the side of the mentee. */
db_status support_list(db *d, arena *a, int year, support_entry **out, size_t *n);

/* One cluster's line of the yearly report. */
typedef struct support_count {
    int64_t org_id;
    const char *slug, *org_name, *org_name_en;
    int64_t n[5]; /* consultation, training, introduction, other, mentoring meetings */
    int64_t total;
} support_count;

/* Counts per cluster and kind for year, by cluster name: every cluster
 * that had any entry or mentoring meeting (as mentee) that year. */
db_status support_report(db *d, arena *a, int year, support_count **out, size_t *n);

#endif
