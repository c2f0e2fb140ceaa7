/* web_topic.c: the canonical form of a saved search's query string
 * (notify_topic_canonical, declared in web_topic.h). It parses a query
 * string, which is the HTTP layer's work, so it lives with the pages: the
 * settings page canonicalises what a person saves, and the model
 * (notify_topic_add) stores it as given. Pure apart from the arena, so it
 * is fuzzed alone (fuzz/fuzz_topic.c). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "web/web_topic.h"

/* Parameters that choose how a list is shown, not what is in it. */
static bool view_only(const char *name)
{
    static const char *const v[] = {"page",  "lang",   "sort",    "cursor",
                                    "after", "format", "per_page"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (strcmp(name, v[i]) == 0)
            return true;
    return false;
}

static int field_cmp(const void *x, const void *y)
{
    const form_field *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->value, b->value);
}

static void put_component(buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            buf_putc(out, (char)*p);
        else if (*p == ' ')
            buf_putc(out, '+');
        else
            buf_printf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

topic_error notify_topic_canonical(arena *a, const char *query, const char **out)
{
    assert(a && out);
    *out = "";
    if (!query)
        return TOPIC_OK;
    if (*query == '?')
        query++;
    form f;
    const char *bad = NULL;
    if (strlen(query) > 4 * NOTIFY_QUERY_MAX)
        return TOPIC_TOO_LONG;
    if (form_parse_urlencoded(a, query, strlen(query), &f, &bad) != FORM_OK)
        return TOPIC_BAD_QUERY;
    form_field *keep = arena_zalloc(a, sizeof *keep * (f.n_fields + 1));
    if (!keep)
        return TOPIC_BAD_QUERY;
    size_t k = 0;
    for (size_t i = 0; i < f.n_fields; i++) {
        const char *n = f.fields[i].name;
        size_t nl = strlen(n);
        if (nl == 0 || nl > 30 || strspn(n, "abcdefghijklmnopqrstuvwxyz_") != nl)
            return TOPIC_BAD_QUERY;
        if (view_only(n))
            continue;
        /* trimmed values; an empty one filters nothing */
        const char *v = f.fields[i].value;
        while (*v == ' ')
            v++;
        size_t vl = strlen(v);
        while (vl > 0 && v[vl - 1] == ' ')
            vl--;
        if (vl == 0)
            continue;
        if (memchr(v, '\0', vl) || strlen(f.fields[i].value) != f.fields[i].value_len)
            return TOPIC_BAD_QUERY;
        keep[k].name = n;
        keep[k].value = arena_strndup(a, v, vl);
        if (!keep[k].value)
            return TOPIC_BAD_QUERY;
        k++;
    }
    qsort(keep, k, sizeof *keep, field_cmp);
    buf b = BUF_INIT;
    for (size_t i = 0; i < k; i++) {
        if (i > 0 && field_cmp(&keep[i], &keep[i - 1]) == 0)
            continue; /* the same filter twice is one filter */
        if (b.len)
            buf_putc(&b, '&');
        buf_puts(&b, keep[i].name);
        buf_putc(&b, '=');
        put_component(&b, keep[i].value);
    }
    topic_error e = TOPIC_OK;
    if (buf_failed(&b))
        e = TOPIC_BAD_QUERY;
    else if (b.len > NOTIFY_QUERY_MAX)
        e = TOPIC_TOO_LONG;
    else if (!(*out = arena_strdup(a, buf_str(&b))))
        e = TOPIC_BAD_QUERY;
    buf_free(&b);
    return e;
}
