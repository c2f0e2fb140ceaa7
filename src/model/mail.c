/* mail.c: the outbox and its SMTP sender (see mail.h).
 *
 * Model code and pages queue mail with mail_queue() inside their own
 * transaction, so a message exists exactly when the change that caused it
 * committed. mail_deliver() reads due messages, sends each with libcurl's
 * SMTP client with no transaction open, and records every outcome in its
 * own short write transaction. The sender thread of `scan serve`
 * (mail_sender_start/stop) calls it every few seconds on its own database
 * connection. curl_global_init() happens once in main.c. */
#include "model/mail.h"

#include <assert.h>
#include <curl/curl.h>
#include <errno.h>
#include <sodium.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "db/job.h"
#include "model/bgjob.h"
#include "model/tx.h"

#define MAIL_TIMEOUT_S         30 /* whole SMTP transaction */
#define MAIL_CONNECT_TIMEOUT_S 10
#define MAIL_LINE_MAX          990 /* octets before a forced line break (RFC 5322: 998) */
#define MAIL_WORD_BYTES        45  /* raw bytes per encoded-word: 60 base64 chars */
#define MAIL_ERROR_MAX         400 /* bytes of last_error kept */
#define MAIL_SENDER_INTERVAL_S 5
#define MAIL_SENDER_BATCH      20
/* How long a claim holds: one message's worst case and a margin. The
 * claim of a batch's unsent rest is renewed with each outcome, so a
 * sender that dies (kill -9) mid-batch leaves its rest to others after at
 * most this, not after a whole batch's worst case (20 x 40 s + 60 s: the
 * restart of bench/newsletter.sh waited 14 minutes for it). */
#define MAIL_CLAIM_S (MAIL_TIMEOUT_S + MAIL_CONNECT_TIMEOUT_S + 60)

/* Set while mail_sender_stop() wants a transfer in progress abandoned. */
static atomic_bool g_abort;

/* --- validation ----------------------------------------------------------- */

/* One bare address: local@domain, no spaces, specials or control chars. */
static bool addr_valid(const char *s, size_t n)
{
    if (n < 3 || n > 254 || !utf8_valid(s, n, false))
        return false;
    const char *at = memchr(s, '@', n);
    if (!at || at == s || at == s + n - 1 || memchr(at + 1, '@', n - (size_t)(at - s) - 1))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f || strchr("<>,;:\"()[]\\", c))
            return false;
    }
    return true;
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* Splits "Name <addr>" or "addr" into the display name (may be empty) and
 * the address, both pointing into from. */
static bool from_split(const char *from, const char **name, size_t *name_len, const char **addr,
                       size_t *addr_len)
{
    if (!from || has_control(from) || !utf8_valid(from, strlen(from), false))
        return false;
    const char *lt = strchr(from, '<');
    if (!lt) {
        *name = from;
        *name_len = 0;
        *addr = from;
        *addr_len = strlen(from);
        return addr_valid(from, *addr_len);
    }
    const char *gt = strchr(lt, '>');
    if (!gt || gt[1] != '\0')
        return false;
    size_t nl = (size_t)(lt - from);
    while (nl > 0 && from[nl - 1] == ' ')
        nl--;
    *name = from;
    *name_len = nl;
    *addr = lt + 1;
    *addr_len = (size_t)(gt - lt - 1);
    return addr_valid(*addr, *addr_len);
}

bool mail_from_valid(const char *from)
{
    const char *name, *addr;
    size_t nl, al;
    return from_split(from, &name, &nl, &addr, &al);
}

/* --- queue ---------------------------------------------------------------- */

static const char SQL_QUEUE[] =
    "INSERT INTO outbox(to_addr, subject, body, created_at, html, headers)"
    " VALUES ($1, $2, $3, $4, $5, $6)";

/* One extra header line "Name: value": the name an RFC 5322 field name
 * (printable ASCII, no colon), not one the sender writes itself, the value
 * printable ASCII with no CR or LF (nothing to fold, nothing to inject). */
