/* support.c: the support log (see support.h). One valid_table checks an
 * entry wherever it comes from; the report counts with one grouped query
 * over the entries and the mentoring meetings of the year. */
#include "model/support.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "json/json.h"
#include "model/tx.h"

const char *const support_kinds[] = {"consultation", "training", "introduction", "other", NULL};

enum { SU_DATE, SU_KIND, SU_NOTE, SU_LINK, SU_SOURCE, SU_N };
static const form_rule support_rules[SU_N] = {
    [SU_DATE] = {"given_on", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
    [SU_KIND] = {"kind", FV_ENUM, FORM_REQUIRED, 0, 0, support_kinds},
    [SU_NOTE] = {"note", FV_MULTILINE, FORM_REQUIRED, 1, SUPPORT_NOTE_MAX, NULL},
    [SU_LINK] = {"link", FV_URL, 0, 0, SUPPORT_LINK_MAX, NULL},
    [SU_SOURCE] = {"source", FV_TEXT, 0, 0, SUPPORT_SOURCE_MAX, NULL},
};
static const valid_table support_table = {support_rules, SU_N, NULL, 0};

static const char SQL_IS_CLUSTER[] =
    "SELECT count(*) FROM org WHERE id = $1 AND kind IN ('cluster', 'cluster_initiative')";
static const char SQL_INSERT[] =
    "INSERT INTO support_entry(org_id, given_on, kind, note, link, source, created_at, created_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (org_id, source) DO NOTHING";

db_status support_log_add(db *d, int64_t org_id, const char *date, const char *kind,
                          const char *note, const char *link, const char *source, int64_t actor,
                          form_errors *errs)
{
    assert(d);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    arena a = ARENA_INIT;
    form_value v[SU_N];
    db_status st;
    if (!valid_values(&a, &support_table, (const char *[SU_N]){date, kind, note, link, source}, v,
                      errs, NULL)) {
        st = tx_invalid(errs);
        goto cleanup;
    }
    int64_t n = 0;
    if ((st = db_int(d, &n, 0, SQL_IS_CLUSTER, DB_ARGS(DBI(org_id)))) != DB_OK)
        goto cleanup;
    if (n == 0) {
        valid_add_error(errs, "org", FE_NOT_CLUSTER, 0, 0);
        st = DB_CONSTRAINT;
        goto cleanup;
    }
    db_val lk = v[SU_LINK].present ? DBT(v[SU_LINK].text) : DBNULL;
    db_val src = v[SU_SOURCE].present ? DBT(v[SU_SOURCE].text) : DBNULL;
    st =
        db_do(d, SQL_INSERT,
              DB_ARGS(DBI(org_id), DBT(v[SU_DATE].text), DBT(v[SU_KIND].text), DBT(v[SU_NOTE].text),
                      lk, src, DBI(time_now()), actor ? DBI(actor) : DBNULL));
cleanup:
    arena_free(&a);
    return st;
}

typedef struct add_ctx {
    const char *slug, *date, *kind, *note, *link;
    form_errors *errs;
} add_ctx;

static const char SQL_ORG_BY_SLUG[] = "SELECT id FROM org WHERE slug = $1";

static db_status add_body(tx *t, void *vc)
{
    add_ctx *c = vc;
    int64_t org_id = 0;
    db_status st = db_int(t->d, &org_id, 0, SQL_ORG_BY_SLUG, DB_ARGS(DBT(c->slug)));
    if (st != DB_OK)
        return st;
    if (org_id == 0) {
        valid_add_error(c->errs, "org", FE_NOT_CLUSTER, 0, 0);
        return DB_CONSTRAINT;
    }
    st = support_log_add(t->d, org_id, c->date, c->kind, c->note, c->link, NULL, t->actor_id,
                         c->errs);
    if (st != DB_OK)
        return st;
    t->entity_id = db_last_id(t->d);
    buf_printf(&t->detail, "{\"org\":%lld,\"kind\":", (long long)org_id);
    json_put_string(&t->detail, c->kind);
    buf_puts(&t->detail, ",\"given_on\":");
    json_put_string(&t->detail, c->date);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status support_add(db *d, const char *org_slug, const char *date, const char *kind,
                      const char *note, const char *link, int64_t actor, const char *ip,
                      form_errors *errs)
{
    assert(d && errs);
    if (!org_slug || !*org_slug || strlen(org_slug) > 200) {
        valid_add_error(errs, "org", FE_REQUIRED, 0, 0);
        /* the other fields are still checked, so every error shows at once */
        form_errors more = {0};
        support_log_add(d, 0, date, kind, note, link, NULL, actor, &more);
        for (size_t i = 0; i < more.n_items; i++)
            if (strcmp(more.items[i].field, "org") != 0)
                valid_add_error(errs, more.items[i].field, more.items[i].code, more.items[i].min,
                                more.items[i].max);
        return DB_CONSTRAINT;
    }
    add_ctx c = {org_slug, date, kind, note, link, errs};
    tx t = TX_INIT(actor, ip, "support_add", "support", 0);
    return tx_write(d, &t, add_body, &c);
}

/* --- reads ------------------------------------------------------------------------ */

static const char SQL_LIST[] =
    "SELECT e.id, e.org_id, o.slug, o.name, o.name_en, e.given_on, e.kind, e.note, e.link,"
    " e.source, p.name, e.is_demo FROM support_entry e JOIN org o ON o.id = e.org_id"
    " LEFT JOIN person p ON p.id = e.created_by AND p.erased_at IS NULL"
    " WHERE e.given_on >= $1 AND e.given_on < $2"
    " UNION ALL"
    " SELECT 0, m.mentee_id, o.slug, o.name, o.name_en, x.met_on, 'mentoring', b.name,"
    " '/mentoring/' || m.id, 'mentoring:' || m.id, p.name, x.is_demo"
    " FROM mentoring_meeting x JOIN mentoring m ON m.id = x.mentoring_id"
    " JOIN org o ON o.id = m.mentee_id JOIN org b ON b.id = m.mentor_id"
    " LEFT JOIN person p ON p.id = x.created_by AND p.erased_at IS NULL"
    " WHERE x.met_on >= $1 AND x.met_on < $2"
    " ORDER BY 6 DESC, 1 DESC";

static void entry_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    support_entry *e = item;
    int c = 0;
    e->id = db_col_int(s, c++);
    e->org_id = db_col_int(s, c++);
    e->slug = db_col_dup(a, s, c++, oom);
    e->org_name = db_col_dup(a, s, c++, oom);
    e->org_name_en = db_col_dup(a, s, c++, oom);
    e->given_on = db_col_dup(a, s, c++, oom);
    e->kind = db_col_dup(a, s, c++, oom);
    e->note = db_col_dup(a, s, c++, oom);
    e->link = db_col_dup(a, s, c++, oom);
    e->source = db_col_dup(a, s, c++, oom);
    e->by_name = db_col_dup(a, s, c++, oom);
    e->is_demo = db_col_int(s, c++) != 0;
}

/* Runs sql with $1 and $2 the first days of year and of the next, and
 * collects its rows (size bytes each, filled by row) into *out and *n.
 * from and to hold 24 bytes: room for any int year, so the compiler sees
 * no truncation (callers pass 1900..2100). */
static db_status collect_year(db *d, arena *a, const char *sql, int year, void **out, size_t *n,
                              size_t size, db_row_fn row)
{
    *out = NULL;
    *n = 0;
    char from[24], to[24];
    snprintf(from, sizeof from, "%04d-01-01", year);
    snprintf(to, sizeof to, "%04d-01-01", year + 1);
    db_stmt *s = db_query(d, sql, DB_ARGS(DBT(from), DBT(to)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, out, n, size, row, NULL);
}

db_status support_list(db *d, arena *a, int year, support_entry **out, size_t *n)
{
    return collect_year(d, a, SQL_LIST, year, (void **)out, n, sizeof **out, entry_row);
}

static const char SQL_REPORT[] =
    "WITH k(org_id, kind) AS ("
    " SELECT org_id, kind FROM support_entry WHERE given_on >= $1 AND given_on < $2"
    " UNION ALL SELECT m.mentee_id, 'mentoring' FROM mentoring_meeting x"
    " JOIN mentoring m ON m.id = x.mentoring_id WHERE x.met_on >= $1 AND x.met_on < $2)"
    " SELECT o.id, o.slug, o.name, o.name_en,"
    " sum(CASE WHEN k.kind = 'consultation' THEN 1 ELSE 0 END), sum(CASE WHEN k.kind = 'training' "
    "THEN 1 ELSE 0 END), sum(CASE WHEN k.kind = 'introduction' THEN 1 ELSE 0 END),"
    " sum(CASE WHEN k.kind = 'other' THEN 1 ELSE 0 END), sum(CASE WHEN k.kind = 'mentoring' THEN 1 "
    "ELSE 0 END), count(*)"
    " FROM k JOIN org o ON o.id = k.org_id GROUP BY o.id ORDER BY o.name_folded, o.id";

static void count_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    support_count *c = item;
    c->org_id = db_col_int(s, 0);
    c->slug = db_col_dup(a, s, 1, oom);
    c->org_name = db_col_dup(a, s, 2, oom);
    c->org_name_en = db_col_dup(a, s, 3, oom);
    for (int i = 0; i < 5; i++)
        c->n[i] = db_col_int(s, 4 + i);
    c->total = db_col_int(s, 9);
}

db_status support_report(db *d, arena *a, int year, support_count **out, size_t *n)
{
    return collect_year(d, a, SQL_REPORT, year, (void **)out, n, sizeof **out, count_row);
}
