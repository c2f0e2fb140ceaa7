/* api_system.c: the API's self-description. The OpenAPI document is a
 * hand-written file (assets/openapi.json) embedded at build time; a test
 * checks that every /api/ route of the route table is in it. */
#include <string.h>

#include "embedded.h"
#include "web/web.h"

void api_openapi(req *r)
{
    for (unsigned i = 0; i < embedded_n_assets; i++) {
        if (strcmp(embedded_assets[i].name, "openapi.json") != 0)
            continue;
        r->static_body = embedded_assets[i].data;
        r->static_len = embedded_assets[i].len;
        r->content_type = "application/json";
        r->etag = embedded_assets[i].hash;
        return;
    }
    resp_error(r, 404, "The API description is missing from this build.");
}
