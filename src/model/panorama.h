/* panorama.h: the numbers of the public face of Serbian clusters (issue
 * 17): the directory counted by district (the map), population per
 * district (per capita measures), the location quotient from the
 * reference employment table (ref_employment, loaded by `scan ref
 * import`), every cluster with its stage, sector, region, members and
 * employees (/panorama), the stage distribution over the years, and the
 * upcoming events and open funding calls of the home page.
 *
 * Money and yearly figures come from figures.h (figures_total with its
 * once-only counting); this module adds only what figures does not
 * count. Pure arithmetic (panorama_lq, panorama_per_capita) is integer
 * only and unit-tested. Everything returned lives in the caller's arena. */
#ifndef SCAN_PANORAMA_H
#define SCAN_PANORAMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"

/* The location quotient in hundredths (142 = 1.42): the share of a part
 * (a sector's employment) in a local total (the district's employment)
 * over the share of the same part in the reference total (the country):
 * (part_local / total_local) / (part_ref / total_ref), rounded half up,
 * exact in 128-bit arithmetic. -1 when it is undefined (a total or
 * part_ref not positive, a negative part). */
int64_t panorama_lq(int64_t part_local, int64_t total_local, int64_t part_ref, int64_t total_ref);
/* Whether the quotient is above 1 exactly (not after rounding):
 * part_local * total_ref > part_ref * total_local, with the same
 * conditions as panorama_lq. */
bool panorama_lq_above_one(int64_t part_local, int64_t total_local, int64_t part_ref,
                           int64_t total_ref);
/* value per `per` inhabitants in tenths (per 100,000: 123 = 12.3),
 * rounded half up; -1 when population is not positive or value
 * negative. */
int64_t panorama_per_capita(int64_t value, int64_t population, int64_t per);

/* One district with its directory counts (published entries) and its
 * population (latest census row; -1 when none). */
typedef struct pano_district {
    const char *code, *label_en, *label_sr;
    int64_t orgs;        /* published entries in the district */
    int64_t clusters;    /* of them, kind 'cluster' */
    int64_t population;  /* -1: unknown */
    int population_year; /* 0 when unknown */
    const char *pop_source;
} pano_district;

/* Every district of ref_district in its order with the counts above. */
db_status panorama_districts(db *d, arena *a, pano_district **items, size_t *n);

/* --- location quotient ------------------------------------------------------ */

/* One district and NACE section of the reference table for a year. */
typedef struct pano_lq {
    const char *district, *nace;
    int64_t employees;     /* in the section and district */
    int64_t lq;            /* hundredths; -1 undefined */
    bool above_one;        /* exactly above 1 */
    int64_t district_sort; /* the district's place in ref_district */
} pano_lq;

/* The newest year of ref_employment (0 when the table is empty), whether
 * any of its rows is illustrative demo data, and its source (arena). */
db_status panorama_lq_year(db *d, arena *a, int *year, bool *is_demo, const char **source);
/* Every (district, section) of year whose quotient is above 1, by
 * district order then quotient descending. */
db_status panorama_lq_specialised(db *d, arena *a, int year, pano_lq **items, size_t *n);
/* One cell of employment by district and NACE section (district NULL:
 * the whole country); sort orders districts (ref_district.sort). */
typedef struct pano_cell {
    const char *district, *nace;
    int64_t employees;
    int64_t sort;
} pano_cell;

/* The sectors in which SCAN members' employment is concentrated beyond the
 * national share (issue 17; the map): for each (district, section) of
 * members, LQ = (members' employment in the section there / members'
 * employment there in all known sections) / (the section's national
 * employment / national employment). members: cells of members'
 * employment (a '?' district or section is left out of both the part and
 * the local total); national: the reference employment by section (its
 * district is ignored, equal sections add up). Writes those exactly above
 * 1 to out (room for n_members), by district sort, then quotient
 * descending, then section; returns how many. Pure: unit-tested on
 * hand-made cells. */
size_t panorama_lq_members_compute(const pano_cell *members, size_t n_members,
                                   const pano_cell *national, size_t n_national, pano_lq *out);
