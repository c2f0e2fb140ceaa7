/* search.c: folded full-text search on FTS5 (see search.h), and the same
 * search on PostgreSQL.
 *
 * PostgreSQL has no FTS5. Its migrations (0001/0010 .pg.sql) make
 * search_fts and search_title plain tables with a `rowid` column, so every
 * write below is the same text on both backends, and a trigger keeps
 * search_word: each document's distinct words per column (0 title, 1
 * body). Only the queries differ (the SQL_PG_* texts, chosen by
 * db_backend): they take the folded words joined by spaces instead of an
 * FTS5 expression and ask for what FTS5 answers, in its order: every word
 * begins some word of the title (names), or of title or body while not all
 * of them are in the title (body-only matches), rows in document (rowid)
 * order; a word's prefix is a range of the (col, word, doc) btree, words
 * beginning with w being those from w up to w followed by U+10FFFF (the
 * column collation "C" orders by bytes). The names are then ranked by the
 * same C code (search_score), so both backends list the same hits in the
 * same order for the same documents. */
#include "db/search.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

/* (kind, ref) -> FTS rowid through search_doc: deleting by rowid is an
 * index lookup, deleting by an UNINDEXED column would scan the table. */
static const char SQL_DOC_FIND[] = "SELECT id FROM search_doc WHERE kind = $1 AND ref = $2";
static const char SQL_DOC_DELETE[] = "DELETE FROM search_doc WHERE id = $1";
static const char SQL_FTS_DELETE[] = "DELETE FROM search_fts WHERE rowid = $1";
static const char SQL_TITLE_DELETE[] = "DELETE FROM search_title WHERE rowid = $1";
static const char SQL_DOC_INSERT[] = "INSERT INTO search_doc(kind, ref) VALUES ($1, $2)";
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

/* PostgreSQL ($1: the folded words joined by single spaces). The
 * candidates come from the first word's range, then each document must
 * have every word. */
#define PG_HAS_WORD(doc, cols, w)                                                                  \
    "EXISTS (SELECT 1 FROM search_word x WHERE x.doc = " doc " AND x.col IN " cols                 \
    " AND x.word >= " w " AND x.word < " w " || chr(1114111))"
#define PG_HAS_ALL(doc, cols)                                                                      \
    " NOT EXISTS (SELECT 1 FROM unnest(string_to_array($1, ' ')) AS q(w) WHERE NOT " PG_HAS_WORD(  \
        doc, cols, "q.w") ")"
#define PG_FIRST_WORD(cols)                                                                        \
    " IN (SELECT w.doc FROM search_word w WHERE w.col IN " cols                                    \
    " AND w.word >= split_part($1, ' ', 1) AND w.word < split_part($1, ' ', 1) || chr(1114111))"
#define PG_TITLE_WHERE "t.rowid" PG_FIRST_WORD("(0)") " AND" PG_HAS_ALL("t.rowid", "(0)")
#define PG_BODY_WHERE                                                                              \
    "f.rowid" PG_FIRST_WORD("(0, 1)") " AND" PG_HAS_ALL(                                           \
        "f.rowid", "(0, 1)") " AND NOT" PG_HAS_ALL("f.rowid", "(0)")
static const char SQL_PG_TITLE_ANY[] = "SELECT t.kind, t.ref, t.title FROM search_title t"
                                       " WHERE " PG_TITLE_WHERE " ORDER BY t.rowid LIMIT $2";
static const char SQL_PG_TITLE_KIND[] =
    "SELECT t.kind, t.ref, t.title FROM search_title t"
    " WHERE " PG_TITLE_WHERE " AND t.kind = $3 ORDER BY t.rowid LIMIT $2";
static const char SQL_PG_BODY_ANY[] =
    "SELECT f.kind, f.ref FROM search_fts f"
    " WHERE " PG_BODY_WHERE " ORDER BY f.rowid LIMIT $2 OFFSET $3";
static const char SQL_PG_BODY_KIND[] =
    "SELECT f.kind, f.ref FROM search_fts f"
    " WHERE " PG_BODY_WHERE " AND f.kind = $4 ORDER BY f.rowid LIMIT $2 OFFSET $3";

