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

struct elem_rule {
	const char	*er_name;	/* lowercase, as written out */
	enum elem_action er_action;
	int		 er_block;
};

struct attr_rule {
	const char	*ar_elem;	/* NULL: on every kept element */
	const char	*ar_name;
	enum attr_kind	 ar_kind;
};

/*
 * Every element the sanitizer knows, sorted by name (bsearch): unknown
 * ones are unwrapped.  Drop: active, embedded or invisible, gone with
 * their content.  Block: its edges separate words in the plain text.
 */
static const struct elem_rule elem_rules[] = {
	{ "a",         ELEM_KEEP,	0 },
	{ "abbr",      ELEM_KEEP,	0 },
	{ "acronym",   ELEM_KEEP,	0 },
	{ "address",   ELEM_KEEP,	1 },
	{ "applet",    ELEM_DROP,	0 },
	{ "article",   ELEM_KEEP,	1 },
	{ "aside",     ELEM_KEEP,	1 },
	{ "audio",     ELEM_DROP,	0 },
	{ "b",         ELEM_KEEP,	0 },
	{ "base",      ELEM_DROP,	0 },
	{ "basefont",  ELEM_DROP,	0 },
	{ "bdi",       ELEM_KEEP,	0 },
	{ "bdo",       ELEM_KEEP,	0 },
	{ "bgsound",   ELEM_DROP,	0 },
	{ "big",       ELEM_KEEP,	0 },
	{ "blockquote", ELEM_KEEP,	1 },
	{ "br",        ELEM_VOID,	1 },
	{ "canvas",    ELEM_DROP,	0 },
	{ "caption",   ELEM_KEEP,	1 },
	{ "cite",      ELEM_KEEP,	0 },
	{ "code",      ELEM_KEEP,	0 },
	{ "col",       ELEM_VOID,	0 },
	{ "colgroup",  ELEM_KEEP,	0 },
	{ "dd",        ELEM_KEEP,	1 },
	{ "del",       ELEM_KEEP,	0 },
	{ "details",   ELEM_KEEP,	1 },
	{ "dfn",       ELEM_KEEP,	0 },
	{ "div",       ELEM_KEEP,	1 },
	{ "dl",        ELEM_KEEP,	1 },
	{ "dt",        ELEM_KEEP,	1 },
	{ "em",        ELEM_KEEP,	0 },
	{ "embed",     ELEM_DROP,	0 },
	{ "figcaption", ELEM_KEEP,	1 },
	{ "figure",    ELEM_KEEP,	1 },
	{ "footer",    ELEM_KEEP,	1 },
	{ "frame",     ELEM_DROP,	0 },
	{ "frameset",  ELEM_DROP,	0 },
	{ "h1",        ELEM_KEEP,	1 },
	{ "h2",        ELEM_KEEP,	1 },
	{ "h3",        ELEM_KEEP,	1 },
	{ "h4",        ELEM_KEEP,	1 },
	{ "h5",        ELEM_KEEP,	1 },
	{ "h6",        ELEM_KEEP,	1 },
	{ "head",      ELEM_DROP,	0 },
	{ "header",    ELEM_KEEP,	1 },
	{ "hr",        ELEM_VOID,	1 },
	{ "i",         ELEM_KEEP,	0 },
	{ "iframe",    ELEM_DROP,	0 },
	{ "ilayer",    ELEM_DROP,	0 },
	{ "img",       ELEM_VOID,	0 },
	{ "input",     ELEM_DROP,	0 },
	{ "ins",       ELEM_KEEP,	0 },
	{ "isindex",   ELEM_DROP,	0 },
	{ "kbd",       ELEM_KEEP,	0 },
	{ "keygen",    ELEM_DROP,	0 },
	{ "layer",     ELEM_DROP,	0 },
	{ "li",        ELEM_KEEP,	1 },
	{ "link",      ELEM_DROP,	0 },
	{ "mark",      ELEM_KEEP,	0 },
	{ "math",      ELEM_DROP,	0 },
	{ "meta",      ELEM_DROP,	0 },
	{ "noembed",   ELEM_DROP,	0 },
	{ "noframes",  ELEM_DROP,	0 },
	{ "noscript",  ELEM_DROP,	0 },
	{ "object",    ELEM_DROP,	0 },
	{ "ol",        ELEM_KEEP,	1 },
	{ "option",    ELEM_DROP,	0 },
	{ "p",         ELEM_KEEP,	1 },
	{ "param",     ELEM_DROP,	0 },
	{ "plaintext", ELEM_DROP,	0 },
	{ "portal",    ELEM_DROP,	0 },
	{ "pre",       ELEM_KEEP,	1 },
	{ "q",         ELEM_KEEP,	0 },
	{ "rp",        ELEM_KEEP,	0 },
	{ "rt",        ELEM_KEEP,	0 },
	{ "ruby",      ELEM_KEEP,	0 },
	{ "s",         ELEM_KEEP,	0 },
	{ "samp",      ELEM_KEEP,	0 },
	{ "script",    ELEM_DROP,	0 },
	{ "section",   ELEM_KEEP,	1 },
	{ "select",    ELEM_DROP,	0 },
	{ "small",     ELEM_KEEP,	0 },
	{ "source",    ELEM_DROP,	0 },
	{ "span",      ELEM_KEEP,	0 },
	{ "strike",    ELEM_KEEP,	0 },
	{ "strong",    ELEM_KEEP,	0 },
	{ "style",     ELEM_DROP,	0 },
	{ "sub",       ELEM_KEEP,	0 },
	{ "summary",   ELEM_KEEP,	1 },
	{ "sup",       ELEM_KEEP,	0 },
	{ "svg",       ELEM_DROP,	0 },
	{ "table",     ELEM_KEEP,	1 },
	{ "tbody",     ELEM_KEEP,	0 },
	{ "td",        ELEM_KEEP,	1 },
	{ "template",  ELEM_DROP,	0 },
	{ "textarea",  ELEM_DROP,	0 },
	{ "tfoot",     ELEM_KEEP,	0 },
	{ "th",        ELEM_KEEP,	1 },
	{ "thead",     ELEM_KEEP,	0 },
	{ "time",      ELEM_KEEP,	0 },
	{ "title",     ELEM_DROP,	0 },
	{ "tr",        ELEM_KEEP,	1 },
	{ "track",     ELEM_DROP,	0 },
	{ "tt",        ELEM_KEEP,	0 },
	{ "u",         ELEM_KEEP,	0 },
	{ "ul",        ELEM_KEEP,	1 },
	{ "var",       ELEM_KEEP,	0 },
	{ "video",     ELEM_DROP,	0 },
	{ "wbr",       ELEM_VOID,	0 },
	{ "xml",       ELEM_DROP,	0 },
	{ "xmp",       ELEM_DROP,	0 },
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

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
/* Longer than every name of the tables above. */
#define NAME_MAX_LEN	15

/*
 * name in ASCII lowercase into out, as strcasecmp() compares it: 0, or -1
 * when it is too long to be in a table.  Lookups run for every element
 * and attribute of every entry, three times or more: one lowercasing and
 * a binary search instead of a strcasecmp() scan of the lists.
 */
static int
lower_name(const char *name, char out[NAME_MAX_LEN + 1])
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++) {
		if (i == NAME_MAX_LEN)
			return -1;
		out[i] = name[i] >= 'A' && name[i] <= 'Z' ?
		    name[i] - 'A' + 'a' : name[i];
	}
	out[i] = '\0';
	return 0;
}

