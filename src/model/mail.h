/* mail.h: outgoing mail through the outbox table.
 *
 * Code that sends mail only queues it (mail_queue, inside its own
 * transaction). When SMTP is configured (SCAN_SMTP_URL such as
 * smtp://127.0.0.1:2525 or smtps://host, SCAN_SMTP_FROM, optional
 * SCAN_SMTP_USER/SCAN_SMTP_PASSWORD) a sender thread in the server delivers
 * the outbox with libcurl and records each attempt; with no SMTP, admins
 * read the outbox at /admin/outbox, so a small deployment still works. */
#ifndef SCAN_MAIL_H
#define SCAN_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "i18n/i18n.h"

/* Queues a message; inside the caller's transaction. to must be one bare
 * address (local@domain: no spaces, commas, angle brackets or control
 * characters); subject one line; both valid UTF-8. Anything else (CR or LF
 * in to or subject above all, which would inject headers) is refused with
 * DB_CONSTRAINT and nothing is stored. The body is plain UTF-8 text with
 * any line ends; delivery sends it with CRLF. */
db_status mail_queue(db *d, const char *to, const char *subject, const char *body);
/* A name as a mail in lang writes it: names are stored as typed, in either
 * script; Latin for English and Serbian Latin readers (an arena copy, or
 * text itself when nothing changes or memory ran out). */
const char *mail_text_in(arena *a, lang_id lang, const char *text);
/* mail_queue of two buffers written with buf_printf, which it frees
 * (both, whatever happens): DB_NOMEM, nothing queued, when either
 * failed. */
db_status mail_queue_buf(db *d, const char *to, buf *subject, buf *body);
/* Whom a mail to person_id goes to: *to their address and *name their
 * name (arena copies), *lang their language, else fallback. *to is NULL
 * (DB_OK) when the person is erased, gone or has no address: nobody to
 * tell. DB_NOMEM when a copy failed. */
db_status mail_person(db *d, arena *a, int64_t person_id, lang_id fallback, const char **to,
                      const char **name, lang_id *lang);
/* mail_queue with more: html (NULL: none) is an HTML alternative of body,
 * sent as multipart/alternative (text first, HTML in base64); headers are
 * n_headers extra header lines "Name: value" such as List-Unsubscribe
 * (printable ASCII, no CR/LF, not a header the sender writes itself:
 * refused with DB_CONSTRAINT, nothing stored). *id (may be NULL) gets the
 * outbox row's id. */
db_status mail_queue_ex(db *d, const char *to, const char *subject, const char *body,
                        const char *html, const char *const *headers, size_t n_headers,
                        int64_t *id);

/* A file sent with a mail (the event's .ics): type a MIME type with its
 * parameters ("text/calendar; method=PUBLISH"), name the file name, data
 * UTF-8 text. Printable ASCII without quotes in type and name, else
 * refused. */
typedef struct mail_file {
    const char *type, *name, *data;
} mail_file;

/* mail_queue with one attached file: the mail goes out as
 * multipart/mixed, the text first, then the file in base64. file NULL is
 * mail_queue. Refusals as mail_queue (DB_CONSTRAINT, nothing stored). */
db_status mail_queue_file(db *d, const char *to, const char *subject, const char *body,
                          const mail_file *file);

/* The message the sender would hand to SMTP for an outbox row (for tests
 * and the outbox view): headers, then the body or the MIME parts, CRLF
 * line ends. from as mail_config.from. */
void mail_build(buf *out, const char *from, int64_t id, const char *to, const char *subject,
                const char *body, const char *html, const char *headers, const mail_file *file);

typedef struct mail_config {
    const char *url;             /* smtp://host:port or smtps://host:port; NULL = off */
    const char *from;            /* "Name <addr@host>" or "addr@host"; the From header */
    const char *user, *password; /* SMTP AUTH, both NULL when none */
} mail_config;

/* True when from is usable as cfg->from: one address, optionally after a
 * display name ("SCAN <noreply@scan.local>"), valid UTF-8 without control
 * characters. `scan serve` checks --smtp-from with it. */
bool mail_from_valid(const char *from);

#define MAIL_MAX_ATTEMPTS 5

/* Sends up to max unsent messages (oldest first, fewer than
 * MAIL_MAX_ATTEMPTS attempts) over SMTP and records the outcome of each in
 * its own small transaction: sent_at on success, else attempts + 1 and
 * last_error (curl's reason and the SMTP reply code). No transaction is
 * open during network I/O, so the caller must not be inside one. A message
 * that failed k times waits before its next try (1 min, 5 min, 30 min, 2 h
 * after it was queued), so a short outage does not use up its attempts.
 * *sent receives how many went out. With cfg->url NULL it sends nothing
 * and returns DB_OK. A database error stops the batch and is returned; a
 * delivery failure is recorded, not returned. */
db_status mail_deliver(db *d, const mail_config *cfg, int max, int *sent);

typedef struct outbox_row {
    int64_t id, created_at, sent_at;
    int attempts;
    const char *to, *subject, *body, *last_error;
} outbox_row;

/* The newest limit messages (1..1000; other values mean 100), newest first.
 * Rows and their strings are arena copies; sent_at is 0 while unsent and
 * last_error NULL when there was none. */
/* Claims up to max due mails for the sender holding token until their
 * claim lapses (enough time to send one; mail_deliver renews the rest's
 * claim with each outcome, so a sender that dies mid-batch holds them at
 * most that long): another sender, in this process or another app
 * server, skips them meanwhile. *claimed is how many. mail_deliver claims
 * before it sends; exposed for tests. */
db_status mail_claim(db *d, int max, const char *token, int64_t now, int64_t *claimed);

/* Mails waiting in the outbox (still to try) and given up (every attempt
 * failed), for /metrics. */
db_status mail_outbox_counts(db *d, int64_t *waiting, int64_t *given_up);

db_status mail_outbox_list(db *d, arena *a, int limit, outbox_row **rows, size_t *n);

/* The sender thread of `scan serve`. mail_sender_start opens its own
 * connection to db_path, copies cfg (the caller may free it afterwards),
 * and starts a thread that calls mail_deliver at once and then every few
 * seconds. The thread blocks every signal, so SIGTERM still reaches the
 * server's sigwait. Returns 0, or -1 after logging why (database cannot be
 * opened, thread cannot start, already running). mail_sender_stop wakes
 * the thread, aborts a transfer in progress (that attempt is not counted),
 * joins it and closes its connection; it returns within about a second and
 * is a no-op when no sender runs. Call both from one thread. */
int mail_sender_start(const char *db_path, const mail_config *cfg);
void mail_sender_stop(void);

#endif
