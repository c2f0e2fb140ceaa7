/* match.c: the matching of the cooperation board (see match.h for the
 * scoring function and how candidates are found). post.c calls
 * match_store inside its write transactions and match_find for "similar
 * posts"; nothing here writes outside the caller's transaction. */
#include "model/match.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/timeutil.h"

int match_score(size_t n_nace, size_t n_fos, size_t n_geo, size_t n_words, bool cross_cluster)
{
    if (n_geo > MATCH_MAX_GEO)
        n_geo = MATCH_MAX_GEO;
    if (n_words > MATCH_MAX_SHARED)
        n_words = MATCH_MAX_SHARED;
    if (n_nace > MATCH_MAX_CODES)
        n_nace = MATCH_MAX_CODES;
    if (n_fos > MATCH_MAX_CODES)
        n_fos = MATCH_MAX_CODES;
    int s = (int)n_nace * MATCH_W_NACE + (int)n_fos * MATCH_W_FOS + (int)n_geo * MATCH_W_GEO +
            (int)n_words * MATCH_W_WORD;
    if (s > 0 && cross_cluster)
        s += MATCH_W_CROSS;
    return s;
}

/* --- candidates ------------------------------------------------------------------ */

/* Which of the subject's items a candidate shares: bit i of `bits` for
 * item i, items numbered nace, then fos, then geo, then words. */
#define ITEM_FOS   (MATCH_MAX_CODES)
#define ITEM_GEO   (2 * MATCH_MAX_CODES)
#define ITEM_WORD  (3 * MATCH_MAX_CODES)
#define ITEM_COUNT (ITEM_WORD + MATCH_MAX_WORDS)
#define BIT_WORDS  ((ITEM_COUNT + 63) / 64)

typedef struct cand {
    int64_t id;     /* post id, or org id for a profile; 0 = empty slot */
    int64_t org_id; /* the candidate's organisation */
    bool is_org;
    uint16_t n[4]; /* shared nace, fos, geo, words */
    uint64_t bits[BIT_WORDS];
    int score;
    bool cross;
} cand;

typedef struct cand_table {
    cand *slots;
    size_t cap; /* a power of two */
    size_t used;
} cand_table;

static cand *cand_get(cand_table *t, int64_t id, bool is_org)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull ^ (is_org ? 0x5bd1e995u : 0);
    size_t i = (size_t)(h >> 17) & (t->cap - 1);
    for (;;) {
        cand *c = &t->slots[i];
        if (c->id == 0) {
            if (t->used * 2 >= t->cap)
                return NULL; /* full enough: later postings are dropped */
            c->id = id;
            c->is_org = is_org;
            t->used++;
            return c;
        }
        if (c->id == id && c->is_org == is_org)
            return c;
        i = (i + 1) & (t->cap - 1);
    }
}

/* Posts of kind $2 holding code/word $1, open on $3, not of organisation
 * $4 and not post $5: the newest $6. CROSS JOIN keeps SQLite's join order:
 * the posting list first (its primary key), then each post by id; left to
 * itself the planner walked every open post and probed the list for each
 * (130 ms a post at 5,000 posts, bench/cooperation.sh). */
static const char SQL_P_NACE[] =
    "SELECT p.id, p.org_id FROM post_nace x CROSS JOIN post p"
    " WHERE p.id = x.post_id AND x.code = $1 AND p.kind = $2 AND p.status = 'open' AND "
    "p.valid_until >= $3"
    "   AND p.org_id <> $4 AND p.id <> $5 ORDER BY x.post_id DESC LIMIT $6";
static const char SQL_P_FOS[] =
    "SELECT p.id, p.org_id FROM post_fos x CROSS JOIN post p"
    " WHERE p.id = x.post_id AND x.code = $1 AND p.kind = $2 AND p.status = 'open' AND "
    "p.valid_until >= $3"
    "   AND p.org_id <> $4 AND p.id <> $5 ORDER BY x.post_id DESC LIMIT $6";
static const char SQL_P_GEO[] =
    "SELECT p.id, p.org_id FROM post_geo x CROSS JOIN post p"
    " WHERE p.id = x.post_id AND x.code = $1 AND p.kind = $2 AND p.status = 'open' AND "
    "p.valid_until >= $3"
    "   AND p.org_id <> $4 AND p.id <> $5 ORDER BY x.post_id DESC LIMIT $6";
static const char SQL_P_WORD[] =
    "SELECT p.id, p.org_id FROM post_word x CROSS JOIN post p"
    " WHERE p.id = x.post_id AND x.word = $1 AND p.kind = $2 AND p.status = 'open' AND "
    "p.valid_until >= $3"
    "   AND p.org_id <> $4 AND p.id <> $5 ORDER BY x.post_id DESC LIMIT $6";
