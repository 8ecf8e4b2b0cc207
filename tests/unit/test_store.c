/*
 * test_store.c — the SQLite store on real files in a temporary directory.
 *
 * The test opens the same file with SQLite directly to look at what the
 * store cannot show (journal mode, user_version) and to inject failures.
 */
#include <fcntl.h>
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
#include "store_testutil.h"

extern const size_t store_nmigrations;

static void
test_migrations(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db;
	sqlite3_stmt *stmt;

	open_store(fx);
	assert_int_equal(store_schema_version(fx->st),
	    (int)store_nmigrations);
	assert_true(store_nmigrations >= 1);
	assert_int_equal(store_postings_count(fx->st), 0);
	assert_int_equal(store_generation(fx->st), 0);

	db = raw_open(fx);
	assert_int_equal(raw_int(db, "PRAGMA user_version"),
	    (int64_t)store_nmigrations);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name IN "
	    "('sources', 'entries', 'postings', 'store_state')"), 4);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'postings_by_modified'"), 1);
	/* journal_mode = WAL is a property of the file. */
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1,
	    &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0),
	    "wal");
	sqlite3_finalize(stmt);
	sqlite3_close(db);

	/* Reopening applies nothing twice and keeps what is there. */
	add_source(fx->st, "kariya-city", "city");
	reopen(fx);
	reopen(fx);
	assert_int_equal(store_schema_version(fx->st),
	    (int)store_nmigrations);
	db = raw_open(fx);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sources"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM store_state"), 1);
	sqlite3_close(db);
}

static void
test_newer_schema_refused(void **state)
{
	struct fixture *fx = *state;
	struct store *st = (struct store *)1;
	char errpath[128], text[1024], want[128];
	sqlite3 *db;
	ssize_t n;
	int fd, saved;

	db = raw_open(fx);
	raw_exec(db, "CREATE TABLE x (y); PRAGMA user_version = 999");
	sqlite3_close(db);

	/* The refusal says why, on stderr. */
	snprintf(errpath, sizeof(errpath), "%s/stderr", fx->dir);
	fd = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	assert_int_equal(store_open(fx->path, &st), -1);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_null(st);
	n = pread(fd, text, sizeof(text) - 1, 0);
	close(fd);
	assert_true(n > 0);
	text[n] = '\0';
	snprintf(want, sizeof(want), "database schema version 999 is newer "
	    "than this tsunagud (knows %zu)", store_nmigrations);
	if (strstr(text, want) == NULL)
		fail_msg("stderr was: %s", text);

	/* ... and leaves the file alone. */
	db = raw_open(fx);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 999);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'sources'"), 0);
	/* Not even switched to WAL (that mode is kept in the file). */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM "
	    "pragma_journal_mode WHERE journal_mode = 'wal'"), 0);
	sqlite3_close(db);
}

