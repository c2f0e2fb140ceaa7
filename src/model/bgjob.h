/* bgjob.h: a background job of `scan serve`: one thread with its own
 * database connection that works in rounds, waits between them, and stops
 * when asked. The mail sender, the digest, the newsletter and the versions
 * poller are each one; this is the start, the wait and the stop they share.
 *
 * Started and stopped from one thread (cli_serve); the job's thread reads
 * j->d and calls bgjob_wait between rounds. */
#ifndef SCAN_BGJOB_H
#define SCAN_BGJOB_H

#include <pthread.h>
#include <stdbool.h>

#include "db/db.h"

typedef struct bgjob {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    bool running;
    bool stop; /* under mu */
    db *d;     /* the job's own connection, open while it runs */
} bgjob;

#define BGJOB_INIT                                                                                 \
    {                                                                                              \
        .mu = PTHREAD_MUTEX_INITIALIZER                                                            \
    }

/* Opens db_path with opts as j->d and runs fn(arg) on a new thread that
 * blocks every signal (SIGTERM and SIGINT go to the server's sigwait).
 * 0, or -1 after logging why, each line starting with name; then nothing
 * is left open. */
int bgjob_start(bgjob *j, const char *name, const char *db_path, const db_options *opts,
                void *(*fn)(void *), void *arg);
/* On the job's thread: waits ms milliseconds (0: none) or until
 * bgjob_stop; true when the job is to end. */
bool bgjob_wait(bgjob *j, unsigned ms);
/* Tells the job to end, wakes it, waits for its thread and closes its
 * connection. Nothing when it is not running. */
void bgjob_stop(bgjob *j);

#endif
