/* search.c: folded full-text search on FTS5 (see search.h), and the same
 * search on PostgreSQL.
 *
 * PostgreSQL has no FTS5. Its migrations (0001/0010 .pg.sql) make
 * search_fts and search_title plain tables with a `rowid` column, so every
 * write below is the same text on both backends, and a trigger keeps
 * search_word (each document's distinct words per column: 0 title, 1
 * body) and search_doc_words (0060: per document its words as one string
 * per stage). Only the queries differ (the SQL_PG_* texts, chosen by
 * db_backend): they ask for what FTS5 answers, in its order: every word
 * begins some word of the title (names), or of title or body while not all
 * of them are in the title (body-only matches), rows in document (rowid)
 * order; a word's prefix is a range of the (col, word, doc) btree, words
 * beginning with w being those from w up to w followed by U+10FFFF (the
 * column collation "C" orders by bytes). Which of two plans answers is
 * chosen by the data (stage_open_pg: the rarest word's range when it is
 * under a cap, else a walk in document order), not by the planner. The
 * names are then ranked by the same C code (search_score), so both
 * backends list the same hits
 * in the same order for the same documents. */
#include "db/search.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <unicode/uchar.h>

#include "core/mem.h"
#include "core/utf8.h"

/* (kind, ref) -> FTS rowid through search_doc: deleting by rowid is an
 * index lookup, deleting by an UNINDEXED column would scan the table. */
static const char SQL_DOC_FIND[] = "SELECT id FROM search_doc WHERE kind = $1 AND ref = $2";
static const char SQL_DOC_DELETE[] = "DELETE FROM search_doc WHERE id = $1";
static const char SQL_FTS_DELETE[] = "DELETE FROM search_fts WHERE rowid = $1";
static const char SQL_TITLE_DELETE[] = "DELETE FROM search_title WHERE rowid = $1";
static const char SQL_DOC_INSERT[] = "INSERT INTO search_doc(kind, ref) VALUES ($1, $2)";
/* search_put_new's: no row when (kind, ref) has a document already */
static const char SQL_DOC_INSERT_NEW[] = "INSERT INTO search_doc(kind, ref) VALUES ($1, $2)"
                                         " ON CONFLICT(kind, ref) DO NOTHING RETURNING id";
static const char SQL_INSERT[] =
    "INSERT INTO search_fts(rowid, kind, ref, title, body) VALUES ($1, $2, $3, $4, $5)";
static const char SQL_TITLE_INSERT[] =
    "INSERT INTO search_title(rowid, kind, ref, title) VALUES ($1, $2, $3, $4)";
/* Two stages keep prefix queries fast at 100,000 documents (measured:
 * bm25 over every match of a common prefix took 6-50 ms). Names (the
 * search_title table, prefix-indexed for 1..6 characters; migration 0010)
 * come first: up to SEARCH_CANDIDATES of them are fetched
 * unranked, which lets FTS5 stop early, and ranked here by how well the
 * words match (search_score). Matches only in the body follow, in index
 * order. A prefix matching more names than the cap is ranked within the
 * first SEARCH_CANDIDATES (typing one more letter narrows it). */
#define SEARCH_CANDIDATES 200
static const char SQL_TITLE_ANY[] = "SELECT kind, ref, title FROM search_title"
                                    " WHERE search_title MATCH $1 LIMIT $2";
static const char SQL_TITLE_KIND[] = "SELECT kind, ref, title FROM search_title"
                                     " WHERE search_title MATCH $1 AND kind = $3 LIMIT $2";
static const char SQL_BODY_ANY[] = "SELECT kind, ref FROM search_fts WHERE search_fts MATCH $1"
                                   " LIMIT $2 OFFSET $3";
static const char SQL_BODY_KIND[] = "SELECT kind, ref FROM search_fts"
                                    " WHERE search_fts MATCH $1 AND kind = $4 LIMIT $2 OFFSET $3";

/* PostgreSQL: each stage (names; body-only matches) has two plans, and
 * search.c picks between them by the data, because the planner cannot:
 * the statements are prepared once, and a generic plan does not know
 * whether a prefix begins 50 words or 30,000.
 *
 * Both read search_doc_words (0060): per document its kind, ref, folded
 * title and its words as a string, each word after a space, so "every
 * query word begins a word of the names" is title_words LIKE ALL of the
 * patterns '% w%', one test on one row (query words hold only [a-z0-9]
 * and non-ASCII bytes, never a LIKE wildcard or a space: see
 * search_build_match). The body stage keeps the documents whose words
 * (title and body) match and whose title_words do not (body-only).
 *
 * - sparse: each query word's range of the (col, word, doc) key of
 *   search_word is counted, the first ($4, the longest) up to the cap $6
 *   and the others (each once) only up to its count (they matter only if rarer: "pr
 *   m" or "klaster k s" counted 2,000 entries of "m" or "s" for
 *   nothing); the rarest word's range is
 *   the candidates, sorted by document, and their rows of
 *   search_doc_words are fetched in that order and tested until the page
 *   is full (a LATERAL fetch behind an OFFSET 0 fence: a custom plan
 *   otherwise merge-joined the candidates with a sequential scan of every
 *   document's words, 30 ms for "beograd nis"'s body stage). When even the rarest word reaches the
 * cap, the statement answers one row of NULLs instead ("too common": nothing else ran).
 * - walk: search_doc_words in document order (its primary key), each row
 *   tested, until the page is full; the OFFSET 0 fence keeps the planner
 *   from sorting the whole table instead (its estimate of the LIKE ALL
 *   rows is a guess, and a generic plan picked a sequential scan and a
 *   sort: 10,000 rows read for every common word).
 *
 * The sparse plan is tried first; when it answers "too common", the
 * walk. A walk reads about page × documents / matches rows, so the cap
 * is where reading the rarest range and sorting it costs what walking
 * does (measured at 10,000 entries: 0.3-1 ms either way at 2,000
 * entries); past it every word is common and the walk stops early. Both
 * plans find the same rows: the documents with every word as a prefix of
 * a word of the columns, of the kind, in document order.
 *
 * Parameters: $1 the other words joined by spaces ('' for none), $2 the
 * limit, $3 the kind (NULL: any), $4 the word (the query's words are $4
 * and $1's), $5 unused (it was the range's end; the statements keep
 * their parameters), $6 the cap; the body's $7 every word joined by
 * spaces, $8 the offset, $9 the document to start after. */
#define PG_CAP_TITLE 2000
#define PG_CAP_BODY  2000
#define PG_WORDS     "unnest(string_to_array(rtrim($4 || ' ' || $1), ' '))"
#define PG_PATTERNS  "ARRAY(SELECT '% ' || q.w || '%' FROM " PG_WORDS " AS q(w))"
/* [w, w U+10FFFF) are the words beginning with w: the column collation
 * "C" orders by bytes */
#define PG_RANGE(x, w) x ".word >= " w " AND " x ".word < " w " || chr(1114111)"
#define PG_KEEP_KIND   "(CAST($3 AS TEXT) IS NULL OR d.kind = $3)"
/* a necessary test first: every query word's first character is the
 * first of some word of the row (search_word_bit, 0060), one integer test
 * that refuses most rows of a walk before any LIKE */
#define PG_MASK "(SELECT coalesce(bit_or(search_word_bit(q.w)), 0) FROM " PG_WORDS " AS q(w))"
#define PG_HAS(mask, words)                                                                        \
    "(" mask " & " PG_MASK ") = " PG_MASK " AND " words " LIKE ALL (" PG_PATTERNS ")"
#define PG_KEEP_TITLE " AND " PG_HAS("d.title_mask", "d.title_words")
#define PG_KEEP_BODY                                                                               \
    " AND " PG_HAS("d.words_mask", "d.words") " AND NOT (" PG_HAS("d.title_mask",                  \
                                                                  "d.title_words") ")"
/* clang-format off */
#define PG_SPARSE(cols, after, keep, page)                                                         \
    "WITH f AS MATERIALIZED (SELECT count(*) AS n FROM (SELECT 1 FROM search_word x"              \
    " WHERE x.col IN " cols " AND " PG_RANGE("x", "$4") after " LIMIT $6) AS y),"                  \
    " q AS MATERIALIZED (SELECT $4 AS w, f.n FROM f UNION ALL SELECT q.w, (SELECT count(*)"        \
    " FROM (SELECT 1 FROM search_word x WHERE x.col IN " cols " AND " PG_RANGE("x", "q.w") after   \
    " LIMIT (SELECT f.n FROM f)) AS y) FROM (SELECT DISTINCT u.w FROM"                             \
    " unnest(string_to_array($1, ' ')) AS u(w) WHERE u.w <> $4) AS q(w)),"                         \
    " b AS MATERIALIZED (SELECT q.w, q.n FROM q ORDER BY q.n, q.w <> $4, q.w LIMIT 1)"            \
    " (SELECT d.kind, d.ref, d.title, d.doc FROM (SELECT DISTINCT x.doc FROM search_word x"        \
    " WHERE x.col IN " cols " AND " PG_RANGE("x", "(SELECT b.w FROM b)") after                     \
    " ORDER BY x.doc OFFSET 0) AS c CROSS JOIN LATERAL (SELECT d.kind, d.ref, d.title, d.doc"      \
    " FROM search_doc_words d WHERE d.doc = c.doc AND " PG_KEEP_KIND keep " OFFSET 0) AS d"        \
    " WHERE (SELECT b.n FROM b) < $6 ORDER BY c.doc " page ")"                                     \
    " UNION ALL SELECT NULL, NULL, NULL, NULL FROM b WHERE b.n >= $6"
#define PG_WALK(after, keep, page)                                                                 \
    "SELECT d.kind, d.ref, d.title, d.doc FROM (SELECT w.doc, w.kind, w.ref, w.title,"             \
    " w.title_words, w.words, w.title_mask, w.words_mask FROM search_doc_words w" after " ORDER BY w.doc OFFSET 0) AS d"       \
    " WHERE " PG_KEEP_KIND keep " ORDER BY d.doc " page
