/*
 * charset.c — bytes in any charset a source may send, valid UTF-8 out
 * (charset.h says in which order the charset is chosen).
 *
 * Conversion goes through glibc's iconv.  At an invalid sequence iconv
 * stops with EILSEQ (EINVAL for one cut at the end): we write U+FFFD,
 * count it, skip one code unit and go on.  ISO-2022-JP is first turned
 * into EUC-JP byte by byte (its two-byte sets are EUC-JP's minus the high
 * bit) so that NEC row 13 (①, ㈱), which glibc's ISO-2022-JP refuses, is
 * read by EUC-JP-MS like the rest.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "charset_private.h"
#include "text.h"
#include "xmalloc.h"

/*
 * Bytes handed to one iconv() call.  Sanitizers check the whole input
 * range at every call, and a call ends at every invalid byte: unbounded
 * calls would make garbage input quadratic.
 */
#define CONVERT_CHUNK	128

static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

/* Byte order marks and the XML 1.0 appendix F patterns without one. */
static const struct charset *
sniff_unicode(const char *data, size_t len, size_t *bom,
    enum charset_source *src)
{
	static const struct {
		const char	*sig;
		size_t		 siglen, bomlen;
		int		 charset;
	} forms[] = {
		{ "\xef\xbb\xbf", 3, 3, CS_UTF_8 },
		{ "\xff\xfe\0\0", 4, 4, CS_UTF_32LE },
		{ "\0\0\xfe\xff", 4, 4, CS_UTF_32BE },
		{ "\xff\xfe", 2, 2, CS_UTF_16LE },
		{ "\xfe\xff", 2, 2, CS_UTF_16BE },
	};
	/* Without one: where the NUL bytes of ASCII characters fall. */
	static const struct {
		unsigned char	 zero;	/* bit i: byte i is NUL */
		int		 charset;
	} patterns[] = {
		{ 0xe, CS_UTF_32LE },	/* "<\0\0\0" */
		{ 0x7, CS_UTF_32BE },	/* "\0\0\0<" */
		{ 0xa, CS_UTF_16LE },	/* "<\0?\0" */
		{ 0x5, CS_UTF_16BE },	/* "\0<\0?" */
	};
	unsigned char zero = 0;
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (len < forms[i].siglen ||
		    memcmp(data, forms[i].sig, forms[i].siglen) != 0)
			continue;
		*bom = forms[i].bomlen;
		*src = forms[i].bomlen ? CHARSET_FROM_BOM :
		    CHARSET_FROM_PATTERN;
		return &charset_table[forms[i].charset];
	}
	if (len < 4)
		return NULL;
	for (i = 0; i < 4; i++)
		if (data[i] == '\0')
			zero |= 1 << i;
	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		if (zero != patterns[i].zero)
			continue;
		*bom = 0;
		*src = CHARSET_FROM_PATTERN;
		return &charset_table[patterns[i].charset];
	}
	return NULL;
}

/* 1 when no byte has the high bit set. */
static int
is_7bit(const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)data[i] & 0x80)
			return 0;
	return 1;
}

/* 1 when 7-bit data holds an ISO-2022-JP designation of a Japanese set. */
static int
has_jis_escape(const char *data, size_t len)
{
	static const char *const escapes[] = {
		"\x1b$B", "\x1b$@", "\x1b$(D", "\x1b$(O", "\x1b$(Q", "\x1b(I",
	};
	size_t i;

	if (memchr(data, 0x1b, len) == NULL)
		return 0;
	for (i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++)
		if (memmem(data, len, escapes[i], strlen(escapes[i])) != NULL)
			return 1;
	return 0;
}

/*
 * ISO-2022-JP (with the JIS X 0212, JIS X 0201 kana and SO/SI extensions
 * of CP50220-50222) as EUC-JP bytes.  What cannot be read becomes 0xff,
 * a byte EUC-JP never has, for the iconv stage to replace and count.
 * Writes at most 2 * len bytes.
 */
