/* pg_sqltrace.c: an LD_PRELOAD shim for tests/unit/pg_statements.sh. It
 * appends every SQL text given to sqlite3_prepare_v3 (db_sqlite.c's one
 * prepare call) to the file named by SQLTRACE_FILE, one line each, and
 * then prepares it as usual: the statements the model really runs, with
 * the SQL its code assembled. Built by the script, not by meson. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef int (*prepare_fn)(sqlite3 *, const char *, int, unsigned int, sqlite3_stmt **,
                          const char **);

int sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned int flags, sqlite3_stmt **st,
                       const char **tail)
{
    prepare_fn real = (prepare_fn)dlsym(RTLD_NEXT, "sqlite3_prepare_v3");
    const char *path = getenv("SQLTRACE_FILE");
    if (path && sql) {
        size_t len = n < 0 ? strlen(sql) : (size_t)n;
        char *line = malloc(len + 1);
        if (line) {
            for (size_t i = 0; i < len; i++)
                line[i] = sql[i] == '\n' || sql[i] == '\r' ? ' ' : sql[i];
            line[len] = '\n';
            int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
            if (fd >= 0) { /* one write per line: O_APPEND keeps them whole */
                ssize_t w = write(fd, line, len + 1);
                (void)w;
                close(fd);
            }
            free(line);
        }
    }
    return real(db, sql, n, flags, st, tail);
}
