/* demo_devplan.c: an illustrative development plan, mentoring pair and
 * support log for the demo data set (issue 15). The plan is VOICT's: two
 * goals, one action overdue, one done, one planned, and a review of last
 * year; the demo initiative is mentored by the Vojvodina Metal Cluster,
 * with two meetings; a few support entries. Dates are relative to the day
 * the demo is loaded, so an action is always overdue. Every row is
 * is_demo; inserted inside demo_load's transaction, without audit rows
 * (like the rest of the demo data). */
#include <stdio.h>

#include "core/timeutil.h"
#include "model/demo.h"
#include "model/devplan.h"

/* The Belgrade date days from today. */
static const char *day(char out[11], int days)
{
    devplan_date_at(time_now() + (int64_t)days * 86400, out);
    return out;
}

static const char SQL_GOAL[] =
    "INSERT INTO devplan_goal(org_id, title, description, is_demo, created_at, updated_at)"
    " SELECT id, $2, $3, 1, $4, $4 FROM org WHERE slug = $1 RETURNING id";
static const char SQL_GROUP[] = "INSERT INTO devplan_goal_group(goal_id, grp) VALUES ($1, $2)";
static const char SQL_ACTION[] =
    "INSERT INTO devplan_action(goal_id, title, owner_text, deadline, status, done_on, is_demo,"
    " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)";
static const char SQL_REVIEW[] =
    "INSERT INTO devplan_review(org_id, year, body, reviewed_on, is_demo, updated_at)"
    " SELECT id, $2, $3, $4, 1, $5 FROM org WHERE slug = $1";
static const char SQL_PAIR[] =
    "INSERT INTO mentoring(mentee_id, mentor_id, started_on, is_demo, created_at, updated_at)"
    " SELECT a.id, b.id, $3, 1, $4, $4 FROM org a, org b WHERE a.slug = $1 AND b.slug = $2"
    " RETURNING id";
static const char SQL_MEETING[] =
    "INSERT INTO mentoring_meeting(mentoring_id, met_on, notes, next_steps, is_demo, created_at)"
    " VALUES ($1, $2, $3, $4, 1, $5)";
static const char SQL_SUPPORT[] =
    "INSERT INTO support_entry(org_id, given_on, kind, note, is_demo, created_at)"
    " SELECT id, $2, $3, $4, 1, $5 FROM org WHERE slug = $1";

typedef struct demo_action {
    int goal; /* 0 or 1 */
    const char *title, *owner;
    int deadline; /* days from today */
    const char *status;
    int done; /* days from today, for done */
} demo_action;

// clang-format off
static const demo_action actions[] = {
    {0, "Анкета чланица о услугама које би плаћале", "Извршна директорка", -20, "in_progress", 0},
    {0, "Ценовник услуга за чланице", "Радна група за услуге", 45, "planned", 0},
    {1, "Енглеска верзија веб-сајта са вестима о активностима", "Канцеларија кластера", -60, "done", -75},
    {1, "Пријава за ознаку изузетности кластера", "Извршна директорка", 200, "planned", 0},
};
// clang-format on

db_status demo_load_devplan(db *d, buf *err)
{
    int64_t now = time_now(), goals[2] = {0, 0};
    char a[11], b[11];
    db_status st = DB_OK;
    const char *const g[2][3] = {
        {"Услуге које чланице плаћају",
         "Да до краја године бар трећина прихода менаџмента кластера долази од услуга "
         "чланицама. Илустративни пример.",
         "financing"},
        {"Видљивост у Европи",
         "Испунити услове ECCP регистра и припремити се за ознаку. Илустративни пример.",
         "recognition"},
    };
    for (int i = 0; i < 2 && st == DB_OK; i++) {
        st = db_int(d, &goals[i], 0, SQL_GOAL,
                    DB_ARGS(DBT("voict"), DBT(g[i][0]), DBT(g[i][1]), DBI(now)));
        if (st == DB_OK && goals[i] == 0)
            st = DB_ERR;
        if (st == DB_OK)
            st = db_do(d, SQL_GROUP, DB_ARGS(DBI(goals[i]), DBT(g[i][2])));
    }
    if (st == DB_OK)
        st = db_do(d, SQL_GROUP, DB_ARGS(DBI(goals[0]), DBT("services")));
    for (size_t i = 0; st == DB_OK && i < sizeof actions / sizeof actions[0]; i++) {
        const demo_action *x = &actions[i];
        bool done = x->done != 0;
        st = db_do(d, SQL_ACTION,
                   DB_ARGS(DBI(goals[x->goal]), DBT(x->title), DBT(x->owner),
                           DBT(day(a, x->deadline)), DBT(x->status),
                           done ? DBT(day(b, x->done)) : DBNULL, DBI(now)));
    }
    if (st == DB_OK) {
        char on[24]; /* room for any int year, so the compiler sees no truncation */
        snprintf(on, sizeof on, "%04d-12-20", time_year() - 1);
        st = db_do(d, SQL_REVIEW,
                   DB_ARGS(DBT("voict"), DBI(time_year() - 1),
                           DBT("Број чланица је порастао, али услуге још нису организоване као "
                               "понуда са ценама. Енглески сајт је готов. Следеће године: "
                               "ценовник услуга и пријава за ознаку. Илустративни пример."),
                           DBT(on), DBI(now)));
    }
    int64_t pair = 0;
    if (st == DB_OK) {
        st = db_int(d, &pair, 0, SQL_PAIR,
                    DB_ARGS(DBT("demo-energy-cluster"), DBT("vmc"), DBT(day(a, -120)), DBI(now)));
        if (st == DB_OK && pair == 0)
            st = DB_ERR;
    }
    if (st == DB_OK)
        st = db_do(d, SQL_MEETING,
                   DB_ARGS(DBI(pair), DBT(day(a, -110)),
                           DBT("Упознавање тимова; преглед чланства и услуга иницијативе. "
                               "Илустративни пример."),
                           DBT("Иницијатива шаље нацрт статута и листу 15 заинтересованих "
                               "чланица."),
                           DBI(now)));
    if (st == DB_OK)
        st = db_do(d, SQL_MEETING,
                   DB_ARGS(DBI(pair), DBT(day(a, -40)),
                           DBT("Како је металски кластер увео чланарину и прве плаћене услуге. "
                               "Илустративни пример."),
                           DBT("Предлог чланарине на скупштини иницијативе."), DBI(now)));
    const char *const support[][4] = {
        {"demo-energy-cluster", "consultation", "Консултација о оснивању удружења и статуту."},
        {"demo-energy-cluster", "introduction", "Упознавање са Министарством привреде."},
        {"nicat", "training", "Обука за менаџере кластера (мерење учинка услуга)."},
        {"facts", "consultation", "Припрема пријаве за пројекат ЕУ."},
    };
    const int support_days[] = {-100, -50, -30, -10};
    for (size_t i = 0; st == DB_OK && i < 4; i++)
        st = db_do(d, SQL_SUPPORT,
                   DB_ARGS(DBT(support[i][0]), DBT(day(a, support_days[i])), DBT(support[i][1]),
                           DBT(support[i][2]), DBI(now)));
    if (st != DB_OK)
        buf_printf(err, "demo development plan: %s", db_errmsg(d));
    return st;
}
