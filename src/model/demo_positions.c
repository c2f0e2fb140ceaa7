/* demo_positions.c: four illustrative advocacy positions for the demo
 * data set (issue 16), one at each telling stage:
 *   1. in consultation (SCAN's), two versions, comments on both;
 *   2. open for signature (VOICT's), signed by three founder clusters;
 *   3. submitted and answered (SCAN's), signed by all seven founders, with
 *      its submission to the Ministry of Economy and a partly accepted
 *      outcome (the rows of the submissions module, written directly);
 *   4. closed (a joint statement), signed by two founders.
 * Signed by the demo founders, so the weight of the answered one is the
 * founders' figures total (its distinct members, each once). Every
 * position is is_demo; comments and signatures are by two illustrative
 * people without an address (they receive nothing). Inserted inside
 * demo_load's transaction without audit rows, like the rest of the demo
 * data; the signatures' w_* are computed as a signature would. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "model/demo.h"
#include "model/position.h"

static const char SQL_PERSON[] =
    "INSERT INTO person(name, email, created_at, updated_at) VALUES ($1, NULL, $2, $2)"
    " RETURNING id";
static const char SQL_POSITION[] =
    "INSERT INTO position(kind, owner_id, stage, consult_until, version, is_demo, created_at,"
    " updated_at) SELECT $1, id, $2, $3, $4, 1, $5, $5 FROM org WHERE slug = $6 RETURNING id";
static const char SQL_VERSION[] =
    "INSERT INTO position_version(position_id, version, title_sr, title_en, body_sr, body_en,"
    " note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char SQL_STEP[] =
    "INSERT INTO position_step(position_id, stage, at) VALUES ($1, $2, $3)";
static const char SQL_TAG[] = "INSERT INTO position_tag(position_id, tag) VALUES ($1, $2)";
static const char SQL_ADDR[] = "INSERT INTO position_addressee(position_id, org_id)"
                               " SELECT $1, id FROM org WHERE slug = $2";
static const char SQL_COMMENT[] =
    "INSERT INTO position_comment(position_id, version, paragraph, parent_id, org_id, body,"
    " created_at, created_by) SELECT $1, $2, $3, $4, id, $5, $6, $7 FROM org WHERE slug = $8"
    " RETURNING id";
static const char SQL_SIGN[] =
    "INSERT INTO position_signature(position_id, org_id, signed_at, signed_by)"
    " SELECT $1, id, $2, $3 FROM org WHERE slug = $4 RETURNING id";
static const char SQL_SUBMISSION[] =
    "INSERT INTO position_submission(position_id, institution_id, sent_on, channel, reference,"
    " created_at) SELECT $1, id, $2, 'email', $3, $4 FROM org WHERE slug = $5 RETURNING id";
static const char SQL_OUTCOME[] =
    "INSERT INTO position_outcome(submission_id, outcome, answered_on, note, created_at)"
    " VALUES ($1, 'partly', $2, $3, $4)";

typedef struct demo_pos {
    const char *kind, *stage, *owner;
    int age_days; /* created this many days ago */
    const char *title_sr, *title_en, *body_sr, *body_en;
    const char *tags[3];
    const char *signers[8];
} demo_pos;

