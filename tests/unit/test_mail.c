/* test_mail.c: the outbox and its SMTP delivery against a tiny SMTP server
 * that runs in a thread of this test (127.0.0.1, a free port): headers,
 * RFC 2047 subjects, UTF-8 bodies, CRLF and dot-stuffing on the wire,
 * refused recipients, retry limits, refused header injection, and the
 * sender thread's start and prompt stop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "db/db.h"
#include "model/mail.h"

#include "testdb.h"

/* --- a tiny SMTP server ------------------------------------------------------ */

#define SRV_MAX_MSGS  16
#define SRV_MAX_CONNS 32

typedef struct smtp_msg {
    char from[128], rcpt[128];
    buf data; /* as received between DATA and CRLF.CRLF, still dot-stuffed */
} smtp_msg;

typedef struct smtp_srv {
    int lfd, port;
    pthread_t th;
    pthread_t conns[SRV_MAX_CONNS];
    int n_conns;
    atomic_bool stop;
    pthread_mutex_t mu;
    smtp_msg msgs[SRV_MAX_MSGS];
    int n_msgs;
    const char *refuse; /* RCPT addresses containing this get 550 */
    bool silent;        /* accept connections but never answer */
} smtp_srv;

typedef struct conn_arg {
    smtp_srv *srv;
    int fd;
} conn_arg;

static void say(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* Reads one CRLF-terminated line into line (without CRLF); false on EOF or
 * stop. in/len hold bytes read ahead. */
static bool read_line(smtp_srv *srv, int fd, char *in, size_t *len, char *line, size_t cap)
{
    for (;;) {
        char *crlf = NULL;
        for (size_t i = 0; i + 1 < *len; i++)
            if (in[i] == '\r' && in[i + 1] == '\n') {
                crlf = in + i;
                break;
            }
        if (crlf) {
            size_t l = (size_t)(crlf - in);
            size_t c = l < cap - 1 ? l : cap - 1;
            memcpy(line, in, c);
            line[c] = '\0';
            memmove(in, crlf + 2, *len - l - 2);
            *len -= l + 2;
            return true;
        }
        if (atomic_load(&srv->stop) || *len >= 65536)
            return false;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t r = recv(fd, in + *len, 65536 - *len, 0);
        if (r <= 0)
            return false;
        *len += (size_t)r;
    }
}

static void *conn_main(void *arg)
{
    conn_arg *ca = arg;
    smtp_srv *srv = ca->srv;
    int fd = ca->fd;
    free(ca);
    char *in = malloc(65536 + 1);
    char line[2048], from[128] = "", rcpt[128] = "";
    size_t len = 0;
    while (srv->silent && !atomic_load(&srv->stop))
        usleep(10000);
    say(fd, "220 test.local ESMTP\r\n");
    while (in && read_line(srv, fd, in, &len, line, sizeof line)) {
        if (strncasecmp(line, "EHLO", 4) == 0) {
            say(fd, "250-test.local\r\n250 8BITMIME\r\n");
        } else if (strncasecmp(line, "HELO", 4) == 0) {
            say(fd, "250 test.local\r\n");
        } else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
            snprintf(from, sizeof from, "%.120s", line + 10);
            rcpt[0] = '\0';
            say(fd, "250 2.1.0 ok\r\n");
        } else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
            if (srv->refuse && strstr(line, srv->refuse)) {
                say(fd, "550 5.1.1 no such mailbox\r\n");
            } else {
                snprintf(rcpt, sizeof rcpt, "%.120s", line + 8);
                say(fd, "250 2.1.5 ok\r\n");
            }
        } else if (strncasecmp(line, "DATA", 4) == 0) {
            if (!rcpt[0]) {
                say(fd, "554 5.5.1 no valid recipients\r\n");
                continue;
            }
            say(fd, "354 go ahead\r\n");
            buf data = BUF_INIT;
            bool ended = false;
            while (read_line(srv, fd, in, &len, line, sizeof line)) {
                if (strcmp(line, ".") == 0) {
                    ended = true;
                    break;
                }
                buf_puts(&data, line);
                buf_puts(&data, "\r\n");
            }
            if (!ended) {
                buf_free(&data);
                break;
            }
            pthread_mutex_lock(&srv->mu);
            if (srv->n_msgs < SRV_MAX_MSGS) {
                smtp_msg *m = &srv->msgs[srv->n_msgs++];
                snprintf(m->from, sizeof m->from, "%s", from);
                snprintf(m->rcpt, sizeof m->rcpt, "%s", rcpt);
                m->data = data;
            } else {
                buf_free(&data);
            }
            pthread_mutex_unlock(&srv->mu);
            rcpt[0] = '\0';
            say(fd, "250 2.0.0 queued\r\n");
        } else if (strncasecmp(line, "RSET", 4) == 0 || strncasecmp(line, "NOOP", 4) == 0) {
            rcpt[0] = '\0';
            say(fd, "250 2.0.0 ok\r\n");
        } else if (strncasecmp(line, "QUIT", 4) == 0) {
            say(fd, "221 2.0.0 bye\r\n");
            break;
        } else {
            say(fd, "502 5.5.2 not implemented\r\n");
        }
    }
    free(in);
    close(fd);
    return NULL;
}

