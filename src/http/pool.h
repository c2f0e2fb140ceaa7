/* pool.h: the worker pools with admission control (moved out of
 * server.c, which embeds a pool_job in each request and gives each pool
 * its run function). Each worker owns one database connection. */
#ifndef SCAN_POOL_H
#define SCAN_POOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

/* Admission control. A worker pool serves requests fairly by client
 * address instead of first come, first served: an address with requests
 * running holds a count, and a free worker takes the oldest request of the
 * address that holds the fewest workers. An address may hold `share`
 * workers at will; beyond that it only borrows idle workers while `reserve`
 * of them stay idle for everyone else, so one client's expensive requests
 * (uncached pages, imports) queue behind each other while other addresses
 * keep getting answers, yet a lone client (or a reverse proxy, which is one
 * address) still gets all but `reserve` workers (the hashing pool keeps no
 * reserve: there fairness is the order alone). The per-address
 * connection cap (--max-per-ip) bounds how many requests an address can
 * have queued. Two pools: the general one (--threads) and a small one for
 * the routes that compute a password hash (RF_HASH, --hash-threads), so a
 * burst of logins never takes the workers that everything else needs. */
typedef struct addr_slot addr_slot;

/* What a pool queues: embedded in the caller's request. The caller sets
 * addr_key; the rest is the pool's. */
typedef struct pool_job {
    unsigned char addr_key[16]; /* client address (IPv4 mapped into IPv6), for admission */
    uint64_t seq;               /* order of arrival in its pool */
    addr_slot *slot;            /* its address's slot while queued or running */
    struct pool_job *next;      /* its address's queue */
} pool_job;

/* Runs job on a worker with the worker's connection d (NULL when it could
 * not be opened) and hands the job back to its owner: the pool does not
 * touch it afterwards. */
typedef void (*pool_run_fn)(pool_job *job, db *d);

struct addr_slot {
    unsigned char key[16];
    unsigned running;       /* its requests on a worker of this pool */
    pool_job *head, *tail;  /* its waiting requests, oldest first */
    struct addr_slot *next; /* in the pool's active list or its free list */
};

typedef struct worker_pool {
    const char *name;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned n_workers, share, reserve;
    unsigned busy;   /* workers running a request */
    unsigned queued; /* requests waiting */
    uint64_t seq;
    bool stop;          /* drain what is queued, then the workers exit */
    addr_slot *active;  /* addresses with requests waiting or running */
    addr_slot *spare;   /* unused slots (one per possible connection) */
    addr_slot *slots;   /* the array behind both lists; owned here */
    addr_slot overflow; /* shared by everyone if the spares ever ran out */
    pthread_t *threads;
    unsigned started;
    atomic_uint ready, failed;
    pool_run_fn run;     /* what a worker does with a job */
    const char *db_path; /* each worker's own connection */
    bool sync_normal;
} worker_pool;

/* A pool named name whose workers run run; started by pool_start. */
#define POOL_INIT(nm, fn)                                                                          \
    {                                                                                              \
        .name = (nm), .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER,         \
        .run = (fn)                                                                                \
    }

/* Starts n workers of pool p, each with its own connection to db_path;
 * share 0 means max(1, n / 4). See pool.c. False (after logging) when a
 * thread or a connection failed; pool_stop() cleans up what did start. */
bool pool_start(worker_pool *p, unsigned n, unsigned share, bool keep_reserve, unsigned conn_limit,
                const char *db_path, bool sync_normal);
/* Lets the workers finish what is queued, joins them, frees the pool. */
void pool_stop(worker_pool *p);
/* Queues job for p (I/O thread) and wakes a worker. */
void pool_enqueue(worker_pool *p, pool_job *job);
/* Workers running a request and requests waiting, now. */
void pool_stats(worker_pool *p, unsigned *busy, unsigned *queued);

#endif
