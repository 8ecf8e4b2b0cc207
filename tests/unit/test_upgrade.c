/*
 * test_upgrade.c — databases written by every earlier schema version
 * (tests/data/schema/vN.db) open with today's store, migrate forward, and
 * keep every source and posting.
 */
#include <dirent.h>
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

#include "store.h"

extern const size_t store_nmigrations;

static void
copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[65536];
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	fclose(out);
}

static int64_t
scalar(sqlite3 *db, const char *sql)
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

static void
check_one(const char *path)
{
	char dir[] = "/tmp/tsunagu-upgrade-XXXXXX", db[128], cmd[160];
	struct posting_query pq = { .pq_limit = 0 };
	struct posting_list list;
	struct source_health *sources;
	struct store *st;
	size_t n, i;

	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/t.db", dir);
	copy_file(path, db);
	if (store_open(db, &st) != 0)
		fail_msg("%s: does not open", path);
	assert_int_equal(store_schema_version(st), (int)store_nmigrations);
	assert_int_equal(store_source_list(st, &sources, &n), 0);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++)
		assert_true(sources[i].sh_postings > 0);
	store_source_list_free(sources, n);
	assert_int_equal(store_postings_count(st), 25);
	posting_list_init(&list);
	assert_int_equal(store_postings_query(st, &pq, &list), 0);
	assert_int_equal(list.pl_len, 25);
	for (i = 0; i < list.pl_len; i++) {
		assert_non_null(list.pl_items[i]->pst_title);
		assert_non_null(list.pl_items[i]->pst_id);
	}
	posting_list_clear(&list);
	store_close(st);
	/* Opening again is a no-op: nothing left to migrate. */
	assert_int_equal(store_open(db, &st), 0);
	assert_int_equal(store_schema_version(st), (int)store_nmigrations);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * v7.db holds the outbox as 005_outbox.sql made it: subscribers acme and
 * beta, two ping events, deliveries 1-3 (delivered, pending with two
 * attempts, failed with eight) and the sequence at 4 (delivery 4 was
 * deleted).  008_deliveries.sql makes both tables again.
 */
static void
test_deliveries_kept(void **state)
{
	const char *data = getenv("TSUNAGU_TEST_DATA");
	char dir[] = "/tmp/tsunagu-upgrade-XXXXXX", db[128], from[512];
	char cmd[160], id[WEBHOOK_ID_SIZE];
	struct delivery_result dr = { .dr_id = 2, .dr_started = 1,
	    .dr_latency_ms = 2, .dr_http_status = 204,
	    .dr_status = DELIVERY_DELIVERED, .dr_tries = 3, .dr_attempt = 3 };
	struct delivery_attempt *da;
	struct delivery dl;
	struct store *st;
	sqlite3 *raw;
	int64_t ping, purged;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/t.db", dir);
	snprintf(from, sizeof(from), "%s/schema/v7.db", data ? data :
	    "tests/data");
	copy_file(from, db);
	assert_int_equal(store_open(db, &st), 0);
	assert_int_equal(store_schema_version(st), (int)store_nmigrations);

	/* Rows, states and webhook-ids as they were: the id of a delivery
	 * is still the one its (salt, event, subscriber) gives. */
	assert_int_equal(store_delivery_get(st, 1, &dl), 0);
	assert_string_equal(dl.dl_status, DELIVERY_DELIVERED);
	assert_string_equal(dl.dl_subscriber, "acme");
	assert_int_equal(store_webhook_id(st, 1, "acme", id), 0);
	assert_string_equal(dl.dl_webhook_id, id);
	delivery_free(&dl);
	assert_int_equal(store_delivery_get(st, 3, &dl), 0);
	assert_string_equal(dl.dl_status, DELIVERY_FAILED);
	assert_int_equal(dl.dl_attempts, 8);
	delivery_free(&dl);
	assert_int_equal(store_delivery_get(st, 4, &dl), 1);
	assert_int_equal(store_delivery_attempts(st, 3, &da, &n), 0);
	assert_int_equal(n, 8);
	store_delivery_attempts_free(da, n);

	/* The next id is past the deleted one: ids are never given twice. */
	assert_int_equal(store_outbox_ping(st, "acme", "{}", 2, &ping), 0);
	assert_int_equal(ping, 5);

	/* Attempts numbered by the caller follow the copied ones. */
	assert_int_equal(store_deliveries_record(st, &dr, 1), 0);
	assert_int_equal(store_delivery_attempts(st, 2, &da, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(da[2].da_attempt, 3);
	store_delivery_attempts_free(da, n);

	/* The cascades, kept by triggers: a subscriber takes its deliveries
	 * and their attempts; a purged event its deliveries. */
	assert_int_equal(store_subscriber_delete(st, "beta"), 0);
	assert_int_equal(store_delivery_get(st, 2, &dl), 1);
	assert_int_equal(store_delivery_attempts(st, 2, &da, &n), 0);
	assert_int_equal(n, 0);
	free(da);
	assert_int_equal(store_outbox_purge(st, INT64_MAX, &purged), 0);
	assert_int_equal(purged, 2);		/* not the ping still due */
	assert_int_equal(store_delivery_get(st, 1, &dl), 1);
	assert_int_equal(store_delivery_get(st, 5, &dl), 0);
	delivery_free(&dl);
	store_close(st);

	/* What only SQL sees: no orphan, no status outside the three, the
	 * database whole. */
	assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
	assert_int_equal(scalar(raw, "SELECT count(*) FROM "
	    "delivery_attempts"), 0);
	assert_int_equal(scalar(raw, "SELECT count(*) FROM deliveries"), 1);
	assert_int_not_equal(sqlite3_exec(raw, "UPDATE deliveries SET "
	    "status = 'sent'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(scalar(raw, "SELECT count(*) FROM sqlite_master "
	    "WHERE name IN ('deliveries_by_status', "
	    "'deliveries_by_subscriber', 'deliveries_008')"), 0);
	assert_int_equal(scalar(raw, "SELECT count(*) FROM "
	    "pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
	sqlite3_close(raw);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_every_earlier_version(void **state)
{
	const char *data = getenv("TSUNAGU_TEST_DATA");
	char dirpath[512], path[1024];
	struct dirent *de;
	DIR *d;
	int seen = 0;

	snprintf(dirpath, sizeof(dirpath), "%s/schema", data ? data :
	    "tests/data");
	assert_non_null(d = opendir(dirpath));
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] != 'v' || len < 4 ||
		    strcmp(de->d_name + len - 3, ".db") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirpath, de->d_name);
		check_one(path);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_earlier_version),
		cmocka_unit_test(test_deliveries_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
