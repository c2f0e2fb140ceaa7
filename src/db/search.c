/* search.c: folded full-text search on FTS5 (see search.h). */
#include "db/search.h"

#include <string.h>

#include "core/utf8.h"

/* (kind, ref) -> FTS rowid through search_doc: deleting by rowid is an
 * index lookup, deleting by an UNINDEXED column would scan the table. */
static const char SQL_DOC_FIND[] = "SELECT id FROM search_doc WHERE kind = $1 AND ref = $2";
static const char SQL_DOC_DELETE[] = "DELETE FROM search_doc WHERE id = $1";
static const char SQL_FTS_DELETE[] = "DELETE FROM search_fts WHERE rowid = $1";
static const char SQL_DOC_INSERT[] = "INSERT INTO search_doc(kind, ref) VALUES ($1, $2)";
static const char SQL_INSERT[] =
    "INSERT INTO search_fts(rowid, kind, ref, title, body) VALUES ($1, $2, $3, $4, $5)";
static const char SQL_QUERY_ANY[] = "SELECT kind, ref, bm25(search_fts, 0, 0, 10.0, 1.0) AS r"
                                    " FROM search_fts WHERE search_fts MATCH $1"
                                    " ORDER BY r LIMIT $2 OFFSET $3";
static const char SQL_QUERY_KIND[] = "SELECT kind, ref, bm25(search_fts, 0, 0, 10.0, 1.0) AS r"
                                     " FROM search_fts WHERE search_fts MATCH $1 AND kind = $4"
                                     " ORDER BY r LIMIT $2 OFFSET $3";

static db_status run_done(db_stmt *s)
{
    db_status st = db_step(s);
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
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
    if ((st = run_done(s)) != DB_OK)
        return st;
    if (!(s = db_prepare(d, SQL_DOC_DELETE)))
        return DB_ERR;
    db_bind_int(s, 1, id);
    return run_done(s);
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
    if ((st = run_done(s)) != DB_OK)
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
    st = run_done(s);
cleanup:
    buf_free(&ft);
    buf_free(&fb);
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
        while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                       (unsigned char)*p >= 0x80))
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

db_status search_query(db *d, arena *a, const char *q, const char *kind, int limit, int offset,
                       search_hit **hits, size_t *n_hits)
{
    buf match = BUF_INIT;
    db_status st = DB_OK;
    *hits = NULL;
    *n_hits = 0;
    search_build_match(&match, q);
    if (buf_failed(&match)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    if (match.len == 0 || limit <= 0)
        goto cleanup;
    *hits = arena_alloc(a, sizeof **hits * (size_t)limit);
    if (!*hits) {
        st = DB_NOMEM;
        goto cleanup;
    }
    db_stmt *s = db_prepare(d, kind ? SQL_QUERY_KIND : SQL_QUERY_ANY);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_text(s, 1, buf_str(&match));
    db_bind_int(s, 2, limit);
    db_bind_int(s, 3, offset < 0 ? 0 : offset);
    if (kind)
        db_bind_text(s, 4, kind);
    while ((st = db_step(s)) == DB_ROW) {
        search_hit *h = &(*hits)[(*n_hits)++];
        h->kind = arena_strdup(a, db_col_text(s, 0));
        h->ref = db_col_int(s, 1);
        h->rank = db_col_double(s, 2);
    }
    db_reset(s);
    st = st == DB_DONE ? DB_OK : st;
cleanup:
    buf_free(&match);
    return st;
}
