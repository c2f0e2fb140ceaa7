/* server.h: the HTTP server: libmicrohttpd I/O threads plus a worker pool.
 *
 * Threading model (see docs/ARCHITECTURE.md): libmicrohttpd runs a few
 * epoll I/O threads that only read requests and write responses and never
 * block. A request whose route is not RF_INLINE is suspended and handed to
 * a fixed pool of worker threads, each holding its own database connection
 * with its own statement cache (routes that hash a password, RF_HASH, to a
 * second small pool of the same kind); a free worker takes requests fairly
 * by client address, not first come first served (admission control, in
 * server.c). When the handler is done the connection is resumed and the
 * I/O thread sends the response. A slow database call thus
 * holds one worker, never an I/O thread, and idle or slow clients hold only
 * a socket. Everything above this file is MHD-free. */
#ifndef SCAN_SERVER_H
#define SCAN_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct server_config {
    const char *db_path;         /* SQLite file */
    const char *listen;          /* "127.0.0.1:8080", "[::1]:8080" or ":8080" */
    unsigned io_threads;         /* MHD polling threads (default 2) */
    unsigned workers;            /* handler threads = DB connections (default 4) */
    unsigned hash_workers;       /* threads (and DB connections) for RF_HASH routes (default 2) */
    unsigned worker_share;       /* workers one client address holds while others wait
                                    (0 = max(1, workers / 4)) */
    unsigned conn_limit;         /* total open connections (default 1024) */
    unsigned per_ip_limit;       /* connections per client address (default 64) */
    unsigned timeout_s;          /* idle/slow connection timeout (default 30) */
    size_t max_header;           /* request line + headers (default 32 KiB) */
    size_t max_body;             /* default body limit per route (default 1 MiB) */
    unsigned shutdown_wait_s;    /* bounded wait for in-flight requests (default 10) */
    bool secure_cookies;         /* served over https behind a proxy: Secure + __Host- */
    bool sync_normal;            /* synchronous=NORMAL instead of FULL (not advised) */
    bool test_routes;            /* serve RF_TEST routes (tests only; SCAN_TEST_ROUTES=1) */
    const char *public_url;      /* for absolute links (OpenGraph), e.g. https://scan.rs */
    const char *metrics_allow;   /* addresses and networks that may read /metrics */
    const char *trusted_proxies; /* peers whose X-Forwarded-For names the client */
} server_config;

#define SERVER_METRICS_ALLOW "127.0.0.1, ::1"

/* Fills cfg with the defaults above. */
void server_config_defaults(server_config *cfg);

/* Starts the server and blocks until SIGTERM or SIGINT, then stops
 * accepting, waits for in-flight requests (bounded), closes the database
 * connections and returns 0. Returns 1 (after logging why) when it cannot
 * start. The database must already be migrated. */
int server_run(const server_config *cfg);

/* Whether client address ip may read /metrics (--metrics-allow). */
bool server_metrics_allowed(const char *ip);

/* True when s parses as a --listen address. */
bool server_listen_valid(const char *s);

/* The database's health as last probed (once a second, by a thread of
 * its own): reachable, schema version, and when it was checked. */
void server_db_health(bool *ok, int *schema, int64_t *checked_at);

/* The public base URL for absolute links (mails, OpenGraph): the
 * configured one, with the real port when it was given as ":0". NULL
 * when none is configured. */
const char *server_public_url(void);

/* Seconds since server_run started, for /healthz. */
long server_uptime(void);

/* The worker pools right now: size, workers running a request, requests
 * waiting; the general pool and the password-hashing one. */
typedef struct server_worker_stats_t {
    unsigned workers, busy, queued;
    unsigned hash_workers, hash_busy, hash_queued;
} server_worker_stats_t;
void server_worker_stats(server_worker_stats_t *out);

#endif
