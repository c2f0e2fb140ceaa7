/* cli_call.c: `scan calls remind`: the reminders 14 and 3 days before
 * funding-call deadlines from cron or a test, the same run the digest job
 * of `scan serve` makes every minute (call_remind_run in model/call.h). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/call.h"
#include "core/arena.h"
#include "model/notify.h"

int cli_call_remind(int argc, char **argv)
{
    const char *path = "var/scan.db";
    const char *base_url = NULL; /* --base-url, SCAN_BASE_URL or the recorded one */
    bool dry_run = false;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},
        {"--base-url", "SCAN_BASE_URL", OPT_STR, &base_url},
        {"--dry-run", NULL, OPT_FLAG, &dry_run},
    };
    char *pos[1];
    int n_pos;
    if (cli_parse("calls remind", argc, argv, opts, sizeof opts / sizeof opts[0], pos, 0, &n_pos))
        return 2;
    db *d = cli_open_db("calls remind", path, 0);
    if (!d)
        return 1;
    arena url_a = ARENA_INIT;
    base_url = cli_base_url("calls remind", d, &url_a, base_url);
    if (!base_url) {
        arena_free(&url_a);
        db_close(d);
        return 2;
    }
    notify_set_base_url(base_url);
    int sent = 0;
    db_status st = call_remind_run(d, time_now(), dry_run, base_url, &sent);
    int rc = 0;
    if (st != DB_OK)
        rc = cli_fail("calls remind", "stopped: %s (%s); reminders queued so far stand, run again",
                      db_status_name(st), db_errmsg(d));
    else
        printf("%d %s%s\n", sent, dry_run ? "reminders would be sent" : "reminders queued",
               dry_run ? " (dry run: nothing stored)" : "");
    notify_set_base_url(NULL);
    db_close(d);
    arena_free(&url_a);
    return rc;
}
