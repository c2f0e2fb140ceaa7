/* post.c: the cooperation board's posts (see post.h): validation, keyword
 * search's text, and the writes (each one tx_write body with its audit
 * row, directory_version bumped so the board's cached pages change). The
 * reads are post_read.c's; scoring is match.c's. */
#include "model/post.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/mem.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "json/json.h"
#include "model/audit.h"
#include "model/mail.h"
#include "model/org.h"
#include "db/search.h"
#include "model/post_facet.h"
#include "model/post_sql.h"
#include "model/tx.h"
#include "core/strutil.h"

const char *const post_kinds[] = {"offer", "request", NULL};
const char *const post_topics[] = {"technology", "supply_chain", "project_partner", "tender",
                                   "export",     "training",     "other",           NULL};
const char *const post_langs[] = {"sr-Cyrl", "sr-Latn", "en", NULL};
const char *const post_visibilities[] = {"public", "members", NULL};
const char *const post_close_reasons[] = {"found_partner", "no_longer_needed", NULL};

/* --- dates ------------------------------------------------------------------------- */

void post_today(char out[11])
{
    time_t t = (time_t)time_now();
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        memcpy(out, "1970-01-01", 11);
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* True when s is a real calendar date YYYY-MM-DD (years 2000..9998). */
static bool real_date(const char *s, int *y, int *m, int *dd)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *dd = (s[8] - '0') * 10 + (s[9] - '0');
    if (*y < 2000 || *y > 9998 || *m < 1 || *m > 12 || *dd < 1)
        return false;
    int max = days[*m - 1] + (*m == 2 && leap(*y) ? 1 : 0);
    return *dd <= max;
}

void post_max_until(const char *ymd, char out[11])
{
    int y, m, dd;
    if (!real_date(ymd, &y, &m, &dd)) {
        memcpy(out, "1970-01-01", 11);
        return;
    }
    if (m == 2 && dd == 29)
        dd = 28;
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", (y + 1) % 10000, m % 100, dd % 100);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

/* The date (Belgrade) of a Unix time, YYYY-MM-DD. */
static void date_of(int64_t at, char out[11])
{
    time_t t = (time_t)at;
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        memcpy(out, "1970-01-01", 11);
}

/* --- validation ---------------------------------------------------------------------- */

static void err_add(form_errors *e, const char *field, form_error_code code, int64_t min,
                    int64_t max)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n_items; i++)
        if (strcmp(e->items[i].field, field) == 0)
            return;
    if (e->n_items < sizeof e->items / sizeof e->items[0])
        e->items[e->n_items++] = (form_error){.field = field, .code = code, .min = min, .max = max};
}

static size_t code_points(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Checks one text field: required or not, at most max characters, valid
 * UTF-8 without control characters (newlines and tabs allowed when
 * multiline). */
static void check_text(form_errors *e, const char *field, const char *v, bool required, size_t max,
                       bool multiline)
{
    if (!v || !*v) {
        if (required)
            err_add(e, field, FE_REQUIRED, 0, 0);
        return;
    }
    size_t n = strlen(v);
    if (!utf8_valid(v, n, false)) {
        err_add(e, field, FE_INVALID, 0, 0);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7f) {
            err_add(e, field, FE_CONTROL_CHARS, 0, 0);
            return;
        }
    }
    if (code_points(v) > max)
        err_add(e, field, FE_TOO_LONG, 0, (int64_t)max);
}

/* Every code of list known in table (NACE: a division); at most
 * MATCH_MAX_CODES, none twice. */
static db_status check_codes(db *d, form_errors *e, const char *field, const char *table,
                             const char *const *list, size_t n)
{
    if (n > MATCH_MAX_CODES) {
        err_add(e, field, FE_TOO_LONG, 0, MATCH_MAX_CODES);
        return DB_OK;
    }
    for (size_t i = 0; i < n; i++) {
        const ref_item *it = NULL;
        db_status st = ref_get(d, table, list[i], LANG_EN, &it);
        if (st != DB_OK)
            return st;
        bool division = it && (strcmp(table, "nace") != 0 || (it->parent && *it->parent));
        for (size_t k = 0; k < i && division; k++)
            division = strcmp(list[k], list[i]) != 0;
        if (!division) {
            err_add(e, field, FE_UNKNOWN_CODE, 0, 0);
            return DB_OK;
        }
    }
    return DB_OK;
}