static bool header_valid(const char *h)
{
    static const char *const own[] = {
        "date",          "from",         "to",           "subject",
        "message-id",    "mime-version", "content-type", "content-transfer-encoding",
        "auto-submitted"};
    const char *colon = strchr(h, ':');
    if (!colon || colon == h || colon[1] != ' ' || strlen(colon + 2) == 0 ||
        strlen(h) > MAIL_LINE_MAX)
        return false;
    for (const char *p = h; p < colon; p++)
        if (*p <= 0x20 || *p >= 0x7f)
            return false;
    for (const char *p = colon + 2; *p; p++)
        if (*p < 0x20 || *p >= 0x7f)
            return false;
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (strlen(own[i]) == (size_t)(colon - h) && strncasecmp(h, own[i], strlen(own[i])) == 0)
            return false;
    return true;
}

static const char SQL_ATTACH[] =
    "UPDATE outbox SET attach_type = $2, attach_name = $3, attach_data = $4 WHERE id = $1";

/* A file's type or name: printable ASCII without quotes or backslashes
 * (it goes into a header as it is). */
static bool file_word_valid(const char *s)
{
    if (!s || !*s || strlen(s) > 200)
        return false;
    for (const char *p = s; *p; p++)
        if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
            return false;
    return true;
}

db_status mail_queue_file(db *d, const char *to, const char *subject, const char *body,
                          const mail_file *file)
{
    if (!file)
        return mail_queue(d, to, subject, body);
    if (!file_word_valid(file->type) || !file_word_valid(file->name) || !file->data ||
        !utf8_valid(file->data, strlen(file->data), false))
        return DB_CONSTRAINT;
    int64_t id = 0;
    db_status st = mail_queue_ex(d, to, subject, body, NULL, NULL, 0, &id);
    if (st != DB_OK)
        return st;
    return db_do(d, SQL_ATTACH,
                 DB_ARGS(DBI(id), DBT(file->type), DBT(file->name), DBT(file->data)));
}

db_status mail_queue(db *d, const char *to, const char *subject, const char *body)
{
    return mail_queue_ex(d, to, subject, body, NULL, NULL, 0, NULL);
}

db_status mail_queue_ex(db *d, const char *to, const char *subject, const char *body,
                        const char *html, const char *const *headers, size_t n_headers, int64_t *id)
{
    assert(d); /* callers queue inside their write transaction (tests may not) */
    if (id)
        *id = 0;
    if (!to || !subject || !body || !addr_valid(to, strlen(to)) || strpbrk(subject, "\r\n") ||
        !utf8_valid(subject, strlen(subject), false) || !utf8_valid(body, strlen(body), false) ||
        (html && !utf8_valid(html, strlen(html), false)))
        return DB_CONSTRAINT;
    buf hs = BUF_INIT;
    for (size_t i = 0; i < n_headers; i++) {
        if (!headers[i] || !header_valid(headers[i])) {
            buf_free(&hs);
            return DB_CONSTRAINT;
        }
        buf_printf(&hs, "%s\n", headers[i]);
    }
    if (buf_failed(&hs)) {
        buf_free(&hs);
        return DB_NOMEM;
    }
    db_stmt *s = db_prepare(d, SQL_QUEUE);
    if (!s) {
        buf_free(&hs);
        return DB_ERR;
    }
    db_bind_text(s, 1, to);
    db_bind_text(s, 2, subject);
    db_bind_text(s, 3, body);
    db_bind_int(s, 4, time_now());
    db_bind_text(s, 5, html);
    db_bind_text(s, 6, hs.len ? buf_str(&hs) : NULL);
    db_status st = db_step(s);
    db_reset(s);
    buf_free(&hs);
    if (st == DB_DONE && id)
        *id = db_last_id(d);
    return st == DB_DONE ? DB_OK : st;
}

/* --- building a message ---------------------------------------------------- */

static bool is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/* Appends s as RFC 2047 encoded-words (UTF-8, base64), split at character
 * boundaries and folded with CRLF SP so no word exceeds 75 characters. */
