/* position.c: advocacy positions: the stage machine, paragraphs, the
 * writes (create, edit, version, stage, comment) and the reads (see
 * position.h). Signatures and the weight are position_sign.c. */
#include "model/position.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "json/json.h"
#include "model/position_internal.h"
#include "model/rights.h"
#include "model/tx.h"

const char *const position_stages[] = {"draft",    "consultation", "signing", "submitted",
                                       "answered", "closed",       NULL};
const char *const position_kinds[] = {"proposal", "law_comment", "consultation_response",
                                      "statement", NULL};
const char *const position_areas[] = {"taxes",       "skills",     "innovation", "export",
                                      "procurement", "regulation", "eu",         NULL};

pos_stage position_stage_of(const char *s)
{
    for (int i = 0; s && position_stages[i]; i++)
        if (strcmp(s, position_stages[i]) == 0)
            return (pos_stage)i;
    return POS_N_STAGES;
}

bool position_move_ok(pos_stage from, pos_stage to)
{
    if (from >= POS_N_STAGES || to >= POS_N_STAGES || from == POS_CLOSED)
        return false;
    return to == from + 1 || to == POS_CLOSED;
}

bool position_stage_public(pos_stage s)
{
    return s == POS_SUBMITTED || s == POS_ANSWERED || s == POS_CLOSED;
}

db_status pos_invalid(const form_errors *errs)
{
    for (size_t i = 0; i < errs->n_items; i++)
        if (errs->items[i].code == FE_NOMEM)
            return DB_NOMEM;
    return DB_CONSTRAINT;
}

/* --- validation ------------------------------------------------------------------- */

enum { PI_KIND, PI_TITLE_SR, PI_TITLE_EN, PI_BODY_SR, PI_BODY_EN, PI_NOTE, PI_N };
static const form_rule input_rules[PI_N] = {
    [PI_KIND] = {"kind", FV_ENUM, FORM_REQUIRED, 0, 0, position_kinds},
    [PI_TITLE_SR] = {"title_sr", FV_TEXT, FORM_REQUIRED, 3, POS_TITLE_MAX, NULL},
    [PI_TITLE_EN] = {"title_en", FV_TEXT, 0, 0, POS_TITLE_MAX, NULL},
    [PI_BODY_SR] = {"body_sr", FV_MULTILINE, FORM_REQUIRED, 1, POS_BODY_MAX, NULL},
    [PI_BODY_EN] = {"body_en", FV_MULTILINE, 0, 0, POS_BODY_MAX, NULL},
    [PI_NOTE] = {"note", FV_MULTILINE, 0, 0, POS_NOTE_MAX, NULL},
};
/* An English text needs an English title; an English title alone is fine
 * (English readers get the Serbian text marked lang="sr"), in the form
 * and the API alike. */
static void english_pair(const form_value *v, const void *ctx, form_errors *errs)
{
    (void)ctx;
    if (v[PI_BODY_EN].present && !v[PI_TITLE_EN].present && !form_error_for(errs, "title_en"))
        valid_add_error(errs, "title_en", FE_REQUIRED, 0, 0);
}
static const valid_cross_fn input_cross[] = {english_pair};
static const valid_table input_table = {input_rules, PI_N, input_cross, 1};

/* Whether tag is 'nace:NN' (two digits) or 'area:<one of position_areas>'. */
static bool tag_shape_ok(const char *tag)
{
    if (strncmp(tag, "nace:", 5) == 0)
        return strlen(tag) == 7 && tag[5] >= '0' && tag[5] <= '9' && tag[6] >= '0' && tag[6] <= '9';
    if (strncmp(tag, "area:", 5) == 0)
        for (int i = 0; position_areas[i]; i++)
            if (strcmp(tag + 5, position_areas[i]) == 0)
                return true;
    return false;
}

static const char SQL_NACE_DIVISION[] =
    "SELECT count(*) FROM ref_nace WHERE code = $1 AND parent IS NOT NULL";
static const char SQL_INSTITUTION[] =
    "SELECT id FROM org WHERE slug = $1 AND status = 'published' AND kind IN " POS_PARTNER_KINDS;

/* Checks tags and addressees (both need the database) and the table;
 * fills v. */
