/* agreement.c: agreements, their parties and signed documents (see
 * agreement.h). The state a reader sees is computed in SQL from the stored
 * status and today's Belgrade date (STATE_SQL), so "expired" needs no job. */
#include "model/agreement.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "json/json.h"
#include "model/notify.h"
#include "model/pdf.h"
#include "model/rights.h"
#include "model/tx.h"

const char *const agreement_kinds[] = {"mou", "cooperation", "grant", "network", NULL};
const char *const agreement_statuses[] = {"draft", "signed", "expired", "terminated", NULL};

/* Directory kinds that can be parties: SCAN, clusters and partners. */
static const char *const party_kinds[] = {"cluster_association",
                                          "cluster",
                                          "cluster_initiative",
                                          "public_authority",
                                          "chamber",
                                          "donor",
                                          "university",
                                          "research_institute",
                                          "science_park",
                                          "tech_centre",
                                          "startup_centre",
                                          "incubator",
                                          "ngo",
                                          NULL};

bool agreement_party_kind_ok(const char *kind)
{
    for (size_t i = 0; kind && party_kinds[i]; i++)
        if (strcmp(kind, party_kinds[i]) == 0)
            return true;
    return false;
}

/* --- validation ---------------------------------------------------------------------- */

enum {
    AF_KIND,
    AF_TITLE_SR,
    AF_TITLE_EN,
    AF_SUMMARY_SR,
    AF_SUMMARY_EN,
    AF_SIGNED_ON,
    AF_VALID_FROM,
    AF_VALID_UNTIL,
    AF_STATUS,
    AF_N
};
static const form_rule save_rules[AF_N] = {
    [AF_KIND] = {"kind", FV_ENUM, FORM_REQUIRED, 0, 0, agreement_kinds},
    [AF_TITLE_SR] = {"title_sr", FV_TEXT, FORM_REQUIRED, 1, 300, NULL},
    [AF_TITLE_EN] = {"title_en", FV_TEXT, 0, 0, 300, NULL},
    [AF_SUMMARY_SR] = {"summary_sr", FV_MULTILINE, 0, 0, AGREEMENT_TEXT_MAX, NULL},
    [AF_SUMMARY_EN] = {"summary_en", FV_MULTILINE, 0, 0, AGREEMENT_TEXT_MAX, NULL},
    [AF_SIGNED_ON] = {"signed_on", FV_DATE, 0, 0, 0, NULL},
    [AF_VALID_FROM] = {"valid_from", FV_DATE, 0, 0, 0, NULL},
    [AF_VALID_UNTIL] = {"valid_until", FV_DATE, 0, 0, 0, NULL},
    [AF_STATUS] = {"status", FV_ENUM, FORM_REQUIRED, 0, 0, agreement_statuses},
};

/* What the cross rules need besides the values. */
typedef struct save_check {
    char today[11];
    size_t n_parties;
} save_check;

static bool ok(const form_value *v, int i, const form_errors *errs, const char *name)
{
    return v[i].present && !form_error_for(errs, name);
}

/* valid_until on or after valid_from. */
static void rule_date_order(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    if (ok(v, AF_VALID_FROM, errs, "valid_from") && ok(v, AF_VALID_UNTIL, errs, "valid_until") &&
        strcmp(v[AF_VALID_UNTIL].text, v[AF_VALID_FROM].text) < 0)
        valid_add_error(errs, "valid_until", FE_DATE_ORDER, 0, 0);
}

/* An agreement is not signed in the future (FE_RANGE: "not after today"). */
static void rule_signed_past(const form_value *v, const void *ctx, form_errors *errs)
{
    const save_check *c = ctx;
    if (ok(v, AF_SIGNED_ON, errs, "signed_on") && strcmp(v[AF_SIGNED_ON].text, c->today) > 0)
        valid_add_error(errs, "signed_on", FE_RANGE, 0, 0);
}

/* Signed, expired and terminated agreements were signed on some date;
 * "expired" needs a valid_until that has passed. */
static void rule_status(const form_value *v, const void *ctx, form_errors *errs)
{
    const save_check *c = ctx;
    if (form_error_for(errs, "status") || !v[AF_STATUS].present)
        return;
    const char *s = v[AF_STATUS].text;
    if (strcmp(s, "draft") != 0 && !v[AF_SIGNED_ON].present && !form_error_for(errs, "signed_on"))
        valid_add_error(errs, "signed_on", FE_REQUIRED, 0, 0);
    if (strcmp(s, "expired") == 0 && ok(v, AF_VALID_UNTIL, errs, "valid_until") &&
        strcmp(v[AF_VALID_UNTIL].text, c->today) >= 0)
        valid_add_error(errs, "status", FE_MISMATCH, 0, 0);
    else if (strcmp(s, "expired") == 0 && !v[AF_VALID_UNTIL].present)
        valid_add_error(errs, "valid_until", FE_REQUIRED, 0, 0);
}

/* Two parties at least, AGREEMENT_MAX_PARTIES at most. */
static void rule_parties(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)v;
    const save_check *c = ctx;
    if (c->n_parties < 2)
        valid_add_error(errs, "parties", FE_TOO_SHORT, 2, AGREEMENT_MAX_PARTIES);
    else if (c->n_parties > AGREEMENT_MAX_PARTIES)
        valid_add_error(errs, "parties", FE_TOO_LONG, 2, AGREEMENT_MAX_PARTIES);
}

static const valid_cross_fn save_cross[] = {rule_date_order, rule_signed_past, rule_status,
                                            rule_parties};
