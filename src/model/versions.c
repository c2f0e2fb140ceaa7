/* versions.c: the process-wide snapshot of the cache versions (see
 * versions.h). Lock-free: a value and its confirmation time are two
 * atomics, written together under a tiny mutex by publishers (workers, a
 * few times a second at most under load) and read without it; a reader
 * that sees a new value with an old time (or the reverse) only errs
 * towards asking the database. Also the poller of scan serve
 * --pg-cache-window: one thread with its own connection that confirms the
 * snapshot on PostgreSQL, where other app servers write. */
#include "model/versions.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "model/bgjob.h"

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_ullong g_gen;                          /* bumped by every write request */
static atomic_llong g_value[VERSION__COUNT];         /* last published value */
static atomic_ullong g_confirmed_us[VERSION__COUNT]; /* monotonic time; 0 = unknown */
static _Thread_local int64_t t_fast[VERSION__COUNT]; /* versions_fast_set */
static atomic_uint g_ttl_ms = VERSIONS_TTL_MS;       /* the poller's window while it runs */
static atomic_bool g_pg_kept;                        /* PostgreSQL reads are kept (poller) */

/* each version is the sum of its shards (0049): it grows by one with every
 * committed bump the snapshot sees */
static const char SQL_READ[] =
    "SELECT CASE WHEN kind = 'figures' THEN 1 ELSE 0 END, CAST(sum(n) AS BIGINT)"
    " FROM data_version GROUP BY kind";

db_status versions_read(db *d, version_kind kind, int64_t *v)
{
    if (!d) { /* an anonymous cache hit on the I/O thread */
        *v = t_fast[kind];
        return DB_OK;
    }
    *v = 0;
    uint64_t gen = versions_generation();
    uint64_t read_at = time_mono_us();
    db_stmt *s = db_prepare(d, SQL_READ);
    if (!s)
        return DB_ERR;
    int64_t got[VERSION__COUNT] = {0};
    bool seen[VERSION__COUNT] = {false};
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        version_kind k = db_col_int(s, 0) ? VERSION_FIGURES : VERSION_DIRECTORY;
        got[k] = db_col_int(s, 1);
        seen[k] = true;
    }
    db_reset(s);
    if (st != DB_DONE)
        return st;
    *v = got[kind];
    /* committed values: the fast path may trust them for VERSIONS_TTL_MS;
     * on PostgreSQL, which other app servers write too, only within a
     * window an operator chose: their writes invalidate nothing here, and
     * a page cached before such a write is served for the rest of the
     * window (versions.h) */
    if (!db_in_tx(d) && versions_kept(d))
        for (int k = 0; k < VERSION__COUNT; k++)
            if (seen[k])
                versions_publish((version_kind)k, got[k], gen, read_at);
    return DB_OK;
}

bool versions_kept(db *d)
{
    return strcmp(db_backend(d), "sqlite") == 0 || atomic_load(&g_pg_kept);
}

uint64_t versions_generation(void)
{
    return atomic_load(&g_gen);
}

void versions_publish(version_kind kind, int64_t v, uint64_t gen, uint64_t read_at_us)
{
    pthread_mutex_lock(&g_lock);
    if (atomic_load(&g_gen) == gen && v >= atomic_load(&g_value[kind])) {
        atomic_store(&g_value[kind], v);
        /* a read that began earlier than the last confirmation confirms
         * nothing newer (two workers and the poller publish at once) */
        if (read_at_us > atomic_load(&g_confirmed_us[kind]))
            atomic_store(&g_confirmed_us[kind], read_at_us);
    }
    pthread_mutex_unlock(&g_lock);
}

void versions_invalidate(void)
{
    pthread_mutex_lock(&g_lock);
    atomic_fetch_add(&g_gen, 1);
    for (int k = 0; k < VERSION__COUNT; k++)
        atomic_store(&g_confirmed_us[k], 0);
    pthread_mutex_unlock(&g_lock);
}

