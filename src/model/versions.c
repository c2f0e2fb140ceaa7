/* versions.c: the process-wide snapshot of the cache versions (see
 * versions.h). Lock-free: a value and its confirmation time are two
 * atomics, written together under a tiny mutex by publishers (workers, a
 * few times a second at most under load) and read without it; a reader
 * that sees a new value with an old time (or the reverse) only errs
 * towards asking the database. */
#include "model/versions.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "core/timeutil.h"

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_ullong g_gen;                          /* bumped by every write request */
static atomic_llong g_value[VERSION__COUNT];         /* last published value */
static atomic_ullong g_confirmed_us[VERSION__COUNT]; /* monotonic time; 0 = unknown */
static _Thread_local int64_t t_fast[VERSION__COUNT]; /* versions_fast_set */

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
     * not on PostgreSQL, which other app servers write too: their writes
     * invalidate nothing here, and a page cached before such a write would
     * be served for the rest of the TTL (versions.h) */
    if (!db_in_tx(d) && versions_kept(d))
        for (int k = 0; k < VERSION__COUNT; k++)
            if (seen[k])
                versions_publish((version_kind)k, got[k], gen);
    return DB_OK;
}

bool versions_kept(db *d)
{
    return strcmp(db_backend(d), "sqlite") == 0;
}

uint64_t versions_generation(void)
{
    return atomic_load(&g_gen);
}

void versions_publish(version_kind kind, int64_t v, uint64_t gen)
{
    pthread_mutex_lock(&g_lock);
    if (atomic_load(&g_gen) == gen && v >= atomic_load(&g_value[kind])) {
        atomic_store(&g_value[kind], v);
        atomic_store(&g_confirmed_us[kind], time_mono_us());
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
    for (int k = 0; k < VERSION__COUNT; k++) {
        uint64_t at = atomic_load(&g_confirmed_us[k]);
        if (!at || now - at > (uint64_t)VERSIONS_TTL_MS * 1000)
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
