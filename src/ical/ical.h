/* ical.h: the one iCalendar (RFC 5545) writer, on libical (Debian
 * libical-dev). Events, funding-call deadlines and consultation deadlines
 * all go through ical_write, so every feed has the same time zones,
 * escaping and line folding, done by the library rather than by hand.
 *
 * Times are given in UTC and written as local times of the event's zone
 * (Europe/Belgrade unless the event names another, e.g. Europe/Brussels
 * for an EU deadline) with that zone's VTIMEZONE in the calendar, so a
 * calendar shows 10:00 in Belgrade on both sides of a daylight-saving
 * change. Zones are named by their plain tz database names
 * (TZID=Europe/Belgrade, in the VTIMEZONE and in every DTSTART/DTEND),
 * never by libical's prefixed ones. Text is UTF-8 and escaped by
 * libical. */
#ifndef SCAN_ICAL_H
#define SCAN_ICAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct ical_event {
    const char *uid;         /* globally unique and stable, e.g. "event-12@scan.example"; no
                                spaces or control characters (refused) */
    const char *summary;     /* required */
    const char *description; /* may be NULL */
    const char *location;    /* may be NULL */
    const char *url;         /* may be NULL; left out when it holds a space or control character */
    const char *tzid;        /* an Olson name; NULL: Europe/Belgrade */
    int64_t starts_at;       /* UTC seconds */
    int64_t ends_at;         /* UTC seconds; 0: a moment (a deadline), DTEND = DTSTART */
    int64_t stamp;           /* DTSTAMP and LAST-MODIFIED: the last change, UTC */
    int64_t sequence;        /* SEQUENCE: grows with each change clients must notice */
    bool cancelled;          /* STATUS:CANCELLED */
    int64_t alarm_before;    /* seconds before the start for a VALARM; 0: none */
    const char *alarm_text;  /* the alarm's DESCRIPTION; NULL: the summary */
} ical_event;

/* Appends one content line "NAME:value\r\n" with value escaped as RFC
 * 5545 TEXT (backslash, semicolon, comma, line breaks as \n; other
 * control characters become spaces) and folded at 75 octets without
 * splitting a UTF-8 character: the writer of text properties libical
 * leaves unescaped (X-WR-CALNAME). */
void ical_put_text_prop(buf *out, const char *name, const char *value);

/* Appends a VCALENDAR named name (X-WR-CALNAME; may be NULL) holding the n
 * events and the VTIMEZONE of every zone they use. False (out unchanged
 * or marked failed) on an unknown zone, a missing summary or no memory. */
bool ical_write(buf *out, const char *name, const ical_event *ev, size_t n);

/* --- wall times in a named zone (funding-call deadlines) ----------------- *
 * The zone database is libical's (the same rules the feeds' VTIMEZONEs
 * carry), so a deadline typed as 17:00 Europe/Brussels and the calendar
 * that shows it agree on both sides of a daylight-saving change, and no
 * thread touches the process's TZ. */

/* Whether tzid is a canonical zone name of the tz database (a Zone line
 * of /usr/share/zoneinfo/tzdata.zi such as Europe/Brussels, at most 64
 * characters of [A-Za-z0-9_+/-]) or "UTC". Links (Europe/Kiev,
 * US/Eastern), the right/ and posix/ trees and anything with ".." are
 * refused. */
bool ical_zone_known(const char *tzid);

typedef enum {
    ICAL_LOCAL_ONE = 0, /* the wall time happens once that day */
    ICAL_LOCAL_GAP,     /* it does not happen: clocks jump over it (spring) */
    ICAL_LOCAL_TWICE,   /* it happens twice: clocks go back over it (autumn) */
} ical_local;

/* The UTC instant of the wall time y-mo-d h:mi in zone tzid into *out,
 * and into *kind whether that wall time exists once, not at all (*out 0)
 * or twice; of two, the earlier instant is taken (the first 02:30, still
 * summer time), the rule the call pages state. False on an unknown zone
 * or a field out of range. */
bool ical_local_check(const char *tzid, int y, int mo, int d, int h, int mi, int64_t *out,
                      ical_local *kind);
/* ical_local_check's instant; false also for a wall time in a gap. */
bool ical_local_to_utc(const char *tzid, int y, int mo, int d, int h, int mi, int64_t *out);
/* For a wall time in a gap: the wall times the clocks jump from and to
 * ("02:00", "03:00"); for one that happens twice, those they go back
 * from and to ("03:00", "02:00"). False when no change is near. */
bool ical_gap_bounds(const char *tzid, int y, int mo, int d, int h, int mi, char from[6],
                     char to[6]);
/* The wall time of the UTC instant utc in zone tzid: "YYYY-MM-DD" into
 * date and "HH:MM" into hm. False on an unknown zone. */
bool ical_utc_to_local(const char *tzid, int64_t utc, char date[11], char hm[6]);

#endif
