/* parse.c — format names, sniffing, and dispatch to one parser per format. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "feed.h"
#include "parse_private.h"
#include "xmalloc.h"

#define SNIFF_NAME_MAX	64

/*
 * One row per format.  fmt_strict_text: the syntax (XML, JSON) cannot
 * hold raw control characters, so they become U+FFFD (and are counted in
 * fd_replaced) instead of failing the whole document.
 */
static const struct {
	const char	*fmt_name;
	feed_parser_fn	 fmt_parse;	/* NULL: not supported yet */
	int		 fmt_strict_text;
} formats[] = {
	[FEED_FORMAT_AUTO] = { "auto", NULL, 0 },
	[FEED_FORMAT_RSS] = { "rss", rss_parse, 1 },
	[FEED_FORMAT_RDF] = { "rdf", rdf_parse, 1 },
	[FEED_FORMAT_ATOM] = { "atom", atom_parse, 1 },
	[FEED_FORMAT_JSONFEED] = { "jsonfeed", jsonfeed_parse, 1 },
	[FEED_FORMAT_CSV] = { "csv", csv_feed_parse, 0 },
	[FEED_FORMAT_ICAL] = { "ical", ical_parse, 0 },
};
#define NFORMATS	(sizeof(formats) / sizeof(formats[0]))

const char *
feed_format_name(enum feed_format f)
{
	if ((size_t)f >= NFORMATS)
		return "unknown";
	return formats[f].fmt_name;
}

int
feed_format_parse(const char *s, enum feed_format *out)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++) {
		if (strcasecmp(s, formats[i].fmt_name) == 0) {
			*out = (enum feed_format)i;
			return 0;
		}
	}
	return -1;
}

int
feed_is_full(const struct feed *f, const struct feed_parse_opts *opts)
{
	return opts->max_entries > 0 &&
	    f->fd_entries.pl_len >= opts->max_entries;
}

void
feed_free(struct feed *f)
{
	if (f == NULL)
		return;
	free(f->fd_title);
	free(f->fd_link);
	free(f->fd_self);
	free(f->fd_hub);
	free(f->fd_next);
	posting_list_clear(&f->fd_entries);
	while (f->fd_nissues > 0)
		free(f->fd_issues[--f->fd_nissues].fi_reason);
	free(f->fd_issues);
	free(f);
}

void
feed_add_issue(struct feed *f, int line, const char *fmt, ...)
{
	struct feed_issue *fi;
	va_list ap;

	f->fd_issues = xreallocarray(f->fd_issues, f->fd_nissues + 1,
	    sizeof(*f->fd_issues));
	fi = &f->fd_issues[f->fd_nissues++];
	fi->fi_line = line;
	va_start(ap, fmt);
	if (vasprintf(&fi->fi_reason, fmt, ap) < 0)
		fi->fi_reason = xstrdup("(out of memory)");
	va_end(ap);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	    c == ':';
}

/* Past the construct that starts at p and ends with close, or NULL. */
static const char *
skip_past(const char *p, const char *end, const char *close)
{
	const char *q = memmem(p, end - p, close, strlen(close));

	return q ? q + strlen(close) : NULL;
}

/* Past a DOCTYPE, internal subset included (quotes respected). */
static const char *
skip_doctype(const char *p, const char *end)
{
	char quote = 0;
	int bracket = 0;

	for (; p < end; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'')
			quote = *p;
		else if (*p == '[')
			bracket++;
		else if (*p == ']' && bracket > 0)
			bracket--;
		else if (*p == '>' && bracket == 0)
			return p + 1;
	}
	return NULL;
}

/*
 * An ASCII view of a UTF-16 or UTF-32 document's first characters (BOM,
 * or the "<?" pattern of XML 1.0 appendix F), for sniffing only: libxml2
 * decodes the document itself.  0 when the bytes are neither.
 */
static size_t
ascii_view(const char *data, size_t len, char *out, size_t outlen)
{
	static const struct {
		const char	*sig;
		size_t		 siglen, skip, width, low;
	} forms[] = {
		{ "\xff\xfe\0\0", 4, 4, 4, 0 },	/* UTF-32LE BOM */
		{ "\0\0\xfe\xff", 4, 4, 4, 3 },	/* UTF-32BE BOM */
		{ "\xff\xfe", 2, 2, 2, 0 },		/* UTF-16LE BOM */
		{ "\xfe\xff", 2, 2, 2, 1 },		/* UTF-16BE BOM */
		{ "<\0\0\0", 4, 0, 4, 0 },
		{ "\0\0\0<", 4, 0, 4, 3 },
		{ "<\0?\0", 4, 0, 2, 0 },
		{ "\0<\0?", 4, 0, 2, 1 },
	};
	const unsigned char *p = (const unsigned char *)data;
	size_t f, i, k, o = 0;
	unsigned char c;

	for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++)
		if (len >= forms[f].siglen &&
		    memcmp(p, forms[f].sig, forms[f].siglen) == 0)
			break;
	if (f == sizeof(forms) / sizeof(forms[0]))
		return 0;
	for (i = forms[f].skip; i + forms[f].width <= len && o < outlen;
	    i += forms[f].width) {
		c = p[i + forms[f].low];
		for (k = 0; k < forms[f].width; k++)
			if (k != forms[f].low && p[i + k] != 0)
				c = '?';	/* beyond ASCII: irrelevant */
		out[o++] = c < 0x80 ? c : '?';
	}
	return o;
}

