/*
 * test_dedup_store.c — deduplication in the store (issue 4), on real
 * files: four sources and one posting per event, stable ids across
 * restarts and fetch orders, one update for a change, postings bridged by
 * a later record, hard negatives, the identity fallbacks, snapshot
 * withdrawal, closing, the policy, the explanation, federation and
 * moderation, and records from before 004_dedup.sql.
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

#include "date.h"
#include "lifecycle.h"
#include "posting.h"
#include "store.h"

#define T0	INT64_C(1772326800)	/* 2026-03-01T10:00:00+09:00 */
#define MIN	60

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
	snprintf(fx->dir, sizeof(fx->dir), "%s/tsunagu-dedup-XXXXXX", tmp);
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
reopen(struct fixture *fx)
{
	store_close(fx->st);
	assert_int_equal(store_open(fx->path, &fx->st), 0);
}

static void
source(struct fixture *fx, const char *name, const char *kind,
    const char *format)
{
	struct source_def sd = {
		.sd_name = name, .sd_url = "https://example.org/feed",
		.sd_kind = kind, .sd_format = format, .sd_interval = 300,
		.sd_origin = "config",
	};

	assert_int_equal(store_source_upsert(fx->st, &sd), 0);
}

static void
four_sources(struct fixture *fx)
{
	source(fx, "city", "city", "rss");
	source(fx, "shakyo", "shakyo", "atom");
	source(fx, "aisin", "corporate", "jsonfeed");
	source(fx, "npo", "civic", "rss");
}

/* A normalized record as a parser and normalize_posting() leave it. */
static struct posting *
ev(const char *guid, const char *link, const char *title, const char *start,
    const char *place)
{
	struct posting *p = posting_new();

	posting_set(&p->pst_guid, guid);
	posting_set(&p->pst_link, link);
	posting_set(&p->pst_title, title);
	posting_set(&p->pst_start, start);
	p->pst_all_day = start != NULL && strlen(start) == 10;
	posting_set(&p->pst_place, place);
	posting_set(&p->pst_area, "232106");
	posting_set(&p->pst_summary, title);
	return p;
}

/* A successful fetch of the postings given (consumed), at t. */
static struct apply_stats
fetch(struct fixture *fx, const char *src, int64_t t, int snapshot, ...)
{
	struct posting_list pl;
	struct fetch_outcome fo = {
		.fo_source = src, .fo_attempt = t, .fo_http_status = 200,
		.fo_next_poll = t + 300, .fo_entries = &pl,
		.fo_snapshot = snapshot,
	};
	struct apply_stats as;
	struct posting *p;
	va_list ap;

	posting_list_init(&pl);
	va_start(ap, snapshot);
	while ((p = va_arg(ap, struct posting *)) != NULL)
		posting_list_push(&pl, p);
	va_end(ap);
	assert_int_equal(store_record_fetch(fx->st, &fo, &as), 0);
	posting_list_clear(&pl);
	return as;
}

static void
stats(struct apply_stats as, int added, int updated, int unchanged)
{
	if (as.as_added != added || as.as_updated != updated ||
	    as.as_unchanged != unchanged)
		fail_msg("stats %d/%d/%d, want %d/%d/%d", as.as_added,
		    as.as_updated, as.as_unchanged, added, updated, unchanged);
}

static sqlite3 *
raw(struct fixture *fx)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

