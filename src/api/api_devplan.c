/* api_devplan.c: GET /api/v1/clusters/{slug}/plan, a cluster's
 * development plan as JSON (issue 15). The same rights as the page: whoever
 * may edit the cluster (RIGHT_ORG_EDIT); reading, so a read-only token of
 * such a person reads it too. 401 without a login, 403 for anyone else,
 * 404 for a slug that is not a cluster or initiative. */
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/devplan.h"
#include "model/org.h"
#include "model/rights.h"
#include "web/web.h"

/* json_put_string writes null for NULL. */
static void put_action(buf *o, const devplan_action *x)
{
    buf_puts(o, "{");
    json_put_key(o, "id", true);
    json_put_int(o, x->id);
    json_put_field(o, "title", x->title);
    json_put_key(o, "owner_person_id", false);
    if (x->owner_person_id)
        json_put_int(o, x->owner_person_id);
    else
        buf_puts(o, "null");
    json_put_field(o, "owner", x->owner_name);
    json_put_field(o, "deadline", x->deadline);
    json_put_field(o, "status", x->status);
    json_put_field(o, "done_on", x->done_on);
    json_put_key(o, "overdue", false);
    json_put_bool(o, x->overdue);
    buf_puts(o, "}");
}

void api_devplan_get(req *r)
{
    org_rec org;
    if (!api_cluster_load(r, &org))
        return;
    principal q = *r->user; /* RF_LOGIN: never NULL here */
    q.token_write = true;   /* reading what its person may edit */
    if (!rights_can(r->db, &q, RIGHT_ORG_EDIT, org.id)) {
        resp_error(r, 403, "Only the cluster's management team and the secretariat read its plan.");
        return;
    }
    char today[11];
    time_today(today);
    devplan p;
    db_status st = devplan_get(r->db, r->a, org.id, today, &p);
    if (st != DB_OK) {
        resp_fail(r, st, "devplan_get");
        return;
    }
    buf *o = &r->out;
    r->content_type = "application/json";
    buf_puts(o, "{");
    json_put_key(o, "cluster", true);
    json_put_string(o, org.slug);
    json_put_field(o, "today", today);
    json_put_key(o, "overdue", false);
    json_put_int(o, (int64_t)p.n_overdue);
    json_put_key(o, "goals", false);
    buf_puts(o, "[");
    for (size_t i = 0; i < p.n_goals; i++) {
        const devplan_goal *g = &p.goals[i];
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "id", true);
        json_put_int(o, g->id);
        json_put_field(o, "title", g->title);
        json_put_field(o, "description", g->description);
        json_put_key(o, "groups", false);
        buf_puts(o, "[");
        for (size_t k = 0; k < g->n_groups; k++) {
            if (k)
                buf_puts(o, ",");
            json_put_string(o, g->groups[k]);
        }
        buf_puts(o, "]");
        json_put_key(o, "actions", false);
        buf_puts(o, "[");
        for (size_t k = 0; k < g->n_actions; k++) {
            if (k)
                buf_puts(o, ",");
            put_action(o, &g->actions[k]);
        }
        buf_puts(o, "]}");
    }
    buf_puts(o, "]");
    json_put_key(o, "reviews", false);
    buf_puts(o, "[");
    for (size_t i = 0; i < p.n_reviews; i++) {
        const devplan_review *x = &p.reviews[i];
        buf_puts(o, i ? ",{" : "{");
        json_put_key(o, "year", true);
        json_put_int(o, x->year);
        json_put_field(o, "reviewed_on", x->reviewed_on);
        json_put_field(o, "by", x->by_name);
        json_put_field(o, "text", x->body);
        buf_puts(o, "}");
    }
    buf_puts(o, "]}");
}
