/*
 * test_dedup_key.c — canonical URLs, comparison keys of titles and places,
 * the event's day and minute in Japan, content and origin keys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dedup_key.h"
#include "posting.h"

static void
expect_url(const char *in, const char *want)
{
	char *got = dedup_canonical_url(in), *again;

	if (want == NULL) {
		if (got != NULL)
			fail_msg("'%s': got '%s', want none", in ? in : "NULL",
			    got);
		return;
	}
	if (got == NULL)
		fail_msg("'%s': got none, want '%s'", in, want);
	if (strcmp(got, want) != 0)
		fail_msg("'%s': got '%s', want '%s'", in, got, want);
	again = dedup_canonical_url(got);
	if (strcmp(again, got) != 0)
		fail_msg("'%s': not stable: '%s' then '%s'", in, got, again);
	free(again);
	free(got);
}

/*
 * More parameters than are sorted: the first QUERY_MAX (64) sorted, the
 * rest after them as they came — none lost, none leaked (fuzz_dedup found
 * the rest dropped and leaked, and a query of exactly 64 losing its last).
 */
static void
test_canonical_url_many_params(void **state)
{
	char in[1024], want[1024];
	size_t n = 0, m = 0;
	int i;

	n += (size_t)snprintf(in + n, sizeof(in) - n, "https://example.jp/e");
	for (i = 69; i >= 0; i--)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "%sk%02d=1",
		    i == 69 ? "?" : "&", i);
	m += (size_t)snprintf(want + m, sizeof(want) - m,
	    "https://example.jp/e");
	for (i = 6; i <= 69; i++)
		m += (size_t)snprintf(want + m, sizeof(want) - m, "%sk%02d=1",
		    i == 6 ? "?" : "&", i);
	for (i = 5; i >= 0; i--)
		m += (size_t)snprintf(want + m, sizeof(want) - m, "&k%02d=1", i);
	expect_url(in, want);
	/* Exactly 64: all sorted, the last kept. */
	n = (size_t)snprintf(in, sizeof(in), "https://example.jp/e");
	for (i = 63; i >= 0; i--)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "%sk%02d=1",
		    i == 63 ? "?" : "&", i);
	m = (size_t)snprintf(want, sizeof(want), "https://example.jp/e");
	for (i = 0; i <= 63; i++)
		m += (size_t)snprintf(want + m, sizeof(want) - m, "%sk%02d=1",
		    i == 0 ? "?" : "&", i);
	expect_url(in, want);
}

