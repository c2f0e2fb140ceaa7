/* ical.c: iCalendar through libical (see ical.h).
 *
 * libical's built-in zones are loaded once and shared; loading is guarded
 * by a mutex of our own because the library's lazy loader is not safe to
 * enter from two worker threads at once. Each calendar is built as a
 * component tree and serialised with icalcomponent_as_ical_string_r,
 * which returns memory the caller owns (the plain variant uses a ring
 * buffer shared by the thread). */
#include "ical/ical.h"

#include <assert.h>
#include <libical/ical.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TZID "Europe/Belgrade"
#define MAX_ZONES    8

static pthread_mutex_t zone_lock = PTHREAD_MUTEX_INITIALIZER;

static icaltimezone *zone(const char *tzid)
{
    pthread_mutex_lock(&zone_lock);
    icaltimezone *z = icaltimezone_get_builtin_timezone(tzid ? tzid : DEFAULT_TZID);
    if (z)
        (void)icaltimezone_get_component(z); /* load it now, under the lock */
    pthread_mutex_unlock(&zone_lock);
    return z;
}

/* utc as the local time of zone z, marked as z's (libical 3.0.16 converts
 * the fields but leaves the zone UTC, which would write "10:00Z" for 10:00
 * in Belgrade). */
static struct icaltimetype local_time(int64_t utc, icaltimezone *z)
{
    struct icaltimetype t = icaltime_from_timet_with_zone((time_t)utc, 0, z);
    return icaltime_set_timezone(&t, z);
}

/* A date-time property in zone z, with its TZID parameter. */
static icalproperty *at(icalproperty *p, icaltimezone *z)
{
    icalproperty_add_parameter(p, icalparameter_new_tzid(icaltimezone_get_tzid(z)));
    return p;
}

static void add_text(icalcomponent *c, icalproperty *(*make)(const char *), const char *v)
{
    if (v && *v)
        icalcomponent_add_property(c, make(v));
}

/* No space, control character or DEL: safe for the values libical writes
 * as they are (URIs, the UID). */
static bool is_token(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || *s == 0x7f)
            return false;
    return true;
}

