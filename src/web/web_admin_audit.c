/* web_admin_audit.c: the secretariat's audit log page, with its filters
 * and the detail of each row in words (moved out of web_admin.c). The
 * route is flagged RF_ADMIN and the handler asks rights_can() too. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/strutil.h"
#include "core/timeutil.h"
#include "html/html.h"
#include "json/json.h"
#include "html/layout.h"
#include "model/audit.h"
#include "model/auth.h"
#include "model/mail.h"
#include "model/org.h"
#include "model/person.h"
#include "model/rights.h"
#include "web/web.h"
#include "web/web_admin.h"
#include "web/web_org.h"

#define AUDIT_PAGE 50

/* --- audit log ----------------------------------------------------------------------- */

/* Parses a YYYY-MM-DD date as local midnight in the server's zone
 * (Europe/Belgrade), add_days later; false for anything else, including
 * days a month does not have. */
/* --- audit log ------------------------------------------------------------------ */

/* Every action and entity the model records, in words; an action missing
 * here shows as its code (tests/http/audit.test.mjs fails on one). */
static const struct {
    const char *code;
    msg_id label;
} audit_actions[] =
    {
        {"account_create", MSG_AUDIT_ACT_ACCOUNT_CREATE},
        {"account_disable", MSG_AUDIT_ACT_ACCOUNT_DISABLE},
        {"account_enable", MSG_AUDIT_ACT_ACCOUNT_ENABLE},
        {"affiliation_create", MSG_AUDIT_ACT_AFFILIATION_CREATE},
        {"affiliation_start", MSG_AUDIT_ACT_AFFILIATION_START},
        {"affiliation_end", MSG_AUDIT_ACT_AFFILIATION_END},
        {"cluster_label", MSG_AUDIT_ACT_CLUSTER_LABEL},
        {"cluster_label_verify", MSG_AUDIT_ACT_CLUSTER_LABEL_VERIFY},
        {"cluster_member_add", MSG_AUDIT_ACT_CLUSTER_MEMBER_ADD},
        {"cluster_member_end", MSG_AUDIT_ACT_CLUSTER_MEMBER_END},
        {"cluster_profile", MSG_AUDIT_ACT_CLUSTER_PROFILE},
        {"cluster_scan_status", MSG_AUDIT_ACT_CLUSTER_SCAN_STATUS},
        {"cluster_stage", MSG_AUDIT_ACT_CLUSTER_STAGE},
        {"cluster_team_accept", MSG_AUDIT_ACT_CLUSTER_TEAM_ACCEPT},
        {"cluster_team_add", MSG_AUDIT_ACT_CLUSTER_TEAM_ADD},
        {"cluster_team_end", MSG_AUDIT_ACT_CLUSTER_TEAM_END},
        {"cluster_team_invite", MSG_AUDIT_ACT_CLUSTER_TEAM_INVITE},
        {"figure_create", MSG_AUDIT_ACT_FIGURE_CREATE},
        {"figure_update", MSG_AUDIT_ACT_FIGURE_UPDATE},
        {"figure_verify", MSG_AUDIT_ACT_FIGURE_VERIFY},
        {"figure_unverify", MSG_AUDIT_ACT_FIGURE_UNVERIFY},
        {"fx_rate_set", MSG_AUDIT_ACT_FX_RATE_SET},
        {"invite", MSG_AUDIT_ACT_INVITE},
        {"invite_accepted", MSG_AUDIT_ACT_INVITE_ACCEPTED},
        {"login", MSG_AUDIT_ACT_LOGIN},
        {"login_failed", MSG_AUDIT_ACT_LOGIN_FAILED},
        {"logout", MSG_AUDIT_ACT_LOGOUT},
        {"membership_propose", MSG_AUDIT_ACT_MEMBERSHIP_PROPOSE},
        {"membership_accept", MSG_AUDIT_ACT_MEMBERSHIP_ACCEPT},
        {"membership_decline", MSG_AUDIT_ACT_MEMBERSHIP_DECLINE},
        {"membership_withdraw", MSG_AUDIT_ACT_MEMBERSHIP_WITHDRAW},
        {"org_create", MSG_AUDIT_ACT_ORG_CREATE},
        {"org_update", MSG_AUDIT_ACT_ORG_UPDATE},
        {"org_status", MSG_AUDIT_ACT_ORG_STATUS},
        {"org_restore", MSG_AUDIT_ACT_ORG_RESTORE},
        {"org_delete", MSG_AUDIT_ACT_ORG_DELETE},
        {"org_logo", MSG_AUDIT_ACT_ORG_LOGO},
        {"org_propose", MSG_AUDIT_ACT_ORG_PROPOSE},
        {"org_proposal_accept", MSG_AUDIT_ACT_ORG_PROPOSAL_ACCEPT},
        {"org_proposal_decline", MSG_AUDIT_ACT_ORG_PROPOSAL_DECLINE},
        {"password_change", MSG_AUDIT_ACT_PASSWORD_CHANGE},
        {"password_reset", MSG_AUDIT_ACT_PASSWORD_RESET},
        {"person_erase", MSG_AUDIT_ACT_PERSON_ERASE},
        {"reset_request", MSG_AUDIT_ACT_RESET_REQUEST},
        {"rights_change", MSG_AUDIT_ACT_RIGHTS_CHANGE},
        {"session_rotate", MSG_AUDIT_ACT_SESSION_ROTATE},
        {"sessions_end", MSG_AUDIT_ACT_SESSIONS_END},
        {"token_create", MSG_AUDIT_ACT_TOKEN_CREATE},
        {"token_revoke", MSG_AUDIT_ACT_TOKEN_REVOKE},
        {"figures_coverage_set", MSG_AUDIT_ACT_FIGURES_COVERAGE_SET},
        {"notify_settings", MSG_AUDIT_ACT_NOTIFY_SETTINGS},
        {"notify_topic_add", MSG_AUDIT_ACT_NOTIFY_TOPIC_ADD},
        {"notify_topic_remove", MSG_AUDIT_ACT_NOTIFY_TOPIC_REMOVE},
        {"notify_follow", MSG_AUDIT_ACT_NOTIFY_FOLLOW},
        {"notify_unfollow", MSG_AUDIT_ACT_NOTIFY_UNFOLLOW},
        {"notify_unsubscribe", MSG_AUDIT_ACT_NOTIFY_UNSUBSCRIBE},
        {"digest_send", MSG_AUDIT_ACT_DIGEST_SEND},
        {"event_create", MSG_AUDIT_ACT_EVENT_CREATE},
        {"event_update", MSG_AUDIT_ACT_EVENT_UPDATE},
        {"event_register", MSG_AUDIT_ACT_EVENT_REGISTER},
        {"event_cancel", MSG_AUDIT_ACT_EVENT_CANCEL},
        {"event_attendance", MSG_AUDIT_ACT_EVENT_ATTENDANCE},
        {"event_remind", MSG_AUDIT_ACT_EVENT_REMIND},
        {"devplan_goal_add", MSG_AUDIT_ACT_DEVPLAN_GOAL_ADD},
        {"devplan_goal_update", MSG_AUDIT_ACT_DEVPLAN_GOAL_UPDATE},
        {"devplan_action_add", MSG_AUDIT_ACT_DEVPLAN_ACTION_ADD},
        {"devplan_action_update", MSG_AUDIT_ACT_DEVPLAN_ACTION_UPDATE},
        {"devplan_review_save", MSG_AUDIT_ACT_DEVPLAN_REVIEW_SAVE},
        {"mentoring_create", MSG_AUDIT_ACT_MENTORING_CREATE},
        {"mentoring_end", MSG_AUDIT_ACT_MENTORING_END},
        {"mentoring_meeting_add", MSG_AUDIT_ACT_MENTORING_MEETING_ADD},
        {"support_add", MSG_AUDIT_ACT_SUPPORT_ADD},
        {"call_create", MSG_AUDIT_ACT_CALL_CREATE},
        {"call_update", MSG_AUDIT_ACT_CALL_UPDATE},
        {"call_withdraw", MSG_AUDIT_ACT_CALL_WITHDRAW},
        {"call_follow", MSG_AUDIT_ACT_CALL_FOLLOW},
        {"call_import", MSG_AUDIT_ACT_CALL_IMPORT},
        {"call_remind", MSG_AUDIT_ACT_CALL_REMIND},
        {"news_create", MSG_AUDIT_ACT_NEWS_CREATE},
        {"news_update", MSG_AUDIT_ACT_NEWS_UPDATE},
        {"news_withdraw", MSG_AUDIT_ACT_NEWS_WITHDRAW},
        {"newsletter_subscribe", MSG_AUDIT_ACT_NEWSLETTER_SUBSCRIBE},
        {"newsletter_confirm", MSG_AUDIT_ACT_NEWSLETTER_CONFIRM},
        {"newsletter_unsubscribe", MSG_AUDIT_ACT_NEWSLETTER_UNSUBSCRIBE},
        {"newsletter_account", MSG_AUDIT_ACT_NEWSLETTER_ACCOUNT},
        {"newsletter_issue", MSG_AUDIT_ACT_NEWSLETTER_ISSUE},
        {"newsletter_send", MSG_AUDIT_ACT_NEWSLETTER_SEND},
        {"ref_employment_import", MSG_AUDIT_ACT_REF_EMPLOYMENT_IMPORT},
        {"position_create", MSG_AUDIT_ACT_POSITION_CREATE},
        {"position_version", MSG_AUDIT_ACT_POSITION_VERSION},
        {"position_stage", MSG_AUDIT_ACT_POSITION_STAGE},
        {"position_comment", MSG_AUDIT_ACT_POSITION_COMMENT},
        {"position_sign", MSG_AUDIT_ACT_POSITION_SIGN},
        {"position_withdraw", MSG_AUDIT_ACT_POSITION_WITHDRAW},
        {"project_create", MSG_AUDIT_ACT_PROJECT_CREATE},
        {"project_update", MSG_AUDIT_ACT_PROJECT_UPDATE},
        {"project_confirm", MSG_AUDIT_ACT_PROJECT_CONFIRM},
        {"project_decline", MSG_AUDIT_ACT_PROJECT_DECLINE},
        {"project_funder_confirm", MSG_AUDIT_ACT_PROJECT_FUNDER_CONFIRM},
        {"project_funder_decline", MSG_AUDIT_ACT_PROJECT_FUNDER_DECLINE},
        {"consultation_add", MSG_AUDIT_ACT_CONSULTATION_ADD},
        {"consultation_update", MSG_AUDIT_ACT_CONSULTATION_UPDATE},
        {"position_submit", MSG_AUDIT_ACT_POSITION_SUBMIT},
        {"position_answer", MSG_AUDIT_ACT_POSITION_ANSWER},
        {"position_meeting", MSG_AUDIT_ACT_POSITION_MEETING},
        {"institution_meeting", MSG_AUDIT_ACT_INSTITUTION_MEETING},
        {"assess_save", MSG_AUDIT_ACT_ASSESS_SAVE},
        {"assess_submit", MSG_AUDIT_ACT_ASSESS_SUBMIT},
        {"initiative_start", MSG_AUDIT_ACT_INITIATIVE_START},
        {"readiness_answer", MSG_AUDIT_ACT_READINESS_ANSWER},
        {"post_create", MSG_AUDIT_ACT_POST_CREATE},
        {"post_update", MSG_AUDIT_ACT_POST_UPDATE},
        {"post_close", MSG_AUDIT_ACT_POST_CLOSE},
        {"post_hide", MSG_AUDIT_ACT_POST_HIDE},
        {"post_report", MSG_AUDIT_ACT_POST_REPORT},
        {"interest_express", MSG_AUDIT_ACT_INTEREST_EXPRESS},
        {"interest_message", MSG_AUDIT_ACT_INTEREST_MESSAGE},
        {"interest_accept", MSG_AUDIT_ACT_INTEREST_ACCEPT},
        {"interest_decline", MSG_AUDIT_ACT_INTEREST_DECLINE},
        {"agreement_create", MSG_AUDIT_ACT_AGREEMENT_CREATE},
        {"agreement_update", MSG_AUDIT_ACT_AGREEMENT_UPDATE},
        {"agreement_delete", MSG_AUDIT_ACT_AGREEMENT_DELETE},
        {"agreement_file", MSG_AUDIT_ACT_AGREEMENT_FILE},
        {"agreement_confirm", MSG_AUDIT_ACT_AGREEMENT_CONFIRM},
        {"agreement_decline", MSG_AUDIT_ACT_AGREEMENT_DECLINE},
},
  audit_entities[] = {
      {"org", MSG_AUDIT_ENT_ORG},
      {"figure", MSG_AUDIT_ENT_FIGURE},
      {"account", MSG_AUDIT_ENT_ACCOUNT},
      {"person", MSG_AUDIT_ENT_PERSON},
      {"affiliation", MSG_AUDIT_ENT_AFFILIATION},
      {"api_token", MSG_AUDIT_ENT_API_TOKEN},
      {"fx_rate", MSG_AUDIT_ENT_FX_RATE},
      {"cluster_member", MSG_AUDIT_ENT_CLUSTER_MEMBER},
      {"cluster_member_proposal", MSG_AUDIT_ENT_CLUSTER_MEMBER_PROPOSAL},
      {"cluster_team", MSG_AUDIT_ENT_CLUSTER_TEAM},
      {"session", MSG_AUDIT_ENT_SESSION},
      {"app_meta", MSG_AUDIT_ENT_APP_META},
      {"notify_topic", MSG_AUDIT_ENT_NOTIFY_TOPIC},
      {"event", MSG_AUDIT_ENT_EVENT},
      {"post", MSG_AUDIT_ENT_POST},
      {"post_interest", MSG_AUDIT_ENT_POST_INTEREST},
      {"devplan", MSG_AUDIT_ENT_DEVPLAN},
      {"mentoring", MSG_AUDIT_ENT_MENTORING},
      {"support", MSG_AUDIT_ENT_SUPPORT},
      {"agreement", MSG_AUDIT_ENT_AGREEMENT},
};

