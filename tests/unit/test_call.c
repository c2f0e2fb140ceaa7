/* test_call.c: funding calls (model/call*.c): the deadline typed in its
 * zone and stored as a UTC instant on both sides of the daylight-saving
 * changes (Brussels and Belgrade together, London an hour apart, New York
 * switching on another weekend), the validation table and its cross rules,
 * every eligibility rule met / not met / cannot tell, the eligible list's
 * SQL held to call_evaluate's answers, and the reminders once only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "i18n/i18n.h"
#include "ical/ical.h"
#include "model/call.h"

#include "testdb.h"

/* 2027-03-01 12:00 UTC: "now" for the database tests */
#define NOW 1803902400LL
#define DAY 86400LL

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

static bool has_error(const form_errors *e, const char *field, form_error_code code)
{
    for (size_t i = 0; i < e->n_items; i++)
        if (strcmp(e->items[i].field, field) == 0 && e->items[i].code == code)
            return true;
    return false;
}

static int64_t at(const char *tz, int y, int mo, int d, int h, int mi)
{
    int64_t t = 0;
    assert_true(ical_local_to_utc(tz, y, mo, d, h, mi, &t));
    return t;
}

/* The day count of reminders and pages: Belgrade calendar days to the
 * deadline's date, never a part of a day rounded up; around midnight and
 * across both daylight-saving changes. */
static void test_days_left(void **state)
{
    (void)state;
    const char *B = "Europe/Belgrade";
    /* 2 days 3 hours ahead, Monday 10:00 to Wednesday 13:00: 2 (was 3) */
    assert_int_equal(call_days_left(at(B, 2026, 6, 15, 10, 0), at(B, 2026, 6, 17, 13, 0)), 2);
    /* a minute before midnight and a minute after: the date decides */
    assert_int_equal(call_days_left(at(B, 2026, 6, 15, 23, 59), at(B, 2026, 6, 16, 0, 1)), 1);
    assert_int_equal(call_days_left(at(B, 2026, 6, 16, 0, 0), at(B, 2026, 6, 16, 23, 59)), 0);
    assert_int_equal(call_days_left(at(B, 2026, 6, 15, 0, 1), at(B, 2026, 6, 17, 23, 59)), 2);
    /* autumn: 24 October 12:00 CEST to 26 October 12:00 CET is 49 hours,
     * two days (rounding up said 3) */
    assert_int_equal(call_days_left(at(B, 2026, 10, 24, 12, 0), at(B, 2026, 10, 26, 12, 0)), 2);
    /* spring: 28 March 23:30 CET to 30 March 00:30 CEST is 24 hours, and
     * the 30th is two days after the 28th */
    assert_int_equal(call_days_left(at(B, 2026, 3, 28, 23, 30), at(B, 2026, 3, 30, 0, 30)), 2);
    /* a Brussels deadline late in the day is the same date in Belgrade;
     * a London one at 23:30 is already the next day in Belgrade */
    assert_int_equal(
        call_days_left(at(B, 2026, 6, 15, 9, 0), at("Europe/Brussels", 2026, 6, 18, 17, 0)), 3);
    assert_int_equal(
        call_days_left(at(B, 2026, 6, 15, 9, 0), at("Europe/London", 2026, 6, 18, 23, 30)), 4);
    /* a past date */
    assert_int_equal(call_days_left(at(B, 2026, 6, 15, 9, 0), at(B, 2026, 6, 14, 9, 0)), -1);
}

