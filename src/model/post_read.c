/* post_read.c: the reads of the cooperation board (see post.h): a post,
 * the board's list under its filters (post_sql.h's variants), a post's
 * matches and similar posts, the reported ones for the secretariat, and
 * the organisations a person may post for. The writes are post.c's. */
#include "model/post.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/mem.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "json/json.h"
#include "model/audit.h"
#include "model/mail.h"
#include "model/org.h"
#include "db/search.h"
#include "model/post_facet.h"
#include "model/post_sql.h"
#include "model/tx.h"
#include "core/strutil.h"

/* --- reads ------------------------------------------------------------------------------ */

#define POST_COLS                                                                                  \
    "p.id, p.org_id, p.author_id, p.kind, p.topic, p.lang, p.title, p.body, p.title_tr,"           \
    " p.body_tr, p.visibility, p.valid_until, p.status, p.close_reason, p.hidden_reason,"          \
    " p.published_at, p.closed_at, p.created_at, p.updated_at, p.is_demo, o.slug, o.name,"         \
    " o.name_en, a.name, p.valid_until < $2, o.status = 'published'"

static const char SQL_GET[] = "SELECT " POST_COLS " FROM post p JOIN org o ON o.id = p.org_id"
                              " LEFT JOIN person a ON a.id = p.author_id WHERE p.id = $1";
static const char SQL_CODES_NACE[] = "SELECT code FROM post_nace WHERE post_id = $1 ORDER BY code";
static const char SQL_CODES_FOS[] = "SELECT code FROM post_fos WHERE post_id = $1 ORDER BY code";
static const char SQL_CODES_GEO[] = "SELECT code FROM post_geo WHERE post_id = $1 ORDER BY code";

static void row_post(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    post_rec *p = item;
    p->id = db_col_int(s, 0);
    p->org_id = db_col_int(s, 1);
    p->author_id = db_col_int(s, 2);
    p->kind = db_col_dup(a, s, 3, oom);
    p->topic = db_col_dup(a, s, 4, oom);
    p->lang = db_col_dup(a, s, 5, oom);
    p->title = db_col_dup(a, s, 6, oom);
    p->body = db_col_dup(a, s, 7, oom);
    p->title_tr = db_col_dup(a, s, 8, oom);
    p->body_tr = db_col_dup(a, s, 9, oom);
    p->visibility = db_col_dup(a, s, 10, oom);
    p->valid_until = db_col_dup(a, s, 11, oom);
    p->status = db_col_dup(a, s, 12, oom);
    p->close_reason = db_col_dup(a, s, 13, oom);
    p->hidden_reason = db_col_dup(a, s, 14, oom);
    p->published_at = db_col_int(s, 15);
    p->closed_at = db_col_int(s, 16);
    p->created_at = db_col_int(s, 17);
    p->updated_at = db_col_int(s, 18);
    p->is_demo = db_col_int(s, 19) != 0;
    p->org_slug = db_col_dup(a, s, 20, oom);
    p->org_name = db_col_dup(a, s, 21, oom);
    p->org_name_en = db_col_dup(a, s, 22, oom);
    p->author_name = db_col_dup(a, s, 23, oom);
    p->expired = db_col_int(s, 24) != 0 && p->status && strcmp(p->status, "open") == 0;
    p->org_published = db_col_int(s, 25) != 0;
    p->hidden = (p->status && strcmp(p->status, "hidden") == 0) || p->hidden_reason;
}

static void row_code(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    *(const char **)item = db_col_dup(a, s, 0, oom);
}

static db_status codes(db *d, arena *a, const char *sql, int64_t id, const char ***list, size_t *n)
{
    *list = NULL;
    *n = 0;
    db_stmt *s = db_query(d, sql, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)list, n, sizeof **list, row_code, NULL);
}

db_status post_get(db *d, arena *a, int64_t id, post_rec *out, bool *found)
{
    memset(out, 0, sizeof *out);
    *found = false;
    char today[11];
    post_today(today);
    db_stmt *s = db_query(d, SQL_GET, DB_ARGS(DBI(id), DBT(today)));
    if (!s)
        return DB_ERR;
    db_status st = db_collect_one(s, a, out, sizeof *out, row_post, NULL, found);
    if (st != DB_OK || !*found)
        return st;
    st = codes(d, a, SQL_CODES_NACE, id, &out->nace, &out->n_nace);
    if (st == DB_OK)
        st = codes(d, a, SQL_CODES_FOS, id, &out->fos, &out->n_fos);
    if (st == DB_OK)
        st = codes(d, a, SQL_CODES_GEO, id, &out->geo, &out->n_geo);
    return st;
}

