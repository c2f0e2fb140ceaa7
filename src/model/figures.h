/* figures.h: yearly figures of organisations and the totals built from
 * them, with their provenance.
 *
 * Per organisation and year: employees (headcount), revenue, exports and
 * optional R&D spending in euro cents, entered in EUR or in RSD (converted
 * at the stored yearly rate, both kept), each with a source, who entered it
 * and when, and whether the secretariat verified it.
 *
 * Totals (figures_total) follow three rules a naive sum gets wrong:
 *  1. an organisation in two clusters counts once in any total above a
 *     single cluster (members are a set, not a list);
 *  2. an organisation counts in the years it was a member: a membership
 *     counts for year Y when it overlaps Y (joined_on <= Y-12-31 and
 *     left_on is NULL or >= Y-01-01), so one that left in 2021 counts in
 *     2020 and 2021, not in 2022;
 *  3. a total says how many members reported for the year and how many did
 *     not, and what share of the reported ones is verified; gaps are never
 *     filled.
 * Every function here is integer arithmetic; percentages are basis points
 * (1/100 of a percent) rounded half up. */
#ifndef SCAN_FIGURES_H
#define SCAN_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "valid/valid.h"
#include "i18n/i18n.h"
#include "model/import.h"
#include "model/principal.h"

typedef enum { FIG_SRC_SELF, FIG_SRC_REGISTER, FIG_SRC_ESTIMATE } figure_source;

typedef struct figure_rec {
    int64_t id, org_id;
    int year;
    int64_t employees;                         /* -1 = not given */
    int64_t revenue_eur;                       /* cents; -1 = not given */
    int64_t exports_eur;                       /* cents; -1 = not given */
    int64_t rnd_eur;                           /* cents; -1 = not given */
    int64_t revenue_rsd, exports_rsd, rnd_rsd; /* para; -1 when entered in EUR */
    int64_t rate_e4;                           /* RSD per EUR * 10^4 used; 0 when entered in EUR */
    const char *source;                        /* self_reported, business_register, estimate */
    int64_t entered_by, entered_at, verified_by, verified_at;
    bool is_demo;
    const char *org_slug, *org_name; /* filled by listing functions */
} figure_rec;

/* RSD para -> EUR cents at rate_e4 (RSD per EUR * 10^4), rounded half up:
 * para * 10^4 / rate_e4. Pure; exact in 128-bit intermediate arithmetic;
 * a negative amount rounds half away from zero; a result beyond int64
 * saturates. rate_e4 must be positive (asserted; -1 when built without
 * assertions). */
int64_t figures_rsd_to_eur(int64_t para, int64_t rate_e4);
/* The stored rate for a year; *found false when none. */
db_status figures_rate(db *d, int year, int64_t *rate_e4, bool *found);
/* Stores (or corrects) the rate of a year, 1990..2100, rate_e4 > 0, a
 * source of at most 200 bytes (DB_CONSTRAINT otherwise). Rows of that year
 * entered in RSD are converted again at the new rate (their verification
 * stands: what was verified is the RSD input). Audited (fx_rate_set,
 * entity 'fx_rate', id = year); bumps figures_version. */
db_status figures_set_rate(db *d, int year, int64_t rate_e4, const char *source, int64_t actor_id);

/* Validates and stores the figures of one organisation and year (insert or
 * replace; replacing clears verification). Input in EUR when currency is
 * "EUR" (or NULL), in RSD when "RSD" (converted at the year's rate; no rate →
 * error). Employees and amounts (minor units of the currency) of -1 mean
 * "not given"; at least one must be given. Refused with DB_CONSTRAINT and
 * errs: negative values (FE_RANGE), exports above revenue
 * (FE_EXPORTS_ABOVE_REVENUE on exports), a year after this Belgrade year
 * (FE_FUTURE_YEAR) or before 1990 (FE_RANGE), unknown source or currency
 * (FE_CHOICE), no rate for RSD (FE_NO_RATE on currency), nothing given
 * (FE_REQUIRED on employees). Field names: year, employees, revenue,
 * exports, rnd, currency, source. DB_DONE when org_id does not exist. The
 * same values again write nothing (verification kept). Audited
 * (figure_create / figure_update, entity 'figure'); bumps
 * figures_version. */
