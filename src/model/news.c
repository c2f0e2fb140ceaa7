/* news.c: news items (see news.h). One valid_table checks an item; the
 * English version and the publish time are named cross-field rules. Reads
 * filter on status and publish_at, so scheduled items appear when due. */
#include "model/news.h"

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/digest.h"
#include "model/image.h"
#include "model/mail.h"
#include "model/org.h"
#include "model/tx.h"

const char *const news_topics[] = {"cluster", "funding", "event", "policy",
                                   "success", "other",   NULL};
const char *const news_statuses[] = {"draft", "published", "withdrawn", NULL};
static const char *const news_sections[] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K",
                                            "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U", NULL};
static const char *const news_new_statuses[] = {"draft", "published", NULL};

int64_t news_parse_local(const char *s)
{
    if (!s || !*s)
        return 0;
    int y, mo, d, h, mi, sec = 0;
    char sep;
    int used = 0;
    if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &used) != 6 ||
        (sep != 'T' && sep != ' ') || y < 2000 || y > 2100 || mo < 1 || mo > 12 || d < 1 ||
        d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59)
        return -1;
    const char *p = s + used;
    if (*p == ':') { /* seconds, as GET writes them */
        int k = 0;
        if (sscanf(p, ":%2d%n", &sec, &k) != 1 || k != 3 || sec < 0 || sec > 59)
            return -1;
        p += k;
    }
    if (*p == '\0') { /* a Belgrade wall time, as the form's datetime-local sends it */
        struct tm tm = {.tm_year = y - 1900,
                        .tm_mon = mo - 1,
                        .tm_mday = d,
                        .tm_hour = h,
                        .tm_min = mi,
                        .tm_sec = sec,
                        .tm_isdst = -1};
        time_t t = mktime(&tm); /* the process runs in Europe/Belgrade (time_setup_zone) */
        if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
            return -1;
        return (int64_t)t;
    }
    /* an RFC 3339 instant, as GET returns it: "Z" or an offset "+01:00" */
    int sign = 0, oh = 0, om = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        int k = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5 || oh > 23 || om > 59)
            return -1;
        p += 1 + k;
    } else {
        return -1;
    }
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (*p || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
        return -1;
    /* days from the civil date (Howard Hinnant's algorithm, as api_call.c) */
    int yy = y - (mo <= 2);
    int era = yy / 400, yoe = yy - era * 400;
    int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t days = (int64_t)era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    return days * 86400 + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
}

enum {
    NW_TITLE_SR,
    NW_LEAD_SR,
    NW_BODY_SR,
    NW_TITLE_EN,
    NW_LEAD_EN,
    NW_BODY_EN,
    NW_TOPIC,
    NW_NACE,
    NW_STATUS,
    NW_N
};
static const form_rule news_rules[NW_N] = {
    [NW_TITLE_SR] = {"title_sr", FV_TEXT, FORM_REQUIRED, 1, NEWS_TITLE_MAX, NULL},
    [NW_LEAD_SR] = {"lead_sr", FV_MULTILINE, FORM_REQUIRED, 1, NEWS_LEAD_MAX, NULL},
    [NW_BODY_SR] = {"body_sr", FV_MULTILINE, FORM_REQUIRED, 1, NEWS_BODY_MAX, NULL},
    [NW_TITLE_EN] = {"title_en", FV_TEXT, 0, 0, NEWS_TITLE_MAX, NULL},
    [NW_LEAD_EN] = {"lead_en", FV_MULTILINE, 0, 0, NEWS_LEAD_MAX, NULL},
    [NW_BODY_EN] = {"body_en", FV_MULTILINE, 0, 0, NEWS_BODY_MAX, NULL},
    [NW_TOPIC] = {"topic", FV_ENUM, FORM_REQUIRED, 0, 0, news_topics},
    [NW_NACE] = {"nace", FV_ENUM, 0, 0, 0, news_sections},
    [NW_STATUS] = {"status", FV_ENUM, FORM_REQUIRED, 0, 0, news_new_statuses},
};

