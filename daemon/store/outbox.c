/*
 * outbox.c — the webhook outbox: events written by the triggers of
 * schemas/005_outbox.sql, their fan-out into deliveries, pings, retention,
 * and the hook that tells the daemon a statement added an event.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "posting.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

#define EVENT_COLUMNS \
	"seq, type, posting_id, revision, doc, old_doc, created_ms"

static void
event_read(sqlite3_stmt *stmt, struct outbox_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->oe_seq = sqlite3_column_int64(stmt, 0);
	ev->oe_type = store_column_str(stmt, 1);
	ev->oe_posting_id = store_column_str(stmt, 2);
	ev->oe_revision = sqlite3_column_int64(stmt, 3);
	ev->oe_doc = store_column_str(stmt, 4);
	ev->oe_old_doc = store_column_str(stmt, 5);
	ev->oe_created_ms = sqlite3_column_int64(stmt, 6);
}

void
outbox_event_free(struct outbox_event *ev)
{
	if (ev == NULL)
		return;
	free(ev->oe_type);
	free(ev->oe_posting_id);
	free(ev->oe_doc);
	free(ev->oe_old_doc);
	memset(ev, 0, sizeof(*ev));
}

void
store_outbox_events_free(struct outbox_event *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		outbox_event_free(&list[i]);
	free(list);
}

/* Steps a bound statement, reading every row as an event. */
static int
events_read(struct store *st, sqlite3_stmt *stmt, size_t max,
    struct outbox_event **out, size_t *n, const char *func)
{
	struct outbox_event *list = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while (len < max && (rc = store_step(st, stmt, func)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		event_read(stmt, &list[len++]);
	}
	store_reset(stmt);
	if (len < max && rc == -1) {
		store_outbox_events_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

int
store_outbox_pending(struct store *st, size_t max, struct outbox_event **out,
    size_t *n)
{
	static const char sql[] =
	    "SELECT " EVENT_COLUMNS " FROM posting_events "
	    "WHERE dispatched = 0 ORDER BY seq LIMIT ?1";
	sqlite3_stmt *stmt;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "I", (int64_t)max) == -1)
		return -1;
	return events_read(st, stmt, max, out, n, __func__);
}

int
store_outbox_since(struct store *st, int64_t since_ms, int64_t after_seq,
    size_t max, struct outbox_event **out, size_t *n)
{
	static const char sql[] =
	    "SELECT " EVENT_COLUMNS " FROM posting_events "
	    "WHERE dispatched = 1 AND type <> 'ping' AND created_ms >= ?1 "
	    "AND seq > ?2 ORDER BY seq LIMIT ?3";
	sqlite3_stmt *stmt;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "III", since_ms, after_seq,
	    (int64_t)max) == -1)
		return -1;
	return events_read(st, stmt, max, out, n, __func__);
}

/* --- webhook ids ------------------------------------------------------ */

static int
outbox_salt(struct store *st, char salt[64])
{
	static const char sql[] = "SELECT salt FROM outbox_state";
	sqlite3_stmt *stmt;
	const char *s;
	int rc;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		s = (const char *)sqlite3_column_text(stmt, 0);
		snprintf(salt, 64, "%s", s ? s : "");
	}
	store_reset(stmt);
	if (rc == 0)
		log_warnx("%s: outbox_state is empty", __func__);
	return rc == 1 ? 0 : -1;
}

static void
webhook_id(const char *salt, int64_t seq, const char *subscriber,
    char out[WEBHOOK_ID_SIZE])
{
	char hex[65], *text;

	xasprintf(&text, "%s:%lld:%s", salt, (long long)seq, subscriber);
	posting_sha256_hex(text, strlen(text), hex);
	free(text);
	snprintf(out, WEBHOOK_ID_SIZE, "msg_%.32s", hex);
}

int
store_webhook_id(struct store *st, int64_t seq, const char *subscriber,
    char out[WEBHOOK_ID_SIZE])
{
	char salt[64];

	if (outbox_salt(st, salt) == -1)
		return -1;
	webhook_id(salt, seq, subscriber, out);
	return 0;
}

/* --- fan-out ------------------------------------------------------------ */

/*
 * salt: the database's (outbox_salt()), read once by the caller.  *id
 * (may be NULL): the new delivery's, 0 when it existed already; wid (may
 * be NULL) its webhook-id.
 */
static int
insert_delivery(struct store *st, const char *salt, int64_t seq,
    const char *subscriber, int64_t now_ms, int64_t *id_out, char *wid)
{
	static const char sql[] =
	    "INSERT INTO deliveries (webhook_id, event_seq, subscriber, "
	    "created, next_attempt) VALUES (?1, ?2, ?3, ?4, ?4) "
	    "ON CONFLICT (event_seq, subscriber) DO NOTHING";
	char buf[WEBHOOK_ID_SIZE], *id = wid != NULL ? wid : buf;
	sqlite3_stmt *stmt;

	webhook_id(salt, seq, subscriber, id);
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sIsI", id, seq, subscriber, now_ms) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	if (id_out != NULL)
		*id_out = sqlite3_changes(st->st_db) == 1 ?
		    sqlite3_last_insert_rowid(st->st_db) : 0;
	return 0;
}

