/* form.h: request bodies and query strings parsed into typed fields.
 *
 * Two layers. Parsing turns application/x-www-form-urlencoded text (bodies
 * and query strings) or multipart/form-data into a flat list of fields in
 * the request arena, refusing malformed percent-encoding, invalid UTF-8 in
 * names and text values, and broken multipart framing. Validation then runs
 * a table of rules (kcgi's struct kvalid) over the fields, so handlers see
 * typed values and a list of per-field errors they can show next to each
 * input. Nothing here talks to libmicrohttpd: it is pure and fuzzable. We
 * parse ourselves rather than use MHD's post processor because that one
 * silently accepts bad percent-encoding and cannot run outside a live
 * connection (so it cannot be fuzzed or unit-tested). */
#ifndef SCAN_FORM_H
#define SCAN_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "i18n/i18n.h"

#define FORM_MAX_FIELDS 512

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

typedef enum {
    FORM_OK = 0,
    FORM_ERR_ENCODING,  /* bad %xx escape */
    FORM_ERR_UTF8,      /* name or text value is not valid UTF-8 */
    FORM_ERR_TOO_MANY,  /* more than FORM_MAX_FIELDS fields */
    FORM_ERR_MULTIPART, /* missing boundary, bad framing or part headers */
    FORM_ERR_NOMEM,     /* arena allocation failed */
} form_status;

/* Parses urlencoded text (a body, or a query string without the '?'): '+'
 * is a space, %XX decodes (either case), empty pairs ("a=1&&b=2") are
 * skipped, a name without '=' has the empty value, "=v" has the empty name.
 * Decoded names and values must be UTF-8 without NUL. On error *out is
 * empty and *err_field (if not NULL) gets the decoded name, or for an
 * undecodable name its raw text (at most 64 bytes, non-printable bytes as
 * '?'). Everything returned lives in the arena. */
form_status form_parse_urlencoded(arena *a, const char *s, size_t n, form *out,
                                  const char **err_field);

/* Parses a multipart/form-data body given the request's Content-Type header
 * (which carries the boundary, quoted or not, 1-70 characters). Framing is
 * CRLF only; preamble and epilogue are ignored; each part needs a
 * Content-Disposition: form-data with a name, and its header section may
 * not exceed 8 KiB. Parts without a filename are text fields and must be
 * valid UTF-8 without NUL; file parts keep their bytes as is (value_len
 * counts them; a NUL follows them). On error *out is empty and *err_field
 * gets the part's name, "part N" (1-based) while the name is unknown, or
 * "Content-Type" for a missing or bad boundary. */
form_status form_parse_multipart(arena *a, const char *content_type, const char *body, size_t n,
                                 form *out, const char **err_field);

/* The first field named name, or NULL. */
const form_field *form_find(const form *f, const char *name);
/* Its value, or NULL when absent. */
const char *form_get(const form *f, const char *name);

/* --- validation -------------------------------------------------------- */

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

/* Appends the error as a sentence in the reader's language, e.g. "This field
 * is required." / "Must be at most 200 characters." (catalog messages
 * MSG_FORM_ERR_*). */
void form_error_text(buf *out, lang_id lang, const form_error *e);

#endif
