/* server.c: libmicrohttpd glue and everything every request goes through
 * (see server.h for the threading model); the worker pools and their
 * admission control are in pool.c, the lingering close in linger.c.
 *
 * The life of a request:
 *  1. uri_log(): MHD has read the request line; we make the request context
 *     with its arena and request id, and keep the raw URI.
 *  2. First call of on_request(): headers are in. Parse path and query,
 *     route, copy headers. A declared body over the route's limit is
 *     answered 413 at once (and the connection closed, body unread).
 *     Otherwise we return without a response: queueing on the first call
 *     makes MHD 0.9.75 answer "Connection: close" and kills keep-alive.
 *  3. Further calls: body bytes, appended up to the limit (413 past it,
 *     sent after the body: MHD cannot answer in the middle of one).
 *  4. Last call: run the handler, inline for RF_INLINE routes, else suspend
 *     the connection and queue the request for a worker pool (RF_HASH
 *     routes: the small password-hashing pool; others: the general one),
 *     which picks requests fairly by client address (admission control,
 *     pool.c) and resumes the connection when the handler is done.
 *  5. After resume: build the MHD response with the central headers
 *     (security, ETag/304, caching, request id) and queue it.
 *  6. on_completed(): access log line, free everything; a connection we
 *     close before reading all the client sent is handed to the lingering
 *     closer (linger.c), so the answer is not lost to a TCP reset. */
#include "http/server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/metrics.h"
#include "core/netaddr.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "http/assets.h"
#include "http/cookie.h"
#include "http/linger.h"
#include "http/pool.h"
#include "http/router.h"
#include "http/server_hooks.h"

#define DEFAULT_MAX_BODY (1024 * 1024)
#define DISCARD_MAX                                                                                \
    (16 * 1024 * 1024) /* unused body read (and dropped) before cutting a                          \
                           client off: as much as the lingering close                              \
                           reads, so a chunked body up to 16 MiB over its                          \
                           route's limit still gets its 413 */

typedef enum { ST_READING, ST_QUEUED, ST_DONE } ctx_state;

typedef struct ctx {
    req r;
    arena a;
    ctx_state state;
    struct MHD_Connection *conn;
    char *raw_uri; /* heap: as sent, up to the first space */
    buf body;      /* request body as it arrives */
    size_t body_limit;
    bool too_large;
    bool close_conn;       /* body framing we cannot trust: answer at once, then close */
    bool responded;        /* a response has been queued */
    unsigned route_status; /* 0, or an early status (400, 404, 405, 413) */
    unsigned allowed;      /* for 405 */
    const char *early_msg;
    const char *bad_query; /* the offending query field, for the 400 message */
    uint64_t bytes_out;
    uint64_t discarded; /* body bytes skipped after an early error */
    pool_job job;       /* the client address and its place in a worker pool */
} ctx;

/* --- global state (one server per process) ------------------------------ */

static const server_config *g_cfg;
static struct MHD_Daemon *g_daemon;
static int64_t g_started;
static atomic_int g_inflight;
static uint32_t g_id_prefix;
static char g_public_url[320]; /* cfg->public_url with a real port for ":0" */
static atomic_uint g_id_counter;

/* Database health, probed once a second by its own thread with its own
 * connection, so /healthz answers on the I/O thread without a database
 * round trip (measured: the worker hand-off halved /healthz throughput). */
static atomic_int g_db_ok;
static atomic_int g_db_schema;
static atomic_llong g_db_checked_at;
static pthread_t g_probe;
static bool g_probe_started;
static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t probe_cond = PTHREAD_COND_INITIALIZER;
static bool probe_stop;

void server_config_defaults(server_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->db_path = "var/scan.db";
    cfg->listen = "127.0.0.1:8080";
    cfg->io_threads = 2;
    cfg->workers = 4;
    cfg->hash_workers = 2;
    cfg->conn_limit = 1024;
    cfg->per_ip_limit = 64;
    cfg->timeout_s = 30;
    cfg->max_header = 32 * 1024;
    cfg->max_body = DEFAULT_MAX_BODY;
    cfg->shutdown_wait_s = 10;
    cfg->metrics_allow = SERVER_METRICS_ALLOW;
}

static netaddr_list g_metrics_allow;   /* set before serving, read-only after */
static netaddr_list g_trusted_proxies; /* likewise */

bool server_metrics_allowed(const char *ip)
{
    return netaddr_has(&g_metrics_allow, ip);
}

void server_db_health(bool *ok, int *schema, int64_t *checked_at)
{
    *ok = atomic_load(&g_db_ok) != 0;
    *schema = atomic_load(&g_db_schema);
    *checked_at = atomic_load(&g_db_checked_at);
}