/* An English version is all three of title, lead and body, or none. */
static void english_whole(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    bool any = v[NW_TITLE_EN].present || v[NW_LEAD_EN].present || v[NW_BODY_EN].present;
    if (!any)
        return;
    for (int i = NW_TITLE_EN; i <= NW_BODY_EN; i++)
        if (!v[i].present)
            valid_add_error(errs, news_rules[i].name, FE_REQUIRED, 0, 0);
}

static const valid_cross_fn news_cross[] = {english_whole};
static const valid_table news_table = {news_rules, NW_N, news_cross, 1};

/* SQL_INSERT's $18: a unique placeholder slug until SQL_SLUG sets the real
 * one (made here: PostgreSQL's random() is a double in [0, 1), SQLite's a
 * 64-bit integer) */
static const char SQL_INSERT[] =
    "INSERT INTO news(org_id, slug, title_sr, lead_sr, body_sr, title_en, lead_en, body_en, topic,"
    " nace, image, image_type, status, withdrawn_reason, publish_at, is_demo, created_at,"
    " created_by, updated_at, updated_by)"
    " VALUES ($1, $18, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
    " $11, $12, $13, $14, $15, $16, $17, $16, $17)";
static const char SQL_SLUG[] = "UPDATE news SET slug = $2 WHERE id = $1";

/* Checks in; fills v (NW_N values) and *img. */
static bool news_check(arena *a, const news_input *in, form_value *v, image_verdict *img,
                       form_errors *errs)
{
    const char *vals[NW_N] = {in->title_sr, in->lead_sr, in->body_sr, in->title_en, in->lead_en,
                              in->body_en,  in->topic,   in->nace,    in->status};
    bool ok = valid_values(a, &news_table, vals, v, errs, NULL);
    memset(img, 0, sizeof *img);
    if (in->image && in->n_image > 0) {
        if (in->n_image > NEWS_IMAGE_MAX) {
            valid_add_error(errs, "image", FE_FILE_TOO_BIG, 0, NEWS_IMAGE_MAX);
            ok = false;
        } else if (!image_check(in->image, in->n_image, img) ||
                   strcmp(img->content_type, "image/svg+xml") == 0) {
            valid_add_error(errs, "image", FE_INVALID, 0, 0);
            ok = false;
        }
    }
    return ok;
}

typedef struct create_ctx {
    const news_input *in;
    form_value *v;
    const image_verdict *img;
    int64_t publish_at;
    const char *status, *reason;
    bool is_demo;
    int64_t id;
} create_ctx;