static const char *audit_action_label(lang_id L, const char *code)
{
    for (size_t i = 0; i < sizeof audit_actions / sizeof audit_actions[0]; i++)
        if (strcmp(audit_actions[i].code, code) == 0)
            return T(L, audit_actions[i].label);
    return code;
}

static const char *audit_entity_label(lang_id L, const char *code)
{
    for (size_t i = 0; i < sizeof audit_entities / sizeof audit_entities[0]; i++)
        if (strcmp(audit_entities[i].code, code) == 0)
            return T(L, audit_entities[i].label);
    return code;
}

/* The words for the detail fields the model records; a field without a
 * row here is shown by its name, underscores as spaces. Fields naming an
 * entry or a person by id are shown by name (kind 1: an entry, 2: a
 * person), so the log reads "Organisation: Banat Metal" rather than
 * "org: 63"; amounts in cents as euros (kind 3). */
static const struct {
    const char *key;
    msg_id label;
    int kind;
} detail_keys[] = {
    {"org", MSG_AUDIT_KEY_ORG, 1},
    {"org_id", MSG_AUDIT_KEY_ORG, 1},
    {"member", MSG_AUDIT_KEY_MEMBER, 1},
    {"cluster", MSG_AUDIT_KEY_CLUSTER, 1},
    {"cluster_id", MSG_AUDIT_KEY_CLUSTER, 1},
    {"person", MSG_AUDIT_KEY_PERSON, 2},
    {"person_id", MSG_AUDIT_KEY_PERSON, 2},
    {"proposed_by", MSG_AUDIT_KEY_PROPOSED_BY, 2},
    {"verified_by", MSG_AUDIT_KEY_VERIFIED_BY, 2},
    {"entered_by", MSG_AUDIT_KEY_ENTERED_BY, 2},
    {"proposal", MSG_AUDIT_KEY_PROPOSAL, 0},
    {"role", MSG_AUDIT_KEY_ROLE, 0},
    {"joined_on", MSG_AUDIT_KEY_JOINED_ON, 0},
    {"left_on", MSG_AUDIT_KEY_LEFT_ON, 0},
    {"year", MSG_AUDIT_KEY_YEAR, 0},
    {"reason", MSG_AUDIT_KEY_REASON, 0},
    {"state", MSG_AUDIT_KEY_STATE, 0},
    {"was", MSG_AUDIT_KEY_WAS, 0},
    {"fields", MSG_AUDIT_KEY_FIELDS, 0},
    {"known_device", MSG_AUDIT_KEY_KNOWN_DEVICE, 0},
    {"sessions_ended", MSG_AUDIT_KEY_SESSIONS_ENDED, 0},
    {"tokens_revoked", MSG_AUDIT_KEY_TOKENS_REVOKED, 0},
    {"manager", MSG_AUDIT_KEY_MANAGER, 0},
    {"label", MSG_AUDIT_KEY_LABEL, 0},
    {"reference", MSG_AUDIT_KEY_REFERENCE, 0},
    {"kind", MSG_AUDIT_KEY_KIND, 0},
    {"scope", MSG_AUDIT_KEY_SCOPE, 0},
    {"mailed", MSG_AUDIT_KEY_MAILED, 0},
    {"terms_changed", MSG_AUDIT_KEY_TERMS_CHANGED, 0}, /* participants' terms, objects */
    {"programme", MSG_AUDIT_KEY_PROGRAMME, 0},
    {"programme_en", MSG_AUDIT_KEY_PROGRAMME_EN, 0},
    {"role_was", MSG_AUDIT_KEY_ROLE_WAS, 0},
    {"share_cents", MSG_AUDIT_KEY_SHARE, 3},
    {"share_cents_was", MSG_AUDIT_KEY_SHARE_WAS, 3},
    {"consent", MSG_AUDIT_KEY_CONSENT, 0},
    {"consent_was", MSG_AUDIT_KEY_CONSENT_WAS, 0},
    {"grant_cents", MSG_AUDIT_KEY_GRANT, 3},
    {"participants", MSG_AUDIT_KEY_PARTICIPANTS, 1},
    {"funder_consent", MSG_AUDIT_KEY_FUNDER_CONSENT, 0},
    {"awaiting_consent", MSG_AUDIT_KEY_AWAITING_CONSENT, 0},
};

