/* membership.c: cluster memberships by consent (see membership.h).
 *
 * Proposals live in cluster_member_proposal and never in cluster_member,
 * so every query that reads cluster_member (totals in figures.c, rights in
 * rights.c, member lists in cluster_member.c and org.c) sees accepted
 * memberships only, unchanged. An acceptance inserts the cluster_member
 * row with who proposed and who accepted, and keeps the proposal row as
 * the history. The checks of cluster_member_add (cluster_member.c) are repeated
 * here inside each write transaction, because a membership may have been
 * recorded between a proposal and its acceptance. */
#include "model/membership.h"

#include <assert.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "i18n/i18n.h"
#include "json/json.h"
#include "model/audit.h"
#include "model/tx.h"
#include "model/mail.h"
#include "model/notify.h"

#define REASON_MAX 500 /* characters */

/* --- small helpers ------------------------------------------------------------ */

static bool is_secretariat(const principal *p)
{
    return p && p->secretariat >= SEC_EDITOR && !(p->token_id && !p->token_write);
}

static const char *const role_choices[] = {"member", "founding_member", "board", NULL};

static bool role_valid(const char *role)
{
    for (size_t i = 0; role_choices[i]; i++)
        if (strcmp(role, role_choices[i]) == 0)
            return true;
    return false;
}

/* --- the checks every write shares ------------------------------------------------ */

/* For the cluster: exists and is a cluster kind. For the org: exists,
 * whether it is a kind only the secretariat may add as a member, and
 * whether it is published (not a draft or archived, nor a proposed entry
 * the secretariat has not accepted): only a published entry can be a
 * member, else an unreviewed one would count in totals and be announced. */
static const char SQL_KINDS[] =
    "SELECT (SELECT coalesce(k.is_cluster, 0) FROM org c LEFT JOIN ref_kind k ON k.code = c.kind"
    "         WHERE c.id = $1),"
    "       (SELECT o.kind IN ('cluster', 'cluster_initiative', 'cluster_association')"
    "          FROM org o WHERE o.id = $2),"
    "       (SELECT o.status = 'published' AND NOT EXISTS (SELECT 1 FROM org_proposal x"
    "          WHERE x.org_id = o.id AND x.state = 'proposed') FROM org o WHERE o.id = $2)";
static const char SQL_OVERLAP[] =
    "SELECT 1 FROM cluster_member WHERE cluster_id = $1 AND org_id = $2"
    " AND (left_on IS NULL OR left_on > $3) LIMIT 1";
static const char SQL_PENDING[] =
    "SELECT 1 FROM cluster_member_proposal WHERE cluster_id = $1 AND org_id = $2"
    " AND status = 'pending' LIMIT 1";
static const char SQL_REPRESENTS[] =
    "SELECT 1 FROM affiliation WHERE person_id = $1 AND org_id = $2"
    " AND role = 'representative' AND ended_at IS NULL LIMIT 1";

/* *yes when sql bound with ($1 = a, $2 = b) returns a row. */
static db_status exists2(db *d, const char *sql, int64_t a, int64_t b, bool *yes)
{
    int64_t one;
    db_status st = db_int(d, &one, 0, sql, DB_ARGS(DBI(a), DBI(b)));
    *yes = one != 0;
    return st;
}

/* The checks of a new membership of org in cluster from joined_on, inside
 * the write transaction: errors into errs. secretariat: whether the
 * decision is the secretariat's (cluster kinds as members are allowed).
 * An org that is not published is, to a proposal, one that does not exist
 * (FE_INVALID: nothing tells a draft from a missing entry); to accepting,
 * FE_NOT_PUBLISHED (accepting: the proposal exists, say why it fails). */