static int64_t
raw_int(struct fixture *fx, const char *fmt, ...)
{
	char sql[512];
	sqlite3 *db = raw(fx);
	sqlite3_stmt *stmt;
	int64_t v = -1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

static void
raw_exec(struct fixture *fx, const char *sql)
{
	sqlite3 *db = raw(fx);
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* The posting a record is in (static buffer). */
static const char *
posting_of(struct fixture *fx, const char *src, const char *key)
{
	static char id[32];
	char sql[512];
	sqlite3 *db = raw(fx);
	sqlite3_stmt *stmt;

	snprintf(sql, sizeof(sql), "SELECT posting_id FROM entries WHERE "
	    "source = '%s' AND entry_key = '%s'", src, key);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	id[0] = '\0';
	if (sqlite3_step(stmt) == SQLITE_ROW)
		snprintf(id, sizeof(id), "%s", sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	if (id[0] == '\0')
		fail_msg("no record %s of %s", key, src);
	return id;
}

static struct posting *
get(struct fixture *fx, const char *id)
{
	struct posting *p = NULL;

	assert_int_equal(store_posting_get(fx->st, id, &p), 0);
	return p;
}

static int64_t
published(struct fixture *fx)
{
	return raw_int(fx, "SELECT count(*) FROM postings "
	    "WHERE status <> 'withdrawn'");
}

/* The same event at four sources, each in its own words and page. */
static void
fetch_all_four(struct fixture *fx, int64_t t, const char *const *order)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		const char *s = order[i];

		if (strcmp(s, "city") == 0)
			fetch(fx, s, t + (int64_t)i * MIN, 0,
			    ev("city-1", "https://www.city.kariya.lg.jp/v/1.html",
			    "刈谷市総合防災訓練 避難所運営",
			    "2026-08-30T08:00:00+09:00", "刈谷市立小垣江小学校"),
			    ev("city-2", "https://www.city.kariya.lg.jp/v/2.html",
			    "夏休み子どもボランティア体験",
			    "2026-07-25T09:30:00+09:00", "刈谷市総合文化センター"),
			    ev("city-3", "https://www.city.kariya.lg.jp/v/3.html",
			    "刈谷駅前 花壇の手入れ", "2026-04-26T08:00:00+09:00",
			    "刈谷駅前花壇"), NULL);
		else if (strcmp(s, "shakyo") == 0)
			fetch(fx, s, t + (int64_t)i * MIN, 0,
			    ev("tag:shakyo,2026:1", "https://shakyo.example/1/",
			    "［募集］総合防災訓練 避難所運営ボランティア",
			    "2026-08-30", "小垣江小学校"),
			    ev("tag:shakyo,2026:2", "https://shakyo.example/2/",
			    "夏休み子どもボランティア体験 ボランティア募集のお知らせ",
			    "2026-07-25T09:30:00+09:00", "総合文化センター"), NULL);
		else if (strcmp(s, "aisin") == 0)
			fetch(fx, s, t + (int64_t)i * MIN, 0,
			    ev(NULL, "http://WWW.City.Kariya.lg.jp/v/1.html"
			    "?utm_source=aisin&utm_medium=intra",
			    "【地域貢献】刈谷市総合防災訓練 避難所運営",
			    "2026-08-30T08:00:00+09:00", NULL),
			    ev(NULL, "https://vc.aisin.example/posts/7",
			    "社員食堂フードロス削減ワークショップ",
			    "2026-05-13T12:00:00+09:00", "アイシン本社"), NULL);
		else
			fetch(fx, s, t + (int64_t)i * MIN, 0,
			    ev(NULL, "https://npo.example/blog/1",
			    "《仲間募集》刈谷市総合防災訓練 避難所運営",
			    "2026-08-30T08:00:00+09:00", "小垣江小学校"),
			    ev(NULL, "https://npo.example/blog/2",
			    "★夏休み子どもボランティア体験★",
			    "2026-07-25T09:30:00+09:00", NULL), NULL);
	}
}

static const char *const order_a[] = { "city", "shakyo", "aisin", "npo" };
static const char *const order_b[] = { "npo", "aisin", "shakyo", "city" };

static void
test_four_sources(void **state)
{
	struct fixture *fx = *state;
	struct posting_record *pr;
	struct posting *p;
	char drill[32];
	size_t n, i;

	four_sources(fx);
	fetch_all_four(fx, T0, order_b);
	/* Five events: the drill at four sources, the children's day at
	 * three, the flower bed and the workshop at one each. */
	assert_int_equal(published(fx), 4);
	snprintf(drill, sizeof(drill), "%s", posting_of(fx, "city", "city-1"));
	assert_string_equal(posting_of(fx, "npo",
	    "https://npo.example/blog/1"), drill);
	assert_string_equal(posting_of(fx, "shakyo", "tag:shakyo,2026:1"),
	    drill);
	p = get(fx, drill);
	/* The city's fields win; every source is listed. */
	assert_string_equal(p->pst_title, "刈谷市総合防災訓練 避難所運営");
	assert_string_equal(p->pst_kind, "city");
	assert_string_equal(p->pst_start, "2026-08-30T08:00:00+09:00");
	assert_int_equal(p->pst_nrefs, 4);
	assert_string_equal(p->pst_refs[0].ref_source, "city");
	assert_string_equal(p->pst_refs[1].ref_source, "shakyo");
	assert_string_equal(p->pst_refs[2].ref_source, "aisin");
	assert_string_equal(p->pst_refs[3].ref_source, "npo");
	assert_int_equal(p->pst_status, POSTING_OPEN);
	posting_free(p);

	/* Why each record is in it. */
	assert_int_equal(store_posting_records(fx->st, drill, &pr, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(pr[0].pr_rule, "first");
	assert_string_equal(pr[0].pr_source, "npo");
	for (i = 1; i < n; i++) {
		if (strcmp(pr[i].pr_source, "aisin") == 0) {
			/* The city's page with the company's tracking. */
			assert_string_equal(pr[i].pr_identity, "link");
			assert_true(strcmp(pr[i].pr_rule, "url") == 0 ||
			    strcmp(pr[i].pr_rule, "similar") == 0);
		} else if (strcmp(pr[i].pr_rule, "similar") == 0) {
			assert_true(pr[i].pr_score >= 0.7);
			assert_non_null(pr[i].pr_match_source);
		}
	}
	store_posting_records_free(pr, n);
	assert_int_equal(store_posting_records(fx->st, "pnone", &pr, &n), 0);
	assert_int_equal(n, 0);
	store_posting_records_free(pr, n);
}

/* Every record's posting, as "source key posting" lines. */
static char *
assignment(struct fixture *fx)
{
	sqlite3 *db = raw(fx);
	sqlite3_stmt *stmt;
	size_t len = 0;
	char *out = calloc(1, 65536);

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT source, entry_key, "
	    "posting_id FROM entries ORDER BY source, entry_key", -1, &stmt,
	    NULL), SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW)
		len += (size_t)snprintf(out + len, 65536 - len, "%s %s %s\n",
		    sqlite3_column_text(stmt, 0), sqlite3_column_text(stmt, 1),
		    sqlite3_column_text(stmt, 2));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return out;
}

static void
test_restart_other_order(void **state)
{
	struct fixture *fx = *state;
	char *before, *after;
	int64_t gen, changes, revisions;

	four_sources(fx);
	fetch_all_four(fx, T0, order_a);
	before = assignment(fx);
	gen = store_generation(fx->st);
	changes = raw_int(fx, "SELECT count(*) FROM posting_changes");
	revisions = raw_int(fx, "SELECT sum(revision) FROM postings");
	reopen(fx);
	/* Re-fetched in the other order: nothing new, nothing changed. */
	fetch_all_four(fx, T0 + 3600, order_b);
	after = assignment(fx);
	assert_string_equal(before, after);
	assert_int_equal(store_generation(fx->st), gen);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM posting_changes"),
	    changes);
	assert_int_equal(raw_int(fx, "SELECT sum(revision) FROM postings"),
	    revisions);
	free(before);
	free(after);
}

