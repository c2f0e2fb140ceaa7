/* test_post.c: the cooperation board's model (model/post.c) and its
 * matching (model/match.c) on a real, freshly migrated database, with
 * hand-made posts whose ranking can be checked by eye: the scoring
 * function, folding across scripts (a request in Cyrillic finds an offer
 * in Latin by the same words), the author's own organisation never
 * matched, the bonus for organisations without a common cluster, the
 * explanations, every refusal of post_validate (nothing stored), expiry,
 * closing, hiding (the author is mailed) and reports. */
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
#include "model/match.h"
#include "model/post.h"
#include "model/post_facet.h"

#include "testdb.h"

typedef struct fixture {
    testdb t;
    arena a;
    char today[11], until[11];
} fixture;

/* Organisations: two clusters, members A and D of K1, B of K2, C of none. */
enum { K1 = 10, K2 = 11, ORG_A = 20, ORG_B = 21, ORG_C = 22, ORG_D = 23 };

static const char SEED[] =
    "INSERT INTO person(id, name, email, created_at, updated_at, lang) VALUES"
    " (1, 'Ana Autor', 'ana@example.com', 0, 0, 'sr-Cyrl'), (2, 'Boris', 'b@example.com', 0, 0, "
    "NULL),"
    " (3, 'Cica', 'c@example.com', 0, 0, NULL);"
    "INSERT INTO org(id, slug, name, kind, status, created_at, updated_at, name_folded) VALUES"
    " (10, 'k1', 'Vojvodina Metal Cluster', 'cluster', 'published', 0, 0, 'k1'),"
    " (11, 'k2', 'NiCAT', 'cluster', 'published', 0, 0, 'k2'),"
    " (20, 'a', 'Metal A', 'company', 'published', 0, 0, 'a'),"
    " (21, 'b', 'Soft B', 'company', 'published', 0, 0, 'b'),"
    " (22, 'c', 'Far C', 'company', 'published', 0, 0, 'c'),"
    " (23, 'd', 'Neighbour D', 'company', 'published', 0, 0, 'd');"
    "INSERT INTO cluster_member(cluster_id, org_id, joined_on) VALUES"
    " (10, 20, '2020-01-01'), (10, 23, '2020-01-01'), (11, 21, '2020-01-01')";

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || testdb_open_seeded(&f->t, SEED) != 0) {
        free(f);
        return -1;
    }
    time_set_now(time_now()); /* one instant for the whole test */
    post_today(f->today);
    /* a month ahead: well inside the 12 months */
    time_t t = (time_t)time_now() + 30 * 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(f->until, sizeof f->until, "%Y-%m-%d", &tm);
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

/* Publishes a post and returns its id (fails the test on any error). */
static int64_t publish(fixture *f, int64_t org_id, const char *kind, const char *lang,
                       const char *title, const char *body, const char *nace, const char *geo)
{
    static const char *nace_l[1], *geo_l[1];
    post_rec p = {.org_id = org_id,
                  .kind = kind,
                  .topic = "technology",
                  .lang = lang,
                  .title = title,
                  .body = body,
                  .valid_until = f->until};
    const char *n1[1] = {nace}, *g1[1] = {geo};
    (void)nace_l;
    (void)geo_l;
    if (nace) {
        p.nace = n1;
        p.n_nace = 1;
    }
    if (geo) {
        p.geo = g1;
        p.n_geo = 1;
    }
    form_errors fe = {0};
    int64_t id = 0;
    db_status st = post_create(f->t.d, &p, 1, "127.0.0.1", &fe, &id);
    if (st != DB_OK)
        fprintf(stderr, "post_create: %s, %zu errors, first %s\n", db_status_name(st), fe.n_items,
                fe.n_items ? fe.items[0].field : "-");
    assert_int_equal(st, DB_OK);
    assert_true(id > 0);
    return id;
}

static void test_score_function(void **state)
{
    (void)state;
    assert_int_equal(match_score(0, 0, 0, 0, true), 0); /* nothing shared: no bonus either */
    assert_int_equal(match_score(1, 0, 0, 0, false), MATCH_W_NACE);
    assert_int_equal(match_score(0, 1, 0, 0, false), MATCH_W_FOS);
    assert_int_equal(match_score(0, 0, 5, 0, false), MATCH_MAX_GEO * MATCH_W_GEO);
    assert_int_equal(match_score(0, 0, 0, 9, false), MATCH_MAX_SHARED * MATCH_W_WORD);
    assert_int_equal(match_score(1, 0, 1, 2, true),
                     MATCH_W_NACE + MATCH_W_GEO + 2 * MATCH_W_WORD + MATCH_W_CROSS);
    /* the same words and division beat a shared region with the bonus */
    assert_true(match_score(1, 0, 0, 2, false) > match_score(0, 0, 1, 0, true));
}

