/* api_cluster.c: clusters, their members and the figures over JSON.
 *
 *   GET /api/v1/clusters                  clusters (both cluster kinds) with
 *                                         stage, SCAN status and member
 *                                         count; limit + keyset cursor
 *   GET /api/v1/clusters/{slug}/members   current members with the ECCP
 *                                         composition
 *   GET /api/v1/figures                   totals for a year: scope scan,
 *                                         founders or one cluster, grouped
 *                                         by cluster, sector or region
 *
 * The same rules as the pages: the public sees published entries only
 * (the secretariat every status), totals are figures_total()'s with their
 * provenance and never filled in, money is integer euro cents and shares
 * are basis points (1/100 of a percent), as in the model. Labels of codes
 * are English. Nothing here writes. Anonymous /api/v1/figures answers are
 * kept in page_cache.c like the /figures page (a total over a million
 * rows takes a while; the same answer is asked for again and again). */
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/cluster.h"
#include "model/figures.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/page_cache.h"
#include "web/web.h"

#define YEAR_FIRST 1990
#define YEAR_LAST  2100

static bool is_secretariat(const req *r)
{
    return r->user && r->user->secretariat >= SEC_EDITOR;
}

static bool is_cluster_kind(const char *kind)
{
    return kind && (strcmp(kind, "cluster") == 0 || strcmp(kind, "cluster_initiative") == 0);
}

/* An integer, or null when negative (the model's "not available"). */
static void put_opt(buf *o, const char *key, int64_t v)
{
    json_put_key(o, key, false);
    if (v < 0)
        buf_puts(o, "null");
    else
        json_put_int(o, v);
}

static void start_json(req *r)
{
    r->content_type = "application/json"; /* private, no-store when r->user: server.c */
}

/* Loads the cluster {slug} the asker may see, or writes the 404. */
static bool load_cluster(req *r, org_rec *o)
{
    bool found = false;
    db_status st = org_get(r->db, r->a, req_param(r, "slug"), 0, o, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "org get");
        return false;
    }
    bool visible =
        found && ((o->status && strcmp(o->status, "published") == 0) || is_secretariat(r) ||
                  (r->user && rights_can(r->db, r->user, RIGHT_ORG_EDIT, o->id)));
    if (!visible || !is_cluster_kind(o->kind)) {
        resp_error(r, 404, "No cluster with this slug.");
        return false;
    }
    return true;
}

/* --- GET /api/v1/clusters ------------------------------------------------------------- */

/* The clusters after the cursor, both kinds merged in id order. */
static db_status list_clusters(req *r, const api_page *p, org_rec **items, size_t *n)
{
    static const char *const kinds[] = {"cluster", "cluster_initiative"};
    org_list_result res[2];
    for (int k = 0; k < 2; k++) {
        memset(&res[k], 0, sizeof res[k]);
        org_query q = {.kind = kinds[k],
                       .status = is_secretariat(r) ? "any" : NULL,
                       .sort = ORG_SORT_ID,
                       .page = 1,
                       .per_page = p->limit,
                       .after_id = p->after};
        db_status st = org_list(r->db, r->a, &q, &res[k]);
        if (st != DB_OK)
            return st;
    }
    *items = arena_alloc(r->a, (size_t)p->limit * sizeof **items);
    if (!*items)
        return DB_NOMEM;
    size_t i = 0, j = 0;
    *n = 0;
    while (*n < (size_t)p->limit && (i < res[0].n_items || j < res[1].n_items)) {
        bool first =
            j >= res[1].n_items || (i < res[0].n_items && res[0].items[i].id < res[1].items[j].id);
        (*items)[(*n)++] = first ? res[0].items[i++] : res[1].items[j++];
    }
    return DB_OK;
}

