/* post_facet.c: the board's facet counts (see post_facet.h): read from the
 * stored counts (migration 0033) when a facet keeps no filter but kind and
 * topic, else one grouped statement per facet over the same conditions as
 * post.c's post_list, with the facet's own filter left out. */
#include "model/post_facet.h"

#include <assert.h>
#include <string.h>

#include "core/timeutil.h"
#include "model/tx.h"

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

/* The cluster facet from po (oid, n: open posts per author organisation):
 * a post counts for its organisation's current clusters and, when the
 * organisation is a cluster, for that cluster itself. Each organisation's
 * memberships are looked up by index (cluster_member_org); an earlier form
 * joined po to a DISTINCT list of all memberships, which SQLite scanned
 * once per organisation: 30 s at 30,000 organisations with posts. */
#define CLUSTER_TAIL(today) /* today: the parameter holding today */                               \
    " pm AS (SELECT DISTINCT m.cluster_id AS cid, po.oid AS oid, po.n AS n FROM po"                \
    "        JOIN cluster_member m ON m.org_id = po.oid"                                           \
    "        WHERE m.left_on IS NULL OR m.left_on > " today ")"                                    \
    " SELECT slug, sum(n) FROM ("                                                                  \
    "   SELECT c.slug AS slug, pm.n AS n FROM pm CROSS JOIN org c"                                 \
    "    WHERE c.id = pm.cid AND c.status = 'published'"                                           \
    "      AND c.kind IN ('cluster', 'cluster_initiative')"                                        \
    "   UNION ALL"                                                                                 \
    "   SELECT c.slug, po.n FROM po CROSS JOIN org c"                                              \
    "    WHERE c.id = po.oid AND c.status = 'published'"                                           \
    "      AND c.kind IN ('cluster', 'cluster_initiative')) AS both_"                              \
    " GROUP BY slug"

static const char *const SQL_FACET[POST_F__COUNT] = {
    [POST_F_KIND] = "SELECT p.kind, count(*) FROM post p" FACET_WHERE " GROUP BY p.kind",
    [POST_F_TOPIC] = "SELECT p.topic, count(*) FROM post p" FACET_WHERE " GROUP BY p.topic",
    [POST_F_SECTOR] =
        "SELECT x.code, count(*) FROM post p JOIN post_nace x ON x.post_id = p.id" FACET_WHERE
        " GROUP BY x.code",
    [POST_F_GEO] =
        "SELECT x.code, count(*) FROM post p JOIN post_geo x ON x.post_id = p.id" FACET_WHERE
        " GROUP BY x.code",
    /* the posts counted per organisation first, then CLUSTER_TAIL (the
     * planner once looped over every membership scanning the open posts,
     * minutes at 100,000 posts) */
    [POST_F_CLUSTER] = "WITH po AS (SELECT p.org_id AS oid, count(*) AS n FROM post p" FACET_WHERE
                       "            GROUP BY p.org_id)," CLUSTER_TAIL("$1"),
};

/* --- stored counts (migration 0033) ------------------------------------------------------ */

/* The contribution of the posts in p (a CTE of id, v, k, t, org_id),
 * one row per facet value (the CTE pc): f, v, k, t, code. */
#define CONTRIB                                                                                    \
    " pc AS (SELECT 'kind' AS f, v, k, t, k AS code FROM p"                                        \
    "       UNION ALL SELECT 'topic', v, k, t, t FROM p"                                           \
    "       UNION ALL SELECT 'sector', v, k, t, x.code"                                            \
    "                 FROM p JOIN post_nace x ON x.post_id = p.id"                                 \
    "       UNION ALL SELECT 'geo', v, k, t, x.code FROM p JOIN post_geo x ON x.post_id = p.id"    \
    "       UNION ALL SELECT 'org', v, k, t, CAST(org_id AS TEXT) FROM p)"

#define DAY "(SELECT value FROM app_meta WHERE key = 'post_facet_day')"

/* $1 post id, $2 +1 or -1 */
static const char SQL_ADD[] =
    "INSERT INTO post_facet_count(facet, vis, kind, topic, code, n)"
    " WITH p AS (SELECT id, visibility AS v, kind AS k, topic AS t, org_id FROM post"
    "            WHERE id = $1 AND status = 'open' AND valid_until >= " DAY ")," CONTRIB
    " SELECT f, v, k, t, code, $2 FROM pc WHERE true"
    " ON CONFLICT (facet, vis, kind, topic, code) DO UPDATE SET n = post_facet_count.n + "
    "excluded.n";

/* $1 today: takes out the posts that expired since the last sweep */
static const char SQL_SWEEP[] =
    "INSERT INTO post_facet_count(facet, vis, kind, topic, code, n)"
    " WITH p AS (SELECT id, visibility AS v, kind AS k, topic AS t, org_id FROM post"
    "            WHERE status = 'open' AND valid_until >= " DAY " AND valid_until < $1)," CONTRIB
    " SELECT f, v, k, t, code, -count(*) FROM pc WHERE true GROUP BY 1, 2, 3, 4, 5"
    " ON CONFLICT (facet, vis, kind, topic, code) DO UPDATE SET n = post_facet_count.n + "
    "excluded.n";
static const char SQL_SWEEP_DAY[] =
    "UPDATE app_meta SET value = $1, updated_at = $2 WHERE key = 'post_facet_day' AND value < $1";
static const char SQL_SWEEP_ZERO[] = "DELETE FROM post_facet_count WHERE n = 0";

