/* test_event.c: events (model/event.c) and the iCalendar writer
 * (ical/ical.c): checks of every field, the waiting list under
 * cancellation and capacity changes (with the promoted person's mail in
 * the same transaction), the cut-offs, and calendars that libical parses
 * back with the right instants on both sides of a daylight-saving change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "i18n/i18n.h"
#include "ical/ical.h"
#include "model/event.h"

#include "testdb.h"

/* 2027-03-01 12:00 UTC: "now" for every test */
#define NOW   1803902400LL
#define DAY   86400LL
#define START (NOW + 14 * DAY)

static int group_setup(void **state)
{
    (void)state;
    time_setup_zone();
    return i18n_init();
}

static int group_teardown(void **state)
{
    (void)state;
    i18n_shutdown();
    return 0;
}

static int setup(void **state)
{
    testdb *t = calloc(1, sizeof *t);
    if (!t || testdb_open_seeded(
                  t, "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at)"
                     " VALUES (1, 'scan', 'СКАН', 'cluster_association', 'published', 0, 0);"
                     "INSERT INTO person(id, name, email, lang, created_at, updated_at) VALUES"
                     " (1, 'Ана', 'ana@example.com', 'sr-Cyrl', 0, 0),"
                     " (2, 'Bob', 'bob@example.com', 'en', 0, 0),"
                     " (3, 'Вера', 'vera@example.com', 'sr-Latn', 0, 0),"
                     " (4, 'Dan', 'dan@example.com', NULL, 0, 0),"
                     " (5, 'Eva', 'eva@example.com', 'en', 0, 0);") != 0) {
        free(t);
        return -1;
    }
    time_set_now(NOW);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    testdb *t = *state;
    time_set_now(0);
    testdb_close(t);
    free(t);
    return 0;
}

static event_input input(int64_t capacity)
{
    return (event_input){.kind = "training",
                         .language = "sr",
                         .audience = "everyone",
                         .organiser_id = 1,
                         .title_sr = "Обука, Ниш; \"први\" део",
                         .title_en = "Training, Niš",
                         .place = "Ниш",
                         .starts_at = START,
                         .ends_at = START + 6 * 3600,
                         .capacity = capacity};
}

static int64_t scalar(testdb *t, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(db_scalar_int(t->d, sql, &v), DB_OK);
    return v;
}

static bool has_error(const form_errors *e, const char *field, form_error_code code)
{
    for (size_t i = 0; i < e->n_items; i++)
        if (strcmp(e->items[i].field, field) == 0 && e->items[i].code == code)
            return true;
    return false;
}

static void test_checks_every_field(void **state)
{
    testdb *t = *state;
    event_input in = input(0);
    in.kind = "party";
    in.title_sr = "";
    in.starts_at = NOW - DAY; /* in the past */
    in.ends_at = NOW - 2 * DAY;
    in.place = NULL;
    in.online_url = "ftp://x";
    in.language = "de";
    in.audience = NULL;
    in.capacity = -3;
    in.cancel_until = NOW + 30 * DAY; /* after the start */
    form_errors e = {0};
    int64_t id = 0;
    assert_int_equal(event_create(t->d, &in, 1, NULL, &id, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "kind", FE_CHOICE));
    assert_true(has_error(&e, "title_sr", FE_REQUIRED));
    assert_true(has_error(&e, "starts_at", FE_RANGE));
    assert_true(has_error(&e, "ends_at", FE_DATE_ORDER));
    assert_true(has_error(&e, "online_url", FE_URL));
    assert_true(has_error(&e, "language", FE_CHOICE));
    assert_true(has_error(&e, "audience", FE_REQUIRED));
    assert_true(has_error(&e, "capacity", FE_RANGE));
    assert_true(has_error(&e, "cancel_until", FE_DATE_ORDER));
    assert_int_equal(scalar(t, "SELECT count(*) FROM event"), 0);
    /* neither a place nor a link; a control character; an unknown organiser */
    in = input(0);
    in.place = NULL;
    in.title_en = "a\x01b";
    memset(&e, 0, sizeof e);
    assert_int_equal(event_create(t->d, &in, 1, NULL, &id, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "place", FE_REQUIRED));
    assert_true(has_error(&e, "title_en", FE_CONTROL_CHARS));
    in = input(0);
    in.organiser_id = 99;
    memset(&e, 0, sizeof e);
    assert_int_equal(event_create(t->d, &in, 1, NULL, &id, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "organiser", FE_INVALID));
    assert_int_equal(scalar(t, "SELECT count(*) FROM event"), 0);
    assert_int_equal(scalar(t, "SELECT count(*) FROM audit WHERE entity = 'event'"), 0);
}

