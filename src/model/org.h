/* org.h: the directory of organisations: one entry per cluster, member
 * company, university, institution or donor.
 *
 * All SQL about entries lives in org.c. Every write runs in one
 * transaction that also writes a revision (a canonical JSON snapshot), the
 * search document, an audit row and bumps directory_version, so data,
 * history, search and caches never disagree. Validation is shared by the
 * forms, the API and the importer, so all three say the same things. */
#ifndef SCAN_ORG_H
#define SCAN_ORG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "http/form.h"
#include "i18n/i18n.h"

/* One entry. Strings are arena copies (NULL = empty); code lists hold
 * reference codes (ref_nace, ref_fos, ref_geo). */
typedef struct org_rec {
    int64_t id; /* 0 for a new entry */
    const char *slug, *name, *name_en, *acronym, *kind, *status;
    const char *short_sr, *short_en, *description_sr, *description_en;
    const char *website, *email, *phone, *address, *municipality;
    const char *district, *region, *country; /* codes; country ISO 3166-1 alpha-2 */
    int64_t year_founded;                    /* 0 = unknown */
    const char *pib, *mb;
    const char **sectors;
    size_t n_sectors;
    const char **fos;
    size_t n_fos;
    const char **geo;
    size_t n_geo;
    bool is_demo;
    bool has_logo;
    int64_t created_at, created_by, updated_at, updated_by; /* read only */
    int64_t rev;                                            /* latest revision number */
} org_rec;

/* --- identifiers (pure) --------------------------------------------------- */

/* PIB: 9 digits, ISO 7064 MOD 11,10 check digit (DOMAIN.md section 3). */
bool org_pib_valid(const char *pib);
/* Matični broj: 8 digits, weighted mod 11 check digit. */
bool org_mb_valid(const char *mb);
/* Appends a URL slug made from name: folded to ASCII, lower case, runs of
 * other characters as one '-', at most 60 characters. */
void org_slugify(buf *out, const char *name);

/* --- validation ------------------------------------------------------------ */

/* Checks every field of in (the same rules for forms, API and import):
 * required name, kind and slug; lengths; slug shape and uniqueness; e-mail
 * and URL shapes; year between 1800 and this year; PIB and MB checksums and
 * uniqueness (excluding the entry itself, in->id); every code known;
 * district consistent with region. Appends one error per field to errs
 * (field names as in the form and the API). DB errors are returned. */
db_status org_validate(db *d, const org_rec *in, form_errors *errs);

/* --- reading ---------------------------------------------------------------- */

/* Loads the entry by slug (or id when slug is NULL); *found false if none. */
db_status org_get(db *d, arena *a, const char *slug, int64_t id, org_rec *out, bool *found);

typedef enum { ORG_SORT_NAME, ORG_SORT_UPDATED, ORG_SORT_FOUNDED } org_sort;

typedef struct org_query {
    const char *kind, *sector, *fos, *region, *district, *geo; /* NULL = any */
    const char *status;  /* NULL = published only; "any" for editors */
    org_sort sort;
    bool desc;
    int page;            /* 1-based */
    int per_page;        /* 1..100 */
    int64_t after_id;    /* API keyset: entries with id > after_id (sort by id) */
    bool want_facets;    /* also count each facet value */
} org_query;

typedef struct org_facet_count {
    const char *code;
    int64_t count; /* entries with this value among those matching the
                      other filters */
} org_facet_count;

typedef struct org_facet {
    const char *name; /* "kind", "sector", "fos", "region", "district", "geo" */
    org_facet_count *values;
    size_t n_values;
} org_facet;

typedef struct org_list_result {
    org_rec *items; /* summary fields only: id, slug, name, name_en, acronym,
                       kind, status, municipality, district, region,
                       year_founded, short_sr, short_en, updated_at, is_demo */
    size_t n_items;
    int64_t total;  /* entries matching the filters */
    org_facet facets[6];
    size_t n_facets;
} org_list_result;

/* Lists entries matching q (arena memory). */
db_status org_list(db *d, arena *a, const org_query *q, org_list_result *out);

/* The clusters an organisation belongs to now, and the current members of
 * a cluster (summary records, by name). */
