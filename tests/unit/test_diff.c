/* test_diff.c: the word-level diff (core/diff): pieces on hand-made
 * texts, and on random ones that joining the pieces gives both texts
 * back and that the unchanged part is a longest common one when the
 * texts are small enough to check by dynamic programming. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/diff.h"

/* The pieces as text: "=same" "-del" "+ins" joined by '|'. */
static const char *show(arena *a, const char *x, const char *y)
{
    diff_piece *p;
    size_t n;
    assert_true(diff_words(a, x, strlen(x), y, strlen(y), &p, &n));
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, '|');
        buf_putc(&b, "=-+"[p[i].kind]);
        buf_append(&b, p[i].s, p[i].n);
    }
    char *s = arena_alloc(a, b.len + 1);
    memcpy(s, buf_str(&b), b.len + 1);
    buf_free(&b);
    return s;
}

static void test_words(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    assert_string_equal(show(&a, "", ""), "");
    assert_string_equal(show(&a, "same text", "same text"), "=same text");
    assert_string_equal(show(&a, "", "new"), "+new");
    assert_string_equal(show(&a, "old", ""), "-old");
    assert_string_equal(show(&a, "the tax rate is 20%", "the tax rate is 15%"),
                        "=the tax rate is |-20|+15|=%");
    assert_string_equal(show(&a, "we ask the ministry", "we kindly ask the ministry"),
                        "=we |+kindly |=ask the ministry");
    /* Cyrillic words are words; a changed one is replaced whole */
    assert_string_equal(show(&a, "Порез на добит", "Порез на доходак"),
                        "=Порез на |-добит|+доходак");
    /* white space alone between changes joins them */
    assert_string_equal(show(&a, "a b c d", "a x y d"), "=a |-b c|+x y|= d");
    /* punctuation is its own token */
    assert_string_equal(show(&a, "yes, now.", "yes; now."), "=yes|-,|+;|= now.");
    arena_free(&a);
}

/* Longest common subsequence length of token-free byte strings, by DP,
 * to check that the diff keeps as much unchanged as possible when every
 * token is one byte (letters separated by nothing are one token, so the
 * random texts below use one-byte tokens: punctuation characters). */
static size_t lcs(const char *x, size_t n, const char *y, size_t m)
{
    size_t *row = calloc((m + 1) * 2, sizeof *row);
    for (size_t i = 1; i <= n; i++) {
        size_t *cur = row + (i % 2) * (m + 1), *prev = row + ((i + 1) % 2) * (m + 1);
        for (size_t j = 1; j <= m; j++)
            cur[j] = x[i - 1] == y[j - 1]   ? prev[j - 1] + 1
                     : prev[j] > cur[j - 1] ? prev[j]
                                            : cur[j - 1];
    }
    size_t r = row[(n % 2) * (m + 1) + m];
    free(row);
    return r;
}

static void test_random(void **state)
{
    (void)state;
    srand(7);
    for (int round = 0; round < 300; round++) {
        arena a = ARENA_INIT;
        char x[64], y[64];
        size_t n = (size_t)(rand() % 40), m = (size_t)(rand() % 40);
        for (size_t i = 0; i < n; i++)
            x[i] = ".,;:!?"[rand() % 6];
        for (size_t i = 0; i < m; i++)
            y[i] = i < n && rand() % 3 ? x[i] : ".,;:!?"[rand() % 6];
        diff_piece *p;
        size_t k;
        assert_true(diff_words(&a, x, n, y, m, &p, &k));
        buf ra = BUF_INIT, rb = BUF_INIT;
        size_t kept = 0;
        for (size_t i = 0; i < k; i++) {
            if (p[i].kind != DIFF_INS)
                buf_append(&ra, p[i].s, p[i].n);
            if (p[i].kind != DIFF_DEL)
                buf_append(&rb, p[i].s, p[i].n);
            if (p[i].kind == DIFF_SAME)
                kept += p[i].n;
            if (i)
                assert_true(p[i].kind != p[i - 1].kind || p[i].kind != DIFF_SAME);
        }
        assert_int_equal(ra.len, n);
        assert_int_equal(rb.len, m);
        assert_memory_equal(buf_str(&ra), x, n);
        assert_memory_equal(buf_str(&rb), y, m);
        assert_int_equal(kept, lcs(x, n, y, m));
        buf_free(&ra);
        buf_free(&rb);
        arena_free(&a);
    }
}

static void test_too_different(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    size_t n = 3 * DIFF_MAX_EDITS;
    char *x = malloc(n), *y = malloc(n);
    for (size_t i = 0; i < n; i++)
        x[i] = '.', y[i] = ',';
    memcpy(x, "start ", 6), memcpy(y, "start ", 6);
    diff_piece *p;
    size_t k;
    assert_true(diff_words(&a, x, n, y, n, &p, &k));
    assert_int_equal(k, 3); /* the common start, then the rest as one replacement */
    assert_int_equal(p[0].kind, DIFF_SAME);
    assert_int_equal(p[0].n, 6);
    assert_int_equal(p[1].kind, DIFF_DEL);
    assert_int_equal(p[1].n, n - 6);
    assert_int_equal(p[2].kind, DIFF_INS);
    free(x);
    free(y);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_too_different),
    };
    return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
