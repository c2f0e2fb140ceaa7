/* pool.c: the worker pools and their admission control (moved out of
 * server.c; see pool.h). A worker takes a job fairly by client address,
 * runs it through the pool's run function on its own database connection
 * and gives the address's slot back. */
#include "http/pool.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"

/* The slot of address key in pool p, taking a spare one when the address
 * has nothing waiting or running yet. Called with p->lock held. There is a
 * spare for every connection the daemon may hold, so the overflow slot
 * (fair to no one, but never refusing) is a safety net, not a path. */
static addr_slot *pool_slot(worker_pool *p, const unsigned char key[16])
{
    for (addr_slot *s = p->active; s; s = s->next)
        if (memcmp(s->key, key, 16) == 0)
            return s;
    addr_slot *s = p->spare;
    if (!s)
        return &p->overflow;
    p->spare = s->next;
    memcpy(s->key, key, 16);
    s->running = 0;
    s->head = s->tail = NULL;
    s->next = p->active;
    p->active = s;
    return s;
}

/* Gives slot s back to the spares once nothing of its address waits or
 * runs. Called with p->lock held. */
static void pool_slot_release(worker_pool *p, addr_slot *s)
{
    if (s == &p->overflow || s->running || s->head)
        return;
    for (addr_slot **pp = &p->active; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    s->next = p->spare;
    p->spare = s;
}

/* The next request a free worker of p should run, taken off its queue and
 * counted as running, or NULL when none may start now: the oldest request
 * of the address holding the fewest workers, among addresses below their
 * share or allowed to borrow (reserve workers stay idle after it). While
 * stopping, everything queued may start. Called with p->lock held. */
static pool_job *pool_pick(worker_pool *p)
{
    bool may_borrow = p->busy + 1 + p->reserve <= p->n_workers;
    addr_slot *best = NULL;
    for (addr_slot *s = p->active; s; s = s->next) {
        if (!s->head || (s->running >= p->share && !may_borrow && !p->stop))
            continue;
        if (!best || s->running < best->running ||
            (s->running == best->running && s->head->seq < best->head->seq))
            best = s;
    }
    if (!best && p->overflow.head && (p->overflow.running < p->share || may_borrow || p->stop))
        best = &p->overflow;
    if (!best)
        return NULL;
    pool_job *x = best->head;
    best->head = x->next;
    if (!best->head)
        best->tail = NULL;
    best->running++;
    p->busy++;
    p->queued--;
    return x;
}

void pool_enqueue(worker_pool *p, pool_job *x)
{
    pthread_mutex_lock(&p->lock);
    addr_slot *s = pool_slot(p, x->addr_key);
    x->slot = s;
    x->next = NULL;
    x->seq = p->seq++;
    if (s->tail)
        s->tail->next = x;
    else
        s->head = x;
    s->tail = x;
    p->queued++;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

static void *worker_main(void *arg)
{
    worker_pool *p = arg;
    buf err = BUF_INIT;
    db *d = NULL;
    db_options o = {.create = false, .synchronous_normal = p->sync_normal, .busy_timeout_ms = 5000};
    if (db_open(p->db_path, &o, &d, &err) != DB_OK) {
        log_error("worker cannot open the database: %s", buf_str(&err));
        atomic_fetch_add(&p->failed, 1);
    }
    buf_free(&err);
    atomic_fetch_add(&p->ready, 1);
    pthread_mutex_lock(&p->lock);
    for (;;) {
        pool_job *x;
        while (!(x = pool_pick(p)) && !(p->stop && !p->queued))
            pthread_cond_wait(&p->cond, &p->lock);
        if (!x)
            break; /* stopping and the queue is empty */
        pthread_mutex_unlock(&p->lock);
        addr_slot *slot = x->slot;
        x->slot = NULL;
        p->run(x, d); /* x belongs to its owner again */
        pthread_mutex_lock(&p->lock);
        slot->running--;
        p->busy--;
        pool_slot_release(p, slot);
        if (p->queued) /* a finished request may let more than one start */
            pthread_cond_broadcast(&p->cond);
    }
    pthread_mutex_unlock(&p->lock);
    db_close(d);
    return NULL;
}

/* Starts n workers of pool p; share 0 means max(1, n / 4). With
 * keep_reserve, an address beyond its share borrows only while `share`
 * workers stay idle (the general pool: its requests may take seconds);
 * without, any idle worker may be borrowed and fairness is only the order
 * (the hashing pool: a hash takes a fraction of a second, and one address,
 * such as a reverse proxy, must keep both hashing workers). The spare
 * address slots (one per possible connection) are allocated here. Returns
 * false (after logging) when a thread or a database connection failed;
 * pool_stop() then cleans up what did start. */
bool pool_start(worker_pool *p, unsigned n, unsigned share, bool keep_reserve, unsigned conn_limit,
                const char *db_path, bool sync_normal)
{
    p->db_path = db_path;
    p->sync_normal = sync_normal;
    p->n_workers = n ? n : 1;
    p->share = share ? share : (p->n_workers / 4 ? p->n_workers / 4 : 1);
    if (p->share > p->n_workers)
        p->share = p->n_workers;
    p->reserve = !keep_reserve ? 0 : p->share < p->n_workers ? p->share : p->n_workers - 1;
    p->busy = p->queued = 0;
    p->seq = 0;
    p->stop = false;
    p->active = p->spare = NULL;
    memset(&p->overflow, 0, sizeof p->overflow);
    memset(p->overflow.key, 0xff, sizeof p->overflow.key);
    p->started = 0;
    atomic_store(&p->ready, 0);
    atomic_store(&p->failed, 0);
    p->slots = mem_calloc((size_t)conn_limit + 1, sizeof *p->slots);
    p->threads = mem_calloc(p->n_workers, sizeof *p->threads);
    if (!p->slots || !p->threads) {
        log_error("out of memory starting the %s workers", p->name);
        return false;
    }
    for (size_t i = 0; i <= conn_limit; i++) {
        p->slots[i].next = p->spare;
        p->spare = &p->slots[i];
    }
    for (; p->started < p->n_workers; p->started++)
        if (pthread_create(&p->threads[p->started], NULL, worker_main, p) != 0)
            break;
    while (atomic_load(&p->ready) < p->started)
        usleep(1000);
    if (p->started < p->n_workers || atomic_load(&p->failed)) {
        char shown[512]; /* a PostgreSQL URL's password never reaches the log */
        db_path_for_log(p->db_path, shown, sizeof shown);
        log_error("cannot start %u %s workers with database %s", p->n_workers, p->name, shown);
        return false;
    }
    return true;
}

/* Lets the workers of p finish what is queued, joins them and frees the
 * pool's memory. */
void pool_stop(worker_pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->started; i++)
        pthread_join(p->threads[i], NULL);
    p->started = 0;
    mem_free(p->threads);
    p->threads = NULL;
    mem_free(p->slots);
    p->slots = NULL;
    p->active = p->spare = NULL;
}

void pool_stats(worker_pool *p, unsigned *busy, unsigned *queued)
{
    pthread_mutex_lock(&p->lock);
    *busy = p->busy;
    *queued = p->queued;
    pthread_mutex_unlock(&p->lock);
}
