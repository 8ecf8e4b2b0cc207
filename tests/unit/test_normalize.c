/*
 * test_normalize.c — Japanese text normalization, comparison keys, phone
 * numbers, and normalize_posting()'s rules (with the localgovjp table in
 * $TSUNAGU_SHARED_DATA).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "area_table.h"
#include "category.h"
#include "normalize.h"
#include "posting.h"
#include "posting_json.h"

static struct area_table *table;

static int
setup(void **state)
{
	const char *shared = getenv("TSUNAGU_SHARED_DATA");
	char path[4096], err[512];

	if (shared == NULL)
		shared = "../shared/data";
	snprintf(path, sizeof(path), "%s/localgovjp/localgovjp-utf8.csv",
	    shared);
	if ((table = area_table_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	area_table_free(table);
	return 0;
}

/* --- normalize_text ------------------------------------------------------- */

static void
expect_text(const char *in, const char *want)
{
	char *got = normalize_text(in), *again;

	if (strcmp(got, want) != 0)
		fail_msg("'%s': got '%s', want '%s'", in, got, want);
	again = normalize_text(got);
	if (strcmp(again, got) != 0)
		fail_msg("'%s': not stable: '%s' then '%s'", in, got, again);
	free(again);
	free(got);
}

static void
test_text_nfkc(void **state)
{
	expect_text("ＡＢＣ１２３", "ABC123");
	expect_text("ｶﾘﾔｼ ﾎﾞﾗﾝﾃｨｱ", "カリヤシ ボランティア");
	expect_text("１，０００円", "1,000円");
	expect_text("①㈱", "1(株)");
	expect_text("（土）", "(土)");
	/* The prolonged sound mark is part of words, never a dash. */
	expect_text("ボランティア・センター", "ボランティア・センター");
	expect_text("〒448-8501", "〒448-8501");
}

static void
test_text_mappings(void **state)
{
	/* What NFKC leaves alone: the wave dash and the dash family. */
	expect_text("10時〜12時", "10時~12時");
	expect_text("10時～12時", "10時~12時");
	expect_text("10時〰12時", "10時~12時");
	expect_text("0566‐62‐1000", "0566-62-1000");
	expect_text("0566−62−1000", "0566-62-1000");
	expect_text("0566－62－1000", "0566-62-1000");
	expect_text("a–b—c―d‒e", "a-b-c-d-e");
}

static void
test_text_whitespace(void **state)
{
	expect_text("　夏休み　\t ボランティア\n体験  ", "夏休み ボランティア 体験");
	expect_text("a\xc2\xa0\xc2\xa0" "b", "a b");
	expect_text("ab\xe2\x80\x8b" "c\xef\xbb\xbf", "abc");	/* ZWSP, BOM */
	expect_text("a\x01" "b\x7f" "c", "abc");
	expect_text("", "");
	expect_text("   ", "");
	/* Invalid UTF-8 is replaced, not passed on. */
	expect_text("a\xff" "b", "a\xef\xbf\xbd" "b");
	assert_null(normalize_text(NULL));
}

/* --- comparison keys -------------------------------------------------------- */

static void
expect_key(const char *title, const char *want)
{
	char *got = normalize_compare_key(title);

	if (strcmp(got, want) != 0)
		fail_msg("'%s': got '%s', want '%s'", title, got, want);
	free(got);
}

static void
test_compare_key(void **state)
{
	expect_key("【募集】夏休み ボランティア体験［締切間近］★",
	    "夏休みボランティア体験");
	expect_key("夏休み　ボランティア体験", "夏休みボランティア体験");
	expect_key("〔再掲〕＜新着＞☆夏休みボランティア体験！！",
	    "夏休みボランティア体験");
	expect_key("Beach Cleanup 2026", "beachcleanup2026");
	expect_key("ＢＥＡＣＨ　ＣＬＥＡＮＵＰ　２０２６", "beachcleanup2026");
	expect_key("ｶﾘﾔ ﾏﾂﾘ", "カリヤマツリ");
	/* Nothing but decoration: the label's words are the key. */
	expect_key("【募集】", "募集");
	/* Parentheses carry meaning and stay. */
	expect_key("清掃活動（土曜日）", "清掃活動土曜日");
	/* An unclosed bracket is punctuation, not a label. */
	expect_key("【募集 清掃活動", "募集清掃活動");
	expect_key("", "");
	assert_null(normalize_compare_key(NULL));
}

/* --- phone and e-mail -------------------------------------------------------- */

