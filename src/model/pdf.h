/* pdf.h: is this upload an acceptable document? Agreements, submissions
 * and other attachments are PDF only (issue 14), checked by structure:
 * qpdf (Debian's libqpdf, the maintained PDF library fuzzed upstream)
 * must parse it without recovery and find pages, and nothing reachable
 * from its trailer may run or carry anything: no JavaScript, launch,
 * form submission or data import actions, no embedded files, rich media
 * or XFA forms. Documents are served as downloads, never inline, so a
 * reader opens them outside our origin; refusing active content keeps
 * what we hand on as plain as what we were given. Pure function of the
 * bytes (fuzz/fuzz_pdf.c), no database. */
#ifndef SCAN_MODEL_PDF_H
#define SCAN_MODEL_PDF_H

#include <stddef.h>

#include "i18n/i18n.h"

#define PDF_MAX (10 * 1024 * 1024) /* bytes */

typedef enum {
    PDF_OK = 0,
    PDF_TOO_BIG,   /* over PDF_MAX */
    PDF_NOT_PDF,   /* does not start with %PDF-1. or %PDF-2. */
    PDF_BROKEN,    /* qpdf cannot read it without repairing it */
    PDF_ENCRYPTED, /* needs a password, or is encrypted at all */
    PDF_NO_PAGES,  /* no page */
    PDF_ACTIVE,    /* JavaScript, actions, embedded files, ... */
} pdf_verdict;

/* Checks data[0..n); *pages gets the page count when PDF_OK (may be
 * NULL). Thread-safe: each call has its own qpdf object. */
pdf_verdict pdf_check(const void *data, size_t n, int *pages);
/* The catalog message that tells the uploader what to fix. */
msg_id pdf_verdict_msg(pdf_verdict v);

#endif
