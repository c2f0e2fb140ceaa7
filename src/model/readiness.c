/* readiness.c: the readiness check (see readiness.h). Computed criteria
 * read the cluster's own data through the modules that own it: the team
 * and the profile (cluster_get), the current members (cluster_members, the
 * accepted memberships only), the entry's PIB and registration number
 * (org_get) and the figures coverage rule (figures_total's covered, the
 * secretariat's minimum share). Nothing computed is stored. */
#include "model/readiness.h"

#include <assert.h>
#include <string.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/cluster.h"
#include "model/figures.h"
#include "model/org.h"
#include "model/rights.h"
#include "model/tx.h"

static const char *const codes[RD__COUNT] = {
    [RD_TEAM_FTE] = "team_fte",         [RD_WEBSITE_EN] = "website_en",
    [RD_MEMBERS] = "members",           [RD_MEMBER_TYPES] = "member_types",
    [RD_LEGAL_ENTITY] = "legal_entity", [RD_STRATEGY] = "strategy",
    [RD_FIGURES] = "figures",           [RD_FEE_SCHEME] = "fee_scheme",
    [RD_SERVICES] = "services",
};

/* The criteria a person may answer (the data cannot always tell them). */
static const char *const answerable_codes[] = {"team_fte", "website_en",   "strategy", "fee_scheme",
                                               "services", "legal_entity", NULL};
static const char *const yes_no[] = {"yes", "no", NULL};

const char *readiness_code(readiness_criterion c)
{
    return c < RD__COUNT ? codes[c] : "";
}

int readiness_criterion_of(const char *code)
{
    for (int i = 0; code && i < RD__COUNT; i++)
        if (strcmp(codes[i], code) == 0)
            return i;
    return -1;
}

/* The stage mapping of readiness.h: each stage lists what it needs beyond
 * the one before. */
static const readiness_criterion needs_emerging[] = {RD_LEGAL_ENTITY, RD_STRATEGY, RD_MEMBER_TYPES};
static const readiness_criterion needs_developing[] = {RD_TEAM_FTE, RD_FEE_SCHEME, RD_SERVICES,
                                                       RD_FIGURES};
static const readiness_criterion needs_established[] = {RD_MEMBERS, RD_WEBSITE_EN};

static bool all_met(const bool met[RD__COUNT], const readiness_criterion *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!met[c[i]])
            return false;
    return true;
}

const char *readiness_stage_of(const bool met[RD__COUNT])
{
#define ALL(x) all_met(met, x, sizeof x / sizeof x[0])
    if (!ALL(needs_emerging))
        return "initiative";
    if (!ALL(needs_developing))
        return "emerging";
    if (!ALL(needs_established))
        return "developing";
    return "established";
#undef ALL
}

bool readiness_may_read(db *d, const principal *p, int64_t org_id)
{
    if (!p)
        return false;
    principal q = *p; /* reading is no write: a read-only token reads as its owner */
    q.token_write = true;
    return rights_can(d, &q, RIGHT_ORG_EDIT, org_id);
}

bool readiness_may_answer(db *d, const principal *p, int64_t org_id)
{
    return p && rights_can(d, p, RIGHT_ORG_EDIT, org_id);
}

/* --- computing ------------------------------------------------------------------ */

static const char SQL_KIND[] = "SELECT kind FROM org WHERE id = $1";
static const char SQL_ANSWERS[] =
    "SELECT a.criterion, a.met, a.url, a.note, coalesce(a.answered_by, 0), a.answered_at,"
    " CASE WHEN p.erased_at IS NULL THEN p.name END"
    " FROM readiness_answer a LEFT JOIN person p ON p.id = a.answered_by WHERE a.org_id = $1";
static const char SQL_STAGE[] =
    "SELECT stage FROM cluster_stage WHERE org_id = $1 ORDER BY reached_on DESC, id DESC LIMIT 1";

/* The type of member a kind stands for: companies; research (universities,
 * institutes, technology centres, science parks); public bodies; support
 * organisations (chambers, incubators, start-up centres, NGOs, donors);
 * clusters. */
static int member_type(const char *kind)
{
    static const char *const types[][6] = {
        {"company", NULL},
        {"university", "research_institute", "tech_centre", "science_park", NULL},
        {"public_authority", NULL},
        {"chamber", "incubator", "startup_centre", "ngo", "donor", NULL},
        {"cluster", "cluster_initiative", "cluster_association", NULL},
    };
    for (int t = 0; t < (int)(sizeof types / sizeof types[0]); t++)
        for (int i = 0; kind && types[t][i]; i++)
            if (strcmp(types[t][i], kind) == 0)
                return t;
    return 3; /* anything else supports */
}
#define MEMBER_TYPE_PUBLIC 2