static db_status insert_row(db *d, create_ctx *c, int64_t actor)
{
    const form_value *v = c->v;
#define OPT(i) (v[i].present ? DBT(v[i].text) : DBNULL)
    bool img = c->in->image && c->in->n_image > 0;
    db_stmt *s = db_prepare(d, SQL_INSERT);
    if (!s)
        return DB_ERR;
    int64_t now = time_now();
    db_bind_text(s, 1, NULL);
    if (c->in->org_id)
        db_bind_int(s, 1, c->in->org_id);
    db_bind_text(s, 2, v[NW_TITLE_SR].text);
    db_bind_text(s, 3, v[NW_LEAD_SR].text);
    db_bind_text(s, 4, v[NW_BODY_SR].text);
    db_bind_text(s, 5, v[NW_TITLE_EN].present ? v[NW_TITLE_EN].text : NULL);
    db_bind_text(s, 6, v[NW_LEAD_EN].present ? v[NW_LEAD_EN].text : NULL);
    db_bind_text(s, 7, v[NW_BODY_EN].present ? v[NW_BODY_EN].text : NULL);
    db_bind_text(s, 8, v[NW_TOPIC].text);
    db_bind_text(s, 9, v[NW_NACE].present ? v[NW_NACE].text : NULL);
    if (img)
        db_bind_blob(s, 10, c->in->image, c->in->n_image);
    else
        db_bind_null(s, 10);
    db_bind_text(s, 11, img ? c->img->content_type : NULL);
    db_bind_text(s, 12, c->status);
    db_bind_text(s, 13, c->reason);
    db_bind_int(s, 14, c->publish_at);
    db_bind_int(s, 15, c->is_demo);
    db_bind_int(s, 16, now);
    if (actor)
        db_bind_int(s, 17, actor);
    else
        db_bind_null(s, 17);
    uint64_t rnd;
    randombytes_buf(&rnd, sizeof rnd);
    char placeholder[24];
    snprintf(placeholder, sizeof placeholder, "n%llu", (unsigned long long)(rnd % 1000000000000u));
    db_bind_text(s, 18, placeholder);
#undef OPT
    db_status st = db_run(s);
    if (st != DB_OK)
        return st;
    c->id = db_last_id(d);
    /* the slug: the Serbian title folded to [a-z0-9-], then the id */
    buf sl = BUF_INIT;
    org_slugify(&sl, v[NW_TITLE_SR].text);
    if (sl.len > 80)
        sl.len = 80, sl.data[80] = '\0';
    while (sl.len && sl.data[sl.len - 1] == '-')
        sl.data[--sl.len] = '\0';
    buf_printf(&sl, "%s%lld", sl.len ? "-" : "n", (long long)c->id);
    if (buf_failed(&sl)) {
        buf_free(&sl);
        return DB_NOMEM;
    }
    st = db_do(d, SQL_SLUG, DB_ARGS(DBI(c->id), DBT(buf_str(&sl))));
    buf_free(&sl);
    return st;
}

static db_status create_body(tx *t, void *vc)
{
    create_ctx *c = vc;
    db_status st = insert_row(t->d, c, t->actor_id);
    if (st != DB_OK)
        return st;
    t->entity_id = c->id;
    buf_printf(&t->detail, "{\"org\":%lld,\"status\":", (long long)c->in->org_id);
    json_put_string(&t->detail, c->status);
    buf_printf(&t->detail, ",\"publish_at\":%lld}", (long long)c->publish_at);
    return DB_OK;
}

db_status news_create(db *d, const news_input *in, int64_t actor_id, const char *ip,
                      form_errors *errs, int64_t *id)
{
    assert(d && in && errs);
    arena a = ARENA_INIT;
    form_value v[NW_N];
    image_verdict img;
    bool ok = news_check(&a, in, v, &img, errs);
    int64_t now = time_now();
    int64_t at = news_parse_local(in->publish_at);
    if (at < 0) {
        valid_add_error(errs, "publish_at", FE_DATE, 0, 0);
        ok = false;
    } else if (at == 0) {
        at = now;
    } else if (at < now - 60) { /* a minute's grace for the time it took to type */
        valid_add_error(errs, "publish_at", FE_RANGE, 0, 0);
        ok = false;
    }
    db_status st;
    if (!ok) {
        st = tx_invalid(errs);
        goto cleanup;
    }
    create_ctx c = {in, v, &img, at < now ? now : at, v[NW_STATUS].text, NULL, false, 0};
    tx t = TX_INIT(actor_id, ip, "news_create", "news", 0);
    t.bump = TX_DIRECTORY;
    st = tx_write(d, &t, create_body, &c);
    if (st == DB_OK && id)
        *id = c.id;
cleanup:
    arena_free(&a);
    return st;
}

db_status news_insert_tx(db *d, const news_input *in, int64_t publish_at, const char *status,
                         const char *reason, bool is_demo, int64_t actor_id, int64_t *id)
{
    assert(d && db_in_tx(d) && in && status);
    arena a = ARENA_INIT;
    form_value v[NW_N];
    image_verdict img;
    form_errors errs = {0};
    news_input x = *in;
    x.status = "draft"; /* the table checks draft/published; status is set below */
    db_status st;
    if (!news_check(&a, &x, v, &img, &errs)) {
        st = tx_invalid(&errs);
        goto cleanup;
    }
    create_ctx c = {in, v, &img, publish_at, status, reason, is_demo, 0};
    st = insert_row(d, &c, actor_id);
    if (st == DB_OK && id)
        *id = c.id;
cleanup:
    arena_free(&a);
    return st;
}