/* panorama_lq_members_compute on the directory: SCAN members' employment
 * of fig_year by district and section (figures_total, each organisation
 * once, FIG_GROUP_DISTRICT_SECTOR) against ref_employment of ref_year
 * summed over the country. *any_demo when a counted figure is demo data.
 * Arena results. */
db_status panorama_lq_members(db *d, arena *a, int fig_year, int ref_year, pano_lq **items,
                              size_t *n, bool *any_demo);
/* The quotient of one section (a letter, or a division: its section is
 * used, and written to section[4], "" when nace is unknown) in one
 * district for year: *lq -1 when undefined or absent, *employees the
 * section's reference employment there. */
db_status panorama_lq_of(db *d, int year, const char *district, const char *nace, int64_t *lq,
                         int64_t *employees, char section[4]);

/* One row of a reference employment CSV problem. */
typedef struct pano_ref_problem {
    int64_t line;
    const char *column; /* NULL: the whole row */
    const char *message;
} pano_ref_problem;

/* Imports a CSV (UTF-8, commas; header district,nace,year,employees,source
 * in any order, is_demo optional) into ref_employment: each year in the
 * file replaces that year's rows, all in one tx_write (audit action
 * ref_employment_import, entity 'ref_employment'), or nothing at all
 * when any row is wrong: then DB_CONSTRAINT with every problem (line,
 * column, an English sentence saying what to fix; arena). Districts are
 * ref_district codes, nace a NACE section letter, year 1990..2100,
 * employees a whole number >= 0, source non-empty (at most 200 bytes); a
 * (district, nace, year) given twice is an error. *n_rows the rows
 * stored. */
db_status panorama_ref_import(db *d, arena *a, const char *csv, size_t n, int64_t actor_id,
                              size_t *n_rows, pano_ref_problem **problems, size_t *n_problems);

/* --- clusters ------------------------------------------------------------- */

/* A cluster of the directory (published, kind cluster or
 * cluster_initiative) as /panorama shows it. */
typedef struct pano_cluster {
    int64_t id;
    const char *slug, *name, *name_en, *kind, *district, *region;
    const char *stage;  /* current stage, NULL when none recorded */
    const char *sector; /* first NACE section of its sectors, NULL when none */
    int64_t members;    /* current members (membership in force on today) */
    int64_t employees;  /* members' employees in year (-1: none reported) */
    bool is_demo;
} pano_cluster;

/* Every cluster; members counted on the date today ('YYYY-MM-DD'),
 * employees summed over members' figures of year (members of the
 * cluster in that year, each organisation once). By id. */
db_status panorama_clusters(db *d, arena *a, const char *today, int year, pano_cluster **items,
                            size_t *n);

/* How many clusters the directory holds (published, kind cluster or
 * cluster_initiative), from its kept counts (org_facet_count). */
db_status panorama_cluster_count(db *d, int64_t *n);

/* The stages, in order of development; "finding its path" are the first
 * two (initiative, emerging), as the issue asks for. */
#define PANO_N_STAGES 5 /* initiative, emerging, developing, established, none */
extern const char *const pano_stages[PANO_N_STAGES]; /* the last is "none" */
/* Whether a stage (NULL: none recorded) counts as "still trying to find
 * its path": initiative, emerging, or none recorded. */
bool panorama_finding_path(const char *stage);

/* The number of published clusters in each stage at the end of each year
 * from first to last (at most 60 years): counts[(y - first) * PANO_N_STAGES
 * + s]; a cluster counts from the year its entry was created (or its first
 * stage was reached, whichever is earlier) in the stage it had reached by
 * 31 December ("none" before its first). */
db_status panorama_stage_history(db *d, arena *a, int first, int last, int64_t **counts);

/* --- the home page --------------------------------------------------------- */

typedef struct pano_call {
    int64_t id;
    const char *programme, *title_sr, *title_en, *url;
    int64_t deadline_at;
    bool is_demo;
} pano_call;

/* Published funding calls whose deadline is after now, soonest first, at
 * most limit. */
db_status panorama_open_calls(db *d, arena *a, int64_t now, int limit, pano_call **items,
                              size_t *n);

#endif
