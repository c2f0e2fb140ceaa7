/* copy.c: `scan db copy`, a whole database between backends (see copy.h).
 *
 * The catalogue of each backend is read with its own query (sqlite_master
 * and its pragmas; information_schema and pg_constraint), into one shape:
 * tables, their columns, their parents by foreign key. SQL naming a table
 * is built from those names, which are checked to be plain identifiers
 * ([A-Za-z0-9_]) first, so quoting them is all the escaping there is; the
 * values always travel as parameters. Such text is kept in an arena for
 * the whole copy (db.c's statement cache keys on the text's address and
 * checks the text too).
 *
 * Values keep their kind across backends: on SQLite each column is read
 * beside its typeof() (STRICT tables hold one kind per column, FTS5's
 * columns whatever was stored), on PostgreSQL by the column's declared
 * type. The same kind and canonical text give the same checksum on both
 * sides (row_hash). */
#include "db/copy.h"

#include <stdio.h>
#include <string.h>

#include "db/migrate.h"

typedef struct cat_col {
    const char *name;
    char kind; /* PostgreSQL: 'i', 'r', 't', 'b'; SQLite: '?' (typeof per value) */
} cat_col;

typedef struct cat_table {
    const char *name;
    cat_col *cols;
    size_t n_cols, cap_cols;
    const char **parents;
    size_t n_parents, cap_parents;
    bool is_virtual; /* SQLite FTS5: rowid is read and written as a column */
    bool placed;
} cat_table;

typedef struct catalog {
    cat_table *t;
    size_t n, cap;
    bool sqlite;
} catalog;

/* Every table with its columns; FTS5's shadow tables and schema_migrations
 * left out. LIKE is SQLite's case-insensitive one: the shadow tables are
 * named after their virtual table plus '_'. */
static const char SQL_SQ_COLS[] =
    "SELECT m.name, p.name, CASE WHEN m.sql LIKE 'CREATE VIRTUAL TABLE%' THEN 1 ELSE 0 END"
    "  FROM sqlite_master m JOIN pragma_table_info(m.name) p"
    " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    "   AND m.name <> 'schema_migrations'"
    "   AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.type = 'table'"
    "        AND v.sql LIKE 'CREATE VIRTUAL TABLE%' AND m.name LIKE v.name || '\\_%' ESCAPE '\\')"
    " ORDER BY m.name, p.cid";
static const char SQL_SQ_FKS[] = "SELECT m.name, f.\"table\" FROM sqlite_master m"
                                 "  JOIN pragma_foreign_key_list(m.name) f"
                                 " WHERE m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%'";
static const char SQL_PG_COLS[] =
    "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c"
    "  JOIN information_schema.tables t"
    "    ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
    " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
    "   AND c.table_name <> 'schema_migrations'"
    " ORDER BY c.table_name COLLATE \"C\", c.ordinal_position";
static const char SQL_PG_FKS[] = "SELECT cl.relname, pc.relname FROM pg_constraint k"
                                 "  JOIN pg_class cl ON cl.oid = k.conrelid"
                                 "  JOIN pg_class pc ON pc.oid = k.confrelid"
                                 "  JOIN pg_namespace n ON n.oid = cl.relnamespace"
                                 " WHERE k.contype = 'f' AND n.nspname = current_schema()";
static const char SQL_SQ_TRIGGERS[] =
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name";
/* foreign keys of a table to itself (ref_nace's parent): PostgreSQL checks
 * them per row and cannot defer them unless made DEFERRABLE, so they are
 * dropped for the copy and added again from their own definition (which
 * checks every row) before the commit */
static const char SQL_PG_SELF_FKS[] =
    "SELECT cl.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k"
    "  JOIN pg_class cl ON cl.oid = k.conrelid"
    "  JOIN pg_namespace n ON n.oid = cl.relnamespace"
    " WHERE k.contype = 'f' AND k.conrelid = k.confrelid AND n.nspname = current_schema()"
    " ORDER BY 1, 2";
static const char SQL_PG_SEQUENCES[] =
    "SELECT table_name, column_name FROM information_schema.columns"
    " WHERE table_schema = current_schema()"
    "   AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')"
    " ORDER BY table_name COLLATE \"C\", column_name COLLATE \"C\"";
/* org.id's sequence gives new directory ids on PostgreSQL (0059): past
 * every id of org_revision too, as a deleted entry's history keeps its id */
