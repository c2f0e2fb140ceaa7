/* org_facet.c: the stored facet counts of the directory (see below and
 * org_internal.h), kept by org_write.c's writers in their transaction,
 * and added in bulk by the importer (org_facets_add). org_list.c reads
 * them for facets without filters. */
#include <string.h>

#include "core/timeutil.h"
#include "model/figures.h"
#include "model/org.h"
#include "model/org_internal.h"
#include "model/tx.h"

/* --- stored facet counts ------------------------------------------------------------
 *
 * org_facet_count (migration 0009) holds per status what the facet
 * statements give with no filter but the status, as a sum over counter
 * shards (0058: each writer adds and takes on its own, tx_shard, so
 * concurrent writers on PostgreSQL do not all update the same few rows;
 * one shard on SQLite); the writers here keep it
 * in their transaction: an entry's (facet, code) pairs are read before and
 * after a write, the old ones taken at the old status and the new ones
 * added at the new one. Done here rather than by triggers on org and its
 * code tables: a trigger makes each of those statements open a statement
 * savepoint, and FTS5 flushes its pending index at every savepoint, which
 * made the 10,000-entry import twice as slow. The same comparison drops
 * the stored figures totals grouped by sector, region or district when a
 * cluster member's code for that grouping changes. */

static const char SQL_FACET_STATUS[] = "SELECT status, coalesce(kind, '') FROM org WHERE id = $1";
/* The pairs an entry counts in: the trees count a top-level code once and
 * each sub-code it has (as TREE_FACET). */
static const char SQL_FACET_PAIRS[] =
    "SELECT 'kind', kind FROM org WHERE id = $1 AND kind IS NOT NULL"
    " UNION SELECT 'region', region FROM org WHERE id = $1 AND region IS NOT NULL"
    " UNION SELECT 'district', district FROM org WHERE id = $1 AND district IS NOT NULL"
    " UNION SELECT 'geo', code FROM org_geo WHERE org_id = $1"
    " UNION SELECT 'sector', coalesce(n.parent, s.code) FROM org_sector s JOIN ref_nace n"
    " ON n.code = s.code WHERE s.org_id = $1"
    " UNION SELECT 'sector', s.code FROM org_sector s JOIN ref_nace n ON n.code = s.code"
    " WHERE s.org_id = $1 AND n.parent IS NOT NULL"
    " UNION SELECT 'fos', coalesce(n.parent, s.code) FROM org_fos s JOIN ref_fos n"
    " ON n.code = s.code WHERE s.org_id = $1"
    " UNION SELECT 'fos', s.code FROM org_fos s JOIN ref_fos n ON n.code = s.code"
    " WHERE s.org_id = $1 AND n.parent IS NOT NULL";
/* $5 the writer's shard (tx_shard, 0058): an entry counted on one shard
 * may leave on another, whose n then goes below zero; the sum is exact */
static const char SQL_FACET_TAKE[] =
    "INSERT INTO org_facet_count(status, kind, facet, code, shard, n)"
    " VALUES ($1, $4, $2, $3, $5, -1)"
    " ON CONFLICT(status, kind, facet, code, shard) DO UPDATE SET n = org_facet_count.n - 1";
static const char SQL_FACET_ADD[] =
    "INSERT INTO org_facet_count(status, kind, facet, code, shard, n)"
    " VALUES ($1, $4, $2, $3, $5, 1)"
    " ON CONFLICT(status, kind, facet, code, shard) DO UPDATE SET n = org_facet_count.n + 1";
static const char SQL_FIG_MEMBER[] = "SELECT 1 FROM cluster_member WHERE org_id = $1 LIMIT 1";
/* $1 the grouping keyed by the facet; $2 the district x sector grouping
 * (FIG_GROUP_DISTRICT_SECTOR, 0043) when the facet is a district or a
 * sector, else $1 again */
