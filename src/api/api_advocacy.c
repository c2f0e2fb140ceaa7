/* api_advocacy.c: the consultations tracker and a position's submissions
 * as JSON (issue 16). /api/v1/positions itself is engineer 4's; this file
 * owns the paths below it that this module writes.
 *
 *   GET   /api/v1/consultations                   every consultation
 *   GET   /api/v1/consultations/{id}              one
 *   POST  /api/v1/consultations                   add (the secretariat)
 *   PATCH /api/v1/consultations/{id}              change (the secretariat;
 *                                                 the fields given, merged)
 *   GET   /api/v1/positions/{id}/submissions      submissions and answers
 *   POST  /api/v1/positions/{id}/submissions      record a submission
 *   POST  /api/v1/positions/{id}/submissions/{sid}/outcome   record its answer
 *
 * Rights as the pages: reading a position's submissions as its timeline
 * (public once submitted; before, 404 for all but who may record),
 * writing RIGHT_ADVOCACY_RECORD / RIGHT_ADVOCACY_MANAGE with a read-write
 * token or a session. Bad input: 422 with the field and what to fix;
 * nothing stored. Meeting notes are never in the API. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "json/json.h"
#include "model/consultation.h"
#include "model/rights.h"
#include "model/submission.h"
#include "web/web.h"
#include "web/web_figures.h"

static bool path_id(req *r, const char *name, int64_t *id)
{
    const char *s = req_param(r, name);
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v <= 0) {
        resp_error(r, 404, "No such record.");
        return false;
    }
    *id = v;
    return true;
}

/* English words for the model's refusals. */
static const char *error_text(const form_error *x)
{
    switch (x->code) {
    case FE_REQUIRED:
        return "This field is required.";
    case FE_DATE:
        return "Must be a real date written YYYY-MM-DD.";
    case FE_DATE_ORDER:
        if (strcmp(x->field, "sent_on") == 0)
            return "Cannot be dated before the position was written.";
        if (strcmp(x->field, "met_on") == 0)
            return "The meeting cannot be dated before the position was written.";
        return "The answer cannot be dated before the submission was sent.";
    case FE_FUTURE_YEAR:
        return "Must not be in the future.";
    case FE_URL:
        return "Must be an http:// or https:// address.";
    case FE_CHOICE:
        return "Not one of the allowed values.";
    case FE_TAKEN:
        return "This submission has an answer already.";
    case FE_NOT_PENDING:
        return "Only a position open for signature or already submitted can be submitted; "
               "answers only to a submitted position.";
    case FE_INVALID:
        if (strcmp(x->field, "institution") == 0)
            return "No published institution (public authority, chamber, donor, NGO) with this "
                   "address.";
        if (strcmp(x->field, "position") == 0)
            return "No position with this id.";
        if (strcmp(x->field, "submission") == 0)
            return "No submission of this position with this id.";
        return "Not valid.";
    case FE_TOO_LONG:
        return "Too long.";
    case FE_NOT_INT:
    case FE_RANGE:
        return "Must be a positive whole number.";
    default:
        return "Not valid.";
    }
}

static void send_errors(req *r, db_status st, const form_errors *fe, const char *what)
{
    if (st == DB_CONSTRAINT && fe->n_items) {
        api_errs e = {0};
        for (size_t i = 0; i < fe->n_items; i++)
            api_errs_add(r, &e, fe->items[i].field, error_text(&fe->items[i]));
        api_send_invalid(r, &e);
        return;
    }
    if (st == DB_DONE) {
        resp_error(r, 404, "No such record.");
        return;
    }
    resp_fail(r, st, what);
}

/* A JSON value as text for the validators: strings as they are, integers
 * in decimal, null/absent as NULL; anything else is refused as "not
 * valid" by giving a text no rule accepts. */
static const char *text_of(req *r, json_t *body, const char *key)
{
    json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return arena_printf(r->a, "%lld", (long long)json_integer_value(v));
    return "\x01"; /* a control character: every text rule refuses it */
}

/* --- consultations ---------------------------------------------------------------- */

