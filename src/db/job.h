/* job.h: leases of the background jobs (the digest and reminders, the
 * newsletter, the mail sender), so that of several app servers on one
 * database exactly one runs each job.
 *
 * PostgreSQL: a session advisory lock per job (pg_try_advisory_lock with
 * the two keys "SCAN" and the job's number), taken when free and then kept
 * for the life of the connection. A process that dies loses its
 * connection, and with it the lease; the next ask of another server's job
 * takes it over. The jobs' own claims (digest_claim, the outbox's claim,
 * the newsletter's delivery rows, the reminders' keys) make a run that
 * died mid-way safe to finish by the next holder. SQLite: always held (one
 * machine; the writer lock serializes every write, and the same claims
 * make a second run harmless), which is today's behaviour. */
#ifndef SCAN_DB_JOB_H
#define SCAN_DB_JOB_H

#include <stdbool.h>

#include "db/db.h"

enum { DB_JOB_DIGEST = 1, DB_JOB_NEWSLETTER = 2, DB_JOB_MAIL = 3 };

/* Whether connection d holds (now) job's lease: *held true when it held
 * it already or took it now, false when another connection holds it (or
 * on failure, which is returned). Never waits. Every call checks again,
 * so a connection the driver had to open anew, which lost the lock, asks
 * for it again. Call outside a transaction. */
db_status db_job_lease(db *d, int job, bool *held);

#endif
