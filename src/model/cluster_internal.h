/* cluster_internal.h: what the cluster files (cluster*.c) share, and
 * nobody else.
 *
 * Not part of the model's interface: include cluster.h from outside. The
 * checks and the write helper every cluster write shares, defined in cluster.c;
 * cluster_team.c, cluster_member.c and cluster_label.c use them. */
#ifndef SCAN_CLUSTER_INTERNAL_H
#define SCAN_CLUSTER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "db/db.h"
#include "model/tx.h"
#include "valid/valid.h"

#define REFERENCE_MAX 200 /* characters of a label's certificate reference */

/* One optional or required text field of at most max characters through
 * valid_values; its error, if any, goes into errs under field. */
void cluster_check_text(form_errors *errs, const char *field, const char *v, bool required,
                        size_t max);
/* What a failed check means for the caller: DB_NOMEM when an allocation
 * failed while checking (an FE_NOMEM after before), else DB_CONSTRAINT. */
db_status cluster_invalid(const form_errors *errs, size_t before);
/* *exists when entry id exists; *cluster when its kind is a cluster kind. */
db_status cluster_kind_of(db *d, int64_t id, bool *exists, bool *cluster);
/* DB_DONE when entry id does not exist, FE_NOT_CLUSTER on "org_id" when it
 * is not a cluster (errs may be NULL: then DB_CONSTRAINT alone). */
db_status cluster_require(db *d, int64_t id, form_errors *errs);
/* Runs body in one write transaction (tx_write) with the audit row that
 * ends every cluster write (action; entity 'org', org_id, which the body
 * may change in t->entity_id) and the bump of figures_version and
 * directory_version. */
db_status cluster_write(db *d, int64_t actor_id, const char *ip, const char *action, int64_t org_id,
                        tx_body body, void *ctx);

#endif
