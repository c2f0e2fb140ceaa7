/* post_sql.h: the board's narrowing filters as SQL, shared by post.c (the
 * list) and post_facet.c (the live facet counts). Internal to the model.
 *
 * A filter on sector, region, cluster or words is written in one of two
 * forms. "On" is an IN list over the filter's own index (post_nace_code,
 * post_geo_code, cluster_member_span then post_org, post_fts), which the
 * planner reads first, so a narrow filter costs what it selects; the
 * generic form "($5 IS NULL OR EXISTS (...))" made SQLite walk every open
 * post and probe each one (a board filtered by cluster took about a
 * second to draw at 100,000 posts, bench/cooperation.sh). "Off" only
 * names the parameter (bound NULL or 0 when the filter is not set), so
 * every variant of a statement takes the same arguments. The variants are
 * constant text, one per combination, chosen by post_sql_mask(); the
 * preprocessor writes them (POST_SQL_VARIANTS), so no SQL is built at run
 * time. */
#ifndef SCAN_POST_SQL_H
#define SCAN_POST_SQL_H

#include <stdbool.h>
#include <string.h>

#include "db/db.h"

#define POST_SQL_SEL_0(on, off)    off
#define POST_SQL_SEL_1(on, off)    on
#define POST_SQL_SEL(bit, on, off) POST_SQL_SEL_##bit(on, off)

/* The parameters named P* are "$n" strings; PT is today's date. */
#define POST_SQL_SECTOR(bit, PS)                                                                   \
    POST_SQL_SEL(bit, " AND p.id IN (SELECT post_id FROM post_nace WHERE code = " PS ")",          \
                 " AND " PS " IS NULL")
/* A place includes what covers it or lies in it (ref_district's regions):
 * a region its districts and Serbia-wide posts ("RS"), a district its
 * region's and Serbia-wide posts; any other code only itself. */
#define POST_SQL_GEO_SET(PG)                                                                       \
    "(SELECT " PG " UNION ALL SELECT 'RS' WHERE substr(" PG ", 1, 2) IN ('R-', 'D-')"              \
    " UNION ALL SELECT 'D-' || code FROM ref_district WHERE 'R-' || region = " PG                  \
    " UNION ALL SELECT 'R-' || region FROM ref_district WHERE 'D-' || code = " PG ")"
#define POST_SQL_GEO(bit, PG)                                                                      \
    POST_SQL_SEL(                                                                                  \
        bit, " AND p.id IN (SELECT post_id FROM post_geo WHERE code IN " POST_SQL_GEO_SET(PG) ")", \
        " AND " PG " IS NULL")
/* post_geo code c as the filters that find it (POST_SQL_GEO_SET turned
 * round): g.c the post's code, g.f a filter's; for the geo facet's counts */
#define POST_SQL_GEO_FINDS                                                                         \
    "(SELECT code AS c, code AS f FROM ref_geo"                                                    \
    " UNION ALL SELECT 'RS', code FROM ref_geo WHERE substr(code, 1, 2) IN ('R-', 'D-')"           \
    " UNION ALL SELECT 'D-' || code, 'R-' || region FROM ref_district"                             \
    " UNION ALL SELECT 'R-' || region, 'D-' || code FROM ref_district) g"
/* the cluster's own posts and its current members' */
#define POST_SQL_CLUSTER(bit, PC, PT)                                                              \
    POST_SQL_SEL(bit,                                                                              \
                 " AND p.org_id IN (SELECT m.org_id FROM cluster_member m"                         \
                 " WHERE m.cluster_id = " PC " AND (m.left_on IS NULL OR m.left_on > " PT ")"      \
                 " UNION ALL SELECT " PC ")",                                                      \
                 " AND " PC " = 0")
/* Words: bit 0 off, 1 SQLite's (PX the FTS5 match expression of
 * search_build_match), 2 PostgreSQL's (PX the same folded words joined by
 * single spaces, post_text_param): the posts whose post_fts_word (0047)
 * has, for every word, a word it begins; the candidates are the first
 * word's range of the (word, doc) btree, the others probed per post, as
 * search.c reads search_word. */
#define POST_SQL_TEXT(bit, PX) POST_SQL_TEXT_##bit(PX)
#define POST_SQL_TEXT_0(PX)    " AND " PX " IS NULL"
#define POST_SQL_TEXT_1(PX)    " AND p.id IN (SELECT rowid FROM post_fts WHERE post_fts MATCH " PX ")"
#define POST_SQL_TEXT_2(PX)                                                                        \
    " AND p.id IN (SELECT x.doc FROM post_fts_word x"                                              \
    "  WHERE x.word >= split_part(" PX ", ' ', 1)"                                                 \
    "    AND x.word < split_part(" PX ", ' ', 1) || chr(1114111)"                                  \
    "    AND NOT EXISTS (SELECT 1 FROM unnest(string_to_array(" PX ", ' ')) AS q(w)"               \
    "     WHERE NOT EXISTS (SELECT 1 FROM post_fts_word y WHERE y.doc = x.doc"                     \
    "       AND y.word >= q.w AND y.word < q.w || chr(1114111))))"

/* The 16 variants of M(sector, geo, cluster, text) in post_sql_mask order. */
#define POST_SQL_VARIANTS(M)                                                                       \
    {                                                                                              \
        M(0, 0, 0, 0), M(1, 0, 0, 0), M(0, 1, 0, 0), M(1, 1, 0, 0), M(0, 0, 1, 0), M(1, 0, 1, 0),  \
            M(0, 1, 1, 0), M(1, 1, 1, 0), M(0, 0, 0, 1), M(1, 0, 0, 1), M(0, 1, 0, 1),             \
            M(1, 1, 0, 1), M(0, 0, 1, 1), M(1, 0, 1, 1), M(0, 1, 1, 1), M(1, 1, 1, 1)              \
    }
#define POST_SQL_N 16
/* PostgreSQL's texts of the 8 variants with words (mask 8..15), in order */
#define POST_SQL_VARIANTS_PG(M)                                                                    \
    {                                                                                              \
        M(0, 0, 0, 2), M(1, 0, 0, 2), M(0, 1, 0, 2), M(1, 1, 0, 2), M(0, 0, 1, 2), M(1, 0, 1, 2),  \
            M(0, 1, 1, 2), M(1, 1, 1, 2)                                                           \
    }
#define POST_SQL_N_PG 8

/* The text of variant v: PostgreSQL's (pg, 8 entries) for a variant
 * with words on a PostgreSQL connection, else SQLite's (all, 16). */
static inline const char *post_sql_pick(db *d, const char *const all[POST_SQL_N],
                                        const char *const pg[POST_SQL_N_PG], int v)
{
    return v >= POST_SQL_N_PG && strcmp(db_backend(d), "sqlite") != 0 ? pg[v - POST_SQL_N_PG]
                                                                      : all[v];
}

static inline int post_sql_mask(bool sector, bool geo, bool cluster, bool text)
{
    return (sector ? 1 : 0) | (geo ? 2 : 0) | (cluster ? 4 : 0) | (text ? 8 : 0);
}

#endif