static void
test_same_ids_whatever_the_document_order(void **state)
{
	struct fixture *fx = *state;
	char *one, *two, c1[32];

	source(fx, "city", "city", "rss");
	source(fx, "npo", "civic", "rss");
	fetch(fx, "city", T0, 0,
	    ev("c1", "https://c.example/1", "初心者スマホ教室",
	    "2026-06-16T10:30:00+09:00", "市役所会議室"),
	    ev("c2", "https://c.example/2", "初心者スマホ教室",
	    "2026-06-16T13:30:00+09:00", "市役所会議室"), NULL);
	/* A record without a time matches both sessions: it waits while its
	 * sibling of the same fetch takes the one it belongs to. */
	fetch(fx, "npo", T0 + MIN, 0,
	    ev(NULL, "https://n.example/b", "初心者スマホ教室",
	    "2026-06-16T13:30:00+09:00", NULL),
	    ev(NULL, "https://n.example/a", "初心者スマホ教室",
	    "2026-06-16", NULL), NULL);
	one = assignment(fx);
	assert_int_equal(published(fx), 2);
	snprintf(c1, sizeof(c1), "%s", posting_of(fx, "city", "c1"));
	assert_string_equal(posting_of(fx, "npo", "https://n.example/a"), c1);

	/* Another database, the documents in the other order. */
	store_close(fx->st);
	unlink(fx->path);
	assert_int_equal(store_open(fx->path, &fx->st), 0);
	source(fx, "city", "city", "rss");
	source(fx, "npo", "civic", "rss");
	fetch(fx, "city", T0, 0,
	    ev("c2", "https://c.example/2", "初心者スマホ教室",
	    "2026-06-16T13:30:00+09:00", "市役所会議室"),
	    ev("c1", "https://c.example/1", "初心者スマホ教室",
	    "2026-06-16T10:30:00+09:00", "市役所会議室"), NULL);
	fetch(fx, "npo", T0 + MIN, 0,
	    ev(NULL, "https://n.example/a", "初心者スマホ教室",
	    "2026-06-16", NULL),
	    ev(NULL, "https://n.example/b", "初心者スマホ教室",
	    "2026-06-16T13:30:00+09:00", NULL), NULL);
	two = assignment(fx);
	assert_string_equal(one, two);
	free(one);
	free(two);
}

static void
test_one_update(void **state)
{
	struct fixture *fx = *state;
	struct posting *p;
	struct apply_stats as;
	char drill[32];
	int64_t changes, postings, revision, modified;

	four_sources(fx);
	fetch_all_four(fx, T0, order_a);
	snprintf(drill, sizeof(drill), "%s", posting_of(fx, "city", "city-1"));
	postings = raw_int(fx, "SELECT count(*) FROM postings");
	changes = raw_int(fx, "SELECT count(*) FROM posting_changes "
	    "WHERE posting_id = '%s'", drill);
	p = get(fx, drill);
	revision = p->pst_revision;
	modified = p->pst_modified;
	posting_free(p);
	/* The civic group fixes its start time: its record changes, but
	 * the city's time wins, so the posting does not. */
	as = fetch(fx, "npo", T0 + 3600, 0,
	    ev(NULL, "https://npo.example/blog/1",
	    "《仲間募集》刈谷市総合防災訓練 避難所運営",
	    "2026-08-30T08:00:00+09:00", "刈谷市立小垣江小学校"),
	    ev(NULL, "https://npo.example/blog/2",
	    "★夏休み子どもボランティア体験★",
	    "2026-07-25T09:30:00+09:00", NULL), NULL);
	stats(as, 0, 0, 1);
	p = get(fx, drill);
	assert_int_equal(p->pst_revision, revision);
	assert_int_equal(p->pst_modified, modified);
	posting_free(p);
	/* The city changes its title: one update of the one posting. */
	as = fetch(fx, "city", T0 + 7200, 0,
	    ev("city-1", "https://www.city.kariya.lg.jp/v/1.html",
	    "刈谷市総合防災訓練 避難所運営 (雨天決行)",
	    "2026-08-30T08:00:00+09:00", "刈谷市立小垣江小学校"),
	    ev("city-2", "https://www.city.kariya.lg.jp/v/2.html",
	    "夏休み子どもボランティア体験", "2026-07-25T09:30:00+09:00",
	    "刈谷市総合文化センター"),
	    ev("city-3", "https://www.city.kariya.lg.jp/v/3.html",
	    "刈谷駅前 花壇の手入れ", "2026-04-26T08:00:00+09:00",
	    "刈谷駅前花壇"), NULL);
	stats(as, 0, 1, 2);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM postings"),
	    postings);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM posting_changes "
	    "WHERE posting_id = '%s'", drill), changes + 1);
	p = get(fx, drill);
	assert_int_equal(p->pst_revision, revision + 1);
	assert_int_equal(p->pst_modified, T0 + 7200);
	assert_string_equal(p->pst_title,
	    "刈谷市総合防災訓練 避難所運営 (雨天決行)");
	assert_int_equal(p->pst_nrefs, 4);
	posting_free(p);
}

