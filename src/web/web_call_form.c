/* web_call_form.c: the secretariat's form of a funding call (issue 14):
 * new and edit, the funder typed by name then chosen (without script),
 * the eligibility rules a select each, create, update, withdraw, and a
 * reader's follow. The call's pages are web_call.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "html/html.h"
#include "html/layout.h"
#include "ical/ical.h"
#include "model/call.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_call_internal.h"
#include "web/web_org.h"

/* --- the secretariat's form -------------------------------------------------------- */

/* --- the funder: typed name, then chosen entry (works without script) ---------------- */

/* What the form made of the funder field: a resolved funder, or the
 * question to ask beside it. */
typedef struct funder_pick {
    const char *shown, *slug; /* a resolved funder: its name, its address */
    bool choose;              /* the words fit several entries: offer them */
    bool unknown;             /* the words name no published entry */
} funder_pick;

/* Resolves the posted funder into in->funder (a slug) as every form reads
 * a field naming an entry (web_org_resolve: the entry chosen from the
 * list, funder_choice, else the typeahead's pick, funder_pick, else the
 * text typed as an address or a name in Serbian, either script, with or
 * without diacritics, or in English). The funder the form showed stands
 * while its name is unchanged (funder_was: the name shown may fit several
 * entries). Several or no matches: an error beside the field (FE_CHOICE:
 * choose, with the select; FE_INVALID: none), nothing stored. */
static db_status funder_resolve(req *r, const form *f, call_input *in, funder_pick *p,
                                form_errors *fe)
{
    memset(p, 0, sizeof *p);
    const char *typed = in->funder;
    while (typed && (*typed == ' ' || *typed == '\t'))
        typed++;
    if (!typed || !*typed) {
        in->funder = NULL;
        return DB_OK;
    }
    const char *picked = web_org_choice_get(f, "funder");
    if (!picked)
        picked = form_get(f, "funder_pick");
    org_rec o;
    db_status st;
    const char *was = form_get(f, "funder_was");
    if ((!picked || !*picked) && was && *was && strlen(was) <= 200) {
        bool found = false;
        if ((st = org_get(r->db, r->a, was, 0, &o, &found)) != DB_OK)
            return st;
        if (found && (strcmp(typed, web_org_name(r, &o)) == 0 || strcmp(typed, o.slug) == 0 ||
                      (o.name && strcmp(typed, o.name) == 0) ||
                      (o.name_en && strcmp(typed, o.name_en) == 0)))
            picked = was;
    }
    web_pick got;
    if ((st = web_org_resolve(r, typed, picked, false, &o, &got)) != DB_OK)
        return st;
    if (got == WEB_PICK_FOUND) {
        in->funder = p->slug = o.slug;
        p->shown = web_org_name(r, &o);
        return DB_OK;
    }
    p->choose = got == WEB_PICK_CHOOSE;
    p->unknown = !p->choose;
    valid_add_error(fe, "funder", p->choose ? FE_CHOICE : FE_INVALID, 0, 0);
    in->funder = typed;
    return DB_OK;
}

/* The funder field: a name with the directory typeahead (script), and,
 * after a name that matched several entries, a select of them. */
static void funder_field(req *r, const char *value, const funder_pick *p, const web_errs *errs)
{
    lang_id L = r->lang;
    if (p && p->slug) {
        value = p->shown;
        html_fmt(&r->out, "<input type=\"hidden\" name=\"funder_was\" value=\"%s\">", p->slug);
    }
    web_field(r, &(web_input){.id = "call-funder",
                              .name = "funder",
                              .type = "text",
                              .label = T(L, MSG_CALL_FUNDER),
                              .value = value,
                              .hint = T(L, MSG_CALL_F_FUNDER_PICK_HINT),
                              .error = p && p->unknown ? T(L, MSG_CALL_ERR_FUNDER_NONE)
                                                       : web_errs_get(errs, "funder"),
                              .autocomplete = "off",
                              .suggest = "fill",
                              .maxlength = 200});
    if (p && p->choose) /* the typed words found several: choose one */
        (void)web_org_choices(r, "call-funder", "funder", value);
}

/* --- eligibility: a select per rule (works without script) ------------------------------ */

#define RULE_ROWS_BLANK 3 /* empty rule rows under the call's own */

/* The rule kinds offered as selects, with the reference table of their
 * values (-1: a fixed list of the model's). */
