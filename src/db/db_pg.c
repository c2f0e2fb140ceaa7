/* db_pg.c: the PostgreSQL backend of db.h, over libpq.
 *
 * db_open hands a postgresql:// or postgres:// URL here (db_pg_url); the
 * same binary runs either backend, so `--db` and SCAN_DB name both. Each
 * connection belongs to one thread, as with SQLite.
 *
 * Statements. db.c caches one driver statement per SQL text and
 * connection; here that is a server-side prepared statement named "s<n>"
 * (PQprepare). Every placeholder up to the highest $n is declared, so a
 * statement that skips one (it binds $1 and $3) still prepares: the
 * unused ones are declared text. A parameter whose type the server cannot
 * infer (used only in `$n IS NULL`, or deduced two ways) is declared from
 * the server's answer and the statement prepared again (prepare_now). Values travel in text format
 * (integers printed in decimal), blobs in binary format; results come back
 * as text and are read per column type: a boolean ('t'/'f') reads as 1/0,
 * never as a failed number, so `disabled_at IS NOT NULL` is 1; a bytea is
 * unescaped for db_col_blob. db_step runs the statement at its first call
 * (PQexecPrepared) and walks the rows of that one result.
 *
 * Transactions. A write transaction is SERIALIZABLE: writes that rest on
 * SQLite's single writer (ids as max()+1, capacity checks, figures'
 * uniqueness, revision numbers) stay correct without a lock per table (the
 * data versions are sharded counters, 0049, so writers rarely meet on
 * them), and a serialization
 * failure (40001) or deadlock (40P01) is DB_BUSY, which tx_write retries
 * from the start as it retries SQLite's busy lock. A read transaction is
 * REPEATABLE READ, READ ONLY: one snapshot, like SQLite's. A statement
 * that fails inside a transaction aborts all of it (PostgreSQL, unlike
 * SQLite, keeps nothing of it): tx_active is then false, so db.c refuses
 * the rest and db_commit stores nothing.
 *
 * db_last_id is lastval(): the value the session's last INSERT took from a
 * sequence (a serial or identity id), read only when asked, so model code
 * that inserts and then asks for the id runs unchanged.
 *
 * libpq allocates with malloc, outside mem_* (no fault injection reaches
 * it); our own structures come from mem_*. */
#include <libpq-fe.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "db/db_driver.h"

/* type oids from the server's catalogue (pg_type.dat), fixed for ever */
#define PG_BOOLOID  16
#define PG_BYTEAOID 17
#define PG_TEXTOID  25

typedef struct pg_conn {
    PGconn *h;
    unsigned next_name; /* statement names: s1, s2, ... */
    unsigned gen;       /* bumped when the session was reset: statements
                           prepared before must be prepared again */
    int64_t changes;    /* rows of the last INSERT/UPDATE/DELETE */
    int64_t last_id;    /* lastval() when last read */
    bool inserted;      /* an INSERT ran since last_id was read */
    char **dead;        /* names of finalized statements, deallocated at
                           the next prepare (a round trip saved at close) */
    size_t n_dead, cap_dead;
    char err[512];
} pg_conn;

typedef struct pg_stmt {
    pg_conn *c;
    char name[16];
    unsigned gen;
    char *sql;     /* the text, to prepare again after a reset */
    int n_params;  /* the highest $n */
    Oid *types;    /* declared type per parameter, 0: the server infers */
    char **values; /* bound values (NULL: SQL NULL), owned */
    int *lengths;
    int *formats;  /* 0 text, 1 binary (blobs) */
    PGresult *res; /* the rows of the current run */
    int row, n_rows;
    bool ran;            /* executed since the last reset */
    unsigned char *blob; /* the unescaped bytea of the last db_col_blob */
} pg_stmt;

/* The server version of the first connection, for db_backend_version. */
static char g_version[48] = "postgresql";
static atomic_flag g_version_set = ATOMIC_FLAG_INIT;

