/* project.c: joint projects (see project.h): the validation table, the
 * one write (a project with all its participants, replaced as a whole),
 * reads under the visibility rule, the list with its filters, and the
 * portfolio's once-only totals. The network is in project_network.c.
 *
 * Every read binds the viewer as $1 (person, 0 for the public) and $2 (1
 * for the secretariat) and filters with VISIBLE, one text for all of
 * them, so no read can forget the rule. */
#include "model/project.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/num.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/notify.h"
#include "model/project_sql.h"
#include "model/rights.h"
#include "model/tx.h"
#include "core/strutil.h"
#include "db/db.h"

const char *const project_statuses[] = {"idea",     "preparation", "submitted", "approved",
                                        "rejected", "running",     "closed",    NULL};
const char *const project_roles[] = {"lead", "partner", "associate", NULL};
const char *const project_visibilities[] = {"public", "participants", NULL};

/* The visibility rule over project alias P, with the viewer in $1 / $2
 * (project_sql.h). */
#define VISIBLE(P) PROJECT_VISIBLE(P)

/* Whether the viewer ($1 / $2) is shown project P's funder (0044): once it
 * confirmed, everyone; before, only the secretariat and those who speak
 * for the funder or for a participant (RIGHTS_SQL_SPEAKS: a
 * representative, or the manager of a cluster or cluster initiative; a
 * "manager" of a company speaks for nobody and sees nothing more than the
 * public). A funder not shown is no funder to that reader: no name, no
 * grant, no filter. */
#define FUNDER_SEEN(P)                                                                             \
    "(" P ".funder_consent = 'confirmed' OR $2 = 1 OR EXISTS (SELECT 1 FROM affiliation fa"        \
    " JOIN org fo ON fo.id = fa.org_id WHERE fa.person_id = $1"                                    \
    " AND " RIGHTS_SQL_SPEAKS(                                                                     \
        "fa", "fo") " AND (fa.org_id = " P ".funder_id"                                            \
                    " OR fa.org_id IN (SELECT fp.org_id FROM project_participant fp"               \
                    " WHERE fp.project_id = " P ".id AND fp.consent <> 'declined'))))"

/* Whether the viewer ($2) is shown call C a project names: a published
 * call, or any for the secretariat. A draft (or withdrawn) call is the
 * secretariat's: a project naming it shows no call to anyone else (its
 * title reached the public through a project that named its number). */
#define CALL_SEEN(C) "(" C ".status = 'published' OR $2 = 1)"

/* The participations that count (0035): confirmed ones. Every list filter,
 * total and tie reads participants through this, never the bare table. */
#define CONFIRMED_PP "(SELECT * FROM project_participant WHERE consent = 'confirmed')"

static db_val int_or_null(int64_t v)
{
    return v >= 0 ? DBI(v) : DBNULL;
}

/* --- validation ------------------------------------------------------------------ */

enum {
    PR_TITLE_SR,
    PR_TITLE_EN,
    PR_ACRONYM,
    PR_PROGRAMME,
    PR_FUNDER,
    PR_CALL,
    PR_STATUS,
    PR_SUBMITTED_ON,
    PR_STARTS_ON,
    PR_ENDS_ON,
    PR_BUDGET,
    PR_GRANT,
    PR_COFIN,
    PR_OUTPUTS_SR,
    PR_OUTPUTS_EN,
    PR_VISIBILITY,
    PR_PROGRAMME_EN, /* 0055; last, so the positional lists above keep their order */
    PR_N
};
static const form_rule project_rules[PR_N] = {
    [PR_TITLE_SR] = {"title_sr", FV_TEXT, FORM_REQUIRED, 2, PROJECT_TITLE_MAX, NULL},
    [PR_TITLE_EN] = {"title_en", FV_TEXT, 0, 0, PROJECT_TITLE_MAX, NULL},
    [PR_ACRONYM] = {"acronym", FV_TEXT, 0, 0, 40, NULL},
    [PR_PROGRAMME] = {"programme", FV_TEXT, 0, 0, 200, NULL},
    [PR_FUNDER] = {"funder", FV_TEXT, 0, 0, 200, NULL},
    [PR_CALL] = {"call", FV_INT, 0, 1, INT64_MAX, NULL},
    [PR_STATUS] = {"status", FV_ENUM, FORM_REQUIRED, 0, 0, project_statuses},
    [PR_SUBMITTED_ON] = {"submitted_on", FV_DATE, 0, 0, 0, NULL},
    [PR_STARTS_ON] = {"starts_on", FV_DATE, 0, 0, 0, NULL},
    [PR_ENDS_ON] = {"ends_on", FV_DATE, 0, 0, 0, NULL},
    [PR_BUDGET] = {"budget", FV_MONEY, 0, 0, PROJECT_MONEY_MAX, NULL},
    [PR_GRANT] = {"grant", FV_MONEY, 0, 0, PROJECT_MONEY_MAX, NULL},
    [PR_COFIN] = {"cofin", FV_MONEY, 0, 0, 100, NULL},
    [PR_OUTPUTS_SR] = {"outputs_sr", FV_MULTILINE, 0, 0, PROJECT_TEXT_MAX, NULL},
    [PR_OUTPUTS_EN] = {"outputs_en", FV_MULTILINE, 0, 0, PROJECT_TEXT_MAX, NULL},
    [PR_VISIBILITY] = {"visibility", FV_ENUM, FORM_REQUIRED, 0, 0, project_visibilities},
    [PR_PROGRAMME_EN] = {"programme_en", FV_TEXT, 0, 0, 200, NULL},
};

/* An English programme name translates the Serbian one, the name lists
 * and filters go by: it needs the Serbian name beside it. */
static void programme_named(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    if (v[PR_PROGRAMME_EN].present && !v[PR_PROGRAMME].present &&
        !form_error_for(errs, "programme"))
        valid_add_error(errs, "programme", FE_REQUIRED, 0, 0);
}

/* The grant is part of the budget. */
static void grant_within_budget(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    if (v[PR_BUDGET].present && v[PR_GRANT].present && !form_error_for(errs, "grant") &&
        !form_error_for(errs, "budget") && v[PR_GRANT].i > v[PR_BUDGET].i)
        valid_add_error(errs, "grant", FE_MISMATCH, 0, 0);
}

/* A project ends on or after its start. */
static void ends_after_start(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    if (v[PR_STARTS_ON].present && v[PR_ENDS_ON].present && !form_error_for(errs, "ends_on") &&
        !form_error_for(errs, "starts_on") && strcmp(v[PR_ENDS_ON].text, v[PR_STARTS_ON].text) < 0)
        valid_add_error(errs, "ends_on", FE_DATE_ORDER, 0, 0);
}

/* At least one participant, exactly one lead, known roles, shares that are
 * amounts (or empty: unknown), none twice, and known shares that fit in
 * the project: each at most PROJECT_MONEY_MAX, together at most the grant
 * (or, without one, the total budget) when it is given (the portfolio sums shares: an unbounded one
 * overflowed its sums, a 500 for everyone, and one lead could claim any
 * amount raised). FE_REQUIRED: nobody; FE_MISMATCH: no lead or more than
 * one; FE_CHOICE: a role; FE_NOT_MONEY: a share; FE_RANGE: shares over the
 * budget or the limit; FE_TAKEN: an entry twice; FE_TOO_LONG: too many. */
