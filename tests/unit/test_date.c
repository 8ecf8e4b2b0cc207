/* test_date.c — RFC 822 / RFC 3339 parsing and formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"

#define T_20260301_0100Z	1772326800LL	/* 2026-03-01T10:00+09:00 */

struct dcase {
	const char	*text;
	int64_t		 want;
};

static void
check_ok(int (*fn)(const char *, int64_t *), const struct dcase *c,
    size_t n)
{
	int64_t t;
	size_t i;

	for (i = 0; i < n; i++) {
		t = -1;
		if (fn(c[i].text, &t) != 0)
			fail_msg("refused: \"%s\"", c[i].text);
		if (t != c[i].want)
			fail_msg("\"%s\": got %lld, want %lld", c[i].text,
			    (long long)t, (long long)c[i].want);
	}
}

static void
check_bad(int (*fn)(const char *, int64_t *), const char *const *bad,
    size_t n)
{
	int64_t t;
	size_t i;

	for (i = 0; i < n; i++)
		if (fn(bad[i], &t) != -1)
			fail_msg("accepted: \"%s\"", bad[i]);
}

static void
test_rfc822(void **state)
{
	static const struct dcase ok[] = {
		{ "Sun, 01 Mar 2026 10:00:00 +0900", T_20260301_0100Z },
		{ "Sun, 01 Mar 2026 01:00:00 GMT", T_20260301_0100Z },
		{ "Sun, 01 Mar 2026 01:00:00 UT", T_20260301_0100Z },
		{ "Sun, 01 Mar 2026 01:00:00 Z", T_20260301_0100Z },
		{ "Sat, 28 Feb 2026 20:00:00 EST", T_20260301_0100Z },
		{ "Sat, 28 Feb 2026 21:00:00 EDT", T_20260301_0100Z },
		{ "Sat, 28 Feb 2026 17:00:00 PST", T_20260301_0100Z },
		{ "Sat, 28 Feb 2026 19:00:00 CST", T_20260301_0100Z },
		{ "Sun, 01 Mar 2026 10:00:00 JST", T_20260301_0100Z },
		{ "01 Mar 2026 10:00:00 +0900", T_20260301_0100Z },
		{ "Sun 01 Mar 2026 10:00 +0900", T_20260301_0100Z },
		{ "1 mar 2026 10:00:00 +09:00", T_20260301_0100Z },
		{ "Sun, 01 Mar 26 10:00:00 +0900", T_20260301_0100Z },
		{ "Mon, 01 Mar 99 01:00:00 GMT", 920250000LL },
		{ "Sun, 01 Mar 2026 10:00:00", T_20260301_0100Z },
		{ "Sun, 01 Mar 2026 10:00:00 +0900 (JST)", T_20260301_0100Z },
		{ "  Sunday, 01 March 2026 10:00:00 +0900  ",
		    T_20260301_0100Z },
		{ "Thu, 29 Feb 2024 09:00:00 +0900", 1709164800LL },
		{ "Sun, 01 Mar 2026 10:00:60 +0900", T_20260301_0100Z + 59 },
		{ "01-Mar-2026 10:00:00 +0900", T_20260301_0100Z },
	};
	static const char *const bad[] = {
		"", "yesterday", "Sun, 32 Mar 2026 10:00:00 +0900",
		"Thu, 29 Feb 2025 10:00:00 +0900",
		"Sun, 01 Foo 2026 10:00:00 +0900",
		"Sun, 01 Mar 2026 24:00:00 +0900",
		"Sun, 01 Mar 2026 10:60:00 +0900",
		"Sun, 01 Mar 2026 10:00:61 +0900",
		"Sun, 01 Mar 2026 10:00:00 +2500",
		"Sun, 01 Mar 2026 10:00:00 XYZ",
		"Sun, 01 Mar 2026 10:00:00 +0900 trailing",
		"Sun, 01 Mar 20266 10:00:00 +0900",
		"Sun, 00 Mar 2026 10:00:00 +0900",
		"Sun, 01 Mar 2026 1:00:00 +0900",
		"2026-03-01T10:00:00+09:00",
	};

	check_ok(date_parse_rfc822, ok, sizeof(ok) / sizeof(ok[0]));
	check_bad(date_parse_rfc822, bad, sizeof(bad) / sizeof(bad[0]));
}

static void
test_rfc3339(void **state)
{
	static const struct dcase ok[] = {
		{ "2026-03-01T10:00:00+09:00", T_20260301_0100Z },
		{ "2026-03-01T01:00:00Z", T_20260301_0100Z },
		{ "2026-03-01t01:00:00z", T_20260301_0100Z },
		{ "2026-03-01T01:00:00.123456Z", T_20260301_0100Z },
		{ "2026-02-28T20:00:00-05:00", T_20260301_0100Z },
		{ "2026-03-01T10:00:00+0900", T_20260301_0100Z },
		{ "2026-03-01 10:00:00+09:00", T_20260301_0100Z },
		{ "2026-03-01T10:00:00", T_20260301_0100Z },	/* JST */
		{ "2026-03-01T10:00", T_20260301_0100Z },
		{ "9999-12-31T23:59:59Z", 253402300799LL },
		{ "0001-01-01T00:00:00Z", -62135596800LL },
		{ "1969-12-31T23:59:59Z", -1 },
	};
	static const char *const bad[] = {
		"2026-03-01", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
		"2100-02-29T00:00:00Z", "0000-01-01T00:00:00Z",
		"2026-03-01T10:00:00+24:00", "2026-03-01T10:00:00.Z",
		"2026-3-1T10:00:00Z", "2026-03-01T10:00:00Zjunk",
		"Sun, 01 Mar 2026 10:00:00 +0900",
	};

	check_ok(date_parse_rfc3339, ok, sizeof(ok) / sizeof(ok[0]));
	check_bad(date_parse_rfc3339, bad, sizeof(bad) / sizeof(bad[0]));
}

