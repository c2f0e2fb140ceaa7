/* metrics.c: see metrics.h. */
#include "core/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>

const uint64_t metrics_bucket_us[METRICS_BUCKETS] = {
    500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000};

const char *const metrics_job_names[METRICS_JOB__COUNT] = {
    [METRICS_JOB_DIGEST] = "digest",
    [METRICS_JOB_EVENT_REMIND] = "event_reminders",
    [METRICS_JOB_BOARD_SWEEP] = "board_count_sweep",
};

typedef struct slot {
    _Atomic uint64_t by_class[5];
    _Atomic uint64_t buckets[METRICS_BUCKETS + 1]; /* the last: over every bound */
    _Atomic uint64_t sum_us;
} slot;

static slot *g_slots;
static size_t g_n_slots;
static _Atomic uint64_t g_db_us, g_db_steps, g_mail_sent, g_mail_failed, g_fast_hits;
static _Atomic uint64_t g_writes, g_write_retries, g_writes_given_up;
static _Atomic uint64_t g_job_ok[METRICS_JOB__COUNT], g_job_failed[METRICS_JOB__COUNT];

#define ADD(x, v) atomic_fetch_add_explicit(&(x), (v), memory_order_relaxed)
#define GET(x)    atomic_load_explicit(&(x), memory_order_relaxed)

bool metrics_init(size_t n_slots)
{
    metrics_shutdown();
    g_slots = calloc(n_slots, sizeof *g_slots);
    if (!g_slots)
        return false;
    g_n_slots = n_slots;
    return true;
}

void metrics_shutdown(void)
{
    free(g_slots);
    g_slots = NULL;
    g_n_slots = 0;
}

size_t metrics_slots(void)
{
    return g_n_slots;
}

void metrics_request(size_t i, int status, uint64_t us)
{
    if (!g_slots || i >= g_n_slots)
        return;
    slot *s = &g_slots[i];
    int c = status / 100 - 1;
    ADD(s->by_class[c >= 0 && c < 5 ? c : 4], 1);
    size_t b = 0;
    while (b < METRICS_BUCKETS && us > metrics_bucket_us[b])
        b++;
    ADD(s->buckets[b], 1);
    ADD(s->sum_us, us);
}

void metrics_db(uint64_t us)
{
    ADD(g_db_us, us);
    ADD(g_db_steps, 1);
}

void metrics_write(int attempts, bool gave_up)
{
    ADD(g_writes, 1);
    if (attempts > 1)
        ADD(g_write_retries, (uint64_t)(attempts - 1));
    if (gave_up)
        ADD(g_writes_given_up, 1);
}

void metrics_job_run(metrics_job job, bool ok)
{
    if ((unsigned)job < METRICS_JOB__COUNT)
        ADD(*(ok ? &g_job_ok[job] : &g_job_failed[job]), 1);
}

void metrics_mail(bool sent)
{
    ADD(*(sent ? &g_mail_sent : &g_mail_failed), 1);
}

void metrics_fast_hit(void)
{
    ADD(g_fast_hits, 1);
}

void metrics_slot(size_t i, metrics_slot_view *out)
{
    *out = (metrics_slot_view){0};
    if (!g_slots || i >= g_n_slots)
        return;
    slot *s = &g_slots[i];
    for (int c = 0; c < 5; c++)
        out->by_class[c] = GET(s->by_class[c]);
    for (int b = 0; b < METRICS_BUCKETS; b++)
        out->buckets[b] = GET(s->buckets[b]);
    out->count = 0;
    for (int b = 0; b <= METRICS_BUCKETS; b++)
        out->count += b < METRICS_BUCKETS ? out->buckets[b] : GET(s->buckets[b]);
    out->sum_us = GET(s->sum_us);
}

void metrics_totals_get(metrics_totals *out)
{
    out->db_us = GET(g_db_us);
    out->db_steps = GET(g_db_steps);
    out->writes = GET(g_writes);
    out->write_retries = GET(g_write_retries);
    out->writes_given_up = GET(g_writes_given_up);
    for (int j = 0; j < METRICS_JOB__COUNT; j++) {
        out->job_ok[j] = GET(g_job_ok[j]);
        out->job_failed[j] = GET(g_job_failed[j]);
    }
    out->mail_sent = GET(g_mail_sent);
    out->mail_failed = GET(g_mail_failed);
    out->fast_hits = GET(g_fast_hits);
}

void metrics_label(buf *out, const char *v)
{
    for (const char *p = v ? v : ""; *p; p++) {
        if (*p == '\\' || *p == '"')
            buf_putc(out, '\\');
        if (*p == '\n')
            buf_puts(out, "\\n");
        else
            buf_putc(out, *p);
    }
}
