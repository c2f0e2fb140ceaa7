/* web.h: page and endpoint handlers, one group per file in src/web and
 * src/api. The route table in routes.c names them; nothing else calls
 * them. */
#ifndef SCAN_WEB_H
#define SCAN_WEB_H

#include "http/request.h"
#include "model/principal.h"

/* web_home.c */
void web_home(req *r);
/* web_system.c */
void web_healthz(req *r);
void web_metrics(req *r); /* web_metrics.c */
void web_status(req *r);
/* web_start.c: the start page after login */
void web_start(req *r);
void web_search(req *r);
void web_search_suggest(req *r);
void web_test_sleep(req *r);
/* api_system.c */
void api_openapi(req *r);
void api_health(req *r);
/* api_org.c: the directory as JSON (list, entry, search, create, patch,
 * archive) */
void api_org_list(req *r);
void api_org_get(req *r);
void api_org_create(req *r);
void api_org_patch(req *r);
void api_org_archive(req *r);
void api_search(req *r);
/* web_login.c: logging in and out */
void web_login_form(req *r);
void web_login(req *r);
void web_logout(req *r);
void web_logout_everywhere(req *r);
/* web_account.c: the account page, password, API tokens, my data */
void web_account(req *r);
void web_account_password(req *r);
void web_account_token_create(req *r);
void web_account_token_revoke(req *r);
void web_account_data(req *r);
/* web_account_link.c: the invitation and password-reset links */
void web_invite_accept_form(req *r);
void web_invite_accept(req *r);
void web_password_forgot_form(req *r);
void web_password_forgot(req *r);
void web_password_reset_form(req *r);
void web_password_reset(req *r);
/* web_chrome.c: the account bar of every page (a layout hook) */
void web_user_area(req *r, const char *nav);
/* api_me.c: GET /api/v1/me */
void api_me(req *r);
/* web_admin.c: invitations, and the admin pages (users, audit, outbox) */
void web_invite_form(req *r);
void web_invite(req *r);
void web_admin_users(req *r);
void web_admin_user_role(req *r);
void web_admin_user_disable(req *r);
void web_admin_person_erase(req *r);
void web_admin_audit(req *r);
void web_admin_outbox(req *r);

/* --- form helpers shared by every form (web_form.c) -----------------------
 *
 * A form's errors as sentences in the reader's language, keyed by field
 * name, so each can be shown next to its input. Strings live in the
 * request arena (or the catalog). */
#define WEB_MAX_FIELD_ERRORS 24
typedef struct web_errs {
    const char *field[WEB_MAX_FIELD_ERRORS];
    const char *text[WEB_MAX_FIELD_ERRORS];
    size_t n;
} web_errs;

/* Adds an error for field (the first one per field wins; a full table
 * drops the rest). */
void web_errs_add(web_errs *e, const char *field, const char *text);
/* Adds the validator's errors, worded by form_error_text(). */
void web_errs_from_form(req *r, const form_errors *fe, web_errs *e);
/* The error text for field, or NULL. */
const char *web_errs_get(const web_errs *e, const char *field);

/* One labelled input. Writes a div.field with the label, an optional hint,
 * the error (p.field-error) and the input, tied together by
 * aria-describedby; the input gets aria-invalid when error is set. */
typedef struct web_input {
    const char *id;           /* element id, unique on the page */
    const char *name;         /* form field name */
    const char *type;         /* "text", "email", "password", ... */
    const char *label;        /* label text */
    const char *value;        /* value to show (never a password), or NULL */
    const char *autocomplete; /* autocomplete token, or NULL */
    const char *hint;         /* hint text, or NULL */
    const char *error;        /* error text, or NULL */
    const char *suggest;      /* "fill": a typeahead of directory entries that
                                 fills the field and a hidden <name>_pick with
                                 the chosen entry's address (scan.js); NULL */
    bool required;
    int maxlength; /* 0 = none */
} web_input;
void web_field(req *r, const web_input *in);
/* The start of a field of any control: <div class="field"> (field-invalid
 * with an error) with its <label for=id>, the hint (id-hint) and the error
 * (id-error) when given. The caller writes the control, with
 * web_described_by among its attributes, and closes the div. */
void web_field_open(req *r, const char *id, const char *label, const char *hint, const char *error);
/* The attributes that tie control id to its hint and error
 * (aria-describedby, and aria-invalid with an error). */
void web_described_by(req *r, const char *id, bool hint, const char *error);
/* The type for an <input> that holds a date: "date" when value is NULL,
 * empty or a real YYYY-MM-DD day, else "text", so that a wrong date sent
 * back with its error stays visible as typed (a date input would drop it,
 * and the value would make the HTML invalid). web_field does this itself
 * for type "date", and writes a "url" field that has an error as "text"
 * for the same reason. Returns a string constant. */