static void
expect_phone(const char *in, const char *want)
{
	char *got = normalize_phone(in);

	if (strcmp(got, want) != 0)
		fail_msg("'%s': got '%s', want '%s'", in, got, want);
	free(got);
}

static void
test_phone(void **state)
{
	expect_phone("０５６６－６２－１０００", "0566-62-1000");
	expect_phone("ＴＥＬ：０５６６－６２－１０００", "0566-62-1000");
	expect_phone("電話番号 0566ー62ー1000", "0566-62-1000");
	expect_phone("(0566)62-1000", "0566-62-1000");
	expect_phone("0566(62)1000", "0566-62-1000");
	expect_phone("0566 62 1000", "0566-62-1000");
	expect_phone("0566 - 62 - 1000", "0566-62-1000");
	expect_phone("0566-62-1000（内線123）", "0566-62-1000(内線123)");
	expect_phone("0566-62-1000 / FAX 0566-62-1001",
	    "0566-62-1000 / FAX 0566-62-1001");
	expect_phone("+81 566 62 1000", "+81-566-62-1000");
	expect_phone("受付窓口まで", "受付窓口まで");
	assert_null(normalize_phone(NULL));
}

static void
test_email(void **state)
{
	char *e;

	e = normalize_email(" mailto:Info@Example.JP ");
	assert_string_equal(e, "Info@example.jp");
	free(e);
	e = normalize_email("ｖｃ＠ＣＩＴＹ．ＫＡＲＩＹＡ．ＪＰ");
	assert_string_equal(e, "vc@city.kariya.jp");
	free(e);
	assert_null(normalize_email(NULL));
}

/* --- normalize_posting ---------------------------------------------------- */

static struct posting *
entry(const char *title, const char *html)
{
	struct posting *p = posting_new();

	posting_set(&p->pst_title, title);
	posting_set(&p->pst_content_html, html);
	posting_set(&p->pst_link, "https://city.example.jp/volunteer/101.html");
	return p;
}

/* The store's JSON form: everything normalize_posting() may touch. */
static char *
dump(const struct posting *p)
{
	json_t *o = posting_to_storage_json(p);
	char *s;

	assert_non_null(o);
	s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(o);
	return s;
}

/* Normalizes p and checks that a second pass changes nothing. */
static void
normalize_twice(struct posting *p, const struct normalize_ctx *ctx)
{
	char *once, *twice;

	normalize_posting(p, ctx);
	once = dump(p);
	normalize_posting(p, ctx);
	twice = dump(p);
	if (strcmp(once, twice) != 0)
		fail_msg("not idempotent:\n once:  %s\n twice: %s", once,
		    twice);
	free(once);
	free(twice);
}

static void
test_posting_title(void **state)
{
	struct posting *p = entry("【募集】ＡＢＣ　清掃活動〜亀城公園〜", NULL);

	normalize_twice(p, NULL);
	/* The published title keeps its decoration. */
	assert_string_equal(p->pst_title, "【募集】ABC 清掃活動~亀城公園~");
	posting_free(p);
}

static void
test_posting_content(void **state)
{
	struct normalize_ctx ctx = {
		.nc_base_url = "https://city.example.jp/feeds/rss.xml",
	};
	struct posting *p;

	p = entry("t", "<p onclick=\"x()\">詳細は<a href=\"detail.html\">"
	    "こちら</a><script>alert(1)</script></p>");
	normalize_twice(p, &ctx);
	assert_string_equal(p->pst_content_html, "<p>詳細は<a href=\""
	    "https://city.example.jp/feeds/detail.html\">こちら</a></p>");
	assert_string_equal(p->pst_summary, "詳細はこちら");
	posting_free(p);

	/* Without a document URL, links resolve against the entry's. */
	p = entry("t", "<a href=\"detail.html\">x</a>");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_content_html, "<a href=\""
	    "https://city.example.jp/volunteer/detail.html\">x</a>");
	posting_free(p);

	/* Nothing left after sanitizing: no content at all. */
	p = entry("t", "<script>alert(1)</script>");
	normalize_twice(p, NULL);
	assert_null(p->pst_content_html);
	assert_null(p->pst_summary);
	posting_free(p);
}

