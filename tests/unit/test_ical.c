/* test_ical.c — RFC 5545 VEVENTs to postings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feed.h"
#include "jichitai_testutil.h"
#include "parse_private.h"

static char err[512];

static struct feed *
parse_ok(const char *data, size_t len)
{
	struct feed *f = NULL;

	if (feed_parse(data, len, FEED_FORMAT_AUTO, NULL, &f, err,
	    sizeof(err)) != 0)
		fail_msg("feed_parse: %s", err);
	assert_int_equal(f->fd_format, FEED_FORMAT_ICAL);
	return f;
}

static struct posting *
by_guid(const struct feed *f, const char *guid)
{
	size_t i;

	for (i = 0; i < f->fd_entries.pl_len; i++)
		if (f->fd_entries.pl_items[i]->pst_guid != NULL &&
		    strcmp(f->fd_entries.pl_items[i]->pst_guid, guid) == 0)
			return f->fd_entries.pl_items[i];
	fail_msg("no posting %s", guid);
	return NULL;
}

static void
test_kariya(void **state)
{
	struct posting *p;
	struct feed *f;
	size_t len;
	char *data;

	data = test_data_read("ical", "kariya.ics", &len);
	f = parse_ok(data, len);
	assert_opt_str(f->fd_title, "刈谷市社協 ボランティア行事");
	assert_int_equal(f->fd_entries.pl_len, 6);
	assert_int_equal(f->fd_nissues, 2);
	assert_int_equal(f->fd_issues[0].fi_line, 56);
	assert_non_null(strstr(f->fd_issues[0].fi_reason, "RECURRENCE-ID"));
	assert_int_equal(f->fd_issues[1].fi_line, 89);
	assert_string_equal(f->fd_issues[1].fi_reason,
	    "VEVENT without DTSTART");

	/* Folded, escaped, recurring; the VALARM's DESCRIPTION stays out. */
	p = by_guid(f, "salon-2026@kariya-shakyo.example.jp");
	assert_opt_str(p->pst_title,
	    "刈谷市 傾聴サロン（毎月第2土曜日）ボランティア募集");
	assert_opt_str(p->pst_start, "2026-07-11T13:00:00+09:00");
	assert_opt_str(p->pst_end, "2026-07-11T15:30:00+09:00");
	assert_int_equal(p->pst_all_day, 0);
	assert_opt_str(p->pst_recurrence, "FREQ=MONTHLY;BYDAY=2SA;COUNT=6");
	assert_opt_str(p->pst_summary, "高齢者のお話を聞くボランティアです。\n"
	    "持ち物：筆記用具, 上履き;飲み物は各自\\ご用意ください。");
	assert_opt_str(p->pst_content_html, "高齢者のお話を聞くボランティアです。"
	    "<br>\n持ち物：筆記用具, 上履き;飲み物は各自\\ご用意ください。");
	assert_opt_str(p->pst_place, "刈谷市総合福祉センター 2階, 交流室");
	assert_opt_str(p->pst_link, "https://www.kariya-shakyo.example.jp/salon");
	assert_int_equal(p->pst_ncategories, 3);
	assert_string_equal(p->pst_categories[0], "福祉");
	assert_string_equal(p->pst_categories[1], "傾聴,話し相手");
	assert_string_equal(p->pst_categories[2], "VOLUNTEER");
	assert_int_equal(p->pst_has_geo, 1);
	assert_true(p->pst_lat > 34.991 && p->pst_lat < 34.992);
	assert_true(p->pst_lon > 137.004 && p->pst_lon < 137.005);
	assert_opt_str(p->pst_organizer_name,
	    "刈谷市社会福祉協議会; ボランティアセンター");
	assert_opt_str(p->pst_contact_email, "vc@kariya-shakyo.example.jp");
	assert_int_equal(p->pst_status, POSTING_OPEN);
	assert_int_equal(p->pst_published, 1781053200LL);	/* 06-10 01:00Z */
	assert_int_equal(p->pst_modified, 1781922600LL);	/* 06-20 02:30Z */

	/* All-day: DTEND is exclusive, the end inclusive. */
	p = by_guid(f, "summer-camp-2026@kariya-shakyo.example.jp");
	assert_opt_str(p->pst_start, "2026-08-01");
	assert_opt_str(p->pst_end, "2026-08-02");
	assert_int_equal(p->pst_all_day, 1);
	p = by_guid(f, "oneday@kariya-shakyo.example.jp");
	assert_opt_str(p->pst_start, "2026-10-03");
	assert_opt_str(p->pst_end, "2026-10-03");

	/* UTC in Japan time; floating is Japan time; DURATION. */
	p = by_guid(f, "webinar-0901@kariya-shakyo.example.jp");
	assert_opt_str(p->pst_start, "2026-09-01T10:00:00+09:00");
	assert_opt_str(p->pst_end, "2026-09-01T11:30:00+09:00");
	p = by_guid(f, "festa-1115@kariya-shakyo.example.jp");
	assert_opt_str(p->pst_start, "2026-11-15T09:30:00+09:00");
	assert_opt_str(p->pst_end, "2026-11-15T11:00:00+09:00");
	assert_int_equal(p->pst_status, POSTING_CANCELLED);

	/* Another zone: the offset its VTIMEZONE gives for STANDARD. */
	p = by_guid(f, "sister-city-call@kariya-shakyo.example.jp");
	assert_opt_str(p->pst_start, "2026-12-01T19:00:00-05:00");
	assert_opt_str(p->pst_end, "2026-12-01T20:00:00-05:00");

	feed_free(f);
	free(data);
}