const char *web_date_type(const char *value);
/* The "please correct the marked fields" box above a form that has
 * errors (role=alert); nothing when e is NULL or empty. */
void web_error_summary(req *r, const web_errs *e);
/* An alert box (role=alert) with text; nothing when text is NULL. */
void web_alert(req *r, const char *text);
/* A status box (role=status) with text; nothing when text is NULL. */
void web_notice(req *r, const char *text);
/* The absolute base URL for links in mail: the configured public URL
 * (without a trailing slash), else "http://" + the Host header. NULL when
 * neither is usable (a Host header with characters a host name cannot
 * hold). Arena string. */
const char *web_base_url(req *r);
/* Writes "Try again in N minutes." for a wait in seconds (rounded up,
 * at least one minute) into out. */
void web_retry_text(buf *out, lang_id lang, int64_t wait_s);
/* A <time> element with the UTC time t as a Europe/Belgrade date and time
 * in the reader's language, or the message when_never (muted) when t is 0. */
void web_datetime(req *r, int64_t t, msg_id when_never);
/* The label of a secretariat role ("Administrator", ...). */
const char *web_secretariat_label(lang_id lang, secretariat_role sec);
/* The label of an affiliation role ("manager" -> "Manager"). */
const char *web_affiliation_role_label(lang_id lang, const char *role);
/* web_org_list.c, web_org_view.c, web_org_edit.c: the directory (shared
 * helpers in web_org.h) */
void web_org_list(req *r);
/* GET /orgs/{slug}: the profile, composed of its own parts and the
 * sections other files provide (web_cluster_section), with anonymous
 * renders of every entry cached. */
void web_org_profile(req *r);
void web_org_logo(req *r);
void web_org_history(req *r);
void web_org_restore(req *r);
void web_org_new_form(req *r);
void web_org_create(req *r);
void web_org_propose(req *r);
void web_org_proposal_accept(req *r);
void web_org_proposal_decline(req *r);
void web_org_edit_form(req *r);
void web_org_update(req *r);
void web_org_archive(req *r);
void web_org_publish(req *r);
void web_org_delete(req *r);
/* web_figures.c: the figures pages, data entry, verification;
 * web_figures_import.c: a cluster's figures import */
void web_figures(req *r);
void web_figures_missing(req *r);
void web_figures_verify(req *r);
void web_org_figures(req *r);
void web_org_figures_save(req *r);
void web_figures_import_form(req *r);
void web_figures_import(req *r);
/* web_verify.c: the secretariat's verification queue (GET and POST
 * /figures/verify) */
void web_figures_verify_queue(req *r);
void web_figures_verify_many(req *r);
/* web_cluster_*.c (shared helpers in web_cluster.h): cluster profiles,
 * members, the edit page and the team. web_cluster_section()
 * writes the cluster part of an entry's profile (stage, SCAN membership,
 * labels, strategy, team, members, figures) and returns true when the
 * entry is a cluster or cluster initiative; false (nothing written) for
 * other kinds. */
struct org_rec;
bool web_cluster_section(req *r, const struct org_rec *o);
void web_cluster_members_form(req *r);
void web_cluster_member_add(req *r);
void web_cluster_member_end(req *r);
void web_cluster_edit_form(req *r);
void web_cluster_save(req *r);
/* POST /orgs/{slug}/labels/{id}/verify: the secretariat verifies a claimed
 * label with the certificate's reference. */
void web_cluster_label_verify(req *r);
/* POST /orgs/{slug}/team (add a person by e-mail) and
 * POST /orgs/{slug}/team/{id}/end: the management team (RIGHT_ORG_EDIT). */
void web_cluster_team_add(req *r);
void web_cluster_team_end(req *r);
/* GET/POST /orgs/{slug}/team/accept: the logged-in person's pending team
 * invitation (404 without one), and accepting it. */
void web_cluster_team_accept_form(req *r);
void web_cluster_team_accept(req *r);
/* web_membership.c: memberships by consent. web_membership_panel() writes
 * the account page's panel of proposals the reader may decide (nothing
 * when there are none); web_membership_pending_of_cluster() the pending
 * proposals of a cluster on its members page, each with Withdraw. */
