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

/* The TZID a feed names zone z by: its tz database name ("Europe/Belgrade"),
 * the name every client knows. libical's own TZID for a built-in zone
 * carries its prefix ("/freeassociation.sourceforge.net/Europe/Belgrade"),
 * which Outlook and some phones show as it stands or fail to match to a
 * zone; the VTIMEZONE written beside it gets the same plain name
 * (plain_vtimezone), so the two always agree. Changing libical's prefix
 * instead (icaltimezone_set_tzid_prefix) would be process-wide state that
 * must be set before any zone loads, on every thread's path. */
static const char *plain_tzid(icaltimezone *z)
{
    const char *loc = icaltimezone_get_location(z);
    return loc && *loc ? loc : icaltimezone_get_tzid(z);
}

/* A date-time property in zone z, with its TZID parameter. */
static icalproperty *at(icalproperty *p, icaltimezone *z)
{
    if (z == icaltimezone_get_utc_timezone())
        return p; /* written with a Z, no TZID (RFC 5545 3.3.5) */
    icalproperty_add_parameter(p, icalparameter_new_tzid(plain_tzid(z)));
    return p;
}

/* vtz (a clone of z's VTIMEZONE) named by plain_tzid(z). */
static void plain_vtimezone(icalcomponent *vtz, icaltimezone *z)
{
    icalproperty *id = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
    if (id)
        icalproperty_set_tzid(id, plain_tzid(z));
    else
        icalcomponent_add_property(vtz, icalproperty_new_tzid(plain_tzid(z)));
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

/* Appends one octet run of a content line, folding (CRLF and a space)
 * before a character that would take the line past 75 octets; *col
 * counts the octets on the current line. Never splits a UTF-8 sequence. */
static void put_folded(buf *out, const char *s, size_t n, size_t *col)
{
    size_t i = 0;
    while (i < n) {
        size_t len = 1;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0xc0)
            while (i + len < n && ((unsigned char)s[i + len] & 0xc0) == 0x80)
                len++;
        if (*col + len > 75) {
            buf_puts(out, "\r\n ");
            *col = 1;
        }
        buf_append(out, s + i, len);
        *col += len;
        i += len;
    }
}

void ical_put_text_prop(buf *out, const char *name, const char *value)
{
    assert(out && name && value);
    size_t col = 0;
    put_folded(out, name, strlen(name), &col);
    put_folded(out, ":", 1, &col);
    for (const char *p = value; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0xc0) { /* a whole UTF-8 sequence at once: folding never splits it */
            size_t len = 1;
            while (((unsigned char)p[len] & 0xc0) == 0x80)
                len++;
            put_folded(out, p, len, &col);
            p += len - 1;
            continue;
        }
        const char *esc = c == '\\' ? "\\\\" : c == ';' ? "\\;" : c == ',' ? "\\," : NULL;
        if (c == '\r' && p[1] == '\n')
            continue; /* CRLF: one line break */
        if (c == '\n' || c == '\r')
            esc = "\\n";
        else if ((c < 0x20 && c != '\t') || c == 0x7f)
            esc = " "; /* no other control character is allowed in TEXT */
        put_folded(out, esc ? esc : p, esc ? strlen(esc) : 1, &col);
    }
    buf_puts(out, "\r\n");
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
        /* RFC 7986 NAME, a text property libical escapes, but for control
         * characters: those become spaces (X-WR-CALNAME below is ours) */
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
        if (zones[k] == icaltimezone_get_utc_timezone())
            continue; /* UTC needs no VTIMEZONE */
        icalcomponent *vtz = icalcomponent_new_clone(icaltimezone_get_component(zones[k]));
        struct icaltimetype from = icaltime_from_timet_with_zone(
            (time_t)(first[k] - 366 * 86400), 0, icaltimezone_get_utc_timezone());
        icaltimezone_truncate_vtimezone(vtz, from, icaltime_null_time(), 0);
        plain_vtimezone(vtz, zones[k]);
        icalcomponent_add_component(cal, vtz);
    }
    for (size_t i = 0; ok && i < n; i++)
        icalcomponent_add_component(cal, vevent(&ev[i], ez[i]));
    free(ez);
    if (ok) {
        char *s = icalcomponent_as_ical_string_r(cal);
        if (s) {
            /* X-WR-CALNAME, which most clients read, goes in by our hand
             * right after BEGIN:VCALENDAR: libical escapes an X- value's
             * backslashes and newlines but leaves ';' and ',' bare */
            static const char begin[] = "BEGIN:VCALENDAR\r\n";
            size_t skip = strncmp(s, begin, sizeof begin - 1) == 0 ? sizeof begin - 1 : 0;
            buf_append(out, s, skip);
            if (name && *name && skip)
                ical_put_text_prop(out, "X-WR-CALNAME", name);
            buf_puts(out, s + skip);
            free(s);
        } else {
            ok = false;
        }
    }
    icalcomponent_free(cal);
    return ok && !buf_failed(out);
}

/* --- wall times in a named zone ---------------------------------------------------- */

/* The canonical zone names: the Zone lines ("Z name ...") of the tz
 * database's compact source, sorted; links (Europe/Kiev, US/Eastern, UTC)
 * and the right/ and posix/ trees are not there. Read once, owned by this
 * module for the life of the process. */
