/* test_mem.c: making pages present ahead of use (mem_populate and the
 * prefault thread of a bulk import). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static size_t page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

/* How many of the n pages from the page-aligned p are present. */
static size_t pages_present(const void *p, size_t n)
{
    unsigned char v[4096];
    assert_true(n <= sizeof v);
    assert_int_equal(mincore((void *)p, n * page_size(), v), 0);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += v[i] & 1;
    return k;
}

/* The whole pages inside the range become present; what they held stays,
 * and the pages nobody wrote still read as zeros. */
static void test_populate_keeps_bytes(void **state)
{
    (void)state;
    size_t pg = page_size(), n = 64;
    unsigned char *p =
        mmap(NULL, n * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(p != MAP_FAILED);
    for (size_t i = 0; i < 10 * pg; i++)
        p[i] = (unsigned char)(i * 7 + 1);
    assert_int_equal(pages_present(p + 10 * pg, n - 10), 0);
    /* from inside page 0 to inside page 63: pages 1 to 62 */
    assert_int_equal(mem_populate(p + 1, n * pg - 2), (n - 2) * pg);
    assert_int_equal(pages_present(p + pg, n - 2), n - 2);
    assert_int_equal(pages_present(p + (n - 1) * pg, 1), 0);
    for (size_t i = 0; i < 10 * pg; i++)
        assert_int_equal(p[i], (unsigned char)(i * 7 + 1));
    for (size_t i = 10 * pg; i < (n - 1) * pg; i++)
        assert_int_equal(p[i], 0);
    /* a range holding no whole page, and no range */
    assert_int_equal(mem_populate(p + 1, pg - 2), 0);
    assert_int_equal(mem_populate(NULL, 0), 0);
    assert_int_equal(munmap(p, n * pg), 0);
}

/* Whether every page of [p, p + n pages) is present within 5 s. */
static bool present_soon(const void *p, size_t n)
{
    for (int i = 0; i < 500; i++) {
        if (pages_present(p, n) == n)
            return true;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

/* When the heap grows, the thread makes its new pages present before
 * anything writes them. Under AddressSanitizer malloc never moves the
 * program break, so the test moves it itself; with glibc's malloc it
 * allocates until the heap grows (by the 64 MiB of extra the thread has
 * malloc take each time), and looks at pages nobody wrote. */
static void test_prefault_prepares_heap_growth(void **state)
{
    (void)state;
    size_t pg = page_size(), n = 1024;        /* pages looked at: 4 MiB */
    assert_int_equal(mem_prefault_stop(), 0); /* none running */
    assert_true(mem_prefault_start());
    assert_false(mem_prefault_start()); /* one at a time */
    char *start = sbrk(0);
    assert_true(start != (void *)-1);
#ifdef UNDER_ASAN
    assert_true(sbrk((intptr_t)(n * pg + 2 * pg)) == start);
    char *look = (char *)(((uintptr_t)start + pg - 1) & ~(uintptr_t)(pg - 1));
#else
    void *blocks[4096];
    size_t nb = 0;
    while (sbrk(0) == start && nb < sizeof blocks / sizeof *blocks)
        assert_non_null(blocks[nb++] = mem_malloc(16 * 1024));
    char *end = sbrk(0);
    assert_true(end - start >= (ptrdiff_t)(n * pg + 2 * pg)); /* grown by the extra */
    char *look = (char *)(((uintptr_t)end - n * pg - pg) & ~(uintptr_t)(pg - 1));
#endif
    assert_true(present_soon(look, n));
    assert_true(mem_prefault_stop() >= n * pg);
    assert_int_equal(mem_prefault_stop(), 0); /* stopped */
#ifdef UNDER_ASAN
    assert_true(sbrk(-(intptr_t)(n * pg + 2 * pg)) != (void *)-1);
    assert_true(sbrk(0) == start);
#else
    for (size_t i = 0; i < nb; i++)
        mem_free(blocks[i]);
#endif
    /* and it starts again */
    assert_true(mem_prefault_start());
    assert_int_equal(mem_prefault_stop() % pg, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_populate_keeps_bytes),
        cmocka_unit_test(test_prefault_prepares_heap_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