static void test_zones_across_dst(void **state)
{
    (void)state;
    /* 2027: Europe changes on 28 March and 31 October, New York on 14
     * March and 7 November. 1806076800 = 2027-03-26 16:00 UTC. */
    assert_int_equal(at("Europe/Brussels", 2027, 3, 26, 17, 0), 1806076800LL);
    assert_int_equal(at("Europe/Belgrade", 2027, 3, 26, 17, 0), 1806076800LL);
    /* after the change 17:00 is 15:00 UTC: one hour less than a day later */
    assert_int_equal(at("Europe/Brussels", 2027, 3, 29, 17, 0) -
                         at("Europe/Brussels", 2027, 3, 26, 17, 0),
                     3 * DAY - 3600);
    assert_int_equal(at("Europe/Brussels", 2027, 3, 29, 17, 0),
                     at("Europe/Belgrade", 2027, 3, 29, 17, 0));
    /* London is an hour behind all year */
    assert_int_equal(
        at("Europe/London", 2027, 3, 26, 17, 0) - at("Europe/Brussels", 2027, 3, 26, 17, 0), 3600);
    assert_int_equal(
        at("Europe/London", 2027, 7, 1, 17, 0) - at("Europe/Brussels", 2027, 7, 1, 17, 0), 3600);
    /* New York: six hours, but five in the two weeks it changed first */
    assert_int_equal(at("America/New_York", 2027, 2, 1, 17, 0) -
                         at("Europe/Brussels", 2027, 2, 1, 17, 0),
                     6 * 3600);
    assert_int_equal(at("America/New_York", 2027, 3, 20, 17, 0) -
                         at("Europe/Brussels", 2027, 3, 20, 17, 0),
                     5 * 3600);
    assert_int_equal(at("America/New_York", 2027, 11, 3, 17, 0) -
                         at("Europe/Brussels", 2027, 11, 3, 17, 0),
                     5 * 3600);
    /* and back */
    char date[11], hm[6];
    assert_true(
        ical_utc_to_local("Europe/Brussels", at("Europe/Brussels", 2027, 10, 31, 17, 0), date, hm));
    assert_string_equal(date, "2027-10-31");
    assert_string_equal(hm, "17:00");
    assert_true(ical_utc_to_local("Europe/Belgrade", 1806076800LL, date, hm));
    assert_string_equal(hm, "17:00");
    /* unknown or hostile zone names; exactly the canonical names and UTC
     * (review of issue 14: "right/UTC" was taken and "UTC" refused) */
    assert_false(ical_zone_known("Europe/Atlantis"));
    assert_false(ical_zone_known("../../etc/passwd"));
    assert_false(ical_zone_known("Europe/../Europe/Paris"));
    assert_false(ical_zone_known(""));
    assert_false(ical_zone_known("right/UTC"));
    assert_false(ical_zone_known("right/Europe/Belgrade"));
    assert_false(ical_zone_known("posix/Europe/Paris"));
    assert_false(ical_zone_known("Europe/Kiev")); /* a link: Europe/Kyiv is the name */
    assert_false(ical_zone_known("US/Eastern"));
    assert_true(ical_zone_known("UTC"));
    assert_true(ical_zone_known("Europe/London"));
    assert_true(ical_zone_known("Europe/Kyiv"));
    assert_true(ical_zone_known("America/New_York"));
    assert_int_equal(at("UTC", 2027, 3, 28, 2, 30), 1806201000LL);
}

static call_input good(void)
{
    return (call_input){.programme = "P",
                        .title_sr = "Позив",
                        .opens_on = "2027-01-10",
                        .deadline_date = "2027-03-29",
                        .deadline_time = "17:00",
                        .deadline_tz = "Europe/Brussels",
                        .grant_min = "10000",
                        .grant_max = "50000",
                        .budget = "1000000",
                        .cofin = "20"};
}

/* Wall times the clocks skip or pass twice (2027: Europe springs forward
 * on 28 March 02:00 -> 03:00 and falls back on 31 October 03:00 -> 02:00). */
