/* auth.h: accounts, passwords, sessions, API tokens, one-time links and
 * login throttling. The model layer of the accounts issue: SQL lives here,
 * pages and endpoints call these functions.
 *
 * Secrets (session cookies, API tokens, invitation and reset links) are 32
 * random bytes from libsodium, shown to the user once as base64url (43
 * characters) and stored only as their BLAKE2b-256 hash, so a database
 * leak does not leak live credentials. Passwords are argon2id strings
 * (crypto_pwhash_str, opslimit 2, memlimit 64 MiB: above OWASP ASVS's
 * floor of 19 MiB and 2 passes); at most AUTH_MAX_HASHING hashes run at
 * once so a flood of logins cannot exhaust memory.
 *
 * All functions take the caller's connection and do their own transaction
 * unless they say "inside the caller's transaction"; every write is audited
 * in that transaction. Strings returned are arena copies. DB_CONSTRAINT
 * also means "no such account" and "malformed argument" (an empty e-mail,
 * an unknown role): pages validate first, so it is a bug there. */
#ifndef SCAN_AUTH_H
#define SCAN_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "i18n/i18n.h"
#include "model/principal.h"

#define AUTH_TOKEN_LEN          43 /* base64url of 32 bytes, no padding */
#define AUTH_PASSWORD_MIN       12 /* characters (code points) */
#define AUTH_PASSWORD_MAX       256
#define AUTH_MAX_HASHING        2           /* concurrent argon2id computations */
#define AUTH_SESSION_IDLE       (12 * 3600) /* seconds without a request */
#define AUTH_SESSION_MAX        (7 * 86400) /* absolute lifetime */
#define AUTH_INVITE_TTL         (7 * 86400)
#define AUTH_RESET_TTL          3600
#define AUTH_FAIL_CAP           100          /* failed logins per account per hour, any address */
#define AUTH_FAIL_FREE          3            /* failures per (account, address) before any delay */
#define AUTH_FAIL_FREE_IP       20           /* failures per address before any delay */
#define AUTH_FAIL_DELAY_MAX     900          /* the growing delay stops at 15 minutes */
#define AUTH_RESET_PER_HOUR     5            /* reset mails per account per hour */
#define AUTH_DEVICE_TTL         (90 * 86400) /* a device cookie lasts from its last login */
#define AUTH_DEVICE_MAX         20           /* remembered devices per account (newest kept) */
#define AUTH_TOKEN_DAYS_DEFAULT 90           /* API token lifetime unless chosen */
#define AUTH_TOKEN_DAYS_MAX     365

/* Frees the common-password list. Call once at exit, after every thread
 * that checks passwords has stopped; the list is not rebuilt afterwards. */
void auth_shutdown(void);

/* --- secrets ------------------------------------------------------------ */

/* Writes a fresh random token (AUTH_TOKEN_LEN chars + NUL) into out. */
void auth_token_new(char out[AUTH_TOKEN_LEN + 1]);
/* The 32-byte BLAKE2b hash under which a token is stored. */
void auth_token_hash(const char *token, unsigned char out[32]);

/* --- passwords ---------------------------------------------------------- */

typedef enum {
    PW_OK = 0,
    PW_TOO_SHORT,
    PW_TOO_LONG,
    PW_COMMON,     /* among the common-password list */
    PW_LIKE_EMAIL, /* equals the e-mail address or its local part */
    /* too easy to guess (zxcvbn: fewer than AUTH_PW_MIN_GUESSES), and the
     * pattern that made it so: */
    PW_WEAK_REPEAT,   /* repeated characters or words: "aaaa", "abcabc" */
    PW_WEAK_SEQUENCE, /* a sequence: "abcd", "123456", "9876" */
    PW_WEAK_KEYBOARD, /* a row or pattern of keys: "qwerty", "zxcvbn" */
    PW_WEAK_WORDS,    /* common passwords, words or names, even with "@" for "a" */
    PW_WEAK_DATE,     /* dates or years */
    PW_WEAK_PERSONAL, /* the person's name or e-mail address */
    PW_WEAK,          /* none of those stands out: just too short for its variety */
} pw_verdict;

/* zxcvbn's score 3 ("safely unguessable: moderate protection from an
 * offline slow-hash scenario") starts at 10^8 guesses; in bits: */
