/* catalog.c: the static message tables, expanded from messages.def.
 *
 * English and Serbian Cyrillic are compiled in here; i18n.c derives the
 * Serbian Latin table from the Cyrillic one at start-up and serves all
 * three through T(). */
#include "i18n/i18n.h"

const char *const i18n_catalog_en[MSG__COUNT] = {
#define MSG(id, en, sr) [MSG_##id] = en,
#include "i18n/messages.def"
#undef MSG
};

const char *const i18n_catalog_sr_cyrl[MSG__COUNT] = {
#define MSG(id, en, sr) [MSG_##id] = sr,
#include "i18n/messages.def"
#undef MSG
};

const char *const i18n_catalog_key[MSG__COUNT] = {
#define MSG(id, en, sr) [MSG_##id] = #id,
#include "i18n/messages.def"
#undef MSG
};