typedef struct update_ctx {
    int64_t id;
    const news_input *in;
    const form_value *v;
    const image_verdict *img;
    const char *publish_at; /* as typed */
    form_errors *errs;
} update_ctx;

static const char SQL_UPD_GET[] = "SELECT status, publish_at FROM news WHERE id = $1";
static const char SQL_UPDATE[] =
    "UPDATE news SET title_sr = $2, lead_sr = $3, body_sr = $4, title_en = $5, lead_en = $6,"
    " body_en = $7, topic = $8, nace = $9, status = $10, publish_at = $11, updated_at = $12,"
    " updated_by = $13 WHERE id = $1";
static const char SQL_UPD_IMAGE[] = "UPDATE news SET image = $2, image_type = $3 WHERE id = $1";

static db_status update_body(tx *t, void *vc)
{
    update_ctx *c = vc;
    const form_value *v = c->v;
    db_stmt *s = db_query(t->d, SQL_UPD_GET, DB_ARGS(DBI(c->id)));
    if (!s)
        return db_failure(t->d) ? db_failure(t->d) : DB_ERR;
    db_status st = db_step(s);
    if (st != DB_ROW) {
        db_reset(s);
        return st == DB_DONE ? DB_DONE : st;
    }
    bool withdrawn = strcmp(db_col_text(s, 0), "withdrawn") == 0;
    bool was_published = strcmp(db_col_text(s, 0), "published") == 0;
    int64_t stored = db_col_int(s, 1);
    db_reset(s);
    int64_t now = time_now(), at = news_parse_local(c->publish_at);
    if (withdrawn)
        valid_add_error(c->errs, "status", FE_INVALID, 0, 0);
    if (at < 0)
        valid_add_error(c->errs, "publish_at", FE_DATE, 0, 0);
    else if (at == 0)
        at = was_published && stored <= now ? stored : now;
    else if (at < now - 60 && at != stored)
        valid_add_error(c->errs, "publish_at", FE_RANGE, 0, 0);
    if (c->errs->n_items)
        return DB_CONSTRAINT;
#define OPTV(i) (v[i].present ? DBT(v[i].text) : DBNULL)
    st = db_do(t->d, SQL_UPDATE,
               DB_ARGS(DBI(c->id), DBT(v[NW_TITLE_SR].text), DBT(v[NW_LEAD_SR].text),
                       DBT(v[NW_BODY_SR].text), OPTV(NW_TITLE_EN), OPTV(NW_LEAD_EN),
                       OPTV(NW_BODY_EN), DBT(v[NW_TOPIC].text), OPTV(NW_NACE),
                       DBT(v[NW_STATUS].text), DBI(at < now && at != stored ? now : at), DBI(now),
                       t->actor_id ? DBI(t->actor_id) : DBNULL));
#undef OPTV
    if (st != DB_OK)
        return st;
    if (c->in->image && c->in->n_image > 0) {
        db_stmt *w = db_prepare(t->d, SQL_UPD_IMAGE);
        if (!w)
            return DB_ERR;
        db_bind_int(w, 1, c->id);
        db_bind_blob(w, 2, c->in->image, c->in->n_image);
        db_bind_text(w, 3, c->img->content_type);
        if ((st = db_run(w)) != DB_OK)
            return st;
    }
    buf_puts(&t->detail, "{\"status\":");
    json_put_string(&t->detail, v[NW_STATUS].text);
    buf_printf(&t->detail, ",\"publish_at\":%lld}", (long long)at);
    return DB_OK;
}