static void probe_once(db **d)
{
    buf err = BUF_INIT;
    db_options o = {.create = false, .busy_timeout_ms = 1000};
    int64_t v = 0;
    if (!*d && db_open(g_cfg->db_path, &o, d, &err) != DB_OK)
        log_warn("health probe cannot open the database: %s", buf_str(&err));
    buf_free(&err);
    db_status st =
        *d ? db_scalar_int(*d, "SELECT coalesce(max(version), 0) FROM schema_migrations", &v)
           : DB_ERR;
    if (st != DB_OK && *d) { /* reopen next time */
        db_close(*d);
        *d = NULL;
    }
    atomic_store(&g_db_ok, st == DB_OK);
    if (st == DB_OK)
        atomic_store(&g_db_schema, (int)v);
    atomic_store(&g_db_checked_at, (long long)time_now());
}

static void *probe_main(void *arg)
{
    db *d = NULL;
    pthread_mutex_lock(&probe_lock);
    while (!probe_stop) {
        pthread_mutex_unlock(&probe_lock);
        probe_once(&d);
        pthread_mutex_lock(&probe_lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        if (!probe_stop)
            pthread_cond_timedwait(&probe_cond, &probe_lock, &until);
    }
    pthread_mutex_unlock(&probe_lock);
    db_close(d);
    return NULL;
}

const char *server_public_url(void)
{
    return g_public_url[0] ? g_public_url : NULL;
}

long server_uptime(void)
{
    return (long)(time_now() - g_started);
}

/* --- request context ------------------------------------------------------ */

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
    ctx *x = mem_calloc(1, sizeof *x);
    if (!x)
        return NULL; /* on_request sees NULL and refuses the request */
    x->raw_uri = mem_strdup(uri ? uri : "/");
    x->r.a = &x->a;
    x->r.started_us = time_mono_us();
    x->r.status = 200;
    x->r.cfg = g_cfg;
    x->conn = c;
    /* a random per-process prefix and a counter: unique, and no syscall
     * per request (getrandom showed in the profile) */
    char id[17];
    snprintf(id, sizeof id, "%08x%08x", g_id_prefix, atomic_fetch_add(&g_id_counter, 1u));
    x->r.id = arena_strdup(&x->a, id);
    atomic_fetch_add(&g_inflight, 1);
    return x;
}

static void ctx_free(ctx *x)
{
    buf_free(&x->body);
    buf_free(&x->r.out);
    mem_free(x->raw_uri);
    arena_free(&x->a);
    mem_free(x);
}

/* MHD keeps the whole header block in the connection's memory pool, so a
 * block just under the pool's size (measured: 40,000 bytes with the default
 * --max-header) leaves no room to build the headers of our 431, and MHD
 * closes the connection without a word ("failed to create response
 * header"). Nothing of the answer was sent then: write a minimal 431
 * straight to the socket before MHD closes it. */
static void answer_431_raw(struct MHD_Connection *c, ctx *x)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci || ci->connect_fd == MHD_INVALID_SOCKET)
        return;
    char msg[96], head[512];
    int nm =
        snprintf(msg, sizeof msg, "The request headers are too large: send at most %zu bytes.\n",
                 g_cfg->max_header);
    int nh = snprintf(head, sizeof head,
                      "HTTP/1.1 431 Request Header Fields Too Large\r\n"
                      "Content-Type: text/plain; charset=utf-8\r\n"
                      "Content-Length: %d\r\n"
                      "X-Request-Id: %s\r\n"
                      "X-Content-Type-Options: nosniff\r\n"
                      "Cache-Control: no-store\r\n"
                      "Connection: close\r\n\r\n%s",
                      nm, x->r.id ? x->r.id : "-", msg);
    if (nm > 0 && nh > 0 && (size_t)nh < sizeof head &&
        send(ci->connect_fd, head, (size_t)nh, MSG_DONTWAIT | MSG_NOSIGNAL) == nh)
        x->bytes_out = (uint64_t)nm;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    ctx *x = *con_cls;
    if (!x)
        return;
    /* Connections MHD closes while the client may still be sending: MHD's
     * own error answers (a header block over its pool, malformed framing:
     * the access handler never saw the headers, or saw them and MHD then
     * gave up), and our early answers with "Connection: close". A timeout,
     * an aborted client or a normal keep-alive end need no lingering. */
    if (toe == MHD_REQUEST_TERMINATED_WITH_ERROR) {
        if (x->responded && x->route_status == 431)
            answer_431_raw(c, x);
        linger_start(c);
    } else if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK && x->responded &&
               (x->too_large || x->close_conn)) {
        linger_start(c);
    }
    if (x->responded)
        metrics_request(x->r.route ? (size_t)(x->r.route - routes) : n_routes, x->r.status,
                        time_mono_us() - x->r.started_us);
    if (!x->r.route || !(x->r.route->flags & RF_NO_LOG))
        log_access(x->r.id ? x->r.id : "-", x->r.method_name ? x->r.method_name : "-",
                   x->r.route && (x->r.route->flags & RF_SECRET_PATH) ? x->r.route->pattern
                   : x->r.path                                        ? x->r.path
                               : (x->raw_uri ? x->raw_uri : "-"),
                   x->responded ? x->r.status : 0, x->bytes_out, time_mono_us() - x->r.started_us);
    ctx_free(x);
    *con_cls = NULL;
    atomic_fetch_sub(&g_inflight, 1);
}

