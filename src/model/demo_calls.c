/* demo_calls.c: ten illustrative funding calls for the demo data set
 * (issue 14): six open (one closing within a week), four closed, from
 * funders already in the demo directory, with eligibility rules some demo
 * clusters meet and others do not (an ESCA label only the ICT Cluster of
 * Central Serbia holds now, illustratively, while VOICT's expired in 2015;
 * a region only the Vojvodina clusters are in, a NACE division only the
 * ICT clusters name). Deadlines are relative to the day the demo is loaded,
 * at the stated time in the stated zone. Every call is is_demo; inserted
 * inside demo_load's transaction (so not through call_create, whose own
 * transaction would nest). */
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "ical/ical.h"
#include "model/demo.h"

typedef struct demo_call {
    const char *funder, *programme, *title_sr, *title_en, *summary_sr, *summary_en;
    int day;                                /* days from today; negative: closed */
    const char *hm;                         /* local time of the deadline */
    const char *tz;                         /* its zone */
    long long grant_min, grant_max, budget; /* euro, 0: not given */
    int cofin;                              /* percent, -1: not given */
    int min_partners, min_countries;
    const char *rules; /* "rule:value;..." */
} demo_call;

// clang-format off
static const demo_call calls[] = {
    {"ministarstvo-privrede", "Програм развоја кластера 2027",
     "Подршка развоју кластера 2027", "Cluster development support 2027",
     "Бесповратна средства за заједничке услуге кластера члановима. Илустративни пример.",
     "Grants for clusters' joint services to their members. Illustrative example.",
     45, "15:00", "Europe/Belgrade", 10000, 60000, 1500000, 30, 0, 0,
     "kind:cluster;kind:cluster_initiative;country:RS"},
    {"demo-donor-programme", "Грантови за изврсност кластера",
     "Грантови за изврсност кластера", "Cluster excellence grants",
     "За развијене кластере са ESCA ознаком. Илустративни пример.",
     "For established clusters with an ESCA label. Illustrative example.",
     5, "17:00", "Europe/Brussels", 50000, 200000, 2000000, 20, 0, 0,
     "kind:cluster;stage:established;label:esca_bronze"},
    {"demo-donor-programme", "Партнерства за дигиталне иновације",
     "Партнерства за дигиталне иновације", "Digital innovation partnerships",
     "Међународни конзорцијуми у области ИКТ. Илустративни пример.",
     "International consortia in ICT. Illustrative example.",
     60, "17:00", "Europe/Brussels", 100000, 500000, 6000000, 25, 3, 3,
     "nace:62;kind:cluster;kind:company;kind:university"},
    {"ministarstvo-privrede", "Програм добављача", "Ваучери за добављаче аутомобилске индустрије",
     "Vouchers for automotive suppliers",
     "Мала и средња предузећа у производњи делова за моторна возила. Илустративни пример.",
     "Small and medium firms making parts for motor vehicles. Illustrative example.",
     20, "12:00", "Europe/Belgrade", 5000, 20000, 400000, 50, 0, 0,
     "kind:company;size:small;size:medium;nace:29"},
    {"ntp-beograd", "Стипендије за таленте у технологији", "Стипендије за таленте у технологији",
     "Tech talent fellowships",
     "Програм са партнером из Лондона; рок је по лондонском времену. Илустративни пример.",
     "A programme with a London partner; the deadline is London time. Illustrative example.",
     90, "12:00", "Europe/London", 2000, 8000, 0, -1, 0, 0,
     "text:At least half of the fellows are women."},
    {"demo-donor-programme", "Регионални фонд за кластере", "Регионални фонд за кластере Војводине",
     "Regional cluster fund for Vojvodina",
     "Кластери и предузећа из Војводине. Илустративни пример.",
     "Clusters and firms from Vojvodina. Illustrative example.",
     30, "16:00", "Europe/Belgrade", 10000, 40000, 800000, 20, 0, 0,
     "region:VO;kind:cluster;kind:company"},
    {"ministarstvo-privrede", "Програм развоја кластера 2026", "Подршка развоју кластера 2026",
     "Cluster development support 2026", "Претходни круг. Илустративни пример.",
     "The previous round. Illustrative example.",
     -30, "15:00", "Europe/Belgrade", 10000, 50000, 1200000, 30, 0, 0, "kind:cluster"},
    {"demo-donor-programme", "Грантови за изврсност кластера", "Грантови за изврсност кластера 2025",
     "Cluster excellence grants 2025", "Претходни круг. Илустративни пример.",
     "The previous round. Illustrative example.",
     -120, "17:00", "Europe/Brussels", 50000, 150000, 1500000, 20, 0, 0,
     "kind:cluster;label:esca_bronze"},
    {"univerzitet-u-nisu", "Везе науке и привреде", "Везе науке и привреде",
     "Science and industry links", "Заједнички пројекти универзитета и предузећа. Илустративни пример.",
     "Joint projects of the university and firms. Illustrative example.",
     -200, "23:59", "Europe/Belgrade", 3000, 15000, 200000, 10, 2, 0, "region:JI"},
    {"ntp-beograd", "Ваучери за стартапе", "Ваучери за стартапе", "Startup vouchers",
     "Микро предузећа у области софтвера. Илустративни пример.",
     "Micro firms in software. Illustrative example.",
     -400, "12:00", "Europe/Belgrade", 1000, 5000, 100000, 0, 0, 0, "kind:company;size:micro;nace:62"},
};
// clang-format on

