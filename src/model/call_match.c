/* call_match.c: a call's eligibility rules against a cluster or an
 * organisation (see call.h).
 *
 * One rule kind, one verdict: met when any of the kind's values is met,
 * "check yourself" when the directory lacks the fact (no employees
 * figure, no sector, no stage, a label only claimed, a condition in words,
 * a partnership minimum a single applicant cannot show), never met by
 * default. call_evaluate is the definition; call_eligible_list asks the
 * same questions in one SQL query over indexes (the list of a call at
 * 1,000 clusters), and the unit tests hold the two to the same answers. */
#include "model/call.h"

#include <assert.h>
#include <string.h>

#include "core/timeutil.h"
#include "html/html.h"
#include "i18n/country.h"

/* --- facts ------------------------------------------------------------------- */

static const char SQL_F_ORG[] = "SELECT id, kind, country, region, district FROM org WHERE id = $1";
/* Divisions: the first two digits of NACE codes written with digits. col
 * GLOB '[0-9][0-9]*' in a form PostgreSQL reads too. */
#define NACE_DIGITS(col) "length(" col ") >= 2 AND trim(substr(" col ", 1, 2), '0123456789') = ''"
static const char SQL_F_NACE[] = "SELECT DISTINCT substr(code, 1, 2) FROM org_sector"
                                 " WHERE org_id = $1 AND " NACE_DIGITS("code");
static const char SQL_F_FOS[] = "SELECT code FROM org_fos WHERE org_id = $1";
static const char SQL_F_STAGE[] = "SELECT stage FROM cluster_stage WHERE org_id = $1"
                                  " ORDER BY reached_on DESC, id DESC LIMIT 1";
#define LABEL_LEVEL                                                                                \
    "CASE label WHEN 'esca_gold' THEN 3 WHEN 'esca_silver' THEN 2 WHEN 'esca_bronze' THEN 1"       \
    " ELSE 0 END"
static const char SQL_F_LABEL[] = "SELECT max(" LABEL_LEVEL ") FROM cluster_label"
                                  " WHERE org_id = $1 AND state = $3"
                                  " AND (expires_on IS NULL OR expires_on >= $2)";
static const char SQL_F_EMPLOYEES[] = "SELECT employees FROM org_figure WHERE org_id = $1"
                                      " AND employees IS NOT NULL ORDER BY year DESC LIMIT 1";

typedef struct facts_row {
    int64_t id;
    const char *kind, *country, *region, *district;
} facts_row;

static void facts_org_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    facts_row *f = item;
    f->id = db_col_int(s, 0);
    f->kind = db_col_dup(a, s, 1, oom);
    f->country = db_col_dup(a, s, 2, oom);
    f->region = db_col_dup(a, s, 3, oom);
    f->district = db_col_dup(a, s, 4, oom);
}

static void text_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    *(const char **)item = db_col_dup(a, s, 0, oom);
}