static void test_words_fold_across_scripts(void **state)
{
    fixture *f = *state;
    const char *cyr[] = {"Уграђени софтвер и фирмвер за мерне уређаје"};
    const char *lat[] = {"UGRAĐENI softver, FIRMVER za mikrokontrolere; ugradjeni"};
    const char **wc, **wl;
    size_t nc, nl;
    assert_true(match_words(&f->a, cyr, 1, &wc, &nc));
    assert_true(match_words(&f->a, lat, 1, &wl, &nl));
    /* "и", "за" are function words; "мерне" stays */
    assert_int_equal(nc, 5);
    assert_string_equal(wc[0], "ugradeni");
    assert_string_equal(wc[1], "softver");
    assert_string_equal(wc[2], "firmver");
    assert_string_equal(wc[3], "merne");
    assert_string_equal(wc[4], "uredaje");
    /* đ, dj and Cyrillic ђ are one letter: "ugradjeni" is not a new word */
    assert_int_equal(nl, 4);
    assert_string_equal(wl[0], "ugradeni");
    assert_string_equal(wl[1], "softver");
    assert_string_equal(wl[2], "firmver");
    assert_string_equal(wl[3], "mikrokontrolere");

    /* shown as written: the first text that has the word, its script and case */
    const char *both[] = {cyr[0], lat[0]};
    assert_string_equal(match_word_as_written(&f->a, both, 2, "ugradeni"), "Уграђени");
    assert_string_equal(match_word_as_written(&f->a, lat, 1, "ugradeni"), "UGRAĐENI");
    assert_string_equal(match_word_as_written(&f->a, lat, 1, "mikrokontrolere"), "mikrokontrolere");
    assert_string_equal(match_word_as_written(&f->a, cyr, 1, "mikrokontrolere"),
                        "mikrokontrolere"); /* not in the texts: the folded word */
    const char *none[] = {NULL, "Niš, Ниш."};
    assert_string_equal(match_word_as_written(&f->a, none, 2, "nis"), "Niš");
}