/* The board: $2 today; $3 kind, $4 topic, $5 sector, $6 geo, $7 cluster,
 * $8 org, $9 members (1: members-only posts too); $10, $11 the keyset
 * (published_at, id) or (valid_until, id) of the post after which to
 * start (NULL: the start), $12 the limit, $13 the words' FTS5 match
 * expression (NULL: no words). $1 is unused (POST_COLS has $2). The
 * sector, region, cluster and words filters in post_sql.h's forms. */
/* clang-format off */
#define BOARD_WHERE(sec, geo, cl, txt)                                                             \
    " FROM post p JOIN org o ON o.id = p.org_id LEFT JOIN person a ON a.id = p.author_id"          \
    " WHERE p.status = 'open' AND p.valid_until >= $2 AND $1 = 1 AND o.status = 'published'"      \
    "   AND ($3 IS NULL OR p.kind = $3) AND ($4 IS NULL OR p.topic = $4)"                          \
    POST_SQL_SECTOR(sec, "$5")                                                                     \
    POST_SQL_GEO(geo, "$6")                                                                        \
    POST_SQL_CLUSTER(cl, "$7", "$2")                                                               \
    POST_SQL_TEXT(txt, "$13")                                                                      \
    "   AND ($8 = 0 OR p.org_id = $8) AND ($9 = 1 OR p.visibility = 'public')"
#define BOARD_NEWEST(sec, geo, cl, txt)                                                            \
    "SELECT " POST_COLS BOARD_WHERE(sec, geo, cl, txt)                                             \
    "   AND ($10 IS NULL OR p.published_at < $10 OR (p.published_at = $10 AND p.id < $11))"       \
    " ORDER BY p.published_at DESC, p.id DESC LIMIT $12"
#define BOARD_CLOSING(sec, geo, cl, txt)                                                           \
    "SELECT " POST_COLS BOARD_WHERE(sec, geo, cl, txt)                                             \
    "   AND ($10 IS NULL OR p.valid_until > $10 OR (p.valid_until = $10 AND p.id > $11))"         \
    " ORDER BY p.valid_until, p.id LIMIT $12"
/* clang-format on */
static const char *const sql_board_newest[POST_SQL_N] = POST_SQL_VARIANTS(BOARD_NEWEST);
static const char *const sql_board_closing[POST_SQL_N] = POST_SQL_VARIANTS(BOARD_CLOSING);
static const char *const sql_board_newest_pg[POST_SQL_N_PG] = POST_SQL_VARIANTS_PG(BOARD_NEWEST);
static const char *const sql_board_closing_pg[POST_SQL_N_PG] = POST_SQL_VARIANTS_PG(BOARD_CLOSING);
/* the cursor's post, only if the reader may see it ($2 members): a hidden
 * or members-only post reads as one that does not exist */
static const char SQL_KEY_NEWEST[] =
    "SELECT p.published_at FROM post p JOIN org o ON o.id = p.org_id WHERE p.id = $1"
    " AND p.status <> 'hidden' AND p.hidden_reason IS NULL AND ($2 = 1 OR p.visibility = 'public')"
    " AND o.status = 'published'";
static const char SQL_KEY_CLOSING[] =
    "SELECT p.valid_until FROM post p JOIN org o ON o.id = p.org_id WHERE p.id = $1"
    " AND p.status <> 'hidden' AND p.hidden_reason IS NULL AND ($2 = 1 OR p.visibility = 'public')"
    " AND o.status = 'published'";

