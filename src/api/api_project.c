/* api_project.c: joint projects over JSON (issue 14).
 *
 *   GET  /api/v1/projects        the list, with the page's filters as
 *                                query parameters (status, programme,
 *                                funder, cluster, sector, year, sort) and
 *                                limit (1..500, default 100)
 *   GET  /api/v1/projects/{id}   one project with its participants
 *   POST /api/v1/projects        create
 *   PUT  /api/v1/projects/{id}   replace (all fields, all participants)
 *   POST /api/v1/projects/{id}/consent  a participant's or the funder's
 *                                confirm/decline (api_tie.c)
 *
 * The body: {title_sr, title_en, acronym, programme, programme_en, funder (slug or id),
 * call_id, status, submitted_on, starts_on, ends_on, budget_cents,
 * grant_cents, cofin_milli, outputs_sr, outputs_en, visibility,
 * participants: [{org (slug or id), role, share_cents (null: unknown)}]}.
 * The same model and rights as the pages (project.h, web_project.c);
 * private projects are 404 to whoever may not see them. Money in cents,
 * co-financing per mille. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "json/json.h"
#include "model/project.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_project.h"

static void put_num(buf *o, const char *key, int64_t v)
{
    json_put_key(o, key, false);
    if (v < 0)
        buf_puts(o, "null");
    else
        json_put_int(o, v);
}

static void put_project(buf *o, const project_rec *p, bool parts)
{
    buf_puts(o, "{");
    json_put_key(o, "id", true);
    json_put_int(o, p->id);
    json_put_field(o, "title_sr", p->title_sr);
    json_put_field(o, "title_en", p->title_en);
    json_put_field(o, "acronym", p->acronym);
    json_put_field(o, "programme", p->programme);
    json_put_field(o, "programme_en", p->programme_en);
    json_put_field(o, "funder", p->funder_slug);
    json_put_field(o, "funder_consent", p->funder_consent);
    put_num(o, "call_id", p->call_id ? p->call_id : -1);
    json_put_field(o, "status", p->status);
    json_put_field(o, "submitted_on", p->submitted_on);
    json_put_field(o, "starts_on", p->starts_on);
    json_put_field(o, "ends_on", p->ends_on);
    put_num(o, "budget_cents", p->budget_cents);
    put_num(o, "grant_cents", p->grant_cents);
    put_num(o, "cofin_milli", p->cofin_milli);
    json_put_field(o, "visibility", p->visibility);
    json_put_field(o, "lead", p->lead_slug);
    json_put_key(o, "is_demo", false);
    buf_puts(o, p->is_demo ? "true" : "false");
    if (parts) {
        json_put_field(o, "outputs_sr", p->outputs_sr);
        json_put_field(o, "outputs_en", p->outputs_en);
        json_put_key(o, "participants", false);
        buf_puts(o, "[");
        for (size_t i = 0; i < p->n_parts; i++) {
            const project_part *x = &p->parts[i];
            buf_puts(o, i ? ",{" : "{");
            json_put_key(o, "org", true);
            json_put_string(o, x->slug);
            json_put_field(o, "name", x->name);
            json_put_field(o, "kind", x->kind);
            json_put_field(o, "role", x->role);
            put_num(o, "share_cents", x->share_known ? x->share_cents : -1);
            json_put_field(o, "consent", x->consent);
            buf_puts(o, "}");
        }
        buf_puts(o, "]");
    }
    buf_puts(o, "}");
}

void api_project_list(req *r)
{
    project_viewer v = web_project_viewer(r);
    const char *lim = req_query(r, "limit");
    int limit = lim && *lim ? atoi(lim) : 100;
    if (limit < 1 || limit > 500) {
        resp_error(r, 400, "limit must be a whole number from 1 to 500.");
        return;
    }
    project_query q = {.status = req_query(r, "status"),
                       .programme = req_query(r, "programme"),
                       .funder = req_query(r, "funder"),
                       .cluster = req_query(r, "cluster"),
                       .sector = req_query(r, "sector"),
                       .year = req_query(r, "year"),
                       .limit = limit};
    const char *sort = req_query(r, "sort");
    static const char *const sorts[] = {"start", "title", "grant", "status", NULL};
    for (size_t i = 0; sort && sorts[i]; i++)
        if (strcmp(sort, sorts[i]) == 0)
            q.sort = (project_sort)i;
    project_rec *p = NULL;
    size_t n = 0;
    db_status st = project_list(r->db, r->a, &v, &q, &p, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "api project_list");
        return;
    }
    buf *o = &r->out;
    buf_puts(o, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(o, ',');
        put_project(o, &p[i], false);
    }
    buf_puts(o, "],\"next_cursor\":null}");
    r->content_type = "application/json";
}

static bool load(req *r, project_rec *p)
{
    const char *s = req_param(r, "id");
    char *end = NULL;
    long long id = s ? strtoll(s, &end, 10) : 0;
    bool found = false;
    if (id > 0 && end && !*end) {
        project_viewer v = web_project_viewer(r);
        db_status st = project_get(r->db, r->a, &v, id, p, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "api project_get");
            return false;
        }
    }
    if (!found)
        resp_error(r, 404, "No such project.");
    return found;
}

void api_project_get(req *r)
{
    project_rec p;
    if (!load(r, &p))
        return;
    put_project(&r->out, &p, true);
    r->content_type = "application/json";
}

/* POST /api/v1/projects/{id}/consent: a participant's or the funder's
 * answer (api_tie.c). */
