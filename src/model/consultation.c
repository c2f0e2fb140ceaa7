/* consultation.c: the consultations tracker (see consultation.h).
 *
 * One valid_table checks the input; the tx_write body resolves the
 * institution's slug and the answering position inside the transaction.
 * Lists read the consultations and, with a second query, the positions
 * answering them, stitched in C. */
#include "model/consultation.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "core/utf8.h"
#include "ical/ical.h"
#include "json/json.h"
#include "model/digest.h"
#include "model/tx.h"
#include "db/db.h"

enum { CO_TITLE_SR, CO_TITLE_EN, CO_INSTITUTION, CO_URL, CO_DEADLINE, CO_POSITION, CO_N };
static const form_rule rules[CO_N] = {
    [CO_TITLE_SR] = {"title_sr", FV_TEXT, FORM_REQUIRED, 1, CONSULTATION_TITLE_MAX, NULL},
    [CO_TITLE_EN] = {"title_en", FV_TEXT, 0, 0, CONSULTATION_TITLE_MAX, NULL},
    [CO_INSTITUTION] = {"institution", FV_TEXT, 0, 0, 200, NULL},
    [CO_URL] = {"url", FV_URL, 0, 0, 1000, NULL},
    [CO_DEADLINE] = {"deadline_on", FV_DATE, FORM_REQUIRED, 0, 0, NULL},
    [CO_POSITION] = {"position", FV_INT, 0, 1, INT64_MAX, NULL},
};
static const valid_table table = {rules, CO_N, NULL, 0};

static const char SQL_LIST[] =
    "SELECT c.id, coalesce(c.institution_id, 0), c.title_sr, c.title_en, c.url, c.deadline_on,"
    " o.slug, o.name, o.name_en, c.is_demo, c.created_at, c.updated_at, c.deadline_on >= $1"
    " FROM consultation c LEFT JOIN org o ON o.id = c.institution_id"
    " WHERE $2 = 0 OR c.id = $2"
    " ORDER BY c.deadline_on >= $1 DESC,"
    " CASE WHEN c.deadline_on >= $1 THEN c.deadline_on END ASC, c.deadline_on DESC, c.id"
    " LIMIT 500";
static const char SQL_POSITIONS[] =
    "SELECT p.consultation_id, p.id, v.title_sr, v.title_en, p.stage FROM position p"
    " LEFT JOIN position_version v ON v.position_id = p.id AND v.version = p.version"
    " WHERE p.consultation_id IS NOT NULL AND ($1 = 0 OR p.consultation_id = $1)"
    "   AND p.stage IN ('submitted', 'answered', 'closed')" /* the public ones: the tracker is
                                                               public */
    " ORDER BY p.consultation_id, p.id";

static void row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    consultation_rec *c = item;
    c->id = db_col_int(s, 0);
    c->institution_id = db_col_int(s, 1);
    c->title_sr = db_col_dup(a, s, 2, oom);
    c->title_en = db_col_dup(a, s, 3, oom);
    c->url = db_col_dup(a, s, 4, oom);
    c->deadline_on = db_col_dup(a, s, 5, oom);
    c->institution_slug = db_col_dup(a, s, 6, oom);
    c->institution_name = db_col_dup(a, s, 7, oom);
    c->institution_name_en = db_col_dup(a, s, 8, oom);
    c->is_demo = db_col_int(s, 9) != 0;
    c->created_at = db_col_int(s, 10);
    c->updated_at = db_col_int(s, 11);
    c->open = db_col_int(s, 12) != 0;
}

typedef struct pos_pair {
    int64_t consultation_id;
    consultation_position p;
} pos_pair;

static void pos_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    pos_pair *x = item;
    x->consultation_id = db_col_int(s, 0);
    x->p.id = db_col_int(s, 1);
    x->p.title_sr = db_col_dup(a, s, 2, oom);
    x->p.title_en = db_col_dup(a, s, 3, oom);
    x->p.stage = db_col_dup(a, s, 4, oom);
}