static db_status check_input(db *d, arena *a, const position_input *in, form_value *v,
                             int64_t *addr_ids, form_errors *errs)
{
    const char *values[PI_N] = {in->kind,    in->title_sr, in->title_en,
                                in->body_sr, in->body_en,  in->note};
    valid_values(a, &input_table, values, v, errs, NULL);
    if (in->n_tags > POS_TAGS_MAX)
        valid_add_error(errs, "tags", FE_RANGE, 0, POS_TAGS_MAX);
    for (size_t i = 0; i < in->n_tags && i < POS_TAGS_MAX; i++) {
        int64_t ok = 0;
        if (tag_shape_ok(in->tags[i]) && strncmp(in->tags[i], "nace:", 5) == 0) {
            db_status st = db_int(d, &ok, 0, SQL_NACE_DIVISION, DB_ARGS(DBT(in->tags[i] + 5)));
            if (st != DB_OK)
                return st;
        } else {
            ok = tag_shape_ok(in->tags[i]);
        }
        if (!ok) {
            valid_add_error(errs, "tags", FE_UNKNOWN_CODE, 0, 0);
            break;
        }
    }
    if (in->n_addressees > POS_ADDR_MAX)
        valid_add_error(errs, "addressees", FE_RANGE, 0, POS_ADDR_MAX);
    for (size_t i = 0; i < in->n_addressees && i < POS_ADDR_MAX; i++) {
        db_status st = db_int(d, &addr_ids[i], 0, SQL_INSTITUTION, DB_ARGS(DBT(in->addressees[i])));
        if (st != DB_OK)
            return st;
        if (!addr_ids[i]) {
            valid_add_error(errs, "addressees", FE_UNKNOWN_CODE, 0, 0);
            break;
        }
    }
    return errs->n_items ? pos_invalid(errs) : DB_OK;
}

/* --- writes ------------------------------------------------------------------------- */

static const char SQL_OWNER[] =
    "SELECT id FROM org WHERE slug = $1 AND status = 'published'"
    " AND kind IN ('cluster', 'cluster_initiative', 'cluster_association')";
static const char SQL_INSERT[] =
    "INSERT INTO position(kind, owner_id, stage, version, is_demo, created_at, created_by,"
    " updated_at, updated_by) VALUES ($1, $2, 'draft', 1, $3, $4, $5, $4, $5) RETURNING id";
static const char SQL_VERSION_PUT[] =
    "INSERT INTO position_version(position_id, version, title_sr, title_en, body_sr, body_en,"
    " note, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
static const char SQL_VERSION_EDIT[] =
    "UPDATE position_version SET title_sr = $3, title_en = $4, body_sr = $5, body_en = $6,"
    " note = $7, created_at = $8, created_by = $9 WHERE position_id = $1 AND version = $2";
static const char SQL_STEP[] =
    "INSERT INTO position_step(position_id, stage, at, by_id) VALUES ($1, $2, $3, $4)";
static const char SQL_TAGS_DEL[] = "DELETE FROM position_tag WHERE position_id = $1";
static const char SQL_TAG_PUT[] =
    "INSERT INTO position_tag(position_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING";
static const char SQL_ADDR_DEL[] = "DELETE FROM position_addressee WHERE position_id = $1";
static const char SQL_ADDR_PUT[] =
    "INSERT INTO position_addressee(position_id, org_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
static const char SQL_TOUCH[] =
    "UPDATE position SET kind = coalesce($2, kind), updated_at = $3, updated_by = $4 WHERE id = $1";
static const char SQL_STATE[] = "SELECT stage, version FROM position WHERE id = $1";

db_status position_owner_id(db *d, const char *slug, int64_t *id)
{
    *id = 0;
    return slug ? db_int(d, id, 0, SQL_OWNER, DB_ARGS(DBT(slug))) : DB_OK;
}

typedef struct write_ctx {
    int64_t id; /* the position (set by create) */
    int64_t owner_id;
    const position_input *in;
    const form_value *v;
    const int64_t *addr_ids;
    bool is_demo;
    form_errors *errs;
} write_ctx;

