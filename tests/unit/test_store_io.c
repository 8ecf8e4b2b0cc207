/*
 * test_store_io.c — the store's writes when the disk fails (a VFS of the
 * test's own, wrapped around SQLite's, fails them as a full disk would),
 * and its write-ahead log under a reader that holds an old snapshot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "posting.h"
#include "store.h"
#include "store_io.h"
#include "store_testutil.h"

/* --- a VFS whose writes fail on demand ------------------------------- */

struct faulty_file {
	sqlite3_file	 ff_base;
	sqlite3_file	*ff_real;	/* follows this struct */
};

static sqlite3_vfs	*real_vfs;
static sqlite3_vfs	 faulty_vfs;
static int		 faulty_errcode;	/* SQLITE_OK: writes succeed */

#define REAL(f)		(((struct faulty_file *)(f))->ff_real)

static int
ff_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (faulty_errcode != SQLITE_OK)
		return faulty_errcode;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int
ff_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
ff_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
ff_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
ff_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
ff_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
ff_lock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int
ff_unlock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int
ff_check(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
ff_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
ff_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
ff_caps(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
ff_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, p);
}

static int
ff_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void
ff_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
ff_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

/* Version 2: no memory-mapped reads, which would bypass xRead. */
static const sqlite3_io_methods faulty_methods = {
	.iVersion = 2,
	.xClose = ff_close, .xRead = ff_read, .xWrite = ff_write,
	.xTruncate = ff_truncate, .xSync = ff_sync, .xFileSize = ff_size,
	.xLock = ff_lock, .xUnlock = ff_unlock,
	.xCheckReservedLock = ff_check, .xFileControl = ff_control,
	.xSectorSize = ff_sector, .xDeviceCharacteristics = ff_caps,
	.xShmMap = ff_shm_map, .xShmLock = ff_shm_lock,
	.xShmBarrier = ff_shm_barrier, .xShmUnmap = ff_shm_unmap,
};

static int
ff_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	struct faulty_file *ff = (struct faulty_file *)f;
	int rc;

	(void)vfs;
	ff->ff_real = (sqlite3_file *)(ff + 1);
	rc = real_vfs->xOpen(real_vfs, name, ff->ff_real, flags, out);
	ff->ff_base.pMethods = rc == SQLITE_OK && ff->ff_real->pMethods ?
	    &faulty_methods : NULL;
	return rc;
}

/* The default VFS from now on: every connection the store opens. */
static void
faulty_vfs_install(void)
{
	if (real_vfs == NULL) {
		real_vfs = sqlite3_vfs_find(NULL);
		faulty_vfs = *real_vfs;
		faulty_vfs.zName = "faulty";
		faulty_vfs.szOsFile = (int)sizeof(struct faulty_file) +
		    real_vfs->szOsFile;
		faulty_vfs.xOpen = ff_open;
	}
	assert_int_equal(sqlite3_vfs_register(&faulty_vfs, 1), SQLITE_OK);
	faulty_errcode = SQLITE_OK;
}

static void
faulty_vfs_remove(void)
{
	faulty_errcode = SQLITE_OK;
	sqlite3_vfs_unregister(&faulty_vfs);
}

/* A full disk: the fetch is rolled back and reported, the store takes
 * writes again once there is room, and the file is whole. */