static void
test_posting_summary(void **state)
{
	struct normalize_ctx ctx = { .nc_summary_max = 10 };
	struct posting *p;

	/* The source's summary is kept, its blanks folded. */
	p = entry("t", "<p>本文</p>");
	posting_set(&p->pst_summary, "  要約\n\n です ");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_summary, "要約 です");
	posting_free(p);

	/* Made from the content, bounded at a character boundary. */
	p = entry("t", "<p>あいうえおかきくけこさしすせそ</p>");
	normalize_twice(p, &ctx);
	assert_string_equal(p->pst_summary, "あいうえおかきくけ…");
	posting_free(p);
}

static void
test_posting_dates_structured(void **state)
{
	struct posting *p = entry("t", NULL);

	posting_set(&p->pst_start, "2026/08/04");
	posting_set(&p->pst_end, "2026-08-06");
	posting_set(&p->pst_deadline, "令和8年7月20日");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2026-08-04");
	assert_string_equal(p->pst_end, "2026-08-06");
	assert_string_equal(p->pst_deadline, "2026-07-20");
	assert_int_equal(p->pst_all_day, 1);
	posting_free(p);

	p = entry("t", NULL);
	posting_set(&p->pst_start, "2026-03-01T10:00:00+09:00");
	posting_set(&p->pst_end, "9999-12-31");	/* the CSV sentinel */
	p->pst_all_day = 1;
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2026-03-01T10:00:00+09:00");
	assert_null(p->pst_end);
	assert_int_equal(p->pst_all_day, 0);
	posting_free(p);

	/* RFC 822 in a structured field: the same instant, Japan time. */
	p = entry("t", NULL);
	posting_set(&p->pst_start, "Sun, 01 Mar 2026 01:00:00 GMT");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2026-03-01T10:00:00+09:00");
	posting_free(p);

	/* Timed start, date-only end: a span of days. */
	p = entry("t", NULL);
	posting_set(&p->pst_start, "2026-08-04T10:00:00+09:00");
	posting_set(&p->pst_end, "2026-08-06");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2026-08-04");
	assert_string_equal(p->pst_end, "2026-08-06");
	assert_int_equal(p->pst_all_day, 1);
	posting_free(p);
	p = entry("t", NULL);
	posting_set(&p->pst_start, "2026-08-04");
	posting_set(&p->pst_end, "2026-08-06T12:00:00+09:00");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_end, "2026-08-06");
	assert_int_equal(p->pst_all_day, 1);
	posting_free(p);

	/* An end before its start, and garbage, are dropped. */
	p = entry("t", NULL);
	posting_set(&p->pst_start, "2026-08-04");
	posting_set(&p->pst_end, "2026-08-01");
	posting_set(&p->pst_deadline, "未定");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2026-08-04");
	assert_null(p->pst_end);
	assert_null(p->pst_deadline);
	posting_free(p);
}

static void
test_posting_dates_text(void **state)
{
	struct posting *p;

	/* Structured fields first: the text does not override them. */
	p = entry("2026年9月6日の訓練", NULL);
	posting_set(&p->pst_start, "2026-10-01");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2026-10-01");
	posting_free(p);

	/* The title, then the content. */
	p = entry("夏休み体験 令和8年8月5日（水）10：00～12：00", NULL);
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2026-08-05T10:00:00+09:00");
	assert_string_equal(p->pst_end, "2026-08-05T12:00:00+09:00");
	assert_int_equal(p->pst_all_day, 0);
	posting_free(p);

	p = entry("清掃活動", "<p>申込締切：2026年7月20日</p><p>日時: "
	    "2026年9月6日 9:00から12:00</p>");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2026-09-06T09:00:00+09:00");
	assert_string_equal(p->pst_end, "2026-09-06T12:00:00+09:00");
	assert_string_equal(p->pst_deadline, "2026-07-20");
	posting_free(p);

	/* A title listing the days of two occurrences dates neither: the
	 * text says which one the record is. */
	p = entry("救急救命講習会 参加者募集(令和4年3月6日・3月12日)",
	    "<p>日時: 2022年3月12日（土） 13時～16時</p>");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2022-03-12T13:00:00+09:00");
	posting_free(p);
	p = entry("親子体操(2022年2月6日、13日)", "<p>日時: 2022年2月13日</p>");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2022-02-13");
	posting_free(p);
	/* A span in a title is one date. */
	p = entry("夏まつり 2026年8月4日～8月6日", "<p>2026年9月1日更新</p>");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2026-08-04");
	assert_string_equal(p->pst_end, "2026-08-06");
	posting_free(p);

	/* A date range, all day. */
	p = entry("桜まつり", "<p>2027年3月27日から4月4日、案内所で</p>");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2027-03-27");
	assert_string_equal(p->pst_end, "2027-04-04");
	assert_int_equal(p->pst_all_day, 1);
	posting_free(p);

	/* Far in the future: kept, never clamped. */
	p = entry("2040年1月5日 記念植樹", NULL);
	p->pst_published = 1772326800;	/* 2026-03-01 */
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2040-01-05");
	assert_int_equal(p->pst_published, 1772326800);
	posting_free(p);

	/* A date without its year: the one on or after the publication
	 * (a month before it at most). */
	p = entry("ふれあい体操", "<p>日時: １月２７日（木曜日） １０：００～"
	    "１１：３０</p>");
	p->pst_published = 1640995200;	/* 2022-01-01 */
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2022-01-27T10:00:00+09:00");
	assert_string_equal(p->pst_end, "2022-01-27T11:30:00+09:00");
	posting_free(p);
	p = entry("ふれあい体操", "<p>日時: 1月27日 10時から</p>");
	p->pst_published = 1669852800;	/* 2022-12-01 */
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2023-01-27T10:00:00+09:00");
	posting_free(p);
	/* Unpublished: no year to take. */
	p = entry("ふれあい体操", "<p>日時: 1月27日 10時から</p>");
	normalize_twice(p, NULL);
	assert_null(p->pst_start);
	posting_free(p);

	/* No date anywhere: nothing invented; an end alone goes. */
	p = entry("毎週土曜日の活動", "<p>10:00から12:00</p>");
	posting_set(&p->pst_end, "2026-08-01");
	normalize_twice(p, NULL);
	assert_null(p->pst_start);
	assert_null(p->pst_end);
	assert_int_equal(p->pst_all_day, 0);
	posting_free(p);
}