static void test_ranking_and_reasons(void **state)
{
    fixture *f = *state;
    /* offers first, so the request's page lists them */
    int64_t o_same =
        publish(f, ORG_B, "offer", "sr-Latn", "Ugrađeni softver i firmver",
                "Razvijamo firmver za mikrokontrolere (embedded firmware).", "26", NULL);
    int64_t o_region = publish(f, ORG_C, "offer", "en", "Warehouse space",
                               "Storage and logistics near Novi Sad.", "52", "R-VO");
    int64_t o_own =
        publish(f, ORG_A, "offer", "sr-Latn", "Ugrađeni softver", "Firmver.", "26", "R-VO");
    int64_t o_neighbour = publish(f, ORG_D, "offer", "sr-Latn", "Ugrađeni softver i firmver",
                                  "Firmver za mikrokontrolere.", "26", NULL);
    int64_t r_other =
        publish(f, ORG_C, "request", "en", "Firmware", "Ugrađeni softver firmver", "26", "R-VO");
    int64_t req = publish(f, ORG_A, "request", "sr-Cyrl", "Потребан уграђени софтвер",
                          "Тражимо партнера за фирмвер мерних уређаја.", "26", "R-VO");

    post_rec p;
    bool found;
    assert_int_equal(post_get(f->t.d, &f->a, req, &p, &found), DB_OK);
    assert_true(found);
    match_subject s;
    assert_true(post_subject(&f->a, &p, f->today, false, &s));
    match_hit *h;
    size_t n;
    assert_int_equal(match_find(f->t.d, &f->a, &s, MATCH_POSTS, 10, MATCH_PER_LIST, &h, &n), DB_OK);
    /* the Latin offer with the same words and division first, the one in
     * the author's own cluster next, the region-only one last; never the
     * author's own offer, never another request */
    assert_int_equal(n, 3);
    assert_int_equal(h[0].post_id, o_same);
    assert_int_equal(h[1].post_id, o_neighbour);
    assert_int_equal(h[2].post_id, o_region);
    for (size_t i = 0; i < n; i++) {
        assert_int_not_equal(h[i].post_id, o_own);
        assert_int_not_equal(h[i].post_id, r_other);
    }
    /* why: the shared division and the shared words, folded */
    assert_int_equal(h[0].n_nace, 1);
    assert_string_equal(h[0].nace[0], "26");
    assert_int_equal(h[0].n_words, 3); /* ugradeni, softver, firmver */
    assert_string_equal(h[0].words[0], "ugradeni");
    assert_true(h[0].cross_cluster);
    assert_false(h[1].cross_cluster); /* D is in K1 with A */
    assert_int_equal(h[0].score, match_score(1, 0, 0, 3, true));
    assert_int_equal(h[1].score, match_score(1, 0, 0, 3, false));
    assert_int_equal(h[2].n_geo, 1);
    assert_string_equal(h[2].geo[0], "R-VO");
    assert_int_equal(h[2].n_nace + h[2].n_words, 0);

    /* stored at publish time, both ways */
    post_match_rec *m;
    assert_int_equal(post_matches(f->t.d, &f->a, req, true, 10, &m, &n), DB_OK);
    assert_true(n >= 3);
    assert_int_equal(m[0].hit.post_id, o_same);
    assert_string_equal(m[0].hit.words[1], "softver");
    assert_int_equal(post_matches(f->t.d, &f->a, o_same, true, 10, &m, &n), DB_OK);
    bool back = false;
    for (size_t i = 0; i < n; i++)
        back |= m[i].hit.post_id == req;
    assert_true(back);
    /* organisation profiles: B has division 26 in its profile */
    assert_int_equal(db_exec(f->t.d, "INSERT INTO org_sector(org_id, code) VALUES (21, '26')"),
                     DB_OK);
    assert_int_equal(match_find(f->t.d, &f->a, &s, MATCH_ORGS, 10, MATCH_PER_LIST, &h, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].post_id, 0);
    assert_int_equal(h[0].org_id, ORG_B);

    /* closing an offer takes it out of every match list */
    form_errors fe = {0};
    assert_int_equal(post_close(f->t.d, o_same, "found_partner", 2, NULL, &fe), DB_OK);
    assert_int_equal(post_matches(f->t.d, &f->a, req, true, 10, &m, &n), DB_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(m[i].hit.post_id, o_same);
    assert_int_equal(post_close(f->t.d, o_same, "found_partner", 2, NULL, &fe), DB_CONSTRAINT);
    assert_string_equal(fe.items[0].field, "status");
}

/* One refusal: the field and code expected, and nothing stored. */
static void refused(fixture *f, const post_rec *p, const char *field, form_error_code code)
{
    form_errors fe = {0};
    int64_t before = scalar(f, "SELECT count(*) FROM post");
    int64_t audit = scalar(f, "SELECT count(*) FROM audit");
    int64_t id = 0;
    assert_int_equal(post_create(f->t.d, p, 1, NULL, &fe, &id), DB_CONSTRAINT);
    assert_true(fe.n_items >= 1);
    const form_error *e = form_error_for(&fe, field);
    if (!e)
        fprintf(stderr, "no error on %s (first: %s)\n", field, fe.items[0].field);
    assert_non_null(e);
    assert_int_equal(e->code, code);
    assert_int_equal(scalar(f, "SELECT count(*) FROM post"), before);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit"), audit);
}

static void test_validation(void **state)
{
    fixture *f = *state;
    const char *nace_ok[] = {"26"}, *nace_bad[] = {"26", "99x"}, *nace_section[] = {"C"};
    const char *geo_bad[] = {"R-XX"};
    post_rec ok = {.org_id = ORG_A,
                   .kind = "offer",
                   .topic = "export",
                   .lang = "en",
                   .title = "Export partners",
                   .body = "We look for distributors.",
                   .valid_until = f->until,
                   .nace = nace_ok,
                   .n_nace = 1};
    post_rec p = ok;
    p.title = "";
    refused(f, &p, "title", FE_REQUIRED);
    p = ok;
    char *long_body = calloc(1, POST_BODY_MAX + 2);
    memset(long_body, 'x', POST_BODY_MAX + 1);
    p.body = long_body;
    refused(f, &p, "body", FE_TOO_LONG);
    free(long_body);
    p = ok;
    p.nace = nace_bad;
    p.n_nace = 2;
    refused(f, &p, "nace", FE_UNKNOWN_CODE);
    p = ok;
    p.nace = nace_section; /* a section is not a division */
    refused(f, &p, "nace", FE_UNKNOWN_CODE);
    p = ok;
    p.geo = geo_bad;
    p.n_geo = 1;
    refused(f, &p, "geo", FE_UNKNOWN_CODE);
    p = ok;
    p.kind = "gift";
    refused(f, &p, "kind", FE_CHOICE);
    p = ok;
    p.valid_until = "2001-01-01";
    refused(f, &p, "valid_until", FE_RANGE);
    char far[11], max[11];
    post_max_until(f->today, max);
    assert_true(strcmp(max, f->today) > 0);
    /* the day after the maximum */
    time_t t = (time_t)time_now() + 367 * 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(far, sizeof far, "%Y-%m-%d", &tm);
    p.valid_until = far;
    refused(f, &p, "valid_until", FE_RANGE);
    p.valid_until = "2030-02-30";
    refused(f, &p, "valid_until", FE_DATE);
    p.valid_until = max; /* the last day allowed is fine */
    int64_t id = 0;
    form_errors fe = {0};
    assert_int_equal(post_create(f->t.d, &p, 1, NULL, &fe, &id), DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'post_create'"), 1);

    char out[11];
    post_max_until("2028-02-29", out);
    assert_string_equal(out, "2029-02-28");
    post_max_until("2026-12-31", out);
    assert_string_equal(out, "2027-12-31");
}

static void test_expiry(void **state)
{
    fixture *f = *state;
    const char *geo[] = {"R-VO"};
    post_rec p = {.org_id = ORG_B,
                  .kind = "offer",
                  .topic = "training",
                  .lang = "en",
                  .title = "Welding course",
                  .body = "Certified welding training.",
                  .valid_until = f->today, /* open today, the last day */
                  .geo = geo,
                  .n_geo = 1};
    int64_t id = 0;
    form_errors fe = {0};
    assert_int_equal(post_create(f->t.d, &p, 1, NULL, &fe, &id), DB_OK);
    post_query q = {.limit = 20};
    post_rec *items;
    size_t n;
    bool more;
    assert_int_equal(post_list(f->t.d, &f->a, &q, &items, &n, &more), DB_OK);
    assert_int_equal(n, 1);
    assert_false(items[0].expired);
    int64_t req = publish(f, ORG_A, "request", "en", "Welding training", "welding", NULL, "R-VO");
    post_match_rec *m;
    assert_int_equal(post_matches(f->t.d, &f->a, req, true, 10, &m, &n), DB_OK);
    assert_int_equal(n, 1);

    /* two days later: off the board and out of matches, the page stays */
    time_set_now(time_now() + 2 * 86400);
    assert_int_equal(post_list(f->t.d, &f->a, &q, &items, &n, &more), DB_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(items[i].id, id);
    assert_int_equal(post_matches(f->t.d, &f->a, req, true, 10, &m, &n), DB_OK);
    assert_int_equal(n, 0);
    post_rec got;
    bool found;
    assert_int_equal(post_get(f->t.d, &f->a, id, &got, &found), DB_OK);
    assert_true(found);
    assert_true(got.expired);
    assert_string_equal(got.status, "open");
    /* and it cannot be changed any more to a day in the past */
    got.valid_until = f->today;
    assert_int_equal(post_update(f->t.d, &got, 1, NULL, &fe), DB_CONSTRAINT);
    assert_string_equal(fe.items[0].field, "valid_until");
}

static void test_hide_report_visibility(void **state)
{
    fixture *f = *state;
    int64_t id =
        publish(f, ORG_A, "offer", "en", "Laser cutting", "Laser cutting capacity.", "25", NULL);
    int64_t n_reports = 0;
    form_errors fe = {0};
    assert_int_equal(post_report(f->t.d, id, 2, "spam", NULL, &fe, &n_reports), DB_OK);
    assert_int_equal(n_reports, 1);
    post_rec *items;
    int64_t *counts;
    bool *repeated;
    size_t n;
    /* a single report reaches the secretariat too, not marked repeated */
    assert_int_equal(post_reported(f->t.d, &f->a, &items, &counts, &repeated, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(counts[0], 1);
    assert_false(repeated[0]);
    assert_int_equal(post_report(f->t.d, id, 2, NULL, NULL, &fe, &n_reports), DB_OK);
    assert_int_equal(n_reports, 1); /* once per person */
    assert_int_equal(post_report(f->t.d, id, 3, NULL, NULL, &fe, &n_reports), DB_OK);
    assert_int_equal(post_report(f->t.d, id, 1, NULL, NULL, &fe, &n_reports), DB_OK);
    assert_int_equal(n_reports, 3);
    assert_int_equal(post_reported(f->t.d, &f->a, &items, &counts, &repeated, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(counts[0], 3);
    assert_true(repeated[0]);

    /* hiding needs a reason, then mails the author in their language */
    assert_int_equal(post_hide(f->t.d, id, "", 3, NULL, NULL, &fe), DB_CONSTRAINT);
    assert_string_equal(fe.items[0].field, "reason");
    assert_int_equal(scalar(f, "SELECT count(*) FROM outbox"), 0);
    assert_int_equal(post_hide(f->t.d, id, "Advertising", 3, NULL, "https://scan.example", &fe),
                     DB_OK);
    assert_int_equal(scalar(f, "SELECT count(*) FROM outbox WHERE to_addr = 'ana@example.com'"
                               " AND body LIKE '%Advertising%' AND body LIKE '%/cooperation/%'"),
                     1);
    post_query q = {.limit = 20, .members = true};
    bool more;
    assert_int_equal(post_list(f->t.d, &f->a, &q, &items, &n, &more), DB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(post_reported(f->t.d, &f->a, &items, &counts, &repeated, &n), DB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(scalar(f, "SELECT count(*) FROM audit WHERE action = 'post_hide'"), 1);
    /* one report of another post of the same author (3 reports before):
     * listed, marked repeated */
    int64_t id2 = publish(f, ORG_A, "offer", "en", "Bending", "Bending capacity.", "25", NULL);
    assert_int_equal(post_report(f->t.d, id2, 2, NULL, NULL, &fe, &n_reports), DB_OK);
    assert_int_equal(post_reported(f->t.d, &f->a, &items, &counts, &repeated, &n), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, id2);
    assert_int_equal(counts[0], 1);
    assert_true(repeated[0]);
    assert_int_equal(post_hide(f->t.d, id2, "Advertising", 3, NULL, NULL, &fe), DB_OK);

    /* members-only posts: listed only for members */
    const char *vis = "members";
    post_rec p = {.org_id = ORG_B,
                  .kind = "request",
                  .topic = "other",
                  .lang = "en",
                  .title = "Internal",
                  .body = "For members.",
                  .visibility = vis,
                  .valid_until = f->until};
    int64_t mid = 0;
    assert_int_equal(post_create(f->t.d, &p, 1, NULL, &fe, &mid), DB_OK);
    q.members = false;
    assert_int_equal(post_list(f->t.d, &f->a, &q, &items, &n, &more), DB_OK);
    assert_int_equal(n, 0);
    q.members = true;
    assert_int_equal(post_list(f->t.d, &f->a, &q, &items, &n, &more), DB_OK);
    assert_int_equal(n, 1);
}

static void test_list_keyset(void **state)
{
    fixture *f = *state;
    int64_t ids[5];
    for (int i = 0; i < 5; i++)
        ids[i] = publish(f, i % 2 ? ORG_B : ORG_C, i % 2 ? "offer" : "request", "en", "Post",
                         "Text", "26", NULL);
    post_query q = {.limit = 2};
    post_rec *items;
    size_t n;
    bool more;
    assert_int_equal(post_list(f->t.d, &f->a, &q, &items, &n, &more), DB_OK);
    assert_int_equal(n, 2);
    assert_true(more);
    assert_int_equal(items[0].id, ids[4]); /* one instant: ties by id, newest first */
    assert_int_equal(items[1].id, ids[3]);
    q.after_id = items[1].id;
    assert_int_equal(post_list(f->t.d, &f->a, &q, &items, &n, &more), DB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, ids[2]);
    q.after_id = items[1].id;
    assert_int_equal(post_list(f->t.d, &f->a, &q, &items, &n, &more), DB_OK);
    assert_int_equal(n, 1);
    assert_false(more);
    /* filters: kind, the author's cluster */
    post_query k = {.limit = 20, .kind = "offer"};
    assert_int_equal(post_list(f->t.d, &f->a, &k, &items, &n, &more), DB_OK);
    assert_int_equal(n, 2);
    post_query c = {.limit = 20, .cluster_id = K2};
    assert_int_equal(post_list(f->t.d, &f->a, &c, &items, &n, &more), DB_OK);
    assert_int_equal(n, 2); /* B's */
}

/* The board's facet counts on hand-made posts: each facet counts the open
 * posts matching the other filters; closed and members-only posts (for
 * the public) do not count; a cluster counts its own posts and its
 * members'; a board over POST_FACET_LIVE_MAX open posts is not counted. */
static void test_facet_counts(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    int64_t a1 = publish(f, ORG_A, "offer", "en", "Welding", "Welding cells.", "26", "R-VO");
    publish(f, ORG_A, "request", "en", "Software", "An ERP.", "62", "R-VO");
    publish(f, ORG_B, "offer", "en", "Firmware", "Embedded firmware.", "26", "R-JI");
    int64_t c1 = publish(f, ORG_C, "request", "en", "Castings", "Iron castings.", "26", NULL);
    publish(f, K1, "offer", "en", "Training", "Welder training.", "62", "R-VO");
    form_errors fe = {0};
    assert_int_equal(post_close(d, c1, "no_longer_needed", 1, NULL, &fe), DB_OK);

    post_facets fc;
    post_query all = {.members = true};
    assert_int_equal(post_facet_counts(d, &f->a, &all, &fc), DB_OK);
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "offer"), 3);
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "request"), 1); /* C's is closed */
    assert_int_equal(post_facet_count(&fc, POST_F_TOPIC, "technology"), 4);
    assert_int_equal(post_facet_count(&fc, POST_F_TOPIC, "export"), 0);
    assert_int_equal(fc.n[POST_F_TOPIC], 1); /* values without posts are left out */
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "26"), 2);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "62"), 2);
    assert_int_equal(post_facet_count(&fc, POST_F_GEO, "R-VO"), 3);
    assert_int_equal(post_facet_count(&fc, POST_F_GEO, "R-JI"), 1);
    assert_int_equal(post_facet_count(&fc, POST_F_CLUSTER, "k1"), 3); /* A's two and its own */
    assert_int_equal(post_facet_count(&fc, POST_F_CLUSTER, "k2"), 1);

    /* kind=offer: the kind facet still shows both; the others narrow */
    post_query offers = {.kind = "offer", .members = true};
    assert_int_equal(post_facet_counts(d, &f->a, &offers, &fc), DB_OK);
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "offer"), 3);
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "request"), 1);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "26"), 2);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "62"), 1);
    assert_int_equal(post_facet_count(&fc, POST_F_CLUSTER, "k1"), 2);
    assert_int_equal(post_facet_count(&fc, POST_F_CLUSTER, "k2"), 1);

    /* cluster k2 and sector 26 */
    post_query k2 = {.cluster_id = K2, .sector = "26", .members = true};
    assert_int_equal(post_facet_counts(d, &f->a, &k2, &fc), DB_OK);
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "offer"), 1);
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "request"), 0);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "26"), 1);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "62"), 0);
    assert_int_equal(post_facet_count(&fc, POST_F_CLUSTER, "k1"), 1); /* A's offer in 26 */
    assert_int_equal(post_facet_count(&fc, POST_F_CLUSTER, "k2"), 1);

    /* members-only posts count only for members; the counts agree with the list */
    post_rec a1r;
    bool found = false;
    assert_int_equal(post_get(d, &f->a, a1, &a1r, &found), DB_OK);
    assert_true(found);
    a1r.visibility = "members";
    assert_int_equal(post_update(d, &a1r, 1, NULL, &fe), DB_OK);
    post_query pub = {.members = false};
    assert_int_equal(post_facet_counts(d, &f->a, &pub, &fc), DB_OK);
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "offer"), 2);
    post_rec *items;
    size_t n;
    bool more;
    post_query list = {.kind = "offer", .limit = 100};
    assert_int_equal(post_list(d, &f->a, &list, &items, &n, &more), DB_OK);
    assert_int_equal(n, 2);
    for (int i = 0; i < POST_F__COUNT; i++)
        assert_true(fc.counted[i]);
    /* the stored counts agree with the live ones: the same board narrowed
     * to nothing but what every post has (org filter: counted live) */
    post_query mine = {.org_id = ORG_A, .members = true};
    assert_int_equal(post_facet_counts(d, &f->a, &mine, &fc), DB_OK);
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "offer"), 1);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "62"), 1);

    /* more than POST_FACET_LIVE_MAX posts under a filter counted live: that
     * facet shows no numbers; the stored ones (no such filter) still count */
    char big[600];
    snprintf(big, sizeof big,
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
             " INSERT INTO post(org_id, kind, topic, lang, title, body, valid_until, published_at,"
             " created_at, updated_at) SELECT %d, 'offer', 'technology', 'en', 'Bulk', 'Bulk',"
             " '%s', 0, 0, 0 FROM n",
             POST_FACET_LIVE_MAX + 1, ORG_C, f->until);
    assert_int_equal(db_exec(d, big), DB_OK);
    post_query far = {.org_id = ORG_C, .members = true};
    assert_int_equal(post_facet_counts(d, &f->a, &far, &fc), DB_OK);
    assert_false(fc.counted[POST_F_KIND]);
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "offer"), 0);
    post_query far_b = {.org_id = ORG_B, .members = true};
    assert_int_equal(post_facet_counts(d, &f->a, &far_b, &fc), DB_OK);
    assert_true(fc.counted[POST_F_KIND]);
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "offer"), 1);
}

