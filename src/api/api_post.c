/* api_post.c: the cooperation board over JSON (/api/v1/posts): the list
 * with the board's filters and keyset cursors, one post, publishing,
 * merge-patching and closing a post, and a post's matches with their
 * reasons (codes, words, and the sentence the page shows, in the asker's
 * language).
 *
 * Handlers only translate: validation is post.c's (post_validate, worded
 * in English by post_error_text), so the API refuses what the forms
 * refuse, in the same 422 shape as api_org.c ({"error":{"code":"invalid",
 * "message", "fields":{name: text}}}); this file adds what JSON itself can
 * get wrong (unknown or read-only keys, wrong types). Visibility as on the
 * pages: hidden posts answer 404 except to the secretariat and the post's
 * organisation, members-only posts 404 to those who are not members. */
#include <string.h>

#include "api/api.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/post.h"
#include "model/rights.h"
#include "web/web.h"

/* --- who sees what ---------------------------------------------------------------- */

static bool is_member(req *r)
{
    return r->user && (r->user->secretariat >= SEC_EDITOR ||
                       rights_can(r->db, r->user, RIGHT_VIEW_SCAN_ONLY, 0));
}

/* Loads {id} if the asker may see it; writes the 404/5xx otherwise. */
static bool load_visible(req *r, post_rec *p)
{
    int64_t id = 0;
    const char *v = req_param(r, "id");
    bool found = false;
    if (v && str_to_i64(v, &id) && id > 0) {
        db_status st = post_get(r->db, r->a, id, p, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "post_get");
            return false;
        }
    }
    /* a draft or archived organisation's post: as its profile, 404 */
    if (found && !p->org_published)
        found = r->user && (r->user->secretariat >= SEC_EDITOR ||
                            rights_can(r->db, r->user, RIGHT_POST_WRITE, p->org_id));
    if (found && p->hidden)
        found = r->user && (r->user->secretariat >= SEC_EDITOR ||
                            rights_can(r->db, r->user, RIGHT_POST_WRITE, p->org_id));
    if (found && p->visibility && strcmp(p->visibility, "members") == 0)
        found =
            is_member(r) || (r->user && rights_can(r->db, r->user, RIGHT_POST_WRITE, p->org_id));
    if (!found) {
        resp_error(r, 404, "There is no such post.");
        return false;
    }
    return true;
}

/* --- writing records ----------------------------------------------------------------- */

static void put_list(buf *o, const char *key, const char **v, size_t n)
{
    json_put_key(o, key, false);
    buf_putc(o, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(o, ',');
        json_put_string(o, v[i]);
    }
    buf_putc(o, ']');
}

static void put_time(buf *o, const char *key, int64_t t)
{
    json_put_key(o, key, false);
    if (!t) {
        buf_puts(o, "null");
        return;
    }
    buf_putc(o, '"');
    time_fmt_iso(o, t);
    buf_putc(o, '"');
}

/* One post; with_codes for a single post (the list leaves them out). */
static void put_post(buf *o, const post_rec *p, bool with_codes)
{
    buf_putc(o, '{');
    json_put_key(o, "id", true);
    json_put_int(o, p->id);
    json_put_key(o, "org", false);
    buf_putc(o, '{');
    json_put_key(o, "id", true);
    json_put_int(o, p->org_id);
    json_put_field(o, "slug", p->org_slug);
    json_put_field(o, "name", p->org_name);
    buf_putc(o, '}');
    json_put_field(o, "kind", p->kind);
    json_put_field(o, "topic", p->topic);
    json_put_field(o, "lang", p->lang);
    json_put_field(o, "title", p->title);
    json_put_field(o, "body", p->body);
    json_put_field(o, "title_tr", p->title_tr);
    json_put_field(o, "body_tr", p->body_tr);
    json_put_field(o, "visibility", p->visibility);
    json_put_field(o, "valid_until", p->valid_until);
    json_put_field(o, "status", p->status);
    json_put_key(o, "expired", false);
    json_put_bool(o, p->expired);
    json_put_field(o, "close_reason", p->close_reason);
    json_put_key(o, "is_demo", false);
    json_put_bool(o, p->is_demo);
    put_time(o, "published_at", p->published_at);
    put_time(o, "updated_at", p->updated_at);
    if (with_codes) {
        put_list(o, "nace", p->nace, p->n_nace);
        put_list(o, "fos", p->fos, p->n_fos);
        put_list(o, "geo", p->geo, p->n_geo);
    }
    buf_putc(o, '}');
}

