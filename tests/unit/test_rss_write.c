/*
 * test_rss_write.c — RSS 2.0: well-formed whatever the sources say, the
 * channel and item elements RSS requires, paging and hub links through
 * atom:link, and the t:* extension per item.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "writer.h"

static const struct feed_meta meta = {
	.fm_title = "刈谷市 ボランティア情報",
	.fm_self_url = "https://volunteer.example.jp/feeds/all.rss?kind=city",
	.fm_home_url = "https://volunteer.example.jp",
	.fm_hub_url = "https://volunteer.example.jp/hub",
	.fm_next_url = "https://volunteer.example.jp/feeds/all.rss?after=1.p",
	.fm_instance = "kariya",
	.fm_updated = 1782961200LL,
};

static struct posting *
plain(void)
{
	struct posting *p = posting_new();

	posting_set(&p->pst_id, "p0001");
	p->pst_revision = 2;
	posting_set(&p->pst_title, "高齢者サロンの運営補助");
	posting_set(&p->pst_link, "https://example.jp/salon?a=1&b=2");
	posting_set(&p->pst_content_html, "<p>お茶出し &amp; 体操</p>");
	p->pst_published = 1781487000LL;
	p->pst_modified = 1782900000LL;
	posting_add_category(p, "welfare");
	posting_set(&p->pst_kind, "shakyo");
	posting_set(&p->pst_area, "232106");
	posting_set(&p->pst_origin_instance, "kariya");
	posting_set(&p->pst_origin_id, "p0001");
	return p;
}

/* What sources send: controls, CR, invalid bytes, "]]>", long lines. */
static struct posting *
hostile(void)
{
	struct posting *p = posting_new();
	char *longline = malloc(20001);

	memset(longline, 'a', 20000);
	longline[20000] = '\0';
	posting_set(&p->pst_id, "p<&>\"'0002");
	posting_set(&p->pst_title, "line1\r\nline2\rline3\x01\x1b\x7f]]>"
	    "<script>&amp;\xff\xfe end");
	posting_set(&p->pst_summary, "=cmd|'/c calc'!A0 ]]> <![CDATA[x]]>");
	posting_set(&p->pst_content_html, longline);
	posting_set(&p->pst_place, "\x02場所\r\n");
	posting_add_category(p, "a\"b<c>\x03");
	posting_add_ref(p, "src\n", "city", "https://x/?a=\"1\"&b\r\n", 1);
	free(longline);
	return p;
}

static xmlDocPtr
write_parse(struct posting **ps, size_t n, char **text)
{
	struct buf b;
	xmlDocPtr doc;

	buf_init(&b, 16 << 20);
	assert_int_equal(rss_write(&meta, ps, n, &b), 0);
	/* No recovery: one error anywhere fails the test. */
	doc = xmlReadMemory(b.data, (int)b.len, NULL, "UTF-8",
	    XML_PARSE_NONET);
	if (doc == NULL)
		fail_msg("not well-formed:\n%s", b.data);
	*text = b.data;
	return doc;
}

static char *
xpath_str(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	char *s;

	xmlXPathRegisterNs(ctx, (const xmlChar *)"atom",
	    (const xmlChar *)"http://www.w3.org/2005/Atom");
	xmlXPathRegisterNs(ctx, (const xmlChar *)"t",
	    (const xmlChar *)"urn:tsunagu:posting:1");
	o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	assert_non_null(o);
	s = (char *)xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return s;
}

