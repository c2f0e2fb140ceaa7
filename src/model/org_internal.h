/* org_internal.h: what the files of the directory model share and
 * nobody else may use: org.c (fields, validation, reads), org_list.c
 * (the list query builder and facets), org_write.c (the one writer, status,
 * deletion, logos, restore), org_facet.c (the stored facet counts the
 * writers keep) and org_history.c (revisions and diffs). Include it only
 * from those files; everything else goes through org.h. */
#ifndef SCAN_ORG_INTERNAL_H
#define SCAN_ORG_INTERNAL_H

#include <assert.h>
#include <string.h>

#include "model/org.h"
#include "model/tx.h"

/* The index of each of org_fields[] (org.c). */
enum {
    F_SLUG,
    F_NAME,
    F_NAME_EN,
    F_ACRONYM,
    F_KIND,
    F_STATUS,
    F_SHORT_SR,
    F_SHORT_EN,
    F_DESCRIPTION_SR,
    F_DESCRIPTION_EN,
    F_WEBSITE,
    F_EMAIL,
    F_PHONE,
    F_ADDRESS,
    F_MUNICIPALITY,
    F_DISTRICT,
    F_REGION,
    F_COUNTRY,
    F_YEAR_FOUNDED,
    F_PIB,
    F_MB,
    F_SECTORS,
    F_FOS,
    F_GEO,
    F__COUNT
};
_Static_assert(F__COUNT == ORG_N_FIELDS, "org_fields and the F_ indices disagree");

/* What each field may hold, index for index with org_fields (org.c). */
extern const form_rule org_rules[ORG_N_FIELDS];

/* The classification tables, index for index with the list fields
 * (org.c): the statements that read, delete and insert one entry's codes. */
struct org_code_table {
    size_t field;
    const char *sql_get, *sql_delete, *sql_insert;
};
extern const struct org_code_table org_code_tables[3];

/* Field i of r through org_fields[i].off (the type is asserted). */
static inline const char *get_text(const org_rec *r, size_t i)
{
    assert(org_fields[i].type == ORG_FIELD_TEXT);
    return *(const char *const *)((const char *)r + org_fields[i].off);
}

static inline void set_text(org_rec *r, size_t i, const char *v)
{
    assert(org_fields[i].type == ORG_FIELD_TEXT);
    *(const char **)((char *)r + org_fields[i].off) = v;
}

static inline int64_t get_int(const org_rec *r, size_t i)
{
    assert(org_fields[i].type == ORG_FIELD_INT);
    return *(const int64_t *)((const char *)r + org_fields[i].off);
}

static inline void set_int(org_rec *r, size_t i, int64_t v)
{
    assert(org_fields[i].type == ORG_FIELD_INT);
    *(int64_t *)((char *)r + org_fields[i].off) = v;
}

static inline const char *const *get_list(const org_rec *r, size_t i, size_t *n)
{
    assert(org_fields[i].type == ORG_FIELD_LIST);
    *n = *(const size_t *)((const char *)r + org_fields[i].n_off);
    return *(const char *const *const *)((const char *)r + org_fields[i].off);
}

static inline void set_list(org_rec *r, size_t i, const char **v, size_t n)
{
    assert(org_fields[i].type == ORG_FIELD_LIST);
    *(const char ***)((char *)r + org_fields[i].off) = v;
    *(size_t *)((char *)r + org_fields[i].n_off) = n;
}

static inline bool empty(const char *s)
{
    return !s || !*s;
}

/* Text equality where NULL and "" are the same (both mean "not given"). */
static inline bool text_eq(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The region of a district into *region (NULL when unknown), from ref.c's
 * process-wide cache (org.c). */
db_status org_district_region(db *d, arena *a, const char *district, const char **region);

/* org_validate in two halves (org.c): the checks that need no database
 * (the form rules and the year; any thread: the importer's prepare
 * stage), which also parse vals; false on OOM. Then the rest, with those
 * vals (strings in the first half's arena), appending to the same errs. */
bool org_validate_local(arena *a, const org_rec *in, form_value vals[ORG_N_FIELDS],
                        form_errors *errs);
db_status org_validate_db(db *d, const org_rec *in, const form_value vals[ORG_N_FIELDS],
                          form_errors *errs);
/* org_validate_db for a caller that knows, in this transaction, that no
 * entry has the slug free_slug, the PIB free_pib nor the MB free_mb (any
 * NULL: not known): a value equal to one of them is not asked again. The
 * importer's new rows: three index lookups of nine per row. */
db_status org_validate_db_known(db *d, const org_rec *in, const form_value vals[ORG_N_FIELDS],
                                const char *free_slug, const char *free_pib, const char *free_mb,
                                form_errors *errs);

/* org_validate for a new entry whose INSERT says whether its slug is
 * taken (ON CONFLICT(slug) DO NOTHING; the caller adds FE_TAKEN when no
 * row was inserted): the slug is looked up only when other errors refuse
 * the entry anyway, so the answer names all of them as org_validate's
 * does. On PostgreSQL the lookup's predicate lock fell on the slug index
 * page that creates of alike names all insert into, and they failed each
 * other. */
db_status org_validate_new(db *d, const org_rec *in, form_errors *errs);

/* org_write.c's one writer for the other org files (org_proposal.c):
 * org_put with the revision and audit actions named (audit_action NULL:
 * org_create / org_update), inside the caller's tx_write body t (actor,
 * ip); a write adds TX_DIRECTORY to t->bump. */
db_status org_put_tx(tx *t, const org_rec *in, const char *rev_action, const char *audit_action,
                     form_errors *errs, org_put_result *res);

/* --- stored facet counts (org_facet.c) --- */

/* One (facet, code) pair an entry counts in. */
typedef struct org_facet_pair {
    const char *facet, *code;
} org_facet_pair;

typedef struct org_facet_snap {
    const char *status; /* NULL: no such entry */
    const char *kind;   /* "" for none */
    org_facet_pair *pairs;
    size_t n;
} org_facet_snap;

/* Entry id's status, kind and pairs now (arena); status NULL when id is 0
 * or no entry has it. */
db_status org_facet_snapshot(db *d, arena *a, int64_t id, org_facet_snap *out);
/* What org_facet_snapshot gives for the entry record n will be once its
 * rows are written (a new entry's "after": reading it back by its new id
 * took predicate locks, on PostgreSQL, on the index pages every
 * concurrent create inserts into, and made creates fail each other).
 * Pairs from arena a, strings pointing into n, which must outlive out. */
db_status org_facet_snapshot_of(db *d, arena *a, const org_rec *n, org_facet_snap *out);
/* Moves entry id's counts from before to after (either may be empty) and
 * drops the figures totals a member's changed grouping makes stale. In
 * the caller's write transaction. */
db_status org_facet_apply(db *d, int64_t id, const org_facet_snap *before,
                          const org_facet_snap *after);
/* Counts new entry n in acc (org_put_bulk; org_facets_add stores them). */
db_status org_facet_acc_add(db *d, org_facet_acc *acc, const org_rec *n);

#endif
