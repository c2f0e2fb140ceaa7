/* test_web_org.c: the directory pages' pure helpers: html_highlight()
 * (search words marked in any script, everything escaped) and the page
 * cache (hits, version misses, replacement, LRU eviction, copies). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "web/page_cache.h"
#include "web/web_org.h"

static void check_hl(const char *text, const char *query, const char *want)
{
    buf b = BUF_INIT;
    html_highlight(&b, text, query);
    assert_false(buf_failed(&b));
    assert_string_equal(buf_str(&b), want);
    buf_free(&b);
}

static void test_highlight_any_script(void **state)
{
    check_hl("Нишки кластер", "Niš", "<mark>Нишки</mark> кластер");
    check_hl("Нишки кластер", "nis", "<mark>Нишки</mark> кластер");
    check_hl("Нишки кластер", "НИШ", "<mark>Нишки</mark> кластер");
    check_hl("Niš Cluster of Advanced Technologies", "nis adv",
             "<mark>Niš</mark> Cluster of <mark>Advanced</mark> Technologies");
    check_hl("Đorđe i Djordje", "dorde", "<mark>Đorđe</mark> i <mark>Djordje</mark>");
    /* a word is marked only when it starts with a query word */
    check_hl("Vojvodina ICT", "odina", "Vojvodina ICT");
    check_hl("Kragujevac, Šumadija", "šum kra", "<mark>Kragujevac</mark>, <mark>Šumadija</mark>");
}

static void test_highlight_escapes(void **state)
{
    check_hl("<b>Tom & Jerry</b>", "tom", "&lt;b&gt;<mark>Tom</mark> &amp; Jerry&lt;/b&gt;");
    check_hl("Tom's \"<script>\"", "script", "Tom&#39;s &quot;&lt;<mark>script</mark>&gt;&quot;");
}

static void test_highlight_edge_cases(void **state)
{
    check_hl("Nothing here", NULL, "Nothing here");
    check_hl("Nothing here", "", "Nothing here");
    check_hl("Nothing here", "!!! ???", "Nothing here");
    check_hl("", "abc", "");
    buf b = BUF_INIT;
    html_highlight(&b, NULL, "abc");
    assert_int_equal(b.len, 0);
    buf_free(&b);
}

static void test_cache_hit_version_and_copy(void **state)
{
    page_cache_clear();
    arena a = ARENA_INIT;
    buf out = BUF_INIT;
    const char *ct = NULL, *etag = NULL;
    assert_false(page_cache_get("k1", 1, &a, &out, &ct, &etag));
    page_cache_put("k1", 1, "text/html; charset=utf-8", "<p>one</p>", 10);
    assert_true(page_cache_get("k1", 1, &a, &out, &ct, &etag));
    assert_string_equal(buf_str(&out), "<p>one</p>");
    assert_string_equal(ct, "text/html; charset=utf-8");
    assert_int_equal(strlen(etag), 24);
    /* another version misses and drops the entry */
    buf_reset(&out);
    assert_false(page_cache_get("k1", 2, &a, &out, &ct, &etag));
    assert_int_equal(out.len, 0);
    assert_false(page_cache_get("k1", 1, &a, &out, &ct, &etag));
    /* a put replaces the entry of the same key */
    page_cache_put("k1", 2, "text/plain", "a", 1);
    page_cache_put("k1", 2, "text/plain", "bb", 2);
    assert_true(page_cache_get("k1", 2, &a, &out, &ct, &etag));
    assert_string_equal(buf_str(&out), "bb");
    size_t entries = 0;
    page_cache_stats(NULL, NULL, &entries, NULL);
    assert_int_equal(entries, 1);
    buf_free(&out);
    arena_free(&a);
}

static void test_cache_evicts_least_recently_used(void **state)
{
    page_cache_clear();
    arena a = ARENA_INIT;
    buf out = BUF_INIT;
    const char *ct, *etag;
    char key[32];
    for (int i = 0; i < PAGE_CACHE_MAX_ENTRIES; i++) {
        snprintf(key, sizeof key, "page-%d", i);
        page_cache_put(key, 7, "text/html", key, strlen(key));
    }
    /* touch the oldest, then one more entry evicts the second oldest */
    assert_true(page_cache_get("page-0", 7, &a, &out, &ct, &etag));
    page_cache_put("one-more", 7, "text/html", "x", 1);
    size_t entries = 0;
    page_cache_stats(NULL, NULL, &entries, NULL);
    assert_int_equal(entries, PAGE_CACHE_MAX_ENTRIES);
    assert_true(page_cache_get("page-0", 7, &a, &out, &ct, &etag));
    assert_false(page_cache_get("page-1", 7, &a, &out, &ct, &etag));
    assert_true(page_cache_get("page-2", 7, &a, &out, &ct, &etag));
    assert_true(page_cache_get("one-more", 7, &a, &out, &ct, &etag));
    page_cache_shutdown();
    page_cache_stats(NULL, NULL, &entries, NULL);
    assert_int_equal(entries, 0);
    buf_free(&out);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_highlight_any_script),
        cmocka_unit_test(test_highlight_escapes),
        cmocka_unit_test(test_highlight_edge_cases),
        cmocka_unit_test(test_cache_hit_version_and_copy),
        cmocka_unit_test(test_cache_evicts_least_recently_used),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