static void
test_record_fetch(void **state)
{
	struct fixture *fx = *state;
	struct posting_list pl;
	struct apply_stats as;
	struct posting *p, *first;

	open_store(fx);
	add_source(fx->st, "kariya-city", "city");
	posting_list_init(&pl);
	posting_list_push(&pl, entry("guid-1", "公園清掃", T0 - 3600));
	posting_list_push(&pl, entry("guid-2", "子ども食堂", T0 - 7200));
	posting_list_push(&pl, entry("guid-3", "防災訓練", 0));
	assert_int_equal(fetch_ok(fx->st, "kariya-city", T0, &pl, &as), 0);
	assert_stats(&as, 3, 0, 0);
	assert_int_equal(store_postings_count(fx->st), 3);
	assert_int_equal(store_generation(fx->st), 1);

	/* The id derives from source and entry key: "p" + 20 hex of
	 * sha256("kariya-city" NUL "guid-1"). */
	assert_int_equal(store_posting_get(fx->st, "pcb08fd07e44d97ffd1f1",
	    &first), 0);
	assert_string_equal(first->pst_title, "公園清掃");
	assert_int_equal(first->pst_revision, 1);
	assert_int_equal(first->pst_published, T0 - 3600);
	assert_int_equal(first->pst_modified, T0);
	assert_string_equal(first->pst_kind, "city");
	assert_string_equal(first->pst_guid, "guid-1");
	assert_int_equal(first->pst_nrefs, 1);
	assert_string_equal(first->pst_refs[0].ref_source, "kariya-city");
	assert_string_equal(first->pst_refs[0].ref_kind, "city");
	assert_string_equal(first->pst_refs[0].ref_url,
	    "https://example.org/ev/guid-1");
	assert_int_equal(first->pst_refs[0].ref_fetched, T0);

	/* The same document again changes nothing, not even an entry
	 * without a date of its own. */
	assert_int_equal(fetch_ok(fx->st, "kariya-city", T0 + 300, &pl, &as),
	    0);
	assert_stats(&as, 0, 0, 3);
	assert_int_equal(store_generation(fx->st), 1);

	/* An edited entry is updated in place: same id, revision 2. */
	posting_set(&pl.pl_items[0]->pst_title, "公園清掃（雨天中止）");
	assert_int_equal(fetch_ok(fx->st, "kariya-city", T0 + 600, &pl, &as),
	    0);
	assert_stats(&as, 0, 1, 2);
	assert_int_equal(store_postings_count(fx->st), 3);
	assert_int_equal(store_generation(fx->st), 2);
	assert_int_equal(store_posting_get(fx->st, first->pst_id, &p), 0);
	assert_string_equal(p->pst_title, "公園清掃（雨天中止）");
	assert_int_equal(p->pst_revision, 2);
	assert_int_equal(p->pst_published, T0 - 3600);
	assert_int_equal(p->pst_modified, T0 + 600);
	assert_int_equal(p->pst_refs[0].ref_fetched, T0 + 600);
	posting_free(p);
	posting_free(first);

	/* A missing date_published became the first fetch's time, and
	 * stays so. */
	p = pl.pl_items[2];
	posting_set(&p->pst_summary, "changed");
	assert_int_equal(fetch_ok(fx->st, "kariya-city", T0 + 900, &pl, &as),
	    0);
	assert_stats(&as, 0, 1, 2);
	posting_list_clear(&pl);
	assert_int_equal(store_postings_query(fx->st,
	    &(struct posting_query){ .pq_limit = 1 }, &pl), 0);
	assert_int_equal(pl.pl_len, 1);
	assert_string_equal(pl.pl_items[0]->pst_title, "防災訓練");
	assert_int_equal(pl.pl_items[0]->pst_published, T0);
	assert_int_equal(pl.pl_items[0]->pst_modified, T0 + 900);
	assert_int_equal(pl.pl_items[0]->pst_revision, 2);
	posting_list_clear(&pl);

	assert_int_equal(store_posting_get(fx->st, "pnothere", &p), 1);
	assert_null(p);
}

static void
test_duplicate_keys(void **state)
{
	struct fixture *fx = *state;
	struct posting_list pl;
	struct apply_stats as;

	open_store(fx);
	add_source(fx->st, "shakyo", "shakyo");
	posting_list_init(&pl);
	posting_list_push(&pl, entry("dup", "first", T0));
	posting_list_push(&pl, entry("other", "other", T0));
	posting_list_push(&pl, entry("dup", "second", T0));
	posting_list_push(&pl, entry("dup", "last", T0));
	assert_int_equal(fetch_ok(fx->st, "shakyo", T0, &pl, &as), 0);
	assert_stats(&as, 2, 0, 0);
	posting_list_clear(&pl);
	assert_int_equal(store_postings_query(fx->st,
	    &(struct posting_query){ 0 }, &pl), 0);
	assert_int_equal(pl.pl_len, 2);
	assert_true(strcmp(pl.pl_items[0]->pst_title, "last") == 0 ||
	    strcmp(pl.pl_items[1]->pst_title, "last") == 0);
	assert_string_equal(pl.pl_items[0]->pst_kind, "shakyo");
	posting_list_clear(&pl);
}