static const char SQL_FIG_DROP_DONE[] = "DELETE FROM figure_total_done WHERE grp IN ($1, $2)";
static const char SQL_FIG_DROP_ROWS[] = "DELETE FROM figure_total_row WHERE grp IN ($1, $2)";

static void facet_pair_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    org_facet_pair *p = item;
    p->facet = db_col_dup(a, s, 0, oom);
    p->code = db_col_dup(a, s, 1, oom);
}

/* The entry's status and pairs now (arena); status NULL when id is 0 or
 * no entry has it. */
db_status org_facet_snapshot(db *d, arena *a, int64_t id, org_facet_snap *out)
{
    memset(out, 0, sizeof *out);
    if (id <= 0)
        return DB_OK;
    db_stmt *s = db_prepare(d, SQL_FACET_STATUS);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    db_status st = db_step(s);
    bool oom = false;
    if (st == DB_ROW) {
        out->status = db_col_dup(a, s, 0, &oom);
        out->kind = db_col_dup(a, s, 1, &oom);
    }
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    if (st != DB_ROW)
        return st == DB_DONE ? DB_OK : st;
    if (!(s = db_prepare(d, SQL_FACET_PAIRS)))
        return DB_ERR;
    db_bind_int(s, 1, id);
    return db_collect(s, a, (void **)&out->pairs, &out->n, sizeof *out->pairs, facet_pair_row,
                      NULL);
}

static bool has_pair(const org_facet_snap *x, const org_facet_pair *p)
{
    for (size_t i = 0; i < x->n; i++)
        if (strcmp(x->pairs[i].facet, p->facet) == 0 && strcmp(x->pairs[i].code, p->code) == 0)
            return true;
    return false;
}

static db_status facet_bump(db *d, const char *sql, const org_facet_snap *x,
                            const org_facet_pair *p)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, x->status);
    db_bind_text(s, 2, p->facet);
    db_bind_text(s, 3, p->code);
    db_bind_text(s, 4, x->kind ? x->kind : "");
    db_bind_int(s, 5, tx_shard(d));
    return db_run(s);
}

/* Moves entry id's counts from before to after (either may be empty) and
 * drops the figures totals a member's changed grouping makes stale. In
 * the caller's write transaction. */
db_status org_facet_apply(db *d, int64_t id, const org_facet_snap *before,
                          const org_facet_snap *after)
{
    bool same_status = before->status && after->status &&
                       strcmp(before->status, after->status) == 0 &&
                       strcmp(before->kind, after->kind) == 0; /* the same counts' key */
    db_status st = DB_OK;
    bool changed[3] = {false, false, false}; /* sector, region, district */
    static const char *const fig_facet[3] = {"sector", "region", "district"};
    for (size_t i = 0; st == DB_OK && i < before->n; i++) {
        const org_facet_pair *p = &before->pairs[i];
        bool kept = has_pair(after, p);
        for (int g = 0; g < 3; g++)
            changed[g] |= !kept && strcmp(p->facet, fig_facet[g]) == 0;
        if (!same_status || !kept)
            st = facet_bump(d, SQL_FACET_TAKE, before, p);
    }
    for (size_t i = 0; st == DB_OK && i < after->n; i++) {
        const org_facet_pair *p = &after->pairs[i];
        bool had = has_pair(before, p);
        for (int g = 0; g < 3; g++)
            changed[g] |= !had && strcmp(p->facet, fig_facet[g]) == 0;
        if (!same_status || !had)
            st = facet_bump(d, SQL_FACET_ADD, after, p);
    }
    if (st != DB_OK || !(changed[0] || changed[1] || changed[2]) || !before->status)
        return st;
    db_stmt *s = db_prepare(d, SQL_FIG_MEMBER);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    st = db_step(s);
    db_reset(s);
    if (st != DB_ROW)
        return st == DB_DONE ? DB_OK : st; /* not a member: counted nowhere */
    st = DB_OK;
    for (int g = 0; st == DB_OK && g < 3; g++) {
        for (int k = 0; st == DB_OK && changed[g] && k < 2; k++) {
            if (!(s = db_prepare(d, k ? SQL_FIG_DROP_ROWS : SQL_FIG_DROP_DONE)))
                return DB_ERR;
            db_bind_int(s, 1, g + 2); /* FIG_GROUP_SECTOR, _REGION, _DISTRICT */
            db_bind_int(s, 2, g == 1 ? g + 2 : FIG_GROUP_DISTRICT_SECTOR);
            st = db_run(s);
        }
    }
    return st;
}

