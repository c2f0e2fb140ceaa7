/* db_sqlite.c: the SQLite backend of db.h.
 *
 * Each connection runs in WAL mode with foreign keys on, a busy timeout, and
 * synchronous=FULL unless told otherwise: with WAL, FULL syncs the log on
 * every commit, so a write the server acknowledged survives a power loss,
 * not only a process crash. $n placeholders are rewritten to ?n, which
 * SQLite reads as numbered parameters. The only file that names sqlite3_*
 * apart from search.c's FTS5 SQL text. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/mem.h"
#include "core/timeutil.h"
#include "db/db_driver.h"

static bool s_in_rollback_mode(sqlite3 *h);

static db_status map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
        return DB_OK;
    case SQLITE_ROW:
        return DB_ROW;
    case SQLITE_DONE:
        return DB_DONE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return DB_BUSY;
    case SQLITE_FULL:
        return DB_FULL;
    case SQLITE_IOERR:
        return DB_IOERR;
    case SQLITE_CONSTRAINT:
        return DB_CONSTRAINT;
    case SQLITE_NOMEM:
        return DB_NOMEM;
    case SQLITE_READONLY:
        return DB_READONLY;
    default:
        return DB_ERR;
    }
}

/* --- writeback during a bulk commit ----------------------------------------------------
 *
 * A bulk writer's COMMIT writes every page it made (650 MB for 100,000
 * entries) and then syncs the file; the kernel starts writing those pages
 * to the disk only when asked, so the sync waited for all of them: 0.20-
 * 0.25 s of the import's commit, on top of the writes (strace -T). While
 * such a COMMIT runs, a thread asks the kernel every 10 ms to start
 * writing what has reached the file so far (sync_file_range(2) with
 * SYNC_FILE_RANGE_WRITE: a hint that waits for nothing and promises
 * nothing), so the disk works while SQLite still writes, and the final
 * sync found 1-4 ms left (bench/RESULTS.md). Durability still comes from
 * SQLite's own sync. The descriptor is SQLite's own, found by the file's
 * device and inode (sqlite_fd): writeback is per file, and a descriptor
 * of our own could not be closed safely, since closing any descriptor of
 * a file drops every POSIX lock the process holds on it, SQLite's
 * included; one closed inside a transaction (a write ahead, a COMMIT that
 * failed and left it open) left the file unlocked under the writer.
 * SQLite keeps its descriptor open while the connection is in a
 * transaction. Only the connection that holds the file in rollback mode
 * (s_open) does this; a second bulk writer of another file replaces the
 * first here, which then commits as any connection does. */

static sqlite3 *_Atomic g_bulk_conn;    /* the bulk writer in rollback mode, if any */
static atomic_ulong g_writeback_nudges; /* requests made (db_writeback_nudges): a hint
                                         * that fails (a file system without
                                         * writeback) changes nothing */

typedef struct nudger {
    pthread_t th;
    int fd;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* signalled by nudge_stop; waits on CLOCK_MONOTONIC */
    bool stop;
} nudger;

/* One request at once, then one every 10 ms until told to stop: even a
 * COMMIT shorter than a tick asks once (test_db counts on it). */
static void *nudge_main(void *arg)
{
    nudger *n = arg;
    for (bool done = false; !done;) {
        (void)sync_file_range(n->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
        atomic_fetch_add(&g_writeback_nudges, 1);
        struct timespec until = time_mono_after_ms(10);
        pthread_mutex_lock(&n->mu);
        while (!n->stop && pthread_cond_timedwait(&n->cv, &n->mu, &until) == 0)
            ;
        done = n->stop;
        pthread_mutex_unlock(&n->mu);
    }
    return NULL;
}

/* A descriptor SQLite holds on h's main file, -1 if none is found. */
static int sqlite_fd(sqlite3 *h)
{
    const char *path = sqlite3_db_filename(h, "main");
    struct stat want, st;
    if (!path || !*path || stat(path, &want) != 0)
        return -1;
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        return -1;
    int found = -1;
    struct dirent *e;
    while (found < 0 && (e = readdir(dir))) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (end == e->d_name || *end || fd == dirfd(dir) || fd < 0 || fd > INT_MAX)
            continue;
        if (fstat((int)fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == want.st_dev &&
            st.st_ino == want.st_ino)
            found = (int)fd;
    }
    closedir(dir);
    return found;
}

/* False when it could not start: the COMMIT runs without it. */
static bool nudge_start(nudger *n, sqlite3 *h)
{
    if ((n->fd = sqlite_fd(h)) < 0)
        return false;
    n->stop = false;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&n->mu, NULL);
    pthread_cond_init(&n->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&n->th, NULL, nudge_main, n) != 0) {
        pthread_cond_destroy(&n->cv);
        pthread_mutex_destroy(&n->mu);
        return false;
    }
    return true;
}

