/* org_proposal.c: entries proposed by cluster managers, and the
 * secretariat's decision (see org_proposal.h). The entry is written by
 * org_write.c's writer (org_put_tx) in the same transaction as the
 * proposal row, so a proposal never exists without its entry or the
 * other way round. */
#include "model/org_proposal.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "core/utf8.h"
#include "model/audit.h"
#include "model/initiative.h"
#include "model/mail.h"
#include "model/notify.h"
#include "model/org_internal.h"

static const char SQL_MANAGES_ANY[] =
    "SELECT count(*) FROM affiliation a JOIN org c ON c.id = a.org_id"
    " WHERE a.person_id = $1 AND a.role = 'manager' AND a.ended_at IS NULL"
    "   AND c.kind IN ('cluster', 'cluster_initiative')";
static const char SQL_MANAGES_CLUSTER[] =
    "SELECT count(*) FROM affiliation a JOIN org c ON c.id = a.org_id"
    " WHERE a.person_id = $1 AND a.org_id = $2 AND a.role = 'manager' AND a.ended_at IS NULL"
    "   AND c.kind IN ('cluster', 'cluster_initiative')";
static const char SQL_CLUSTERS[] =
    "SELECT DISTINCT c.id, c.slug, c.name, c.name_folded FROM affiliation a"
    " JOIN org c ON c.id = a.org_id" /* name_folded: PostgreSQL orders a DISTINCT by its columns */
    " WHERE a.person_id = $1 AND a.role = 'manager' AND a.ended_at IS NULL"
    "   AND c.kind IN ('cluster', 'cluster_initiative') ORDER BY c.name_folded, c.id";
static const char SQL_CLUSTER_KIND[] =
    "SELECT count(*) FROM ref_kind WHERE code = $1"
    " AND (is_cluster = 1 OR code IN ('cluster', 'cluster_initiative', 'cluster_association'))";
static const char SQL_INSERT[] =
    "INSERT INTO org_proposal(org_id, proposed_by, proposed_at, cluster_id, joined_on)"
    " VALUES ($1, $2, $3, nullif($4, 0), $5)";
#define PROPOSAL_COLS                                                                              \
    "p.org_id, o.slug, o.name, o.name_en, coalesce(p.proposed_by, 0), p.proposed_at,"              \
    " CASE WHEN pp.erased_at IS NULL THEN pp.name END, coalesce(p.cluster_id, 0), c.name,"         \
    " p.joined_on, p.state, p.reason, coalesce(p.decided_by, 0), coalesce(p.decided_at, 0)"
#define PROPOSAL_FROM                                                                              \
    " FROM org_proposal p JOIN org o ON o.id = p.org_id LEFT JOIN person pp ON pp.id ="            \
    " p.proposed_by LEFT JOIN org c ON c.id = p.cluster_id"
static const char SQL_GET[] = "SELECT " PROPOSAL_COLS PROPOSAL_FROM " WHERE p.org_id = $1";
static const char SQL_PENDING[] = "SELECT " PROPOSAL_COLS PROPOSAL_FROM
                                  " WHERE p.state = 'proposed' ORDER BY p.proposed_at, p.org_id"
                                  " LIMIT 50";
static const char SQL_BY[] =
    "SELECT " PROPOSAL_COLS PROPOSAL_FROM " WHERE p.proposed_by = $1 AND (p.state = 'proposed'"
    " OR p.decided_at >= $2) ORDER BY p.proposed_at DESC, p.org_id DESC"
    " LIMIT 20";
static const char SQL_DECIDE[] =
    "UPDATE org_proposal SET state = $2, reason = $3, decided_by = $4, decided_at = $5"
    " WHERE org_id = $1 AND state = 'proposed'";
static const char SQL_MEMBERSHIP[] =
    "INSERT INTO cluster_member_proposal(cluster_id, org_id, role, joined_on, proposed_by,"
    " proposed_at) VALUES ($1, $2, 'member', $3, $4, $5)";
static const char SQL_IS_INITIATIVE[] = "SELECT count(*) FROM initiative WHERE org_id = $1";