/* What date_parse_rfc3339() makes of a text, from the numbers. */
static void
test_from_civil(void **state)
{
	int64_t t, t0;

	assert_int_equal(date_from_civil(2026, 3, 1, 10, 0, 0, 540, &t), 0);
	assert_int_equal(t, T_20260301_0100Z);
	assert_int_equal(date_from_civil(2026, 2, 28, 20, 0, 0, -300, &t), 0);
	assert_int_equal(t, T_20260301_0100Z);
	assert_int_equal(date_from_civil(9999, 12, 31, 23, 59, 59, 0, &t), 0);
	assert_int_equal(t, 253402300799LL);
	assert_int_equal(date_from_civil(1, 1, 1, 0, 0, 0, 0, &t), 0);
	assert_int_equal(t, -62135596800LL);
	/* A leap second counts as :59, as when it is read. */
	assert_int_equal(date_from_civil(2016, 12, 31, 23, 59, 60, 0, &t), 0);
	assert_int_equal(date_parse_rfc3339("2016-12-31T23:59:59Z", &t0), 0);
	assert_int_equal(t, t0);
	assert_int_equal(date_from_civil(2026, 2, 29, 0, 0, 0, 0, &t), -1);
	assert_int_equal(date_from_civil(0, 1, 1, 0, 0, 0, 0, &t), -1);
	assert_int_equal(date_from_civil(2026, 3, 1, 24, 0, 0, 0, &t), -1);
	assert_int_equal(date_from_civil(2026, 3, 1, 0, 0, 0, 1440, &t), -1);
}

static void
test_any(void **state)
{
	static const struct dcase ok[] = {
		{ "2026-03-01T10:00:00+09:00", T_20260301_0100Z },
		{ "Sun, 01 Mar 2026 01:00:00 GMT", T_20260301_0100Z },
		{ "2026-03-01", T_20260301_0100Z - 10 * 3600 },
		{ "2026/03/01", T_20260301_0100Z - 10 * 3600 },
		{ "2026/3/1", T_20260301_0100Z - 10 * 3600 },
		{ "2026/03/01 10:00", T_20260301_0100Z },
		{ "2024-02-29", 1709164800LL - 9 * 3600 },
	};
	static const char *const bad[] = {
		"2026/02/30", "2026/13/01", "2026.03.01", "令和8年3月1日",
		"2026/03/01 25:00", "",
	};
	int64_t t;

	check_ok(date_parse_any, ok, sizeof(ok) / sizeof(ok[0]));
	check_bad(date_parse_any, bad, sizeof(bad) / sizeof(bad[0]));
	assert_int_equal(date_parse_any(NULL, &t), -1);
}

static void
test_format_rfc3339(void **state)
{
	char buf[32];

	date_format_rfc3339(T_20260301_0100Z, DATE_JST_OFFSET, buf);
	assert_string_equal(buf, "2026-03-01T10:00:00+09:00");
	date_format_rfc3339(T_20260301_0100Z, 0, buf);
	assert_string_equal(buf, "2026-03-01T01:00:00+00:00");
	date_format_rfc3339(T_20260301_0100Z, -300, buf);
	assert_string_equal(buf, "2026-02-28T20:00:00-05:00");
	date_format_rfc3339(T_20260301_0100Z, 330, buf);
	assert_string_equal(buf, "2026-03-01T06:30:00+05:30");
	date_format_rfc3339(-1, 0, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59+00:00");
	date_format_rfc3339(0, DATE_JST_OFFSET, buf);
	assert_string_equal(buf, "1970-01-01T09:00:00+09:00");
	/* Out of range instants clamp instead of printing nonsense. */
	date_format_rfc3339(INT64_MAX, 0, buf);
	assert_string_equal(buf, "9999-12-31T23:59:59+00:00");
	date_format_rfc3339(INT64_MIN, 0, buf);
	assert_string_equal(buf, "0001-01-01T00:00:00+00:00");
}

static void
test_format_http(void **state)
{
	char buf[32];

	date_format_http(T_20260301_0100Z, buf);
	assert_string_equal(buf, "Sun, 01 Mar 2026 01:00:00 GMT");
	date_format_http(0, buf);
	assert_string_equal(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
	date_format_http(-86400, buf);
	assert_string_equal(buf, "Wed, 31 Dec 1969 00:00:00 GMT");
	date_format_http(1709164800LL, buf);
	assert_string_equal(buf, "Thu, 29 Feb 2024 00:00:00 GMT");
}

/* Every formatted instant parses back to itself, in both forms. */
static void
test_round_trip(void **state)
{
	static const int offsets[] = { 0, DATE_JST_OFFSET, -480, 345 };
	int64_t t, back;
	char buf[32];
	size_t i;

	for (t = -62135596800LL + 86400; t < 253402300799LL - 40000000LL;
	    t += 12345678LL + (t & 0xfff)) {
		for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
			date_format_rfc3339(t, offsets[i], buf);
			assert_int_equal(date_parse_rfc3339(buf, &back), 0);
			assert_int_equal(back, t);
		}
		date_format_http(t, buf);
		assert_int_equal(date_parse_rfc822(buf, &back), 0);
		assert_int_equal(back, t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc822),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_from_civil),
		cmocka_unit_test(test_any),
		cmocka_unit_test(test_format_rfc3339),
		cmocka_unit_test(test_format_http),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
