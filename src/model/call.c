/* call.c: funding calls: fields, validation, reads and writes (see
 * call.h). Matching is call_match.c, reminders call_remind.c, the CSV
 * import call_import.c.
 *
 * The deadline is the one field with a mechanism: it arrives as a local
 * date and time in the funder's zone and is stored as the UTC instant the
 * zone database gives for it (ical_local_to_utc), so 17:00 Brussels in
 * March and in November are both 17:00 there, and 17:00 London is an
 * hour later than 17:00 Belgrade all year. */
#include "model/call.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/csv.h"
#include "core/timeutil.h"
#include "i18n/country.h"
#include "ical/ical.h"
#include "json/json.h"
#include "model/tx.h"
#include "core/strutil.h"
#include "db/db.h"

const char *const call_rule_kinds[] = {"kind",     "size",  "country", "nace", "fos", "region",
                                       "district", "stage", "label",   "text", NULL};
const char *const call_sizes[] = {"micro", "small", "medium", "large", NULL};
const char *const call_labels[] = {"esca_bronze", "esca_silver", "esca_gold", NULL};
static const char *const call_stages[] = {"initiative", "emerging", "developing", "established",
                                          NULL};
static const char *const call_statuses[] = {"draft", "published", NULL};

#define DEFAULT_TZ "Europe/Belgrade"

/* --- validation --------------------------------------------------------------- */

enum {
    CF_FUNDER,
    CF_PROGRAMME,
    CF_TITLE_SR,
    CF_TITLE_EN,
    CF_SUMMARY_SR,
    CF_SUMMARY_EN,
    CF_URL,
    CF_OPENS_ON,
    CF_DL_DATE,
    CF_DL_TIME,
    CF_DL_TZ,
    CF_STAGES,
    CF_BUDGET,
    CF_GRANT_MIN,
    CF_GRANT_MAX,
    CF_COFIN,
    CF_MIN_PARTNERS,
    CF_MIN_COUNTRIES,
    CF_STATUS,
    CF_PROGRAMME_EN, /* 0055; last, so the positional lists keep their order */
    CF_N
};

#define MONEY_MAX 10000000000LL /* ten billion euro: far above any call */

