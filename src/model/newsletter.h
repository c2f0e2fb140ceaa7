/* newsletter.h: the newsletter (issue 17): subscribers, issues composed
 * from what the platform holds, and sending through the outbox at a
 * bounded rate.
 *
 * Subscribers: an account opts in on its settings page (confirmed at once:
 * its address is the account's); the public subscribes by double opt-in
 * (a confirmation link mailed through the outbox, valid
 * NEWSLETTER_CONFIRM_TTL; an unconfirmed address is never mailed and its
 * row is replaced when the address subscribes again after that). A second
 * subscription of a pending or confirmed address changes nothing.
 *
 * Issues: the secretariat writes a subject and a Markdown introduction in
 * both languages; newsletter_compose adds the sections (news since the
 * previous issue, open funding calls closing within 30 days, events in the
 * next 60 days, new public cooperation posts, positions open for
 * signature), leaving out the empty ones. The same function previews and
 * sends.
 *
 * Sending: newsletter_send marks the issue sending and enqueues one
 * newsletter_delivery row per confirmed subscriber in batches of
 * NEWSLETTER_BATCH (primary key (issue, subscriber): once-only whatever
 * restarts). newsletter_pump turns up to max pending rows into outbox mail
 * in one transaction, each with its own one-click unsubscribe token
 * (RFC 8058 List-Unsubscribe + List-Unsubscribe-Post, the digest's header
 * shape, path /newsletter/u/TOKEN), so a kill -9 leaves a row either
 * pending with no mail or queued with its mail. The job thread of `scan
 * serve` (newsletter_job_start) pumps at the configured rate (token
 * bucket: newsletter_pace_take), default NEWSLETTER_RATE mails a second;
 * the outbox sender delivers them.
 *
 * Writes audit in their transaction (entity "newsletter"; actions
 * newsletter_subscribe, newsletter_confirm, newsletter_unsubscribe,
 * newsletter_account, newsletter_issue, newsletter_send). Field errors as
 * elsewhere: DB_CONSTRAINT, messages in form_errors, nothing stored. */
#ifndef SCAN_NEWSLETTER_H
#define SCAN_NEWSLETTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "i18n/i18n.h"
#include "valid/valid.h"

#define NEWSLETTER_CONFIRM_TTL (7 * 86400)
#define NEWSLETTER_BATCH       1000
#define NEWSLETTER_RATE        10 /* mails a second, the default */
#define NEWSLETTER_SUBJECT_MAX 200
#define NEWSLETTER_INTRO_MAX   8000

/* --- subscribers ------------------------------------------------------------ */

typedef enum {
    NLSUB_MAILED = 0, /* a confirmation link went to the address */
    NLSUB_ALREADY,    /* the address is subscribed or waiting: nothing changed */
    NLSUB_THROTTLED,  /* too many confirmation mails: nothing changed, try later */
} nlsub_result;

/* Confirmation mails a client address may cause in an hour, and one
 * e-mail address may receive in a day (issue 17 fixes: one client had 160
 * sent). Counted from the audit rows each mailed confirmation writes; a
 * request for an address already on the list writes one too (entity_id
 * 0), so that it spends the client's allowance as a new address does. */
#define NEWSLETTER_SUB_PER_IP    10
#define NEWSLETTER_SUB_PER_EMAIL 3

/* Subscribes email (FV_EMAIL, at most 254 characters; FE_EMAIL on "email"
 * otherwise) for lang; mails the confirmation link base_url +
 * "/newsletter/confirm/" + token in lang. NLSUB_THROTTLED, with *wait_s
 * the seconds until the oldest counted mail leaves its window, when ip
 * (when given) has caused NEWSLETTER_SUB_PER_IP confirmation mails in the
 * last hour or the address has had NEWSLETTER_SUB_PER_EMAIL in the last
 * day; a subscribed or waiting address (confirmation younger than
 * NEWSLETTER_CONFIRM_TTL) is NLSUB_ALREADY (after the client's limit, as
 * for any address) and is not mailed again; the web answers it exactly as
 * NLSUB_MAILED. */
db_status newsletter_subscribe(db *d, const char *email, lang_id lang, const char *base_url,
                               const char *ip, form_errors *errs, nlsub_result *res,
                               int64_t *wait_s);

typedef enum {
    NLTOK_OK = 0,  /* confirmed now / unsubscribed now */
    NLTOK_UNKNOWN, /* no such token (never issued, malformed, or used already) */
    NLTOK_EXPIRED, /* a confirmation link older than NEWSLETTER_CONFIRM_TTL */
} nltok_state;

