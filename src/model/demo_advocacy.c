/* demo_advocacy.c: illustrative consultations and meetings with a
 * ministry for the demo data set (issue 16, second part). Two
 * consultations of the demo Ministry of Economy: one open (its deadline a
 * month from the day the demo is loaded), one past; two meetings with the
 * ministry, with notes the secretariat alone reads. The positions
 * themselves are position.c's demo (engineer 4's). Every row is is_demo;
 * inserted inside demo_load's transaction, without audit rows (like the
 * rest of the demo data). */
#include <stdio.h>
#include <time.h>

#include "core/timeutil.h"
#include "model/demo.h"

/* The Belgrade date days from today. */
static const char *day(char out[11], int days)
{
    time_t t = (time_t)(time_now() + (int64_t)days * 86400);
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        out[0] = '\0';
    return out;
}

static const char SQL_CONSULTATION[] =
    "INSERT INTO consultation(title_sr, title_en, institution_id, url, deadline_on, is_demo,"
    " created_at, updated_at) SELECT $2, $3, id, $4, $5, 1, $6, $6 FROM org WHERE slug = $1";
static const char SQL_MEETING[] =
    "INSERT INTO institution_meeting(institution_id, met_on, attendees, topics, notes, is_demo,"
    " created_at) SELECT id, $2, $3, $4, $5, 1, $6 FROM org WHERE slug = $1";

#define MINISTRY "ministarstvo-privrede"

db_status demo_load_advocacy(db *d, buf *err)
{
    char a[11], b[11];
    int64_t now = time_now();
    db_status st =
        db_do(d, SQL_CONSULTATION,
              DB_ARGS(DBT(MINISTRY), DBT("Нацрт стратегије индустријске политике 2027–2035"),
                      DBT("Draft industrial policy strategy 2027–2035"),
                      DBT("https://www.euprava.gov.rs/eparticipacija"), DBT(day(a, 30)), DBI(now)));
    if (st == DB_OK)
        st = db_do(d, SQL_CONSULTATION,
                   DB_ARGS(DBT(MINISTRY), DBT("Нацрт закона о подстицајима за иновације"),
                           DBT("Draft law on innovation incentives"),
                           DBT("https://www.euprava.gov.rs/eparticipacija"), DBT(day(b, -60)),
                           DBI(now)));
    if (st == DB_OK)
        st = db_do(d, SQL_MEETING,
                   DB_ARGS(DBT(MINISTRY), DBT(day(a, -75)),
                           DBT("Секретаријат SCAN-а, менаџерка VOICT-а"),
                           DBT("Кластери у стратегији индустријске политике; подаци о чланицама "
                               "које кластери прикупљају."),
                           DBT("Министарство тражи збирне податке о извозу чланица до краја "
                               "квартала. Контакт у кабинету државног секретара."),
                           DBI(now)));
    if (st == DB_OK)
        st = db_do(d, SQL_MEETING,
                   DB_ARGS(DBT(MINISTRY), DBT(day(b, -20)), DBT("Секретаријат SCAN-а"),
                           DBT("Представљање ставова кластера о подстицајима за иновације."),
                           DBT("Позитиван пријем; очекују писани предлог пре јавне расправе."),
                           DBI(now)));
    if (st != DB_OK)
        buf_printf(err, "demo advocacy: %s", db_status_name(st));
    return st;
}