static const struct {
    const char *rule;
    int ref;
} pick_kinds[] = {
    {"kind", WREF_KIND},     {"size", -1},
    {"stage", -1},           {"label", -1},
    {"region", WREF_REGION}, {"district", WREF_DISTRICT},
    {"nace", WREF_NACE},     {"fos", WREF_FOS},
};

static const char *const stage_values[] = {"initiative", "emerging", "developing", "established",
                                           NULL};

/* Whether a rule is one the selects offer (else: countries or words). */
static bool rule_picked(const char *rule)
{
    for (size_t k = 0; k < sizeof pick_kinds / sizeof pick_kinds[0]; k++)
        if (strcmp(rule, pick_kinds[k].rule) == 0)
            return true;
    return false;
}

/* One rule row: a select of every value of every kind, grouped by kind,
 * each value named in the reader's language; value "kind:code". */
static void rule_select(req *r, web_refs *refs, int n, const call_rule *cur, const char *err)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *id = arena_printf(r->a, "call-rule-%d", n);
    web_field_open(r, id, arena_printf(r->a, T(L, MSG_CALL_F_RULE_N), n), NULL, NULL);
    html_fmt(o, "<select id=\"%s\" name=\"rule_%d\"%R>", id, n,
             err ? " aria-invalid=\"true\" aria-describedby=\"call-rules-error\"" : "");
    html_fmt(o, "<option value=\"\">%s</option>", T(L, MSG_CALL_F_RULE_NONE));
    for (size_t k = 0; k < sizeof pick_kinds / sizeof pick_kinds[0]; k++) {
        const char *rule = pick_kinds[k].rule;
        html_fmt(o, "<optgroup label=\"%s\">", call_rule_label(L, rule));
        bool is = cur && strcmp(cur->rule, rule) == 0;
        if (pick_kinds[k].ref >= 0) {
            size_t ni = 0;
            const ref_item *it = web_refs_items(r, refs, pick_kinds[k].ref, &ni);
            for (size_t i = 0; it && i < ni; i++) {
                if (strcmp(rule, "nace") == 0 && strlen(it[i].code) != 2)
                    continue; /* divisions only */
                bool on = is && strcmp(cur->value, it[i].code) == 0;
                bool code_shown = strcmp(rule, "nace") == 0 || strcmp(rule, "fos") == 0;
                html_fmt(o, "<option value=\"%s:%s\"%R>%s: %s%s%s</option>", rule, it[i].code,
                         on ? " selected" : "", call_rule_label(L, rule),
                         code_shown ? it[i].code : "", code_shown ? " " : "",
                         it[i].label ? it[i].label : it[i].code);
            }
        } else {
            const char *const *vals = strcmp(rule, "size") == 0    ? call_sizes
                                      : strcmp(rule, "stage") == 0 ? stage_values
                                                                   : call_labels;
            for (size_t i = 0; vals[i]; i++)
                html_fmt(o, "<option value=\"%s:%s\"%R>%s: %s</option>", rule, vals[i],
                         is && strcmp(cur->value, vals[i]) == 0 ? " selected" : "",
                         call_rule_label(L, rule), call_value_text(r->a, L, rule, vals[i]));
        }
        html_raw(o, "</optgroup>");
    }
    html_raw(o, "</select></div>\n");
}

/* The eligibility fieldset: the call's rules as selects plus blank rows,
 * the countries as codes and the conditions in words. */
static void rules_fieldset(req *r, const call_rule *rules, size_t n_rules, int blank,
                           const web_errs *errs)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *err = web_errs_get(errs, "rules");
    html_fmt(o,
             "<fieldset class=\"field%R\" id=\"call-rules\" aria-describedby=\"call-rules-hint%R\">"
             "<legend>%s</legend><p class=\"hint\" id=\"call-rules-hint\">%s</p>",
             err ? " field-invalid" : "", err ? " call-rules-error" : "", T(L, MSG_CALL_RULES),
             T(L, MSG_CALL_F_RULE_PICK_HINT));
    if (err)
        html_fmt(o, "<p class=\"field-error\" id=\"call-rules-error\">%s</p>", err);
    web_refs refs = {0};
    int row = 0;
    buf countries = BUF_INIT, words = BUF_INIT;
    for (size_t i = 0; i < n_rules; i++) {
        if (rule_picked(rules[i].rule))
            rule_select(r, &refs, ++row, &rules[i], err);
        else if (strcmp(rules[i].rule, "country") == 0)
            buf_printf(&countries, "%s%s", countries.len ? ", " : "", rules[i].value);
        else
            buf_printf(&words, "%s\n", rules[i].value); /* text rules */
    }
    for (int i = 0; i < blank; i++)
        rule_select(r, &refs, ++row, NULL, err);
    html_fmt(o, "<input type=\"hidden\" name=\"rule_rows\" value=\"%d\">", row);
    web_field(r, &(web_input){.id = "call-countries",
                              .name = "rule_countries",
                              .type = "text",
                              .label = T(L, MSG_CALL_F_COUNTRIES),
                              .value = buf_failed(&countries) ? "" : buf_str(&countries),
                              .hint = T(L, MSG_CALL_F_COUNTRY_HINT),
                              .maxlength = 400});
    web_field_open(r, "call-rules-text", T(L, MSG_CALL_F_RULES_TEXT),
                   T(L, MSG_CALL_F_RULES_TEXT_HINT), NULL);
    html_raw(o, "<textarea id=\"call-rules-text\" name=\"rules_text\" rows=\"3\"");
    web_described_by(r, "call-rules-text", true, NULL);
    html_fmt(o, ">%s</textarea></div>\n", buf_failed(&words) ? "" : buf_str(&words));
    html_raw(o, "</fieldset>\n");
    buf_free(&countries);
    buf_free(&words);
}

