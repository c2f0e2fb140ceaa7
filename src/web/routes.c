/* routes.c: the route table: every page and endpoint of SCAN, one row each.
 *
 * Flags are enforced centrally (guard.c) before a handler runs. A route
 * under /api/ must also appear in assets/openapi.json (a test compares
 * `scan routes` with it). Keep rows grouped by page group. */
#include "http/assets.h"
#include "http/router.h"
#include "web/web.h"

const route routes[] = {
    /* site */
    {HTTP_GET, "/", web_home, 0, 0, "Home page: what SCAN is"},
    {HTTP_GET, "/search", web_search, 0, 0, "Search the directory in any script"},
    {HTTP_GET, "/search/suggest", web_search_suggest, 0, 0,
     "Typeahead: up to 8 published entries as JSON [{name, slug, kind_label}]"},
    /* directory ("/orgs/new" before "/orgs/{slug}": the first match wins) */
    {HTTP_GET, "/orgs", web_org_list, 0, 0, "Directory: filters with counts, sorting, pages"},
    {HTTP_POST, "/orgs", web_org_create, RF_LOGIN | RF_CSRF, 1024 * 1024,
     "Create an entry (multipart, with logo)"},
    {HTTP_GET, "/orgs/new", web_org_new_form, RF_LOGIN, 0, "Form for a new entry"},
    {HTTP_GET, "/orgs/{slug}", web_org_profile, 0, 0, "An entry's profile"},
    {HTTP_POST, "/orgs/{slug}", web_org_update, RF_LOGIN | RF_CSRF, 1024 * 1024,
     "Save an entry (multipart, with logo)"},
    {HTTP_GET, "/orgs/{slug}/logo", web_org_logo, 0, 0, "An entry's logo"},
    {HTTP_GET, "/orgs/{slug}/edit", web_org_edit_form, RF_LOGIN, 0, "Edit form of an entry"},
    {HTTP_GET, "/orgs/{slug}/history", web_org_history, 0, 0,
     "Every revision of an entry with field differences"},
    {HTTP_POST, "/orgs/{slug}/restore", web_org_restore, RF_LOGIN | RF_CSRF, 16384,
     "Restore an older revision as a new one"},
    {HTTP_POST, "/orgs/{slug}/archive", web_org_archive, RF_LOGIN | RF_CSRF, 16384,
     "Archive an entry"},
    {HTTP_POST, "/orgs/{slug}/publish", web_org_publish, RF_LOGIN | RF_CSRF, 16384,
     "Publish an entry"},
    {HTTP_POST, "/orgs/{slug}/delete", web_org_delete, RF_LOGIN | RF_CSRF, 16384,
     "Delete an entry (admins; type the slug to confirm)"},
    /* accounts: logging in and out, the account page, one-time links */
    {HTTP_GET, "/login", web_login_form, 0, 0, "Login form"},
    {HTTP_POST, "/login", web_login, RF_CSRF, 16384, "Log in: e-mail and password"},
    {HTTP_POST, "/logout", web_logout, RF_LOGIN | RF_CSRF, 16384, "Log out: end this session"},
    {HTTP_POST, "/logout-everywhere", web_logout_everywhere, RF_LOGIN | RF_CSRF, 16384,
     "End every session of the account"},
    {HTTP_GET, "/account", web_account, RF_LOGIN, 0, "Your account: profile, password, tokens"},
    {HTTP_POST, "/account/password", web_account_password, RF_LOGIN | RF_CSRF, 16384,
     "Change your password (ends other sessions)"},
    {HTTP_POST, "/account/tokens", web_account_token_create, RF_LOGIN | RF_CSRF, 16384,
     "Create an API token (secret shown once)"},
    {HTTP_POST, "/account/tokens/{id}/revoke", web_account_token_revoke, RF_LOGIN | RF_CSRF, 16384,
     "Revoke one of your API tokens"},
    {HTTP_GET, "/account/data", web_account_data, RF_LOGIN, 0, "Download your data as JSON"},
    {HTTP_GET, "/invite", web_invite_form, RF_LOGIN, 0,
     "Invitation form (admins, cluster managers)"},
    {HTTP_POST, "/invite", web_invite, RF_LOGIN | RF_CSRF, 16384, "Invite a person by e-mail"},
    {HTTP_GET, "/invite/accept", web_invite_accept_form, 0, 0,
     "Accept an invitation: choose a password"},
    {HTTP_POST, "/invite/accept", web_invite_accept, RF_CSRF, 16384, "Accept an invitation"},
    {HTTP_GET, "/password/forgot", web_password_forgot_form, 0, 0, "Ask for a password reset link"},
    {HTTP_POST, "/password/forgot", web_password_forgot, RF_CSRF, 16384,
     "Send a password reset link"},
    {HTTP_GET, "/password/reset", web_password_reset_form, 0, 0,
     "Choose a new password (reset link)"},
    {HTTP_POST, "/password/reset", web_password_reset, RF_CSRF, 16384,
     "Set a new password (reset link)"},
    /* administration */
    {HTTP_GET, "/admin/users", web_admin_users, RF_LOGIN | RF_ADMIN, 0,
     "Users: roles, status, erasure"},
    {HTTP_POST, "/admin/users/{id}/role", web_admin_user_role, RF_LOGIN | RF_ADMIN | RF_CSRF, 16384,
     "Set an account's secretariat role"},
    {HTTP_POST, "/admin/users/{id}/disable", web_admin_user_disable, RF_LOGIN | RF_ADMIN | RF_CSRF,
     16384, "Disable or enable an account"},
    {HTTP_POST, "/admin/people/{id}/erase", web_admin_person_erase, RF_LOGIN | RF_ADMIN | RF_CSRF,
     16384, "Erase a person's personal data"},
    {HTTP_GET, "/admin/audit", web_admin_audit, RF_LOGIN | RF_ADMIN, 0, "The audit log, filtered"},
    {HTTP_GET, "/admin/outbox", web_admin_outbox, RF_LOGIN | RF_ADMIN, 0, "Queued and sent mail"},
    /* system */
    {HTTP_GET, "/healthz", web_healthz, RF_INLINE | RF_NO_LOG, 0, "Health: version, uptime, database"},
    {HTTP_GET, "/assets/{dir}/{file}", assets_serve, RF_INLINE, 0, "Embedded static files"},
    {HTTP_GET, "/_test/sleep", web_test_sleep, RF_TEST | RF_NO_LOG, 0, "Test only: a slow request"},
    /* API */
    {HTTP_GET, "/api/v1/openapi.json", api_openapi, RF_INLINE, 0, "OpenAPI 3 document"},
    {HTTP_GET, "/api/v1/health", api_health, RF_INLINE, 0, "Health as JSON"},
    {HTTP_GET, "/api/v1/me", api_me, RF_LOGIN, 0, "Who the token or session belongs to"},
    /* API: the directory (api_org.c) */
    {HTTP_GET, "/api/v1/orgs", api_org_list, 0, 0, "List directory entries (filters, cursor)"},
    {HTTP_POST, "/api/v1/orgs", api_org_create, RF_CSRF | RF_WRITE_TOKEN, 65536,
     "Create a directory entry"},
    {HTTP_GET, "/api/v1/orgs/{slug}", api_org_get, 0, 0, "One directory entry with labels"},
    {HTTP_PATCH, "/api/v1/orgs/{slug}", api_org_patch, RF_CSRF | RF_WRITE_TOKEN, 65536,
     "Change some fields of an entry (merge)"},
    {HTTP_POST, "/api/v1/orgs/{slug}/archive", api_org_archive, RF_CSRF | RF_WRITE_TOKEN, 16384,
     "Archive a directory entry"},
    {HTTP_GET, "/api/v1/search", api_search, 0, 0, "Search the directory (JSON)"},
};
const size_t n_routes = sizeof routes / sizeof routes[0];
