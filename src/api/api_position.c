/* api_position.c: advocacy positions as JSON (issue 16).
 *
 *   GET  /api/v1/positions                       a page of positions (?stage, ?tag, ?page)
 *   GET  /api/v1/positions/{id}                  one, with versions, signatures and weight
 *   POST /api/v1/positions                       create a draft (write token)
 *   PATCH /api/v1/positions/{id}                 change a draft in place: the fields given
 *   POST /api/v1/positions/{id}/versions         publish a new version: the fields given
 *                                                over the current ones, with a note
 *   POST /api/v1/positions/{id}/stage            move {"stage", "consult_until"} as the page
 *   POST /api/v1/positions/{id}/signatures       sign {"org_id": n} (write token)
 *   POST /api/v1/positions/{id}/withdraw         withdraw {"org_id": n} (write token)
 *
 * Who sees what is the pages' rule (web_position.c): submitted, answered
 * and closed are public; consultation and signing for RIGHT_POSITION_TAKE_PART
 * and the owner's writers; drafts for the owner's writers. Signing is
 * RIGHT_POSITION_SIGN on the organisation (a cluster's manager, an
 * organisation's representative); a read-only token never signs. Refusals
 * of the model are 422 with the field and the catalog's English words.
 * Writing is RIGHT_POSITION_WRITE on the owner (its managers, the
 * secretariat) with a read-write token, through the same model calls as
 * the pages, so the same checks and stage moves apply. Submissions and
 * outcomes are read here and added through api_advocacy.c. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "json/json.h"
#include "model/org.h"
#include "model/position.h"
#include "model/rights.h"
#include "model/submission.h"
#include "core/timeutil.h"
#include "web/web.h"

static bool may_see(req *r, const position_rec *p)
{
    pos_stage s = position_stage_of(p->stage);
    if (position_stage_public(s))
        return true;
    if (!r->user)
        return false;
    principal q = *r->user;
    q.token_write = true; /* reading what its person may write */
    if (rights_can(r->db, &q, RIGHT_POSITION_WRITE, p->owner_id))
        return true;
    return s != POS_DRAFT && rights_can(r->db, r->user, RIGHT_POSITION_TAKE_PART, 0);
}

static void put_head(buf *o, const position_rec *p)
{
    json_put_key(o, "id", true);
    json_put_int(o, p->id);
    json_put_field(o, "kind", p->kind);
    json_put_field(o, "stage", p->stage);
    json_put_field(o, "consult_until", p->consult_until);
    json_put_field(o, "owner", p->owner_slug);
    json_put_field_int(o, "version", p->version);
    json_put_field(o, "title_sr", p->title_sr);
    json_put_field(o, "title_en", p->title_en);
    json_put_field_int(o, "signature_count", p->n_signatures);
    json_put_field_int(o, "stage_at", p->stage_at);
    json_put_key(o, "is_demo", false);
    json_put_bool(o, p->is_demo);
}

void api_position_list(req *r)
{
    position_filter f = {0};
    const char *stage = req_query(r, "stage"), *tag = req_query(r, "tag");
    const char *page = req_query(r, "page");
    if (stage && *stage) {
        if (position_stage_of(stage) == POS_N_STAGES) {
            resp_error(r, 400,
                       "stage: one of draft, consultation, signing, submitted, answered, closed");
            return;
        }
        f.stage = stage;
    }
    if (tag && *tag)
        f.tag = tag;
    f.page = page ? atoi(page) : 0;
    if (f.page < 0 || f.page > 100000) {
        resp_error(r, 400, "page: a number from 0");
        return;
    }
    if (r->user) {
        f.person_id = r->user->person_id;
        f.see = r->user->secretariat != SEC_NONE                          ? 2
                : rights_can(r->db, r->user, RIGHT_POSITION_TAKE_PART, 0) ? 1
                                                                          : 0;
    }
    position_rec *p = NULL;
    size_t n = 0;
    int64_t total = 0;
    db_status st = position_list(r->db, r->a, &f, &p, &n, &total);
    if (st != DB_OK) {
        resp_fail(r, st, "position_list");
        return;
    }
    buf *o = &r->out;
    r->content_type = "application/json";
    buf_puts(o, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        buf_puts(o, i ? ",{" : "{");
        put_head(o, &p[i]);
        buf_puts(o, "}");
    }
    buf_puts(o, "]");
    json_put_field_int(o, "total", total);
    json_put_field_int(o, "page", f.page);
    json_put_field_int(o, "per_page", POS_PAGE);
    buf_puts(o, "}");
}

