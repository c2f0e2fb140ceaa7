/* test_notify.c: notifications and digests (model/notify.c, digest.c):
 * defaults and refused settings, canonical saved searches, who an event
 * reaches and that it is all or nothing with the caller's transaction,
 * single-use unsubscribe tokens, the digest's section table, an empty
 * digest not sent, and one digest per person and ISO week however often
 * the run is repeated (the clock fixed with time_set_now). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "db/db.h"
#include "model/digest.h"
#include "model/notify.h"
#include "model/post.h"
#include "model/post_digest.h"
#include "web/web_topic.h"

#include "testdb.h"

/* People 1..4 with accounts (4 disabled), 5 without one; cluster 10,
 * company 20 whose representative is 3. */
static const char SEED[] =
    "INSERT INTO person(id, name, email, created_at, updated_at, lang) VALUES"
    " (1, 'Ана Пратилац', 'ana@example.com', 0, 0, 'sr-Latn'),"
    " (2, 'Bob Weekly', 'bob@example.com', 0, 0, 'en'),"
    " (3, 'Cica Actor', 'cica@example.com', 0, 0, NULL),"
    " (4, 'Dora Disabled', 'dora@example.com', 0, 0, 'en'),"
    " (5, 'Eve No Account', 'eve@example.com', 0, 0, 'en');"
    "INSERT INTO account(person_id, created_at, disabled_at) VALUES (1, 0, NULL), (2, 0, NULL),"
    " (3, 0, NULL), (4, 0, 5);"
    "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at, name_folded) VALUES"
    " (10, 'cluster-a', 'Кластер А', 'cluster', 'published', 0, 0, 'klaster a'),"
    " (20, 'firm-b', 'Firm B', 'company', 'published', 0, 0, 'firm b');"
    "INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES (3, 20, 'representative', "
    "0);"
    "INSERT INTO notify_follow(person_id, cluster_id, created_at) VALUES (1, 10, 0), (2, 10, 0),"
    " (3, 10, 0), (4, 10, 0), (5, 10, 0)";

static int setup(void **state)
{
    testdb *t = calloc(1, sizeof *t);
    if (!t || testdb_open_seeded(t, SEED) != 0) {
        free(t);
        return -1;
    }
    notify_set_base_url("https://scan.example/");
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    testdb *t = *state;
    testdb_close(t);
    free(t);
    notify_set_base_url(NULL);
    time_set_now(0);
    return 0;
}

static int64_t count(db *d, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_scalar_int(d, sql, &n), DB_OK);
    return n;
}

/* Wednesday 2 December 2026, 10:00 in Belgrade (09:00 UTC): ISO week 49. */
#define WED_W49 ((int64_t)1796202000)

static void test_settings_default_weekly_and_refusals(void **state)
{
    db *d = ((testdb *)*state)->d;
    notify_channel ch[64]; /* room for every module's kinds */
    assert_true(notify_n_kinds < 64);
    assert_int_equal(notify_prefs_get(d, 1, ch), DB_OK);
    for (size_t i = 0; i < notify_n_kinds; i++) /* each kind's default */
        assert_int_equal(ch[i], notify_kinds[i].dflt);
    assert_int_equal(ch[notify_n_kinds], NOTIFY_WEEKLY);

    size_t bad = 99;
    const notify_choice unknown[] = {{"digest", "never"}, {"no_such_kind", "weekly"}};
    assert_int_equal(notify_prefs_set(d, 1, unknown, 2, NULL, &bad), DB_CONSTRAINT);
    assert_int_equal(bad, 1);
    const notify_choice channel[] = {{"cluster_member", "hourly"}};
    assert_int_equal(notify_prefs_set(d, 1, channel, 1, NULL, &bad), DB_CONSTRAINT);
    const notify_choice digest_now[] = {{"digest", "immediate"}};
    assert_int_equal(notify_prefs_set(d, 1, digest_now, 1, NULL, &bad), DB_CONSTRAINT);
    assert_int_equal(count(d, "SELECT count(*) FROM notify_pref"), 0);
    assert_int_equal(count(d, "SELECT count(*) FROM audit WHERE action = 'notify_settings'"), 0);

    const notify_choice ok[] = {{"cluster_member", "immediate"}, {"digest", "never"}};
    assert_int_equal(notify_prefs_set(d, 1, ok, 2, "127.0.0.1", NULL), DB_OK);
    assert_int_equal(notify_prefs_get(d, 1, ch), DB_OK);
    assert_int_equal(ch[0], NOTIFY_IMMEDIATE);
    assert_int_equal(ch[notify_n_kinds], NOTIFY_NEVER);
    assert_int_equal(count(d, "SELECT count(*) FROM audit WHERE action = 'notify_settings'"), 1);
    assert_int_equal(notify_prefs_get(d, 2, ch), DB_OK);
    assert_int_equal(ch[0], NOTIFY_WEEKLY); /* someone else's stay */
}