#define TZDATA_ZI "/usr/share/zoneinfo/tzdata.zi"
static pthread_once_t canon_once = PTHREAD_ONCE_INIT;
static char **canon;
static size_t n_canon;

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void canon_load(void)
{
    FILE *f = fopen(TZDATA_ZI, "r");
    if (!f)
        return;
    char line[512];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] != 'Z' || line[1] != ' ')
            continue;
        size_t len = strcspn(line + 2, " \t\r\n");
        if (n_canon == cap) {
            size_t nc = cap ? cap * 2 : 512;
            char **grown = realloc(canon, nc * sizeof *grown);
            if (!grown)
                break;
            canon = grown;
            cap = nc;
        }
        char *name = malloc(len + 1);
        if (!name)
            break;
        memcpy(name, line + 2, len);
        name[len] = '\0';
        canon[n_canon++] = name;
    }
    fclose(f);
    if (n_canon)
        qsort(canon, n_canon, sizeof *canon, cmp_name);
}

bool ical_zone_known(const char *tzid)
{
    if (!tzid || !*tzid || strlen(tzid) > 64 || strstr(tzid, ".."))
        return false;
    if (strcmp(tzid, "UTC") == 0)
        return true;
    for (const char *p = tzid; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '/' || c == '+' || c == '-'))
            return false;
    }
    pthread_once(&canon_once, canon_load);
    if (n_canon) {
        if (!bsearch(&tzid, canon, n_canon, sizeof *canon, cmp_name))
            return false;
    } else if (strncmp(tzid, "right/", 6) == 0 || strncmp(tzid, "posix/", 6) == 0 ||
               !strchr(tzid, '/')) {
        return false; /* no tzdata.zi: at least not the leap-second and POSIX trees */
    }
    return zone(tzid) != NULL;
}

/* The wall time of utc in z as seconds counted as if the wall were UTC. */
static int64_t wall_of(icaltimezone *z, int64_t utc)
{
    struct icaltimetype t = local_time(utc, z);
    t.zone = NULL;
    return (int64_t)icaltime_as_timet(t);
}

bool ical_local_check(const char *tzid, int y, int mo, int d, int h, int mi, int64_t *out,
                      ical_local *kind)
{
    assert(out && kind);
    *kind = ICAL_LOCAL_ONE;
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
    int64_t wall = (int64_t)icaltime_as_timet(t); /* t without a zone: as if UTC */
    int64_t off0 = wall_of(z, wall - 86400) - (wall - 86400);
    if (wall_of(z, wall + 86400) - (wall + 86400) == off0 && wall_of(z, wall - off0) == wall) {
        *out = wall - off0; /* the fast path: no change of offset near */
        return true;
    }
    /* the offsets the zone used within a day of the wall time; each that
     * maps back to it is a reading: none is a gap, two a repeated hour
     * (the earlier instant is taken) */
    int64_t offs[24], first = 0;
    size_t n_offs = 0;
    int hits = 0;
    for (int64_t probe = wall - 86400; probe <= wall + 86400; probe += 3 * 3600) {
        int64_t off = wall_of(z, probe) - probe;
        size_t k = 0;
        while (k < n_offs && offs[k] != off)
            k++;
        if (k < n_offs)
            continue;
        offs[n_offs++] = off;
        int64_t u = wall - off;
        if (wall_of(z, u) != wall)
            continue;
        if (hits++ == 0 || u < first)
            first = u;
    }
    if (hits == 0) {
        *kind = ICAL_LOCAL_GAP;
        *out = 0;
        return true;
    }
    *kind = hits > 1 ? ICAL_LOCAL_TWICE : ICAL_LOCAL_ONE;
    *out = first;
    return true;
}

bool ical_local_to_utc(const char *tzid, int y, int mo, int d, int h, int mi, int64_t *out)
{
    ical_local kind;
    return ical_local_check(tzid, y, mo, d, h, mi, out, &kind) && kind != ICAL_LOCAL_GAP;
}

bool ical_gap_bounds(const char *tzid, int y, int mo, int d, int h, int mi, char from[6],
                     char to[6])
{
    if (!ical_zone_known(tzid))
        return false;
    icaltimezone *z = zone(tzid);
    struct icaltimetype t = icaltime_null_time();
    t.year = y;
    t.month = mo;
    t.day = d;
    t.hour = h;
    t.minute = mi;
    int64_t wall = (int64_t)icaltime_as_timet(t);
    /* the change is the instant within a day before the wall time where
     * the offset grows; search it by halving */
    int64_t lo = wall - 86400 - 14 * 3600, hi = wall + 14 * 3600;
    int64_t off_lo = wall_of(z, lo) - lo;
    if (wall_of(z, hi) - hi == off_lo)
        return false;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (wall_of(z, mid) - mid == off_lo)
            lo = mid;
        else
            hi = mid;
    }
    char tmp[16];
    int64_t before = hi + off_lo, after = wall_of(z, hi);
    snprintf(tmp, sizeof tmp, "%02d:%02d", (int)((before / 3600) % 24), (int)((before / 60) % 60));
    memcpy(from, tmp, 5);
    from[5] = '\0';
    snprintf(tmp, sizeof tmp, "%02d:%02d", (int)((after / 3600) % 24), (int)((after / 60) % 60));
    memcpy(to, tmp, 5);
    to[5] = '\0';
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