static void add_error(form_errors *errs, const char *field, form_error_code code, int64_t max)
{
    if (errs->n_items < sizeof errs->items / sizeof errs->items[0])
        errs->items[errs->n_items++] = (form_error){.field = field, .code = code, .max = max};
}

static bool is_secretariat(const principal *p)
{
    return p->secretariat >= SEC_EDITOR;
}

/* YYYY-MM-DD of a real calendar day. */
static bool date_ok(const char *s)
{
    int y, m, dd;
    char tail;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) != 3)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = dd, .tm_hour = 12};
    time_t t = timegm(&tm);
    struct tm back;
    return t != (time_t)-1 && gmtime_r(&t, &back) && back.tm_year == y - 1900 &&
           back.tm_mon == m - 1 && back.tm_mday == dd;
}

db_status org_proposal_may(db *d, int64_t person_id, bool *yes)
{
    int64_t n = 0;
    db_status st = db_int(d, &n, 0, SQL_MANAGES_ANY, DB_ARGS(DBI(person_id)));
    *yes = st == DB_OK && n > 0;
    return st;
}

static void cluster_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    org_rec *o = item;
    memset(o, 0, sizeof *o);
    o->id = db_col_int(s, 0);
    o->slug = db_col_dup(a, s, 1, oom);
    o->name = db_col_dup(a, s, 2, oom);
}

db_status org_proposal_clusters(db *d, arena *a, int64_t person_id, org_rec **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_CLUSTERS, DB_ARGS(DBI(person_id)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, cluster_row, NULL);
}

typedef struct propose_ctx {
    const org_rec *in;
    int64_t cluster_id;
    const char *joined_on;
    form_errors *errs;
    size_t before, at_tx; /* errs->n_items on entry and when the write began */
    int64_t id;           /* out: the new entry */
} propose_ctx;

static db_status propose_body(tx *t, void *ctx)
{
    propose_ctx *c = ctx;
    c->errs->n_items = c->at_tx;
    org_rec r = *c->in;
    r.id = 0;
    r.status = "draft"; /* public once the secretariat accepts it */
    org_put_result res;
    /* validated with the entry's own rules, so every error shows at once */
    db_status st = org_put_tx(t, &r, "create", "org_propose", c->errs, &res);
    if (st != DB_OK)
        return st;
    if (c->errs->n_items > c->before)
        return DB_CONSTRAINT;
    c->id = res.id;
    return db_do(t->d, SQL_INSERT,
                 DB_ARGS(DBI(res.id), DBI(t->actor_id), DBI(time_now()), DBI(c->cluster_id),
                         c->cluster_id ? DBT(c->joined_on) : DBNULL));
}

db_status org_propose(db *d, const principal *p, const org_rec *in, int64_t cluster_id,
                      const char *joined_on, const char *ip, form_errors *errs, int64_t *id)
{
    assert(d && p && in && errs && id);
    *id = 0;
    size_t before = errs->n_items;
    bool may = false;
    int64_t n = 0;
    db_status st = org_proposal_may(d, p->person_id, &may);
    if (st != DB_OK)
        return st;
    if (!may) {
        add_error(errs, "org", FE_SECRETARIAT_ONLY, 0);
        return DB_CONSTRAINT;
    }
    if (cluster_id) {
        if ((st = db_int(d, &n, 0, SQL_MANAGES_CLUSTER,
                         DB_ARGS(DBI(p->person_id), DBI(cluster_id)))) != DB_OK)
            return st;
        if (!n)
            add_error(errs, "cluster_id", FE_NOT_CLUSTER, 0);
        if (!joined_on || !*joined_on)
            add_error(errs, "joined_on", FE_REQUIRED, 0);
        else if (!date_ok(joined_on))
            add_error(errs, "joined_on", FE_DATE, 0);
    }
    if (in->kind && (st = db_int(d, &n, 0, SQL_CLUSTER_KIND, DB_ARGS(DBT(in->kind)))) != DB_OK)
        return st;
    if (in->kind && n)
        add_error(errs, "kind", FE_SECRETARIAT_ONLY, 0);

    propose_ctx c = {.in = in,
                     .cluster_id = cluster_id,
                     .joined_on = joined_on,
                     .errs = errs,
                     .before = before,
                     .at_tx = errs->n_items};
    tx t = TX_INIT(p->person_id, ip, NULL, "org", 0); /* org_put_tx writes the audit row */
    if ((st = tx_write(d, &t, propose_body, &c)) == DB_OK)
        *id = c.id;
    return st;
}

