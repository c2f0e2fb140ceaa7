/* pg_prepare.c: prepares each line of a file as one statement on a
 * database (db_prepare, so through the driver that db_open picks: on a
 * postgresql:// URL, db_pg.c with its parameter typing) and prints one
 * line "FAIL<TAB>reason<TAB>sql" per statement that does not prepare; a
 * count on stderr. Used by tests/unit/pg_statements.sh.
 *
 *     pg_prepare URL FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: pg_prepare URL FILE\n");
        return 2;
    }
    db *d = NULL;
    buf err = BUF_INIT;
    db_global_init();
    if (db_open(argv[1], NULL, &d, &err) != DB_OK) {
        fprintf(stderr, "pg_prepare: %s\n", buf_str(&err));
        buf_free(&err);
        return 1;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        db_close(d);
        return 1;
    }
    /* db_prepare caches by address: each statement keeps its own copy
     * until the connection closes */
    char **texts = NULL;
    size_t n_texts = 0, cap = 0;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t len;
    int ok = 0, bad = 0;
    while ((len = getline(&line, &line_cap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        if (n_texts == cap) {
            cap = cap ? cap * 2 : 256;
            char **t = realloc(texts, cap * sizeof *t);
            if (!t)
                break;
            texts = t;
        }
        char *sql = texts[n_texts++] = strdup(line);
        if (!sql)
            break;
        if (db_prepare(d, sql))
            ok++;
        else {
            bad++;
            printf("FAIL\t%s\t%s\n", db_errmsg(d), sql);
        }
        db_end_request(d);
    }
    fprintf(stderr, "pg_prepare: %d prepared, %d failed\n", ok, bad);
    free(line);
    fclose(f);
    db_close(d);
    for (size_t i = 0; i < n_texts; i++)
        free(texts[i]);
    free(texts);
    buf_free(&err);
    return 0;
}