void web_membership_panel(req *r);
void web_membership_pending_of_cluster(req *r, const struct org_rec *cluster);
void web_membership_accept(req *r);
void web_membership_decline(req *r);
void web_membership_withdraw(req *r);
/* api_cluster.c: clusters and figures as JSON */
void api_cluster_list(req *r);
void api_cluster_members(req *r);
void api_figures(req *r);
/* web_event*.c: events and trainings, registration, iCalendar feeds */
void web_event_list(req *r);
void web_event_page(req *r);
void web_event_new_form(req *r);
void web_event_create(req *r);
void web_event_edit_form(req *r);
void web_event_update(req *r);
void web_event_register(req *r);
void web_event_cancel(req *r);
void web_event_participants(req *r);
void web_event_attendance(req *r);
void web_event_ics(req *r);
void web_events_ics(req *r);
/* api_event.c: events as JSON */
void api_event_list(req *r);
void api_event_get(req *r);
void api_event_register(req *r);
void api_event_unregister(req *r);
void api_event_registrations(req *r);
/* web_assess.c: the yearly self-assessment against peers (issue 15);
 * api_assess.c: the same as JSON */
void web_assess_results(req *r);
void web_assess_form(req *r);
void web_assess_save(req *r);
void web_admin_assessments(req *r);
/* The start page's section: this year's self-assessment of each cluster
 * the reader manages; false when it wrote nothing. */
bool web_assess_start(req *r, db_status *st);
void api_assess_list(req *r);
void api_assess_get(req *r);
void api_assess_put(req *r);
/* web_devplan.c, web_mentoring.c, web_support.c, api_devplan.c:
 * development plans, mentoring and the support log (issue 15);
 * web_devplan_start is the start page's section of overdue actions and
 * mentoring pairs */
void web_devplan_page(req *r);
void web_devplan_goal_add(req *r);
void web_devplan_goal_update(req *r);
void web_devplan_action_add(req *r);
void web_devplan_action_update(req *r);
void web_devplan_review_save(req *r);
bool web_devplan_start(req *r, db_status *st);
/* web_position.c: advocacy positions (issue 16): list, page, forms */
void web_position_list(req *r);
void web_position_new_form(req *r);
void web_position_create(req *r);
void web_position_page(req *r);
void web_position_edit_form(req *r);
void web_position_update(req *r);
void web_position_version(req *r);
void web_position_stage(req *r);
void web_position_comment(req *r);
void web_position_sign(req *r);
void web_position_withdraw(req *r);
/* The start page's section: positions open for the reader's signature
 * (false: nothing to show; a failed read in *st). */
bool web_position_start(req *r, db_status *st);
/* api_position.c: positions as JSON */
void api_position_list(req *r);
void api_position_get(req *r);
void api_position_sign(req *r);
void api_position_withdraw(req *r);
void api_position_create(req *r);
void api_position_update(req *r);
void api_position_version(req *r);
void api_position_stage(req *r);
void web_mentoring_admin(req *r);
void web_mentoring_create(req *r);
void web_mentoring_end(req *r);
void web_mentoring_page(req *r);
void web_mentoring_meeting_add(req *r);
void web_support_page(req *r);
void web_support_add(req *r);
void api_devplan_get(req *r);
/* web_notify.c: notification settings, one-click unsubscribe, and
 * GET/PUT /api/v1/me/notifications */
void web_notify_page(req *r);
void web_notify_save(req *r);
void web_notify_topic_add(req *r);
void web_notify_topic_remove(req *r);
void web_notify_follow(req *r);
void web_notify_unfollow(req *r);
void web_unsub_form(req *r);
void web_unsub(req *r);
void api_notify_get(req *r);
void api_notify_put(req *r);
/* web_post.c: the cooperation board (issue 13) */
void web_post_board(req *r);
void web_post_mine(req *r); /* web_post_mine.c */
void web_post_feed(req *r);
void web_post_board_save(req *r);
void web_post_view(req *r);
void web_post_new_form(req *r);
void web_post_create(req *r);
void web_post_edit_form(req *r);
void web_post_update(req *r);
void web_post_close(req *r);
void web_post_hide(req *r);
void web_post_report(req *r);
void web_post_interest(req *r);
void web_interest_accept(req *r);
void web_interest_decline(req *r);
/* POST /cooperation/{id}/interest/{iid}/messages: a side of an accepted
 * introduction writes in its thread (web_post_view.c). */
void web_interest_message(req *r);
/* The start page's "Interest in your posts, waiting for your answer":
 * pending requests and replies from the other side; false when empty. */
bool web_post_start_interest(req *r, db_status *st);
/* The start page's section of reported posts (the secretariat), those
 * reported POST_REPORTS_FLAG times marked repeated; false when empty. */
bool web_post_start_reported(req *r, db_status *st);
/* Why a match fits, in the reader's language: "both in NACE 26 Manufacture
 * of ...; shared words: embedded, firmware; no common cluster". Arena. */