static void test_dst_gap_and_twice(void **state)
{
    (void)state;
    int64_t t = 0;
    ical_local kind;
    assert_true(ical_local_check("Europe/Belgrade", 2027, 3, 28, 2, 30, &t, &kind));
    assert_int_equal(kind, ICAL_LOCAL_GAP);
    assert_false(ical_local_to_utc("Europe/Belgrade", 2027, 3, 28, 2, 30, &t));
    char from[6], to[6];
    assert_true(ical_gap_bounds("Europe/Belgrade", 2027, 3, 28, 2, 30, from, to));
    assert_string_equal(from, "02:00");
    assert_string_equal(to, "03:00");
    /* the minutes around the gap exist once */
    assert_true(ical_local_check("Europe/Belgrade", 2027, 3, 28, 1, 59, &t, &kind));
    assert_int_equal(kind, ICAL_LOCAL_ONE);
    assert_true(ical_local_check("Europe/Belgrade", 2027, 3, 28, 3, 0, &t, &kind));
    assert_int_equal(kind, ICAL_LOCAL_ONE);
    assert_int_equal(t, 1806195600LL); /* 01:00 UTC */
    /* 02:30 on 31 October happens twice: the first, 00:30 UTC (summer time) */
    assert_true(ical_local_check("Europe/Belgrade", 2027, 10, 31, 2, 30, &t, &kind));
    assert_int_equal(kind, ICAL_LOCAL_TWICE);
    assert_int_equal(t, 1824942600LL);
    assert_true(ical_local_check("Europe/Brussels", 2027, 10, 31, 2, 30, &t, &kind));
    assert_int_equal(kind, ICAL_LOCAL_TWICE);
    /* New York's gap is on another day, at its own 02:00 */
    assert_true(ical_local_check("America/New_York", 2027, 3, 14, 2, 30, &t, &kind));
    assert_int_equal(kind, ICAL_LOCAL_GAP);
    assert_true(ical_local_check("America/New_York", 2027, 3, 28, 2, 30, &t, &kind));
    assert_int_equal(kind, ICAL_LOCAL_ONE);
    /* the form: refused beside the time, with the zone and the jump */
    arena a = ARENA_INIT;
    call_input in = good();
    in.deadline_date = "2027-03-28";
    in.deadline_time = "02:30";
    in.deadline_tz = "Europe/Belgrade";
    form_errors fe = {0};
    assert_false(call_check(&a, &in, NULL, &fe));
    assert_true(has_error(&fe, "deadline_time", FE_MISMATCH));
    buf b = BUF_INIT;
    for (size_t i = 0; i < fe.n_items; i++)
        if (strcmp(fe.items[i].field, "deadline_time") == 0)
            call_error_text(&b, LANG_EN, &fe.items[i], in.deadline_tz);
    assert_string_equal(buf_str(&b), "This time does not exist in Europe/Belgrade on that day: the "
                                     "clocks move from 02:00 to 03:00. Choose another time.");
    buf_free(&b);
    /* the repeated hour is taken, as its first reading */
    in.deadline_date = "2027-10-31";
    fe = (form_errors){0};
    int64_t dl = 0;
    assert_true(call_check(&a, &in, &dl, &fe));
    assert_int_equal(dl, 1824942600LL);
    arena_free(&a);
}

/* Text properties escaped as RFC 5545 TEXT and folded at 75 octets
 * without splitting a UTF-8 character. */
static void test_ical_text_prop(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    ical_put_text_prop(&b, "X-WR-CALNAME", "Calls: a, b; c\\d\ne\r\nf\x01g");
    assert_string_equal(buf_str(&b), "X-WR-CALNAME:Calls: a\\, b\\; c\\\\d\\ne\\nf g\r\n");
    buf_reset(&b);
    char name[400] = "";
    for (int i = 0; i < 30; i++)
        strcat(name, "Позив "); /* 11 octets each */
    ical_put_text_prop(&b, "X-WR-CALNAME", name);
    const char *p = buf_str(&b);
    for (const char *line = p; *line;) {
        const char *end = strstr(line, "\r\n");
        assert_non_null(end);
        assert_true(end - line <= 75);
        if (end[2]) {
            assert_int_equal(end[2], ' ');                       /* a continuation */
            assert_true(((unsigned char)end[3] & 0xc0) != 0x80); /* not mid-character */
        }
        line = end + 2;
    }
    buf_free(&b);
}