int
store_outbox_dispatch(struct store *st, const struct outbox_fanout *fo,
    size_t n, int64_t now_ms)
{
	static const char done[] =
	    "UPDATE posting_events SET dispatched = 1, payload = ?2 "
	    "WHERE seq = ?1";
	sqlite3_stmt *stmt;
	char salt[64];
	size_t i, j;

	if (store_begin(st, __func__) == -1)
		return -1;
	if (outbox_salt(st, salt) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		for (j = 0; j < fo[i].of_nsubscribers; j++)
			if (insert_delivery(st, salt, fo[i].of_seq,
			    fo[i].of_subscribers[j], now_ms, fo[i].of_ids ?
			    &fo[i].of_ids[j] : NULL, fo[i].of_webhook_ids ?
			    fo[i].of_webhook_ids + j * WEBHOOK_ID_SIZE :
			    NULL) == -1)
				goto fail;
		if ((stmt = store_stmt(st, done)) == NULL ||
		    store_bind(st, stmt, "Is", fo[i].of_seq,
		    fo[i].of_payload) == -1 ||
		    store_step_done(st, stmt, __func__) == -1)
			goto fail;
	}
	return store_commit(st, __func__);
 fail:
	store_rollback(st);
	return -1;
}

int
store_outbox_ping(struct store *st, const char *subscriber,
    const char *payload, int64_t now_ms, int64_t *delivery_id)
{
	static const char exists[] =
	    "SELECT 1 FROM subscribers WHERE name = ?1";
	static const char event[] =
	    "INSERT INTO posting_events (type, created_ms, dispatched, "
	    "payload) VALUES ('ping', ?1, 1, ?2)";
	sqlite3_stmt *stmt;
	char salt[64];
	int64_t seq;
	int rc;

	if (store_begin(st, __func__) == -1)
		return -1;
	if ((stmt = store_stmt(st, exists)) == NULL ||
	    store_bind(st, stmt, "s", subscriber) == -1 ||
	    (rc = store_step(st, stmt, __func__)) == -1)
		goto fail;
	store_reset(stmt);
	if (rc == 0) {
		store_rollback(st);
		return 1;
	}
	if ((stmt = store_stmt(st, event)) == NULL ||
	    store_bind(st, stmt, "Is", now_ms, payload) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		goto fail;
	seq = sqlite3_last_insert_rowid(st->st_db);
	if (outbox_salt(st, salt) == -1 ||
	    insert_delivery(st, salt, seq, subscriber, now_ms,
	    delivery_id, NULL) == -1)
		goto fail;
	return store_commit(st, __func__);
 fail:
	store_rollback(st);
	return -1;
}

int
store_outbox_payload(struct store *st, int64_t seq, char **out)
{
	static const char sql[] =
	    "SELECT payload FROM posting_events WHERE seq = ?1";
	sqlite3_stmt *stmt;
	int rc;

	*out = NULL;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "I", seq) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		*out = store_column_str(stmt, 0);
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return *out != NULL ? 0 : 1;
}

int
store_outbox_purge(struct store *st, int64_t before_ms, int64_t *n)
{
	static const char sql[] =
	    "DELETE FROM posting_events WHERE dispatched = 1 AND "
	    "created_ms < ?1 AND NOT EXISTS (SELECT 1 FROM deliveries d "
	    "WHERE d.event_seq = posting_events.seq AND "
	    "d.status = 'pending')";
	sqlite3_stmt *stmt;

	if (n != NULL)
		*n = 0;
	if (store_begin(st, __func__) == -1)
		return -1;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "I", before_ms) == -1 ||
	    store_step_done(st, stmt, __func__) == -1) {
		store_rollback(st);
		return -1;
	}
	if (n != NULL)
		*n = sqlite3_changes(st->st_db);
	return store_commit(st, __func__);
}

int
store_outbox_counts(struct store *st, int64_t *pending, int64_t *undispatched)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM deliveries "
	    "WHERE status = 'pending'), (SELECT count(*) FROM posting_events "
	    "WHERE dispatched = 0)";
	sqlite3_stmt *stmt;
	int rc;

	*pending = *undispatched = 0;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		*pending = sqlite3_column_int64(stmt, 0);
		*undispatched = sqlite3_column_int64(stmt, 1);
	}
	store_reset(stmt);
	return rc == 1 ? 0 : -1;
}

/* --- the change hook ---------------------------------------------------- */

struct change_hook {
	void	(*ch_cb)(void *, int);
	void	 *ch_arg;
};

static void
update_hook(void *arg, int op, const char *db, const char *table,
    sqlite3_int64 rowid)
{
	struct change_hook *ch = arg;

	(void)db;
	(void)rowid;
	if (op == SQLITE_INSERT && strcmp(table, "posting_events") == 0)
		ch->ch_cb(ch->ch_arg, STORE_HOOK_OUTBOX);
	else if (op == SQLITE_INSERT && strcmp(table, "posting_changes") == 0)
		ch->ch_cb(ch->ch_arg, STORE_HOOK_POSTINGS);
}

int
store_set_change_hook(struct store *st, void (*cb)(void *, int), void *arg)
{
	struct change_hook *ch = NULL, *old;

	if (cb != NULL) {
		ch = xcalloc(1, sizeof(*ch));
		ch->ch_cb = cb;
		ch->ch_arg = arg;
	}
	old = sqlite3_update_hook(st->st_db, cb ? update_hook : NULL, ch);
	free(old);
	return 0;
}