static int
elem_rule_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct elem_rule *)elem)->er_name);
}

/* The table's row for an element, or NULL when it is unknown. */
static const struct elem_rule *
elem_rule(const xmlNode *n)
{
	char name[NAME_MAX_LEN + 1];

	if (lower_name((const char *)n->name, name) == -1)
		return NULL;
	return bsearch(name, elem_rules, NELEM(elem_rules),
	    sizeof(elem_rules[0]), elem_rule_cmp);
}

static enum elem_action
elem_action(const struct elem_rule *er, int depth)
{
	if (er != NULL && er->er_action == ELEM_DROP)
		return ELEM_DROP;
	if (depth >= SANITIZE_MAX_DEPTH || er == NULL)
		return ELEM_UNWRAP;
	return er->er_action;
}

/* --- output ------------------------------------------------------------ */

static void
put_escaped(struct buf *b, const char *s, int attr)
{
	size_t n;

	for (;;) {
		/* Runs without a character to escape go in one piece. */
		n = strcspn(s, attr ? "&<>\"" : "&<>");
		buf_append(b, s, n);
		s += n;
		switch (*s) {
		case '\0':	return;
		case '&':	buf_append(b, "&amp;", 5);	break;
		case '<':	buf_append(b, "&lt;", 4);	break;
		case '>':	buf_append(b, "&gt;", 4);	break;
		case '"':	buf_append(b, "&quot;", 6);	break;
		}
		s++;
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

/* elem: the table's name of a kept element. */
static const struct attr_rule *
attr_rule(const char *elem, const char *attr)
{
	char name[NAME_MAX_LEN + 1];
	size_t i;

	if (lower_name(attr, name) == -1)
		return NULL;
	for (i = 0; i < NELEM(attr_rules); i++)
		if ((attr_rules[i].ar_elem == NULL ||
		    strcmp(attr_rules[i].ar_elem, elem) == 0) &&
		    strcmp(attr_rules[i].ar_name, name) == 0)
			return &attr_rules[i];
	return NULL;
}

static void
open_tag(struct buf *b, const xmlNode *n, const struct elem_rule *er,
    const char *base)
{
	const struct attr_rule *r;
	const xmlAttr *a;
	xmlChar *raw;
	char *v;

	buf_puts(b, "<");
	buf_puts(b, er->er_name);
	for (a = n->properties; a != NULL; a = a->next) {
		if (a->ns != NULL || (r = attr_rule(er->er_name,
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
		for (n = 1; p[n] != '\0' && blank_len(p + n) == 0; n++)
			continue;
		buf_append(w->w_text, p, n);
		p += n;
	}
}

/* er: the element's row, NULL for an unknown one. */
static void
elem_edge(struct walk *w, const xmlNode *n, const struct elem_rule *er,
    enum elem_action act, int open)
{
	if (w->w_text != NULL && er != NULL && er->er_block)
		w->w_space = w->w_lines ? 2 : 1;
	if (w->w_html == NULL)
		return;
	if (open && (act == ELEM_KEEP || act == ELEM_VOID))
		open_tag(w->w_html, n, er, w->w_base);
	else if (!open && act == ELEM_KEEP) {
		buf_puts(w->w_html, "</");
		buf_puts(w->w_html, er->er_name);
		buf_puts(w->w_html, ">");
	}
}

/* Depth-first without recursion: the tree may be as deep as it likes. */
static void
walk_children(struct walk *w, const xmlNode *top)
{
	const xmlNode *n = top->children;
	const struct elem_rule *er;
	enum elem_action act;
	int depth = 0;

	while (n != NULL) {
		if (n->type == XML_TEXT_NODE && n->content != NULL)
			text_out(w, (const char *)n->content);
		else if (n->type == XML_ELEMENT_NODE) {
			er = elem_rule(n);
			act = elem_action(er, depth);
			if (act != ELEM_DROP)
				elem_edge(w, n, er, act, 1);
			/* A void element with children is one libxml2 does
			 * not know as empty (wbr): what it swallowed is the
			 * text after it, kept. */
			if ((act == ELEM_KEEP || act == ELEM_UNWRAP ||
			    act == ELEM_VOID) && n->children != NULL) {
				n = n->children;
				depth++;
				continue;
			}
			if (act == ELEM_KEEP)
				elem_edge(w, n, er, act, 0);
		}
		while (n->next == NULL) {
			n = n->parent;
			if (n == top || n == NULL)
				return;
			depth--;
			er = elem_rule(n);
			elem_edge(w, n, er, elem_action(er, depth), 0);
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

/*
 * One round: parse, keep what is allowed, write it out; with lines, the
 * plain text by lines of the input as well, from the same parse.
 */
static char *
sanitize_round(const char *html, const char *base, struct buf *lines)
{
	struct buf out;
	struct walk w = { 0 };

	buf_init(&out, SIZE_MAX);
	w.w_base = base;
	w.w_html = &out;
	if (lines != NULL) {
		buf_reset(lines);
		w.w_text = lines;
		w.w_lines = 1;
	}
	walk_fragment(&w, html);
	return release_or_empty(&out);
}

char *
sanitize_html(const char *html, const char *base)
{
	return sanitize_html_lines(html, base, NULL);
}

char *
sanitize_html_lines(const char *html, const char *base, char **linesp)
{
	struct buf lines, *lb = NULL;
	char *cur, *next, *text;
	int i;

	if (linesp != NULL) {
		*linesp = NULL;
		buf_init(&lines, SIZE_MAX);
		lb = &lines;
	}
	if (html == NULL)
		return NULL;
	cur = sanitize_round(html, base, lb);
	/* Already its own output (the parsers sanitize content, and
	 * normalizing does it again): nothing left to check. */
	if (strcmp(cur, html) == 0)
		goto done;
	for (i = 0; i < SANITIZE_ROUNDS; i++) {
		next = sanitize_round(cur, base, lb);
		if (strcmp(next, cur) == 0) {
			free(next);
			goto done;
		}
		free(cur);
		cur = next;
	}
	free(cur);
	/* Markup that never settles: its text, escaped, always does. */
	text = sanitize_text(html, 0);
	cur = text_html_escape(text);
	free(text);
	next = sanitize_round(cur, base, lb);
	if (strcmp(next, cur) != 0) {
		free(next);
		next = xstrdup("");
		if (lb != NULL)
			buf_reset(lb);
	}
	free(cur);
	cur = next;
done:
	if (linesp != NULL)
		*linesp = release_or_empty(&lines);
	return cur;
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

char *
sanitize_lines_text(const char *lines, size_t max_chars)
{
	char *s, *p;

	if (lines == NULL)
		return NULL;
	/* The only newlines of lines are block edges, spaces in the text. */
	s = xstrdup(lines);
	for (p = s; (p = strchr(p, '\n')) != NULL; p++)
		*p = ' ';
	if (max_chars > 0)
		s = cut_chars(s, max_chars);
	return s;
}