db_status pos_state(db *d, int64_t id, pos_stage *stage, int64_t *version)
{
    db_stmt *s = db_query(d, SQL_STATE, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    db_status st = db_step(s);
    if (st == DB_ROW) {
        *stage = position_stage_of(db_col_text(s, 0));
        *version = db_col_int(s, 1);
        st = DB_OK;
    }
    db_reset(s);
    return st;
}

static db_status put_texts(tx *t, const write_ctx *c, const char *sql, int64_t version)
{
    const form_value *v = c->v;
    return db_do(t->d, sql,
                 DB_ARGS(DBI(c->id), DBI(version), DBT(v[PI_TITLE_SR].text),
                         v[PI_TITLE_EN].present ? DBT(v[PI_TITLE_EN].text) : DBNULL,
                         DBT(v[PI_BODY_SR].text),
                         v[PI_BODY_EN].present ? DBT(v[PI_BODY_EN].text) : DBNULL,
                         v[PI_NOTE].present ? DBT(v[PI_NOTE].text) : DBNULL, DBI(time_now()),
                         DBI(t->actor_id)));
}

static db_status put_tags(tx *t, const write_ctx *c)
{
    db_status st = db_do(t->d, SQL_TAGS_DEL, DB_ARGS(DBI(c->id)));
    for (size_t i = 0; st == DB_OK && i < c->in->n_tags; i++)
        st = db_do(t->d, SQL_TAG_PUT, DB_ARGS(DBI(c->id), DBT(c->in->tags[i])));
    if (st == DB_OK)
        st = db_do(t->d, SQL_ADDR_DEL, DB_ARGS(DBI(c->id)));
    for (size_t i = 0; st == DB_OK && i < c->in->n_addressees; i++)
        st = db_do(t->d, SQL_ADDR_PUT, DB_ARGS(DBI(c->id), DBI(c->addr_ids[i])));
    return st;
}

static void detail_title(tx *t, const write_ctx *c, int64_t version)
{
    buf_printf(&t->detail, "{\"version\":%lld,\"title_sr\":", (long long)version);
    json_put_string(&t->detail, c->v[PI_TITLE_SR].text);
    buf_putc(&t->detail, '}');
}

static db_status create_body(tx *t, void *vc)
{
    write_ctx *c = vc;
    int64_t now = time_now();
    db_status st = db_int(t->d, &c->id, 0, SQL_INSERT,
                          DB_ARGS(DBT(position_kinds[c->v[PI_KIND].i]), DBI(c->owner_id),
                                  DBI(c->is_demo ? 1 : 0), DBI(now), DBI(t->actor_id)));
    if (st != DB_OK)
        return st;
    t->entity_id = c->id;
    if ((st = put_texts(t, c, SQL_VERSION_PUT, 1)) != DB_OK ||
        (st = db_do(t->d, SQL_STEP,
                    DB_ARGS(DBI(c->id), DBT("draft"), DBI(now),
                            t->actor_id ? DBI(t->actor_id) : DBNULL))) != DB_OK ||
        (st = put_tags(t, c)) != DB_OK)
        return st;
    detail_title(t, c, 1);
    return DB_OK;
}

db_status position_create(db *d, const position_input *in, bool is_demo, int64_t actor,
                          const char *ip, int64_t *id, form_errors *errs)
{
    assert(d && in && errs);
    arena a = ARENA_INIT;
    form_value v[PI_N];
    int64_t addr[POS_ADDR_MAX] = {0};
    int64_t owner = 0;
    db_status st = position_owner_id(d, in->owner, &owner);
    if (st == DB_OK && !owner)
        valid_add_error(errs, "owner", FE_NOT_CLUSTER, 0, 0);
    if (st == DB_OK && (st = check_input(d, &a, in, v, addr, errs)) == DB_OK && errs->n_items)
        st = pos_invalid(errs);
    if (st == DB_OK) {
        write_ctx c = {.owner_id = owner,
                       .in = in,
                       .v = v,
                       .addr_ids = addr,
                       .is_demo = is_demo,
                       .errs = errs};
        tx t = TX_INIT(actor, ip, "position_create", "position", 0);
        t.bump = TX_DIRECTORY;
        st = tx_write(d, &t, create_body, &c);
        if (st == DB_OK && id)
            *id = c.id;
    }
    arena_free(&a);
    return st;
}

/* Refuses (FE_POSITION_STAGE under "stage") unless the position is in one
 * of the stages of mask (1u << stage). DB_DONE: no such position. */
db_status pos_require(db *d, int64_t id, unsigned mask, form_errors *errs, int64_t *version)
{
    pos_stage stage = POS_N_STAGES;
    int64_t ver = 0;
    db_status st = pos_state(d, id, &stage, &ver);
    if (st != DB_OK)
        return st;
    if (version)
        *version = ver;
    if (stage >= POS_N_STAGES || !(mask & (1u << stage))) {
        valid_add_error(errs, "stage", FE_POSITION_STAGE, stage, 0);
        return DB_CONSTRAINT;
    }
    return DB_OK;
}

static db_status edit_body(tx *t, void *vc)
{
    write_ctx *c = vc;
    int64_t version = 0;
    db_status st = pos_require(t->d, c->id, 1u << POS_DRAFT, c->errs, &version);
    if (st != DB_OK)
        return st;
    if ((st = put_texts(t, c, SQL_VERSION_EDIT, version)) != DB_OK ||
        (st = put_tags(t, c)) != DB_OK ||
        (st = db_do(t->d, SQL_TOUCH,
                    DB_ARGS(DBI(c->id), DBT(position_kinds[c->v[PI_KIND].i]), DBI(time_now()),
                            DBI(t->actor_id)))) != DB_OK)
        return st;
    detail_title(t, c, version);
    return DB_OK;
}

static const char SQL_VERSION_UP[] =
    "UPDATE position SET version = version + 1, kind = $2, updated_at = $3, updated_by = $4"
    " WHERE id = $1 RETURNING version";

static db_status version_body(tx *t, void *vc)
{
    write_ctx *c = vc;
    db_status st =
        pos_require(t->d, c->id, (1u << POS_DRAFT) | (1u << POS_CONSULTATION), c->errs, NULL);
    if (st != DB_OK)
        return st;
    int64_t version = 0;
    if ((st = db_int(t->d, &version, 0, SQL_VERSION_UP,
                     DB_ARGS(DBI(c->id), DBT(position_kinds[c->v[PI_KIND].i]), DBI(time_now()),
                             DBI(t->actor_id)))) != DB_OK ||
        (st = put_texts(t, c, SQL_VERSION_PUT, version)) != DB_OK || (st = put_tags(t, c)) != DB_OK)
        return st;
    if ((st = pos_notify_version(t, c->id, version)) != DB_OK)
        return st;
    detail_title(t, c, version);
    return DB_OK;
}

static db_status write_existing(db *d, int64_t id, const position_input *in, int64_t actor,
                                const char *ip, form_errors *errs, bool new_version)
{
    assert(d && in && errs);
    arena a = ARENA_INIT;
    form_value v[PI_N];
    int64_t addr[POS_ADDR_MAX] = {0};
    pos_stage stage;
    int64_t ver;
    db_status st = pos_state(d, id, &stage, &ver);
    if (st == DB_OK && (st = check_input(d, &a, in, v, addr, errs)) == DB_OK) {
        write_ctx c = {.id = id, .in = in, .v = v, .addr_ids = addr, .errs = errs};
        tx t =
            TX_INIT(actor, ip, new_version ? "position_version" : "position_edit", "position", id);
        t.bump = TX_DIRECTORY;
        st = tx_write(d, &t, new_version ? version_body : edit_body, &c);
    }
    arena_free(&a);
    return st;
}

db_status position_edit(db *d, int64_t id, const position_input *in, int64_t actor, const char *ip,
                        form_errors *errs)
{
    return write_existing(d, id, in, actor, ip, errs, false);
}

db_status position_new_version(db *d, int64_t id, const position_input *in, int64_t actor,
                               const char *ip, form_errors *errs)
{
    return write_existing(d, id, in, actor, ip, errs, true);
}

/* --- stage ---------------------------------------------------------------------------- */

static const char SQL_MOVE[] =
    "UPDATE position SET stage = $2, consult_until = coalesce($3, consult_until),"
    " updated_at = $4, updated_by = $5 WHERE id = $1";
static const char SQL_LIVE_SIGNATURES[] =
    "SELECT count(*) FROM position_signature WHERE position_id = $1 AND withdrawn_at IS NULL";
static const char SQL_SUBMISSIONS_N[] =
    "SELECT count(*) FROM position_submission WHERE position_id = $1";

typedef struct move_ctx {
    int64_t id;
    pos_stage to;
    const char *until;
    form_errors *errs;
} move_ctx;

static db_status move_body(tx *t, void *vc)
{
    move_ctx *c = vc;
    pos_stage from;
    int64_t ver;
    db_status st = pos_state(t->d, c->id, &from, &ver);
    if (st != DB_OK)
        return st;
    if (!position_move_ok(from, c->to)) {
        valid_add_error(c->errs, "stage", FE_POSITION_STAGE, from, c->to);
        return DB_CONSTRAINT;
    }
    if (c->to == POS_SUBMITTED) {
        int64_t n = 0;
        if ((st = db_int(t->d, &n, 0, SQL_LIVE_SIGNATURES, DB_ARGS(DBI(c->id)))) != DB_OK)
            return st;
        if (n == 0) {
            valid_add_error(c->errs, "stage", FE_POSITION_UNSIGNED, 0, 0);
            return DB_CONSTRAINT;
        }
        /* "Submitted" says to whom and when: recording the submission
         * (submission.c) moves the stage; a bare move would claim it */
        if ((st = db_int(t->d, &n, 0, SQL_SUBMISSIONS_N, DB_ARGS(DBI(c->id)))) != DB_OK)
            return st;
        if (n == 0) {
            valid_add_error(c->errs, "stage", FE_POSITION_UNSENT, 0, 0);
            return DB_CONSTRAINT;
        }
    }
    int64_t now = time_now();
    if ((st = db_do(t->d, SQL_MOVE,
                    DB_ARGS(DBI(c->id), DBT(position_stages[c->to]),
                            c->to == POS_CONSULTATION ? DBT(c->until) : DBNULL, DBI(now),
                            DBI(t->actor_id)))) != DB_OK ||
        (st = db_do(t->d, SQL_STEP,
                    DB_ARGS(DBI(c->id), DBT(position_stages[c->to]), DBI(now),
                            t->actor_id ? DBI(t->actor_id) : DBNULL))) != DB_OK)
        return st;
    if (c->to == POS_SIGNING && (st = pos_notify_signing(t, c->id)) != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"from\":\"%s\",\"to\":\"%s\"}", position_stages[from],
               position_stages[c->to]);
    return DB_OK;
}

db_status position_move(db *d, int64_t id, const char *stage, const char *consult_until,
                        int64_t actor, const char *ip, form_errors *errs)
{
    assert(d && errs);
    pos_stage to = position_stage_of(stage);
    if (to == POS_N_STAGES)
        valid_add_error(errs, "stage", FE_CHOICE, 0, 0);
    if (to == POS_CONSULTATION) {
        char today[11];
        time_today(today);
        if (!consult_until || !*consult_until)
            valid_add_error(errs, "consult_until", FE_REQUIRED, 0, 0);
        else if (!time_date_valid(consult_until))
            valid_add_error(errs, "consult_until", FE_DATE, 0, 0);
        else if (strcmp(consult_until, today) < 0)
            valid_add_error(errs, "consult_until", FE_DATE_ORDER, 0, 0);
    }
    if (errs->n_items)
        return pos_invalid(errs);
    pos_stage from;
    int64_t ver;
    db_status st = pos_state(d, id, &from, &ver);
    if (st != DB_OK)
        return st;
    move_ctx c = {id, to, consult_until, errs};
    tx t = TX_INIT(actor, ip, "position_stage", "position", id);
    t.bump = TX_DIRECTORY;
    return tx_write(d, &t, move_body, &c);
}

/* --- comments ------------------------------------------------------------------------- */

static const char SQL_CONSULT_UNTIL[] =
    "SELECT coalesce(consult_until, '') FROM position WHERE id = $1";
static const char SQL_BODY_OF[] =
    "SELECT body_sr FROM position_version WHERE position_id = $1 AND version = $2";
static const char SQL_PARENT[] =
    "SELECT version, paragraph, created_by FROM position_comment WHERE id = $1 AND position_id = $2"
    " AND hidden_at IS NULL";
static const char SQL_COMMENT_PUT[] =
    "INSERT INTO position_comment(position_id, version, paragraph, parent_id, org_id, body,"
    " created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";

typedef struct comment_ctx {
    int64_t id, paragraph, parent_id, org_id;
    const char *body;
    form_errors *errs;
    int64_t cid;
} comment_ctx;

static db_status comment_body(tx *t, void *vc)
{
    comment_ctx *c = vc;
    int64_t version = 0, paragraph = c->paragraph, parent_author = 0;
    db_status st = pos_require(t->d, c->id, 1u << POS_CONSULTATION, c->errs, &version);
    if (st != DB_OK)
        return st;
    /* the consultation takes comments until its closing date (Belgrade),
     * even while the owner has not yet moved the position on */
    char today[11];
    time_today(today);
    db_stmt *u = db_query(t->d, SQL_CONSULT_UNTIL, DB_ARGS(DBI(c->id)));
    if (!u)
        return DB_ERR;
    bool closed =
        (st = db_step(u)) == DB_ROW && *db_col_text(u, 0) && strcmp(today, db_col_text(u, 0)) > 0;
    db_reset(u);
    if (st != DB_ROW && st != DB_DONE)
        return st;
    if (closed) {
        valid_add_error(c->errs, "stage", FE_POSITION_CLOSED, 0, 0);
        return DB_CONSTRAINT;
    }
    if (c->parent_id) {
        db_stmt *s = db_query(t->d, SQL_PARENT, DB_ARGS(DBI(c->parent_id), DBI(c->id)));
        if (!s)
            return DB_ERR;
        st = db_step(s);
        if (st == DB_ROW) {
            version = db_col_int(s, 0);
            paragraph = db_col_int(s, 1);
            parent_author = db_col_int(s, 2);
        }
        db_reset(s);
        if (st != DB_ROW)
            return st == DB_DONE ? DB_DONE : st;
    } else {
        db_stmt *s = db_query(t->d, SQL_BODY_OF, DB_ARGS(DBI(c->id), DBI(version)));
        if (!s)
            return DB_ERR;
        size_t n_para = 0;
        if ((st = db_step(s)) == DB_ROW) {
            const char *b = db_col_text(s, 0);
            n_para = position_paragraphs(b, strlen(b), NULL, 0);
        }
        db_reset(s);
        if (st != DB_ROW && st != DB_DONE)
            return st;
        if (paragraph < 0 || (size_t)paragraph >= n_para) {
            valid_add_error(c->errs, "paragraph", FE_POSITION_PARAGRAPH, 1, (int64_t)n_para);
            return DB_CONSTRAINT;
        }
    }
    if ((st = db_int(t->d, &c->cid, 0, SQL_COMMENT_PUT,
                     DB_ARGS(DBI(c->id), DBI(version), DBI(paragraph),
                             c->parent_id ? DBI(c->parent_id) : DBNULL,
                             c->org_id ? DBI(c->org_id) : DBNULL, DBT(c->body), DBI(time_now()),
                             DBI(t->actor_id)))) != DB_OK)
        return st;
    if (parent_author && parent_author != t->actor_id &&
        (st = pos_notify_reply(t, c->id, parent_author)) != DB_OK)
        return st;
    buf_printf(&t->detail, "{\"comment\":%lld,\"version\":%lld,\"paragraph\":%lld}",
               (long long)c->cid, (long long)version, (long long)paragraph);
    return DB_OK;
}

enum { PC_BODY, PC_N };
static const form_rule comment_rules[PC_N] = {
    [PC_BODY] = {"body", FV_MULTILINE, FORM_REQUIRED, 1, POS_COMMENT_MAX, NULL},
};
static const valid_table comment_table = {comment_rules, PC_N, NULL, 0};

db_status position_comment_add(db *d, int64_t id, int64_t paragraph, int64_t parent_id,
                               int64_t org_id, const char *body, int64_t actor, const char *ip,
                               int64_t *cid, form_errors *errs)
{
    assert(d && errs);
    arena a = ARENA_INIT;
    form_value v[PC_N];
    db_status st;
    if (!valid_values(&a, &comment_table, (const char *[PC_N]){body}, v, errs, NULL)) {
        st = pos_invalid(errs);
    } else {
        pos_stage stage;
        int64_t ver;
        if ((st = pos_state(d, id, &stage, &ver)) == DB_OK) {
            comment_ctx c = {id, paragraph, parent_id, org_id, v[PC_BODY].text, errs, 0};
            tx t = TX_INIT(actor, ip, "position_comment", "position", id);
            t.bump = TX_DIRECTORY;
            st = tx_write(d, &t, comment_body, &c);
            if (st == DB_OK && cid)
                *cid = c.cid;
        }
    }
    arena_free(&a);
    return st;
}

/* --- reads -------------------------------------------------------------------------- */

#define POS_COLS                                                                                   \
    "p.id, p.owner_id, p.kind, p.stage, p.consult_until, o.slug, o.name, o.name_en, p.version,"    \
    " v.title_sr, v.title_en, v.body_sr, v.body_en, v.note, p.created_at, p.updated_at,"           \
    " coalesce((SELECT max(s.at) FROM position_step s WHERE s.position_id = p.id), p.created_at)," \
    " coalesce(p.consultation_id, 0), (SELECT count(*) FROM position_signature g"                  \
    " WHERE g.position_id = p.id AND g.withdrawn_at IS NULL), p.is_demo,"                          \
    " EXISTS (SELECT 1 FROM org_logo l WHERE l.org_id = p.owner_id)"                               \
    " FROM position p JOIN org o ON o.id = p.owner_id"                                             \
    " JOIN position_version v ON v.position_id = p.id AND v.version = p.version"

static const char SQL_GET[] = "SELECT " POS_COLS " WHERE p.id = $1";
/* $1 stage or NULL, $2 tag or NULL, $3 owner or 0, $4 see (position_filter),
 * $5 limit, $6 offset, $7 the person whose owners' drafts show */
#define LIST_WHERE                                                                                 \
    " WHERE ($1 IS NULL OR p.stage = $1) AND ($2 IS NULL OR EXISTS (SELECT 1 FROM position_tag t"  \
    " WHERE t.position_id = p.id AND t.tag = $2)) AND ($3 = 0 OR p.owner_id = $3)"                 \
    " AND ($4 = 2 OR p.stage IN ('submitted', 'answered', 'closed')"                               \
    " OR ($4 = 1 AND p.stage <> 'draft') OR (p.stage = 'draft' AND EXISTS (SELECT 1"               \
    " FROM affiliation f WHERE f.person_id = $7 AND f.org_id = p.owner_id"                         \
    " AND f.role = 'manager' AND f.ended_at IS NULL)))"
static const char SQL_LIST[] =
    "SELECT " POS_COLS LIST_WHERE " ORDER BY p.updated_at DESC, p.id DESC LIMIT $5 OFFSET $6";
static const char SQL_COUNT[] =
    "SELECT count(*) FROM position p" LIST_WHERE " AND $5 > 0 AND $6 >= 0";

static void pos_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    position_rec *p = item;
    int c = 0;
    p->id = db_col_int(s, c++);
    p->owner_id = db_col_int(s, c++);
    p->kind = db_col_dup(a, s, c++, oom);
    p->stage = db_col_dup(a, s, c++, oom);
    p->consult_until = db_col_dup(a, s, c++, oom);
    p->owner_slug = db_col_dup(a, s, c++, oom);
    p->owner_name = db_col_dup(a, s, c++, oom);
    p->owner_name_en = db_col_dup(a, s, c++, oom);
    p->version = db_col_int(s, c++);
    p->title_sr = db_col_dup(a, s, c++, oom);
    p->title_en = db_col_dup(a, s, c++, oom);
    p->body_sr = db_col_dup(a, s, c++, oom);
    p->body_en = db_col_dup(a, s, c++, oom);
    p->note = db_col_dup(a, s, c++, oom);
    p->created_at = db_col_int(s, c++);
    p->updated_at = db_col_int(s, c++);
    p->stage_at = db_col_int(s, c++);
    p->consultation_id = db_col_int(s, c++);
    p->n_signatures = db_col_int(s, c++);
    p->is_demo = db_col_int(s, c++) != 0;
    p->owner_logo = db_col_int(s, c++) != 0;
}