/* clang-format on */
static const char SQL_PG_TITLE_SPARSE[] = PG_SPARSE("(0)", "", PG_KEEP_TITLE, "LIMIT $2");
static const char SQL_PG_TITLE_WALK[] = PG_WALK("", PG_KEEP_TITLE, "LIMIT $2");
static const char SQL_PG_BODY_SPARSE[] =
    PG_SPARSE("(0, 1)", " AND x.doc > $9", PG_KEEP_BODY, "LIMIT $2 OFFSET $8");
static const char SQL_PG_BODY_WALK[] =
    PG_WALK(" WHERE w.doc > $9", PG_KEEP_BODY, "LIMIT $2 OFFSET $8");

/* Which texts: PostgreSQL's when the connection is not SQLite's. */
static bool search_on_pg(db *d)
{
    return strcmp(db_backend(d), "sqlite") != 0;
}

static db_status folder_forget(db *d, int64_t id);

/* --- a document's words once ----------------------------------------------------------- */

/* The bytes that may be in a word of search_words_once: ASCII letters
 * and digits, and every byte outside ASCII. The others are those FTS5's
 * tokenizer (unicode61, no tokenchars) never takes into a token, so each
 * word is tokenized alone, whatever surrounds it (a word may still hold
 * several tokens, split by a separator outside ASCII, such as "—"). */
static const unsigned char word_byte[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 10 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 20 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, /* 30 */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 40 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, /* 50 */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 60 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, /* 70 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 80 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 90 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* a0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* b0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* c0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* d0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* e0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* f0 */
};

/* A hash of the len bytes at p, from a few loads (FNV-1a, a multiply per
 * byte, was as costly as the rest of search_words_once): the first and
 * last 8 bytes, and every 8 bytes between, so words that differ anywhere
 * differ in it but for collisions. */
static uint32_t word_hash(const char *p, size_t len)
{
    uint64_t a = 0, b = len;
    if (len >= 8) {
        for (size_t k = 0; k + 8 < len; k += 8) {
            uint64_t x;
            memcpy(&x, p + k, 8);
            a = (a ^ x) * 0x9E3779B97F4A7C15ULL;
        }
        memcpy(&b, p + len - 8, 8);
        b ^= len;
    } else if (len >= 4) {
        uint32_t x, y;
        memcpy(&x, p, 4);
        memcpy(&y, p + len - 4, 4);
        a = x;
        b = ((uint64_t)y << 32) | len;
    } else if (len > 0) {
        a = (uint64_t)(unsigned char)p[0] << 16 | (uint64_t)(unsigned char)p[len >> 1] << 8 |
            (unsigned char)p[len - 1];
    }
    uint64_t h = (a ^ 0xC2B2AE3D27D4EB4FULL) * 0x9E3779B97F4A7C15ULL;
    h ^= (b ^ (h >> 29)) * 0xBF58476D1CE4E5B9ULL;
    return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

/* A word seen: where it is (1 + its offset in title, or 1 + tn + its
 * offset in the compacted body; 0: an empty slot), its length and 16 bits
 * of its hash. */
typedef struct word_slot {
    uint32_t at;
    uint16_t len, hash;
} word_slot;

typedef struct word_set {
    word_slot *t;
    size_t mask, n; /* slots - 1; words in it */
    const char *title, *body;
    size_t tn;
} word_set;

static const char *word_at(const word_set *ws, uint32_t at)
{
    return at <= ws->tn ? ws->title + at - 1 : ws->body + (at - 1 - ws->tn);
}

/* Adds word p[0..len), at position at, with hash h; true when it was not
 * there yet. */
static bool word_add(word_set *ws, const char *p, uint16_t len, uint32_t h, uint32_t at)
{
    uint16_t h16 = (uint16_t)(h >> 16);
    for (size_t i = h & ws->mask;; i = (i + 1) & ws->mask) {
        word_slot *w = &ws->t[i];
        if (!w->at) {
            *w = (word_slot){at, len, h16};
            ws->n++;
            return true;
        }
        if (w->hash == h16 && w->len == len && memcmp(word_at(ws, w->at), p, len) == 0)
            return false;
    }
}

/* Twice the slots, from the heap (the first table is the caller's stack).
 * False when out of memory. */
static bool word_grow(word_set *ws, word_slot *stack)
{
    size_t slots = (ws->mask + 1) * 2;
    word_slot *t = mem_calloc(slots, sizeof *t), *old = ws->t;
    if (!t)
        return false;
    for (size_t i = 0; i <= ws->mask; i++) {
        if (!old[i].at)
            continue;
        size_t j = word_hash(word_at(ws, old[i].at), old[i].len) & (slots - 1);
        while (t[j].at)
            j = (j + 1) & (slots - 1);
        t[j] = old[i];
    }
    if (old != stack)
        mem_free(old);
    ws->t = t;
    ws->mask = slots - 1;
    return true;
}

#define WORDS_STACK 512 /* slots on the stack: 256 distinct words, most documents */

void search_words_once(buf *b, const char *title, size_t tn)
{
    word_slot stack[WORDS_STACK];
    memset(stack, 0, sizeof stack);
    word_set ws = {.t = stack, .mask = WORDS_STACK - 1, .title = title, .body = b->data, .tn = tn};
    char *s = b->data;
    size_t n = b->len, o = 0;
    if (!s || (uint64_t)tn + n >= UINT32_MAX) /* empty, or too long to index: as it is */
        return;
    for (int pass = 0; pass < 2; pass++) {
        const char *t = pass ? s : title;
        size_t len = pass ? n : tn;
        for (size_t i = 0; i < len;) {
            while (i < len && !word_byte[(unsigned char)t[i]])
                i++;
            size_t w = i;
            while (i < len && word_byte[(unsigned char)t[i]])
                i++;
            size_t wl = i - w;
            if (!wl)
                continue;
            bool fresh = true;
            if (wl <= UINT16_MAX) {
                if (ws.n * 2 >= ws.mask && !word_grow(&ws, stack)) {
                    b->failed = true;
                    goto cleanup;
                }
                /* a body word goes to o: where it is looked for from now on */
                uint32_t at = pass ? (uint32_t)(1 + tn + o + (o ? 1 : 0)) : (uint32_t)(1 + w);
                fresh = word_add(&ws, t + w, (uint16_t)wl, word_hash(t + w, wl), at);
            }
            if (!pass || !fresh)
                continue;
            if (o)
                s[o++] = ' ';
            /* o <= w: the words only move back, most of them a few bytes */
            if (o != w)
                for (size_t k = 0; k < wl; k++)
                    s[o + k] = s[w + k];
            o += wl;
        }
    }
    b->len = o;
    s[o] = '\0';
cleanup:
    if (ws.t != stack)
        mem_free(ws.t);
}

/* The folded title and the folded body of a document into ft and fb: the
 * body's words once each, and none of the title's (search_words_once). */
static void fold_doc(buf *ft, buf *fb, const char *title, const char *body)
{
    if (title)
        utf8_fold(ft, title, strlen(title));
    if (body)
        utf8_fold(fb, body, strlen(body));
    if (!buf_failed(ft) && !buf_failed(fb))
        search_words_once(fb, buf_str(ft), ft->len);
}

/* Removes document id from both FTS tables of d. */
static db_status fts_forget(db *d, int64_t id)
{
    db_status st = db_do(d, SQL_FTS_DELETE, DB_ARGS(DBI(id)));
    return st == DB_OK ? db_do(d, SQL_TITLE_DELETE, DB_ARGS(DBI(id))) : st;
}

db_status search_delete(db *d, const char *kind, int64_t ref)
{
    db_stmt *s = db_prepare(d, SQL_DOC_FIND);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, kind);
    db_bind_int(s, 2, ref);
    db_status st = db_step(s);
    int64_t id = st == DB_ROW ? db_col_int(s, 0) : 0;
    db_reset(s);
    if (st != DB_ROW)
        return st == DB_DONE ? DB_OK : st;
    /* in a bulk write the document may still be pending, not yet in the
     * FTS tables the deletes below look in (refused, before any delete,
     * after search_close_pending) */
    if ((st = folder_forget(d, id)) != DB_OK || (st = fts_forget(d, id)) != DB_OK)
        return st;
    return db_do(d, SQL_DOC_DELETE, DB_ARGS(DBI(id)));
}

/* search_put (fresh false) and search_put_new (fresh true). */
static db_status put_doc(db *d, const char *kind, int64_t ref, const char *title, const char *body,
                         bool fresh)
{
    buf ft = BUF_INIT, fb = BUF_INIT;
    int64_t id = 0;
    db_status st = DB_OK;
    db_stmt *s;
    if (fresh) {
        if (!(s = db_prepare(d, SQL_DOC_INSERT_NEW))) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_text(s, 1, kind);
        db_bind_int(s, 2, ref);
        st = db_step(s);
        if (st == DB_ROW)
            id = db_col_int(s, 0);
        db_reset(s);
        if (st != DB_ROW && st != DB_DONE)
            goto cleanup;
        st = DB_OK;
    }
    if (!id && (st = search_delete(d, kind, ref)) != DB_OK)
        goto cleanup;
    fold_doc(&ft, &fb, title, body);
    if (buf_failed(&ft) || buf_failed(&fb)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    if (!id) {
        if (!(s = db_prepare(d, SQL_DOC_INSERT))) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_text(s, 1, kind);
        db_bind_int(s, 2, ref);
        if ((st = db_run(s)) != DB_OK)
            goto cleanup;
        id = db_last_id(d);
    }
    if (!(s = db_prepare(d, SQL_INSERT))) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, kind);
    db_bind_int(s, 3, ref);
    db_bind_text(s, 4, buf_str(&ft));
    db_bind_text(s, 5, buf_str(&fb));
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if (!(s = db_prepare(d, SQL_TITLE_INSERT))) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, kind);
    db_bind_int(s, 3, ref);
    db_bind_text(s, 4, buf_str(&ft));
    st = db_run(s);
cleanup:
    buf_free(&ft);
    buf_free(&fb);
    return st;
}