db_status org_clusters_of(db *d, arena *a, int64_t org_id, org_rec **items, size_t *n);
db_status org_members_of(db *d, arena *a, int64_t cluster_id, org_rec **items, size_t *n);

/* --- writing ---------------------------------------------------------------- */

/* Validates and creates; on validation errors returns DB_CONSTRAINT with
 * errs filled and writes nothing. *id receives the new id. */
db_status org_create(db *d, const org_rec *in, int64_t actor_id, const char *ip, form_errors *errs,
                     int64_t *id);
/* Validates and replaces every field of entry in->id (the API's PATCH
 * merges into the loaded record first). DB_CONSTRAINT with errs on
 * validation errors. No change at all writes no revision. */
db_status org_update(db *d, const org_rec *in, int64_t actor_id, const char *ip, form_errors *errs);
/* Sets status ("published", "archived", "draft") with a revision. */
db_status org_set_status(db *d, int64_t id, const char *status, int64_t actor_id, const char *ip);
/* Deletes the entry (admins only; the caller checks). Its revisions and an
 * audit row remain. DB_CONSTRAINT when other rows still refer to it. */
db_status org_delete(db *d, int64_t id, int64_t actor_id, const char *ip);
/* Stores a logo after checking it: PNG or JPEG by magic bytes and
 * dimensions, SVG parsed and refused if it holds scripts, event handlers,
 * foreign objects or external references; at most 512 KiB. *why gets a
 * catalog message id when refused (DB_CONSTRAINT). */
db_status org_set_logo(db *d, int64_t id, const void *data, size_t n, int64_t actor_id,
                       const char *ip, int *why);
db_status org_get_logo(db *d, arena *a, int64_t id, const char **content_type, const void **data,
                       size_t *n, const char **sha);

/* --- history ---------------------------------------------------------------- */

typedef struct org_revision {
    int64_t rev, at, actor_id;
    const char *actor_name, *action, *snapshot; /* arena */
} org_revision;

/* Every revision, newest first. */
db_status org_revisions(db *d, arena *a, int64_t org_id, org_revision **items, size_t *n);

typedef struct org_change {
    const char *field;     /* "name", "sectors", ... */
    const char *before, *after; /* display text; lists joined with ", " */
} org_change;

/* Field-by-field difference between two snapshots (before may be NULL for
 * the first revision). Arena memory. */
int org_diff(arena *a, const char *before, const char *after, org_change **changes, size_t *n);
/* Makes revision rev the current state again, as a new revision. */
db_status org_restore(db *d, int64_t org_id, int64_t rev, int64_t actor_id, const char *ip,
                      form_errors *errs);

/* --- import and export -------------------------------------------------------- */

typedef enum { ORG_FMT_CSV, ORG_FMT_JSON } org_format;

typedef struct org_import_report {
    int64_t created, updated, unchanged;
    struct org_import_problem {
        int64_t line; /* CSV line or JSON array index + 1 */
        const char *message;
    } *problems;
    size_t n_problems;
    buf preview; /* one line per planned change ("create voict", "update nicat: name, website") */
} org_import_report;

/* Imports entries (matched by slug, else PIB, else created) all or nothing:
 * any bad row changes nothing and every bad row is listed. With dry_run the
 * transaction is rolled back after computing the report. */
db_status org_import(db *d, arena *a, const char *data, size_t n, org_format fmt, bool dry_run,
                     int64_t actor_id, org_import_report *rep);
/* Writes every entry (any status) as CSV (header row, RFC 4180 quoting,
 * lists joined with ';') or a JSON array. */
db_status org_export(db *d, org_format fmt, buf *out);

/* The current directory_version (for caches). */
db_status org_directory_version(db *d, int64_t *v);

/* --- reference data ------------------------------------------------------------ */

typedef struct ref_item {
    const char *code, *parent, *label; /* label in the requested language */
} ref_item;

/* The items of a reference table ("kind", "nace", "fos", "region",
 * "district", "geo") with labels in lang, in display order (arena). */
db_status ref_list(db *d, arena *a, const char *table, lang_id lang, ref_item **items, size_t *n);
/* One label, or NULL when the code is unknown (arena). */
const char *ref_label(db *d, arena *a, const char *table, const char *code, lang_id lang);

#endif