static bool load(req *r, position_rec *p)
{
    const char *s = req_param(r, "id");
    char *end = NULL;
    long long id = s ? strtoll(s, &end, 10) : 0;
    bool found = false;
    if (!s || !*s || *end || id <= 0) {
        resp_error(r, 404, "No such position.");
        return false;
    }
    db_status st = position_get(r->db, r->a, id, p, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "position_get");
        return false;
    }
    if (!found || (!r->user && !may_see(r, p))) {
        resp_error(r, 404, "No such position, or it is not public yet.");
        return false;
    }
    if (!may_see(r, p)) {
        resp_error(r, 403,
                   "This position is not submitted yet: only the secretariat and the "
                   "people of SCAN's clusters see it (a draft only its writers).");
        return false;
    }
    return true;
}

/* "submissions": each with its institution, date, channel, reference,
 * document and latest answer ("outcome": null while none; "overdue" when
 * the institution is silent past the no-answer days). */
static void put_submissions(req *r, buf *o, const position_rec *p)
{
    submission_rec *s = NULL;
    size_t n = 0;
    char today[11];
    time_today(today);
    db_status st = submission_list(r->db, r->a, p->id, today, &s, &n);
    json_put_key(o, "submissions", false);
    if (st != DB_OK) {
        buf_puts(o, "null");
        return;
    }
    api_put_submissions(o, s, n);
}

/* The position as JSON: its head, tags, versions, signatures, the weight
 * now, and its submissions with their latest answers (public with it). */
static void send_one(req *r, const position_rec *pp)
{
    position_rec p = *pp;
    position_version *v = NULL;
    position_signature *g = NULL;
    const char **tags = NULL;
    position_contribution *share = NULL;
    size_t n_v = 0, n_g = 0, n_tags = 0, n_share = 0;
    position_weight w;
    db_status st = position_versions(r->db, r->a, p.id, &v, &n_v);
    if (st == DB_OK)
        st = position_signatures(r->db, r->a, p.id, &g, &n_g);
    if (st == DB_OK)
        st = position_tags(r->db, r->a, p.id, &tags, &n_tags);
    if (st == DB_OK)
        st = position_weight_cached(r->db, p.id, &w);
    if (st == DB_OK) {
        char today[11];
        time_today(today);
        st = position_contributions(r->db, r->a, p.id, w.year ? w.year : atoi(today), &share,
                                    &n_share);
    }
    if (st != DB_OK) {
        resp_fail(r, st, "position_get");
        return;
    }
    buf *o = &r->out;
    r->content_type = "application/json";
    buf_puts(o, "{");
    put_head(o, &p);
    json_put_key(o, "tags", false);
    buf_puts(o, "[");
    for (size_t i = 0; i < n_tags; i++) {
        if (i)
            buf_puts(o, ",");
        json_put_string(o, tags[i]);
    }
    buf_puts(o, "]");
    json_put_key(o, "versions", false);
    buf_puts(o, "[");
    for (size_t i = 0; i < n_v; i++) {
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "version", true);
        json_put_int(o, v[i].version);
        json_put_field(o, "title_sr", v[i].title_sr);
        json_put_field(o, "title_en", v[i].title_en);
        json_put_field(o, "body_sr", v[i].body_sr);
        json_put_field(o, "body_en", v[i].body_en);
        json_put_field(o, "note", v[i].note);
        json_put_field_int(o, "created_at", v[i].created_at);
        buf_puts(o, "}");
    }
    buf_puts(o, "]");
    json_put_key(o, "signatures", false);
    buf_puts(o, "[");
    for (size_t i = 0; i < n_g; i++) {
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "org", true);
        json_put_string(o, g[i].org_slug);
        json_put_field_int(o, "org_id", g[i].org_id);
        json_put_field_int(o, "signed_at", g[i].signed_at);
        json_put_key(o, "withdrawn_at", false);
        if (g[i].withdrawn_at)
            json_put_int(o, g[i].withdrawn_at);
        else
            buf_puts(o, "null");
        /* whom it speaks for, never its figures (see position_contribution) */
        int64_t orgs = 0;
        for (size_t k = 0; k < n_share; k++)
            if (share[k].signature_id == g[i].id)
                orgs = share[k].orgs;
        json_put_field_int(o, "organisations", g[i].withdrawn_at ? 0 : orgs);
        buf_puts(o, "}");
    }
    buf_puts(o, "]");
    /* the weight now: sums only when the coverage supports them */
    json_put_key(o, "weight", false);
    buf_puts(o, "{");
    json_put_key(o, "clusters", true);
    json_put_int(o, w.clusters);
    json_put_field_int(o, "organisations", w.orgs);
    json_put_key(o, "year", false);
    if (w.year)
        json_put_int(o, w.year);
    else
        buf_puts(o, "null");
    json_put_field_int(o, "members", w.members);
    json_put_field_int(o, "reported", w.reported);
    json_put_key(o, "covered", false);
    json_put_bool(o, w.covered);
    const char *keys[3] = {"employees", "revenue_eur_cents", "exports_eur_cents"};
    int64_t vals[3] = {w.employees, w.revenue_cents, w.exports_cents};
    for (int k = 0; k < 3; k++) {
        json_put_key(o, keys[k], false);
        if (w.year && w.covered && !w.withheld)
            json_put_int(o, vals[k]);
        else
            buf_puts(o, "null");
    }
    json_put_key(o, "illustrative", false);
    json_put_bool(o, w.any_demo);
    buf_puts(o, "}");
    put_submissions(r, o, &p);
    buf_puts(o, "}");
}

