/*
 * test_charset.c — the decode stage: labels, the order in which the
 * charset is chosen, the Japanese charsets (CP932's ① and ㈱ must
 * survive), invalid bytes replaced and counted, bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "charset.h"
#include "feed.h"
#include "feeds_testutil.h"

static char err[256];

/* ①㈱髙 刈谷市 in CP932, EUC-JP-MS and UTF-8. */
#define CP932_TEXT	"\x87\x40\x87\x8a\xfb\xfc \x8a\xa0\x92\x4a\x8e\x73"
#define EUCJP_TEXT	"\xad\xa1\xad\xea\x8f\xf4\xfb \xb4\xa2\xc3\xab\xbb\xd4"
#define UTF8_TEXT	"①㈱髙 刈谷市"

static struct charset_result
decode(const char *data, size_t len, const char *http, const char *over)
{
	struct charset_result r;

	if (charset_decode(data, len, http, over, &r, err, sizeof(err)) != 0)
		fail_msg("decode failed: %s", err);
	assert_non_null(r.cr_data);
	assert_int_equal(r.cr_data[r.cr_len], '\0');
	return r;
}

static void
expect(const char *data, size_t len, const char *http, const char *over,
    const char *want, const char *charset, size_t replaced)
{
	struct charset_result r = decode(data, len, http, over);

	assert_string_equal(r.cr_data, want);
	assert_string_equal(r.cr_charset, charset);
	assert_int_equal(r.cr_replaced, replaced);
	free(r.cr_data);
}

static void
test_labels(void **state)
{
	static const struct {
		const char	*label, *want;
	} cases[] = {
		{ "Shift_JIS", "CP932" }, { "SJIS", "CP932" },
		{ "x-sjis", "CP932" }, { "MS_Kanji", "CP932" },
		{ "Windows-31J", "CP932" }, { "cp932", "CP932" },
		{ "EUC-JP", "EUC-JP" }, { "x-euc-jp", "EUC-JP" },
		{ "ISO-2022-JP", "ISO-2022-JP" },
		{ "iso-2022-jp-2", "ISO-2022-JP" },
		{ "ISO-2022-JP-3", "ISO-2022-JP" },
		{ "utf8", "UTF-8" }, { "UTF-8", "UTF-8" },
		{ "utf-16", "UTF-16" }, { "UTF-16LE", "UTF-16LE" },
		{ "latin1", "ISO-8859-1" }, { "windows-1252", "WINDOWS-1252" },
		{ "us-ascii", "US-ASCII" }, { "gb2312", "GB18030" },
		{ "\"Shift_JIS\"", "CP932" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (charset_lookup(cases[i].label) == NULL ||
		    strcmp(charset_lookup(cases[i].label), cases[i].want) != 0)
			fail_msg("label '%s'", cases[i].label);
	}
	assert_null(charset_lookup("auto"));
	assert_null(charset_lookup("bogus"));
	assert_null(charset_lookup(""));
	assert_null(charset_lookup(NULL));
	assert_null(charset_lookup("shift_jis_and_a_very_long_label_"
	    "that_goes_on_and_on"));
}

static void
test_content_type(void **state)
{
	static const struct {
		const char	*ct, *want;
	} cases[] = {
		{ "text/xml; charset=Shift_JIS", "Shift_JIS" },
		{ "application/rss+xml;charset=\"EUC-JP\"", "EUC-JP" },
		{ "text/xml;charset= 'us-ascii'", "us-ascii" },
		{ "text/xml;charset = us-ascii", "us-ascii" },
		{ "text/xml; q=1; CHARSET=utf-8; x=y", "utf-8" },
		{ "text/xml; x=\"a;charset=no\"; charset=yes", "yes" },
		{ "text/xml", NULL },
		{ "text/xml;", NULL },
		{ "text/xml; charset:iso-8859-1", NULL },
		{ "text/xml; charset=", NULL },
	};
	char buf[64];
	const char *got;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = charset_from_content_type(cases[i].ct, buf, sizeof(buf));
		if (cases[i].want == NULL ? got != NULL :
		    (got == NULL || strcmp(got, cases[i].want) != 0))
			fail_msg("'%s' gave '%s'", cases[i].ct,
			    got ? got : "(null)");
	}
	assert_null(charset_from_content_type(NULL, buf, sizeof(buf)));
	assert_null(charset_from_content_type("text/xml; charset=Shift_JIS",
	    buf, 4));
}