static db_status check_pair(db *d, int64_t cluster_id, int64_t org_id, const char *joined_on,
                            bool secretariat, bool accepting, form_errors *errs)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    size_t before = errs->n_items;
    db_stmt *s = db_prepare(d, SQL_KINDS);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, cluster_id);
    db_bind_int(s, 2, org_id);
    db_status st = db_step(s);
    bool cluster = st == DB_ROW && !db_col_is_null(s, 0) && db_col_int(s, 0) != 0;
    bool org_exists = st == DB_ROW && !db_col_is_null(s, 1);
    bool org_cluster = org_exists && db_col_int(s, 1) != 0;
    bool published = org_exists && db_col_int(s, 2) != 0;
    db_reset(s);
    if (st != DB_ROW)
        return st == DB_DONE ? DB_ERR : st;
    if (!cluster)
        valid_add_error(errs, "cluster_id", FE_NOT_CLUSTER, 0, 0);
    if (!org_exists || (!published && !accepting))
        valid_add_error(errs, "org_id", FE_INVALID, 0, 0);
    else if (!published)
        valid_add_error(errs, "org_id", FE_NOT_PUBLISHED, 0, 0);
    else if (org_cluster && !secretariat)
        valid_add_error(errs, "org_id", FE_MEMBER_SECRETARIAT, 0, 0);
    if (errs->n_items > before)
        return DB_OK;
    if (!(s = db_prepare(d, SQL_OVERLAP)))
        return DB_ERR;
    db_bind_int(s, 1, cluster_id);
    db_bind_int(s, 2, org_id);
    db_bind_text(s, 3, joined_on);
    st = db_step(s);
    db_reset(s);
    if (st == DB_ROW)
        valid_add_error(errs, "org_id", FE_ALREADY_MEMBER, 0, 0);
    else if (st != DB_DONE)
        return st;
    return DB_OK;
}

static const char SQL_MEMBER_INSERT[] =
    "INSERT INTO cluster_member(cluster_id, org_id, role, joined_on, created_at, created_by,"
    " updated_at, proposed_by, accepted_by, accepted_at)"
    " VALUES ($1, $2, $3, $4, $5, nullif($6, 0), $5, nullif($6, 0), nullif($7, 0), $5)";

/* Inserts the accepted membership; *member_id its id. */
static db_status insert_member(db *d, int64_t cluster_id, int64_t org_id, const char *role,
                               const char *joined_on, int64_t proposed_by, int64_t accepted_by,
                               int64_t *member_id)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    db_stmt *s = db_prepare(d, SQL_MEMBER_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, cluster_id);
    db_bind_int(s, 2, org_id);
    db_bind_text(s, 3, role);
    db_bind_text(s, 4, joined_on);
    db_bind_int(s, 5, time_now());
    db_bind_int(s, 6, proposed_by);
    db_bind_int(s, 7, accepted_by);
    db_status st = db_run(s);
    *member_id = st == DB_OK ? db_last_id(d) : 0;
    if (st == DB_OK) /* the cluster's followers hear of it (notify.h) */
        st = notify_member_joined(d, accepted_by, cluster_id, org_id);
    return st;
}

static const char SQL_SETTLE[] =
    "UPDATE cluster_member_proposal SET status = 'accepted', decided_by = nullif($3, 0),"
    " decided_at = $4, member_id = $5 WHERE cluster_id = $1 AND org_id = $2"
    " AND status = 'pending'";

/* Marks the pending proposal of the pair accepted by a direct addition. */
static db_status settle_pending(db *d, int64_t cluster_id, int64_t org_id, int64_t actor_id,
                                int64_t member_id)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    db_stmt *s = db_prepare(d, SQL_SETTLE);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, cluster_id);
    db_bind_int(s, 2, org_id);
    db_bind_int(s, 3, actor_id);
    db_bind_int(s, 4, time_now());
    db_bind_int(s, 5, member_id);
    return db_run(s);
}

/* --- mail to the representatives -------------------------------------------------- */

static const char SQL_NAMES[] = "SELECT (SELECT name FROM org WHERE id = $1),"
                                " (SELECT name FROM org WHERE id = $2)";
static const char SQL_REP_MAILS[] =
    "SELECT p.email FROM affiliation a JOIN person p ON p.id = a.person_id"
    " WHERE a.org_id = $1 AND a.role = 'representative' AND a.ended_at IS NULL"
    "   AND p.email IS NOT NULL AND p.erased_at IS NULL"
    "   AND NOT EXISTS (SELECT 1 FROM account ac WHERE ac.person_id = p.id"
    "                    AND ac.disabled_at IS NOT NULL)"
    " ORDER BY a.id";

static msg_id role_msg(const char *role)
{
    if (strcmp(role, "founding_member") == 0)
        return MSG_CL_ROLE_FOUNDING;
    if (strcmp(role, "board") == 0)
        return MSG_CL_ROLE_BOARD;
    return MSG_CL_ROLE_MEMBER;
}

