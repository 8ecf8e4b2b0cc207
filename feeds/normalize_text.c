/*
 * normalize_text.c — Japanese text normalization: NFKC and what NFKC
 * leaves out, whitespace folding, title comparison keys, phone numbers and
 * e-mail addresses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "buf.h"
#include "normalize.h"
#include "text.h"
#include "xmalloc.h"

/* Dashes NFKC keeps apart from '-' (it maps only U+FE63 and U+FF0D). */
static int
is_dash(int32_t c)
{
	switch (c) {
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2043: case 0x2212: case 0x2E3A: case 0x2E3B:
	case 0xFE58: case 0xFE63: case 0xFF0D:
		return 1;
	}
	return 0;
}

/* 〜 and its look-alikes; NFKC maps only the full-width tilde U+FF5E. */
static int
is_wave(int32_t c)
{
	return c == 0x301C || c == 0x3030 || c == 0x2053 || c == 0x223C ||
	    c == 0xFF5E;
}

static int
is_space_cp(int32_t c)
{
	utf8proc_category_t cat;

	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f' || c == 0x85)
		return 1;
	cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	    cat == UTF8PROC_CATEGORY_ZP;
}

/* Invisible characters that only get in the way of comparison. */
static int
is_dropped(int32_t c)
{
	if (c == 0x200B || c == 0x2060 || c == 0xFEFF || c == 0x00AD)
		return 1;
	return !is_space_cp(c) &&
	    utf8proc_category(c) == UTF8PROC_CATEGORY_CC;
}

static void
put_cp(struct buf *b, int32_t c)
{
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t n;

	n = utf8proc_encode_char(c, enc);
	buf_append(b, enc, (size_t)n);
}

/*
 * The explicit mappings over valid UTF-8; with fold, whitespace runs
 * become one space and the ends are trimmed.
 */
static char *
map_pass(const char *s, int fold)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s), n;
	utf8proc_int32_t c;
	struct buf b;
	int pending_space = 0;

	buf_init(&b, SIZE_MAX);
	while (len > 0) {
		n = utf8proc_iterate(p, len, &c);
		if (n <= 0) {		/* cannot happen after sanitizing */
			c = 0xFFFD;
			n = 1;
		}
		p += n;
		len -= n;
		if (is_dropped(c))
			continue;
		if (fold && is_space_cp(c)) {
			pending_space = b.len > 0;
			continue;
		}
		if (pending_space)
			buf_append(&b, " ", 1);
		pending_space = 0;
		if (is_dash(c))
			c = '-';
		else if (is_wave(c))
			c = '~';
		put_cp(&b, c);
	}
	if (b.data == NULL)
		return xstrdup("");
	return buf_release(&b, NULL);
}

static char *
nfkc(const char *s, int casefold)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n;
	utf8proc_option_t opt = UTF8PROC_NULLTERM | UTF8PROC_STABLE |
	    UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
	char *copy;

	if (casefold)
		opt |= UTF8PROC_CASEFOLD;
	n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out, opt);
	if (n < 0) {
		/* Only on exhausted memory: the input is valid UTF-8. */
		free(out);
		return xstrdup(s);
	}
	copy = xstrdup((const char *)out);
	free(out);
	return copy;
}

char *
normalize_text(const char *s)
{
	char *clean, *pre, *norm, *out;

	if (s == NULL)
		return NULL;
	clean = text_sanitize_utf8(s);
	/* Mapped before NFKC too: a dropped zero-width character between a
	 * letter and a combining mark would let a second NFKC compose them. */
	pre = map_pass(clean, 0);
	norm = nfkc(pre, 0);
	out = map_pass(norm, 1);
	free(clean);
	free(pre);
	free(norm);
	return out;
}

/* --- comparison keys --------------------------------------------------- */

static int32_t
closing_bracket(int32_t c)
{
	switch (c) {
	case 0x3010: return 0x3011;	/* 【】 */
	case '[': return ']';		/* ［］ after NFKC */
	case 0x3014: return 0x3015;	/* 〔〕 */
	case 0x3016: return 0x3017;	/* 〖〗 */
	case 0x300A: return 0x300B;	/* 《》 */
	case 0x3008: return 0x3009;	/* 〈〉 */
	case 0x226A: return 0x226B;	/* ≪≫ */
	case '<': return '>';		/* ＜＞ after NFKC */
	}
	return 0;
}

#define LABEL_MAX	20	/* codepoints inside a decoration label */

/* Length in bytes of a bracketed label starting at p, or 0. */
static size_t
label_len(const utf8proc_uint8_t *p, utf8proc_ssize_t len)
{
	utf8proc_int32_t open, close, c;
	utf8proc_ssize_t n, off;
	int count = 0;

	n = utf8proc_iterate(p, len, &open);
	if (n <= 0 || (close = closing_bracket(open)) == 0)
		return 0;
	for (off = n; off < len && count <= LABEL_MAX; off += n, count++) {
		n = utf8proc_iterate(p + off, len - off, &c);
		if (n <= 0 || c == open)
			return 0;
		if (c == close)
			return (size_t)(off + n);
	}
	return 0;
}