static void test_checks(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    form_errors e = {0};
    call_input in = good();
    int64_t dl = 0;
    assert_true(call_check(&a, &in, &dl, &e));
    assert_int_equal(dl, at("Europe/Brussels", 2027, 3, 29, 17, 0));
    struct {
        const char **field;
        const char *value, *name;
        form_error_code code;
    } bad[] = {
        {&in.deadline_date, "2027-01-05", "deadline_date", FE_DATE_ORDER},
        {&in.deadline_date, "2027-01-10", "deadline_date",
         FE_DATE_ORDER}, /* 17:00 on the opening day is after */
        {&in.grant_min, "60000", "grant_max", FE_DATE_ORDER},
        {&in.grant_max, "2000000", "grant_max", FE_MISMATCH},
        {&in.cofin, "101", "cofin", FE_RANGE},
        {&in.deadline_tz, "Europe/Atlantis", "deadline_tz", FE_INVALID},
        {&in.deadline_time, "25:00", "deadline_time", FE_INVALID},
        {&in.url, "javascript:alert(1)", "url", FE_URL},
        {&in.url, "ftp://x.example", "url", FE_URL},
        {&in.title_sr, "", "title_sr", FE_REQUIRED},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        in = good();
        const char **f = (const char **)((char *)&in + ((char *)bad[i].field - (char *)&in));
        (void)f;
        call_input x = good();
        /* set the one field on a fresh input */
        size_t off = (size_t)((char *)bad[i].field - (char *)&in);
        *(const char **)((char *)&x + off) = bad[i].value;
        form_errors fe = {0};
        bool ok = call_check(&a, &x, NULL, &fe);
        if (i == 1) { /* the opening day at 17:00 is a valid deadline */
            assert_true(ok);
            continue;
        }
        assert_false(ok);
        assert_true(has_error(&fe, bad[i].name, bad[i].code));
    }
    /* rules: an unknown kind, a malformed value, too many */
    call_rule r1[] = {{"colour", "red"}};
    in = good();
    in.rules = r1;
    in.n_rules = 1;
    form_errors fe = {0};
    assert_false(call_check(&a, &in, NULL, &fe));
    assert_true(has_error(&fe, "rules", FE_INVALID));
    call_rule r2[] = {{"nace", "2x"}};
    in.rules = r2;
    fe = (form_errors){0};
    assert_false(call_check(&a, &in, NULL, &fe));
    call_rule r3[] = {{"label", "esca_gold"}, {"size", "small"}, {"text", "Women-led firms"}};
    in.rules = r3;
    in.n_rules = 3;
    fe = (form_errors){0};
    assert_true(call_check(&a, &in, NULL, &fe));
    call_rule *parsed;
    size_t n;
    assert_true(call_rules_parse(&a, "kind:cluster; label:esca_bronze\nnace:26", &parsed, &n));
    assert_int_equal(n, 3);
    assert_string_equal(parsed[1].value, "esca_bronze");
    assert_false(call_rules_parse(&a, "kind cluster", &parsed, &n));
    arena_free(&a);
}

/* One rule kind against facts: the verdict. */
static call_verdict one(arena *a, const char *rule, const char *const *vals, size_t n,
                        const call_facts *f, const char **reason)
{
    call_rule rules[8];
    for (size_t i = 0; i < n; i++)
        rules[i] = (call_rule){rule, vals[i]};
    call_rec c = {.rules = rules, .n_rules = n};
    call_check_row *rows;
    size_t nr;
    call_verdict v = call_evaluate(a, LANG_EN, &c, f, &rows, &nr);
    assert_int_equal(nr, 1);
    assert_int_equal(rows[0].verdict, v);
    if (reason)
        *reason = rows[0].reason;
    return v;
}