static void put_encoded_words(buf *out, const char *s, size_t n)
{
    size_t i = 0;
    bool first = true;
    while (i < n || first) {
        size_t end = i;
        while (end < n) {
            uint32_t cp;
            int l = utf8_decode(s + end, n - end, &cp);
            if (l <= 0)
                l = 1;
            if (end + (size_t)l - i > MAIL_WORD_BYTES)
                break;
            end += (size_t)l;
        }
        char b64[sodium_base64_ENCODED_LEN(MAIL_WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s + i, end - i,
                          sodium_base64_VARIANT_ORIGINAL);
        buf_printf(out, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", b64);
        first = false;
        i = end;
    }
}

/* A header value that may need encoding: plain when short printable ASCII
 * that could not be mistaken for an encoded-word, else encoded-words. */
static void put_text_header(buf *out, const char *s, size_t n)
{
    bool plain = is_ascii(s, n) && n <= 900;
    for (size_t i = 0; plain && i + 1 < n; i++)
        if (s[i] == '=' && s[i + 1] == '?')
            plain = false;
    if (plain)
        buf_append(out, s, n);
    else
        put_encoded_words(out, s, n);
}

/* The From header value: the display name encoded or quoted as needed. */
static void put_from(buf *out, const char *from)
{
    const char *name, *addr;
    size_t nl, al;
    if (!from_split(from, &name, &nl, &addr, &al))
        return;
    if (nl == 0) {
        buf_append(out, addr, al);
        return;
    }
    if (!is_ascii(name, nl)) {
        put_encoded_words(out, name, nl);
    } else {
        bool quote = false;
        for (size_t i = 0; i < nl; i++)
            if (strchr("()<>[]:;@\\,.\"", name[i]))
                quote = true;
        if (quote) {
            buf_putc(out, '"');
            for (size_t i = 0; i < nl; i++) {
                if (name[i] == '"' || name[i] == '\\')
                    buf_putc(out, '\\');
                buf_putc(out, name[i]);
            }
            buf_putc(out, '"');
        } else {
            buf_append(out, name, nl);
        }
    }
    buf_printf(out, " <%.*s>", (int)al, addr);
}

/* RFC 5322 date in UTC, independent of the process locale. */
static void put_date(buf *out, int64_t now)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
               months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The body with every line end as CRLF, lines broken (at a character
 * boundary) before 998 octets, and a final CRLF. Dot-stuffing is curl's. */
static void put_body(buf *out, const char *s)
{
    size_t col = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\r' || *p == '\n') {
            if (*p == '\r' && p[1] == '\n')
                p++;
            buf_puts(out, "\r\n");
            col = 0;
            continue;
        }
        if (col >= MAIL_LINE_MAX && ((unsigned char)*p & 0xc0) != 0x80) {
            buf_puts(out, "\r\n");
            col = 0;
        }
        buf_putc(out, *p);
        col++;
    }
    if (col > 0)
        buf_puts(out, "\r\n");
}

/* The whole message, headers and body, in out. */
/* HTML as base64 in lines of 76 characters (RFC 2045): markup has long
 * lines that a forced break inside a tag or word would change. */
static void put_base64_lines(buf *out, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i += 57) {
        size_t k = n - i < 57 ? n - i : 57;
        char b64[sodium_base64_ENCODED_LEN(57, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s + i, k,
                          sodium_base64_VARIANT_ORIGINAL);
        buf_puts(out, b64);
        buf_puts(out, "\r\n");
    }
}

/* Text and HTML as alternatives, the richer one last (RFC 2046), with
 * its Content-Type line. */
static void put_alternative(buf *out, const char *hex, const char *body, const char *html)
{
    buf_printf(out,
               "Content-Type: multipart/alternative; boundary=\"=_scan_%s\"\r\n\r\n"
               "--=_scan_%s\r\n"
               "Content-Type: text/plain; charset=utf-8\r\n"
               "Content-Transfer-Encoding: 8bit\r\n\r\n",
               hex, hex);
    put_body(out, body);
    buf_printf(out,
               "--=_scan_%s\r\n"
               "Content-Type: text/html; charset=utf-8\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n",
               hex);
    put_base64_lines(out, html);
    buf_printf(out, "--=_scan_%s--\r\n", hex);
}

