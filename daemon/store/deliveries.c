/*
 * deliveries.c — webhook deliveries: the subscribers they go to, what is
 * due, the record of every attempt, redelivery and recovery, and the
 * endpoint health that disables a subscriber.  Times are ms.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

/* --- targets ------------------------------------------------------------- */

#define TARGET_COLUMNS							\
	"name, webhook, filter, disabled, disabled_reason, disabled_at, "	\
	"secret, previous_secret, secret_rotated, failing_since"

static void
target_read(sqlite3_stmt *stmt, struct webhook_target *wt)
{
	memset(wt, 0, sizeof(*wt));
	wt->wt_name = store_column_str(stmt, 0);
	wt->wt_webhook = store_column_str(stmt, 1);
	wt->wt_filter = store_column_str(stmt, 2);
	wt->wt_disabled = sqlite3_column_int(stmt, 3);
	wt->wt_disabled_reason = store_column_str(stmt, 4);
	wt->wt_disabled_at = sqlite3_column_int64(stmt, 5);
	wt->wt_secret = store_column_str(stmt, 6);
	wt->wt_previous_secret = store_column_str(stmt, 7);
	wt->wt_secret_rotated = sqlite3_column_int64(stmt, 8);
	wt->wt_failing_since = sqlite3_column_int64(stmt, 9);
}

static void
cleanse_free(char *s)
{
	if (s != NULL) {
		/* Secrets do not linger in freed memory. */
		memset(s, 0, strlen(s));
		free(s);
	}
}

void
webhook_target_free(struct webhook_target *wt)
{
	if (wt == NULL)
		return;
	free(wt->wt_name);
	free(wt->wt_webhook);
	free(wt->wt_filter);
	free(wt->wt_disabled_reason);
	cleanse_free(wt->wt_secret);
	cleanse_free(wt->wt_previous_secret);
	memset(wt, 0, sizeof(*wt));
}

void
store_webhook_targets_free(struct webhook_target *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		webhook_target_free(&list[i]);
	free(list);
}