static void test_topic_canonical(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    const char *out;
    assert_int_equal(
        notify_topic_canonical(&a, "?region=VO&kind=cluster&page=2&q=%20metal+&sort=name", &out),
        TOPIC_OK);
    assert_string_equal(out, "kind=cluster&q=metal&region=VO");
    assert_int_equal(
        notify_topic_canonical(&a, "q=metal&region=VO&kind=cluster&kind=cluster", &out), TOPIC_OK);
    assert_string_equal(out, "kind=cluster&q=metal&region=VO");
    /* the board's cursor is a view, not a search */
    assert_int_equal(notify_topic_canonical(&a, "kind=offer&after=42&sort=closing", &out),
                     TOPIC_OK);
    assert_string_equal(out, "kind=offer");
    assert_int_equal(notify_topic_canonical(&a, "q=%D0%BC%D0%B5%D1%82%D0%B0%D0%BB", &out),
                     TOPIC_OK);
    assert_string_equal(out, "q=%D0%BC%D0%B5%D1%82%D0%B0%D0%BB");
    assert_int_equal(notify_topic_canonical(&a, "", &out), TOPIC_OK);
    assert_string_equal(out, "");
    assert_int_equal(notify_topic_canonical(&a, "Kind=x", &out), TOPIC_BAD_QUERY);
    assert_int_equal(notify_topic_canonical(&a, "q=%zz", &out), TOPIC_BAD_QUERY);
    char longq[700] = "q=";
    memset(longq + 2, 'x', 600);
    longq[602] = '\0';
    assert_int_equal(notify_topic_canonical(&a, longq, &out), TOPIC_TOO_LONG);
    arena_free(&a);
}

/* Records one cluster_member event by person 3 in its own transaction;
 * commit or roll back. */
static void record(db *d, bool commit, size_t *n)
{
    assert_int_equal(db_begin_write(d), DB_OK);
    notify_to to = {.followers_of = 10};
    notify_what w = {.entity = "org",
                     .entity_id = 20,
                     .a = "Firm B",
                     .b = "Кластер А",
                     .href = "/orgs/cluster-a"};
    assert_int_equal(notify_event(d, 3, &to, "cluster_member", &w, n), DB_OK);
    if (commit)
        assert_int_equal(db_commit(d), DB_OK);
    else
        db_rollback(d);
}

