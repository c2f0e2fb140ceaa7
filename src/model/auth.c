/* auth.c: accounts, passwords, sessions, API tokens, one-time links and
 * login throttling (see auth.h).
 *
 * The model layer of the accounts issue: guard.c identifies each request
 * through auth_session_lookup()/auth_token_lookup(), the login, invitation
 * and password pages call the rest, and rights.c derives what a principal
 * may do. Every write runs in its own transaction together with its audit
 * row (audit.c); mails are queued in the same transaction (mail.c), so a
 * link exists exactly when its mail does.
 *
 * Process-wide state, both owned here: the semaphore that caps concurrent
 * argon2id computations, and the sorted common-password list built from
 * the embedded assets/data/common-passwords.txt at first use (freed by
 * auth_shutdown()). */
#include "model/auth.h"

#include <assert.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zxcvbn.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "embedded.h"
#include "model/audit.h"
#include "model/mail.h"
#include "model/rights.h"

#define EMAIL_MAX      254 /* RFC 5321 path limit; longer input is cut and never matches */
#define UA_MAX         512 /* bytes of User-Agent kept with a session */
#define IP_MAX         64
#define TOKEN_NAME_MAX 100
#define COMMON_ASSET   "data/common-passwords.txt"

/* An argon2id hash (of a random password nobody knows) with the same
 * parameters as real ones: verified against when the account is unknown
 * or has no password yet, so a login takes as long either way. */
static const char DUMMY_HASH[] = "$argon2id$v=19$m=65536,t=2,p=1$jeotMatTwaN5xWSV79ZULg$"
                                 "wkCrPPBYVd4m9T71BkQb6OMOd89CuB7hPHFcrchxexM";

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

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Copies email into out trimmed of white space and lower-cased ASCII-wise,
 * cut at EMAIL_MAX bytes. False when the result is empty or was cut. */
static bool email_norm(const char *email, char out[EMAIL_MAX + 1])
{
    out[0] = '\0';
    if (!email)
        return false;
    while (is_ws(*email))
        email++;
    size_t n = strlen(email);
    while (n > 0 && is_ws(email[n - 1]))
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

/* Writes the lower case of src[0..n) to dst[0..n): the same number of
 * bytes (malformed bytes are copied unchanged). dst may equal src. */
static void lower_into(char *dst, const char *src, size_t n)
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

/* Code points in s (a malformed byte counts as one). */
static size_t cp_count(const char *s, size_t n)
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

/* --- the common-password list --------------------------------------------------- */

static struct {
    void *block;          /* one allocation: entries[] then the text; owned here */
    const char **entries; /* sorted, lower-cased, NUL-terminated, into block */
    size_t n;
} common;
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Builds the list from the embedded file: one password a line (LF or
 * CRLF), white space around it ignored, lower-cased, sorted. On failure
 * the list stays empty and an error is logged. */
static void common_build(void)
{
    const struct embedded_file *f = NULL;
    for (unsigned i = 0; i < embedded_n_assets; i++)
        if (strcmp(embedded_assets[i].name, COMMON_ASSET) == 0)
            f = &embedded_assets[i];
    if (!f) {
        log_error("auth: %s is not embedded; the common-password check is off", COMMON_ASSET);
        return;
    }
    size_t lines = 1;
    for (size_t i = 0; i < f->len; i++)
        lines += f->data[i] == '\n';
    size_t ptr_bytes = lines * sizeof(const char *);
    char *block = mem_malloc(ptr_bytes + f->len + 1);
    if (!block) {
        log_error("auth: out of memory building the common-password list");
        return;
    }
    const char **entries = (const char **)(void *)block;
    char *text = block + ptr_bytes;
    lower_into(text, (const char *)f->data, f->len);
    text[f->len] = '\0';
    size_t n = 0;
    char *p = text, *end = text + f->len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        char *b = p, *t = e;
        while (b < t && is_ws(*b))
            b++;
        while (t > b && is_ws(t[-1]))
            t--;
        *t = '\0'; /* t <= e, and *end is the terminator */
        if (t > b) {
            assert(n < lines);
            entries[n++] = b;
        }
        p = e + 1;
    }
    qsort(entries, n, sizeof *entries, cmp_entry);
    common.block = block;
    common.entries = entries;
    common.n = n;
}

/* Whether lower (already lower-cased) is on the list. */
static bool common_has(const char *lower)
{
    pthread_once(&common_once, common_build);
    return common.n &&
           bsearch(&lower, common.entries, common.n, sizeof *common.entries, cmp_entry) != NULL;
}

void auth_shutdown(void)
{
    mem_free(common.block);
    memset(&common, 0, sizeof common);
}

/* --- passwords ------------------------------------------------------------------ */

/* The pattern behind a weak password: the non-random part of zxcvbn's
 * decomposition that covers the most characters (the user's own words
 * first: they are the most personal advice), as a verdict. */
static pw_verdict weak_reason(const ZxcMatch_t *info)
{
    int best_len = 0;
    pw_verdict v = PW_WEAK;
    for (const ZxcMatch_t *m = info; m; m = m->Next) {
        int type = (int)m->Type & ~(int)MULTIPLE_MATCH;
        bool repeated = ((int)m->Type & (int)MULTIPLE_MATCH) != 0;
        pw_verdict this;
        switch (type) {
        case USER_MATCH:
        case USER_LEET_MATCH:
            return PW_WEAK_PERSONAL;
        case REPEATS_MATCH:
            this = PW_WEAK_REPEAT;
            break;
        case SEQUENCE_MATCH:
            this = PW_WEAK_SEQUENCE;
            break;
        case SPATIAL_MATCH:
            this = PW_WEAK_KEYBOARD;
            break;
        case DICTIONARY_MATCH:
        case DICT_LEET_MATCH:
            this = PW_WEAK_WORDS;
            break;
        case DATE_MATCH:
        case YEAR_MATCH:
            this = PW_WEAK_DATE;
            break;
        default: /* brute force, long-password tail: nothing to name */
            continue;
        }
        if (repeated)
            this = PW_WEAK_REPEAT; /* "abcabc", "passwordpassword" */
        if (m->Length > best_len) {
            best_len = m->Length;
            v = this;
        }
    }
    return v;
}

/* zxcvbn's verdict on a password that passed the other rules: PW_OK, or
 * why it is too easy to guess. The e-mail (em, normalised), its local part,
 * the name and the name's words are the user's dictionary. zxcvbn-c keeps
 * no writable state, so threads may call it at once. */
/* Words a guesser tries first for this person and this site: the address,
 * its local part and pieces, the name and its words, each also folded as
 * search folds (Cyrillic to Latin, no diacritics: "Милица Јовановић" is
 * "milica jovanovic"), and the site's own name. */
static const char *const site_words[] = {"scan",        "serbian", "cluster",  "clusters",
                                         "association", "klaster", "klastera", "asocijacija",
                                         "srbija",      "srbije",  NULL};

static pw_verdict strength_check(const char *password, const char *em, const char *name)
{
    enum { MAX_WORDS = 40, WORD_MAX = 128 };
    char words[MAX_WORDS][WORD_MAX];
    const char *dict[MAX_WORDS + 1];
    size_t n = 0;
    const char *at = em ? strrchr(em, '@') : NULL;
    char local[WORD_MAX] = "", folded_name[WORD_MAX] = "";
    if (at && at > em && (size_t)(at - em) < sizeof local) {
        memcpy(local, em, (size_t)(at - em));
        local[at - em] = '\0';
    }
    if (name) {
        buf f = BUF_INIT;
        utf8_fold(&f, name, strlen(name));
        if (!buf_failed(&f) && f.len < sizeof folded_name)
            memcpy(folded_name, buf_str(&f), f.len + 1);
        buf_free(&f);
    }
    const char *srcs[4] = {em, local, name, folded_name};
    for (size_t i = 0; i < 4; i++) {
        if (!srcs[i] || !*srcs[i] || n >= MAX_WORDS)
            continue;
        snprintf(words[n], WORD_MAX, "%s", srcs[i]);
        n++;
    }
    /* the pieces of the name and the local part ("marko.markovic") */
    const char *split[3] = {name, folded_name, local};
    for (size_t k = 0; k < 3; k++) {
        const char *p = split[k];
        while (p && *p && n < MAX_WORDS) {
            size_t skip = strspn(p, " \t.-_+'");
            p += skip;
            size_t len = strcspn(p, " \t.-_+'");
            if (len >= 3 && len < WORD_MAX) {
                memcpy(words[n], p, len);
                words[n][len] = '\0';
                n++;
            }
            p += len;
        }
    }
    for (size_t i = 0; site_words[i] && n < MAX_WORDS; i++)
        snprintf(words[n++], WORD_MAX, "%s", site_words[i]);
    for (size_t i = 0; i < n; i++) {
        lower_into(words[i], words[i], strlen(words[i]));
        dict[i] = words[i];
    }
    dict[n] = NULL;
    /* the password as typed and as folded: "Milica Jovanović" must meet
     * the name however either was written */
    ZxcMatch_t *info = NULL, *info_f = NULL;
    double bits = ZxcvbnMatch(password, dict, &info);
    buf fp = BUF_INIT;
    utf8_fold(&fp, password, strlen(password));
    double bits_f = buf_failed(&fp) ? bits : ZxcvbnMatch(buf_str(&fp), dict, &info_f);
    pw_verdict v = PW_OK;
    if (bits_f < bits && bits_f < AUTH_PW_MIN_BITS)
        v = weak_reason(info_f);
    else if (bits < AUTH_PW_MIN_BITS)
        v = weak_reason(info);
    ZxcvbnFreeInfo(info);
    if (info_f)
        ZxcvbnFreeInfo(info_f);
    if (fp.data)
        sodium_memzero(fp.data, fp.cap);
    buf_free(&fp);
    sodium_memzero(words, sizeof words);
    return v;
}