// clang-format off
static const demo_pos positions[] = {
    {"proposal", "consultation", "scan", 30,
     "Порески подстицаји за улагања малих предузећа у истраживање и развој",
     "Tax incentives for small companies' investment in research and development",
     "Кластери SCAN-а предлажу да се двоструки одбитак трошкова истраживања и развоја прошири на мала предузећа која сарађују са факултетима.\n\n"
     "Данас подстицај користи мали број великих предузећа, јер је поступак доказивања трошкова сложен.\n\n"
     "Предлажемо поједностављени образац и рок од 30 дана за одговор Пореске управе.",
     "SCAN's clusters propose extending the double deduction of research and development costs to small companies that work with universities.\n\n"
     "Today few large companies use the incentive, because proving the costs is complicated.\n\n"
     "We propose a simpler form and a 30-day deadline for the Tax Administration's answer.",
     {"area:taxes", "area:innovation", "nace:62"}, {NULL}},
    {"proposal", "signing", "voict", 60,
     "Дуално образовање за дигиталну привреду",
     "Dual education for the digital economy",
     "Предлажемо да се програми дуалног образовања прошире на занимања у информационим технологијама.\n\n"
     "Кластери ће обезбедити места за праксу код својих чланица.",
     "We propose extending dual education to occupations in information technology.\n\n"
     "The clusters will provide training places at their members.",
     {"area:skills", "nace:62", NULL}, {"voict", "nicat", "ict-network", NULL}},
    {"law_comment", "answered", "scan", 200,
     "Коментар на нацрт измена Закона о јавним набавкама",
     "Comment on the draft amendments to the Public Procurement Law",
     "Кластери SCAN-а поздрављају измене и предлажу да се удружене понуде чланица кластера изричито дозволе.\n\n"
     "Критеријум најниже цене не би требало да буде једини за набавке иновативних решења.",
     "SCAN's clusters welcome the amendments and propose that joint bids by cluster members be expressly allowed.\n\n"
     "The lowest price should not be the only criterion for procuring innovative solutions.",
     {"area:procurement", "area:regulation", NULL},
     {"voict", "autocluster-serbia", "ict-network", "vmc", "facts", "nicat", "ict-cluster-central-serbia", NULL}},
    {"statement", "closed", "scan", 400,
     "Заједничка изјава о приступању европским кластерским мрежама",
     "Joint statement on joining European cluster networks",
     "Кластери SCAN-а изражавају спремност да се укључе у европске кластерске мреже и платформе.",
     "SCAN's clusters state their readiness to join European cluster networks and platforms.",
     {"area:eu", NULL, NULL}, {"vmc", "facts", NULL}},
};
// clang-format on

static const char *const steps_to[] = {"draft",     "consultation", "signing",
                                       "submitted", "answered",     "closed"};

/* The Belgrade date days from today. */
static void day(char out[11], int days)
{
    time_t t = (time_t)(time_now() + (int64_t)days * 86400);
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        snprintf(out, 11, "2025-01-01");
}

static db_status sign(db *d, int64_t pid, const char *slug, int64_t at, int64_t person)
{
    int64_t sid = 0;
    db_status st = db_int(d, &sid, 0, SQL_SIGN, DB_ARGS(DBI(pid), DBI(at), DBI(person), DBT(slug)));
    /* no weight per signature (position_signature in position.h) */
    return st != DB_OK || !sid ? (st == DB_OK ? DB_ERR : st) : DB_OK;
}