static void
test_canonical_url(void **state)
{
	(void)state;
	/* Scheme and host case, http and https as one, default ports. */
	expect_url("HTTP://WWW.City.Kariya.LG.JP/volunteer/101.html",
	    "https://www.city.kariya.lg.jp/volunteer/101.html");
	expect_url("https://www.city.kariya.lg.jp:443/a",
	    "https://www.city.kariya.lg.jp/a");
	expect_url("http://www.city.kariya.lg.jp:80/a",
	    "https://www.city.kariya.lg.jp/a");
	expect_url("http://example.jp:8080/a", "https://example.jp:8080/a");
	expect_url("http://example.jp:0080/a", "https://example.jp/a");
	expect_url("http://user:pw@example.jp./a", "https://example.jp/a");
	/* Found by fuzz_dedup: one dot dropped left the next for later. */
	expect_url("HTTP://Example.JP.......", "https://example.jp/");
	expect_url("https://.../a", NULL);
	/* Tracking parameters go; the others are sorted. */
	expect_url("https://example.jp/ev?id=3&utm_source=aisin&utm_medium=x",
	    "https://example.jp/ev?id=3");
	expect_url("https://example.jp/ev?utm_campaign=a&fbclid=b&gclid=c",
	    "https://example.jp/ev");
	expect_url("https://example.jp/ev?b=2&a=1", "https://example.jp/ev?a=1&b=2");
	expect_url("https://example.jp/ev?&&a=1&", "https://example.jp/ev?a=1");
	/* Trailing slashes, empty path, index pages, dot segments. */
	expect_url("https://example.jp", "https://example.jp/");
	expect_url("https://example.jp/vc/entry/12/",
	    "https://example.jp/vc/entry/12");
	expect_url("https://example.jp/vc/index.html", "https://example.jp/vc");
	expect_url("https://example.jp/index.php", "https://example.jp/");
	/* Every last index page at once, so that the result is its own
	 * canonical URL (fuzz_dedup, corpus/dedup/crash-index-pages). */
	expect_url("https://example.jp/a/index.htm/index.html",
	    "https://example.jp/a");
	/* A blank inside is escaped: sorted last, it would be trimmed the
	 * second time (corpus/dedup/crash-blank-in-query). */
	expect_url("https://example.jp/ev?b=x &a=1",
	    "https://example.jp/ev?a=1&b=x%20");
	/* A '%' that starts no escape is escaped itself
	 * (corpus/dedup/crash-stray-percent). */
	expect_url("https://example.jp/a%%33", "https://example.jp/a%253");
	expect_url("https://example.jp/a/./b/../c//d", "https://example.jp/a/c/d");
	expect_url("https://example.jp/../../x", "https://example.jp/x");
	/* Escapes: unreserved decoded, others uppercased. */
	expect_url("https://example.jp/%7euser/%e5%88%88",
	    "https://example.jp/~user/%E5%88%88");
	expect_url("https://example.jp/a%2", "https://example.jp/a%252");
	/* Fragments go, but routes of single-page sites stay. */
	expect_url("https://example.jp/ev#top", "https://example.jp/ev");
	expect_url("https://example.jp/#!/event/3",
	    "https://example.jp/#!/event/3");
	expect_url("https://example.jp/app#/event/4",
	    "https://example.jp/app#/event/4");
	expect_url("  https://example.jp/a  ", "https://example.jp/a");
	expect_url("https://[2001:db8::1]:8443/a", "https://[2001:db8::1]:8443/a");
	/* Not http(s) with a host: no key. */
	expect_url("mailto:x@example.jp", NULL);
	expect_url("ftp://example.jp/a", NULL);
	expect_url("https://", NULL);
	expect_url("https:///a", NULL);
	expect_url("https://example.jp:8x/a", NULL);
	expect_url("https://[::1/a", NULL);
	expect_url("/relative/path", NULL);
	expect_url(NULL, NULL);

	assert_true(dedup_url_is_generic("https://example.jp/"));
	assert_false(dedup_url_is_generic("https://example.jp/ev"));
	assert_false(dedup_url_is_generic("https://example.jp/?id=3"));
	assert_true(dedup_url_is_generic(NULL));
}

static void
expect_title(const char *in, const char *want)
{
	char *got = dedup_title_key(in);

	if (strcmp(got, want) != 0)
		fail_msg("'%s': got '%s', want '%s'", in, got, want);
	free(got);
}

static void
test_title_key(void **state)
{
	char *k;

	(void)state;
	/* Decorations, full width, half-width kana, case. */
	expect_title("【募集】刈谷市総合運動公園の清掃活動",
	    "刈谷市総合運動公園清掃");
	expect_title("［ボランティア募集］フードドライブ受付ボランティア",
	    "フードドライブ受付");
	expect_title("ﾌｰﾄﾞﾄﾞﾗｲﾌﾞ受付ﾎﾞﾗﾝﾃｨｱ", "フードドライブ受付");
	expect_title("ＮＰＯ相談会", "npo相談会");
	/* What sources wrap around one event. */
	expect_title("ホタル観察会 運営スタッフの参加者を募集します",
	    "ホタル観察会");
	expect_title("ホタル観察会のお手伝い", "ホタル観察会");
	expect_title("令和8年度 手話講座 入門編 参加者募集", "手話講座入門編");
	expect_title("2026年度 手話講座 入門編", "手話講座入門編");
	expect_title("★万燈祭 交通整理★やります!", "万燈祭交通整理");
	expect_title("災害ボラセン設置訓練に参加しよう",
	    "災害センター設置訓練");
	/* Spellings of one word. */
	expect_title("障がい者スポーツ大会", "障害者スポーツ大会");
	expect_title("こども食堂", "子ども食堂");
	/* What names the event stays. */
	expect_title("福祉実践教室 車いす体験", "福祉実践教室車いす体験");
	expect_title("福祉実践教室 手話体験", "福祉実践教室手話体験");
	/* Nothing but such words: the compare key is left. */
	expect_title("【募集】ボランティア募集のお知らせ", "ボランティア");
	expect_title("募集", "募集");
	assert_null(dedup_title_key(NULL));
	k = dedup_title_key("");
	assert_string_equal(k, "");
	free(k);
}

