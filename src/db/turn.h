/* turn.h: the writers of one process take turns at a database file, in
 * the order they asked (db.c, on SQLite). Private to src/db/.
 *
 * SQLite admits one write transaction at a time and has no queue: a
 * BEGIN IMMEDIATE that finds the lock taken sleeps (1, 2, 5, ... then
 * 100 ms at a time) and tries again, and a writer that came later, or
 * whose sleep ended first, takes the lock in between. Under a steady
 * stream of writes one writer kept missing it: 0.3-2 s in BEGIN, in
 * steps of 100 ms, for about 1% of API creates (bench/RESULTS.md,
 * session 13). So db_begin_write first takes its turn here, first come
 * first served, and holds it until the transaction ends; SQLite's busy
 * timeout then only meets writers of other processes. */
#ifndef SCAN_DB_TURN_H
#define SCAN_DB_TURN_H

#include <stdbool.h>
#include <stdint.h>

typedef struct db_turn db_turn;

/* The queue of the file (dev, ino), made on first use and shared by every
 * connection of the process to that file; NULL when out of memory (the
 * connection then writes without turns, as before). Each call is paired
 * with one db_turn_release. Thread-safe. */
db_turn *db_turn_get(uint64_t dev, uint64_t ino);
void db_turn_release(db_turn *q);

/* Waits until every writer that asked before has had its turn and given
 * it back, at most timeout_ms: true with the turn held, false when the
 * time ran out (the caller answers DB_BUSY, as SQLite would). */
bool db_turn_take(db_turn *q, int timeout_ms);
/* Hands the turn to the writer that has waited longest, if any. */
void db_turn_give(db_turn *q);
/* How many writers wait for a turn at q now (tests). */
unsigned db_turn_waiting(db_turn *q);

#endif
