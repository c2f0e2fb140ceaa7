/* demo_agreements.c: six illustrative agreements between SCAN, clusters
 * and the demo partners (demo.c's directory part), with contact persons
 * for three partners, in demo_load's transaction (issue 14).
 *
 * Dates are relative to the demo's "now" (time_now()), so one signed
 * agreement always expires within 60 days and one has already expired,
 * whenever the demo is loaded. One carries a small signed document: a
 * one-page PDF made here (demo_agreement_pdf) with an exact cross-reference
 * table, which pdf_check accepts. Every agreement is is_demo = 1 and its
 * summary says it is illustrative. A seventh, recorded by a cluster,
 * awaits its other party's confirmation (0035), so the state can be seen. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/timeutil.h"
#include "model/demo.h"
#include "model/pdf.h"

void demo_agreement_pdf(buf *b, const char *line)
{
    char content[256];
    int len = snprintf(content, sizeof content, "BT /F1 18 Tf 72 760 Td (%s) Tj ET", line);
    if (len < 0 || (size_t)len >= sizeof content)
        len = 0;
    char stream[384];
    snprintf(stream, sizeof stream, "<< /Length %d >>\nstream\n%.*s\nendstream", len, len, content);
    const char *objs[] = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        stream,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    };
    size_t n = sizeof objs / sizeof objs[0], off[8];
    buf_reset(b);
    buf_puts(b, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    for (size_t i = 0; i < n; i++) {
        off[i] = b->len;
        buf_printf(b, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t xref = b->len;
    buf_printf(b, "xref\n0 %zu\n0000000000 65535 f \n", n + 1);
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%010zu 00000 n \n", off[i]);
    buf_printf(b, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n + 1, xref);
}

/* One agreement; dates as days from today (0: none, as a date). */
typedef struct demo_agreement {
    const char *kind, *status, *title_sr, *title_en, *summary_sr, *summary_en;
    int signed_days, from_days, until_days; /* 0 = NULL */
    const char *parties[4];
    bool with_pdf;
} demo_agreement;

#define ILL_SR "Илустративни пример (демо подаци). "
#define ILL_EN "Illustrative example (demo data). "

// clang-format off
static const demo_agreement demo_agreements[] = {
    {"mou", "signed", "Меморандум о разумевању о развоју кластера",
     "Memorandum of understanding on cluster development",
     ILL_SR "Министарство и SCAN сарађују на програму подршке кластерима.",
     ILL_EN "The ministry and SCAN cooperate on the cluster support programme.",
     -700, -700, 40, {"scan", "ministarstvo-privrede", NULL}, true},
    {"cooperation", "signed", "Споразум о сарадњи у истраживању и обуци",
     "Cooperation agreement on research and training",
     ILL_SR "Заједничке обуке и истраживачки пројекти са члановима кластера.",
     ILL_EN "Joint training and research projects with cluster members.",
     -400, -400, 700, {"voict", "univerzitet-u-novom-sadu", "scan", NULL},
     false},
    {"grant", "signed", "Уговор о гранту за кластерске услуге",
     "Grant agreement for cluster services",
     ILL_SR "Грант демо донаторског програма за услуге кластера члановима.",
     ILL_EN "A grant of the demo donor programme for cluster services to members.",
     -300, -290, 430, {"scan", "demo-donor-programme", NULL}, false},
    {"cooperation", "signed", "Споразум о сарадњи са привредном комором",
     "Cooperation agreement with the chamber of commerce",
     ILL_SR "Размена информација о члановима и заједнички догађаји.",
     ILL_EN "Exchange of information on members and joint events.",
     -800, -800, -20, {"scan", "privredna-komora-srbije", NULL}, false},
    {"network", "signed", "Чланство у мрежи регионалних развојних агенција",
     "Membership of the regional development agencies' network",
     ILL_SR "SCAN учествује у мрежи која повезује агенције и кластере.",
     ILL_EN "SCAN takes part in the network linking agencies and clusters.",
     -200, -200, 0, {"razvojna-agencija-srbije", "scan", NULL}, false},
    {"mou", "draft", "Нацрт меморандума са Универзитетом у Нишу",
     "Draft memorandum with the University of Niš",
     ILL_SR "У припреми: пракса студената у предузећима чланицама.",
     ILL_EN "In preparation: student internships in member companies.",
     0, 0, 0, {"univerzitet-u-nisu", "scan", NULL}, false},
    /* recorded by NiCAT's manager, the university has not confirmed yet
     * (0035): shown to the parties and the secretariat as awaiting */
    {"cooperation", "signed", "Споразум о сарадњи у електроници",
     "Cooperation agreement on electronics",
     ILL_SR "Заједничке лабораторијске вежбе; чека потврду универзитета.",
     ILL_EN "Joint lab work; awaiting the university's confirmation.",
     -10, -10, 720, {"nicat", "univerzitet-u-nisu", NULL}, false},
};
/* The one party of the last agreement that has not confirmed it. */
#define DEMO_AWAITING_PARTY "univerzitet-u-nisu"
// clang-format on

/* Contact persons of partners (cluster_team rows, the contact rule of
 * cluster teams: public_contact decides whether e-mail and phone show). */