db_status figures_put(db *d, int64_t org_id, int year, const char *currency, int64_t employees,
                      int64_t revenue, int64_t exports, int64_t rnd, const char *source,
                      bool is_demo, int64_t actor_id, const char *ip, form_errors *errs);
/* Marks verified (or not) by the secretariat. */
db_status figures_verify(db *d, int64_t figure_id, bool verified, int64_t actor_id, const char *ip);
/* All figures of one organisation, newest year first (arena). */
db_status figures_of_org(db *d, arena *a, int64_t org_id, figure_rec **items, size_t *n);
/* The latest reported headcount of an organisation, -1 when none. */
db_status figures_latest_employees(db *d, int64_t org_id, int64_t *employees);

/* --- for the importer ---------------------------------------------------------- */

typedef struct figures_put_result {
    int64_t id; /* the row written or found unchanged */
    bool created;
    size_t n_changed;       /* 0 and !created: nothing was written */
    const char *changed[7]; /* employees, revenue, exports, rnd, currency, source, demo */
    /* the stored row before (when !created), for the import's preview:
       employees and amounts in the row's own currency (-1 not given) */
    int64_t old_values[4];
    bool old_rsd, old_demo;
    char old_source[24];
} figures_put_result;

/* The writer behind figures_put, for a tx_write body that writes many
 * (figures_import writes 100,000 rows in one, the demo data its own). The same checks
 * (DB_CONSTRAINT with errs, nothing written; errs may be NULL), DB_DONE
 * when org_id does not exist. When anything differs from the stored row
 * it writes the row (clearing verification), an audit row (figure_create
 * or figure_update, entity 'figure', with the fields changed and who had
 * entered the replaced values); the caller's tx_write bumps figures_version
 * (t.bump holds TX_FIGURES when a row was written). An identical row
 * writes nothing and keeps its verification. res is filled on
 * success. Employees and amounts of -1 mean "not given". */
db_status figures_put_tx(db *d, int64_t org_id, int year, const char *currency, int64_t employees,
                         int64_t revenue, int64_t exports, int64_t rnd, const char *source,
                         bool is_demo, int64_t actor_id, const char *ip, form_errors *errs,
                         figures_put_result *res);

/* --- totals ------------------------------------------------------------------ */

typedef enum {
    FIG_SCOPE_SCAN,     /* members of every cluster that was a SCAN member or
                           founder in the year (scan_membership) */
    FIG_SCOPE_FOUNDERS, /* members of SCAN's founder clusters */
    FIG_SCOPE_CLUSTER,  /* members of one cluster (key = cluster org id) */
    FIG_SCOPE_POSITION, /* the live signers of one advocacy position
                           (cluster_id = the position's id): the members of
                           the signing clusters and the signing organisations
                           themselves, each once; ungrouped only, never
                           stored (position.h) */
} figure_scope;

typedef enum {
    FIG_GROUP_NONE,
    FIG_GROUP_CLUSTER,
    FIG_GROUP_SECTOR,
    FIG_GROUP_REGION,
    FIG_GROUP_DISTRICT,
    /* key "DISTRICT SECTION" (a district code, a space, the NACE section of
       the first sector; '?' for either when unknown): the members'
       employment of the map's location quotient (panorama.h). Never
       stored: computed by the reference statement when asked. */
    FIG_GROUP_DISTRICT_SECTOR
} figure_group;

typedef struct figure_total {
    const char *key;   /* group key: cluster slug, NACE section, region or
                          district code; "all" without grouping */
    const char *label; /* cluster name or code (pages translate codes) */
    int year;
    int64_t members;     /* organisations counted for the year (distinct) */
    int64_t reported;    /* of them, with a figures row for the year */
    int64_t missing;     /* members - reported */
    int64_t verified;    /* reported rows verified by the secretariat */
    int64_t verified_bp; /* verified / reported in basis points; -1 if none reported */
    int64_t employees;   /* sum over reported */
    int64_t revenue_eur, exports_eur, rnd_eur; /* cents, sums over reported */
    /* exports / revenue over the rows that give both; -1 when that revenue
       is 0 */
    int64_t export_share_bp;
    /* coverage: reported / members reached the minimum share
       (figures_min_coverage) and the total can stand as a headline */
    bool covered;
    /* the year before's member count and reports, whatever its coverage */
    int64_t prev_members, prev_reported;
    /* change from the year before, by the same rules (its own member set);
       only like with like: both years covered, else has_prev is false and
       change_state says why */
    bool has_prev;
    enum { FIG_CHANGE_OK, FIG_CHANGE_NO_PREV, FIG_CHANGE_LOW_COVERAGE } change_state;
    int64_t prev_employees, prev_revenue_eur, prev_exports_eur;
    /* (this - prev) / prev in basis points, half away from zero; 0 when
       !has_prev or that prev_* is 0 (show a change only when prev_* > 0) */
    int64_t employees_change_bp, revenue_change_bp, exports_change_bp;
    bool any_demo; /* some counted figures are illustrative demo data */
} figure_total;