static void
test_bridge(void **state)
{
	struct fixture *fx = *state;
	struct posting_merge *pm;
	struct posting *p;
	char x[32], y[32];
	size_t n;

	four_sources(fx);
	fetch(fx, "city", T0, 0, ev("x", "https://c.example/x", "防災キャンプ",
	    "2026-08-22T13:00:00+09:00", NULL), NULL);
	fetch(fx, "npo", T0 + MIN, 0, ev("y", "https://n.example/y",
	    "親子キャンプ", "2026-08-22", "青少年の家"), NULL);
	snprintf(x, sizeof(x), "%s", posting_of(fx, "city", "x"));
	snprintf(y, sizeof(y), "%s", posting_of(fx, "npo", "y"));
	assert_string_not_equal(x, y);
	/* Alike to both (to the second at one place): one event. */
	stats(fetch(fx, "shakyo", T0 + 2 * MIN, 0, ev("r",
	    "https://s.example/r", "親子防災キャンプ", "2026-08-22",
	    "青少年の家"), NULL), 0, 2, 0);
	assert_string_equal(posting_of(fx, "npo", "y"), x);
	assert_string_equal(posting_of(fx, "shakyo", "r"), x);
	p = get(fx, y);
	assert_int_equal(p->pst_status, POSTING_WITHDRAWN);
	assert_string_equal(p->pst_duplicate_of, x);
	assert_int_equal(p->pst_revision, 2);
	posting_free(p);
	p = get(fx, x);
	assert_int_equal(p->pst_status, POSTING_OPEN);
	assert_int_equal(p->pst_nrefs, 3);
	assert_int_equal(p->pst_revision, 2);
	posting_free(p);
	assert_int_equal(store_posting_merges(fx->st, x, &pm, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pm[0].pm_merged, y);
	assert_string_equal(pm[0].pm_source, "shakyo");
	assert_string_equal(pm[0].pm_rule, "similar");
	assert_true(pm[0].pm_score >= 0.7);
	store_posting_merges_free(pm, n);
	/* Fetched again, in any order: nothing moves. */
	stats(fetch(fx, "npo", T0 + 600, 0, ev("y", "https://n.example/y",
	    "親子キャンプ", "2026-08-22", "青少年の家"), NULL), 0, 0, 1);
	stats(fetch(fx, "city", T0 + 660, 0, ev("x", "https://c.example/x",
	    "防災キャンプ", "2026-08-22T13:00:00+09:00", NULL), NULL), 0, 0, 1);
}

static void
test_changed_record_bridges(void **state)
{
	struct fixture *fx = *state;
	struct posting *p;
	char x[32], y[32];

	four_sources(fx);
	fetch(fx, "city", T0, 0, ev("x", "https://c.example/x",
	    "ホタル観察会 運営スタッフ", "2026-06-13T18:30:00+09:00", NULL),
	    NULL);
	/* Without a date, the civic record cannot be matched yet. */
	fetch(fx, "npo", T0 + MIN, 0, ev("y", "https://n.example/y",
	    "ホタル観察会のお手伝い", NULL, NULL), NULL);
	snprintf(x, sizeof(x), "%s", posting_of(fx, "city", "x"));
	snprintf(y, sizeof(y), "%s", posting_of(fx, "npo", "y"));
	assert_string_not_equal(x, y);
	/* Its date comes: its posting goes into the older one. */
	fetch(fx, "npo", T0 + 2 * MIN, 0, ev("y", "https://n.example/y",
	    "ホタル観察会のお手伝い", "2026-06-13", NULL), NULL);
	assert_string_equal(posting_of(fx, "npo", "y"), x);
	p = get(fx, y);
	assert_int_equal(p->pst_status, POSTING_WITHDRAWN);
	assert_string_equal(p->pst_duplicate_of, x);
	posting_free(p);
}

static void
test_hard_negatives(void **state)
{
	struct fixture *fx = *state;
	struct posting *chiryu;

	four_sources(fx);
	chiryu = ev(NULL, "https://n.example/4", "クリーンキャンペーン 一斉清掃",
	    "2026-06-28T08:00:00+09:00", NULL);
	posting_set(&chiryu->pst_area, "232254");
	fetch(fx, "city", T0, 0,
	    /* a monthly event */
	    ev("m1", "https://c.example/m1", "いきいきサロン お茶会",
	    "2026-05-13T13:30:00+09:00", "小垣江市民センター"),
	    /* the same title, another municipality */
	    ev("k1", "https://c.example/k1", "クリーンキャンペーン 一斉清掃",
	    "2026-06-28T08:00:00+09:00", NULL),
	    /* two events at one place on one day */
	    ev("p1", "https://c.example/p1", "防災訓練",
	    "2026-09-06T09:00:00+09:00", "総合運動公園"),
	    /* one title at two branches */
	    ev("b1", "https://c.example/b1", "土曜おはなし会",
	    "2026-10-10T11:00:00+09:00", "刈谷市中央図書館"), NULL);
	fetch(fx, "npo", T0 + MIN, 0,
	    ev(NULL, "https://n.example/1", "いきいきサロン お茶会",
	    "2026-06-10T13:30:00+09:00", "小垣江市民センター"),
	    chiryu,
	    ev(NULL, "https://n.example/2", "少年サッカー大会 運営補助",
	    "2026-09-06T09:00:00+09:00", "総合運動公園"),
	    ev(NULL, "https://n.example/3", "土曜おはなし会",
	    "2026-10-10T11:00:00+09:00", "城町図書館"), NULL);
	assert_int_equal(published(fx), 8);
}

/*
 * One title at one hour in two gyms: the city's rows name only their
 * addresses, the civic group and the council name the gyms.  Whatever
 * arrives first, each posting of the others goes to the row whose town
 * its gym carries, through the real store (schema 010's address_key).
 */
/* A city's row of the badminton at one gym: its key and address. */
static struct posting *
gym_row(const char *key, const char *address)
{
	struct posting *p = ev(key, "https://c.example/sports",
	    "ふれあいスポーツ成人バドミントン(亀有・新小岩)",
	    "2022-01-28T09:00:00+09:00", NULL);

	posting_set(&p->pst_address, address);
	return p;
}

static void
two_gyms(struct fixture *fx, int city_first)
{
	struct posting *oh, *nishi;
	int i;

	oh = gym_row("r1", "東京都葛飾区お花茶屋3-5-6");
	nishi = gym_row("r2", "東京都葛飾区西新小岩4-33-10");
	for (i = 0; i < 2; i++) {
		if ((i == 0) == city_first)
			fetch(fx, "city", T0 + i * MIN, 0, oh, nishi, NULL);
		else {
			fetch(fx, "npo", T0 + i * MIN, 0,
			    ev(NULL, "https://n.example/b", "《仲間募集》ふれあい"
			    "スポーツ成人バドミントン",
			    "2022-01-28T09:00:00+09:00",
			    "西新小岩 スポーツセンター"), NULL);
			fetch(fx, "shakyo", T0 + i * MIN + 1, 0,
			    ev("s1", "https://s.example/b", "ふれあいスポーツ"
			    "成人バドミントン(亀有・新小岩)のお知らせ",
			    "2022-01-28T09:00:00+09:00",
			    "お花茶屋 スポーツセンター"), NULL);
		}
	}
}

/* Two postings: the 西新小岩 gym's with the city's r2, お花茶屋's with r1. */
static void
two_gyms_placed(struct fixture *fx)
{
	char id[32];

	assert_int_equal(published(fx), 2);
	snprintf(id, sizeof(id), "%s", posting_of(fx, "city", "r2"));
	assert_string_equal(posting_of(fx, "npo", "https://n.example/b"), id);
	snprintf(id, sizeof(id), "%s", posting_of(fx, "city", "r1"));
	assert_string_equal(posting_of(fx, "shakyo", "s1"), id);
}

static void
test_two_gyms(void **state)
{
	struct fixture *fx = *state;

	four_sources(fx);
	two_gyms(fx, 0);
	two_gyms_placed(fx);
	/* The address key is kept with the record. */
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM entries WHERE "
	    "source = 'city' AND address_key = '西新小岩43310'"), 1);
}