#define AUTH_PW_MIN_BITS 26.6 /* log2(1e8) = 26.58 */

/* Checks a new password against the policy, in this order: length in code
 * points (AUTH_PASSWORD_MIN..AUTH_PASSWORD_MAX), the embedded list of
 * common passwords (assets/data/common-passwords.txt), equality with the
 * e-mail address or its local part, then strength: zxcvbn (Debian's
 * libzxcvbn, zxcvbn-c) must estimate at least AUTH_PW_MIN_BITS of entropy,
 * with the e-mail address, its local part, the name and each word of the
 * name as the user's own dictionary words. A weak password's verdict names
 * the pattern behind the largest guessable part of it (PW_WEAK_*).
 * email and name may be NULL. Comparisons ignore case for ASCII, Latin-1
 * and Cyrillic letters. Callers check before auth_account_create,
 * auth_password_set and auth_link_use, which hash whatever they are
 * given. */
pw_verdict auth_password_check(const char *password, const char *email, const char *name);
/* Hashes into out (crypto_pwhash_STRBYTES); waits for a hashing slot.
 * Returns 0, or -1 on OOM. */
int auth_password_hash(const char *password, char *out);
/* Verifies against a stored hash (constant time; waits for a slot). */
bool auth_password_verify(const char *password, const char *hash);
/* The most hashes that ran at once since start (for tests of the cap). */
int auth_hashing_peak(void);

/* --- throttling --------------------------------------------------------- */

/* Seconds the client must wait before another login attempt for this
 * e-mail from this address (0 = go ahead). Three limits, the longest wait
 * wins:
 *   - per (account, address): with n failures for this e-mail from this
 *     address in the last hour, nothing while n <= AUTH_FAIL_FREE, then
 *     2^(n - AUTH_FAIL_FREE) seconds after the newest of them, at most
 *     AUTH_FAIL_DELAY_MAX. Failures from other addresses do not count, so
 *     a guesser elsewhere cannot lock the owner out;
 *   - per address: the same growth from AUTH_FAIL_FREE_IP failures for any
 *     e-mail (one address guessing many accounts);
 *   - per account, any address: with AUTH_FAIL_CAP failures in the last
 *     hour, wait until the oldest of them is an hour old (distributed
 *     guessing). A trusted client (a device cookie of this account, or
 *     the account's own session) is exempt from this one.
 * ip NULL or "" skips the address limits. */
db_status auth_throttle_wait(db *d, const char *email, const char *ip, bool trusted, int64_t now,
                             int64_t *wait_s);
/* Records a failed attempt (e-mail normalised) and prunes a few rows older
 * than a day. Throttling bookkeeping, not audited: auth_login records its
 * own failures and writes the login_failed audit row. */
db_status auth_record_failure(db *d, const char *email, const char *ip, int64_t now);

/* --- login and sessions ------------------------------------------------- */

typedef enum { LOGIN_OK, LOGIN_BAD, LOGIN_THROTTLED, LOGIN_DISABLED } login_result;

/* Checks e-mail and password (throttled; one generic LOGIN_BAD for unknown
 * user and wrong password) and on success creates a session, writing its
 * cookie token to token_out. device is the client's device cookie (or
 * NULL): when it belongs to this account and has not expired, the attempt
 * is trusted (see auth_throttle_wait). On success device_out receives the
 * device cookie to send back (the same one, renewed for AUTH_DEVICE_TTL,
 * or a new one); it is "" otherwise. *wait_s says how long to wait when
 * throttled.
 * Audits login and login_failed. The attempt counts as a failure from the
 * start (so parallel guesses are throttled too) and is uncounted on
 * success; an unknown account or one without a password is checked
 * against a dummy hash, so timing does not tell. LOGIN_DISABLED only comes
 * with the right password; show it like LOGIN_BAD unless the page decides
 * otherwise. a is unused (kept for callers). */
db_status auth_login(db *d, arena *a, const char *email, const char *password, const char *ip,
                     const char *user_agent, const char *device, login_result *res,
                     char token_out[AUTH_TOKEN_LEN + 1], char device_out[AUTH_TOKEN_LEN + 1],
                     int64_t *wait_s);
