/* org_write.c: every write to the directory (see org.h): the one writer
 * put_tx behind org_put, org_put_bulk, org_create, org_update, status
 * changes and restores (normalise, validate, row, classifications, stored
 * facet counts through org_facet.c, revision, search document and audit
 * row, in the caller's transaction; the caller's tx_write bumps
 * directory_version), deletion and logos (the checks are in image.c), each
 * a body run through tx_write (tx.h). Shared with the other org files through
 * org_internal.h. */
#include <assert.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "db/search.h"
#include "i18n/collate.h"
#include "json/json.h"
#include "model/audit.h"
#include "model/image.h"
#include "model/org.h"
#include "model/org_internal.h"
#include "model/post.h"
#include "model/tx.h"

/* True when field i holds the same value in a and b. */
static bool field_eq(const org_rec *a, const org_rec *b, size_t i)
{
    switch (org_fields[i].type) {
    case ORG_FIELD_TEXT:
        return text_eq(get_text(a, i), get_text(b, i));
    case ORG_FIELD_INT:
        return get_int(a, i) == get_int(b, i);
    case ORG_FIELD_LIST: {
        size_t na, nb;
        const char *const *la = get_list(a, i, &na);
        const char *const *lb = get_list(b, i, &nb);
        if (na != nb)
            return false;
        for (size_t k = 0; k < na; k++)
            if (!text_eq(la[k], lb[k]))
                return false;
        return true;
    }
    }
    return false;
}

static bool field_empty(const org_rec *r, size_t i)
{
    size_t n;
    switch (org_fields[i].type) {
    case ORG_FIELD_TEXT:
        return empty(get_text(r, i));
    case ORG_FIELD_INT:
        return get_int(r, i) == 0;
    case ORG_FIELD_LIST:
        get_list(r, i, &n);
        return n == 0;
    }
    return true;
}

/* --- writing ------------------------------------------------------------------------------ */

/* s without surrounding white space (form_trim's), NULL when nothing is
 * left; for multiline text CRLF and CR become LF. Returns s itself when
 * unchanged. */
static const char *norm_text(arena *a, const char *s, bool multiline, bool *oom)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    const char *p = s;
    form_trim(&p, &n);
    if (n == 0)
        return NULL;
    bool cr = multiline && memchr(p, '\r', n);
    if (!cr && p == s && p[n] == '\0')
        return s;
    char *t = arena_alloc(a, n + 1);
    if (!t) {
        *oom = true;
        return NULL;
    }
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (cr && p[i] == '\r') {
            t[j++] = '\n';
            if (i + 1 < n && p[i + 1] == '\n')
                i++;
        } else {
            t[j++] = p[i];
        }
    }
    t[j] = '\0';
    return t;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The record as it will be stored (see org_put). Strings point into in or
 * into a. */
static db_status normalize(arena *a, const org_rec *in, org_rec *n)
{
    bool oom = false;
    *n = *in;
    for (size_t i = 0; i < ORG_N_FIELDS; i++) {
        if (org_fields[i].type == ORG_FIELD_TEXT) {
            bool multi = org_rules[i].kind == FV_MULTILINE;
            set_text(n, i, norm_text(a, get_text(in, i), multi, &oom));
        } else if (org_fields[i].type == ORG_FIELD_LIST) {
            size_t cnt, m = 0;
            const char *const *l = get_list(in, i, &cnt);
            const char **c = cnt ? arena_alloc(a, cnt * sizeof *c) : NULL;
            if (cnt && !c)
                return DB_NOMEM;
            for (size_t k = 0; k < cnt; k++) {
                const char *t = norm_text(a, l[k], false, &oom);
                if (t)
                    c[m++] = t;
            }
            if (m > 1)
                qsort(c, m, sizeof *c, cmp_str);
            size_t u = 0;
            for (size_t k = 0; k < m; k++)
                if (u == 0 || strcmp(c[u - 1], c[k]) != 0)
                    c[u++] = c[k];
            set_list(n, i, c, u);
        }
    }
    return oom ? DB_NOMEM : DB_OK;
}

/* New entries take the next id above every id ever used, the deleted
 * ones' revisions included, so a new entry never inherits an old history.
 * RETURNING gives the id taken: db_last_id is lastval() on PostgreSQL,
 * which this explicit id never touches. No row: the slug is taken
 * (org_validate_new left that to the unique key). */
#define SQL_INSERT_VALUES                                                                          \
    " $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,"       \
    " $20, $21, $22, $23, $24, nullif($25, 0), $24, nullif($25, 0), $27, $28, $29)"                \
    " ON CONFLICT(slug) DO NOTHING RETURNING id"
static const char SQL_INSERT[] =
    "INSERT INTO org(id, slug, name, name_en, acronym, kind, status, short_sr, short_en,"
    " description_sr, description_en, website, email, phone, address, municipality,"
    " district, region, country, year_founded, pib, mb, name_folded, is_demo,"
    " created_at, created_by, updated_at, updated_by, name_key_latn, name_key_cyrl, name_key_en)"
    " VALUES (coalesce($26, (SELECT coalesce(max(used), 0) + 1 FROM (SELECT max(id) AS used"
    "                        FROM org UNION ALL SELECT max(org_id) FROM org_revision) AS "
    "ids))," SQL_INSERT_VALUES;
/* PostgreSQL: the next id from org.id's sequence (0059), past every
 * id of org and org_revision and only grows. Concurrent creates computing
 * max()+1 took the same id, and all but one failed and ran again. */
static const char SQL_INSERT_SEQ[] =
    "INSERT INTO org(id, slug, name, name_en, acronym, kind, status, short_sr, short_en,"
    " description_sr, description_en, website, email, phone, address, municipality,"
    " district, region, country, year_founded, pib, mb, name_folded, is_demo,"
    " created_at, created_by, updated_at, updated_by, name_key_latn, name_key_cyrl, name_key_en)"
    " VALUES (coalesce($26, nextval(pg_get_serial_sequence('org', 'id')))," SQL_INSERT_VALUES;
/* A bulk writer's new entry: the id counted up in its org_facet_acc from
 * SQL_NEXT_ID, looked up once (RETURNING and the subquery per entry were
 * about 5% of the writer's time). */
static const char SQL_INSERT_AT[] =
    "INSERT INTO org(id, slug, name, name_en, acronym, kind, status, short_sr, short_en,"
    " description_sr, description_en, website, email, phone, address, municipality,"
    " district, region, country, year_founded, pib, mb, name_folded, is_demo,"
    " created_at, created_by, updated_at, updated_by, name_key_latn, name_key_cyrl, name_key_en)"
    " VALUES ($26, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
    " $18, $19, $20, $21, $22, $23, $24, nullif($25, 0), $24, nullif($25, 0), $27, $28, $29)";
static const char SQL_NEXT_ID[] =
    "SELECT coalesce(max(used), 0) + 1 FROM (SELECT max(id) AS used"
    " FROM org UNION ALL SELECT max(org_id) FROM org_revision) AS ids";
static const char SQL_NEXT_ID_SEQ[] = "SELECT nextval(pg_get_serial_sequence('org', 'id'))";

/* New ids from org.id's sequence (PostgreSQL, 0059), not max()+1: where
 * writers run side by side, so a bulk writer's ids are taken one at a
 * time too (an API create may take the next one meanwhile). */
