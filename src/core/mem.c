/* mem.c: allocator wrappers with optional fault injection (see mem.h). */
#include "core/mem.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local long fail_countdown = -1;
static _Thread_local bool fail_once; /* the fault is one allocation only */
static _Thread_local unsigned long fail_count;

static int should_fail(void)
{
    if (fail_countdown < 0)
        return 0;
    if (fail_countdown == 0) {
        fail_count++;
        if (fail_once)
            fail_countdown = -1;
        return 1;
    }
    fail_countdown--;
    return 0;
}

/* Counts a real failure too, so a caller can tell that something in its
 * unit of work ran out of memory, whoever checked. */
static void *counted(void *p)
{
    if (!p)
        fail_count++;
    return p;
}

void mem_fail_after(long n)
{
    fail_countdown = n;
    fail_once = false;
}

void mem_fail_once(long n)
{
    fail_countdown = n;
    fail_once = true;
}

unsigned long mem_failures(void)
{
    return fail_count;
}

mem_fault_hold mem_fault_pause(void)
{
    mem_fault_hold h = {.countdown = fail_countdown, .once = fail_once};
    fail_countdown = -1;
    return h;
}

void mem_fault_resume(mem_fault_hold h)
{
    fail_countdown = h.countdown;
    fail_once = h.once != 0;
}

void *mem_malloc(size_t n)
{
    return should_fail() ? NULL : counted(malloc(n ? n : 1));
}

void *mem_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : counted(calloc(n ? n : 1, size ? size : 1));
}

void *mem_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : counted(realloc(p, n ? n : 1));
}

void mem_free(void *p)
{
    free(p);
}

char *mem_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = mem_malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *mem_strdup(const char *s)
{
    return s ? mem_strndup(s, strlen(s)) : NULL;
}
