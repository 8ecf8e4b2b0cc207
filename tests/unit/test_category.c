/* test_category.c — the vocabulary and the label → code mapping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "category.h"

static void
expect(const struct category_map *map, const char *label, const char *want)
{
	const char *got = category_map_label(map, label);
	const char *w = want ? want : "(none)", *l = label ? label : "(none)";

	if (got == NULL || want == NULL) {
		if (got != want)
			fail_msg("'%s': got %s, want %s", l, got ? got :
			    "(none)", w);
	} else if (strcmp(got, want) != 0)
		fail_msg("'%s': got %s, want %s", l, got, w);
}

static void
test_vocabulary(void **state)
{
	static const char *const want[] = {
		"welfare", "children", "elderly", "disability", "environment",
		"disaster", "community", "education", "culture", "sports",
		"international", "health", "other",
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_non_null(category_codes[i]);
		assert_string_equal(category_codes[i], want[i]);
		assert_true(category_is_code(want[i]));
		/* A code maps to itself: normalized postings stay put. */
		expect(NULL, want[i], want[i]);
	}
	assert_null(category_codes[i]);
	assert_false(category_is_code("Welfare"));
	assert_false(category_is_code(""));
	assert_false(category_is_code(NULL));
}

static void
test_japanese(void **state)
{
	/* The labels of the e2e sources and of municipal CMSs. */
	expect(NULL, "子ども", "children");
	expect(NULL, "環境", "environment");
	expect(NULL, "国際", "international");
	expect(NULL, "地域", "community");
	expect(NULL, "福祉", "welfare");
	expect(NULL, "防災", "disaster");
	expect(NULL, "高齢者福祉", "elderly");
	expect(NULL, "障がい者福祉", "disability");
	expect(NULL, "児童福祉", "children");
	expect(NULL, "日本語教室", "international");
	expect(NULL, "スポーツ・レクリエーション", "sports");
	expect(NULL, "ｽﾎﾟｰﾂ", "sports");		/* half-width kana */
	expect(NULL, "講座・講演", "education");
	expect(NULL, "健康・医療", "health");
	expect(NULL, "文化・芸術", "culture");
	expect(NULL, "まちづくり", "community");
	expect(NULL, "災害ボランティア", "disaster");
	expect(NULL, "その他", "other");
	expect(NULL, "お知らせ", "other");
	expect(NULL, "", "other");
	expect(NULL, NULL, "other");
}

static void
test_english(void **state)
{
	expect(NULL, "Welfare", "welfare");
	expect(NULL, " KIDS ", "children");
	expect(NULL, "Seniors", "elderly");
	expect(NULL, "Arts", "culture");
	expect(NULL, "Disaster Relief", "disaster");
	expect(NULL, "Community events", "community");
	expect(NULL, "ＥＮＶＩＲＯＮＭＥＮＴ", "environment");
	/* ASCII keywords match whole words only: no "art" in "party". */
	expect(NULL, "party", "other");
	expect(NULL, "startup", "other");
}

static void
test_override(void **state)
{
	struct category_map *map;
	char err[256];

	map = category_map_parse("ふれあい=elderly, 子ども=education、"
	    "Ｅｃｏ＝environment", err, sizeof(err));
	if (map == NULL)
		fail_msg("%s", err);
	expect(map, "ふれあい", "elderly");
	expect(map, "子ども", "education");	/* before the built-in table */
	expect(map, "eco", "environment");
	expect(map, "ECO", "environment");
	expect(map, "環境", "environment");	/* the table still applies */
	expect(map, "ふれあい広場", "other");	/* overrides are exact */
	category_map_free(map);
	category_map_free(NULL);
}

static void
expect_parse_error(const char *spec, const char *want)
{
	char err[256] = "";
	struct category_map *map = category_map_parse(spec, err, sizeof(err));

	if (map != NULL)
		fail_msg("'%s' parsed; want the error '%s'", spec, want);
	assert_string_equal(err, want);
}

static void
test_override_errors(void **state)
{
	expect_parse_error("ふれあい", "'ふれあい' is not LABEL=CODE");
	expect_parse_error("=welfare", "'=welfare': the label is empty");
	expect_parse_error("ふれあい=seniors", "'seniors' is not a category "
	    "(welfare, children, elderly, disability, environment, disaster, "
	    "community, education, culture, sports, international, health, "
	    "other)");
	expect_parse_error("a=welfare, A=health", "'a' is mapped twice");
	expect_parse_error(" , ", "no LABEL=CODE pair");
}

static void
expect_all(const struct category_map *map, const char *label,
    const char *const *want)
{
	const char *got[16];
	size_t n, i;

	n = category_map_label_all(map, label, got, 16);
	for (i = 0; want[i] != NULL; i++) {
		if (i >= n)
			fail_msg("'%s': %zu codes, want more", label, n);
		if (strcmp(got[i], want[i]) != 0)
			fail_msg("'%s'[%zu]: got %s, want %s", label, i,
			    got[i], want[i]);
	}
	if (n != i)
		fail_msg("'%s': %zu codes, want %zu", label, n, i);
}