static bool ids_from_sequence(db *d)
{
    return strcmp(db_backend(d), "sqlite") != 0;
}
static const char SQL_UPDATE[] =
    "UPDATE org SET slug = $1, name = $2, name_en = $3, acronym = $4, kind = $5, status = $6,"
    " short_sr = $7, short_en = $8, description_sr = $9, description_en = $10, website = $11,"
    " email = $12, phone = $13, address = $14, municipality = $15, district = $16,"
    " region = $17, country = $18, year_founded = $19, pib = $20, mb = $21,"
    " name_folded = $22, updated_at = $24, updated_by = nullif($25, 0), name_key_latn = $27,"
    " name_key_cyrl = $28, name_key_en = $29 WHERE id = $26";
static const char SQL_REVISION[] =
    "INSERT INTO org_revision(org_id, rev, at, actor_id, action, snapshot)"
    " VALUES ($1, (SELECT coalesce(max(rev), 0) + 1 FROM org_revision WHERE org_id = $1),"
    " $2, nullif($3, 0), $4, $5)";
/* A bulk writer's new entry: its id is counted above every id in
 * org_revision (SQL_NEXT_ID), so this is its first revision (the lookup
 * of the last one was an index search per entry). */
static const char SQL_REVISION_FIRST[] =
    "INSERT INTO org_revision(org_id, rev, at, actor_id, action, snapshot)"
    " VALUES ($1, 1, $2, nullif($3, 0), $4, $5)";
static const char SQL_TOUCH[] =
    "UPDATE org SET updated_at = $2, updated_by = nullif($3, 0) WHERE id = $1";

/* The sort keys of a name and English name into keys[ORG_NAMES_*]
 * (org.h's org_names): ICU keys, so computed here in C. False on OOM or
 * when ICU cannot open the collation. */
static bool name_keys(const char *name, const char *name_en, buf keys[3])
{
    if (!collate_key(&keys[ORG_NAMES_LATN], COLLATE_LATN, name, strlen(name)) ||
        !collate_key(&keys[ORG_NAMES_CYRL], COLLATE_CYRL, name, strlen(name)))
        return false;
    if (name_en && *name_en)
        return collate_key(&keys[ORG_NAMES_EN], COLLATE_LATN, name_en, strlen(name_en));
    /* no English name: its key is the Latin key of the name, already made
     * (most entries; ICU was 4.7% of an import's instructions) */
    buf_append(&keys[ORG_NAMES_EN], keys[ORG_NAMES_LATN].data, keys[ORG_NAMES_LATN].len);
    return !buf_failed(&keys[ORG_NAMES_EN]);
}

/* The folded name and the sort keys of n into folded and keys[3]. */
static bool name_forms(const org_rec *n, buf *folded, buf keys[3])
{
    utf8_fold(folded, n->name, strlen(n->name));
    return !buf_failed(folded) && name_keys(n->name, n->name_en, keys);
}

/* INSERT (id = forced id or 0 for the next one; at: forced_id is a bulk
 * writer's counted id, no RETURNING) or UPDATE of n's row. prep: the
 * folded name and keys made ahead, or NULL. DB_DONE: not inserted, the
 * slug is taken (not for at). */
static db_status write_row(db *d, const org_rec *n, const org_prep *prep, bool insert, bool at,
                           int64_t forced_id, int64_t actor_id, int64_t now, int64_t *id)
{
    buf own_folded = BUF_INIT, own_keys[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
    const buf *folded = prep ? &prep->folded : &own_folded;
    const buf *keys = prep ? prep->keys : own_keys;
    db_status st = DB_NOMEM;
    if (!prep && !name_forms(n, &own_folded, own_keys))
        goto cleanup;
    st = DB_ERR;
    db_stmt *s = db_prepare(d, insert ? (at                     ? SQL_INSERT_AT
                                         : ids_from_sequence(d) ? SQL_INSERT_SEQ
                                                                : SQL_INSERT)
                                      : SQL_UPDATE);
    if (!s)
        goto cleanup;
    for (size_t i = F_SLUG; i <= F_MB; i++) {
        if (org_fields[i].type == ORG_FIELD_INT) {
            if (get_int(n, i))
                db_bind_int(s, (int)i + 1, get_int(n, i));
            else
                db_bind_null(s, (int)i + 1);
        } else { /* n's texts live until the run below resets s */
            db_bind_text_static(s, (int)i + 1, get_text(n, i));
        }
    }
    db_bind_text_static(s, 22, buf_str(folded));
    if (insert)
        db_bind_int(s, 23, n->is_demo ? 1 : 0);
    db_bind_int(s, 24, now);
    db_bind_int(s, 25, actor_id);
    if (!insert || forced_id)
        db_bind_int(s, 26, insert ? forced_id : n->id);
    for (int k = 0; k < 3; k++)
        db_bind_blob(s, 27 + k, keys[k].data ? keys[k].data : "", keys[k].len);
    if (insert && at) {
        st = db_run(s);
        if (st == DB_OK)
            *id = forced_id;
    } else if (insert) {
        st = db_step(s);
        if (st == DB_ROW) {
            *id = db_col_int(s, 0);
            st = DB_OK;
        } /* DB_DONE: ON CONFLICT(slug), no row; the caller says "taken" */
        db_reset(s);
    } else {
        st = db_run(s);
        if (st == DB_OK)
            *id = n->id;
    }
cleanup:
    buf_free(&own_folded);
    for (int k = 0; k < 3; k++)
        buf_free(&own_keys[k]);
    return st;
}

static void put_fields_detail(buf *b, const char *const *names, size_t n);
static db_status search_text(db *d, const org_rec *n, buf *title, buf *body);

void org_prep_make(org_prep *p, const org_rec *in)
{
    assert(p && in);
    arena_free(&p->a);
    buf_reset(&p->folded);
    buf_reset(&p->snapshot);
    buf_reset(&p->detail);
    buf_reset(&p->search_title);
    buf_reset(&p->search_body);
    for (int k = 0; k < 3; k++)
        buf_reset(&p->keys[k]);
    memset(&p->errs, 0, sizeof p->errs);
    p->ok = p->has_search = false;
    if (normalize(&p->a, in, &p->n) != DB_OK)
        return;
    /* what put_tx does next for a new entry; a missing slug (the importer
     * makes one) or region (derived from the reference data) is left to it */
    if (!p->n.slug || !p->n.name || (p->n.district && !p->n.region))
        return;
    if (!p->n.status)
        p->n.status = "draft";
    if (!p->n.country)
        p->n.country = "RS";
    if (!org_validate_local(&p->a, &p->n, p->vals, &p->errs) ||
        !name_forms(&p->n, &p->folded, p->keys))
        return;
    org_snapshot(&p->snapshot, &p->n);
    /* put_tx's detail of a new entry: every field it gives */
    const char *changed[ORG_N_FIELDS];
    size_t n_changed = 0;
    for (size_t i = 0; i < ORG_N_FIELDS; i++)
        if (!field_empty(&p->n, i))
            changed[n_changed++] = org_fields[i].name;
    put_fields_detail(&p->detail, changed, n_changed);
    p->ok = !buf_failed(&p->snapshot) && !buf_failed(&p->detail) && !p->a.failed;
    /* the labels only once the writer has loaded the reference tables */
    p->has_search = p->ok && search_text(NULL, &p->n, &p->search_title, &p->search_body) == DB_OK;
}

void org_prep_free(org_prep *p)
{
    arena_free(&p->a);
    buf_free(&p->folded);
    buf_free(&p->snapshot);
    buf_free(&p->detail);
    buf_free(&p->search_title);
    buf_free(&p->search_body);
    for (int k = 0; k < 3; k++)
        buf_free(&p->keys[k]);
}

/* Replaces the codes of one classification table (a new entry has none
 * to delete). */
static db_status replace_codes(db *d, const struct org_code_table *t, int64_t id, const org_rec *n,
                               bool is_new)
{
    db_stmt *s;
    db_status st = DB_OK;
    if (!is_new) {
        if (!(s = db_prepare(d, t->sql_delete)))
            return DB_ERR;
        db_bind_int(s, 1, id);
        st = db_run(s);
    }
    size_t cnt;
    const char *const *l = get_list(n, t->field, &cnt);
    for (size_t k = 0; st == DB_OK && k < cnt; k++) {
        if (!(s = db_prepare(d, t->sql_insert)))
            return DB_ERR;
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, l[k]);
        st = db_run(s);
    }
    return st;
}