static void proposal_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    org_proposal *p = item;
    p->org_id = db_col_int(s, 0);
    p->slug = db_col_dup(a, s, 1, oom);
    p->name = db_col_dup(a, s, 2, oom);
    p->name_en = db_col_dup(a, s, 3, oom);
    p->proposed_by = db_col_int(s, 4);
    p->proposed_at = db_col_int(s, 5);
    p->proposer_name = db_col_dup(a, s, 6, oom);
    p->cluster_id = db_col_int(s, 7);
    p->cluster_name = db_col_dup(a, s, 8, oom);
    p->joined_on = db_col_dup(a, s, 9, oom);
    p->state = db_col_dup(a, s, 10, oom);
    p->reason = db_col_dup(a, s, 11, oom);
    p->decided_by = db_col_int(s, 12);
    p->decided_at = db_col_int(s, 13);
}

db_status org_proposal_get(db *d, arena *a, int64_t org_id, org_proposal *out, bool *found)
{
    memset(out, 0, sizeof *out);
    *found = false;
    db_stmt *s = db_query(d, SQL_GET, DB_ARGS(DBI(org_id)));
    if (!s)
        return DB_ERR;
    return db_collect_one(s, a, out, sizeof *out, proposal_row, NULL, found);
}

db_status org_proposals_pending(db *d, arena *a, org_proposal **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, SQL_PENDING);
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, proposal_row, NULL);
}

db_status org_proposals_by(db *d, arena *a, int64_t person_id, org_proposal **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_BY, DB_ARGS(DBI(person_id), DBI(time_now() - 90 * 86400)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, proposal_row, NULL);
}

/* Queues the decision's mail to the proposer (none when erased), in their
 * language, else lang; in the caller's transaction. */
static db_status mail_decision(db *d, arena *a, const org_proposal *pr, bool accept,
                               const char *reason, lang_id lang)
{
    const char *to, *name;
    lang_id ml;
    db_status st = mail_person(d, a, pr->proposed_by, lang, &to, &name, &ml);
    if (st != DB_OK || !to)
        return st; /* erased or gone: nobody to tell */
    const char *entry = mail_text_in(a, ml, ml == LANG_EN && pr->name_en ? pr->name_en : pr->name);
    buf subject = BUF_INIT, body = BUF_INIT;
    buf_printf(
        &subject,
        T(ml, accept ? MSG_PROPOSAL_MAIL_ACCEPTED_SUBJECT : MSG_PROPOSAL_MAIL_DECLINED_SUBJECT),
        entry);
    const char *base = notify_base_url();
    if (!base)
        base = "";
    if (accept) {
        buf_printf(&body, T(ml, MSG_PROPOSAL_MAIL_ACCEPTED_BODY), mail_text_in(a, ml, name), entry,
                   base, pr->slug);
        int64_t initiative = 0; /* an initiative: what comes next for its manager */
        if ((st = db_int(d, &initiative, 0, SQL_IS_INITIATIVE, DB_ARGS(DBI(pr->org_id)))) !=
            DB_OK) {
            buf_free(&subject);
            buf_free(&body);
            return st;
        }
        if (initiative)
            buf_printf(&body, T(ml, MSG_PROPOSAL_MAIL_INITIATIVE_NEXT), base, pr->slug);
    } else
        buf_printf(&body, T(ml, MSG_PROPOSAL_MAIL_DECLINED_BODY), mail_text_in(a, ml, name), entry,
                   reason);
    return mail_queue_buf(d, to, &subject, &body);
}