typedef struct figure_query {
    figure_scope scope;
    int64_t cluster_id; /* FIG_SCOPE_CLUSTER */
    figure_group group;
    int year;
} figure_query;

/* Totals for a year, one per group value (sorted by revenue descending,
 * then key), or one row without grouping (arena). Grouping by cluster
 * counts an organisation in every cluster it belonged to — each row is a
 * single-cluster total; the ungrouped total of the same scope counts it
 * once. */
db_status figures_total(db *d, arena *a, const figure_query *q, figure_total **rows, size_t *n);
/* The same totals computed from scratch by the reference statements,
 * bypassing the precomputed rows that figures_total reads (kept exact by
 * triggers in every write's transaction, 0009_figures_totals.sql); for
 * tests that the two agree. */
db_status figures_total_reference(db *d, arena *a, const figure_query *q, figure_total **rows,
                                  size_t *n);
/* The ungrouped total for each year in [from, to] (for trend charts; at
 * most 200 years, else DB_CONSTRAINT), oldest first, each with its change
 * from the year before as in figures_total. */
db_status figures_trend(db *d, arena *a, figure_scope scope, int64_t cluster_id, int from, int to,
                        figure_total **rows, size_t *n);
/* The years that have any figures, newest first. */
db_status figures_years(db *d, arena *a, int **years, size_t *n);

/* The share of members (basis points) that must have reported for a year's
 * total to be shown as a headline and compared with another year: the
 * secretariat's setting (app_meta figures_min_coverage_bp, `scan figures
 * coverage`), else FIG_COVERAGE_DEFAULT_BP, half of the members. */
#define FIG_COVERAGE_DEFAULT_BP 5000
db_status figures_min_coverage(db *d, int64_t *bp);
db_status figures_set_min_coverage(db *d, int64_t bp, int64_t actor_id);
/* The year a page shows when the reader chose none: the newest of years
 * (newest first, as figures_years gives them) whose ungrouped total for
 * the scope is covered; when none is, the newest. *newest_total gets the
 * newest year's total when it was passed over (its year 0 otherwise), so
 * the page can say why. */
db_status figures_default_year(db *d, arena *a, figure_scope scope, int64_t cluster_id,
                               const int *years, size_t n_years, int *year,
                               figure_total *newest_total);

/* Members (of clusters in SCAN) that have not reported for year, by
 * cluster (arena): cluster slug/name and member slug/name pairs, by
 * cluster name then member name. Members and SCAN clusters are those the
 * SCAN total of that year counts (a membership overlapping the year, the
 * SCAN status in force on Y-12-31), so the list matches its missing. */
typedef struct figure_missing {
    const char *cluster_slug, *cluster_name, *org_slug, *org_name;
} figure_missing;
db_status figures_missing(db *d, arena *a, int year, figure_missing **items, size_t *n);

/* --- import ------------------------------------------------------------------ */

/* One changed value of the import's preview (figures_import_report). */
typedef enum {
    FIGF_EMPLOYEES,
    FIGF_REVENUE,
    FIGF_EXPORTS,
    FIGF_RND,
    FIGF_CURRENCY,
    FIGF_SOURCE,
    FIGF_DEMO, /* illustrative demo data becomes reported data */
} figures_field;
typedef struct figures_import_change {
    const char *org_slug, *org_name, *org_name_en; /* arena */
    int year;
    bool created; /* a new year for the organisation */
    figures_field field;
    /* FIGF_EMPLOYEES .. FIGF_RND: -1 not given; amounts in minor units of
       old_cur / new_cur ("EUR" or "RSD") */
    int64_t old_num, new_num;
    const char *old_cur, *new_cur;
    /* FIGF_CURRENCY, FIGF_SOURCE: the codes ("EUR", "self_reported");
       NULL not given */
    const char *old_text, *new_text;
} figures_import_change;