static void
test_where_keys(void **state)
{
	char *k;

	(void)state;
	/* A facility named in parentheses; the last one that is. */
	k = dedup_title_venue("親育ちサポート講座「ノーバディズ」(赤羽児童館)");
	assert_string_equal(k, "赤羽児童館");
	free(k);
	k = dedup_title_venue("赤ちゃんサロン(高洲児童センター)1月");
	assert_string_equal(k, "高洲児童センター");
	free(k);
	k = dedup_title_venue("講座(中央図書館)(全3回)");
	assert_string_equal(k, "中央図書館");
	free(k);
	/* Parentheses that name no facility, and none at all. */
	assert_null(dedup_title_venue("成人バドミントン(亀有・新小岩)"));
	assert_null(dedup_title_venue("健美操(全15回)"));
	assert_null(dedup_title_venue("講演会(会場とオンデマンド配信)"));
	assert_null(dedup_title_venue("講演会(館)"));	/* too short */
	assert_null(dedup_title_venue("講演会(未完"));
	assert_null(dedup_title_venue(NULL));

	/* Addresses without prefecture and municipality. */
	k = dedup_address_key("東京都葛飾区お花茶屋3-5-6");
	assert_string_equal(k, "お花茶屋356");
	assert_int_equal(dedup_address_town(k), strlen("お花茶屋"));
	free(k);
	k = dedup_address_key("葛飾区お花茶屋3-5-6");	/* no prefecture */
	assert_string_equal(k, "お花茶屋356");
	free(k);
	k = dedup_address_key("神奈川県横浜市港北区日吉本町1-2");
	assert_string_equal(k, "日吉本町12");
	free(k);
	k = dedup_address_key("千葉県市原市五井1");	/* 市 first */
	assert_string_equal(k, "五井1");
	free(k);
	k = dedup_address_key("愛知県知多郡東浦町緒川1");
	assert_string_equal(k, "緒川1");
	free(k);
	k = dedup_address_key("東京都日野市日野本町７－５－２３");
	assert_string_equal(k, "日野本町7523");
	free(k);
	/* Nothing but the municipality: no key. */
	assert_null(dedup_address_key("埼玉県所沢市"));
	assert_null(dedup_address_key(NULL));
	/* A town of one character tells nothing. */
	assert_int_equal(dedup_address_town("元1"), 0);
	assert_int_equal(dedup_address_town(NULL), 0);
}

static void
test_place_key(void **state)
{
	char *k;

	(void)state;
	k = dedup_place_key("刈谷市総合文化センター　小ホール");
	assert_string_equal(k, "刈谷市総合文化センター小ホール");
	free(k);
	k = dedup_place_key("ＷＡＶＥ　Ｓｔａｄｉｕｍ");
	assert_string_equal(k, "wavestadium");
	free(k);
	assert_null(dedup_place_key("・・・"));
	assert_null(dedup_place_key(NULL));
}

static void
test_when(void **state)
{
	struct dedup_when w;
	char day[11];

	(void)state;
	dedup_when_of("2026-04-19T08:30:00+09:00", "2026-04-19T10:30:00+09:00",
	    &w);
	dedup_day_format(w.dw_day, day);
	assert_string_equal(day, "2026-04-19");
	assert_int_equal(w.dw_minute, 8 * 60 + 30);
	assert_int_equal(w.dw_end_day, w.dw_day);
	assert_int_equal(w.dw_end_minute, 10 * 60 + 30);
	/* UTC is turned into the Japan day. */
	dedup_when_of("2026-04-18T23:30:00Z", NULL, &w);
	dedup_day_format(w.dw_day, day);
	assert_string_equal(day, "2026-04-19");
	assert_int_equal(w.dw_minute, 8 * 60 + 30);
	assert_int_equal(w.dw_end_day, DEDUP_NO_DAY);
	/* A date alone: all day. */
	dedup_when_of("2026-10-17", "2026-10-18", &w);
	dedup_day_format(w.dw_day, day);
	assert_string_equal(day, "2026-10-17");
	assert_int_equal(w.dw_minute, -1);
	assert_int_equal(w.dw_end_day - w.dw_day, 1);
	dedup_when_of("1969-12-31", NULL, &w);
	assert_int_equal(w.dw_day, -1);
	dedup_day_format(0, day);
	assert_string_equal(day, "1970-01-01");
	/* Nothing that reads: no day. */
	dedup_when_of("soon", "2026-10-18", &w);
	assert_int_equal(w.dw_day, DEDUP_NO_DAY);
	assert_int_equal(w.dw_end_day, DEDUP_NO_DAY);
	dedup_when_of(NULL, NULL, &w);
	assert_int_equal(w.dw_day, DEDUP_NO_DAY);
	dedup_when_of("2026-13-01", NULL, &w);
	assert_int_equal(w.dw_day, DEDUP_NO_DAY);
}