static void send_post(req *r, unsigned status, int64_t id)
{
    post_rec p;
    bool found = false;
    db_status st = post_get(r->db, r->a, id, &p, &found);
    if (st != DB_OK || !found) {
        resp_fail(r, st == DB_OK ? DB_ERR : st, "post reload");
        return;
    }
    r->status = status;
    r->content_type = "application/json";
    buf_reset(&r->out);
    put_post(&r->out, &p, true);
    buf_putc(&r->out, '\n');
}

/* --- 422 answers ---------------------------------------------------------------------- */

static void errs_from_model(req *r, api_errs *e, const form_errors *fe)
{
    for (size_t i = 0; i < fe->n_items; i++) {
        buf t = BUF_INIT;
        post_error_text(&t, LANG_EN, &fe->items[i]);
        const char *text = arena_strdup(r->a, buf_str(&t));
        buf_free(&t);
        const char *field = strcmp(fe->items[i].field, "org") == 0 ? "org_id" : fe->items[i].field;
        api_errs_add(r, e, field, text ? text : "Not valid.");
    }
}

/* --- reading bodies -------------------------------------------------------------------- */

static const char *const text_keys[] = {"kind",     "topic",   "lang",        "title",      "body",
                                        "title_tr", "body_tr", "valid_until", "visibility", NULL};
static const char *const list_keys[] = {"nace", "fos", "geo", NULL};
static const char *const read_only[] = {"id",         "org",          "status",
                                        "expired",    "is_demo",      "published_at",
                                        "updated_at", "close_reason", NULL};

static const char **text_slot(post_rec *p, const char *key)
{
    if (strcmp(key, "kind") == 0)
        return &p->kind;
    if (strcmp(key, "topic") == 0)
        return &p->topic;
    if (strcmp(key, "lang") == 0)
        return &p->lang;
    if (strcmp(key, "title") == 0)
        return &p->title;
    if (strcmp(key, "body") == 0)
        return &p->body;
    if (strcmp(key, "title_tr") == 0)
        return &p->title_tr;
    if (strcmp(key, "body_tr") == 0)
        return &p->body_tr;
    if (strcmp(key, "valid_until") == 0)
        return &p->valid_until;
    return &p->visibility;
}

static bool in(const char *k, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(k, list[i]) == 0)
            return true;
    return false;
}

/* Applies body's keys to *p (merge: absent keys keep their value, null
 * clears). org_id is read only when allow_org. Problems go to e. False
 * when out of memory. */
static bool apply_body(req *r, json_t *body, post_rec *p, api_errs *e, bool allow_org,
                       int64_t *org_id)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        const char *k = arena_strdup(r->a, key);
        if (!k)
            return false;
        if (strcmp(k, "org_id") == 0 && allow_org) {
            if (!json_is_integer(v))
                api_errs_add(r, e, k, "Must be the id of an organisation (a number).");
            else
                *org_id = json_integer_value(v);
        } else if (in(k, text_keys)) {
            if (json_is_null(v))
                *text_slot(p, k) = NULL;
            else if (!json_is_string(v))
                api_errs_add(r, e, k, "Must be a string.");
            else if (!(*text_slot(p, k) = arena_strdup(r->a, json_string_value(v))))
                return false;
        } else if (in(k, list_keys)) {
            const char ***list = strcmp(k, "nace") == 0  ? &p->nace
                                 : strcmp(k, "fos") == 0 ? &p->fos
                                                         : &p->geo;
            size_t *n = strcmp(k, "nace") == 0  ? &p->n_nace
                        : strcmp(k, "fos") == 0 ? &p->n_fos
                                                : &p->n_geo;
            if (json_is_null(v)) {
                *list = NULL;
                *n = 0;
                continue;
            }
            if (!json_is_array(v) || json_array_size(v) > 64) {
                api_errs_add(r, e, k, "Must be an array of codes (at most 20).");
                continue;
            }
            size_t cnt = json_array_size(v);
            const char **items = arena_alloc(r->a, (cnt ? cnt : 1) * sizeof *items);
            if (!items)
                return false;
            bool ok = true;
            for (size_t i = 0; i < cnt && ok; i++) {
                json_t *c = json_array_get(v, i);
                ok = json_is_string(c);
                if (ok && !(items[i] = arena_strdup(r->a, json_string_value(c))))
                    return false;
            }
            if (!ok) {
                api_errs_add(r, e, k, "Must be an array of codes (strings).");
                continue;
            }
            *list = items;
            *n = cnt;
        } else if (in(k, read_only) || strcmp(k, "org_id") == 0) {
            api_errs_add(r, e, k, "This field is read-only.");
        } else {
            api_errs_add(r, e, k, "Unknown field.");
        }
    }
    return true;
}

