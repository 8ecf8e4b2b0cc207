/*
 * test_backup.c — the store's online backup, one page per step, with the
 * daemon's own writes (and another connection's) landing between steps:
 * the copy must be whole (integrity_check), hold what was committed up to
 * its last step, and nothing after.
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

#define T0	INT64_C(1800000000)

struct fixture {
	char		 dir[64];
	char		 db[96];
	char		 copy[96];
	struct store	*st;
	int		 next;	/* entries made so far */
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct source_def sd = {
		.sd_name = "city",
		.sd_url = "https://example.org/feed.xml",
		.sd_kind = "city",
		.sd_format = "rss",
		.sd_interval = 300,
		.sd_origin = "config",
	};

	strcpy(fx->dir, "/tmp/tsunagu-backup-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->db, sizeof(fx->db), "%s/t.db", fx->dir);
	snprintf(fx->copy, sizeof(fx->copy), "%s/copy.db", fx->dir);
	assert_int_equal(store_open(fx->db, &fx->st), 0);
	assert_int_equal(store_source_upsert(fx->st, &sd), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	store_close(fx->st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* A fetch that brings n new entries, with enough text to fill pages. */
static void
add_entries(struct fixture *fx, int n)
{
	struct posting_list pl = { 0 };
	struct fetch_outcome fo = {
		.fo_source = "city",
		.fo_attempt = T0,
		.fo_http_status = 200,
		.fo_next_poll = T0 + 300,
		.fo_entries = &pl,
	};
	struct posting *p;
	char guid[32], link[64], title[64], text[2048];
	int i;

	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	for (i = 0; i < n; i++, fx->next++) {
		p = posting_new();
		/* Nothing alike: deduplication must keep them apart. */
		snprintf(guid, sizeof(guid), "e%d", fx->next);
		snprintf(link, sizeof(link), "https://example.org/e/%d",
		    fx->next);
		snprintf(title, sizeof(title), "%08x %d", (unsigned)
		    (fx->next * 2654435761u), fx->next);
		posting_set(&p->pst_guid, guid);
		posting_set(&p->pst_link, link);
		posting_set(&p->pst_title, title);
		posting_set(&p->pst_content_html, text);
		posting_list_push(&pl, p);
	}
	assert_int_equal(store_record_fetch(fx->st, &fo, NULL), 0);
	posting_list_clear(&pl);
}

static int
query_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int n = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}

static void
assert_whole(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1,
	    &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "ok");
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

static void
test_writes_between_steps(void **state)
{
	struct fixture *fx = *state;
	struct store_backup *sb;
	int rc, steps = 0, remaining, total;

	add_entries(fx, 200);
	assert_int_equal(store_backup_begin(fx->st, fx->copy, &sb), 0);
	while ((rc = store_backup_step(sb, 8)) == 1) {
		store_backup_progress(sb, &remaining, &total);
		assert_true(total > 0);
		assert_true(remaining <= total);
		/* The daemon goes on writing while the copy is made. */
		if (++steps % 10 == 0)
			add_entries(fx, 1);
		assert_true(steps < 5000);
	}
	assert_int_equal(rc, 0);
	assert_true(steps > 20);
	store_backup_free(sb);
	/* After the last step: not in the copy. */
	add_entries(fx, 5);
	assert_whole(fx->copy);
	assert_int_equal(query_int(fx->copy, "SELECT count(*) FROM postings"),
	    fx->next - 5);
	assert_int_equal(query_int(fx->db, "SELECT count(*) FROM postings"),
	    fx->next);
	assert_int_equal(query_int(fx->copy, "PRAGMA user_version"),
	    store_schema_version(fx->st));
	assert_string_equal(store_path(fx->st), fx->db);
}

/* Another process writing: SQLite starts the copy over; still whole. */
static void
test_other_writer(void **state)
{
	struct fixture *fx = *state;
	struct store_backup *sb;
	sqlite3 *other;
	int rc, steps = 0;

	add_entries(fx, 100);
	assert_int_equal(sqlite3_open(fx->db, &other), SQLITE_OK);
	sqlite3_busy_timeout(other, 2000);
	assert_int_equal(store_backup_begin(fx->st, fx->copy, &sb), 0);
	while ((rc = store_backup_step(sb, 4)) == 1) {
		if (++steps == 5)
			assert_int_equal(sqlite3_exec(other, "UPDATE sources "
			    "SET interval = 999", NULL, NULL, NULL), SQLITE_OK);
		assert_true(steps < 5000);
	}
	assert_int_equal(rc, 0);
	store_backup_free(sb);
	sqlite3_close(other);
	assert_whole(fx->copy);
	assert_int_equal(query_int(fx->copy, "SELECT interval FROM sources"),
	    999);
}

/* Stopped half way: the partial file is the caller's to remove, and the
 * store goes on as before. */
static void
test_abandoned(void **state)
{
	struct fixture *fx = *state;
	struct store_backup *sb;

	add_entries(fx, 100);
	assert_int_equal(store_backup_begin(fx->st, fx->copy, &sb), 0);
	assert_int_equal(store_backup_step(sb, 2), 1);
	store_backup_free(sb);
	store_backup_free(NULL);
	add_entries(fx, 1);
	assert_int_equal(query_int(fx->db, "SELECT count(*) FROM postings"),
	    101);
	assert_int_equal(store_backup_begin(fx->st, "/nonexistent/dir/x.db",
	    &sb), -1);
	assert_null(sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_writes_between_steps,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_writer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_abandoned, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
