/*
 * test_dedup_source.c — deleting a source takes its records out of
 * deduplication: the postings it shared are merged again without it, the
 * merges its records made are forgotten, and tombstones of postings that
 * went with it go too; nothing in the dedup tables names it afterwards.
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

#define T0	INT64_C(1772326800)	/* 2026-03-01T10:00:00+09:00 */

struct fixture {
	char		 dir[64];
	char		 path[96];
	struct store	*st;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *tmp;

	if ((tmp = getenv("TMPDIR")) == NULL || strlen(tmp) > 30)
		tmp = "/tmp";
	snprintf(fx->dir, sizeof(fx->dir), "%s/tsunagu-dsrc-XXXXXX", tmp);
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/tsunagu.db", fx->dir);
	if (store_open(fx->path, &fx->st) != 0)
		return -1;
	*state = fx;
	return 0;
}

static int
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
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void
source(struct fixture *fx, const char *name, const char *kind)
{
	struct source_def sd = {
		.sd_name = name, .sd_url = "https://example.org/feed",
		.sd_kind = kind, .sd_format = "rss", .sd_interval = 300,
		.sd_origin = "config",
	};

	assert_int_equal(store_source_upsert(fx->st, &sd), 0);
}

static struct posting *
ev(const char *guid, const char *title, const char *start,
    const char *place)
{
	struct posting *p = posting_new();
	char link[64];

	snprintf(link, sizeof(link), "https://example.jp/%s", guid);
	posting_set(&p->pst_guid, guid);
	posting_set(&p->pst_link, link);
	posting_set(&p->pst_title, title);
	posting_set(&p->pst_start, start);
	p->pst_all_day = strlen(start) == 10;
	posting_set(&p->pst_place, place);
	posting_set(&p->pst_area, "232106");
	posting_set(&p->pst_summary, title);
	return p;
}

static void
fetch(struct fixture *fx, const char *src, int64_t t, struct posting *p)
{
	struct posting_list pl;
	struct fetch_outcome fo = {
		.fo_source = src, .fo_attempt = t, .fo_http_status = 200,
		.fo_next_poll = t + 300, .fo_entries = &pl,
	};
	struct apply_stats as;

	posting_list_init(&pl);
	posting_list_push(&pl, p);
	assert_int_equal(store_record_fetch(fx->st, &fo, &as), 0);
	posting_list_clear(&pl);
}

/* The id of the posting a record is in. */
static void
posting_of(struct fixture *fx, const char *src, const char *key,
    char id[32])
{
	sqlite3 *db;
	sqlite3_stmt *stmt;

	assert_int_equal(sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT posting_id FROM "
	    "entries WHERE source = ?1 AND entry_key = ?2", -1, &stmt, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(stmt, 1, src, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	snprintf(id, 32, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

/* Rows of a query with one text parameter. */
static int
count(struct fixture *fx, const char *sql, const char *arg)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int n;

	assert_int_equal(sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	if (arg != NULL)
		sqlite3_bind_text(stmt, 1, arg, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}

static int
has_ref(const struct posting *p, const char *src)
{
	size_t i;

	for (i = 0; i < p->pst_nrefs; i++)
		if (strcmp(p->pst_refs[i].ref_source, src) == 0)
			return 1;
	return 0;
}

static void
test_delete_bridging_source(void **state)
{
	struct fixture *fx = *state;
	struct posting_merge *pm;
	struct posting *p;
	char x[32], y[32];
	size_t n;
	int64_t revision;

	source(fx, "city", "city");
	source(fx, "npo", "civic");
	source(fx, "shakyo", "shakyo");
	fetch(fx, "city", T0, ev("x", "防災キャンプ",
	    "2026-08-22T13:00:00+09:00", NULL));
	fetch(fx, "npo", T0 + 60, ev("y", "親子キャンプ", "2026-08-22",
	    "青少年の家"));
	/* The shakyo's record is alike to both: it joins them. */
	fetch(fx, "shakyo", T0 + 120, ev("r", "親子防災キャンプ",
	    "2026-08-22", "青少年の家"));
	posting_of(fx, "city", "x", x);
	posting_of(fx, "npo", "y", y);
	assert_string_equal(x, y);
	assert_int_equal(store_posting_merges(fx->st, x, &pm, &n), 0);
	assert_int_equal(n, 1);
	snprintf(y, sizeof(y), "%s", pm[0].pm_merged);
	store_posting_merges_free(pm, n);
	assert_int_equal(store_posting_get(fx->st, x, &p), 0);
	assert_int_equal(p->pst_nrefs, 3);
	assert_true(has_ref(p, "shakyo"));
	revision = p->pst_revision;
	posting_free(p);

	/* The shakyo goes: the posting is the city's and the group's. */
	assert_int_equal(store_source_delete(fx->st, "shakyo"), 0);
	assert_int_equal(store_posting_get(fx->st, x, &p), 0);
	assert_int_equal(p->pst_nrefs, 2);
	assert_false(has_ref(p, "shakyo"));
	assert_true(p->pst_revision > revision);
	posting_free(p);
	assert_int_equal(store_posting_merges(fx->st, x, &pm, &n), 0);
	assert_int_equal(n, 0);
	store_posting_merges_free(pm, n);
	assert_int_equal(count(fx, "SELECT count(*) FROM dedup_merges WHERE "
	    "source = ?1", "shakyo"), 0);
	assert_int_equal(count(fx, "SELECT count(*) FROM entries WHERE "
	    "source = ?1", "shakyo"), 0);
	assert_int_equal(count(fx, "SELECT count(*) FROM source_identity "
	    "WHERE source = ?1", "shakyo"), 0);
	/* The tombstone of the group's posting still points at x. */
	assert_int_equal(count(fx, "SELECT count(*) FROM dedup_clusters "
	    "WHERE posting_id = ?1", y), 1);

	/* The others go: the posting, and the tombstone that named it. */
	assert_int_equal(store_source_delete(fx->st, "city"), 0);
	assert_int_equal(store_posting_get(fx->st, x, &p), 0);
	assert_int_equal(p->pst_nrefs, 1);
	posting_free(p);
	assert_int_equal(store_source_delete(fx->st, "npo"), 0);
	assert_int_equal(store_posting_get(fx->st, x, &p), 1);
	assert_int_equal(store_posting_get(fx->st, y, &p), 1);
	assert_int_equal(count(fx, "SELECT count(*) FROM dedup_clusters",
	    NULL), 0);
	assert_int_equal(count(fx, "SELECT count(*) FROM dedup_merges",
	    NULL), 0);
	assert_int_equal(count(fx, "SELECT count(*) FROM postings", NULL), 0);
	/* Unknown: 1. */
	assert_int_equal(store_source_delete(fx->st, "npo"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_delete_bridging_source,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