db_status news_update(db *d, int64_t id, const news_input *in, int64_t actor_id, const char *ip,
                      form_errors *errs)
{
    assert(d && in && errs);
    arena a = ARENA_INIT;
    form_value v[NW_N];
    image_verdict img;
    db_status st;
    if (!news_check(&a, in, v, &img, errs)) {
        st = tx_invalid(errs);
        goto cleanup;
    }
    update_ctx c = {id, in, v, &img, in->publish_at, errs};
    tx t = TX_INIT(actor_id, ip, "news_update", "news", id);
    t.bump = TX_DIRECTORY;
    st = tx_write(d, &t, update_body, &c);
cleanup:
    arena_free(&a);
    return st;
}

typedef struct withdraw_ctx {
    int64_t id;
    const char *reason;
} withdraw_ctx;

static const char SQL_WITHDRAW[] =
    "UPDATE news SET status = 'withdrawn', withdrawn_reason = $2, updated_at = $3, updated_by = $4"
    " WHERE id = $1";

static db_status withdraw_body(tx *t, void *vc)
{
    withdraw_ctx *c = vc;
    db_status st = db_do(t->d, SQL_WITHDRAW,
                         DB_ARGS(DBI(c->id), DBT(c->reason), DBI(time_now()),
                                 t->actor_id ? DBI(t->actor_id) : DBNULL));
    if (st != DB_OK)
        return st;
    if (db_changes(t->d) == 0)
        return DB_DONE;
    buf_puts(&t->detail, "{\"reason\":");
    json_put_string(&t->detail, c->reason);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status news_withdraw(db *d, int64_t id, const char *reason, int64_t actor_id, const char *ip,
                        form_errors *errs)
{
    assert(d && errs);
    static const form_rule rule[] = {{"reason", FV_TEXT, FORM_REQUIRED, 1, NEWS_REASON_MAX, NULL}};
    static const valid_table vt = {rule, 1, NULL, 0};
    arena a = ARENA_INIT;
    form_value v[1];
    db_status st;
    if (!valid_values(&a, &vt, (const char *[1]){reason}, v, errs, NULL)) {
        st = tx_invalid(errs);
        goto cleanup;
    }
    withdraw_ctx c = {id, v[0].text};
    tx t = TX_INIT(actor_id, ip, "news_withdraw", "news", id);
    t.bump = TX_DIRECTORY;
    st = tx_write(d, &t, withdraw_body, &c);
cleanup:
    arena_free(&a);
    return st;
}

/* --- reads ------------------------------------------------------------------------ */

#define NEWS_COLS                                                                                  \
    "n.id, coalesce(n.org_id, 0), n.slug, n.title_sr, n.lead_sr, n.body_sr, n.title_en,"           \
    " n.lead_en, n.body_en, n.topic, n.nace, n.status, n.withdrawn_reason, n.publish_at,"          \
    " n.created_at, n.updated_at, n.image IS NOT NULL, n.is_demo, o.slug, o.name, o.name_en"       \
    " FROM news n LEFT JOIN org o ON o.id = n.org_id"

static void news_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    news_rec *e = item;
    int c = 0;
    e->id = db_col_int(s, c++);
    e->org_id = db_col_int(s, c++);
    e->slug = db_col_dup(a, s, c++, oom);
    e->title_sr = db_col_dup(a, s, c++, oom);
    e->lead_sr = db_col_dup(a, s, c++, oom);
    e->body_sr = db_col_dup(a, s, c++, oom);
    e->title_en = db_col_dup(a, s, c++, oom);
    e->lead_en = db_col_dup(a, s, c++, oom);
    e->body_en = db_col_dup(a, s, c++, oom);
    e->topic = db_col_dup(a, s, c++, oom);
    e->nace = db_col_dup(a, s, c++, oom);
    e->status = db_col_dup(a, s, c++, oom);
    e->withdrawn_reason = db_col_dup(a, s, c++, oom);
    e->publish_at = db_col_int(s, c++);
    e->created_at = db_col_int(s, c++);
    e->updated_at = db_col_int(s, c++);
    e->has_image = db_col_int(s, c++) != 0;
    e->is_demo = db_col_int(s, c++) != 0;
    e->org_slug = db_col_dup(a, s, c++, oom);
    e->org_name = db_col_dup(a, s, c++, oom);
    e->org_name_en = db_col_dup(a, s, c++, oom);
}

