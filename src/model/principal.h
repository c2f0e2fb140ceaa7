/* principal.h: who is making a request, as the guard found out.
 *
 * Filled by auth_identify() from a session cookie or a Bearer token and
 * hung on the request (r->user); NULL for the public. It says who the
 * person is and what the secretariat made them; everything else a person
 * may do is derived on demand from their affiliations by rights.c. */
#ifndef SCAN_PRINCIPAL_H
#define SCAN_PRINCIPAL_H

#include <stdbool.h>
#include <stdint.h>

typedef enum { SEC_NONE = 0, SEC_EDITOR = 1, SEC_ADMIN = 2 } secretariat_role;

typedef struct principal {
    int64_t account_id;
    int64_t person_id;
    const char *name;  /* arena copy */
    const char *email; /* arena copy */
    secretariat_role secretariat;
    int64_t session_id;       /* 0 when authenticated by token */
    const char *csrf;         /* the session's CSRF token (arena), NULL for tokens */
    int64_t token_id;         /* 0 when authenticated by session */
    bool token_write;         /* token scope is read-write */
    int64_t token_expires_at; /* when the token stops working (0 for sessions) */
} principal;

#endif
