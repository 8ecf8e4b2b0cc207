/* test_csv.c — the 「イベント一覧」 CSV in its three header generations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv_row.h"
#include "feed.h"
#include "jichitai_testutil.h"

static char err[512];

static struct feed *
parse_ok(const char *data, size_t len, const struct feed_parse_opts *opts)
{
	struct feed *f = NULL;

	if (feed_parse(data, len, FEED_FORMAT_AUTO, opts, &f, err,
	    sizeof(err)) != 0)
		fail_msg("feed_parse: %s", err);
	assert_int_equal(f->fd_format, FEED_FORMAT_CSV);
	return f;
}

static struct feed *
parse_text(const char *text)
{
	return parse_ok(text, strlen(text), NULL);
}

static void
check_issue(const struct feed *f, size_t i, int line, const char *reason)
{
	if (i >= f->fd_nissues)
		fail_msg("issue %zu missing (%zu issues)", i, f->fd_nissues);
	assert_int_equal(f->fd_issues[i].fi_line, line);
	assert_string_equal(f->fd_issues[i].fi_reason, reason);
}

/* 32 columns, UTF-8 with BOM, CRLF between rows, LF inside fields. */
static void
test_recommended_32(void **state)
{
	struct posting *p;
	struct feed *f;
	size_t len;
	char *data;

	data = test_data_read("csv", "kariya-32.csv", &len);
	f = parse_ok(data, len, NULL);
	assert_int_equal(f->fd_entries.pl_len, 4);
	assert_int_equal(f->fd_nissues, 3);
	check_issue(f, 0, 9, "no title (イベント名 is empty)");
	check_issue(f, 1, 10, "no start date (開始日 is empty)");
	check_issue(f, 2, 11, "開始日 '2026-13-01' is not a date");

	/* Slashed dates, times, a deadline with its time, geo. */
	p = f->fd_entries.pl_items[0];
	assert_opt_str(p->pst_title, "刈谷ハイウェイオアシス周辺 清掃ボランティア");
	assert_opt_str(p->pst_guid, "1@2026-08-04T09:00:00+09:00");
	assert_opt_str(p->pst_start, "2026-08-04T09:00:00+09:00");
	assert_opt_str(p->pst_end, "2026-08-04T11:30:00+09:00");
	assert_int_equal(p->pst_all_day, 0);
	assert_opt_str(p->pst_deadline, "2026-07-31T17:00:00+09:00");
	assert_opt_str(p->pst_area, "232106");
	assert_opt_str(p->pst_place, "岩ケ池公園");
	assert_opt_str(p->pst_address, "愛知県刈谷市東境町吉野55-1");
	assert_int_equal(p->pst_has_geo, 1);
	assert_true(p->pst_lat > 35.035 && p->pst_lat < 35.036);
	assert_true(p->pst_lon > 137.042 && p->pst_lon < 137.043);
	assert_int_equal(p->pst_capacity, 30);
	assert_opt_str(p->pst_fee, "無料");
	assert_opt_str(p->pst_organizer_name, "刈谷市");
	assert_opt_str(p->pst_contact_name, "刈谷市市民ボランティア活動支援センター");
	assert_opt_str(p->pst_contact_phone, "0566-91-0461");
	assert_opt_str(p->pst_contact_email, NULL);
	assert_opt_str(p->pst_link,
	    "https://www.city.kariya.lg.jp/event/1001.html");
	assert_opt_str(p->pst_summary, NULL);
	assert_opt_str(p->pst_content_html,
	    "<p>岩ケ池公園の周辺を清掃します。<br>\n軍手・ごみ袋は用意します。<br>\n"
	    "雨天中止（前日17時に判断）</p>\n<p>申込: 電話またはメール</p>");
	assert_opt_str(p->pst_recurrence, NULL);
	assert_int_equal(p->pst_status, POSTING_OPEN);

	/*
	 * CP932-only characters, full-width times and amounts, the
	 * 9999-12-31 sentinel, a 5-digit code, a tab and quotes in a field.
	 */
	p = f->fd_entries.pl_items[1];
	assert_opt_str(p->pst_title, "①手話で話そう ㈱デンソー協賛 講座");
	assert_opt_str(p->pst_start, "2026-08-21T10:00:00+09:00");
	assert_opt_str(p->pst_end, NULL);
	assert_opt_str(p->pst_area, "232106");
	assert_int_equal(p->pst_capacity, 20);
	assert_opt_str(p->pst_fee, "１，０００円");
	assert_opt_str(p->pst_contact_phone, "0566-23-7867 内線215");
	assert_opt_str(p->pst_address, "愛知県刈谷市若松町2丁目104番地 3階 会議室");
	assert_opt_str(p->pst_content_html,
	    "<p>手話の基本を学びます。\t持ち物：筆記用具<br>\n"
	    "「初めての方」歓迎、&quot;見学&quot;のみも可</p>");

	/* 和暦 dates without times: all-day, the end inclusive. */
	p = f->fd_entries.pl_items[2];
	assert_opt_str(p->pst_start, "2026-08-05");
	assert_opt_str(p->pst_end, "2026-08-07");
	assert_int_equal(p->pst_all_day, 1);
	assert_int_equal(p->pst_capacity, -1);	/* 若干名 */
	assert_opt_str(p->pst_fee, NULL);
	assert_opt_str(p->pst_deadline, NULL);
	assert_opt_str(p->pst_content_html,
	    "<p>調理と配膳のお手伝い</p>\n<p>日時: 令和８年８月５日（水）"
	    "10：00時より<br>\n各日とも正午まで</p>");

	/* A timed start with an end date only; basic and detailed fee. */
	p = f->fd_entries.pl_items[3];
	assert_opt_str(p->pst_start, "2026-07-25T17:00:00+09:00");
	assert_opt_str(p->pst_end, "2026-07-26T23:59:59+09:00");
	assert_opt_str(p->pst_fee, "500円\n保険料として500円");
	assert_opt_str(p->pst_deadline, "2026-07-10");
	assert_int_equal(p->pst_capacity, 20);
	assert_opt_str(p->pst_guid, "7@2026-07-25T17:00:00+09:00");

	feed_free(f);
	free(data);
}

