/* routes.c: the route table: every page and endpoint of SCAN, one row each.
 *
 * Flags are enforced centrally (guard.c) before a handler runs. A route
 * under /api/ must also appear in assets/openapi.json (a test compares
 * `scan routes` with it). Keep rows grouped by page group. */
#include "http/assets.h"
#include "http/router.h"
#include "web/web.h"

const route routes[] = {
    /* site */
    {HTTP_GET, "/", web_home, 0, 0, "Home page: what SCAN is"},
    {HTTP_GET, "/search", web_search, 0, 0, "Search the directory in any script"},
    /* system */
    {HTTP_GET, "/healthz", web_healthz, RF_INLINE | RF_NO_LOG, 0, "Health: version, uptime, database"},
    {HTTP_GET, "/assets/{dir}/{file}", assets_serve, RF_INLINE, 0, "Embedded static files"},
    {HTTP_GET, "/_test/sleep", web_test_sleep, RF_TEST | RF_NO_LOG, 0, "Test only: a slow request"},
    /* API */
    {HTTP_GET, "/api/v1/openapi.json", api_openapi, RF_INLINE, 0, "OpenAPI 3 document"},
    {HTTP_GET, "/api/v1/health", api_health, RF_INLINE, 0, "Health as JSON"},
};
const size_t n_routes = sizeof routes / sizeof routes[0];