/* first: the entry has no revision yet (SQL_REVISION_FIRST). */
static db_status add_revision(db *d, bool first, int64_t id, int64_t now, int64_t actor_id,
                              const char *action, const char *snapshot)
{
    db_stmt *s = db_prepare(d, first ? SQL_REVISION_FIRST : SQL_REVISION);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, now);
    db_bind_int(s, 3, actor_id);
    db_bind_text(s, 4, action);
    db_bind_text(s, 5, snapshot);
    return db_run(s);
}

/* --- a bulk writer's revision and audit rows, ORG_BULK_ROWS at a time ---------------------
 *
 * A new entry's revision and audit row were two single-row INSERTs each:
 * statement overhead, bindings and a descent of each B-tree per row. A
 * bulk writer keeps them in its org_facet_acc and writes ORG_BULK_ROWS of
 * each with one INSERT (the statements' texts made once, placeholders
 * only), fewer (a last part batch) one by one with the same values. Rows
 * of other writes flush the batch first, so ids come in the same order as
 * before. */
#define BULK_REV_ARGS   3 /* org_id, at, snapshot; $1 actor, $2 action shared */
#define BULK_AUDIT_ARGS 3 /* at, entity_id, detail; $1 actor shared */
static char bulk_rev_sql[128 + ORG_BULK_ROWS * 64];
static char bulk_audit_sql[160 + ORG_BULK_ROWS * 64];
static pthread_once_t bulk_sql_once = PTHREAD_ONCE_INIT;

static void bulk_sql_make(void)
{
    buf r = BUF_INIT, a = BUF_INIT;
    buf_puts(&r, "INSERT INTO org_revision(org_id, rev, at, actor_id, action, snapshot) VALUES ");
    buf_puts(&a, "INSERT INTO audit(at, actor_id, ip, action, entity, entity_id, detail) VALUES ");
    for (int k = 0; k < ORG_BULK_ROWS; k++) {
        int p = 3 + k * BULK_REV_ARGS;
        buf_printf(&r, "%s($%d, 1, $%d, nullif($1, 0), $2, $%d)", k ? ", " : "", p, p + 1, p + 2);
        p = 2 + k * BULK_AUDIT_ARGS;
        buf_printf(&a, "%s($%d, nullif($1, 0), NULL, 'org_create', 'org', $%d, $%d)", k ? ", " : "",
                   p, p + 1, p + 2);
    }
    /* sized above for ORG_BULK_ROWS; a failure leaves them empty and
     * org_bulk_flush writes row by row */
    if (!buf_failed(&r) && r.len < sizeof bulk_rev_sql && !buf_failed(&a) &&
        a.len < sizeof bulk_audit_sql) {
        memcpy(bulk_rev_sql, r.data, r.len + 1);
        memcpy(bulk_audit_sql, a.data, a.len + 1);
    }
    buf_free(&r);
    buf_free(&a);
}

/* A new entry's code rows were one single-row INSERT per code (3.4 per
 * entry of the benchmark's directory, 8% of the import's writer,
 * callgrind): a bulk writer keeps them beside its revision rows and writes
 * ORG_BULK_CODE_CHUNK of a table with one INSERT (code_chunk_sql, made
 * once per table), the rest one by one. The rows of one table are
 * (org_id, code) keys in any order, so the order changes nothing. */
static char code_chunk_sql[3][96 + ORG_BULK_CODE_CHUNK * 24];
static pthread_once_t code_sql_once = PTHREAD_ONCE_INIT;

static void code_sql_make(void)
{
    for (size_t t = 0; t < 3; t++) {
        buf b = BUF_INIT;
        /* "INSERT INTO org_x(org_id, code) VALUES ($1, $2)": up to VALUES */
        const char *one = org_code_tables[t].sql_insert, *values = strstr(one, "VALUES");
        if (values)
            buf_append(&b, one, (size_t)(values - one) + 7);
        for (int k = 0; values && k < ORG_BULK_CODE_CHUNK; k++)
            buf_printf(&b, "%s($%d, $%d)", k ? ", " : "", 2 * k + 1, 2 * k + 2);
        /* a failure leaves it empty: row by row */
        if (values && !buf_failed(&b) && b.len < sizeof code_chunk_sql[t])
            memcpy(code_chunk_sql[t], b.data, b.len + 1);
        buf_free(&b);
    }
}

/* The code rows acc keeps, in text (acc's, not reset yet). */
static db_status flush_codes(db *d, org_facet_acc *acc, const char *text)
{
    pthread_once(&code_sql_once, code_sql_make);
    db_status st = DB_OK;
    size_t counts[3] = {acc->n_codes[0], acc->n_codes[1], acc->n_codes[2]};
    acc->n_codes[0] = acc->n_codes[1] = acc->n_codes[2] = 0; /* written or failed: gone */
    for (size_t t = 0; t < 3; t++) {
        size_t n = counts[t], k = 0;
        const struct org_bulk_code *c = acc->codes[t];
        for (; st == DB_OK && code_chunk_sql[t][0] && n - k >= ORG_BULK_CODE_CHUNK;
             k += ORG_BULK_CODE_CHUNK) {
            db_stmt *s = db_prepare(d, code_chunk_sql[t]);
            if (!s)
                return DB_ERR;
            for (int j = 0; j < ORG_BULK_CODE_CHUNK; j++) {
                db_bind_int(s, 2 * j + 1, c[k + (size_t)j].id);
                db_bind_text_static(s, 2 * j + 2, text + c[k + (size_t)j].code);
            }
            st = db_run(s);
        }
        for (; st == DB_OK && k < n; k++) {
            db_stmt *s = db_prepare(d, org_code_tables[t].sql_insert);
            if (!s)
                return DB_ERR;
            db_bind_int(s, 1, c[k].id);
            db_bind_text_static(s, 2, text + c[k].code);
            st = db_run(s);
        }
    }
    return st;
}

