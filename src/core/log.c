/* log.c: text or JSON-lines records on one file descriptor (see log.h). */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"

static log_format g_fmt = LOG_TEXT;
static int g_fd = 2;

void log_setup(log_format fmt, int fd)
{
    g_fmt = fmt;
    g_fd = fd;
}

bool log_parse_format(const char *s, log_format *out)
{
    if (s && strcmp(s, "text") == 0)
        *out = LOG_TEXT;
    else if (s && strcmp(s, "json") == 0)
        *out = LOG_JSON;
    else
        return false;
    return true;
}

static const char *level_name(log_level l)
{
    switch (l) {
    case LOG_LVL_DEBUG:
        return "debug";
    case LOG_LVL_INFO:
        return "info";
    case LOG_LVL_WARN:
        return "warn";
    case LOG_LVL_ERROR:
        return "error";
    }
    return "?";
}

/* Appends s with control characters, quotes and backslashes escaped as in
 * JSON strings; used for both formats so no record spans two lines. */
static void put_escaped(buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (*p == '"' || *p == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)*p);
        } else if (*p < 0x20 || *p == 0x7f) {
            buf_printf(b, "\\u%04x", *p);
        } else {
            buf_putc(b, (char)*p);
        }
    }
}

static void put_time(buf *b)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    buf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
               tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

static void emit(buf *b)
{
    buf_putc(b, '\n');
    if (buf_failed(b))
        return;
    const char *p = b->data;
    size_t n = b->len;
    while (n > 0) {
        ssize_t w = write(g_fd, p, n);
        if (w <= 0)
            break;
        p += w;
        n -= (size_t)w;
    }
}

void log_msg(log_level lvl, const char *reqid, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    buf b = BUF_INIT;
    if (g_fmt == LOG_JSON) {
        buf_puts(&b, "{\"time\":\"");
        put_time(&b);
        buf_printf(&b, "\",\"level\":\"%s\"", level_name(lvl));
        if (reqid) {
            buf_puts(&b, ",\"request_id\":\"");
            put_escaped(&b, reqid);
            buf_putc(&b, '"');
        }
        buf_puts(&b, ",\"msg\":\"");
        put_escaped(&b, msg);
        buf_puts(&b, "\"}");
    } else {
        put_time(&b);
        buf_printf(&b, " %s", level_name(lvl));
        if (reqid) {
            buf_puts(&b, " [");
            put_escaped(&b, reqid);
            buf_putc(&b, ']');
        }
        buf_putc(&b, ' ');
        put_escaped(&b, msg);
    }
    if (buf_failed(&b)) {
        /* out of memory is exactly when the log matters: say it from the
         * stack, unescaped control characters replaced */
        for (char *c = msg; *c; c++)
            if ((unsigned char)*c < 0x20)
                *c = ' ';
        char line[2200];
        int n =
            snprintf(line, sizeof line, "%s [%s] %s\n", level_name(lvl), reqid ? reqid : "-", msg);
        if (n > 0 && write(g_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0)
            n = 0;
    } else {
        emit(&b);
    }
    buf_free(&b);
}

void log_access(const char *reqid, const char *method, const char *path, unsigned status,
                uint64_t bytes, uint64_t micros)
{
    buf b = BUF_INIT;
    if (g_fmt == LOG_JSON) {
        buf_puts(&b, "{\"time\":\"");
        put_time(&b);
        buf_puts(&b, "\",\"type\":\"access\",\"request_id\":\"");
        put_escaped(&b, reqid);
        buf_puts(&b, "\",\"method\":\"");
        put_escaped(&b, method);
        buf_puts(&b, "\",\"path\":\"");
        put_escaped(&b, path);
        buf_printf(&b, "\",\"status\":%u,\"bytes\":%llu,\"us\":%llu}", status,
                   (unsigned long long)bytes, (unsigned long long)micros);
    } else {
        put_time(&b);
        buf_puts(&b, " access ");
        put_escaped(&b, reqid);
        buf_putc(&b, ' ');
        put_escaped(&b, method);
        buf_putc(&b, ' ');
        /* one field per space-separated column: a decoded space is %20 */
        for (const char *p = path; p && *p; p++) {
            char one[2] = {*p, '\0'};
            if (*p == ' ')
                buf_puts(&b, "%20");
            else
                put_escaped(&b, one);
        }
        buf_printf(&b, " %u %llu %lluus", status, (unsigned long long)bytes,
                   (unsigned long long)micros);
    }
    emit(&b);
    buf_free(&b);
}
