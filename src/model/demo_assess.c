/* demo_assess.c: illustrative self-assessments for the demo data set
 * (issue 15): the seven founders, each with a submitted assessment of 2025
 * and 2026 under the first questionnaire, so peers are more than five and
 * percentiles show. Answered indicators get made-up levels that differ by
 * cluster and improve a little from one year to the next; computed ones
 * take what the demo data says. Every response is is_demo; inserted inside
 * demo_load's transaction (model/assess.h for the scores). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/timeutil.h"
#include "model/assess.h"
#include "model/demo.h"

static const char *const clusters[] = {
    "voict", "autocluster-serbia",         "ict-network", "vmc", "facts",
    "nicat", "ict-cluster-central-serbia",
};

static const char SQL_ORG[] = "SELECT id FROM org WHERE slug = $1";
static const char SQL_RESPONSE[] =
    "INSERT INTO assess_response(org_id, year, version_id, status, stage, score, score_structure,"
    " score_governance, score_financing, score_services, score_interaction, score_recognition,"
    " submitted_at, is_demo, created_at, updated_at) VALUES ($1, $2, $3, 'submitted',"
    " 'established', $4, $5, $6, $7, $8, $9, $10, $11, 1, $11, $11)";
static const char SQL_ANSWER[] =
    "INSERT INTO assess_answer(response_id, org_id, year, version_id, indicator_id, value, level,"
    " source, evidence, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/* When a demo assessment of year was submitted: 1 December of the year
 * at noon UTC, or now when that is still to come. */
static int64_t year_submitted(int year)
{
    struct tm tm = {.tm_year = year - 1900, .tm_mon = 11, .tm_mday = 1, .tm_hour = 12};
    int64_t t = (int64_t)timegm(&tm), now = time_now();
    return t < now ? t : now;
}

/* A value on ind's scale that has the given level. */
static int64_t value_for(const assess_indicator *ind, int level)
{
    if (ind->scale == ASSESS_SCALE_YESNO)
        return level >= 2;
    if (ind->scale == ASSESS_SCALE_LEVEL)
        return level;
    return level == 0 ? 0 : ind->thr[level - 1];
}

db_status demo_load_assessments(db *d, buf *err)
{
    arena a = ARENA_INIT;
    assess_questionnaire q;
    bool found = false;
    db_status st = assess_questionnaire_get(d, &a, 1, &q, &found);
    if (st == DB_OK && !found)
        st = DB_ERR;
    int *levels = st == DB_OK ? arena_zalloc(&a, (q.n + 1) * sizeof *levels) : NULL;
    if (st == DB_OK && !levels)
        st = DB_NOMEM;
    for (size_t c = 0; st == DB_OK && c < sizeof clusters / sizeof clusters[0]; c++) {
        int64_t org = 0;
        if ((st = db_int(d, &org, 0, SQL_ORG, DB_ARGS(DBT(clusters[c])))) != DB_OK)
            break;
        if (!org)
            continue;
        for (int year = 2025; year <= 2026 && st == DB_OK; year++) {
            int64_t *values = arena_zalloc(&a, (q.n + 1) * sizeof *values);
            bool *computed = arena_zalloc(&a, q.n + 1);
            if (!values || !computed) {
                st = DB_NOMEM;
                break;
            }
            for (size_t i = 0; i < q.n && st == DB_OK; i++) {
                bool known = false;
                if (q.ind[i].computed && (st = assess_compute(d, org, year, q.ind[i].computed,
                                                              &values[i], &known)) != DB_OK)
                    break;
                if (known) {
                    computed[i] = true;
                    levels[i] = assess_level_of(&q.ind[i], values[i]);
                    continue;
                }
                /* made up: a cluster's own profile, a step better in 2026 */
                int level = (int)((c * 7 + i * 5) % 3) + 1 + (int)(c % 2) +
                            (year == 2026 && i % 3 == c % 3);
                level = level > 4 ? 4 : level;
                levels[i] = level;
                values[i] = value_for(&q.ind[i], level);
            }
            if (st != DB_OK)
                break;
            int group[ASSESS_N_GROUPS], overall;
            assess_scores(q.ind, levels, q.n, group, &overall);
            int64_t when = year_submitted(year);
            if ((st = db_do(d, SQL_RESPONSE,
                            DB_ARGS(DBI(org), DBI(year), DBI(q.version_id), DBI(overall),
                                    DBI(group[0]), DBI(group[1]), DBI(group[2]), DBI(group[3]),
                                    DBI(group[4]), DBI(group[5]), DBI(when)))) != DB_OK)
                break;
            int64_t rid = db_last_id(d);
            for (size_t i = 0; i < q.n && st == DB_OK; i++)
                st = db_do(d, SQL_ANSWER,
                           DB_ARGS(DBI(rid), DBI(org), DBI(year), DBI(q.version_id),
                                   DBI(q.ind[i].id), DBI(values[i]), DBI(levels[i]),
                                   DBT(computed[i] ? "computed" : "answered"),
                                   computed[i] || i % 4 ? DBNULL
                                                        : DBT("Илустративни пример / illustrative"),
                                   DBI(when)));
        }
    }
    if (st != DB_OK)
        buf_printf(err, "demo assessments: %s", db_errmsg(d));
    arena_free(&a);
    return st;
}
