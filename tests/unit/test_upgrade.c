/*
 * test_upgrade.c — databases written by every earlier schema version
 * (tests/data/schema/vN.db) open with today's store, migrate forward, and
 * keep every source and posting.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
