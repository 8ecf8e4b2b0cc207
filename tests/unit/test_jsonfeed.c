/* test_jsonfeed.c — JSON Feed 1.0 and 1.1 into postings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feed.h"
#include "feeds_testutil.h"

#define SITE	"https://www.city.kariya.example.jp/volunteer/"
#define V11	"\"version\": \"https://jsonfeed.org/version/1.1\""

static char err[256];

static struct feed *
parse(const char *doc, size_t len, const char *base)
{
	struct feed_parse_opts opts = { .base_url = base };
	struct feed *f = NULL;

	if (feed_parse(doc, len, FEED_FORMAT_AUTO, &opts, &f, err,
	    sizeof(err)) != 0)
		fail_msg("parse failed: %s", err);
	assert_int_equal(f->fd_format, FEED_FORMAT_JSONFEED);
	return f;
}

static struct feed *
parse_str(const char *doc)
{
	return parse(doc, strlen(doc), NULL);
}

static void
fails(const char *doc, enum feed_format format, const char *want)
{
	struct feed *f = NULL;

	assert_int_equal(feed_parse(doc, strlen(doc), format, NULL, &f, err,
	    sizeof(err)), -1);
	assert_null(f);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\", wanted \"%s\"", err, want);
}

static void
test_kariya_11(void **state)
{
	const struct posting *p;
	struct feed *f;
	size_t len;
	char *doc = fixture_read("kariya-feed11.json", &len);

	f = parse(doc, len, SITE "feed.json");
	assert_string_equal(f->fd_charset, "UTF-8");
	assert_string_equal(f->fd_title, "刈谷市ボランティア活動支援センター");
	assert_string_equal(f->fd_link, SITE);
	assert_string_equal(f->fd_self, SITE "feed.json");
	assert_string_equal(f->fd_hub, "https://hub.example.jp/");
	assert_null(f->fd_next);
	assert_int_equal(f->fd_entries.pl_len, 3);
	assert_int_equal(f->fd_nissues, 0);

	p = f->fd_entries.pl_items[0];
	assert_string_equal(p->pst_guid, "kariya-2026-0901");
	/* Relative: against the document's URL. */
	assert_string_equal(p->pst_link, SITE "2026/bousai.html");
	assert_string_equal(p->pst_title, "防災訓練の運営ボランティア");
	assert_string_equal(p->pst_content_html,
	    "<p>9月1日（火）9時～12時、刈谷市総合運動公園にて。</p>");
	assert_string_equal(p->pst_summary,
	    "防災訓練の受付と誘導をお願いします。");
	assert_int_equal(p->pst_published, 1786320000LL);
	assert_int_equal(p->pst_modified, 1786516200LL);
	assert_int_equal(p->pst_ncategories, 2);
	assert_string_equal(p->pst_categories[0], "防災");
	assert_string_equal(p->pst_categories[1], "地域");
	assert_string_equal(p->pst_organizer_name, "刈谷市 危機管理課");

	/* external_url when there is no url; content_text as HTML. */
	p = f->fd_entries.pl_items[1];
	assert_string_equal(p->pst_link, "https://www.example.org/event/42");
	assert_string_equal(p->pst_content_html,
	    "初心者歓迎 &lt;見学無料&gt; &amp; 予約不要");
	assert_int_equal(p->pst_published, 1786410000LL);
	assert_int_equal(p->pst_modified, 1786410000LL);
	assert_int_equal(p->pst_ncategories, 0);

	/* Another instance's posting comes back whole. */
	p = f->fd_entries.pl_items[2];
	assert_string_equal(p->pst_id, "c0ffee");
	assert_int_equal(p->pst_revision, 2);
	assert_string_equal(p->pst_guid, "kariya-2026-0903");
	assert_string_equal(p->pst_title, "NPO交流会(知立市と合同)");
	assert_string_equal(p->pst_kind, "federation");
	assert_string_equal(p->pst_organizer_name,
	    "知立市市民活動支援センター");
	assert_string_equal(p->pst_start, "2026-09-20T13:30:00+09:00");
	assert_string_equal(p->pst_area, "232254");
	assert_int_equal(p->pst_ncategories, 1);
	assert_string_equal(p->pst_categories[0], "community");
	assert_int_equal(p->pst_nrefs, 1);
	assert_string_equal(p->pst_refs[0].ref_source, "chiryu");
	assert_string_equal(p->pst_origin_instance, "chiryu");
	assert_string_equal(p->pst_link, SITE "2026/fed.html");
	assert_string_equal(p->pst_content_html,
	    "<p>近隣市の活動団体と交流します。</p>");
	feed_free(f);
	free(doc);
}

