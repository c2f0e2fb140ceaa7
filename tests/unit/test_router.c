/* test_router.c: pattern matching, parameters, 404 versus 405. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/router.h"

static void test_patterns(void **state)
{
    assert_true(router_pattern_matches("/", "/"));
    assert_false(router_pattern_matches("/", "/x"));
    assert_true(router_pattern_matches("/orgs/{slug}", "/orgs/voict"));
    assert_false(router_pattern_matches("/orgs/{slug}", "/orgs/"));
    assert_false(router_pattern_matches("/orgs/{slug}", "/orgs/voict/"));
    assert_false(router_pattern_matches("/orgs/{slug}", "/orgs/a/b"));
    assert_true(router_pattern_matches("/orgs/{slug}/history", "/orgs/x/history"));
    assert_false(router_pattern_matches("/orgs/{slug}/history", "/orgs/x/historyx"));
    assert_false(router_pattern_matches("/orgs", "/orgsx"));
    assert_false(router_pattern_matches("/orgs", "/org"));
}

static void test_match_table(void **state)
{
    arena a = ARENA_INIT;
    req r = {.a = &a};
    const route *rt = NULL;
    unsigned allowed = 0;
    assert_int_equal(router_match(&r, HTTP_GET, "/", &rt, &allowed), ROUTE_FOUND);
    assert_string_equal(rt->pattern, "/");
    /* HEAD is answered by GET routes */
    assert_int_equal(router_match(&r, HTTP_HEAD, "/healthz", &rt, &allowed), ROUTE_FOUND);
    assert_int_equal(router_match(&r, HTTP_POST, "/", &rt, &allowed), ROUTE_BAD_METHOD);
    assert_true(allowed & HTTP_GET);
    assert_true(allowed & HTTP_HEAD);
    assert_false(allowed & HTTP_POST);
    buf b = BUF_INIT;
    router_allow_text(&b, allowed);
    assert_string_equal(buf_str(&b), "GET, HEAD");
    buf_free(&b);
    assert_int_equal(router_match(&r, HTTP_GET, "/no/such/page", &rt, &allowed), ROUTE_NOT_FOUND);
    assert_int_equal(router_match(&r, HTTP_GET, "/assets/css/scan.abc.css", &rt, &allowed),
                     ROUTE_FOUND);
    assert_int_equal(r.n_params, 2);
    assert_string_equal(req_param(&r, "dir"), "css");
    assert_string_equal(req_param(&r, "file"), "scan.abc.css");
    assert_null(req_param(&r, "nope"));
    arena_free(&a);
}

static void test_table_is_sane(void **state)
{
    /* every pattern starts with '/', no two rows share method and pattern */
    for (size_t i = 0; i < n_routes; i++) {
        assert_int_equal(routes[i].pattern[0], '/');
        assert_non_null(routes[i].fn);
        assert_non_null(routes[i].summary);
        for (size_t j = i + 1; j < n_routes; j++)
            assert_false(routes[i].method == routes[j].method &&
                         strcmp(routes[i].pattern, routes[j].pattern) == 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_match_table),
        cmocka_unit_test(test_table_is_sane),
    };
    return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