static const form_rule call_rules[CF_N] = {
    [CF_FUNDER] = {"funder", FV_SLUG, 0, 0, 200, NULL},
    [CF_PROGRAMME] = {"programme", FV_TEXT, FORM_REQUIRED, 1, 200, NULL},
    [CF_TITLE_SR] = {"title_sr", FV_TEXT, FORM_REQUIRED, 1, CALL_TITLE_MAX, NULL},
    [CF_TITLE_EN] = {"title_en", FV_TEXT, 0, 0, CALL_TITLE_MAX, NULL},
    [CF_SUMMARY_SR] = {"summary_sr", FV_MULTILINE, 0, 0, CALL_TEXT_MAX, NULL},
    [CF_SUMMARY_EN] = {"summary_en", FV_MULTILINE, 0, 0, CALL_TEXT_MAX, NULL},
    [CF_URL] = {"url", FV_URL, 0, 0, 500, NULL},
    [CF_OPENS_ON] = {"opens_on", FV_DATE, 0, 0, 0, NULL},
    [CF_DL_DATE] = {"deadline_date", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
    [CF_DL_TIME] = {"deadline_time", FV_TEXT, FORM_REQUIRED, 0, 5, NULL},
    [CF_DL_TZ] = {"deadline_tz", FV_TEXT, 0, 0, 64, NULL},
    [CF_STAGES] = {"stages", FV_MULTILINE, 0, 0, CALL_TEXT_MAX, NULL},
    [CF_BUDGET] = {"budget", FV_MONEY, 0, 0, MONEY_MAX, NULL},
    [CF_GRANT_MIN] = {"grant_min", FV_MONEY, 0, 0, MONEY_MAX, NULL},
    [CF_GRANT_MAX] = {"grant_max", FV_MONEY, 0, 0, MONEY_MAX, NULL},
    [CF_COFIN] = {"cofin", FV_INT, 0, 0, 100, NULL},
    [CF_MIN_PARTNERS] = {"min_partners", FV_INT, 0, 1, 100, NULL},
    [CF_MIN_COUNTRIES] = {"min_countries", FV_INT, 0, 1, 60, NULL},
    [CF_STATUS] = {"status", FV_ENUM, 0, 0, 0, call_statuses},
    [CF_PROGRAMME_EN] = {"programme_en", FV_TEXT, 0, 0, 200, NULL},
};

typedef struct check_ctx {
    const call_input *in;
    int64_t *deadline_at; /* out */
} check_ctx;

/* "HH:MM", 00:00 to 23:59. */
static bool parse_hm(const char *s, int *h, int *mi)
{
    if (!s || strlen(s) != 5 || s[2] != ':')
        return false;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return false;
    *h = (s[0] - '0') * 10 + (s[1] - '0');
    *mi = (s[3] - '0') * 10 + (s[4] - '0');
    return *h <= 23 && *mi <= 59;
}

/* "HH:MM" as minutes of the day; 0 when malformed. */
static int64_t hm_minutes(const char *s)
{
    int h = 0, mi = 0;
    return parse_hm(s, &h, &mi) ? h * 60 + mi : 0;
}

static void ymd(const char *s, int *y, int *mo, int *d)
{
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *mo = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
}

/* A known zone and a real time of day, and the deadline's UTC instant. */
static void deadline_known(const form_value *v, const void *vctx, form_errors *errs)
{
    const check_ctx *c = vctx;
    const char *tz = v[CF_DL_TZ].present ? v[CF_DL_TZ].text : DEFAULT_TZ;
    bool tz_ok = ical_zone_known(tz);
    if (!tz_ok && !form_error_for(errs, "deadline_tz"))
        valid_add_error(errs, "deadline_tz", FE_INVALID, 0, 0);
    int h = 0, mi = 0;
    bool hm_ok = parse_hm(v[CF_DL_TIME].text, &h, &mi);
    if (v[CF_DL_TIME].present && !hm_ok && !form_error_for(errs, "deadline_time"))
        valid_add_error(errs, "deadline_time", FE_INVALID, 0, 0);
    if (!tz_ok || !hm_ok || !v[CF_DL_DATE].present || form_error_for(errs, "deadline_date"))
        return;
    int y, mo, d;
    ymd(v[CF_DL_DATE].text, &y, &mo, &d);
    int64_t at = 0;
    ical_local kind;
    if (!ical_local_check(tz, y, mo, d, h, mi, &at, &kind)) {
        valid_add_error(errs, "deadline_date", FE_DATE, 0, 0);
        return;
    }
    if (kind == ICAL_LOCAL_GAP) { /* 02:30 on the spring-forward night: no such time */
        char from[6] = "", to[6] = "";
        ical_gap_bounds(tz, y, mo, d, h, mi, from, to);
        valid_add_error(errs, "deadline_time", FE_MISMATCH, hm_minutes(from), hm_minutes(to));
        return;
    } /* a time that happens twice is the earlier one (ical_local_check) */
    if (c->deadline_at)
        *c->deadline_at = at;
    /* after the opening date: the deadline instant past the start of the
     * opening day in the same zone */
    if (v[CF_OPENS_ON].present && !form_error_for(errs, "opens_on")) {
        int64_t open = 0;
        ymd(v[CF_OPENS_ON].text, &y, &mo, &d);
        if (ical_local_to_utc(tz, y, mo, d, 0, 0, &open) && at <= open)
            valid_add_error(errs, "deadline_date", FE_DATE_ORDER, 0, 0);
    }
}

/* The smallest grant not above the largest, the largest not above the
 * whole budget. */
static void grant_range(const form_value *v, const void *vctx, form_errors *errs)
{
    (void)vctx;
    bool lo = v[CF_GRANT_MIN].present && !form_error_for(errs, "grant_min");
    bool hi = v[CF_GRANT_MAX].present && !form_error_for(errs, "grant_max");
    bool all = v[CF_BUDGET].present && !form_error_for(errs, "budget");
    if (lo && hi && v[CF_GRANT_MIN].i > v[CF_GRANT_MAX].i)
        valid_add_error(errs, "grant_max", FE_DATE_ORDER, 0, 0);
    else if (hi && all && v[CF_GRANT_MAX].i > v[CF_BUDGET].i)
        valid_add_error(errs, "grant_max", FE_MISMATCH, 0, 0);
}

static bool all_of(const char *s, const char *chars, size_t min, size_t max)
{
    size_t n = strlen(s);
    return n >= min && n <= max && strspn(s, chars) == n;
}

#define DIGITS "0123456789"
#define UPPER  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

/* Whether value is well formed for rule (the codes themselves are looked
 * up in the reference tables when the call is written). */
static bool rule_value_ok(const char *rule, const char *v)
{
    if (!v || !*v)
        return false;
    if (strcmp(rule, "kind") == 0)
        return all_of(v, "abcdefghijklmnopqrstuvwxyz_", 1, 40);
    if (strcmp(rule, "size") == 0)
        return str_in(v, call_sizes);
    if (strcmp(rule, "country") == 0)
        return all_of(v, UPPER, 2, 2);
    if (strcmp(rule, "nace") == 0)
        return all_of(v, DIGITS, 2, 2);
    if (strcmp(rule, "fos") == 0)
        return all_of(v, DIGITS ".", 1, 5) && v[0] != '.';
    if (strcmp(rule, "region") == 0 || strcmp(rule, "district") == 0)
        return all_of(v, UPPER "_", 2, 40);
    if (strcmp(rule, "stage") == 0)
        return str_in(v, call_stages);
    if (strcmp(rule, "label") == 0)
        return str_in(v, call_labels);
    if (strcmp(rule, "text") == 0) {
        size_t n = 0;
        for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
            if (*p < 0x20 || *p == 0x7f)
                return false;
            n += (*p & 0xc0) != 0x80;
        }
        return n <= CALL_RULE_TEXT_MAX;
    }
    return false;
}

static void rules_known(const form_value *v, const void *vctx, form_errors *errs)
{
    (void)v;
    const check_ctx *c = vctx;
    if (c->in->n_rules > CALL_RULES_MAX) {
        valid_add_error(errs, "rules", FE_RANGE, 0, CALL_RULES_MAX);
        return;
    }
    for (size_t i = 0; i < c->in->n_rules; i++) {
        const call_rule *r = &c->in->rules[i];
        if (!str_in(r->rule, call_rule_kinds) || !rule_value_ok(r->rule, r->value)) {
            valid_add_error(errs, "rules", FE_INVALID, 0, 0);
            return;
        }
    }
}

static const valid_cross_fn call_cross[] = {deadline_known, grant_range, rules_known};
static const valid_table call_table = {call_rules, CF_N, call_cross, 3};

/* The checked values of in, for the writes. */
typedef struct call_values {
    form_value v[CF_N];
    int64_t deadline_at;
} call_values;

static bool check_into(arena *a, const call_input *in, call_values *cv, form_errors *errs)
{
    const char *vals[CF_N] = {
        in->funder,      in->programme,    in->title_sr,      in->title_en,      in->summary_sr,
        in->summary_en,  in->url,          in->opens_on,      in->deadline_date, in->deadline_time,
        in->deadline_tz, in->stages,       in->budget,        in->grant_min,     in->grant_max,
        in->cofin,       in->min_partners, in->min_countries, in->status,        in->programme_en,
    };
    cv->deadline_at = 0;
    check_ctx c = {.in = in, .deadline_at = &cv->deadline_at};
    return valid_values(a, &call_table, vals, cv->v, errs, &c);
}