static const char SQL_GET[] = "SELECT " NEWS_COLS " WHERE n.id = $1 OR n.slug = $2";

db_status news_get(db *d, arena *a, const char *id_or_slug, news_rec *out)
{
    memset(out, 0, sizeof *out);
    if (!id_or_slug || !*id_or_slug || strlen(id_or_slug) > 120)
        return DB_DONE;
    int64_t id = -1;
    char *end = NULL;
    long long v = strtoll(id_or_slug, &end, 10);
    if (end && !*end && v > 0)
        id = v;
    db_stmt *s = db_query(d, SQL_GET, DB_ARGS(DBI(id), DBT(id_or_slug)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    bool found = false;
    db_status st = db_collect_one(s, a, out, sizeof *out, news_row, NULL, &found);
    return st == DB_OK && !found ? DB_DONE : st;
}

bool news_visible(const news_rec *n)
{
    return n && n->status && strcmp(n->status, "published") == 0 && n->publish_at <= time_now();
}

static const char SQL_IMAGE[] = "SELECT image, image_type FROM news WHERE id = $1 AND image IS NOT"
                                " NULL AND status = 'published' AND publish_at <= $2";
static const char SQL_IMAGE_ANY[] =
    "SELECT image, image_type FROM news WHERE id = $1 AND image IS NOT NULL";

db_status news_image(db *d, arena *a, int64_t id, bool any, const void **data, size_t *n,
                     const char **type)
{
    *data = NULL;
    *n = 0;
    *type = NULL;
    db_stmt *s = any ? db_query(d, SQL_IMAGE_ANY, DB_ARGS(DBI(id)))
                     : db_query(d, SQL_IMAGE, DB_ARGS(DBI(id), DBI(time_now())));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        size_t len = 0;
        const void *b = db_col_blob(s, 0, &len);
        bool oom = false;
        *type = db_col_dup(a, s, 1, &oom);
        void *copy = len ? arena_alloc(a, len) : NULL;
        if (!copy || oom) {
            db_reset(s);
            return DB_NOMEM;
        }
        memcpy(copy, b, len);
        *data = copy;
        *n = len;
        st = DB_OK;
    }
    db_reset(s);
    return st == DB_OK ? DB_OK : st == DB_DONE ? DB_DONE : st;
}

/* $1 now, $2 org (-1 any, 0 SCAN), $3 topic, $4 nace, $5 english, $6 since, $7 limit, $8 offset */
#define NEWS_WHERE                                                                                 \
    " WHERE n.status = 'published' AND n.publish_at <= $1"                                         \
    " AND ($2 < 0 OR coalesce(n.org_id, 0) = $2) AND ($3 IS NULL OR n.topic = $3)"                 \
    " AND ($4 IS NULL OR n.nace = $4) AND ($5 = 0 OR n.title_en IS NOT NULL)"                      \
    " AND n.publish_at > $6"
static const char SQL_LIST[] =
    "SELECT " NEWS_COLS NEWS_WHERE " ORDER BY n.publish_at DESC, n.id DESC LIMIT $7 OFFSET $8";
static const char SQL_COUNT[] = "SELECT count(*) FROM news n" NEWS_WHERE " AND $7 = $7 AND $8 = $8";

db_status news_list(db *d, arena *a, const news_filter *f, int offset, int limit, news_rec **items,
                    size_t *n, int64_t *total)
{
    *items = NULL;
    *n = 0;
    if (limit < 1 || limit > 200)
        limit = NEWS_PAGE_SIZE;
    if (offset < 0)
        offset = 0;
    db_val args[] = {DBI(time_now()),
                     DBI(f->org_id),
                     f->topic ? DBT(f->topic) : DBNULL,
                     f->nace ? DBT(f->nace) : DBNULL,
                     DBI(f->english),
                     DBI(f->since),
                     DBI(limit),
                     DBI(offset)};
    if (total) {
        db_status st = db_int(d, total, 0, SQL_COUNT, 8, args);
        if (st != DB_OK)
            return st;
    }
    db_stmt *s = db_query(d, SQL_LIST, 8, args);
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, news_row, NULL);
}