bool db_pg_url(const char *path)
{
    return path &&
           (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

/* Keeps msg (libpq's, ending in a newline) as the connection's errmsg. */
static void set_err(pg_conn *c, const char *msg)
{
    snprintf(c->err, sizeof c->err, "%s", msg && *msg ? msg : "unknown PostgreSQL error");
    size_t n = strlen(c->err);
    while (n && (c->err[n - 1] == '\n' || c->err[n - 1] == ' '))
        c->err[--n] = '\0';
}

/* The status a SQLSTATE means for db.h's callers. */
static db_status map_sqlstate(const char *code)
{
    if (!code || strlen(code) != 5)
        return DB_ERR;
    if (strncmp(code, "23", 2) == 0) /* integrity constraint violation */
        return DB_CONSTRAINT;
    if (strcmp(code, "40001") == 0 || strcmp(code, "40P01") == 0 || /* serialization, deadlock */
        strcmp(code, "55P03") == 0)                                 /* lock_timeout */
        return DB_BUSY;
    if (strcmp(code, "53100") == 0) /* disk full */
        return DB_FULL;
    if (strcmp(code, "53200") == 0) /* out of memory */
        return DB_NOMEM;
    if (strcmp(code, "25006") == 0) /* read-only transaction */
        return DB_READONLY;
    if (strncmp(code, "58", 2) == 0 || strncmp(code, "08", 2) == 0) /* system, connection */
        return DB_IOERR;
    return DB_ERR;
}

/* The status of a result (NULL: libpq ran out of memory or lost the
 * connection), keeping its message. */
static db_status result_status(pg_conn *c, const PGresult *r)
{
    if (!r) {
        set_err(c, PQerrorMessage(c->h));
        return PQstatus(c->h) == CONNECTION_BAD ? DB_IOERR : DB_NOMEM;
    }
    switch (PQresultStatus(r)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
        return DB_OK;
    default:
        break;
    }
    /* one line for the log: the message, its detail, the SQLSTATE */
    const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
    const char *sqlstate = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (primary)
        snprintf(c->err, sizeof c->err, "%s%s%s [%s]", primary, detail ? ": " : "",
                 detail ? detail : "", sqlstate ? sqlstate : "?");
    else
        set_err(c, PQresultErrorMessage(r));
    if (PQstatus(c->h) == CONNECTION_BAD) /* the session went (57P01 and such) */
        return DB_IOERR;
    const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (!code) /* libpq's own failure: the connection went, or memory */
        return PQstatus(c->h) == CONNECTION_BAD ? DB_IOERR : DB_NOMEM;
    return map_sqlstate(code);
}

/* A lost session is opened again before the next statement (the request
 * that met the loss has failed with DB_IOERR); its prepared statements
 * went with it (gen). */
static bool ensure_connected(pg_conn *c)
{
    if (PQstatus(c->h) == CONNECTION_OK)
        return true;
    PQreset(c->h);
    c->gen++;
    c->n_dead = 0; /* gone with the old session */
    if (PQstatus(c->h) != CONNECTION_OK) {
        set_err(c, PQerrorMessage(c->h));
        return false;
    }
    return true;
}

/* Runs one command without parameters; DB_OK or the failure. */
static db_status run_simple(pg_conn *c, const char *sql)
{
    PGresult *r = PQexec(c->h, sql);
    db_status st = result_status(c, r);
    PQclear(r);
    return st;
}

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* "there is no transaction in progress" and such */
}

static void p_global_init(void) {}

/* path without the password of its user part, for messages */
static void url_for_humans(buf *out, const char *url)
{
    const char *scheme = strstr(url, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (at && colon && colon < at && (!slash || at < slash)) {
        buf_printf(out, "%.*s:***%s", (int)(colon - url), url, at);
        return;
    }
    buf_puts(out, url);
}

static db_status p_open(const char *path, const db_options *o, void **conn, buf *err)
{
    pg_conn *c = mem_calloc(1, sizeof *c);
    if (!c) {
        buf_puts(err, "out of memory");
        return DB_NOMEM;
    }
    c->h = PQconnectdb(path);
    if (!c->h || PQstatus(c->h) != CONNECTION_OK) {
        set_err(c, c->h ? PQerrorMessage(c->h) : "out of memory"); /* without its newline */
        buf_puts(err, "cannot open database ");
        url_for_humans(err, path);
        buf_printf(err, ": %s", c->err);
        PQfinish(c->h);
        mem_free(c);
        return DB_IOERR;
    }
    PQsetNoticeProcessor(c->h, quiet_notices, NULL);
    /* the busy timeout of SQLite is a lock timeout here: a row lock held
     * that long gives 55P03, DB_BUSY, and tx_write tries again */
    char set[256];
    snprintf(set, sizeof set,
             "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET lock_timeout = %d;%s%s",
             o->busy_timeout_ms > 0 ? o->busy_timeout_ms : 5000,
             o->read_only ? " SET default_transaction_read_only = on;" : "",
             /* SQLite's NORMAL loses the last commits on a power loss, not
              * on a crash: the same promise as an asynchronous commit */
             o->synchronous_normal ? " SET synchronous_commit = off;" : "");
    db_status st = run_simple(c, set);
    if (st == DB_OK && o->bulk) /* CREATE INDEX after a bulk load sorts in memory */
        st = run_simple(c, "SET maintenance_work_mem = '512MB'");
    if (st != DB_OK) {
        buf_puts(err, "cannot use database ");
        url_for_humans(err, path);
        buf_printf(err, ": %s", c->err);
        PQfinish(c->h);
        mem_free(c);
        return st;
    }
    if (!atomic_flag_test_and_set(&g_version_set)) {
        int v = PQserverVersion(c->h); /* 150018 for 15.18 */
        snprintf(g_version, sizeof g_version, "postgresql %d.%d", v / 10000, v % 10000);
    }
    *conn = c;
    return DB_OK;
}

static void p_close(void *conn)
{
    pg_conn *c = conn;
    if (!c)
        return;
    PQfinish(c->h);
    for (size_t i = 0; i < c->n_dead; i++)
        mem_free(c->dead[i]);
    mem_free(c->dead);
    mem_free(c);
}

/* Reads the $n placeholders of sql outside quoted text and comments: the
 * highest number, and in used[] (n_used slots, may be NULL) which occur. */
static int scan_params(const char *sql, bool *used, int n_used)
{
    int max = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'' || *p == '"') {
            char q = *p;
            for (p++; *p && *p != q; p++)
                ;
            if (!*p)
                break;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
            if (!*p)
                break;
        } else if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
            char *end;
            long n = strtol(p + 1, &end, 10);
            if (n > 0 && n < 65536) {
                if (n > max)
                    max = (int)n;
                if (used && n <= n_used)
                    used[n - 1] = true;
            }
            p = end - 1;
        }
    }
    return max;
}