static void
expect_compare(const char *title, const char *want)
{
	char *got = dedup_compare_title(title);

	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("'%s': got '%s', want '%s'", title,
		    got ? got : "NULL", want);
	free(got);
}

static void
test_compare_title(void **state)
{
	(void)state;
	/* What dedup_title_key() does, and more. */
	expect_compare("【募集】フードドライブ受付ボランティア",
	    "フードドライブ受付");
	/* A gathering note is no part of the name. */
	expect_compare("猿渡川クリーン作戦(集合7:45)", "猿渡川清掃");
	expect_compare("市民マラソン給水所(集合7時) 参加者募集中♪",
	    "市民マラソン給水所");
	expect_compare("竹林整備 午前9時集合", "竹林整備");
	/* Names of one kind of event. */
	expect_compare("総合運動公園クリーン作戦", "総合運動公園清掃");
	expect_compare("高浜の海岸クリーンアップ", "高浜海岸清掃");
	expect_compare("二十歳のつどい 会場案内ボランティア", "成人式会場案内");
	/* A closing verb, but not a verb that is the name. */
	expect_compare("おもちゃ病院 開院します", "おもちゃ病院");
	expect_compare("開院します", "開院します");
	/* The content key's title stays as it was. */
	{
		char *k = dedup_title_key("猿渡川クリーン作戦(集合7:45)");

		assert_string_equal(k, "猿渡川クリーン作戦集合745");
		free(k);
	}
	assert_null(dedup_compare_title(NULL));
}

static void
test_gathering_time(void **state)
{
	struct posting *p = posting_new();
	struct dedup_keys k;

	(void)state;
	assert_true(dedup_is_gathering_time("猿渡川クリーン作戦(集合7:45)",
	    7 * 60 + 45));
	assert_true(dedup_is_gathering_time("（集合７：４５）", 7 * 60 + 45));
	assert_true(dedup_is_gathering_time("午前10時20分集合", 10 * 60 + 20));
	assert_true(dedup_is_gathering_time("受付開始 9:30～", 9 * 60 + 30));
	assert_true(dedup_is_gathering_time("午後0時15分開場。", 12 * 60 + 15));
	assert_true(dedup_is_gathering_time("開場 13:30 開演 14:00",
	    13 * 60 + 30));
	assert_false(dedup_is_gathering_time("開場 13:30 開演 14:00",
	    14 * 60));
	assert_true(dedup_is_gathering_time("集合時間：午後1時半",
	    13 * 60 + 30));
	/* Another time, or no word of gathering. */
	assert_false(dedup_is_gathering_time("(集合7:45)", 8 * 60));
	assert_false(dedup_is_gathering_time("7:45 開始", 7 * 60 + 45));
	assert_false(dedup_is_gathering_time("集合場所は正門", 9 * 60));
	assert_false(dedup_is_gathering_time(NULL, 9 * 60));
	assert_false(dedup_is_gathering_time("集合7:45", -1));

	/* A start that is the gathering time is one. */
	posting_set(&p->pst_title, "猿渡川クリーン作戦(集合7:45)");
	posting_set(&p->pst_start, "2026-06-07T07:45:00+09:00");
	dedup_keys_of(p, &k);
	assert_int_equal(k.dk_when.dw_minute, DEDUP_GATHERING(7 * 60 + 45));
	assert_true(DEDUP_IS_GATHERING(k.dk_when.dw_minute));
	assert_int_equal(DEDUP_GATHER_MINUTE(k.dk_when.dw_minute), 7 * 60 + 45);
	assert_string_equal(k.dk_title, "猿渡川清掃");
	dedup_keys_clear(&k);
	posting_set(&p->pst_title, "猿渡川クリーン作戦");
	posting_set(&p->pst_summary, "受付は7時45分から、8時開始です。");
	dedup_keys_of(p, &k);
	assert_int_equal(k.dk_when.dw_minute, DEDUP_GATHERING(7 * 60 + 45));
	dedup_keys_clear(&k);
	posting_set(&p->pst_start, "2026-06-07T08:00:00+09:00");
	dedup_keys_of(p, &k);
	assert_int_equal(k.dk_when.dw_minute, 8 * 60);
	dedup_keys_clear(&k);
	/* A day alone: the summary's start. */
	posting_set(&p->pst_start, "2026-06-07");
	posting_set(&p->pst_summary, "時間は午後1時30分からです。");
	dedup_keys_of(p, &k);
	assert_int_equal(k.dk_when.dw_minute, 13 * 60 + 30);
	dedup_keys_clear(&k);
	posting_free(p);
}

