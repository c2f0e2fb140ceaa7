/* log.h: one-line log records on stderr, as text or JSON lines.
 *
 * Used for the access log (one line per request) and for errors, each
 * tagged with the request id that the user sees on a 5xx page. Every
 * record is one write(2), so lines from threads never interleave; control
 * characters in messages are escaped so a request cannot forge log lines. */
#ifndef SCAN_LOG_H
#define SCAN_LOG_H

#include <stdbool.h>
#include <stdint.h>

typedef enum { LOG_TEXT, LOG_JSON } log_format;
typedef enum { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR } log_level;

/* Sets the output format and file descriptor (default: text on fd 2). */
void log_setup(log_format fmt, int fd);
/* Parses "text" or "json"; false when neither. */
bool log_parse_format(const char *s, log_format *out);

/* A free-form record. reqid may be NULL. */
void log_msg(log_level lvl, const char *reqid, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_info(...)  log_msg(LOG_LVL_INFO, NULL, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, NULL, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LVL_ERROR, NULL, __VA_ARGS__)

/* The access-log record of one finished request. */
void log_access(const char *reqid, const char *method, const char *path, unsigned status,
                uint64_t bytes, uint64_t micros);

#endif
