/* web_event_form.c: the organiser's form for an event (see web.h): a new
 * event, editing one, and saving either, for whoever may edit the
 * organiser's directory entry (RIGHT_ORG_EDIT). Times in the form are
 * Belgrade datetime-local values, stored UTC. Shares the labels and
 * loading of web_event.c through web_event.h. */
#include <string.h>
#include <time.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "json/json.h"
#include "web/web.h"
#include "web/web_event.h"
#include "web/web_org.h"

/* --- times -------------------------------------------------------------------- */

/* "YYYY-MM-DDTHH:MM" (a datetime-local input) or "YYYY-MM-DD HH:MM", in
 * Belgrade time, as UTC seconds; 0 when empty; -1 when malformed. */
static int64_t parse_local(const char *s)
{
    if (!s || !*s)
        return 0;
    int y, mo, d, h, mi;
    char sep;
    int used = 0;
    if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &used) != 6 ||
        (sep != 'T' && sep != ' ') || s[used] != '\0' || y < 2000 || y > 2100 || mo < 1 ||
        mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59)
        return -1;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_isdst = -1};
    time_t t = mktime(&tm);
    /* mktime normalises 31 February into March: refuse what moved */
    if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
        return -1;
    return (int64_t)t;
}

/* The datetime-local value of a UTC time ("" for 0). */
static const char *local_value(req *r, int64_t t)
{
    if (t <= 0)
        return "";
    time_t tt = (time_t)t;
    struct tm tm;
    char v[20];
    if (!localtime_r(&tt, &tm) || strftime(v, sizeof v, "%Y-%m-%dT%H:%M", &tm) == 0)
        return "";
    return arena_strdup(r->a, v);
}

/* --- the organiser's form ------------------------------------------------------------ */

typedef struct event_form {
    const char *kind, *organiser, *title_sr, *title_en, *description_sr, *description_en;
    const char *starts_at, *ends_at, *place, *online_url, *language, *audience, *capacity;
    const char *cancel_until;
    bool cancelled;
} event_form;

static void choice_field(req *r, const char *id, const char *name, msg_id lbl,
                         const char *const *codes, const msg_id *msgs, const char *value,
                         const char *error)
{
    buf *o = &r->out;
    html_fmt(o, "<div class=\"field\"><label for=\"%s\">%s</label>", id, T(r->lang, lbl));
    if (error)
        html_fmt(o, "<p class=\"field-error\" id=\"%s-err\">%s</p>", id, error);
    html_fmt(o, "<select id=\"%s\" name=\"%s\"%R>", id, name,
             error ? " aria-invalid=\"true\"" : "");
    for (size_t i = 0; codes[i]; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", codes[i],
                 value && strcmp(value, codes[i]) == 0 ? " selected" : "", T(r->lang, msgs[i]));
    html_raw(o, "</select></div>\n");
}

