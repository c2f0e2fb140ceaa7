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
 * none. */
#include "model/demo.h"

#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "model/org.h"

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
};

/* Writes the directory entries; on a validation error says which entry
 * and field in err. Inside the caller's transaction. */
static db_status load_orgs(db *d, buf *err)
{
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

db_status demo_load(db *d, int *loaded, buf *err)
{
    *loaded = 0;
    int64_t n = 0;
    db_status st = db_begin_write(d);
    if (st != DB_OK)
        goto fail;
    st = db_scalar_int(d, SQL_IS_LOADED, &n);
    if (st != DB_OK)
        goto fail;
    if (n > 0) {
        db_rollback(d);
        return DB_OK;
    }
    st = load_orgs(d, err);
    if (st != DB_OK)
        goto fail;
    db_stmt *s = db_prepare(d, SQL_MARK);
    if (!s) {
        st = DB_ERR;
        goto fail;
    }
    db_bind_int(s, 1, time_now());
    st = db_step(s);
    db_reset(s);
    if (st != DB_DONE)
        goto fail;
    st = db_commit(d);
    if (st != DB_OK)
        goto fail;
    *loaded = 1;
    return DB_OK;
fail:
    if (err->len == 0)
        buf_printf(err, "%s", db_errmsg(d));
    db_rollback(d);
    return st == DB_OK ? DB_ERR : st;
}