/* Checks an account's current password (before a password change)
 * without creating a session or a login audit row: throttled and counted
 * like a login attempt; trusted (the caller holds a session of the
 * account) as auth_throttle_wait says. *ok true when right; *wait_s > 0
 * when throttled. */
db_status auth_check_password(db *d, const char *email, const char *password, const char *ip,
                              bool trusted, bool *ok, int64_t *wait_s);
/* Finds the live session for a cookie token and fills *p (arena strings);
 * refreshes last_seen (at most every 5 minutes). *found false when the
 * token is unknown, expired, idle too long, or the account is disabled. */
db_status auth_session_lookup(db *d, arena *a, const char *token, int64_t now, principal *p,
                              bool *found);
/* Ends one session (logout; audited as the account's own action). */
db_status auth_session_end(db *d, int64_t session_id);
/* Ends every session of an account except keep_session_id (0: all) and
 * revokes all its API tokens ("log out everywhere"); audited as the
 * account's own action when anything ended. */
db_status auth_sessions_end_all(db *d, int64_t account_id, int64_t keep_session_id);
/* Issues a new session id for the same account and ends the old one (after
 * a change of rights); writes the new cookie token and updates
 * p->session_id. The new session keeps the CSRF token (so p->csrf stays
 * valid) and the absolute expiry of the old one. When the old session has
 * ended meanwhile, nothing is created: token_out is "" and p->session_id 0.
 * DB_CONSTRAINT for a token principal. */
db_status auth_session_rotate(db *d, principal *p, char token_out[AUTH_TOKEN_LEN + 1]);

/* --- API tokens ---------------------------------------------------------- */

typedef struct api_token_info {
    int64_t id;
    const char *name;
    bool write;
    int64_t created_at, last_used_at, revoked_at; /* 0 when never / not */
    int64_t expires_at;
} api_token_info;

typedef enum { TOKEN_UNKNOWN = 0, TOKEN_OK, TOKEN_EXPIRED } token_state;

/* Creates a named token (name 1..100 bytes) that expires after days
 * (1..AUTH_TOKEN_DAYS_MAX, else DB_CONSTRAINT); the secret goes to
 * token_out once. Audited as token_create by the account's person. */
db_status auth_token_create(db *d, int64_t account_id, const char *name, bool write, int days,
                            char token_out[AUTH_TOKEN_LEN + 1], int64_t *id);
/* Lists an account's tokens, newest first (arena). */
db_status auth_token_list(db *d, arena *a, int64_t account_id, api_token_info **items, size_t *n);
/* Revokes a token of this account; *found false when it is not theirs.
 * Revoking a revoked token changes nothing. Audited as token_revoke. */
db_status auth_token_revoke(db *d, int64_t account_id, int64_t token_id, bool *found);
/* Authenticates a Bearer token: TOKEN_OK fills *p (token_expires_at
 * included) and records last use; TOKEN_EXPIRED when it is live but past
 * its expiry (*p untouched); TOKEN_UNKNOWN for unknown, revoked, or of a
 * disabled or erased account. */
db_status auth_token_lookup(db *d, arena *a, const char *token, int64_t now, principal *p,
                            token_state *state);

/* --- accounts ------------------------------------------------------------ */

/* Creates a person with an account (no password yet unless given). email is
 * normalised (trimmed, ASCII lower case). DB_CONSTRAINT when the e-mail is
 * taken, even by a person without an account. */
db_status auth_account_create(db *d, const char *name, const char *email, const char *password,
                              secretariat_role sec, int64_t actor_id, int64_t *account_id);
/* Sets a new password, ends the account's other sessions (keep one) and
 * revokes all its API tokens. Audited as password_change. */
db_status auth_password_set(db *d, int64_t account_id, const char *password, int64_t keep_session,
                            int64_t actor_id);
/* Disables (ending every session and revoking every API token, so
 * enabling the account again revives neither) or enables an account.
 * Audited as account_disable / account_enable. */
db_status auth_account_disable(db *d, int64_t account_id, bool disabled, int64_t actor_id);
/* Sets the secretariat role and ends all the account's sessions, so the
 * change takes effect with a new session id. Audited as rights_change. */
