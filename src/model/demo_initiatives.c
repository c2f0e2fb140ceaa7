/* demo_initiatives.c: two illustrative cluster initiatives for the demo
 * data set (issue 15), at different points of readiness: one with most of
 * the readiness criteria met (a legal entity, a strategy and services on
 * its page, a team of 0.6 FTE, sixteen members of two types, answers for
 * its English website and fee scheme; only last year's figures missing),
 * and one just started (two founders, nothing else yet). Both are
 * published entries with their initiative rows, marked is_demo; members
 * joined in 2025, after the demo's figure years, so no total changes.
 * Inserted inside demo_load's transaction. */
#include <string.h>

#include "core/timeutil.h"
#include "model/demo.h"
#include "model/org.h"

typedef struct demo_initiative {
    const char *slug, *name, *name_en, *district, *nace, *mb;
    const char *description_sr, *description_en;
    const char *contact_name, *contact_email, *contact_phone;
    const char *founders[3];
} demo_initiative;

static const demo_initiative initiatives[] = {
    {"demo-pametna-proizvodnja",
     "Иницијатива паметне производње Шумадије",
     "Šumadija Smart Manufacturing Initiative",
     "SUMADIJSKI",
     "29",
     "21468207",
     "Добављачи аутомобилске индустрије, софтверске фирме и истраживачи из Шумадије заједно "
     "уводе аутоматизацију и дигиталне алате у производњу. Илустративни пример.",
     "Automotive suppliers, software firms and researchers of Šumadija bringing automation and "
     "digital tools into production together. Illustrative example.",
     "Демо координатор",
     "koordinator@example.invalid",
     "+381 34 000 000",
     {"sumadija-autodelovi", "sumadijski-softver", "institut-senzorske-tehnologije"}},
    {"demo-kruzna-ekonomija-nis",
     "Иницијатива кружне економије Ниш",
     "Niš Circular Economy Initiative",
     "NISAVSKI",
     "38",
     NULL,
     "Произвођачи електронике из Ниша траже начине да отпад једних постане сировина других. "
     "Илустративни пример.",
     "Electronics makers of Niš looking for ways to turn one firm's waste into another's raw "
     "material. Illustrative example.",
     "Демо контакт",
     "kontakt@example.invalid",
     "+381 18 000 000",
     {"nisava-elektronik", "aleksinac-pcb", NULL}},
};

/* The advanced initiative's members (joined 2025-03-01). */
static const char *const members[] = {
    "sumadija-autodelovi",
    "livnica-lepenica",
    "gruza-kablovi",
    "morava-plastik",
    "raca-precizna-mehanika",
    "cacak-autokomponente",
    "rasina-pogonski-sistemi",
    "podunavlje-kocnice",
    "sumadijski-softver",
    "lepenica-data",
    "jagodina-web",
    "kraljevo-it-servisi",
    "rudnik-automatika",
    "institut-senzorske-tehnologije",
    "toplica-senzori",
    "nisava-elektronik",
};

static const char SQL_INITIATIVE[] =
    "INSERT INTO initiative(org_id, contact_name, contact_email, contact_phone, created_at,"
    " is_demo) SELECT id, $2, $3, $4, $5, 1 FROM org WHERE slug = $1";
static const char SQL_FOUNDER[] =
    "INSERT INTO initiative_founder(org_id, founder_id) SELECT c.id, f.id FROM org c, org f"
    " WHERE c.slug = $1 AND f.slug = $2";
static const char SQL_STAGE[] = "INSERT INTO cluster_stage(org_id, stage, reached_on, created_at)"
                                " SELECT id, $2, $3, $4 FROM org WHERE slug = $1";
static const char SQL_MEMBER[] =
    "INSERT INTO cluster_member(cluster_id, org_id, role, joined_on, created_at, updated_at)"
    " SELECT c.id, m.id, $3, '2025-03-01', $4, $4 FROM org c, org m"
    " WHERE c.slug = $1 AND m.slug = $2";
static const char SQL_PROFILE[] =
    "INSERT INTO cluster_profile(org_id, vision, goals, services, vision_en, services_en,"
    " updated_at) SELECT id, $2, $3, $4, $5, $6, $7 FROM org WHERE slug = $1";
static const char SQL_PERSON[] =
    "INSERT INTO person(name, email, created_at, updated_at) VALUES ($1, $2, $3, $3)";