static unsigned method_bit(const char *m)
{
    static const struct {
        const char *name;
        unsigned bit;
    } tab[] = {{"GET", HTTP_GET},        {"HEAD", HTTP_HEAD},   {"POST", HTTP_POST},
               {"PUT", HTTP_PUT},        {"PATCH", HTTP_PATCH}, {"DELETE", HTTP_DELETE},
               {"OPTIONS", HTTP_OPTIONS}};
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(m, tab[i].name) == 0)
            return tab[i].bit;
    return HTTP_OTHER;
}

static enum MHD_Result copy_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    ctx *x = cls;
    if (x->r.n_headers >= 100)
        return MHD_NO;
    x->r.headers[x->r.n_headers].name = arena_strdup(&x->a, key);
    x->r.headers[x->r.n_headers].value = arena_strdup(&x->a, value ? value : "");
    x->r.n_headers++;
    return MHD_YES;
}

/* Adds the size of one header line ("name: value\r\n") to *cls. */
static enum MHD_Result sum_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    *(size_t *)cls += strlen(key) + 2 + (value ? strlen(value) : 0) + 2;
    return MHD_YES;
}

/* What check_header found in the header block (see begin_request). */
typedef struct {
    size_t n, hosts, lengths, encodings;
    const char *length; /* the first Content-Length */
    bool lengths_differ;
    bool bad; /* a name that is not a token, or a control character or NUL in a value */
    const char *te;
} head_check;

/* RFC 9110 tchar: what a header name is made of. */
static bool is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static enum MHD_Result check_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    size_t key_size, const char *value, size_t value_size)
{
    head_check *h = cls;
    h->n++;
    if (!key || key_size == 0)
        h->bad = true;
    for (size_t i = 0; key && i < key_size; i++)
        if (!is_tchar((unsigned char)key[i]))
            h->bad = true;
    for (size_t i = 0; value && i < value_size; i++) {
        unsigned char c = (unsigned char)value[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            h->bad = true;
    }
    if (!key || !value)
        return MHD_YES;
    if (strcasecmp(key, "Host") == 0) {
        h->hosts++;
    } else if (strcasecmp(key, "Content-Length") == 0) {
        if (h->length && strcmp(h->length, value) != 0)
            h->lengths_differ = true;
        h->length = value;
        h->lengths++;
    } else if (strcasecmp(key, "Transfer-Encoding") == 0) {
        h->te = value;
        h->encodings++;
    }
    return MHD_YES;
}

/* Refuses a header block that is malformed in a way libmicrohttpd 0.9.75
 * lets through (RFC 9112): returns false with route_status and the message
 * set. Body framing we cannot trust (several or conflicting lengths, a
 * length with a transfer coding, a coding other than chunked) would let a
 * request smuggle another: answered at once and the connection closed. */
static bool headers_ok(ctx *x, const char *version)
{
    head_check h = {0};
    MHD_get_connection_values_n(x->conn, MHD_HEADER_KIND, check_header, &h);
    x->route_status = 400;
    if (h.n > 100) {
        x->route_status = 431;
        x->early_msg = "The request has too many header fields: send at most 100.";
    } else if (h.bad) {
        x->early_msg = "A request header is malformed: a header name must be a token and a "
                       "value must not hold control characters.";
    } else if (h.hosts > 1 || (h.hosts == 0 && version && strcmp(version, "HTTP/1.0") != 0)) {
        x->early_msg = "Send exactly one Host header.";
    } else if (h.lengths > 1 || h.encodings > 1 || (h.lengths && h.encodings) ||
               (h.te && strcasecmp(h.te, "chunked") != 0)) {
        x->early_msg = "The request body framing is ambiguous: send one Content-Length, or "
                       "Transfer-Encoding: chunked alone.";
        x->close_conn = true;
    } else {
        x->route_status = 0;
    }
    return x->route_status == 0;
}

/* Decodes the path part of the raw URI into the arena (router_decode_path).
 * False when the percent-encoding is broken or the result is not clean
 * UTF-8. */
static bool decode_path(ctx *x, const char *s, size_t n)
{
    const char *p = router_decode_path(&x->a, s, n);
    if (p)
        x->r.path = p;
    return p != NULL;
}

/* Every X-Forwarded-For line of the request joined with commas, in order
 * (one header, as RFC 9110 reads repeated lines): a proxy that adds its
 * own line after a client's must not lose to the client's. NULL if none. */
static const char *forwarded_for(ctx *x)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < x->r.n_headers; i++) {
        if (strcasecmp(x->r.headers[i].name, "X-Forwarded-For") != 0)
            continue;
        if (b.len)
            buf_putc(&b, ',');
        buf_puts(&b, x->r.headers[i].value);
    }
    const char *out = b.len && !buf_failed(&b) ? arena_strdup(&x->a, buf_str(&b)) : NULL;
    buf_free(&b);
    return out;
}