static void nudge_stop(nudger *n)
{
    pthread_mutex_lock(&n->mu);
    n->stop = true;
    pthread_cond_signal(&n->cv);
    pthread_mutex_unlock(&n->mu);
    pthread_join(n->th, NULL);
    pthread_cond_destroy(&n->cv);
    pthread_mutex_destroy(&n->mu); /* n->fd is SQLite's: never closed here */
}

unsigned long db_writeback_nudges(void)
{
    return atomic_load(&g_writeback_nudges);
}

/* --- a bulk commit: consecutive page writes as one ------------------------------------
 *
 * A bulk writer's COMMIT (rollback mode, s_exec) writes its pages in page
 * order, one pwrite(2) per 4 KiB page: 160,000 calls for an import of
 * 100,000 entries, and for each the kernel sets up one small page-cache
 * folio (621 MB took 0.40-0.48 s on this machine's ext4 in 4 KiB writes
 * and 0.13-0.16 s in 64-256 KiB writes, which get large folios:
 * bench/RESULTS.md). So the default VFS is wrapped ("scan", registered as
 * the default by s_global_init), and while such a COMMIT, or a write
 * ahead of one (db_write_ahead), runs (bulk_write) a write to its database
 * file that continues the previous one joins it in a buffer of
 * GATHER_MAX bytes, written out when a write does not continue it, the
 * buffer is full, or any other method is called (read,
 * sync, size, truncate, locks, shared memory, mapping, file controls,
 * close): nothing reads the file, sees its size or syncs it without what
 * is gathered.
 *
 * A failed write-out keeps the buffer and is tried again by the next
 * call, which reports the error too; so even when SQLite ignores a call's
 * result (file-control hints) the error reaches the COMMIT's sync, and the
 * transaction fails and rolls back as on any failed write. Only unlocking
 * and closing drop a buffer they cannot write: SQLite gives a file up only
 * after its sync succeeded (then nothing is gathered) or failed (then the
 * journal undoes the transaction); a write ahead's last run, written out
 * after SQLite's flush returned, fails the write ahead, which rolls back.
 * Outside these every write goes straight to the file: a WAL checkpoint
 * may mark pages copied without a sync it could fail (it ignores the
 * result of the file control that ends its writes), so it must see a
 * failed write at the write. Journals,
 * logs and temporary files are the default VFS's own files, not wrapped.
 * Without memory for the buffer the writes go one by one. */
#define GATHER_MAX (64 * 1024) /* the unix VFS writes at most 128 KiB - 1 bytes a call */

typedef struct gfile {
    sqlite3_file base;   /* pMethods: gather_io */
    bool gather;         /* in a bulk COMMIT or write ahead (bulk_write) */
    unsigned char *run;  /* gathered bytes, NULL until the first write */
    sqlite3_int64 at;    /* their offset in the file */
    size_t len;          /* how many */
    sqlite3_file real[]; /* the default VFS's file (szOsFile bytes) */
} gfile;

static sqlite3_vfs g_scan_vfs;
static atomic_ulong g_file_runs, g_file_pages; /* db_file_writes */

/* Writes out what is gathered; on failure keeps it for the next call. */
static int gf_flush(gfile *f)
{
    if (f->len == 0)
        return SQLITE_OK;
    int rc = f->real->pMethods->xWrite(f->real, f->run, (int)f->len, f->at);
    if (rc == SQLITE_OK) {
        f->len = 0;
        atomic_fetch_add(&g_file_runs, 1);
    }
    return rc;
}

#define GF(p) ((gfile *)(p))
/* the method m of the real file, after writing out what is gathered */
#define GF_PASS(p, m, ...)                                                                         \
    do {                                                                                           \
        int rc_ = gf_flush(GF(p));                                                                 \
        return rc_ != SQLITE_OK ? rc_ : GF(p)->real->pMethods->m(GF(p)->real, __VA_ARGS__);        \
    } while (0)