/* Days from 1970-01-01 of a real date (for FE_RANGE on valid_until). */
static int64_t day_number(const char *ymd)
{
    int y, m, dd;
    if (!real_date(ymd, &y, &m, &dd))
        return 0;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = dd, .tm_hour = 12};
    return (int64_t)timegm(&tm) / 86400;
}

static const char SQL_ORG_PUBLISHED[] =
    "SELECT count(*) FROM org WHERE id = $1 AND status = 'published'";

db_status post_validate(db *d, const post_rec *in, form_errors *errs)
{
    /* a post is written only for a published organisation: a draft or
     * archived one's posts would show on the board while its profile is
     * 404 (archiving closes its posts, post_close_org_tx) */
    if (in->org_id) {
        int64_t published = 0;
        db_status ost = db_int(d, &published, 0, SQL_ORG_PUBLISHED, DB_ARGS(DBI(in->org_id)));
        if (ost != DB_OK)
            return ost;
        if (!published)
            err_add(errs, "org", FE_NOT_PUBLISHED, 0, 0);
    }
    if (!str_in(in->kind, post_kinds))
        err_add(errs, "kind", in->kind ? FE_CHOICE : FE_REQUIRED, 0, 0);
    if (!str_in(in->topic, post_topics))
        err_add(errs, "topic", in->topic ? FE_CHOICE : FE_REQUIRED, 0, 0);
    if (!str_in(in->lang, post_langs))
        err_add(errs, "lang", in->lang ? FE_CHOICE : FE_REQUIRED, 0, 0);
    if (in->visibility && !str_in(in->visibility, post_visibilities))
        err_add(errs, "visibility", FE_CHOICE, 0, 0);
    check_text(errs, "title", in->title, true, POST_TITLE_MAX, false);
    check_text(errs, "body", in->body, true, POST_BODY_MAX, true);
    check_text(errs, "title_tr", in->title_tr, false, POST_TITLE_MAX, false);
    check_text(errs, "body_tr", in->body_tr, false, POST_BODY_MAX, true);
    db_status st = check_codes(d, errs, "nace", "nace", in->nace, in->n_nace);
    if (st == DB_OK)
        st = check_codes(d, errs, "fos", "fos", in->fos, in->n_fos);
    if (st == DB_OK)
        st = check_codes(d, errs, "geo", "geo", in->geo, in->n_geo);
    if (st != DB_OK)
        return st;
    char today[11], from[11], max[11];
    post_today(today);
    if (in->published_at)
        date_of(in->published_at, from);
    else
        memcpy(from, today, 11);
    post_max_until(from, max);
    int y, m, dd;
    if (!in->valid_until || !*in->valid_until)
        err_add(errs, "valid_until", FE_REQUIRED, 0, 0);
    else if (!real_date(in->valid_until, &y, &m, &dd))
        err_add(errs, "valid_until", FE_DATE, 0, 0);
    else if (strcmp(in->valid_until, today) < 0 || strcmp(in->valid_until, max) > 0)
        err_add(errs, "valid_until", FE_RANGE, day_number(today), day_number(max));
    return DB_OK;
}

void post_error_text(buf *out, lang_id lang, const form_error *e)
{
    if (e->code == FE_RANGE && e->field && strcmp(e->field, "valid_until") == 0) {
        buf a = BUF_INIT, b = BUF_INIT;
        i18n_fmt_date(&a, lang, e->min * 86400 + 43200);
        i18n_fmt_date(&b, lang, e->max * 86400 + 43200);
        buf_printf(out, T(lang, MSG_POST_ERR_UNTIL), buf_str(&a), buf_str(&b));
        buf_free(&a);
        buf_free(&b);
        return;
    }
    if (e->code == FE_NOT_PUBLISHED && e->field && strcmp(e->field, "org") == 0) {
        buf_puts(out, T(lang, MSG_POST_ERR_ORG_UNPUBLISHED));
        return;
    }
    form_error_text(out, lang, e);
}

/* --- keyword search ------------------------------------------------------------------- */