static const char SQL_PG_ORG_IDS[] =
    "SELECT setval(pg_get_serial_sequence('org', 'id'),"
    " greatest(coalesce((SELECT max(id) FROM org), 0),"
    " coalesce((SELECT max(org_id) FROM org_revision), 0)) + 1, false)";
/* every write through tx_write leaves an audit row; scan init's first
 * admin is a person */
static const char SQL_HOLDS_DATA[] =
    "SELECT (SELECT count(*) FROM audit) + (SELECT count(*) FROM person)";

static bool plain_name(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

static bool is_sqlite(db *d)
{
    return strcmp(db_backend(d), "sqlite") == 0;
}

static cat_table *cat_find(catalog *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->t[i].name, name) == 0)
            return &c->t[i];
    return NULL;
}

static char pg_kind(const char *type)
{
    if (!type)
        return 't';
    if (strcmp(type, "bigint") == 0 || strcmp(type, "integer") == 0 ||
        strcmp(type, "smallint") == 0 || strcmp(type, "boolean") == 0)
        return 'i';
    if (strcmp(type, "double precision") == 0 || strcmp(type, "real") == 0 ||
        strcmp(type, "numeric") == 0)
        return 'r';
    if (strcmp(type, "bytea") == 0)
        return 'b';
    return 't';
}

/* Reads d's catalogue into *c (arena a). DB_ERR with err set when a name
 * is not a plain identifier. */
static db_status cat_load(db *d, arena *a, catalog *c, buf *err)
{
    memset(c, 0, sizeof *c);
    c->sqlite = is_sqlite(d);
    db_stmt *s = db_query(d, c->sqlite ? SQL_SQ_COLS : SQL_PG_COLS, DB_NONE);
    if (!s)
        return DB_ERR;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        const char *tn = db_col_text(s, 0), *cn = db_col_text(s, 1);
        if (!plain_name(tn) || !plain_name(cn)) {
            buf_printf(err, "a table or column name is not a plain identifier: %s.%s",
                       tn ? tn : "?", cn ? cn : "?");
            db_reset(s);
            return DB_ERR;
        }
        cat_table *t = c->n ? &c->t[c->n - 1] : NULL;
        if (!t || strcmp(t->name, tn) != 0) {
            if (!arena_grow(a, (void **)&c->t, c->n, &c->cap, sizeof *c->t))
                goto oom;
            t = &c->t[c->n++];
            memset(t, 0, sizeof *t);
            if (!(t->name = arena_strdup(a, tn)))
                goto oom;
            t->is_virtual = c->sqlite && db_col_int(s, 2) == 1;
            if (t->is_virtual) { /* FTS5: the rowid ties it to its entity */
                if (!arena_grow(a, (void **)&t->cols, t->n_cols, &t->cap_cols, sizeof *t->cols))
                    goto oom;
                t->cols[t->n_cols++] = (cat_col){"rowid", '?'};
            }
        }
        if (!arena_grow(a, (void **)&t->cols, t->n_cols, &t->cap_cols, sizeof *t->cols))
            goto oom;
        cat_col *col = &t->cols[t->n_cols++];
        if (!(col->name = arena_strdup(a, cn)))
            goto oom;
        col->kind = c->sqlite ? '?' : pg_kind(db_col_text(s, 2));
    }
    db_reset(s);
    if (st != DB_DONE)
        return st;
    if (!(s = db_query(d, c->sqlite ? SQL_SQ_FKS : SQL_PG_FKS, DB_NONE)))
        return DB_ERR;
    while ((st = db_step(s)) == DB_ROW) {
        cat_table *t = cat_find(c, db_col_text(s, 0));
        const char *parent = db_col_text(s, 1);
        if (!t || !parent || strcmp(parent, t->name) == 0)
            continue; /* a table referring to itself: rows go in id order */
        if (!arena_grow(a, (void **)&t->parents, t->n_parents, &t->cap_parents, sizeof *t->parents))
            goto oom;
        if (!(t->parents[t->n_parents++] = arena_strdup(a, parent)))
            goto oom;
    }
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
oom:
    db_reset(s);
    return DB_NOMEM;
}

/* --- canonical rows and their hash ------------------------------------------------------- */

typedef struct val {
    char kind; /* 'N' NULL, 'i', 'r', 't', 'b' */
    int64_t i;
    double r;
    const void *p;
    size_t n;
} val;