/* One language's part of the message. */
static void mail_part(buf *b, lang_id L, const char *cluster, const char *org, const char *role,
                      const char *joined_on, const char *base_url)
{
    buf_printf(b, T(L, MSG_MP_MAIL_BODY), cluster, org, T(L, role_msg(role)), joined_on);
    buf_puts(b, "\n\n");
    if (base_url)
        buf_printf(b, T(L, MSG_MP_MAIL_LINK), base_url);
    else
        buf_puts(b, T(L, MSG_MP_MAIL_NO_LINK));
    buf_putc(b, '\n');
}

/* Queues one message to every current representative of org (inside the
 * proposal's transaction). No representative: nothing is sent; the
 * secretariat sees the proposal on its account page. */
static db_status mail_representatives(db *d, int64_t cluster_id, int64_t org_id, const char *role,
                                      const char *joined_on, const char *base_url)
{
    buf subject = BUF_INIT, body = BUF_INIT, cl = BUF_INIT, og = BUF_INIT;
    db_status st;
    db_stmt *s = db_prepare(d, SQL_NAMES);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, cluster_id);
    db_bind_int(s, 2, org_id);
    if ((st = db_step(s)) == DB_ROW) {
        buf_puts(&cl, db_col_text(s, 0) ? db_col_text(s, 0) : "?");
        buf_puts(&og, db_col_text(s, 1) ? db_col_text(s, 1) : "?");
    }
    db_reset(s);
    if (st != DB_ROW) {
        st = st == DB_DONE ? DB_ERR : st;
        goto cleanup;
    }
    buf_printf(&subject, T(LANG_EN, MSG_MP_MAIL_SUBJECT), buf_str(&og));
    buf_puts(&subject, " / ");
    buf_printf(&subject, T(LANG_SR_CYRL, MSG_MP_MAIL_SUBJECT), buf_str(&og));
    mail_part(&body, LANG_EN, buf_str(&cl), buf_str(&og), role, joined_on, base_url);
    buf_puts(&body, "\n--\n\n");
    mail_part(&body, LANG_SR_CYRL, buf_str(&cl), buf_str(&og), role, joined_on, base_url);
    if (buf_failed(&subject) || buf_failed(&body)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    if (!(s = db_prepare(d, SQL_REP_MAILS))) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, org_id);
    /* the addresses first: mail_queue prepares statements of its own */
    char to[8][256];
    size_t n_to = 0;
    while ((st = db_step(s)) == DB_ROW && n_to < sizeof to / sizeof to[0]) {
        const char *e = db_col_text(s, 0);
        if (e && strlen(e) < sizeof to[0])
            memcpy(to[n_to++], e, strlen(e) + 1);
    }
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        goto cleanup;
    st = DB_OK;
    for (size_t i = 0; i < n_to && st == DB_OK; i++) {
        st = mail_queue(d, to[i], buf_str(&subject), buf_str(&body));
        if (st == DB_CONSTRAINT)
            st = DB_OK; /* an address the outbox refuses is skipped, not fatal */
    }
cleanup:
    buf_free(&subject);
    buf_free(&body);
    buf_free(&cl);
    buf_free(&og);
    return st;
}

/* --- writing ---------------------------------------------------------------------- */

static const char SQL_PROPOSE[] =
    "INSERT INTO cluster_member_proposal(cluster_id, org_id, role, joined_on, proposed_by,"
    " proposed_at) VALUES ($1, $2, $3, $4, nullif($5, 0), $6)";

typedef struct propose_ctx {
    bool secretariat;
    int64_t cluster_id, org_id;
    const char *role, *joined_on, *base_url;
    form_errors *errs;
    size_t before;
    membership_outcome out; /* out */
    int64_t new_id;         /* out */
} propose_ctx;

/* Adds the membership at once when the proposer speaks for the
 * organisation (the secretariat, or its representative), else records the
 * proposal and mails the organisation's representatives; the audit row
 * (entity 'org', the cluster) is cluster_member_add or membership_propose. */
