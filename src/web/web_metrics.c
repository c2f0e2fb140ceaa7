/* web_metrics.c: /metrics in the Prometheus text format (version 0.0.4),
 * for the addresses of --metrics-allow only (404 to everyone else, as if
 * there were no such page): requests by route pattern and status class
 * with a latency histogram (core/metrics.h), the worker pools, database
 * time, the page cache, the outbox, background job runs, and the
 * process's memory. Each app server answers for itself. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "model/mail.h"
#include "scan_config.h"
#include "web/page_cache.h"
#include "web/web.h"

static const char *method_name(unsigned m)
{
    static const struct {
        unsigned bit;
        const char *name;
    } tab[] = {{HTTP_GET, "GET"},        {HTTP_HEAD, "HEAD"},   {HTTP_POST, "POST"},
               {HTTP_PUT, "PUT"},        {HTTP_PATCH, "PATCH"}, {HTTP_DELETE, "DELETE"},
               {HTTP_OPTIONS, "OPTIONS"}};
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (m & tab[i].bit)
            return tab[i].name;
    return "OTHER";
}

static void head(buf *o, const char *name, const char *type, const char *help)
{
    buf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* {method="GET",route="/orgs/{slug}" and the rest of the labels in more */
static void route_labels(buf *o, size_t slot, const char *more)
{
    buf_puts(o, "{method=\"");
    buf_puts(o, slot < n_routes ? method_name(routes[slot].method) : "");
    buf_puts(o, "\",route=\"");
    metrics_label(o, slot < n_routes ? routes[slot].pattern : "(no route)");
    buf_putc(o, '"');
    buf_puts(o, more);
    buf_putc(o, '}');
}

static void seconds(buf *o, uint64_t us)
{
    buf_printf(o, "%llu.%06llu", (unsigned long long)(us / 1000000),
               (unsigned long long)(us % 1000000));
}

static void requests(buf *o)
{
    static const char *const classes[5] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    size_t n = metrics_slots();
    head(o, "scan_http_requests_total", "counter",
         "Requests answered, by route pattern and status class.");
    for (size_t i = 0; i < n; i++) {
        metrics_slot_view v;
        metrics_slot(i, &v);
        for (int c = 0; c < 5; c++) {
            if (!v.by_class[c])
                continue;
            char more[32];
            snprintf(more, sizeof more, ",status=\"%s\"", classes[c]);
            buf_puts(o, "scan_http_requests_total");
            route_labels(o, i, more);
            buf_printf(o, " %llu\n", (unsigned long long)v.by_class[c]);
        }
    }
    head(o, "scan_http_request_duration_seconds", "histogram",
         "Time from the request's arrival to its answer, by route pattern.");
    for (size_t i = 0; i < n; i++) {
        metrics_slot_view v;
        metrics_slot(i, &v);
        if (!v.count)
            continue;
        uint64_t cum = 0;
        for (int b = 0; b <= METRICS_BUCKETS; b++) {
            char more[48];
            if (b < METRICS_BUCKETS) {
                cum += v.buckets[b];
                uint64_t us = metrics_bucket_us[b];
                snprintf(more, sizeof more, ",le=\"%llu.%06llu\"",
                         (unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000));
            } else {
                cum = v.count;
                snprintf(more, sizeof more, ",le=\"+Inf\"");
            }
            buf_puts(o, "scan_http_request_duration_seconds_bucket");
            route_labels(o, i, more);
            buf_printf(o, " %llu\n", (unsigned long long)cum);
        }
        buf_puts(o, "scan_http_request_duration_seconds_sum");
        route_labels(o, i, "");
        buf_putc(o, ' ');
        seconds(o, v.sum_us);
        buf_puts(o, "\nscan_http_request_duration_seconds_count");
        route_labels(o, i, "");
        buf_printf(o, " %llu\n", (unsigned long long)v.count);
    }
}

/* Resident memory of this process in bytes, 0 when /proc cannot tell. */
static unsigned long long resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    unsigned long long size = 0, rss = 0;
    int n = fscanf(f, "%llu %llu", &size, &rss);
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return n == 2 && page > 0 ? rss * (unsigned long long)page : 0;
}