static db_status load(db *d, arena *a, int64_t id, const char *today, consultation_rec **out,
                      size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, SQL_LIST, DB_ARGS(DBT(today), DBI(id)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    db_status st = db_collect(s, a, (void **)out, n, sizeof **out, row, NULL);
    if (st != DB_OK || *n == 0)
        return st;
    pos_pair *pp = NULL;
    size_t np = 0;
    if (!(s = db_query(d, SQL_POSITIONS, DB_ARGS(DBI(id)))))
        return db_failure(d) ? db_failure(d) : DB_ERR;
    if ((st = db_collect(s, a, (void **)&pp, &np, sizeof *pp, pos_row, NULL)) != DB_OK)
        return st;
    for (size_t i = 0; i < *n; i++) {
        consultation_rec *c = &(*out)[i];
        size_t k = 0;
        for (size_t j = 0; j < np; j++)
            k += pp[j].consultation_id == c->id;
        if (!k)
            continue;
        c->positions = arena_alloc(a, k * sizeof *c->positions);
        if (!c->positions)
            return DB_NOMEM;
        for (size_t j = 0; j < np; j++)
            if (pp[j].consultation_id == c->id)
                c->positions[c->n_positions++] = pp[j].p;
    }
    return DB_OK;
}

db_status consultation_list(db *d, arena *a, const char *today, consultation_rec **out, size_t *n)
{
    assert(d && a && today && out && n);
    return load(d, a, 0, today, out, n);
}

db_status consultation_get(db *d, arena *a, int64_t id, const char *today, consultation_rec *out,
                           bool *found)
{
    assert(d && a && today && out && found);
    memset(out, 0, sizeof *out);
    *found = false;
    if (id <= 0)
        return DB_OK;
    consultation_rec *c = NULL;
    size_t n = 0;
    db_status st = load(d, a, id, today, &c, &n);
    if (st == DB_OK && n == 1) {
        *out = c[0];
        *found = true;
    }
    return st;
}

static const char SQL_INSTITUTION[] = "SELECT id FROM org WHERE slug = $1 AND status = 'published'";
static const char SQL_EXISTS[] = "SELECT count(*) FROM consultation WHERE id = $1";
static const char SQL_POSITION_EXISTS[] = "SELECT count(*) FROM position WHERE id = $1";
static const char SQL_INSERT[] =
    "INSERT INTO consultation(title_sr, title_en, institution_id, url, deadline_on, created_at,"
    " created_by, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7)"
    " RETURNING id";
static const char SQL_UPDATE[] =
    "UPDATE consultation SET title_sr = $2, title_en = $3, institution_id = $4, url = $5,"
    " deadline_on = $6, updated_at = $7, updated_by = $8 WHERE id = $1";
static const char SQL_LINK[] = "UPDATE position SET consultation_id = $2, updated_at = $3,"
                               " updated_by = $4 WHERE id = $1";

typedef struct save_ctx {
    int64_t id;
    const char *title_sr, *title_en, *institution, *url, *deadline_on;
    int64_t position;
    form_errors *errs;
    int64_t new_id; /* out */
} save_ctx;

static db_status save_body(tx *t, void *vc)
{
    save_ctx *c = vc;
    c->errs->n_items = 0;
    int64_t inst = 0, n = 0, now = time_now();
    db_status st;
    db_val by = t->actor_id ? DBI(t->actor_id) : DBNULL;
    if (c->id) {
        if ((st = db_int(t->d, &n, 0, SQL_EXISTS, DB_ARGS(DBI(c->id)))) != DB_OK)
            return st;
        if (n == 0)
            return DB_DONE;
    }
    if (c->institution) {
        if ((st = db_int(t->d, &inst, 0, SQL_INSTITUTION, DB_ARGS(DBT(c->institution)))) != DB_OK)
            return st;
        if (!inst)
            valid_add_error(c->errs, "institution", FE_INVALID, 0, 0);
    }
    if (c->position) {
        if ((st = db_int(t->d, &n, 0, SQL_POSITION_EXISTS, DB_ARGS(DBI(c->position)))) != DB_OK)
            return st;
        if (n == 0)
            valid_add_error(c->errs, "position", FE_INVALID, 0, 0);
    }
    if (c->errs->n_items)
        return DB_CONSTRAINT;
    db_val iv = inst ? DBI(inst) : DBNULL;
    c->new_id = c->id;
    if (c->id)
        st = db_do(t->d, SQL_UPDATE,
                   DB_ARGS(DBI(c->id), DBT(c->title_sr), db_opt_text(c->title_en), iv,
                           db_opt_text(c->url), DBT(c->deadline_on), DBI(now), by));
    else
        st = db_int(t->d, &c->new_id, 0, SQL_INSERT,
                    DB_ARGS(DBT(c->title_sr), db_opt_text(c->title_en), iv, db_opt_text(c->url),
                            DBT(c->deadline_on), DBI(now), by));
    if (st == DB_OK && c->position)
        st = db_do(t->d, SQL_LINK, DB_ARGS(DBI(c->position), DBI(c->new_id), DBI(now), by));
    if (st != DB_OK)
        return st;
    t->entity_id = c->new_id;
    buf_puts(&t->detail, "{\"title_sr\":");
    json_put_string(&t->detail, c->title_sr);
    buf_puts(&t->detail, ",\"deadline_on\":");
    json_put_string(&t->detail, c->deadline_on);
    if (inst)
        buf_printf(&t->detail, ",\"institution\":%lld", (long long)inst);
    if (c->position)
        buf_printf(&t->detail, ",\"position\":%lld", (long long)c->position);
    buf_putc(&t->detail, '}');
    return DB_OK;
}

db_status consultation_save(db *d, int64_t id, const consultation_input *in, int64_t actor,
                            const char *ip, int64_t *new_id, form_errors *errs)
{
    assert(d && in && errs);
    arena a = ARENA_INIT;
    form_value v[CO_N];
    db_status st;
    const char *vals[CO_N] = {in->title_sr, in->title_en,    in->institution,
                              in->url,      in->deadline_on, in->position};
    if (!valid_values(&a, &table, vals, v, errs, NULL)) {
        st = DB_CONSTRAINT;
        for (size_t i = 0; i < errs->n_items; i++)
            if (errs->items[i].code == FE_NOMEM)
                st = DB_NOMEM;
    } else {
        save_ctx c = {id,
                      v[CO_TITLE_SR].text,
                      v[CO_TITLE_EN].present ? v[CO_TITLE_EN].text : NULL,
                      v[CO_INSTITUTION].present ? v[CO_INSTITUTION].text : NULL,
                      v[CO_URL].present ? v[CO_URL].text : NULL,
                      v[CO_DEADLINE].text,
                      v[CO_POSITION].present ? v[CO_POSITION].i : 0,
                      errs,
                      0};
        tx t =
            TX_INIT(actor, ip, id ? "consultation_update" : "consultation_add", "consultation", id);
        t.bump = TX_DIRECTORY; /* anonymous pages that show it are cached on it */
        st = tx_write(d, &t, save_body, &c);
        if (st == DB_OK && new_id)
            *new_id = c.new_id;
    }
    arena_free(&a);
    return st;
}

/* --- the iCalendar feed ------------------------------------------------------------ */

bool consultation_ics(buf *out, lang_id lang, const char *name, const char *prefix,
                      const consultation_rec *c, size_t n, const char *host, const char *base)
{
    assert(out && name && prefix && host && (c || n == 0));
    ical_event *ev = calloc(n ? n : 1, sizeof *ev);
    buf *text = calloc(n ? 2 * n : 1, sizeof *text); /* summary, uid per event */
    bool ok = ev && text;
    size_t k = 0;
    for (size_t i = 0; ok && i < n; i++) {
        int64_t at;
        if (!time_date_start(c[i].deadline_on, 1, &at))
            continue;
        bool en = lang == LANG_EN && c[i].title_en;
        const char *title = en ? c[i].title_en : c[i].title_sr;
        buf *sum = &text[2 * k], *uid = &text[2 * k + 1];
        buf_puts(sum, prefix);
        if (!en && lang != LANG_SR_CYRL) /* Serbian text in Latin script, as the pages do */
            utf8_cyr_to_lat(sum, title, strlen(title));
        else
            buf_puts(sum, title);
        buf_printf(uid, "consultation-%lld@%s", (long long)c[i].id, host);
        ev[k] = (ical_event){
            .uid = buf_str(uid),
            .summary = buf_str(sum),
            .description = lang == LANG_EN && c[i].institution_name_en ? c[i].institution_name_en
                                                                       : c[i].institution_name,
            .url = c[i].url,
            .starts_at = at - 60, /* 23:59 of the deadline day */
            .stamp = c[i].updated_at,
            .sequence =
                c[i].updated_at > c[i].created_at ? (c[i].updated_at - c[i].created_at) / 60 : 0,
            .alarm_before = 3 * 86400,
        };
        k++;
    }
    /* links to the tracker where the consultation has none: a second pass,
     * the buffers above no longer move */
    buf *links = ok ? calloc(k ? k : 1, sizeof *links) : NULL;
    ok = ok && links;
    for (size_t i = 0, j = 0; ok && i < n && j < k; i++) {
        if (!time_date_start(c[i].deadline_on, 1, &(int64_t){0}))
            continue;
        if (!ev[j].url && base) {
            buf_printf(&links[j], "%s/consultations#consultation-%lld", base, (long long)c[i].id);
            ev[j].url = buf_str(&links[j]);
        }
        j++;
    }
    for (size_t i = 0; ok && i < 2 * k; i++)
        ok = !buf_failed(&text[i]);
    for (size_t i = 0; ok && i < k; i++)
        ok = !buf_failed(&links[i]);
    if (ok)
        ok = ical_write(out, name, ev, k);
    for (size_t i = 0; text && i < 2 * n; i++)
        buf_free(&text[i]);
    for (size_t i = 0; links && i < k; i++)
        buf_free(&links[i]);
    free(links);
    free(text);
    free(ev);
    return ok;
}

/* --- the digest ------------------------------------------------------------------- */

/* Open consultations with a deadline in [$2, $3] that the reader $1
 * follows a topic of (see consultation.h); $4 = 1 for the secretariat. */
static const char SQL_DIGEST[] =
    "SELECT c.id, c.title_sr, c.title_en, c.deadline_on FROM consultation c"
    " WHERE c.deadline_on >= $2 AND c.deadline_on <= $3 AND ($4 = 1 OR EXISTS ("
    "  SELECT 1 FROM position p WHERE p.consultation_id = c.id AND ("
    "   EXISTS (SELECT 1 FROM notify_follow f WHERE f.person_id = $1 AND f.cluster_id = p.owner_id)"
    "   OR EXISTS (SELECT 1 FROM position_tag g JOIN notify_topic q ON q.person_id = $1"
    "     AND q.page = '/orgs' AND instr('&' || q.query || '&',"
    "     '&sector=' || substr(g.tag, 6) || '&') > 0"
    "     WHERE g.position_id = p.id AND g.tag LIKE 'nace:%'))))"
    " ORDER BY c.deadline_on, c.id LIMIT 20";

typedef struct digest_row_t {
    int64_t id;
    const char *title_sr, *title_en, *deadline_on;
} digest_row_t;

static void digest_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    digest_row_t *x = item;
    x->id = db_col_int(s, 0);
    x->title_sr = db_col_dup(a, s, 1, oom);
    x->title_en = db_col_dup(a, s, 2, oom);
    x->deadline_on = db_col_dup(a, s, 3, oom);
}