/* The rules of the posted form: rule_1..rule_<rule_rows> ("kind:code"),
 * rule_countries (codes separated by commas or spaces) and rules_text
 * (a "text" rule a line); false when a select's value is malformed. The
 * API and the CSV keep "kind:value" codes (call_rules_parse). */
static bool rules_from_form(req *r, const form *f, call_rule **out, size_t *n)
{
    *n = 0;
    const char *rows_s = form_get(f, "rule_rows");
    long rows = rows_s ? strtol(rows_s, NULL, 10) : 0;
    if (rows < 0 || rows > CALL_RULES_MAX)
        rows = CALL_RULES_MAX;
    const char *countries = form_get(f, "rule_countries"), *words = form_get(f, "rules_text");
    size_t cap = (size_t)rows + 2;
    for (const char *p = countries; p && *p; p++)
        cap += *p == ',' || *p == ' ';
    for (const char *p = words; p && *p; p++)
        cap += *p == '\n';
    call_rule *rl = arena_alloc(r->a, cap * sizeof *rl);
    *out = rl;
    if (!rl)
        return false;
    bool ok = true;
    for (long i = 1; i <= rows; i++) {
        const char *v = form_get(f, arena_printf(r->a, "rule_%ld", i));
        if (!v || !*v)
            continue;
        const char *colon = strchr(v, ':');
        if (!colon || colon == v || !colon[1]) {
            ok = false;
            continue;
        }
        rl[(*n)++] = (call_rule){arena_strndup(r->a, v, (size_t)(colon - v)), colon + 1};
    }
    char *c = countries ? arena_strdup(r->a, countries) : NULL;
    for (char *save = NULL, *t = c ? strtok_r(c, ", ;\t\r\n", &save) : NULL; t && *n < cap;
         t = strtok_r(NULL, ", ;\t\r\n", &save)) {
        for (char *q = t; *q; q++)
            if (*q >= 'a' && *q <= 'z')
                *q = (char)(*q - 'a' + 'A');
        rl[(*n)++] = (call_rule){"country", t};
    }
    char *w = words ? arena_strdup(r->a, words) : NULL;
    for (char *save = NULL, *t = w ? strtok_r(w, "\r\n", &save) : NULL; t && *n < cap;
         t = strtok_r(NULL, "\r\n", &save)) {
        while (*t == ' ')
            t++;
        if (*t)
            rl[(*n)++] = (call_rule){"text", t};
    }
    return ok;
}

/* The zones funders state deadlines in, with the place a reader knows:
 * the form offers these; the API takes any canonical zone name. */
static const struct {
    const char *tz;
    msg_id place;
} common_zones[] = {
    {"Europe/Belgrade", MSG_CALL_TZ_BELGRADE},  {"Europe/Brussels", MSG_CALL_TZ_BRUSSELS},
    {"Europe/Berlin", MSG_CALL_TZ_BERLIN},      {"Europe/Paris", MSG_CALL_TZ_PARIS},
    {"Europe/Rome", MSG_CALL_TZ_ROME},          {"Europe/Vienna", MSG_CALL_TZ_VIENNA},
    {"Europe/London", MSG_CALL_TZ_LONDON},      {"Europe/Athens", MSG_CALL_TZ_ATHENS},
    {"America/New_York", MSG_CALL_TZ_NEW_YORK}, {"UTC", MSG_CALL_TZ_UTC},
};