static struct feed *
ical_text(const char *text, int want_rc)
{
	struct feed *f = calloc(1, sizeof(*f));
	static const struct feed_parse_opts opts;

	assert_non_null(f);
	f->fd_format = FEED_FORMAT_ICAL;
	err[0] = '\0';
	if (ical_parse(text, strlen(text), &opts, f, err, sizeof(err)) !=
	    want_rc)
		fail_msg("ical_parse: want %d: %s", want_rc, err);
	return f;
}

#define HEAD	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
#define TAIL	"END:VCALENDAR\r\n"

static void
test_unfold_and_times(void **state)
{
	struct posting *p;
	struct feed *f;

	/* A fold inside a UTF-8 sequence, LF only, lower-case names. */
	f = ical_text("begin:vcalendar\n"
	    "begin:vevent\n"
	    "uid:a\n"
	    "dtstart;tzid=\"/mozilla.org/20050126_1/Asia/Tokyo\":20260805T100000\n"
	    "dtend;tzid=Asia/Tokyo:20260805T240000\n"
	    "summary:\xe5\x88\n \x88\xe8\xb0\xb7\n\t\xe5\xb8\x82\n"
	    "end:vevent\n"
	    "end:vcalendar\n", 0);
	assert_int_equal(f->fd_entries.pl_len, 1);
	p = f->fd_entries.pl_items[0];
	assert_opt_str(p->pst_title, "刈谷市");
	assert_opt_str(p->pst_start, "2026-08-05T10:00:00+09:00");
	assert_opt_str(p->pst_end, NULL);	/* T240000 is no time */
	feed_free(f);

	/* DURATION in days for an all-day event; a week; ends before start. */
	f = ical_text(HEAD
	    "BEGIN:VEVENT\r\nUID:d\r\nSUMMARY:d\r\nDTSTART;VALUE=DATE:20261230\r\n"
	    "DURATION:P3D\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:w\r\nSUMMARY:w\r\nDTSTART:20260101T090000Z\r\n"
	    "DURATION:P1W\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:b\r\nDTSTART:20260101T090000\r\n"
	    "DTEND:20260101T080000\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:e\r\nSUMMARY:e\r\nDTSTART;VALUE=DATE:20260101\r\n"
	    "DTEND;VALUE=DATE:20260101\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:x\r\nDTSTART:2026-13-01\r\n"
	    "END:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20260101\r\nEND:VEVENT\r\n"
	    TAIL, 0);
	assert_int_equal(f->fd_entries.pl_len, 4);
	assert_opt_str(f->fd_entries.pl_items[0]->pst_end, "2027-01-01");
	assert_opt_str(f->fd_entries.pl_items[1]->pst_start,
	    "2026-01-01T18:00:00+09:00");
	assert_opt_str(f->fd_entries.pl_items[1]->pst_end,
	    "2026-01-08T18:00:00+09:00");
	assert_opt_str(f->fd_entries.pl_items[2]->pst_end, NULL);
	assert_opt_str(f->fd_entries.pl_items[3]->pst_end, "2026-01-01");
	assert_int_equal(f->fd_nissues, 2);
	assert_string_equal(f->fd_issues[0].fi_reason,
	    "DTSTART '2026-13-01' is not a date");
	assert_string_equal(f->fd_issues[1].fi_reason,
	    "VEVENT without SUMMARY");
	feed_free(f);
}

