/* cluster_label.c: the secretariat's side of cluster labels (see
 * cluster.h): verifying a label a manager claimed, with the certificate's
 * reference, and the queue of claims waiting for it. A claim itself is
 * made with the profile (cluster_save, cluster_add_label in cluster.c). */
#include "model/cluster.h"

#include <assert.h>

#include "core/timeutil.h"
#include "json/json.h"
#include "model/cluster_internal.h"
#include "model/tx.h"

static const char SQL_LABEL_VERIFY[] =
    "UPDATE cluster_label SET state = 'verified', reference = $3, verified_at = $4,"
    " verified_by = nullif($5, 0) WHERE id = $1 AND org_id = $2 AND state = 'claimed'";

typedef struct verify_ctx {
    int64_t org_id, label_id;
    const char *reference;
} verify_ctx;

static db_status verify_body(tx *t, void *ctx)
{
    verify_ctx *c = ctx;
    db_status st = db_do(t->d, SQL_LABEL_VERIFY,
                         DB_ARGS(DBI(c->label_id), DBI(c->org_id), DBT(c->reference),
                                 DBI(time_now()), DBI(t->actor_id)));
    if (st != DB_OK)
        return st;
    if (db_changes(t->d) == 0)
        return DB_DONE;
    buf_printf(&t->detail, "{\"label\":%lld,\"reference\":", (long long)c->label_id);
    json_put_string(&t->detail, c->reference);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status cluster_label_verify(db *d, int64_t org_id, int64_t label_id, const char *reference,
                               int64_t actor_id, const char *ip, form_errors *errs)
{
    assert(d);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    cluster_check_text(errs, "reference", reference, true, REFERENCE_MAX);
    if (errs->n_items > before)
        return DB_CONSTRAINT;
    verify_ctx c = {.org_id = org_id, .label_id = label_id, .reference = reference};
    return cluster_write(d, actor_id, ip, "cluster_label_verify", org_id, verify_body, &c);
}

static const char SQL_LABEL_CLAIMS[] =
    "SELECT l.id, l.org_id, o.slug, o.name, l.label, l.name, l.name_en, l.awarded_on,"
    "       coalesce(l.claimed_at, 0)"
    "  FROM cluster_label l JOIN org o ON o.id = l.org_id"
    " WHERE l.state = 'claimed' ORDER BY l.claimed_at, l.id";

static void claim_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    cluster_label_claim *r = item;
    r->id = db_col_int(s, 0);
    r->org_id = db_col_int(s, 1);
    r->org_slug = db_col_dup(a, s, 2, oom);
    r->org_name = db_col_dup(a, s, 3, oom);
    r->label = db_col_dup(a, s, 4, oom);
    r->name = db_col_dup(a, s, 5, oom);
    r->name_en = db_col_dup(a, s, 6, oom);
    r->awarded_on = db_col_dup(a, s, 7, oom);
    r->claimed_at = db_col_int(s, 8);
}

db_status cluster_label_claims(db *d, arena *a, cluster_label_claim **items, size_t *n)
{
    assert(d && a && items && n);
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_LABEL_CLAIMS, DB_NONE);
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, claim_row, NULL);
}