static void form_page(req *r, const event_rec *e, const event_form *v, const web_errs *errs,
                      const event_organiser *orgs, size_t n_orgs)
{
    lang_id L = r->lang;
    const char *title = e ? web_event_title(r, e) : T(L, MSG_EVENTS_NEW);
    page_meta m = {.title = title, .nav = "events"};
    layout_begin(r, &m);
    buf *o = &r->out;
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/events\">%s</a></p>\n<h1>%s</h1>\n",
             T(L, MSG_EVENTS_TITLE), title);
    web_error_summary(r, errs);
    if (e)
        html_fmt(o, "<form method=\"post\" action=\"/events/%D\" class=\"form card\">",
                 (long long)e->id);
    else
        html_raw(o, "<form method=\"post\" action=\"/events\" class=\"form card\">");
    layout_csrf_field(r);
    choice_field(r, "ev-kind", "kind", MSG_EVENT_F_KIND, event_kinds, web_event_kind_msgs, v->kind,
                 web_errs_get(errs, "kind"));
    const char *oerr = web_errs_get(errs, "organiser");
    html_fmt(o, "<div class=\"field\"><label for=\"ev-org\">%s</label>",
             T(L, MSG_EVENT_F_ORGANISER));
    if (oerr)
        html_fmt(o, "<p class=\"field-error\">%s</p>", oerr);
    html_fmt(o, "<select id=\"ev-org\" name=\"organiser\"%R>",
             oerr ? " aria-invalid=\"true\"" : "");
    for (size_t i = 0; i < n_orgs; i++)
        html_fmt(o, "<option value=\"%s\"%R>%s</option>", orgs[i].slug,
                 v->organiser && strcmp(v->organiser, orgs[i].slug) == 0 ? " selected" : "",
                 web_org_text(r, orgs[i].name, orgs[i].name_en));
    html_raw(o, "</select></div>\n");
    const struct {
        const char *id, *name, *type, *value;
        msg_id label, hint;
        bool required;
        int max;
    } fields[] = {
        {"ev-title-sr", "title_sr", "text", v->title_sr, MSG_EVENT_F_TITLE_SR, 0, true,
         EVENT_TITLE_MAX},
        {"ev-title-en", "title_en", "text", v->title_en, MSG_EVENT_F_TITLE_EN,
         MSG_EVENT_F_TRANSLATION_HINT, false, EVENT_TITLE_MAX},
        {"ev-starts", "starts_at", "datetime-local", v->starts_at, MSG_EVENT_F_STARTS,
         MSG_EVENT_F_DATETIME_HINT, true, 0},
        {"ev-ends", "ends_at", "datetime-local", v->ends_at, MSG_EVENT_F_ENDS,
         MSG_EVENT_F_DATETIME_HINT, true, 0},
        {"ev-place", "place", "text", v->place, MSG_EVENT_F_PLACE, MSG_EVENT_F_PLACE_HINT, false,
         EVENT_PLACE_MAX},
        {"ev-online", "online_url", "url", v->online_url, MSG_EVENT_F_ONLINE, 0, false,
         EVENT_PLACE_MAX},
        {"ev-capacity", "capacity", "number", v->capacity, MSG_EVENT_F_CAPACITY,
         MSG_EVENT_F_CAPACITY_HINT, false, 0},
        {"ev-cancel", "cancel_until", "datetime-local", v->cancel_until, MSG_EVENT_F_CANCEL_UNTIL,
         MSG_EVENT_F_CANCEL_HINT, false, 0},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *err = web_errs_get(errs, fields[i].name);
        /* a malformed date-time goes back as typed, in a text input */
        const char *type = fields[i].type;
        if (err && strcmp(type, "number") == 0)
            type = "text";
        if (err && strcmp(type, "datetime-local") == 0 && parse_local(fields[i].value) < 0)
            type = "text";
        web_input in = {.id = fields[i].id,
                        .name = fields[i].name,
                        .type = type,
                        .label = T(L, fields[i].label),
                        .value = fields[i].value,
                        .hint = fields[i].hint ? T(L, fields[i].hint) : NULL,
                        .error = err,
                        .required = fields[i].required,
                        .maxlength = fields[i].max};
        web_field(r, &in);
    }
    for (int k = 0; k < 2; k++) {
        const char *name = k ? "description_en" : "description_sr";
        const char *err = web_errs_get(errs, name);
        html_fmt(o, "<div class=\"field\"><label for=\"ev-%s\">%s</label>", name,
                 T(L, k ? MSG_EVENT_F_DESC_EN : MSG_EVENT_F_DESC_SR));
        if (err)
            html_fmt(o, "<p class=\"field-error\">%s</p>", err);
        html_fmt(o,
                 "<textarea id=\"ev-%s\" name=\"%s\" rows=\"6\" maxlength=\"%d\">%s</textarea>"
                 "</div>\n",
                 name, name, EVENT_TEXT_MAX,
                 (k ? v->description_en : v->description_sr)
                     ? (k ? v->description_en : v->description_sr)
                     : "");
    }
    choice_field(r, "ev-lang", "language", MSG_EVENT_LANGUAGE, event_languages, web_event_lang_msgs,
                 v->language, web_errs_get(errs, "language"));
    choice_field(r, "ev-aud", "audience", MSG_EVENT_AUDIENCE, event_audiences,
                 web_event_audience_msgs, v->audience, web_errs_get(errs, "audience"));
    if (e)
        html_fmt(o,
                 "<div class=\"field field-check\"><input type=\"checkbox\" id=\"ev-cancelled\" "
                 "name=\"cancelled\" value=\"1\"%R> <label for=\"ev-cancelled\">%s</label></div>\n",
                 v->cancelled ? " checked" : "", T(L, MSG_EVENT_F_CANCELLED));
    html_fmt(o, "<p><button type=\"submit\">%s</button></p></form>\n", T(L, MSG_SAVE));
    layout_end(r);
}