static void
test_posting_fields(void **state)
{
	struct posting *p = entry("t", NULL);

	posting_set(&p->pst_place, "　刈谷市総合文化センター　アイリス ");
	posting_set(&p->pst_address, "愛知県刈谷市若松町２丁目１０４番地");
	posting_set(&p->pst_organizer_name, "刈谷市社会福祉協議会\n");
	posting_set(&p->pst_fee, "１，０００円");
	posting_set(&p->pst_contact_name, " ボランティアセンター ");
	posting_set(&p->pst_contact_phone, "ＴＥＬ ０５６６‐６２‐１０００");
	posting_set(&p->pst_contact_email, "VC@Example.JP");
	posting_set(&p->pst_recurrence, "FREQ=WEEKLY");
	p->pst_capacity = 20;
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_place, "刈谷市総合文化センター アイリス");
	assert_string_equal(p->pst_address, "愛知県刈谷市若松町2丁目104番地");
	assert_string_equal(p->pst_organizer_name, "刈谷市社会福祉協議会");
	assert_string_equal(p->pst_fee, "1,000円");
	assert_string_equal(p->pst_contact_name, "ボランティアセンター");
	assert_string_equal(p->pst_contact_phone, "0566-62-1000");
	assert_string_equal(p->pst_contact_email, "VC@example.jp");
	assert_string_equal(p->pst_recurrence, "FREQ=WEEKLY");
	assert_int_equal(p->pst_capacity, 20);
	posting_free(p);

	/* Coordinates: kept in range, dropped out of it. */
	p = entry("t", NULL);
	p->pst_lat = 34.98;
	p->pst_lon = 137.0;
	p->pst_has_geo = 1;
	normalize_twice(p, NULL);
	assert_int_equal(p->pst_has_geo, 1);
	p->pst_lat = 134.98;
	normalize_twice(p, NULL);
	assert_int_equal(p->pst_has_geo, 0);
	posting_free(p);
}

/* guessed: 1 when the area must be a default (the source's or the
 * region), 0 when the record says it. */
static void
expect_area_of(const char *area, const char *address, const char *place,
    const struct normalize_ctx *ctx, const char *want, int guessed)
{
	struct posting *p = entry("t", NULL);

	posting_set(&p->pst_area, area);
	posting_set(&p->pst_address, address);
	posting_set(&p->pst_place, place);
	normalize_twice(p, ctx);
	if (want == NULL)
		assert_null(p->pst_area);
	else {
		assert_non_null(p->pst_area);
		assert_string_equal(p->pst_area, want);
		if (guessed >= 0)
			assert_int_equal(p->pst_area_guessed, guessed);
	}
	posting_free(p);
}

static void
expect_area(const char *area, const char *address, const char *place,
    const struct normalize_ctx *ctx, const char *want)
{
	expect_area_of(area, address, place, ctx, want, -1);
}

