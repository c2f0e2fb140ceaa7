/* test_submission.c: submissions, answers, meetings and consultations
 * (model/submission.c, model/consultation.c) on a real database: the
 * stage rules (a draft cannot be submitted, a second institution can),
 * the stage step written with the row, an answer dated before its
 * submission refused with nothing stored, "no answer after N days" as
 * computed on reading (and N from app_meta), the timeline's date order,
 * meeting notes only when asked for, the overview's counts and the
 * consultation checks. */
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
#include "model/consultation.h"
#include "model/submission.h"

#include "testdb.h"

/* 2027-03-10 12:00 UTC */
#define NOW 1804680000LL

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
    if (!t ||
        testdb_open_seeded(
            t, "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at) VALUES"
               " (1, 'ca', 'Кластер А', 'cluster', 'published', 0, 0),"
               " (2, 'min', 'Министарство', 'public_authority', 'published', 0, 0),"
               " (3, 'kom', 'Комора', 'chamber', 'published', 0, 0),"
               " (4, 'firma', 'Фирма', 'company', 'published', 0, 0),"
               " (5, 'nacrt', 'Нацрт институције', 'public_authority', 'draft', 0, 0);"
               "INSERT INTO person(id, name, email, created_at, updated_at) VALUES"
               " (1, 'Ана', 'ana@example.com', 0, 0);"
               "INSERT INTO position(id, kind, owner_id, stage, created_at, updated_at) VALUES"
               " (1, 'proposal', 1, 'signing', 1798761600, 0),"
               " (2, 'proposal', 1, 'draft', 1798761600, 0),"
               " (3, 'statement', 1, 'consultation', 1767225600, 0);"
               "INSERT INTO position_version(position_id, version, title_sr, body_sr, created_at)"
               " VALUES (1, 1, 'Став 1', 'Текст', 0), (2, 1, 'Став 2', 'Текст', 0),"
               " (3, 1, 'Став 3', 'Текст', 0);"
               /* position 1 has a signatory: an unsigned one cannot be submitted */
               "INSERT INTO position_signature(position_id, org_id, signed_at, signed_by)"
               " VALUES (1, 1, 1798761600, 1);") != 0) {
        free(t);
        return -1;
    }
    time_set_now(NOW);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    time_set_now(0);
    testdb_close(*state);
    free(*state);
    return 0;
}

static int64_t q(testdb *t, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_scalar_int(t->d, sql, &n), DB_OK);
    return n;
}

static bool has_error(const form_errors *e, const char *field, form_error_code code)
{
    for (size_t i = 0; i < e->n_items; i++)
        if (strcmp(e->items[i].field, field) == 0 && e->items[i].code == code)
            return true;
    return false;
}

static void overdue_rule(void **state)
{
    (void)state;
    assert_false(submission_overdue("2027-01-09", "2027-03-10", 60)); /* 60 days: not yet */
    assert_true(submission_overdue("2027-01-08", "2027-03-10", 60));  /* 61 days */
    /* across the change to summer time (28 March): whole days still */
    assert_false(submission_overdue("2027-03-01", "2027-04-30", 60));
    assert_true(submission_overdue("2027-03-01", "2027-05-01", 60));
    assert_false(submission_overdue(NULL, "2027-03-10", 60));
    assert_false(submission_overdue("2027-01-01", "", 60));
}

