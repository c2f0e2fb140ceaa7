/* initiative.c: cluster initiatives (see initiative.h). The entry is
 * written by the directory's writer (org_put) and the proposal row is the
 * same org_proposal the secretariat's queue reads, so an initiative needs
 * no queue or decision of its own; this file adds the fields an
 * initiative has beyond an entry, and what acceptance starts. */
#include "model/initiative.h"

#include <assert.h>
#include <string.h>

#include "core/buf.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/mail.h"
#include "model/membership.h"
#include "model/org.h"
#include "model/tx.h"

/* --- validation ----------------------------------------------------------------- */

enum {
    I_NAME,
    I_NAME_EN,
    I_DISTRICT,
    I_REGION,
    I_CNAME,
    I_CEMAIL,
    I_CPHONE,
    I_DESC,
    I_DESC_EN,
    I__N
};
static const form_rule rules[I__N] = {
    [I_NAME] = {"name", FV_TEXT, FORM_REQUIRED, 2, 200, NULL},
    [I_NAME_EN] = {"name_en", FV_TEXT, 0, 2, 200, NULL},
    [I_DISTRICT] = {"district", FV_TEXT, 0, 0, 20, NULL},
    [I_REGION] = {"region", FV_TEXT, 0, 0, 20, NULL},
    [I_CNAME] = {"contact_name", FV_TEXT, FORM_REQUIRED, 2, 100, NULL},
    [I_CEMAIL] = {"contact_email", FV_EMAIL, FORM_REQUIRED, 0, 200, NULL},
    [I_CPHONE] = {"contact_phone", FV_TEXT, FORM_REQUIRED, 6, 40, NULL},
    [I_DESC] = {"description_sr", FV_MULTILINE, FORM_REQUIRED, 10, 2000, NULL},
    [I_DESC_EN] = {"description_en", FV_MULTILINE, 0, 0, 2000, NULL},
};

/* A phone number: digits, spaces and + ( ) / - only, with at least six
 * digits. */
static void phone_rule(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    if (!v[I_CPHONE].present || form_error_for(errs, "contact_phone"))
        return;
    int digits = 0;
    for (const char *s = v[I_CPHONE].text; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (!strchr(" +()/-", *s)) {
            digits = -100;
            break;
        }
    }
    if (digits < 6)
        valid_add_error(errs, "contact_phone", FE_INVALID, 0, 0);
}

/* Where the initiative is: a district or a region. */
static void place_rule(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    if (!v[I_DISTRICT].present && !v[I_REGION].present && !form_error_for(errs, "region"))
        valid_add_error(errs, "region", FE_REQUIRED, 0, 0);
}

static const valid_cross_fn cross[] = {phone_rule, place_rule};
static const valid_table table = {rules, I__N, cross, 2};

static const char SQL_FOUNDER_BY_SLUG[] =
    "SELECT o.id FROM org o WHERE o.slug = $1 AND o.status = 'published'"
    " AND o.kind NOT IN ('cluster', 'cluster_initiative', 'cluster_association')"
    " AND NOT EXISTS (SELECT 1 FROM org_proposal x WHERE x.org_id = o.id AND x.state = 'proposed')";
static const char SQL_FOUNDER_OK[] =
    "SELECT count(*) FROM org o WHERE o.id = $1 AND o.status = 'published'"
    " AND o.kind NOT IN ('cluster', 'cluster_initiative', 'cluster_association')"
    " AND NOT EXISTS (SELECT 1 FROM org_proposal x WHERE x.org_id = o.id AND x.state = 'proposed')";

/* The founders as entry ids, each once: by slug, else by exact name.
 * FE_INVALID on founders for one that is no published, non-cluster entry;
 * FE_TOO_SHORT / FE_TOO_LONG for too few or too many. */
