/*
 * moderation.c — the queue coordinators share: which postings wait, the
 * first decision on each (approve or reject, with a reason), and a
 * rejected posting sent back by its group.
 *
 * A decision changes the state with one UPDATE ... WHERE moderation =
 * 'pending': of two coordinators who decide at once, the second finds
 * nothing to change and is told who decided first.  The posting's new
 * document, its state, the decision and the audit row are written in one
 * transaction, and approval sets the state and the document in the same
 * statement, so triggers on the state (the webhook outbox) see the
 * posting as published.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_doc.h"
#include "store_private.h"
#include "xmalloc.h"

void
moderation_decision_free(struct moderation_decision *md)
{
	if (md == NULL)
		return;
	free(md->md_decision);
	free(md->md_reason);
	free(md->md_token_id);
	free(md->md_organization);
	free(md->md_role);
	memset(md, 0, sizeof(*md));
}

int
store_source_set_moderation(struct store *st, const char *name, int on)
{
	static const char sql[] =
	    "UPDATE sources SET moderation = ?2 WHERE name = ?1";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "si", name, on ? 1 : 0) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	return sqlite3_changes(st->st_db) == 0 ? 1 : 0;
}

const char *
store_moderation_initial(struct store *st, const char *source)
{
	static const char sql[] =
	    "SELECT moderation FROM sources WHERE name = ?1";
	sqlite3_stmt *stmt;
	int rc, on = 0;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", source) == -1)
		return NULL;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		on = sqlite3_column_int(stmt, 0) != 0;
	store_reset(stmt);
	if (rc == -1)
		return NULL;
	return on ? MODERATION_PENDING : MODERATION_PUBLISHED;
}

int
store_moderation_decision(struct store *st, const char *id,
    struct moderation_decision *out)
{
	static const char sql[] =
	    "SELECT decision, reason, decided, token_id, organization, role "
	    "FROM moderation_decisions WHERE posting_id = ?1";
	sqlite3_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		out->md_decision = store_column_str(stmt, 0);
		out->md_reason = store_column_str(stmt, 1);
		out->md_decided = sqlite3_column_int64(stmt, 2);
		out->md_token_id = store_column_str(stmt, 3);
		out->md_organization = store_column_str(stmt, 4);
		out->md_role = store_column_str(stmt, 5);
	}
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

/* The state of a posting (*state: free() it); 1 when there is none. */
static int
current_state(struct store *st, const char *id, char **state)
{
	static const char sql[] =
	    "SELECT moderation FROM postings WHERE id = ?1";
	sqlite3_stmt *stmt;
	int rc;

	*state = NULL;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		*state = store_column_str(stmt, 0);
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

static char *
state_change(const char *from, const char *to)
{
	json_t *o;
	char *text;

	o = json_pack("{s:{s:s,s:s}}", "moderation", "from", from, "to", to);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

/*
 * Approval: the posting's document moves on (revision + 1, date_modified
 * now, so that readers see it as new) in the statement that publishes
 * it.  0 done, 2 not pending, -1 error.
 */
static int
publish(struct store *st, const char *id, int64_t now)
{
	static const char get[] =
	    "SELECT doc FROM postings WHERE id = ?1 AND moderation = 'pending'";
	static const char upd[] =
	    "UPDATE postings SET moderation = 'published', revision = ?2, "
	    "date_modified = ?3, doc = ?4 "
	    "WHERE id = ?1 AND moderation = 'pending'";
	struct posting *p = NULL;
	sqlite3_stmt *stmt;
	char *doc = NULL;
	int rc;

	if ((stmt = store_stmt(st, get)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1 &&
	    (p = store_doc_decode(stmt, 0, __func__)) == NULL)
		rc = -1;
	store_reset(stmt);
	if (rc != 1)
		return rc == 0 ? 2 : -1;
	p->pst_revision++;
	p->pst_modified = now;
	rc = -1;
	if ((doc = store_doc_encode(p)) == NULL)
		log_warnx("%s: %s: the posting cannot be stored as JSON",
		    __func__, id);
	else if ((stmt = store_stmt(st, upd)) != NULL &&
	    store_bind(st, stmt, "sIIs", id, p->pst_revision, now, doc) == 0 &&
	    store_step_done(st, stmt, __func__) == 0)
		rc = sqlite3_changes(st->st_db) == 1 ? 0 : 2;
	free(doc);
	posting_free(p);
	return rc;
}

static int
reject(struct store *st, const char *id)
{
	static const char upd[] =
	    "UPDATE postings SET moderation = 'rejected' "
	    "WHERE id = ?1 AND moderation = 'pending'";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, upd)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	return sqlite3_changes(st->st_db) == 1 ? 0 : 2;
}

static int
record_decision(struct store *st, const char *id, const char *decision,
    const char *reason, const struct store_actor *sa, int64_t now)
{
	static const char ins[] =
	    "INSERT OR REPLACE INTO moderation_decisions (posting_id, "
	    "decision, reason, decided, token_id, organization, role) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	/* The submission's record, as before the queue existed. */
	static const char sub[] =
	    "UPDATE submissions SET decided = ?2, decided_by = ?3 "
	    "WHERE posting_id = ?1";
	sqlite3_stmt *stmt;
	char by[256];

	if (sa->sa_organization != NULL)
		snprintf(by, sizeof(by), "%s:%s:%s", sa->sa_role,
		    sa->sa_organization, sa->sa_token_id);
	else
		snprintf(by, sizeof(by), "%s:%s", sa->sa_role, sa->sa_token_id);
	if ((stmt = store_stmt(st, ins)) == NULL ||
	    store_bind(st, stmt, "sssIsss", id, decision, reason, now,
	    sa->sa_token_id, sa->sa_organization, sa->sa_role) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	if ((stmt = store_stmt(st, sub)) == NULL ||
	    store_bind(st, stmt, "sIs", id, now, by) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

int
store_moderation_decide(struct store *st, const char *id,
    const char *decision, const char *reason, const struct store_actor *sa,
    int64_t now, struct moderation_decision *current)
{
	char *state = NULL, *changes = NULL;
	int approve, rc;

	if (current != NULL)
		memset(current, 0, sizeof(*current));
	approve = strcmp(decision, MODERATION_PUBLISHED) == 0;
	if (!approve && (strcmp(decision, MODERATION_REJECTED) != 0 ||
	    reason == NULL)) {
		log_warnx("%s: %s: a decision is published, or rejected with "
		    "a reason", __func__, id);
		return -1;
	}
	if (store_begin(st, __func__) == -1)
		return -1;
	rc = approve ? publish(st, id, now) : reject(st, id);
	if (rc == 2) {
		/* Nothing changed: no such posting, or decided already. */
		if ((rc = current_state(st, id, &state)) == 0) {
			rc = 2;
			if (current != NULL && store_moderation_decision(st, id,
			    current) == -1)
				rc = -1;
		}
		free(state);
		store_rollback(st);
		return rc;
	}
	if (rc == -1)
		goto fail;
	if ((changes = state_change(MODERATION_PENDING, decision)) == NULL ||
	    record_decision(st, id, decision, reason, sa, now) == -1 ||
	    store_audit_append(st, sa, approve ? "approve" : "reject", id,
	    changes, reason, now) == -1 ||
	    store_bump_generation(st) == -1)
		goto fail;
	free(changes);
	if (store_commit(st, __func__) == -1)
		return -1;
	st->st_generation++;
	return 0;
 fail:
	free(changes);
	store_rollback(st);
	return -1;
}

int
store_moderation_resubmit(struct store *st, const char *id,
    const struct store_actor *sa, int64_t now)
{
	static const char upd[] =
	    "UPDATE postings SET moderation = 'pending' "
	    "WHERE id = ?1 AND moderation = 'rejected'";
	static const char del[] =
	    "DELETE FROM moderation_decisions WHERE posting_id = ?1";
	static const char sub[] =
	    "UPDATE submissions SET decided = 0, decided_by = NULL "
	    "WHERE posting_id = ?1";
	sqlite3_stmt *stmt;
	char *state = NULL, *changes = NULL;
	int rc;

	if (store_begin(st, __func__) == -1)
		return -1;
	if ((stmt = store_stmt(st, upd)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		goto fail;
	if (sqlite3_changes(st->st_db) == 0) {
		rc = current_state(st, id, &state);
		free(state);
		store_rollback(st);
		return rc == 0 ? 2 : rc;
	}
	if ((stmt = store_stmt(st, del)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1 ||
	    store_step_done(st, stmt, __func__) == -1 ||
	    (stmt = store_stmt(st, sub)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1 ||
	    store_step_done(st, stmt, __func__) == -1 ||
	    (changes = state_change(MODERATION_REJECTED,
	    MODERATION_PENDING)) == NULL ||
	    store_audit_append(st, sa, "resubmit", id, changes, NULL,
	    now) == -1 ||
	    store_bump_generation(st) == -1)
		goto fail;
	free(changes);
	if (store_commit(st, __func__) == -1)
		return -1;
	st->st_generation++;
	return 0;
 fail:
	free(changes);
	store_rollback(st);
	return -1;
}

void
store_moderation_queue_free(struct moderation_item *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		posting_free(list[i].mi_posting);
		free(list[i].mi_organization);
	}
	free(list);
}

int
store_moderation_queue(struct store *st, size_t limit,
    struct moderation_item **out, size_t *n, int64_t *total)
{
	/*
	 * Oldest first: the one that has waited longest is decided first.
	 * What its group withdrew while it waited asks for nothing.
	 */
	static const char sql[] =
	    "SELECT p.doc, s.organization, coalesce(s.submitted, "
	    "p.date_modified) FROM postings p "
	    "LEFT JOIN submissions s ON s.posting_id = p.id "
	    "WHERE p.moderation = 'pending' AND p.status <> 'withdrawn' "
	    "ORDER BY 3, p.id LIMIT ?1";
	static const char count[] =
	    "SELECT count(*) FROM postings WHERE moderation = 'pending' "
	    "AND status <> 'withdrawn'";
	struct moderation_item *list = NULL;
	sqlite3_stmt *stmt;
	size_t len = 0, cap = 0;
	struct posting *p;
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	if ((stmt = store_stmt(st, count)) == NULL)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		*total = sqlite3_column_int64(stmt, 0);
	store_reset(stmt);
	if (rc == -1)
		return -1;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "I", limit == 0 || limit > INT64_MAX ?
	    (int64_t)-1 : (int64_t)limit) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if ((p = store_doc_decode(stmt, 0, __func__)) == NULL) {
			rc = -1;
			break;
		}
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		list[len].mi_posting = p;
		list[len].mi_organization = store_column_str(stmt, 1);
		list[len].mi_waiting_since = sqlite3_column_int64(stmt, 2);
		len++;
	}
	store_reset(stmt);
	if (rc == -1) {
		store_moderation_queue_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}
