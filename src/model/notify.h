/* notify.h: notifications: kinds of event, each person's settings, saved
 * searches ("topics"), followed clusters, recorded events and one-click
 * unsubscribe links. The weekly digest that carries most of them is
 * digest.h.
 *
 * How a module tells people something (the only way it should):
 *
 *   1. add a row to notify_kinds[] in notify.c: an id (stored, never
 *      renamed), the message of its title on the settings page, the message
 *      of one line about an event ("%s joined %s", filled with the event's
 *      a and b), and its default channel (weekly unless it cannot wait);
 *   2. inside the transaction of the change, call notify_event() with the
 *      recipients (people, the current people of organisations, or the
 *      followers of a cluster) and what the line shows.
 *
 * notify_event() stores one notify_event row per recipient in the
 * caller's transaction (all or nothing with the change); a recipient who
 * chose "immediately" for that kind also gets a mail queued in the outbox
 * in their language, with a one-click unsubscribe link; "weekly" ones wait
 * for the digest; "never" ones are stored and shown nowhere.
 *
 * Strings returned are arena copies. Writes audit in their transaction. */
#ifndef SCAN_NOTIFY_H
#define SCAN_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "i18n/i18n.h"

typedef enum { NOTIFY_IMMEDIATE = 0, NOTIFY_WEEKLY, NOTIFY_NEVER } notify_channel;

/* The pseudo-kind of the weekly digest as a whole: weekly or never. */
#define NOTIFY_DIGEST "digest"

#define NOTIFY_TOPICS_MAX  20  /* saved searches per person */
#define NOTIFY_FOLLOWS_MAX 50  /* followed clusters per person */
#define NOTIFY_QUERY_MAX   500 /* bytes of a topic's canonical query */
#define NOTIFY_UNSUB_TTL   (90 * 86400)

typedef struct notify_kind {
    const char *id;      /* stored in notify_pref and notify_event */
    msg_id title;        /* its row on the settings page */
    msg_id line;         /* one event: a format with two %s (a, b) */
    notify_channel dflt; /* when the person chose nothing */
    bool no_immediate;   /* only weekly or never (a kind too chatty for mail) */
} notify_kind;

extern const notify_kind notify_kinds[];
extern const size_t notify_n_kinds;

/* The kind with that id, or NULL. */
const notify_kind *notify_kind_find(const char *id);
/* "immediate", "weekly", "never". */
const char *notify_channel_name(notify_channel c);
/* Parses a channel name; false for anything else. */
bool notify_channel_parse(const char *s, notify_channel *out);

/* The absolute base URL for links in notification mail (scheme, host,
 * port, no trailing slash), copied; set once before threads start (`scan
 * serve`, `scan digest run`). Without one, links are relative paths. */
void notify_set_base_url(const char *url);

/* The public address a server runs under, recorded in the database when it
 * starts with a known one (--base-url, or --listen with a port), so jobs
 * run from cron (`scan digest run`, `events remind`, `calls remind`) link
 * to it without being told. load gives NULL when none was recorded. */
db_status notify_public_url_save(db *d, const char *url);
db_status notify_public_url_load(db *d, arena *a, const char **url);
/* Or a function that gives it (`scan serve`: the server's public URL with
 * the port it really got); it wins over notify_set_base_url. NULL: none. */
void notify_set_base_url_fn(const char *(*fn)(void));
const char *notify_base_url(void);
/* False while the function given to notify_set_base_url_fn has no URL yet
 * (the server is not listening yet). */
bool notify_base_ready(void);

/* --- settings ------------------------------------------------------------- */

/* A person's channel for every kind, in notify_kinds[] order, then the
 * digest's at index notify_n_kinds (out must hold notify_n_kinds + 1);
 * the default where they chose nothing. */
db_status notify_prefs_get(db *d, int64_t person_id, notify_channel *out);

/* One choice of a settings change. */
typedef struct notify_choice {
    const char *kind;    /* a kind id or NOTIFY_DIGEST */
    const char *channel; /* a channel name */
} notify_choice;

/* True when c names a kind (or the digest) and a channel it may have. */
bool notify_choice_valid(const notify_choice *c);

/* Stores the choices for person_id (one transaction, audited as
 * notify_settings). Every choice is checked first: an unknown kind, an
 * unknown channel, "immediate" for the digest or for a kind that has
 * no_immediate: DB_CONSTRAINT, *bad (may be NULL) names the first bad
 * choice's index, and nothing is stored. */
db_status notify_prefs_set(db *d, int64_t person_id, const notify_choice *c, size_t n,
                           const char *ip, size_t *bad);

/* --- topics (saved searches) and followed clusters ------------------------ */

typedef struct notify_topic {
    int64_t id;
    const char *page;  /* "/orgs" or "/cooperation" */
    const char *query; /* canonical query string, "" for the whole list */
} notify_topic;

typedef enum {
    TOPIC_OK = 0,
    TOPIC_BAD_PAGE,  /* not a list page topics can follow */
    TOPIC_BAD_QUERY, /* malformed, or a parameter name that is not [a-z_] */
    TOPIC_TOO_LONG,  /* the canonical query is over NOTIFY_QUERY_MAX */
    TOPIC_TOO_MANY,  /* the person has NOTIFY_TOPICS_MAX already */
    TOPIC_EXISTS,    /* the same search is saved already */
} topic_error;