pw_verdict auth_password_check(const char *password, const char *email, const char *name)
{
    if (!password)
        return PW_TOO_SHORT;
    size_t n = strlen(password);
    size_t cps = cp_count(password, n);
    if (cps < AUTH_PASSWORD_MIN)
        return PW_TOO_SHORT;
    if (cps > AUTH_PASSWORD_MAX)
        return PW_TOO_LONG;
    char low[4 * AUTH_PASSWORD_MAX + 1]; /* n <= 4 * cps: each code point is 1..4 bytes */
    assert(n < sizeof low);
    lower_into(low, password, n);
    low[n] = '\0';
    pw_verdict v = PW_OK;
    if (common_has(low)) {
        v = PW_COMMON;
        goto cleanup;
    }
    char em[EMAIL_MAX + 1];
    email_norm(email, em);
    size_t en = strlen(em);
    if (en) {
        lower_into(em, em, en);
        const char *at = strrchr(em, '@');
        size_t local = at ? (size_t)(at - em) : en;
        if (strcmp(low, em) == 0 || (local == n && memcmp(low, em, n) == 0)) {
            v = PW_LIKE_EMAIL;
            goto cleanup;
        }
    }
    v = strength_check(password, em, name);
cleanup:
    sodium_memzero(low, sizeof low);
    return v;
}

/* A counting semaphore: at most AUTH_MAX_HASHING argon2id computations
 * (64 MiB each) at once; further callers wait their turn. */
static pthread_mutex_t hash_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_cv = PTHREAD_COND_INITIALIZER;
static int hash_busy, hash_peak;

static void hash_slot_take(void)
{
    pthread_mutex_lock(&hash_mu);
    while (hash_busy >= AUTH_MAX_HASHING)
        pthread_cond_wait(&hash_cv, &hash_mu);
    hash_busy++;
    if (hash_busy > hash_peak)
        hash_peak = hash_busy;
    pthread_mutex_unlock(&hash_mu);
}

static void hash_slot_give(void)
{
    pthread_mutex_lock(&hash_mu);
    assert(hash_busy > 0);
    hash_busy--;
    pthread_cond_signal(&hash_cv);
    pthread_mutex_unlock(&hash_mu);
}

int auth_hashing_peak(void)
{
    pthread_mutex_lock(&hash_mu);
    int peak = hash_peak;
    pthread_mutex_unlock(&hash_mu);
    return peak;
}

int auth_password_hash(const char *password, char *out)
{
    assert(password && out);
    hash_slot_take();
    int rc = crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE);
    hash_slot_give();
    return rc == 0 ? 0 : -1;
}

bool auth_password_verify(const char *password, const char *hash)
{
    if (!password || !hash)
        return false;
    hash_slot_take();
    int rc = crypto_pwhash_str_verify(hash, password, strlen(password));
    hash_slot_give();
    return rc == 0;
}

/* --- small database helpers ------------------------------------------------------- */

/* audit_add with a printf-formatted detail (ids and field names only). */
static db_status audit_fmt(db *d, int64_t actor, const char *ip, const char *action,
                           const char *entity, int64_t entity_id, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static db_status audit_fmt(db *d, int64_t actor, const char *ip, const char *action,
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

static const char *sec_name(secretariat_role sec)
{
    return sec == SEC_ADMIN ? "admin" : sec == SEC_EDITOR ? "editor" : NULL;
}

static secretariat_role parse_sec(const char *s)
{
    if (s && strcmp(s, "admin") == 0)
        return SEC_ADMIN;
    if (s && strcmp(s, "editor") == 0)
        return SEC_EDITOR;
    return SEC_NONE;
}

static const char SQL_ACCOUNT_PERSON[] = "SELECT person_id FROM account WHERE id = $1";

/* The person behind an account; DB_CONSTRAINT when there is no account. */
static db_status account_person(db *d, int64_t account_id, int64_t *person_id)
{
    *person_id = 0;
    db_stmt *s = db_prepare(d, SQL_ACCOUNT_PERSON);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, account_id);
    db_status st = db_step(s);
    if (st == DB_ROW)
        *person_id = db_col_int(s, 0);
    db_reset(s);
    if (st == DB_ROW)
        return DB_OK;
    return st == DB_DONE ? DB_CONSTRAINT : st;
}

/* --- throttling ----------------------------------------------------------------- */

static const char SQL_FAIL_BY_EMAIL[] =
    "SELECT count(*), coalesce(max(at), 0) FROM login_failure WHERE email = $1 AND at > $2";
static const char SQL_FAIL_BY_PAIR[] = "SELECT count(*), coalesce(max(at), 0) FROM login_failure"
                                       " WHERE email = $1 AND ip = $3 AND at > $2";
static const char SQL_FAIL_BY_IP[] =
    "SELECT count(*), coalesce(max(at), 0) FROM login_failure WHERE ip = $1 AND at > $2";
/* The ($3 + 1)-th newest failure of the hour: when it is an hour old, fewer
 * than AUTH_FAIL_CAP remain. */
static const char SQL_FAIL_NTH[] = "SELECT at FROM login_failure WHERE email = $1 AND at > $2"
                                   " ORDER BY at DESC LIMIT 1 OFFSET $3";
static const char SQL_FAIL_INSERT[] =
    "INSERT INTO login_failure(email, ip, at) VALUES ($1, $2, $3)";
static const char SQL_FAIL_DELETE[] = "DELETE FROM login_failure WHERE id = $1";
/* Looks at the oldest 64 rows only, so it never scans the table. */
static const char SQL_FAIL_PRUNE[] =
    "DELETE FROM login_failure WHERE id IN (SELECT id FROM"
    " (SELECT id, at FROM login_failure ORDER BY id LIMIT 64) WHERE at < $1)";

/* Counts failures since `since` by key (email or ip; with key2 the ip of
 * an (email, ip) pair), with the newest. */
static db_status fail_stats(db *d, const char *sql, const char *key, const char *key2,
                            int64_t since, int64_t *n, int64_t *last)
{
    *n = *last = 0;
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, key);
    db_bind_int(s, 2, since);
    if (key2)
        db_bind_textn(s, 3, key2, strnlen(key2, IP_MAX));
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *n = db_col_int(s, 0);
        *last = db_col_int(s, 1);
    }
    db_reset(s);
    return st == DB_ROW ? DB_OK : st == DB_DONE ? DB_ERR : st;
}

/* The growing delay: nothing for the first `free_n` failures, then 2, 4,
 * 8 ... seconds after the newest one, at most AUTH_FAIL_DELAY_MAX. */
static int64_t backoff(int64_t n, int64_t free_n, int64_t last, int64_t now)
{
    if (n <= free_n)
        return 0;
    int64_t over = n - free_n;
    int64_t delay = over >= 30 ? AUTH_FAIL_DELAY_MAX : (int64_t)1 << over;
    if (delay > AUTH_FAIL_DELAY_MAX)
        delay = AUTH_FAIL_DELAY_MAX;
    int64_t w = last + delay - now;
    return w > 0 ? w : 0;
}

/* auth_throttle_wait for an already normalised e-mail. */
static db_status throttle_compute(db *d, const char *em, const char *ip, bool trusted, int64_t now,
                                  int64_t *wait_s)
{
    *wait_s = 0;
    int64_t since = now - 3600, n = 0, last = 0, w = 0;
    db_status st = DB_OK;
    if (ip && *ip) {
        st = fail_stats(d, SQL_FAIL_BY_PAIR, em, ip, since, &n, &last);
        if (st != DB_OK)
            return st;
        w = backoff(n, AUTH_FAIL_FREE, last, now);
    }
    st = trusted ? DB_OK : fail_stats(d, SQL_FAIL_BY_EMAIL, em, NULL, since, &n, &last);
    if (st != DB_OK)
        return st;
    if (!trusted && n >= AUTH_FAIL_CAP) {
        db_stmt *s = db_prepare(d, SQL_FAIL_NTH);
        if (!s)
            return DB_ERR;
        db_bind_text(s, 1, em);
        db_bind_int(s, 2, since);
        db_bind_int(s, 3, AUTH_FAIL_CAP - 1);
        st = db_step(s);
        int64_t at = st == DB_ROW ? db_col_int(s, 0) : 0;
        db_reset(s);
        if (st != DB_ROW)
            return st == DB_DONE ? DB_ERR : st;
        if (at + 3600 - now > w)
            w = at + 3600 - now;
    }
    if (ip && *ip) {
        st = fail_stats(d, SQL_FAIL_BY_IP, ip, NULL, since, &n, &last);
        if (st != DB_OK)
            return st;
        int64_t wi = backoff(n, AUTH_FAIL_FREE_IP, last, now);
        if (wi > w)
            w = wi;
    }
    *wait_s = w;
    return DB_OK;
}

db_status auth_throttle_wait(db *d, const char *email, const char *ip, bool trusted, int64_t now,
                             int64_t *wait_s)
{
    char em[EMAIL_MAX + 1];
    email_norm(email, em);
    return throttle_compute(d, em, ip, trusted, now, wait_s);
}

/* Inserts one failure (inside the caller's transaction) and prunes a few
 * rows older than a day. */
static db_status failure_insert(db *d, const char *em, const char *ip, int64_t now, int64_t *id)
{
    db_stmt *s = db_prepare(d, SQL_FAIL_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, em);
    db_bind_textn(s, 2, ip ? ip : "", ip ? strnlen(ip, IP_MAX) : 0);
    db_bind_int(s, 3, now);
    db_status st = db_run(s);
    if (st != DB_OK)
        return st;
    if (id)
        *id = db_last_id(d);
    s = db_prepare(d, SQL_FAIL_PRUNE);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, now - 86400);
    return db_run(s);
}

db_status auth_record_failure(db *d, const char *email, const char *ip, int64_t now)
{
    char em[EMAIL_MAX + 1];
    email_norm(email, em);
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    st = failure_insert(d, em, ip, now, NULL);
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    return st;
}

/* --- sessions --------------------------------------------------------------------- */

static const char SQL_SESSION_INSERT[] =
    "INSERT INTO session(token_hash, account_id, csrf, created_at, last_seen_at, expires_at,"
    " ip, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)";
static const char SQL_SESSIONS_END[] = "DELETE FROM session WHERE account_id = $1 AND id <> $2";
static const char SQL_SESSIONS_STALE[] =
    "DELETE FROM session WHERE account_id = $1 AND (expires_at <= $2 OR last_seen_at < $2 - $3)";