int
store_webhook_targets(struct store *st, struct webhook_target **out,
    size_t *n)
{
	static const char sql[] =
	    "SELECT " TARGET_COLUMNS " FROM subscribers ORDER BY name";
	struct webhook_target *list = NULL;
	sqlite3_stmt *stmt;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		target_read(stmt, &list[len++]);
	}
	store_reset(stmt);
	if (rc == -1) {
		store_webhook_targets_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

int
store_webhook_target(struct store *st, const char *name,
    struct webhook_target *out)
{
	static const char sql[] =
	    "SELECT " TARGET_COLUMNS " FROM subscribers WHERE name = ?1";
	sqlite3_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", name) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		target_read(stmt, out);
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

/* --- deliveries ------------------------------------------------------------ */

#define DELIVERY_COLUMNS						\
	"d.id, d.webhook_id, d.event_seq, d.subscriber, d.status, "	\
	"d.tries, d.attempts, d.created, d.next_attempt, d.last_attempt, " \
	"d.last_status, d.last_error, d.delivered, e.type, e.posting_id, " \
	"e.revision, d.generation"
#define DELIVERY_FROM \
	" FROM deliveries d JOIN posting_events e ON e.seq = d.event_seq "

static void
delivery_read(sqlite3_stmt *stmt, struct delivery *dl)
{
	memset(dl, 0, sizeof(*dl));
	dl->dl_id = sqlite3_column_int64(stmt, 0);
	dl->dl_webhook_id = store_column_str(stmt, 1);
	dl->dl_event_seq = sqlite3_column_int64(stmt, 2);
	dl->dl_subscriber = store_column_str(stmt, 3);
	dl->dl_status = store_column_str(stmt, 4);
	dl->dl_tries = sqlite3_column_int(stmt, 5);
	dl->dl_attempts = sqlite3_column_int(stmt, 6);
	dl->dl_created = sqlite3_column_int64(stmt, 7);
	dl->dl_next_attempt = sqlite3_column_int64(stmt, 8);
	dl->dl_last_attempt = sqlite3_column_int64(stmt, 9);
	dl->dl_last_status = (long)sqlite3_column_int64(stmt, 10);
	dl->dl_last_error = store_column_str(stmt, 11);
	dl->dl_delivered = sqlite3_column_int64(stmt, 12);
	dl->dl_type = store_column_str(stmt, 13);
	dl->dl_posting_id = store_column_str(stmt, 14);
	dl->dl_revision = sqlite3_column_int64(stmt, 15);
	dl->dl_generation = sqlite3_column_int(stmt, 16);
}

void
delivery_free(struct delivery *dl)
{
	if (dl == NULL)
		return;
	free(dl->dl_webhook_id);
	free(dl->dl_subscriber);
	free(dl->dl_status);
	free(dl->dl_last_error);
	free(dl->dl_type);
	free(dl->dl_posting_id);
	memset(dl, 0, sizeof(*dl));
}

void
store_deliveries_free(struct delivery *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		delivery_free(&list[i]);
	free(list);
}

static int
deliveries_read(struct store *st, sqlite3_stmt *stmt,
    struct delivery **out, size_t *n, const char *func)
{
	struct delivery *list = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = store_step(st, stmt, func)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		delivery_read(stmt, &list[len++]);
	}
	store_reset(stmt);
	if (rc == -1) {
		store_deliveries_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

int
store_deliveries_due(struct store *st, const char *subscriber, int64_t now_ms,
    size_t max, struct delivery **out, size_t *n)
{
	static const char sql[] =
	    "SELECT " DELIVERY_COLUMNS DELIVERY_FROM
	    "WHERE d.subscriber = ?1 AND d.status = 'pending' AND "
	    "d.next_attempt <= ?2 ORDER BY d.next_attempt, d.id LIMIT ?3";
	sqlite3_stmt *stmt;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sII", subscriber, now_ms,
	    (int64_t)max) == -1)
		return -1;
	return deliveries_read(st, stmt, out, n, __func__);
}

int
store_deliveries_due_all(struct store *st, int64_t now_ms, int per_subscriber,
    size_t max, struct delivery **out, size_t *n)
{
	/*
	 * The partial index deliveries_due yields the pending rows in the
	 * window's order (subscriber, next_attempt, id): no sort for it.
	 * Left to itself, the planner took deliveries_by_status and sorted
	 * every pending row twice — most of a fan-out's scan.
	 */
	static const char sql[] =
	    "SELECT " DELIVERY_COLUMNS " FROM (SELECT d.*, row_number() OVER "
	    "(PARTITION BY d.subscriber ORDER BY d.next_attempt, d.id) AS rn "
	    "FROM deliveries d INDEXED BY deliveries_due "
	    "WHERE d.status = 'pending' AND d.next_attempt <= ?1) d "
	    "JOIN subscribers s ON s.name = d.subscriber "
	    "JOIN posting_events e ON e.seq = d.event_seq "
	    "WHERE d.rn <= ?2 AND s.disabled = 0 "
	    "ORDER BY d.subscriber, d.next_attempt, d.id LIMIT ?3";
	sqlite3_stmt *stmt;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "IiI", now_ms, per_subscriber,
	    (int64_t)max) == -1)
		return -1;
	return deliveries_read(st, stmt, out, n, __func__);
}

int
store_deliveries_next_all(struct store *st, int64_t after_ms,
    int64_t *next_ms)
{
	static const char sql[] =
	    "SELECT min(d.next_attempt) FROM deliveries d "
	    "JOIN subscribers s ON s.name = d.subscriber "
	    "WHERE d.status = 'pending' AND d.next_attempt > ?1 AND "
	    "s.disabled = 0";
	sqlite3_stmt *stmt;
	int rc, found = 0;

	*next_ms = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "I", after_ms) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1 &&
	    sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
		*next_ms = sqlite3_column_int64(stmt, 0);
		found = 1;
	}
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return found ? 0 : 1;
}