void api_cluster_list(req *r)
{
    api_page p;
    if (!api_page_parse(r, &p))
        return;
    org_rec *items = NULL;
    size_t n = 0;
    db_status st = list_clusters(r, &p, &items, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "cluster list");
        return;
    }
    buf *o = &r->out;
    start_json(r);
    buf_puts(o, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        const org_rec *c = &items[i];
        cluster_info ci;
        org_rec *members = NULL;
        size_t n_members = 0;
        if ((st = cluster_get(r->db, r->a, c->id, false, &ci)) == DB_OK)
            st = org_members_of(r->db, r->a, c->id, &members, &n_members);
        if (st != DB_OK) {
            resp_fail(r, st, "cluster list item");
            return;
        }
        int64_t count = 0;
        for (size_t k = 0; k < n_members; k++)
            count += is_secretariat(r) ||
                     (members[k].status && strcmp(members[k].status, "published") == 0);
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "id", true);
        json_put_int(o, c->id);
        json_put_field(o, "slug", c->slug);
        json_put_field(o, "name", c->name);
        json_put_field(o, "name_en", c->name_en);
        json_put_field(o, "acronym", c->acronym);
        json_put_field(o, "kind", c->kind);
        json_put_field(o, "municipality", c->municipality);
        json_put_field(o, "region", c->region);
        json_put_key(o, "stage", false);
        if (ci.n_stages) {
            buf_puts(o, "{");
            json_put_key(o, "stage", true);
            json_put_string(o, ci.stages[ci.n_stages - 1].stage);
            json_put_field(o, "reached_on", ci.stages[ci.n_stages - 1].reached_on);
            buf_puts(o, "}");
        } else {
            buf_puts(o, "null");
        }
        json_put_key(o, "scan_membership", false);
        if (ci.n_scan) {
            buf_puts(o, "{");
            json_put_key(o, "status", true);
            json_put_string(o, ci.scan[ci.n_scan - 1].status);
            json_put_field(o, "since", ci.scan[ci.n_scan - 1].since);
            json_put_field(o, "note", ci.scan[ci.n_scan - 1].note);
            json_put_field(o, "note_en", ci.scan[ci.n_scan - 1].note_en);
            buf_puts(o, "}");
        } else {
            buf_puts(o, "null");
        }
        /* free texts in Serbian and English beside each other (null: none) */
        json_put_key(o, "profile", false);
        buf_puts(o, "{");
        json_put_key(o, "vision", true);
        json_put_string(o, ci.vision);
        json_put_field(o, "vision_en", ci.vision_en);
        json_put_field(o, "mission", ci.mission);
        json_put_field(o, "mission_en", ci.mission_en);
        json_put_field(o, "goals", ci.goals);
        json_put_field(o, "goals_en", ci.goals_en);
        json_put_field(o, "services", ci.services);
        json_put_field(o, "services_en", ci.services_en);
        json_put_field(o, "networks", ci.networks);
        json_put_field(o, "networks_en", ci.networks_en);
        buf_puts(o, "}");
        /* labels with their state: only "verified" ones count */
        json_put_key(o, "labels", false);
        buf_puts(o, "[");
        for (size_t k = 0; k < ci.n_labels; k++) {
            const cluster_label_rec *lb = &ci.labels[k];
            buf_puts(o, k ? ",{" : "{");
            json_put_key(o, "label", true);
            json_put_string(o, lb->label);
            json_put_field(o, "name", lb->name);
            json_put_field(o, "name_en", lb->name_en);
            json_put_field(o, "awarded_on", lb->awarded_on);
            json_put_field(o, "expires_on", lb->expires_on);
            json_put_field(o, "state", lb->verified ? "verified" : "claimed");
            buf_puts(o, "}");
        }
        buf_puts(o, "]");
        json_put_field_int(o, "member_count", count);
        json_put_key(o, "is_demo", false);
        json_put_bool(o, c->is_demo);
        buf_puts(o, "}");
    }
    buf_puts(o, "],\"next_cursor\":");
    if (n == (size_t)p.limit && n > 0) {
        buf_putc(o, '"');
        api_cursor_encode(o, items[n - 1].id);
        buf_putc(o, '"');
    } else {
        buf_puts(o, "null");
    }
    buf_puts(o, "}\n");
}