static db_status propose_body(tx *t, void *ctx)
{
    propose_ctx *c = ctx;
    db *d = t->d;
    form_errors *errs = c->errs;
    int64_t cluster_id = c->cluster_id, org_id = c->org_id, actor = t->actor_id;
    const char *role = c->role;
    errs->n_items = c->before;
    buf_reset(&t->detail);
    c->out = MEMBERSHIP_PROPOSED;
    c->new_id = 0;
    db_status st = check_pair(d, cluster_id, org_id, c->joined_on, c->secretariat, false, errs);
    if (st != DB_OK)
        return st;
    bool yes = false;
    if (errs->n_items == c->before) {
        if ((st = exists2(d, SQL_PENDING, cluster_id, org_id, &yes)) != DB_OK)
            return st;
        if (yes && !c->secretariat)
            valid_add_error(errs, "org_id", FE_ALREADY_PROPOSED, 0, 0);
    }
    if (errs->n_items > c->before)
        return DB_CONSTRAINT;
    bool represents = false;
    if (!c->secretariat && (st = exists2(d, SQL_REPRESENTS, actor, org_id, &represents)) != DB_OK)
        return st;
    if (c->secretariat || represents) {
        /* the organisation's consent is the proposer's own: accepted at once */
        c->out = MEMBERSHIP_ADDED;
        if ((st = insert_member(d, cluster_id, org_id, role, c->joined_on, actor, actor,
                                &c->new_id)) != DB_OK)
            return st;
        t->action = "cluster_member_add";
        buf_printf(&t->detail, "{\"member\":%lld,\"org\":%lld,\"role\":", (long long)c->new_id,
                   (long long)org_id);
        json_put_string(&t->detail, role);
        buf_putc(&t->detail, '}');
        if (yes) /* a pending proposal of the same pair is settled by it */
            st = settle_pending(d, cluster_id, org_id, actor, c->new_id);
        return st;
    }
    if ((st = db_do(d, SQL_PROPOSE,
                    DB_ARGS(DBI(cluster_id), DBI(org_id), DBT(role), DBT(c->joined_on), DBI(actor),
                            DBI(time_now())))) != DB_OK)
        return st;
    c->new_id = db_last_id(d);
    t->action = "membership_propose";
    buf_printf(&t->detail, "{\"proposal\":%lld,\"org\":%lld,\"role\":", (long long)c->new_id,
               (long long)org_id);
    json_put_string(&t->detail, role);
    buf_puts(&t->detail, ",\"joined_on\":");
    json_put_string(&t->detail, c->joined_on);
    buf_putc(&t->detail, '}');
    return mail_representatives(d, cluster_id, org_id, role, c->joined_on, c->base_url);
}

/* The checks of a proposal before any query: the role, the date and a
 * cluster that is not its own member. Adds an error to errs for each
 * failure and returns false when there was one. */
static bool propose_valid(int64_t cluster_id, int64_t org_id, const char *role,
                          const char *joined_on, form_errors *errs)
{
    size_t before = errs->n_items;
    if (!role_valid(role))
        valid_add_error(errs, "role", FE_CHOICE, 0, 0);
    if (!time_date_valid(joined_on))
        valid_add_error(errs, "joined_on", FE_DATE, 0, 0);
    if (cluster_id == org_id)
        valid_add_error(errs, "org_id", FE_SELF_MEMBER, 0, 0);
    return errs->n_items == before;
}

db_status membership_propose(db *d, const principal *p, int64_t cluster_id, int64_t org_id,
                             const char *role, const char *joined_on, const char *ip,
                             const char *base_url, form_errors *errs, membership_outcome *outcome,
                             int64_t *id)
{
    assert(d && p);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    size_t before = errs->n_items;
    char today[11];
    if (str_empty(role))
        role = "member";
    if (str_empty(joined_on)) {
        time_today(today);
        joined_on = today;
    }
    if (!propose_valid(cluster_id, org_id, role, joined_on, errs))
        return DB_CONSTRAINT;
    propose_ctx c = {.secretariat = is_secretariat(p),
                     .cluster_id = cluster_id,
                     .org_id = org_id,
                     .role = role,
                     .joined_on = joined_on,
                     .base_url = base_url,
                     .errs = errs,
                     .before = before};
    /* members change both the directory's pages and the figures */
    tx t = TX_INIT(p->person_id, ip, NULL, "org", cluster_id); /* the body names the action */
    t.bump = TX_FIGURES | TX_DIRECTORY;
    db_status st = tx_write(d, &t, propose_body, &c);
    if (st == DB_OK) {
        if (outcome)
            *outcome = c.out;
        if (id)
            *id = c.new_id;
    }
    return st;
}