static void test_every_rule(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    const char *nace[] = {"62", "26"}, *fos[] = {"2.2", "1.2"};
    call_facts cl = {.kind = "cluster",
                     .country = "RS",
                     .region = "VO",
                     .district = "JUZNOBACKI",
                     .nace = nace,
                     .n_nace = 1,
                     .fos = fos,
                     .n_fos = 1,
                     .stage = "established",
                     .label_level = 0,
                     .employees = 30,
                     .is_cluster = true};
    call_facts bare = {.kind = "company", .country = "RS", .employees = -1};
    const char *why;
#define V(rule, vals, f) one(&a, rule, vals, sizeof vals / sizeof vals[0], &f, &why)
    const char *k1[] = {"cluster", "cluster_initiative"}, *k2[] = {"company"};
    assert_int_equal(V("kind", k1, cl), CALL_MET);
    assert_int_equal(V("kind", k2, cl), CALL_NOT_MET);
    const char *s1[] = {"small"}, *s2[] = {"micro"};
    assert_int_equal(V("size", s1, cl), CALL_MET);
    assert_int_equal(V("size", s2, cl), CALL_NOT_MET);
    assert_int_equal(V("size", s1, bare), CALL_CHECK); /* no employees figure */
    const char *c1[] = {"RS", "ME"}, *c2[] = {"HR"};
    assert_int_equal(V("country", c1, cl), CALL_MET);
    assert_int_equal(V("country", c2, cl), CALL_NOT_MET);
    const char *n1[] = {"62"}, *n2[] = {"29"};
    assert_int_equal(V("nace", n1, cl), CALL_MET);
    assert_int_equal(V("nace", n2, cl), CALL_NOT_MET);
    assert_int_equal(V("nace", n1, bare), CALL_CHECK); /* no sector recorded */
    const char *f1[] = {"2"}, *f2[] = {"3"}, *f3[] = {"2.2"};
    assert_int_equal(V("fos", f1, cl), CALL_MET); /* 2.2 is within 2 */
    assert_int_equal(V("fos", f2, cl), CALL_NOT_MET);
    assert_int_equal(V("fos", f1, bare), CALL_CHECK);
    call_facts broad = cl;
    const char *fos_broad[] = {"2"};
    broad.fos = fos_broad;
    assert_int_equal(V("fos", f3, broad), CALL_CHECK); /* "2" may or may not be 2.2 */
    const char *r1[] = {"VO"}, *r2[] = {"BG"};
    assert_int_equal(V("region", r1, cl), CALL_MET);
    assert_int_equal(V("region", r2, cl), CALL_NOT_MET);
    assert_int_equal(V("region", r1, bare), CALL_CHECK);
    const char *d1[] = {"JUZNOBACKI"}, *d2[] = {"NISAVSKI"};
    assert_int_equal(V("district", d1, cl), CALL_MET);
    assert_int_equal(V("district", d2, cl), CALL_NOT_MET);
    assert_int_equal(V("district", d1, bare), CALL_CHECK);
    const char *st1[] = {"established"}, *st2[] = {"initiative"};
    assert_int_equal(V("stage", st1, cl), CALL_MET);
    assert_int_equal(V("stage", st2, cl), CALL_NOT_MET);
    assert_int_equal(V("stage", st1, bare), CALL_NOT_MET); /* not a cluster */
    call_facts nostage = cl;
    nostage.stage = NULL;
    assert_int_equal(V("stage", st1, nostage), CALL_CHECK);
    const char *l1[] = {"esca_bronze"};
    assert_int_equal(V("label", l1, cl), CALL_NOT_MET);
    assert_string_equal(
        why, "Needs a cluster with an ESCA label (ESCA Bronze label or better): yours has none.");
    call_facts silver = cl;
    silver.label_level = 2;
    const char *l2[] = {"esca_gold"};
    assert_int_equal(V("label", l1, silver), CALL_MET);
    assert_int_equal(V("label", l2, silver), CALL_NOT_MET);
    call_facts claimed = cl;
    claimed.label_claimed = 1;
    assert_int_equal(V("label", l1, claimed), CALL_CHECK); /* claimed, not verified */
    const char *t1[] = {"Women-led firms only."};
    assert_int_equal(V("text", t1, cl), CALL_CHECK);
    /* partnership: never met for a single applicant */
    call_rec c = {.min_partners = 3, .min_countries = 3};
    call_check_row *rows;
    size_t nr;
    assert_int_equal(call_evaluate(&a, LANG_EN, &c, &cl, &rows, &nr), CALL_CHECK);
    assert_int_equal(nr, 1);
    assert_non_null(strstr(rows[0].reason, "check yourself"));
    /* overall: one not met wins over met and check */
    call_rule mix[] = {{"kind", "cluster"}, {"label", "esca_bronze"}, {"text", "x"}};
    call_rec m = {.rules = mix, .n_rules = 3};
    assert_int_equal(call_evaluate(&a, LANG_EN, &m, &cl, &rows, &nr), CALL_NOT_MET);
    /* in Serbian */
    one(&a, "label", l1, 1, &cl, &why);
    call_rule lr[] = {{"label", "esca_bronze"}};
    call_rec lc = {.rules = lr, .n_rules = 1};
    call_evaluate(&a, LANG_SR_CYRL, &lc, &cl, &rows, &nr);
    assert_non_null(strstr(rows[0].reason, "ESCA"));
    assert_non_null(strstr(rows[0].reason, "нема"));
#undef V
    arena_free(&a);
}