void mail_build(buf *out, const char *from, int64_t id, const char *to, const char *subject,
                const char *body, const char *html, const char *headers, const mail_file *file)
{
    const char *name, *addr;
    size_t nl, al;
    const char *domain = "scan.local";
    size_t dl = strlen(domain);
    if (from && from_split(from, &name, &nl, &addr, &al)) {
        const char *at = memchr(addr, '@', al);
        domain = at + 1;
        dl = al - (size_t)(at + 1 - addr);
    }
    /* The Message-ID's second part (and the MIME boundary) is a hash of the
     * row, not a random number: a mail sent again after a crash between the
     * SMTP server's 250 and the commit that records it (the one window no
     * sender can close) is the same message, which mail clients show once. */
    unsigned char rnd[8];
    char hex[sizeof rnd * 2 + 1];
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, sizeof rnd);
    crypto_generichash_update(&h, (const unsigned char *)&id, sizeof id);
    const char *parts[] = {to, subject, body, html, headers};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (parts[i])
            crypto_generichash_update(&h, (const unsigned char *)parts[i], strlen(parts[i]) + 1);
    crypto_generichash_final(&h, rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);

    buf_puts(out, "Date: ");
    put_date(out, time_now());
    buf_puts(out, "\r\nFrom: ");
    put_from(out, from ? from : "scan@scan.local");
    buf_printf(out, "\r\nTo: %s\r\nSubject: ", to);
    put_text_header(out, subject, strlen(subject));
    buf_printf(out, "\r\nMessage-ID: <%lld.%s@%.*s>\r\n", (long long)id, hex, (int)dl, domain);
    /* extra lines (List-Unsubscribe ...), checked by mail_queue_ex */
    for (const char *p = headers; p && *p;) {
        size_t k = strcspn(p, "\n");
        buf_append(out, p, k);
        buf_puts(out, "\r\n");
        p += k + (p[k] == '\n');
    }
    buf_puts(out, "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n");
    if (file) {
        /* the text, then the file (RFC 2046 multipart/mixed); the
         * boundary differs from the alternative's by its prefix */
        buf_printf(out,
                   "Content-Type: multipart/mixed; boundary=\"=_scanm_%s\"\r\n\r\n"
                   "--=_scanm_%s\r\n",
                   hex, hex);
        if (!html) {
            buf_puts(out, "Content-Type: text/plain; charset=utf-8\r\n"
                          "Content-Transfer-Encoding: 8bit\r\n"
                          "\r\n");
            put_body(out, body);
        } else {
            put_alternative(out, hex, body, html);
        }
        buf_printf(out,
                   "--=_scanm_%s\r\n"
                   "Content-Type: %s; charset=utf-8; name=\"%s\"\r\n"
                   "Content-Disposition: attachment; filename=\"%s\"\r\n"
                   "Content-Transfer-Encoding: base64\r\n\r\n",
                   hex, file->type, file->name, file->name);
        put_base64_lines(out, file->data);
        buf_printf(out, "--=_scanm_%s--\r\n", hex);
        return;
    }
    if (!html) {
        buf_puts(out, "Content-Type: text/plain; charset=utf-8\r\n"
                      "Content-Transfer-Encoding: 8bit\r\n"
                      "\r\n");
        put_body(out, body);
        return;
    }
    put_alternative(out, hex, body, html);
}

/* --- sending -------------------------------------------------------------- */

typedef struct reader {
    const char *data;
    size_t len, pos;
} reader;

static size_t read_cb(char *dst, size_t size, size_t nitems, void *userdata)
{
    reader *r = userdata;
    size_t want = size * nitems, left = r->len - r->pos;
    size_t n = want < left ? want : left;
    memcpy(dst, r->data + r->pos, n);
    r->pos += n;
    return n;
}

static int progress_cb(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    return atomic_load(&g_abort) ? 1 : 0;
}

/* A reason fit for the outbox and logs: printable, valid UTF-8, bounded. */
static void put_reason(buf *out, CURLcode rc, const char *errbuf, long smtp_code)
{
    buf raw = BUF_INIT;
    buf_puts(&raw, curl_easy_strerror(rc));
    if (errbuf[0] && strcmp(errbuf, curl_easy_strerror(rc)) != 0)
        buf_printf(&raw, ": %s", errbuf);
    char code[16];
    snprintf(code, sizeof code, "%ld", smtp_code);
    if (smtp_code > 0 && !strstr(buf_str(&raw), code))
        buf_printf(&raw, " (SMTP %ld)", smtp_code);
    const char *s = buf_str(&raw);
    size_t n = raw.len < MAIL_ERROR_MAX ? raw.len : MAIL_ERROR_MAX;
    bool valid = utf8_valid(s, n, false);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            c = ' ';
        else if (c >= 0x80 && !valid)
            c = '?';
        buf_putc(out, (char)c);
    }
    buf_free(&raw);
}