db_status membership_propose_tx(db *d, int64_t proposer_id, int64_t cluster_id, int64_t org_id,
                                const char *role, const char *joined_on, const char *base_url,
                                form_errors *errs)
{
    assert(d && db_in_tx(d) && errs && role && joined_on);
    size_t before = errs->n_items;
    if (!propose_valid(cluster_id, org_id, role, joined_on, errs))
        return DB_CONSTRAINT;
    db_status st = check_pair(d, cluster_id, org_id, joined_on, false, false, errs);
    bool yes = false;
    if (st == DB_OK && errs->n_items == before &&
        (st = exists2(d, SQL_PENDING, cluster_id, org_id, &yes)) == DB_OK && yes)
        valid_add_error(errs, "org_id", FE_ALREADY_PROPOSED, 0, 0);
    if (st != DB_OK)
        return st;
    if (errs->n_items > before)
        return DB_CONSTRAINT;
    if ((st = db_do(d, SQL_PROPOSE,
                    DB_ARGS(DBI(cluster_id), DBI(org_id), DBT(role), DBT(joined_on),
                            DBI(proposer_id), DBI(time_now())))) != DB_OK)
        return st;
    int64_t new_id = db_last_id(d);
    buf detail = BUF_INIT;
    buf_printf(&detail, "{\"proposal\":%lld,\"org\":%lld,\"role\":", (long long)new_id,
               (long long)org_id);
    json_put_string(&detail, role);
    buf_puts(&detail, ",\"joined_on\":");
    json_put_string(&detail, joined_on);
    buf_putc(&detail, '}');
    /* its own audit row in the caller's transaction (the caller's row is
     * about its own change); the caller's tx_write bumps the versions */
    st = detail.failed ? DB_NOMEM
                       : audit_add(d, proposer_id, NULL, "membership_propose", "org", cluster_id,
                                   buf_str(&detail));
    buf_free(&detail);
    return st == DB_OK ? mail_representatives(d, cluster_id, org_id, role, joined_on, base_url)
                       : st;
}

static const char SQL_ONE[] =
    "SELECT cluster_id, org_id, role, joined_on, status, coalesce(proposed_by, 0)"
    "  FROM cluster_member_proposal WHERE id = $1";
static const char SQL_DECIDE[] =
    "UPDATE cluster_member_proposal SET status = $2, decided_by = nullif($3, 0), decided_at = $4,"
    " reason = $5, member_id = nullif($6, 0) WHERE id = $1 AND status = 'pending'";

typedef struct pending_row {
    int64_t cluster_id, org_id, proposed_by;
    char role[32], joined_on[11];
    bool pending;
} pending_row;

/* Reads proposal id inside the transaction: DB_DONE when there is none. */
static db_status read_pending(db *d, int64_t id, pending_row *r)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    memset(r, 0, sizeof *r);
    db_stmt *s = db_prepare(d, SQL_ONE);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        r->cluster_id = db_col_int(s, 0);
        r->org_id = db_col_int(s, 1);
        const char *role = db_col_text(s, 2), *joined = db_col_text(s, 3);
        if (role && strlen(role) < sizeof r->role)
            strcpy(r->role, role);
        if (joined && strlen(joined) < sizeof r->joined_on)
            strcpy(r->joined_on, joined);
        r->pending = db_col_text(s, 4) && strcmp(db_col_text(s, 4), "pending") == 0;
        r->proposed_by = db_col_int(s, 5);
    }
    db_reset(s);
    return st == DB_ROW ? DB_OK : st;
}

/* Marks proposal id decided as status. */
static db_status decide(db *d, int64_t id, const char *status, int64_t actor_id, const char *reason,
                        int64_t member_id)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    db_stmt *s = db_prepare(d, SQL_DECIDE);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, status);
    db_bind_int(s, 3, actor_id);
    db_bind_int(s, 4, time_now());
    db_bind_text(s, 5, reason);
    db_bind_int(s, 6, member_id);
    db_status st = db_run(s);
    if (st == DB_OK && db_changes(d) != 1)
        st = DB_ERR; /* read as pending a moment ago, inside this transaction */
    return st;
}

#define MEMBERSHIP_WRITE TX_FIGURES | TX_DIRECTORY

/* A decision on a proposal: what accept, decline and withdraw differ in. */
typedef struct decision {
    int64_t id;         /* the proposal */
    int64_t cluster_id; /* withdraw: the cluster it must belong to; 0: any */
    const char *status; /* "accepted", "declined" or "withdrawn" */
    bool secretariat;   /* accept: the decision is the secretariat's */
    int64_t actor_id;   /* who decides */
    const char *reason; /* decline: NULL or the reason given */
    form_errors *errs;  /* what to fix */
    size_t before;      /* errs->n_items when the write began */
} decision;

