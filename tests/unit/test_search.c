/*
 * test_search.c — feed queries in the store (search.c, 002_search.sql):
 * every filter key alone and combined, 1-, 2- and 3-character Japanese q,
 * area prefixes, date overlap at its edges, recurring spans, tombstones,
 * paging bounds and the change log feed caches revalidate against.
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

#include "posting.h"
#include "store.h"

#define T0	INT64_C(1772326800)	/* 2026-03-01T10:00:00+09:00 */
#define DAY	INT64_C(86400)

struct fixture {
	char		 dir[64];
	char		 path[96];
	struct store	*st;
	int		 n;		/* entries made, for unique keys */
};

static struct fixture *fx;

static void
add_source(const char *name, const char *kind)
{
	struct source_def sd = {
		.sd_name = name,
		.sd_url = "https://example.org/feed.xml",
		.sd_kind = kind,
		.sd_format = "rss",
		.sd_interval = 300,
		.sd_origin = "config",
	};

	assert_int_equal(store_source_upsert(fx->st, &sd), 0);
}

static int
setup(void **state)
{
	const char *tmp;

	fx = calloc(1, sizeof(*fx));
	if ((tmp = getenv("TMPDIR")) == NULL || strlen(tmp) > 30)
		tmp = "/tmp";
	snprintf(fx->dir, sizeof(fx->dir), "%s/tsunagu-search-XXXXXX", tmp);
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/t.db", fx->dir);
	if (store_open(fx->path, &fx->st) != 0)
		return -1;
	add_source("city", "city");
	add_source("shakyo", "shakyo");
	add_source("company", "corporate");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[160];

	store_close(fx->st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	free(fx);
	return system(cmd) == 0 ? 0 : -1;
}

/* What a test posting says; NULL fields are left unknown. */
struct spec {
	const char	*source;
	const char	*title;
	const char	*start, *end;
	int		 all_day;
	const char	*area;
	const char	*cat1, *cat2;
	const char	*place;
	const char	*content;
	const char	*recurrence;
	enum posting_status status;
	int64_t		 when;		/* the fetch, i.e. date_modified */
};

/* Stores one posting from spec; returns its id (free it). */
static char *
add(const struct spec *s)
{
	struct posting_list pl, out;
	struct posting *p = posting_new();
	struct fetch_outcome fo = {
		.fo_source = s->source ? s->source : "city",
		.fo_attempt = s->when ? s->when : T0,
		.fo_http_status = 200,
		.fo_next_poll = T0 + 300,
		.fo_entries = &pl,
	};
	struct posting_query pq = { .pq_limit = 1 };
	char guid[32];
	char *id;

	snprintf(guid, sizeof(guid), "g%d", fx->n++);
	posting_set(&p->pst_guid, guid);
	posting_set(&p->pst_title, s->title ? s->title : "無題");
	posting_set(&p->pst_start, s->start);
	posting_set(&p->pst_end, s->end);
	p->pst_all_day = s->all_day;
	posting_set(&p->pst_area, s->area);
	if (s->cat1)
		posting_add_category(p, s->cat1);
	if (s->cat2)
		posting_add_category(p, s->cat2);
	posting_set(&p->pst_place, s->place);
	posting_set(&p->pst_content_html, s->content);
	posting_set(&p->pst_recurrence, s->recurrence);
	p->pst_status = s->status;
	posting_list_init(&pl);
	posting_list_push(&pl, p);
	assert_int_equal(store_record_fetch(fx->st, &fo, NULL), 0);
	posting_list_clear(&pl);
	/* The newest of the fetch time: find it by guid among them. */
	posting_list_init(&out);
	pq.pq_limit = 0;
	assert_int_equal(store_postings_query(fx->st, &pq, &out), 0);
	id = NULL;
	for (size_t i = 0; i < out.pl_len; i++)
		if (strcmp(out.pl_items[i]->pst_guid, guid) == 0)
			id = strdup(out.pl_items[i]->pst_id);
	posting_list_clear(&out);
	assert_non_null(id);
	return id;
}

/* The titles a query returns, joined by '|', in feed order. */
static char *
titles(const struct posting_query *pq)
{
	static char out[4096];
	struct posting_list pl;
	size_t i;

	out[0] = '\0';
	posting_list_init(&pl);
	assert_int_equal(store_postings_query(fx->st, pq, &pl), 0);
	for (i = 0; i < pl.pl_len; i++) {
		if (i > 0)
			strcat(out, "|");
		strcat(out, pl.pl_items[i]->pst_title);
	}
	posting_list_clear(&pl);
	return out;
}

/* The change order of a posting, as the feeds page by it. */
static int64_t
seq_of(const char *id)
{
	struct posting_query pq = { 0 };
	struct posting_list pl;
	int64_t seq = 0;
	size_t i;

	posting_list_init(&pl);
	assert_int_equal(store_postings_query(fx->st, &pq, &pl), 0);
	for (i = 0; i < pl.pl_len; i++)
		if (strcmp(pl.pl_items[i]->pst_id, id) == 0)
			seq = pl.pl_items[i]->pst_seq;
	posting_list_clear(&pl);
	assert_true(seq > 0);
	return seq;
}

static void
vals(struct filter_values *fv, int n, ...)
{
	va_list ap;
	int i;

	va_start(ap, n);
	fv->fv_values = calloc(n, sizeof(char *));
	fv->fv_n = n;
	for (i = 0; i < n; i++)
		fv->fv_values[i] = strdup(va_arg(ap, const char *));
	va_end(ap);
}

static void
clear(struct posting_filter *f)
{
	struct filter_values *lists[] = { &f->pf_kind, &f->pf_status,
	    &f->pf_source, &f->pf_category, &f->pf_area };
	size_t i, j;

	for (i = 0; i < 5; i++) {
		for (j = 0; j < lists[i]->fv_n; j++)
			free(lists[i]->fv_values[j]);
		free(lists[i]->fv_values);
	}
	free(f->pf_q);
	memset(f, 0, sizeof(*f));
}

/* Titles matching f, in feed order (posting time decides the order). */
static char *
match(struct posting_filter *f)
{
	struct posting_query pq = { .pq_filter = f };

	return titles(&pq);
}

static void
seed_basic(void)
{
	/* Later postings are newer: feed order is the reverse. */
	struct spec s[] = {
		{ .title = "高齢者福祉サロン", .source = "shakyo",
		  .area = "232106", .cat1 = "welfare",
		  .place = "刈谷市総合福祉センター", .when = T0 + 1 },
		{ .title = "防災訓練", .source = "city", .area = "232106",
		  .cat1 = "disaster", .content = "<p>Food Drive 同時開催</p>",
		  .when = T0 + 2 },
		{ .title = "清掃活動", .source = "company", .area = "232017",
		  .cat1 = "environment", .cat2 = "welfare", .when = T0 + 3 },
		{ .title = "東京の福祉講座", .source = "city", .area = "131016",
		  .cat1 = "welfare", .status = POSTING_CLOSED,
		  .when = T0 + 4 },
		{ .title = "中止になった祭り", .source = "shakyo",
		  .area = "232106", .status = POSTING_CANCELLED,
		  .when = T0 + 5 },
	};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		free(add(&s[i]));
}

static void
test_keys_alone_and_combined(void **state)
{
	struct posting_filter f = { 0 };

	seed_basic();
	assert_string_equal(match(NULL), "中止になった祭り|東京の福祉講座|"
	    "清掃活動|防災訓練|高齢者福祉サロン");

	vals(&f.pf_kind, 1, "shakyo");
	assert_string_equal(match(&f), "中止になった祭り|高齢者福祉サロン");
	clear(&f);
	vals(&f.pf_kind, 2, "corporate", "shakyo");
	assert_string_equal(match(&f),
	    "中止になった祭り|清掃活動|高齢者福祉サロン");
	clear(&f);

	vals(&f.pf_status, 1, "closed");
	assert_string_equal(match(&f), "東京の福祉講座");
	clear(&f);
	vals(&f.pf_status, 2, "cancelled", "open");
	assert_string_equal(match(&f),
	    "中止になった祭り|清掃活動|防災訓練|高齢者福祉サロン");
	clear(&f);

	vals(&f.pf_source, 1, "company");
	assert_string_equal(match(&f), "清掃活動");
	clear(&f);

	/* Categories: any of the posting's, ORed across values. */
	vals(&f.pf_category, 1, "welfare");
	assert_string_equal(match(&f),
	    "東京の福祉講座|清掃活動|高齢者福祉サロン");
	clear(&f);
	vals(&f.pf_category, 2, "disaster", "environment");
	assert_string_equal(match(&f), "清掃活動|防災訓練");
	clear(&f);

	/* ANDed across keys. */
	vals(&f.pf_category, 1, "welfare");
	vals(&f.pf_kind, 1, "city");
	assert_string_equal(match(&f), "東京の福祉講座");
	clear(&f);
	vals(&f.pf_category, 1, "welfare");
	vals(&f.pf_area, 1, "23");
	vals(&f.pf_status, 1, "open");
	assert_string_equal(match(&f), "清掃活動|高齢者福祉サロン");
	clear(&f);
	vals(&f.pf_kind, 1, "federation");
	assert_string_equal(match(&f), "");
	clear(&f);
}

static void
test_area(void **state)
{
	struct posting_filter f = { 0 };

	seed_basic();
	/* A prefecture holds its municipalities; 13 is not 23. */
	vals(&f.pf_area, 1, "23");
	assert_string_equal(match(&f),
	    "中止になった祭り|清掃活動|防災訓練|高齢者福祉サロン");
	clear(&f);
	vals(&f.pf_area, 1, "13");
	assert_string_equal(match(&f), "東京の福祉講座");
	clear(&f);
	vals(&f.pf_area, 1, "232017");
	assert_string_equal(match(&f), "清掃活動");
	clear(&f);
	vals(&f.pf_area, 2, "131016", "232017");
	assert_string_equal(match(&f), "東京の福祉講座|清掃活動");
	clear(&f);
	vals(&f.pf_area, 2, "13", "232106");
	assert_string_equal(match(&f),
	    "中止になった祭り|東京の福祉講座|防災訓練|高齢者福祉サロン");
	clear(&f);
	/* The range of 09 ends at 10, of 47 at 48: nothing here. */
	vals(&f.pf_area, 2, "09", "47");
	assert_string_equal(match(&f), "");
	clear(&f);
}

static void
test_q_lengths(void **state)
{
	struct posting_filter f = { 0 };

	seed_basic();
	/* 2 characters: no trigram, found another way. */
	f.pf_q = strdup("福祉");
	assert_string_equal(match(&f), "東京の福祉講座|高齢者福祉サロン");
	clear(&f);
	f.pf_q = strdup("防災");
	assert_string_equal(match(&f), "防災訓練");
	clear(&f);
	/* 1 character. */
	f.pf_q = strdup("祭");
	assert_string_equal(match(&f), "中止になった祭り");
	clear(&f);
	/* 3 and more: trigrams, also in the place and the content. */
	f.pf_q = strdup("福祉セ");
	assert_string_equal(match(&f), "高齢者福祉サロン");
	clear(&f);
	f.pf_q = strdup("総合福祉センター");
	assert_string_equal(match(&f), "高齢者福祉サロン");
	clear(&f);
	f.pf_q = strdup("food drive");
	assert_string_equal(match(&f), "防災訓練");
	clear(&f);
	f.pf_q = strdup("fo");
	assert_string_equal(match(&f), "防災訓練");
	clear(&f);
	/* FTS5 syntax in q is text, not syntax. */
	f.pf_q = strdup("\" OR \"");
	assert_string_equal(match(&f), "");
	clear(&f);
	f.pf_q = strdup("福祉 NEAR");
	assert_string_equal(match(&f), "");
	clear(&f);
	f.pf_q = strdup("%");
	assert_string_equal(match(&f), "");
	clear(&f);
	/* With other keys. */
	f.pf_q = strdup("福祉");
	vals(&f.pf_area, 1, "23");
	assert_string_equal(match(&f), "高齢者福祉サロン");
	clear(&f);
}

static void
set_range(struct posting_filter *f, int has_from, int64_t from, int has_to,
    int64_t to)
{
	f->pf_has_from = has_from;
	f->pf_from = from;
	f->pf_has_to = has_to;
	f->pf_to = to;
}

static void
test_date_overlap_edges(void **state)
{
	struct posting_filter f = { 0 };
	/* 2026-03-01T00:00:00+09:00 */
	const int64_t day0 = T0 - 10 * 3600;
	struct spec s[] = {
		{ .title = "timed", .start = "2026-03-01T10:00:00+09:00",
		  .end = "2026-03-01T12:00:00+09:00", .when = T0 + 1 },
		{ .title = "allday", .start = "2026-03-05", .end = "2026-03-06",
		  .all_day = 1, .when = T0 + 2 },
		{ .title = "point", .start = "2026-03-10T01:00:00Z",
		  .when = T0 + 3 },
		{ .title = "undated", .when = T0 + 4 },
		{ .title = "monthly", .start = "2026-04-01T10:00:00+09:00",
		  .end = "2026-04-01T11:00:00+09:00",
		  .recurrence = "FREQ=MONTHLY;COUNT=3", .when = T0 + 5 },
		{ .title = "weekly", .start = "2026-04-04", .all_day = 1,
		  .recurrence = "FREQ=WEEKLY;BYDAY=SA", .when = T0 + 6 },
	};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		free(add(&s[i]));

	/* The timed event: its end and its start are inside. */
	set_range(&f, 1, T0 + 2 * 3600, 0, 0);	/* from 12:00:00 */
	assert_string_equal(match(&f),
	    "weekly|monthly|point|allday|timed");
	set_range(&f, 1, T0 + 2 * 3600 + 1, 0, 0);
	assert_string_equal(match(&f), "weekly|monthly|point|allday");
	set_range(&f, 0, 0, 1, T0);		/* to 10:00:00 */
	assert_string_equal(match(&f), "timed");
	set_range(&f, 0, 0, 1, T0 - 1);
	assert_string_equal(match(&f), "");

	/* All-day 03-05..03-06: Japan days, the end inclusive. */
	set_range(&f, 1, day0 + 5 * DAY, 1, day0 + 6 * DAY - 1);
	assert_string_equal(match(&f), "allday");
	set_range(&f, 1, day0 + 6 * DAY - 1, 0, 0);
	assert_string_equal(match(&f), "weekly|monthly|point|allday");
	set_range(&f, 1, day0 + 6 * DAY, 1, day0 + 7 * DAY - 1);
	assert_string_equal(match(&f), "");
	set_range(&f, 1, day0 + 3 * DAY, 1, day0 + 4 * DAY);	/* to 03-05 00:00 */
	assert_string_equal(match(&f), "allday");
	set_range(&f, 1, day0 + 3 * DAY, 1, day0 + 4 * DAY - 1);
	assert_string_equal(match(&f), "");

	/* A point in UTC: 2026-03-10T10:00+09:00. */
	set_range(&f, 1, day0 + 9 * DAY + 10 * 3600, 1,
	    day0 + 9 * DAY + 10 * 3600);
	assert_string_equal(match(&f), "point");

	/* Recurring: the third monthly one is 06-01 (+1 h), not 07-01. */
	set_range(&f, 1, day0 + 92 * DAY, 1, day0 + 92 * DAY + 86399);
	assert_string_equal(match(&f), "weekly|monthly");
	set_range(&f, 1, day0 + 122 * DAY, 0, 0);	/* 2026-07-01 */
	assert_string_equal(match(&f), "weekly");
	/* An open-ended series is there for ever; before it starts, not. */
	set_range(&f, 1, day0 + 3650 * DAY, 0, 0);
	assert_string_equal(match(&f), "weekly");
	set_range(&f, 0, 0, 1, day0 + 33 * DAY);	/* to 04-03 00:00 */
	assert_string_equal(match(&f), "monthly|point|allday|timed");
	clear(&f);
}

static void
test_tombstones(void **state)
{
	struct posting_query pq = { 0 };
	struct spec gone = { .title = "取り下げ", .status = POSTING_WITHDRAWN,
	    .when = T0 };
	struct spec kept = { .title = "掲載中", .when = T0 - 100 * DAY };
	int64_t n;

	free(add(&gone));
	free(add(&kept));
	pq.pq_now = T0 + 30 * DAY;		/* the last second shown */
	assert_string_equal(titles(&pq), "取り下げ|掲載中");
	pq.pq_now = T0 + 30 * DAY + 1;
	assert_string_equal(titles(&pq), "掲載中");
	pq.pq_now = 0;				/* no cut-off */
	assert_string_equal(titles(&pq), "取り下げ|掲載中");

	assert_int_equal(store_tombstones_purge(fx->st, T0 + 30 * DAY, &n),
	    0);
	assert_int_equal(n, 0);
	assert_int_equal(store_tombstones_purge(fx->st, T0 + 31 * DAY, &n),
	    0);
	assert_int_equal(n, 1);
	assert_string_equal(titles(&pq), "掲載中");
}

static void
test_paging_bounds(void **state)
{
	struct posting_filter f = { 0 };
	struct posting_query pq = { .pq_filter = &f };
	char *ids[5];
	int i;

	for (i = 0; i < 5; i++) {
		struct spec s = { .title = "p", .when = T0 + i,
		    .cat1 = i % 2 ? "odd" : "even" };
		char t[8];

		snprintf(t, sizeof(t), "p%d", i);
		s.title = t;
		ids[i] = add(&s);
	}
	vals(&f.pf_category, 1, "even");
	pq.pq_limit = 2;
	assert_string_equal(titles(&pq), "p4|p2");
	/* After p2 (older), above p0 (newer than it): nothing between. */
	pq.pq_after_modified = T0 + 2;
	pq.pq_after_seq = seq_of(ids[2]);
	assert_string_equal(titles(&pq), "p0");
	pq.pq_above_modified = T0;
	pq.pq_above_seq = seq_of(ids[0]);
	assert_string_equal(titles(&pq), "");
	pq.pq_after_seq = 0;
	pq.pq_limit = 0;
	assert_string_equal(titles(&pq), "p4|p2");
	clear(&f);
	for (i = 0; i < 5; i++)
		free(ids[i]);
}

static void
test_change_log(void **state)
{
	struct spec a = { .title = "a", .when = T0 };
	struct spec b = { .title = "b", .when = T0 + 1 };
	struct posting_filter f = { 0 };
	struct posting_query pq = { .pq_filter = &f };
	int64_t s0, s1, s2;
	char **ids, *ida, *idb;
	size_t n;

	s0 = store_change_seq(fx->st);
	assert_true(s0 >= 0);
	ida = add(&a);
	s1 = store_change_seq(fx->st);
	assert_true(s1 > s0);
	idb = add(&b);
	s2 = store_change_seq(fx->st);
	assert_true(s2 > s1);

	assert_int_equal(store_changes_since(fx->st, s2, 10, &ids, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_changes_since(fx->st, s1, 10, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], idb);
	store_ids_free(ids, n);
	assert_int_equal(store_changes_since(fx->st, s0, 10, &ids, &n), 0);
	assert_int_equal(n, 2);
	store_ids_free(ids, n);
	/* More than the caller takes: "assume anything changed". */
	assert_int_equal(store_changes_since(fx->st, s0, 1, &ids, &n), 1);

	/* Only the postings changed after a sequence. */
	pq.pq_changed_after = s1;
	assert_string_equal(titles(&pq), "b");
	pq.pq_changed_after = s2;
	assert_string_equal(titles(&pq), "");
	free(ida);
	free(idb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keys_alone_and_combined,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_area, setup, teardown),
		cmocka_unit_test_setup_teardown(test_q_lengths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_date_overlap_edges, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tombstones, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_paging_bounds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_change_log, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