static const valid_table save_table = {save_rules, AF_N, save_cross,
                                       sizeof save_cross / sizeof save_cross[0]};

/* --- reads ----------------------------------------------------------------------------- */

/* The state as read: $1 is today (Belgrade). */
#define STATE_SQL                                                                                  \
    "CASE WHEN a.status = 'signed' AND a.valid_until IS NOT NULL AND a.valid_until < $1"           \
    " THEN 'expired' ELSE a.status END"
#define AGR_COLS                                                                                   \
    "a.id, a.kind, a.title_sr, a.title_en, a.summary_sr, a.summary_en, a.signed_on,"               \
    " a.valid_from, a.valid_until, a.status, " STATE_SQL ", a.is_demo, a.created_at,"              \
    " a.updated_at, f.name, f.sha256, coalesce(f.size, 0), coalesce(f.created_at, 0)"              \
    " FROM agreement a LEFT JOIN agreement_file f ON f.agreement_id = a.id"
/* Every party of a confirmed it (0035): what everyone may see and count. */
#define CONFIRMED                                                                                  \
    "NOT EXISTS (SELECT 1 FROM agreement_party u WHERE u.agreement_id = a.id"                      \
    " AND u.consent <> 'confirmed')"
/* A person ($n) speaks for a party of a now (RIGHT_TIE_CONFIRM: its
 * representative, or its manager when it is a cluster), by rights.h's rule
 * so a list shows no agreement that agreement_may_see refuses. */
#define SPEAKS_PARTY(n)                                                                            \
    "EXISTS (SELECT 1 FROM agreement_party q JOIN affiliation m ON m.org_id = q.org_id"            \
    " JOIN org qo ON qo.id = q.org_id WHERE q.agreement_id = a.id AND m.person_id = " n            \
    " AND " RIGHTS_SQL_SPEAKS("m", "qo") ")"
/* A person ($n) manages a party of a now (RIGHT_AGREEMENT_EDIT: a cluster
 * party's manager). */
#define MANAGES_PARTY(n)                                                                           \
    "EXISTS (SELECT 1 FROM agreement_party q JOIN affiliation m ON m.org_id = q.org_id"            \
    " JOIN org qo ON qo.id = q.org_id WHERE q.agreement_id = a.id AND m.person_id = " n            \
    " AND " RIGHTS_SQL_MANAGES("m", "qo") ")"

static const char SQL_GET[] = "SELECT " AGR_COLS " WHERE a.id = $2";
#define LIST_WHERE                                                                                 \
    " WHERE ($2 IS NULL OR a.kind = $2) AND ($3 IS NULL OR (" STATE_SQL ") = $3)"                  \
    " AND ($4 = 0 OR EXISTS (SELECT 1 FROM agreement_party p WHERE p.agreement_id = a.id"          \
    " AND p.org_id = $4))"                                                                         \
    " AND ($5 = 0 OR (a.status = 'signed' AND a.valid_until >= $1"                                 \
    " AND a.valid_until <= date($1, '+60 days')))"                                                 \
    " AND (a.status <> 'draft' OR $6 = 1 OR ($7 <> 0 AND " SPEAKS_PARTY(                           \
        "$7") "))"                                                                                 \
              " AND ($8 = 0 OR a.id < $8)"                                                         \
              " AND ($6 = 1 OR " CONFIRMED " OR ($7 <> 0 AND " SPEAKS_PARTY("$7") "))"
static const char SQL_LIST[] =
    "SELECT " AGR_COLS LIST_WHERE " ORDER BY a.valid_until IS NULL, a.valid_until, a.id DESC"
    " LIMIT $9";
static const char SQL_LIST_BY_ID[] = "SELECT " AGR_COLS LIST_WHERE " ORDER BY a.id DESC LIMIT $9";
static const char SQL_EXPIRING[] =
    "SELECT " AGR_COLS " WHERE a.status = 'signed' AND a.valid_until >= $1"
    " AND a.valid_until <= date($1, '+60 days') AND " CONFIRMED
    " AND ($2 = 0 OR " MANAGES_PARTY("$2") ")"
                                           " ORDER BY a.valid_until, a.id";
static const char SQL_PARTIES[] =
    "SELECT o.id, o.slug, o.name, o.name_en, o.kind, p.consent, p.reason FROM agreement_party p"
    " JOIN org o ON o.id = p.org_id WHERE p.agreement_id = $1"
    " ORDER BY o.kind <> 'cluster_association', o.name_folded, o.id";

_Static_assert(AGREEMENT_EXPIRING_DAYS == 60, "the SQL above says +60 days");

static void agr_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    agreement_rec *g = item;
    int c = 0;
    g->id = db_col_int(s, c++);
    g->kind = db_col_dup(a, s, c++, oom);
    g->title_sr = db_col_dup(a, s, c++, oom);
    g->title_en = db_col_dup(a, s, c++, oom);
    g->summary_sr = db_col_dup(a, s, c++, oom);
    g->summary_en = db_col_dup(a, s, c++, oom);
    g->signed_on = db_col_dup(a, s, c++, oom);
    g->valid_from = db_col_dup(a, s, c++, oom);
    g->valid_until = db_col_dup(a, s, c++, oom);
    g->status = db_col_dup(a, s, c++, oom);
    g->state = db_col_dup(a, s, c++, oom);
    g->is_demo = db_col_int(s, c++) != 0;
    g->created_at = db_col_int(s, c++);
    g->updated_at = db_col_int(s, c++);
    g->has_file = !db_col_is_null(s, c);
    g->file_name = db_col_dup(a, s, c++, oom);
    g->file_sha256 = db_col_dup(a, s, c++, oom);
    g->file_size = db_col_int(s, c++);
    g->file_at = db_col_int(s, c++);
}

