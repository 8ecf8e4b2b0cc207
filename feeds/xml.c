/* xml.c — the hardened xmlTextReader shared by the XML feed parsers. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlsave.h>

#include "buf.h"
#include "charset.h"
#include "html_entities.h"
#include "text.h"
#include "xml.h"
#include "xmalloc.h"

/*
 * NONET: no network even if something asks.  NOCDATA: CDATA arrives as
 * plain text, so text is gathered one way and xhtml serializes without
 * CDATA sections.  Entities stay unexpanded (no NOENT), no DTD is loaded
 * or defaulted, no XInclude, and libxml2's size limits stay on (no HUGE).
 */
#define XML_OPTIONS	(XML_PARSE_NONET | XML_PARSE_NOCDATA | \
			 XML_PARSE_COMPACT)

static xmlParserInputPtr
xml_deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	return NULL;
}

static void
xml_init(void)
{
	static int done;

	if (done)
		return;
	LIBXML_TEST_VERSION
	xmlInitParser();
	xmlSetExternalEntityLoader(xml_deny_loader);
	done = 1;
}

/* Records msg unless an error at least as severe is already recorded. */
static void
xml_record(struct xml_reader *xr, int level, int line, const char *msg)
{
	char *one, *p;

	if (xr->xr_errlen == 0 || (xr->xr_errlevel != 0 &&
	    (xr->xr_errlevel >= XML_ERR_FATAL || level <= xr->xr_errlevel)))
		return;
	/* libxml2's messages end in newlines and may quote raw input. */
	one = text_sanitize_utf8(msg);
	for (p = one; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	p = text_trim(one);
	if (line > 0)
		snprintf(xr->xr_err, xr->xr_errlen, "XML error at line %d: %s",
		    line, p);
	else
		snprintf(xr->xr_err, xr->xr_errlen, "XML error: %s", p);
	free(p);
	free(one);
	xr->xr_errlevel = level;
}

static void
xml_error_cb(void *arg, xmlErrorPtr e)
{
	struct xml_reader *xr = arg;

	if (e == NULL || e->level == XML_ERR_NONE ||
	    e->level == XML_ERR_WARNING)
		return;
	xml_record(xr, e->level, e->line,
	    e->message ? e->message : "unknown error");
}

void
xml_fail(struct xml_reader *xr, const char *fmt, ...)
{
	va_list ap;

	if (xr->xr_errlen > 0 && xr->xr_errlevel < XML_ERR_FATAL) {
		va_start(ap, fmt);
		vsnprintf(xr->xr_err, xr->xr_errlen, fmt, ap);
		va_end(ap);
		xr->xr_errlevel = XML_ERR_FATAL;
	}
	xr->xr_failed = 1;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
xml_prescan(const char *data, size_t len, char *err, size_t errlen)
{
	const char *p = data, *end = data + len, *q;
	char quote = 0;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (;;) {
		while (p < end && is_space(*p))
			p++;
		if (end - p >= 2 && memcmp(p, "<?", 2) == 0) {
			if ((q = memmem(p, end - p, "?>", 2)) == NULL)
				return 0;
			p = q + 2;
		} else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			if ((q = memmem(p + 4, end - p - 4, "-->", 3)) == NULL)
				return 0;
			p = q + 3;
		} else
			break;
	}
	if (end - p < 9 || strncasecmp(p, "<!DOCTYPE", 9) != 0)
		return 0;
	for (p += 9; p < end; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'')
			quote = *p;
		else if (*p == '>')
			return 0;
		else if (*p == '[') {
			snprintf(err, errlen,
			    "DOCTYPE with an internal subset refused");
			return -1;
		}
	}
	return 0;
}

enum ref_fix {
	REF_KEEP,	/* an XML reference */
	REF_ESCAPE,	/* no reference: '&' becomes "&amp;" */
	REF_NUMERIC,	/* becomes "&#N;" with N in *cp */
};

static int
is_xml_char(unsigned long c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 &&
	    c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
	    (c >= 0x10000 && c <= 0x10ffff);
}

