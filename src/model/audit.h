/* audit.h: the append-only audit log (triggers refuse UPDATE and DELETE).
 *
 * Every data change, login, failed login and rights change writes one row:
 * who (a person id, never a name, so erasing a person anonymises the log),
 * when, from where, what (action, entity, id) and a small JSON detail of
 * field names and ids, no personal data. Writers call audit_add inside
 * their own transaction, so data and log commit together. */
#ifndef SCAN_AUDIT_H
#define SCAN_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"

/* Appends a row at the current time; inside the caller's transaction (an
 * assertion checks). actor_id 0 = system, entity_id 0 = none, ip and
 * detail_json may be NULL. */
db_status audit_add(db *d, int64_t actor_id, const char *ip, const char *action, const char *entity,
                    int64_t entity_id, const char *detail_json);

typedef struct audit_row {
    int64_t id, at, actor_id, entity_id;
    const char *actor_name; /* current name; NULL for the system and after
                               erasure (actor_erased) */
    bool actor_erased;
    const char *ip, *action, *entity, *detail;
    /* what the entity is called now, for people reading the log: an
     * entry's or figures' organisation (name and slug), an account's or
     * role's person (name); NULL when unknown or gone. entity_year is the
     * figures' year (0 otherwise). */
    const char *entity_name, *entity_slug;
    int64_t entity_year;
} audit_row;

typedef struct audit_filter {
    const char *action;   /* exact, or NULL */
    const char *entity;   /* exact, or NULL */
    int64_t actor_id;     /* 0 = any */
    int64_t since, until; /* 0 = open */
    int64_t before_id;    /* keyset: rows with id < before_id; 0 = newest */
    int limit;
} audit_filter;

/* The rows matching every set filter, newest first: since <= at < until;
 * limit 1..500 (0 or less means 50). For the next page pass the last
 * row's id as before_id. actor_id is 0 and actor_name "System" for the
 * system. Rows and strings are arena copies; f NULL means no filter. */
db_status audit_list(db *d, arena *a, const audit_filter *f, audit_row **rows, size_t *n);

#endif