/* --- GET /api/v1/clusters/{slug}/members ------------------------------------------------- */

void api_cluster_members(req *r)
{
    org_rec c;
    if (!load_cluster(r, &c))
        return;
    cluster_member_rec *m = NULL;
    size_t n = 0;
    org_rec *orgs = NULL;
    size_t n_orgs = 0;
    db_status st = cluster_members(r->db, r->a, c.id, NULL, &m, &n);
    if (st == DB_OK && !is_secretariat(r))
        st = org_members_of(r->db, r->a, c.id, &orgs, &n_orgs);
    if (st != DB_OK) {
        resp_fail(r, st, "cluster members");
        return;
    }
    if (!is_secretariat(r)) { /* published members only */
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            bool ok = false;
            for (size_t j = 0; j < n_orgs && !ok; j++)
                ok = orgs[j].id == m[i].org_id && orgs[j].status &&
                     strcmp(orgs[j].status, "published") == 0;
            if (ok)
                m[k++] = m[i];
        }
        n = k;
    }
    cluster_composition comp;
    cluster_composition_of(m, n, &comp);
    buf *o = &r->out;
    start_json(r);
    buf_puts(o, "{");
    json_put_key(o, "cluster", true);
    json_put_string(o, c.slug);
    buf_puts(o, ",\"composition\":{");
    json_put_key(o, "total", true);
    json_put_int(o, comp.total);
    json_put_field_int(o, "smes", comp.smes);
    json_put_field_int(o, "startups", comp.startups);
    json_put_field_int(o, "large", comp.large);
    json_put_field_int(o, "research", comp.research);
    json_put_field_int(o, "other", comp.other);
    json_put_field_int(o, "unknown_size", comp.unknown_size);
    buf_puts(o, "},\"items\":[");
    for (size_t i = 0; i < n; i++) {
        const cluster_member_rec *x = &m[i];
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "membership_id", true);
        json_put_int(o, x->id);
        json_put_field(o, "slug", x->slug);
        json_put_field(o, "name", x->name);
        json_put_field(o, "acronym", x->acronym);
        json_put_field(o, "kind", x->kind);
        json_put_field(o, "role", x->role);
        json_put_field(o, "joined_on", x->joined_on);
        json_put_field(o, "sector", x->sector);
        json_put_field(o, "municipality", x->municipality);
        json_put_field(o, "district", x->district);
        put_opt(o, "employees", x->employees);
        json_put_field(o, "size_class", x->size_class);
        json_put_key(o, "is_startup", false);
        json_put_bool(o, x->is_startup);
        json_put_key(o, "is_demo", false);
        json_put_bool(o, x->is_demo);
        buf_puts(o, "}");
    }
    buf_puts(o, "]}\n");
}

/* --- GET /api/v1/figures ------------------------------------------------------------------- */