static size_t
iso2022jp_to_eucjp(const unsigned char *in, size_t len, unsigned char *out)
{
	enum { ASCII, KANA, X0208, X0212 } set = ASCII;
	int shifted = 0;	/* SO: kana until SI */
	size_t i = 0, o = 0;
	unsigned char c;

	while (i < len) {
		c = in[i];
		if (c == 0x1b) {
			if (len - i >= 3 && in[i + 1] == '(' &&
			    (in[i + 2] == 'B' || in[i + 2] == 'J' ||
			    in[i + 2] == 'H')) {
				set = ASCII;
				i += 3;
			} else if (len - i >= 3 && in[i + 1] == '(' &&
			    in[i + 2] == 'I') {
				set = KANA;
				i += 3;
			} else if (len - i >= 3 && in[i + 1] == '$' &&
			    (in[i + 2] == '@' || in[i + 2] == 'B')) {
				set = X0208;
				i += 3;
			} else if (len - i >= 4 && in[i + 1] == '$' &&
			    in[i + 2] == '(' && (in[i + 3] == 'B' ||
			    in[i + 3] == 'O' || in[i + 3] == 'Q')) {
				set = X0208;	/* JIS X 0213 plane 1 ⊃ 0208 */
				i += 4;
			} else if (len - i >= 4 && in[i + 1] == '$' &&
			    in[i + 2] == '(' && in[i + 3] == 'D') {
				set = X0212;
				i += 4;
			} else if (len - i >= 6 && memcmp(in + i + 1,
			    "&@\x1b$B", 5) == 0) {
				set = X0208;	/* JIS X 0208-1990 */
				i += 6;
			} else {
				out[o++] = 0xff;
				i++;
			}
			continue;
		}
		if (c == 0x0e || c == 0x0f) {
			shifted = c == 0x0e;
			i++;
			continue;
		}
		if (c >= 0x80) {
			out[o++] = 0xff;
			i++;
		} else if (c < 0x21 || c == 0x7f) {
			out[o++] = c;	/* controls and space pass in any set */
			i++;
		} else if (shifted || set == KANA) {
			if (c <= 0x5f) {
				out[o++] = 0x8e;
				out[o++] = c | 0x80;
			} else
				out[o++] = 0xff;
			i++;
		} else if (set == ASCII) {
			out[o++] = c;
			i++;
		} else if (i + 1 < len && in[i + 1] >= 0x21 &&
		    in[i + 1] <= 0x7e) {
			if (set == X0212)
				out[o++] = 0x8f;
			out[o++] = c | 0x80;
			out[o++] = in[i + 1] | 0x80;
			i += 2;
		} else {
			out[o++] = 0xff;
			i++;
		}
	}
	return o;
}

/* Makes room for need more bytes at *o, within max; -1 when it cannot. */
static int
grow(char **out, size_t *cap, char **o, size_t *outleft, size_t need,
    size_t max)
{
	size_t used = *o - *out, ncap = *cap;

	while (ncap - used < need) {
		if (ncap >= max)
			return -1;
		ncap = ncap > max / 2 ? max : 2 * ncap;
	}
	*out = xreallocarray(*out, ncap + 1, 1);
	*cap = ncap;
	*o = *out + used;
	*outleft = ncap - used;
	return 0;
}

/*
 * Converts len bytes through iconv into r->cr_data, replacing what cannot
 * be read with U+FFFD (counted in r->cr_replaced).  The output grows as
 * needed up to 4 bytes per input byte and CHARSET_OUT_MAX.  0 or -1.
 */
static int
convert(const char *name, unsigned int unit, const char *data, size_t len,
    struct charset_result *r)
{
	const size_t rlen = sizeof(replacement) - 1;
	iconv_t cd;
	char *in = (char *)data, *out, *o;
	size_t inleft = len, outleft, cap, max, skip, chunk, n;
	int last;

	r->cr_replaced = 0;
	if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return -1;
	max = len < (CHARSET_OUT_MAX - 16) / 4 ? 4 * len + 16 :
	    CHARSET_OUT_MAX;
	cap = len + len / 2 + 16 < max ? len + len / 2 + 16 : max;
	out = o = xmalloc(cap + 1);
	outleft = cap;
	while (inleft > 0) {
		chunk = n = inleft < CONVERT_CHUNK ? inleft : CONVERT_CHUNK;
		last = chunk == inleft;
		if (iconv(cd, &in, &n, &o, &outleft) != (size_t)-1) {
			inleft -= chunk;
			continue;
		}
		inleft -= chunk - n;
		/* A sequence cut by the chunk, not by the end of the input. */
		if (errno == EINVAL && !last)
			continue;
		if (errno == E2BIG) {
			if (grow(&out, &cap, &o, &outleft, outleft + 64,
			    max) == -1)
				goto fail;
			continue;
		}
		/* EILSEQ: a bad sequence; EINVAL: one cut at the end. */
		if (outleft < rlen && grow(&out, &cap, &o, &outleft, rlen,
		    max) == -1)
			goto fail;
		memcpy(o, replacement, rlen);
		o += rlen;
		outleft -= rlen;
		r->cr_replaced++;
		if (errno == EINVAL)
			break;
		skip = inleft < unit ? inleft : unit;
		in += skip;
		inleft -= skip;
	}
	/* Stateful decoders may have a last character to give. */
	if (outleft < 16 && grow(&out, &cap, &o, &outleft, 16, max) == -1)
		goto fail;
	if (iconv(cd, NULL, NULL, &o, &outleft) == (size_t)-1)
		goto fail;
	iconv_close(cd);
	r->cr_data = out;
	r->cr_len = o - out;
	r->cr_data[r->cr_len] = '\0';
	return 0;
fail:
	iconv_close(cd);
	free(out);
	return -1;
}