static void party_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    agreement_party *p = item;
    p->org_id = db_col_int(s, 0);
    p->slug = db_col_dup(a, s, 1, oom);
    p->name = db_col_dup(a, s, 2, oom);
    p->name_en = db_col_dup(a, s, 3, oom);
    p->kind = db_col_dup(a, s, 4, oom);
    p->consent = db_col_dup(a, s, 5, oom);
    p->reason = db_col_dup(a, s, 6, oom);
}

static db_status with_parties(db *d, arena *a, agreement_rec *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        db_stmt *s = db_query(d, SQL_PARTIES, DB_ARGS(DBI(g[i].id)));
        if (!s)
            return db_failure(d) ? db_failure(d) : DB_ERR;
        db_status st = db_collect(s, a, (void **)&g[i].parties, &g[i].n_parties,
                                  sizeof *g[i].parties, party_row, NULL);
        if (st != DB_OK)
            return st;
        g[i].confirmed = true;
        for (size_t k = 0; k < g[i].n_parties; k++)
            if (g[i].parties[k].consent && strcmp(g[i].parties[k].consent, "confirmed") != 0)
                g[i].confirmed = false;
    }
    return DB_OK;
}

static db_status collect(db *d, arena *a, db_stmt *s, agreement_rec **out, size_t *n)
{
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_collect(s, a, (void **)out, n, sizeof **out, agr_row, NULL);
    return st == DB_OK ? with_parties(d, a, *out, *n) : st;
}

db_status agreement_get(db *d, arena *a, int64_t id, agreement_rec *out, bool *found)
{
    assert(d && a && out && found);
    char today[11];
    time_today(today);
    agreement_rec *rows = NULL;
    size_t n = 0;
    *found = false;
    memset(out, 0, sizeof *out);
    db_status st = collect(d, a, db_query(d, SQL_GET, DB_ARGS(DBT(today), DBI(id))), &rows, &n);
    if (st == DB_OK && n == 1) {
        *out = rows[0];
        *found = true;
    }
    return st;
}

db_status agreement_list(db *d, arena *a, const agreement_filter *f, agreement_rec **out, size_t *n)
{
    assert(d && a && f && out && n);
    *out = NULL;
    *n = 0;
    char today[11];
    time_today(today);
    int limit = f->limit > 0 ? f->limit : 500;
    db_stmt *s = db_query(d, f->after_id || f->limit ? SQL_LIST_BY_ID : SQL_LIST,
                          DB_ARGS(DBT(today), f->kind ? DBT(f->kind) : DBNULL,
                                  f->state ? DBT(f->state) : DBNULL, DBI(f->party_id),
                                  DBI(f->expiring ? 1 : 0), DBI(f->with_drafts ? 1 : 0),
                                  DBI(f->drafts_of), DBI(f->after_id), DBI(limit)));
    return collect(d, a, s, out, n);
}

db_status agreement_expiring_for(db *d, arena *a, int64_t person, agreement_rec **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char today[11];
    time_today(today);
    return collect(d, a, db_query(d, SQL_EXPIRING, DB_ARGS(DBT(today), DBI(person))), out, n);
}

static const char SQL_PARTNERS[] =
    "SELECT id, slug, name, name_en, kind FROM org WHERE status = 'published'"
    " AND kind IN ('public_authority', 'chamber', 'donor', 'university', 'research_institute',"
    " 'science_park', 'tech_centre', 'startup_centre', 'incubator', 'ngo')"
    " AND id > $1 ORDER BY id LIMIT $2";

static void partner_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    agreement_partner *p = item;
    p->id = db_col_int(s, 0);
    p->slug = db_col_dup(a, s, 1, oom);
    p->name = db_col_dup(a, s, 2, oom);
    p->name_en = db_col_dup(a, s, 3, oom);
    p->kind = db_col_dup(a, s, 4, oom);
}

db_status agreement_partners(db *d, arena *a, int64_t after_id, int limit, agreement_partner **out,
                             size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_PARTNERS, DB_ARGS(DBI(after_id), DBI(limit)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, partner_row, NULL);
}

/* --- rights ------------------------------------------------------------------------------ */

/* A current manager of some cluster. */
static const char SQL_MANAGES_A_CLUSTER[] =
    "SELECT 1 FROM affiliation f JOIN org c ON c.id = f.org_id"
    " WHERE f.person_id = $1 AND f.role = 'manager' AND f.ended_at IS NULL"
    " AND c.kind IN ('cluster', 'cluster_initiative') LIMIT 1";

bool agreement_may_edit(db *d, const principal *p, const agreement_rec *a)
{
    if (!p)
        return false;
    if (rights_can(d, p, RIGHT_AGREEMENT_EDIT, 0))
        return true; /* the secretariat */
    if (!a) {        /* creating at all: a manager of some cluster */
        int64_t yes = 0;
        if (p->token_id && !p->token_write)
            return false;
        db_int(d, &yes, 0, SQL_MANAGES_A_CLUSTER, DB_ARGS(DBI(p->person_id)));
        return yes != 0;
    }
    for (size_t i = 0; i < a->n_parties; i++)
        if (rights_can(d, p, RIGHT_AGREEMENT_EDIT, a->parties[i].org_id))
            return true;
    return false;
}