static const struct {
    const char *org, *name, *email, *phone, *role, *role_en;
    int public_contact;
} demo_contacts[] = {
    {"ministarstvo-privrede", "Ана Демо", "ana.demo@example.org", "+381 11 000 0001",
     "Саветница за кластере", "Adviser for clusters", 1},
    {"razvojna-agencija-srbije", "Petar Demo", "petar.demo@example.org", "+381 11 000 0002",
     "Руководилац програма", "Programme manager", 0},
    {"demo-donor-programme", "Maja Demo", "maja.demo@example.org", NULL, "Менаџерка портфолија",
     "Portfolio manager", 1},
};

static const char SQL_AGREEMENT[] =
    "INSERT INTO agreement(kind, title_sr, title_en, summary_sr, summary_en, signed_on,"
    " valid_from, valid_until, status, is_demo, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) RETURNING id";
static const char SQL_PARTY[] = "INSERT INTO agreement_party(agreement_id, org_id)"
                                " SELECT $1, id FROM org WHERE slug = $2";
static const char SQL_AWAITING[] =
    "UPDATE agreement_party SET consent = 'proposed' WHERE agreement_id = $1"
    " AND org_id = (SELECT id FROM org WHERE slug = $2)";
static const char SQL_FILE[] =
    "INSERT INTO agreement_file(agreement_id, name, sha256, size, data, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6)";
static const char SQL_PERSON[] =
    "INSERT INTO person(name, email, phone, public_contact, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";
static const char SQL_TEAM[] =
    "INSERT INTO cluster_team(org_id, person_id, role, role_en, fte_milli, since)"
    " SELECT id, $2, $3, $4, 0, '2024-01-15' FROM org WHERE slug = $1";

/* today + days as YYYY-MM-DD (Belgrade) in out. */
static void day(char out[11], int days)
{
    time_t t = (time_t)time_now() + (time_t)days * 86400;
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        snprintf(out, 11, "2026-01-01");
}

static db_status put_pdf(db *d, int64_t id, int64_t now)
{
    buf b = BUF_INIT;
    demo_agreement_pdf(&b, "Illustrative agreement - SCAN demo data");
    if (buf_failed(&b)) {
        buf_free(&b);
        return DB_NOMEM;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)b.data, b.len);
    char sha[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(sha, sizeof sha, h, sizeof h);
    db_stmt *s = db_prepare(d, SQL_FILE); /* a blob: no db_val for it */
    db_status st = DB_ERR;
    if (s) {
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, "memorandum-demo.pdf");
        db_bind_text(s, 3, sha);
        db_bind_int(s, 4, (int64_t)b.len);
        db_bind_blob(s, 5, b.data, b.len);
        db_bind_int(s, 6, now);
        st = db_run(s);
    }
    buf_free(&b);
    return st;
}

db_status demo_load_agreements(db *d, buf *err)
{
    int64_t now = time_now();
    for (size_t i = 0; i < sizeof demo_agreements / sizeof demo_agreements[0]; i++) {
        const demo_agreement *g = &demo_agreements[i];
        char sg[11], fr[11], un[11];
        day(sg, g->signed_days);
        day(fr, g->from_days);
        day(un, g->until_days);
        int64_t id = 0;
        db_status st =
            db_int(d, &id, 0, SQL_AGREEMENT,
                   DB_ARGS(DBT(g->kind), DBT(g->title_sr), DBT(g->title_en), DBT(g->summary_sr),
                           DBT(g->summary_en), g->signed_days ? DBT(sg) : DBNULL,
                           g->from_days ? DBT(fr) : DBNULL, g->until_days ? DBT(un) : DBNULL,
                           DBT(g->status), DBI(now)));
        for (size_t k = 0; st == DB_OK && k < 4 && g->parties[k]; k++)
            st = db_do(d, SQL_PARTY, DB_ARGS(DBI(id), DBT(g->parties[k])));
        if (st == DB_OK && g->with_pdf)
            st = put_pdf(d, id, now);
        if (st == DB_OK && i + 1 == sizeof demo_agreements / sizeof demo_agreements[0])
            st = db_do(d, SQL_AWAITING, DB_ARGS(DBI(id), DBT(DEMO_AWAITING_PARTY)));
        if (st != DB_OK) {
            buf_printf(err, "demo agreement %zu: %s", i, db_status_name(st));
            return st;
        }
    }
    for (size_t i = 0; i < sizeof demo_contacts / sizeof demo_contacts[0]; i++) {
        int64_t pid = 0;
        db_status st = db_int(d, &pid, 0, SQL_PERSON,
                              DB_ARGS(DBT(demo_contacts[i].name), DBT(demo_contacts[i].email),
                                      demo_contacts[i].phone ? DBT(demo_contacts[i].phone) : DBNULL,
                                      DBI(demo_contacts[i].public_contact), DBI(now)));
        if (st == DB_OK)
            st = db_do(d, SQL_TEAM,
                       DB_ARGS(DBT(demo_contacts[i].org), DBI(pid), DBT(demo_contacts[i].role),
                               DBT(demo_contacts[i].role_en)));
        if (st != DB_OK) {
            buf_printf(err, "demo contact %zu: %s", i, db_status_name(st));
            return st;
        }
    }
    return DB_OK;
}