static void
test_japanese(void **state)
{
	const char sjis[] = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>"
	    "<r>" CP932_TEXT "</r>";
	const char euc[] = "<?xml version='1.0' encoding='EUC-JP'?>"
	    "<r>" EUCJP_TEXT "</r>";
	/* CP50220: ① is NEC row 13, which glibc's ISO-2022-JP refuses. */
	const char jis[] = "<r>\x1b$B-!-j\x1b(B \x1b$B4\"C+;T\x1b(B</r>";

	expect(sjis, strlen(sjis), NULL, NULL, "<?xml version=\"1.0\" "
	    "encoding=\"Shift_JIS\"?><r>" UTF8_TEXT "</r>", "CP932", 0);
	expect(euc, strlen(euc), NULL, NULL, "<?xml version='1.0' "
	    "encoding='EUC-JP'?><r>" UTF8_TEXT "</r>", "EUC-JP", 0);
	/* Found by its escape sequences; then declared. */
	expect(jis, strlen(jis), NULL, NULL, "<r>①㈱ 刈谷市</r>",
	    "ISO-2022-JP", 0);
	expect(jis, strlen(jis), "iso-2022-jp", NULL, "<r>①㈱ 刈谷市</r>",
	    "ISO-2022-JP", 0);
	/* Undeclared: the guess tells CP932 from EUC-JP. */
	expect("<r>" CP932_TEXT "</r>", strlen(CP932_TEXT) + 7, NULL, NULL,
	    "<r>" UTF8_TEXT "</r>", "CP932", 0);
	expect("<r>" EUCJP_TEXT "</r>", strlen(EUCJP_TEXT) + 7, NULL, NULL,
	    "<r>" UTF8_TEXT "</r>", "EUC-JP", 0);
	/* The wave dash as Windows maps it, in both. */
	expect("\x81\x60", 2, "Shift_JIS", NULL, "～", "CP932", 0);
	expect("\xa1\xc1", 2, "EUC-JP", NULL, "～", "EUC-JP", 0);
}