static void
assert_xpath(xmlDocPtr doc, const char *expr, const char *want)
{
	char *got = xpath_str(doc, expr);

	if (strcmp(got, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", expr, got, want);
	xmlFree(got);
}

static void
test_channel_and_item(void **state)
{
	struct posting *ps[] = { plain() };
	char *text;
	xmlDocPtr doc = write_parse(ps, 1, &text);

	assert_xpath(doc, "string(/rss/@version)", "2.0");
	assert_xpath(doc, "string(/rss/channel/title)", meta.fm_title);
	assert_xpath(doc, "string(/rss/channel/link)", meta.fm_home_url);
	assert_xpath(doc, "count(/rss/channel/description)", "1");
	assert_xpath(doc, "string(/rss/channel/lastBuildDate)",
	    "Thu, 02 Jul 2026 03:00:00 GMT");
	assert_xpath(doc, "string(/rss/channel/atom:link[@rel='self']/@href)",
	    meta.fm_self_url);
	assert_xpath(doc, "string(/rss/channel/atom:link[@rel='next']/@href)",
	    meta.fm_next_url);
	assert_xpath(doc, "string(/rss/channel/atom:link[@rel='hub']/@href)",
	    meta.fm_hub_url);
	assert_xpath(doc, "count(/rss/channel/item)", "1");
	assert_xpath(doc, "string(//item/title)", "高齢者サロンの運営補助");
	assert_xpath(doc, "string(//item/link)",
	    "https://example.jp/salon?a=1&b=2");
	assert_xpath(doc, "string(//item/description)",
	    "<p>お茶出し &amp; 体操</p>");
	assert_xpath(doc, "string(//item/guid)",
	    "tag:tsunagu,2026:kariya/p0001");
	assert_xpath(doc, "string(//item/guid/@isPermaLink)", "false");
	assert_xpath(doc, "string(//item/pubDate)",
	    "Mon, 15 Jun 2026 01:30:00 GMT");
	assert_xpath(doc, "string(//item/category)", "welfare");
	assert_xpath(doc, "string(//item/t:revision)", "2");
	assert_xpath(doc, "string(//item/t:area)", "232106");
	assert_xpath(doc, "string(//item/t:origin/@instance)", "kariya");
	xmlFreeDoc(doc);
	free(text);
	posting_free(ps[0]);
}

static void
test_hostile_text_stays_text(void **state)
{
	struct posting *ps[] = { hostile(), plain() };
	char *text;
	xmlDocPtr doc = write_parse(ps, 2, &text);

	assert_xpath(doc, "count(/rss/channel/item)", "2");
	/* CR survives as a character reference; controls XML forbids go
	 * (DEL is allowed); invalid bytes become U+FFFD. */
	assert_xpath(doc, "string(//item[1]/title)", "line1\r\nline2\rline3"
	    "\x7f]]><script>&amp;\xef\xbf\xbd\xef\xbf\xbd end");
	assert_xpath(doc, "string(//item[1]/t:title)", "line1\r\nline2\rline3"
	    "\x7f]]><script>&amp;\xef\xbf\xbd\xef\xbf\xbd end");
	assert_null(strstr(text, "]]>"));
	assert_null(strstr(text, "<script>"));
	assert_xpath(doc, "string(//item[1]/t:place)", "場所\r\n");
	assert_xpath(doc, "string(//item[1]/t:source/@url)",
	    "https://x/?a=\"1\"&b\r\n");
	assert_xpath(doc, "string(//item[1]/t:source/@source)", "src\n");
	assert_xpath(doc, "string-length(//item[1]/description)", "20000");
	assert_xpath(doc, "string(//item[1]/guid)",
	    "tag:tsunagu,2026:kariya/p%3C&%3E%22'0002");
	/* Without content, the summary is the description, as HTML. */
	free(ps[0]->pst_content_html);
	ps[0]->pst_content_html = NULL;
	xmlFreeDoc(doc);
	free(text);
	doc = write_parse(ps, 1, &text);
	assert_xpath(doc, "string(//item/description)",
	    "=cmd|&#39;/c calc&#39;!A0 ]]&gt; &lt;![CDATA[x]]&gt;");
	xmlFreeDoc(doc);
	free(text);
	posting_free(ps[0]);
	posting_free(ps[1]);
}

static void
test_bounded(void **state)
{
	struct posting *ps[] = { hostile() };
	struct buf b;

	buf_init(&b, 1024);
	assert_int_equal(rss_write(&meta, ps, 1, &b), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	posting_free(ps[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_channel_and_item),
		cmocka_unit_test(test_hostile_text_stays_text),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