/* Creates a session (inside the caller's transaction) with a fresh token
 * and CSRF token; the cookie token goes to token_out. */
static db_status session_insert(db *d, int64_t account_id, int64_t now, const char *ip,
                                const char *ua, char token_out[AUTH_TOKEN_LEN + 1], int64_t *sid)
{
    char csrf[AUTH_TOKEN_LEN + 1];
    unsigned char h[32];
    auth_token_new(token_out);
    auth_token_new(csrf);
    auth_token_hash(token_out, h);
    db_stmt *s = db_prepare(d, SQL_SESSION_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, sizeof h);
    db_bind_int(s, 2, account_id);
    db_bind_text(s, 3, csrf);
    db_bind_int(s, 4, now);
    db_bind_int(s, 5, now + AUTH_SESSION_MAX);
    if (ip)
        db_bind_textn(s, 6, ip, strnlen(ip, IP_MAX));
    if (ua)
        db_bind_textn(s, 7, ua, strnlen(ua, UA_MAX));
    db_status st = db_run(s);
    if (st == DB_OK)
        *sid = db_last_id(d);
    return st;
}

/* Ends an account's sessions but keep (inside the caller's transaction);
 * *n receives how many. */
static db_status sessions_end(db *d, int64_t account_id, int64_t keep, int64_t *n)
{
    db_stmt *s = db_prepare(d, SQL_SESSIONS_END);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, account_id);
    db_bind_int(s, 2, keep);
    db_status st = db_run(s);
    *n = st == DB_OK ? db_changes(d) : 0;
    return st;
}

static const char SQL_TOKENS_REVOKE_ALL[] =
    "UPDATE api_token SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL";

/* Revokes every live token of an account (inside the caller's
 * transaction); *n receives how many. Expired ones count too: they are
 * marked revoked like the rest, so nothing can bring them back. */
static db_status tokens_revoke_all(db *d, int64_t account_id, int64_t now, int64_t *n)
{
    db_stmt *s = db_prepare(d, SQL_TOKENS_REVOKE_ALL);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, account_id);
    db_bind_int(s, 2, now);
    db_status st = db_run(s);
    *n = st == DB_OK ? db_changes(d) : 0;
    return st;
}

static const char SQL_SESSION_FIND[] =
    "SELECT s.id, s.csrf, s.last_seen_at, s.expires_at, a.id, a.person_id, "
    "       coalesce(a.secretariat, ''), p.name, p.email"
    "  FROM session s JOIN account a ON a.id = s.account_id"
    "  JOIN person p ON p.id = a.person_id"
    " WHERE s.token_hash = $1 AND a.disabled_at IS NULL AND p.erased_at IS NULL";
static const char SQL_SESSION_TOUCH[] = "UPDATE session SET last_seen_at = $2 WHERE id = $1";
static const char SQL_SESSION_DELETE[] = "DELETE FROM session WHERE id = $1";

db_status auth_session_lookup(db *d, arena *a, const char *token, int64_t now, principal *p,
                              bool *found)
{
    unsigned char h[32];
    *found = false;
    if (!token || strlen(token) != AUTH_TOKEN_LEN)
        return DB_OK;
    auth_token_hash(token, h);
    db_stmt *s = db_prepare(d, SQL_SESSION_FIND);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, sizeof h);
    db_status st = db_step(s);
    int64_t sid = 0, last_seen = 0, expires = 0;
    if (st == DB_ROW) {
        sid = db_col_int(s, 0);
        last_seen = db_col_int(s, 2);
        expires = db_col_int(s, 3);
        memset(p, 0, sizeof *p);
        p->session_id = sid;
        p->csrf = arena_strdup(a, db_col_text(s, 1));
        p->account_id = db_col_int(s, 4);
        p->person_id = db_col_int(s, 5);
        p->secretariat = parse_sec(db_col_text(s, 6));
        p->name = arena_strdup(a, db_col_text(s, 7));
        p->email = arena_strdup(a, db_col_text(s, 8));
        st = DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    if (st != DB_OK || !sid)
        return st;
    if (now >= expires || now - last_seen > AUTH_SESSION_IDLE) {
        s = db_prepare(d, SQL_SESSION_DELETE); /* expired: housekeeping, not audited */
        if (s) {
            db_bind_int(s, 1, sid);
            db_step(s);
            db_reset(s);
        }
        return DB_OK;
    }
    if (!p->csrf || !p->name)
        return DB_NOMEM;
    *found = true;
    if (now - last_seen >= 300) { /* refresh at most every 5 minutes */
        /* housekeeping: on a full or busy disk the reader still reads */
        db_status mark = db_failure(d);
        s = db_prepare(d, SQL_SESSION_TOUCH);
        if (!s)
            return DB_ERR;
        db_bind_int(s, 1, sid);
        db_bind_int(s, 2, now);
        st = db_step(s);
        db_reset(s);
        if (st != DB_DONE) {
            log_warn("session touch failed: %s", db_status_name(st));
            if (st != DB_NOMEM)
                db_failure_restore(d, mark);
        }
    }
    return DB_OK;
}

static const char SQL_SESSION_OWNER[] =
    "SELECT s.account_id, a.person_id FROM session s JOIN account a ON a.id = s.account_id"
    " WHERE s.id = $1";

db_status auth_session_end(db *d, int64_t session_id)
{
    int64_t account_id = 0, person_id = 0;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, SQL_SESSION_OWNER);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, session_id);
    st = db_step(s);
    if (st == DB_ROW) {
        account_id = db_col_int(s, 0);
        person_id = db_col_int(s, 1);
    }
    db_reset(s);
    if (st == DB_DONE) { /* gone already: nothing to do */
        st = DB_OK;
        goto cleanup;
    }
    if (st != DB_ROW)
        goto cleanup;
    s = db_prepare(d, SQL_SESSION_DELETE);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, session_id);
    st = db_run(s);
    if (st != DB_OK)
        goto cleanup;
    st = audit_fmt(d, person_id, NULL, "logout", "account", account_id, "{\"session_id\":%lld}",
                   (long long)session_id);
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK || db_in_tx(d))
        db_rollback(d);
    return st;
}

db_status auth_sessions_end_all(db *d, int64_t account_id, int64_t keep_session_id)
{
    int64_t person_id = 0, n = 0, n_tok = 0;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    st = account_person(d, account_id, &person_id);
    if (st != DB_OK)
        goto cleanup;
    st = sessions_end(d, account_id, keep_session_id, &n);
    if (st != DB_OK)
        goto cleanup;
    if ((st = tokens_revoke_all(d, account_id, time_now(), &n_tok)) != DB_OK)
        goto cleanup;
    if (n > 0 || n_tok > 0) {
        st = audit_fmt(d, person_id, NULL, "sessions_end", "account", account_id,
                       "{\"ended\":%lld,\"kept\":%lld,\"tokens_revoked\":%lld}", (long long)n,
                       (long long)keep_session_id, (long long)n_tok);
        if (st != DB_OK)
            goto cleanup;
    }
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    return st;
}

/* The new session inherits account, CSRF token, absolute expiry, address
 * and user agent of the old one: a rotation changes the id, never extends
 * the lifetime. */
static const char SQL_SESSION_COPY[] =
    "INSERT INTO session(token_hash, account_id, csrf, created_at, last_seen_at, expires_at,"
    " ip, user_agent)"
    " SELECT $2, account_id, csrf, $3, $3, expires_at, ip, user_agent FROM session"
    "  WHERE id = $1 AND account_id = $4 AND expires_at > $3";

db_status auth_session_rotate(db *d, principal *p, char token_out[AUTH_TOKEN_LEN + 1])
{
    char tok[AUTH_TOKEN_LEN + 1];
    unsigned char h[32];
    int64_t now = time_now(), new_id = 0;
    token_out[0] = '\0';
    if (!p || !p->session_id)
        return DB_CONSTRAINT; /* token principals have no session */
    auth_token_new(tok);
    auth_token_hash(tok, h);
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, SQL_SESSION_COPY);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, p->session_id);
    db_bind_blob(s, 2, h, sizeof h);
    db_bind_int(s, 3, now);
    db_bind_int(s, 4, p->account_id);
    st = db_run(s);
    if (st != DB_OK)
        goto cleanup;
    if (db_changes(d) == 0) { /* the old session ended meanwhile */
        p->session_id = 0;
        goto cleanup;
    }
    new_id = db_last_id(d);
    s = db_prepare(d, SQL_SESSION_DELETE);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, p->session_id);
    st = db_run(s);
    if (st != DB_OK)
        goto cleanup;
    st = audit_fmt(d, p->person_id, NULL, "session_rotate", "account", p->account_id,
                   "{\"session_id\":%lld}", (long long)new_id);
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
    if (st != DB_OK)
        goto cleanup;
    p->session_id = new_id;
    memcpy(token_out, tok, sizeof tok);
cleanup:
    if (st != DB_OK || db_in_tx(d))
        db_rollback(d);
    sodium_memzero(tok, sizeof tok);
    return st;
}

/* --- devices --------------------------------------------------------------------- */

/* A device cookie proves that this browser logged in to the account
 * recently (OWASP's "device cookies" against lockout): its attempts skip
 * the account-wide cap. Stored hashed like sessions. */
static const char SQL_DEVICE_FIND[] =
    "SELECT d.id FROM login_device d JOIN account a ON a.id = d.account_id"
    "  JOIN person p ON p.id = a.person_id"
    " WHERE d.token_hash = $1 AND p.email = $2 AND d.expires_at > $3";
static const char SQL_DEVICE_RENEW[] =
    "UPDATE login_device SET last_login_at = $2, expires_at = $3 WHERE id = $1";
static const char SQL_DEVICE_INSERT[] =
    "INSERT INTO login_device(token_hash, account_id, created_at, last_login_at, expires_at)"
    " VALUES ($1, $2, $3, $3, $4)";