static void *srv_main(void *arg)
{
    smtp_srv *srv = arg;
    while (!atomic_load(&srv->stop)) {
        struct pollfd p = {srv->lfd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int fd = accept(srv->lfd, NULL, NULL);
        if (fd < 0)
            continue;
        conn_arg *ca = malloc(sizeof *ca);
        if (!ca || srv->n_conns >= SRV_MAX_CONNS) {
            free(ca);
            close(fd);
            continue;
        }
        ca->srv = srv;
        ca->fd = fd;
        if (pthread_create(&srv->conns[srv->n_conns], NULL, conn_main, ca) == 0) {
            __atomic_add_fetch(&srv->n_conns, 1, __ATOMIC_SEQ_CST);
        } else {
            free(ca);
            close(fd);
        }
    }
    for (int i = 0; i < srv->n_conns; i++)
        pthread_join(srv->conns[i], NULL);
    return NULL;
}

static int srv_start(smtp_srv *srv)
{
    memset(srv, 0, sizeof *srv);
    pthread_mutex_init(&srv->mu, NULL);
    srv->lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (srv->lfd < 0 || bind(srv->lfd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(srv->lfd, 16) != 0 || getsockname(srv->lfd, (struct sockaddr *)&a, &al) != 0)
        return -1;
    srv->port = ntohs(a.sin_port);
    return pthread_create(&srv->th, NULL, srv_main, srv) == 0 ? 0 : -1;
}

static void srv_stop(smtp_srv *srv)
{
    atomic_store(&srv->stop, true);
    pthread_join(srv->th, NULL);
    close(srv->lfd);
    for (int i = 0; i < srv->n_msgs; i++)
        buf_free(&srv->msgs[i].data);
    pthread_mutex_destroy(&srv->mu);
}

static int srv_conns(smtp_srv *srv)
{
    return __atomic_load_n(&srv->n_conns, __ATOMIC_SEQ_CST);
}

static int srv_count(smtp_srv *srv)
{
    pthread_mutex_lock(&srv->mu);
    int n = srv->n_msgs;
    pthread_mutex_unlock(&srv->mu);
    return n;
}

/* --- fixture ------------------------------------------------------------------ */

typedef struct fixture {
    testdb t;
    char url[64];
    smtp_srv srv;
    mail_config cfg;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || testdb_open(&f->t) != 0) {
        free(f);
        return -1;
    }
    if (srv_start(&f->srv) != 0) {
        testdb_close(&f->t);
        free(f);
        return -1;
    }
    f->srv.refuse = "nobody@";
    snprintf(f->url, sizeof f->url, "smtp://127.0.0.1:%d", f->srv.port);
    f->cfg = (mail_config){.url = f->url, .from = "SCAN <noreply@scan.local>"};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    srv_stop(&f->srv);
    testdb_close(&f->t);
    free(f);
    return 0;
}

static void queue(db *d, const char *to, const char *subject, const char *body)
{
    assert_int_equal(db_begin_write(d), DB_OK);
    assert_int_equal(mail_queue(d, to, subject, body), DB_OK);
    assert_int_equal(db_commit(d), DB_OK);
}

static int64_t scalar(db *d, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(db_scalar_int(d, sql, &v), DB_OK);
    return v;
}

/* The value of header name in a message (unfolded), or "" (static). */
static const char *header(const char *msg, const char *name)
{
    static char out[2048];
    out[0] = '\0';
    size_t nl = strlen(name);
    const char *end = strstr(msg, "\r\n\r\n");
    for (const char *p = msg; p && p < end; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : NULL) {
        if (strncasecmp(p, name, nl) != 0 || p[nl] != ':')
            continue;
        const char *v = p + nl + 1;
        while (*v == ' ')
            v++;
        size_t k = 0;
        while (v < end && k + 1 < sizeof out) {
            if (v[0] == '\r' && v[1] == '\n') {
                if (v[2] != ' ' && v[2] != '\t')
                    break;
                v += 2; /* unfold */
                continue;
            }
            out[k++] = *v++;
        }
        out[k] = '\0';
        break;
    }
    return out;
}

/* Decodes a run of RFC 2047 "=?UTF-8?B?...?=" words separated by spaces. */
static void decode_words(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        assert_true(strncmp(s, "=?UTF-8?B?", 10) == 0);
        s += 10;
        const char *e = strstr(s, "?=");
        assert_non_null(e);
        assert_true(e - s + 12 <= 75); /* RFC 2047: at most 75 characters */
        size_t bin_len = 0;
        assert_int_equal(sodium_base642bin((unsigned char *)out + k, cap - k - 1, s,
                                           (size_t)(e - s), NULL, &bin_len, NULL,
                                           sodium_base64_VARIANT_ORIGINAL),
                         0);
        k += bin_len;
        s = e + 2;
    }
    out[k] = '\0';
}