static void submit_and_answer(void **state)
{
    testdb *t = *state;
    form_errors e = {0};
    int64_t id = 0;
    /* a draft cannot be submitted: nothing stored */
    submission_input in = {"min", "2027-02-01", "email", "011-1/2027", "https://example.org/l.pdf"};
    assert_int_equal(submission_add(t->d, 2, &in, 1, NULL, &id, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "stage", FE_NOT_PENDING));
    assert_int_equal(q(t, "SELECT count(*) FROM position_submission"), 0);
    /* not an institution (a company; an unpublished one): refused */
    memset(&e, 0, sizeof e);
    in.institution = "firma";
    assert_int_equal(submission_add(t->d, 1, &in, 1, NULL, &id, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "institution", FE_INVALID));
    memset(&e, 0, sizeof e);
    in.institution = "nacrt";
    assert_int_equal(submission_add(t->d, 1, &in, 1, NULL, &id, &e), DB_CONSTRAINT);
    /* in the future: refused */
    memset(&e, 0, sizeof e);
    in.institution = "min";
    in.sent_on = "2027-03-11";
    assert_int_equal(submission_add(t->d, 1, &in, 1, NULL, &id, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "sent_on", FE_FUTURE_YEAR));
    assert_int_equal(q(t, "SELECT count(*) FROM position_submission"), 0);
    assert_int_equal(q(t, "SELECT count(*) FROM audit"), 0);
    /* submitted: the row, the addressee, the stage and its step, the audit row */
    memset(&e, 0, sizeof e);
    in.sent_on = "2027-02-01";
    assert_int_equal(submission_add(t->d, 1, &in, 1, NULL, &id, &e), DB_OK);
    int64_t first = id;
    assert_int_equal(q(t, "SELECT count(*) FROM position WHERE id = 1 AND stage = 'submitted'"), 1);
    assert_int_equal(q(t, "SELECT count(*) FROM position_step WHERE position_id = 1"
                          " AND stage = 'submitted' AND by_id = 1"),
                     1);
    assert_int_equal(q(t, "SELECT count(*) FROM position_addressee WHERE position_id = 1"), 1);
    assert_int_equal(q(t, "SELECT count(*) FROM audit WHERE action = 'position_submit'"), 1);
    /* a second institution: allowed, no second step */
    in.institution = "kom";
    in.sent_on = "2027-02-03";
    assert_int_equal(submission_add(t->d, 1, &in, 1, NULL, &id, &e), DB_OK);
    assert_int_equal(q(t, "SELECT count(*) FROM position_step WHERE position_id = 1"), 1);
    /* an answer dated before the submission: refused, nothing stored */
    char sid[24];
    snprintf(sid, sizeof sid, "%lld", (long long)first);
    outcome_input oi = {sid, "partly", "2027-01-31", NULL, NULL};
    memset(&e, 0, sizeof e);
    assert_int_equal(submission_answer(t->d, 1, &oi, 1, NULL, NULL, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "answered_on", FE_DATE_ORDER));
    assert_int_equal(q(t, "SELECT count(*) FROM position_outcome"), 0);
    /* another position's submission: refused */
    memset(&e, 0, sizeof e);
    oi.answered_on = "2027-02-10";
    assert_int_equal(submission_answer(t->d, 3, &oi, 1, NULL, NULL, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "submission", FE_INVALID));
    /* the answer the same day is fine; the stage moves to answered */
    memset(&e, 0, sizeof e);
    oi.answered_on = "2027-02-01";
    assert_int_equal(submission_answer(t->d, 1, &oi, 1, NULL, NULL, &e), DB_OK);
    assert_int_equal(q(t, "SELECT count(*) FROM position WHERE id = 1 AND stage = 'answered'"), 1);
    assert_int_equal(q(t, "SELECT count(*) FROM position_step WHERE position_id = 1"), 2);
    /* a second answer to it: refused */
    memset(&e, 0, sizeof e);
    oi.outcome = "accepted";
    assert_int_equal(submission_answer(t->d, 1, &oi, 1, NULL, NULL, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "submission", FE_TAKEN));
    /* answered: no more submissions */
    memset(&e, 0, sizeof e);
    in.sent_on = "2027-03-01";
    assert_int_equal(submission_add(t->d, 1, &in, 1, NULL, &id, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "stage", FE_NOT_PENDING));
}

static void timeline_and_no_answer(void **state)
{
    testdb *t = *state;
    form_errors e = {0};
    int64_t id = 0;
    /* written on 2026-01-01 here; a submission dated before: refused, nothing stored */
    assert_int_equal(db_exec(t->d, "UPDATE position SET created_at = 1767225600 WHERE id = 1"),
                     DB_OK);
    submission_input early = {"min", "2025-12-31", "post", NULL, NULL};
    assert_int_equal(submission_add(t->d, 1, &early, 1, NULL, &id, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "sent_on", FE_DATE_ORDER));
    assert_int_equal(q(t, "SELECT count(*) FROM position_submission"), 0);
    memset(&e, 0, sizeof e);
    submission_input in = {"min", "2026-12-01", "post", NULL, NULL};
    assert_int_equal(submission_add(t->d, 1, &in, 1, NULL, &id, &e), DB_OK);
    meeting_input mi = {"min", "2026-12-20", "Ана", "Порези", "Тајна белешка"};
    assert_int_equal(submission_meeting_add(t->d, 0, 1, &mi, 1, NULL, NULL, &e), DB_OK);
    arena a = ARENA_INIT;
    position_timeline tl;
    assert_int_equal(submission_timeline(t->d, &a, 1, "2027-03-10", false, &tl), DB_OK);
    /* submission 1 Dec, meeting 20 Dec, the step (today), no answer after 60 days (today) */
    assert_int_equal(tl.n_items, 4);
    assert_int_equal(tl.items[0].kind, TL_SUBMISSION);
    assert_int_equal(tl.items[1].kind, TL_MEETING);
    assert_int_equal(tl.items[2].kind, TL_STEP);
    assert_int_equal(tl.items[3].kind, TL_NO_ANSWER);
    assert_null(tl.items[1].meet->notes); /* without notes */
    assert_int_equal(tl.no_answer_days, 60);
    assert_int_equal(submission_timeline(t->d, &a, 1, "2027-01-20", true, &tl), DB_OK);
    assert_int_equal(tl.n_items, 3); /* 50 days: not overdue yet */
    assert_string_equal(tl.items[1].meet->notes, "Тајна белешка");
    /* N from app_meta */
    assert_int_equal(db_exec(t->d, "UPDATE app_meta SET value = '30'"
                                   " WHERE key = 'advocacy_no_answer_days'"),
                     DB_OK);
    assert_int_equal(submission_timeline(t->d, &a, 1, "2027-01-20", true, &tl), DB_OK);
    assert_int_equal(tl.n_items, 4);
    assert_int_equal(tl.no_answer_days, 30);
    /* a meeting needs its topics; nothing stored without */
    meeting_input bad = {"min", "2027-01-01", "Ана", "", NULL};
    memset(&e, 0, sizeof e);
    assert_int_equal(submission_meeting_add(t->d, 0, 0, &bad, 1, NULL, NULL, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "topics", FE_REQUIRED));
    assert_int_equal(q(t, "SELECT count(*) FROM institution_meeting"), 1);
    arena_free(&a);
}