/* Sends DEALLOCATE for statements finalized since the last prepare. */
static void drop_dead(pg_conn *c)
{
    if (PQtransactionStatus(c->h) == PQTRANS_INERROR) /* it would fail: later */
        return;
    for (size_t i = 0; i < c->n_dead; i++) {
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", c->dead[i]);
        PQclear(PQexec(c->h, sql));
        mem_free(c->dead[i]);
    }
    c->n_dead = 0;
}

/* The type a parameter should be declared with, from the server's refusal
 * of a prepare (r), for the parameter it names in *n (0: none):
 * - 42P18/42P08 "could not determine data type of parameter $2" (only
 *   tested for NULL, or only passed on, or both: `$2 IS NULL OR k = $2`):
 *   text, the type of an untyped literal;
 * - 42P08 "inconsistent types deduced for parameter $8: text versus
 *   bigint" (a CASE branch said text, a column bigint): the type that is
 *   not text.
 * 0 when the refusal is of another kind. */
static Oid param_type_from(const PGresult *r, int *n)
{
    static const struct {
        const char *name;
        Oid oid;
    } named[] = {
        {"bigint", 20}, {"integer", 23},   {"smallint", 21},        {"double precision", 701},
        {"real", 700},  {"numeric", 1700}, {"boolean", PG_BOOLOID}, {"bytea", PG_BYTEAOID}};
    *n = 0;
    const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!code || !m || (strcmp(code, "42P18") != 0 && strcmp(code, "42P08") != 0))
        return 0;
    const char *d = strchr(m, '$');
    if (!d || (*n = atoi(d + 1)) < 1)
        return 0;
    const char *versus = strstr(m, " versus ");
    if (!versus)
        return PG_TEXTOID;
    const char *colon = strchr(d, ':'); /* ": text versus bigint" */
    for (size_t i = 0; colon && i < sizeof named / sizeof named[0]; i++) {
        size_t len = strlen(named[i].name);
        if ((strncmp(colon + 2, named[i].name, len) == 0 && colon + 2 + len == versus) ||
            strcmp(versus + 8, named[i].name) == 0)
            return named[i].oid;
    }
    return 0;
}