static void participants_ok(const form_value *v, const void *ctx, form_errors *errs)
{
    const project_input *in = ctx;
    size_t n = 0, leads = 0;
    int64_t shares = 0; /* at most PROJECT_PARTS_MAX shares of at most 10^11 cents */
    if (in->n_parts > PROJECT_PARTS_MAX) {
        valid_add_error(errs, "participants", FE_TOO_LONG, 0, PROJECT_PARTS_MAX);
        return;
    }
    for (size_t i = 0; i < in->n_parts; i++) {
        const project_part_in *p = &in->parts[i];
        if (!p->org || !*p->org)
            continue; /* an empty row of the form */
        n++;
        if (!str_in(p->role, project_roles)) {
            valid_add_error(errs, "participants", FE_CHOICE, 0, 0);
            return;
        }
        leads += strcmp(p->role, "lead") == 0;
        int64_t cents;
        if (p->share && *p->share &&
            (num_parse(p->share, strlen(p->share), 2, &cents) != NUM_OK || cents < 0)) {
            valid_add_error(errs, "participants", FE_NOT_MONEY, 0, 0);
            return;
        }
        if (p->share && *p->share) {
            if (cents > PROJECT_MONEY_MAX * 100) {
                valid_add_error(errs, "participants", FE_RANGE, 0, PROJECT_MONEY_MAX);
                return;
            }
            shares += cents;
        }
        for (size_t k = 0; k < i; k++)
            if (in->parts[k].org && strcmp(in->parts[k].org, p->org) == 0) {
                valid_add_error(errs, "participants", FE_TAKEN, 0, 0);
                return;
            }
    }
    /* a share is of the grant (the form says so); without a grant, of the budget */
    int f = v[PR_GRANT].present && !form_error_for(errs, "grant")     ? PR_GRANT
            : v[PR_BUDGET].present && !form_error_for(errs, "budget") ? PR_BUDGET
                                                                      : -1;
    if (f >= 0 && shares > v[f].i) {
        valid_add_error(errs, "participants", FE_RANGE, 0, v[f].i / 100);
        return;
    }
    if (n == 0)
        valid_add_error(errs, "participants", FE_REQUIRED, 0, 0);
    else if (leads != 1)
        valid_add_error(errs, "participants", FE_MISMATCH, (int64_t)leads, 1);
}

static const valid_cross_fn project_cross[] = {grant_within_budget, ends_after_start,
                                               participants_ok, programme_named};
static const valid_table project_table = {project_rules, PR_N, project_cross,
                                          sizeof project_cross / sizeof project_cross[0]};

/* --- reads ----------------------------------------------------------------------- */

#define PROJECT_COLS                                                                               \
    "p.id, p.title_sr, p.title_en, p.acronym, p.programme, coalesce(f.id, 0), f.slug,"             \
    " f.name, f.name_en, coalesce(c.id, 0), c.title_sr, c.title_en, p.status,"                     \
    " p.submitted_on, p.starts_on, p.ends_on, coalesce(p.budget_cents, -1),"                       \
    " CASE WHEN p.funder_id IS NOT NULL AND f.id IS NULL THEN -1 ELSE coalesce(p.grant_cents, -1)" \
    " END, coalesce(p.cofin_milli, -1), p.outputs_sr, p.outputs_en,"                               \
    " p.visibility, p.is_demo, coalesce(l.id, 0), l.slug, l.name, l.name_en, p.updated_at,"        \
    " CASE WHEN f.id IS NULL THEN NULL ELSE p.funder_consent END, p.funder_reason,"                \
    " p.programme_en"
/* The formatter folds the macro arguments below into a staircase. */
/* clang-format off */
#define PROJECT_FROM                                                                               \
    " FROM project p LEFT JOIN org f ON f.id = p.funder_id AND " FUNDER_SEEN("p")                  \
    " LEFT JOIN funding_call c ON c.id = p.call_id AND " CALL_SEEN("c")                            \
    " LEFT JOIN project_participant lp ON lp.project_id = p.id AND lp.role = 'lead'"               \
    " LEFT JOIN org l ON l.id = lp.org_id"
/* clang-format on */

static void project_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    project_rec *p = item;
    p->id = db_col_int(s, 0);
    p->title_sr = db_col_dup(a, s, 1, oom);
    p->title_en = db_col_dup(a, s, 2, oom);
    p->acronym = db_col_dup(a, s, 3, oom);
    p->programme = db_col_dup(a, s, 4, oom);
    p->funder_id = db_col_int(s, 5);
    p->funder_slug = db_col_dup(a, s, 6, oom);
    p->funder_name = db_col_dup(a, s, 7, oom);
    p->funder_name_en = db_col_dup(a, s, 8, oom);
    p->call_id = db_col_int(s, 9);
    p->call_title = db_col_dup(a, s, 10, oom);
    p->call_title_en = db_col_dup(a, s, 11, oom);
    p->status = db_col_dup(a, s, 12, oom);
    p->submitted_on = db_col_dup(a, s, 13, oom);
    p->starts_on = db_col_dup(a, s, 14, oom);
    p->ends_on = db_col_dup(a, s, 15, oom);
    p->budget_cents = db_col_int(s, 16);
    p->grant_cents = db_col_int(s, 17);
    p->cofin_milli = db_col_int(s, 18);
    p->outputs_sr = db_col_dup(a, s, 19, oom);
    p->outputs_en = db_col_dup(a, s, 20, oom);
    p->visibility = db_col_dup(a, s, 21, oom);
    p->is_demo = db_col_int(s, 22) != 0;
    p->lead_id = db_col_int(s, 23);
    p->lead_slug = db_col_dup(a, s, 24, oom);
    p->lead_name = db_col_dup(a, s, 25, oom);
    p->lead_name_en = db_col_dup(a, s, 26, oom);
    p->updated_at = db_col_int(s, 27);
    p->funder_consent = db_col_dup(a, s, 28, oom);
    p->funder_reason = p->funder_consent ? db_col_dup(a, s, 29, oom) : NULL;
    p->programme_en = db_col_dup(a, s, 30, oom);
}

static const char SQL_GET[] =
    "SELECT " PROJECT_COLS PROJECT_FROM " WHERE p.id = $3 AND " VISIBLE("p");
/* Participants; one not confirmed only for the secretariat ($3 = 1) and
 * those ($2) who speak for one of the project's participants
 * (RIGHTS_SQL_SPEAKS, as FUNDER_SEEN). */
static const char SQL_PARTS[] =
    "SELECT o.id, o.slug, o.name, o.name_en, o.kind, pp.role, coalesce(pp.share_cents, -1),"
    " pp.consent, pp.reason"
    " FROM project_participant pp JOIN org o ON o.id = pp.org_id WHERE pp.project_id = $1"
    " AND (pp.consent = 'confirmed' OR $3 = 1 OR EXISTS (SELECT 1 FROM project_participant xp"
    "  JOIN affiliation xa ON xa.org_id = xp.org_id JOIN org xo ON xo.id = xa.org_id"
    "  WHERE xp.project_id = $1 AND xa.person_id = $2 AND " RIGHTS_SQL_SPEAKS(
        "xa", "xo") "))"
                    " ORDER BY pp.role <> 'lead', pp.role, o.name_folded, o.id";

static void part_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    project_part *p = item;
    p->org_id = db_col_int(s, 0);
    p->slug = db_col_dup(a, s, 1, oom);
    p->name = db_col_dup(a, s, 2, oom);
    p->name_en = db_col_dup(a, s, 3, oom);
    p->kind = db_col_dup(a, s, 4, oom);
    p->role = db_col_dup(a, s, 5, oom);
    p->share_cents = db_col_int(s, 6);
    p->share_known = p->share_cents >= 0;
    p->consent = db_col_dup(a, s, 7, oom);
    p->reason = db_col_dup(a, s, 8, oom);
}