static int
is_ref_name_char(char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c == ':' || (!first && ((c >= '0' && c <= '9') || c == '.' ||
	    c == '-'));
}

/* What the '&' at p (left bytes) starts; *reflen is its length. */
static enum ref_fix
ref_classify(const char *p, size_t left, size_t *reflen, unsigned long *cp)
{
	static const char *const predefined[] = {
		"amp", "lt", "gt", "quot", "apos",
	};
	const int hex = left > 2 && p[1] == '#' && (p[2] == 'x' ||
	    p[2] == 'X');
	unsigned long v = 0;
	size_t i, n, start;
	int d;

	if (left > 1 && p[1] == '#') {
		start = hex ? 3 : 2;
		for (i = start; i < left && i < start + 8; i++) {
			if (p[i] >= '0' && p[i] <= '9')
				d = p[i] - '0';
			else if (hex && p[i] >= 'a' && p[i] <= 'f')
				d = p[i] - 'a' + 10;
			else if (hex && p[i] >= 'A' && p[i] <= 'F')
				d = p[i] - 'A' + 10;
			else
				break;
			v = v * (hex ? 16 : 10) + d;
		}
		if (i == start || i >= left || p[i] != ';')
			return REF_ESCAPE;
		*reflen = i + 1;
		/* &#146; means ’, as in HTML: windows-1252 read as Latin-1. */
		if ((*cp = charset_c1_to_cp1252(v)) != v)
			return REF_NUMERIC;
		if (is_xml_char(v))	/* XML has no &#X41;: rewrite it */
			return p[2] == 'X' ? REF_NUMERIC : REF_KEEP;
		*cp = 0xfffd;
		return REF_NUMERIC;
	}
	for (i = 1; i < left && is_ref_name_char(p[i], i == 1); i++)
		if (i > 32)
			return REF_ESCAPE;
	if (i == 1 || i >= left || p[i] != ';')
		return REF_ESCAPE;
	*reflen = i + 1;
	n = i - 1;
	for (i = 0; i < sizeof(predefined) / sizeof(predefined[0]); i++)
		if (strlen(predefined[i]) == n &&
		    memcmp(p + 1, predefined[i], n) == 0)
			return REF_KEEP;
	if ((*cp = html_entity_lookup(p + 1, n)) != 0)
		return REF_NUMERIC;
	return REF_ESCAPE;
}

/*
 * Writes data with its references fixed into out (NULL: only counts).
 * Returns the output length; *fixes counts what changed.
 */
static size_t
repair_refs(const char *data, size_t len, char *out, size_t *fixes)
{
	static const struct {
		const char	*open, *close;
	} verbatim[] = {
		{ "<![CDATA[", "]]>" },
		{ "<!--", "-->" },
		{ "<?", "?>" },
	};
	const char *p = data, *end = data + len, *q;
	size_t o = 0, n, k, reflen = 0;
	unsigned long cp = 0;
	char num[16];

	*fixes = 0;
	while (p < end) {
		if (*p == '<') {
			for (k = 0; k < sizeof(verbatim) / sizeof(verbatim[0]);
			    k++) {
				n = strlen(verbatim[k].open);
				if ((size_t)(end - p) >= n &&
				    memcmp(p, verbatim[k].open, n) == 0)
					break;
			}
			if (k < sizeof(verbatim) / sizeof(verbatim[0])) {
				q = memmem(p + n, end - p - n,
				    verbatim[k].close,
				    strlen(verbatim[k].close));
				q = q ? q + strlen(verbatim[k].close) : end;
				if (out)
					memcpy(out + o, p, q - p);
				o += q - p;
				p = q;
				continue;
			}
		}
		if (*p != '&') {
			if (out)
				out[o] = *p;
			o++;
			p++;
			continue;
		}
		switch (ref_classify(p, end - p, &reflen, &cp)) {
		case REF_KEEP:
			if (out)
				memcpy(out + o, p, reflen);
			o += reflen;
			p += reflen;
			break;
		case REF_NUMERIC:
			n = snprintf(num, sizeof(num), "&#%lu;", cp);
			if (out)
				memcpy(out + o, num, n);
			o += n;
			p += reflen;
			(*fixes)++;
			break;
		case REF_ESCAPE:
			if (out)
				memcpy(out + o, "&amp;", 5);
			o += 5;
			p++;
			(*fixes)++;
			break;
		}
	}
	return o;
}