/* One facet's stored counts under the kind ($3) and topic ($4) filters,
 * public posts only unless $5, less the posts that expired since the last
 * sweep ($2 today): facet $1, rows code, count. */
#define STORED                                                                                     \
    " p AS (SELECT id, visibility AS v, kind AS k, topic AS t, org_id FROM post"                   \
    "       WHERE status = 'open' AND valid_until >= " DAY " AND valid_until < $2)," CONTRIB ","   \
    " s AS (SELECT code, sum(n) AS n FROM ("                                                       \
    "         SELECT code, n FROM post_facet_count WHERE facet = $1"                               \
    "            AND ($3 IS NULL OR kind = $3) AND ($4 IS NULL OR topic = $4)"                     \
    "            AND ($5 = 1 OR vis = 'public')"                                                   \
    "         UNION ALL SELECT code, -1 FROM pc WHERE f = $1"                                      \
    "            AND ($3 IS NULL OR k = $3) AND ($4 IS NULL OR t = $4) AND ($5 = 1 OR v = "        \
    "'public')) AS counts"                                                                         \
    "       GROUP BY code HAVING sum(n) > 0)"

static const char SQL_STORED[] = "WITH" STORED " SELECT code, n FROM s";

/* the cluster facet from the stored per-organisation counts ($1 'org') */
static const char SQL_STORED_CLUSTER[] =
    "WITH" STORED ","
    " po AS (SELECT CAST(code AS INTEGER) AS oid, n FROM s)," CLUSTER_TAIL("$2");

static const char *const stored_facet[POST_F__COUNT] = {
    [POST_F_KIND] = "kind", [POST_F_TOPIC] = "topic", [POST_F_SECTOR] = "sector",
    [POST_F_GEO] = "geo",   [POST_F_CLUSTER] = "org",
};

db_status post_facet_add(db *d, int64_t post_id, int sign)
{
    assert(db_in_tx(d) && (sign == 1 || sign == -1));
    return db_do(d, SQL_ADD, DB_ARGS(DBI(post_id), DBI(sign)));
}

static db_status sweep_body(tx *t, void *ctx)
{
    const char *today = ctx;
    db_status st = db_do(t->d, SQL_SWEEP, DB_ARGS(DBT(today)));
    if (st == DB_OK)
        st = db_do(t->d, SQL_SWEEP_DAY, DB_ARGS(DBT(today), DBI(time_now())));
    if (st == DB_OK)
        st = db_exec(t->d, SQL_SWEEP_ZERO);
    return st;
}

db_status post_facet_sweep(db *d)
{
    char today[11];
    post_today(today);
    tx t = TX_INIT(0, NULL, NULL, NULL, 0); /* upkeep: the counts read the same before and after */
    return tx_write(d, &t, sweep_body, today);
}

/* Up to how many open posts match the filters of q that facet f keeps
 * (all of them but its own): at most POST_FACET_LIVE_MAX + 1 are read. */
static const char SQL_BIG[] =
    "SELECT count(*) FROM (SELECT 1 FROM post p" FACET_WHERE " LIMIT $9) AS big";

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
    for (int f = 0; f < POST_F__COUNT; f++) {
        const char *kind = f == POST_F_KIND ? NULL : q->kind;
        const char *topic = f == POST_F_TOPIC ? NULL : q->topic;
        const char *sector = f == POST_F_SECTOR ? NULL : q->sector;
        const char *geo = f == POST_F_GEO ? NULL : q->geo;
        int64_t cluster = f == POST_F_CLUSTER ? 0 : q->cluster_id;
        db_stmt *s;
        if (!sector && !geo && !cluster && !q->org_id) {
            /* only the filters the stored counts keep: read them */
            s = db_query(d, f == POST_F_CLUSTER ? SQL_STORED_CLUSTER : SQL_STORED,
                         DB_ARGS(DBT(stored_facet[f]), DBT(today), DBT(kind), DBT(topic),
                                 DBI(q->members ? 1 : 0)));
        } else {
            /* a narrower board: counted live while it is small */
            int64_t n = 0;
            db_status st = db_int(d, &n, 0, SQL_BIG,
                                  DB_ARGS(DBT(today), DBT(kind), DBT(topic), DBT(sector), DBT(geo),
                                          DBI(cluster), DBI(q->org_id), DBI(q->members ? 1 : 0),
                                          DBI(POST_FACET_LIVE_MAX + 1)));
            if (st != DB_OK)
                return st;
            if (n > POST_FACET_LIVE_MAX)
                continue; /* too many to count live: counted[f] stays false */
            s = db_query(d, SQL_FACET[f],
                         DB_ARGS(DBT(today), DBT(kind), DBT(topic), DBT(sector), DBT(geo),
                                 DBI(cluster), DBI(q->org_id), DBI(q->members ? 1 : 0)));
        }
        if (!s)
            return DB_ERR;
        db_status st = db_collect(s, a, (void **)&out->values[f], &out->n[f],
                                  sizeof *out->values[f], value_row, NULL);
        if (st != DB_OK)
            return st;
        out->counted[f] = true;
    }
    return DB_OK;
}

int64_t post_facet_count(const post_facets *fs, post_facet_id f, const char *code)
{
    for (size_t i = 0; code && i < fs->n[f]; i++)
        if (fs->values[f][i].code && strcmp(fs->values[f][i].code, code) == 0)
            return fs->values[f][i].count;
    return 0;
}