bool call_check(arena *a, const call_input *in, int64_t *deadline_at, form_errors *errs)
{
    assert(a && in && errs);
    call_values cv;
    bool ok = check_into(a, in, &cv, errs);
    if (deadline_at)
        *deadline_at = cv.deadline_at;
    return ok;
}

void call_error_text(buf *out, lang_id lang, const form_error *e, const char *tz)
{
    if (e->field && strcmp(e->field, "deadline_time") == 0 && e->code == FE_MISMATCH) {
        buf_printf(out, T(lang, MSG_CALL_ERR_DST_GAP), tz && *tz ? tz : DEFAULT_TZ,
                   (int)(e->min / 60), (int)(e->min % 60), (int)(e->max / 60), (int)(e->max % 60));
        return;
    }
    static const struct {
        const char *field;
        form_error_code code;
        msg_id msg;
    } own[] = {
        {"deadline_date", FE_DATE_ORDER, MSG_CALL_ERR_DEADLINE_ORDER},
        {"deadline_tz", FE_INVALID, MSG_CALL_ERR_TZ},
        {"deadline_time", FE_INVALID, MSG_CALL_ERR_TIME},
        {"grant_max", FE_DATE_ORDER, MSG_CALL_ERR_GRANT_ORDER},
        {"grant_max", FE_MISMATCH, MSG_CALL_ERR_GRANT_BUDGET},
        {"cofin", FE_RANGE, MSG_CALL_ERR_COFIN},
        {"rules", FE_INVALID, MSG_CALL_ERR_RULES},
        {"rules", FE_UNKNOWN_CODE, MSG_CALL_ERR_RULE_CODE},
        {"funder", FE_INVALID, MSG_CALL_ERR_FUNDER},
        {"funder", FE_CHOICE, MSG_CALL_ERR_FUNDER_SEVERAL},
        {"deadline", FE_INVALID, MSG_CALL_ERR_DEADLINE_INSTANT},
    };
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (e->field && strcmp(e->field, own[i].field) == 0 && e->code == own[i].code) {
            buf_puts(out, T(lang, own[i].msg));
            return;
        }
    form_error_text(out, lang, e);
}

/* --- reads -------------------------------------------------------------------- */

#define CALL_COLS                                                                                  \
    "c.id, coalesce(c.funder_id, 0), f.slug, f.name, f.name_en, c.programme, c.title_sr,"          \
    " c.title_en, c.summary_sr, c.summary_en, c.url, c.opens_on, c.deadline_at, c.deadline_tz,"    \
    " c.stages, coalesce(c.budget_cents, -1), coalesce(c.grant_min_cents, -1),"                    \
    " coalesce(c.grant_max_cents, -1), coalesce(c.cofin_milli, -1), coalesce(c.min_partners, 0),"  \
    " coalesce(c.min_countries, 0), c.status, c.is_demo, c.created_at, c.updated_at,"              \
    " c.programme_en FROM funding_call c LEFT JOIN org f ON f.id = c.funder_id"

static const char SQL_GET[] = "SELECT " CALL_COLS " WHERE c.id = $1";
static const char SQL_RULES[] =
    "SELECT rule, value FROM funding_call_rule WHERE call_id = $1 ORDER BY rule, value";
static const char SQL_FOLLOWERS[] = "SELECT count(*) FROM funding_call_follow WHERE call_id = $1";

void call_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx);
void call_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    call_rec *c = item;
    int k = 0;
    c->id = db_col_int(s, k++);
    c->funder_id = db_col_int(s, k++);
    c->funder_slug = db_col_dup(a, s, k++, oom);
    c->funder_name = db_col_dup(a, s, k++, oom);
    c->funder_name_en = db_col_dup(a, s, k++, oom);
    c->programme = db_col_dup(a, s, k++, oom);
    c->title_sr = db_col_dup(a, s, k++, oom);
    c->title_en = db_col_dup(a, s, k++, oom);
    c->summary_sr = db_col_dup(a, s, k++, oom);
    c->summary_en = db_col_dup(a, s, k++, oom);
    c->url = db_col_dup(a, s, k++, oom);
    c->opens_on = db_col_dup(a, s, k++, oom);
    c->deadline_at = db_col_int(s, k++);
    c->deadline_tz = db_col_dup(a, s, k++, oom);
    c->stages = db_col_dup(a, s, k++, oom);
    c->budget_cents = db_col_int(s, k++);
    c->grant_min_cents = db_col_int(s, k++);
    c->grant_max_cents = db_col_int(s, k++);
    c->cofin_milli = db_col_int(s, k++);
    c->min_partners = db_col_int(s, k++);
    c->min_countries = db_col_int(s, k++);
    c->status = db_col_dup(a, s, k++, oom);
    c->is_demo = db_col_int(s, k++) != 0;
    c->created_at = db_col_int(s, k++);
    c->updated_at = db_col_int(s, k++);
    c->programme_en = db_col_dup(a, s, k++, oom);
}

static void rule_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    call_rule *r = item;
    r->rule = db_col_dup(a, s, 0, oom);
    r->value = db_col_dup(a, s, 1, oom);
}

