/* timeutil.h: clocks and UTC timestamps.
 *
 * The database stores times as UTC Unix seconds (INTEGER); pages show them
 * in Europe/Belgrade local time through i18n_fmt_date(). time_setup_zone()
 * makes the process's local zone Europe/Belgrade once at start-up so that
 * localtime_r() means Belgrade everywhere. */
#ifndef SCAN_TIMEUTIL_H
#define SCAN_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/buf.h"

/* Sets TZ=Europe/Belgrade and calls tzset(). Call before threads start. */
void time_setup_zone(void);
/* Seconds since the Unix epoch, UTC; the fixed time of time_set_now() while
 * one is set. */
int64_t time_now(void);
/* Test hook: makes time_now() return unix_utc (> 0) from now on, in every
 * thread, until called with 0, which brings back the real clock. Lets a test
 * fix "today" (a date in Belgrade, see rights.c and cluster.c) so that it
 * cannot flip at midnight between the test's date and the code's. The
 * server never calls it. time_mono_us() is not affected. */
void time_set_now(int64_t unix_utc);
/* Monotonic microseconds, for durations. */
uint64_t time_mono_us(void);
/* CLOCK_MONOTONIC ms milliseconds from now: the deadline of a
 * pthread_cond_timedwait on a condition set to that clock. */
struct timespec time_mono_after_ms(unsigned ms);
/* Appends an RFC 3339 UTC timestamp such as 2026-11-26T04:38:27Z. */
void time_fmt_iso(buf *out, int64_t unix_utc);
/* Appends an IMF-fixdate for HTTP headers: Thu, 26 Nov 2026 04:38:27 GMT. */
void time_fmt_http(buf *out, int64_t unix_utc);

/* --- calendar dates in Belgrade (the process zone), written YYYY-MM-DD --- */

/* Writes today's date (time_now() in the process zone) to out; "" when the
 * clock cannot be read. */
void time_today(char out[11]);
/* This year in the process zone; 0 when the clock cannot be read. */
int time_year(void);
/* True for a real calendar date written YYYY-MM-DD, years 1900..2199. */
bool time_date_valid(const char *s);
/* Sets *out to the Unix time at which the date s plus add_days begins in
 * the process zone (local midnight). False, *out untouched, unless s is a
 * valid date (time_date_valid) from 1970 on. */
bool time_date_start(const char *s, int add_days, int64_t *out);
/* Writes to out the valid date `date` moved by years (29 February becomes
 * 28 February in a year that has none). */
void time_date_add_years(char out[11], const char *date, int years);

#endif
