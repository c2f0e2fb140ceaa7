/* post_stats.h: the cooperation board's statistics for the secretariat
 * (issue 13, "Statistics"): posts published per month by kind, topic and
 * sector; introductions made and accepted; the share of introductions
 * that cross clusters; the time from publishing to the first expression
 * of interest; and how posts ended (found a partner, no longer needed,
 * expired).
 *
 * Every statistic is one query over a period of whole months, grouped by
 * month in Europe/Belgrade (times are UTC in the database). The query
 * groups by UTC hour (an integer division, where SQLite's 'localtime' per
 * row cost half the time at 100,000 posts) and the hours are folded into
 * Belgrade months here: the zone's offsets are whole hours, so no hour
 * straddles a month's start. Dates that only exist in Belgrade time (the
 * day of an introduction, for memberships) use SQLite's 'localtime', the
 * process zone, which time_setup_zone() makes Belgrade. Each answers a grid: one row per
 * month of the period (empty months included, as zeros) and one column
 * per category, so the page draws a chart and a table from it and the
 * API returns the same numbers.
 *
 * Hidden posts (taken down by the secretariat) and introductions on them
 * are not counted anywhere; closed and expired posts are. Demo posts
 * count like the rest (post_stats_any_demo says whether any exist, so the
 * page can say the numbers are partly illustrative).
 *
 * Reads only; nothing here writes. Memory: grids live in the arena given. */
#ifndef SCAN_POST_STATS_H
#define SCAN_POST_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "i18n/i18n.h"
#include "valid/valid.h"

#define POST_STATS_MAX_MONTHS  120 /* a period is at most ten years */
#define POST_STATS_DEFAULT     12  /* months shown when no period is asked */
#define POST_STATS_TOP_SECTORS 6   /* sectors named before "other" */

/* A period of whole months in Belgrade, from..to inclusive. */
typedef struct post_stats_period {
    char from[8], to[8]; /* "YYYY-MM" */
    int64_t t0, t1;      /* UTC seconds: the first instant of from, and of the month after to */
    size_t n_months;     /* 1..POST_STATS_MAX_MONTHS */
    char months[POST_STATS_MAX_MONTHS][8];     /* "YYYY-MM", ascending */
    int64_t starts[POST_STATS_MAX_MONTHS + 1]; /* UTC first instant of each month, then t1 */
} post_stats_period;

/* Reads the period from the "from" and "to" query values (NULL or "" =
 * absent) through a valid_table: each a month written YYYY-MM (years
 * 2000..2199), from not after to, at most POST_STATS_MAX_MONTHS months.
 * Absent to is the current month (Belgrade, time_now); absent from is
 * POST_STATS_DEFAULT - 1 months before to. Errors go into errs under
 * "from" and "to" (FE_INVALID: not a month; FE_DATE_ORDER: to before from;
 * FE_RANGE: too long, max in .max) and the function returns false. */
bool post_stats_period_parse(arena *a, const char *from, const char *to, post_stats_period *p,
                             form_errors *errs);
/* The error worded for the reader, naming what to write ("Write the month
 * as YYYY-MM, for example 2026-03."). */
void post_stats_error_text(buf *out, lang_id lang, const form_error *e);

/* One statistic: v[m * n_cols + c] is the value of column c in month m
 * (period->months[m]). cols are the column keys (static or arena text). */
typedef struct post_stats_grid {
    size_t n_months, n_cols;
    const char **cols;
    int64_t *v;
} post_stats_grid;
#define POST_STATS_AT(g, m, c) ((g)->v[(m) * (g)->n_cols + (c)])

/* Posts published per month (by published_at) by kind: cols "offer",
 * "request". */
db_status post_stats_kinds(db *d, arena *a, const post_stats_period *p, post_stats_grid *g);
/* The same by topic: cols are post_topics, in their order. */
db_status post_stats_topics(db *d, arena *a, const post_stats_period *p, post_stats_grid *g);
/* The same by sector: a post counts once, in the NACE section (the
 * letter) of its lowest NACE division. cols are the top_n sections with
 * the most posts over the period (ties by letter), then "other" (the rest
 * of the sections) and "none" (posts without a NACE code). */
db_status post_stats_sectors(db *d, arena *a, const post_stats_period *p, size_t top_n,
                             post_stats_grid *g);
/* Introductions (expressions of interest) made per month (by created_at)
 * and how they stand now: cols "made", "accepted", "declined", "pending". */
db_status post_stats_intros(db *d, arena *a, const post_stats_period *p, post_stats_grid *g);
/* Introductions per month by whether they cross clusters: cols
 * "introductions", "cross", "same", "unknown". The requester's
 * organisations are the request's org_id and every organisation the
 * requester was affiliated with when they asked; an introduction is
 * "same" when one of them and the post's organisation share a cluster on
 * that day (Belgrade), by match.c's rule for the matching bonus: an
 * organisation's clusters are itself and the clusters it is an accepted
 * member of (cluster_member rows, joined by then and not left); "cross"
 * when none does; "unknown" when the requester had no organisation. */
db_status post_stats_cross(db *d, arena *a, const post_stats_period *p, post_stats_grid *g);
/* Time from publishing to the first expression of interest, per month of
 * publishing: cols "posts", "with_interest", "without", "median_s",
 * "p90_s" (seconds; -1 when no post of the month has had interest). The
 * percentiles are nearest-rank: the ceil(q * n)-th smallest wait. */
db_status post_stats_first_interest(db *d, arena *a, const post_stats_period *p,
                                    post_stats_grid *g);
/* How posts ended, per month: cols "found_partner", "no_longer_needed"
 * (closed by the author, by the month of closed_at) and "expired" (still
 * open but valid_until before today, by the month of valid_until). */
db_status post_stats_closures(db *d, arena *a, const post_stats_period *p, post_stats_grid *g);

/* Whole days from seconds, rounded half up (the page's and the API's
 * waiting times). */
int64_t post_stats_days(int64_t seconds);

/* Whether any post not hidden is demo data (is_demo). */
db_status post_stats_any_demo(db *d, bool *yes);

#endif
