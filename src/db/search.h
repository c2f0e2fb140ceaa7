/* search.h: full-text search over every entity, behind a small interface.
 *
 * Entities put a document (kind, ref, title, body) when they change and
 * delete it when they go; queries come back ranked. The text is folded
 * with utf8_fold() on the way in and the query on the way out, so a query
 * in Cyrillic, Latin with or without diacritics, or ASCII finds the same
 * documents. Every query word matches as a prefix ("kra" finds
 * "Kragujevac"), and all words must match. FTS5 on SQLite; on PostgreSQL
 * a table of each document's words behind the same calls, with the same
 * hits in the same order (search.c). Query text never reaches FTS syntax:
 * words are extracted and quoted. */
#ifndef SCAN_SEARCH_H
#define SCAN_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"

typedef struct search_hit {
    const char *kind; /* arena copy */
    int64_t ref;
    double rank; /* lower is better (search_score; body-only matches last) */
} search_hit;

/* Replaces the document (kind, ref). Call inside the entity's write
 * transaction so index and data never disagree. */
db_status search_put(db *d, const char *kind, int64_t ref, const char *title, const char *body);
/* search_put for a ref just made (a new entry): no earlier document is
 * looked for first; one there after all (UNIQUE (kind, ref)) is replaced
 * as search_put does. On PostgreSQL the lookup's predicate lock fell on
 * the index page every concurrent create inserts into. */
db_status search_put_new(db *d, const char *kind, int64_t ref, const char *title, const char *body);
/* search_put for a bulk writer (the importer): the document is folded on a
 * helper thread (search.c's folder) and kept in a temporary table of this
 * connection's transaction, made by search_begin_pending after the
 * transaction began; it goes into the FTS tables, with the same rowids, at
 * search_flush_pending, which the caller runs before its commit. A
 * search_delete of a pending document in the same bulk write (or a second
 * search_put_pending of its (kind, ref)) removes it from what the flush
 * stores. One
 * INSERT ... SELECT into each FTS5 table instead of one statement per
 * document: measured three times less FTS work at 50,000 documents (each
 * statement between two FTS inserts makes FTS5 write its pending index
 * out). When both FTS tables are empty at search_begin_pending, the
 * helper builds them itself as the documents come, in a database of its
 * own, and the flush copies them in (search.c's folder). The caller
 * always calls search_drop_pending after its transaction ended (commit or
 * rollback; flushed or not), which stops the helper and frees what it
 * holds; calling it twice is harmless. A bulk writer calls it before its
 * transaction begins as well: a helper's database that stayed attached
 * (its DETACH ran out of memory) is detached then. */
db_status search_put_pending(db *d, const char *kind, int64_t ref, const char *title,
                             const char *body);
db_status search_begin_pending(db *d);
/* Optional, between the last search_put_pending and search_flush_pending:
 * no more documents come, so the helper finishes its work (folding, and
 * when it builds the FTS tables, writing out their last segments) while
 * the caller does other work in its transaction (the importer makes its
 * dropped indexes again meanwhile). search_put_pending and a search_delete
 * on d fail (DB_ERR) after it until search_flush_pending. */
void search_close_pending(db *d);
/* How many times a bulk write's helper, which runs at the lowest priority
 * while nobody waits for it, handed its work to a helper of the writer's
 * priority (when the writer would wait: a full backlog, or
 * search_close_pending); for tests. */
unsigned long search_helper_promotions(void);
/* How many helpers search_drop_pending stopped with documents left, which
 * it does at the next document (what is dropped is not wanted); for tests. */
unsigned long search_helpers_abandoned(void);
/* After search_close_pending, when d's helpers build the FTS tables:
 * waits until they have added every document, and returns true; they may
 * still be finishing their builds then (writing out their last terms and
 * committing: 0.2-0.3 s for 100,000 entries). False at once without such
 * helpers. The importer writes its pages ahead then (db_write_ahead),
 * beside the builds' ends and, when they are over, before the copy of
 * their tables, so the disk starts on them meanwhile (a commit that wrote
 * all 539 MB took 0.96 s, against 0.24 + 0.45 s after a write ahead). It
 * locks readers out until its commit: not for the whole of a long build.
 * (Predicting the end from the pace so far was wrong whenever the
 * documents still to come were longer.) */
bool search_helper_await(db *d);
/* Rewrites folded text b in place to its words, each once, in the order
 * they first come, separated by single spaces, leaving out every word of
 * the folded title (tn bytes): what search_fts keeps of a document's body.
 * A word is a run of ASCII letters and digits and bytes outside ASCII;
 * every other byte separates words, as it does tokens for FTS5 (unicode61)
 * and PostgreSQL's search_words. Queries ask only whether each word begins
 * some word of the title, or of the title or body: search_build_match
 * splits a query's words wherever the tokenizers split, so each quoted
 * word is one token, never a phrase, and nothing asks for a position or a
 * count. So the document answers exactly the queries it answered whole,
 * with about half the words to index (bench/RESULTS.md). Out of memory
 * sets b's failed flag. */
void search_words_once(buf *b, const char *title, size_t tn);
/* The documents d's helper has not added yet; for tests. */
size_t search_helper_left(db *d);
db_status search_flush_pending(db *d);
void search_drop_pending(db *d);
/* Removes the document (kind, ref), if any. */
db_status search_delete(db *d, const char *kind, int64_t ref);
/* Up to limit hits for q, best first, of the given kind (NULL: any), after
 * skipping offset hits. *hits is arena memory. A query with no words gives
 * no hits. */
db_status search_query(db *d, arena *a, const char *q, const char *kind, int limit, int offset,
                       search_hit **hits, size_t *n_hits);
/* Keyset pages of the same hits in the same order: pos 0 is the start;
 * *next is the pos of the page after this one, -1 when this one is the
 * last (fewer than limit hits). A pos below SEARCH_BODY_BASE is a place
 * among the ranked names, from it up a place among the body-only matches
 * (after that FTS document), so a deep page seeks instead of skipping
 * every match before it. Opaque to callers (API cursors carry it). */
#define SEARCH_BODY_BASE ((int64_t)1 << 40)
db_status search_query_after(db *d, arena *a, const char *q, const char *kind, int limit,
                             int64_t pos, search_hit **hits, size_t *n_hits, int64_t *next);
/* How well a folded name matches the words of a match expression (from
 * search_build_match); lower is better: per word, 0 for a whole-word
 * match, 1 for a prefix of the first word, 2 for a prefix of a later word,
 * 3 when absent; shorter names win ties. Exposed for tests. */
double search_score(const char *folded_title, const char *match);
/* Builds the FTS5 MATCH expression for q into out: each folded word quoted
 * and followed by '*', joined by spaces (AND). Empty when q has no words.
 * Exposed for tests and fuzzing. */
void search_build_match(buf *out, const char *q);

#endif