/* expired ones, and all but the newest AUTH_DEVICE_MAX of the account */
static const char SQL_DEVICE_PRUNE[] =
    "DELETE FROM login_device WHERE account_id = $1 AND (expires_at <= $2 OR id NOT IN"
    " (SELECT id FROM login_device WHERE account_id = $1 ORDER BY id DESC LIMIT $3))";

/* The live device row of cookie value device for the account of em (0 when
 * none: no cookie, unknown, expired, or another account's). */
static db_status device_find(db *d, const char *em, const char *device, int64_t now,
                             int64_t *device_id)
{
    unsigned char h[32];
    *device_id = 0;
    if (!device || strlen(device) != AUTH_TOKEN_LEN || !*em)
        return DB_OK;
    auth_token_hash(device, h);
    db_stmt *s = db_prepare(d, SQL_DEVICE_FIND);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, sizeof h);
    db_bind_text(s, 2, em);
    db_bind_int(s, 3, now);
    db_status st = db_step(s);
    if (st == DB_ROW)
        *device_id = db_col_int(s, 0);
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* After a successful login (inside the caller's transaction): renews the
 * device row device_id (its cookie value is device) or makes a new one,
 * and writes the cookie value to send to out; prunes the account's old
 * rows. */
static db_status device_remember(db *d, int64_t account_id, int64_t device_id, const char *device,
                                 int64_t now, char out[AUTH_TOKEN_LEN + 1])
{
    unsigned char h[32];
    db_stmt *s;
    db_status st;
    if (device_id) {
        s = db_prepare(d, SQL_DEVICE_RENEW);
        if (!s)
            return DB_ERR;
        db_bind_int(s, 1, device_id);
        db_bind_int(s, 2, now);
        db_bind_int(s, 3, now + AUTH_DEVICE_TTL);
        if ((st = db_run(s)) != DB_OK)
            return st;
        memcpy(out, device, AUTH_TOKEN_LEN + 1);
    } else {
        auth_token_new(out);
        auth_token_hash(out, h);
        s = db_prepare(d, SQL_DEVICE_INSERT);
        if (!s)
            return DB_ERR;
        db_bind_blob(s, 1, h, sizeof h);
        db_bind_int(s, 2, account_id);
        db_bind_int(s, 3, now);
        db_bind_int(s, 4, now + AUTH_DEVICE_TTL);
        if ((st = db_run(s)) != DB_OK)
            return st;
    }
    s = db_prepare(d, SQL_DEVICE_PRUNE);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, account_id);
    db_bind_int(s, 2, now);
    db_bind_int(s, 3, AUTH_DEVICE_MAX);
    return db_run(s);
}

/* --- login ------------------------------------------------------------------------ */

static const char SQL_LOGIN_FIND[] =
    "SELECT a.id, a.person_id, a.pass_hash, a.disabled_at IS NOT NULL"
    "  FROM account a JOIN person p ON p.id = a.person_id"
    " WHERE p.email = $1 AND p.erased_at IS NULL";
static const char SQL_LAST_LOGIN[] = "UPDATE account SET last_login_at = $2 WHERE id = $1";

typedef struct login_account {
    int64_t id, person_id;
    bool disabled;
    char hash[crypto_pwhash_STRBYTES]; /* "" when no password is set */
} login_account;

static db_status login_find(db *d, const char *em, login_account *acc)
{
    memset(acc, 0, sizeof *acc);
    db_stmt *s = db_prepare(d, SQL_LOGIN_FIND);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, em);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        acc->id = db_col_int(s, 0);
        acc->person_id = db_col_int(s, 1);
        const char *h = db_col_text(s, 2);
        if (h && strlen(h) < sizeof acc->hash)
            strcpy(acc->hash, h);
        acc->disabled = db_col_int(s, 3) != 0;
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* The attempt is counted before the password is checked: throttle check
 * and the (provisional) failure row share one write transaction, so
 * parallel guesses cannot all pass a check made before any of them was
 * recorded. A successful login removes its row again. */
db_status auth_login(db *d, arena *a, const char *email, const char *password, const char *ip,
                     const char *user_agent, const char *device, login_result *res,
                     char token_out[AUTH_TOKEN_LEN + 1], char device_out[AUTH_TOKEN_LEN + 1],
                     int64_t *wait_s)
{
    char em[EMAIL_MAX + 1], tok[AUTH_TOKEN_LEN + 1], dev[AUTH_TOKEN_LEN + 1];
    login_account acc;
    int64_t now = time_now(), fail_id = 0, sid = 0, device_id = 0;
    *res = LOGIN_BAD;
    *wait_s = 0;
    token_out[0] = '\0';
    device_out[0] = '\0';
    tok[0] = '\0';
    dev[0] = '\0';
    memset(&acc, 0, sizeof acc);
    email_norm(email, em);
    if (!password)
        password = "";

    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    if ((st = device_find(d, em, device, now, &device_id)) != DB_OK)
        goto cleanup;
    st = throttle_compute(d, em, ip, device_id != 0, now, wait_s);
    if (st != DB_OK)
        goto cleanup;
    if (*wait_s > 0) {
        *res = LOGIN_THROTTLED;
        db_rollback(d);
        goto cleanup;
    }
    st = failure_insert(d, em, ip, now, &fail_id);
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
    if (st != DB_OK)
        goto cleanup;

    st = login_find(d, em, &acc);
    if (st != DB_OK)
        goto cleanup;
    bool usable = acc.id && acc.hash[0] && strlen(password) <= 4 * AUTH_PASSWORD_MAX;
    bool ok = auth_password_verify(password, usable ? acc.hash : DUMMY_HASH) && usable;

    st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    if (ok && !acc.disabled) {
        db_stmt *s = db_prepare(d, SQL_FAIL_DELETE);
        if (!s) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_int(s, 1, fail_id);
        if ((st = db_run(s)) != DB_OK)
            goto cleanup;
        s = db_prepare(d, SQL_SESSIONS_STALE);
        if (!s) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_int(s, 1, acc.id);
        db_bind_int(s, 2, now);
        db_bind_int(s, 3, AUTH_SESSION_IDLE);
        if ((st = db_run(s)) != DB_OK)
            goto cleanup;
        if ((st = session_insert(d, acc.id, now, ip, user_agent, tok, &sid)) != DB_OK)
            goto cleanup;
        if ((st = device_remember(d, acc.id, device_id, device, now, dev)) != DB_OK)
            goto cleanup;
        s = db_prepare(d, SQL_LAST_LOGIN);
        if (!s) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_int(s, 1, acc.id);
        db_bind_int(s, 2, now);
        if ((st = db_run(s)) != DB_OK)
            goto cleanup;
        st = audit_fmt(d, acc.person_id, ip, "login", "account", acc.id,
                       "{\"session_id\":%lld,\"known_device\":%s}", (long long)sid,
                       device_id ? "true" : "false");
    } else if (ok) {
        st = audit_add(d, 0, ip, "login_failed", "account", acc.id, "{\"reason\":\"disabled\"}");
    } else {
        st = audit_add(d, 0, ip, "login_failed", acc.id ? "account" : NULL, acc.id, NULL);
    }
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
    if (st != DB_OK)
        goto cleanup;
    if (ok && !acc.disabled) {
        *res = LOGIN_OK;
        memcpy(token_out, tok, sizeof tok);
        memcpy(device_out, dev, sizeof dev);
    } else {
        *res = ok ? LOGIN_DISABLED : LOGIN_BAD;
    }
cleanup:
    if (st != DB_OK) {
        db_rollback(d);
        *res = LOGIN_BAD;
    }
    sodium_memzero(tok, sizeof tok);
    sodium_memzero(dev, sizeof dev);
    sodium_memzero(&acc, sizeof acc);
    (void)a;
    return st;
}

db_status auth_check_password(db *d, const char *email, const char *password, const char *ip,
                              bool trusted, bool *ok, int64_t *wait_s)
{
    char em[EMAIL_MAX + 1];
    login_account acc;
    int64_t now = time_now(), fail_id = 0;
    *ok = false;
    *wait_s = 0;
    email_norm(email, em);
    if (!password)
        password = "";
    /* throttled and counted like a login, so a stolen session cannot be
     * used to guess the password at full speed */
    db_status st = db_begin_write(d);
    if (st == DB_OK)
        st = throttle_compute(d, em, ip, trusted, now, wait_s);
    if (st != DB_OK || *wait_s > 0) {
        db_rollback(d);
        return st;
    }
    st = failure_insert(d, em, ip, now, &fail_id);
    if (st == DB_OK)
        st = db_commit(d);
    if (st != DB_OK) {
        db_rollback(d);
        return st;
    }
    st = login_find(d, em, &acc);
    if (st == DB_OK) {
        bool usable =
            acc.id && acc.hash[0] && !acc.disabled && strlen(password) <= 4 * AUTH_PASSWORD_MAX;
        *ok = auth_password_verify(password, usable ? acc.hash : DUMMY_HASH) && usable;
    }
    if (st == DB_OK && *ok) { /* right: the attempt does not count */
        db_stmt *s = db_prepare(d, SQL_FAIL_DELETE);
        if (!s)
            st = DB_ERR;
        else {
            db_bind_int(s, 1, fail_id);
            st = db_run(s);
        }
    }
    sodium_memzero(&acc, sizeof acc);
    return st;
}

/* --- API tokens ------------------------------------------------------------------- */

static const char SQL_TOKEN_INSERT[] =
    "INSERT INTO api_token(account_id, name, token_hash, scope, created_at, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, $6)";
db_status auth_token_create(db *d, int64_t account_id, const char *name, bool write, int days,
                            char token_out[AUTH_TOKEN_LEN + 1], int64_t *id)
{
    char tok[AUTH_TOKEN_LEN + 1];
    unsigned char h[32];
    int64_t person_id = 0, now = time_now();
    token_out[0] = '\0';
    *id = 0;
    if (!name || !*name || strlen(name) > TOKEN_NAME_MAX || days < 1 || days > AUTH_TOKEN_DAYS_MAX)
        return DB_CONSTRAINT;
    auth_token_new(tok);
    auth_token_hash(tok, h);
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    st = account_person(d, account_id, &person_id);
    if (st != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, SQL_TOKEN_INSERT);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, account_id);
    db_bind_text(s, 2, name);
    db_bind_blob(s, 3, h, sizeof h);
    db_bind_text(s, 4, write ? "write" : "read");
    db_bind_int(s, 5, now);
    db_bind_int(s, 6, now + (int64_t)days * 86400);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    int64_t tid = db_last_id(d);
    st = audit_fmt(d, person_id, NULL, "token_create", "api_token", tid,
                   "{\"scope\":\"%s\",\"days\":%d}", write ? "write" : "read", days);
    if (st != DB_OK)
        goto cleanup;
    if ((st = db_commit(d)) != DB_OK)
        goto cleanup;
    *id = tid;
    memcpy(token_out, tok, sizeof tok);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    sodium_memzero(tok, sizeof tok);
    return st;
}

