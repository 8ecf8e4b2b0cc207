/* test_rss.c — RSS 2.0 and 0.91 into postings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feed.h"
#include "feeds_testutil.h"

#define SITE	"https://www.city.kariya.example.jp/volunteer/"

static char err[256];

static struct feed *
parse(const char *doc, size_t len, const char *base)
{
	struct feed_parse_opts opts = { .base_url = base };
	struct feed *f = NULL;

	if (feed_parse(doc, len, FEED_FORMAT_RSS, &opts, &f, err,
	    sizeof(err)) != 0)
		fail_msg("parse failed: %s", err);
	return f;
}

static struct feed *
parse_str(const char *doc)
{
	return parse(doc, strlen(doc), NULL);
}

static void
test_kariya_channel_and_items(void **state)
{
	struct posting *p;
	struct feed *f;
	size_t len;
	char *doc = fixture_read("kariya-rss2.xml", &len);

	f = parse(doc, len, SITE "rss.xml");
	assert_string_equal(f->fd_title, "刈谷市 ボランティア募集情報");
	assert_string_equal(f->fd_link, SITE);
	assert_string_equal(f->fd_self, SITE "rss.xml");
	assert_string_equal(f->fd_hub, "https://hub.example.jp/");
	assert_null(f->fd_next);
	assert_int_equal(f->fd_entries.pl_len, 3);

	p = f->fd_entries.pl_items[0];
	assert_string_equal(p->pst_title, "夏休み子どもボランティア体験");
	assert_string_equal(p->pst_link, SITE "2026/summer-kids.html");
	assert_string_equal(p->pst_guid, "kariya-vol-2026-0701");
	/* content:encoded wins; the description becomes the summary. */
	assert_string_equal(p->pst_content_html,
	    "<p>日時：2026年7月25日（土）9時30分〜12時</p>"
	    "<p>場所：刈谷市総合福祉センター</p><p>定員：20名（先着順）</p>");
	assert_string_equal(p->pst_summary, "小学4年生から中学3年生を対象に、"
	    "福祉施設でのボランティアを体験します。");
	assert_int_equal(p->pst_published, 1782864000LL);
	assert_int_equal(p->pst_modified, 1782864000LL);
	assert_int_equal(p->pst_ncategories, 2);
	assert_string_equal(p->pst_categories[0], "子ども");
	assert_string_equal(p->pst_categories[1], "福祉");

	p = f->fd_entries.pl_items[1];
	assert_string_equal(p->pst_title, "高齢者サロンの運営補助");
	assert_string_equal(p->pst_link, SITE "2026/salon.html");
	assert_string_equal(p->pst_content_html, "<p>毎月第2火曜日、地域の"
	    "高齢者サロンでお茶出しや&レクリエーションの補助をお願いします。"
	    "</p>");
	assert_null(p->pst_summary);
	assert_int_equal(p->pst_published, 1781487000LL);	/* dc:date */

	p = f->fd_entries.pl_items[2];
	assert_string_equal(p->pst_title, "河川清掃ボランティア（逢妻川）");
	/* No <link>: a permalink guid stands in. */
	assert_string_equal(p->pst_link, SITE "2026/river.html");
	assert_int_equal(p->pst_published, 1780268400LL);
	assert_int_equal(p->pst_ncategories, 0);
	feed_free(f);

	/* Without the document's URL, the channel link is the base. */
	f = parse(doc, len, NULL);
	assert_string_equal(f->fd_entries.pl_items[1]->pst_link,
	    SITE "2026/salon.html");
	feed_free(f);
	free(doc);
}

static void
test_rss091(void **state)
{
	struct feed *f;
	size_t len;
	char *doc = fixture_read("rss091.xml", &len);

	f = parse(doc, len, NULL);
	assert_string_equal(f->fd_title, "刈谷市 市民活動センター");
	assert_int_equal(f->fd_entries.pl_len, 1);
	assert_string_equal(f->fd_entries.pl_items[0]->pst_link,
	    "https://katsudo.kariya.example.jp/news/42");
	assert_string_equal(f->fd_entries.pl_items[0]->pst_content_html,
	    "破れた本の修理をお手伝いください。");
	assert_int_equal(f->fd_entries.pl_items[0]->pst_published, 0);
	feed_free(f);
	free(doc);
}