void web_metrics(req *r)
{
    if (!server_metrics_allowed(r->client_ip)) {
        resp_error(r, 404, T(r->lang, MSG_HTTP_ERR_NOT_FOUND));
        return;
    }
    int64_t waiting = 0, given_up = 0;
    db_status st = mail_outbox_counts(r->db, &waiting, &given_up);
    if (st != DB_OK) {
        resp_fail(r, st, "mail_outbox_counts");
        return;
    }
    buf *o = &r->out;
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
    r->cache_control = "no-store";
    r->no_etag = true;

    head(o, "scan_build_info", "gauge", "The running version (always 1).");
    buf_puts(o, "scan_build_info{version=\"");
    metrics_label(o, SCAN_VERSION);
    buf_puts(o, "\"} 1\n");
    head(o, "scan_uptime_seconds", "gauge", "Seconds since this server started.");
    buf_printf(o, "scan_uptime_seconds %ld\n", server_uptime());
    requests(o);

    server_worker_stats_t w;
    server_worker_stats(&w);
    head(o, "scan_workers", "gauge", "Worker threads per pool.");
    buf_printf(o, "scan_workers{pool=\"general\"} %u\nscan_workers{pool=\"hashing\"} %u\n",
               w.workers, w.hash_workers);
    head(o, "scan_workers_busy", "gauge", "Workers running a request now.");
    buf_printf(o,
               "scan_workers_busy{pool=\"general\"} %u\nscan_workers_busy{pool=\"hashing\"} %u\n",
               w.busy, w.hash_busy);
    head(o, "scan_worker_queue_depth", "gauge", "Requests waiting for a worker now.");
    buf_printf(o,
               "scan_worker_queue_depth{pool=\"general\"} %u\n"
               "scan_worker_queue_depth{pool=\"hashing\"} %u\n",
               w.queued, w.hash_queued);

    metrics_totals t;
    metrics_totals_get(&t);
    head(o, "scan_db_seconds_total", "counter", "Time spent stepping database statements.");
    buf_puts(o, "scan_db_seconds_total ");
    seconds(o, t.db_us);
    buf_putc(o, '\n');
    head(o, "scan_db_steps_total", "counter", "Database statement steps.");
    buf_printf(o, "scan_db_steps_total %llu\n", (unsigned long long)t.db_steps);
    head(o, "scan_db_writes_total", "counter",
         "Write transactions (tx_write), retries not counted.");
    buf_printf(o, "scan_db_writes_total %llu\n", (unsigned long long)t.writes);
    head(o, "scan_db_write_retries_total", "counter",
         "Write attempts run again after a busy or serialization failure.");
    buf_printf(o, "scan_db_write_retries_total %llu\n", (unsigned long long)t.write_retries);
    head(o, "scan_db_writes_given_up_total", "counter",
         "Writes that stayed busy through every attempt (answered 503).");
    buf_printf(o, "scan_db_writes_given_up_total %llu\n", (unsigned long long)t.writes_given_up);

    uint64_t hits = 0, misses = 0;
    size_t entries = 0, bytes = 0;
    page_cache_stats(&hits, &misses, &entries, &bytes);
    head(o, "scan_page_cache_hits_total", "counter", "Pages answered from the page cache.");
    buf_printf(o, "scan_page_cache_hits_total %llu\n", (unsigned long long)hits);
    head(o, "scan_page_cache_fast_hits_total", "counter",
         "Page cache hits answered without a worker (of the hits above).");
    buf_printf(o, "scan_page_cache_fast_hits_total %llu\n", (unsigned long long)t.fast_hits);
    head(o, "scan_page_cache_misses_total", "counter", "Cacheable pages rendered afresh.");
    buf_printf(o, "scan_page_cache_misses_total %llu\n", (unsigned long long)misses);
    head(o, "scan_page_cache_entries", "gauge", "Pages held in the page cache.");
    buf_printf(o, "scan_page_cache_entries %zu\n", entries);
    head(o, "scan_page_cache_bytes", "gauge", "Bytes held in the page cache.");
    buf_printf(o, "scan_page_cache_bytes %zu\n", bytes);

    head(o, "scan_outbox_waiting", "gauge", "Mails in the outbox still to be sent or retried.");
    buf_printf(o, "scan_outbox_waiting %lld\n", (long long)waiting);
    head(o, "scan_outbox_given_up", "gauge", "Mails whose every attempt failed.");
    buf_printf(o, "scan_outbox_given_up %lld\n", (long long)given_up);
    head(o, "scan_mail_sent_total", "counter", "Mails this server delivered over SMTP.");
    buf_printf(o, "scan_mail_sent_total %llu\n", (unsigned long long)t.mail_sent);
    head(o, "scan_mail_failures_total", "counter", "SMTP attempts of this server that failed.");
    buf_printf(o, "scan_mail_failures_total %llu\n", (unsigned long long)t.mail_failed);

    head(o, "scan_job_runs_total", "counter", "Runs of the background jobs, by job and result.");
    for (int j = 0; j < METRICS_JOB__COUNT; j++)
        buf_printf(o,
                   "scan_job_runs_total{job=\"%s\",result=\"ok\"} %llu\n"
                   "scan_job_runs_total{job=\"%s\",result=\"failed\"} %llu\n",
                   metrics_job_names[j], (unsigned long long)t.job_ok[j], metrics_job_names[j],
                   (unsigned long long)t.job_failed[j]);
    head(o, "scan_process_resident_memory_bytes", "gauge", "Resident memory of this process.");
    buf_printf(o, "scan_process_resident_memory_bytes %llu\n", resident_bytes());
}