/* The words for detail field `key` into name, and the kind of what its
 * value names (detail_keys). */
static int detail_label(req *r, buf *name, const char *key)
{
    for (size_t k = 0; k < sizeof detail_keys / sizeof detail_keys[0]; k++)
        if (strcmp(detail_keys[k].key, key) == 0) {
            buf_puts(name, T(r->lang, detail_keys[k].label));
            return detail_keys[k].kind;
        }
    for (const char *c = key; *c; c++)
        buf_putc(name, *c == '_' ? ' ' : *c);
    return 0;
}

/* One value of a detail field as text: an entry's or a person's name for
 * the fields that name one by id (the id when it is gone), euros for
 * the fields in cents (kind 3), and an object (a project participant's
 * terms before and after) as its own "field: value" pairs in brackets. */
static void detail_value(req *r, buf *text, json_t *x, int kind)
{
    if (json_is_integer(x) && (kind == 1 || kind == 2)) {
        int64_t id = (int64_t)json_integer_value(x);
        const char *name = NULL;
        if (kind == 1) {
            org_rec o;
            bool found = false;
            if (org_get(r->db, r->a, NULL, id, &o, &found) == DB_OK && found)
                name = web_org_name(r, &o);
        } else if (person_name_of(r->db, r->a, id, &name) != DB_OK) {
            name = NULL;
        }
        if (name) {
            buf_puts(text, web_org_text(r, name, NULL));
            return;
        }
        buf_printf(text, "#%lld", (long long)id);
        return;
    }
    if (json_is_object(x)) {
        const char *key;
        json_t *val;
        bool first = true;
        buf_puts(text, "(");
        json_object_foreach(x, key, val)
        {
            if (!first)
                buf_puts(text, "; ");
            first = false;
            int k = detail_label(r, text, key);
            buf_puts(text, ": ");
            detail_value(r, text, val, k);
        }
        buf_puts(text, ")");
        return;
    }
    if (json_is_string(x))
        buf_puts(text, json_string_value(x));
    else if (json_is_integer(x) && kind == 3)
        i18n_fmt_money(text, r->lang, (int64_t)json_integer_value(x), "EUR", false);
    else if (json_is_integer(x))
        buf_printf(text, "%lld", (long long)json_integer_value(x));
    else if (json_is_true(x) || json_is_false(x))
        buf_puts(text, T(r->lang, json_is_true(x) ? MSG_AUDIT_YES : MSG_AUDIT_NO));
    else if (json_is_null(x))
        buf_puts(text, "\u2013");
    else
        json_dump_buf(text, x);
}