static db_status texts(db *d, arena *a, const char *sql, int64_t id, const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, sql, DB_ARGS(DBI(id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, text_row, NULL);
}

db_status call_facts_get(db *d, arena *a, int64_t org_id, call_facts *f, bool *found)
{
    assert(d && a && f && found);
    memset(f, 0, sizeof *f);
    f->employees = -1;
    facts_row r;
    db_stmt *s = db_query(d, SQL_F_ORG, DB_ARGS(DBI(org_id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_collect_one(s, a, &r, sizeof r, facts_org_row, NULL, found);
    if (st != DB_OK || !*found)
        return st;
    f->org_id = r.id;
    f->kind = r.kind;
    f->country = r.country;
    f->region = r.region;
    f->district = r.district;
    f->is_cluster =
        r.kind && (strcmp(r.kind, "cluster") == 0 || strcmp(r.kind, "cluster_initiative") == 0);
    if ((st = texts(d, a, SQL_F_NACE, org_id, &f->nace, &f->n_nace)) != DB_OK ||
        (st = texts(d, a, SQL_F_FOS, org_id, &f->fos, &f->n_fos)) != DB_OK)
        return st;
    const char **stage;
    size_t n_stage;
    if ((st = texts(d, a, SQL_F_STAGE, org_id, &stage, &n_stage)) != DB_OK)
        return st;
    f->stage = n_stage ? stage[0] : NULL;
    char today[11];
    time_today(today);
    int64_t lv = 0, lc = 0;
    if ((st = db_int(d, &lv, 0, SQL_F_LABEL, DB_ARGS(DBI(org_id), DBT(today), DBT("verified")))) !=
            DB_OK ||
        (st = db_int(d, &lc, 0, SQL_F_LABEL, DB_ARGS(DBI(org_id), DBT(today), DBT("claimed")))) !=
            DB_OK)
        return st;
    f->label_level = (int)lv;
    f->label_claimed = (int)lc;
    return db_int(d, &f->employees, -1, SQL_F_EMPLOYEES, DB_ARGS(DBI(org_id)));
}

/* --- evaluation ---------------------------------------------------------------- */

static const msg_id rule_msgs[] = {
    MSG_CALL_RULE_KIND,  MSG_CALL_RULE_SIZE,   MSG_CALL_RULE_COUNTRY,  MSG_CALL_RULE_NACE,
    MSG_CALL_RULE_FOS,   MSG_CALL_RULE_REGION, MSG_CALL_RULE_DISTRICT, MSG_CALL_RULE_STAGE,
    MSG_CALL_RULE_LABEL, MSG_CALL_RULE_TEXT,
};
static const msg_id size_msgs[] = {MSG_CALL_SIZE_MICRO, MSG_CALL_SIZE_SMALL, MSG_CALL_SIZE_MEDIUM,
                                   MSG_CALL_SIZE_LARGE};
static const char *const stage_codes[] = {"initiative", "emerging", "developing", "established",
                                          NULL};
static const msg_id stage_msgs[] = {MSG_CL_STAGE_INITIATIVE, MSG_CL_STAGE_EMERGING,
                                    MSG_CL_STAGE_DEVELOPING, MSG_CL_STAGE_ESTABLISHED};
static const msg_id label_msgs[] = {MSG_CL_LABEL_BRONZE, MSG_CL_LABEL_SILVER, MSG_CL_LABEL_GOLD};

static int index_of(const char *v, const char *const *list)
{
    for (int i = 0; v && list[i]; i++)
        if (strcmp(v, list[i]) == 0)
            return i;
    return -1;
}

const char *call_rule_label(lang_id L, const char *rule)
{
    int i = index_of(rule, call_rule_kinds);
    return i >= 0 ? T(L, rule_msgs[i]) : rule;
}

/* A value of rule as a reader reads it. */
const char *call_value_text(arena *a, lang_id L, const char *rule, const char *v)
{
    int i;
    if (!v)
        return T(L, MSG_CALL_YOURS_NONE);
    if (strcmp(rule, "size") == 0 && (i = index_of(v, call_sizes)) >= 0)
        return T(L, size_msgs[i]);
    if (strcmp(rule, "stage") == 0 && (i = index_of(v, stage_codes)) >= 0)
        return T(L, stage_msgs[i]);
    if (strcmp(rule, "label") == 0 && (i = index_of(v, call_labels)) >= 0)
        return T(L, label_msgs[i]);
    if (strcmp(rule, "country") == 0) {
        const char *name = country_name(L, v); /* a code ISO does not assign: the code */
        return name ? name : v;
    }
    if (strcmp(rule, "kind") == 0) {
        char *s = arena_strdup(a, v);
        for (char *p = s; p && *p; p++)
            if (*p == '_')
                *p = ' ';
        return s ? s : v;
    }
    return v;
}

/* call_value_text, with the reader's label of a directory code when f
 * offers one. */
static const char *value_of(arena *a, lang_id L, const call_facts *f, const char *rule,
                            const char *v)
{
    if (v && f->label && strcmp(rule, "size") != 0 && strcmp(rule, "stage") != 0 &&
        strcmp(rule, "label") != 0 && strcmp(rule, "text") != 0) {
        const char *l = f->label(f->label_ctx, rule, v);
        if (l)
            return l;
    }
    return call_value_text(a, L, rule, v);
}

/* The size class of a head count (call_sizes). */
static const char *size_of(int64_t employees)
{
    return employees < 10    ? "micro"
           : employees < 50  ? "small"
           : employees < 250 ? "medium"
                             : "large";
}

static bool fos_covers(const char *rule, const char *code)
{
    size_t n = strlen(rule);
    return strcmp(rule, code) == 0 || (strncmp(code, rule, n) == 0 && code[n] == '.');
}

typedef struct kind_eval {
    call_verdict v;
    const char *yours; /* the entry's value as text; NULL: none */
} kind_eval;

/* The verdict of one rule kind for f, given its values. */
static kind_eval eval_kind(arena *a, lang_id L, const char *rule, const char *const *vals, size_t n,
                           const call_facts *f)
{
    kind_eval e = {CALL_NOT_MET, NULL};
    const char *one = NULL; /* the entry's single value, when the rule compares one */
    if (strcmp(rule, "text") == 0) {
        e.v = CALL_CHECK;
        return e;
    }
    if (strcmp(rule, "kind") == 0)
        one = f->kind;
    else if (strcmp(rule, "country") == 0)
        one = f->country;
    else if (strcmp(rule, "region") == 0)
        one = f->region;
    else if (strcmp(rule, "district") == 0)
        one = f->district;
    else if (strcmp(rule, "size") == 0)
        one = f->employees >= 0 ? size_of(f->employees) : NULL;
    else if (strcmp(rule, "stage") == 0) {
        if (!f->is_cluster) {
            e.yours = T(L, MSG_CALL_NOT_A_CLUSTER);
            return e;
        }
        one = f->stage;
    }
    if (one || strcmp(rule, "kind") == 0 || strcmp(rule, "country") == 0) {
        e.yours = value_of(a, L, f, rule, one);
        for (size_t i = 0; one && i < n; i++)
            if (strcmp(vals[i], one) == 0)
                e.v = CALL_MET;
        return e;
    }
    if (strcmp(rule, "region") == 0 || strcmp(rule, "district") == 0 || strcmp(rule, "size") == 0 ||
        strcmp(rule, "stage") == 0) {
        e.v = CALL_CHECK; /* the directory does not say */
        return e;
    }
    if (strcmp(rule, "nace") == 0 || strcmp(rule, "fos") == 0) {
        bool nace = rule[0] == 'n';
        const char *const *have = nace ? f->nace : f->fos;
        size_t n_have = nace ? f->n_nace : f->n_fos;
        if (n_have == 0) {
            e.v = CALL_CHECK;
            return e;
        }
        buf b = BUF_INIT;
        for (size_t k = 0; k < n_have; k++)
            buf_printf(&b, "%s%s", k ? ", " : "", have[k]);
        e.yours = arena_strdup(a, buf_failed(&b) ? "" : buf_str(&b));
        buf_free(&b);
        bool broader = false; /* the entry names only a broader field */
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < n_have; k++) {
                if (nace ? strcmp(vals[i], have[k]) == 0 : fos_covers(vals[i], have[k]))
                    e.v = CALL_MET;
                else if (!nace && fos_covers(have[k], vals[i]))
                    broader = true;
            }
        if (e.v != CALL_MET && broader)
            e.v = CALL_CHECK;
        return e;
    }
    if (strcmp(rule, "label") == 0) {
        if (!f->is_cluster) {
            e.yours = T(L, MSG_CALL_NOT_A_CLUSTER);
            return e;
        }
        int need = 4;
        for (size_t i = 0; i < n; i++) {
            int lv = index_of(vals[i], call_labels) + 1;
            if (lv > 0 && lv < need)
                need = lv;
        }
        e.yours = f->label_level ? T(L, label_msgs[f->label_level - 1]) : NULL;
        if (f->label_level >= need)
            e.v = CALL_MET;
        else if (f->label_claimed >= need)
            e.v = CALL_CHECK; /* claimed, not yet verified by the secretariat */
        return e;
    }
    return e;
}

static const char *reason(arena *a, lang_id L, const call_facts *f, const char *rule,
                          const char *const *vals, size_t n, const kind_eval *e)
{
    buf allowed = BUF_INIT, out = BUF_INIT;
    const char *label = call_rule_label(L, rule);
    if (strcmp(rule, "label") == 0) {
        int need = 3;
        for (size_t i = 0; i < n; i++) {
            int lv = index_of(vals[i], call_labels);
            if (lv >= 0 && lv < need)
                need = lv;
        }
        const char *lvl = T(L, label_msgs[need]);
        if (e->v == CALL_MET)
            buf_printf(&out, T(L, MSG_CALL_WHY_LABEL_MET), lvl, e->yours);
        else if (e->v == CALL_CHECK)
            buf_printf(&out, T(L, MSG_CALL_WHY_LABEL_CLAIMED), lvl);
        else if (e->yours)
            buf_printf(&out, T(L, MSG_CALL_WHY_LABEL_LOW), lvl, e->yours);
        else
            buf_printf(&out, T(L, MSG_CALL_WHY_LABEL_NONE), lvl);
    } else if (strcmp(rule, "text") == 0) {
        for (size_t i = 0; i < n; i++)
            buf_printf(&out, "%s%s", i ? " " : "", vals[i]);
        buf_printf(&out, " %s", T(L, MSG_CALL_CHECK_YOURSELF));
    } else {
        for (size_t i = 0; i < n; i++)
            buf_printf(&allowed, "%s%s", i ? ", " : "", value_of(a, L, f, rule, vals[i]));
        const char *al = buf_failed(&allowed) ? "" : buf_str(&allowed);
        if (e->v == CALL_MET)
            buf_printf(&out, T(L, MSG_CALL_WHY_MET), label, al, e->yours ? e->yours : "");
        else if (e->v == CALL_NOT_MET)
            buf_printf(&out, T(L, MSG_CALL_WHY_NOT), label, al,
                       e->yours ? e->yours : T(L, MSG_CALL_YOURS_NONE));
        else
            buf_printf(&out, T(L, MSG_CALL_WHY_CHECK), label, al);
    }
    const char *s = arena_strdup(a, buf_failed(&out) ? "" : buf_str(&out));
    buf_free(&allowed);
    buf_free(&out);
    return s ? s : "";
}

call_verdict call_evaluate(arena *a, lang_id L, const call_rec *c, const call_facts *f,
                           call_check_row **out, size_t *n)
{
    assert(a && c && f && out && n);
    *out = NULL;
    *n = 0;
    size_t cap = c->n_rules + 1;
    call_check_row *rows = arena_alloc(a, cap * sizeof *rows);
    const char **vals = arena_alloc(a, (c->n_rules ? c->n_rules : 1) * sizeof *vals);
    if (!rows || !vals)
        return CALL_CHECK; /* out of memory: never claim "met" */
    call_verdict all = CALL_MET;
    /* rules arrive ordered by rule kind (call_get): one group per kind */
    for (size_t i = 0; i < c->n_rules;) {
        const char *rule = c->rules[i].rule;
        size_t k = 0;
        for (; i < c->n_rules && strcmp(c->rules[i].rule, rule) == 0; i++)
            vals[k++] = c->rules[i].value;
        kind_eval e = eval_kind(a, L, rule, vals, k, f);
        rows[*n] = (call_check_row){rule, e.v, reason(a, L, f, rule, vals, k, &e)};
        (*n)++;
        if (e.v == CALL_NOT_MET)
            all = CALL_NOT_MET;
        else if (e.v == CALL_CHECK && all == CALL_MET)
            all = CALL_CHECK;
    }
    if (c->min_partners > 1 || c->min_countries > 1) {
        buf b = BUF_INIT;
        if (c->min_partners > 1 && c->min_countries > 1)
            buf_printf(&b, T(L, MSG_CALL_WHY_PARTNERS), (long long)c->min_partners,
                       (long long)c->min_countries);
        else if (c->min_partners > 1)
            buf_printf(&b, T(L, MSG_CALL_WHY_PARTNERS_N), (long long)c->min_partners);
        else
            buf_printf(&b, T(L, MSG_CALL_WHY_COUNTRIES_N), (long long)c->min_countries);
        const char *s = arena_strdup(a, buf_failed(&b) ? "" : buf_str(&b));
        buf_free(&b);
        rows[(*n)++] = (call_check_row){"partners", CALL_CHECK, s ? s : ""};
        if (all == CALL_MET)
            all = CALL_CHECK;
    }
    *out = rows;
    return all;
}

/* --- the entries a call does not exclude ------------------------------------------ */

/* Each rule kind as call_evaluate decides it, "not excluded" = met or
 * undecidable. $1 the call, $2 today (labels), $3 1 for clusters (kind
 * cluster or cluster_initiative) else 0 for the other kinds. */
#define HAS(k) "EXISTS (SELECT 1 FROM funding_call_rule r WHERE r.call_id = $1 AND r.rule = '" k "'"
/* One rule kind a line or two, by hand: the formatter folds the HAS()
 * calls into a staircase. */
/* clang-format off */
#define NOT_EXCLUDED \
    " AND o.status = 'published'" \
    " AND (NOT " HAS("kind") ") OR " HAS("kind") " AND r.value = o.kind))" \
    " AND (NOT " HAS("country") ") OR " HAS("country") " AND r.value = o.country))" \
    " AND (NOT " HAS("region") ") OR o.region IS NULL OR " HAS("region") " AND r.value = o.region))" \
    " AND (NOT " HAS("district") ") OR o.district IS NULL" \
    "  OR " HAS("district") " AND r.value = o.district))" \
    " AND (NOT " HAS("nace") ") OR NOT EXISTS (SELECT 1 FROM org_sector s WHERE s.org_id = o.id" \
    "  AND " NACE_DIGITS("s.code") ")" \
    " OR " HAS("nace") " AND r.value IN (SELECT substr(s.code, 1, 2)" \
    "  FROM org_sector s WHERE s.org_id = o.id)))" \
    " AND (NOT " HAS("fos") ") OR NOT EXISTS (SELECT 1 FROM org_fos s WHERE s.org_id = o.id)" \
    "  OR " HAS("fos") " AND EXISTS (SELECT 1 FROM org_fos s WHERE s.org_id = o.id AND (s.code =" \
    "  r.value OR s.code LIKE r.value || '.%' OR r.value LIKE s.code || '.%'))))" \
    " AND (NOT " HAS("size") ") OR NOT EXISTS (SELECT 1 FROM org_figure g WHERE g.org_id = o.id" \
    "  AND g.employees IS NOT NULL) OR " HAS("size") " AND r.value = (SELECT CASE" \
    "  WHEN g.employees < 10 THEN 'micro' WHEN g.employees < 50 THEN 'small'" \
    "  WHEN g.employees < 250 THEN 'medium' ELSE 'large' END FROM org_figure g" \
    "  WHERE g.org_id = o.id AND g.employees IS NOT NULL ORDER BY g.year DESC LIMIT 1)))" \
    " AND (NOT " HAS("stage") ") OR ($3 = 1 AND (NOT EXISTS (SELECT 1 FROM cluster_stage t" \
    "  WHERE t.org_id = o.id) OR " HAS("stage") " AND r.value = (SELECT t.stage FROM" \
    "  cluster_stage t WHERE t.org_id = o.id ORDER BY t.reached_on DESC, t.id DESC LIMIT 1)))))" \
    " AND (NOT " HAS("label") ") OR ($3 = 1 AND (SELECT coalesce(max(CASE l.label" \
    "  WHEN 'esca_gold' THEN 3 WHEN 'esca_silver' THEN 2 WHEN 'esca_bronze' THEN 1 ELSE 0 END), 0)" \
    "  FROM cluster_label l WHERE l.org_id = o.id AND (l.expires_on IS NULL OR l.expires_on >= $2))" \
    "  >= (SELECT min(CASE r.value WHEN 'esca_gold' THEN 3 WHEN 'esca_silver' THEN 2 ELSE 1 END)" \
    "  FROM funding_call_rule r WHERE r.call_id = $1 AND r.rule = 'label')))"
/* clang-format on */

/* Two statements, so that each walks the org_kind index: an OR of the
 * two kind conditions under a parameter made SQLite scan the directory
 * (100 ms at 21,000 entries, bench/calls.sh); and the clusters' statement
 * names org_kind, which the planner passed over for org_status_name to
 * avoid sorting, walking every published entry in name order. */
#define ELIG_CLUSTERS_(HINT)                                                                       \
    " FROM org o" HINT " WHERE o.kind IN ('cluster', 'cluster_initiative') AND $3 = 1"
#define ELIG_CLUSTERS ELIG_CLUSTERS_(" INDEXED BY org_kind")
/* PostgreSQL has no INDEXED BY (a hint to SQLite's planner only) */
#define ELIG_CLUSTERS_PG ELIG_CLUSTERS_("")
#define ELIG_OTHERS      " FROM org o WHERE o.kind NOT IN ('cluster', 'cluster_initiative') AND $3 = 0"
/* Clusters are at most a few thousand: one pass lists them all in order,
 * counted in C, and only the page's rows are copied. A count(*) and a
 * LIMIT page were two passes over the same rules (p99 22 ms of a call
 * page at 1,000 clusters, bench/calls.sh). */
static const char SQL_ELIGIBLE_CL[] =
    "SELECT o.id, o.slug, o.name, o.name_en, o.kind" ELIG_CLUSTERS NOT_EXCLUDED
    " ORDER BY o.name_folded, o.id";
static const char SQL_ELIGIBLE_CL_PG[] =
    "SELECT o.id, o.slug, o.name, o.name_en, o.kind" ELIG_CLUSTERS_PG NOT_EXCLUDED
    " ORDER BY o.name_folded, o.id";
static const char SQL_ELIGIBLE_OT[] =
    "SELECT o.id, o.slug, o.name, o.name_en, o.kind" ELIG_OTHERS NOT_EXCLUDED
    " ORDER BY o.name_folded, o.id LIMIT $4 OFFSET $5";
static const char SQL_ELIGIBLE_OT_COUNT[] =
    "SELECT count(*)" ELIG_OTHERS NOT_EXCLUDED " AND $4 > 0 AND $5 >= 0";

static void eligible_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    call_eligible *e = item;
    e->org_id = db_col_int(s, 0);
    e->slug = db_col_dup(a, s, 1, oom);
    e->name = db_col_dup(a, s, 2, oom);
    e->name_en = db_col_dup(a, s, 3, oom);
    e->kind = db_col_dup(a, s, 4, oom);
}

/* The clusters' page: every eligible cluster stepped once, the page's rows
 * copied, the rest only counted. */
static db_status eligible_clusters(db *d, arena *a, int64_t call_id, const char *today, int offset,
                                   call_eligible **out, size_t *n, int64_t *total)
{
    bool pg = strcmp(db_backend(d), "sqlite") != 0;
    db_stmt *s = db_query(d, pg ? SQL_ELIGIBLE_CL_PG : SQL_ELIGIBLE_CL,
                          DB_ARGS(DBI(call_id), DBT(today), DBI(1)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    call_eligible *rows = arena_alloc(a, CALL_PAGE * sizeof *rows);
    if (!rows) {
        db_reset(s);
        return DB_NOMEM;
    }
    int64_t seen = 0;
    bool oom = false;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        if (seen >= offset && seen < (int64_t)offset + CALL_PAGE) {
            memset(&rows[*n], 0, sizeof rows[*n]);
            eligible_row(s, a, &rows[*n], &oom, NULL);
            (*n)++;
            if (oom)
                break;
        }
        seen++;
    }
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    if (st != DB_DONE)
        return st;
    *out = rows;
    if (total)
        *total = seen;
    return DB_OK;
}

db_status call_eligible_list(db *d, arena *a, int64_t call_id, bool clusters, int offset,
                             call_eligible **out, size_t *n, int64_t *total)
{
    assert(d && a && out && n);
    *out = NULL;
    *n = 0;
    char today[11];
    time_today(today);
    if (offset < 0)
        offset = 0;
    if (clusters)
        return eligible_clusters(d, a, call_id, today, offset, out, n, total);
#define ELIG_ARGS DB_ARGS(DBI(call_id), DBT(today), DBI(0), DBI(CALL_PAGE), DBI(offset))
    if (total) {
        db_status st = db_int(d, total, 0, SQL_ELIGIBLE_OT_COUNT, ELIG_ARGS);
        if (st != DB_OK)
            return st;
    }
    db_stmt *s = db_query(d, SQL_ELIGIBLE_OT, ELIG_ARGS);
#undef ELIG_ARGS
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, eligible_row, NULL);
}

/* --- the calls an entry may apply for --------------------------------------------- */

static const char SQL_OPEN_RULES[] =
    "SELECT r.call_id, r.rule, r.value FROM funding_call c JOIN funding_call_rule r"
    " ON r.call_id = c.id WHERE c.status = 'published' AND c.deadline_at > $1"
    " ORDER BY r.call_id, r.rule, r.value";

typedef struct open_rule {
    int64_t call_id;
    call_rule r;
} open_rule;

static void open_rule_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    open_rule *o = item;
    o->call_id = db_col_int(s, 0);
    o->r.rule = db_col_dup(a, s, 1, oom);
    o->r.value = db_col_dup(a, s, 2, oom);
}

db_status call_for_org_list(db *d, arena *a, lang_id L, const call_facts *f, int limit,
                            call_for_org **out, size_t *n)
{
    assert(d && a && f && out && n);
    *out = NULL;
    *n = 0;
    call_filter flt = {.limit = 200};
    call_rec *calls;
    size_t n_calls;
    db_status st = call_list(d, a, &flt, &calls, &n_calls, NULL);
    if (st != DB_OK)
        return st;
    open_rule *rules = NULL;
    size_t n_rules = 0;
    db_stmt *s = db_query(d, SQL_OPEN_RULES, DB_ARGS(DBI(time_now())));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    if ((st = db_collect(s, a, (void **)&rules, &n_rules, sizeof *rules, open_rule_row, NULL)) !=
        DB_OK)
        return st;
    call_for_org *res = arena_alloc(a, (n_calls ? n_calls : 1) * sizeof *res);
    call_rule *buf_rules = arena_alloc(a, (n_rules ? n_rules : 1) * sizeof *buf_rules);
    if (!res || !buf_rules)
        return DB_NOMEM;
    int n_yes = 0, n_near = 0;
    /* two passes: first those it may apply for, then those one rule
     * keeps it from; both in deadline order */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n_calls && (pass == 0 ? n_yes : n_near) < limit; i++) {
            call_rec c = calls[i];
            /* its rules: a run of the list sorted by call */
            size_t lo = 0, hi = n_rules; /* lower bound of c.id: rules are by call_id */
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (rules[mid].call_id < c.id)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            size_t k = 0;
            for (size_t j = lo; j < n_rules && rules[j].call_id == c.id; j++)
                buf_rules[k++] = rules[j].r;
            c.rules = buf_rules;
            c.n_rules = k;
            call_check_row *rows;
            size_t n_rows;
            call_verdict v = call_evaluate(a, L, &c, f, &rows, &n_rows);
            size_t not_met = 0;
            for (size_t j = 0; j < n_rows; j++)
                not_met += rows[j].verdict == CALL_NOT_MET;
            bool take =
                pass == 0 ? v != CALL_NOT_MET && n_yes < limit : not_met == 1 && n_near < limit;
            if (!take)
                continue;
            /* rows point into buf_rules' values (arena strings): keep c's
             * own copy of the rule array */
            call_rule *own = arena_alloc(a, (k ? k : 1) * sizeof *own);
            if (!own)
                return DB_NOMEM;
            memcpy(own, buf_rules, k * sizeof *own);
            c.rules = own;
            res[(*n)++] = (call_for_org){c, v, rows, n_rows};
            if (pass == 0)
                n_yes++;
            else
                n_near++;
        }
    *out = res;
    return DB_OK;
}
