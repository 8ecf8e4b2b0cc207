/*
 * wal.c — the write-ahead log's policy: how large its file may stay.
 *
 * SQLite checkpoints after a commit once the log holds 1000 pages, but it
 * cannot reset the log while another connection (a backup, an operator's
 * sqlite3 shell, a monitoring query) reads a snapshot in it: the log grows
 * for as long as that reader stays, and without a limit its file keeps
 * that size for good.  So the file is truncated back once it is past
 * STORE_WAL_LIMIT and no reader holds it: after a commit (the WAL hook,
 * in place of SQLite's own auto-checkpoint) and on the sweep's timer,
 * for a daemon that has stopped writing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_io.h"
#include "store_private.h"
#include "xmalloc.h"

/* Pages in the log that start a checkpoint after a commit (SQLite's
 * default). */
#define WAL_CHECKPOINT_PAGES	1000

/* store.c's busy timeout, restored after a checkpoint that must not wait. */
#define WAL_BUSY_TIMEOUT	5000

int64_t
store_wal_size(struct store *st)
{
	struct stat sb;

	if (st->st_wal_path == NULL || stat(st->st_wal_path, &sb) == -1)
		return 0;
	return (int64_t)sb.st_size;
}

/* Truncates the log when no reader holds it; never waits for one. */
static int
wal_truncate(struct store *st, int64_t size)
{
	int rc, nlog = 0, nckpt = 0;

	sqlite3_busy_timeout(st->st_db, 0);
	rc = sqlite3_wal_checkpoint_v2(st->st_db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, &nlog, &nckpt);
	sqlite3_busy_timeout(st->st_db, WAL_BUSY_TIMEOUT);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (!st->st_wal_blocked)
			log_info("%s: the write-ahead log is %lld bytes: a "
			    "reader holds it (%d of %d pages written back); "
			    "it is truncated once the reader has gone",
			    st->st_path, (long long)size, nckpt, nlog);
		st->st_wal_blocked = 1;
		return 1;
	}
	if (rc != SQLITE_OK) {
		store_log_error(st, __func__, "checkpoint");
		return -1;
	}
	if (st->st_wal_blocked)
		log_info("%s: the write-ahead log is truncated (it was %lld "
		    "bytes)", st->st_path, (long long)size);
	st->st_wal_blocked = 0;
	return 0;
}

int
store_wal_checkpoint(struct store *st)
{
	int64_t size;

	if ((size = store_wal_size(st)) <= STORE_WAL_LIMIT)
		return 0;
	return wal_truncate(st, size);
}

/*
 * After every commit, with the pages now in the log: SQLite's own
 * checkpoint, and the truncation once the file is past the limit.
 */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store *st = arg;
	int64_t size;

	(void)db;
	if (pages < WAL_CHECKPOINT_PAGES)
		return SQLITE_OK;
	/* A failed checkpoint fails no commit: it is tried again. */
	if ((size = store_wal_size(st)) > STORE_WAL_LIMIT)
		(void)wal_truncate(st, size);
	else if (sqlite3_wal_checkpoint_v2(st->st_db, name,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) != SQLITE_OK &&
	    sqlite3_errcode(st->st_db) != SQLITE_BUSY)
		store_log_error(st, __func__, "checkpoint");
	return SQLITE_OK;
}

int
store_wal_init(struct store *st)
{
	const char *db;
	char *sql;
	int rc;

	if ((db = sqlite3_db_filename(st->st_db, "main")) != NULL &&
	    *db != '\0')
		xasprintf(&st->st_wal_path, "%s-wal", db);
	xasprintf(&sql, "PRAGMA journal_size_limit = %d", STORE_WAL_LIMIT);
	rc = sqlite3_exec(st->st_db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		store_log_error(st, __func__, "journal_size_limit");
		return -1;
	}
	sqlite3_wal_hook(st->st_db, wal_hook, st);
	return 0;
}