/* True when r refuses an operator or a type for a text value ("operator
 * does not exist: bigint = text", "... is of type bigint but expression is
 * of type text"): a parameter declared text by guess should be bigint. */
static bool refuses_text(const PGresult *r)
{
    const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    return code && m && (strcmp(code, "42883") == 0 || strcmp(code, "42804") == 0) &&
           strstr(m, "text");
}

/* A parameter the server typed integer or smallint (from a comparison with
 * a literal: `$4 = 0 OR starts_at >= $4`) refuses the 64-bit values db.h
 * binds (a time in 2099 is 4,076,002,800): such parameters are declared
 * bigint and the statement prepared again under a new name; when that
 * fails (a function taking integer only), the first preparation stays. In
 * a transaction the caller's savepoint is current. */
static void widen_small_ints(pg_stmt *st, bool in_tx)
{
    pg_conn *c = st->c;
    if (!st->n_params)
        return;
    PGresult *r = PQdescribePrepared(c->h, st->name);
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK || PQnparams(r) != st->n_params) {
        PQclear(r);
        return;
    }
    Oid *old = mem_malloc((size_t)st->n_params * sizeof *old);
    if (!old) {
        PQclear(r);
        return;
    }
    memcpy(old, st->types, (size_t)st->n_params * sizeof *old);
    bool any = false;
    for (int i = 0; i < st->n_params; i++) {
        Oid t = PQparamtype(r, i);
        if (old[i] == 0 && (t == 23 || t == 21)) { /* int4, int2 */
            st->types[i] = 20;                     /* int8 */
            any = true;
        }
    }
    PQclear(r);
    if (any) {
        char name[sizeof st->name];
        snprintf(name, sizeof name, "s%u", ++c->next_name);
        r = PQprepare(c->h, name, st->sql, st->n_params, st->types);
        bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (ok) {
            char sql[sizeof st->name + 16];
            snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
            run_simple(c, sql);
            memcpy(st->name, name, sizeof name);
        } else {
            memcpy(st->types, old, (size_t)st->n_params * sizeof *old);
            if (in_tx)
                run_simple(c, "ROLLBACK TO SAVEPOINT scan_prepare");
        }
    }
    mem_free(old);
}

/* Prepares st on its connection's current session. A parameter whose type
 * the server cannot settle is declared as param_type_from says and the
 * prepare tried again; when a guess of text is then refused, that
 * parameter becomes bigint (a `$n IS NULL OR id = $n` filter). A failed
 * PQprepare inside a transaction would abort it, and the first tries may
 * fail on purpose: there it runs inside a savepoint. */
static db_status prepare_now(pg_stmt *st)
{
    pg_conn *c = st->c;
    if (c->n_dead)
        drop_dead(c);
    snprintf(st->name, sizeof st->name, "s%u", ++c->next_name);
    bool in_tx = PQtransactionStatus(c->h) == PQTRANS_INTRANS;
    db_status s = in_tx ? run_simple(c, "SAVEPOINT scan_prepare") : DB_OK;
    int guessed = 0; /* the parameter last declared text by guess */
    for (int tries = 0; s == DB_OK; tries++) {
        PGresult *r = PQprepare(c->h, st->name, st->sql, st->n_params, st->types);
        s = result_status(c, r);
        if (s == DB_OK) {
            PQclear(r);
            st->gen = c->gen;
            break;
        }
        int n = 0;
        Oid t = param_type_from(r, &n);
        if (!t && guessed && refuses_text(r)) {
            n = guessed;
            t = 20; /* bigint */
            guessed = 0;
        } else if (t && n >= 1 && n <= st->n_params && st->types[n - 1] != 0) {
            t = 0; /* declared already: no further guess */
        }
        PQclear(r);
        if (!t || n < 1 || n > st->n_params || tries > 2 * st->n_params)
            break;
        if (t == PG_TEXTOID)
            guessed = n;
        st->types[n - 1] = t;
        if (in_tx && run_simple(c, "ROLLBACK TO SAVEPOINT scan_prepare") != DB_OK)
            break;
        s = DB_OK;
    }
    if (s == DB_OK)
        widen_small_ints(st, in_tx);
    if (in_tx) {
        char keep[sizeof c->err]; /* the prepare's message, not the savepoint's */
        memcpy(keep, c->err, sizeof keep);
        if (s != DB_OK)
            run_simple(c, "ROLLBACK TO SAVEPOINT scan_prepare");
        run_simple(c, "RELEASE SAVEPOINT scan_prepare");
        memcpy(c->err, keep, sizeof keep);
    }
    return s;
}

