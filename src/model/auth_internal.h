/* auth_internal.h: what the account files (auth*.c) share, and nobody else.
 *
 * Not part of the model's interface: include auth.h from outside. Every
 * name carries the auth_ prefix; each is defined in the file named beside
 * its group. */
#ifndef SCAN_AUTH_INTERNAL_H
#define SCAN_AUTH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/auth.h"

#define EMAIL_MAX      254 /* RFC 5321 path limit; longer input is cut and never matches */
#define UA_MAX         512 /* bytes of User-Agent kept with a session */
#define IP_MAX         64
#define TOKEN_NAME_MAX 100
#define COMMON_ASSET   "data/common-passwords.txt"

/* Creates an account for an existing person (inside the caller's
 * transaction) and audits it. hash may be NULL (no password yet). */
db_status auth_account_insert(db *d, int64_t person_id, const char *hash, secretariat_role sec,
                              int64_t actor_id, int64_t now, int64_t *account_id);
/* The person behind an account; DB_CONSTRAINT when there is no account. */
db_status auth_account_person(db *d, int64_t account_id, int64_t *person_id);
/* audit_add with a printf-formatted detail (ids and field names only). */
db_status auth_audit_fmt(db *d, int64_t actor, const char *ip, const char *action,
                         const char *entity, int64_t entity_id, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Code points in s (a malformed byte counts as one). */
size_t auth_cp_count(const char *s, size_t n);
/* The live device row of cookie value device for the account of em (0 when
 * none: no cookie, unknown, expired, or another account's). */
db_status auth_device_find(db *d, const char *em, const char *device, int64_t now,
                           int64_t *device_id);
/* After a successful login (inside the caller's transaction): renews the
 * device row device_id (its cookie value is device) or makes a new one,
 * and writes the cookie value to send to out; prunes the account's old
 * rows. */
db_status auth_device_remember(db *d, int64_t account_id, int64_t device_id, const char *device,
                               int64_t now, char out[AUTH_TOKEN_LEN + 1]);
/* Copies email into out trimmed of white space and lower-cased ASCII-wise,
 * cut at EMAIL_MAX bytes. False when the result is empty or was cut. */
bool auth_email_norm(const char *email, char out[EMAIL_MAX + 1]);
/* Inserts one failure (inside the caller's transaction) and prunes a few
 * rows older than a day. */
db_status auth_failure_insert(db *d, const char *em, const char *ip, int64_t now, int64_t *id);
/* Fills p's account, person, secretariat role, name and e-mail from five
 * consecutive columns of s starting at col (strings copied into a: NULL
 * when out of memory). */
void auth_principal_fill(principal *p, arena *a, db_stmt *s, int col);
/* ASCII white space: space, tab, CR, LF, FF, VT. */
bool auth_is_ws(char c);
/* Writes the lower case of src[0..n) to dst[0..n): the same number of
 * bytes (malformed bytes are copied unchanged). dst may equal src. */
void auth_lower_into(char *dst, const char *src, size_t n);
/* Whether name is usable as a person's name: not empty or only spaces. */
bool auth_name_ok(const char *name);
/* "admin" or "editor" as stored in account.secretariat; SEC_NONE for
 * anything else. */
secretariat_role auth_parse_sec(const char *s);
/* Creates person and account (inside the caller's transaction). em is
 * normalised; a taken address gives DB_CONSTRAINT. */
db_status auth_person_account_insert(db *d, const char *name, const char *em, const char *hash,
                                     secretariat_role sec, int64_t actor_id, int64_t now,
                                     int64_t *account_id, int64_t *person_id);
/* The stored name of a secretariat role; NULL for SEC_NONE. */
const char *auth_sec_name(secretariat_role sec);
/* Ends an account's sessions but keep (inside the caller's transaction);
 * *n receives how many. */
db_status auth_sessions_end(db *d, int64_t account_id, int64_t keep, int64_t *n);
/* Counts one login attempt of em (normalised) in its own write
 * transaction: finds the device cookie device (may be NULL; a known one
 * makes the attempt trusted, else trusted is used), computes the throttle
 * wait into *wait_s and, unless it is positive, inserts the provisional
 * failure row (its id in *fail_id: deleted again when the password is
 * right). */
db_status auth_attempt_count(db *d, const char *em, const char *ip, const char *device,
                             bool trusted, int64_t now, int64_t *device_id, int64_t *wait_s,
                             int64_t *fail_id);
/* auth_throttle_wait for an already normalised e-mail. */
db_status auth_throttle_compute(db *d, const char *em, const char *ip, bool trusted, int64_t now,
                                int64_t *wait_s);
/* Revokes every live token of an account (inside the caller's
 * transaction); *n receives how many. Expired ones count too: they are
 * marked revoked like the rest, so nothing can bring them back. */
db_status auth_tokens_revoke_all(db *d, int64_t account_id, int64_t now, int64_t *n);

/* Deletes one login_failure row ($1 its id): auth_throttle.c. */
extern const char auth_sql_fail_delete[];
/* Sets an account's password hash: auth_account.c. */
extern const char auth_sql_password_set[];

#endif
