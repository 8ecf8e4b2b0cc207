/* test_jdate.c — Japanese dates and times, structured and in free text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jdate.h"

struct pcase {
	const char	*text;
	const char	*want;	/* jdate_format() of the result */
};

static void
check_parse(const struct pcase *c, size_t n)
{
	struct jdate d;
	char buf[32];
	size_t i;

	for (i = 0; i < n; i++) {
		if (jdate_parse(c[i].text, &d) != 0)
			fail_msg("refused: \"%s\"", c[i].text);
		jdate_format(&d, buf);
		if (strcmp(buf, c[i].want) != 0)
			fail_msg("\"%s\": got %s, want %s", c[i].text, buf,
			    c[i].want);
	}
}

static void
check_refused(const char *const *bad, size_t n)
{
	struct jdate d;
	size_t i;

	for (i = 0; i < n; i++)
		if (jdate_parse(bad[i], &d) != -1)
			fail_msg("accepted: \"%s\"", bad[i]);
}

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_iso(void **state)
{
	static const struct pcase ok[] = {
		{ "2026-08-21", "2026-08-21" },
		{ " 2026-08-21\r\n", "2026-08-21" },
		{ "2026-03-01T10:00:00+09:00", "2026-03-01T10:00:00+09:00" },
		{ "2026-03-01T10:00+09:00", "2026-03-01T10:00:00+09:00" },
		{ "2026-03-01T10:00:00.123+0900",
		    "2026-03-01T10:00:00+09:00" },
		{ "2026-03-01T01:00:00Z", "2026-03-01T01:00:00+00:00" },
		{ "2026-03-01T10:00:00-05:00", "2026-03-01T10:00:00-05:00" },
		{ "2026-03-01T10:00:00", "2026-03-01T10:00:00+09:00" },
		{ "2026-03-01 10:00", "2026-03-01T10:00:00+09:00" },
		{ "2026-03-01 10:00:30+09:00", "2026-03-01T10:00:30+09:00" },
		{ "20260301", "2026-03-01" },
		{ "20260301T100000", "2026-03-01T10:00:00+09:00" },
		{ "20260301T010000Z", "2026-03-01T01:00:00+00:00" },
		{ "2024-02-29", "2024-02-29" },
		{ "2000-02-29", "2000-02-29" },
		{ "9999-12-31", "9999-12-31" },	/* the sentinel: callers */
		{ "2026-3-1", "2026-03-01" },
	};
	static const char *const bad[] = {
		"", "2026", "2026-03", "2026-13-01", "2026-02-29", "1900-02-29",
		"2026-04-31", "2026-00-10", "2026-03-00", "2026-03-01T25:00",
		"2026-03-01T10:60", "2026-03-01T10:00+25:00", "0000-01-01",
		"2026-03-01x", "2026-03-01T", "20261301", "2026030", "tomorrow",
		"2026-03-01 10:00-05:00",
	};

	check_parse(ok, N(ok));
	check_refused(bad, N(bad));
}

static void
test_slashed_and_kanji(void **state)
{
	static const struct pcase ok[] = {
		{ "2026/08/04", "2026-08-04" },
		{ "2026/8/4", "2026-08-04" },
		{ "2026.8.4", "2026-08-04" },
		{ "2026/08/04 10:00", "2026-08-04T10:00:00+09:00" },
		{ "2026年8月5日", "2026-08-05" },
		{ "2026年08月05日", "2026-08-05" },
		{ "2026 年 8 月 5 日", "2026-08-05" },
		{ "２０２６年８月５日", "2026-08-05" },
		{ "２０２６／０８／０４", "2026-08-04" },
		{ "２０２６－０８－２１", "2026-08-21" },
		{ "2026年8月5日（水）", "2026-08-05" },
		{ "2026年8月5日(水)", "2026-08-05" },
		{ "2026年8月5日（水曜日）", "2026-08-05" },
		{ "2026年8月5日(水・祝)", "2026-08-05" },
		{ "2026年8月5日水曜日", "2026-08-05" },
		{ "2026/8/5(Wed)", "2026-08-05" },
		{ "2026年8月5日 午後2時", "2026-08-05T14:00:00+09:00" },
		{ "2026年8月5日（水）10：00", "2026-08-05T10:00:00+09:00" },
		{ "2026年8月5日　10時30分", "2026-08-05T10:30:00+09:00" },
	};
	static const char *const bad[] = {
		"8月5日", "2026年8月", "2026年13月1日", "2026年2月30日",
		"2026年8月5日間", "2026/8/5 10時から12時", "26/8/4",
		"2026年8月5日(水)(木)x",
	};

	check_parse(ok, N(ok));
	check_refused(bad, N(bad));
}

