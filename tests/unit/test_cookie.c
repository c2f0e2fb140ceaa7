/* test_cookie.c: unit tests for src/http/cookie.c, Cookie header lookup and
 * Set-Cookie building. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/cookie.h"

/* --- cookie_get ---------------------------------------------------------- */

static void test_get_several(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    const char *h = "lang=sr-Cyrl; sid=abc123;theme=dark ;  empty=; last=x";
    assert_string_equal(cookie_get(&a, h, "lang"), "sr-Cyrl");
    assert_string_equal(cookie_get(&a, h, "sid"), "abc123");
    assert_string_equal(cookie_get(&a, h, "theme"), "dark");
    assert_string_equal(cookie_get(&a, h, "empty"), "");
    assert_string_equal(cookie_get(&a, h, "last"), "x");
    assert_null(cookie_get(&a, h, "missing"));
    assert_null(cookie_get(&a, h, "Sid"));    /* names are case-sensitive */
    assert_null(cookie_get(&a, h, "si"));     /* no prefix matches */
    assert_null(cookie_get(&a, h, "abc123")); /* values are not names */
    assert_null(cookie_get(&a, "", "sid"));
    assert_null(cookie_get(&a, NULL, "sid"));
    /* the first occurrence wins */
    assert_string_equal(cookie_get(&a, "a=1; a=2", "a"), "1");
    /* a value may hold '=' */
    assert_string_equal(cookie_get(&a, "t=YWJj==; u=1", "t"), "YWJj==");
    /* the __Host- form is looked up by its full name */
    assert_string_equal(cookie_get(&a, "__Host-sid=s1; sid=s2", "__Host-sid"), "s1");
    arena_free(&a);
}

static void test_get_quotes_and_spaces(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    assert_string_equal(cookie_get(&a, "q=\"quoted\"; r=1", "q"), "quoted");
    assert_string_equal(cookie_get(&a, "q=\"\"", "q"), "");
    assert_string_equal(cookie_get(&a, "  q  =  v1  ;r=2", "q"), "v1");
    assert_string_equal(cookie_get(&a, "\tq=v\t", "q"), "v");
    assert_null(cookie_get(&a, "q=\"unterminated", "q"));
    assert_null(cookie_get(&a, "q=\"", "q"));
    assert_null(cookie_get(&a, "q=a\"b\"", "q"));
    arena_free(&a);
}

static void test_get_malformed(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    /* junk around the wanted cookie is skipped */
    const char *h = ";;novalue; =x; bad name=1; weird=\xc3\xa9; sid=ok;;";
    assert_string_equal(cookie_get(&a, h, "sid"), "ok");
    assert_null(cookie_get(&a, h, "novalue"));
    /* the wanted cookie must hold cookie-octets only */
    assert_null(cookie_get(&a, "sid=a b", "sid"));
    assert_null(cookie_get(&a, "sid=a,b", "sid"));
    assert_null(cookie_get(&a, "sid=a\\b", "sid"));
    assert_null(cookie_get(&a, "sid=\xc3\xa9", "sid"));
    assert_null(cookie_get(&a, "sid=bad value; sid=good", "sid"));
    /* control characters make the whole header malformed */
    assert_null(cookie_get(&a, "sid=ok; x=\x01", "sid"));
    assert_null(cookie_get(&a, "sid=ok\r\nSet-Cookie: x=1", "sid"));
    assert_null(cookie_get(&a, "sid=ok; x=\x7f", "sid"));
    /* names that are not tokens are never found */
    assert_null(cookie_get(&a, "a b=1", "a b"));
    assert_null(cookie_get(&a, "=1", ""));
    assert_null(cookie_get(&a, "a;b=1", "a;b"));
    assert_null(cookie_get(&a, "x(=1", "x("));
    arena_free(&a);
}

/* --- cookie_build ---------------------------------------------------------- */

