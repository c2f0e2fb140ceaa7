/* web_account.h: what the account files (web_account.c, web_login.c,
 * web_account_link.c) share, and nobody else. The pages themselves are
 * declared in web.h. */
#ifndef SCAN_WEB_ACCOUNT_H
#define SCAN_WEB_ACCOUNT_H

#include <stdbool.h>

#include "web/web.h"

/* A catalog message formatted with printf arguments, as an arena string
 * (the catalog's own string when the arena is out of memory).
 * web_account.c. */
const char *web_account_msgf(req *r, msg_id id, ...);
/* The checks every new password passes: present, the policy of
 * auth_password_check() (with the person's e-mail and name when known),
 * and typed the same twice. Errors go into e under the two fields' names
 * (name, name2). web_account.c. */
void web_account_check_password(req *r, const char *pw, const char *pw2, const char *email,
                                const char *person, const char *name, const char *name2,
                                web_errs *e);
/* Sets the session cookie to token, or deletes it when token is NULL.
 * web_login.c. */
void web_account_session_cookie(req *r, const char *token);
/* Whether the request comes with a browser session (account management
 * needs one; an API token must not mint tokens or end sessions); when
 * not, writes the 403. web_login.c. */
bool web_account_need_session(req *r);

#endif
