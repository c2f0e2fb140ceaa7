/* valid.h: the field vocabulary and the table-driven validator.
 *
 * Input is a flat list of named fields (form_field: from a request body or
 * query string parsed by http/form.c, or built by an importer from a CSV
 * row). A table of rules (kcgi's struct kvalid) is checked over the list,
 * so callers see typed values and a list of per-field errors they can show
 * next to each input. The error codes include the domain rules models
 * check after the table (a PIB checksum, a date order): the vocabulary is
 * shared by every model and page, so it lives here, below the model, and
 * the model never includes the HTTP layer. Nothing here touches a request,
 * the database or an entity. Names keep the historical form_ / FV_ / FE_
 * prefixes (valid_ for what was added with the module). */
#ifndef SCAN_VALID_H
#define SCAN_VALID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "i18n/i18n.h"

typedef struct form_field {
    const char *name;         /* NUL-terminated, valid UTF-8 */
    const char *value;        /* NUL-terminated; for files may hold NULs */
    size_t value_len;         /* bytes in value */
    const char *filename;     /* multipart file parts only, else NULL */
    const char *content_type; /* multipart parts with a Content-Type, else NULL */
} form_field;

typedef struct form {
    form_field *fields; /* arena memory */
    size_t n_fields;
} form;

/* The first field named name, or NULL. */
const form_field *form_find(const form *f, const char *name);
/* Its value, or NULL when absent. */
const char *form_get(const form *f, const char *name);

typedef enum {
    FV_TEXT,      /* single line: no control characters; trimmed */
    FV_MULTILINE, /* text with newlines allowed; trimmed */
    FV_INT,       /* decimal integer within [min, max]; thousands grouped by either
                     habit ("1.234.567", "1,234,567", "1 234 567": core/num.h) */
    FV_MONEY,     /* amount like 1234.56, 1.234,56 or 1,234.56 -> minor units in .i */
    FV_EMAIL,     /* local@domain, one @, no spaces, domain with a dot */
    FV_URL,       /* http:// or https:// absolute URL */
    FV_SLUG,      /* [a-z0-9-], not starting or ending with '-' */
    FV_ENUM,      /* one of choices[] */
    FV_BOOL,      /* checkbox: present ("on", "1", "true", "yes") => true */
    FV_FILE,      /* multipart file part; max is the byte limit */
    FV_DATE,      /* a real calendar date YYYY-MM-DD, years 1900..2199 (FE_DATE) */
} form_kind;

enum { FORM_REQUIRED = 1u << 0, FORM_MULTI = 1u << 1 /* repeated field */ };

typedef struct form_rule {
    const char *name;
    form_kind kind;
    unsigned flags;
    int64_t min, max;           /* lengths in characters (code points) for text kinds,
                                   where 0 means no bound on that side; inclusive values
                                   for FV_INT, and for FV_MONEY in whole currency units
                                   (max 500 allows 500.00); bytes for FV_FILE (max only);
                                   0,0 = no limit */
    const char *const *choices; /* FV_ENUM: NULL-terminated list */
} form_rule;

typedef struct form_value {
    bool present;      /* given and non-empty after trimming */
    const char *text;  /* trimmed text (arena), or NULL */
    int64_t i;         /* FV_INT, FV_MONEY (minor units), FV_BOOL (0/1), FV_ENUM (index) */
    const char **list; /* FORM_MULTI: all values (arena), n_list of them */
    size_t n_list;
    const form_field *file; /* FV_FILE */
} form_value;