static const char SEED[] =
    "INSERT INTO org(id, slug, name, kind, status, region, district, country, created_at, "
    "updated_at) VALUES"
    " (1, 'c-vo', 'Кластер ВО', 'cluster', 'published', 'VO', 'JUZNOBACKI', 'RS', 0, 0),"
    " (2, 'c-bg', 'Кластер БГ', 'cluster', 'published', 'BG', 'BEOGRAD', 'RS', 0, 0),"
    " (3, 'c-none', 'Кластер без', 'cluster_initiative', 'published', NULL, NULL, 'RS', 0, 0),"
    " (4, 'firm', 'Фирма', 'company', 'published', 'VO', 'JUZNOBACKI', 'RS', 0, 0),"
    " (5, 'funder', 'Министарство', 'ministry', 'published', 'BG', 'BEOGRAD', 'RS', 0, 0),"
    " (6, 'c-draft', 'Нацрт', 'cluster', 'draft', 'VO', NULL, 'RS', 0, 0);"
    "INSERT INTO org_sector(org_id, code) VALUES (1, '62'), (2, '29'), (4, '62');"
    "INSERT INTO org_fos(org_id, code) VALUES (1, '2.2'), (2, '2');"
    "INSERT INTO cluster_stage(org_id, stage, reached_on, created_at) VALUES"
    " (1, 'emerging', '2015-01-01', 0), (1, 'established', '2020-01-01', 0), (2, 'developing', "
    "'2019-01-01', 0);"
    "INSERT INTO cluster_label(org_id, label, awarded_on, expires_on, state) VALUES"
    " (1, 'esca_silver', '2026-01-01', '2028-01-01', 'verified'),"
    " (2, 'esca_bronze', '2020-01-01', '2022-01-01', 'verified'),"
    " (3, 'esca_gold', '2026-06-01', NULL, 'claimed');"
    "INSERT INTO org_figure(org_id, year, employees, source, entered_at) VALUES"
    " (4, 2024, 8, 'self_reported', 0), (4, 2025, 12, 'self_reported', 0);"
    "INSERT INTO person(id, name, email, lang, created_at, updated_at) VALUES"
    " (1, 'Ана', 'ana@example.com', 'sr-Cyrl', 0, 0), (2, 'Bob', 'bob@example.com', 'en', 0, 0),"
    " (3, 'Вера', 'vera@example.com', 'sr-Latn', 0, 0);"
    "INSERT INTO account(person_id, created_at) VALUES (1, 0), (2, 0), (3, 0);"
    "INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES (2, 1, 'manager', 0), (3, "
    "2, 'manager', 0);"
    "INSERT INTO notify_pref(person_id, kind, channel, updated_at) VALUES"
    " (2, 'call_match', 'immediate', 0), (3, 'call_match', 'weekly', 0);";

