/* project_network.c: who is tied to whom (project.h, project_network):
 * two aggregate queries give the weighted pairs (joint projects the viewer
 * may see, agreements), each end with its kind; the rest is done here:
 * rings by kind, grouping a ring by kind when it holds too many entries,
 * names for the nodes shown, and a stable order (ring, name, id), so the
 * same data always gives the same nodes and edges. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "model/project.h"
#include "model/project_sql.h"

#define VISIBLE(P) PROJECT_VISIBLE(P)

/* $3 first year (0 open), $4 last year (0 open). A project's years run
 * from its start (or submission) to its end. Companies are not nodes. */
static const char SQL_PROJECT_PAIRS[] =
    "WITH vp0(id, funder_id) AS (SELECT p.id, p.funder_id FROM project p WHERE " VISIBLE(
        "p") "  AND ($3 = 0 OR CAST(substr(coalesce(p.ends_on, p.starts_on, p.submitted_on), 1, 4)"
             "   AS INTEGER) >= $3)"
             "  AND ($4 = 0 OR CAST(substr(coalesce(p.starts_on, p.submitted_on), 1, 4) AS "
             "INTEGER) <= $4)"
             "  AND ($3 = 0 AND $4 = 0 OR coalesce(p.starts_on, p.submitted_on) IS NOT NULL)),"
             " m(project_id, org_id) AS (SELECT pp.project_id, pp.org_id FROM vp0"
             "  JOIN project_participant pp ON pp.project_id = vp0.id"
             "  WHERE pp.consent = 'confirmed'),"
             " mk(project_id, org_id, kind) AS (SELECT m.project_id, m.org_id, o.kind FROM m"
             "  JOIN org o ON o.id = m.org_id WHERE o.kind <> 'company')"
             " SELECT a.org_id, a.kind, b.org_id, b.kind, count(*) FROM mk a JOIN mk b"
             "  ON b.project_id = a.project_id AND b.org_id > a.org_id GROUP BY a.org_id, a.kind, "
             "b.org_id, b.kind";
/* The funder of each project with each confirmed participant: a funding
 * tie, drawn apart from partnership (a funder is no project partner). The
 * funder first; a funder that also takes part is not tied to itself. A
 * funder that has not confirmed (0044) is tied to nothing. */
static const char SQL_FUNDER_PAIRS[] =
    "WITH vp0(id, funder_id) AS (SELECT p.id, p.funder_id FROM project p WHERE " VISIBLE(
        "p") "  AND p.funder_id IS NOT NULL AND p.funder_consent = 'confirmed'"
             "  AND ($3 = 0 OR CAST(substr(coalesce(p.ends_on, p.starts_on, p.submitted_on), 1, 4)"
             "   AS INTEGER) >= $3)"
             "  AND ($4 = 0 OR CAST(substr(coalesce(p.starts_on, p.submitted_on), 1, 4) AS "
             "INTEGER) <= $4)"
             "  AND ($3 = 0 AND $4 = 0 OR coalesce(p.starts_on, p.submitted_on) IS NOT NULL))"
             " SELECT f.id, f.kind, o.id, o.kind, count(*) FROM vp0 JOIN org f ON f.id = "
             "vp0.funder_id"
             "  JOIN project_participant pp ON pp.project_id = vp0.id AND pp.consent = 'confirmed'"
             "  JOIN org o ON o.id = pp.org_id WHERE o.kind <> 'company' AND f.kind <> 'company'"
             "  AND o.id <> f.id GROUP BY f.id, f.kind, o.id, o.kind";
static const char SQL_AGREEMENT_PAIRS[] =
    "WITH va0(id) AS (SELECT g.id FROM agreement g WHERE g.status IN ('signed', 'expired')"
    "  AND NOT EXISTS (SELECT 1 FROM agreement_party u WHERE u.agreement_id = g.id"
    "   AND u.consent <> 'confirmed')"
    "  AND ($3 = 0 OR CAST(substr(coalesce(g.valid_until, g.valid_from, g.signed_on, '9999'), 1, 4)"
    "   AS INTEGER) >= $3)"
    "  AND ($4 = 0 OR CAST(substr(coalesce(g.valid_from, g.signed_on, '0000'), 1, 4) AS INTEGER)"
    "   <= $4) AND ($1 = $1 AND $2 = $2)),"
    " mk(agreement_id, org_id, kind) AS (SELECT ap.agreement_id, ap.org_id, o.kind FROM va0"
    "  JOIN agreement_party ap ON ap.agreement_id = va0.id JOIN org o ON o.id = ap.org_id"
    "  WHERE o.kind <> 'company')"
    " SELECT a.org_id, a.kind, b.org_id, b.kind, count(*) FROM mk a JOIN mk b"
    "  ON b.agreement_id = a.agreement_id AND b.org_id > a.org_id GROUP BY a.org_id, a.kind, "
    "b.org_id, b.kind";
static const char SQL_NODE[] = "SELECT slug, name, name_en FROM org WHERE id = $1";

typedef struct pair_row {
    int64_t a, b, n;
    const char *ka, *kb;
} pair_row;

