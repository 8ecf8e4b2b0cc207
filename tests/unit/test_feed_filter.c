/*
 * test_feed_filter.c — filters as users write them: values checked and
 * normalized, lists merged, errors worded, and one canonical query string
 * for every spelling of the same filter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feed_filter.h"

/* The canonical string of a filter line ("ERR: reason" on error). */
static const char *
canon(const char *line)
{
	static char out[1024];
	struct posting_filter f;
	struct buf b;
	char err[256];

	memset(&f, 0, sizeof(f));
	if (feed_filter_parse_line(&f, line, err, sizeof(err)) == -1) {
		snprintf(out, sizeof(out), "ERR: %s", err);
		feed_filter_clear(&f);
		return out;
	}
	buf_init(&b, 1 << 16);
	assert_int_equal(feed_filter_canonical(&f, &b), 0);
	snprintf(out, sizeof(out), "%s", b.len ? b.data : "");
	buf_free(&b);
	feed_filter_clear(&f);
	return out;
}

static void
test_canonical_order_and_values(void **state)
{
	assert_string_equal(canon(""), "");
	/* Keys in a fixed order, values sorted and each once. */
	assert_string_equal(canon("area=232106 kind=shakyo,city,city"),
	    "kind=city,shakyo&area=232106");
	assert_string_equal(canon("kind=shakyo kind=city"),
	    "kind=city,shakyo");
	assert_string_equal(canon("to=2026-03-31 from=2026-03-01 "
	    "category=welfare status=open source=kariya-city"),
	    "status=open&source=kariya-city&category=welfare&"
	    "from=2026-03-01T00%3A00%3A00%2B09%3A00&"
	    "to=2026-03-31T23%3A59%3A59%2B09%3A00");
	/* RFC 3339 in another zone is the same instant in +09:00. */
	assert_string_equal(canon("from=2026-03-01T01:00:00Z"),
	    "from=2026-03-01T10%3A00%3A00%2B09%3A00");
	/* Percent-decoded in a filter line, encoded again. */
	assert_string_equal(canon("source=%E5%88%88%E8%B0%B7"),
	    "source=%E5%88%88%E8%B0%B7");	/* 刈谷 */
}

static void
test_category_words(void **state)
{
	/* A code, a Japanese label, a keyword: the same canonical feed. */
	assert_string_equal(canon("category=welfare"), "category=welfare");
	assert_string_equal(canon("category=%E7%A6%8F%E7%A5%89"),
	    "category=welfare");			/* 福祉 */
	assert_string_equal(canon("category=%E9%98%B2%E7%81%BD,"
	    "%E7%92%B0%E5%A2%83"),
	    "category=disaster,environment");		/* 防災,環境 */
	assert_string_equal(canon("category=%E5%AD%90%E8%82%B2%E3%81%A6"),
	    "category=children");			/* 子育て */
	assert_string_equal(canon("category=%E9%AB%98%E9%BD%A2%E8%80%85"),
	    "category=elderly");			/* 高齢者 */
	/* 国際交流, the label the /admin/ pages show. */
	assert_string_equal(canon("category=%E5%9B%BD%E9%9A%9B%E4%BA%A4"
	    "%E6%B5%81"), "category=international");
	/* English synonyms and any case or width. */
	assert_string_equal(canon("category=Kids,SENIORS"),
	    "category=children,elderly");
	assert_string_equal(canon("category=%EF%BC%B7%EF%BD%85%EF%BD%8C"
	    "%EF%BD%86%EF%BD%81%EF%BD%92%EF%BD%85"),
	    "category=welfare");			/* Ｗｅｌｆａｒｅ */
	/* A label naming two fields stands for both (ORed). */
	assert_string_equal(canon("category=%E5%81%A5%E5%BA%B7%E3%83%BB"
	    "%E7%A6%8F%E7%A5%89"), "category=health,welfare");	/* 健康・福祉 */
	/* Each code once, whatever spelt it. */
	assert_string_equal(canon("category=welfare,%E7%A6%8F%E7%A5%89 "
	    "category=%E7%A4%BE%E4%BC%9A%E7%A6%8F%E7%A5%89"),
	    "category=welfare");			/* 社会福祉 */
	/* その他 and other are the same; a word outside is refused. */
	assert_string_equal(canon("category=%E3%81%9D%E3%81%AE%E4%BB%96"),
	    "category=other");
	assert_string_equal(canon("category=%E5%AE%87%E5%AE%99"),
	    "ERR: category: '宇宙' is not in the vocabulary (welfare, "
	    "children, elderly, disability, environment, disaster, "
	    "community, education, culture, sports, international, health, "
	    "other, or a Japanese label such as 福祉)");
	assert_string_equal(canon("category=party"),
	    "ERR: category: 'party' is not in the vocabulary (welfare, "
	    "children, elderly, disability, environment, disaster, "
	    "community, education, culture, sports, international, health, "
	    "other, or a Japanese label such as 福祉)");
}

static void
test_area_codes(void **state)
{
	assert_string_equal(canon("area=23"), "area=23");
	assert_string_equal(canon("area=1"), "area=01");
	/* Five digits get their check digit; six are checked. */
	assert_string_equal(canon("area=23210"), "area=232106");
	assert_string_equal(canon("area=232106,23"), "area=23,232106");
	assert_string_equal(canon("area=232107"),
	    "ERR: area: '232107' is not a 2-digit prefecture or a 5- or "
	    "6-digit municipality code");
	assert_string_equal(canon("area=tokyo"),
	    "ERR: area: 'tokyo' is not a 2-digit prefecture or a 5- or "
	    "6-digit municipality code");
}

