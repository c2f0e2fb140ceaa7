/* api_notify.c: GET and PUT /api/v1/me/notifications, a person's
 * notification settings as JSON (the same model calls as the settings
 * page, web_notify.c). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "json/json.h"
#include "model/notify.h"
#include "web/web.h"

/* --- API ------------------------------------------------------------------------------ */

static void put_settings_json(req *r)
{
    notify_channel ch[16 + 1];
    notify_topic *topics = NULL;
    notify_followed *fol = NULL;
    size_t n_topics = 0, n_fol = 0;
    int64_t me = r->user->person_id;
    db_status st = notify_n_kinds < 16 ? notify_prefs_get(r->db, me, ch) : DB_ERR;
    if (st == DB_OK)
        st = notify_topics(r->db, r->a, me, &topics, &n_topics);
    if (st == DB_OK)
        st = notify_follows(r->db, r->a, me, &fol, &n_fol);
    if (st != DB_OK) {
        resp_fail(r, st, "api notification settings");
        return;
    }
    buf *o = &r->out;
    r->content_type = "application/json";
    r->cache_control = "no-store";
    buf_puts(o, "{");
    json_put_key(o, "settings", true);
    buf_putc(o, '{');
    json_put_key(o, NOTIFY_DIGEST, true);
    json_put_string(o, notify_channel_name(ch[notify_n_kinds]));
    for (size_t i = 0; i < notify_n_kinds; i++) {
        json_put_key(o, notify_kinds[i].id, false);
        json_put_string(o, notify_channel_name(ch[i]));
    }
    buf_puts(o, "}");
    json_put_key(o, "topics", false);
    buf_putc(o, '[');
    for (size_t i = 0; i < n_topics; i++) {
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "id", true);
        json_put_int(o, topics[i].id);
        json_put_key(o, "page", false);
        json_put_string(o, topics[i].page);
        json_put_key(o, "query", false);
        json_put_string(o, topics[i].query);
        buf_putc(o, '}');
    }
    buf_puts(o, "]");
    json_put_key(o, "clusters", false);
    buf_putc(o, '[');
    for (size_t i = 0; i < n_fol; i++) {
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "id", true);
        json_put_int(o, fol[i].cluster_id);
        json_put_key(o, "slug", false);
        json_put_string(o, fol[i].slug);
        json_put_key(o, "name", false);
        json_put_string(o, fol[i].name);
        buf_putc(o, '}');
    }
    buf_puts(o, "]}\n");
}

void api_notify_get(req *r)
{
    put_settings_json(r);
}

/* 422 {"error":{"code":"invalid","message":..,"fields":{"settings.<kind>": text}}}. */
static void send_invalid(req *r, const char *field, const char *text)
{
    buf *o = &r->out;
    r->status = 422;
    r->content_type = "application/json";
    r->no_etag = true;
    buf_reset(o);
    buf_puts(o, "{\"error\":{");
    json_put_key(o, "code", true);
    json_put_string(o, "invalid");
    json_put_key(o, "message", false);
    json_put_string(
        o, arena_printf(r->a, "This field is not valid: %s. See fields for what to fix.", field));
    json_put_key(o, "fields", false);
    buf_putc(o, '{');
    json_put_key(o, field, true);
    json_put_string(o, text);
    buf_puts(o, "}}}\n");
}

/* PUT {"settings": {"digest": "never", "<kind>": "immediate", ...}}: the
 * kinds named change, the others keep their channel. Every value is
 * checked before anything is stored. */
void api_notify_put(req *r)
{
    json_t *body = NULL;
    if (!api_read_json(r, &body))
        return;
    notify_choice c[32];
    size_t n = 0;
    const char *key;
    json_t *val;
    json_t *settings = json_object_get(body, "settings");
    json_object_foreach(body, key, val)
    {
        if (strcmp(key, "settings") != 0) {
            send_invalid(r, arena_printf(r->a, "%s", key),
                         "Unknown key: only \"settings\" can be changed here.");
            goto cleanup;
        }
    }
    if (!json_is_object(settings)) {
        send_invalid(r, "settings",
                     "Give an object of kind: channel (immediate, weekly or never).");
        goto cleanup;
    }
    json_object_foreach(settings, key, val)
    {
        const char *field = arena_printf(r->a, "settings.%s", key);
        if (n >= sizeof c / sizeof c[0]) {
            send_invalid(r, field, "Too many kinds in one request.");
            goto cleanup;
        }
        bool digest = strcmp(key, NOTIFY_DIGEST) == 0;
        if (!digest && !notify_kind_find(key)) {
            send_invalid(r, field, "Unknown kind of notification: see GET for the kinds.");
            goto cleanup;
        }
        c[n] = (notify_choice){digest ? NOTIFY_DIGEST : notify_kind_find(key)->id,
                               json_is_string(val) ? arena_strdup(r->a, json_string_value(val))
                                                   : NULL};
        if (!c[n].channel || !notify_choice_valid(&c[n])) {
            send_invalid(r, field,
                         digest ? "The digest is \"weekly\" or \"never\"."
                                : "A channel is \"immediate\", \"weekly\" or \"never\".");
            goto cleanup;
        }
        n++;
    }
    db_status st = notify_prefs_set(r->db, r->user->person_id, c, n, r->client_ip, NULL);
    if (st != DB_OK) {
        resp_fail(r, st, "api notification settings");
        goto cleanup;
    }
    put_settings_json(r);
cleanup:
    json_decref(body);
}