db_status org_bulk_flush(db *d, org_facet_acc *acc)
{
    assert(d && acc);
    db_status st = DB_OK;
    size_t n = acc->n_rows;
    if (n == 0 && !acc->n_codes[0] && !acc->n_codes[1] && !acc->n_codes[2])
        return DB_OK;
    acc->n_rows = 0;
    if (buf_failed(&acc->text)) {
        buf_reset(&acc->text);
        acc->n_codes[0] = acc->n_codes[1] = acc->n_codes[2] = 0;
        return DB_NOMEM;
    }
    const char *text = acc->text.data;
    if ((st = flush_codes(d, acc, text)) != DB_OK || n == 0)
        goto cleanup;
    pthread_once(&bulk_sql_once, bulk_sql_make);
    if (n == ORG_BULK_ROWS && bulk_rev_sql[0] && bulk_audit_sql[0]) {
        db_stmt *s = db_prepare(d, bulk_rev_sql);
        if (!s) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_int(s, 1, acc->actor_id);
        db_bind_text(s, 2, acc->rev_action);
        for (size_t k = 0; k < n; k++) {
            int p = 3 + (int)k * BULK_REV_ARGS;
            db_bind_int(s, p, acc->rows[k].id);
            db_bind_int(s, p + 1, acc->rows[k].at);
            db_bind_text_static(s, p + 2, text + acc->rows[k].snapshot); /* kept till the reset */
        }
        if ((st = db_run(s)) != DB_OK)
            goto cleanup;
        if (!(s = db_prepare(d, bulk_audit_sql))) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_int(s, 1, acc->actor_id);
        for (size_t k = 0; k < n; k++) {
            int p = 2 + (int)k * BULK_AUDIT_ARGS;
            db_bind_int(s, p, acc->rows[k].at);
            db_bind_int(s, p + 1, acc->rows[k].id);
            db_bind_text_static(s, p + 2, text + acc->rows[k].detail);
        }
        st = db_run(s);
        goto cleanup;
    }
    for (size_t k = 0; st == DB_OK && k < n; k++)
        st = add_revision(d, true, acc->rows[k].id, acc->rows[k].at, acc->actor_id, acc->rev_action,
                          text + acc->rows[k].snapshot);
    for (size_t k = 0; st == DB_OK && k < n; k++)
        st = audit_add(d, acc->actor_id, NULL, "org_create", "org", acc->rows[k].id,
                       text + acc->rows[k].detail);
cleanup:
    buf_reset(&acc->text);
    return st;
}

void org_facet_acc_free(org_facet_acc *acc)
{
    buf_free(&acc->text);
    acc->n_rows = 0;
    acc->n_codes[0] = acc->n_codes[1] = acc->n_codes[2] = 0;
}

/* Keeps new entry id's revision and audit row in bulk (see above). */
static db_status bulk_push(db *d, org_facet_acc *bulk, int64_t id, int64_t now, int64_t actor_id,
                           const char *rev_action, const char *snapshot, const char *detail)
{
    if (bulk->n_rows && (bulk->actor_id != actor_id || strcmp(bulk->rev_action, rev_action) != 0)) {
        db_status st = org_bulk_flush(d, bulk);
        if (st != DB_OK)
            return st;
    }
    bulk->actor_id = actor_id;
    bulk->rev_action = rev_action;
    struct org_bulk_row *r = &bulk->rows[bulk->n_rows++];
    r->id = id;
    r->at = now;
    r->snapshot = bulk->text.len;
    buf_append(&bulk->text, snapshot, strlen(snapshot) + 1);
    r->detail = bulk->text.len;
    buf_append(&bulk->text, detail, strlen(detail) + 1);
    return bulk->n_rows == ORG_BULK_ROWS ? org_bulk_flush(d, bulk) : DB_OK;
}

/* Keeps new entry id's code rows of table t in bulk (see flush_codes);
 * more than the batch holds are written at once. */
static db_status bulk_push_codes(db *d, org_facet_acc *bulk, size_t t, int64_t id, const org_rec *n)
{
    size_t cnt;
    const char *const *l = get_list(n, org_code_tables[t].field, &cnt);
    if (bulk->n_codes[t] + cnt > ORG_BULK_CODES) {
        db_status st = org_bulk_flush(d, bulk);
        if (st != DB_OK)
            return st;
        if (cnt > ORG_BULK_CODES)
            return replace_codes(d, &org_code_tables[t], id, n, true);
    }
    for (size_t k = 0; k < cnt; k++) {
        struct org_bulk_code *c = &bulk->codes[t][bulk->n_codes[t]++];
        c->id = id;
        c->code = bulk->text.len;
        buf_append(&bulk->text, l[k], strlen(l[k]) + 1);
    }
    return DB_OK;
}

static void put_word(buf *b, const char *s)
{
    if (empty(s))
        return;
    if (b->len)
        buf_putc(b, ' ');
    buf_puts(b, s);
}

/* The codes whose labels one document holds already (search_text): a
 * section named by two of an entry's sectors goes in once. Beyond
 * LABELS_SEEN codes a label may repeat, which changes no match. */
#define LABELS_SEEN 32
typedef struct labels_seen {
    const char *table[LABELS_SEEN], *code[LABELS_SEEN];
    size_t n;
} labels_seen;

static bool label_first(labels_seen *seen, const char *table, const char *code)
{
    for (size_t i = 0; i < seen->n; i++)
        if (strcmp(seen->code[i], code) == 0 && strcmp(seen->table[i], table) == 0)
            return false;
    if (seen->n < LABELS_SEEN) {
        seen->table[seen->n] = table;
        seen->code[seen->n++] = code;
    }
    return true;
}

/* The labels, in English and in Serbian, of everything an entry is
 * classified by: kind, district, region, every sector and field of
 * science with the section or field above it, and every geographical
 * focus, from the process-wide reference cache (ref.c). A statement that
 * read them back from the rows just written was 12% of an import's time
 * at 100,000 entries (perf). Serbian Latin is not added: search folds
 * Cyrillic to Latin, so the Cyrillic label answers queries in either
 * script and in ASCII. */
static db_status put_labels(db *d, buf *body, labels_seen *seen, const char *table,
                            const char *code, bool with_parent)
{
    const ref_item *en, *sr;
    db_status st;
    if (d) {
        st = ref_get(d, table, code, LANG_EN, &en);
        if (st == DB_OK)
            st = ref_get(d, table, code, LANG_SR_CYRL, &sr);
    } else { /* no connection (the prepare stage): the cache or nothing */
        st = ref_get_cached(table, code, LANG_EN, &en) &&
                     ref_get_cached(table, code, LANG_SR_CYRL, &sr)
                 ? DB_OK
                 : DB_BUSY;
    }
    if (st != DB_OK || !en || !sr)
        return st; /* an unknown code has no label (validation refuses them) */
    if (label_first(seen, table, en->code)) {
        put_word(body, en->label);
        put_word(body, sr->label);
    }
    if (with_parent && en->parent)
        st = put_labels(d, body, seen, table, en->parent, false);
    return st;
}

/* The search document of n into title (names and acronym) and body
 * (descriptions, municipality and the labels above). d NULL: the labels
 * from the reference cache alone, DB_BUSY when a table is not cached. */
