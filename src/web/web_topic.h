/* web_topic.h: the canonical form of a saved search (web_topic.c). */
#ifndef SCAN_WEB_TOPIC_H
#define SCAN_WEB_TOPIC_H

#include "core/arena.h"
#include "model/notify.h"

/* The canonical form of a list page's query string: parameters without a
 * value and the ones that only choose a view (page, lang, sort, cursor,
 * format) dropped, the rest sorted by name then value and re-encoded.
 * Input may start with '?'. Returns TOPIC_OK or TOPIC_BAD_QUERY /
 * TOPIC_TOO_LONG; *out is an arena string. Pure (for tests). */
topic_error notify_topic_canonical(arena *a, const char *query, const char **out);

#endif