#define FIGURES_IMPORT_MAX_CHANGES 2000 /* kept for the preview; the rest counted */

typedef struct figures_import_report {
    int64_t created, updated, unchanged;
    int64_t skipped; /* rows with no figures at all (a template's blank rows) */
    import_problem *problems;
    size_t n_problems;
    buf preview; /* one line per change (English log, for the CLI); caller frees */
    figures_import_change *changes; /* arena, file order */
    size_t n_changes;
    int64_t changes_more; /* changes beyond FIGURES_IMPORT_MAX_CHANGES */
    /* what was read: "CSV, Windows-1250, separated by semicolons" in lang
       (arena; NULL when the file could not be read) */
    const char *detected;
    bool from_xlsx; /* lines are the sheet's row numbers */
    /* the file's records again as UTF-8 CSV with commas (whatever was
       uploaded: XLSX, Windows-1250, semicolons), for a confirmation that
       sends back what was checked (arena; NULL when not read) */
    const char *normalized;
    size_t normalized_len;
} figures_import_report;

/* Imports an upload (the n bytes at csv: an XLSX's first sheet, or CSV in
 * UTF-8, UTF-16 or Windows-1250 separated by commas, semicolons or tabs,
 * read by model/import.h; the template's columns: pib or slug, year,
 * employees, revenue, exports, rnd, currency, source, and name, which is
 * ignored), all or nothing, every bad row
 * listed with its line and reason (bad PIB, unknown organisation, exports
 * above revenue, ...). When cluster_id is not 0, every row's organisation
 * must be a current member of that cluster (a manager imports only for
 * their own). Every row also needs by's RIGHT_FIGURES_EDIT on its
 * organisation for its year (rights_can_year): a row the caller may not
 * change is refused like any bad row, so nothing at all is stored ("you
 * may not change the figures of SLUG for YEAR"); by NULL is the system
 * (the CLI, tests), which may change every row. With dry_run nothing is
 * written.
 *
 * The header names the columns in any order, case ignored: pib and/or
 * slug, and all of the others. A row with none of employees, revenue,
 * exports and rnd is skipped (rep->skipped). Numbers follow the forms'
 * rule (core/num.h, num_parse): amounts in the row's currency with at most
 * two decimals, in either habit ("1.234.567,89", "1234567.89"); "150.000"
 * is ambiguous and refused with both readings; read as text, never
 * through a double;
 * an empty cell is "not given";
 * currency (EUR or RSD) and source are required. Each row is written
 * through figures_put_tx, so it is checked like the form. rep is zeroed
 * first; problems (arena, file order, line 1 = the header) are short
 * sentences from the catalog in lang, such as "unknown organisation (PIB
 * 101134702)" in English; preview holds lines such as "create 2024
 * voict" / "update 2023 nicat: revenue, exports" in English (the caller
 * frees it with buf_free); changes, detected and normalized are described
 * with figures_import_report. DB_CONSTRAINT when there were problems. */
db_status figures_import(db *d, arena *a, const char *csv, size_t n, int64_t cluster_id,
                         bool dry_run, int64_t actor_id, const char *ip, const principal *by,
                         lang_id lang, figures_import_report *rep);
/* The one-row CSV example of the columns (kept for the unit tests; the
 * pages offer figures_template's member list). */
const char *figures_csv_template(void);

/* A cluster's template: one row per current member (today), by name,
 * with its figures for year when there are any and by may change them
 * (rights_figures_first_year), else empty figures (a row left empty is
 * skipped by the import). Arena. */
typedef struct figures_template_row {
    const char *pib, *slug, *name;            /* pib may be "" */
    bool has;                                 /* figures filled in */
    int64_t employees, revenue, exports, rnd; /* in currency's minor units; -1 not given */
    const char *currency, *source;
} figures_template_row;
db_status figures_template(db *d, arena *a, int64_t cluster_id, int year, const principal *by,
                           figures_template_row **rows, size_t *n);
/* The template's columns in order (figures_template rows map onto them):
 * pib, slug, name, year, employees, revenue, exports, rnd, currency,
 * source. The import ignores "name". */
extern const char *const figures_template_columns[10];

/* The current figures_version (for caches). */
db_status figures_version(db *d, int64_t *v);

#endif