static const char *organiser_name(const void *item)
{
    return ((const event_organiser *)item)->name;
}

/* The organiser a new event starts with: the first entry of the model's
 * order (for the secretariat the association itself), before sorting. */
static const char *first_organiser(req *r)
{
    event_organiser *o;
    size_t n = 0;
    if (event_organisers(r->db, r->a, r->user->person_id, r->user->secretariat >= SEC_EDITOR, &o,
                         &n) != DB_OK ||
        n == 0)
        return NULL;
    return o[0].slug;
}

static bool load_organisers(req *r, event_organiser **orgs, size_t *n)
{
    db_status st = event_organisers(r->db, r->a, r->user->person_id,
                                    r->user->secretariat >= SEC_EDITOR, orgs, n);
    if (st != DB_OK) {
        resp_fail(r, st, "event_organisers");
        return false;
    }
    web_sort_by_name(r, *orgs, *n, sizeof **orgs, organiser_name);
    return true;
}

static void form_from_event(req *r, const event_rec *e, event_form *v)
{
    char cap[24] = "";
    if (e->capacity)
        snprintf(cap, sizeof cap, "%lld", (long long)e->capacity);
    *v = (event_form){.kind = e->kind,
                      .organiser = e->organiser_slug,
                      .title_sr = e->title_sr,
                      .title_en = e->title_en,
                      .description_sr = e->description_sr,
                      .description_en = e->description_en,
                      .starts_at = local_value(r, e->starts_at),
                      .ends_at = local_value(r, e->ends_at),
                      .place = e->place,
                      .online_url = e->online_url,
                      .language = e->language,
                      .audience = e->audience,
                      .capacity = arena_strdup(r->a, cap),
                      .cancel_until = local_value(r, e->cancel_until),
                      .cancelled = strcmp(e->status, "cancelled") == 0};
}

void web_event_new_form(req *r)
{
    event_organiser *orgs;
    size_t n;
    if (!load_organisers(r, &orgs, &n))
        return;
    if (n == 0) {
        resp_error(r, 403, T(r->lang, MSG_EVENT_F_NO_ORGANISER));
        return;
    }
    event_form v = {.kind = "training",
                    .language = "sr",
                    .audience = "everyone",
                    .organiser = first_organiser(r)};
    web_errs e = {0};
    form_page(r, NULL, &v, &e, orgs, n);
}

void web_event_edit_form(req *r)
{
    event_rec e;
    if (!web_event_load_organised(r, &e))
        return;
    event_organiser *orgs;
    size_t n;
    if (!load_organisers(r, &orgs, &n))
        return;
    event_form v;
    form_from_event(r, &e, &v);
    web_errs errs = {0};
    form_page(r, &e, &v, &errs, orgs, n);
}