/* search_build_match's words are runs of letters and digits, split where
 * FTS5's tokenizer and PostgreSQL's search_words split, so "…", "–",
 * "€" or "→" make no word, and a query of only them none at all. */
const char *post_text_match(arena *a, const char *q)
{
    buf m = BUF_INIT;
    search_build_match(&m, q);
    const char *r = buf_failed(&m) ? NULL : arena_strdup(a, buf_str(&m));
    buf_free(&m);
    return r;
}

const char *post_text_param(db *d, arena *a, const char *match)
{
    if (!match || strcmp(db_backend(d), "sqlite") == 0)
        return match;
    /* "w"* "w"* -> the words joined by spaces (they hold no quote) */
    buf out = BUF_INIT;
    for (const char *m = match; (m = strchr(m, '"'));) {
        const char *w = ++m, *e = strchr(w, '"');
        if (!e)
            break;
        if (out.len)
            buf_putc(&out, ' ');
        buf_append(&out, w, (size_t)(e - w));
        m = e + 1;
    }
    const char *r = buf_failed(&out) ? NULL : arena_strdup(a, buf_str(&out));
    buf_free(&out);
    return r;
}

post_text_check post_text_valid(const char *q)
{
    if (!q || !*q)
        return POST_TEXT_OK;
    if (strlen(q) > POST_TEXT_MAX)
        return POST_TEXT_TOO_LONG;
    arena a = ARENA_INIT;
    const char *m = post_text_match(&a, q);
    bool words = !m || *m; /* out of memory: let the query say so */
    arena_free(&a);
    return words ? POST_TEXT_OK : POST_TEXT_NO_WORDS;
}

static const char SQL_FTS_DEL[] = "DELETE FROM post_fts WHERE rowid = $1";
static const char SQL_FTS_PUT[] = "INSERT INTO post_fts(rowid, text) VALUES ($1, $2)";

/* Replaces post id's search document: its texts folded (utf8_fold, as the
 * directory's search), one per line. */
static db_status fts_put(db *d, int64_t id, const char *const texts[4], bool replace)
{
    db_status st = replace ? db_do(d, SQL_FTS_DEL, DB_ARGS(DBI(id))) : DB_OK;
    if (st != DB_OK)
        return st;
    buf f = BUF_INIT;
    for (int i = 0; i < 4; i++) {
        if (!texts[i] || !*texts[i])
            continue;
        if (f.len)
            buf_putc(&f, '\n');
        utf8_fold(&f, texts[i], strlen(texts[i]));
    }
    st = buf_failed(&f) ? DB_NOMEM : db_do(d, SQL_FTS_PUT, DB_ARGS(DBI(id), DBT(buf_str(&f))));
    buf_free(&f);
    return st;
}

static const char SQL_FILL_MARK[] = "SELECT count(*) FROM app_meta WHERE key = 'post_fts_fill'";
static const char SQL_FILL_NEXT[] =
    "SELECT p.id, p.title, p.title_tr, p.body, p.body_tr FROM post p"
    " WHERE NOT EXISTS (SELECT 1 FROM post_fts f WHERE f.rowid = p.id) ORDER BY p.id LIMIT 500";
static const char SQL_FILL_DONE[] = "DELETE FROM app_meta WHERE key = 'post_fts_fill'";

/* One batch of post_search_fill: up to 500 posts without a document.
 * ctx: size_t, how many were indexed. */
static db_status fill_body(tx *t, void *ctx)
{
    size_t *n = ctx;
    *n = 0;
    db_stmt *s = db_query(t->d, SQL_FILL_NEXT, DB_NONE);
    if (!s)
        return DB_ERR;
    int64_t ids[500];
    char *texts[500][4];
    size_t k = 0;
    db_status st = DB_OK;
    bool oom = false;
    while (k < 500 && (st = db_step(s)) == DB_ROW) {
        ids[k] = db_col_int(s, 0);
        for (int i = 0; i < 4; i++) {
            const char *v = db_col_text(s, 1 + i);
            texts[k][i] = v ? mem_strdup(v) : NULL;
            oom |= v && !texts[k][i];
        }
        k++;
    }
    db_reset(s);
    st = oom ? DB_NOMEM : st == DB_ROW || st == DB_DONE ? DB_OK : st;
    for (size_t i = 0; i < k; i++) {
        const char *tx4[4] = {texts[i][0], texts[i][1], texts[i][2], texts[i][3]};
        if (st == DB_OK)
            st = fts_put(t->d, ids[i], tx4, false);
        for (int j = 0; j < 4; j++)
            mem_free(texts[i][j]);
    }
    if (st == DB_OK && k == 0)
        st = db_do(t->d, SQL_FILL_DONE, DB_NONE);
    *n = k;
    return st;
}