typedef struct decide_ctx {
    bool accept;
    const char *reason;
    lang_id lang;
    form_errors *errs;
    size_t errs_before;
} decide_ctx;

/* Accepting publishes through org_put_tx (its audit row is
 * org_proposal_accept); declining writes the audit row
 * org_proposal_decline through t. */
static db_status decide_body(tx *t, void *ctx)
{
    decide_ctx *c = ctx;
    db *d = t->d;
    int64_t org_id = t->entity_id;
    bool accept = c->accept;
    form_errors *errs = c->errs;
    errs->n_items = c->errs_before;
    t->action = NULL;
    arena a = ARENA_INIT;
    org_proposal pr;
    bool found = false;
    int64_t now = time_now();
    db_status st;
    if ((st = org_proposal_get(d, &a, org_id, &pr, &found)) != DB_OK)
        goto cleanup;
    if (!found || strcmp(pr.state, "proposed") != 0) {
        st = DB_DONE;
        goto cleanup;
    }
    if ((st = db_do(d, SQL_DECIDE,
                    DB_ARGS(DBI(org_id), DBT(accept ? "accepted" : "declined"),
                            accept ? DBNULL : DBT(c->reason), DBI(t->actor_id), DBI(now)))) !=
        DB_OK)
        goto cleanup;
    if (accept) {
        org_rec o;
        bool there = false;
        org_put_result res;
        if ((st = org_get(d, &a, NULL, org_id, &o, &there)) != DB_OK)
            goto cleanup;
        if (!there) {
            st = DB_DONE;
            goto cleanup;
        }
        o.status = "published";
        if ((st = org_put_tx(t, &o, "publish", "org_proposal_accept", errs, &res)) != DB_OK)
            goto cleanup; /* a PIB taken since: DB_CONSTRAINT with errs */
        if (pr.cluster_id &&
            (st = db_do(d, SQL_MEMBERSHIP,
                        DB_ARGS(DBI(pr.cluster_id), DBI(org_id), DBT(pr.joined_on),
                                pr.proposed_by ? DBI(pr.proposed_by) : DBNULL, DBI(now)))) != DB_OK)
            goto cleanup;
        /* an initiative's founders, manager and stage (initiative.h) */
        if ((st = initiative_accepted_tx(d, org_id, pr.proposed_by, t->actor_id)) != DB_OK)
            goto cleanup;
    } else {
        /* the reason goes to the proposer, not into the audit log (ids only) */
        t->action = "org_proposal_decline";
        buf_reset(&t->detail);
        buf_printf(&t->detail, "{\"proposed_by\":%lld}", (long long)pr.proposed_by);
    }
    st = mail_decision(d, &a, &pr, accept, c->reason, c->lang);
cleanup:
    arena_free(&a);
    return st;
}

db_status org_proposal_decide(db *d, const principal *p, int64_t org_id, bool accept,
                              const char *reason, lang_id lang, const char *ip, form_errors *errs)
{
    assert(d && p && errs);
    if (!is_secretariat(p)) {
        add_error(errs, "org", FE_SECRETARIAT_ONLY, 0);
        return DB_CONSTRAINT;
    }
    while (reason && (*reason == ' ' || *reason == '\t'))
        reason++;
    if (!accept && (!reason || !*reason)) {
        add_error(errs, "reason", FE_REQUIRED, 0);
        return DB_CONSTRAINT;
    }
    size_t chars = 0;
    for (const char *c = reason; !accept && *c; c++)
        chars += ((unsigned char)*c & 0xC0) != 0x80;
    if (!accept && (chars > 500 || strpbrk(reason, "\r\n"))) {
        add_error(errs, "reason", FE_TOO_LONG, 500);
        return DB_CONSTRAINT;
    }
    decide_ctx c = {.accept = accept,
                    .reason = reason,
                    .lang = lang,
                    .errs = errs,
                    .errs_before = errs->n_items};
    tx t = TX_INIT(p->person_id, ip, NULL, "org", org_id);
    return tx_write(d, &t, decide_body, &c);
}