const char *wcall_zone_place(req *r, const char *tz)
{
    for (size_t i = 0; tz && i < sizeof common_zones / sizeof common_zones[0]; i++)
        if (strcmp(tz, common_zones[i].tz) == 0)
            return T(r->lang, common_zones[i].place);
    return tz ? tz : "";
}

/* The deadline's zone as a select of common_zones; a zone not among them
 * (entered through the API or CSV) is kept as one more option. */
static void tz_select(req *r, const char *value, const char *err)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *v = value && *value ? value : "Europe/Belgrade";
    web_field_open(r, "call-deadline_tz", T(L, MSG_CALL_F_TZ), T(L, MSG_CALL_F_TZ_PICK_HINT), err);
    html_raw(o, "<select id=\"call-deadline_tz\" name=\"deadline_tz\"");
    web_described_by(r, "call-deadline_tz", true, err);
    html_raw(o, ">");
    bool listed = false;
    for (size_t i = 0; i < sizeof common_zones / sizeof common_zones[0]; i++) {
        bool on = strcmp(v, common_zones[i].tz) == 0;
        listed |= on;
        html_fmt(o, "<option value=\"%s\"%R>%s (%s)</option>", common_zones[i].tz,
                 on ? " selected" : "", T(L, common_zones[i].place), common_zones[i].tz);
    }
    if (!listed)
        html_fmt(o, "<option value=\"%s\" selected>%s</option>", v, v);
    html_raw(o, "</select></div>\n");
}

static void form_page(req *r, const call_rec *c, const call_input *in, const funder_pick *fp,
                      const web_errs *errs)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    const char *title = c ? wcall_title(r, c) : T(L, MSG_CALL_NEW);
    page_meta m = {.title = title, .nav = "calls"};
    layout_begin(r, &m);
    html_fmt(o, "<p class=\"crumbs\"><a href=\"/calls\">%s</a></p>\n<h1>%s</h1>\n",
             T(L, MSG_CALLS_TITLE), title);
    web_error_summary(r, errs);
    if (c)
        html_fmt(o, "<form method=\"post\" action=\"/calls/%D\" class=\"form card\">",
                 (long long)c->id);
    else
        html_raw(o, "<form method=\"post\" action=\"/calls\" class=\"form card\">");
    layout_csrf_field(r);
    const struct {
        const char *name, *type, *value;
        msg_id label, hint;
        bool required;
    } fields[] = {
        {"title_sr", "text", in->title_sr, MSG_CALL_F_TITLE_SR, 0, true},
        {"title_en", "text", in->title_en, MSG_CALL_F_TITLE_EN, 0, false},
        {"funder", "text", in->funder, MSG_CALL_FUNDER, MSG_CALL_F_FUNDER_HINT, false},
        {"programme", "text", in->programme, MSG_CALL_PROGRAMME, 0, true},
        {"programme_en", "text", in->programme_en, MSG_CALL_PROGRAMME_EN, MSG_PJ_H_PROGRAMME_EN,
         false},
        {"url", "url", in->url, MSG_CALL_URL, 0, false},
        {"opens_on", "date", in->opens_on, MSG_CALL_OPENS_ON, 0, false},
        {"deadline_date", "date", in->deadline_date, MSG_CALL_F_DEADLINE_DATE, 0, true},
        {"deadline_time", "text", in->deadline_time, MSG_CALL_F_DEADLINE_TIME,
         MSG_CALL_F_TIME_RULE_HINT, true},
        {"deadline_tz", "text", in->deadline_tz, MSG_CALL_F_TZ, MSG_CALL_F_TZ_HINT, false},
        {"budget", "text", in->budget, MSG_CALL_F_BUDGET, MSG_CALL_F_EUR_HINT, false},
        {"grant_min", "text", in->grant_min, MSG_CALL_F_GRANT_MIN, MSG_CALL_F_EUR_HINT, false},
        {"grant_max", "text", in->grant_max, MSG_CALL_F_GRANT_MAX, MSG_CALL_F_EUR_HINT, false},
        {"cofin", "text", in->cofin, MSG_CALL_F_COFIN, MSG_CALL_F_COFIN_HINT, false},
        {"min_partners", "text", in->min_partners, MSG_CALL_MIN_PARTNERS, 0, false},
        {"min_countries", "text", in->min_countries, MSG_CALL_MIN_COUNTRIES, 0, false},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (strcmp(fields[i].name, "deadline_tz") == 0) {
            tz_select(r, fields[i].value, web_errs_get(errs, "deadline_tz"));
            continue;
        }
        if (strcmp(fields[i].name, "funder") == 0) {
            funder_field(r, fields[i].value, fp, errs);
            continue;
        }
        web_input wi = {.id = arena_printf(r->a, "call-%s", fields[i].name),
                        .name = fields[i].name,
                        .type = fields[i].type,
                        .label = T(L, fields[i].label),
                        .value = fields[i].value,
                        .hint = fields[i].hint ? T(L, fields[i].hint) : NULL,
                        .error = web_errs_get(errs, fields[i].name),
                        .required = fields[i].required};
        web_field(r, &wi);
    }
    const struct {
        const char *name, *value;
        msg_id label, hint;
    } areas[] = {
        {"summary_sr", in->summary_sr, MSG_CALL_F_SUMMARY_SR, 0},
        {"summary_en", in->summary_en, MSG_CALL_F_SUMMARY_EN, 0},
        {"stages", in->stages, MSG_CALL_STAGES, 0},
    };
    for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++) {
        const char *id = arena_printf(r->a, "call-%s", areas[i].name);
        const char *err = web_errs_get(errs, areas[i].name);
        web_field_open(r, id, T(L, areas[i].label), areas[i].hint ? T(L, areas[i].hint) : NULL,
                       err);
        html_fmt(o, "<textarea id=\"%s\" name=\"%s\" rows=\"5\"", id, areas[i].name);
        web_described_by(r, id, areas[i].hint != 0, err);
        html_fmt(o, ">%s</textarea></div>\n", areas[i].value ? areas[i].value : "");
    }
    rules_fieldset(r, in->rules, in->n_rules, RULE_ROWS_BLANK, errs);
    bool draft = in->status && strcmp(in->status, "draft") == 0;
    html_fmt(o,
             "<div class=\"field field-check\"><input type=\"checkbox\" id=\"call-draft\" "
             "name=\"status\" value=\"draft\"%R> <label for=\"call-draft\">%s</label></div>\n",
             draft ? " checked" : "", T(L, MSG_CALL_F_DRAFT));
    html_fmt(o, "<p><button type=\"submit\">%s</button></p></form>\n", T(L, MSG_SAVE));
    layout_end(r);
}