typedef enum {
    FE_REQUIRED = 1,
    FE_TOO_SHORT,
    FE_TOO_LONG,
    FE_NOT_INT,
    FE_RANGE,
    FE_NOT_MONEY,
    FE_AMBIGUOUS_NUMBER, /* "1.234": thousands or decimals (core/num.h); min holds the digits */
    FE_EMAIL,
    FE_URL,
    FE_SLUG,
    FE_CHOICE,
    FE_CONTROL_CHARS,
    FE_FILE_TOO_BIG,
    FE_NOMEM, /* arena allocation failed: a server error, not the user's */
    /* domain rules checked by models after form_validate (org.c, figures.c) */
    FE_PIB,          /* PIB checksum */
    FE_MB,           /* matični broj checksum */
    FE_TAKEN,        /* unique value already used by another entry */
    FE_UNKNOWN_CODE, /* not a known classification code */
    FE_MISMATCH,     /* inconsistent with another field (district vs region) */
    FE_INVALID,      /* malformed for its kind (a phone number with letters) */
    /* clusters and figures (cluster.c, figures.c) */
    FE_DATE,                  /* not a real calendar date YYYY-MM-DD */
    FE_DATE_ORDER,            /* an end date before its start date */
    FE_FUTURE_YEAR,           /* a year after the current one */
    FE_EXPORTS_ABOVE_REVENUE, /* exports larger than revenue */
    FE_NO_RATE,               /* RSD amounts for a year without an exchange rate */
    FE_NOT_CLUSTER,           /* the entry is not a cluster or cluster initiative */
    FE_SELF_MEMBER,           /* a cluster as a member of itself */
    FE_ALREADY_MEMBER,        /* a membership overlapping a current one */
    /* memberships by consent and classification (membership.c, org.c) */
    FE_SECRETARIAT_ONLY,   /* a classifying field only the secretariat may change */
    FE_MEMBER_SECRETARIAT, /* a cluster kind as a member: the secretariat decides */
    FE_ALREADY_PROPOSED,   /* a pending proposal of the same membership */
    FE_NOT_PENDING,        /* a proposal already accepted, declined or withdrawn */
    FE_NOT_PUBLISHED,      /* a directory entry not published (draft, archived, proposed) */
    /* advocacy positions (position.c) */
    FE_POSITION_STAGE,     /* not possible in the position's stage (min: that stage's index) */
    FE_POSITION_PARAGRAPH, /* no such paragraph (max: how many the text has) */
    FE_POSITION_UNSIGNED,  /* submitted without a live signature */
    FE_POSITION_UNSENT,    /* moved to submitted with no submission recorded */
    FE_POSITION_CLOSED,    /* a comment after the consultation's closing date */
} form_error_code;

typedef struct form_error {
    const char *field; /* rule name */
    form_error_code code;
    int64_t min, max; /* from the rule, for the message */
} form_error;

typedef struct form_errors {
    form_error items[32];
    size_t n_items;
} form_errors;

/* Narrows s[0..*n) to its text without white space at either end: ASCII
 * white space and the Unicode spaces a pasted name brings (no-break
 * U+00A0, U+2000-U+200B, U+202F, U+205F, U+3000, the BOM U+FEFF). What
 * every form field and every importer trims (s is valid UTF-8). */
void form_trim(const char **s, size_t *n);

/* Checks every rule against f, filling vals[i] for rules[i] and appending
 * one error per failing field to errs (the caller zero-initialises errs; a
 * full errs drops further errors). Returns true when this call found no
 * error. Fields not named in rules are ignored. Text values are trimmed of
 * ASCII whitespace, and FV_MULTILINE turns CRLF and CR into LF; vals[i].text
 * keeps the trimmed input even when it fails, so the form can be shown
 * again as typed. FV_BOOL with FORM_REQUIRED means "must be ticked"; FV_FILE
 * takes the first file part of that name and ignores FORM_MULTI. Returned
 * strings point into the form or the arena. */
bool form_validate(arena *a, const form *f, const form_rule *rules, size_t n_rules,
                   form_value *vals, form_errors *errs);

/* The first error for the named field, or NULL. */
const form_error *form_error_for(const form_errors *errs, const char *field);

/* Appends an error for field (a static name) to errs; a full errs drops it
 * (the form already has plenty to fix). */
void valid_add_error(form_errors *errs, const char *field, form_error_code code, int64_t min,
                     int64_t max);

/* A rule that needs more than one field (an end date after its start, a
 * name required for one kind of label). Runs after the table with the
 * values of every rule, index for index, and ctx from valid_values; it
 * appends what it finds to errs. */
typedef void (*valid_cross_fn)(const form_value *vals, const void *ctx, form_errors *errs);

/* A model write's whole validation: the field table plus its cross-field
 * rules, each a named function. */
typedef struct valid_table {
    const form_rule *rules;
    size_t n_rules;
    const valid_cross_fn *cross; /* n_cross functions, run in order */
    size_t n_cross;
} valid_table;

/* Checks values given as arguments rather than as a posted form: values[i]
 * (NULL or "" = absent) is the input for t->rules[i]. Runs form_validate
 * over them, then every cross rule. vals gets t->n_rules entries (strings
 * in a or in values). Returns true when this call found no error; an
 * allocation failure is FE_NOMEM on the field (form_validate). */
bool valid_values(arena *a, const valid_table *t, const char *const *values, form_value *vals,
                  form_errors *errs, const void *ctx);

/* Appends the error as a sentence in the reader's language, e.g. "This field
 * is required." / "Must be at most 200 characters." (catalog messages
 * MSG_FORM_ERR_*). */
void form_error_text(buf *out, lang_id lang, const form_error *e);

#endif
