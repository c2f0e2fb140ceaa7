/* verify.h: the secretariat's verification queue: figure rows nobody has
 * verified yet, filtered by cluster, year and source, and verifying many
 * of them at once.
 *
 * figures.c keeps the figures and verifies one row (figures_verify, the
 * button on an organisation's figures page); this module reads the rows
 * across the platform and verifies a chosen set in one transaction with
 * one audit row per figure row (figure_verify, as the single button
 * writes), so the log still says who verified which row. Rights are the
 * caller's (RIGHT_FIGURES_VERIFY: the secretariat). */
#ifndef SCAN_VERIFY_H
#define SCAN_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"

/* Zero (NULL) fields do not filter. cluster_id: rows of organisations that
 * were members of that cluster in the row's year (a membership that
 * overlaps it, as the totals count). */
typedef struct verify_filter {
    int64_t cluster_id;
    int year;
    const char *source; /* self_reported, business_register, estimate */
} verify_filter;

/* One unverified row, with what the secretariat checks it against. Money
 * in euro cents, -1 when not given (employees too). Arena strings. */
typedef struct verify_row {
    int64_t id, org_id, employees, revenue_eur, exports_eur, rnd_eur, rate_e4, entered_at;
    int year;
    bool is_demo;
    const char *source, *org_slug, *org_name, *org_name_en;
    const char *entered_by; /* the person's name; NULL for an import by the system */
} verify_row;

/* At most VERIFY_PAGE rows: the newest year first, then by organisation
 * name. */
enum { VERIFY_PAGE = 200, VERIFY_MAX_IDS = 500 };

/* The unverified rows matching f into *rows (arena, *n of them, at most
 * VERIFY_PAGE) and how many match in all into *total. */
db_status verify_queue(db *d, arena *a, const verify_filter *f, verify_row **rows, size_t *n,
                       int64_t *total);

/* The years with unverified rows, newest first (arena ints, *n). */
db_status verify_queue_years(db *d, arena *a, int **years, size_t *n);

/* A cluster to filter by: the clusters and cluster initiatives of the
 * directory (not archived), by folded name. */
typedef struct verify_cluster {
    int64_t id;
    const char *slug, *name, *name_en;
} verify_cluster;
db_status verify_clusters(db *d, arena *a, verify_cluster **items, size_t *n);

/* Marks the n_ids rows ids[] verified by actor_id, in one transaction:
 * per row that is not yet verified, the update and an audit row
 * figure_verify; rows already verified (by someone else meanwhile) are
 * left as they are and counted in *already. DB_DONE when any id is not a
 * figure row (nothing is stored); DB_OK with *done verified now. Bumps the
 * figures version when anything changed. n_ids is at most VERIFY_MAX_IDS
 * (the caller refuses more); duplicates count once. */
db_status verify_figures(db *d, const int64_t *ids, size_t n_ids, int64_t actor_id, const char *ip,
                         size_t *done, size_t *already);

#endif