static void
test_kariya_10_escaped(void **state)
{
	const struct posting *p;
	struct feed *f;
	size_t len;
	char *doc = fixture_read("kariya-feed10.json", &len);

	/* \/ and \uXXXX everywhere, as PHP writes it. */
	assert_non_null(strstr(doc, "jsonfeed.org\\/version\\/1"));
	f = parse(doc, len, NULL);
	assert_string_equal(f->fd_title, "刈谷市社会福祉協議会");
	assert_int_equal(f->fd_entries.pl_len, 1);
	p = f->fd_entries.pl_items[0];
	/* 1.0: a numeric id is coerced to a string. */
	assert_string_equal(p->pst_guid, "20260801");
	assert_string_equal(p->pst_title, "①傾聴ボランティア養成講座");
	assert_string_equal(p->pst_content_html, "<p>協力：㈱カリヤ技研</p>");
	assert_string_equal(p->pst_organizer_name, "ボランティアセンター");
	assert_int_equal(p->pst_published, 1784473200LL);
	feed_free(f);
	free(doc);
}

static void
test_lenient_items(void **state)
{
	const char doc[] = "{" V11 ", \"title\": 42, \"items\": ["
	    "\"not an object\","
	    "{\"id\": \"a\", \"title\": [1], \"url\": \"javascript:x\","
	    " \"tags\": [\"ok\", 3, \"\"], \"date_published\": \"soon\"},"
	    "{\"id\": \"b\", \"title\": \"NUL\\u0000dropped\","
	    " \"_tsunagu\": {\"status\": 7}},"
	    "{\"id\": \"c\", \"authors\": [{\"name\": 1}], \"author\": "
	    "{\"name\": \"ignored: 1.1 authors win\"}}"
	    "]}";
	struct feed *f = parse_str(doc);
	const struct posting *p;

	assert_null(f->fd_title);
	assert_int_equal(f->fd_entries.pl_len, 3);
	assert_int_equal(f->fd_nissues, 2);
	assert_string_equal(f->fd_issues[0].fi_reason,
	    "items[0]: expected an object");
	assert_non_null(strstr(f->fd_issues[1].fi_reason,
	    "items[2]: _tsunagu ignored: "));
	p = f->fd_entries.pl_items[0];
	assert_string_equal(p->pst_guid, "a");
	assert_null(p->pst_title);
	assert_null(p->pst_link);
	assert_int_equal(p->pst_ncategories, 1);
	assert_int_equal(p->pst_published, 0);
	p = f->fd_entries.pl_items[1];
	assert_string_equal(p->pst_title, "NULdropped");
	p = f->fd_entries.pl_items[2];
	assert_null(p->pst_organizer_name);
	feed_free(f);
}

static void
test_not_json_feeds(void **state)
{
	fails("{\"items\": []}", FEED_FORMAT_AUTO,
	    "not a feed: JSON without a jsonfeed.org version");
	fails("{\"items\": []}", FEED_FORMAT_JSONFEED,
	    "not a JSON Feed: no version");
	fails("{\"version\": \"https://example.org/version/1\"}",
	    FEED_FORMAT_JSONFEED, "not a JSON Feed: version "
	    "'https://example.org/version/1'");
	fails("[\"https://jsonfeed.org/version/1.1\"]", FEED_FORMAT_JSONFEED,
	    "not a JSON Feed: not an object");
	fails("{" V11 ", \"items\": {}}", FEED_FORMAT_AUTO,
	    "items is not an array");
	fails("{" V11 ", \"items\": [", FEED_FORMAT_AUTO, "JSON error at line");
	fails("{" V11 "} trailing", FEED_FORMAT_AUTO, "JSON error at line");
}

/* Nesting is bounded by jansson; the parse fails, and fast. */
static void
test_deep_nesting(void **state)
{
	size_t depth = 100000, i, len = 0;
	char *doc = malloc(2 * depth + 64);
	struct feed *f = NULL;

	assert_non_null(doc);
	len += sprintf(doc, "{" V11 ", \"x\": ");
	for (i = 0; i < depth; i++)
		doc[len++] = '[';
	for (i = 0; i < depth; i++)
		doc[len++] = ']';
	doc[len++] = '}';
	assert_int_equal(feed_parse(doc, len, FEED_FORMAT_AUTO, NULL, &f, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "JSON error"));
	free(doc);
}

static void
test_max_entries_and_empty(void **state)
{
	const char doc[] = "{" V11 ", \"items\": [{\"id\": \"1\"}, "
	    "{\"id\": \"2\"}, {\"id\": \"3\"}]}";
	struct feed_parse_opts opts = { .max_entries = 2 };
	struct feed *f = NULL;

	assert_int_equal(feed_parse(doc, strlen(doc), FEED_FORMAT_AUTO, &opts,
	    &f, err, sizeof(err)), 0);
	assert_int_equal(f->fd_entries.pl_len, 2);
	feed_free(f);
	f = parse_str("\xef\xbb\xbf  {" V11 "}");
	assert_int_equal(f->fd_entries.pl_len, 0);
	feed_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kariya_11),
		cmocka_unit_test(test_kariya_10_escaped),
		cmocka_unit_test(test_lenient_items),
		cmocka_unit_test(test_not_json_feeds),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_max_entries_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
