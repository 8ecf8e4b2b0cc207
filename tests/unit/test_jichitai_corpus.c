/*
 * test_jichitai_corpus.c — every bundled 「イベント一覧」 file
 * ($TSUNAGU_SHARED_DATA/jichitai-events, 128 files, 3,699 rows) ingests:
 * each row becomes a posting or an issue with its line and reason, and a
 * sample of rows from different files reads back field by field exactly
 * as the file has it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feed.h"
#include "jichitai_testutil.h"

#define CORPUS_FILES	128
#define CORPUS_ROWS	3699

struct sample {
	const char	*file;
	const char	*guid;
	const char	*title;
	const char	*start;
	const char	*end;
	int		 all_day;
	const char	*area;
	const char	*place;
	const char	*address;
	const char	*contact_name;
	const char	*contact_phone;
	const char	*fee;
	long long	 capacity;
};

static const struct sample samples[] = {
	/* Two days, no times, a fee in three lines, 集合場所 as place. */
	{ "o1-111007_g1-000304.csv", "0000000003@2022-03-26",
	    "第10回さいたマーチ~見沼ツーデーウオーク~", "2022-03-26", "2022-03-27", 1,
	    "111007", "さいたま新都心及び見沼田んぼ周辺",
	    "埼玉県さいたま市大宮区北袋町1-190-24", "さいたマーチ実行委員会事務局",
	    "(048)762-8334", "大人:2,000円\n小・中・高:1,000円\n未就学児:無料", -1 },
	/* NO repeats within the file (lists concatenated): NO + start. */
	{ "o1-112259_g1-000304.csv", "0000000002@2022-01-26T13:30:00+09:00",
	    "帯地で「トートバッグ」を作ろう", "2022-01-26T13:30:00+09:00",
	    "2022-01-26T16:00:00+09:00", 0, "112259", "リサイクルプラザ",
	    "埼玉県入間市大字新久127-1", "リサイクルプラザ", "2934-5324", "無料",
	    10 },
	/* A prefecture's file; 終了日 before 開始日 is dropped, not the row. */
	{ "o1-130001_g1-000304.csv", "2100000010@2018-12-15T14:00:00+09:00",
	    "現場探訪「“無思想人”大宅壮一の志を継ぐ雑誌図書館を訪ねる」",
	    "2018-12-15T14:00:00+09:00", NULL, 0, "130001",
	    "公益財団法人大宅壮一文庫", "東京都世田谷区八幡山3-10-20",
	    "東京都立多摩図書館", "(042)359-4020", NULL, 10 },
	/* No NO: link, start and the title's hash; 建物名等 appended. */
	{ "o1-131083_g1-000304.csv",
	    "https://www.koto-lib.tokyo.jp@2020-04-01#18bc971fc778003b",
	    "おはなし会(深川図書館)", "2020-04-01", "2021-03-31", 1, "131083",
	    "深川図書館", "東京都江東区清澄3-3-39 深川図書館", "深川図書館",
	    "(03)3641-0062", NULL, -1 },
	/* 開始日 empty, 日時備考 "2022/2/1" stands in; end time same day. */
	{ "o1-132217_g1-000304.csv", "0000000040@2022-02-01T10:30:00+09:00",
	    "図書館読書交流会", "2022-02-01T10:30:00+09:00",
	    "2022-02-01T12:00:00+09:00", 0, "132217", "中央図書館", "東京都清瀬市",
	    "図書館", NULL, NULL, -1 },
};
#define NSAMPLES	(sizeof(samples) / sizeof(samples[0]))

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted .csv names in dir; the count in *n. */
static char **
list_csv(const char *dir, size_t *n)
{
	char **names = NULL;
	struct dirent *de;
	size_t len = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		fail_msg("cannot open %s (TSUNAGU_SHARED_DATA)", dir);
	*n = 0;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 4 || strcmp(de->d_name + len - 4, ".csv") != 0)
			continue;
		names = realloc(names, (*n + 1) * sizeof(*names));
		assert_non_null(names);
		names[(*n)++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, *n, sizeof(*names), name_cmp);
	return names;
}

static void
check_sample(const struct feed *f, const struct sample *s)
{
	const struct posting *p = NULL;
	size_t i;

	for (i = 0; i < f->fd_entries.pl_len; i++)
		if (strcmp(f->fd_entries.pl_items[i]->pst_guid, s->guid) == 0)
			p = f->fd_entries.pl_items[i];
	if (p == NULL)
		fail_msg("%s: no posting %s", s->file, s->guid);
	assert_opt_str(p->pst_title, s->title);
	assert_opt_str(p->pst_start, s->start);
	assert_opt_str(p->pst_end, s->end);
	assert_int_equal(p->pst_all_day, s->all_day);
	assert_opt_str(p->pst_area, s->area);
	assert_opt_str(p->pst_place, s->place);
	assert_opt_str(p->pst_address, s->address);
	assert_opt_str(p->pst_contact_name, s->contact_name);
	assert_opt_str(p->pst_contact_phone, s->contact_phone);
	assert_opt_str(p->pst_fee, s->fee);
	assert_int_equal(p->pst_capacity, s->capacity);
}