/* Published organisation profiles holding code $1, not $2: the newest $3. */
static const char SQL_O_NACE[] =
    "SELECT o.id, o.id FROM org_sector x CROSS JOIN org o"
    " WHERE o.id = x.org_id AND x.code = $1 AND o.status = 'published' AND o.id <> $2"
    " ORDER BY x.org_id DESC LIMIT $3";
static const char SQL_O_FOS[] =
    "SELECT o.id, o.id FROM org_fos x CROSS JOIN org o"
    " WHERE o.id = x.org_id AND x.code = $1 AND o.status = 'published' AND o.id <> $2"
    " ORDER BY x.org_id DESC LIMIT $3";
static const char SQL_O_GEO[] =
    "SELECT o.id, o.id FROM org_geo x CROSS JOIN org o"
    " WHERE o.id = x.org_id AND x.code = $1 AND o.status = 'published' AND o.id <> $2"
    " ORDER BY x.org_id DESC LIMIT $3";
static const char SQL_O_REGION[] =
    "SELECT id, id FROM org WHERE region = $1 AND status = 'published' AND id <> $2"
    " ORDER BY id DESC LIMIT $3";
static const char SQL_O_DISTRICT[] =
    "SELECT id, id FROM org WHERE district = $1 AND status = 'published' AND id <> $2"
    " ORDER BY id DESC LIMIT $3";

/* Adds the postings of one statement (bound, not stepped) to the table as
 * item `item` of group g (0 nace, 1 fos, 2 geo, 3 words). Resets s. */
static db_status add_postings(db_stmt *s, cand_table *t, bool is_org, int g, int item)
{
    if (!s)
        return DB_ERR;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        cand *c = cand_get(t, db_col_int(s, 0), is_org);
        if (!c)
            continue;
        c->org_id = db_col_int(s, 1);
        uint64_t bit = 1ull << (item % 64);
        if (c->bits[item / 64] & bit)
            continue; /* a region and one of its districts given as one */
        c->bits[item / 64] |= bit;
        c->n[g]++;
    }
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
}

static db_status post_postings(db *d, const char *sql, const match_subject *s, const char *code,
                               int per_list, cand_table *t, int g, int item)
{
    db_stmt *q = db_query(d, sql,
                          DB_ARGS(DBT(code), DBT(s->want_kind), DBT(s->today), DBI(s->org_id),
                                  DBI(s->post_id), DBI(per_list)));
    return add_postings(q, t, false, g, item);
}

static db_status org_postings(db *d, const char *sql, const match_subject *s, const char *code,
                              int per_list, cand_table *t, int g, int item)
{
    db_stmt *q = db_query(d, sql, DB_ARGS(DBT(code), DBI(s->org_id), DBI(per_list)));
    return add_postings(q, t, true, g, item);
}

/* The current clusters of an organisation, itself included (a cluster and
 * its member share that cluster), ascending. The CAST lets PostgreSQL
 * type $1 like the other side of the UNION. */
static const char SQL_CLUSTERS_OF[] =
    "SELECT CAST($1 AS BIGINT) UNION SELECT cluster_id FROM cluster_member"
    " WHERE org_id = $1 AND (left_on IS NULL OR left_on > $2) ORDER BY 1";

static db_status clusters_of(db *d, int64_t org_id, const char *today, int64_t *ids, size_t cap,
                             size_t *n)
{
    *n = 0;
    db_stmt *s = db_query(d, SQL_CLUSTERS_OF, DB_ARGS(DBI(org_id), DBT(today)));
    if (!s)
        return DB_ERR;
    db_status st;
    while ((st = db_step(s)) == DB_ROW)
        if (*n < cap)
            ids[(*n)++] = db_col_int(s, 0);
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
}

static int by_score(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->is_org != b->is_org)
        return a->is_org ? 1 : -1;
    return a->id > b->id ? -1 : a->id < b->id ? 1 : 0;
}

/* The subject's items of group g shared by c, as an arena array. */
static const char **shared(arena *a, const cand *c, int base, const char *const *items, size_t n,
                           size_t *n_out)
{
    *n_out = 0;
    const char **out = arena_alloc(a, (n ? n : 1) * sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int item = base + (int)i;
        if (c->bits[item / 64] & (1ull << (item % 64)))
            out[(*n_out)++] = items[i];
    }
    return out;
}