static void
test_q(void **state)
{
	/* Normalized as titles are, then lowercased; a phrase. */
	assert_string_equal(canon("q=%EF%BC%A6%EF%BD%8F%EF%BD%8F%EF%BD%84"),
	    "q=food");			/* Ｆｏｏｄ */
	assert_string_equal(canon("q=%20%20Food%20%20Drive%20"),
	    "q=food%20drive");
	assert_string_equal(canon("q=%E7%A6%8F"), "q=%E7%A6%8F");	/* 福 */
	assert_string_equal(canon("q=a,b"), "q=a%2Cb");	/* not a list */
	assert_string_equal(canon("q=a q=b"),
	    "ERR: q: given twice (it is one phrase)");
	assert_string_equal(canon("q=%20"),
	    "ERR: q: a phrase of 1 to 200 characters");
}

static void
test_errors(void **state)
{
	char line[2048];
	size_t n;
	int i;

	assert_string_equal(canon("colour=red"),
	    "ERR: unknown filter key 'colour'");
	assert_string_equal(canon("kind"), "ERR: 'kind' is not KEY=VALUE");
	assert_string_equal(canon("kind=town"),
	    "ERR: kind: 'town' is not one of city, shakyo, corporate, civic, "
	    "federation");
	assert_string_equal(canon("status=deleted"),
	    "ERR: status: 'deleted' is not one of open, closed, cancelled, "
	    "withdrawn");
	assert_string_equal(canon("kind="), "ERR: kind: an empty value");
	assert_string_equal(canon("kind=city,"), "ERR: kind: an empty value");
	assert_string_equal(canon("kind=,city"), "ERR: kind: an empty value");
	assert_string_equal(canon("source=a,,b"),
	    "ERR: source: an empty value");
	assert_string_equal(canon("from=2026-13-01"),
	    "ERR: from: '2026-13-01' is not YYYY-MM-DD or RFC 3339");
	assert_string_equal(canon("to=yesterday"),
	    "ERR: to: 'yesterday' is not YYYY-MM-DD or RFC 3339");
	assert_string_equal(canon("from=2026-03-02 to=2026-03-01"),
	    "ERR: from is after to");
	/* The same day is a range of one day. */
	assert_string_equal(canon("from=2026-03-01 to=2026-03-01"),
	    "from=2026-03-01T00%3A00%3A00%2B09%3A00&"
	    "to=2026-03-01T23%3A59%3A59%2B09%3A00");
	assert_string_equal(canon("from=2026-03-01 from=2026-03-02"),
	    "ERR: from: given twice");
	assert_string_equal(canon("category=%E7%A"),
	    "ERR: category: a malformed %-escape");
	assert_string_equal(canon("category=%E7%A6"),
	    "ERR: category: a value that is not UTF-8");
	assert_string_equal(canon("category=a%00b"),
	    "ERR: category: a malformed %-escape");
	/* At most 100 values a key. */
	n = (size_t)snprintf(line, sizeof(line), "source=");
	for (i = 0; i < 101; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%ss%d",
		    i ? "," : "", i);
	assert_string_equal(canon(line), "ERR: source: more than 100 values");
}

static void
test_add_and_flags(void **state)
{
	struct posting_filter f;
	char err[256];

	memset(&f, 0, sizeof(f));
	assert_true(feed_filter_is_empty(&f));
	assert_true(feed_filter_is_key("q"));
	assert_false(feed_filter_is_key("limit"));
	assert_int_equal(feed_filter_add(&f, "kind", "city,civic", err,
	    sizeof(err)), 0);
	assert_int_equal(f.pf_kind.fv_n, 2);
	assert_string_equal(f.pf_kind.fv_values[0], "city");
	assert_int_equal(feed_filter_add(&f, "to", "2026-03-01", err,
	    sizeof(err)), 0);
	assert_int_equal(f.pf_to, 1772377199);	/* 03-01T23:59:59+09:00 */
	assert_false(feed_filter_is_empty(&f));
	feed_filter_clear(&f);
	assert_true(feed_filter_is_empty(&f));
}

/*
 * A subscriber's filter saved before category words were mapped may hold
 * a word outside the vocabulary: read back, it matches nothing (as it did
 * then) instead of failing, which stopped the subscriber's feed and
 * deliveries.  New input with it is still refused.
 */
static void
test_stored_filter_unknown_category(void **state)
{
	struct posting_filter f;
	char err[256];

	memset(&f, 0, sizeof(f));
	assert_int_equal(feed_filter_parse_line(&f, "kind=city category=odd",
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not in the vocabulary"));
	feed_filter_clear(&f);
	assert_int_equal(feed_filter_parse_stored(&f, "kind=city "
	    "category=odd,welfare", err, sizeof(err)), 0);
	assert_int_equal(f.pf_category.fv_n, 2);
	assert_int_equal(f.pf_stored, 0);
	feed_filter_clear(&f);
	/* The mapping still applies to what it knows. */
	assert_int_equal(feed_filter_parse_stored(&f,
	    "category=%E7%A6%8F%E7%A5%89", err, sizeof(err)), 0);
	assert_int_equal(f.pf_category.fv_n, 1);
	assert_string_equal(f.pf_category.fv_values[0], "welfare");
	feed_filter_clear(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_order_and_values),
		cmocka_unit_test(test_category_words),
		cmocka_unit_test(test_area_codes),
		cmocka_unit_test(test_q),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_add_and_flags),
		cmocka_unit_test(test_stored_filter_unknown_category),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