static void test_event_recipients_and_all_or_nothing(void **state)
{
    db *d = ((testdb *)*state)->d;
    const notify_choice now[] = {{"cluster_member", "immediate"}};
    assert_int_equal(notify_prefs_set(d, 1, now, 1, NULL, NULL), DB_OK);
    size_t n = 0;
    record(d, false, &n);
    assert_int_equal(n, 2);
    assert_int_equal(count(d, "SELECT count(*) FROM notify_event"), 0);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox"), 0);
    assert_int_equal(count(d, "SELECT count(*) FROM notify_unsub"), 0);

    record(d, true, &n);
    /* followers 1 and 2: not the actor (3), not a disabled account (4),
     * not a person without an account (5) */
    assert_int_equal(count(d, "SELECT count(*) FROM notify_event WHERE person_id = 1"
                              " AND channel = 'immediate' AND outbox_id IS NOT NULL"),
                     1);
    assert_int_equal(count(d, "SELECT count(*) FROM notify_event WHERE person_id = 2"
                              " AND channel = 'weekly' AND outbox_id IS NULL"),
                     1);
    assert_int_equal(count(d, "SELECT count(*) FROM notify_event"), 2);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox WHERE to_addr = 'ana@example.com'"
                              " AND headers LIKE 'List-Unsubscribe: <https://scan.example/u/%>"
                              "%List-Unsubscribe-Post: List-Unsubscribe=One-Click%'"),
                     1);
    /* in Ana's language (sr-Latn) and script */
    assert_int_equal(count(d, "SELECT count(*) FROM outbox WHERE body LIKE 'Firm B je sada u"
                              " članstvu klastera Klaster A%'"),
                     1);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox"), 1);

    /* erasing a person removes what notifications keep about them */
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(notify_person_erase(d, 1), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
    assert_int_equal(count(d, "SELECT (SELECT count(*) FROM notify_event WHERE person_id = 1) +"
                              " (SELECT count(*) FROM notify_pref WHERE person_id = 1) +"
                              " (SELECT count(*) FROM notify_follow WHERE person_id = 1) +"
                              " (SELECT count(*) FROM notify_unsub WHERE person_id = 1)"),
                     0);
    assert_int_equal(count(d, "SELECT count(*) FROM notify_follow"), 4);

    /* an unknown kind is a bug the caller hears of */
    assert_int_equal(db_begin_write(d), DB_OK);
    notify_to to = {.followers_of = 10};
    notify_what w = {0};
    assert_int_equal(notify_event(d, 3, &to, "no_such_kind", &w, NULL), DB_CONSTRAINT);
    db_rollback(d);
}