static db_status search_text(db *d, const org_rec *n, buf *title, buf *body)
{
    db_status st;
    labels_seen seen = {.n = 0};
    put_word(title, n->name);
    put_word(title, n->name_en);
    put_word(title, n->acronym);
    put_word(body, n->short_sr);
    put_word(body, n->short_en);
    put_word(body, n->description_sr);
    put_word(body, n->description_en);
    put_word(body, n->municipality);
    if ((st = put_labels(d, body, &seen, "kind", n->kind, false)) != DB_OK ||
        (st = put_labels(d, body, &seen, "district", n->district, false)) != DB_OK ||
        (st = put_labels(d, body, &seen, "region", n->region, false)) != DB_OK)
        return st;
    for (size_t k = 0; k < n->n_sectors; k++)
        if ((st = put_labels(d, body, &seen, "nace", n->sectors[k], true)) != DB_OK)
            return st;
    for (size_t k = 0; k < n->n_fos; k++)
        if ((st = put_labels(d, body, &seen, "fos", n->fos[k], true)) != DB_OK)
            return st;
    for (size_t k = 0; k < n->n_geo; k++)
        if ((st = put_labels(d, body, &seen, "geo", n->geo[k], false)) != DB_OK)
            return st;
    return buf_failed(title) || buf_failed(body) ? DB_NOMEM : DB_OK;
}

/* The search document: see search_text. Call after the entry's rows are
 * written. fresh: id was just taken (search_put_new). prep: its document
 * when it has one (the same text, made on the prepare stage). */
static db_status put_search(db *d, int64_t id, const org_rec *n, bool bulk, bool fresh,
                            const org_prep *prep)
{
    if (prep && prep->has_search)
        return search_put_pending(d, "org", id, buf_str(&prep->search_title),
                                  buf_str(&prep->search_body));
    buf title = BUF_INIT, body = BUF_INIT;
    db_status st = search_text(d, n, &title, &body);
    if (st == DB_OK)
        st = (bulk    ? search_put_pending
              : fresh ? search_put_new
                      : search_put)(d, "org", id, buf_str(&title), buf_str(&body));
    buf_free(&title);
    buf_free(&body);
    return st;
}

/* {"fields":["name","website"]}: names only, never values (audit.h). */
static void put_fields_detail(buf *b, const char *const *names, size_t n)
{
    buf_puts(b, "{\"fields\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        json_put_string(b, names[i]);
    }
    buf_puts(b, "]}");
}

static const char SQL_PROPOSED[] =
    "SELECT count(*) FROM org_proposal WHERE org_id = $1 AND state = 'proposed'";

/* A proposed entry (org_proposal.h) leaves draft only by the
 * secretariat's acceptance, which also tells its proposer: any other
 * status change adds FE_SECRETARIAT_ONLY on "status" to errs. */
static db_status proposal_kept(db *d, const org_rec *old, const org_rec *n,
                               const char *audit_action, form_errors *errs)
{
    if (!old->status || strcmp(old->status, "draft") != 0 || !n->status ||
        strcmp(n->status, "draft") == 0 ||
        (audit_action && strcmp(audit_action, "org_proposal_accept") == 0))
        return DB_OK;
    int64_t pending = 0;
    db_status st = db_int(d, &pending, 0, SQL_PROPOSED, DB_ARGS(DBI(old->id)));
    if (st == DB_OK && pending && errs->n_items < sizeof errs->items / sizeof errs->items[0])
        errs->items[errs->n_items++] = (form_error){.field = "status", .code = FE_SECRETARIAT_ONLY};
    return st;
}

/* The one writer (see org_put). audit_action NULL means org_create or
 * org_update; recreate lets a restore bring back a deleted entry under
 * its old id. A write adds TX_DIRECTORY to *bump (for the caller's
 * tx_write); bump is NULL for a bulk writer, which counts in bulk. */