/* The detail object as "field: value" pairs in the reader's language
 * (lists joined by commas); anything that is not a JSON object is shown as
 * it is. */
static void audit_detail(req *r, const char *detail)
{
    buf *o = &r->out;
    buf err = BUF_INIT; /* json_parse says why; a detail that does not parse is shown raw */
    json_t *v = json_parse(detail, strlen(detail), &err);
    buf_free(&err);
    if (!json_is_object(v)) {
        html_fmt(o, "<code class=\"detail\">%s</code>", detail);
        json_decref(v);
        return;
    }
    html_raw(o, "<ul class=\"audit-detail\">");
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val)
    {
        buf name = BUF_INIT, text = BUF_INIT;
        int kind = detail_label(r, &name, key);
        size_t n = json_is_array(val) ? json_array_size(val) : 1;
        for (size_t i = 0; i < n; i++) {
            if (i)
                buf_puts(&text, ", ");
            detail_value(r, &text, json_is_array(val) ? json_array_get(val, i) : val, kind);
        }
        html_fmt(o, "<li><span class=\"muted\">%s:</span> %s</li>", buf_str(&name), buf_str(&text));
        buf_free(&name);
        buf_free(&text);
    }
    html_raw(o, "</ul>");
    json_decref(v);
}

/* A select of known codes with their words; "" is any. */
static void audit_select(req *r, const char *id, const char *name, msg_id label,
                         const char *current, bool actions)
{
    lang_id L = r->lang;
    html_fmt(&r->out,
             "<div class=\"field\"><label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\">"
             "<option value=\"\">%s</option>",
             id, T(L, label), id, name, T(L, MSG_AUDIT_ANY));
    size_t n = actions ? sizeof audit_actions / sizeof audit_actions[0]
                       : sizeof audit_entities / sizeof audit_entities[0];
    for (size_t i = 0; i < n; i++) {
        const char *code = actions ? audit_actions[i].code : audit_entities[i].code;
        msg_id m = actions ? audit_actions[i].label : audit_entities[i].label;
        html_fmt(&r->out, "<option value=\"%s\"%R>%s</option>", code,
                 current && strcmp(current, code) == 0 ? " selected" : "", T(L, m));
    }
    html_raw(&r->out, "</select></div>");
}

