/* test_rdf.c — RSS 1.0 (RDF) and 0.90 into postings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feed.h"
#include "feeds_testutil.h"

#define SHAKYO	"https://www.kariya-shakyo.example.jp/"

static char err[256];

static struct feed *
parse(const char *doc, size_t len, enum feed_format format)
{
	struct feed *f = NULL;

	if (feed_parse(doc, len, format, NULL, &f, err, sizeof(err)) != 0)
		fail_msg("parse failed: %s", err);
	assert_int_equal(f->fd_format, FEED_FORMAT_RDF);
	return f;
}

/* The Kariya shakyo's feed, whatever charset it was read from. */
static void
check_shakyo(const struct feed *f)
{
	const struct posting *p;

	assert_string_equal(f->fd_title,
	    "刈谷市社会福祉協議会 ボランティアセンター");
	assert_string_equal(f->fd_link, SHAKYO);
	assert_int_equal(f->fd_entries.pl_len, 2);
	assert_int_equal(f->fd_replaced, 0);

	p = f->fd_entries.pl_items[0];
	assert_string_equal(p->pst_title, "①傾聴ボランティア養成講座（全3回）");
	assert_string_equal(p->pst_link, SHAKYO "vc/2026/0801.html");
	assert_string_equal(p->pst_guid, SHAKYO "vc/2026/0801.html");
	assert_string_equal(p->pst_content_html,
	    "<p>日時：令和8年8月5日（水）10：00～12：00</p>"
	    "<p>会場：刈谷市総合福祉センター</p><p>協力：㈱カリヤ技研</p>");
	assert_string_equal(p->pst_summary,
	    "髙橋講師による傾聴の基礎。協力：㈱カリヤ技研");
	assert_int_equal(p->pst_ncategories, 2);
	assert_string_equal(p->pst_categories[0], "福祉");
	assert_string_equal(p->pst_categories[1], "講座");
	assert_string_equal(p->pst_organizer_name, "刈谷市社会福祉協議会");
	/* dc:date with a date alone: midnight in Japan. */
	assert_int_equal(p->pst_published, 1784473200LL);
	assert_int_equal(p->pst_modified, 1784473200LL);

	/* No <link>: rdf:about names it. */
	p = f->fd_entries.pl_items[1];
	assert_string_equal(p->pst_title, "②夏のボランティア体験（髙須地区）");
	assert_string_equal(p->pst_link, SHAKYO "vc/2026/0715.html");
	assert_string_equal(p->pst_content_html,
	    "中学生・高校生の夏休みボランティア体験の参加者を募集します。");
	assert_null(p->pst_summary);
	assert_null(p->pst_organizer_name);
	assert_int_equal(p->pst_published, 1784075400LL);
}

static void
test_cp932_fixtures(void **state)
{
	static const struct {
		const char	*file, *charset;
	} cases[] = {
		{ "kariya-rdf-sjis.rdf", "CP932" },
		{ "kariya-rdf-sjis-nodecl.rdf", "CP932" },
		{ "lying-utf8-is-cp932.rdf", "CP932" },
		{ "lying-sjis-is-utf8.rdf", "UTF-8" },
	};
	struct feed *f;
	size_t i, len;
	char *doc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		doc = fixture_read(cases[i].file, &len);
		f = parse(doc, len, FEED_FORMAT_AUTO);
		assert_string_equal(f->fd_charset, cases[i].charset);
		check_shakyo(f);
		feed_free(f);
		free(doc);
	}
}

static void
test_rss090_and_partial_dates(void **state)
{
	const char doc[] =
	    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
	    "22-rdf-syntax-ns#\" xmlns=\"http://my.netscape.com/rdf/simple/"
	    "0.9/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
	    "<channel><title>0.90</title><link>http://example.jp/</link>"
	    /* Inside the channel, where it does not belong: read anyway. */
	    "<item><title>in channel</title><link>/a</link>"
	    "<dc:date>2026-07</dc:date></item></channel>"
	    "<item rdf:about=\"urn:x:1\"><title>year</title>"
	    "<link>http://example.jp/b</link><dc:date>2026</dc:date></item>"
	    "<item><title>unknown</title><dc:date>someday</dc:date></item>"
	    "</rdf:RDF>";
	struct feed *f = parse(doc, strlen(doc), FEED_FORMAT_AUTO);
	const struct posting *p;

	assert_string_equal(f->fd_title, "0.90");
	assert_int_equal(f->fd_entries.pl_len, 3);
	p = f->fd_entries.pl_items[0];
	assert_string_equal(p->pst_link, "http://example.jp/a");
	assert_null(p->pst_guid);
	assert_int_equal(p->pst_published, 1782831600LL);
	p = f->fd_entries.pl_items[1];
	/* rdf:about is the identity; not a link when it is no URL. */
	assert_string_equal(p->pst_guid, "urn:x:1");
	assert_string_equal(p->pst_link, "http://example.jp/b");
	assert_int_equal(p->pst_published, 1767193200LL);
	p = f->fd_entries.pl_items[2];
	assert_int_equal(p->pst_published, 0);
	assert_null(p->pst_link);
	feed_free(f);
}

static void
test_not_rdf(void **state)
{
	const char rss[] = "<rss version=\"2.0\"><channel/></rss>";
	const char other[] = "<rdf:RDF xmlns:rdf=\"urn:not-rdf\"/>";
	const char cut[] = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
	    "22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><item>"
	    "<title>cut</title>";
	struct feed *f = NULL;

	assert_int_equal(feed_parse(rss, strlen(rss), FEED_FORMAT_RDF, NULL,
	    &f, err, sizeof(err)), -1);
	assert_string_equal(err, "not an RSS 1.0 feed: root element <rss>");
	assert_int_equal(feed_parse(other, strlen(other), FEED_FORMAT_RDF,
	    NULL, &f, err, sizeof(err)), -1);
	assert_string_equal(err, "not an RSS 1.0 feed: root element <RDF>");
	assert_int_equal(feed_parse(cut, strlen(cut), FEED_FORMAT_AUTO, NULL,
	    &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "XML error"));
	assert_null(f);
}

static void
test_elements_of_other_namespaces_ignored(void **state)
{
	/* RSS 2.0's elements are not RSS 1.0's: no namespace, no field. */
	const char doc[] = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
	    "22-rdf-syntax-ns#\" xmlns:r=\"http://purl.org/rss/1.0/\">"
	    "<r:item><title>no</title><r:title>yes</r:title></r:item>"
	    "<item><r:title>not an item</r:title></item></rdf:RDF>";
	struct feed *f = parse(doc, strlen(doc), FEED_FORMAT_RDF);

	assert_int_equal(f->fd_entries.pl_len, 1);
	assert_string_equal(f->fd_entries.pl_items[0]->pst_title, "yes");
	feed_free(f);
}

static void
test_max_entries(void **state)
{
	struct feed_parse_opts opts = { .max_entries = 1 };
	struct feed *f = NULL;
	size_t len;
	char *doc = fixture_read("kariya-rdf-sjis.rdf", &len);

	assert_int_equal(feed_parse(doc, len, FEED_FORMAT_AUTO, &opts, &f, err,
	    sizeof(err)), 0);
	assert_int_equal(f->fd_entries.pl_len, 1);
	feed_free(f);
	free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cp932_fixtures),
		cmocka_unit_test(test_rss090_and_partial_dates),
		cmocka_unit_test(test_not_rdf),
		cmocka_unit_test(test_elements_of_other_namespaces_ignored),
		cmocka_unit_test(test_max_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