/* Step 2: everything we can decide once the headers are in. */
static void begin_request(ctx *x, const char *method, const char *version)
{
    req *r = &x->r;
    r->method = method_bit(method);
    r->method_name = arena_strdup(&x->a, method);
    r->headers = arena_zalloc(&x->a, 100 * sizeof *r->headers);
    MHD_get_connection_values(x->conn, MHD_HEADER_KIND, copy_header, x);

    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(x->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char ip[INET6_ADDRSTRLEN] = "-";
    if (ci && ci->client_addr) {
        if (ci->client_addr->sa_family == AF_INET) {
            const struct in_addr *a4 = &((const struct sockaddr_in *)ci->client_addr)->sin_addr;
            inet_ntop(AF_INET, a4, ip, sizeof ip);
            x->job.addr_key[10] = x->job.addr_key[11] = 0xff; /* ::ffff:a.b.c.d */
            memcpy(x->job.addr_key + 12, a4, 4);
        } else if (ci->client_addr->sa_family == AF_INET6) {
            const struct in6_addr *a6 = &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr;
            inet_ntop(AF_INET6, a6, ip, sizeof ip);
            memcpy(x->job.addr_key, a6, 16);
        }
    }
    /* behind a trusted proxy the client is the address it forwards (only
     * then: from anyone else X-Forwarded-For is a claim, not a fact); the
     * admission's per-client share keys on it too */
    char fwd[INET6_ADDRSTRLEN];
    if (g_trusted_proxies.n && netaddr_has(&g_trusted_proxies, ip) &&
        netaddr_forwarded(&g_trusted_proxies, forwarded_for(x), fwd, sizeof fwd) &&
        netaddr_bytes(fwd, x->job.addr_key))
        memcpy(ip, fwd, strlen(fwd) + 1);
    r->client_ip = arena_strdup(&x->a, ip);

    const char *uri = x->raw_uri ? x->raw_uri : "/";
    const char *qm = strchr(uri, '?');
    size_t plen = qm ? (size_t)(qm - uri) : strlen(uri);
    r->query_raw = qm ? arena_strdup(&x->a, qm + 1) : "";
    x->body_limit = g_cfg->max_body;
    if (!r->headers || !r->method_name || !r->client_ip || !r->query_raw) {
        x->route_status = 500;
        x->early_msg = "out of memory";
        return;
    }
    if (uri[0] != '/' || !decode_path(x, uri, plen) || strstr(r->path, "/../") ||
        strchr(r->path, '\0') != r->path + strlen(r->path)) {
        r->path = arena_strndup(&x->a, uri, plen);
        x->route_status = 400;
        return;
    }
    r->is_api = str_starts(r->path, "/api/");
    /* MHD's memory limit has slack above max_header (server_run), so a
     * header block between max_header and that limit reaches us: 431. */
    size_t head_size = strlen(method) + strlen(uri) + 12;
    MHD_get_connection_values(x->conn, MHD_HEADER_KIND, sum_header, &head_size);
    if (head_size > g_cfg->max_header) {
        x->route_status = 431;
        x->early_msg = "The request headers are too large.";
        return;
    }
    if (!headers_ok(x, version))
        return;
    const char *bad = NULL;
    form_status fs =
        form_parse_urlencoded(&x->a, r->query_raw, strlen(r->query_raw), &r->query, &bad);
    if (fs != FORM_OK) {
        x->route_status = 400;
        x->bad_query = bad ? bad : "?";
        r->query.n_fields = 0;
        return;
    }
    const route *rt = NULL;
    switch (router_match(r, r->method, r->path, &rt, &x->allowed)) {
    case ROUTE_FOUND:
        r->route = rt;
        if (rt->max_body)
            x->body_limit = rt->max_body;
        break;
    case ROUTE_NOT_FOUND:
        x->route_status = 404;
        return;
    case ROUTE_BAD_METHOD:
        x->route_status = 405;
        return;
    }
    const char *cl = req_header(r, "Content-Length");
    int64_t declared;
    if (cl && str_to_i64(cl, &declared) && declared > (int64_t)x->body_limit) {
        x->route_status = 413;
        x->too_large = true;
    }
}

/* --- responses ------------------------------------------------------------ */

static const char CSP[] = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                          "script-src 'self'; object-src 'none'; base-uri 'self'; "
                          "form-action 'self'; frame-ancestors 'none'";

static void add_header(struct MHD_Response *resp, const char *name, const char *value)
{
    MHD_add_response_header(resp, name, value);
}

static bool etag_matches(const char *inm, const char *etag)
{
    if (!inm)
        return false;
    if (strcmp(inm, "*") == 0)
        return true;
    /* a list of entity tags, possibly weak (W/"..."): ours is unique
     * enough that finding it anywhere in the list is a match */
    return strstr(inm, etag) != NULL;
}

/* Step 5: turns the request's response fields into an MHD response. */
static enum MHD_Result send_response(ctx *x)
{
    req *r = &x->r;
    char etag[40] = "";
    bool cacheable =
        (r->method == HTTP_GET || r->method == HTTP_HEAD) && r->status == 200 && !r->no_etag;
    if (buf_failed(&r->out)) {
        log_msg(LOG_LVL_ERROR, r->id, "response body allocation failed");
        r->status = 500;
        buf_free(&r->out);
        buf_printf(&r->out, "Out of memory (request %s)\n", r->id);
        r->content_type = "text/plain; charset=utf-8";
        cacheable = false;
    }
    const unsigned char *body =
        r->static_body ? r->static_body : (const unsigned char *)r->out.data;
    size_t len = r->static_body ? r->static_len : r->out.len;
    if (cacheable) {
        if (r->etag) {
            snprintf(etag, sizeof etag, "\"%s\"", r->etag);
        } else {
            unsigned char h[12];
            crypto_generichash(h, sizeof h, body, len, NULL, 0);
            char hex[25];
            str_hex(hex, h, sizeof h);
            snprintf(etag, sizeof etag, "\"%s\"", hex);
        }
        if (etag_matches(req_header(r, "If-None-Match"), etag))
            r->status = 304;
    }
    struct MHD_Response *resp;
    if (r->status == 304 || r->status == 204) {
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        len = 0;
    } else if (r->static_body) {
        resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
    } else {
        size_t n = 0;
        char *data = buf_detach(&r->out, &n);
        resp = data ? MHD_create_response_from_buffer_with_free_callback(n, data, free) : NULL;
        if (!resp)
            free(data);
        len = n;
    }
    if (!resp)
        return MHD_NO;
    x->bytes_out = len;
    if (r->status != 304)
        add_header(resp, "Content-Type",
                   r->content_type ? r->content_type : "text/html; charset=utf-8");
    add_header(resp, "X-Request-Id", r->id);
    add_header(resp, "Content-Security-Policy", CSP);
    add_header(resp, "X-Content-Type-Options", "nosniff");
    add_header(resp, "Referrer-Policy", "strict-origin-when-cross-origin");
    add_header(resp, "X-Frame-Options", "DENY");
    /* legacy browsers' XSS filter: block, never "sanitize" (scanners ask for it) */
    add_header(resp, "X-XSS-Protection", "1; mode=block");
    add_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    add_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (g_cfg->secure_cookies)
        add_header(resp, "Strict-Transport-Security", "max-age=31536000");
    /* Anything answered to a logged-in person or a Bearer token may hold
     * personal data: no cache, shared or the browser's, keeps it, whatever
     * the handler asked for. Anonymous answers keep the handler's choice. */
    add_header(resp, "Cache-Control",
               r->user            ? "private, no-store"
               : r->cache_control ? r->cache_control
                                  : "no-cache");
    if (!r->static_body && !r->is_api)
        add_header(resp, "Vary", "Accept-Language, Cookie");
    if (!r->is_api && r->lang < LANG__COUNT && !r->static_body)
        add_header(resp, "Content-Language", i18n_tag(r->lang));
    if (etag[0])
        add_header(resp, "ETag", etag);
    for (size_t i = 0; i < r->n_resp_headers; i++)
        add_header(resp, r->resp_headers[i].name, r->resp_headers[i].value);
    if (x->too_large || x->close_conn)
        add_header(resp, "Connection", "close");
    enum MHD_Result ret = MHD_queue_response(x->conn, r->status, resp);
    MHD_destroy_response(resp);
    x->responded = true;
    return ret;
}

/* Fills an early error (before any handler) into the request, in the
 * reader's language. */
static void early_error(ctx *x)
{
    req *r = &x->r;
    if (!r->path)
        r->path = "/";
    if (r->headers)
        server_hook_prepare(r);
    lang_id L = r->lang;
    const char *msg = x->early_msg;
    buf b = BUF_INIT;
    switch (x->route_status) {
    case 400:
        if (x->bad_query) {
            buf_printf(&b, T(L, MSG_HTTP_ERR_BAD_QUERY), x->bad_query);
            msg = buf_str(&b);
        } else if (!msg) {
            msg = T(L, MSG_HTTP_ERR_BAD_URL);
        }
        break;
    case 404:
        msg = T(L, MSG_HTTP_ERR_NOT_FOUND);
        break;
    case 405:
        router_allow_text(&b, x->allowed);
        resp_header(r, "Allow", buf_str(&b));
        msg = T(L, MSG_HTTP_ERR_METHOD);
        break;
    case 413: {
        char n[32];
        snprintf(n, sizeof n, "%zu", x->body_limit);
        buf_printf(&b, T(L, MSG_HTTP_ERR_TOO_LARGE), n);
        msg = buf_str(&b);
        break;
    }
    default:
        break;
    }
    resp_error(r, x->route_status, msg ? msg : http_status_text(x->route_status));
    buf_free(&b);
}

/* Test servers only (--test-routes): "X-Scan-Fail-After: N" makes the N+1st
 * allocation of this request's worker thread fail, and every one after it,
 * until the handler returns (fault injection, mem.h); with "X-Scan-Fail-Mode:
 * once" only that one allocation fails (mem_fail_once). The response then
 * carries "X-Scan-Faults: K" with the number of refused allocations, so a
 * test can loop N upward until a request runs through untouched. */
static long fault_injection(const req *r, bool *once)
{
    const char *h = g_cfg->test_routes ? req_header(r, "X-Scan-Fail-After") : NULL;
    const char *mode = h ? req_header(r, "X-Scan-Fail-Mode") : NULL;
    *once = mode && strcmp(mode, "once") == 0;
    int64_t n;
    return h && str_to_i64(h, &n) && n >= 0 && n < LONG_MAX ? (long)n : -1;
}

/* Runs the handler with the central checks first (server_hooks.h), then
 * the safety net: a request during which an allocation failed (ours or the
 * database engine's, counted by mem_failures), the request arena ran out,
 * or the database reported a failure the handler did not check, never
 * answers as if it were whole; it gets a 5xx with the request id. Only a
 * whole 200 may be kept in the page cache (server_hook_finish). */
static void run_handler(ctx *x, db *d)
{
    req *r = &x->r;
    r->db = d;
    r->body = x->body.data ? x->body.data : "";
    r->body_len = x->body.len;
    bool fail_once;
    long fail_after = fault_injection(r, &fail_once);
    unsigned long failures0 = mem_failures();
    if (fail_after >= 0 && fail_once)
        mem_fail_once(fail_after);
    else if (fail_after >= 0)
        mem_fail_after(fail_after);
    server_hook_prepare(r);
    if (server_hook_guard(r))
        r->route->fn(r);
    if (fail_after >= 0)
        mem_fail_after(-1);
    unsigned long refused = mem_failures() - failures0;
    db_status dbf = d ? db_failure(d) : DB_OK;
    bool whole = !refused && !x->a.failed && dbf == DB_OK && !buf_failed(&r->out);
    if (!whole && r->status < 500)
        resp_fail(r, dbf != DB_OK ? dbf : DB_NOMEM,
                  dbf != DB_OK ? "unchecked database failure" : "out of memory during the request");
    else if (!whole && buf_failed(&r->out)) /* an error page that itself ran out */
        resp_fail(r, dbf != DB_OK ? dbf : DB_NOMEM, "out of memory writing the error page");
    server_hook_finish(r, whole);
    if (fail_after >= 0 && refused) {
        char n[24];
        snprintf(n, sizeof n, "%lu", refused);
        resp_header(r, "X-Scan-Faults", n);
    }
    r->db = NULL;
}

/* --- the worker pools (pool.c) ------------------------------------------------- */

/* What a worker of either pool does with a request (pool.c's run): the
 * handler on the worker's connection, then the connection is resumed and
 * x belongs to the I/O thread again. */
static void run_job(pool_job *job, db *d)
{
    ctx *x = (ctx *)(void *)((char *)job - offsetof(ctx, job));
    if (!d) {
        resp_fail(&x->r, DB_ERR, "no database connection");
    } else {
        run_handler(x, d);
        if (db_in_tx(d)) /* a handler that forgot: never leak a transaction */
            log_msg(LOG_LVL_ERROR, x->r.id, "handler left a transaction open; rolled back");
        db_end_request(d);
    }
    x->state = ST_DONE;
    MHD_resume_connection(x->conn); /* x belongs to the I/O thread again */
}

/* The general pool (--threads) and the small one for the routes that
 * compute a password hash (RF_HASH, --hash-threads), so a burst of logins
 * never takes the workers everything else needs. */
static worker_pool g_pool = POOL_INIT("general", run_job);
static worker_pool g_hash_pool = POOL_INIT("password hashing", run_job);

void server_worker_stats(server_worker_stats_t *out)
{
    memset(out, 0, sizeof *out);
    out->workers = g_pool.n_workers;
    out->hash_workers = g_hash_pool.n_workers;
    pool_stats(&g_pool, &out->busy, &out->queued);
    pool_stats(&g_hash_pool, &out->hash_busy, &out->hash_queued);
}

/* --- the access handler ----------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    ctx *x = *con_cls;
    if (!x)
        return MHD_NO;
    if (!x->r.method_name) { /* first call: headers are in */
        begin_request(x, method, version);
        if (x->too_large || x->close_conn) { /* declared body over the limit or framing we
                                              * cannot trust: answer now, never read it */
            x->state = ST_DONE;
            early_error(x);
            return send_response(x);
        }
        return MHD_YES;
    }
    if (x->state == ST_DONE)
        return send_response(x);
    if (x->state == ST_QUEUED)
        return MHD_YES; /* spurious call while a worker has it */
    if (*upload_size) {
        if (!x->too_large && !x->route_status) {
            if (x->body.len + *upload_size > x->body_limit) {
                x->too_large = true;
                x->route_status = 413;
                buf_free(&x->body);
            } else {
                buf_append(&x->body, upload_data, *upload_size);
                if (buf_failed(&x->body)) {
                    x->route_status = 500;
                    x->early_msg = "out of memory";
                }
            }
        }
        /* MHD 0.9.75 refuses a response queued while a body is being read
         * (only right after the headers or after the whole request), so a
         * body we will not use (413 past the limit of a chunked body, or an
         * early error) is skipped and answered at the end; a client that
         * keeps sending well past that is cut off. */
        if (x->route_status && (x->discarded += *upload_size) > DISCARD_MAX)
            return MHD_NO;
        *upload_size = 0;
        return MHD_YES;
    }
    if (x->responded)
        return MHD_YES;
    if (x->route_status) {
        x->state = ST_DONE;
        early_error(x);
        return send_response(x);
    }
    if (x->r.route->flags & RF_INLINE) {
        run_handler(x, NULL);
        x->state = ST_DONE;
        return send_response(x);
    }
    if (server_hook_fast(&x->r)) { /* a page cache hit: no worker hand-off */
        x->state = ST_DONE;
        return send_response(x);
    }
    x->state = ST_QUEUED;
    MHD_suspend_connection(c);
    pool_enqueue(x->r.route->flags & RF_HASH ? &g_hash_pool : &g_pool, &x->job);
    return MHD_YES;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_msg(LOG_LVL_WARN, NULL, "http: %s", msg);
}