db_status consultation_digest(db *d, arena *a, const digest_reader *r, const digest_period *w,
                              digest_part *out)
{
    char from[11], to[11];
    time_t tt = (time_t)w->now, te = (time_t)(w->now + CONSULTATION_DIGEST_DAYS * 86400);
    struct tm tm;
    if (!localtime_r(&tt, &tm) || strftime(from, sizeof from, "%Y-%m-%d", &tm) != 10 ||
        !localtime_r(&te, &tm) || strftime(to, sizeof to, "%Y-%m-%d", &tm) != 10)
        return DB_OK; /* no clock: no section */
    db_stmt *s =
        db_query(d, SQL_DIGEST,
                 DB_ARGS(DBI(r->person_id), DBT(from), DBT(to), DBI(r->sec != SEC_NONE ? 1 : 0)));
    if (!s)
        return db_failure(d) ? db_failure(d) : DB_ERR;
    digest_row_t *x = NULL;
    size_t n = 0;
    db_status st = db_collect(s, a, (void **)&x, &n, sizeof *x, digest_row, NULL);
    for (size_t i = 0; st == DB_OK && i < n; i++) {
        const char *title = r->lang == LANG_EN && x[i].title_en ? x[i].title_en : x[i].title_sr;
        buf lat = BUF_INIT, t = BUF_INIT, due = BUF_INIT;
        if (r->lang == LANG_SR_LATN) {
            utf8_cyr_to_lat(&lat, title, strlen(title));
            if (!buf_failed(&lat))
                title = buf_str(&lat);
        }
        int64_t at;
        if (time_date_start(x[i].deadline_on, 0, &at))
            i18n_fmt_date(&due, r->lang, at + 12 * 3600);
        else
            buf_puts(&due, x[i].deadline_on);
        buf_printf(&t, T(r->lang, MSG_ADV_DIGEST_LINE), title, buf_str(&due));
        char href[64];
        snprintf(href, sizeof href, "/consultations#consultation-%lld", (long long)x[i].id);
        digest_item(out, buf_str(&t), href);
        buf_free(&t);
        buf_free(&lat);
        buf_free(&due);
    }
    return st;
}