db_status position_get(db *d, arena *a, int64_t id, position_rec *out, bool *found)
{
    memset(out, 0, sizeof *out);
    *found = false;
    db_stmt *s = db_query(d, SQL_GET, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    db_status st = db_collect_one(s, a, out, sizeof *out, pos_row, NULL, found);
    return st;
}

db_status position_list(db *d, arena *a, const position_filter *f, position_rec **out, size_t *n,
                        int64_t *total)
{
    *out = NULL;
    *n = 0;
    *total = 0;
    db_val args[7] = {f->stage ? DBT(f->stage) : DBNULL,
                      f->tag ? DBT(f->tag) : DBNULL,
                      DBI(f->owner_id),
                      DBI(f->see),
                      DBI(POS_PAGE),
                      DBI((int64_t)(f->page < 0 ? 0 : f->page) * POS_PAGE),
                      DBI(f->person_id)};
    db_status st = db_int(d, total, 0, SQL_COUNT, 7, args);
    if (st != DB_OK)
        return st;
    db_stmt *s = db_query(d, SQL_LIST, 7, args);
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, pos_row, NULL);
}

static const char SQL_VERSIONS[] =
    "SELECT v.version, v.title_sr, v.title_en, v.body_sr, v.body_en, v.note, p.name, v.created_at"
    " FROM position_version v LEFT JOIN person p ON p.id = v.created_by AND p.erased_at IS NULL"
    " WHERE v.position_id = $1 ORDER BY v.version";