/*
 * The format the bytes look like, and the root element's qualified name
 * in root (empty when there is none).  Looks no further than the root's
 * start tag.
 */
static enum feed_format
sniff_root(const char *data, size_t len, char root[SNIFF_NAME_MAX])
{
	const char *p, *end, *name, *tag_end, *local;
	char view[4096];
	size_t n;

	root[0] = '\0';
	if (data == NULL || len == 0)
		return FEED_FORMAT_AUTO;
	if ((n = ascii_view(data, len, view, sizeof(view))) > 0) {
		data = view;
		len = n;
	}
	p = data;
	end = data + len;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && is_space(*p))
		p++;
	if (p < end && *p == '{') {
		/* JSON: a feed only when it says it is one, anywhere. */
		root[0] = '{';
		root[1] = '\0';
		if (memmem(p, end - p, "jsonfeed.org/version/", 21) != NULL ||
		    memmem(p, end - p, "jsonfeed.org\\/version\\/", 23) !=
		    NULL)	/* PHP escapes slashes */
			return FEED_FORMAT_JSONFEED;
		return FEED_FORMAT_AUTO;
	}
	if (ical_sniff(p, end - p))
		return FEED_FORMAT_ICAL;
	if (csv_sniff(p, end - p))
		return FEED_FORMAT_CSV;
	while (p != NULL && p < end) {
		if (is_space(*p))
			p++;
		else if (end - p >= 2 && memcmp(p, "<?", 2) == 0)
			p = skip_past(p, end, "?>");
		else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
			p = skip_past(p + 4, end, "-->");
		else if (end - p >= 9 && strncasecmp(p, "<!DOCTYPE", 9) == 0)
			p = skip_doctype(p + 9, end);
		else
			break;
	}
	if (p == NULL || p >= end || *p != '<')
		return FEED_FORMAT_AUTO;
	name = ++p;
	while (p < end && is_name_char(*p))
		p++;
	if ((n = p - name) == 0 || n >= SNIFF_NAME_MAX)
		return FEED_FORMAT_AUTO;
	memcpy(root, name, n);
	root[n] = '\0';
	local = strchr(root, ':');
	local = local ? local + 1 : root;
	if (strcmp(local, "rss") == 0)
		return FEED_FORMAT_RSS;
	if (strcmp(local, "RDF") == 0)
		return FEED_FORMAT_RDF;
	if (strcmp(local, "feed") == 0) {
		/* Atom 1.0 or 0.3: the namespace is declared right here. */
		tag_end = memchr(p, '>', end - p);
		if (tag_end != NULL && (memmem(p, tag_end - p,
		    "http://www.w3.org/2005/Atom", 27) != NULL ||
		    memmem(p, tag_end - p, "http://purl.org/atom/ns#", 24) !=
		    NULL))
			return FEED_FORMAT_ATOM;
	}
	return FEED_FORMAT_AUTO;
}

enum feed_format
feed_sniff(const char *data, size_t len)
{
	char root[SNIFF_NAME_MAX];

	return sniff_root(data, len, root);
}

int
feed_parse(const char *data, size_t len, enum feed_format format,
    const struct feed_parse_opts *opts, struct feed **out, char *err,
    size_t errlen)
{
	static const struct feed_parse_opts defaults;
	struct charset_result cr;
	char root[SNIFF_NAME_MAX];
	struct feed *f;

	*out = NULL;
	if (errlen > 0)
		err[0] = '\0';
	if (opts == NULL)
		opts = &defaults;
	if ((size_t)format >= NFORMATS) {
		snprintf(err, errlen, "unknown feed format %d", (int)format);
		return -1;
	}
	/* Every parser reads valid UTF-8 (charset.h). */
	if (charset_decode(data, len, opts->http_charset, opts->encoding, &cr,
	    err, errlen) == -1)
		return -1;
	if (format == FEED_FORMAT_AUTO) {
		format = sniff_root(cr.cr_data, cr.cr_len, root);
		if (format == FEED_FORMAT_AUTO) {
			if (root[0] == '{')
				snprintf(err, errlen, "not a feed: JSON "
				    "without a jsonfeed.org version");
			else if (root[0] != '\0')
				snprintf(err, errlen,
				    "not a feed: root element <%s>", root);
			else
				snprintf(err, errlen,
				    "not a feed: no root element found");
			goto fail;
		}
	}
	if (formats[format].fmt_parse == NULL) {
		snprintf(err, errlen, "format '%s' is not supported yet",
		    formats[format].fmt_name);
		goto fail;
	}
	if (formats[format].fmt_strict_text)
		charset_replace_controls(&cr);
	f = xcalloc(1, sizeof(*f));
	f->fd_format = format;
	f->fd_charset = cr.cr_charset;
	f->fd_replaced = cr.cr_replaced;
	posting_list_init(&f->fd_entries);
	if (formats[format].fmt_parse(cr.cr_data, cr.cr_len, opts, f, err,
	    errlen) == -1) {
		if (errlen > 0 && err[0] == '\0')
			snprintf(err, errlen, "cannot parse the %s feed",
			    formats[format].fmt_name);
		feed_free(f);
		goto fail;
	}
	free(cr.cr_data);
	*out = f;
	return 0;
fail:
	free(cr.cr_data);
	return -1;
}