/* s without surrounding ASCII white space (arena copy). */
static const char *trimmed(req *r, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    char *c = arena_alloc(r->a, n + 1);
    if (!c)
        return s;
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

/* s with the CRLF line ends a browser sends from a textarea as LF (an
 * arena copy; s itself when it has no CR, or when the arena is out). */
static const char *lf_only(req *r, const char *s)
{
    if (!s || !strchr(s, '\r'))
        return s;
    size_t n = strlen(s);
    char *t = arena_alloc(r->a, n + 1), *w = t;
    if (!t)
        return s;
    for (size_t i = 0; i < n; i++)
        if (!(s[i] == '\r' && s[i + 1] == '\n'))
            *w++ = s[i] == '\r' ? '\n' : s[i];
    *w = '\0';
    return t;
}

/* Reads and checks the form into in; errors into errs (worded). */
static void read_form(req *r, const form *f, event_form *v, event_input *in, web_errs *errs)
{
    lang_id L = r->lang;
    *v = (event_form){.kind = form_get(f, "kind"),
                      .organiser = form_get(f, "organiser"),
                      .title_sr = form_get(f, "title_sr"),
                      .title_en = form_get(f, "title_en"),
                      .description_sr = lf_only(r, form_get(f, "description_sr")),
                      .description_en = lf_only(r, form_get(f, "description_en")),
                      .starts_at = form_get(f, "starts_at"),
                      .ends_at = form_get(f, "ends_at"),
                      .place = form_get(f, "place"),
                      .online_url = form_get(f, "online_url"),
                      .language = form_get(f, "language"),
                      .audience = form_get(f, "audience"),
                      .capacity = form_get(f, "capacity"),
                      .cancel_until = form_get(f, "cancel_until"),
                      .cancelled = form_get(f, "cancelled") != NULL};
    /* trimmed copies: what is stored and what the form shows again */
    const char **texts[] = {&v->title_sr, &v->title_en,    &v->description_sr, &v->description_en,
                            &v->place,    &v->online_url,  &v->starts_at,      &v->ends_at,
                            &v->capacity, &v->cancel_until};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (*texts[i])
            *texts[i] = trimmed(r, *texts[i]);
    *in = (event_input){.kind = v->kind,
                        .language = v->language,
                        .audience = v->audience,
                        .title_sr = v->title_sr,
                        .title_en = v->title_en,
                        .description_sr = v->description_sr,
                        .description_en = v->description_en,
                        .place = v->place,
                        .online_url = v->online_url,
                        .cancelled = v->cancelled};
    const struct {
        const char *name, *text;
        int64_t *out;
    } times[] = {{"starts_at", v->starts_at, &in->starts_at},
                 {"ends_at", v->ends_at, &in->ends_at},
                 {"cancel_until", v->cancel_until, &in->cancel_until}};
    for (size_t i = 0; i < 3; i++) {
        int64_t t = parse_local(times[i].text);
        if (t < 0) {
            web_errs_add(errs, times[i].name, T(L, MSG_EVENT_ERR_DATETIME));
            t = 0;
        }
        *times[i].out = t;
    }
    if (v->capacity && *v->capacity) {
        /* the one number parser: "1000", "1.000,0" and "1 000" as people
         * type them, "1.000" refused as ambiguous with both readings */
        static const form_rule rule = {"capacity", FV_INT, 0, 1, EVENT_CAPACITY_MAX, NULL};
        static const valid_table t = {&rule, 1, NULL, 0};
        form_value val;
        form_errors fe = {0};
        if (valid_values(r->a, &t, (const char *const[1]){v->capacity}, &val, &fe, NULL))
            in->capacity = val.i;
        else
            web_errs_from_form(r, &fe, errs);
    }
}

/* The organiser named by the form into in->organiser_id: false (403 or
 * 5xx written) when it is an entry the reader may not organise for; an
 * unknown one is the form's error. */
static bool read_organiser(req *r, const event_form *v, event_input *in, web_errs *errs)
{
    in->organiser_id = 0;
    if (!v->organiser || !*v->organiser)
        return true;
    org_rec o;
    bool found = false;
    db_status st = org_get(r->db, r->a, v->organiser, 0, &o, &found);
    if (st != DB_OK) {
        resp_fail(r, st, "org_get");
        return false;
    }
    /* a draft or a proposal under review is no organiser: its name would
     * be published through the event (the model refuses it too) */
    if (!found || !o.status || strcmp(o.status, "published") != 0) {
        web_errs_add(errs, "organiser", T(r->lang, MSG_EVENT_ERR_ORGANISER));
        return true;
    }
    if (!web_event_may_organise(r, o.id)) {
        resp_error(r, 403, T(r->lang, MSG_EVENT_ERR_ORGANISER));
        return false;
    }
    in->organiser_id = o.id;
    return true;
}

/* Words the model's refusals for this form, then the generic ones. */
static void word_errors(req *r, const form_errors *fe, web_errs *errs)
{
    lang_id L = r->lang;
    for (size_t i = 0; i < fe->n_items; i++) {
        const form_error *x = &fe->items[i];
        if (strcmp(x->field, "starts_at") == 0 && x->code == FE_RANGE)
            web_errs_add(errs, "starts_at", T(L, MSG_EVENT_ERR_START_PAST));
        else if (strcmp(x->field, "ends_at") == 0 && x->code == FE_DATE_ORDER)
            web_errs_add(errs, "ends_at", T(L, MSG_EVENT_ERR_END_ORDER));
        else if (strcmp(x->field, "cancel_until") == 0 && x->code == FE_DATE_ORDER)
            web_errs_add(errs, "cancel_until", T(L, MSG_EVENT_ERR_CUTOFF_ORDER));
        else if (strcmp(x->field, "place") == 0 && x->code == FE_REQUIRED)
            web_errs_add(errs, "place", T(L, MSG_EVENT_ERR_PLACE));
        else if (strcmp(x->field, "capacity") == 0 && x->code == FE_RANGE && x->min > 1)
            web_errs_add(errs, "capacity",
                         arena_printf(r->a, T(L, MSG_EVENT_ERR_CAPACITY_BELOW), (int)x->min));
        else if (strcmp(x->field, "organiser") == 0)
            web_errs_add(errs, "organiser", T(L, MSG_EVENT_ERR_ORGANISER));
    }
    web_errs_from_form(r, fe, errs);
}

static void save(req *r, const event_rec *existing)
{
    form f;
    if (!req_body_form(r, &f))
        return;
    event_form v;
    event_input in;
    web_errs errs = {0};
    read_form(r, &f, &v, &in, &errs);
    if (!read_organiser(r, &v, &in, &errs))
        return;
    form_errors fe = {0};
    int64_t id = existing ? existing->id : 0;
    db_status st = DB_CONSTRAINT;
    if (errs.n == 0) {
        st = existing ? event_update(r->db, id, &in, r->user->person_id, r->client_ip,
                                     web_base_url(r), &fe)
                      : event_create(r->db, &in, r->user->person_id, r->client_ip, &id, &fe);
        if (st == DB_OK) {
            resp_redirect(r, arena_printf(r->a, "/events/%lld?done=saved", (long long)id));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, existing ? "event_update" : "event_create");
            return;
        }
    } else {
        /* the model's checks too, so every field says what is wrong at once */
        event_check(&in, time_now(), !existing, &fe);
    }
    word_errors(r, &fe, &errs);
    event_organiser *orgs;
    size_t n;
    if (!load_organisers(r, &orgs, &n))
        return;
    r->status = 422;
    form_page(r, existing, &v, &errs, orgs, n);
}

void web_event_create(req *r)
{
    save(r, NULL);
}

void web_event_update(req *r)
{
    event_rec e;
    if (!web_event_load_organised(r, &e))
        return;
    save(r, &e);
}