static void version_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    position_version *v = item;
    v->version = db_col_int(s, 0);
    v->title_sr = db_col_dup(a, s, 1, oom);
    v->title_en = db_col_dup(a, s, 2, oom);
    v->body_sr = db_col_dup(a, s, 3, oom);
    v->body_en = db_col_dup(a, s, 4, oom);
    v->note = db_col_dup(a, s, 5, oom);
    v->by_name = db_col_dup(a, s, 6, oom);
    v->created_at = db_col_int(s, 7);
}

db_status position_versions(db *d, arena *a, int64_t id, position_version **out, size_t *n)
{
    db_stmt *s = db_query(d, SQL_VERSIONS, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, version_row, NULL);
}

static const char SQL_TAGS[] = "SELECT tag FROM position_tag WHERE position_id = $1 ORDER BY tag";

static void tag_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    *(const char **)item = db_col_dup(a, s, 0, oom);
}

db_status position_tags(db *d, arena *a, int64_t id, const char ***out, size_t *n)
{
    db_stmt *s = db_query(d, SQL_TAGS, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, tag_row, NULL);
}

static void speaker_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    position_speaker *x = item;
    x->id = db_col_int(s, 0);
    x->slug = db_col_dup(a, s, 1, oom);
    x->name = db_col_dup(a, s, 2, oom);
    x->name_en = db_col_dup(a, s, 3, oom);
    x->kind = db_col_dup(a, s, 4, oom);
}