static void overview_counts(void **state)
{
    testdb *t = *state;
    assert_int_equal(
        db_exec(t->d,
                "INSERT INTO position_submission(id, position_id, institution_id, sent_on,"
                " channel, created_at) VALUES (10, 1, 2, '2026-11-01', 'email', 0),"
                " (11, 3, 2, '2027-01-10', 'email', 0), (12, 3, 3, '2027-03-01', 'post', 0);"
                "INSERT INTO position_outcome(submission_id, outcome, answered_on, created_at)"
                " VALUES (10, 'partly', '2026-11-21', 0), (11, 'rejected', '2027-01-20', 0);"),
        DB_OK);
    arena a = ARENA_INIT;
    advocacy_overview ov;
    assert_int_equal(submission_overview(t->d, &a, "2027-03-10", &ov), DB_OK);
    /* positions were created in 2027 (1, 2) and 2026 (3); submissions sent in 2026 and 2027 */
    assert_int_equal(ov.n_years, 2);
    assert_int_equal(ov.years[0].year, 2026);
    assert_int_equal(ov.years[0].stages[1], 1);   /* position 3, consultation */
    assert_int_equal(ov.years[1].stages[0], 1);   /* position 2, draft */
    assert_int_equal(ov.years[0].outcomes[1], 1); /* partly */
    assert_int_equal(ov.years[1].outcomes[2], 1); /* rejected */
    assert_int_equal(ov.years[1].outcomes[4], 1); /* pending: 9 days without an answer */
    assert_int_equal(ov.years[0].submitted, 1);
    assert_int_equal(ov.years[0].accepted_any, 1);
    assert_int_equal(ov.years[1].submitted, 1);
    assert_int_equal(ov.years[1].accepted_any, 0);
    /* days per institution: the ministry 20 and 10 days, two answers */
    assert_int_equal(ov.n_inst, 2);
    const overview_institution *m = strcmp(ov.inst[0].slug, "min") == 0 ? &ov.inst[0] : &ov.inst[1];
    assert_int_equal(m->submitted, 2);
    assert_int_equal(m->answers, 2);
    assert_int_equal(m->days_sum, 30);
    /* months later the silent one counts as no answer */
    assert_int_equal(submission_overview(t->d, &a, "2027-06-10", &ov), DB_OK);
    assert_int_equal(ov.years[1].outcomes[3], 1);
    assert_int_equal(ov.years[1].outcomes[4], 0);
    arena_free(&a);
}