static void
test_health(void **state)
{
	struct fixture *fx = *state;
	struct source_health h;
	struct posting_list pl;
	struct apply_stats as;
	struct fetch_outcome fail = {
		.fo_source = "kariya-city",
		.fo_attempt = T0,
		.fo_http_status = 503,
		.fo_error = "HTTP 503",
		.fo_error_code = "http_5xx",
		.fo_failures = 1,
		.fo_next_poll = T0 + 60,
	};

	open_store(fx);
	add_source(fx->st, "kariya-city", "city");
	assert_int_equal(store_source_get(fx->st, "kariya-city", &h), 0);
	assert_string_equal(h.sh_url, "https://example.org/feed.xml");
	assert_string_equal(h.sh_format, "rss");
	assert_string_equal(h.sh_origin, "config");
	assert_int_equal(h.sh_interval, 300);
	assert_int_equal(h.sh_fetches, 0);
	assert_null(h.sh_error);
	source_health_free(&h);

	assert_int_equal(store_record_fetch(fx->st, &fail, &as), 0);
	assert_stats(&as, 0, 0, 0);
	assert_int_equal(store_source_get(fx->st, "kariya-city", &h), 0);
	assert_int_equal(h.sh_fetches, 1);
	assert_int_equal(h.sh_errors, 1);
	assert_int_equal(h.sh_failures, 1);
	assert_string_equal(h.sh_error, "HTTP 503");
	assert_string_equal(h.sh_error_code, "http_5xx");
	assert_int_equal(h.sh_http_status, 503);
	assert_int_equal(h.sh_last_attempt, T0);
	assert_int_equal(h.sh_last_success, 0);
	assert_int_equal(h.sh_next_poll, T0 + 60);
	source_health_free(&h);

	posting_list_init(&pl);
	posting_list_push(&pl, entry("a", "a", T0));
	assert_int_equal(fetch_ok(fx->st, "kariya-city", T0 + 60, &pl, &as),
	    0);
	posting_list_clear(&pl);
	assert_int_equal(store_source_get(fx->st, "kariya-city", &h), 0);
	assert_int_equal(h.sh_fetches, 2);
	assert_int_equal(h.sh_errors, 1);
	assert_int_equal(h.sh_failures, 0);
	assert_null(h.sh_error);
	assert_null(h.sh_error_code);
	assert_int_equal(h.sh_http_status, 200);
	assert_int_equal(h.sh_last_success, T0 + 60);
	assert_string_equal(h.sh_etag, "\"v1\"");
	assert_int_equal(h.sh_postings, 1);
	source_health_free(&h);

	/* A failure keeps the validators; so does a 304 without new ones. */
	fail.fo_attempt = T0 + 120;
	fail.fo_error = "connection refused";
	fail.fo_error_code = "connect";
	fail.fo_http_status = 0;
	assert_int_equal(store_record_fetch(fx->st, &fail, NULL), 0);
	fail.fo_attempt = T0 + 180;
	fail.fo_failures = 2;
	assert_int_equal(store_record_fetch(fx->st, &fail, NULL), 0);
	assert_int_equal(store_source_get(fx->st, "kariya-city", &h), 0);
	assert_string_equal(h.sh_etag, "\"v1\"");
	assert_int_equal(h.sh_failures, 2);
	assert_int_equal(h.sh_errors, 3);
	assert_int_equal(h.sh_last_success, T0 + 60);
	assert_int_equal(h.sh_http_status, 0);
	source_health_free(&h);

	assert_int_equal(store_record_fetch(fx->st, &(struct fetch_outcome){
	    .fo_source = "kariya-city", .fo_attempt = T0 + 240,
	    .fo_http_status = 304, .fo_last_modified = "Sun, 01 Mar 2026 "
	    "01:00:00 GMT" }, &as), 0);
	assert_stats(&as, 0, 0, 0);
	assert_int_equal(store_source_get(fx->st, "kariya-city", &h), 0);
	assert_string_equal(h.sh_etag, "\"v1\"");
	assert_string_equal(h.sh_last_modified,
	    "Sun, 01 Mar 2026 01:00:00 GMT");
	assert_int_equal(h.sh_failures, 0);
	assert_int_equal(h.sh_http_status, 304);
	assert_int_equal(h.sh_fetches, 5);
	assert_int_equal(h.sh_postings, 1);
	source_health_free(&h);

	/* Upserting the definition keeps health; pausing is separate. */
	add_source(fx->st, "kariya-city", "city");
	assert_int_equal(store_source_set_paused(fx->st, "kariya-city", 1), 0);
	assert_int_equal(store_source_set_paused(fx->st, "nope", 1), 1);
	assert_int_equal(store_source_get(fx->st, "kariya-city", &h), 0);
	assert_int_equal(h.sh_fetches, 5);
	assert_int_equal(h.sh_paused, 1);
	source_health_free(&h);

	assert_int_equal(store_source_get(fx->st, "nope", &h), 1);
	assert_int_equal(store_record_fetch(fx->st, &(struct fetch_outcome){
	    .fo_source = "nope", .fo_attempt = T0 }, NULL), -1);
}

