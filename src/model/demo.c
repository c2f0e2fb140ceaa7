/* demo.c: the demonstration data set (see demo.h). */
#include "model/demo.h"

#include "core/timeutil.h"

static const char SQL_IS_LOADED[] = "SELECT count(*) FROM app_meta WHERE key = 'demo_loaded'";
static const char SQL_MARK[] =
    "INSERT INTO app_meta(key, value, updated_at) VALUES ('demo_loaded', '1', $1)";

db_status demo_load(db *d, int *loaded, buf *err)
{
    *loaded = 0;
    int64_t n = 0;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto fail;
    st = db_scalar_int(d, SQL_IS_LOADED, &n);
    if (st != DB_OK)
        goto fail;
    if (n > 0) {
        db_rollback(d);
        return DB_OK;
    }
    db_stmt *s = db_prepare(d, SQL_MARK);
    if (!s) {
        st = DB_ERR;
        goto fail;
    }
    db_bind_int(s, 1, time_now());
    st = db_step(s);
    db_reset(s);
    if (st != DB_DONE)
        goto fail;
    st = db_commit(d);
    if (st != DB_OK)
        goto fail;
    *loaded = 1;
    return DB_OK;
fail:
    buf_printf(err, "%s", db_errmsg(d));
    db_rollback(d);
    return st == DB_OK ? DB_ERR : st;
}
