/*
 * closing.c — postings whose event has ended are closed, not deleted
 * (issue 4).  The daemon's sweep (daemon/sweep.c) calls this on a timer;
 * the fetch path closes what it publishes by the same rule
 * (feeds/lifecycle.h), so a posting is never opened and closed again.
 */
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"
#include "store_private.h"

int
store_close_ended(struct store *st, int64_t now, int64_t *n)
{
	/* The span columns of 002_search.sql; an event without an end is
	 * open until the end of its first day in Japan (lifecycle.h). */
	static const char sql[] =
	    "UPDATE postings SET status = 'closed', revision = revision + 1, "
	    "date_modified = ?1, doc = json_set(doc, '$.status', 'closed', "
	    "'$.revision', revision + 1, '$.date_modified', ?1) "
	    "WHERE status = 'open' AND moderation = 'published' "
	    "AND span_end IS NOT NULL AND span_end < 253402300799 "
	    "AND max(span_end, ((span_start + 32400) / 86400 + 1) * 86400 "
	    "- 32400 - 1) < ?1";
	sqlite3_stmt *stmt;
	int changed;

	if (n != NULL)
		*n = 0;
	if (store_begin(st, __func__) == -1)
		return -1;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "I", now) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		goto fail;
	changed = sqlite3_changes(st->st_db);
	if (changed > 0 && store_bump_generation(st) == -1)
		goto fail;
	if (store_commit(st, __func__) == -1)
		return -1;
	if (changed > 0)
		st->st_generation++;
	if (n != NULL)
		*n = changed;
	return 0;
 fail:
	store_rollback(st);
	return -1;
}