static void
test_wareki(void **state)
{
	static const struct pcase ok[] = {
		{ "令和6年3月1日", "2024-03-01" },
		{ "令和８年８月５日", "2026-08-05" },
		{ "令和元年5月1日", "2019-05-01" },
		{ "令和 元年 5月 1日", "2019-05-01" },
		{ "平成31年4月30日", "2019-04-30" },
		{ "平成元年1月8日", "1989-01-08" },
		{ "平成15年10月1日", "2003-10-01" },
		{ "昭和64年1月7日", "1989-01-07" },
		{ "昭和元年12月25日", "1926-12-25" },
		{ "大正15年12月24日", "1926-12-24" },
		{ "大正元年7月30日", "1912-07-30" },
		{ "明治45年7月29日", "1912-07-29" },
		{ "明治元年1月1日", "1868-01-01" },
		{ "R6.3.1", "2024-03-01" },
		{ "R06.03.01", "2024-03-01" },
		{ "r6.3.1", "2024-03-01" },
		{ "R6/3/1", "2024-03-01" },
		{ "R6-3-1", "2024-03-01" },
		{ "Ｒ６．３．１", "2024-03-01" },
		{ "R元.5.1", "2019-05-01" },
		{ "R6年3月1日", "2024-03-01" },
		{ "H15.10.1", "2003-10-01" },
		{ "S64.1.7", "1989-01-07" },
		{ "T1.7.30", "1912-07-30" },
		{ "M45.7.29", "1912-07-29" },
		{ "令和6.3.1", "2024-03-01" },
		{ "㍻15年10月1日", "2003-10-01" },
		{ "㋿6年3月1日", "2024-03-01" },
		{ "令和6年2月29日", "2024-02-29" },
		{ "令和８年８月５日（水）10：00", "2026-08-05T10:00:00+09:00" },
	};
	static const char *const bad[] = {
		"平成31年5月1日",	/* that day is 令和元年5月1日 */
		"令和元年4月30日", "昭和64年1月8日", "大正15年12月25日",
		"明治45年7月30日", "平成元年1月7日", "令和0年5月1日",
		"令和7年2月29日", "H31.5.1", "R1.4.30", "令和", "令和6年",
		"X6.3.1", "平成15年13月1日",
	};

	check_parse(ok, N(ok));
	check_refused(bad, N(bad));
}

struct tcase {
	const char	*text;
	int		 hour, minute;
};

