/* demo_news.c: illustrative news (SCAN's and two clusters', one scheduled
 * for next week, one withdrawn), three illustrative subscribers and one
 * sent newsletter issue, for `scan init --demo`. Marked is_demo; the
 * texts say they are examples. */
#include <stdio.h>

#include "core/timeutil.h"
#include "model/demo.h"
#include "model/news.h"

typedef struct demo_news {
    const char *org; /* NULL: SCAN's own */
    const char *topic, *nace, *title_sr, *lead_sr, *body_sr, *title_en, *lead_en, *body_en;
    int days;           /* publish_at: now + days */
    const char *status; /* published, withdrawn */
    const char *reason;
} demo_news;

static const demo_news items[] = {
    {NULL, "policy", NULL, "SCAN отвара платформу за кластере (пример)",
     "Платформа окупља именик, бројке, догађаје и сарадњу кластера у Србији.",
     "Ово је **илустративна** вест демо података.\n\n- именик кластера и чланица\n- бројке по "
     "годинама\n- табла сарадње\n\nВише на [страни о бројкама](/figures).",
     "SCAN opens the platform for clusters (example)",
     "The platform brings together the directory, figures, events and cooperation of Serbian "
     "clusters.",
     "This is an **illustrative** news item of the demo data.\n\n- the directory of clusters and "
     "members\n- figures by year\n- the cooperation board\n\nMore on the [figures page](/figures).",
     -3, "published", NULL},
    {"ict-cluster-central-serbia", "event", "J", "ИКТ кластер: дан отворених врата (пример)",
     "Чланице представљају своје производе студентима и послодавцима.",
     "Илустративна вест: дан отворених врата у Крагујевцу, са радионицама и сусретима.", NULL, NULL,
     NULL, -1, "published", NULL},
    {"autocluster-serbia", "success", "C", "Аутокластер: заједнички наступ на сајму (пример)",
     "Шест чланица наступило је на заједничком штанду.",
     "Илустративна вест о заједничком наступу чланица на сајму компоненти.",
     "Autocluster: a joint stand at the fair (example)", "Six members exhibited at a joint stand.",
     "An illustrative item about the members' joint stand at a components fair.", -10, "published",
     NULL},
    {NULL, "funding", NULL, "Позив за кластере ускоро (пример, заказано)",
     "Најава позива за подршку кластерима; објављује се следеће недеље.",
     "Илустративна заказана вест: видљива тек када дође њено време.",
     "A call for clusters coming soon (example, scheduled)",
     "The announcement of a support call; it appears next week.",
     "An illustrative scheduled item: visible only when its time comes.", 7, "published", NULL},
    {"autocluster-serbia", "other", NULL, "Погрешно објављен датум скупштине (пример)",
     "Ова вест је повучена.", "Илустративна повучена вест.", NULL, NULL, NULL, -5, "withdrawn",
     "Датум је био погрешан; нова вест следи."},
};

static const char SQL_ORG[] = "SELECT id FROM org WHERE slug = $1";
static const char SQL_SUB[] =
    "INSERT INTO news_subscriber(email, lang, created_at, confirmed_at, is_demo)"
    " VALUES ($1, $2, $3, $3, 1)";
static const char SQL_ISSUE[] =
    "INSERT INTO newsletter_issue(subject_sr, subject_en, intro_sr, intro_en, status, since_at,"
    " send_started_at, enqueued_at, is_demo, created_at, updated_at)"
    " VALUES ('Билтен SCAN-а, бр. 1 (пример)', 'SCAN newsletter no. 1 (example)',"
    " 'Добро дошли у први, **илустративни** број билтена.',"
    " 'Welcome to the first, **illustrative** issue of the newsletter.', 'sent', $1, $2, $2, 1,"
    " $2, $2)";
static const char SQL_DEMO[] = "UPDATE news SET is_demo = 1 WHERE id = $1";

db_status demo_load_news(db *d, buf *err)
{
    int64_t now = time_now();
    db_status st = DB_OK;
    for (size_t i = 0; i < sizeof items / sizeof items[0] && st == DB_OK; i++) {
        const demo_news *e = &items[i];
        int64_t org = 0, id = 0;
        if (e->org && (st = db_int(d, &org, 0, SQL_ORG, DB_ARGS(DBT(e->org)))) != DB_OK)
            break;
        if (e->org && !org)
            continue; /* the cluster is not in this demo set */
        news_input in = {.org_id = org,
                         .title_sr = e->title_sr,
                         .lead_sr = e->lead_sr,
                         .body_sr = e->body_sr,
                         .title_en = e->title_en,
                         .lead_en = e->lead_en,
                         .body_en = e->body_en,
                         .topic = e->topic,
                         .nace = e->nace};
        st = news_insert_tx(d, &in, now + e->days * 86400, e->status, e->reason, true, 0, &id);
        if (st == DB_OK)
            st = db_do(d, SQL_DEMO, DB_ARGS(DBI(id)));
        if (st != DB_OK)
            buf_printf(err, "demo news %zu: %s", i, db_errmsg(d));
    }
    static const char *const subs[][2] = {{"reader.sr@example.invalid", "sr"},
                                          {"reader.latn@example.invalid", "sr-Latn"},
                                          {"reader.en@example.invalid", "en"}};
    for (size_t i = 0; i < 3 && st == DB_OK; i++)
        st = db_do(d, SQL_SUB, DB_ARGS(DBT(subs[i][0]), DBT(subs[i][1]), DBI(now - 20 * 86400)));
    if (st == DB_OK)
        st = db_do(d, SQL_ISSUE, DB_ARGS(DBI(now - 44 * 86400), DBI(now - 14 * 86400)));
    if (st != DB_OK && err->len == 0)
        buf_printf(err, "demo newsletter: %s", db_errmsg(d));
    return st;
}