static void consultations(void **state)
{
    testdb *t = *state;
    form_errors e = {0};
    int64_t id = 0;
    consultation_input bad = {"Нацрт", NULL, "nema", "ftp://x", "31.12.2027", "99"};
    assert_int_equal(consultation_save(t->d, 0, &bad, 1, NULL, &id, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "deadline_on", FE_DATE));
    assert_true(has_error(&e, "url", FE_URL));
    assert_int_equal(q(t, "SELECT count(*) FROM consultation"), 0);
    memset(&e, 0, sizeof e);
    consultation_input in = {"Нацрт закона",    "Draft law",  "min",
                             "https://e.gov/c", "2027-04-01", "3"};
    assert_int_equal(consultation_save(t->d, 0, &in, 1, NULL, &id, &e), DB_OK);
    assert_int_equal(q(t, "SELECT consultation_id FROM position WHERE id = 3"), id);
    consultation_input past = {"Стари нацрт", NULL, "", NULL, "2027-01-01", NULL};
    int64_t id2 = 0;
    assert_int_equal(consultation_save(t->d, 0, &past, 1, NULL, &id2, &e), DB_OK);
    arena a = ARENA_INIT;
    consultation_rec *c;
    size_t n;
    assert_int_equal(consultation_list(t->d, &a, "2027-03-10", &c, &n), DB_OK);
    assert_int_equal(n, 2);
    assert_true(c[0].open);
    assert_int_equal(c[0].n_positions, 0); /* position 3 is in consultation: not public yet */
    assert_int_equal(db_exec(t->d, "UPDATE position SET stage = 'submitted' WHERE id = 3"), DB_OK);
    assert_int_equal(consultation_list(t->d, &a, "2027-03-10", &c, &n), DB_OK);
    assert_int_equal(c[0].n_positions, 1);
    assert_string_equal(c[0].institution_slug, "min");
    assert_false(c[1].open);
    /* an unknown position or institution: refused, nothing changed */
    memset(&e, 0, sizeof e);
    consultation_input wrong = {"Нацрт закона", NULL, "nema", NULL, "2027-04-01", "99"};
    assert_int_equal(consultation_save(t->d, id, &wrong, 1, NULL, NULL, &e), DB_CONSTRAINT);
    assert_true(has_error(&e, "institution", FE_INVALID));
    assert_true(has_error(&e, "position", FE_INVALID));
    assert_int_equal(q(t, "SELECT count(*) FROM consultation WHERE title_en = 'Draft law'"), 1);
    assert_int_equal(q(t, "SELECT count(*) FROM audit WHERE action = 'consultation_add'"), 2);
    arena_free(&a);
}

/* The feed as libical reads it: one VEVENT per consultation with a real
 * deadline, at 23:59 Belgrade (CET in winter, CEST in summer), an alarm,
 * the title in the reader's script, the tracker's link where none is
 * given. */
static void consultations_ics(void **state)
{
    (void)state;
    consultation_rec c[3] = {
        {.id = 7,
         .title_sr = "Нацрт закона",
         .title_en = "Draft law",
         .deadline_on = "2027-01-15",
         .url = "https://e.gov/c"},
        {.id = 8, .title_sr = "Стратегија", .deadline_on = "2027-07-15"},
        {.id = 9, .title_sr = "Покварен", .deadline_on = "15.7.2027"},
    };
    buf out = BUF_INIT;
    assert_true(consultation_ics(&out, LANG_SR_LATN, "Konsultacije", "Rok: ", c, 3, "scan.example",
                                 "https://scan.example"));
    icalcomponent *cal = icalparser_parse_string(buf_str(&out));
    assert_non_null(cal);
    int n = 0;
    for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT), n++) {
        icalproperty *p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
        icalparameter *tzid = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
        assert_non_null(tzid);
        /* a plain TZID (ical.h), resolved by the calendar's own VTIMEZONE */
        assert_string_equal(icalparameter_get_tzid(tzid), "Europe/Belgrade");
        icaltimezone *z = icalcomponent_get_timezone(cal, icalparameter_get_tzid(tzid));
        assert_non_null(z);
        int64_t at = (int64_t)icaltime_as_timet_with_zone(icalproperty_get_dtstart(p), z);
        assert_non_null(icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT));
        const char *url =
            icalproperty_get_url(icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY));
        if (n == 0) {
            assert_int_equal(at, 1800053940LL); /* 2027-01-15 22:59 UTC = 23:59 CET */
            assert_string_equal(icalcomponent_get_summary(ev), "Rok: Nacrt zakona");
            assert_string_equal(url, "https://e.gov/c");
            assert_string_equal(icalcomponent_get_uid(ev), "consultation-7@scan.example");
        } else {
            assert_int_equal(at, 1815688740LL); /* 2027-07-15 21:59 UTC = 23:59 CEST */
            assert_string_equal(icalcomponent_get_summary(ev), "Rok: Strategija");
            assert_string_equal(url, "https://scan.example/consultations#consultation-8");
        }
    }
    assert_int_equal(n, 2); /* the one without a real date is left out */
    icalcomponent_free(cal);
    buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(overdue_rule),
        cmocka_unit_test_setup_teardown(submit_and_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(timeline_and_no_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(overview_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(consultations, setup, teardown),
        cmocka_unit_test(consultations_ics),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