static void assert_built(const char *name, const char *value, const cookie_opts *o,
                         const char *want)
{
    buf b = BUF_INIT;
    assert_true(cookie_build(&b, name, value, o));
    assert_string_equal(buf_str(&b), want);
    buf_free(&b);
}

static void assert_refused(const char *name, const char *value, const cookie_opts *o)
{
    buf b = BUF_INIT;
    buf_puts(&b, "keep");
    assert_false(cookie_build(&b, name, value, o));
    assert_string_equal(buf_str(&b), "keep"); /* nothing appended */
    buf_free(&b);
}

static void test_build(void **state)
{
    (void)state;
    cookie_opts plain = {0};
    assert_built("lang", "sr-Latn", &plain, "lang=sr-Latn; Path=/");
    assert_built("lang", "sr-Latn", NULL, "lang=sr-Latn; Path=/");

    cookie_opts sess = {.http_only = true, .secure = false, .same_site = "Lax", .max_age = 3600};
    assert_built("sid", "abc", &sess, "sid=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax");

    cookie_opts sec = {.http_only = true, .secure = true, .same_site = "Strict", .max_age = 0};
    assert_built("sid", "abc", &sec, "__Host-sid=abc; Path=/; Secure; HttpOnly; SameSite=Strict");

    cookie_opts none = {.secure = true, .same_site = "None"};
    assert_built("x", "1", &none, "__Host-x=1; Path=/; Secure; SameSite=None");
    cookie_opts none_insecure = {.same_site = "None"};
    assert_refused("x", "1", &none_insecure);
    cookie_opts odd = {.same_site = "lax"};
    assert_refused("x", "1", &odd);

    /* every cookie-octet is allowed */
    assert_built("all", "!#$%&'()*+-./0123456789:<=>?@AZ[]^_`az{|}~", NULL,
                 "all=!#$%&'()*+-./0123456789:<=>?@AZ[]^_`az{|}~; Path=/");
}

static void test_build_delete(void **state)
{
    (void)state;
    cookie_opts del = {.http_only = true, .max_age = -1};
    assert_built("sid", "", &del,
                 "sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly");
    assert_built("sid", NULL, &del,
                 "sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly");
    cookie_opts del_sec = {.secure = true, .same_site = "Lax", .max_age = INT64_MIN};
    assert_built("sid", "", &del_sec,
                 "__Host-sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; "
                 "SameSite=Lax");
}

static void test_build_refused(void **state)
{
    (void)state;
    cookie_opts o = {.http_only = true};
    assert_refused("sid", "a;b", &o);
    assert_refused("sid", "a b", &o);
    assert_refused("sid", "a,b", &o);
    assert_refused("sid", "a\"b", &o);
    assert_refused("sid", "a\\b", &o);
    assert_refused("sid", "a\r\nSet-Cookie: x=1", &o);
    assert_refused("sid", "\xc3\xa9", &o);
    assert_refused("", "v", &o);
    assert_refused("s id", "v", &o);
    assert_refused("s=id", "v", &o);
    assert_refused("s;id", "v", &o);
    assert_refused("__Host-sid", "v", &o);
    assert_refused("__secure-sid", "v", &o);

    /* name plus value above 4096 bytes */
    char big[4100];
    memset(big, 'v', 4093);
    big[4093] = '\0';
    buf b = BUF_INIT;
    assert_true(cookie_build(&b, "abc", big, NULL)); /* exactly 4096 */
    assert_int_equal(b.len, strlen("abc=") + 4093 + strlen("; Path=/"));
    buf_free(&b);
    cookie_opts sec = {.secure = true};
    assert_refused("abc", big, &sec); /* the __Host- prefix counts */
    big[4093] = 'v';
    big[4094] = '\0';
    assert_refused("abc", big, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_several),   cmocka_unit_test(test_get_quotes_and_spaces),
        cmocka_unit_test(test_get_malformed), cmocka_unit_test(test_build),
        cmocka_unit_test(test_build_delete),  cmocka_unit_test(test_build_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
