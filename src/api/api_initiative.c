/* api_initiative.c: cluster initiatives and the readiness check over JSON
 * (issue 15): GET /api/v1/initiatives (accepted ones, and those waiting
 * for review for the secretariat), POST /api/v1/initiatives (a logged-in
 * token's owner starts one: the same model call and validation as the
 * form) and GET /api/v1/clusters/{slug}/readiness (the same rights as the
 * page: the cluster's management team and the secretariat). */
#include <string.h>

#include "api/api.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/initiative.h"
#include "model/org.h"
#include "model/readiness.h"
#include "web/web.h"

/* json_put_string writes null for NULL. */
static void start_json(req *r, unsigned status)
{
    r->status = status;
    r->content_type = "application/json";
    buf_reset(&r->out);
}

/* GET /api/v1/initiatives */
void api_initiative_list(req *r)
{
    bool secretariat = r->user && r->user->secretariat >= SEC_EDITOR;
    initiative_rec *it;
    size_t n;
    db_status st = initiative_list(r->db, r->a, secretariat, &it, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "initiative_list");
        return;
    }
    buf *o = &r->out;
    start_json(r, 200);
    buf_puts(o, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        int n_met = 0;
        const char *ready = NULL;
        if ((st = readiness_summary(r->db, r->a, it[i].org_id, &n_met, &ready)) != DB_OK) {
            resp_fail(r, st, "readiness_summary");
            return;
        }
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "slug", true);
        json_put_string(o, it[i].slug);
        json_put_field(o, "name", it[i].name);
        json_put_field(o, "name_en", it[i].name_en);
        json_put_field(o, "state", it[i].state);
        json_put_field(o, "region", it[i].region);
        json_put_field(o, "district", it[i].district);
        json_put_key(o, "founders", false);
        json_put_int(o, it[i].n_founders);
        json_put_key(o, "readiness", false);
        buf_puts(o, "{");
        json_put_key(o, "met", true);
        json_put_int(o, n_met);
        json_put_key(o, "of", false);
        json_put_int(o, RD__COUNT);
        json_put_field(o, "ready_for", ready);
        buf_puts(o, "}");
        if (secretariat && strcmp(it[i].state, "proposed") == 0) {
            json_put_key(o, "contact", false);
            buf_puts(o, "{");
            json_put_key(o, "name", true);
            json_put_string(o, it[i].contact_name ? it[i].contact_name : "");
            json_put_field(o, "email", it[i].contact_email);
            json_put_field(o, "phone", it[i].contact_phone);
            buf_puts(o, "}");
        }
        json_put_key(o, "is_demo", false);
        json_put_bool(o, it[i].is_demo);
        buf_puts(o, "}");
    }
    buf_puts(o, "],\"next_cursor\":null}\n");
}

/* A string member of body (NULL when absent or not a string); *bad when
 * present with another type. */
static const char *str_member(json_t *body, const char *key, bool *bad)
{
    json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        *bad = true;
        return NULL;
    }
    return json_string_value(v);
}

/* A list of strings (a JSON array of strings, or one string); arena. */
static bool list_member(req *r, json_t *body, const char *key, const char ***out, size_t *n,
                        bool *bad)
{
    *out = NULL;
    *n = 0;
    json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v))
        return true;
    if (json_is_string(v)) {
        *out = arena_alloc(r->a, sizeof **out);
        if (!*out)
            return false;
        (*out)[(*n)++] = json_string_value(v);
        return true;
    }
    if (!json_is_array(v) || json_array_size(v) > 100) {
        *bad = true;
        return true;
    }
    *out = arena_alloc(r->a, (json_array_size(v) + 1) * sizeof **out);
    if (!*out)
        return false;
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        if (!json_is_string(x)) {
            *bad = true;
            return true;
        }
        (*out)[(*n)++] = json_string_value(x);
    }
    return true;
}

static void send_invalid(req *r, const form_errors *fe)
{
    buf *o = &r->out;
    start_json(r, 422);
    r->no_etag = true;
    buf_puts(o, "{\"error\":{");
    json_put_key(o, "code", true);
    json_put_string(o, "invalid");
    json_put_field(o, "message", "Some fields are not valid. See fields for what to fix.");
    json_put_key(o, "fields", false);
    buf_putc(o, '{');
    size_t shown = 0;
    for (size_t i = 0; i < fe->n_items; i++) {
        bool dup = false;
        for (size_t k = 0; k < i; k++)
            dup |= strcmp(fe->items[k].field, fe->items[i].field) == 0;
        if (dup)
            continue;
        buf t = BUF_INIT;
        if (strcmp(fe->items[i].field, "founders") == 0)
            buf_puts(&t,
                     T(LANG_EN, fe->items[i].code == FE_TOO_SHORT  ? MSG_INIT_ERR_FOUNDERS_FEW
                                : fe->items[i].code == FE_TOO_LONG ? MSG_INIT_ERR_FOUNDERS_MANY
                                                                   : MSG_INIT_ERR_FOUNDERS_BAD));
        else if (strcmp(fe->items[i].field, "contact_phone") == 0 &&
                 fe->items[i].code == FE_INVALID)
            buf_puts(&t, T(LANG_EN, MSG_INIT_ERR_PHONE));
        else
            form_error_text(&t, LANG_EN, &fe->items[i]);
        json_put_key(o, fe->items[i].field, shown++ == 0);
        json_put_string(o, buf_str(&t));
        buf_free(&t);
    }
    buf_puts(o, "}}}\n");
}