static void test_unsubscribe_token_single_use(void **state)
{
    db *d = ((testdb *)*state)->d;
    arena a = ARENA_INIT;
    char tok[44];
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(notify_unsub_new(d, 2, "digest", tok), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
    unsub_state s;
    const char *kind = NULL;
    assert_int_equal(notify_unsub_peek(d, &a, tok, &s, &kind), DB_OK);
    assert_int_equal(s, UNSUB_OK);
    assert_string_equal(kind, "digest");
    assert_int_equal(count(d, "SELECT count(*) FROM notify_pref"), 0); /* peeking changes nothing */
    assert_int_equal(notify_unsub_use(d, &a, tok, NULL, &s, &kind), DB_OK);
    assert_int_equal(s, UNSUB_OK);
    assert_int_equal(count(d, "SELECT count(*) FROM notify_pref WHERE person_id = 2"
                              " AND kind = 'digest' AND channel = 'never'"),
                     1);
    assert_int_equal(notify_unsub_use(d, &a, tok, NULL, &s, &kind), DB_OK);
    assert_int_equal(s, UNSUB_USED);
    assert_int_equal(count(d, "SELECT count(*) FROM audit WHERE action = 'notify_unsubscribe'"
                              " AND actor_id = 2"),
                     1);
    assert_int_equal(notify_unsub_use(d, &a, "not-a-token", NULL, &s, &kind), DB_OK);
    assert_int_equal(s, UNSUB_UNKNOWN);
    /* expired: 90 days later */
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(notify_unsub_new(d, 1, "cluster_member", tok), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
    time_set_now(time_now() + NOTIFY_UNSUB_TTL + 1);
    assert_int_equal(notify_unsub_use(d, &a, tok, NULL, &s, &kind), DB_OK);
    assert_int_equal(s, UNSUB_EXPIRED);
    assert_int_equal(count(d, "SELECT count(*) FROM notify_pref WHERE person_id = 1"), 0);
    arena_free(&a);
}

static void test_sections_registered(void **state)
{
    (void)state;
    assert_true(digest_n_sections >= 2);
    assert_string_equal(digest_sections[0].name, "waiting");
    assert_string_equal(digest_sections[1].name, "events");
    for (size_t i = 0; i < digest_n_sections; i++)
        assert_non_null(digest_sections[i].fn);
}

static void test_empty_digest_not_sent(void **state)
{
    db *d = ((testdb *)*state)->d;
    time_set_now(WED_W49);
    digest_report rep;
    assert_int_equal(digest_run(d, DIGEST_SCHEDULE_DEFAULT, true, false, &rep), DB_OK);
    assert_string_equal(rep.week, "2026-W49");
    assert_int_equal(rep.readers, 3); /* 1, 2, 3: enabled accounts */
    assert_int_equal(rep.sent, 0);
    assert_int_equal(rep.empty, 3);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox"), 0);
    assert_int_equal(count(d, "SELECT count(*) FROM digest_claim"), 0);
    assert_int_equal(count(d, "SELECT count(*) FROM notify_unsub"), 0);
}

static void test_one_digest_per_week(void **state)
{
    db *d = ((testdb *)*state)->d;
    time_set_now(WED_W49 - 86400);
    size_t n;
    record(d, true, &n); /* Bob (2) hears weekly, Ana (1) weekly too */
    time_set_now(WED_W49);
    digest_report rep;
    /* Monday 07:00 has passed on Wednesday; Thursday 12:00 has not */
    assert_true(digest_due(WED_W49, DIGEST_SCHEDULE_DEFAULT));
    assert_int_equal(digest_run(d, (digest_schedule){4, 12}, false, false, &rep), DB_OK);
    assert_true(rep.not_due);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox"), 0);

    assert_int_equal(digest_run(d, DIGEST_SCHEDULE_DEFAULT, false, true, &rep), DB_OK);
    assert_int_equal(rep.sent, 2); /* dry run: counted, nothing stored */
    assert_int_equal(count(d, "SELECT count(*) FROM outbox"), 0);

    assert_int_equal(digest_run(d, DIGEST_SCHEDULE_DEFAULT, false, false, &rep), DB_OK);
    assert_int_equal(rep.sent, 2);
    for (int again = 0; again < 2; again++) {
        assert_int_equal(digest_run(d, DIGEST_SCHEDULE_DEFAULT, true, false, &rep), DB_OK);
        assert_int_equal(rep.sent, 0);
    }
    assert_int_equal(count(d, "SELECT count(*) FROM outbox"), 2);
    assert_int_equal(count(d, "SELECT count(*) FROM digest_claim WHERE week = '2026-W49'"), 2);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox WHERE to_addr = 'bob@example.com'"
                              " AND subject = 'SCAN: your week (2026-W49)' AND html LIKE"
                              " '%<a href=\"https://scan.example/orgs/cluster-a\">Firm B joined"
                              " Klaster A</a>%'"),
                     1);
    assert_int_equal(count(d, "SELECT count(*) FROM notify_event WHERE digest_week = '2026-W49'"),
                     2);
    assert_int_equal(count(d, "SELECT count(*) FROM audit WHERE action = 'digest_send'"), 2);

    /* a claim made meanwhile by another run (or server): skipped */
    time_set_now(WED_W49 + 7 * 86400);
    record(d, true, &n);
    assert_int_equal(db_exec(d, "INSERT INTO digest_claim(person_id, week, claimed_at, items)"
                                " VALUES (2, '2026-W50', 0, 1)"),
                     DB_OK);
    assert_int_equal(digest_run(d, DIGEST_SCHEDULE_DEFAULT, true, false, &rep), DB_OK);
    assert_string_equal(rep.week, "2026-W50");
    assert_int_equal(rep.sent, 1); /* Ana: the new week's event */
    assert_int_equal(count(d, "SELECT count(*) FROM outbox WHERE to_addr = 'bob@example.com'"), 1);
    /* an event no digest carried waits: Bob's is still there for next week */
    assert_int_equal(count(d, "SELECT count(*) FROM notify_event WHERE person_id = 2"
                              " AND digest_week IS NULL"),
                     1);
    /* the digest set to never: nothing */
    const notify_choice off[] = {{"digest", "never"}};
    assert_int_equal(notify_prefs_set(d, 2, off, 1, NULL, NULL), DB_OK);
    time_set_now(WED_W49 + 14 * 86400);
    assert_int_equal(digest_run(d, DIGEST_SCHEDULE_DEFAULT, true, false, &rep), DB_OK);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox WHERE to_addr = 'bob@example.com'"), 1);
}

/* --- the board's section: new matching posts ------------------------------------ */

