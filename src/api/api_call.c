/* api_call.c: funding calls as JSON (see web.h): the list (with
 * eligible_for=slug, each call's verdict and rules for that entry), one
 * call, and the secretariat's create and replace. Same model and the same
 * validation as the pages (model/call.h); errors in English. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "ical/ical.h"
#include "model/call.h"
#include "model/rights.h"
#include "web/web.h"

static const char *const verdict_names[] = {"met", "not_met", "check"};

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *int_or_null(int64_t v)
{
    return v >= 0 ? json_integer(v) : json_null();
}

static json_t *call_json(req *r, const call_rec *c)
{
    buf iso = BUF_INIT;
    time_fmt_iso(&iso, c->deadline_at);
    json_t *o = json_pack(
        "{s:I, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o,"
        " s:o, s:o, s:I, s:I, s:s, s:b}",
        "id", (json_int_t)c->id, "funder", str_or_null(c->funder_slug), "programme", c->programme,
        "title_sr", c->title_sr, "title_en", str_or_null(c->title_en), "summary_sr",
        str_or_null(c->summary_sr), "summary_en", str_or_null(c->summary_en), "url",
        str_or_null(c->url), "opens_on", str_or_null(c->opens_on), "deadline",
        buf_failed(&iso) ? "" : buf_str(&iso), "deadline_tz", c->deadline_tz, "stages",
        str_or_null(c->stages), "budget_cents", int_or_null(c->budget_cents), "grant_min_cents",
        int_or_null(c->grant_min_cents), "grant_max_cents", int_or_null(c->grant_max_cents),
        "cofin_percent", c->cofin_milli >= 0 ? json_integer(c->cofin_milli / 10) : json_null(),
        "min_partners", (json_int_t)c->min_partners, "min_countries", (json_int_t)c->min_countries,
        "status", c->status, "is_demo", c->is_demo);
    buf_free(&iso);
    if (o) /* 0055: the programme's English name, null when not given */
        json_object_set_new(o, "programme_en", str_or_null(c->programme_en));
    char date[11], hm[6];
    if (o && ical_utc_to_local(c->deadline_tz, c->deadline_at, date, hm)) {
        /* read only, for people: the wall time in deadline_tz */
        json_object_set_new(o, "deadline_local",
                            json_string(arena_printf(r->a, "%sT%s", date, hm)));
    }
    if (o && c->rules) {
        json_t *rules = json_array();
        for (size_t i = 0; i < c->n_rules; i++)
            json_array_append_new(rules, json_pack("{s:s, s:s}", "rule", c->rules[i].rule, "value",
                                                   c->rules[i].value));
        json_object_set_new(o, "rules", rules);
    }
    return o;
}

/* The facts of the entry named by ?eligible_for, or false with the 404
 * written; *asked false when the parameter is absent. */
static bool eligible_for(req *r, call_facts *f, bool *asked)
{
    const char *slug = req_query(r, "eligible_for");
    *asked = slug && *slug;
    if (!*asked)
        return true;
    org_rec o;
    bool found = false;
    db_status st = org_get(r->db, r->a, slug, 0, &o, &found);
    if (st == DB_OK && found && o.status && strcmp(o.status, "published") == 0)
        st = call_facts_get(r->db, r->a, o.id, f, &found);
    else if (st == DB_OK)
        found = false;
    if (st != DB_OK) {
        resp_fail(r, st, "eligible_for");
        return false;
    }
    if (!found) {
        resp_error(r, 404, "eligible_for: no published directory entry has this address.");
        return false;
    }
    return true;
}

static json_t *verdict_json(lang_id L, arena *a, const call_rec *c, const call_facts *f)
{
    call_check_row *rows;
    size_t n;
    call_verdict v = call_evaluate(a, L, c, f, &rows, &n);
    json_t *checks = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(checks,
                              json_pack("{s:s, s:s, s:s}", "rule", rows[i].rule, "verdict",
                                        verdict_names[rows[i].verdict], "reason", rows[i].reason));
    return json_pack("{s:s, s:o}", "verdict", verdict_names[v], "rules", checks);
}

void api_call_list(req *r)
{
    const char *q;
    call_filter flt = {.limit = 100};
    flt.archive = (q = req_query(r, "archive")) && strcmp(q, "1") == 0;
    flt.funder = (q = req_query(r, "funder")) && *q ? q : NULL;
    flt.programme = (q = req_query(r, "programme")) && *q ? q : NULL;
    flt.kind = (q = req_query(r, "kind")) && *q ? q : NULL;
    call_facts f;
    bool asked;
    if (!eligible_for(r, &f, &asked))
        return;
    call_rec *calls;
    size_t n;
    int64_t total = 0;
    db_status st = call_list(r->db, r->a, &flt, &calls, &n, &total);
    if (st != DB_OK) {
        resp_fail(r, st, "call_list");
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        call_rec c;
        bool found = false;
        if (asked) { /* the rules are needed: read each call whole */
            if ((st = call_get(r->db, r->a, calls[i].id, &c, &found)) != DB_OK) {
                json_decref(items);
                resp_fail(r, st, "call_get");
                return;
            }
        }
        json_t *o = call_json(r, asked && found ? &c : &calls[i]);
        if (asked && found)
            json_object_set_new(o, "eligibility", verdict_json(LANG_EN, r->a, &c, &f));
        json_array_append_new(items, o);
    }
    api_send(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total));
}

