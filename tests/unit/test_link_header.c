/* test_link_header.c — RFC 8288 Link header values: hub and self. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "link_header.h"

#define BASE	"https://city.example.jp/volunteer/feed.xml"

static void
expect(const char *value, const char *rel, const char *want)
{
	char *got = link_header_find(value, rel, BASE);

	if (want == NULL) {
		if (got != NULL)
			fail_msg("[%s] rel=%s: got %s, want none", value, rel,
			    got);
		return;
	}
	if (got == NULL)
		fail_msg("[%s] rel=%s: got none, want %s", value, rel, want);
	assert_string_equal(got, want);
	free(got);
}

static void
test_hub_and_self(void **state)
{
	const char *v = "<https://hub.example.net/>; rel=\"hub\", "
	    "<https://city.example.jp/volunteer/feed.xml>; rel=\"self\"";

	expect(v, "hub", "https://hub.example.net/");
	expect(v, "self", "https://city.example.jp/volunteer/feed.xml");
	expect(v, "next", NULL);
	/* Unquoted values, no spaces, case of rel and of the name. */
	expect("<https://hub.example.net/h>;rel=hub", "hub",
	    "https://hub.example.net/h");
	expect("<https://hub.example.net/h>; REL=\"HUB\"", "hub",
	    "https://hub.example.net/h");
	expect("<https://hub.example.net/h> ;\trel = \"hub\"", "hub",
	    "https://hub.example.net/h");
}

static void
test_several_relations_and_links(void **state)
{
	/* One link, several relation types. */
	expect("<https://x.example.net/feed>; rel=\"self alternate\"",
	    "alternate", "https://x.example.net/feed");
	expect("<https://x.example.net/feed>; rel=\"self alternate\"",
	    "self", "https://x.example.net/feed");
	/* Several hubs: the first. */
	expect("<https://a.example.net/>; rel=hub, <https://b.example.net/>; "
	    "rel=hub", "hub", "https://a.example.net/");
	/* Lines joined by the fetcher: ", " between them. */
	expect("<https://city.example.jp/p2>; rel=next, "
	    "<https://hub.example.net/>; rel=\"hub\"", "hub",
	    "https://hub.example.net/");
	/* Empty list elements are allowed. */
	expect(", ,<https://hub.example.net/>; rel=hub,,", "hub",
	    "https://hub.example.net/");
}

static void
test_quoted_parameters(void **state)
{
	/* Commas and semicolons inside quotes and brackets do not split. */
	expect("<https://x.example.net/a,b;c>; title=\"a, b; rel=hub\"; "
	    "rel=\"self\", <https://hub.example.net/>; rel=hub", "hub",
	    "https://hub.example.net/");
	expect("<https://x.example.net/a,b;c>; title=\"a, b; rel=hub\"; "
	    "rel=\"self\"", "self", "https://x.example.net/a,b;c");
	/* A quoted-pair inside a title. */
	expect("<https://x.example.net/>; title=\"say \\\"hi\\\", rel=hub\"; "
	    "rel=self", "hub", NULL);
	expect("<https://x.example.net/>; title=\"say \\\"hi\\\", rel=hub\"; "
	    "rel=self", "self", "https://x.example.net/");
	/* Other parameters, with and without values. */
	expect("<https://hub.example.net/>; type=\"text/html\"; crossorigin; "
	    "rel=hub; hreflang=ja", "hub", "https://hub.example.net/");
	/* rel* is another parameter. */
	expect("<https://hub.example.net/>; rel*=UTF-8''hub", "hub", NULL);
}

static void
test_first_rel_counts(void **state)
{
	/* RFC 8288 3.3: occurrences of rel after the first are ignored. */
	expect("<https://x.example.net/>; rel=self; rel=hub", "hub", NULL);
	expect("<https://x.example.net/>; rel=self; rel=hub", "self",
	    "https://x.example.net/");
	/* A link about another resource (anchor) is not this one's. */
	expect("<https://hub.example.net/>; rel=hub; "
	    "anchor=\"https://other.example.jp/\"", "hub", NULL);
	expect("<https://hub.example.net/>; rel=hub; anchor=\"\"", "hub",
	    "https://hub.example.net/");
}

static void
test_relative_targets(void **state)
{
	expect("</websub/hub>; rel=hub", "hub",
	    "https://city.example.jp/websub/hub");
	expect("<feed.xml?x=1>; rel=self", "self",
	    "https://city.example.jp/volunteer/feed.xml?x=1");
	/* <> is the resource itself. */
	expect("<>; rel=self", "self", BASE);
	/* Not http(s): not a hub to subscribe at. */
	expect("<mailto:hub@example.net>; rel=hub", "hub", NULL);
	expect("<ftp://example.net/hub>; rel=hub, <https://h.example.net/>; "
	    "rel=hub", "hub", "https://h.example.net/");
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"   ",
		",,,",
		"https://hub.example.net/; rel=hub",	/* no brackets */
		"<https://hub.example.net/; rel=hub",	/* unterminated */
		"<https://hub.example.net/>; rel=\"hub",	/* open quote */
		"<https://hub.example.net/> rel=hub",	/* no ';' */
		"<https://hub.example.net/>; =hub",
		"<https://hub.example.net/>; rel",
		"<https://hub.example.net/>; rel=",
		"<https://hub.example.net/>; rel=\"\"",
		"<https://hub.example.net/>; rel=hubs",
		"<https://hub.example.net/>; relation=hub",
		"<https://hub.example.net/>;; rel=\"x\\",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect(bad[i], "hub", NULL);
	/* A bad link does not hide the good one after it. */
	expect("garbage; rel=hub, <https://hub.example.net/>; rel=hub", "hub",
	    "https://hub.example.net/");
	expect("<https://x.example.net/> junk; rel=hub, "
	    "<https://hub.example.net/>; rel=hub", "hub",
	    "https://hub.example.net/");
	expect("<https://x.example.net/>; title=\"a, b\" junk, "
	    "<https://hub.example.net/>; rel=hub", "hub",
	    "https://hub.example.net/");
	assert_null(link_header_find(NULL, "hub", BASE));
	assert_null(link_header_find("<https://h.example.net/>; rel=hub",
	    "", BASE));
}

static void
test_large(void **state)
{
	size_t n = LINK_HEADER_MAX + 2, i;
	char *v = malloc(n + 64), *got;

	assert_non_null(v);
	/* Many separators, then the hub: linear, and found. */
	for (i = 0; i < 100000; i++)
		v[i] = ',';
	strcpy(v + i, "<https://hub.example.net/>; rel=hub");
	got = link_header_find(v, "hub", BASE);
	assert_non_null(got);
	assert_string_equal(got, "https://hub.example.net/");
	free(got);
	/* Beyond the bound: not looked at. */
	memset(v, ' ', n);
	strcpy(v + n, "<https://hub.example.net/>; rel=hub");
	assert_null(link_header_find(v, "hub", BASE));
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hub_and_self),
		cmocka_unit_test(test_several_relations_and_links),
		cmocka_unit_test(test_quoted_parameters),
		cmocka_unit_test(test_first_rel_counts),
		cmocka_unit_test(test_relative_targets),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