/* Value k of the current row of s, read by the column's kind; on SQLite
 * the SELECT put typeof(col) right after each column (sqlite_layout). */
static val read_val(db_stmt *s, const catalog *c, const cat_col *col, int *pos)
{
    val v = {0};
    int at = (*pos)++;
    char kind = col->kind;
    if (c->sqlite) {
        const char *ty = db_col_text(s, (*pos)++);
        kind = !ty ? 'N' : ty[0] == 'i' ? 'i' : ty[0] == 'r' ? 'r' : ty[0] == 'b' ? 'b' : 't';
        if (ty && ty[0] == 'n')
            kind = 'N';
    }
    if (db_col_is_null(s, at))
        kind = 'N';
    v.kind = kind;
    switch (kind) {
    case 'i':
        v.i = db_col_int(s, at);
        break;
    case 'r':
        v.r = db_col_double(s, at);
        break;
    case 't':
        v.p = db_col_text(s, at);
        v.n = v.p ? strlen(v.p) : 0;
        break;
    case 'b':
        v.p = db_col_blob(s, at, &v.n);
        break;
    default:
        break;
    }
    return v;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Folds one value's canonical text into h. */
static uint64_t hash_val(uint64_t h, const val *v)
{
    char tmp[48];
    int k = 0;
    switch (v->kind) {
    case 'i':
        k = snprintf(tmp, sizeof tmp, "i%lld;", (long long)v->i);
        break;
    case 'r':
        k = snprintf(tmp, sizeof tmp, "r%.17g;", v->r);
        break;
    case 't':
    case 'b':
        k = snprintf(tmp, sizeof tmp, "%c%zu:", v->kind, v->n);
        h = fnv(h, tmp, (size_t)k);
        return fnv(h, v->p, v->n);
    default:
        k = snprintf(tmp, sizeof tmp, "N;");
        break;
    }
    return fnv(h, tmp, (size_t)k);
}

/* splitmix64's finalizer: FNV's low bits are weak, and the rows' hashes
 * are summed */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* SELECT of every column of t (SQLite: each followed by its typeof),
 * ordered by the first (the id: a table referring to itself gets its
 * parents first). Arena text. */
static const char *select_sql(arena *a, const catalog *c, const cat_table *t)
{
    buf b = BUF_INIT;
    buf_puts(&b, "SELECT ");
    for (size_t i = 0; i < t->n_cols; i++) {
        buf_printf(&b, "%s\"%s\"", i ? ", " : "", t->cols[i].name);
        if (c->sqlite)
            buf_printf(&b, ", typeof(\"%s\")", t->cols[i].name);
    }
    buf_printf(&b, " FROM \"%s\" ORDER BY 1", t->name);
    const char *sql = buf_failed(&b) ? NULL : arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return sql;
}

static db_status table_sum(db *d, arena *a, const catalog *c, const cat_table *t, int64_t *rows,
                           uint64_t *sum)
{
    *rows = 0;
    *sum = 0;
    const char *sql = select_sql(a, c, t);
    if (!sql)
        return DB_NOMEM;
    db_stmt *s = db_query(d, sql, DB_NONE);
    if (!s)
        return DB_ERR;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        uint64_t h = 0xcbf29ce484222325ULL;
        int pos = 0;
        for (size_t i = 0; i < t->n_cols; i++) {
            val v = read_val(s, c, &t->cols[i], &pos);
            h = hash_val(h, &v);
        }
        *sum += mix(h);
        (*rows)++;
    }
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
}

db_status db_copy_checksum(db *d, const char *table, int64_t *rows, uint64_t *sum)
{
    arena a = ARENA_INIT;
    buf err = BUF_INIT;
    catalog c;
    db_status st = cat_load(d, &a, &c, &err);
    if (st == DB_OK) {
        cat_table *t = cat_find(&c, table);
        st = t ? table_sum(d, &a, &c, t, rows, sum) : DB_ERR;
    }
    buf_free(&err);
    arena_free(&a);
    return st;
}

/* --- the copy ------------------------------------------------------------------------------ */

