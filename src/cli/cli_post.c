/* cli_post.c: `scan post generate`: synthetic cooperation posts for the
 * benchmark (bench/cooperation.sh), and the time each one's matches take.
 *
 * Posts go through post_insert_tx, the body the forms and the API run, so
 * every generated post gets its codes, words and stored matches exactly
 * as a typed one would (a generator that wrote rows by SQL would skip the
 * part the benchmark is about). They are spread over the published
 * organisations already in the database (bench/gen.py orgs), with titles
 * and texts drawn from a small vocabulary of the board's subjects in
 * Serbian Cyrillic, Serbian Latin and English, NACE divisions skewed to
 * the common ones, one or two regions or districts, and are marked
 * illustrative (is_demo). Batches of --batch posts commit together; the
 * time of each post_insert_tx (insert, words, candidate search, scoring,
 * storing the matches both ways) is measured and --timing prints its
 * median, p99 and maximum: the cost of publishing one more post at the
 * board's size. The random stream is fixed by --seed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/post.h"

#define DEFAULT_DB "var/scan.db"

static uint64_t rng_state;
static uint32_t rnd(void) /* xorshift64*: stable across platforms */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}
static uint32_t below(uint32_t n)
{
    return n ? rnd() % n : 0;
}

/* Subjects: a title and words for the text, one per script. */
static const char *const subj_cyr[] = {"уграђени софтвер",   "фирмвер",
                                       "сензори притиска",   "ласерско сечење",
                                       "CNC обрада",         "кабловски снопови",
                                       "веб продавница",     "ERP систем",
                                       "машинска визија",    "предиктивно одржавање",
                                       "клауд миграција",    "обука из безбедности",
                                       "извоз у ЕУ",         "бризгање пластике",
                                       "соларне електране",  "IoT мерење",
                                       "заваривање",         "аналитика података",
                                       "мобилна апликација", "дигитални маркетинг"};
static const char *const subj_lat[] = {"ugrađeni softver",   "firmver",
                                       "senzori pritiska",   "lasersko sečenje",
                                       "CNC obrada",         "kablovski snopovi",
                                       "veb prodavnica",     "ERP sistem",
                                       "mašinska vizija",    "prediktivno održavanje",
                                       "klaud migracija",    "obuka iz bezbednosti",
                                       "izvoz u EU",         "brizganje plastike",
                                       "solarne elektrane",  "IoT merenje",
                                       "zavarivanje",        "analitika podataka",
                                       "mobilna aplikacija", "digitalni marketing"};
static const char *const subj_en[] = {"embedded software", "firmware",
                                      "pressure sensors",  "laser cutting",
                                      "CNC machining",     "cable harnesses",
                                      "web shop",          "ERP system",
                                      "machine vision",    "predictive maintenance",
                                      "cloud migration",   "security training",
                                      "export to the EU",  "injection moulding",
                                      "solar plants",      "IoT measurement",
                                      "welding",           "data analytics",
                                      "mobile app",        "digital marketing"};
#define N_SUBJ (sizeof subj_en / sizeof subj_en[0])
static const char *const nace_common[] = {"62", "25", "26", "29", "28", "27", "22", "14",
                                          "10", "71", "72", "46", "35", "33", "13", "16"};
static const char *const geo_codes[] = {"R-BG",       "R-VO",         "R-SZ",
                                        "R-JI",       "RS",           "D-JUZNOBACKI",
                                        "D-NISAVSKI", "D-SUMADIJSKI", "D-BEOGRAD"};

/* CPU time of this thread in microseconds: on a shared machine the wall
 * time also counts everyone else's work. */
static uint64_t thread_cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static const char SQL_ORGS[] = "SELECT id FROM org WHERE status = 'published' ORDER BY id";