static int gf_write(sqlite3_file *p, const void *data, int amt, sqlite3_int64 off)
{
    gfile *f = GF(p);
    if (!f->gather) {
        int rc = gf_flush(f);
        return rc != SQLITE_OK ? rc : f->real->pMethods->xWrite(f->real, data, amt, off);
    }
    atomic_fetch_add(&g_file_pages, 1);
    if (f->len && off == f->at + (sqlite3_int64)f->len && f->len + (size_t)amt <= GATHER_MAX) {
        memcpy(f->run + f->len, data, (size_t)amt);
        f->len += (size_t)amt;
        return SQLITE_OK;
    }
    int rc = gf_flush(f);
    if (rc != SQLITE_OK)
        return rc;
    if (!f->run && amt > 0 && (size_t)amt < GATHER_MAX)
        f->run = mem_malloc(GATHER_MAX);
    if (!f->run || amt <= 0 || (size_t)amt >= GATHER_MAX)
        return f->real->pMethods->xWrite(f->real, data, amt, off);
    memcpy(f->run, data, (size_t)amt);
    f->at = off;
    f->len = (size_t)amt;
    return SQLITE_OK;
}

static int gf_close(sqlite3_file *p)
{
    gfile *f = GF(p);
    (void)gf_flush(f); /* what cannot be written is given up (see above) */
    int rc = f->real->pMethods->xClose(f->real);
    mem_free(f->run);
    f->run = NULL;
    f->len = 0;
    return rc;
}

static int gf_read(sqlite3_file *p, void *d, int n, sqlite3_int64 o)
{
    GF_PASS(p, xRead, d, n, o);
}
static int gf_truncate(sqlite3_file *p, sqlite3_int64 n)
{
    GF_PASS(p, xTruncate, n);
}
static int gf_sync(sqlite3_file *p, int flags)
{
    GF_PASS(p, xSync, flags);
}
static int gf_size(sqlite3_file *p, sqlite3_int64 *n)
{
    GF_PASS(p, xFileSize, n);
}
static int gf_lock(sqlite3_file *p, int l)
{
    GF_PASS(p, xLock, l);
}
static int gf_unlock(sqlite3_file *p, int l)
{
    if (gf_flush(GF(p)) != SQLITE_OK)
        GF(p)->len = 0; /* given up (see above): the lock goes all the same */
    return GF(p)->real->pMethods->xUnlock(GF(p)->real, l);
}
static int gf_reserved(sqlite3_file *p, int *r)
{
    GF_PASS(p, xCheckReservedLock, r);
}
static int gf_fcntl(sqlite3_file *p, int op, void *a)
{
    GF_PASS(p, xFileControl, op, a);
}
static int gf_shm_map(sqlite3_file *p, int i, int sz, int ext, void volatile **out)
{
    GF_PASS(p, xShmMap, i, sz, ext, out);
}
static int gf_shm_lock(sqlite3_file *p, int off, int n, int flags)
{
    GF_PASS(p, xShmLock, off, n, flags);
}
static int gf_shm_unmap(sqlite3_file *p, int del)
{
    GF_PASS(p, xShmUnmap, del);
}
static int gf_fetch(sqlite3_file *p, sqlite3_int64 off, int n, void **out)
{
    GF_PASS(p, xFetch, off, n, out);
}
static int gf_unfetch(sqlite3_file *p, sqlite3_int64 off, void *q)
{
    return GF(p)->real->pMethods->xUnfetch(GF(p)->real, off, q);
}
static int gf_sector(sqlite3_file *p)
{
    return GF(p)->real->pMethods->xSectorSize(GF(p)->real);
}
static int gf_device(sqlite3_file *p)
{
    return GF(p)->real->pMethods->xDeviceCharacteristics(GF(p)->real);
}
static void gf_shm_barrier(sqlite3_file *p)
{
    (void)gf_flush(GF(p)); /* the barrier orders memory; its errors have nowhere to go */
    GF(p)->real->pMethods->xShmBarrier(GF(p)->real);
}

static const sqlite3_io_methods gather_io = {
    3,           gf_close,       gf_read,      gf_write, gf_truncate, gf_sync,   gf_size,
    gf_lock,     gf_unlock,      gf_reserved,  gf_fcntl, gf_sector,   gf_device, gf_shm_map,
    gf_shm_lock, gf_shm_barrier, gf_shm_unmap, gf_fetch, gf_unfetch,
};