db_status search_put(db *d, const char *kind, int64_t ref, const char *title, const char *body)
{
    return put_doc(d, kind, ref, title, body, false);
}

db_status search_put_new(db *d, const char *kind, int64_t ref, const char *title, const char *body)
{
    return put_doc(d, kind, ref, title, body, true);
}

static const char SQL_PENDING_CREATE[] =
    "CREATE TEMP TABLE IF NOT EXISTS search_pending(id INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
    " ref INTEGER NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL)";
static const char SQL_PENDING_INSERT[] =
    "INSERT INTO temp.search_pending(id, kind, ref, title, body) VALUES ($1, $2, $3, $4, $5)";
static const char SQL_PG_PENDING_INSERT[] =
    "INSERT INTO pg_temp.search_pending(id, kind, ref, title, body) VALUES ($1, $2, $3, $4, $5)";
static const char SQL_PENDING_DELETE[] = "DELETE FROM temp.search_pending WHERE id = $1";
static const char SQL_PG_PENDING_DELETE[] = "DELETE FROM pg_temp.search_pending WHERE id = $1";
/* FTS5 writes its pending terms out as a new segment every 'hashsize'
 * bytes (1 MiB by default) and merges segments as they pile up: 64 MiB
 * while the documents go in made that a third faster (measured at 50,000
 * documents). The setting is stored, so it goes back to the default (no
 * migration sets another) in the same transaction. */
static const char *const sql_flush[] = {
    "INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', 67108864)",
    "INSERT INTO search_title(search_title, rank) VALUES ('hashsize', 67108864)",
    "INSERT INTO search_fts(rowid, kind, ref, title, body)"
    " SELECT id, kind, ref, title, body FROM temp.search_pending ORDER BY id",
    "INSERT INTO search_title(rowid, kind, ref, title)"
    " SELECT id, kind, ref, title FROM temp.search_pending ORDER BY id",
    "INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', 1048576)",
    "INSERT INTO search_title(search_title, rank) VALUES ('hashsize', 1048576)",
    "DROP TABLE temp.search_pending",
};
/* PostgreSQL: no FTS5 settings; search_word fills by its trigger. */
static const char *const sql_pg_flush[] = {
    "INSERT INTO search_fts(rowid, kind, ref, title, body)"
    " SELECT id, kind, ref, title, body FROM pg_temp.search_pending ORDER BY id",
    "INSERT INTO search_title(rowid, kind, ref, title)"
    " SELECT id, kind, ref, title FROM pg_temp.search_pending ORDER BY id",
    "DROP TABLE pg_temp.search_pending",
};

/* --- the folder: pending documents folded on a helper thread -------------------------- */

/* Folding a document's text was 8% of an import's instructions on the
 * writing thread (callgrind, 2,000 entries: 62,000 per entry). The bulk
 * writer hands each document to a helper thread, which folds it while the
 * writer goes on with the next entries' SQL. At most PENDING_MAX documents
 * wait unfolded (the writer waits when the helper falls that far behind),
 * so memory stays bounded. One folder per connection in a bulk write,
 * found by its db in a short list (a bulk writer holds the write lock, so
 * there are rarely two). Without a thread (pthread_create failed) the
 * writer folds inline. The helper's allocations do not count in the
 * writer's fault injection (core/mem.h is per thread); an allocation
 * failure there fails the import with DB_NOMEM all the same.
 *
 * Where the documents go depends on the FTS tables at the start:
 *
 * - Both empty (an import into a directory with nothing searchable yet,
 *   such as a new installation): the helper also builds search_fts, in
 *   a private in-memory database of its own, as the documents come, and
 *   once the rows are done a second builder (title_main) builds
 *   search_title in another from the titles the writer kept. Building
 *   them was 27-31% of an import's instructions when the writer did it at
 *   the flush (2.5 s of CPU at 100,000 documents); on the builders it
 *   runs beside the writer. search_flush_pending then makes the two
 *   tables anew in the writer's transaction and copies the builders'
 *   shadow tables into them (INSERT ... SELECT of identical tables, which
 *   SQLite copies record by record: 0.2 s at 100,000 documents). The
 *   tables are made anew, not filled, so that no FTS5 object of the
 *   writer's connection keeps an index structure it read before.
 * - Otherwise the writer takes the folded documents back, in order, at
 *   its next search_put_pending and at search_flush_pending, keeps them in
 *   the temporary table and adds them with one INSERT ... SELECT per FTS5
 *   table at the flush (sql_flush).
 *
 * Either way the FTS tables hold the same documents with the same rowids,
 * and so give the same answers to every query (the FTS5 index is the
 * same set of terms, whatever segments it is cut into). */
/* How far the helper may fall behind, and why it may fall far: it runs at
 * the lowest priority (nice 19, folder_main), so that while the rows go
 * in, the writer and the import's prepare thread have the two cores and
 * the helper takes what they leave; once the writer would wait for it (a
 * full backlog, or the rows are done: folder_promote), the rest is done at
 * the writer's priority, beside CREATE INDEX. Wall time per CPU second
 * of a 100,000-row import, interleaved runs: 0.66-0.69 at normal priority
 * and 8,192 documents (the limit before), 0.66-0.69 niced with 8,192 (the
 * writer then waits for it), 0.62-0.69 niced with 65,536, 0.59-0.62 niced
 * with 100,000 (bench/RESULTS.md); the pending text costs about 190 MB
 * at 100,000 (maximum RSS 1.38 -> 1.57 GB). With 1,024 the writer of a
 * 100,000-row import waited 1.5-5.8 s for the helper. */
#define PENDING_MAX 100000
#define FOLD_BATCH  64 /* documents per wake-up of the helper */

/* The two FTS5 tables a bulk write fills, each with its shadow tables
 * (FTS5's own: the index, its term index, the documents, their sizes, the
 * settings), in the order they are copied. */
static const char *const fts_tables[2] = {"search_fts", "search_title"};
static const char *const fts_shadows[5] = {"data", "idx", "content", "docsize", "config"};
static const char SQL_FTS_CREATE[] =
    "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name IN ('search_fts',"
    " 'search_title') AND sql LIKE 'CREATE VIRTUAL TABLE %'";
/* The copy takes these ten shadow tables as they are: a layout with fewer
 * (columnsize=0, contentless) builds on the writer as before. */
static const char SQL_FTS_SHADOWS[] =
    "SELECT count(*) = 10 FROM sqlite_schema WHERE type = 'table' AND name IN ("
    " 'search_fts_data', 'search_fts_idx', 'search_fts_content', 'search_fts_docsize',"
    " 'search_fts_config', 'search_title_data', 'search_title_idx', 'search_title_content',"
    " 'search_title_docsize', 'search_title_config')";
static const char SQL_FTS_EMPTY[] = "SELECT NOT EXISTS (SELECT 1 FROM search_fts_content)"
                                    " AND NOT EXISTS (SELECT 1 FROM search_title_content)"
                                    " AND NOT EXISTS (SELECT 1 FROM search_fts_docsize)"
                                    " AND NOT EXISTS (SELECT 1 FROM search_title_docsize)";
/* The builders' databases, one per FTS table (fts_tables), as the
 * writer's connection attaches them. */
static const char *const sql_attach_build[2] = {"ATTACH $1 AS search_build",
                                                "ATTACH $1 AS search_build_title"};
static const char *const sql_detach_build[2] = {"DETACH search_build", "DETACH search_build_title"};
static const char *const build_schema[2] = {"search_build", "search_build_title"};
/* A builder's table: the hashsize of sql_flush, for the same reason, and
 * back to the default at the end (the settings are copied). */
static const char *const sql_build_open[2] = {
    "INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', 67108864)",
    "INSERT INTO search_title(search_title, rank) VALUES ('hashsize', 67108864)",
};
static const char *const sql_build_close[2] = {
    "INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', 1048576)",
    "INSERT INTO search_title(search_title, rank) VALUES ('hashsize', 1048576)",
};

/* A document waiting, or a tombstone (gone): document id was deleted
 * (search_delete) after it was handed over, so whatever of it the pending
 * documents before hold goes too. Both are taken in the order given. */
typedef struct pending_doc {
    struct pending_doc *next;
    int64_t id, ref;
    const char *kind, *title, *body; /* copies in text, freed with the document */
    buf ft, fb;                      /* folded, when the helper does not build */
    bool folded;
    bool gone;   /* a tombstone: only id is set */
    char text[]; /* kind, title and body, each with its NUL */
} pending_doc;

/* A title the writer keeps for the title builder (title_main), or a
 * tombstone (title NULL): document id goes, as for pending_doc. */
typedef struct title_doc {
    int64_t id, ref;
    char *kind, *title; /* malloc copies */
} title_doc;

typedef struct folder {
    struct folder *next_folder;
    db *d;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    pthread_t th;    /* the helper now (see folder_promote) */
    pthread_t niced; /* the first helper, joined by the one promoted */
    bool started, closing;
    bool promoted;            /* the helper runs at the writer's priority */
    atomic_bool promote;      /* the niced helper stops at its next document */
    atomic_bool abandon;      /* the helper stops at its next document, for good */
    pending_doc *head, *tail; /* in the order given; head: oldest not yet stored */
    pending_doc *to_fold;     /* the next one for the helper */
    size_t n_unfolded;
    size_t n_pushed;      /* documents handed over (search_helper_await) */
    atomic_size_t n_done; /* of them, folded (and built) by the helpers */
    /* the helper's batch (its own; a promoted helper goes on with it):
     * the documents from batch, batch_n of them, batch_done done, the
     * next being cur */
    pending_doc *batch, *cur;
    size_t batch_n, batch_done;
    /* building (see above); build_sql NULL: not building. Table k of
     * fts_tables goes to a database of its own: search_fts (0) on the
     * helper, search_title (1) on the title builder (title_main) */
    char *build_sql[2];          /* the CREATE statements of fts_tables (malloc) */
    char build_uri[2][96];       /* the in-memory databases, shared with the writer */
    db *build[2];                /* the builders' connections to them (opened there) */
    db_status build_st[2];       /* a builder's first failure, read after its join */
    char build_err[2][160];      /* and its database's words for it */
    bool attached[2];            /* to the writer's connection, by search_flush_pending */
    title_doc *titles;           /* the writer's, in the order given; read by the */
    size_t n_titles, cap_titles; /* title builder only after folder_close */
    pthread_t title_th;
    bool title_started;        /* title_th runs title_main (title_join joins it) */
    bool title_ran;            /* title_main ran, on title_th or on the writer */
    atomic_size_t titles_done; /* of n_titles, added (search_helper_await) */
    atomic_bool titles_built;  /* the title builder committed */
    bool flushed;              /* by search_flush_pending: the FTS tables hold it all */
    bool handed;               /* some document was handed over; the lowest id: */
    int64_t min_id;            /* a document below it was never pending here */
} folder;

