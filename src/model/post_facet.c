/* post_facet.c: the board's facet counts (see post_facet.h): read from the
 * stored counts (migration 0033) when a facet keeps no filter but kind and
 * topic, else one grouped statement per facet over the same conditions as
 * post.c's post_list, with the facet's own filter left out. */
#include "model/post_facet.h"

#include <assert.h>
#include <string.h>

#include "core/timeutil.h"
#include "model/post_sql.h"
#include "model/tx.h"

/* The board's conditions on post p (as post.c's BOARD_WHERE): $1 today,
 * $2 kind, $3 topic, $4 sector, $5 geo, $6 cluster id (0: any), $7 org id
 * (0: any), $8 members, $10 the words' match expression (NULL: none); $9
 * is SQL_BIG's limit. Sector, region, cluster and words in post_sql.h's
 * forms, so a narrow filter is read from its index. */
/* clang-format off */
#define FACET_WHERE(sec, geo, cl, txt)                                                             \
    " WHERE p.status = 'open' AND p.valid_until >= $1"                                             \
    "   AND ($2 IS NULL OR p.kind = $2) AND ($3 IS NULL OR p.topic = $3)"                          \
    POST_SQL_SECTOR(sec, "$4")                                                                     \
    POST_SQL_GEO(geo, "$5")                                                                        \
    POST_SQL_CLUSTER(cl, "$6", "$1")                                                               \
    POST_SQL_TEXT(txt, "$10")                                                                      \
    "   AND ($7 = 0 OR p.org_id = $7) AND ($8 = 1 OR p.visibility = 'public') AND $9 > 0"        \
    "   AND EXISTS (SELECT 1 FROM org o WHERE o.id = p.org_id AND o.status = 'published')"
/* clang-format on */

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

/* clang-format off */
#define FACET_KIND(sec, geo, cl, txt)                                                              \
    "SELECT p.kind, count(*) FROM post p" FACET_WHERE(sec, geo, cl, txt) " GROUP BY p.kind"
#define FACET_TOPIC(sec, geo, cl, txt)                                                             \
    "SELECT p.topic, count(*) FROM post p" FACET_WHERE(sec, geo, cl, txt) " GROUP BY p.topic"
#define FACET_SECTOR(sec, geo, cl, txt)                                                            \
    "SELECT x.code, count(*) FROM post p JOIN post_nace x ON x.post_id = p.id"                     \
    FACET_WHERE(sec, geo, cl, txt) " GROUP BY x.code"
/* by what clicking a place gives (POST_SQL_GEO): a region counts its
 * districts' and Serbia-wide posts, each post once */
#define FACET_GEO(sec, geo, cl, txt)                                                               \
    "SELECT g.f, count(DISTINCT p.id) FROM post p JOIN post_geo x ON x.post_id = p.id"             \
    " JOIN " POST_SQL_GEO_FINDS " ON g.c = x.code"                                                 \
    FACET_WHERE(sec, geo, cl, txt) " GROUP BY g.f"
/* the posts counted per organisation first, then CLUSTER_TAIL (the
 * planner once looped over every membership scanning the open posts,
 * minutes at 100,000 posts) */
#define FACET_CLUSTER(sec, geo, cl, txt)                                                           \
    "WITH po AS (SELECT p.org_id AS oid, count(*) AS n FROM post p"                                \
    FACET_WHERE(sec, geo, cl, txt) " GROUP BY p.org_id)," CLUSTER_TAIL("$1")
/* clang-format on */

static const char *const SQL_FACET[POST_F__COUNT][POST_SQL_N] = {
    [POST_F_KIND] = POST_SQL_VARIANTS(FACET_KIND),
    [POST_F_TOPIC] = POST_SQL_VARIANTS(FACET_TOPIC),
    [POST_F_SECTOR] = POST_SQL_VARIANTS(FACET_SECTOR),
    [POST_F_GEO] = POST_SQL_VARIANTS(FACET_GEO),
    [POST_F_CLUSTER] = POST_SQL_VARIANTS(FACET_CLUSTER),
};
static const char *const SQL_FACET_PG[POST_F__COUNT][POST_SQL_N_PG] = {
    [POST_F_KIND] = POST_SQL_VARIANTS_PG(FACET_KIND),
    [POST_F_TOPIC] = POST_SQL_VARIANTS_PG(FACET_TOPIC),
    [POST_F_SECTOR] = POST_SQL_VARIANTS_PG(FACET_SECTOR),
    [POST_F_GEO] = POST_SQL_VARIANTS_PG(FACET_GEO),
    [POST_F_CLUSTER] = POST_SQL_VARIANTS_PG(FACET_CLUSTER),
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
#define FACET_BIG(sec, geo, cl, txt)                                                               \
    "SELECT count(*) FROM (SELECT 1 FROM post p" FACET_WHERE(sec, geo, cl, txt) " LIMIT $9) AS "   \
                                                                                "big"
static const char *const SQL_BIG[POST_SQL_N] = POST_SQL_VARIANTS(FACET_BIG);
static const char *const SQL_BIG_PG[POST_SQL_N_PG] = POST_SQL_VARIANTS_PG(FACET_BIG);

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
    const char *match = NULL;
    if (q->text && *q->text &&
        !((match = post_text_match(a, q->text)) && (match = post_text_param(d, a, match))))
        return DB_NOMEM;
    if (match && !*match) { /* words without a letter: no posts, every count 0 */
        for (int f = 0; f < POST_F__COUNT; f++)
            out->counted[f] = true;
        return DB_OK;
    }
    for (int f = 0; f < POST_F__COUNT; f++) {
        const char *kind = f == POST_F_KIND ? NULL : q->kind;
        const char *topic = f == POST_F_TOPIC ? NULL : q->topic;
        const char *sector = f == POST_F_SECTOR ? NULL : q->sector;
        const char *geo = f == POST_F_GEO ? NULL : q->geo;
        int64_t cluster = f == POST_F_CLUSTER ? 0 : q->cluster_id;
        db_stmt *s;
        int v = post_sql_mask(sector != NULL, geo != NULL, cluster != 0, match != NULL);
        if (!sector && !geo && !cluster && !q->org_id && !match && f != POST_F_GEO) {
            /* only the filters the stored counts keep: read them (not the
             * places': they count each code alone, the board includes) */
            s = db_query(d, f == POST_F_CLUSTER ? SQL_STORED_CLUSTER : SQL_STORED,
                         DB_ARGS(DBT(stored_facet[f]), DBT(today), DBT(kind), DBT(topic),
                                 DBI(q->members ? 1 : 0)));
        } else {
            /* a narrower board (or words): counted live while it is small */
            int64_t n = 0;
            db_status st = db_int(d, &n, 0, post_sql_pick(d, SQL_BIG, SQL_BIG_PG, v),
                                  DB_ARGS(DBT(today), DBT(kind), DBT(topic), DBT(sector), DBT(geo),
                                          DBI(cluster), DBI(q->org_id), DBI(q->members ? 1 : 0),
                                          DBI(POST_FACET_LIVE_MAX + 1), DBT(match)));
            if (st != DB_OK)
                return st;
            if (n > POST_FACET_LIVE_MAX)
                continue; /* too many to count live: counted[f] stays false */
            s = db_query(d, post_sql_pick(d, SQL_FACET[f], SQL_FACET_PG[f], v),
                         DB_ARGS(DBT(today), DBT(kind), DBT(topic), DBT(sector), DBT(geo),
                                 DBI(cluster), DBI(q->org_id), DBI(q->members ? 1 : 0),
                                 DBI(POST_FACET_LIVE_MAX + 1), DBT(match)));
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
