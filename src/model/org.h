/* org.h: the directory of organisations: one entry per cluster, member
 * company, university, institution or donor.
 *
 * All SQL about entries lives in org*.c (org_internal.h says which file
 * holds what). Every write runs in one transaction that also writes a
 * revision (a canonical JSON snapshot), the search document, an audit row
 * and bumps directory_version, so data, history, search and caches never
 * disagree. Validation is shared by the
 * forms, the API and the importer, so all three say the same things. */
#ifndef SCAN_ORG_H
#define SCAN_ORG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "valid/valid.h"
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

/* The 24 editable fields in their fixed order: the order of snapshots,
 * diffs, the CSV header and JSON export keys. off is the offsetof() of the
 * member in org_rec (const char * for text, int64_t for int, const char **
 * for lists); n_off that of a list's count (size_t). Static data. */
typedef enum { ORG_FIELD_TEXT, ORG_FIELD_INT, ORG_FIELD_LIST } org_field_type;
typedef struct org_field {
    const char *name;
    org_field_type type;
    size_t off, n_off;
} org_field;
#define ORG_N_FIELDS 24
extern const org_field org_fields[ORG_N_FIELDS];

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

/* ORG_SORT_ID (added for the API) lists by id ascending from after_id (0 =
 * from the start) and ignores page, desc; any other sort with after_id > 0
 * lists the page after that entry in its own order (keyset: the same cost
 * at any depth; empty when that entry no longer exists). */
/* The summary fields of one entry (as in org_list_result) by id: one
 * query, for lists of search hits. *found false if none. */
db_status org_summary(db *d, arena *a, int64_t id, org_rec *out, bool *found);
/* The summary fields (as org_summary) of the entries ids[0..n): out[i] and
 * found[i] for ids[i] (found[i] false when there is none; out[i] is then
 * untouched), in one query per 20 ids instead of one per id. out and found
 * hold n each, the caller's; the strings live in a. */
db_status org_summaries(db *d, arena *a, const int64_t *ids, size_t n, org_rec *out, bool *found);
/* The id of the entry whose PIB is pib (as stored: 9 digits) into *id, 0
 * when none (any status). The caller checks the PIB with org_pib_valid
 * first. DB errors are returned. */
db_status org_id_by_pib(db *d, const char *pib, int64_t *id);
/* The same for a matični broj (MB). */
db_status org_id_by_mb(db *d, const char *mb, int64_t *id);
/* A slug made from a name that no entry but self uses: base itself, else
 * base-N one above the highest of its namesakes (base cut to keep 60
 * characters), found with one indexed query. *slug is base or an arena
 * copy. */
db_status org_free_slug(db *d, arena *a, const char *base, int64_t self, const char **slug);
/* The entry whose name, in either script, folds (utf8_fold) to the same
 * text as name: *id, or 0 when none; *several when more than one entry
 * has that name (then *id is 0). Any status. */
db_status org_id_by_name(db *d, const char *name, int64_t *id, bool *several);

typedef enum { ORG_SORT_NAME, ORG_SORT_UPDATED, ORG_SORT_FOUNDED, ORG_SORT_ID } org_sort;

/* The alphabet ORG_SORT_NAME follows (the reader's): the Latin abeceda of
 * the Serbian name, the Cyrillic azbuka of it, or for English the Latin
 * order of the English name (the Serbian one where there is none). Each
 * is an ICU sort key stored with the entry (migration 0013). */
typedef enum { ORG_NAMES_LATN, ORG_NAMES_CYRL, ORG_NAMES_EN } org_names;

/* The order of names for a reader of lang. */
org_names org_names_for(lang_id lang);

typedef struct org_query {
    const char *kind, *sector, *fos, *region, *district, *geo; /* NULL = any */
    const char *status; /* NULL = published only; "any" for editors */
    org_sort sort;
    org_names names; /* the alphabet of ORG_SORT_NAME */
    bool desc;
    int page;         /* 1-based */
    int per_page;     /* 1..100 */
    int64_t after_id; /* API keyset: the entries after this one (see above) */
    bool want_facets; /* also count each facet value */
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
    int64_t total; /* entries matching the filters */
    org_facet facets[6];
    size_t n_facets;
} org_list_result;