/* POST /api/v1/initiatives */
void api_initiative_create(req *r)
{
    json_t *body;
    if (!api_read_json(r, &body))
        return;
    bool bad = false;
    initiative_in in = {
        .name = str_member(body, "name", &bad),
        .name_en = str_member(body, "name_en", &bad),
        .district = str_member(body, "district", &bad),
        .region = str_member(body, "region", &bad),
        .contact_name = str_member(body, "contact_name", &bad),
        .contact_email = str_member(body, "contact_email", &bad),
        .contact_phone = str_member(body, "contact_phone", &bad),
        .description_sr = str_member(body, "description_sr", &bad),
        .description_en = str_member(body, "description_en", &bad),
    };
    bool ok = list_member(r, body, "sectors", &in.sectors, &in.n_sectors, &bad) &&
              list_member(r, body, "founders", &in.founders, &in.n_founders, &bad);
    if (!ok || bad) {
        json_decref(body);
        if (!ok)
            resp_fail(r, DB_NOMEM, "initiative body");
        else
            resp_error(r, 400,
                       "Every field is a string; sectors and founders are arrays of strings.");
        return;
    }
    /* the strings belong to body: copy what the model keeps past it */
    const char **texts[] = {&in.name,          &in.name_en,        &in.district,
                            &in.region,        &in.contact_name,   &in.contact_email,
                            &in.contact_phone, &in.description_sr, &in.description_en};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (*texts[i])
            *texts[i] = arena_strdup(r->a, *texts[i]);
    for (size_t i = 0; i < in.n_sectors; i++)
        in.sectors[i] = arena_strdup(r->a, in.sectors[i]);
    for (size_t i = 0; i < in.n_founders; i++)
        in.founders[i] = arena_strdup(r->a, in.founders[i]);
    json_decref(body);
    form_errors fe = {0};
    int64_t id = 0;
    const char *slug = NULL;
    db_status st =
        initiative_start(r->db, r->a, r->user, &in, LANG_EN, r->client_ip, &fe, &id, &slug);
    if (st == DB_CONSTRAINT && form_error_for(&fe, "org")) {
        resp_error(r, 403, "A read-write token is needed to start an initiative.");
        return;
    }
    if (st == DB_CONSTRAINT) {
        send_invalid(r, &fe);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "initiative_start");
        return;
    }
    buf *o = &r->out;
    start_json(r, 201);
    r->no_etag = true;
    buf_puts(o, "{");
    json_put_key(o, "slug", true);
    json_put_string(o, slug);
    json_put_field(o, "state", "proposed");
    buf_puts(o, "}\n");
}

/* GET /api/v1/clusters/{slug}/readiness */
void api_cluster_readiness(req *r)
{
    org_rec o;
    if (!api_cluster_load(r, &o))
        return;
    if (!readiness_may_read(r->db, r->user, o.id)) {
        resp_error(r, 403,
                   "Only the cluster's management team and the secretariat read its "
                   "readiness check.");
        return;
    }
    readiness rd;
    db_status st = readiness_get(r->db, r->a, o.id, &rd);
    if (st != DB_OK) {
        resp_fail(r, st, "readiness_get");
        return;
    }
    static const char *const states[] = {"unanswered", "met", "not_met"};
    buf *out = &r->out;
    start_json(r, 200);
    buf_puts(out, "{");
    json_put_key(out, "slug", true);
    json_put_string(out, o.slug);
    json_put_key(out, "met", false);
    json_put_int(out, rd.n_met);
    json_put_key(out, "of", false);
    json_put_int(out, RD__COUNT);
    json_put_field(out, "ready_for", rd.ready_for);
    json_put_field(out, "stage_now", rd.stage_now);
    json_put_key(out, "criteria", false);
    buf_puts(out, "[");
    for (int i = 0; i < RD__COUNT; i++) {
        const readiness_item *it = &rd.items[i];
        buf_puts(out, i ? ",{" : "{");
        json_put_key(out, "code", true);
        json_put_string(out, it->code);
        json_put_field(out, "state", states[it->state]);
        json_put_field(out, "source", it->computed ? "data" : it->answered_at ? "answer" : NULL);
        json_put_key(out, "value", false);
        if (it->computed && it->value >= 0)
            json_put_int(out, it->value);
        else
            buf_puts(out, "null");
        json_put_key(out, "target", false);
        if (it->computed && it->target >= 0)
            json_put_int(out, it->target);
        else
            buf_puts(out, "null");
        json_put_field(out, "url", it->url);
        json_put_field(out, "note", it->note);
        json_put_key(out, "answered_at", false);
        if (it->answered_at) {
            buf b = BUF_INIT;
            time_fmt_iso(&b, it->answered_at);
            json_put_string(out, buf_str(&b));
            buf_free(&b);
        } else
            buf_puts(out, "null");
        json_put_field(out, "answered_by", it->answered_by_name);
        buf_puts(out, "}");
    }
    buf_puts(out, "]}\n");
}