db_status auth_secretariat_set(db *d, int64_t account_id, secretariat_role sec, int64_t actor_id);
/* Looks an account up by e-mail (normalised), disabled ones included;
 * *found false if none. Fills account, person, name, e-mail, secretariat. */
db_status auth_account_by_email(db *d, arena *a, const char *email, principal *p, bool *found);

/* The first-run admin: when no account exists, creates admin@scan.local
 * (or the given e-mail) with a random 20-character password written to
 * password_out. *created false when accounts exist already. */
db_status auth_bootstrap_admin(db *d, const char *email, char password_out[32], bool *created);

/* --- one-time links ------------------------------------------------------ */

/* Creates an invitation for e-mail (making the person and an account
 * without password if needed; name is then required), optionally with an
 * affiliation to create on acceptance (org_id and role "manager" or
 * "representative" together, or 0 and NULL; "manager" only of a cluster
 * or cluster initiative, rights_org_takes_managers: else DB_CONSTRAINT and
 * nothing stored), and queues the mail in the
 * outbox with the link base_url + "/invite/accept?t=" + token. The link
 * lasts AUTH_INVITE_TTL. The token is also written to token_out. A link for
 * a disabled account does not work until the account is enabled. */
db_status auth_invite(db *d, const char *name, const char *email, int64_t org_id, const char *role,
                      int64_t actor_id, lang_id lang, const char *base_url,
                      char token_out[AUTH_TOKEN_LEN + 1]);
/* Creates a reset link for an existing, enabled account and queues the mail
 * (base_url + "/password/reset?t=" + token, valid AUTH_RESET_TTL); does
 * nothing (but returns DB_OK) for unknown e-mails, so the page cannot be
 * used to probe addresses, nor after AUTH_RESET_PER_HOUR links this hour,
 * so it cannot flood a mailbox. */
db_status auth_reset_request(db *d, const char *email, lang_id lang, const char *base_url);
/* Mail is written in the recipient's language: the one they last logged in
 * with (auth_person_lang_set by e-mail, called at each login; a housekeeping write
 * whose failure does not fail the request), else lang, the language of
 * whoever caused the mail. Invitations name the inviter and the
 * organisation; an invited person who already has a password accepts by
 * entering it (auth_link_use), not by choosing a new one. */
db_status auth_person_lang_set(db *d, const char *email, lang_id lang);

/* LINK_WRONG_PASSWORD: an invitation to a person with an account was
 * answered with a password that is not theirs (auth_link_use). */
typedef enum {
    LINK_OK,
    LINK_UNKNOWN,
    LINK_EXPIRED,
    LINK_USED,
    LINK_WRONG_PASSWORD,
    LINK_WITHDRAWN /* the sender may no longer invite for that organisation */
} link_state;
/* Whether the link's account has a password already (then an invitation
 * is accepted with it). */
db_status auth_link_has_password(db *d, const char *token, const char *purpose, bool *has);
/* What an invitation grants: the organisation's names and the role
 * (arena); all NULL for a link without one, or one that cannot be used. */
db_status auth_link_grant(db *d, arena *a, const char *token, const char *purpose,
                          const char **org_name, const char **org_name_en, const char **role);

/* Checks a link token for the purpose ("invite" or "reset") without using
 * it. LINK_USED wins over LINK_EXPIRED; a link of an erased person or a
 * disabled account is LINK_UNKNOWN. */
db_status auth_link_check(db *d, const char *token, const char *purpose, link_state *st);
/* Uses the link: sets the password, creates the invited affiliation
 * (started now, created_by the inviter; none if the same one is current),
 * marks the link used, ends all the account's sessions and revokes its
 * API tokens, and after a reset
 * expires the person's other reset links: all in one transaction, audited
 * as invite_accepted or password_reset. *st says why nothing happened;
 * *account_id is set when LINK_OK. */
/* The e-mail address and name of the person a usable link is for (arena
 * strings; both NULL when the link is unknown), so the password policy can
 * judge the new password against them. */
db_status auth_link_person(db *d, arena *a, const char *token, const char *purpose,
                           const char **email, const char **name);
db_status auth_link_use(db *d, const char *token, const char *purpose, const char *password,
                        link_state *st, int64_t *account_id);

#endif
