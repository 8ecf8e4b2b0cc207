/*
 * submissions.c — postings that registered groups submit through the API,
 * their moderation state, and the admin view of postings in any state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_doc.h"
#include "store_private.h"
#include "xmalloc.h"

void
posting_admin_free(struct posting_admin *pa)
{
	if (pa == NULL)
		return;
	free(pa->pa_moderation);
	free(pa->pa_organization);
	free(pa->pa_token_id);
	free(pa->pa_decided_by);
	memset(pa, 0, sizeof(*pa));
}

int
store_posting_admin(struct store *st, const char *id,
    struct posting_admin *out)
{
	static const char sql[] =
	    "SELECT p.moderation, s.organization, s.token_id, s.submitted, "
	    "s.decided, s.decided_by FROM postings p "
	    "LEFT JOIN submissions s ON s.posting_id = p.id WHERE p.id = ?1";
	sqlite3_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		out->pa_moderation = store_column_str(stmt, 0);
		out->pa_organization = store_column_str(stmt, 1);
		out->pa_token_id = store_column_str(stmt, 2);
		out->pa_submitted = sqlite3_column_int64(stmt, 3);
		out->pa_decided = sqlite3_column_int64(stmt, 4);
		out->pa_decided_by = store_column_str(stmt, 5);
	}
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

int
store_submission_insert(struct store *st, const struct posting *p,
    const char *organization, const char *token_id, int64_t now)
{
	static const char ins_posting[] =
	    "INSERT INTO postings (id, revision, status, kind, "
	    "date_published, date_modified, start, \"end\", area, doc, "
	    "moderation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "'pending') ON CONFLICT (id) DO NOTHING";
	static const char ins_submission[] =
	    "INSERT INTO submissions (posting_id, organization, token_id, "
	    "submitted) VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt *stmt;
	char *doc;

	if (p->pst_id == NULL || organization == NULL || token_id == NULL) {
		log_warnx("%s: a submission needs an id, an organization and "
		    "a token", __func__);
		return -1;
	}
	if ((doc = store_doc_encode(p)) == NULL) {
		log_warnx("%s: %s: the posting cannot be stored as JSON",
		    __func__, p->pst_id);
		return -1;
	}
	if (store_begin(st, __func__) == -1) {
		free(doc);
		return -1;
	}
	if ((stmt = store_stmt(st, ins_posting)) == NULL ||
	    store_bind(st, stmt, "sIssIIssss", p->pst_id, p->pst_revision,
	    posting_status_name(p->pst_status), p->pst_kind, p->pst_published,
	    p->pst_modified, p->pst_start, p->pst_end, p->pst_area,
	    doc) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		goto fail;
	if (sqlite3_changes(st->st_db) == 0) {
		store_rollback(st);
		free(doc);
		return 1;
	}
	if ((stmt = store_stmt(st, ins_submission)) == NULL ||
	    store_bind(st, stmt, "sssI", p->pst_id, organization, token_id,
	    now) == -1 ||
	    store_step_done(st, stmt, __func__) == -1 ||
	    store_bump_generation(st) == -1)
		goto fail;
	free(doc);
	if (store_commit(st, __func__) == -1)
		return -1;
	st->st_generation++;
	return 0;
 fail:
	free(doc);
	store_rollback(st);
	return -1;
}

int
store_submission_approve(struct store *st, const char *id, const char *by,
    int64_t now)
{
	static const char get[] =
	    "SELECT moderation, doc FROM postings WHERE id = ?1";
	static const char publish[] =
	    "UPDATE postings SET moderation = 'published' WHERE id = ?1";
	static const char decide[] =
	    "UPDATE submissions SET decided = ?2, decided_by = ?3 "
	    "WHERE posting_id = ?1";
	struct posting *p = NULL;
	sqlite3_stmt *stmt;
	const char *mod;
	int rc;

	if (store_begin(st, __func__) == -1)
		return -1;
	if ((stmt = store_stmt(st, get)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		goto fail;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		mod = (const char *)sqlite3_column_text(stmt, 0);
		if (mod == NULL || strcmp(mod, MODERATION_PENDING) != 0)
			rc = 2;
		else if ((p = store_doc_decode(stmt, 1, __func__)) == NULL)
			rc = -1;
	}
	store_reset(stmt);
	if (rc != 1) {
		store_rollback(st);
		return rc == -1 ? -1 : rc == 0 ? 1 : 2;
	}
	/* Published now: a reader that saw nothing of it sees it as new. */
	p->pst_revision++;
	p->pst_modified = now;
	if (store_doc_update(st, p) != 0 ||
	    (stmt = store_stmt(st, publish)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1 ||
	    store_step_done(st, stmt, __func__) == -1 ||
	    (stmt = store_stmt(st, decide)) == NULL ||
	    store_bind(st, stmt, "sIs", id, now, by) == -1 ||
	    store_step_done(st, stmt, __func__) == -1 ||
	    store_bump_generation(st) == -1)
		goto fail;
	posting_free(p);
	if (store_commit(st, __func__) == -1)
		return -1;
	st->st_generation++;
	return 0;
 fail:
	posting_free(p);
	store_rollback(st);
	return -1;
}

int
store_admin_postings(struct store *st, const struct admin_posting_query *q,
    struct admin_posting **out, size_t *n)
{
	/* NULL parameters match anything; the cursor as the feeds page. */
	static const char sql[] =
	    "SELECT p.doc, p.moderation, s.organization, p.seq FROM postings p "
	    "LEFT JOIN submissions s ON s.posting_id = p.id "
	    "WHERE (?2 IS NULL OR p.moderation = ?2) "
	    "AND (?3 IS NULL OR s.organization = ?3) "
	    "AND (?5 = 0 OR (p.date_modified, p.seq) < (?4, ?5)) "
	    "ORDER BY p.date_modified DESC, p.seq DESC LIMIT ?1";
	struct admin_posting *list = NULL;
	sqlite3_stmt *stmt;
	size_t len = 0, cap = 0;
	int64_t limit;
	int rc;

	*out = NULL;
	*n = 0;
	limit = q->apq_limit == 0 || q->apq_limit > INT64_MAX ? -1 :
	    (int64_t)q->apq_limit;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "IssII", limit, q->apq_moderation,
	    q->apq_organization, q->apq_after_modified,
	    q->apq_after_seq) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		struct posting *p;

		if ((p = store_doc_decode(stmt, 0, __func__)) == NULL) {
			rc = -1;
			break;
		}
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		p->pst_seq = sqlite3_column_int64(stmt, 3);
		list[len].ap_posting = p;
		list[len].ap_moderation = store_column_str(stmt, 1);
		list[len].ap_organization = store_column_str(stmt, 2);
		len++;
	}
	store_reset(stmt);
	if (rc == -1) {
		store_admin_postings_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

void
store_admin_postings_free(struct admin_posting *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		posting_free(list[i].ap_posting);
		free(list[i].ap_moderation);
		free(list[i].ap_organization);
	}
	free(list);
}
