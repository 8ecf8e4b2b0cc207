/*
 * test_atom_write.c — the Atom writer: well-formed whatever the sources
 * say, the RFC 4287 elements present, and a lossless round trip through
 * atom.c of every _tsunagu field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "feed.h"
#include "writer.h"

#define T_UPDATED	1782961200LL	/* 2026-07-02T12:00:00+09:00 */

static char err[256];

static const struct feed_meta meta = {
	.fm_title = "刈谷市 ボランティア情報",
	.fm_self_url = "https://volunteer.example.jp/feeds/all.atom",
	.fm_home_url = "https://volunteer.example.jp/",
	.fm_hub_url = "https://volunteer.example.jp/hub",
	.fm_next_url = "https://volunteer.example.jp/feeds/all.atom?after=x",
	.fm_instance = "kariya",
	.fm_updated = T_UPDATED,
};

static struct posting *
full_posting(void)
{
	struct posting *p = posting_new();

	posting_set(&p->pst_id, "p-0001");
	p->pst_revision = 3;
	posting_set(&p->pst_title, "夏休み子どもボランティア体験");
	posting_set(&p->pst_link,
	    "https://www.city.kariya.example.jp/volunteer/summer.html?a=1&b=2");
	posting_set(&p->pst_content_html, "<p>福祉施設での体験 &amp; 交流</p>");
	posting_set(&p->pst_summary, "小学4年生から中学3年生まで");
	p->pst_published = 1782864000LL;
	p->pst_modified = 1782900000LL;
	posting_add_category(p, "welfare");
	posting_add_category(p, "子ども");
	posting_set(&p->pst_kind, "city");
	posting_set(&p->pst_organizer_name, "刈谷市ボランティア活動支援センター");
	posting_set(&p->pst_organizer_kind, "city");
	posting_set(&p->pst_start, "2026-07-25T09:30:00+09:00");
	posting_set(&p->pst_end, "2026-07-25T12:00:00+09:00");
	posting_set(&p->pst_deadline, "2026-07-20T17:00:00+09:00");
	posting_set(&p->pst_area, "232106");
	posting_set(&p->pst_place, "刈谷市総合福祉センター");
	posting_set(&p->pst_address, "愛知県刈谷市若松町3-1");
	p->pst_lat = 34.98912345678901;
	p->pst_lon = 137.0;
	p->pst_has_geo = 1;
	p->pst_capacity = 20;
	posting_set(&p->pst_fee, "無料");
	posting_set(&p->pst_contact_name, "ボランティア係");
	posting_set(&p->pst_contact_phone, "0566-00-0000");
	posting_set(&p->pst_contact_email, "volunteer@city.kariya.example.jp");
	posting_set(&p->pst_recurrence, "FREQ=MONTHLY;COUNT=3");
	p->pst_status = POSTING_CANCELLED;
	posting_set(&p->pst_duplicate_of, "p-0000");
	posting_add_ref(p, "kariya-city", "city",
	    "https://www.city.kariya.example.jp/volunteer/summer.html",
	    1782864300LL);
	posting_add_ref(p, "kariya-shakyo", "shakyo", NULL, 0);
	posting_set(&p->pst_origin_instance, "kariya");
	posting_set(&p->pst_origin_id, "p-0001");
	return p;
}

/* The text that sources should never send, and do. */
static struct posting *
hostile_posting(void)
{
	struct posting *p = posting_new();

	posting_set(&p->pst_id, "p-0002");
	posting_set(&p->pst_title,
	    "高齢者\x01サロン\x1b[0m\xff\xfe運営\xed\xa0\x80補助\xef\xbf\xbe]]>");
	posting_set(&p->pst_content_html,
	    "<script>alert(\"x\")</script>\x0b\x0c<![CDATA[ ]]> &nbsp; \xc0\xaf");
	posting_set(&p->pst_place, "\"quoted\" & <tagged> \t\n\r place");
	posting_set(&p->pst_organizer_name, "a\"b'c<d>&e\x02");
	posting_add_category(p, "\x7f\xc3");
	posting_add_ref(p, "src\x03", "civic", "https://x.example.jp/?q=\"'<>",
	    0);
	p->pst_all_day = 1;
	posting_set(&p->pst_start, "2026-08-01");
	posting_set(&p->pst_end, "2026-08-02");
	return p;
}