static void answered(readiness_item *it, db_stmt *s, arena *a, bool *oom)
{
    it->computed = false;
    it->state = db_col_int(s, 1) ? RD_STATE_MET : RD_STATE_NOT_MET;
    it->url = db_col_dup(a, s, 2, oom);
    it->note = db_col_dup(a, s, 3, oom);
    it->answered_by = db_col_int(s, 4);
    it->answered_at = db_col_int(s, 5);
    it->answered_by_name = db_col_dup(a, s, 6, oom);
    /* an English website is met only with its address */
    if (it->criterion == RD_WEBSITE_EN && it->state == RD_STATE_MET && str_empty(it->url))
        it->state = RD_STATE_NOT_MET;
}

static void computed(readiness_item *it, bool met, int64_t value, int64_t target)
{
    it->computed = true;
    it->state = met ? RD_STATE_MET : RD_STATE_NOT_MET;
    it->value = value;
    it->target = target;
}

db_status readiness_get(db *d, arena *a, int64_t org_id, readiness *out)
{
    assert(d && a && out);
    memset(out, 0, sizeof *out);
    out->org_id = org_id;
    for (int i = 0; i < RD__COUNT; i++) {
        out->items[i].criterion = (readiness_criterion)i;
        out->items[i].code = codes[i];
        out->items[i].value = out->items[i].target = -1;
        for (size_t k = 0; answerable_codes[k]; k++)
            if (strcmp(answerable_codes[k], codes[i]) == 0)
                out->items[i].answerable = true;
    }
    bool oom = false;
    db_stmt *s = db_query(d, SQL_KIND, DB_ARGS(DBI(org_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    bool cluster = st == DB_ROW && db_col_text(s, 0) &&
                   (strcmp(db_col_text(s, 0), "cluster") == 0 ||
                    strcmp(db_col_text(s, 0), "cluster_initiative") == 0);
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        return st;
    if (!cluster)
        return DB_DONE;

    /* stored answers first; computed criteria overwrite what the data tells */
    if (!(s = db_query(d, SQL_ANSWERS, DB_ARGS(DBI(org_id)))))
        return DB_ERR;
    while ((st = db_step(s)) == DB_ROW) {
        int c = readiness_criterion_of(db_col_text(s, 0));
        if (c >= 0)
            answered(&out->items[c], s, a, &oom);
    }
    db_reset(s);
    if (st != DB_DONE)
        return st;
    if (!(s = db_query(d, SQL_STAGE, DB_ARGS(DBI(org_id)))))
        return DB_ERR;
    if ((st = db_step(s)) == DB_ROW)
        out->stage_now = db_col_dup(a, s, 0, &oom);
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        return st;

    cluster_info ci;
    if ((st = cluster_get(d, a, org_id, false, &ci)) != DB_OK)
        return st;
    char today[11];
    time_today(today);
    int64_t fte = 0;
    for (size_t i = 0; i < ci.n_team; i++)
        if (!ci.team[i].invited && (!ci.team[i].until || strcmp(ci.team[i].until, today) > 0))
            fte += ci.team[i].fte_milli;
    if (fte > 0) /* the team records FTE: the data tells */
        computed(&out->items[RD_TEAM_FTE], fte >= READINESS_MIN_FTE_MILLI, fte,
                 READINESS_MIN_FTE_MILLI);
    if (!str_empty(ci.vision) || !str_empty(ci.mission) || !str_empty(ci.goals))
        computed(&out->items[RD_STRATEGY], true, -1, -1);
    if (!str_empty(ci.services))
        computed(&out->items[RD_SERVICES], true, -1, -1);

    cluster_member_rec *m;
    size_t n_m;
    if ((st = cluster_members(d, a, org_id, NULL, &m, &n_m)) != DB_OK)
        return st;
    computed(&out->items[RD_MEMBERS], n_m >= READINESS_MIN_MEMBERS, (int64_t)n_m,
             READINESS_MIN_MEMBERS);
    bool seen[5] = {0};
    int64_t n_types = 0;
    for (size_t i = 0; i < n_m; i++) {
        int t = member_type(m[i].kind);
        n_types += !seen[t];
        seen[t] = true;
    }
    computed(&out->items[RD_MEMBER_TYPES], n_types >= 2 || seen[MEMBER_TYPE_PUBLIC], n_types, 2);

    org_rec o;
    bool found = false;
    if ((st = org_get(d, a, NULL, org_id, &o, &found)) != DB_OK)
        return st;
    /* a tax or registration number proves a legal entity; without one the
     * directory simply may not have it yet, so the team answers */
    if (found && (!str_empty(o.pib) || !str_empty(o.mb)))
        computed(&out->items[RD_LEGAL_ENTITY], true, -1, -1);

    /* the last complete year, by figures.h's coverage rule */
    out->figures_year = time_year() - 1;
    figure_query q = {.scope = FIG_SCOPE_CLUSTER,
                      .cluster_id = org_id,
                      .group = FIG_GROUP_NONE,
                      .year = out->figures_year};
    figure_total *ft;
    size_t n_ft;
    if ((st = figures_total(d, a, &q, &ft, &n_ft)) != DB_OK)
        return st;
    bool covered = n_ft && ft[0].members > 0 && ft[0].covered;
    computed(&out->items[RD_FIGURES], covered, n_ft ? ft[0].reported : 0,
             n_ft ? ft[0].members : -1);

    bool met[RD__COUNT];
    for (int i = 0; i < RD__COUNT; i++) {
        met[i] = out->items[i].state == RD_STATE_MET;
        out->n_met += met[i];
    }
    out->ready_for = readiness_stage_of(met);
    return oom ? DB_NOMEM : DB_OK;
}

db_status readiness_summary(db *d, arena *a, int64_t org_id, int *n_met, const char **ready_for)
{
    readiness *r = arena_alloc(a, sizeof *r);
    if (!r)
        return DB_NOMEM;
    db_status st = readiness_get(d, a, org_id, r);
    *n_met = st == DB_OK ? r->n_met : 0;
    *ready_for = st == DB_OK ? r->ready_for : NULL;
    return st;
}

/* --- answering ------------------------------------------------------------------ */

enum { A_CRITERION, A_MET, A_URL, A_NOTE, A__COUNT };
static const form_rule answer_rules[A__COUNT] = {
    [A_CRITERION] = {"criterion", FV_ENUM, FORM_REQUIRED, 0, 0, answerable_codes},
    [A_MET] = {"met", FV_ENUM, FORM_REQUIRED, 0, 0, yes_no},
    [A_URL] = {"url", FV_URL, 0, 0, 500, NULL},
    [A_NOTE] = {"note", FV_TEXT, 0, 0, 500, NULL},
};

/* An English website answered "yes" needs its address. */
static void website_needs_url(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    if (v[A_CRITERION].present && v[A_MET].present && v[A_CRITERION].text &&
        strcmp(v[A_CRITERION].text, "website_en") == 0 && v[A_MET].i == 0 && !v[A_URL].present &&
        !form_error_for(errs, "url"))
        valid_add_error(errs, "url", FE_REQUIRED, 0, 0);
}

static const valid_cross_fn answer_cross[] = {website_needs_url};
static const valid_table answer_table = {answer_rules, A__COUNT, answer_cross, 1};

typedef struct answer_ctx {
    int64_t org_id;
    const char *criterion, *url, *note;
    bool met;
} answer_ctx;

static const char SQL_PUT[] =
    "INSERT INTO readiness_answer(org_id, criterion, met, url, note, answered_by, answered_at)"
    " VALUES ($1, $2, $3, $4, $5, nullif($6, 0), $7)"
    " ON CONFLICT (org_id, criterion) DO UPDATE SET met = excluded.met, url = excluded.url,"
    " note = excluded.note, answered_by = excluded.answered_by,"
    " answered_at = excluded.answered_at";

static const char SQL_IS_CLUSTER[] =
    "SELECT count(*) FROM org WHERE id = $1 AND kind IN ('cluster', 'cluster_initiative')";

static db_status answer_body(tx *t, void *vctx)
{
    answer_ctx *c = vctx;
    buf_reset(&t->detail);
    buf_puts(&t->detail, "{\"criterion\":");
    json_put_string(&t->detail, c->criterion);
    buf_printf(&t->detail, ",\"met\":%s", c->met ? "true" : "false");
    if (c->url) {
        buf_puts(&t->detail, ",\"url\":");
        json_put_string(&t->detail, c->url);
    }
    buf_putc(&t->detail, '}');
    return db_do(t->d, SQL_PUT,
                 DB_ARGS(DBI(c->org_id), DBT(c->criterion), DBI(c->met ? 1 : 0),
                         c->url ? DBT(c->url) : DBNULL, c->note ? DBT(c->note) : DBNULL,
                         DBI(t->actor_id), DBI(time_now())));
}

db_status readiness_answer(db *d, int64_t org_id, const char *code, const char *met,
                           const char *url, const char *note, int64_t actor_id, const char *ip,
                           form_errors *errs)
{
    assert(d && errs);
    arena a = ARENA_INIT;
    form_value v[A__COUNT];
    const char *values[A__COUNT] = {code, met, url, note};
    size_t before = errs->n_items;
    db_status st = DB_CONSTRAINT;
    if (!valid_values(&a, &answer_table, values, v, errs, NULL) || errs->n_items > before)
        goto done;
    int64_t is_cluster = 0;
    if ((st = db_int(d, &is_cluster, 0, SQL_IS_CLUSTER, DB_ARGS(DBI(org_id)))) != DB_OK)
        goto done;
    if (!is_cluster) {
        valid_add_error(errs, "org", FE_NOT_CLUSTER, 0, 0);
        st = DB_CONSTRAINT;
        goto done;
    }
    answer_ctx c = {.org_id = org_id,
                    .criterion = v[A_CRITERION].text,
                    .met = v[A_MET].i == 0,
                    .url = v[A_URL].present ? v[A_URL].text : NULL,
                    .note = v[A_NOTE].present ? v[A_NOTE].text : NULL};
    tx t = TX_INIT(actor_id, ip, "readiness_answer", "org", org_id);
    st = tx_write(d, &t, answer_body, &c);
done:
    arena_free(&a);
    return st;
}