/*
 * glibc's UTF-8 decoder lets code points beyond U+10FFFF through (F5-F7
 * leads, 5- and 6-byte forms): what iconv gave back is checked, and each
 * byte of a sequence that is still invalid becomes a counted U+FFFD.
 */
static void
repair_utf8(struct charset_result *r)
{
	const unsigned char *p = (const unsigned char *)r->cr_data;
	size_t i = 0, o = 0, n;
	char *out;

	if (text_is_utf8(r->cr_data, r->cr_len))
		return;
	out = xreallocarray(NULL, r->cr_len + 1, 3);
	while (i < r->cr_len) {
		n = p[i] < 0xc0 ? 1 : p[i] < 0xe0 ? 2 : p[i] < 0xf0 ? 3 : 4;
		if (n <= r->cr_len - i && text_is_utf8((const char *)p + i, n)) {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		memcpy(out + o, replacement, sizeof(replacement) - 1);
		o += sizeof(replacement) - 1;
		i++;
		r->cr_replaced++;
	}
	out[o] = '\0';
	free(r->cr_data);
	r->cr_data = out;
	r->cr_len = o;
}

/* Decodes data as cs into r (cr_charset left to the caller). */
static int
decode_as(const struct charset *cs, const char *data, size_t len,
    struct charset_result *r, char *err, size_t errlen)
{
	unsigned char *jis = NULL;
	int rc;

	if (cs->cs_iso2022jp) {
		jis = xmalloc(2 * len + 1);
		len = iso2022jp_to_eucjp((const unsigned char *)data, len, jis);
		data = (const char *)jis;
	}
	rc = convert(cs->cs_iconv, cs->cs_unit, data, len, r);
	free(jis);
	if (rc == -1) {
		snprintf(err, errlen, "cannot decode the document as %s: "
		    "the text would pass %zu MiB", cs->cs_name,
		    CHARSET_OUT_MAX >> 20);
		return -1;
	}
	repair_utf8(r);
	/* A byte order mark the conversion kept is no text. */
	if (r->cr_len >= 3 && memcmp(r->cr_data, "\xef\xbb\xbf", 3) == 0) {
		memmove(r->cr_data, r->cr_data + 3, r->cr_len - 2);
		r->cr_len -= 3;
	}
	return 0;
}

/*
 * How Japanese the UTF-8 text looks: kana and kanji count for, half-width
 * kana and private-use characters (what EUC-JP read as CP932 and the
 * reverse produce) against.
 */
static long
japanese_score(const char *s, size_t len, size_t *jp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint32_t c;
	long score = 0;

	*jp = 0;
	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xf0) == 0xe0 && i + 2 < len) {
			c = ((p[i] & 0x0f) << 12) | ((p[i + 1] & 0x3f) << 6) |
			    (p[i + 2] & 0x3f);
			i += 3;
		} else {
			c = 0;
			i += (p[i] & 0xe0) == 0xc0 ? 2 : (p[i] & 0xf8) ==
			    0xf0 ? 4 : 1;
		}
		if (c >= 0x3041 && c <= 0x30ff) {
			score += 3;
			(*jp)++;
		} else if (c >= 0x4e00 && c <= 0x9fff) {
			score += 1;
			(*jp)++;
		} else if ((c >= 0x3000 && c <= 0x303f) ||
		    (c >= 0xff01 && c <= 0xff5e))
			score += 1;	/* punctuation, full-width ASCII */
		else if (c >= 0xff61 && c <= 0xff9f)
			score -= 2;	/* half-width kana */
		else if ((c >= 0xe000 && c <= 0xf8ff) || c == 0xfffd)
			score -= 4;
		else
			score -= 1;
	}
	return score;
}

/*
 * Undeclared, not UTF-8: EUC-JP or CP932 when one reads it as Japanese
 * with (almost) no invalid sequence.  -1 when neither does.
 */
