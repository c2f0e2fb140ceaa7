/* demo.c: the demonstration data set (see demo.h).
 *
 * The directory part: SCAN itself, its seven founding clusters with their
 * real names and seats (../shared/DOMAIN.md section 1), and a handful of
 * partners of the kinds SCAN works with. The clusters' NACE divisions
 * follow their sectors (ICT 62, automotive 29, metal 25, fashion 14,
 * electronics 26). Identifiers (PIB, matični broj) and web addresses are
 * left empty rather than guessed. The donor is an illustrative programme,
 * named as such, not a real organisation. Serbian organisations carry
 * their Serbian name in Cyrillic in `name` and the English one in
 * `name_en`.
 *
 * Every entry goes through org_put inside this function's transaction,
 * so it gets its revision, search document and audit row (actor 0, the
 * system) exactly as if typed into the form, and all of it commits or
 * none.
 *
 * The clusters part (load_clusters): SCAN membership of the seven
 * founders since 2016-08-02 (the date of SCAN's directory entry), their
 * stage at that date, one expired ESCA Bronze label (Serbia's 2012-13
 * bronze labels were not renewed), one illustrative current ESCA Bronze
 * label (so a demo cluster can apply to the demo call closing this week), an illustrative cluster
 * initiative that applied in 2021 and became a member in 2022 (with a profile and a current label
 * that is not ESCA's), and fifty illustrative member organisations (is_demo, made-up names) with
 * memberships (two belong to two clusters; one left in 2021) and figures for 2022-2024 written
 * through figures_put_tx (one member did not report for 2024). Their SCAN-wide 2024 totals give the
 * headline SCAN states: over 30,000 employees and over EUR 1 billion revenue, most of it exported.
 * Cluster rows have no _tx writer in cluster.c, so they are inserted here with the columns and
 * values cluster.c itself writes. */
#include "model/demo.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "model/figures.h"
#include "model/org.h"
#include "model/post.h"
#include "model/tx.h"

static const char SQL_IS_LOADED[] = "SELECT count(*) FROM app_meta WHERE key = 'demo_loaded'";
static const char SQL_MARK[] =
    "INSERT INTO app_meta(key, value, updated_at) VALUES ('demo_loaded', '1', $1)";

/* A list literal and its length: the two members each list takes. */
#define LIST(...)                                                                                  \
    (const char *[]){__VA_ARGS__}, sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)

/* One demo entry: what org_rec needs, with lists as literals. */
typedef struct demo_org {
    const char *slug, *name, *name_en, *acronym, *kind;
    const char *short_sr, *short_en, *description_sr, *description_en;
    const char *municipality, *district, *region;
    int64_t year_founded;
    const char **sectors;
    size_t n_sectors;
    const char **fos;
    size_t n_fos;
    const char **geo;
    size_t n_geo;
} demo_org;