static void put_total(req *r, const figure_total *t, figure_group g)
{
    buf *o = &r->out;
    buf_puts(o, "{");
    json_put_key(o, "key", true);
    json_put_string(o, t->key);
    const char *label = t->label;
    if (g == FIG_GROUP_SECTOR || g == FIG_GROUP_REGION) {
        const char *l =
            ref_label(r->db, r->a, g == FIG_GROUP_SECTOR ? "nace" : "region", t->key, LANG_EN);
        label = l ? l : t->key;
    } else if (g == FIG_GROUP_NONE) {
        label = NULL;
    }
    json_put_field(o, "label", label);
    json_put_field_int(o, "year", t->year);
    json_put_field_int(o, "members", t->members);
    json_put_field_int(o, "reported", t->reported);
    json_put_field_int(o, "missing", t->missing);
    json_put_field_int(o, "verified", t->verified);
    put_opt(o, "verified_bp", t->verified_bp);
    json_put_field_int(o, "employees", t->employees);
    json_put_field_int(o, "revenue_eur_cents", t->revenue_eur);
    json_put_field_int(o, "exports_eur_cents", t->exports_eur);
    json_put_field_int(o, "rnd_eur_cents", t->rnd_eur);
    put_opt(o, "export_share_bp", t->export_share_bp);
    json_put_key(o, "covered", false);
    json_put_bool(o, t->covered);
    /* null when no like-for-like comparison exists: see "change" */
    json_put_key(o, "change", false);
    json_put_string(o, t->change_state == FIG_CHANGE_OK             ? "comparable"
                       : t->change_state == FIG_CHANGE_LOW_COVERAGE ? "low_coverage"
                                                                    : "no_previous_year");
    json_put_key(o, "previous_year", false);
    if (t->has_prev) {
        buf_puts(o, "{");
        json_put_key(o, "employees", true);
        json_put_int(o, t->prev_employees);
        json_put_field_int(o, "revenue_eur_cents", t->prev_revenue_eur);
        json_put_field_int(o, "exports_eur_cents", t->prev_exports_eur);
        json_put_field_int(o, "employees_change_bp", t->employees_change_bp);
        json_put_field_int(o, "revenue_change_bp", t->revenue_change_bp);
        json_put_field_int(o, "exports_change_bp", t->exports_change_bp);
        buf_puts(o, "}");
    } else {
        buf_puts(o, "null");
    }
    json_put_key(o, "illustrative", false);
    json_put_bool(o, t->any_demo);
    buf_puts(o, "}");
}

/* The key of an anonymous answer in the page cache (NULL: do not cache)
 * and, in *version, the figures_version it is valid for. Only URLs made of
 * the known parameters, each once, are cached, so made-up parameters
 * cannot fill the cache. */
static const char *figures_cache_key(req *r, int64_t *version, bool *ok)
{
    static const char *const known[] = {"year", "scope", "cluster", "group_by"};
    *ok = true;
    if (r->user)
        return NULL;
    for (size_t i = 0; i < r->query.n_fields; i++) {
        bool good = false;
        for (size_t k = 0; k < 4; k++)
            good |= strcmp(r->query.fields[i].name, known[k]) == 0;
        for (size_t j = 0; j < i; j++)
            good &= strcmp(r->query.fields[j].name, r->query.fields[i].name) != 0;
        if (!good)
            return NULL;
    }
    int64_t dir_v = 0;
    db_status st = figures_version(r->db, version);
    if (st == DB_OK)
        st = org_directory_version(r->db, &dir_v);
    if (st != DB_OK) {
        *ok = false;
        resp_fail(r, st, "figures/directory version");
        return NULL;
    }
    return arena_printf(r->a, "api|%lld|%s?%s", (long long)dir_v, r->path,
                        r->query_raw ? r->query_raw : "");
}