/* Lists entries matching q (arena memory): every filter set must match; a
 * NACE section letter (an OECD field) also matches the divisions
 * (subfields) under it. total counts all matches. With want_facets, each
 * of the six facets counts, for every value that occurs, the entries
 * matching all the *other* filters that have that value (what choosing
 * it would give); values with no entry are left out. */
db_status org_list(db *d, arena *a, const org_query *q, org_list_result *out);

/* The clusters an organisation belongs to now, and the current members of
 * a cluster (summary records, by name, any status). Current: joined on or
 * before today and not left by today (Europe/Belgrade dates). */
db_status org_clusters_of(db *d, arena *a, int64_t org_id, org_rec **items, size_t *n);
db_status org_members_of(db *d, arena *a, int64_t cluster_id, org_rec **items, size_t *n);

/* --- writing ---------------------------------------------------------------- */

/* Validates and creates; on validation errors returns DB_CONSTRAINT with
 * errs filled and writes nothing. *id receives the new id. */
db_status org_create(db *d, const org_rec *in, int64_t actor_id, const char *ip, form_errors *errs,
                     int64_t *id);
/* Validates and replaces every field of entry in->id (the API's PATCH
 * merges into the loaded record first). DB_CONSTRAINT with errs on
 * validation errors, DB_DONE when there is no such entry. No change at all
 * writes no revision (nor anything else). See org_put for the
 * normalisation (status NULL keeps the current status). */
db_status org_update(db *d, const org_rec *in, int64_t actor_id, const char *ip, form_errors *errs);
/* org_update for a caller who may or may not classify the entry. The kind
 * classifies an entry (it moves it into cluster lists and totals) and is
 * the secretariat's: with may_classify false a kind different from the
 * stored one is refused with FE_SECRETARIAT_ONLY on "kind" (DB_CONSTRAINT,
 * nothing written); sending the stored kind again is fine. */
db_status org_update_as(db *d, const org_rec *in, bool may_classify, int64_t actor_id,
                        const char *ip, form_errors *errs);
/* org_update_as for a read-modify-write (the API's merge patch): writes
 * only when the entry's latest revision is still in->rev, the one the
 * caller read and merged into. Otherwise writes nothing, sets *stale and
 * answers DB_OK, so the caller reads the entry again and merges anew
 * (two patches of different fields at once must both stay). */
db_status org_update_unless_stale(db *d, const org_rec *in, bool may_classify, int64_t actor_id,
                                  const char *ip, form_errors *errs, bool *stale);
/* Sets status ("published", "archived", "draft") with a revision (action
 * publish / archive / update; audit org_status); the same status writes
 * nothing. DB_CONSTRAINT for any other status, and for a proposed entry
 * (org_proposal.h: public only by acceptance); DB_DONE for no entry. */
db_status org_set_status(db *d, int64_t id, const char *status, int64_t actor_id, const char *ip);
/* Deletes the entry (admins only; the caller checks) with its logo,
 * classifications and search document. Its revisions and an audit row
 * remain (org_restore can bring it back). DB_CONSTRAINT when other rows
 * still refer to it (memberships, affiliations), DB_DONE for no entry. */
db_status org_delete(db *d, int64_t id, int64_t actor_id, const char *ip);
/* Stores a logo after checking it with image_check() (model/image.h): PNG
 * or JPEG by magic bytes and dimensions, SVG against an allow-list of
 * elements and attributes; at most 512 KiB. *why gets a
 * catalog message id when refused (DB_CONSTRAINT): MSG_LOGO_TOO_BIG,
 * _FORMAT, _DIMENSIONS, _SVG_INVALID or _SVG_UNSAFE. n == 0 removes the
 * logo. DB_DONE when there is no entry. Audited (org_logo); no revision. */