static bool load(req *r, call_rec *c)
{
    const char *p = req_param(r, "id");
    char *end = NULL;
    long long id = p ? strtoll(p, &end, 10) : 0;
    bool found = false;
    db_status st = DB_OK;
    if (p && *p && !*end && id > 0)
        st = call_get(r->db, r->a, id, c, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "call_get");
        return false;
    }
    if (!found || (strcmp(c->status, "published") != 0 &&
                   !(r->user && rights_can(r->db, r->user, RIGHT_CALL_EDIT, 0)))) {
        resp_error(r, 404, "No such funding call.");
        return false;
    }
    return true;
}

void api_call_get(req *r)
{
    call_rec c;
    if (!load(r, &c))
        return;
    call_facts f;
    bool asked;
    if (!eligible_for(r, &f, &asked))
        return;
    json_t *o = call_json(r, &c);
    if (asked)
        json_object_set_new(o, "eligibility", verdict_json(LANG_EN, r->a, &c, &f));
    api_send(r, 200, o);
}

/* Parses an RFC 3339 instant with whole minutes ("2027-03-29T15:00:00Z",
 * "2027-03-29T17:00+02:00") into *out (UTC seconds); false otherwise. */
static bool parse_instant(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec = 0, n = 0, oh = 0, om = 0;
    if (!s || strlen(s) > 40 || sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5)
        return false;
    const char *p = s + n;
    if (*p == ':') {
        int k = 0;
        if (sscanf(p, ":%2d%n", &sec, &k) != 1)
            return false;
        p += k;
    }
    int sign = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        int k = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5)
            return false;
        p += 1 + k;
    } else {
        return false; /* a wall time without its offset: give deadline_date and deadline_time */
    }
    if (*p || sec != 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || oh > 23 ||
        om > 59 || y < 1970 || y > 2199)
        return false;
    /* days from the civil date (Howard Hinnant's algorithm) */
    int yy = y - (mo <= 2);
    int era = yy / 400, yoe = yy - era * 400;
    int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t days = (int64_t)era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    *out = days * 86400 + h * 3600 + mi * 60 - sign * (oh * 3600 + om * 60);
    return true;
}

/* The "deadline" of a body (what GET returns: an RFC 3339 instant) as the
 * wall date and time of the deadline's zone, when deadline_date is not
 * given; an instant that is not one (or names the second of a repeated
 * wall time) is an error on "deadline". */
static void deadline_from_instant(req *r, const char *instant, call_input *in, form_errors *fe)
{
    int64_t at = 0;
    const char *tz = in->deadline_tz && *in->deadline_tz ? in->deadline_tz : "Europe/Belgrade";
    char date[11], hm[6];
    if (!parse_instant(instant, &at)) {
        valid_add_error(fe, "deadline", FE_INVALID, 0, 0);
        return;
    }
    if (!ical_utc_to_local(tz, at, date, hm))
        return; /* an unknown zone: call_check says so on deadline_tz */
    int64_t back = 0;
    if (!ical_local_to_utc(tz, atoi(date), atoi(date + 5), atoi(date + 8), atoi(hm), atoi(hm + 3),
                           &back) ||
        back != at) {
        valid_add_error(fe, "deadline", FE_INVALID, 0, 0);
        return;
    }
    in->deadline_date = arena_strdup(r->a, date);
    in->deadline_time = arena_strdup(r->a, hm);
}

/* A money member: "budget" as typed, else "budget_cents" as GET returns
 * it (an integer of cents), written as euro for the form's parser. */
static const char *money_member(req *r, json_t *body, const char *name, const char *cents_name)
{
    json_t *v = json_object_get(body, name);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return arena_printf(r->a, "%lld", (long long)json_integer_value(v));
    v = json_object_get(body, cents_name);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return NULL;
    long long c = (long long)json_integer_value(v);
    return c % 100 ? arena_printf(r->a, "%lld.%02lld", c / 100, c % 100)
                   : arena_printf(r->a, "%lld", c / 100);
}

static const char *member(req *r, json_t *body, const char *name);

/* A minimum as GET returns it: 0 is "not given" (what GET says of none). */
static const char *count_member(req *r, json_t *body, const char *name)
{
    json_t *v = json_object_get(body, name);
    if (json_is_integer(v) && json_integer_value(v) == 0)
        return NULL;
    return member(r, body, name);
}