static void p_finalize(void *stmt);

static void *p_prepare(void *conn, const char *sql)
{
    pg_conn *c = conn;
    if (!ensure_connected(c))
        return NULL;
    pg_stmt *st = mem_calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->c = c;
    size_t len = strlen(sql);
    if (!(st->sql = mem_malloc(len + 1)))
        goto fail;
    memcpy(st->sql, sql, len + 1);
    st->n_params = scan_params(sql, NULL, 0);
    if (st->n_params) {
        bool *used = mem_calloc((size_t)st->n_params, sizeof *used);
        st->types = mem_calloc((size_t)st->n_params, sizeof *st->types);
        st->values = mem_calloc((size_t)st->n_params, sizeof *st->values);
        st->lengths = mem_calloc((size_t)st->n_params, sizeof *st->lengths);
        st->formats = mem_calloc((size_t)st->n_params, sizeof *st->formats);
        if (!used || !st->types || !st->values || !st->lengths || !st->formats) {
            mem_free(used);
            goto fail;
        }
        scan_params(sql, used, st->n_params);
        for (int i = 0; i < st->n_params; i++) /* a gap: declared, never read */
            st->types[i] = used[i] ? 0 : PG_TEXTOID;
        mem_free(used);
    }
    if (prepare_now(st) != DB_OK) {
        st->name[0] = '\0'; /* nothing to deallocate */
        goto fail;
    }
    return st;
fail:
    p_finalize(st);
    return NULL;
}

static void clear_values(pg_stmt *st)
{
    /* formats and lengths may be missing: p_prepare ran out of memory
     * after allocating values */
    for (int i = 0; i < st->n_params; i++) {
        mem_free(st->values[i]);
        st->values[i] = NULL;
        if (st->formats)
            st->formats[i] = 0;
        if (st->lengths)
            st->lengths[i] = 0;
    }
}

static void clear_result(pg_stmt *st)
{
    PQclear(st->res);
    st->res = NULL;
    st->row = st->n_rows = 0;
    st->ran = false;
    if (st->blob)
        PQfreemem(st->blob);
    st->blob = NULL;
}

static void p_finalize(void *stmt)
{
    pg_stmt *st = stmt;
    if (!st)
        return;
    clear_result(st);
    if (st->values)
        clear_values(st);
    pg_conn *c = st->c;
    /* the server's statement goes at the next prepare (or with the session) */
    if (st->name[0] && st->gen == c->gen) {
        char *name = mem_malloc(strlen(st->name) + 1);
        if (name && c->n_dead == c->cap_dead) {
            size_t cap = c->cap_dead ? c->cap_dead * 2 : 16;
            char **d = mem_realloc(c->dead, cap * sizeof *d);
            if (d) {
                c->dead = d;
                c->cap_dead = cap;
            }
        }
        if (name && c->n_dead < c->cap_dead) {
            strcpy(name, st->name);
            c->dead[c->n_dead++] = name;
        } else {
            mem_free(name); /* out of memory: it stays until the session ends */
        }
    }
    mem_free(st->sql);
    mem_free(st->types);
    mem_free(st->values);
    mem_free(st->lengths);
    mem_free(st->formats);
    mem_free(st);
}

