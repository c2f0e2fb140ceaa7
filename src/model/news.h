/* news.h: news and announcements (issue 17): items by the secretariat
 * (SCAN's own, org_id 0) and by cluster managers for their cluster, with a
 * Serbian and an optional English version (the Latin page is derived),
 * a lead and a Markdown body (rendered by html/markdown.c: raw HTML off,
 * javascript: links dropped), tags (topic, NACE section, cluster), an
 * optional PNG/JPEG image checked like logos (image_check), a publish
 * time and a status (draft, published, withdrawn with a reason).
 *
 * Scheduling needs no job: an item is visible when its status is
 * published and publish_at <= now; every read filters on it, and
 * news_next_due() tells page caches the moment a scheduled item comes
 * due. Who may write is rights_can(RIGHT_NEWS_WRITE,
 * org_id) (the caller's check; org_id 0 = SCAN: the secretariat).
 *
 * Every write is one tx_write with its audit row (entity "news"; actions
 * news_create, news_update, news_withdraw) and bumps directory_version.
 * Field errors go into form_errors under the form's field names (title_sr,
 * lead_sr, body_sr, title_en, lead_en, body_en, topic, nace, publish_at,
 * status, image, reason) with DB_CONSTRAINT and nothing stored. */
#ifndef SCAN_NEWS_H
#define SCAN_NEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "valid/valid.h"

#define NEWS_TITLE_MAX  200
#define NEWS_LEAD_MAX   600
#define NEWS_BODY_MAX   20000
#define NEWS_REASON_MAX 500
#define NEWS_IMAGE_MAX  (1024 * 1024)
#define NEWS_PAGE_SIZE  20

extern const char *const news_topics[];   /* cluster, funding, event, policy, success, other */
extern const char *const news_statuses[]; /* draft, published, withdrawn */

/* One item. Strings are arena copies (NULL = empty). */
typedef struct news_rec {
    int64_t id;
    int64_t org_id; /* 0: SCAN's own */
    const char *slug;
    const char *title_sr, *lead_sr, *body_sr, *title_en, *lead_en, *body_en;
    const char *topic, *nace, *status, *withdrawn_reason;
    int64_t publish_at, created_at, updated_at;
    bool has_image, is_demo;
    const char *org_slug, *org_name, *org_name_en; /* NULL for SCAN's */
} news_rec;

/* What a new item or a change holds, as typed. publish_at is a Belgrade
 * "YYYY-MM-DDTHH:MM" (empty: now); status "draft" or "published". image
 * (may be NULL, n_image 0) is the uploaded file's bytes. */
typedef struct news_input {
    int64_t org_id;
    const char *title_sr, *lead_sr, *body_sr, *title_en, *lead_en, *body_en;
    const char *topic, *nace, *publish_at, *status;
    const void *image;
    size_t n_image;
} news_input;

/* "YYYY-MM-DDTHH:MM[:SS]" or "YYYY-MM-DD HH:MM" in Belgrade time, or an
 * RFC 3339 instant ("...T08:00:00Z", "...T09:00+01:00", what GET returns),
 * as UTC seconds; 0 for empty, -1 when malformed or not a real time. */
int64_t news_parse_local(const char *s);

/* Creates an item; *id the new row. A publish time in the past is
 * refused (FE_RANGE on publish_at); an image that is not a PNG or JPEG
 * (image_check) FE_INVALID on image; an English version must have title,
 * lead and body together (FE_REQUIRED on the missing ones). */
db_status news_create(db *d, const news_input *in, int64_t actor_id, const char *ip,
                      form_errors *errs, int64_t *id);
/* news_create's body for a caller inside a write transaction (the demo):
 * no past-time check, publish_at given as UTC seconds, status as given
 * (withdrawn with reason), no audit row. */
db_status news_insert_tx(db *d, const news_input *in, int64_t publish_at, const char *status,
                         const char *reason, bool is_demo, int64_t actor_id, int64_t *id);
/* Changes item id to in (in->org_id ignored: an item keeps its source).
 * publish_at empty keeps a published item's time when it has come, else
 * now; a new time in the past is refused (FE_RANGE); no image keeps the
 * stored one. A withdrawn item is not changed (FE_INVALID on "status").
 * DB_DONE when there is no such item. */
db_status news_update(db *d, int64_t id, const news_input *in, int64_t actor_id, const char *ip,
                      form_errors *errs);
/* Withdraws item id with reason (required, one line, at most 500
 * characters). DB_DONE when there is no such item. */
db_status news_withdraw(db *d, int64_t id, const char *reason, int64_t actor_id, const char *ip,
                        form_errors *errs);

/* The item with that id (decimal) or slug, whatever its status; DB_DONE
 * when none. */
db_status news_get(db *d, arena *a, const char *id_or_slug, news_rec *out);
/* The image of item id: *data (arena) and *type; DB_DONE when none or,
 * unless any (for who may write the item: its preview), not visible
 * (published and due). */
db_status news_image(db *d, arena *a, int64_t id, bool any, const void **data, size_t *n,
                     const char **type);
/* True when the item is visible to the public now. */
bool news_visible(const news_rec *n);

typedef struct news_filter {
    int64_t org_id;           /* -1: any; 0: SCAN's only; else that cluster's */
    const char *topic, *nace; /* NULL: any */
    bool english;             /* only items with an English version */
    int64_t since;            /* publish_at > since (0: any) */
} news_filter;

/* Visible items matching f, newest first, from offset, at most limit
 * (1..200); *total how many match in all (may be NULL). */
db_status news_list(db *d, arena *a, const news_filter *f, int offset, int limit, news_rec **items,
                    size_t *n, int64_t *total);
/* The newest visible items: org_id -1 all, 0 SCAN's own (the home page),
 * else a cluster's (its profile); at most limit (1..50). The public home
 * (engineer 7) and web_news_section call it. */
db_status news_latest(db *d, arena *a, int64_t org_id, int limit, news_rec **items, size_t *n);
/* The earliest publish_at after now among published items into *out
 * (INT64_MAX when none is scheduled). Until that moment the visible items
 * change only by a write, which bumps directory_version: a page cached
 * under (directory version, next due) is current while now < next due. */
db_status news_next_due(db *d, int64_t now, int64_t *out);
/* A process-wide memo of news_next_due for the anonymous /news cache, so
 * a warm hit (answered on the I/O thread, no database) needs no SQL:
 * news_due_memo_put records the next due time read at dir_version (a read
 * at an older version than the one held is ignored); news_due_memo_get
 * gives it back while the directory version is the same and now is before
 * it, else returns false (ask the database). Thread-safe. */
bool news_due_memo_get(int64_t dir_version, int64_t now, int64_t *next);
void news_due_memo_put(int64_t dir_version, int64_t next);
/* Drafts and scheduled items org_id's writers see (org_id 0: SCAN's),
 * newest first, at most 100. */
db_status news_pending(db *d, arena *a, int64_t org_id, news_rec **items, size_t *n);

/* The weekly digest's "news" section (a row of digest_sections[]): the
 * week's visible items of SCAN and of the clusters the reader follows,
 * newest first, at most 10, titles in the reader's language. */
struct digest_reader;
struct digest_period;
struct digest_part;
db_status news_digest_section(db *d, arena *a, const struct digest_reader *r,
                              const struct digest_period *w, struct digest_part *out);

#endif
