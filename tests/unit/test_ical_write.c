/*
 * test_ical_write.c — iCalendar (RFC 5545): CRLF lines of at most 75
 * octets folded between characters, one VEVENT per posting with its UID,
 * dates in Asia/Tokyo or as VALUE=DATE with the exclusive DTEND, RRULE
 * only when it is one, STATUS, and text that never breaks out of its
 * property.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"
#include "writer.h"

static const struct feed_meta meta = {
	.fm_title = "刈谷市, ボランティア; 情報",
	.fm_self_url = "https://volunteer.example.jp/feeds/all.ics",
	.fm_instance = "kariya",
	.fm_updated = 1782961200LL,
};

static char *
write_ics(struct posting **ps, size_t n)
{
	struct buf b;

	buf_init(&b, 16 << 20);
	assert_int_equal(ical_write(&meta, ps, n, &b), 0);
	return b.data;
}

/*
 * Checks the line structure and returns the unfolded text, one property
 * per line ending in "\n".
 */
static char *
unfold(const char *ics)
{
	char *out = malloc(strlen(ics) + 1), *o = out;
	const char *p = ics, *eol;
	size_t len;

	while (*p) {
		eol = strstr(p, "\r\n");
		assert_non_null(eol);
		len = (size_t)(eol - p);
		if (len > 75)
			fail_msg("line of %zu octets: %.*s", len, (int)len, p);
		/* No bare CR or LF inside a line. */
		assert_null(memchr(p, '\r', len));
		assert_null(memchr(p, '\n', len));
		/* Folding never splits a UTF-8 sequence. */
		assert_true(text_is_utf8(p, len));
		if (*p == ' ') {
			assert_true(o > out);
			o--;		/* the previous "\n" */
			p++;
			len--;
		}
		memcpy(o, p, len);
		o += len;
		*o++ = '\n';
		p = eol + 2;
	}
	*o = '\0';
	return out;
}

/* The value of the first property NAME (with its parameters) in the
 * n-th VEVENT (1-based), or NULL. */
static char *
prop(const char *unfolded, int event, const char *name)
{
	static char value[65536];
	const char *p = unfolded, *eol;
	size_t n = strlen(name);
	int seen = 0;

	/* At the start of a line: an escaped "\\n" in a value is no line. */
	while ((p = strstr(p, "\nBEGIN:VEVENT\n")) != NULL && ++seen < event)
		p++;
	if (p == NULL)
		return NULL;
	p++;
	for (; *p && strncmp(p, "END:VEVENT\n", 11) != 0; p = eol + 1) {
		eol = strchr(p, '\n');
		if (strncmp(p, name, n) == 0 && (p[n] == ':' || p[n] == ';')) {
			snprintf(value, sizeof(value), "%.*s",
			    (int)(eol - p - n), p + n);
			return value;
		}
	}
	return NULL;
}

static void
assert_prop(const char *u, int ev, const char *name, const char *want)
{
	const char *got = prop(u, ev, name);

	if (want == NULL) {
		if (got != NULL)
			fail_msg("%s: unexpected \"%s\"", name, got);
		return;
	}
	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", name,
		    got ? got : "(none)", want);
}

static struct posting *
base(const char *id)
{
	struct posting *p = posting_new();

	posting_set(&p->pst_id, id);
	posting_set(&p->pst_title, "清掃活動");
	p->pst_revision = 3;
	p->pst_published = 1781487000LL;
	p->pst_modified = 1782900000LL;
	return p;
}

