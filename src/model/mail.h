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
#include "db/db.h"

/* Queues a message; inside the caller's transaction. to must be one
 * address; subject one line (CR/LF refused with DB_CONSTRAINT). */
db_status mail_queue(db *d, const char *to, const char *subject, const char *body);

typedef struct mail_config {
    const char *url;      /* smtp://host:port or smtps://host:port; NULL = off */
    const char *from;
    const char *user, *password;
} mail_config;

/* Sends up to max unsent messages (oldest first, fewer than 5 attempts)
 * and records the outcome of each; *sent receives how many went out. */
db_status mail_deliver(db *d, const mail_config *cfg, int max, int *sent);

typedef struct outbox_row {
    int64_t id, created_at, sent_at;
    int attempts;
    const char *to, *subject, *body, *last_error;
} outbox_row;

db_status mail_outbox_list(db *d, arena *a, int limit, outbox_row **rows, size_t *n);

#endif