db_status news_latest(db *d, arena *a, int64_t org_id, int limit, news_rec **items, size_t *n)
{
    if (limit < 1 || limit > 50)
        limit = 5;
    news_filter f = {.org_id = org_id < 0 ? -1 : org_id};
    return news_list(d, a, &f, 0, limit, items, n, NULL);
}

/* The earliest publish time still to come (0: none). news(status,
 * publish_at) answers it from the index. */
static const char SQL_NEXT_DUE[] =
    "SELECT coalesce(min(publish_at), 0) FROM news WHERE status = 'published' AND publish_at > $1";

db_status news_next_due(db *d, int64_t now, int64_t *out)
{
    int64_t at = 0;
    db_status st = db_int(d, &at, 0, SQL_NEXT_DUE, DB_ARGS(DBI(now)));
    *out = st == DB_OK && at > 0 ? at : INT64_MAX;
    return st;
}

/* The one memo of news_due_memo_get/put: the directory version it was
 * read at and that version's next publish time; dir -1: nothing known. */
static pthread_mutex_t g_due_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t g_due_dir = -1, g_due_next = 0;

bool news_due_memo_get(int64_t dir_version, int64_t now, int64_t *next)
{
    pthread_mutex_lock(&g_due_lock);
    bool ok = g_due_dir == dir_version && now < g_due_next;
    *next = ok ? g_due_next : 0;
    pthread_mutex_unlock(&g_due_lock);
    return ok;
}

void news_due_memo_put(int64_t dir_version, int64_t next)
{
    pthread_mutex_lock(&g_due_lock);
    if (dir_version >= g_due_dir) { /* versions never go down: an older read loses */
        g_due_dir = dir_version;
        g_due_next = next;
    }
    pthread_mutex_unlock(&g_due_lock);
}

static const char SQL_PENDING[] =
    "SELECT " NEWS_COLS " WHERE ($1 < 0 OR coalesce(n.org_id, 0) = $1)"
    " AND (n.status = 'draft' OR (n.status = 'published' AND n.publish_at > $2))"
    " ORDER BY n.publish_at DESC, n.id DESC LIMIT 100";

db_status news_pending(db *d, arena *a, int64_t org_id, news_rec **items, size_t *n)
{
    db_stmt *s = db_query(d, SQL_PENDING, DB_ARGS(DBI(org_id), DBI(time_now())));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    return db_collect(s, a, (void **)items, n, sizeof **items, news_row, NULL);
}

/* --- the digest ----------------------------------------------------------------------- */

static const char SQL_DIGEST[] =
    "SELECT title_sr, title_en, '/news/' || slug FROM news WHERE status = 'published'"
    " AND publish_at <= $2 AND publish_at > $2 - 7 * 86400 AND (org_id IS NULL OR org_id IN"
    " (SELECT cluster_id FROM notify_follow WHERE person_id = $1))"
    " ORDER BY publish_at DESC, id DESC LIMIT 10";

db_status news_digest_section(db *d, arena *a, const digest_reader *r, const digest_period *w,
                              digest_part *out)
{
    db_stmt *s = db_query(d, SQL_DIGEST, DB_ARGS(DBI(r->person_id), DBI(w->now)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st;
    while ((st = db_step(s)) == DB_ROW) {
        const char *sr = db_col_text(s, 0), *en = db_col_text(s, 1);
        const char *title = r->lang == LANG_EN && en && *en ? en : mail_text_in(a, r->lang, sr);
        digest_item(out, title ? title : "", db_col_text(s, 2));
    }
    db_reset(s);
    return st == DB_DONE ? DB_OK : st;
}