/* A JSON member as text: strings as they are, integers written out. */
static const char *member(req *r, json_t *body, const char *name)
{
    json_t *v = json_object_get(body, name);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return arena_printf(r->a, "%lld", (long long)json_integer_value(v));
    return NULL;
}

static void save(req *r, int64_t id)
{
    if (!rights_can(r->db, r->user, RIGHT_CALL_EDIT, 0)) {
        resp_error(r, 403, "Only the SCAN secretariat enters and changes funding calls.");
        return;
    }
    json_t *body;
    if (!api_read_json(r, &body))
        return;
    call_input in = {
        .funder = member(r, body, "funder"),
        .programme = member(r, body, "programme"),
        .programme_en = member(r, body, "programme_en"),
        .title_sr = member(r, body, "title_sr"),
        .title_en = member(r, body, "title_en"),
        .summary_sr = member(r, body, "summary_sr"),
        .summary_en = member(r, body, "summary_en"),
        .url = member(r, body, "url"),
        .opens_on = member(r, body, "opens_on"),
        .deadline_date = member(r, body, "deadline_date"),
        .deadline_time = member(r, body, "deadline_time"),
        .deadline_tz = member(r, body, "deadline_tz"),
        .stages = member(r, body, "stages"),
        .budget = money_member(r, body, "budget", "budget_cents"),
        .grant_min = money_member(r, body, "grant_min", "grant_min_cents"),
        .grant_max = money_member(r, body, "grant_max", "grant_max_cents"),
        .cofin = member(r, body, "cofin_percent"),
        .min_partners = count_member(r, body, "min_partners"),
        .min_countries = count_member(r, body, "min_countries"),
        .status = member(r, body, "status"),
    };
    form_errors fe = {0};
    const char *instant = member(r, body, "deadline");
    if (instant && !in.deadline_date && !in.deadline_time)
        deadline_from_instant(r, instant, &in, &fe);
    json_t *rules = json_object_get(body, "rules");
    if (rules && !json_is_array(rules)) {
        valid_add_error(&fe, "rules", FE_INVALID, 0, 0);
    } else if (rules) {
        size_t n = json_array_size(rules);
        call_rule *rl = arena_alloc(r->a, (n ? n : 1) * sizeof *rl);
        size_t k = 0;
        for (size_t i = 0; rl && i < n; i++) {
            json_t *x = json_array_get(rules, i);
            const char *rule = json_string_value(json_object_get(x, "rule"));
            const char *value = json_string_value(json_object_get(x, "value"));
            if (!rule || !value) {
                valid_add_error(&fe, "rules", FE_INVALID, 0, 0);
                break;
            }
            rl[k++] = (call_rule){arena_strdup(r->a, rule), arena_strdup(r->a, value)};
        }
        in.rules = rl;
        in.n_rules = k;
    }
    /* strings of the body live as long as it: copy what the write needs */
    const char **all[] = {&in.funder,        &in.programme,     &in.title_sr,    &in.title_en,
                          &in.summary_sr,    &in.summary_en,    &in.url,         &in.opens_on,
                          &in.deadline_date, &in.deadline_time, &in.deadline_tz, &in.stages,
                          &in.budget,        &in.grant_min,     &in.grant_max,   &in.cofin,
                          &in.min_partners,  &in.min_countries, &in.status,      &in.programme_en};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (*all[i])
            *all[i] = arena_strdup(r->a, *all[i]);
    json_decref(body);
    db_status st = DB_CONSTRAINT;
    if (fe.n_items == 0)
        st = id ? call_update(r->db, id, &in, r->user->person_id, r->client_ip, &fe)
                : call_create(r->db, &in, r->user->person_id, r->client_ip, &id, &fe);
    if (st == DB_DONE) {
        resp_error(r, 404, "No such funding call.");
        return;
    }
    if (st == DB_CONSTRAINT) {
        api_errs e = {0};
        for (size_t i = 0; i < fe.n_items; i++) {
            buf b = BUF_INIT;
            call_error_text(&b, LANG_EN, &fe.items[i], in.deadline_tz);
            api_errs_add(r, &e, fe.items[i].field, arena_strdup(r->a, buf_str(&b)));
            buf_free(&b);
        }
        api_send_invalid(r, &e);
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "call_save");
        return;
    }
    call_rec c;
    bool found = false;
    if ((st = call_get(r->db, r->a, id, &c, &found)) != DB_OK || !found) {
        resp_fail(r, st != DB_OK ? st : DB_ERR, "call_get");
        return;
    }
    api_send(r, r->method == HTTP_POST ? 201 : 200, call_json(r, &c));
}

void api_call_create(req *r)
{
    save(r, 0);
}

void api_call_update(req *r)
{
    if (!rights_can(r->db, r->user, RIGHT_CALL_EDIT, 0)) { /* before saying whether it exists */
        resp_error(r, 403, "Only the SCAN secretariat enters and changes funding calls.");
        return;
    }
    call_rec c;
    if (!load(r, &c))
        return;
    save(r, c.id);
}