/* Every posting has a title, a start and a guid; guids repeat? */
static size_t
check_postings(const char *file, const struct feed *f)
{
	const struct posting *p, *q;
	size_t i, k, dups = 0;

	for (i = 0; i < f->fd_entries.pl_len; i++) {
		p = f->fd_entries.pl_items[i];
		if (p->pst_title == NULL || p->pst_start == NULL ||
		    p->pst_guid == NULL)
			fail_msg("%s: posting %zu incomplete", file, i);
		for (k = 0; k < i; k++) {
			q = f->fd_entries.pl_items[k];
			if (strcmp(p->pst_guid, q->pst_guid) == 0) {
				printf("%s: guid %s twice (rows %zu, %zu)\n",
				    file, p->pst_guid, k, i);
				dups++;
			}
		}
	}
	return dups;
}

static void
test_corpus(void **state)
{
	const char *root = getenv("TSUNAGU_SHARED_DATA");
	size_t nfiles, i, k, len = 0, postings = 0, issues = 0, dups = 0;
	size_t sampled = 0;
	char dir[4096], path[4352], err[512];
	struct feed *f;
	char **names, *data;

	snprintf(dir, sizeof(dir), "%s/jichitai-events",
	    root != NULL ? root : "../shared/data");
	names = list_csv(dir, &nfiles);
	assert_int_equal(nfiles, CORPUS_FILES);
	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((data = file_read(path, &len)) == NULL)
			fail_msg("cannot read %s", path);
		if (feed_parse(data, len, FEED_FORMAT_AUTO, NULL, &f, err,
		    sizeof(err)) != 0)
			fail_msg("%s: %s", names[i], err);
		assert_int_equal(f->fd_format, FEED_FORMAT_CSV);
		assert_string_equal(f->fd_charset, "UTF-8");
		postings += f->fd_entries.pl_len;
		issues += f->fd_nissues;
		for (k = 0; k < f->fd_nissues; k++) {
			printf("%s:%d: %s\n", names[i], f->fd_issues[k].fi_line,
			    f->fd_issues[k].fi_reason);
			assert_true(f->fd_issues[k].fi_line >= 2);
		}
		dups += check_postings(names[i], f);
		for (k = 0; k < NSAMPLES; k++)
			if (strcmp(samples[k].file, names[i]) == 0) {
				check_sample(f, &samples[k]);
				sampled++;
			}
		feed_free(f);
		free(data);
		free(names[i]);
	}
	free(names);
	printf("corpus: %zu files, %zu rows = %zu postings + %zu issues\n",
	    nfiles, postings + issues, postings, issues);
	assert_int_equal(postings + issues, CORPUS_ROWS);
	assert_int_equal(sampled, NSAMPLES);
	/* The one row Iruma publishes twice, word for word. */
	assert_int_equal(dups, 1);
}

/* An issue names the row's first line, past multi-line rows above it. */
static void
test_issue_lines(void **state)
{
	const char *root = getenv("TSUNAGU_SHARED_DATA");
	char path[4096], err[512];
	struct feed *f;
	size_t len = 0;
	char *data;

	snprintf(path, sizeof(path), "%s/jichitai-events/%s",
	    root != NULL ? root : "../shared/data", "o1-124630_g1-000304.csv");
	if ((data = file_read(path, &len)) == NULL)
		fail_msg("cannot read %s", path);
	assert_int_equal(feed_parse(data, len, FEED_FORMAT_AUTO, NULL, &f, err,
	    sizeof(err)), 0);
	assert_int_equal(f->fd_nissues, 1);
	assert_string_equal(f->fd_issues[0].fi_reason,
	    "no start date (開始日 is empty)");
	/* The first line of the row 「子育て広場イベント(1月)」, counted here. */
	{
		const char *at = strstr(data, "子育て広場イベント(1月)"), *p;
		int line = 1;

		assert_non_null(at);
		while (at > data && at[-1] != '\n')
			at--;
		for (p = data; p < at; p++)
			line += *p == '\n';
		assert_int_equal(f->fd_issues[0].fi_line, line);
	}
	feed_free(f);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_issue_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
