/* cli_digest.c: `scan digest run`: the weekly digest from cron or a test,
 * the same run as the job inside `scan serve` (digest.c). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "db/db.h"
#include "model/digest.h"
#include "core/arena.h"
#include "model/notify.h"

/* Reads --weekday/--hour style values into sch; returns 0 or 2. */
int cli_digest_schedule(const char *cmd, unsigned weekday, unsigned hour, digest_schedule *sch)
{
    if (weekday < 1 || weekday > 7 || hour > 23)
        return cli_usage_error(cmd, "--digest-weekday wants 1 (Monday) to 7 (Sunday) and "
                                    "--digest-hour 0 to 23 (Europe/Belgrade)");
    sch->weekday = (int)weekday;
    sch->hour = (int)hour;
    return 0;
}

int cli_digest_run(int argc, char **argv)
{
    const char *path = "var/scan.db";
    const char *base_url = NULL; /* --base-url, SCAN_BASE_URL or the recorded one */
    bool dry_run = false, now = false;
    digest_schedule sch = DIGEST_SCHEDULE_DEFAULT;
    unsigned weekday = (unsigned)sch.weekday, hour = (unsigned)sch.hour;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},
        {"--base-url", "SCAN_BASE_URL", OPT_STR, &base_url},
        {"--dry-run", NULL, OPT_FLAG, &dry_run},
        {"--now", NULL, OPT_FLAG, &now},
        {"--digest-weekday", "SCAN_DIGEST_WEEKDAY", OPT_UINT, &weekday},
        {"--digest-hour", "SCAN_DIGEST_HOUR", OPT_UINT, &hour},
    };
    char *pos[1];
    int n_pos;
    if (cli_parse("digest run", argc, argv, opts, sizeof opts / sizeof opts[0], pos, 0, &n_pos))
        return 2;
    if (cli_digest_schedule("digest run", weekday, hour, &sch))
        return 2;
    db *d = cli_open_db("digest run", path, 0);
    if (!d)
        return 1;
    arena url_a = ARENA_INIT;
    base_url = cli_base_url("digest run", d, &url_a, base_url);
    if (!base_url) {
        arena_free(&url_a);
        db_close(d);
        return 2;
    }
    notify_set_base_url(base_url);
    digest_report rep;
    db_status st = digest_run(d, sch, now, dry_run, &rep);
    int rc = 0;
    if (st != DB_OK) {
        rc = cli_fail("digest run", "stopped: %s (%s); digests queued so far stand, run again",
                      db_status_name(st), db_errmsg(d));
    } else if (rep.not_due) {
        printf("week %s: not due yet (weekday %d from %02d:00 Europe/Belgrade); --now runs it "
               "anyway\n",
               rep.week, sch.weekday, sch.hour);
    } else {
        printf("week %s: %d %s, %d with nothing to say, %d claimed by another run%s\n", rep.week,
               rep.sent, dry_run ? "would be sent" : "queued", rep.empty, rep.already,
               dry_run ? " (dry run: nothing stored)" : "");
    }
    notify_set_base_url(NULL);
    db_close(d);
    arena_free(&url_a);
    return rc;
}