db_status post_list(db *d, arena *a, const post_query *q, post_rec **items, size_t *n, bool *more)
{
    *items = NULL;
    *n = 0;
    *more = false;
    char today[11];
    post_today(today);
    int limit = q->limit < 1 ? 20 : q->limit > 100 ? 100 : q->limit;
    bool newest = q->sort == POST_SORT_NEWEST;
    db_val key = DBNULL;
    if (q->after_id > 0) {
        db_stmt *k = db_query(d, newest ? SQL_KEY_NEWEST : SQL_KEY_CLOSING,
                              DB_ARGS(DBI(q->after_id), DBI(q->members ? 1 : 0)));
        if (!k)
            return DB_ERR;
        db_status st = db_step(k);
        if (st == DB_ROW)
            key = newest ? DBI(db_col_int(k, 0)) : DBT(arena_strdup(a, db_col_text(k, 0)));
        db_reset(k);
        if (st == DB_DONE)
            return DB_OK; /* no such post: an empty page */
        if (st != DB_ROW)
            return st;
        if (key.kind == DBV_TEXT && !key.s)
            return DB_NOMEM;
    }
    const char *match = NULL;
    if (q->text && *q->text &&
        !((match = post_text_match(a, q->text)) && (match = post_text_param(d, a, match))))
        return DB_NOMEM;
    if (match && !*match)
        return DB_OK; /* no words: nothing matches (callers refuse it first) */
    int v = post_sql_mask(q->sector != NULL, q->geo != NULL, q->cluster_id != 0, match != NULL);
    db_stmt *s =
        db_query(d,
                 newest ? post_sql_pick(d, sql_board_newest, sql_board_newest_pg, v)
                        : post_sql_pick(d, sql_board_closing, sql_board_closing_pg, v),
                 DB_ARGS(DBI(1), DBT(today), DBT(q->kind), DBT(q->topic), DBT(q->sector),
                         DBT(q->geo), DBI(q->cluster_id), DBI(q->org_id), DBI(q->members ? 1 : 0),
                         key, DBI(q->after_id), DBI(limit + 1), DBT(match)));
    if (!s)
        return DB_ERR;
    db_status st = db_collect(s, a, (void **)items, n, sizeof **items, row_post, NULL);
    if (st == DB_OK && *n > (size_t)limit) {
        *n = (size_t)limit;
        *more = true;
    }
    return st;
}

/* The stored matches: $1 the post, $2 today, $3 members, $4 limit. */
static const char SQL_MATCHES[] =
    "SELECT m.target_post, coalesce(t.org_id, m.target_org), m.score, m.cross_cluster, m.nace,"
    "       m.fos, m.geo, m.words, t.title, t.kind, t.lang, o.slug, o.name, o.name_en, t.title_tr"
    "  FROM post_match m LEFT JOIN post t ON t.id = m.target_post"
    "  JOIN org o ON o.id = coalesce(t.org_id, m.target_org)"
    " WHERE m.post_id = $1"
    "   AND (m.target_post IS NULL OR (t.status = 'open' AND t.valid_until >= $2"
    "        AND ($3 = 1 OR t.visibility = 'public')))"
    "   AND o.status = 'published'"
    " ORDER BY m.score DESC, m.target_post IS NULL, m.target_post DESC, m.target_org DESC"
    " LIMIT $4";

/* Splits a space-separated list into an arena array. */
static const char **split(arena *a, const char *s, size_t *n, bool *oom)
{
    *n = 0;
    if (!s || !*s)
        return NULL;
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ' ';
    const char **out = arena_alloc(a, cap * sizeof *out);
    if (!out) {
        *oom = true;
        return NULL;
    }
    const char *p = s;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len) {
            out[*n] = arena_strndup(a, p, len);
            if (!out[*n]) {
                *oom = true;
                return NULL;
            }
            (*n)++;
        }
        p += len;
        if (*p == ' ')
            p++;
    }
    return out;
}

static void row_match(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    post_match_rec *m = item;
    m->hit.post_id = db_col_is_null(s, 0) ? 0 : db_col_int(s, 0);
    m->hit.org_id = db_col_int(s, 1);
    m->hit.score = (int)db_col_int(s, 2);
    m->hit.cross_cluster = db_col_int(s, 3) != 0;
    m->hit.nace = split(a, db_col_text(s, 4), &m->hit.n_nace, oom);
    m->hit.fos = split(a, db_col_text(s, 5), &m->hit.n_fos, oom);
    m->hit.geo = split(a, db_col_text(s, 6), &m->hit.n_geo, oom);
    m->hit.words = split(a, db_col_text(s, 7), &m->hit.n_words, oom);
    m->title = db_col_dup(a, s, 8, oom);
    m->kind = db_col_dup(a, s, 9, oom);
    m->lang = db_col_dup(a, s, 10, oom);
    m->org_slug = db_col_dup(a, s, 11, oom);
    m->org_name = db_col_dup(a, s, 12, oom);
    m->org_name_en = db_col_dup(a, s, 13, oom);
    m->title_tr = db_col_dup(a, s, 14, oom);
}

