/* test_news.c: news and the newsletter (model/news.c, newsletter.c):
 * Markdown refusals in a news body, a past publish time and a file that is
 * not an image refused with nothing stored, scheduled items appearing when
 * their time comes (and the cache version moving with them), double
 * opt-in with its 7-day expiry, the pacing arithmetic, and once-only
 * enqueueing and sending across an interrupted run (the clock fixed with
 * time_set_now). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "html/markdown.h"
#include "model/digest.h"
#include "model/news.h"
#include "model/newsletter.h"

#include "testdb.h"

#define NOW ((int64_t)1796202000) /* Wednesday 2 December 2026, 09:00 UTC */

static const char SEED[] =
    "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at, name_folded) VALUES"
    " (10, 'cluster-a', 'Кластер А', 'cluster', 'published', 0, 0, 'klaster a'),"
    " (11, 'cluster-b', 'Кластер Б', 'cluster', 'published', 0, 0, 'klaster b');"
    "INSERT INTO person(id, name, email, created_at, updated_at, lang) VALUES"
    " (1, 'Ана', 'ana@example.com', 0, 0, 'sr-Latn');"
    "INSERT INTO notify_follow(person_id, cluster_id, created_at) VALUES (1, 10, 0);";

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
    testdb_close(t);
    free(t);
    time_set_now(0);
    return 0;
}

static int64_t count(db *d, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_scalar_int(d, sql, &n), DB_OK);
    return n;
}

static void test_markdown_refusals(void **state)
{
    (void)state;
    static const char body[] = "<script>alert(1)</script>\n\n[x](javascript:alert(1)) "
                               "<img src=x onerror=alert(1)> [ok](https://scan.rs) **b**";
    buf out = BUF_INIT;
    assert_true(md_html(&out, body, strlen(body), 2, 0));
    const char *h = buf_str(&out);
    assert_null(strstr(h, "<script"));
    assert_null(strstr(h, "javascript:"));
    assert_null(strstr(h, "onerror"));
    assert_null(strstr(h, "<img"));
    assert_non_null(strstr(h, "href=\"https://scan.rs\""));
    assert_non_null(strstr(h, "<strong>b</strong>"));
    buf_free(&out);
}

static news_input item(const char *title)
{
    return (news_input){.org_id = 10,
                        .title_sr = title,
                        .lead_sr = "Увод",
                        .body_sr = "Текст",
                        .topic = "cluster",
                        .status = "published"};
}

static void test_refusals_store_nothing(void **state)
{
    db *d = ((testdb *)*state)->d;
    form_errors e = {0};
    int64_t id = 0;
    news_input in = item("Прошло време");
    in.publish_at = "2026-12-01T10:00"; /* the day before NOW */
    assert_int_equal(news_create(d, &in, 0, NULL, &e, &id), DB_CONSTRAINT);
    assert_non_null(form_error_for(&e, "publish_at"));
    assert_int_equal(form_error_for(&e, "publish_at")->code, FE_RANGE);
    memset(&e, 0, sizeof e);
    in = item("Није слика");
    in.image = "GIF89a not really";
    in.n_image = 17;
    assert_int_equal(news_create(d, &in, 0, NULL, &e, &id), DB_CONSTRAINT);
    assert_non_null(form_error_for(&e, "image"));
    memset(&e, 0, sizeof e);
    in = item("");
    in.title_en = "Only a title";
    assert_int_equal(news_create(d, &in, 0, NULL, &e, &id), DB_CONSTRAINT);
    assert_non_null(form_error_for(&e, "title_sr"));
    assert_non_null(form_error_for(&e, "lead_en"));
    assert_non_null(form_error_for(&e, "body_en"));
    assert_int_equal(count(d, "SELECT count(*) FROM news"), 0);
    assert_int_equal(count(d, "SELECT count(*) FROM audit WHERE action = 'news_create'"), 0);
}