static void
test_text_start(void **state)
{
	(void)state;
	assert_int_equal(dedup_text_start("時間は午後1時30分からです。"),
	    13 * 60 + 30);
	assert_int_equal(dedup_text_start("13:30開始"), 13 * 60 + 30);
	assert_int_equal(dedup_text_start("開始時刻: 9:00"), 9 * 60);
	assert_int_equal(dedup_text_start("午前10時～正午"), 10 * 60);
	assert_int_equal(dedup_text_start("１０：００－１２：００"), 10 * 60);
	/* Two sessions, a gathering, a deadline, nothing. */
	assert_int_equal(dedup_text_start("第1回 午前10時から、第2回 午前11時"
	    "から"), -1);
	assert_int_equal(dedup_text_start("受付9時30分から"), -1);
	assert_int_equal(dedup_text_start("申込は17時まで"), -1);
	assert_int_equal(dedup_text_start("お茶とお菓子"), -1);
	assert_int_equal(dedup_text_start(NULL), -1);
}

static void
test_content_and_origin_keys(void **state)
{
	struct posting *a = posting_new(), *b;
	struct dedup_keys k;
	char *ka, *kb, *o;

	(void)state;
	posting_set(&a->pst_title, "【募集】いきいきサロン お茶会");
	posting_set(&a->pst_start, "2026-05-13T13:30:00+09:00");
	posting_set(&a->pst_place, "小垣江市民センター");
	posting_set(&a->pst_area, "232106");
	posting_set(&a->pst_link, "https://example.jp/");
	b = posting_clone(a);
	/* Decorations and description do not change it ... */
	posting_set(&b->pst_title, "いきいきサロン　お茶会");
	posting_set(&b->pst_content_html, "<p>お茶とお菓子</p>");
	ka = dedup_content_key(a);
	kb = dedup_content_key(b);
	assert_string_equal(ka, kb);
	assert_int_equal(strncmp(ka, "h:", 2), 0);
	assert_int_equal(strlen(ka), 34);
	free(kb);
	/* ... the date does. */
	posting_set(&b->pst_start, "2026-06-10T13:30:00+09:00");
	kb = dedup_content_key(b);
	assert_string_not_equal(ka, kb);
	free(ka);
	free(kb);

	o = dedup_origin_key("chiryu", "p0123");
	assert_string_equal(o, "chiryu/p0123");
	free(o);
	assert_null(dedup_origin_key("chiryu", NULL));
	assert_null(dedup_origin_key("", "p1"));

	/* All keys of a record; a whole-site link is no key. */
	dedup_keys_of(a, &k);
	assert_string_equal(k.dk_title, "いきいきサロンお茶会");
	assert_string_equal(k.dk_place, "小垣江市民センター");
	assert_string_equal(k.dk_area, "232106");
	assert_null(k.dk_url);
	assert_null(k.dk_origin);
	assert_int_equal(k.dk_when.dw_minute, 13 * 60 + 30);
	dedup_keys_clear(&k);
	assert_null(k.dk_title);
	posting_free(a);
	posting_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_url),
		cmocka_unit_test(test_canonical_url_many_params),
		cmocka_unit_test(test_title_key),
		cmocka_unit_test(test_place_key),
		cmocka_unit_test(test_where_keys),
		cmocka_unit_test(test_when),
		cmocka_unit_test(test_compare_title),
		cmocka_unit_test(test_gathering_time),
		cmocka_unit_test(test_text_start),
		cmocka_unit_test(test_content_and_origin_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
