/* job.c: the background jobs' leases (see job.h). */
#include "db/job.h"

#include <string.h>

/* classid "SCAN" (0x5343414E), objid the job: pg_try_advisory_lock's
 * two-key form (objsubid 2 in pg_locks), apart from migrate.c's one-key
 * lock. pg_try_advisory_lock stacks when called again by its holder, so
 * the holder's ask looks in pg_locks first and takes it only when it does
 * not hold it. */
static const char SQL_PG_JOB_LEASE[] =
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
    "   AND pid = pg_backend_pid() AND granted AND classid = 1396916558"
    "   AND objid = CAST($1 AS INTEGER) AND objsubid = 2)"
    " THEN true ELSE pg_try_advisory_lock(1396916558, CAST($1 AS INTEGER)) END";

db_status db_job_lease(db *d, int job, bool *held)
{
    *held = false;
    if (strcmp(db_backend(d), "sqlite") == 0) {
        *held = true;
        return DB_OK;
    }
    int64_t got = 0;
    db_status st = db_int(d, &got, 0, SQL_PG_JOB_LEASE, DB_ARGS(DBI(job)));
    *held = st == DB_OK && got == 1;
    return st;
}