/* The same file as a municipality's server sends it: CP932. */
static void
test_cp932(void **state)
{
	struct feed *f;
	size_t len;
	char *data;

	data = test_data_read("csv", "kariya-32-cp932.csv", &len);
	f = parse_ok(data, len, NULL);
	assert_string_equal(f->fd_charset, "CP932");
	assert_int_equal(f->fd_entries.pl_len, 4);
	assert_int_equal(f->fd_nissues, 3);
	assert_opt_str(f->fd_entries.pl_items[1]->pst_title,
	    "①手話で話そう ㈱デンソー協賛 講座");
	assert_opt_str(f->fd_entries.pl_items[1]->pst_fee, "１，０００円");
	feed_free(f);
	free(data);
}

/* 79 columns: ID, one row per occurrence, 所在地_*, 状態. */
static void
test_gif_79(void **state)
{
	struct posting *p;
	struct feed *f;
	size_t len;
	char *data;

	data = test_data_read("csv", "kariya-79.csv", &len);
	f = parse_ok(data, len, NULL);
	assert_int_equal(f->fd_entries.pl_len, 3);
	assert_int_equal(f->fd_nissues, 0);

	p = f->fd_entries.pl_items[0];
	assert_opt_str(p->pst_title, "傾聴ボランティア養成講座 第1回");
	assert_opt_str(p->pst_guid, "E2026-0101@2026-10-03T13:30:00+09:00");
	assert_opt_str(p->pst_link,
	    "https://www.city.kariya.lg.jp/event/keicho.html");
	assert_opt_str(p->pst_start, "2026-10-03T13:30:00+09:00");
	assert_opt_str(p->pst_end, "2026-10-03T15:30:00+09:00");
	assert_opt_str(p->pst_deadline, "2026-09-25T17:15:00+09:00");
	assert_opt_str(p->pst_area, "232106");
	assert_opt_str(p->pst_address, "愛知県刈谷市東陽町1丁目1番地");
	assert_opt_str(p->pst_place, "刈谷市役所 7階 701会議室");
	assert_opt_str(p->pst_summary,
	    "高齢者の話し相手になる傾聴ボランティアを養成します。");
	assert_opt_str(p->pst_content_html,
	    "<p>全3回の講座です。<br>\n<br>\n第1回：傾聴とは<br>\n"
	    "第2回：実習<br>\n第3回：施設見学</p>\n<p>対象: 市内在住・在勤の方</p>\n"
	    "<p>申込: 電話</p>");
	assert_int_equal(p->pst_ncategories, 1);
	assert_string_equal(p->pst_categories[0], "講座・講演会");
	assert_opt_str(p->pst_contact_phone, "0566-62-1013 内線1234");
	assert_opt_str(p->pst_organizer_name, "刈谷市");
	assert_opt_str(p->pst_fee, "無料");
	assert_int_equal(p->pst_capacity, 30);
	assert_int_equal(p->pst_has_geo, 1);

	/* The next occurrence: same page, its own identity. */
	p = f->fd_entries.pl_items[1];
	assert_opt_str(p->pst_guid, "E2026-0102@2026-10-10T13:30:00+09:00");
	assert_opt_str(p->pst_link,
	    "https://www.city.kariya.lg.jp/event/keicho.html");
	assert_opt_str(p->pst_address,
	    "愛知県刈谷市東陽町一丁目1番地 刈谷市役所");
	assert_opt_str(p->pst_content_html,
	    "<p>高齢者の話し相手になる傾聴ボランティアを養成します。</p>");

	p = f->fd_entries.pl_items[2];
	assert_int_equal(p->pst_status, POSTING_CANCELLED);
	assert_opt_str(p->pst_start, "2026-11-15");
	assert_opt_str(p->pst_end, "2026-11-15");
	assert_int_equal(p->pst_all_day, 1);
	assert_opt_str(p->pst_area, "232106");	/* the publisher's */
	feed_free(f);
	free(data);
}

