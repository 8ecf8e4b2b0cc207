/*
 * audit.c — the audit trail: who did what to which posting, when, and
 * what changed.  Rows are appended, never changed; a decision writes its
 * row in the decision's own transaction (moderation.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

int
store_audit_append(struct store *st, const struct store_actor *sa,
    const char *action, const char *posting_id, const char *changes,
    const char *reason, int64_t now)
{
	static const char sql[] =
	    "INSERT INTO audit (at, token_id, token_label, organization, "
	    "role, action, posting_id, changes, reason) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, coalesce(?8, '{}'), ?9)";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "Issssssss", now, sa->sa_token_id,
	    sa->sa_label, sa->sa_organization, sa->sa_role, action,
	    posting_id, changes, reason) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

void
store_audit_list_free(struct audit_entry *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].ae_token_id);
		free(list[i].ae_token_label);
		free(list[i].ae_organization);
		free(list[i].ae_role);
		free(list[i].ae_action);
		free(list[i].ae_posting_id);
		free(list[i].ae_changes);
		free(list[i].ae_reason);
	}
	free(list);
}

int
store_audit_list(struct store *st, const struct audit_query *q,
    struct audit_entry **out, size_t *n)
{
	/* NULL and 0 parameters match anything; newest first. */
	static const char sql[] =
	    "SELECT id, at, token_id, token_label, organization, role, "
	    "action, posting_id, changes, reason FROM audit "
	    "WHERE (?2 = 0 OR at >= ?2) "
	    "AND (?3 IS NULL OR posting_id = ?3) "
	    "AND (?4 IS NULL OR token_id = ?4 OR organization = ?4) "
	    "AND (?5 = 0 OR id < ?5) "
	    "ORDER BY id DESC LIMIT ?1";
	struct audit_entry *list = NULL, *ae;
	sqlite3_stmt *stmt;
	size_t len = 0, cap = 0;
	int64_t limit;
	int rc;

	*out = NULL;
	*n = 0;
	limit = q->aq_limit == 0 || q->aq_limit > INT64_MAX ? -1 :
	    (int64_t)q->aq_limit;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "IIssI", limit, q->aq_since, q->aq_posting,
	    q->aq_actor, q->aq_before_id) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 32;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		ae = &list[len++];
		ae->ae_id = sqlite3_column_int64(stmt, 0);
		ae->ae_at = sqlite3_column_int64(stmt, 1);
		ae->ae_token_id = store_column_str(stmt, 2);
		ae->ae_token_label = store_column_str(stmt, 3);
		ae->ae_organization = store_column_str(stmt, 4);
		ae->ae_role = store_column_str(stmt, 5);
		ae->ae_action = store_column_str(stmt, 6);
		ae->ae_posting_id = store_column_str(stmt, 7);
		ae->ae_changes = store_column_str(stmt, 8);
		ae->ae_reason = store_column_str(stmt, 9);
	}
	store_reset(stmt);
	if (rc == -1) {
		store_audit_list_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}
