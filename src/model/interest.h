/* interest.h: introductions on the cooperation board (issue 13): a
 * logged-in person "expresses interest" in a post with a short message;
 * the post organisation's representatives get it by mail (through the
 * outbox) and on the post's page, and accept or decline it. Contact
 * details pass to the other side only on acceptance; declining is silent
 * to the requester (the page shows "not taken up" only once the post is
 * closed).
 *
 * Every write is one tx_write with its audit row (entity "post_interest";
 * actions interest_express, interest_accept, interest_decline). Who may
 * call what is the caller's check: anyone logged in who may not write for
 * the post's organisation expresses (rights_can RIGHT_POST_WRITE decides
 * the other side); RIGHT_POST_WRITE on the post's organisation decides.
 * Errors go into form_errors: "message" (FE_REQUIRED, FE_TOO_LONG,
 * FE_TAKEN for a second pending request on the same post), "status"
 * (FE_INVALID: the post is not open, or the request was decided), and
 * "throttle" (FE_RANGE: INTEREST_PER_DAY requests in 24 hours), each with
 * DB_CONSTRAINT and nothing stored. */
#ifndef SCAN_INTEREST_H
#define SCAN_INTEREST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "valid/valid.h"

#define INTEREST_PER_DAY     20
#define INTEREST_MESSAGE_MAX 1000
/* thread messages per person in 24 hours: a conversation is chattier than
 * cold introductions, so more than INTEREST_PER_DAY, counted the same way */
#define INTEREST_MESSAGES_PER_DAY 50

/* One message of an introduction's thread (the first is the request's). */
typedef struct interest_msg {
    int64_t id, person_id, created_at;
    const char *person_name; /* "" once the person is erased */
    const char *body;
    bool from_requester; /* else the post's side */
} interest_msg;

typedef struct interest_rec {
    int64_t id, post_id, person_id;
    const char *status;                     /* pending, accepted, declined */
    const char *person_name, *person_email; /* email NULL unless accepted (or the reader's own) */
    const char *message;                    /* the first message */
    int64_t created_at;
    const char *post_title;
    const char *contact_name, *contact_email; /* who accepted: for the requester, once accepted */
    const char *person_orgs; /* the organisations the requester speaks for now (post's side) */
    bool post_open;          /* interest_by_person: the post is open and not expired */
    bool post_hidden;        /* interest_by_person: an accepted one's post was hidden */
} interest_rec;

/* Records person_id's interest in open post post_id with message and tells
 * the organisation's representatives through notify (kind post_interest:
 * immediately by default, the message quoted, links from
 * notify_base_url(); base_url is no longer used and kept for the callers).
 * *id gets the new request's id. */
db_status interest_express(db *d, int64_t post_id, int64_t person_id, const char *message,
                           const char *ip, const char *base_url, form_errors *errs, int64_t *id);
/* As interest_express, for organisation org_id of the requester's (one
 * they represent, or manage if a cluster; post_orgs_for): stored with the
 * interest, as it is now. 0: their only one; when they speak for several,
 * FE_REQUIRED on "org"; one not theirs: FE_INVALID on "org"; none at all:
 * no organisation is recorded. */
db_status interest_express_as(db *d, int64_t post_id, int64_t person_id, int64_t org_id,
                              const char *message, const char *ip, const char *base_url,
                              form_errors *errs, int64_t *id);
/* Accepts (accept) or declines pending request id on behalf of actor_id;
 * on acceptance tells the requester the accepting person's name and
 * address through notify (kind post_interest_answer; base_url unused). DB_DONE when there is no
 * such request. *post_id (may be NULL) gets its post. */
db_status interest_decide(db *d, int64_t id, bool accept, int64_t actor_id, const char *ip,
                          const char *base_url, form_errors *errs, int64_t *post_id);
/* The requests of post post_id, oldest first (for the organisation's
 * writers): the requester's address only when accepted. */
db_status interest_of_post(db *d, arena *a, int64_t post_id, interest_rec **items, size_t *n);
/* *n: the requests of post post_id still waiting for an answer. */
db_status interest_pending(db *d, int64_t post_id, int64_t *n);
/* person_id's own requests on post post_id, newest first, with the
 * accepting person's contact once accepted. */
/* Every expression of interest of person_id (newest first, at most 200)
 * with its post's title; the status as the requester may know it is the
 * caller's to word (a declined one reads as waiting while the post is
 * open: declining is silent). post_status and post_open say where the
 * post is. */
db_status interest_by_person(db *d, arena *a, int64_t person_id, interest_rec **items, size_t *n);

db_status interest_mine(db *d, arena *a, int64_t post_id, int64_t person_id, interest_rec **items,
                        size_t *n);
/* The thread of an introduction (interest.c): once the post's side has
 * accepted, both sides may write; before that the request's own message is
 * the whole thread (a requester who could add follow-ups to a pending
 * request could press a post that declined silently, and would learn of
 * the decline when refused), and a declined request has none.
 *
 * Adds message (validated as the first one: required, at most
 * INTEREST_MESSAGE_MAX characters, no control characters but newlines,
 * CRLF kept as LF) to accepted request id by person_id, who must be a side
 * (interest_side); the other side hears of it through notify (kind
 * post_message, the text quoted in the mail). One tx_write, audited as
 * interest_message. DB_DONE: no such request. DB_CONSTRAINT with errs:
 * "message" (the rule's code), "side" (FE_INVALID: not a side), "status"
 * (FE_INVALID: not accepted), "throttle" (FE_RANGE:
 * INTEREST_MESSAGES_PER_DAY messages in 24 hours); nothing stored. */
db_status interest_reply(db *d, int64_t id, int64_t person_id, const char *message, const char *ip,
                         form_errors *errs, int64_t *message_id);
/* *side: 1 when person_id made request id, 2 when they answer for its
 * post's organisation (a current representative; anyone current for a
 * cluster), 0 otherwise. DB_DONE: no such request. */
db_status interest_side(db *d, int64_t id, int64_t person_id, int *side);
/* The messages of request id, oldest first (arena). Who may read them is
 * the caller's check. */
db_status interest_thread(db *d, arena *a, int64_t id, interest_msg **items, size_t *n);
/* What waits for person_id (the start page): pending requests on posts of
 * the organisations they answer for, and accepted introductions (either
 * side) whose last message is the other side's; pending first, at most 50.
 * Fields as interest_of_post's, without addresses; contact_name (who
 * accepted) marks person_id's own request accepted in the last
 * INTEREST_ACCEPTED_SHOWN seconds whose thread nobody has written in yet. */
#define INTEREST_ACCEPTED_SHOWN (30 * 86400)
db_status interest_waiting(db *d, arena *a, int64_t person_id, interest_rec **items, size_t *n);
/* The post of request id into *post_id (0 when none). */
db_status interest_post(db *d, int64_t id, int64_t *post_id);

#endif