static db_status put_tx(db *d, const org_rec *in, const char *rev_action, const char *audit_action,
                        bool recreate, org_facet_acc *bulk, const org_prep *prep, unsigned *bump,
                        int64_t actor_id, const char *ip, form_errors *errs, org_put_result *res)
{
    assert(d && in && rev_action && res);
    assert(db_in_tx(d));
    assert(!prep || bulk);
    if (prep && (!prep->ok || in->id))
        prep = NULL; /* made for a new entry only */
    form_errors local;
    memset(&local, 0, sizeof local);
    if (!errs)
        errs = &local;
    size_t errs_before = errs->n_items;
    arena a = ARENA_INIT;
    buf snap = BUF_INIT, detail = BUF_INIT;
    org_rec n, old;
    bool found = false;
    memset(res, 0, sizeof *res);
    memset(&old, 0, sizeof old);

    db_status st = DB_OK;
    if (prep)
        n = prep->n; /* normalised, with a new entry's defaults */
    else if ((st = normalize(&a, in, &n)) != DB_OK)
        goto cleanup;
    if (n.id) {
        /* a bulk writer's kept rows (org_bulk_flush) are written first:
         * the entry may be one of them, and another write's rows come
         * after theirs */
        if ((bulk && (st = org_bulk_flush(d, bulk)) != DB_OK) ||
            (st = org_get(d, &a, NULL, n.id, &old, &found)) != DB_OK)
            goto cleanup;
        if (!found && !recreate) {
            st = DB_DONE;
            goto cleanup;
        }
    }
    if (!n.status)
        n.status = found ? old.status : "draft";
    if (!n.country)
        n.country = "RS";
    if (n.district && !n.region &&
        (st = org_district_region(d, &a, n.district, &n.region)) != DB_OK)
        goto cleanup;
    if (prep) {
        for (size_t k = 0;
             k < prep->errs.n_items && errs->n_items < sizeof errs->items / sizeof errs->items[0];
             k++)
            errs->items[errs->n_items++] = prep->errs.items[k];
        if ((st = org_validate_db_known(d, &n, prep->vals, bulk->free_slug, bulk->free_pib,
                                        bulk->free_mb, errs)) != DB_OK)
            goto cleanup;
    } else if ((st = (n.id || bulk ? org_validate : org_validate_new)(d, &n, errs)) != DB_OK) {
        goto cleanup;
    }
    if (found && (st = proposal_kept(d, &old, &n, audit_action, errs)) != DB_OK)
        goto cleanup;
    if (errs->n_items > errs_before) {
        st = DB_CONSTRAINT;
        goto cleanup;
    }

    for (size_t i = 0; i < ORG_N_FIELDS; i++)
        if (found ? !field_eq(&old, &n, i) : !field_empty(&n, i))
            res->changed[res->n_changed++] = org_fields[i].name;
    res->id = n.id;
    res->created = !found;
    if (found && res->n_changed == 0)
        goto cleanup; /* nothing changed: nothing written, no revision */

    int64_t now = time_now();
    org_facet_snap before, after;
    bool counted = !(bulk && !found); /* org_put_bulk: counted in bulk, added by org_facets_add */
    if (counted && (st = org_facet_snapshot(d, &a, found ? old.id : 0, &before)) != DB_OK)
        goto cleanup;
    /* a bulk writer's new entries take ids counted up from one lookup */
    bool at = bulk && !found && !n.id;
    if (at && !bulk->next_id &&
        (st = db_scalar_int(d, ids_from_sequence(d) ? SQL_NEXT_ID_SEQ : SQL_NEXT_ID,
                            &bulk->next_id)) != DB_OK)
        goto cleanup;
    if ((st = write_row(d, &n, prep, !found, at,
                        at      ? bulk->next_id
                        : found ? 0
                                : n.id,
                        actor_id, now, &res->id)) != DB_OK) {
        if (st == DB_DONE) { /* the slug is another entry's (SQL_INSERT) */
            st = DB_CONSTRAINT;
            if (errs->n_items < sizeof errs->items / sizeof errs->items[0])
                errs->items[errs->n_items++] = (form_error){.field = "slug", .code = FE_TAKEN};
        }
        goto cleanup;
    }
    if (at)
        bulk->next_id = ids_from_sequence(d) ? 0 : bulk->next_id + 1;
    /* leaving the directory (archived, back to draft) closes the entry's
     * open posts in this transaction: the board shows only published
     * organisations' posts, and its stored counts stay exact */
    size_t n_closed = 0;
    if (found && old.status && strcmp(old.status, "published") == 0 &&
        strcmp(n.status, "published") != 0 &&
        (st = post_close_org_tx(d, res->id, actor_id, &n_closed)) != DB_OK)
        goto cleanup;
    /* a bulk writer's new entry: its revision, audit and code rows are
     * kept and written with others' (bulk_push, bulk_push_codes) */
    bool batched =
        at && !ip && !found && (!audit_action || strcmp(audit_action, "org_create") == 0);
    for (size_t k = 0; k < 3; k++) {
        size_t f = org_code_tables[k].field;
        if (found && field_eq(&old, &n, f))
            continue;
        if ((st = batched ? bulk_push_codes(d, bulk, k, res->id, &n)
                          : replace_codes(d, &org_code_tables[k], res->id, &n, !found)) != DB_OK)
            goto cleanup;
    }
    /* a new entry's pairs are its record's: read back by its new id, they
     * took predicate locks (PostgreSQL) on the last pages of org's and the
     * code tables' indexes, where every concurrent create inserts */
    if (counted && ((st = found ? org_facet_snapshot(d, &a, res->id, &after)
                                : org_facet_snapshot_of(d, &a, &n, &after)) != DB_OK ||
                    (st = org_facet_apply(d, res->id, &before, &after)) != DB_OK))
        goto cleanup;
    if (!counted && (st = org_facet_acc_add(d, bulk, &n)) != DB_OK)
        goto cleanup;
    if (!prep)
        org_snapshot(&snap, &n);
    if (!prep)
        put_fields_detail(&detail, res->changed, res->n_changed);
    if (buf_failed(&snap) || buf_failed(&detail)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    if (!audit_action)
        audit_action = found ? "org_update" : "org_create";
    if (batched) {
        st = bulk_push(d, bulk, res->id, now, actor_id, rev_action,
                       buf_str(prep ? &prep->snapshot : &snap),
                       buf_str(prep ? &prep->detail : &detail));
    } else {
        /* an id just taken (no forced one) is above every id org_revision
         * holds (SQL_INSERT, SQL_INSERT_SEQ): its first revision, without
         * max(rev) (on PostgreSQL a predicate lock on the index page every
         * concurrent create inserts into) */
        st = add_revision(d, at || (!found && !n.id), res->id, now, actor_id, rev_action,
                          buf_str(prep ? &prep->snapshot : &snap));
        if (st == DB_OK)
            st = audit_add(d, actor_id, ip, audit_action, "org", res->id,
                           buf_str(prep ? &prep->detail : &detail));
    }
    if (st != DB_OK)
        goto cleanup;
    st = put_search(d, res->id, &n, bulk != NULL, !found && !n.id, prep);
    if (st == DB_OK && bulk)
        bulk->writes++; /* org_facets_add bumps the version once for all */
    else if (st == DB_OK && bump)
        *bump |= TX_DIRECTORY;
cleanup:
    arena_free(&a);
    buf_free(&snap);
    buf_free(&detail);
    return st;
}

db_status org_put(db *d, const org_rec *in, const char *rev_action, int64_t actor_id,
                  const char *ip, form_errors *errs, org_put_result *res)
{
    return put_tx(d, in, rev_action, NULL, false, NULL, NULL, NULL, actor_id, ip, errs, res);
}

db_status org_put_tx(tx *t, const org_rec *in, const char *rev_action, const char *audit_action,
                     form_errors *errs, org_put_result *res)
{
    return put_tx(t->d, in, rev_action, audit_action, false, NULL, NULL, &t->bump, t->actor_id,
                  t->ip, errs, res);
}

db_status org_put_bulk(db *d, const org_rec *in, const org_prep *prep, const char *rev_action,
                       int64_t actor_id, org_facet_acc *acc, form_errors *errs, org_put_result *res)
{
    assert(acc && acc->a);
    return put_tx(d, in, rev_action, NULL, false, acc, prep, NULL, actor_id, NULL, errs, res);
}

/* What the bodies below are given: the input, and where the answer goes
 * (overwritten, never appended to, so a retry starts clean). */
typedef struct put_ctx {
    const org_rec *in;
    int64_t id;
    const char *status, *rev_action;
    bool may_classify;
    form_errors *errs;
    size_t errs_before;
    int64_t rev;
    bool check_rev; /* update: only if the latest revision is still in->rev */
    bool stale;     /* out: it was not (nothing written) */
    org_put_result res;
} put_ctx;

static form_errors *errs_reset(put_ctx *c)
{
    if (c->errs)
        c->errs->n_items = c->errs_before;
    return c->errs;
}

static db_status create_body(tx *t, void *ctx)
{
    put_ctx *c = ctx;
    org_rec r = *c->in;
    r.id = 0;
    return put_tx(t->d, &r, "create", NULL, false, NULL, NULL, &t->bump, t->actor_id, t->ip,
                  errs_reset(c), &c->res);
}

db_status org_create(db *d, const org_rec *in, int64_t actor_id, const char *ip, form_errors *errs,
                     int64_t *id)
{
    assert(d && in);
    put_ctx c = {.in = in, .errs = errs, .errs_before = errs ? errs->n_items : 0};
    tx t = TX_INIT(actor_id, ip, NULL, "org", 0); /* put_tx writes the audit row */
    db_status st = tx_write(d, &t, create_body, &c);
    if (st == DB_OK && id)
        *id = c.res.id;
    return st;
}

static const char SQL_KIND_NOW[] = "SELECT kind FROM org WHERE id = $1";

/* DB_CONSTRAINT with FE_SECRETARIAT_ONLY on "kind" when kind (surrounding
 * blanks ignored) differs from the stored kind of entry id; DB_OK when it
 * is the same, empty (org_validate says "required") or there is no entry. */
static db_status kind_kept(db *d, int64_t id, const char *kind, form_errors *errs)
{
    db_stmt *s = db_prepare(d, SQL_KIND_NOW);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    db_status st = db_step(s);
    bool changed = false;
    if (st == DB_ROW && kind) {
        const char *now = db_col_text(s, 0);
        while (*kind == ' ' || *kind == '\t')
            kind++;
        size_t n = strlen(kind);
        while (n && (kind[n - 1] == ' ' || kind[n - 1] == '\t'))
            n--;
        changed = n && (!now || strlen(now) != n || memcmp(now, kind, n) != 0);
    }
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        return st;
    if (!changed)
        return DB_OK;
    if (errs && errs->n_items < sizeof errs->items / sizeof errs->items[0])
        errs->items[errs->n_items++] = (form_error){.field = "kind", .code = FE_SECRETARIAT_ONLY};
    return DB_CONSTRAINT;
}

db_status org_update(db *d, const org_rec *in, int64_t actor_id, const char *ip, form_errors *errs)
{
    return org_update_as(d, in, true, actor_id, ip, errs);
}

static const char SQL_LATEST_REV[] =
    "SELECT coalesce(max(rev), 0) FROM org_revision WHERE org_id = $1";

static db_status update_body(tx *t, void *ctx)
{
    put_ctx *c = ctx;
    form_errors *errs = errs_reset(c);
    db_status st;
    c->stale = false;
    if (c->check_rev) {
        int64_t latest = 0;
        st = db_int(t->d, &latest, 0, SQL_LATEST_REV, DB_ARGS(DBI(c->in->id)));
        if (st != DB_OK)
            return st;
        if (latest != c->in->rev) {
            c->stale = true;
            return DB_OK;
        }
    }
    if (!c->may_classify && (st = kind_kept(t->d, c->in->id, c->in->kind, errs)) != DB_OK)
        return st;
    return put_tx(t->d, c->in, "update", NULL, false, NULL, NULL, &t->bump, t->actor_id, t->ip,
                  errs, &c->res);
}

db_status org_update_as(db *d, const org_rec *in, bool may_classify, int64_t actor_id,
                        const char *ip, form_errors *errs)
{
    assert(d && in && in->id > 0);
    put_ctx c = {.in = in,
                 .may_classify = may_classify,
                 .errs = errs,
                 .errs_before = errs ? errs->n_items : 0};
    tx t = TX_INIT(actor_id, ip, NULL, "org", in->id);
    return tx_write(d, &t, update_body, &c);
}

db_status org_update_unless_stale(db *d, const org_rec *in, bool may_classify, int64_t actor_id,
                                  const char *ip, form_errors *errs, bool *stale)
{
    assert(d && in && in->id > 0 && stale);
    put_ctx c = {.in = in,
                 .may_classify = may_classify,
                 .check_rev = true,
                 .errs = errs,
                 .errs_before = errs ? errs->n_items : 0};
    tx t = TX_INIT(actor_id, ip, NULL, "org", in->id);
    db_status st = tx_write(d, &t, update_body, &c);
    *stale = st == DB_OK && c.stale;
    return st;
}

static db_status status_body(tx *t, void *ctx)
{
    put_ctx *c = ctx;
    arena a = ARENA_INIT;
    org_rec r;
    bool found;
    db_status st = org_get(t->d, &a, NULL, c->id, &r, &found);
    if (st == DB_OK && !found)
        st = DB_DONE;
    if (st == DB_OK) {
        r.status = c->status;
        st = put_tx(t->d, &r, c->rev_action, "org_status", false, NULL, NULL, &t->bump, t->actor_id,
                    t->ip, NULL, &c->res);
    }
    arena_free(&a);
    return st;
}

db_status org_set_status(db *d, int64_t id, const char *status, int64_t actor_id, const char *ip)
{
    static const struct {
        const char *status, *rev_action;
    } actions[] = {{"published", "publish"}, {"archived", "archive"}, {"draft", "update"}};
    const char *rev_action = NULL;
    for (size_t i = 0; status && i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(status, actions[i].status) == 0)
            rev_action = actions[i].rev_action;
    if (!rev_action)
        return DB_CONSTRAINT;
    put_ctx c = {.id = id, .status = status, .rev_action = rev_action};
    tx t = TX_INIT(actor_id, ip, NULL, "org", id);
    return tx_write(d, &t, status_body, &c);
}

static const char SQL_EXISTS[] = "SELECT 1 FROM org WHERE id = $1";
static const char SQL_DELETE[] = "DELETE FROM org WHERE id = $1";

static db_status delete_body(tx *t, void *ctx)
{
    (void)ctx;
    db *d = t->d;
    int64_t id = t->entity_id;
    arena a = ARENA_INIT;
    db_status st;
    db_stmt *s = db_prepare(d, SQL_EXISTS);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, id);
    st = db_step(s);
    db_reset(s);
    if (st != DB_ROW)
        goto cleanup; /* DB_DONE: no such entry */
    /* The logo and the classifications go with the row (ON DELETE
     * CASCADE); memberships, affiliations and invitations refuse (FK). */
    org_facet_snap before, none = {0};
    if ((st = org_facet_snapshot(d, &a, id, &before)) != DB_OK)
        goto cleanup;
    size_t n_closed = 0; /* its posts refuse the delete (FK); closed first all the same */
    if ((st = post_close_org_tx(d, id, t->actor_id, &n_closed)) != DB_OK)
        goto cleanup;
    if (!(s = db_prepare(d, SQL_DELETE))) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, id);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if ((st = org_facet_apply(d, id, &before, &none)) != DB_OK)
        goto cleanup;
    st = search_delete(d, "org", id);