db_status post_search_fill(db *d, int64_t *filled)
{
    assert(d && filled);
    *filled = 0;
    int64_t mark = 0;
    db_status st = db_int(d, &mark, 0, SQL_FILL_MARK, DB_NONE);
    if (st != DB_OK || !mark)
        return st;
    for (;;) {
        size_t n = 0;
        tx t = TX_INIT(0, NULL, NULL, NULL, 0); /* derived data: no audit row, no bump */
        if ((st = tx_write(d, &t, fill_body, &n)) != DB_OK)
            return st;
        *filled += (int64_t)n;
        if (n == 0)
            return DB_OK;
    }
}

/* --- writes ----------------------------------------------------------------------------- */

static const char SQL_INSERT[] =
    "INSERT INTO post(org_id, author_id, kind, topic, lang, title, body, title_tr, body_tr,"
    "                 visibility, valid_until, published_at, created_at, created_by, updated_at,"
    "                 updated_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $2, $12, $2)";
static const char SQL_UPDATE[] =
    "UPDATE post SET kind = $2, topic = $3, lang = $4, title = $5, body = $6, title_tr = $7,"
    "       body_tr = $8, visibility = $9, valid_until = $10, updated_at = $11, updated_by = $12"
    " WHERE id = $1";
static const char SQL_STATE[] =
    "SELECT status, published_at, org_id, author_id FROM post WHERE id = $1";
static const char SQL_DEL_NACE[] = "DELETE FROM post_nace WHERE post_id = $1";
static const char SQL_DEL_FOS[] = "DELETE FROM post_fos WHERE post_id = $1";
static const char SQL_DEL_GEO[] = "DELETE FROM post_geo WHERE post_id = $1";
static const char SQL_DEL_WORD[] = "DELETE FROM post_word WHERE post_id = $1";
static const char SQL_PUT_NACE[] = "INSERT INTO post_nace(post_id, code) VALUES ($1, $2)";
static const char SQL_PUT_FOS[] = "INSERT INTO post_fos(post_id, code) VALUES ($1, $2)";
static const char SQL_PUT_GEO[] = "INSERT INTO post_geo(post_id, code) VALUES ($1, $2)";
static const char SQL_PUT_WORD[] =
    "INSERT INTO post_word(word, post_id) VALUES ($2, $1) ON CONFLICT DO NOTHING";

bool post_subject(arena *a, const post_rec *p, const char *today, bool same_kind, match_subject *s)
{
    memset(s, 0, sizeof *s);
    s->post_id = p->id;
    s->org_id = p->org_id;
    bool offer = p->kind && strcmp(p->kind, "offer") == 0;
    s->want_kind = (offer != same_kind) ? "request" : "offer";
    s->today = today;
    s->nace = p->nace;
    s->n_nace = p->n_nace;
    s->fos = p->fos;
    s->n_fos = p->n_fos;
    s->geo = p->geo;
    s->n_geo = p->n_geo;
    const char *texts[] = {p->title, p->title_tr, p->body, p->body_tr};
    const char **w;
    size_t n;
    if (!match_words(a, texts, 4, &w, &n))
        return false;
    s->words = w;
    s->n_words = n;
    return true;
}

static db_status put_list(db *d, const char *sql, int64_t id, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        db_status st = db_do(d, sql, DB_ARGS(DBI(id), DBT(list[i])));
        if (st != DB_OK)
            return st;
    }
    return DB_OK;
}

/* Writes the codes and words of post id (after deleting the old ones when
 * replace) and recomputes its matches. */