db_status post_matches(db *d, arena *a, int64_t id, bool members, size_t limit,
                       post_match_rec **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    char today[11];
    post_today(today);
    db_stmt *s =
        db_query(d, SQL_MATCHES, DB_ARGS(DBI(id), DBT(today), DBI(members ? 1 : 0), DBI(limit)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, row_match, NULL);
}

static const char SQL_BRIEF[] =
    "SELECT p.title, p.kind, p.lang, o.slug, o.name, o.name_en, p.visibility, p.title_tr"
    "  FROM post p JOIN org o ON o.id = p.org_id WHERE p.id = $1 AND o.status = 'published'";

db_status post_similar(db *d, arena *a, const post_rec *p, bool members, size_t limit,
                       post_match_rec **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    char today[11];
    post_today(today);
    match_subject s;
    if (!post_subject(a, p, today, true, &s))
        return DB_NOMEM;
    match_hit *hits = NULL;
    size_t n_hits = 0;
    /* fewer postings than for stored matches: this runs on every view */
    db_status st = match_find(d, a, &s, MATCH_POSTS | MATCH_NO_BONUS, limit * 2, MATCH_PER_LIST / 4,
                              &hits, &n_hits);
    if (st != DB_OK || n_hits == 0)
        return st;
    post_match_rec *out = arena_zalloc(a, n_hits * sizeof *out);
    if (!out)
        return DB_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n_hits && k < limit; i++) {
        db_stmt *q = db_query(d, SQL_BRIEF, DB_ARGS(DBI(hits[i].post_id)));
        if (!q)
            return DB_ERR;
        bool oom = false;
        st = db_step(q);
        if (st == DB_ROW) {
            const char *vis = db_col_text(q, 6);
            if (members || (vis && strcmp(vis, "public") == 0)) {
                post_match_rec *m = &out[k++];
                m->hit = hits[i];
                m->title = db_col_dup(a, q, 0, &oom);
                m->kind = db_col_dup(a, q, 1, &oom);
                m->lang = db_col_dup(a, q, 2, &oom);
                m->org_slug = db_col_dup(a, q, 3, &oom);
                m->org_name = db_col_dup(a, q, 4, &oom);
                m->org_name_en = db_col_dup(a, q, 5, &oom);
                m->title_tr = db_col_dup(a, q, 7, &oom);
            }
            st = DB_OK;
        } else if (st == DB_DONE) {
            st = DB_OK;
        }
        db_reset(q);
        if (oom)
            return DB_NOMEM;
        if (st != DB_OK)
            return st;
    }
    *items = out;
    *n = k;
    return DB_OK;
}

/* Every reported post not hidden yet, with its reports and those against
 * all posts of its author ($1: from how many either counts as repeated). */
static const char SQL_REPORTED[] =
    "SELECT " POST_COLS ", r.n,"
    "       r.n >= $1 OR (p.author_id IS NOT NULL AND (SELECT count(*) FROM post_report r2"
    "         JOIN post p2 ON p2.id = r2.post_id WHERE p2.author_id = p.author_id) >= $1)"
    "  FROM (SELECT post_id, count(*) AS n FROM post_report GROUP BY post_id) r"
    "  JOIN post p ON p.id = r.post_id"
    "  JOIN org o ON o.id = p.org_id LEFT JOIN person a ON a.id = p.author_id"
    " WHERE p.status <> 'hidden' AND p.hidden_reason IS NULL ORDER BY r.n DESC, p.id DESC LIMIT 50";

typedef struct reported_row {
    post_rec p;
    int64_t n;
    bool repeated;
} reported_row;

static void row_reported(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    reported_row *r = item;
    row_post(s, a, &r->p, oom, ctx);
    r->n = db_col_int(s, 26);
    r->repeated = db_col_int(s, 27) != 0;
}

