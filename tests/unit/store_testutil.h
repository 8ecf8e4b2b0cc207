/*
 * store_testutil.h — what the store's tests share: a fixture with a
 * database file in its own temporary directory, sources and entries made
 * the way a fetch brings them, and a raw SQLite connection to look at or
 * change what the store wrote.
 *
 * Every function is static: each test program gets its own copy.
 */
#ifndef TSUNAGU_TEST_STORE_TESTUTIL_H
#define TSUNAGU_TEST_STORE_TESTUTIL_H

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

#define T0	INT64_C(1772326800)	/* 2026-03-01T10:00:00+09:00 */

struct fixture {
	char		 dir[64];
	char		 path[96];
	struct store	*st;
};

static __attribute__((unused)) int
setup(void **state)
{
	struct fixture *fx;
	const char *tmp;

	fx = calloc(1, sizeof(*fx));
	if ((tmp = getenv("TMPDIR")) == NULL || strlen(tmp) > 30)
		tmp = "/tmp";
	snprintf(fx->dir, sizeof(fx->dir), "%s/tsunagu-store-XXXXXX", tmp);
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/tsunagu.db", fx->dir);
	*state = fx;
	return 0;
}

static __attribute__((unused)) int
teardown(void **state)
{
	struct fixture *fx = *state;
	char p[128];

	store_close(fx->st);
	unlink(fx->path);
	snprintf(p, sizeof(p), "%s-wal", fx->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", fx->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s/stderr", fx->dir);
	unlink(p);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static __attribute__((unused)) struct store *
open_store(struct fixture *fx)
{
	assert_int_equal(store_open(fx->path, &fx->st), 0);
	assert_non_null(fx->st);
	return fx->st;
}

static __attribute__((unused)) void
reopen(struct fixture *fx)
{
	store_close(fx->st);
	fx->st = NULL;
	open_store(fx);
}

static __attribute__((unused)) void
add_source(struct store *st, const char *name, const char *kind)
{
	struct source_def sd = {
		.sd_name = name,
		.sd_url = "https://example.org/feed.xml",
		.sd_kind = kind,
		.sd_format = "rss",
		.sd_interval = 300,
		.sd_origin = "config",
	};

	assert_int_equal(store_source_upsert(st, &sd), 0);
}

static __attribute__((unused)) struct posting *
entry(const char *guid, const char *title, int64_t published)
{
	struct posting *p;
	char link[128];

	p = posting_new();
	posting_set(&p->pst_guid, guid);
	snprintf(link, sizeof(link), "https://example.org/ev/%s",
	    guid ? guid : "none");
	posting_set(&p->pst_link, link);
	posting_set(&p->pst_title, title);
	posting_set(&p->pst_content_html, "<p>軍手をお持ちください</p>");
	posting_set(&p->pst_area, "232106");
	posting_set(&p->pst_start, "2026-03-08T09:00:00+09:00");
	p->pst_published = published;
	return p;
}

/* A successful fetch of entries at time t. */
static __attribute__((unused)) int
fetch_ok(struct store *st, const char *source, int64_t t,
    struct posting_list *pl, struct apply_stats *as)
{
	struct fetch_outcome fo = {
		.fo_source = source,
		.fo_attempt = t,
		.fo_http_status = 200,
		.fo_etag = "\"v1\"",
		.fo_next_poll = t + 300,
		.fo_entries = pl,
	};

	return store_record_fetch(st, &fo, as);
}

static __attribute__((unused)) void
assert_stats(const struct apply_stats *as, int added, int updated,
    int unchanged)
{
	assert_int_equal(as->as_added, added);
	assert_int_equal(as->as_updated, updated);
	assert_int_equal(as->as_unchanged, unchanged);
}

static __attribute__((unused)) sqlite3 *
raw_open(struct fixture *fx)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

static __attribute__((unused)) void
raw_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static __attribute__((unused)) int64_t
raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

#endif