static void
test_missing_header(void **state)
{
	static const struct {
		const char	*doc;
		const char	*want;
	} cases[] = {
		{ "NO,名称,開始\n1,a,2026-01-01\n",
		    "columns found: NO, 名称, 開始" },
		{ "NO,イベント名称x,開始日\n", "columns found: NO, "
		    "イベント名称x, 開始日" },
	};
	struct feed *f;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(feed_parse(cases[i].doc, strlen(cases[i].doc),
		    FEED_FORMAT_CSV, NULL, &f, err, sizeof(err)), -1);
		assert_null(f);
		if (strstr(err, "not an event list") == NULL ||
		    strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: %s", i, err);
	}
	assert_int_equal(feed_parse("", 0, FEED_FORMAT_CSV, NULL, &f, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "columns found: none"));
}

static void
test_quirks(void **state)
{
	struct posting *p;
	struct feed *f;

	/* A title line above the header; full-width header names. */
	f = parse_text("\xef\xbb\xbf" "イベント一覧（刈谷市）\n"
	    "ＮＯ,名称 ,開始日※,開始時刻,終了時刻,料金（基本）,定員\n"
	    "1,\"A\tB\",２０２６／０８／０４,10:00,24:00,300,\"1,000名\"\n");
	assert_int_equal(f->fd_entries.pl_len, 1);
	p = f->fd_entries.pl_items[0];
	assert_opt_str(p->pst_title, "A B");
	assert_opt_str(p->pst_start, "2026-08-04T10:00:00+09:00");
	assert_opt_str(p->pst_end, "2026-08-05T00:00:00+09:00");
	assert_opt_str(p->pst_fee, "300円");
	assert_int_equal(p->pst_capacity, 1000);
	feed_free(f);

	/* Blank lines, CR-only line ends, empty rows, a start-date note. */
	f = parse_text("NO,名称,開始日,終了日,日時備考\r\r"
	    "1,a,2026-08-04,2026-08-01,\r"
	    ",,,,\r"
	    "3,c,,,2026/9/1\r"
	    "4,d,,,9月1日ごろ\r");
	assert_int_equal(f->fd_entries.pl_len, 2);
	assert_opt_str(f->fd_entries.pl_items[0]->pst_end, NULL);
	assert_opt_str(f->fd_entries.pl_items[1]->pst_start, "2026-09-01");
	assert_int_equal(f->fd_nissues, 2);
	check_issue(f, 0, 4, "empty row");
	check_issue(f, 1, 6, "no start date (開始日 is empty)");
	feed_free(f);

	/* Without NO: the link, the start and the title tell rows apart. */
	f = parse_text("名称,開始日,URL\n"
	    "おはなし会(A館),2020-04-01,https://lib.example.jp/\n"
	    "おはなし会(B館),2020-04-01,https://lib.example.jp/\n");
	assert_int_equal(f->fd_entries.pl_len, 2);
	p = f->fd_entries.pl_items[0];
	assert_int_equal(strncmp(p->pst_guid,
	    "https://lib.example.jp/@2020-04-01#", 35), 0);
	assert_string_not_equal(p->pst_guid,
	    f->fd_entries.pl_items[1]->pst_guid);
	feed_free(f);

	/* 開始時刻 holding the whole time range, as some files have it. */
	f = parse_text("名称,開始日,開始時刻,終了時刻\n"
	    "a,2026-08-05,午前１０時から午後５時まで,\n"
	    "b,2026-08-05,10時～12時,11:00\n"
	    "c,2026-08-05,10時ごろ,\n");
	assert_int_equal(f->fd_entries.pl_len, 3);
	p = f->fd_entries.pl_items[0];
	assert_opt_str(p->pst_start, "2026-08-05T10:00:00+09:00");
	assert_opt_str(p->pst_end, "2026-08-05T17:00:00+09:00");
	p = f->fd_entries.pl_items[1];
	assert_opt_str(p->pst_end, "2026-08-05T11:00:00+09:00");
	p = f->fd_entries.pl_items[2];
	assert_opt_str(p->pst_start, "2026-08-05T10:00:00+09:00");
	assert_opt_str(p->pst_end, NULL);
	feed_free(f);

	/* A quote never closed runs to the end: one row, not a failure. */
	f = parse_text("名称,開始日,説明\n"
	    "x,2026-08-04,\"never closed\n2,y,2026-08-05\n");
	assert_int_equal(f->fd_entries.pl_len, 1);
	assert_opt_str(f->fd_entries.pl_items[0]->pst_content_html,
	    "<p>never closed<br>\n2,y,2026-08-05</p>");
	feed_free(f);
}