static int64_t made(testdb *t, int64_t capacity)
{
    event_input in = input(capacity);
    form_errors e = {0};
    int64_t id = 0;
    assert_int_equal(event_create(t->d, &in, 1, "127.0.0.1", &id, &e), DB_OK);
    assert_true(id > 0);
    return id;
}

static event_place reg(testdb *t, int64_t ev, int64_t person)
{
    event_place p = EVENT_NONE;
    event_refusal why = EVENT_OK;
    assert_int_equal(event_register(t->d, ev, person, NULL, &p, &why), DB_OK);
    assert_int_equal(why, EVENT_OK);
    return p;
}

static event_place where(testdb *t, int64_t ev, int64_t person, int64_t *pos)
{
    event_place p;
    int64_t q = 0;
    assert_int_equal(event_place_of(t->d, ev, person, &p, &q), DB_OK);
    if (pos)
        *pos = q;
    return p;
}

static void test_waiting_list_moves_up(void **state)
{
    testdb *t = *state;
    int64_t ev = made(t, 2);
    assert_int_equal(reg(t, ev, 1), EVENT_CONFIRMED);
    time_set_now(NOW + 1);
    assert_int_equal(reg(t, ev, 2), EVENT_CONFIRMED);
    time_set_now(NOW + 2);
    assert_int_equal(reg(t, ev, 3), EVENT_WAITING);
    time_set_now(NOW + 3);
    assert_int_equal(reg(t, ev, 4), EVENT_WAITING);
    int64_t pos = 0;
    assert_int_equal(where(t, ev, 4, &pos), EVENT_WAITING);
    assert_int_equal(pos, 2);
    /* twice is refused and changes nothing */
    event_place p;
    event_refusal why;
    assert_int_equal(event_register(t->d, ev, 3, NULL, &p, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_ALREADY);

    /* Ana gives her place back: Vera (first waiting) gets it and is mailed
     * in her language (Latin), in the same transaction */
    int64_t mails = scalar(t, "SELECT count(*) FROM outbox");
    assert_int_equal(event_cancel(t->d, ev, 1, NULL, "https://scan.example", &why), DB_OK);
    assert_int_equal(where(t, ev, 1, NULL), EVENT_NONE);
    assert_int_equal(where(t, ev, 3, NULL), EVENT_CONFIRMED);
    assert_int_equal(where(t, ev, 4, &pos), EVENT_WAITING);
    assert_int_equal(pos, 1);
    assert_int_equal(scalar(t, "SELECT count(*) FROM outbox"), mails + 1);
    assert_int_equal(scalar(t, "SELECT count(*) FROM outbox WHERE to_addr = 'vera@example.com'"
                               " AND subject LIKE 'Mesto je vaše:%'"
                               " AND body LIKE '%https://scan.example/events/%'"),
                     1);
    /* a waiting person leaving frees nothing and mails nobody */
    assert_int_equal(event_cancel(t->d, ev, 4, NULL, NULL, &why), DB_OK);
    assert_int_equal(scalar(t, "SELECT count(*) FROM outbox"), mails + 1);
    /* registering again after cancelling: at the end of the line */
    time_set_now(NOW + 10);
    assert_int_equal(reg(t, ev, 1), EVENT_WAITING);
    time_set_now(NOW + 11);
    assert_int_equal(reg(t, ev, 4), EVENT_WAITING);
    assert_int_equal(where(t, ev, 1, &pos), EVENT_WAITING);
    assert_int_equal(pos, 1);

    event_rec e;
    bool found;
    arena a = ARENA_INIT;
    assert_int_equal(event_get(t->d, &a, ev, &e, &found), DB_OK);
    assert_true(found);
    assert_int_equal(e.confirmed, 2);
    assert_int_equal(e.waiting, 2);
    arena_free(&a);
    assert_int_equal(scalar(t, "SELECT count(*) FROM audit WHERE entity = 'event'"
                               " AND action IN ('event_register', 'event_cancel')"),
                     8);
}

static void test_capacity_changes(void **state)
{
    testdb *t = *state;
    int64_t ev = made(t, 1);
    reg(t, ev, 1);
    time_set_now(NOW + 1);
    reg(t, ev, 2);
    time_set_now(NOW + 2);
    reg(t, ev, 3);
    /* raised to 2: Bob, the first waiting, moves up; Vera still waits */
    event_input in = input(2);
    form_errors e = {0};
    assert_int_equal(event_update(t->d, ev, &in, 1, NULL, NULL, &e), DB_OK);
    assert_int_equal(where(t, ev, 2, NULL), EVENT_CONFIRMED);
    assert_int_equal(where(t, ev, 3, NULL), EVENT_WAITING);
    /* lowered below the two confirmed: refused, nothing changes */
    in = input(1);
    assert_int_equal(event_update(t->d, ev, &in, 1, NULL, NULL, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "capacity", FE_RANGE));
    assert_int_equal(e.items[0].min, 2);
    assert_int_equal(scalar(t, "SELECT capacity FROM event"), 2);
    /* no limit: everyone waiting is confirmed */
    in = input(0);
    memset(&e, 0, sizeof e);
    assert_int_equal(event_update(t->d, ev, &in, 1, NULL, NULL, &e), DB_OK);
    assert_int_equal(where(t, ev, 3, NULL), EVENT_CONFIRMED);
    assert_int_equal(scalar(t, "SELECT count(*) FROM event_registration WHERE state = 'waiting'"),
                     0);
}

static void test_cutoffs(void **state)
{
    testdb *t = *state;
    event_input in = input(1);
    in.cancel_until = START - 2 * DAY;
    form_errors e = {0};
    int64_t ev = 0;
    assert_int_equal(event_create(t->d, &in, 1, NULL, &ev, &e), DB_OK);
    reg(t, ev, 1);
    reg(t, ev, 2); /* waiting */
    time_set_now(START - DAY);
    event_refusal why;
    /* after the cut-off a confirmed place stays; a waiting one may leave */
    assert_int_equal(event_cancel(t->d, ev, 1, NULL, NULL, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_CUTOFF_PASSED);
    assert_int_equal(where(t, ev, 1, NULL), EVENT_CONFIRMED);
    assert_int_equal(event_cancel(t->d, ev, 2, NULL, NULL, &why), DB_OK);
    assert_int_equal(event_cancel(t->d, ev, 2, NULL, NULL, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_NOT_REGISTERED);
    /* registration closes at the start */
    time_set_now(START);
    event_place p;
    assert_int_equal(event_register(t->d, ev, 3, NULL, &p, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_HAS_BEGUN);
    assert_int_equal(event_register(t->d, 999, 3, NULL, &p, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_NO_SUCH);
    /* a cancelled event takes no registration */
    time_set_now(NOW);
    in = input(0);
    in.cancelled = true;
    assert_int_equal(event_update(t->d, ev, &in, 1, NULL, NULL, &e), DB_OK);
    assert_int_equal(event_register(t->d, ev, 4, NULL, &p, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_IS_CANCELLED);
}

static void test_list_and_keyset(void **state)
{
    testdb *t = *state;
    for (int i = 0; i < 5; i++) {
        event_input in = input(0);
        in.starts_at = START + i * DAY;
        in.ends_at = in.starts_at + 3600;
        in.kind = i % 2 ? "workshop" : "training";
        form_errors e = {0};
        int64_t id;
        assert_int_equal(event_create(t->d, &in, 1, NULL, &id, &e), DB_OK);
    }
    arena a = ARENA_INIT;
    event_filter f = {.limit = 2};
    event_rec *r;
    size_t n;
    int64_t seen = 0, last = 0;
    for (int page = 0; page < 5; page++) {
        assert_int_equal(event_list(t->d, &a, &f, &r, &n), DB_OK);
        for (size_t i = 0; i < n; i++) {
            assert_true(r[i].starts_at > last);
            last = r[i].starts_at;
        }
        seen += (int64_t)n;
        if (n < 2)
            break;
        f.after_start = r[n - 1].starts_at;
        f.after_id = r[n - 1].id;
    }
    assert_int_equal(seen, 5);
    event_filter w = {.kind = "workshop", .limit = 10};
    assert_int_equal(event_list(t->d, &a, &w, &r, &n), DB_OK);
    assert_int_equal(n, 2);
    /* past: what ended */
    time_set_now(START + 10 * DAY);
    event_filter past = {.past = true, .limit = 10};
    assert_int_equal(event_list(t->d, &a, &past, &r, &n), DB_OK);
    assert_int_equal(n, 5);
    assert_true(r[0].starts_at > r[4].starts_at);
    arena_free(&a);
}

/* The instant (UTC) libical reads for DTSTART of the only VEVENT. */
static int64_t parsed_start(const char *text, char *summary, size_t size)
{
    icalcomponent *cal = icalparser_parse_string(text);
    assert_non_null(cal);
    /* the zones the calendar carries, so TZIDs resolve */
    for (icalcomponent *z = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT); z;
         z = icalcomponent_get_next_component(cal, ICAL_VTIMEZONE_COMPONENT))
        assert_non_null(icalcomponent_get_first_property(z, ICAL_TZID_PROPERTY));
    icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    assert_non_null(ev);
    icalproperty *p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
    icalparameter *tzid = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    assert_non_null(tzid);
    /* a plain tz database name ("Europe/Belgrade"), never libical's
     * prefixed one, resolved as a client does: by the calendar's own
     * VTIMEZONE of that name */
    const char *name = icalparameter_get_tzid(tzid);
    assert_null(strstr(text, "freeassociation"));
    assert_true(name[0] != '/' && strchr(name, '/') != NULL);
    assert_true(strcmp(name, "Europe/Belgrade") == 0 || strcmp(name, "Europe/Brussels") == 0);
    icaltimezone *z = icalcomponent_get_timezone(cal, name);
    assert_non_null(z);
    assert_string_equal(icaltimezone_get_tzid(z), name);
    struct icaltimetype tt = icalproperty_get_dtstart(p);
    assert_false(icaltime_is_utc(tt)); /* written as local time with its TZID */
    int64_t at = (int64_t)icaltime_as_timet_with_zone(tt, z);
    snprintf(summary, size, "%s", icalcomponent_get_summary(ev));
    assert_non_null(icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT));
    icalcomponent_free(cal);
    return at;
}

static void test_ical_instants_and_text(void **state)
{
    (void)state;
    /* 10:00 in Belgrade in winter (CET, 09:00 UTC) and in summer (CEST,
     * 08:00 UTC), and a Brussels deadline at 17:00 (CEST: 15:00 UTC) */
    const struct {
        int64_t utc;
        const char *tzid, *local;
    } cases[] = {{1805101200, NULL, "20270315T100000"},
                 {1814428800, NULL, "20270701T100000"},
                 {1814540400, "Europe/Brussels", "20270702T170000"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ical_event e = {.uid = "event-1@scan.example",
                        .summary = "Обука, Ниш; \"први\" део\nдруги ред",
                        .location = "Београд, Кнез Михаилова 10",
                        .tzid = cases[i].tzid,
                        .starts_at = cases[i].utc,
                        .ends_at = cases[i].utc + 3600,
                        .stamp = NOW,
                        .alarm_before = DAY};
        buf out = BUF_INIT;
        assert_true(ical_write(&out, "Догађаји", &e, 1));
        const char *s = buf_str(&out);
        assert_non_null(strstr(s, cases[i].local));
        assert_non_null(strstr(s, "BEGIN:VTIMEZONE"));
        assert_true(strstr(s, "BEGIN:VTIMEZONE") < strstr(s, "BEGIN:VEVENT"));
        /* commas, semicolons and newlines escaped by the library */
        assert_non_null(strstr(s, "SUMMARY:Обука\\, Ниш\\; \"први\" део\\nдруги ред"));
        char summary[200];
        assert_int_equal(parsed_start(s, summary, sizeof summary), cases[i].utc);
        assert_string_equal(summary, e.summary);
        buf_free(&out);
    }
    /* a line break in the calendar's name or in a URL (values libical
     * writes as given) cannot add or end a component (found by fuzz_ical) */
    {
        ical_event e = {.uid = "event-2@scan.example",
                        .summary = "x",
                        .url = "https://x.example/\r\nEND:VEVENT\r\nBEGIN:VEVENT",
                        .starts_at = NOW,
                        .ends_at = NOW + 3600,
                        .stamp = NOW};
        buf out = BUF_INIT;
        assert_true(ical_write(&out, "name\r\nEND:VCALENDAR; a, b", &e, 1));
        icalcomponent *cal = icalparser_parse_string(buf_str(&out));
        assert_non_null(cal);
        int n = 0;
        for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); c;
             c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
            n++;
        assert_int_equal(n, 1);
        assert_null(strstr(buf_str(&out), "URL:"));
        /* escaped as RFC 5545 TEXT by the writer itself (libical leaves ';'
         * and ',' of an X- property bare) */
        assert_non_null(strstr(buf_str(&out), "X-WR-CALNAME:name\\nEND:VCALENDAR\\; a\\, b\r\n"));
        assert_non_null(strstr(buf_str(&out), "NAME:name  END:VCALENDAR\\; a\\, b"));
        icalcomponent_free(cal);
        buf_free(&out);
    }
    /* an unknown zone or a missing summary is refused */
    ical_event bad = {.uid = "x", .summary = "x", .tzid = "Mars/Olympus", .starts_at = NOW};
    buf out = BUF_INIT;
    assert_false(ical_write(&out, NULL, &bad, 1));
    bad.tzid = NULL;
    bad.summary = NULL;
    assert_false(ical_write(&out, NULL, &bad, 1));
    buf_free(&out);
}

/* --- colleagues, audience, attendance, reminders (0022) -------------------------- */

/* Persons 1, 2 and 3 represent company 2, a member of cluster 3; person 4
 * manages cluster 3; person 5 represents company 6, a member of nothing. */
static void affiliate(testdb *t)
{
    assert_int_equal(
        db_exec(
            t->d,
            "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at) VALUES"
            " (2, 'firma', 'Фирма', 'company', 'published', 0, 0),"
            " (3, 'klaster', 'Кластер', 'cluster', 'published', 0, 0),"
            " (6, 'druga', 'Друга', 'company', 'published', 0, 0);"
            "INSERT INTO cluster_member(cluster_id, org_id, joined_on) VALUES (3, 2, '2020-01-01');"
            "INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES"
            " (1, 2, 'representative', 0), (2, 2, 'representative', 0),"
            " (3, 2, 'representative', 0), (4, 3, 'manager', 0), (5, 6, 'representative', 0);"),
        DB_OK);
}

static int64_t make_event(testdb *t, int64_t capacity, const char *audience)
{
    event_input in = input(capacity);
    in.audience = audience;
    form_errors e = {0};
    int64_t id = 0;
    assert_int_equal(event_create(t->d, &in, 1, NULL, &id, &e), DB_OK);
    return id;
}

static void test_colleagues(void **state)
{
    testdb *t = *state;
    affiliate(t);
    int64_t id = make_event(t, 1, "everyone");
    event_place place;
    event_refusal why;
    int64_t mails = scalar(t, "SELECT count(*) FROM outbox");
    /* 1 registers colleagues 2 and 3: 2 confirmed, 3 waits; each mailed */
    assert_int_equal(event_register_as(t->d, id, 2, 1, NULL, NULL, &place, &why), DB_OK);
    assert_int_equal(place, EVENT_CONFIRMED);
    assert_int_equal(event_register_as(t->d, id, 3, 1, NULL, NULL, &place, &why), DB_OK);
    assert_int_equal(place, EVENT_WAITING);
    assert_int_equal(scalar(t, "SELECT count(*) FROM outbox"), mails + 2);
    /* 2's mail is in English (their language), with the event attached */
    assert_int_equal(scalar(t, "SELECT count(*) FROM outbox WHERE to_addr = 'bob@example.com'"
                               " AND subject LIKE 'Registration confirmed:%'"
                               " AND attach_type = 'text/calendar; method=PUBLISH'"
                               " AND attach_data LIKE 'BEGIN:VCALENDAR%'"),
                     1);
    assert_int_equal(scalar(t, "SELECT count(*) FROM event_registration WHERE registered_by = 1"
                               " AND org_id = 2"),
                     2);
    /* one row per person and event: not twice, whoever asks */
    assert_int_equal(event_register_as(t->d, id, 2, 1, NULL, NULL, &place, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_ALREADY);
    assert_int_equal(event_register(t->d, id, 2, NULL, &place, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_ALREADY);
    /* not a colleague: 4 (another organisation), and 5 may not register 2 */
    assert_int_equal(event_register_as(t->d, id, 4, 1, NULL, NULL, &place, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_NOT_COLLEAGUE);
    assert_int_equal(event_register_as(t->d, id, 1, 5, NULL, NULL, &place, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_NOT_COLLEAGUE);
    /* an ended affiliation is no colleague any more */
    assert_int_equal(db_exec(t->d, "UPDATE affiliation SET ended_at = 1 WHERE person_id = 5"),
                     DB_OK);
    assert_int_equal(db_exec(t->d, "INSERT INTO affiliation(person_id, org_id, role, started_at,"
                                   " ended_at) VALUES (5, 2, 'representative', 0, 1)"),
                     DB_OK);
    assert_int_equal(event_register_as(t->d, id, 5, 1, NULL, NULL, &place, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_NOT_COLLEAGUE);
    /* the representative sees what they registered; 5 cannot cancel it */
    arena a = ARENA_INIT;
    event_registrant *g;
    size_t n;
    assert_int_equal(event_registered_by(t->d, &a, id, 1, &g, &n), DB_OK);
    assert_int_equal(n, 2);
    event_colleague *c;
    assert_int_equal(event_colleagues(t->d, &a, 1, &c, &n), DB_OK);
    assert_int_equal(n, 2); /* persons 2 and 3 */
    arena_free(&a);
    assert_int_equal(event_cancel_as(t->d, id, 2, 5, NULL, NULL, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_NOT_REGISTERED);
    /* the representative cancels 2: 3 moves up; 3 cancels themselves */
    assert_int_equal(event_cancel_as(t->d, id, 2, 1, NULL, NULL, &why), DB_OK);
    event_place p3;
    int64_t pos;
    assert_int_equal(event_place_of(t->d, id, 3, &p3, &pos), DB_OK);
    assert_int_equal(p3, EVENT_CONFIRMED);
    assert_int_equal(event_cancel(t->d, id, 3, NULL, NULL, &why), DB_OK);
}

static void test_audience(void **state)
{
    testdb *t = *state;
    affiliate(t);
    assert_int_equal(db_exec(t->d, "INSERT INTO account(person_id, secretariat, created_at)"
                                   " SELECT 2, 'editor', 0"),
                     DB_OK);
    bool yes;
    /* everyone: any person */
    assert_int_equal(event_audience_allows(t->d, "everyone", 5, &yes), DB_OK);
    assert_true(yes);
    /* managers: the cluster's manager (4) and the secretariat (2) only */
    const struct {
        int64_t person;
        bool managers, members;
    } rows[] = {{1, false, true}, {2, true, true}, {4, true, true}, {5, false, false}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_int_equal(event_audience_allows(t->d, "managers", rows[i].person, &yes), DB_OK);
        assert_int_equal(yes, rows[i].managers);
        assert_int_equal(event_audience_allows(t->d, "members", rows[i].person, &yes), DB_OK);
        assert_int_equal(yes, rows[i].members);
    }
    /* a membership that has ended takes the right with it */
    assert_int_equal(db_exec(t->d, "UPDATE cluster_member SET left_on = '2021-01-01'"), DB_OK);
    assert_int_equal(event_audience_allows(t->d, "members", 1, &yes), DB_OK);
    assert_false(yes);
    /* registering is refused with nothing written */
    int64_t id = make_event(t, 0, "managers");
    event_place place;
    event_refusal why;
    int64_t mails = scalar(t, "SELECT count(*) FROM outbox");
    assert_int_equal(event_register(t->d, id, 5, NULL, &place, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_NOT_AUDIENCE);
    assert_int_equal(event_register_as(t->d, id, 3, 1, NULL, NULL, &place, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_NOT_AUDIENCE); /* a colleague outside the audience */
    assert_int_equal(scalar(t, "SELECT count(*) FROM event_registration"), 0);
    assert_int_equal(scalar(t, "SELECT count(*) FROM outbox"), mails);
    assert_int_equal(event_register(t->d, id, 4, NULL, &place, &why), DB_OK);
}

static void test_attendance(void **state)
{
    testdb *t = *state;
    int64_t id = make_event(t, 1, "everyone");
    event_place place;
    event_refusal why;
    assert_int_equal(event_register(t->d, id, 1, NULL, &place, &why), DB_OK);
    assert_int_equal(event_register(t->d, id, 2, NULL, &place, &why), DB_OK); /* waits */
    int64_t r1 = scalar(t, "SELECT id FROM event_registration WHERE person_id = 1");
    int64_t r2 = scalar(t, "SELECT id FROM event_registration WHERE person_id = 2");
    /* before the start: refused, nothing written */
    assert_int_equal(event_mark_attendance(t->d, id, &r1, 1, 1, NULL, &why), DB_CONSTRAINT);
    assert_int_equal(why, EVENT_NOT_STARTED);
    assert_int_equal(
        scalar(t, "SELECT count(*) FROM event_registration WHERE attended IS NOT NULL"), 0);
    time_set_now(START + 3600);
    int64_t both[] = {r1, r2}; /* a waiting one cannot have attended */
    assert_int_equal(event_mark_attendance(t->d, id, both, 2, 1, NULL, &why), DB_OK);
    assert_int_equal(scalar(t, "SELECT count(*) FROM event_registration WHERE attended = 1"), 1);
    assert_int_equal(
        scalar(t, "SELECT attended IS NULL FROM event_registration WHERE person_id = 2"), 1);
    assert_int_equal(scalar(t, "SELECT count(*) FROM audit WHERE action = 'event_attendance'"), 1);
    /* unticked: recorded absent */
    assert_int_equal(event_mark_attendance(t->d, id, NULL, 0, 1, NULL, &why), DB_OK);
    assert_int_equal(scalar(t, "SELECT attended FROM event_registration WHERE person_id = 1"), 0);
    assert_int_equal(event_mark_attendance(t->d, id, &r1, 1, 1, NULL, &why), DB_OK);
    /* the reads for the support log and the self-assessment */
    assert_int_equal(db_exec(t->d, "INSERT INTO affiliation(person_id, org_id, role, started_at)"
                                   " VALUES (1, 1, 'manager', 0)"),
                     DB_OK);
    int64_t n = 0;
    assert_int_equal(event_attended_count(t->d, 1, START - DAY, START + DAY, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(event_attended_count(t->d, 1, START + DAY, START + 2 * DAY, &n), DB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(event_held_count(t->d, 1, START - DAY, START + DAY, &n), DB_OK);
    assert_int_equal(n, 1);
    arena a = ARENA_INIT;
    event_attendance_row *rows;
    size_t nr;
    assert_int_equal(event_attendance_of(t->d, &a, 1, 0, START + DAY, &rows, &nr), DB_OK);
    assert_int_equal(nr, 1);
    assert_int_equal(rows[0].attendees, 1);
    arena_free(&a);
}

/* Attendance at SCAN's own events feeds the support log: one training
 * entry per cluster helped (its team, or its members' people), once
 * however often attendance is marked; a cluster's own event is not
 * SCAN's support. */
static void test_attendance_feeds_support(void **state)
{
    testdb *t = *state;
    affiliate(t);
    int64_t id = make_event(t, 5, "everyone");
    event_place place;
    event_refusal why;
    for (int64_t p = 1; p <= 5; p += 2) /* 1 (member company), 3, 5 (no cluster) */
        assert_int_equal(event_register(t->d, id, p, NULL, &place, &why), DB_OK);
    assert_int_equal(event_register(t->d, id, 4, NULL, &place, &why), DB_OK); /* cluster's team */
    time_set_now(START + 3600);
    int64_t r1 = scalar(t, "SELECT id FROM event_registration WHERE person_id = 1");
    int64_t r5 = scalar(t, "SELECT id FROM event_registration WHERE person_id = 5");
    int64_t r4 = scalar(t, "SELECT id FROM event_registration WHERE person_id = 4");
    int64_t some[] = {r1, r5};
    assert_int_equal(event_mark_attendance(t->d, id, some, 2, 1, NULL, &why), DB_OK);
    assert_int_equal(scalar(t, "SELECT count(*) FROM support_entry"), 1);
    assert_int_equal(scalar(t, "SELECT org_id FROM support_entry WHERE kind = 'training'"), 3);
    int64_t again[] = {r1, r4};
    assert_int_equal(event_mark_attendance(t->d, id, again, 2, 1, NULL, &why), DB_OK);
    assert_int_equal(scalar(t, "SELECT count(*) FROM support_entry"), 1);
    /* the cluster's own event */
    time_set_now(NOW);
    int64_t own = make_event(t, 5, "everyone");
    assert_int_equal(db_exec(t->d, "UPDATE event SET organiser_id = 3 WHERE id = (SELECT max(id)"
                                   " FROM event)"),
                     DB_OK);
    assert_int_equal(event_register(t->d, own, 1, NULL, &place, &why), DB_OK);
    time_set_now(START + 3600);
    int64_t r = scalar(t, "SELECT max(id) FROM event_registration WHERE person_id = 1");
    assert_int_equal(event_mark_attendance(t->d, own, &r, 1, 1, NULL, &why), DB_OK);
    assert_int_equal(scalar(t, "SELECT count(*) FROM support_entry"), 1);
}

/* The reminder goes out from 08:00 Belgrade on the day before, across the
 * spring change of 2027 (28 March, 02:00 CET -> 03:00 CEST). */
static void test_reminder_across_dst(void **state)
{
    testdb *t = *state;
    /* Monday 29 March 2027 10:00 CEST = 08:00 UTC; due Sunday 28 March
     * 08:00 CEST = 06:00 UTC (the day of the change) */
    const int64_t monday = 1806307200LL;
    assert_int_equal(event_remind_due(monday, false), monday - DAY - 2 * 3600);
    /* Sunday 28 March 2027 10:00 CEST = 08:00 UTC; due Saturday 27 March
     * 08:00 CET = 07:00 UTC: 25 hours before, not 26 */
    const int64_t sunday = monday - DAY;
    assert_int_equal(event_remind_due(sunday, false), sunday - DAY - 3600);
    assert_int_equal(event_remind_due(sunday, true), sunday - DAY - 8 * 3600 - 3600);
    time_set_now(sunday - 3 * DAY);
    event_input in = input(0);
    in.starts_at = sunday;
    in.ends_at = sunday + 3600;
    form_errors e = {0};
    int64_t id = 0;
    assert_int_equal(event_create(t->d, &in, 1, NULL, &id, &e), DB_OK);
    event_place place;
    event_refusal why;
    assert_int_equal(event_register(t->d, id, 1, NULL, &place, &why), DB_OK);
    assert_int_equal(event_register(t->d, id, 2, NULL, &place, &why), DB_OK);
    assert_int_equal(event_cancel(t->d, id, 2, NULL, NULL, &why), DB_OK); /* not reminded */
    int sent = -1;
    /* a minute early: nothing; on time: one, once; dry runs write nothing */
    int64_t due = sunday - DAY - 3600;
    assert_int_equal(event_remind_run(t->d, due - 60, false, false, NULL, &sent), DB_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(event_remind_run(t->d, due, false, true, NULL, &sent), DB_OK);
    assert_int_equal(sent, 1);
    assert_int_equal(
        scalar(t, "SELECT count(*) FROM event_registration WHERE reminded_at IS NOT NULL"), 0);
    int64_t mails = scalar(t, "SELECT count(*) FROM outbox");
    assert_int_equal(event_remind_run(t->d, due, false, false, NULL, &sent), DB_OK);
    assert_int_equal(sent, 1);
    assert_int_equal(event_remind_run(t->d, due + 60, false, false, NULL, &sent), DB_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(scalar(t, "SELECT count(*) FROM outbox"), mails + 1);
    assert_int_equal(scalar(t, "SELECT count(*) FROM outbox WHERE to_addr = 'ana@example.com'"
                               " AND subject LIKE 'Сутра:%' AND attach_name LIKE 'event-%.ics'"),
                     1);
    /* after the start nobody is reminded */
    assert_int_equal(event_register(t->d, id, 3, NULL, &place, &why), DB_OK);
    assert_int_equal(event_remind_run(t->d, sunday + 1, false, false, NULL, &sent), DB_OK);
    assert_int_equal(sent, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checks_every_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waiting_list_moves_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capacity_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cutoffs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_and_keyset, setup, teardown),
        cmocka_unit_test(test_ical_instants_and_text),
        cmocka_unit_test_setup_teardown(test_colleagues, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audience, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attendance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attendance_feeds_support, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reminder_across_dst, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