/* --- tests -------------------------------------------------------------------- */

static const char CYR_SUBJECT[] =
    "Позивница за SCAN платформу — добродошли у Српску асоцијацију кластера";
static const char CYR_BODY[] = "Здраво Ана,\n\nдобродошли на платформу.\n.hidden line\r\nЂорђе\n";

static void test_delivers_utf8_mail(void **state)
{
    fixture *f = *state;
    queue(f->t.d, "ana@example.org", CYR_SUBJECT, CYR_BODY);
    queue(f->t.d, "bob@example.org", "Plain subject", "Hello Bob");
    int sent = -1;
    assert_int_equal(mail_deliver(f->t.d, &f->cfg, 10, &sent), DB_OK);
    assert_int_equal(sent, 2);
    assert_int_equal(srv_count(&f->srv), 2);

    smtp_msg *m = &f->srv.msgs[0];
    const char *raw = buf_str(&m->data);
    assert_string_equal(m->from, "<noreply@scan.local>");
    assert_string_equal(m->rcpt, "<ana@example.org>");
    assert_string_equal(header(raw, "From"), "SCAN <noreply@scan.local>");
    assert_string_equal(header(raw, "To"), "ana@example.org");
    assert_string_equal(header(raw, "MIME-Version"), "1.0");
    assert_string_equal(header(raw, "Content-Type"), "text/plain; charset=utf-8");
    assert_string_equal(header(raw, "Content-Transfer-Encoding"), "8bit");
    assert_non_null(strstr(header(raw, "Message-ID"), "@scan.local>"));
    assert_non_null(strstr(header(raw, "Date"), " +0000"));
    char subject[512];
    const char *enc = header(raw, "Subject");
    assert_true(strncmp(enc, "=?UTF-8?B?", 10) == 0);
    decode_words(enc, subject, sizeof subject);
    assert_string_equal(subject, CYR_SUBJECT);
    /* CRLF everywhere, and curl dot-stuffed the line that began with '.' */
    for (const char *p = raw; (p = strchr(p, '\n')); p++)
        assert_true(p > raw && p[-1] == '\r');
    const char *body = strstr(raw, "\r\n\r\n");
    assert_non_null(body);
    assert_string_equal(body + 4, "Здраво Ана,\r\n\r\nдобродошли на платформу.\r\n"
                                  "..hidden line\r\nЂорђе\r\n");

    const char *raw2 = buf_str(&f->srv.msgs[1].data);
    assert_string_equal(header(raw2, "Subject"), "Plain subject");
    assert_string_equal(strstr(raw2, "\r\n\r\n") + 4, "Hello Bob\r\n");

    arena a = ARENA_INIT;
    outbox_row *rows;
    size_t n;
    assert_int_equal(mail_outbox_list(f->t.d, &a, 10, &rows, &n), DB_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].to, "bob@example.org"); /* newest first */
    for (size_t i = 0; i < n; i++) {
        assert_true(rows[i].sent_at > 0);
        assert_int_equal(rows[i].attempts, 0);
        assert_null(rows[i].last_error);
    }
    assert_string_equal(rows[1].subject, CYR_SUBJECT);
    arena_free(&a);

    assert_int_equal(mail_deliver(f->t.d, &f->cfg, 10, &sent), DB_OK);
    assert_int_equal(sent, 0); /* nothing is sent twice */
    assert_int_equal(srv_count(&f->srv), 2);
}

