/* atom.h: a small Atom (RFC 4287) feed writer for the news feeds
 * (/news.atom, /orgs/{slug}/news.atom). Text goes through html_text, whose
 * escapes are valid XML; URLs must be absolute. If another Atom writer
 * lands (positions), the two fold into this one: the atom_ prefix is the
 * module's. */
#ifndef SCAN_ATOM_H
#define SCAN_ATOM_H

#include <stdint.h>

#include "core/buf.h"

/* The feed's head: id (a URL), title, its own URL (rel=self), the page it
 * mirrors (rel=alternate), the time of its newest entry (UTC seconds),
 * lang an xml:lang tag. */
void atom_begin(buf *out, const char *id, const char *title, const char *self_url,
                const char *alt_url, int64_t updated, const char *lang);
/* One entry: url is its id and link; summary plain text (may be NULL);
 * author a name (may be NULL). */
void atom_entry(buf *out, const char *url, const char *title, int64_t published, int64_t updated,
                const char *summary, const char *author);
/* Closes the feed. */
void atom_end(buf *out);

#endif