static void
test_two_gyms_city_first(void **state)
{
	struct fixture *fx = *state;

	four_sources(fx);
	two_gyms(fx, 1);
	two_gyms_placed(fx);
}

/* Only the civic group's posting before the city's two rows: the row of
 * お花茶屋 would take it, placed first, but its sibling of 西新小岩 is
 * the one the gym confirms, and goes first. */
static void
test_two_gyms_rivals(void **state)
{
	struct fixture *fx = *state;
	struct posting *oh, *nishi;
	char id[32];

	four_sources(fx);
	fetch(fx, "npo", T0, 0, ev(NULL, "https://n.example/b",
	    "《仲間募集》ふれあいスポーツ成人バドミントン",
	    "2022-01-28T09:00:00+09:00", "西新小岩 スポーツセンター"), NULL);
	oh = gym_row("r1", "東京都葛飾区お花茶屋3-5-6");
	nishi = gym_row("r2", "東京都葛飾区西新小岩4-33-10");
	fetch(fx, "city", T0 + MIN, 0, oh, nishi, NULL);
	assert_int_equal(published(fx), 2);
	snprintf(id, sizeof(id), "%s", posting_of(fx, "city", "r2"));
	assert_string_equal(posting_of(fx, "npo", "https://n.example/b"), id);
	assert_string_not_equal(posting_of(fx, "city", "r1"), id);
}

static void
test_every_guid_the_same(void **state)
{
	struct fixture *fx = *state;
	struct source_identity si;

	source(fx, "cms", "city", "rss");
	fetch(fx, "cms", T0, 0,
	    ev("urn:cms:item", "https://cms.example/1", "花壇の手入れ",
	    "2026-04-26T08:00:00+09:00", NULL),
	    ev("urn:cms:item", "https://cms.example/2", "夏まつり運営",
	    "2026-07-18T15:00:00+09:00", NULL),
	    ev("urn:cms:item", "https://cms.example/3", "敬老会 お手伝い",
	    "2026-09-13T09:00:00+09:00", NULL), NULL);
	assert_int_equal(published(fx), 3);
	assert_int_equal(store_source_identity_mode(fx->st, "cms", &si), 0);
	assert_string_equal(si.si_mode, "link");
	assert_non_null(strstr(si.si_reason, "same one"));
	assert_int_equal(si.si_since, T0);
	source_identity_free(&si);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM entries WHERE "
	    "identity = 'link' AND entry_key LIKE 'https://cms.example/%%'"), 3);
	/* A source that never fetched is known by guid. */
	assert_int_equal(store_source_identity_mode(fx->st, "other", &si), 0);
	assert_string_equal(si.si_mode, "guid");
	assert_null(si.si_reason);
	source_identity_free(&si);
	/* One guid listed twice on one page: one item, the last wins. */
	source(fx, "dup", "civic", "rss");
	fetch(fx, "dup", T0, 0,
	    ev("d", "https://dup.example/d", "一度目", "2026-05-01", NULL),
	    ev("d", "https://dup.example/d", "二度目", "2026-05-01", NULL),
	    NULL);
	assert_int_equal(store_source_identity_mode(fx->st, "dup", &si), 0);
	assert_string_equal(si.si_mode, "guid");
	source_identity_free(&si);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM entries WHERE "
	    "source = 'dup'"), 1);
}

static void
test_guids_change(void **state)
{
	struct fixture *fx = *state;
	struct source_identity si;
	struct apply_stats as;
	char one[32];

	source(fx, "city", "city", "rss");
	fetch(fx, "city", T0, 0,
	    ev("http://city.example/1", "http://city.example/1", "花壇の手入れ",
	    "2026-04-26T08:00:00+09:00", NULL),
	    ev("http://city.example/2", "http://city.example/2", "夏まつり運営",
	    "2026-07-18T15:00:00+09:00", NULL),
	    ev("http://city.example/3", "http://city.example/3", "敬老会",
	    "2026-09-13T09:00:00+09:00", NULL), NULL);
	snprintf(one, sizeof(one), "%s", posting_of(fx, "city",
	    "http://city.example/1"));
	/* The site moved to https: same items, new guids. */
	as = fetch(fx, "city", T0 + 3600, 0,
	    ev("https://city.example/1", "https://city.example/1",
	    "花壇の手入れ", "2026-04-26T08:00:00+09:00", NULL),
	    ev("https://city.example/2", "https://city.example/2",
	    "夏まつり運営", "2026-07-18T15:00:00+09:00", NULL),
	    ev("https://city.example/3", "https://city.example/3", "敬老会",
	    "2026-09-13T09:00:00+09:00", NULL), NULL);
	/* Carried over: no new posting; each posting is updated once, for
	 * its link changed. */
	stats(as, 0, 3, 0);
	assert_int_equal(published(fx), 3);
	assert_string_equal(posting_of(fx, "city", "https://city.example/1"),
	    one);
	assert_int_equal(store_source_identity_mode(fx->st, "city", &si), 0);
	assert_string_equal(si.si_mode, "link");
	assert_int_equal(si.si_rekeyed, 3);
	assert_non_null(strstr(si.si_reason, "changed"));
	source_identity_free(&si);
	/* From now on by link: the guids may do what they like. */
	as = fetch(fx, "city", T0 + 7200, 0,
	    ev("x1", "https://city.example/1", "花壇の手入れ",
	    "2026-04-26T08:00:00+09:00", NULL),
	    ev("x2", "https://city.example/2", "夏まつり運営",
	    "2026-07-18T15:00:00+09:00", NULL),
	    ev("x3", "https://city.example/3", "敬老会",
	    "2026-09-13T09:00:00+09:00", NULL), NULL);
	assert_int_equal(as.as_added, 0);
	assert_int_equal(published(fx), 3);
	assert_string_equal(posting_of(fx, "city", "https://city.example/1"),
	    one);
}

