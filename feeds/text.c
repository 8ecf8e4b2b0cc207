/* text.c — UTF-8 sanitizing, trimming, HTML escaping and tag stripping. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "xmalloc.h"

static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

/*
 * Length of the valid UTF-8 sequence at p (1 to 4), or 0 when it is
 * invalid; *badlen then says how many bytes one U+FFFD stands for (the
 * lead byte and the continuation bytes that were still plausible).
 */
static size_t
utf8_seq(const unsigned char *p, size_t left, uint32_t *cp, size_t *badlen)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;
	uint32_t c;

	*badlen = 1;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
		if (p[0] == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f;		/* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
		if (p[0] == 0xf0)
			lo = 0x90;		/* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f;		/* beyond U+10FFFF */
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if (i >= left || p[i] < lo || p[i] > hi) {
			*badlen = i;
			return 0;
		}
		c = (c << 6) | (p[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return n;
}

char *
text_sanitize_utf8_len(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, n, bad;
	uint32_t cp;
	char *out;

	/* Worst case: every byte becomes a 3-byte U+FFFD. */
	out = xreallocarray(NULL, len + 1, 3);
	while (i < len) {
		n = utf8_seq(p + i, len - i, &cp, &bad);
		if (n == 0) {
			memcpy(out + o, replacement, 3);
			o += 3;
			i += bad;
			continue;
		}
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    cp == 0xfffe || cp == 0xffff) {
			i += n;
			continue;
		}
		memcpy(out + o, p + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

int
text_is_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, bad;
	uint32_t cp;

	while (i < len) {
		if ((n = utf8_seq(p + i, len - i, &cp, &bad)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

char *
text_sanitize_utf8(const char *s)
{
	return text_sanitize_utf8_len(s, strlen(s));
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

char *
text_trim(const char *s)
{
	size_t len;

	while (is_space((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

char *
text_html_escape(const char *s)
{
	const char *rep;
	size_t len = 0, o = 0;
	const char *p;
	char *out;

	for (p = s; *p; p++)
		len += 6;		/* longest: &quot; */
	out = xmalloc(len + 1);
	for (p = s; *p; p++) {
		switch (*p) {
		case '&':	rep = "&amp;";	break;
		case '<':	rep = "&lt;";	break;
		case '>':	rep = "&gt;";	break;
		case '"':	rep = "&quot;";	break;
		case '\'':	rep = "&#39;";	break;
		default:
			out[o++] = *p;
			continue;
		}
		memcpy(out + o, rep, strlen(rep));
		o += strlen(rep);
	}
	out[o] = '\0';
	return out;
}

/* Encodes cp as UTF-8 into out (4 bytes room); returns the length. */
static size_t
utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | (cp >> 6);
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | (cp >> 12);
		out[1] = 0x80 | ((cp >> 6) & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | (cp >> 18);
	out[1] = 0x80 | ((cp >> 12) & 0x3f);
	out[2] = 0x80 | ((cp >> 6) & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

static const struct {
	const char	*name;
	const char	*text;
} entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
	{ "apos", "'" }, { "nbsp", " " }, { "copy", "\xc2\xa9" },
	{ "reg", "\xc2\xae" }, { "yen", "\xc2\xa5" },
	{ "hellip", "\xe2\x80\xa6" }, { "mdash", "\xe2\x80\x94" },
	{ "ndash", "\xe2\x80\x93" }, { "middot", "\xc2\xb7" },
	{ "laquo", "\xc2\xab" }, { "raquo", "\xc2\xbb" },
};

/*
 * Decodes the reference at s ('&'); returns the bytes consumed and writes
 * the text to out (room for 4 bytes), or 0 when it is no reference we know.
 */
static size_t
decode_entity(const char *s, char *out, size_t *outlen)
{
	const char *semi, *p;
	unsigned long cp;
	char *end;
	size_t i, n;

	if ((semi = strchr(s, ';')) == NULL || semi - s > 10)
		return 0;
	n = semi - s - 1;
	if (s[1] == '#') {
		p = s + 2;
		if (*p == 'x' || *p == 'X')
			cp = strtoul(p + 1, &end, 16);
		else
			cp = strtoul(p, &end, 10);
		if (end != semi || end == p || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0)
			return 0;
		if (cp < 0x20)
			cp = ' ';
		*outlen = utf8_put(cp, out);
		return semi - s + 1;
	}
	for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
		if (strlen(entities[i].name) == n &&
		    strncmp(s + 1, entities[i].name, n) == 0) {
			*outlen = strlen(entities[i].text);
			memcpy(out, entities[i].text, *outlen);
			return n + 2;
		}
	}
	return 0;
}

/* Elements that separate words: replaced by a space, not by nothing. */
static int
tag_breaks_words(const char *tag)
{
	static const char *const names[] = {
		"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "table",
		"h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "dl", "hr",
		"blockquote", "pre", "section", "article",
	};
	size_t i, n;

	if (*tag == '/')
		tag++;
	for (n = 0; tag[n] && !is_space((unsigned char)tag[n]) &&
	    tag[n] != '>' && tag[n] != '/'; n++)
		;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && strncasecmp(tag, names[i], n) == 0)
			return 1;
	return 0;
}

/* Skips a tag at s ('<'), and the body of script and style elements. */
static const char *
skip_tag(const char *s)
{
	const char *end, *close = NULL;

	if (strncmp(s, "<!--", 4) == 0) {
		for (end = s + 4; *end != '\0'; end++)
			if (strncmp(end, "-->", 3) == 0)
				return end + 3;
		return NULL;
	}
	if (strncasecmp(s, "<script", 7) == 0)
		close = "</script";
	else if (strncasecmp(s, "<style", 6) == 0)
		close = "</style";
	if (close != NULL && (s = strcasestr(s, close)) == NULL)
		return NULL;
	end = strchr(s, '>');
	return end ? end + 1 : NULL;
}

char *
text_strip_tags(const char *s)
{
	char *out, *clean, ent[4];
	size_t o = 0, n, entlen;
	int space = 0;

	/* An entity never grows: "&#x10000;" is 9 bytes for 4. */
	out = xmalloc(strlen(s) + 1);
	while (*s) {
		if (*s == '<') {
			if (tag_breaks_words(s + 1))
				space = 1;
			if ((s = skip_tag(s)) == NULL)
				break;
			continue;
		}
		if (is_space((unsigned char)*s)) {
			space = 1;
			s++;
			continue;
		}
		if (space && o > 0)
			out[o++] = ' ';
		space = 0;
		if (*s == '&' && (n = decode_entity(s, ent, &entlen)) > 0) {
			if (entlen == 1 && is_space((unsigned char)ent[0]))
				space = 1;
			else {
				memcpy(out + o, ent, entlen);
				o += entlen;
			}
			s += n;
			continue;
		}
		out[o++] = *s++;
	}
	out[o] = '\0';
	clean = text_sanitize_utf8(out);
	free(out);
	return clean;
}