static void
test_calendar_and_events(void **state)
{
	struct posting *timed = base("p1"), *allday = base("p2"),
	    *utc = base("p3"), *undated = base("p4");
	struct posting *ps[] = { timed, allday, utc, undated };
	char *ics, *u;

	posting_set(&timed->pst_start, "2026-07-25T09:30:00+09:00");
	posting_set(&timed->pst_end, "2026-07-25T12:00:00+09:00");
	posting_set(&timed->pst_recurrence, "FREQ=MONTHLY;COUNT=3");
	posting_set(&timed->pst_place, "総合文化センター");
	posting_set(&timed->pst_address, "刈谷市若松町2-104");
	timed->pst_has_geo = 1;
	timed->pst_lat = 34.98912;
	timed->pst_lon = 137.0;
	posting_add_category(timed, "welfare");
	posting_add_category(timed, "a,b");
	posting_set(&timed->pst_link, "https://example.jp/ev?id=1 2");
	posting_set(&allday->pst_start, "2026-07-31");
	posting_set(&allday->pst_end, "2026-08-01");
	allday->pst_all_day = 1;
	allday->pst_status = POSTING_CANCELLED;
	posting_set(&utc->pst_start, "2026-12-31T23:30:00Z");
	posting_set(&utc->pst_recurrence, "FREQ=DAILY\r\nBEGIN:VEVENT");
	utc->pst_status = POSTING_WITHDRAWN;
	undated->pst_status = POSTING_CLOSED;

	ics = write_ics(ps, 4);
	assert_true(strncmp(ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:",
	    37) == 0);
	u = unfold(ics);
	assert_non_null(strstr(u, "\nX-WR-CALNAME:刈谷市\\, ボランティア\\; "
	    "情報\n"));
	/* The one time zone every event refers to. */
	assert_non_null(strstr(u, "BEGIN:VTIMEZONE\nTZID:Asia/Tokyo\n"
	    "BEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0900\n"
	    "TZOFFSETTO:+0900\nTZNAME:JST\nEND:STANDARD\nEND:VTIMEZONE\n"));
	assert_null(strstr(u, "METHOD"));
	assert_int_equal(strlen(u) - strlen(strstr(u, "END:VCALENDAR\n")) +
	    14, strlen(u));

	assert_prop(u, 1, "UID", ":p1@kariya");
	assert_prop(u, 1, "DTSTAMP", ":20260701T100000Z");
	assert_prop(u, 1, "SEQUENCE", ":2");
	assert_prop(u, 1, "DTSTART", ";TZID=Asia/Tokyo:20260725T093000");
	assert_prop(u, 1, "DTEND", ";TZID=Asia/Tokyo:20260725T120000");
	assert_prop(u, 1, "RRULE", ":FREQ=MONTHLY;COUNT=3");
	assert_prop(u, 1, "LOCATION", ":総合文化センター 刈谷市若松町2-104");
	assert_prop(u, 1, "GEO", ":34.989120;137.000000");
	assert_prop(u, 1, "CATEGORIES", ":welfare,a\\,b");
	assert_prop(u, 1, "URL", ":https://example.jp/ev?id=1%202");
	assert_prop(u, 1, "STATUS", ":CONFIRMED");

	/* All day: DTEND is the day after the inclusive end. */
	assert_prop(u, 2, "UID", ":p2@kariya");
	assert_prop(u, 2, "DTSTART", ";VALUE=DATE:20260731");
	assert_prop(u, 2, "DTEND", ";VALUE=DATE:20260802");
	assert_prop(u, 2, "STATUS", ":CANCELLED");
	assert_prop(u, 2, "X-TSUNAGU-STATUS", ":cancelled");

	/* Another zone: the same instant in Tokyo. */
	assert_prop(u, 3, "DTSTART", ";TZID=Asia/Tokyo:20270101T083000");
	assert_prop(u, 3, "DTEND", NULL);
	/* Not an RRULE: kept as text, never as a property of its own. */
	assert_prop(u, 3, "RRULE", NULL);
	assert_prop(u, 3, "X-TSUNAGU-RECURRENCE",
	    ":FREQ=DAILY\\nBEGIN:VEVENT");
	assert_prop(u, 3, "STATUS", ":CANCELLED");
	assert_prop(u, 3, "X-TSUNAGU-STATUS", ":withdrawn");

	/* No date: no DTSTART (allowed without METHOD). */
	assert_prop(u, 4, "DTSTART", NULL);
	assert_prop(u, 4, "STATUS", ":CONFIRMED");
	assert_prop(u, 4, "X-TSUNAGU-STATUS", ":closed");
	free(u);
	free(ics);
	for (size_t i = 0; i < 4; i++)
		posting_free(ps[i]);
}

static void
test_hostile_text(void **state)
{
	struct posting *p = base("p\r\nBEGIN:VEVENT");
	struct posting *ps[] = { p };
	char *ics, *u, *longtext;
	size_t i;

	longtext = malloc(3 * 5000 + 1);
	for (i = 0; i < 5000; i++)
		memcpy(longtext + 3 * i, "福", 3);
	longtext[3 * 5000] = '\0';
	posting_set(&p->pst_title, "a\r\nEND:VEVENT\r\nBEGIN:VEVENT\rb\nc"
	    "\x01\x7f;,\\ ]]> =cmd|'/c calc'!A0\xff");
	posting_set(&p->pst_summary, longtext);
	posting_set(&p->pst_link, "javascript:x\r\nATTACH:evil");
	ics = write_ics(ps, 1);
	u = unfold(ics);
	/* One event, whatever the text said. */
	assert_non_null(strstr(u, "\nBEGIN:VEVENT\n"));
	assert_null(strstr(strstr(u, "\nBEGIN:VEVENT\n") + 1,
	    "\nBEGIN:VEVENT\n"));
	assert_null(strstr(u, "\nEND:VEVENT\nBEGIN"));
	assert_prop(u, 1, "UID", ":p\\nBEGIN:VEVENT@kariya");
	assert_prop(u, 1, "SUMMARY", ":a\\nEND:VEVENT\\nBEGIN:VEVENT\\nb\\nc"
	    "\\;\\,\\\\ ]]> =cmd|'/c calc'!A0\xef\xbf\xbd");
	assert_prop(u, 1, "URL", ":javascript:x%0D%0AATTACH:evil");
	assert_prop(u, 1, "ATTACH", NULL);
	assert_string_equal(prop(u, 1, "DESCRIPTION") + 1, longtext);
	free(u);
	free(ics);
	free(longtext);
	posting_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calendar_and_events),
		cmocka_unit_test(test_hostile_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
