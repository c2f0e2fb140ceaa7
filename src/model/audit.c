/* audit.c: the append-only audit log (see audit.h).
 *
 * Writers everywhere in src/model/ call audit_add() inside their own write
 * transaction, so a change and its log row commit or vanish together; the
 * admin pages read the log back with audit_list(). The table's triggers
 * (0002_accounts.sql) refuse UPDATE and DELETE, so nothing here could
 * rewrite history even by mistake. */
#include "model/audit.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "core/timeutil.h"

#define AUDIT_LIMIT_DEFAULT 50
#define AUDIT_LIMIT_MAX     500

static const char SQL_AUDIT_ADD[] =
    "INSERT INTO audit(at, actor_id, ip, action, entity, entity_id, detail)"
    " VALUES ($1, nullif($2, 0), $3, $4, $5, nullif($6, 0), $7)";

db_status audit_add(db *d, int64_t actor_id, const char *ip, const char *action, const char *entity,
                    int64_t entity_id, const char *detail_json)
{
    assert(d);
    assert(action && *action);
    assert(db_in_tx(d)); /* the row must commit with the change it records */
    db_stmt *s = db_prepare(d, SQL_AUDIT_ADD);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, time_now());
    db_bind_int(s, 2, actor_id);
    db_bind_text(s, 3, ip && *ip ? ip : NULL);
    db_bind_text(s, 4, action);
    db_bind_text(s, 5, entity);
    db_bind_int(s, 6, entity_id);
    db_bind_text(s, 7, detail_json);
    db_status st = db_step(s);
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
}

/* Every filter is optional: a NULL (or 0, bound as NULL) parameter turns
 * its condition off, so one constant statement serves every combination. */
static const char SQL_AUDIT_LIST[] =
    "SELECT a.id, a.at, coalesce(a.actor_id, 0), coalesce(a.entity_id, 0),"
    "       CASE WHEN p.erased_at IS NULL THEN p.name END,"
    "       a.ip, a.action, a.entity, a.detail,"
    "       coalesce(eo.name, fo.name, ao.name,"
    "                CASE WHEN ep.erased_at IS NULL THEN ep.name END),"
    "       coalesce(eo.slug, fo.slug, ao.slug), coalesce(ef.year, 0),"
    "       p.erased_at IS NOT NULL"
    "  FROM audit a LEFT JOIN person p ON p.id = a.actor_id"
    "  LEFT JOIN org eo ON a.entity = 'org' AND eo.id = a.entity_id"
    "  LEFT JOIN org_figure ef ON a.entity = 'figure' AND ef.id = a.entity_id"
    "  LEFT JOIN org fo ON fo.id = ef.org_id"
    "  LEFT JOIN affiliation af ON a.entity = 'affiliation' AND af.id = a.entity_id"
    "  LEFT JOIN org ao ON ao.id = af.org_id"
    "  LEFT JOIN account ea ON a.entity = 'account' AND ea.id = a.entity_id"
    "  LEFT JOIN person ep ON ep.id = coalesce(ea.person_id,"
    "       CASE WHEN a.entity = 'person' THEN a.entity_id END)"
    " WHERE ($1 IS NULL OR a.action = $1)"
    "   AND ($2 IS NULL OR a.entity = $2)"
    "   AND ($3 IS NULL OR a.actor_id = $3)"
    "   AND ($4 IS NULL OR a.at >= $4)"
    "   AND ($5 IS NULL OR a.at < $5)"
    "   AND ($6 IS NULL OR a.id < $6)"
    " ORDER BY a.id DESC LIMIT $7";

static void bind_opt_int(db_stmt *s, int i, int64_t v)
{
    if (v)
        db_bind_int(s, i, v);
    else
        db_bind_null(s, i);
}

db_status audit_list(db *d, arena *a, const audit_filter *f, audit_row **rows, size_t *n)
{
    assert(d && a);
    static const audit_filter none = {0};
    assert(d && a && rows && n);
    *rows = NULL;
    *n = 0;
    if (!f)
        f = &none;
    int limit = f->limit;
    if (limit <= 0)
        limit = AUDIT_LIMIT_DEFAULT;
    if (limit > AUDIT_LIMIT_MAX)
        limit = AUDIT_LIMIT_MAX;
    db_status st = DB_OK;
    db_stmt *s = NULL;
    size_t k = 0;
    audit_row *out = arena_zalloc(a, (size_t)limit * sizeof *out);
    if (!out) {
        st = DB_NOMEM;
        goto cleanup;
    }
    s = db_prepare(d, SQL_AUDIT_LIST);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_text(s, 1, f->action);
    db_bind_text(s, 2, f->entity);
    bind_opt_int(s, 3, f->actor_id);
    bind_opt_int(s, 4, f->since);
    bind_opt_int(s, 5, f->until);
    bind_opt_int(s, 6, f->before_id);
    db_bind_int(s, 7, limit);
    while ((st = db_step(s)) == DB_ROW) {
        assert(k < (size_t)limit);
        audit_row *r = &out[k++];
        r->id = db_col_int(s, 0);
        r->at = db_col_int(s, 1);
        r->actor_id = db_col_int(s, 2);
        r->entity_id = db_col_int(s, 3);
        bool oom = false;
        r->actor_name = db_col_dup(a, s, 4, &oom);
        r->ip = db_col_dup(a, s, 5, &oom);
        r->action = db_col_dup(a, s, 6, &oom);
        r->entity = db_col_dup(a, s, 7, &oom);
        r->detail = db_col_dup(a, s, 8, &oom);
        r->entity_name = db_col_dup(a, s, 9, &oom);
        r->entity_slug = db_col_dup(a, s, 10, &oom);
        r->entity_year = db_col_int(s, 11);
        r->actor_erased = db_col_int(s, 12) != 0;
        if (oom) {
            st = DB_NOMEM;
            goto cleanup;
        }
    }
    if (st == DB_DONE) {
        st = DB_OK;
        *rows = out;
        *n = k;
    }
cleanup:
    if (s)
        db_reset(s);
    return st;
}