/* The output, checked well-formed and namespace-well-formed. */
static xmlDocPtr
write_and_reparse(struct posting *const *ps, size_t n, char **outp)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	struct buf b;

	buf_init(&b, 1 << 20);
	assert_int_equal(atom_write(&meta, ps, n, &b), 0);
	ctxt = xmlNewParserCtxt();
	doc = xmlCtxtReadMemory(ctxt, b.data, b.len, NULL, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || !ctxt->wellFormed || !ctxt->nsWellFormed)
		fail_msg("not well-formed:\n%s", b.data);
	xmlFreeParserCtxt(ctxt);
	*outp = buf_release(&b, NULL);
	return doc;
}

/* string(expr) over the document, with prefixes a: (Atom) and t:. */
static char *
xpath(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr obj;
	char buf[512], *s;

	xmlXPathRegisterNs(ctx, (const xmlChar *)"a",
	    (const xmlChar *)"http://www.w3.org/2005/Atom");
	xmlXPathRegisterNs(ctx, (const xmlChar *)"t",
	    (const xmlChar *)"urn:tsunagu:posting:1");
	snprintf(buf, sizeof(buf), "string(%s)", expr);
	obj = xmlXPathEvalExpression((const xmlChar *)buf, ctx);
	assert_non_null(obj);
	s = strdup((const char *)obj->stringval);
	xmlXPathFreeObject(obj);
	xmlXPathFreeContext(ctx);
	return s;
}

