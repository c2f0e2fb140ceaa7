/* auth_password.c: password strength and hashing (see auth.h).
 *
 * A new password needs 12 characters, must not be on the common list or
 * the e-mail address, and must reach zxcvbn's score 3 with the person's
 * own words as dictionary. Hashes are argon2id (libsodium), at most
 * AUTH_MAX_HASHING computed at once. Process-wide state, both owned here:
 * the semaphore that caps concurrent argon2id computations, and the sorted
 * common-password list built from the embedded
 * assets/data/common-passwords.txt at first use (freed by
 * auth_shutdown()). */
#include "model/auth.h"

#include <assert.h>
#include <pthread.h>
#include <sodium.h>
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
#include "model/auth_internal.h"
#include "model/mail.h"
#include "model/rights.h"

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
    auth_lower_into(text, (const char *)f->data, f->len);
    text[f->len] = '\0';
    size_t n = 0;
    char *p = text, *end = text + f->len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        char *b = p, *t = e;
        while (b < t && auth_is_ws(*b))
            b++;
        while (t > b && auth_is_ws(t[-1]))
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
        auth_lower_into(words[i], words[i], strlen(words[i]));
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
    size_t cps = auth_cp_count(password, n);
    if (cps < AUTH_PASSWORD_MIN)
        return PW_TOO_SHORT;
    if (cps > AUTH_PASSWORD_MAX)
        return PW_TOO_LONG;
    char low[4 * AUTH_PASSWORD_MAX + 1]; /* n <= 4 * cps: each code point is 1..4 bytes */
    assert(n < sizeof low);
    auth_lower_into(low, password, n);
    low[n] = '\0';
    pw_verdict v = PW_OK;
    if (common_has(low)) {
        v = PW_COMMON;
        goto cleanup;
    }
    char em[EMAIL_MAX + 1];
    auth_email_norm(email, em);
    size_t en = strlen(em);
    if (en) {
        auth_lower_into(em, em, en);
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