/* Parses "host:port", "[v6]:port" or ":port" into a socket address. */
static bool parse_listen(const char *s, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    const char *colon = strrchr(s, ':');
    if (!colon)
        return false;
    int64_t port;
    if (!str_to_i64(colon + 1, &port) || port < 0 || port > 65535)
        return false;
    char host[64];
    size_t hl = (size_t)(colon - s);
    if (hl >= sizeof host)
        return false;
    memcpy(host, s, hl);
    host[hl] = '\0';
    if (host[0] == '[') {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        size_t l = strlen(host);
        if (l < 2 || host[l - 1] != ']')
            return false;
        host[l - 1] = '\0';
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    if (!host[0]) {
        a4->sin_addr.s_addr = htonl(INADDR_ANY);
        return true;
    }
    return inet_pton(AF_INET, host, &a4->sin_addr) == 1;
}

bool server_listen_valid(const char *s)
{
    struct sockaddr_storage ss;
    return s && parse_listen(s, &ss);
}

int server_run(const server_config *cfg)
{
    int rc = 1;
    g_cfg = cfg;
    g_started = time_now();
    if (!netaddr_parse(cfg->metrics_allow, &g_metrics_allow)) {
        log_error("cannot parse --metrics-allow '%s': use addresses and networks such as "
                  "127.0.0.1, ::1, 10.0.0.0/8",
                  cfg->metrics_allow);
        return 1;
    }
    if (!netaddr_parse(cfg->trusted_proxies, &g_trusted_proxies)) {
        log_error("cannot parse --trusted-proxies '%s': use addresses and networks such as "
                  "127.0.0.1, 10.0.0.0/8",
                  cfg->trusted_proxies);
        return 1;
    }
    if (!metrics_init(n_routes + 1)) { /* one slot per route, the last for no route */
        log_error("out of memory for the request counters");
        return 1;
    }
    struct sockaddr_storage ss;
    if (!parse_listen(cfg->listen, &ss)) {
        log_error("cannot parse --listen %s: use host:port, e.g. 127.0.0.1:8080", cfg->listen);
        return 1;
    }

    /* Signals are taken by sigwait() in this thread only. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    randombytes_buf(&g_id_prefix, sizeof g_id_prefix);
    db *first = NULL;
    probe_once(&first); /* so /healthz is right from the first request */
    db_close(first);
    probe_stop = false;
    g_probe_started = pthread_create(&g_probe, NULL, probe_main, NULL) == 0;

    if (!pool_start(&g_pool, cfg->workers, cfg->worker_share, true, cfg->conn_limit, cfg->db_path,
                    cfg->sync_normal) ||
        !pool_start(&g_hash_pool, cfg->hash_workers, 1, false, cfg->conn_limit, cfg->db_path,
                    cfg->sync_normal))
        goto stop_workers;
    if (!linger_begin())
        log_warn("no lingering close: connections answered early are closed at once");

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    g_daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)(cfg->io_threads ? cfg->io_threads : 1), MHD_OPTION_CONNECTION_LIMIT,
        cfg->conn_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(cfg->max_header + 8 * 1024), MHD_OPTION_URI_LOG_CALLBACK, uri_log, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024,
        MHD_OPTION_END);
    if (!g_daemon) {
        log_error("cannot listen on %s: %s (is the port in use?)", cfg->listen, strerror(errno));
        goto stop_workers;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(g_daemon, MHD_DAEMON_INFO_BIND_PORT);
    char host[64];
    snprintf(host, sizeof host, "%s", cfg->listen);
    char *colon = strrchr(host, ':');
    if (colon)
        *colon = '\0';
    g_public_url[0] = '\0';
    if (cfg->public_url) {
        size_t n = strlen(cfg->public_url);
        if (n >= 2 && strcmp(cfg->public_url + n - 2, ":0") == 0 && di)
            snprintf(g_public_url, sizeof g_public_url, "%.*s:%u", (int)(n - 2), cfg->public_url,
                     di->port);
        else
            snprintf(g_public_url, sizeof g_public_url, "%s", cfg->public_url);
    }
    char shown[512]; /* a PostgreSQL URL's password never reaches the log */
    db_path_for_log(cfg->db_path, shown, sizeof shown);
    log_info("listening on http://%s:%u/ (%u I/O threads, %u workers (%u per address before "
             "others), %u for password hashing, database %s)",
             host[0] ? host : "0.0.0.0", di ? di->port : 0, cfg->io_threads, g_pool.n_workers,
             g_pool.share, g_hash_pool.n_workers, shown);

    int sig = 0;
    sigwait(&sigs, &sig);
    log_info("signal %d: stopping, waiting up to %us for %d request(s)", sig, cfg->shutdown_wait_s,
             atomic_load(&g_inflight));
    MHD_socket lfd = MHD_quiesce_daemon(g_daemon);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    uint64_t deadline = time_mono_us() + (uint64_t)cfg->shutdown_wait_s * 1000000u;
    while (atomic_load(&g_inflight) > 0 && time_mono_us() < deadline)
        usleep(10000);
    rc = 0;

stop_workers:
    pool_stop(&g_pool);
    pool_stop(&g_hash_pool);
    if (g_daemon) {
        MHD_stop_daemon(g_daemon);
        g_daemon = NULL;
    }
    linger_end();
    if (g_probe_started) {
        pthread_mutex_lock(&probe_lock);
        probe_stop = true;
        pthread_cond_signal(&probe_cond);
        pthread_mutex_unlock(&probe_lock);
        pthread_join(g_probe, NULL);
        g_probe_started = false;
    }
    metrics_shutdown();
    if (rc == 0)
        log_info("stopped");
    return rc;
}
