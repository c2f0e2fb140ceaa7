/* demo_projects.c: thirteen illustrative joint projects for the demo data
 * set (issue 14): five years (2022-2026), several programmes (Horizon
 * Europe, Interreg IPA, the Single Market Programme's cluster strand, the
 * national innovation fund, the ministry's cluster programme, a donor
 * programme), every status, SCAN's clusters and members as participants,
 * some shares unknown, one private, one participant and one funder not
 * yet confirmed (so the consent path can be seen: the secretariat and the
 * funder's people are asked to confirm, the public sees no funder).
 * Funders are directory entries of the demo (demo.c). Every row is
 * is_demo; inserted inside demo_load's transaction without audit rows,
 * like the rest of the demo data. The projects and their amounts are
 * invented. */
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "model/demo.h"

typedef struct demo_part {
    const char *slug, *role;
    int64_t share_eur; /* -1: unknown */
} demo_part;

typedef struct demo_project {
    const char *title_sr, *title_en, *acronym, *programme, *funder, *status;
    const char *submitted_on, *starts_on, *ends_on;
    int64_t budget_eur, grant_eur, cofin_milli; /* -1: not given */
    const char *outputs_sr, *outputs_en, *visibility;
    demo_part parts[5]; /* slug NULL ends */
} demo_project;