struct match_hit;
const char *web_post_why(req *r, const struct match_hit *h, const char *const *texts,
                         size_t n_texts);
/* web_post_stats.c: the board's statistics for the secretariat */
void web_post_stats(req *r);
/* Whether the reader may see them (rights_can RIGHT_POST_HIDE). */
bool web_post_stats_allowed(req *r);
void api_post_stats(req *r);
/* api_post.c: the board as JSON */
void api_post_list(req *r);
void api_post_create(req *r);
void api_post_get(req *r);
void api_post_patch(req *r);
void api_post_close(req *r);
void api_post_matches(req *r);
/* web_agreement.c, api_agreement.c: agreements and partners' relations
 * (issue 14). web_relations_section writes the Relations section of a
 * partner's profile (agreements, contact persons; projects and calls add
 * their parts in it) and returns false, so the profile still lists
 * members; web_agreement_start is the start page's "expiring within 60
 * days" (the secretariat: all; managers: their clusters'). */
void web_agreement_list(req *r);
void web_agreement_new_form(req *r);
void web_agreement_create(req *r);
void web_agreement_page(req *r);
void web_agreement_edit_form(req *r);
void web_agreement_update(req *r);
void web_agreement_delete(req *r);
void web_agreement_file_put(req *r);
void web_agreement_file_get(req *r);
void web_agreement_consent(req *r); /* 0035: a party confirms or declines */
bool web_relations_section(req *r, const struct org_rec *o);
bool web_agreement_start(req *r, db_status *st);
void api_partner_list(req *r);
void api_agreement_list(req *r);
void api_agreement_get(req *r);
void api_agreement_create(req *r);
void api_agreement_patch(req *r);
void api_agreement_consent(req *r); /* a party confirms or declines (api_tie.c) */
/* guard.c */
void web_setup(void);
/* "sid", or "__Host-sid" when cookies are Secure. */
const char *web_session_cookie_name(const req *r);
/* The page cached under key at version into r (body, type, ETag): true
 * when it was there. On the I/O thread (an RF_FAST route, see
 * server_hook_fast) also true on a miss: the handler returns at once and a
 * worker runs it again. A handler does: if (web_cache_serve(r, key, v))
 * return; */
bool web_cache_serve(req *r, const char *key, int64_t version);

/* web_initiative.c, web_readiness.c, api_initiative.c: cluster
 * initiatives and the readiness check (issue 15) */
void web_initiative_list(req *r);
void web_initiative_new_form(req *r);
void web_initiative_create(req *r);
void web_readiness_page(req *r);
void web_readiness_answer(req *r);
void api_initiative_list(req *r);
void api_initiative_create(req *r);
void api_cluster_readiness(req *r);
/* The start page's section: the readiness of the clusters one manages. */
bool web_start_readiness(req *r, db_status *st);

/* web_map.c, web_panorama.c: the district map, the location quotient,
 * the cluster panorama, the badge and the home page's "at a glance"
 * (issue 17) */
struct org_rec;
void web_map(req *r);
void web_panorama(req *r);
void web_org_badge(req *r);
void web_org_share(req *r);
/* The map of clusters by district for the home page (the default
 * measure); false after writing a 5xx. */
bool web_map_block(req *r);
/* The home page's block: clusters, members, employees, revenue and
 * exports of the latest covered year, each linking to its source, the
 * map, the next events and the open funding calls; false after a 5xx. */
bool web_home_panorama(req *r);
/* A cluster's location quotient per sector in its district (nothing when
 * there is no reference employment or no district/sector), for its
 * profile. */
void web_lq_section(req *r, const struct org_rec *org);
/* web_call.c: funding calls (issue 14): the list and archive, a call's
 * page with the entries it does not exclude, the secretariat's form and
 * CSV import, following, the iCalendar feeds. web_calls_section writes a
 * profile's "calls you can apply for" and returns true when it wrote
 * something. */
void web_call_list(req *r);
void web_call_archive(req *r);
void web_call_page(req *r);
void web_call_new_form(req *r);
void web_call_create(req *r);
void web_call_edit_form(req *r);
void web_call_update(req *r);
void web_call_withdraw(req *r);
void web_call_follow(req *r);
void web_call_import_form(req *r);
void web_call_import(req *r);
void web_calls_ics(req *r);
void web_org_calls_ics(req *r);
bool web_calls_section(req *r, const struct org_rec *o);
/* api_news.c: news as JSON */
void api_news_list(req *r);
void api_news_get(req *r);
void api_news_create(req *r);
void api_news_update(req *r);
/* api_call.c: funding calls as JSON */
void api_call_list(req *r);
void api_call_get(req *r);
void api_call_create(req *r);
void api_call_update(req *r);

#endif