static void
test_posting_area(void **state)
{
	struct normalize_ctx ctx = {
		.nc_areas = table,
		.nc_source_area = "232122",
		.nc_region = "232106",
	};
	struct normalize_ctx region_only = {
		.nc_areas = table,
		.nc_region = "130001",
	};

	/* The posting's own code, repaired. */
	expect_area("23210", NULL, NULL, &ctx, "232106");
	expect_area("1002", NULL, NULL, &ctx, "010022");
	expect_area("２３２１０６", NULL, NULL, &ctx, "232106");
	expect_area("23", NULL, NULL, &ctx, "230006");
	/* A wrong code is no code: the address decides. */
	expect_area("232107", "名古屋市中村区名駅", NULL, &ctx, "231053");
	expect_area(NULL, "愛知県刈谷市若松町", NULL, &ctx, "232106");
	expect_area(NULL, NULL, "刈谷市総合文化センター", &ctx, "232106");
	/* Ambiguous names lean on the region's prefecture. */
	expect_area(NULL, "府中市宮西町", NULL, &region_only, "132063");
	/* Then the source's area, then the region: defaults, which tell
	 * deduplication nothing about where the event is. */
	expect_area_of(NULL, "オンライン", NULL, &ctx, "232122", 1);
	expect_area_of(NULL, NULL, NULL, &region_only, "130001", 1);
	expect_area_of(NULL, "愛知県刈谷市若松町", NULL, &ctx, "232106", 0);
	expect_area_of("232254", NULL, NULL, &ctx, "232254", 0);
	/* No table: the address cannot help. */
	expect_area(NULL, "愛知県刈谷市", NULL, NULL, NULL);
}

static void
expect_categories(struct posting *p, const struct normalize_ctx *ctx,
    const char *const *want)
{
	size_t i;

	normalize_twice(p, ctx);
	for (i = 0; want[i] != NULL; i++) {
		if (i >= p->pst_ncategories)
			fail_msg("%zu categories, want more", i);
		assert_string_equal(p->pst_categories[i], want[i]);
	}
	assert_int_equal(p->pst_ncategories, i);
	posting_free(p);
}

static void
test_posting_categories(void **state)
{
	static const char *const mixed[] = { "children", "environment",
	    "other", NULL };
	static const char *const guessed[] = { "disaster", NULL };
	static const char *const none[] = { NULL };
	static const char *const split[] = { "children", "education",
	    "health", "welfare", "sports", NULL };
	static const char *const overridden[] = { "elderly", "children",
	    NULL };
	struct category_map *map;
	struct normalize_ctx ctx = { 0 };
	struct posting *p;
	char err[256];

	p = entry("t", NULL);
	posting_add_category(p, "子育て・教育");
	posting_add_category(p, "健康・福祉、スポーツ");
	expect_categories(p, NULL, split);

	p = entry("t", NULL);
	posting_add_category(p, "子ども");
	posting_add_category(p, "Kids");
	posting_add_category(p, "環境");
	posting_add_category(p, "お知らせ");
	expect_categories(p, NULL, mixed);

	/* Nothing the table knows: the title may tell. */
	p = entry("災害ボランティアセンター設置訓練", NULL);
	posting_add_category(p, "お知らせ");
	expect_categories(p, NULL, guessed);
	p = entry("ボランティア募集", NULL);
	expect_categories(p, NULL, none);

	map = category_map_parse("ふれあい=elderly", err, sizeof(err));
	assert_non_null(map);
	ctx.nc_categories = map;
	p = entry("t", NULL);
	posting_add_category(p, "ふれあい");
	posting_add_category(p, "子育て");
	expect_categories(p, &ctx, overridden);
	category_map_free(map);
}

/* A whole entry as a parser hands it over, then again: nothing moves. */
static void
test_posting_idempotent(void **state)
{
	struct normalize_ctx ctx = {
		.nc_base_url = "https://shakyo.example.jp/atom.xml",
		.nc_areas = table,
		.nc_region = "232106",
	};
	struct posting *p;

	p = entry("【募集】ﾌｰﾄﾞﾄﾞﾗｲﾌﾞ受付　２０２６年１２月５日〜６日",
	    "<div><p>食品の受付と仕分け。<img src=/a.png onerror=x()>"
	    "</p><p>申込期限 2026年11月30日</p></div>");
	posting_set(&p->pst_address, "刈谷市若松町");
	posting_set(&p->pst_contact_phone, "(0566)62-1000");
	posting_add_category(p, "福祉");
	normalize_twice(p, &ctx);
	assert_string_equal(p->pst_title,
	    "【募集】フードドライブ受付 2026年12月5日~6日");
	assert_string_equal(p->pst_start, "2026-12-05");
	assert_string_equal(p->pst_end, "2026-12-06");
	assert_string_equal(p->pst_deadline, "2026-11-30");
	assert_string_equal(p->pst_area, "232106");
	assert_string_equal(p->pst_categories[0], "welfare");
	posting_free(p);
	/* No context at all is fine. */
	p = posting_new();
	normalize_twice(p, NULL);
	posting_free(p);
}