static void test_scheduled_appears_when_due(void **state)
{
    db *d = ((testdb *)*state)->d;
    form_errors e = {0};
    int64_t now_id = 0, later_id = 0, v1 = 0, v2 = 0, v3 = 0;
    news_input in = item("Одмах");
    assert_int_equal(news_create(d, &in, 0, NULL, &e, &now_id), DB_OK);
    in = item("Касније");
    in.publish_at = "2026-12-03T10:00"; /* Belgrade: 09:00 UTC the next day */
    assert_int_equal(news_create(d, &in, 0, NULL, &e, &later_id), DB_OK);
    arena a = ARENA_INIT;
    news_rec *items = NULL;
    size_t n = 0;
    assert_int_equal(news_latest(d, &a, 10, 10, &items, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, now_id);
    assert_int_equal(news_latest(d, &a, 0, 10, &items, &n), DB_OK);
    assert_int_equal(n, 0); /* SCAN's own: none */
    /* the next due moment: the scheduled item's, the same until it
     * passes, then none (no write, no job) */
    assert_int_equal(news_next_due(d, time_now(), &v1), DB_OK);
    assert_int_equal(v1, NOW + 86400);
    time_set_now(NOW + 86400 - 1);
    assert_int_equal(news_next_due(d, time_now(), &v2), DB_OK);
    assert_int_equal(v2, v1);
    time_set_now(NOW + 86400);
    assert_int_equal(news_next_due(d, time_now(), &v3), DB_OK);
    assert_int_equal(v3, INT64_MAX);
    /* the memo: valid for its directory version strictly before the due
     * moment; an older version's read never replaces a newer one */
    int64_t next = 0;
    news_due_memo_put(7, v1);
    assert_true(news_due_memo_get(7, NOW + 86400 - 1, &next));
    assert_int_equal(next, v1);
    assert_false(news_due_memo_get(7, NOW + 86400, &next));
    assert_false(news_due_memo_get(8, NOW, &next));
    news_due_memo_put(6, INT64_MAX);
    assert_true(news_due_memo_get(7, NOW, &next));
    assert_int_equal(next, v1);
    assert_int_equal(news_latest(d, &a, -1, 10, &items, &n), DB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, later_id);
    arena_free(&a);
}

/* The token of the newest confirmation mail to `to`. */
static void confirm_token(db *d, const char *to, char out[44])
{
    db_stmt *s = db_query(d, "SELECT body FROM outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1",
                          DB_ARGS(DBT(to)));
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    const char *p = strstr(db_col_text(s, 0), "/newsletter/confirm/");
    assert_non_null(p);
    memcpy(out, p + strlen("/newsletter/confirm/"), 43);
    out[43] = '\0';
    db_reset(s);
}

static void test_double_opt_in_expiry(void **state)
{
    db *d = ((testdb *)*state)->d;
    form_errors e = {0};
    nlsub_result res;
    int64_t wait = 0;
    nltok_state ts;
    assert_int_equal(
        newsletter_subscribe(d, "no address", LANG_EN, "https://x", NULL, &e, &res, &wait),
        DB_CONSTRAINT);
    assert_int_equal(count(d, "SELECT count(*) FROM news_subscriber"), 0);
    assert_int_equal(
        newsletter_subscribe(d, "A@Example.com", LANG_EN, "https://x", NULL, &e, &res, &wait),
        DB_OK);
    assert_int_equal(res, NLSUB_MAILED);
    assert_int_equal(
        newsletter_subscribe(d, "a@example.com", LANG_EN, "https://x", NULL, &e, &res, &wait),
        DB_OK);
    assert_int_equal(res, NLSUB_ALREADY);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox"), 1);
    char tok[44];
    confirm_token(d, "a@example.com", tok);
    /* seven days later the link no longer works, and the address is not mailed */
    time_set_now(NOW + NEWSLETTER_CONFIRM_TTL);
    assert_int_equal(newsletter_confirm(d, tok, NULL, &ts), DB_OK);
    assert_int_equal(ts, NLTOK_EXPIRED);
    assert_int_equal(count(d, "SELECT count(*) FROM news_subscriber WHERE confirmed_at IS NULL"),
                     1);
    /* subscribing again starts afresh: a new link that works, once */
    assert_int_equal(
        newsletter_subscribe(d, "a@example.com", LANG_EN, "https://x", NULL, &e, &res, &wait),
        DB_OK);
    assert_int_equal(res, NLSUB_MAILED);
    assert_int_equal(count(d, "SELECT count(*) FROM news_subscriber"), 1);
    char tok2[44];
    confirm_token(d, "a@example.com", tok2);
    assert_string_not_equal(tok, tok2);
    assert_int_equal(newsletter_confirm(d, tok, NULL, &ts), DB_OK);
    assert_int_equal(ts, NLTOK_UNKNOWN);
    assert_int_equal(newsletter_confirm(d, tok2, NULL, &ts), DB_OK);
    assert_int_equal(ts, NLTOK_OK);
    assert_int_equal(newsletter_confirm(d, tok2, NULL, &ts), DB_OK);
    assert_int_equal(ts, NLTOK_UNKNOWN);
}

/* One client address causes at most NEWSLETTER_SUB_PER_IP confirmation
 * mails an hour, one e-mail address receives at most
 * NEWSLETTER_SUB_PER_EMAIL a day; a throttled attempt stores and mails
 * nothing and says how long to wait. */
static void test_subscribe_throttled(void **state)
{
    db *d = ((testdb *)*state)->d;
    form_errors e = {0};
    nlsub_result res;
    int64_t wait = 0;
    char addr[64];
    time_set_now(NOW);
    for (int i = 0; i < NEWSLETTER_SUB_PER_IP; i++) {
        snprintf(addr, sizeof addr, "a%d@example.com", i);
        time_set_now(NOW + i * 60);
        assert_int_equal(
            newsletter_subscribe(d, addr, LANG_EN, "https://x", "192.0.2.7", &e, &res, &wait),
            DB_OK);
        assert_int_equal(res, NLSUB_MAILED);
        assert_int_equal(wait, 0);
    }
    assert_int_equal(newsletter_subscribe(d, "more@example.com", LANG_EN, "https://x", "192.0.2.7",
                                          &e, &res, &wait),
                     DB_OK);
    assert_int_equal(res, NLSUB_THROTTLED);
    /* the first mail (at NOW) leaves the hour at NOW + 3600 */
    assert_int_equal(wait, 3600 - (NEWSLETTER_SUB_PER_IP - 1) * 60);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox"), NEWSLETTER_SUB_PER_IP);
    assert_int_equal(
        count(d, "SELECT count(*) FROM news_subscriber WHERE email = 'more@example.com'"), 0);
    /* another client is not held back by this one */
    assert_int_equal(newsletter_subscribe(d, "more@example.com", LANG_EN, "https://x",
                                          "198.51.100.1", &e, &res, &wait),
                     DB_OK);
    assert_int_equal(res, NLSUB_MAILED);
    /* an hour later the first client may again */
    time_set_now(NOW + 3600);
    assert_int_equal(newsletter_subscribe(d, "later@example.com", LANG_EN, "https://x", "192.0.2.7",
                                          &e, &res, &wait),
                     DB_OK);
    assert_int_equal(res, NLSUB_MAILED);
    /* one address, from many clients: every week its link expires and it
     * subscribes again; a third mail in a day is the cap, the fourth waits */
    int64_t t0 = NOW + 10 * 86400;
    for (int i = 0; i < NEWSLETTER_SUB_PER_EMAIL; i++) {
        time_set_now(t0 + i * 3600);
        assert_int_equal(db_do(d,
                               "UPDATE news_subscriber SET created_at = created_at - $1"
                               " WHERE email = 'again@example.com'",
                               DB_ARGS(DBI(NEWSLETTER_CONFIRM_TTL))),
                         DB_OK);
        snprintf(addr, sizeof addr, "203.0.113.%d", i + 1);
        assert_int_equal(newsletter_subscribe(d, "again@example.com", LANG_EN, "https://x", addr,
                                              &e, &res, &wait),
                         DB_OK);
        assert_int_equal(res, NLSUB_MAILED);
    }
    time_set_now(t0 + 4 * 3600);
    assert_int_equal(db_do(d,
                           "UPDATE news_subscriber SET created_at = created_at - $1"
                           " WHERE email = 'again@example.com'",
                           DB_ARGS(DBI(NEWSLETTER_CONFIRM_TTL))),
                     DB_OK);
    int64_t before = count(d, "SELECT count(*) FROM outbox");
    assert_int_equal(newsletter_subscribe(d, "again@example.com", LANG_EN, "https://x",
                                          "203.0.113.99", &e, &res, &wait),
                     DB_OK);
    assert_int_equal(res, NLSUB_THROTTLED);
    assert_int_equal(wait, 86400 - 4 * 3600);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox"), before);
}

static void test_pace(void **state)
{
    (void)state;
    nl_pace p;
    newsletter_pace_init(&p, 10, 1000000);
    assert_int_equal(newsletter_pace_take(&p, 1000000, 100), 0);
    assert_int_equal(newsletter_pace_take(&p, 1100000, 100), 1);  /* 100 ms: one */
    assert_int_equal(newsletter_pace_take(&p, 2100000, 100), 10); /* a second more: ten */
    assert_int_equal(newsletter_pace_take(&p, 60000000, 100),
                     10); /* an idle minute: one second's burst */
    assert_int_equal(newsletter_pace_take(&p, 61000000, 3), 3);   /* at most max */
    assert_int_equal(newsletter_pace_take(&p, 61000000, 100), 7); /* the rest of that second */
    assert_int_equal(newsletter_pace_take(&p, 50000000, 100), 0); /* a clock going back: nothing */
    /* over a long run the rate holds: 10 a second for 60 s in 100 ms ticks */
    newsletter_pace_init(&p, 10, 0);
    int total = 0;
    for (uint64_t t = 100000; t <= 60000000; t += 100000)
        total += newsletter_pace_take(&p, t, 1000);
    assert_true(total >= 599 && total <= 600);
}

static void test_enqueue_once_only(void **state)
{
    db *d = ((testdb *)*state)->d;
    /* 2,500 confirmed subscribers, one unconfirmed, one unsubscribed */
    assert_int_equal(db_exec(d, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k"
                                " WHERE i < 2500) INSERT INTO news_subscriber(email, lang,"
                                " created_at, confirmed_at) SELECT 's' || i || '@example.com',"
                                " 'en', 0, 1 FROM k;"
                                "INSERT INTO news_subscriber(email, lang, created_at) VALUES"
                                " ('wait@example.com', 'sr', 0);"
                                "INSERT INTO news_subscriber(email, lang, created_at, confirmed_at,"
                                " unsubscribed_at) VALUES ('gone@example.com', 'sr', 0, 1, 2)"),
                     DB_OK);
    form_errors e = {0};
    int64_t id = 0, added = 0;
    assert_int_equal(
        newsletter_issue_create(d, "Наслов", "Subject", "Увод", "Intro", 0, NULL, &e, &id), DB_OK);
    assert_int_equal(newsletter_send(d, id, 0, NULL, &e), DB_OK);
    assert_int_equal(count(d, "SELECT count(*) FROM newsletter_delivery"), 2500);
    assert_int_equal(newsletter_enqueue(d, id, &added), DB_OK);
    assert_int_equal(added, 0);                                           /* again: nothing new */
    assert_int_equal(newsletter_send(d, id, 0, NULL, &e), DB_CONSTRAINT); /* not a draft */
    /* an interrupted enqueue: the last rows never made it, enqueued_at unset */
    assert_int_equal(db_exec(d, "DELETE FROM newsletter_delivery WHERE subscriber_id > 1700;"
                                "UPDATE newsletter_issue SET enqueued_at = NULL"),
                     DB_OK);
    int queued = 0, total = 0;
    assert_int_equal(newsletter_pump(d, 1000, "https://x", &queued), DB_OK);
    total += queued;
    /* the pump carried on enqueueing first */
    assert_int_equal(count(d, "SELECT count(*) FROM newsletter_delivery"), 2500);
    for (int i = 0; i < 10 && queued > 0; i++) {
        assert_int_equal(newsletter_pump(d, 1000, "https://x", &queued), DB_OK);
        total += queued;
    }
    assert_int_equal(total, 2500);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox"), 2500);
    assert_int_equal(count(d, "SELECT count(DISTINCT to_addr) FROM outbox"), 2500);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox WHERE to_addr IN ('wait@example.com',"
                              " 'gone@example.com')"),
                     0);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox WHERE headers LIKE"
                              " '%List-Unsubscribe: <https://x/newsletter/u/%'"),
                     2500);
    assert_int_equal(count(d, "SELECT count(*) FROM newsletter_issue WHERE status = 'sent'"), 1);
    nl_progress p;
    assert_int_equal(newsletter_progress(d, id, &p), DB_OK);
    assert_int_equal(p.total, 2500);
    assert_int_equal(p.pending, 0);
    assert_int_equal(p.queued, 2500);
}