static void test_refused_recipient_is_recorded(void **state)
{
    fixture *f = *state;
    queue(f->t.d, "nobody@example.org", "Hello", "Body");
    queue(f->t.d, "ana@example.org", "After a refusal", "Body"); /* same batch, same connection */
    int sent = -1;
    assert_int_equal(mail_deliver(f->t.d, &f->cfg, 10, &sent), DB_OK);
    assert_int_equal(sent, 1);
    assert_int_equal(srv_count(&f->srv), 1);
    assert_string_equal(f->srv.msgs[0].rcpt, "<ana@example.org>");
    arena a = ARENA_INIT;
    outbox_row *rows;
    size_t n;
    assert_int_equal(mail_outbox_list(f->t.d, &a, 10, &rows, &n), DB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[1].id, 1);
    assert_int_equal(rows[1].attempts, 1);
    assert_int_equal(rows[1].sent_at, 0);
    assert_non_null(rows[1].last_error);
    assert_non_null(strstr(rows[1].last_error, "550"));
    assert_true(rows[0].sent_at > 0);
    arena_free(&a);

    /* not due again at once (back-off) */
    assert_int_equal(mail_deliver(f->t.d, &f->cfg, 10, &sent), DB_OK);
    assert_int_equal(scalar(f->t.d, "SELECT attempts FROM outbox WHERE id = 1"), 1);

    /* the fifth attempt is the last */
    assert_int_equal(
        db_exec(f->t.d,
                "UPDATE outbox SET attempts = 4, created_at = created_at - 86400 WHERE id = 1"),
        DB_OK);
    assert_int_equal(mail_deliver(f->t.d, &f->cfg, 10, &sent), DB_OK);
    assert_int_equal(scalar(f->t.d, "SELECT attempts FROM outbox WHERE id = 1"), MAIL_MAX_ATTEMPTS);
    assert_int_equal(mail_deliver(f->t.d, &f->cfg, 10, &sent), DB_OK);
    assert_int_equal(scalar(f->t.d, "SELECT attempts FROM outbox WHERE id = 1"), MAIL_MAX_ATTEMPTS);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"), 1);
}