static void
test_several(void **state)
{
	/* イベント種類 of the 自治体標準オープンデータセット. */
	static const char *const a[] = { "health", "welfare", "sports", NULL };
	static const char *const b[] = { "children", "education", NULL };
	static const char *const c[] = { "environment", NULL };
	static const char *const d[] = { "community", "culture", NULL };
	static const char *const e[] = { "other", NULL };
	static const char *const f[] = { "welfare", NULL };
	static const char *const g[] = { "elderly", NULL };
	struct category_map *map;
	char err[256];
	const char *one;

	expect_all(NULL, "健康・福祉、スポーツ", a);
	expect_all(NULL, "子育て・教育", b);
	expect_all(NULL, "生活と環境", c);
	expect_all(NULL, "催事・観光", d);
	expect_all(NULL, "仕事・産業", e);
	expect_all(NULL, "その他イベント", e);
	/* Parts that say nothing do not count; the whole label may. */
	expect_all(NULL, "フード・ドライブ", e);
	expect_all(NULL, "福祉/その他", f);
	/* An override of the whole label wins over its parts. */
	map = category_map_parse("健康・福祉=elderly", err, sizeof(err));
	assert_non_null(map);
	expect_all(map, "健康・福祉", g);
	category_map_free(map);
	assert_int_equal(category_map_label_all(NULL, "福祉", &one, 0), 0);
	assert_int_equal(category_map_label_all(NULL, NULL, &one, 1), 1);
	assert_string_equal(one, "other");
}

static void
expect_filter(const char *value, const char *const *want)
{
	const char *got[16];
	size_t n, i;

	n = category_filter_codes(value, got, 16);
	for (i = 0; want[i] != NULL; i++) {
		if (i >= n)
			fail_msg("'%s': %zu codes, want more", value, n);
		if (strcmp(got[i], want[i]) != 0)
			fail_msg("'%s'[%zu]: got %s, want %s", value, i,
			    got[i], want[i]);
	}
	if (n != i)
		fail_msg("'%s': %zu codes, want %zu", value, n, i);
}

static void
test_labels_ja(void **state)
{
	static const char *const want[] = {
		"福祉", "子ども", "高齢者", "障がい", "環境", "災害・防災",
		"地域・まちづくり", "教育", "文化・芸術", "スポーツ", "国際交流",
		"健康・医療", "その他",
	};
	size_t i;

	/* Every code has its label, and the label maps back to it. */
	for (i = 0; category_codes[i] != NULL; i++) {
		assert_string_equal(category_label_ja(category_codes[i]),
		    want[i]);
		expect(NULL, want[i], category_codes[i]);
	}
	assert_int_equal(i, sizeof(want) / sizeof(want[0]));
	assert_null(category_label_ja("welfare "));
	assert_null(category_label_ja(NULL));
}

static void
test_filter_values(void **state)
{
	static const char *const welfare[] = { "welfare", NULL };
	static const char *const disaster[] = { "disaster", NULL };
	static const char *const children[] = { "children", NULL };
	static const char *const elderly[] = { "elderly", NULL };
	static const char *const other[] = { "other", NULL };
	static const char *const hw[] = { "health", "welfare", NULL };
	static const char *const none[] = { NULL };

	expect_filter("welfare", welfare);
	expect_filter("福祉", welfare);
	expect_filter("社会福祉", welfare);
	expect_filter(" Welfare ", welfare);
	expect_filter("防災", disaster);
	expect_filter("災害・防災", disaster);
	expect_filter("災害", disaster);
	expect_filter("子育て", children);
	expect_filter("ｷｯｽﾞ", children);		/* half-width キッズ */
	expect_filter("kids", children);
	expect_filter("高齢者福祉", elderly);	/* as a source's label maps */
	expect_filter("健康・福祉", hw);
	expect_filter("その他", other);
	expect_filter("misc", other);
	/* What names nothing is no code, not "other". */
	expect_filter("宇宙", none);
	expect_filter("party", none);
	expect_filter("", none);
	expect_filter("・", none);
	expect_filter(NULL, none);
	assert_int_equal(category_filter_codes("福祉", NULL, 0), 0);
}

static void
test_guess(void **state)
{
	assert_string_equal(category_guess("亀城公園 桜まつり運営ボランティア"),
	    "community");
	/* 運動公園 is a place, not a sport: 清掃 decides. */
	assert_string_equal(category_guess("刈谷市総合運動公園の清掃活動"),
	    "environment");
	assert_string_equal(category_guess("高齢者サロンの運営補助"),
	    "elderly");
	assert_string_equal(category_guess("災害ボランティアセンター設置訓練"),
	    "disaster");
	assert_null(category_guess("ボランティア募集"));
	assert_null(category_guess(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vocabulary),
		cmocka_unit_test(test_japanese),
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_override_errors),
		cmocka_unit_test(test_several),
		cmocka_unit_test(test_labels_ja),
		cmocka_unit_test(test_filter_values),
		cmocka_unit_test(test_guess),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
