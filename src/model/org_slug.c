/* org_slug.c: a free slug for a new directory entry, found with one
 * indexed query however many entries share the name (see org.h). */

#include <stddef.h>

#include "core/buf.h"
#include "model/org.h"

/* SQL_SLUG_MAX: the highest n of the slugs base and base-n (base itself
 * counts as 1), 0 when there are none. One indexed range query, whatever the number of
 * namesakes (trying -2, -3 ... one by one gave up at 999 of them, and a
 * thousand creates of one name then answered 422 "slug taken" for a slug
 * the writer never typed). base holds only [a-z0-9-], so it is safe as
 * the literal part of a GLOB pattern. */
static const char SQL_SLUG_USED[] = "SELECT count(*) FROM org WHERE slug = $1";
static const char SQL_SLUG_MAX[] = "SELECT coalesce(max(CASE WHEN slug = $1 THEN 1"
                                   " ELSE CAST(substr(slug, length($1) + 2) AS INTEGER) END), 0)"
                                   " FROM org WHERE slug = $1 OR slug GLOB $1 || '-[1-9]*'";

/* A free slug for a new entry named name: its slugify, or with -2, -3 ...
 * appended when taken (one above the highest in use). NULL when the name
 * gives no slug (org_validate then says the slug is required) or on error
 * (*st). */
const char *org_free_slug(db *d, arena *a, const char *name, db_status *st)
{
    *st = DB_OK;
    buf base = BUF_INIT;
    org_slugify(&base, name);
    if (buf_failed(&base) || base.len == 0) {
        buf_free(&base);
        return NULL;
    }
    /* room for "-" and ten digits within the 60 characters of a slug */
    size_t keep = base.len > 49 ? 49 : base.len;
    while (keep > 1 && base.data[keep - 1] == '-')
        keep--;
    const char *stem = arena_printf(a, "%.*s", (int)keep, buf_str(&base));
    const char *whole = arena_strdup(a, buf_str(&base));
    buf_free(&base);
    if (!stem || !whole) {
        *st = DB_NOMEM;
        return NULL;
    }
    int64_t top = 0;
    if ((*st = db_int(d, &top, 0, SQL_SLUG_USED, DB_ARGS(DBT(whole)))) != DB_OK)
        return NULL;
    if (top == 0)
        return whole;
    if ((*st = db_int(d, &top, 0, SQL_SLUG_MAX, DB_ARGS(DBT(stem)))) != DB_OK)
        return NULL;
    const char *slug = arena_printf(a, "%s-%lld", stem, (long long)(top < 1 ? 2 : top + 1));
    if (!slug)
        *st = DB_NOMEM;
    return slug;
}