static db_val viewer_person(const project_viewer *v)
{
    return DBI(v ? v->person_id : 0);
}
static db_val viewer_sec(const project_viewer *v)
{
    return DBI(v && v->secretariat ? 1 : 0);
}

db_status project_get(db *d, arena *a, const project_viewer *v, int64_t id, project_rec *out,
                      bool *found)
{
    assert(d && a && out && found);
    memset(out, 0, sizeof *out);
    *found = false;
    db_stmt *s = db_query(d, SQL_GET, DB_ARGS(viewer_person(v), viewer_sec(v), DBI(id)));
    if (!s)
        return DB_ERR;
    db_status st = db_collect_one(s, a, out, sizeof *out, project_row, NULL, found);
    if (st != DB_OK || !*found)
        return st;
    s = db_query(d, SQL_PARTS, DB_ARGS(DBI(id), viewer_person(v), viewer_sec(v)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)&out->parts, &out->n_parts, sizeof *out->parts, part_row,
                      NULL);
}

static const char SQL_LEAD_OF[] =
    "SELECT org_id FROM project_participant WHERE project_id = $1 AND role = 'lead'";

db_status project_lead_of(db *d, int64_t id, int64_t *lead)
{
    return db_int(d, lead, 0, SQL_LEAD_OF, DB_ARGS(DBI(id)));
}

/* entries the directory shows (published, or archived: past projects keep
 * their participants); a draft or a proposal waiting for the secretariat is
 * nobody's to name in a public project */
static const char SQL_ORG_BY_ID[] =
    "SELECT id FROM org WHERE id = $1 AND status IN ('published', 'archived')";
static const char SQL_ORG_BY_SLUG[] =
    "SELECT id FROM org WHERE slug = $1 AND status IN ('published', 'archived')";

db_status project_resolve_org(db *d, const char *org, int64_t *org_id)
{
    *org_id = 0;
    if (!org || !*org)
        return DB_OK;
    char *end = NULL;
    long long v = strtoll(org, &end, 10);
    if (end && *end == '\0' && v > 0)
        return db_int(d, org_id, 0, SQL_ORG_BY_ID, DB_ARGS(DBI(v)));
    return db_int(d, org_id, 0, SQL_ORG_BY_SLUG, DB_ARGS(DBT(org)));
}

/* The list: $3 status, $4 programme, $5 funder slug, $6 cluster slug, $7
 * sector, $8 year, $9 org id (0: any), $10 today, $11 limit. */
#define LIST_WHERE                                                                                 \
    " WHERE " VISIBLE(                                                                             \
        "p") " AND ($3 IS NULL OR p.status = $3)"                                                  \
             " AND ($4 IS NULL OR p.programme = $4) AND ($5 IS NULL OR f.slug = $5)"               \
             " AND ($6 IS NULL OR EXISTS (SELECT 1 FROM org co JOIN project_participant cp"        \
             "  ON cp.project_id = p.id AND cp.consent = 'confirmed' WHERE co.slug = $6 AND "      \
             "(cp.org_id = co.id OR cp.org_id IN"                                                  \
             "  (SELECT m.org_id FROM cluster_member m WHERE m.cluster_id = co.id"                 \
             "   AND (m.left_on IS NULL OR m.left_on > $10)))))"                                   \
             " AND ($7 IS NULL OR EXISTS (SELECT 1 FROM project_participant sp JOIN org_sector ss" \
             "  ON ss.org_id = sp.org_id JOIN ref_nace sn ON sn.code = ss.code WHERE "             \
             "sp.project_id = p.id AND sp.consent = 'confirmed'"                                   \
             "  AND (ss.code = $7 OR sn.parent = $7)))"                                            \
             " AND ($8 IS NULL OR CASE WHEN p.starts_on IS NOT NULL THEN substr(p.starts_on, 1, "  \
             "4) <= $8"                                                                            \
             "  AND coalesce(substr(p.ends_on, 1, 4), substr(p.starts_on, 1, 4)) >= $8"            \
             "  ELSE substr(p.submitted_on, 1, 4) = $8 END)"                                       \
             " AND ($9 = 0 OR EXISTS (SELECT 1 FROM project_participant op WHERE op.project_id = " \
             "p.id"                                                                                \
             "  AND op.org_id = $9 AND op.consent = 'confirmed'))"
#define LIST_SQL(order)                                                                            \
    "SELECT " PROJECT_COLS PROJECT_FROM LIST_WHERE " ORDER BY " order " LIMIT $11"

static const char *const list_sql[] = {
    [PROJECT_SORT_START] = LIST_SQL("coalesce(p.starts_on, p.submitted_on, '') DESC, p.id DESC"),
    [PROJECT_SORT_TITLE] = LIST_SQL("p.title_sr, p.id"),
    [PROJECT_SORT_GRANT] = LIST_SQL("coalesce(p.grant_cents, -1) DESC, p.id DESC"),
    [PROJECT_SORT_STATUS] =
        LIST_SQL("CASE p.status WHEN 'idea' THEN 0 WHEN 'preparation' THEN 1 WHEN 'submitted'"
                 " THEN 2 WHEN 'approved' THEN 3 WHEN 'running' THEN 4 WHEN 'closed' THEN 5"
                 " ELSE 6 END, p.id DESC"),
};

db_status project_list(db *d, arena *a, const project_viewer *v, const project_query *q,
                       project_rec **out, size_t *n)
{
    assert(d && a && q && out && n);
    *out = NULL;
    *n = 0;
    char today[11];
    time_today(today);
    unsigned sort = (unsigned)q->sort < sizeof list_sql / sizeof *list_sql ? q->sort : 0;
    db_stmt *s =
        db_query(d, list_sql[sort],
                 DB_ARGS(viewer_person(v), viewer_sec(v), db_opt_text(q->status),
                         db_opt_text(q->programme), db_opt_text(q->funder), db_opt_text(q->cluster),
                         db_opt_text(q->sector), db_opt_text(q->year), DBI(q->org_id), DBT(today),
                         DBI(q->limit > 0 ? q->limit : 500)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, project_row, NULL);
}

/* "programme\tprogramme_en" (the English name any of them gives; empty:
 * none), by the Serbian name. */
static const char SQL_PROGRAMMES[] =
    "SELECT p.programme || '\t' || coalesce(max(p.programme_en), '') FROM project p"
    " WHERE p.programme IS NOT NULL AND " VISIBLE("p") " GROUP BY p.programme ORDER BY p.programme";
static const char SQL_FUNDERS[] =
    "SELECT DISTINCT f.slug || '\t' || f.name || '\t' || coalesce(f.name_en, f.name),"
    " f.name_folded FROM project p JOIN org f ON f.id = p.funder_id AND " FUNDER_SEEN(
        "p") " WHERE " VISIBLE("p") " ORDER BY 2";
static const char SQL_YEARS[] =
    "SELECT DISTINCT CAST(substr(coalesce(p.starts_on, p.submitted_on), 1, 4) AS INTEGER)"
    " FROM project p WHERE coalesce(p.starts_on, p.submitted_on) IS NOT NULL AND " VISIBLE(
        "p") " ORDER BY 1 DESC";

static void text_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    *(const char **)item = db_col_dup(a, s, 0, oom);
}
static void int_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    (void)a;
    (void)oom;
    *(int *)item = (int)db_col_int(s, 0);
}