int
xml_open(struct xml_reader *xr, const char *data, size_t len,
    const char *url, char *err, size_t errlen)
{
	const char *encoding = NULL;
	int options = XML_OPTIONS;
	size_t n;

	memset(xr, 0, sizeof(*xr));
	xr->xr_err = err;
	xr->xr_errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	xml_init();
	if (len > INT_MAX) {
		xml_fail(xr, "XML error: document too large");
		return -1;
	}
	if (len == 0) {
		xml_fail(xr, "XML error: empty document");
		return -1;
	}
	if (xml_prescan(data, len, err, errlen) == -1)
		return -1;
	/*
	 * Bytes that are valid UTF-8 are read as UTF-8 whatever the XML
	 * declaration claims: either the charset stage already converted
	 * them (feed_parse() always does), or the declaration lies
	 * (Shift_JIS text is never valid UTF-8 beyond ASCII).  Anything else
	 * (UTF-16 and UTF-32 have a NUL byte in their first four) is left to
	 * libxml2's detection and the declaration.
	 */
	if (memchr(data, '\0', len < 4 ? len : 4) == NULL &&
	    text_is_utf8(data, len)) {
		encoding = "UTF-8";
		options |= XML_PARSE_IGNORE_ENC;
	}
	/* References are fixed in UTF-8 only, where '&' is one byte. */
	if (encoding != NULL && memchr(data, '&', len) != NULL) {
		n = repair_refs(data, len, NULL, &xr->xr_repairs);
		if (n > INT_MAX) {
			xml_fail(xr, "XML error: document too large");
			return -1;
		}
		if (xr->xr_repairs > 0) {
			xr->xr_repaired = xmalloc(n + 1);
			repair_refs(data, len, xr->xr_repaired,
			    &xr->xr_repairs);
			xr->xr_repaired[n] = '\0';
			data = xr->xr_repaired;
			len = n;
		}
	}
	/* Errors raised without a parser context (encoding) come here too. */
	xr->xr_saved_handler = xmlStructuredError;
	xr->xr_saved_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(xr, xml_error_cb);
	xr->xr_reader = xmlReaderForMemory(data, (int)len, url, encoding,
	    options);
	if (xr->xr_reader == NULL) {
		xml_fail(xr, "XML error: cannot create a reader");
		xmlSetStructuredErrorFunc(xr->xr_saved_ctx,
		    xr->xr_saved_handler);
		free(xr->xr_repaired);
		xr->xr_repaired = NULL;
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(xr->xr_reader, xml_error_cb,
	    xr);
	return 0;
}

void
xml_close(struct xml_reader *xr)
{
	if (xr->xr_reader == NULL)
		return;
	xmlFreeTextReader(xr->xr_reader);
	xr->xr_reader = NULL;
	xmlSetStructuredErrorFunc(xr->xr_saved_ctx, xr->xr_saved_handler);
	free(xr->xr_repaired);
	xr->xr_repaired = NULL;
}

/* A DTD that declares anything: entities, elements, attributes. */
static int
has_internal_subset(xmlNodePtr node)
{
	xmlDtdPtr dtd;

	if (node == NULL || node->doc == NULL ||
	    (dtd = node->doc->intSubset) == NULL)
		return 0;
	return dtd->children != NULL || dtd->entities != NULL ||
	    dtd->pentities != NULL || dtd->elements != NULL ||
	    dtd->attributes != NULL || dtd->notations != NULL;
}

int
xml_read(struct xml_reader *xr)
{
	int rc, line;

	if (xr->xr_failed)
		return -1;
	rc = xmlTextReaderRead(xr->xr_reader);
	if (rc == 0)
		return 0;
	line = xmlTextReaderGetParserLineNumber(xr->xr_reader);
	if (rc == -1) {
		if (xr->xr_errlevel < XML_ERR_FATAL)
			xml_record(xr, XML_ERR_FATAL, line,
			    "document is not well-formed");
		xr->xr_failed = 1;
		return -1;
	}
	/* The prescan misses prologs it cannot read (UTF-16, say). */
	if (has_internal_subset(xmlTextReaderCurrentNode(xr->xr_reader))) {
		xml_fail(xr, "DOCTYPE with an internal subset refused");
		return -1;
	}
	if (xmlTextReaderDepth(xr->xr_reader) > XML_MAX_DEPTH) {
		xml_fail(xr, "XML error at line %d: nesting deeper than %d "
		    "levels (depth limit)", line, XML_MAX_DEPTH);
		return -1;
	}
	return 1;
}

int
xml_next_child(struct xml_reader *xr, int depth)
{
	int rc, type, d;

	for (;;) {
		if ((rc = xml_read(xr)) <= 0)
			return rc;
		type = xmlTextReaderNodeType(xr->xr_reader);
		d = xmlTextReaderDepth(xr->xr_reader);
		if (type == XML_READER_TYPE_ELEMENT && d == depth + 1)
			return 1;
		if (type == XML_READER_TYPE_END_ELEMENT && d == depth)
			return 0;
	}
}

int
xml_next_element(struct xml_reader *xr)
{
	int rc;

	while ((rc = xml_read(xr)) == 1)
		if (xmlTextReaderNodeType(xr->xr_reader) ==
		    XML_READER_TYPE_ELEMENT)
			return 1;
	return rc;
}

int
xml_depth(struct xml_reader *xr)
{
	return xmlTextReaderDepth(xr->xr_reader);
}

int
xml_is_empty(struct xml_reader *xr)
{
	return xmlTextReaderIsEmptyElement(xr->xr_reader) == 1;
}

const char *
xml_local_name(struct xml_reader *xr)
{
	return (const char *)xmlTextReaderConstLocalName(xr->xr_reader);
}

const char *
xml_ns(struct xml_reader *xr)
{
	return (const char *)xmlTextReaderConstNamespaceUri(xr->xr_reader);
}

int
xml_is(struct xml_reader *xr, const char *ns, const char *local)
{
	const char *name = xml_local_name(xr), *uri = xml_ns(xr);

	if (name == NULL || strcmp(name, local) != 0)
		return 0;
	if (ns == NULL)
		return uri == NULL || *uri == '\0';
	return uri != NULL && strcmp(uri, ns) == 0;
}

/* A copy in our allocator of a string libxml2 allocated; frees it. */
static char *
own(xmlChar *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = xstrdup((const char *)s);
	xmlFree(s);
	return p;
}

char *
xml_attr(struct xml_reader *xr, const char *name)
{
	return own(xmlTextReaderGetAttribute(xr->xr_reader,
	    (const xmlChar *)name));
}

char *
xml_attr_ns(struct xml_reader *xr, const char *ns, const char *local)
{
	return own(xmlTextReaderGetAttributeNs(xr->xr_reader,
	    (const xmlChar *)local, (const xmlChar *)ns));
}

char *
xml_base(struct xml_reader *xr)
{
	return own(xmlTextReaderBaseUri(xr->xr_reader));
}

/* Appends what fits of s, cut at a character boundary; then stops. */
static void
append_bounded(struct buf *b, const char *s, int *truncated)
{
	size_t n = strlen(s), room;

	if (*truncated || buf_append(b, s, n) == 0)
		return;
	room = b->max - b->len;
	while (room > 0 && ((unsigned char)s[room] & 0xc0) == 0x80)
		room--;
	buf_append(b, s, room);
	*truncated = 1;
}

int
xml_text(struct xml_reader *xr, char **out)
{
	struct buf b;
	const char *v;
	int depth, type, truncated = 0, rc;

	*out = NULL;
	buf_init(&b, XML_TEXT_MAX);
	if (xml_is_empty(xr))
		goto done;
	depth = xml_depth(xr);
	while ((rc = xml_read(xr)) == 1) {
		type = xmlTextReaderNodeType(xr->xr_reader);
		if (type == XML_READER_TYPE_END_ELEMENT &&
		    xml_depth(xr) == depth)
			goto done;
		if (type == XML_READER_TYPE_TEXT ||
		    type == XML_READER_TYPE_CDATA ||
		    type == XML_READER_TYPE_WHITESPACE ||
		    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
			v = (const char *)xmlTextReaderConstValue(
			    xr->xr_reader);
			if (v != NULL)
				append_bounded(&b, v, &truncated);
		}
	}
	if (rc == 0)
		xml_fail(xr, "XML error: document ended inside an element");
	buf_free(&b);
	return -1;
done:
	*out = buf_release(&b, NULL);
	return 0;
}

/* Serializes node's children as UTF-8 markup (no character references). */
static int
dump_children(xmlNodePtr parent, struct buf *b)
{
	xmlOutputBufferPtr ob;
	xmlBufferPtr xb;
	xmlNodePtr n;
	int truncated = 0, rc = 0;

	if ((xb = xmlBufferCreate()) == NULL)
		return -1;
	if ((ob = xmlOutputBufferCreateBuffer(xb, NULL)) == NULL) {
		xmlBufferFree(xb);
		return -1;
	}
	for (n = parent->children; n != NULL; n = n->next) {
		xmlNodeDumpOutput(ob, n->doc, n, 0, 0, "UTF-8");
		xmlOutputBufferFlush(ob);
		if (xmlBufferLength(xb) > XML_TEXT_MAX)
			break;
	}
	if (xmlOutputBufferClose(ob) < 0)
		rc = -1;
	else
		append_bounded(b, (const char *)xmlBufferContent(xb),
		    &truncated);
	xmlBufferFree(xb);
	return rc;
}

enum inner_mode {
	INNER_XHTML_DIV,	/* Atom xhtml: what is inside the div */
	INNER_HTML,		/* markup if there are elements, else text */
};

static int
xml_inner(struct xml_reader *xr, enum inner_mode mode, char **out)
{
	xmlNodePtr node, first, from;
	struct buf b;
	char *rest;

	*out = NULL;
	if (xml_is_empty(xr)) {
		*out = xstrdup("");
		return 0;
	}
	if ((node = xmlTextReaderExpand(xr->xr_reader)) == NULL) {
		xml_fail(xr, "XML error: cannot read element content");
		return -1;
	}
	for (first = node->children; first != NULL; first = first->next)
		if (first->type == XML_ELEMENT_NODE)
			break;
	if (mode == INNER_HTML && first == NULL)
		return xml_text(xr, out);
	from = node;
	/* RFC 4287 4.1.1.3: the content is the div's, not the div itself. */
	if (mode == INNER_XHTML_DIV && first != NULL &&
	    strcmp((const char *)first->name, "div") == 0 &&
	    first->ns != NULL &&
	    strcmp((const char *)first->ns->href, XML_NS_XHTML) == 0)
		from = first;
	buf_init(&b, XML_TEXT_MAX);
	if (dump_children(from, &b) == -1) {
		buf_free(&b);
		xml_fail(xr, "XML error: cannot serialize element content");
		return -1;
	}
	/* Move past the element, whose subtree is now in memory. */
	if (xml_text(xr, &rest) == -1) {
		buf_free(&b);
		return -1;
	}
	free(rest);
	*out = buf_release(&b, NULL);
	return 0;
}

int
xml_inner_xhtml(struct xml_reader *xr, char **out)
{
	return xml_inner(xr, INNER_XHTML_DIV, out);
}

int
xml_html(struct xml_reader *xr, char **out)
{
	return xml_inner(xr, INNER_HTML, out);
}
