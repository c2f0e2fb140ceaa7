/* fuzz_ical: ical_write() with arbitrary text in every field. The input is
 * split at 0xFF bytes into summary, description, location and URL (C
 * strings up to their first NUL); eight bytes before the first 0xFF give
 * the start time. Checks: no memory errors or UB (ASan/UBSan); whatever
 * the text holds (line breaks, "END:VEVENT", semicolons, bad UTF-8), the
 * calendar libical parses back holds exactly one VEVENT and one VALARM,
 * so text can never add a component or end one early. The summary is
 * also tried as a zone name (funding-call deadlines carry the funder's
 * zone): an accepted one must turn the start into a wall time and back
 * into the same instant, and its calendar must parse the same way.
 * Violations abort(). */
#include <libical/ical.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "ical/ical.h"

static int count(icalcomponent *c, icalcomponent_kind kind)
{
    int n = 0;
    for (icalcomponent *x = icalcomponent_get_first_component(c, kind); x;
         x = icalcomponent_get_next_component(c, kind))
        n++;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    char *part[4] = {"x", NULL, NULL, NULL};
    int64_t start = 1800000000;
    size_t k = 0;
    char *p = s;
    for (size_t i = 0; i <= size && k < 4; i++) {
        if (i == size || (unsigned char)s[i] == 0xff) {
            s[i] = '\0';
            if (k == 0 && i - (size_t)(p - s) >= 8) {
                uint32_t v;
                memcpy(&v, p, sizeof v);
                start = 946684800 + (int64_t)(v % 3000000000u); /* 2000 .. 2095 */
                p += 8;
            }
            part[k] = *p ? p : (k == 0 ? "x" : NULL);
            k++;
            p = s + i + 1;
        }
    }
    ical_event e = {.uid = "event-1@fuzz",
                    .summary = part[0],
                    .description = part[1],
                    .location = part[2],
                    .url = part[3],
                    .starts_at = start,
                    .ends_at = start + 3600,
                    .stamp = start,
                    .alarm_before = 86400};
    buf out = BUF_INIT;
    if (ical_write(&out, part[1], &e, 1) && !out.failed) {
        icalcomponent *cal = icalparser_parse_string(buf_str(&out));
        if (!cal)
            abort();
        icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
        if (count(cal, ICAL_VEVENT_COMPONENT) != 1 || !ev || count(ev, ICAL_VALARM_COMPONENT) != 1)
            abort();
        icalcomponent_free(cal);
    }
    buf_free(&out);
    /* the zone path: ical_zone_known on arbitrary text, and a round trip */
    if (ical_zone_known(part[0])) {
        char date[11], hm[6];
        int y, mo, d, h, mi;
        int64_t back = 0;
        if (!ical_utc_to_local(part[0], start, date, hm) ||
            sscanf(date, "%d-%d-%d", &y, &mo, &d) != 3 || sscanf(hm, "%d:%d", &h, &mi) != 2 ||
            !ical_local_to_utc(part[0], y, mo, d, h, mi, &back))
            abort();
        /* the wall time of an instant maps back to it, or, in the hour a
         * clock turns back, to the same wall time an hour apart */
        int64_t diff = back - (start - start % 60);
        if (diff != 0 && diff != 3600 && diff != -3600)
            abort();
        e.tzid = part[0];
        buf z = BUF_INIT;
        if (!ical_write(&z, NULL, &e, 1) || z.failed)
            abort();
        icalcomponent *cal = icalparser_parse_string(buf_str(&z));
        /* UTC is written as UTC times, with no zone block (ical.c) */
        int zones = strcmp(part[0], "UTC") == 0 ? 0 : 1;
        if (!cal || count(cal, ICAL_VTIMEZONE_COMPONENT) != zones)
            abort();
        icalcomponent_free(cal);
        buf_free(&z);
    }
    free(s);
    return 0;
}