int
store_deliveries_record(struct store *st, struct delivery_result *dr,
    size_t n)
{
	/*
	 * The update finds the delivery by its rowid and its generation; the
	 * attempt is written only when it found one (a delivery deleted
	 * meanwhile leaves no orphan attempt), numbered by the caller,
	 * without a second lookup.  A delivery queued again since (another
	 * generation) only counts the attempt.  A number taken already is
	 * not worth losing the other outcomes of the transaction for: the
	 * attempt is logged and left out.
	 */
	static const char update[] =
	    "UPDATE deliveries SET status = ?2, tries = ?3, "
	    "attempts = attempts + 1, next_attempt = ?4, last_attempt = ?5, "
	    "last_status = ?6, last_error = ?7, "
	    "delivered = CASE WHEN ?2 = 'delivered' THEN ?8 ELSE delivered "
	    "END WHERE id = ?1 AND generation = ?9";
	static const char superseded[] =
	    "UPDATE deliveries SET attempts = attempts + 1, last_attempt = ?2, "
	    "last_status = ?3, last_error = ?4 WHERE id = ?1";
	static const char attempt[] =
	    "INSERT INTO delivery_attempts (delivery_id, attempt, started, "
	    "latency_ms, http_status, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	    "ON CONFLICT (delivery_id, attempt) DO NOTHING";
	sqlite3_stmt *stmt;
	size_t i;

	if (store_begin(st, __func__) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		dr[i].dr_superseded = 0;
		if ((stmt = store_stmt(st, update)) == NULL ||
		    store_bind(st, stmt, "IsiIIlsIi", dr[i].dr_id,
		    dr[i].dr_status, dr[i].dr_tries, dr[i].dr_next_attempt,
		    dr[i].dr_started, dr[i].dr_http_status, dr[i].dr_error,
		    dr[i].dr_started + dr[i].dr_latency_ms,
		    dr[i].dr_generation) == -1 ||
		    store_step_done(st, stmt, __func__) == -1)
			goto fail;
		if (sqlite3_changes(st->st_db) == 0) {
			if ((stmt = store_stmt(st, superseded)) == NULL ||
			    store_bind(st, stmt, "IIls", dr[i].dr_id,
			    dr[i].dr_started, dr[i].dr_http_status,
			    dr[i].dr_error) == -1 ||
			    store_step_done(st, stmt, __func__) == -1)
				goto fail;
			if (sqlite3_changes(st->st_db) == 0)
				continue;	/* deleted with its subscriber */
			dr[i].dr_superseded = 1;
		}
		if ((stmt = store_stmt(st, attempt)) == NULL ||
		    store_bind(st, stmt, "IiIIls", dr[i].dr_id,
		    dr[i].dr_attempt, dr[i].dr_started, dr[i].dr_latency_ms,
		    dr[i].dr_http_status, dr[i].dr_error) == -1 ||
		    store_step_done(st, stmt, __func__) == -1)
			goto fail;
		if (sqlite3_changes(st->st_db) == 0)
			log_warnx("%s: delivery d%lld: attempt %d was recorded "
			    "already", __func__, (long long)dr[i].dr_id,
			    dr[i].dr_attempt);
	}
	return store_commit(st, __func__);
 fail:
	store_rollback(st);
	return -1;
}

