/* test_interest.c: introductions' threads (model/interest.c) on a freshly
 * migrated database: only the two sides of an accepted introduction may
 * write in it (the requester, the post organisation's representative; not
 * a stranger, not before acceptance, not after a decline), a message is
 * validated like the first one, the other side hears of it through notify
 * (an outbox mail with List-Unsubscribe and the text: thread messages are
 * mailed at once by default; a request waits for the weekly digest unless
 * its reader chose "immediately"), and the daily
 * throttle counts a person's messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "i18n/i18n.h"
#include "model/interest.h"
#include "model/post.h"

#include "testdb.h"

typedef struct fixture {
    testdb t;
    arena a;
    int64_t post_id;
} fixture;

/* Ana (1) represents A, whose post it is; Boris (2) asks; Cica (3) is a
 * stranger; all have accounts. */
static const char SEED[] =
    "INSERT INTO person(id, name, email, created_at, updated_at, lang) VALUES"
    " (1, 'Ana Autor', 'ana@example.com', 0, 0, 'sr-Cyrl'),"
    " (2, 'Boris', 'b@example.com', 0, 0, 'en'), (3, 'Cica', 'c@example.com', 0, 0, NULL);"
    "INSERT INTO account(person_id, created_at) VALUES (1, 0), (2, 0), (3, 0);"
    "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at, name_folded) VALUES"
    " (20, 'a', 'Metal A', 'company', 'published', 0, 0, 'a'),"
    " (21, 'b', 'Soft B', 'company', 'published', 0, 0, 'b');"
    "INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES"
    " (1, 20, 'representative', 0), (2, 21, 'representative', 0);"
    /* Boris hears of answers at once; Ana keeps the default (weekly) */
    "INSERT INTO notify_pref(person_id, kind, channel, updated_at) VALUES"
    " (2, 'post_interest_answer', 'immediate', 0)";

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || testdb_open_seeded(&f->t, SEED) != 0) {
        free(f);
        return -1;
    }
    time_set_now(time_now());
    char until[11];
    time_t t = (time_t)time_now() + 30 * 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(until, sizeof until, "%Y-%m-%d", &tm);
    post_rec p = {.org_id = 20,
                  .kind = "request",
                  .topic = "technology",
                  .lang = "en",
                  .title = "Embedded firmware partner",
                  .body = "We need firmware.",
                  .valid_until = until};
    form_errors fe = {0};
    if (post_create(f->t.d, &p, 1, "127.0.0.1", &fe, &f->post_id) != DB_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    testdb_close(&f->t);
    arena_free(&f->a);
    free(f);
    time_set_now(0);
    return 0;
}

static int64_t scalar(fixture *f, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(db_scalar_int(f->t.d, sql, &v), DB_OK);
    return v;
}

static int64_t express(fixture *f)
{
    int64_t id = 0;
    form_errors fe = {0};
    assert_int_equal(
        interest_express(f->t.d, f->post_id, 2, "We write firmware.", "127.0.0.1", NULL, &fe, &id),
        DB_OK);
    return id;
}

/* A refused reply: the field named, nothing stored. */
static void refused(fixture *f, int64_t id, int64_t person, const char *msg, const char *field)
{
    int64_t before = scalar(f, "SELECT count(*) FROM post_interest_message");
    form_errors fe = {0};
    assert_int_equal(interest_reply(f->t.d, id, person, msg, "127.0.0.1", &fe, NULL),
                     DB_CONSTRAINT);
    assert_true(fe.n_items > 0);
    assert_string_equal(fe.items[0].field, field);
    assert_int_equal(scalar(f, "SELECT count(*) FROM post_interest_message"), before);
}