static void test_unreachable_server_is_recorded(void **state)
{
    fixture *f = *state;
    queue(f->t.d, "ana@example.org", "Hello", "Body");
    mail_config cfg = f->cfg;
    cfg.url = "smtp://127.0.0.1:1"; /* nothing listens there */
    int sent = -1;
    assert_int_equal(mail_deliver(f->t.d, &cfg, 10, &sent), DB_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(scalar(f->t.d, "SELECT attempts FROM outbox WHERE sent_at IS NULL"), 1);
    assert_int_equal(
        scalar(f->t.d, "SELECT count(*) FROM outbox WHERE last_error LIKE '%connect%'"), 1);
}

static void test_queue_refuses_header_injection(void **state)
{
    fixture *f = *state;
    const char *bad[][2] = {
        {"ana@example.org", "Hi\r\nBcc: eve@example.org"},
        {"ana@example.org", "Hi\nthere"},
        {"ana@example.org", "Hi\rthere"},
        {"ana@example.org\r\nBcc: eve@example.org", "Hi"},
        {"ana@example.org, eve@example.org", "Hi"},
        {"Ana <ana@example.org>", "Hi"},
        {"no-at-sign", "Hi"},
        {"", "Hi"},
        {"ana@example.org", "bad \xff utf-8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(mail_queue(f->t.d, bad[i][0], bad[i][1], "body"), DB_CONSTRAINT);
    assert_int_equal(mail_queue(f->t.d, "ana@example.org", "Hi", NULL), DB_CONSTRAINT);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM outbox"), 0);
}

/* Extra header lines (List-Unsubscribe, RFC 8058) go out as given, and an
 * HTML alternative makes the message multipart/alternative: the text part
 * as before, the HTML part in base64 lines that decode to the HTML. */
static void test_headers_and_html_alternative(void **state)
{
    fixture *f = *state;
    const char *hdr[] = {"List-Unsubscribe: <https://scan.example/u/abc>",
                         "List-Unsubscribe-Post: List-Unsubscribe=One-Click"};
    const char *html = "<!DOCTYPE html><p>Здраво <a href=\"https://scan.example/x\">x</a></p>";
    int64_t id = 0;
    assert_int_equal(db_begin_write(f->t.d), DB_OK);
    assert_int_equal(
        mail_queue_ex(f->t.d, "ana@example.org", "Digest", "Text part", html, hdr, 2, &id), DB_OK);
    assert_int_equal(db_commit(f->t.d), DB_OK);
    assert_true(id > 0);
    int sent = -1;
    assert_int_equal(mail_deliver(f->t.d, &f->cfg, 10, &sent), DB_OK);
    assert_int_equal(sent, 1);
    const char *raw = buf_str(&f->srv.msgs[0].data);
    assert_string_equal(header(raw, "List-Unsubscribe"), "<https://scan.example/u/abc>");
    assert_string_equal(header(raw, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    const char *ct = header(raw, "Content-Type");
    assert_true(strncmp(ct, "multipart/alternative; boundary=\"", 33) == 0);
    char boundary[64];
    snprintf(boundary, sizeof boundary, "--%.*s", (int)(strlen(ct) - 34), ct + 33);
    const char *p1 = strstr(raw, boundary);
    assert_non_null(p1);
    assert_non_null(strstr(p1, "text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit"
                               "\r\n\r\nText part\r\n"));
    const char *p2 = strstr(p1 + 1, boundary);
    assert_non_null(p2);
    const char *b64 = strstr(p2, "Content-Transfer-Encoding: base64\r\n\r\n");
    assert_non_null(b64);
    b64 += strlen("Content-Transfer-Encoding: base64\r\n\r\n");
    unsigned char dec[512];
    size_t n = 0;
    const char *end = NULL;
    assert_int_equal(sodium_base642bin(dec, sizeof dec - 1, b64, strlen(b64), "\r\n", &n, &end,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    dec[n] = '\0';
    assert_string_equal((char *)dec, html);
    char closing[80];
    snprintf(closing, sizeof closing, "%s--\r\n", boundary);
    assert_non_null(strstr(raw, closing));

    /* header lines the sender writes itself, or with CR/LF, are refused */
    const char *bad[] = {"From: eve@example.org", "X-A: b\r\nBcc: eve@example.org", "No colon",
                         "X-Empty: ", "Subject: again"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(
            mail_queue_ex(f->t.d, "ana@example.org", "Hi", "b", NULL, &bad[i], 1, NULL),
            DB_CONSTRAINT);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM outbox"), 1);
}

static void test_without_smtp_mail_waits(void **state)
{
    fixture *f = *state;
    queue(f->t.d, "ana@example.org", "Hello", "Body");
    mail_config off = {.url = NULL, .from = "SCAN <noreply@scan.local>"};
    int sent = -1;
    assert_int_equal(mail_deliver(f->t.d, &off, 10, &sent), DB_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(scalar(f->t.d, "SELECT attempts FROM outbox WHERE sent_at IS NULL"), 0);
}

/* The Message-ID is the row's: built twice (a mail sent again after a
 * crash before its outcome was recorded), one row gives one Message-ID;
 * another row, another. */
static void message_id_of(int64_t id, const char *to, char *out, size_t n)
{
    buf b = BUF_INIT;
    mail_build(&b, "SCAN <noreply@scan.example>", id, to, "Vesti", "Tekst.", NULL, NULL, NULL);
    assert_false(buf_failed(&b));
    const char *m = strstr(buf_str(&b), "\r\nMessage-ID: <");
    assert_non_null(m);
    m += strlen("\r\nMessage-ID: ");
    snprintf(out, n, "%.*s", (int)strcspn(m, "\r"), m);
    buf_free(&b);
}

static void test_message_id_stable(void **state)
{
    (void)state;
    char a[128], b[128], c[128], d[128];
    message_id_of(41, "a@example.com", a, sizeof a);
    message_id_of(41, "a@example.com", b, sizeof b);
    message_id_of(42, "a@example.com", c, sizeof c);
    message_id_of(41, "b@example.com", d, sizeof d);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_string_not_equal(a, d);
    assert_true(strncmp(a, "<41.", 4) == 0);
    assert_non_null(strstr(a, "@scan.example>"));
}

/* A mail with a file: multipart/mixed, the text first (8bit), then the
 * file as text/calendar; method=PUBLISH in base64 that decodes back to
 * the calendar; a bad type or name is refused with nothing stored. */
static void test_attachment_mime(void **state)
{
    (void)state;
    const char *ics = "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nSUMMARY:Обука\r\nEND:VCALENDAR\r\n";
    mail_file f = {.type = "text/calendar; method=PUBLISH", .name = "event-7.ics", .data = ics};
    buf out = BUF_INIT;
    mail_build(&out, "SCAN <noreply@scan.example>", 7, "a@example.com", "Тема", "Текст поруке.",
               NULL, NULL, &f);
    assert_false(buf_failed(&out));
    const char *m = buf_str(&out);
    const char *ct = strstr(m, "Content-Type: multipart/mixed; boundary=\"");
    assert_non_null(ct);
    char boundary[80];
    const char *b = ct + strlen("Content-Type: multipart/mixed; boundary=\"");
    size_t bl = strcspn(b, "\"");
    assert_true(bl < sizeof boundary - 3);
    snprintf(boundary, sizeof boundary, "--%.*s", (int)bl, b);
    /* the text part, then the file part, then the closing boundary */
    const char *p1 = strstr(m, boundary);
    assert_non_null(p1);
    assert_non_null(strstr(p1, "Content-Type: text/plain; charset=utf-8\r\n"));
    const char *text = strstr(p1, "Текст поруке.");
    assert_non_null(text);
    const char *p2 = strstr(text, boundary);
    assert_non_null(p2);
    assert_non_null(strstr(p2, "Content-Type: text/calendar; method=PUBLISH; charset=utf-8; "
                               "name=\"event-7.ics\"\r\n"));
    assert_non_null(strstr(p2, "Content-Disposition: attachment; filename=\"event-7.ics\"\r\n"));
    assert_non_null(strstr(p2, "Content-Transfer-Encoding: base64\r\n\r\n"));
    const char *data = strstr(p2, "\r\n\r\n") + 4;
    const char *end = strstr(data, boundary);
    assert_non_null(end);
    char closing[90];
    snprintf(closing, sizeof closing, "%s--\r\n", boundary);
    assert_non_null(strstr(end, closing));
    /* the base64 lines decode to the calendar */
    char b64[1024] = {0};
    size_t k = 0;
    for (const char *q = data; q < end && k < sizeof b64 - 1; q++)
        if (*q != '\r' && *q != '\n')
            b64[k++] = *q;
    unsigned char bin[1024];
    size_t bin_len = 0;
    assert_int_equal(sodium_base642bin(bin, sizeof bin, b64, k, NULL, &bin_len, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    assert_int_equal(bin_len, strlen(ics));
    assert_memory_equal(bin, ics, bin_len);
    buf_free(&out);
}

static void test_attachment_queue_refuses_bad_names(void **state)
{
    fixture *f = *state;
    mail_file bad = {.type = "text/calendar", .name = "a\"b.ics", .data = "x"};
    assert_int_equal(mail_queue_file(f->t.d, "a@example.com", "s", "b", &bad), DB_CONSTRAINT);
    bad.name = "ok.ics";
    bad.type = "text/calendar\r\nBcc: x@example.com";
    assert_int_equal(mail_queue_file(f->t.d, "a@example.com", "s", "b", &bad), DB_CONSTRAINT);
    int64_t n = -1;
    assert_int_equal(db_scalar_int(f->t.d, "SELECT count(*) FROM outbox", &n), DB_OK);
    assert_int_equal(n, 0);
    mail_file ok = {.type = "text/calendar; method=PUBLISH", .name = "e.ics", .data = "BEGIN"};
    assert_int_equal(mail_queue_file(f->t.d, "a@example.com", "s", "b", &ok), DB_OK);
    assert_int_equal(
        db_scalar_int(f->t.d, "SELECT count(*) FROM outbox WHERE attach_name = 'e.ics'", &n),
        DB_OK);
    assert_int_equal(n, 1);
}

static void test_from_valid(void **state)
{
    assert_true(mail_from_valid("SCAN <noreply@scan.local>"));
    assert_true(mail_from_valid("noreply@scan.local"));
    assert_true(mail_from_valid("Кластер <office@klaster.rs>"));
    assert_false(mail_from_valid(NULL));
    assert_false(mail_from_valid("SCAN"));
    assert_false(mail_from_valid("SCAN <noreply@scan.local"));
    assert_false(mail_from_valid("SCAN <a@b>\r\nBcc: x@y"));
    assert_false(mail_from_valid("SCAN <a@b> trailing"));
}

static void test_sender_thread_delivers_and_stops_promptly(void **state)
{
    fixture *f = *state;
    queue(f->t.d, "ana@example.org", "Through the thread", "Body");
    assert_int_equal(mail_sender_start(f->t.path, &f->cfg), 0);
    assert_int_equal(mail_sender_start(f->t.path, &f->cfg), -1); /* one sender only */
    for (int i = 0; i < 100 && srv_count(&f->srv) < 1; i++)
        usleep(50000);
    assert_int_equal(srv_count(&f->srv), 1);
    for (int i = 0; i < 100 && scalar(f->t.d, "SELECT count(*) FROM outbox WHERE sent_at IS NULL");
         i++)
        usleep(20000);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"), 0);
    uint64_t t0 = time_mono_us();
    mail_sender_stop();
    /* woken, not waiting out its 5 s (a bound far from both, for busy machines) */
    assert_true(time_mono_us() - t0 < 3000000);
    mail_sender_stop(); /* a second stop is a no-op */
}

static void test_sender_stop_aborts_a_hanging_transfer(void **state)
{
    fixture *f = *state;
    f->srv.silent = true; /* connects, then no greeting: curl would wait 30 s */
    queue(f->t.d, "ana@example.org", "Never answered", "Body");
    assert_int_equal(mail_sender_start(f->t.path, &f->cfg), 0);
    for (int i = 0; i < 100 && srv_conns(&f->srv) < 1; i++)
        usleep(20000);
    assert_int_equal(srv_conns(&f->srv), 1);
    usleep(200000); /* not a wait for a condition: lets the transfer hang a while */
    uint64_t t0 = time_mono_us();
    mail_sender_stop();
    assert_true(time_mono_us() - t0 < 10000000); /* aborted, not curl's 30 s */
    /* an attempt cut short by the stop is not counted against the message */
    assert_int_equal(scalar(f->t.d, "SELECT attempts FROM outbox WHERE sent_at IS NULL"), 0);
}

/* Two senders on one database (two app servers): what one has claimed the
 * other does not send, until the claim lapses; claims never overlap. */
static void test_two_senders_never_send_one_mail_twice(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 3; i++)
        queue(f->t.d, "ana@example.org", "Claimed", "Body");
    db *other = NULL;
    buf err = BUF_INIT;
    db_options o = {0};
    assert_int_equal(db_open(f->t.path, &o, &other, &err), DB_OK);
    buf_free(&err);
    int64_t now = time_now(), claimed = 0;
    assert_int_equal(mail_claim(other, 2, "sender-b", now, &claimed), DB_OK);
    assert_int_equal(claimed, 2);
    assert_int_equal(mail_claim(other, 10, "sender-c", now, &claimed), DB_OK);
    assert_int_equal(claimed, 1); /* only the one nobody holds */
    int sent = -1;
    assert_int_equal(mail_deliver(f->t.d, &f->cfg, 10, &sent), DB_OK);
    assert_int_equal(sent, 0); /* every mail is someone else's now */
    assert_int_equal(srv_count(&f->srv), 0);
    /* the other senders died: their claims lapse, and this one sends each once */
    time_set_now(now + 3600);
    assert_int_equal(mail_deliver(f->t.d, &f->cfg, 10, &sent), DB_OK);
    assert_int_equal(sent, 3);
    assert_int_equal(srv_count(&f->srv), 3);
    assert_int_equal(mail_deliver(f->t.d, &f->cfg, 10, &sent), DB_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM outbox WHERE claim_token IS NOT NULL"),
                     0);
    time_set_now(0);
    db_close(other);
}

/* A sender killed mid-batch (kill -9: its claim is never released) holds
 * the batch's rest for at most one message's worst case, not for a whole
 * batch's (20 x 40 s: a restarted server waited 14 minutes to finish a
 * newsletter, bench/newsletter.sh). */
static void test_a_dead_senders_claim_lapses_soon(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 3; i++)
        queue(f->t.d, "ana@example.org", "Claimed", "Body");
    int64_t now = time_now(), claimed = 0;
    assert_int_equal(mail_claim(f->t.d, 20, "dead-sender", now, &claimed), DB_OK);
    assert_int_equal(claimed, 3);
    int sent = -1;
    time_set_now(now + 30);
    assert_int_equal(mail_deliver(f->t.d, &f->cfg, 20, &sent), DB_OK);
    assert_int_equal(sent, 0); /* still held: it might be sending */
    time_set_now(now + 101);
    assert_int_equal(mail_deliver(f->t.d, &f->cfg, 20, &sent), DB_OK);
    assert_int_equal(sent, 3);
    assert_int_equal(srv_count(&f->srv), 3);
    /* a live sender's claim is renewed with each outcome: nothing of its
     * own batch lapses while it sends */
    assert_int_equal(scalar(f->t.d, "SELECT count(*) FROM outbox WHERE claim_token IS NOT NULL"),
                     0);
    time_set_now(0);
}

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_delivers_utf8_mail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_senders_never_send_one_mail_twice, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_dead_senders_claim_lapses_soon, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_recipient_is_recorded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable_server_is_recorded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_refuses_header_injection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_headers_and_html_alternative, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_smtp_mail_waits, setup, teardown),
        cmocka_unit_test(test_from_valid),
        cmocka_unit_test(test_attachment_mime),
        cmocka_unit_test(test_message_id_stable),
        cmocka_unit_test_setup_teardown(test_attachment_queue_refuses_bad_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sender_thread_delivers_and_stops_promptly, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sender_stop_aborts_a_hanging_transfer, setup,
                                        teardown),
    };
    int rc = cmocka_run_group_tests_name("mail", tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