static int gather_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *p, int flags,
                       int *out_flags)
{
    sqlite3_vfs *real = vfs->pAppData;
    if (!(flags & SQLITE_OPEN_MAIN_DB)) /* journals, logs, temporary files */
        return real->xOpen(real, name, p, flags, out_flags);
    gfile *f = GF(p);
    memset(f, 0, sizeof *f);
    int rc = real->xOpen(real, name, f->real, flags, out_flags);
    if (!f->real->pMethods) /* never opened: SQLite closes only files with methods */
        return rc;
    if (f->real->pMethods->iVersion >= 3) {
        f->base.pMethods = &gather_io;
        return rc;
    }
    /* methods older than the unix VFS's: that file, unwrapped */
    f->real->pMethods->xClose(f->real);
    return real->xOpen(real, name, p, flags, out_flags);
}

/* Turns gathering on for h's database file (bulk_write); NULL when the
 * file is not one of ours. */
static gfile *gather_begin(sqlite3 *h)
{
    sqlite3_file *p = NULL;
    if (sqlite3_file_control(h, "main", SQLITE_FCNTL_FILE_POINTER, &p) != SQLITE_OK || !p ||
        p->pMethods != &gather_io)
        return NULL;
    GF(p)->gather = true;
    return GF(p);
}

/* Turns it off, writing out the last run; one that cannot be written is
 * dropped and its error returned (the caller fails: see bulk_write). */
static int gather_end(gfile *f)
{
    int rc = gf_flush(f);
    if (rc != SQLITE_OK)
        f->len = 0;
    f->gather = false;
    return rc;
}

/* The VFS's other methods: the default VFS's, given its own object. */
#define GV_REAL(v) ((sqlite3_vfs *)(v)->pAppData)
static int gv_delete(sqlite3_vfs *v, const char *name, int sync)
{
    return GV_REAL(v)->xDelete(GV_REAL(v), name, sync);
}
static int gv_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    return GV_REAL(v)->xAccess(GV_REAL(v), name, flags, out);
}
static int gv_full(sqlite3_vfs *v, const char *name, int n, char *out)
{
    return GV_REAL(v)->xFullPathname(GV_REAL(v), name, n, out);
}
static void *gv_dlopen(sqlite3_vfs *v, const char *name)
{
    return GV_REAL(v)->xDlOpen(GV_REAL(v), name);
}
static void gv_dlerror(sqlite3_vfs *v, int n, char *out)
{
    GV_REAL(v)->xDlError(GV_REAL(v), n, out);
}
static void (*gv_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
    return GV_REAL(v)->xDlSym(GV_REAL(v), h, sym);
}
static void gv_dlclose(sqlite3_vfs *v, void *h)
{
    GV_REAL(v)->xDlClose(GV_REAL(v), h);
}
static int gv_random(sqlite3_vfs *v, int n, char *out)
{
    return GV_REAL(v)->xRandomness(GV_REAL(v), n, out);
}
static int gv_sleep(sqlite3_vfs *v, int us)
{
    return GV_REAL(v)->xSleep(GV_REAL(v), us);
}
static int gv_time(sqlite3_vfs *v, double *out)
{
    return GV_REAL(v)->xCurrentTime(GV_REAL(v), out);
}
static int gv_last_error(sqlite3_vfs *v, int n, char *out)
{
    return GV_REAL(v)->xGetLastError(GV_REAL(v), n, out);
}
static int gv_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    return GV_REAL(v)->xCurrentTimeInt64(GV_REAL(v), out);
}

/* Registers "scan" as the default VFS over the one SQLite had (once, from
 * s_global_init); without it (no default VFS of version 2 or later, or a
 * failure) files are written page by page as before. */
static void gather_vfs_register(void)
{
    sqlite3_vfs *real = sqlite3_vfs_find(NULL);
    /* db_global_init may run more than once (tests): wrap only SQLite's */
    if (!real || real == &g_scan_vfs || real->iVersion < 2 || !real->xCurrentTimeInt64)
        return;
    g_scan_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(gfile) + real->szOsFile,
        .mxPathname = real->mxPathname,
        .zName = "scan",
        .pAppData = real,
        .xOpen = gather_open,
        .xDelete = gv_delete,
        .xAccess = gv_access,
        .xFullPathname = gv_full,
        .xDlOpen = gv_dlopen,
        .xDlError = gv_dlerror,
        .xDlSym = gv_dlsym,
        .xDlClose = gv_dlclose,
        .xRandomness = gv_random,
        .xSleep = gv_sleep,
        .xCurrentTime = gv_time,
        .xGetLastError = gv_last_error,
        .xCurrentTimeInt64 = gv_time64,
    };
    (void)sqlite3_vfs_register(&g_scan_vfs, 1);
}