static db_status put_parts(db *d, int64_t id, const post_rec *in, bool replace, bool matches,
                           size_t *n_matches)
{
    db_status st = DB_OK;
    if (replace) {
        const char *dels[] = {SQL_DEL_NACE, SQL_DEL_FOS, SQL_DEL_GEO, SQL_DEL_WORD};
        for (size_t i = 0; i < 4 && st == DB_OK; i++)
            st = db_do(d, dels[i], DB_ARGS(DBI(id)));
    }
    if (st == DB_OK)
        st = put_list(d, SQL_PUT_NACE, id, in->nace, in->n_nace);
    if (st == DB_OK)
        st = put_list(d, SQL_PUT_FOS, id, in->fos, in->n_fos);
    if (st == DB_OK)
        st = put_list(d, SQL_PUT_GEO, id, in->geo, in->n_geo);
    if (st != DB_OK)
        return st;
    arena scratch = ARENA_INIT; /* the candidates' table: freed here, retries start afresh */
    arena *a = &scratch;
    char today[11];
    post_today(today);
    post_rec p = *in;
    p.id = id;
    match_subject s;
    const char *texts[4] = {in->title, in->title_tr, in->body, in->body_tr};
    if ((st = fts_put(d, id, texts, replace)) != DB_OK) {
        /* st says why */
    } else if (!post_subject(a, &p, today, false, &s)) {
        st = DB_NOMEM;
    } else {
        for (size_t i = 0; i < s.n_words && st == DB_OK; i++)
            st = db_do(d, SQL_PUT_WORD, DB_ARGS(DBI(id), DBT(s.words[i])));
        if (st == DB_OK && matches)
            st = match_store(d, a, &s, n_matches);
    }
    arena_free(a);
    return st;
}

typedef struct write_ctx {
    const post_rec *in;
    form_errors *errs;
    int64_t id;
    const char *reason; /* close, hide, report */
    const char *base_url;
    int64_t person_id;
    int64_t n_reports;
} write_ctx;

static void detail_post(buf *o, const post_rec *in, size_t n_matches)
{
    buf_putc(o, '{');
    json_put_key(o, "org_id", true);
    json_put_int(o, in->org_id);
    json_put_key(o, "kind", false);
    json_put_string(o, in->kind);
    json_put_key(o, "topic", false);
    json_put_string(o, in->topic);
    json_put_key(o, "title", false);
    json_put_string(o, in->title);
    json_put_key(o, "valid_until", false);
    json_put_string(o, in->valid_until);
    json_put_key(o, "matches", false);
    json_put_int(o, (int64_t)n_matches);
    buf_putc(o, '}');
}

static const char SQL_DEMO[] = "UPDATE post SET is_demo = 1 WHERE id = $1";

db_status post_insert_tx(db *d, const post_rec *in, int64_t actor_id, int64_t published_at,
                         unsigned flags, form_errors *errs, int64_t *id, size_t *n_matches)
{
    assert(db_in_tx(d));
    errs->n_items = 0;
    db_status st = post_validate(d, in, errs);
    if (st != DB_OK)
        return st;
    if (errs->n_items)
        return DB_CONSTRAINT;
    int64_t now = published_at ? published_at : time_now();
    st = db_do(d, SQL_INSERT,
               DB_ARGS(DBI(in->org_id), actor_id ? DBI(actor_id) : DBNULL, DBT(in->kind),
                       DBT(in->topic), DBT(in->lang), DBT(in->title), DBT(in->body),
                       DBT(in->title_tr && *in->title_tr ? in->title_tr : NULL),
                       DBT(in->body_tr && *in->body_tr ? in->body_tr : NULL),
                       DBT(in->visibility ? in->visibility : "public"), DBT(in->valid_until),
                       DBI(now)));
    if (st != DB_OK)
        return st;
    *id = db_last_id(d);
    if ((flags & POST_INSERT_DEMO) && (st = db_do(d, SQL_DEMO, DB_ARGS(DBI(*id)))) != DB_OK)
        return st;
    st = put_parts(d, *id, in, false, !(flags & POST_INSERT_NO_MATCHES), n_matches);
    if (st == DB_OK)
        st = post_facet_add(d, *id, 1);
    return st;
}

static db_status create_body(tx *t, void *ctx)
{
    write_ctx *c = ctx;
    size_t n_matches = 0;
    db_status st = post_insert_tx(t->d, c->in, t->actor_id, 0, 0, c->errs, &c->id, &n_matches);
    if (st != DB_OK)
        return st;
    t->entity_id = c->id;
    buf_reset(&t->detail);
    detail_post(&t->detail, c->in, n_matches);
    return DB_OK;
}

