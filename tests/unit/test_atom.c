/* test_atom.c — Atom 1.0 and the tsunagu extension into postings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feed.h"
#include "feeds_testutil.h"

#define SHAKYO	"https://shakyo.kariya.example.jp/"
#define HEAD	"<feed xmlns=\"http://www.w3.org/2005/Atom\">"

static char err[256];

static struct feed *
parse(const char *doc, size_t len, const char *base)
{
	struct feed_parse_opts opts = { .base_url = base };
	struct feed *f = NULL;

	if (feed_parse(doc, len, FEED_FORMAT_ATOM, &opts, &f, err,
	    sizeof(err)) != 0)
		fail_msg("parse failed: %s", err);
	return f;
}

static void
test_kariya_feed(void **state)
{
	struct posting *p;
	struct feed *f;
	size_t len;
	char *doc = fixture_read("kariya-atom.xml", &len);

	f = parse(doc, len, NULL);
	assert_string_equal(f->fd_title,
	    "刈谷市社会福祉協議会 ボランティアセンター");
	assert_string_equal(f->fd_link, SHAKYO "center/");
	assert_string_equal(f->fd_self, SHAKYO "center/feed.atom");
	assert_string_equal(f->fd_hub, "https://hub.example.jp/");
	assert_string_equal(f->fd_next, SHAKYO "feed.atom?page=2");
	assert_int_equal(f->fd_entries.pl_len, 3);

	/* Nested xml:base: the entry's base over the feed's. */
	p = f->fd_entries.pl_items[0];
	assert_string_equal(p->pst_guid,
	    "urn:uuid:6f1c3c3e-1f0a-4e59-9a3b-6b8f6f6b0001");
	assert_string_equal(p->pst_title, "傾聴ボランティア養成講座");
	assert_string_equal(p->pst_link,
	    SHAKYO "volunteer/2026/listening.html");
	assert_int_equal(p->pst_published, 1781913600LL);
	assert_int_equal(p->pst_modified, 1782376200LL);
	assert_int_equal(p->pst_ncategories, 2);
	assert_string_equal(p->pst_categories[0], "welfare");
	assert_string_equal(p->pst_categories[1], "講座");
	assert_string_equal(p->pst_summary,
	    "全5回の講座で、高齢者の話を聴くボランティアを養成します。");
	/* type="text" becomes escaped HTML. */
	assert_string_equal(p->pst_content_html,
	    "会場：刈谷市総合福祉センター 2階\n持ち物：筆記用具 &amp; 上履き");

	p = f->fd_entries.pl_items[1];
	assert_string_equal(p->pst_title, "災害ボランティアセンター設置訓練");
	assert_string_equal(p->pst_content_html,
	    "<p>訓練日：<strong>9月1日</strong>（防災の日）</p>"
	    "<p>集合：刈谷市役所</p>");
	/* published falls back to updated. */
	assert_int_equal(p->pst_published, 1782900000LL);
	assert_int_equal(p->pst_modified, 1782900000LL);
	assert_null(p->pst_summary);
	feed_free(f);
	free(doc);
}

