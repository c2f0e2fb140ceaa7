/* notice.h: the confirmation after a successful save, shown once.
 *
 * Post/redirect/get: a handler that has saved calls web_notice_next()
 * before resp_redirect(); that sets a short-lived cookie naming the notice
 * (never its text), and the next HTML page that person sees shows it in a
 * role=status box at the top of <main> (the layout's notice hook) and
 * deletes the cookie, so a reload or a bookmark shows it no more. It works
 * without JavaScript and only for a logged-in reader (every save needs a
 * login; an anonymous page may be cached and must never carry it).
 *
 * The cookie carries a name from the table in notice.c and at most one
 * number (a year, a count); the text comes from the catalog in the
 * reader's language at display time, so a forged cookie can only choose
 * among our own sentences. A new kind of confirmation is one row in that
 * table and one MSG line. */
#ifndef SCAN_NOTICE_H
#define SCAN_NOTICE_H

#include <stdint.h>

#include "http/request.h"

typedef enum {
    NOTICE_SAVED,          /* "Your changes have been saved." */
    NOTICE_CREATED,        /* "The entry has been created." */
    NOTICE_PUBLISHED,      /* "The entry is published." */
    NOTICE_ARCHIVED,       /* "The entry is archived." */
    NOTICE_RESTORED,       /* "The older version has been restored as the newest." */
    NOTICE_FIGURES_SAVED,  /* n = the year: "The figures for 2024 have been saved." */
    NOTICE_VERIFIED_N,     /* n = rows: "3 figure rows marked as verified." */
    NOTICE_PASSWORD_SAVED, /* "Your password has been changed." */
    NOTICE_TOKEN_REVOKED,  /* "The token has been revoked." */

    /* the new-user review (issue 11) */
    NOTICE_PROPOSAL_ACCEPTED, /* "The proposed entry is accepted and published." */
    NOTICE_PROPOSAL_DECLINED, /* "The proposed entry is declined; its proposer is told why." */
    NOTICE_TEAM_JOINED,       /* "You have joined the management team." */

    /* saving a search from the cooperation board (issue 13) */
    NOTICE_SEARCH_SAVED,  /* "The search is saved; new posts ... in your digest." */
    NOTICE_SEARCH_EXISTS, /* "This search is saved already." */

    /* consent (issue 14): a private project declined is no longer the reader's */
    NOTICE_TIE_DECLINED_GONE, /* "Declined: the project is no longer shown to you." */
    NOTICE__COUNT
} notice_kind;

/* Sets the cookie for the next page: kind, and n (>= 0) for the kinds
 * whose sentence holds a number (ignored by the others). */
void web_notice_next(req *r, notice_kind kind, int64_t n);

/* The layout hook: when the request carries a notice cookie and a logged-in
 * reader, writes the role=status box and deletes the cookie; otherwise
 * nothing (an unknown or malformed cookie is deleted unshown). */
void web_notice_show(req *r);

#endif