db_status post_create(db *d, const post_rec *in, int64_t actor_id, const char *ip,
                      form_errors *errs, int64_t *id)
{
    form_errors local = {0};
    write_ctx c = {.in = in, .errs = errs ? errs : &local};
    tx t = TX_INIT(actor_id, ip, "post_create", "post", 0);
    t.bump = TX_DIRECTORY;
    db_status st = tx_write(d, &t, create_body, &c);
    if (st == DB_OK && id)
        *id = c.id;
    return st;
}

/* Reads the state of post id: DB_DONE when none. */
static db_status read_state(db *d, int64_t id, char status[8], int64_t *published_at,
                            int64_t *org_id, int64_t *author_id)
{
    db_stmt *s = db_query(d, SQL_STATE, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        snprintf(status, 8, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
        *published_at = db_col_int(s, 1);
        *org_id = db_col_int(s, 2);
        *author_id = db_col_int(s, 3);
        st = DB_OK;
    }
    db_reset(s);
    return st;
}

static db_status update_body(tx *t, void *ctx)
{
    write_ctx *c = ctx;
    c->errs->n_items = 0;
    char status[8];
    int64_t published_at, org_id, author_id;
    db_status st = read_state(t->d, c->in->id, status, &published_at, &org_id, &author_id);
    if (st != DB_OK)
        return st;
    if (strcmp(status, "open") != 0) {
        err_add(c->errs, "status", FE_INVALID, 0, 0);
        return DB_CONSTRAINT;
    }
    post_rec in = *c->in;
    in.org_id = org_id; /* a post stays with its organisation */
    in.published_at = published_at;
    st = post_validate(t->d, &in, c->errs);
    if (st != DB_OK)
        return st;
    if (c->errs->n_items)
        return DB_CONSTRAINT;
    st = post_facet_add(t->d, in.id, -1); /* the board's counts: out as it was, in as it is */
    if (st != DB_OK)
        return st;
    st = db_do(t->d, SQL_UPDATE,
               DB_ARGS(DBI(in.id), DBT(in.kind), DBT(in.topic), DBT(in.lang), DBT(in.title),
                       DBT(in.body), DBT(in.title_tr && *in.title_tr ? in.title_tr : NULL),
                       DBT(in.body_tr && *in.body_tr ? in.body_tr : NULL),
                       DBT(in.visibility ? in.visibility : "public"), DBT(in.valid_until),
                       DBI(time_now()), t->actor_id ? DBI(t->actor_id) : DBNULL));
    size_t n_matches = 0;
    if (st == DB_OK)
        st = put_parts(t->d, in.id, &in, true, true, &n_matches);
    if (st == DB_OK)
        st = post_facet_add(t->d, in.id, 1);
    buf_reset(&t->detail);
    detail_post(&t->detail, &in, n_matches);
    return st;
}

db_status post_update(db *d, const post_rec *in, int64_t actor_id, const char *ip,
                      form_errors *errs)
{
    form_errors local = {0};
    write_ctx c = {.in = in, .errs = errs ? errs : &local};
    tx t = TX_INIT(actor_id, ip, "post_update", "post", in->id);
    t.bump = TX_DIRECTORY;
    return tx_write(d, &t, update_body, &c);
}

static const char SQL_CLOSE[] =
    "UPDATE post SET status = 'closed', close_reason = $2, closed_at = $3, updated_at = $3,"
    "       updated_by = $4 WHERE id = $1 AND status = 'open'";

static db_status close_body(tx *t, void *ctx)
{
    write_ctx *c = ctx;
    c->errs->n_items = 0;
    if (!str_in(c->reason, post_close_reasons)) {
        err_add(c->errs, "reason", c->reason && *c->reason ? FE_CHOICE : FE_REQUIRED, 0, 0);
        return DB_CONSTRAINT;
    }
    char status[8];
    int64_t published_at, org_id, author_id;
    db_status st = read_state(t->d, c->id, status, &published_at, &org_id, &author_id);
    if (st != DB_OK)
        return st;
    if (strcmp(status, "open") != 0) {
        err_add(c->errs, "status", FE_INVALID, 0, 0);
        return DB_CONSTRAINT;
    }
    int64_t now = time_now();
    st = post_facet_add(t->d, c->id, -1);
    if (st != DB_OK)
        return st;
    st = db_do(
        t->d, SQL_CLOSE,
        DB_ARGS(DBI(c->id), DBT(c->reason), DBI(now), t->actor_id ? DBI(t->actor_id) : DBNULL));
    if (st == DB_OK)
        st = match_forget(t->d, c->id);
    buf_reset(&t->detail);
    buf_putc(&t->detail, '{');
    json_put_key(&t->detail, "reason", true);
    json_put_string(&t->detail, c->reason);
    buf_putc(&t->detail, '}');
    return st;
}

db_status post_close(db *d, int64_t id, const char *reason, int64_t actor_id, const char *ip,
                     form_errors *errs)
{
    form_errors local = {0};
    write_ctx c = {.id = id, .reason = reason, .errs = errs ? errs : &local};
    tx t = TX_INIT(actor_id, ip, "post_close", "post", id);
    t.bump = TX_DIRECTORY;
    return tx_write(d, &t, close_body, &c);
}

/* the open posts of organisation $1 */
static const char SQL_ORG_OPEN[] = "SELECT id FROM post WHERE org_id = $1 AND status = 'open'";

static void row_id(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)a, (void)oom, (void)ctx;
    *(int64_t *)item = db_col_int(s, 0);
}