db_status demo_load_positions(db *d, buf *err)
{
    int64_t now = time_now(), p1 = 0, p2 = 0;
    db_status st = db_int(d, &p1, 0, SQL_PERSON, DB_ARGS(DBT("Ана Демо"), DBI(now)));
    if (st == DB_OK)
        st = db_int(d, &p2, 0, SQL_PERSON, DB_ARGS(DBT("Petar Demo"), DBI(now)));
    for (size_t i = 0; st == DB_OK && i < sizeof positions / sizeof positions[0]; i++) {
        const demo_pos *x = &positions[i];
        int64_t created = now - (int64_t)x->age_days * 86400, pid = 0;
        bool two = strcmp(x->stage, "consultation") == 0;
        char until[11];
        day(until, 14);
        st = db_int(d, &pid, 0, SQL_POSITION,
                    DB_ARGS(DBT(x->kind), DBT(x->stage), two ? DBT(until) : DBNULL,
                            DBI(two ? 2 : 1), DBI(created), DBT(x->owner)));
        if (st != DB_OK || !pid) {
            buf_printf(err, "demo position %zu", i);
            return st == DB_OK ? DB_ERR : st;
        }
        /* version 1; the consultation's version 2 adds a sentence */
        const char *b1 = x->body_sr;
        if (two) {
            if ((st = db_do(d, SQL_VERSION,
                            DB_ARGS(DBI(pid), DBI(1), DBT(x->title_sr), DBT(x->title_en),
                                    DBT("Кластери SCAN-а предлажу да се двоструки одбитак трошкова "
                                        "истраживања и развоја прошири на мала предузећа.\n\n"
                                        "Данас подстицај користи мали број великих предузећа."),
                                    DBT("SCAN's clusters propose extending the double deduction "
                                        "of research and development costs to small companies."
                                        "\n\nToday few large companies use the incentive."),
                                    DBNULL, DBI(created)))) != DB_OK)
                return st;
        }
        if ((st = db_do(
                 d, SQL_VERSION,
                 DB_ARGS(DBI(pid), DBI(two ? 2 : 1), DBT(x->title_sr), DBT(x->title_en), DBT(b1),
                         DBT(x->body_en),
                         two ? DBT("Додат услов сарадње са факултетима и рок за одговор.") : DBNULL,
                         DBI(created + 86400)))) != DB_OK)
            return st;
        for (int t = 0; t < 3 && x->tags[t]; t++)
            if ((st = db_do(d, SQL_TAG, DB_ARGS(DBI(pid), DBT(x->tags[t])))) != DB_OK)
                return st;
        if ((st = db_do(d, SQL_ADDR, DB_ARGS(DBI(pid), DBT("ministarstvo-privrede")))) != DB_OK)
            return st;
        /* the steps up to its stage, a few days apart */
        pos_stage upto = position_stage_of(x->stage);
        for (int s = 0; s <= (int)upto && s < 6; s++) {
            if (upto == POS_CLOSED && s > POS_SIGNING && s < POS_CLOSED)
                continue; /* the statement was closed after signing */
            if ((st = db_do(d, SQL_STEP,
                            DB_ARGS(DBI(pid), DBT(steps_to[s]),
                                    DBI(created + (int64_t)s * 7 * 86400)))) != DB_OK)
                return st;
        }
        if (two) { /* comments on both versions, one threaded */
            int64_t c1 = 0;
            if ((st = db_int(d, &c1, 0, SQL_COMMENT,
                             DB_ARGS(DBI(pid), DBI(1), DBI(0), DBNULL,
                                     DBT("Да ли би подстицај важио и за предузетнике?"),
                                     DBI(created + 2 * 86400), DBI(p1), DBT("voict")))) != DB_OK ||
                (st = db_int(d, &c1, 0, SQL_COMMENT,
                             DB_ARGS(DBI(pid), DBI(1), DBI(0), DBI(c1),
                                     DBT("Да, ако воде пословне књиге."), DBI(created + 3 * 86400),
                                     DBI(p2), DBT("vmc")))) != DB_OK ||
                (st = db_int(
                     d, &c1, 0, SQL_COMMENT,
                     DB_ARGS(DBI(pid), DBI(2), DBI(2), DBNULL,
                             DBT("Рок од 30 дана је добар; предлажемо и електронску пријаву."),
                             DBI(now - 86400), DBI(p2), DBT("nicat")))) != DB_OK)
                return st;
        }
        for (int g = 0; g < 8 && x->signers[g]; g++)
            if ((st = sign(d, pid, x->signers[g], created + (int64_t)(14 + g) * 86400,
                           g % 2 ? p2 : p1)) != DB_OK)
                return st;
        if (upto == POS_ANSWERED) {
            char sent[11], answered[11];
            day(sent, -x->age_days + 30);
            day(answered, -x->age_days + 75);
            int64_t sub = 0;
            if ((st = db_int(d, &sub, 0, SQL_SUBMISSION,
                             DB_ARGS(DBI(pid), DBT(sent), DBT("SCAN-2025-07"), DBI(now),
                                     DBT("ministarstvo-privrede")))) != DB_OK ||
                (st = db_do(d, SQL_OUTCOME,
                            DB_ARGS(DBI(sub), DBT(answered),
                                    DBT("Удружене понуде прихваћене; критеријуми остају."),
                                    DBI(now)))) != DB_OK)
                return st;
        }
    }
    return st;
}