/* Clusters 30 and 31; companies 40 (Bob's, in 30), 41 (in 31), 42 (none). */
static const char SEED_POSTS[] =
    "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at, name_folded) VALUES"
    " (30, 'k30', 'Metal Cluster', 'cluster', 'published', 0, 0, 'metal cluster'),"
    " (31, 'k31', 'ICT Cluster', 'cluster', 'published', 0, 0, 'ict cluster'),"
    " (40, 'bob-co', 'Bob Co', 'company', 'published', 0, 0, 'bob co'),"
    " (41, 'soft-41', 'Софт 41', 'company', 'published', 0, 0, 'soft 41'),"
    " (42, 'far-42', 'Far 42', 'company', 'published', 0, 0, 'far 42');"
    "INSERT INTO cluster_member(cluster_id, org_id, joined_on) VALUES"
    " (30, 40, '2020-01-01'), (31, 41, '2020-01-01');"
    "INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES"
    " (2, 40, 'representative', 0)";

/* Publishes a public technology post of org at the fixed clock, valid a
 * month; returns its id. */
static int64_t publish_at(db *d, int64_t at, int64_t org, const char *kind, const char *title,
                          const char *nace)
{
    time_set_now(at);
    char until[11];
    time_t t = (time_t)(at + 30 * 86400);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(until, sizeof until, "%Y-%m-%d", &tm);
    const char *codes[1] = {nace};
    post_rec p = {.org_id = org,
                  .kind = kind,
                  .topic = "technology",
                  .lang = "en",
                  .title = title,
                  .body = title,
                  .visibility = "public",
                  .valid_until = until,
                  .nace = codes,
                  .n_nace = 1};
    form_errors fe = {0};
    int64_t id = 0;
    assert_int_equal(post_create(d, &p, 0, NULL, &fe, &id), DB_OK);
    return id;
}

/* How many times the link to post id is in mails to addr. */
static int64_t links_to(db *d, const char *addr, int64_t id)
{
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT coalesce(sum((length(body) - length(replace(body, '/cooperation/%lld\n', '')))"
             " / length('/cooperation/%lld\n')), 0) FROM outbox WHERE to_addr = '%s'",
             (long long)id, (long long)id, addr);
    return count(d, sql);
}

/* A post published after the last digest that matches a person's post or
 * saved search is in their next digest once; older posts, their own
 * organisation's posts and a second run of the week send nothing. */
static void test_digest_matching_posts(void **state)
{
    db *d = ((testdb *)*state)->d;
    assert_int_equal(db_exec(d, SEED_POSTS), DB_OK);
    /* before the window (ten days back): never in a digest */
    int64_t old =
        publish_at(d, WED_W49 - 10 * 86400, 42, "offer", "Embedded firmware for meters", "26");
    /* Bob's request, then the offer that matches it and Ana's search */
    int64_t req =
        publish_at(d, WED_W49 - 3 * 86400, 40, "request", "Embedded firmware partner wanted", "26");
    int64_t offer =
        publish_at(d, WED_W49 - 86400, 41, "offer", "Embedded firmware development", "26");
    assert_true(count(d, "SELECT count(*) FROM post_match WHERE target_post IS NOT NULL") > 0);
    topic_error te;
    int64_t tid;
    assert_int_equal(
        notify_topic_add(d, 1, "/cooperation", "kind=offer&sector=26", NULL, &te, &tid), DB_OK);
    /* Bob saved a search the same offer fits: still listed once */
    assert_int_equal(notify_topic_add(d, 2, "/cooperation", "sector=26", NULL, &te, &tid), DB_OK);
    /* a search that fits nothing new */
    assert_int_equal(
        notify_topic_add(d, 3, "/cooperation", "kind=request&cluster=k30", NULL, &te, &tid), DB_OK);

    time_set_now(WED_W49);
    digest_report rep;
    assert_int_equal(digest_run(d, DIGEST_SCHEDULE_DEFAULT, true, false, &rep), DB_OK);
    assert_int_equal(rep.sent, 3); /* Ana, Bob, and Cica, whose search found Bob's request */
    assert_int_equal(links_to(d, "bob@example.com", offer), 1);
    assert_int_equal(links_to(d, "ana@example.com", offer), 1);
    assert_int_equal(links_to(d, "bob@example.com", req), 0); /* his own organisation's */
    assert_int_equal(links_to(d, "ana@example.com", req), 0); /* a request: not her search */
    assert_int_equal(links_to(d, "bob@example.com", old), 0); /* before the window */
    assert_int_equal(links_to(d, "ana@example.com", old), 0);
    assert_int_equal(links_to(d, "cica@example.com", req), 1); /* kind=request&cluster=k30 */
    /* each in their language and script */
    assert_int_equal(count(d, "SELECT count(*) FROM outbox WHERE to_addr = 'ana@example.com'"
                              " AND body LIKE '%Nove objave koje vam odgovaraju%Ponuda: „Embedded"
                              " firmware development“ (Soft 41), po pretrazi koju ste sačuvali%'"),
                     1);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox WHERE to_addr = 'cica@example.com'"
                              " AND body LIKE '%Нове објаве које вам одговарају%'"),
                     1);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox WHERE to_addr = 'bob@example.com'"
                              " AND body LIKE '%New matching posts%Offer: “Embedded firmware"
                              " development” (Soft 41) fits your post “Embedded firmware partner"
                              " wanted”%'"),
                     1);

    /* the same week again: nothing twice */
    int64_t mails = count(d, "SELECT count(*) FROM outbox");
    assert_int_equal(digest_run(d, DIGEST_SCHEDULE_DEFAULT, true, false, &rep), DB_OK);
    assert_int_equal(rep.sent, 0);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox"), mails);

    /* next week: only what is new since; a week with nothing new sends nothing */
    int64_t later =
        publish_at(d, WED_W49 + 2 * 86400, 42, "offer", "Firmware for embedded gateways", "26");
    time_set_now(WED_W49 + 7 * 86400);
    assert_int_equal(digest_run(d, DIGEST_SCHEDULE_DEFAULT, true, false, &rep), DB_OK);
    assert_int_equal(rep.sent, 2);
    assert_int_equal(links_to(d, "bob@example.com", later), 1);
    assert_int_equal(links_to(d, "ana@example.com", later), 1);
    assert_int_equal(links_to(d, "bob@example.com", offer), 1); /* still once in all */
    assert_int_equal(links_to(d, "ana@example.com", offer), 1);
    time_set_now(WED_W49 + 14 * 86400);
    assert_int_equal(digest_run(d, DIGEST_SCHEDULE_DEFAULT, true, false, &rep), DB_OK);
    assert_int_equal(rep.sent, 0);
}