static int
guess_japanese(const char *data, size_t len, struct charset_result *r)
{
	static const int candidates[] = { CS_EUC_JP, CS_CP932 };
	struct charset_result try;
	long score, best_score = 0;
	size_t i, jp;
	int best = -1;
	char err[8];

	memset(r, 0, sizeof(*r));
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		memset(&try, 0, sizeof(try));
		if (decode_as(&charset_table[candidates[i]], data, len, &try,
		    err, sizeof(err)) == -1)
			continue;
		score = japanese_score(try.cr_data, try.cr_len, &jp) -
		    8 * (long)try.cr_replaced;
		if (jp > 0 && try.cr_replaced * 8 <= jp &&
		    (best == -1 || score > best_score)) {
			free(r->cr_data);
			*r = try;
			r->cr_charset = charset_table[candidates[i]].cs_name;
			best = candidates[i];
			best_score = score;
		} else
			free(try.cr_data);
	}
	return best == -1 ? -1 : 0;
}

/* A copy of 7-bit or valid UTF-8 data (a UTF-8 BOM dropped). */
static void
copy_as_is(const char *data, size_t len, struct charset_result *r)
{
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	r->cr_data = xmalloc(len + 1);
	memcpy(r->cr_data, data, len);
	r->cr_data[len] = '\0';
	r->cr_len = len;
	r->cr_replaced = 0;
}

/* Lets a multibyte declaration win over a single-byte server default. */
static int
is_server_default(const struct charset *cs)
{
	return cs == &charset_table[CS_US_ASCII] ||
	    cs == &charset_table[CS_ISO_8859_1];
}

/* Non-ASCII characters in UTF-8 text other than U+FFFD. */
static size_t
count_non_ascii(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (p[i] >= 0xc0 && !(p[i] == 0xef && i + 2 < len &&
		    p[i + 1] == 0xbf && p[i + 2] == 0xbd))
			n++;
	return n;
}

/*
 * Declared UTF-8, but not valid UTF-8.  A stray byte in UTF-8 text is
 * replaced; but when most of the text is invalid, the declaration is the
 * lie (a CMS that writes "UTF-8" over Shift_JIS), and Japanese text that
 * reads cleanly as CP932 or EUC-JP is taken as that.
 */
static int
decode_declared_utf8(const char *data, size_t len, struct charset_result *r,
    enum charset_source src, char *err, size_t errlen)
{
	struct charset_result guess;

	if (decode_as(&charset_table[CS_UTF_8], data, len, r, err,
	    errlen) == -1)
		return -1;
	r->cr_charset = charset_table[CS_UTF_8].cs_name;
	r->cr_source = src;
	if (r->cr_replaced * 4 <= count_non_ascii(r->cr_data, r->cr_len) ||
	    guess_japanese(data, len, &guess) == -1)
		return 0;
	if (guess.cr_replaced >= r->cr_replaced) {
		free(guess.cr_data);
		return 0;
	}
	free(r->cr_data);
	*r = guess;
	r->cr_source = CHARSET_FROM_GUESS;
	return 0;
}

