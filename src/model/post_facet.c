/* post_facet.c: the board's facet counts (see post_facet.h), one grouped
 * statement per facet over the same conditions as post.c's post_list,
 * with the facet's own filter left out. */
#include "model/post_facet.h"

#include <assert.h>
#include <string.h>

/* The board's conditions on post p (as post.c's BOARD_WHERE): $1 today,
 * $2 kind, $3 topic, $4 sector, $5 geo, $6 cluster id (0: any), $7 org id
 * (0: any), $8 members. */
#define FACET_WHERE                                                                                \
    " WHERE p.status = 'open' AND p.valid_until >= $1"                                             \
    "   AND ($2 IS NULL OR p.kind = $2) AND ($3 IS NULL OR p.topic = $3)"                          \
    "   AND ($4 IS NULL OR EXISTS (SELECT 1 FROM post_nace y WHERE y.post_id = p.id"               \
    "                                                        AND y.code = $4))"                    \
    "   AND ($5 IS NULL OR EXISTS (SELECT 1 FROM post_geo y WHERE y.post_id = p.id"                \
    "                                                       AND y.code = $5))"                     \
    "   AND ($6 = 0 OR p.org_id = $6 OR EXISTS (SELECT 1 FROM cluster_member m"                    \
    "        WHERE m.org_id = p.org_id AND m.cluster_id = $6"                                      \
    "          AND (m.left_on IS NULL OR m.left_on > $1)))"                                        \
    "   AND ($7 = 0 OR p.org_id = $7) AND ($8 = 1 OR p.visibility = 'public')"

static const char *const SQL_FACET[POST_F__COUNT] = {
    [POST_F_KIND] = "SELECT p.kind, count(*) FROM post p" FACET_WHERE " GROUP BY p.kind",
    [POST_F_TOPIC] = "SELECT p.topic, count(*) FROM post p" FACET_WHERE " GROUP BY p.topic",
    [POST_F_SECTOR] =
        "SELECT x.code, count(*) FROM post p JOIN post_nace x ON x.post_id = p.id" FACET_WHERE
        " GROUP BY x.code",
    [POST_F_GEO] =
        "SELECT x.code, count(*) FROM post p JOIN post_geo x ON x.post_id = p.id" FACET_WHERE
        " GROUP BY x.code",
    /* a post counts for its organisation's current clusters and, when the
     * organisation is a cluster, for that cluster itself. The posts are
     * counted per organisation first, then joined to the memberships
     * (CROSS JOIN keeps that order: the planner once looped over every
     * membership scanning the open posts, minutes at 100,000 posts). */
    [POST_F_CLUSTER] =
        "WITH po AS (SELECT p.org_id AS oid, count(*) AS n FROM post p" FACET_WHERE
        "            GROUP BY p.org_id),"
        " mem AS (SELECT DISTINCT m.cluster_id AS cid, m.org_id AS oid FROM cluster_member m"
        "         WHERE m.left_on IS NULL OR m.left_on > $1)"
        " SELECT slug, sum(n) FROM ("
        "   SELECT c.slug AS slug, po.n AS n FROM po CROSS JOIN mem ON mem.oid = po.oid"
        "     CROSS JOIN org c ON c.id = mem.cid"
        "    WHERE c.status = 'published' AND c.kind IN ('cluster', 'cluster_initiative')"
        "   UNION ALL"
        "   SELECT c.slug, po.n FROM po CROSS JOIN org c ON c.id = po.oid"
        "    WHERE c.status = 'published' AND c.kind IN ('cluster', 'cluster_initiative'))"
        " GROUP BY slug",
};

/* Whether the board holds more than POST_FACET_LIVE_MAX open posts (reads
 * at most that many index entries). */
static const char SQL_BIG[] =
    "SELECT count(*) FROM (SELECT 1 FROM post WHERE status = 'open' AND valid_until >= $1"
    " LIMIT $2)";

static void value_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    post_facet_value *v = item;
    v->code = db_col_dup(a, s, 0, oom);
    v->count = db_col_int(s, 1);
}

db_status post_facet_counts(db *d, arena *a, const post_query *q, post_facets *out)
{
    assert(d && a && q && out);
    memset(out, 0, sizeof *out);
    char today[11];
    post_today(today);
    int64_t open = 0;
    db_status big = db_int(d, &open, 0, SQL_BIG, DB_ARGS(DBT(today), DBI(POST_FACET_LIVE_MAX + 1)));
    if (big != DB_OK)
        return big;
    if (open > POST_FACET_LIVE_MAX)
        return DB_OK; /* too many to count live: counted stays false */
    for (int f = 0; f < POST_F__COUNT; f++) {
        db_stmt *s = db_query(d, SQL_FACET[f],
                              DB_ARGS(DBT(today), DBT(f == POST_F_KIND ? NULL : q->kind),
                                      DBT(f == POST_F_TOPIC ? NULL : q->topic),
                                      DBT(f == POST_F_SECTOR ? NULL : q->sector),
                                      DBT(f == POST_F_GEO ? NULL : q->geo),
                                      DBI(f == POST_F_CLUSTER ? 0 : q->cluster_id), DBI(q->org_id),
                                      DBI(q->members ? 1 : 0)));
        if (!s)
            return DB_ERR;
        db_status st = db_collect(s, a, (void **)&out->values[f], &out->n[f],
                                  sizeof *out->values[f], value_row, NULL);
        if (st != DB_OK)
            return st;
    }
    out->counted = true;
    return DB_OK;
}

int64_t post_facet_count(const post_facets *fs, post_facet_id f, const char *code)
{
    for (size_t i = 0; code && i < fs->n[f]; i++)
        if (fs->values[f][i].code && strcmp(fs->values[f][i].code, code) == 0)
            return fs->values[f][i].count;
    return 0;
}
