/* test_arena.c: the request arena: alignment, big blocks, strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/arena.h"
#include "core/mem.h"

static void test_alignment_and_reuse(void **state)
{
    arena a = ARENA_INIT;
    for (int i = 1; i < 200; i++) {
        void *p = arena_alloc(&a, (size_t)i);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xab, (size_t)i);
    }
    assert_true(a.used_total >= 199 * 100 / 2);
    arena_free(&a);
    assert_null(a.head);
    assert_non_null(arena_alloc(&a, 10)); /* reusable after free */
    arena_free(&a);
}

static void test_big_allocations_keep_small_block(void **state)
{
    arena a = ARENA_INIT;
    char *small1 = arena_strdup(&a, "first");
    char *big = arena_alloc(&a, 100000);
    assert_non_null(big);
    memset(big, 1, 100000);
    char *small2 = arena_strdup(&a, "second");
    assert_string_equal(small1, "first");
    assert_string_equal(small2, "second");
    arena_free(&a);
}

static void test_strings(void **state)
{
    arena a = ARENA_INIT;
    assert_null(arena_strdup(&a, NULL));
    assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
    assert_string_equal(arena_printf(&a, "%s-%d", "x", 42), "x-42");
    char *z = arena_zalloc(&a, 64);
    for (int i = 0; i < 64; i++)
        assert_int_equal(z[i], 0);
    arena_free(&a);
}

static void test_oom(void **state)
{
    arena a = ARENA_INIT;
    mem_fail_after(0);
    assert_null(arena_alloc(&a, 10));
    assert_null(arena_printf(&a, "%d", 1));
    mem_fail_after(-1);
    assert_non_null(arena_alloc(&a, 10));
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alignment_and_reuse),
        cmocka_unit_test(test_big_allocations_keep_small_block),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