db_status org_set_logo(db *d, int64_t id, const void *data, size_t n, int64_t actor_id,
                       const char *ip, int *why);
/* The logo (arena copies; sha = hex SHA-256 of the bytes, for ETags);
 * *data NULL and *n 0 when the entry has none. */
db_status org_get_logo(db *d, arena *a, int64_t id, const char **content_type, const void **data,
                       size_t *n, const char **sha);

/* --- for importers (org_import.c, demo data) ------------------------------------ */

typedef struct org_put_result {
    int64_t id; /* the entry written or found unchanged */
    bool created;
    size_t n_changed;                  /* 0 and !created: nothing was written */
    const char *changed[ORG_N_FIELDS]; /* org_fields names, in field order */
} org_put_result;

/* The writer behind org_create and org_update, for callers inside a write
 * transaction of their own (the demo data's tx_write body). Creates
 * the entry when in->id is 0, else replaces entry in->id. Normalises a copy
 * first: text trimmed (descriptions CRLF -> LF), empty text = NULL, lists
 * trimmed, sorted and without duplicates, status NULL = unchanged (draft
 * for a new entry), country NULL = "RS", and region derived from district
 * when region is empty. Then validates (DB_CONSTRAINT with errs, nothing
 * written), and when anything changed writes the row, the classifications,
 * a revision (rev_action: "create", "update", "import", ...), the search
 * document and an audit row (org_create / org_update); the caller's
 * tx_write bumps directory_version (its t.bump holds TX_DIRECTORY). DB_DONE
 * when entry in->id does not exist. errs may be NULL; res is filled on
 * success. */
db_status org_put(db *d, const org_rec *in, const char *rev_action, int64_t actor_id,
                  const char *ip, form_errors *errs, org_put_result *res);
/* The facet counts of the entries a bulk writer created, added up in
 * memory: zero it and set a (the caller's arena, which holds the keys). */
#define ORG_BULK_ROWS       32
#define ORG_BULK_CODES      128 /* code rows kept per table */
#define ORG_BULK_CODE_CHUNK 16  /* code rows per INSERT */
typedef struct org_facet_acc {
    arena *a;
    struct org_facet_slot {
        const char *status, *kind, *facet, *code; /* facet NULL: a free slot */
        int64_t n;
    } * slots;
    size_t cap, n;
    int64_t writes;  /* entries written: directory_version goes up as much */
    int64_t next_id; /* the id of the next new entry; 0: not yet looked up */
    /* the revision and audit rows of new entries not yet written: up to
     * ORG_BULK_ROWS of them go in one INSERT per table (org_bulk_flush);
     * their texts are in text, at the offsets given */
    struct org_bulk_row {
        int64_t id, at;
        size_t snapshot, detail;
    } rows[ORG_BULK_ROWS];
    size_t n_rows;
    /* their code rows (org_code_tables: org_sector, org_fos, org_geo),
     * written by org_bulk_flush too, ORG_BULK_CODE_CHUNK to a statement:
     * the entry's id, and the code's offset in text */
    struct org_bulk_code {
        int64_t id;
        size_t code;
    } codes[3][ORG_BULK_CODES];
    size_t n_codes[3];
    buf text;
    int64_t actor_id;
    const char *rev_action;
    /* set by the caller before an org_put_bulk: a slug, a PIB and an MB
     * it knows no entry has (NULL: not known), so the write's checks do
     * not look them up again (org_validate_db_known) */
    const char *free_slug, *free_pib, *free_mb;
} org_facet_acc;
/* Writes the revision, audit and code rows acc still holds (org_put_bulk
 * keeps them for multi-row INSERTs; call before the transaction's end,
 * and before reading org_revision, audit or the code tables in it). */
db_status org_bulk_flush(db *d, org_facet_acc *acc);
/* Frees what acc holds besides its arena's memory. */
void org_facet_acc_free(org_facet_acc *acc);

