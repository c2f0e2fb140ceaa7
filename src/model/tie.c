/* tie.c: consent to a tie, one function for every kind (tie.h).
 *
 * Why a table: the three ties (agreement party, project participant,
 * project funder) follow the same rule (only a proposed tie takes an
 * answer, the reason is checked the same way, one transaction with an
 * audit row), and differ only in where the answer is stored and what the
 * audit row calls it. Two near-copies of the rule had grown in
 * agreement.c and project.c and a third was due for funders; a row per
 * kind keeps one copy of the rule, and a fourth kind is one more row. The
 * SQL stays constant text per row (STYLE: never format SQL). */
#include "model/tie.h"

#include <assert.h>
#include <string.h>

#include "core/arena.h"
#include "core/timeutil.h"
#include "json/json.h"
#include "model/tx.h"

typedef struct tie_row {
    const char *code;    /* as forms and the API name it */
    const char *sql_of;  /* $1 id, $2 org: its consent; no row when not named */
    const char *sql_set; /* $1 id, $2 org, $3 consent, $4 by, $5 at, $6 reason */
    const char *entity;  /* audit entity */
    const char *confirm; /* audit action of a confirmation */
    const char *decline; /* audit action of a decline */
} tie_row;

static const tie_row tie_rows[TIE__N] = {
    [TIE_AGREEMENT_PARTY] =
        {"party", "SELECT consent FROM agreement_party WHERE agreement_id = $1 AND org_id = $2",
         "UPDATE agreement_party SET consent = $3, decided_by = $4, decided_at = $5, reason = $6"
         " WHERE agreement_id = $1 AND org_id = $2 AND consent = 'proposed'",
         "agreement", "agreement_confirm", "agreement_decline"},
    [TIE_PROJECT_PARTICIPANT] =
        {"participant",
         "SELECT consent FROM project_participant WHERE project_id = $1 AND org_id = $2",
         "UPDATE project_participant SET consent = $3, decided_by = $4, decided_at = $5,"
         " reason = $6 WHERE project_id = $1 AND org_id = $2 AND consent = 'proposed'",
         "project", "project_confirm", "project_decline"},
    [TIE_PROJECT_FUNDER] =
        {"funder", "SELECT funder_consent FROM project WHERE id = $1 AND funder_id = $2",
         "UPDATE project SET funder_consent = $3, funder_decided_by = $4, funder_decided_at = $5,"
         " funder_reason = $6 WHERE id = $1 AND funder_id = $2 AND funder_consent = 'proposed'",
         "project", "project_funder_confirm", "project_funder_decline"},
};

const char *tie_kind_code(tie_kind k)
{
    assert((unsigned)k < TIE__N);
    return tie_rows[k].code;
}

bool tie_kind_parse(const char *code, tie_kind *k)
{
    for (unsigned i = 0; code && i < TIE__N; i++)
        if (strcmp(code, tie_rows[i].code) == 0) {
            *k = (tie_kind)i;
            return true;
        }
    return false;
}

/* The stored word as a static string (the CHECK allows these three). */
static const char *static_consent(const char *c)
{
    return !c                            ? NULL
           : strcmp(c, "confirmed") == 0 ? "confirmed"
           : strcmp(c, "declined") == 0  ? "declined"
                                         : "proposed";
}

db_status tie_state(db *d, tie_kind k, int64_t id, int64_t org_id, const char **consent)
{
    assert(d && consent && (unsigned)k < TIE__N);
    *consent = NULL;
    db_stmt *s = db_query(d, tie_rows[k].sql_of, DB_ARGS(DBI(id), DBI(org_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW)
        *consent = static_consent(db_col_text(s, 0));
    db_reset(s);
    return st == DB_ROW || st == DB_DONE ? DB_OK : st;
}

typedef struct consent_ctx {
    const tie_row *row;
    int64_t id, org_id;
    bool accept;
    const char *reason;
    form_errors *errs;
} consent_ctx;

static db_status consent_body(tx *t, void *vc)
{
    consent_ctx *c = vc;
    const char *now = NULL;
    db_stmt *s = db_query(t->d, c->row->sql_of, DB_ARGS(DBI(c->id), DBI(c->org_id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW)
        now = static_consent(db_col_text(s, 0));
    db_reset(s);
    if (st != DB_ROW)
        return st; /* DB_DONE: not named (or named no more) */
    if (strcmp(now, "proposed") != 0) {
        valid_add_error(c->errs, "org", FE_NOT_PENDING, 0, 0);
        return DB_CONSTRAINT;
    }
    const char *word = c->accept ? "confirmed" : "declined";
    st = db_do(t->d, c->row->sql_set,
               DB_ARGS(DBI(c->id), DBI(c->org_id), DBT(word), DBI(t->actor_id), DBI(time_now()),
                       c->reason ? DBT(c->reason) : DBNULL));
    if (st != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"org_id\":%lld,\"tie\":\"%s\",\"consent\":\"%s\",\"reason\":",
               (long long)c->org_id, c->row->code, word);
    json_put_string(&t->detail, c->reason);
    buf_puts(&t->detail, "}");
    return DB_OK;
}

static const form_rule reason_rules[] = {{"reason", FV_TEXT, 0, 0, TIE_REASON_MAX, NULL}};
static const valid_table reason_table = {reason_rules, 1, NULL, 0};

db_status tie_consent(db *d, tie_kind k, int64_t id, int64_t org_id, bool accept,
                      const char *reason, int64_t actor, const char *ip, form_errors *errs)
{
    assert(d && errs && (unsigned)k < TIE__N);
    arena a = ARENA_INIT;
    form_value v;
    db_status st;
    if (!valid_values(&a, &reason_table, &reason, &v, errs, NULL)) {
        st = DB_CONSTRAINT;
        for (size_t i = 0; i < errs->n_items; i++)
            if (errs->items[i].code == FE_NOMEM)
                st = DB_NOMEM;
    } else {
        const tie_row *row = &tie_rows[k];
        consent_ctx c = {row, id, org_id, accept, !accept && v.present ? v.text : NULL, errs};
        tx t = TX_INIT(actor, ip, accept ? row->confirm : row->decline, row->entity, id);
        t.bump = TX_DIRECTORY;
        st = tx_write(d, &t, consent_body, &c);
    }
    arena_free(&a);
    return st;
}
