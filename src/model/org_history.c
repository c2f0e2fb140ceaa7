/* org_history.c: the revisions of an entry (a JSON snapshot each, written
 * by org_write.c) and the field by field difference of two snapshots,
 * for the history page. Restoring a revision is a write: org_write.c. */
#include <assert.h>
#include <jansson.h>
#include <string.h>

#include "json/json.h"
#include "model/org.h"
#include "model/org_internal.h"

/* --- history ------------------------------------------------------------------------------- */

static const char SQL_REVISIONS[] = "SELECT r.rev, r.at, coalesce(r.actor_id, 0),"
                                    "       CASE WHEN p.erased_at IS NULL THEN p.name END,"
                                    "       r.action, r.snapshot, p.erased_at IS NOT NULL"
                                    "  FROM org_revision r LEFT JOIN person p ON p.id = r.actor_id"
                                    " WHERE r.org_id = $1 ORDER BY r.rev DESC";

static void revision_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    org_revision *r = item;
    r->rev = db_col_int(s, 0);
    r->at = db_col_int(s, 1);
    r->actor_id = db_col_int(s, 2);
    r->actor_name = db_col_dup(a, s, 3, oom);
    r->actor_erased = db_col_int(s, 6) != 0;
    r->action = db_col_dup(a, s, 4, oom);
    r->snapshot = db_col_dup(a, s, 5, oom);
}

db_status org_revisions(db *d, arena *a, int64_t org_id, org_revision **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, SQL_REVISIONS);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, org_id);
    return db_collect(s, a, (void **)items, n, sizeof **items, revision_row, NULL);
}

/* The display text of key in a snapshot object: strings as they are,
 * numbers in decimal, lists joined with ", "; NULL for null, missing or
 * empty. */
static const char *display(arena *a, const json_t *obj, const char *key, bool *oom)
{
    const json_t *v = obj ? json_object_get(obj, key) : NULL;
    char *t = NULL;
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v)) {
        t = arena_strndup(a, json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        t = arena_printf(a, "%lld", (long long)json_integer_value(v));
    } else if (json_is_array(v)) {
        buf b = BUF_INIT;
        for (size_t k = 0; k < json_array_size(v); k++) {
            const json_t *e = json_array_get(v, k);
            if (k)
                buf_puts(&b, ", ");
            if (json_is_string(e))
                buf_append(&b, json_string_value(e), json_string_length(e));
        }
        if (b.len == 0 && !buf_failed(&b))
            return NULL;
        t = buf_failed(&b) ? NULL : arena_strndup(a, buf_str(&b), b.len);
        buf_free(&b);
    } else if (json_is_true(v) || json_is_false(v)) {
        t = arena_strdup(a, json_is_true(v) ? "true" : "false");
    } else {
        t = arena_printf(a, "%g", json_number_value(v));
    }
    if (!t)
        *oom = true;
    return t && *t ? t : NULL;
}

int org_diff(arena *a, const char *before, const char *after, org_change **changes, size_t *n)
{
    assert(a && changes && n);
    *changes = NULL;
    *n = 0;
    buf err = BUF_INIT;
    json_t *jb = NULL, *ja = NULL;
    int rc = -1;
    if (before && !(jb = json_parse(before, strlen(before), &err)))
        goto cleanup;
    if (after && !(ja = json_parse(after, strlen(after), &err)))
        goto cleanup;
    org_change *out = arena_alloc(a, ORG_N_FIELDS * sizeof *out);
    if (!out)
        goto cleanup;
    bool oom = false;
    for (size_t i = 0; i < ORG_N_FIELDS; i++) {
        const char *b = display(a, jb, org_fields[i].name, &oom);
        const char *f = display(a, ja, org_fields[i].name, &oom);
        if (text_eq(b, f))
            continue;
        out[*n].field = org_fields[i].name;
        out[*n].before = b;
        out[*n].after = f;
        (*n)++;
    }
    if (oom) {
        *n = 0;
        goto cleanup;
    }
    *changes = out;
    rc = 0;
cleanup:
    json_decref(jb);
    json_decref(ja);
    buf_free(&err);
    return rc;
}