static db_status resolve_founders(db *d, arena *a, const initiative_in *in, int64_t **ids,
                                  size_t *n, form_errors *errs)
{
    *n = 0;
    *ids = arena_alloc(a, (in->n_founders + 1) * sizeof **ids);
    if (!*ids)
        return DB_NOMEM;
    bool bad = false;
    for (size_t i = 0; i < in->n_founders; i++) {
        const char *v = in->founders[i];
        if (str_empty(v))
            continue;
        int64_t id = 0;
        db_status st = db_int(d, &id, 0, SQL_FOUNDER_BY_SLUG, DB_ARGS(DBT(v)));
        if (st != DB_OK)
            return st;
        if (!id) {
            bool several = false;
            int64_t ok = 0;
            if ((st = org_id_by_name(d, v, &id, &several)) != DB_OK)
                return st;
            if (id && (st = db_int(d, &ok, 0, SQL_FOUNDER_OK, DB_ARGS(DBI(id)))) != DB_OK)
                return st;
            if (!ok)
                id = 0;
        }
        if (!id) {
            bad = true;
            continue;
        }
        bool dup = false;
        for (size_t k = 0; k < *n; k++)
            dup |= (*ids)[k] == id;
        if (!dup)
            (*ids)[(*n)++] = id;
    }
    if (bad)
        valid_add_error(errs, "founders", FE_INVALID, 0, 0);
    else if (*n < INITIATIVE_MIN_FOUNDERS)
        valid_add_error(errs, "founders", FE_TOO_SHORT, INITIATIVE_MIN_FOUNDERS, 0);
    else if (*n > INITIATIVE_MAX_FOUNDERS)
        valid_add_error(errs, "founders", FE_TOO_LONG, 0, INITIATIVE_MAX_FOUNDERS);
    return DB_OK;
}

/* --- starting ------------------------------------------------------------------- */

static const char SQL_PROPOSAL[] =
    "INSERT INTO org_proposal(org_id, proposed_by, proposed_at) VALUES ($1, $2, $3)";
static const char SQL_INITIATIVE[] =
    "INSERT INTO initiative(org_id, contact_name, contact_email, contact_phone, created_at,"
    " created_by) VALUES ($1, $2, $3, $4, $5, $6)";
static const char SQL_FOUNDER[] =
    "INSERT INTO initiative_founder(org_id, founder_id) VALUES ($1, $2)";

typedef struct start_ctx {
    arena *a;
    org_rec org;
    const form_value *v;
    const int64_t *founders;
    size_t n_founders;
    lang_id lang;
    form_errors *errs;
    int64_t id; /* out */
} start_ctx;

/* The "received, waiting for the secretariat" mail to the proposer. */
static db_status mail_started(db *d, arena *a, int64_t person_id, const char *name, lang_id lang)
{
    const char *to, *who;
    lang_id L;
    db_status st = mail_person(d, a, person_id, lang, &to, &who, &L);
    if (st != DB_OK || !to)
        return st;
    buf subject = BUF_INIT, body = BUF_INIT;
    buf_printf(&subject, T(L, MSG_INIT_MAIL_STARTED_SUBJECT), mail_text_in(a, L, name));
    buf_printf(&body, T(L, MSG_INIT_MAIL_STARTED_BODY), mail_text_in(a, L, who),
               mail_text_in(a, L, name));
    return mail_queue_buf(d, to, &subject, &body);
}

static db_status start_body(tx *t, void *vctx)
{
    start_ctx *c = vctx;
    org_put_result res;
    c->id = 0;
    db_status st = org_put(t->d, &c->org, "create", t->actor_id, t->ip, c->errs, &res);
    if (st != DB_OK)
        return st;
    int64_t now = time_now();
    t->entity_id = res.id;
    if ((st = db_do(t->d, SQL_PROPOSAL, DB_ARGS(DBI(res.id), DBI(t->actor_id), DBI(now)))) != DB_OK)
        return st;
    if ((st = db_do(t->d, SQL_INITIATIVE,
                    DB_ARGS(DBI(res.id), DBT(c->v[I_CNAME].text), DBT(c->v[I_CEMAIL].text),
                            DBT(c->v[I_CPHONE].text), DBI(now), DBI(t->actor_id)))) != DB_OK)
        return st;
    buf_reset(&t->detail);
    buf_puts(&t->detail, "{\"founders\":[");
    for (size_t i = 0; i < c->n_founders; i++) {
        if ((st = db_do(t->d, SQL_FOUNDER, DB_ARGS(DBI(res.id), DBI(c->founders[i])))) != DB_OK)
            return st;
        buf_printf(&t->detail, "%s%lld", i ? "," : "", (long long)c->founders[i]);
    }
    buf_puts(&t->detail, "]}");
    if ((st = mail_started(t->d, c->a, t->actor_id, c->org.name, c->lang)) != DB_OK)
        return st;
    c->id = res.id;
    return DB_OK;
}