/* Stores a copy of n bytes (plus a NUL for text) as parameter i. */
static db_status put_value(pg_stmt *st, int i, const void *v, size_t n, int format)
{
    if (i < 1 || i > st->n_params || n > 0x7fffffff) {
        set_err(st->c, "parameter number out of range"); /* SQLite's SQLITE_RANGE */
        return DB_ERR;
    }
    char *copy = mem_malloc(n + 1);
    if (!copy)
        return DB_NOMEM;
    if (n)
        memcpy(copy, v, n);
    copy[n] = '\0';
    mem_free(st->values[i - 1]);
    st->values[i - 1] = copy;
    st->lengths[i - 1] = (int)n;
    st->formats[i - 1] = format;
    return DB_OK;
}

static db_status p_bind_int(void *stmt, int i, int64_t v)
{
    char text[24];
    int n = snprintf(text, sizeof text, "%lld", (long long)v);
    return put_value(stmt, i, text, (size_t)n, 0);
}

static db_status p_bind_text(void *stmt, int i, const char *v, size_t n)
{
    /* text format ends at a NUL: refuse what the server would cut short */
    if (memchr(v, '\0', n)) {
        set_err(((pg_stmt *)stmt)->c, "text with a NUL byte cannot be stored in PostgreSQL");
        return DB_ERR;
    }
    return put_value(stmt, i, v, n, 0);
}

static db_status p_bind_blob(void *stmt, int i, const void *v, size_t n)
{
    return put_value(stmt, i, v, n, 1);
}

static db_status p_bind_null(void *stmt, int i)
{
    pg_stmt *st = stmt;
    if (i < 1 || i > st->n_params) {
        set_err(st->c, "parameter number out of range");
        return DB_ERR;
    }
    mem_free(st->values[i - 1]);
    st->values[i - 1] = NULL;
    st->formats[i - 1] = 0;
    return DB_OK;
}

static int p_param_count(void *stmt)
{
    return ((pg_stmt *)stmt)->n_params;
}

/* Counts the rows an INSERT, UPDATE, DELETE or MERGE touched. */
static void note_command(pg_conn *c, const PGresult *r)
{
    const char *tag = PQcmdStatus((PGresult *)r);
    if (strncmp(tag, "INSERT", 6) == 0 || strncmp(tag, "UPDATE", 6) == 0 ||
        strncmp(tag, "DELETE", 6) == 0 || strncmp(tag, "MERGE", 5) == 0) {
        c->changes = strtoll(PQcmdTuples((PGresult *)r), NULL, 10);
        if (tag[0] == 'I')
            c->inserted = true;
    }
}

static db_status p_step(void *stmt)
{
    pg_stmt *st = stmt;
    pg_conn *c = st->c;
    if (!st->ran) {
        if (!ensure_connected(c))
            return DB_IOERR;
        if (st->gen != c->gen) { /* the session was reset since */
            db_status s = prepare_now(st);
            if (s != DB_OK)
                return s;
        }
        PGresult *r = PQexecPrepared(c->h, st->name, st->n_params, (const char *const *)st->values,
                                     st->lengths, st->formats, 0);
        db_status s = result_status(c, r);
        if (s != DB_OK) {
            PQclear(r);
            return s;
        }
        note_command(c, r);
        st->res = r;
        st->ran = true;
        st->row = -1;
        st->n_rows = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : 0;
    }
    if (st->row < st->n_rows)
        st->row++;
    return st->row < st->n_rows ? DB_ROW : DB_DONE;
}

/* The current row's value of col, NULL for SQL NULL or no row. */
static const char *value(pg_stmt *st, int col)
{
    if (!st->res || st->row < 0 || st->row >= st->n_rows || col < 0 || col >= PQnfields(st->res))
        return NULL;
    if (PQgetisnull(st->res, st->row, col))
        return NULL;
    return PQgetvalue(st->res, st->row, col);
}

static bool is_bool(pg_stmt *st, int col)
{
    return PQftype(st->res, col) == PG_BOOLOID;
}

static int64_t p_col_int(void *stmt, int col)
{
    pg_stmt *st = stmt;
    const char *v = value(st, col);
    if (!v)
        return 0;
    if (is_bool(st, col)) /* 't' or 'f': a naive strtoll would read both as 0 */
        return v[0] == 't';
    return strtoll(v, NULL, 10); /* "12.75" (numeric) reads 12, as SQLite's cast does */
}