/*
 * A summary made from the content is read the second time, as a
 * federated instance normalizes what another published: it may end in
 * half a date, "2026-08-32" (no date) cut to "2026-08-3…", the 3rd.
 * Found by fuzz_feed (corpus/feed/crash-renormalize-date-cut-in-summary).
 */
static void
test_posting_idempotent_cut_summary(void **state)
{
	char html[2048] = "<p>";
	struct posting *p;
	int i;

	for (i = 0; i < 290; i++)
		strcat(html, "\xe3\x81\x82");	/* あ */
	strcat(html, "2026-08-32 10:00</p>");
	p = entry("夏の募集", html);
	normalize_twice(p, NULL);
	assert_null(p->pst_start);
	assert_null(p->pst_deadline);
	assert_non_null(strstr(p->pst_summary, "2026-08-3\xe2\x80\xa6"));
	posting_free(p);
	/* Lines run together in the summary: a deadline word of one line
	 * next to another line's date (fuzz_csv,
	 * corpus/csv/crash-renormalize-lines-joined-in-summary). */
	p = entry("清掃", "<p>申込期限日は別途<br>\n2026-08-20 清掃します</p>");
	posting_set(&p->pst_start, "2026-08-04T09:00:00+09:00");
	normalize_twice(p, NULL);
	assert_null(p->pst_deadline);
	assert_string_equal(p->pst_summary, "申込期限日は別途 2026-08-20 清掃します");
	posting_free(p);
}

/*
 * A summary of the source's own with lines: dates are read from it as it
 * is published, its lines folded into one, and not from the lines the
 * second pass no longer sees.  When the content holds the summary's text
 * (a CSV's 概要 in a content of 概要 and 備考), the content is read, by
 * lines.  Found by fuzz_csv
 * (corpus/csv/crash-deadline-across-summary-lines).
 */
static void
test_posting_idempotent_summary_lines(void **state)
{
	struct posting *p;

	/* The summary alone: one line once published. */
	p = entry("清掃", NULL);
	posting_set(&p->pst_start, "2026-08-20");
	posting_set(&p->pst_summary, "参加申込期限\n2026年8月5日 集合");
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_summary,
	    "参加申込期限 2026年8月5日 集合");
	assert_string_equal(p->pst_deadline, "2026-08-05");
	posting_free(p);

	/* The same text in the content too: its lines are read. */
	p = entry("清掃", "<p>参加申込期限<br>\n2026年8月5日 集合</p>"
	    "<p>備考: 雨天中止</p>");
	posting_set(&p->pst_start, "2026-08-20");
	posting_set(&p->pst_summary, "参加申込期限\n2026年8月5日 集合");
	normalize_twice(p, NULL);
	assert_null(p->pst_deadline);
	assert_string_equal(p->pst_summary,
	    "参加申込期限 2026年8月5日 集合");
	posting_free(p);

	/* A title as published: a date split by a zero-width space is read
	 * the first time already. */
	p = entry("清掃 2026年8月\xe2\x80\x8b" "20日", NULL);
	normalize_twice(p, NULL);
	assert_string_equal(p->pst_start, "2026-08-20");
	posting_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_nfkc),
		cmocka_unit_test(test_text_mappings),
		cmocka_unit_test(test_text_whitespace),
		cmocka_unit_test(test_compare_key),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_posting_title),
		cmocka_unit_test(test_posting_content),
		cmocka_unit_test(test_posting_summary),
		cmocka_unit_test(test_posting_dates_structured),
		cmocka_unit_test(test_posting_dates_text),
		cmocka_unit_test(test_posting_fields),
		cmocka_unit_test(test_posting_area),
		cmocka_unit_test(test_posting_categories),
		cmocka_unit_test(test_posting_idempotent),
		cmocka_unit_test(test_posting_idempotent_cut_summary),
		cmocka_unit_test(test_posting_idempotent_summary_lines),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