static void
test_times(void **state)
{
	static const struct tcase ok[] = {
		{ "10:00", 10, 0 }, { "9:30", 9, 30 }, { "09:30", 9, 30 },
		{ "10:00:00", 10, 0 }, { "１０：００", 10, 0 },
		{ "10時", 10, 0 }, { "１０時", 10, 0 }, { "10時30分", 10, 30 },
		{ "10時 30分", 10, 30 }, { "10時半", 10, 30 },
		{ "10時00分", 10, 0 }, { "10:00時", 10, 0 },
		{ "午前10時", 10, 0 }, { "午前１０時", 10, 0 },
		{ "午後2時", 14, 0 }, { "午後2時30分", 14, 30 },
		{ "午後0時", 12, 0 }, { "午前0時", 0, 0 },
		{ "午前12時", 12, 0 }, { "正午", 12, 0 }, { "午後1:30", 13, 30 },
		{ "2:00pm", 14, 0 }, { "2:00 PM", 14, 0 }, { "12:00am", 0, 0 },
		{ "12pm", -1, -1 }, { "AM 9:00", 9, 0 }, { "23:59", 23, 59 },
		{ "0:00", 0, 0 },
	};
	static const char *const bad[] = {
		"", "24:00", "24時", "25:00", "10:60", "10:5", "午後13時",
		"2時間", "10時間30分", "午後12時", "10", "10:00 xyz", "noon",
	};
	int h, m;
	size_t i;

	for (i = 0; i < N(ok); i++) {
		if (ok[i].hour == -1) {
			if (jdate_parse_time(ok[i].text, &h, &m) != -1)
				fail_msg("accepted: \"%s\"", ok[i].text);
			continue;
		}
		if (jdate_parse_time(ok[i].text, &h, &m) != 0)
			fail_msg("refused: \"%s\"", ok[i].text);
		if (h != ok[i].hour || m != ok[i].minute)
			fail_msg("\"%s\": got %d:%02d", ok[i].text, h, m);
	}
	for (i = 0; i < N(bad); i++)
		if (jdate_parse_time(bad[i], &h, &m) != -1)
			fail_msg("accepted: \"%s\"", bad[i]);

	/* The end of the day, only where an end is read. */
	assert_int_equal(jdate_parse_end_time("24:00", &h, &m), 0);
	assert_int_equal(h, 24);
	assert_int_equal(jdate_parse_end_time("２４時", &h, &m), 0);
	assert_int_equal(h, 24);
	assert_int_equal(jdate_parse_end_time("午後12時", &h, &m), 0);
	assert_int_equal(h, 24);
	assert_int_equal(jdate_parse_end_time("24:30", &h, &m), -1);
	assert_int_equal(jdate_parse_end_time("17:00", &h, &m), 0);
	assert_int_equal(h, 17);
}

struct scase {
	const char	*text;
	const char	*start;
	const char	*end;	/* NULL: no end */
};

