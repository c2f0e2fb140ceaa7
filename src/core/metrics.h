/* metrics.h: the process's counters for /metrics (issue 18, "Operations"),
 * written in the Prometheus text format by web_metrics.c.
 *
 * Counters are relaxed atomics, bumped where things happen: requests by
 * route and status class with a latency histogram (server.c, when a
 * request completes), time spent in the database (db.c, around each
 * statement step), runs of the background jobs and mails sent or failed
 * (the model). Each process keeps its own; with several app servers each
 * is scraped on its own, as Prometheus expects. */
#ifndef SCAN_METRICS_H
#define SCAN_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Latency buckets, upper bounds in microseconds (le= in seconds). */
#define METRICS_BUCKETS 12
extern const uint64_t metrics_bucket_us[METRICS_BUCKETS];

/* The background jobs whose runs are counted. */
typedef enum {
    METRICS_JOB_DIGEST,
    METRICS_JOB_EVENT_REMIND,
    METRICS_JOB_BOARD_SWEEP,
    METRICS_JOB__COUNT
} metrics_job;
extern const char *const metrics_job_names[METRICS_JOB__COUNT];

/* Makes room for n_slots request slots (one per route, plus one for
 * requests no route took); false on OOM (then requests are not counted).
 * Called once before serving; metrics_shutdown() frees. */
bool metrics_init(size_t n_slots);
void metrics_shutdown(void);
size_t metrics_slots(void);

/* One completed request: its slot, HTTP status and duration. */
void metrics_request(size_t slot, int status, uint64_t us);

/* Time spent in the database, and statements stepped. */
void metrics_db(uint64_t us);

/* One finished tx_write: attempts it made (1 = no retry) and whether it
 * gave up still busy (retries exhausted: the request answers 503). */
void metrics_write(int attempts, bool gave_up);

void metrics_job_run(metrics_job job, bool ok);
void metrics_mail(bool sent);
/* One page cache hit answered on the I/O thread, without a worker
 * (server_hook_fast). */
void metrics_fast_hit(void);

/* A consistent-enough copy of one slot (each counter read once). */
typedef struct metrics_slot_view {
    uint64_t by_class[5];              /* 1xx .. 5xx */
    uint64_t buckets[METRICS_BUCKETS]; /* not cumulative */
    uint64_t count, sum_us;
} metrics_slot_view;
void metrics_slot(size_t slot, metrics_slot_view *out);

typedef struct metrics_totals {
    uint64_t db_us, db_steps;
    uint64_t writes, write_retries, writes_given_up;
    uint64_t job_ok[METRICS_JOB__COUNT], job_failed[METRICS_JOB__COUNT];
    uint64_t mail_sent, mail_failed;
    uint64_t fast_hits;
} metrics_totals;
void metrics_totals_get(metrics_totals *out);

/* Writes v as a Prometheus label value (backslash, quote, newline escaped). */
void metrics_label(buf *out, const char *v);

#endif