db_status post_reported(db *d, arena *a, post_rec **items, int64_t **n_reports, bool **repeated,
                        size_t *n)
{
    *items = NULL;
    *n_reports = NULL;
    *repeated = NULL;
    *n = 0;
    char today[11];
    post_today(today);
    db_stmt *s = db_query(d, SQL_REPORTED, DB_ARGS(DBI(POST_REPORTS_FLAG), DBT(today)));
    if (!s)
        return DB_ERR;
    reported_row *rows = NULL;
    size_t nr = 0;
    db_status st = db_collect(s, a, (void **)&rows, &nr, sizeof *rows, row_reported, NULL);
    if (st != DB_OK || nr == 0)
        return st;
    post_rec *p = arena_alloc(a, nr * sizeof *p);
    int64_t *c = arena_alloc(a, nr * sizeof *c);
    bool *rep = arena_alloc(a, nr * sizeof *rep);
    if (!p || !c || !rep)
        return DB_NOMEM;
    for (size_t i = 0; i < nr; i++) {
        p[i] = rows[i].p;
        c[i] = rows[i].n;
        rep[i] = rows[i].repeated;
    }
    *items = p;
    *n_reports = c;
    *repeated = rep;
    *n = nr;
    return DB_OK;
}

/* --- organisations for forms and filters ------------------------------------------- */

/* name_folded is selected: PostgreSQL orders a DISTINCT by selected
 * columns only. */
static const char SQL_ORGS_FOR[] =
    "SELECT DISTINCT o.id, o.slug, o.name, o.name_en, o.name_folded FROM affiliation f"
    " JOIN org o ON o.id = f.org_id"
    " WHERE f.person_id = $1 AND f.ended_at IS NULL AND o.status = 'published'"
    "   AND (f.role = 'representative'"
    "        OR (f.role = 'manager' AND o.kind IN ('cluster', 'cluster_initiative')))"
    " ORDER BY o.name_folded, o.id";
/* Clusters with members: an empty cluster has no posts to filter by (and
 * a directory of 100,000 entries holds thousands of cluster entries: the
 * select of them all made /cooperation 216 KB). */
static const char SQL_CLUSTERS[] =
    "SELECT id, slug, name, name_en FROM org o WHERE kind IN ('cluster', 'cluster_initiative')"
    "   AND status = 'published'"
    "   AND EXISTS (SELECT 1 FROM cluster_member m WHERE m.cluster_id = o.id)"
    " ORDER BY name_folded, id";
static const char SQL_CLUSTER_ID[] =
    "SELECT id FROM org WHERE slug = $1 AND kind IN ('cluster', 'cluster_initiative')"
    "   AND status = 'published'";

static void row_org(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    post_org *o = item;
    o->id = db_col_int(s, 0);
    o->slug = db_col_dup(a, s, 1, oom);
    o->name = db_col_dup(a, s, 2, oom);
    o->name_en = db_col_dup(a, s, 3, oom);
}

db_status post_orgs_for(db *d, arena *a, int64_t person_id, post_org **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_ORGS_FOR, DB_ARGS(DBI(person_id)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, row_org, NULL);
}

static const char SQL_MINE[] = "SELECT " POST_COLS " FROM post p JOIN org o ON o.id = p.org_id"
                               " LEFT JOIN person a ON a.id = p.author_id"
                               " WHERE p.org_id IN (SELECT o2.id FROM affiliation f"
                               "   JOIN org o2 ON o2.id = f.org_id"
                               "  WHERE f.person_id = $1 AND f.ended_at IS NULL"
                               "    AND (f.role = 'representative' OR (f.role = 'manager'"
                               "         AND o2.kind IN ('cluster', 'cluster_initiative'))))"
                               " ORDER BY p.published_at DESC, p.id DESC LIMIT 200";

db_status post_mine(db *d, arena *a, int64_t person_id, post_rec **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    char today[11];
    post_today(today);
    db_stmt *s = db_query(d, SQL_MINE, DB_ARGS(DBI(person_id), DBT(today)));
    return s ? db_collect(s, a, (void **)items, n, sizeof **items, row_post, NULL) : DB_ERR;
}

db_status post_clusters(db *d, arena *a, post_org **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_CLUSTERS, DB_NONE);
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, row_org, NULL);
}

db_status post_cluster_id(db *d, const char *slug, int64_t *id)
{
    return db_int(d, id, 0, SQL_CLUSTER_ID, DB_ARGS(DBT(slug)));
}