static void test_sides_and_acceptance(void **state)
{
    fixture *f = *state;
    int64_t id = express(f);
    /* the request itself went to Ana through notify: by default for her
     * weekly digest, not mailed at once (Boris's answer below is: he chose
     * "immediately") */
    assert_int_equal(scalar(f, "SELECT count(*) FROM outbox WHERE to_addr = 'ana@example.com'"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM notify_event WHERE person_id = 1"
                               " AND kind = 'post_interest' AND channel = 'weekly'"),
                     1);
    int side = -1;
    assert_int_equal(interest_side(f->t.d, id, 2, &side), DB_OK);
    assert_int_equal(side, 1);
    assert_int_equal(interest_side(f->t.d, id, 1, &side), DB_OK);
    assert_int_equal(side, 2);
    assert_int_equal(interest_side(f->t.d, id, 3, &side), DB_OK);
    assert_int_equal(side, 0);
    /* before acceptance nobody adds to the thread */
    refused(f, id, 2, "A follow-up", "status");
    refused(f, id, 1, "A question", "status");
    form_errors fe = {0};
    assert_int_equal(interest_decide(f->t.d, id, true, 1, "127.0.0.1", NULL, &fe, NULL), DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM outbox WHERE to_addr = 'b@example.com'"
                               " AND body LIKE '%ana@example.com%'"
                               " AND headers LIKE '%List-Unsubscribe%'"),
                     1);
    /* a stranger is refused, even after acceptance */
    refused(f, id, 3, "Let me in", "side");
    /* bad input: empty, too long, control characters */
    refused(f, id, 1, "", "message");
    refused(f, id, 1, "bell\a", "message");
    char *lng = malloc(INTEREST_MESSAGE_MAX + 2);
    memset(lng, 'x', INTEREST_MESSAGE_MAX + 1);
    lng[INTEREST_MESSAGE_MAX + 1] = '\0';
    refused(f, id, 1, lng, "message");
    free(lng);
    /* both sides write; CRLF kept as LF; the other side is mailed */
    int64_t mid = 0;
    assert_int_equal(
        interest_reply(f->t.d, id, 1, "Welcome.\r\n\r\nCall us.", "127.0.0.1", &fe, &mid), DB_OK);
    assert_true(mid > 0);
    assert_int_equal(interest_reply(f->t.d, id, 2, "Thanks!", "127.0.0.1", &fe, NULL), DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM outbox WHERE to_addr = 'b@example.com'"
                               " AND body LIKE '%Call us.%' AND headers LIKE '%List-Unsubscribe%'"),
                     1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM outbox WHERE to_addr = 'ana@example.com'"
                               " AND body LIKE '%Thanks!%'"),
                     1);
    assert_int_equal(scalar(f, "SELECT count(*) FROM outbox WHERE to_addr = 'c@example.com'"), 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'interest_message'"), 2);
    interest_msg *m = NULL;
    size_t n = 0;
    assert_int_equal(interest_thread(f->t.d, &f->a, id, &m, &n), DB_OK);
    assert_int_equal(n, 3);
    assert_string_equal(m[0].body, "We write firmware.");
    assert_true(m[0].from_requester);
    assert_string_equal(m[1].body, "Welcome.\n\nCall us.");
    assert_false(m[1].from_requester);
    assert_string_equal(m[2].person_name, "Boris");
    /* the start page: Ana's last word was answered by Boris, so it waits */
    interest_rec *w = NULL;
    assert_int_equal(interest_waiting(f->t.d, &f->a, 1, &w, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(w[0].id, id);
    assert_int_equal(interest_waiting(f->t.d, &f->a, 2, &w, &n), DB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(interest_waiting(f->t.d, &f->a, 3, &w, &n), DB_OK);
    assert_int_equal(n, 0);
    /* no such request */
    assert_int_equal(interest_reply(f->t.d, id + 100, 1, "x", "127.0.0.1", &fe, NULL), DB_DONE);
}

static void test_declined_and_pending_waiting(void **state)
{
    fixture *f = *state;
    int64_t id = express(f);
    interest_rec *w = NULL;
    size_t n = 0;
    assert_int_equal(interest_waiting(f->t.d, &f->a, 1, &w, &n), DB_OK);
    assert_int_equal(n, 1); /* pending: waits for Ana's answer */
    assert_string_equal(w[0].status, "pending");
    form_errors fe = {0};
    assert_int_equal(interest_decide(f->t.d, id, false, 1, "127.0.0.1", NULL, &fe, NULL), DB_OK);
    refused(f, id, 2, "Please reconsider", "status");
    refused(f, id, 1, "Sorry", "status");
    assert_int_equal(interest_waiting(f->t.d, &f->a, 1, &w, &n), DB_OK);
    assert_int_equal(n, 0);
}

static void test_throttle(void **state)
{
    fixture *f = *state;
    int64_t id = express(f);
    form_errors fe = {0};
    assert_int_equal(interest_decide(f->t.d, id, true, 1, "127.0.0.1", NULL, &fe, NULL), DB_OK);
    /* Boris's first message counts too: the limit is per person and day */
    for (int i = 1; i < INTEREST_MESSAGES_PER_DAY; i++)
        assert_int_equal(interest_reply(f->t.d, id, 2, "More", "127.0.0.1", &fe, NULL), DB_OK);
    refused(f, id, 2, "One too many", "throttle");
    /* a day later it is allowed again; Ana was never limited */
    assert_int_equal(interest_reply(f->t.d, id, 1, "Fine", "127.0.0.1", &fe, NULL), DB_OK);
    time_set_now(time_now() + 86401);
    assert_int_equal(interest_reply(f->t.d, id, 2, "Next day", "127.0.0.1", &fe, NULL), DB_OK);
}

int main(void)
{
    if (i18n_init() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sides_and_acceptance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_declined_and_pending_waiting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_throttle, setup, teardown),
    };
    return cmocka_run_group_tests_name("interest", tests, NULL, NULL);
}