/* Each demo programme's English name (0055), by its Serbian name. */
static const char *const programmes_en[][2] = {
    {"Програм развоја кластера 2027", "Cluster Development Programme 2027"},
    {"Програм развоја кластера 2026", "Cluster Development Programme 2026"},
    {"Програм добављача", "Supplier Programme"},
    {"Грантови за изврсност кластера", "Cluster Excellence Grants"},
    {"Партнерства за дигиталне иновације", "Digital Innovation Partnerships"},
    {"Стипендије за таленте у технологији", "Tech Talent Fellowships"},
    {"Регионални фонд за кластере", "Regional Cluster Fund"},
    {"Везе науке и привреде", "Science-Industry Links"},
    {"Ваучери за стартапе", "Startup Vouchers"},
};

static db_val programme_en(const char *sr)
{
    for (size_t i = 0; i < sizeof programmes_en / sizeof programmes_en[0]; i++)
        if (strcmp(programmes_en[i][0], sr) == 0)
            return DBT(programmes_en[i][1]);
    return DBNULL;
}

/* The illustrative calls count their deadlines as set 60 days before they
 * were loaded (deadline_set_at), so their 14-day reminders go as a real
 * call's entered in time would (call_remind.c). */
static const char SQL_CALL[] =
    "INSERT INTO funding_call(funder_id, programme, title_sr, title_en, summary_sr, summary_en,"
    " deadline_at, deadline_tz, budget_cents, grant_min_cents, grant_max_cents, cofin_milli,"
    " min_partners, min_countries, status, is_demo, created_at, updated_at, deadline_set_at,"
    " programme_en) SELECT id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
    " 'published', 1, $15, $15, $15 - 60 * 86400, $16 FROM org WHERE slug = $1";
static const char SQL_RULE[] = "INSERT INTO funding_call_rule(call_id, rule, value) VALUES ($1, "
                               "$2, $3) ON CONFLICT DO NOTHING";

static db_val euro(long long e)
{
    return e > 0 ? DBI(e * 100) : DBNULL;
}

db_status demo_load_calls(db *d, buf *err)
{
    int64_t now = time_now();
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        const demo_call *c = &calls[i];
        char date[11], hm[6];
        int64_t at = 0;
        int y, mo, dd, h, mi;
        if (!ical_utc_to_local(c->tz, now + (int64_t)c->day * 86400, date, hm) ||
            sscanf(date, "%d-%d-%d", &y, &mo, &dd) != 3 || sscanf(c->hm, "%d:%d", &h, &mi) != 2 ||
            !ical_local_to_utc(c->tz, y, mo, dd, h, mi, &at)) {
            buf_printf(err, "demo call %zu: bad deadline", i);
            return DB_ERR;
        }
        db_status st =
            db_do(d, SQL_CALL,
                  DB_ARGS(DBT(c->funder), DBT(c->programme), DBT(c->title_sr), DBT(c->title_en),
                          DBT(c->summary_sr), DBT(c->summary_en), DBI(at), DBT(c->tz),
                          euro(c->budget), euro(c->grant_min), euro(c->grant_max),
                          c->cofin >= 0 ? DBI(c->cofin * 10) : DBNULL,
                          c->min_partners ? DBI(c->min_partners) : DBNULL,
                          c->min_countries ? DBI(c->min_countries) : DBNULL, DBI(now),
                          programme_en(c->programme)));
        if (st != DB_OK) {
            buf_printf(err, "demo call %zu: %s", i, db_status_name(st));
            return st;
        }
        if (db_changes(d) == 0)
            continue; /* its funder is not in this directory */
        int64_t id = db_last_id(d);
        char rules[256];
        snprintf(rules, sizeof rules, "%s", c->rules);
        char *save = NULL;
        for (char *p = strtok_r(rules, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
            char *colon = strchr(p, ':');
            if (!colon)
                continue;
            *colon = '\0';
            if ((st = db_do(d, SQL_RULE, DB_ARGS(DBI(id), DBT(p), DBT(colon + 1)))) != DB_OK) {
                buf_printf(err, "demo call %zu rule: %s", i, db_status_name(st));
                return st;
            }
        }
    }
    return DB_OK;
}