// clang-format off
static const demo_project projects[] = {
    {"Дигитални близанци за мала предузећа у преради метала", "Digital twins for small metalworking firms", "DIGI-MET",
     "Horizon Europe", "demo-eu-programmes", "running", "2023-09-20", "2024-03-01", "2027-02-28",
     2400000, 2100000, 125, "Пилот дигиталних близанаца у пет погона; отворени алат за планирање производње.",
     "Digital twin pilots in five plants; an open production planning tool.", "public",
     {{"voict", "lead", 620000}, {"vmc", "partner", 540000}, {"univerzitet-u-nisu", "partner", 480000},
      {"petrovaradin-softver", "partner", -1}, {NULL, NULL, 0}}},
    {"Прекогранична мрежа добављача за метални сектор", "Cross-border supplier network for metalworking", "CROSS-METAL",
     "Interreg IPA", "demo-eu-programmes", "closed", "2021-11-15", "2022-04-01", "2024-03-31",
     800000, 680000, 150, "Каталог 140 добављача; осам сусрета купаца и добављача.",
     "A catalogue of 140 suppliers; eight buyer-supplier meetings.", "public",
     {{"vmc", "lead", 410000}, {"temerin-metal", "partner", 90000}, {"autocluster-serbia", "partner", 180000},
      {NULL, NULL, 0}}},
    {"Еврокластери за Западни Балкан", "Euroclusters for the Western Balkans", "EUROCLUSTERS-WB",
     "Single Market Programme (COSME)", "demo-eu-programmes", "approved", "2024-10-10", "2025-04-01", "2027-09-30",
     1000000, 900000, 100, NULL, NULL, "public",
     {{"scan", "lead", 300000}, {"voict", "partner", 200000}, {"ict-network", "partner", 200000},
      {"facts", "partner", 200000}, {NULL, NULL, 0}}},
    {"Сензори за прецизну пољопривреду", "Sensors for precision agriculture", "SENZOR-AGRO",
     "Фонд за иновациону делатност", "ministarstvo-privrede", "closed", "2022-06-01", "2023-01-15", "2025-01-14",
     300000, 210000, 300, "Прототип мреже сензора влажности; две пријаве патента.",
     "A prototype soil moisture sensor network; two patent applications.", "public",
     {{"nicat", "lead", 90000}, {"institut-senzorske-tehnologije", "partner", 80000},
      {"toplica-senzori", "partner", -1}, {NULL, NULL, 0}}},
    {"Оснивање кластера обновљиве енергије", "Setting up a renewable energy cluster", "RE-START",
     "Донаторски програм за развој кластера", "demo-donor-programme", "approved", "2025-02-01", "2025-06-01", "2026-11-30",
     120000, 100000, 167, NULL, NULL, "public",
     {{"demo-energy-cluster", "lead", 100000}, {"zapadna-morava-solar", "associate", -1}, {NULL, NULL, 0}}},
    {"Вештачка интелигенција у јавним услугама", "Artificial intelligence in public services", "AI-PUBLIC",
     "Horizon Europe", "demo-eu-programmes", "rejected", "2024-04-18", NULL, NULL,
     3200000, 3200000, 0, NULL, NULL, "public",
     {{"ict-network", "lead", -1}, {"univerzitet-u-nisu", "partner", -1}, {"kalemegdan-tehnologije", "partner", -1},
      {NULL, NULL, 0}}},
    {"Електрификација аутомобилских компоненти", "Electrifying automotive components", "E-KOMP",
     "Interreg IPA", "demo-eu-programmes", "submitted", "2026-03-02", NULL, NULL,
     950000, 807500, 150, NULL, NULL, "public",
     {{"autocluster-serbia", "lead", 300000}, {"sumadija-autodelovi", "partner", -1},
      {"cacak-autokomponente", "partner", -1}, {NULL, NULL, 0}}},
    {"Одржива мода за извоз", "Sustainable fashion for export", "SUSTAIN-FASHION",
     "Single Market Programme (COSME)", "demo-eu-programmes", "rejected", "2023-03-30", NULL, NULL,
     600000, 540000, 100, NULL, NULL, "public",
     {{"facts", "lead", -1}, {"novi-pazar-denim", "partner", -1}, {NULL, NULL, 0}}},
    {"Дигитализација малих предузећа Шумадије", "Digitalising small firms in Šumadija", "DIGI-SUM",
     "Фонд за иновациону делатност", "ministarstvo-privrede", "closed", "2021-10-01", "2022-02-01", "2023-01-31",
     150000, 105000, 300, "Сто двадесет предузећа прошло је процену дигиталне зрелости.",
     "One hundred and twenty firms went through a digital maturity assessment.", "public",
     {{"ict-cluster-central-serbia", "lead", 60000}, {"sumadijski-softver", "partner", 45000}, {NULL, NULL, 0}}},
    {"Програм подршке кластерима 2026", "Cluster support programme 2026", NULL,
     "Програм подршке кластерима", "ministarstvo-privrede", "running", "2025-12-01", "2026-02-01", "2026-12-31",
     200000, 160000, 200, NULL, NULL, "public",
     {{"scan", "lead", 60000}, {"nicat", "partner", 50000}, {"vmc", "partner", 50000}, {NULL, NULL, 0}}},
    {"Припрема: заједничка платформа за податке о производњи", "In preparation: a shared production data platform", "DATA-FAB",
     "Horizon Europe", "demo-eu-programmes", "preparation", NULL, NULL, NULL,
     -1, -1, -1, NULL, NULL, "participants",
     {{"voict", "lead", -1}, {"dunavski-sistemi", "partner", -1},
      {"univerzitet-u-novom-sadu", "partner", -1}, {NULL, NULL, 0}}},
    {"Отворене лабораторије за електронику", "Open electronics labs", "OPEN-LAB",
     "Horizon Europe", "demo-eu-programmes", "closed", "2021-09-01", "2022-01-01", "2025-06-30",
     1800000, 1800000, 0, "Три отворене лабораторије; 40 студентских пројеката са предузећима.",
     "Three open labs; 40 student projects with companies.", "public",
     {{"univerzitet-u-nisu", "lead", 900000}, {"nicat", "partner", 300000}, {"ntp-beograd", "partner", 250000},
      {"nisava-elektronik", "partner", -1}, {NULL, NULL, 0}}},
    {"Школа кластерског менаџмента за младе", "Cluster management school for young managers", "CLUSTER-SCHOOL",
     "Донаторски програм за развој кластера", "demo-donor-programme", "submitted", "2026-10-15", NULL, NULL,
     90000, 75000, 167, NULL, NULL, "public",
     {{"scan", "lead", -1}, {"ict-cluster-central-serbia", "partner", -1},
      {"demo-energy-cluster", "partner", -1}, {NULL, NULL, 0}}},
};
// clang-format on

/* Each demo programme's English name (0055), by its Serbian name; the
 * EU programmes are named the same in both. */