static pthread_mutex_t g_folders_mu = PTHREAD_MUTEX_INITIALIZER;
static folder *g_folders;

/* A document in one allocation, made and freed by the writer: a helper
 * that freed the writer's copies (and the writer the helper's folded
 * buffers) took the other thread's malloc arena lock four times a
 * document, and the two threads woke each other on it (perf: futex
 * wake-ups from malloc, 2% of an import's samples). */
static pending_doc *doc_new(int64_t id, const char *kind, int64_t ref, const char *title,
                            const char *body)
{
    size_t nk = strlen(kind) + 1, nt = strlen(title) + 1, nb = strlen(body) + 1;
    pending_doc *p = malloc(sizeof *p + nk + nt + nb);
    if (!p)
        return NULL;
    *p = (pending_doc){.id = id, .ref = ref};
    char *t = p->text;
    p->kind = memcpy(t, kind, nk);
    p->title = memcpy(t + nk, title, nt);
    p->body = memcpy(t + nk + nt, body, nb);
    return p;
}

/* Folds p into ft and fb (the helper's own when it builds, else p's). */
static void doc_fold(pending_doc *p, buf *ft, buf *fb)
{
    if (!p->gone)
        fold_doc(ft, fb, p->title, p->body);
}

static void doc_free(pending_doc *p)
{
    buf_free(&p->ft);
    buf_free(&p->fb);
    free(p);
}

/* Builder thread: opens the in-memory database of table k and makes the
 * table there, as the writer's schema has it, in one transaction. */
static db_status build_open(folder *f, size_t k)
{
    buf err = BUF_INIT;
    db_status st = db_open(f->build_uri[k], NULL, &f->build[k], &err);
    if (st != DB_OK)
        snprintf(f->build_err[k], sizeof f->build_err[k], "search index builder: %s",
                 buf_failed(&err) ? "cannot open its database" : buf_str(&err));
    buf_free(&err);
    if (st == DB_OK)
        st = db_exec(f->build[k], f->build_sql[k]);
    if (st == DB_OK)
        st = db_begin_write(f->build[k]);
    if (st == DB_OK)
        st = db_exec(f->build[k], sql_build_open[k]);
    return st;
}

/* Builder thread: st as builder k's status, with its database's words
 * for the first failure (search_flush_pending hands them to the writer's
 * connection: "error (not an error)" said nothing). */
static void build_note(folder *f, size_t k, db_status st)
{
    if (st != DB_OK && f->build_st[k] == DB_OK && !f->build_err[k][0] && f->build[k])
        snprintf(f->build_err[k], sizeof f->build_err[k], "search index builder: %s",
                 db_errmsg(f->build[k]));
    f->build_st[k] = st;
}

/* Helper thread: one document, folded into ft and fb, into search_fts. */
static db_status build_add(folder *f, const pending_doc *p, const buf *ft, const buf *fb)
{
    if (p->gone) /* added before (the helper takes them in order): out again */
        return db_do(f->build[0], SQL_FTS_DELETE, DB_ARGS(DBI(p->id)));
    if (buf_failed(ft) || buf_failed(fb))
        return DB_NOMEM;
    db_stmt *s = db_prepare(f->build[0], SQL_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, p->id);
    db_bind_text(s, 2, p->kind);
    db_bind_int(s, 3, p->ref);
    db_bind_text(s, 4, buf_str(ft));
    db_bind_text(s, 5, buf_str(fb));
    return db_run(s);
}

/* Builder thread, at the end: the setting back and the commit, so that
 * the writer's connection can read table k. */
static db_status build_close(folder *f, size_t k)
{
    db_status st = db_exec(f->build[k], sql_build_close[k]);
    return st == DB_OK ? db_commit(f->build[k]) : st;
}

/* The title builder: search_title, in a database of its own, from the
 * titles the writer kept (title_keep), once the rows are done
 * (search_close_pending). Until then the helper has the second core to
 * itself for search_fts; from then on the two builders have both cores
 * while the writer makes its indexes and waits: with both tables on the
 * helper, the writer of a 100,000-row import waited 0.8-0.9 s for it
 * after its indexes, with one core idle (bench/RESULTS.md, session 17).
 * The titles are folded here, as fold_doc folds them. On the writer's
 * thread when no thread could be made (title_join). */
static void *title_main(void *arg)
{
    folder *f = arg;
    db_status st = build_open(f, 1);
    buf ft = BUF_INIT;
    size_t i = 0;
    for (; st == DB_OK && i < f->n_titles && !atomic_load(&f->abandon); i++) {
        const title_doc *t = &f->titles[i];
        if (!t->title) { /* added before (in order): out again */
            st = db_do(f->build[1], SQL_TITLE_DELETE, DB_ARGS(DBI(t->id)));
        } else {
            buf_reset(&ft);
            utf8_fold(&ft, t->title, strlen(t->title));
            db_stmt *s = buf_failed(&ft) ? NULL : db_prepare(f->build[1], SQL_TITLE_INSERT);
            if (!s) {
                st = buf_failed(&ft) ? DB_NOMEM : DB_ERR;
                break;
            }
            db_bind_int(s, 1, t->id);
            db_bind_text(s, 2, t->kind);
            db_bind_int(s, 3, t->ref);
            db_bind_text(s, 4, buf_str(&ft));
            st = db_run(s);
        }
        atomic_fetch_add_explicit(&f->titles_done, 1, memory_order_relaxed);
    }
    buf_free(&ft);
    if (st == DB_OK && i < f->n_titles) /* abandoned: not a table to take */
        st = DB_ERR;
    if (st == DB_OK)
        st = build_close(f, 1);
    build_note(f, 1, st);
    atomic_store(&f->titles_built, true);
    return NULL;
}

/* Writer: keeps document id's title for the title builder, or (title
 * NULL) a tombstone for it. False when out of memory. */
static bool title_keep(folder *f, int64_t id, const char *kind, int64_t ref, const char *title)
{
    if (f->n_titles == f->cap_titles) {
        size_t cap = f->cap_titles ? 2 * f->cap_titles : 1024;
        title_doc *t = realloc(f->titles, cap * sizeof *t);
        if (!t)
            return false;
        f->titles = t;
        f->cap_titles = cap;
    }
    title_doc *t = &f->titles[f->n_titles];
    *t = (title_doc){.id = id, .ref = ref};
    if (title && (!(t->kind = strdup(kind)) || !(t->title = strdup(title)))) {
        free(t->kind);
        return false;
    }
    f->n_titles++;
    return true;
}

/* Starts the title builder, once, when the helper builds: on a thread of
 * its own, or, when none can be made, later on the writer (title_join).
 * Only after folder_close: the titles are final then. */
static void title_start(folder *f)
{
    if (f->build_sql[0] && !f->title_started && !f->title_ran)
        f->title_started = pthread_create(&f->title_th, NULL, title_main, f) == 0;
}

/* Writer: waits for the title builder (or runs it, when it had no thread)
 * and returns its status. */
static db_status title_join(folder *f)
{
    if (f->title_started) {
        pthread_join(f->title_th, NULL);
        f->title_started = false;
    } else if (!f->title_ran) {
        (void)title_main(f);
    }
    f->title_ran = true;
    return f->build_st[1];
}

static atomic_ulong g_abandoned; /* search_helpers_abandoned */

/* The helper takes every document waiting at once and folds them (and
 * adds them to its FTS tables, when building) with the lock released: two
 * lock round trips per batch, not per document. The first helper runs at
 * the lowest priority (see PENDING_MAX) until the writer would wait for
 * it; then (folder_promote) it stops at its next document and a helper of
 * the writer's priority goes on from there. */
static void *helper_run(folder *f, bool niced)
{
    /* the batch in locals (the writer's fields share its cache lines), in
     * f only between two helpers */
    pending_doc *batch = f->batch, *cur = f->cur;
    size_t n = f->batch_n, done = f->batch_done;
    bool stopped = false; /* promoted: the other helper goes on */
    bool building = f->build_sql[0] != NULL;
    buf ft = BUF_INIT, fb = BUF_INIT; /* a document folded, when building */
    pthread_mutex_lock(&f->mu);
    for (;;) {
        if ((niced && atomic_load(&f->promote)) || atomic_load(&f->abandon)) {
            stopped = true;
            break;
        }
        if (done == n) {
            while (!f->to_fold && !f->closing && !(niced && atomic_load(&f->promote)))
                pthread_cond_wait(&f->cv_work, &f->mu);
            if (!f->to_fold) {
                stopped = niced && atomic_load(&f->promote);
                break; /* closing, or promoted */
            }
            /* to_fold and the n_unfolded - 1 after it: their next
             * pointers are set and stay */
            batch = cur = f->to_fold;
            n = f->n_unfolded;
            done = 0;
            f->to_fold = NULL;
        }
        pthread_mutex_unlock(&f->mu);
        while (done < n && !(niced && atomic_load(&f->promote)) && !atomic_load(&f->abandon)) {
            if (building) {
                buf_reset(&ft);
                buf_reset(&fb);
                doc_fold(cur, &ft, &fb);
                if (f->build_st[0] == DB_OK)
                    build_note(f, 0, build_add(f, cur, &ft, &fb));
            } else {
                doc_fold(cur, &cur->ft, &cur->fb);
            }
            atomic_fetch_add_explicit(&f->n_done, 1, memory_order_relaxed);
            if (++done < n) /* never past the batch: the writer sets that */
                cur = cur->next;
        }
        pthread_mutex_lock(&f->mu);
        if (n && done == n) {
            pending_doc *p = batch;
            for (size_t k = 0; k < n; k++, p = p->next)
                p->folded = true;
            f->n_unfolded -= n;
            n = done = 0;
            pthread_cond_signal(&f->cv_done);
        }
    }
    f->batch = batch;
    f->cur = cur;
    f->batch_n = n;
    f->batch_done = done;
    pthread_mutex_unlock(&f->mu);
    buf_free(&ft);
    buf_free(&fb);
    if (!stopped && building && f->build_st[0] == DB_OK)
        build_note(f, 0, build_close(f, 0));
    return NULL;
}