db_status call_get(db *d, arena *a, int64_t id, call_rec *out, bool *found)
{
    assert(d && a && out && found);
    memset(out, 0, sizeof *out);
    *found = false;
    db_stmt *s = db_query(d, SQL_GET, DB_ARGS(DBI(id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_collect_one(s, a, out, sizeof *out, call_row, NULL, found);
    if (st != DB_OK || !*found)
        return st;
    if (!(s = db_query(d, SQL_RULES, DB_ARGS(DBI(id)))))
        return db_failure(d) ? db_failure(d) : DB_ERR;
    if ((st = db_collect(s, a, (void **)&out->rules, &out->n_rules, sizeof *out->rules, rule_row,
                         NULL)) != DB_OK)
        return st;
    return db_int(d, &out->followers, 0, SQL_FOLLOWERS, DB_ARGS(DBI(id)));
}

static const char *money_text(arena *a, int64_t cents)
{
    if (cents < 0)
        return NULL;
    return cents % 100
               ? arena_printf(a, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100))
               : arena_printf(a, "%lld", (long long)(cents / 100));
}

void call_to_input(arena *a, const call_rec *c, call_input *in)
{
    memset(in, 0, sizeof *in);
    char date[11] = "", hm[6] = "";
    ical_utc_to_local(c->deadline_tz, c->deadline_at, date, hm);
    in->funder = c->funder_slug;
    in->programme = c->programme;
    in->programme_en = c->programme_en;
    in->title_sr = c->title_sr;
    in->title_en = c->title_en;
    in->summary_sr = c->summary_sr;
    in->summary_en = c->summary_en;
    in->url = c->url;
    in->opens_on = c->opens_on;
    in->deadline_date = arena_strdup(a, date);
    in->deadline_time = arena_strdup(a, hm);
    in->deadline_tz = c->deadline_tz;
    in->stages = c->stages;
    in->budget = money_text(a, c->budget_cents);
    in->grant_min = money_text(a, c->grant_min_cents);
    in->grant_max = money_text(a, c->grant_max_cents);
    in->cofin =
        c->cofin_milli >= 0 ? arena_printf(a, "%lld", (long long)(c->cofin_milli / 10)) : NULL;
    in->min_partners = c->min_partners ? arena_printf(a, "%lld", (long long)c->min_partners) : NULL;
    in->min_countries =
        c->min_countries ? arena_printf(a, "%lld", (long long)c->min_countries) : NULL;
    in->status = c->status;
    in->rules = c->rules;
    in->n_rules = c->n_rules;
}

/* Open: deadline ahead, soonest first; archive: passed, newest first.
 * $1 now, $2 archive, $3 closing-by (0: any), $4 today (open now; NULL:
 * any), $5 funder slug, $6 programme, $7 applicant kind, $8 drafts too,
 * $9 limit, $10 offset. */
#define CALL_WHERE                                                                                 \
    " WHERE (c.status = 'published' OR ($8 AND c.status = 'draft'))"                               \
    " AND (($2 = 0 AND c.deadline_at > $1) OR ($2 = 1 AND c.deadline_at <= $1))"                   \
    " AND ($3 = 0 OR c.deadline_at <= $3)"                                                         \
    " AND ($4 IS NULL OR c.opens_on IS NULL OR c.opens_on <= $4)"                                  \
    " AND ($5 IS NULL OR f.slug = $5) AND ($6 IS NULL OR c.programme = $6)"                        \
    " AND ($7 IS NULL OR NOT EXISTS (SELECT 1 FROM funding_call_rule r WHERE r.call_id = c.id"     \
    "  AND r.rule = 'kind') OR EXISTS (SELECT 1 FROM funding_call_rule r WHERE r.call_id = c.id"   \
    "  AND r.rule = 'kind' AND r.value = $7))"

static const char SQL_LIST[] =
    "SELECT " CALL_COLS CALL_WHERE
    " ORDER BY CASE WHEN $2 = 1 THEN -c.deadline_at ELSE c.deadline_at END, c.id"
    " LIMIT $9 OFFSET $10";
static const char SQL_COUNT[] = "SELECT count(*) FROM funding_call c LEFT JOIN org f"
                                " ON f.id = c.funder_id" CALL_WHERE " AND $9 >= 0 AND $10 >= 0";

db_status call_list(db *d, arena *a, const call_filter *f, call_rec **out, size_t *n,
                    int64_t *total)
{
    assert(d && a && f && out && n);
    *out = NULL;
    *n = 0;
    int64_t now = time_now();
    char today[11];
    time_today(today);
    int limit = f->limit > 0 && f->limit <= 200 ? f->limit : 50;
    int offset = f->offset > 0 ? f->offset : 0;
#define LIST_ARGS                                                                                  \
    DB_ARGS(DBI(now), DBI(f->archive ? 1 : 0), DBI(f->closing_30 ? now + 30 * 86400 : 0),          \
            f->open_now ? DBT(today) : DBNULL, db_opt_text(f->funder), db_opt_text(f->programme),  \
            db_opt_text(f->kind), DBI(f->drafts ? 1 : 0), DBI(limit), DBI(offset))
    if (total) {
        db_status st = db_int(d, total, 0, SQL_COUNT, LIST_ARGS);
        if (st != DB_OK)
            return st;
    }
    db_stmt *s = db_query(d, SQL_LIST, LIST_ARGS);
#undef LIST_ARGS
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, call_row, NULL);
}

static const char SQL_FACET_FUNDERS[] =
    "SELECT f.slug, f.name, f.name_en, count(*) FROM funding_call c JOIN org f"
    " ON f.id = c.funder_id WHERE c.status = 'published'"
    " AND (($2 = 0 AND c.deadline_at > $1) OR ($2 = 1 AND c.deadline_at <= $1))"
    " GROUP BY f.id ORDER BY count(*) DESC, f.name LIMIT 30";
static const char SQL_FACET_PROGRAMMES[] =
    "SELECT c.programme, c.programme, max(c.programme_en), count(*) FROM funding_call c"
    " WHERE c.status = 'published'"
    " AND (($2 = 0 AND c.deadline_at > $1) OR ($2 = 1 AND c.deadline_at <= $1))"
    " GROUP BY c.programme ORDER BY count(*) DESC, c.programme LIMIT 30";

static void facet_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    call_facet *f = item;
    f->value = db_col_dup(a, s, 0, oom);
    f->label = db_col_dup(a, s, 1, oom);
    f->label_en = db_col_dup(a, s, 2, oom);
    f->count = db_col_int(s, 3);
}