static void
test_links_fail_too(void **state)
{
	struct fixture *fx = *state;
	struct source_identity si;

	source(fx, "top", "civic", "rss");
	/* No guids, every link the site's top page. */
	fetch(fx, "top", T0, 0,
	    ev(NULL, "https://group.example/", "花壇の手入れ",
	    "2026-04-26T08:00:00+09:00", NULL),
	    ev(NULL, "https://group.example/", "夏まつり運営",
	    "2026-07-18T15:00:00+09:00", NULL), NULL);
	assert_int_equal(published(fx), 2);
	assert_int_equal(store_source_identity_mode(fx->st, "top", &si), 0);
	assert_string_equal(si.si_mode, "content");
	source_identity_free(&si);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM entries WHERE "
	    "identity = 'content' AND entry_key LIKE 'h:%%'"), 2);
	/* The same items again: nothing new. */
	stats(fetch(fx, "top", T0 + 60, 0,
	    ev(NULL, "https://group.example/", "夏まつり運営",
	    "2026-07-18T15:00:00+09:00", NULL),
	    ev(NULL, "https://group.example/", "花壇の手入れ",
	    "2026-04-26T08:00:00+09:00", NULL), NULL), 0, 0, 2);
}

static int64_t
withdraw_after_two(void *arg, const char *src)
{
	(void)arg;
	return strcmp(src, "opendata") == 0 ? 2 : 0;
}

static void
test_snapshot_withdrawal(void **state)
{
	struct fixture *fx = *state;
	struct store_policy sp = { .sp_withdraw_after = withdraw_after_two };
	struct posting *p;
	char gone[32], kept[32];
	int64_t t = T0;

	source(fx, "opendata", "city", "csv");
	source(fx, "npo", "civic", "rss");
	store_set_policy(fx->st, &sp);
	fetch(fx, "opendata", t, 0,
	    ev("1@2026-05-09", "https://od.example/1", "フードドライブ受付",
	    "2026-05-09T10:00:00+09:00", "市役所"),
	    ev("2@2026-06-06", "https://od.example/2", "献血推進キャンペーン",
	    "2026-06-06T10:00:00+09:00", "刈谷駅北口"), NULL);
	fetch(fx, "npo", t + MIN, 0, ev(NULL, "https://n.example/kenketsu",
	    "献血推進キャンペーン", "2026-06-06T10:00:00+09:00", NULL), NULL);
	snprintf(gone, sizeof(gone), "%s", posting_of(fx, "opendata",
	    "1@2026-05-09"));
	snprintf(kept, sizeof(kept), "%s", posting_of(fx, "opendata",
	    "2@2026-06-06"));
	/* Both rows leave the file: one fetch without them is not enough. */
	stats(fetch(fx, "opendata", t += 3600, 0, ev("3@2026-07-01",
	    "https://od.example/3", "七夕かざり", "2026-07-01", NULL), NULL),
	    1, 0, 0);
	p = get(fx, gone);
	assert_int_equal(p->pst_status, POSTING_OPEN);
	posting_free(p);
	/* The second is: the first row's posting is withdrawn, the second
	 * stays with the civic group that still carries it. */
	stats(fetch(fx, "opendata", t += 3600, 0, ev("3@2026-07-01",
	    "https://od.example/3", "七夕かざり", "2026-07-01", NULL), NULL),
	    0, 2, 1);
	p = get(fx, gone);
	assert_int_equal(p->pst_status, POSTING_WITHDRAWN);
	assert_null(p->pst_duplicate_of);
	posting_free(p);
	p = get(fx, kept);
	assert_int_equal(p->pst_status, POSTING_OPEN);
	assert_int_equal(p->pst_nrefs, 1);
	assert_string_equal(p->pst_refs[0].ref_source, "npo");
	posting_free(p);
	/* A 304 is no fetch without the rows. */
	assert_int_equal(store_record_fetch(fx->st, &(struct fetch_outcome){
	    .fo_source = "opendata", .fo_attempt = t += 3600,
	    .fo_http_status = 304, .fo_next_poll = t + 300 }, NULL), 0);
	/* The row comes back: so does its posting. */
	stats(fetch(fx, "opendata", t += 3600, 0,
	    ev("1@2026-05-09", "https://od.example/1", "フードドライブ受付",
	    "2026-05-09T10:00:00+09:00", "市役所"),
	    ev("3@2026-07-01", "https://od.example/3", "七夕かざり",
	    "2026-07-01", NULL), NULL), 0, 1, 1);
	p = get(fx, gone);
	assert_int_equal(p->pst_status, POSTING_OPEN);
	posting_free(p);
	/* A feed that is no snapshot never withdraws by absence. */
	stats(fetch(fx, "npo", t += 3600, 0, NULL), 0, 0, 0);
	stats(fetch(fx, "npo", t += 3600, 0, NULL), 0, 0, 0);
	stats(fetch(fx, "npo", t += 3600, 0, NULL), 0, 0, 0);
	p = get(fx, kept);
	assert_int_equal(p->pst_status, POSTING_OPEN);
	posting_free(p);
	store_set_policy(fx->st, NULL);
}