/* Claims up to $1 due mails that no live claim holds for token $4 until
 * $5 ($2 the attempts' bound, $3 now). */
static const char SQL_CLAIM[] =
    "UPDATE outbox SET claim_token = $4, claimed_until = $5"
    " WHERE id IN (SELECT id FROM outbox"
    "   WHERE sent_at IS NULL AND attempts < $2"
    "     AND created_at + CASE attempts WHEN 0 THEN 0 WHEN 1 THEN 60 WHEN 2 THEN 300"
    "                      WHEN 3 THEN 1800 ELSE 7200 END <= $3"
    "     AND (claimed_until IS NULL OR claimed_until <= $3)"
    "   ORDER BY id LIMIT $1)";
static const char SQL_DUE[] =
    "SELECT id, to_addr, subject, body, html, headers, attach_type, attach_name, attach_data"
    " FROM outbox WHERE claim_token = $1 AND sent_at IS NULL ORDER BY id";
static const char SQL_SENT[] = "UPDATE outbox SET sent_at = $2, last_error = NULL,"
                               " claim_token = NULL, claimed_until = NULL"
                               " WHERE id = $1 AND sent_at IS NULL";
static const char SQL_FAILED[] = "UPDATE outbox SET attempts = attempts + 1, last_error = $2,"
                                 " claim_token = NULL, claimed_until = NULL"
                                 " WHERE id = $1 AND sent_at IS NULL";
/* Renews the claim of token $1's unsent rest until $2. */
static const char SQL_RENEW[] = "UPDATE outbox SET claimed_until = $2"
                                " WHERE claim_token = $1 AND sent_at IS NULL";

typedef struct due_msg {
    int64_t id;
    char *to, *subject, *body;
    char *html, *headers; /* NULL when none */
    mail_file file;       /* file.type NULL when none */
} due_msg;

typedef struct outcome {
    int64_t id;
    const char *error; /* NULL: sent */
    const char *token; /* the batch's claim */
} outcome;

static db_status outcome_body(tx *t, void *ctx)
{
    const outcome *o = ctx;
    int64_t now = time_now();
    db_status st = db_do(t->d, o->error ? SQL_FAILED : SQL_SENT,
                         DB_ARGS(DBI(o->id), o->error ? DBT(o->error) : DBI(now)));
    if (st == DB_OK)
        st = db_do(t->d, SQL_RENEW, DB_ARGS(DBT(o->token), DBI(now + MAIL_CLAIM_S)));
    return st;
}

/* Records one outcome in its own transaction (the outbox's own state: no
 * audit row, no version), and renews the claim of the batch's unsent rest
 * (token) for the next message. error NULL means sent. */
static db_status record_outcome(db *d, int64_t id, const char *error, const char *token)
{
    outcome o = {.id = id, .error = error, .token = token};
    tx t = TX_INIT(0, NULL, NULL, NULL, 0);
    db_status st = tx_write(d, &t, outcome_body, &o);
    if (st == DB_OK)
        metrics_mail(!error);
    return st;
}

typedef struct claim {
    int max;
    const char *token;
    int64_t now, until;
    int64_t claimed; /* out */
} claim;

static db_status claim_body(tx *t, void *ctx)
{
    claim *c = ctx;
    db_status st = db_do(
        t->d, SQL_CLAIM,
        DB_ARGS(DBI(c->max), DBI(MAIL_MAX_ATTEMPTS), DBI(c->now), DBT(c->token), DBI(c->until)));
    c->claimed = st == DB_OK ? db_changes(t->d) : 0;
    return st;
}

db_status mail_claim(db *d, int max, const char *token, int64_t now, int64_t *claimed)
{
    /* long enough to send the first mail within its timeouts; each
     * outcome renews the rest (record_outcome) */
    claim c = {.max = max, .token = token, .now = now, .until = now + MAIL_CLAIM_S};
    tx t = TX_INIT(0, NULL, NULL, NULL, 0); /* the outbox's own state: no audit, no version */
    db_status st = tx_write(d, &t, claim_body, &c);
    *claimed = st == DB_OK ? c.claimed : 0;
    return st;
}

/* Claims up to max due messages under a new random token (written to
 * token, 25 bytes) and reads them into arena copies. */