static void test_digest_section(void **state)
{
    db *d = ((testdb *)*state)->d;
    form_errors e = {0};
    int64_t id = 0;
    news_input in = item("Вест А");
    assert_int_equal(news_create(d, &in, 0, NULL, &e, &id), DB_OK);
    in = item("Вест Б");
    in.org_id = 11; /* not followed */
    assert_int_equal(news_create(d, &in, 0, NULL, &e, &id), DB_OK);
    in = item("Вест SCAN-а");
    in.org_id = 0;
    assert_int_equal(news_create(d, &in, 0, NULL, &e, &id), DB_OK);
    arena a = ARENA_INIT;
    digest_reader r = {.person_id = 1, .lang = LANG_SR_LATN};
    digest_period w = {.now = NOW + 60};
    digest_part p = {.text = BUF_INIT, .html = BUF_INIT, .lang = LANG_SR_LATN};
    assert_int_equal(news_digest_section(d, &a, &r, &w, &p), DB_OK);
    assert_int_equal(p.items, 2);
    assert_non_null(strstr(buf_str(&p.text), "Vest A"));
    assert_non_null(strstr(buf_str(&p.text), "Vest SCAN-a"));
    assert_null(strstr(buf_str(&p.text), "Vest B"));
    buf_free(&p.text);
    buf_free(&p.html);
    /* a week later: nothing */
    w.now = NOW + 8 * 86400;
    digest_part q = {.text = BUF_INIT, .html = BUF_INIT, .lang = LANG_SR_LATN};
    assert_int_equal(news_digest_section(d, &a, &r, &w, &q), DB_OK);
    assert_int_equal(q.items, 0);
    buf_free(&q.text);
    buf_free(&q.html);
    arena_free(&a);
}

