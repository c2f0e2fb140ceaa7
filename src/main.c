/* main.c: the `scan` binary: argv goes to the command table in
 * src/cli/cli.c. Process-wide set-up that every command needs happens
 * here, once, before any thread starts. */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>

#include "cli/cli.h"
#include "db/db.h"
#include "core/timeutil.h"
#include "http/assets.h"
#include "i18n/i18n.h"
#include "model/org.h"
#include "json/json.h"
#include "model/auth.h"
#include "web/page_cache.h"
#include "web/web.h"

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "scan: cannot initialise libsodium\n");
        return 1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "scan: cannot initialise libcurl\n");
        return 1;
    }
    db_global_init();
    time_setup_zone();
    json_setup();
    if (i18n_init() != 0 || assets_init() != 0) {
        fprintf(stderr, "scan: out of memory at start-up\n");
        return 1;
    }
    web_setup();
    int rc = cli_main(argc, argv);
    page_cache_shutdown();
    ref_cache_shutdown();
    auth_shutdown();
    assets_shutdown();
    i18n_shutdown();
    curl_global_cleanup();
    return rc;
}