static void put_consultation(buf *o, const consultation_rec *c)
{
    buf_puts(o, "{");
    json_put_key(o, "id", true);
    json_put_int(o, c->id);
    json_put_field(o, "title_sr", c->title_sr);
    json_put_field(o, "title_en", c->title_en);
    json_put_field(o, "institution", c->institution_slug);
    json_put_field(o, "url", c->url);
    json_put_field(o, "deadline_on", c->deadline_on);
    json_put_key(o, "open", false);
    json_put_bool(o, c->open);
    json_put_key(o, "is_demo", false);
    json_put_bool(o, c->is_demo);
    json_put_key(o, "positions", false);
    buf_puts(o, "[");
    for (size_t i = 0; i < c->n_positions; i++) {
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "id", true);
        json_put_int(o, c->positions[i].id);
        json_put_field(o, "stage", c->positions[i].stage);
        buf_puts(o, "}");
    }
    buf_puts(o, "]}");
}

void api_consultation_list(req *r)
{
    char today[11];
    wf_today(today);
    consultation_rec *c = NULL;
    size_t n = 0;
    db_status st = consultation_list(r->db, r->a, today, &c, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "consultation_list");
        return;
    }
    buf *o = &r->out;
    r->content_type = "application/json";
    buf_puts(o, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(o, ',');
        put_consultation(o, &c[i]);
    }
    buf_puts(o, "]}");
}

static void send_consultation(req *r, unsigned status, int64_t id)
{
    char today[11];
    wf_today(today);
    consultation_rec c;
    bool found = false;
    db_status st = consultation_get(r->db, r->a, id, today, &c, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "consultation_get");
        return;
    }
    if (!found) {
        resp_error(r, 404, "No consultation with this id.");
        return;
    }
    r->status = status;
    r->content_type = "application/json";
    put_consultation(&r->out, &c);
}

void api_consultation_get(req *r)
{
    int64_t id;
    if (path_id(r, "id", &id))
        send_consultation(r, 200, id);
}

static void consultation_write(req *r, int64_t id)
{
    if (!rights_can(r->db, r->user, RIGHT_ADVOCACY_MANAGE, 0)) {
        resp_error(r, 403, "Only the SCAN secretariat keeps the consultations tracker.");
        return;
    }
    char today[11];
    wf_today(today);
    consultation_rec old = {0};
    if (id) {
        bool found = false;
        db_status st = consultation_get(r->db, r->a, id, today, &old, &found);
        if (st != DB_OK) {
            resp_fail(r, st, "consultation_get");
            return;
        }
        if (!found) {
            resp_error(r, 404, "No consultation with this id.");
            return;
        }
    }
    json_t *body;
    if (!api_read_json(r, &body))
        return;
        /* PATCH merges: a field left out keeps its value */
#define FIELD(key, oldv) (json_object_get(body, key) ? text_of(r, body, key) : (oldv))
    consultation_input in = {FIELD("title_sr", old.title_sr),
                             FIELD("title_en", old.title_en),
                             FIELD("institution", old.institution_slug),
                             FIELD("url", old.url),
                             FIELD("deadline_on", old.deadline_on),
                             text_of(r, body, "position")};
#undef FIELD
    form_errors fe = {0};
    int64_t new_id = 0;
    db_status st =
        consultation_save(r->db, id, &in, r->user->person_id, r->client_ip, &new_id, &fe);
    json_decref(body);
    if (st != DB_OK) {
        send_errors(r, st, &fe, "consultation_save");
        return;
    }
    send_consultation(r, id ? 200 : 201, new_id);
}

void api_consultation_create(req *r)
{
    consultation_write(r, 0);
}

void api_consultation_patch(req *r)
{
    int64_t id;
    if (path_id(r, "id", &id))
        consultation_write(r, id);
}

/* --- submissions ------------------------------------------------------------------ */

/* Loads {id}: 404 unless visible (as the timeline page decides). */
static bool load_position(req *r, position_head *p)
{
    int64_t id;
    if (!path_id(r, "id", &id))
        return false;
    bool found = false;
    db_status st = submission_position(r->db, r->a, id, p, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "submission_position");
        return false;
    }
    bool public_stage =
        found && (strcmp(p->stage, "submitted") == 0 || strcmp(p->stage, "answered") == 0 ||
                  strcmp(p->stage, "closed") == 0);
    principal q = r->user ? *r->user : (principal){0};
    q.token_write = true; /* reading what one may record */
    if (!found || (!public_stage &&
                   !(r->user && rights_can(r->db, &q, RIGHT_ADVOCACY_RECORD, p->owner_id)))) {
        resp_error(r, 404, "No position with this id.");
        return false;
    }
    return true;
}