/* A person speaks for one of the parties now. */
static bool speaks_for_party(db *d, const principal *p, const agreement_rec *a)
{
    for (size_t i = 0; i < a->n_parties; i++)
        if (agreement_may_confirm(d, p, a->parties[i].org_id))
            return true;
    return false;
}

bool agreement_may_confirm(db *d, const principal *p, int64_t org_id)
{
    if (!p)
        return false;
    principal q = *p; /* reading: a read-only token reads what its person may confirm */
    q.token_write = true;
    return rights_can(d, &q, RIGHT_TIE_CONFIRM, org_id);
}

bool agreement_may_see(db *d, const principal *p, const agreement_rec *a)
{
    bool draft = strcmp(a->status, "draft") == 0;
    if (a->confirmed && !draft)
        return true; /* everyone */
    /* the parties' people and the secretariat only: who may answer for a
     * party (a draft's too: a party's representative asked to confirm one
     * reads what they are asked, and still reads it once they said yes),
     * and who may change it */
    if (speaks_for_party(d, p, a))
        return true;
    if (!draft || !p)
        return false;
    principal q = *p; /* reading: a read-only token reads what its person may edit */
    q.token_write = true;
    return agreement_may_edit(d, &q, a);
}

static const char SQL_AFFILIATED[] =
    "SELECT 1 FROM affiliation WHERE person_id = $1 AND org_id = $2 AND ended_at IS NULL LIMIT 1";

bool agreement_may_read_file(db *d, const principal *p, const agreement_rec *a)
{
    if (!p)
        return false;
    if (p->secretariat != SEC_NONE)
        return true;
    if (strcmp(a->status, "draft") == 0) {
        /* a draft's text is still being agreed: only who may change the
         * agreement for a party that has confirmed it reads it */
        principal q = *p; /* reading: a read-only token reads what its person may */
        q.token_write = true;
        for (size_t i = 0; i < a->n_parties; i++)
            if (a->parties[i].consent && strcmp(a->parties[i].consent, "confirmed") == 0 &&
                rights_can(d, &q, RIGHT_AGREEMENT_EDIT, a->parties[i].org_id))
                return true;
        return false;
    }
    for (size_t i = 0; i < a->n_parties; i++) {
        int64_t yes = 0;
        /* a party that declined is no party: its people read the page (their
         * own answer) but not the others' document; one still asked reads it
         * to decide */
        if (a->parties[i].consent && strcmp(a->parties[i].consent, "declined") == 0)
            continue;
        if (db_int(d, &yes, 0, SQL_AFFILIATED,
                   DB_ARGS(DBI(p->person_id), DBI(a->parties[i].org_id))) == DB_OK &&
            yes)
            return true;
    }
    return false;
}

/* --- writes ------------------------------------------------------------------------------- */

static const char SQL_PARTY_BY_SLUG[] =
    "SELECT id, kind FROM org WHERE slug = $1 AND status = 'published'";
static const char SQL_INSERT[] =
    "INSERT INTO agreement(kind, title_sr, title_en, summary_sr, summary_en, signed_on,"
    " valid_from, valid_until, status, created_at, created_by, updated_at, updated_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $11) RETURNING id";
static const char SQL_UPDATE[] =
    "UPDATE agreement SET kind = $2, title_sr = $3, title_en = $4, summary_sr = $5,"
    " summary_en = $6, signed_on = $7, valid_from = $8, valid_until = $9, status = $10,"
    " updated_at = $11, updated_by = $12 WHERE id = $1";
static const char SQL_EXISTS[] = "SELECT count(*) FROM agreement WHERE id = $1";
/* 1 when the terms $2..$10 differ from what agreement $1 holds */
static const char SQL_TERMS_CHANGED[] =
    "SELECT count(*) FROM agreement WHERE id = $1 AND NOT (kind IS NOT DISTINCT FROM $2"
    " AND title_sr IS NOT DISTINCT FROM $3 AND title_en IS NOT DISTINCT FROM $4"
    " AND summary_sr IS NOT DISTINCT FROM $5 AND summary_en IS NOT DISTINCT FROM $6"
    " AND signed_on IS NOT DISTINCT FROM $7 AND valid_from IS NOT DISTINCT FROM $8"
    " AND valid_until IS NOT DISTINCT FROM $9 AND status IS NOT DISTINCT FROM $10)";
static const char SQL_PARTIES_OF[] =
    "SELECT org_id, consent, decided_by, decided_at, reason FROM agreement_party"
    " WHERE agreement_id = $1";
static const char SQL_PARTIES_CLEAR[] = "DELETE FROM agreement_party WHERE agreement_id = $1";
static const char SQL_PARTY_ADD[] =
    "INSERT INTO agreement_party(agreement_id, org_id, consent, decided_by, decided_at, reason)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";

/* One party's consent as a write stores it. */
typedef struct party_consent {
    const char *consent; /* static: proposed, confirmed, declined */
    int64_t decided_by, decided_at;
    bool kept; /* a party before this write */
    bool has_reason;
    char reason[AGREEMENT_REASON_MAX * 4 + 1]; /* a decline's reason, kept */
} party_consent;

typedef struct save_ctx {
    const principal *p;
    int64_t id;
    const form_value *v;
    const char *const *parties;
    size_t n_parties;
    form_errors *errs;
    int64_t out_id;
} save_ctx;

static db_val opt(const form_value *v)
{
    return v->present ? DBT(v->text) : DBNULL;
}

/* Each party's consent for the write: what agreement id (0: new) held
 * for it when it stays, confirmed by the writer when they speak for it
 * (RIGHT_TIE_CONFIRM: the secretariat speaks for all), else proposed. */