db_status match_find(db *d, arena *a, const match_subject *s, unsigned what, size_t limit,
                     int per_list, match_hit **hits, size_t *n_hits)
{
    assert(s && s->today && s->want_kind);
    *hits = NULL;
    *n_hits = 0;
    size_t n_nace = s->n_nace < MATCH_MAX_CODES ? s->n_nace : MATCH_MAX_CODES;
    size_t n_fos = s->n_fos < MATCH_MAX_CODES ? s->n_fos : MATCH_MAX_CODES;
    size_t n_geo = s->n_geo < MATCH_MAX_CODES ? s->n_geo : MATCH_MAX_CODES;
    size_t n_words = s->n_words < MATCH_MAX_WORDS ? s->n_words : MATCH_MAX_WORDS;
    size_t lists = n_nace + n_fos + n_geo + n_words;
    if (lists == 0 || limit == 0)
        return DB_OK;
    cand_table t = {0};
    t.cap = 1024;
    while (t.cap < lists * (size_t)per_list * 2 * 2 && t.cap < ((size_t)1 << 17))
        t.cap <<= 1;
    t.slots = arena_zalloc(a, t.cap * sizeof *t.slots);
    if (!t.slots)
        return DB_NOMEM;

    db_status st = DB_OK;
    if (what & MATCH_POSTS) {
        for (size_t i = 0; i < n_nace && st == DB_OK; i++)
            st = post_postings(d, SQL_P_NACE, s, s->nace[i], per_list, &t, 0, (int)i);
        for (size_t i = 0; i < n_fos && st == DB_OK; i++)
            st = post_postings(d, SQL_P_FOS, s, s->fos[i], per_list, &t, 1, ITEM_FOS + (int)i);
        for (size_t i = 0; i < n_geo && st == DB_OK; i++)
            st = post_postings(d, SQL_P_GEO, s, s->geo[i], per_list, &t, 2, ITEM_GEO + (int)i);
        for (size_t i = 0; i < n_words && st == DB_OK; i++)
            st = post_postings(d, SQL_P_WORD, s, s->words[i], per_list, &t, 3, ITEM_WORD + (int)i);
    }
    if (what & MATCH_ORGS) {
        for (size_t i = 0; i < n_nace && st == DB_OK; i++)
            st = org_postings(d, SQL_O_NACE, s, s->nace[i], per_list, &t, 0, (int)i);
        for (size_t i = 0; i < n_fos && st == DB_OK; i++)
            st = org_postings(d, SQL_O_FOS, s, s->fos[i], per_list, &t, 1, ITEM_FOS + (int)i);
        for (size_t i = 0; i < n_geo && st == DB_OK; i++) {
            const char *g = s->geo[i];
            st = org_postings(d, SQL_O_GEO, s, g, per_list, &t, 2, ITEM_GEO + (int)i);
            if (st == DB_OK && strncmp(g, "R-", 2) == 0)
                st = org_postings(d, SQL_O_REGION, s, g + 2, per_list, &t, 2, ITEM_GEO + (int)i);
            else if (st == DB_OK && strncmp(g, "D-", 2) == 0)
                st = org_postings(d, SQL_O_DISTRICT, s, g + 2, per_list, &t, 2, ITEM_GEO + (int)i);
        }
    }
    if (st != DB_OK)
        return st;

    /* compact the table and rank by the score before the cluster bonus */
    size_t n = 0;
    for (size_t i = 0; i < t.cap; i++) {
        cand *c = &t.slots[i];
        if (!c->id)
            continue;
        c->score = match_score(c->n[0], c->n[1], c->n[2], c->n[3], false);
        if (c->score > 0)
            t.slots[n++] = *c;
    }
    qsort(t.slots, n, sizeof *t.slots, by_score);

    /* the bonus decides between close scores: check it for the best
     * 3 x limit and for anything within the bonus of the last of those */
    int64_t mine[64];
    size_t n_mine = 0;
    bool bonus = !(what & MATCH_NO_BONUS);
    if (bonus && (st = clusters_of(d, s->org_id, s->today, mine, 64, &n_mine)) != DB_OK)
        return st;
    size_t check = limit * 3;
    if (check > n)
        check = n;
    while (bonus && check < n && check > 0 &&
           t.slots[check].score + MATCH_W_CROSS > t.slots[check - 1].score && check < limit * 6)
        check++;
    for (size_t i = 0; i < check && bonus; i++) {
        cand *c = &t.slots[i];
        int64_t theirs[64];
        size_t n_theirs = 0;
        st = clusters_of(d, c->org_id, s->today, theirs, 64, &n_theirs);
        if (st != DB_OK)
            return st;
        bool common = false;
        for (size_t x = 0; x < n_mine && !common; x++)
            for (size_t y = 0; y < n_theirs && !common; y++)
                common = mine[x] == theirs[y];
        c->cross = !common;
        c->score = match_score(c->n[0], c->n[1], c->n[2], c->n[3], c->cross);
    }
    qsort(t.slots, check, sizeof *t.slots, by_score);
    if (limit > check)
        limit = check;

    match_hit *out = arena_zalloc(a, (limit ? limit : 1) * sizeof *out);
    if (!out)
        return DB_NOMEM;
    for (size_t i = 0; i < limit; i++) {
        const cand *c = &t.slots[i];
        match_hit *h = &out[i];
        h->post_id = c->is_org ? 0 : c->id;
        h->org_id = c->org_id;
        h->score = c->score;
        h->cross_cluster = c->cross;
        h->nace = shared(a, c, 0, s->nace, n_nace, &h->n_nace);
        h->fos = shared(a, c, ITEM_FOS, s->fos, n_fos, &h->n_fos);
        h->geo = shared(a, c, ITEM_GEO, s->geo, n_geo, &h->n_geo);
        h->words = shared(a, c, ITEM_WORD, s->words, n_words, &h->n_words);
        if (!h->nace || !h->fos || !h->geo || !h->words)
            return DB_NOMEM;
    }
    *hits = out;
    *n_hits = limit;
    return DB_OK;
}

