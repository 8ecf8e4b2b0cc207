/*
 * sources.c — source definitions and their health; deleting a source
 * takes its records out of deduplication too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "dedup_private.h"
#include "log.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

/* The columns source_health is read from, in this order. */
#define HEALTH_COLUMNS							\
	"s.name, s.url, s.kind, s.format, s.origin, s.interval, "	\
	"s.paused, s.etag, s.last_modified, s.last_attempt, "		\
	"s.last_success, s.next_poll, s.http_status, s.error, "	\
	"s.error_code, s.failures, s.fetches, s.errors, "		\
	"(SELECT count(*) FROM entries e WHERE e.source = s.name)"

/* A row's health, with a poll that could not be written laid over it. */
static void
health_read(struct store *st, sqlite3_stmt *stmt, struct source_health *h)
{
	memset(h, 0, sizeof(*h));
	h->sh_name = store_column_str(stmt, 0);
	h->sh_url = store_column_str(stmt, 1);
	h->sh_kind = store_column_str(stmt, 2);
	h->sh_format = store_column_str(stmt, 3);
	h->sh_origin = store_column_str(stmt, 4);
	h->sh_interval = sqlite3_column_int64(stmt, 5);
	h->sh_paused = sqlite3_column_int(stmt, 6);
	h->sh_etag = store_column_str(stmt, 7);
	h->sh_last_modified = store_column_str(stmt, 8);
	h->sh_last_attempt = sqlite3_column_int64(stmt, 9);
	h->sh_last_success = sqlite3_column_int64(stmt, 10);
	h->sh_next_poll = sqlite3_column_int64(stmt, 11);
	h->sh_http_status = (long)sqlite3_column_int64(stmt, 12);
	h->sh_error = store_column_str(stmt, 13);
	h->sh_error_code = store_column_str(stmt, 14);
	h->sh_failures = sqlite3_column_int(stmt, 15);
	h->sh_fetches = sqlite3_column_int64(stmt, 16);
	h->sh_errors = sqlite3_column_int64(stmt, 17);
	h->sh_postings = sqlite3_column_int64(stmt, 18);
	store_unrecorded_apply(st, h);
}

void
source_health_free(struct source_health *h)
{
	if (h == NULL)
		return;
	free(h->sh_name);
	free(h->sh_url);
	free(h->sh_kind);
	free(h->sh_format);
	free(h->sh_origin);
	free(h->sh_etag);
	free(h->sh_last_modified);
	free(h->sh_error);
	free(h->sh_error_code);
	memset(h, 0, sizeof(*h));
}