db_status project_choices_get(db *d, arena *a, const project_viewer *v, project_choices *out)
{
    memset(out, 0, sizeof *out);
    db_stmt *s = db_query(d, SQL_PROGRAMMES, DB_ARGS(viewer_person(v), viewer_sec(v)));
    db_status st = s ? db_collect(s, a, (void **)&out->programmes, &out->n_programmes,
                                  sizeof *out->programmes, text_row, NULL)
                     : DB_ERR;
    if (st != DB_OK)
        return st;
    s = db_query(d, SQL_FUNDERS, DB_ARGS(viewer_person(v), viewer_sec(v)));
    st = s ? db_collect(s, a, (void **)&out->funders, &out->n_funders, sizeof *out->funders,
                        text_row, NULL)
           : DB_ERR;
    if (st != DB_OK)
        return st;
    s = db_query(d, SQL_YEARS, DB_ARGS(viewer_person(v), viewer_sec(v)));
    return s ? db_collect(s, a, (void **)&out->years, &out->n_years, sizeof *out->years, int_row,
                          NULL)
             : DB_ERR;
}

/* --- facet counts ---------------------------------------------------------------- */

/* Each facet's query runs LIST_WHERE with its own parameter bound NULL
 * (project_facets_get), so it counts under the other filters. */
#define FACET_SQL(value, extra_from)                                                               \
    "SELECT " value ", count(DISTINCT p.id) FROM project p LEFT JOIN org f ON f.id = p.funder_id"  \
    " AND " FUNDER_SEEN("p") " " extra_from LIST_WHERE " AND " value                               \
                             " IS NOT NULL GROUP BY 1 ORDER BY 1 LIMIT $11"
static const char *const facet_sql[PROJECT_FACET__N] = {
    [PROJECT_FACET_STATUS] = FACET_SQL("p.status", ""),
    [PROJECT_FACET_PROGRAMME] = FACET_SQL("p.programme", ""),
    [PROJECT_FACET_FUNDER] = FACET_SQL("f.slug", ""),
    [PROJECT_FACET_SECTOR] = FACET_SQL(
        "CASE WHEN length(fs.code) = 1 THEN fs.code ELSE fn.parent END",
        "JOIN project_participant fp ON fp.project_id = p.id AND fp.consent = 'confirmed'"
        " JOIN org_sector fs ON fs.org_id = fp.org_id JOIN ref_nace fn ON fn.code = fs.code"),
    /* a project counts in each year from its start (or submission) to its end,
     * among the years the filter offers (those some project starts in) */
    [PROJECT_FACET_YEAR] = FACET_SQL(
        "fy.y", "JOIN (SELECT DISTINCT substr(coalesce(starts_on, submitted_on), 1, 4) AS y"
                " FROM project WHERE coalesce(starts_on, submitted_on) IS NOT NULL) fy"
                " ON CASE WHEN p.starts_on IS NOT NULL THEN substr(p.starts_on, 1, 4) <= fy.y"
                " AND coalesce(substr(p.ends_on, 1, 4), substr(p.starts_on, 1, 4)) >= fy.y"
                " ELSE substr(p.submitted_on, 1, 4) = fy.y END"),
};

static void facet_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    project_facet_count *c = item;
    c->value = db_col_dup(a, s, 0, oom);
    c->n = db_col_int(s, 1);
}

db_status project_facets_get(db *d, arena *a, const project_viewer *v, const project_query *q,
                             project_facets *out)
{
    assert(d && a && q && out);
    memset(out, 0, sizeof *out);
    char today[11];
    time_today(today);
    for (int f = 0; f < PROJECT_FACET__N; f++) {
        db_stmt *s =
            db_query(d, facet_sql[f],
                     DB_ARGS(viewer_person(v), viewer_sec(v),
                             f == PROJECT_FACET_STATUS ? DBNULL : db_opt_text(q->status),
                             f == PROJECT_FACET_PROGRAMME ? DBNULL : db_opt_text(q->programme),
                             f == PROJECT_FACET_FUNDER ? DBNULL : db_opt_text(q->funder),
                             db_opt_text(q->cluster),
                             f == PROJECT_FACET_SECTOR ? DBNULL : db_opt_text(q->sector),
                             f == PROJECT_FACET_YEAR ? DBNULL : db_opt_text(q->year),
                             DBI(q->org_id), DBT(today), DBI(1000)));
        if (!s)
            return DB_ERR;
        db_status st = db_collect(s, a, (void **)&out->items[f], &out->n_items[f],
                                  sizeof *out->items[f], facet_row, NULL);
        if (st != DB_OK)
            return st;
    }
    return DB_OK;
}

int64_t project_facet_n(const project_facets *f, project_facet which, const char *value)
{
    for (size_t i = 0; value && i < f->n_items[which]; i++)
        if (strcmp(f->items[which][i].value, value) == 0)
            return f->items[which][i].n;
    return 0;
}

/* --- the write ------------------------------------------------------------------- */

static const char SQL_INSERT[] =
    "INSERT INTO project(title_sr, title_en, acronym, programme, funder_id, call_id, status,"
    " submitted_on, starts_on, ends_on, budget_cents, grant_cents, cofin_milli, outputs_sr,"
    " outputs_en, visibility, created_at, created_by, updated_at, updated_by, programme_en)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,"
    " $17, $18, $19) RETURNING id";
static const char SQL_UPDATE[] =
    "UPDATE project SET title_sr = $1, title_en = $2, acronym = $3, programme = $4, funder_id = $5,"
    " call_id = $6, status = $7, submitted_on = $8, starts_on = $9, ends_on = $10,"
    " budget_cents = $11, grant_cents = $12, cofin_milli = $13, outputs_sr = $14,"
    " outputs_en = $15, visibility = $16, updated_at = $17, updated_by = $18,"
    " programme_en = $19 WHERE id = $20";
static const char SQL_EXISTS[] = "SELECT count(*) FROM project WHERE id = $1";
/* A call a project may name: a published one, or the one project $2
 * already names (a call withdrawn since does not stop its saves). A draft
 * is unknown here, so its number is no oracle either. */
static const char SQL_CALL_EXISTS[] =
    "SELECT count(*) FROM funding_call WHERE id = $1 AND (status = 'published'"
    " OR id IN (SELECT call_id FROM project WHERE id = $2))";
static const char SQL_PARTS_CLEAR[] = "DELETE FROM project_participant WHERE project_id = $1";
static const char SQL_PART_ADD[] =
    "INSERT INTO project_participant(project_id, org_id, role, share_cents, consent, decided_by,"
    " decided_at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char SQL_PARTS_OF[] =
    "SELECT org_id, consent, coalesce(decided_by, 0), coalesce(decided_at, 0), reason, role,"
    " coalesce(share_cents, -1) FROM project_participant WHERE project_id = $1";

/* One participant's consent as the write stores it (0035): kept from
 * before, confirmed when the writer speaks for it (the secretariat for
 * all), else proposed. */
typedef struct part_consent {
    const char *consent; /* static */
    int64_t decided_by, decided_at;
    bool kept, has_reason;
    char reason[2001];
    /* terms changed for a participant already named (the history's
     * "terms_changed"): what it had agreed to or been asked, and its word */
    bool changed;
    char role_was[16];
    int64_t share_was;       /* -1: unknown */
    const char *consent_was; /* static */
} part_consent;

/* Each participant's consent for the write: kept from project id (0: new)
 * while its role and share stay as they were; a participant whose role or
 * share the write changes, and who the writer does not speak for, is asked
 * again (its word was given to the old terms). A confirmed participant the
 * writer does not speak for is not dropped: *dropped says so. One that
 * declined stays declined whatever the new terms: the lead cannot re-ask
 * (and re-notify) it by changing its share. */