static db_status consents(tx *t, int64_t id, const principal *p, const int64_t *ids, size_t n,
                          bool terms_changed, party_consent *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (party_consent){.consent = "proposed"};
    if (id) {
        db_stmt *s = db_query(t->d, SQL_PARTIES_OF, DB_ARGS(DBI(id)));
        if (!s)
            return DB_ERR;
        db_status st;
        while ((st = db_step(s)) == DB_ROW) {
            int64_t org = db_col_int(s, 0);
            for (size_t i = 0; i < n; i++) {
                if (ids[i] != org)
                    continue;
                const char *c = db_col_text(s, 1);
                out[i].consent = strcmp(c, "confirmed") == 0  ? "confirmed"
                                 : strcmp(c, "declined") == 0 ? "declined"
                                                              : "proposed";
                out[i].decided_by = db_col_int(s, 2);
                out[i].decided_at = db_col_int(s, 3);
                out[i].kept = true;
                const char *why = db_col_text(s, 4);
                if ((out[i].has_reason = why != NULL))
                    snprintf(out[i].reason, sizeof out[i].reason, "%s", why);
            }
        }
        db_reset(s);
        if (st != DB_DONE)
            return st;
    }
    /* changed terms are a new agreement to every party the writer does not
     * speak for: a confirmation (or a decline) given to the old terms no
     * longer holds, and the party is told again */
    for (size_t i = 0; i < n; i++)
        if (terms_changed && out[i].kept && !rights_can(t->d, p, RIGHT_TIE_CONFIRM, ids[i]))
            out[i] = (party_consent){.consent = "proposed"};
    for (size_t i = 0; i < n; i++)
        if (rights_can(t->d, p, RIGHT_TIE_CONFIRM, ids[i]) &&
            strcmp(out[i].consent, "confirmed") != 0) {
            out[i] = (party_consent){.consent = "confirmed",
                                     .decided_by = t->actor_id,
                                     .decided_at = time_now(),
                                     .kept = out[i].kept};
        }
    return DB_OK;
}

/* The people of each party newly proposed hear of it (notify kind
 * tie_proposed), in the write's transaction. */
static db_status tell_proposed(tx *t, int64_t id, const char *title, const int64_t *ids, size_t n,
                               const party_consent *cons)
{
    char href[48];
    snprintf(href, sizeof href, "/agreements/%lld#consent", (long long)id);
    for (size_t i = 0; i < n; i++) {
        if (cons[i].kept || strcmp(cons[i].consent, "proposed") != 0)
            continue;
        notify_to to = {.orgs = &ids[i], .n_orgs = 1};
        notify_what w = {.entity = "agreement", .entity_id = id, .a = title, .b = "", .href = href};
        db_status st = notify_event(t->d, t->actor_id, &to, "tie_proposed", &w, NULL);
        if (st != DB_OK)
            return st;
    }
    return DB_OK;
}