static const char SQL_TEAM[] =
    "INSERT INTO cluster_team(org_id, person_id, role, role_en, fte_milli, since)"
    " SELECT o.id, p.id, 'Координатор', 'Coordinator', 600, '2025-01-15' FROM org o, person p"
    " WHERE o.slug = $1 AND p.email = $2";
static const char SQL_ANSWER[] =
    "INSERT INTO readiness_answer(org_id, criterion, met, url, note, answered_at)"
    " SELECT id, $2, 1, $3, $4, $5 FROM org WHERE slug = $1";

db_status demo_load_initiatives(db *d, buf *err)
{
    int64_t now = time_now();
    db_status st = DB_OK;
    for (size_t i = 0; i < sizeof initiatives / sizeof initiatives[0] && st == DB_OK; i++) {
        const demo_initiative *x = &initiatives[i];
        const char *sectors[] = {x->nace};
        org_rec r = {.slug = x->slug,
                     .name = x->name,
                     .name_en = x->name_en,
                     .kind = "cluster_initiative",
                     .status = "published",
                     .description_sr = x->description_sr,
                     .description_en = x->description_en,
                     .district = x->district,
                     .country = "RS",
                     .mb = x->mb,
                     .sectors = sectors,
                     .n_sectors = 1,
                     .is_demo = true};
        form_errors fe;
        memset(&fe, 0, sizeof fe);
        org_put_result res;
        st = org_put(d, &r, "create", 0, NULL, &fe, &res);
        if (st == DB_CONSTRAINT && fe.n_items > 0)
            buf_printf(err, "demo initiative %s: %s", x->slug, fe.items[0].field);
        if (st == DB_OK)
            st = db_do(d, SQL_INITIATIVE,
                       DB_ARGS(DBT(x->slug), DBT(x->contact_name), DBT(x->contact_email),
                               DBT(x->contact_phone), DBI(now)));
        for (size_t k = 0; k < 3 && x->founders[k] && st == DB_OK; k++)
            st = db_do(d, SQL_FOUNDER, DB_ARGS(DBT(x->slug), DBT(x->founders[k])));
        if (st == DB_OK)
            st = db_do(d, SQL_STAGE,
                       DB_ARGS(DBT(x->slug), DBT("initiative"),
                               DBT(i == 0 ? "2025-01-15" : "2026-10-01"), DBI(now)));
    }
    const char *adv = initiatives[0].slug;
    for (size_t i = 0; i < sizeof members / sizeof members[0] && st == DB_OK; i++)
        st = db_do(d, SQL_MEMBER,
                   DB_ARGS(DBT(adv), DBT(members[i]), DBT(i < 3 ? "founding_member" : "member"),
                           DBI(now)));
    if (st == DB_OK)
        st = db_do(
            d, SQL_PROFILE,
            DB_ARGS(DBT(adv),
                    DBT("Шумадија као регион у коме мала и средња предузећа производе паметно."),
                    DBT("Аутоматизација у десет фирми до 2028; заједнички пројекти са "
                        "истраживачима."),
                    DBT("Обуке из аутоматизације\nЗаједнички наступ на сајмовима\nПовезивање са "
                        "истраживачима"),
                    DBT("Šumadija as a region where small firms produce smartly."),
                    DBT("Automation training\nJoint trade fair stands\nIntroductions to "
                        "researchers"),
                    DBI(now)));
    if (st == DB_OK)
        st = db_do(d, SQL_PERSON,
                   DB_ARGS(DBT("Демо координатор"), DBT("koordinator@example.invalid"), DBI(now)));
    if (st == DB_OK)
        st = db_do(d, SQL_TEAM, DB_ARGS(DBT(adv), DBT("koordinator@example.invalid")));
    if (st == DB_OK)
        st =
            db_do(d, SQL_ANSWER,
                  DB_ARGS(DBT(adv), DBT("website_en"), DBT("https://example.org/smart-sumadija/en"),
                          DBT("News every month (illustrative)"), DBI(now)));
    if (st == DB_OK)
        st = db_do(d, SQL_ANSWER,
                   DB_ARGS(DBT(adv), DBT("fee_scheme"), DBNULL,
                           DBT("Annual fee by company size (illustrative)"), DBI(now)));
    return st;
}