static void pair_fill(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    pair_row *p = item;
    p->a = db_col_int(s, 0);
    p->ka = db_col_dup(a, s, 1, oom);
    p->b = db_col_int(s, 2);
    p->kb = db_col_dup(a, s, 3, oom);
    p->n = db_col_int(s, 4);
}

static int ring_of(const char *kind)
{
    if (strcmp(kind, "cluster_association") == 0)
        return 0;
    if (strcmp(kind, "cluster") == 0 || strcmp(kind, "cluster_initiative") == 0)
        return 1;
    return 2;
}

/* One organisation met in the pairs. */
typedef struct ent {
    int64_t id;
    const char *kind;
    int ring;
    size_t node;      /* its node index, after grouping */
    bool funder_only; /* met only as a project's funder */
} ent;

static int ent_cmp(const void *pa, const void *pb)
{
    const ent *a = pa, *b = pb;
    return a->id < b->id ? -1 : a->id > b->id;
}

static ent *ent_find(ent *e, size_t n, int64_t id)
{
    ent key = {.id = id};
    return bsearch(&key, e, n, sizeof *e, ent_cmp);
}

typedef struct net_build {
    network_node *nodes;
    size_t n_nodes;
} net_build;

/* Nodes sort by ring, then groups after entries, then name, then id. */
static int node_cmp(const void *pa, const void *pb)
{
    const network_node *a = pa, *b = pb;
    if (a->ring != b->ring)
        return a->ring - b->ring;
    if ((a->n_members > 0) != (b->n_members > 0))
        return a->n_members > 0 ? 1 : -1;
    int c = strcmp(a->n_members ? a->kind : a->name, b->n_members ? b->kind : b->name);
    if (c)
        return c;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int edge_cmp(const void *pa, const void *pb)
{
    const network_edge *a = pa, *b = pb;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

static bool kind_wanted(const network_query *q, const ent *e)
{
    return e->ring < 2 || !q->kind || !*q->kind || strcmp(q->kind, e->kind) == 0;
}

db_status project_network(db *d, arena *a, const project_viewer *v, const network_query *q,
                          network *out)
{
    assert(d && a && q && out);
    memset(out, 0, sizeof *out);
    pair_row *pp = NULL, *ap = NULL, *fp = NULL;
    size_t n_pp = 0, n_ap = 0, n_fp = 0;
    db_val args[] = {DBI(v ? v->person_id : 0), DBI(v && v->secretariat), DBI(q->year_from),
                     DBI(q->year_to)};
    db_stmt *s = db_query(d, SQL_PROJECT_PAIRS, 4, args);
    db_status st = s ? db_collect(s, a, (void **)&pp, &n_pp, sizeof *pp, pair_fill, NULL) : DB_ERR;
    if (st != DB_OK)
        return st;
    s = db_query(d, SQL_AGREEMENT_PAIRS, 4, args);
    st = s ? db_collect(s, a, (void **)&ap, &n_ap, sizeof *ap, pair_fill, NULL) : DB_ERR;
    if (st != DB_OK)
        return st;
    s = db_query(d, SQL_FUNDER_PAIRS, 4, args);
    st = s ? db_collect(s, a, (void **)&fp, &n_fp, sizeof *fp, pair_fill, NULL) : DB_ERR;
    if (st != DB_OK)
        return st;
    /* one array of pairs: projects, agreements, then funding (the funder as a) */
    size_t n_all = n_pp + n_ap + n_fp;
    pair_row *all = arena_alloc(a, (n_all + 1) * sizeof *all);
    if (!all)
        return DB_NOMEM;
    if (n_pp)
        memcpy(all, pp, n_pp * sizeof *all);
    if (n_ap)
        memcpy(all + n_pp, ap, n_ap * sizeof *all);
    if (n_fp)
        memcpy(all + n_pp + n_ap, fp, n_fp * sizeof *all);

    /* the organisations, by id */
    size_t cap = 2 * n_all + 1, n_e = 0;
    ent *e = arena_alloc(a, cap * sizeof *e);
    if (!e)
        return DB_NOMEM;
    for (size_t i = 0; i < n_all; i++) {
        const pair_row *p = &all[i];
        bool funding = i >= n_pp + n_ap;
        e[n_e++] = (ent){p->a, p->ka, ring_of(p->ka), 0, funding};
        e[n_e++] = (ent){p->b, p->kb, ring_of(p->kb), 0, false};
    }
    qsort(e, n_e, sizeof *e, ent_cmp);
    size_t w = 0;
    for (size_t i = 0; i < n_e; i++) {
        if (w == 0 || e[w - 1].id != e[i].id)
            e[w++] = e[i];
        else
            e[w - 1].funder_only &= e[i].funder_only; /* a partner somewhere: no funder only */
    }
    n_e = w;

    /* which rings are grouped: more than NETWORK_GROUP_OVER wanted entries
     * (clusters: twice that) */
    size_t per_ring[3] = {0, 0, 0};
    size_t funders = 0;
    for (size_t i = 0; i < n_e; i++)
        if (kind_wanted(q, &e[i])) {
            per_ring[e[i].ring]++;
            funders += e[i].ring == 2 && e[i].funder_only;
        }
    bool group_ring[3] = {false, per_ring[1] > 2 * NETWORK_GROUP_OVER,
                          per_ring[2] > NETWORK_GROUP_OVER};
    out->n_partners = per_ring[2] - funders; /* funders are not partners */
    out->n_funders = funders;
    out->grouped = group_ring[2] || group_ring[1];

    /* the nodes: an entry each, or one per grouped kind */
    out->nodes = arena_alloc(a, (n_e + 1) * sizeof *out->nodes);
    if (!out->nodes)
        return DB_NOMEM;
    for (size_t i = 0; i < n_e; i++) {
        ent *x = &e[i];
        x->node = SIZE_MAX;
        if (!kind_wanted(q, x))
            continue;
        bool grouped = group_ring[x->ring] && !(q->open && strcmp(q->open, x->kind) == 0);
        if (grouped) {
            size_t k = 0;
            for (; k < out->n_nodes; k++)
                if (out->nodes[k].n_members && strcmp(out->nodes[k].kind, x->kind) == 0)
                    break;
            if (k == out->n_nodes)
                out->nodes[out->n_nodes++] =
                    (network_node){.kind = x->kind, .ring = x->ring, .name = x->kind};
            out->nodes[k].n_members++;
            x->node = k;
            continue;
        }
        network_node *nd = &out->nodes[out->n_nodes];
        *nd =
            (network_node){.id = x->id, .kind = x->kind, .ring = x->ring, .funder = x->funder_only};
        db_stmt *ns = db_query(d, SQL_NODE, DB_ARGS(DBI(x->id)));
        if (!ns)
            return DB_ERR;
        if ((st = db_step(ns)) == DB_ROW) {
            nd->slug = arena_strdup(a, db_col_text(ns, 0));
            nd->name = arena_strdup(a, db_col_text(ns, 1));
            nd->name_en = db_col_text(ns, 2) ? arena_strdup(a, db_col_text(ns, 2)) : NULL;
        }
        db_reset(ns);
        if (st != DB_ROW)
            return st == DB_DONE ? DB_ERR : st;
        if (!nd->slug || !nd->name)
            return DB_NOMEM;
        x->node = out->n_nodes++;
    }

    /* order the nodes and renumber the entries' node indices */
    size_t *order = arena_alloc(a, (out->n_nodes + 1) * sizeof *order);
    network_node *sorted = arena_alloc(a, (out->n_nodes + 1) * sizeof *sorted);
    if (!order || !sorted)
        return DB_NOMEM;
    memcpy(sorted, out->nodes, out->n_nodes * sizeof *sorted);
    for (size_t i = 0; i < out->n_nodes; i++)
        sorted[i].id = sorted[i].n_members ? -(int64_t)i - 1 : sorted[i].id; /* keep identity */
    qsort(sorted, out->n_nodes, sizeof *sorted, node_cmp);
    for (size_t i = 0; i < out->n_nodes; i++) {
        if (sorted[i].n_members) {
            order[(size_t)(-sorted[i].id - 1)] = i;
            sorted[i].id = 0;
        } else {
            for (size_t k = 0; k < out->n_nodes; k++)
                if (!out->nodes[k].n_members && out->nodes[k].id == sorted[i].id)
                    order[k] = i;
        }
    }
    out->nodes = sorted;
    for (size_t i = 0; i < n_e; i++)
        if (e[i].node != SIZE_MAX)
            e[i].node = order[e[i].node];

    /* the edges between nodes, projects and agreements summed */
    network_edge *ed = arena_alloc(a, (n_all + 1) * sizeof *ed);
    if (!ed)
        return DB_NOMEM;
    size_t n_ed = 0;
    for (size_t i = 0; i < n_all; i++) {
        const pair_row *p = &all[i];
        const ent *x = ent_find(e, n_e, p->a), *y = ent_find(e, n_e, p->b);
        if (!x || !y || x->node == SIZE_MAX || y->node == SIZE_MAX || x->node == y->node)
            continue;
        size_t lo = x->node < y->node ? x->node : y->node, hi = x->node ^ y->node ^ lo;
        bool proj = i < n_pp, agr = !proj && i < n_pp + n_ap;
        ed[n_ed++] =
            (network_edge){lo, hi, proj ? p->n : 0, agr ? p->n : 0, proj || agr ? 0 : p->n};
    }
    qsort(ed, n_ed, sizeof *ed, edge_cmp);
    w = 0;
    for (size_t i = 0; i < n_ed; i++) {
        if (w && ed[w - 1].a == ed[i].a && ed[w - 1].b == ed[i].b) {
            ed[w - 1].projects += ed[i].projects;
            ed[w - 1].agreements += ed[i].agreements;
            ed[w - 1].funded += ed[i].funded;
        } else {
            ed[w++] = ed[i];
        }
    }
    out->edges = ed;
    out->n_edges = w;
    return DB_OK;
}