static void *folder_main(void *arg)
{
    folder *f = arg;
    /* the lowest priority (a hint; a refusal changes nothing but the speed) */
    (void)setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
    if (f->build_sql[0])
        build_note(f, 0, build_open(f, 0));
    return helper_run(f, true);
}

static void *folder_promoted_main(void *arg)
{
    folder *f = arg;
    pthread_join(f->niced, NULL);
    return helper_run(f, false);
}

/* The writer is about to wait for the helper (a full backlog, or the rows
 * are done): from now on its work is done at the writer's priority. A
 * thread cannot take back its own nice value without privileges, so a new
 * helper (created by the writer, it has the writer's) joins the niced one,
 * which stops at its next document, and goes on where it stopped. Without
 * the nice, another process's load starved the helper: with two busy
 * loops on the two cores, an import of 100,000 entries had not ended
 * after 40 s (7 s without them). When no thread can be made, the niced
 * helper goes on. */
static atomic_ulong g_promotions; /* search_helper_promotions */

static void folder_promote(folder *f)
{
    pthread_mutex_lock(&f->mu);
    if (f->started && !f->promoted) {
        pthread_t th;
        f->niced = f->th;
        if (pthread_create(&th, NULL, folder_promoted_main, f) == 0) {
            f->th = th;
            f->promoted = true;
            atomic_fetch_add(&g_promotions, 1);
            atomic_store(&f->promote, true);
            pthread_cond_signal(&f->cv_work);
        }
    }
    pthread_mutex_unlock(&f->mu);
}

static folder *folder_find(db *d)
{
    pthread_mutex_lock(&g_folders_mu);
    folder *f = g_folders;
    while (f && f->d != d)
        f = f->next_folder;
    pthread_mutex_unlock(&g_folders_mu);
    return f;
}

/* Tells the helper that no more documents come: it finishes what it has
 * (and its build) and ends. */
static void folder_close(folder *f)
{
    folder_promote(f);
    pthread_mutex_lock(&f->mu);
    f->closing = true;
    pthread_cond_signal(&f->cv_work);
    pthread_mutex_unlock(&f->mu);
}

/* Stops the helper, after it folded (and built) what it has, or, with
 * abandon, at its next document (the documents are not wanted: a failed
 * import once waited 15 s for a build it then threw away); the documents
 * stay in f. Stopping a stopped folder does nothing. */
static void folder_stop(folder *f, bool abandon)
{
    if (f->started) {
        if (abandon)
            atomic_store(&f->abandon, true);
        folder_close(f);
        pthread_join(f->th, NULL);
        f->started = false;
        if (abandon) { /* with documents left: search_helpers_abandoned */
            pending_doc *p = f->head;
            while (p && p->folded)
                p = p->next;
            if (p)
                atomic_fetch_add(&g_abandoned, 1);
        }
    }
    if (abandon && f->title_started) { /* it stops at its next title */
        atomic_store(&f->abandon, true);
        pthread_join(f->title_th, NULL);
        f->title_started = false;
        f->title_ran = true;
    }
}

static void folder_unlink(folder *f)
{
    pthread_mutex_lock(&g_folders_mu);
    for (folder **pp = &g_folders; *pp; pp = &(*pp)->next_folder)
        if (*pp == f) {
            *pp = f->next_folder;
            break;
        }
    pthread_mutex_unlock(&g_folders_mu);
}

/* After folder_stop and folder_unlink: frees the documents and closes the helper's
 * database (rolled back if not committed; it goes with its last
 * connection). */
static void folder_free(folder *f)
{
    for (pending_doc *p = f->head, *next; p; p = next) {
        next = p->next;
        doc_free(p);
    }
    for (size_t k = 0; k < 2; k++)
        if (f->build[k]) {
            db_rollback(f->build[k]);
            db_close(f->build[k]);
        }
    for (size_t i = 0; i < f->n_titles; i++) {
        free(f->titles[i].kind);
        free(f->titles[i].title);
    }
    free(f->titles);
    free(f->build_sql[0]);
    free(f->build_sql[1]);
    pthread_cond_destroy(&f->cv_work);
    pthread_cond_destroy(&f->cv_done);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

/* Takes the documents folded so far back from the helper, oldest first
 * (all of them when the helper has stopped), and stores them in the
 * temporary table, or only frees them when the helper builds the FTS
 * tables itself. */
static db_status folder_drain(folder *f)
{
    db_status st = DB_OK;
    for (;;) {
        pthread_mutex_lock(&f->mu);
        pending_doc *p = f->head;
        bool ready = p && (p->folded || !f->started);
        if (ready) {
            f->head = p->next;
            if (!f->head)
                f->tail = NULL;
        }
        pthread_mutex_unlock(&f->mu);
        if (!ready)
            return st;
        if (f->build_sql[0]) {
            /* the helper stored it (a helper that never ran: its failure
             * is the folder's build_st[0]) */
            doc_free(p);
            continue;
        }
        if (!p->folded) /* no helper: fold here */
            doc_fold(p, &p->ft, &p->fb);
        db_stmt *s = NULL;
        if (p->gone) { /* stored in the temporary table before: out again */
            if (st == DB_OK)
                st = db_do(f->d, search_on_pg(f->d) ? SQL_PG_PENDING_DELETE : SQL_PENDING_DELETE,
                           DB_ARGS(DBI(p->id)));
            doc_free(p);
            continue;
        }
        if (st == DB_OK && (buf_failed(&p->ft) || buf_failed(&p->fb)))
            st = DB_NOMEM;
        if (st == DB_OK && !(s = db_prepare(f->d, search_on_pg(f->d) ? SQL_PG_PENDING_INSERT
                                                                     : SQL_PENDING_INSERT)))
            st = DB_ERR;
        if (st == DB_OK) {
            db_bind_int(s, 1, p->id);
            db_bind_text(s, 2, p->kind);
            db_bind_int(s, 3, p->ref);
            db_bind_text(s, 4, buf_str(&p->ft));
            db_bind_text(s, 5, buf_str(&p->fb));
            st = db_run(s);
        }
        doc_free(p);
    }
}

/* Hands p to the helper, after every document given before it (the writer
 * waits while PENDING_MAX are still unfolded). */
static void folder_push(folder *f, pending_doc *p)
{
    if (!p->gone && (!f->handed || p->id < f->min_id)) { /* the writer's alone */
        f->handed = true;
        f->min_id = p->id;
    }
    pthread_mutex_lock(&f->mu);
    if (f->started && f->n_unfolded >= PENDING_MAX && !f->promoted) {
        pthread_mutex_unlock(&f->mu);
        folder_promote(f);
        pthread_mutex_lock(&f->mu);
    }
    while (f->started && f->n_unfolded >= PENDING_MAX)
        pthread_cond_wait(&f->cv_done, &f->mu);
    if (f->tail)
        f->tail->next = p;
    else
        f->head = p;
    f->tail = p;
    if (!f->to_fold)
        f->to_fold = p;
    f->n_unfolded++;
    f->n_pushed++;
    if (f->n_unfolded % FOLD_BATCH == 0) /* not one wake-up per document */
        pthread_cond_signal(&f->cv_work);
    pthread_mutex_unlock(&f->mu);
}

/* search_delete of document id on d: when d is in a bulk write that has
 * not flushed yet, a tombstone after the documents handed over so far, so
 * that an earlier document with that id, still pending (in the helper's
 * queue, its FTS tables or the temporary table), goes too. Without it, a
 * (kind, ref) given twice in one bulk write left the first one's words
 * in the FTS tables under a rowid no search_doc row names. A document
 * stored before the bulk write (an id below every one handed over, as
 * each update of an existing entry finds) needs none. */
static db_status folder_forget(db *d, int64_t id)
{
    folder *f = folder_find(d);
    if (!f || f->flushed || !f->handed || id < f->min_id)
        return DB_OK;
    if (f->closing) /* search_close_pending: the helper may have ended */
        return DB_ERR;
    if (f->build_sql[0] && !title_keep(f, id, NULL, 0, NULL))
        return DB_NOMEM;
    pending_doc *p = doc_new(id, "", 0, "", "");
    if (!p)
        return DB_NOMEM;
    p->gone = true;
    folder_push(f, p);
    return DB_OK;
}

db_status search_put_pending(db *d, const char *kind, int64_t ref, const char *title,
                             const char *body)
{
    folder *f = folder_find(d);
    if (!f || f->closing)
        return DB_ERR; /* search_begin_pending was not called, or search_close_pending was */
    /* While the helper builds the FTS tables (they began empty), a
     * document rarely has an earlier one to replace: its search_doc row
     * is inserted straight away, and only when (kind, ref) is taken
     * (UNIQUE) is the earlier one deleted first as below, so the rows and
     * ids are the same either way (the lookup was 2% of an import's
     * writer). Otherwise search_delete first, as search_put. */
    bool insert_first = f->build_sql[0] != NULL;
    db_status st = insert_first ? DB_OK : search_delete(d, kind, ref);
    if (st != DB_OK)
        return st;
    db_stmt *s = db_prepare(d, SQL_DOC_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, kind);
    db_bind_int(s, 2, ref);
    st = db_run(s);
    if (st == DB_CONSTRAINT && insert_first) {
        if ((st = search_delete(d, kind, ref)) != DB_OK)
            return st;
        if (!(s = db_prepare(d, SQL_DOC_INSERT)))
            return DB_ERR;
        db_bind_text(s, 1, kind);
        db_bind_int(s, 2, ref);
        st = db_run(s);
    }
    if (st != DB_OK)
        return st;
    int64_t id = db_last_id(d);
    if (f->build_sql[0] && !title_keep(f, id, kind, ref, title ? title : ""))
        return DB_NOMEM;
    pending_doc *p = doc_new(id, kind, ref, title ? title : "", body ? body : "");
    if (!p)
        return DB_NOMEM;
    folder_push(f, p);
    return f->started ? folder_drain(f) : DB_OK;
}

typedef struct fts_create {
    folder *f;
    bool oom;
} fts_create;

static void fts_create_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)a;
    (void)item;
    fts_create *c = ctx;
    const char *name = db_col_text(s, 0), *sql = db_col_text(s, 1);
    size_t k = name && strcmp(name, fts_tables[0]) == 0 ? 0 : 1;
    if (!sql || c->f->build_sql[k])
        return;
    if (!(c->f->build_sql[k] = strdup(sql)))
        *oom = c->oom = true;
}

