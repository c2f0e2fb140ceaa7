/* auth.c: what the account files share (see auth.h, auth_internal.h).
 *
 * The model layer of accounts is split by concern: auth_password.c
 * (strength and argon2id hashing), auth_throttle.c (login throttling and
 * remembered devices), auth_session.c (sessions and login),
 * auth_token.c (API tokens), auth_account.c (accounts and the
 * secretariat role), auth_link.c (invitation and reset links, mail in the
 * reader's language). guard.c identifies each request through
 * auth_session_lookup()/auth_token_lookup(); the login, invitation and
 * password pages call the rest; rights.c derives what a principal may do.
 * Every write runs in its own transaction together with its audit row
 * (audit.c); mails are queued in the same transaction (mail.c), so a link
 * exists exactly when its mail does. This file holds the secrets (random
 * tokens and their hashes), the text helpers (e-mail normalisation, lower
 * case) and the small database helpers the others use. */
#include "model/auth.h"

#include <assert.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "model/audit.h"
#include "model/auth_internal.h"
#include "model/mail.h"
#include "model/rights.h"

/* --- secrets ---------------------------------------------------------------- */

void auth_token_new(char out[AUTH_TOKEN_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, AUTH_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void auth_token_hash(const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

/* --- text helpers ------------------------------------------------------------- */

bool auth_is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool auth_email_norm(const char *email, char out[EMAIL_MAX + 1])
{
    out[0] = '\0';
    if (!email)
        return false;
    while (auth_is_ws(*email))
        email++;
    size_t n = strlen(email);
    while (n > 0 && auth_is_ws(email[n - 1]))
        n--;
    bool whole = n <= EMAIL_MAX;
    if (!whole)
        n = EMAIL_MAX;
    for (size_t i = 0; i < n; i++) {
        char c = email[i];
        out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    out[n] = '\0';
    return whole && n > 0;
}

/* The lower case of the letters whose case matters in passwords typed here:
 * ASCII, Latin-1 and Cyrillic. Each mapping keeps the UTF-8 length. */
static uint32_t cp_lower(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return c + 32;
    if (c >= 0x410 && c <= 0x42F) /* А..Я */
        return c + 32;
    if (c >= 0x400 && c <= 0x40F) /* Ѐ..Џ: Ђ Ј Љ Њ Ћ Џ and others */
        return c + 80;
    return c;
}

void auth_lower_into(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t c;
        int len = utf8_decode(src + i, n - i, &c);
        if (len == 1) {
            dst[i] = (char)cp_lower(c);
        } else if (len == 2) {
            uint32_t l = cp_lower(c);
            assert(l < 0x800);
            dst[i] = (char)(0xC0 | (l >> 6));
            dst[i + 1] = (char)(0x80 | (l & 0x3F));
        } else if (len > 2) {
            memmove(dst + i, src + i, (size_t)len);
        } else {
            dst[i] = src[i];
            len = 1;
        }
        i += (size_t)len;
    }
}

size_t auth_cp_count(const char *s, size_t n)
{
    size_t count = 0, i = 0;
    while (i < n) {
        uint32_t c;
        int len = utf8_decode(s + i, n - i, &c);
        i += len > 0 ? (size_t)len : 1;
        count++;
    }
    return count;
}

/* --- small database helpers ------------------------------------------------------- */

db_status auth_audit_fmt(db *d, int64_t actor, const char *ip, const char *action,
                         const char *entity, int64_t entity_id, const char *fmt, ...)
{
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    assert(len >= 0 && (size_t)len < sizeof detail);
    (void)len;
    return audit_add(d, actor, ip, action, entity, entity_id, detail);
}

const char *auth_sec_name(secretariat_role sec)
{
    return sec == SEC_ADMIN ? "admin" : sec == SEC_EDITOR ? "editor" : NULL;
}

secretariat_role auth_parse_sec(const char *s)
{
    if (s && strcmp(s, "admin") == 0)
        return SEC_ADMIN;
    if (s && strcmp(s, "editor") == 0)
        return SEC_EDITOR;
    return SEC_NONE;
}

void auth_principal_fill(principal *p, arena *a, db_stmt *s, int col)
{
    assert(p && a && s && col >= 0);
    p->account_id = db_col_int(s, col);
    p->person_id = db_col_int(s, col + 1);
    p->secretariat = auth_parse_sec(db_col_text(s, col + 2));
    p->name = arena_strdup(a, db_col_text(s, col + 3));
    p->email = arena_strdup(a, db_col_text(s, col + 4));
}

static const char SQL_ACCOUNT_PERSON[] = "SELECT person_id FROM account WHERE id = $1";

db_status auth_account_person(db *d, int64_t account_id, int64_t *person_id)
{
    db_status st = db_int(d, person_id, 0, SQL_ACCOUNT_PERSON, DB_ARGS(DBI(account_id)));
    return st == DB_OK && *person_id == 0 ? DB_CONSTRAINT : st;
}