static db_status save_body(tx *t, void *vc)
{
    save_ctx *c = vc;
    const form_value *v = c->v;
    c->out_id = 0;
    int64_t ids[AGREEMENT_MAX_PARTIES];
    size_t n_ids = 0;
    bool secretariat = rights_can(t->d, c->p, RIGHT_AGREEMENT_EDIT, 0);
    bool bad = false, may = secretariat, foreign = false;
    /* each party's consent (0035): kept from before, confirmed when the
     * writer speaks for it (the secretariat for all), else proposed */
    party_consent cons[AGREEMENT_MAX_PARTIES];
    for (size_t i = 0; i < c->n_parties && i < AGREEMENT_MAX_PARTIES; i++) {
        db_stmt *s = db_query(t->d, SQL_PARTY_BY_SLUG, DB_ARGS(DBT(c->parties[i])));
        if (!s)
            return DB_ERR;
        db_status st = db_step(s);
        int64_t id = st == DB_ROW ? db_col_int(s, 0) : 0;
        bool kind_ok = st == DB_ROW && agreement_party_kind_ok(db_col_text(s, 1));
        const char *k = st == DB_ROW ? db_col_text(s, 1) : NULL;
        bool is_cluster = k && (strcmp(k, "cluster") == 0 || strcmp(k, "cluster_initiative") == 0);
        db_reset(s);
        if (st != DB_ROW && st != DB_DONE)
            return st;
        if (!id) {
            valid_add_error(c->errs, "parties", FE_UNKNOWN_CODE, 0, 0);
            bad = true;
            continue;
        }
        if (!kind_ok) {
            valid_add_error(c->errs, "parties", FE_INVALID, 0, 0);
            bad = true;
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < n_ids; j++)
            dup |= ids[j] == id;
        if (!dup)
            ids[n_ids++] = id;
        bool mine = !secretariat && rights_can(t->d, c->p, RIGHT_AGREEMENT_EDIT, id);
        if (mine)
            may = true;
        /* another cluster, like any party the writer does not speak for, is
         * named as proposed and confirms itself (consent, 0035) */
        (void)is_cluster;
    }
    /* nor drops a party it does not speak for from an existing agreement */
    if (!secretariat && c->id) {
        db_stmt *s = db_query(t->d, SQL_PARTIES_OF, DB_ARGS(DBI(c->id)));
        if (!s)
            return DB_ERR;
        db_status st;
        while ((st = db_step(s)) == DB_ROW) {
            int64_t old = db_col_int(s, 0);
            bool kept = false, agreed = strcmp(db_col_text(s, 1), "confirmed") == 0;
            for (size_t j = 0; j < n_ids; j++)
                kept |= ids[j] == old;
            /* a party that never agreed may be taken off again */
            if (!kept && agreed && !rights_can(t->d, c->p, RIGHT_AGREEMENT_EDIT, old))
                foreign = true;
        }
        db_reset(s);
        if (st != DB_DONE)
            return st;
    }
    if (!bad) {
        int64_t changed = 0;
        db_status st = c->id ? db_int(t->d, &changed, 0, SQL_TERMS_CHANGED,
                                      DB_ARGS(DBI(c->id), DBT(v[AF_KIND].text),
                                              DBT(v[AF_TITLE_SR].text), opt(&v[AF_TITLE_EN]),
                                              opt(&v[AF_SUMMARY_SR]), opt(&v[AF_SUMMARY_EN]),
                                              opt(&v[AF_SIGNED_ON]), opt(&v[AF_VALID_FROM]),
                                              opt(&v[AF_VALID_UNTIL]), DBT(v[AF_STATUS].text)))
                             : DB_OK;
        if (st != DB_OK)
            return st;
        st = consents(t, c->id, c->p, ids, n_ids, changed != 0, cons);
        if (st != DB_OK)
            return st;
    }
    if (!bad && foreign) {
        valid_add_error(c->errs, "parties", FE_SECRETARIAT_ONLY, 0, 0);
        bad = true;
    }
    if (!bad && n_ids < 2) { /* the same entry twice is one party */
        valid_add_error(c->errs, "parties", FE_TOO_SHORT, 2, AGREEMENT_MAX_PARTIES);
        bad = true;
    }
    if (!bad && !may) {
        valid_add_error(c->errs, "parties", FE_SECRETARIAT_ONLY, 0, 0);
        bad = true;
    }
    if (bad)
        return DB_CONSTRAINT;
    int64_t now = time_now();
    db_status st;
    if (c->id == 0) {
        st = db_int(t->d, &c->out_id, 0, SQL_INSERT,
                    DB_ARGS(DBT(v[AF_KIND].text), DBT(v[AF_TITLE_SR].text), opt(&v[AF_TITLE_EN]),
                            opt(&v[AF_SUMMARY_SR]), opt(&v[AF_SUMMARY_EN]), opt(&v[AF_SIGNED_ON]),
                            opt(&v[AF_VALID_FROM]), opt(&v[AF_VALID_UNTIL]), DBT(v[AF_STATUS].text),
                            DBI(now), DBI(t->actor_id)));
        if (st != DB_OK)
            return st;
        t->entity_id = c->out_id;
    } else {
        int64_t there = 0;
        if ((st = db_int(t->d, &there, 0, SQL_EXISTS, DB_ARGS(DBI(c->id)))) != DB_OK)
            return st;
        if (!there)
            return DB_DONE;
        st = db_do(t->d, SQL_UPDATE,
                   DB_ARGS(DBI(c->id), DBT(v[AF_KIND].text), DBT(v[AF_TITLE_SR].text),
                           opt(&v[AF_TITLE_EN]), opt(&v[AF_SUMMARY_SR]), opt(&v[AF_SUMMARY_EN]),
                           opt(&v[AF_SIGNED_ON]), opt(&v[AF_VALID_FROM]), opt(&v[AF_VALID_UNTIL]),
                           DBT(v[AF_STATUS].text), DBI(now), DBI(t->actor_id)));
        if (st == DB_OK)
            st = db_do(t->d, SQL_PARTIES_CLEAR, DB_ARGS(DBI(c->id)));
        if (st != DB_OK)
            return st;
        c->out_id = c->id;
    }
    for (size_t i = 0; i < n_ids; i++)
        if ((st = db_do(t->d, SQL_PARTY_ADD,
                        DB_ARGS(DBI(c->out_id), DBI(ids[i]), DBT(cons[i].consent),
                                cons[i].decided_by ? DBI(cons[i].decided_by) : DBNULL,
                                cons[i].decided_at ? DBI(cons[i].decided_at) : DBNULL,
                                cons[i].has_reason ? DBT(cons[i].reason) : DBNULL))) != DB_OK)
            return st;
    if ((st = tell_proposed(t, c->out_id, v[AF_TITLE_SR].text, ids, n_ids, cons)) != DB_OK)
        return st;
    buf_puts(&t->detail, "{\"kind\":");
    json_put_string(&t->detail, v[AF_KIND].text);
    buf_puts(&t->detail, ",\"status\":");
    json_put_string(&t->detail, v[AF_STATUS].text);
    buf_puts(&t->detail, ",\"title_sr\":");
    json_put_string(&t->detail, v[AF_TITLE_SR].text);
    buf_puts(&t->detail, ",\"valid_until\":");
    json_put_string(&t->detail, v[AF_VALID_UNTIL].present ? v[AF_VALID_UNTIL].text : NULL);
    buf_puts(&t->detail, ",\"parties\":[");
    for (size_t i = 0; i < n_ids; i++)
        buf_printf(&t->detail, "%s%lld", i ? "," : "", (long long)ids[i]);
    buf_puts(&t->detail, "],\"proposed\":[");
    for (size_t i = 0, k = 0; i < n_ids; i++)
        if (strcmp(cons[i].consent, "proposed") == 0)
            buf_printf(&t->detail, "%s%lld", k++ ? "," : "", (long long)ids[i]);
    buf_puts(&t->detail, "]}");
    return DB_OK;
}