/* What org_put_bulk can work out for a new entry without the database,
 * made ahead of the writer by org_prep_make on any thread (the importer's
 * prepare stage): the record normalised with a new entry's defaults, the
 * checks that need no database (org_validate's first half), the folded
 * name, the sort keys, the revision snapshot, the audit row's detail
 * and, once the reference tables are cached, the search document's title
 * and body (has_search; else the writer makes them). ok is false when the
 * record leaves something to the database (no slug yet, a region to
 * derive from the district) or memory ran out: org_put_bulk then does it
 * all itself. Zero a slot before its first use; it is made again and
 * again, and org_prep_free releases it at the end. */
typedef struct org_prep {
    bool ok;
    arena a;
    org_rec n;
    form_value vals[ORG_N_FIELDS];
    form_errors errs;
    buf folded, keys[3], snapshot;
    buf detail;                    /* the audit row's {"fields":[...]} */
    bool has_search;               /* search_title and search_body made */
    buf search_title, search_body; /* the search document (put_search's) */
} org_prep;
void org_prep_make(org_prep *p, const org_rec *in);
void org_prep_free(org_prep *p);

/* org_put for a bulk writer (the importer): a new entry is not added to
 * the stored facet counts (org_facet_count) by statements of its own but
 * counted in acc, which the caller adds with org_facets_add after its
 * last write, in the same transaction; updates are counted as in org_put.
 * Per entry, the counts were 14% of an import's time. The search
 * documents go through search_put_pending: the caller calls
 * search_begin_pending first, search_flush_pending before its commit
 * (not on a dry run or a failure), and search_drop_pending after the
 * transaction ended, either way (search.h). prep: NULL, or made by
 * org_prep_make from this very record; used when the record is a new
 * entry (in->id 0) and prep->ok. New entries take ids counted up in acc
 * (looked up once) and are inserted without RETURNING. */
db_status org_put_bulk(db *d, const org_rec *in, const org_prep *prep, const char *rev_action,
                       int64_t actor_id, org_facet_acc *acc, form_errors *errs,
                       org_put_result *res);
/* Adds acc's counts to the stored ones and bumps directory_version once
 * by the number of entries written (org_put bumps it per entry). */
db_status org_facets_add(db *d, const org_facet_acc *acc);

/* Computes the sort keys (org_names) of every entry that has none: the
 * rows migration 0013 found, or written by a program that did not set
 * them. Batches of 500 in write transactions of their own; derived data,
 * so no revision, audit row or version bump. *filled counts the rows. */
db_status org_fill_sort_keys(db *d, int64_t *filled);

/* Appends the canonical JSON of r's fields: an object with every org_fields
 * key in order; text as strings or null, year_founded as an integer or null,
 * lists as arrays in the order given (org_put stores them sorted). The
 * revision snapshot format and the JSON export format. */
void org_snapshot(buf *out, const org_rec *r);

struct json_t;
/* Reads an object with org_fields keys (every key optional; strings or null,
 * year_founded an integer, a digit string or null, lists arrays of strings)
 * into *out (arena copies; other members zero). present[i], when not NULL,
 * tells which keys were there. False with a one-line English reason in why
 * for an unknown key or a value of the wrong type. */
bool org_from_json(arena *a, const struct json_t *obj, org_rec *out, bool *present, buf *why);

/* --- history ---------------------------------------------------------------- */

typedef struct org_revision {
    int64_t rev, at, actor_id;
    const char *actor_name, *action, *snapshot; /* arena; actor_name NULL for
                                                   the system and erased people */
    bool actor_erased;
} org_revision;

/* Every revision, newest first. */
db_status org_revisions(db *d, arena *a, int64_t org_id, org_revision **items, size_t *n);

typedef struct org_change {
    const char *field;          /* "name", "sectors", ... */
    const char *before, *after; /* display text; lists joined with ", " */
} org_change;

/* Field-by-field difference between two snapshots (before may be NULL for
 * the first revision), in org_fields order; null and "" are the same.
 * Arena memory. Returns 0, or -1 when a snapshot is not JSON or on OOM. */
