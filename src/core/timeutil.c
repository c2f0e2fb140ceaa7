/* timeutil.c: clocks and timestamp formatting (see timeutil.h). */
#include "core/timeutil.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* time_set_now()'s fixed time; 0: the real clock. */
static _Atomic int64_t fixed_now;

void time_setup_zone(void)
{
    setenv("TZ", "Europe/Belgrade", 1);
    tzset();
}

int64_t time_now(void)
{
    int64_t fixed = atomic_load_explicit(&fixed_now, memory_order_relaxed);
    if (fixed > 0)
        return fixed;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

void time_set_now(int64_t unix_utc)
{
    atomic_store_explicit(&fixed_now, unix_utc > 0 ? unix_utc : 0, memory_order_relaxed);
}

uint64_t time_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void time_fmt_iso(buf *out, int64_t unix_utc)
{
    time_t t = (time_t)unix_utc;
    struct tm tm;
    gmtime_r(&t, &tm);
    buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
               tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void time_fmt_http(buf *out, int64_t unix_utc)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)unix_utc;
    struct tm tm;
    gmtime_r(&t, &tm);
    buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
               months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