static void
test_tsunagu_extension(void **state)
{
	struct posting *p;
	struct feed *f;
	size_t len;
	char *doc = fixture_read("kariya-atom.xml", &len);

	f = parse(doc, len, NULL);
	p = f->fd_entries.pl_items[2];
	assert_string_equal(p->pst_guid, "tag:tsunagu,2026:toyota/p-0003");
	assert_string_equal(p->pst_id, "p-0003");
	assert_int_equal(p->pst_revision, 4);
	assert_string_equal(p->pst_kind, "shakyo");
	assert_string_equal(p->pst_organizer_name, "豊田市社会福祉協議会");
	assert_string_equal(p->pst_organizer_kind, "shakyo");
	assert_string_equal(p->pst_start, "2026-07-18T10:00:00+09:00");
	assert_string_equal(p->pst_end, "2026-07-18T15:00:00+09:00");
	assert_false(p->pst_all_day);
	assert_string_equal(p->pst_area, "232114");
	assert_string_equal(p->pst_place, "豊田市福祉センター");
	assert_null(p->pst_address);
	assert_true(p->pst_has_geo);
	assert_true(p->pst_lat == 35.0824);
	assert_true(p->pst_lon == 137.1563);
	assert_int_equal(p->pst_ncategories, 1);
	assert_string_equal(p->pst_categories[0], "food");
	assert_int_equal(p->pst_capacity, 10);
	assert_int_equal(p->pst_status, POSTING_OPEN);
	assert_int_equal(p->pst_nrefs, 1);
	assert_string_equal(p->pst_refs[0].ref_source, "toyota-shakyo");
	assert_string_equal(p->pst_refs[0].ref_kind, "shakyo");
	assert_string_equal(p->pst_refs[0].ref_url,
	    "https://shakyo.toyota.example.jp/news/3");
	assert_int_equal(p->pst_refs[0].ref_fetched, 1782860700LL);
	assert_string_equal(p->pst_origin_instance, "toyota");
	assert_string_equal(p->pst_origin_id, "p-0003");
	assert_string_equal(p->pst_content_html,
	    "<p>食品の受付と仕分けをお願いします。</p>");
	feed_free(f);
	free(doc);
}

static void
test_base_url_and_links(void **state)
{
	const char doc[] = HEAD
	    "<link href=\"/\"/>"
	    "<entry><id>1</id><title>a</title>"
	    "<link rel=\"related\" href=\"related.html\"/>"
	    "<link rel=\"alternate\" href=\"detail/1.html\"/>"
	    "<link href=\"second.html\"/>"
	    "<content src=\"https://x.example.jp/c.html\" type=\"text/html\"/>"
	    "</entry>"
	    "<entry><id>2</id><title type=\"html\">&lt;b&gt;A&amp;amp;B"
	    "&lt;/b&gt;</title><link href=\"javascript:alert(1)\"/>"
	    "<content type=\"image/png\">iVBORw0KGgo=</content>"
	    "<content type=\"html\">&lt;p&gt;second&lt;/p&gt;</content>"
	    "</entry></feed>";
	struct posting *p;
	struct feed *f;

	f = parse(doc, strlen(doc), "https://feeds.example.jp/v/all.atom");
	assert_string_equal(f->fd_link, "https://feeds.example.jp/");
	p = f->fd_entries.pl_items[0];
	assert_string_equal(p->pst_link,
	    "https://feeds.example.jp/v/detail/1.html");
	assert_null(p->pst_content_html);	/* out of line */
	p = f->fd_entries.pl_items[1];
	assert_string_equal(p->pst_title, "A&B");
	assert_null(p->pst_link);
	assert_string_equal(p->pst_content_html, "<p>second</p>");
	feed_free(f);
}

static void
test_atom_categories_unless_extension(void **state)
{
	const char doc[] = HEAD
	    "<entry><id>1</id><category term=\"welfare\"/>"
	    "<category term=\"\"/><category label=\"no term\"/>"
	    "<t:category xmlns:t=\"urn:tsunagu:posting:1\">環境</t:category>"
	    "</entry>"
	    "<entry><id>2</id><category term=\"welfare\"/>"
	    "<t:status xmlns:t=\"urn:tsunagu:posting:1\">withdrawn</t:status>"
	    "<t:capacity xmlns:t=\"urn:tsunagu:posting:1\">many</t:capacity>"
	    "<t:all_day xmlns:t=\"urn:tsunagu:posting:1\">true</t:all_day>"
	    "<t:unknown xmlns:t=\"urn:tsunagu:posting:1\">x</t:unknown>"
	    "</entry></feed>";
	struct posting *p;
	struct feed *f;

	f = parse(doc, strlen(doc), NULL);
	p = f->fd_entries.pl_items[0];
	assert_int_equal(p->pst_ncategories, 1);
	assert_string_equal(p->pst_categories[0], "環境");
	p = f->fd_entries.pl_items[1];
	assert_int_equal(p->pst_ncategories, 1);
	assert_string_equal(p->pst_categories[0], "welfare");
	assert_int_equal(p->pst_status, POSTING_WITHDRAWN);
	assert_int_equal(p->pst_capacity, -1);	/* not a number: unknown */
	assert_true(p->pst_all_day);
	assert_int_equal(p->pst_published, 0);
	feed_free(f);
}