static db_status part_consents(tx *t, int64_t id, const int64_t *ids, const char *const *roles,
                               const int64_t *cents, size_t n, part_consent *out, bool *dropped)
{
    *dropped = false;
    for (size_t i = 0; i < n; i++)
        out[i] = (part_consent){.consent = "proposed"};
    if (id) {
        db_stmt *s = db_query(t->d, SQL_PARTS_OF, DB_ARGS(DBI(id)));
        if (!s)
            return DB_ERR;
        db_status st;
        while ((st = db_step(s)) == DB_ROW) {
            int64_t org = db_col_int(s, 0);
            bool here = false;
            for (size_t i = 0; i < n; i++)
                here |= ids[i] == org;
            if (!here && strcmp(db_col_text(s, 1), "confirmed") == 0 &&
                !rights_person_can(t->d, t->actor_id, RIGHT_TIE_CONFIRM, org))
                *dropped = true;
            for (size_t i = 0; i < n; i++) {
                if (ids[i] != org)
                    continue;
                const char *role = db_col_text(s, 5);
                const char *c = db_col_text(s, 1);
                if (strcmp(role ? role : "", roles[i] ? roles[i] : "") != 0 ||
                    db_col_int(s, 6) != cents[i]) {
                    /* new terms for it: proposed again, told again, and the
                     * history says what it had */
                    out[i].changed = true;
                    snprintf(out[i].role_was, sizeof out[i].role_was, "%s", role ? role : "");
                    out[i].share_was = db_col_int(s, 6);
                    out[i].consent_was = strcmp(c, "confirmed") == 0  ? "confirmed"
                                         : strcmp(c, "declined") == 0 ? "declined"
                                                                      : "proposed";
                    if (strcmp(c, "declined") == 0) {
                        /* a no stays a no: new terms do not ask it again (nor
                         * let the lead notify it, or show it a private
                         * project, as often as the lead likes) */
                        out[i].consent = "declined";
                        out[i].decided_by = db_col_int(s, 2);
                        out[i].decided_at = db_col_int(s, 3);
                        const char *why = db_col_text(s, 4);
                        if ((out[i].has_reason = why != NULL))
                            snprintf(out[i].reason, sizeof out[i].reason, "%s", why);
                    }
                    break;
                }
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
    for (size_t i = 0; i < n; i++)
        if (strcmp(out[i].consent, "confirmed") != 0 &&
            rights_person_can(t->d, t->actor_id, RIGHT_TIE_CONFIRM, ids[i])) {
            /* the writer speaks for it: its word given with the new terms */
            out[i].consent = "confirmed";
            out[i].decided_by = t->actor_id;
            out[i].decided_at = time_now();
            out[i].has_reason = false;
        }
    return DB_OK;
}

static const char SQL_FUNDER_OF[] =
    "SELECT coalesce(funder_id, 0), funder_consent, coalesce(funder_decided_by, 0),"
    " coalesce(funder_decided_at, 0), funder_reason, coalesce(grant_cents, -1) FROM project"
    " WHERE id = $1";
static const char SQL_FUNDER_SET[] =
    "UPDATE project SET funder_consent = $2, funder_decided_by = $3, funder_decided_at = $4,"
    " funder_reason = $5 WHERE id = $1";

/* The funder's consent for the write (0044), as part_consents does for a
 * participant: kept while project id (0: new) keeps the same funder and
 * grant (the amount is named in its name: a new amount is new terms),
 * confirmed when the writer speaks for it, else proposed. No funder:
 * confirmed, nothing to ask. */
static db_status funder_consent(tx *t, int64_t id, int64_t funder, int64_t grant, part_consent *out)
{
    *out = (part_consent){.consent = funder ? "proposed" : "confirmed"};
    if (!funder)
        return DB_OK;
    if (id) {
        db_stmt *s = db_query(t->d, SQL_FUNDER_OF, DB_ARGS(DBI(id)));
        if (!s)
            return DB_ERR;
        db_status st = db_step(s);
        if (st == DB_ROW && db_col_int(s, 0) == funder && db_col_int(s, 5) == grant) {
            const char *c = db_col_text(s, 1);
            out->consent = strcmp(c, "confirmed") == 0  ? "confirmed"
                           : strcmp(c, "declined") == 0 ? "declined"
                                                        : "proposed";
            out->decided_by = db_col_int(s, 2);
            out->decided_at = db_col_int(s, 3);
            out->kept = true;
            const char *why = db_col_text(s, 4);
            if ((out->has_reason = why != NULL))
                snprintf(out->reason, sizeof out->reason, "%s", why);
        }
        db_reset(s);
        if (st != DB_ROW && st != DB_DONE)
            return st;
    }
    if (strcmp(out->consent, "confirmed") != 0 &&
        rights_person_can(t->d, t->actor_id, RIGHT_TIE_CONFIRM, funder))
        *out = (part_consent){.consent = "confirmed",
                              .decided_by = t->actor_id,
                              .decided_at = time_now(),
                              .kept = out->kept};
    return DB_OK;
}

typedef struct save_ctx {
    int64_t id;
    const project_input *in;
    const form_value *v;
    form_errors *errs;
    int64_t out_id;
} save_ctx;

static db_status save_body(tx *t, void *vc)
{
    save_ctx *c = vc;
    const form_value *v = c->v;
    int64_t now = time_now(), n = 0, funder = 0;
    db_status st;
    c->out_id = c->id;
    if (c->id) {
        if ((st = db_int(t->d, &n, 0, SQL_EXISTS, DB_ARGS(DBI(c->id)))) != DB_OK)
            return st;
        if (n == 0)
            return DB_DONE;
    }
    /* what needs the database: the funder, the call, each participant */
    if (v[PR_FUNDER].present) {
        if ((st = project_resolve_org(t->d, v[PR_FUNDER].text, &funder)) != DB_OK)
            return st;
        if (!funder)
            valid_add_error(c->errs, "funder", FE_INVALID, 0, 0);
    }
    if (v[PR_CALL].present) {
        if ((st = db_int(t->d, &n, 0, SQL_CALL_EXISTS, DB_ARGS(DBI(v[PR_CALL].i), DBI(c->id)))) !=
            DB_OK)
            return st;
        if (n == 0)
            valid_add_error(c->errs, "call", FE_INVALID, 0, 0);
    }
    int64_t org_ids[PROJECT_PARTS_MAX];
    size_t n_orgs = 0;
    for (size_t i = 0; i < c->in->n_parts && n_orgs < PROJECT_PARTS_MAX; i++) {
        const project_part_in *p = &c->in->parts[i];
        if (!p->org || !*p->org)
            continue;
        int64_t id = 0;
        if ((st = project_resolve_org(t->d, p->org, &id)) != DB_OK)
            return st;
        if (!id) {
            valid_add_error(c->errs, "participants", FE_INVALID, 0, 0);
            break;
        }
        for (size_t k = 0; k < n_orgs; k++)
            if (org_ids[k] == id) {
                valid_add_error(c->errs, "participants", FE_TAKEN, 0, 0);
                id = 0;
            }
        if (!id)
            break;
        org_ids[n_orgs++] = id;
    }
    if (c->errs->n_items)
        return DB_CONSTRAINT;
    int64_t cofin = v[PR_COFIN].present ? (v[PR_COFIN].i + 5) / 10 : -1; /* hundredths -> ‰ */
    db_val vals[] = {DBT(v[PR_TITLE_SR].text),
                     db_opt_text(v[PR_TITLE_EN].text),
                     db_opt_text(v[PR_ACRONYM].text),
                     db_opt_text(v[PR_PROGRAMME].text),
                     funder ? DBI(funder) : DBNULL,
                     v[PR_CALL].present ? DBI(v[PR_CALL].i) : DBNULL,
                     DBT(v[PR_STATUS].text),
                     db_opt_text(v[PR_SUBMITTED_ON].text),
                     db_opt_text(v[PR_STARTS_ON].text),
                     db_opt_text(v[PR_ENDS_ON].text),
                     v[PR_BUDGET].present ? DBI(v[PR_BUDGET].i) : DBNULL,
                     v[PR_GRANT].present ? DBI(v[PR_GRANT].i) : DBNULL,
                     int_or_null(cofin),
                     db_opt_text(v[PR_OUTPUTS_SR].text),
                     db_opt_text(v[PR_OUTPUTS_EN].text),
                     DBT(v[PR_VISIBILITY].text),
                     DBI(now),
                     DBI(t->actor_id),
                     db_opt_text(v[PR_PROGRAMME_EN].text),
                     DBI(c->id)}; /* the id last: the INSERT takes all but it */
    part_consent *cons = mem_calloc(n_orgs + 1, sizeof *cons); /* 2 kB each: not the stack */
    if (!cons)
        return DB_NOMEM;
    const char *roles[PROJECT_PARTS_MAX];
    int64_t shares[PROJECT_PARTS_MAX];
    for (size_t i = 0, k = 0; i < c->in->n_parts && k < n_orgs; i++) {
        const project_part_in *p = &c->in->parts[i];
        if (!p->org || !*p->org)
            continue;
        int64_t cents = -1;
        if (p->share && *p->share && num_parse(p->share, strlen(p->share), 2, &cents) != NUM_OK)
            cents = -1;
        roles[k] = p->role;
        shares[k++] = cents;
    }
    bool dropped = false;
    part_consent fc;
    if ((st = funder_consent(t, c->id, funder, v[PR_GRANT].present ? v[PR_GRANT].i : -1, &fc)) !=
            DB_OK ||
        (st = part_consents(t, c->id, org_ids, roles, shares, n_orgs, cons, &dropped)) != DB_OK) {
        mem_free(cons);
        return st;
    }
    if (dropped) { /* a participant that agreed leaves only by its own word */
        mem_free(cons);
        valid_add_error(c->errs, "participants", FE_SECRETARIAT_ONLY, 0, 0);
        return DB_CONSTRAINT;
    }
    if (c->id)
        st = db_do(t->d, SQL_UPDATE, sizeof vals / sizeof *vals, vals);
    else
        st = db_int(t->d, &c->out_id, 0, SQL_INSERT, sizeof vals / sizeof *vals - 1, vals);
    if (st == DB_OK)
        st = db_do(t->d, SQL_FUNDER_SET,
                   DB_ARGS(DBI(c->out_id), DBT(fc.consent),
                           fc.decided_by ? DBI(fc.decided_by) : DBNULL,
                           fc.decided_at ? DBI(fc.decided_at) : DBNULL,
                           fc.has_reason ? DBT(fc.reason) : DBNULL));
    if (st == DB_OK)
        st = db_do(t->d, SQL_PARTS_CLEAR, DB_ARGS(DBI(c->out_id)));
    size_t k = 0;
    for (size_t i = 0; st == DB_OK && i < c->in->n_parts && k < n_orgs; i++) {
        const project_part_in *p = &c->in->parts[i];
        if (!p->org || !*p->org)
            continue;
        int64_t cents = -1;
        if (p->share && *p->share && num_parse(p->share, strlen(p->share), 2, &cents) != NUM_OK)
            cents = -1;
        const part_consent *pc = &cons[k];
        st = db_do(t->d, SQL_PART_ADD,
                   DB_ARGS(DBI(c->out_id), DBI(org_ids[k]), DBT(p->role), int_or_null(cents),
                           DBT(pc->consent), pc->decided_by ? DBI(pc->decided_by) : DBNULL,
                           pc->decided_at ? DBI(pc->decided_at) : DBNULL,
                           pc->has_reason ? DBT(pc->reason) : DBNULL));
        k++;
    }
    /* the people of each newly proposed participant hear of it */
    char href[48];
    snprintf(href, sizeof href, "/projects/%lld#consent", (long long)c->out_id);
    for (size_t i = 0; st == DB_OK && i < n_orgs; i++) {
        if (cons[i].kept || strcmp(cons[i].consent, "proposed") != 0)
            continue;
        notify_to to = {.orgs = &org_ids[i], .n_orgs = 1};
        notify_what w = {.entity = "project",
                         .entity_id = c->out_id,
                         .a = v[PR_TITLE_SR].text,
                         .b = "",
                         .href = href};
        st = notify_event(t->d, t->actor_id, &to, "tie_proposed", &w, NULL);
    }
    if (st == DB_OK && funder && !fc.kept && strcmp(fc.consent, "proposed") == 0) {
        notify_to to = {.orgs = &funder, .n_orgs = 1};
        notify_what w = {.entity = "project",
                         .entity_id = c->out_id,
                         .a = v[PR_TITLE_SR].text,
                         .b = "",
                         .href = href};
        st = notify_event(t->d, t->actor_id, &to, "tie_proposed", &w, NULL);
    }
    bool any_proposed = strcmp(fc.consent, "proposed") == 0;
    for (size_t i = 0; i < n_orgs; i++)
        any_proposed |= strcmp(cons[i].consent, "proposed") == 0;
    if (st != DB_OK) {
        mem_free(cons);
        return st;
    }
    t->entity_id = c->out_id;
    buf_puts(&t->detail, "{\"title\":");
    json_put_string(&t->detail, v[PR_TITLE_SR].text);
    buf_puts(&t->detail, ",\"status\":");
    json_put_string(&t->detail, v[PR_STATUS].text);
    buf_puts(&t->detail, ",\"visibility\":");
    json_put_string(&t->detail, v[PR_VISIBILITY].text);
    if (v[PR_PROGRAMME].present) {
        buf_puts(&t->detail, ",\"programme\":");
        json_put_string(&t->detail, v[PR_PROGRAMME].text);
    }
    if (v[PR_PROGRAMME_EN].present) {
        buf_puts(&t->detail, ",\"programme_en\":");
        json_put_string(&t->detail, v[PR_PROGRAMME_EN].text);
    }
    if (v[PR_GRANT].present)
        buf_printf(&t->detail, ",\"grant_cents\":%lld", (long long)v[PR_GRANT].i);
    buf_puts(&t->detail, ",\"participants\":[");
    for (size_t i = 0; i < n_orgs; i++)
        buf_printf(&t->detail, "%s%lld", i ? "," : "", (long long)org_ids[i]);
    buf_puts(&t->detail, "]");
    /* who changed what: each participant whose role or share this write
     * changed, its terms before and after and its word before and now */
    bool any_changed = false;
    for (size_t i = 0; i < n_orgs; i++) {
        const part_consent *pc = &cons[i];
        if (!pc->changed)
            continue;
        buf_puts(&t->detail, any_changed ? ",{" : ",\"terms_changed\":[{");
        any_changed = true;
        buf_printf(&t->detail, "\"org_id\":%lld,\"role_was\":", (long long)org_ids[i]);
        json_put_string(&t->detail, pc->role_was);
        buf_puts(&t->detail, ",\"role\":");
        json_put_string(&t->detail, roles[i]);
        buf_puts(&t->detail, ",\"share_cents_was\":");
        if (pc->share_was >= 0)
            buf_printf(&t->detail, "%lld", (long long)pc->share_was);
        else
            buf_puts(&t->detail, "null");
        buf_puts(&t->detail, ",\"share_cents\":");
        if (shares[i] >= 0)
            buf_printf(&t->detail, "%lld", (long long)shares[i]);
        else
            buf_puts(&t->detail, "null");
        buf_printf(&t->detail, ",\"consent_was\":\"%s\",\"consent\":\"%s\"}", pc->consent_was,
                   pc->consent);
    }
    if (any_changed)
        buf_puts(&t->detail, "]");
    mem_free(cons);
    buf_printf(&t->detail, ",\"funder_consent\":\"%s\",\"awaiting_consent\":%s}", fc.consent,
               any_proposed ? "true" : "false");
    return DB_OK;
}

db_status project_save(db *d, int64_t id, const project_input *in, int64_t actor, const char *ip,
                       int64_t *out_id, form_errors *errs)
{
    assert(d && in && errs);
    arena a = ARENA_INIT;
    form_value v[PR_N];
    db_status st;
    const char *vals[PR_N] = {
        in->title_sr,    in->title_en,
        in->acronym,     in->programme,
        in->funder,      in->call,
        in->status,      in->submitted_on,
        in->starts_on,   in->ends_on,
        in->budget,      in->grant,
        in->cofin,       in->outputs_sr,
        in->outputs_en,  in->visibility && *in->visibility ? in->visibility : "public",
        in->programme_en};
    if (!valid_values(&a, &project_table, vals, v, errs, in)) {
        st = tx_invalid(errs);
    } else {
        save_ctx c = {.id = id, .in = in, .v = v, .errs = errs};
        tx t = TX_INIT(actor, ip, id ? "project_update" : "project_create", "project", id);
        t.bump = TX_DIRECTORY;
        st = tx_write(d, &t, save_body, &c);
        if (st == DB_OK && out_id)
            *out_id = c.out_id;
    }
    arena_free(&a);
    return st;
}

/* --- the portfolio --------------------------------------------------------------- */

/* SCAN's participants now ($3 today): SCAN itself (the cluster
 * association), clusters whose latest SCAN status is member or founder,
 * with their current members; (org_id, cluster_id)
 * pairs, an organisation once per cluster. */
#define SCAN_ORGS                                                                                  \
    "WITH sc(id) AS (SELECT o.id FROM org o WHERE o.kind IN ('cluster', 'cluster_initiative')"     \
    "  AND (SELECT x.status FROM scan_membership x WHERE x.org_id = o.id AND x.since <= $3"        \
    "   ORDER BY x.since DESC, x.id DESC LIMIT 1) IN ('member', 'founder')),"                      \
    " so(org_id, cluster_id) AS (SELECT id, id FROM sc UNION SELECT id, id FROM org"               \
    "  WHERE kind = 'cluster_association' UNION SELECT m.org_id, m.cluster_id"                     \
    "  FROM cluster_member m JOIN sc ON sc.id = m.cluster_id"                                      \
    "  WHERE m.joined_on <= $3 AND (m.left_on IS NULL OR m.left_on > $3)),"                        \
    " sp(id, grant_cents, status, y, sy) AS (SELECT p.id, CASE WHEN p.funder_consent ="            \
    "  'confirmed' THEN p.grant_cents END, p.status,"                                              \
    "  CAST(substr(coalesce(p.starts_on, p.submitted_on), 1, 4) AS INTEGER),"                      \
    "  CAST(substr(coalesce(p.submitted_on, p.starts_on), 1, 4) AS INTEGER) FROM project p"        \
    "  WHERE p.status IN ('submitted', 'approved', 'rejected', 'running', 'closed')"               \
    "  AND " VISIBLE("p") " AND EXISTS (SELECT 1 FROM " CONFIRMED_PP " pp"                         \
                          "  JOIN so ON so.org_id = pp.org_id WHERE pp.project_id = p.id))"
#define WON "sp.status IN ('approved', 'running', 'closed')"

/* Per year (0 = all): won projects and their grants, each project once. */
static const char SQL_PF_YEARS[] = SCAN_ORGS
    " SELECT y, count(*), coalesce(sum(grant_cents), 0) FROM sp WHERE " WON
    " AND y IS NOT NULL GROUP BY y"
    " UNION ALL SELECT 0, count(*), coalesce(sum(grant_cents), 0) FROM sp WHERE " WON " ORDER BY 1";
/* Per year: SCAN participants' shares of won projects, each (project,
 * organisation) once even when the organisation is in two clusters. */
static const char SQL_PF_SHARES[] =
    SCAN_ORGS " SELECT coalesce(y, -1), coalesce(sum(share_cents), 0),"
              " sum(CASE WHEN share_cents IS NULL THEN 1 ELSE 0 END) FROM (SELECT DISTINCT sp.y, "
              "pp.project_id, pp.org_id,"
              " pp.share_cents FROM sp JOIN " CONFIRMED_PP " pp ON pp.project_id = sp.id"
              " JOIN so ON so.org_id = pp.org_id WHERE " WON ") AS shares GROUP BY y"
              " UNION ALL SELECT 0, coalesce(sum(share_cents), 0),"
              " sum(CASE WHEN share_cents IS NULL THEN 1 ELSE 0 END)"
              " FROM (SELECT DISTINCT pp.project_id, pp.org_id, pp.share_cents FROM sp"
              " JOIN " CONFIRMED_PP " pp ON pp.project_id = sp.id JOIN so"
              " ON so.org_id = pp.org_id WHERE " WON ") AS shares ORDER BY 1";
/* Success by year of submission: submitted (every status from submitted
 * on) and won. */
static const char SQL_PF_SUCCESS[] =
    SCAN_ORGS " SELECT coalesce(sy, 0), count(*), sum(CASE WHEN " WON
              " THEN 1 ELSE 0 END) FROM sp WHERE sy IS NOT NULL"
              " GROUP BY sy UNION ALL SELECT 0, count(*), sum(CASE WHEN " WON
              " THEN 1 ELSE 0 END) FROM sp ORDER BY 1";
/* By programme: each won project once. */
static const char SQL_PF_PROGRAMMES[] =
    SCAN_ORGS " SELECT coalesce(p.programme, ''), max(p.programme_en), count(*),"
              " coalesce(sum(sp.grant_cents), 0) FROM sp JOIN project p ON p.id = sp.id"
              " WHERE " WON " GROUP BY 1 ORDER BY 4 DESC, 1";
/* By cluster: each project of the cluster or its members once, shares of
 * the cluster and its members. */
static const char SQL_PF_CLUSTERS[] =
    SCAN_ORGS " , cp(cluster_id, project_id, grant_cents) AS (SELECT DISTINCT so.cluster_id, sp.id,"
              " sp.grant_cents FROM sp JOIN " CONFIRMED_PP " pp ON pp.project_id = sp.id"
              " JOIN so ON so.org_id = pp.org_id WHERE " WON "),"
              " cs(cluster_id, share, unknown) AS (SELECT so.cluster_id,"
              " coalesce(sum(pp.share_cents), 0),"
              " sum(CASE WHEN pp.share_cents IS NULL THEN 1 ELSE 0 END) FROM sp"
              " JOIN " CONFIRMED_PP " pp ON pp.project_id = sp.id JOIN so"
              " ON so.org_id = pp.org_id WHERE " WON " GROUP BY so.cluster_id)"
              " SELECT o.slug, o.name, o.name_en, count(*), coalesce(sum(cp.grant_cents), 0),"
              " coalesce(cs.share, 0), coalesce(cs.unknown, 0) FROM cp JOIN org o"
              " ON o.id = cp.cluster_id LEFT JOIN cs ON cs.cluster_id = cp.cluster_id"
              " GROUP BY o.id, cs.share, cs.unknown ORDER BY 5 DESC, o.name_folded";

typedef struct pf_row {
    int64_t k, a, b, c;
    const char *s1, *s2, *s3;
} pf_row;

static void pf_int_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)a;
    (void)oom;
    (void)ctx;
    pf_row *r = item;
    r->k = db_col_int(s, 0);
    r->a = db_col_int(s, 1);
    r->b = db_col_int(s, 2);
}

static void pf_group_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    bool clusters = ctx != NULL;
    portfolio_group *g = item;
    int c = 0;
    g->key = db_col_dup(a, s, c++, oom);
    if (clusters) {
        g->name = db_col_dup(a, s, c++, oom);
        g->name_en = db_col_dup(a, s, c++, oom);
    } else {
        g->name = g->key;
        g->name_en = db_col_dup(a, s, c++, oom); /* the programme's English name, if any */
    }
    g->projects = db_col_int(s, c++);
    g->grant_cents = db_col_int(s, c++);
    if (clusters) {
        g->shares_cents = db_col_int(s, c++);
        g->shares_unknown = db_col_int(s, c++);
    } else {
        g->shares_unknown = -1; /* not asked */
    }
}