void api_position_get(req *r)
{
    position_rec p;
    if (load(r, &p))
        send_one(r, &p);
}

static void sign_json(req *r, bool sign)
{
    position_rec p;
    if (!load(r, &p))
        return;
    json_t *body = NULL;
    if (!api_read_json(r, &body))
        return;
    json_t *org = json_object_get(body, "org_id");
    int64_t org_id = json_is_integer(org) ? (int64_t)json_integer_value(org) : 0;
    json_decref(body);
    if (org_id <= 0) {
        api_errs e = {0};
        api_errs_add(r, &e, "org_id", "the id of the cluster or organisation you sign for");
        api_send_invalid(r, &e);
        return;
    }
    if (!rights_can(r->db, r->user, sign ? RIGHT_POSITION_SIGN : RIGHT_POSITION_WITHDRAW, org_id)) {
        resp_error(r, 403,
                   "You may sign only for a SCAN cluster you manage or a member "
                   "organisation of one you represent, with a read-write token.");
        return;
    }
    form_errors fe = {0};
    db_status st =
        sign ? position_sign(r->db, p.id, org_id, r->user->person_id, r->client_ip, &fe)
             : position_withdraw(r->db, p.id, org_id, r->user->person_id, r->client_ip, &fe);
    if (st == DB_CONSTRAINT) {
        api_errs e = {0};
        for (size_t i = 0; i < fe.n_items; i++) {
            buf t = BUF_INIT;
            form_error_text(&t, LANG_EN, &fe.items[i]);
            api_errs_add(r, &e,
                         strcmp(fe.items[i].field, "org") == 0 ? "org_id" : fe.items[i].field,
                         arena_strdup(r->a, buf_str(&t)));
            buf_free(&t);
        }
        api_send_invalid(r, &e);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, sign ? "position_sign" : "position_withdraw");
        return;
    }
    r->status = sign ? 201 : 200;
    r->content_type = "application/json";
    buf_printf(&r->out, "{\"position\":%lld,\"org_id\":%lld,\"signed\":%s}", (long long)p.id,
               (long long)org_id, sign ? "true" : "false");
}

void api_position_sign(req *r)
{
    sign_json(r, true);
}

void api_position_withdraw(req *r)
{
    sign_json(r, false);
}

/* --- create and update ------------------------------------------------------------------ */

/* A string field of the body: *out the text (NULL for null), keep when
 * absent. false (and an error on key) when it is no string. */