static void
test_write_failure_reported(void **state)
{
	struct fixture *fx = *state;
	struct store_io_status sio;
	struct source_health h, *list;
	struct posting_list pl;
	struct apply_stats as;
	sqlite3 *db;
	size_t n;

	faulty_vfs_install();
	open_store(fx);
	add_source(fx->st, "a", "city");
	posting_list_init(&pl);
	posting_list_push(&pl, entry("1", "one", T0));
	assert_int_equal(fetch_ok(fx->st, "a", T0, &pl, &as), 0);
	store_io_status(fx->st, &sio);
	assert_int_equal(sio.sio_errors, 0);
	assert_false(sio.sio_failing);
	assert_null(sio.sio_error);

	posting_list_push(&pl, entry("2", "two", T0));
	faulty_errcode = SQLITE_FULL;
	assert_int_equal(fetch_ok(fx->st, "a", T0 + 60, &pl, &as), -1);
	store_io_status(fx->st, &sio);
	assert_true(sio.sio_failing);
	assert_true(sio.sio_errors >= 1);
	assert_non_null(sio.sio_error);
	assert_non_null(strstr(sio.sio_error, "full"));
	assert_int_equal(store_postings_count(fx->st), 1);
	/* The source's health says the poll failed, though its row could
	 * not say so. */
	assert_int_equal(store_source_get(fx->st, "a", &h), 0);
	assert_string_equal(h.sh_error_code, "store");
	assert_non_null(strstr(h.sh_error, "could not be stored"));
	assert_non_null(strstr(h.sh_error, "full"));
	assert_int_equal(h.sh_last_attempt, T0 + 60);
	assert_int_equal(h.sh_fetches, 2);
	assert_int_equal(h.sh_errors, 1);
	source_health_free(&h);
	assert_int_equal(store_source_list(fx->st, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].sh_error_code, "store");
	store_source_list_free(list, n);

	/* Room again: the next write clears the state, not the count. */
	faulty_errcode = SQLITE_OK;
	assert_int_equal(fetch_ok(fx->st, "a", T0 + 120, &pl, &as), 0);
	assert_stats(&as, 1, 0, 1);
	store_io_status(fx->st, &sio);
	assert_false(sio.sio_failing);
	assert_null(sio.sio_error);
	assert_true(sio.sio_errors >= 1);
	assert_int_equal(store_source_get(fx->st, "a", &h), 0);
	assert_null(h.sh_error);
	assert_null(h.sh_error_code);
	/* The lost poll stays counted: counters never go down. */
	assert_int_equal(h.sh_errors, 1);
	assert_int_equal(h.sh_fetches, 3);
	source_health_free(&h);
	reopen(fx);
	assert_int_equal(store_postings_count(fx->st), 2);
	assert_int_equal(store_source_get(fx->st, "a", &h), 0);
	assert_int_equal(h.sh_fetches, 3);
	assert_int_equal(h.sh_errors, 1);
	source_health_free(&h);
	posting_list_clear(&pl);
	store_close(fx->st);
	fx->st = NULL;
	faulty_vfs_remove();
	db = raw_open(fx);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM "
	    "pragma_integrity_check WHERE integrity_check != 'ok'"), 0);
	sqlite3_close(db);
}

/* A fetch that rewrites 40 postings of 4 kB. */
static void
rewrite(struct fixture *fx, int *t)
{
	struct posting_list pl;
	struct apply_stats as;
	struct posting *p;
	char guid[16], *body;
	int i;

	body = malloc(4097);
	memset(body, 'a' + *t % 26, 4096);
	body[4096] = '\0';
	posting_list_init(&pl);
	for (i = 0; i < 40; i++) {
		snprintf(guid, sizeof(guid), "%d", i);
		p = entry(guid, "清掃活動", T0);
		posting_set(&p->pst_content_html, body);
		posting_list_push(&pl, p);
	}
	(*t)++;
	assert_int_equal(fetch_ok(fx->st, "a", T0 + *t, &pl, &as), 0);
	posting_list_clear(&pl);
	free(body);
}

/* Rewrites until the log is past its limit; how many it took. */
static int
fill_wal(struct fixture *fx, int *t)
{
	int n;

	for (n = 0; n < 100 && store_wal_size(fx->st) <= STORE_WAL_LIMIT;
	    n++)
		rewrite(fx, t);
	assert_true(store_wal_size(fx->st) > STORE_WAL_LIMIT);
	return n;
}

/* A reader that holds a snapshot keeps the log from being reset; once it
 * lets go, the next commit, or the next store_wal_checkpoint(), gives the
 * file back. */
static void
test_wal_truncated_after_reader(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *reader;
	int i, t = 0;

	open_store(fx);
	add_source(fx->st, "a", "city");
	assert_int_equal(store_wal_checkpoint(fx->st), 0);

	/* Without a reader the log stays within the limit. */
	for (i = 0; i < 12; i++) {
		rewrite(fx, &t);
		assert_true(store_wal_size(fx->st) <= STORE_WAL_LIMIT);
	}

	reader = raw_open(fx);
	raw_exec(reader, "BEGIN");
	assert_int_equal(raw_int(reader, "SELECT count(*) FROM postings"), 40);
	fill_wal(fx, &t);
	assert_int_equal(store_wal_checkpoint(fx->st), 1);
	assert_true(store_wal_size(fx->st) > STORE_WAL_LIMIT);
	raw_exec(reader, "COMMIT");
	/* The next commit that checkpoints truncates. */
	rewrite(fx, &t);
	assert_true(store_wal_size(fx->st) <= STORE_WAL_LIMIT);

	/* And without a commit, the timer's checkpoint does. */
	raw_exec(reader, "BEGIN");
	assert_int_equal(raw_int(reader, "SELECT count(*) FROM postings"), 40);
	fill_wal(fx, &t);
	raw_exec(reader, "COMMIT");
	assert_int_equal(store_wal_checkpoint(fx->st), 0);
	assert_int_equal(store_wal_size(fx->st), 0);
	sqlite3_close(reader);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_failure_reported,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_truncated_after_reader,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