int
store_source_upsert(struct store *st, const struct source_def *sd)
{
	static const char sql[] =
	    "INSERT INTO sources (name, url, kind, format, interval, origin) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	    /* A new URL is a new resource: forget the old one's validators
	     * and poll it at once.  SET sees the row as it was. */
	    "ON CONFLICT (name) DO UPDATE SET url = excluded.url, "
	    "etag = CASE WHEN url = excluded.url THEN etag END, "
	    "last_modified = CASE WHEN url = excluded.url THEN last_modified "
	    "END, "
	    "next_poll = CASE WHEN url = excluded.url THEN next_poll ELSE 0 "
	    "END, "
	    "kind = excluded.kind, format = excluded.format, "
	    "interval = excluded.interval, origin = excluded.origin";
	sqlite3_stmt *stmt;

	if (sd->sd_name == NULL || sd->sd_name[0] == '\0' ||
	    sd->sd_url == NULL || sd->sd_kind == NULL) {
		log_warnx("%s: a source needs a name, a url and a kind",
		    __func__);
		return -1;
	}
	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	if (store_bind(st, stmt, "ssssIs", sd->sd_name, sd->sd_url,
	    sd->sd_kind, sd->sd_format ? sd->sd_format : "auto",
	    sd->sd_interval, sd->sd_origin ? sd->sd_origin : "config") == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

int
store_source_set_paused(struct store *st, const char *name, int paused)
{
	static const char sql[] =
	    "UPDATE sources SET paused = ?2 WHERE name = ?1";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	if (store_bind(st, stmt, "si", name, paused ? 1 : 0) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	return sqlite3_changes(st->st_db) == 0 ? 1 : 0;
}

/* The postings a source shares with others: merged again without it. */
static int
shared_postings(struct store *st, const char *name, char ***ids, size_t *n)
{
	static const char sql[] =
	    "SELECT DISTINCT e.posting_id FROM entries e WHERE e.source = ?1 "
	    "AND EXISTS (SELECT 1 FROM entries o WHERE "
	    "o.posting_id = e.posting_id AND o.source <> ?1) "
	    /* Records from before 004_dedup.sql have no document to merge
	     * again until their first fetch fills it in. */
	    "AND NOT EXISTS (SELECT 1 FROM entries l WHERE "
	    "l.posting_id = e.posting_id AND l.source <> ?1 AND "
	    "l.doc IS NULL) "
	    "ORDER BY e.posting_id";
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", name) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*ids = xreallocarray(*ids, cap, sizeof(**ids));
		}
		(*ids)[(*n)++] = store_column_str(stmt, 0);
	}
	store_reset(stmt);
	return rc;
}

/* One statement of the deletion; the rows it changed, or -1. */
static int
delete_step(struct store *st, const char *sql, const char *name)
{
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    (name != NULL && store_bind(st, stmt, "s", name) == -1) ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	return sqlite3_changes(st->st_db);
}

#define TOMBSTONE_ROUNDS	16	/* merges chained further are left */

int
store_source_delete(struct store *st, const char *name)
{
	/* Postings only this source carries go; entries go by cascade. */
	static const char del_postings[] =
	    "DELETE FROM postings WHERE id IN "
	    "(SELECT posting_id FROM entries WHERE source = ?1) "
	    "AND NOT EXISTS (SELECT 1 FROM entries o "
	    "WHERE o.posting_id = postings.id AND o.source <> ?1)";
	/* The merges its records made are no one's doing any more. */
	static const char del_merges[] =
	    "DELETE FROM dedup_merges WHERE source = ?1";
	static const char del_source[] =
	    "DELETE FROM sources WHERE name = ?1";
	/* A posting merged into one that went is a pointer to nothing. */
	static const char del_tombstones[] =
	    "DELETE FROM postings WHERE id IN (SELECT c.posting_id FROM "
	    "dedup_clusters c WHERE c.merged_into IS NOT NULL AND NOT EXISTS "
	    "(SELECT 1 FROM postings p WHERE p.id = c.merged_into))";
	char **shared = NULL;
	size_t nshared = 0, i;
	int postings, found, changed, round;

	if (store_begin(st, __func__) == -1)
		return -1;
	if (shared_postings(st, name, &shared, &nshared) == -1 ||
	    (postings = delete_step(st, del_postings, name)) == -1 ||
	    delete_step(st, del_merges, name) == -1 ||
	    (found = delete_step(st, del_source, name)) == -1)
		goto fail;
	for (round = 0, changed = 1; changed > 0 && round < TOMBSTONE_ROUNDS;
	    round++) {
		if ((changed = delete_step(st, del_tombstones, NULL)) == -1)
			goto fail;
		postings += changed;
	}
	/* What the others carry is published without it. */
	if (dedup_republish(st, shared, nshared, (int64_t)time(NULL)) == -1)
		goto fail;
	if ((postings > 0 || nshared > 0) && store_bump_generation(st) == -1)
		goto fail;
	if (store_commit(st, __func__) == -1)
		goto done;
	if (postings > 0 || nshared > 0)
		st->st_generation++;
	store_unrecorded_clear(st, name);
	for (i = 0; i < nshared; i++)
		free(shared[i]);
	free(shared);
	return found > 0 ? 0 : 1;
 fail:
	store_rollback(st);
 done:
	for (i = 0; i < nshared; i++)
		free(shared[i]);
	free(shared);
	return -1;
}

int
store_source_get(struct store *st, const char *name,
    struct source_health *out)
{
	static const char sql[] =
	    "SELECT " HEALTH_COLUMNS " FROM sources s WHERE s.name = ?1";
	sqlite3_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", name) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		health_read(st, stmt, out);
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

int
store_source_list(struct store *st, struct source_health **out, size_t *n)
{
	static const char sql[] =
	    "SELECT " HEALTH_COLUMNS " FROM sources s ORDER BY s.name";
	struct source_health *list = NULL;
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
		health_read(st, stmt, &list[len++]);
	}
	store_reset(stmt);
	if (rc == -1) {
		store_source_list_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

void
store_source_list_free(struct source_health *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		source_health_free(&list[i]);
	free(list);
}