void db_file_writes(unsigned long *pages, unsigned long *runs)
{
    *pages = atomic_load(&g_file_pages);
    *runs = atomic_load(&g_file_runs);
}

/* The bulk writer h's COMMIT or write ahead (op): its page writes
 * gathered, and the nudger asking the disk to start on them as they come.
 * op's result, or, when op succeeded or was only busy, the failure to
 * write out the last gathered run: SQLite counts a page written once it
 * was handed over, so that run is lost, and the caller must not let the
 * transaction commit (s_write_ahead rolls it back; a COMMIT whose last
 * run failed has failed at its sync already). */
static int bulk_write(sqlite3 *h, int (*op)(sqlite3 *h))
{
    nudger n;
    bool nudging = nudge_start(&n, h);
    gfile *f = gather_begin(h);
    int rc = op(h);
    int last = f ? gather_end(f) : SQLITE_OK;
    if (last != SQLITE_OK && (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY))
        rc = last;
    if (nudging)
        nudge_stop(&n);
    return rc;
}

/* Whether h's writes go through bulk_write: h is the bulk writer and the
 * file is still in rollback mode. Another process may have put the file
 * back in WAL mode between two of its transactions (every s_open asks
 * for it, and nothing holds a lock then); the writer then follows the
 * file into the log, and its COMMIT may end with a checkpoint, whose
 * writes to the database file must not be gathered (see gfile): a
 * checkpoint that failed on a full disk, its pages' run kept, made a
 * COMMIT already safe in the log report the disk full. */
static bool bulk_gathers(sqlite3 *h)
{
    return h == atomic_load(&g_bulk_conn) && s_in_rollback_mode(h);
}

static int op_commit(sqlite3 *h)
{
    return sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
}

static int op_cacheflush(sqlite3 *h)
{
    return sqlite3_db_cacheflush(h);
}

/* The pages so far, into the file (db_write_ahead); the bulk writer's
 * gathered as at its COMMIT (SQLite flushes its cache in page order):
 * 350 MB of an import took 0.36-0.48 s page by page. On any failure the
 * transaction is rolled back here, and the caller's rollback finds it
 * ended. */
static db_status s_write_ahead(void *conn)
{
    int rc = bulk_gathers(conn) ? bulk_write(conn, op_cacheflush) : sqlite3_db_cacheflush(conn);
    if ((rc & 0xff) == SQLITE_BUSY)
        return DB_OK; /* a reader kept a page from the file: the commit writes it */
    if (rc != SQLITE_OK && !sqlite3_get_autocommit(conn))
        (void)sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);
    return map_rc(rc);
}