static void
test_spans(void **state)
{
	static const struct scase ok[] = {
		{ "令和８年８月５日（水）10：00時より", "2026-08-05T10:00:00+09:00",
		    NULL },
		{ "日時：令和8年8月5日(水)午前１０時から午後５時まで",
		    "2026-08-05T10:00:00+09:00",
		    "2026-08-05T17:00:00+09:00" },
		{ "2026年8月5日 10時～12時", "2026-08-05T10:00:00+09:00",
		    "2026-08-05T12:00:00+09:00" },
		{ "2026年8月5日 10時〜12時", "2026-08-05T10:00:00+09:00",
		    "2026-08-05T12:00:00+09:00" },
		{ "2026/8/5 10:00-12:00", "2026-08-05T10:00:00+09:00",
		    "2026-08-05T12:00:00+09:00" },
		{ "2026/8/5 10:00ー12:00", "2026-08-05T10:00:00+09:00",
		    "2026-08-05T12:00:00+09:00" },
		{ "2026/8/5　９：３０～１５：００", "2026-08-05T09:30:00+09:00",
		    "2026-08-05T15:00:00+09:00" },
		{ "2026年8月5日(水)13時30分～", "2026-08-05T13:30:00+09:00",
		    NULL },
		{ "2026年8月5日～8月7日", "2026-08-05", "2026-08-07" },
		{ "2026年8月5日(水)～7日(金)", "2026-08-05", "2026-08-07" },
		{ "2026年8月30日～2日", "2026-08-30", "2026-09-02" },
		{ "2026年12月28日～1月5日", "2026-12-28", "2027-01-05" },
		{ "2026/12/28～2027/1/5", "2026-12-28", "2027-01-05" },
		{ "令和8年8月5日から令和8年8月7日まで", "2026-08-05",
		    "2026-08-07" },
		{ "2026年8月5日10時～8月7日16時", "2026-08-05T10:00:00+09:00",
		    "2026-08-07T16:00:00+09:00" },
		{ "2026年8月5日 22時～2時", "2026-08-05T22:00:00+09:00",
		    "2026-08-06T02:00:00+09:00" },
		{ "2026年8月5日 18時～24時", "2026-08-05T18:00:00+09:00",
		    "2026-08-06T00:00:00+09:00" },
		{ "2026年8月5日 10時～正午", "2026-08-05T10:00:00+09:00",
		    "2026-08-05T12:00:00+09:00" },
		{ "2026年8月5日 10時～10時", "2026-08-05T10:00:00+09:00",
		    NULL },
		{ "2026年8月7日～8月5日", "2026-08-07", NULL },
		{ "開催日 H15.10.1 9:00～", "2003-10-01T09:00:00+09:00",
		    NULL },
		{ "受付中。R6.3.1（金）", "2024-03-01", NULL },
		{ "期間：2026年8月5日～", "2026-08-05", NULL },
		{ "2026年8月5日（水）\n午前10時～正午", "2026-08-05T10:00:00+09:00",
		    "2026-08-05T12:00:00+09:00" },
		{ "2026-08-05T10:00:00+09:00", "2026-08-05T10:00:00+09:00",
		    NULL },
		/* The first date wins; invalid ones are passed over. */
		{ "平成31年5月1日は誤り、令和元年5月1日 10時",
		    "2019-05-01T10:00:00+09:00", NULL },
		{ "電話0566-62-1000　2026年8月5日", "2026-08-05", NULL },
		{ "所要2時間、2026年8月5日", "2026-08-05", NULL },
		{ "3日間 2026年8月5日から3日間", "2026-08-05", NULL },
		{ "①２０２６年８月５日㈱", "2026-08-05", NULL },
	};
	static const char *const none[] = {
		"", "毎月18日", "1月中旬～3月初旬の土日、祝日", "令和4年4月下旬",
		"10時～12時", "平成31年5月1日", "2022/1下旬", "TEL 0566-62-1000",
		"8月5日", "Room 1234/56/78",
	};
	struct jdate_span sp;
	char a[32], b[32];
	size_t i;

	for (i = 0; i < N(ok); i++) {
		if (jdate_find_span(ok[i].text, &sp) != 0)
			fail_msg("no span in \"%s\"", ok[i].text);
		jdate_format(&sp.js_start, a);
		if (strcmp(a, ok[i].start) != 0)
			fail_msg("\"%s\": start %s, want %s", ok[i].text, a,
			    ok[i].start);
		if (ok[i].end == NULL) {
			if (sp.js_has_end) {
				jdate_format(&sp.js_end, b);
				fail_msg("\"%s\": end %s, want none",
				    ok[i].text, b);
			}
			continue;
		}
		if (!sp.js_has_end)
			fail_msg("\"%s\": no end", ok[i].text);
		jdate_format(&sp.js_end, b);
		if (strcmp(b, ok[i].end) != 0)
			fail_msg("\"%s\": end %s, want %s", ok[i].text, b,
			    ok[i].end);
	}
	for (i = 0; i < N(none); i++)
		if (jdate_find_span(none[i], &sp) != -1)
			fail_msg("span in \"%s\"", none[i]);
}