int
charset_decode(const char *data, size_t len, const char *http_charset,
    const char *override, struct charset_result *r, char *err, size_t errlen)
{
	const struct charset *cs = NULL, *http = NULL, *decl = NULL;
	enum charset_source src = CHARSET_FROM_FALLBACK;
	size_t bom = 0;

	memset(r, 0, sizeof(*r));
	if (errlen > 0)
		err[0] = '\0';
	if (len > CHARSET_OUT_MAX) {
		snprintf(err, errlen, "document too large to decode "
		    "(%zu bytes)", len);
		return -1;
	}
	if (override != NULL && *override != '\0' &&
	    strcasecmp(override, "auto") != 0) {
		if ((cs = charset_find(override, strlen(override))) == NULL) {
			snprintf(err, errlen, "unknown encoding '%.40s'",
			    override);
			return -1;
		}
		src = CHARSET_FROM_OVERRIDE;
		goto decode;
	}
	if ((cs = sniff_unicode(data, len, &bom, &src)) != NULL) {
		if (cs == &charset_table[CS_UTF_8] && text_is_utf8(data, len)) {
			copy_as_is(data, len, r);
			goto done;
		}
		goto decode;
	}
	if (http_charset != NULL)
		http = charset_find(http_charset, strlen(http_charset));
	decl = charset_declared(data, len);
	if (is_7bit(data, len)) {
		if (has_jis_escape(data, len)) {
			cs = &charset_table[CS_ISO_2022_JP];
			src = CHARSET_FROM_PATTERN;
			goto decode;
		}
		/* The bytes read the same: keep the name they were given. */
		if (http != NULL && http->cs_ascii) {
			cs = http;
			src = CHARSET_FROM_HTTP;
		} else if (decl != NULL && decl->cs_ascii) {
			cs = decl;
			src = CHARSET_FROM_DECLARATION;
		} else {
			cs = &charset_table[CS_UTF_8];
			src = CHARSET_FROM_UTF8;
		}
		copy_as_is(data, len, r);
		goto done;
	}
	if (text_is_utf8(data, len)) {
		cs = &charset_table[CS_UTF_8];
		src = CHARSET_FROM_UTF8;
		copy_as_is(data, len, r);
		goto done;
	}
	if (http != NULL && !(is_server_default(http) && decl != NULL &&
	    decl->cs_multibyte)) {
		cs = http;
		src = CHARSET_FROM_HTTP;
	} else if (decl != NULL) {
		cs = decl;
		src = CHARSET_FROM_DECLARATION;
	} else if (guess_japanese(data, len, r) == 0) {
		r->cr_source = CHARSET_FROM_GUESS;
		return 0;
	} else {
		cs = &charset_table[CS_UTF_8];
		src = CHARSET_FROM_FALLBACK;
	}
	if (cs == &charset_table[CS_UTF_8] && src != CHARSET_FROM_FALLBACK)
		return decode_declared_utf8(data, len, r, src, err, errlen);
decode:
	if (decode_as(cs, data + bom, len - bom, r, err, errlen) == -1)
		return -1;
done:
	r->cr_charset = cs->cs_name;
	r->cr_source = src;
	return 0;
}

unsigned long
charset_c1_to_cp1252(unsigned long c)
{
	/* 0x80-0x9f in windows-1252; 0: undefined there, left alone. */
	static const unsigned short c1[32] = {
		0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
		0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
	};

	if (c >= 0x80 && c <= 0x9f && c1[c - 0x80] != 0)
		return c1[c - 0x80];
	return c;
}

/* What replaces the character at p, of n bytes; 0 when it stays. */
static size_t
control_fix(const unsigned char *p, size_t left, char out[3])
{
	unsigned long c;

	if (p[0] < 0x20 && p[0] != '\t' && p[0] != '\n' && p[0] != '\r') {
		memcpy(out, replacement, 3);
		return 3;
	}
	if (p[0] == 0xef && left >= 3 && p[1] == 0xbf &&
	    (p[2] == 0xbe || p[2] == 0xbf)) {
		memcpy(out, replacement, 3);
		return 3;
	}
	if (p[0] == 0xc2 && left >= 2 && p[1] >= 0x80 && p[1] <= 0x9f &&
	    (c = charset_c1_to_cp1252(p[1])) != p[1]) {
		if (c < 0x800) {	/* Œ Š ƒ ˆ ˜ ...: two bytes, never three */
			out[0] = (char)(0xc0 | (c >> 6));
			out[1] = (char)(0x80 | (c & 0x3f));
			return 2;
		}
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	return 0;
}

/* The length of the UTF-8 sequence that starts with byte b. */
static size_t
seq_len(unsigned char b)
{
	if (b < 0xc0)
		return 1;
	if (b < 0xe0)
		return 2;
	return b < 0xf0 ? 3 : 4;
}

size_t
charset_replace_controls(struct charset_result *r)
{
	const unsigned char *p = (const unsigned char *)r->cr_data;
	size_t i, n, k, o = 0, len = r->cr_len, fixes = 0, replaced = 0;
	char fix[3], *out;

	for (i = 0; i < len; i += n) {
		n = seq_len(p[i]);
		if (n > len - i)
			n = len - i;
		if (control_fix(p + i, len - i, fix) > 0)
			fixes++;
	}
	if (fixes == 0)
		return 0;
	/* Each fix writes 3 bytes for 1 to 3. */
	out = xmalloc(len + 2 * fixes + 1);
	for (i = 0; i < len; i += n) {
		n = seq_len(p[i]);
		if (n > len - i)
			n = len - i;
		if ((k = control_fix(p + i, len - i, fix)) > 0) {
			if (k == 3 && fix[0] == replacement[0] && fix[1] ==
			    replacement[1] && fix[2] == replacement[2])
				replaced++;
			memcpy(out + o, fix, k);
			o += k;
		} else {
			memcpy(out + o, p + i, n);
			o += n;
		}
	}
	out[o] = '\0';
	free(r->cr_data);
	r->cr_data = out;
	r->cr_len = o;
	r->cr_replaced += replaced;
	return replaced;
}