static void
test_closing(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *start, *end, *rrule;
	} spans[] = {
		{ "2026-03-05T10:00:00+09:00", NULL, NULL },
		{ "2026-03-05T10:00:00+09:00", "2026-03-06T02:00:00+09:00",
		    NULL },
		{ "2026-03-05", "2026-03-07", NULL },
		{ "2026-03-05", NULL, "FREQ=WEEKLY;COUNT=3" },
		{ "2026-03-05T10:00:00+09:00", "2026-03-05T12:00:00+09:00",
		    "FREQ=MONTHLY;COUNT=2" },
		{ "2026-03-05", NULL, "FREQ=DAILY;UNTIL=20260320" },
		{ "2026-03-05T10:00:00", NULL, NULL },
	};
	struct posting *p;
	char guid[16], id[32];
	int64_t n, when;
	size_t i;

	source(fx, "city", "city", "rss");
	/* An event that ended before it was published is closed at once. */
	fetch(fx, "city", T0, 0, ev("old", "https://c.example/old", "昨年の祭り",
	    "2025-10-01", NULL), NULL);
	p = get(fx, posting_of(fx, "city", "old"));
	assert_int_equal(p->pst_status, POSTING_CLOSED);
	assert_int_equal(p->pst_revision, 1);
	posting_free(p);
	/* The sweep closes each at the second feeds/lifecycle.h says, as
	 * the SQL of 002 computes it. */
	for (i = 0; i < sizeof(spans) / sizeof(spans[0]); i++) {
		snprintf(guid, sizeof(guid), "s%zu", i);
		p = ev(guid, NULL, guid, spans[i].start, NULL);
		posting_set(&p->pst_end, spans[i].end);
		posting_set(&p->pst_recurrence, spans[i].rrule);
		fetch(fx, "city", T0 + (int64_t)i, 0, p, NULL);
		snprintf(id, sizeof(id), "%s", posting_of(fx, "city", guid));
		when = lifecycle_close_time(spans[i].start, spans[i].end,
		    spans[i].rrule);
		assert_int_equal(store_close_ended(fx->st, when, &n), 0);
		p = get(fx, id);
		if (p->pst_status != POSTING_OPEN)
			fail_msg("%zu: closed at %lld, before its end", i,
			    (long long)when);
		posting_free(p);
		assert_int_equal(store_close_ended(fx->st, when + 1, &n), 0);
		assert_int_equal(n, 1);
		p = get(fx, id);
		assert_int_equal(p->pst_status, POSTING_CLOSED);
		assert_int_equal(p->pst_revision, 2);
		assert_int_equal(p->pst_modified, when + 1);
		posting_free(p);
		/* Fetched again unchanged: it stays closed, nothing moves. */
		p = ev(guid, NULL, guid, spans[i].start, NULL);
		posting_set(&p->pst_end, spans[i].end);
		posting_set(&p->pst_recurrence, spans[i].rrule);
		stats(fetch(fx, "city", when + 2, 0, p, NULL), 0, 0, 1);
	}
	/* A recurrence without an end never closes. */
	p = ev("forever", NULL, "毎週の体操", "2026-03-05", NULL);
	posting_set(&p->pst_recurrence, "FREQ=WEEKLY");
	fetch(fx, "city", T0, 0, p, NULL);
	assert_int_equal(store_close_ended(fx->st, INT64_C(4102444800), &n),
	    0);
	assert_int_equal(n, 0);
}

static const char *const *
civic_first(void *arg, size_t *n)
{
	static const char *const prio[] = { "civic", "city", "shakyo",
	    "corporate", "federation" };

	(void)arg;
	*n = 5;
	return prio;
}

static void
test_kind_priority(void **state)
{
	struct fixture *fx = *state;
	struct store_policy sp = { .sp_kind_priority = civic_first };
	struct posting *p;

	four_sources(fx);
	store_set_policy(fx->st, &sp);
	fetch_all_four(fx, T0, order_a);
	p = get(fx, posting_of(fx, "city", "city-1"));
	assert_string_equal(p->pst_title,
	    "《仲間募集》刈谷市総合防災訓練 避難所運営");
	assert_string_equal(p->pst_kind, "civic");
	assert_string_equal(p->pst_refs[0].ref_source, "npo");
	posting_free(p);
	store_set_policy(fx->st, NULL);
}

static const char *
instance_kariya(void *arg)
{
	(void)arg;
	return "kariya";
}

