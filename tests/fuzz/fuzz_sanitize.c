/*
 * fuzz_sanitize.c — the HTML sanitizer and the text normalizers: no
 * crash, and each is idempotent (a second pass changes nothing), which
 * the sanitizer guarantees by construction and this checks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "sanitize.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
same(const char *a, const char *b)
{
	if (strcmp(a, b) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, *once, *twice, *lines, *text;

	in = strndup((const char *)data, size);
	once = sanitize_html_lines(in, "https://example.jp/a/b/feed.xml",
	    &lines);
	twice = sanitize_html(once, "https://example.jp/a/b/feed.xml");
	same(once, twice);
	/* The lines that come with the HTML are the lines of it. */
	free(twice);
	twice = sanitize_lines(once);
	same(lines, twice);
	free(once);
	free(twice);
	free(lines);
	/* The text from the lines is the text from the HTML. */
	text = sanitize_text(in, 300);
	lines = sanitize_lines(in);
	once = sanitize_lines_text(lines, 300);
	same(text, once);
	free(text);
	free(lines);
	free(once);
	once = normalize_text(in);
	twice = normalize_text(once);
	same(once, twice);
	free(once);
	free(twice);
	free(normalize_compare_key(in));
	free(normalize_phone(in));
	free(normalize_email(in));
	free(in);
	return 0;
}
