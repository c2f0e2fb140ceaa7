/* mem.h: the platform's allocator entry points.
 *
 * Every allocation in SCAN code goes through these so that a test build can
 * make the N-th allocation fail (fault injection, as SQLite tests itself).
 * They behave exactly like malloc/realloc/free/strdup; NULL means out of
 * memory and callers must handle it. */
#ifndef SCAN_MEM_H
#define SCAN_MEM_H

#include <stdbool.h>
#include <stddef.h>

void *mem_malloc(size_t n);
void *mem_calloc(size_t n, size_t size);
void *mem_realloc(void *p, size_t n);
void mem_free(void *p);
/* Copy of s in fresh memory (caller frees with mem_free); NULL on OOM or
 * when s is NULL. */
char *mem_strdup(const char *s);
char *mem_strndup(const char *s, size_t n);

/* Fault injection, per thread: after `n` more successful allocations on the
 * calling thread, every allocation of that thread fails until
 * mem_fail_after(-1). Other threads are unaffected, so a server can inject
 * faults into one request's worker while the rest keep running. Costs one
 * thread-local load when unused. */
void mem_fail_after(long n);
/* The one-off mode beside it (SQLite's tests run each fault both ways):
 * after `n` more successful allocations on the calling thread, exactly one
 * allocation fails and the following ones succeed again. This is the fault
 * that finds callers which ignore a failure and carry on (a failed bind
 * followed by a step that works). mem_fail_after(-1) cancels it. */
void mem_fail_once(long n);
/* How many allocations have failed on this thread so far, injected or real
 * (a running count: compare two readings). The server compares it around
 * each request, so a request during which any allocation failed never
 * answers as if it were whole, even where a caller forgot to check. */
unsigned long mem_failures(void);

/* Holds this thread's fault injection (mem_fail_after / mem_fail_once)
 * while a library that cannot survive a failed allocation runs, and
 * resumes it where it stood: the injected fault lands on the next
 * allocation after, in our own code. Only for such a library (jansson's
 * parser: see json.c); a real allocation failure is not held. */
typedef struct mem_fault_hold {
    long countdown;
    int once;
} mem_fault_hold;
mem_fault_hold mem_fault_pause(void);
void mem_fault_resume(mem_fault_hold h);

/* Memory a process writes for the first time costs a page fault per
 * 4 KiB page, on the thread that writes it: a bulk import's writer grows
 * its page cache by some 600 MB, and its page faults were an eighth of its
 * time (perf, 100,000 entries). mem_prefault_start starts a thread that
 * makes the pages of the heap's free top present ahead of them
 * (madvise(MADV_POPULATE_WRITE), which fills no byte: what a page holds
 * is what malloc left there), and has malloc grow the heap 64 MiB at a
 * time and keep what is freed at its top (mallopt), so there is something
 * ahead to prepare. For a process that ends after the work (the CLI's
 * import): the malloc settings stay. Only the main arena's heap, the one
 * the process's first thread allocates from, is prepared; an allocator
 * that does not grow it (AddressSanitizer's) leaves the thread nothing
 * to do. False when it did not start (another is running, no thread, not
 * glibc on Linux). mem_prefault_stop ends it and returns how many bytes of
 * the heap it went over (0 when none ran; most of them malloc hands out
 * later, some were present already). */
bool mem_prefault_start(void);
size_t mem_prefault_stop(void);
/* Makes the whole pages of [p, p + n) present and writable without
 * changing a byte of them; returns the bytes made so (0: the kernel cannot,
 * before Linux 5.14, or the range is not mapped). */
size_t mem_populate(void *p, size_t n);

#endif