static void
test_paging(void **state)
{
	struct fixture *fx = *state;
	struct posting_query q = { .pq_limit = 7 };
	struct posting_list pl, page, all;
	struct posting *prev = NULL, *p;
	char guid[32], *ids[40];
	size_t i, j, seen = 0;

	open_store(fx);
	add_source(fx->st, "a", "city");
	add_source(fx->st, "b", "civic");
	/* 30 postings over 4 fetches: many share a date_modified. */
	for (i = 0; i < 30; i++) {
		posting_list_init(&pl);
		snprintf(guid, sizeof(guid), "g%zu", i);
		posting_list_push(&pl, entry(guid, guid, T0));
		assert_int_equal(fetch_ok(fx->st, i % 2 ? "a" : "b",
		    T0 + (int64_t)(i % 4) * 60, &pl, NULL), 0);
		posting_list_clear(&pl);
	}
	assert_int_equal(store_postings_count(fx->st), 30);

	posting_list_init(&all);
	assert_int_equal(store_postings_query(fx->st,
	    &(struct posting_query){ 0 }, &all), 0);
	assert_int_equal(all.pl_len, 30);

	posting_list_init(&page);
	for (;;) {
		i = page.pl_len;
		assert_int_equal(store_postings_query(fx->st, &q, &page), 0);
		if (page.pl_len == i)
			break;
		assert_true(page.pl_len - i <= 7);
		for (j = i; j < page.pl_len; j++) {
			p = page.pl_items[j];
			if (prev != NULL) {
				/* Strictly descending by (modified, seq). */
				assert_true(p->pst_modified <
				    prev->pst_modified ||
				    (p->pst_modified == prev->pst_modified &&
				    p->pst_seq < prev->pst_seq));
			}
			assert_string_equal(p->pst_id,
			    all.pl_items[seen]->pst_id);
			ids[seen++] = p->pst_id;
			prev = p;
		}
		q.pq_after_modified = prev->pst_modified;
		q.pq_after_seq = prev->pst_seq;
	}
	assert_int_equal(seen, 30);
	for (i = 0; i < seen; i++)
		for (j = i + 1; j < seen; j++)
			assert_string_not_equal(ids[i], ids[j]);
	assert_int_equal(all.pl_items[0]->pst_modified, T0 + 180);
	posting_list_clear(&page);
	posting_list_clear(&all);
}

/*
 * Within one second the later change comes first: a posting updated in
 * the second of two newer ones moves above them, so it is on the first
 * page, and a first page that did not change means nothing changed (what
 * a neighbour paging with conditional GET relies on).  Ties used to be
 * broken by id, which could leave the change on the second page.
 */