cleanup:
    arena_free(&a);
    return st;
}

db_status org_delete(db *d, int64_t id, int64_t actor_id, const char *ip)
{
    tx t = TX_INIT(actor_id, ip, "org_delete", "org", id);
    t.bump = TX_DIRECTORY;
    return tx_write(d, &t, delete_body, NULL);
}

/* --- logos (the checks are in image.c) ------------------------------------------------------ */

static const char SQL_LOGO_PUT[] =
    "INSERT INTO org_logo(org_id, content_type, data, sha, uploaded_at, uploaded_by)"
    " VALUES ($1, $2, $3, $4, $5, nullif($6, 0))"
    " ON CONFLICT (org_id) DO UPDATE SET content_type = excluded.content_type,"
    " data = excluded.data, sha = excluded.sha, uploaded_at = excluded.uploaded_at,"
    " uploaded_by = excluded.uploaded_by";
static const char SQL_LOGO_DELETE[] = "DELETE FROM org_logo WHERE org_id = $1";
static const char SQL_LOGO_GET[] = "SELECT content_type, data, sha FROM org_logo WHERE org_id = $1";

typedef struct logo_ctx {
    const void *data;
    size_t n; /* 0: remove the logo */
    const char *type, *sha;
} logo_ctx;

static db_status logo_body(tx *t, void *ctx)
{
    const logo_ctx *c = ctx;
    int64_t now = time_now();
    db_status st = db_do(t->d, SQL_TOUCH, DB_ARGS(DBI(t->entity_id), DBI(now), DBI(t->actor_id)));
    if (st != DB_OK)
        return st;
    if (db_changes(t->d) == 0)
        return DB_DONE; /* no such entry */
    if (c->n == 0)
        return db_do(t->d, SQL_LOGO_DELETE, DB_ARGS(DBI(t->entity_id)));
    db_stmt *s = db_prepare(t->d, SQL_LOGO_PUT); /* a blob: no db_val for it */
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, t->entity_id);
    db_bind_text(s, 2, c->type);
    db_bind_blob(s, 3, c->data, c->n);
    db_bind_text(s, 4, c->sha);
    db_bind_int(s, 5, now);
    db_bind_int(s, 6, t->actor_id);
    return db_run(s);
}

