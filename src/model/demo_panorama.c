/* demo_panorama.c: the demo's illustrative reference employment by
 * district and NACE section (ref_employment, is_demo = 1), so /map and the
 * cluster pages show location quotients before the secretariat loads the
 * statistical office's table with `scan ref import`. Made up from each
 * district's population and a national sector mix with a few well-known
 * specialisations (ICT in Belgrade and Novi Sad, metal in Kragujevac and
 * Smederevo, mining in Bor): labelled illustrative wherever it shows. */
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "model/demo.h"

/* The national mix, per mille of employment. */
static const struct {
    const char *nace;
    int per_mille;
} mix[] = {{"A", 40}, {"B", 10}, {"C", 220}, {"D", 15}, {"F", 60}, {"G", 180}, {"H", 60}, {"I", 40},
           {"J", 45}, {"K", 25}, {"M", 45},  {"N", 40}, {"O", 60}, {"P", 70},  {"Q", 90}};

/* District specialisations: the section's weight times pct / 100. */
static const struct {
    const char *district, *nace;
    int pct;
} tilt[] = {
    {"BEOGRAD", "J", 220},      {"BEOGRAD", "K", 180},         {"BEOGRAD", "M", 180},
    {"BEOGRAD", "C", 60},       {"BEOGRAD", "A", 20},          {"JUZNOBACKI", "J", 160},
    {"JUZNOBACKI", "A", 130},   {"SUMADIJSKI", "C", 150},      {"NISAVSKI", "J", 130},
    {"SEVERNOBACKI", "A", 200}, {"SREDNJEBANATSKI", "A", 200}, {"SEVERNOBANATSKI", "A", 220},
    {"ZAPADNOBACKI", "A", 200}, {"SREMSKI", "A", 170},         {"BORSKI", "B", 500},
    {"KOLUBARSKI", "B", 400},   {"KOLUBARSKI", "D", 200},      {"ZLATIBORSKI", "I", 180},
    {"MORAVICKI", "C", 140},    {"PODUNAVSKI", "C", 160},      {"PIROTSKI", "C", 130},
    {"RASINSKI", "C", 120},     {"JABLANICKI", "C", 130},      {"PCINJSKI", "A", 150},
};

static const char SQL_POP[] =
    "SELECT district, population FROM ref_population WHERE year = 2022 ORDER BY district";
static const char SQL_INSERT[] =
    "INSERT INTO ref_employment(district, nace, year, employees, source, is_demo, imported_at)"
    " VALUES ($1, $2, 2024, $3, 'Illustrative demo data, not official statistics', 1, $4)";

db_status demo_load_ref_employment(db *d, buf *err)
{
    db_stmt *s = db_prepare(d, SQL_POP);
    if (!s)
        return DB_ERR;
    char districts[32][24];
    int64_t pop[32];
    size_t n = 0;
    db_status st;
    while ((st = db_step(s)) == DB_ROW && n < 32) {
        const char *code = db_col_text(s, 0);
        snprintf(districts[n], sizeof districts[n], "%s", code ? code : "");
        pop[n++] = db_col_int(s, 1);
    }
    db_reset(s);
    if (st != DB_DONE && st != DB_ROW)
        return st;
    int64_t now = time_now();
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof mix / sizeof mix[0]; k++) {
            int64_t pct = 100;
            for (size_t t = 0; t < sizeof tilt / sizeof tilt[0]; t++)
                if (strcmp(tilt[t].district, districts[i]) == 0 &&
                    strcmp(tilt[t].nace, mix[k].nace) == 0)
                    pct = tilt[t].pct;
            /* a fixed spread of -15..+15% per district and sector (no
             * two districts alike), then about 30% of the population
             * employed */
            unsigned h = 2166136261u;
            for (const char *c = districts[i]; *c; c++)
                h = (h ^ (unsigned char)*c) * 16777619u;
            h = (h ^ (unsigned char)mix[k].nace[0]) * 16777619u;
            pct = pct * (85 + (int64_t)(h % 31)) / 100;
            int64_t emp = pop[i] * 300 / 1000 * mix[k].per_mille / 1000 * pct / 100;
            st = db_do(d, SQL_INSERT,
                       DB_ARGS(DBT(districts[i]), DBT(mix[k].nace), DBI(emp), DBI(now)));
            if (st != DB_OK) {
                buf_printf(err, "demo reference employment %s %s: %s", districts[i], mix[k].nace,
                           db_status_name(st));
                return st;
            }
        }
    return DB_OK;
}