/* The slot of (status, kind, facet, code) in acc, NULL on OOM. */
static struct org_facet_slot *acc_slot(org_facet_acc *acc, const char *status, const char *kind,
                                       const char *facet, const char *code)
{
    if ((acc->n + 1) * 2 > acc->cap) { /* grow: rehash into twice the room */
        size_t cap = acc->cap ? acc->cap * 2 : 256;
        struct org_facet_slot *slots = arena_zalloc(acc->a, cap * sizeof *slots);
        if (!slots)
            return NULL;
        for (size_t i = 0; i < acc->cap; i++) {
            const struct org_facet_slot *o = &acc->slots[i];
            if (!o->facet)
                continue;
            uint64_t h = 1469598103934665603ULL;
            for (const char *const *k =
                     (const char *const[]){o->status, o->kind, o->facet, o->code, NULL};
                 *k; k++)
                for (const char *p = *k;; p++) {
                    h = (h ^ (unsigned char)*p) * 1099511628211ULL;
                    if (!*p)
                        break;
                }
            size_t j = (size_t)h & (cap - 1);
            while (slots[j].facet)
                j = (j + 1) & (cap - 1);
            slots[j] = *o;
        }
        acc->slots = slots;
        acc->cap = cap;
    }
    const char *key[4] = {status, kind, facet, code};
    uint64_t h = 1469598103934665603ULL; /* FNV-1a over the four, NULs included */
    for (int k = 0; k < 4; k++)
        for (const char *p = key[k];; p++) {
            h = (h ^ (unsigned char)*p) * 1099511628211ULL;
            if (!*p)
                break;
        }
    size_t j = (size_t)h & (acc->cap - 1);
    for (;; j = (j + 1) & (acc->cap - 1)) {
        struct org_facet_slot *e = &acc->slots[j];
        if (!e->facet) {
            e->status = arena_strdup(acc->a, status);
            e->kind = arena_strdup(acc->a, kind);
            e->facet = facet; /* a constant */
            e->code = arena_strdup(acc->a, code);
            if (!e->status || !e->kind || !e->code) {
                e->facet = NULL;
                return NULL;
            }
            acc->n++;
            return e;
        }
        if (strcmp(e->facet, facet) == 0 && strcmp(e->code, code) == 0 &&
            strcmp(e->status, status) == 0 && strcmp(e->kind, kind) == 0)
            return e;
    }
}

/* The pairs SQL_FACET_PAIRS gives for record n once its rows are written
 * (a tree's top-level code once however many of its sub-codes the entry
 * has) into *out (arena a; strings point into n), their number in *np. */