static const char *p_col_text(void *stmt, int col)
{
    pg_stmt *st = stmt;
    const char *v = value(st, col);
    if (v && is_bool(st, col))
        return v[0] == 't' ? "1" : "0"; /* as SQLite gives a comparison's value */
    return v;
}

static double p_col_double(void *stmt, int col)
{
    pg_stmt *st = stmt;
    const char *v = value(st, col);
    if (!v)
        return 0;
    if (is_bool(st, col))
        return v[0] == 't';
    return strtod(v, NULL);
}

static const void *p_col_blob(void *stmt, int col, size_t *n)
{
    pg_stmt *st = stmt;
    *n = 0;
    const char *v = value(st, col);
    if (!v)
        return NULL;
    if (PQftype(st->res, col) != PG_BYTEAOID) { /* text read as bytes */
        *n = (size_t)PQgetlength(st->res, st->row, col);
        return v;
    }
    if (st->blob)
        PQfreemem(st->blob);
    st->blob = PQunescapeBytea((const unsigned char *)v, n);
    if (!st->blob)
        *n = 0;
    return st->blob;
}

static bool p_col_is_null(void *stmt, int col)
{
    pg_stmt *st = stmt;
    if (!st->res || st->row < 0 || st->row >= st->n_rows)
        return true;
    return PQgetisnull(st->res, st->row, col) != 0;
}

static int p_col_count(void *stmt)
{
    pg_stmt *st = stmt;
    return st->res ? PQnfields(st->res) : 0;
}

static void p_reset(void *stmt)
{
    pg_stmt *st = stmt;
    clear_result(st);
    clear_values(st);
}

static bool p_busy(void *stmt)
{
    return ((pg_stmt *)stmt)->ran;
}

static bool p_tx_active(void *conn)
{
    pg_conn *c = conn;
    PGTransactionStatusType t = PQtransactionStatus(c->h);
    /* INERROR: a statement failed and the server dropped the rest of the
     * transaction; only a ROLLBACK is left, as after SQLite's own */
    return t == PQTRANS_INTRANS || t == PQTRANS_ACTIVE;
}

static int64_t p_changes(void *conn)
{
    return ((pg_conn *)conn)->changes;
}

static int64_t p_last_id(void *conn)
{
    pg_conn *c = conn;
    if (!c->inserted)
        return c->last_id;
    /* lastval() fails when no sequence was used in this session; inside a
     * transaction that failure would abort it, so a savepoint keeps it
     * apart (one round trip: the three go as one simple query) */
    bool in_tx = PQtransactionStatus(c->h) == PQTRANS_INTRANS;
    if (!PQsendQuery(c->h, in_tx ? "SAVEPOINT scan_lastval; SELECT lastval();"
                                   " RELEASE SAVEPOINT scan_lastval"
                                 : "SELECT lastval()")) {
        set_err(c, PQerrorMessage(c->h));
        return 0;
    }
    int64_t id = 0;
    bool failed = false;
    PGresult *r;
    while ((r = PQgetResult(c->h))) {
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
            id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        else if (PQresultStatus(r) == PGRES_FATAL_ERROR)
            failed = true;
        PQclear(r);
    }
    if (failed && in_tx)
        run_simple(c, "ROLLBACK TO SAVEPOINT scan_lastval; RELEASE SAVEPOINT scan_lastval");
    if (!failed) {
        c->last_id = id;
        c->inserted = false;
    }
    return failed ? 0 : id;
}

static db_status p_exec(void *conn, const char *sql)
{
    pg_conn *c = conn;
    PGTransactionStatusType t = PQtransactionStatus(c->h);
    /* as db_sqlite.c: a ROLLBACK with nothing open (the server ended it) */
    if (strcmp(sql, "ROLLBACK") == 0 && t == PQTRANS_IDLE)
        return DB_OK;
    if (!ensure_connected(c))
        return DB_IOERR;
    PGresult *r = PQexec(c->h, sql);
    db_status st = result_status(c, r);
    /* COMMIT of an aborted transaction answers "ROLLBACK", not an error */
    if (st == DB_OK && strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
        set_err(c, "the transaction was aborted by an earlier failure and rolled back");
        st = DB_ERR;
    }
    PQclear(r);
    return st;
}