static db_status speakers(db *d, arena *a, const char *sql, size_t n_args, const db_val *args,
                          position_speaker **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    db_stmt *s = db_query(d, sql, n_args, args);
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, speaker_row, NULL);
}

static const char SQL_ADDRESSEES[] =
    "SELECT o.id, o.slug, o.name, o.name_en, o.kind FROM position_addressee x"
    " JOIN org o ON o.id = x.org_id WHERE x.position_id = $1 ORDER BY o.name_folded";

db_status position_addressees(db *d, arena *a, int64_t id, position_speaker **out, size_t *n)
{
    return speakers(d, a, SQL_ADDRESSEES, DB_ARGS(DBI(id)), out, n);
}

static const char SQL_SPEAKERS[] =
    "SELECT DISTINCT o.id, o.slug, o.name, o.name_en, o.kind, o.name_folded FROM affiliation f"
    " JOIN org o ON o.id = f.org_id WHERE f.person_id = $1 AND f.ended_at IS NULL"
    " AND o.status = 'published' AND (f.role = 'representative'"
    " OR o.kind IN ('cluster', 'cluster_initiative')) ORDER BY o.name_folded";

db_status position_speakers(db *d, arena *a, int64_t person, position_speaker **out, size_t *n)
{
    return speakers(d, a, SQL_SPEAKERS, DB_ARGS(DBI(person)), out, n);
}

