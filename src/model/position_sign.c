/* position_sign.c: signatures on positions, their weight, and the
 * position's notifications (see position.h).
 *
 * The weight is never counted here: figures_total with FIG_SCOPE_POSITION
 * (figures_total.c) counts the distinct organisations behind the live
 * signatures by the same rules as every other total, so an organisation
 * in two signing clusters counts once. This file picks the year and keeps
 * a small per-process cache keyed by the data versions. */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/utf8.h"
#include "model/digest.h"
#include "model/figures.h"
#include "model/notify.h"
#include "model/position_internal.h"
#include "model/versions.h"

/* --- weight ----------------------------------------------------------------------------- */

static const char SQL_SIGNER_KINDS[] =
    "SELECT coalesce(sum(CASE WHEN o.kind IN ('cluster', 'cluster_initiative') THEN 1 ELSE 0 END), "
    "0),"
    " coalesce(sum(CASE WHEN o.kind NOT IN ('cluster', 'cluster_initiative') THEN 1 ELSE 0 END), 0)"
    " FROM position_signature g JOIN org o ON o.id = g.org_id"
    " WHERE g.position_id = $1 AND g.withdrawn_at IS NULL";

static const char SQL_STAGE_OF[] = "SELECT stage FROM position WHERE id = $1";

/* Sets w->why by the rules of pos_withhold for w->year (w->reported its
 * reporting organisations). */
static db_status withhold(db *d, arena *a, int64_t id, position_weight *w)
{
    db_stmt *s = db_query(d, SQL_STAGE_OF, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    pos_stage stage = st == DB_ROW ? position_stage_of(db_col_text(s, 0)) : POS_N_STAGES;
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        return st;
    if (stage == POS_N_STAGES || !position_stage_public(stage)) {
        w->why = POS_HOLD_OPEN;
        return DB_OK;
    }
    if (w->reported < POSITION_MIN_DISCLOSE) {
        w->why = POS_HOLD_FEW;
        return DB_OK;
    }
    position_contribution *c = NULL;
    size_t n = 0;
    if ((st = position_contributions(d, a, id, w->year, &c, &n)) != DB_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        int64_t outside = w->reported - c[i].reported;
        if (outside > 0 && outside < POSITION_MIN_DISCLOSE)
            w->why = POS_HOLD_SIDE;
    }
    return DB_OK;
}

db_status position_weight_compute(db *d, int64_t id, position_weight *w)
{
    assert(d && w);
    memset(w, 0, sizeof *w);
    db_stmt *s = db_query(d, SQL_SIGNER_KINDS, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        w->clusters = db_col_int(s, 0);
        w->orgs = db_col_int(s, 1);
    }
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        return st;
    if (w->clusters + w->orgs == 0)
        return DB_OK;
    arena a = ARENA_INIT;
    int *years = NULL;
    size_t n_years = 0;
    if ((st = figures_years(d, &a, &years, &n_years)) != DB_OK)
        goto cleanup;
    /* the newest covered year; else the newest (covered stays false) */
    for (size_t i = 0; i < n_years; i++) {
        figure_query q = {.scope = FIG_SCOPE_POSITION,
                          .cluster_id = id,
                          .group = FIG_GROUP_NONE,
                          .year = years[i]};
        figure_total *t = NULL;
        size_t n = 0;
        if ((st = figures_total_reference(d, &a, &q, &t, &n)) != DB_OK)
            goto cleanup;
        if (n == 1 && (i == 0 || t->covered)) {
            w->year = years[i];
            w->members = t->members;
            w->reported = t->reported;
            w->employees = t->employees;
            w->revenue_cents = t->revenue_eur;
            w->exports_cents = t->exports_eur;
            w->covered = t->covered;
            w->any_demo = t->any_demo;
        }
        if (n == 1 && t->covered)
            break;
        if (i >= 9)
            break; /* ten years back is enough to look for a covered one */
    }
    if (w->year && (st = withhold(d, &a, id, w)) != DB_OK)
        goto cleanup;
    if (w->why != POS_SHOWN) {
        w->withheld = true;
        w->employees = w->revenue_cents = w->exports_cents = 0;
    }
cleanup:
    arena_free(&a);
    return st;
}

/* Each live signature's own organisations, by FIG_SCOPE_POSITION's rules
 * in figures_total.c (a cluster's memberships overlapping the year, any
 * other signer itself), and how many of them report figures for the year
 * (an org_figure row, figures_total's "reported"). Independent of the
 * order of signing; an organisation behind two signatories is in both
 * rows (the total, said once, counts it once). $1 the position,
 * $2 'Y-12-31', $3 'Y-01-01', $4 Y. */
static const char SQL_CONTRIBUTIONS[] =
    "WITH brings(sig_id, org_id) AS ("
    " SELECT g.id, m.org_id FROM position_signature g JOIN org o ON o.id = g.org_id"
    " JOIN cluster_member m ON m.cluster_id = g.org_id AND m.joined_on <= $2"
    " AND (m.left_on IS NULL OR m.left_on >= $3)"
    " WHERE g.position_id = $1 AND g.withdrawn_at IS NULL"
    " AND o.kind IN ('cluster', 'cluster_initiative')"
    " UNION SELECT g.id, g.org_id FROM position_signature g"
    " JOIN org o ON o.id = g.org_id WHERE g.position_id = $1 AND g.withdrawn_at IS NULL"
    " AND o.kind NOT IN ('cluster', 'cluster_initiative'))"
    " SELECT b.sig_id, count(*), count(f.id) FROM brings b"
    " LEFT JOIN org_figure f ON f.org_id = b.org_id AND f.year = $4 GROUP BY b.sig_id";

static void contribution_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)a, (void)oom, (void)ctx;
    position_contribution *c = item;
    c->signature_id = db_col_int(s, 0);
    c->orgs = db_col_int(s, 1);
    c->reported = db_col_int(s, 2);
}

