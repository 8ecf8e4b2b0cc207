/*
 * fuzz_charset.c — the decode stage (charset.h): any bytes, any HTTP
 * charset, any override.  The first byte picks the HTTP charset and the
 * override from small tables (labels tsunagu knows, aliases, and ones it
 * does not); the rest is the document.
 *
 * Checked: the output is valid UTF-8 of the length it claims, NUL-ended,
 * within CHARSET_OUT_MAX; charset_replace_controls() leaves no character
 * that XML or JSON cannot hold; a second decode of the output as UTF-8
 * changes nothing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
require(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz property violated: %s\n", what);
		abort();
	}
}

/* Length of the valid UTF-8 sequence at p (Unicode scalar values), else 0. */
static size_t
utf8_seq(const unsigned char *p, size_t n, unsigned long *cp)
{
	size_t len, i;
	unsigned long c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, c = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	*cp = c;
	return len;
}

static void
check_utf8(const struct charset_result *cr, int strict)
{
	const unsigned char *p = (const unsigned char *)cr->cr_data;
	size_t i = 0, k;
	unsigned long c;

	require(cr->cr_data != NULL, "no output");
	require(cr->cr_len <= CHARSET_OUT_MAX, "output beyond CHARSET_OUT_MAX");
	require(cr->cr_data[cr->cr_len] == '\0', "output not NUL-ended");
	require(cr->cr_charset != NULL, "no charset name");
	while (i < cr->cr_len) {
		k = utf8_seq(p + i, cr->cr_len - i, &c);
		require(k > 0, "output is not valid UTF-8");
		if (strict)
			require(!((c < 0x20 && c != '\t' && c != '\n' &&
			    c != '\r') || c == 0xfffe || c == 0xffff),
			    "a control character survived");
		i += k;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const http[] = {
		NULL, "utf-8", "Shift_JIS", "euc-jp", "iso-2022-jp",
		"ISO-8859-1", "utf-16", "UTF-32BE", "x-unknown", "",
		"windows-31j", "us-ascii", "UTF-16LE", "cp932", "euc-jp-ms",
		"\"utf-8\"",
	};
	static const char *const override[] = {
		NULL, "auto", "UTF-8", "CP932", "EUC-JP", "ISO-2022-JP",
		"UTF-16BE", "windows-1252",
	};
	struct charset_result cr, again;
	char err[256], buf[64];
	size_t before;

	if (size < 1)
		return 0;
	if (charset_decode((const char *)data + 1, size - 1,
	    http[data[0] & 0x0f], override[(data[0] >> 4) & 0x07], &cr, err,
	    sizeof(err)) == 0) {
		check_utf8(&cr, 0);
		before = cr.cr_replaced;
		charset_replace_controls(&cr);
		require(cr.cr_replaced >= before, "the replaced count shrank");
		check_utf8(&cr, 1);
		/* Valid UTF-8 stays as it is (a leading U+FEFF would be
		 * taken for a byte order mark). */
		if (cr.cr_len >= 3 && memcmp(cr.cr_data, "\xef\xbb\xbf",
		    3) == 0) {
			free(cr.cr_data);
			goto labels;
		}
		require(charset_decode(cr.cr_data, cr.cr_len, NULL, "UTF-8",
		    &again, err, sizeof(err)) == 0, "UTF-8 does not decode");
		require(again.cr_len == cr.cr_len &&
		    memcmp(again.cr_data, cr.cr_data, cr.cr_len) == 0 &&
		    again.cr_replaced == 0, "decoding UTF-8 changed it");
		free(again.cr_data);
		free(cr.cr_data);
	}
labels:
	/* The label helpers get the input as text too. */
	{
		char *text = strndup((const char *)data, size);

		charset_lookup(text);
		charset_from_content_type(text, buf, sizeof(buf));
		free(text);
	}
	return 0;
}
