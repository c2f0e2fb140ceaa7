/* bgjob.c: see bgjob.h. */
#include "model/bgjob.h"

#include <assert.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/timeutil.h"

int bgjob_start(bgjob *j, const char *name, const char *db_path, const db_options *opts,
                void *(*fn)(void *), void *arg)
{
    assert(j && name && db_path && fn);
    if (j->running) {
        log_error("%s: the job runs already", name);
        return -1;
    }
    buf err = BUF_INIT;
    if (db_open(db_path, opts, &j->d, &err) != DB_OK) {
        char shown[512]; /* a URL's password never reaches the log */
        db_path_for_log(db_path, shown, sizeof shown);
        log_error("%s: cannot open %s: %s", name, shown, buf_str(&err));
        buf_free(&err);
        return -1;
    }
    buf_free(&err);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    bool cv_ready = pthread_cond_init(&j->cv, &ca) == 0;
    pthread_condattr_destroy(&ca);
    int e = 0;
    if (cv_ready) {
        j->stop = false;
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        e = pthread_create(&j->th, NULL, fn, arg);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    if (!cv_ready || e != 0) {
        log_error("%s: cannot start the job's thread: %s", name,
                  cv_ready ? strerror(e) : "no condition variable");
        if (cv_ready)
            pthread_cond_destroy(&j->cv);
        db_close(j->d);
        j->d = NULL;
        return -1;
    }
    j->running = true;
    return 0;
}

bool bgjob_wait(bgjob *j, unsigned ms)
{
    struct timespec until = time_mono_after_ms(ms);
    pthread_mutex_lock(&j->mu);
    while (!j->stop && pthread_cond_timedwait(&j->cv, &j->mu, &until) == 0)
        ; /* woken without stop: spurious, wait on */
    bool stop = j->stop;
    pthread_mutex_unlock(&j->mu);
    return stop;
}

void bgjob_stop(bgjob *j)
{
    if (!j->running)
        return;
    pthread_mutex_lock(&j->mu);
    j->stop = true;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->th, NULL);
    pthread_cond_destroy(&j->cv);
    db_close(j->d);
    j->d = NULL;
    j->running = false;
}