int
store_webhook_failing(struct store *st, const char *name, int64_t since_ms)
{
	static const char sql[] =
	    "UPDATE subscribers SET failing_since = ?2 WHERE name = ?1";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sI", name, since_ms) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

int
store_webhook_disable(struct store *st, const char *name, const char *reason,
    int64_t now_ms, int64_t *failed)
{
	static const char disable[] =
	    "UPDATE subscribers SET disabled = 1, disabled_reason = ?2, "
	    "disabled_at = ?3, updated = ?3 / 1000 WHERE name = ?1";
	static const char fail_pending[] =
	    "UPDATE deliveries SET status = 'failed', "
	    "last_error = 'endpoint disabled: ' || ?2 "
	    "WHERE subscriber = ?1 AND status = 'pending'";
	sqlite3_stmt *stmt;
	int changed;

	if (failed != NULL)
		*failed = 0;
	if (store_begin(st, __func__) == -1)
		return -1;
	if ((stmt = store_stmt(st, disable)) == NULL ||
	    store_bind(st, stmt, "ssI", name, reason, now_ms) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		goto fail;
	if ((changed = sqlite3_changes(st->st_db)) == 0) {
		store_rollback(st);
		return 1;
	}
	if ((stmt = store_stmt(st, fail_pending)) == NULL ||
	    store_bind(st, stmt, "ss", name, reason) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		goto fail;
	if (failed != NULL)
		*failed = sqlite3_changes(st->st_db);
	return store_commit(st, __func__);
 fail:
	store_rollback(st);
	return -1;
}

/* --- the API's view -------------------------------------------------------- */

int
store_deliveries_list(struct store *st, const struct delivery_query *dq,
    struct delivery **out, size_t *n)
{
	static const char sql[] =
	    "SELECT " DELIVERY_COLUMNS DELIVERY_FROM
	    "WHERE (?1 IS NULL OR d.subscriber = ?1) AND "
	    "(?2 IS NULL OR d.status = ?2) AND d.created >= ?3 AND "
	    "(?4 <= 0 OR d.id < ?4) ORDER BY d.id DESC LIMIT ?5";
	sqlite3_stmt *stmt;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "ssIII", dq->dq_subscriber, dq->dq_status,
	    dq->dq_since_ms, dq->dq_before_id,
	    dq->dq_limit ? (int64_t)dq->dq_limit : (int64_t)-1) == -1)
		return -1;
	return deliveries_read(st, stmt, out, n, __func__);
}

int
store_delivery_get(struct store *st, int64_t id, struct delivery *out)
{
	static const char sql[] =
	    "SELECT " DELIVERY_COLUMNS DELIVERY_FROM "WHERE d.id = ?1";
	sqlite3_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "I", id) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		delivery_read(stmt, out);
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

void
store_delivery_attempts_free(struct delivery_attempt *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i].da_error);
	free(list);
}

int
store_delivery_attempts(struct store *st, int64_t id,
    struct delivery_attempt **out, size_t *n)
{
	static const char sql[] =
	    "SELECT attempt, started, latency_ms, http_status, error "
	    "FROM delivery_attempts WHERE delivery_id = ?1 ORDER BY attempt";
	struct delivery_attempt *list = NULL;
	sqlite3_stmt *stmt;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "I", id) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		list[len].da_attempt = sqlite3_column_int(stmt, 0);
		list[len].da_started = sqlite3_column_int64(stmt, 1);
		list[len].da_latency_ms = sqlite3_column_int64(stmt, 2);
		list[len].da_http_status = (long)sqlite3_column_int64(stmt, 3);
		list[len++].da_error = store_column_str(stmt, 4);
	}
	store_reset(stmt);
	if (rc == -1) {
		store_delivery_attempts_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

int
store_delivery_redeliver(struct store *st, int64_t id, int64_t now_ms)
{
	static const char sql[] =
	    "UPDATE deliveries SET status = 'pending', tries = 0, "
	    "next_attempt = ?2, generation = generation + 1 WHERE id = ?1";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "II", id, now_ms) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	return sqlite3_changes(st->st_db) == 0 ? 1 : 0;
}

int
store_deliveries_recover(struct store *st, const char *subscriber,
    const int64_t *seqs, size_t n, int64_t now_ms, int64_t *queued)
{
	static const char insert[] =
	    "INSERT INTO deliveries (webhook_id, event_seq, subscriber, "
	    "created, next_attempt) VALUES (?1, ?2, ?3, ?4, ?4) "
	    "ON CONFLICT (event_seq, subscriber) DO UPDATE SET "
	    "status = 'pending', tries = 0, next_attempt = excluded.created, "
	    "generation = generation + 1 WHERE status = 'failed'";
	char id[WEBHOOK_ID_SIZE];
	sqlite3_stmt *stmt;
	int64_t count = 0;
	size_t i;

	if (store_begin(st, __func__) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (store_webhook_id(st, seqs[i], subscriber, id) == -1 ||
		    (stmt = store_stmt(st, insert)) == NULL ||
		    store_bind(st, stmt, "sIsI", id, seqs[i], subscriber,
		    now_ms) == -1 ||
		    store_step_done(st, stmt, __func__) == -1)
			goto fail;
		count += sqlite3_changes(st->st_db);
	}
	if (store_commit(st, __func__) == -1)
		return -1;
	if (queued != NULL)
		*queued = count;
	return 0;
 fail:
	store_rollback(st);
	return -1;
}