/* Decides whether the helper builds the FTS tables (both empty, both
 * found): sets f->build_sql and f->build_uri. A failure to decide is the
 * caller's failure. */
static db_status build_decide(db *d, folder *f)
{
    int64_t all = 0, empty = 0;
    if (search_on_pg(d)) /* the helper's build makes SQLite's FTS5 shadow tables */
        return DB_OK;
    db_status st = db_scalar_int(d, SQL_FTS_SHADOWS, &all);
    if (st != DB_OK || !all)
        return st;
    if ((st = db_scalar_int(d, SQL_FTS_EMPTY, &empty)) != DB_OK || !empty)
        return st;
    arena a = ARENA_INIT;
    void *items = NULL;
    size_t n = 0;
    fts_create c = {f, false};
    st = db_collect(db_prepare(d, SQL_FTS_CREATE), &a, &items, &n, 1, fts_create_row, &c);
    arena_free(&a);
    if (st == DB_OK && c.oom)
        st = DB_NOMEM;
    if (st != DB_OK || !f->build_sql[0] || !f->build_sql[1]) {
        free(f->build_sql[0]);
        free(f->build_sql[1]);
        f->build_sql[0] = f->build_sql[1] = NULL;
        return st;
    }
    /* shared cache: the writer's connection attaches the same databases */
    for (size_t k = 0; k < 2; k++)
        snprintf(f->build_uri[k], sizeof f->build_uri[k],
                 "file:scan-search-build-%zu-%ld-%p?mode=memory&cache=shared", k, (long)getpid(),
                 (void *)f);
    return DB_OK;
}

db_status search_begin_pending(db *d)
{
    db_status st = db_exec(d, SQL_PENDING_CREATE);
    if (st != DB_OK)
        return st;
    search_drop_pending(d); /* a folder left by a caller that never ended it */
    folder *f = calloc(1, sizeof *f);
    if (!f)
        return DB_NOMEM;
    f->d = d;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv_work, NULL);
    pthread_cond_init(&f->cv_done, NULL);
    if ((st = build_decide(d, f)) != DB_OK) {
        folder_free(f);
        return st;
    }
    f->started = pthread_create(&f->th, NULL, folder_main, f) == 0;
    if (!f->started && f->build_sql[0]) { /* no helper: the writer stores them */
        free(f->build_sql[0]);
        free(f->build_sql[1]);
        f->build_sql[0] = f->build_sql[1] = NULL;
    }
    pthread_mutex_lock(&g_folders_mu);
    f->next_folder = g_folders;
    g_folders = f;
    pthread_mutex_unlock(&g_folders_mu);
    return DB_OK;
}

void search_drop_pending(db *d)
{
    folder *f = folder_find(d);
    if (!f)
        return;
    folder_stop(f, true);
    /* SQLite detaches a database only outside the transaction that read
     * it (search.h: the caller drops after its commit or rollback). Were
     * it still attached, the next bulk write on this connection would fail
     * to attach its own and fail (the log says why). A DETACH that fails
     * (out of memory) keeps the folder for the next call, which a bulk
     * writer makes before its transaction begins (search.h): without
     * that, one failed allocation here failed every later import on the
     * connection (test_org's out-of-memory loop found it). */
    for (size_t k = 0; k < 2; k++)
        if (f->attached[k]) {
            if (db_in_tx(d) || db_exec(d, sql_detach_build[k]) != DB_OK)
                return;
            f->attached[k] = false;
        }
    folder_unlink(f);
    folder_free(f);
}

/* The builders' FTS tables into the writer's transaction (see the
 * folder): each table dropped and made again with its own CREATE
 * statement, its shadow tables emptied and filled from its builder's
 * database. */
static db_status build_take(folder *f)
{
    db *d = f->d;
    buf sql = BUF_INIT;
    db_status st = DB_OK;
    for (size_t k = 0; st == DB_OK && k < 2; k++) {
        /* the table's stored settings (automerge, pgsz, rank, ...) outlive
         * it: the builder's database has only its own */
        buf_reset(&sql);
        buf_printf(&sql,
                   "CREATE TEMP TABLE search_build_settings AS SELECT k, v FROM"
                   " main.\"%s_config\" WHERE k <> 'version';",
                   fts_tables[k]);
        if ((st = buf_failed(&sql) ? DB_NOMEM : db_exec(d, buf_str(&sql))) != DB_OK)
            break;
        db_stmt *s = db_prepare(d, sql_attach_build[k]);
        if (!s) {
            st = DB_ERR;
            break;
        }
        db_bind_text(s, 1, f->build_uri[k]);
        if ((st = db_run(s)) != DB_OK)
            break;
        f->attached[k] = true; /* detached by search_drop_pending, after the transaction */
        buf_reset(&sql);
        buf_printf(&sql, "DROP TABLE main.\"%s\";", fts_tables[k]);
        buf_puts(&sql, f->build_sql[k]);
        buf_puts(&sql, ";");
        /* the new table's first records (structure, settings) make way */
        buf_printf(&sql, "DELETE FROM main.\"%s_data\"; DELETE FROM main.\"%s_config\";",
                   fts_tables[k], fts_tables[k]);
        for (size_t j = 0; j < sizeof fts_shadows / sizeof *fts_shadows; j++)
            buf_printf(&sql, "INSERT INTO main.\"%s_%s\" SELECT * FROM %s.\"%s_%s\";",
                       fts_tables[k], fts_shadows[j], build_schema[k], fts_tables[k],
                       fts_shadows[j]);
        buf_printf(&sql,
                   "INSERT OR REPLACE INTO main.\"%s_config\" SELECT k, v FROM"
                   " temp.search_build_settings; DROP TABLE temp.search_build_settings;",
                   fts_tables[k]);
        st = buf_failed(&sql) ? DB_NOMEM : db_exec(d, buf_str(&sql));
    }
    buf_free(&sql);
    return st;
}

unsigned long search_helper_promotions(void)
{
    return atomic_load(&g_promotions);
}

unsigned long search_helpers_abandoned(void)
{
    return atomic_load(&g_abandoned);
}

#define AWAIT_STEP_NS 10000000L /* 10 ms between looks */

bool search_helper_await(db *d)
{
    folder *f = folder_find(d);
    if (!f || !f->started || !f->build_sql[0])
        return false;
    pthread_mutex_lock(&f->mu);
    size_t pushed = f->n_pushed;
    pthread_mutex_unlock(&f->mu);
    while (atomic_load(&f->n_done) < pushed ||
           (f->title_started && atomic_load(&f->titles_done) < f->n_titles &&
            !atomic_load(&f->titles_built))) { /* built: done, or failed */
        struct timespec ts = {0, AWAIT_STEP_NS};
        nanosleep(&ts, NULL);
    }
    return true;
}

size_t search_helper_left(db *d)
{
    folder *f = folder_find(d);
    if (!f || !f->started)
        return 0;
    pthread_mutex_lock(&f->mu);
    size_t pushed = f->n_pushed;
    pthread_mutex_unlock(&f->mu);
    return pushed - atomic_load(&f->n_done);
}

void search_close_pending(db *d)
{
    folder *f = folder_find(d);
    if (f && !f->flushed) {
        folder_close(f);
        title_start(f);
    }
}

db_status search_flush_pending(db *d)
{
    folder *f = folder_find(d);
    if (!f)
        return DB_ERR;
    folder_stop(f, false);
    db_status st = folder_drain(f);
    f->flushed = true;
    if (f->build_sql[0]) {
        title_start(f); /* when search_close_pending was not called */
        (void)title_join(f);
        for (size_t k = 0; st == DB_OK && k < 2; k++)
            if ((st = f->build_st[k]) != DB_OK)
                db_note_failure(d, st, f->build_err[k]);
        if (st == DB_OK)
            st = build_take(f);
        if (st == DB_OK)
            st = db_exec(d, "DROP TABLE temp.search_pending");
        return st; /* the folder stays, stopped, for search_drop_pending */
    }
    bool pg = search_on_pg(d);
    const char *const *flush = pg ? sql_pg_flush : sql_flush;
    size_t n_flush =
        pg ? sizeof sql_pg_flush / sizeof sql_pg_flush[0] : sizeof sql_flush / sizeof sql_flush[0];
    for (size_t i = 0; st == DB_OK && i < n_flush; i++)
        st = db_exec(d, flush[i]);
    search_drop_pending(d);
    return st;
}

/* Whether the character at p (folded text) belongs to a word; *len is
 * its length in bytes. ASCII letters and digits, and outside ASCII what
 * FTS5's unicode61 takes into tokens: letters, numbers and private use
 * (Unicode categories L*, N*, Co, by ICU's tables). Everything else
 * separates words, as it separates tokens for FTS5 and PostgreSQL
 * (search_words): a quoted query word holding one ("o’brien",
 * "niš–beograd", a no-break space) was a phrase of two tokens for FTS5,
 * which matched only where the two stood side by side, and no word at all
 * on PostgreSQL. */