bool versions_fresh(int64_t v[VERSION__COUNT])
{
    uint64_t now = time_mono_us();
    uint64_t ttl_us = (uint64_t)atomic_load(&g_ttl_ms) * 1000;
    for (int k = 0; k < VERSION__COUNT; k++) {
        uint64_t at = atomic_load(&g_confirmed_us[k]);
        /* at > now: a read that began after this call did */
        if (!at || (now > at && now - at > ttl_us))
            return false;
        v[k] = atomic_load(&g_value[k]);
    }
    /* a publisher may have stored a newer value after we read the time:
     * read the times again so a value is never newer than its check */
    for (int k = 0; k < VERSION__COUNT; k++)
        if (atomic_load(&g_confirmed_us[k]) == 0)
            return false;
    return true;
}

void versions_fast_set(const int64_t v[VERSION__COUNT])
{
    for (int k = 0; k < VERSION__COUNT; k++)
        t_fast[k] = v[k];
}

/* --- the poller (scan serve --pg-cache-window) ---------------------------- */

#define POLL_BACKOFF_MAX_MS 5000

static bgjob g_poll = BGJOB_INIT; /* its connection is the poller's own */

static void *poll_main(void *arg)
{
    (void)arg;
    unsigned every = atomic_load(&g_ttl_ms) / 2, failures = 0; /* the window's half */
    for (;;) {
        int64_t v = 0;
        /* outside any transaction: versions_read publishes what it read */
        db_status st = versions_read(g_poll.d, VERSION_DIRECTORY, &v);
        if (st == DB_OK && failures) {
            log_info("versions: the poller reads the data versions again (after %u failed "
                     "reads); cached pages are answered without a worker again",
                     failures);
            failures = 0;
        } else if (st != DB_OK && failures++ == 0) {
            const char *why = db_errmsg(g_poll.d); /* libpq's: lines; the first says it */
            log_warn("versions: the poller cannot read the data versions (%s: %.*s); cached "
                     "pages go through the workers until it can",
                     db_status_name(st), (int)strcspn(why, "\n"), why);
        }
        db_end_request(g_poll.d);
        /* after a failure, double the pause up to POLL_BACKOFF_MAX_MS: the
         * driver reconnects at the next read, a connect attempt each time */
        unsigned pause = every;
        for (unsigned i = 1; i < failures && pause < POLL_BACKOFF_MAX_MS; i++)
            pause *= 2;
        if (pause > POLL_BACKOFF_MAX_MS)
            pause = POLL_BACKOFF_MAX_MS;
        if (bgjob_wait(&g_poll, pause))
            break;
    }
    return NULL;
}

int versions_poll_start(const char *path, unsigned window_ms)
{
    if (window_ms == 0)
        return 0;
    assert(path && window_ms >= VERSIONS_WINDOW_MIN_MS && window_ms <= VERSIONS_WINDOW_MAX_MS);
    if (g_poll.running)
        return -1;
    /* start from nothing known (values of another database, in tests, would
     * refuse this one's as going down) */
    pthread_mutex_lock(&g_lock);
    atomic_fetch_add(&g_gen, 1);
    for (int k = 0; k < VERSION__COUNT; k++) {
        atomic_store(&g_confirmed_us[k], 0);
        atomic_store(&g_value[k], 0);
    }
    pthread_mutex_unlock(&g_lock);
    atomic_store(&g_ttl_ms, window_ms);
    atomic_store(&g_pg_kept, true);
    db_options opts = {.read_only = true, .busy_timeout_ms = 5000};
    if (bgjob_start(&g_poll, "versions poller", path, &opts, poll_main, NULL) != 0) {
        atomic_store(&g_pg_kept, false);
        atomic_store(&g_ttl_ms, VERSIONS_TTL_MS);
        return -1;
    }
    return 0;
}

void versions_poll_stop(void)
{
    if (!g_poll.running)
        return;
    bgjob_stop(&g_poll);
    atomic_store(&g_pg_kept, false);
    atomic_store(&g_ttl_ms, VERSIONS_TTL_MS);
    versions_invalidate();
}