static db_status load_due(db *d, arena *a, int max, due_msg **out, size_t *n, char *token)
{
    *n = 0;
    *out = arena_alloc(a, sizeof **out * (size_t)max);
    if (!*out)
        return DB_NOMEM;
    unsigned char raw[12];
    randombytes_buf(raw, sizeof raw);
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(token + 2 * i, 3, "%02x", raw[i]);
    int64_t claimed = 0;
    db_status st = mail_claim(d, max, token, time_now(), &claimed);
    if (st != DB_OK || claimed == 0)
        return st;
    db_stmt *s = db_prepare(d, SQL_DUE);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, token);
    while ((size_t)*n < (size_t)max && (st = db_step(s)) == DB_ROW) {
        due_msg *m = &(*out)[(*n)++];
        m->id = db_col_int(s, 0);
        m->to = arena_strdup(a, db_col_text(s, 1));
        m->subject = arena_strdup(a, db_col_text(s, 2));
        m->body = arena_strdup(a, db_col_text(s, 3));
        m->html = db_col_is_null(s, 4) ? NULL : arena_strdup(a, db_col_text(s, 4));
        m->headers = db_col_is_null(s, 5) ? NULL : arena_strdup(a, db_col_text(s, 5));
        m->file = (mail_file){0};
        if (!db_col_is_null(s, 6)) {
            m->file.type = arena_strdup(a, db_col_text(s, 6));
            m->file.name = arena_strdup(a, db_col_text(s, 7) ? db_col_text(s, 7) : "file");
            m->file.data = arena_strdup(a, db_col_text(s, 8) ? db_col_text(s, 8) : "");
            if (!m->file.type || !m->file.name || !m->file.data) {
                st = DB_NOMEM;
                break;
            }
        }
        if (!m->to || !m->subject || !m->body || (!db_col_is_null(s, 4) && !m->html) ||
            (!db_col_is_null(s, 5) && !m->headers)) {
            st = DB_NOMEM;
            break;
        }
    }
    db_reset(s);
    /* DB_ROW: the loop stopped at max, a full batch (it used to count as a
     * failure, leaving a full batch claimed and unsent until the claim
     * lapsed: tests/pg/jobs.test.mjs) */
    return st == DB_DONE || st == DB_ROW ? DB_OK : st;
}

db_status mail_deliver(db *d, const mail_config *cfg, int max, int *sent)
{
    *sent = 0;
    if (!cfg || !cfg->url || !*cfg->url)
        return DB_OK;
    if (max < 1)
        return DB_OK;
    assert(!db_in_tx(d));
    const char *fname, *faddr;
    size_t fnl, fal;
    if (!from_split(cfg->from, &fname, &fnl, &faddr, &fal)) {
        log_error("mail: the sender address '%s' is not usable", cfg->from ? cfg->from : "");
        return DB_ERR;
    }

    arena a = ARENA_INIT;
    buf msg = BUF_INIT, reason = BUF_INIT;
    CURL *c = NULL;
    due_msg *due = NULL;
    size_t n_due = 0;
    char envelope_from[300];
    char errbuf[CURL_ERROR_SIZE];
    snprintf(envelope_from, sizeof envelope_from, "<%.*s>", (int)fal, faddr);

    char token[25];
    db_status st = load_due(d, &a, max, &due, &n_due, token);
    if (st != DB_OK || n_due == 0)
        goto cleanup;
    c = curl_easy_init();
    if (!c) {
        st = DB_NOMEM;
        goto cleanup;
    }
    curl_easy_setopt(c, CURLOPT_URL, cfg->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)MAIL_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)MAIL_CONNECT_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, envelope_from);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb);
    if (cfg->user && *cfg->user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, cfg->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
    }

    for (size_t i = 0; i < n_due && !atomic_load(&g_abort); i++) {
        due_msg *m = &due[i];
        buf_reset(&msg);
        mail_build(&msg, cfg->from, m->id, m->to, m->subject, m->body, m->html, m->headers,
                   m->file.type ? &m->file : NULL);
        if (buf_failed(&msg)) {
            st = DB_NOMEM;
            goto cleanup;
        }
        char rcpt_addr[300];
        snprintf(rcpt_addr, sizeof rcpt_addr, "<%s>", m->to);
        struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_addr);
        if (!rcpt) {
            st = DB_NOMEM;
            goto cleanup;
        }
        reader r = {msg.data, msg.len, 0};
        curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(c, CURLOPT_READDATA, &r);
        errbuf[0] = '\0';
        CURLcode rc = curl_easy_perform(c);
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
        curl_slist_free_all(rcpt);
        if (rc == CURLE_ABORTED_BY_CALLBACK && atomic_load(&g_abort))
            break; /* stopping: this attempt does not count */
        buf_reset(&reason);
        if (rc != CURLE_OK) {
            put_reason(&reason, rc, errbuf, code);
            log_warn("mail: message %lld not sent: %s", (long long)m->id, buf_str(&reason));
        }
        st = record_outcome(d, m->id, rc == CURLE_OK ? NULL : buf_str(&reason), token);
        if (st != DB_OK) {
            log_error("mail: cannot record the outcome of message %lld: %s (%s)", (long long)m->id,
                      db_status_name(st), db_errmsg(d));
            goto cleanup;
        }
        if (rc == CURLE_OK)
            (*sent)++;
    }
    st = DB_OK;