static void
test_links_refused(void **state)
{
	struct feed *f;

	f = parse_str("<rss><channel><link>javascript:void(0)</link>"
	    "<item><title>a</title><link>javascript:alert(1)</link>"
	    "<guid>not-a-url</guid></item>"
	    "<item><title>b</title><link>relative.html</link></item>"
	    "<item><title>c</title><guid isPermaLink=\"false\">"
	    "https://example.jp/not/a/link</guid></item>"
	    "</channel></rss>");
	assert_null(f->fd_link);
	assert_int_equal(f->fd_entries.pl_len, 3);
	assert_null(f->fd_entries.pl_items[0]->pst_link);
	assert_string_equal(f->fd_entries.pl_items[0]->pst_guid, "not-a-url");
	/* Nothing to resolve against. */
	assert_null(f->fd_entries.pl_items[1]->pst_link);
	assert_null(f->fd_entries.pl_items[2]->pst_link);
	feed_free(f);
}

static void
test_odd_shapes(void **state)
{
	struct posting *p;
	struct feed *f;

	f = parse_str("<rss/>");
	assert_int_equal(f->fd_entries.pl_len, 0);
	assert_null(f->fd_title);
	feed_free(f);

	/* Items beside the channel (0.9x), xml:base, unknown dates. */
	f = parse_str("<rss xmlns:atom=\"http://www.w3.org/2005/Atom\" "
	    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
	    "<channel><title><![CDATA[ 市民 & 団体 ]]></title>"
	    "<atom:link rel=\"next\" href=\"https://x.example.jp/p2\"/>"
	    "<item/></channel>"
	    "<item xml:base=\"https://y.example.jp/a/\">"
	    "<title>x</title><link>b.html</link>"
	    "<pubDate>someday</pubDate><dc:date>2026-03-01</dc:date>"
	    "<category> </category><dc:subject>環境</dc:subject>"
	    "<unknown><title>not mine</title></unknown>"
	    "</item></rss>");
	assert_string_equal(f->fd_title, "市民 & 団体");
	assert_string_equal(f->fd_next, "https://x.example.jp/p2");
	assert_int_equal(f->fd_entries.pl_len, 1);	/* <item/> skipped */
	p = f->fd_entries.pl_items[0];
	assert_string_equal(p->pst_title, "x");
	assert_string_equal(p->pst_link, "https://y.example.jp/a/b.html");
	assert_int_equal(p->pst_published, 1772290800LL);
	assert_int_equal(p->pst_ncategories, 1);
	assert_string_equal(p->pst_categories[0], "環境");
	feed_free(f);
}

static void
test_userland_namespace(void **state)
{
	struct feed *f;

	f = parse_str("<rss xmlns=\"http://backend.userland.com/rss2\">"
	    "<channel><title>ns</title><item><title>清掃</title></item>"
	    "</channel></rss>");
	assert_string_equal(f->fd_title, "ns");
	assert_int_equal(f->fd_entries.pl_len, 1);
	assert_string_equal(f->fd_entries.pl_items[0]->pst_title, "清掃");
	feed_free(f);
}

/* Markup written raw instead of escaped is kept as markup. */
static void
test_raw_markup_description(void **state)
{
	struct feed *f;

	f = parse_str("<rss><channel><item><title>t</title>"
	    "<description>受付 <b>9時</b> &amp; <br/>"
	    "<a href=\"https://x.example.jp/?a=1&amp;b=2\">詳細</a>"
	    "</description></item></channel></rss>");
	assert_string_equal(f->fd_entries.pl_items[0]->pst_content_html,
	    "受付 <b>9時</b> &amp; <br/>"
	    "<a href=\"https://x.example.jp/?a=1&amp;b=2\">詳細</a>");
	feed_free(f);
}

static void
test_truncated_fails(void **state)
{
	const char doc[] = "<rss><channel><title>t</title><item><title>x"
	    "</title></item><item><title>cut here";
	struct feed *f = NULL;

	assert_int_equal(feed_parse(doc, strlen(doc), FEED_FORMAT_RSS, NULL,
	    &f, err, sizeof(err)), -1);
	assert_null(f);
	assert_non_null(strstr(err, "XML error"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kariya_channel_and_items),
		cmocka_unit_test(test_rss091),
		cmocka_unit_test(test_links_refused),
		cmocka_unit_test(test_odd_shapes),
		cmocka_unit_test(test_userland_namespace),
		cmocka_unit_test(test_raw_markup_description),
		cmocka_unit_test(test_truncated_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