static void
test_federation(void **state)
{
	struct fixture *fx = *state;
	struct store_policy sp = { .sp_instance = instance_kariya };
	struct posting *a, *b, *back, *p;
	char ours[32], id[32];

	source(fx, "city", "city", "rss");
	source(fx, "chiryu", "federation", "atom");
	source(fx, "anjo", "federation", "atom");
	store_set_policy(fx->st, &sp);
	fetch(fx, "city", T0, 0, ev("c1", "https://c.example/1",
	    "亀城公園 花いっぱい植栽", "2026-05-17T09:00:00+09:00", NULL), NULL);
	snprintf(ours, sizeof(ours), "%s", posting_of(fx, "city", "c1"));
	/* Our own posting comes back through a neighbour: never imported
	 * again, whatever the neighbour made of it. */
	back = ev("tag:chiryu,2026:x", "https://c.example/1", "花植え",
	    "2026-06-01", NULL);
	posting_set(&back->pst_origin_instance, "kariya");
	posting_set(&back->pst_origin_id, ours);
	/* A neighbour's posting that two instances carry: one posting. */
	a = ev("tag:chiryu,2026:9", "https://chiryu.example/9", "知立まつり",
	    "2026-05-03T09:00:00+09:00", NULL);
	posting_set(&a->pst_origin_instance, "chiryu");
	posting_set(&a->pst_origin_id, "p00000000000000000009");
	a->pst_origin_revision = 1;
	posting_set(&a->pst_kind, "city");
	b = ev("tag:anjo,2026:1", "https://anjo.example/1", "山車の運行",
	    "2026-05-04", NULL);
	posting_set(&b->pst_origin_instance, "chiryu");
	posting_set(&b->pst_origin_id, "p00000000000000000009");
	b->pst_origin_revision = 1;
	fetch(fx, "chiryu", T0 + MIN, 0, back, a, NULL);
	fetch(fx, "anjo", T0 + 2 * MIN, 0, b, NULL);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM entries WHERE "
	    "source = 'chiryu' AND entry_key = 'tag:chiryu,2026:x'"), 0);
	p = get(fx, ours);
	assert_int_equal(p->pst_nrefs, 1);
	assert_string_equal(p->pst_refs[0].ref_source, "city");
	posting_free(p);
	snprintf(id, sizeof(id), "%s", posting_of(fx, "anjo",
	    "tag:anjo,2026:1"));
	assert_string_equal(posting_of(fx, "chiryu", "tag:chiryu,2026:9"),
	    id);
	assert_int_equal(published(fx), 2);
	a = get(fx, posting_of(fx, "anjo", "tag:anjo,2026:1"));
	/* The kind at its origin; the origin kept. */
	assert_string_equal(a->pst_kind, "city");
	assert_string_equal(a->pst_origin_instance, "chiryu");
	assert_int_equal(a->pst_origin_revision, 1);
	posting_free(a);

	/* The origin withdraws it; anjo's copy says so (revision 2), the
	 * stale copy from chiryu's path still says open: withdrawn. */
	b = ev("tag:anjo,2026:1", "https://anjo.example/1", "山車の運行",
	    "2026-05-04", NULL);
	posting_set(&b->pst_origin_instance, "chiryu");
	posting_set(&b->pst_origin_id, "p00000000000000000009");
	b->pst_origin_revision = 2;
	b->pst_status = POSTING_WITHDRAWN;
	fetch(fx, "anjo", T0 + 3 * MIN, 0, b, NULL);
	p = get(fx, id);
	assert_int_equal(p->pst_status, POSTING_WITHDRAWN);
	assert_int_equal(p->pst_origin_revision, 2);
	posting_free(p);
	/* It comes back at the origin (revision 3), seen through chiryu
	 * first: open again, anjo's tombstone being older. */
	a = ev("tag:chiryu,2026:9", "https://chiryu.example/9", "知立まつり",
	    "2026-05-03T09:00:00+09:00", NULL);
	posting_set(&a->pst_origin_instance, "chiryu");
	posting_set(&a->pst_origin_id, "p00000000000000000009");
	a->pst_origin_revision = 3;
	posting_set(&a->pst_kind, "city");
	fetch(fx, "chiryu", T0 + 4 * MIN, 0, a, NULL);
	p = get(fx, id);
	assert_int_equal(p->pst_status, POSTING_OPEN);
	assert_int_equal(p->pst_origin_revision, 3);
	posting_free(p);
	store_set_policy(fx->st, NULL);
}

static void
test_moderated_source(void **state)
{
	struct fixture *fx = *state;
	char city[32];

	four_sources(fx);
	assert_int_equal(store_source_set_moderation(fx->st, "npo", 1), 0);
	fetch(fx, "city", T0, 0, ev("c1", "https://c.example/1",
	    "認知症サポーター養成講座", "2026-07-11T14:00:00+09:00", NULL),
	    NULL);
	/* Waiting for a coordinator, it joins nothing published. */
	fetch(fx, "npo", T0 + MIN, 0, ev(NULL, "https://n.example/1",
	    "認知症サポーター養成講座", "2026-07-11T14:00:00+09:00", NULL),
	    NULL);
	snprintf(city, sizeof(city), "%s", posting_of(fx, "city", "c1"));
	assert_string_not_equal(posting_of(fx, "npo", "https://n.example/1"),
	    city);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM postings WHERE "
	    "moderation = 'pending'"), 1);
	/* And a published record does not join it while it waits. */
	fetch(fx, "shakyo", T0 + 2 * MIN, 0, ev("s1", "https://s.example/1",
	    "認知症サポーター養成講座", "2026-07-11T14:00:00+09:00", NULL),
	    NULL);
	assert_string_equal(posting_of(fx, "shakyo", "s1"), city);
}

static void
test_older_database(void **state)
{
	struct fixture *fx = *state;
	int64_t postings, revisions;

	four_sources(fx);
	fetch_all_four(fx, T0, order_a);
	postings = raw_int(fx, "SELECT count(*) FROM postings");
	revisions = raw_int(fx, "SELECT sum(revision) FROM postings");
	/* What a database from before 004_dedup.sql holds: records without
	 * documents or keys; the city's known by its raw link. */
	raw_exec(fx, "UPDATE entries SET doc = NULL, title_key = NULL, "
	    "event_day = NULL, url_key = NULL, content_key = NULL, "
	    "start = NULL, match_rule = 'legacy'");
	reopen(fx);
	fetch_all_four(fx, T0 + 3600, order_b);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM postings"),
	    postings);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM entries "
	    "WHERE doc IS NULL"), 0);
	assert_int_equal(raw_int(fx, "SELECT sum(revision) FROM postings"),
	    revisions);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_four_sources, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_restart_other_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_same_ids_whatever_the_document_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_update, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bridge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_record_bridges,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_gyms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_two_gyms_city_first,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_gyms_rivals,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hard_negatives, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_every_guid_the_same,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_guids_change, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_links_fail_too, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_withdrawal,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_closing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kind_priority, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_federation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_moderated_source, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_older_database, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