static void
test_paging_same_second(void **state)
{
	struct fixture *fx = *state;
	struct posting_query q = { .pq_limit = 1 };
	struct posting_list pl, page;
	const char *guids[] = { "z-first", "m-second", "a-third" };
	struct posting *p;
	size_t i;

	open_store(fx);
	add_source(fx->st, "a", "city");
	for (i = 0; i < 3; i++) {
		posting_list_init(&pl);
		posting_list_push(&pl, entry(guids[i], guids[i], T0));
		assert_int_equal(fetch_ok(fx->st, "a", T0, &pl, NULL), 0);
		posting_list_clear(&pl);
	}
	posting_list_init(&page);
	assert_int_equal(store_postings_query(fx->st, &q, &page), 0);
	assert_string_equal(page.pl_items[0]->pst_title, "a-third");
	posting_list_clear(&page);
	/* The first one changes, in the same second. */
	posting_list_init(&pl);
	p = entry("z-first", "z-first (changed)", T0);
	posting_list_push(&pl, p);
	assert_int_equal(fetch_ok(fx->st, "a", T0, &pl, NULL), 0);
	posting_list_clear(&pl);
	posting_list_init(&page);
	assert_int_equal(store_postings_query(fx->st, &q, &page), 0);
	assert_int_equal(page.pl_len, 1);
	assert_string_equal(page.pl_items[0]->pst_title, "z-first (changed)");
	/* And the page after it holds the other two, newest change first. */
	q.pq_after_modified = page.pl_items[0]->pst_modified;
	q.pq_after_seq = page.pl_items[0]->pst_seq;
	q.pq_limit = 0;
	posting_list_clear(&page);
	posting_list_init(&page);
	assert_int_equal(store_postings_query(fx->st, &q, &page), 0);
	assert_int_equal(page.pl_len, 2);
	assert_string_equal(page.pl_items[0]->pst_title, "a-third");
	assert_string_equal(page.pl_items[1]->pst_title, "m-second");
	posting_list_clear(&page);
}

static void
test_restart(void **state)
{
	struct fixture *fx = *state;
	struct posting_list pl;
	struct source_health h;
	struct apply_stats as;
	struct posting *before, *after;
	int64_t gen;

	open_store(fx);
	add_source(fx->st, "kariya-city", "city");
	posting_list_init(&pl);
	posting_list_push(&pl, entry("guid-1", "公園清掃", T0));
	pl.pl_items[0]->pst_capacity = 20;
	posting_set(&pl.pl_items[0]->pst_fee, "無料");
	assert_int_equal(fetch_ok(fx->st, "kariya-city", T0, &pl, &as), 0);
	gen = store_generation(fx->st);
	assert_int_equal(store_posting_get(fx->st, "pcb08fd07e44d97ffd1f1",
	    &before), 0);

	reopen(fx);
	assert_int_equal(store_generation(fx->st), gen);
	assert_int_equal(store_postings_count(fx->st), 1);
	assert_int_equal(store_posting_get(fx->st, before->pst_id, &after),
	    0);
	assert_string_equal(after->pst_title, before->pst_title);
	assert_string_equal(after->pst_fee, "無料");
	assert_int_equal(after->pst_capacity, 20);
	assert_int_equal(after->pst_modified, before->pst_modified);
	posting_free(after);
	posting_free(before);
	assert_int_equal(store_source_get(fx->st, "kariya-city", &h), 0);
	assert_int_equal(h.sh_fetches, 1);
	assert_int_equal(h.sh_postings, 1);
	source_health_free(&h);

	/* After the restart the entry is still known: unchanged, and a
	 * change still grows the generation past the one before. */
	assert_int_equal(fetch_ok(fx->st, "kariya-city", T0 + 60, &pl, &as),
	    0);
	assert_stats(&as, 0, 0, 1);
	posting_set(&pl.pl_items[0]->pst_title, "公園清掃 2");
	assert_int_equal(fetch_ok(fx->st, "kariya-city", T0 + 120, &pl, &as),
	    0);
	assert_stats(&as, 0, 1, 0);
	assert_int_equal(store_generation(fx->st), gen + 1);
	posting_list_clear(&pl);
}