db_status post_close_org_tx(db *d, int64_t org_id, int64_t actor_id, size_t *n_closed)
{
    assert(db_in_tx(d));
    *n_closed = 0;
    arena a = ARENA_INIT;
    int64_t *ids = NULL;
    size_t n = 0;
    db_stmt *s = db_query(d, SQL_ORG_OPEN, DB_ARGS(DBI(org_id)));
    db_status st = s ? db_collect(s, &a, (void **)&ids, &n, sizeof *ids, row_id, NULL) : DB_ERR;
    int64_t now = time_now();
    for (size_t i = 0; st == DB_OK && i < n; i++) {
        st = post_facet_add(d, ids[i], -1); /* out of the stored counts as it was */
        if (st == DB_OK)
            st = db_do(d, SQL_CLOSE,
                       DB_ARGS(DBI(ids[i]), DBT("no_longer_needed"), DBI(now),
                               actor_id ? DBI(actor_id) : DBNULL));
        if (st == DB_OK)
            st = match_forget(d, ids[i]);
        if (st == DB_OK)
            st = audit_add(d, actor_id, NULL, "post_close", "post", ids[i],
                           "{\"reason\":\"no_longer_needed\",\"org_unpublished\":true}");
    }
    if (st == DB_OK)
        *n_closed = n;
    arena_free(&a);
    return st;
}

static const char SQL_HIDE[] =
    "UPDATE post SET status = 'hidden', hidden_reason = $2, close_reason = NULL,"
    "       updated_at = $3, updated_by = $4 WHERE id = $1";
/* a closed post keeps its outcome for the statistics: hidden only */
static const char SQL_HIDE_CLOSED[] =
    "UPDATE post SET hidden_reason = $2, updated_at = $3, updated_by = $4"
    " WHERE id = $1 AND status = 'closed'";
static const char SQL_AUTHOR_MAIL[] =
    "SELECT p.email, coalesce(p.lang, 'en'), t.title FROM post t JOIN person p ON p.id = "
    "t.author_id"
    " WHERE t.id = $1 AND p.erased_at IS NULL AND p.email IS NOT NULL";