static void
test_garbage(void **state)
{
	static const struct {
		const char	*doc;
		const char	*want;
	} cases[] = {
		{ "", "not an iCalendar object: empty" },
		{ "hello\r\n", "not an iCalendar object: line 1 is 'hello'" },
		{ HEAD "BEGIN:VEVENT\r\nSUMMARY:x\r\n",
		    "BEGIN:VEVENT at line 3 is never closed" },
		{ HEAD "BEGIN:VEVENT\r\nEND:VTODO\r\n" TAIL,
		    "line 4: END:VTODO does not close BEGIN:VEVENT" },
		{ HEAD TAIL "SUMMARY:x\r\n", "line 4: SUMMARY outside" },
		{ HEAD TAIL "BEGIN:VEVENT\r\n", "BEGIN:VEVENT outside" },
	};
	char deep[2048];
	struct feed *f;
	size_t i;
	int k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = ical_text(cases[i].doc, -1);
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: %s", i, err);
		feed_free(f);
	}
	strcpy(deep, HEAD);
	for (k = 0; k < 20; k++)
		strcat(deep, "BEGIN:X\r\n");
	f = ical_text(deep, -1);
	assert_non_null(strstr(err, "nested deeper than 16"));
	feed_free(f);

	/* A stray line is an issue, not the end of the calendar. */
	f = ical_text(HEAD "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:a\r\n"
	    "this is no content line\r\nDTSTART:20260101\r\nEND:VEVENT\r\n"
	    TAIL, 0);
	assert_int_equal(f->fd_entries.pl_len, 1);
	assert_int_equal(f->fd_nissues, 1);
	assert_int_equal(f->fd_issues[0].fi_line, 6);
	feed_free(f);
}

static void
test_long_line(void **state)
{
	size_t n = 2 * 1024 * 1024, i;
	char *doc = malloc(n + 200);
	struct feed *f;

	assert_non_null(doc);
	strcpy(doc, HEAD "BEGIN:VEVENT\r\nDESCRIPTION:");
	i = strlen(doc);
	memset(doc + i, 'a', n);
	strcpy(doc + i + n, "\r\nEND:VEVENT\r\n" TAIL);
	f = ical_text(doc, -1);
	assert_non_null(strstr(err, "longer than"));
	feed_free(f);
	free(doc);
}

static void
test_sniff(void **state)
{
	static const char *const docs[] = {
		"BEGIN:VCALENDAR\r\n", "\xef\xbb\xbf\r\n  begin:vcalendar\n",
	};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		assert_int_equal(feed_sniff(docs[i], strlen(docs[i])),
		    FEED_FORMAT_ICAL);
	assert_int_equal(ical_sniff("BEGIN:VEVENT", 12), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kariya),
		cmocka_unit_test(test_unfold_and_times),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_sniff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