/* The first column of sql's first row, -1 without one. */
static int64_t pragma_int(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* db_room: the pages the transaction counts, against the file's size and
 * the free space of its file system (its journal holds only pages the
 * file had, a few for a load past its end: not counted). */
static db_status s_room(void *conn)
{
    sqlite3 *h = conn;
    const char *path = sqlite3_db_filename(h, "main");
    int64_t bytes =
        pragma_int(h, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size");
    struct stat sb;
    struct statvfs vf;
    if (!path || !*path || bytes < 0 || stat(path, &sb) != 0 || statvfs(path, &vf) != 0)
        return DB_OK; /* cannot tell: the writes will */
    int64_t grow = bytes - (int64_t)sb.st_size;
    return grow > 0 && (uint64_t)grow > (uint64_t)vf.f_bavail * vf.f_frsize ? DB_FULL : DB_OK;
}

static db_status s_exec(void *conn, const char *sql)
{
    if (strcmp(sql, "COMMIT") == 0 && bulk_gathers(conn))
        return map_rc(bulk_write(conn, op_commit));
    /* A COMMIT that failed on a full disk or an I/O error has already rolled
     * back: a second ROLLBACK would only replace the cause in the error
     * message with "cannot rollback - no transaction is active". */
    if (strcmp(sql, "ROLLBACK") == 0 && sqlite3_get_autocommit(conn))
        return DB_OK;
    return map_rc(sqlite3_exec(conn, sql, NULL, NULL, NULL));
}

/* SQLite allocates through mem_* like the rest of the program, so fault
 * injection (mem_fail_after) reaches inside the database engine too, as
 * SQLite's own tests do. SQLite needs each block's size back (xSize), so
 * every block carries it in an 8-byte header; that also keeps the 8-byte
 * alignment SQLite requires. */
#define S_MEM_HDR 8

static void *s_mem_malloc(int n)
{
    if (n <= 0)
        return NULL;
    unsigned char *p = mem_malloc((size_t)n + S_MEM_HDR);
    if (!p)
        return NULL;
    memcpy(p, &(sqlite3_uint64){(sqlite3_uint64)n}, sizeof(sqlite3_uint64));
    return p + S_MEM_HDR;
}

static void s_mem_free(void *p)
{
    if (p)
        mem_free((unsigned char *)p - S_MEM_HDR);
}

static int s_mem_size(void *p)
{
    if (!p)
        return 0;
    sqlite3_uint64 n;
    memcpy(&n, (unsigned char *)p - S_MEM_HDR, sizeof n);
    return (int)n;
}

static void *s_mem_realloc(void *p, int n)
{
    if (n <= 0)
        return NULL;
    unsigned char *q = mem_realloc((unsigned char *)p - S_MEM_HDR, (size_t)n + S_MEM_HDR);
    if (!q)
        return NULL;
    memcpy(q, &(sqlite3_uint64){(sqlite3_uint64)n}, sizeof(sqlite3_uint64));
    return q + S_MEM_HDR;
}

static int s_mem_roundup(int n)
{
    return (n + 7) & ~7;
}

static int s_mem_init(void *unused)
{
    (void)unused;
    return SQLITE_OK;
}

static void s_mem_shutdown(void *unused)
{
    (void)unused;
}

/* Process-wide SQLite settings, before any connection: our allocator (see
 * above), and no memory statistics, whose global mutex every allocation
 * would take (it showed as futex contention between workers in the
 * profile). */
static void s_global_init(void)
{
    static const sqlite3_mem_methods methods = {
        s_mem_malloc,  s_mem_free, s_mem_realloc,  s_mem_size,
        s_mem_roundup, s_mem_init, s_mem_shutdown, NULL,
    };
    sqlite3_config(SQLITE_CONFIG_MALLOC, &methods);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    /* file: names are URIs, whatever the library's compile-time default
     * (Debian's is on, upstream's off): a bulk write's search builders
     * open and attach "file:...?mode=memory&cache=shared"; read as a
     * plain name, that was a file of that name in the working folder */
    sqlite3_config(SQLITE_CONFIG_URI, 1);
    gather_vfs_register();
}

static db_status s_open(const char *path, const db_options *o, void **conn, buf *err)
{
    sqlite3 *h = NULL;
    int flags = o->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (o->create && !o->read_only)
        flags |= SQLITE_OPEN_CREATE;
    flags |= SQLITE_OPEN_NOMUTEX; /* one thread per connection */
    int rc = sqlite3_open_v2(path, &h, flags, NULL);
    if (rc != SQLITE_OK) {
        buf_printf(err, "cannot open database %s: %s", path,
                   h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return map_rc(rc);
    }
    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, o->busy_timeout_ms > 0 ? o->busy_timeout_ms : 5000);
    /* 32 MiB page cache and 256 MiB of memory-mapped reads per connection:
     * at 100,000 entries the default 2 MiB cache turned searches into
     * read(2) calls (a quarter of their time in the profile) */
    const char *pragmas =
        o->synchronous_normal
            ? "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768;"
              " PRAGMA mmap_size=268435456;"
            : "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA cache_size=-32768;"
              " PRAGMA mmap_size=268435456;";
    rc = sqlite3_exec(h, pragmas, NULL, NULL, NULL);
    /* A bulk writer keeps every page it touches (2 GiB at most; 100,000
     * entries touch 630 MB, which spilled out of the 512 MiB it had) and
     * those of its temporary tables (the pending search documents, 120 MB,
     * when no helper builds them) in memory rather than writing them to a
     * file and reading them back. Temporary storage stays "file", which
     * under this cache never touches a file: with "memory" the sorter of
     * CREATE INDEX allocated each of its records on its own, and the
     * import's twelve CREATE INDEX took 9% more instructions (callgrind,
     * 10,000 entries). */
    if (rc == SQLITE_OK && o->bulk)
        rc = sqlite3_exec(h, "PRAGMA cache_size=-2097152; PRAGMA temp.cache_size=-2097152;", NULL,
                          NULL, NULL);
    if (rc == SQLITE_OK && !o->read_only) {
        rc = sqlite3_exec(h, "PRAGMA journal_mode=WAL;", NULL, NULL, NULL);
        /* refused only while a bulk writer (below) has the file in rollback
         * mode and a transaction open: this connection reads meanwhile and
         * moves to the log by itself once the writer has put it back */
        if ((rc & 0xff) == SQLITE_BUSY)
            rc = SQLITE_OK;
    }
    /* A bulk writer that has the file to itself writes it with a rollback
     * journal: the pages it adds at the end of the file are written once,
     * where the log writes each twice (log, then checkpoint) and reads it
     * back: 461,462 pwrite and 153,737 pread calls for 100,000 entries
     * before, 153,852 and 21 after. SQLite refuses the switch at once
     * while any other connection has the file open (the server): then it
     * stays in WAL mode as before. s_close puts the file back in WAL mode,
     * and so does any later s_open if the process died first. */
    if (rc == SQLITE_OK && o->bulk && !o->read_only) {
        sqlite3_busy_timeout(h, 0);
        (void)sqlite3_exec(h, "PRAGMA journal_mode=DELETE;", NULL, NULL, NULL);
        if (s_in_rollback_mode(h))
            atomic_store(&g_bulk_conn, h);
        sqlite3_busy_timeout(h, o->busy_timeout_ms > 0 ? o->busy_timeout_ms : 5000);
    }
    if (rc == SQLITE_OK) /* touch the schema now so a non-database file fails here */
        rc = sqlite3_exec(h, "SELECT count(*) FROM sqlite_schema;", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        buf_printf(err, "cannot use database %s: %s", path, sqlite3_errmsg(h));
        sqlite3_close(h);
        return map_rc(rc);
    }
    *conn = h;
    return DB_OK;
}

/* The file a writable connection writes (db_driver.h): SQLite names it
 * by its full path, "" for an in-memory or temporary database. */
static bool s_file_id(void *conn, uint64_t *dev, uint64_t *ino)
{
    sqlite3 *h = conn;
    const char *path = sqlite3_db_filename(h, "main");
    struct stat sb;
    if (!path || !*path || sqlite3_db_readonly(h, "main") != 0 || stat(path, &sb) != 0)
        return false;
    *dev = (uint64_t)sb.st_dev;
    *ino = (uint64_t)sb.st_ino;
    return true;
}

/* True when h writes with a rollback journal (a bulk writer, s_open). */
static bool s_in_rollback_mode(sqlite3 *h)
{
    sqlite3_stmt *s = NULL;
    bool yes = false;
    if (sqlite3_db_readonly(h, "main") == 0 &&
        sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        const unsigned char *mode = sqlite3_column_text(s, 0);
        yes = mode && strcmp((const char *)mode, "delete") == 0;
    }
    sqlite3_finalize(s);
    return yes;
}

static void s_close(void *conn)
{
    sqlite3 *expected = conn;
    atomic_compare_exchange_strong(&g_bulk_conn, &expected, NULL);
    /* a failure leaves it to the next s_open */
    if (s_in_rollback_mode(conn))
        (void)sqlite3_exec(conn, "PRAGMA journal_mode=WAL;", NULL, NULL, NULL);
    sqlite3_close(conn);
}

/* Rewrites $n placeholders (outside quoted text) to ?n. */
static char *rewrite_placeholders(const char *sql)
{
    size_t n = strlen(sql);
    char *out = mem_malloc(n + 1);
    if (!out)
        return NULL;
    char quote = 0;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        char c = sql[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '$' && i + 1 < n && sql[i + 1] >= '1' && sql[i + 1] <= '9') {
            c = '?';
        }
        out[j++] = c;
    }
    out[j] = '\0';
    return out;
}

static void *s_prepare(void *conn, const char *sql)
{
    char *text = rewrite_placeholders(sql);
    if (!text)
        return NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(conn, text, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    mem_free(text);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

static void s_finalize(void *st)
{
    sqlite3_finalize(st);
}

static db_status s_bind_int(void *st, int i, int64_t v)
{
    return map_rc(sqlite3_bind_int64(st, i, v));
}

static db_status s_bind_text(void *st, int i, const char *v, size_t n)
{
    return map_rc(sqlite3_bind_text64(st, i, v, n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

/* s_reset clears the bindings, so nothing outlives the caller's text. */
static db_status s_bind_text_static(void *st, int i, const char *v, size_t n)
{
    return map_rc(sqlite3_bind_text64(st, i, v, n, SQLITE_STATIC, SQLITE_UTF8));
}

static db_status s_bind_blob(void *st, int i, const void *v, size_t n)
{
    return map_rc(sqlite3_bind_blob64(st, i, v, n, SQLITE_TRANSIENT));
}

static db_status s_bind_null(void *st, int i)
{
    return map_rc(sqlite3_bind_null(st, i));
}

static int s_param_count(void *st)
{
    return sqlite3_bind_parameter_count(st);
}

static db_status s_step(void *st)
{
    return map_rc(sqlite3_step(st));
}

static int64_t s_col_int(void *st, int col)
{
    return sqlite3_column_int64(st, col);
}

static const char *s_col_text(void *st, int col)
{
    return (const char *)sqlite3_column_text(st, col);
}

static double s_col_double(void *st, int col)
{
    return sqlite3_column_double(st, col);
}

static const void *s_col_blob(void *st, int col, size_t *n)
{
    const void *p = sqlite3_column_blob(st, col);
    *n = (size_t)sqlite3_column_bytes(st, col);
    return p;
}

static bool s_col_is_null(void *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL;
}

static int s_col_count(void *st)
{
    return sqlite3_column_count(st);
}

static void s_reset(void *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static bool s_busy(void *st)
{
    return sqlite3_stmt_busy(st) != 0;
}

static bool s_writes(void *st)
{
    return sqlite3_stmt_readonly(st) == 0;
}

static bool s_tx_active(void *conn)
{
    return sqlite3_get_autocommit(conn) == 0;
}

static int64_t s_changes(void *conn)
{
    return sqlite3_changes64(conn);
}

static int64_t s_last_id(void *conn)
{
    return sqlite3_last_insert_rowid(conn);
}

static const char *s_errmsg(void *conn)
{
    return sqlite3_errmsg(conn);
}

/* Appends each row of a one-column check pragma except a lone "ok". */
static db_status run_check(sqlite3 *h, const char *sql, buf *report, int *problems)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return map_rc(rc);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int nc = sqlite3_column_count(st);
        const char *first = (const char *)sqlite3_column_text(st, 0);
        if (nc == 1 && first && strcmp(first, "ok") == 0)
            continue;
        (*problems)++;
        for (int c = 0; c < nc; c++) {
            const char *v = (const char *)sqlite3_column_text(st, c);
            buf_printf(report, "%s%s", c ? " " : "", v ? v : "NULL");
        }
        buf_putc(report, '\n');
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? DB_OK : map_rc(rc);
}

static db_status s_check(void *conn, buf *report)
{
    int problems = 0;
    db_status st = run_check(conn, "PRAGMA integrity_check", report, &problems);
    if (st == DB_OK)
        st = run_check(conn, "PRAGMA foreign_key_check", report, &problems);
    if (st == DB_OK && problems)
        st = DB_ERR;
    return st;
}

static db_status s_backup(void *conn, const char *path)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(conn, "VACUUM INTO ?1", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? DB_OK : map_rc(rc);
}

static const char *s_version(void)
{
    return "sqlite " SQLITE_VERSION;
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    /* IMMEDIATE: the write lock at BEGIN, so a transaction never fails half
     * way on a lock upgrade */
    .begin_write = "BEGIN IMMEDIATE",
    .begin_read = "BEGIN",
    /* the log keeps what it grew to: give the space back while it is short */
    .full_disk_care = "PRAGMA wal_checkpoint(TRUNCATE)",
    .secondary_indexes =
        "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = $1"
        " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %' ORDER BY rowid",
    .global_init = s_global_init,
    .open = s_open,
    .close = s_close,
    .file_id = s_file_id,
    .prepare = s_prepare,
    .finalize = s_finalize,
    .bind_int = s_bind_int,
    .param_count = s_param_count,
    .bind_text = s_bind_text,
    .bind_text_static = s_bind_text_static,
    .bind_blob = s_bind_blob,
    .bind_null = s_bind_null,
    .step = s_step,
    .col_int = s_col_int,
    .col_text = s_col_text,
    .col_double = s_col_double,
    .col_blob = s_col_blob,
    .col_is_null = s_col_is_null,
    .col_count = s_col_count,
    .reset = s_reset,
    .busy = s_busy,
    .writes = s_writes,
    .tx_active = s_tx_active,
    .changes = s_changes,
    .last_id = s_last_id,
    .exec = s_exec,
    .errmsg = s_errmsg,
    .check = s_check,
    .backup = s_backup,
    .write_ahead = s_write_ahead,
    .room = s_room,
    .version = s_version,
};