/* --- handlers ----------------------------------------------------------------------------- */

static const char *filter(req *r, const char *name)
{
    const char *v = req_query(r, name);
    return v && *v ? v : NULL;
}

/* GET /api/v1/posts */
void api_post_list(req *r)
{
    api_page pg;
    if (!api_page_parse(r, &pg))
        return;
    post_query q = {.kind = filter(r, "kind"),
                    .topic = filter(r, "topic"),
                    .sector = filter(r, "sector"),
                    .geo = filter(r, "region"),
                    .members = is_member(r),
                    .after_id = pg.after,
                    .limit = pg.limit};
    q.text = filter(r, "q");
    post_text_check qc = post_text_valid(q.text);
    if (qc != POST_TEXT_OK) {
        resp_error(r, 400,
                   qc == POST_TEXT_TOO_LONG
                       ? arena_printf(r->a,
                                      "q must be at most %d bytes: use fewer or shorter words.",
                                      POST_TEXT_MAX)
                       : "q must hold at least one letter or digit to search for.");
        return;
    }
    const char *sort = filter(r, "sort");
    if (sort && strcmp(sort, "closing") == 0)
        q.sort = POST_SORT_CLOSING;
    else if (sort && strcmp(sort, "newest") != 0) {
        resp_error(r, 400, "sort must be newest or closing.");
        return;
    }
    const char *org = filter(r, "org_id");
    if (org && (!str_to_i64(org, &q.org_id) || q.org_id < 1)) {
        resp_error(r, 400, "org_id must be the id of an organisation.");
        return;
    }
    const char *cl = filter(r, "cluster");
    if (cl) {
        db_status st = post_cluster_id(r->db, cl, &q.cluster_id);
        if (st != DB_OK) {
            resp_fail(r, st, "post_cluster_id");
            return;
        }
        if (!q.cluster_id)
            q.cluster_id = -1;
    }
    post_rec *items = NULL;
    size_t n = 0;
    bool more = false;
    db_status st = post_list(r->db, r->a, &q, &items, &n, &more);
    if (st != DB_OK) {
        resp_fail(r, st, "post_list");
        return;
    }
    buf *o = &r->out;
    r->content_type = "application/json";
    buf_puts(o, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(o, ',');
        put_post(o, &items[i], false);
    }
    buf_puts(o, "],\"next_cursor\":");
    if (more && n) {
        buf_putc(o, '"');
        api_cursor_encode(o, items[n - 1].id);
        buf_putc(o, '"');
    } else {
        buf_puts(o, "null");
    }
    buf_puts(o, "}\n");
}

/* GET /api/v1/posts/{id} */
void api_post_get(req *r)
{
    post_rec p;
    if (!load_visible(r, &p))
        return;
    r->content_type = "application/json";
    put_post(&r->out, &p, true);
    buf_putc(&r->out, '\n');
}

static void write_failed(req *r, db_status st, const form_errors *fe, const char *what)
{
    if (st == DB_CONSTRAINT && fe->n_items) {
        if (strcmp(fe->items[0].field, "status") == 0) {
            resp_error(r, 409, "This post is no longer open, so it cannot be changed.");
            return;
        }
        api_errs e = {0};
        errs_from_model(r, &e, fe);
        api_send_invalid(r, &e);
        return;
    }
    resp_fail(r, st, what);
}

/* POST /api/v1/posts */
void api_post_create(req *r)
{
    json_t *body;
    if (!api_read_json(r, &body))
        return;
    post_rec p = {0};
    api_errs e = {0};
    int64_t org_id = 0;
    bool ok = apply_body(r, body, &p, &e, true, &org_id);
    json_decref(body);
    if (!ok) {
        resp_fail(r, DB_NOMEM, "post create: body");
        return;
    }
    /* who may post for the organisation first: a refusal says nothing
     * about the rest of the body */
    if (org_id && !rights_can(r->db, r->user, RIGHT_POST_WRITE, org_id)) {
        resp_error(r, 403,
                   "Only the organisation's representatives (or a cluster's managers, for the "
                   "cluster) may publish posts for it.");
        return;
    }
    if (!org_id)
        api_errs_add(r, &e, "org_id", "This field is required.");
    if (e.n) {
        api_send_invalid(r, &e);
        return;
    }
    p.org_id = org_id;
    form_errors fe = {0};
    int64_t id = 0;
    db_status st = post_create(r->db, &p, r->user->person_id, r->client_ip, &fe, &id);
    if (st != DB_OK) {
        write_failed(r, st, &fe, "post create");
        return;
    }
    send_post(r, 201, id);
}

