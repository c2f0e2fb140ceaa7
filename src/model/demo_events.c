/* demo_events.c: illustrative events for the demo data set (issue 15):
 * two past and three upcoming, by SCAN and three founders, one of them
 * full with a waiting list. Dates are relative to the day the demo is
 * loaded, at 10:00 Belgrade time, so the demo always has something
 * upcoming. The registrants are six illustrative people without accounts
 * (addresses under example.invalid, which no mail can reach). Every event
 * is is_demo; inserted inside demo_load's transaction. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "model/demo.h"

typedef struct demo_event {
    const char *organiser, *kind, *title_sr, *title_en, *place, *online_url, *language, *audience;
    int day;        /* days from today; negative: past */
    int hours;      /* length */
    int capacity;   /* 0: no limit */
    int registered; /* how many of the demo people registered, in order */
    const char *description_sr, *description_en;
} demo_event;

// clang-format off
static const demo_event events[] = {
    {"scan", "training", "Обука: управљање кластером и услуге члановима",
     "Training: cluster management and services for members", "Београд, Теразије 23", NULL, "sr",
     "managers", 10, 6, 4, 6,
     "Обука за менаџере кластера: како планирати услуге које чланице плаћају, како мерити њихов учинак и како о томе извештавати.\n\nИлустративни пример.",
     "A training for cluster managers: planning services that members pay for, measuring their effect and reporting on them.\n\nIllustrative example."},
    {"voict", "workshop", "Радионица: извоз софтверских услуга у ЕУ",
     "Workshop: exporting software services to the EU", "Нови Сад, Булевар ослобођења 30",
     "https://meet.example.org/voict-export", "sr_en", "members", 24, 3, 30, 2,
     "Прописи, уговори и први купци на тржишту ЕУ. Илустративни пример.",
     "Rules, contracts and first customers in the EU market. Illustrative example."},
    {"autocluster-serbia", "b2b", "B2B сусрети добављача аутомобилске индустрије",
     "B2B meetings of automotive suppliers", "Крагујевац", NULL, "sr_en", "everyone", 40, 5, 0, 1,
     "Унапред заказани састанци добављача и купаца. Илустративни пример.",
     "Pre-arranged meetings of suppliers and buyers. Illustrative example."},
    {"nicat", "study_visit", "Студијска посета кластерима у Словенији",
     "Study visit to clusters in Slovenia", "Љубљана", NULL, "sr", "managers", -30, 10, 12, 3,
     "Илустративни пример.", "Illustrative example."},
    {"scan", "conference", "Годишња конференција српских кластера",
     "Annual conference of Serbian clusters", "Ниш", NULL, "sr_en", "everyone", -90, 7, 0, 4,
     "Илустративни пример.", "Illustrative example."},
};
// clang-format on

static const char *const people[] = {"Јелена Демо", "Marko Demo",  "Ивана Демо",
                                     "Stefan Demo", "Милица Демо", "Nikola Demo"};

static const char SQL_PERSON[] =
    "INSERT INTO person(name, email, created_at, updated_at) VALUES ($1, $2, $3, $3)"
    " RETURNING id";
static const char SQL_EVENT[] =
    "INSERT INTO event(kind, organiser_id, title_sr, title_en, description_sr, description_en,"
    " starts_at, ends_at, place, online_url, language, audience, capacity, is_demo,"
    " created_at, updated_at)"
    " SELECT $1, id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13 FROM org"
    " WHERE slug = $14 RETURNING id";
static const char SQL_REG[] =
    "INSERT INTO event_registration(event_id, person_id, state, queued_at, confirmed_at,"
    " created_at, updated_at, attended) VALUES ($1, $2, $3, $4,"
    " CASE WHEN $3 = 'confirmed' THEN CAST($4 AS BIGINT) END, $4, $4, $5)";

/* 10:00 Belgrade time, day days from now. */
static int64_t at_ten(int day)
{
    time_t t = (time_t)time_now() + (time_t)day * 86400;
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return time_now();
    tm.tm_hour = 10;
    tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

db_status demo_load_events(db *d, buf *err)
{
    int64_t now = time_now(), ids[sizeof people / sizeof people[0]];
    db_status st = DB_OK;
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
        char email[64];
        snprintf(email, sizeof email, "demo.person%zu@example.invalid", i + 1);
        if ((st = db_int(d, &ids[i], 0, SQL_PERSON,
                         DB_ARGS(DBT(people[i]), DBT(email), DBI(now)))) != DB_OK) {
            buf_printf(err, "demo person: %s", db_errmsg(d));
            return st;
        }
    }
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        const demo_event *e = &events[i];
        int64_t start = at_ten(e->day), id = 0;
        db_val online = e->online_url ? DBT(e->online_url) : DBNULL;
        db_val cap = e->capacity ? DBI(e->capacity) : DBNULL;
        st = db_int(d, &id, 0, SQL_EVENT,
                    DB_ARGS(DBT(e->kind), DBT(e->title_sr), DBT(e->title_en),
                            DBT(e->description_sr), DBT(e->description_en), DBI(start),
                            DBI(start + e->hours * 3600), DBT(e->place), online, DBT(e->language),
                            DBT(e->audience), cap, DBI(now), DBT(e->organiser)));
        if (st == DB_OK && id == 0)
            st = DB_ERR;
        for (int k = 0; st == DB_OK && k < e->registered; k++) {
            bool in = e->capacity == 0 || k < e->capacity;
            /* past events: attendance marked, one in five confirmed did not come */
            db_val attended = in && start < now ? DBI(k % 5 != 4) : DBNULL;
            st = db_do(d, SQL_REG,
                       DB_ARGS(DBI(id), DBI(ids[k]), DBT(in ? "confirmed" : "waiting"),
                               DBI(start - 20 * 86400 + k * 600), attended));
        }
        if (st != DB_OK) {
            buf_printf(err, "demo event %s: %s", e->title_en, db_errmsg(d));
            return st;
        }
    }
    return DB_OK;
}
