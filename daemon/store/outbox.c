/*
 * outbox.c — the webhook outbox: events written by the triggers of
 * schemas/005_outbox.sql, their fan-out into deliveries, pings, retention,
 * and the hook that tells the daemon a statement added an event.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "log.h"
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

/*
 * The webhook-id of (event, subscriber): "msg_" and the first 128 bits of
 * SHA-256("salt:seq:subscriber") in hex.  One per delivery made, so the
 * digest is fetched and its context made once per transaction, not once
 * per id (EVP_Digest() looks SHA-256 up by name every time).
 */
struct wid_hasher {
	EVP_MD		*wh_md;
	EVP_MD_CTX	*wh_ctx;
	char		 wh_salt[64];
};

static void
wid_hasher_clear(struct wid_hasher *wh)
{
	EVP_MD_CTX_free(wh->wh_ctx);
	EVP_MD_free(wh->wh_md);
	memset(wh, 0, sizeof(*wh));
}

/* With the database's salt, read once by the caller's transaction. */
static int
wid_hasher_init(struct store *st, struct wid_hasher *wh)
{
	static const char sql[] = "SELECT salt FROM outbox_state";
	sqlite3_stmt *stmt;
	const char *s;
	int rc;

	memset(wh, 0, sizeof(*wh));
	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		s = (const char *)sqlite3_column_text(stmt, 0);
		snprintf(wh->wh_salt, sizeof(wh->wh_salt), "%s", s ? s : "");
	}
	store_reset(stmt);
	if (rc == 0)
		log_warnx("%s: outbox_state is empty", __func__);
	if (rc != 1)
		return -1;
	if ((wh->wh_md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (wh->wh_ctx = EVP_MD_CTX_new()) == NULL) {
		log_warnx("%s: SHA-256 is not available", __func__);
		wid_hasher_clear(wh);
		return -1;
	}
	return 0;
}

static int
webhook_id(struct wid_hasher *wh, int64_t seq, const char *subscriber,
    char out[WEBHOOK_ID_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	char head[96];
	unsigned int mdlen = 0;
	int len, i;

	len = snprintf(head, sizeof(head), "%s:%lld:", wh->wh_salt,
	    (long long)seq);
	if (len < 0 || (size_t)len >= sizeof(head) ||
	    EVP_DigestInit_ex2(wh->wh_ctx, wh->wh_md, NULL) != 1 ||
	    EVP_DigestUpdate(wh->wh_ctx, head, (size_t)len) != 1 ||
	    EVP_DigestUpdate(wh->wh_ctx, subscriber, strlen(subscriber)) != 1 ||
	    EVP_DigestFinal_ex(wh->wh_ctx, md, &mdlen) != 1 || mdlen < 16) {
		log_warnx("%s: SHA-256 failed", __func__);
		return -1;
	}
	memcpy(out, "msg_", 4);
	for (i = 0; i < 16; i++) {
		out[4 + 2 * i] = hex[md[i] >> 4];
		out[5 + 2 * i] = hex[md[i] & 0xf];
	}
	out[WEBHOOK_ID_SIZE - 1] = '\0';
	return 0;
}

int
store_webhook_id(struct store *st, int64_t seq, const char *subscriber,
    char out[WEBHOOK_ID_SIZE])
{
	struct wid_hasher wh;
	int rc;

	if (wid_hasher_init(st, &wh) == -1)
		return -1;
	rc = webhook_id(&wh, seq, subscriber, out);
	wid_hasher_clear(&wh);
	return rc;
}

/* --- fan-out ------------------------------------------------------------ */

/*
 * wh: the caller's (wid_hasher_init()).  *id (may be NULL): the new
 * delivery's, 0 when it existed already; wid (may be NULL) its webhook-id.
 */
static int
insert_delivery(struct store *st, struct wid_hasher *wh, int64_t seq,
    const char *subscriber, int64_t now_ms, int64_t *id_out, char *wid)
{
	static const char sql[] =
	    "INSERT INTO deliveries (webhook_id, event_seq, subscriber, "
	    "created, next_attempt) VALUES (?1, ?2, ?3, ?4, ?4) "
	    "ON CONFLICT (event_seq, subscriber) DO NOTHING";
	char buf[WEBHOOK_ID_SIZE], *id = wid != NULL ? wid : buf;
	sqlite3_stmt *stmt;

	if (webhook_id(wh, seq, subscriber, id) == -1 ||
	    (stmt = store_stmt(st, sql)) == NULL ||
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
	struct wid_hasher wh;
	sqlite3_stmt *stmt;
	size_t i, j;

	if (store_begin(st, __func__) == -1)
		return -1;
	if (wid_hasher_init(st, &wh) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		for (j = 0; j < fo[i].of_nsubscribers; j++)
			if (insert_delivery(st, &wh, fo[i].of_seq,
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
	wid_hasher_clear(&wh);
	return store_commit(st, __func__);
 fail:
	wid_hasher_clear(&wh);
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
	struct wid_hasher wh = { 0 };
	sqlite3_stmt *stmt;
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
	if (wid_hasher_init(st, &wh) == -1 ||
	    insert_delivery(st, &wh, seq, subscriber, now_ms,
	    delivery_id, NULL) == -1)
		goto fail;
	wid_hasher_clear(&wh);
	return store_commit(st, __func__);
 fail:
	wid_hasher_clear(&wh);
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
	else if (strcmp(table, "subscribers") == 0)
		ch->ch_cb(ch->ch_arg, STORE_HOOK_SUBSCRIBERS);
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