static const char SQL_INSTITUTIONS[] =
    "SELECT id, slug, name, name_en, kind FROM org WHERE status = 'published'"
    " AND kind IN " POS_PARTNER_KINDS " ORDER BY name_folded LIMIT 500";

db_status position_institutions(db *d, arena *a, position_speaker **out, size_t *n)
{
    return speakers(d, a, SQL_INSTITUTIONS, DB_NONE, out, n);
}

static const char SQL_OWNERS[] =
    "SELECT id, slug, name, name_en, kind FROM org WHERE status = 'published'"
    " AND kind IN ('cluster', 'cluster_initiative', 'cluster_association') ORDER BY"
    " kind <> 'cluster_association', name_folded";

db_status position_owners(db *d, arena *a, const principal *p, position_speaker **out, size_t *n)
{
    position_speaker *all = NULL;
    size_t n_all = 0;
    db_status st = speakers(d, a, SQL_OWNERS, DB_NONE, &all, &n_all);
    *out = all;
    *n = 0;
    if (st != DB_OK)
        return st;
    for (size_t i = 0; i < n_all; i++)
        if (rights_can(d, p, RIGHT_POSITION_WRITE, all[i].id))
            all[(*n)++] = all[i];
    return DB_OK;
}

static const char SQL_COMMENTS[] =
    "SELECT c.id, c.version, c.paragraph, coalesce(c.parent_id, 0), c.body, p.name, o.slug,"
    " o.name, o.name_en, c.created_at FROM position_comment c"
    " LEFT JOIN person p ON p.id = c.created_by AND p.erased_at IS NULL"
    " LEFT JOIN org o ON o.id = c.org_id"
    " WHERE c.position_id = $1 AND ($2 = 0 OR c.version = $2) AND c.hidden_at IS NULL"
    " ORDER BY c.version DESC, c.paragraph, coalesce(c.parent_id, c.id), c.id";