db_status agreement_save(db *d, const principal *p, int64_t id, const agreement_input *in,
                         const char *ip, int64_t *out_id, form_errors *errs)
{
    assert(d && p && in && errs);
    save_check chk = {.n_parties = in->n_parties};
    time_today(chk.today);
    arena a = ARENA_INIT;
    form_value v[AF_N];
    const char *values[AF_N] = {
        [AF_KIND] = in->kind,
        [AF_TITLE_SR] = in->title_sr,
        [AF_TITLE_EN] = in->title_en,
        [AF_SUMMARY_SR] = in->summary_sr,
        [AF_SUMMARY_EN] = in->summary_en,
        [AF_SIGNED_ON] = in->signed_on,
        [AF_VALID_FROM] = in->valid_from,
        [AF_VALID_UNTIL] = in->valid_until,
        [AF_STATUS] = in->status,
    };
    db_status st;
    if (!valid_values(&a, &save_table, values, v, errs, &chk)) {
        st = tx_invalid(errs);
    } else {
        save_ctx c = {p, id, v, in->parties, in->n_parties, errs, 0};
        tx t = TX_INIT(p->person_id, ip, id ? "agreement_update" : "agreement_create", "agreement",
                       id);
        t.bump = TX_DIRECTORY;
        st = tx_write(d, &t, save_body, &c);
        if (st == DB_OK && out_id)
            *out_id = c.out_id;
    }
    arena_free(&a);
    return st;
}

static const char SQL_STATUS[] = "SELECT status FROM agreement WHERE id = $1";
static const char SQL_DELETE[] = "DELETE FROM agreement WHERE id = $1 AND status = 'draft'";

typedef struct delete_ctx {
    int64_t id;
    form_errors *errs;
} delete_ctx;