static bool str_field(req *r, json_t *body, const char *key, const char **out, api_errs *e)
{
    json_t *v = json_object_get(body, key);
    if (!v)
        return true;
    if (json_is_null(v)) {
        *out = NULL;
        return true;
    }
    if (!json_is_string(v)) {
        api_errs_add(r, e, key, "Must be a string.");
        return false;
    }
    *out = json_string_value(v);
    return true;
}

/* A list of strings (tags, addressees): kept when absent. */
static bool list_field(req *r, json_t *body, const char *key, const char *const **out, size_t *n,
                       api_errs *e)
{
    json_t *v = json_object_get(body, key);
    if (!v)
        return true;
    if (!json_is_array(v) || json_array_size(v) > 200) {
        api_errs_add(r, e, key, "Must be an array of at most 200 strings.");
        return false;
    }
    const char **list = arena_alloc(r->a, (json_array_size(v) + 1) * sizeof *list);
    if (!list) {
        api_errs_add(r, e, key, "Out of memory.");
        return false;
    }
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        if (!json_is_string(x)) {
            api_errs_add(r, e, key, "Must be an array of strings.");
            return false;
        }
        list[i] = json_string_value(x);
    }
    *out = list;
    *n = json_array_size(v);
    return true;
}

/* The position_input of a JSON body over cur's texts, tags and addressees
 * (cur NULL: a new one): the fields given replace, the others stay. */
static bool read_body(req *r, json_t *body, const position_rec *cur, position_input *in,
                      api_errs *e)
{
    memset(in, 0, sizeof *in);
    if (cur) {
        in->kind = cur->kind;
        in->title_sr = cur->title_sr;
        in->title_en = cur->title_en;
        in->body_sr = cur->body_sr;
        in->body_en = cur->body_en;
        position_speaker *addr = NULL;
        size_t n_addr = 0;
        const char **tags = NULL, **slugs = NULL;
        size_t n_tags = 0;
        db_status st = position_tags(r->db, r->a, cur->id, &tags, &n_tags);
        if (st == DB_OK)
            st = position_addressees(r->db, r->a, cur->id, &addr, &n_addr);
        if (st == DB_OK && !(slugs = arena_alloc(r->a, (n_addr + 1) * sizeof *slugs)))
            st = DB_NOMEM;
        if (st != DB_OK) {
            resp_fail(r, st, "position_tags");
            return false;
        }
        for (size_t i = 0; i < n_addr; i++)
            slugs[i] = addr[i].slug;
        in->tags = tags;
        in->n_tags = n_tags;
        in->addressees = slugs;
        in->n_addressees = n_addr;
    }
    /* each field checked (its error kept in e), so every mistake is said at once */
    if (!cur)
        str_field(r, body, "owner", &in->owner, e);
    str_field(r, body, "kind", &in->kind, e);
    str_field(r, body, "title_sr", &in->title_sr, e);
    str_field(r, body, "title_en", &in->title_en, e);
    str_field(r, body, "body_sr", &in->body_sr, e);
    str_field(r, body, "body_en", &in->body_en, e);
    str_field(r, body, "note", &in->note, e);
    list_field(r, body, "tags", &in->tags, &in->n_tags, e);
    list_field(r, body, "addressees", &in->addressees, &in->n_addressees, e);
    return true;
}

/* The model's refusals as 422 in English (the catalog's words), or the
 * failure; true when st was DB_OK. */
static bool write_answer(req *r, db_status st, const form_errors *fe, const char *what)
{
    if (st == DB_OK)
        return true;
    if (st == DB_CONSTRAINT && fe->n_items) {
        api_errs e = {0};
        for (size_t i = 0; i < fe->n_items; i++) {
            buf t = BUF_INIT;
            form_error_text(&t, LANG_EN, &fe->items[i]);
            api_errs_add(r, &e, fe->items[i].field, arena_strdup(r->a, buf_str(&t)));
            buf_free(&t);
        }
        api_send_invalid(r, &e);
    } else if (st == DB_DONE) {
        resp_error(r, 404, "No such position.");
    } else {
        resp_fail(r, st, what);
    }
    return false;
}