int org_diff(arena *a, const char *before, const char *after, org_change **changes, size_t *n);
/* Makes revision rev the current state again, as a new revision (action
 * restore), validated like an update: a slug or PIB taken since gives
 * DB_CONSTRAINT with errs. A deleted entry comes back under its old id.
 * DB_DONE when there is no such revision. */
db_status org_restore(db *d, int64_t org_id, int64_t rev, int64_t actor_id, const char *ip,
                      form_errors *errs);
/* org_restore for a caller who may or may not classify (org_update_as): a
 * revision whose kind differs from the current one is refused with
 * FE_SECRETARIAT_ONLY on "kind" unless may_classify. */
db_status org_restore_as(db *d, int64_t org_id, int64_t rev, bool may_classify, int64_t actor_id,
                         const char *ip, form_errors *errs);

/* --- import and export -------------------------------------------------------- */

typedef enum { ORG_FMT_CSV, ORG_FMT_JSON } org_format;

#define ORG_IMPORT_PHASES 9
typedef struct org_import_report {
    int64_t created, updated, unchanged;
    struct org_import_problem {
        int64_t line; /* CSV line or JSON array index + 1 */
        const char *message;
    } * problems;
    size_t n_problems;
    buf preview; /* one line per planned change ("create voict", "update nicat: name, website") */
    /* where the time went (`scan org import --timings`): each phase's
     * wall time, the process's CPU time (every thread) and the writing
     * thread's own (the caller's), microseconds */
    struct org_import_phase {
        const char *name; /* "parse", "rows", "indexes", "ahead", "search", "commit" */
        uint64_t wall_us, cpu_us, writer_us;
    } phases[ORG_IMPORT_PHASES];
    size_t n_phases;
} org_import_report;

/* Imports entries (matched by slug, else PIB, else created) all or nothing:
 * any bad row changes nothing and every bad row is listed. With dry_run the
 * transaction is rolled back after computing the report. CSV: header of
 * org_fields names (any subset; a column left out keeps the entry's value),
 * lists split on ';', UTF-8 with or without BOM. JSON: an array of objects
 * (org_from_json). A row without a slug that matches nothing gets one from
 * its name (-2, -3... when taken, in the database or the file). rep is
 * zeroed first; problems are arena memory in file order (line 0: the whole
 * file); the caller frees rep->preview with buf_free(). DB_CONSTRAINT when
 * there were problems. */
db_status org_import(db *d, arena *a, const char *data, size_t n, org_format fmt, bool dry_run,
                     int64_t actor_id, org_import_report *rep);
/* A CSV of at least this many bytes is read in two halves at once (8 MiB
 * unless set; org_import.c); for tests, which compare both ways. */
void org_import_set_split_min(size_t bytes);
/* Writes every entry (any status) as CSV (header row, RFC 4180 quoting,
 * lists joined with ';', CRLF) or a JSON array, ordered by id. A CSV cell
 * that a spreadsheet would run as a formula (= + - @ first) gets a leading
 * "'", which org_import takes away again: export then import changes
 * nothing. */
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
/* One label, or NULL when the code is unknown. The string belongs to the
 * process-wide reference cache (read-only, lives until ref_cache_shutdown). */
const char *ref_label(db *d, arena *a, const char *table, const char *code, lang_id lang);
/* *item: the item of code in table with its label in lang, NULL when the
 * code is unknown (still DB_OK). It belongs to the process-wide reference
 * cache like ref_label's strings. Fails only when the table cannot be
 * read. */
db_status ref_get(db *d, const char *table, const char *code, lang_id lang, const ref_item **item);
/* ref_get from the cache alone, for a thread without a connection (the
 * importer's prepare stage): false when the table is not loaded yet
 * (*item NULL), else true with *item as ref_get gives it. */
bool ref_get_cached(const char *table, const char *code, lang_id lang, const ref_item **item);
/* Frees the reference cache (at process exit). */
void ref_cache_shutdown(void);

#endif