static int setup(void **state)
{
    testdb *t = calloc(1, sizeof *t);
    if (!t || testdb_open_seeded(t, SEED) != 0) {
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

static int64_t scalar(testdb *t, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(db_scalar_int(t->d, sql, &v), DB_OK);
    return v;
}

static int64_t make_call(testdb *t, const char *date, const char *rules_text)
{
    arena a = ARENA_INIT;
    call_input in = {.funder = "funder",
                     .programme = "P",
                     .title_sr = "Позив",
                     .title_en = "Call",
                     .deadline_date = date,
                     .deadline_time = "17:00",
                     .deadline_tz = "Europe/Brussels"};
    call_rule *rules;
    size_t n;
    assert_true(call_rules_parse(&a, rules_text, &rules, &n));
    in.rules = rules;
    in.n_rules = n;
    form_errors e = {0};
    int64_t id = 0;
    assert_int_equal(call_create(t->d, &in, 1, NULL, &id, &e), DB_OK);
    arena_free(&a);
    return id;
}

/* The SQL list and call_evaluate agree, entry by entry, for every rule. */
static void test_list_agrees_with_evaluate(void **state)
{
    testdb *t = *state;
    const char *sets[] = {"kind:cluster",
                          "region:VO",
                          "district:BEOGRAD",
                          "nace:62",
                          "fos:2.2",
                          "stage:established",
                          "label:esca_bronze",
                          "label:esca_gold",
                          "size:small",
                          "size:micro",
                          "text:anything",
                          "kind:company;size:small;nace:62",
                          "country:RS;region:BG;kind:cluster_initiative;kind:cluster"};
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        int64_t id = make_call(t, "2027-06-01", sets[s]);
        arena a = ARENA_INIT;
        call_rec c;
        bool found;
        assert_int_equal(call_get(t->d, &a, id, &c, &found), DB_OK);
        assert_true(found);
        for (int clusters = 0; clusters < 2; clusters++) {
            call_eligible *e;
            size_t n;
            int64_t total;
            assert_int_equal(call_eligible_list(t->d, &a, id, clusters, 0, &e, &n, &total), DB_OK);
            assert_int_equal((int64_t)n, total);
            if (n > 0) { /* a later page: the same order, the same total */
                call_eligible *e2;
                size_t n2;
                int64_t total2;
                assert_int_equal(call_eligible_list(t->d, &a, id, clusters, 1, &e2, &n2, &total2),
                                 DB_OK);
                assert_int_equal(total2, total);
                assert_int_equal(n2, n - 1);
                for (size_t i = 0; i < n2; i++)
                    assert_int_equal(e2[i].org_id, e[i + 1].org_id);
                assert_int_equal(
                    call_eligible_list(t->d, &a, id, clusters, (int)n, &e2, &n2, &total2), DB_OK);
                assert_int_equal(n2, 0);
                assert_int_equal(total2, total);
            }
            for (int64_t org = 1; org <= 5; org++) {
                call_facts f;
                assert_int_equal(call_facts_get(t->d, &a, org, &f, &found), DB_OK);
                if (f.is_cluster != (clusters == 1))
                    continue;
                call_check_row *rows;
                size_t nr;
                bool eligible = call_evaluate(&a, LANG_EN, &c, &f, &rows, &nr) != CALL_NOT_MET;
                bool listed = false;
                for (size_t i = 0; i < n; i++)
                    listed |= e[i].org_id == org;
                if (eligible != listed)
                    fail_msg("rules %s, org %lld: evaluate says %d, the list %d", sets[s],
                             (long long)org, eligible, listed);
            }
            for (size_t i = 0; i < n; i++)
                assert_int_not_equal(e[i].org_id, 6); /* drafts never */
        }
        arena_free(&a);
    }
    /* facts read right: latest employees figure, expired label ignored, claimed kept apart */
    arena a = ARENA_INIT;
    call_facts f;
    bool found;
    assert_int_equal(call_facts_get(t->d, &a, 4, &f, &found), DB_OK);
    assert_int_equal(f.employees, 12);
    assert_int_equal(call_facts_get(t->d, &a, 2, &f, &found), DB_OK);
    assert_int_equal(f.label_level, 0);
    assert_string_equal(f.stage, "developing");
    assert_int_equal(call_facts_get(t->d, &a, 3, &f, &found), DB_OK);
    assert_int_equal(f.label_claimed, 3);
    assert_int_equal(f.label_level, 0);
    arena_free(&a);
}

static void test_reminders_once(void **state)
{
    testdb *t = *state;
    /* deadline 2027-03-11 17:00 Brussels: ten days after NOW */
    /* a call entered ten days before its deadline: its 14-day moment was
     * behind already, so no "deadline in 14 days" (review of issue 14);
     * the 3-day reminder alone comes */
    int64_t late = make_call(t, "2027-03-11", "kind:cluster");
    int sent = -1;
    assert_int_equal(call_remind_run(t->d, NOW, true, "https://scan.example", &sent), DB_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(call_withdraw(t->d, late, 1, NULL), DB_OK);
    /* a call entered 20 days before its deadline */
    time_set_now(NOW - 10 * DAY);
    int64_t id = make_call(t, "2027-03-11", "kind:cluster");
    time_set_now(NOW);
    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT INTO funding_call_follow(call_id, person_id, created_at) VALUES (%lld, 1, 0)",
             (long long)id);
    assert_int_equal(db_exec(t->d, sql), DB_OK);
    /* dry run: the follower, Bob (manages a cluster, asked), Vera (asked) */
    assert_int_equal(call_remind_run(t->d, NOW, true, "https://scan.example", &sent), DB_OK);
    assert_int_equal(sent, 3);
    assert_int_equal(scalar(t, "SELECT count(*) FROM funding_call_reminder"), 0);
    assert_int_equal(call_remind_run(t->d, NOW, false, "https://scan.example", &sent), DB_OK);
    assert_int_equal(sent, 3);
    assert_int_equal(call_remind_run(t->d, NOW + 3600, false, "https://scan.example", &sent),
                     DB_OK);
    assert_int_equal(sent, 0); /* twice: nothing again */
    assert_int_equal(scalar(t, "SELECT count(*) FROM funding_call_reminder WHERE days = 14"), 3);
    assert_int_equal(scalar(t, "SELECT count(*) FROM outbox"), 3);
    /* each with RFC 8058 one-click unsubscribe, the digest's headers: the
     * follower's link turns off call_remind, the others' call_match */
    assert_int_equal(scalar(t, "SELECT count(*) FROM outbox WHERE headers LIKE"
                               " '%List-Unsubscribe: <%/u/%>%List-Unsubscribe-Post:"
                               " List-Unsubscribe=One-Click%'"),
                     3);
    assert_int_equal(scalar(t, "SELECT count(*) FROM notify_unsub WHERE kind = 'call_remind'"), 1);
    assert_int_equal(scalar(t, "SELECT count(*) FROM notify_unsub WHERE kind = 'call_match'"), 2);
    /* in each one's language, saying the days truly left (from 1 March
     * to 11 March in Belgrade: 10, not the step's 14, nor 11 by rounding
     * ten days and some hours up) */
    assert_int_equal(scalar(t, "SELECT count(*) FROM outbox WHERE to_addr = 'bob@example.com'"
                               " AND subject LIKE 'Deadline in 10 days: Call'"),
                     1);
    assert_int_equal(scalar(t, "SELECT count(*) FROM outbox WHERE to_addr = 'ana@example.com'"
                               " AND subject LIKE 'Рок за 10 дана: Позив'"),
                     1);
    /* three days before: the second reminder, once */
    assert_int_equal(call_remind_run(t->d, NOW + 8 * DAY, false, NULL, &sent), DB_OK);
    assert_int_equal(sent, 3);
    assert_int_equal(call_remind_run(t->d, NOW + 8 * DAY, false, NULL, &sent), DB_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(scalar(t, "SELECT count(*) FROM outbox"), 6);
    /* past the deadline: nothing */
    assert_int_equal(call_remind_run(t->d, NOW + 11 * DAY, false, NULL, &sent), DB_OK);
    assert_int_equal(sent, 0);
    /* a call one excluded (region BG) reaches only its follower and Vera */
    time_set_now(NOW - 10 * DAY);
    int64_t bg = make_call(t, "2027-03-12", "region:BG");
    time_set_now(NOW);
    snprintf(sql, sizeof sql,
             "INSERT INTO funding_call_follow(call_id, person_id, created_at) VALUES (%lld, 1, 0)",
             (long long)bg);
    assert_int_equal(db_exec(t->d, sql), DB_OK);
    assert_int_equal(call_remind_run(t->d, NOW, true, NULL, &sent), DB_OK);
    assert_int_equal(sent, 2);
    /* a follower who turned the reminders off (the one-click link) hears nothing */
    assert_int_equal(db_exec(t->d, "INSERT INTO notify_pref(person_id, kind, channel, updated_at)"
                                   " VALUES (1, 'call_remind', 'never', 0)"),
                     DB_OK);
    assert_int_equal(call_remind_run(t->d, NOW, true, NULL, &sent), DB_OK);
    assert_int_equal(sent, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zones_across_dst),
        cmocka_unit_test(test_days_left),
        cmocka_unit_test(test_dst_gap_and_twice),
        cmocka_unit_test(test_ical_text_prop),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_every_rule),
        cmocka_unit_test_setup_teardown(test_list_agrees_with_evaluate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reminders_once, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