static const char SQL_TOKEN_LIST[] =
    "SELECT id, name, scope, created_at, coalesce(last_used_at, 0), coalesce(revoked_at, 0),"
    "       expires_at"
    "  FROM api_token WHERE account_id = $1 ORDER BY id DESC";

static void token_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    api_token_info *t = item;
    t->id = db_col_int(s, 0);
    t->name = arena_strdup(a, db_col_text(s, 1));
    t->write = strcmp(db_col_text(s, 2), "write") == 0;
    t->created_at = db_col_int(s, 3);
    t->last_used_at = db_col_int(s, 4);
    t->revoked_at = db_col_int(s, 5);
    t->expires_at = db_col_int(s, 6);
    if (!t->name)
        *oom = true;
}

db_status auth_token_list(db *d, arena *a, int64_t account_id, api_token_info **items, size_t *n)
{
    api_token_info *out = NULL;
    size_t count = 0;
    *items = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, SQL_TOKEN_LIST);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, account_id);
    db_status st = db_collect(s, a, (void **)&out, &count, sizeof *out, token_row, NULL);
    if (st == DB_OK) { /* nothing half-read reaches the caller */
        *items = out;
        *n = count;
    }
    return st;
}

static const char SQL_TOKEN_STATE[] =
    "SELECT revoked_at IS NOT NULL FROM api_token WHERE id = $1 AND account_id = $2";
static const char SQL_TOKEN_REVOKE[] = "UPDATE api_token SET revoked_at = $2 WHERE id = $1";

db_status auth_token_revoke(db *d, int64_t account_id, int64_t token_id, bool *found)
{
    int64_t person_id = 0;
    *found = false;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, SQL_TOKEN_STATE);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, token_id);
    db_bind_int(s, 2, account_id);
    st = db_step(s);
    bool revoked = st == DB_ROW && db_col_int(s, 0) != 0;
    db_reset(s);
    if (st == DB_DONE) { /* not theirs */
        st = DB_OK;
        goto cleanup;
    }
    if (st != DB_ROW)
        goto cleanup;
    *found = true;
    st = DB_OK;
    if (revoked) /* already: nothing changes */
        goto cleanup;
    if ((st = account_person(d, account_id, &person_id)) != DB_OK)
        goto cleanup;
    s = db_prepare(d, SQL_TOKEN_REVOKE);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, token_id);
    db_bind_int(s, 2, time_now());
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    st = audit_add(d, person_id, NULL, "token_revoke", "api_token", token_id, NULL);
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK || db_in_tx(d))
        db_rollback(d);
    return st;
}

static const char SQL_TOKEN_FIND[] =
    "SELECT t.id, t.scope, a.id, a.person_id, coalesce(a.secretariat, ''), p.name, p.email,"
    "       coalesce(t.last_used_at, 0), t.expires_at"
    "  FROM api_token t JOIN account a ON a.id = t.account_id"
    "  JOIN person p ON p.id = a.person_id"
    " WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND a.disabled_at IS NULL"
    "   AND p.erased_at IS NULL";
static const char SQL_TOKEN_USED[] =
    "UPDATE api_token SET last_used_at = $2 WHERE id = $1 AND coalesce(last_used_at, 0) < $2 - 60";

db_status auth_token_lookup(db *d, arena *a, const char *token, int64_t now, principal *p,
                            token_state *state)
{
    unsigned char h[32];
    *state = TOKEN_UNKNOWN;
    if (!token || strlen(token) != AUTH_TOKEN_LEN)
        return DB_OK;
    auth_token_hash(token, h);
    db_stmt *s = db_prepare(d, SQL_TOKEN_FIND);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, sizeof h);
    db_status st = db_step(s);
    int64_t last_used = 0;
    if (st == DB_ROW && now >= db_col_int(s, 8)) {
        *state = TOKEN_EXPIRED; /* and not used: last_used_at stays */
        st = DB_OK;
    } else if (st == DB_ROW) {
        memset(p, 0, sizeof *p);
        p->token_expires_at = db_col_int(s, 8);
        last_used = db_col_int(s, 7);
        p->token_id = db_col_int(s, 0);
        p->token_write = strcmp(db_col_text(s, 1), "write") == 0;
        p->account_id = db_col_int(s, 2);
        p->person_id = db_col_int(s, 3);
        p->secretariat = parse_sec(db_col_text(s, 4));
        p->name = arena_strdup(a, db_col_text(s, 5));
        p->email = arena_strdup(a, db_col_text(s, 6));
        st = p->name ? DB_OK : DB_NOMEM;
        if (st == DB_OK)
            *state = TOKEN_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    /* records use at most once a minute; housekeeping, not audited. Checked
     * here first: an UPDATE that matches nothing still takes the write lock,
     * and this runs on every API request. */
    if (*state == TOKEN_OK && last_used < now - 60) {
        db_status mark = db_failure(d);
        s = db_prepare(d, SQL_TOKEN_USED);
        if (!s)
            return DB_ERR;
        db_bind_int(s, 1, p->token_id);
        db_bind_int(s, 2, now);
        db_status used = db_step(s);
        db_reset(s);
        if (used != DB_DONE && used != DB_NOMEM) /* housekeeping, as above */
            db_failure_restore(d, mark);
    }
    return st;
}

/* --- accounts --------------------------------------------------------------------- */

static const char SQL_PERSON_INSERT[] =
    "INSERT INTO person(name, email, created_at, updated_at) VALUES ($1, $2, $3, $3)";
static const char SQL_ACCOUNT_INSERT[] =
    "INSERT INTO account(person_id, pass_hash, secretariat, created_at, password_changed_at)"
    " VALUES ($1, $2, $3, $4, $5)";

/* Creates an account for an existing person (inside the caller's
 * transaction) and audits it. hash may be NULL (no password yet). */
static db_status account_insert(db *d, int64_t person_id, const char *hash, secretariat_role sec,
                                int64_t actor_id, int64_t now, int64_t *account_id)
{
    db_stmt *s = db_prepare(d, SQL_ACCOUNT_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, person_id);
    db_bind_text(s, 2, hash);
    db_bind_text(s, 3, sec_name(sec));
    db_bind_int(s, 4, now);
    if (hash)
        db_bind_int(s, 5, now);
    db_status st = db_run(s);
    if (st != DB_OK)
        return st;
    *account_id = db_last_id(d);
    const char *sn = sec_name(sec);
    return audit_fmt(d, actor_id, NULL, "account_create", "account", *account_id,
                     "{\"person_id\":%lld,\"secretariat\":%s%s%s}", (long long)person_id,
                     sn ? "\"" : "", sn ? sn : "null", sn ? "\"" : "");
}

/* Creates person and account (inside the caller's transaction). em is
 * normalised; a taken address gives DB_CONSTRAINT. */
static db_status person_account_insert(db *d, const char *name, const char *em, const char *hash,
                                       secretariat_role sec, int64_t actor_id, int64_t now,
                                       int64_t *account_id, int64_t *person_id)
{
    db_stmt *s = db_prepare(d, SQL_PERSON_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, name);
    db_bind_text(s, 2, em);
    db_bind_int(s, 3, now);
    db_status st = db_run(s);
    if (st != DB_OK)
        return st;
    *person_id = db_last_id(d);
    return account_insert(d, *person_id, hash, sec, actor_id, now, account_id);
}

/* Whether name is usable as a person's name: not empty or only spaces. */
static bool name_ok(const char *name)
{
    if (!name)
        return false;
    for (; *name; name++)
        if (!is_ws(*name))
            return true;
    return false;
}

db_status auth_account_create(db *d, const char *name, const char *email, const char *password,
                              secretariat_role sec, int64_t actor_id, int64_t *account_id)
{
    char em[EMAIL_MAX + 1], hash[crypto_pwhash_STRBYTES];
    int64_t person_id = 0;
    bool has_pw = password && *password;
    *account_id = 0;
    if (!email_norm(email, em) || !strchr(em, '@') || !name_ok(name) || sec < SEC_NONE ||
        sec > SEC_ADMIN)
        return DB_CONSTRAINT;
    if (has_pw && auth_password_hash(password, hash) != 0)
        return DB_NOMEM; /* hashed before the transaction: it takes a while */
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    st = person_account_insert(d, name, em, has_pw ? hash : NULL, sec, actor_id, time_now(),
                               account_id, &person_id);
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK) {
        db_rollback(d);
        *account_id = 0;
    }
    sodium_memzero(hash, sizeof hash);
    return st;
}

static const char SQL_PASSWORD_SET[] =
    "UPDATE account SET pass_hash = $2, password_changed_at = $3 WHERE id = $1";

db_status auth_password_set(db *d, int64_t account_id, const char *password, int64_t keep_session,
                            int64_t actor_id)
{
    char hash[crypto_pwhash_STRBYTES];
    int64_t person_id = 0, n = 0, n_tok = 0, now = time_now();
    if (!password || !*password)
        return DB_CONSTRAINT;
    if (auth_password_hash(password, hash) != 0)
        return DB_NOMEM;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    if ((st = account_person(d, account_id, &person_id)) != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, SQL_PASSWORD_SET);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, account_id);
    db_bind_text(s, 2, hash);
    db_bind_int(s, 3, now);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if ((st = sessions_end(d, account_id, keep_session, &n)) != DB_OK)
        goto cleanup;
    if ((st = tokens_revoke_all(d, account_id, now, &n_tok)) != DB_OK)
        goto cleanup;
    st = audit_fmt(d, actor_id, NULL, "password_change", "account", account_id,
                   "{\"sessions_ended\":%lld,\"tokens_revoked\":%lld}", (long long)n,
                   (long long)n_tok);
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    sodium_memzero(hash, sizeof hash);
    return st;
}