/* publish_at (issue 17 review): the RFC 3339 instant GET writes is the
 * same instant as the Belgrade wall time the form sends; malformed ones
 * are -1. 2026-12-24T09:00 in Belgrade (CET, +01:00) is 08:00Z. */
static void test_publish_at_forms(void **state)
{
    (void)state;
    time_setup_zone();
    int64_t wall = news_parse_local("2026-12-24T09:00");
    assert_int_equal(wall, 1798099200);
    assert_int_equal(news_parse_local("2026-12-24T08:00:00Z"), wall);
    assert_int_equal(news_parse_local("2026-12-24T09:00+01:00"), wall);
    assert_int_equal(news_parse_local("2026-12-24T03:00:00-05:00"), wall);
    assert_int_equal(news_parse_local("2026-12-24T09:00:00"), wall);
    assert_int_equal(news_parse_local("2026-07-01T08:00:30Z"),
                     news_parse_local("2026-07-01T10:00") + 30);
    assert_int_equal(news_parse_local(""), 0);
    const char *bad[] = {"2026-12-24T09:00+2",       "2026-12-24T09:00Zx",  "2026-02-30T09:00Z",
                         "2026-12-24T09:00:60Z",     "2026-12-24T09:00:0Z", "soon",
                         "2026-12-24T09:00+01:00:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(news_parse_local(bad[i]), -1);
}

int main(void)
{
    time_setup_zone(); /* Belgrade times, as the server has them */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markdown_refusals),
        cmocka_unit_test(test_publish_at_forms),
        cmocka_unit_test_setup_teardown(test_refusals_store_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scheduled_appears_when_due, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_opt_in_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subscribe_throttled, setup, teardown),
        cmocka_unit_test(test_pace),
        cmocka_unit_test_setup_teardown(test_enqueue_once_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_digest_section, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