static void test_topic_query_filters(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    post_query q = {0};
    const char *slug = NULL;
    assert_true(post_digest_topic_query(&a,
                                        "cluster=nicat&kind=offer&q=x+y&region=R-01&sector=62"
                                        "&topic=supply_chain",
                                        &q, &slug));
    assert_string_equal(q.kind, "offer");
    assert_string_equal(q.topic, "supply_chain");
    assert_string_equal(q.sector, "62");
    assert_string_equal(q.geo, "R-01");
    assert_string_equal(slug, "nicat");
    assert_string_equal(q.text, "x y"); /* a saved search is a query plus facets */
    post_query e = {0};
    assert_true(post_digest_topic_query(&a, "", &e, &slug));
    assert_null(slug);
    assert_null(e.kind);
    assert_true(post_digest_topic_query(&a, "cluster=%D0%BA+1", &e, &slug));
    assert_string_equal(slug, "к 1");
    assert_false(post_digest_topic_query(&a, "kind=%zz", &e, &slug));
    assert_false(post_digest_topic_query(&a, "kind=%00", &e, &slug));
    assert_false(post_digest_topic_query(&a, "kind=%4", &e, &slug));
    arena_free(&a);
}

int main(void)
{
    time_setup_zone();
    if (i18n_init() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_settings_default_weekly_and_refusals, setup, teardown),
        cmocka_unit_test(test_topic_canonical),
        cmocka_unit_test_setup_teardown(test_event_recipients_and_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsubscribe_token_single_use, setup, teardown),
        cmocka_unit_test(test_sections_registered),
        cmocka_unit_test_setup_teardown(test_empty_digest_not_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_digest_per_week, setup, teardown),
        cmocka_unit_test_setup_teardown(test_digest_matching_posts, setup, teardown),
        cmocka_unit_test(test_topic_query_filters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
