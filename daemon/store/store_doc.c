/*
 * store_doc.c — encoding, decoding and rewriting a posting's stored
 * document outside the fetch path.
 */
#include <stdlib.h>

#include <jansson.h>
#include <sqlite3.h>

#include "log.h"
#include "posting_json.h"
#include "store_doc.h"
#include "store_private.h"

char *
store_doc_encode(const struct posting *p)
{
	json_t *j;
	char *doc;

	if ((j = posting_to_storage_json(p)) == NULL)
		return NULL;
	doc = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return doc;
}

struct posting *
store_doc_decode(sqlite3_stmt *stmt, int col, const char *func)
{
	struct posting *p;
	json_error_t jerr;
	const char *doc;
	char err[160];
	json_t *j;

	doc = (const char *)sqlite3_column_text(stmt, col);
	if (doc == NULL || (j = json_loads(doc, 0, &jerr)) == NULL) {
		log_warnx("%s: stored posting is not JSON: %s", func,
		    doc ? jerr.text : "null");
		return NULL;
	}
	p = posting_from_storage_json(j, err, sizeof(err));
	json_decref(j);
	if (p == NULL)
		log_warnx("%s: stored posting unreadable: %s", func, err);
	return p;
}

int
store_doc_update(struct store *st, const struct posting *p)
{
	static const char sql[] =
	    "UPDATE postings SET revision = ?2, status = ?3, kind = ?4, "
	    "date_published = ?5, date_modified = ?6, start = ?7, "
	    "\"end\" = ?8, area = ?9, doc = ?10 WHERE id = ?1";
	sqlite3_stmt *stmt;
	char *doc;
	int rc;

	if ((doc = store_doc_encode(p)) == NULL) {
		log_warnx("%s: %s: the posting cannot be stored as JSON",
		    __func__, p->pst_id);
		return -1;
	}
	rc = (stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sIssIIssss", p->pst_id, p->pst_revision,
	    posting_status_name(p->pst_status), p->pst_kind, p->pst_published,
	    p->pst_modified, p->pst_start, p->pst_end, p->pst_area,
	    doc) == -1 ||
	    store_step_done(st, stmt, __func__) == -1 ? -1 : 0;
	free(doc);
	if (rc == -1)
		return -1;
	return sqlite3_changes(st->st_db) == 0 ? 1 : 0;
}