void web_call_new_form(req *r)
{
    if (!wcall_may_edit(r)) {
        resp_error(r, 403, T(r->lang, MSG_CALL_FORBIDDEN));
        return;
    }
    call_input in = {.deadline_time = "17:00", .deadline_tz = "Europe/Brussels"};
    web_errs e = {0};
    form_page(r, NULL, &in, NULL, &e);
}

/* The call {id} for the secretariat's edit (writes the 403, 404 or 5xx). */
static bool load_for_edit(req *r, call_rec *c)
{
    if (!wcall_may_edit(r)) {
        resp_error(r, 403, T(r->lang, MSG_CALL_FORBIDDEN));
        return false;
    }
    return wcall_load(r, c);
}

void web_call_edit_form(req *r)
{
    call_rec c;
    if (!load_for_edit(r, &c))
        return;
    call_input in;
    call_to_input(r->a, &c, &in);
    web_errs e = {0};
    funder_pick fp = {.slug = c.funder_slug,
                      .shown =
                          c.funder_slug ? web_org_text(r, c.funder_name, c.funder_name_en) : NULL};
    form_page(r, &c, &in, &fp, &e);
}

/* Reads a call_input from a posted form or query (the API reads JSON). */
static void input_from_form(req *r, const form *f, call_input *in, bool *rules_ok)
{
    *in = (call_input){.funder = form_get(f, "funder"),
                       .programme = form_get(f, "programme"),
                       .programme_en = form_get(f, "programme_en"),
                       .title_sr = form_get(f, "title_sr"),
                       .title_en = form_get(f, "title_en"),
                       .summary_sr = form_get(f, "summary_sr"),
                       .summary_en = form_get(f, "summary_en"),
                       .url = form_get(f, "url"),
                       .opens_on = form_get(f, "opens_on"),
                       .deadline_date = form_get(f, "deadline_date"),
                       .deadline_time = form_get(f, "deadline_time"),
                       .deadline_tz = form_get(f, "deadline_tz"),
                       .stages = form_get(f, "stages"),
                       .budget = form_get(f, "budget"),
                       .grant_min = form_get(f, "grant_min"),
                       .grant_max = form_get(f, "grant_max"),
                       .cofin = form_get(f, "cofin"),
                       .min_partners = form_get(f, "min_partners"),
                       .min_countries = form_get(f, "min_countries"),
                       .status = form_get(f, "status")};
    /* the selects, countries and words; "rules" as kind:value lines too
     * (what the form was before the pickers, and a script's way) */
    call_rule *picked = NULL, *typed = NULL;
    size_t n_picked = 0, n_typed = 0;
    *rules_ok = rules_from_form(r, f, &picked, &n_picked);
    *rules_ok &= call_rules_parse(r->a, form_get(f, "rules"), &typed, &n_typed);
    call_rule *rl = arena_alloc(r->a, (n_picked + n_typed + 1) * sizeof *rl);
    if (rl) {
        if (n_picked)
            memcpy(rl, picked, n_picked * sizeof *rl);
        if (n_typed)
            memcpy(rl + n_picked, typed, n_typed * sizeof *rl);
    }
    in->rules = rl;
    in->n_rules = rl ? n_picked + n_typed : 0;
}