/* INSERT of n rows of t's columns: VALUES ($1, ...), (...), ... Arena text. */
static const char *insert_sql(arena *a, const cat_table *t, size_t n)
{
    buf b = BUF_INIT;
    buf_printf(&b, "INSERT INTO \"%s\" (", t->name);
    for (size_t i = 0; i < t->n_cols; i++)
        buf_printf(&b, "%s\"%s\"", i ? ", " : "", t->cols[i].name);
    buf_puts(&b, ") VALUES ");
    for (size_t r = 0; r < n; r++) {
        buf_puts(&b, r ? ", (" : "(");
        for (size_t i = 0; i < t->n_cols; i++)
            buf_printf(&b, "%s$%zu", i ? ", " : "", r * t->n_cols + i + 1);
        buf_putc(&b, ')');
    }
    const char *sql = buf_failed(&b) ? NULL : arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return sql;
}

/* Inserts the n rows of vals (n * t->n_cols values) with one statement. */
static db_status insert_rows(db *dst, arena *a, const cat_table *t, const char **sql_n, size_t n,
                             const val *vals)
{
    if (!*sql_n && !(*sql_n = insert_sql(a, t, n)))
        return DB_NOMEM;
    db_stmt *w = db_prepare(dst, *sql_n);
    if (!w)
        return DB_ERR;
    for (size_t k = 0; k < n * t->n_cols; k++) {
        const val *v = &vals[k];
        int at = (int)k + 1;
        char num[40];
        switch (v->kind) {
        case 'i':
            db_bind_int(w, at, v->i);
            break;
        case 'r': /* no double binding in db.h: text, which both coerce exactly */
            snprintf(num, sizeof num, "%.17g", v->r);
            db_bind_text(w, at, num);
            break;
        case 't':
            db_bind_textn(w, at, v->p, v->n);
            break;
        case 'b':
            db_bind_blob(w, at, v->p, v->n);
            break;
        default:
            db_bind_null(w, at);
            break;
        }
    }
    return db_run(w);
}

/* Copies the rows of t (source catalogue cs) into dst, hashing them as
 * they pass (the source's side of the checksum, from the same snapshot).
 * Up to COPY_BATCH rows go in one INSERT (a round trip per statement to
 * PostgreSQL), their values held in a batch arena meanwhile (the source's
 * text lives only until its next step). Most of a copy to PostgreSQL is
 * not that but search_fts's trigger splitting every document into
 * search_word: 95,000 rows (10,000 entries) took 100 s either way, the
 * way back 17 s. */
#define COPY_BATCH      100
#define COPY_MAX_PARAMS 30000 /* under SQLite's 32766 and PostgreSQL's 65535 */
static db_status copy_rows(db *src, db *dst, arena *a, const catalog *cs, const cat_table *t,
                           int64_t *rows, uint64_t *sum, buf *err)
{
    *rows = 0;
    *sum = 0;
    size_t per = t->n_cols ? COPY_MAX_PARAMS / t->n_cols : 1;
    if (per > COPY_BATCH)
        per = COPY_BATCH;
    if (per < 1)
        per = 1;
    const char *sel = select_sql(a, cs, t);
    val *pend = arena_alloc(a, per * (t->n_cols + 1) * sizeof *pend);
    if (!sel || !pend)
        return DB_NOMEM;
    db_stmt *s = db_query(src, sel, DB_NONE);
    if (!s) {
        buf_printf(err, "cannot read %s: %s", t->name, db_errmsg(src));
        return DB_ERR;
    }
    arena batch = ARENA_INIT;
    const char *sql_full = NULL, *sql_tail = NULL;
    size_t in_batch = 0;
    db_status st, wst = DB_OK;
    while ((st = db_step(s)) == DB_ROW) {
        uint64_t h = 0xcbf29ce484222325ULL;
        int pos = 0;
        for (size_t i = 0; i < t->n_cols; i++) {
            val v = read_val(s, cs, &t->cols[i], &pos);
            h = hash_val(h, &v);
            if ((v.kind == 't' || v.kind == 'b') && v.p) {
                char *copy = arena_alloc(&batch, v.n + 1);
                if (!copy) {
                    wst = DB_NOMEM;
                    break;
                }
                memcpy(copy, v.p, v.n);
                copy[v.n] = '\0';
                v.p = copy;
            }
            pend[in_batch * t->n_cols + i] = v;
        }
        if (wst != DB_OK)
            break;
        *sum += mix(h);
        (*rows)++;
        if (++in_batch == per) {
            wst = insert_rows(dst, a, t, &sql_full, in_batch, pend);
            in_batch = 0;
            arena_free(&batch);
            if (wst != DB_OK)
                break;
        }
    }
    db_reset(s);
    if (st == DB_DONE && wst == DB_OK && in_batch > 0)
        wst = insert_rows(dst, a, t, &sql_tail, in_batch, pend);
    arena_free(&batch);
    if (wst != DB_OK) {
        buf_printf(err, "cannot write %s (near row %lld): %s", t->name, (long long)*rows,
                   db_errmsg(dst));
        return wst;
    }
    if (st == DB_DONE)
        return DB_OK;
    buf_printf(err, "cannot read %s: %s", t->name, db_errmsg(src));
    return st == DB_OK || st == DB_ROW ? DB_ERR : st;
}

