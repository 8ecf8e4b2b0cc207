/*
 * charset.h — the decode stage: whatever bytes a source sent, valid UTF-8
 * out, with the charset that was used and how many invalid sequences were
 * replaced.  Every parser reads the result; none guesses charsets itself.
 *
 * The charset is chosen in this order (the first that applies wins):
 *   1. the per-source override (config `encoding`), unless NULL/"auto";
 *   2. a byte order mark (UTF-8, UTF-16LE/BE, UTF-32LE/BE), or for
 *      UTF-16/32 without one, NUL bytes where ASCII text in them has
 *      them (XML 1.0 appendix F: "<\0?\0" is UTF-16LE);
 *   3. 7-bit input with ISO-2022-JP escape sequences: ISO-2022-JP;
 *   4. input that is valid UTF-8 as a whole: UTF-8 (a declaration that
 *      says otherwise lies: Shift_JIS text is never valid UTF-8 beyond
 *      ASCII).  Pure ASCII keeps the name a declaration gave it;
 *   5. the HTTP charset (Content-Type charset=), unless it is a server's
 *      single-byte default (ISO-8859-1, US-ASCII) and the document
 *      declares a CJK multibyte charset;
 *   6. the XML declaration's encoding, or an HTML <meta> charset;
 *   7. for undeclared Japanese text: EUC-JP or CP932, whichever decodes
 *      cleanly and looks more like Japanese;
 *   8. UTF-8, every invalid sequence replaced.
 * A UTF-8 label (5, 6) over text that is mostly invalid UTF-8 is taken
 * for the lie it is: the Japanese guess (7) is tried, and wins when it
 * replaces less.
 * Shift_JIS and its aliases mean CP932 (① and ㈱ survive); EUC-JP is read
 * as EUC-JP-MS, its Windows variant, for the same reason; ISO-8859-1 and
 * US-ASCII are read as windows-1252 (as browsers do).
 *
 * Invalid sequences become U+FFFD and are counted, never dropped: the
 * output is never silently shorter than the input says.  The output is
 * bounded by CHARSET_OUT_MAX.
 */
#ifndef TSUNAGU_CHARSET_H
#define TSUNAGU_CHARSET_H

#include <stddef.h>

#define CHARSET_OUT_MAX	((size_t)256 << 20)	/* bytes of UTF-8 out */

/* Why the charset was chosen (the steps above). */
enum charset_source {
	CHARSET_FROM_OVERRIDE,
	CHARSET_FROM_BOM,
	CHARSET_FROM_PATTERN,	/* UTF-16/32 without a BOM, ISO-2022-JP */
	CHARSET_FROM_UTF8,	/* the bytes are valid UTF-8 */
	CHARSET_FROM_HTTP,
	CHARSET_FROM_DECLARATION,
	CHARSET_FROM_GUESS,
	CHARSET_FROM_FALLBACK,
};

struct charset_result {
	char			*cr_data;	/* UTF-8, NUL-ended; free() */
	size_t			 cr_len;	/* without the terminator */
	const char		*cr_charset;	/* static: "UTF-8", "CP932" */
	size_t			 cr_replaced;	/* sequences → U+FFFD */
	enum charset_source	 cr_source;
};

/*
 * Decodes len bytes.  http_charset is the charset= parameter of the
 * Content-Type (NULL: none); override is the source's `encoding` (NULL or
 * "auto": none).  A byte order mark is not copied to the output.  0 with
 * *out filled (free cr_data), or -1 with a reason in err: an override
 * that names no known charset, or output beyond CHARSET_OUT_MAX.
 */
int		 charset_decode(const char *data, size_t len,
		    const char *http_charset, const char *override,
		    struct charset_result *out, char *err, size_t errlen);

/*
 * The canonical name of a charset label ("shift_jis", "x-sjis",
 * "Windows-31J" → "CP932"; "utf8" → "UTF-8"), or NULL when tsunagu cannot
 * decode it.  For validating the `encoding` key; "auto" is NULL too.
 */
const char	*charset_lookup(const char *label);

/*
 * The charset= parameter of a Content-Type value, copied into buf
 * (quotes removed), or NULL when there is none or it does not fit.
 */
const char	*charset_from_content_type(const char *content_type,
		    char *buf, size_t buflen);

/*
 * Replaces every character that neither XML 1.0 nor a JSON string may
 * hold raw (C0 controls but TAB, LF and CR, NUL included; U+FFFE, U+FFFF)
 * with U+FFFD, reallocating r->cr_data, and counts them in cr_replaced.
 * C1 controls (U+0080-U+009F), which text only holds when windows-1252
 * was read as Latin-1, become the windows-1252 characters (’ “ € ...),
 * as HTML does for &#146;; they are not counted.  Returns how many
 * characters were replaced.
 */
size_t		 charset_replace_controls(struct charset_result *r);

/* The windows-1252 character for a C1 control, else c itself. */
unsigned long	 charset_c1_to_cp1252(unsigned long c);

#endif