static const char SQL_DISABLE[] =
    "UPDATE account SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, $3) END"
    " WHERE id = $1";

db_status auth_account_disable(db *d, int64_t account_id, bool disabled, int64_t actor_id)
{
    int64_t person_id = 0, n = 0, n_tok = 0, now = time_now();
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    if ((st = account_person(d, account_id, &person_id)) != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, SQL_DISABLE);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, account_id);
    db_bind_int(s, 2, disabled ? 1 : 0);
    db_bind_int(s, 3, now);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if (disabled && (st = sessions_end(d, account_id, 0, &n)) != DB_OK)
        goto cleanup;
    /* revoked, not merely suspended: enabling the account must not bring
     * back a token someone may have taken while it was disabled */
    if (disabled && (st = tokens_revoke_all(d, account_id, now, &n_tok)) != DB_OK)
        goto cleanup;
    if (disabled)
        st = audit_fmt(d, actor_id, NULL, "account_disable", "account", account_id,
                       "{\"sessions_ended\":%lld,\"tokens_revoked\":%lld}", (long long)n,
                       (long long)n_tok);
    else
        st = audit_fmt(d, actor_id, NULL, "account_enable", "account", account_id,
                       "{\"sessions_ended\":0}");
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    return st;
}

static const char SQL_SEC_GET[] = "SELECT coalesce(secretariat, '') FROM account WHERE id = $1";
static const char SQL_SEC_SET[] = "UPDATE account SET secretariat = $2 WHERE id = $1";

db_status auth_secretariat_set(db *d, int64_t account_id, secretariat_role sec, int64_t actor_id)
{
    int64_t n = 0;
    if (sec < SEC_NONE || sec > SEC_ADMIN)
        return DB_CONSTRAINT;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, SQL_SEC_GET);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, account_id);
    st = db_step(s);
    secretariat_role was = st == DB_ROW ? parse_sec(db_col_text(s, 0)) : SEC_NONE;
    db_reset(s);
    if (st != DB_ROW) {
        st = st == DB_DONE ? DB_CONSTRAINT : st;
        goto cleanup;
    }
    s = db_prepare(d, SQL_SEC_SET);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, account_id);
    db_bind_text(s, 2, sec_name(sec));
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    /* rights changed: every session of the account must be a new one */
    if ((st = sessions_end(d, account_id, 0, &n)) != DB_OK)
        goto cleanup;
    const char *from = sec_name(was), *to = sec_name(sec);
    st = audit_fmt(d, actor_id, NULL, "rights_change", "account", account_id,
                   "{\"secretariat\":{\"from\":\"%s\",\"to\":\"%s\"},\"sessions_ended\":%lld}",
                   from ? from : "none", to ? to : "none", (long long)n);
    if (st != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    return st;
}

static const char SQL_ACCOUNT_BY_EMAIL[] =
    "SELECT a.id, a.person_id, coalesce(a.secretariat, ''), p.name, p.email"
    "  FROM account a JOIN person p ON p.id = a.person_id"
    " WHERE p.email = $1 AND p.erased_at IS NULL";

db_status auth_account_by_email(db *d, arena *a, const char *email, principal *p, bool *found)
{
    char em[EMAIL_MAX + 1];
    *found = false;
    if (!email_norm(email, em))
        return DB_OK;
    db_stmt *s = db_prepare(d, SQL_ACCOUNT_BY_EMAIL);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, em);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        memset(p, 0, sizeof *p);
        p->account_id = db_col_int(s, 0);
        p->person_id = db_col_int(s, 1);
        p->secretariat = parse_sec(db_col_text(s, 2));
        p->name = arena_strdup(a, db_col_text(s, 3));
        p->email = arena_strdup(a, db_col_text(s, 4));
        st = p->name && p->email ? DB_OK : DB_NOMEM;
        *found = st == DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    return st;
}

static const char SQL_ACCOUNT_COUNT[] = "SELECT count(*) FROM account";

/* No 0/O/o, 1/l/I/i: a password read off a terminal is typed right. */
static const char UNAMBIGUOUS[] = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

db_status auth_bootstrap_admin(db *d, const char *email, char password_out[32], bool *created)
{
    char em[EMAIL_MAX + 1], pw[21], hash[crypto_pwhash_STRBYTES];
    int64_t n = 0, account_id = 0, person_id = 0;
    *created = false;
    password_out[0] = '\0';
    pw[0] = '\0';
    hash[0] = '\0';
    if (!email_norm(email && *email ? email : "admin@scan.local", em) || !strchr(em, '@'))
        return DB_CONSTRAINT;
    db_status st = db_scalar_int(d, SQL_ACCOUNT_COUNT, &n);
    if (st != DB_OK || n > 0)
        goto cleanup; /* the common case, without hashing */
    for (size_t i = 0; i < 20; i++)
        pw[i] = UNAMBIGUOUS[randombytes_uniform((uint32_t)(sizeof UNAMBIGUOUS - 1))];
    pw[20] = '\0';
    if (auth_password_hash(pw, hash) != 0) {
        st = DB_NOMEM;
        goto cleanup;
    }
    if ((st = db_begin_write(d)) != DB_OK)
        goto cleanup;
    if ((st = db_scalar_int(d, SQL_ACCOUNT_COUNT, &n)) != DB_OK || n > 0)
        goto cleanup; /* another process was quicker */
    st = person_account_insert(d, "Administrator", em, hash, SEC_ADMIN, 0, time_now(), &account_id,
                               &person_id);
    if (st != DB_OK)
        goto cleanup;
    if ((st = db_commit(d)) != DB_OK)
        goto cleanup;
    memcpy(password_out, pw, sizeof pw);
    *created = true;
cleanup:
    if (st != DB_OK || db_in_tx(d))
        db_rollback(d);
    sodium_memzero(pw, sizeof pw);
    sodium_memzero(hash, sizeof hash);
    return st;
}

/* --- one-time links ------------------------------------------------------------------ */

static const char SQL_INVITEE[] =
    "SELECT p.id, coalesce(a.id, 0), a.pass_hash IS NOT NULL FROM person p"
    "  LEFT JOIN account a ON a.person_id = p.id WHERE p.email = $1 AND p.erased_at IS NULL";
static const char SQL_ORG_NAME[] = "SELECT name FROM org WHERE id = $1";
static const char SQL_LINK_INSERT[] =
    "INSERT INTO one_time_link(token_hash, purpose, person_id, grant_org_id, grant_role,"
    " created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, nullif($6, 0), $7, $8)";

/* Inserts a link (inside the caller's transaction). */
static db_status link_insert(db *d, const unsigned char h[32], const char *purpose,
                             int64_t person_id, int64_t org_id, const char *role,
                             int64_t created_by, int64_t now, int64_t ttl, int64_t *link_id)
{
    db_stmt *s = db_prepare(d, SQL_LINK_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, 32);
    db_bind_text(s, 2, purpose);
    db_bind_int(s, 3, person_id);
    if (org_id)
        db_bind_int(s, 4, org_id);
    db_bind_text(s, 5, org_id ? role : NULL);
    db_bind_int(s, 6, created_by);
    db_bind_int(s, 7, now);
    db_bind_int(s, 8, now + ttl);
    db_status st = db_run(s);
    *link_id = st == DB_OK ? db_last_id(d) : 0;
    return st;
}

/* Appends base_url without trailing slashes, then path and the token. */
/* --- mail in the reader's language ---------------------------------------------- */

static const char SQL_PERSON_MAIL[] =
    "SELECT name, lang FROM person WHERE id = $1 AND erased_at IS NULL";
static const char SQL_PERSON_LANG_SET[] =
    "UPDATE person SET lang = $2 WHERE email = $1 AND erased_at IS NULL AND lang IS NOT $2";

/* The language mail to person_id is written in: their saved one (the
 * language they last logged in with), else fallback (the language of
 * whoever caused the mail). Their name into *name (arena). */