db_status initiative_start(db *d, arena *a, const principal *p, const initiative_in *in,
                           lang_id lang, const char *ip, form_errors *errs, int64_t *id,
                           const char **slug)
{
    assert(d && a && p && in && errs && id && slug);
    *id = 0;
    *slug = NULL;
    size_t before = errs->n_items;
    if (p->token_id && !p->token_write) {
        valid_add_error(errs, "org", FE_SECRETARIAT_ONLY, 0, 0);
        return DB_CONSTRAINT;
    }
    const char *values[I__N] = {in->name,          in->name_en,        in->district,
                                in->region,        in->contact_name,   in->contact_email,
                                in->contact_phone, in->description_sr, in->description_en};
    form_value *v = arena_zalloc(a, I__N * sizeof *v);
    if (!v)
        return DB_NOMEM;
    valid_values(a, &table, values, v, errs, NULL);
    size_t n_sectors = 0;
    for (size_t i = 0; i < in->n_sectors; i++) {
        const char *s = in->sectors[i];
        if (str_empty(s))
            continue;
        n_sectors++;
        /* a NACE division: two digits (org_put checks it is a known code) */
        if (strlen(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
            if (!form_error_for(errs, "sectors"))
                valid_add_error(errs, "sectors", FE_UNKNOWN_CODE, 0, 0);
    }
    if (!n_sectors)
        valid_add_error(errs, "sectors", FE_REQUIRED, 0, 0);
    int64_t *founders;
    size_t n_founders;
    db_status st = resolve_founders(d, a, in, &founders, &n_founders, errs);
    if (st != DB_OK)
        return st;

    start_ctx c = {
        .a = a, .v = v, .founders = founders, .n_founders = n_founders, .lang = lang, .errs = errs};
    org_rec *o = &c.org;
    memset(o, 0, sizeof *o);
    o->name = v[I_NAME].text;
    o->name_en = v[I_NAME_EN].present ? v[I_NAME_EN].text : NULL;
    o->kind = "cluster_initiative";
    o->status = "draft"; /* public once the secretariat accepts it */
    o->sectors = in->sectors;
    o->n_sectors = in->n_sectors;
    o->district = v[I_DISTRICT].present ? v[I_DISTRICT].text : NULL;
    o->region = v[I_REGION].present ? v[I_REGION].text : NULL;
    o->description_sr = v[I_DESC].present ? v[I_DESC].text : NULL;
    o->description_en = v[I_DESC_EN].present ? v[I_DESC_EN].text : NULL;
    buf base = BUF_INIT;
    org_slugify(&base, o->name ? o->name : "initiative");
    if (buf_failed(&base)) {
        buf_free(&base);
        return DB_NOMEM;
    }
    /* org_free_slug may answer base itself: an arena copy outlives the buffer */
    const char *b = arena_strdup(a, base.len ? buf_str(&base) : "initiative");
    buf_free(&base);
    if (!b)
        return DB_NOMEM;
    st = org_free_slug(d, a, b, 0, &o->slug);
    if (st != DB_OK)
        return st;
    /* the entry's own rules (codes known, district within region, name
     * lengths), so every error shows at once */
    if (o->name && (st = org_validate(d, o, errs)) != DB_OK)
        return st;
    if (errs->n_items > before)
        return DB_CONSTRAINT;
    tx t = TX_INIT(p->person_id, ip, "initiative_start", "org", 0);
    t.bump = TX_DIRECTORY;
    st = tx_write(d, &t, start_body, &c);
    if (st == DB_OK) {
        *id = c.id;
        *slug = o->slug;
    }
    return st;
}

/* --- reading -------------------------------------------------------------------- */

#define INIT_COLS                                                                                  \
    "o.id, o.slug, o.name, o.name_en, o.status, coalesce(p.state, 'accepted'), p.reason,"          \
    " o.region, o.district, i.contact_name, i.contact_email, i.contact_phone,"                     \
    " coalesce(p.proposed_by, 0), coalesce(p.proposed_at, o.created_at),"                          \
    " (SELECT count(*) FROM initiative_founder f WHERE f.org_id = o.id), o.is_demo"
static const char SQL_LIST[] =
    "SELECT " INIT_COLS " FROM org o LEFT JOIN initiative i ON i.org_id = o.id"
    " LEFT JOIN org_proposal p ON p.org_id = o.id"
    " WHERE o.kind = 'cluster_initiative'"
    "   AND ((o.status = 'published' AND coalesce(p.state, 'accepted') = 'accepted')"
    "        OR ($1 AND i.org_id IS NOT NULL AND p.state = 'proposed'))"
    " ORDER BY o.name_folded, o.id LIMIT 500";
static const char SQL_GET[] = "SELECT " INIT_COLS " FROM org o JOIN initiative i ON i.org_id = o.id"
                              " LEFT JOIN org_proposal p ON p.org_id = o.id WHERE o.id = $1";
static const char SQL_FOUNDERS[] =
    "SELECT o.slug, o.name FROM initiative_founder f JOIN org o ON o.id = f.founder_id"
    " WHERE f.org_id = $1 ORDER BY o.name_folded, o.id";

static void init_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    initiative_rec *r = item;
    r->org_id = db_col_int(s, 0);
    r->slug = db_col_dup(a, s, 1, oom);
    r->name = db_col_dup(a, s, 2, oom);
    r->name_en = db_col_dup(a, s, 3, oom);
    r->status = db_col_dup(a, s, 4, oom);
    r->state = db_col_dup(a, s, 5, oom);
    r->reason = db_col_dup(a, s, 6, oom);
    r->region = db_col_dup(a, s, 7, oom);
    r->district = db_col_dup(a, s, 8, oom);
    r->contact_name = db_col_dup(a, s, 9, oom);
    r->contact_email = db_col_dup(a, s, 10, oom);
    r->contact_phone = db_col_dup(a, s, 11, oom);
    r->proposed_by = db_col_int(s, 12);
    r->proposed_at = db_col_int(s, 13);
    r->n_founders = db_col_int(s, 14);
    r->is_demo = db_col_int(s, 15) != 0;
}

db_status initiative_list(db *d, arena *a, bool pending, initiative_rec **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_LIST, DB_ARGS(DBI(pending ? 1 : 0)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, init_row, NULL);
}

typedef struct founder_row {
    const char *slug, *name;
} founder_row;

static void founder_fn(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    founder_row *f = item;
    f->slug = db_col_dup(a, s, 0, oom);
    f->name = db_col_dup(a, s, 1, oom);
}

db_status initiative_get(db *d, arena *a, int64_t org_id, initiative_rec *out,
                         const char ***founder_slugs, const char ***founder_names,
                         size_t *n_founders, bool *found)
{
    memset(out, 0, sizeof *out);
    *found = false;
    *n_founders = 0;
    db_stmt *s = db_query(d, SQL_GET, DB_ARGS(DBI(org_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_collect_one(s, a, out, sizeof *out, init_row, NULL, found);
    if (st != DB_OK || !*found)
        return st;
    founder_row *f = NULL;
    size_t nf = 0;
    if (!(s = db_query(d, SQL_FOUNDERS, DB_ARGS(DBI(org_id)))))
        return DB_ERR;
    if ((st = db_collect(s, a, (void **)&f, &nf, sizeof *f, founder_fn, NULL)) != DB_OK)
        return st;
    *founder_slugs = arena_alloc(a, (nf + 1) * sizeof **founder_slugs);
    *founder_names = arena_alloc(a, (nf + 1) * sizeof **founder_names);
    if (!*founder_slugs || !*founder_names)
        return DB_NOMEM;
    for (size_t i = 0; i < nf; i++) {
        (*founder_slugs)[i] = f[i].slug;
        (*founder_names)[i] = f[i].name;
    }
    *n_founders = nf;
    return DB_OK;
}

/* --- acceptance ----------------------------------------------------------------- */

static const char SQL_IS_INITIATIVE[] = "SELECT count(*) FROM initiative WHERE org_id = $1";
static const char SQL_FOUNDER_IDS[] =
    "SELECT founder_id FROM initiative_founder WHERE org_id = $1 ORDER BY founder_id";
static const char SQL_MANAGER[] =
    "INSERT INTO affiliation(person_id, org_id, role, started_at, created_by)"
    " SELECT $1, $2, 'manager', $3, nullif($4, 0) WHERE NOT EXISTS (SELECT 1 FROM affiliation"
    " WHERE person_id = $1 AND org_id = $2 AND role = 'manager' AND ended_at IS NULL)";
static const char SQL_TEAM[] =
    "INSERT INTO cluster_team(org_id, person_id, role, role_en, fte_milli, since, invited,"
    " manager, invited_by, affiliation_id) VALUES ($1, $2, 'Координатор иницијативе',"
    " 'Initiative coordinator', 0, $3, 0, 1, nullif($4, 0),"
    " (SELECT max(id) FROM affiliation WHERE person_id = $2 AND org_id = $1"
    "   AND role = 'manager' AND ended_at IS NULL))";
static const char SQL_STAGE[] =
    "INSERT INTO cluster_stage(org_id, stage, reached_on, created_at, created_by)"
    " VALUES ($1, 'initiative', $2, $3, nullif($4, 0)) ON CONFLICT DO NOTHING";

db_status initiative_accepted_tx(db *d, int64_t org_id, int64_t proposer_id, int64_t actor_id)
{
    assert(d && db_in_tx(d));
    int64_t n = 0;
    db_status st = db_int(d, &n, 0, SQL_IS_INITIATIVE, DB_ARGS(DBI(org_id)));
    if (st != DB_OK || !n)
        return st;
    char today[11];
    time_today(today);
    int64_t now = time_now();
    if ((st = db_do(d, SQL_STAGE, DB_ARGS(DBI(org_id), DBT(today), DBI(now), DBI(actor_id)))) !=
        DB_OK)
        return st;
    if (proposer_id) {
        if ((st = db_do(d, SQL_MANAGER,
                        DB_ARGS(DBI(proposer_id), DBI(org_id), DBI(now), DBI(actor_id)))) != DB_OK)
            return st;
        if ((st = db_do(d, SQL_TEAM,
                        DB_ARGS(DBI(org_id), DBI(proposer_id), DBT(today), DBI(actor_id)))) !=
            DB_OK)
            return st;
    }
    /* the ids first: membership_propose_tx prepares statements of its own */
    int64_t ids[INITIATIVE_MAX_FOUNDERS];
    size_t n_ids = 0;
    db_stmt *s = db_query(d, SQL_FOUNDER_IDS, DB_ARGS(DBI(org_id)));
    if (!s)
        return DB_ERR;
    while ((st = db_step(s)) == DB_ROW && n_ids < INITIATIVE_MAX_FOUNDERS)
        ids[n_ids++] = db_col_int(s, 0);
    db_reset(s);
    if (st != DB_DONE && st != DB_ROW)
        return st;
    for (size_t i = 0; i < n_ids; i++) {
        form_errors fe = {0};
        st = membership_propose_tx(d, proposer_id ? proposer_id : actor_id, org_id, ids[i],
                                   "founding_member", today, NULL, &fe);
        if (st == DB_CONSTRAINT) /* no longer published, or proposed meanwhile: skipped */
            st = DB_OK;
        if (st != DB_OK)
            return st;
    }
    return DB_OK;
}