db_status call_facets(db *d, arena *a, bool archive, call_facet **funders, size_t *n_funders,
                      call_facet **programmes, size_t *n_programmes)
{
    *funders = *programmes = NULL;
    *n_funders = *n_programmes = 0;
    int64_t now = time_now();
    db_stmt *s = db_query(d, SQL_FACET_FUNDERS, DB_ARGS(DBI(now), DBI(archive ? 1 : 0)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_collect(s, a, (void **)funders, n_funders, sizeof **funders, facet_row, NULL);
    if (st != DB_OK)
        return st;
    if (!(s = db_query(d, SQL_FACET_PROGRAMMES, DB_ARGS(DBI(now), DBI(archive ? 1 : 0)))))
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)programmes, n_programmes, sizeof **programmes, facet_row,
                      NULL);
}

/* --- writes ------------------------------------------------------------------- */

static const char SQL_FUNDER[] = "SELECT id FROM org WHERE slug = $1 AND status = 'published'";
static const char SQL_INSERT[] =
    "INSERT INTO funding_call(funder_id, programme, title_sr, title_en, summary_sr, summary_en,"
    " url, opens_on, deadline_at, deadline_tz, stages, budget_cents, grant_min_cents,"
    " grant_max_cents, cofin_milli, min_partners, min_countries, status, is_demo, created_at,"
    " created_by, updated_at, updated_by, deadline_set_at, programme_en) VALUES ($1, $2, $3, $4,"
    " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $20, $21,"
    " $20, $22)";
static const char SQL_UPDATE[] =
    "UPDATE funding_call SET funder_id = $1, programme = $2, title_sr = $3, title_en = $4,"
    " summary_sr = $5, summary_en = $6, url = $7, opens_on = $8, deadline_at = $9,"
    " deadline_tz = $10, stages = $11, budget_cents = $12, grant_min_cents = $13,"
    " grant_max_cents = $14, cofin_milli = $15, min_partners = $16, min_countries = $17,"
    " status = $18, updated_at = $20, updated_by = $21, programme_en = $22,"
    " deadline_set_at = CASE WHEN deadline_at = $9 THEN deadline_set_at ELSE $20 END"
    " WHERE id = $23 AND $19 >= 0"
    " AND status <> 'withdrawn'";
static const char SQL_RULES_DEL[] = "DELETE FROM funding_call_rule WHERE call_id = $1";
static const char SQL_RULE_ADD[] = "INSERT INTO funding_call_rule(call_id, rule, value) VALUES "
                                   "($1, $2, $3) ON CONFLICT DO NOTHING";
static const char SQL_REF_KIND[] = "SELECT count(*) FROM ref_kind WHERE code = $1";
static const char SQL_REF_NACE[] = "SELECT count(*) FROM ref_nace WHERE code = $1";
static const char SQL_REF_FOS[] = "SELECT count(*) FROM ref_fos WHERE code = $1";
static const char SQL_REF_REGION[] = "SELECT count(*) FROM ref_region WHERE code = $1";
static const char SQL_REF_DISTRICT[] = "SELECT count(*) FROM ref_district WHERE code = $1";

typedef struct write_ctx {
    const call_input *in;
    const call_values *cv;
    int64_t id;
    bool is_demo;
    form_errors *errs;
} write_ctx;

static db_val opt_int(const form_value *v, int64_t scale)
{
    return v->present ? DBI(v->i * scale) : DBNULL;
}

/* Each rule's code is one the reference tables know; a country, one
 * country_code_known takes (ISO 3166-1 or XK): a call naming no real
 * country would match no one without a word to the secretariat. */
static db_status rule_codes_known(db *d, const call_input *in, form_errors *errs)
{
    for (size_t i = 0; i < in->n_rules; i++) {
        const char *r = in->rules[i].rule, *sql = NULL;
        if (strcmp(r, "country") == 0) {
            const char *v = in->rules[i].value;
            if (!country_code_known(v)) {
                valid_add_error(errs, "rules", FE_UNKNOWN_CODE, 0, 0);
                return DB_CONSTRAINT;
            }
            continue;
        }
        if (strcmp(r, "kind") == 0)
            sql = SQL_REF_KIND;
        else if (strcmp(r, "nace") == 0)
            sql = SQL_REF_NACE;
        else if (strcmp(r, "fos") == 0)
            sql = SQL_REF_FOS;
        else if (strcmp(r, "region") == 0)
            sql = SQL_REF_REGION;
        else if (strcmp(r, "district") == 0)
            sql = SQL_REF_DISTRICT;
        if (!sql)
            continue;
        int64_t n = 0;
        db_status st = db_int(d, &n, 0, sql, DB_ARGS(DBT(in->rules[i].value)));
        if (st != DB_OK)
            return st;
        if (n == 0) {
            valid_add_error(errs, "rules", FE_UNKNOWN_CODE, 0, 0);
            return DB_CONSTRAINT;
        }
    }
    return DB_OK;
}