/* The audit page's filter as query parameters (each "name=value&"), for
 * the keyset link. */
static void audit_query(buf *u, const form_value *val, const form_rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!val[i].present || strcmp(rules[i].name, "before") == 0)
            continue;
        html_urlencode(u, rules[i].name);
        buf_putc(u, '=');
        html_urlencode(u, val[i].text);
        buf_putc(u, '&');
    }
}

void web_admin_audit(req *r)
{
    lang_id L = r->lang;
    buf *o = &r->out;
    if (!rights_can(r->db, r->user, RIGHT_AUDIT_VIEW, 0)) {
        resp_error(r, 403, T(L, MSG_HTTP_ERR_FORBIDDEN));
        return;
    }
    enum { F_ACTION, F_ENTITY, F_ACTOR, F_FROM, F_TO, F_BEFORE, F__N };
    static const form_rule rules[F__N] = {
        {"action", FV_TEXT, 0, 0, 64, NULL},      {"entity", FV_TEXT, 0, 0, 64, NULL},
        {"actor", FV_INT, 0, 1, INT64_MAX, NULL}, {"from", FV_TEXT, 0, 0, 10, NULL},
        {"to", FV_TEXT, 0, 0, 10, NULL},          {"before", FV_INT, 0, 1, INT64_MAX, NULL},
    };
    form_value val[F__N];
    form_errors fe = {0};
    web_errs e = {0};
    form_validate(r->a, &r->query, rules, F__N, val, &fe);
    web_errs_from_form(r, &fe, &e);
    audit_filter flt = {.limit = AUDIT_PAGE + 1};
    if (val[F_ACTION].present)
        flt.action = val[F_ACTION].text;
    if (val[F_ENTITY].present)
        flt.entity = val[F_ENTITY].text;
    if (val[F_ACTOR].present && !web_errs_get(&e, "actor"))
        flt.actor_id = val[F_ACTOR].i;
    if (val[F_BEFORE].present && !web_errs_get(&e, "before"))
        flt.before_id = val[F_BEFORE].i;
    if (val[F_FROM].present && !time_date_start(val[F_FROM].text, 0, &flt.since))
        web_errs_add(&e, "from", T(L, MSG_ERR_DATE));
    if (val[F_TO].present && !web_errs_get(&e, "to")) {
        /* through the end of that day: until is exclusive */
        if (!time_date_start(val[F_TO].text, 1, &flt.until))
            web_errs_add(&e, "to", T(L, MSG_ERR_DATE));
    }

    audit_row *rows = NULL;
    size_t n = 0;
    if (!e.n) {
        db_status st = audit_list(r->db, r->a, &flt, &rows, &n);
        if (st != DB_OK) {
            resp_fail(r, st, "audit list");
            return;
        }
    } else {
        r->status = 422;
    }

    page_meta m = {.title = T(L, MSG_ADMIN_AUDIT), .nav = "admin"};
    r->cache_control = "no-store";
    layout_begin(r, &m);
    web_admin_nav(r, "audit");
    html_fmt(o, "<h1>%s</h1>\n", T(L, MSG_ADMIN_AUDIT));
    web_error_summary(r, &e);
    html_fmt(o,
             "<form class=\"form filter-form panel\" method=\"get\" action=\"/admin/audit\">"
             "<fieldset><legend>%s</legend><div class=\"filter-fields\">",
             T(L, MSG_AUDIT_FILTER));
    audit_select(r, "audit-action", "action", MSG_AUDIT_ACTION, val[F_ACTION].text, true);
    audit_select(r, "audit-entity", "entity", MSG_AUDIT_ENTITY, val[F_ENTITY].text, false);
    {
        person_account *people = NULL;
        size_t n_people = 0;
        if (person_account_list(r->db, r->a, &people, &n_people) != DB_OK)
            n_people = 0; /* the request's failure (db_failure) makes it a 5xx */
        html_fmt(o,
                 "<div class=\"field\"><label for=\"audit-actor\">%s</label><select "
                 "id=\"audit-actor\" name=\"actor\"><option value=\"\">%s</option>",
                 T(L, MSG_AUDIT_COL_WHO), T(L, MSG_AUDIT_ANYONE));
        for (size_t i = 0; i < n_people; i++)
            html_fmt(o, "<option value=\"%D\"%R>%s</option>", (long long)people[i].person_id,
                     flt.actor_id == people[i].person_id ? " selected" : "", people[i].name);
        html_raw(o, "</select></div>");
    }
    static const struct {
        int f;
        const char *id;
        msg_id label;
    } dates[] = {
        {F_FROM, "audit-from", MSG_AUDIT_FROM},
        {F_TO, "audit-to", MSG_AUDIT_TO},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        const char *name = rules[dates[i].f].name;
        web_field(r, &(web_input){.id = dates[i].id,
                                  .name = name,
                                  .type = "date",
                                  .label = T(L, dates[i].label),
                                  .value = val[dates[i].f].text,
                                  .autocomplete = "off",
                                  .error = web_errs_get(&e, name)});
    }
    html_fmt(o,
             "</div><div class=\"form-actions\"><button type=\"submit\">%s</button>"
             "<a href=\"/admin/audit\">%s</a></div></fieldset></form>\n",
             T(L, MSG_AUDIT_APPLY), T(L, MSG_AUDIT_CLEAR));

    if (!e.n) {
        size_t shown = n > AUDIT_PAGE ? AUDIT_PAGE : n;
        if (shown == 0) {
            html_fmt(o, "<p class=\"empty\">%s</p>\n", T(L, MSG_AUDIT_NONE));
        } else {
            html_fmt(o,
                     "<div class=\"table-wrap\"><table class=\"audit\"><caption "
                     "class=\"visually-hidden\">%s</caption><thead><tr><th scope=\"col\">%s</th>"
                     "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                     "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
                     T(L, MSG_ADMIN_AUDIT), T(L, MSG_AUDIT_COL_WHEN), T(L, MSG_AUDIT_COL_WHO),
                     T(L, MSG_AUDIT_COL_WHAT), T(L, MSG_AUDIT_COL_ENTITY), T(L, MSG_AUDIT_COL_IP),
                     T(L, MSG_AUDIT_COL_DETAIL));
            for (size_t i = 0; i < shown; i++) {
                const audit_row *a = &rows[i];
                html_raw(o, "<tr><td class=\"nowrap\">");
                web_datetime(r, a->at, MSG_USERS_NEVER);
                html_raw(o, "</td><td>");
                if (!a->actor_id) {
                    html_fmt(o, "<span class=\"muted\">%s</span>", T(L, MSG_AUDIT_SYSTEM));
                } else {
                    const char *who = web_actor_name(r, a->actor_id, a->actor_name, a->actor_erased,
                                                     MSG_AUDIT_SYSTEM);
                    html_fmt(o,
                             "<a href=\"/admin/audit?actor=%D\">%s</a> <span "
                             "class=\"muted small\">#%D</span>",
                             (long long)a->actor_id, who, (long long)a->actor_id);
                }
                html_fmt(o, "</td><td><span title=\"%s\">%s</span></td><td>", a->action,
                         audit_action_label(L, a->action));
                if (a->entity)
                    html_fmt(o, "<span class=\"muted\">%s:</span> ",
                             audit_entity_label(L, a->entity));
                if (a->entity_name && a->entity_slug)
                    html_fmt(o, "<a href=\"/orgs/%q\">%s</a>", a->entity_slug,
                             web_org_text(r, a->entity_name, NULL));
                else if (a->entity_name)
                    html_fmt(o, "%s", web_org_text(r, a->entity_name, NULL));
                else if (a->entity_id)
                    html_fmt(o, "#%D", (long long)a->entity_id);
                if (a->entity_year)
                    html_fmt(o, ", %D", (long long)a->entity_year);
                html_fmt(o, "</td><td>%s</td><td>", a->ip ? a->ip : "");
                if (a->detail && *a->detail)
                    audit_detail(r, a->detail);
                html_raw(o, "</td></tr>\n");
            }
            html_raw(o, "</tbody></table></div>\n");
        }
        if (n > AUDIT_PAGE || flt.before_id) {
            html_raw(o, "<nav class=\"pager\"><ul>");
            if (flt.before_id) {
                buf u = BUF_INIT;
                buf_puts(&u, "/admin/audit?");
                audit_query(&u, val, rules, F__N);
                html_fmt(o, "<li><a href=\"%u\">%s</a></li>", buf_str(&u), T(L, MSG_AUDIT_NEWEST));
                buf_free(&u);
            }
            if (n > AUDIT_PAGE) {
                buf u = BUF_INIT;
                buf_puts(&u, "/admin/audit?");
                audit_query(&u, val, rules, F__N);
                buf_printf(&u, "before=%lld", (long long)rows[AUDIT_PAGE - 1].id);
                html_fmt(o, "<li><a href=\"%u\" rel=\"next\">%s</a></li>", buf_str(&u),
                         T(L, MSG_AUDIT_OLDER));
                buf_free(&u);
            }
            html_raw(o, "</ul></nav>\n");
        }
    }
    layout_end(r);
}