static const char *const programmes_en[][2] = {
    {"Horizon Europe", "Horizon Europe"},
    {"Interreg IPA", "Interreg IPA"},
    {"Single Market Programme (COSME)", "Single Market Programme (COSME)"},
    {"Фонд за иновациону делатност", "Innovation Fund"},
    {"Донаторски програм за развој кластера", "Donor Programme for Cluster Development"},
    {"Програм подршке кластерима", "Cluster Support Programme"},
};

static db_val programme_en(const char *sr)
{
    for (size_t i = 0; sr && i < sizeof programmes_en / sizeof programmes_en[0]; i++)
        if (strcmp(programmes_en[i][0], sr) == 0)
            return DBT(programmes_en[i][1]);
    return DBNULL;
}

static const char SQL_PROJECT[] =
    "INSERT INTO project(title_sr, title_en, acronym, programme, funder_id, status, submitted_on,"
    " starts_on, ends_on, budget_cents, grant_cents, cofin_milli, outputs_sr, outputs_en,"
    " visibility, is_demo, created_at, updated_at, programme_en) SELECT $1, $2, $3, $4,"
    " (SELECT id FROM org WHERE slug = $5), $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16,"
    " $16, $17 RETURNING id";
static const char SQL_PART[] =
    "INSERT INTO project_participant(project_id, org_id, role, share_cents)"
    " SELECT $1, id, $3, $4 FROM org WHERE slug = $2";

/* The one participant named without its word yet (0035): the university
 * in the private DATA-FAB project, shown to the project's people and the
 * secretariat as awaiting confirmation. */
static const char SQL_AWAITING[] =
    "UPDATE project_participant SET consent = 'proposed' WHERE project_id = $1"
    " AND org_id = (SELECT id FROM org WHERE slug = 'univerzitet-u-novom-sadu')";

/* The one funder named without its word yet (0044): the donor programme
 * of CLUSTER-SCHOOL, shown to the project's people, the secretariat and
 * the funder's own as awaiting confirmation, to no one else. */
static const char SQL_FUNDER_ASKED[] =
    "UPDATE project SET funder_consent = 'proposed' WHERE id = $1";

static db_val t_or_null(const char *s)
{
    return s ? DBT(s) : DBNULL;
}

static db_val eur_or_null(int64_t eur)
{
    return eur >= 0 ? DBI(eur * 100) : DBNULL;
}

db_status demo_load_projects(db *d, buf *err)
{
    int64_t now = time_now();
    for (size_t i = 0; i < sizeof projects / sizeof *projects; i++) {
        const demo_project *p = &projects[i];
        int64_t id = 0;
        db_status st = db_int(
            d, &id, 0, SQL_PROJECT,
            DB_ARGS(DBT(p->title_sr), DBT(p->title_en), t_or_null(p->acronym), DBT(p->programme),
                    DBT(p->funder), DBT(p->status), t_or_null(p->submitted_on),
                    t_or_null(p->starts_on), t_or_null(p->ends_on), eur_or_null(p->budget_eur),
                    eur_or_null(p->grant_eur), p->cofin_milli >= 0 ? DBI(p->cofin_milli) : DBNULL,
                    t_or_null(p->outputs_sr), t_or_null(p->outputs_en), DBT(p->visibility),
                    DBI(now), programme_en(p->programme)));
        for (size_t k = 0; st == DB_OK && k < 5 && p->parts[k].slug; k++) {
            st = db_do(d, SQL_PART,
                       DB_ARGS(DBI(id), DBT(p->parts[k].slug), DBT(p->parts[k].role),
                               eur_or_null(p->parts[k].share_eur)));
            if (st == DB_OK && db_changes(d) != 1) {
                buf_printf(err, "demo project %s: no entry %s", p->title_en, p->parts[k].slug);
                return DB_ERR;
            }
        }
        if (st == DB_OK && p->acronym && strcmp(p->acronym, "DATA-FAB") == 0)
            st = db_do(d, SQL_AWAITING, DB_ARGS(DBI(id)));
        if (st == DB_OK && p->acronym && strcmp(p->acronym, "CLUSTER-SCHOOL") == 0)
            st = db_do(d, SQL_FUNDER_ASKED, DB_ARGS(DBI(id)));
        if (st != DB_OK) {
            buf_printf(err, "demo project %s: %s", p->title_en, db_errmsg(d));
            return st;
        }
    }
    return DB_OK;
}
