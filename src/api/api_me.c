/* api_me.c: GET /api/v1/me, who the token or session of the request
 * belongs to: the person, their secretariat role, the credential (a
 * token's scope and expiry, null for a session) and their current
 * affiliations. The account pages are in web_account.c. */
#include "core/timeutil.h"
#include "json/json.h"
#include "model/person.h"
#include "web/web.h"

void api_me(req *r)
{
    const principal *u = r->user;
    person_affil *af = NULL;
    size_t n_af = 0;
    db_status st = person_affiliations(r->db, r->a, u->person_id, &af, &n_af);
    if (st != DB_OK) {
        resp_fail(r, st, "api me");
        return;
    }
    buf *o = &r->out;
    r->content_type = "application/json";
    r->cache_control = "no-store";
    buf_puts(o, "{");
    json_put_key(o, "id", true);
    json_put_int(o, u->person_id);
    json_put_key(o, "name", false);
    json_put_string(o, u->name);
    json_put_key(o, "email", false);
    json_put_string(o, u->email);
    json_put_key(o, "secretariat", false);
    json_put_string(o, u->secretariat == SEC_ADMIN    ? "admin"
                       : u->secretariat == SEC_EDITOR ? "editor"
                                                      : NULL);
    /* the credential of this request: how long a token still works */
    json_put_key(o, "token", false);
    if (u->token_id) {
        buf_putc(o, '{');
        json_put_key(o, "id", true);
        json_put_int(o, u->token_id);
        json_put_key(o, "scope", false);
        json_put_string(o, u->token_write ? "write" : "read");
        json_put_key(o, "expires_at", false);
        buf_putc(o, '"');
        time_fmt_iso(o, u->token_expires_at);
        buf_puts(o, "\"}");
    } else {
        buf_puts(o, "null");
    }
    json_put_key(o, "affiliations", false);
    buf_puts(o, "[");
    for (size_t i = 0; i < n_af; i++) {
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "org_id", true);
        json_put_int(o, af[i].org_id);
        json_put_key(o, "org_slug", false);
        json_put_string(o, af[i].org_slug);
        json_put_key(o, "org_name", false);
        json_put_string(o, af[i].org_name);
        json_put_key(o, "role", false);
        json_put_string(o, af[i].role);
        buf_puts(o, "}");
    }
    buf_puts(o, "]}\n");
}