/* Saves a topic for person_id (page a list page, query in canonical form:
 * notify_topic_canonical of web/web_topic.h; checked only for length). DB_CONSTRAINT with *err when
 * refused, nothing stored; *id the new row. */
db_status notify_topic_add(db *d, int64_t person_id, const char *page, const char *query,
                           const char *ip, topic_error *err, int64_t *id);
/* Removes the person's topic id: DB_DONE when they have no such topic. */
db_status notify_topic_remove(db *d, int64_t person_id, int64_t id, const char *ip);
/* The person's topics, oldest first. */
db_status notify_topics(db *d, arena *a, int64_t person_id, notify_topic **items, size_t *n);

typedef struct notify_followed {
    int64_t cluster_id;
    const char *slug, *name, *name_en;
} notify_followed;

/* Follows the cluster with that slug (kind cluster or cluster initiative,
 * not deleted). DB_DONE: no such cluster; DB_CONSTRAINT: already
 * followed or NOTIFY_FOLLOWS_MAX reached. */
db_status notify_follow(db *d, int64_t person_id, const char *slug, const char *ip);
/* Stops following: DB_DONE when not followed. */
db_status notify_unfollow(db *d, int64_t person_id, int64_t cluster_id, const char *ip);
/* The clusters the person follows, by name. */
db_status notify_follows(db *d, arena *a, int64_t person_id, notify_followed **items, size_t *n);

/* Published clusters the person does not follow yet, by name (at most
 * 500), for the settings page's list. */
db_status notify_follow_choices(db *d, arena *a, int64_t person_id, notify_followed **items,
                                size_t *n);

/* --- events ----------------------------------------------------------------- */

/* Who hears of an event: the union of these, each person once, never the
 * actor who caused it, only people with a usable account and address. */
typedef struct notify_to {
    const int64_t *persons;
    size_t n_persons;
    const int64_t *orgs; /* their current people (managers, representatives) */
    size_t n_orgs;
    int64_t followers_of; /* the people following this cluster; 0: none */
} notify_to;

/* What an event shows: a and b fill the kind's line (names as stored, in
 * either script: shown in the reader's), href a local path ("/orgs/x") the
 * line links to; entity/entity_id name what it is about. */
typedef struct notify_what {
    const char *entity;
    int64_t entity_id;
    const char *a, *b, *href;
    const char *text; /* optional: quoted whole in an immediate mail (a message) */
} notify_what;

/* Records an event of kind for the recipients in to, inside the caller's
 * open write transaction, as described at the top. *n_recorded (may be
 * NULL) gets how many people it reached. DB_CONSTRAINT for an unknown
 * kind (a bug). */
db_status notify_event(db *d, int64_t actor_id, const notify_to *to, const char *kind,
                       const notify_what *what, size_t *n_recorded);

/* The event of kind cluster_member: org_id became a member of cluster_id;
 * the cluster's followers hear of it (inside the caller's transaction;
 * membership.c calls it wherever a cluster_member row is made). */
db_status notify_member_joined(db *d, int64_t actor_id, int64_t cluster_id, int64_t org_id);

/* Removes everything notifications keep about person_id (settings, saved
 * searches, followed clusters, events, unsubscribe links), inside the
 * caller's transaction: person_erase() calls it. */
db_status notify_person_erase(db *d, int64_t person_id);

/* --- unsubscribe links ------------------------------------------------------ */

/* A new single-use unsubscribe token for person_id and kind (a kind id or
 * NOTIFY_DIGEST), stored hashed, inside the caller's transaction. */
db_status notify_unsub_new(db *d, int64_t person_id, const char *kind, char token[44]);
/* The two header lines of RFC 8058 for a token: List-Unsubscribe with the
 * absolute link (notify_base_url() + "/u/" + token) and
 * List-Unsubscribe-Post. Arena strings; hdr must hold 2. */
void notify_unsub_headers(arena *a, const char *token, const char **hdr);

typedef enum {
    UNSUB_OK = 0,  /* usable (peek) or used now (use) */
    UNSUB_UNKNOWN, /* no such token: never issued, or malformed */
    UNSUB_USED,    /* used already: each link works once */
    UNSUB_EXPIRED, /* older than NOTIFY_UNSUB_TTL */
} unsub_state;

/* What a token would do, without using it: its state, and for a usable
 * one the kind (*kind, arena) it turns off. */
db_status notify_unsub_peek(db *d, arena *a, const char *token, unsub_state *state,
                            const char **kind);
/* Uses a token: sets the person's channel for its kind (or the digest) to
 * never and marks the token used, in one audited transaction (action
 * notify_unsubscribe, actor the token's person). *state says what
 * happened; a token that is not usable changes nothing. */
db_status notify_unsub_use(db *d, arena *a, const char *token, const char *ip, unsub_state *state,
                           const char **kind);

/* --- reading a person's events ---------------------------------------------- */

typedef struct notify_event_row {
    int64_t id, created_at;
    const char *kind, *a, *b, *href, *channel;
} notify_event_row;

/* Writes one event's line in lang (a and b in the reader's script) into
 * out as text. */
void notify_event_line(buf *out, lang_id lang, const notify_event_row *e);

#endif