cleanup:
    if (c)
        curl_easy_cleanup(c);
    buf_free(&msg);
    buf_free(&reason);
    arena_free(&a);
    return st;
}

/* --- outbox list ------------------------------------------------------------ */

static const char SQL_LIST[] =
    "SELECT id, created_at, coalesce(sent_at, 0), attempts, to_addr, subject, body, last_error"
    "  FROM outbox ORDER BY id DESC LIMIT $1";

db_status mail_outbox_list(db *d, arena *a, int limit, outbox_row **rows, size_t *n)
{
    assert(d && a);
    *rows = NULL;
    *n = 0;
    if (limit < 1 || limit > 1000)
        limit = 100;
    outbox_row *out = arena_zalloc(a, sizeof *out * (size_t)limit);
    if (!out)
        return DB_NOMEM;
    db_stmt *s = db_prepare(d, SQL_LIST);
    if (!s)
        return DB_ERR;
    db_bind_int(s, 1, limit);
    db_status st;
    size_t k = 0;
    while ((st = db_step(s)) == DB_ROW) {
        outbox_row *r = &out[k++];
        r->id = db_col_int(s, 0);
        r->created_at = db_col_int(s, 1);
        r->sent_at = db_col_int(s, 2);
        r->attempts = (int)db_col_int(s, 3);
        r->to = arena_strdup(a, db_col_text(s, 4));
        r->subject = arena_strdup(a, db_col_text(s, 5));
        r->body = arena_strdup(a, db_col_text(s, 6));
        r->last_error = arena_strdup(a, db_col_text(s, 7));
        if (!r->to || !r->subject || !r->body) {
            st = DB_NOMEM;
            break;
        }
    }
    db_reset(s);
    if (st != DB_DONE)
        return st;
    *rows = out;
    *n = k;
    return DB_OK;
}

/* --- sender thread ---------------------------------------------------------- */

/* The one sender; its strings and connection are owned by it, started and
 * stopped from one thread (cli_serve). */
static bgjob g_job = BGJOB_INIT;
static struct {
    char *url, *from, *user, *password;
} g_sender;

static void sender_free_config(void)
{
    if (g_sender.password)
        sodium_memzero(g_sender.password, strlen(g_sender.password));
    mem_free(g_sender.url);
    mem_free(g_sender.from);
    mem_free(g_sender.user);
    mem_free(g_sender.password);
    g_sender.url = g_sender.from = g_sender.user = g_sender.password = NULL;
}

static void *sender_main(void *arg)
{
    mail_config cfg = {g_sender.url, g_sender.from, g_sender.user, g_sender.password};
    for (;;) {
        int sent = 0;
        /* several app servers: the lease's holder sends (db_job_lease); the
         * claims keep a mail from going twice when one dies mid-batch */
        bool held = false;
        db_status st = db_job_lease(g_job.d, DB_JOB_MAIL, &held);
        if (st == DB_OK && held)
            st = mail_deliver(g_job.d, &cfg, MAIL_SENDER_BATCH, &sent);
        db_end_request(g_job.d);
        if (st != DB_OK)
            log_warn("mail: delivery interrupted: %s", db_status_name(st));
        else if (sent > 0)
            log_info("mail: %d message(s) sent", sent);
        /* a full batch: more may wait (a newsletter being sent), so go on at once */
        bool more = st == DB_OK && sent >= MAIL_SENDER_BATCH;
        if (bgjob_wait(&g_job, more ? 0 : MAIL_SENDER_INTERVAL_S * 1000))
            break;
    }
    return NULL;
}

