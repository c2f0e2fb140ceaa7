/* ref.c: the reference tables of the directory (kinds, NACE sectors,
 * fields of science, regions, districts, geographical focus), read with
 * labels in the reader's language (ref_list and ref_label in org.h).
 *
 * The tables are seeded by migration 0004 and never written at run time.
 * Labels are stored in English and Serbian Cyrillic; the Serbian Latin
 * label is transliterated here (utf8_cyr_to_lat) on every read. A table
 * name chooses one row of a fixed table of constant SQL, so no name is
 * ever formatted into SQL; the statements are prepared once per
 * connection by db_prepare's cache. */
#include <assert.h>
#include <string.h>

#include "core/log.h"
#include "core/utf8.h"
#include "model/org.h"

/* Every list statement yields code, parent (NULL where the table has no
 * hierarchy), label_en, label_sr in display order; every label statement
 * yields label_en, label_sr for $1 = code. */
#define REF_LIST(table, parent)                                                                    \
    "SELECT code, " parent ", label_en, label_sr FROM " table " ORDER BY sort, code"
#define REF_LABEL(table) "SELECT label_en, label_sr FROM " table " WHERE code = $1"

static const char SQL_KIND_LIST[] = REF_LIST("ref_kind", "NULL");
static const char SQL_KIND_LABEL[] = REF_LABEL("ref_kind");
static const char SQL_NACE_LIST[] = REF_LIST("ref_nace", "parent");
static const char SQL_NACE_LABEL[] = REF_LABEL("ref_nace");
static const char SQL_FOS_LIST[] = REF_LIST("ref_fos", "parent");
static const char SQL_FOS_LABEL[] = REF_LABEL("ref_fos");
static const char SQL_REGION_LIST[] = REF_LIST("ref_region", "NULL");
static const char SQL_REGION_LABEL[] = REF_LABEL("ref_region");
static const char SQL_DISTRICT_LIST[] = REF_LIST("ref_district", "region");
static const char SQL_DISTRICT_LABEL[] = REF_LABEL("ref_district");
static const char SQL_GEO_LIST[] = REF_LIST("ref_geo", "NULL");
static const char SQL_GEO_LABEL[] = REF_LABEL("ref_geo");

/* The public name of each table and its statements. A district's parent
 * is its region, so a district list can be grouped like the others. */
static const struct ref_table {
    const char *name;
    const char *sql_list, *sql_label;
} ref_tables[] = {
    {"kind", SQL_KIND_LIST, SQL_KIND_LABEL},
    {"nace", SQL_NACE_LIST, SQL_NACE_LABEL},
    {"fos", SQL_FOS_LIST, SQL_FOS_LABEL},
    {"region", SQL_REGION_LIST, SQL_REGION_LABEL},
    {"district", SQL_DISTRICT_LIST, SQL_DISTRICT_LABEL},
    {"geo", SQL_GEO_LIST, SQL_GEO_LABEL},
};

static const struct ref_table *table_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof ref_tables / sizeof ref_tables[0]; i++)
        if (strcmp(ref_tables[i].name, name) == 0)
            return &ref_tables[i];
    return NULL;
}

/* The label of the current row of s (label_en in column col, label_sr in
 * col + 1) in lang, copied into a. scratch is a caller's buffer reused for
 * the transliteration. NULL on OOM. */
static char *label_copy(arena *a, buf *scratch, db_stmt *s, int col, lang_id lang)
{
    const char *en = db_col_text(s, col), *sr = db_col_text(s, col + 1);
    assert(en && sr); /* NOT NULL columns */
    switch (lang) {
    case LANG_SR_CYRL:
        return arena_strdup(a, sr);
    case LANG_SR_LATN:
        buf_reset(scratch);
        utf8_cyr_to_lat(scratch, sr, strlen(sr));
        if (buf_failed(scratch))
            return NULL;
        return arena_strndup(a, buf_str(scratch), scratch->len);
    case LANG_EN:
    case LANG__COUNT:
        break;
    }
    return arena_strdup(a, en);
}

db_status ref_list(db *d, arena *a, const char *table, lang_id lang, ref_item **items, size_t *n)
{
    assert(d && a && items && n);
    assert(lang < LANG__COUNT);
    *items = NULL;
    *n = 0;
    const struct ref_table *t = table_find(table);
    if (!t) {
        log_error("ref_list: unknown reference table '%s'", table ? table : "(null)");
        return DB_ERR;
    }
    db_stmt *s = db_prepare(d, t->sql_list);
    if (!s) {
        log_error("ref_list(%s): %s", t->name, db_errmsg(d));
        return DB_ERR;
    }
    buf scratch = BUF_INIT;
    ref_item *out = NULL;
    size_t count = 0, cap = 0;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        if (count == cap) {
            /* Grows within the arena; the old block stays there until the
             * arena is freed (reference tables hold at most ~110 rows). */
            size_t ncap = cap ? cap * 2 : 64;
            ref_item *grown = arena_alloc(a, ncap * sizeof *grown);
            if (!grown) {
                st = DB_NOMEM;
                goto cleanup;
            }
            if (count)
                memcpy(grown, out, count * sizeof *grown);
            out = grown;
            cap = ncap;
        }
        ref_item *it = &out[count];
        const char *parent = db_col_text(s, 1);
        it->code = arena_strdup(a, db_col_text(s, 0));
        it->parent = parent ? arena_strdup(a, parent) : NULL;
        it->label = label_copy(a, &scratch, s, 2, lang);
        if (!it->code || (parent && !it->parent) || !it->label) {
            st = DB_NOMEM;
            goto cleanup;
        }
        count++;
    }
    if (st == DB_DONE) {
        st = DB_OK;
        *items = out;
        *n = count;
    } else {
        log_error("ref_list(%s): %s (%s)", t->name, db_status_name(st), db_errmsg(d));
    }
cleanup:
    db_reset(s);
    buf_free(&scratch);
    return st;
}

const char *ref_label(db *d, arena *a, const char *table, const char *code, lang_id lang)
{
    assert(d && a);
    assert(lang < LANG__COUNT);
    const struct ref_table *t = table_find(table);
    if (!t) {
        log_error("ref_label: unknown reference table '%s'", table ? table : "(null)");
        return NULL;
    }
    if (!code)
        return NULL;
    db_stmt *s = db_prepare(d, t->sql_label);
    if (!s) {
        log_error("ref_label(%s): %s", t->name, db_errmsg(d));
        return NULL;
    }
    const char *label = NULL;
    db_bind_text(s, 1, code);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        buf scratch = BUF_INIT;
        label = label_copy(a, &scratch, s, 0, lang);
        buf_free(&scratch);
    } else if (st != DB_DONE) {
        log_error("ref_label(%s): %s (%s)", t->name, db_status_name(st), db_errmsg(d));
    }
    db_reset(s);
    return label;
}