static int
is_word_cp(int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* Letters and digits of s, case folded; labels skipped with skip_labels. */
static char *
key_of(const char *s, int skip_labels)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s), n;
	utf8proc_int32_t c;
	struct buf b;
	char *words, *folded;
	size_t skip;

	buf_init(&b, SIZE_MAX);
	buf_append(&b, "", 0);
	while (len > 0) {
		if (skip_labels && (skip = label_len(p, len)) > 0) {
			p += skip;
			len -= (utf8proc_ssize_t)skip;
			continue;
		}
		n = utf8proc_iterate(p, len, &c);
		if (n <= 0)
			break;
		if (is_word_cp(c))
			buf_append(&b, p, (size_t)n);
		p += n;
		len -= n;
	}
	words = buf_release(&b, NULL);
	folded = nfkc(words, 1);
	free(words);
	return folded;
}

char *
normalize_compare_key(const char *title)
{
	char *norm, *key;

	if (title == NULL)
		return NULL;
	norm = normalize_text(title);
	key = key_of(norm, 1);
	if (*key == '\0') {
		free(key);
		key = key_of(norm, 0);
	}
	free(norm);
	return key;
}

/* --- phone numbers and e-mail addresses -------------------------------- */

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Dash-like characters people put in phone numbers, after normalize_text. */
static size_t
phone_dash_len(const char *s)
{
	static const char *const dashes[] = {
		"-", "\xe3\x83\xbc" /* ー */, "\xe2\x94\x80" /* ─ */,
		"\xe2\x94\x81" /* ━ */,
	};
	size_t i, n;

	for (i = 0; i < sizeof(dashes) / sizeof(dashes[0]); i++) {
		n = strlen(dashes[i]);
		if (strncmp(s, dashes[i], n) == 0)
			return n;
	}
	return 0;
}

/* Skips a leading "TEL:", "電話番号：", "☎" and the like. */
static const char *
skip_phone_label(const char *s)
{
	static const char *const labels[] = {
		"\xe9\x9b\xbb\xe8\xa9\xb1\xe7\x95\xaa\xe5\x8f\xb7", /* 電話番号 */
		"\xe9\x9b\xbb\xe8\xa9\xb1",		/* 電話 */
		"\xe2\x98\x8e", "\xe2\x98\x8f",	/* ☎ ☏ */
		"phone", "tel.", "tel",
	};
	size_t i, n;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		n = strlen(labels[i]);
		if (strncasecmp(s, labels[i], n) == 0) {
			s += n;
			while (*s == ' ' || *s == ':')
				s++;
			return s;
		}
	}
	return s;
}

/* Only digits, blanks, dashes, parentheses and '+': one number. */
static int
phone_is_bare(const char *s)
{
	size_t n;

	while (*s) {
		if (is_digit(*s) || strchr(" ()+", *s) != NULL)
			s++;
		else if ((n = phone_dash_len(s)) > 0)
			s += n;
		else
			return 0;
	}
	return 1;
}

char *
normalize_phone(const char *s)
{
	char *norm, *out;
	const char *p, *q;
	size_t o = 0, n;
	int bare, dash, any;

	if (s == NULL)
		return NULL;
	norm = normalize_text(s);
	p = skip_phone_label(norm);
	bare = phone_is_bare(p);
	out = xmalloc(strlen(p) + 1);
	while (*p) {
		/* "(0566)62-1000": the area code in brackets. */
		if (o == 0 && *p == '(' && is_digit(p[1])) {
			p++;
			continue;
		}
		/* Between two digits, a run of dashes, brackets and blanks is
		 * one '-'; blanks alone only in a bare number. */
		if (o > 0 && is_digit(out[o - 1]) && !is_digit(*p)) {
			for (q = p, dash = 0, any = 0;; any = 1) {
				if (*q == ' ')
					q++;
				else if (*q == '(' || *q == ')') {
					q++;
					dash = 1;
				} else if ((n = phone_dash_len(q)) > 0) {
					q += n;
					dash = 1;
				} else
					break;
			}
			if (any && is_digit(*q) && (dash || bare)) {
				out[o++] = '-';
				p = q;
				continue;
			}
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
	free(norm);
	return out;
}

char *
normalize_email(const char *s)
{
	char *norm, *out, *at;

	if (s == NULL)
		return NULL;
	norm = normalize_text(s);
	if (strncasecmp(norm, "mailto:", 7) == 0)
		out = xstrdup(norm + 7);
	else
		out = xstrdup(norm);
	free(norm);
	if ((at = strrchr(out, '@')) != NULL)
		for (; *at; at++)
			if (*at >= 'A' && *at <= 'Z')
				*at += 'a' - 'A';
	return out;
}
