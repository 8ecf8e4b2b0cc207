/*
 * sanitize.c — an allowlist HTML sanitizer on libxml2's HTML parser, and
 * the plain text of a fragment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include "buf.h"
#include "sanitize.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

/* Deeper elements are unwrapped: the walk stays shallow and bounded. */
#define SANITIZE_MAX_DEPTH	48
/* Re-parsing rounds before the output must read back as itself. */
#define SANITIZE_ROUNDS		4

enum elem_action {
	ELEM_UNWRAP = 0,	/* unknown: children only */
	ELEM_KEEP,
	ELEM_VOID,		/* kept, no content, no end tag */
	ELEM_DROP,		/* dropped with everything inside */
};

/* What an attribute's value must look like to be kept. */
enum attr_kind {
	ATTR_TEXT = 0,
	ATTR_NUMBER,		/* digits only */
	ATTR_URL,		/* http or https */
	ATTR_LINK,		/* http, https or mailto */
	ATTR_DIR,		/* ltr, rtl, auto */
	ATTR_LANG,		/* a language tag */
	ATTR_OLTYPE,		/* 1 a A i I */
};

struct attr_rule {
	const char	*ar_elem;	/* NULL: on every kept element */
	const char	*ar_name;
	enum attr_kind	 ar_kind;
};

static const char *const keep_elems[] = {
	"a", "abbr", "acronym", "address", "article", "aside", "b", "bdi",
	"bdo", "big", "blockquote", "caption", "cite", "code", "colgroup",
	"dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
	"figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "i",
	"ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby",
	"s", "samp", "section", "small", "span", "strike", "strong", "sub",
	"summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
	"time", "tr", "tt", "u", "ul", "var",
};

static const char *const void_elems[] = {
	"br", "col", "hr", "img", "wbr",
};

/* Dropped with their content: active, embedded or invisible. */
static const char *const drop_elems[] = {
	"applet", "audio", "base", "basefont", "bgsound", "canvas", "embed",
	"frame", "frameset", "head", "iframe", "input", "isindex", "keygen",
	"link", "math", "meta", "noembed", "noframes", "noscript", "object",
	"option", "param", "script", "select", "source", "style", "svg",
	"template", "textarea", "title", "track", "video", "xml", "xmp",
	"plaintext", "portal", "frame", "layer", "ilayer",
};

static const struct attr_rule attr_rules[] = {
	{ NULL, "title", ATTR_TEXT },
	{ NULL, "lang", ATTR_LANG },
	{ NULL, "dir", ATTR_DIR },
	{ "a", "href", ATTR_LINK },
	{ "a", "hreflang", ATTR_LANG },
	{ "img", "src", ATTR_URL },
	{ "img", "alt", ATTR_TEXT },
	{ "img", "width", ATTR_NUMBER },
	{ "img", "height", ATTR_NUMBER },
	{ "blockquote", "cite", ATTR_URL },
	{ "q", "cite", ATTR_URL },
	{ "del", "cite", ATTR_URL },
	{ "ins", "cite", ATTR_URL },
	{ "del", "datetime", ATTR_TEXT },
	{ "ins", "datetime", ATTR_TEXT },
	{ "time", "datetime", ATTR_TEXT },
	{ "td", "colspan", ATTR_NUMBER },
	{ "td", "rowspan", ATTR_NUMBER },
	{ "td", "headers", ATTR_TEXT },
	{ "th", "colspan", ATTR_NUMBER },
	{ "th", "rowspan", ATTR_NUMBER },
	{ "th", "headers", ATTR_TEXT },
	{ "th", "scope", ATTR_TEXT },
	{ "th", "abbr", ATTR_TEXT },
	{ "col", "span", ATTR_NUMBER },
	{ "colgroup", "span", ATTR_NUMBER },
	{ "ol", "start", ATTR_NUMBER },
	{ "ol", "type", ATTR_OLTYPE },
	{ "li", "value", ATTR_NUMBER },
};

/* Elements whose edges separate words in the plain text. */
static const char *const block_elems[] = {
	"address", "article", "aside", "blockquote", "br", "caption", "dd",
	"details", "div", "dl", "dt", "figcaption", "figure", "footer", "h1",
	"h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre",
	"section", "summary", "table", "td", "th", "tr", "ul",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The list's own spelling of name, or NULL. */
static const char *
list_name(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(name, list[i]) == 0)
			return list[i];
	return NULL;
}

static int
in_list(const char *name, const char *const *list, size_t n)
{
	return list_name(name, list, n) != NULL;
}

/* A kept element's name as written out: lowercase, from the allowlist. */
static const char *
elem_name(const xmlNode *n)
{
	const char *name;

	if ((name = list_name((const char *)n->name, keep_elems,
	    NELEM(keep_elems))) == NULL)
		name = list_name((const char *)n->name, void_elems,
		    NELEM(void_elems));
	return name;
}