void api_project_consent(req *r)
{
    project_rec p;
    if (!load(r, &p))
        return;
    static const tie_kind kinds[] = {TIE_PROJECT_PARTICIPANT, TIE_PROJECT_FUNDER};
    api_tie_consent(r, kinds, 2, &p, p.id,
                    "There is no such project, or the organisation is not so named in it.");
}

/* A JSON string, or an integer written as text, or NULL. */
static const char *text_of(req *r, json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return arena_printf(r->a, "%lld", (long long)json_integer_value(v));
    return NULL;
}

/* Cents (integer) as the amount text the model parses ("1234.56"). */
static const char *cents_of(req *r, json_t *v, api_errs *e, const char *field)
{
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        api_errs_add(r, e, field, "Must be a whole number of euro cents, 0 or more.");
        return NULL;
    }
    long long c = json_integer_value(v);
    return arena_printf(r->a, "%lld.%02lld", c / 100, c % 100);
}

static void save(req *r, int64_t id, int64_t old_lead)
{
    json_t *body;
    if (!api_read_json(r, &body))
        return;
    api_errs e = {0};
    static const char *const keys[] = {"title_sr",     "title_en",   "acronym",      "programme",
                                       "funder",       "status",     "submitted_on", "starts_on",
                                       "ends_on",      "outputs_sr", "outputs_en",   "visibility",
                                       "programme_en", NULL};
    const char *vals[13] = {0};
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(body, keys[i]);
        if (v && !json_is_null(v) && !json_is_string(v) &&
            !(strcmp(keys[i], "funder") == 0 && json_is_integer(v)))
            api_errs_add(r, &e, keys[i], "Must be a string.");
        vals[i] = text_of(r, v);
    }
    json_t *call = json_object_get(body, "call_id");
    const char *call_text = NULL;
    if (call && !json_is_null(call)) {
        if (!json_is_integer(call))
            api_errs_add(r, &e, "call_id", "Must be a call's id (a whole number).");
        else
            call_text = text_of(r, call);
    }
    const char *budget = cents_of(r, json_object_get(body, "budget_cents"), &e, "budget_cents");
    const char *grant = cents_of(r, json_object_get(body, "grant_cents"), &e, "grant_cents");
    json_t *cm = json_object_get(body, "cofin_milli");
    const char *cofin = NULL;
    if (cm && !json_is_null(cm)) {
        if (!json_is_integer(cm))
            api_errs_add(r, &e, "cofin_milli", "Must be per mille, 0 to 1000.");
        else
            cofin = arena_printf(r->a, "%lld.%lld", (long long)json_integer_value(cm) / 10,
                                 llabs((long long)json_integer_value(cm) % 10));
    }
    json_t *parts = json_object_get(body, "participants");
    size_t n = json_is_array(parts) ? json_array_size(parts) : 0;
    if (parts && !json_is_array(parts))
        api_errs_add(r, &e, "participants", "Must be a list of {org, role, share_cents}.");
    if (n > PROJECT_PARTS_MAX)
        n = PROJECT_PARTS_MAX + 1; /* the model refuses too many */
    project_part_in *pi = arena_alloc(r->a, (n + 1) * sizeof *pi);
    if (!pi) {
        json_decref(body);
        resp_fail(r, DB_NOMEM, "api project parts");
        return;
    }
    memset(pi, 0, (n + 1) * sizeof *pi);
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(parts, i);
        if (!json_is_object(x)) {
            api_errs_add(r, &e, "participants", "Must be a list of {org, role, share_cents}.");
            break;
        }
        pi[i].org = text_of(r, json_object_get(x, "org"));
        if (!pi[i].org)
            pi[i].org = "?"; /* a row without an entry: refused as unknown */
        pi[i].role = text_of(r, json_object_get(x, "role"));
        pi[i].share = cents_of(r, json_object_get(x, "share_cents"), &e, "participants");
    }
    project_input in = {.title_sr = vals[0],
                        .title_en = vals[1],
                        .acronym = vals[2],
                        .programme = vals[3],
                        .funder = vals[4],
                        .status = vals[5],
                        .submitted_on = vals[6],
                        .starts_on = vals[7],
                        .ends_on = vals[8],
                        .outputs_sr = vals[9],
                        .outputs_en = vals[10],
                        .visibility = vals[11],
                        .programme_en = vals[12],
                        .call = call_text,
                        .budget = budget,
                        .grant = grant,
                        .cofin = cofin,
                        .parts = pi,
                        .n_parts = n};
    int64_t lead = web_project_new_lead(r, &in);
    if (lead < 0) {
        json_decref(body);
        resp_fail(r, DB_ERR, "api project lead");
        return;
    }
    if ((id && !rights_can(r->db, r->user, RIGHT_PROJECT_EDIT, old_lead)) ||
        (lead > 0 && !rights_can(r->db, r->user, RIGHT_PROJECT_EDIT, lead))) {
        json_decref(body);
        resp_error(r, 403,
                   "Only the lead's managers and representatives and the secretariat may "
                   "create or change a project led by it.");
        return;
    }
    form_errors fe = {0};
    int64_t new_id = 0;
    db_status st = DB_CONSTRAINT;
    if (e.n == 0)
        st = project_save(r->db, id, &in, r->user->person_id, r->client_ip, &new_id, &fe);
    json_decref(body);
    if (st == DB_CONSTRAINT) {
        web_errs we = {0};
        web_project_word_errors(r, &fe, &we);
        for (size_t i = 0; i < we.n; i++)
            api_errs_add(r, &e, we.field[i], we.text[i]);
        api_send_invalid(r, &e);
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, "No such project.");
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "api project_save");
        return;
    }
    project_viewer v = web_project_viewer(r);
    project_rec p;
    bool found = false;
    st = project_get(r->db, r->a, &v, new_id, &p, &found);
    if (st != DB_OK || !found) {
        resp_fail(r, st != DB_OK ? st : DB_ERR, "api project reread");
        return;
    }
    r->status = id ? 200 : 201;
    put_project(&r->out, &p, true);
    r->content_type = "application/json";
}

void api_project_create(req *r)
{
    save(r, 0, 0);
}

void api_project_update(req *r)
{
    project_rec p;
    if (!load(r, &p))
        return;
    save(r, p.id, p.lead_id);
}