/* A place includes what covers it and what lies in it (ref_district): a
 * region its districts and Serbia-wide posts, a district its region's and
 * Serbia-wide posts, a wide area only itself; the geo facet counts what
 * clicking gives, each post once. */
static void test_geo_includes(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    int64_t rs = publish(f, ORG_A, "offer", "en", "All Serbia", "Everywhere.", "26", "RS");
    int64_t vo = publish(f, ORG_A, "offer", "en", "Vojvodina", "The north.", "26", "R-VO");
    int64_t sb = publish(f, ORG_B, "offer", "en", "Novi Sad", "South Backa.", "26", "D-JUZNOBACKI");
    int64_t ji = publish(f, ORG_B, "offer", "en", "Nis", "The south.", "26", "R-JI");
    int64_t ni = publish(f, ORG_C, "offer", "en", "Nisava", "Nisava.", "26", "D-NISAVSKI");
    publish(f, ORG_C, "offer", "en", "Europe", "The EU.", "26", "EU");
    struct {
        const char *geo;
        int64_t want[4];
    } cases[] = {
        {"R-VO", {vo, sb, rs, 0}},
        {"D-JUZNOBACKI", {vo, sb, rs, 0}},
        {"D-SREMSKI", {vo, rs, 0, 0}}, /* no post of its own */
        {"R-JI", {ji, ni, rs, 0}},
        {"RS", {rs, 0, 0, 0}},
        {"EU", {0}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        post_query q = {.geo = cases[c].geo, .limit = 100, .members = true};
        post_rec *items;
        size_t n, want = 0;
        bool more;
        assert_int_equal(post_list(d, &f->a, &q, &items, &n, &more), DB_OK);
        while (want < 4 && cases[c].want[want])
            want++;
        if (strcmp(cases[c].geo, "EU") == 0)
            want = 1;
        else
            for (size_t i = 0; i < want; i++) {
                bool in = false;
                for (size_t k = 0; k < n; k++)
                    in = in || items[k].id == cases[c].want[i];
                assert_true(in);
            }
        assert_int_equal(n, want);
        /* the facet's number for this place is what the list gives */
        post_facets fc;
        post_query all = {.members = true};
        assert_int_equal(post_facet_counts(d, &f->a, &all, &fc), DB_OK);
        assert_true(fc.counted[POST_F_GEO]);
        assert_int_equal(post_facet_count(&fc, POST_F_GEO, cases[c].geo), (int64_t)want);
    }
    /* under another filter, counted live the same way */
    post_facets fc;
    post_query b = {.org_id = ORG_B, .members = true};
    assert_int_equal(post_facet_counts(d, &f->a, &b, &fc), DB_OK);
    assert_int_equal(post_facet_count(&fc, POST_F_GEO, "R-VO"), 1);
    assert_int_equal(post_facet_count(&fc, POST_F_GEO, "D-NISAVSKI"), 1);
    assert_int_equal(post_facet_count(&fc, POST_F_GEO, "RS"), 0);
}

/* Stored counts follow every writer (update of codes and kind, close,
 * hide) and expiry: a post past its valid_until stops counting the day
 * after, before the sweep (the readers' correction) and after it (the
 * rows themselves), and the sweep leaves the counts as they read. */
static void test_facet_stored_follow_writes(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    int64_t p1 = publish(f, ORG_A, "offer", "en", "Welding", "Welding cells.", "26", "R-VO");
    int64_t p2 = publish(f, ORG_B, "request", "en", "Firmware", "Firmware.", "62", "R-JI");
    post_facets fc;
    post_query all = {.members = true};
    assert_int_equal(post_facet_counts(d, &f->a, &all, &fc), DB_OK);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "26"), 1);
    assert_int_equal(post_facet_count(&fc, POST_F_CLUSTER, "k1"), 1);

    /* an update moves p1 from 26 to 62 and to a request */
    post_rec r;
    bool found = false;
    assert_int_equal(post_get(d, &f->a, p1, &r, &found), DB_OK);
    const char *n62[1] = {"62"};
    r.nace = n62;
    r.n_nace = 1;
    r.kind = "request";
    form_errors fe = {0};
    assert_int_equal(post_update(d, &r, 1, NULL, &fe), DB_OK);
    assert_int_equal(post_facet_counts(d, &f->a, &all, &fc), DB_OK);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "26"), 0);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "62"), 2);
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "request"), 2);
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "offer"), 0);

    /* closed and hidden posts leave the counts */
    assert_int_equal(post_close(d, p2, "found_partner", 1, NULL, &fe), DB_OK);
    assert_int_equal(post_facet_counts(d, &f->a, &all, &fc), DB_OK);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "62"), 1);
    assert_int_equal(post_hide(d, p1, "spam", 1, NULL, "http://127.0.0.1", &fe), DB_OK);
    assert_int_equal(post_facet_counts(d, &f->a, &all, &fc), DB_OK);
    assert_int_equal(fc.n[POST_F_SECTOR], 0);
    assert_int_equal(fc.n[POST_F_CLUSTER], 0);
    assert_int_equal(scalar(f, "SELECT coalesce(sum(n), 0) FROM post_facet_count"), 0);

    /* expiry: a post valid until tomorrow counts today, not the day after */
    int64_t p3 = publish(f, ORG_A, "offer", "en", "Short", "Short-lived.", "26", NULL);
    char tomorrow[11];
    time_t t = (time_t)time_now() + 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &tm);
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE post SET valid_until = '%s' WHERE id = %lld", tomorrow,
             (long long)p3); /* as if published so: its contribution is the same */
    assert_int_equal(db_exec(d, sql), DB_OK);
    assert_int_equal(post_facet_counts(d, &f->a, &all, &fc), DB_OK);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "26"), 1);
    int64_t now = time_now();
    time_set_now(now + 3 * 86400);
    assert_int_equal(post_facet_counts(d, &f->a, &all, &fc), DB_OK);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "26"), 0); /* the correction */
    assert_int_equal(scalar(f, "SELECT sum(n) FROM post_facet_count WHERE facet = 'kind'"), 1);
    assert_int_equal(post_facet_sweep(d), DB_OK);
    assert_int_equal(scalar(f, "SELECT coalesce(sum(n), 0) FROM post_facet_count"), 0);
    assert_int_equal(post_facet_counts(d, &f->a, &all, &fc), DB_OK);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "26"), 0);
    assert_int_equal(post_facet_sweep(d), DB_OK); /* twice: nothing more */
    assert_int_equal(scalar(f, "SELECT count(*) FROM post_facet_count WHERE n < 0"), 0);
    time_set_now(now);
}

