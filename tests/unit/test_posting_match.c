/*
 * test_posting_match.c — the feed filters on one posting in memory, as
 * the store applies them in SQL: keys ANDed, values ORed, prefecture
 * prefixes, q as a lowercased substring, date ranges over the event's
 * span (Japan days, open-ended recurrence).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../feeds/posting.h"
#include "feed_filter.h"
#include "posting_match.h"

static struct posting *
sample(void)
{
	struct posting *p = posting_new();

	posting_set(&p->pst_id, "p1");
	posting_set(&p->pst_kind, "shakyo");
	posting_set(&p->pst_title, "高齢者サロン Volunteer");
	posting_set(&p->pst_place, "刈谷市総合文化センター");
	posting_set(&p->pst_area, "232106");
	posting_set(&p->pst_start, "2026-03-01T10:00:00+09:00");
	posting_set(&p->pst_end, "2026-03-01T12:00:00+09:00");
	posting_add_category(p, "welfare");
	posting_add_category(p, "elderly");
	posting_add_ref(p, "kariya-shakyo", "shakyo", "https://x/1", 0);
	return p;
}

/* Does the filter line match p? */
static int
m(const char *line, const struct posting *p)
{
	struct posting_filter f;
	char err[256];
	int r;

	memset(&f, 0, sizeof(f));
	if (feed_filter_parse_line(&f, line, err, sizeof(err)) == -1 ||
	    feed_filter_finish(&f, err, sizeof(err)) == -1)
		fail_msg("%s: %s", line, err);
	r = posting_match(&f, p);
	feed_filter_clear(&f);
	return r;
}

static void
test_keys(void **state)
{
	struct posting *p = sample();

	(void)state;
	assert_true(posting_match(NULL, p));
	assert_true(m("", p));
	assert_true(m("kind=shakyo", p));
	assert_true(m("kind=city,shakyo", p));
	assert_false(m("kind=city", p));
	assert_true(m("status=open", p));
	assert_false(m("status=withdrawn", p));
	assert_true(m("source=kariya-shakyo", p));
	assert_false(m("source=kariya-city", p));
	assert_true(m("category=welfare", p));
	assert_true(m("category=sports,elderly", p));
	assert_false(m("category=sports", p));
	assert_true(m("area=232106", p));
	assert_true(m("area=23", p));		/* Aichi */
	assert_true(m("area=23210", p));	/* completed to 232106 */
	assert_false(m("area=13", p));
	assert_false(m("area=232114", p));
	/* ANDed across keys. */
	assert_true(m("kind=shakyo area=23 category=welfare", p));
	assert_false(m("kind=shakyo area=13", p));
	posting_free(p);
}

static void
test_q(void **state)
{
	struct posting *p = sample();

	(void)state;
	assert_true(m("q=サロン", p));
	assert_true(m("q=volunteer", p));	/* ASCII case folded */
	assert_true(m("q=文化センター", p));	/* the place */
	assert_true(m("q=%E9%AB%98%E9%BD%A2", p));	/* 高齢, encoded */
	assert_false(m("q=子ども", p));
	/* A field boundary is not text. */
	assert_false(m("q=volunteer%0A%E5%88%88", p) &&
	    strstr(p->pst_title, "\n") != NULL);
	posting_free(p);
}

static void
test_dates(void **state)
{
	struct posting *p = sample();
	int64_t s, e;

	(void)state;
	assert_true(m("from=2026-03-01", p));
	assert_true(m("to=2026-03-01", p));
	assert_true(m("from=2026-02-01 to=2026-03-31", p));
	assert_false(m("from=2026-03-02", p));
	assert_false(m("to=2026-02-28", p));
	assert_true(m("from=2026-03-01T11:59:00%2B09:00", p));
	assert_false(m("from=2026-03-01T12:00:01%2B09:00", p));
	/* All day: the whole Japan day. */
	posting_set(&p->pst_start, "2026-03-01");
	posting_set(&p->pst_end, NULL);
	p->pst_all_day = 1;
	assert_int_equal(posting_span(p, &s, &e), 0);
	assert_int_equal(e - s, 86399);
	assert_true(m("from=2026-03-01T23:59:00%2B09:00", p));
	assert_false(m("from=2026-03-02", p));
	/* Recurring: open-ended, never missed. */
	posting_set(&p->pst_recurrence, "FREQ=MONTHLY;COUNT=3");
	assert_true(m("from=2026-05-01", p));
	/* Without a date: no range matches. */
	posting_set(&p->pst_start, NULL);
	assert_int_equal(posting_span(p, &s, &e), -1);
	assert_false(m("from=2026-01-01", p));
	assert_true(m("kind=shakyo", p));
	posting_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_q),
		cmocka_unit_test(test_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