static void
test_max_entries(void **state)
{
	struct feed_parse_opts opts = { .max_entries = 2 };
	struct feed *f;
	size_t len;
	char *data;

	data = test_data_read("csv", "kariya-79.csv", &len);
	f = parse_ok(data, len, &opts);
	assert_int_equal(f->fd_entries.pl_len, 2);
	feed_free(f);
	free(data);
}

static void
test_capacity(void **state)
{
	static const struct {
		const char	*text;
		long long	 want;
	} cases[] = {
		{ "20", 20 }, { "20名", 20 }, { "２０人", 20 },
		{ "先着30名", 30 }, { "定員：１５組", 15 }, { "1,000", 1000 },
		{ "１，０００人", 1000 }, { "なし", -1 }, { "若干名", -1 },
		{ "大人10名、子ども10名", -1 }, { "20～30名", -1 }, { "", -1 },
		{ "99999999999", -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (csv_capacity(cases[i].text) != cases[i].want)
			fail_msg("\"%s\": got %lld", cases[i].text,
			    csv_capacity(cases[i].text));
}

static void
test_sniff(void **state)
{
	static const char *const csv[] = {
		"NO,都道府県コード又は市区町村コード,名称,開始日\n",
		"\xef\xbb\xbf" "都道府県コード又は市区町村コード,NO,イベント名,開始日\r\n",
		"全国地方公共団体コード,ID,イベント名,開始日,終了日",
	};
	static const char *const not_csv[] = {
		"名称,日付\n", "名称 開始日\n", "<rss/>",
		"a\nb\nc\nd\ne\n名称,開始日\n",
	};
	size_t i;

	for (i = 0; i < sizeof(csv) / sizeof(csv[0]); i++)
		assert_int_equal(feed_sniff(csv[i], strlen(csv[i])),
		    FEED_FORMAT_CSV);
	for (i = 0; i < sizeof(not_csv) / sizeof(not_csv[0]); i++)
		assert_int_not_equal(feed_sniff(not_csv[i],
		    strlen(not_csv[i])), FEED_FORMAT_CSV);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recommended_32),
		cmocka_unit_test(test_cp932),
		cmocka_unit_test(test_gif_79),
		cmocka_unit_test(test_missing_header),
		cmocka_unit_test(test_quirks),
		cmocka_unit_test(test_max_entries),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_sniff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