/* Keyword search (post_query.text): folded like the directory search, so
 * Cyrillic finds Latin and back, each word a prefix, every word required,
 * with the other filters and the facet counts (live over the matches);
 * an update re-indexes, and post_search_fill indexes what a migration
 * found. post_text_valid refuses what cannot be searched. */
static void test_keyword_search(void **state)
{
    fixture *f = *state;
    db *d = f->t.d;
    assert_int_equal(post_text_valid(NULL), POST_TEXT_OK);
    assert_int_equal(post_text_valid(""), POST_TEXT_OK);
    assert_int_equal(post_text_valid("firmware"), POST_TEXT_OK);
    assert_int_equal(post_text_valid(" -- !? ..."), POST_TEXT_NO_WORDS);
    assert_int_equal(post_text_valid("… – → € «»"), POST_TEXT_NO_WORDS); /* not letters */
    assert_int_equal(post_text_valid("«Ниш»…"), POST_TEXT_OK);
    /* punctuation separates words, as for FTS5's tokenizer
     * (search_build_match): "«Ниш»" is the word nis */
    assert_string_equal(post_text_match(&f->a, "«Ниш» – firm…"), "\"nis\"* \"firm\"*");
    char long_q[POST_TEXT_MAX + 2];
    memset(long_q, 'a', sizeof long_q - 1);
    long_q[sizeof long_q - 1] = '\0';
    assert_int_equal(post_text_valid(long_q), POST_TEXT_TOO_LONG);

    int64_t cyr = publish(f, ORG_A, "request", "sr-Cyrl", "Фирмвер за сензоре",
                          "Тражимо партнера у Нишу за уграђени фирмвер.", "26", NULL);
    int64_t lat = publish(f, ORG_B, "offer", "sr-Latn", "Embedded firmware",
                          "Razvoj firmvera, Niš i okolina.", "62", NULL);
    int64_t weld =
        publish(f, ORG_C, "offer", "en", "Welding", "Robotic welding cells.", "26", NULL);
    post_rec *items;
    size_t n;
    bool more;
    struct {
        const char *q;
        int64_t first, second;
    } cases[] = {
        {"Niš", lat, cyr},        /* both scripts, with the diacritic */
        {"Ниш", lat, cyr},        /* Cyrillic finds the Latin post */
        {"nis", lat, cyr},        /* plain ASCII */
        {"FIRMV", lat, cyr},      /* a prefix, any case */
        {"фирмвер сенз", cyr, 0}, /* every word required */
        {"embedded", lat, 0},
        {"welding robot", weld, 0}, /* "robot" is a prefix of "robotic" */
        {"welding firmware", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        post_query q = {.text = cases[i].q, .limit = 20, .members = true};
        assert_int_equal(post_list(d, &f->a, &q, &items, &n, &more), DB_OK);
        size_t want = cases[i].first ? (cases[i].second ? 2 : 1) : 0;
        assert_int_equal(n, want);
        if (cases[i].first)
            assert_int_equal(items[0].id, cases[i].first); /* newest first */
        if (cases[i].second)
            assert_int_equal(items[1].id, cases[i].second);
    }
    /* with the other filters: the cluster of B (K2) and the sector */
    post_query k2 = {.text = "nis", .cluster_id = K2, .limit = 20};
    assert_int_equal(post_list(d, &f->a, &k2, &items, &n, &more), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, lat);
    post_query s26 = {.text = "nis", .sector = "26", .limit = 20, .sort = POST_SORT_CLOSING};
    assert_int_equal(post_list(d, &f->a, &s26, &items, &n, &more), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, cyr);
    /* facets: counted live over the matching posts */
    post_facets fc;
    post_query fq = {.text = "niš", .members = true};
    assert_int_equal(post_facet_counts(d, &f->a, &fq, &fc), DB_OK);
    for (int i = 0; i < POST_F__COUNT; i++)
        assert_true(fc.counted[i]);
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "offer"), 1); /* not the welding one */
    assert_int_equal(post_facet_count(&fc, POST_F_KIND, "request"), 1);
    assert_int_equal(post_facet_count(&fc, POST_F_SECTOR, "26"), 1);
    assert_int_equal(post_facet_count(&fc, POST_F_CLUSTER, "k1"), 1);
    assert_int_equal(post_facet_count(&fc, POST_F_CLUSTER, "k2"), 1);

    /* an update re-indexes: the old words no longer find it */
    post_rec r;
    bool found = false;
    assert_int_equal(post_get(d, &f->a, lat, &r, &found), DB_OK);
    r.title = "Printed circuit boards";
    r.body = "Small series, Subotica.";
    form_errors fe = {0};
    assert_int_equal(post_update(d, &r, 1, NULL, &fe), DB_OK);
    post_query q = {.text = "firmware", .limit = 20};
    assert_int_equal(post_list(d, &f->a, &q, &items, &n, &more), DB_OK);
    assert_int_equal(n, 0); /* the Cyrillic post says "фирмвер", not "firmware" */
    q.text = "Суботица";
    assert_int_equal(post_list(d, &f->a, &q, &items, &n, &more), DB_OK);
    assert_int_equal(n, 1);

    /* posts a migration found are indexed by post_search_fill, once */
    assert_int_equal(db_exec(d, "DELETE FROM post_fts"), DB_OK);
    assert_int_equal(post_list(d, &f->a, &q, &items, &n, &more), DB_OK);
    assert_int_equal(n, 0);
    int64_t filled = -1;
    assert_int_equal(post_search_fill(d, &filled), DB_OK);
    assert_int_equal(filled, 0); /* no mark: nothing to do */
    assert_int_equal(db_exec(d, "INSERT INTO app_meta(key, value, updated_at)"
                                " VALUES ('post_fts_fill', '1', 0)"),
                     DB_OK);
    assert_int_equal(post_search_fill(d, &filled), DB_OK);
    assert_int_equal(filled, 3);
    assert_int_equal(scalar(f, "SELECT count(*) FROM app_meta WHERE key = 'post_fts_fill'"), 0);
    assert_int_equal(post_list(d, &f->a, &q, &items, &n, &more), DB_OK);
    assert_int_equal(n, 1);
    q.text = "ниш";
    assert_int_equal(post_list(d, &f->a, &q, &items, &n, &more), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, cyr);
}

int main(void)
{
    if (i18n_init() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_function),
        cmocka_unit_test_setup_teardown(test_words_fold_across_scripts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ranking_and_reasons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hide_report_visibility, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_keyset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_facet_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_geo_includes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_facet_stored_follow_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyword_search, setup, teardown),
    };
    return cmocka_run_group_tests_name("post", tests, NULL, NULL);
}