static void
expect_xpath(xmlDocPtr doc, const char *expr, const char *want)
{
	char *got = xpath(doc, expr);

	if (strcmp(got, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", expr, got, want);
	free(got);
}

static void
test_feed_elements(void **state)
{
	struct posting *ps[2];
	xmlDocPtr doc;
	char *out;

	ps[0] = full_posting();
	ps[1] = posting_new();		/* nothing known but the id */
	posting_set(&ps[1]->pst_id, "p-0009");
	doc = write_and_reparse(ps, 2, &out);
	expect_xpath(doc, "/a:feed/a:id", meta.fm_self_url);
	expect_xpath(doc, "/a:feed/a:title", meta.fm_title);
	expect_xpath(doc, "/a:feed/a:updated", "2026-07-02T12:00:00+09:00");
	expect_xpath(doc, "/a:feed/a:link[@rel='self']/@href",
	    meta.fm_self_url);
	expect_xpath(doc, "/a:feed/a:link[@rel='alternate']/@href",
	    meta.fm_home_url);
	expect_xpath(doc, "/a:feed/a:link[@rel='hub']/@href", meta.fm_hub_url);
	expect_xpath(doc, "/a:feed/a:link[@rel='next']/@href",
	    meta.fm_next_url);
	expect_xpath(doc, "/a:feed/a:author/a:name", "kariya");
	expect_xpath(doc, "/a:feed/a:generator", "tsunagu");
	expect_xpath(doc, "count(/a:feed/a:entry)", "2");
	expect_xpath(doc, "/a:feed/a:entry[1]/a:id",
	    "tag:tsunagu,2026:kariya/p-0001");
	expect_xpath(doc, "/a:feed/a:entry[1]/a:link[@rel='alternate']/@href",
	    ps[0]->pst_link);
	expect_xpath(doc, "/a:feed/a:entry[1]/a:published",
	    "2026-07-01T09:00:00+09:00");
	expect_xpath(doc, "/a:feed/a:entry[1]/a:updated",
	    "2026-07-01T19:00:00+09:00");
	expect_xpath(doc, "/a:feed/a:entry[1]/a:author/a:name",
	    ps[0]->pst_organizer_name);
	expect_xpath(doc, "/a:feed/a:entry[1]/a:category[2]/@term", "子ども");
	expect_xpath(doc, "/a:feed/a:entry[1]/a:content/@type", "html");
	expect_xpath(doc, "/a:feed/a:entry[1]/a:content",
	    ps[0]->pst_content_html);
	expect_xpath(doc, "/a:feed/a:entry[1]/t:lon", "137");
	expect_xpath(doc, "/a:feed/a:entry[1]/t:status", "cancelled");
	expect_xpath(doc, "/a:feed/a:entry[1]/t:source[1]/@fetched",
	    "2026-07-01T09:05:00+09:00");
	/* The bare posting: still a valid entry (title, updated, content). */
	expect_xpath(doc, "count(/a:feed/a:entry[2]/a:title)", "1");
	expect_xpath(doc, "/a:feed/a:entry[2]/a:updated",
	    "2026-07-02T12:00:00+09:00");
	expect_xpath(doc, "count(/a:feed/a:entry[2]/a:content)", "1");
	expect_xpath(doc, "count(/a:feed/a:entry[2]/a:link)", "0");
	expect_xpath(doc, "count(/a:feed/a:entry[2]/t:capacity)", "0");
	expect_xpath(doc, "/a:feed/a:entry[2]/t:all_day", "false");
	assert_non_null(strstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
	xmlFreeDoc(doc);
	free(out);
	posting_free(ps[0]);
	posting_free(ps[1]);
}

static void
test_hostile_text_stays_well_formed(void **state)
{
	struct posting *p = hostile_posting();
	xmlDocPtr doc;
	char *out;

	doc = write_and_reparse(&p, 1, &out);
	/* A surrogate is three bad bytes: three U+FFFD (maximal subparts). */
	expect_xpath(doc, "/a:feed/a:entry/a:title",
	    "高齢者サロン[0m\xef\xbf\xbd\xef\xbf\xbd運営"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd補助]]>");
	expect_xpath(doc, "/a:feed/a:entry/a:content",
	    "<script>alert(\"x\")</script><![CDATA[ ]]> &nbsp; "
	    "\xef\xbf\xbd\xef\xbf\xbd");
	expect_xpath(doc, "/a:feed/a:entry/t:place",
	    "\"quoted\" & <tagged> \t\n\r place");
	expect_xpath(doc, "/a:feed/a:entry/t:organizer/@name", "a\"b'c<d>&e");
	expect_xpath(doc, "/a:feed/a:entry/t:category", "\x7f\xef\xbf\xbd");
	expect_xpath(doc, "/a:feed/a:entry/t:source/@source", "src");
	expect_xpath(doc, "/a:feed/a:entry/t:start", "2026-08-01");
	expect_xpath(doc, "/a:feed/a:entry/t:all_day", "true");
	xmlFreeDoc(doc);
	free(out);
	posting_free(p);
}

static void
assert_str_eq_opt(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/* atom.c reads back what atom_write() wrote, field for field. */
static void
test_round_trip(void **state)
{
	struct posting *ps[2], *a, *b;
	struct feed *f = NULL;
	struct buf out;
	size_t i, k;

	ps[0] = full_posting();
	ps[1] = hostile_posting();
	buf_init(&out, 1 << 20);
	assert_int_equal(atom_write(&meta, ps, 2, &out), 0);
	assert_int_equal(feed_parse(out.data, out.len, FEED_FORMAT_AUTO, NULL,
	    &f, err, sizeof(err)), 0);
	assert_int_equal(f->fd_format, FEED_FORMAT_ATOM);
	assert_string_equal(f->fd_title, meta.fm_title);
	assert_string_equal(f->fd_self, meta.fm_self_url);
	assert_string_equal(f->fd_link, meta.fm_home_url);
	assert_string_equal(f->fd_hub, meta.fm_hub_url);
	assert_string_equal(f->fd_next, meta.fm_next_url);
	assert_int_equal(f->fd_entries.pl_len, 2);

	a = ps[0];
	b = f->fd_entries.pl_items[0];
	assert_string_equal(b->pst_guid, "tag:tsunagu,2026:kariya/p-0001");
	assert_str_eq_opt(a->pst_id, b->pst_id);
	assert_int_equal(a->pst_revision, b->pst_revision);
	assert_str_eq_opt(a->pst_title, b->pst_title);
	assert_str_eq_opt(a->pst_link, b->pst_link);
	assert_str_eq_opt(a->pst_content_html, b->pst_content_html);
	assert_str_eq_opt(a->pst_summary, b->pst_summary);
	assert_int_equal(a->pst_published, b->pst_published);
	assert_int_equal(a->pst_modified, b->pst_modified);
	assert_int_equal(a->pst_ncategories, b->pst_ncategories);
	for (i = 0; i < a->pst_ncategories; i++)
		assert_string_equal(a->pst_categories[i],
		    b->pst_categories[i]);
	assert_str_eq_opt(a->pst_kind, b->pst_kind);
	assert_str_eq_opt(a->pst_organizer_name, b->pst_organizer_name);
	assert_str_eq_opt(a->pst_organizer_kind, b->pst_organizer_kind);
	assert_str_eq_opt(a->pst_start, b->pst_start);
	assert_str_eq_opt(a->pst_end, b->pst_end);
	assert_int_equal(a->pst_all_day, b->pst_all_day);
	assert_str_eq_opt(a->pst_deadline, b->pst_deadline);
	assert_str_eq_opt(a->pst_area, b->pst_area);
	assert_str_eq_opt(a->pst_place, b->pst_place);
	assert_str_eq_opt(a->pst_address, b->pst_address);
	assert_int_equal(a->pst_has_geo, b->pst_has_geo);
	assert_true(a->pst_lat == b->pst_lat);
	assert_true(a->pst_lon == b->pst_lon);
	assert_int_equal(a->pst_capacity, b->pst_capacity);
	assert_str_eq_opt(a->pst_fee, b->pst_fee);
	assert_str_eq_opt(a->pst_contact_name, b->pst_contact_name);
	assert_str_eq_opt(a->pst_contact_phone, b->pst_contact_phone);
	assert_str_eq_opt(a->pst_contact_email, b->pst_contact_email);
	assert_str_eq_opt(a->pst_recurrence, b->pst_recurrence);
	assert_int_equal(a->pst_status, b->pst_status);
	assert_str_eq_opt(a->pst_duplicate_of, b->pst_duplicate_of);
	assert_int_equal(a->pst_nrefs, b->pst_nrefs);
	for (k = 0; k < a->pst_nrefs; k++) {
		assert_str_eq_opt(a->pst_refs[k].ref_source,
		    b->pst_refs[k].ref_source);
		assert_str_eq_opt(a->pst_refs[k].ref_kind,
		    b->pst_refs[k].ref_kind);
		assert_str_eq_opt(a->pst_refs[k].ref_url,
		    b->pst_refs[k].ref_url);
		assert_int_equal(a->pst_refs[k].ref_fetched,
		    b->pst_refs[k].ref_fetched);
	}
	assert_str_eq_opt(a->pst_origin_instance, b->pst_origin_instance);
	assert_str_eq_opt(a->pst_origin_id, b->pst_origin_id);

	/* Hostile text comes back sanitized, not lost. */
	b = f->fd_entries.pl_items[1];
	assert_string_equal(b->pst_title,
	    "高齢者サロン[0m\xef\xbf\xbd\xef\xbf\xbd運営"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd補助]]>");
	assert_string_equal(b->pst_place,
	    "\"quoted\" & <tagged> \t\n\r place");
	assert_true(b->pst_all_day);
	assert_int_equal(b->pst_capacity, -1);
	assert_null(b->pst_link);
	feed_free(f);
	buf_free(&out);
	posting_free(ps[0]);
	posting_free(ps[1]);
}

static void
test_bounded_and_edges(void **state)
{
	struct feed_meta m = { 0 };
	struct posting *p = full_posting();
	struct buf b;
	xmlDocPtr doc;
	char *id, *out;

	/* The buffer refuses: -1 and the buffer as it was. */
	buf_init(&b, 600);
	assert_int_equal(buf_puts(&b, "keep"), 0);
	assert_int_equal(atom_write(&meta, &p, 1, &b), -1);
	assert_string_equal(b.data, "keep");
	buf_free(&b);

	/* No meta at all, no postings: still an Atom feed. */
	buf_init(&b, 1 << 16);
	assert_int_equal(atom_write(&m, NULL, 0, &b), 0);
	doc = xmlReadMemory(b.data, b.len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	expect_xpath(doc, "/a:feed/a:id", "tag:tsunagu,2026:tsunagu/feed");
	expect_xpath(doc, "/a:feed/a:updated", "1970-01-01T09:00:00+09:00");
	xmlFreeDoc(doc);
	buf_free(&b);

	/* fm_updated unknown: the newest posting's date. */
	m.fm_instance = "kariya";
	buf_init(&b, 1 << 16);
	assert_int_equal(atom_write(&m, &p, 1, &b), 0);
	out = b.data;
	assert_non_null(strstr(out,
	    "<updated>2026-07-01T19:00:00+09:00</updated>"));
	buf_free(&b);

	id = atom_entry_id("kariya", "p 1/\xc3\xa4");
	assert_string_equal(id, "tag:tsunagu,2026:kariya/p%201/%C3%A4");
	free(id);
	posting_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_elements),
		cmocka_unit_test(test_hostile_text_stays_well_formed),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bounded_and_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