/* --- storing ---------------------------------------------------------------------- */

static const char SQL_FORGET[] = "DELETE FROM post_match WHERE post_id = $1 OR target_post = $1";
static const char SQL_PUT_POST[] =
    "INSERT INTO post_match(post_id, target_post, score, nace, fos, geo, words, cross_cluster,"
    "                       computed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    " ON CONFLICT(post_id, target_post) WHERE target_post IS NOT NULL DO UPDATE SET"
    "   score = excluded.score, nace = excluded.nace, fos = excluded.fos, geo = excluded.geo,"
    "   words = excluded.words, cross_cluster = excluded.cross_cluster,"
    "   computed_at = excluded.computed_at";
static const char SQL_PUT_ORG[] =
    "INSERT INTO post_match(post_id, target_org, score, nace, fos, geo, words, cross_cluster,"
    "                       computed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

db_status match_forget(db *d, int64_t post_id)
{
    return db_do(d, SQL_FORGET, DB_ARGS(DBI(post_id)));
}

/* The items joined with single spaces, an arena string. */
static const char *joined(arena *a, const char **items, size_t n)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, ' ');
        buf_puts(&b, items[i]);
    }
    const char *out = buf_failed(&b) ? NULL : arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return out;
}

static db_status store_hits(db *d, arena *a, int64_t post_id, const match_hit *h, size_t n,
                            int64_t now)
{
    for (size_t i = 0; i < n; i++) {
        const char *nace = joined(a, h[i].nace, h[i].n_nace);
        const char *fos = joined(a, h[i].fos, h[i].n_fos);
        const char *geo = joined(a, h[i].geo, h[i].n_geo);
        const char *words = joined(a, h[i].words, h[i].n_words);
        if (!nace || !fos || !geo || !words)
            return DB_NOMEM;
        db_status st;
        if (h[i].post_id) {
            st = db_do(d, SQL_PUT_POST,
                       DB_ARGS(DBI(post_id), DBI(h[i].post_id), DBI(h[i].score), DBT(nace),
                               DBT(fos), DBT(geo), DBT(words), DBI(h[i].cross_cluster), DBI(now)));
            if (st == DB_OK) /* and the other way round: the same reasons */
                st = db_do(d, SQL_PUT_POST,
                           DB_ARGS(DBI(h[i].post_id), DBI(post_id), DBI(h[i].score), DBT(nace),
                                   DBT(fos), DBT(geo), DBT(words), DBI(h[i].cross_cluster),
                                   DBI(now)));
        } else {
            st = db_do(d, SQL_PUT_ORG,
                       DB_ARGS(DBI(post_id), DBI(h[i].org_id), DBI(h[i].score), DBT(nace), DBT(fos),
                               DBT(geo), DBT(words), DBI(h[i].cross_cluster), DBI(now)));
        }
        if (st != DB_OK)
            return st;
    }
    return DB_OK;
}

db_status match_store(db *d, arena *a, const match_subject *s, size_t *n_stored)
{
    assert(db_in_tx(d) && s->post_id > 0);
    if (n_stored)
        *n_stored = 0;
    db_status st = match_forget(d, s->post_id);
    if (st != DB_OK)
        return st;
    match_hit *posts = NULL, *orgs = NULL;
    size_t n_posts = 0, n_orgs = 0;
    st = match_find(d, a, s, MATCH_POSTS, MATCH_KEEP_POSTS, MATCH_PER_LIST, &posts, &n_posts);
    if (st == DB_OK)
        st = match_find(d, a, s, MATCH_ORGS, MATCH_KEEP_ORGS, MATCH_PER_LIST, &orgs, &n_orgs);
    int64_t now = time_now();
    if (st == DB_OK)
        st = store_hits(d, a, s->post_id, posts, n_posts, now);
    if (st == DB_OK)
        st = store_hits(d, a, s->post_id, orgs, n_orgs, now);
    if (st == DB_OK && n_stored)
        *n_stored = n_posts + n_orgs;
    return st;
}
