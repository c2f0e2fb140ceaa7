/* api_tie.c: consent through the API (issue 14), one body for every
 * tie kind (model/tie.h):
 *
 *   POST /api/v1/agreements/{id}/consent  a party's answer
 *   POST /api/v1/projects/{id}/consent    a participant's or the funder's
 *
 * The body: {"org": an entry's id or slug, "decision": "confirm" or
 * "decline", "reason": text (decline, optional, one line of at most 500
 * characters), "as": "participant" (default) or "funder" (projects)}.
 * The same rule and rights as the pages' forms (web_tie_decide): 404 when
 * org is not so named, 403 unless the token's person speaks for org
 * (RIGHT_TIE_CONFIRM), 409 when it answered already, 422 naming the
 * field otherwise; 200 {"org","as","consent"} when stored. The callers
 * (api_agreement.c, api_project.c) load the object under their own
 * visibility rule first. */
#include <string.h>

#include "api/api.h"
#include "model/project.h"
#include "web/web_tie.h"

void api_tie_consent(req *r, const tie_kind *kinds, size_t n_kinds, const void *obj, int64_t id,
                     const char *not_found)
{
    json_t *body;
    if (!api_read_json(r, &body))
        return;
    api_errs e = {0};
    json_t *jo = json_object_get(body, "org"), *jd = json_object_get(body, "decision"),
           *jr = json_object_get(body, "reason"), *ja = json_object_get(body, "as");
    int64_t org = 0;
    db_status st = DB_OK;
    if (json_is_integer(jo) && json_integer_value(jo) > 0)
        org = json_integer_value(jo);
    else if (json_is_string(jo))
        st = project_resolve_org(r->db, json_string_value(jo), &org);
    if (st != DB_OK) {
        json_decref(body);
        resp_fail(r, st, "api tie org");
        return;
    }
    if (!org)
        api_errs_add(r, &e, "org", "Must be the id or the slug of an organisation named here.");
    const char *d = json_is_string(jd) ? json_string_value(jd) : NULL;
    if (!d || (strcmp(d, "confirm") != 0 && strcmp(d, "decline") != 0))
        api_errs_add(r, &e, "decision", "Must be \"confirm\" or \"decline\".");
    if (jr && !json_is_null(jr) && !json_is_string(jr))
        api_errs_add(r, &e, "reason", "Must be a string (or left out).");
    tie_kind kind = kinds[0];
    if (ja && !json_is_null(ja)) {
        bool ok = json_is_string(ja) && tie_kind_parse(json_string_value(ja), &kind);
        bool allowed = false;
        for (size_t i = 0; ok && i < n_kinds; i++)
            allowed |= kinds[i] == kind;
        if (!allowed)
            api_errs_add(r, &e, "as",
                         n_kinds > 1 ? "Must be \"participant\" or \"funder\"."
                                     : "Must be \"party\" (or left out).");
    }
    if (e.n) {
        json_decref(body);
        api_send_invalid(r, &e);
        return;
    }
    bool accept = strcmp(d, "confirm") == 0;
    const char *reason = json_is_string(jr) ? arena_strdup(r->a, json_string_value(jr)) : NULL;
    json_decref(body);
    switch (web_tie_decide(r, kind, obj, id, org, accept, reason)) {
    case WEB_TIE_DONE:
        api_send(r, 200,
                 json_pack("{s:I, s:s, s:s}", "org", (json_int_t)org, "as", tie_kind_code(kind),
                           "consent", accept ? "confirmed" : "declined"));
        return;
    case WEB_TIE_NOT_NAMED:
        resp_error(r, 404, not_found);
        return;
    case WEB_TIE_FORBIDDEN:
        resp_error(r, 403,
                   "Only the organisation's managers and representatives and the SCAN "
                   "secretariat may answer for it.");
        return;
    case WEB_TIE_NOT_WAITING:
        resp_error(r, 409, "This organisation's answer has already been given.");
        return;
    case WEB_TIE_BAD_REASON:
        api_errs_add(r, &e, "reason", "Must be one line of at most 500 characters.");
        api_send_invalid(r, &e);
        return;
    case WEB_TIE_FAILED:
        return;
    }
}