static db_status pf_rows(db *d, arena *a, const char *sql, const project_viewer *v,
                         const char *today, pf_row **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, sql, DB_ARGS(viewer_person(v), viewer_sec(v), DBT(today)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, pf_int_row, NULL);
}

/* The row of year y in p (added in order when new; year 0 is p->total). */
static portfolio_year *pf_year(arena *a, portfolio *p, int64_t y)
{
    if (y == 0)
        return &p->total;
    for (size_t i = 0; i < p->n_years; i++)
        if (p->years[i].year == y)
            return &p->years[i];
    portfolio_year *ny = arena_alloc(a, (p->n_years + 1) * sizeof *ny);
    if (!ny)
        return NULL;
    size_t at = 0;
    while (at < p->n_years && p->years[at].year < y)
        at++;
    if (p->n_years)
        memcpy(ny, p->years, at * sizeof *ny);
    memset(&ny[at], 0, sizeof *ny);
    ny[at].year = (int)y;
    if (p->n_years > at)
        memcpy(&ny[at + 1], &p->years[at], (p->n_years - at) * sizeof *ny);
    p->years = ny;
    p->n_years++;
    return &p->years[at];
}

db_status project_portfolio(db *d, arena *a, const project_viewer *v, const char *today,
                            portfolio *out)
{
    assert(d && a && today && out);
    memset(out, 0, sizeof *out);
    pf_row *r = NULL;
    size_t n = 0;
    db_status st = pf_rows(d, a, SQL_PF_YEARS, v, today, &r, &n);
    for (size_t i = 0; st == DB_OK && i < n; i++) {
        portfolio_year *y = pf_year(a, out, r[i].k);
        if (!y)
            return DB_NOMEM;
        y->projects = r[i].a;
        y->grant_cents = r[i].b;
    }
    if (st == DB_OK)
        st = pf_rows(d, a, SQL_PF_SHARES, v, today, &r, &n);
    for (size_t i = 0; st == DB_OK && i < n; i++) {
        if (r[i].k < 0)
            continue; /* undated projects count in the total only */
        portfolio_year *y = pf_year(a, out, r[i].k);
        if (!y)
            return DB_NOMEM;
        y->shares_cents = r[i].a;
        y->shares_unknown = r[i].b;
    }
    if (st == DB_OK)
        st = pf_rows(d, a, SQL_PF_SUCCESS, v, today, &r, &n);
    for (size_t i = 0; st == DB_OK && i < n; i++) {
        portfolio_year *y = pf_year(a, out, r[i].k);
        if (!y)
            return DB_NOMEM;
        y->submitted = r[i].a;
        y->won = r[i].b;
    }
    if (st != DB_OK)
        return st;
    db_stmt *s =
        db_query(d, SQL_PF_PROGRAMMES, DB_ARGS(viewer_person(v), viewer_sec(v), DBT(today)));
    st = s ? db_collect(s, a, (void **)&out->programmes, &out->n_programmes,
                        sizeof *out->programmes, pf_group_row, NULL)
           : DB_ERR;
    if (st != DB_OK)
        return st;
    s = db_query(d, SQL_PF_CLUSTERS, DB_ARGS(viewer_person(v), viewer_sec(v), DBT(today)));
    return s ? db_collect(s, a, (void **)&out->clusters, &out->n_clusters, sizeof *out->clusters,
                          pf_group_row, (void *)1)
             : DB_ERR;
}