static enum elem_action
elem_action(const xmlNode *n, int depth)
{
	const char *name = (const char *)n->name;

	if (in_list(name, drop_elems, NELEM(drop_elems)))
		return ELEM_DROP;
	if (depth >= SANITIZE_MAX_DEPTH)
		return ELEM_UNWRAP;
	if (in_list(name, keep_elems, NELEM(keep_elems)))
		return ELEM_KEEP;
	if (in_list(name, void_elems, NELEM(void_elems)))
		return ELEM_VOID;
	return ELEM_UNWRAP;
}

/* --- output ------------------------------------------------------------ */

static void
put_escaped(struct buf *b, const char *s, int attr)
{
	const char *rep;

	for (; *s; s++) {
		switch (*s) {
		case '&':	rep = "&amp;";	break;
		case '<':	rep = "&lt;";	break;
		case '>':	rep = "&gt;";	break;
		case '"':	rep = attr ? "&quot;" : NULL;	break;
		default:	rep = NULL;	break;
		}
		if (rep != NULL)
			buf_puts(b, rep);
		else
			buf_append(b, s, 1);
	}
}

static int
all_digits(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n <= 9 && s[n] == '\0';
}

/* The URL to write for value, or NULL when it must go. */
static char *
safe_url(const char *value, const char *base, int mailto_ok)
{
	xmlURIPtr uri;
	char *abs;
	int ok = 0;

	if ((abs = url_resolve(base, value, 0)) == NULL)
		return NULL;
	if ((uri = xmlParseURI(abs)) != NULL && uri->scheme != NULL) {
		if (strcasecmp(uri->scheme, "http") == 0 ||
		    strcasecmp(uri->scheme, "https") == 0)
			ok = uri->server != NULL && uri->server[0] != '\0';
		else if (mailto_ok && strcasecmp(uri->scheme, "mailto") == 0)
			ok = uri->path != NULL && uri->path[0] != '\0';
	}
	xmlFreeURI(uri);
	if (!ok) {
		free(abs);
		return NULL;
	}
	return abs;
}

/* The value to write for an attribute, or NULL when it must go. */
static char *
attr_value(const struct attr_rule *r, const char *v, const char *base)
{
	switch (r->ar_kind) {
	case ATTR_TEXT:
		return xstrdup(v);
	case ATTR_NUMBER:
		return all_digits(v) ? xstrdup(v) : NULL;
	case ATTR_URL:
		return safe_url(v, base, 0);
	case ATTR_LINK:
		return safe_url(v, base, 1);
	case ATTR_DIR:
		return strcasecmp(v, "ltr") == 0 || strcasecmp(v, "rtl") == 0 ||
		    strcasecmp(v, "auto") == 0 ? xstrdup(v) : NULL;
	case ATTR_LANG:
		return *v != '\0' && strlen(v) <= 35 && strspn(v,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-") == strlen(v) ? xstrdup(v) : NULL;
	case ATTR_OLTYPE:
		return strlen(v) == 1 && strchr("1aAiI", *v) != NULL ?
		    xstrdup(v) : NULL;
	}
	return NULL;
}

static const struct attr_rule *
attr_rule(const char *elem, const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(attr_rules); i++)
		if ((attr_rules[i].ar_elem == NULL ||
		    strcasecmp(attr_rules[i].ar_elem, elem) == 0) &&
		    strcasecmp(attr_rules[i].ar_name, name) == 0)
			return &attr_rules[i];
	return NULL;
}

static void
open_tag(struct buf *b, const xmlNode *n, const char *base)
{
	const struct attr_rule *r;
	const xmlAttr *a;
	xmlChar *raw;
	char *v;

	buf_puts(b, "<");
	buf_puts(b, elem_name(n));
	for (a = n->properties; a != NULL; a = a->next) {
		if (a->ns != NULL ||
		    (r = attr_rule((const char *)n->name,
		    (const char *)a->name)) == NULL)
			continue;
		raw = xmlNodeListGetString(n->doc, a->children, 1);
		v = attr_value(r, raw ? (const char *)raw : "", base);
		xmlFree(raw);
		if (v == NULL)
			continue;
		buf_printf(b, " %s=\"", r->ar_name);
		put_escaped(b, v, 1);
		buf_puts(b, "\"");
		free(v);
	}
	buf_puts(b, ">");
}

/* --- the walk ---------------------------------------------------------- */

struct walk {
	const char	*w_base;
	struct buf	*w_html;	/* sanitized HTML, or NULL */
	struct buf	*w_text;	/* plain text, or NULL */
	int		 w_lines;	/* block edges break lines in w_text */
	int		 w_space;	/* pending: 1 a space, 2 a newline */
};