/* Exec of formatted DDL (names already checked). */
static db_status exec_fmt(db *d, buf *err, const char *fmt, const char *a1)
{
    char sql[512];
    snprintf(sql, sizeof sql, fmt, a1);
    db_status st = db_exec(d, sql);
    if (st != DB_OK)
        buf_printf(err, "%s: %s", sql, db_errmsg(d));
    return st;
}

/* Orders cs's tables parents first into order[] (indexes); a cycle, which
 * the schema has none of, is broken at the first table by name. */
static void order_tables(catalog *cs, size_t *order)
{
    size_t n = 0;
    while (n < cs->n) {
        bool progress = false;
        for (size_t i = 0; i < cs->n; i++) {
            cat_table *t = &cs->t[i];
            if (t->placed)
                continue;
            bool ready = true;
            for (size_t p = 0; p < t->n_parents && ready; p++) {
                cat_table *pt = cat_find(cs, t->parents[p]);
                if (pt && !pt->placed)
                    ready = false;
            }
            if (ready) {
                t->placed = true;
                order[n++] = i;
                progress = true;
            }
        }
        if (!progress)
            for (size_t i = 0; i < cs->n; i++)
                if (!cs->t[i].placed) {
                    cs->t[i].placed = true;
                    order[n++] = i;
                    break;
                }
    }
}

typedef struct trig {
    const char *name, *sql;
    const char *table; /* PostgreSQL's self-referencing keys: the table */
} trig;

/* Reads rows (name, sql) or (table, name, definition) of a catalogue
 * query into *out (arena a); names are checked to be plain. */
static db_status read_defs(db *d, arena *a, const char *sql, bool with_table, trig **out, size_t *n,
                           buf *err)
{
    size_t cap = 0;
    db_stmt *s = db_query(d, sql, DB_NONE);
    if (!s)
        return DB_ERR;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        if (!arena_grow(a, (void **)out, *n, &cap, sizeof **out)) {
            st = DB_NOMEM;
            break;
        }
        trig *t = &(*out)[*n];
        int c = with_table ? 1 : 0;
        t->table = with_table ? arena_strdup(a, db_col_text(s, 0)) : NULL;
        t->name = arena_strdup(a, db_col_text(s, c));
        t->sql = arena_strdup(a, db_col_text(s, c + 1));
        if (!plain_name(t->name) || !t->sql || (with_table && !plain_name(t->table))) {
            buf_printf(err, "a trigger or constraint name is not a plain identifier");
            st = DB_ERR;
            break;
        }
        (*n)++;
    }
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
}