/* Atom 0.3: its namespace, content modes, issued/modified/created. */
static void
test_atom03(void **state)
{
	const char doc[] =
	    "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">"
	    "<title type=\"text/html\" mode=\"escaped\">&lt;b&gt;刈谷&lt;/b&gt;"
	    "</title><link rel=\"alternate\" type=\"text/html\" "
	    "href=\"http://example.jp/\"/>"
	    "<entry><title>escaped</title><id>tag:example.jp,2004:1</id>"
	    "<link rel=\"alternate\" href=\"http://example.jp/1\"/>"
	    "<issued>2004-01-01T09:00:00+09:00</issued>"
	    "<modified>2004-01-02T00:00:00Z</modified>"
	    "<content type=\"text/html\" mode=\"escaped\">&lt;p&gt;a&lt;/p&gt;"
	    "</content></entry>"
	    "<entry><title>inline</title><created>2004-01-03T00:00:00Z"
	    "</created><content type=\"application/xhtml+xml\">"
	    "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>b</p></div>"
	    "</content><summary type=\"text/html\"><b xmlns=\"http://www.w3"
	    ".org/1999/xhtml\">x &amp;lt; y</b></summary></entry>"
	    "<entry><title>base64</title><content mode=\"base64\" "
	    "type=\"text/html\">PHA+YzwvcD4=</content></entry></feed>";
	struct feed *f = parse(doc, strlen(doc), NULL);
	const struct posting *p;

	assert_string_equal(f->fd_title, "刈谷");
	assert_string_equal(f->fd_link, "http://example.jp/");
	assert_int_equal(f->fd_entries.pl_len, 3);
	p = f->fd_entries.pl_items[0];
	assert_string_equal(p->pst_guid, "tag:example.jp,2004:1");
	assert_string_equal(p->pst_link, "http://example.jp/1");
	assert_string_equal(p->pst_content_html, "<p>a</p>");
	assert_int_equal(p->pst_published, 1072915200LL);
	assert_int_equal(p->pst_modified, 1073001600LL);
	p = f->fd_entries.pl_items[1];
	assert_string_equal(p->pst_content_html, "<p>b</p>");
	assert_string_equal(p->pst_summary, "x &lt; y");
	assert_int_equal(p->pst_published, 1073088000LL);
	p = f->fd_entries.pl_items[2];
	assert_string_equal(p->pst_content_html, "<p>c</p>");
	feed_free(f);
}

/* Opaque media types are not published: no base64 as text. */
static void
test_opaque_content(void **state)
{
	const char doc[] = "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
	    "<entry><title type=\"application/octet-stream\">PHA+YzwvcD4="
	    "</title><content type=\"application/octet-stream\">PHA+YzwvcD4="
	    "</content><summary type=\"html\">&lt;img alt=\"a&gt;b\"&gt;"
	    "tag &amp;amp; text</summary></entry></feed>";
	struct feed *f = parse(doc, strlen(doc), NULL);
	const struct posting *p = f->fd_entries.pl_items[0];

	assert_null(p->pst_title);
	assert_null(p->pst_content_html);
	/* The text a reader sees: '>' in an attribute ends no tag. */
	assert_string_equal(p->pst_summary, "tag & text");
	feed_free(f);
}

static void
test_not_atom(void **state)
{
	const char old[] = "<feed xmlns=\"http://example.org/not-atom\"/>";
	struct feed *f = NULL;

	assert_int_equal(feed_parse(old, strlen(old), FEED_FORMAT_ATOM, NULL,
	    &f, err, sizeof(err)), -1);
	assert_string_equal(err, "not an Atom feed: root element <feed>");
	assert_null(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kariya_feed),
		cmocka_unit_test(test_tsunagu_extension),
		cmocka_unit_test(test_base_url_and_links),
		cmocka_unit_test(test_atom_categories_unless_extension),
		cmocka_unit_test(test_atom03),
		cmocka_unit_test(test_opaque_content),
		cmocka_unit_test(test_not_atom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