static const char *p_errmsg(void *conn)
{
    pg_conn *c = conn;
    return c->err[0] ? c->err : PQerrorMessage(c->h);
}

/* Appends one line per row of a one-column query (each row is a problem). */
static db_status check_rows(pg_conn *c, const char *sql, const char *what, buf *report,
                            int *problems)
{
    PGresult *r = PQexec(c->h, sql);
    db_status st = result_status(c, r);
    if (st == DB_OK) {
        for (int i = 0; i < PQntuples(r); i++) {
            buf_printf(report, "%s %s\n", what, PQgetvalue(r, i, 0));
            (*problems)++;
        }
    }
    PQclear(r);
    return st;
}

/* What can be checked cheaply: the server answers, no index was left
 * invalid (a failed CREATE INDEX CONCURRENTLY), no constraint is left
 * unvalidated (NOT VALID). Pages and foreign keys the server keeps itself;
 * deeper checks are pg_amcheck's. */
static db_status p_check(void *conn, buf *report)
{
    pg_conn *c = conn;
    int problems = 0;
    if (!ensure_connected(c))
        return DB_IOERR;
    db_status st = check_rows(c,
                              "SELECT indexrelid::regclass::text FROM pg_index"
                              " WHERE NOT indisvalid OR NOT indisready ORDER BY 1",
                              "invalid index", report, &problems);
    if (st == DB_OK)
        st = check_rows(c,
                        "SELECT conrelid::regclass::text || ' ' || conname FROM pg_constraint"
                        " WHERE NOT convalidated ORDER BY 1",
                        "unvalidated constraint", report, &problems);
    if (st == DB_OK && problems)
        st = DB_ERR;
    return st;
}

static db_status p_backup(void *conn, const char *path)
{
    (void)path;
    set_err(conn, "scan db backup copies SQLite databases; for PostgreSQL use pg_dump"
                  " (pg_dump -Fc -f FILE URL) or the server's point-in-time recovery"
                  " (docs/OPERATIONS.md)");
    return DB_ERR;
}

static const char *p_version(void)
{
    return g_version;
}

const struct db_driver db_pg_driver = {
    .name = "postgresql",
    /* SERIALIZABLE with tx_write's retry rather than row locks: the model's
     * writes stay as they are (see the file comment) */
    .begin_write = "BEGIN ISOLATION LEVEL SERIALIZABLE",
    .begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
    /* LOCK TABLE takes no snapshot (PostgreSQL's LOCK documentation: the
     * way to wait for a lock in SERIALIZABLE before the first query) */
    .write_lock = {"LOCK TABLE app_meta IN SHARE ROW EXCLUSIVE MODE", /* DB_LOCK_RETRY */
                   "LOCK TABLE login_failure IN SHARE ROW EXCLUSIVE MODE",
                   "LOCK TABLE event_registration IN SHARE ROW EXCLUSIVE MODE"},
    .full_disk_care = NULL,
    .secondary_indexes =
        "SELECT i.relname::text, pg_get_indexdef(x.indexrelid) FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
        " WHERE t.relname = $1 AND t.relnamespace = to_regnamespace(current_schema())"
        " AND NOT x.indisunique ORDER BY x.indexrelid",
    .global_init = p_global_init,
    .open = p_open,
    .close = p_close,
    .prepare = p_prepare,
    .finalize = p_finalize,
    .bind_int = p_bind_int,
    .bind_text = p_bind_text,
    .bind_blob = p_bind_blob,
    .bind_null = p_bind_null,
    .param_count = p_param_count,
    .step = p_step,
    .col_int = p_col_int,
    .col_text = p_col_text,
    .col_double = p_col_double,
    .col_blob = p_col_blob,
    .col_is_null = p_col_is_null,
    .col_count = p_col_count,
    .reset = p_reset,
    .busy = p_busy,
    .tx_active = p_tx_active,
    .changes = p_changes,
    .last_id = p_last_id,
    .exec = p_exec,
    .errmsg = p_errmsg,
    .check = p_check,
    .backup = p_backup,
    .version = p_version,
};