static void
test_lying_declarations(void **state)
{
	const char utf8[] = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>"
	    "<r>" UTF8_TEXT "</r>";
	const char cp932[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<r>" CP932_TEXT "</r>";
	struct charset_result r;

	/* Valid UTF-8 is UTF-8, whatever the declaration or HTTP says. */
	expect(utf8, strlen(utf8), NULL, NULL, utf8, "UTF-8", 0);
	expect(utf8, strlen(utf8), "EUC-JP", NULL, utf8, "UTF-8", 0);
	/* "UTF-8" over text that is mostly invalid: the text wins. */
	r = decode(cp932, strlen(cp932), NULL, NULL);
	assert_string_equal(r.cr_charset, "CP932");
	assert_int_equal(r.cr_source, CHARSET_FROM_GUESS);
	assert_non_null(strstr(r.cr_data, "<r>" UTF8_TEXT "</r>"));
	free(r.cr_data);
	/* One stray byte in UTF-8 text is a stray byte. */
	expect("<r>刈谷市\xff社会福祉協議会</r>", 38, "utf-8", NULL,
	    "<r>刈谷市\xef\xbf\xbd社会福祉協議会</r>", "UTF-8", 1);
	/* The override wins over everything. */
	expect(cp932, strlen(cp932), "ISO-8859-1", "Shift_JIS",
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><r>" UTF8_TEXT "</r>",
	    "CP932", 0);
}

static void
test_precedence(void **state)
{
	const char sjis[] = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>"
	    "<r>" CP932_TEXT "</r>";
	const char latin[] = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>"
	    "<r>caf\xe9</r>";
	const char meta[] = "<html><head><meta http-equiv=\"Content-Type\" "
	    "content=\"text/html; charset=Shift_JIS\"></head><body>"
	    CP932_TEXT "</body></html>";
	const char ascii_latin[] = "<?xml version='1.0' "
	    "encoding='iso-8859-1'?><rss/>";
	const char ascii_utf16[] = "<?xml version='1.0' "
	    "encoding='utf-16'?><rss/>";
	struct charset_result r;

	/* HTTP over the declaration... */
	r = decode(latin, strlen(latin), "windows-1252", NULL);
	assert_string_equal(r.cr_charset, "WINDOWS-1252");
	assert_int_equal(r.cr_source, CHARSET_FROM_HTTP);
	assert_non_null(strstr(r.cr_data, "<r>café</r>"));
	free(r.cr_data);
	r = decode(latin, strlen(latin), NULL, NULL);
	assert_string_equal(r.cr_charset, "ISO-8859-1");
	assert_int_equal(r.cr_source, CHARSET_FROM_DECLARATION);
	free(r.cr_data);
	/* ...but a single-byte server default yields to a Japanese one. */
	r = decode(sjis, strlen(sjis), "ISO-8859-1", NULL);
	assert_string_equal(r.cr_charset, "CP932");
	assert_int_equal(r.cr_source, CHARSET_FROM_DECLARATION);
	free(r.cr_data);
	r = decode(sjis, strlen(sjis), "EUC-JP", NULL);
	assert_string_equal(r.cr_charset, "EUC-JP");
	assert_true(r.cr_replaced > 0);
	free(r.cr_data);
	/* HTML says it in a <meta>. */
	r = decode(meta, strlen(meta), NULL, NULL);
	assert_string_equal(r.cr_charset, "CP932");
	assert_non_null(strstr(r.cr_data, UTF8_TEXT));
	free(r.cr_data);
	/* ASCII reads the same in all of them: it keeps its given name. */
	expect("<rss/>", 6, "us-ascii", NULL, "<rss/>", "US-ASCII", 0);
	expect(ascii_latin, strlen(ascii_latin), NULL, NULL, ascii_latin,
	    "ISO-8859-1", 0);
	expect(ascii_utf16, strlen(ascii_utf16), NULL, NULL, ascii_utf16,
	    "UTF-8", 0);
	expect("<rss/>", 6, "bogus", NULL, "<rss/>", "UTF-8", 0);
	expect("<rss/>", 6, NULL, "auto", "<rss/>", "UTF-8", 0);
	/* An override that names nothing is an error, not a guess. */
	assert_int_equal(charset_decode("<rss/>", 6, NULL, "klingon", &r, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "unknown encoding 'klingon'");
	assert_null(r.cr_data);
}

static void
test_unicode(void **state)
{
	static const struct {
		const char	*data;
		size_t		 len;
		const char	*charset;
	} cases[] = {
		{ "\xef\xbb\xbf<r>\xe5\x88\x88</r>", 13, "UTF-8" },
		{ "\xff\xfe<\0r\0>\0\x08\x52<\0/\0r\0>\0", 18, "UTF-16LE" },
		{ "\xfe\xff\0<\0r\0>\x52\x08\0<\0/\0r\0>", 18, "UTF-16BE" },
		{ "<\0r\0>\0\x08\x52<\0/\0r\0>\0", 16, "UTF-16LE" },
		{ "\0<\0r\0>\x52\x08\0<\0/\0r\0>", 16, "UTF-16BE" },
		{ "<\0\0\0r\0\0\0>\0\0\0\x08\x52\0\0"
		    "<\0\0\0/\0\0\0r\0\0\0>\0\0\0", 32, "UTF-32LE" },
		{ "\xff\xfe\0\0<\0\0\0r\0\0\0>\0\0\0\x08\x52\0\0"
		    "<\0\0\0/\0\0\0r\0\0\0>\0\0\0", 36, "UTF-32LE" },
		{ "\0\0\xfe\xff\0\0\0<\0\0\0r\0\0\0>\0\0\x52\x08"
		    "\0\0\0<\0\0\0/\0\0\0r\0\0\0>", 36, "UTF-32BE" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect(cases[i].data, cases[i].len, "Shift_JIS", NULL,
		    "<r>刈</r>", cases[i].charset, 0);
	/* A lone surrogate is one replaced unit. */
	expect("\xff\xfe<\0\x00\xd8>\0", 8, NULL, NULL, "<\xef\xbf\xbd>",
	    "UTF-16LE", 1);
	/* Cut in the middle of a unit. */
	expect("\xff\xfe<\0>", 5, NULL, NULL, "<\xef\xbf\xbd", "UTF-16LE", 1);
}

static void
test_invalid_replaced_and_counted(void **state)
{
	struct charset_result r;
	size_t n = 1 << 20, i;
	char *big;

	/* CP932: a lead byte cut at the end; a bad trail byte inside. */
	expect("\x8a\xa0\x92", 3, "Shift_JIS", NULL, "刈\xef\xbf\xbd",
	    "CP932", 1);
	expect("a\x85\x20" "b", 4, "Shift_JIS", NULL, "a\xef\xbf\xbd b",
	    "CP932", 1);
	/* Windows-1252 leaves five bytes undefined. */
	expect("\x93quoted\x94 \x81", 10, "windows-1252", NULL,
	    "\xe2\x80\x9cquoted\xe2\x80\x9d \xef\xbf\xbd", "WINDOWS-1252", 1);
	/* Never cut short: NUL stays, text after it stays. */
	r = decode("a\0b", 3, NULL, NULL);
	assert_int_equal(r.cr_len, 3);
	assert_memory_equal(r.cr_data, "a\0b", 3);
	free(r.cr_data);
	/* The worst case, every byte bad, fits the bound and is counted. */
	big = malloc(n);
	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = (char)0xff;
	r = decode(big, n, "utf-8", NULL);
	assert_int_equal(r.cr_replaced, n);
	assert_int_equal(r.cr_len, 3 * n);
	free(r.cr_data);
	free(big);
	/* Empty in, empty out. */
	expect("", 0, NULL, NULL, "", "UTF-8", 0);
}

static void
test_replace_controls(void **state)
{
	struct charset_result r = decode("a\x01" "b\0c\td\xef\xbf\xbe", 10,
	    NULL, NULL);

	assert_int_equal(charset_replace_controls(&r), 3);
	assert_int_equal(r.cr_replaced, 3);
	assert_string_equal(r.cr_data,
	    "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\td\xef\xbf\xbd");
	assert_int_equal(charset_replace_controls(&r), 0);
	free(r.cr_data);
}

/*
 * C1 controls become windows-1252 characters in valid UTF-8: Œ (U+0152)
 * takes two bytes, " (U+201C) three.  Found by fuzz_charset: Œ was
 * written as the overlong e0 85 92, and libxml2 refused the whole feed.
 */
static void
test_c1_to_cp1252_is_valid_utf8(void **state)
{
	const char doc[] = "<rss version=\"2.0\"><channel><title>\xc2\x8c"
	    "uvre \xc2\x8a\xc2\x93q\xc2\x9f</title></channel></rss>";
	struct charset_result r = decode("\xc2\x8c\xc2\x83\xc2\x93", 6, NULL,
	    NULL);
	struct feed *f = NULL;

	assert_int_equal(charset_replace_controls(&r), 0);
	assert_string_equal(r.cr_data, "\xc5\x92\xc6\x92\xe2\x80\x9c");
	assert_int_equal(r.cr_len, 7);
	free(r.cr_data);
	assert_int_equal(feed_parse(doc, strlen(doc), FEED_FORMAT_RSS, NULL,
	    &f, err, sizeof(err)), 0);
	assert_string_equal(f->fd_title, "\xc5\x92uvre \xc5\xa0\xe2\x80\x9cq"
	    "\xc5\xb8");
	feed_free(f);
}

/*
 * glibc's iconv reads UTF-8 beyond U+10FFFF (f6 89 80 82, 5-byte forms)
 * as if it were valid; such bytes must still come out as U+FFFD.  Found
 * by fuzz_charset: libxml2 then refused the whole document.
 */
static void
test_utf8_beyond_unicode_replaced(void **state)
{
	const char doc[] = "\xef\xbb\xbf<rss version=\"2.0\"><channel><title>"
	    "a\xf6\x89\x80\x82" "b\xff\xf8\x88\x80\x80\x80</title></channel>"
	    "</rss>";
	struct charset_result r = decode("\xef\xbb\xbf" "a\xf6\x89\x80\x82"
	    "b\xff", 11, NULL, NULL);
	struct feed *f = NULL;

	assert_string_equal(r.cr_data, "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd" "b\xef\xbf\xbd");
	assert_int_equal(r.cr_replaced, 5);
	free(r.cr_data);
	assert_int_equal(feed_parse(doc, strlen(doc), FEED_FORMAT_AUTO, NULL,
	    &f, err, sizeof(err)), 0);
	assert_int_equal(f->fd_replaced, 10);
	feed_free(f);
}

/* Through feed_parse(): the feed says what it read and what it replaced. */
static void
test_feed_records_charset(void **state)
{
	const char doc[] = "<rss version=\"2.0\"><channel><title>a\x0c" "b \xff"
	    "</title></channel></rss>";
	struct feed_parse_opts opts = { .http_charset = "utf-8" };
	struct feed *f = NULL;

	assert_int_equal(feed_parse(doc, strlen(doc), FEED_FORMAT_AUTO, &opts,
	    &f, err, sizeof(err)), 0);
	assert_string_equal(f->fd_charset, "UTF-8");
	assert_int_equal(f->fd_replaced, 2);
	assert_string_equal(f->fd_title, "a\xef\xbf\xbd" "b \xef\xbf\xbd");
	feed_free(f);
	opts.encoding = "no-such-charset";
	assert_int_equal(feed_parse(doc, strlen(doc), FEED_FORMAT_AUTO, &opts,
	    &f, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown encoding 'no-such-charset'");
	assert_null(f);
}

/* RSS 2.0 in EUC-JP and ISO-2022-JP as Windows writes them. */
static void
test_feed_fixtures(void **state)
{
	static const struct {
		const char	*file, *charset, *title, *desc;
	} cases[] = {
		{ "kariya-rss2-eucjp.xml", "EUC-JP",
		    "逢妻川クリーン作戦①（髙津波町）",
		    "河川敷の清掃活動です。軍手を配ります。"
		    "協賛：㈱刈谷環境サービス" },
		{ "kariya-rss2-iso2022jp.xml", "ISO-2022-JP",
		    "子ども食堂の配膳ボランティア①",
		    "毎月第3土曜日。協力：㈱フードバンク刈谷" },
	};
	const struct posting *p;
	struct feed *f;
	size_t i, len;
	char *doc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		doc = fixture_read(cases[i].file, &len);
		if (feed_parse(doc, len, FEED_FORMAT_AUTO, NULL, &f, err,
		    sizeof(err)) != 0)
			fail_msg("%s: %s", cases[i].file, err);
		assert_string_equal(f->fd_charset, cases[i].charset);
		assert_int_equal(f->fd_replaced, 0);
		assert_string_equal(f->fd_title, "刈谷市 市民活動情報");
		assert_int_equal(f->fd_entries.pl_len, 1);
		p = f->fd_entries.pl_items[0];
		assert_string_equal(p->pst_title, cases[i].title);
		assert_string_equal(p->pst_content_html, cases[i].desc);
		assert_string_equal(p->pst_categories[0], "環境");
		feed_free(f);
		free(doc);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_japanese),
		cmocka_unit_test(test_lying_declarations),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_unicode),
		cmocka_unit_test(test_invalid_replaced_and_counted),
		cmocka_unit_test(test_replace_controls),
		cmocka_unit_test(test_c1_to_cp1252_is_valid_utf8),
		cmocka_unit_test(test_utf8_beyond_unicode_replaced),
		cmocka_unit_test(test_feed_records_charset),
		cmocka_unit_test(test_feed_fixtures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