static db_status hide_body(tx *t, void *ctx)
{
    write_ctx *c = ctx;
    c->errs->n_items = 0;
    check_text(c->errs, "reason", c->reason, true, POST_REASON_MAX, false);
    if (c->errs->n_items)
        return DB_CONSTRAINT;
    char status[8];
    int64_t published_at, org_id, author_id;
    db_status st = read_state(t->d, c->id, status, &published_at, &org_id, &author_id);
    if (st != DB_OK)
        return st;
    st = post_facet_add(t->d, c->id, -1);
    if (st != DB_OK)
        return st;
    st = db_do(t->d, strcmp(status, "closed") == 0 ? SQL_HIDE_CLOSED : SQL_HIDE,
               DB_ARGS(DBI(c->id), DBT(c->reason), DBI(time_now()),
                       t->actor_id ? DBI(t->actor_id) : DBNULL));
    if (st == DB_OK)
        st = match_forget(t->d, c->id);
    if (st != DB_OK)
        return st;
    /* the author hears why, in their language */
    char to[256] = "", title[POST_TITLE_MAX * 4 + 1] = "";
    lang_id L = LANG_EN;
    db_stmt *s = db_query(t->d, SQL_AUTHOR_MAIL, DB_ARGS(DBI(c->id)));
    if (!s)
        return DB_ERR;
    st = db_step(s);
    if (st == DB_ROW) {
        snprintf(to, sizeof to, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
        if (!i18n_parse(db_col_text(s, 1), &L))
            L = LANG_EN;
        snprintf(title, sizeof title, "%s", db_col_text(s, 2) ? db_col_text(s, 2) : "");
        st = DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    if (st == DB_OK && *to) {
        buf subject = BUF_INIT, body = BUF_INIT;
        buf_puts(&subject, T(L, MSG_POST_HIDE_MAIL_SUBJECT));
        buf_printf(&body, T(L, MSG_POST_HIDE_MAIL_BODY), title, c->reason);
        if (c->base_url)
            buf_printf(&body, "\n\n%s/cooperation/%lld\n", c->base_url, (long long)c->id);
        st = mail_queue_buf(t->d, to, &subject, &body);
    }
    buf_reset(&t->detail);
    buf_putc(&t->detail, '{');
    json_put_key(&t->detail, "reason", true);
    json_put_string(&t->detail, c->reason);
    json_put_key(&t->detail, "author_mailed", false);
    json_put_bool(&t->detail, *to != '\0');
    buf_putc(&t->detail, '}');
    return st;
}

db_status post_hide(db *d, int64_t id, const char *reason, int64_t actor_id, const char *ip,
                    const char *base_url, form_errors *errs)
{
    form_errors local = {0};
    write_ctx c = {.id = id, .reason = reason, .base_url = base_url, .errs = errs ? errs : &local};
    tx t = TX_INIT(actor_id, ip, "post_hide", "post", id);
    t.bump = TX_DIRECTORY;
    return tx_write(d, &t, hide_body, &c);
}

static const char SQL_REPORT[] =
    "INSERT INTO post_report(post_id, person_id, reason, created_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT(post_id, person_id) DO NOTHING";
static const char SQL_REPORTS[] = "SELECT count(*) FROM post_report WHERE post_id = $1";

static db_status report_body(tx *t, void *ctx)
{
    write_ctx *c = ctx;
    c->errs->n_items = 0;
    check_text(c->errs, "reason", c->reason, false, POST_REASON_MAX, false);
    if (c->errs->n_items)
        return DB_CONSTRAINT;
    char status[8];
    int64_t published_at, org_id, author_id;
    db_status st = read_state(t->d, c->id, status, &published_at, &org_id, &author_id);
    if (st != DB_OK)
        return st;
    st = db_do(t->d, SQL_REPORT,
               DB_ARGS(DBI(c->id), DBI(c->person_id),
                       DBT(c->reason && *c->reason ? c->reason : NULL), DBI(time_now())));
    if (st == DB_OK)
        st = db_int(t->d, &c->n_reports, 0, SQL_REPORTS, DB_ARGS(DBI(c->id)));
    buf_reset(&t->detail);
    buf_putc(&t->detail, '{');
    json_put_key(&t->detail, "reports", true);
    json_put_int(&t->detail, c->n_reports);
    buf_putc(&t->detail, '}');
    return st;
}

db_status post_report(db *d, int64_t id, int64_t person_id, const char *reason, const char *ip,
                      form_errors *errs, int64_t *n_reports)
{
    form_errors local = {0};
    write_ctx c = {
        .id = id, .reason = reason, .person_id = person_id, .errs = errs ? errs : &local};
    tx t = TX_INIT(person_id, ip, "post_report", "post", id);
    db_status st = tx_write(d, &t, report_body, &c);
    if (st == DB_OK && n_reports)
        *n_reports = c.n_reports;
    return st;
}
