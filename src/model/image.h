/* image.h: is this upload an acceptable logo? PNG and JPEG by their
 * headers (format and pixel size), SVG by an allow-list over libxml2's
 * parse tree. Pure functions of the bytes: no database, no I/O, so the
 * checks are unit-tested and fuzzed (fuzz/fuzz_image.c) on their own.
 * org.c calls image_check() before it stores a logo. */
#ifndef SCAN_MODEL_IMAGE_H
#define SCAN_MODEL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#define IMAGE_MAX     (512 * 1024) /* bytes */
#define IMAGE_DIM_MAX 4096         /* pixels, each side */

/* What an SVG refusal names, for a message that says what to remove. */
typedef enum {
    IMAGE_WHAT_NONE,      /* nothing in particular */
    IMAGE_WHAT_ELEMENT,   /* an element outside the allow-list (or namespace) */
    IMAGE_WHAT_ATTRIBUTE, /* an attribute outside the allow-list, or a value that
                             points outside the file (href, url(), CSS) */
    IMAGE_WHAT_DOCTYPE,   /* a DOCTYPE, DTD or entity declaration */
    IMAGE_WHAT_PI,        /* a processing instruction (xml-stylesheet, ...) */
    IMAGE_WHAT_ROOT,      /* the root is not <svg> in the SVG namespace */
} image_what;

typedef struct image_verdict {
    int why;                  /* 0: acceptable; else a catalog message id
                                 (MSG_LOGO_TOO_BIG, _FORMAT, _DIMENSIONS,
                                 _SVG_INVALID, _SVG_UNSAFE) */
    const char *content_type; /* when why == 0: "image/png", "image/jpeg" or
                                 "image/svg+xml" (static strings) */
    image_what what;          /* for SVG refusals: what kind of thing was refused */
    char name[64];            /* its name as written (valid UTF-8, cut at 63
                                 bytes on a character boundary), or "" */
} image_verdict;

/* Checks data[0..n) as a logo and fills *v (always). PNG: signature and
 * IHDR with 1..IMAGE_DIM_MAX pixels a side. JPEG: SOI, then marker
 * segments up to a frame header with the same limits. SVG (anything whose
 * first non-blank byte after an optional BOM is '<'): valid UTF-8, parsed
 * by libxml2 without network, entity substitution or DTD loading; refused
 * when it holds a DOCTYPE, a processing instruction, an element or
 * attribute outside the allow-list in image.c, an element outside the SVG
 * namespace, an href other than "#fragment", or CSS that could fetch or
 * hide anything (url() other than "#id", @import, escapes, ...). Nothing
 * is stripped: a file is taken as it is or refused. Returns v->why == 0.
 * Thread-safe (libxml2 is initialised once on first use). */
bool image_check(const void *data, size_t n, image_verdict *v);

#endif