static void errs_words(req *r, const form_errors *fe, web_errs *e, const char *tz)
{
    for (size_t i = 0; i < fe->n_items; i++) {
        buf b = BUF_INIT;
        call_error_text(&b, r->lang, &fe->items[i], tz);
        web_errs_add(e, fe->items[i].field, arena_strdup(r->a, buf_failed(&b) ? "" : buf_str(&b)));
        buf_free(&b);
    }
}

static void save(req *r, const call_rec *existing)
{
    if (!wcall_may_edit(r)) {
        resp_error(r, 403, T(r->lang, MSG_CALL_FORBIDDEN));
        return;
    }
    form f;
    if (!req_body_form(r, &f))
        return;
    call_input in;
    bool rules_ok;
    input_from_form(r, &f, &in, &rules_ok);
    form_errors fe = {0};
    if (!rules_ok)
        valid_add_error(&fe, "rules", FE_INVALID, 0, 0);
    funder_pick fp;
    db_status st = funder_resolve(r, &f, &in, &fp, &fe);
    if (st != DB_OK) {
        resp_fail(r, st, "call funder");
        return;
    }
    int64_t id = existing ? existing->id : 0;
    st = DB_CONSTRAINT;
    if (fe.n_items == 0) {
        st = existing ? call_update(r->db, id, &in, r->user->person_id, r->client_ip, &fe)
                      : call_create(r->db, &in, r->user->person_id, r->client_ip, &id, &fe);
        if (st == DB_OK) {
            resp_redirect(r, arena_printf(r->a, "/calls/%lld?done=saved", (long long)id));
            return;
        }
        if (st == DB_DONE) {
            resp_error(r, 404, T(r->lang, MSG_CALL_NOT_FOUND));
            return;
        }
        if (st != DB_CONSTRAINT) {
            resp_fail(r, st, "call_save");
            return;
        }
    } else { /* the other fields' errors too, the funder's already said */
        call_input rest = in;
        rest.funder = NULL;
        call_check(r->a, &rest, NULL, &fe);
    }
    web_errs e = {0};
    errs_words(r, &fe, &e, in.deadline_tz);
    r->status = 422;
    form_page(r, existing, &in, &fp, &e);
}

void web_call_create(req *r)
{
    save(r, NULL);
}

void web_call_update(req *r)
{
    call_rec c;
    if (!load_for_edit(r, &c))
        return;
    save(r, &c);
}

void web_call_withdraw(req *r)
{
    call_rec c;
    if (!load_for_edit(r, &c))
        return;
    db_status st = call_withdraw(r->db, c.id, r->user->person_id, r->client_ip);
    if (st != DB_OK && st != DB_DONE) {
        resp_fail(r, st, "call_withdraw");
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/calls/%lld", (long long)c.id));
}

void web_call_follow(req *r)
{
    call_rec c;
    if (!wcall_load(r, &c))
        return;
    form f;
    if (!req_body_form(r, &f))
        return;
    const char *v = form_get(&f, "follow");
    bool on = !v || strcmp(v, "0") != 0;
    db_status st = call_follow(r->db, c.id, r->user->person_id, on, r->client_ip);
    if (st == DB_DONE) {
        resp_error(r, 404, T(r->lang, MSG_CALL_NOT_FOUND));
        return;
    }
    if (st != DB_OK) {
        resp_fail(r, st, "call_follow");
        return;
    }
    resp_redirect(r,
                  arena_printf(r->a, "/calls/%lld%s", (long long)c.id, on ? "?done=followed" : ""));
}