/* The one body of accept, decline and withdraw (tx_write): reads the
 * proposal (DB_DONE when there is none, or it is another cluster's), checks
 * it is still pending and, to accept, that the membership may still begin,
 * stores the decision (and the membership), and leaves the audit detail. */
static db_status decide_body(tx *t, void *ctx)
{
    decision *c = ctx;
    c->errs->n_items = c->before; /* a retry starts clean */
    pending_row r;
    db_status st = read_pending(t->d, c->id, &r);
    if (st != DB_OK)
        return st;
    if (c->cluster_id && r.cluster_id != c->cluster_id)
        return DB_DONE;
    if (!r.pending) {
        valid_add_error(c->errs, "id", FE_NOT_PENDING, 0, 0);
        return DB_CONSTRAINT;
    }
    t->entity_id = r.cluster_id;
    int64_t member_id = 0;
    bool accept = strcmp(c->status, "accepted") == 0;
    if (accept) {
        if ((st = check_pair(t->d, r.cluster_id, r.org_id, r.joined_on, c->secretariat, true,
                             c->errs)) != DB_OK)
            return st;
        if (c->errs->n_items > c->before)
            return DB_CONSTRAINT;
        if ((st = insert_member(t->d, r.cluster_id, r.org_id, r.role, r.joined_on, r.proposed_by,
                                c->actor_id, &member_id)) != DB_OK)
            return st;
    }
    if ((st = decide(t->d, c->id, c->status, c->actor_id, c->reason, member_id)) != DB_OK)
        return st;
    buf_reset(&t->detail);
    buf_printf(&t->detail, "{\"proposal\":%lld,", (long long)c->id);
    if (accept)
        buf_printf(&t->detail, "\"member\":%lld,", (long long)member_id);
    buf_printf(&t->detail, "\"org\":%lld", (long long)r.org_id);
    if (accept)
        buf_printf(&t->detail, ",\"proposed_by\":%lld", (long long)r.proposed_by);
    else if (strcmp(c->status, "declined") == 0)
        buf_printf(&t->detail, ",\"reason_given\":%s", c->reason ? "true" : "false");
    buf_putc(&t->detail, '}');
    return DB_OK;
}

/* Runs decide_body for c as action by c->actor_id. */
static db_status decide_write(db *d, const char *action, const char *ip, decision *c)
{
    form_errors local = {0};
    if (!c->errs)
        c->errs = &local;
    c->before = c->errs->n_items;
    tx t = TX_INIT(c->actor_id, ip, action, "org", c->cluster_id);
    t.bump = MEMBERSHIP_WRITE;
    return tx_write(d, &t, decide_body, c);
}

db_status membership_accept(db *d, const principal *p, int64_t id, const char *ip,
                            form_errors *errs)
{
    assert(d && p);
    decision c = {.id = id,
                  .status = "accepted",
                  .secretariat = is_secretariat(p),
                  .actor_id = p->person_id,
                  .errs = errs};
    return decide_write(d, "membership_accept", ip, &c);
}

static const form_rule reason_rules[] = {{"reason", FV_TEXT, 0, 0, REASON_MAX, NULL}};
static const valid_table reason_table = {reason_rules, 1, NULL, 0};

db_status membership_decline(db *d, const principal *p, int64_t id, const char *reason,
                             const char *ip, form_errors *errs)
{
    assert(d && p);
    form_errors local = {0};
    if (!errs)
        errs = &local;
    arena a = ARENA_INIT;
    form_value v;
    db_status st = DB_CONSTRAINT;
    if (valid_values(&a, &reason_table, &reason, &v, errs, NULL)) {
        decision c = {.id = id,
                      .status = "declined",
                      .actor_id = p->person_id,
                      .reason = v.present ? v.text : NULL,
                      .errs = errs};
        st = decide_write(d, "membership_decline", ip, &c);
    } else if (form_error_for(errs, "reason")->code == FE_NOMEM) {
        st = DB_NOMEM;
    }
    arena_free(&a);
    return st;
}