db_status org_set_logo(db *d, int64_t id, const void *data, size_t n, int64_t actor_id,
                       const char *ip, int *why)
{
    assert(d && why);
    const char *type = NULL;
    char sha[crypto_hash_sha256_BYTES * 2 + 1];
    *why = 0;
    if (n > 0) {
        image_verdict v;
        if (!image_check(data, n, &v)) {
            *why = v.why;
            return DB_CONSTRAINT;
        }
        type = v.content_type;
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, data, n);
        sodium_bin2hex(sha, sizeof sha, h, sizeof h);
    }
    logo_ctx c = {.data = data, .n = n, .type = type, .sha = sha};
    tx t = TX_INIT(actor_id, ip, "org_logo", "org", id);
    t.bump = TX_DIRECTORY;
    buf_puts(&t.detail, "{\"fields\":[\"logo\"]}");
    return tx_write(d, &t, logo_body, &c);
}

db_status org_get_logo(db *d, arena *a, int64_t id, const char **content_type, const void **data,
                       size_t *n, const char **sha)
{
    *content_type = NULL;
    *data = NULL;
    *n = 0;
    *sha = NULL;
    db_stmt *s = db_prepare(d, SQL_LOGO_GET);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    db_status st = db_step(s);
    bool oom = false;
    if (st == DB_ROW) {
        size_t len = 0;
        const void *blob = db_col_blob(s, 1, &len);
        void *copy = arena_alloc(a, len ? len : 1);
        if (!copy) {
            oom = true;
        } else {
            if (len)
                memcpy(copy, blob, len);
            *data = copy;
            *n = len;
        }
        *content_type = db_col_dup(a, s, 0, &oom);
        *sha = db_col_dup(a, s, 2, &oom);
    }
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

static const char SQL_SNAPSHOT[] =
    "SELECT snapshot FROM org_revision WHERE org_id = $1 AND rev = $2";

db_status org_restore(db *d, int64_t org_id, int64_t rev, int64_t actor_id, const char *ip,
                      form_errors *errs)
{
    return org_restore_as(d, org_id, rev, true, actor_id, ip, errs);
}

static db_status restore_body(tx *t, void *ctx)
{
    put_ctx *c = ctx;
    db *d = t->d;
    int64_t org_id = c->id, rev = c->rev;
    form_errors *errs = errs_reset(c);
    arena a = ARENA_INIT;
    buf why = BUF_INIT;
    json_t *j = NULL;
    org_rec r;
    db_status st;
    db_stmt *s = db_prepare(d, SQL_SNAPSHOT);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, org_id);
    db_bind_int(s, 2, rev);
    st = db_step(s);
    if (st == DB_ROW) {
        const char *snap = db_col_text(s, 0);
        j = json_parse(snap, strlen(snap), &why);
    }
    db_reset(s);
    if (st != DB_ROW)
        goto cleanup; /* DB_DONE: no such revision */
    if (!j || !org_from_json(&a, j, &r, NULL, &why)) {
        log_error("org_restore: revision %lld of entry %lld unreadable: %s", (long long)rev,
                  (long long)org_id, buf_str(&why));
        st = DB_ERR;
        goto cleanup;
    }
    r.id = org_id;
    /* an old revision may carry another kind: that is the secretariat's */
    if (!c->may_classify && (st = kind_kept(d, org_id, r.kind, errs)) != DB_OK)
        goto cleanup;
    /* Validated as an update: slugs and PIBs may have been taken since. */
    st = put_tx(d, &r, "restore", "org_restore", true, NULL, NULL, &t->bump, t->actor_id, t->ip,
                errs, &c->res);
cleanup:
    json_decref(j);
    buf_free(&why);
    arena_free(&a);
    return st;
}

db_status org_restore_as(db *d, int64_t org_id, int64_t rev, bool may_classify, int64_t actor_id,
                         const char *ip, form_errors *errs)
{
    put_ctx c = {.id = org_id,
                 .rev = rev,
                 .may_classify = may_classify,
                 .errs = errs,
                 .errs_before = errs ? errs->n_items : 0};
    tx t = TX_INIT(actor_id, ip, NULL, "org", org_id);
    return tx_write(d, &t, restore_body, &c);
}

/* --- sort keys of rows written without them ---------------------------------------------- */

static const char SQL_KEYLESS[] = "SELECT id, name, name_en FROM org WHERE name_key_latn IS NULL"
                                  " OR name_key_cyrl IS NULL OR name_key_en IS NULL LIMIT 500";
static const char SQL_ANY_KEYLESS[] =
    "SELECT EXISTS (SELECT 1 FROM org WHERE name_key_latn IS NULL OR name_key_cyrl IS NULL"
    " OR name_key_en IS NULL)";
static const char SQL_SET_KEYS[] =
    "UPDATE org SET name_key_latn = $2, name_key_cyrl = $3, name_key_en = $4 WHERE id = $1";

typedef struct keyless {
    int64_t id;
    const char *name, *name_en;
} keyless;

static void keyless_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    keyless *k = item;
    k->id = db_col_int(s, 0);
    k->name = db_col_dup(a, s, 1, oom);
    k->name_en = db_col_dup(a, s, 2, oom);
}

/* One batch of up to 500 rows; *ctx (size_t) gets how many. */
static db_status keys_body(tx *t, void *ctx)
{
    db *d = t->d;
    arena a = ARENA_INIT;
    keyless *rows = NULL;
    size_t n = 0;
    db_status st = DB_OK;
    db_stmt *s = db_prepare(d, SQL_KEYLESS);
    if (!s)
        st = DB_ERR;
    if (st == DB_OK)
        st = db_collect(s, &a, (void **)&rows, &n, sizeof *rows, keyless_row, NULL);
    for (size_t i = 0; st == DB_OK && i < n; i++) {
        buf keys[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
        const char *name = rows[i].name ? rows[i].name : "";
        if (!name_keys(name, rows[i].name_en, keys))
            st = DB_NOMEM;
        else if (!(s = db_prepare(d, SQL_SET_KEYS)))
            st = DB_ERR;
        if (st == DB_OK) {
            db_bind_int(s, 1, rows[i].id);
            for (int k = 0; k < 3; k++)
                db_bind_blob(s, 2 + k, keys[k].data ? keys[k].data : "", keys[k].len);
            st = db_run(s);
        }
        for (int k = 0; k < 3; k++)
            buf_free(&keys[k]);
    }
    arena_free(&a);
    *(size_t *)ctx = st == DB_OK ? n : 0;
    return st;
}

db_status org_fill_sort_keys(db *d, int64_t *filled)
{
    assert(d && filled);
    *filled = 0;
    /* read first: a database whose rows all have keys (every start but
     * the first after migration 0013) takes no write lock here */
    int64_t any = 0;
    db_status first = db_int(d, &any, 0, SQL_ANY_KEYLESS, 0, NULL);
    if (first != DB_OK || !any)
        return first;
    for (;;) {
        size_t n = 0;
        tx t = TX_INIT(0, NULL, NULL, NULL, 0); /* derived data: no audit row, no bump */
        db_status st = tx_write(d, &t, keys_body, &n);
        if (st != DB_OK)
            return st;
        *filled += (int64_t)n;
        if (n == 0)
            return DB_OK;
    }
}