static db_status record_pairs(db *d, arena *a, const org_rec *n, org_facet_pair **out, size_t *np)
{
    *out = NULL;
    *np = 0;
    org_facet_pair *pairs =
        arena_alloc(a, (3 + n->n_geo + 2 * (n->n_sectors + n->n_fos)) * sizeof *pairs);
    if (!pairs)
        return DB_NOMEM;
    size_t k_pairs = 0;
    const char *const single[3][2] = {
        {"kind", n->kind}, {"region", n->region}, {"district", n->district}};
    for (int k = 0; k < 3; k++)
        if (single[k][1])
            pairs[k_pairs++] = (org_facet_pair){single[k][0], single[k][1]};
    for (size_t k = 0; k < n->n_geo; k++) /* distinct: normalize's lists are */
        pairs[k_pairs++] = (org_facet_pair){"geo", n->geo[k]};
    static const char *const tree[2][2] = {{"sector", "nace"}, {"fos", "fos"}};
    for (int t = 0; t < 2; t++) {
        const char *const *codes = t ? n->fos : n->sectors;
        size_t cnt = t ? n->n_fos : n->n_sectors;
        for (size_t k = 0; k < cnt; k++) {
            const ref_item *it;
            db_status st = ref_get(d, tree[t][1], codes[k], LANG_EN, &it);
            if (st != DB_OK)
                return st;
            if (!it)
                continue; /* not in the reference table: the join drops it */
            org_facet_pair cand[2] = {{tree[t][0], it->parent ? it->parent : codes[k]},
                                      {tree[t][0], codes[k]}};
            for (int c = 0; c < (it->parent ? 2 : 1); c++) {
                bool dup = false;
                for (size_t q = 0; q < k_pairs && !dup; q++)
                    dup = strcmp(pairs[q].facet, cand[c].facet) == 0 &&
                          strcmp(pairs[q].code, cand[c].code) == 0;
                if (!dup)
                    pairs[k_pairs++] = cand[c];
            }
        }
    }
    *out = pairs;
    *np = k_pairs;
    return DB_OK;
}

db_status org_facet_snapshot_of(db *d, arena *a, const org_rec *n, org_facet_snap *out)
{
    memset(out, 0, sizeof *out);
    db_status st = record_pairs(d, a, n, &out->pairs, &out->n);
    if (st != DB_OK)
        return st;
    out->status = n->status;
    out->kind = n->kind ? n->kind : "";
    return DB_OK;
}

/* Counts new entry n in acc: record_pairs under its status and kind. */
db_status org_facet_acc_add(db *d, org_facet_acc *acc, const org_rec *n)
{
    arena a = ARENA_INIT;
    org_facet_pair *pairs;
    size_t np;
    db_status st = record_pairs(d, &a, n, &pairs, &np);
    for (size_t k = 0; st == DB_OK && k < np; k++) {
        struct org_facet_slot *e =
            acc_slot(acc, n->status, n->kind ? n->kind : "", pairs[k].facet, pairs[k].code);
        if (!e)
            st = DB_NOMEM;
        else
            e->n++;
    }
    arena_free(&a);
    return st;
}

static const char SQL_FACET_ADD_N[] =
    "INSERT INTO org_facet_count(status, kind, facet, code, shard, n)"
    " VALUES ($1, $2, $3, $4, $6, $5) ON CONFLICT(status, kind, facet, code, shard)"
    " DO UPDATE SET n = org_facet_count.n + excluded.n";

/* one shard of directory's data_version (0049; tx.c bumps the others) */
static const char SQL_BUMP_BY[] =
    "UPDATE data_version SET n = n + $1 WHERE kind = 'directory' AND shard = 0";

db_status org_facets_add(db *d, const org_facet_acc *acc)
{
    db_status st = DB_OK;
    if (acc->writes) {
        db_stmt *s = db_prepare(d, SQL_BUMP_BY);
        if (!s)
            return DB_ERR;
        db_bind_int(s, 1, acc->writes);
        if ((st = db_run(s)) != DB_OK)
            return st;
    }
    for (size_t i = 0; st == DB_OK && i < acc->cap; i++) {
        const struct org_facet_slot *e = &acc->slots[i];
        if (!e->facet)
            continue;
        db_stmt *s = db_prepare(d, SQL_FACET_ADD_N);
        if (!s)
            return DB_ERR;
        db_bind_text(s, 1, e->status);
        db_bind_text(s, 2, e->kind);
        db_bind_text(s, 3, e->facet);
        db_bind_text(s, 4, e->code);
        db_bind_int(s, 5, e->n);
        db_bind_int(s, 6, tx_shard(d));
        st = db_run(s);
    }
    return st;
}
