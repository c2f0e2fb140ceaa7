/* mem.c: allocator wrappers with optional fault injection (see mem.h). */
#include "core/mem.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__GLIBC__) && defined(__linux__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#define MEM_PREFAULT 1
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older headers lack the name */
#endif
#endif

#include "core/timeutil.h" /* with mem.c in every fuzz target (Makefile's FUZZ_CORE) */

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

/* ---- prefaulting (mem.h) ---------------------------------------------------------------- */

#ifdef MEM_PREFAULT

#define PREFAULT_PAD  (64 << 20) /* the heap grows by this much more each time */
#define PREFAULT_STEP (4 << 20)  /* made present per call, so a stop waits little */

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* signalled by mem_prefault_stop; waits on CLOCK_MONOTONIC */
    pthread_t th;
    bool running, stop;
    uintptr_t from; /* the heap's end at the start: below it is malloc's already */
    atomic_size_t bytes;
} g_pf = {.mu = PTHREAD_MUTEX_INITIALIZER};

size_t mem_populate(void *p, size_t n)
{
    uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)p + pg - 1) & ~(pg - 1), b = ((uintptr_t)p + n) & ~(pg - 1);
    if (!p || b <= a)
        return 0;
    return madvise((void *)a, b - a, MADV_POPULATE_WRITE) == 0 ? (size_t)(b - a) : 0;
}

/* The end of the heap (the program break), page aligned down. sbrk(0)
 * only reads it; malloc moves it on another thread meanwhile, and a page
 * below a break just read may be given back by the time it is prepared:
 * madvise then fails on it, harmlessly. */
static uintptr_t heap_end(uintptr_t pg)
{
    void *end = sbrk(0);
    return end == (void *)-1 ? 0 : (uintptr_t)end & ~(pg - 1);
}

static void *prefault_main(void *arg)
{
    (void)arg;
    uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
    pthread_mutex_lock(&g_pf.mu);
    uintptr_t done = g_pf.from;
    while (!g_pf.stop && done) {
        uintptr_t end = heap_end(pg);
        if (end < done) /* the heap shrank: what grows again is new */
            done = end;
        if (end > done) {
            size_t n = end - done < PREFAULT_STEP ? (size_t)(end - done) : PREFAULT_STEP;
            pthread_mutex_unlock(&g_pf.mu);
            size_t got = mem_populate((void *)done, n);
            int e = errno;
            pthread_mutex_lock(&g_pf.mu);
            if (!got && (e == EINVAL || e == ENOSYS))
                break;                              /* a kernel without MADV_POPULATE_WRITE */
            done = got ? done + got : heap_end(pg); /* unmapped meanwhile: from its end */
            atomic_fetch_add(&g_pf.bytes, got);
            continue;
        }
        struct timespec until = time_mono_after_ms(2); /* the heap's next growth */
        pthread_cond_timedwait(&g_pf.cv, &g_pf.mu, &until);
    }
    pthread_mutex_unlock(&g_pf.mu);
    return NULL;
}

bool mem_prefault_start(void)
{
    pthread_mutex_lock(&g_pf.mu);
    bool ok = !g_pf.running;
    if (ok) {
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&g_pf.cv, &ca);
        pthread_condattr_destroy(&ca);
        g_pf.stop = false;
        g_pf.from = heap_end((uintptr_t)sysconf(_SC_PAGESIZE));
        atomic_store(&g_pf.bytes, 0);
        (void)mallopt(M_TOP_PAD, PREFAULT_PAD);
        (void)mallopt(M_TRIM_THRESHOLD, 2 * PREFAULT_PAD);
        ok = g_pf.running = pthread_create(&g_pf.th, NULL, prefault_main, NULL) == 0;
        if (!ok)
            pthread_cond_destroy(&g_pf.cv);
    }
    pthread_mutex_unlock(&g_pf.mu);
    return ok;
}

size_t mem_prefault_stop(void)
{
    pthread_mutex_lock(&g_pf.mu);
    bool running = g_pf.running;
    g_pf.stop = true;
    if (running)
        pthread_cond_signal(&g_pf.cv);
    pthread_mutex_unlock(&g_pf.mu);
    if (!running)
        return 0;
    pthread_join(g_pf.th, NULL);
    pthread_mutex_lock(&g_pf.mu);
    pthread_cond_destroy(&g_pf.cv);
    g_pf.running = false;
    pthread_mutex_unlock(&g_pf.mu);
    return atomic_load(&g_pf.bytes);
}

#else /* no glibc on Linux: nothing to prepare with */

size_t mem_populate(void *p, size_t n)
{
    (void)p;
    (void)n;
    return 0;
}

bool mem_prefault_start(void)
{
    return false;
}

size_t mem_prefault_stop(void)
{
    return 0;
}

#endif