int cli_post_generate(int argc, char **argv)
{
    const char *cmd = "post generate";
    const char *path = DEFAULT_DB;
    size_t count = 1000, batch = 1000, seed = 1;
    bool timing = false, no_matches = false;
    const cli_opt opts[] = {
        {"--db", "SCAN_DB", OPT_STR, &path},   {"--count", NULL, OPT_SIZE, &count},
        {"--batch", NULL, OPT_SIZE, &batch},   {"--seed", NULL, OPT_SIZE, &seed},
        {"--timing", NULL, OPT_FLAG, &timing}, {"--no-matches", NULL, OPT_FLAG, &no_matches},
    };
    int n_pos;
    if (cli_parse(cmd, argc, argv, opts, sizeof opts / sizeof opts[0], NULL, 0, &n_pos))
        return 2;
    if (count == 0 || count > 10000000 || batch == 0)
        return cli_usage_error(cmd, "--count wants 1..10000000 and --batch at least 1");
    db *d = cli_open_db(cmd, path, CLI_DB_BULK);
    if (!d)
        return 1;
    int rc = 0;
    arena a = ARENA_INIT;
    int64_t *orgs = NULL;
    size_t n_orgs = 0, cap = 0;
    uint64_t *us = calloc(count, sizeof *us), *cpu = calloc(count, sizeof *cpu);
    db_stmt *s = db_query(d, SQL_ORGS, DB_NONE);
    db_status st = s ? DB_OK : DB_ERR;
    while (s && (st = db_step(s)) == DB_ROW) {
        if (n_orgs == cap) {
            cap = cap ? cap * 2 : 1024;
            int64_t *g = realloc(orgs, cap * sizeof *g);
            if (!g) {
                st = DB_NOMEM;
                break;
            }
            orgs = g;
        }
        orgs[n_orgs++] = db_col_int(s, 0);
    }
    if (s)
        db_reset(s);
    if ((st != DB_DONE && st != DB_OK) || !us || !cpu) {
        rc = cli_fail(cmd, "cannot read the organisations: %s", db_status_name(st));
        goto done;
    }
    if (n_orgs == 0) {
        rc = cli_fail(cmd, "no published organisations to post for: import some first");
        goto done;
    }
    rng_state = 0x9E3779B97F4A7C15ull ^ (uint64_t)seed;
    int64_t now = time_now();
    size_t done_n = 0;
    while (done_n < count && rc == 0) {
        if ((st = db_begin_write(d)) != DB_OK) {
            rc = cli_fail(cmd, "cannot begin: %s", db_status_name(st));
            break;
        }
        for (size_t k = 0; k < batch && done_n < count; k++, done_n++) {
            arena_free(&a);
            int script = (int)below(3);
            const char *const *subj = script == 0 ? subj_cyr : script == 1 ? subj_lat : subj_en;
            size_t s1 = below(N_SUBJ), s2 = below(N_SUBJ), s3 = below(N_SUBJ);
            char title[256], body[1024], until[11];
            snprintf(title, sizeof title, "%s: %s", subj[s1], subj[s2]);
            snprintf(body, sizeof body,
                     script == 2   ? "We look for a partner for %s and %s; also %s (%zu)."
                     : script == 1 ? "Tražimo partnera za %s i %s; takođe %s (%zu)."
                                   : "Тражимо партнера за %s и %s; такође %s (%zu).",
                     subj[s1], subj[s2], subj[s3], done_n);
            time_t t = (time_t)(now + (int64_t)(30 + below(300)) * 86400);
            struct tm tm;
            localtime_r(&t, &tm);
            strftime(until, sizeof until, "%Y-%m-%d", &tm);
            /* skewed: the first divisions are the common ones */
            const char *nace[2] = {nace_common[below(below(16) + 1)], nace_common[below(16)]};
            const char *geo[2] = {geo_codes[below(9)], geo_codes[below(9)]};
            size_t n_nace = nace[0] == nace[1] || below(3) ? 1 : 2;
            size_t n_geo = geo[0] == geo[1] || below(2) ? 1 : 2;
            post_rec p = {.org_id = orgs[below((uint32_t)n_orgs)],
                          .kind = below(2) ? "offer" : "request",
                          .topic = post_topics[below(7)],
                          .lang = script == 0   ? "sr-Cyrl"
                                  : script == 1 ? "sr-Latn"
                                                : "en",
                          .title = title,
                          .body = body,
                          .valid_until = until,
                          .visibility = below(10) ? "public" : "members",
                          .nace = nace,
                          .n_nace = n_nace,
                          .geo = geo,
                          .n_geo = n_geo};
            form_errors fe = {0};
            int64_t id = 0;
            uint64_t t0 = time_mono_us(), c0 = thread_cpu_us();
            st = post_insert_tx(d, &p, 0, now - (int64_t)below(180) * 86400,
                                POST_INSERT_DEMO | (no_matches ? POST_INSERT_NO_MATCHES : 0), &fe,
                                &id, NULL);
            us[done_n] = time_mono_us() - t0;
            cpu[done_n] = thread_cpu_us() - c0;
            if (st != DB_OK) {
                rc = cli_fail(cmd, "post %zu: %s%s%s", done_n, db_status_name(st),
                              fe.n_items ? " on " : "", fe.n_items ? fe.items[0].field : "");
                break;
            }
        }
        if (rc == 0 && (st = db_commit(d)) != DB_OK)
            rc = cli_fail(cmd, "cannot commit: %s", db_status_name(st));
        if (rc)
            db_rollback(d);
        db_end_request(d);
    }
    if (rc == 0) {
        printf("post generate: %zu posts over %zu organisations\n", count, n_orgs);
        if (timing) {
            qsort(us, count, sizeof *us, cmp_u64);
            qsort(cpu, count, sizeof *cpu, cmp_u64);
            printf("per post (insert, words, matches found and stored): p50 %.2f ms, p99 %.2f ms,"
                   " max %.2f ms over %zu posts; CPU time p50 %.2f ms, p99 %.2f ms\n",
                   us[count / 2] / 1000.0, us[(count * 99) / 100] / 1000.0, us[count - 1] / 1000.0,
                   count, cpu[count / 2] / 1000.0, cpu[(count * 99) / 100] / 1000.0);
        }
    }
done:
    arena_free(&a);
    free(us);
    free(cpu);
    free(orgs);
    db_close(d);
    return rc;
}