/* Writes the call's row (insert when c->id is 0) and its rules. */
static db_status put_call(tx *t, write_ctx *c)
{
    const form_value *v = c->cv->v;
    int64_t funder = 0;
    db_status st;
    if (v[CF_FUNDER].present) {
        if ((st = db_int(t->d, &funder, 0, SQL_FUNDER, DB_ARGS(DBT(v[CF_FUNDER].text)))) != DB_OK)
            return st;
        if (!funder) {
            valid_add_error(c->errs, "funder", FE_INVALID, 0, 0);
            return DB_CONSTRAINT;
        }
    }
    if ((st = rule_codes_known(t->d, c->in, c->errs)) != DB_OK)
        return st;
    const char *tz = v[CF_DL_TZ].present ? v[CF_DL_TZ].text : DEFAULT_TZ;
    const char *status = v[CF_STATUS].present ? v[CF_STATUS].text : "published";
    int64_t now = time_now();
    db_val actor = t->actor_id ? DBI(t->actor_id) : DBNULL;
#define CALL_VALS                                                                                  \
    funder ? DBI(funder) : DBNULL, DBT(v[CF_PROGRAMME].text), DBT(v[CF_TITLE_SR].text),            \
        db_opt_text(v[CF_TITLE_EN].text), db_opt_text(v[CF_SUMMARY_SR].text),                      \
        db_opt_text(v[CF_SUMMARY_EN].text), db_opt_text(v[CF_URL].text),                           \
        db_opt_text(v[CF_OPENS_ON].text), DBI(c->cv->deadline_at), DBT(tz),                        \
        db_opt_text(v[CF_STAGES].text), opt_int(&v[CF_BUDGET], 1), opt_int(&v[CF_GRANT_MIN], 1),   \
        opt_int(&v[CF_GRANT_MAX], 1), opt_int(&v[CF_COFIN], 10), opt_int(&v[CF_MIN_PARTNERS], 1),  \
        opt_int(&v[CF_MIN_COUNTRIES], 1), DBT(status), DBI(c->is_demo ? 1 : 0), DBI(now), actor,   \
        db_opt_text(v[CF_PROGRAMME_EN].text)
    if (c->id == 0) {
        if ((st = db_do(t->d, SQL_INSERT, DB_ARGS(CALL_VALS))) != DB_OK)
            return st;
        c->id = t->entity_id = db_last_id(t->d);
    } else {
        if ((st = db_do(t->d, SQL_UPDATE, DB_ARGS(CALL_VALS, DBI(c->id)))) != DB_OK)
            return st;
        if (db_changes(t->d) == 0)
            return DB_DONE;
        if ((st = db_do(t->d, SQL_RULES_DEL, DB_ARGS(DBI(c->id)))) != DB_OK)
            return st;
    }
#undef CALL_VALS
    for (size_t i = 0; i < c->in->n_rules; i++)
        if ((st = db_do(t->d, SQL_RULE_ADD,
                        DB_ARGS(DBI(c->id), DBT(c->in->rules[i].rule),
                                DBT(c->in->rules[i].value)))) != DB_OK)
            return st;
    buf_puts(&t->detail, "{\"title_sr\":");
    json_put_string(&t->detail, v[CF_TITLE_SR].text);
    buf_puts(&t->detail, ",\"programme\":");
    json_put_string(&t->detail, v[CF_PROGRAMME].text);
    if (v[CF_PROGRAMME_EN].present) {
        buf_puts(&t->detail, ",\"programme_en\":");
        json_put_string(&t->detail, v[CF_PROGRAMME_EN].text);
    }
    buf_printf(&t->detail, ",\"deadline_at\":%lld,\"deadline_tz\":", (long long)c->cv->deadline_at);
    json_put_string(&t->detail, tz);
    buf_printf(&t->detail, ",\"rules\":%zu,\"status\":", c->in->n_rules);
    json_put_string(&t->detail, status);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

static db_status write_body(tx *t, void *ctx)
{
    return put_call(t, ctx);
}

db_status call_create_ex(db *d, const call_input *in, bool is_demo, int64_t actor, const char *ip,
                         int64_t *id, form_errors *errs)
{
    assert(d && in && errs);
    if (id)
        *id = 0;
    arena a = ARENA_INIT;
    call_values cv;
    db_status st = DB_CONSTRAINT;
    if (check_into(&a, in, &cv, errs)) {
        tx t = TX_INIT(actor, ip, "call_create", "funding_call", 0);
        t.bump = TX_DIRECTORY;
        write_ctx c = {.in = in, .cv = &cv, .is_demo = is_demo, .errs = errs};
        st = tx_write(d, &t, write_body, &c);
        if (st == DB_OK && id)
            *id = c.id;
    }
    arena_free(&a);
    return st;
}

db_status call_create(db *d, const call_input *in, int64_t actor, const char *ip, int64_t *id,
                      form_errors *errs)
{
    return call_create_ex(d, in, false, actor, ip, id, errs);
}

db_status call_update(db *d, int64_t id, const call_input *in, int64_t actor, const char *ip,
                      form_errors *errs)
{
    assert(d && in && errs && id > 0);
    arena a = ARENA_INIT;
    call_values cv;
    db_status st = DB_CONSTRAINT;
    if (check_into(&a, in, &cv, errs)) {
        tx t = TX_INIT(actor, ip, "call_update", "funding_call", id);
        t.bump = TX_DIRECTORY;
        write_ctx c = {.in = in, .cv = &cv, .id = id, .errs = errs};
        st = tx_write(d, &t, write_body, &c);
    }
    arena_free(&a);
    return st;
}

static const char SQL_WITHDRAW[] =
    "UPDATE funding_call SET status = 'withdrawn', updated_at = $2, updated_by = $3"
    " WHERE id = $1 AND status <> 'withdrawn'";

static db_status withdraw_body(tx *t, void *ctx)
{
    int64_t id = *(const int64_t *)ctx;
    db_status st =
        db_do(t->d, SQL_WITHDRAW,
              DB_ARGS(DBI(id), DBI(time_now()), t->actor_id ? DBI(t->actor_id) : DBNULL));
    if (st == DB_OK && db_changes(t->d) == 0)
        return DB_DONE;
    return st;
}

db_status call_withdraw(db *d, int64_t id, int64_t actor, const char *ip)
{
    tx t = TX_INIT(actor, ip, "call_withdraw", "funding_call", id);
    t.bump = TX_DIRECTORY;
    return tx_write(d, &t, withdraw_body, &id);
}

/* --- following ------------------------------------------------------------------ */

static const char SQL_FOLLOW[] = "INSERT INTO funding_call_follow(call_id, person_id, created_at)"
                                 " SELECT id, $2, $3 FROM funding_call WHERE id = $1 AND status = "
                                 "'published' ON CONFLICT DO NOTHING";
static const char SQL_UNFOLLOW[] =
    "DELETE FROM funding_call_follow WHERE call_id = $1 AND person_id = $2";
static const char SQL_IS_FOLLOWING[] =
    "SELECT count(*) FROM funding_call_follow WHERE call_id = $1 AND person_id = $2";
static const char SQL_CALL_EXISTS[] =
    "SELECT count(*) FROM funding_call WHERE id = $1 AND status = 'published'";

typedef struct follow_ctx {
    int64_t id, person;
    bool on;
} follow_ctx;

static db_status follow_body(tx *t, void *ctx)
{
    const follow_ctx *c = ctx;
    int64_t n = 0;
    db_status st = db_int(t->d, &n, 0, SQL_CALL_EXISTS, DB_ARGS(DBI(c->id)));
    if (st != DB_OK)
        return st;
    if (!n && c->on)
        return DB_DONE;
    return c->on ? db_do(t->d, SQL_FOLLOW, DB_ARGS(DBI(c->id), DBI(c->person), DBI(time_now())))
                 : db_do(t->d, SQL_UNFOLLOW, DB_ARGS(DBI(c->id), DBI(c->person)));
}

db_status call_follow(db *d, int64_t id, int64_t person, bool on, const char *ip)
{
    tx t = TX_INIT(person, ip, on ? "call_follow" : "call_unfollow", "funding_call", id);
    follow_ctx c = {.id = id, .person = person, .on = on};
    return tx_write(d, &t, follow_body, &c);
}

db_status call_is_following(db *d, int64_t id, int64_t person, bool *yes)
{
    int64_t n = 0;
    db_status st = db_int(d, &n, 0, SQL_IS_FOLLOWING, DB_ARGS(DBI(id), DBI(person)));
    *yes = n > 0;
    return st;
}

/* --- CSV import ------------------------------------------------------------------ */

/* The columns a CSV may have: call_input's fields by name, and "rules". */
static const char *const import_cols[] = {"funder",        "programme",
                                          "title_sr",      "title_en",
                                          "summary_sr",    "summary_en",
                                          "url",           "opens_on",
                                          "deadline_date", "deadline_time",
                                          "deadline_tz",   "stages",
                                          "budget",        "grant_min",
                                          "grant_max",     "cofin",
                                          "min_partners",  "min_countries",
                                          "status",        "rules",
                                          "programme_en",  NULL};

static const char **input_slot(call_input *in, int col)
{
    const char **slots[] = {&in->funder,        &in->programme,     &in->title_sr,    &in->title_en,
                            &in->summary_sr,    &in->summary_en,    &in->url,         &in->opens_on,
                            &in->deadline_date, &in->deadline_time, &in->deadline_tz, &in->stages,
                            &in->budget,        &in->grant_min,     &in->grant_max,   &in->cofin,
                            &in->min_partners,  &in->min_countries, &in->status};
    if (col == 20) /* programme_en, after rules (col 19, not a call_input field) */
        return &in->programme_en;
    return col >= 0 && col < (int)(sizeof slots / sizeof slots[0]) ? slots[col] : NULL;
}

/* "kind:cluster;label:esca_bronze" into rules (arena); false when a part
 * has no colon. */
bool call_rules_parse(arena *a, const char *text, call_rule **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!text || !*text)
        return true;
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ';' || *p == '\n';
    call_rule *r = arena_alloc(a, cap * sizeof *r);
    char *copy = arena_strdup(a, text);
    if (!r || !copy)
        return false;
    for (char *save = NULL, *part = strtok_r(copy, ";\n", &save); part;
         part = strtok_r(NULL, ";\n", &save)) {
        while (*part == ' ' || *part == '\r')
            part++;
        size_t len = strlen(part);
        while (len && (part[len - 1] == ' ' || part[len - 1] == '\r'))
            part[--len] = '\0';
        if (!*part)
            continue;
        char *colon = strchr(part, ':');
        if (!colon || colon == part || !colon[1]) {
            *n = 0; /* nothing half-parsed reaches a caller */
            return false;
        }
        *colon = '\0';
        char *value = colon + 1;
        while (*value == ' ')
            value++;
        r[*n].rule = part;
        r[(*n)++].value = value;
    }
    *out = r;
    return true;
}