/* Confirms the subscription of token (single use). */
db_status newsletter_confirm(db *d, const char *token, const char *ip, nltok_state *state);
/* Unsubscribes with a mail's token: works once (then NLTOK_UNKNOWN). */
db_status newsletter_unsubscribe(db *d, const char *token, const char *ip, nltok_state *state);

/* An account's opt-in: *on and *lang (LANG_SR_CYRL when off). */
db_status newsletter_account_get(db *d, int64_t person_id, bool *on, lang_id *lang);
/* Turns person_id's subscription on (in lang) or off. DB_DONE when the
 * person has no address. */
db_status newsletter_account_set(db *d, int64_t person_id, bool on, lang_id lang, const char *ip);

/* The subscribers for the secretariat, newest first, at most limit. */
typedef struct nl_subscriber {
    int64_t id, created_at, confirmed_at, unsubscribed_at;
    const char *email, *lang;
    bool account;
} nl_subscriber;
db_status newsletter_subscribers(db *d, arena *a, int limit, nl_subscriber **items, size_t *n,
                                 int64_t *n_confirmed);

/* --- issues ------------------------------------------------------------------ */

typedef struct nl_issue {
    int64_t id;
    const char *subject_sr, *subject_en, *intro_sr, *intro_en, *status;
    int64_t since_at, send_started_at, enqueued_at, created_at;
} nl_issue;

/* Creates a draft issue (subjects 1..200, introductions 1..8000 characters,
 * both languages required); since_at is when the previous issue was sent
 * (30 days ago for the first). */
db_status newsletter_issue_create(db *d, const char *subject_sr, const char *subject_en,
                                  const char *intro_sr, const char *intro_en, int64_t actor_id,
                                  const char *ip, form_errors *errs, int64_t *id);
db_status newsletter_issue_get(db *d, arena *a, int64_t id, nl_issue *out);
db_status newsletter_issues(db *d, arena *a, nl_issue **items, size_t *n);

/* The mail of issue for a reader in lang: *subject, *text and *html (the
 * HTML part, a fragment without <html>) as arena strings; unsub_url (NULL:
 * a placeholder) is the link each mail carries. */
db_status newsletter_compose(db *d, arena *a, const nl_issue *is, lang_id lang,
                             const char *base_url, const char *unsub_url, const char **subject,
                             const char **text, const char **html);

/* Starts sending a draft issue: status sending, then the delivery rows in
 * batches (newsletter_enqueue). DB_CONSTRAINT (FE_INVALID on "status")
 * when the issue is not a draft; DB_DONE when none. */
db_status newsletter_send(db *d, int64_t id, int64_t actor_id, const char *ip, form_errors *errs);
/* Adds the missing delivery rows of a sending issue, NEWSLETTER_BATCH per
 * transaction, until every confirmed subscriber has one; *added how many. */
db_status newsletter_enqueue(db *d, int64_t id, int64_t *added);
/* Turns up to max pending deliveries (of any sending issue) into outbox
 * mail; an issue with nothing pending and all enqueued becomes sent.
 * *queued how many mails it queued. base_url prefixes the links. */
db_status newsletter_pump(db *d, int max, const char *base_url, int *queued);

typedef struct nl_progress {
    int64_t total, pending, queued, sent, failed, skipped;
} nl_progress;
/* Counts of issue id's deliveries: pending (not yet in the outbox),
 * queued (in the outbox, unsent), sent, failed (MAIL_MAX_ATTEMPTS used),
 * skipped (unsubscribed before their turn). */
db_status newsletter_progress(db *d, int64_t id, nl_progress *p);
typedef struct nl_failure {
    const char *email, *error;
    int attempts;
} nl_failure;
/* The deliveries of issue id whose mail has failed at least once. */
db_status newsletter_failures(db *d, arena *a, int64_t id, nl_failure **items, size_t *n);

/* --- pacing -------------------------------------------------------------------- */

/* A token bucket: rate tokens a second, holding at most one second's
 * worth (rate, at least 1). */
typedef struct nl_pace {
    double rate, tokens;
    uint64_t last_us;
} nl_pace;
void newsletter_pace_init(nl_pace *p, double rate, uint64_t now_us);
/* How many mails may go now (at most max), taking them from the bucket. */
int newsletter_pace_take(nl_pace *p, uint64_t now_us, int max);

/* The job thread of `scan serve`: its own connection to db_path; pumps at
 * rate mails a second (0: NEWSLETTER_RATE). 0 or -1 after logging why.
 * newsletter_job_stop wakes, joins and closes; no-op when none runs. */
int newsletter_job_start(const char *db_path, double rate);
void newsletter_job_stop(void);

#endif
