/*
 * websub.c — this instance as a WebSub subscriber: one row per source
 * whose hub it subscribed to (schemas/005_outbox.sql, websub_in).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

#define WEBSUB_COLUMNS							\
	"source, hub, topic, secret, state, lease_expires, requested, "	\
	"last_push, pushes, error"

static void
row_read(sqlite3_stmt *stmt, struct websub_sub *ws)
{
	memset(ws, 0, sizeof(*ws));
	ws->ws_source = store_column_str(stmt, 0);
	ws->ws_hub = store_column_str(stmt, 1);
	ws->ws_topic = store_column_str(stmt, 2);
	ws->ws_secret = store_column_str(stmt, 3);
	ws->ws_state = store_column_str(stmt, 4);
	ws->ws_lease_expires = sqlite3_column_int64(stmt, 5);
	ws->ws_requested = sqlite3_column_int64(stmt, 6);
	ws->ws_last_push = sqlite3_column_int64(stmt, 7);
	ws->ws_pushes = sqlite3_column_int64(stmt, 8);
	ws->ws_error = store_column_str(stmt, 9);
}

void
websub_sub_free(struct websub_sub *ws)
{
	if (ws == NULL)
		return;
	free(ws->ws_source);
	free(ws->ws_hub);
	free(ws->ws_topic);
	if (ws->ws_secret != NULL) {
		memset(ws->ws_secret, 0, strlen(ws->ws_secret));
		free(ws->ws_secret);
	}
	free(ws->ws_state);
	free(ws->ws_error);
	memset(ws, 0, sizeof(*ws));
}

void
store_websub_list_free(struct websub_sub *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		websub_sub_free(&list[i]);
	free(list);
}

int
store_websub_get(struct store *st, const char *source, struct websub_sub *out)
{
	static const char sql[] =
	    "SELECT " WEBSUB_COLUMNS " FROM websub_in WHERE source = ?1";
	sqlite3_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", source) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		row_read(stmt, out);
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

int
store_websub_put(struct store *st, const struct websub_sub *ws)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO websub_in (source, hub, topic, secret, "
	    "state, lease_expires, requested, last_push, pushes, error) "
	    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 "
	    "WHERE EXISTS (SELECT 1 FROM sources WHERE name = ?1)";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sssssIIIIs", ws->ws_source, ws->ws_hub,
	    ws->ws_topic, ws->ws_secret, ws->ws_state, ws->ws_lease_expires,
	    ws->ws_requested, ws->ws_last_push, ws->ws_pushes,
	    ws->ws_error) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	return sqlite3_changes(st->st_db) == 0 ? 1 : 0;
}

int
store_websub_list(struct store *st, struct websub_sub **out, size_t *n)
{
	static const char sql[] =
	    "SELECT " WEBSUB_COLUMNS " FROM websub_in ORDER BY source";
	struct websub_sub *list = NULL;
	sqlite3_stmt *stmt;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		row_read(stmt, &list[len++]);
	}
	store_reset(stmt);
	if (rc == -1) {
		store_websub_list_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

int
store_websub_pushed(struct store *st, const char *source, int64_t now)
{
	static const char sql[] =
	    "UPDATE websub_in SET last_push = ?2, pushes = pushes + 1 "
	    "WHERE source = ?1";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sI", source, now) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}
