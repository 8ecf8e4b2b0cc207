/*
 * purge.c — retention of personal data: the contact (name, phone, e-mail)
 * of postings whose event is long over, and every copy of it the store
 * keeps: the records of the sources that feed the posting, coordinators'
 * edits of the contact, the audit trail's record of them, and the webhook
 * events and payloads of those postings.
 *
 * The purge is no news for subscribers: revision and date_modified stay,
 * so no webhook event is made (a WebSub subscriber of a feed gets the feed
 * again, as for any change of its bytes); feeds and the feed cache
 * see the change through the posting_changes trigger and the generation.
 * Deleted bytes are overwritten (PRAGMA secure_delete) and the write-ahead
 * log is truncated afterwards, so the data does not linger in free pages.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

/* store.c's busy timeout, restored after a checkpoint that must not wait. */
#define PURGE_BUSY_TIMEOUT	5000

/*
 * Tables of later migrations (the outbox, the audit trail), and columns a
 * deployment may not have yet: asked, not assumed, so the purge works on
 * every schema version.
 */
static int
has_column(struct store *st, const char *table, const char *column)
{
	static const char sql[] =
	    "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2";
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "ss", table, column) == -1)
		return -1;
	rc = store_step(st, stmt, __func__);
	store_reset(stmt);
	return rc;
}

/*
 * The postings due: the end of the event, else its start, else the
 * posting's last change, before `before` (written so that the indexes on
 * span_end and date_modified narrow it down before any JSON is read) —
 * with a contact in the posting, or in a record of a source that feeds it
 * (entries.doc, when the schema keeps records).
 */
static int
due_ids(struct store *st, int64_t before, size_t max, int records,
    char ***ids, size_t *n)
{
	static const char posting_only[] =
	    "SELECT id FROM postings "
	    "WHERE (span_end < ?1 OR (span_end IS NULL AND "
	    "date_modified < ?1)) "
	    "AND json_type(doc, '$.contact') IS NOT NULL "
	    "ORDER BY id LIMIT ?2";
	static const char with_records[] =
	    "SELECT id FROM postings "
	    "WHERE (span_end < ?1 OR (span_end IS NULL AND "
	    "date_modified < ?1)) "
	    "AND (json_type(doc, '$.contact') IS NOT NULL OR EXISTS ("
	    "SELECT 1 FROM entries e WHERE e.posting_id = postings.id "
	    "AND json_valid(e.doc) "
	    "AND json_type(e.doc, '$.contact') IS NOT NULL)) "
	    "ORDER BY id LIMIT ?2";
	sqlite3_stmt *stmt;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, records ? with_records :
	    posting_only)) == NULL ||
	    store_bind(st, stmt, "II", before, (int64_t)max) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
		(*ids)[(*n)++] = store_column_str(stmt, 0);
	}
	store_reset(stmt);
	return rc;
}

static int
run_on(struct store *st, const char *sql, const char *id, const char *func)
{
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		return -1;
	return store_step_done(st, stmt, func);
}

static int
purge_one(struct store *st, const char *id, int records, int audit,
    int events)
{
	static const char doc[] =
	    "UPDATE postings SET doc = json_remove(doc, '$.contact') "
	    "WHERE id = ?1";
	static const char edits[] =
	    "DELETE FROM posting_overrides WHERE posting_id = ?1 "
	    "AND field = 'contact'";
	/* The trail keeps that the contact was edited, not what it was. */
	static const char trail[] =
	    "UPDATE audit SET changes = json_set(changes, '$.contact', "
	    "'purged') WHERE posting_id = ?1 AND json_valid(changes) "
	    "AND json_type(changes, '$.contact') IS NOT NULL";
	static const char outbox[] =
	    "UPDATE posting_events SET "
	    "doc = CASE WHEN json_valid(doc) "
	    "THEN json_remove(doc, '$.contact') ELSE doc END, "
	    "old_doc = CASE WHEN json_valid(old_doc) "
	    "THEN json_remove(old_doc, '$.contact') ELSE old_doc END, "
	    "payload = CASE WHEN json_valid(payload) "
	    "THEN json_remove(payload, '$.data._tsunagu.contact') "
	    "ELSE payload END "
	    "WHERE posting_id = ?1";
	/* A merge rebuilds the posting from these: they must not bring the
	 * contact back. */
	static const char entries[] =
	    "UPDATE entries SET doc = json_remove(doc, '$.contact') "
	    "WHERE posting_id = ?1 AND json_valid(doc) "
	    "AND json_type(doc, '$.contact') IS NOT NULL";

	if (run_on(st, edits, id, __func__) == -1 ||
	    run_on(st, doc, id, __func__) == -1)
		return -1;
	if (records && run_on(st, entries, id, __func__) == -1)
		return -1;
	if (audit && run_on(st, trail, id, __func__) == -1)
		return -1;
	if (events && run_on(st, outbox, id, __func__) == -1)
		return -1;
	return 0;
}

/* The old pages of the write-ahead log go, if no reader holds them. */
static void
truncate_wal(struct store *st)
{
	int rc;

	sqlite3_busy_timeout(st->st_db, 0);
	rc = sqlite3_wal_checkpoint_v2(st->st_db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_timeout(st->st_db, PURGE_BUSY_TIMEOUT);
	if (rc != SQLITE_OK)
		log_debug("%s: %s: the write-ahead log stays until the next "
		    "checkpoint (%s)", __func__, st->st_path,
		    sqlite3_errstr(rc));
}

int
store_contacts_purge(struct store *st, int64_t before, size_t max,
    size_t *n)
{
	char **ids = NULL;
	size_t nids = 0, i;
	int records, audit, events, rc = -1;

	if (n != NULL)
		*n = 0;
	if (max == 0)
		max = 1;
	if ((records = has_column(st, "entries", "doc")) == -1)
		return -1;
	/* Mostly nothing is due: a read, no write transaction. */
	if (due_ids(st, before, max, records, &ids, &nids) == -1)
		return -1;
	if (nids == 0)
		return 0;
	if ((audit = has_column(st, "audit", "changes")) == -1 ||
	    (events = has_column(st, "posting_events", "payload")) == -1)
		goto done;
	if (sqlite3_exec(st->st_db, "PRAGMA secure_delete = ON", NULL, NULL,
	    NULL) != SQLITE_OK)
		store_log_error(st, __func__, "secure_delete");
	/* One connection, one thread: what was due is due still. */
	if (store_begin(st, __func__) == -1)
		goto done;
	for (i = 0; i < nids; i++)
		if (purge_one(st, ids[i], records, audit, events) == -1)
			goto fail;
	if (store_bump_generation(st) == -1)
		goto fail;
	if (store_commit(st, __func__) == -1)
		goto done;
	st->st_generation++;
	truncate_wal(st);
	if (n != NULL)
		*n = nids;
	rc = nids == max ? 1 : 0;
	goto done;
 fail:
	store_rollback(st);
 done:
	store_ids_free(ids, nids);
	return rc;
}