int mail_sender_start(const char *db_path, const mail_config *cfg)
{
    if (g_job.running) {
        log_error("mail: the sender runs already");
        return -1;
    }
    if (!cfg || !cfg->url || !mail_from_valid(cfg->from)) {
        log_error("mail: the sender needs an SMTP URL and a valid sender address");
        return -1;
    }
    g_sender.url = mem_strdup(cfg->url);
    g_sender.from = mem_strdup(cfg->from);
    g_sender.user = cfg->user ? mem_strdup(cfg->user) : NULL;
    g_sender.password = cfg->password ? mem_strdup(cfg->password) : NULL;
    if (!g_sender.url || !g_sender.from || (cfg->user && !g_sender.user) ||
        (cfg->password && !g_sender.password)) {
        log_error("mail: out of memory starting the sender");
        sender_free_config();
        return -1;
    }
    atomic_store(&g_abort, false);
    db_options o = {.busy_timeout_ms = 5000};
    if (bgjob_start(&g_job, "mail", db_path, &o, sender_main, NULL) != 0) {
        sender_free_config();
        return -1;
    }
    const char *host = strstr(g_sender.url, "://"); /* never log credentials */
    host = host ? host + 3 : g_sender.url;
    const char *at = strchr(host, '@');
    const char *slash = strchr(host, '/');
    if (at && (!slash || at < slash))
        host = at + 1;
    log_info("mail: sending the outbox through %s", host);
    return 0;
}

void mail_sender_stop(void)
{
    if (!g_job.running)
        return;
    atomic_store(&g_abort, true); /* a delivery under way gives up (mail_deliver) */
    bgjob_stop(&g_job);
    sender_free_config();
    atomic_store(&g_abort, false);
}

db_status mail_queue_buf(db *d, const char *to, buf *subject, buf *body)
{
    assert(d && subject && body);
    db_status st = buf_failed(subject) || buf_failed(body)
                       ? DB_NOMEM
                       : mail_queue(d, to, buf_str(subject), buf_str(body));
    buf_free(subject);
    buf_free(body);
    return st;
}

static const char SQL_PERSON[] =
    "SELECT email, name, lang FROM person WHERE id = $1 AND erased_at IS NULL";

db_status mail_person(db *d, arena *a, int64_t person_id, lang_id fallback, const char **to,
                      const char **name, lang_id *lang)
{
    assert(d && a && to && name && lang);
    *to = *name = NULL;
    *lang = fallback;
    db_stmt *s = db_query(d, SQL_PERSON, DB_ARGS(DBI(person_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    bool oom = false;
    if (st == DB_ROW) {
        *to = db_col_dup(a, s, 0, &oom);
        *name = db_col_dup(a, s, 1, &oom);
        if (db_col_text(s, 2))
            i18n_parse(db_col_text(s, 2), lang);
    }
    db_reset(s);
    if (oom) {
        *to = NULL;
        return DB_NOMEM;
    }
    if (st != DB_ROW) {
        *to = NULL;
        return st == DB_DONE ? DB_OK : st;
    }
    return DB_OK;
}

const char *mail_text_in(arena *a, lang_id lang, const char *text)
{
    if (!text || lang == LANG_SR_CYRL)
        return text;
    buf b = BUF_INIT;
    utf8_cyr_to_lat(&b, text, strlen(text));
    const char *out = buf_failed(&b) ? text : arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return out ? out : text;
}

static const char SQL_OUTBOX_COUNTS[] =
    "SELECT count(*) FILTER (WHERE attempts < $1), count(*) FILTER (WHERE attempts >= $1)"
    " FROM outbox WHERE sent_at IS NULL";

db_status mail_outbox_counts(db *d, int64_t *waiting, int64_t *given_up)
{
    *waiting = *given_up = 0;
    db_stmt *s = db_query(d, SQL_OUTBOX_COUNTS, DB_ARGS(DBI(MAIL_MAX_ATTEMPTS)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *waiting = db_col_int(s, 0);
        *given_up = db_col_int(s, 1);
        st = DB_OK;
    }
    db_reset(s);
    return st;
}
