/*
 * hub.c — the WebSub hub's subscriptions and what each topic last looked
 * like (schemas/005_outbox.sql).  Times are unix seconds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

#define HUB_COLUMNS							\
	"callback, topic, callback_host, secret, algorithm, lease_seconds, " \
	"created, expires, pending, attempts, next_attempt, delivered_etag, " \
	"last_error"

static void
sub_read(sqlite3_stmt *stmt, struct hub_subscription *hs)
{
	memset(hs, 0, sizeof(*hs));
	hs->hs_callback = store_column_str(stmt, 0);
	hs->hs_topic = store_column_str(stmt, 1);
	hs->hs_callback_host = store_column_str(stmt, 2);
	hs->hs_secret = store_column_str(stmt, 3);
	hs->hs_algorithm = store_column_str(stmt, 4);
	hs->hs_lease_seconds = sqlite3_column_int64(stmt, 5);
	hs->hs_created = sqlite3_column_int64(stmt, 6);
	hs->hs_expires = sqlite3_column_int64(stmt, 7);
	hs->hs_pending = sqlite3_column_int(stmt, 8);
	hs->hs_attempts = sqlite3_column_int(stmt, 9);
	hs->hs_next_attempt = sqlite3_column_int64(stmt, 10);
	hs->hs_delivered_etag = store_column_str(stmt, 11);
	hs->hs_last_error = store_column_str(stmt, 12);
}

void
hub_subscription_free(struct hub_subscription *hs)
{
	if (hs == NULL)
		return;
	free(hs->hs_callback);
	free(hs->hs_topic);
	free(hs->hs_callback_host);
	if (hs->hs_secret != NULL) {
		memset(hs->hs_secret, 0, strlen(hs->hs_secret));
		free(hs->hs_secret);
	}
	free(hs->hs_algorithm);
	free(hs->hs_delivered_etag);
	free(hs->hs_last_error);
	memset(hs, 0, sizeof(*hs));
}

void
store_hub_subscriptions_free(struct hub_subscription *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		hub_subscription_free(&list[i]);
	free(list);
}

static int
subs_read(struct store *st, sqlite3_stmt *stmt, struct hub_subscription **out,
    size_t *n, const char *func)
{
	struct hub_subscription *list = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = store_step(st, stmt, func)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		sub_read(stmt, &list[len++]);
	}
	store_reset(stmt);
	if (rc == -1) {
		store_hub_subscriptions_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

int
store_hub_subscribe(struct store *st, const struct hub_subscription *hs)
{
	static const char sql[] =
	    "INSERT INTO hub_subscriptions (callback, topic, callback_host, "
	    "secret, algorithm, lease_seconds, created, expires) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	    "ON CONFLICT (callback, topic) DO UPDATE SET "
	    "secret = excluded.secret, algorithm = excluded.algorithm, "
	    "lease_seconds = excluded.lease_seconds, "
	    "expires = excluded.expires";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sssssIII", hs->hs_callback, hs->hs_topic,
	    hs->hs_callback_host, hs->hs_secret, hs->hs_algorithm ?
	    hs->hs_algorithm : "sha256", hs->hs_lease_seconds,
	    hs->hs_created, hs->hs_expires) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

int
store_hub_unsubscribe(struct store *st, const char *callback,
    const char *topic)
{
	static const char sql[] =
	    "DELETE FROM hub_subscriptions WHERE callback = ?1 AND topic = ?2";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "ss", callback, topic) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	return sqlite3_changes(st->st_db) == 0 ? 1 : 0;
}

int
store_hub_exists(struct store *st, const char *callback, const char *topic,
    int64_t now)
{
	static const char sql[] =
	    "SELECT 1 FROM hub_subscriptions WHERE callback = ?1 AND "
	    "topic = ?2 AND expires > ?3";
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "ssI", callback, topic, now) == -1)
		return -1;
	rc = store_step(st, stmt, __func__);
	store_reset(stmt);
	return rc;
}

int
store_hub_counts(struct store *st, const char *host, int64_t now,
    int64_t *total, int64_t *per_host)
{
	static const char sql[] =
	    "SELECT count(*), coalesce(sum(callback_host = ?1), 0) "
	    "FROM hub_subscriptions WHERE expires > ?2";
	sqlite3_stmt *stmt;
	int rc;

	*total = *per_host = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sI", host, now) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		*total = sqlite3_column_int64(stmt, 0);
		*per_host = sqlite3_column_int64(stmt, 1);
	}
	store_reset(stmt);
	return rc == 1 ? 0 : -1;
}

int
store_hub_topics(struct store *st, int64_t now, char ***topics, size_t *n)
{
	static const char sql[] =
	    "SELECT DISTINCT topic FROM hub_subscriptions WHERE expires > ?1 "
	    "ORDER BY topic";
	sqlite3_stmt *stmt;
	char **list = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*topics = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "I", now) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		list[len++] = store_column_str(stmt, 0);
	}
	store_reset(stmt);
	if (rc == -1) {
		store_ids_free(list, len);
		return -1;
	}
	*topics = list;
	*n = len;
	return 0;
}

int
store_hub_topic_etag(struct store *st, const char *topic, char **etag)
{
	static const char sql[] = "SELECT etag FROM hub_topics WHERE topic = ?1";
	sqlite3_stmt *stmt;
	int rc;

	*etag = NULL;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", topic) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		*etag = store_column_str(stmt, 0);
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

int
store_hub_topic_changed(struct store *st, const char *topic, const char *etag,
    int64_t now, int baseline)
{
	static const char keep[] =
	    "INSERT INTO hub_topics (topic, etag) VALUES (?1, ?2) "
	    "ON CONFLICT (topic) DO UPDATE SET etag = excluded.etag";
	static const char due[] =
	    "UPDATE hub_subscriptions SET pending = 1, attempts = 0, "
	    "next_attempt = ?2, last_error = NULL "
	    "WHERE topic = ?1 AND expires > ?2";
	sqlite3_stmt *stmt;

	if (store_begin(st, __func__) == -1)
		return -1;
	if ((stmt = store_stmt(st, keep)) == NULL ||
	    store_bind(st, stmt, "ss", topic, etag) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		goto fail;
	if (!baseline && ((stmt = store_stmt(st, due)) == NULL ||
	    store_bind(st, stmt, "sI", topic, now) == -1 ||
	    store_step_done(st, stmt, __func__) == -1))
		goto fail;
	return store_commit(st, __func__);
 fail:
	store_rollback(st);
	return -1;
}

int
store_hub_due(struct store *st, int64_t now, size_t max,
    struct hub_subscription **out, size_t *n)
{
	static const char sql[] =
	    "SELECT " HUB_COLUMNS " FROM hub_subscriptions "
	    "WHERE pending = 1 AND next_attempt <= ?1 AND expires > ?1 "
	    "ORDER BY next_attempt, topic, callback LIMIT ?2";
	sqlite3_stmt *stmt;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "II", now, (int64_t)max) == -1)
		return -1;
	return subs_read(st, stmt, out, n, __func__);
}

int
store_hub_delivered(struct store *st, const char *callback, const char *topic,
    const char *etag)
{
	static const char sql[] =
	    "UPDATE hub_subscriptions SET pending = 0, attempts = 0, "
	    "delivered_etag = ?3, last_error = NULL "
	    "WHERE callback = ?1 AND topic = ?2";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sss", callback, topic, etag) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

int
store_hub_failed(struct store *st, const char *callback, const char *topic,
    int attempts, int64_t next_attempt, const char *error, int give_up)
{
	static const char sql[] =
	    "UPDATE hub_subscriptions SET pending = ?6, attempts = ?3, "
	    "next_attempt = ?4, last_error = ?5 "
	    "WHERE callback = ?1 AND topic = ?2";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "ssiIsi", callback, topic, attempts,
	    next_attempt, error, give_up ? 0 : 1) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

int
store_hub_expire(struct store *st, int64_t now, int64_t *n)
{
	static const char sql[] =
	    "DELETE FROM hub_subscriptions WHERE expires <= ?1";
	static const char orphans[] =
	    "DELETE FROM hub_topics WHERE topic NOT IN "
	    "(SELECT topic FROM hub_subscriptions)";
	sqlite3_stmt *stmt;

	if (n != NULL)
		*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "I", now) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	if (n != NULL)
		*n = sqlite3_changes(st->st_db);
	if ((stmt = store_stmt(st, orphans)) == NULL)
		return -1;
	return store_step_done(st, stmt, __func__);
}

int
store_hub_next(struct store *st, int64_t *next_attempt, int64_t *next_expiry)
{
	static const char sql[] =
	    "SELECT coalesce((SELECT min(next_attempt) FROM hub_subscriptions "
	    "WHERE pending = 1), 0), coalesce((SELECT min(expires) FROM "
	    "hub_subscriptions), 0)";
	sqlite3_stmt *stmt;
	int rc;

	*next_attempt = *next_expiry = 0;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		*next_attempt = sqlite3_column_int64(stmt, 0);
		*next_expiry = sqlite3_column_int64(stmt, 1);
	}
	store_reset(stmt);
	return rc == 1 ? 0 : -1;
}

int
store_hub_list(struct store *st, struct hub_subscription **out, size_t *n)
{
	static const char sql[] =
	    "SELECT " HUB_COLUMNS " FROM hub_subscriptions "
	    "ORDER BY topic, callback";
	sqlite3_stmt *stmt;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	return subs_read(st, stmt, out, n, __func__);
}