static void comment_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    position_comment *c = item;
    c->id = db_col_int(s, 0);
    c->version = db_col_int(s, 1);
    c->paragraph = db_col_int(s, 2);
    c->parent_id = db_col_int(s, 3);
    c->body = db_col_dup(a, s, 4, oom);
    c->by_name = db_col_dup(a, s, 5, oom);
    c->org_slug = db_col_dup(a, s, 6, oom);
    c->org_name = db_col_dup(a, s, 7, oom);
    c->org_name_en = db_col_dup(a, s, 8, oom);
    c->created_at = db_col_int(s, 9);
}

db_status position_comments(db *d, arena *a, int64_t id, int64_t version, position_comment **out,
                            size_t *n)
{
    db_stmt *s = db_query(d, SQL_COMMENTS, DB_ARGS(DBI(id), DBI(version)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, comment_row, NULL);
}

static const char SQL_STEPS[] = "SELECT s.stage, p.name, s.at FROM position_step s"
                                " LEFT JOIN person p ON p.id = s.by_id AND p.erased_at IS NULL"
                                " WHERE s.position_id = $1 ORDER BY s.at, s.id";

static void step_row(db_stmt *s, arena *a, void *item, bool *oom, void *ctx)
{
    (void)ctx;
    position_step *x = item;
    x->stage = db_col_dup(a, s, 0, oom);
    x->by_name = db_col_dup(a, s, 1, oom);
    x->at = db_col_int(s, 2);
}

db_status position_steps(db *d, arena *a, int64_t id, position_step **out, size_t *n)
{
    db_stmt *s = db_query(d, SQL_STEPS, DB_ARGS(DBI(id)));
    if (!s)
        return DB_ERR;
    return db_collect(s, a, (void **)out, n, sizeof **out, step_row, NULL);
}