/* Which texts: PostgreSQL's when the connection is not SQLite's. */
static bool search_on_pg(db *d)
{
    return strcmp(db_backend(d), "sqlite") != 0;
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
    if (!(s = db_prepare(d, SQL_FTS_DELETE)))
        return DB_ERR;
    db_bind_int(s, 1, id);
    if ((st = db_run(s)) != DB_OK)
        return st;
    if (!(s = db_prepare(d, SQL_TITLE_DELETE)))
        return DB_ERR;
    db_bind_int(s, 1, id);
    if ((st = db_run(s)) != DB_OK)
        return st;
    if (!(s = db_prepare(d, SQL_DOC_DELETE)))
        return DB_ERR;
    db_bind_int(s, 1, id);
    return db_run(s);
}

db_status search_put(db *d, const char *kind, int64_t ref, const char *title, const char *body)
{
    buf ft = BUF_INIT, fb = BUF_INIT;
    db_status st = search_delete(d, kind, ref);
    if (st != DB_OK)
        goto cleanup;
    if (title)
        utf8_fold(&ft, title, strlen(title));
    if (body)
        utf8_fold(&fb, body, strlen(body));
    if (buf_failed(&ft) || buf_failed(&fb)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    db_stmt *s = db_prepare(d, SQL_DOC_INSERT);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_text(s, 1, kind);
    db_bind_int(s, 2, ref);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    int64_t id = db_last_id(d);
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

static const char SQL_PENDING_CREATE[] =
    "CREATE TEMP TABLE IF NOT EXISTS search_pending(id INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
    " ref INTEGER NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL)";
static const char SQL_PENDING_INSERT[] =
    "INSERT INTO temp.search_pending(id, kind, ref, title, body) VALUES ($1, $2, $3, $4, $5)";
static const char SQL_PG_PENDING_INSERT[] =
    "INSERT INTO pg_temp.search_pending(id, kind, ref, title, body) VALUES ($1, $2, $3, $4, $5)";
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
 * writer goes on with the next entries' SQL; the writer takes the folded
 * documents back, in order, at its next search_put_pending and at
 * search_flush_pending, and stores them in the temporary table as before.
 * At most PENDING_MAX documents wait unfolded (the writer waits when the
 * helper falls that far behind), so memory stays bounded. One folder per
 * connection in a bulk write, found by its db in a short list (a bulk
 * writer holds the write lock, so there are rarely two). Without a thread
 * (pthread_create failed) the writer folds inline. The helper's
 * allocations do not count in the writer's fault injection (core/mem.h is
 * per thread); an allocation failure there fails the import with
 * DB_NOMEM all the same. */
#define PENDING_MAX 1024
#define FOLD_BATCH  64 /* documents per wake-up of the helper */

typedef struct pending_doc {
    struct pending_doc *next;
    int64_t id, ref;
    char *kind, *title, *body; /* malloc copies, freed once folded */
    buf ft, fb;                /* folded */
    bool folded;
} pending_doc;

typedef struct folder {
    struct folder *next_folder;
    db *d;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    pthread_t th;
    bool started, closing;
    pending_doc *head, *tail; /* in the order given; head: oldest not yet stored */
    pending_doc *to_fold;     /* the next one for the helper */
    size_t n_unfolded;
} folder;

static pthread_mutex_t g_folders_mu = PTHREAD_MUTEX_INITIALIZER;
static folder *g_folders;

static void doc_fold(pending_doc *p)
{
    utf8_fold(&p->ft, p->title, strlen(p->title));
    utf8_fold(&p->fb, p->body, strlen(p->body));
    free(p->title);
    free(p->body);
    p->title = p->body = NULL;
}

static void doc_free(pending_doc *p)
{
    free(p->kind);
    free(p->title);
    free(p->body);
    buf_free(&p->ft);
    buf_free(&p->fb);
    free(p);
}

/* The helper takes every document waiting at once and folds them with the
 * lock released: two lock round trips per batch, not per document. */
static void *folder_main(void *arg)
{
    folder *f = arg;
    pthread_mutex_lock(&f->mu);
    for (;;) {
        while (!f->to_fold && !f->closing)
            pthread_cond_wait(&f->cv_work, &f->mu);
        pending_doc *first = f->to_fold;
        if (!first)
            break;
        size_t n = f->n_unfolded; /* first and the n - 1 after it: their
                                     next pointers are set and stay */
        f->to_fold = NULL;
        pthread_mutex_unlock(&f->mu);
        pending_doc *p = first;
        for (size_t k = 0; k < n; k++, p = p->next)
            doc_fold(p);
        pthread_mutex_lock(&f->mu);
        p = first;
        for (size_t k = 0; k < n; k++, p = p->next)
            p->folded = true;
        f->n_unfolded -= n;
        pthread_cond_signal(&f->cv_done);
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
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

/* Stops the helper (after it folded what it has) and unlinks f; the
 * documents stay in f. */
static void folder_stop(folder *f)
{
    if (f->started) {
        pthread_mutex_lock(&f->mu);
        f->closing = true;
        pthread_cond_signal(&f->cv_work);
        pthread_mutex_unlock(&f->mu);
        pthread_join(f->th, NULL);
        f->started = false;
    }
    pthread_mutex_lock(&g_folders_mu);
    for (folder **pp = &g_folders; *pp; pp = &(*pp)->next_folder)
        if (*pp == f) {
            *pp = f->next_folder;
            break;
        }
    pthread_mutex_unlock(&g_folders_mu);
}

static void folder_free(folder *f)
{
    for (pending_doc *p = f->head, *next; p; p = next) {
        next = p->next;
        doc_free(p);
    }
    pthread_cond_destroy(&f->cv_work);
    pthread_cond_destroy(&f->cv_done);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

/* Stores the documents folded so far, oldest first, in the temporary
 * table (all of them when wait: the helper has stopped). */
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
        if (!p->folded) /* no helper: fold here */
            doc_fold(p);
        db_stmt *s = NULL;
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

db_status search_put_pending(db *d, const char *kind, int64_t ref, const char *title,
                             const char *body)
{
    folder *f = folder_find(d);
    if (!f)
        return DB_ERR; /* search_begin_pending was not called */
    db_status st = search_delete(d, kind, ref);
    if (st != DB_OK)
        return st;
    db_stmt *s = db_prepare(d, SQL_DOC_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, kind);
    db_bind_int(s, 2, ref);
    if ((st = db_run(s)) != DB_OK)
        return st;
    pending_doc *p = calloc(1, sizeof *p);
    if (!p)
        return DB_NOMEM;
    p->id = db_last_id(d);
    p->ref = ref;
    p->kind = strdup(kind);
    p->title = strdup(title ? title : "");
    p->body = strdup(body ? body : "");
    if (!p->kind || !p->title || !p->body) {
        doc_free(p);
        return DB_NOMEM;
    }
    pthread_mutex_lock(&f->mu);
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
    if (f->n_unfolded % FOLD_BATCH == 0) /* not one wake-up per document */
        pthread_cond_signal(&f->cv_work);
    pthread_mutex_unlock(&f->mu);
    return f->started ? folder_drain(f) : DB_OK;
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
    f->started = pthread_create(&f->th, NULL, folder_main, f) == 0;
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
    folder_stop(f);
    folder_free(f);
}

db_status search_flush_pending(db *d)
{
    folder *f = folder_find(d);
    if (!f)
        return DB_ERR;
    folder_stop(f);
    db_status st = folder_drain(f);
    folder_free(f);
    bool pg = search_on_pg(d);
    const char *const *flush = pg ? sql_pg_flush : sql_flush;
    size_t n_flush =
        pg ? sizeof sql_pg_flush / sizeof sql_pg_flush[0] : sizeof sql_flush / sizeof sql_flush[0];
    for (size_t i = 0; st == DB_OK && i < n_flush; i++)
        st = db_exec(d, flush[i]);
    return st;
}

void search_build_match(buf *out, const char *q)
{
    buf folded = BUF_INIT;
    if (q)
        utf8_fold(&folded, q, strlen(q));
    const char *p = buf_str(&folded);
    int words = 0;
    while (*p) {
        /* a word is a run of ASCII letters/digits or non-ASCII bytes */
        while (*p &&
               !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || (unsigned char)*p >= 0x80))
            p++;
        const char *w = p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || (unsigned char)*p >= 0x80)
            p++;
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

/* The title and body parameters for match (search_build_match's): FTS5
 * expressions on SQLite, the words joined by spaces on PostgreSQL (both
 * parameters the same). */
static void query_params(db *d, const buf *match, buf *title, buf *body)
{
    if (!search_on_pg(d)) {
        buf_printf(title, "{title} : (%s)", buf_str(match));
        buf_printf(body, "(%s) NOT {title} : (%s)", buf_str(match), buf_str(match));
        return;
    }
    /* "w1"* "w2"* -> w1 w2: the words hold no quote (search_build_match) */
    for (const char *m = buf_str(match); (m = strchr(m, '"'));) {
        const char *w = ++m, *e = strchr(w, '"');
        if (!e)
            break;
        if (title->len)
            buf_putc(title, ' ');
        buf_append(title, w, (size_t)(e - w));
        m = e + 1;
    }
    buf_puts(body, buf_str(title));
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

/* Stage 1: every name match (up to the cap), scored and sorted. */
static db_status title_stage(db *d, arena *a, const char *title_match, const char *words,
                             const char *kind, cand **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, search_on_pg(d) ? (kind ? SQL_PG_TITLE_KIND : SQL_PG_TITLE_ANY)
                                               : (kind ? SQL_TITLE_KIND : SQL_TITLE_ANY));
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, title_match);
    db_bind_int(s, 2, SEARCH_CANDIDATES);
    if (kind)
        db_bind_text(s, 3, kind);
    size_t cap = 0;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
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
    db_reset(s);
    if (st != DB_DONE)
        return st == DB_ROW ? DB_ERR : st;
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
    query_params(d, &match, &title, &body);
    *hits = arena_alloc(a, sizeof **hits * (size_t)limit);
    if (!*hits || buf_failed(&title) || buf_failed(&body)) {
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
    int body_offset = offset > (int)n_c ? offset - (int)n_c : 0;
    db_stmt *s = db_prepare(d, search_on_pg(d) ? (kind ? SQL_PG_BODY_KIND : SQL_PG_BODY_ANY)
                                               : (kind ? SQL_BODY_KIND : SQL_BODY_ANY));
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_text(s, 1, buf_str(&body));
    db_bind_int(s, 2, limit - (int)*n_hits);
    db_bind_int(s, 3, body_offset);
    if (kind)
        db_bind_text(s, 4, kind);
    while ((st = db_step(s)) == DB_ROW) {
        search_hit *h = &(*hits)[(*n_hits)++];
        h->kind = arena_strdup(a, db_col_text(s, 0));
        h->ref = db_col_int(s, 1);
        h->rank = 1e9;
        if (!h->kind) {
            st = DB_NOMEM;
            break;
        }
    }
    db_reset(s);
    st = st == DB_DONE ? DB_OK : (st == DB_ROW ? DB_ERR : st);
cleanup:
    buf_free(&match);
    buf_free(&title);
    buf_free(&body);
    return st;
}

/* --- keyset pages (search_query_after) ------------------------------------------------ */

static const char SQL_BODY_AFTER_ANY[] =
    "SELECT kind, ref, rowid FROM search_fts WHERE search_fts MATCH $1 AND rowid > $3"
    " ORDER BY rowid LIMIT $2";
static const char SQL_BODY_AFTER_KIND[] =
    "SELECT kind, ref, rowid FROM search_fts WHERE search_fts MATCH $1 AND rowid > $3"
    " AND kind = $4 ORDER BY rowid LIMIT $2";
static const char SQL_PG_BODY_AFTER_ANY[] =
    "SELECT f.kind, f.ref, f.rowid FROM search_fts f"
    " WHERE " PG_BODY_WHERE " AND f.rowid > $3 ORDER BY f.rowid LIMIT $2";
static const char SQL_PG_BODY_AFTER_KIND[] =
    "SELECT f.kind, f.ref, f.rowid FROM search_fts f WHERE " PG_BODY_WHERE
    " AND f.rowid > $3 AND f.kind = $4 ORDER BY f.rowid LIMIT $2";

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
    query_params(d, &match, &title, &body);
    *hits = arena_alloc(a, sizeof **hits * (size_t)limit);
    if (!*hits || buf_failed(&title) || buf_failed(&body)) {
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
    db_stmt *s =
        db_prepare(d, search_on_pg(d) ? (kind ? SQL_PG_BODY_AFTER_KIND : SQL_PG_BODY_AFTER_ANY)
                                      : (kind ? SQL_BODY_AFTER_KIND : SQL_BODY_AFTER_ANY));
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_text(s, 1, buf_str(&body));
    db_bind_int(s, 2, limit - (int)*n_hits);
    db_bind_int(s, 3, after_doc);
    if (kind)
        db_bind_text(s, 4, kind);
    while ((st = db_step(s)) == DB_ROW) {
        search_hit *h = &(*hits)[(*n_hits)++];
        h->kind = arena_strdup(a, db_col_text(s, 0));
        h->ref = db_col_int(s, 1);
        h->rank = 1e9;
        after_doc = db_col_int(s, 2);
        if (!h->kind) {
            st = DB_NOMEM;
            break;
        }
    }
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