static void
test_spans_near(void **state)
{
	struct jdate ref = { .jd_year = 2026, .jd_month = 12, .jd_day = 10,
	    .jd_offset = 540 };
	struct jdate_span sp;

	(void)state;
	/* A year wins over ref. */
	assert_int_equal(jdate_find_span_near("2027年1月5日", &ref, &sp), 0);
	assert_int_equal(sp.js_start.jd_year, 2027);
	/* Without it: on or after ref, a month before it at most. */
	assert_int_equal(jdate_find_span_near("1月5日（火）10時～12時", &ref,
	    &sp), 0);
	assert_int_equal(sp.js_start.jd_year, 2027);
	assert_int_equal(sp.js_start.jd_hour, 10);
	assert_int_equal(sp.js_end.jd_hour, 12);
	assert_int_equal(jdate_find_span_near("１２月２０日", &ref, &sp), 0);
	assert_int_equal(sp.js_start.jd_year, 2026);
	assert_int_equal(jdate_find_span_near("11月20日", &ref, &sp), 0);
	assert_int_equal(sp.js_start.jd_year, 2026);
	assert_int_equal(jdate_find_span_near("11月1日", &ref, &sp), 0);
	assert_int_equal(sp.js_start.jd_year, 2027);
	/* A day alone or a slash is no date here; nor is anything without
	 * ref. */
	assert_int_equal(jdate_find_span_near("5日から", &ref, &sp), -1);
	assert_int_equal(jdate_find_span_near("定員12/20名", &ref, &sp), -1);
	assert_int_equal(jdate_find_span_near("1月5日", NULL, &sp), -1);
	assert_int_equal(jdate_find_span_near(NULL, &ref, &sp), -1);
}

static void
test_arithmetic(void **state)
{
	struct jdate d, e;
	char buf[32];
	int64_t t;

	assert_int_equal(jdate_parse("2024-02-28", &d), 0);
	jdate_add_days(&d, 1);
	jdate_format(&d, buf);
	assert_string_equal(buf, "2024-02-29");
	jdate_add_days(&d, 1);
	jdate_format(&d, buf);
	assert_string_equal(buf, "2024-03-01");
	jdate_add_days(&d, -366);
	jdate_format(&d, buf);
	assert_string_equal(buf, "2023-03-01");
	assert_int_equal(jdate_parse("2026-12-31", &d), 0);
	jdate_add_days(&d, 1);
	jdate_format(&d, buf);
	assert_string_equal(buf, "2027-01-01");
	assert_int_equal(jdate_parse("9999-12-31", &d), 0);
	jdate_add_days(&d, 1);	/* out of range: unchanged */
	jdate_format(&d, buf);
	assert_string_equal(buf, "9999-12-31");

	assert_int_equal(jdate_parse("2026-03-01T01:00:00Z", &d), 0);
	assert_int_equal(jdate_to_offset(&d, 540), 0);
	jdate_format(&d, buf);
	assert_string_equal(buf, "2026-03-01T10:00:00+09:00");
	assert_int_equal(jdate_to_unix(&d, &t), 0);
	assert_int_equal(t, 1772326800LL);
	assert_int_equal(jdate_parse("2026-03-01T23:30:00+09:00", &d), 0);
	assert_int_equal(jdate_add_seconds(&d, 3600), 0);
	jdate_format(&d, buf);
	assert_string_equal(buf, "2026-03-02T00:30:00+09:00");
	assert_int_equal(jdate_parse("2026-03-01", &d), 0);
	assert_int_equal(jdate_to_offset(&d, 0), -1);	/* no time */

	/* Instants compare across offsets; dates by the calendar. */
	assert_int_equal(jdate_parse("2026-03-01T01:00:00Z", &d), 0);
	assert_int_equal(jdate_parse("2026-03-01T10:00:00+09:00", &e), 0);
	assert_int_equal(jdate_cmp(&d, &e), 0);
	assert_int_equal(jdate_parse("2026-03-02", &e), 0);
	assert_true(jdate_cmp(&d, &e) < 0);
	assert_true(jdate_cmp(&e, &d) > 0);

	jdate_set_time(&e, 24, 0, 0);
	jdate_format(&e, buf);
	assert_string_equal(buf, "2026-03-03T00:00:00+09:00");
	assert_int_equal(jdate_valid(&e), 1);
	e.jd_day = 32;
	assert_int_equal(jdate_valid(&e), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso),
		cmocka_unit_test(test_slashed_and_kanji),
		cmocka_unit_test(test_wareki),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_spans_near),
		cmocka_unit_test(test_arithmetic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
