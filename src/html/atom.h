/* atom.h: the one Atom (RFC 4287) feed writer: a feed of entries with
 * titles, links, dates and plain-text summaries, well-formed XML whatever
 * the text holds (markup escaped, characters XML 1.0 forbids dropped).
 * /positions.atom uses it; the news feed is meant to as well. */
#ifndef SCAN_ATOM_H
#define SCAN_ATOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct atom_feed {
    const char *id;       /* a stable IRI: the feed's absolute URL (required) */
    const char *title;    /* required */
    const char *self_url; /* the feed's own URL (rel="self"), may be NULL */
    const char *alt_url;  /* the HTML page it follows (rel="alternate"), may be NULL */
    const char *lang;     /* xml:lang, may be NULL */
    int64_t updated;      /* UTC seconds: the newest entry's, or now */
} atom_feed;

typedef struct atom_entry {
    const char *id;      /* a stable IRI, unique in the feed (required) */
    const char *title;   /* required */
    const char *url;     /* rel="alternate", may be NULL */
    const char *summary; /* plain text, may be NULL */
    const char *author;  /* may be NULL: the feed's title stands in */
    int64_t updated;     /* UTC seconds */
    int64_t published;   /* UTC seconds; 0: left out */
} atom_entry;

/* Appends the whole feed document to out. False (out then unusable) when
 * a required field is missing or out failed. */
bool atom_write(buf *out, const atom_feed *f, const atom_entry *e, size_t n);

#endif