db_status membership_withdraw(db *d, int64_t cluster_id, int64_t id, int64_t actor_id,
                              const char *ip, form_errors *errs)
{
    assert(d);
    if (cluster_id <= 0)
        return DB_DONE; /* no cluster has that proposal */
    decision c = {.id = id,
                  .cluster_id = cluster_id,
                  .status = "withdrawn",
                  .actor_id = actor_id,
                  .errs = errs};
    return decide_write(d, "membership_withdraw", ip, &c);
}

/* --- reading ---------------------------------------------------------------------- */

#define PROPOSAL_COLS                                                                              \
    "SELECT x.id, x.cluster_id, x.org_id, c.slug, c.name, o.slug, o.name, o.kind, x.role,"         \
    "       x.joined_on, x.status, coalesce(x.proposed_by, 0), x.proposed_at,"                     \
    "       coalesce(x.decided_by, 0), coalesce(x.decided_at, 0),"                                 \
    "       (SELECT pp.name FROM person pp WHERE pp.id = x.proposed_by AND pp.erased_at IS NULL)," \
    "       x.reason,"                                                                             \
    "       EXISTS (SELECT 1 FROM affiliation a WHERE a.org_id = x.org_id"                         \
    "                  AND a.role = 'representative' AND a.ended_at IS NULL)"                      \
    "  FROM cluster_member_proposal x JOIN org c ON c.id = x.cluster_id"                           \
    "  JOIN org o ON o.id = x.org_id"

static const char SQL_GET[] = PROPOSAL_COLS " WHERE x.id = $1";
static const char SQL_OF_CLUSTER[] =
    PROPOSAL_COLS " WHERE x.cluster_id = $1 AND x.status = 'pending' ORDER BY x.id";
/* $1 the person; $2 1 for the secretariat (also the organisations that
 * have no current representative). */
static const char SQL_FOR[] =
    PROPOSAL_COLS " WHERE x.status = 'pending' AND (x.org_id IN (SELECT a.org_id FROM affiliation a"
                  "   WHERE a.person_id = $1 AND a.role = 'representative' AND a.ended_at IS NULL)"
                  " OR ($2 = 1 AND NOT EXISTS (SELECT 1 FROM affiliation a WHERE a.org_id = "
                  "x.org_id"
                  "   AND a.role = 'representative' AND a.ended_at IS NULL)))"
                  " ORDER BY x.id";

static void proposal_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    membership_proposal *r = item;
    r->id = db_col_int(s, 0);
    r->cluster_id = db_col_int(s, 1);
    r->org_id = db_col_int(s, 2);
    r->cluster_slug = db_col_dup(a, s, 3, oom);
    r->cluster_name = db_col_dup(a, s, 4, oom);
    r->org_slug = db_col_dup(a, s, 5, oom);
    r->org_name = db_col_dup(a, s, 6, oom);
    r->org_kind = db_col_dup(a, s, 7, oom);
    r->role = db_col_dup(a, s, 8, oom);
    r->joined_on = db_col_dup(a, s, 9, oom);
    r->status = db_col_dup(a, s, 10, oom);
    r->proposed_by = db_col_int(s, 11);
    r->proposed_at = db_col_int(s, 12);
    r->decided_by = db_col_int(s, 13);
    r->decided_at = db_col_int(s, 14);
    r->proposer_name = db_col_dup(a, s, 15, oom);
    r->reason = db_col_dup(a, s, 16, oom);
    r->org_has_rep = db_col_int(s, 17) != 0;
}

db_status membership_get(db *d, arena *a, int64_t id, membership_proposal *out, bool *found)
{
    assert(d && a && out && found);
    *found = false;
    db_stmt *s = db_prepare(d, SQL_GET);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, id);
    return db_collect_one(s, a, out, sizeof *out, proposal_row, NULL, found);
}

db_status membership_pending_of_cluster(db *d, arena *a, int64_t cluster_id,
                                        membership_proposal **items, size_t *n)
{
    assert(d && a && items && n);
    *items = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, SQL_OF_CLUSTER);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, cluster_id);
    return db_collect(s, a, (void **)items, n, sizeof **items, proposal_row, NULL);
}

db_status membership_pending_for(db *d, arena *a, const principal *p, membership_proposal **items,
                                 size_t *n)
{
    assert(d && a && p && items && n);
    *items = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, SQL_FOR);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, p->person_id);
    db_bind_int(s, 2, p->secretariat >= SEC_EDITOR ? 1 : 0);
    return db_collect(s, a, (void **)items, n, sizeof **items, proposal_row, NULL);
}