static void
test_delete_source(void **state)
{
	struct fixture *fx = *state;
	struct source_health *list;
	struct posting_list pl;
	sqlite3 *db;
	int64_t gen;
	size_t n;

	open_store(fx);
	add_source(fx->st, "a", "city");
	add_source(fx->st, "b", "civic");
	posting_list_init(&pl);
	posting_list_push(&pl, entry("1", "one", T0));
	posting_list_push(&pl, entry("2", "two", T0));
	assert_int_equal(fetch_ok(fx->st, "a", T0, &pl, NULL), 0);
	posting_list_clear(&pl);
	/* Other events at b (the same ones would be merged). */
	posting_list_push(&pl, entry("1", "雪かき", T0));
	posting_list_push(&pl, entry("2", "落ち葉拾い", T0));
	assert_int_equal(fetch_ok(fx->st, "b", T0, &pl, NULL), 0);
	posting_list_clear(&pl);
	assert_int_equal(store_postings_count(fx->st), 4);

	/* Let b's entry "shared" also carry a's posting "1", as a dedup
	 * cluster will: that posting must survive a's deletion. */
	db = raw_open(fx);
	raw_exec(db, "PRAGMA foreign_keys = ON;"
	    "INSERT INTO entries (source, entry_key, posting_id, digest, "
	    "first_seen, last_seen) SELECT 'b', 'shared', posting_id, digest, "
	    "0, 0 FROM entries WHERE source = 'a' AND entry_key = '1'");
	sqlite3_close(db);

	gen = store_generation(fx->st);
	assert_int_equal(store_source_delete(fx->st, "a"), 0);
	assert_int_equal(store_postings_count(fx->st), 3);
	assert_int_equal(store_generation(fx->st), gen + 1);
	assert_int_equal(store_source_get(fx->st, "a", &(struct source_health){
	    0 }), 1);
	assert_int_equal(store_source_list(fx->st, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].sh_name, "b");
	assert_int_equal(list[0].sh_postings, 3);
	store_source_list_free(list, n);

	db = raw_open(fx);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM entries "
	    "WHERE source = 'a'"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM postings p WHERE "
	    "NOT EXISTS (SELECT 1 FROM entries e WHERE e.posting_id = p.id)"),
	    0);
	sqlite3_close(db);

	assert_int_equal(store_source_delete(fx->st, "a"), 1);
	assert_int_equal(store_source_delete(fx->st, "b"), 0);
	assert_int_equal(store_postings_count(fx->st), 0);
	assert_int_equal(store_source_list(fx->st, &list, &n), 0);
	assert_int_equal(n, 0);
	store_source_list_free(list, n);
}

static void
test_failure_rolls_back(void **state)
{
	struct fixture *fx = *state;
	struct source_health h;
	struct posting_list pl;
	struct apply_stats as;
	sqlite3 *db;

	open_store(fx);
	add_source(fx->st, "a", "city");
	/* The third entry of the fetch fails deep inside the transaction,
	 * after the health update and two postings were written. */
	db = raw_open(fx);
	raw_exec(db, "CREATE TRIGGER boom BEFORE INSERT ON entries "
	    "WHEN NEW.entry_key = 'boom' "
	    "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
	sqlite3_close(db);

	posting_list_init(&pl);
	posting_list_push(&pl, entry("1", "one", T0));
	posting_list_push(&pl, entry("2", "two", T0));
	posting_list_push(&pl, entry("boom", "boom", T0));
	as.as_added = 42;
	assert_int_equal(fetch_ok(fx->st, "a", T0, &pl, &as), -1);
	assert_stats(&as, 0, 0, 0);
	assert_int_equal(store_postings_count(fx->st), 0);
	assert_int_equal(store_generation(fx->st), 0);
	/* The row is as it was; its health says the poll was lost. */
	db = raw_open(fx);
	assert_int_equal(raw_int(db, "SELECT fetches + last_attempt FROM "
	    "sources WHERE name = 'a'"), 0);
	sqlite3_close(db);
	assert_int_equal(store_source_get(fx->st, "a", &h), 0);
	assert_int_equal(h.sh_fetches, 1);
	assert_int_equal(h.sh_errors, 1);
	assert_int_equal(h.sh_last_attempt, T0);
	assert_string_equal(h.sh_error_code, "store");
	assert_null(h.sh_etag);
	assert_int_equal(h.sh_postings, 0);
	source_health_free(&h);

	/* The store is usable afterwards, and nothing leaked into it. */
	posting_free(pl.pl_items[2]);
	pl.pl_len = 2;
	assert_int_equal(fetch_ok(fx->st, "a", T0 + 60, &pl, &as), 0);
	assert_stats(&as, 2, 0, 0);
	assert_int_equal(store_generation(fx->st), 1);
	reopen(fx);
	assert_int_equal(store_postings_count(fx->st), 2);
	assert_int_equal(store_generation(fx->st), 1);
	posting_list_clear(&pl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrations, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_fetch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_keys, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_health, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paging_same_second, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_source, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failure_rolls_back, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