/* Blanks of the plain text: ASCII ones, U+00A0 and U+3000. */
static size_t
blank_len(const unsigned char *p)
{
	if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
		return 1;
	if (p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	return 0;
}

static void
text_out(struct walk *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (w->w_html != NULL)
		put_escaped(w->w_html, s, 0);
	if (w->w_text == NULL)
		return;
	while (*p) {
		if ((n = blank_len(p)) > 0) {
			if (w->w_space == 0)
				w->w_space = 1;
			p += n;
			continue;
		}
		if (w->w_space && w->w_text->len > 0)
			buf_append(w->w_text, w->w_space == 2 ? "\n" : " ", 1);
		w->w_space = 0;
		buf_append(w->w_text, p++, 1);
	}
}

static void
elem_edge(struct walk *w, const xmlNode *n, enum elem_action act, int open)
{
	if (w->w_text != NULL &&
	    in_list((const char *)n->name, block_elems, NELEM(block_elems)))
		w->w_space = w->w_lines ? 2 : 1;
	if (w->w_html == NULL)
		return;
	if (open && (act == ELEM_KEEP || act == ELEM_VOID))
		open_tag(w->w_html, n, w->w_base);
	else if (!open && act == ELEM_KEEP)
		buf_printf(w->w_html, "</%s>", elem_name(n));
}

/* Depth-first without recursion: the tree may be as deep as it likes. */
static void
walk_children(struct walk *w, const xmlNode *top)
{
	const xmlNode *n = top->children;
	enum elem_action act;
	int depth = 0;

	while (n != NULL) {
		if (n->type == XML_TEXT_NODE && n->content != NULL)
			text_out(w, (const char *)n->content);
		else if (n->type == XML_ELEMENT_NODE) {
			act = elem_action(n, depth);
			if (act != ELEM_DROP)
				elem_edge(w, n, act, 1);
			if ((act == ELEM_KEEP || act == ELEM_UNWRAP) &&
			    n->children != NULL) {
				n = n->children;
				depth++;
				continue;
			}
			if (act == ELEM_KEEP)
				elem_edge(w, n, act, 0);
		}
		while (n->next == NULL) {
			n = n->parent;
			if (n == top || n == NULL)
				return;
			depth--;
			elem_edge(w, n, elem_action(n, depth), 0);
		}
		n = n->next;
	}
}

/*
 * Parses html as the content of <body> and walks the whole document:
 * <html> and <body> are unwrapped like any unknown element, so content
 * after a stray </html> is kept, and <head> is dropped.
 */
static void
walk_fragment(struct walk *w, const char *html)
{
	static const char head[] = "<!DOCTYPE html><html><head></head><body>";
	struct buf in;
	htmlDocPtr doc;
	char *clean;

	clean = text_sanitize_utf8(html);
	buf_init(&in, SIZE_MAX);
	buf_puts(&in, head);
	buf_puts(&in, clean);
	free(clean);
	if (in.len > INT32_MAX) {
		buf_free(&in);
		return;
	}
	doc = htmlReadMemory(in.data, (int)in.len, NULL, "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_RECOVER | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD);
	buf_free(&in);
	if (doc == NULL)
		return;
	walk_children(w, (const xmlNode *)doc);
	xmlFreeDoc(doc);
}

static char *
release_or_empty(struct buf *b)
{
	if (b->data == NULL)
		return xstrdup("");
	return buf_release(b, NULL);
}

/* One round: parse, keep what is allowed, write it out. */
static char *
sanitize_round(const char *html, const char *base)
{
	struct buf out;
	struct walk w = { 0 };

	buf_init(&out, SIZE_MAX);
	w.w_base = base;
	w.w_html = &out;
	walk_fragment(&w, html);
	return release_or_empty(&out);
}

char *
sanitize_html(const char *html, const char *base)
{
	char *cur, *next, *text;
	int i;

	if (html == NULL)
		return NULL;
	cur = sanitize_round(html, base);
	for (i = 0; i < SANITIZE_ROUNDS; i++) {
		next = sanitize_round(cur, base);
		if (strcmp(next, cur) == 0) {
			free(next);
			return cur;
		}
		free(cur);
		cur = next;
	}
	free(cur);
	/* Markup that never settles: its text, escaped, always does. */
	text = sanitize_text(html, 0);
	cur = text_html_escape(text);
	free(text);
	next = sanitize_round(cur, base);
	if (strcmp(next, cur) != 0) {
		free(next);
		next = xstrdup("");
	}
	free(cur);
	return next;
}

/* s cut after max characters, the last of them "…" (s is reallocated). */
static char *
cut_chars(char *s, size_t max)
{
	size_t i, chars = 0, cut = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (chars == max - 1)
			cut = i;
		if (++chars > max) {
			s = xreallocarray(s, cut + 4, 1);
			memcpy(s + cut, "\xe2\x80\xa6", 4);
			break;
		}
	}
	return s;
}

static char *
plain_text(const char *html, int lines)
{
	struct buf out;
	struct walk w = { 0 };

	buf_init(&out, SIZE_MAX);
	w.w_text = &out;
	w.w_lines = lines;
	walk_fragment(&w, html);
	return release_or_empty(&out);
}

char *
sanitize_text(const char *html, size_t max_chars)
{
	char *s;

	if (html == NULL)
		return NULL;
	s = plain_text(html, 0);
	if (max_chars > 0)
		s = cut_chars(s, max_chars);
	return s;
}

char *
sanitize_lines(const char *html)
{
	if (html == NULL)
		return NULL;
	return plain_text(html, 1);
}