static bool word_char(const char *p, int *len)
{
    unsigned char c = (unsigned char)*p;
    *len = 1;
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    uint32_t cp;
    if ((*len = utf8_decode(p, strnlen(p, 4), &cp)) <= 0) {
        *len = 1; /* malformed (not after utf8_fold): a separator */
        return false;
    }
    return (U_GET_GC_MASK((UChar32)cp) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_CO_MASK)) != 0;
}

void search_build_match(buf *out, const char *q)
{
    buf folded = BUF_INIT;
    if (q)
        utf8_fold(&folded, q, strlen(q));
    const char *p = buf_str(&folded);
    int words = 0, len;
    while (*p) {
        while (*p && !word_char(p, &len))
            p += len;
        const char *w = p;
        while (*p && word_char(p, &len))
            p += len;
        if (p > w && words < 16) {
            buf_puts(out, words ? " \"" : "\"");
            buf_append(out, w, (size_t)(p - w));
            buf_puts(out, "\"*");
            words++;
        }
    }
    buf_free(&folded);
}

double search_score(const char *folded_title, const char *match)
{
    /* the words of the match expression are "w"* "w"* ... */
    double score = 0;
    const char *m = match;
    while ((m = strchr(m, '"'))) {
        const char *w = ++m;
        const char *e = strchr(w, '"');
        if (!e)
            break;
        size_t wl = (size_t)(e - w);
        m = e + 1;
        double best = 3; /* not in the title at all (a body-only word) */
        size_t pos = 0;
        for (const char *t = folded_title; *t;) {
            while (*t && !((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') ||
                           (unsigned char)*t >= 0x80))
                t++;
            const char *ws = t;
            while ((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') ||
                   (unsigned char)*t >= 0x80)
                t++;
            size_t tl = (size_t)(t - ws);
            if (tl == 0)
                break;
            if (tl >= wl && strncmp(ws, w, wl) == 0) {
                double sc = tl == wl ? 0 : (pos == 0 ? 1 : 2);
                if (sc < best)
                    best = sc;
            }
            pos++;
        }
        score += best;
    }
    /* shorter names first among equals: a closer match */
    return score * 1000.0 + (double)strlen(folded_title) / 1000.0;
}

/* search_fts has a prefix index of two characters only (0065): a
 * one-letter prefix would make FTS5 merge the lists of every word that
 * begins with the letter (15-25 ms a page at 100,000 documents). So a
 * one-letter word c of the body stage is asked as the words that are c,
 * or begin with c and one of the 36 ASCII letters and digits, or begin
 * with c and a character beyond ASCII: those two-character prefixes are
 * read from the index's own terms, one seek each past the one before
 * (none in most directories), so the same documents match. More than
 * VOCAB_MAX of them (a description made of "a" and a thousand other
 * characters made every search for "a" 20-500 times slower, each
 * prefix a lookup of its own) and the word is asked as "c"* instead:
 * FTS5's merge, which costs what it did before 0065 at most. So is a word
 * of another first character (beyond ASCII, after folding: few words
 * begin with it), and one whose vocabulary could not be read (its table
 * made per connection, in temp): alike, only slower. */
#define VOCAB_MAX 32
static const char SQL_VOCAB_CREATE[] = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_fts_vocab"
                                       " USING fts5vocab(main, 'search_fts', 'row')";
static const char SQL_VOCAB_NEXT[] = "SELECT term FROM temp.search_fts_vocab"
                                     " WHERE term >= $1 AND term <= $2 LIMIT 1";

/* Appends " OR "cX"*" to more for each two-character prefix c X of the
 * index's words with X beyond ASCII; false when there are more than
 * VOCAB_MAX or the vocabulary could not be read. */
static bool vocab_seconds(db *d, char c, buf *more)
{
    if (db_exec(d, SQL_VOCAB_CREATE) != DB_OK)
        return false;
    db_stmt *s = db_prepare(d, SQL_VOCAB_NEXT);
    if (!s)
        return false;
    char lo[8] = {c, (char)0x80, '\0'}, hi[3] = {c, (char)0xFF, '\0'};
    for (int found = 0;; found++) {
        db_bind_text(s, 1, lo);
        db_bind_text(s, 2, hi);
        db_status st = db_step(s);
        const char *t = st == DB_ROW ? db_col_text(s, 0) : NULL;
        uint32_t x = 0;
        int len = t && t[0] == c ? utf8_decode(t + 1, strnlen(t + 1, 4), &x) : 0;
        if (st == DB_ROW && len > 0 && found < VOCAB_MAX) {
            buf_printf(more, " OR \"%c%.*s\"*", c, len, t + 1);
            x++; /* the next prefix is c and a character after x */
        }
        db_reset(s);
        if (st == DB_DONE)
            return !buf_failed(more);
        if (st != DB_ROW || len <= 0 || found >= VOCAB_MAX)
            return false; /* an error, a term not of c (never), or too many */
        if (x > 0x10FFFF)
            return !buf_failed(more); /* the last character there is */
        buf nx = BUF_INIT;
        utf8_put(&nx, x >= 0xD800 && x <= 0xDFFF ? 0xE000 : x);
        if (buf_failed(&nx) || nx.len > 4) {
            buf_free(&nx);
            return false;
        }
        memcpy(lo + 1, nx.data, nx.len);
        lo[1 + nx.len] = '\0';
        buf_free(&nx);
    }
}

static void body_word(db *d, buf *out, const char *w, size_t wl)
{
    bool one = wl == 1 && ((*w >= 'a' && *w <= 'z') || (*w >= '0' && *w <= '9'));
    buf more = BUF_INIT; /* the prefixes beyond ASCII, each " OR "cx"*" */
    if (one) {
        /* a vocabulary that cannot be read leaves the word as it was, not
         * the request failed; running out of memory fails it all the same */
        db_status mark = db_failure(d);
        one = vocab_seconds(d, *w, &more);
        if (!one && db_failure(d) != DB_NOMEM)
            db_failure_restore(d, mark);
    }
    if (!one) {
        buf_putc(out, '"');
        buf_append(out, w, wl);
        buf_puts(out, "\"*");
    } else {
        static const char seconds[] = "0123456789abcdefghijklmnopqrstuvwxyz";
        buf_printf(out, "(\"%c\"", *w);
        for (const char *c = seconds; *c; c++)
            buf_printf(out, " OR \"%c%c\"*", *w, *c);
        buf_puts(out, buf_str(&more));
        buf_putc(out, ')');
    }
    buf_free(&more);
}

/* The body stage's words for SQLite: match's, a one-letter word as the
 * two-character prefixes it stands for (body_word). */
static void body_words(db *d, const buf *match, buf *out)
{
    const char *w[16];
    size_t wl[16], n = 0;
    for (const char *m = buf_str(match); n < 16 && (m = strchr(m, '"'));) {
        const char *e = strchr(++m, '"');
        if (!e)
            break;
        w[n] = m;
        wl[n++] = (size_t)(e - m);
        m = e + 1;
    }
    /* A word another word begins with asks nothing more (a document with a
     * word beginning with "ana" has one beginning with "a"), in any column
     * and in the title alike: left out, so "d.o.o." asks for d and o once
     * each, and "a ana" for ana alone. */
    for (size_t i = 0; i < n; i++) {
        bool implied = false;
        for (size_t j = 0; j < n && !implied; j++)
            implied = j != i && wl[j] >= wl[i] && memcmp(w[j], w[i], wl[i]) == 0 &&
                      (wl[j] > wl[i] || j < i);
        if (implied)
            continue;
        if (out->len) /* FTS5 joins a group to what follows only by an explicit AND */
            buf_puts(out, " AND ");
        body_word(d, out, w[i], wl[i]);
    }
}

/* The title (body false) or body stage's parameter for match
 * (search_build_match's) into out: FTS5 expressions on SQLite, the words
 * joined by spaces on PostgreSQL (the same for both stages). The body's
 * is made only when that stage runs: it may read the vocabulary. */
static void query_param(db *d, const buf *match, bool body, buf *out)
{
    if (!search_on_pg(d) && !body) {
        buf_printf(out, "{title} : (%s)", buf_str(match));
        return;
    }
    if (!search_on_pg(d)) {
        buf words = BUF_INIT;
        body_words(d, match, &words);
        buf_printf(out, "(%s) NOT {title} : (%s)", buf_str(&words), buf_str(&words));
        if (buf_failed(&words))
            out->failed = true;
        buf_free(&words);
        return;
    }
    /* "w1"* "w2"* -> w1 w2: the words hold no quote (search_build_match).
     * The longest word goes first: the statements take their candidates
     * from the first word's range and probe the others per candidate, and
     * a longer prefix begins fewer words (every word is required, so the
     * order changes which rows are read, never which are found) */
    const char *m0 = buf_str(match), *lw = NULL;
    size_t ll = 0;
    for (const char *m = m0; (m = strchr(m, '"'));) {
        const char *w = ++m, *e = strchr(w, '"');
        if (!e)
            break;
        if ((size_t)(e - w) > ll) {
            lw = w;
            ll = (size_t)(e - w);
        }
        m = e + 1;
    }
    if (lw)
        buf_append(out, lw, ll);
    for (const char *m = m0; (m = strchr(m, '"'));) {
        const char *w = ++m, *e = strchr(w, '"');
        if (!e)
            break;
        if (w != lw) {
            buf_putc(out, ' ');
            buf_append(out, w, (size_t)(e - w));
        }
        m = e + 1;
    }
}

static const char SQL_BODY_AFTER_ANY[] =
    "SELECT kind, ref, rowid FROM search_fts WHERE search_fts MATCH $1 AND rowid > $3"
    " ORDER BY rowid LIMIT $2";
static const char SQL_BODY_AFTER_KIND[] =
    "SELECT kind, ref, rowid FROM search_fts WHERE search_fts MATCH $1 AND rowid > $3"
    " AND kind = $4 ORDER BY rowid LIMIT $2";

/* One stage's query: the names (body false) or the body-only matches. */
typedef struct stage_q {
    bool body;
    const char *fts;   /* SQLite: the stage's MATCH expression (query_param) */
    const char *words; /* PostgreSQL: the words, longest first, joined by spaces */
    const char *kind;  /* NULL: any */
    int limit, offset;
    int64_t after; /* body: documents after this one */
    bool keyset;   /* body: ask by after (SQLite's keyset statement), not offset */
} stage_q;

/* PostgreSQL's statement for q (see SQL_PG_TITLE_SPARSE): the sparse
 * plan, then the walk when even the query's rarest word is over the cap:
 * one statement, or two for common words. Returns the first step's
 * status; *out is the statement (its first row, if any, current). */
static db_status stage_open_pg(db *d, const stage_q *q, db_stmt **out)
{
    /* q->words: the words joined by spaces (query_param), the first
     * apart as $4, the others as $1 */
    const char *all = q->words, *sp = strchr(all, ' ');
    size_t first = sp ? (size_t)(sp - all) : strlen(all);
    db_status st = DB_OK;
    *out = NULL;
    if (first == 0)
        return DB_DONE;
    for (int walk = 0; walk <= 1; walk++) {
        const char *sql = q->body ? (walk ? SQL_PG_BODY_WALK : SQL_PG_BODY_SPARSE)
                                  : (walk ? SQL_PG_TITLE_WALK : SQL_PG_TITLE_SPARSE);
        db_stmt *s = db_prepare(d, sql);
        if (!s)
            return DB_ERR;
        db_bind_text(s, 1, sp ? sp + 1 : "");
        db_bind_int(s, 2, q->limit);
        db_bind_text(s, 3, q->kind);
        db_bind_textn(s, 4, all, first);
        if (!walk || q->body) {
            db_bind_text(s, 5, "");
            db_bind_int(s, 6, q->body ? PG_CAP_BODY : PG_CAP_TITLE);
        }
        if (q->body) {
            db_bind_text(s, 7, all);
            db_bind_int(s, 8, q->offset);
            db_bind_int(s, 9, q->after);
        }
        st = db_step(s);
        if (st == DB_ROW && !walk && db_col_is_null(s, 0)) { /* over the cap */
            db_reset(s);
            continue;
        }
        *out = s;
        break;
    }
    return st;
}

/* Opens the statement of q and runs its first step (stepped further by the
 * caller, reset when done). Columns: kind, ref; the names' stage then the
 * title; the body's keyset statement the document (FTS rowid) in column
 * *doc_col. */
static db_status stage_open(db *d, const stage_q *q, db_stmt **out, int *doc_col)
{
    *out = NULL;
    *doc_col = 3;
    if (search_on_pg(d))
        return stage_open_pg(d, q, out);
    *doc_col = 2;
    const char *sql;
    if (!q->body)
        sql = q->kind ? SQL_TITLE_KIND : SQL_TITLE_ANY;
    else if (q->keyset)
        sql = q->kind ? SQL_BODY_AFTER_KIND : SQL_BODY_AFTER_ANY;
    else
        sql = q->kind ? SQL_BODY_KIND : SQL_BODY_ANY;
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, q->fts);
    db_bind_int(s, 2, q->limit);
    if (q->body)
        db_bind_int(s, 3, q->keyset ? q->after : q->offset);
    if (q->kind)
        db_bind_text(s, q->body ? 4 : 3, q->kind);
    *out = s;
    return db_step(s);
}

typedef struct cand {
    const char *kind;
    int64_t ref;
    double score;
} cand;

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;
    return x->ref < y->ref ? -1 : x->ref > y->ref;
}