static const demo_org demo_orgs[] = {
    /* SCAN itself. Its seat is not in the public sources we hold: the
     * region only. */
    {"scan", "Кластерска асоцијација Србије", "Serbian Cluster Association", "SCAN",
     "cluster_association", "Национална кровна организација индустријских кластера у Србији.",
     "The national umbrella of industry clusters in Serbia.",
     "SCAN је платформа за сарадњу међу кластерима. Подржава настанак нових кластерских "
     "иницијатива и њихов развој, гради мрежу партнера са домаћим и међународним институцијама "
     "и донаторском заједницом, и заступа интересе привреде и академске заједнице пред државом. "
     "Основало га је седам кластера из различитих сектора.",
     "SCAN is a platform for cooperation among clusters. It supports the creation of new cluster "
     "initiatives and their development, builds a partner network with national and "
     "international institutions and the donor community, and lobbies government on behalf of "
     "business and academia. Seven clusters from different sectors founded it.",
     NULL, NULL, "BG", 0, LIST("94"), LIST("2", "X"), LIST("RS")},
    /* the seven founders */
    {"voict", "Војвођански ИКТ кластер", "Vojvodina ICT Cluster", "VOICT", "cluster",
     "Кластер информационо-комуникационих технологија у Војводини; један од оснивача SCAN-а.",
     "The information and communication technology cluster of Vojvodina; a founder of SCAN.", NULL,
     NULL, "Нови Сад", "JUZNOBACKI", "VO", 0, LIST("62"), LIST("1.2"), LIST("RS")},
    {"autocluster-serbia", "Аутокластер Србије", "Autocluster Serbia", NULL, "cluster",
     "Кластер аутомобилске индустрије; један од оснивача SCAN-а.",
     "The automotive industry cluster; a founder of SCAN.", NULL, NULL, "Крагујевац", "SUMADIJSKI",
     "SZ", 0, LIST("29"), LIST("2.3"), LIST("RS")},
    {"ict-network", "ИКТ мрежа", "ICT Network", NULL, "cluster",
     "Кластер информационо-комуникационих технологија из Београда; један од оснивача SCAN-а.",
     "An information and communication technology cluster from Belgrade; a founder of SCAN.", NULL,
     NULL, "Београд", "BEOGRAD", "BG", 0, LIST("62"), LIST("1.2"), LIST("RS")},
    {"vmc", "Војвођански метални кластер", "Vojvodina Metal Cluster", "VMC", "cluster",
     "Кластер металопрерађивачке индустрије у Војводини; један од оснивача SCAN-а.",
     "The metal processing cluster of Vojvodina; a founder of SCAN.", NULL, NULL, "Нови Сад",
     "JUZNOBACKI", "VO", 0, LIST("25"), LIST("2.3", "2.5"), LIST("RS")},
    {"facts", "Кластер моде и одеће Србије", "Fashion and Apparel Cluster of Serbia", "FACTS",
     "cluster", "Кластер моде, одеће и текстила; један од оснивача SCAN-а.",
     "The fashion, apparel and textile cluster; a founder of SCAN.", NULL, NULL, "Београд",
     "BEOGRAD", "BG", 0, LIST("14"), LIST("2.5"), LIST("RS")},
    {"nicat", "Нишки кластер напредних технологија", "Nis Cluster of Advanced Technologies",
     "NiCAT", "cluster",
     "Кластер информационо-комуникационих технологија и електронике из Ниша; један од "
     "оснивача SCAN-а.",
     "The ICT and electronics cluster of Niš; a founder of SCAN.", NULL, NULL, "Ниш", "NISAVSKI",
     "JI", 0, LIST("26", "62"), LIST("1.2", "2.2"), LIST("RS")},
    {"ict-cluster-central-serbia", "ИКТ кластер Централне Србије", "ICT Cluster of Central Serbia",
     NULL, "cluster",
     "Кластер информационо-комуникационих технологија Централне Србије; један од оснивача "
     "SCAN-а.",
     "The information and communication technology cluster of Central Serbia; a founder of "
     "SCAN.",
     NULL, NULL, "Крагујевац", "SUMADIJSKI", "SZ", 0, LIST("62"), LIST("1.2"), LIST("RS")},
    /* an illustrative cluster initiative that joined SCAN later */
    {"demo-energy-cluster", "Демо иницијатива за кластер обновљиве енергије",
     "Demo Renewable Energy Cluster Initiative", NULL, "cluster_initiative",
     "Илустративан унос: иницијатива за кластер обновљиве енергије у Западној Србији (није "
     "стварна организација).",
     "Illustrative entry: a renewable energy cluster initiative in Western Serbia (not a real "
     "organisation).",
     NULL, NULL, "Чачак", "MORAVICKI", "SZ", 2021, LIST("35"), LIST("2.7"), LIST("RS")},
    /* partners of the kinds SCAN works with */
    {"ministarstvo-privrede", "Министарство привреде", "Ministry of Economy", NULL,
     "public_authority",
     "Министарство надлежно за привреду; пример органа јавне власти у мрежи партнера.",
     "The ministry responsible for the economy; an example of a public authority in the partner "
     "network.",
     NULL, NULL, "Београд", "BEOGRAD", "BG", 0, LIST("84"), LIST("5.2"), LIST("RS")},
    {"univerzitet-u-nisu", "Универзитет у Нишу", "University of Niš", NULL, "university",
     "Државни универзитет са седиштем у Нишу.", "A public university based in Niš.", NULL, NULL,
     "Ниш", "NISAVSKI", "JI", 0, LIST("85"), LIST("1", "2", "3", "5"), LIST("RS")},
    {"ntp-beograd", "Научно-технолошки парк Београд", "Science Technology Park Belgrade", NULL,
     "science_park",
     "Научно-технолошки парк у Београду: простор и подршка за технолошке компаније и "
     "старт-апове.",
     "A science and technology park in Belgrade: space and support for technology companies and "
     "start-ups.",
     NULL, NULL, "Звездара", "BEOGRAD", "BG", 0, LIST("72"), LIST("2"), LIST("RS")},
    {"demo-donor-programme", "Demo Donor Programme for Cluster Development",
     "Demo Donor Programme for Cluster Development", NULL, "donor",
     "Илустративан унос: међународни донаторски програм за развој кластера (није стварна "
     "организација).",
     "Illustrative entry: an international donor programme for cluster development (not a real "
     "organisation).",
     NULL, NULL, NULL, NULL, NULL, 0, LIST("84"), LIST("5.2"), LIST("WB", "EU")},
    /* partners of the agreements (demo_agreements.c, issue 14) */
    {"razvojna-agencija-srbije", "Развојна агенција Србије", "Development Agency of Serbia", "RAS",
     "public_authority", "Национална агенција за подршку развоју привреде и инвестицијама.",
     "The national agency supporting business development and investment.", NULL, NULL, "Београд",
     "BEOGRAD", "BG", 0, LIST("84"), LIST("5.2"), LIST("RS")},
    {"univerzitet-u-novom-sadu", "Универзитет у Новом Саду", "University of Novi Sad", NULL,
     "university", "Државни универзитет са седиштем у Новом Саду.",
     "A public university based in Novi Sad.", NULL, NULL, "Нови Сад", "JUZNOBACKI", "VO", 0,
     LIST("85"), LIST("1", "2"), LIST("RS")},
    {"privredna-komora-srbije", "Привредна комора Србије",
     "Chamber of Commerce and Industry of Serbia", "PKS", "chamber",
     "Национално удружење привредника Србије.", "The national business association of Serbia.",
     NULL, NULL, "Београд", "BEOGRAD", "BG", 0, LIST("94"), LIST("5.2"), LIST("RS")},
    /* the funder of the demo's EU projects (demo_projects.c) */
    {"demo-eu-programmes", "Демо: програми Европске уније", "Demo: European Union programmes", NULL,
     "donor",
     "Илустративан унос: финансијер демо пројеката из програма ЕУ (Хоризонт Европа, Interreg "
     "IPA, Програм јединственог тржишта).",
     "Illustrative entry: the funder of the demo's EU projects (Horizon Europe, Interreg IPA, "
     "Single Market Programme).",
     NULL, NULL, NULL, NULL, NULL, 0, LIST("84"), LIST("5.2"), LIST("EU")},
};

/* Writes the directory entries; on a validation error says which entry
 * and field in err. Inside the caller's transaction. */
static db_status load_orgs(db *d, buf *err)
{
    assert(d && db_in_tx(d)); /* inside the caller's transaction */
    for (size_t i = 0; i < sizeof demo_orgs / sizeof demo_orgs[0]; i++) {
        const demo_org *o = &demo_orgs[i];
        org_rec r = {
            .slug = o->slug,
            .name = o->name,
            .name_en = o->name_en,
            .acronym = o->acronym,
            .kind = o->kind,
            .status = "published",
            .short_sr = o->short_sr,
            .short_en = o->short_en,
            .description_sr = o->description_sr,
            .description_en = o->description_en,
            .municipality = o->municipality,
            .district = o->district,
            .region = o->region,
            .country = "RS",
            .year_founded = o->year_founded,
            .sectors = o->sectors,
            .n_sectors = o->n_sectors,
            .fos = o->fos,
            .n_fos = o->n_fos,
            .geo = o->geo,
            .n_geo = o->n_geo,
            .is_demo = true,
        };
        form_errors fe;
        memset(&fe, 0, sizeof fe);
        org_put_result res;
        db_status st = org_put(d, &r, "create", 0, NULL, &fe, &res);
        if (st == DB_CONSTRAINT && fe.n_items > 0) {
            buf t = BUF_INIT;
            form_error_text(&t, LANG_EN, &fe.items[0]);
            buf_printf(err, "demo entry %s: %s: %s", o->slug, fe.items[0].field, buf_str(&t));
            buf_free(&t);
            return st;
        }
        if (st != DB_OK)
            return st;
    }
    return DB_OK;
}

/* --- clusters, members and figures ------------------------------------------------ */

#define SCAN_FOUNDED "2016-08-02" /* SCAN's directory entry: "created on August 2, 2016" */

static const char *const founders[] = {
    "voict", "autocluster-serbia",         "ict-network", "vmc", "facts",
    "nicat", "ict-cluster-central-serbia",
};

/* One illustrative member organisation: its entry, and the numbers its
 * yearly figures are made from. Figures for 2024 are employees24 people
 * and employees24 * rpe euros of revenue, export_bp of it exported; each
 * year before has growth_pct fewer people and 3% less revenue per head. */