/* Answers a write with the position as GET gives it (status 201 or 200). */
static void send_position(req *r, int64_t id, unsigned status)
{
    position_rec p;
    bool found = false;
    db_status st = position_get(r->db, r->a, id, &p, &found);
    if (st != DB_OK || !found) {
        resp_fail(r, st != DB_OK ? st : DB_ERR, "position_get");
        return;
    }
    send_one(r, &p);
    r->status = status;
}

static bool body_of(req *r, json_t **body)
{
    if (!api_read_json(r, body))
        return false;
    if (!json_is_object(*body)) {
        json_decref(*body);
        resp_error(r, 400, "The body must be a JSON object.");
        return false;
    }
    return true;
}

/* Loads {id} for a write by its owner's writers (404, 403 written). */
static bool load_for_write(req *r, position_rec *p)
{
    if (!load(r, p))
        return false;
    if (!rights_can(r->db, r->user, RIGHT_POSITION_WRITE, p->owner_id)) {
        resp_error(r, 403,
                   "Only the owner's managers and the secretariat write a position, with a "
                   "read-write token.");
        return false;
    }
    return true;
}

void api_position_create(req *r)
{
    json_t *body = NULL;
    if (!body_of(r, &body))
        return;
    position_input in;
    api_errs e = {0};
    read_body(r, body, NULL, &in, &e);
    int64_t owner = 0, id = 0;
    db_status st = DB_OK;
    if (!e.n && (st = position_owner_id(r->db, in.owner, &owner)) != DB_OK) {
        json_decref(body);
        resp_fail(r, st, "position_owner_id");
        return;
    }
    if (!e.n && !owner && in.owner) { /* an entry that may not own one: still whose it is */
        org_rec o;
        bool found = false;
        if ((st = org_get(r->db, r->a, in.owner, 0, &o, &found)) != DB_OK) {
            json_decref(body);
            resp_fail(r, st, "org_get");
            return;
        }
        if (found && !rights_can(r->db, r->user, RIGHT_POSITION_WRITE, o.id))
            owner = -1;
    }
    if (!e.n && owner && (owner < 0 || !rights_can(r->db, r->user, RIGHT_POSITION_WRITE, owner))) {
        json_decref(body);
        resp_error(r, 403,
                   "You may write positions only for a cluster you manage (the secretariat "
                   "for any), with a read-write token.");
        return;
    }
    if (e.n) {
        json_decref(body);
        api_send_invalid(r, &e);
        return;
    }
    form_errors fe = {0};
    st = position_create(r->db, &in, false, r->user->person_id, r->client_ip, &id, &fe);
    json_decref(body);
    if (write_answer(r, st, &fe, "position_create"))
        send_position(r, id, 201);
}

static void update(req *r, bool version)
{
    position_rec p;
    if (!load_for_write(r, &p))
        return;
    json_t *body = NULL;
    if (!body_of(r, &body))
        return;
    position_input in;
    api_errs e = {0};
    if (!read_body(r, body, &p, &in, &e)) {
        json_decref(body);
        return;
    }
    if (e.n) {
        json_decref(body);
        api_send_invalid(r, &e);
        return;
    }
    form_errors fe = {0};
    db_status st =
        version ? position_new_version(r->db, p.id, &in, r->user->person_id, r->client_ip, &fe)
                : position_edit(r->db, p.id, &in, r->user->person_id, r->client_ip, &fe);
    json_decref(body);
    if (write_answer(r, st, &fe, version ? "position_new_version" : "position_edit"))
        send_position(r, p.id, version ? 201 : 200);
}

void api_position_update(req *r)
{
    update(r, false);
}

void api_position_version(req *r)
{
    update(r, true);
}

void api_position_stage(req *r)
{
    position_rec p;
    if (!load_for_write(r, &p))
        return;
    json_t *body = NULL;
    if (!body_of(r, &body))
        return;
    const char *stage = NULL, *until = NULL;
    api_errs e = {0};
    str_field(r, body, "stage", &stage, &e);
    str_field(r, body, "consult_until", &until, &e);
    if (e.n) {
        json_decref(body);
        api_send_invalid(r, &e);
        return;
    }
    form_errors fe = {0};
    db_status st = position_move(r->db, p.id, stage, until, r->user->person_id, r->client_ip, &fe);
    json_decref(body);
    if (write_answer(r, st, &fe, "position_move"))
        send_position(r, p.id, 200);
}
