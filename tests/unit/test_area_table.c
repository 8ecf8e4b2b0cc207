/*
 * test_area_table.c — the municipality table (localgovjp format) and
 * address → 全国地方公共団体コード, against the real table in
 * $TSUNAGU_SHARED_DATA/localgovjp.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "area_table.h"

static struct area_table *table;

static int
load_shared(void **state)
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
free_shared(void **state)
{
	area_table_free(table);
	return 0;
}

static void
expect(const char *text, const char *prefer, const char *want)
{
	char code[7];
	int rc = area_table_find(table, text, prefer, code);

	if (want == NULL) {
		if (rc == 0)
			fail_msg("'%s': got %s, want nothing", text, code);
		return;
	}
	if (rc != 0)
		fail_msg("'%s': nothing found, want %s", text, want);
	if (strcmp(code, want) != 0)
		fail_msg("'%s': got %s, want %s", text, code, want);
}

static void
test_loaded(void **state)
{
	assert_int_equal(area_table_count(table), 1916);
	assert_string_equal(area_table_name(table, "232106"), "愛知県刈谷市");
	assert_string_equal(area_table_name(table, "231053"),
	    "愛知県名古屋市中村区");
	assert_string_equal(area_table_name(table, "230006"), "愛知県");
	assert_null(area_table_name(table, "999999"));
}

static void
test_kariya(void **state)
{
	expect("刈谷市", NULL, "232106");
	expect("愛知県刈谷市若松町", NULL, "232106");
	expect("〒448-8501 愛知県刈谷市東陽町1丁目1番地", NULL, "232106");
	expect("愛知県刈谷市東陽町１丁目１番地", NULL, "232106");
	expect("刈谷市総合文化センター", NULL, "232106");
	/* A longer name that contains another: 北名古屋市, not 名古屋市. */
	expect("愛知県北名古屋市西之保", NULL, "232343");
	/* A district (郡) is not in the table: the town still is. */
	expect("愛知県知多郡東浦町緒川", NULL, "234427");
}

static void
test_wards(void **state)
{
	expect("名古屋市中村区", NULL, "231053");
	expect("愛知県名古屋市中村区名駅1丁目1-4", NULL, "231053");
	expect("名古屋市 中村区", NULL, "231053");
	expect("名古屋市", NULL, "231002");
	/* A ward written alone, when only one city has it. */
	expect("中村区名駅", NULL, "231053");
	/* 北区 is everywhere: the prefecture or the region decides. */
	expect("北区", NULL, NULL);
	expect("愛知県北区", NULL, "231037");
	expect("北区", "23", "231037");
	expect("東京都北区", NULL, "131172");
	expect("大阪市北区", NULL, "271276");
	expect("京都府京都市中京区", NULL, "261041");
	expect("札幌市中央区北1条西2丁目", NULL, "011011");
}

static void
test_leading_zero(void **state)
{
	expect("札幌市", NULL, "011002");
	expect("北海道函館市東雲町4-13", NULL, "012025");
	expect("北海道", NULL, "010006");
}

static void
test_ambiguous(void **state)
{
	expect("府中市", NULL, NULL);
	expect("東京都府中市", NULL, "132063");
	expect("府中市", "13", "132063");
	expect("府中市", "342106", "342084");
	expect("伊達市", "07", "072133");
	/* A prefecture in the text outranks the preference. */
	expect("広島県府中市", "13", "342084");
}

static void
test_spelling(void **state)
{
	expect("鎌ヶ谷市", NULL, "122246");
	expect("鎌ケ谷市", NULL, "122246");
	expect("四日市市", NULL, "242021");
}

static void
test_nothing(void **state)
{
	char code[7];

	expect("", NULL, NULL);
	expect("市民センター", NULL, NULL);
	expect("オンライン開催", NULL, NULL);
	/* Only a prefecture: its own code. */
	expect("東京都内の各会場", NULL, "130001");
	assert_int_equal(area_table_find(NULL, "刈谷市", NULL, code), -1);
	assert_int_equal(area_table_find(table, NULL, NULL, code), -1);
}

/* --- loading errors ------------------------------------------------------ */

static void
expect_error(const char *csv, const char *want)
{
	char err[512] = "";
	struct area_table *t;

	t = area_table_parse(csv, strlen(csv), "t.csv", err, sizeof(err));
	if (t != NULL)
		fail_msg("loaded; want the error '%s'", want);
	assert_string_equal(err, want);
}

static void
test_missing_file(void **state)
{
	char err[512] = "";

	assert_null(area_table_load("/nonexistent/municipalities.csv", err,
	    sizeof(err)));
	assert_string_equal(err, "/nonexistent/municipalities.csv: No such "
	    "file or directory");
}

static void
test_bad_tables(void **state)
{
	expect_error("", "t.csv:1: empty file");
	expect_error("pid,pref,cid,lgcode\n", "t.csv:1: no 'city' column "
	    "(expected the localgovjp header: pid,pref,cid,city,...,lgcode)");
	expect_error("pref,city,lgcode\n", "t.csv: no municipalities");
	expect_error("pref,city,lgcode\n愛知県,刈谷市,232106\n"
	    "愛知県,安城市,232127\n", "t.csv:3: lgcode '232127' is not a "
	    "全国地方公共団体コード");
	expect_error("pref,city,lgcode\n愛知県,刈谷市\n",
	    "t.csv:2: 2 fields, the header has 3");
	expect_error("pref,city,lgcode\n\"愛知県,刈谷市,232106\n",
	    "t.csv:2: unterminated quoted field");
}

static void
test_small_table(void **state)
{
	/* Codes that lost their leading zero or check digit are repaired;
	 * quoted fields, CRLF and a byte order mark are fine. */
	static const char csv[] = "\xef\xbb\xbfpref,city,lgcode,phrase\r\n"
	    "北海道,札幌市,1100,\"a, \"\"quoted\"\" phrase\"\r\n"
	    "北海道,\"札幌市 中央区\",1101,\r\n"
	    "\r\n"
	    "愛知県,刈谷市,23210,\"two\nlines\"\r\n"
	    "愛知県,安城市,232122,\r\n";
	struct area_table *t;
	char err[256], code[7];

	t = area_table_parse(csv, strlen(csv), "small.csv", err, sizeof(err));
	if (t == NULL)
		fail_msg("%s", err);
	assert_int_equal(area_table_count(t), 4);
	assert_int_equal(area_table_find(t, "札幌市中央区", NULL, code), 0);
	assert_string_equal(code, "011011");
	assert_int_equal(area_table_find(t, "札幌市北区", NULL, code), 0);
	assert_string_equal(code, "011002");
	assert_int_equal(area_table_find(t, "刈谷市", NULL, code), 0);
	assert_string_equal(code, "232106");
	assert_int_equal(area_table_find(t, "安城市", NULL, code), 0);
	assert_string_equal(code, "232122");
	area_table_free(t);
	area_table_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loaded),
		cmocka_unit_test(test_kariya),
		cmocka_unit_test(test_wards),
		cmocka_unit_test(test_leading_zero),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_spelling),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_small_table),
	};

	return cmocka_run_group_tests(tests, load_shared, free_shared);
}