db_status position_contributions(db *d, arena *a, int64_t id, int year, position_contribution **out,
                                 size_t *n)
{
    assert(d && a && out && n);
    *out = NULL;
    *n = 0;
    char end[16], start[16];
    snprintf(end, sizeof end, "%04d-12-31", year);
    snprintf(start, sizeof start, "%04d-01-01", year);
    db_stmt *s = db_query(d, SQL_CONTRIBUTIONS, DB_ARGS(DBI(id), DBT(end), DBT(start), DBI(year)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, contribution_row, NULL);
}

/* The cache: a few hundred slots by position id; a slot holds the weight
 * computed under both data versions it names. Positions sign, figures
 * change and memberships change all bump one of them, so a stale slot is
 * never read. */
#define WCACHE_SLOTS 512
typedef struct wslot {
    int64_t id, dir_v, fig_v;
    position_weight w;
} wslot;
static wslot wcache[WCACHE_SLOTS];
static pthread_mutex_t wcache_lock = PTHREAD_MUTEX_INITIALIZER;

db_status position_weight_cached(db *d, int64_t id, position_weight *w)
{
    int64_t dv = 0, fv = 0;
    db_status st = tx_version(d, TX_DIRECTORY, &dv);
    if (st == DB_OK)
        st = tx_version(d, TX_FIGURES, &fv);
    if (st != DB_OK)
        return st;
    wslot *slot = &wcache[(uint64_t)id % WCACHE_SLOTS];
    pthread_mutex_lock(&wcache_lock);
    bool hit = slot->id == id && slot->dir_v == dv && slot->fig_v == fv;
    if (hit)
        *w = slot->w;
    pthread_mutex_unlock(&wcache_lock);
    if (hit)
        return DB_OK;
    if ((st = position_weight_compute(d, id, w)) != DB_OK)
        return st;
    pthread_mutex_lock(&wcache_lock);
    *slot = (wslot){id, dv, fv, *w};
    pthread_mutex_unlock(&wcache_lock);
    return DB_OK;
}

/* --- signing ---------------------------------------------------------------------------- */

static const char SQL_LIVE[] = "SELECT id FROM position_signature WHERE position_id = $1"
                               " AND org_id = $2 AND withdrawn_at IS NULL";
static const char SQL_SIGN[] =
    "INSERT INTO position_signature(position_id, org_id, signed_at, signed_by)"
    " VALUES ($1, $2, $3, $4) RETURNING id";
static const char SQL_WITHDRAW[] =
    "UPDATE position_signature SET withdrawn_at = $2, withdrawn_by = $3 WHERE id = $1";
static const char SQL_ORG_OK[] = "SELECT count(*) FROM org WHERE id = $1 AND status = 'published'";

typedef struct sign_ctx {
    int64_t id, org_id;
    form_errors *errs;
} sign_ctx;

static db_status sign_body(tx *t, void *vc)
{
    sign_ctx *c = vc;
    db_status st = pos_require(t->d, c->id, 1u << POS_SIGNING, c->errs, NULL);
    if (st != DB_OK)
        return st;
    int64_t live = 0, ok = 0, sid = 0;
    if ((st = db_int(t->d, &ok, 0, SQL_ORG_OK, DB_ARGS(DBI(c->org_id)))) != DB_OK ||
        (st = db_int(t->d, &live, 0, SQL_LIVE, DB_ARGS(DBI(c->id), DBI(c->org_id)))) != DB_OK)
        return st;
    if (!ok) {
        valid_add_error(c->errs, "org", FE_UNKNOWN_CODE, 0, 0);
        return DB_CONSTRAINT;
    }
    if (live) {
        valid_add_error(c->errs, "org", FE_TAKEN, 0, 0);
        return DB_CONSTRAINT;
    }
    if ((st = db_int(t->d, &sid, 0, SQL_SIGN,
                     DB_ARGS(DBI(c->id), DBI(c->org_id), DBI(time_now()), DBI(t->actor_id)))) !=
        DB_OK)
        return st;
    /* no weight is kept per signature: the difference of two running
     * totals is one signatory's own figures */
    buf_printf(&t->detail, "{\"org\":%lld,\"signature\":%lld}", (long long)c->org_id,
               (long long)sid);
    return DB_OK;
}

db_status position_sign(db *d, int64_t id, int64_t org_id, int64_t actor, const char *ip,
                        form_errors *errs)
{
    assert(d && errs);
    pos_stage stage;
    int64_t ver;
    db_status st = pos_state(d, id, &stage, &ver);
    if (st != DB_OK)
        return st;
    sign_ctx c = {id, org_id, errs};
    tx t = TX_INIT(actor, ip, "position_sign", "position", id);
    t.bump = TX_DIRECTORY;
    return tx_write(d, &t, sign_body, &c);
}

static db_status withdraw_body(tx *t, void *vc)
{
    sign_ctx *c = vc;
    db_status st = pos_require(t->d, c->id, 1u << POS_SIGNING, c->errs, NULL);
    if (st != DB_OK)
        return st;
    int64_t sid = 0;
    if ((st = db_int(t->d, &sid, 0, SQL_LIVE, DB_ARGS(DBI(c->id), DBI(c->org_id)))) != DB_OK)
        return st;
    if (!sid) {
        valid_add_error(c->errs, "org", FE_NOT_PENDING, 0, 0);
        return DB_CONSTRAINT;
    }
    if ((st = db_do(t->d, SQL_WITHDRAW, DB_ARGS(DBI(sid), DBI(time_now()), DBI(t->actor_id)))) !=
        DB_OK)
        return st;
    buf_printf(&t->detail, "{\"org\":%lld,\"signature\":%lld}", (long long)c->org_id,
               (long long)sid);
    return DB_OK;
}

db_status position_withdraw(db *d, int64_t id, int64_t org_id, int64_t actor, const char *ip,
                            form_errors *errs)
{
    assert(d && errs);
    pos_stage stage;
    int64_t ver;
    db_status st = pos_state(d, id, &stage, &ver);
    if (st != DB_OK)
        return st;
    sign_ctx c = {id, org_id, errs};
    tx t = TX_INIT(actor, ip, "position_withdraw", "position", id);
    t.bump = TX_DIRECTORY;
    return tx_write(d, &t, withdraw_body, &c);
}

/* --- notifications ------------------------------------------------------------------------ */

#define NOTIFY_MAX 500 /* recipients (people or organisations) of one event */

static const char SQL_TITLE[] =
    "SELECT v.title_sr FROM position p JOIN position_version v ON v.position_id = p.id"
    " AND v.version = p.version WHERE p.id = $1";
static const char SQL_COMMENTERS[] =
    "SELECT DISTINCT created_by FROM position_comment WHERE position_id = $1 LIMIT 500";
/* The clusters in SCAN today (the SCAN status in force is member or founder). */
static const char SQL_SCAN_CLUSTERS[] =
    "SELECT s.org_id FROM scan_membership s WHERE s.since <= $1 AND s.status IN ('member',"
    " 'founder') AND s.id = (SELECT x.id FROM scan_membership x WHERE x.org_id = s.org_id"
    " AND x.since <= $1 ORDER BY x.since DESC, x.id DESC LIMIT 1) LIMIT 500";

/* The ids the statement gives (first column), at most NOTIFY_MAX. */
static db_status ids_of(db *d, const char *sql, db_val arg, int64_t *ids, size_t *n)
{
    *n = 0;
    db_stmt *s = db_query(d, sql, 1, &arg);
    if (!s)
        return DB_ERR;
    db_status st;
    while ((st = db_step(s)) == DB_ROW && *n < NOTIFY_MAX)
        ids[(*n)++] = db_col_int(s, 0);
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

static db_status tell(tx *t, int64_t id, const char *kind, const notify_to *to, const char *b)
{
    arena a = ARENA_INIT;
    char href[48];
    snprintf(href, sizeof href, "/positions/%lld", (long long)id);
    db_stmt *s = db_query(t->d, SQL_TITLE, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    const char *title = NULL;
    bool oom = false;
    db_status st = db_step(s);
    if (st == DB_ROW)
        title = db_col_dup(&a, s, 0, &oom);
    db_reset(s);
    if (oom) {
        st = DB_NOMEM;
    } else if (st == DB_ROW) {
        notify_what what = {
            .entity = "position", .entity_id = id, .a = title, .b = b, .href = href};
        st = notify_event(t->d, t->actor_id, to, kind, &what, NULL);
    }
    arena_free(&a);
    return st == DB_DONE ? DB_OK : st;
}

db_status pos_notify_version(tx *t, int64_t id, int64_t version)
{
    int64_t ids[NOTIFY_MAX];
    size_t n = 0;
    db_status st = ids_of(t->d, SQL_COMMENTERS, DBI(id), ids, &n);
    if (st != DB_OK || n == 0)
        return st;
    char v[24];
    snprintf(v, sizeof v, "%lld", (long long)version);
    notify_to to = {.persons = ids, .n_persons = n};
    return tell(t, id, "position_version", &to, v);
}

db_status pos_notify_reply(tx *t, int64_t id, int64_t person)
{
    notify_to to = {.persons = &person, .n_persons = 1};
    return tell(t, id, "position_reply", &to, "");
}

db_status pos_notify_signing(tx *t, int64_t id)
{
    int64_t ids[NOTIFY_MAX];
    size_t n = 0;
    char today[11];
    time_today(today);
    db_status st = ids_of(t->d, SQL_SCAN_CLUSTERS, DBT(today), ids, &n);
    if (st != DB_OK || n == 0)
        return st;
    notify_to to = {.orgs = ids, .n_orgs = n};
    return tell(t, id, "position_signing", &to, "");
}

/* --- reading signatures ------------------------------------------------------------------ */

static const char SQL_SIGNATURES[] =
    "SELECT g.id, g.org_id, o.slug, o.name, o.name_en, o.kind, p.name, g.signed_at,"
    " coalesce(g.withdrawn_at, 0) FROM position_signature g JOIN org o ON o.id = g.org_id"
    " LEFT JOIN person p ON p.id = g.signed_by AND p.erased_at IS NULL"
    " WHERE g.position_id = $1 ORDER BY g.withdrawn_at IS NOT NULL, g.signed_at, g.id";

static void signature_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    position_signature *g = item;
    g->id = db_col_int(s, 0);
    g->org_id = db_col_int(s, 1);
    g->org_slug = db_col_dup(a, s, 2, oom);
    g->org_name = db_col_dup(a, s, 3, oom);
    g->org_name_en = db_col_dup(a, s, 4, oom);
    g->org_kind = db_col_dup(a, s, 5, oom);
    g->by_name = db_col_dup(a, s, 6, oom);
    g->signed_at = db_col_int(s, 7);
    g->withdrawn_at = db_col_int(s, 8);
}

db_status position_signatures(db *d, arena *a, int64_t id, position_signature **out, size_t *n)
{
    db_stmt *s = db_query(d, SQL_SIGNATURES, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, signature_row, NULL);
}

/* --- the digest ------------------------------------------------------------------------- */

/* The SCAN status of org col in force on $2 is member or founder. */
#define SCAN_NOW(col)                                                                              \
    "EXISTS (SELECT 1 FROM scan_membership s WHERE s.org_id = " col " AND s.since <= $2"           \
    " AND s.status IN ('member', 'founder') AND s.id = (SELECT x.id FROM scan_membership x"        \
    " WHERE x.org_id = s.org_id AND x.since <= $2 ORDER BY x.since DESC, x.id DESC LIMIT 1))"

/* Positions open for signature that the reader could sign for an
 * organisation they speak for that has not signed yet: a SCAN cluster they
 * manage, or an organisation they represent that is a current member of a
 * SCAN cluster ($2 today). Others, such as an institution the position
 * addresses, never hear of a position before it is public. */
static const char SQL_DIGEST_SIGNING[] =
    "SELECT p.id, v.title_sr, v.title_en, (SELECT count(*) FROM position_signature g"
    " WHERE g.position_id = p.id AND g.withdrawn_at IS NULL) FROM position p"
    " JOIN position_version v ON v.position_id = p.id AND v.version = p.version"
    " WHERE p.stage = 'signing' AND EXISTS (SELECT 1 FROM affiliation f JOIN org o ON o.id = "
    "f.org_id"
    "  WHERE f.person_id = $1 AND f.ended_at IS NULL"
    "    AND ((f.role = 'manager' AND o.kind IN ('cluster', 'cluster_initiative')"
    "          AND " SCAN_NOW(
        "o.id") ")"
                "      OR (f.role = 'representative' AND EXISTS (SELECT 1 FROM cluster_member m"
                "          WHERE m.org_id = f.org_id AND m.joined_on <= $2"
                "            AND (m.left_on IS NULL OR m.left_on > $2) AND " SCAN_NOW(
                    "m.cluster_id") ")))"
                                    "    AND NOT EXISTS (SELECT 1 FROM position_signature g WHERE "
                                    "g.position_id = p.id"
                                    "                    AND g.org_id = f.org_id AND "
                                    "g.withdrawn_at IS NULL))"
                                    " ORDER BY p.updated_at DESC, p.id DESC LIMIT 20";

db_status position_digest_signing(db *d, arena *a, const digest_reader *r, const digest_period *w,
                                  digest_part *out)
{
    (void)a;
    (void)w;
    char today[11];
    time_today(today);
    db_stmt *s = db_query(d, SQL_DIGEST_SIGNING, DB_ARGS(DBI(r->person_id), DBT(today)));
    if (!s)
        return DB_ERR;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        const char *title = db_col_text(s, 1);
        if (r->lang == LANG_EN && !db_col_is_null(s, 2))
            title = db_col_text(s, 2);
        buf t = BUF_INIT, lat = BUF_INIT;
        if (r->lang == LANG_SR_LATN) {
            utf8_cyr_to_lat(&lat, title, strlen(title));
            if (!buf_failed(&lat))
                title = buf_str(&lat);
        }
        buf_printf(&t, T(r->lang, MSG_POS_DIGEST_LINE), title, (long long)db_col_int(s, 3));
        char href[48];
        snprintf(href, sizeof href, "/positions/%lld#signatures", (long long)db_col_int(s, 0));
        digest_item(out, buf_str(&t), href);
        buf_free(&t);
        buf_free(&lat);
    }
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
}

static void to_sign_row_fn(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    position_to_sign *x = item;
    x->id = db_col_int(s, 0);
    x->title_sr = db_col_dup(a, s, 1, oom);
    x->title_en = db_col_dup(a, s, 2, oom);
    x->signatures = db_col_int(s, 3);
}

db_status position_open_to_sign(db *d, arena *a, int64_t person_id, position_to_sign **out,
                                size_t *n)
{
    assert(d && a && out && n);
    *out = NULL;
    *n = 0;
    char today[11];
    time_today(today);
    db_stmt *s = db_query(d, SQL_DIGEST_SIGNING, DB_ARGS(DBI(person_id), DBT(today)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, to_sign_row_fn, NULL);
}