/* --- consent (0035) ------------------------------------------------------------- */

/* Projects with a participant or a funder not confirmed: $1 the person
 * (0: all, the secretariat), $2 1 for the secretariat (PROJECT_FROM's
 * funder rule); $3 1: only where a proposed participant or funder is one
 * the person speaks for; else where they speak for any participant or the
 * funder that has not declined (its refusal is its last word: nothing of
 * the project waits on it). Only projects the person may read (VISIBLE):
 * a private project its organisation declined is not listed. "Speaks
 * for" is RIGHTS_SQL_SPEAKS (RIGHT_TIE_CONFIRM): a company's "manager" is
 * asked nothing and finds nothing waiting here. */
#define SPEAKS(ORG)                                                                                \
    "EXISTS (SELECT 1 FROM affiliation xa JOIN org xo ON xo.id = xa.org_id"                        \
    " WHERE xa.org_id = " ORG " AND xa.person_id = $1 AND " RIGHTS_SQL_SPEAKS("xa", "xo") ")"
/* Written by hand, a clause a line: the formatter folds SPEAKS() calls
 * into a staircase. */
/* clang-format off */
static const char SQL_WAITING[] =
    "SELECT " PROJECT_COLS PROJECT_FROM " WHERE ((EXISTS (SELECT 1 FROM project_participant w"
    "  WHERE w.project_id = p.id AND w.consent <> 'confirmed' AND ($3 = 0 OR w.consent ="
    "  'proposed'))"
    "  AND ($1 = 0 OR EXISTS (SELECT 1 FROM project_participant xp WHERE xp.project_id = p.id"
    "   AND (xp.consent = 'proposed' OR $3 = 0 AND xp.consent = 'confirmed')"
    "   AND " SPEAKS("xp.org_id") ")"
    "   OR ($3 = 0 AND p.funder_id IS NOT NULL AND p.funder_consent <> 'declined'"
    "    AND " SPEAKS("p.funder_id") ")))"
    " OR (p.funder_id IS NOT NULL AND p.funder_consent <> 'confirmed'"
    "  AND ($3 = 0 OR p.funder_consent = 'proposed')"
    "  AND ($1 = 0 OR p.funder_consent <> 'declined' AND " SPEAKS("p.funder_id")
    "   OR ($3 = 0 AND EXISTS (SELECT 1 FROM project_participant yp WHERE yp.project_id = p.id"
    "    AND yp.consent <> 'declined' AND " SPEAKS("yp.org_id") ")))))"
    " AND " VISIBLE("p") " ORDER BY p.id DESC LIMIT 50";
/* clang-format on */
#undef SPEAKS

db_status project_waiting(db *d, arena *a, int64_t person, bool to_confirm, project_rec **out,
                          size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_WAITING,
                          DB_ARGS(DBI(person), DBI(person ? 0 : 1), DBI(to_confirm ? 1 : 0)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, project_row, NULL);
}