void api_put_submissions(buf *o, const submission_rec *s, size_t n)
{
    buf_puts(o, "[");
    for (size_t i = 0; i < n; i++) {
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "id", true);
        json_put_int(o, s[i].id);
        json_put_field(o, "institution", s[i].institution_slug);
        json_put_field(o, "sent_on", s[i].sent_on);
        json_put_field(o, "channel", s[i].channel);
        json_put_field(o, "reference", s[i].reference);
        json_put_field(o, "document_url", s[i].document_url);
        json_put_key(o, "overdue", false);
        json_put_bool(o, s[i].overdue);
        json_put_key(o, "outcome", false);
        if (s[i].outcome) {
            buf_puts(o, "{");
            json_put_key(o, "outcome", true);
            json_put_string(o, s[i].outcome);
            json_put_field(o, "answered_on", s[i].answered_on);
            json_put_field(o, "link", s[i].link);
            json_put_field(o, "note", s[i].note);
            buf_puts(o, "}");
        } else {
            buf_puts(o, "null");
        }
        buf_puts(o, "}");
    }
    buf_puts(o, "]");
}

static void send_submissions(req *r, unsigned status, const position_head *p)
{
    char today[11];
    wf_today(today);
    submission_rec *s = NULL;
    size_t n = 0;
    db_status st = submission_list(r->db, r->a, p->id, today, &s, &n);
    if (st != DB_OK) {
        resp_fail(r, st, "submission_list");
        return;
    }
    int days = submission_no_answer_days(r->db);
    buf *o = &r->out;
    r->status = status;
    r->content_type = "application/json";
    buf_puts(o, "{");
    json_put_key(o, "position", true);
    json_put_int(o, p->id);
    json_put_field(o, "stage", p->stage);
    json_put_key(o, "no_answer_days", false);
    json_put_int(o, days);
    json_put_key(o, "items", false);
    api_put_submissions(o, s, n);
    buf_puts(o, "}");
}

void api_submission_list(req *r)
{
    position_head p;
    if (load_position(r, &p))
        send_submissions(r, 200, &p);
}

/* Loads the position and the body, and checks the right to record. */
static bool load_for_write(req *r, position_head *p, json_t **body)
{
    if (!load_position(r, p))
        return false;
    if (!rights_can(r->db, r->user, RIGHT_ADVOCACY_RECORD, p->owner_id)) {
        resp_error(r, 403,
                   "Only the SCAN secretariat and the managers of the position's owner record its "
                   "submissions and answers.");
        return false;
    }
    return api_read_json(r, body);
}

void api_submission_create(req *r)
{
    position_head p;
    json_t *body;
    if (!load_for_write(r, &p, &body))
        return;
    submission_input in = {text_of(r, body, "institution"), text_of(r, body, "sent_on"),
                           text_of(r, body, "channel"), text_of(r, body, "reference"),
                           text_of(r, body, "document_url")};
    form_errors fe = {0};
    db_status st = submission_add(r->db, p.id, &in, r->user->person_id, r->client_ip, NULL, &fe);
    json_decref(body);
    if (st != DB_OK) {
        send_errors(r, st, &fe, "submission_add");
        return;
    }
    bool found = false;
    if ((st = submission_position(r->db, r->a, p.id, &p, &found)) != DB_OK) {
        resp_fail(r, st, "submission_position");
        return;
    }
    send_submissions(r, 201, &p);
}

void api_submission_answer(req *r)
{
    position_head p;
    int64_t sid;
    json_t *body;
    if (!path_id(r, "sid", &sid) || !load_for_write(r, &p, &body))
        return;
    outcome_input in = {arena_printf(r->a, "%lld", (long long)sid), text_of(r, body, "outcome"),
                        text_of(r, body, "answered_on"), text_of(r, body, "link"),
                        text_of(r, body, "note")};
    form_errors fe = {0};
    db_status st = submission_answer(r->db, p.id, &in, r->user->person_id, r->client_ip, NULL, &fe);
    json_decref(body);
    if (st != DB_OK) {
        send_errors(r, st, &fe, "submission_answer");
        return;
    }
    bool found = false;
    if ((st = submission_position(r->db, r->a, p.id, &p, &found)) != DB_OK) {
        resp_fail(r, st, "submission_position");
        return;
    }
    send_submissions(r, 201, &p);
}