typedef struct demo_member {
    const char *slug, *name, *kind; /* kind NULL = company */
    const char *municipality, *district, *nace;
    int founded;
    int64_t employees24, rpe, export_bp, growth_pct;
    struct {
        const char *cluster, *role, *joined_on, *left_on;
    } in[2]; /* cluster NULL = none */
} demo_member;

/* One member per line: a table reads best as a table. */
// clang-format off
static const demo_member demo_members[] = {
    {"petrovaradin-softver", "Петроварадин софтвер д.о.о.", NULL, "Нови Сад", "JUZNOBACKI", "62", 2008, 820, 48000, 9200, 8, {{"voict", "founding_member", "2009-05-12", NULL}, {NULL, NULL, NULL, NULL}}},
    {"backa-kod", "Бачка код д.о.о.", NULL, "Нови Сад", "JUZNOBACKI", "62", 2012, 540, 46000, 9400, 10, {{"voict", "member", "2013-02-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"fruska-data", "Фрушка дата д.о.о.", NULL, "Сремски Карловци", "JUZNOBACKI", "62", 2015, 310, 42000, 8800, 12, {{"voict", "member", "2016-03-15", NULL}, {NULL, NULL, NULL, NULL}}},
    {"dunavski-sistemi", "Дунавски системи д.о.о.", NULL, "Нови Сад", "JUZNOBACKI", "62", 2005, 960, 52000, 9000, 6, {{"voict", "board", "2009-05-12", NULL}, {"ict-network", "member", "2014-10-01", NULL}}},
    {"subotica-digital", "Суботица диџитал д.о.о.", NULL, "Суботица", "SEVERNOBACKI", "62", 2021, 140, 38000, 9500, 20, {{"voict", "member", "2021-09-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"begej-it", "Бегеј ИТ д.о.о.", NULL, "Зрењанин", "SREDNJEBANATSKI", "62", 2010, 230, 40000, 8500, 7, {{"voict", "member", "2014-06-20", NULL}, {NULL, NULL, NULL, NULL}}},
    {"tisa-analitika", "Тиса аналитика д.о.о.", NULL, "Нови Бечеј", "SREDNJEBANATSKI", "62", 2022, 45, 35000, 7000, 25, {{"voict", "member", "2022-04-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"novosadski-studio-igara", "Новосадски студио игара д.о.о.", NULL, "Нови Сад", "JUZNOBACKI", "62", 2016, 210, 55000, 9800, 15, {{"voict", "member", "2017-01-10", NULL}, {NULL, NULL, NULL, NULL}}},
    {"kalemegdan-tehnologije", "Калемегдан технологије д.о.о.", NULL, "Београд", "BEOGRAD", "62", 2004, 1700, 50000, 8600, 5, {{"ict-network", "founding_member", "2010-03-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"sava-cloud", "Сава клауд д.о.о.", NULL, "Београд", "BEOGRAD", "62", 2014, 680, 47000, 9100, 11, {{"ict-network", "member", "2015-05-05", NULL}, {NULL, NULL, NULL, NULL}}},
    {"avala-softver", "Авала софтверски инжењеринг д.о.о.", NULL, "Београд", "BEOGRAD", "62", 2009, 520, 44000, 8300, 6, {{"ict-network", "member", "2011-11-11", NULL}, {NULL, NULL, NULL, NULL}}},
    {"zvezdara-labs", "Zvezdara Labs d.o.o.", NULL, "Београд", "BEOGRAD", "62", 2020, 95, 36000, 9000, 30, {{"ict-network", "member", "2020-12-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"usce-fintek", "Ушће финтек д.о.о.", NULL, "Београд", "BEOGRAD", "62", 2017, 260, 58000, 7500, 14, {{"ict-network", "member", "2018-02-14", NULL}, {NULL, NULL, NULL, NULL}}},
    {"vracar-medija", "Врачар медија д.о.о.", NULL, "Београд", "BEOGRAD", "62", 2011, 180, 33000, 4000, 3, {{"ict-network", "member", "2012-09-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"sumadija-autodelovi", "Шумадија аутоделови д.о.о.", NULL, "Крагујевац", "SUMADIJSKI", "29", 1998, 2900, 62000, 8800, 4, {{"autocluster-serbia", "founding_member", "2009-10-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"livnica-lepenica", "Ливница Лепеница д.о.о.", NULL, "Крагујевац", "SUMADIJSKI", "29", 1993, 1800, 55000, 9000, 3, {{"autocluster-serbia", "founding_member", "2009-10-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"gruza-kablovi", "Гружа кабловски системи д.о.о.", NULL, "Кнић", "SUMADIJSKI", "29", 2007, 4100, 32000, 9700, 2, {{"autocluster-serbia", "member", "2010-04-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"morava-plastik", "Морава пластик д.о.о.", NULL, "Јагодина", "POMORAVSKI", "22", 2003, 950, 48000, 8200, 5, {{"autocluster-serbia", "member", "2012-07-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"raca-precizna-mehanika", "Рача прецизна механика д.о.о.", NULL, "Рача", "SUMADIJSKI", "29", 2002, 600, 45000, 8500, 6, {{"autocluster-serbia", "member", "2011-03-01", NULL}, {"vmc", "member", "2015-09-01", NULL}}},
    {"cacak-autokomponente", "Чачак аутокомпоненте д.о.о.", NULL, "Чачак", "MORAVICKI", "29", 2006, 1300, 51000, 9100, 5, {{"autocluster-serbia", "board", "2010-01-15", NULL}, {NULL, NULL, NULL, NULL}}},
    {"rasina-pogonski-sistemi", "Расина погонски системи д.о.о.", NULL, "Крушевац", "RASINSKI", "29", 2011, 750, 47000, 8700, 7, {{"autocluster-serbia", "member", "2013-05-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"podunavlje-kocnice", "Подунавље кочнице д.о.о.", NULL, "Смедерево", "PODUNAVSKI", "29", 2013, 880, 50000, 9300, 8, {{"autocluster-serbia", "member", "2014-03-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"celicne-konstrukcije-kac", "Челичне конструкције Каћ д.о.о.", NULL, "Нови Сад", "JUZNOBACKI", "25", 1994, 640, 52000, 6500, 4, {{"vmc", "founding_member", "2008-06-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"temerin-metal", "Темерин метал д.о.о.", NULL, "Темерин", "JUZNOBACKI", "25", 2001, 420, 46000, 7200, 5, {{"vmc", "member", "2009-01-20", NULL}, {NULL, NULL, NULL, NULL}}},
    {"becej-masinska-obrada", "Машинска обрада Бечеј д.о.о.", NULL, "Бечеј", "JUZNOBACKI", "25", 2005, 310, 40000, 7800, 6, {{"vmc", "member", "2010-10-10", NULL}, {NULL, NULL, NULL, NULL}}},
    {"vrbas-hidraulika", "Врбас хидраулика д.о.о.", NULL, "Врбас", "JUZNOBACKI", "28", 2003, 520, 50000, 8000, 5, {{"vmc", "board", "2008-06-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"kovacnica-tisa", "Ковачница Тиса д.о.о.", NULL, "Сента", "SEVERNOBANATSKI", "25", 1997, 380, 42000, 6800, 3, {{"vmc", "member", "2011-02-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"indjija-alati", "Инђија алати д.о.о.", NULL, "Инђија", "SREMSKI", "25", 2009, 270, 39000, 6000, 7, {{"vmc", "member", "2012-04-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"pancevo-kotlovi", "Панчево котлови д.о.о.", NULL, "Панчево", "JUZNOBANATSKI", "25", 1999, 560, 47000, 7000, 4, {{"vmc", "member", "2010-05-01", "2021-06-30"}, {NULL, NULL, NULL, NULL}}},
    {"dorcol-konfekcija", "Дорћол конфекција д.о.о.", NULL, "Београд", "BEOGRAD", "14", 1996, 420, 21000, 8800, 2, {{"facts", "founding_member", "2010-11-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"novi-pazar-denim", "Нови Пазар деним д.о.о.", NULL, "Нови Пазар", "RASKI", "14", 2004, 1300, 19000, 9200, 3, {{"facts", "member", "2011-06-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"leskovac-tekstil", "Лесковац текстил д.о.о.", NULL, "Лесковац", "JABLANICKI", "13", 1991, 650, 17000, 8600, 1, {{"facts", "member", "2012-01-15", NULL}, {NULL, NULL, NULL, NULL}}},
    {"arilje-pletiva", "Ариље плетива д.о.о.", NULL, "Ариље", "ZLATIBORSKI", "14", 2000, 380, 18000, 9000, 2, {{"facts", "member", "2013-03-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"beo-dizajn-studio", "Beo Dizajn Studio d.o.o.", NULL, "Београд", "BEOGRAD", "14", 2018, 60, 26000, 5500, 12, {{"facts", "member", "2019-04-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"pirot-obuca", "Пирот обућа д.о.о.", NULL, "Пирот", "PIROTSKI", "15", 2007, 720, 20000, 9400, 4, {{"facts", "member", "2014-09-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"nisava-elektronik", "Нишава електроник д.о.о.", NULL, "Ниш", "NISAVSKI", "26", 2003, 1200, 41000, 9300, 6, {{"nicat", "founding_member", "2011-12-01", NULL}, {"ict-cluster-central-serbia", "member", "2016-02-01", NULL}}},
    {"medijana-softver", "Медијана софтвер д.о.о.", NULL, "Ниш", "NISAVSKI", "62", 2010, 430, 43000, 9000, 9, {{"nicat", "member", "2012-03-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"toplica-senzori", "Топлица сензори д.о.о.", NULL, "Прокупље", "TOPLICKI", "26", 2016, 160, 37000, 8700, 14, {{"nicat", "member", "2017-05-15", NULL}, {NULL, NULL, NULL, NULL}}},
    {"pcinja-kabl", "Пчиња кабл д.о.о.", NULL, "Врање", "PCINJSKI", "27", 2008, 1500, 30000, 9600, 5, {{"nicat", "member", "2012-10-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"nis-smart-sistemi", "Niš Smart Sistemi d.o.o.", NULL, "Ниш", "NISAVSKI", "62", 2022, 35, 34000, 8000, 40, {{"nicat", "member", "2022-06-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"aleksinac-pcb", "Алексинац ПЦБ д.о.о.", NULL, "Алексинац", "NISAVSKI", "26", 2012, 340, 39000, 9100, 8, {{"nicat", "member", "2013-09-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"institut-senzorske-tehnologije", "Институт за сензорске технологије Ниш", "research_institute", "Ниш", "NISAVSKI", "72", 2011, 85, 30000, 3500, 5, {{"nicat", "member", "2012-01-10", NULL}, {NULL, NULL, NULL, NULL}}},
    {"sumadijski-softver", "Шумадијски софтвер д.о.о.", NULL, "Крагујевац", "SUMADIJSKI", "62", 2009, 380, 41000, 9200, 9, {{"ict-cluster-central-serbia", "founding_member", "2012-05-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"lepenica-data", "Лепеница дата д.о.о.", NULL, "Крагујевац", "SUMADIJSKI", "62", 2018, 120, 37000, 8900, 18, {{"ict-cluster-central-serbia", "member", "2019-01-15", NULL}, {NULL, NULL, NULL, NULL}}},
    {"jagodina-web", "Јагодина веб д.о.о.", NULL, "Јагодина", "POMORAVSKI", "62", 2014, 90, 32000, 8000, 10, {{"ict-cluster-central-serbia", "member", "2015-06-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"kraljevo-it-servisi", "Краљево ИТ сервиси д.о.о.", NULL, "Краљево", "RASKI", "62", 2007, 260, 36000, 7600, 6, {{"ict-cluster-central-serbia", "member", "2013-02-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"rudnik-automatika", "Рудник аутоматика д.о.о.", NULL, "Горњи Милановац", "MORAVICKI", "62", 2013, 150, 39000, 8400, 7, {{"ict-cluster-central-serbia", "member", "2014-11-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"zapadna-morava-solar", "Западна Морава солар д.о.о.", NULL, "Чачак", "MORAVICKI", "35", 2019, 45, 60000, 1500, 30, {{"demo-energy-cluster", "founding_member", "2021-03-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"ovcar-hidro", "Овчар хидро д.о.о.", NULL, "Чачак", "MORAVICKI", "35", 2015, 30, 70000, 0, 5, {{"demo-energy-cluster", "founding_member", "2021-03-01", NULL}, {NULL, NULL, NULL, NULL}}},
    {"ibar-energetika", "Ибар енергетско саветовање д.о.о.", NULL, "Краљево", "RASKI", "71", 2020, 25, 40000, 2000, 20, {{"demo-energy-cluster", "member", "2022-02-01", NULL}, {NULL, NULL, NULL, NULL}}},
};
// clang-format on

/* The one member that did not report for 2024 (a gap the totals must show,
 * never fill). */
static const char NOT_REPORTED_2024[] = "vracar-medija";

static const char SQL_SCAN_STATUS[] =
    "INSERT INTO scan_membership(org_id, status, since, note, created_at)"
    " SELECT id, $2, $3, $4, $5 FROM org WHERE slug = $1";
static const char SQL_STAGE[] = "INSERT INTO cluster_stage(org_id, stage, reached_on, created_at)"
                                " SELECT id, $2, $3, $4 FROM org WHERE slug = $1";
static const char SQL_LABEL[] =
    "INSERT INTO cluster_label(org_id, label, name, awarded_on, expires_on)"
    " SELECT id, $2, $3, $4, $5 FROM org WHERE slug = $1";
static const char SQL_LABEL_DEMO[] =
    "INSERT INTO cluster_label(org_id, label, awarded_on, expires_on, reference)"
    " SELECT id, $2, $3, $4, $5 FROM org WHERE slug = $1";
static const char SQL_PROFILE[] =
    "INSERT INTO cluster_profile(org_id, vision, mission, goals, services, networks, updated_at)"
    " SELECT id, $2, $3, $4, $5, $6, $7 FROM org WHERE slug = $1";
/* English beside the Serbian for some texts only: the page then shows the
 * rest in Serbian and says that no translation exists (migration 0014). */
static const char SQL_PROFILE_EN[] =
    "UPDATE cluster_profile SET vision_en = $2, services_en = $3, updated_at = $4"
    " WHERE org_id = (SELECT id FROM org WHERE slug = $1)";
static const char SQL_MEMBER[] =
    "INSERT INTO cluster_member(cluster_id, org_id, role, joined_on, left_on, created_at,"
    " updated_at) SELECT c.id, m.id, $3, $4, $5, $6, $6 FROM org c, org m"
    " WHERE c.slug = $1 AND m.slug = $2";
static const char SQL_VERIFY[] = "UPDATE org_figure SET verified_at = $2 WHERE id = $1";

/* Runs one of the inserts above bound with up to seven text values
 * (NULL binds NULL) and now as the integer at position now_pos; exactly
 * one row must be written. */
static db_status insert_row(db *d, const char *sql, const char *const *v, int n, int now_pos,
                            buf *err)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s)
        return DB_ERR;
    for (int i = 0; i < n; i++)
        db_bind_text(s, i + 1, v[i]);
    if (now_pos)
        db_bind_int(s, now_pos, time_now());
    db_status st = db_step(s);
    db_reset(s);
    if (st != DB_DONE)
        return st;
    if (db_changes(d) != 1) {
        buf_printf(err, "demo cluster row for %s: no such entry", v[0]);
        return DB_ERR;
    }
    return DB_OK;
}

/* The member organisations' entries, through org_put like the others. */
static db_status load_members(db *d, buf *err)
{
    for (size_t i = 0; i < sizeof demo_members / sizeof demo_members[0]; i++) {
        const demo_member *m = &demo_members[i];
        const char *sectors[] = {m->nace};
        org_rec r = {
            .slug = m->slug,
            .name = m->name,
            .kind = m->kind ? m->kind : "company",
            .status = "published",
            .short_sr = "Илустративна чланица кластера: измишљена организација за демонстрацију "
                        "платформе.",
            .short_en = "An illustrative cluster member: a made-up organisation that shows how "
                        "the platform works.",
            .municipality = m->municipality,
            .district = m->district,
            .country = "RS",
            .year_founded = m->founded,
            .sectors = sectors,
            .n_sectors = 1,
            .is_demo = true,
        };
        form_errors fe;
        memset(&fe, 0, sizeof fe);
        org_put_result res;
        db_status st = org_put(d, &r, "create", 0, NULL, &fe, &res);
        if (st == DB_CONSTRAINT && fe.n_items > 0) {
            buf t = BUF_INIT;
            form_error_text(&t, LANG_EN, &fe.items[0]);
            buf_printf(err, "demo member %s: %s: %s", m->slug, fe.items[0].field, buf_str(&t));
            buf_free(&t);
            return st;
        }
        if (st != DB_OK)
            return st;
    }
    return DB_OK;
}

/* The figures of member m for 2022-2024 (see demo_member), some of them
 * verified by the secretariat. */
static db_status load_figures(db *d, const demo_member *m, size_t index, buf *err)
{
    org_rec o;
    bool found = false;
    arena a = ARENA_INIT;
    db_status st = org_get(d, &a, m->slug, 0, &o, &found);
    int64_t id = found ? o.id : 0;
    arena_free(&a);
    if (st != DB_OK)
        return st;
    if (!found) {
        buf_printf(err, "demo member %s is missing", m->slug);
        return DB_ERR;
    }
    int64_t employees = m->employees24;
    bool research =
        strcmp(m->nace, "62") == 0 || strcmp(m->nace, "26") == 0 || strcmp(m->nace, "72") == 0;
    for (int year = 2024; year >= 2022; year--) {
        if (year < 2024)
            employees = employees * 100 / (100 + m->growth_pct);
        if (year == 2024 && strcmp(m->slug, NOT_REPORTED_2024) == 0)
            continue;
        int64_t rpe = m->rpe * (100 - (2024 - year) * 3) / 100;
        int64_t revenue = employees * rpe * 100; /* cents */
        int64_t exports = revenue / 10000 * m->export_bp;
        int64_t rnd = research ? revenue / 100 * 3 : -1;
        form_errors fe;
        memset(&fe, 0, sizeof fe);
        figures_put_result res;
        st = figures_put_tx(d, id, year, "EUR", employees, revenue, exports, rnd, "self_reported",
                            true, 0, NULL, &fe, &res);
        if (st == DB_CONSTRAINT && fe.n_items > 0) {
            buf t = BUF_INIT;
            form_error_text(&t, LANG_EN, &fe.items[0]);
            buf_printf(err, "demo figures %s %d: %s: %s", m->slug, year, fe.items[0].field,
                       buf_str(&t));
            buf_free(&t);
            return st;
        }
        if (st != DB_OK)
            return st;
        /* earlier years verified; 2024 for every other member */
        if (year < 2024 || index % 2 == 0) {
            db_stmt *s = db_prepare(d, SQL_VERIFY);
            if (!s)
                return DB_ERR;
            db_bind_int(s, 1, res.id);
            db_bind_int(s, 2, time_now());
            st = db_step(s);
            db_reset(s);
            if (st != DB_DONE)
                return st;
        }
    }
    return DB_OK;
}

static db_status load_clusters(db *d, buf *err)
{
    db_status st;
    for (size_t i = 0; i < sizeof founders / sizeof founders[0]; i++) {
        const char *scan[] = {founders[i], "founder", SCAN_FOUNDED, NULL};
        if ((st = insert_row(d, SQL_SCAN_STATUS, scan, 4, 5, err)) != DB_OK)
            return st;
        /* established clusters by the time they founded SCAN */
        const char *stage[] = {founders[i], "established", SCAN_FOUNDED};
        if ((st = insert_row(d, SQL_STAGE, stage, 3, 4, err)) != DB_OK)
            return st;
    }
    const char *const labels[][5] = {
        {"voict", "esca_bronze", NULL, "2013-03-01", "2015-03-01"},
        {"demo-energy-cluster", "other", "Демо признање регионалне развојне агенције", "2024-04-15",
         NULL},
    };
    for (size_t i = 0; i < 2; i++)
        if ((st = insert_row(d, SQL_LABEL, labels[i], 5, 0, err)) != DB_OK)
            return st;
    /* Illustrative: a current, verified ESCA Bronze label (awarded a year
     * before the demo is loaded, valid two years), so that one demo cluster
     * meets every rule of the demo call closing within a week ("established
     * clusters with an ESCA label", demo_calls.c) while VOICT, whose label
     * expired in 2015, visibly does not. Relative dates keep it current
     * whenever the demo is loaded. Not a statement about the real
     * cluster's labels: its reference says so. */
    char today[11], awarded[11], expires[11];
    time_today(today);
    time_date_add_years(awarded, today, -1);
    time_date_add_years(expires, today, 1);
    if ((st = db_do(d, SQL_LABEL_DEMO,
                    DB_ARGS(DBT("ict-cluster-central-serbia"), DBT("esca_bronze"), DBT(awarded),
                            DBT(expires), DBT("DEMO-ESCA (illustrative)")))) != DB_OK) {
        buf_printf(err, "demo label: %s", db_status_name(st));
        return st;
    }
    const char *const initiative[][4] = {
        {"demo-energy-cluster", "applied", "2021-03-01", "Пријава после оснивања иницијативе."},
        {"demo-energy-cluster", "member", "2022-06-01", NULL},
    };
    for (size_t i = 0; i < 2; i++)
        if ((st = insert_row(d, SQL_SCAN_STATUS, initiative[i], 4, 5, err)) != DB_OK)
            return st;
    const char *const stages[][3] = {{"demo-energy-cluster", "initiative", "2021-03-01"},
                                     {"demo-energy-cluster", "emerging", "2023-09-01"}};
    for (size_t i = 0; i < 2; i++)
        if ((st = insert_row(d, SQL_STAGE, stages[i], 3, 4, err)) != DB_OK)
            return st;
    const char *profile[] = {
        "demo-energy-cluster",
        "Западна Србија као регион који производи и користи чисту енергију.",
        "Повезујемо произвођаче, пројектанте и општине да би пројекти обновљиве енергије "
        "настајали брже и јефтиније.",
        "Заједнички наступ чланица на тендерима.\nОбука за пројектовање соларних електрана.\n"
        "Пет нових чланица до 2026. године.",
        "Заједничко пројектовање и прибављање дозвола\nОбуке и радионице\n"
        "Повезивање са финансијерима",
        "Мрежа енергетских заједница Србије (илустративно)",
    };
    if ((st = insert_row(d, SQL_PROFILE, profile, 6, 7, err)) != DB_OK)
        return st;
    const char *profile_en[] = {
        "demo-energy-cluster",
        "Western Serbia as a region that produces and uses clean energy.",
        "Joint design and permitting\nTraining and workshops\nIntroductions to funders",
    };
    if ((st = insert_row(d, SQL_PROFILE_EN, profile_en, 3, 4, err)) != DB_OK)
        return st;

    if ((st = load_members(d, err)) != DB_OK)
        return st;
    for (size_t i = 0; i < sizeof demo_members / sizeof demo_members[0]; i++) {
        const demo_member *m = &demo_members[i];
        for (size_t k = 0; k < 2 && m->in[k].cluster; k++) {
            const char *row[] = {m->in[k].cluster, m->slug, m->in[k].role, m->in[k].joined_on,
                                 m->in[k].left_on};
            if ((st = insert_row(d, SQL_MEMBER, row, 5, 6, err)) != DB_OK)
                return st;
        }
        if ((st = load_figures(d, m, i, err)) != DB_OK)
            return st;
    }
    return DB_OK;
}

/* --- the cooperation board (issue 13) ------------------------------------------
 *
 * Forty illustrative posts by the demo members, in the three scripts the
 * board takes (Serbian Cyrillic, Serbian Latin, English), written so that
 * members of different founding clusters find each other: a metal works in
 * the VMC needs embedded software that an electronics firm in NiCAT offers,
 * the automotive cluster needs sensors from Toplica, a fashion company
 * needs a web shop from a VOICT member, and so on. The matches are
 * computed as each post is published (post_insert_tx), as if typed in. */
typedef struct demo_post {
    const char *org, *kind, *topic, *lang, *title, *body, *nace, *geo;
    int days_ago, valid_days;
} demo_post;

// clang-format off
static const demo_post demo_posts[] = {
    {"celicne-konstrukcije-kac", "request", "technology", "sr-Cyrl", "Потребан уграђени софтвер за CNC машине", "Тражимо партнера за уграђени софтвер и фирмвер управљачких јединица CNC машина за сечење челика.", "26", "R-VO", 2, 120},
    {"nisava-elektronik", "offer", "technology", "sr-Latn", "Ugrađeni softver i firmver za industrijsku elektroniku", "Razvijamo ugrađeni softver i firmver za upravljačke jedinice, mikrokontrolere i industrijske mašine.", "26", "R-JI", 5, 200},
    {"aleksinac-pcb", "offer", "supply_chain", "sr-Cyrl", "Израда штампаних плоча и монтажа", "Серијска израда штампаних плоча (PCB) и SMD монтажа за индустријску електронику и управљачке јединице.", "26", "R-JI", 9, 180},
    {"sumadija-autodelovi", "request", "supply_chain", "en", "Pressure and temperature sensors for a brake test bench", "We need pressure sensors and temperature sensors, with calibration, for a new brake test bench in Kragujevac.", "26", "R-SZ", 3, 90},
    {"toplica-senzori", "offer", "technology", "sr-Latn", "Senzori pritiska i temperature po meri", "Projektujemo i proizvodimo senzore pritiska i senzore temperature (pressure sensors, temperature sensors) sa kalibracijom.", "26", "R-JI", 12, 240},
    {"dorcol-konfekcija", "request", "technology", "sr-Cyrl", "Веб продавница и повезивање са ERP системом", "Потребна нам је веб продавница за извоз одеће и повезивање са нашим ERP системом и магацином.", "62", "R-BG", 1, 60},
    {"backa-kod", "offer", "technology", "sr-Latn", "Veb prodavnica i ERP integracije", "Gradimo veb prodavnica rešenja (e-commerce) i integracije sa ERP sistemom, magacinom i platnim karticama.", "62", "R-VO", 7, 150},
    {"cacak-autokomponente", "request", "supply_chain", "en", "Cable harnesses for a new model line", "Looking for a supplier of cable harnesses (kablovski snopovi) for automotive electrical systems, 20,000 sets a year.", "27", "R-SZ", 4, 100},
    {"pcinja-kabl", "offer", "supply_chain", "sr-Cyrl", "Кабловски снопови за аутомобилску индустрију", "Производимо кабловски снопови (cable harnesses) за аутомобилску индустрију и електричне системе возила.", "27", "R-JI", 15, 300},
    {"zapadna-morava-solar", "request", "technology", "sr-Latn", "Softver za nadzor solarnih elektrana", "Tražimo softver za nadzor i daljinsko upravljanje solarnih elektrana, sa SCADA povezivanjem.", "62", "R-SZ", 6, 120},
    {"rudnik-automatika", "offer", "technology", "sr-Cyrl", "Софтвер за надзор и SCADA системи", "Развијамо софтвер за надзор и управљање постројењима, SCADA системи и даљинско управљање за енергетику.", "62", "R-SZ", 20, 200},
    {"toplica-senzori", "request", "supply_chain", "en", "Plastic housings for sensors", "We need injection-moulded plastic housings for sensors, small series of 5,000 pieces.", "22", "R-JI", 8, 90},
    {"morava-plastik", "offer", "supply_chain", "sr-Latn", "Brizganje plastike i kućišta", "Brizganje plastike: kućišta, poklopci i delovi za automobile i elektroniku; plastic housings, injection-moulded parts.", "22", "R-SZ", 25, 300},
    {"novi-pazar-denim", "request", "export", "sr-Cyrl", "Партнери за извоз у ЕУ", "Тражимо дистрибутере и партнере за извоз фармерки у Немачку и Аустрију.", "14", "R-SZ", 10, 180},
    {"arilje-pletiva", "offer", "export", "sr-Latn", "Zajednički nastup na sajmovima u EU", "Nudimo zajednički nastup na sajmovima odeće u Nemačkoj i Austriji i podelu troškova izvoza.", "14", "R-SZ", 11, 150},
    {"usce-fintek", "offer", "training", "en", "Cybersecurity training for SMEs", "Two-day cybersecurity training for small and medium companies, in Serbian or English.", "62", "R-BG", 14, 200},
    {"kovacnica-tisa", "request", "training", "sr-Cyrl", "Обука из сајбер безбедности", "Потребна обука из сајбер безбедности (cybersecurity training) за запослене у администрацији.", "25", "R-VO", 13, 90},
    {"institut-senzorske-tehnologije", "offer", "project_partner", "en", "Partner for a Horizon Europe project on smart sensors", "Research institute offers partnership on smart sensors, IoT and measurement for Horizon Europe calls.", "72", "R-JI", 16, 240},
    {"vrbas-hidraulika", "request", "project_partner", "sr-Latn", "Partner za projekat pametne hidraulike", "Tražimo partnera za projekat: senzori i IoT merenje pritiska u hidrauličnim sistemima (smart sensors).", "28", "R-VO", 17, 200},
    {"temerin-metal", "offer", "supply_chain", "sr-Cyrl", "Ласерско сечење и савијање лима", "Ласерско сечење, савијање и заваривање лима до 20 mm; слободни капацитети од марта.", "25", "R-VO", 18, 150},
    {"rasina-pogonski-sistemi", "request", "supply_chain", "en", "Laser cutting of sheet metal brackets", "We need laser cutting and bending of sheet metal brackets, 3 to 8 mm, monthly batches.", "25", "R-SZ", 19, 120},
    {"becej-masinska-obrada", "offer", "supply_chain", "sr-Latn", "CNC obrada i glodanje", "Slobodni kapaciteti za CNC obradu, glodanje i struganje delova za mašine.", "25", "R-VO", 21, 180},
    {"livnica-lepenica", "request", "supply_chain", "sr-Cyrl", "Потребна CNC обрада одливака", "Тражимо CNC обраду и глодање алуминијумских одливака за аутомобилску индустрију.", "25", "R-SZ", 22, 120},
    {"kalemegdan-tehnologije", "offer", "technology", "en", "Machine vision for quality control", "Machine vision and AI for quality control on production lines: defects, measurement, reports.", "62", "R-BG", 23, 300},
    {"gruza-kablovi", "request", "technology", "sr-Latn", "Mašinska vizija za kontrolu kvaliteta", "Tražimo rešenje za mašinska vizija (machine vision) i kontrolu kvaliteta kablova na proizvodnoj liniji.", "29", "R-SZ", 24, 150},
    {"sava-cloud", "offer", "technology", "sr-Cyrl", "Клауд инфраструктура и миграција", "Миграција на клауд, хостинг и одржавање инфраструктуре за производне компаније.", "62", "R-BG", 26, 200},
    {"pirot-obuca", "request", "technology", "en", "Cloud migration of our ERP", "We want to move our ERP and warehouse software to the cloud, with support in Serbian.", "15", "R-JI", 27, 120},
    {"fruska-data", "offer", "technology", "sr-Latn", "Analitika podataka za proizvodnju", "Analitika podataka, izveštaji i prediktivno održavanje mašina za proizvodne kompanije.", "62", "R-VO", 28, 200},
    {"podunavlje-kocnice", "request", "technology", "sr-Cyrl", "Предиктивно одржавање машина", "Тражимо партнера за аналитика података и предиктивно одржавање машина у погону кочница.", "29", "R-SZ", 29, 150},
    {"leskovac-tekstil", "request", "training", "sr-Latn", "Obuka za digitalni marketing", "Potrebna obuka za digitalni marketing i prodaju preko interneta za tim od 10 ljudi.", "13", "R-JI", 30, 100},
    {"vracar-medija", "offer", "training", "en", "Digital marketing training and campaigns", "Digital marketing training (obuka za digitalni marketing), campaigns and online sales for manufacturers.", "73", "R-BG", 31, 200},
    {"zvezdara-labs", "offer", "tender", "sr-Latn", "Konzorcijum za tender pametnog grada", "Okupljamo konzorcijum za tender pametnog grada: senzori, softver, mreže.", "62", "R-BG", 32, 90},
    {"medijana-softver", "request", "tender", "sr-Cyrl", "Партнери за тендер паметног града у Нишу", "Тражимо партнере за конзорцијум за тендер паметног града: сензори и мреже.", "62", "R-JI", 33, 90},
    {"subotica-digital", "offer", "technology", "en", "Mobile apps for industry", "Mobile apps for field service, maintenance and warehouse, Android and iOS.", "62", "R-VO", 34, 150},
    {"indjija-alati", "request", "technology", "sr-Latn", "Mobilna aplikacija za servis na terenu", "Tražimo razvoj mobilne aplikacije (mobile apps) za servis i održavanje alata na terenu.", "25", "R-VO", 35, 120},
    {"ovcar-hidro", "offer", "other", "sr-Cyrl", "Зелена енергија за индустријске купце", "Нудимо уговоре о испоруци зелене енергије из мале хидроелектране за индустријске купце.", "35", "R-SZ", 36, 200},
    {"beo-dizajn-studio", "request", "other", "en", "Green energy supply for a design studio", "Small studio looking for a green energy supply contract and advice on solar panels.", "14", "R-BG", 37, 90},
    {"ibar-energetika", "offer", "training", "sr-Latn", "Energetska efikasnost: obuka i revizija", "Obuka i energetska revizija za industrijske pogone: uštede, solarni paneli, subvencije.", "71", "R-SZ", 38, 180},
    {"begej-it", "request", "project_partner", "sr-Cyrl", "Партнер за пројекат дигитализације пољопривреде", "Тражимо партнера са сензорима и IoT мерењем за пројекат дигитализације пољопривреде у Банату.", "62", "R-VO", 39, 150},
    {"sumadijski-softver", "offer", "project_partner", "sr-Latn", "Partner za IoT projekte", "Softver i IoT platforma za merenje, senzori i daljinski nadzor: tražimo zajedničke projekte.", "62", "R-SZ", 40, 200},
};
// clang-format on

static const char SQL_ORG_ID[] = "SELECT id FROM org WHERE slug = $1";

static const struct {
    const char *post_title, *from_org, *message;
} demo_intros[] = {
    {"Потребан уграђени софтвер за CNC машине", "nisava-elektronik",
     "Razvijamo firmver za upravljačke jedinice; rado bismo videli vaše mašine u Kaću."},
    {"Cable harnesses for a new model line", "pcinja-kabl",
     "We supply cable harnesses to two carmakers and have capacity from spring."},
};
static const char SQL_DEMO_INTRO[] =
    "INSERT INTO post_interest(post_id, org_id, status, created_at, updated_at)"
    " SELECT p.id, o.id, 'accepted', $3, $3 FROM post p, org o WHERE p.title = $1 AND o.slug = $2";
static const char SQL_DEMO_INTRO_MSG[] =
    "INSERT INTO post_interest_message(interest_id, body, created_at)"
    " VALUES ($3, $1, $2)"; /* $3: the interest's id (db_last_id: both backends) */

static db_status load_posts(db *d, buf *err)
{
    int64_t now = time_now();
    for (size_t i = 0; i < sizeof demo_posts / sizeof demo_posts[0]; i++) {
        const demo_post *dp = &demo_posts[i];
        int64_t org_id = 0;
        db_status st = db_int(d, &org_id, 0, SQL_ORG_ID, DB_ARGS(DBT(dp->org)));
        if (st != DB_OK)
            return st;
        if (!org_id) {
            buf_printf(err, "demo post %zu: no organisation %s", i, dp->org);
            return DB_ERR;
        }
        char until[11];
        time_t t = (time_t)(now + (int64_t)dp->valid_days * 86400);
        struct tm tm;
        if (!localtime_r(&t, &tm) || strftime(until, sizeof until, "%Y-%m-%d", &tm) != 10)
            return DB_ERR;
        const char *nace[] = {dp->nace}, *geo[] = {dp->geo};
        post_rec p = {.org_id = org_id,
                      .kind = dp->kind,
                      .topic = dp->topic,
                      .lang = dp->lang,
                      .title = dp->title,
                      .body = dp->body,
                      .valid_until = until,
                      .visibility = "public",
                      .nace = nace,
                      .n_nace = 1,
                      .geo = geo,
                      .n_geo = 1};
        form_errors fe = {0};
        int64_t id = 0;
        st = post_insert_tx(d, &p, 0, now - (int64_t)dp->days_ago * 86400, POST_INSERT_DEMO, &fe,
                            &id, NULL);
        if (st != DB_OK) {
            buf_printf(err, "demo post %zu (%s): %s%s%s", i, dp->org, db_status_name(st),
                       fe.n_items ? " on " : "", fe.n_items ? fe.items[0].field : "");
            return st;
        }
    }
    /* two accepted introductions (illustrative: the demo's people are
     * made up, so the requests carry organisations, not persons) */
    for (size_t i = 0; i < sizeof demo_intros / sizeof demo_intros[0]; i++) {
        db_status st = db_do(d, SQL_DEMO_INTRO,
                             DB_ARGS(DBT(demo_intros[i].post_title), DBT(demo_intros[i].from_org),
                                     DBI(now - 86400 * (int64_t)(i + 1))));
        if (st == DB_OK)
            st = db_do(d, SQL_DEMO_INTRO_MSG,
                       DB_ARGS(DBT(demo_intros[i].message), DBI(now), DBI(db_last_id(d))));
        if (st != DB_OK) {
            buf_printf(err, "demo introduction %zu: %s", i, db_status_name(st));
            return st;
        }
    }
    return DB_OK;
}

/* The whole demo in one write: DB_DONE when it is already loaded. */
static db_status load_body(tx *t, void *ctx)
{
    buf *err = ctx;
    db *d = t->d;
    int64_t n = 0;
    buf_reset(err); /* a retry starts clean */
    db_status st = db_scalar_int(d, SQL_IS_LOADED, &n);
    if (st != DB_OK)
        return st;
    if (n > 0)
        return DB_DONE;
    if ((st = load_orgs(d, err)) != DB_OK || (st = load_clusters(d, err)) != DB_OK ||
        (st = demo_load_events(d, err)) != DB_OK || (st = load_posts(d, err)) != DB_OK ||
        (st = demo_load_assessments(d, err)) != DB_OK ||
        (st = demo_load_devplan(d, err)) != DB_OK ||
        (st = demo_load_initiatives(d, err)) != DB_OK ||
        (st = demo_load_agreements(d, err)) != DB_OK || (st = demo_load_calls(d, err)) != DB_OK ||
        (st = demo_load_positions(d, err)) != DB_OK || (st = demo_load_advocacy(d, err)) != DB_OK ||
        (st = demo_load_ref_employment(d, err)) != DB_OK ||
        (st = demo_load_projects(d, err)) != DB_OK || (st = demo_load_news(d, err)) != DB_OK)
        return st;
    return db_do(d, SQL_MARK, DB_ARGS(DBI(time_now())));
}

db_status demo_load(db *d, int *loaded, buf *err)
{
    *loaded = 0;
    /* org_put writes each entry's audit row; the versions go up once */
    tx t = TX_INIT(0, NULL, NULL, NULL, 0);
    t.bump = TX_DIRECTORY | TX_FIGURES;
    db_status st = tx_write(d, &t, load_body, err);
    if (st == DB_DONE)
        return DB_OK; /* loaded before */
    if (st != DB_OK) {
        if (err->len == 0)
            buf_printf(err, "%s", db_errmsg(d));
        return st;
    }
    *loaded = 1;
    return DB_OK;
}