/* PATCH /api/v1/posts/{id} */
void api_post_patch(req *r)
{
    post_rec p;
    if (!load_visible(r, &p))
        return;
    if (!rights_can(r->db, r->user, RIGHT_POST_WRITE, p.org_id)) {
        resp_error(r, 403, "You may not change this post.");
        return;
    }
    json_t *body;
    if (!api_read_json(r, &body))
        return;
    api_errs e = {0};
    bool ok = apply_body(r, body, &p, &e, false, NULL);
    json_decref(body);
    if (!ok) {
        resp_fail(r, DB_NOMEM, "post patch: body");
        return;
    }
    if (e.n) {
        api_send_invalid(r, &e);
        return;
    }
    form_errors fe = {0};
    db_status st = post_update(r->db, &p, r->user->person_id, r->client_ip, &fe);
    if (st != DB_OK) {
        write_failed(r, st, &fe, "post update");
        return;
    }
    send_post(r, 200, p.id);
}

/* POST /api/v1/posts/{id}/close {"reason": "found_partner"|"no_longer_needed"} */
void api_post_close(req *r)
{
    post_rec p;
    if (!load_visible(r, &p))
        return;
    if (!rights_can(r->db, r->user, RIGHT_POST_WRITE, p.org_id)) {
        resp_error(r, 403, "You may not close this post.");
        return;
    }
    json_t *body;
    if (!api_read_json(r, &body))
        return;
    json_t *v = json_object_get(body, "reason");
    const char *reason = json_is_string(v) ? arena_strdup(r->a, json_string_value(v)) : NULL;
    json_decref(body);
    form_errors fe = {0};
    db_status st = post_close(r->db, p.id, reason, r->user->person_id, r->client_ip, &fe);
    if (st != DB_OK) {
        write_failed(r, st, &fe, "post close");
        return;
    }
    send_post(r, 200, p.id);
}

/* GET /api/v1/posts/{id}/matches */
void api_post_matches(req *r)
{
    post_rec p;
    if (!load_visible(r, &p))
        return;
    post_match_rec *m = NULL;
    size_t n = 0;
    db_status st = post_matches(r->db, r->a, p.id, is_member(r), 20, &m, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "post_matches");
        return;
    }
    buf *o = &r->out;
    r->content_type = "application/json";
    buf_puts(o, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        const match_hit *h = &m[i].hit;
        if (i)
            buf_putc(o, ',');
        buf_putc(o, '{');
        json_put_key(o, "type", true);
        json_put_string(o, h->post_id ? "post" : "org");
        json_put_key(o, "post_id", false);
        if (h->post_id)
            json_put_int(o, h->post_id);
        else
            buf_puts(o, "null");
        json_put_field(o, "title", m[i].title);
        json_put_field(o, "kind", m[i].kind);
        json_put_key(o, "org", false);
        buf_putc(o, '{');
        json_put_key(o, "id", true);
        json_put_int(o, h->org_id);
        json_put_field(o, "slug", m[i].org_slug);
        json_put_field(o, "name", m[i].org_name);
        buf_putc(o, '}');
        json_put_key(o, "score", false);
        json_put_int(o, h->score);
        json_put_key(o, "cross_cluster", false);
        json_put_bool(o, h->cross_cluster);
        json_put_key(o, "reasons", false);
        buf_putc(o, '{');
        json_put_key(o, "nace", true);
        buf_putc(o, '[');
        for (size_t k = 0; k < h->n_nace; k++) {
            if (k)
                buf_putc(o, ',');
            json_put_string(o, h->nace[k]);
        }
        buf_putc(o, ']');
        put_list(o, "fos", h->fos, h->n_fos);
        put_list(o, "geo", h->geo, h->n_geo);
        put_list(o, "words", h->words, h->n_words);
        buf_putc(o, '}');
        const char *texts[] = {p.title, p.title_tr, p.body, p.body_tr, m[i].title};
        json_put_field(o, "why", web_post_why(r, h, texts, 5));
        buf_putc(o, '}');
    }
    buf_puts(o, "]}\n");
}