static icalcomponent *vevent(const ical_event *e, icaltimezone *z)
{
    icalcomponent *c = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    icalcomponent_add_property(c, icalproperty_new_uid(e->uid));
    icalcomponent_add_property(c, icalproperty_new_dtstamp(local_time(e->stamp, utc)));
    icalcomponent_add_property(c, icalproperty_new_lastmodified(local_time(e->stamp, utc)));
    icalcomponent_add_property(c, icalproperty_new_sequence((int)e->sequence));
    icalcomponent_add_property(c, at(icalproperty_new_dtstart(local_time(e->starts_at, z)), z));
    int64_t end = e->ends_at > e->starts_at ? e->ends_at : e->starts_at;
    icalcomponent_add_property(c, at(icalproperty_new_dtend(local_time(end, z)), z));
    icalcomponent_add_property(c, icalproperty_new_summary(e->summary));
    add_text(c, icalproperty_new_description, e->description);
    add_text(c, icalproperty_new_location, e->location);
    if (e->url && *e->url && is_token(e->url)) /* a URI is written unescaped */
        icalcomponent_add_property(c, icalproperty_new_url(e->url));
    icalcomponent_add_property(
        c, icalproperty_new_status(e->cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
    if (e->alarm_before > 0 && !e->cancelled) {
        icalcomponent *al = icalcomponent_new(ICAL_VALARM_COMPONENT);
        icalcomponent_add_property(al, icalproperty_new_action(ICAL_ACTION_DISPLAY));
        struct icaltriggertype tr;
        memset(&tr, 0, sizeof tr);
        tr.time = icaltime_null_time();
        tr.duration = icaldurationtype_from_int(-(int)e->alarm_before);
        icalcomponent_add_property(al, icalproperty_new_trigger(tr));
        icalcomponent_add_property(
            al, icalproperty_new_description(e->alarm_text ? e->alarm_text : e->summary));
        icalcomponent_add_component(c, al);
    }
    return c;
}

bool ical_write(buf *out, const char *name, const ical_event *ev, size_t n)
{
    assert(out && (ev || n == 0));
    icaltimezone *zones[MAX_ZONES];
    int64_t first[MAX_ZONES];
    size_t nz = 0;
    bool ok = true;
    icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal,
                               icalproperty_new_prodid("-//SCAN//Serbian Cluster Association//EN"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    if (name && *name) {
        /* The name twice: NAME (RFC 7986), a text property libical escapes
         * in full, and X-WR-CALNAME, which most clients read. libical
         * writes an X- value as given, escaping only backslashes, so there
         * control characters become spaces (no name can end a line and
         * start a component) and so do ';' and ',' (which a strict parser
         * would read as separators). */
        size_t len = strlen(name);
        char *clean = malloc(len + 1);
        if (!clean) {
            ok = false;
        } else {
            for (size_t i = 0; i <= len; i++) {
                unsigned char c = (unsigned char)name[i];
                clean[i] = i < len && (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
            }
            icalcomponent_add_property(cal, icalproperty_new_name(clean));
            for (size_t i = 0; i < len; i++)
                if (clean[i] == ';' || clean[i] == ',')
                    clean[i] = ' ';
            icalproperty *p = icalproperty_new_x(clean);
            icalproperty_set_x_name(p, "X-WR-CALNAME");
            icalcomponent_add_property(cal, p);
            free(clean);
        }
    }
    /* first the zones (clients expect a VTIMEZONE before its use), each
     * with its rules from a year before its first event on: enough for
     * any client, and a fraction of the 1884-on history */
    icaltimezone **ez = n ? calloc(n, sizeof *ez) : NULL;
    if (n && !ez)
        ok = false;
    for (size_t i = 0; ok && i < n; i++) {
        const ical_event *e = &ev[i];
        icaltimezone *z =
            e->summary && e->uid && *e->uid && is_token(e->uid) ? zone(e->tzid) : NULL;
        if (!z) {
            ok = false;
            break;
        }
        ez[i] = z;
        size_t k = 0;
        while (k < nz && zones[k] != z)
            k++;
        if (k == nz) {
            if (nz == MAX_ZONES) {
                ok = false;
                break;
            }
            zones[nz] = z;
            first[nz++] = e->starts_at;
        } else if (e->starts_at < first[k]) {
            first[k] = e->starts_at;
        }
    }
    for (size_t k = 0; ok && k < nz; k++) {
        icalcomponent *vtz = icalcomponent_new_clone(icaltimezone_get_component(zones[k]));
        struct icaltimetype from = icaltime_from_timet_with_zone(
            (time_t)(first[k] - 366 * 86400), 0, icaltimezone_get_utc_timezone());
        icaltimezone_truncate_vtimezone(vtz, from, icaltime_null_time(), 0);
        icalcomponent_add_component(cal, vtz);
    }
    for (size_t i = 0; ok && i < n; i++)
        icalcomponent_add_component(cal, vevent(&ev[i], ez[i]));
    free(ez);
    if (ok) {
        char *s = icalcomponent_as_ical_string_r(cal);
        if (s) {
            buf_puts(out, s);
            free(s);
        } else {
            ok = false;
        }
    }
    icalcomponent_free(cal);
    return ok && !buf_failed(out);
}

/* --- wall times in a named zone ---------------------------------------------------- */

bool ical_zone_known(const char *tzid)
{
    if (!tzid || !*tzid || strlen(tzid) > 64 || strstr(tzid, "..") || !strchr(tzid, '/'))
        return false;
    for (const char *p = tzid; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '/' || c == '+' || c == '-'))
            return false;
    }
    return zone(tzid) != NULL;
}

bool ical_local_to_utc(const char *tzid, int y, int mo, int d, int h, int mi, int64_t *out)
{
    assert(out);
    if (!ical_zone_known(tzid) || y < 1970 || y > 2199 || mo < 1 || mo > 12 || d < 1 ||
        d > icaltime_days_in_month(mo, y) || h < 0 || h > 23 || mi < 0 || mi > 59)
        return false;
    icaltimezone *z = zone(tzid);
    struct icaltimetype t = icaltime_null_time();
    t.year = y;
    t.month = mo;
    t.day = d;
    t.hour = h;
    t.minute = mi;
    t.is_date = 0;
    t = icaltime_set_timezone(&t, z);
    *out = (int64_t)icaltime_as_timet_with_zone(t, z);
    return true;
}

bool ical_utc_to_local(const char *tzid, int64_t utc, char date[11], char hm[6])
{
    if (!ical_zone_known(tzid))
        return false;
    struct icaltimetype t = local_time(utc, zone(tzid));
    char tmp[48]; /* the fields are in range; the size only quiets the compiler */
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", t.year, t.month, t.day);
    memcpy(date, tmp, 10);
    date[10] = '\0';
    snprintf(tmp, sizeof tmp, "%02d:%02d", t.hour, t.minute);
    memcpy(hm, tmp, 5);
    hm[5] = '\0';
    return true;
}