static db_status delete_body(tx *t, void *vc)
{
    delete_ctx *c = vc;
    db_stmt *s = db_query(t->d, SQL_STATUS, DB_ARGS(DBI(c->id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    bool draft = st == DB_ROW && strcmp(db_col_text(s, 0), "draft") == 0;
    db_reset(s);
    if (st != DB_ROW)
        return st == DB_DONE ? DB_DONE : st;
    if (!draft) {
        valid_add_error(c->errs, "status", FE_NOT_PENDING, 0, 0);
        return DB_CONSTRAINT;
    }
    buf_puts(&t->detail, "{\"deleted\":true}");
    return db_do(t->d, SQL_DELETE, DB_ARGS(DBI(c->id)));
}

db_status agreement_delete(db *d, int64_t id, int64_t actor, const char *ip, form_errors *errs)
{
    delete_ctx c = {id, errs};
    tx t = TX_INIT(actor, ip, "agreement_delete", "agreement", id);
    t.bump = TX_DIRECTORY;
    return tx_write(d, &t, delete_body, &c);
}

static const char SQL_FILE_PUT[] =
    "INSERT INTO agreement_file(agreement_id, name, sha256, size, data, created_at, created_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT(agreement_id) DO UPDATE SET"
    " name = excluded.name, sha256 = excluded.sha256, size = excluded.size,"
    " data = excluded.data, created_at = excluded.created_at, created_by = excluded.created_by";
static const char SQL_FILE_GET[] = "SELECT name, data FROM agreement_file WHERE agreement_id = $1";

/* A new signed document is new terms (like SQL_TERMS_CHANGED): each
 * party that has given its word (confirmed or declined) and that the
 * uploader does not speak for is asked again, and told. */
static const char SQL_PARTIES_ANSWERED[] =
    "SELECT p.org_id, a.title_sr FROM agreement_party p JOIN agreement a ON a.id = p.agreement_id"
    " WHERE p.agreement_id = $1 AND p.consent <> 'proposed' ORDER BY p.org_id";
static const char SQL_PARTY_REASK[] =
    "UPDATE agreement_party SET consent = 'proposed', decided_by = NULL, decided_at = NULL,"
    " reason = NULL WHERE agreement_id = $1 AND org_id = $2";

/* Asks again, in t, every party of agreement id that answered and that
 * t's actor does not speak for (RIGHT_TIE_CONFIRM); their ids in
 * asked[0..*n) (at most AGREEMENT_MAX_PARTIES), each told by a
 * tie_proposed notification. */
static db_status reask_parties(tx *t, int64_t id, int64_t *asked, size_t *n)
{
    *n = 0;
    char title[300 * 4 + 1] = ""; /* title_sr: at most 300 characters */
    int64_t answered[AGREEMENT_MAX_PARTIES];
    size_t n_answered = 0;
    db_stmt *s = db_query(t->d, SQL_PARTIES_ANSWERED, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        if (n_answered < AGREEMENT_MAX_PARTIES)
            answered[n_answered++] = db_col_int(s, 0);
        const char *tt = db_col_text(s, 1);
        snprintf(title, sizeof title, "%s", tt ? tt : "");
    }
    db_reset(s);
    if (st != DB_DONE)
        return st;
    for (size_t i = 0; i < n_answered; i++)
        if (!rights_person_can(t->d, t->actor_id, RIGHT_TIE_CONFIRM, answered[i]))
            asked[(*n)++] = answered[i];
    char href[48];
    snprintf(href, sizeof href, "/agreements/%lld#consent", (long long)id);
    for (size_t i = 0; i < *n; i++) {
        if ((st = db_do(t->d, SQL_PARTY_REASK, DB_ARGS(DBI(id), DBI(asked[i])))) != DB_OK)
            return st;
        notify_to to = {.orgs = &asked[i], .n_orgs = 1};
        notify_what w = {.entity = "agreement", .entity_id = id, .a = title, .b = "", .href = href};
        if ((st = notify_event(t->d, t->actor_id, &to, "tie_proposed", &w, NULL)) != DB_OK)
            return st;
    }
    return DB_OK;
}

typedef struct file_ctx {
    int64_t id;
    const char *name, *sha;
    const void *data;
    size_t n;
} file_ctx;

static db_status file_body(tx *t, void *vc)
{
    const file_ctx *c = vc;
    int64_t there = 0;
    db_status st = db_int(t->d, &there, 0, SQL_EXISTS, DB_ARGS(DBI(c->id)));
    if (st != DB_OK)
        return st;
    if (!there)
        return DB_DONE;
    db_stmt *s = db_prepare(t->d, SQL_FILE_PUT); /* a blob: no db_val for it */
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, c->id);
    db_bind_text(s, 2, c->name);
    db_bind_text(s, 3, c->sha);
    db_bind_int(s, 4, (int64_t)c->n);
    db_bind_blob(s, 5, c->data, c->n);
    db_bind_int(s, 6, time_now());
    db_bind_int(s, 7, t->actor_id);
    if ((st = db_run(s)) != DB_OK)
        return st;
    int64_t asked[AGREEMENT_MAX_PARTIES];
    size_t n_asked = 0;
    if ((st = reask_parties(t, c->id, asked, &n_asked)) != DB_OK)
        return st;
    buf_puts(&t->detail, "{\"name\":");
    json_put_string(&t->detail, c->name);
    buf_printf(&t->detail, ",\"size\":%zu,\"sha256\":\"%s\",\"asked_again\":[", c->n, c->sha);
    for (size_t i = 0; i < n_asked; i++)
        buf_printf(&t->detail, "%s%lld", i ? "," : "", (long long)asked[i]);
    buf_puts(&t->detail, "]}");
    return DB_OK;
}

/* A file name fit to store and to send back in a header: the last path
 * part, printable ASCII without quotes or backslashes (others become '_'),
 * at most 200 bytes, ending in .pdf. */
static void clean_name(char out[256], const char *name)
{
    const char *base = name ? name : "";
    for (const char *p = base; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    size_t n = 0;
    for (const char *p = base; *p && n < 200; p++)
        out[n++] = (*p > 0x20 && *p < 0x7f && *p != '"' && *p != '\\' && *p != ';') ? *p : '_';
    out[n] = '\0';
    size_t len = strlen(out);
    if (len == 0)
        snprintf(out, 256, "agreement.pdf");
    else if (len < 4 || strcmp(out + len - 4, ".pdf") != 0)
        memcpy(out + len, ".pdf", 5);
}

db_status agreement_file_put(db *d, int64_t id, const char *name, const void *data, size_t n,
                             int64_t actor, const char *ip, int *verdict, form_errors *errs)
{
    assert(d && errs);
    pdf_verdict pv = data ? pdf_check(data, n, NULL) : PDF_NOT_PDF;
    if (verdict)
        *verdict = (int)pv;
    if (pv != PDF_OK) {
        valid_add_error(errs, "file", n ? FE_INVALID : FE_REQUIRED, 0, 0);
        return DB_CONSTRAINT;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, n);
    char sha[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(sha, sizeof sha, h, sizeof h);
    char clean[256];
    clean_name(clean, name);
    file_ctx c = {id, clean, sha, data, n};
    tx t = TX_INIT(actor, ip, "agreement_file", "agreement", id);
    t.bump = TX_DIRECTORY;
    return tx_write(d, &t, file_body, &c);
}

db_status agreement_file_get(db *d, arena *a, int64_t id, const char **name, const void **data,
                             size_t *n, bool *found)
{
    *found = false;
    *name = NULL;
    *data = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_FILE_GET, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        bool oom = false;
        *name = db_col_dup(a, s, 0, &oom);
        size_t len = 0;
        const void *b = db_col_blob(s, 1, &len);
        void *copy = len ? arena_alloc(a, len) : NULL;
        if (oom || (len && !copy)) {
            db_reset(s);
            return DB_NOMEM;
        }
        if (len)
            memcpy(copy, b, len);
        *data = copy;
        *n = len;
        *found = true;
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* --- consent (0035) ---------------------------------------------------------------------- */

/* Unconfirmed agreements: $2 the person (0: the secretariat, every one),
 * $3 1 for those with a party the person may confirm now (proposed). */
static const char SQL_WAITING[] =
    "SELECT " AGR_COLS " WHERE NOT " CONFIRMED " AND ($2 = 0 OR " SPEAKS_PARTY(
        "$2") ")"
              " AND ($3 = 0 OR EXISTS (SELECT 1 FROM agreement_party w WHERE w.agreement_id = a.id"
              "  AND w.consent = 'proposed' AND ($2 = 0 OR EXISTS (SELECT 1 FROM affiliation wm"
              "  JOIN org wo ON wo.id = wm.org_id WHERE wm.org_id = w.org_id AND wm.person_id = $2"
              "  AND " RIGHTS_SQL_SPEAKS("wm", "wo") "))))"
                                                     " ORDER BY a.id DESC LIMIT 50";

db_status agreement_waiting(db *d, arena *a, int64_t person, bool to_confirm, agreement_rec **out,
                            size_t *n)
{
    *out = NULL;
    *n = 0;
    char today[11];
    time_today(today);
    return collect(
        d, a, db_query(d, SQL_WAITING, DB_ARGS(DBT(today), DBI(person), DBI(to_confirm ? 1 : 0))),
        out, n);
}