/* Stage 1: every name match (up to the cap), scored and sorted. fts and
 * words: query_param's title parameter on each backend. */
static db_status title_stage(db *d, arena *a, const char *title_match, const char *words,
                             const char *kind, cand **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    stage_q q = {
        .fts = title_match, .words = title_match, .kind = kind, .limit = SEARCH_CANDIDATES};
    db_stmt *s;
    int doc_col;
    size_t cap = 0;
    db_status st = stage_open(d, &q, &s, &doc_col);
    for (; st == DB_ROW; st = db_step(s)) {
        if (*n == cap) {
            size_t ncap = cap ? cap * 4 : 64;
            cand *grown = arena_alloc(a, ncap * sizeof *grown);
            if (!grown) {
                st = DB_NOMEM;
                break;
            }
            if (*n)
                memcpy(grown, *out, *n * sizeof *grown);
            *out = grown;
            cap = ncap;
        }
        cand *c = &(*out)[(*n)++];
        c->kind = arena_strdup(a, db_col_text(s, 0));
        c->ref = db_col_int(s, 1);
        const char *t = db_col_text(s, 2);
        c->score = search_score(t ? t : "", words);
        if (!c->kind) {
            st = DB_NOMEM;
            break;
        }
    }
    if (s)
        db_reset(s);
    if (st != DB_DONE)
        return st == DB_ROW || st == DB_OK ? DB_ERR : st;
    if (*n > 1)
        qsort(*out, *n, sizeof **out, cand_cmp);
    return DB_OK;
}

db_status search_query(db *d, arena *a, const char *q, const char *kind, int limit, int offset,
                       search_hit **hits, size_t *n_hits)
{
    buf match = BUF_INIT, title = BUF_INIT, body = BUF_INIT;
    db_status st = DB_OK;
    *hits = NULL;
    *n_hits = 0;
    if (offset < 0)
        offset = 0;
    search_build_match(&match, q);
    if (buf_failed(&match)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    if (match.len == 0 || limit <= 0)
        goto cleanup;
    query_param(d, &match, false, &title);
    *hits = arena_alloc(a, sizeof **hits * (size_t)limit);
    if (!*hits || buf_failed(&title)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    cand *c = NULL;
    size_t n_c = 0;
    st = title_stage(d, a, buf_str(&title), buf_str(&match), kind, &c, &n_c);
    if (st != DB_OK)
        goto cleanup;
    for (size_t i = (size_t)offset; i < n_c && *n_hits < (size_t)limit; i++) {
        search_hit *h = &(*hits)[(*n_hits)++];
        h->kind = c[i].kind;
        h->ref = c[i].ref;
        h->rank = c[i].score;
    }
    if (*n_hits == (size_t)limit)
        goto cleanup;
    /* names ran out: body-only matches fill the rest of the page */
    query_param(d, &match, true, &body);
    if (buf_failed(&body)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    int body_offset = offset > (int)n_c ? offset - (int)n_c : 0;
    stage_q bq = {.body = true,
                  .fts = buf_str(&body),
                  .words = buf_str(&body),
                  .kind = kind,
                  .limit = limit - (int)*n_hits,
                  .offset = body_offset};
    db_stmt *s;
    int doc_col;
    for (st = stage_open(d, &bq, &s, &doc_col); st == DB_ROW; st = db_step(s)) {
        search_hit *h = &(*hits)[(*n_hits)++];
        h->kind = arena_strdup(a, db_col_text(s, 0));
        h->ref = db_col_int(s, 1);
        h->rank = 1e9;
        if (!h->kind) {
            st = DB_NOMEM;
            break;
        }
    }
    if (s)
        db_reset(s);
    st = st == DB_DONE ? DB_OK : (st == DB_ROW ? DB_ERR : st);
cleanup:
    buf_free(&match);
    buf_free(&title);
    buf_free(&body);
    return st;
}

/* --- keyset pages (search_query_after) ------------------------------------------------ */

db_status search_query_after(db *d, arena *a, const char *q, const char *kind, int limit,
                             int64_t pos, search_hit **hits, size_t *n_hits, int64_t *next)
{
    buf match = BUF_INIT, title = BUF_INIT, body = BUF_INIT;
    db_status st = DB_OK;
    *hits = NULL;
    *n_hits = 0;
    *next = -1;
    if (pos < 0)
        pos = 0;
    search_build_match(&match, q);
    if (buf_failed(&match)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    if (match.len == 0 || limit <= 0)
        goto cleanup;
    query_param(d, &match, false, &title);
    *hits = arena_alloc(a, sizeof **hits * (size_t)limit);
    if (!*hits || buf_failed(&title)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    int64_t after_doc = 0;
    if (pos < SEARCH_BODY_BASE) { /* still among the ranked names */
        cand *c = NULL;
        size_t n_c = 0;
        st = title_stage(d, a, buf_str(&title), buf_str(&match), kind, &c, &n_c);
        if (st != DB_OK)
            goto cleanup;
        for (size_t i = (size_t)pos; i < n_c && *n_hits < (size_t)limit; i++) {
            search_hit *h = &(*hits)[(*n_hits)++];
            h->kind = c[i].kind;
            h->ref = c[i].ref;
            h->rank = c[i].score;
        }
        if (*n_hits == (size_t)limit) {
            *next = pos + limit;
            goto cleanup;
        }
    } else {
        after_doc = pos - SEARCH_BODY_BASE;
    }
    /* body-only matches in document order from after_doc: a seek, not an
     * OFFSET over every match before the page */
    query_param(d, &match, true, &body);
    if (buf_failed(&body)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    stage_q bq = {.body = true,
                  .fts = buf_str(&body),
                  .words = buf_str(&body),
                  .kind = kind,
                  .limit = limit - (int)*n_hits,
                  .after = after_doc,
                  .keyset = true};
    db_stmt *s;
    int doc_col;
    for (st = stage_open(d, &bq, &s, &doc_col); st == DB_ROW; st = db_step(s)) {
        search_hit *h = &(*hits)[(*n_hits)++];
        h->kind = arena_strdup(a, db_col_text(s, 0));
        h->ref = db_col_int(s, 1);
        h->rank = 1e9;
        after_doc = db_col_int(s, doc_col);
        if (!h->kind) {
            st = DB_NOMEM;
            break;
        }
    }
    if (s)
        db_reset(s);
    st = st == DB_DONE ? DB_OK : (st == DB_ROW ? DB_ERR : st);
    if (st == DB_OK && *n_hits == (size_t)limit)
        *next = SEARCH_BODY_BASE + after_doc;
cleanup:
    buf_free(&match);
    buf_free(&title);
    buf_free(&body);
    return st;
}