db_status db_copy(db *src, db *dst, bool force, arena *a, db_copy_report *rep, buf *err)
{
    memset(rep, 0, sizeof *rep);
    int v_src = 0, v_dst = 0;
    db_status st = migrate_current(src, &v_src);
    if (st == DB_OK)
        st = migrate_current(dst, &v_dst);
    if (st != DB_OK) {
        buf_printf(err, "cannot read the schema versions");
        return st;
    }
    if (v_src != v_dst) {
        buf_printf(err, "the source is at schema version %d and the target at %d", v_src, v_dst);
        return DB_CONSTRAINT;
    }
    int64_t holds = 0;
    if ((st = db_int(dst, &holds, 0, SQL_HOLDS_DATA, DB_NONE)) != DB_OK) {
        buf_printf(err, "cannot read the target: %s", db_errmsg(dst));
        return st;
    }
    if (holds > 0 && !force) {
        buf_printf(err,
                   "the target holds data already (accounts or an audit log): copy into a new, "
                   "empty database, or add --force to replace everything it holds");
        return DB_CONSTRAINT;
    }
    catalog cs, cd;
    if ((st = db_begin_read(src)) != DB_OK) {
        buf_printf(err, "cannot read the source: %s", db_errmsg(src));
        return st;
    }
    if ((st = cat_load(src, a, &cs, err)) != DB_OK || (st = cat_load(dst, a, &cd, err)) != DB_OK) {
        if (err->len == 0)
            buf_printf(err, "cannot read the catalogue");
        db_rollback(src);
        return st;
    }
    size_t *order = arena_alloc(a, (cs.n + 1) * sizeof *order);
    rep->tables = arena_zalloc(a, (cs.n + 1) * sizeof *rep->tables);
    rep->skipped = arena_zalloc(a, (cs.n + 1) * sizeof *rep->skipped);
    if (!order || !rep->tables || !rep->skipped) {
        db_rollback(src);
        return DB_NOMEM;
    }
    order_tables(&cs, order);
    /* the tables both have, parents first; the target must have every
     * column the source has */
    const cat_table **copy = arena_alloc(a, (cs.n + 1) * sizeof *copy);
    size_t n_copy = 0;
    if (!copy) {
        db_rollback(src);
        return DB_NOMEM;
    }
    for (size_t k = 0; k < cs.n; k++) {
        const cat_table *t = &cs.t[order[k]];
        cat_table *u = cat_find(&cd, t->name);
        if (!u) {
            rep->skipped[rep->n_skipped++] = t->name;
            continue;
        }
        for (size_t i = 0; i < t->n_cols; i++) {
            bool found = false;
            for (size_t j = 0; j < u->n_cols && !found; j++)
                found = strcmp(u->cols[j].name, t->cols[i].name) == 0;
            if (!found) {
                buf_printf(err, "the target's table %s has no column %s", t->name, t->cols[i].name);
                db_rollback(src);
                return DB_CONSTRAINT;
            }
        }
        copy[n_copy++] = t;
    }

    trig *trigs = NULL; /* SQLite: triggers; PostgreSQL: self-referencing keys */
    size_t n_trigs = 0;
    if ((st = db_begin_write(dst)) != DB_OK) {
        buf_printf(err, "cannot begin writing the target: %s", db_errmsg(dst));
        db_rollback(src);
        return st;
    }
    /* triggers off: the copied rows hold what they compute (the figures'
     * totals, ...). SQLite has no switch: they are dropped and made again
     * from their own text before the commit. PostgreSQL's search_fts keeps
     * its trigger: it fills search_word, which is not copied. */
    if (cd.sqlite) {
        st = read_defs(dst, a, SQL_SQ_TRIGGERS, false, &trigs, &n_trigs, err);
        for (size_t i = 0; i < n_trigs && st == DB_OK; i++)
            st = exec_fmt(dst, err, "DROP TRIGGER \"%s\"", trigs[i].name);
        /* a row whose parent comes later is checked at commit */
        if (st == DB_OK)
            st = exec_fmt(dst, err, "PRAGMA defer_foreign_keys = %s", "ON");
    } else {
        for (size_t k = 0; k < n_copy && st == DB_OK; k++)
            if (strcmp(copy[k]->name, "search_fts") != 0)
                st = exec_fmt(dst, err, "ALTER TABLE \"%s\" DISABLE TRIGGER USER", copy[k]->name);
        if (st == DB_OK)
            st = read_defs(dst, a, SQL_PG_SELF_FKS, true, &trigs, &n_trigs, err);
        for (size_t i = 0; i < n_trigs && st == DB_OK; i++) {
            const char *sql = arena_printf(a, "ALTER TABLE \"%s\" DROP CONSTRAINT \"%s\"",
                                           trigs[i].table, trigs[i].name);
            if (!sql)
                st = DB_NOMEM;
            else if ((st = db_exec(dst, sql)) != DB_OK)
                buf_printf(err, "%s: %s", sql, db_errmsg(dst));
        }
    }
    /* what the target's migrations seeded goes: children first */
    for (size_t k = n_copy; k-- > 0 && st == DB_OK;)
        st = exec_fmt(dst, err, "DELETE FROM \"%s\"", copy[k]->name);
    for (size_t k = 0; k < n_copy && st == DB_OK; k++) {
        db_copy_table *r = &rep->tables[rep->n_tables++];
        r->name = copy[k]->name;
        st = copy_rows(src, dst, a, &cs, copy[k], &r->rows_src, &r->sum_src, err);
    }
    if (st == DB_OK && cd.sqlite) {
        for (size_t i = 0; i < n_trigs && st == DB_OK; i++)
            if ((st = db_exec(dst, trigs[i].sql)) != DB_OK)
                buf_printf(err, "cannot make trigger %s again: %s", trigs[i].name, db_errmsg(dst));
    } else if (st == DB_OK) {
        for (size_t i = 0; i < n_trigs && st == DB_OK; i++) {
            const char *sql = arena_printf(a, "ALTER TABLE \"%s\" ADD CONSTRAINT \"%s\" %s",
                                           trigs[i].table, trigs[i].name, trigs[i].sql);
            if (!sql)
                st = DB_NOMEM;
            else if ((st = db_exec(dst, sql)) != DB_OK)
                buf_printf(err, "%s: %s", sql, db_errmsg(dst));
        }
        for (size_t k = 0; k < n_copy && st == DB_OK; k++)
            if (strcmp(copy[k]->name, "search_fts") != 0)
                st = exec_fmt(dst, err, "ALTER TABLE \"%s\" ENABLE TRIGGER USER", copy[k]->name);
        /* identity and serial columns: the next id after the largest copied */
        const char **seq = NULL;
        size_t n_seq = 0, cap_seq = 0;
        db_stmt *s = NULL;
        if (st == DB_OK && !(s = db_query(dst, SQL_PG_SEQUENCES, DB_NONE)))
            st = DB_ERR;
        while (s && (st = db_step(s)) == DB_ROW) {
            const char *tn = db_col_text(s, 0), *cn = db_col_text(s, 1);
            if (!plain_name(tn) || !plain_name(cn) ||
                !arena_grow(a, (void **)&seq, n_seq, &cap_seq, sizeof *seq)) {
                st = DB_ERR;
                break;
            }
            seq[n_seq++] = arena_printf(a,
                                        "SELECT setval(pg_get_serial_sequence('\"%s\"', '%s'),"
                                        " coalesce(max(\"%s\"), 0) + 1, false) FROM \"%s\"",
                                        tn, cn, cn, tn);
        }
        if (s) {
            db_reset(s);
            if (st == DB_DONE)
                st = DB_OK;
        }
        for (size_t i = 0; i < n_seq && st == DB_OK; i++) {
            int64_t next = 0;
            if (!seq[i])
                st = DB_NOMEM;
            else if ((st = db_int(dst, &next, 0, seq[i], DB_NONE)) != DB_OK)
                buf_printf(err, "cannot advance a sequence: %s", db_errmsg(dst));
        }
        int64_t next = 0;
        if (st == DB_OK && (st = db_int(dst, &next, 0, SQL_PG_ORG_IDS, DB_NONE)) != DB_OK)
            buf_printf(err, "cannot advance org.id's sequence: %s", db_errmsg(dst));
    }
    db_rollback(src); /* read only: ends the snapshot */
    if (st == DB_OK && (st = db_commit(dst)) != DB_OK)
        buf_printf(err, "cannot commit the copy: %s", db_errmsg(dst));
    if (st != DB_OK) {
        db_rollback(dst);
        if (err->len == 0)
            buf_printf(err, "the copy failed: %s", db_errmsg(dst));
        return st;
    }
    /* after the commit, the target as anyone now reads it */
    for (size_t k = 0; k < rep->n_tables; k++) {
        db_copy_table *r = &rep->tables[k];
        cat_table *u = cat_find(&cd, r->name);
        /* the target's columns in the source's order: the same canonical text */
        cat_table view = *copy[k];
        cat_col *cols = arena_alloc(a, (view.n_cols + 1) * sizeof *cols);
        if (!u || !cols)
            return DB_NOMEM;
        for (size_t i = 0; i < view.n_cols; i++) {
            cols[i] = view.cols[i];
            for (size_t j = 0; j < u->n_cols; j++)
                if (strcmp(u->cols[j].name, view.cols[i].name) == 0)
                    cols[i].kind = u->cols[j].kind;
        }
        view.cols = cols;
        if ((st = table_sum(dst, a, &cd, &view, &r->rows_dst, &r->sum_dst)) != DB_OK) {
            buf_printf(err, "cannot read %s back: %s", r->name, db_errmsg(dst));
            return st;
        }
        if (r->rows_dst != r->rows_src || r->sum_dst != r->sum_src)
            rep->n_differ++;
    }
    return DB_OK;
}
