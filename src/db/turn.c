/* turn.c: first come, first served turns at writing a database file
 * (see turn.h), for db.c's write transactions on SQLite.
 *
 * One queue per file the process writes, found by device and inode (two
 * paths to one file share it; two in-memory databases have no file and
 * take no turns). The turn passes straight from the writer giving it to
 * the one that waited longest, so a writer that comes later cannot take
 * it in between; a writer that stops waiting (its time ran out) leaves
 * the queue. Each waiter sleeps on a condition variable of its own, so a
 * commit wakes one thread, not all of them. */
#include "db/turn.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "core/mem.h"
#include "core/timeutil.h"

typedef struct waiter {
    pthread_cond_t cv; /* CLOCK_MONOTONIC */
    bool granted;      /* the turn was handed to this waiter */
    struct waiter *next;
} waiter;

struct db_turn {
    uint64_t dev, ino;
    unsigned refs;       /* connections using this queue; under g_mu */
    bool held;           /* a writer has the turn; under mu */
    waiter *head, *tail; /* oldest first; under mu */
    unsigned n_waiting;  /* under mu */
    pthread_mutex_t mu;
    db_turn *next; /* g_turns; under g_mu */
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static db_turn *g_turns; /* every queue in use; owned here, freed at refs 0 */

db_turn *db_turn_get(uint64_t dev, uint64_t ino)
{
    pthread_mutex_lock(&g_mu);
    db_turn *q = g_turns;
    while (q && (q->dev != dev || q->ino != ino))
        q = q->next;
    if (!q && (q = mem_calloc(1, sizeof *q)) != NULL) {
        q->dev = dev;
        q->ino = ino;
        pthread_mutex_init(&q->mu, NULL);
        q->next = g_turns;
        g_turns = q;
    }
    if (q)
        q->refs++;
    pthread_mutex_unlock(&g_mu);
    return q;
}

void db_turn_release(db_turn *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&g_mu);
    if (--q->refs == 0) {
        for (db_turn **pp = &g_turns; *pp; pp = &(*pp)->next)
            if (*pp == q) {
                *pp = q->next;
                break;
            }
        pthread_mutex_destroy(&q->mu);
        mem_free(q);
    }
    pthread_mutex_unlock(&g_mu);
}

/* Takes w out of q's queue. Called with q->mu held. */
static void unlink_waiter(db_turn *q, waiter *w)
{
    waiter *prev = NULL;
    for (waiter *x = q->head; x; prev = x, x = x->next)
        if (x == w) {
            if (prev)
                prev->next = x->next;
            else
                q->head = x->next;
            if (q->tail == x)
                q->tail = prev;
            q->n_waiting--;
            return;
        }
}

bool db_turn_take(db_turn *q, int timeout_ms)
{
    pthread_mutex_lock(&q->mu);
    if (!q->held && !q->head) {
        q->held = true;
        pthread_mutex_unlock(&q->mu);
        return true;
    }
    waiter w = {.granted = false};
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w.cv, &ca);
    pthread_condattr_destroy(&ca);
    if (q->tail)
        q->tail->next = &w;
    else
        q->head = &w;
    q->tail = &w;
    q->n_waiting++;
    struct timespec until = time_mono_after_ms(timeout_ms > 0 ? (unsigned)timeout_ms : 0);
    while (!w.granted)
        if (pthread_cond_timedwait(&w.cv, &q->mu, &until) == ETIMEDOUT && !w.granted) {
            unlink_waiter(q, &w);
            break;
        }
    bool got = w.granted; /* db_turn_give unlinked it then */
    pthread_mutex_unlock(&q->mu);
    pthread_cond_destroy(&w.cv);
    return got;
}

void db_turn_give(db_turn *q)
{
    pthread_mutex_lock(&q->mu);
    waiter *w = q->head;
    if (w) { /* held stays true: the turn passes to w */
        q->head = w->next;
        if (!q->head)
            q->tail = NULL;
        q->n_waiting--;
        w->granted = true;
        pthread_cond_signal(&w->cv);
    } else {
        q->held = false;
    }
    pthread_mutex_unlock(&q->mu);
}

unsigned db_turn_waiting(db_turn *q)
{
    pthread_mutex_lock(&q->mu);
    unsigned n = q->n_waiting;
    pthread_mutex_unlock(&q->mu);
    return n;
}