void api_figures(req *r)
{
    int64_t version = 0;
    bool ok;
    const char *key = figures_cache_key(r, &version, &ok);
    if (!ok)
        return;
    const char *ct, *etag;
    if (key && page_cache_get(key, version, r->a, &r->out, &ct, &etag)) {
        r->content_type = ct;
        r->etag = etag;
        return;
    }
    figure_query q = {.scope = FIG_SCOPE_SCAN, .group = FIG_GROUP_NONE};
    const char *scope = req_query(r, "scope");
    const char *cluster = req_query(r, "cluster");
    org_rec c = {0};
    if (str_empty(scope) || strcmp(scope, "scan") == 0) {
        scope = "scan";
    } else if (strcmp(scope, "founders") == 0) {
        q.scope = FIG_SCOPE_FOUNDERS;
    } else if (strcmp(scope, "cluster") == 0) {
        q.scope = FIG_SCOPE_CLUSTER;
    } else {
        resp_error(r, 400, "scope must be scan, founders or cluster.");
        return;
    }
    if (q.scope == FIG_SCOPE_CLUSTER) {
        if (str_empty(cluster)) {
            resp_error(r, 400, "cluster is required with scope=cluster: the cluster's slug.");
            return;
        }
        bool found = false;
        db_status st = org_get(r->db, r->a, cluster, 0, &c, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "org get");
            return;
        }
        if (!found || !is_cluster_kind(c.kind) ||
            (!is_secretariat(r) && !(c.status && strcmp(c.status, "published") == 0))) {
            resp_error(r, 404, "No cluster with this slug.");
            return;
        }
        q.cluster_id = c.id;
    } else if (!str_empty(cluster)) {
        resp_error(r, 400, "cluster is only used with scope=cluster.");
        return;
    }
    const char *group = req_query(r, "group_by");
    if (!str_empty(group)) {
        static const struct {
            const char *name;
            figure_group g;
        } groups[] = {{"cluster", FIG_GROUP_CLUSTER},
                      {"sector", FIG_GROUP_SECTOR},
                      {"region", FIG_GROUP_REGION}};
        size_t i = 0;
        while (i < 3 && strcmp(group, groups[i].name) != 0)
            i++;
        if (i == 3) {
            resp_error(r, 400, "group_by must be cluster, sector or region.");
            return;
        }
        if (q.scope == FIG_SCOPE_CLUSTER && groups[i].g == FIG_GROUP_CLUSTER) {
            resp_error(r, 400, "group_by=cluster needs scope scan or founders.");
            return;
        }
        q.group = groups[i].g;
    }
    int *years = NULL;
    size_t n_years = 0;
    db_status st = figures_years(r->db, r->a, &years, &n_years);
    if (st != DB_OK) {
        resp_fail(r, st, "figures years");
        return;
    }
    const char *year = req_query(r, "year");
    if (!str_empty(year)) {
        int64_t y;
        if (!str_to_i64(year, &y) || y < YEAR_FIRST || y > YEAR_LAST) {
            resp_error(r, 400, "year must be a whole number from 1990 to 2100, such as 2024.");
            return;
        }
        q.year = (int)y;
    } else if (n_years) { /* the newest year enough members reported for */
        figure_total passed;
        if ((st = figures_default_year(r->db, r->a, q.scope, q.cluster_id, years, n_years, &q.year,
                                       &passed)) != DB_OK) {
            resp_fail(r, st, "figures default year");
            return;
        }
    } else { /* nothing reported yet: last year, with everyone missing */
        time_t now = (time_t)time_now();
        struct tm tm;
        q.year = localtime_r(&now, &tm) ? tm.tm_year + 1900 - 1 : YEAR_FIRST;
    }
    figure_total *rows = NULL;
    size_t n = 0;
    if ((st = figures_total(r->db, r->a, &q, &rows, &n)) != DB_OK) {
        resp_fail(r, st, "figures total");
        return;
    }
    bool any_demo = false;
    for (size_t i = 0; i < n; i++)
        any_demo |= rows[i].any_demo;
    buf *o = &r->out;
    start_json(r);
    buf_puts(o, "{");
    json_put_key(o, "year", true);
    json_put_int(o, q.year);
    json_put_field(o, "scope", scope);
    json_put_field(o, "cluster", q.scope == FIG_SCOPE_CLUSTER ? c.slug : NULL);
    json_put_field(o, "group_by", str_empty(group) ? NULL : group);
    json_put_field(o, "currency", "EUR");
    json_put_key(o, "illustrative", false);
    json_put_bool(o, any_demo);
    json_put_key(o, "years", false);
    buf_putc(o, '[');
    for (size_t i = 0; i < n_years; i++) {
        if (i)
            buf_putc(o, ',');
        json_put_int(o, years[i]);
    }
    buf_puts(o, "],\"items\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(o, ',');
        put_total(r, &rows[i], q.group);
    }
    buf_puts(o, "]}\n");
    if (key) { /* kept if it ends up whole (server_hook_finish) */
        r->cache_key = key;
        r->cache_version = version;
    }
}