typedef struct import_row {
    call_input in;
    call_values cv;
    form_errors errs;
    bool bad_rules;
} import_row;

typedef struct import_ctx {
    import_row *rows;
    size_t n;
    int created;
} import_ctx;

static db_status import_body(tx *t, void *vctx)
{
    import_ctx *c = vctx;
    c->created = 0;
    bool failed = false;
    for (size_t i = 0; i < c->n; i++) {
        import_row *r = &c->rows[i];
        if (r->errs.n_items) {
            failed = true;
            continue;
        }
        write_ctx w = {.in = &r->in, .cv = &r->cv, .errs = &r->errs};
        buf_reset(&t->detail);
        db_status st = put_call(t, &w);
        if (st == DB_CONSTRAINT) {
            failed = true;
            continue;
        }
        if (st != DB_OK)
            return st;
        c->created++;
    }
    buf_reset(&t->detail);
    t->entity_id = 0;
    buf_printf(&t->detail, "{\"calls\":%d}", c->created);
    return failed ? DB_CONSTRAINT : DB_OK;
}

db_status call_import_csv(db *d, arena *a, lang_id L, const char *csv, size_t len, int64_t actor,
                          const char *ip, int *n_created, call_import_error **errors,
                          size_t *n_errors)
{
    assert(d && a && n_created && errors && n_errors);
    *n_created = 0;
    *errors = NULL;
    *n_errors = 0;
    csv_skip_bom(&csv, &len);
    size_t cap = 64;
    call_import_error *errs = arena_alloc(a, cap * sizeof *errs);
    if (!errs)
        return DB_NOMEM;
#define ADD_ERR(ROW, COL, CODE)                                                                    \
    do {                                                                                           \
        if (*n_errors < cap) {                                                                     \
            errs[*n_errors] = (call_import_error){.row = (ROW), .column = (COL)};                  \
            errs[*n_errors].err = (form_error){.field = (COL), .code = (CODE)};                    \
            buf tb = BUF_INIT;                                                                     \
            call_error_text(&tb, L, &errs[*n_errors].err, NULL);                                   \
            errs[*n_errors].text = arena_strdup(a, buf_failed(&tb) ? "" : buf_str(&tb));           \
            buf_free(&tb);                                                                         \
            (*n_errors)++;                                                                         \
        }                                                                                          \
    } while (0)
    *errors = errs;
    if (csv_bad_utf8_line(csv, len)) {
        ADD_ERR(0, "file", FE_INVALID);
        return DB_CONSTRAINT;
    }
    csv_reader rd;
    csv_reader_init(&rd, csv, len);
    rd.sep = csv_sniff_sep(csv, len);
    size_t n = 0;
    int64_t line = 0;
    const char *why = NULL;
    int map[32]; /* csv column -> import_cols index, -1 unknown */
    size_t n_cols = 0;
    if (csv_record(a, &rd, &n, &line, &why) != 1) {
        ADD_ERR(0, "file", FE_REQUIRED);
        return DB_CONSTRAINT;
    }
    for (size_t i = 0; i < n && i < 32; i++) {
        map[i] = -1;
        for (int k = 0; import_cols[k]; k++)
            if (strcmp(rd.cells[i].s, import_cols[k]) == 0)
                map[i] = k;
        if (map[i] < 0)
            ADD_ERR(0, arena_strdup(a, rd.cells[i].s), FE_UNKNOWN_CODE);
        n_cols = i + 1;
    }
    if (*n_errors)
        return DB_CONSTRAINT;
    import_row *rows = NULL;
    size_t n_rows = 0, rows_cap = 0;
    int rc;
    while ((rc = csv_record(a, &rd, &n, &line, &why)) == 1) {
        if (n == 1 && rd.cells[0].n == 0)
            continue; /* a blank line */
        if (n_rows == rows_cap) {
            size_t nc = rows_cap ? rows_cap * 2 : 16;
            import_row *nr = arena_alloc(a, nc * sizeof *nr);
            if (!nr)
                return DB_NOMEM;
            if (n_rows)
                memcpy(nr, rows, n_rows * sizeof *nr);
            rows = nr;
            rows_cap = nc;
        }
        import_row *r = &rows[n_rows++];
        memset(r, 0, sizeof *r);
        for (size_t i = 0; i < n && i < n_cols; i++) {
            const char *v = rd.cells[i].s;
            if (csv_has_guard(v))
                v++;
            if (map[i] == 19) {
                call_rule *rl;
                size_t nrl;
                if (!call_rules_parse(a, v, &rl, &nrl))
                    r->bad_rules = true;
                r->in.rules = rl;
                r->in.n_rules = nrl;
            } else if (map[i] >= 0) {
                *input_slot(&r->in, map[i]) = v;
            }
        }
        if (r->bad_rules)
            valid_add_error(&r->errs, "rules", FE_INVALID, 0, 0);
        check_into(a, &r->in, &r->cv, &r->errs);
    }
    if (rc < 0) {
        ADD_ERR((int)n_rows + 1, "file", FE_INVALID);
        return DB_CONSTRAINT;
    }
    if (n_rows == 0) {
        ADD_ERR(1, "file", FE_REQUIRED);
        return DB_CONSTRAINT;
    }
    tx t = TX_INIT(actor, ip, "call_import", "funding_call", 0);
    t.bump = TX_DIRECTORY;
    import_ctx c = {.rows = rows, .n = n_rows};
    db_status st = tx_write(d, &t, import_body, &c);
    for (size_t i = 0; i < n_rows; i++)
        for (size_t k = 0; k < rows[i].errs.n_items; k++) {
            const form_error *e = &rows[i].errs.items[k];
            if (*n_errors < cap) {
                errs[*n_errors] =
                    (call_import_error){.row = (int)i + 1, .column = e->field, .err = *e};
                buf tb = BUF_INIT;
                call_error_text(&tb, L, e, rows[i].in.deadline_tz);
                errs[*n_errors].text = arena_strdup(a, buf_failed(&tb) ? "" : buf_str(&tb));
                buf_free(&tb);
                (*n_errors)++;
            }
        }
#undef ADD_ERR
    if (st == DB_OK)
        *n_created = c.created;
    return st;
}