static db_status mail_reader(db *d, arena *a, int64_t person_id, lang_id fallback, lang_id *lang,
                             const char **name)
{
    *lang = fallback;
    *name = NULL;
    db_stmt *s = db_query(d, SQL_PERSON_MAIL, DB_ARGS(DBI(person_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        bool oom = false;
        *name = db_col_dup(a, s, 0, &oom);
        const char *tag = db_col_text(s, 1);
        if (tag)
            i18n_parse(tag, lang);
        if (oom)
            st = DB_NOMEM;
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

/* Text as the reader of lang writes it: names are stored as typed, in
 * either script; Latin for English and Serbian Latin readers. (arena) */
static const char *in_lang(arena *a, lang_id lang, const char *text)
{
    if (!text || lang == LANG_SR_CYRL)
        return text;
    buf b = BUF_INIT;
    utf8_cyr_to_lat(&b, text, strlen(text));
    const char *out = buf_failed(&b) ? text : arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return out ? out : text;
}

db_status auth_person_lang_set(db *d, const char *email, lang_id lang)
{
    char em[EMAIL_MAX + 1];
    if (!email_norm(email, em))
        return DB_OK;
    db_status mark = db_failure(d);
    db_status st = db_do(d, SQL_PERSON_LANG_SET, DB_ARGS(DBT(em), DBT(i18n_tag(lang))));
    if (st != DB_OK && st != DB_NOMEM) /* housekeeping, as a session touch */
        db_failure_restore(d, mark);
    return st;
}

static void put_link(buf *b, const char *base_url, const char *path, const char *token)
{
    size_t n = base_url ? strlen(base_url) : 0;
    while (n > 0 && base_url[n - 1] == '/')
        n--;
    buf_append(b, base_url ? base_url : "", n);
    buf_puts(b, path);
    buf_puts(b, token);
}

static bool role_ok(const char *role)
{
    return role && (strcmp(role, "manager") == 0 || strcmp(role, "representative") == 0);
}

db_status auth_invite(db *d, const char *name, const char *email, int64_t org_id, const char *role,
                      int64_t actor_id, lang_id lang, const char *base_url,
                      char token_out[AUTH_TOKEN_LEN + 1])
{
    arena a = ARENA_INIT;
    bool has_password = false;
    char em[EMAIL_MAX + 1], tok[AUTH_TOKEN_LEN + 1];
    unsigned char h[32];
    int64_t now = time_now(), person_id = 0, account_id = 0, link_id = 0;
    buf body = BUF_INIT;
    token_out[0] = '\0';
    if (!email_norm(email, em) || !strchr(em, '@') || (org_id && !role_ok(role)) ||
        (!org_id && role))
        return DB_CONSTRAINT;
    auth_token_new(tok);
    auth_token_hash(tok, h);
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, SQL_INVITEE);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_text(s, 1, em);
    st = db_step(s);
    if (st == DB_ROW) {
        person_id = db_col_int(s, 0);
        account_id = db_col_int(s, 1);
        has_password = db_col_int(s, 2) != 0;
    }
    db_reset(s);
    if (st != DB_ROW && st != DB_DONE)
        goto cleanup;
    if (!person_id) {
        if (!name_ok(name)) {
            st = DB_CONSTRAINT;
            goto cleanup;
        }
        st = person_account_insert(d, name, em, NULL, SEC_NONE, actor_id, now, &account_id,
                                   &person_id);
    } else if (!account_id) {
        st = account_insert(d, person_id, NULL, SEC_NONE, actor_id, now, &account_id);
    } else {
        st = DB_OK;
    }
    if (st != DB_OK)
        goto cleanup;

    /* the mail, in the invitee's language: who invites, to what, and how
     * to accept (an existing account logs in; a new one chooses a password) */
    lang_id ml = lang;
    const char *invitee = NULL, *inviter = NULL, *org_name = NULL;
    if ((st = mail_reader(d, &a, person_id, lang, &ml, &invitee)) != DB_OK)
        goto cleanup;
    if (actor_id) {
        lang_id unused;
        if ((st = mail_reader(d, &a, actor_id, lang, &unused, &inviter)) != DB_OK)
            goto cleanup;
    }
    if (org_id) {
        s = db_query(d, SQL_ORG_NAME, DB_ARGS(DBI(org_id)));
        if (!s) {
            st = DB_ERR;
            goto cleanup;
        }
        st = db_step(s);
        bool oom = false;
        if (st == DB_ROW)
            org_name = db_col_dup(&a, s, 0, &oom);
        db_reset(s);
        if (st != DB_ROW) {
            st = st == DB_DONE ? DB_CONSTRAINT : st; /* no such organisation */
            goto cleanup;
        }
        if (oom) {
            st = DB_NOMEM;
            goto cleanup;
        }
    }
    inviter = inviter ? in_lang(&a, ml, inviter) : T(ml, MSG_MAIL_THE_SECRETARIAT);
    buf what = BUF_INIT, link = BUF_INIT;
    if (org_id)
        buf_printf(
            &what,
            T(ml, strcmp(role, "manager") == 0 ? MSG_MAIL_AS_MANAGER_OF : MSG_MAIL_AS_REP_OF),
            in_lang(&a, ml, org_name));
    put_link(&link, base_url, "/invite/accept?t=", tok);
    buf_printf(&body, T(ml, has_password ? MSG_MAIL_INVITE_EXISTING : MSG_MAIL_INVITE_NEW),
               in_lang(&a, ml, invitee ? invitee : em), inviter, buf_str(&what), buf_str(&link));
    bool lost = buf_failed(&what) || buf_failed(&link);
    sodium_memzero(link.data ? link.data : (char *)"", link.data ? link.cap : 0);
    buf_free(&what);
    buf_free(&link);
    buf subject = BUF_INIT;
    buf_printf(&subject, T(ml, MSG_MAIL_INVITE_SUBJECT), inviter);
    if (lost || buf_failed(&body) || buf_failed(&subject)) {
        buf_free(&subject);
        st = DB_NOMEM;
        goto cleanup;
    }

    st = link_insert(d, h, "invite", person_id, org_id, role, actor_id, now, AUTH_INVITE_TTL,
                     &link_id);
    if (st != DB_OK)
        goto cleanup;
    if (org_id)
        st = audit_fmt(d, actor_id, NULL, "invite", "account", account_id,
                       "{\"link_id\":%lld,\"org_id\":%lld,\"role\":\"%s\"}", (long long)link_id,
                       (long long)org_id, role);
    else
        st = audit_fmt(d, actor_id, NULL, "invite", "account", account_id, "{\"link_id\":%lld}",
                       (long long)link_id);
    if (st != DB_OK)
        goto cleanup;
    st = mail_queue(d, em, buf_str(&subject), buf_str(&body));
    buf_free(&subject);
    if (st != DB_OK)
        goto cleanup;
    if ((st = db_commit(d)) != DB_OK)
        goto cleanup;
    memcpy(token_out, tok, sizeof tok);
cleanup:
    if (st != DB_OK)
        db_rollback(d);
    sodium_memzero(tok, sizeof tok);
    if (body.data)
        sodium_memzero(body.data, body.cap);
    buf_free(&body);
    arena_free(&a);
    return st;
}

static const char SQL_RESET_TARGET[] =
    "SELECT a.id, a.person_id,"
    "       (SELECT count(*) FROM one_time_link l WHERE l.person_id = a.person_id"
    "           AND l.purpose = 'reset' AND l.created_at > $2)"
    "  FROM account a JOIN person p ON p.id = a.person_id"
    " WHERE p.email = $1 AND p.erased_at IS NULL AND a.disabled_at IS NULL";

db_status auth_reset_request(db *d, const char *email, lang_id lang, const char *base_url)
{
    arena a = ARENA_INIT;
    char em[EMAIL_MAX + 1], tok[AUTH_TOKEN_LEN + 1];
    unsigned char h[32];
    int64_t now = time_now(), account_id = 0, person_id = 0, recent = 0, link_id = 0;
    buf body = BUF_INIT;
    tok[0] = '\0';
    if (!email_norm(email, em))
        return DB_OK;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto cleanup;
    db_stmt *s = db_prepare(d, SQL_RESET_TARGET);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_text(s, 1, em);
    db_bind_int(s, 2, now - 3600);
    st = db_step(s);
    if (st == DB_ROW) {
        account_id = db_col_int(s, 0);
        person_id = db_col_int(s, 1);
        recent = db_col_int(s, 2);
    }
    db_reset(s);
    if (st == DB_DONE || (st == DB_ROW && recent >= AUTH_RESET_PER_HOUR)) {
        st = DB_OK; /* unknown, disabled, or enough mails this hour: say nothing */
        goto cleanup;
    }
    if (st != DB_ROW)
        goto cleanup;
    auth_token_new(tok);
    auth_token_hash(tok, h);
    st = link_insert(d, h, "reset", person_id, 0, NULL, 0, now, AUTH_RESET_TTL, &link_id);
    if (st != DB_OK)
        goto cleanup;
    st = audit_fmt(d, 0, NULL, "reset_request", "account", account_id, "{\"link_id\":%lld}",
                   (long long)link_id);
    if (st != DB_OK)
        goto cleanup;
    lang_id ml = lang;
    const char *who = NULL;
    if ((st = mail_reader(d, &a, person_id, lang, &ml, &who)) != DB_OK)
        goto cleanup;
    buf link = BUF_INIT;
    put_link(&link, base_url, "/password/reset?t=", tok);
    buf_printf(&body, T(ml, MSG_MAIL_RESET_BODY), in_lang(&a, ml, who ? who : em), buf_str(&link));
    bool lost = buf_failed(&link);
    sodium_memzero(link.data ? link.data : (char *)"", link.data ? link.cap : 0);
    buf_free(&link);
    if (lost || buf_failed(&body)) {
        st = DB_NOMEM;
        goto cleanup;
    }
    if ((st = mail_queue(d, em, T(ml, MSG_MAIL_RESET_SUBJECT), buf_str(&body))) != DB_OK)
        goto cleanup;
    st = db_commit(d);
cleanup:
    if (st != DB_OK || db_in_tx(d))
        db_rollback(d);
    sodium_memzero(tok, sizeof tok);
    if (body.data)
        sodium_memzero(body.data, body.cap);
    buf_free(&body);
    arena_free(&a);
    return st;
}

static const char SQL_LINK_FIND[] =
    "SELECT l.id, l.person_id, coalesce(l.grant_org_id, 0), l.grant_role,"
    "       coalesce(l.created_by, 0), l.expires_at, l.used_at IS NOT NULL, coalesce(a.id, 0),"
    "       a.pass_hash"
    "  FROM one_time_link l JOIN person p ON p.id = l.person_id"
    "  LEFT JOIN account a ON a.person_id = l.person_id"
    " WHERE l.token_hash = $1 AND l.purpose = $2"
    "   AND p.erased_at IS NULL AND a.disabled_at IS NULL";

typedef struct link_row {
    int64_t id, person_id, org_id, created_by, account_id;
    char role[16];                          /* "manager", "representative" or "" */
    char pass_hash[crypto_pwhash_STRBYTES]; /* the account's, "" while it has none */
} link_row;

/* Finds the link and says what state it is in. A link of an erased person
 * or of a disabled (or missing) account is unknown: it must not work. */
static db_status link_find(db *d, const char *token, const char *purpose, int64_t now, link_row *l,
                           link_state *st_out)
{
    unsigned char h[32];
    memset(l, 0, sizeof *l);
    *st_out = LINK_UNKNOWN;
    if (!token || strlen(token) != AUTH_TOKEN_LEN || !purpose ||
        (strcmp(purpose, "invite") != 0 && strcmp(purpose, "reset") != 0))
        return DB_OK;
    auth_token_hash(token, h);
    db_stmt *s = db_prepare(d, SQL_LINK_FIND);
    if (!s)
        return DB_ERR;
    db_bind_blob(s, 1, h, sizeof h);
    db_bind_text(s, 2, purpose);
    db_status st = db_step(s);
    if (st == DB_ROW) {
        l->id = db_col_int(s, 0);
        l->person_id = db_col_int(s, 1);
        l->org_id = db_col_int(s, 2);
        const char *role = db_col_text(s, 3);
        if (role && strlen(role) < sizeof l->role)
            strcpy(l->role, role);
        l->created_by = db_col_int(s, 4);
        int64_t expires = db_col_int(s, 5);
        bool used = db_col_int(s, 6) != 0;
        l->account_id = db_col_int(s, 7);
        const char *ph = db_col_text(s, 8);
        l->pass_hash[0] = '\0';
        if (ph && strlen(ph) < sizeof l->pass_hash)
            strcpy(l->pass_hash, ph);
        if (!l->account_id)
            *st_out = LINK_UNKNOWN;
        else if (used)
            *st_out = LINK_USED;
        else if (now >= expires)
            *st_out = LINK_EXPIRED;
        else
            *st_out = LINK_OK;
    }
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

db_status auth_link_check(db *d, const char *token, const char *purpose, link_state *st)
{
    link_row l;
    return link_find(d, token, purpose, time_now(), &l, st);
}

static const char SQL_LINK_PERSON[] = "SELECT email, name FROM person WHERE id = $1";

static const char SQL_ORG_NAMES[] = "SELECT name, coalesce(name_en, '') FROM org WHERE id = $1";

db_status auth_link_grant(db *d, arena *a, const char *token, const char *purpose,
                          const char **org_name, const char **org_name_en, const char **role)
{
    link_row l;
    link_state ls = LINK_UNKNOWN;
    *org_name = *org_name_en = *role = NULL;
    db_status st = link_find(d, token, purpose, time_now(), &l, &ls);
    sodium_memzero(l.pass_hash, sizeof l.pass_hash);
    if (st != DB_OK || ls != LINK_OK || !l.org_id)
        return st;
    *role = arena_strdup(a, l.role);
    db_stmt *s = db_query(d, SQL_ORG_NAMES, DB_ARGS(DBI(l.org_id)));
    if (!s)
        return DB_ERR;
    st = db_step(s);
    bool oom = !*role;
    if (st == DB_ROW) {
        *org_name = db_col_dup(a, s, 0, &oom);
        *org_name_en = db_col_dup(a, s, 1, &oom);
    }
    db_reset(s);
    if (oom)
        return DB_NOMEM;
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

db_status auth_link_has_password(db *d, const char *token, const char *purpose, bool *has)
{
    link_row l;
    link_state ls = LINK_UNKNOWN;
    *has = false;
    db_status st = link_find(d, token, purpose, time_now(), &l, &ls);
    *has = st == DB_OK && ls == LINK_OK && l.pass_hash[0];
    sodium_memzero(l.pass_hash, sizeof l.pass_hash);
    return st;
}

db_status auth_link_person(db *d, arena *a, const char *token, const char *purpose,
                           const char **email, const char **name)
{
    link_row l;
    link_state ls = LINK_UNKNOWN;
    *email = *name = NULL;
    db_status st = link_find(d, token, purpose, time_now(), &l, &ls);
    if (st != DB_OK || ls != LINK_OK)
        return st;
    db_stmt *s = db_prepare(d, SQL_LINK_PERSON);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, l.person_id);
    st = db_step(s);
    if (st == DB_ROW) {
        const char *e = db_col_text(s, 0), *n = db_col_text(s, 1);
        *email = e ? arena_strdup(a, e) : NULL;
        *name = n ? arena_strdup(a, n) : NULL;
        st = (e && !*email) || (n && !*name) ? DB_NOMEM : DB_OK;
    } else if (st == DB_DONE) {
        st = DB_OK;
    }
    db_reset(s);
    return st;
}

static const char SQL_LINK_USED[] =
    "UPDATE one_time_link SET used_at = $2 WHERE id = $1 AND used_at IS NULL";
static const char SQL_AFFILIATION_FIND[] =
    "SELECT id FROM affiliation WHERE person_id = $1 AND org_id = $2 AND role = $3"
    "   AND ended_at IS NULL";
static const char SQL_AFFILIATION_INSERT[] =
    "INSERT INTO affiliation(person_id, org_id, role, started_at, created_by)"
    " VALUES ($1, $2, $3, $4, nullif($5, 0))";
/* After a reset, the person's other pending reset links stop working. */
static const char SQL_RESETS_EXPIRE[] =
    "UPDATE one_time_link SET expires_at = $3 WHERE person_id = $1 AND id <> $2"
    "   AND purpose = 'reset' AND used_at IS NULL AND expires_at > $3";

/* Creates the affiliation a link grants unless the same one is current
 * (inside the caller's transaction); *aff_id is its id either way. */
static db_status affiliation_grant(db *d, const link_row *l, int64_t now, int64_t *aff_id)
{
    *aff_id = 0;
    db_stmt *s = db_prepare(d, SQL_AFFILIATION_FIND);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, l->person_id);
    db_bind_int(s, 2, l->org_id);
    db_bind_text(s, 3, l->role);
    db_status st = db_step(s);
    if (st == DB_ROW)
        *aff_id = db_col_int(s, 0);
    db_reset(s);
    if (st == DB_ROW)
        return DB_OK;
    if (st != DB_DONE)
        return st;
    s = db_prepare(d, SQL_AFFILIATION_INSERT);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, l->person_id);
    db_bind_int(s, 2, l->org_id);
    db_bind_text(s, 3, l->role);
    db_bind_int(s, 4, now);
    db_bind_int(s, 5, l->created_by);
    if ((st = db_run(s)) != DB_OK)
        return st;
    *aff_id = db_last_id(d);
    return audit_fmt(d, l->created_by, NULL, "affiliation_create", "affiliation", *aff_id,
                     "{\"person_id\":%lld,\"org_id\":%lld,\"role\":\"%s\",\"link_id\":%lld}",
                     (long long)l->person_id, (long long)l->org_id, l->role, (long long)l->id);
}

db_status auth_link_use(db *d, const char *token, const char *purpose, const char *password,
                        link_state *st_out, int64_t *account_id)
{
    char hash[crypto_pwhash_STRBYTES];
    link_row l;
    int64_t now = time_now(), n = 0, n_tok = 0, aff_id = 0;
    bool invite = purpose && strcmp(purpose, "invite") == 0;
    *account_id = 0;
    hash[0] = '\0';
    if (!password || !*password)
        return DB_CONSTRAINT;
    /* a cheap look first, so a bad link costs no hashing */
    db_status st = link_find(d, token, purpose, now, &l, st_out);
    if (st != DB_OK || *st_out != LINK_OK)
        goto cleanup;
    /* an invited person who has an account already accepts with the
     * password they have, which stays as it is */
    bool existing = invite && l.pass_hash[0];
    if (existing) {
        if (!auth_password_verify(password, l.pass_hash)) {
            *st_out = LINK_WRONG_PASSWORD;
            goto cleanup;
        }
    } else if (auth_password_hash(password, hash) != 0) {
        st = DB_NOMEM;
        goto cleanup;
    }
    if ((st = db_begin_write(d)) != DB_OK)
        goto cleanup;
    /* again inside the transaction: a parallel use may have won */
    if ((st = link_find(d, token, purpose, now, &l, st_out)) != DB_OK || *st_out != LINK_OK)
        goto cleanup;
    /* the role is granted only while whoever sent the invitation may still
     * invite for that organisation (the system's own, created_by 0, stand) */
    if (invite && l.org_id && l.created_by &&
        !rights_person_can(d, l.created_by, RIGHT_INVITE, l.org_id)) {
        *st_out = LINK_WITHDRAWN;
        goto cleanup;
    }
    db_stmt *s = db_prepare(d, SQL_LINK_USED);
    if (!s) {
        st = DB_ERR;
        goto cleanup;
    }
    db_bind_int(s, 1, l.id);
    db_bind_int(s, 2, now);
    if ((st = db_run(s)) != DB_OK)
        goto cleanup;
    if (db_changes(d) != 1) {
        st = DB_ERR; /* link_find just saw it unused in this transaction */
        goto cleanup;
    }
    if (!existing) {
        s = db_prepare(d, SQL_PASSWORD_SET);
        if (!s) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_int(s, 1, l.account_id);
        db_bind_text(s, 2, hash);
        db_bind_int(s, 3, now);
        if ((st = db_run(s)) != DB_OK)
            goto cleanup;
    }
    if (l.org_id && l.role[0] && (st = affiliation_grant(d, &l, now, &aff_id)) != DB_OK)
        goto cleanup;
    if (!invite) {
        s = db_prepare(d, SQL_RESETS_EXPIRE);
        if (!s) {
            st = DB_ERR;
            goto cleanup;
        }
        db_bind_int(s, 1, l.person_id);
        db_bind_int(s, 2, l.id);
        db_bind_int(s, 3, now);
        if ((st = db_run(s)) != DB_OK)
            goto cleanup;
    }
    /* a new password ends what the old one opened; accepting with the
     * password one has changes nothing of that */
    if (!existing && (st = sessions_end(d, l.account_id, 0, &n)) != DB_OK)
        goto cleanup;
    if (!existing && (st = tokens_revoke_all(d, l.account_id, now, &n_tok)) != DB_OK)
        goto cleanup;
    st = audit_fmt(d, l.person_id, NULL, invite ? "invite_accepted" : "password_reset", "account",
                   l.account_id,
                   "{\"link_id\":%lld,\"affiliation_id\":%lld,\"sessions_ended\":%lld,"
                   "\"tokens_revoked\":%lld}",
                   (long long)l.id, (long long)aff_id, (long long)n, (long long)n_tok);
    if (st != DB_OK)
        goto cleanup;
    if ((st = db_commit(d)) != DB_OK)
        goto cleanup;
    *account_id = l.account_id;
cleanup:
    if (st != DB_OK || db_in_tx(d))
        db_rollback(d);
    if (st != DB_OK)
        *st_out = LINK_UNKNOWN;
    sodium_memzero(hash, sizeof hash);
    sodium_memzero(l.pass_hash, sizeof l.pass_hash);
    return st;
}
