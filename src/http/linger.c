/* linger.c: the lingering close of connections the server answers before
 * the client has sent everything (moved out of server.c, which calls
 * linger_begin/linger_end around the daemon and linger_start from its
 * completion callback). See linger.h. */
#include "http/linger.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/timeutil.h"

/* When the server closes a connection while the client is still sending
 * (413 for a body over the limit, 431 for a header block over the limit,
 * framing we refuse), closing at once makes the kernel answer the unread
 * bytes with a TCP reset, and the client often loses the answer we sent
 * (curl: "Empty reply", node: "socket hang up"). libmicrohttpd 0.9.75 has
 * no lingering close, so we do what nginx does (lingering_close): keep a
 * duplicate of the socket when MHD lets go of it (MHD shuts down the write
 * side, so the client sees the end of the answer; our duplicate keeps the
 * socket from being reset when MHD closes its descriptor), then one thread
 * reads and discards what the client still sends until it closes, up to
 * LINGER_BYTES or LINGER_US, and closes. At most LINGER_MAX sockets linger
 * at once; past that a connection is closed at once, as before. */
#define LINGER_MAX   256
#define LINGER_BYTES (16u * 1024 * 1024)
#define LINGER_US    (5u * 1000000u)

typedef struct {
    int fd;
    uint64_t until_us;
    size_t discarded;
} lingerer;

static pthread_mutex_t linger_lock = PTHREAD_MUTEX_INITIALIZER;
static int linger_incoming[LINGER_MAX]; /* handed over, not yet adopted */
static unsigned linger_n_incoming;
static atomic_uint linger_count; /* incoming + adopted */
static int linger_wake[2] = {-1, -1};
static atomic_bool linger_stop;
static pthread_t g_linger;
static bool g_linger_started;

static void *linger_main(void *arg)
{
    static lingerer held[LINGER_MAX];
    struct pollfd pfd[LINGER_MAX + 1];
    static char sink[65536];
    unsigned n = 0;
    while (!atomic_load(&linger_stop)) {
        pthread_mutex_lock(&linger_lock);
        uint64_t now = time_mono_us();
        for (unsigned i = 0; i < linger_n_incoming && n < LINGER_MAX; i++) {
            held[n].fd = linger_incoming[i];
            held[n].until_us = now + LINGER_US;
            held[n].discarded = 0;
            shutdown(held[n].fd, SHUT_WR); /* MHD does too; the answer is all sent */
            n++;
        }
        linger_n_incoming = 0;
        pthread_mutex_unlock(&linger_lock);
        int timeout_ms = 1000;
        for (unsigned i = 0; i < n; i++) {
            pfd[i].fd = held[i].fd;
            pfd[i].events = POLLIN;
            pfd[i].revents = 0;
            int64_t left = ((int64_t)held[i].until_us - (int64_t)now) / 1000 + 1;
            if (left < timeout_ms)
                timeout_ms = left > 0 ? (int)left : 0;
        }
        pfd[n].fd = linger_wake[0];
        pfd[n].events = POLLIN;
        pfd[n].revents = 0;
        if (poll(pfd, n + 1, timeout_ms) < 0 && errno != EINTR)
            break;
        if (pfd[n].revents & POLLIN)
            while (read(linger_wake[0], sink, sizeof sink) > 0) {
            }
        now = time_mono_us();
        for (unsigned i = 0; i < n;) {
            bool done = now >= held[i].until_us || held[i].discarded >= LINGER_BYTES;
            if (!done && pfd[i].revents) {
                ssize_t got;
                while ((got = recv(held[i].fd, sink, sizeof sink, MSG_DONTWAIT)) > 0)
                    if ((held[i].discarded += (size_t)got) >= LINGER_BYTES)
                        break;
                done = got == 0 ||
                       (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ||
                       held[i].discarded >= LINGER_BYTES;
            }
            if (done) {
                close(held[i].fd);
                atomic_fetch_sub(&linger_count, 1);
                held[i] = held[--n];
                pfd[i] = pfd[n]; /* keep revents paired with its socket */
            } else {
                i++;
            }
        }
    }
    for (unsigned i = 0; i < n; i++)
        close(held[i].fd);
    pthread_mutex_lock(&linger_lock);
    for (unsigned i = 0; i < linger_n_incoming; i++)
        close(linger_incoming[i]);
    linger_n_incoming = 0;
    pthread_mutex_unlock(&linger_lock);
    atomic_store(&linger_count, 0);
    return NULL;
}

/* Called from on_completed (I/O thread) for a connection MHD is about to
 * close: keeps a duplicate of its socket for the lingering thread. */
void linger_start(struct MHD_Connection *c)
{
    if (!g_linger_started)
        return;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci || ci->connect_fd == MHD_INVALID_SOCKET)
        return;
    if (atomic_fetch_add(&linger_count, 1) >= LINGER_MAX) {
        atomic_fetch_sub(&linger_count, 1);
        return;
    }
    int fd = fcntl(ci->connect_fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        atomic_fetch_sub(&linger_count, 1);
        return;
    }
    pthread_mutex_lock(&linger_lock);
    linger_incoming[linger_n_incoming++] = fd; /* < LINGER_MAX by linger_count */
    pthread_mutex_unlock(&linger_lock);
    ssize_t w = write(linger_wake[1], "", 1);
    (void)w; /* a full pipe already means "wake up" */
}

bool linger_begin(void)
{
    atomic_store(&linger_stop, false);
    atomic_store(&linger_count, 0);
    linger_n_incoming = 0;
    if (pipe2(linger_wake, O_CLOEXEC | O_NONBLOCK) != 0)
        return false;
    g_linger_started = pthread_create(&g_linger, NULL, linger_main, NULL) == 0;
    return g_linger_started;
}

void linger_end(void)
{
    if (g_linger_started) {
        atomic_store(&linger_stop, true);
        ssize_t w = write(linger_wake[1], "", 1);
        (void)w;
        pthread_join(g_linger, NULL);
        g_linger_started = false;
    }
    for (int i = 0; i < 2; i++)
        if (linger_wake[i] >= 0) {
            close(linger_wake[i]);
            linger_wake[i] = -1;
        }
}
